//! jq's JSON text parser: byte by byte, so that inputs stream and a value
//! may even span two input files, with jq's error messages and its line
//! and column counting (the column is that of the byte that revealed the
//! error; a literal is only checked when the byte after it arrives).

use crate::value::{Map, Value};
use std::rc::Rc;

/// jq allows 10000; the module's native stack holds about 2000 levels of
/// printing, so inputs stop well before.
const MAX_DEPTH: usize = 1000;

enum Frame {
    Arr(Vec<Value>),
    Obj(Map),
    Key(Rc<str>),
}

/// An incremental parser of a sequence of JSON texts.
pub struct Parser {
    stack: Vec<Frame>,
    next: Option<Value>,
    token: Vec<u8>,
    in_string: bool,
    escaped: bool,
    string: Vec<u8>,
    line: u64,
    column: u64,
    /// Bytes of a leading byte-order mark still to skip.
    bom: usize,
    /// Record separators (`--seq`) count as whitespace.
    pub seq: bool,
}

impl Default for Parser {
    fn default() -> Self {
        Parser::new()
    }
}

impl Parser {
    pub fn new() -> Parser {
        Parser {
            stack: Vec::new(),
            next: None,
            token: Vec::new(),
            in_string: false,
            escaped: false,
            string: Vec::new(),
            line: 1,
            column: 0,
            bom: 0,
            seq: false,
        }
    }

