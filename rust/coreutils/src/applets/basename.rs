//! `basename` and `dirname`: the last component of a path, and what comes
//! before it, computed on the text alone (no filesystem access), with
//! gnulib's rules for runs of slashes.

use std::io::Write;
use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::io::stdout;
use wsutil::pathname::{base_name, dir_name};
use wsutil::{quote_locale, report, Error, Result, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("basename", basename_main), ("dirname", dirname_main)];

/// basename stops at the first operand, so `basename -a x -s y` prints
/// `-s` and `y` as names, as GNU does.
const BASENAME_SPEC: Spec = Spec {
    short: "as:z",
    long: &[
        ("multiple", HasArg::No, 'a'),
        ("suffix", HasArg::Required, 's'),
        ("zero", HasArg::No, 'z'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: true,
};

const DIRNAME_SPEC: Spec = Spec {
    short: "z",
    long: &[("zero", HasArg::No, 'z'), ("help", HasArg::No, HELP), ("version", HasArg::No, VERSION)],
    stop_at_operand: false,
};

const BASENAME_USAGE: &str = "Usage: basename NAME [SUFFIX]
  or:  basename OPTION... NAME...
Print NAME with any leading directory components removed.
If specified, also remove a trailing SUFFIX.

  -a, --multiple       support multiple arguments and treat each as a NAME
  -s, --suffix=SUFFIX  remove a trailing SUFFIX; implies -a
  -z, --zero           end each output line with NUL, not newline
";

const DIRNAME_USAGE: &str = "Usage: dirname [OPTION] NAME...
Output each NAME with its last non-slash component and trailing slashes
removed; if NAME contains no /'s, output '.' (meaning the current directory).

  -z, --zero     end each output line with NUL, not newline
";

/// Removes `suffix` when the name ends with it and is longer than it.
fn strip_suffix<'a>(name: &'a str, suffix: &str) -> &'a str {
    if name.len() > suffix.len() && name.ends_with(suffix) && !name.starts_with('/') {
        &name[..name.len() - suffix.len()]
    } else {
        name
    }
}

pub fn basename_main(argv: &[String]) -> i32 {
    match basename(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

fn basename(argv: &[String]) -> Result<i32> {
    let mut multiple = false;
    let mut suffix: Option<String> = None;
    let mut end = b'\n';
    let mut names = Vec::new();
    for item in args::parse(&BASENAME_SPEC, argv)? {
        match item {
            Item::Opt('a', _) => multiple = true,
            Item::Opt('s', v) => {
                multiple = true;
                suffix = v;
            }
            Item::Opt('z', _) => end = 0,
            Item::Opt(HELP, _) => {
                print!("{}", BASENAME_USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("basename (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(..) => {}
            Item::Operand(s) => names.push(s),
        }
    }
    if names.is_empty() {
        return Err(UsageError::new("missing operand").into());
    }
    if !multiple {
        if names.len() > 2 {
            return Err(UsageError::new(format!("extra operand {}", quote_locale(&names[2]))).into());
        }
        if names.len() == 2 {
            suffix = names.pop();
        }
    }
    let mut out = stdout();
    for name in &names {
        let mut base = base_name(name);
        if let Some(s) = &suffix {
            base = strip_suffix(base, s);
        }
        out.write_all(base.as_bytes())?;
        out.write_all(&[end])?;
    }
    out.flush().map_err(Error::from)?;
    Ok(0)
}

pub fn dirname_main(argv: &[String]) -> i32 {
    match dirname(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

fn dirname(argv: &[String]) -> Result<i32> {
    let mut end = b'\n';
    let mut names = Vec::new();
    for item in args::parse(&DIRNAME_SPEC, argv)? {
        match item {
            Item::Opt('z', _) => end = 0,
            Item::Opt(HELP, _) => {
                print!("{}", DIRNAME_USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("dirname (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(..) => {}
            Item::Operand(s) => names.push(s),
        }
    }
    if names.is_empty() {
        return Err(UsageError::new("missing operand").into());
    }
    let mut out = stdout();
    for name in &names {
        out.write_all(dir_name(name).as_bytes())?;
        out.write_all(&[end])?;
    }
    out.flush()?;
    Ok(0)
}
