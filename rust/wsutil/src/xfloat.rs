//! The x87 80-bit `long double` that GNU `printf` computes with on
//! x86-64: `strtold` parsing and glibc's `%f %e %g %a` output of it.
//!
//! With a `double`, `printf '%.20f' 0.1` or `printf '%.2f' 1.005` print
//! other digits than GNU does. A value here is exactly what glibc would
//! hold (a 64-bit mantissa, round-half-even from the decimal text), and
//! output is the exact decimal expansion rounded the way glibc rounds, so
//! the bytes match. Nothing computes with these values; they are only read
//! and printed.

use crate::cfmt::FloatSpec;

/// An unsigned big integer, little-endian base-2^32 limbs, no trailing zero
/// limbs. Only what parsing and printing need.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    fn from_u64(v: u64) -> Big {
        let mut b = Big(vec![v as u32, (v >> 32) as u32]);
        b.trim();
        b
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    fn bit_len(&self) -> u32 {
        match self.0.last() {
            None => 0,
            Some(&top) => (self.0.len() as u32 - 1) * 32 + (32 - top.leading_zeros()),
        }
    }

    fn bit(&self, i: u32) -> bool {
        let limb = (i / 32) as usize;
        limb < self.0.len() && (self.0[limb] >> (i % 32)) & 1 == 1
    }

    /// Whether any of the bits below `i` is set.
    fn any_below(&self, i: u32) -> bool {
        let full = (i / 32) as usize;
        if self.0.iter().take(full).any(|&l| l != 0) {
            return true;
        }
        let rem = i % 32;
        rem > 0 && full < self.0.len() && self.0[full] & ((1u32 << rem) - 1) != 0
    }

    fn mul_small(&mut self, m: u32) {
        let mut carry = 0u64;
        for limb in self.0.iter_mut() {
            let v = *limb as u64 * m as u64 + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn add_small(&mut self, a: u32) {
        let mut carry = a as u64;
        for limb in self.0.iter_mut() {
            if carry == 0 {
                return;
            }
            let v = *limb as u64 + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow(&mut self, base: u32, mut exp: u32) {
        // The largest power of 5 or 10 that fits a limb, then the rest.
        let (chunk, chunk_exp) = if base == 5 { (1_220_703_125u32, 13) } else { (1_000_000_000u32, 9) };
        while exp >= chunk_exp {
            self.mul_small(chunk);
            exp -= chunk_exp;
        }
        self.mul_small(base.pow(exp));
    }

    fn shl(&self, n: u32) -> Big {
        let limbs = (n / 32) as usize;
        let bits = n % 32;
        let mut out = vec![0u32; limbs];
        let mut carry = 0u32;
        for &l in &self.0 {
            if bits == 0 {
                out.push(l);
            } else {
                out.push((l << bits) | carry);
                carry = l >> (32 - bits);
            }
        }
        if carry > 0 {
            out.push(carry);
        }
        let mut b = Big(out);
        b.trim();
        b
    }

    /// The low 64 bits of `self >> n`.
    fn shr_u64(&self, n: u32) -> u64 {
        let mut v = 0u64;
        for k in 0..64 {
            if self.bit(n + k) {
                v |= 1 << k;
            }
        }
        v
    }

    fn cmp(&self, other: &Big) -> std::cmp::Ordering {
        self.0.len().cmp(&other.0.len()).then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }

    fn sub_assign(&mut self, other: &Big) {
        let mut borrow = 0i64;
        for i in 0..self.0.len() {
            let o = *other.0.get(i).unwrap_or(&0) as i64;
            let mut v = self.0[i] as i64 - o - borrow;
            borrow = 0;
            if v < 0 {
                v += 1 << 32;
                borrow = 1;
            }
            self.0[i] = v as u32;
        }
        self.trim();
    }

    /// `self / d` and whether a remainder is left; the quotient must fit
    /// 128 bits (callers scale so that it has 64 to 66).
    fn div_small_quotient(&self, d: &Big) -> (u128, bool) {
        let mut rem = self.clone();
        let mut q = 0u128;
        let top = self.bit_len().saturating_sub(d.bit_len());
        let mut shift = top as i64;
        while shift >= 0 {
            let sd = d.shl(shift as u32);
            q <<= 1;
            if rem.cmp(&sd) != std::cmp::Ordering::Less {
                rem.sub_assign(&sd);
                q |= 1;
            }
            shift -= 1;
        }
        (q, !rem.is_zero())
    }

    /// Decimal digits, most significant first ("0" for zero).
    fn to_decimal(&self) -> Vec<u8> {
        if self.is_zero() {
            return vec![b'0'];
        }
        let mut limbs = self.0.clone();
        let mut chunks = Vec::new();
        while !limbs.is_empty() {
            let mut rem = 0u64;
            for limb in limbs.iter_mut().rev() {
                let v = (rem << 32) | *limb as u64;
                *limb = (v / 1_000_000_000) as u32;
                rem = v % 1_000_000_000;
            }
            while limbs.last() == Some(&0) {
                limbs.pop();
            }
            chunks.push(rem as u32);
        }
        let mut out = format!("{}", chunks.pop().unwrap_or(0)).into_bytes();
        for c in chunks.iter().rev() {
            out.extend_from_slice(format!("{:09}", c).as_bytes());
        }
        out
    }
}

/// Exponent limits of the x87 format: a finite value is `mant * 2^exp`
/// with a 64-bit mantissa; normal values have the top bit set.
const MIN_EXP: i32 = -16445; // the exponent of subnormals
const MAX_EXP: i32 = 16383 - 63;

/// A long double.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum XFloat {
    Finite { neg: bool, mant: u64, exp: i32 },
    Inf { neg: bool },
    Nan { neg: bool },
}

/// Result of [`parse`]: the value, the bytes used, and whether glibc
/// would set ERANGE (overflow, or an inexact subnormal or zero).
#[derive(Debug)]
pub struct Parsed {
    pub value: XFloat,
    pub used: usize,
    pub range_error: bool,
}

impl XFloat {
    pub fn from_i128(v: i128) -> XFloat {
        let neg = v < 0;
        let m = v.unsigned_abs();
        if m == 0 {
            return XFloat::Finite { neg, mant: 0, exp: 0 };
        }
        let big = Big(vec![m as u32, (m >> 32) as u32, (m >> 64) as u32, (m >> 96) as u32]);
        let mut big = big;
        big.trim();
        round_big(neg, &big, 0, false).0
    }

    pub fn is_negative(&self) -> bool {
        match *self {
            XFloat::Finite { neg, .. } | XFloat::Inf { neg } | XFloat::Nan { neg } => neg,
        }
    }

    /// The nearest `f64` (for callers that go on computing).
    pub fn to_f64(&self) -> f64 {
        match *self {
            XFloat::Inf { neg } => {
                if neg {
                    f64::NEG_INFINITY
                } else {
                    f64::INFINITY
                }
            }
            XFloat::Nan { .. } => f64::NAN,
            XFloat::Finite { neg, mant, exp } => {
                let v = mant as f64 * 2f64.powi(exp.max(-1100));
                if neg {
                    -v
                } else {
                    v
                }
            }
        }
    }
}

/// Rounds `n * 2^bexp` (plus a sticky `inexact` tail below it) to a long
/// double, round-half-even; returns it and whether ERANGE applies.
fn round_big(neg: bool, n: &Big, bexp: i32, inexact: bool) -> (XFloat, bool) {
    let len = n.bit_len() as i32;
    if len == 0 {
        return (XFloat::Finite { neg, mant: 0, exp: 0 }, inexact);
    }
    // Normal: keep 64 bits. Below the normal range, fewer (subnormal).
    let mut exp = bexp + len - 64;
    if exp < MIN_EXP {
        exp = MIN_EXP;
    }
    let shift = exp - bexp; // bits of n dropped (negative: n is shifted up)
    let (mut mant, lost) = if shift <= 0 {
        (n.shl((-shift) as u32).shr_u64(0), inexact)
    } else {
        let s = shift as u32;
        let kept = n.shr_u64(s);
        let half = n.bit(s - 1);
        let sticky = n.any_below(s - 1) || inexact;
        let up = half && (sticky || kept & 1 == 1);
        let lost = half || sticky;
        if up {
            match kept.checked_add(1) {
                Some(k) => (k, lost),
                None => {
                    exp += 1;
                    (1u64 << 63, lost)
                }
            }
        } else {
            (kept, lost)
        }
    };
    if exp > MAX_EXP {
        return (XFloat::Inf { neg }, true);
    }
    let tiny = mant < (1u64 << 63);
    if mant == 0 {
        exp = 0;
    }
    if tiny && exp != MIN_EXP && mant != 0 {
        // Cannot happen for normal inputs; keep the invariant anyway.
        let z = mant.leading_zeros() as i32;
        mant <<= z;
        exp -= z;
    }
    (XFloat::Finite { neg, mant, exp }, tiny && lost)
}

/// `strtold` in the C locale: leading white space, a sign, then a decimal
/// number with optional exponent, a hex float (`0x1.8p3`), `inf`,
/// `infinity` or `nan[(chars)]`. `used` is 0 when no number was found.
pub fn parse(s: &[u8]) -> Parsed {
    let none = Parsed { value: XFloat::Finite { neg: false, mant: 0, exp: 0 }, used: 0, range_error: false };
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        i += 1;
    }
    let mut neg = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    let rest = &s[i..];
    let lower = |n: usize| -> Vec<u8> { rest.iter().take(n).map(|c| c.to_ascii_lowercase()).collect() };
    if lower(3) == b"inf" {
        let used = if lower(8) == b"infinity" { 8 } else { 3 };
        return Parsed { value: XFloat::Inf { neg }, used: i + used, range_error: false };
    }
    if lower(3) == b"nan" {
        let mut used = 3;
        if rest.get(3) == Some(&b'(') {
            let close = rest[4..].iter().position(|&c| !(c.is_ascii_alphanumeric() || c == b'_'));
            if let Some(p) = close {
                if rest[4 + p] == b')' {
                    used = 4 + p + 1;
                }
            }
        }
        return Parsed { value: XFloat::Nan { neg }, used: i + used, range_error: false };
    }
    if lower(2) == b"0x" && rest.len() > 2 && (rest[2].is_ascii_hexdigit() || (rest[2] == b'.' && rest.get(3).map_or(false, |c| c.is_ascii_hexdigit()))) {
        let (value, used, range_error) = parse_hex(neg, &rest[2..]);
        return Parsed { value, used: i + 2 + used, range_error };
    }
    match parse_decimal(neg, rest) {
        Some((value, used, range_error)) => Parsed { value, used: i + used, range_error },
        None => none,
    }
}

/// Digits with an optional point, in base 10 or 16: (mantissa digits
/// without leading zeros, digits after the point, bytes used).
fn scan_digits(s: &[u8], radix: u32) -> (Vec<u8>, i64, usize, bool) {
    let mut digits = Vec::new();
    let mut frac = 0i64;
    let mut seen_point = false;
    let mut any = false;
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c == b'.' && !seen_point {
            seen_point = true;
        } else if (c as char).is_digit(radix) {
            any = true;
            if !(digits.is_empty() && c == b'0') {
                digits.push((c as char).to_digit(radix).unwrap_or(0) as u8);
            }
            if seen_point {
                frac += 1;
            }
        } else {
            break;
        }
        i += 1;
    }
    (digits, frac, i, any)
}

