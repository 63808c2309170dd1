//! `od`: dump files in octal and other formats (GNU coreutils).
//!
//! The input is the concatenation of the files. Each output line shows
//! one block (16 bytes by default) once per format; when several formats
//! are given, narrower columns are padded so that every line has the same
//! width, as GNU does. Identical consecutive blocks print as one `*` line
//! unless -v. Floats print in the shortest form that reads back exactly
//! (gnulib's ftoastr), long doubles through wsutil::xfloat.

use std::io::{Read, Write};
use wsutil::args::{self, HasArg, Item, Spec as ArgSpec, HELP, LONG1, LONG2, VERSION};
use wsutil::cfmt::{format_float, FloatSpec};
use wsutil::io::{open_input, stdout, Input, Out};
use wsutil::xfloat::{self, XFloat};
use wsutil::xstrtol::{describe, xstrtoumax};
use wsutil::{quote, quote_locale, show_error, strerror};

pub const APPLETS: &[wsutil::Applet] = &[("od", main)];

const TRADITIONAL: char = LONG1;
const ENDIAN: char = LONG2;

const SPEC: ArgSpec = ArgSpec {
    short: "A:aBbcDdeFfHhIij:LlN:OoS:st:vw::Xx",
    long: &[
        ("skip-bytes", HasArg::Required, 'j'),
        ("address-radix", HasArg::Required, 'A'),
        ("read-bytes", HasArg::Required, 'N'),
        ("format", HasArg::Required, 't'),
        ("output-duplicates", HasArg::No, 'v'),
        ("strings", HasArg::Optional, 'S'),
        ("traditional", HasArg::No, TRADITIONAL),
        ("width", HasArg::Optional, 'w'),
        ("endian", HasArg::Required, ENDIAN),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

/// Multiplier suffixes of -j, -N and -S.
const MULTIPLIERS: &str = "bEGKkMmPTYZ0";

const USAGE: &str = "Usage: od [OPTION]... [FILE]...
  or:  od [-abcdfilosx]... [FILE] [[+]OFFSET[.][b]]
  or:  od --traditional [OPTION]... [FILE] [[+]OFFSET[.][b] [+][LABEL][.][b]]

Write an unambiguous representation, octal bytes by default,
of FILE to standard output.  With more than one FILE argument,
concatenate them in the listed order to form the input.

With no FILE, or when FILE is -, read standard input.

  -A, --address-radix=RADIX   output format for file offsets; RADIX is one
                                of [doxn], for Decimal, Octal, Hex or None
      --endian={big|little}   swap input bytes according the specified order
  -j, --skip-bytes=BYTES      skip BYTES input bytes first
  -N, --read-bytes=BYTES      limit dump to BYTES input bytes
  -S BYTES, --strings[=BYTES]  output strings of at least BYTES graphic chars;
                                3 is implied when BYTES is not specified
  -t, --format=TYPE           select output format or formats
  -v, --output-duplicates     do not use * to mark line suppression
  -w[BYTES], --width[=BYTES]  output BYTES bytes per output line;
                                32 is implied when BYTES is not specified
      --traditional           accept arguments in third form above
      --help     display this help and exit
      --version  output version information and exit

Traditional format specifications may be intermixed; they accumulate:
  -a   same as -t a,  select named characters, ignoring high-order bit
  -b   same as -t o1, select octal bytes
  -c   same as -t c,  select printable characters or backslash escapes
  -d   same as -t u2, select unsigned decimal 2-byte units
  -f   same as -t fF, select floats
  -i   same as -t dI, select decimal ints
  -l   same as -t dL, select decimal longs
  -o   same as -t o2, select octal 2-byte units
  -s   same as -t d2, select decimal 2-byte units
  -x   same as -t x2, select hexadecimal 2-byte units

TYPE is made up of one or more of these specifications:
  a          named character, ignoring high-order bit
  c          printable character or backslash escape
  d[SIZE]    signed decimal, SIZE bytes per integer
  f[SIZE]    floating point, SIZE bytes per float
  o[SIZE]    octal, SIZE bytes per integer
  u[SIZE]    unsigned decimal, SIZE bytes per integer
  x[SIZE]    hexadecimal, SIZE bytes per integer

SIZE is a number.  For TYPE in [doux], SIZE may also be C for
sizeof(char), S for sizeof(short), I for sizeof(int) or L for
sizeof(long).  If TYPE is f, SIZE may also be F for sizeof(float), D
for sizeof(double) or L for sizeof(long double).

Adding a z suffix to any type displays printable characters at the end of
each output line.
";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// Integers: signed, base (8, 10 or 16).
    Int(bool, u32),
    Float,
    Named,
    Char,
}

/// One output format.
#[derive(Clone, Debug)]
struct Format {
    kind: Kind,
    /// Bytes per value.
    size: usize,
    /// Characters of the widest value (without the separating space).
    width: usize,
    /// `z`: the printable characters at the end of the line.
    trailer: bool,
    /// Extra spaces spread over the line to align with wider formats.
    pad: usize,
}

/// Digits of the largest value of 0..=8 bytes, per base (GNU's tables).
const OCT_DIGITS: [usize; 9] = [0, 3, 6, 8, 11, 14, 16, 19, 22];
const SIGNED_DEC_DIGITS: [usize; 9] = [1, 4, 6, 8, 11, 13, 16, 18, 20];
const UNSIGNED_DEC_DIGITS: [usize; 9] = [0, 3, 5, 8, 10, 13, 15, 17, 20];
const HEX_DIGITS: [usize; 9] = [0, 2, 4, 6, 8, 10, 12, 14, 16];

const CHAR_NAMES: [&str; 33] = [
    "nul", "soh", "stx", "etx", "eot", "enq", "ack", "bel", "bs", "ht", "nl", "vt", "ff", "cr", "so", "si", "dle", "dc1",
    "dc2", "dc3", "dc4", "nak", "syn", "etb", "can", "em", "sub", "esc", "fs", "gs", "rs", "us", "sp",
];

/// A failure already reported; od exits with status 1.
struct Fail;

/// Parses one `-t` argument, which may hold several formats (`x1z`, `cx2`).
fn parse_formats(arg: &str, out: &mut Vec<Format>) -> Result<(), Fail> {
    let b = arg.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        i += 1;
        let (kind, size, width) = match c {
            b'd' | b'o' | b'u' | b'x' => {
                let size = parse_size(arg, b, &mut i, false)?;
                let (kind, digits) = match c {
                    b'd' => (Kind::Int(true, 10), SIGNED_DEC_DIGITS[size]),
                    b'o' => (Kind::Int(false, 8), OCT_DIGITS[size]),
                    b'u' => (Kind::Int(false, 10), UNSIGNED_DEC_DIGITS[size]),
                    _ => (Kind::Int(false, 16), HEX_DIGITS[size]),
                };
                (kind, size, digits)
            }
            b'f' => {
                let size = parse_size(arg, b, &mut i, true)?;
                let width = match size {
                    4 => 15,
                    8 => 24,
                    _ => 29,
                };
                (Kind::Float, size, width)
            }
            b'a' => (Kind::Named, 1, 3),
            b'c' => (Kind::Char, 1, 3),
            _ => {
                let ch = String::from_utf8_lossy(&b[i - 1..]).chars().next().unwrap_or('?');
                show_error(&format!("invalid character '{}' in type string {}", ch, quote_locale(arg)));
                return Err(Fail);
            }
        };
        let trailer = b.get(i) == Some(&b'z');
        if trailer {
            i += 1;
        }
        out.push(Format { kind, size, width, trailer, pad: 0 });
    }
    Ok(())
}

