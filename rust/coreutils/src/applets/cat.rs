//! `cat`: concatenate files to standard output (GNU flags -AbeEnstTuv).

use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::io::{open_input, stdout, Out};
use wsutil::{report, show_io_error, Result};
use std::io::{Read, Write};

pub const APPLETS: &[wsutil::Applet] = &[("cat", main)];

const SPEC: Spec = Spec {
    short: "AbeEnstTuv",
    long: &[
        ("show-all", HasArg::No, 'A'),
        ("number-nonblank", HasArg::No, 'b'),
        ("show-ends", HasArg::No, 'E'),
        ("number", HasArg::No, 'n'),
        ("squeeze-blank", HasArg::No, 's'),
        ("show-tabs", HasArg::No, 'T'),
        ("show-nonprinting", HasArg::No, 'v'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: cat [OPTION]... [FILE]...
Concatenate FILE(s) to standard output.

With no FILE, or when FILE is -, read standard input.

  -A, --show-all           equivalent to -vET
  -b, --number-nonblank    number nonempty output lines, overrides -n
  -e                       equivalent to -vE
  -E, --show-ends          display $ at end of each line
  -n, --number             number all output lines
  -s, --squeeze-blank      suppress repeated empty output lines
  -t                       equivalent to -vT
  -T, --show-tabs          display TAB characters as ^I
  -u                       (ignored)
  -v, --show-nonprinting   use ^ and M- notation, except for LFD and TAB
      --help        display this help and exit
      --version     output version information and exit
";

#[derive(Default)]
struct Options {
    number: bool,
    number_nonblank: bool,
    show_ends: bool,
    squeeze: bool,
    show_tabs: bool,
    nonprinting: bool,
}

impl Options {
    fn plain(&self) -> bool {
        !(self.number || self.number_nonblank || self.show_ends || self.squeeze || self.show_tabs || self.nonprinting)
    }
}

/// Line-numbering state, carried across files as GNU does.
struct Formatter {
    line: u64,
    at_line_start: bool,
    blank_run: u32,
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

fn run(argv: &[String]) -> Result<i32> {
    let mut o = Options::default();
    let mut files = Vec::new();
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt('A', _) => {
                o.nonprinting = true;
                o.show_ends = true;
                o.show_tabs = true;
            }
            Item::Opt('b', _) => o.number_nonblank = true,
            Item::Opt('e', _) => {
                o.nonprinting = true;
                o.show_ends = true;
            }
            Item::Opt('E', _) => o.show_ends = true,
            Item::Opt('n', _) => o.number = true,
            Item::Opt('s', _) => o.squeeze = true,
            Item::Opt('t', _) => {
                o.nonprinting = true;
                o.show_tabs = true;
            }
            Item::Opt('T', _) => o.show_tabs = true,
            Item::Opt('v', _) => o.nonprinting = true,
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("cat (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    if o.number_nonblank {
        o.number = false;
    }
    if files.is_empty() {
        files.push("-".to_string());
    }
    let mut out = stdout();
    let mut fmt = Formatter { line: 0, at_line_start: true, blank_run: 0 };
    let mut status = 0;
    let mut buf = vec![0u8; 64 * 1024];
    for name in &files {
        let mut input = match open_input(name) {
            Ok(i) => i,
            Err(e) => {
                show_io_error(name, &e);
                status = 1;
                continue;
            }
        };
        loop {
            let n = match input.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    out.flush()?;
                    show_io_error(name, &e);
                    status = 1;
                    break;
                }
            };
            if o.plain() {
                out.write_all(&buf[..n])?;
            } else {
                fmt.format(&o, &buf[..n], &mut out)?;
            }
        }
    }
    out.flush()?;
    Ok(status)
}

impl Formatter {
    fn format(&mut self, o: &Options, data: &[u8], out: &mut Out) -> std::io::Result<()> {
        for &b in data {
            if self.at_line_start {
                if b == b'\n' {
                    self.blank_run += 1;
                    if o.squeeze && self.blank_run > 1 {
                        continue;
                    }
                } else {
                    self.blank_run = 0;
                }
                if o.number || (o.number_nonblank && b != b'\n') {
                    self.line += 1;
                    write!(out, "{:>6}\t", self.line)?;
                }
            }
            self.at_line_start = b == b'\n';
            match b {
                b'\n' => {
                    if o.show_ends {
                        out.write_all(b"$")?;
                    }
                    out.write_all(b"\n")?;
                }
                b'\t' if o.show_tabs => out.write_all(b"^I")?,
                b'\t' => out.write_all(b"\t")?,
                _ if o.nonprinting => write_visible(b, out)?,
                _ => out.write_all(&[b])?,
            }
        }
        Ok(())
    }
}

/// GNU's `-v` notation: ^X for controls, ^? for DEL, M- for bytes >= 128.
fn write_visible(b: u8, out: &mut Out) -> std::io::Result<()> {
    let mut c = b;
    if c >= 128 {
        out.write_all(b"M-")?;
        c -= 128;
    }
    if c < 32 {
        out.write_all(&[b'^', c + 64])
    } else if c == 127 {
        out.write_all(b"^?")
    } else {
        out.write_all(&[c])
    }
}
