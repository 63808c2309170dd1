//! `tac`: write files last record first (GNU 9.1: -b, -r, -s).
//!
//! The whole input is read into memory (GNU copies a pipe to a temporary
//! file for the same reason: the last record comes first). Records are
//! found the way GNU finds them, searching backward from the end: a plain
//! separator's matches never overlap and are taken from the right; a
//! regular expression separator is matched at the rightmost position where
//! it can start, within the text not yet printed.

use regex::bytes::Regex;
use std::io::{Read, Write};
use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::io::{open_input, stdout, Out};
use wsutil::{quote, quote_always, report, show_error, strerror, Error, Result};

pub const APPLETS: &[wsutil::Applet] = &[("tac", main)];

const SPEC: Spec = Spec {
    short: "brs:",
    long: &[
        ("before", HasArg::No, 'b'),
        ("regex", HasArg::No, 'r'),
        ("separator", HasArg::Required, 's'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: tac [OPTION]... [FILE]...
Write each FILE to standard output, last line first.

With no FILE, or when FILE is -, read standard input.

  -b, --before             attach the separator before instead of after
  -r, --regex              interpret the separator as a regular expression
  -s, --separator=STRING   use STRING as the separator instead of newline
      --help        display this help and exit
      --version     output version information and exit
";

/// How records are delimited.
enum Separator {
    /// A fixed string (GNU uses the NUL byte for an empty one).
    Plain(Vec<u8>),
    Regex(Regex),
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

fn run(argv: &[String]) -> Result<i32> {
    let mut before = false;
    let mut regex = false;
    let mut sep = "\n".to_string();
    let mut files = Vec::new();
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt('b', _) => before = true,
            Item::Opt('r', _) => regex = true,
            Item::Opt('s', Some(s)) => sep = s,
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("tac (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    let separator = if regex {
        if sep.is_empty() {
            return Err(Error::Fatal("separator cannot be empty".into()));
        }
        let translated =
            wsutil::resyntax::translate(&sep, wsutil::resyntax::EMACS).map_err(|m| Error::Fatal(m.to_string()))?;
        let re = Regex::new(&translated).map_err(|_| Error::Fatal("Invalid regular expression".into()))?;
        Separator::Regex(re)
    } else if sep.is_empty() {
        Separator::Plain(vec![0])
    } else {
        Separator::Plain(sep.into_bytes())
    };
    if files.is_empty() {
        files.push("-".into());
    }
    let mut out = stdout();
    let mut status = 0;
    for name in &files {
        let display = if name == "-" { "standard input" } else { name.as_str() };
        let mut input = match open_input(name) {
            Ok(i) => i,
            Err(e) => {
                out.flush()?;
                show_error(&format!("failed to open {} for reading: {}", quote_always(name), strerror(&e)));
                status = 1;
                continue;
            }
        };
        let mut data = Vec::new();
        if let Err(e) = input.read_to_end(&mut data) {
            out.flush()?;
            // GNU seeks to the end first; on a directory the read that
            // follows fails with EINVAL rather than EISDIR.
            let why = if e.raw_os_error() == Some(31) { "Invalid argument" } else { strerror(&e) };
            show_error(&format!("{}: read error: {}", quote(display), why));
            status = 1;
            continue;
        }
        write_reversed(&data, &separator, before, &mut out)?;
    }
    out.flush()?;
    Ok(status)
}

/// The matches of the separator as GNU's backward search finds them, from
/// the last to the first, as (start, end) pairs.
fn matches_backward(data: &[u8], sep: &Separator) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    match sep {
        Separator::Plain(s) => {
            let mut end = data.len();
            while end >= s.len() {
                let start = end - s.len();
                if &data[start..end] == s.as_slice() {
                    found.push((start, end));
                    end = start;
                } else {
                    end -= 1;
                }
            }
        }
        Separator::Regex(re) => {
            // Every position where a match can start, scanning forward.
            let mut starts = Vec::new();
            let mut pos = 0;
            while pos < data.len() {
                match re.find_at(data, pos) {
                    Some(m) if m.start() < data.len() => {
                        starts.push((m.start(), m.end()));
                        pos = m.start() + 1;
                    }
                    _ => break,
                }
            }
            // Then backward: each match must lie before the previous one.
            let mut limit = data.len();
            for &(start, end) in starts.iter().rev() {
                if start >= limit {
                    continue;
                }
                let end = if end <= limit {
                    end
                } else {
                    match re.find_at(&data[..limit], start) {
                        Some(m) if m.start() == start => m.end(),
                        _ => continue,
                    }
                };
                found.push((start, end));
                limit = start;
            }
        }
    }
    found
}

fn write_reversed(data: &[u8], sep: &Separator, before: bool, out: &mut Out) -> std::io::Result<()> {
    if data.is_empty() {
        return Ok(());
    }
    let mut past_end = data.len();
    let mut first = true;
    for (start, end) in matches_backward(data, sep) {
        if before {
            out.write_all(&data[start..past_end])?;
            past_end = start;
        } else {
            if !first || end != past_end {
                out.write_all(&data[end..past_end])?;
            }
            past_end = end;
            first = false;
        }
    }
    out.write_all(&data[..past_end])
}
