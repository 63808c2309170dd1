//! awk's values: numbers (doubles), strings (bytes), "strnums" (input that
//! may look like a number) and the uninitialized value; conversions
//! between them with gawk's rules, and comparison.
//!
//! String to number follows gawk's `force_number`: surrounding blanks are
//! ignored, a leading letter or `0x` gives 0, `+inf`/`-nan` (exactly
//! those four characters after the sign) are the IEEE values, and
//! otherwise the longest decimal prefix counts. Input text is a number for
//! comparisons only if all of it is one.
//!
//! Number to string: integral values print as integers (all digits, even
//! 1e300), others through CONVFMT or OFMT; infinities and NaNs as gawk
//! writes them, `+inf`, `-inf`, `+nan`, `-nan`.

pub const APPLETS: &[wsutil::Applet] = &[];

use std::rc::Rc;

pub type Bytes = Rc<Vec<u8>>;

#[derive(Clone, Debug)]
pub enum Value {
    /// Never assigned: "" as a string, 0 as a number; compares as either.
    Uninit,
    Num(f64),
    Str(Bytes),
    /// User input (fields, getline, split, ARGV, ENVIRON, -v): a number
    /// in comparisons when it looks like one.
    StrNum(Bytes),
}

pub fn bytes(v: &[u8]) -> Bytes {
    Rc::new(v.to_vec())
}

/// C's isspace in the C locale.
pub fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 11 | 12)
}

/// The IEEE special values gawk reads: a sign, then `inf` or `nan`.
fn ieee_magic(t: &[u8]) -> Option<f64> {
    if t.len() < 4 || (t[0] != b'+' && t[0] != b'-') {
        return None;
    }
    let word = t[1..4].to_ascii_lowercase();
    let neg = t[0] == b'-';
    match &word[..] {
        b"inf" => Some(if neg { f64::NEG_INFINITY } else { f64::INFINITY }),
        b"nan" => Some(if neg { -f64::NAN } else { f64::NAN }),
        _ => None,
    }
}

/// The end of the longest prefix of `t` that `strtod` reads as a decimal
/// number (0 when there is none).
fn decimal_prefix(t: &[u8]) -> usize {
    let mut i = 0;
    if i < t.len() && (t[i] == b'+' || t[i] == b'-') {
        i += 1;
    }
    let mut digits = 0;
    while i < t.len() && t[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < t.len() && t[i] == b'.' {
        i += 1;
        while i < t.len() && t[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return 0;
    }
    if i < t.len() && (t[i] == b'e' || t[i] == b'E') {
        let mut j = i + 1;
        if j < t.len() && (t[j] == b'+' || t[j] == b'-') {
            j += 1;
        }
        if j < t.len() && t[j].is_ascii_digit() {
            while j < t.len() && t[j].is_ascii_digit() {
                j += 1;
            }
            i = j;
        }
    }
    i
}

fn parse_prefix(t: &[u8]) -> f64 {
    let s = std::str::from_utf8(t).unwrap_or("0");
    let s = s.strip_suffix('.').filter(|x| !x.is_empty() && x != &"+" && x != &"-").unwrap_or(s);
    s.parse::<f64>().unwrap_or(0.0)
}

/// Trims C blanks on both sides.
fn trim(s: &[u8]) -> &[u8] {
    let mut a = 0;
    let mut b = s.len();
    while a < b && is_space(s[a]) {
        a += 1;
    }
    while b > a && is_space(s[b - 1]) {
        b -= 1;
    }
    &s[a..b]
}

fn is_hex(t: &[u8]) -> bool {
    let t = if !t.is_empty() && (t[0] == b'+' || t[0] == b'-') { &t[1..] } else { t };
    t.len() >= 2 && t[0] == b'0' && (t[1] == b'x' || t[1] == b'X')
}

/// A string's numeric value, and whether all of it is a number.
pub fn str_to_num_full(s: &[u8]) -> (f64, bool) {
    if let Some(n) = plain_int(s) {
        return (n, true);
    }
    let t = trim(s);
    if t.is_empty() || t[0].is_ascii_alphabetic() {
        return (0.0, false);
    }
    if let Some(v) = ieee_magic(t) {
        return if t.len() == 4 { (v, true) } else { (0.0, false) };
    }
    if is_hex(t) {
        return (0.0, false);
    }
    if t.len() == 1 {
        return if t[0].is_ascii_digit() { ((t[0] - b'0') as f64, true) } else { (0.0, false) };
    }
    let end = decimal_prefix(t);
    if end == 0 {
        return (0.0, false);
    }
    (parse_prefix(&t[..end]), end == t.len())
}

pub fn str_to_num(s: &[u8]) -> f64 {
    str_to_num_full(s).0
}

/// The common case, an optional minus and up to 15 digits (exact as a
/// double), without the general path.
#[inline]
fn plain_int(s: &[u8]) -> Option<f64> {
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || digits.len() > 15 {
        return None;
    }
    let mut v = 0u64;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (c - b'0') as u64;
    }
    Some(if neg { -(v as f64) } else { v as f64 })
}

/// Whether input text counts as a number in comparisons.
pub fn looks_numeric(s: &[u8]) -> bool {
    str_to_num_full(s).1
}

/// The text of an integral double, all digits.
pub fn int_text(v: f64) -> Vec<u8> {
    if v.abs() < 9.0e15 {
        let mut out = Vec::with_capacity(20);
        let i = v as i64;
        if i < 0 {
            out.push(b'-');
        }
        let mut n = i.unsigned_abs();
        let mut buf = [0u8; 20];
        let mut k = buf.len();
        loop {
            k -= 1;
            buf[k] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        out.extend_from_slice(&buf[k..]);
        out
    } else {
        let s = format!("{:.0}", v);
        let s = if s == "-0" { "0".to_string() } else { s };
        s.into_bytes()
    }
}

/// How gawk writes infinities and NaNs.
pub fn special_text(v: f64) -> &'static [u8] {
    if v.is_nan() {
        if v.is_sign_negative() {
            b"-nan"
        } else {
            b"+nan"
        }
    } else if v > 0.0 {
        b"+inf"
    } else {
        b"-inf"
    }
}

/// Number to string: integers as integers, others through `fmt`
/// (CONVFMT or OFMT), which the caller formats.
pub fn num_to_str(v: f64, fmt: &dyn Fn(f64) -> Vec<u8>) -> Vec<u8> {
    if !v.is_finite() {
        return special_text(v).to_vec();
    }
    if v == v.trunc() {
        return int_text(v);
    }
    fmt(v)
}

impl Value {
    pub fn from_str(s: &[u8]) -> Value {
        Value::Str(bytes(s))
    }

    pub fn strnum(s: &[u8]) -> Value {
        Value::StrNum(bytes(s))
    }

    pub fn to_num(&self) -> f64 {
        match self {
            Value::Uninit => 0.0,
            Value::Num(n) => *n,
            Value::Str(s) | Value::StrNum(s) => str_to_num(s),
        }
    }

    /// Whether comparisons treat it as a number (gawk's NUMBER flag).
    pub fn is_numeric(&self) -> bool {
        match self {
            Value::Uninit | Value::Num(_) => true,
            Value::Str(_) => false,
            Value::StrNum(s) => looks_numeric(s),
        }
    }

    /// awk's truth: nonzero numbers, nonempty strings.
    pub fn truth(&self) -> bool {
        match self {
            Value::Uninit => false,
            Value::Num(n) => *n != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::StrNum(s) => {
                let (n, full) = str_to_num_full(s);
                if full {
                    n != 0.0
                } else {
                    !s.is_empty()
                }
            }
        }
    }
}

/// Compares two numbers for sorting: NaN above everything, NaNs equal.
pub fn cmp_nums(a: f64, b: f64) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    if a.is_nan() {
        return if b.is_nan() { Equal } else { Greater };
    }
    if b.is_nan() {
        return Less;
    }
    a.partial_cmp(&b).unwrap_or(Equal)
}

