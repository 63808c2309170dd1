//! String builtins and the `@format` escapes.

use crate::interp::{err, Ctl, Interp};
use crate::value::{describe, number_text, to_json, to_text, Value};

type Res = Result<Value, Ctl>;

/// `@name`: applies a format to a value.
pub fn format(_it: &mut Interp, name: &str, v: &Value) -> Res {
    match name {
        "text" => Ok(Value::string(to_text(v))),
        "json" => Ok(Value::string(to_json(v))),
        "html" => Ok(Value::string(html(&to_text(v)))),
        "uri" => Ok(Value::string(uri(&to_text(v)))),
        "csv" => csv_tsv(v, true),
        "tsv" => csv_tsv(v, false),
        "sh" => sh(v),
        "base64" => Ok(Value::string(base64(to_text(v).as_bytes()))),
        "base64d" => {
            let t = to_text(v);
            match unbase64(&t) {
                Some(b) => Ok(Value::string(String::from_utf8_lossy(&b).into_owned())),
                None => err(format!("{} is not valid base64 data", describe(v))),
            }
        }
        "base32" => Ok(Value::string(base32(to_text(v).as_bytes()))),
        "base32d" => {
            let t = to_text(v);
            match unbase32(&t) {
                Some(b) => Ok(Value::string(String::from_utf8_lossy(&b).into_owned())),
                None => err(format!("{} is not valid base32 data", describe(v))),
            }
        }
        _ => err(format!("{} is not a valid format", name)),
    }
}

fn html(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '\'' => o.push_str("&apos;"),
            '"' => o.push_str("&quot;"),
            c => o.push(c),
        }
    }
    o
}

fn uri(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            o.push(b as char);
        } else {
            o.push_str(&format!("%{:02X}", b));
        }
    }
    o
}

fn csv_tsv(v: &Value, csv: bool) -> Res {
    let a = match v {
        Value::Arr(a) => a,
        _ => {
            return err(format!(
                "{} cannot be {}-formatted, only array",
                describe(v),
                if csv { "csv" } else { "tsv" }
            ))
        }
    };
    let mut out = String::new();
    for (i, x) in a.iter().enumerate() {
        if i > 0 {
            out.push(if csv { ',' } else { '\t' });
        }
        match x {
            Value::Null => {}
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Num(_) | Value::Dec(_) => out.push_str(&number_text(x)),
            Value::Str(s) => {
                if csv {
                    out.push('"');
                    out.push_str(&s.replace('"', "\"\""));
                    out.push('"');
                } else {
                    for c in s.chars() {
                        match c {
                            '\\' => out.push_str("\\\\"),
                            '\t' => out.push_str("\\t"),
                            '\n' => out.push_str("\\n"),
                            '\r' => out.push_str("\\r"),
                            c => out.push(c),
                        }
                    }
                }
            }
            _ => return err(format!("{} is not valid in a csv row", describe(x))),
        }
    }
    Ok(Value::string(out))
}

fn sh_quote(out: &mut String, x: &Value) -> Result<(), Ctl> {
    match x {
        Value::Str(s) => {
            out.push('\'');
            out.push_str(&s.replace('\'', "'\\''"));
            out.push('\'');
        }
        Value::Arr(_) | Value::Obj(_) => return err(format!("{} can not be escaped for shell", describe(x))),
        _ => out.push_str(&to_json(x)),
    }
    Ok(())
}

fn sh(v: &Value) -> Res {
    let mut out = String::new();
    match v {
        Value::Arr(a) => {
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                sh_quote(&mut out, x)?;
            }
        }
        _ => sh_quote(&mut out, v)?,
    }
    Ok(Value::string(out))
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn base64(data: &[u8]) -> String {
    let mut o = String::with_capacity(data.len() * 4 / 3 + 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = ((b[0] as u32) << 16) | ((b[1] as u32) << 8) | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                o.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                o.push('=');
            }
        }
    }
    o
}

