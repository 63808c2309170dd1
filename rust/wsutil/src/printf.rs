//! C `printf` conversions for integers, characters and strings (%d %i %o
//! %u %x %X %c %s), with glibc's handling of flags, width and precision,
//! and GNU's `shell-escape` quoting (`printf %q`, `ls --quoting-style`).
//! Shared by the `printf` applet and `awk`; floats are in `cfmt` (double)
//! and `xfloat` (long double).

/// One `%` directive once its `*` width and precision are known.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Spec {
    /// `-`: pad on the right.
    pub left: bool,
    /// `+`: a sign on positive numbers.
    pub plus: bool,
    /// ` `: a space where the sign of a positive number would be.
    pub space: bool,
    /// `#`: 0 before octal, 0x before hex, a point in floats.
    pub alt: bool,
    /// `0`: pad numbers with zeros after the sign.
    pub zero: bool,
    pub width: usize,
    pub precision: Option<usize>,
    /// The conversion letter.
    pub conv: char,
}

impl Spec {
    /// A C `int` width from `*`: negative means left-justified.
    pub fn set_star_width(&mut self, w: i64) {
        if w < 0 {
            self.left = true;
        }
        self.width = w.unsigned_abs() as usize;
    }

    /// The same directive for the float formatters.
    pub fn to_float(&self) -> crate::cfmt::FloatSpec {
        crate::cfmt::FloatSpec {
            left: self.left,
            plus: self.plus,
            space: self.space,
            alt: self.alt,
            zero: self.zero,
            width: self.width,
            precision: self.precision,
            conv: self.conv,
        }
    }
}

/// Pads `body` to the spec's width with spaces (left or right).
pub fn pad(spec: &Spec, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len().max(spec.width));
    let fill = spec.width.saturating_sub(body.len());
    if !spec.left {
        out.resize(fill, b' ');
    }
    out.extend_from_slice(body);
    if spec.left {
        out.resize(out.len() + fill, b' ');
    }
    out
}

/// `%d %i` (signed) and `%o %u %x %X` (the value taken as unsigned: pass a
/// non-negative value, e.g. a `u64` widened).
pub fn format_int(spec: &Spec, v: i128) -> String {
    let signed = matches!(spec.conv, 'd' | 'i');
    let neg = signed && v < 0;
    let mag = v.unsigned_abs();
    let mut digits = match spec.conv {
        'o' => format!("{:o}", mag),
        'x' => format!("{:x}", mag),
        'X' => format!("{:X}", mag),
        _ => format!("{}", mag),
    };
    if let Some(p) = spec.precision {
        if p == 0 && mag == 0 {
            digits.clear();
        }
        if digits.len() < p {
            digits = format!("{}{}", "0".repeat(p - digits.len()), digits);
        }
    }
    let mut prefix = String::new();
    if neg {
        prefix.push('-');
    } else if signed && spec.plus {
        prefix.push('+');
    } else if signed && spec.space {
        prefix.push(' ');
    }
    if spec.alt {
        match spec.conv {
            'o' if !digits.starts_with('0') => digits.insert(0, '0'),
            'x' if mag != 0 => prefix.push_str("0x"),
            'X' if mag != 0 => prefix.push_str("0X"),
            _ => {}
        }
    }
    let len = prefix.len() + digits.len();
    if len >= spec.width {
        return prefix + &digits;
    }
    let fill = spec.width - len;
    if spec.left {
        format!("{}{}{}", prefix, digits, " ".repeat(fill))
    } else if spec.zero && spec.precision.is_none() {
        format!("{}{}{}", prefix, "0".repeat(fill), digits)
    } else {
        format!("{}{}{}", " ".repeat(fill), prefix, digits)
    }
}

/// `%s`: at most `precision` bytes, padded to the width.
pub fn format_str(spec: &Spec, s: &[u8]) -> Vec<u8> {
    let body = match spec.precision {
        Some(p) if p < s.len() => &s[..p],
        _ => s,
    };
    pad(spec, body)
}