/// The SIZE after a type letter: digits or a C type letter.
fn parse_size(arg: &str, b: &[u8], i: &mut usize, float: bool) -> Result<usize, Fail> {
    let letter = b.get(*i).copied();
    let named = if float {
        match letter {
            Some(b'F') => Some(4),
            Some(b'D') => Some(8),
            Some(b'L') => Some(16),
            _ => None,
        }
    } else {
        match letter {
            Some(b'C') => Some(1),
            Some(b'S') => Some(2),
            Some(b'I') => Some(4),
            Some(b'L') => Some(8),
            _ => None,
        }
    };
    if let Some(n) = named {
        *i += 1;
        return Ok(n);
    }
    let start = *i;
    while *i < b.len() && b[*i].is_ascii_digit() {
        *i += 1;
    }
    if *i == start {
        return Ok(if float { 8 } else { 4 });
    }
    let size: usize = match std::str::from_utf8(&b[start..*i]).ok().and_then(|d| d.parse().ok()) {
        Some(n) if n <= i32::MAX as usize => n,
        _ => {
            show_error(&format!("invalid type string {}", quote_locale(arg)));
            return Err(Fail);
        }
    };
    let ok = if float { matches!(size, 4 | 8 | 16) } else { matches!(size, 1 | 2 | 4 | 8) };
    if !ok {
        let what = if float { "floating point" } else { "integral" };
        show_error(&format!(
            "invalid type string {};\nthis system doesn't provide a {}-byte {} type",
            quote_locale(arg),
            size,
            what
        ));
        return Err(Fail);
    }
    Ok(size)
}