    /// Feeds bytes; completed top-level values are pushed on `out`. Stops
    /// at the first error, which carries jq's "at line L, column C".
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<Value>) -> Result<(), String> {
        const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];
        for &b in bytes {
            if self.bom < 3 && self.line == 1 && self.column == self.bom as u64 && !self.in_string {
                if b == BOM[self.bom] && self.stack.is_empty() && self.next.is_none() && self.token.is_empty() {
                    self.bom += 1;
                    self.column += 1;
                    if self.bom == 3 {
                        self.column = 0;
                    }
                    continue;
                }
                if self.bom > 0 {
                    return Err(self.at("Malformed BOM"));
                }
                self.bom = 3;
            }
            if b == b'\n' {
                self.line += 1;
                self.column = 0;
            } else {
                self.column += 1;
            }
            if let Err(msg) = self.scan(b) {
                return Err(self.at(msg));
            }
            if self.stack.is_empty() {
                if let Some(v) = self.next.take() {
                    out.push(v);
                }
            }
        }
        Ok(())
    }

    /// Ends the input: flushes a pending literal and reports what is
    /// unfinished.
    pub fn finish(&mut self, out: &mut Vec<Value>) -> Result<(), String> {
        if self.in_string {
            return Err(self.at_eof("Unfinished string"));
        }
        if let Err(msg) = self.flush_token() {
            return Err(self.at_eof(msg));
        }
        if self.stack.is_empty() {
            if let Some(v) = self.next.take() {
                out.push(v);
            }
            return Ok(());
        }
        Err(self.at_eof("Unfinished JSON term"))
    }

    /// Whether a value is partly read (for `--seq` and file boundaries).
    pub fn is_idle(&self) -> bool {
        self.stack.is_empty() && self.next.is_none() && self.token.is_empty() && !self.in_string
    }

    fn at(&self, msg: &str) -> String {
        format!("{} at line {}, column {}", msg, self.line, self.column)
    }

    fn at_eof(&self, msg: &str) -> String {
        format!("{} at EOF at line {}, column {}", msg, self.line, self.column)
    }

    fn scan(&mut self, b: u8) -> Result<(), &'static str> {
        if self.in_string {
            if self.escaped {
                self.escaped = false;
                self.string.push(b);
            } else if b == b'\\' {
                self.escaped = true;
                self.string.push(b);
            } else if b == b'"' {
                self.in_string = false;
                let s = decode_string(&self.string)?;
                self.string.clear();
                return self.value(Value::Str(Rc::from(s)));
            } else {
                self.string.push(b);
            }
            return Ok(());
        }
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => self.flush_token(),
            0x1e if self.seq => self.flush_token(),
            b'"' => {
                self.flush_token()?;
                self.in_string = true;
                Ok(())
            }
            b'[' | b',' | b']' | b'{' | b':' | b'}' => {
                self.flush_token()?;
                self.structure(b)
            }
            _ => {
                self.token.push(b);
                Ok(())
            }
        }
    }

    fn value(&mut self, v: Value) -> Result<(), &'static str> {
        if self.next.is_some() {
            return Err("Expected separator between values");
        }
        self.next = Some(v);
        Ok(())
    }

    fn push(&mut self, f: Frame) -> Result<(), &'static str> {
        if self.stack.len() >= MAX_DEPTH {
            return Err("Exceeds depth limit for parsing");
        }
        self.stack.push(f);
        Ok(())
    }

    fn structure(&mut self, b: u8) -> Result<(), &'static str> {
        match b {
            b'[' => {
                if self.next.is_some() {
                    return Err("Expected separator between values");
                }
                self.push(Frame::Arr(Vec::new()))
            }
            b'{' => {
                if self.next.is_some() {
                    return Err("Expected separator between values");
                }
                self.push(Frame::Obj(Map::new()))
            }
            b':' => {
                let key = match self.next.take() {
                    None => return Err("Expected string key before ':'"),
                    Some(k) => k,
                };
                if !matches!(self.stack.last(), Some(Frame::Obj(_))) {
                    self.next = Some(key);
                    return Err("':' not as part of an object");
                }
                match key {
                    Value::Str(s) => self.push(Frame::Key(s)),
                    other => {
                        self.next = Some(other);
                        Err("Object keys must be strings")
                    }
                }
            }
            b',' => {
                let v = match self.next.take() {
                    None => return Err("Expected value before ','"),
                    Some(v) => v,
                };
                match self.stack.last_mut() {
                    None => Err("',' not as part of an object or array"),
                    Some(Frame::Arr(a)) => {
                        a.push(v);
                        Ok(())
                    }
                    Some(Frame::Key(_)) => {
                        self.insert_pair(v);
                        Ok(())
                    }
                    Some(Frame::Obj(_)) => Err("Objects must consist of key:value pairs"),
                }
            }
            b']' => {
                let arr = match self.stack.last_mut() {
                    Some(Frame::Arr(a)) => a,
                    _ => return Err("Unmatched ']'"),
                };
                if let Some(v) = self.next.take() {
                    arr.push(v);
                } else if !arr.is_empty() {
                    return Err("Expected another array element");
                }
                if let Some(Frame::Arr(a)) = self.stack.pop() {
                    self.next = Some(Value::arr(a));
                }
                Ok(())
            }
            _ => {
                if self.stack.is_empty() {
                    return Err("Unmatched '}'");
                }
                if let Some(v) = self.next.take() {
                    if !matches!(self.stack.last(), Some(Frame::Key(_))) {
                        self.next = Some(v);
                        return Err("Objects must consist of key:value pairs");
                    }
                    self.insert_pair(v);
                } else {
                    match self.stack.last() {
                        Some(Frame::Obj(m)) => {
                            if !m.is_empty() {
                                return Err("Expected another key-value pair");
                            }
                        }
                        _ => return Err("Unmatched '}'"),
                    }
                }
                if let Some(Frame::Obj(m)) = self.stack.pop() {
                    self.next = Some(Value::obj(m));
                }
                Ok(())
            }
        }
    }

    fn insert_pair(&mut self, v: Value) {
        if let Some(Frame::Key(k)) = self.stack.pop() {
            if let Some(Frame::Obj(m)) = self.stack.last_mut() {
                m.insert(k, v);
            }
        }
    }

    fn flush_token(&mut self) -> Result<(), &'static str> {
        if self.token.is_empty() {
            return Ok(());
        }
        let tok = std::mem::take(&mut self.token);
        let v = check_literal(&tok)?;
        self.value(v)
    }
}

