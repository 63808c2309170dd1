//! `patch`: apply a diff to files, as GNU patch 2.7 does.
//!
//! Reads unified, context (old and new style) and normal diffs, several
//! files' worth in one input, with `diff --git` headers understood for
//! names and created/deleted files. Each hunk is looked for where its
//! line numbers say, then at growing offsets either way, then with 1 and
//! 2 lines of outer context ignored (fuzz); the first hunk that only
//! matches reversed triggers GNU's "Reversed (or previously applied)"
//! question, answered "no" since there is never a terminal. Hunks that
//! fail go to `FILE.rej` in the patch's own format; a file patched with
//! offsets, fuzz or failures keeps its original as `FILE.orig`, as GNU's
//! default `--backup-if-mismatch` does.
//!
//! Refused as unsupported: ed scripts (`-e`), `-D`, `--merge`, `-T`/`-Z`,
//! `-g`, `-x`, `--quoting-style`; git binary and rename/copy patches are
//! skipped with GNU's message.

use std::collections::HashSet;
use std::io::Write;

use wsutil::args::{self, HasArg, Item, Spec, HELP, LONG1, LONG2, LONG3, LONG4, LONG5, LONG6, LONG7, LONG8};
use wsutil::fsmeta;
use wsutil::io::stdout;
use wsutil::{strerror, util};

pub const APPLETS: &[wsutil::Applet] = &[("patch", main)];

const DRY_RUN: char = LONG1;
const VERBOSE: char = LONG2;
const BINARY: char = LONG3;
const BACKUP_IF_MISMATCH: char = LONG4;
const NO_BACKUP_IF_MISMATCH: char = LONG5;
const POSIX: char = LONG6;
const QUOTING: char = LONG7;
const REJECT_FORMAT: char = LONG8;
const READ_ONLY: char = '\u{e020}';
const FOLLOW_SYMLINKS: char = '\u{e021}';
const MERGE: char = '\u{e022}';

const SPEC: Spec = Spec {
    short: "bB:cd:D:eEfF:g:i:lnNo:p:r:RstTuvV:x:Y:z:Z",
    long: &[
        ("backup", HasArg::No, 'b'),
        ("prefix", HasArg::Required, 'B'),
        ("context", HasArg::No, 'c'),
        ("directory", HasArg::Required, 'd'),
        ("ifdef", HasArg::Required, 'D'),
        ("ed", HasArg::No, 'e'),
        ("remove-empty-files", HasArg::No, 'E'),
        ("force", HasArg::No, 'f'),
        ("fuzz", HasArg::Required, 'F'),
        ("get", HasArg::Required, 'g'),
        ("input", HasArg::Required, 'i'),
        ("ignore-whitespace", HasArg::No, 'l'),
        ("merge", HasArg::Optional, MERGE),
        ("normal", HasArg::No, 'n'),
        ("forward", HasArg::No, 'N'),
        ("output", HasArg::Required, 'o'),
        ("strip", HasArg::Required, 'p'),
        ("reject-file", HasArg::Required, 'r'),
        ("reverse", HasArg::No, 'R'),
        ("quiet", HasArg::No, 's'),
        ("silent", HasArg::No, 's'),
        ("batch", HasArg::No, 't'),
        ("set-time", HasArg::No, 'T'),
        ("unified", HasArg::No, 'u'),
        ("version", HasArg::No, 'v'),
        ("version-control", HasArg::Required, 'V'),
        ("debug", HasArg::Required, 'x'),
        ("basename-prefix", HasArg::Required, 'Y'),
        ("suffix", HasArg::Required, 'z'),
        ("set-utc", HasArg::No, 'Z'),
        ("dry-run", HasArg::No, DRY_RUN),
        ("verbose", HasArg::No, VERBOSE),
        ("binary", HasArg::No, BINARY),
        ("help", HasArg::No, HELP),
        ("backup-if-mismatch", HasArg::No, BACKUP_IF_MISMATCH),
        ("no-backup-if-mismatch", HasArg::No, NO_BACKUP_IF_MISMATCH),
        ("posix", HasArg::No, POSIX),
        ("quoting-style", HasArg::Required, QUOTING),
        ("reject-format", HasArg::Required, REJECT_FORMAT),
        ("read-only", HasArg::Required, READ_ONLY),
        ("follow-symlinks", HasArg::No, FOLLOW_SYMLINKS),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: patch [OPTION]... [ORIGFILE [PATCHFILE]]

Input options:

  -p NUM  --strip=NUM  Strip NUM leading components from file names.
  -F LINES  --fuzz LINES  Set the fuzz factor to LINES for inexact matching.
  -l  --ignore-whitespace  Ignore white space changes between patch and input.

  -c  --context  Interpret the patch as a context difference.
  -n  --normal  Interpret the patch as a normal difference.
  -u  --unified  Interpret the patch as a unified difference.

  -N  --forward  Ignore patches that appear to be reversed or already applied.
  -R  --reverse  Assume patches were created with old and new files swapped.

  -i PATCHFILE  --input=PATCHFILE  Read patch from PATCHFILE instead of stdin.

Output options:

  -o FILE  --output=FILE  Output patched files to FILE.
  -r FILE  --reject-file=FILE  Output rejects to FILE.

  -E  --remove-empty-files  Remove output files that are empty after patching.

Backup and version control options:

  -b  --backup  Back up the original contents of each file.
  --backup-if-mismatch  Back up if the patch does not match exactly.
  --no-backup-if-mismatch  Back up mismatches only if otherwise requested.

  -V STYLE  --version-control=STYLE  Use STYLE version control.
\tSTYLE is 'simple' (the only one supported here).
  -B PREFIX  --prefix=PREFIX  Prepend PREFIX to backup file names.
  -Y PREFIX  --basename-prefix=PREFIX  Prepend PREFIX to backup file basenames.
  -z SUFFIX  --suffix=SUFFIX  Append SUFFIX to backup file names.

Miscellaneous options:

  -t  --batch  Ask no questions; skip bad-Prereq patches; assume reversed.
  -f  --force  Like -t, but ignore bad-Prereq patches, and assume unreversed.
  -s  --quiet  --silent  Work silently unless an error occurs.
  --verbose  Output extra information about the work being done.
  --dry-run  Do not actually change any files; just print what would happen.

  -d DIR  --directory=DIR  Change the working directory to DIR first.
  --reject-format=FORMAT  Create 'context' or 'unified' rejects.
  --binary  Read and write data in binary mode.
  --read-only=BEHAVIOR  How to handle read-only input files: 'ignore' that they
                        are read-only, 'warn' (default), or 'fail'.

  -v  --version  Output version info.
  --help  Output this help.
";

/// The kinds of diff GNU patch reads, in GNU's order (the order matters
/// for the context reject format).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum DiffType {
    Context,
    Normal,
    NewContext,
    Unified,
}

/// Who is talking: GNU's three verbosity levels.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verbosity {
    Silent,
    Normal,
    Verbose,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ReadOnly {
    Ignore,
    Warn,
    Fail,
}

struct Opts {
    strip: i64,
    reverse: bool,
    forward: bool,
    dry_run: bool,
    force: bool,
    batch: bool,
    verbosity: Verbosity,
    make_backups: bool,
    backup_if_mismatch: bool,
    suffix: String,
    prefix: Option<String>,
    basename_prefix: Option<String>,
    outfile: Option<String>,
    reject_file: Option<String>,
    maxfuzz: usize,
    ignore_ws: bool,
    remove_empty: bool,
    forced_type: Option<DiffType>,
    reject_format: Option<DiffType>,
    inname: Option<String>,
    patchname: Option<String>,
    read_only: ReadOnly,
    backup_type: BackupType,
    posix: bool,
}

/// How backup files are named (`-V`, `VERSION_CONTROL`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum BackupType {
    /// NAME.orig (or the -z suffix).
    Simple,
    /// NAME.~N~, one more than the highest there is.
    Numbered,
    /// Numbered if numbered backups exist, else simple.
    Existing,
}

/// The version-control words gnulib's backupfile accepts.
fn backup_type(word: &str, context: &str) -> Result<BackupType, Fatal> {
    let choices: [(&str, BackupType); 8] = [
        ("none", BackupType::Existing),
        ("off", BackupType::Existing),
        ("simple", BackupType::Simple),
        ("never", BackupType::Simple),
        ("existing", BackupType::Existing),
        ("nil", BackupType::Existing),
        ("numbered", BackupType::Numbered),
        ("t", BackupType::Numbered),
    ];
    if let Some(c) = choices.iter().find(|c| c.0 == word) {
        return Ok(c.1);
    }
    let m: Vec<_> = choices.iter().filter(|c| !word.is_empty() && c.0.starts_with(word)).collect();
    if !m.is_empty() && m.iter().all(|c| c.1 == m[0].1 && c.0 != "none" && c.0 != "off") {
        return Ok(m[0].1);
    }
    let what = if m.len() > 1 { "ambiguous" } else { "invalid" };
    eprintln!(
        "{}: {} argument '{}' for '{}'\nValid arguments are:\n  - 'none', 'off'\n  - 'simple', 'never'\n  - 'existing', 'nil'\n  - 'numbered', 't'",
        util(),
        what,
        word,
        context
    );
    Err(Fatal(String::new()))
}

/// A fatal condition: `patch: **** msg`, status 2.
struct Fatal(String);

pub fn main(argv: &[String]) -> i32 {
    let mut out = stdout();
    let code = match run(argv, &mut out) {
        Ok(c) => c,
        Err(Fatal(m)) => {
            let _ = out.flush();
            if !m.is_empty() {
                eprint!("{}: **** {}\n", util(), m);
            }
            2
        }
    };
    let _ = out.flush();
    code
}

fn try_help(msg: Option<String>) -> Fatal {
    if let Some(m) = msg {
        eprintln!("{}: {}", util(), m);
    }
    eprintln!("{}: Try '{} --help' for more information.", util(), util());
    Fatal(String::new())
}

/// GNU patch's `numeric_string`: digits with an optional sign.
fn numeric(s: &str, what: &str) -> Result<i64, Fatal> {
    let b = s.as_bytes();
    let neg = b.first() == Some(&b'-');
    let start = if neg || b.first() == Some(&b'+') { 1 } else { 0 };
    if start >= b.len() || !b[start..].iter().all(|c| c.is_ascii_digit()) {
        return Err(Fatal(format!("{} {} is not a number", what, quote(s))));
    }
    let v: i64 = s[start..].parse().unwrap_or(i64::MAX);
    if neg && v != 0 {
        return Err(Fatal(format!("{} {} is negative", what, quote(s))));
    }
    Ok(v)
}

/// gnulib's `shell` quoting style for names in messages.
fn quote(w: &str) -> String {
    let plain = !w.is_empty()
        && w.bytes().enumerate().all(|(i, c)| {
            c.is_ascii_alphanumeric()
                || b"%+,-./:@_".contains(&c)
                || c >= 0x80
                || (i > 0 && (c == b'#' || c == b'~'))
                || ((c == b'{' || c == b'}') && w.len() > 1)
        });
    if plain {
        w.to_string()
    } else if !w.contains('\'') {
        format!("'{}'", w)
    } else {
        format!("'{}'", w.replace('\'', "'\\''"))
    }
}