/// Byte-wise string comparison, optionally ignoring case (gawk's
/// IGNORECASE compares case-folded text).
pub fn cmp_bytes(a: &[u8], b: &[u8], icase: bool) -> std::cmp::Ordering {
    if icase {
        let la = lower_bytes(a);
        let lb = lower_bytes(b);
        return la.cmp(&lb);
    }
    a.cmp(b)
}

/// Lower-cases UTF-8 text character by character (invalid bytes stay).
pub fn lower_bytes(s: &[u8]) -> Vec<u8> {
    map_case(s, false)
}

pub fn upper_bytes(s: &[u8]) -> Vec<u8> {
    map_case(s, true)
}

fn map_case(s: &[u8], upper: bool) -> Vec<u8> {
    if s.is_ascii() {
        return if upper { s.to_ascii_uppercase() } else { s.to_ascii_lowercase() };
    }
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let n = super::awk_lex::utf8_len(&s[i..]);
        if n == 1 {
            out.push(if upper { s[i].to_ascii_uppercase() } else { s[i].to_ascii_lowercase() });
            i += 1;
            continue;
        }
        let ch = std::str::from_utf8(&s[i..i + n]).ok().and_then(|t| t.chars().next());
        match ch {
            Some(c) => {
                let mapped: Vec<char> = if upper { c.to_uppercase().collect() } else { c.to_lowercase().collect() };
                // towupper/towlower map one character to one.
                let m = if mapped.len() == 1 { mapped[0] } else { c };
                let mut buf = [0u8; 4];
                out.extend_from_slice(m.encode_utf8(&mut buf).as_bytes());
            }
            None => out.extend_from_slice(&s[i..i + n]),
        }
        i += n;
    }
    out
}

/// Number of characters (UTF-8; an invalid byte counts as one).
pub fn char_count(s: &[u8]) -> usize {
    if s.is_ascii() {
        return s.len();
    }
    let mut i = 0;
    let mut n = 0;
    while i < s.len() {
        i += super::awk_lex::utf8_len(&s[i..]);
        n += 1;
    }
    n
}

/// Byte offset of character number `chars` (0-based), clamped to the end.
pub fn char_offset(s: &[u8], chars: usize) -> usize {
    if s.is_ascii() {
        return chars.min(s.len());
    }
    let mut i = 0;
    let mut n = 0;
    while i < s.len() && n < chars {
        i += super::awk_lex::utf8_len(&s[i..]);
        n += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strtod_rules() {
        assert_eq!(str_to_num(b" 12 "), 12.0);
        assert_eq!(str_to_num(b"3abc"), 3.0);
        assert_eq!(str_to_num(b"0x1A"), 0.0);
        assert_eq!(str_to_num(b".5"), 0.5);
        assert_eq!(str_to_num(b"1e3x"), 1000.0);
        assert!(str_to_num(b"+inf").is_infinite());
        assert_eq!(str_to_num(b"inf"), 0.0);
        assert!(looks_numeric(b" 1.5e2 "));
        assert!(!looks_numeric(b"1.5e2x"));
        assert!(!looks_numeric(b""));
        assert_eq!(str_to_num(b"5."), 5.0);
    }
}