/// true, false, null, nan, or a number.
fn check_literal(tok: &[u8]) -> Result<Value, &'static str> {
    let pattern: Option<(&[u8], Value)> = match tok[0] {
        b't' => Some((b"true", Value::Bool(true))),
        b'f' => Some((b"false", Value::Bool(false))),
        b'\'' => return Err("Invalid string literal; expected \", but got '"),
        b'n' if tok.len() == 3 => Some((b"nan", Value::Num(f64::NAN))),
        b'n' => Some((b"null", Value::Null)),
        _ => None,
    };
    if let Some((p, v)) = pattern {
        if tok != p {
            return Err("Invalid literal");
        }
        return Ok(v);
    }
    let text = std::str::from_utf8(tok).map_err(|_| "Invalid numeric literal")?;
    number_literal(text).ok_or("Invalid numeric literal")
}

/// A number as decNumber reads it: decimal, or NaN and infinities.
pub fn number_literal(text: &str) -> Option<Value> {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let lower = body.to_ascii_lowercase();
    let neg = text.starts_with('-');
    if lower == "nan" || lower == "snan" {
        return Some(Value::Num(f64::NAN));
    }
    if lower == "inf" || lower == "infinity" {
        return Some(Value::Num(if neg { f64::NEG_INFINITY } else { f64::INFINITY }));
    }
    Value::from_literal(text)
}

/// The text between the quotes of a JSON string: escapes, then UTF-8
/// with invalid bytes replaced.
fn decode_string(raw: &[u8]) -> Result<String, &'static str> {
    let mut out: Vec<u8> = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b < 0x20 {
            return Err("Invalid string: control characters from U+0000 through U+001F must be escaped");
        }
        if b != b'\\' {
            out.push(b);
            i += 1;
            continue;
        }
        i += 1;
        let e = raw[i];
        i += 1;
        let c = match e {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = hex4(raw, i).ok_or("Invalid \\uXXXX escape")?;
                i += 4;
                if (0xD800..0xDC00).contains(&hi) {
                    let lo = if raw.get(i) == Some(&b'\\') && raw.get(i + 1) == Some(&b'u') {
                        hex4(raw, i + 2)
                    } else {
                        None
                    };
                    match lo {
                        Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                            i += 6;
                            char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)).unwrap_or('\u{FFFD}')
                        }
                        _ => return Err("Invalid \\uXXXX\\uXXXX surrogate pair escape"),
                    }
                } else {
                    char::from_u32(hi).unwrap_or('\u{FFFD}')
                }
            }
            _ => return Err("Invalid escape"),
        };
        let mut buf = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
    Ok(match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

fn hex4(raw: &[u8], i: usize) -> Option<u32> {
    if i + 4 > raw.len() {
        return None;
    }
    let s = std::str::from_utf8(&raw[i..i + 4]).ok()?;
    if !s.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}

/// Parses one complete JSON text (`fromjson`, `--argjson`, `tonumber`):
/// exactly one value, or jq's message.
pub fn parse_one(text: &str) -> Result<Value, String> {
    let mut p = Parser::new();
    let mut out = Vec::new();
    p.feed(text.as_bytes(), &mut out)?;
    p.finish(&mut out)?;
    match out.len() {
        1 => Ok(out.pop().unwrap_or(Value::Null)),
        0 => Err("Expected JSON value".to_string()),
        _ => Err("Unexpected extra JSON values".to_string()),
    }
}

/// Parses all the JSON texts of `text` (`--slurpfile`, `--jsonargs`).
pub fn parse_all(text: &[u8]) -> Result<Vec<Value>, String> {
    let mut p = Parser::new();
    let mut out = Vec::new();
    p.feed(text, &mut out)?;
    p.finish(&mut out)?;
    Ok(out)
}
