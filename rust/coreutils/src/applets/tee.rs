//! `tee`: copy standard input to standard output and to files (GNU 9.1).
//!
//! Each block read is written out at once, so a pipeline through `tee`
//! streams. `-p` and `--output-error` are refused: they change what
//! happens when a pipe reader goes away, and in wasmsand a write to a
//! broken pipe always ends the writer with SIGPIPE (there is no way to
//! ignore the signal and see EPIPE). `-i` is accepted: it only makes tee
//! ignore SIGINT, which nothing in the sandbox sends unasked.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::io::{stdin, RawFd};
use wsutil::{quote, report, show_error, strerror, Error, Result};

pub const APPLETS: &[wsutil::Applet] = &[("tee", main)];

const OUTPUT_ERROR: char = args::LONG1;

const SPEC: Spec = Spec {
    short: "aip",
    long: &[
        ("append", HasArg::No, 'a'),
        ("ignore-interrupts", HasArg::No, 'i'),
        ("output-error", HasArg::Optional, OUTPUT_ERROR),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: tee [OPTION]... [FILE]...
Copy standard input to each FILE, and also to standard output.

  -a, --append              append to the given FILEs, do not overwrite
  -i, --ignore-interrupts   ignore interrupt signals
      --help        display this help and exit
      --version     output version information and exit
";

/// One destination: standard output or a named file.
struct Sink {
    name: String,
    out: Output,
}

enum Output {
    Stdout(RawFd),
    File(File),
}

impl Sink {
    fn write_all(&mut self, data: &[u8]) -> std::io::Result<()> {
        match &mut self.out {
            Output::Stdout(o) => o.write_all(data),
            Output::File(f) => f.write_all(data),
        }
    }
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

fn run(argv: &[String]) -> Result<i32> {
    let mut append = false;
    let mut files = Vec::new();
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt('a', _) => append = true,
            Item::Opt('i', _) => {}
            Item::Opt('p', _) => return Err(Error::Unsupported("-p".into())),
            Item::Opt(OUTPUT_ERROR, _) => return Err(Error::Unsupported("--output-error".into())),
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("tee (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    let mut status = 0;
    let mut sinks = vec![Sink { name: "standard output".into(), out: Output::Stdout(RawFd::new(1)) }];
    for name in files {
        let mut opts = OpenOptions::new();
        opts.write(true).create(true);
        if append {
            opts.append(true);
        } else {
            opts.truncate(true);
        }
        match opts.open(&name) {
            Ok(f) => sinks.push(Sink { name, out: Output::File(f) }),
            Err(e) => {
                show_error(&format!("{}: {}", quote(&name), strerror(&e)));
                status = 1;
            }
        }
    }
    let mut input = stdin();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                show_error(&format!("read error: {}", strerror(&e)));
                status = 1;
                break;
            }
        };
        let mut failed = Vec::new();
        for (i, sink) in sinks.iter_mut().enumerate() {
            if let Err(e) = sink.write_all(&buf[..n]) {
                show_error(&format!("{}: {}", quote(&sink.name), strerror(&e)));
                failed.push(i);
            }
        }
        for i in failed.into_iter().rev() {
            sinks.remove(i);
            status = 1;
        }
        if sinks.is_empty() {
            break;
        }
    }
    Ok(status)
}
