//! `chmod`: change permission bits, by octal or symbolic mode
//! (`u+x,go-w`, `a=r`, `+X`, `g=u`), from a reference file, recursively,
//! reporting changes (`-v`, `-c`) as GNU does.

use std::io::Write;
use wsutil::args::{self, HasArg, Item, Spec, HELP, LONG1, LONG2, LONG3, VERSION};
use wsutil::fsmeta::{self, perm_string};
use wsutil::io::{stdout, Out};
use wsutil::{quote, quote_always, quote_locale, report, show_error, strerror, Error, Result, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("chmod", main)];

const SPEC: Spec = Spec {
    short: "Rcfv",
    long: &[
        ("changes", HasArg::No, 'c'),
        ("silent", HasArg::No, 'f'),
        ("quiet", HasArg::No, 'f'),
        ("verbose", HasArg::No, 'v'),
        ("recursive", HasArg::No, 'R'),
        ("reference", HasArg::Required, LONG1),
        ("preserve-root", HasArg::No, LONG2),
        ("no-preserve-root", HasArg::No, LONG3),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: chmod [OPTION]... MODE[,MODE]... FILE...
  or:  chmod [OPTION]... OCTAL-MODE FILE...
  or:  chmod [OPTION]... --reference=RFILE FILE...
Change the mode of each FILE to MODE.
With --reference, change the mode of each FILE to that of RFILE.

  -c, --changes          like verbose but report only when a change is made
  -f, --silent, --quiet  suppress most error messages
  -v, --verbose          output a diagnostic for every file processed
      --no-preserve-root  do not treat '/' specially (the default)
      --preserve-root    fail to operate recursively on '/'
      --reference=RFILE  use RFILE's mode instead of MODE values
  -R, --recursive        change files and directories recursively

Each MODE is of the form '[ugoa]*([-+=]([rwxXst]*|[ugo]))+|[-+=][0-7]+'.
";

const ALL_BITS: u32 = 0o7777;

/// One `[-+=]` action of a symbolic (or octal) mode.
#[derive(Clone, Copy, Debug)]
struct Change {
    op: char,
    kind: Kind,
    /// Bits the who-list selects (0: none given, so the umask applies).
    affected: u32,
    value: u32,
    mentioned: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Ordinary,
    /// `X`: execute only if a directory or already executable by someone.
    XIfAnyX,
    /// `u`, `g`, `o` after the operator: copy those bits.
    Copy,
}

/// Parses a mode the way gnulib's mode_compile does; None if invalid.
fn compile(mode: &str) -> Option<Vec<Change>> {
    let b = mode.as_bytes();
    if b.first().map_or(false, |c| (b'0'..=b'7').contains(c)) {
        let mut v: u32 = 0;
        for &c in b {
            if !(b'0'..=b'7').contains(&c) {
                return None;
            }
            v = v * 8 + (c - b'0') as u32;
            if v > ALL_BITS {
                return None;
            }
        }
        // Fewer than five digits leave a directory's set-id bits alone.
        let mentioned = if b.len() < 5 { v | 0o777 } else { ALL_BITS };
        return Some(vec![Change { op: '=', kind: Kind::Ordinary, affected: ALL_BITS, value: v, mentioned }]);
    }
    let mut changes = Vec::new();
    let mut i = 0;
    loop {
        let mut affected = 0;
        while i < b.len() {
            affected |= match b[i] {
                b'u' => 0o4700,
                b'g' => 0o2070,
                b'o' => 0o1007,
                b'a' => ALL_BITS,
                _ => break,
            };
            i += 1;
        }
        loop {
            let op = match b.get(i) {
                Some(&c @ (b'=' | b'+' | b'-')) => c as char,
                _ => return None,
            };
            i += 1;
            let (kind, value) = match b.get(i) {
                Some(b'u') => (Kind::Copy, 0o700),
                Some(b'g') => (Kind::Copy, 0o070),
                Some(b'o') => (Kind::Copy, 0o007),
                _ => {
                    let mut kind = Kind::Ordinary;
                    let mut value = 0;
                    while i < b.len() {
                        match b[i] {
                            b'r' => value |= 0o444,
                            b'w' => value |= 0o222,
                            b'x' => value |= 0o111,
                            b'X' => kind = Kind::XIfAnyX,
                            b's' => value |= 0o6000,
                            b't' => value |= 0o1000,
                            _ => break,
                        }
                        i += 1;
                    }
                    i -= 1;
                    (kind, value)
                }
            };
            i += 1;
            let mentioned = if affected != 0 { affected & value } else { value };
            changes.push(Change { op, kind, affected, value, mentioned });
            if !matches!(b.get(i), Some(b'=' | b'+' | b'-')) {
                break;
            }
        }
        match b.get(i) {
            None => return Some(changes),
            Some(b',') => i += 1,
            Some(_) => return None,
        }
    }
}

/// The new permission bits (gnulib's mode_adjust).
fn adjust(old: u32, dir: bool, umask: u32, changes: &[Change]) -> u32 {
    let mut mode = old & ALL_BITS;
    for c in changes {
        let omit = if dir { 0o6000 } else { 0 } & !c.mentioned;
        let mut value = c.value;
        match c.kind {
            Kind::Ordinary => {}
            Kind::Copy => {
                value &= mode;
                let spread = |mask: u32, all: u32| if value & mask != 0 { all } else { 0 };
                value |= spread(0o444, 0o444) | spread(0o222, 0o222) | spread(0o111, 0o111);
            }
            Kind::XIfAnyX => {
                if mode & 0o111 != 0 || dir {
                    value |= 0o111;
                }
            }
        }
        value &= (if c.affected != 0 { c.affected } else { !umask }) & !omit;
        match c.op {
            '=' => {
                let preserved = (if c.affected != 0 { !c.affected } else { 0 }) | omit;
                mode = (mode & preserved) | value;
            }
            '+' => mode |= value,
            _ => mode &= !value,
        }
    }
    mode & ALL_BITS
}

enum How {
    Changes(Vec<Change>),
    Reference(u32),
}

struct Chmod {
    how: How,
    umask: u32,
    verbose: bool,
    changes_only: bool,
    silent: bool,
    recursive: bool,
    preserve_root: bool,
    /// The mode came as an option-like word (`-w`): warn when the umask
    /// made the result differ from what was asked.
    diagnose: bool,
    out: Out,
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

/// `-w`, `-rwx`, `-0`... are modes, not options, as in GNU chmod.
fn is_mode_word(a: &str) -> bool {
    let b = a.as_bytes();
    b.len() > 1 && b[0] == b'-' && b"rwxXstugoa,+=-01234567".contains(&b[1]) && !a.starts_with("--")
}

fn run(argv: &[String]) -> Result<i32> {
    let mut mode_words: Vec<String> = Vec::new();
    let mut rest: Vec<String> = Vec::new();
    let mut after_dashes = false;
    for a in argv {
        if !after_dashes && a == "--" {
            after_dashes = true;
            rest.push(a.clone());
        } else if !after_dashes && is_mode_word(a) {
            mode_words.push(a.clone());
        } else {
            rest.push(a.clone());
        }
    }
    let mut c = Chmod {
        how: How::Reference(0),
        umask: fsmeta::umask(),
        verbose: false,
        changes_only: false,
        silent: false,
        recursive: false,
        preserve_root: false,
        diagnose: !mode_words.is_empty(),
        out: stdout(),
    };
    let mut reference = None;
    let mut operands = Vec::new();
    for item in args::parse(&SPEC, &rest)? {
        match item {
            Item::Opt('c', _) => c.changes_only = true,
            Item::Opt('f', _) => c.silent = true,
            Item::Opt('v', _) => c.verbose = true,
            Item::Opt('R', _) => c.recursive = true,
            Item::Opt(LONG1, Some(v)) => reference = Some(v),
            Item::Opt(LONG2, _) => c.preserve_root = true,
            Item::Opt(LONG3, _) => c.preserve_root = false,
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("chmod (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(o) => operands.push(o),
        }
    }
    let mode_text = if !mode_words.is_empty() {
        Some(mode_words.join(","))
    } else if reference.is_none() {
        if operands.is_empty() {
            return Err(UsageError::new("missing operand").into());
        }
        Some(operands.remove(0))
    } else {
        None
    };
    if operands.is_empty() {
        let msg = match &mode_text {
            Some(m) if mode_words.is_empty() => format!("missing operand after {}", quote_locale(m)),
            _ => "missing operand".to_string(),
        };
        return Err(UsageError::new(msg).into());
    }
    c.how = match (&reference, &mode_text) {
        (Some(r), _) => {
            let st = fsmeta::stat(r, true)
                .map_err(|e| Error::Fatal(format!("failed to get attributes of {}: {}", quote_always(r), strerror(&e))))?;
            How::Reference(st.mode & ALL_BITS)
        }
        (None, Some(m)) => How::Changes(
            compile(m).ok_or_else(|| Error::Usage(UsageError::new(format!("invalid mode: {}", quote_locale(m)))))?,
        ),
        (None, None) => return Err(UsageError::new("missing operand").into()),
    };
    let mut ok = true;
    for f in &operands {
        ok &= c.process(f, true);
    }
    c.out.flush()?;
    Ok(if ok { 0 } else { 1 })
}

impl Chmod {
    fn new_mode(&self, old: u32, dir: bool, umask: u32) -> u32 {
        match &self.how {
            How::Reference(m) => *m,
            How::Changes(ch) => adjust(old, dir, umask, ch),
        }
    }

    /// One file (and with -R what is under it); false on any error.
    fn process(&mut self, path: &str, top: bool) -> bool {
        if self.recursive && self.preserve_root && top && is_root(path) {
            show_error(&format!("it is dangerous to operate recursively on {}", quote_always("/")));
            show_error("use --no-preserve-root to override this failsafe");
            return false;
        }
        let lst = match fsmeta::stat(path, false) {
            Ok(s) => s,
            Err(e) => {
                if !self.silent {
                    let _ = self.out.flush();
                    show_error(&format!("cannot access {}: {}", quote_always(path), strerror(&e)));
                }
                self.not_accessed(path);
                return false;
            }
        };
        if lst.is_symlink() && !top {
            if self.verbose {
                let _ = writeln!(self.out, "neither symbolic link {} nor referent has been changed", quote_always(path));
            }
            return true;
        }
        let st = if lst.is_symlink() {
            match fsmeta::stat(path, true) {
                Ok(s) => s,
                Err(_) => {
                    if !self.silent {
                        let _ = self.out.flush();
                        show_error(&format!("cannot operate on dangling symlink {}", quote_always(path)));
                    }
                    self.not_accessed(path);
                    return false;
                }
            }
        } else {
            lst
        };
        let mut ok = self.change(path, st.mode, st.is_dir());
        // A symlink named on the command line is followed, into a directory
        // too (fts's FTS_COMFOLLOW); those met while descending are not.
        if self.recursive && st.is_dir() {
            ok &= self.descend(path);
        }
        ok
    }

    fn not_accessed(&mut self, path: &str) {
        if self.verbose {
            let _ = writeln!(self.out, "{} could not be accessed", quote_always(path));
        }
    }

    fn change(&mut self, path: &str, old_full: u32, dir: bool) -> bool {
        let old = old_full & ALL_BITS;
        let new = self.new_mode(old, dir, self.umask);
        let mut ok = true;
        let changed = old != new;
        if changed {
            if let Err(e) = fsmeta::chmod(path, new) {
                if !self.silent {
                    show_error(&format!("changing permissions of {}: {}", quote_always(path), strerror(&e)));
                }
                if self.verbose {
                    let _ = writeln!(
                        self.out,
                        "failed to change mode of {} from {:04o} ({}) to {:04o} ({})",
                        quote_always(path),
                        old,
                        perm_string(old),
                        new,
                        perm_string(new)
                    );
                }
                return false;
            }
        }
        if self.verbose || (self.changes_only && changed) {
            let _ = if changed {
                writeln!(
                    self.out,
                    "mode of {} changed from {:04o} ({}) to {:04o} ({})",
                    quote_always(path),
                    old,
                    perm_string(old),
                    new,
                    perm_string(new)
                )
            } else {
                writeln!(self.out, "mode of {} retained as {:04o} ({})", quote_always(path), new, perm_string(new))
            };
        }
        if self.diagnose {
            if let How::Changes(ch) = &self.how {
                let naive = adjust(old, dir, 0, ch);
                if new & !naive != 0 {
                    let _ = self.out.flush();
                    show_error(&format!(
                        "{}: new permissions are {}, not {}",
                        quote(path),
                        perm_string(new),
                        perm_string(naive)
                    ));
                    ok = false;
                }
            }
        }
        ok
    }

    fn descend(&mut self, dir: &str) -> bool {
        let names: Vec<String> = match std::fs::read_dir(dir) {
            Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect(),
            Err(e) => {
                if !self.silent {
                    let _ = self.out.flush();
                    show_error(&format!("cannot read directory {}: {}", quote_always(dir), strerror(&e)));
                }
                return false;
            }
        };
        let mut ok = true;
        for n in names {
            let p = if dir.ends_with('/') { format!("{}{}", dir, n) } else { format!("{}/{}", dir, n) };
            ok &= self.process(&p, false);
        }
        ok
    }
}

fn is_root(path: &str) -> bool {
    !path.is_empty() && path.bytes().all(|c| c == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(mode: &str, old: u32, dir: bool) -> u32 {
        adjust(old, dir, 0o022, &compile(mode).unwrap())
    }

    #[test]
    fn modes() {
        assert_eq!(apply("u+x,go-w", 0o666, false), 0o744);
        assert_eq!(apply("a=r", 0o777, false), 0o444);
        assert_eq!(apply("-w", 0o666, false), 0o466);
        assert_eq!(apply("+X", 0o644, true), 0o755);
        assert_eq!(apply("+X", 0o644, false), 0o644);
        assert_eq!(apply("755", 0o2755, true), 0o2755);
        assert_eq!(apply("00755", 0o2755, true), 0o755);
        assert_eq!(apply("u=g", 0o750, false), 0o550);
        assert_eq!(apply("go=u", 0o550, false), 0o555);
        assert_eq!(apply("u+s,g+s,+t", 0o600, false), 0o7600);
        assert!(compile("u+x,").is_none());
        assert!(compile("").is_none());
        assert!(compile("17777").is_none());
        assert!(compile("x").is_none());
    }
}
