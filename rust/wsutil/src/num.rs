//! Numbers on the command line the way GNU's `xstrtoumax` reads them.

/// Why a number was refused; `Overflow` adds glibc's ERANGE text.
#[derive(Debug, PartialEq, Eq)]
pub enum NumError {
    Invalid,
    Overflow,
}

/// Parses a count with an optional multiplier suffix from `suffixes`
/// (GNU letters: b=512, k/K=1024, m/M, G, T, P, E, Z, Y, R, Q as powers of
/// 1024; with a trailing `B` they are powers of 1000, `iB` keeps 1024).
pub fn parse_size(s: &str, suffixes: &str) -> Result<u64, NumError> {
    let digits_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    if digits_end == 0 {
        return Err(NumError::Invalid);
    }
    let mut value: u64 = 0;
    let mut overflow = false;
    for c in s[..digits_end].bytes() {
        match value.checked_mul(10).and_then(|v| v.checked_add((c - b'0') as u64)) {
            Some(v) => value = v,
            None => overflow = true,
        }
    }
    let suffix = &s[digits_end..];
    let multiplier = if suffix.is_empty() {
        1u128
    } else {
        let first = suffix.chars().next().unwrap_or(' ');
        if !suffixes.contains(first) {
            return Err(NumError::Invalid);
        }
        let rest = &suffix[first.len_utf8()..];
        let base: u128 = match rest {
            "" | "iB" => 1024,
            "B" => 1000,
            _ => return Err(NumError::Invalid),
        };
        let power = match first {
            'b' => return scale(value, overflow, 512, rest),
            'c' => return scale(value, overflow, 1, rest),
            'w' => return scale(value, overflow, 2, rest),
            'k' | 'K' => 1,
            'm' | 'M' => 2,
            'g' | 'G' => 3,
            't' | 'T' => 4,
            'p' | 'P' => 5,
            'e' | 'E' => 6,
            'z' | 'Z' => 7,
            'y' | 'Y' => 8,
            'r' | 'R' => 9,
            'q' | 'Q' => 10,
            _ => return Err(NumError::Invalid),
        };
        let mut m: u128 = 1;
        for _ in 0..power {
            m = m.saturating_mul(base);
        }
        m
    };
    finish(value, overflow, multiplier)
}

fn scale(value: u64, overflow: bool, multiplier: u128, rest: &str) -> Result<u64, NumError> {
    if !rest.is_empty() {
        return Err(NumError::Invalid);
    }
    finish(value, overflow, multiplier)
}

fn finish(value: u64, overflow: bool, multiplier: u128) -> Result<u64, NumError> {
    let product = (value as u128).saturating_mul(multiplier);
    if overflow || product > u64::MAX as u128 {
        Err(NumError::Overflow)
    } else {
        Ok(product as u64)
    }
}

/// GNU's message for a refused number: `what: 'text'`, plus the ERANGE
/// text on overflow.
pub fn describe(what: &str, text: &str, err: NumError) -> String {
    match err {
        NumError::Invalid => format!("{}: {}", what, super::quote_locale(text)),
        NumError::Overflow => format!(
            "{}: {}: Value too large for defined data type",
            what,
            super::quote_locale(text)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes() {
        let s = "bkKmMGTPEZYRQ0";
        assert_eq!(parse_size("10", s), Ok(10));
        assert_eq!(parse_size("2b", s), Ok(1024));
        assert_eq!(parse_size("1kB", s), Ok(1000));
        assert_eq!(parse_size("1KiB", s), Ok(1024));
        assert_eq!(parse_size("1M", s), Ok(1 << 20));
        assert_eq!(parse_size("x", s), Err(NumError::Invalid));
        assert_eq!(parse_size("1Q", s), Err(NumError::Overflow));
    }
}
