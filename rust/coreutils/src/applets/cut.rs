//! `cut`: select bytes, characters or fields of each line (GNU 9.1: -b
//! -c -d -f -n -s -z, --complement, --output-delimiter).
//!
//! GNU 9.1 treats `-c` exactly like `-b` (no multibyte support), and so
//! does this. Both modes stream: a line is never held in memory, except
//! the first field of a line when `-s` needs to know whether the line has
//! a delimiter at all (as in GNU).

use std::io::{BufRead, BufReader, Read, Write};
use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::io::{open_input, stdout, Input, Out};
use wsutil::{quote, quote_locale, report, show_error, strerror, Result, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("cut", main)];

const COMPLEMENT: char = args::LONG1;
const OUTPUT_DELIMITER: char = args::LONG2;

const SPEC: Spec = Spec {
    short: "b:c:d:f:nsz",
    long: &[
        ("bytes", HasArg::Required, 'b'),
        ("characters", HasArg::Required, 'c'),
        ("delimiter", HasArg::Required, 'd'),
        ("fields", HasArg::Required, 'f'),
        ("only-delimited", HasArg::No, 's'),
        ("output-delimiter", HasArg::Required, OUTPUT_DELIMITER),
        ("complement", HasArg::No, COMPLEMENT),
        ("zero-terminated", HasArg::No, 'z'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: cut OPTION... [FILE]...
Print selected parts of lines from each FILE to standard output.

With no FILE, or when FILE is -, read standard input.

  -b, --bytes=LIST        select only these bytes
  -c, --characters=LIST   select only these characters
  -d, --delimiter=DELIM   use DELIM instead of TAB for field delimiter
  -f, --fields=LIST       select only these fields;  also print any line
                            that contains no delimiter character, unless
                            the -s option is specified
  -n                      (ignored)
      --complement        complement the set of selected bytes, characters
                            or fields
  -s, --only-delimited    do not print lines not containing delimiters
      --output-delimiter=STRING  use STRING as the output delimiter
                            the default is to use the input delimiter
  -z, --zero-terminated   line delimiter is NUL, not newline
      --help        display this help and exit
      --version     output version information and exit
";

/// Selected positions: sorted, merged, 1-based inclusive ranges.
struct Ranges(Vec<(u64, u64)>);

impl Ranges {
    /// GNU's `set_fields`: numbers and ranges (`N`, `N-M`, `N-`, `-M`)
    /// separated by commas or blanks.
    fn parse(spec: &str, positions: bool, complement: bool) -> std::result::Result<Ranges, UsageError> {
        let msg = |pos: &str, field: &str| UsageError::new(if positions { pos } else { field });
        let from_one = || msg("byte/character positions are numbered from 1", "fields are numbered from 1");
        let bytes = spec.as_bytes();
        let mut ranges = Vec::new();
        let mut initial: u64 = 1;
        let mut value: u64 = 0;
        let mut lhs = false;
        let mut rhs = false;
        let mut dash = false;
        let mut num_start = 0;
        let mut in_digits = false;
        let mut i = 0;
        loop {
            let c = bytes.get(i).copied();
            match c {
                Some(b'-') => {
                    in_digits = false;
                    if dash {
                        return Err(msg("invalid byte or character range", "invalid field range"));
                    }
                    dash = true;
                    if lhs && value == 0 {
                        return Err(from_one());
                    }
                    initial = if lhs { value } else { 1 };
                    value = 0;
                }
                None | Some(b',') | Some(b' ') | Some(b'\t') => {
                    in_digits = false;
                    if dash {
                        dash = false;
                        if !lhs && !rhs {
                            return Err(UsageError::new("invalid range with no endpoint: -"));
                        }
                        if !rhs {
                            ranges.push((initial, u64::MAX));
                        } else {
                            if value < initial {
                                return Err(UsageError::new("invalid decreasing range"));
                            }
                            ranges.push((initial, value));
                        }
                    } else {
                        if value == 0 {
                            return Err(from_one());
                        }
                        ranges.push((value, value));
                    }
                    value = 0;
                    if c.is_none() {
                        break;
                    }
                    lhs = false;
                    rhs = false;
                }
                Some(d) if d.is_ascii_digit() => {
                    if !in_digits {
                        num_start = i;
                    }
                    in_digits = true;
                    if dash {
                        rhs = true;
                    } else {
                        lhs = true;
                    }
                    match value.checked_mul(10).and_then(|v| v.checked_add((d - b'0') as u64)) {
                        Some(v) if v != u64::MAX => value = v,
                        _ => {
                            let len = bytes[num_start..].iter().take_while(|b| b.is_ascii_digit()).count();
                            let num = &spec[num_start..num_start + len];
                            let what = if positions { "byte/character offset" } else { "field number" };
                            return Err(UsageError::new(format!("{} {} is too large", what, quote_locale(num))));
                        }
                    }
                }
                Some(_) => {
                    let what = if positions { "invalid byte/character position" } else { "invalid field value" };
                    return Err(UsageError::new(format!("{} {}", what, quote_locale(&spec[i..]))));
                }
            }
            i += 1;
        }
        if ranges.is_empty() {
            return Err(msg("missing list of byte/character positions", "missing list of fields"));
        }
        ranges.sort_by_key(|r| r.0);
        let mut merged: Vec<(u64, u64)> = Vec::new();
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.0 <= last.1 => last.1 = last.1.max(r.1),
                _ => merged.push(r),
            }
        }
        if complement {
            let mut comp = Vec::new();
            if merged[0].0 > 1 {
                comp.push((1, merged[0].0 - 1));
            }
            for w in merged.windows(2) {
                if w[0].1 + 1 != w[1].0 {
                    comp.push((w[0].1 + 1, w[1].0 - 1));
                }
            }
            let last = merged[merged.len() - 1].1;
            if last < u64::MAX {
                comp.push((last + 1, u64::MAX));
            }
            merged = comp;
        }
        Ok(Ranges(merged))
    }
}

/// Walks the ranges alongside increasing positions of one line.
struct Cursor<'a> {
    ranges: &'a [(u64, u64)],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn new(r: &'a Ranges) -> Self {
        Cursor { ranges: &r.0, at: 0 }
    }
    /// Whether position `k` (never smaller than the last asked) is selected.
    fn selected(&mut self, k: u64) -> bool {
        while self.at < self.ranges.len() && self.ranges[self.at].1 < k {
            self.at += 1;
        }
        self.at < self.ranges.len() && self.ranges[self.at].0 <= k
    }
    /// Whether `k` starts a range (after `selected(k)`).
    fn starts_range(&self, k: u64) -> bool {
        self.at < self.ranges.len() && self.ranges[self.at].0 == k
    }
}

