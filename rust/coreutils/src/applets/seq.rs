//! `seq`: print a sequence of numbers (GNU -f -s -w).
//!
//! GNU computes in `long double`. Plain decimal operands are computed here
//! exactly instead (scaled 128-bit integers), which prints what GNU prints
//! for them without its rounding artefacts; other operands (exponents, hex,
//! `-f` with %e/%g) take GNU's floating-point algorithm, including its rule
//! that a value just past LAST which prints as LAST is still printed.

use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::cfmt::{format_float, parse_float_spec, FloatSpec};
use wsutil::io::stdout;
use wsutil::{quote_locale, report, Error, Result};
use std::io::Write;

pub const APPLETS: &[wsutil::Applet] = &[("seq", main)];

const SPEC: Spec = Spec {
    short: "f:s:w",
    long: &[
        ("format", HasArg::Required, 'f'),
        ("separator", HasArg::Required, 's'),
        ("equal-width", HasArg::No, 'w'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: true,
};

const USAGE: &str = "Usage: seq [OPTION]... LAST
  or:  seq [OPTION]... FIRST LAST
  or:  seq [OPTION]... FIRST INCREMENT LAST
Print numbers from FIRST to LAST, in steps of INCREMENT.

  -f, --format=FORMAT      use printf style floating-point FORMAT
  -s, --separator=STRING   use STRING to separate numbers (default: \\n)
  -w, --equal-width        equalize width by padding with leading zeroes
";

/// An operand with the width and precision GNU derives from its spelling.
struct Operand {
    text: String,
    value: f64,
    width: i64,
    /// None when it cannot be known (hex, inf): output falls back to %g.
    precision: Option<i64>,
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

/// GNU stops option parsing at an operand that looks like a negative number.
fn split_options(argv: &[String]) -> (Vec<String>, Vec<String>) {
    let mut i = 0;
    while i < argv.len() {
        let a = &argv[i];
        let b = a.as_bytes();
        if b.len() > 1 && b[0] == b'-' && (b[1] == b'.' || b[1].is_ascii_digit()) {
            break;
        }
        if a == "--" {
            return (argv[..i + 1].to_vec(), argv[i + 1..].to_vec());
        }
        if !a.starts_with('-') || a == "-" {
            break;
        }
        // An option's separate argument is not an operand.
        if (a == "-f" || a == "-s" || a == "--format" || a == "--separator") && i + 1 < argv.len() {
            i += 1;
        }
        i += 1;
    }
    (argv[..i].to_vec(), argv[i..].to_vec())
}

fn run(argv: &[String]) -> Result<i32> {
    let (opts, rest) = split_options(argv);
    let mut format: Option<String> = None;
    let mut separator = "\n".to_string();
    let mut equal_width = false;
    let mut operands = Vec::new();
    for item in args::parse(&SPEC, &opts)? {
        match item {
            Item::Opt('f', v) => format = v,
            Item::Opt('s', v) => separator = v.unwrap_or_default(),
            Item::Opt('w', _) => equal_width = true,
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("seq (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(o) => operands.push(o),
        }
    }
    operands.extend(rest);
    if operands.is_empty() {
        return Err(args_error("missing operand".into()));
    }
    if operands.len() > 3 {
        return Err(args_error(format!("extra operand {}", quote_locale(&operands[3]))));
    }
    if format.is_some() && equal_width {
        return Err(Error::Fatal("format string may not be specified when printing equal width strings".into()));
    }
    let parsed: Vec<Operand> = operands.iter().map(|t| scan(t)).collect::<Result<_>>()?;
    let one = || scan("1");
    let (first, step, last) = match parsed.len() {
        1 => (one()?, one()?, parsed.into_iter().next().unwrap()),
        2 => {
            let mut it = parsed.into_iter();
            let f = it.next().unwrap();
            (f, one()?, it.next().unwrap())
        }
        _ => {
            let mut it = parsed.into_iter();
            (it.next().unwrap(), it.next().unwrap(), it.next().unwrap())
        }
    };
    if step.value == 0.0 {
        return Err(args_error(format!("invalid Zero increment value: {}", quote_locale(&step.text))));
    }
    let user_format = match &format {
        Some(f) => Some(check_format(f)?),
        None => None,
    };
    let mut out = stdout();
    if user_format.is_none() {
        if let (Some(a), Some(b), Some(c)) = (exact(&first.text), exact(&step.text), exact(&last.text)) {
            print_exact(&first, &step, &last, (a, b, c), equal_width, &separator, &mut out)?;
            out.flush()?;
            return Ok(0);
        }
    }
    let (prefix, spec, suffix) = match user_format {
        Some(parts) => parts,
        None => default_format(&first, &step, &last, equal_width),
    };
    let fmt = |v: f64| format!("{}{}{}", prefix, format_float(&spec, v), suffix);
    print_float(first.value, step.value, last.value, &fmt, &separator, &mut out)?;
    out.flush()?;
    Ok(0)
}

fn args_error(msg: String) -> Error {
    Error::Usage(wsutil::UsageError(msg))
}

/// Reads an operand the way `strtold` does (leading blanks and `+` allowed).
fn scan(text: &str) -> Result<Operand> {
    let invalid = || Error::Usage(wsutil::UsageError(format!("invalid floating point argument: {}", quote_locale(text))));
    let trimmed = text.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let value = parse_c_float(trimmed).ok_or_else(invalid)?;
    if value.is_nan() {
        return Err(args_error(format!("invalid 'not-a-number' argument: {}", quote_locale(text))));
    }
    let arg = trimmed.trim_start_matches('+');
    let mut width = arg.len() as i64;
    let mut precision = None;
    if !arg.contains(|c| c == 'x' || c == 'X') && value.is_finite() {
        let point = arg.find('.');
        let mut prec: i64 = 0;
        if let Some(p) = point {
            let fraction_len = arg[p + 1..].find(|c| c == 'e' || c == 'E').unwrap_or(arg.len() - p - 1) as i64;
            prec = fraction_len;
            width += if fraction_len == 0 {
                -1
            } else if p == 0 || !arg.as_bytes()[p - 1].is_ascii_digit() {
                1
            } else {
                0
            };
        }
        if let Some(e) = arg.find(|c| c == 'e' || c == 'E') {
            let exponent: i64 = leading_int(&arg[e + 1..]);
            prec += if exponent < 0 { -exponent } else { -prec.min(exponent) };
            width -= (arg.len() - e) as i64;
            if exponent < 0 {
                match point {
                    Some(p) if e == p + 1 => width += 1,
                    Some(_) => {}
                    None => width += 1,
                }
                width += -exponent;
            } else {
                if point.is_some() && prec == 0 && exponent != 0 {
                    width -= 1;
                }
                width -= exponent;
            }
        }
        precision = Some(prec);
    }
    Ok(Operand { text: text.to_string(), value, width, precision })
}

fn leading_int(s: &str) -> i64 {
    let end = s
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && (c == '-' || c == '+'))))
        .map_or(s.len(), |(i, _)| i);
    s[..end].parse().unwrap_or(0)
}

/// `strtold` on the whole string: decimal, exponent, hex float, inf, nan.
fn parse_c_float(s: &str) -> Option<f64> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let lower = body.to_ascii_lowercase();
    let v = if lower == "inf" || lower == "infinity" {
        f64::INFINITY
    } else if lower == "nan" {
        f64::NAN
    } else if let Some(hex) = lower.strip_prefix("0x") {
        parse_hex_float(hex)?
    } else {
        if body.is_empty() || !body.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
            return None;
        }
        if body.contains(|c: char| !(c.is_ascii_digit() || ".eE+-".contains(c))) {
            return None;
        }
        body.parse::<f64>().ok()?
    };
    Some(if neg { -v } else { v })
}