fn run(argv: &[String], out: &mut wsutil::io::Out) -> Result<i32, Fatal> {
    let items = args::parse(&SPEC, argv).map_err(|e| try_help(Some(e.0)))?;
    let mut o = Opts {
        strip: -1,
        reverse: false,
        forward: false,
        dry_run: false,
        force: false,
        batch: false,
        verbosity: Verbosity::Normal,
        make_backups: false,
        backup_if_mismatch: true,
        suffix: std::env::var("SIMPLE_BACKUP_SUFFIX").ok().filter(|s| !s.is_empty()).unwrap_or_else(|| ".orig".into()),
        prefix: None,
        basename_prefix: None,
        outfile: None,
        reject_file: None,
        maxfuzz: 2,
        ignore_ws: false,
        remove_empty: false,
        forced_type: None,
        reject_format: None,
        inname: None,
        patchname: None,
        read_only: ReadOnly::Warn,
        backup_type: BackupType::Existing,
        posix: std::env::var_os("POSIXLY_CORRECT").is_some(),
    };
    let mut version_control: Option<(String, &str)> = None;
    if let Ok(v) = std::env::var("PATCH_VERSION_CONTROL") {
        version_control = Some((v, "$PATCH_VERSION_CONTROL"));
    } else if let Ok(v) = std::env::var("VERSION_CONTROL") {
        version_control = Some((v, "$VERSION_CONTROL"));
    }
    let mut backup_if_mismatch: Option<bool> = None;
    let mut operands = Vec::new();
    for item in items {
        let (c, v) = match item {
            Item::Operand(x) => {
                operands.push(x);
                continue;
            }
            Item::Opt(c, v) => (c, v.unwrap_or_default()),
        };
        match c {
            'b' => o.make_backups = true,
            'B' | 'Y' | 'z' => {
                if v.is_empty() {
                    let what = match c {
                        'B' => "prefix",
                        'Y' => "basename prefix",
                        _ => "suffix",
                    };
                    return Err(Fatal(format!("backup {} is empty", what)));
                }
                match c {
                    'B' => o.prefix = Some(v),
                    'Y' => o.basename_prefix = Some(v),
                    _ => o.suffix = v,
                }
            }
            'c' => o.forced_type = Some(DiffType::Context),
            'n' => o.forced_type = Some(DiffType::Normal),
            'u' => o.forced_type = Some(DiffType::Unified),
            'd' => {
                if let Err(e) = std::env::set_current_dir(&v) {
                    return Err(Fatal(format!("Can't change to directory {} : {}", quote(&v), strerror(&e))));
                }
            }
            'E' => o.remove_empty = true,
            'f' => o.force = true,
            'F' => o.maxfuzz = numeric(&v, "fuzz factor")? as usize,
            'i' => o.patchname = Some(v),
            'l' => o.ignore_ws = true,
            'N' => o.forward = true,
            'o' => o.outfile = Some(v),
            'p' => o.strip = numeric(&v, "strip count")?,
            'r' => o.reject_file = Some(v),
            'R' => o.reverse = true,
            's' => o.verbosity = Verbosity::Silent,
            't' => o.batch = true,
            'v' => {
                let _ = writeln!(out, "patch (wasmsand) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            'V' => version_control = Some((v, "--version-control or -V option")),
            DRY_RUN => o.dry_run = true,
            VERBOSE => o.verbosity = Verbosity::Verbose,
            BINARY | FOLLOW_SYMLINKS => {}
            HELP => {
                let _ = out.write_all(USAGE.as_bytes());
                return Ok(0);
            }
            BACKUP_IF_MISMATCH => backup_if_mismatch = Some(true),
            NO_BACKUP_IF_MISMATCH => backup_if_mismatch = Some(false),
            POSIX => o.posix = true,
            REJECT_FORMAT => match v.as_str() {
                "context" => o.reject_format = Some(DiffType::NewContext),
                "unified" => o.reject_format = Some(DiffType::Unified),
                _ => return Err(try_help(None)),
            },
            READ_ONLY => match v.as_str() {
                "ignore" => o.read_only = ReadOnly::Ignore,
                "warn" => o.read_only = ReadOnly::Warn,
                "fail" => o.read_only = ReadOnly::Fail,
                _ => return Err(try_help(None)),
            },
            'D' => return Err(unsupported("--ifdef")),
            'e' => return Err(unsupported("--ed")),
            'g' => return Err(unsupported("--get")),
            'T' => return Err(unsupported("--set-time")),
            'Z' => return Err(unsupported("--set-utc")),
            'x' => return Err(unsupported("--debug")),
            MERGE => return Err(unsupported("--merge")),
            QUOTING => return Err(unsupported("--quoting-style")),
            _ => {}
        }
    }
    o.backup_if_mismatch = backup_if_mismatch.unwrap_or(!o.posix);
    if o.make_backups || o.backup_if_mismatch {
        if let Some((word, context)) = &version_control {
            o.backup_type = backup_type(word, context)?;
        }
    }
    let mut ops = operands.into_iter();
    if let Some(f) = ops.next() {
        o.inname = Some(f);
        if let Some(p) = ops.next() {
            o.patchname = Some(p);
            if let Some(extra) = ops.next() {
                eprintln!("{}: {}: extra operand", util(), quote(&extra));
                return Err(try_help(None));
            }
        }
    }
    let data = read_patch(&o)?;
    let mut p = Patcher::new(&o, data, out)?;
    p.run()
}

/// The wsutil way of refusing an option, as an early exit.
fn unsupported(flag: &str) -> Fatal {
    wsutil::report(&wsutil::Error::Unsupported(flag.to_string()), 2);
    Fatal(String::new())
}

fn read_patch(o: &Opts) -> Result<Vec<u8>, Fatal> {
    match o.patchname.as_deref() {
        None | Some("") | Some("-") => {
            let mut v = Vec::new();
            std::io::Read::read_to_end(&mut wsutil::io::stdin(), &mut v)
                .map_err(|e| Fatal(format!("read error : {}", strerror(&e))))?;
            Ok(v)
        }
        Some(name) => std::fs::read(name).map_err(|e| Fatal(format!("Can't open patch file {} : {}", quote(name), strerror(&e)))),
    }
}

/// One line of a hunk: its marker (' ', '-', '+', '!') and its text
/// (with its newline, unless "\ No newline at end of file" followed).
#[derive(Clone, Debug)]
struct PLine {
    ch: u8,
    text: Vec<u8>,
}

/// A hunk, in GNU's model: the old lines (pattern) and the new lines
/// (replacement), each with its first line number.
#[derive(Clone, Debug)]
struct Hunk {
    first: usize,
    newfirst: usize,
    old: Vec<PLine>,
    new: Vec<PLine>,
    prefix_context: usize,
    suffix_context: usize,
    c_function: Option<Vec<u8>>,
}

impl Hunk {
    /// `pch_swap`: the hunk as it would apply in reverse.
    fn swap(&mut self) {
        std::mem::swap(&mut self.first, &mut self.newfirst);
        std::mem::swap(&mut self.old, &mut self.new);
        for l in &mut self.old {
            if l.ch == b'+' {
                l.ch = b'-';
            }
        }
        for l in &mut self.new {
            if l.ch == b'-' {
                l.ch = b'+';
            }
        }
    }
}

/// The three names a patch header can give.
const OLD: usize = 0;
const NEW: usize = 1;
const INDEX: usize = 2;

/// What the header of one file's patch said.
#[derive(Default)]
struct Header {
    names: [Option<String>; 3],
    timestr: [Option<Vec<u8>>; 2],
    /// Seconds of the header timestamps: None when absent or unreadable,
    /// Some(0) for the epoch (or /dev/null), which marks a missing file.
    stamps: [Option<i64>; 2],
    /// 0 exists, 1 exists and may be empty, 2 does not exist.
    nonexistent: [u8; 2],
    git: bool,
    git_binary: bool,
    git_rename_or_copy: bool,
}

/// Lines of the patch input, read one at a time as GNU's `pget_line`
/// does (comments skipped, CRs stripped when the patch has them).
struct Reader {
    data: Vec<u8>,
    pos: usize,
    line: usize,
    strip_cr: bool,
}

impl Reader {
    /// The next line with its newline; None at the end (a last line
    /// without a newline counts as the end, with GNU's warning).
    fn get_line(&mut self, say: &mut dyn FnMut(&str)) -> Option<Vec<u8>> {
        loop {
            if self.pos >= self.data.len() {
                return None;
            }
            let end = match memchr::memchr(b'\n', &self.data[self.pos..]) {
                Some(k) => self.pos + k + 1,
                None => {
                    self.pos = self.data.len();
                    say("patch unexpectedly ends in middle of line\n");
                    return None;
                }
            };
            let mut l = self.data[self.pos..end].to_vec();
            self.pos = end;
            self.line += 1;
            if l.first() == Some(&b'#') {
                continue;
            }
            if self.strip_cr && l.len() >= 2 && l[l.len() - 2] == b'\r' {
                l.remove(l.len() - 2);
            }
            return Some(l);
        }
    }

    /// Whether the next line is "\ No newline..." (and consumes it).
    fn incomplete_line(&mut self) -> bool {
        if self.data.get(self.pos) == Some(&b'\\') {
            match memchr::memchr(b'\n', &self.data[self.pos..]) {
                Some(k) => self.pos += k + 1,
                None => self.pos = self.data.len(),
            }
            self.line += 1;
            true
        } else {
            false
        }
    }
}

fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// Seconds since the epoch of a diff header time, when it is one of the
/// forms diff writes ("2020-01-02 03:04:05.5 +0100" or "Thu Jan  1
/// 00:00:00 1970"). Only the epoch test needs it.
fn header_time(t: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(t).ok()?.trim();
    let parts: Vec<&str> = s.split_whitespace().collect();
    let civil = |y: i64, mo: u32, d: i64, hms: &str| -> Option<i64> {
        let mut it = hms.split(':');
        let h: i64 = it.next()?.parse().ok()?;
        let mi: i64 = it.next()?.parse().ok()?;
        let sec: f64 = it.next().unwrap_or("0").parse().ok()?;
        Some(wsutil::datetime::days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec as i64)
    };
    if parts.len() >= 2 && parts[0].len() == 10 && parts[0].as_bytes()[4] == b'-' {
        let ymd: Vec<&str> = parts[0].split('-').collect();
        let mut t = civil(ymd[0].parse().ok()?, ymd[1].parse().ok()?, ymd[2].parse().ok()?, parts[1])?;
        if let Some(z) = parts.get(2) {
            let zb = z.as_bytes();
            if zb.len() == 5 && (zb[0] == b'+' || zb[0] == b'-') {
                let h: i64 = z[1..3].parse().ok()?;
                let m: i64 = z[3..5].parse().ok()?;
                let off = h * 3600 + m * 60;
                t -= if zb[0] == b'-' { -off } else { off };
            }
        }
        return Some(t);
    }
    if parts.len() == 5 {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        let mo = months.iter().position(|m| *m == parts[1])? as u32 + 1;
        return civil(parts[4].parse().ok()?, mo, parts[2].parse().ok()?, parts[3]);
    }
    None
}

/// GNU's `fetchname`: the file name of a header line (quoted C-style, or
/// up to white space unless a tab separates it from the date), and what
/// follows it. Returns (name or None for /dev/null or a name too short
/// for `-p`, time text, timestamp).
fn fetchname(at: &[u8], strip: i64, want_stamp: bool) -> (Option<String>, Option<Vec<u8>>, Option<i64>, bool) {
    let mut i = 0;
    while i < at.len() && (is_blank(at[i]) || at[i] == b'\n' || at[i] == b'\r' || at[i] == 11 || at[i] == 12) {
        i += 1;
    }
    let at = &at[i..];
    let (name, rest): (Vec<u8>, &[u8]) = if at.first() == Some(&b'"') {
        match parse_c_string(at) {
            Some((n, used)) => (n, &at[used..]),
            None => return (None, None, None, false),
        }
    } else {
        let mut t = 0;
        while t < at.len() {
            let c = at[t];
            if c == b' ' || (9..=13).contains(&c) {
                let mut u = t;
                while u + 1 < at.len() && at[u] != b'\t' && (at[u + 1] == b' ' || (9..=13).contains(&at[u + 1])) {
                    u += 1;
                }
                let stop = if want_stamp { b'\t' } else { b'\n' };
                if at[u] != b'\t' && at[u + 1..].contains(&stop) {
                    t += 1;
                    continue;
                }
                break;
            }
            t += 1;
        }
        (at[..t].to_vec(), &at[t..])
    };
    let name = String::from_utf8_lossy(&name).into_owned();
    if name == "/dev/null" {
        return (None, None, Some(0), true);
    }
    let stripped = match strip_leading(&name, strip) {
        Some(n) => n,
        None => return (None, None, None, false),
    };
    let mut u = rest.len();
    if u > 0 && rest[u - 1] == b'\n' {
        u -= 1;
    }
    if u > 0 && rest[u - 1] == b'\r' {
        u -= 1;
    }
    let timestr = rest[..u].to_vec();
    let mut stamp = None;
    if rest.first().map_or(false, |&c| c != b'\n') {
        if let Some(t) = header_time(&rest[..u]) {
            stamp = Some(if t > -25 * 3600 && t < 26 * 3600 { 0 } else { t });
        }
    }
    (Some(stripped), Some(timestr), stamp, false)
}

/// A C-style quoted name: `"a\tb"`. Returns the bytes and how much of
/// the input it used.
fn parse_c_string(s: &[u8]) -> Option<(Vec<u8>, usize)> {
    let mut out = Vec::new();
    let mut i = 1;
    while i < s.len() {
        match s[i] {
            b'"' => return Some((out, i + 1)),
            b'\\' => {
                i += 1;
                let c = *s.get(i)?;
                match c {
                    b'0'..=b'7' => {
                        let mut v = 0u32;
                        let mut k = 0;
                        while k < 3 && i < s.len() && (b'0'..=b'7').contains(&s[i]) {
                            v = v * 8 + (s[i] - b'0') as u32;
                            i += 1;
                            k += 1;
                        }
                        out.push(v as u8);
                        continue;
                    }
                    b'a' => out.push(7),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'v' => out.push(11),
                    b'\\' | b'"' => out.push(c),
                    _ => return None,
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    None
}

/// `-p N`: drops N leading components (all but the last when N is
/// unset); None when the name has too few.
fn strip_leading(name: &str, strip: i64) -> Option<String> {
    let b = name.as_bytes();
    let mut s = strip;
    let mut n = 0;
    let mut p = 0;
    while p < b.len() {
        if b[p] == b'/' {
            while p + 1 < b.len() && b[p + 1] == b'/' {
                p += 1;
            }
            if strip < 0 {
                n = p + 1;
            } else {
                s -= 1;
                if s >= 0 {
                    n = p + 1;
                }
            }
        }
        p += 1;
    }
    if (strip < 0 || s <= 0) && n < b.len() {
        Some(name[n..].to_string())
    } else {
        None
    }
}

/// Leading path components of a name (slashes not at its start).
fn prefix_components(name: &str, checkdirs: bool) -> usize {
    let b = name.as_bytes();
    let mut count = 0;
    for f in 1..b.len() {
        if b[f] == b'/' && b[f - 1] != b'/' {
            if checkdirs && !std::path::Path::new(&name[..f]).is_dir() {
                break;
            }
            count += 1;
        }
    }
    count
}

/// GNU's refusal of absolute names and names that climb with `..`.
fn name_is_safe(name: &str) -> bool {
    !name.starts_with('/') && !name.split('/').any(|c| c == "..")
}

fn last_component(name: &str) -> &str {
    let t = name.trim_end_matches('/');
    match t.rfind('/') {
        Some(k) => &name[k + 1..],
        None => name,
    }
}

/// The input file as lines.
struct Input {
    lines: Vec<Vec<u8>>,
    exists: bool,
    size: u64,
    mode: u32,
}

/// Where the output of one file goes, as it is built.
struct OutState {
    buf: Vec<u8>,
    after_newline: bool,
    zero_output: bool,
}

struct Patcher<'a> {
    o: &'a Opts,
    out: &'a mut wsutil::io::Out,
    /// Messages go to standard error when the patched text goes to
    /// standard output (`-o -`).
    msgs_to_stderr: bool,
    r: Reader,
    /// Where the next search for a patch starts.
    base: usize,
    base_line: usize,
    filesize: usize,
    backed_up: HashSet<String>,
    rejects_written: HashSet<String>,
    /// `-o FILE`: everything goes there, in order.
    single_out: Option<Vec<u8>>,
}

impl<'a> Patcher<'a> {
    fn new(o: &'a Opts, data: Vec<u8>, out: &'a mut wsutil::io::Out) -> Result<Patcher<'a>, Fatal> {
        let filesize = data.len();
        Ok(Patcher {
            o,
            out,
            msgs_to_stderr: o.outfile.as_deref() == Some("-"),
            r: Reader { data, pos: 0, line: 0, strip_cr: false },
            base: 0,
            base_line: 1,
            filesize,
            backed_up: HashSet::new(),
            rejects_written: HashSet::new(),
            single_out: o.outfile.as_ref().map(|_| Vec::new()),
        })
    }

    fn say(&mut self, s: &str) {
        if self.msgs_to_stderr {
            let _ = self.out.flush();
            eprint!("{}", s);
        } else {
            let _ = self.out.write_all(s.as_bytes());
        }
    }

    fn say_bytes(&mut self, b: &[u8]) {
        if self.msgs_to_stderr {
            let _ = std::io::stderr().write_all(b);
        } else {
            let _ = self.out.write_all(b);
        }
    }

    fn verbose(&self) -> bool {
        self.o.verbosity == Verbosity::Verbose
    }

    fn silent(&self) -> bool {
        self.o.verbosity == Verbosity::Silent
    }

    /// GNU's `ask` without a terminal: the question, then a newline, and
    /// the default answer.
    fn ask(&mut self, q: &str) {
        self.say(q);
        self.say("\n");
    }

    /// GNU's `ok_to_reverse`; returns whether to reverse, and whether to
    /// skip the rest of this file.
    fn ok_to_reverse(&mut self, text: &str, reverse: bool) -> (bool, bool) {
        let o = self.o;
        if o.forward || !(o.force && self.silent()) {
            self.say(text);
        }
        if o.forward {
            self.say("  Skipping patch.\n");
            return (false, true);
        }
        if o.force {
            if !self.silent() {
                self.say("  Applying it anyway.\n");
            }
            return (false, false);
        }
        if o.batch {
            self.say(if reverse { "  Ignoring -R.\n" } else { "  Assuming -R.\n" });
            return (true, false);
        }
        self.ask(if reverse { "  Ignore -R? [n] " } else { "  Assume -R? [n] " });
        self.ask("Apply anyway? [n] ");
        if !self.silent() {
            self.say("Skipping patch.\n");
        }
        (false, true)
    }

    fn run(&mut self) -> Result<i32, Fatal> {
        let mut somefailed = false;
        let mut first = true;
        loop {
            if self.base != 0 && self.base >= self.filesize {
                if self.verbose() {
                    self.say("done\n");
                }
                break;
            }
            if self.verbose() {
                self.say("Hmm...");
            }
            let found = self.intuit()?;
            let (dtype, header, start, start_line) = match found {
                Some(f) => f,
                None => {
                    if self.verbose() {
                        self.say(if self.base != 0 {
                            "  Ignoring the trailing garbage.\ndone\n"
                        } else {
                            "  I can't seem to find a patch in there anywhere.\n"
                        });
                    }
                    if self.base == 0 && self.filesize > 0 && first {
                        return Err(Fatal("Only garbage was found in the patch input.".into()));
                    }
                    break;
                }
            };
            first = false;
            if self.file_patch(dtype, header, start, start_line)? {
                somefailed = true;
            }
        }
        if let (Some(name), Some(buf)) = (&self.o.outfile, &self.single_out) {
            if !self.o.dry_run {
                if name == "-" {
                    let _ = self.out.write_all(buf);
                } else {
                    // GNU creates the -o file before knowing any input's
                    // mode: owner read and write only.
                    if let Err(e) = std::fs::write(name, buf) {
                        return Err(Fatal(format!("Can't create file {} : {}", quote(name), strerror(&e))));
                    }
                    let _ = fsmeta::chmod(name, 0o600);
                }
            }
        }
        Ok(if somefailed { 1 } else { 0 })
    }

    /// Finds the next patch in the input (GNU's `intuit_diff_type`): its
    /// type, header, and where its first hunk starts.
    fn intuit(&mut self) -> Result<Option<(DiffType, Header, usize, usize)>, Fatal> {
        let mut h = Header::default();
        let mut need_header = self.o.inname.is_none() && !self.o.posix;
        if matches!(self.o.forced_type, Some(DiffType::Normal)) {
            need_header = false;
        }
        self.r.pos = self.base;
        self.r.line = self.base_line - 1;
        self.r.strip_cr = false;
        let mut this_line_pos;
        let mut prev_line_pos = self.base;
        let mut this_is_command = false;
        let mut stars_this_line = false;
        let mut first_command: Option<(usize, usize)> = None;
        let mut extended_headers = false;
        let forced = self.o.forced_type;
        loop {
            let last_was_command = this_is_command;
            let stars_last = stars_this_line;
            this_line_pos = self.r.pos;
            let mut warnings = Vec::new();
            let line = self.r.get_line(&mut |m| warnings.push(m.to_string()));
            for w in warnings {
                self.say(&w);
            }
            let raw = match line {
                Some(l) => l,
                None => {
                    if extended_headers {
                        return Ok(Some((DiffType::Unified, h, this_line_pos, self.r.line + 1)));
                    }
                    return Ok(None);
                }
            };
            let strip_cr = raw.len() >= 2 && raw[raw.len() - 2] == b'\r';
            let s: &[u8] = &raw;
            this_is_command = false;
            if s.first().map_or(false, |c| c.is_ascii_digit()) {
                let mut t = 1;
                while t < s.len() && (s[t].is_ascii_digit() || s[t] == b',') {
                    t += 1;
                }
                if t < s.len() && matches!(s[t], b'd' | b'c' | b'a') {
                    t += 1;
                    while t < s.len() && (s[t].is_ascii_digit() || s[t] == b',') {
                        t += 1;
                    }
                    while t < s.len() && is_blank(s[t]) {
                        t += 1;
                    }
                    if s.get(t) == Some(&b'\r') {
                        t += 1;
                    }
                    this_is_command = s.get(t) == Some(&b'\n');
                }
            }
            if !need_header && first_command.is_none() && this_is_command {
                first_command = Some((this_line_pos, self.r.line));
            }
            let starts = |p: &[u8]| s.starts_with(p) && s.len() > p.len() && is_blank(s[p.len()]);
            if !stars_last && starts(b"***") {
                let (n, t, st, _) = fetchname(&s[4..], self.o.strip, true);
                h.names[OLD] = n.or(h.names[OLD].take());
                if t.is_some() {
                    h.timestr[OLD] = t;
                }
                h.stamps[OLD] = st;
                need_header = false;
            } else if starts(b"+++") {
                let (n, t, st, _) = fetchname(&s[4..], self.o.strip, true);
                h.names[OLD] = n.or(h.names[OLD].take());
                h.timestr[OLD] = t;
                h.stamps[OLD] = st;
                need_header = false;
                self.r.strip_cr = strip_cr;
            } else if s.starts_with(b"Index:") {
                let (n, _, _, _) = fetchname(&s[6..], self.o.strip, false);
                if n.is_some() {
                    h.names[INDEX] = n;
                }
                need_header = false;
                self.r.strip_cr = strip_cr;
            } else if s.starts_with(b"diff --git ") {
                if extended_headers {
                    return Ok(Some((DiffType::Unified, h, this_line_pos, self.r.line)));
                }
                h.names[OLD] = None;
                h.names[NEW] = None;
                let rest = String::from_utf8_lossy(&s[11..]).trim_end().to_string();
                let parts: Vec<&str> = rest.split(' ').collect();
                if parts.len() == 2 {
                    h.names[OLD] = strip_leading(parts[0], self.o.strip);
                    h.names[NEW] = strip_leading(parts[1], self.o.strip);
                }
                h.git = true;
                need_header = false;
            } else if h.git && (s.starts_with(b"new file mode ") || s.starts_with(b"deleted file mode ")) {
                if s.starts_with(b"new") {
                    h.nonexistent[OLD] = 2;
                } else {
                    h.nonexistent[NEW] = 2;
                }
                extended_headers = true;
            } else if h.git && (s.starts_with(b"index ") || s.starts_with(b"old mode ") || s.starts_with(b"new mode ")) {
                extended_headers = true;
            } else if h.git
                && (s.starts_with(b"rename from ")
                    || s.starts_with(b"rename to ")
                    || s.starts_with(b"copy from ")
                    || s.starts_with(b"copy to "))
            {
                h.git_rename_or_copy = true;
                extended_headers = true;
            } else if h.git && s.starts_with(b"GIT binary patch") {
                h.git_binary = true;
                return Ok(Some((DiffType::Unified, h, this_line_pos, self.r.line)));
            } else if starts(b"---") {
                let (n, t, st, _) = fetchname(&s[4..], self.o.strip, true);
                if n.is_some() || st == Some(0) {
                    h.names[NEW] = n;
                }
                h.timestr[NEW] = t;
                if st.is_some() {
                    h.stamps[NEW] = st;
                }
                need_header = false;
                self.r.strip_cr = strip_cr;
            }
            if need_header {
                prev_line_pos = this_line_pos;
                continue;
            }
            if (forced.is_none() || forced == Some(DiffType::Unified)) && s.starts_with(b"@@ -") {
                h.names.swap(OLD, NEW);
                h.timestr.swap(OLD, NEW);
                h.stamps.swap(OLD, NEW);
                let mut k = 4;
                if s.get(k) == Some(&b'0') && !s.get(k + 1).map_or(false, |c| c.is_ascii_digit()) {
                    h.nonexistent[OLD] = 1 + (h.stamps[OLD] == Some(0)) as u8;
                }
                while k < s.len() && s[k] != b' ' && s[k] != b'\n' {
                    k += 1;
                }
                while k < s.len() && s[k] == b' ' {
                    k += 1;
                }
                if s.get(k) == Some(&b'+')
                    && s.get(k + 1) == Some(&b'0')
                    && !s.get(k + 2).map_or(false, |c| c.is_ascii_digit())
                {
                    h.nonexistent[NEW] = 1 + (h.stamps[NEW] == Some(0)) as u8;
                }
                return Ok(Some((DiffType::Unified, h, this_line_pos, self.r.line)));
            }
            stars_this_line = s.starts_with(b"********");
            if (forced.is_none() || matches!(forced, Some(DiffType::Context))) && stars_last && starts(b"***") {
                let mut k = 4;
                while k < s.len() && is_blank(s[k]) {
                    k += 1;
                }
                if s.get(k) == Some(&b'0') && !s.get(k + 1).map_or(false, |c| c.is_ascii_digit()) {
                    h.nonexistent[OLD] = 1 + (h.stamps[OLD] == Some(0)) as u8;
                }
                let body = s.strip_suffix(b"\n").unwrap_or(s);
                let dtype = if body.last() == Some(&b'*') { DiffType::NewContext } else { DiffType::Context };
                self.r.strip_cr = strip_cr;
                // Peek at the first hunk: does it leave nothing behind?
                let save = (self.r.pos, self.r.line);
                self.r.pos = prev_line_pos;
                self.r.line -= 2;
                if let Ok(Some(hk)) = self.another_hunk(dtype, false, &mut Vec::new()) {
                    if hk.new.is_empty() && hk.newfirst == 1 {
                        h.nonexistent[NEW] = 1 + (h.stamps[NEW] == Some(0)) as u8;
                    }
                }
                self.r.pos = save.0;
                self.r.line = save.1;
                return Ok(Some((dtype, h, prev_line_pos, self.r.line - 1)));
            }
            if (forced.is_none() || forced == Some(DiffType::Normal))
                && last_was_command
                && (s.starts_with(b"< ") || s.starts_with(b"> "))
            {
                return Ok(Some((DiffType::Normal, h, prev_line_pos, self.r.line - 1)));
            }
            prev_line_pos = this_line_pos;
        }
    }

    /// Reads the next hunk at the current position; None when the patch
    /// for this file has no more (GNU's `another_hunk`).
    fn another_hunk(&mut self, dtype: DiffType, rev: bool, warnings: &mut Vec<String>) -> Result<Option<Hunk>, Fatal> {
        let hunk = match dtype {
            DiffType::Unified => self.unified_hunk(warnings)?,
            DiffType::Context | DiffType::NewContext => self.context_hunk(warnings)?,
            _ => self.normal_hunk(warnings)?,
        };
        Ok(hunk.map(|mut h| {
            if rev {
                h.swap();
            }
            h
        }))
    }

    fn malformed(&self, line: &[u8]) -> Fatal {
        Fatal(format!("malformed patch at line {}: {}", self.r.line, String::from_utf8_lossy(line)))
    }

    /// A line number in a hunk header, after optional blanks.
    fn scan_num(&self, s: &[u8], at: &mut usize, line: &[u8]) -> Result<usize, Fatal> {
        while *at < s.len() && is_blank(s[*at]) {
            *at += 1;
        }
        let start = *at;
        let mut v: usize = 0;
        while *at < s.len() && s[*at].is_ascii_digit() {
            v = v.saturating_mul(10).saturating_add((s[*at] - b'0') as usize);
            *at += 1;
        }
        if *at == start {
            return Err(Fatal(format!("missing line number at line {}: {}", self.r.line, String::from_utf8_lossy(line))));
        }
        while *at < s.len() && is_blank(s[*at]) {
            *at += 1;
        }
        Ok(v)
    }

    fn unified_hunk(&mut self, warnings: &mut Vec<String>) -> Result<Option<Hunk>, Fatal> {
        let save = (self.r.pos, self.r.line);
        let head = match self.r.get_line(&mut |m| warnings.push(m.to_string())) {
            Some(l) if l.len() > 4 && l.starts_with(b"@@ -") => l,
            _ => {
                self.base = save.0;
                self.base_line = save.1 + 1;
                return Ok(None);
            }
        };
        let mut k = 4;
        let mut first = self.scan_num(&head, &mut k, &head)?;
        let mut ptrn_lines = 1;
        if head.get(k) == Some(&b',') {
            k += 1;
            ptrn_lines = self.scan_num(&head, &mut k, &head)?;
        }
        if head.get(k) == Some(&b' ') {
            k += 1;
        }
        if head.get(k) != Some(&b'+') {
            return Err(self.malformed(&head));
        }
        k += 1;
        let mut newfirst = self.scan_num(&head, &mut k, &head)?;
        let mut repl_lines = 1;
        if head.get(k) == Some(&b',') {
            k += 1;
            repl_lines = self.scan_num(&head, &mut k, &head)?;
        }
        if head.get(k) == Some(&b' ') {
            k += 1;
        }
        if head.get(k) != Some(&b'@') {
            return Err(self.malformed(&head));
        }
        k += 1;
        let mut c_function = None;
        if head.get(k) == Some(&b'@') && head.get(k + 1) == Some(&b' ') {
            let f = &head[k + 1..];
            c_function = Some(f.strip_suffix(b"\n").unwrap_or(f).to_vec());
        }
        if ptrn_lines == 0 {
            first += 1;
        }
        if repl_lines == 0 {
            newfirst += 1;
        }
        let mut old: Vec<PLine> = Vec::new();
        let mut new: Vec<PLine> = Vec::new();
        let mut context = 0;
        let mut prefix: Option<usize> = None;
        while old.len() < ptrn_lines || new.len() < repl_lines {
            let line = match self.r.get_line(&mut |m| warnings.push(m.to_string())) {
                Some(l) => l,
                None => {
                    // GNU assumes trailing blank lines got chopped.
                    if repl_lines - new.len() < 4 {
                        b" \n".to_vec()
                    } else {
                        return Err(Fatal("unexpected end of file in patch".into()));
                    }
                }
            };
            let (mut ch, mut text) = if line[0] == b'\t' || line[0] == b'\n' {
                (b' ', line.clone())
            } else {
                (line[0], line[1..].to_vec())
            };
            if ch == b'=' {
                ch = b' ';
            }
            match ch {
                b'-' => {
                    if old.len() >= ptrn_lines {
                        return Err(self.malformed(&line));
                    }
                    if old.len() + 1 == ptrn_lines && self.r.incomplete_line() {
                        text.pop();
                    }
                    old.push(PLine { ch, text });
                }
                b' ' => {
                    if old.len() >= ptrn_lines || new.len() >= repl_lines {
                        return Err(self.malformed(&line));
                    }
                    context += 1;
                    let last_old = old.len() + 1 == ptrn_lines;
                    let last_new = new.len() + 1 == repl_lines;
                    if (last_old || last_new) && self.r.incomplete_line() {
                        if last_old {
                            text.pop();
                        }
                        let mut t2 = text.clone();
                        if last_new && !last_old {
                            t2.pop();
                        }
                        old.push(PLine { ch, text: text.clone() });
                        new.push(PLine { ch, text: t2 });
                    } else {
                        old.push(PLine { ch, text: text.clone() });
                        new.push(PLine { ch, text });
                    }
                }
                b'+' => {
                    if new.len() >= repl_lines {
                        return Err(self.malformed(&line));
                    }
                    if new.len() + 1 == repl_lines && self.r.incomplete_line() {
                        text.pop();
                    }
                    new.push(PLine { ch, text });
                }
                _ => return Err(self.malformed(&line)),
            }
            if ch != b' ' {
                if prefix.is_none() {
                    prefix = Some(context);
                }
                context = 0;
            }
        }
        let prefix_context = match prefix {
            Some(p) => p,
            None => return Err(self.malformed(&head)),
        };
        Ok(Some(Hunk { first, newfirst, old, new, prefix_context, suffix_context: context, c_function }))
    }

    fn context_hunk(&mut self, warnings: &mut Vec<String>) -> Result<Option<Hunk>, Fatal> {
        let save = (self.r.pos, self.r.line);
        let stars = match self.r.get_line(&mut |m| warnings.push(m.to_string())) {
            Some(l) if l.len() > 8 && l.starts_with(b"********") => l,
            _ => {
                self.base = save.0;
                self.base_line = save.1 + 1;
                return Ok(None);
            }
        };
        let mut c_function = None;
        let k = stars.iter().position(|&c| c != b'*').unwrap_or(stars.len());
        if stars.get(k).map_or(false, |&c| is_blank(c)) {
            let f = &stars[k..];
            c_function = Some(f.strip_suffix(b"\n").unwrap_or(f).to_vec());
        }
        let hunk_beg = self.r.line + 1;
        // The "*** a,b ****" line.
        let head = self.r.get_line(&mut |m| warnings.push(m.to_string())).ok_or_else(|| Fatal("unexpected end of file in patch".into()))?;
        if !head.starts_with(b"***") {
            return Err(Fatal(format!("unexpected end of hunk at line {}", self.r.line)));
        }
        let (mut first, ptrn_lines) = self.range(&head)?;
        let mut old: Vec<PLine> = Vec::new();
        let mut new: Vec<PLine> = Vec::new();
        let mut context = 0;
        let mut ptrn_prefix: Option<usize> = None;
        let mut ptrn_suffix: Option<usize> = None;
        let mut repl_prefix: Option<usize> = None;
        // Old part, until the "--- c,d ----" line.
        let pending: Vec<u8>;
        loop {
            let line = self.r.get_line(&mut |m| warnings.push(m.to_string())).ok_or_else(|| Fatal("unexpected end of file in patch".into()))?;
            if line.starts_with(b"---") {
                pending = line;
                break;
            }
            let (ch, mut text) = self.context_line(&line)?;
            if old.len() + 1 == ptrn_lines && self.r.incomplete_line() {
                text.pop();
            }
            if ch == b' ' {
                context += 1;
            } else {
                if ptrn_prefix.is_none() {
                    ptrn_prefix = Some(context);
                }
                context = 0;
            }
            if old.len() >= ptrn_lines {
                return Err(Fatal(format!(
                    "Overdue '---' at line {}; check line numbers at line {}",
                    self.r.line, hunk_beg
                )));
            }
            old.push(PLine { ch, text });
        }
        let ptrn_missing = old.is_empty() && ptrn_lines > 0;
        if !old.is_empty() && old.len() != ptrn_lines {
            return Err(Fatal(format!("Premature '---' at line {}; check line numbers at line {}", self.r.line, hunk_beg)));
        }
        if ptrn_prefix.is_none() && !old.is_empty() {
            ptrn_prefix = Some(context);
        }
        if !old.is_empty() {
            ptrn_suffix = Some(context);
        }
        let repl_head = pending;
        let (newfirst, repl_lines) = self.range(&repl_head)?;
        context = 0;
        // New part: lines until the next hunk or patch.
        loop {
            if new.len() >= repl_lines {
                break;
            }
            let save = (self.r.pos, self.r.line);
            let line = match self.r.get_line(&mut |m| warnings.push(m.to_string())) {
                Some(l) => l,
                None => break,
            };
            // What cannot be a replacement line ends the hunk (the
            // replacement was omitted, or is short).
            let valid = matches!(line[0], b' ' | b'+' | b'!' | b'\t' | b'\n') || (line[0] == b'-' && line.get(1) != Some(&b'-'));
            if !valid {
                self.r.pos = save.0;
                self.r.line = save.1;
                break;
            }
            let (ch, mut text) = self.context_line(&line)?;
            if new.len() + 1 == repl_lines && self.r.incomplete_line() {
                text.pop();
            }
            if ch == b' ' {
                context += 1;
            } else {
                if repl_prefix.is_none() {
                    repl_prefix = Some(context);
                }
                context = 0;
            }
            new.push(PLine { ch, text });
        }
        let repl_missing = new.is_empty() && repl_lines > 0;
        if repl_missing {
            // Omitted new lines: the old context stands for them.
            new = old.iter().filter(|l| l.ch == b' ').cloned().collect();
            context = ptrn_suffix.unwrap_or(0);
        } else if ptrn_missing {
            old = new.iter().filter(|l| l.ch == b' ').cloned().collect();
        }
        if !repl_missing && new.len() != repl_lines {
            return Err(Fatal(format!("replacement text or line numbers mangled in hunk at line {}", hunk_beg)));
        }
        if !ptrn_missing && !repl_missing {
            let oc = old.iter().filter(|l| l.ch == b' ').count();
            let nc = new.iter().filter(|l| l.ch == b' ').count();
            if oc != nc {
                return Err(Fatal(format!("context mangled in hunk at line {}", hunk_beg)));
            }
        }
        if ptrn_lines == 0 {
            first = first.max(1);
        }
        let prefix_context = match (ptrn_prefix, repl_prefix) {
            (Some(p), Some(r)) => p.min(r),
            (Some(p), None) => p,
            (None, Some(r)) => r,
            (None, None) => old.len().min(new.len()),
        };
        let suffix_context = match ptrn_suffix {
            Some(s) if s < context => s,
            _ => context,
        };
        Ok(Some(Hunk {
            first,
            newfirst: if repl_lines == 0 { newfirst.max(1) } else { newfirst },
            old,
            new,
            prefix_context,
            suffix_context,
            c_function,
        }))
    }

    /// "*** a,b" or "--- a,b": first line and count (0 lines: first 1).
    fn range(&self, line: &[u8]) -> Result<(usize, usize), Fatal> {
        let mut k = line.iter().position(|c| c.is_ascii_digit()).unwrap_or(line.len());
        let first = self.scan_num(line, &mut k, line)?;
        if line.get(k) == Some(&b',') {
            k += 1;
            let last = self.scan_num(line, &mut k, line)?;
            let first = if first == 0 && last == 0 { 1 } else { first };
            if last + 1 < first {
                return Err(self.malformed(line));
            }
            return Ok((first, last + 1 - first));
        }
        if first != 0 {
            Ok((first, 1))
        } else {
            Ok((1, 0))
        }
    }

    /// A context-diff body line: "X text" where X is ' ', '-', '+', '!'.
    fn context_line(&self, line: &[u8]) -> Result<(u8, Vec<u8>), Fatal> {
        match line[0] {
            b' ' | b'-' | b'+' | b'!' => {
                let mut text = &line[1..];
                if text.first().map_or(false, |&c| is_blank(c)) {
                    text = &text[1..];
                }
                Ok((line[0], text.to_vec()))
            }
            b'\t' => Ok((b' ', line[1..].to_vec())),
            b'\n' => Ok((b' ', line.to_vec())),
            _ => Err(self.malformed(line)),
        }
    }

    fn normal_hunk(&mut self, warnings: &mut Vec<String>) -> Result<Option<Hunk>, Fatal> {
        let save = (self.r.pos, self.r.line);
        let head = match self.r.get_line(&mut |m| warnings.push(m.to_string())) {
            Some(l) if l.iter().find(|&&c| !is_blank(c)).map_or(false, |c| c.is_ascii_digit()) => l,
            _ => {
                self.base = save.0;
                self.base_line = save.1 + 1;
                return Ok(None);
            }
        };
        let mut k = 0;
        let mut first = self.scan_num(&head, &mut k, &head)?;
        let ptrn_lines;
        if head.get(k) == Some(&b',') {
            k += 1;
            let last = self.scan_num(&head, &mut k, &head)?;
            ptrn_lines = (last + 1).saturating_sub(first);
        } else {
            ptrn_lines = if head.get(k) != Some(&b'a') { 1 } else { 0 };
        }
        let kind = *head.get(k).unwrap_or(&b'\n');
        if kind == b'a' {
            first += 1;
        }
        k += 1;
        let mut min = self.scan_num(&head, &mut k, &head)?;
        let max = if head.get(k) == Some(&b',') {
            k += 1;
            self.scan_num(&head, &mut k, &head)?
        } else {
            min
        };
        if min > max {
            return Err(self.malformed(&head));
        }
        if kind == b'd' {
            min += 1;
        }
        let repl_lines = max + 1 - min;
        let mut old = Vec::new();
        for i in 0..ptrn_lines {
            let l = self.r.get_line(&mut |m| warnings.push(m.to_string())).ok_or_else(|| {
                Fatal(format!("unexpected end of file in patch at line {}", self.r.line))
            })?;
            if !(l.first() == Some(&b'<') && l.get(1).map_or(false, |&c| is_blank(c))) {
                return Err(Fatal(format!("'<' followed by space or tab expected at line {} of patch", self.r.line)));
            }
            let mut text = l[2..].to_vec();
            if i + 1 == ptrn_lines && self.r.incomplete_line() {
                text.pop();
            }
            old.push(PLine { ch: b'-', text });
        }
        if kind == b'c' {
            let l = self.r.get_line(&mut |m| warnings.push(m.to_string())).ok_or_else(|| {
                Fatal(format!("unexpected end of file in patch at line {}", self.r.line))
            })?;
            if l.first() != Some(&b'-') {
                return Err(Fatal(format!("'---' expected at line {} of patch", self.r.line)));
            }
        }
        let mut new = Vec::new();
        for i in 0..repl_lines {
            let l = self.r.get_line(&mut |m| warnings.push(m.to_string())).ok_or_else(|| {
                Fatal(format!("unexpected end of file in patch at line {}", self.r.line))
            })?;
            if !(l.first() == Some(&b'>') && l.get(1).map_or(false, |&c| is_blank(c))) {
                return Err(Fatal(format!("'>' followed by space or tab expected at line {} of patch", self.r.line)));
            }
            let mut text = l[2..].to_vec();
            if i + 1 == repl_lines && self.r.incomplete_line() {
                text.pop();
            }
            new.push(PLine { ch: b'+', text });
        }
        Ok(Some(Hunk { first, newfirst: min, old, new, prefix_context: 0, suffix_context: 0, c_function: None }))
    }

    /// Picks the file to patch from the header names (GNU's rules: the
    /// best existing one; else, for a patch that creates a file, the best
    /// name needing the fewest new directories). Returns the name and
    /// whether to reverse / skip.
    fn choose_file(&mut self, h: &Header, reverse: &mut bool, skip: &mut bool) -> Option<String> {
        if let Some(n) = &self.o.inname {
            let st = fsmeta::stat(n, true);
            let (missing, empty) = match &st {
                Ok(s) => (false, s.size == 0),
                Err(_) => (true, true),
            };
            self.maybe_reverse(h, n, missing, empty, reverse, skip);
            return Some(n.clone());
        }
        let mut names = h.names.clone();
        if !self.o.posix && (names[OLD].is_some() || names[NEW].is_some()) && names[INDEX].is_some() {
            names[INDEX] = None;
        }
        if self.o.posix {
            // POSIX: the first name that exists.
            return (0..3).find(|&i| names[i].as_ref().map_or(false, |n| fsmeta::stat(n, true).is_ok())).and_then(|i| names[i].clone());
        }
        let stats: Vec<Option<fsmeta::FileStat>> =
            names.iter().map(|n| n.as_ref().and_then(|n| fsmeta::stat(n, true).ok())).collect();
        let missing: Vec<bool> = stats.iter().map(|s| s.is_none()).collect();
        // GNU names each existing unsafe name once, then passes it over.
        let mut warned: Vec<&String> = Vec::new();
        for i in 0..3 {
            if let Some(n) = &names[i] {
                if !missing[i] && !name_is_safe(n) && !warned.contains(&n) {
                    self.say(&format!("Ignoring potentially dangerous file name {}\n", quote(n)));
                    warned.push(n);
                }
            }
        }
        let i0 = (0..3).find(|&i| names[i].is_some());
        let mut i = self.best_name(&names, &missing);
        if let Some(i0) = i0 {
            let nm = names[i.unwrap_or(i0)].clone().unwrap();
            let empty = i.map_or(true, |k| stats[k].map_or(true, |s| s.size == 0));
            if self.maybe_reverse(h, &nm, i.is_none(), empty, reverse, skip) && i.is_none() {
                i = Some(i0);
            }
        }
        if i.is_none() && h.nonexistent[*reverse as usize] != 0 {
            let newdirs: Vec<usize> = names
                .iter()
                .map(|n| n.as_ref().map_or(usize::MAX, |n| prefix_components(n, false) - prefix_components(n, true)))
                .collect();
            let min = newdirs.iter().copied().min().unwrap_or(usize::MAX);
            let above: Vec<bool> = newdirs.iter().map(|&d| d > min).collect();
            i = self.best_name(&names, &above);
        }
        i.and_then(|k| names[k].clone())
    }

    fn best_name(&mut self, names: &[Option<String>; 3], ignore: &[bool]) -> Option<usize> {
        let mut best: Option<(usize, usize, usize)> = None;
        for i in 0..3 {
            if let (Some(n), false) = (&names[i], ignore[i]) {
                let key = (prefix_components(n, false), last_component(n).len(), n.len());
                if best.map_or(true, |b| key < b) {
                    best = Some(key);
                }
            }
        }
        let best = best?;
        for i in 0..3 {
            if let (Some(n), false) = (&names[i], ignore[i]) {
                let key = (prefix_components(n, false), last_component(n).len(), n.len());
                if key == best {
                    if !name_is_safe(n) {
                        continue;
                    }
                    return Some(i);
                }
            }
        }
        None
    }

    /// GNU's `maybe_reverse`: a patch that creates an existing file or
    /// deletes a missing one looks reversed.
    fn maybe_reverse(&mut self, h: &Header, name: &str, nonexistent: bool, is_empty: bool, reverse: &mut bool, skip: &mut bool) -> bool {
        let rev = *reverse as usize;
        let looks_reversed = (!is_empty as u8) < h.nonexistent[rev ^ is_empty as usize];
        if is_empty
            && h.nonexistent[rev ^ nonexistent as usize] == 1
            && h.nonexistent[(1 - rev) ^ nonexistent as usize] == 2
        {
            return false;
        }
        if looks_reversed {
            let text = format!(
                "The next patch{} would {} the file {},\nwhich {}!",
                if *reverse { ", when reversed," } else { "" },
                if nonexistent {
                    "delete"
                } else if is_empty {
                    "empty out"
                } else {
                    "create"
                },
                quote(name),
                if nonexistent {
                    "does not exist"
                } else if is_empty {
                    "is already empty"
                } else {
                    "already exists"
                }
            );
            let (r, s) = self.ok_to_reverse(&text, *reverse);
            if r {
                *reverse = !*reverse;
            }
            if s {
                *skip = true;
            }
        }
        looks_reversed
    }

    /// Applies (or rejects) all hunks of one file's patch; returns whether
    /// something failed.
    fn file_patch(&mut self, dtype: DiffType, h: Header, start: usize, start_line: usize) -> Result<bool, Fatal> {
        let o = self.o;
        let mut reverse = o.reverse;
        let mut skip = false;
        let mut somefailed = false;
        let inname = self.choose_file(&h, &mut reverse, &mut skip);
        if self.verbose() {
            let kind = match dtype {
                DiffType::Unified => "a unified diff",
                DiffType::Context => "a context diff",
                DiffType::NewContext => "a new-style context diff",
                _ => "a normal diff",
            };
            let lead = if self.base == 0 { "L" } else { "The next patch l" };
            self.say(&format!("  {}ooks like {} to me...\n", lead, kind));
        }
        if self.r.strip_cr && !self.silent() {
            self.say("(Stripping trailing CRs from patch; use --binary to disable.)\n");
        }
        if inname.is_none() && !self.silent() {
            self.say(&format!("can't find file to patch at input line {}\n", start_line));
            if dtype != DiffType::Normal {
                self.say(if o.strip < 0 {
                    "Perhaps you should have used the -p or --strip option?\n"
                } else {
                    "Perhaps you used the wrong -p or --strip option?\n"
                });
            }
        }
        // The text between the previous patch and this one.
        if (self.verbose() || inname.is_none()) && self.base < start {
            let text = self.r.data[self.base..start].to_vec();
            self.say("The text leading up to this was:\n--------------------------\n");
            for l in text.split_inclusive(|&c| c == b'\n') {
                self.say("|");
                self.say_bytes(l);
            }
            self.say("--------------------------\n");
        }
        self.r.pos = start;
        self.r.line = start_line - 1;
        if inname.is_none() {
            if o.force || o.batch {
                self.say("No file to patch.  Skipping patch.\n");
            } else {
                self.ask("File to patch: ");
                self.ask("Skip this patch? [y] ");
                if !self.silent() {
                    self.say("Skipping patch.\n");
                }
            }
            skip = true;
        }
        if h.git_binary && !skip {
            let q = quote(inname.as_deref().unwrap_or(""));
            self.say(&format!("File {}: git binary diffs are not supported.\n", q));
            skip = true;
            somefailed = true;
        }
        if h.git_rename_or_copy && !skip {
            self.say("Cannot rename file without two valid file names\n");
            skip = true;
            somefailed = true;
        }
        let outname: Option<String> = if skip { None } else { o.outfile.clone().or_else(|| inname.clone()) };
        let mut input = Input { lines: Vec::new(), exists: false, size: 0, mode: 0o644 };
        if !skip {
            let name = inname.clone().unwrap();
            match std::fs::metadata(&name) {
                Ok(md) if md.is_file() => {
                    let data = std::fs::read(&name).map_err(|e| Fatal(format!("Can't open file {} : {}", quote(&name), strerror(&e))))?;
                    input.size = data.len() as u64;
                    input.exists = true;
                    input.mode = fsmeta::stat(&name, true).map(|s| s.mode & 0o7777).unwrap_or(0o644);
                    input.lines = data.split_inclusive(|&c| c == b'\n').map(|l| l.to_vec()).collect();
                }
                Ok(_) => {
                    self.say(&format!("File {} is not a regular file -- refusing to patch\n", quote(&name)));
                    skip = true;
                    somefailed = true;
                }
                Err(_) => {}
            }
            if !skip && input.exists && o.read_only != ReadOnly::Ignore && o.outfile.is_none() && !writable(&name) {
                self.say(&format!("File {} is read-only; ", quote(&name)));
                if o.read_only == ReadOnly::Warn {
                    self.say("trying to patch anyway\n");
                } else {
                    self.say("refusing to patch\n");
                    skip = true;
                    somefailed = true;
                }
            }
        }
        if !skip && !self.silent() {
            let out_n = outname.clone().unwrap();
            let in_n = inname.clone().unwrap();
            let verb = if o.dry_run { "checking" } else { "patching" };
            if out_n != in_n {
                self.say(&format!("{} file {} (read from {})\n", verb, quote(&out_n), in_n));
            } else {
                self.say(&format!("{} file {}\n", verb, quote(&out_n)));
            }
            if self.verbose() {
                self.say("Using Plan A...\n");
            }
        }
        let mut st = OutState { buf: Vec::new(), after_newline: true, zero_output: true };
        if o.outfile.is_some() {
            st.after_newline = true;
        }
        let mut ap = Applier { input: &input, last_frozen: 0, in_offset: 0, out_offset: 0, ignore_ws: o.ignore_ws, misordered: false };
        let mut hunk_no = 0;
        let mut failed = 0;
        let mut mismatch = false;
        let mut apply_anyway = false;
        let mut rejects: Vec<u8> = Vec::new();
        loop {
            let mut warnings = Vec::new();
            let hk = self.another_hunk(dtype, reverse, &mut warnings)?;
            for w in warnings {
                self.say(&w);
            }
            let mut hk = match hk {
                Some(h) => h,
                None => break,
            };
            hunk_no += 1;
            let context = hk.prefix_context.max(hk.suffix_context);
            let mymaxfuzz = o.maxfuzz.min(context);
            let mut fuzz = 0;
            let mut where_ = 0;
            if !skip {
                loop {
                    let mut incr = 1;
                    where_ = ap.locate(&hk, fuzz);
                    if where_ == 0 || fuzz > 0 || ap.in_offset != 0 {
                        mismatch = true;
                    }
                    if hunk_no == 1 && where_ == 0 && !(o.force || apply_anyway) && reverse == o.reverse {
                        hk.swap();
                        where_ = ap.locate(&hk, fuzz);
                        let text = format!(
                            "{} patch detected!",
                            if reverse { "Unreversed" } else { "Reversed (or previously applied)" }
                        );
                        let mut reversed = false;
                        if where_ != 0 {
                            let (r, s) = self.ok_to_reverse(&text, reverse);
                            if s {
                                skip = true;
                            }
                            reversed = r;
                        }
                        if reversed {
                            reverse = !reverse;
                        } else {
                            hk.swap();
                            if where_ != 0 {
                                apply_anyway = true;
                                incr = 0;
                                where_ = 0;
                            }
                        }
                    }
                    if skip || where_ != 0 {
                        break;
                    }
                    fuzz += incr;
                    if fuzz > mymaxfuzz {
                        break;
                    }
                }
            }
            let newwhere = (if where_ != 0 { where_ as isize } else { hk.first as isize }) + ap.out_offset;
            let creates_over = where_ == 1 && h.nonexistent[reverse as usize] == 2 && input.size > 0;
            let ok = !skip && !creates_over && where_ != 0 && ap.apply(&hk, where_, &mut st);
            if !ok {
                if !ok && !skip && where_ != 0 && !creates_over && ap.misordered {
                    self.say("misordered hunks! output would be garbled\n");
                    ap.misordered = false;
                }
                let fmt = o.reject_format.unwrap_or(if dtype == DiffType::Unified { DiffType::Unified } else { dtype });
                write_reject(&mut rejects, &h, &hk, failed == 0, reverse, fmt, dtype, ap.out_offset);
                failed += 1;
                if self.verbose() || (!skip && !self.silent()) {
                    let endings = if !skip && different_line_endings(&hk, &input, newwhere) { " (different line endings)" } else { "" };
                    self.say(&format!(
                        "Hunk #{} {} at {}{}.\n",
                        hunk_no,
                        if skip { "ignored" } else { "FAILED" },
                        newwhere,
                        endings
                    ));
                }
            } else if self.verbose() || (!self.silent() && (fuzz > 0 || ap.in_offset != 0)) {
                let mut m = format!("Hunk #{} succeeded at {}", hunk_no, newwhere);
                if fuzz > 0 {
                    m.push_str(&format!(" with fuzz {}", fuzz));
                }
                if ap.in_offset != 0 {
                    m.push_str(&format!(" (offset {} line{})", ap.in_offset, if ap.in_offset == 1 { "" } else { "s" }));
                }
                m.push_str(".\n");
                self.say(&m);
            }
        }
        if skip {
            somefailed = true;
        }
        if !skip {
            ap.copy_till(&mut st, input.lines.len());
        }
        // Put the result where it belongs.
        if !skip {
            let outname = outname.clone().unwrap();
            if let Some(buf) = self.single_out.as_mut() {
                buf.extend_from_slice(&st.buf);
            } else {
                let backup = o.make_backups || (o.backup_if_mismatch && (mismatch || failed > 0));
                let deletes = h.nonexistent[1 - reverse as usize] == 2;
                if st.zero_output && (o.remove_empty || (deletes && !o.posix)) {
                    if !o.dry_run {
                        if backup {
                            self.backup(&outname, input.exists)?;
                        }
                        let _ = std::fs::remove_file(&outname);
                        remove_empty_dirs(&outname);
                    }
                } else {
                    if !st.zero_output && deletes && (o.remove_empty || !o.posix) {
                        somefailed = true;
                        if !self.silent() {
                            let q = quote(&outname);
                            self.say(&format!("Not deleting file {} as content differs from patch\n", q));
                        }
                    }
                    if !o.dry_run {
                        if failed < hunk_no {
                            if backup {
                                self.backup(&outname, input.exists)?;
                            }
                            write_file(&outname, &st.buf, if input.exists { Some(input.mode) } else { None })?;
                        } else if backup && input.exists {
                            self.backup(&outname, true)?;
                        } else if backup {
                            // GNU backs up the missing file (an empty
                            // backup), then fails to reopen it to copy.
                            self.backup(&outname, false)?;
                            return Err(Fatal(format!("Can't reopen file {} : No such file or directory", quote(&outname))));
                        }
                    }
                }
            }
        }
        if failed > 0 {
            somefailed = true;
            self.say(&format!(
                "{} out of {} hunk{} {}",
                failed,
                hunk_no,
                if hunk_no == 1 { "" } else { "s" },
                if skip { "ignored" } else { "FAILED" }
            ));
            let rejname = o.reject_file.clone();
            match (&outname, &rejname) {
                (Some(on), r) if r.as_deref() != Some("-") => {
                    let rej = r.clone().unwrap_or_else(|| format!("{}.rej", on));
                    if !o.dry_run {
                        let q = quote(&rej);
                        self.say(&format!(" -- saving rejects to file {}\n", q));
                        let append = self.rejects_written.contains(&rej);
                        let res = if append {
                            std::fs::OpenOptions::new().append(true).open(&rej).and_then(|mut f| f.write_all(&rejects))
                        } else {
                            std::fs::write(&rej, &rejects)
                        };
                        if let Err(e) = res {
                            return Err(Fatal(format!("Can't create file {} : {}", quote(&rej), strerror(&e))));
                        }
                        self.rejects_written.insert(rej);
                    } else {
                        self.say("\n");
                    }
                }
                _ => self.say("\n"),
            }
        }
        Ok(somefailed)
    }

    /// Saves the original of a file once per run: NAME.orig (or as -B,
    /// -Y, -z say). A file that did not exist gets an empty backup.
    fn backup(&mut self, name: &str, exists: bool) -> Result<(), Fatal> {
        if self.backed_up.contains(name) {
            return Ok(());
        }
        self.backed_up.insert(name.to_string());
        let target = self.backup_name(name);
        if let Some(parent) = std::path::Path::new(&target).parent() {
            if !parent.as_os_str().is_empty() {
                let _ = std::fs::create_dir_all(parent);
            }
        }
        let res = if exists {
            std::fs::copy(name, &target).map(|_| ())
        } else {
            std::fs::write(&target, b"")
        };
        res.map_err(|e| Fatal(format!("Can't create file {} : {}", quote(&target), strerror(&e))))
    }

    fn backup_name(&self, name: &str) -> String {
        let o = self.o;
        if let Some(p) = &o.prefix {
            return format!("{}{}", p, name);
        }
        if let Some(bp) = &o.basename_prefix {
            let base = last_component(name);
            let dir = &name[..name.len() - base.len()];
            return format!("{}{}{}", dir, bp, base);
        }
        let numbered = match o.backup_type {
            BackupType::Simple => false,
            BackupType::Numbered => true,
            BackupType::Existing => highest_numbered(name) > 0,
        };
        if numbered {
            format!("{}.~{}~", name, highest_numbered(name) + 1)
        } else {
            format!("{}{}", name, o.suffix)
        }
    }
}

/// The highest N of the NAME.~N~ backups there are (0 if none).
fn highest_numbered(name: &str) -> u64 {
    let base = last_component(name);
    let dir = &name[..name.len() - base.len()];
    let entries = match std::fs::read_dir(if dir.is_empty() { "." } else { dir }) {
        Ok(e) => e,
        Err(_) => return 0,
    };
    let prefix = format!("{}.~", base);
    let mut best = 0;
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if let Some(rest) = n.strip_prefix(&prefix).and_then(|r| r.strip_suffix('~')) {
            if let Ok(v) = rest.parse::<u64>() {
                best = best.max(v);
            }
        }
    }
    best
}

/// Whether the current user may write to a file.
fn writable(name: &str) -> bool {
    std::fs::OpenOptions::new().write(true).open(name).is_ok()
}

/// Writes a patched file through a temporary name and a rename, as GNU
/// does (so a read-only file is replaced, and its mode kept), creating
/// missing directories.
fn write_file(name: &str, data: &[u8], mode: Option<u32>) -> Result<(), Fatal> {
    let path = std::path::Path::new(name);
    if let Some(parent) = path.parent() {
        if !parent.as_os_str().is_empty() && !parent.exists() {
            std::fs::create_dir_all(parent).map_err(|e| Fatal(format!("Can't create directory {} : {}", quote(&parent.to_string_lossy()), strerror(&e))))?;
        }
    }
    let fail = |e: std::io::Error| Fatal(format!("Can't create file {} : {}", quote(name), strerror(&e)));
    // WASI has no process id: a fresh name comes from create_new instead.
    let mut n = 0u32;
    let (tmp, mut out) = loop {
        let tmp = format!("{}.patchtmp{}", name, n);
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
            Err(e) => return Err(fail(e)),
        }
    };
    if let Err(e) = std::io::Write::write_all(&mut out, data) {
        drop(out);
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    drop(out);
    if let Some(m) = mode {
        let _ = fsmeta::chmod(&tmp, m);
    }
    if let Err(e) = std::fs::rename(&tmp, name) {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok(())
}

/// After deleting a file, removes the directories it leaves empty.
fn remove_empty_dirs(name: &str) {
    let mut p = std::path::Path::new(name).parent();
    while let Some(d) = p {
        if d.as_os_str().is_empty() || std::fs::remove_dir(d).is_err() {
            break;
        }
        p = d.parent();
    }
}

/// GNU's note on a failed hunk whose first line ends in CRLF where the
/// file's does not, or the other way round.
fn different_line_endings(hk: &Hunk, input: &Input, where_: isize) -> bool {
    let p = match hk.old.first() {
        Some(l) if !l.text.is_empty() => &l.text,
        _ => return false,
    };
    let crlf = |t: &[u8]| t.len() >= 2 && t[t.len() - 2] == b'\r' && t[t.len() - 1] == b'\n';
    if input.lines.is_empty() {
        return false;
    }
    let w = (where_.max(1) as usize).min(input.lines.len());
    let line = &input.lines[w - 1];
    if line.is_empty() {
        return false;
    }
    crlf(p) != crlf(line)
}

/// Finds and applies hunks against one input file.
struct Applier<'i> {
    input: &'i Input,
    last_frozen: usize,
    in_offset: isize,
    out_offset: isize,
    ignore_ws: bool,
    misordered: bool,
}

/// `-l`: lines equal when their runs of blanks are (ignoring trailing
/// newlines and blanks at the ends).
fn similar(a: &[u8], b: &[u8]) -> bool {
    let a = a.strip_suffix(b"\n").unwrap_or(a);
    let b = b.strip_suffix(b"\n").unwrap_or(b);
    let (mut i, mut j) = (0, 0);
    loop {
        if j == b.len() || is_blank(b[j]) {
            while j < b.len() && is_blank(b[j]) {
                j += 1;
            }
            if i < a.len() {
                if !is_blank(a[i]) {
                    return false;
                }
                while i < a.len() && is_blank(a[i]) {
                    i += 1;
                }
            }
            if i == a.len() || j == b.len() {
                return (a.len() - i) == (b.len() - j);
            }
        } else if i == a.len() || a[i] != b[j] {
            return false;
        } else {
            i += 1;
            j += 1;
        }
    }
}

impl<'i> Applier<'i> {
    fn line(&self, n: isize) -> &[u8] {
        if n >= 1 && (n as usize) <= self.input.lines.len() {
            &self.input.lines[n as usize - 1]
        } else {
            &[]
        }
    }

    fn matches(&self, hk: &Hunk, base: isize, offset: isize, prefix_fuzz: usize, suffix_fuzz: usize) -> bool {
        let pat_lines = hk.old.len() - suffix_fuzz.min(hk.old.len());
        for pline in (1 + prefix_fuzz)..=pat_lines {
            let l = self.line(pline as isize - 1 + base + offset);
            let p = &hk.old[pline - 1].text;
            if self.ignore_ws {
                if !similar(l, p) {
                    return false;
                }
            } else if l != &p[..] {
                return false;
            }
        }
        true
    }

    /// GNU's `locate_hunk`: where the hunk's old lines are, trying the
    /// expected place first, then alternately after and before it.
    fn locate(&mut self, hk: &Hunk, fuzz: usize) -> usize {
        let input_lines = self.input.lines.len() as isize;
        let first_guess = hk.first as isize + self.in_offset;
        let pat_lines = hk.old.len() as isize;
        let prefix_context = hk.prefix_context as isize;
        let suffix_context = hk.suffix_context as isize;
        let context = prefix_context.max(suffix_context);
        let mut prefix_fuzz = fuzz as isize + prefix_context - context;
        let suffix_fuzz = fuzz as isize + suffix_context - context;
        let max_where = input_lines - (pat_lines - suffix_fuzz) + 1;
        let min_where = self.last_frozen as isize + 1;
        let max_pos_offset = max_where - first_guess;
        let mut max_neg_offset = first_guess - min_where;
        let max_offset = max_pos_offset.max(max_neg_offset);
        if pat_lines == 0 {
            return first_guess.max(0) as usize;
        }
        if first_guess <= max_neg_offset {
            max_neg_offset = first_guess - 1;
        }
        if prefix_fuzz < 0 && hk.first <= 1 {
            if suffix_fuzz < 0 && (pat_lines != input_lines || prefix_context < self.last_frozen as isize) {
                return 0;
            }
            let offset = 1 - first_guess;
            if self.last_frozen as isize <= prefix_context
                && offset <= max_pos_offset
                && self.matches(hk, first_guess, offset, 0, suffix_fuzz.max(0) as usize)
            {
                self.in_offset += offset;
                return (first_guess + offset) as usize;
            }
            return 0;
        } else if prefix_fuzz < 0 {
            prefix_fuzz = 0;
        }
        if suffix_fuzz < 0 {
            let offset = first_guess - (input_lines - pat_lines + 1);
            if offset <= max_neg_offset && self.matches(hk, first_guess, -offset, prefix_fuzz as usize, 0) {
                self.in_offset -= offset;
                return (first_guess - offset) as usize;
            }
            return 0;
        }
        let min_offset = if max_pos_offset < 0 {
            first_guess - max_where
        } else if max_neg_offset < 0 {
            first_guess - min_where
        } else {
            0
        };
        let mut offset = min_offset;
        while offset <= max_offset {
            if offset <= max_pos_offset && self.matches(hk, first_guess, offset, prefix_fuzz as usize, suffix_fuzz as usize) {
                self.in_offset += offset;
                return (first_guess + offset) as usize;
            }
            if offset <= max_neg_offset && self.matches(hk, first_guess, -offset, prefix_fuzz as usize, suffix_fuzz as usize) {
                self.in_offset -= offset;
                return (first_guess - offset) as usize;
            }
            offset += 1;
        }
        0
    }

    /// Copies input lines up to `last` (1-based) to the output.
    fn copy_till(&mut self, st: &mut OutState, last: usize) -> bool {
        if self.last_frozen > last {
            self.misordered = true;
            return false;
        }
        while self.last_frozen < last {
            self.last_frozen += 1;
            let line = &self.input.lines[self.last_frozen - 1];
            if !line.is_empty() {
                if !st.after_newline {
                    st.buf.push(b'\n');
                }
                st.buf.extend_from_slice(line);
                st.after_newline = line.last() == Some(&b'\n');
                st.zero_output = false;
            }
        }
        true
    }

    fn write_new(st: &mut OutState, l: &PLine) {
        st.buf.extend_from_slice(&l.text);
        st.after_newline = l.text.last() == Some(&b'\n');
        st.zero_output = false;
    }

    /// GNU's `apply_hunk` (without -D): copies the input up to each
    /// change, drops the old lines, writes the new ones.
    fn apply(&mut self, hk: &Hunk, where_: usize, st: &mut OutState) -> bool {
        let where_ = where_ - 1;
        let (mut old, mut new) = (0usize, 0usize);
        let lastline = hk.old.len();
        let pat_end = hk.new.len();
        while old < lastline {
            let oc = hk.old[old].ch;
            if oc == b'-' {
                if !self.copy_till(st, where_ + old) {
                    return false;
                }
                self.last_frozen += 1;
                old += 1;
            } else if new >= pat_end {
                break;
            } else if hk.new[new].ch == b'+' {
                if !self.copy_till(st, where_ + old) {
                    return false;
                }
                Self::write_new(st, &hk.new[new]);
                new += 1;
            } else if hk.new[new].ch != oc {
                return false;
            } else if oc == b'!' {
                if !self.copy_till(st, where_ + old) {
                    return false;
                }
                while old < lastline && hk.old[old].ch == b'!' {
                    self.last_frozen += 1;
                    old += 1;
                }
                while new < pat_end && hk.new[new].ch == b'!' {
                    Self::write_new(st, &hk.new[new]);
                    new += 1;
                }
            } else {
                old += 1;
                new += 1;
            }
        }
        if new < pat_end && hk.new[new].ch == b'+' {
            if !self.copy_till(st, where_ + old) {
                return false;
            }
            while new < pat_end && hk.new[new].ch == b'+' {
                if !st.after_newline {
                    st.buf.push(b'\n');
                }
                Self::write_new(st, &hk.new[new]);
                new += 1;
            }
        }
        self.out_offset += hk.new.len() as isize - hk.old.len() as isize;
        true
    }
}

/// Appends a failed hunk to the reject text, in unified or context
/// format, with the file header before the first one.
#[allow(clippy::too_many_arguments)]
fn write_reject(rej: &mut Vec<u8>, h: &Header, hk: &Hunk, header: bool, reverse: bool, fmt: DiffType, dtype: DiffType, out_offset: isize) {
    let name = |i: usize| h.names[i].clone().unwrap_or_else(|| "/dev/null".into());
    let header_line = |rej: &mut Vec<u8>, tag: &str, i: usize| {
        rej.extend_from_slice(tag.as_bytes());
        rej.extend_from_slice(name(i).as_bytes());
        if let Some(t) = &h.timestr[i] {
            rej.extend_from_slice(t);
        }
        rej.push(b'\n');
    };
    let (a, b) = if reverse { (NEW, OLD) } else { (OLD, NEW) };
    if fmt == DiffType::Unified {
        if header {
            if let Some(ix) = &h.names[INDEX] {
                rej.extend_from_slice(format!("Index: {}\n", ix).as_bytes());
            }
            header_line(rej, "--- ", a);
            header_line(rej, "+++ ", b);
        }
        let range = |start: isize, count: usize| match count {
            0 => format!("{},0", start - 1),
            1 => format!("{}", start),
            _ => format!("{},{}", start, count),
        };
        rej.extend_from_slice(
            format!(
                "@@ -{} +{} @@",
                range(hk.first as isize + out_offset, hk.old.len()),
                range(hk.newfirst as isize + out_offset, hk.new.len())
            )
            .as_bytes(),
        );
        if let Some(f) = &hk.c_function {
            rej.extend_from_slice(f);
        }
        rej.push(b'\n');
        let norm = |c: u8, minus: bool| if c == b'!' { if minus { b'-' } else { b'+' } } else { c };
        let (mut i, mut j) = (0, 0);
        loop {
            while i < hk.old.len() && norm(hk.old[i].ch, true) == b'-' {
                rej.push(b'-');
                push_line(rej, &hk.old[i].text);
                i += 1;
            }
            while j < hk.new.len() && norm(hk.new[j].ch, false) == b'+' {
                rej.push(b'+');
                push_line(rej, &hk.new[j].text);
                j += 1;
            }
            if i >= hk.old.len() {
                break;
            }
            rej.push(b' ');
            push_line(rej, &hk.old[i].text);
            i += 1;
            j += 1;
        }
        return;
    }
    let new_style = dtype >= DiffType::NewContext;
    let (stars, minuses) = if new_style { (" ****", " ----") } else { ("", " -----") };
    if header {
        if let Some(ix) = &h.names[INDEX] {
            rej.extend_from_slice(format!("Index: {}\n", ix).as_bytes());
        }
        header_line(rej, "*** ", a);
        header_line(rej, "--- ", b);
    }
    rej.extend_from_slice(b"***************");
    if let Some(f) = &hk.c_function {
        rej.extend_from_slice(f);
    }
    rej.push(b'\n');
    let (old, new) = context_marks(hk, dtype);
    let oldfirst = hk.first as isize + out_offset;
    let newfirst = hk.newfirst as isize + out_offset;
    let oldlast = oldfirst + hk.old.len() as isize - 1;
    let newlast = newfirst + hk.new.len() as isize - 1;
    let rng = |f: isize, l: isize| {
        if l < f {
            "0".to_string()
        } else if l == f {
            format!("{}", f)
        } else {
            format!("{},{}", f, l)
        }
    };
    rej.extend_from_slice(format!("*** {}{}\n", rng(oldfirst, oldlast), stars).as_bytes());
    for (c, l) in &old {
        rej.push(*c);
        rej.push(b' ');
        push_line(rej, l);
    }
    rej.extend_from_slice(format!("--- {}{}\n", rng(newfirst, newlast), minuses).as_bytes());
    for (c, l) in &new {
        rej.push(*c);
        rej.push(b' ');
        push_line(rej, l);
    }
}

/// A hunk's lines with context-diff markers: from a unified hunk, runs
/// of deletions facing insertions become '!' (GNU's `pch_normalize`).
fn context_marks(hk: &Hunk, dtype: DiffType) -> (Vec<(u8, Vec<u8>)>, Vec<(u8, Vec<u8>)>) {
    let mut old: Vec<(u8, Vec<u8>)> = hk.old.iter().map(|l| (l.ch, l.text.clone())).collect();
    let mut new: Vec<(u8, Vec<u8>)> = hk.new.iter().map(|l| (l.ch, l.text.clone())).collect();
    if dtype == DiffType::Unified {
        let (mut i, mut j) = (0, 0);
        while i < old.len() {
            if old[i].0 == b'-' {
                if j < new.len() && new[j].0 == b'+' {
                    while i < old.len() && old[i].0 == b'-' {
                        old[i].0 = b'!';
                        i += 1;
                    }
                    while j < new.len() && new[j].0 == b'+' {
                        new[j].0 = b'!';
                        j += 1;
                    }
                } else {
                    while i < old.len() && old[i].0 == b'-' {
                        i += 1;
                    }
                }
            } else if j < new.len() && new[j].0 == b'+' {
                while j < new.len() && new[j].0 == b'+' {
                    j += 1;
                }
            } else {
                i += 1;
                j += 1;
            }
        }
    }
    (old, new)
}

/// A hunk line as the reject shows it: a missing final newline gets
/// one back, as GNU's `pch_write_line` does not (it writes the text as
/// is, and the next line then follows on).
fn push_line(rej: &mut Vec<u8>, text: &[u8]) {
    rej.extend_from_slice(text);
}
