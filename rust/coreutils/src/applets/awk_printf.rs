//! awk's `printf`/`sprintf` formatting, as gawk's `format_tree` does it.
//!
//! What differs from C's printf: widths and precisions of `%s` and `%c`
//! count characters (UTF-8), `%c` of a number prints that code point,
//! `%d` of any finite value prints all its integer digits, values out of
//! range for `%x`/`%o`/`%u` fall back to `%g`, infinities and NaNs print
//! as `+inf`/`-nan` (upper case for upper-case conversions) without
//! padding, `l`/`h`/`L`/`z`/`j`/`t` are ignored, `%N$` picks arguments, and
//! an unknown conversion is copied out as text.

pub const APPLETS: &[wsutil::Applet] = &[];

use super::awk_value::{char_count, char_offset, Value};
use wsutil::cfmt::{format_float, FloatSpec};

/// How to turn values into text and numbers (the interpreter's rules).
pub trait Conv {
    fn text(&self, v: &Value) -> Vec<u8>;
    fn num(&self, v: &Value) -> f64 {
        v.to_num()
    }
}

fn trunc(d: f64) -> f64 {
    if d >= 0.0 {
        d.floor()
    } else {
        d.ceil()
    }
}

/// The text for an infinity or NaN in a numeric conversion.
fn nan_inf(v: f64, conv: u8) -> Option<Vec<u8>> {
    let s: &[u8] = if v.is_nan() {
        if v.is_sign_negative() {
            b"-nan"
        } else {
            b"+nan"
        }
    } else if v.is_infinite() {
        if v < 0.0 {
            b"-inf"
        } else {
            b"+inf"
        }
    } else {
        return None;
    };
    Some(if conv.is_ascii_uppercase() { s.to_ascii_uppercase() } else { s.to_vec() })
}

/// UTF-8 encoding as glibc's wcrtomb does it (up to 31 bits; surrogates
/// fail).
fn wc_encode(c: u32) -> Option<Vec<u8>> {
    if (0xD800..0xE000).contains(&c) || c > 0x7FFF_FFFF {
        return None;
    }
    if c < 0x80 {
        return Some(vec![c as u8]);
    }
    let (n, first): (usize, u32) = match c {
        0x80..=0x7FF => (2, 0xC0),
        0x800..=0xFFFF => (3, 0xE0),
        0x1_0000..=0x1F_FFFF => (4, 0xF0),
        0x20_0000..=0x3FF_FFFF => (5, 0xF8),
        _ => (6, 0xFC),
    };
    let mut out = vec![0u8; n];
    let mut v = c;
    for i in (1..n).rev() {
        out[i] = 0x80 | (v & 0x3F) as u8;
        v >>= 6;
    }
    out[0] = (first | v) as u8;
    Some(out)
}

struct Spec {
    fw: i64,
    prec: i64,
    have_prec: bool,
    lj: bool,
    alt: bool,
    zero: bool,
    sign: u8,
}

/// Pads `body` to the field width (already measured in characters as
/// `len`) with `fill`.
fn pad(out: &mut Vec<u8>, body: &[u8], len: i64, fw: i64, lj: bool, fill: u8) {
    if !lj {
        for _ in len..fw {
            out.push(fill);
        }
    }
    out.extend_from_slice(body);
    if lj {
        for _ in len..fw {
            out.push(b' ');
        }
    }
}