#[derive(PartialEq, Clone, Copy)]
enum Mode {
    Bytes,
    Fields,
}

struct Options {
    ranges: Ranges,
    delim: u8,
    out_delim: Vec<u8>,
    out_delim_given: bool,
    only_delimited: bool,
    eol: u8,
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

fn run(argv: &[String]) -> Result<i32> {
    let mut mode: Option<Mode> = None;
    let mut list = String::new();
    let mut delim: Option<u8> = None;
    let mut out_delim: Option<Vec<u8>> = None;
    let mut only_delimited = false;
    let mut complement = false;
    let mut eol = b'\n';
    let mut files = Vec::new();
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt(c @ ('b' | 'c' | 'f'), Some(l)) => {
                if mode.is_some() {
                    return Err(UsageError::new("only one list may be specified").into());
                }
                mode = Some(if c == 'f' { Mode::Fields } else { Mode::Bytes });
                list = l;
            }
            Item::Opt('d', Some(d)) => {
                if d.len() > 1 {
                    return Err(UsageError::new("the delimiter must be a single character").into());
                }
                delim = Some(d.bytes().next().unwrap_or(0));
            }
            Item::Opt('n', _) => {}
            Item::Opt('s', _) => only_delimited = true,
            Item::Opt('z', _) => eol = 0,
            Item::Opt(COMPLEMENT, _) => complement = true,
            Item::Opt(OUTPUT_DELIMITER, Some(s)) => {
                out_delim = Some(if s.is_empty() { vec![0] } else { s.into_bytes() });
            }
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("cut (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    let mode = mode.ok_or_else(|| UsageError::new("you must specify a list of bytes, characters, or fields"))?;
    if delim.is_some() && mode != Mode::Fields {
        return Err(UsageError::new("an input delimiter may be specified only when operating on fields").into());
    }
    if only_delimited && mode != Mode::Fields {
        return Err(
            UsageError::new("suppressing non-delimited lines makes sense\n\tonly when operating on fields").into()
        );
    }
    let ranges = Ranges::parse(&list, mode == Mode::Bytes, complement)?;
    let delim = delim.unwrap_or(b'\t');
    let o = Options {
        ranges,
        delim,
        out_delim_given: out_delim.is_some(),
        out_delim: out_delim.unwrap_or_else(|| vec![delim]),
        only_delimited,
        eol,
    };
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
        let result = match mode {
            Mode::Bytes => cut_bytes(input, &o, &mut out),
            Mode::Fields if o.delim == o.eol => cut_one_record(input, &o, &mut out),
            Mode::Fields => cut_fields(input, &o, &mut out),
        };
        if let Err(e) = result {
            out.flush()?;
            show_error(&format!("{}: {}", quote(name), strerror(&e)));
            status = 1;
        }
    }
    out.flush()?;
    Ok(status)
}

fn reader(input: Input) -> BufReader<Input> {
    BufReader::with_capacity(64 * 1024, input)
}

fn cut_bytes(input: Input, o: &Options, out: &mut Out) -> std::io::Result<()> {
    let mut r = reader(input);
    let mut idx: u64 = 0;
    let mut cursor = Cursor::new(&o.ranges);
    let mut printed = false;
    loop {
        let chunk = r.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        let n = chunk.len();
        for &c in chunk {
            if c == o.eol {
                out.write_all(&[c])?;
                idx = 0;
                printed = false;
                cursor = Cursor::new(&o.ranges);
                continue;
            }
            idx += 1;
            if cursor.selected(idx) {
                if o.out_delim_given {
                    if printed && cursor.starts_range(idx) {
                        out.write_all(&o.out_delim)?;
                    }
                    printed = true;
                }
                out.write_all(&[c])?;
            }
        }
        r.consume(n);
    }
    if idx > 0 {
        out.write_all(&[o.eol])?;
    }
    Ok(())
}

/// The per-line state of field mode.
struct FieldLine<'a> {
    cursor: Cursor<'a>,
    field: u64,
    selected: bool,
    found_any: bool,
    /// Bytes seen on this line (a line cut short by the end of input).
    started: bool,
    /// The first field, held while it is unknown whether the line has a
    /// delimiter (only when that decides what is printed).
    first: Option<Vec<u8>>,
}