/// An exponent part (`e-5`, `p+3`) at the start of `s`: (value, bytes).
fn scan_exponent(s: &[u8], marker: u8) -> (i64, usize) {
    if s.first().map(|c| c.to_ascii_lowercase()) != Some(marker) {
        return (0, 0);
    }
    let mut i = 1;
    let mut neg = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    let start = i;
    let mut v: i64 = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        v = (v * 10 + (s[i] - b'0') as i64).min(1_000_000_000);
        i += 1;
    }
    if i == start {
        return (0, 0);
    }
    (if neg { -v } else { v }, i)
}

fn parse_decimal(neg: bool, s: &[u8]) -> Option<(XFloat, usize, bool)> {
    let (digits, frac, mut used, any) = scan_digits(s, 10);
    if !any {
        return None;
    }
    let (e, eused) = scan_exponent(&s[used..], b'e');
    used += eused;
    if digits.is_empty() {
        return Some((XFloat::Finite { neg, mant: 0, exp: 0 }, used, false));
    }
    let dexp = e - frac;
    // Far outside the range: no need for the exact value.
    let magnitude = dexp + digits.len() as i64;
    if magnitude > 4940 {
        return Some((XFloat::Inf { neg }, used, true));
    }
    if magnitude < -4960 {
        return Some((XFloat::Finite { neg, mant: 0, exp: 0 }, used, true));
    }
    let mut n = Big(Vec::new());
    for &d in &digits {
        n.mul_small(10);
        n.add_small(d as u32);
    }
    let (value, range) = if dexp >= 0 {
        n.mul_pow(10, dexp as u32);
        round_big(neg, &n, 0, false)
    } else {
        let mut den = Big::from_u64(1);
        den.mul_pow(10, (-dexp) as u32);
        // Scale so that the quotient has 66 bits or more.
        let s = (66 + den.bit_len() as i64 - n.bit_len() as i64).max(0) as u32;
        let (q, rest) = n.shl(s).div_small_quotient(&den);
        let qb = Big(vec![q as u32, (q >> 32) as u32, (q >> 64) as u32, (q >> 96) as u32]);
        let mut qb = qb;
        qb.trim();
        round_big(neg, &qb, -(s as i32), rest)
    };
    Some((value, used, range))
}

