//! `mkdir` and `rmdir`: make directories (with their parents, `-p`, and a
//! mode, `-m`) and remove empty ones (with their parents, `-p`).

use std::io::Write;
use wsutil::args::{self, HasArg, Item, Spec, HELP, LONG1, VERSION};
use wsutil::fsext;
use wsutil::io::{stdout, Out};
use wsutil::modechange::ModeChange;
use wsutil::pathname::strip_trailing_slashes;
use wsutil::{quote_always, quote_locale, report, show_error, strerror, Error, Result, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("mkdir", mkdir_main), ("rmdir", rmdir_main)];

const MKDIR_SPEC: Spec = Spec {
    short: "pm:vZ",
    long: &[
        ("mode", HasArg::Required, 'm'),
        ("parents", HasArg::No, 'p'),
        ("verbose", HasArg::No, 'v'),
        ("context", HasArg::Optional, 'Z'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const MKDIR_USAGE: &str = "Usage: mkdir [OPTION]... DIRECTORY...
Create the DIRECTORY(ies), if they do not already exist.

Mandatory arguments to long options are mandatory for short options too.
  -m, --mode=MODE   set file mode (as in chmod), not a=rwx - umask
  -p, --parents     no error if existing, make parent directories as needed,
                    with their file modes unaffected by any -m option.
  -v, --verbose     print a message for each created directory
  -Z                   ignored (no SELinux in the sandbox)
";

const RMDIR_SPEC: Spec = Spec {
    short: "pv",
    long: &[
        ("ignore-fail-on-non-empty", HasArg::No, LONG1),
        ("path", HasArg::No, 'p'),
        ("parents", HasArg::No, 'p'),
        ("verbose", HasArg::No, 'v'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const RMDIR_USAGE: &str = "Usage: rmdir [OPTION]... DIRECTORY...
Remove the DIRECTORY(ies), if they are empty.

      --ignore-fail-on-non-empty
                    ignore each failure to remove a non-empty directory
  -p, --parents     remove DIRECTORY and its ancestors;
                    e.g., 'rmdir -p a/b' is similar to 'rmdir a/b a'

  -v, --verbose     output a diagnostic for every directory processed
";

const EEXIST: i32 = 20;
const ENOTDIR: i32 = 54;
const ENOTEMPTY: i32 = 55;
const EACCES: i32 = 2;
const EPERM: i32 = 63;
const EROFS: i32 = 69;
const EBUSY: i32 = 10;

fn errno(e: &std::io::Error) -> i32 {
    e.raw_os_error().unwrap_or(0)
}

struct MkdirOptions {
    parents: bool,
    verbose: bool,
    /// The exact mode of each named directory (`-m`), umask ignored.
    mode: Option<u32>,
    umask: u32,
}

pub fn mkdir_main(argv: &[String]) -> i32 {
    match mkdir(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

fn mkdir(argv: &[String]) -> Result<i32> {
    let mut mode_spec: Option<String> = None;
    let mut o = MkdirOptions { parents: false, verbose: false, mode: None, umask: fsext::umask() };
    let mut dirs = Vec::new();
    for item in args::parse(&MKDIR_SPEC, argv)? {
        match item {
            Item::Opt('p', _) => o.parents = true,
            Item::Opt('v', _) => o.verbose = true,
            Item::Opt('m', v) => mode_spec = v,
            Item::Opt('Z', Some(_)) => {
                show_error("warning: ignoring --context; it requires an SELinux/SMACK-enabled kernel")
            }
            Item::Opt(HELP, _) => {
                print!("{}", MKDIR_USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("mkdir (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(..) => {}
            Item::Operand(d) => dirs.push(d),
        }
    }
    if dirs.is_empty() {
        return Err(UsageError::new("missing operand").into());
    }
    if let Some(spec) = &mode_spec {
        let change =
            ModeChange::parse(spec).ok_or_else(|| Error::Fatal(format!("invalid mode {}", quote_locale(spec))))?;
        o.mode = Some(change.apply(0o777, true, o.umask));
    }
    let mut out = stdout();
    let mut status = 0;
    for dir in &dirs {
        if !make_one(&o, dir, &mut out)? {
            status = 1;
        }
    }
    out.flush()?;
    Ok(status)
}

fn announce(o: &MkdirOptions, dir: &str, out: &mut Out) -> Result<()> {
    if o.verbose {
        writeln!(out, "mkdir: created directory {}", quote_always(dir))?;
    }
    Ok(())
}

fn cannot_create(dir: &str, e: &std::io::Error, out: &mut Out) -> Result<bool> {
    out.flush()?;
    show_error(&format!("cannot create directory {}: {}", quote_locale(dir), strerror(e)));
    Ok(false)
}

/// Makes the missing ancestors of `dir` (`-p`): each gets the default mode
/// plus owner write and search, so that its children can be made.
fn make_ancestors(o: &MkdirOptions, dir: &str, out: &mut Out) -> Result<bool> {
    // Trailing slashes end the last component; they make no ancestor.
    let b = dir.trim_end_matches('/').as_bytes();
    let mut comp_start = 0;
    for i in 0..b.len() {
        if b[i] != b'/' {
            continue;
        }
        let comp = &dir[comp_start..i];
        comp_start = i + 1;
        if comp.is_empty() || comp == "." || comp == ".." {
            continue;
        }
        let prefix = &dir[..i];
        match fsext::mkdir(prefix) {
            Ok(()) => {
                announce(o, prefix, out)?;
                let want = (0o777 & !o.umask) | 0o300;
                if want != 0o777 & !o.umask {
                    let _ = fsext::chmod(prefix, want);
                }
            }
            Err(e) if errno(&e) == EEXIST => match fsext::stat(prefix, true) {
                Ok(st) if st.is_dir() => {}
                Ok(_) => return cannot_create(prefix, &std::io::Error::from_raw_os_error(ENOTDIR), out),
                Err(e) => return cannot_create(prefix, &e, out),
            },
            Err(e) => return cannot_create(prefix, &e, out),
        }
    }
    Ok(true)
}

fn make_one(o: &MkdirOptions, dir: &str, out: &mut Out) -> Result<bool> {
    if o.parents && !make_ancestors(o, dir, out)? {
        return Ok(false);
    }
    match fsext::mkdir(dir) {
        Ok(()) => {
            announce(o, dir, out)?;
            if let Some(mode) = o.mode {
                if let Err(e) = fsext::chmod(dir, mode) {
                    out.flush()?;
                    show_error(&format!("cannot set permissions of {}: {}", quote_always(dir), strerror(&e)));
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Err(e) => {
            if o.parents && errno(&e) == EEXIST && fsext::stat(dir, true).map_or(false, |st| st.is_dir()) {
                return Ok(true);
            }
            cannot_create(dir, &e, out)
        }
    }
}

struct RmdirOptions {
    parents: bool,
    verbose: bool,
    ignore_non_empty: bool,
}

pub fn rmdir_main(argv: &[String]) -> i32 {
    match rmdir(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

fn rmdir(argv: &[String]) -> Result<i32> {
    let mut o = RmdirOptions { parents: false, verbose: false, ignore_non_empty: false };
    let mut dirs = Vec::new();
    for item in args::parse(&RMDIR_SPEC, argv)? {
        match item {
            Item::Opt('p', _) => o.parents = true,
            Item::Opt('v', _) => o.verbose = true,
            Item::Opt(LONG1, _) => o.ignore_non_empty = true,
            Item::Opt(HELP, _) => {
                print!("{}", RMDIR_USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("rmdir (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(..) => {}
            Item::Operand(d) => dirs.push(d),
        }
    }
    if dirs.is_empty() {
        return Err(UsageError::new("missing operand").into());
    }
    let mut out = stdout();
    let mut ok = true;
    for dir in &dirs {
        if o.verbose {
            writeln!(out, "rmdir: removing directory, {}", quote_always(dir))?;
        }
        match fsext::rmdir(dir) {
            Ok(()) => {
                if o.parents {
                    ok &= remove_parents(&o, dir, &mut out)?;
                }
            }
            Err(e) => {
                if ignorable(&o, &e, dir) {
                    continue;
                }
                out.flush()?;
                if symlink_with_slash(&e, dir) {
                    show_error(&format!("failed to remove {}: Symbolic link not followed", quote_always(dir)));
                } else {
                    show_error(&format!("failed to remove {}: {}", quote_always(dir), strerror(&e)));
                }
                ok = false;
            }
        }
    }
    out.flush()?;
    Ok(if ok { 0 } else { 1 })
}

/// `--ignore-fail-on-non-empty`: a failure that means (or, for EACCES and
/// the like, may mean) the directory is not empty.
fn ignorable(o: &RmdirOptions, e: &std::io::Error, dir: &str) -> bool {
    if !o.ignore_non_empty {
        return false;
    }
    match errno(e) {
        ENOTEMPTY | EEXIST => true,
        EACCES | EPERM | EROFS | EBUSY => {
            std::fs::read_dir(dir).map_or(false, |mut entries| entries.next().is_some())
        }
        _ => false,
    }
}

/// `rmdir link/`: Linux does not follow the symlink and says ENOTDIR; GNU
/// explains it.
fn symlink_with_slash(e: &std::io::Error, dir: &str) -> bool {
    if errno(e) != ENOTDIR || !dir.ends_with('/') {
        return false;
    }
    let through = match fsext::stat(dir, true) {
        Ok(st) => st.is_dir(),
        Err(e) => errno(&e) != ENOTDIR,
    };
    through && fsext::stat(strip_trailing_slashes(dir), false).map_or(false, |st| st.is_symlink())
}

/// `-p`: removes `a/b` and `a` after `a/b/c`, stopping at the first
/// failure.
fn remove_parents(o: &RmdirOptions, dir: &str, out: &mut Out) -> Result<bool> {
    let mut path = strip_trailing_slashes(dir).to_string();
    loop {
        let slash = match path.rfind('/') {
            Some(s) => s,
            None => return Ok(true),
        };
        // Cut at the last slash and any slashes before it ("a//b" → "a").
        let mut end = slash;
        while end > 0 && path.as_bytes()[end] == b'/' {
            end -= 1;
        }
        path.truncate(end + 1);
        if o.verbose {
            writeln!(out, "rmdir: removing directory, {}", quote_always(&path))?;
        }
        if let Err(e) = fsext::rmdir(&path) {
            if ignorable(o, &e, &path) {
                return Ok(true);
            }
            out.flush()?;
            let what = if errno(&e) == ENOTDIR { "failed to remove" } else { "failed to remove directory" };
            show_error(&format!("{} {}: {}", what, quote_always(&path), strerror(&e)));
            return Ok(false);
        }
    }
}