/// Formats like gawk's `sprintf(fmt, args...)`. Errors are gawk's fatal
/// messages (without the "fatal: " prefix).
pub fn format(fmt: &[u8], args: &[Value], conv: &dyn Conv) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(fmt.len() + 16);
    let mut cur_arg = 0usize;
    let mut used_dollar = false;
    let n = fmt.len();
    let mut i = 0;
    let mut s0 = 0;
    while i < n {
        if fmt[i] != b'%' {
            i += 1;
            continue;
        }
        out.extend_from_slice(&fmt[s0..i]);
        s0 = i;
        i += 1;
        let mut sp = Spec { fw: 0, prec: 0, have_prec: false, lj: false, alt: false, zero: false, sign: 0 };
        // 0: reading the width, 1: the precision, 2: neither any more.
        let mut cur = 0u8;
        let mut argnum = 0usize;
        let mut big = false;
        let mut bigbig = false;
        let mut small = false;
        let mut done = false;
        while !done {
            if i >= n {
                // Ran out early: the rest is copied as text.
                break;
            }
            let c = fmt[i];
            i += 1;
            match c {
                b'%' => {
                    out.push(b'%');
                    s0 = i;
                    done = true;
                }
                b'0'..=b'9' => {
                    if c == b'0' && cur == 0 {
                        sp.zero = true;
                        if sp.lj {
                            continue;
                        }
                    }
                    if cur == 2 {
                        break;
                    }
                    let mut v = (c - b'0') as i64;
                    while i < n && fmt[i].is_ascii_digit() {
                        v = v.saturating_mul(10).saturating_add((fmt[i] - b'0') as i64);
                        i += 1;
                    }
                    if cur == 0 {
                        sp.fw = v;
                    } else {
                        if sp.prec >= 0 {
                            sp.prec = v;
                        } else {
                            sp.have_prec = false;
                        }
                        cur = 2;
                    }
                }
                b'$' => {
                    if cur == 0 {
                        argnum = sp.fw.max(0) as usize;
                        sp.fw = 0;
                        used_dollar = true;
                        if argnum == 0 {
                            return Err("arg count with `$' must be > 0".into());
                        }
                        if argnum > args.len() {
                            return Err(format!(
                                "arg count {} greater than total number of supplied arguments",
                                argnum
                            ));
                        }
                    } else {
                        return Err("`$' not permitted after period in format".into());
                    }
                }
                b'*' => {
                    if cur == 2 {
                        break;
                    }
                    let arg = if i < n && fmt[i].is_ascii_digit() {
                        let mut val = 0usize;
                        while i < n && fmt[i].is_ascii_digit() {
                            val = val.saturating_mul(10).saturating_add((fmt[i] - b'0') as usize);
                            i += 1;
                        }
                        if i >= n || fmt[i] != b'$' {
                            return Err("no `$' supplied for positional field width or precision".into());
                        }
                        i += 1;
                        if val == 0 || val > args.len() {
                            return Err(ran_out(fmt, i));
                        }
                        &args[val - 1]
                    } else {
                        match next_arg(args, &mut cur_arg, argnum, used_dollar)? {
                            Some(a) => a,
                            None => return Err(ran_out(fmt, i)),
                        }
                    };
                    let v = conv.num(arg);
                    let v = if v.is_nan() { 0 } else { trunc(v).clamp(i32::MIN as f64, i32::MAX as f64) as i64 };
                    if cur == 0 {
                        if v < 0 {
                            sp.fw = -v;
                            sp.lj = true;
                        } else {
                            sp.fw = v;
                        }
                    } else {
                        sp.prec = v;
                        sp.have_prec = v >= 0;
                        cur = 2;
                    }
                }
                b' ' | b'+' => {
                    if !(c == b' ' && sp.sign != 0) {
                        sp.sign = c;
                    }
                    if cur != 0 {
                        break;
                    }
                }
                b'-' => {
                    if sp.prec < 0 {
                        break;
                    }
                    if cur == 1 {
                        sp.prec = -1;
                        continue;
                    }
                    sp.lj = true;
                    if cur != 0 {
                        break;
                    }
                }
                b'.' => {
                    if cur != 0 {
                        break;
                    }
                    cur = 1;
                    sp.have_prec = true;
                }
                b'#' => {
                    sp.alt = true;
                    if cur != 0 {
                        break;
                    }
                }
                b'\'' => {
                    if cur != 0 {
                        break;
                    }
                }
                b'l' | b'z' | b'j' | b't' => {
                    if big {
                        break;
                    }
                    big = true;
                }
                b'L' => {
                    if bigbig {
                        break;
                    }
                    bigbig = true;
                }
                b'h' => {
                    if small {
                        break;
                    }
                    small = true;
                }
                b'c' => {
                    let arg = match next_arg(args, &mut cur_arg, argnum, used_dollar)? {
                        Some(a) => a,
                        None => return Err(ran_out(fmt, i)),
                    };
                    let bytes = if arg.is_numeric() {
                        let d = conv.num(arg);
                        // As x86 converts a double to uintmax_t.
                        let u = if d < 0.0 { (d as i64) as u64 } else { d as u64 };
                        let wc = u as u32;
                        match wc_encode(wc).filter(|_| (wc as i32) >= 0) {
                            Some(b) => b,
                            None => vec![u as u8],
                        }
                    } else {
                        let s = conv.text(arg);
                        if s.is_empty() {
                            vec![0]
                        } else {
                            let l = super::awk_lex::utf8_len(&s);
                            s[..l].to_vec()
                        }
                    };
                    pad(&mut out, &bytes, 1, sp.fw, sp.lj, b' ');
                    s0 = i;
                    done = true;
                }
                b's' => {
                    let arg = match next_arg(args, &mut cur_arg, argnum, used_dollar)? {
                        Some(a) => a,
                        None => return Err(ran_out(fmt, i)),
                    };
                    let s = conv.text(arg);
                    if sp.fw == 0 && !sp.have_prec {
                        out.extend_from_slice(&s);
                    } else {
                        let chars = char_count(&s) as i64;
                        let prec = if !sp.have_prec || sp.prec > chars { chars } else { sp.prec };
                        let end = char_offset(&s, prec.max(0) as usize);
                        pad(&mut out, &s[..end], prec, sp.fw, sp.lj, b' ');
                    }
                    s0 = i;
                    done = true;
                }
                b'd' | b'i' => {
                    let arg = match next_arg(args, &mut cur_arg, argnum, used_dollar)? {
                        Some(a) => a,
                        None => return Err(ran_out(fmt, i)),
                    };
                    let v = conv.num(arg);
                    if let Some(t) = nan_inf(v, c) {
                        out.extend_from_slice(&t);
                    } else {
                        format_int(&mut out, trunc(v), &sp);
                    }
                    s0 = i;
                    done = true;
                }
                b'o' | b'u' | b'x' | b'X' => {
                    let arg = match next_arg(args, &mut cur_arg, argnum, used_dollar)? {
                        Some(a) => a,
                        None => return Err(ran_out(fmt, i)),
                    };
                    let v = conv.num(arg);
                    if let Some(t) = nan_inf(v, c) {
                        out.extend_from_slice(&t);
                    } else if !format_unsigned(&mut out, v, c, &sp) {
                        // Out of range: %g with the same flags.
                        float_conv(&mut out, v, b'g', &sp);
                    }
                    s0 = i;
                    done = true;
                }
                b'e' | b'E' | b'f' | b'F' | b'g' | b'G' | b'a' | b'A' => {
                    let arg = match next_arg(args, &mut cur_arg, argnum, used_dollar)? {
                        Some(a) => a,
                        None => return Err(ran_out(fmt, i)),
                    };
                    let v = conv.num(arg);
                    if let Some(t) = nan_inf(v, c) {
                        out.extend_from_slice(&t);
                    } else {
                        float_conv(&mut out, v, c, &sp);
                    }
                    s0 = i;
                    done = true;
                }
                _ => break,
            }
        }
    }
    out.extend_from_slice(&fmt[s0.min(n)..]);
    Ok(out)
}

