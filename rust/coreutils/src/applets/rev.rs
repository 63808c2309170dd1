//! `rev`: reverse the characters of each line (util-linux 2.38, the host's
//! `rev` from bsdextrautils).
//!
//! util-linux reads lines with `fgetws`, so three of its quirks show in the
//! output and are kept: a NUL byte ends the text of a line (`wcslen`) and
//! the rest of that physical line is dropped, the following line is then
//! appended to it; an invalid UTF-8 sequence stops the file with
//! `rev: NAME: LINE: Invalid or incomplete multibyte or wide character`,
//! without printing the line it is in; a last line without a newline is
//! reversed and printed without one.

use std::io::{BufRead, BufReader, Write};
use wsutil::args::{self, HasArg, Item, Spec};
use wsutil::io::{open_input, stdout, Input, Out};
use wsutil::{errno_text, report, strerror, Result};

pub const APPLETS: &[wsutil::Applet] = &[("rev", main)];

const SPEC: Spec =
    Spec { short: "Vh", long: &[("version", HasArg::No, 'V'), ("help", HasArg::No, 'h')], stop_at_operand: false };

const USAGE: &str = "
Usage:
 rev [options] [file ...]

Reverse lines characterwise.

Options:
 -h, --help     display this help
 -V, --version  display version

For more details see rev(1).
";

/// EILSEQ in WASI's numbering.
const EILSEQ: i32 = 25;

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

fn run(argv: &[String]) -> Result<i32> {
    let mut files = Vec::new();
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt('h', _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt('V', _) => {
                println!("rev from util-linux 2.38.1");
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    let mut out = stdout();
    let mut status = 0;
    if files.is_empty() {
        status |= rev_stream(open_input("-")?, "stdin", &mut out)?;
    }
    for name in &files {
        // util-linux opens every operand by name, `-` included.
        match std::fs::File::open(name).map(Input::File) {
            Ok(input) => status |= rev_stream(input, name, &mut out)?,
            Err(e) => {
                out.flush()?;
                eprintln!("rev: cannot open {}: {}", name, strerror(&e));
                status = 1;
            }
        }
    }
    out.flush()?;
    Ok(status)
}

/// Reverses one input; returns 1 after a read or decoding error.
fn rev_stream(input: Input, name: &str, out: &mut Out) -> Result<i32> {
    let mut reader = BufReader::with_capacity(64 * 1024, input);
    let mut raw = Vec::new();
    let mut line_no: u64 = 0;
    loop {
        // One logical line: physical lines cut at their first NUL and
        // joined until one keeps its newline or the input ends.
        let mut text: Vec<char> = Vec::new();
        let mut got_any = false;
        let mut at_eof = false;
        loop {
            raw.clear();
            let n = match reader.read_until(b'\n', &mut raw) {
                Ok(n) => n,
                Err(e) => return fail(out, name, line_no, strerror(&e)),
            };
            if n == 0 {
                at_eof = true;
                break;
            }
            let chars = match decode(&raw) {
                Some(c) => c,
                None => return fail(out, name, line_no, errno_text(EILSEQ)),
            };
            got_any = true;
            let cut = chars.iter().position(|&c| c == '\0').unwrap_or(chars.len());
            text.extend_from_slice(&chars[..cut]);
            if raw.last() != Some(&b'\n') {
                at_eof = true;
                break;
            }
            if text.last() == Some(&'\n') {
                break;
            }
        }
        if !got_any {
            break;
        }
        let body = if text.last() == Some(&'\n') { text.len() - 1 } else { text.len() };
        text[..body].reverse();
        let s: String = text.into_iter().collect();
        out.write_all(s.as_bytes())?;
        line_no += 1;
        if at_eof {
            break;
        }
    }
    Ok(0)
}

fn fail(out: &mut Out, name: &str, line_no: u64, why: &str) -> Result<i32> {
    out.flush()?;
    eprintln!("rev: {}: {}: {}", name, line_no, why);
    Ok(1)
}

fn decode(raw: &[u8]) -> Option<Vec<char>> {
    std::str::from_utf8(raw).ok().map(|s| s.chars().collect())
}
