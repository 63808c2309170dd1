//! `expand` and `unexpand`: tabs to spaces and back (GNU 9.1).
//!
//! Both read their files as one stream (a line may continue from one file
//! into the next, as in GNU) and count one column per byte, as GNU 9.1
//! does. Tab stops are GNU's list syntax: `-t N`, `-t 4,8,12`, a last
//! value `/N` (every N after the list) or `+N` (every N after the last
//! stop), and the obsolete `-N` / `-N,M` forms.

use std::io::{BufRead, BufReader, Write};
use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::io::{open_input, stdout, Out};
use wsutil::{quote, quote_locale, report, show_error, strerror, Error, Result};

pub const APPLETS: &[wsutil::Applet] = &[("expand", expand_main), ("unexpand", unexpand_main)];

const EXPAND_SPEC: Spec = Spec {
    short: "it:0::1::2::3::4::5::6::7::8::9::",
    long: &[
        ("initial", HasArg::No, 'i'),
        ("tabs", HasArg::Required, 't'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const FIRST_ONLY: char = args::LONG1;

const UNEXPAND_SPEC: Spec = Spec {
    short: ",0123456789at:",
    long: &[
        ("all", HasArg::No, 'a'),
        ("first-only", HasArg::No, FIRST_ONLY),
        ("tabs", HasArg::Required, 't'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const EXPAND_USAGE: &str = "Usage: expand [OPTION]... [FILE]...
Convert tabs in each FILE to spaces, writing to standard output.

With no FILE, or when FILE is -, read standard input.

  -i, --initial    do not convert tabs after non blanks
  -t, --tabs=N     have tabs N characters apart, not 8
  -t, --tabs=LIST  use comma separated list of tab positions;
                   a last '/N' repeats every N, a last '+N' every N
                   after the last listed stop
      --help        display this help and exit
      --version     output version information and exit
";

const UNEXPAND_USAGE: &str = "Usage: unexpand [OPTION]... [FILE]...
Convert blanks in each FILE to tabs, writing to standard output.

With no FILE, or when FILE is -, read standard input.

  -a, --all        convert all blanks, instead of just initial blanks
      --first-only  convert only leading sequences of blanks (overrides -a)
  -t, --tabs=N     have tabs N characters apart instead of 8 (enables -a)
  -t, --tabs=LIST  use comma separated list of tab positions (enables -a)
      --help        display this help and exit
      --version     output version information and exit
";

/// The tab stops after option parsing (GNU's `finalize_tab_stops`).
#[derive(Default)]
struct TabStops {
    list: Vec<u64>,
    /// Every stop is a multiple of this (one value, or none given).
    size: u64,
    /// `/N`: stops every N columns after the list.
    extend: u64,
    /// `+N`: stops every N columns after the last listed stop.
    increment: u64,
}

impl TabStops {
    /// Adds one `-t` value; returns GNU's messages for what was wrong.
    fn parse(&mut self, stops: &str) -> Vec<String> {
        let mut errors = Vec::new();
        let bytes = stops.as_bytes();
        let mut value: Option<u64> = None;
        let mut overflowed = false;
        let mut extend = false;
        let mut increment = false;
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            if c == b',' || c == b' ' || c == b'\t' {
                if let Some(v) = value.take() {
                    if !self.finish_value(v, extend, increment, &mut errors) {
                        return errors;
                    }
                }
                overflowed = false;
            } else if c == b'/' || c == b'+' {
                if value.is_some() {
                    errors.push(format!(
                        "'{}' specifier not at start of number: {}",
                        c as char,
                        quote_locale(&stops[i..])
                    ));
                }
                extend = c == b'/';
                increment = c == b'+';
            } else if c.is_ascii_digit() {
                let start = i;
                let v = value.unwrap_or(0);
                match v.checked_mul(10).and_then(|v| v.checked_add((c - b'0') as u64)) {
                    Some(n) if !overflowed => value = Some(n),
                    _ => {
                        let run_start = stops[..start].rfind(|ch: char| !ch.is_ascii_digit()).map_or(0, |p| p + 1);
                        let run_len =
                            stops[run_start..].find(|ch: char| !ch.is_ascii_digit()).unwrap_or(stops.len() - run_start);
                        errors.push(format!(
                            "tab stop is too large {}",
                            quote_locale(&stops[run_start..run_start + run_len])
                        ));
                        overflowed = true;
                        value = Some(v);
                        i = run_start + run_len;
                        continue;
                    }
                }
            } else {
                errors.push(format!("tab size contains invalid character(s): {}", quote_locale(&stops[i..])));
                return errors;
            }
            i += 1;
        }
        if errors.is_empty() {
            if let Some(v) = value {
                self.finish_value(v, extend, increment, &mut errors);
            }
        }
        errors
    }

    fn finish_value(&mut self, v: u64, extend: bool, increment: bool, errors: &mut Vec<String>) -> bool {
        if extend {
            if self.extend != 0 {
                errors.push("'/' specifier only allowed with the last value".into());
                self.extend = v;
                return false;
            }
            self.extend = v;
        } else if increment {
            if self.increment != 0 {
                errors.push("'+' specifier only allowed with the last value".into());
                self.increment = v;
                return false;
            }
            self.increment = v;
        } else {
            self.list.push(v);
        }
        true
    }

    fn finalize(&mut self) -> Result<()> {
        let mut prev = 0;
        for &t in &self.list {
            if t == 0 {
                return Err(Error::Fatal("tab size cannot be 0".into()));
            }
            if t <= prev {
                return Err(Error::Fatal("tab sizes must be ascending".into()));
            }
            prev = t;
        }
        if self.increment != 0 && self.extend != 0 {
            return Err(Error::Fatal("'/' specifier is mutually exclusive with '+'".into()));
        }
        self.size = if self.list.is_empty() {
            if self.extend != 0 {
                self.extend
            } else if self.increment != 0 {
                self.increment
            } else {
                8
            }
        } else if self.list.len() == 1 && self.extend == 0 && self.increment == 0 {
            self.list[0]
        } else {
            0
        };
        Ok(())
    }

    /// The next tab stop after `column`, or None past the last one.
    fn next(&self, column: u64, index: &mut usize) -> Option<u64> {
        if self.size != 0 {
            return Some(column + (self.size - column % self.size));
        }
        while *index < self.list.len() {
            let t = self.list[*index];
            if column < t {
                return Some(t);
            }
            *index += 1;
        }
        if self.extend != 0 {
            return Some(column + (self.extend - column % self.extend));
        }
        if self.increment != 0 {
            let last = self.list.last().copied().unwrap_or(0);
            return Some(column + (self.increment - (column - last) % self.increment));
        }
        None
    }
}

fn print_errors(errors: Vec<String>) -> Result<()> {
    if errors.is_empty() {
        return Ok(());
    }
    let n = errors.len();
    for (i, e) in errors.into_iter().enumerate() {
        if i + 1 == n {
            return Err(Error::Fatal(e));
        }
        show_error(&e);
    }
    Ok(())
}

fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// What both applets do with each byte; the line state lives in `self`.
trait Converter {
    fn byte(&mut self, c: u8, out: &mut Out) -> std::io::Result<()>;
    fn end(&mut self, out: &mut Out) -> std::io::Result<()>;
}

struct Expander<'a> {
    tabs: &'a TabStops,
    all: bool,
    convert: bool,
    column: u64,
    index: usize,
}

impl Converter for Expander<'_> {
    fn byte(&mut self, c: u8, out: &mut Out) -> std::io::Result<()> {
        let mut c = c;
        if self.convert {
            if c == b'\t' {
                let next = self.tabs.next(self.column, &mut self.index).unwrap_or(self.column + 1);
                while self.column + 1 < next {
                    out.write_all(b" ")?;
                    self.column += 1;
                }
                self.column += 1;
                c = b' ';
            } else if c == b'\x08' {
                self.column = self.column.saturating_sub(1);
                self.index = self.index.saturating_sub(1);
            } else {
                self.column += 1;
            }
            self.convert &= self.all || is_blank(c);
        }
        out.write_all(&[c])?;
        if c == b'\n' {
            self.convert = true;
            self.column = 0;
            self.index = 0;
        }
        Ok(())
    }

    fn end(&mut self, _out: &mut Out) -> std::io::Result<()> {
        Ok(())
    }
}

struct Unexpander<'a> {
    tabs: &'a TabStops,
    all: bool,
    convert: bool,
    column: u64,
    next_tab: u64,
    pending: Vec<u8>,
    one_blank_before_stop: bool,
    prev_blank: bool,
    index: usize,
}

impl<'a> Unexpander<'a> {
    fn new(tabs: &'a TabStops, all: bool) -> Self {
        Unexpander {
            tabs,
            all,
            convert: true,
            column: 0,
            next_tab: 0,
            pending: Vec::new(),
            one_blank_before_stop: false,
            prev_blank: true,
            index: 0,
        }
    }

    fn flush_pending(&mut self, out: &mut Out) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            if self.pending.len() > 1 && self.one_blank_before_stop {
                self.pending[0] = b'\t';
            }
            out.write_all(&self.pending)?;
            self.pending.clear();
            self.one_blank_before_stop = false;
        }
        Ok(())
    }
}

