//! `comm`: compare two sorted files line by line (GNU 9.1: -1 -2 -3 -z,
//! --check-order, --nocheck-order, --output-delimiter, --total).
//!
//! Lines compare as bytes (C.UTF-8 collation is code point order). Order
//! is checked as GNU does: by default only once a line has been found in
//! one file alone, with a warning per file and status 1 at the end;
//! `--check-order` stops at the first line out of order.

use std::io::{BufRead, BufReader, Write};
use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::io::{open_input, stdout, Input, Out};
use wsutil::{quote, quote_locale, report, show_error, strerror, Error, Result, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("comm", main)];

const CHECK_ORDER: char = args::LONG1;
const NOCHECK_ORDER: char = args::LONG2;
const OUTPUT_DELIMITER: char = args::LONG3;
const TOTAL: char = args::LONG4;

const SPEC: Spec = Spec {
    short: "123z",
    long: &[
        ("check-order", HasArg::No, CHECK_ORDER),
        ("nocheck-order", HasArg::No, NOCHECK_ORDER),
        ("output-delimiter", HasArg::Required, OUTPUT_DELIMITER),
        ("total", HasArg::No, TOTAL),
        ("zero-terminated", HasArg::No, 'z'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: comm [OPTION]... FILE1 FILE2
Compare sorted files FILE1 and FILE2 line by line.

When FILE1 or FILE2 (not both) is -, read standard input.

With no options, produce three-column output.  Column one contains
lines unique to FILE1, column two contains lines unique to FILE2,
and column three contains lines common to both files.

  -1              suppress column 1 (lines unique to FILE1)
  -2              suppress column 2 (lines unique to FILE2)
  -3              suppress column 3 (lines that appear in both files)

  --check-order     check that the input is correctly sorted, even
                      if all input lines are pairable
  --nocheck-order   do not check that the input is correctly sorted
  --output-delimiter=STR  separate columns with STR
  --total           output a summary
  -z, --zero-terminated    line delimiter is NUL, not newline
      --help        display this help and exit
      --version     output version information and exit
";

#[derive(PartialEq, Clone, Copy)]
enum Check {
    Default,
    Enabled,
    Disabled,
}

struct State {
    show: [bool; 3],
    sep: Vec<u8>,
    eol: u8,
    check: Check,
    seen_unpairable: bool,
    warned: [bool; 2],
}

/// One input with its last two lines (for the order check).
struct Side {
    reader: BufReader<Input>,
    name: String,
    /// The current line, with its terminator; None at the end.
    line: Option<Vec<u8>>,
    prev: Option<Vec<u8>>,
    prev2: Option<Vec<u8>>,
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

fn run(argv: &[String]) -> Result<i32> {
    let mut st = State {
        show: [true; 3],
        sep: Vec::new(),
        eol: b'\n',
        check: Check::Default,
        seen_unpairable: false,
        warned: [false; 2],
    };
    let mut sep: Option<String> = None;
    let mut total = false;
    let mut files = Vec::new();
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt(c @ '1'..='3', _) => st.show[c as usize - '1' as usize] = false,
            Item::Opt('z', _) => st.eol = 0,
            Item::Opt(CHECK_ORDER, _) => st.check = Check::Enabled,
            Item::Opt(NOCHECK_ORDER, _) => st.check = Check::Disabled,
            Item::Opt(OUTPUT_DELIMITER, Some(s)) => {
                if let Some(old) = &sep {
                    if *old != s {
                        return Err(Error::Fatal("multiple output delimiters specified".into()));
                    }
                }
                sep = Some(s);
            }
            Item::Opt(TOTAL, _) => total = true,
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("comm (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    match files.len() {
        0 => return Err(UsageError::new("missing operand").into()),
        1 => return Err(UsageError::new(format!("missing operand after {}", quote_locale(&files[0]))).into()),
        2 => {}
        _ => return Err(UsageError::new(format!("extra operand {}", quote_locale(&files[2]))).into()),
    }
    st.sep = match sep {
        Some(s) if s.is_empty() => vec![0],
        Some(s) => s.into_bytes(),
        None => b"\t".to_vec(),
    };
    let mut out = stdout();
    let mut sides = Vec::new();
    for name in &files {
        let input = open_input(name).map_err(|e| Error::Fatal(format!("{}: {}", quote(name), strerror(&e))))?;
        let mut side = Side {
            reader: BufReader::with_capacity(64 * 1024, input),
            name: name.clone(),
            line: None,
            prev: None,
            prev2: None,
        };
        side.line = read_line(&mut side, st.eol)?;
        sides.push(side);
    }
    let mut totals = [0u64; 3];
    while sides[0].line.is_some() || sides[1].line.is_some() {
        let order = match (&sides[0].line, &sides[1].line) {
            (None, _) => std::cmp::Ordering::Greater,
            (_, None) => std::cmp::Ordering::Less,
            (Some(a), Some(b)) => a[..a.len() - 1].cmp(&b[..b.len() - 1]),
        };
        use std::cmp::Ordering::*;
        let (class, line) = match order {
            Equal => (2, sides[1].line.as_ref()),
            Less => (0, sides[0].line.as_ref()),
            Greater => (1, sides[1].line.as_ref()),
        };
        if order != Equal {
            st.seen_unpairable = true;
        }
        totals[class] += 1;
        if let Some(line) = line {
            write_line(&mut out, &st, class, line)?;
        }
        for (i, side) in sides.iter_mut().enumerate() {
            let step = if i == 0 { order != Greater } else { order != Less };
            if step {
                advance(side, i, &mut st, &mut out)?;
            }
        }
    }
    if total {
        for t in &totals {
            write!(out, "{}", t)?;
            out.write_all(&st.sep)?;
        }
        out.write_all(b"total")?;
        out.write_all(&[st.eol])?;
    }
    out.flush()?;
    if st.warned[0] || st.warned[1] {
        return Err(Error::Fatal("input is not in sorted order".into()));
    }
    Ok(0)
}

fn read_line(side: &mut Side, eol: u8) -> Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    match side.reader.read_until(eol, &mut line) {
        Ok(0) => Ok(None),
        Ok(_) => {
            if line.last() != Some(&eol) {
                line.push(eol);
            }
            Ok(Some(line))
        }
        Err(e) => Err(Error::Fatal(format!("{}: {}", quote(&side.name), strerror(&e)))),
    }
}

/// Reads the next line of one side and checks its order, as GNU does
/// (at the end, the last two lines are checked again, since a line
/// without a partner may have been seen since).
fn advance(side: &mut Side, i: usize, st: &mut State, out: &mut Out) -> Result<()> {
    side.prev2 = side.prev.take();
    side.prev = side.line.take();
    side.line = read_line(side, st.eol)?;
    let pair = match (&side.line, &side.prev, &side.prev2) {
        (Some(cur), Some(prev), _) => Some((prev.clone(), cur.clone())),
        (None, Some(prev), Some(prev2)) => Some((prev2.clone(), prev.clone())),
        _ => None,
    };
    if let Some((a, b)) = pair {
        check_order(&a, &b, i, st, out)?;
    }
    Ok(())
}

fn check_order(prev: &[u8], cur: &[u8], i: usize, st: &mut State, out: &mut Out) -> Result<()> {
    if st.check == Check::Disabled || (st.check == Check::Default && !st.seen_unpairable) || st.warned[i] {
        return Ok(());
    }
    if prev[..prev.len() - 1] > cur[..cur.len() - 1] {
        out.flush()?;
        let msg = format!("file {} is not in sorted order", i + 1);
        if st.check == Check::Enabled {
            return Err(Error::Fatal(msg));
        }
        show_error(&msg);
        st.warned[i] = true;
    }
    Ok(())
}

fn write_line(out: &mut Out, st: &State, class: usize, line: &[u8]) -> std::io::Result<()> {
    if !st.show[class] {
        return Ok(());
    }
    for shown in &st.show[..class] {
        if *shown {
            out.write_all(&st.sep)?;
        }
    }
    out.write_all(line)
}
