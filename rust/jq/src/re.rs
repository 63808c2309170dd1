//! Regular expressions for `test`, `match`, `capture`, `scan`, `split`,
//! `sub`: Oniguruma's Perl-NT syntax mapped onto the `regex` crate
//! (`(?<name>...)` groups, `\h`), with jq's flags and match objects
//! (offsets and lengths in codepoints).

use crate::interp::{err, Ctl, Interp};
use crate::value::{describe, Map, Value};
use std::rc::Rc;

struct Flags {
    global: bool,
    skip_empty: bool,
    prefix: String,
}

fn parse_flags(flags: &Value) -> Result<Flags, Ctl> {
    let s = match flags {
        Value::Null => "",
        Value::Str(s) => s,
        other => return err(format!("{} is not a string", describe(other))),
    };
    let mut f = Flags { global: false, skip_empty: false, prefix: String::new() };
    let mut inline = String::new();
    for c in s.chars() {
        match c {
            'g' => f.global = true,
            'n' => f.skip_empty = true,
            'i' => inline.push('i'),
            'x' => inline.push('x'),
            'm' | 'p' => inline.push('s'),
            's' | 'l' => {}
            _ => return err(format!("{} is not a valid modifier string", s)),
        }
    }
    if !inline.is_empty() {
        f.prefix = format!("(?{})", inline);
    }
    Ok(f)
}

/// Oniguruma syntax the `regex` crate spells differently.
fn translate(re: &str) -> String {
    let mut out = String::with_capacity(re.len() + 8);
    let mut chars = re.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let n = chars.next();
                match n {
                    Some('h') if !in_class => out.push_str("[0-9a-fA-F]"),
                    Some('H') if !in_class => out.push_str("[^0-9a-fA-F]"),
                    Some('h') => out.push_str("0-9a-fA-F"),
                    Some('Z') => out.push_str("\\z"),
                    Some(x) => {
                        out.push('\\');
                        out.push(x);
                    }
                    None => out.push('\\'),
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push_str("\\]");
                    chars.next();
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '(' if !in_class => {
                out.push('(');
                let mut look = chars.clone();
                if look.next() == Some('?') && look.next() == Some('<') {
                    if let Some(n) = look.next() {
                        if n != '=' && n != '!' {
                            chars.next();
                            chars.next();
                            out.push_str("?P<");
                        }
                    }
                }
            }
            c => out.push(c),
        }
    }
    out
}

fn compile(it: &mut Interp, re: &str, flags: &Flags) -> Result<Rc<regex::Regex>, Ctl> {
    let key = (re.to_string(), flags.prefix.clone());
    if let Some(r) = it.regex_cache.get(&key) {
        return Ok(r.clone());
    }
    let pattern = format!("{}{}", flags.prefix, translate(re));
    match regex::Regex::new(&pattern) {
        Ok(r) => {
            let r = Rc::new(r);
            it.regex_cache.insert(key, r.clone());
            Ok(r)
        }
        Err(e) => {
            let msg = e.to_string();
            let last = msg.lines().filter(|l| !l.trim().is_empty()).last().unwrap_or("invalid pattern").to_string();
            let last = last.trim_start_matches("error: ").to_string();
            err(format!("{} (at offset 0) is not a valid regex: {}", re, last))
        }
    }
}

/// Byte offsets to codepoint offsets, counting forward from the last
/// position asked for.
struct Cp<'a> {
    s: &'a str,
    byte: usize,
    cp: usize,
}

impl<'a> Cp<'a> {
    fn at(&mut self, b: usize) -> usize {
        if b < self.byte {
            self.byte = 0;
            self.cp = 0;
        }
        self.cp += self.s[self.byte..b].chars().count();
        self.byte = b;
        self.cp
    }
}

/// One match: (start, end) of the whole and of each group, in bytes.
type RawMatch = Vec<Option<(usize, usize)>>;

