//! `readlink` and `realpath`: a symlink's contents, or a file's canonical
//! name (wsutil::canon), optionally relative to a directory.

use std::io::Write;
use wsutil::args::{self, HasArg, Item, Spec, HELP, LONG1, LONG2, VERSION};
use wsutil::canon::{canonicalize, path_prefix, relpath, Need};
use wsutil::io::stdout;
use wsutil::{quote, quote_always, report, show_error, strerror, Error, Result, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("readlink", readlink_main), ("realpath", realpath_main)];

const READLINK_SPEC: Spec = Spec {
    short: "efmnqsvz",
    long: &[
        ("canonicalize", HasArg::No, 'f'),
        ("canonicalize-existing", HasArg::No, 'e'),
        ("canonicalize-missing", HasArg::No, 'm'),
        ("no-newline", HasArg::No, 'n'),
        ("quiet", HasArg::No, 'q'),
        ("silent", HasArg::No, 's'),
        ("verbose", HasArg::No, 'v'),
        ("zero", HasArg::No, 'z'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const READLINK_USAGE: &str = "Usage: readlink [OPTION]... FILE...
Print value of a symbolic link or canonical file name

  -f, --canonicalize            canonicalize by following every symlink in
                                every component of the given name recursively;
                                all but the last component must exist
  -e, --canonicalize-existing   canonicalize by following every symlink in
                                every component of the given name recursively,
                                all components must exist
  -m, --canonicalize-missing    canonicalize by following every symlink in
                                every component of the given name recursively,
                                without requirements on components existence
  -n, --no-newline              do not output the trailing delimiter
  -q, --quiet
  -s, --silent                  suppress most error messages (on by default)
  -v, --verbose                 report error messages
  -z, --zero                    end each output line with NUL, not newline
";

const REALPATH_SPEC: Spec = Spec {
    short: "eLmPqsz",
    long: &[
        ("canonicalize-existing", HasArg::No, 'e'),
        ("canonicalize-missing", HasArg::No, 'm'),
        ("relative-to", HasArg::Required, LONG1),
        ("relative-base", HasArg::Required, LONG2),
        ("quiet", HasArg::No, 'q'),
        ("strip", HasArg::No, 's'),
        ("no-symlinks", HasArg::No, 's'),
        ("zero", HasArg::No, 'z'),
        ("logical", HasArg::No, 'L'),
        ("physical", HasArg::No, 'P'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const REALPATH_USAGE: &str = "Usage: realpath [OPTION]... FILE...
Print the resolved absolute file name;
all but the last component must exist

  -e, --canonicalize-existing  all components of the path must exist
  -m, --canonicalize-missing   no path components need exist or be a directory
  -L, --logical                resolve '..' components before symlinks
  -P, --physical               resolve symlinks as encountered (default)
  -q, --quiet                  suppress most error messages
      --relative-to=DIR        print the resolved path relative to DIR
      --relative-base=DIR      print absolute paths unless paths below DIR
  -s, --strip, --no-symlinks   don't expand symlinks
  -z, --zero                   end each output line with NUL, not newline
";

pub fn readlink_main(argv: &[String]) -> i32 {
    match readlink(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

fn readlink(argv: &[String]) -> Result<i32> {
    let mut need: Option<Need> = None;
    let mut no_newline = false;
    let mut verbose = false;
    let mut end = b'\n';
    let mut names = Vec::new();
    for item in args::parse(&READLINK_SPEC, argv)? {
        match item {
            Item::Opt('e', _) => need = Some(Need::Existing),
            Item::Opt('f', _) => need = Some(Need::AllButLast),
            Item::Opt('m', _) => need = Some(Need::Missing),
            Item::Opt('n', _) => no_newline = true,
            Item::Opt('q' | 's', _) => verbose = false,
            Item::Opt('v', _) => verbose = true,
            Item::Opt('z', _) => end = 0,
            Item::Opt(HELP, _) => {
                print!("{}", READLINK_USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("readlink (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(..) => {}
            Item::Operand(s) => names.push(s),
        }
    }
    if names.is_empty() {
        return Err(UsageError::new("missing operand").into());
    }
    if names.len() > 1 {
        if no_newline {
            show_error("ignoring --no-newline with multiple arguments");
        }
        no_newline = false;
    }
    let mut out = stdout();
    let mut status = 0;
    for name in &names {
        let value = match need {
            Some(need) => canonicalize(name, need, false),
            None => wsutil::fsext::readlink(name),
        };
        match value {
            Ok(v) => {
                out.write_all(v.as_bytes())?;
                if !no_newline {
                    out.write_all(&[end])?;
                }
            }
            Err(e) => {
                status = 1;
                if verbose {
                    out.flush()?;
                    show_error(&format!("{}: {}", quote(name), strerror(&e)));
                }
            }
        }
    }
    out.flush()?;
    Ok(status)
}

/// realpath's settings: how much must exist, whether symlinks are kept
/// (`-s`) or `..` applied before them (`-L`).
#[derive(Clone, Copy)]
struct Canon {
    need: Need,
    nolinks: bool,
    logical: bool,
}

impl Canon {
    /// `-L` resolves `..` lexically first, then symlinks in what remains.
    fn apply(&self, name: &str) -> std::io::Result<String> {
        let first = canonicalize(name, self.need, self.nolinks)?;
        if self.logical {
            canonicalize(&first, self.need, false)
        } else {
            Ok(first)
        }
    }

    /// A canonical --relative-to or --relative-base directory; fatal when
    /// missing (or, with -e, not a directory).
    fn directory(&self, name: &str) -> Result<String> {
        let dir = self.apply(name).map_err(|e| Error::Fatal(format!("{}: {}", quote(name), strerror(&e))))?;
        if self.need == Need::Existing {
            match wsutil::fsext::stat(&dir, true) {
                Ok(st) if st.is_dir() => {}
                Ok(_) => return Err(Error::Fatal(format!("{}: Not a directory", quote(name)))),
                Err(e) => {
                    return Err(Error::Fatal(format!("cannot stat {}: {}", quote_always(&dir), strerror(&e))))
                }
            }
        }
        Ok(dir)
    }
}

pub fn realpath_main(argv: &[String]) -> i32 {
    match realpath(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

fn realpath(argv: &[String]) -> Result<i32> {
    let mut canon = Canon { need: Need::AllButLast, nolinks: false, logical: false };
    let mut quiet = false;
    let mut end = b'\n';
    let mut relative_to: Option<String> = None;
    let mut relative_base: Option<String> = None;
    let mut names = Vec::new();
    for item in args::parse(&REALPATH_SPEC, argv)? {
        match item {
            Item::Opt('e', _) => canon.need = Need::Existing,
            Item::Opt('m', _) => canon.need = Need::Missing,
            Item::Opt('L', _) => {
                canon.nolinks = true;
                canon.logical = true;
            }
            Item::Opt('s', _) => {
                canon.nolinks = true;
                canon.logical = false;
            }
            Item::Opt('P', _) => {
                canon.nolinks = false;
                canon.logical = false;
            }
            Item::Opt('q', _) => quiet = true,
            Item::Opt('z', _) => end = 0,
            Item::Opt(LONG1, v) => relative_to = v,
            Item::Opt(LONG2, v) => relative_base = v,
            Item::Opt(HELP, _) => {
                print!("{}", REALPATH_USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("realpath (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(..) => {}
            Item::Operand(s) => names.push(s),
        }
    }
    if names.is_empty() {
        return Err(UsageError::new("missing operand").into());
    }
    let same = relative_to.is_none() && relative_base.is_some();
    if same {
        relative_to = relative_base.clone();
    }
    let mut can_to = match &relative_to {
        Some(d) => Some(canon.directory(d)?),
        None => None,
    };
    let mut can_base = None;
    if same {
        can_base = can_to.clone();
    } else if let Some(b) = &relative_base {
        let base = canon.directory(b)?;
        // --relative-to outside --relative-base is ignored.
        if can_to.as_deref().map_or(false, |to| path_prefix(&base, to)) {
            can_base = Some(base);
        } else {
            can_base = can_to.take();
        }
    }
    let mut out = stdout();
    let mut status = 0;
    for name in &names {
        let full = match canon.apply(name) {
            Ok(f) => f,
            Err(e) => {
                status = 1;
                if !quiet {
                    out.flush()?;
                    show_error(&format!("{}: {}", quote(name), strerror(&e)));
                }
                continue;
            }
        };
        let shown = match (&can_to, &can_base) {
            (None, _) => None,
            (Some(_), Some(base)) if !path_prefix(base, &full) => None,
            (Some(to), _) => relpath(&full, to),
        };
        out.write_all(shown.as_deref().unwrap_or(&full).as_bytes())?;
        out.write_all(&[end])?;
    }
    out.flush()?;
    Ok(status)
}