fn parse_hex_float(s: &str) -> Option<f64> {
    let (mant, exp) = match s.find('p') {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().ok()?),
        None => (s, 0),
    };
    let (int, frac) = match mant.find('.') {
        Some(i) => (&mant[..i], &mant[i + 1..]),
        None => (mant, ""),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut v = 0f64;
    for c in int.chars() {
        v = v * 16.0 + c.to_digit(16)? as f64;
    }
    let mut scale = 1.0 / 16.0;
    for c in frac.chars() {
        v += c.to_digit(16)? as f64 * scale;
        scale /= 16.0;
    }
    Some(v * 2f64.powi(exp))
}

/// Checks a user -f FORMAT: exactly one float directive, `%%` elsewhere.
fn check_format(f: &str) -> Result<(String, FloatSpec, String)> {
    let mut prefix = String::new();
    let mut i = 0;
    let b = f.as_bytes();
    let mut found: Option<(FloatSpec, usize, usize)> = None;
    while i < b.len() {
        if b[i] == b'%' {
            if b.get(i + 1) == Some(&b'%') {
                if found.is_none() {
                    prefix.push('%');
                }
                i += 2;
                continue;
            }
            if found.is_some() {
                return Err(Error::Fatal(format!("format {} has too many % directives", quote_locale(f))));
            }
            match parse_float_spec(&f[i + 1..]) {
                Some((spec, used)) => {
                    found = Some((spec, i, i + 1 + used));
                    i += 1 + used;
                    continue;
                }
                None => {
                    let rest = &f[i..];
                    let end = rest
                        .char_indices()
                        .skip(1)
                        .find(|&(_, c)| !("-+ #0'.".contains(c) || c.is_ascii_digit()))
                        .map_or(rest.len(), |(j, c)| j + c.len_utf8());
                    return Err(Error::Fatal(format!(
                        "format {} has unknown {} directive",
                        quote_locale(f),
                        &rest[..end]
                    )));
                }
            }
        }
        if found.is_none() {
            let c = f[i..].chars().next().unwrap_or(' ');
            prefix.push(c);
            i += c.len_utf8();
        } else {
            i += 1;
        }
    }
    match found {
        Some((spec, _, end)) => Ok((prefix, spec, f[end..].replace("%%", "%"))),
        None => Err(Error::Fatal(format!("format {} has no % directive", quote_locale(f)))),
    }
}

