//! `uniq`: report or omit repeated adjacent lines (GNU 9.1: -c -d -D -f
//! -i -s -u -w -z, --all-repeated[=METHOD], --group[=METHOD], the
//! obsolete `-N` and `+N`, and the optional OUTPUT operand).
//!
//! Lines are compared after skipping fields (runs of blanks then
//! non-blanks) and characters, on at most `-w` bytes; `-i` folds ASCII
//! case. It streams: only the previous line is kept.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use wsutil::argmatch::argmatch;
use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::decimal::{parse_u64, Refusal};
use wsutil::io::{open_input, RawFd};
use wsutil::{quote, quote_always, quote_locale, report, strerror, Error, Result, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("uniq", main)];

const ALL_REPEATED: char = args::LONG1;
const GROUP: char = args::LONG2;

const SPEC: Spec = Spec {
    short: "0123456789Dcdf:is:uw:z",
    long: &[
        ("count", HasArg::No, 'c'),
        ("repeated", HasArg::No, 'd'),
        ("all-repeated", HasArg::Optional, ALL_REPEATED),
        ("group", HasArg::Optional, GROUP),
        ("ignore-case", HasArg::No, 'i'),
        ("unique", HasArg::No, 'u'),
        ("skip-fields", HasArg::Required, 'f'),
        ("skip-chars", HasArg::Required, 's'),
        ("check-chars", HasArg::Required, 'w'),
        ("zero-terminated", HasArg::No, 'z'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: uniq [OPTION]... [INPUT [OUTPUT]]
Filter adjacent matching lines from INPUT (or standard input),
writing to OUTPUT (or standard output).

With no options, matching lines are merged to the first occurrence.

  -c, --count           prefix lines by the number of occurrences
  -d, --repeated        only print duplicate lines, one for each group
  -D                    print all duplicate lines
      --all-repeated[=METHOD]  like -D, but allow separating groups
                                 with an empty line;
                                 METHOD={none(default),prepend,separate}
  -f, --skip-fields=N   avoid comparing the first N fields
      --group[=METHOD]  show all items, separating groups with an empty line;
                          METHOD={separate(default),prepend,append,both}
  -i, --ignore-case     ignore differences in case when comparing
  -s, --skip-chars=N    avoid comparing the first N characters
  -u, --unique          only print unique lines
  -z, --zero-terminated     line delimiter is NUL, not newline
  -w, --check-chars=N   compare no more than N characters in lines
      --help        display this help and exit
      --version     output version information and exit
";

#[derive(Clone, Copy, PartialEq)]
enum Delimit {
    None,
    Prepend,
    Separate,
}

#[derive(Clone, Copy, PartialEq)]
enum Grouping {
    None,
    Prepend,
    Append,
    Separate,
    Both,
}

struct Options {
    skip_fields: u64,
    skip_chars: u64,
    check_chars: u64,
    ignore_case: bool,
    count: bool,
    output_unique: bool,
    output_first_repeated: bool,
    output_later_repeated: bool,
    delimit: Delimit,
    grouping: Grouping,
    eol: u8,
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

/// `-f`, `-s`, `-w`: a count (huge ones saturate); GNU names the text first.
fn size_opt(text: &str, what: &str) -> Result<u64> {
    match parse_u64(text) {
        Ok(v) => Ok(v),
        Err(Refusal::Overflow) => Ok(u64::MAX),
        Err(Refusal::Invalid) => Err(Error::Fatal(format!("{}: {}", text, what))),
    }
}

fn run(argv: &[String]) -> Result<i32> {
    let mut o = Options {
        skip_fields: 0,
        skip_chars: 0,
        check_chars: u64::MAX,
        ignore_case: false,
        count: false,
        output_unique: true,
        output_first_repeated: true,
        output_later_repeated: false,
        delimit: Delimit::None,
        grouping: Grouping::None,
        eol: b'\n',
    };
    let mut operands: Vec<String> = Vec::new();
    // `-5` after `-f 3` starts a new obsolete count; digits accumulate.
    let mut obsolete_fields = false;
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt(d @ '0'..='9', _) => {
                if !obsolete_fields {
                    o.skip_fields = 0;
                }
                o.skip_fields = o
                    .skip_fields
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(d as u64 - '0' as u64))
                    .unwrap_or(u64::MAX);
                obsolete_fields = true;
            }
            Item::Opt('c', _) => o.count = true,
            Item::Opt('d', _) => o.output_unique = false,
            Item::Opt('D', _) => {
                o.output_unique = false;
                o.output_later_repeated = true;
                o.delimit = Delimit::None;
            }
            Item::Opt(ALL_REPEATED, v) => {
                o.output_unique = false;
                o.output_later_repeated = true;
                o.delimit = match v {
                    None => Delimit::None,
                    Some(v) => argmatch(
                        &v,
                        "--all-repeated",
                        &[("none", Delimit::None), ("prepend", Delimit::Prepend), ("separate", Delimit::Separate)],
                    )?,
                };
            }
            Item::Opt(GROUP, v) => {
                o.grouping = match v {
                    None => Grouping::Separate,
                    Some(v) => argmatch(
                        &v,
                        "--group",
                        &[
                            ("prepend", Grouping::Prepend),
                            ("append", Grouping::Append),
                            ("separate", Grouping::Separate),
                            ("both", Grouping::Both),
                        ],
                    )?,
                };
            }
            Item::Opt('f', Some(v)) => {
                o.skip_fields = size_opt(&v, "invalid number of fields to skip")?;
                obsolete_fields = false;
            }
            Item::Opt('s', Some(v)) => o.skip_chars = size_opt(&v, "invalid number of bytes to skip")?,
            Item::Opt('w', Some(v)) => o.check_chars = size_opt(&v, "invalid number of bytes to compare")?,
            Item::Opt('i', _) => o.ignore_case = true,
            Item::Opt('u', _) => o.output_first_repeated = false,
            Item::Opt('z', _) => o.eol = 0,
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("uniq (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => {
                // `+N` is the obsolete spelling of `-s N`.
                if let Some(n) = f.strip_prefix('+').and_then(|d| if d.is_empty() { None } else { parse_u64(d).ok() }) {
                    o.skip_chars = n;
                } else if operands.len() == 2 {
                    return Err(UsageError::new(format!("extra operand {}", quote_locale(&f))).into());
                } else {
                    operands.push(f);
                }
            }
        }
    }
    if o.grouping != Grouping::None
        && (o.count || !o.output_unique || !o.output_first_repeated || o.output_later_repeated)
    {
        return Err(UsageError::new("--group is mutually exclusive with -c/-d/-D/-u").into());
    }
    if o.count && o.output_later_repeated {
        return Err(UsageError::new("printing all duplicated lines and repeat counts is meaningless").into());
    }
    let in_name = operands.first().cloned().unwrap_or_else(|| "-".into());
    let input = open_input(&in_name).map_err(|e| Error::Fatal(format!("{}: {}", quote(&in_name), strerror(&e))))?;
    let sink: Box<dyn Write> = match operands.get(1) {
        Some(name) if name != "-" => {
            Box::new(File::create(name).map_err(|e| Error::Fatal(format!("{}: {}", quote(name), strerror(&e))))?)
        }
        _ => Box::new(RawFd::new(1)),
    };
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, sink);
    let mut reader = BufReader::with_capacity(64 * 1024, input);
    let result = if o.output_unique && o.output_first_repeated && !o.count {
        uniq_groups(&mut reader, &o, &mut out)
    } else {
        uniq_counted(&mut reader, &o, &mut out)
    };
    match result {
        Ok(()) => {}
        Err(Failure::Read) => {
            out.flush()?;
            return Err(Error::Fatal(format!("error reading {}", quote_always(&in_name))));
        }
        Err(Failure::Write(e)) => return Err(e.into()),
    }
    out.flush()?;
    Ok(0)
}

