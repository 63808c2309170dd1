//! `wc`: newline, word, character, byte and longest-line counts (GNU 9.1).
//!
//! Characters are UTF-8 (the sandbox's locale is C.UTF-8); an invalid byte
//! counts as a byte but not as a character, as in glibc. A word starts at a
//! printable character and ends at white space; other characters neither
//! start nor end one. Column widths follow GNU: one count for one operand is
//! unpadded; otherwise the width of the total size of the regular files, at
//! least 7 when any input is not a regular file.

use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::io::{open_input, stdout, Out};
use wsutil::{report, show_io_error, Result};
use std::io::{Read, Write};
use unicode_width::UnicodeWidthChar;

pub const APPLETS: &[wsutil::Applet] = &[("wc", main)];

const SPEC: Spec = Spec {
    short: "clLmw",
    long: &[
        ("bytes", HasArg::No, 'c'),
        ("chars", HasArg::No, 'm'),
        ("lines", HasArg::No, 'l'),
        ("max-line-length", HasArg::No, 'L'),
        ("words", HasArg::No, 'w'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: wc [OPTION]... [FILE]...
Print newline, word, and byte counts for each FILE, and a total line if
more than one FILE is specified.  A word is a non-zero-length sequence of
printable characters delimited by white space.

With no FILE, or when FILE is -, read standard input.

  -c, --bytes            print the byte counts
  -m, --chars            print the character counts
  -l, --lines            print the newline counts
  -L, --max-line-length  print the maximum display width
  -w, --words            print the word counts
";

#[derive(Default, Clone, Copy)]
struct Counts {
    lines: u64,
    words: u64,
    chars: u64,
    bytes: u64,
    max_width: u64,
}

#[derive(Default)]
struct Show {
    lines: bool,
    words: bool,
    chars: bool,
    bytes: bool,
    max_width: bool,
}

impl Show {
    fn how_many(&self) -> usize {
        [self.lines, self.words, self.chars, self.bytes, self.max_width].iter().filter(|&&b| b).count()
    }
}

/// The running state of one input: a character may straddle two reads.
#[derive(Default)]
struct Counter {
    c: Counts,
    in_word: bool,
    column: u64,
    pending: Vec<u8>,
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

fn run(argv: &[String]) -> Result<i32> {
    let mut show = Show::default();
    let mut files = Vec::new();
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt('c', _) => show.bytes = true,
            Item::Opt('m', _) => show.chars = true,
            Item::Opt('l', _) => show.lines = true,
            Item::Opt('L', _) => show.max_width = true,
            Item::Opt('w', _) => show.words = true,
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("wc (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    if show.how_many() == 0 {
        show.lines = true;
        show.words = true;
        show.bytes = true;
    }
    let named = !files.is_empty();
    if !named {
        files.push("-".to_string());
    }
    let width = column_width(&files, &show);
    let mut out = stdout();
    let mut total = Counts::default();
    let mut status = 0;
    let needs_scan = show.words || show.chars || show.max_width;
    for name in &files {
        let counts = match count_file(name, needs_scan) {
            Ok(c) => c,
            Err((c, e)) => {
                out.flush()?;
                show_io_error(name, &e);
                status = 1;
                match c {
                    Some(c) => c,
                    None => continue,
                }
            }
        };
        total.lines += counts.lines;
        total.words += counts.words;
        total.chars += counts.chars;
        total.bytes += counts.bytes;
        total.max_width = total.max_width.max(counts.max_width);
        print_counts(&mut out, &counts, &show, width, if named { Some(name) } else { None })?;
    }
    if files.len() > 1 {
        print_counts(&mut out, &total, &show, width, Some("total"))?;
    }
    out.flush()?;
    Ok(status)
}

fn column_width(files: &[String], show: &Show) -> usize {
    if files.len() == 1 && show.how_many() == 1 {
        return 1;
    }
    let mut minimum = 1;
    let mut regular_total: u64 = 0;
    for name in files {
        let meta = if name == "-" {
            wsutil::io::stdin_metadata()
        } else {
            std::fs::metadata(name)
        };
        match meta {
            Ok(m) if m.is_file() => regular_total += m.len(),
            Ok(_) => minimum = 7,
            Err(_) => {}
        }
    }
    let digits = regular_total.to_string().len();
    digits.max(minimum)
}

/// Counts one input; on a read error, returns what was counted so far
/// (GNU still prints the line for a directory).
fn count_file(name: &str, scan: bool) -> std::result::Result<Counts, (Option<Counts>, std::io::Error)> {
    let mut input = open_input(name).map_err(|e| (None, e))?;
    let mut counter = Counter::default();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err((Some(counter.c), e)),
        };
        counter.c.bytes += n as u64;
        if scan {
            counter.scan(&buf[..n]);
        } else {
            counter.c.lines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        }
    }
    if scan {
        counter.finish();
    }
    Ok(counter.c)
}

impl Counter {
    fn scan(&mut self, data: &[u8]) {
        let joined;
        let mut bytes = data;
        if !self.pending.is_empty() {
            self.pending.extend_from_slice(data);
            joined = std::mem::take(&mut self.pending);
            bytes = &joined;
        }
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                self.ascii(b);
                i += 1;
                continue;
            }
            let len = utf8_len(b);
            if len == 0 {
                i += 1; // invalid lead byte: a byte, not a character
                continue;
            }
            if i + len > bytes.len() {
                self.pending = bytes[i..].to_vec();
                return;
            }
            match std::str::from_utf8(&bytes[i..i + len]).ok().and_then(|s| s.chars().next()) {
                Some(ch) => {
                    self.wide(ch);
                    i += len;
                }
                None => i += 1,
            }
        }
    }

    fn finish(&mut self) {
        // Leftover bytes of an incomplete sequence are not characters.
        self.pending.clear();
        self.c.max_width = self.c.max_width.max(self.column);
    }

    fn ascii(&mut self, b: u8) {
        self.c.chars += 1;
        match b {
            b'\n' | b'\r' | b'\x0c' => {
                if b == b'\n' {
                    self.c.lines += 1;
                }
                self.c.max_width = self.c.max_width.max(self.column);
                self.column = 0;
                self.in_word = false;
            }
            b'\t' => {
                self.column += 8 - self.column % 8;
                self.in_word = false;
            }
            b' ' | b'\x0b' => {
                if b == b' ' {
                    self.column += 1;
                }
                self.in_word = false;
            }
            0x21..=0x7e => {
                self.column += 1;
                self.start_word();
            }
            _ => {}
        }
    }

    fn wide(&mut self, ch: char) {
        self.c.chars += 1;
        if is_unicode_space(ch) {
            self.in_word = false;
            self.column += 1;
        } else if !ch.is_control() {
            self.column += ch.width().unwrap_or(0) as u64;
            self.start_word();
        }
    }

    fn start_word(&mut self) {
        if !self.in_word {
            self.in_word = true;
            self.c.words += 1;
        }
    }
}

/// glibc's `iswspace` beyond ASCII (no-break spaces excluded).
fn is_unicode_space(ch: char) -> bool {
    matches!(ch as u32, 0x1680 | 0x2000..=0x2006 | 0x2008..=0x200a | 0x2028 | 0x2029 | 0x205f | 0x3000 | 0x85)
}

fn utf8_len(lead: u8) -> usize {
    match lead {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => 0,
    }
}

fn print_counts(out: &mut Out, c: &Counts, show: &Show, width: usize, name: Option<&str>) -> std::io::Result<()> {
    let mut fields = Vec::new();
    if show.lines {
        fields.push(c.lines);
    }
    if show.words {
        fields.push(c.words);
    }
    if show.chars {
        fields.push(c.chars);
    }
    if show.bytes {
        fields.push(c.bytes);
    }
    if show.max_width {
        fields.push(c.max_width);
    }
    let mut line = fields.iter().map(|v| format!("{:>w$}", v, w = width)).collect::<Vec<_>>().join(" ");
    if let Some(n) = name {
        line.push(' ');
        line.push_str(n);
    }
    line.push('\n');
    out.write_all(line.as_bytes())
}
