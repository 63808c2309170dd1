//! `date`: print a time (now, `-d STRING`, `-f FILE`'s lines, `-r FILE`'s
//! mtime) in a `+FORMAT`, ISO 8601, RFC 5322 or RFC 3339. Setting the clock
//! fails as it does for an unprivileged user on Linux.

use std::io::{BufRead, Write};
use wsutil::args::{self, HasArg, Item, Spec, HELP, LONG1, LONG2, LONG3, VERSION};
use wsutil::datetime::{in_range, localtime, parse_datetime, parse_posix_time, strftime, PosixLayout, Timespec, Zone};
use wsutil::io::{open_input, stdout};
use wsutil::{quote, quote_locale, report, show_error, strerror, Error, Result, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("date", main)];

const SPEC: Spec = Spec {
    short: "d:f:I::Rr:s:u",
    long: &[
        ("date", HasArg::Required, 'd'),
        ("debug", HasArg::No, LONG1),
        ("file", HasArg::Required, 'f'),
        ("iso-8601", HasArg::Optional, 'I'),
        ("resolution", HasArg::No, LONG3),
        ("rfc-email", HasArg::No, 'R'),
        ("rfc-822", HasArg::No, 'R'),
        ("rfc-2822", HasArg::No, 'R'),
        ("rfc-3339", HasArg::Required, LONG2),
        ("reference", HasArg::Required, 'r'),
        ("set", HasArg::Required, 's'),
        ("utc", HasArg::No, 'u'),
        ("universal", HasArg::No, 'u'),
        ("uct", HasArg::No, 'u'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: date [OPTION]... [+FORMAT]
  or:  date [-u|--utc|--universal] [MMDDhhmm[[CC]YY][.ss]]
Display date and time in the given FORMAT.
With -s, or with [MMDDhhmm[[CC]YY][.ss]], set the date and time.

  -d, --date=STRING          display time described by STRING, not 'now'
  -f, --file=DATEFILE        like --date; once for each line of DATEFILE
  -I[FMT], --iso-8601[=FMT]  output date/time in ISO 8601 format
      --resolution           output the available resolution of timestamps
  -R, --rfc-email            output date and time in RFC 5322 format
      --rfc-3339=FMT         output date/time in RFC 3339 format
  -r, --reference=FILE       display the last modification time of FILE
  -s, --set=STRING           set time described by STRING
  -u, --utc, --universal     print or set Coordinated Universal Time (UTC)
";

const ISO_ARGS: &[(&str, &str)] = &[
    ("hours", "%Y-%m-%dT%H%:z"),
    ("minutes", "%Y-%m-%dT%H:%M%:z"),
    ("date", "%Y-%m-%d"),
    ("seconds", "%Y-%m-%dT%H:%M:%S%:z"),
    ("ns", "%Y-%m-%dT%H:%M:%S,%N%:z"),
];
const RFC3339_ARGS: &[(&str, &str)] =
    &[("date", "%Y-%m-%d"), ("seconds", "%Y-%m-%d %H:%M:%S%:z"), ("ns", "%Y-%m-%d %H:%M:%S.%N%:z")];

/// Where the time to print comes from.
enum Source {
    Now,
    Date(String),
    File(String),
    Reference(String),
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

/// GNU's argmatch: exact names or unambiguous prefixes.
fn argmatch<'a>(value: &str, table: &'a [(&str, &str)], option: &str) -> Result<&'a str> {
    if let Some((_, f)) = table.iter().find(|(n, _)| *n == value) {
        return Ok(f);
    }
    let hits: Vec<_> = table.iter().filter(|(n, _)| !value.is_empty() && n.starts_with(value)).collect();
    if hits.len() == 1 {
        return Ok(hits[0].1);
    }
    let kind = if hits.is_empty() { "invalid" } else { "ambiguous" };
    let mut msg = format!("{} argument {} for {}\nValid arguments are:", kind, quote_locale(value), quote_locale(option));
    for (n, _) in table {
        msg.push_str(&format!("\n  - {}", quote_locale(n)));
    }
    Err(UsageError::new(msg).into())
}

/// `@SECONDS` alone, kept even when its year is out of range, so that the
/// complaint is GNU's "out of range" rather than "invalid date".
fn parse_at(s: &str) -> Option<Timespec> {
    let body = s.trim().strip_prefix('@')?.trim_start();
    let (neg, digits) = match body.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, body.strip_prefix('+').unwrap_or(body)),
    };
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let v: i64 = digits.parse().ok()?;
    Some(Timespec::new(if neg { -v } else { v }, 0))
}

/// Formats `t`, or GNU's complaint when its year does not fit.
fn show(out: &mut wsutil::io::Out, format: &str, t: Timespec, zone: &Zone) -> Result<bool> {
    if !in_range(t, zone) {
        out.flush()?;
        show_error(&format!("time {} is out of range", quote_locale(&t.sec.to_string())));
        return Ok(false);
    }
    writeln!(out, "{}", strftime(format, &localtime(t, zone)))?;
    Ok(true)
}