fn cut_fields(input: Input, o: &Options, out: &mut Out) -> std::io::Result<()> {
    let mut probe = Cursor::new(&o.ranges);
    let buffer_first = o.only_delimited ^ !probe.selected(1);
    let new_line = || {
        let mut line = FieldLine {
            cursor: Cursor::new(&o.ranges),
            field: 1,
            selected: false,
            found_any: false,
            started: false,
            first: if buffer_first { Some(Vec::new()) } else { None },
        };
        line.selected = line.cursor.selected(1);
        if !buffer_first && line.selected {
            line.found_any = true;
        }
        line
    };
    let mut r = reader(input);
    let mut line = new_line();
    loop {
        let chunk = r.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        let n = chunk.len();
        for &c in chunk {
            line.started = true;
            if let Some(first) = &mut line.first {
                if c == o.eol {
                    if !o.only_delimited {
                        out.write_all(first)?;
                        out.write_all(&[o.eol])?;
                    }
                    line = new_line();
                } else if c == o.delim {
                    if line.selected {
                        out.write_all(first)?;
                        line.found_any = true;
                    }
                    line.first = None;
                    next_field(&mut line, o, out)?;
                } else {
                    first.push(c);
                }
                continue;
            }
            if c == o.delim {
                next_field(&mut line, o, out)?;
            } else if c == o.eol {
                if line.found_any || !(o.only_delimited && line.field == 1) {
                    out.write_all(&[o.eol])?;
                }
                line = new_line();
            } else if line.selected {
                out.write_all(&[c])?;
            }
        }
        r.consume(n);
    }
    if line.started {
        if let Some(first) = &line.first {
            if !o.only_delimited {
                out.write_all(first)?;
                out.write_all(&[o.eol])?;
            }
        } else if line.found_any || !(o.only_delimited && line.field == 1) {
            out.write_all(&[o.eol])?;
        }
    }
    Ok(())
}

fn next_field(line: &mut FieldLine, o: &Options, out: &mut Out) -> std::io::Result<()> {
    line.field += 1;
    line.selected = line.cursor.selected(line.field);
    if line.selected {
        if line.found_any {
            out.write_all(&o.out_delim)?;
        }
        line.found_any = true;
    }
    Ok(())
}

/// `-d` equal to the line delimiter: the whole input is one record whose
/// fields are its lines (GNU keeps the last line end out of it).
fn cut_one_record(mut input: Input, o: &Options, out: &mut Out) -> std::io::Result<()> {
    let mut data = Vec::new();
    input.read_to_end(&mut data)?;
    if data.is_empty() {
        return Ok(());
    }
    let delimited = data.contains(&o.delim);
    if data.last() == Some(&o.eol) {
        data.pop();
    }
    if !delimited {
        if !o.only_delimited {
            out.write_all(&data)?;
            out.write_all(&[o.eol])?;
        }
        return Ok(());
    }
    let mut cursor = Cursor::new(&o.ranges);
    let mut first = true;
    for (i, field) in data.split(|&b| b == o.delim).enumerate() {
        if cursor.selected(i as u64 + 1) {
            if !first {
                out.write_all(&o.out_delim)?;
            }
            first = false;
            out.write_all(field)?;
        }
    }
    out.write_all(&[o.eol])
}
