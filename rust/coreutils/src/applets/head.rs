//! `head`: the first (or all but the last) lines or bytes of files.
//!
//! Reading stops as soon as enough was printed, so `yes | head -n 1` ends
//! the pipeline at once; a seekable standard input is left just after the
//! part used, so `{ head -n 1; cat; } < file` works as with GNU.

use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::io::{open_input, read_full, stdout, Input, Out};
use wsutil::num::{describe, parse_size};
use wsutil::{report, show_error, strerror, Error, Result};
use std::io::Write;

pub const APPLETS: &[wsutil::Applet] = &[("head", main)];

const SPEC: Spec = Spec {
    short: "c:n:qvz",
    long: &[
        ("bytes", HasArg::Required, 'c'),
        ("lines", HasArg::Required, 'n'),
        ("quiet", HasArg::No, 'q'),
        ("silent", HasArg::No, 'q'),
        ("verbose", HasArg::No, 'v'),
        ("zero-terminated", HasArg::No, 'z'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: head [OPTION]... [FILE]...
Print the first 10 lines of each FILE to standard output.
With more than one FILE, precede each with a header giving the file name.

With no FILE, or when FILE is -, read standard input.

  -c, --bytes=[-]NUM       print the first NUM bytes of each file;
                             with the leading '-', print all but the last
                             NUM bytes of each file
  -n, --lines=[-]NUM       print the first NUM lines instead of the first 10;
                             with the leading '-', print all but the last
                             NUM lines of each file
  -q, --quiet, --silent    never print headers giving file names
  -v, --verbose            always print headers giving file names
  -z, --zero-terminated    line delimiter is NUL, not newline
";

const SUFFIXES: &str = "bkKmMGTPEZYRQ0";

#[derive(Clone, Copy)]
enum Unit {
    Lines,
    Bytes,
}

struct Mode {
    unit: Unit,
    count: u64,
    /// `-n -N`: all but the last N.
    all_but_last: bool,
    delim: u8,
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

/// `head -5` and `head -5c` (obsolete but still common) as `-n 5`/`-c 5`.
fn rewrite_obsolete(argv: &[String]) -> Vec<String> {
    let mut out = argv.to_vec();
    if let Some(first) = argv.first() {
        let body = &first[1.min(first.len())..];
        if first.starts_with('-') && body.starts_with(|c: char| c.is_ascii_digit()) {
            let digits_end = body.find(|c: char| !c.is_ascii_digit()).unwrap_or(body.len());
            let (num, flags) = body.split_at(digits_end);
            let mut unit = "-n";
            let mut extra = Vec::new();
            let mut number = num.to_string();
            for c in flags.chars() {
                match c {
                    'c' => unit = "-c",
                    'l' => unit = "-n",
                    'b' | 'k' | 'm' => number.push(c),
                    'q' | 'v' | 'z' => extra.push(format!("-{}", c)),
                    _ => return out,
                }
            }
            out.splice(0..1, [unit.to_string(), number].into_iter().chain(extra));
        }
    }
    out
}

fn run(argv: &[String]) -> Result<i32> {
    let argv = rewrite_obsolete(argv);
    let mut mode = Mode { unit: Unit::Lines, count: 10, all_but_last: false, delim: b'\n' };
    let mut headers: Option<bool> = None;
    let mut files = Vec::new();
    for item in args::parse(&SPEC, &argv)? {
        match item {
            Item::Opt(c @ ('c' | 'n'), Some(v)) => {
                mode.unit = if c == 'c' { Unit::Bytes } else { Unit::Lines };
                let (neg, digits) = match v.strip_prefix('-') {
                    Some(rest) => (true, rest),
                    None => (false, v.strip_prefix('+').unwrap_or(&v)),
                };
                let what = if c == 'c' { "invalid number of bytes" } else { "invalid number of lines" };
                mode.count = parse_size(digits, SUFFIXES).map_err(|e| Error::Fatal(describe(what, &v, e)))?;
                mode.all_but_last = neg;
            }
            Item::Opt('q', _) => headers = Some(false),
            Item::Opt('v', _) => headers = Some(true),
            Item::Opt('z', _) => mode.delim = 0,
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("head (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    if files.is_empty() {
        files.push("-".to_string());
    }
    let show_headers = headers.unwrap_or(files.len() > 1);
    let mut out = stdout();
    let mut status = 0;
    for (i, name) in files.iter().enumerate() {
        let display = if name == "-" { "standard input" } else { name.as_str() };
        let mut input = match open_input(name) {
            Ok(input) => input,
            Err(e) => {
                out.flush()?;
                show_error(&format!("cannot open {} for reading: {}", wsutil::quote_always(name), strerror(&e)));
                status = 1;
                continue;
            }
        };
        if show_headers {
            if i > 0 {
                out.write_all(b"\n")?;
            }
            write!(out, "==> {} <==\n", display)?;
        }
        if let Err(e) = copy_head(&mode, &mut input, &mut out) {
            out.flush()?;
            show_error(&format!("error reading {}: {}", wsutil::quote_always(name), strerror(&e)));
            status = 1;
        }
    }
    out.flush()?;
    Ok(status)
}

fn copy_head(mode: &Mode, input: &mut Input, out: &mut Out) -> std::io::Result<()> {
    let mut buf = vec![0u8; 64 * 1024];
    if mode.all_but_last {
        return copy_all_but_last(mode, input, out, &mut buf);
    }
    let mut left = mode.count;
    while left > 0 {
        let n = read_full(input, &mut buf)?;
        if n == 0 {
            break;
        }
        let used = match mode.unit {
            Unit::Bytes => (left.min(n as u64)) as usize,
            Unit::Lines => {
                let mut used = n;
                for (pos, &b) in buf[..n].iter().enumerate() {
                    if b == mode.delim {
                        left -= 1;
                        if left == 0 {
                            used = pos + 1;
                            break;
                        }
                    }
                }
                used
            }
        };
        if let Unit::Bytes = mode.unit {
            left -= used as u64;
        }
        out.write_all(&buf[..used])?;
        if used < n {
            input.unread((n - used) as u64);
        }
    }
    Ok(())
}

/// Streams everything except the last `count` lines or bytes, holding back
/// only what might still belong to that tail.
fn copy_all_but_last(mode: &Mode, input: &mut Input, out: &mut Out, buf: &mut [u8]) -> std::io::Result<()> {
    let mut held: Vec<u8> = Vec::new();
    loop {
        let n = read_full(input, buf)?;
        if n == 0 {
            return Ok(());
        }
        held.extend_from_slice(&buf[..n]);
        let release = match mode.unit {
            Unit::Bytes => held.len().saturating_sub(mode.count.min(usize::MAX as u64) as usize),
            Unit::Lines => {
                // A trailing partial line is a line (the last one, or the
                // start of it): release only lines before the last `count`.
                let ends: Vec<usize> = held
                    .iter()
                    .enumerate()
                    .filter(|&(_, &b)| b == mode.delim)
                    .map(|(pos, _)| pos + 1)
                    .collect();
                let partial = held.last().map_or(false, |&b| b != mode.delim);
                let lines = ends.len() as u64 + partial as u64;
                if mode.count == 0 {
                    held.len()
                } else if lines > mode.count {
                    ends[(lines - mode.count - 1) as usize]
                } else {
                    0
                }
            }
        };
        out.write_all(&held[..release])?;
        held.drain(..release);
    }
}