fn run(argv: &[String]) -> Result<i32> {
    let mut source = Source::Now;
    let mut sources = 0;
    let mut format: Option<String> = None;
    let mut formats = 0;
    let mut set: Option<String> = None;
    let mut utc = false;
    let mut operands = Vec::new();
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt('d', Some(v)) => {
                if !matches!(source, Source::Date(_)) {
                    sources += 1;
                }
                source = Source::Date(v);
            }
            Item::Opt('f', Some(v)) => {
                sources += 1;
                source = Source::File(v);
            }
            Item::Opt('r', Some(v)) => {
                sources += 1;
                source = Source::Reference(v);
            }
            Item::Opt('I', v) => {
                let f = argmatch(v.as_deref().unwrap_or("date"), ISO_ARGS, "--iso-8601")?;
                formats += 1;
                format = Some(f.to_string());
            }
            Item::Opt('R', _) => {
                formats += 1;
                format = Some("%a, %d %b %Y %H:%M:%S %z".into());
            }
            Item::Opt(LONG2, Some(v)) => {
                let f = argmatch(&v, RFC3339_ARGS, "--rfc-3339")?;
                formats += 1;
                format = Some(f.to_string());
            }
            Item::Opt(LONG3, _) => {
                formats += 1;
                format = Some(String::from("\u{0}resolution"));
            }
            Item::Opt('s', Some(v)) => set = Some(v),
            Item::Opt('u', _) => utc = true,
            Item::Opt(LONG1, _) => return Err(Error::Unsupported("--debug".into())),
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("date (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(o) => operands.push(o),
        }
    }
    if sources > 1 {
        return Err(UsageError::new("the options to specify dates for printing are mutually exclusive").into());
    }
    if set.is_some() && sources > 0 {
        return Err(UsageError::new("the options to print and set the time may not be used together").into());
    }
    if operands.len() > 1 {
        return Err(UsageError::new(format!("extra operand {}", quote_locale(&operands[1]))).into());
    }
    let mut set_operand = None;
    if let Some(op) = operands.pop() {
        if let Some(f) = op.strip_prefix('+') {
            formats += 1;
            format = Some(f.to_string());
        } else if sources > 0 || set.is_some() {
            return Err(UsageError::new(format!(
                "the argument {} lacks a leading '+';\nwhen using an option to specify date(s), any non-option\nargument must be a format string beginning with '+'",
                quote_locale(&op)
            ))
            .into());
        } else {
            set_operand = Some(op);
        }
    }
    if formats > 1 {
        return Err(Error::Fatal("multiple output formats specified".into()));
    }
    let zone = if utc { Zone::utc() } else { Zone::from_env() };
    let format = format.unwrap_or_else(|| "%a %b %e %H:%M:%S %Z %Y".to_string());
    let mut out = stdout();
    if format == "\u{0}resolution" {
        writeln!(out, "0.000000001")?;
        out.flush()?;
        return Ok(0);
    }
    let now = Timespec::now();
    let mut status = 0;
    if let Some(op) = set_operand {
        let t = parse_posix_time(&op, PosixLayout::YearLast, now, &zone)
            .ok_or_else(|| Error::Fatal(format!("invalid date {}", quote_locale(&op))))?;
        show_error("cannot set date: Operation not permitted");
        writeln!(out, "{}", strftime(&format, &localtime(t, &zone)))?;
        out.flush()?;
        return Ok(1);
    }
    if let Some(s) = set {
        let t = parse_datetime(&s, now, &zone).ok_or_else(|| Error::Fatal(format!("invalid date {}", quote_locale(&s))))?;
        show_error("cannot set date: Operation not permitted");
        writeln!(out, "{}", strftime(&format, &localtime(t, &zone)))?;
        out.flush()?;
        return Ok(1);
    }
    match source {
        Source::Now => {
            show(&mut out, &format, now, &zone)?;
        }
        Source::Date(s) => {
            let t = match parse_at(&s) {
                Some(t) => t,
                None => parse_datetime(&s, now, &zone).ok_or_else(|| Error::Fatal(format!("invalid date {}", quote_locale(&s))))?,
            };
            if !show(&mut out, &format, t, &zone)? {
                status = 1;
            }
        }
        Source::Reference(path) => match wsutil::fsmeta::stat(&path, true) {
            Ok(st) => {
                if !show(&mut out, &format, st.mtime, &zone)? {
                    status = 1;
                }
            }
            Err(e) => return Err(Error::Fatal(format!("{}: {}", quote(&path), strerror(&e)))),
        },
        Source::File(path) => {
            let input = open_input(&path).map_err(|e| Error::Fatal(format!("{}: {}", quote(&path), strerror(&e))))?;
            let reader = std::io::BufReader::new(input);
            for line in reader.split(b'\n') {
                let line = line?;
                let text = String::from_utf8_lossy(&line);
                match parse_at(&text).or_else(|| parse_datetime(&text, now, &zone)) {
                    Some(t) => {
                        if !show(&mut out, &format, t, &zone)? {
                            status = 1;
                        }
                    }
                    None => {
                        out.flush()?;
                        show_error(&format!("invalid date {}", quote_locale(&text)));
                        status = 1;
                    }
                }
            }
        }
    }
    out.flush()?;
    Ok(status)
}
