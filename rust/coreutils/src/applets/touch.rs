//! `touch`: set files' access and modification times (now, `-d STRING`,
//! `-t STAMP` or another file's), creating files that do not exist.

use wsutil::args::{self, HasArg, Item, Spec, HELP, LONG1, VERSION};
use wsutil::datetime::{parse_datetime, parse_posix_time, PosixLayout, Timespec, Zone};
use wsutil::fsmeta::{self, SetTime};
use wsutil::{quote_always, quote_locale, report, show_error, strerror, Error, Result, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("touch", main)];

const SPEC: Spec = Spec {
    short: "acd:fhmr:t:",
    long: &[
        ("no-create", HasArg::No, 'c'),
        ("date", HasArg::Required, 'd'),
        ("no-dereference", HasArg::No, 'h'),
        ("reference", HasArg::Required, 'r'),
        ("time", HasArg::Required, LONG1),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: touch [OPTION]... FILE...
Update the access and modification times of each FILE to the current time.

A FILE argument that does not exist is created empty, unless -c or -h
is supplied.

  -a                     change only the access time
  -c, --no-create        do not create any files
  -d, --date=STRING      parse STRING and use it instead of current time
  -f                     (ignored)
  -h, --no-dereference   affect each symbolic link instead of any referenced
                         file
  -m                     change only the modification time
  -r, --reference=FILE   use this file's times instead of current time
  -t STAMP               use [[CC]YY]MMDDhhmm[.ss] instead of current time
      --time=WORD        change the specified time:
                           WORD is access, atime, or use: equivalent to -a
                           WORD is modify or mtime: equivalent to -m
";

const TIME_WORDS: &[(&str, char)] = &[("atime", 'a'), ("access", 'a'), ("use", 'a'), ("mtime", 'm'), ("modify", 'm')];

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

/// `--time=WORD`, with argmatch's prefixes and messages.
fn time_word(v: &str) -> Result<char> {
    if let Some((_, c)) = TIME_WORDS.iter().find(|(w, _)| *w == v) {
        return Ok(*c);
    }
    let hits: Vec<char> = TIME_WORDS.iter().filter(|(w, _)| !v.is_empty() && w.starts_with(v)).map(|x| x.1).collect();
    if !hits.is_empty() && hits.iter().all(|&c| c == hits[0]) {
        return Ok(hits[0]);
    }
    let kind = if hits.is_empty() { "invalid" } else { "ambiguous" };
    let mut msg = format!("{} argument {} for {}\nValid arguments are:", kind, quote_locale(v), quote_locale("--time"));
    msg.push_str("\n  - \u{2018}atime\u{2019}, \u{2018}access\u{2019}, \u{2018}use\u{2019}");
    msg.push_str("\n  - \u{2018}mtime\u{2019}, \u{2018}modify\u{2019}");
    Err(UsageError::new(msg).into())
}

fn run(argv: &[String]) -> Result<i32> {
    let mut change_a = false;
    let mut change_m = false;
    let mut no_create = false;
    let mut no_deref = false;
    let mut flex: Option<String> = None;
    let mut reference: Option<String> = None;
    let mut stamp: Option<Timespec> = None;
    let mut files = Vec::new();
    let zone = Zone::from_env();
    let now = Timespec::now();
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt('a', _) => change_a = true,
            Item::Opt('m', _) => change_m = true,
            Item::Opt('c', _) => no_create = true,
            Item::Opt('h', _) => no_deref = true,
            Item::Opt('f', _) => {}
            Item::Opt('d', Some(v)) => flex = Some(v),
            Item::Opt('r', Some(v)) => reference = Some(v),
            Item::Opt('t', Some(v)) => {
                let t = parse_posix_time(&v, PosixLayout::YearFirst, now, &zone)
                    .ok_or_else(|| Error::Fatal(format!("invalid date format {}", quote_locale(&v))))?;
                stamp = Some(t);
            }
            Item::Opt(LONG1, Some(v)) => {
                if time_word(&v)? == 'a' {
                    change_a = true;
                } else {
                    change_m = true;
                }
            }
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("touch (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    if stamp.is_some() && (reference.is_some() || flex.is_some()) {
        return Err(UsageError::new("cannot specify times from more than one source").into());
    }
    if !change_a && !change_m {
        change_a = true;
        change_m = true;
    }
    // (atime, mtime) to set, before -a/-m pick.
    let mut times = (SetTime::Now, SetTime::Now);
    if let Some(r) = &reference {
        let st = fsmeta::stat(r, !no_deref)
            .map_err(|e| Error::Fatal(format!("failed to get attributes of {}: {}", quote_always(r), strerror(&e))))?;
        times = (SetTime::At(st.atime), SetTime::At(st.mtime));
        if let Some(d) = &flex {
            let a = parse_datetime(d, st.atime, &zone);
            let m = parse_datetime(d, st.mtime, &zone);
            match (a, m) {
                (Some(a), Some(m)) => times = (SetTime::At(a), SetTime::At(m)),
                _ => return Err(Error::Fatal(format!("invalid date format {}", quote_locale(d)))),
            }
        }
    } else if let Some(d) = &flex {
        let t = parse_datetime(d, now, &zone).ok_or_else(|| Error::Fatal(format!("invalid date format {}", quote_locale(d))))?;
        times = (SetTime::At(t), SetTime::At(t));
    } else if let Some(t) = stamp {
        times = (SetTime::At(t), SetTime::At(t));
    }
    if !change_a {
        times.0 = SetTime::Omit;
    }
    if !change_m {
        times.1 = SetTime::Omit;
    }
    if files.is_empty() {
        return Err(UsageError::new("missing file operand").into());
    }
    let mut status = 0;
    for f in &files {
        if !touch(f, times, no_create, no_deref) {
            status = 1;
        }
    }
    Ok(status)
}

/// Touches one file; false after reporting an error.
fn touch(path: &str, times: (SetTime, SetTime), no_create: bool, no_deref: bool) -> bool {
    if path == "-" {
        // GNU touches standard output itself.
        return match fsmeta::set_times_fd(1, times.0, times.1) {
            Ok(()) => true,
            Err(e) => {
                show_error(&format!("setting times of {}: {}", quote_always(path), strerror(&e)));
                false
            }
        };
    }
    let mut open_err = None;
    if !no_create && !no_deref {
        if let Err(e) = std::fs::OpenOptions::new().write(true).create(true).open(path) {
            open_err = Some(e);
        }
    }
    match fsmeta::set_times(path, !no_deref, times.0, times.1) {
        Ok(()) => true,
        Err(e) => {
            if let Some(oe) = open_err {
                show_error(&format!("cannot touch {}: {}", quote_always(path), strerror(&oe)));
            } else if no_create && e.raw_os_error() == Some(44) {
                return true;
            } else {
                show_error(&format!("setting times of {}: {}", quote_always(path), strerror(&e)));
            }
            false
        }
    }
}
