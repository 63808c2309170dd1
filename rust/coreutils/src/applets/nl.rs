//! `nl`: number lines (GNU 9.1: -b -d -f -h -i -l -n -p -s -v -w).
//!
//! Input is split into logical pages of header, body and footer sections
//! by delimiter lines (`\:\:\:`, `\:\:`, `\:` by default), each printed
//! as an empty line; numbering restarts at each section unless `-p`.
//! Styles `a`, `t`, `n` and `pBRE` choose the numbered lines; the BRE is
//! GNU's basic syntax (see `wsutil::resyntax`).

use regex::bytes::Regex;
use std::io::{BufRead, BufReader, Write};
use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::decimal::xdectoimax;
use wsutil::io::{open_input, stdout, Out};
use wsutil::{quote, quote_locale, report, resyntax, show_error, strerror, Error, Result, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("nl", main)];

const SPEC: Spec = Spec {
    short: "h:b:f:v:i:pl:s:w:n:d:",
    long: &[
        ("header-numbering", HasArg::Required, 'h'),
        ("body-numbering", HasArg::Required, 'b'),
        ("footer-numbering", HasArg::Required, 'f'),
        ("starting-line-number", HasArg::Required, 'v'),
        ("line-increment", HasArg::Required, 'i'),
        ("no-renumber", HasArg::No, 'p'),
        ("join-blank-lines", HasArg::Required, 'l'),
        ("number-separator", HasArg::Required, 's'),
        ("number-width", HasArg::Required, 'w'),
        ("number-format", HasArg::Required, 'n'),
        ("section-delimiter", HasArg::Required, 'd'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: nl [OPTION]... [FILE]...
Write each FILE to standard output, with line numbers added.

With no FILE, or when FILE is -, read standard input.

  -b, --body-numbering=STYLE      use STYLE for numbering body lines
  -d, --section-delimiter=CC      use CC for logical page delimiters
  -f, --footer-numbering=STYLE    use STYLE for numbering footer lines
  -h, --header-numbering=STYLE    use STYLE for numbering header lines
  -i, --line-increment=NUMBER     line number increment at each line
  -l, --join-blank-lines=NUMBER   group of NUMBER empty lines counted as one
  -n, --number-format=FORMAT      insert line numbers according to FORMAT
  -p, --no-renumber               do not reset line numbers for each section
  -s, --number-separator=STRING   add STRING after (possible) line number
  -v, --starting-line-number=NUMBER  first line number for each section
  -w, --number-width=NUMBER       use NUMBER columns for line numbers
      --help        display this help and exit
      --version     output version information and exit

STYLE is a (all lines), t (nonempty lines), n (none) or pBRE (lines
matching the basic regular expression BRE). FORMAT is ln, rn or rz.
";

/// Which lines of a section get numbers.
enum Style {
    All,
    NonEmpty,
    None,
    Matching(Regex),
}

#[derive(Clone, Copy)]
enum Format {
    Left,
    Right,
    RightZeros,
}

struct Numberer {
    styles: [Style; 3],
    /// 0 header, 1 body, 2 footer.
    section: usize,
    start: i64,
    incr: i64,
    renumber: bool,
    blank_join: i64,
    blank_run: i64,
    width: usize,
    format: Format,
    sep: Vec<u8>,
    line_no: i64,
    overflow: bool,
    /// The header, body and footer delimiter lines; empty when disabled.
    delims: [Vec<u8>; 3],
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

fn style(arg: &str, which: &str, errors: &mut Vec<String>) -> Result<Option<Style>> {
    Ok(Some(match arg.chars().next() {
        Some('a') => Style::All,
        Some('t') => Style::NonEmpty,
        Some('n') => Style::None,
        Some('p') => {
            let re = resyntax::translate(&arg[1..], resyntax::POSIX_BASIC).map_err(|m| Error::Fatal(m.into()))?;
            Style::Matching(Regex::new(&re).map_err(|_| Error::Fatal("Invalid regular expression".into()))?)
        }
        _ => {
            errors.push(format!("invalid {} numbering style: {}", which, quote_locale(arg)));
            return Ok(None);
        }
    }))
}

fn number(text: &str, min: i64, max: i64, what: &str) -> Result<i64> {
    xdectoimax(text, min, max, what).map_err(Error::Fatal)
}

fn run(argv: &[String]) -> Result<i32> {
    let mut n = Numberer {
        styles: [Style::None, Style::NonEmpty, Style::None],
        section: 1,
        start: 1,
        incr: 1,
        renumber: true,
        blank_join: 1,
        blank_run: 0,
        width: 6,
        format: Format::Right,
        sep: b"\t".to_vec(),
        line_no: 1,
        overflow: false,
        delims: [Vec::new(), Vec::new(), Vec::new()],
    };
    let mut section_del = b"\\:".to_vec();
    let mut errors = Vec::new();
    let mut files = Vec::new();
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt(c @ ('h' | 'b' | 'f'), Some(v)) => {
                let (idx, which) = match c {
                    'h' => (0, "header"),
                    'b' => (1, "body"),
                    _ => (2, "footer"),
                };
                if let Some(s) = style(&v, which, &mut errors)? {
                    n.styles[idx] = s;
                }
            }
            Item::Opt('v', Some(v)) => n.start = number(&v, i64::MIN, i64::MAX, "invalid starting line number")?,
            Item::Opt('i', Some(v)) => n.incr = number(&v, i64::MIN, i64::MAX, "invalid line number increment")?,
            Item::Opt('p', _) => n.renumber = false,
            Item::Opt('l', Some(v)) => n.blank_join = number(&v, 1, i64::MAX, "invalid line number of blank lines")?,
            Item::Opt('s', Some(v)) => n.sep = v.into_bytes(),
            Item::Opt('w', Some(v)) => {
                n.width = number(&v, 1, i32::MAX as i64, "invalid line number field width")? as usize
            }
            Item::Opt('n', Some(v)) => match v.as_str() {
                "ln" => n.format = Format::Left,
                "rn" => n.format = Format::Right,
                "rz" => n.format = Format::RightZeros,
                _ => errors.push(format!("invalid line numbering format: {}", quote_locale(&v))),
            },
            Item::Opt('d', Some(v)) => {
                let b = v.into_bytes();
                if b.len() == 1 || b.len() == 2 {
                    section_del[..b.len()].copy_from_slice(&b);
                } else {
                    section_del = b;
                }
            }
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("nl (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    if let Some(last) = errors.pop() {
        for e in errors {
            show_error(&e);
        }
        return Err(UsageError::new(last).into());
    }
    if section_del.len() >= 2 {
        n.delims = [section_del.repeat(3), section_del.repeat(2), section_del.clone()];
    }
    n.line_no = n.start;
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
        let mut reader = BufReader::with_capacity(64 * 1024, input);
        let mut line = Vec::new();
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    out.flush()?;
                    show_error(&format!("{}: {}", quote(name), strerror(&e)));
                    status = 1;
                    break;
                }
            }
            if line.last() != Some(&b'\n') {
                line.push(b'\n');
            }
            n.line(&line, &mut out)?;
        }
    }
    out.flush()?;
    Ok(status)
}

