//! `printf`: format and print data (GNU coreutils' command, not the shell
//! builtin).
//!
//! Numbers are read as GNU reads them: integers as `intmax_t`/`uintmax_t`
//! with C's 0x and 0 prefixes, `'c` for a character's code, and floats as
//! x87 `long double` (wsutil::xfloat), so `%.20f` prints GNU's digits. A
//! bad number is reported, counts as 0 (or what was read), and makes the
//! exit status 1; the format is reused while arguments remain.

use std::io::Write;
use wsutil::io::{stdout, Out};
use wsutil::printf::{format_char, format_int, format_str, shell_escape, Spec};
use wsutil::xfloat::{self, XFloat};
use wsutil::{quote_locale, show_error};

pub const APPLETS: &[wsutil::Applet] = &[("printf", main)];

const USAGE: &str = "Usage: printf FORMAT [ARGUMENT]...
  or:  printf OPTION
Print ARGUMENT(s) according to FORMAT, or execute according to OPTION:

      --help     display this help and exit
      --version  output version information and exit

FORMAT controls the output as in C printf.  Interpreted sequences are:

  \\\"      double quote
  \\\\      backslash
  \\a      alert (BEL)
  \\b      backspace
  \\c      produce no further output
  \\e      escape
  \\f      form feed
  \\n      new line
  \\r      carriage return
  \\t      horizontal tab
  \\v      vertical tab
  \\NNN    byte with octal value NNN (1 to 3 digits)
  \\xHH    byte with hexadecimal value HH (1 to 2 digits)
  \\uHHHH  Unicode (ISO/IEC 10646) character with hex value HHHH (4 digits)
  \\UHHHHHHHH  Unicode character with hex value HHHHHHHH (8 digits)
  %%      a single %
  %b      ARGUMENT as a string with '\\' escapes interpreted,
          except that octal escapes are of the form \\0 or \\0NNN
  %q      ARGUMENT is printed in a format that can be reused as shell input,
          escaping non-printable characters with the proposed POSIX $'' syntax.

and all C format specifications ending with one of diouxXfeEgGcs, with
ARGUMENTs converted to proper type first.  Variable widths are handled.
";

/// Why formatting stopped before the end.
enum Stop {
    /// `\c`: no further output; GNU exits with status 0.
    Cancel,
    /// A fatal error (already reported): status 1.
    Die,
}

/// The command's state: output and the exit status so far.
struct Printer {
    out: Out,
    status: i32,
}

pub fn main(argv: &[String]) -> i32 {
    if argv.len() == 1 {
        if argv[0] == "--help" {
            print!("{}", USAGE);
            return 0;
        }
        if argv[0] == "--version" {
            println!("printf (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
            return 0;
        }
    }
    let args = match argv.first() {
        Some(first) if first == "--" => &argv[1..],
        _ => argv,
    };
    if args.is_empty() {
        show_error("missing operand");
        eprintln!("Try 'printf --help' for more information.");
        return 1;
    }
    let format = args[0].as_bytes();
    let mut rest: Vec<&[u8]> = args[1..].iter().map(|a| a.as_bytes()).collect();
    let mut p = Printer { out: stdout(), status: 0 };
    let result = loop {
        match p.format(format, &rest) {
            Err(stop) => break Err(stop),
            Ok(used) => {
                rest.drain(..used.min(rest.len()));
                if used == 0 || rest.is_empty() {
                    break Ok(());
                }
            }
        }
    };
    let code = match result {
        Ok(()) => {
            if !rest.is_empty() {
                let _ = p.out.flush();
                show_error(&format!(
                    "warning: ignoring excess arguments, starting with {}",
                    quote_locale(&String::from_utf8_lossy(rest[0]))
                ));
            }
            p.status
        }
        Err(Stop::Cancel) => 0,
        Err(Stop::Die) => 1,
    };
    let _ = p.out.flush();
    code
}

/// The arguments of one pass over the format.
struct Args<'a> {
    list: &'a [&'a [u8]],
    used: usize,
}

impl<'a> Args<'a> {
    fn next(&mut self) -> Option<&'a [u8]> {
        let a = self.list.get(self.used).copied();
        if a.is_some() {
            self.used += 1;
        }
        a
    }
}

/// Which conversions a directive's flags still allow (GNU's `ok` table):
/// `'` and `I` rule out a A c e E o s x X, `#` rules out c d i s u, `0`
/// rules out c s, a precision rules out c.
struct Allowed(Vec<char>);