/// How offsets are printed.
#[derive(Clone, Copy)]
struct Address {
    /// 8, 10 or 16; 0 for none.
    base: u32,
    pad: usize,
}

impl Address {
    fn text(&self, offset: u64) -> String {
        let digits = match self.base {
            8 => format!("{:o}", offset),
            10 => format!("{}", offset),
            16 => format!("{:x}", offset),
            _ => return String::new(),
        };
        format!("{:0>w$}", digits, w = self.pad)
    }
}

/// The concatenated inputs.
struct Inputs {
    names: Vec<String>,
    next: usize,
    current: Option<(String, Input)>,
    ok: bool,
}

impl Inputs {
    /// Opens the next file that can be opened (reporting the others).
    fn advance(&mut self) {
        self.current = None;
        while self.next < self.names.len() {
            let name = self.names[self.next].clone();
            self.next += 1;
            match open_input(&name) {
                Ok(f) => {
                    let shown = if name == "-" { "standard input".to_string() } else { name };
                    self.current = Some((shown, f));
                    return;
                }
                Err(e) => {
                    show_error(&format!("{}: {}", quote(&name), strerror(&e)));
                    self.ok = false;
                }
            }
        }
    }

    /// Reads up to `buf.len()` bytes across file boundaries; fewer only
    /// at the end of the last file.
    fn read(&mut self, buf: &mut [u8]) -> usize {
        let mut filled = 0;
        while filled < buf.len() {
            let (name, f) = match self.current.as_mut() {
                Some(c) => c,
                None => break,
            };
            match f.read(&mut buf[filled..]) {
                Ok(0) => self.advance(),
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    show_error(&format!("{}: {}", quote(name), strerror(&e)));
                    self.ok = false;
                    self.advance();
                }
            }
        }
        filled
    }

    /// Discards `n` bytes; false if the input ends first.
    fn skip(&mut self, mut n: u64) -> bool {
        let mut buf = vec![0u8; 64 * 1024];
        while n > 0 {
            let want = n.min(buf.len() as u64) as usize;
            let got = self.read(&mut buf[..want]);
            if got == 0 {
                return false;
            }
            n -= got as u64;
        }
        true
    }
}

/// Settings from the command line.
struct Opts {
    formats: Vec<Format>,
    address: Address,
    skip: u64,
    limit: Option<u64>,
    strings: Option<u64>,
    width: Option<u64>,
    duplicates: bool,
    big_endian: bool,
    label: Option<u64>,
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(true) => 0,
        Ok(false) | Err(Fail) => 1,
    }
}

fn number(opt: &str, v: &str, base: u32, suffixes: &str) -> Result<u64, Fail> {
    xstrtoumax(v, base, suffixes).map_err(|e| {
        show_error(&describe(e, opt, v));
        Fail
    })
}