impl Numberer {
    fn line(&mut self, line: &[u8], out: &mut Out) -> Result<()> {
        let body = &line[..line.len() - 1];
        if let Some(section) = self.delims.iter().position(|d| !d.is_empty() && body == d.as_slice()) {
            self.section = section;
            if self.renumber {
                self.line_no = self.start;
                self.overflow = false;
            }
            out.write_all(b"\n")?;
            return Ok(());
        }
        let numbered = match &self.styles[self.section] {
            Style::All => {
                if self.blank_join > 1 {
                    if !body.is_empty() {
                        self.blank_run = 0;
                        true
                    } else {
                        self.blank_run += 1;
                        if self.blank_run == self.blank_join {
                            self.blank_run = 0;
                            true
                        } else {
                            false
                        }
                    }
                } else {
                    true
                }
            }
            Style::NonEmpty => !body.is_empty(),
            Style::None => false,
            Style::Matching(re) => re.is_match(body),
        };
        if numbered {
            if self.overflow {
                out.flush()?;
                return Err(Error::Fatal("line number overflow".into()));
            }
            let text = match self.format {
                Format::Left => format!("{:<w$}", self.line_no, w = self.width),
                Format::Right => format!("{:>w$}", self.line_no, w = self.width),
                Format::RightZeros => format!("{:0w$}", self.line_no, w = self.width),
            };
            out.write_all(text.as_bytes())?;
            out.write_all(&self.sep)?;
            match self.line_no.checked_add(self.incr) {
                Some(v) => self.line_no = v,
                None => self.overflow = true,
            }
        } else {
            out.write_all(" ".repeat(self.width + self.sep.len()).as_bytes())?;
        }
        out.write_all(line)?;
        Ok(())
    }
}