enum Failure {
    Read,
    Write(std::io::Error),
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Write(e)
    }
}

/// Reads one line, adding the terminator a last line may lack.
fn read_line(r: &mut dyn BufRead, eol: u8, line: &mut Vec<u8>) -> std::result::Result<bool, Failure> {
    line.clear();
    match r.read_until(eol, line) {
        Ok(0) => Ok(false),
        Ok(_) => {
            if line.last() != Some(&eol) {
                line.push(eol);
            }
            Ok(true)
        }
        Err(_) => Err(Failure::Read),
    }
}

/// The part of a line that is compared (without its terminator).
fn key<'a>(line: &'a [u8], o: &Options) -> &'a [u8] {
    let body = &line[..line.len() - 1];
    let blank = |b: u8| b == b' ' || b == b'\t';
    let mut i = 0;
    let mut n = 0;
    while n < o.skip_fields && i < body.len() {
        while i < body.len() && blank(body[i]) {
            i += 1;
        }
        while i < body.len() && !blank(body[i]) {
            i += 1;
        }
        n += 1;
    }
    i += (o.skip_chars.min((body.len() - i) as u64)) as usize;
    let rest = &body[i..];
    &rest[..rest.len().min(o.check_chars.min(usize::MAX as u64) as usize)]
}

fn different(a: &[u8], b: &[u8], o: &Options) -> bool {
    if o.ignore_case {
        !a.eq_ignore_ascii_case(b)
    } else {
        a != b
    }
}