fn default_format(first: &Operand, step: &Operand, last: &Operand, equal_width: bool) -> (String, FloatSpec, String) {
    let mut spec = FloatSpec { conv: 'g', ..FloatSpec::default() };
    if let (Some(fp), Some(sp), Some(lp)) = (first.precision, step.precision, last.precision) {
        let prec = fp.max(sp);
        spec.conv = 'f';
        spec.precision = Some(prec as usize);
        if equal_width {
            let first_width = first.width + (prec - fp) + if fp == 0 && prec > 0 { 1 } else { 0 };
            let mut last_width = last.width + (prec - lp);
            if lp > 0 && prec == 0 {
                last_width -= 1;
            }
            if lp == 0 && prec > 0 {
                last_width += 1;
            }
            spec.zero = true;
            spec.width = first_width.max(last_width).max(0) as usize;
        }
    }
    (String::new(), spec, String::new())
}

fn print_float(first: f64, step: f64, last: f64, fmt: &dyn Fn(f64) -> String, sep: &str, out: &mut wsutil::io::Out) -> std::io::Result<()> {
    let past = |x: f64| if step < 0.0 { x < last } else { last < x };
    if past(first) {
        return Ok(());
    }
    let mut x = first;
    let mut i = 1f64;
    loop {
        let text = fmt(x);
        out.write_all(text.as_bytes())?;
        let next = first + i * step;
        i += 1.0;
        if past(next) {
            let next_text = fmt(next);
            let equals_last = parse_c_float(next_text.trim()).map_or(false, |v| v == last);
            if !(equals_last && next_text != text) {
                break;
            }
            out.write_all(sep.as_bytes())?;
            out.write_all(next_text.as_bytes())?;
            break;
        }
        out.write_all(sep.as_bytes())?;
        x = next;
    }
    out.write_all(b"\n")
}

/// A plain decimal as (digits without the point, fraction digits).
fn exact(text: &str) -> Option<(i128, u32)> {
    let t = text.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if body.is_empty() || body == "." || body.contains(|c: char| !(c.is_ascii_digit() || c == '.')) || body.matches('.').count() > 1 {
        return None;
    }
    let (int, frac) = match body.find('.') {
        Some(p) => (&body[..p], &body[p + 1..]),
        None => (body, ""),
    };
    if int.len() + frac.len() > 36 {
        return None;
    }
    let digits: String = format!("{}{}", int, frac);
    let v: i128 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
    Some((if neg { -v } else { v }, frac.len() as u32))
}

