//! `fold`: wrap input lines to a width (GNU 9.1: -b, -s, -w, and the
//! obsolete `-WIDTH`).
//!
//! GNU 9.1 counts columns per byte (no multibyte support): a tab advances
//! to the next multiple of 8, a backspace goes back one, a carriage return
//! goes to column 0. With `-b` every byte is one column.

use std::io::{BufRead, BufReader, Write};
use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::decimal::xdectoumax;
use wsutil::io::{open_input, stdout, Input, Out};
use wsutil::{quote, report, show_error, strerror, Error, Result};

pub const APPLETS: &[wsutil::Applet] = &[("fold", main)];

const SPEC: Spec = Spec {
    short: "bsw:0::1::2::3::4::5::6::7::8::9::",
    long: &[
        ("bytes", HasArg::No, 'b'),
        ("spaces", HasArg::No, 's'),
        ("width", HasArg::Required, 'w'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: fold [OPTION]... [FILE]...
Wrap input lines in each FILE, writing to standard output.

With no FILE, or when FILE is -, read standard input.

  -b, --bytes         count bytes rather than columns
  -s, --spaces        break at spaces
  -w, --width=WIDTH   use WIDTH columns instead of 80
      --help        display this help and exit
      --version     output version information and exit
";

struct Options {
    width: u64,
    bytes: bool,
    spaces: bool,
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

fn run(argv: &[String]) -> Result<i32> {
    let mut o = Options { width: 80, bytes: false, spaces: false };
    let mut files = Vec::new();
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt('b', _) => o.bytes = true,
            Item::Opt('s', _) => o.spaces = true,
            Item::Opt('w', Some(w)) => o.width = parse_width(&w)?,
            Item::Opt(d @ '0'..='9', rest) => {
                let text = format!("{}{}", d, rest.unwrap_or_default());
                o.width = parse_width(&text)?;
            }
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("fold (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    if files.is_empty() {
        files.push("-".into());
    }
    let mut out = stdout();
    let mut status = 0;
    for name in &files {
        let input = match open_input(name) {
            Ok(i) => i,
            Err(e) => {
                out.flush()?;
                show_error(&format!("{}: {}", quote(name), strerror(&e)));
                status = 1;
                continue;
            }
        };
        if let Err(e) = fold_stream(input, &o, &mut out) {
            out.flush()?;
            show_error(&format!("{}: {}", quote(name), strerror(&e)));
            status = 1;
        }
    }
    out.flush()?;
    Ok(status)
}

fn parse_width(text: &str) -> Result<u64> {
    xdectoumax(text, 1, u64::MAX - 9, "invalid number of columns").map_err(Error::Fatal)
}

fn advance(o: &Options, column: u64, c: u8) -> u64 {
    if o.bytes {
        return column + 1;
    }
    match c {
        b'\x08' => column.saturating_sub(1),
        b'\r' => 0,
        b'\t' => column + 8 - column % 8,
        _ => column + 1,
    }
}

/// GNU's loop: a byte that would pass the width ends the line before it
/// (after the last blank with -s), unless it is the first of its line.
fn fold_stream(input: Input, o: &Options, out: &mut Out) -> std::io::Result<()> {
    let mut reader = BufReader::with_capacity(64 * 1024, input);
    let mut line: Vec<u8> = Vec::new();
    let mut column: u64 = 0;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        let used = chunk.len();
        for &c in chunk {
            if c == b'\n' {
                line.push(c);
                out.write_all(&line)?;
                line.clear();
                column = 0;
                continue;
            }
            loop {
                column = advance(o, column, c);
                if column <= o.width {
                    line.push(c);
                    break;
                }
                if o.spaces {
                    if let Some(blank) = line.iter().rposition(|&b| b == b' ' || b == b'\t') {
                        let keep = blank + 1;
                        out.write_all(&line[..keep])?;
                        out.write_all(b"\n")?;
                        line.drain(..keep);
                        column = line.iter().fold(0, |col, &b| advance(o, col, b));
                        continue;
                    }
                }
                if line.is_empty() {
                    line.push(c);
                    break;
                }
                line.push(b'\n');
                out.write_all(&line)?;
                line.clear();
                column = 0;
            }
        }
        reader.consume(used);
    }
    out.write_all(&line)
}