fn parse_hex(neg: bool, s: &[u8]) -> (XFloat, usize, bool) {
    let (digits, frac, mut used, _) = scan_digits(s, 16);
    let (e, eused) = scan_exponent(&s[used..], b'p');
    used += eused;
    let mut n = Big(Vec::new());
    for &d in &digits {
        n.mul_small(16);
        n.add_small(d as u32);
    }
    let bexp = (e - 4 * frac).clamp(-100_000, 100_000) as i32;
    let (v, r) = round_big(neg, &n, bexp, false);
    (v, used, r)
}

/// The exact decimal value of a finite long double: digits (no leading
/// zeros; empty for zero) and the position of the point counted from the
/// left of them (`0.d1d2... * 10^point`).
fn exact_decimal(mant: u64, exp: i32) -> (Vec<u8>, i64) {
    if mant == 0 {
        return (Vec::new(), 0);
    }
    let mut n = Big::from_u64(mant);
    let frac_digits = if exp >= 0 {
        n = n.shl(exp as u32);
        0i64
    } else {
        n.mul_pow(5, (-exp) as u32);
        -exp as i64
    };
    let digits: Vec<u8> = n.to_decimal().into_iter().map(|c| c - b'0').collect();
    let point = digits.len() as i64 - frac_digits;
    (digits, point)
}