/// `%c`: one byte (C's `char`), padded to the width.
pub fn format_char(spec: &Spec, c: u8) -> Vec<u8> {
    pad(spec, &[c])
}

/// Decodes one UTF-8 character at the start of `s`: Some((char, length)),
/// or None for an invalid or incomplete sequence.
fn decode_utf8(s: &[u8]) -> Option<(char, usize)> {
    let n = match s.first()? {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return None,
    };
    let text = std::str::from_utf8(s.get(..n)?).ok()?;
    text.chars().next().map(|c| (c, n))
}

/// Whether glibc's `iswprint` holds in a UTF-8 locale (approximately: C0
/// and C1 controls and DEL are not printable, everything else is).
fn printable(c: char) -> bool {
    !(c < ' ' || ('\u{7f}'..='\u{9f}').contains(&c))
}

/// GNU `quotearg`'s `shell-escape` style, as `printf %q` and `ls` print
/// names: bare when the shell needs no quoting, `"..."` for names whose
/// only special character is an apostrophe, else `'...'` with `$'\n'`
/// pieces for unprintable characters.
pub fn shell_escape(arg: &[u8]) -> Vec<u8> {
    let mut q = Quoter { elide: true, ..Quoter::default() };
    if q.run(arg) {
        return q.out;
    }
    // Something needs quotes: quote everything.
    let mut q = Quoter::default();
    q.run(arg);
    if q.single_quote {
        if q.all_compat {
            let mut out = vec![b'"'];
            out.extend_from_slice(arg);
            out.push(b'"');
            return out;
        }
        // gnulib writes the string again, keeping the pending-escape
        // state of the first pass (which can add a leading '').
        let pending = q.pending;
        q = Quoter { pending, ..Quoter::default() };
        q.run(arg);
    }
    q.out
}

/// The state of one pass of the shell quoting.
#[derive(Default)]
struct Quoter {
    out: Vec<u8>,
    /// No outer quotes yet: any special character aborts the pass.
    elide: bool,
    /// Inside a `$'...'` piece.
    pending: bool,
    single_quote: bool,
    /// Every character could go in double quotes as it is.
    all_compat: bool,
}

impl Quoter {
    /// One pass; false when outer quotes turn out to be needed (elide).
    fn run(&mut self, arg: &[u8]) -> bool {
        self.all_compat = true;
        if !self.elide {
            self.out.push(b'\'');
        }
        let mut i = 0;
        while i < arg.len() {
            let c = arg[i];
            let mut compat = false;
            let escape = match c {
                0x07 => Some(b'a'),
                0x08 => Some(b'b'),
                0x0c => Some(b'f'),
                b'\n' => Some(b'n'),
                b'\r' => Some(b'r'),
                b'\t' => Some(b't'),
                0x0b => Some(b'v'),
                _ => None,
            };
            if let Some(e) = escape {
                if self.elide {
                    return false;
                }
                self.start_escape();
                self.out.push(e);
                i += 1;
                self.all_compat = false;
                continue;
            }
            match c {
                // Braces are special only alone, `#` and `~` only first.
                b'{' | b'}' if arg.len() != 1 => {}
                b'#' | b'~' | b'{' | b'}' if i != 0 => {}
                b'#' | b'~' | b'{' | b'}' | b' ' => {
                    compat = true;
                    if self.elide {
                        return false;
                    }
                }
                b'?' | b'\\' | b'!' | b'"' | b'$' | b'&' | b'(' | b')' | b'*' | b';' | b'<' | b'=' | b'>' | b'['
                | b'^' | b'`' | b'|' => {
                    if self.elide {
                        return false;
                    }
                }
                b'\'' => {
                    self.single_quote = true;
                    compat = true;
                    if self.elide {
                        return false;
                    }
                    self.out.extend_from_slice(b"'\\'");
                    self.pending = false;
                }
                b'%' | b'+' | b',' | b'-' | b'.' | b'/' | b'0'..=b'9' | b':' | b'A'..=b'Z' | b']' | b'_' | b'a'..=b'z' => {
                    compat = true
                }
                _ => {
                    let (len, ok) = match decode_utf8(&arg[i..]) {
                        Some((ch, n)) => (n, printable(ch)),
                        None if arg[i] >= 0xc2 && arg[i] <= 0xf4 && incomplete(&arg[i..]) => (arg.len() - i, false),
                        None => (1, false),
                    };
                    if !ok && self.elide {
                        return false;
                    }
                    for &b in &arg[i..i + len] {
                        if ok {
                            self.end_escape();
                            self.out.push(b);
                        } else {
                            self.start_escape();
                            self.out.extend_from_slice(&[b'0' + (b >> 6), b'0' + ((b >> 3) & 7), b'0' + (b & 7)]);
                        }
                    }
                    if !ok {
                        self.all_compat = false;
                    }
                    i += len;
                    continue;
                }
            }
            self.end_escape();
            self.out.push(c);
            if !compat {
                self.all_compat = false;
            }
            i += 1;
        }
        if self.elide && self.out.is_empty() {
            return false;
        }
        if !self.elide {
            self.out.push(b'\'');
        }
        true
    }