impl Converter for Unexpander<'_> {
    /// GNU's algorithm: blanks are held until it is known whether they
    /// reach a tab stop; a single blank just before a stop stays a blank.
    fn byte(&mut self, c: u8, out: &mut Out) -> std::io::Result<()> {
        let mut c = c;
        if self.convert {
            let blank = is_blank(c);
            if blank {
                match self.tabs.next(self.column, &mut self.index) {
                    None => self.convert = false,
                    Some(next) => self.next_tab = next,
                }
                if self.convert {
                    if c == b'\t' {
                        self.column = self.next_tab;
                        if !self.pending.is_empty() {
                            self.pending[0] = b'\t';
                        }
                    } else {
                        self.column += 1;
                        if !(self.prev_blank && self.column == self.next_tab) {
                            if self.column == self.next_tab {
                                self.one_blank_before_stop = true;
                            }
                            self.pending.push(c);
                            self.prev_blank = true;
                            return Ok(());
                        }
                        c = b'\t';
                        if self.pending.is_empty() {
                            self.pending.push(c);
                        } else {
                            self.pending[0] = c;
                        }
                    }
                    let keep = if self.one_blank_before_stop { 1 } else { 0 };
                    self.pending.truncate(keep);
                }
            } else if c == b'\x08' {
                self.column = self.column.saturating_sub(1);
                self.next_tab = self.column;
                self.index = self.index.saturating_sub(1);
            } else {
                self.column += 1;
            }
            self.flush_pending(out)?;
            self.prev_blank = blank;
            self.convert &= self.all || blank;
        }
        out.write_all(&[c])?;
        if c == b'\n' {
            *self = Unexpander::new(self.tabs, self.all);
        }
        Ok(())
    }

    fn end(&mut self, out: &mut Out) -> std::io::Result<()> {
        if self.convert {
            self.flush_pending(out)?;
        }
        Ok(())
    }
}