fn ran_out(fmt: &[u8], at: usize) -> String {
    format!(
        "not enough arguments to satisfy format string\n\t`{}'\n\t{}^ ran out for this one",
        String::from_utf8_lossy(fmt),
        " ".repeat(at.saturating_sub(1))
    )
}

fn next_arg<'a>(
    args: &'a [Value],
    cur: &mut usize,
    argnum: usize,
    used_dollar: bool,
) -> Result<Option<&'a Value>, String> {
    if argnum > 0 {
        if *cur > 0 {
            return Err("must use `count$' on all formats or none".into());
        }
        return Ok(args.get(argnum - 1));
    }
    if used_dollar {
        return Err("must use `count$' on all formats or none".into());
    }
    if *cur >= args.len() {
        return Ok(None);
    }
    *cur += 1;
    Ok(Some(&args[*cur - 1]))
}

fn float_conv(out: &mut Vec<u8>, v: f64, c: u8, sp: &Spec) {
    let spec = FloatSpec {
        left: sp.lj,
        plus: sp.sign == b'+',
        space: sp.sign == b' ',
        alt: sp.alt,
        zero: sp.zero,
        width: sp.fw.max(0) as usize,
        precision: if sp.have_prec { Some(sp.prec.max(0) as usize) } else if c == b'a' || c == b'A' { None } else { Some(6) },
        conv: c as char,
    };
    out.extend_from_slice(format_float(&spec, v).as_bytes());
}