/// Decodes base64, stopping at padding; partial groups give what bytes
/// they hold. None on a character outside the alphabet.
pub fn unbase64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.bytes() {
        if c == b'=' {
            break;
        }
        let v = B64.iter().position(|&x| x == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn base32(data: &[u8]) -> String {
    let mut o = String::new();
    for chunk in data.chunks(5) {
        let mut b = [0u8; 5];
        b[..chunk.len()].copy_from_slice(chunk);
        let n = b.iter().fold(0u64, |a, &x| (a << 8) | x as u64);
        let chars = (chunk.len() * 8 + 4) / 5;
        for i in 0..8 {
            if i < chars {
                o.push(B32[((n >> (35 - 5 * i)) & 31) as usize] as char);
            } else {
                o.push('=');
            }
        }
    }
    o
}

fn unbase32(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut acc: u64 = 0;
    let mut bits = 0;
    for c in s.bytes() {
        if c == b'=' {
            break;
        }
        let v = B32.iter().position(|&x| x == c)? as u64;
        acc = (acc << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

pub fn implode(v: &Value) -> Res {
    let a = match v {
        Value::Arr(a) => a,
        _ => return err("implode input must be an array"),
    };
    let mut s = String::with_capacity(a.len());
    for x in a.iter() {
        match x.as_f64() {
            Some(f) if !f.is_nan() => {
                let c = if f < 0.0 || f > 0x10FFFF as f64 { None } else { char::from_u32(f as u32) };
                s.push(c.unwrap_or('\u{FFFD}'));
            }
            _ => return err(format!("{} implode input must be an array of codepoints", describe(v))),
        }
    }
    Ok(Value::string(s))
}

pub fn explode(v: &Value) -> Res {
    match v {
        Value::Str(s) => Ok(Value::arr(s.chars().map(|c| Value::Num(c as u32 as f64)).collect())),
        _ => err(format!("{} cannot be exploded, it is not a string", describe(v))),
    }
}

pub fn trimstr(v: &Value, x: &Value, left: bool) -> Res {
    if let (Value::Str(s), Value::Str(p)) = (v, x) {
        if left {
            if let Some(r) = s.strip_prefix(&**p) {
                return Ok(Value::str(r));
            }
        } else if let Some(r) = s.strip_suffix(&**p) {
            return Ok(Value::str(r));
        }
    }
    Ok(v.clone())
}

pub fn starts_ends(v: &Value, x: &Value, start: bool) -> Res {
    match (v, x) {
        (Value::Str(s), Value::Str(p)) => Ok(Value::Bool(if start { s.starts_with(&**p) } else { s.ends_with(&**p) })),
        _ => err(if start { "startswith() requires string inputs" } else { "endswith() requires string inputs" }),
    }
}

pub fn trim(v: &Value, left: bool, right: bool) -> Res {
    match v {
        Value::Str(s) => {
            let mut t: &str = s;
            if left {
                t = t.trim_start();
            }
            if right {
                t = t.trim_end();
            }
            Ok(Value::str(t))
        }
        _ => err(format!("{} trim input must be a string", describe(v))),
    }
}

pub fn ascii_case(v: &Value, upper: bool) -> Res {
    match v {
        Value::Str(s) => Ok(Value::string(if upper { s.to_ascii_uppercase() } else { s.to_ascii_lowercase() })),
        _ => err(format!("{} cannot be {}", describe(v), if upper { "upcased" } else { "downcased" })),
    }
}

/// `_strindices`: byte offsets of every (overlapping) occurrence.
pub fn strindices(v: &Value, x: &Value) -> Res {
    match (v, x) {
        (Value::Str(s), Value::Str(p)) => {
            let mut out = Vec::new();
            if !p.is_empty() {
                let (h, n) = (s.as_bytes(), p.as_bytes());
                let mut i = 0;
                while i + n.len() <= h.len() {
                    if &h[i..i + n.len()] == n {
                        out.push(Value::Num(i as f64));
                    }
                    i += 1;
                }
            }
            Ok(Value::arr(out))
        }
        _ => err("_strindices requires string inputs"),
    }
}