fn run(argv: &[String]) -> Result<bool, Fail> {
    let items = match args::parse(&SPEC, argv) {
        Ok(items) => items,
        Err(e) => {
            wsutil::report(&wsutil::Error::Usage(e), 1);
            return Err(Fail);
        }
    };
    let mut o = Opts {
        formats: Vec::new(),
        address: Address { base: 8, pad: 7 },
        skip: 0,
        limit: None,
        strings: None,
        width: None,
        duplicates: false,
        big_endian: false,
        label: None,
    };
    let mut modern = false;
    let mut traditional = false;
    let mut files = Vec::new();
    let mut ok = true;
    for item in items {
        match item {
            Item::Opt('A', Some(v)) => {
                modern = true;
                o.address = match v.chars().next() {
                    Some('d') => Address { base: 10, pad: 7 },
                    Some('o') => Address { base: 8, pad: 7 },
                    Some('x') => Address { base: 16, pad: 6 },
                    Some('n') => Address { base: 0, pad: 0 },
                    c => {
                        show_error(&format!(
                            "invalid output address radix '{}'; it must be one character from [doxn]",
                            c.map_or(String::new(), |c| c.to_string())
                        ));
                        return Err(Fail);
                    }
                };
            }
            Item::Opt('j', Some(v)) => {
                modern = true;
                o.skip = number("-j", &v, 0, MULTIPLIERS)?;
            }
            Item::Opt('N', Some(v)) => {
                modern = true;
                o.limit = Some(number("-N", &v, 0, MULTIPLIERS)?);
            }
            Item::Opt('S', v) => {
                modern = true;
                o.strings = Some(match v {
                    None => 3,
                    Some(v) => number("-S", &v, 0, MULTIPLIERS)?,
                });
            }
            Item::Opt('t', Some(v)) => {
                modern = true;
                ok &= parse_formats(&v, &mut o.formats).is_ok();
            }
            Item::Opt('v', _) => {
                modern = true;
                o.duplicates = true;
            }
            Item::Opt('w', v) => {
                modern = true;
                o.width = Some(match v {
                    None => 32,
                    Some(v) => number("-w", &v, 10, "")?,
                });
            }
            Item::Opt(TRADITIONAL, _) => traditional = true,
            Item::Opt(ENDIAN, Some(v)) => match v.as_str() {
                "big" => o.big_endian = true,
                "little" => o.big_endian = false,
                _ => {
                    show_error(&format!("invalid argument {} for {}", quote_locale(&v), quote_locale("--endian")));
                    eprintln!("Valid arguments are:\n  - {}\n  - {}", quote_locale("little"), quote_locale("big"));
                    eprintln!("Try 'od --help' for more information.");
                    return Err(Fail);
                }
            },
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(true);
            }
            Item::Opt(VERSION, _) => {
                println!("od (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(true);
            }
            Item::Opt(c, _) => {
                let t = match c {
                    'a' => "a",
                    'b' => "o1",
                    'c' => "c",
                    'D' => "u4",
                    'd' => "u2",
                    'e' | 'F' => "fD",
                    'f' => "fF",
                    'H' | 'X' => "x4",
                    'i' => "dI",
                    'l' | 'I' | 'L' => "dL",
                    'O' => "o4",
                    'o' | 'B' => "o2",
                    's' => "d2",
                    _ => "x2",
                };
                ok &= parse_formats(t, &mut o.formats).is_ok();
            }
            Item::Operand(f) => files.push(f),
        }
    }
    if !ok {
        return Err(Fail);
    }
    if o.strings.is_some() && !o.formats.is_empty() {
        show_error("no type may be specified when dumping strings");
        return Err(Fail);
    }
    if !modern || traditional {
        old_offsets(&mut o, &mut files, traditional)?;
    }
    if o.formats.is_empty() {
        let _ = parse_formats("o2", &mut o.formats);
    }
    if files.is_empty() {
        files.push("-".to_string());
    }
    let mut inputs = Inputs { names: files, next: 0, current: None, ok: true };
    inputs.advance();
    if inputs.current.is_none() {
        return Ok(false);
    }
    if o.skip > 0 && !inputs.skip(o.skip) {
        show_error("cannot skip past end of combined input");
        return Err(Fail);
    }
    let mut out = stdout();
    match o.strings {
        Some(min) => dump_strings(&o, min, &mut inputs, &mut out),
        None => dump(&mut o, &mut inputs, &mut out),
    }
    let _ = out.flush();
    Ok(inputs.ok)
}