fn rescale(v: (i128, u32), scale: u32) -> Option<i128> {
    v.0.checked_mul(10i128.checked_pow(scale - v.1)?)
}

fn print_exact(
    first: &Operand,
    step: &Operand,
    last: &Operand,
    values: ((i128, u32), (i128, u32), (i128, u32)),
    equal_width: bool,
    sep: &str,
    out: &mut wsutil::io::Out,
) -> std::io::Result<()> {
    let (fv, sv, lv) = values;
    let prec = fv.1.max(sv.1);
    let scale = prec.max(lv.1);
    let (f, s, l) = match (rescale(fv, scale), rescale(sv, scale), rescale(lv, scale)) {
        (Some(f), Some(s), Some(l)) => (f, s, l),
        _ => {
            let (p, spec, q) = default_format(first, step, last, equal_width);
            let fmt = |v: f64| format!("{}{}{}", p, format_float(&spec, v), q);
            return print_float(first.value, step.value, last.value, &fmt, sep, out);
        }
    };
    let (_, spec, _) = default_format(first, step, last, equal_width);
    let width = spec.width;
    let unit = 10i128.pow(scale - prec);
    if prec == 0 && unit == 1 && width < 60 {
        if let (Ok(f), Ok(s), Ok(l)) = (i64::try_from(f), i64::try_from(s), i64::try_from(l)) {
            return print_integers(f, s, l, width, sep.as_bytes(), out);
        }
    }
    print_steps(f, l, s < 0, |x| x.checked_add(s), |x, out| write_scaled(x / unit, prec, width, out), sep.as_bytes(), out)
}

/// The common case, integers that fit a machine word: formatted into a
/// stack buffer (i128 arithmetic and a String per number cost ~20x GNU).
fn print_integers(first: i64, step: i64, last: i64, width: usize, sep: &[u8], out: &mut wsutil::io::Out) -> std::io::Result<()> {
    let mut buf = [0u8; 64];
    print_steps(first, last, step < 0, |x| x.checked_add(step), |x, out| out.write_all(format_padded(x, width, &mut buf)), sep, out)
}

/// Writes `first`, `next(first)`, ... while not past `last`, separated by
/// `sep`, then a newline if anything was written; stops where `next`
/// overflows.
fn print_steps<T: Copy + PartialOrd>(
    first: T,
    last: T,
    descending: bool,
    next: impl Fn(T) -> Option<T>,
    mut put: impl FnMut(T, &mut wsutil::io::Out) -> std::io::Result<()>,
    sep: &[u8],
    out: &mut wsutil::io::Out,
) -> std::io::Result<()> {
    let mut x = first;
    let mut started = false;
    while if descending { x >= last } else { x <= last } {
        if started {
            out.write_all(sep)?;
        }
        started = true;
        put(x, out)?;
        x = match next(x) {
            Some(n) => n,
            None => break,
        };
    }
    if started {
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// `v` in decimal, zero-padded after the sign to `width` bytes (callers
/// keep `width` under the buffer's size).
fn format_padded(v: i64, width: usize, buf: &mut [u8; 64]) -> &[u8] {
    let mut i = buf.len();
    let mut n = v.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let sign = usize::from(v < 0);
    let width = width.min(buf.len() - 1);
    while buf.len() - i + sign < width {
        i -= 1;
        buf[i] = b'0';
    }
    if v < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    &buf[i..]
}

/// Writes `v / 10^prec` with `prec` fraction digits, zero-padded to `width`.
fn write_scaled(v: i128, prec: u32, width: usize, out: &mut wsutil::io::Out) -> std::io::Result<()> {
    let neg = v < 0;
    let digits = v.unsigned_abs().to_string();
    let p = prec as usize;
    let body = if p == 0 {
        digits
    } else if digits.len() > p {
        format!("{}.{}", &digits[..digits.len() - p], &digits[digits.len() - p..])
    } else {
        format!("0.{}{}", "0".repeat(p - digits.len()), digits)
    };
    let sign = if neg { "-" } else { "" };
    let len = sign.len() + body.len();
    let zeros = if width > len { width - len } else { 0 };
    write!(out, "{}{}{}", sign, "0".repeat(zeros), body)
}
