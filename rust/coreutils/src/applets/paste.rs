//! `paste`: merge lines of files (GNU 9.1: -d, -s, -z).
//!
//! Without `-s` one line is read from each file in turn and all are
//! joined with the delimiters, used in a cycle; a file that has ended adds
//! only its delimiter. Every `-` operand reads the same standard input,
//! so `paste - -` takes two lines at a time. Delimiters are bytes, with
//! GNU's escapes (`\n \t \\ \0` for none, `\b \f \r \v`).

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::io::{stdin, stdout, Out, RawFd};
use wsutil::{quote, report, show_error, strerror, Error, Result};

pub const APPLETS: &[wsutil::Applet] = &[("paste", main)];

const SPEC: Spec = Spec {
    short: "d:sz",
    long: &[
        ("delimiters", HasArg::Required, 'd'),
        ("serial", HasArg::No, 's'),
        ("zero-terminated", HasArg::No, 'z'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: paste [OPTION]... [FILE]...
Write lines consisting of the sequentially corresponding lines from
each FILE, separated by TABs, to standard output.

With no FILE, or when FILE is -, read standard input.

  -d, --delimiters=LIST   reuse characters from LIST instead of TABs
  -s, --serial            paste one file at a time instead of in parallel
  -z, --zero-terminated    line delimiter is NUL, not newline
      --help        display this help and exit
      --version     output version information and exit
";

/// One delimiter of the cycle; `None` is `\0`, no delimiter at all.
type Delim = Option<u8>;

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

fn run(argv: &[String]) -> Result<i32> {
    let mut delim_arg = "\t".to_string();
    let mut serial = false;
    let mut eol = b'\n';
    let mut files = Vec::new();
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt('d', Some(d)) => delim_arg = d,
            Item::Opt('s', _) => serial = true,
            Item::Opt('z', _) => eol = 0,
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("paste (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    let delims = parse_delims(&delim_arg)?;
    if files.is_empty() {
        files.push("-".into());
    }
    let mut out = stdout();
    let ok = if serial {
        paste_serial(&files, &delims, eol, &mut out)?
    } else {
        paste_parallel(&files, &delims, eol, &mut out)?
    };
    out.flush()?;
    Ok(if ok { 0 } else { 1 })
}

fn parse_delims(arg: &str) -> Result<Vec<Delim>> {
    if arg.is_empty() {
        return Ok(vec![None]);
    }
    let bytes = arg.as_bytes();
    let mut delims = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        if b != b'\\' {
            delims.push(Some(b));
            continue;
        }
        let e = match bytes.get(i) {
            Some(&e) => e,
            None => {
                return Err(Error::Fatal(format!("delimiter list ends with an unescaped backslash: {}", arg)));
            }
        };
        i += 1;
        delims.push(match e {
            b'0' => None,
            b'b' => Some(b'\x08'),
            b'f' => Some(b'\x0c'),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'v' => Some(b'\x0b'),
            other => Some(other),
        });
    }
    Ok(delims)
}

/// The delimiters in a cycle.
struct Cycle<'a> {
    delims: &'a [Delim],
    at: usize,
}

impl Cycle<'_> {
    fn take(&mut self) -> Delim {
        let d = self.delims[self.at];
        self.at = (self.at + 1) % self.delims.len();
        d
    }
}

/// Where an operand's lines come from; every `-` shares standard input.
enum Source {
    Stdin,
    File(BufReader<File>),
    Closed,
}

fn paste_parallel(files: &[String], delims: &[Delim], eol: u8, out: &mut Out) -> Result<bool> {
    let mut sources = Vec::new();
    for name in files {
        if name == "-" {
            sources.push(Source::Stdin);
        } else {
            match File::open(name) {
                Ok(f) => sources.push(Source::File(BufReader::with_capacity(64 * 1024, f))),
                Err(e) => return Err(Error::Fatal(format!("{}: {}", quote(name), strerror(&e)))),
            }
        }
    }
    let mut shared_stdin: BufReader<RawFd> = BufReader::with_capacity(64 * 1024, stdin());
    let mut open = sources.len();
    let mut ok = true;
    let mut line = Vec::new();
    while open > 0 {
        let mut some_done = false;
        let mut cycle = Cycle { delims, at: 0 };
        let mut saved: Vec<u8> = Vec::new();
        for i in 0..sources.len() {
            if open == 0 {
                break;
            }
            line.clear();
            let read = match &mut sources[i] {
                Source::Stdin => Some(shared_stdin.read_until(eol, &mut line)),
                Source::File(r) => Some(r.read_until(eol, &mut line)),
                Source::Closed => None,
            };
            let got = match read {
                Some(Ok(n)) => n > 0,
                Some(Err(e)) => {
                    out.flush()?;
                    show_error(&format!("{}: {}", quote(&files[i]), strerror(&e)));
                    ok = false;
                    !line.is_empty()
                }
                None => false,
            };
            let last = i + 1 == sources.len();
            if got {
                out.write_all(&saved)?;
                saved.clear();
                some_done = true;
                if line.last() == Some(&eol) {
                    line.pop();
                }
                out.write_all(&line)?;
                if last {
                    out.write_all(&[eol])?;
                } else if let Some(d) = cycle.take() {
                    out.write_all(&[d])?;
                }
            } else {
                if !matches!(sources[i], Source::Closed) {
                    sources[i] = Source::Closed;
                    open -= 1;
                }
                if last {
                    if some_done {
                        out.write_all(&saved)?;
                        out.write_all(&[eol])?;
                    }
                } else if let Some(d) = cycle.take() {
                    saved.push(d);
                }
            }
        }
    }
    Ok(ok)
}

fn paste_serial(files: &[String], delims: &[Delim], eol: u8, out: &mut Out) -> Result<bool> {
    let mut ok = true;
    for name in files {
        let result = if name == "-" {
            serial_one(&mut BufReader::with_capacity(64 * 1024, stdin()), delims, eol, out)
        } else {
            match File::open(name) {
                Ok(f) => serial_one(&mut BufReader::with_capacity(64 * 1024, f), delims, eol, out),
                Err(e) => Err(e),
            }
        };
        if let Err(e) = result {
            out.flush()?;
            show_error(&format!("{}: {}", quote(name), strerror(&e)));
            ok = false;
        }
    }
    Ok(ok)
}

/// One file's lines on one line: each line end but the last becomes the
/// next delimiter; the output line always ends with `eol`.
fn serial_one(r: &mut dyn BufRead, delims: &[Delim], eol: u8, out: &mut Out) -> std::io::Result<()> {
    let mut cycle = Cycle { delims, at: 0 };
    let mut line = Vec::new();
    let mut pending_end = false;
    let mut result = Ok(());
    loop {
        line.clear();
        let n = match r.read_until(eol, &mut line) {
            Ok(n) => n,
            Err(e) => {
                result = Err(e);
                0
            }
        };
        if n == 0 {
            break;
        }
        if pending_end {
            if let Some(d) = cycle.take() {
                out.write_all(&[d])?;
            }
        }
        if line.last() == Some(&eol) {
            line.pop();
            pending_end = true;
        } else {
            pending_end = false;
        }
        out.write_all(&line)?;
    }
    out.write_all(&[eol])?;
    result
}