/// The plain mode (and `--group`): the first line of each group.
fn uniq_groups(r: &mut dyn BufRead, o: &Options, out: &mut dyn Write) -> std::result::Result<(), Failure> {
    let mut prev: Vec<u8> = Vec::new();
    let mut have_prev = false;
    let mut this = Vec::new();
    let mut printed = false;
    while read_line(r, o.eol, &mut this)? {
        let new_group = !have_prev || different(key(&this, o), key(&prev, o), o);
        if new_group
            && o.grouping != Grouping::None
            && (o.grouping == Grouping::Prepend
                || o.grouping == Grouping::Both
                || (printed && (o.grouping == Grouping::Append || o.grouping == Grouping::Separate)))
        {
            out.write_all(&[o.eol])?;
        }
        if new_group || o.grouping != Grouping::None {
            out.write_all(&this)?;
            std::mem::swap(&mut prev, &mut this);
            have_prev = true;
            printed = true;
        }
    }
    if (o.grouping == Grouping::Both || o.grouping == Grouping::Append) && printed {
        out.write_all(&[o.eol])?;
    }
    Ok(())
}

/// Every other mode: counts, -d, -D, -u.
fn uniq_counted(r: &mut dyn BufRead, o: &Options, out: &mut dyn Write) -> std::result::Result<(), Failure> {
    let mut prev = Vec::new();
    if !read_line(r, o.eol, &mut prev)? {
        return Ok(());
    }
    let mut this = Vec::new();
    let mut matches: u64 = 0;
    let mut first_delimiter = true;
    while read_line(r, o.eol, &mut this)? {
        let matched = !different(key(&this, o), key(&prev, o), o);
        if matched {
            matches += 1;
        }
        if o.delimit != Delimit::None {
            if !matched {
                if matches > 0 {
                    first_delimiter = false;
                }
            } else if matches == 1
                && (o.delimit == Delimit::Prepend || (o.delimit == Delimit::Separate && !first_delimiter))
            {
                out.write_all(&[o.eol])?;
            }
        }
        if !matched || o.output_later_repeated {
            write_line(out, &prev, matched, matches, o)?;
            std::mem::swap(&mut prev, &mut this);
            if !matched {
                matches = 0;
            }
        }
    }
    write_line(out, &prev, false, matches, o)?;
    Ok(())
}

fn write_line(out: &mut dyn Write, line: &[u8], matched: bool, count: u64, o: &Options) -> std::io::Result<()> {
    let wanted = if count == 0 {
        o.output_unique
    } else if !matched {
        o.output_first_repeated
    } else {
        o.output_later_repeated
    };
    if !wanted {
        return Ok(());
    }
    if o.count {
        write!(out, "{:>7} ", count + 1)?;
    }
    out.write_all(line)
}
