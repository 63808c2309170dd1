//! `truncate`: set files' sizes, absolutely or relative to their own (or
//! a reference file's) size: `N`, `+N`, `-N`, `<N` (at most), `>N` (at
//! least), `/N` (round down to a multiple), `%N` (round up).

use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::fsext;
use wsutil::{quote_always, quote_locale, report, show_error, strerror, Error, Result, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("truncate", main)];

const SPEC: Spec = Spec {
    short: "cor:s:",
    long: &[
        ("no-create", HasArg::No, 'c'),
        ("io-blocks", HasArg::No, 'o'),
        ("reference", HasArg::Required, 'r'),
        ("size", HasArg::Required, 's'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: truncate OPTION... FILE...
Shrink or extend the size of each FILE to the specified size

A FILE argument that does not exist is created.

If a FILE is larger than the specified size, the extra data is lost.
If a FILE is shorter, it is extended and the sparse extended part (hole)
reads as zero bytes.

  -c, --no-create        do not create any files
  -o, --io-blocks        treat SIZE as number of IO blocks instead of bytes
  -r, --reference=RFILE  base size on RFILE
  -s, --size=SIZE        set or adjust the file size by SIZE bytes

SIZE is an integer and optional unit (example: 10K is 10*1024).
Units are K,M,G,T,P,E,Z,Y (powers of 1024) or KB,MB,... (powers of 1000).

SIZE may also be prefixed by one of the following modifying characters:
'+' extend by, '-' reduce by, '<' at most, '>' at least,
'/' round down to multiple of, '%' round up to multiple of.
";

/// The I/O block size reported for every file (`-o`): ext4's, which is
/// what the differential tests compare with.
const IO_BLOCK: i64 = 4096;

const ENOENT: i32 = 44;
const EISDIR: i32 = 31;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Absolute,
    Relative,
    AtMost,
    AtLeast,
    RoundDown,
    RoundUp,
}

#[derive(Debug, PartialEq, Eq)]
enum NumError {
    Invalid,
    Overflow,
}

/// `xdectoimax` with truncate's suffixes: a signed decimal integer (after
/// optional blanks) and an optional unit K, M, G, T, P, E, Z, Y (g, k, m,
/// t too), powers of 1024, or 1000 when followed by B (or D); `iB` is 1024.
fn parse_number(s: &str) -> std::result::Result<i64, NumError> {
    let t = s.trim_start_matches(|c: char| c == ' ' || ('\t'..='\r').contains(&c));
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let end = digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
    if end == 0 {
        return Err(NumError::Invalid);
    }
    let mut value: i128 = 0;
    for b in digits[..end].bytes() {
        value = (value * 10 + (b - b'0') as i128).min(i128::MAX / 100);
    }
    if neg {
        value = -value;
    }
    let suffix = &digits[end..];
    if !suffix.is_empty() {
        let mut chars = suffix.chars();
        let unit = chars.next().unwrap_or(' ');
        let power = match unit {
            'k' | 'K' => 1,
            'm' | 'M' => 2,
            'g' | 'G' => 3,
            't' | 'T' => 4,
            'P' => 5,
            'E' => 6,
            'Z' => 7,
            'Y' => 8,
            _ => return Err(NumError::Invalid),
        };
        let rest = chars.as_str();
        let base: i128 = match rest {
            "" | "iB" => 1024,
            "B" | "D" => 1000,
            _ => return Err(NumError::Invalid),
        };
        for _ in 0..power {
            value = (value * base).clamp(-(i128::MAX / 2000), i128::MAX / 2000);
        }
    }
    if value > i64::MAX as i128 || value < i64::MIN as i128 {
        return Err(NumError::Overflow);
    }
    Ok(value as i64)
}

/// Reads `--size`: an optional modifier, then the number.
fn parse_size(arg: &str) -> Result<(Mode, i64)> {
    let blank = |c: char| c == ' ' || ('\t'..='\r').contains(&c);
    let mut s = arg.trim_start_matches(blank);
    let mut mode = Mode::Absolute;
    if let Some(c) = s.chars().next() {
        let m = match c {
            '<' => Some(Mode::AtMost),
            '>' => Some(Mode::AtLeast),
            '/' => Some(Mode::RoundDown),
            '%' => Some(Mode::RoundUp),
            _ => None,
        };
        if let Some(m) = m {
            mode = m;
            s = s[1..].trim_start_matches(blank);
        }
    }
    if s.starts_with('+') || s.starts_with('-') {
        if mode != Mode::Absolute {
            return Err(UsageError::new("multiple relative modifiers specified").into());
        }
        mode = Mode::Relative;
    }
    let size = parse_number(s).map_err(|e| {
        let mut msg = format!("Invalid number: {}", quote_locale(s));
        if e == NumError::Overflow {
            msg.push_str(": Value too large for defined data type");
        }
        Error::Fatal(msg)
    })?;
    if matches!(mode, Mode::RoundDown | Mode::RoundUp) && size == 0 {
        return Err(Error::Fatal("division by zero".into()));
    }
    Ok((mode, size))
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

struct Settings {
    mode: Mode,
    size: i64,
    /// The reference file's size, base of a relative size.
    base: Option<i64>,
    blocks: bool,
    no_create: bool,
}

fn run(argv: &[String]) -> Result<i32> {
    let mut size: Option<(Mode, i64)> = None;
    let mut reference: Option<String> = None;
    let mut blocks = false;
    let mut no_create = false;
    let mut files = Vec::new();
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt('c', _) => no_create = true,
            Item::Opt('o', _) => blocks = true,
            Item::Opt('r', v) => reference = v,
            Item::Opt('s', Some(v)) => size = Some(parse_size(&v)?),
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("truncate (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(..) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    if size.is_none() && reference.is_none() {
        return Err(UsageError::new(format!(
            "you must specify either {} or {}",
            quote_locale("--size"),
            quote_locale("--reference")
        ))
        .into());
    }
    if reference.is_some() && matches!(size, Some((Mode::Absolute, _))) {
        return Err(UsageError::new(format!(
            "you must specify a relative {} with {}",
            quote_locale("--size"),
            quote_locale("--reference")
        ))
        .into());
    }
    if blocks && size.is_none() {
        return Err(UsageError::new(format!(
            "{} was specified but {} was not",
            quote_locale("--io-blocks"),
            quote_locale("--size")
        ))
        .into());
    }
    if files.is_empty() {
        return Err(UsageError::new("missing file operand").into());
    }
    let mut s = Settings { mode: Mode::Absolute, size: 0, base: None, blocks, no_create };
    if let Some(r) = &reference {
        let st = fsext::stat(r, true)
            .map_err(|e| Error::Fatal(format!("cannot stat {}: {}", quote_always(r), strerror(&e))))?;
        match size {
            None => s.size = st.size as i64,
            Some(_) => s.base = Some(st.size as i64),
        }
    }
    if let Some((mode, n)) = size {
        s.mode = mode;
        s.size = n;
    }
    let mut ok = true;
    for f in &files {
        ok &= truncate_one(&s, f);
    }
    Ok(if ok { 0 } else { 1 })
}

fn new_size(s: &Settings, name: &str, current: i64) -> Option<i64> {
    let mut size = s.size;
    if s.blocks {
        size = match size.checked_mul(IO_BLOCK) {
            Some(v) => v,
            None => {
                show_error(&format!(
                    "overflow in {} * {} byte blocks for file {}",
                    s.size,
                    IO_BLOCK,
                    quote_always(name)
                ));
                return None;
            }
        };
    }
    let from = s.base.unwrap_or(current);
    let n = match s.mode {
        Mode::Absolute => size,
        Mode::AtLeast => from.max(size),
        Mode::AtMost => from.min(size),
        Mode::RoundDown => from / size * size,
        Mode::RoundUp => {
            let r = from % size;
            if r == 0 {
                from
            } else {
                match from.checked_add(size - r) {
                    Some(v) => v,
                    None => {
                        show_error(&format!("overflow rounding up size of file {}", quote_always(name)));
                        return None;
                    }
                }
            }
        }
        Mode::Relative => match from.checked_add(size) {
            Some(v) => v,
            None => {
                show_error(&format!("overflow extending size of file {}", quote_always(name)));
                return None;
            }
        },
    };
    Some(n.max(0))
}

fn truncate_one(s: &Settings, name: &str) -> bool {
    let opened = if name.is_empty() {
        Err(std::io::Error::from_raw_os_error(ENOENT))
    } else if name.ends_with('/') && !s.no_create {
        // Linux refuses O_CREAT on a name with a trailing slash outright.
        Err(std::io::Error::from_raw_os_error(EISDIR))
    } else {
        std::fs::OpenOptions::new().write(true).create(!s.no_create).open(name)
    };
    let file = match opened {
        Ok(f) => f,
        Err(e) => {
            if s.no_create && e.raw_os_error() == Some(ENOENT) {
                return true;
            }
            show_error(&format!("cannot open {} for writing: {}", quote_always(name), strerror(&e)));
            return false;
        }
    };
    let current = match file.metadata() {
        Ok(m) => m.len() as i64,
        Err(e) => {
            show_error(&format!("cannot fstat {}: {}", quote_always(name), strerror(&e)));
            return false;
        }
    };
    let size = match new_size(s, name, current) {
        Some(n) => n,
        None => return false,
    };
    if let Err(e) = file.set_len(size as u64) {
        show_error(&format!("failed to truncate {} at {} bytes: {}", quote_always(name), size, strerror(&e)));
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_number("5"), Ok(5));
        assert_eq!(parse_number(" 5"), Ok(5));
        assert_eq!(parse_number("-3"), Ok(-3));
        assert_eq!(parse_number("1K"), Ok(1024));
        assert_eq!(parse_number("1KB"), Ok(1000));
        assert_eq!(parse_number("1KiB"), Ok(1024));
        assert_eq!(parse_number("010"), Ok(10));
        assert_eq!(parse_number("5b"), Err(NumError::Invalid));
        assert_eq!(parse_number("1Q"), Err(NumError::Invalid));
        assert_eq!(parse_number("9223372036854775808"), Err(NumError::Overflow));
        assert_eq!(parse_number("+-5"), Err(NumError::Invalid));
    }
}