pub fn expand_main(argv: &[String]) -> i32 {
    match run_expand(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

pub fn unexpand_main(argv: &[String]) -> i32 {
    match run_unexpand(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

fn run_expand(argv: &[String]) -> Result<i32> {
    let mut tabs = TabStops::default();
    let mut all = true;
    let mut files = Vec::new();
    for item in args::parse(&EXPAND_SPEC, argv)? {
        match item {
            Item::Opt('i', _) => all = false,
            Item::Opt('t', Some(t)) => print_errors(tabs.parse(&t))?,
            Item::Opt(d @ '0'..='9', rest) => {
                let text = format!("{}{}", d, rest.unwrap_or_default());
                print_errors(tabs.parse(&text))?;
            }
            Item::Opt(HELP, _) => {
                print!("{}", EXPAND_USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("expand (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    tabs.finalize()?;
    let mut conv = Expander { tabs: &tabs, all, convert: true, column: 0, index: 0 };
    convert_files(&files, &mut conv)
}

fn run_unexpand(argv: &[String]) -> Result<i32> {
    let mut tabs = TabStops::default();
    let mut all = false;
    let mut first_only = false;
    let mut obsolete: Option<u64> = None;
    let mut files = Vec::new();
    for item in args::parse(&UNEXPAND_SPEC, argv)? {
        match item {
            Item::Opt('a', _) => all = true,
            Item::Opt('t', Some(t)) => {
                all = true;
                print_errors(tabs.parse(&t))?;
            }
            Item::Opt(FIRST_ONLY, _) => first_only = true,
            Item::Opt(',', _) => {
                if let Some(v) = obsolete.take() {
                    tabs.list.push(v);
                }
            }
            Item::Opt(d @ '0'..='9', _) => {
                let v = obsolete.unwrap_or(0);
                let next = v.checked_mul(10).and_then(|v| v.checked_add(d as u64 - '0' as u64));
                obsolete = Some(next.ok_or_else(|| Error::Fatal("tab stop value is too large".into()))?);
            }
            Item::Opt(HELP, _) => {
                print!("{}", UNEXPAND_USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("unexpand (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    if first_only {
        all = false;
    }
    if let Some(v) = obsolete {
        tabs.list.push(v);
    }
    tabs.finalize()?;
    let mut conv = Unexpander::new(&tabs, all);
    convert_files(&files, &mut conv)
}

/// Feeds every file, in order, through one converter.
fn convert_files(files: &[String], conv: &mut dyn Converter) -> Result<i32> {
    let default = ["-".to_string()];
    let files = if files.is_empty() { &default[..] } else { files };
    let mut out = stdout();
    let mut status = 0;
    for name in files {
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
        loop {
            let chunk = match reader.fill_buf() {
                Ok(c) => c,
                Err(e) => {
                    out.flush()?;
                    show_error(&format!("{}: {}", quote(name), strerror(&e)));
                    status = 1;
                    break;
                }
            };
            if chunk.is_empty() {
                break;
            }
            let n = chunk.len();
            for &c in chunk {
                conv.byte(c, &mut out)?;
            }
            reader.consume(n);
        }
    }
    conv.end(&mut out)?;
    out.flush()?;
    Ok(status)
}