/// `%d`: every digit of the (truncated) value.
fn format_int(out: &mut Vec<u8>, v: f64, sp: &Spec) {
    let mut prec = sp.prec;
    let mut fw = sp.fw;
    if sp.have_prec && prec == 0 && v == 0.0 {
        pad(out, b"", 0, fw, sp.lj, b' ');
        return;
    }
    let neg = v < 0.0;
    let digits = format!("{:.0}", v.abs());
    let mut body: Vec<u8> = Vec::new();
    if sp.have_prec {
        for _ in (digits.len() as i64)..prec {
            body.push(b'0');
        }
    }
    body.extend_from_slice(digits.as_bytes());
    let mut signed = Vec::with_capacity(body.len() + 1);
    if neg {
        signed.push(b'-');
    } else if sp.sign != 0 {
        signed.push(sp.sign);
    }
    signed.extend_from_slice(&body);
    let zero_fill = !sp.lj && ((sp.zero && !sp.have_prec) || (fw == 0 && sp.have_prec));
    if prec > fw {
        fw = prec;
    }
    prec = signed.len() as i64;
    let mut start = 0;
    if fw > prec && !sp.lj && zero_fill && (neg || sp.sign != 0) {
        out.push(signed[0]);
        start = 1;
        prec -= 1;
        fw -= 1;
    }
    pad(out, &signed[start..], prec, fw, sp.lj, if zero_fill { b'0' } else { b' ' });
}

/// `%o %u %x %X`; false when the value does not fit in 64 bits.
fn format_unsigned(out: &mut Vec<u8>, v: f64, c: u8, sp: &Spec) -> bool {
    let t = trunc(v);
    if sp.have_prec && sp.prec == 0 && t == 0.0 && !sp.alt {
        pad(out, b"", 0, sp.fw, sp.lj, b' ');
        return true;
    }
    let u: u64 = if t < 0.0 {
        if t < -9.223372036854775808e18 {
            return false;
        }
        (t as i64) as u64
    } else {
        if t >= 18446744073709551616.0 {
            return false;
        }
        t as u64
    };
    let base = match c {
        b'o' => 8,
        b'u' => 10,
        _ => 16,
    };
    let zero_fill = !sp.lj && ((sp.zero && !sp.have_prec) || (sp.fw == 0 && sp.have_prec));
    let mut digits = match base {
        8 => format!("{:o}", u),
        10 => format!("{}", u),
        _ if c == b'X' => format!("{:X}", u),
        _ => format!("{:x}", u),
    }
    .into_bytes();
    if sp.have_prec {
        while (digits.len() as i64) < sp.prec {
            digits.insert(0, b'0');
        }
    }
    let mut fw = sp.fw;
    if sp.alt && t != 0.0 {
        if base == 16 {
            let prefix = [b'0', c];
            if zero_fill {
                out.extend_from_slice(&prefix);
                fw -= 2;
            } else {
                digits.splice(0..0, prefix.iter().copied());
            }
        } else if base == 8 {
            digits.insert(0, b'0');
        }
    }
    let mut prec = if sp.have_prec { sp.prec } else { 0 };
    if prec > fw {
        fw = prec;
    }
    prec = digits.len() as i64;
    pad(out, &digits, prec, fw, sp.lj, if zero_fill { b'0' } else { b' ' });
    true
}
