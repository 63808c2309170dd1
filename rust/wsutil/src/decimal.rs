//! Decimal option values the way gnulib's `xstrtoumax` and `xdectoumax`
//! read them, with their messages (`fold -w`, `uniq -f`, `nl -w`, ...).

use super::quote_locale;

/// Why `xstrtoumax` refused a number.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Refusal {
    /// Not a number (a sign, a letter, nothing at all).
    Invalid,
    /// More than 2^64 - 1.
    Overflow,
}

/// `strtoumax` as GNU's `xstrtoumax` uses it with no suffixes: optional
/// leading white space and `+`, then decimal digits and nothing else. A
/// minus sign is refused, as xstrtoumax does.
pub fn parse_u64(text: &str) -> Result<u64, Refusal> {
    let s = text.trim_start_matches(|c: char| c == ' ' || ('\t'..='\r').contains(&c));
    let s = s.strip_prefix('+').unwrap_or(s);
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Refusal::Invalid);
    }
    let mut value: u64 = 0;
    for b in s.bytes() {
        value = value.checked_mul(10).and_then(|v| v.checked_add((b - b'0') as u64)).ok_or(Refusal::Overflow)?;
    }
    Ok(value)
}

/// gnulib's `xdectoumax`: a number within `min..=max`, or GNU's message
/// `WHAT: ‘TEXT’` (plus the errno text for one out of range: ERANGE for a
/// small value, EOVERFLOW for a large one).
pub fn xdectoumax(text: &str, min: u64, max: u64, what: &str) -> Result<u64, String> {
    let quoted = quote_locale(text);
    match parse_u64(text) {
        Ok(v) if v >= min && v <= max => Ok(v),
        Ok(v) => {
            let why = if v > (i32::MAX / 2) as u64 {
                "Value too large for defined data type"
            } else {
                "Numerical result out of range"
            };
            Err(format!("{}: {}: {}", what, quoted, why))
        }
        Err(Refusal::Overflow) => Err(format!("{}: {}: Value too large for defined data type", what, quoted)),
        Err(Refusal::Invalid) => Err(format!("{}: {}", what, quoted)),
    }
}

/// `strtoimax` as `xstrtoimax` uses it: white space, a sign, digits.
pub fn parse_i64(text: &str) -> Result<i64, Refusal> {
    let s = text.trim_start_matches(|c: char| c == ' ' || ('\t'..='\r').contains(&c));
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Refusal::Invalid);
    }
    let mut value: i128 = 0;
    for b in digits.bytes() {
        value = value * 10 + (b - b'0') as i128;
        if value > i64::MAX as i128 + 1 {
            return Err(Refusal::Overflow);
        }
    }
    let value = if neg { -value } else { value };
    i64::try_from(value).map_err(|_| Refusal::Overflow)
}

/// gnulib's `xdectoimax`: like [`xdectoumax`] for a signed value.
pub fn xdectoimax(text: &str, min: i64, max: i64, what: &str) -> Result<i64, String> {
    let quoted = quote_locale(text);
    match parse_i64(text) {
        Ok(v) if v >= min && v <= max => Ok(v),
        Ok(v) => {
            let why = if v > (i32::MAX / 2) as i64 || v < (i32::MIN / 2) as i64 {
                "Value too large for defined data type"
            } else {
                "Numerical result out of range"
            };
            Err(format!("{}: {}: {}", what, quoted, why))
        }
        Err(Refusal::Overflow) => Err(format!("{}: {}: Value too large for defined data type", what, quoted)),
        Err(Refusal::Invalid) => Err(format!("{}: {}", what, quoted)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_strtoumax() {
        assert_eq!(parse_u64(" +12"), Ok(12));
        assert_eq!(parse_u64("-1"), Err(Refusal::Invalid));
        assert_eq!(parse_u64("1x"), Err(Refusal::Invalid));
        assert_eq!(parse_u64("99999999999999999999"), Err(Refusal::Overflow));
        assert!(xdectoumax("0", 1, 10, "n").unwrap_err().ends_with("out of range"));
    }
}