impl Allowed {
    fn all() -> Self {
        Allowed("aAcdeEfFgGiosuxX".chars().collect())
    }
    fn remove(&mut self, convs: &str) {
        self.0.retain(|c| !convs.contains(*c));
    }
}

impl Printer {
    fn write(&mut self, b: &[u8]) {
        let _ = self.out.write_all(b);
    }

    /// Reports a fatal error: flushes what was printed first, as GNU's
    /// stdio would at exit.
    fn die(&mut self, msg: &str) -> Stop {
        let _ = self.out.flush();
        show_error(msg);
        Stop::Die
    }

    fn warn(&mut self, msg: &str) {
        let _ = self.out.flush();
        show_error(msg);
    }

    fn fail(&mut self, msg: &str) {
        self.warn(msg);
        self.status = 1;
    }

    /// One pass over the format; returns how many arguments it used.
    fn format(&mut self, f: &[u8], args: &[&[u8]]) -> Result<usize, Stop> {
        let mut cursor = Args { list: args, used: 0 };
        let mut i = 0;
        while i < f.len() {
            match f[i] {
                b'%' => i = self.directive(f, i, &mut cursor)?,
                b'\\' => i += 1 + self.escape(&f[i + 1..], false)?,
                c => {
                    self.write(&[c]);
                    i += 1;
                }
            }
        }
        Ok(cursor.used)
    }

    /// Prints the directive starting at `f[start]` (a `%`); returns the
    /// index just after it.
    fn directive(&mut self, f: &[u8], start: usize, args: &mut Args) -> Result<usize, Stop> {
        let mut i = start + 1;
        match f.get(i) {
            Some(b'%') => {
                self.write(b"%");
                return Ok(i + 1);
            }
            Some(b'b') => {
                let arg = args.next().unwrap_or(b"");
                self.escaped_string(arg)?;
                return Ok(i + 1);
            }
            Some(b'q') => {
                let arg = args.next().unwrap_or(b"");
                let q = shell_escape(arg);
                self.write(&q);
                return Ok(i + 1);
            }
            _ => {}
        }
        let mut spec = Spec::default();
        let mut ok = Allowed::all();
        while let Some(&c) = f.get(i) {
            match c {
                b'\'' | b'I' => ok.remove("aAceEosxX"),
                b'-' => spec.left = true,
                b'+' => spec.plus = true,
                b' ' => spec.space = true,
                b'#' => {
                    spec.alt = true;
                    ok.remove("cdisu");
                }
                b'0' => {
                    spec.zero = true;
                    ok.remove("cs");
                }
                _ => break,
            }
            i += 1;
        }
        if f.get(i) == Some(&b'*') {
            i += 1;
            if let Some(arg) = args.next() {
                let w = self.int_arg(arg);
                if w < i32::MIN as i128 || w > i32::MAX as i128 {
                    return Err(self.die(&format!("invalid field width: {}", quote_locale(&String::from_utf8_lossy(arg)))));
                }
                spec.set_star_width(w as i64);
            }
        } else {
            let s = i;
            while f.get(i).map_or(false, |c| c.is_ascii_digit()) {
                i += 1;
            }
            spec.width = digits_value(&f[s..i]);
        }
        if f.get(i) == Some(&b'.') {
            i += 1;
            ok.remove("c");
            if f.get(i) == Some(&b'*') {
                i += 1;
                spec.precision = Some(0);
                if let Some(arg) = args.next() {
                    let p = self.int_arg(arg);
                    if p < 0 {
                        spec.precision = None;
                    } else if p > i32::MAX as i128 {
                        return Err(self.die(&format!("invalid precision: {}", quote_locale(&String::from_utf8_lossy(arg)))));
                    } else {
                        spec.precision = Some(p as usize);
                    }
                }
            } else {
                let s = i;
                while f.get(i).map_or(false, |c| c.is_ascii_digit()) {
                    i += 1;
                }
                spec.precision = Some(digits_value(&f[s..i]));
            }
        }
        while matches!(f.get(i), Some(b'l' | b'L' | b'h' | b'j' | b't' | b'z')) {
            i += 1;
        }
        let conv = f.get(i).copied().unwrap_or(0);
        if !ok.0.contains(&(conv as char)) {
            let end = (i + 1).min(f.len());
            let text = String::from_utf8_lossy(&f[start..end]).into_owned();
            return Err(self.die(&format!("{}: invalid conversion specification", text)));
        }
        spec.conv = conv as char;
        let arg = args.next().unwrap_or(b"");
        self.convert(&spec, arg);
        Ok(i + 1)
    }