    fn start_escape(&mut self) {
        if !self.pending {
            self.out.extend_from_slice(b"'$'");
            self.pending = true;
        }
        self.out.push(b'\\');
    }

    fn end_escape(&mut self) {
        if self.pending {
            self.out.extend_from_slice(b"''");
            self.pending = false;
        }
    }
}

/// A UTF-8 sequence cut short by the end of the string (mbrtowc's -2).
fn incomplete(s: &[u8]) -> bool {
    let need = match s[0] {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    };
    s.len() < need && s[1..].iter().all(|&b| (0x80..0xc0).contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(conv: char) -> Spec {
        Spec { conv, ..Spec::default() }
    }

    #[test]
    fn integers_like_glibc() {
        let mut s = spec('o');
        s.alt = true;
        assert_eq!(format_int(&s, 8), "010");
        s.precision = Some(0);
        assert_eq!(format_int(&s, 0), "0");
        let mut s = spec('x');
        s.alt = true;
        assert_eq!(format_int(&s, 255), "0xff");
        assert_eq!(format_int(&s, 0), "0");
        let mut s = spec('d');
        s.zero = true;
        s.width = 5;
        assert_eq!(format_int(&s, -5), "-0005");
        s.precision = Some(3);
        assert_eq!(format_int(&s, 7), "  007");
        let mut s = spec('d');
        s.precision = Some(0);
        assert_eq!(format_int(&s, 0), "");
        s.plus = true;
        assert_eq!(format_int(&s, 5), "+5");
    }

    fn q(s: &[u8]) -> String {
        String::from_utf8_lossy(&shell_escape(s)).into_owned()
    }

    #[test]
    fn shell_escape_like_gnu() {
        assert_eq!(q(b"abc"), "abc");
        assert_eq!(q(b""), "''");
        assert_eq!(q(b"a b"), "'a b'");
        assert_eq!(q(b"it's"), "\"it's\"");
        assert_eq!(q(b"it's $x"), "'it'\\''s $x'");
        assert_eq!(q(b"a\nb"), "'a'$'\\n''b'");
        assert_eq!(q(b"a\n"), "'a'$'\\n'");
        assert_eq!(q(b"\x7f"), "''$'\\177'");
        assert_eq!(q(b"\xc2\x80"), "''$'\\302\\200'");
        assert_eq!(q(b"x~"), "x~");
        assert_eq!(q(b"~x"), "'~x'");
        assert_eq!(q(b"{}"), "{}");
        assert_eq!(q(b"{"), "'{'");
        assert_eq!(q(b"it's#"), "'it'\\''s#'");
        assert_eq!(q(b"#it's"), "\"#it's\"");
        assert_eq!(q(b"it's\n"), "'''it'\\''s'$'\\n'");
        assert_eq!(q(b"\nit's"), "''$'\\n''it'\\''s'");
        assert_eq!(q(b"'$"), "''\\''$'");
        assert_eq!(q("é".as_bytes()), "é");
        assert_eq!(q(b"a\\b"), "'a\\b'");
    }
}