/// Rounds the digit string to its first `keep` digits (round-half-even on
/// exact ties, as glibc does). A carry out of every kept digit gives 1
/// followed by zeros, one place up (point + 1); `keep == 0` can round up
/// to a single 1.
fn round_digits(digits: &[u8], point: i64, keep: i64) -> (Vec<u8>, i64) {
    if keep < 0 {
        return (Vec::new(), point);
    }
    let keep = keep as usize;
    if digits.len() <= keep {
        let mut d = digits.to_vec();
        d.resize(keep, 0);
        return (d, point);
    }
    let mut d = digits[..keep].to_vec();
    let next = digits[keep];
    let tail = digits[keep + 1..].iter().any(|&x| x != 0);
    let last_odd = d.last().map_or(false, |&x| x % 2 == 1);
    if next > 5 || (next == 5 && (tail || last_odd)) {
        let mut i = keep;
        loop {
            if i == 0 {
                let mut v = vec![0u8; keep.max(1)];
                v[0] = 1;
                return (v, point + 1);
            }
            i -= 1;
            if d[i] == 9 {
                d[i] = 0;
            } else {
                d[i] += 1;
                break;
            }
        }
    }
    (d, point)
}

fn digits_str(d: &[u8]) -> String {
    d.iter().map(|&x| (b'0' + x) as char).collect()
}

/// `%f` body (no sign) for precision `p`. Digit k of the rounded digits
/// has the place value 10^(point-1-k).
fn fixed_body(digits: &[u8], point: i64, p: usize, alt: bool) -> String {
    let (d, pt) = round_digits(digits, point, point + p as i64);
    let digit = |k: i64| if k >= 0 && (k as usize) < d.len() { (b'0' + d[k as usize]) as char } else { '0' };
    let mut s: String = (0..pt.max(0)).map(digit).collect();
    if s.is_empty() {
        s.push('0');
    }
    if p > 0 || alt {
        s.push('.');
    }
    s.extend((0..p as i64).map(|j| digit(pt + j)));
    s
}