    fn convert(&mut self, spec: &Spec, arg: &[u8]) {
        let bytes: Vec<u8> = match spec.conv {
            'd' | 'i' => format_int(spec, self.int_arg(arg)).into_bytes(),
            'o' | 'u' | 'x' | 'X' => format_int(spec, self.uint_arg(arg) as i128).into_bytes(),
            'c' => format_char(spec, arg.first().copied().unwrap_or(0)),
            's' => format_str(spec, arg),
            _ => {
                let v = self.float_arg(arg);
                xfloat::format(&spec.to_float(), &v).into_bytes()
            }
        };
        self.write(&bytes);
    }

    /// A character constant (`'A`, `"é`): its code, and a warning for
    /// anything after the character. None if `arg` is not one.
    fn char_constant(&mut self, arg: &[u8]) -> Option<u32> {
        if arg.len() < 2 || (arg[0] != b'\'' && arg[0] != b'"') {
            return None;
        }
        let rest = &arg[1..];
        let (code, len) = first_char(rest).unwrap_or((rest[0] as u32, 1));
        if len < rest.len() {
            let tail = String::from_utf8_lossy(&rest[len..]).into_owned();
            self.warn(&format!("warning: {}: character(s) following character constant have been ignored", tail));
        }
        Some(code)
    }

    /// Reports a number that was not (completely) read.
    fn check_numeric(&mut self, arg: &[u8], used: usize, range: bool) {
        let shown = quote_locale(&String::from_utf8_lossy(arg));
        if range {
            self.fail(&format!("{}: Numerical result out of range", shown));
        } else if used < arg.len() {
            if used == 0 {
                self.fail(&format!("{}: expected a numeric value", shown));
            } else {
                self.fail(&format!("{}: value not completely converted", shown));
            }
        }
    }

    /// `strtoimax(arg, 0)` with GNU's checks.
    fn int_arg(&mut self, arg: &[u8]) -> i128 {
        if let Some(c) = self.char_constant(arg) {
            return c as i128;
        }
        let (neg, mag, used, overflow) = strtou(arg);
        let (v, range) = if neg {
            if overflow || mag > 1u128 << 63 {
                (i64::MIN as i128, true)
            } else {
                (-(mag as i128), false)
            }
        } else if overflow || mag > i64::MAX as u128 {
            (i64::MAX as i128, true)
        } else {
            (mag as i128, false)
        };
        self.check_numeric(arg, used, range);
        v
    }

    /// `strtoumax(arg, 0)`: a negative number wraps around.
    fn uint_arg(&mut self, arg: &[u8]) -> u64 {
        if let Some(c) = self.char_constant(arg) {
            return c as u64;
        }
        let (neg, mag, used, overflow) = strtou(arg);
        let range = overflow || mag > u64::MAX as u128;
        let v = if range {
            u64::MAX
        } else if neg {
            (mag as u64).wrapping_neg()
        } else {
            mag as u64
        };
        self.check_numeric(arg, used, range);
        v
    }

    fn float_arg(&mut self, arg: &[u8]) -> XFloat {
        if let Some(c) = self.char_constant(arg) {
            return XFloat::from_i128(c as i128);
        }
        let parsed = xfloat::parse(arg);
        self.check_numeric(arg, parsed.used, parsed.range_error);
        parsed.value
    }