/// `od FILE OFFSET`, `od +OFFSET`, and with --traditional a label.
fn old_offsets(o: &mut Opts, files: &mut Vec<String>, traditional: bool) -> Result<(), Fail> {
    match files.len() {
        1 => {
            if traditional || files[0].starts_with('+') {
                if let Some(v) = parse_old_offset(&files[0]) {
                    o.skip = v;
                    files.clear();
                }
            }
        }
        2 => {
            let second = &files[1];
            if traditional || second.starts_with('+') || second.starts_with(|c: char| c.is_ascii_digit()) {
                if let Some(v2) = parse_old_offset(second) {
                    match parse_old_offset(&files[0]).filter(|_| traditional) {
                        Some(v1) => {
                            o.skip = v1;
                            o.label = Some(v2);
                            files.clear();
                        }
                        None => {
                            o.skip = v2;
                            files.truncate(1);
                        }
                    }
                }
            }
        }
        3 if traditional => {
            if let (Some(v1), Some(v2)) = (parse_old_offset(&files[1]), parse_old_offset(&files[2])) {
                o.skip = v1;
                o.label = Some(v2);
                files.truncate(1);
            }
        }
        _ => {}
    }
    if traditional && files.len() > 1 {
        show_error(&format!("extra operand {}", quote_locale(&files[1])));
        show_error("compatibility mode supports at most one file");
        eprintln!("Try 'od --help' for more information.");
        return Err(Fail);
    }
    Ok(())
}

