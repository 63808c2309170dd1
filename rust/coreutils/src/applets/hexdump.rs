//! `hexdump`: display file contents through format strings (util-linux
//! 2.38, the BSD program).
//!
//! -b -c -C -d -o -x and the default are predefined format strings; -e and
//! -f add the user's. A format string is a list of units `[reps/bytes]
//! "text %conv..."`; each unit's conversions consume input bytes, the last
//! unit is repeated to fill a block, and past the end of the data the
//! conversions print as blanks of their width. Identical consecutive
//! blocks print as one `*` line unless -v.

use std::io::{Read, Seek, SeekFrom, Write};
use wsutil::args::{self, HasArg, Item, Spec as ArgSpec};
use wsutil::cfmt::{format_float, FloatSpec};
use wsutil::io::{stdout, Out};
use wsutil::printf::{format_char, format_int, format_str, Spec};
use wsutil::{show_error, strerror};

pub const APPLETS: &[wsutil::Applet] = &[("hexdump", main)];

const SPEC: ArgSpec = ArgSpec {
    short: "bcCde:f:L::n:os:vxhV",
    long: &[
        ("one-byte-octal", HasArg::No, 'b'),
        ("one-byte-char", HasArg::No, 'c'),
        ("canonical", HasArg::No, 'C'),
        ("two-bytes-decimal", HasArg::No, 'd'),
        ("two-bytes-octal", HasArg::No, 'o'),
        ("two-bytes-hex", HasArg::No, 'x'),
        ("color", HasArg::Optional, 'L'),
        ("format", HasArg::Required, 'e'),
        ("format-file", HasArg::Required, 'f'),
        ("length", HasArg::Required, 'n'),
        ("skip", HasArg::Required, 's'),
        ("no-squeezing", HasArg::No, 'v'),
        ("help", HasArg::No, 'h'),
        ("version", HasArg::No, 'V'),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "
Usage:
 hexdump [options] <file>...

Display file contents in hexadecimal, decimal, octal, or ascii.

Options:
 -b, --one-byte-octal      one-byte octal display
 -c, --one-byte-char       one-byte character display
 -C, --canonical           canonical hex+ASCII display
 -d, --two-bytes-decimal   two-byte decimal display
 -o, --two-bytes-octal     two-byte octal display
 -x, --two-bytes-hex       two-byte hexadecimal display
 -L, --color[=<mode>]      interpret color formatting specifiers
                             colors are enabled by default
 -e, --format <format>     format string to be used for displaying data
 -f, --format-file <file>  file that contains format strings
 -n, --length <length>     interpret only length bytes of input
 -s, --skip <offset>       skip offset bytes from the beginning
 -v, --no-squeezing        output identical lines

 -h, --help                display this help
 -V, --version             display version

Arguments:
 <length> and <offset> arguments may be followed by the suffixes for
   GiB, TiB, PiB, EiB, ZiB, and YiB (the \"iB\" is optional)

For more details see hexdump(1).
";

const OFFSET_LINE: &str = "\"%07.7_Ax\n\"";

/// What a print unit prints.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Conv {
    Text,
    /// `%_a` / `%_A`: the offset, in base 8, 10 or 16.
    Address(u32),
    /// `%_c`: a character or its escape.
    CharEscape,
    /// `%_p`: the character or a dot.
    Printable,
    /// `%_u`: a character or its ASCII name.
    Named,
    /// `%c`.
    Char,
    /// `%d %i`.
    Int,
    /// `%o %u %x %X`.
    Uint(char),
    /// `%e %f %g %E %G`.
    Float(char),
    /// `%s`.
    Str,
}

/// One conversion and the text before it (or only text).
#[derive(Clone, Debug)]
struct Print {
    text: Vec<u8>,
    conv: Conv,
    spec: Spec,
    bytes: usize,
    /// Past the end of the data: print blanks of the field's width.
    blank: bool,
    /// Where the text loses its trailing blank on a unit's last repeat.
    nospace: Option<usize>,
}

/// A format unit: `reps/bytes "format"`.
#[derive(Clone, Debug)]
struct Unit {
    reps: usize,
    bytes: usize,
    set_reps: bool,
    /// The `%_A` unit, printed only at the end.
    end_only: bool,
    fmt: Vec<u8>,
    prints: Vec<Print>,
}

/// A failure already reported: exit status 1.
struct Fail;

fn die(msg: &str) -> Fail {
    show_error(msg);
    Fail
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(Fail) => 1,
    }
}

/// Splits a format string into units.
fn parse_format(fmt: &str) -> Result<Vec<Unit>, Fail> {
    let b = fmt.as_bytes();
    let bad = || die(&format!("bad format {{{}}}", fmt));
    let mut units = Vec::new();
    let mut i = 0;
    let skip_space = |i: &mut usize| {
        while *i < b.len() && b[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    loop {
        skip_space(&mut i);
        if i >= b.len() {
            break;
        }
        let mut unit = Unit { reps: 1, bytes: 0, set_reps: false, end_only: false, fmt: Vec::new(), prints: Vec::new() };
        if b[i].is_ascii_digit() {
            let s = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i >= b.len() || !(b[i].is_ascii_whitespace() || b[i] == b'/') {
                return Err(bad());
            }
            unit.reps = fmt[s..i].parse().unwrap_or(0);
            unit.set_reps = true;
            // The character after the digits (blank or slash) is used up.
            i += 1;
            skip_space(&mut i);
        }
        if i < b.len() && b[i] == b'/' {
            i += 1;
            skip_space(&mut i);
        }
        if i < b.len() && b[i].is_ascii_digit() {
            let s = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i >= b.len() || !b[i].is_ascii_whitespace() {
                return Err(bad());
            }
            unit.bytes = fmt[s..i].parse().unwrap_or(0);
            i += 1;
            skip_space(&mut i);
        }
        if i >= b.len() || b[i] != b'"' {
            return Err(bad());
        }
        i += 1;
        let s = i;
        while i < b.len() && b[i] != b'"' {
            i += 1;
        }
        if i >= b.len() {
            return Err(bad());
        }
        unit.fmt = escape(&b[s..i]);
        i += 1;
        units.push(unit);
    }
    Ok(units)
}

/// The backslash escapes of format strings, done in place the way
/// util-linux 2.38 does it: an escape writes its character one place
/// further back for each escape before it, but plain characters are not
/// moved, so text after an escape comes out shifted (`"a\\nbc"` gives
/// `a`, newline, `n`, `b`). Agents' formats usually end with the escape.
fn escape(s: &[u8]) -> Vec<u8> {
    let mut buf = s.to_vec();
    let (mut p1, mut p2) = (0, 0);
    loop {
        if p1 >= buf.len() {
            buf.truncate(p2);
            return buf;
        }
        if buf[p1] == b'\\' {
            p1 += 1;
            let c = match buf.get(p1) {
                Some(&c) => c,
                None => {
                    buf.truncate(p2);
                    return buf;
                }
            };
            buf[p2] = match c {
                b'a' => 7,
                b'b' => 8,
                b'f' => 12,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'v' => 11,
                c => c,
            };
        }
        p1 += 1;
        p2 += 1;
    }
}

const FLAGS: &[u8] = b"#-+ 0123456789";

/// Bytes a unit consumes when it gives no byte count (GNU's block_size).
fn implied_bytes(fmt: &[u8]) -> usize {
    let mut n = 0;
    let mut i = 0;
    let mut prec = 0;
    while i < fmt.len() {
        if fmt[i] != b'%' {
            i += 1;
            continue;
        }
        i += 1;
        while i < fmt.len() && FLAGS.contains(&fmt[i]) {
            i += 1;
        }
        if i < fmt.len() && fmt[i] == b'.' && fmt.get(i + 1).map_or(false, |c| c.is_ascii_digit()) {
            i += 1;
            let s = i;
            while i < fmt.len() && fmt[i].is_ascii_digit() {
                i += 1;
            }
            prec = std::str::from_utf8(&fmt[s..i]).ok().and_then(|d| d.parse().ok()).unwrap_or(0);
        }
        match fmt.get(i) {
            Some(c) if b"diouxX".contains(c) => n += 4,
            Some(c) if b"efgEG".contains(c) => n += 8,
            Some(b's') => n += prec,
            Some(b'c') => n += 1,
            Some(b'_') => {
                i += 1;
                if matches!(fmt.get(i), Some(b'c' | b'p' | b'u')) {
                    n += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    n
}

/// Parses the flags, width and precision between `%` and the conversion.
fn parse_spec(s: &[u8]) -> Spec {
    let mut spec = Spec::default();
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'-' => spec.left = true,
            b'+' => spec.plus = true,
            b' ' => spec.space = true,
            b'#' => spec.alt = true,
            b'0' => spec.zero = true,
            _ => break,
        }
        i += 1;
    }
    let start = i;
    while i < s.len() && s[i].is_ascii_digit() {
        i += 1;
    }
    spec.width = std::str::from_utf8(&s[start..i]).ok().and_then(|d| d.parse().ok()).unwrap_or(0);
    if i < s.len() && s[i] == b'.' {
        i += 1;
        let p = i;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
        }
        spec.precision = Some(std::str::from_utf8(&s[p..i]).ok().and_then(|d| d.parse().ok()).unwrap_or(0));
    }
    spec
}

/// Breaks each unit's format into print units and sizes them (GNU's
/// rewrite_rules); `block` is the block size of all format strings.
fn rewrite(units: &mut [Unit], fs_bytes: usize, block: usize) -> Result<(), Fail> {
    let count = units.len();
    for (index, unit) in units.iter_mut().enumerate() {
        let fmt = unit.fmt.clone();
        let mut pos = 0;
        let mut nconv = 0;
        while pos < fmt.len() {
            let pct = match fmt[pos..].iter().position(|&c| c == b'%') {
                Some(p) => pos + p,
                None => {
                    unit.prints.push(text_print(&fmt[pos..]));
                    break;
                }
            };
            let text = fmt[pos..pct].to_vec();
            let mut p1 = pct + 1;
            let mut prec = None;
            if unit.bytes > 0 {
                while p1 < fmt.len() && (FLAGS.contains(&fmt[p1]) || fmt[p1] == b'.') {
                    p1 += 1;
                }
            } else {
                while p1 < fmt.len() && FLAGS.contains(&fmt[p1]) {
                    p1 += 1;
                }
                // As in util-linux, a point is passed over even when no
                // digits follow it.
                if p1 < fmt.len() && fmt[p1] == b'.' {
                    p1 += 1;
                    let s = p1;
                    while p1 < fmt.len() && fmt[p1].is_ascii_digit() {
                        p1 += 1;
                    }
                    prec = std::str::from_utf8(&fmt[s..p1]).ok().and_then(|d| d.parse::<usize>().ok());
                }
            }
            let spec = parse_spec(&fmt[pct + 1..p1]);
            let c = fmt.get(p1).copied().unwrap_or(0);
            let mut end = p1 + 1;
            let bad_count = |upto: usize| die(&format!("bad byte count for conversion character {}", show(&fmt[p1..upto])));
            let int_bytes = |upto: usize| -> Result<usize, Fail> {
                match unit.bytes {
                    0 => Ok(4),
                    1 | 2 | 4 | 8 => Ok(unit.bytes),
                    _ => Err(bad_count(upto)),
                }
            };
            let (conv, bytes) = match c {
                b'c' => match unit.bytes {
                    0 | 1 => (Conv::Char, 1),
                    _ => return Err(bad_count(p1 + 1)),
                },
                b'd' | b'i' => (Conv::Int, int_bytes(p1 + 1)?),
                b'o' | b'u' | b'x' | b'X' => (Conv::Uint(c as char), int_bytes(p1 + 1)?),
                b'e' | b'f' | b'g' | b'E' | b'G' => match unit.bytes {
                    0 => (Conv::Float(c as char), 8),
                    4 | 8 => (Conv::Float(c as char), unit.bytes),
                    _ => return Err(bad_count(p1 + 1)),
                },
                b's' => match (unit.bytes, prec) {
                    (0, None) => return Err(die("%s requires a precision or a byte count")),
                    (0, Some(p)) => (Conv::Str, p),
                    (n, _) => (Conv::Str, n),
                },
                b'_' => {
                    end += 1;
                    let c2 = fmt.get(p1 + 1).copied().unwrap_or(0);
                    let one = |upto: usize| -> Result<usize, Fail> {
                        match unit.bytes {
                            0 | 1 => Ok(1),
                            _ => Err(bad_count(upto)),
                        }
                    };
                    match c2 {
                        b'A' | b'a' => {
                            if c2 == b'A' {
                                unit.end_only = true;
                            }
                            end += 1;
                            let base = match fmt.get(p1 + 2) {
                                Some(b'd') => 10,
                                Some(b'o') => 8,
                                Some(b'x') => 16,
                                // At the end of the format C's strchr finds
                                // the terminator in "dox": a conversion that
                                // prints nothing.
                                None => 0,
                                _ => {
                                    let upto = (p1 + 3).min(fmt.len());
                                    return Err(die(&format!("bad conversion character %{}", show(&fmt[p1..upto]))));
                                }
                            };
                            (Conv::Address(base), 0)
                        }
                        b'c' => (Conv::CharEscape, one(p1 + 2)?),
                        b'p' => (Conv::Printable, one(p1 + 2)?),
                        b'u' => (Conv::Named, one(p1 + 2)?),
                        _ => {
                            let upto = (p1 + 2).min(fmt.len());
                            return Err(die(&format!("bad conversion character %{}", show(&fmt[p1..upto]))));
                        }
                    }
                }
                _ => {
                    let upto = (p1 + 1).min(fmt.len());
                    return Err(die(&format!("bad conversion character %{}", show(&fmt[p1..upto]))));
                }
            };
            if !matches!(conv, Conv::Address(_)) && unit.bytes > 0 {
                nconv += 1;
                if nconv > 1 {
                    return Err(die("byte count with multiple conversion characters"));
                }
            }
            unit.prints.push(Print { text, conv, spec, bytes, blank: false, nospace: None });
            pos = end.min(fmt.len());
        }
        if unit.bytes == 0 {
            unit.bytes = unit.prints.iter().map(|p| p.bytes).sum();
        }
        if index + 1 == count && fs_bytes < block && !unit.set_reps && unit.bytes > 0 {
            unit.reps += (block - fs_bytes) / unit.bytes;
        }
        if unit.reps > 1 {
            // On the last repeat, a unit ending in a blank drops it.
            if let Some(last) = unit.prints.last_mut() {
                if last.conv == Conv::Text && last.text.last().map_or(false, |c| c.is_ascii_whitespace()) {
                    last.nospace = Some(last.text.len() - 1);
                }
            }
        }
    }
    Ok(())
}

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn text_print(t: &[u8]) -> Print {
    Print { text: t.to_vec(), conv: Conv::Text, spec: Spec::default(), bytes: 0, blank: false, nospace: None }
}

/// util-linux's size parser: a C number (0x, 0 prefixes), an optional
/// fraction, then K M G T P E Z Y with optional `iB` or `B` (powers of
/// 1000).
fn parse_size(s: &str) -> Option<u64> {
    let t = s.trim_start();
    if t.starts_with('-') {
        return None;
    }
    let b = t.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'+'));
    let (radix, start) = if b.get(i) == Some(&b'0') && matches!(b.get(i + 1), Some(b'x' | b'X')) {
        (16, i + 2)
    } else if b.get(i) == Some(&b'0') {
        (8, i)
    } else {
        (10, i)
    };
    i = start;
    let mut v: u128 = 0;
    while let Some(d) = b.get(i).and_then(|&c| (c as char).to_digit(radix)) {
        v = v.checked_mul(radix as u128)?.checked_add(d as u128)?;
        i += 1;
    }
    if i == start && !(radix == 8 && i > 0) {
        return None;
    }
    let mut frac = String::new();
    if b.get(i) == Some(&b'.') {
        i += 1;
        while let Some(&c) = b.get(i).filter(|c| c.is_ascii_digit()) {
            frac.push(c as char);
            i += 1;
        }
    }
    let rest = &t[i..];
    if rest.is_empty() {
        return if frac.is_empty() { u64::try_from(v).ok() } else { None };
    }
    let letter = rest.as_bytes()[0].to_ascii_uppercase();
    let power = b"KMGTPEZY".iter().position(|&c| c == letter)? as u32 + 1;
    let base: u128 = match &rest[1..] {
        "" | "iB" => 1024,
        "B" => 1000,
        _ => return None,
    };
    let mult = base.checked_pow(power)?;
    let mut total = v.checked_mul(mult)?;
    if !frac.is_empty() {
        let digits: u128 = frac.parse().ok()?;
        total += digits * mult / 10u128.checked_pow(frac.len() as u32)?;
    }
    u64::try_from(total).ok()
}

/// -v state, as in util-linux: FIRST, then WAIT after a printed block, DUP
/// while skipping repeats.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Squeeze {
    All,
    First,
    Wait,
    Dup,
}

/// The inputs, one after the other (GNU reopens stdin on each file).
struct Source {
    names: Vec<String>,
    next: usize,
    current: Option<Box<dyn ReadSeek>>,
    /// The name for messages of the file being read.
    current_name: String,
    /// Whether standard input was taken (no file operands).
    done: bool,
    /// A file failed to open: stdin is gone and exit status is 1.
    failed_open: bool,
    any_opened: bool,
    skip: u64,
    address: u64,
}

trait ReadSeek: Read {
    fn seek_to(&mut self, pos: u64) -> std::io::Result<()>;
    fn size(&self) -> Option<u64>;
}

impl ReadSeek for std::fs::File {
    fn seek_to(&mut self, pos: u64) -> std::io::Result<()> {
        self.seek(SeekFrom::Start(pos)).map(|_| ())
    }
    fn size(&self) -> Option<u64> {
        self.metadata().ok().filter(|m| m.is_file()).map(|m| m.len())
    }
}

impl ReadSeek for wsutil::io::RawFd {
    fn seek_to(&mut self, _pos: u64) -> std::io::Result<()> {
        // Standard input: seek it through a borrowed File.
        let f = std::mem::ManuallyDrop::new(unsafe_stdin_file());
        (&*f).seek(SeekFrom::Start(_pos)).map(|_| ())
    }
    fn size(&self) -> Option<u64> {
        None
    }
}

fn unsafe_stdin_file() -> std::fs::File {
    #[cfg(not(target_os = "wasi"))]
    use std::os::unix::io::FromRawFd;
    #[cfg(target_os = "wasi")]
    use std::os::wasi::io::FromRawFd;
    // SAFETY: descriptor 0 is open for the process's life; the caller
    // wraps the File in ManuallyDrop so it is never closed.
    unsafe { std::fs::File::from_raw_fd(0) }
}

impl Source {
    /// util-linux's next(): opens the next file (or stdin when there are
    /// none) and applies the pending skip; false when nothing is left.
    fn open_next(&mut self) -> Result<bool, Fail> {
        loop {
            let statok;
            if self.next < self.names.len() {
                let name = self.names[self.next].clone();
                match std::fs::File::open(&name) {
                    Ok(f) => {
                        self.current = Some(Box::new(f));
                        self.current_name = name;
                        self.any_opened = true;
                        self.done = true;
                        statok = true;
                    }
                    Err(e) => {
                        show_error(&format!("{}: {}", name, strerror(&e)));
                        self.failed_open = true;
                        self.current = None;
                        self.next += 1;
                        continue;
                    }
                }
            } else {
                if self.done {
                    return Ok(false);
                }
                self.done = true;
                statok = false;
                if self.failed_open {
                    // The failed reopen closed standard input.
                    self.current = None;
                } else {
                    self.current = Some(Box::new(wsutil::io::stdin()));
                    self.current_name = "stdin".to_string();
                }
            }
            if self.skip > 0 {
                self.do_skip(statok)?;
            }
            if self.next < self.names.len() {
                self.next += 1;
            }
            if self.skip == 0 {
                return Ok(true);
            }
        }
    }

    fn do_skip(&mut self, statok: bool) -> Result<(), Fail> {
        let name = self.current_name.clone();
        let cur = match self.current.as_mut() {
            Some(c) => c,
            None => return Ok(()),
        };
        if statok {
            if let Some(size) = cur.size() {
                if self.skip > size {
                    self.skip -= size;
                    self.address += size;
                    return Ok(());
                }
            }
        }
        if let Err(e) = cur.seek_to(self.skip) {
            return Err(die(&format!("{}: {}", name, strerror(&e))));
        }
        self.address += self.skip;
        self.skip = 0;
        Ok(())
    }
}

struct Dumper {
    fss: Vec<Vec<Unit>>,
    block: usize,
    /// The end of the data, once known.
    eaddress: Option<u64>,
    squeeze: Squeeze,
    length: Option<u64>,
}

fn run(argv: &[String]) -> Result<i32, Fail> {
    let items = match args::parse(&SPEC, argv) {
        Ok(i) => i,
        Err(e) => {
            show_error(&e.0);
            eprintln!("Try 'hexdump --help' for more information.");
            return Err(Fail);
        }
    };
    let mut formats: Vec<String> = Vec::new();
    let mut files = Vec::new();
    let mut length = None;
    let mut skip = 0u64;
    let mut squeeze = Squeeze::First;
    for item in items {
        match item {
            Item::Opt('b', _) => formats.extend([OFFSET_LINE.into(), "\"%07.7_ax \" 16/1 \"%03o \" \"\\n\"".into()]),
            Item::Opt('c', _) => formats.extend([OFFSET_LINE.into(), "\"%07.7_ax \" 16/1 \"%3_c \" \"\\n\"".into()]),
            Item::Opt('C', _) => formats.extend([
                "\"%08.8_Ax\n\"".into(),
                "\"%08.8_ax  \" 8/1 \"%02x \" \"  \" 8/1 \"%02x \" ".into(),
                "\"  |\" 16/1 \"%_p\" \"|\\n\"".into(),
            ]),
            Item::Opt('d', _) => formats.extend([OFFSET_LINE.into(), "\"%07.7_ax \" 8/2 \"  %05u \" \"\\n\"".into()]),
            Item::Opt('o', _) => formats.extend([OFFSET_LINE.into(), "\"%07.7_ax \" 8/2 \" %06o \" \"\\n\"".into()]),
            Item::Opt('x', _) => formats.extend([OFFSET_LINE.into(), "\"%07.7_ax \" 8/2 \"   %04x \" \"\\n\"".into()]),
            Item::Opt('e', Some(f)) => formats.push(f),
            Item::Opt('f', Some(path)) => {
                let text = match std::fs::read(&path) {
                    Ok(t) => String::from_utf8_lossy(&t).into_owned(),
                    Err(e) => return Err(die(&format!("can't read {}: {}", path, strerror(&e)))),
                };
                for line in text.lines() {
                    let l = line.trim_start();
                    if !l.is_empty() && !l.starts_with('#') {
                        formats.push(l.to_string());
                    }
                }
            }
            Item::Opt('n', Some(v)) => match parse_size(&v) {
                Some(n) => length = Some(n),
                None => return Err(die(&format!("failed to parse length: '{}': Invalid argument", v))),
            },
            Item::Opt('s', Some(v)) => match parse_size(&v) {
                Some(n) => skip = n,
                None => return Err(die(&format!("failed to parse offset: '{}': Invalid argument", v))),
            },
            Item::Opt('v', _) => squeeze = Squeeze::All,
            Item::Opt('L', _) => return Ok(wsutil::report(&wsutil::Error::Unsupported("--color".into()), 1)),
            Item::Opt('h', _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt('V', _) => {
                println!("hexdump from util-linux 2.38.1");
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    if formats.is_empty() {
        formats.extend([OFFSET_LINE.into(), "\"%07.7_ax \" 8/2 \"%04x \" \"\\n\"".into()]);
    }
    let mut fss = Vec::new();
    for f in &formats {
        fss.push(parse_format(f)?);
    }
    let sizes: Vec<usize> = fss.iter().map(|units| units.iter().map(unit_bytes).sum()).collect();
    let block = sizes.iter().copied().max().unwrap_or(0);
    for (units, &size) in fss.iter_mut().zip(&sizes) {
        rewrite(units, size, block)?;
    }
    let mut src = Source {
        names: files,
        next: 0,
        current: None,
        current_name: String::new(),
        done: false,
        failed_open: false,
        any_opened: false,
        skip,
        address: 0,
    };
    let mut d = Dumper { fss, block, eaddress: None, squeeze, length };
    let mut out = stdout();
    d.display(&mut src, &mut out)?;
    let _ = out.flush();
    Ok(if src.failed_open { 1 } else { 0 })
}

/// Bytes of one unit in the block size: given, or implied by the format.
fn unit_bytes(u: &Unit) -> usize {
    let per = if u.bytes > 0 { u.bytes } else { implied_bytes(&u.fmt) };
    per * u.reps
}

impl Dumper {
    fn display(&mut self, src: &mut Source, out: &mut Out) -> Result<(), Fail> {
        let mut cur = vec![0u8; self.block];
        let mut prev = vec![0u8; self.block];
        let mut first_get = true;
        let mut at_eof = true;
        let mut address = 0u64;
        loop {
            if !first_get {
                std::mem::swap(&mut cur, &mut prev);
                address += self.block as u64;
            }
            first_get = false;
            let got = self.get(src, &mut cur, &prev, &mut address, &mut at_eof, out)?;
            if !got {
                break;
            }
            self.print_block(&cur, address, out);
        }
        // The last %_A unit is the one printed.
        let end_unit = self.fss.iter().flatten().filter(|u| u.end_only).last().cloned();
        if let Some(unit) = end_unit {
            let end = match self.eaddress {
                Some(e) => e,
                None if address == 0 => return Ok(()),
                None => address,
            };
            let mut line = Vec::new();
            for p in &unit.prints {
                match p.conv {
                    Conv::Address(base) => {
                        line.extend_from_slice(&p.text);
                        line.extend_from_slice(&format_address(&p.spec, base, end));
                    }
                    Conv::Text => line.extend_from_slice(&p.text),
                    // Data conversions print nothing at the end.
                    _ => {}
                }
            }
            let _ = out.write_all(&line);
        }
        Ok(())
    }

    /// Fills `cur` with the next block; false at the end. Repeated blocks
    /// are skipped here (printing the `*`).
    #[allow(clippy::too_many_arguments)]
    fn get(
        &mut self,
        src: &mut Source,
        cur: &mut [u8],
        prev: &[u8],
        address: &mut u64,
        at_eof: &mut bool,
        out: &mut Out,
    ) -> Result<bool, Fail> {
        let block = self.block;
        let mut need = block;
        let mut nread = 0;
        loop {
            let more = if self.length == Some(0) {
                false
            } else if *at_eof {
                let opened = src.open_next()?;
                // Skipped bytes count in the addresses.
                *address += src.address;
                src.address = 0;
                opened
            } else {
                true
            };
            if !more {
                if need == block {
                    return Ok(false);
                }
                for b in cur[nread..].iter_mut() {
                    *b = 0;
                }
                self.eaddress = Some(*address + nread as u64);
                return Ok(true);
            }
            let reader = match src.current.as_mut() {
                Some(r) => r,
                None => {
                    show_error("all input file arguments failed");
                    return Ok(false);
                }
            };
            let want = match self.length {
                Some(l) => (l.min(need as u64)) as usize,
                None => need,
            };
            let n = match read_some(reader.as_mut(), &mut cur[nread..nread + want]) {
                Ok(n) => n,
                Err(e) => {
                    let _ = out.flush();
                    show_error(&format!("{}: {}", src.current_name, strerror(&e)));
                    0
                }
            };
            if n == 0 {
                *at_eof = true;
                continue;
            }
            *at_eof = false;
            if let Some(l) = self.length.as_mut() {
                *l -= n as u64;
            }
            need -= n;
            if need == 0 {
                if self.squeeze == Squeeze::All || self.squeeze == Squeeze::First || cur[..] != prev[..] {
                    if self.squeeze == Squeeze::Dup || self.squeeze == Squeeze::First {
                        self.squeeze = Squeeze::Wait;
                    }
                    return Ok(true);
                }
                if self.squeeze == Squeeze::Wait {
                    let _ = out.write_all(b"*\n");
                }
                self.squeeze = Squeeze::Dup;
                *address += block as u64;
                need = block;
                nread = 0;
            } else {
                nread += n;
            }
        }
    }

    fn print_block(&mut self, block: &[u8], base: u64, out: &mut Out) {
        let eaddress = self.eaddress;
        let mut line = Vec::new();
        for units in self.fss.iter_mut() {
            let mut pos = 0usize;
            let mut rem = block.len() as i64;
            let mut address = base;
            for unit in units.iter_mut() {
                if unit.end_only {
                    break;
                }
                let mut cnt = unit.reps;
                while cnt > 0 && rem >= 0 {
                    for p in unit.prints.iter_mut() {
                        if let Some(e) = eaddress {
                            if address >= e && p.conv != Conv::Text {
                                p.blank = true;
                            }
                        }
                        let data = &block[pos.min(block.len())..];
                        print_unit(p, data, address, cnt == 1, &mut line);
                        address += p.bytes as u64;
                        rem -= p.bytes as i64;
                        if rem < 0 {
                            break;
                        }
                        pos += p.bytes;
                    }
                    cnt -= 1;
                }
            }
        }
        let _ = out.write_all(&line);
    }
}

/// Reads at most `buf.len()` bytes, retrying on EINTR (like one fread).
fn read_some(r: &mut dyn ReadSeek, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                if filled > 0 {
                    break;
                }
                return Err(e);
            }
        }
    }
    Ok(filled)
}

fn format_address(spec: &Spec, base: u32, address: u64) -> Vec<u8> {
    if base == 0 {
        return Vec::new();
    }
    let mut s = spec.clone();
    s.conv = match base {
        8 => 'o',
        10 => 'd',
        _ => 'x',
    };
    format_int(&s, address as i128).into_bytes()
}

/// Prints one print unit for the data at `data`.
fn print_unit(p: &Print, data: &[u8], address: u64, last_rep: bool, out: &mut Vec<u8>) {
    if p.conv == Conv::Text {
        let t = match p.nospace {
            Some(cut) if last_rep => &p.text[..cut],
            _ => &p.text[..],
        };
        out.extend_from_slice(t);
        return;
    }
    out.extend_from_slice(&p.text);
    if p.blank {
        // `%s` of "" with the field's width: flags dropped.
        let mut s = Spec { width: p.spec.width, precision: p.spec.precision, conv: 's', ..Spec::default() };
        s.left = false;
        out.extend_from_slice(&format_str(&s, b""));
        return;
    }
    let byte = data.first().copied().unwrap_or(0);
    let mut spec = p.spec.clone();
    match p.conv {
        Conv::Address(base) => out.extend_from_slice(&format_address(&p.spec, base, address)),
        Conv::Char => {
            spec.conv = 'c';
            out.extend_from_slice(&format_char(&spec, byte));
        }
        Conv::Printable => {
            spec.conv = 'c';
            let c = if (0x20..0x7f).contains(&byte) { byte } else { b'.' };
            out.extend_from_slice(&format_char(&spec, c));
        }
        Conv::CharEscape => {
            let esc: Option<&[u8]> = match byte {
                0 => Some(b"\\0"),
                7 => Some(b"\\a"),
                8 => Some(b"\\b"),
                12 => Some(b"\\f"),
                b'\n' => Some(b"\\n"),
                b'\r' => Some(b"\\r"),
                b'\t' => Some(b"\\t"),
                11 => Some(b"\\v"),
                _ => None,
            };
            spec.conv = 's';
            match esc {
                Some(e) => out.extend_from_slice(&format_str(&spec, e)),
                None if (0x20..0x7f).contains(&byte) => {
                    spec.conv = 'c';
                    out.extend_from_slice(&format_char(&spec, byte));
                }
                None => out.extend_from_slice(&format_str(&spec, format!("{:03o}", byte).as_bytes())),
            }
        }
        Conv::Named => {
            const NAMES: [&str; 32] = [
                "nul", "soh", "stx", "etx", "eot", "enq", "ack", "bel", "bs", "ht", "lf", "vt", "ff", "cr", "so", "si",
                "dle", "dc1", "dc2", "dc3", "dc4", "nak", "syn", "etb", "can", "em", "sub", "esc", "fs", "gs", "rs", "us",
            ];
            if byte <= 0x1f || byte == 0x7f {
                spec.conv = 's';
                let name = if byte == 0x7f { "del" } else { NAMES[byte as usize] };
                out.extend_from_slice(&format_str(&spec, name.as_bytes()));
            } else if byte < 0x7f {
                spec.conv = 'c';
                out.extend_from_slice(&format_char(&spec, byte));
            } else {
                spec.conv = 'x';
                out.extend_from_slice(format_int(&spec, byte as i128).as_bytes());
            }
        }
        Conv::Int | Conv::Uint(_) => {
            let mut raw = [0u8; 8];
            let n = p.bytes.min(8).min(data.len());
            raw[..n].copy_from_slice(&data[..n]);
            let u = u64::from_le_bytes(raw);
            let shift = 64 - 8 * p.bytes.clamp(1, 8) as u32;
            let signed = ((u << shift) as i64) >> shift;
            match p.conv {
                Conv::Int => {
                    spec.conv = 'd';
                    out.extend_from_slice(format_int(&spec, signed as i128).as_bytes());
                }
                Conv::Uint(c) => {
                    spec.conv = c;
                    // util-linux passes 1-byte values unsigned, wider ones
                    // through their width's unsigned type.
                    out.extend_from_slice(format_int(&spec, u as i128).as_bytes());
                }
                _ => {}
            }
        }
        Conv::Float(c) => {
            let v = if p.bytes == 4 {
                let mut raw = [0u8; 4];
                let n = 4.min(data.len());
                raw[..n].copy_from_slice(&data[..n]);
                f32::from_le_bytes(raw) as f64
            } else {
                let mut raw = [0u8; 8];
                let n = 8.min(data.len());
                raw[..n].copy_from_slice(&data[..n]);
                f64::from_le_bytes(raw)
            };
            let fs = FloatSpec {
                left: spec.left,
                plus: spec.plus,
                space: spec.space,
                alt: spec.alt,
                zero: spec.zero,
                width: spec.width,
                precision: spec.precision,
                conv: c,
            };
            if v.is_nan() {
                // glibc shows the sign of a NaN.
                let body = if v.is_sign_negative() { "-nan" } else { "nan" };
                let body = if c.is_ascii_uppercase() { body.to_uppercase() } else { body.to_string() };
                let s = Spec { width: spec.width, left: spec.left, conv: 's', ..Spec::default() };
                out.extend_from_slice(&format_str(&s, body.as_bytes()));
            } else {
                out.extend_from_slice(format_float(&fs, v).as_bytes());
            }
        }
        Conv::Str => {
            let n = p.bytes.min(data.len());
            let s = &data[..n];
            let end = s.iter().position(|&c| c == 0).unwrap_or(s.len());
            spec.conv = 's';
            out.extend_from_slice(&format_str(&spec, &s[..end]));
        }
        Conv::Text => {}
    }
}
