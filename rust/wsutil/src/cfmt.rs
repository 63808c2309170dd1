//! C `printf` conversions for floating-point numbers (%f %e %g %a and their
//! upper-case forms), shared by `seq`, `printf` and `awk`, whose output must
//! match glibc's byte for byte.

/// One parsed `%` directive for a float.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FloatSpec {
    pub left: bool,
    pub plus: bool,
    pub space: bool,
    pub alt: bool,
    pub zero: bool,
    pub width: usize,
    pub precision: Option<usize>,
    /// One of f F e E g G a A.
    pub conv: char,
}

/// Formats `v` as glibc's printf would with `spec`.
pub fn format_float(spec: &FloatSpec, v: f64) -> String {
    let upper = spec.conv.is_ascii_uppercase();
    let negative = v.is_sign_negative() && !v.is_nan();
    let a = v.abs();
    let body = if !a.is_finite() {
        let s = if a.is_nan() { "nan" } else { "inf" };
        if upper {
            s.to_uppercase()
        } else {
            s.to_string()
        }
    } else {
        match spec.conv.to_ascii_lowercase() {
            'f' => fixed(a, spec.precision.unwrap_or(6), spec.alt),
            'e' => exponent(a, spec.precision.unwrap_or(6), spec.alt, upper),
            'g' => general(a, spec.precision.unwrap_or(6), spec.alt, upper),
            _ => hex(a, spec.precision, spec.alt, upper),
        }
    };
    let sign = if negative {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    };
    pad(sign, &body, spec, a.is_finite())
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
        // After the sign and any 0x prefix.
        if let Some(rest) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            format!("{}{}{}{}", sign, &body[..2], "0".repeat(fill), rest)
        } else {
            format!("{}{}{}", sign, "0".repeat(fill), body)
        }
    } else {
        format!("{}{}{}", " ".repeat(fill), sign, body)
    }
}

fn fixed(a: f64, precision: usize, alt: bool) -> String {
    // Rust before 1.67 rounds exactly 0.5 up at precision 0; glibc rounds
    // the tie to even, as it does for every other tie.
    let mut s = if precision == 0 && a == 0.5 { "0".to_string() } else { format!("{:.*}", precision, a) };
    if alt && precision == 0 {
        s.push('.');
    }
    s
}

/// Splits Rust's `1.5e3` into mantissa text and exponent.
fn rust_exp(a: f64, precision: usize) -> (String, i32) {
    let s = format!("{:.*e}", precision, a);
    let (m, e) = s.split_at(s.find('e').unwrap_or(s.len()));
    let exp = e.get(1..).and_then(|x| x.parse().ok()).unwrap_or(0);
    (m.to_string(), exp)
}

fn exp_suffix(exp: i32, upper: bool) -> String {
    format!("{}{}{:02}", if upper { 'E' } else { 'e' }, if exp < 0 { '-' } else { '+' }, exp.abs())
}

fn exponent(a: f64, precision: usize, alt: bool, upper: bool) -> String {
    let (mut m, exp) = rust_exp(a, precision);
    if alt && precision == 0 {
        m.push('.');
    }
    m + &exp_suffix(exp, upper)
}

fn general(a: f64, precision: usize, alt: bool, upper: bool) -> String {
    let p = if precision == 0 { 1 } else { precision };
    let (_, x) = if a == 0.0 { (String::new(), 0) } else { rust_exp(a, p - 1) };
    let mut s = if x < p as i32 && x >= -4 {
        fixed(a, (p as i32 - 1 - x) as usize, alt)
    } else {
        exponent(a, p - 1, alt, upper)
    };
    if !alt {
        s = strip_fraction_zeros(&s);
    }
    s
}

/// `%g` drops trailing zeros of the fraction (and a bare point).
fn strip_fraction_zeros(s: &str) -> String {
    let (num, exp) = match s.find(|c| c == 'e' || c == 'E') {
        Some(i) => s.split_at(i),
        None => (s, ""),
    };
    if !num.contains('.') {
        return s.to_string();
    }
    let trimmed = num.trim_end_matches('0').trim_end_matches('.');
    format!("{}{}", trimmed, exp)
}

fn hex(a: f64, precision: Option<usize>, alt: bool, upper: bool) -> String {
    let bits = a.to_bits();
    let raw_exp = ((bits >> 52) & 0x7ff) as i32;
    let mut mant = bits & ((1u64 << 52) - 1);
    let (lead, exp) = if raw_exp == 0 {
        if mant == 0 {
            (0u64, 0)
        } else {
            (0u64, -1022)
        }
    } else {
        (1u64, raw_exp - 1023)
    };
    let mut lead = lead;
    let mut digits = 13usize;
    if let Some(p) = precision {
        if p < 13 {
            let shift = (13 - p) * 4;
            let full = (lead << 52) | mant;
            let rem = full & ((1u64 << shift) - 1);
            let half = 1u64 << (shift - 1);
            let mut kept = full >> shift;
            if rem > half || (rem == half && kept & 1 == 1) {
                kept += 1;
            }
            lead = kept >> (p * 4);
            mant = kept & ((1u64 << (p * 4)) - 1);
            digits = p;
        }
    }
    let mut frac = if digits == 0 { String::new() } else { format!("{:0width$x}", mant, width = digits) };
    if precision.is_none() {
        frac = frac.trim_end_matches('0').to_string();
    } else if let Some(p) = precision {
        while frac.len() < p {
            frac.push('0');
        }
    }
    let point = if !frac.is_empty() || alt { "." } else { "" };
    let s = format!("0x{}{}{}p{}{}", lead, point, frac, if exp < 0 { '-' } else { '+' }, exp.abs());
    if upper {
        s.to_uppercase()
    } else {
        s
    }
}

/// Parses a float directive starting just after `%` in `s`; returns the
/// spec and the bytes consumed, or None if `s` holds no float directive.
pub fn parse_float_spec(s: &str) -> Option<(FloatSpec, usize)> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut spec = FloatSpec::default();
    while i < b.len() {
        match b[i] {
            b'-' => spec.left = true,
            b'+' => spec.plus = true,
            b' ' => spec.space = true,
            b'#' => spec.alt = true,
            b'0' => spec.zero = true,
            b'\'' => {}
            _ => break,
        }
        i += 1;
    }
    let start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    spec.width = s[start..i].parse().unwrap_or(0);
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let ps = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        spec.precision = Some(s[ps..i].parse().unwrap_or(0));
    }
    if i < b.len() && b[i] == b'L' {
        i += 1;
    }
    let c = *b.get(i)? as char;
    if "fFeEgGaA".contains(c) {
        spec.conv = c;
        Some((spec, i + 1))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(fmt: &str, v: f64) -> String {
        let (spec, _) = parse_float_spec(&fmt[1..]).unwrap();
        format_float(&spec, v)
    }

    #[test]
    fn matches_glibc() {
        assert_eq!(f("%g", 100000.0), "100000");
        assert_eq!(f("%g", 1000000.0), "1e+06");
        assert_eq!(f("%g", 0.0001), "0.0001");
        assert_eq!(f("%g", 0.00001), "1e-05");
        assert_eq!(f("%e", 1234.5), "1.234500e+03");
        assert_eq!(f("%.2f", 2.675), "2.67");
        assert_eq!(f("%05.1f", -1.5), "-01.5");
        assert_eq!(f("%-6.1f|", 1.5), "1.5   ");
        assert_eq!(f("%a", 1.0), "0x1p+0");
        assert_eq!(f("%g", 0.0), "0");
        assert_eq!(f("%#g", 1.0), "1.00000");
    }
}
