//! gnulib's `xstrtoumax`: an unsigned number in base 0 (C prefixes), 8, 10
//! or 16, with an optional multiplier suffix from a per-command set, and
//! the `xstrtol_fatal` messages GNU prints for a bad one (`od -j`, `split
//! -b`, ...). `num::parse_size` is the decimal-only variant `head` uses.

/// Why a number was refused.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum XErr {
    Invalid,
    InvalidSuffix,
    Overflow,
}

/// The leading number of `s` as C's `strtoumax` reads it: (value, bytes
/// used, overflowed). Bytes used is 0 when there is no number.
fn strtoumax(s: &[u8], base: u32) -> (u64, usize, bool) {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        i += 1;
    }
    if i < s.len() && s[i] == b'+' {
        i += 1;
    }
    let mut radix = base;
    let hex_prefix = s.get(i) == Some(&b'0')
        && matches!(s.get(i + 1), Some(b'x' | b'X'))
        && s.get(i + 2).map_or(false, |c| c.is_ascii_hexdigit());
    if (base == 0 || base == 16) && hex_prefix {
        radix = 16;
        i += 2;
    } else if base == 0 {
        radix = if s.get(i) == Some(&b'0') { 8 } else { 10 };
    }
    let start = i;
    let mut v: u64 = 0;
    let mut overflow = false;
    while i < s.len() {
        let d = match (s[i] as char).to_digit(radix) {
            Some(d) => d,
            None => break,
        };
        match v.checked_mul(radix as u64).and_then(|x| x.checked_add(d as u64)) {
            Some(x) => v = x,
            None => overflow = true,
        }
        i += 1;
    }
    if i == start {
        return (0, 0, false);
    }
    (if overflow { u64::MAX } else { v }, i, overflow)
}

/// `xstrtoumax(s, base, suffixes)`: `suffixes` lists the multiplier
/// letters allowed (b=512, B=1024, c=1, w=2, k/K, m/M, G, T, P, E, Z, Y,
/// R, Q as powers of 1024); a `0` in it allows a second suffix `B`
/// (powers of 1000) or `iB`. A lone suffix means 1 of it (`k` = 1024).
pub fn xstrtoumax(s: &str, base: u32, suffixes: &str) -> Result<u64, XErr> {
    let b = s.as_bytes();
    let first = b.iter().position(|c| !matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c));
    if first.map_or(false, |i| b[i] == b'-') {
        return Err(XErr::Invalid);
    }
    let (mut value, used, mut overflow) = strtoumax(b, base);
    let mut rest = &b[used..];
    if used == 0 {
        match rest.first() {
            Some(&c) if suffixes.as_bytes().contains(&c) => value = 1,
            _ => return Err(XErr::Invalid),
        }
        // strtoumax consumed nothing: the suffix is at the start.
        rest = b;
    }
    if rest.is_empty() {
        return if overflow { Err(XErr::Overflow) } else { Ok(value) };
    }
    let c = rest[0];
    if !suffixes.as_bytes().contains(&c) {
        return Err(XErr::InvalidSuffix);
    }
    let mut base_mult: u128 = 1024;
    let mut len = 1;
    if suffixes.contains('0') && b"EGgkKMmPQRTtYZ".contains(&c) {
        match rest.get(1) {
            Some(b'i') if rest.get(2) == Some(&b'B') => len += 2,
            Some(b'B') | Some(b'D') => {
                base_mult = 1000;
                len += 1;
            }
            _ => {}
        }
    }
    let power = |p: u32| -> u128 { (0..p).fold(1u128, |m, _| m.saturating_mul(base_mult)) };
    let mult: u128 = match c {
        b'b' => 512,
        b'B' => 1024,
        b'c' => 1,
        b'w' => 2,
        b'k' | b'K' => power(1),
        b'M' | b'm' => power(2),
        b'G' | b'g' => power(3),
        b'T' | b't' => power(4),
        b'P' => power(5),
        b'E' => power(6),
        b'Z' => power(7),
        b'Y' => power(8),
        b'R' => power(9),
        b'Q' => power(10),
        _ => return Err(XErr::InvalidSuffix),
    };
    let product = (value as u128).saturating_mul(mult);
    if product > u64::MAX as u128 {
        overflow = true;
        value = u64::MAX;
    } else {
        value = product as u64;
    }
    if rest.len() > len {
        return Err(XErr::InvalidSuffix);
    }
    if overflow {
        Err(XErr::Overflow)
    } else {
        Ok(value)
    }
}

/// `xstrtol_fatal`'s message for option `opt` (as typed: `-j`,
/// `--skip-bytes`) and argument `arg`.
pub fn describe(err: XErr, opt: &str, arg: &str) -> String {
    match err {
        XErr::Invalid => format!("invalid {} argument '{}'", opt, arg),
        XErr::InvalidSuffix => format!("invalid suffix in {} argument '{}'", opt, arg),
        XErr::Overflow => format!("{} argument '{}' too large", opt, arg),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OD: &str = "bEGKkMmPTYZ0";

    #[test]
    fn like_gnulib() {
        assert_eq!(xstrtoumax("10", 0, OD), Ok(10));
        assert_eq!(xstrtoumax("010", 0, OD), Ok(8));
        assert_eq!(xstrtoumax("0x10", 0, OD), Ok(16));
        assert_eq!(xstrtoumax("2k", 0, OD), Ok(2048));
        assert_eq!(xstrtoumax("2kB", 0, OD), Ok(2000));
        assert_eq!(xstrtoumax("2KiB", 0, OD), Ok(2048));
        assert_eq!(xstrtoumax("k", 0, OD), Ok(1024));
        assert_eq!(xstrtoumax("1b", 0, OD), Ok(512));
        assert_eq!(xstrtoumax("x", 0, OD), Err(XErr::Invalid));
        assert_eq!(xstrtoumax("-1", 0, OD), Err(XErr::Invalid));
        assert_eq!(xstrtoumax("5q", 0, OD), Err(XErr::InvalidSuffix));
        assert_eq!(xstrtoumax("5kx", 0, OD), Err(XErr::InvalidSuffix));
        assert_eq!(xstrtoumax("99999999999999999999", 0, OD), Err(XErr::Overflow));
        assert_eq!(xstrtoumax("0x10", 10, ""), Err(XErr::InvalidSuffix));
    }
}