/// `%e` body: (mantissa text, decimal exponent).
fn exp_parts(digits: &[u8], point: i64, p: usize) -> (Vec<u8>, i64) {
    if digits.is_empty() {
        return (vec![0; p + 1], 0);
    }
    let (d, pt) = round_digits(digits, point, p as i64 + 1);
    let d = if d.len() < p + 1 {
        let mut v = d;
        v.resize(p + 1, 0);
        v
    } else {
        d
    };
    (d, pt - 1)
}

fn exp_body(d: &[u8], x: i64, alt: bool, upper: bool) -> String {
    let mut s = String::new();
    s.push((b'0' + d[0]) as char);
    if d.len() > 1 || alt {
        s.push('.');
    }
    s.push_str(&digits_str(&d[1..]));
    s.push(if upper { 'E' } else { 'e' });
    s.push(if x < 0 { '-' } else { '+' });
    s.push_str(&format!("{:02}", x.abs()));
    s
}

fn strip_zeros(s: &str) -> String {
    let (num, exp) = match s.find(|c| c == 'e' || c == 'E') {
        Some(i) => s.split_at(i),
        None => (s, ""),
    };
    if !num.contains('.') {
        return s.to_string();
    }
    format!("{}{}", num.trim_end_matches('0').trim_end_matches('.'), exp)
}

fn hex_body(mant: u64, exp: i32, precision: Option<usize>, alt: bool, upper: bool) -> String {
    if mant == 0 {
        let frac = match precision {
            Some(p) if p > 0 => format!(".{}", "0".repeat(p)),
            _ if alt => ".".to_string(),
            _ => String::new(),
        };
        let s = format!("0x0{}p+0", frac);
        return if upper { s.to_uppercase() } else { s };
    }
    // glibc prints the top nibble before the point and 15 nibbles after.
    let mut lead = mant >> 60;
    let mut frac = mant & ((1u64 << 60) - 1);
    let mut e = exp + 60;
    let mut nibbles = 15usize;
    if let Some(p) = precision {
        if p < 15 {
            let shift = (15 - p) * 4;
            let rem = frac & ((1u64 << shift) - 1);
            let half = 1u64 << (shift - 1);
            let mut kept = frac >> shift;
            let odd = if p == 0 { lead & 1 == 1 } else { kept & 1 == 1 };
            if rem > half || (rem == half && odd) {
                kept += 1;
                if kept >> (p * 4) != 0 {
                    kept &= (1u64 << (p * 4)) - 1;
                    lead += 1;
                }
            }
            frac = kept;
            nibbles = p;
            if lead == 16 {
                lead = 1;
                e += 4;
            }
        }
    }
    let mut f = if nibbles == 0 { String::new() } else { format!("{:0w$x}", frac, w = nibbles) };
    match precision {
        None => f = f.trim_end_matches('0').to_string(),
        Some(p) => {
            while f.len() < p {
                f.push('0');
            }
        }
    }
    let point = if !f.is_empty() || alt { "." } else { "" };
    let s = format!("0x{:x}{}{}p{}{}", lead, point, f, if e < 0 { '-' } else { '+' }, e.abs());
    if upper {
        s.to_uppercase()
    } else {
        s
    }
}

/// Formats `v` as glibc's `printf` formats a `long double` with `spec`
/// (conversion f F e E g G a A).
pub fn format(spec: &FloatSpec, v: &XFloat) -> String {
    let upper = spec.conv.is_ascii_uppercase();
    let (neg, body, finite) = match *v {
        XFloat::Inf { neg } => (neg, if upper { "INF" } else { "inf" }.to_string(), false),
        XFloat::Nan { neg } => (neg, if upper { "NAN" } else { "nan" }.to_string(), false),
        XFloat::Finite { neg, mant, exp } => (neg, finite_body(spec, mant, exp, upper), true),
    };
    let sign = if neg {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    };
    pad(sign, &body, spec, finite)
}