fn find_all(r: &regex::Regex, s: &str, global: bool, skip_empty: bool) -> Vec<RawMatch> {
    let mut out = Vec::new();
    let mut locs = r.capture_locations();
    let mut start = 0;
    loop {
        let m = match r.captures_read_at(&mut locs, s, start) {
            Some(m) => m,
            None => break,
        };
        let (ms, me) = (m.start(), m.end());
        if !(skip_empty && ms == me) {
            out.push((0..locs.len()).map(|i| locs.get(i)).collect());
        }
        if !global {
            break;
        }
        start = if ms == me {
            match s[me..].chars().next() {
                Some(c) => me + c.len_utf8(),
                None => break,
            }
        } else {
            me
        };
        if start >= s.len() {
            break;
        }
    }
    out
}

fn obj(pairs: Vec<(&str, Value)>) -> Value {
    let mut m = Map::new();
    for (k, v) in pairs {
        m.insert(Rc::from(k), v);
    }
    Value::obj(m)
}

/// `_match_impl(re; flags; test)`.
pub fn match_impl(it: &mut Interp, input: &Value, re: &Value, flags: &Value, test: &Value) -> Result<Value, Ctl> {
    let s = match input {
        Value::Str(s) => s.clone(),
        _ => return err(format!("{} cannot be matched, as it is not a string", describe(input))),
    };
    let re = match re {
        Value::Str(r) => r.clone(),
        _ => return err(format!("{} is not a string", describe(re))),
    };
    let f = parse_flags(flags)?;
    let r = compile(it, &re, &f)?;
    if test.truthy() {
        return Ok(Value::Bool(r.is_match(&s)));
    }
    let names: Vec<Option<String>> = r.capture_names().map(|n| n.map(|x| x.to_string())).collect();
    let mut cp = Cp { s: &s, byte: 0, cp: 0 };
    let mut results = Vec::new();
    for m in find_all(&r, &s, f.global, f.skip_empty) {
        let (ms, me) = m[0].unwrap_or((0, 0));
        let off = cp.at(ms);
        let end = cp.at(me);
        let mut caps = Vec::new();
        for (i, g) in m.iter().enumerate().skip(1) {
            let name = names.get(i).cloned().flatten().map(|n| Value::string(n)).unwrap_or(Value::Null);
            caps.push(match g {
                Some((gs, ge)) => {
                    let o = cp.at(*gs);
                    let e = cp.at(*ge);
                    obj(vec![
                        ("offset", Value::Num(o as f64)),
                        ("length", Value::Num((e - o) as f64)),
                        ("string", Value::str(&s[*gs..*ge])),
                        ("name", name),
                    ])
                }
                None => obj(vec![
                    ("offset", Value::Num(-1.0)),
                    ("string", Value::Null),
                    ("length", Value::Num(0.0)),
                    ("name", name),
                ]),
            });
        }
        results.push(obj(vec![
            ("offset", Value::Num(off as f64)),
            ("length", Value::Num((end - off) as f64)),
            ("string", Value::str(&s[ms..me])),
            ("captures", Value::arr(caps)),
        ]));
    }
    Ok(Value::arr(results))
}

/// `split($re; flags)`: the pieces between all matches.
pub fn split_re(it: &mut Interp, input: &Value, re: &Value, flags: &Value) -> Result<Value, Ctl> {
    let s = match input {
        Value::Str(s) => s.clone(),
        _ => return err(format!("{} cannot be matched, as it is not a string", describe(input))),
    };
    let re = match re {
        Value::Str(r) => r.clone(),
        _ => return err(format!("{} is not a string", describe(re))),
    };
    let mut f = parse_flags(flags)?;
    f.global = true;
    let r = compile(it, &re, &f)?;
    let mut out = Vec::new();
    let mut prev = 0;
    for m in find_all(&r, &s, true, f.skip_empty) {
        let (ms, me) = m[0].unwrap_or((0, 0));
        let ms = ms.max(prev);
        out.push(Value::str(&s[prev..ms]));
        prev = me.max(prev);
    }
    out.push(Value::str(&s[prev..]));
    Ok(Value::arr(out))
}