/// `[+]OFFSET[.][b]`: octal, decimal with a point, hex with 0x; b = 512.
fn parse_old_offset(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let s = s.strip_prefix('+').unwrap_or(s);
    let radix = if s.contains('.') {
        10
    } else if s.starts_with("0x") || s.starts_with("0X") {
        16
    } else {
        8
    };
    // GNU hands the point to xstrtoumax too, which refuses it: `10.` is
    // never taken as an offset (it is a file name).
    xstrtoumax(s, radix, "Bb").ok()
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

fn dump(o: &mut Opts, inputs: &mut Inputs, out: &mut Out) {
    let lcm = o.formats.iter().fold(1, |l, f| l / gcd(l, f.size) * f.size);
    let bpb = match o.width {
        Some(w) if w != 0 && w % lcm as u64 == 0 => w as usize,
        Some(w) => {
            show_error(&format!("warning: invalid width {}; using {} instead", w, lcm));
            lcm
        }
        None if lcm < 16 => lcm * (16 / lcm),
        None => lcm,
    };
    // Align the formats: every line as wide as the widest.
    let line_width = o.formats.iter().map(|f| (f.width + 1) * (bpb / f.size)).max().unwrap_or(0);
    for f in o.formats.iter_mut() {
        f.pad = line_width - f.width * (bpb / f.size);
    }
    let end = o.limit.map(|n| o.skip.saturating_add(n));
    let mut offset = o.skip;
    let mut prev: Option<Vec<u8>> = None;
    let mut starred = false;
    let mut block = vec![0u8; bpb];
    loop {
        let want = match end {
            Some(e) if offset >= e => 0,
            Some(e) => (e - offset).min(bpb as u64) as usize,
            None => bpb,
        };
        let n = if want == 0 { 0 } else { inputs.read(&mut block[..want]) };
        if n == 0 {
            break;
        }
        if n == bpb && !o.duplicates && prev.as_deref() == Some(&block[..]) {
            if !starred {
                let _ = out.write_all(b"*\n");
                starred = true;
            }
        } else {
            starred = false;
            for b in block[n..].iter_mut() {
                *b = 0;
            }
            write_block(o, offset, n, bpb, &block, out);
        }
        offset += n as u64;
        prev = Some(block.clone());
        if n < want {
            break;
        }
    }
    if o.address.base != 0 || o.label.is_some() {
        let _ = writeln!(out, "{}", address_text(o, offset));
    }
}

/// The address column: the offset, and `(label)` with --traditional.
fn address_text(o: &Opts, offset: u64) -> String {
    match o.label {
        // GNU prints the label only next to a real address; with -An the
        // parentheses hold the real offset.
        Some(_) if o.address.base == 0 => format!("({})", Address { base: 8, pad: 7 }.text(offset)),
        Some(label) => {
            let pseudo = label.wrapping_add(offset).wrapping_sub(o.skip);
            format!("{} ({})", o.address.text(offset), o.address.text(pseudo))
        }
        None => o.address.text(offset),
    }
}

fn write_block(o: &Opts, offset: u64, n: usize, bpb: usize, block: &[u8], out: &mut Out) {
    for (i, f) in o.formats.iter().enumerate() {
        let mut line = String::new();
        if i == 0 {
            line.push_str(&address_text(o, offset));
        } else {
            let w = address_text(o, offset).chars().count();
            line.push_str(&" ".repeat(w));
        }
        let fields = bpb / f.size;
        let blank = (bpb - n) / f.size;
        let mut pad_left = f.pad;
        for k in 0..fields - blank {
            let remaining = fields - k;
            let next_pad = f.pad * (remaining - 1) / fields;
            let w = pad_left - next_pad + f.width;
            pad_left = next_pad;
            let bytes = &block[k * f.size..(k + 1) * f.size];
            let text = value_text(f, bytes, o.big_endian);
            line.push_str(&format!("{:>w$}", text, w = w));
        }
        if f.trailer {
            let pad = f.pad * blank / fields;
            line.push_str(&" ".repeat(blank * f.width + pad));
            line.push_str("  >");
            for &c in &block[..n] {
                line.push(if (0x20..0x7f).contains(&c) { c as char } else { '.' });
            }
            line.push('<');
        }
        line.push('\n');
        let _ = out.write_all(line.as_bytes());
    }
}

fn value_text(f: &Format, bytes: &[u8], big_endian: bool) -> String {
    let mut b = bytes.to_vec();
    if big_endian {
        b.reverse();
    }
    match f.kind {
        Kind::Named => {
            let c = (b[0] & 0x7f) as usize;
            if c == 127 {
                "del".into()
            } else if c <= 32 {
                CHAR_NAMES[c].into()
            } else {
                (c as u8 as char).to_string()
            }
        }
        Kind::Char => match b[0] {
            0 => "\\0".into(),
            7 => "\\a".into(),
            8 => "\\b".into(),
            12 => "\\f".into(),
            b'\n' => "\\n".into(),
            b'\r' => "\\r".into(),
            b'\t' => "\\t".into(),
            11 => "\\v".into(),
            c if (0x20..0x7f).contains(&c) => (c as char).to_string(),
            c => format!("{:03o}", c),
        },
        Kind::Int(signed, base) => {
            let mut raw = [0u8; 8];
            raw[..b.len()].copy_from_slice(&b);
            let u = u64::from_le_bytes(raw);
            let digits = f.width;
            match (signed, base) {
                (true, _) => {
                    let shift = 64 - 8 * f.size as u32;
                    let v = ((u << shift) as i64) >> shift;
                    v.to_string()
                }
                (false, 8) => format!("{:0w$o}", u, w = digits),
                (false, 16) => format!("{:0w$x}", u, w = digits),
                _ => u.to_string(),
            }
        }
        Kind::Float => float_text(&b, f.size),
    }
}

/// gnulib's ftoastr: `%.*g` with the fewest digits (from FLT_DIG,
/// DBL_DIG or LDBL_DIG, or 1 for subnormals) that read back exactly.
fn float_text(b: &[u8], size: usize) -> String {
    // glibc shows the sign of a NaN.
    let nan = |negative: bool| if negative { "-nan" } else { "nan" }.to_string();
    let g = |p: usize, v: f64| format_float(&FloatSpec { conv: 'g', precision: Some(p), ..FloatSpec::default() }, v);
    match size {
        4 => {
            let x = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            if x.is_nan() {
                return nan(x.is_sign_negative());
            }
            let start = if x.abs() < f32::MIN_POSITIVE { 1 } else { 6 };
            for p in start..9 {
                let s = g(p, x as f64);
                if s.parse::<f32>().map_or(false, |y| y == x) {
                    return s;
                }
            }
            g(9, x as f64)
        }
        8 => {
            let mut raw = [0u8; 8];
            raw.copy_from_slice(&b[..8]);
            let x = f64::from_le_bytes(raw);
            if x.is_nan() {
                return nan(x.is_sign_negative());
            }
            let start = if x.abs() < f64::MIN_POSITIVE { 1 } else { 15 };
            for p in start..17 {
                let s = g(p, x);
                if s.parse::<f64>().map_or(false, |y| y == x) {
                    return s;
                }
            }
            g(17, x)
        }
        _ => long_double_text(b),
    }
}

fn long_double_text(b: &[u8]) -> String {
    let mut m = [0u8; 8];
    m.copy_from_slice(&b[..8]);
    let mant = u64::from_le_bytes(m);
    let se = u16::from_le_bytes([b[8], b[9]]);
    let neg = se & 0x8000 != 0;
    let e = (se & 0x7fff) as i32;
    // An exponent with the integer bit clear (an "unnormal") is not a
    // number for glibc.
    let x = if e != 0 && mant >> 63 == 0 {
        XFloat::Nan { neg }
    } else if e == 0x7fff {
        if mant << 1 == 0 {
            XFloat::Inf { neg }
        } else {
            XFloat::Nan { neg }
        }
    } else if mant == 0 {
        XFloat::Finite { neg, mant: 0, exp: 0 }
    } else {
        let exp = if e == 0 { -16445 } else { e - 16383 - 63 };
        XFloat::Finite { neg, mant, exp }
    };
    let subnormal = e == 0 && mant != 0;
    let g = |p: usize| xfloat::format(&FloatSpec { conv: 'g', precision: Some(p), ..FloatSpec::default() }, &x);
    let start = if subnormal { 1 } else { 18 };
    for p in start..21 {
        let s = g(p);
        if xfloat::parse(s.as_bytes()).value == x {
            return s;
        }
    }
    g(21)
}

/// -S: NUL-terminated runs of at least `min` printable characters.
/// As in GNU, a run cut by the -N limit is printed as if terminated.
fn dump_strings(o: &Opts, min: u64, inputs: &mut Inputs, out: &mut Out) {
    let end = o.limit.map(|n| o.skip.saturating_add(n));
    let mut address = o.skip;
    let mut byte = [0u8; 1];
    let printable = |c: u8| (0x20..0x7f).contains(&c);
    'search: loop {
        if let Some(e) = end {
            if e < min || e - min <= address {
                return;
            }
        }
        let mut run: Vec<u8> = Vec::new();
        for _ in 0..min {
            if inputs.read(&mut byte) == 0 {
                return;
            }
            address += 1;
            if !printable(byte[0]) {
                continue 'search;
            }
            run.push(byte[0]);
        }
        while end.map_or(true, |e| address < e) {
            if inputs.read(&mut byte) == 0 {
                return;
            }
            address += 1;
            if byte[0] == 0 {
                break;
            }
            if !printable(byte[0]) {
                continue 'search;
            }
            run.push(byte[0]);
        }
        let mut line = String::new();
        if o.address.base != 0 || o.label.is_some() {
            line.push_str(&address_text(o, address - run.len() as u64 - 1));
            line.push(' ');
        }
        line.push_str(&String::from_utf8_lossy(&run));
        line.push('\n');
        let _ = out.write_all(line.as_bytes());
    }
}