    /// A backslash escape (`s` starts after the backslash); returns the
    /// bytes it used. `octal0`: %b's `\0NNN` form.
    fn escape(&mut self, s: &[u8], octal0: bool) -> Result<usize, Stop> {
        let c = match s.first() {
            None => {
                self.write(b"\\");
                return Ok(0);
            }
            Some(&c) => c,
        };
        if c == b'x' {
            let n = s[1..].iter().take(2).take_while(|c| c.is_ascii_hexdigit()).count();
            if n == 0 {
                return Err(self.die("missing hexadecimal number in escape"));
            }
            let v = s[1..1 + n].iter().fold(0u32, |v, &d| v * 16 + hex_value(d));
            self.write(&[v as u8]);
            return Ok(1 + n);
        }
        if (b'0'..=b'7').contains(&c) {
            let skip = usize::from(octal0 && c == b'0');
            let n = s[skip..].iter().take(3).take_while(|c| (b'0'..=b'7').contains(*c)).count();
            let v = s[skip..skip + n].iter().fold(0u32, |v, &d| v * 8 + (d - b'0') as u32);
            self.write(&[v as u8]);
            return Ok(skip + n);
        }
        let simple = match c {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            b'a' => Some(7),
            b'b' => Some(8),
            b'e' => Some(0x1b),
            b'f' => Some(0x0c),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'v' => Some(0x0b),
            b'c' => return Err(Stop::Cancel),
            _ => None,
        };
        if let Some(b) = simple {
            self.write(&[b]);
            return Ok(1);
        }
        if c == b'u' || c == b'U' {
            let want = if c == b'u' { 4 } else { 8 };
            let digits = &s[1..];
            if digits.len() < want || !digits[..want].iter().all(|d| d.is_ascii_hexdigit()) {
                return Err(self.die("missing hexadecimal number in escape"));
            }
            let v = digits[..want].iter().fold(0u32, |v, &d| v.wrapping_mul(16).wrapping_add(hex_value(d)));
            if (v <= 0x9f && v != 0x24 && v != 0x40 && v != 0x60) || (0xd800..=0xdfff).contains(&v) {
                return Err(self.die(&format!("invalid universal character name \\{}{:0w$x}", c as char, v, w = want)));
            }
            match char::from_u32(v) {
                Some(ch) => {
                    let mut buf = [0u8; 4];
                    let enc = ch.encode_utf8(&mut buf).as_bytes().to_vec();
                    self.write(&enc);
                }
                None => {
                    let text = format!("\\U{:08X}", v);
                    self.write(text.as_bytes());
                }
            }
            return Ok(1 + want);
        }
        self.write(&[b'\\', c]);
        Ok(1)
    }

    /// `%b`: the argument with escapes interpreted.
    fn escaped_string(&mut self, s: &[u8]) -> Result<(), Stop> {
        let mut i = 0;
        while i < s.len() {
            if s[i] == b'\\' {
                i += 1 + self.escape(&s[i + 1..], true)?;
            } else {
                let start = i;
                while i < s.len() && s[i] != b'\\' {
                    i += 1;
                }
                let chunk = s[start..i].to_vec();
                self.write(&chunk);
            }
        }
        Ok(())
    }
}

/// The first UTF-8 character of `s` (code, length), if valid.
fn first_char(s: &[u8]) -> Option<(u32, usize)> {
    let n = match s[0] {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return None,
    };
    let text = std::str::from_utf8(s.get(..n)?).ok()?;
    text.chars().next().map(|c| (c as u32, n))
}

fn hex_value(d: u8) -> u32 {
    (d as char).to_digit(16).unwrap_or(0)
}

/// A width or precision written in the format (saturating).
fn digits_value(d: &[u8]) -> usize {
    d.iter().fold(0usize, |v, &c| v.saturating_mul(10).saturating_add((c - b'0') as usize)).min(i32::MAX as usize)
}

/// The common part of `strtoimax`/`strtoumax` with base 0: leading white
/// space, a sign, a 0x (hex) or 0 (octal) prefix, digits. Returns (negative,
/// magnitude, bytes used (0 when no digits), overflowed u128).
fn strtou(s: &[u8]) -> (bool, u128, usize, bool) {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        i += 1;
    }
    let mut neg = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    let mut radix = 10;
    if s.get(i) == Some(&b'0') {
        if matches!(s.get(i + 1), Some(b'x' | b'X')) && s.get(i + 2).map_or(false, |c| c.is_ascii_hexdigit()) {
            radix = 16;
            i += 2;
        } else {
            radix = 8;
        }
    }
    let start = i;
    let mut v: u128 = 0;
    let mut overflow = false;
    while i < s.len() {
        let d = match (s[i] as char).to_digit(radix) {
            Some(d) => d,
            None => break,
        };
        match v.checked_mul(radix as u128).and_then(|x| x.checked_add(d as u128)) {
            Some(x) if x <= u64::MAX as u128 + 1 => v = x,
            _ => overflow = true,
        }
        i += 1;
    }
    if i == start {
        return (false, 0, 0, false);
    }
    (neg, v, i, overflow)
}