fn finite_body(spec: &FloatSpec, mant: u64, exp: i32, upper: bool) -> String {
    let conv = spec.conv.to_ascii_lowercase();
    if conv == 'a' {
        return hex_body(mant, exp, spec.precision, spec.alt, upper);
    }
    let (digits, point) = exact_decimal(mant, exp);
    let p = spec.precision.unwrap_or(6);
    match conv {
        'f' => fixed_body(&digits, point, p, spec.alt),
        'e' => {
            let (d, x) = exp_parts(&digits, point, p);
            exp_body(&d, x, spec.alt, upper)
        }
        _ => {
            let p = if p == 0 { 1 } else { p };
            let (d, x) = exp_parts(&digits, point, p - 1);
            let x = if digits.is_empty() { 0 } else { x };
            let s = if x < p as i64 && x >= -4 {
                fixed_body(&digits, point, (p as i64 - 1 - x) as usize, spec.alt)
            } else {
                exp_body(&d, x, spec.alt, upper)
            };
            if spec.alt {
                s
            } else {
                strip_zeros(&s)
            }
        }
    }
}

fn pad(sign: &str, body: &str, spec: &FloatSpec, zero_ok: bool) -> String {
    let len = sign.len() + body.len();
    if len >= spec.width {
        return format!("{}{}", sign, body);
    }
    let fill = spec.width - len;
    if spec.left {
        format!("{}{}{}", sign, body, " ".repeat(fill))
    } else if spec.zero && zero_ok {
        if body.starts_with("0x") || body.starts_with("0X") {
            format!("{}{}{}{}", sign, &body[..2], "0".repeat(fill), &body[2..])
        } else {
            format!("{}{}{}", sign, "0".repeat(fill), body)
        }
    } else {
        format!("{}{}{}", " ".repeat(fill), sign, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(conv: char, precision: Option<usize>, text: &str) -> String {
        let spec = FloatSpec { conv, precision, ..FloatSpec::default() };
        format(&spec, &parse(text.as_bytes()).value)
    }

    #[test]
    fn like_glibc_long_double() {
        assert_eq!(f('f', Some(20), "0.1"), "0.10000000000000000000");
        assert_eq!(f('f', Some(30), "1.005"), "1.004999999999999999995663191310");
        assert_eq!(f('f', Some(2), "2.675"), "2.67");
        assert_eq!(f('f', None, "1"), "1.000000");
        assert_eq!(f('f', Some(0), "0.5"), "0");
        assert_eq!(f('f', Some(0), "1.5"), "2");
        assert_eq!(f('f', Some(0), "9.5"), "10");
        assert_eq!(f('f', Some(1), "0.96"), "1.0");
        assert_eq!(f('e', None, "1e300"), "1.000000e+300");
        assert_eq!(f('e', None, "0"), "0.000000e+00");
        assert_eq!(f('e', Some(2), "9.999"), "1.00e+01");
        assert_eq!(f('g', None, "1e-300"), "1e-300");
        assert_eq!(f('g', None, "123456"), "123456");
        assert_eq!(f('g', None, "1234567"), "1.23457e+06");
        assert_eq!(f('g', None, "0.0001234"), "0.0001234");
        assert_eq!(f('g', None, "100"), "100");
        assert_eq!(f('g', None, "0"), "0");
        assert_eq!(f('g', None, "999999.5"), "1e+06");
        assert_eq!(f('a', None, "1"), "0x8p-3");
        assert_eq!(f('a', None, "0.1"), "0xc.ccccccccccccccdp-7");
        assert_eq!(f('A', None, "255.5"), "0XF.F8P+4");
        assert_eq!(f('a', Some(0), "255.5"), "0x1p+8");
        assert_eq!(f('a', Some(1), "1.99"), "0xf.fp-3");
        assert_eq!(f('a', Some(3), "1"), "0x8.000p-3");
        assert_eq!(f('a', None, "0x1p-16445"), "0x0.000000000000001p-16385");
        assert_eq!(f('f', None, "0x1p3"), "8.000000");
    }

    #[test]
    fn range_errors() {
        assert!(parse(b"1e5000").range_error);
        assert!(parse(b"1e-4940").range_error);
        assert!(!parse(b"0x1p-16445").range_error);
        assert!(!parse(b"1e-300").range_error);
        assert_eq!(parse(b"1e").used, 1);
        assert_eq!(parse(b" 12").used, 3);
        assert_eq!(parse(b"x").used, 0);
    }
}
