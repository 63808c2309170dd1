//! jq's values: JSON with insertion-ordered objects, numbers that keep
//! the text of their literal (jq 1.7 prints `1.0` and
//! `100000000000000000000` as written, until arithmetic touches them), and
//! jq's total order across types.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::rc::Rc;

/// A jq value. Containers are shared and copied on write.
#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Bool(bool),
    Num(f64),
    /// A number literal whose canonical text differs from how its double
    /// prints (`1.0`, `1E+2`, 30-digit integers): kept for output and for
    /// exact comparison with other such literals.
    Dec(Rc<Decimal>),
    Str(Rc<str>),
    Arr(Rc<Vec<Value>>),
    Obj(Rc<Map>),
}

/// A decimal literal in decNumber's canonical form.
#[derive(Debug)]
pub struct Decimal {
    /// The value as a double (17 significant digits, then rounded).
    pub f: f64,
    /// decNumber's to-scientific-string of the literal.
    pub text: Box<str>,
    neg: bool,
    /// Significant digits, no leading or trailing zeros ("" for zero).
    digits: Box<str>,
    /// Power of ten of the first digit.
    adj: i64,
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(Rc::from(s))
    }

    pub fn string(s: String) -> Value {
        Value::Str(Rc::from(s))
    }

    pub fn arr(v: Vec<Value>) -> Value {
        Value::Arr(Rc::new(v))
    }

    pub fn obj(m: Map) -> Value {
        Value::Obj(Rc::new(m))
    }

    pub fn num(f: f64) -> Value {
        Value::Num(f)
    }

    pub fn kind(&self) -> Kind {
        match self {
            Value::Null => Kind::Null,
            Value::Bool(false) => Kind::False,
            Value::Bool(true) => Kind::True,
            Value::Num(_) | Value::Dec(_) => Kind::Number,
            Value::Str(_) => Kind::String,
            Value::Arr(_) => Kind::Array,
            Value::Obj(_) => Kind::Object,
        }
    }

    /// jq's name of the type: `null`, `boolean`, `number`, ...
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Num(_) | Value::Dec(_) => "number",
            Value::Str(_) => "string",
            Value::Arr(_) => "array",
            Value::Obj(_) => "object",
        }
    }

    /// false and null are false; everything else is true.
    pub fn truthy(&self) -> bool {
        !matches!(self, Value::Null | Value::Bool(false))
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Num(f) => Some(*f),
            Value::Dec(d) => Some(d.f),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Value::Num(_) | Value::Dec(_))
    }

    /// A number literal's value: a plain double when its canonical text is
    /// how the double prints anyway, else a [`Decimal`] that keeps the text.
    pub fn from_literal(text: &str) -> Option<Value> {
        let lit = parse_decimal(text)?;
        let f = lit.to_f64();
        if (lit.exp + lit.coef.len() as i64).unsigned_abs() > 999_999_999 {
            return Some(Value::Num(f));
        }
        let canon = lit.canonical();
        if !f.is_infinite() && fmt_f64(f) == canon {
            return Some(Value::Num(f));
        }
        let (digits, adj) = lit.normalized();
        Some(Value::Dec(Rc::new(Decimal { f, text: canon.into(), neg: lit.neg, digits: digits.into(), adj })))
    }
}

/// The order of types in jq's sort.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Kind {
    Null,
    False,
    True,
    Number,
    String,
    Array,
    Object,
}

/// An object: keys in insertion order, with a hash index once it grows.
#[derive(Clone, Debug, Default)]
pub struct Map {
    entries: Vec<(Rc<str>, Value)>,
    index: Option<HashMap<Rc<str>, usize>>,
}

const INDEX_FROM: usize = 12;

impl Map {
    pub fn new() -> Map {
        Map::default()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn find(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(ix) => ix.get(key).copied(),
            None => self.entries.iter().position(|(k, _)| &**k == key),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.find(key).map(|i| &self.entries[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_some()
    }

    /// Sets `key`; a new key goes last, an existing one keeps its place.
    pub fn insert(&mut self, key: Rc<str>, value: Value) {
        if let Some(i) = self.find(&key) {
            self.entries[i].1 = value;
            return;
        }
        if let Some(ix) = &mut self.index {
            ix.insert(key.clone(), self.entries.len());
        }
        self.entries.push((key, value));
        if self.index.is_none() && self.entries.len() > INDEX_FROM {
            self.reindex();
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        match self.find(key) {
            Some(i) => Some(&mut self.entries[i].1),
            None => None,
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.find(key)?;
        let (_, v) = self.entries.remove(i);
        if self.index.is_some() {
            self.reindex();
        }
        Some(v)
    }

    fn reindex(&mut self) {
        let mut ix = HashMap::with_capacity(self.entries.len());
        for (i, (k, _)) in self.entries.iter().enumerate() {
            ix.insert(k.clone(), i);
        }
        self.index = Some(ix);
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Rc<str>, &Value)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &Rc<str>> {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.entries.iter().map(|(_, v)| v)
    }

    /// Keys in codepoint order (jq's `keys` and `-S`).
    pub fn sorted_keys(&self) -> Vec<Rc<str>> {
        let mut ks: Vec<Rc<str>> = self.keys().cloned().collect();
        ks.sort();
        ks
    }
}

// ---------------------------------------------------------------- numbers

/// A decimal literal as read: sign, coefficient digits and exponent.
struct Lit {
    neg: bool,
    coef: String,
    exp: i64,
}

/// Parses a JSON-ish number (`-`, digits, `.`, exponent; a leading `+`, a
/// bare `.5` or `1.` are accepted as decNumber does). None if malformed.
fn parse_decimal(text: &str) -> Option<Lit> {
    let b = text.as_bytes();
    let mut i = 0;
    let mut neg = false;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        neg = b[i] == b'-';
        i += 1;
    }
    let mut coef = String::new();
    let mut frac = 0i64;
    let mut seen = false;
    while i < b.len() && b[i].is_ascii_digit() {
        coef.push(b[i] as char);
        i += 1;
        seen = true;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            coef.push(b[i] as char);
            frac += 1;
            i += 1;
            seen = true;
        }
    }
    if !seen {
        return None;
    }
    let mut exp = 0i64;
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        let mut eneg = false;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            eneg = b[i] == b'-';
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            exp = exp.saturating_mul(10).saturating_add((b[i] - b'0') as i64);
            i += 1;
        }
        if i == start {
            return None;
        }
        if eneg {
            exp = -exp;
        }
    }
    if i != b.len() {
        return None;
    }
    let trimmed = coef.trim_start_matches('0');
    let coef = if trimmed.is_empty() { "0".to_string() } else { trimmed.to_string() };
    Some(Lit { neg, coef, exp: exp.saturating_sub(frac) })
}

impl Lit {
    /// decNumber's to-scientific-string.
    fn canonical(&self) -> String {
        let n = self.coef.len() as i64;
        let adj = self.exp + n - 1;
        let mut s = String::new();
        if self.neg {
            s.push('-');
        }
        if self.exp <= 0 && adj >= -6 {
            if self.exp == 0 {
                s.push_str(&self.coef);
            } else {
                let point = n + self.exp;
                if point > 0 {
                    s.push_str(&self.coef[..point as usize]);
                    s.push('.');
                    s.push_str(&self.coef[point as usize..]);
                } else {
                    s.push_str("0.");
                    for _ in 0..-point {
                        s.push('0');
                    }
                    s.push_str(&self.coef);
                }
            }
        } else {
            s.push_str(&self.coef[..1]);
            if n > 1 {
                s.push('.');
                s.push_str(&self.coef[1..]);
            }
            let _ = write!(s, "E{}{}", if adj >= 0 { "+" } else { "-" }, adj.unsigned_abs());
        }
        s
    }

    /// Digits without trailing zeros and the power of the first digit.
    fn normalized(&self) -> (String, i64) {
        let d = self.coef.trim_end_matches('0');
        if d.is_empty() {
            return (String::new(), 0);
        }
        (d.to_string(), self.exp + self.coef.len() as i64 - 1)
    }

    /// The double jq 1.7 takes: at most 17 significant digits (rounded
    /// half-even), then correctly rounded.
    fn to_f64(&self) -> f64 {
        let (mut digits, mut exp) = (self.coef.clone(), self.exp);
        if digits.len() > 17 {
            let cut = digits.len() - 17;
            let rest = digits[17..].to_string();
            digits.truncate(17);
            exp += cut as i64;
            let first = rest.as_bytes()[0];
            let tail_nonzero = rest[1..].bytes().any(|c| c != b'0');
            let last_odd = (digits.as_bytes()[16] - b'0') % 2 == 1;
            if first > b'5' || (first == b'5' && (tail_nonzero || last_odd)) {
                digits = increment(&digits);
            }
        }
        let exp = exp.clamp(-100_000, 100_000);
        let f: f64 = format!("{}e{}", digits, exp).parse().unwrap_or(0.0);
        if self.neg {
            -f
        } else {
            f
        }
    }
}

fn increment(digits: &str) -> String {
    let mut b: Vec<u8> = digits.bytes().collect();
    let mut i = b.len();
    loop {
        if i == 0 {
            b.insert(0, b'1');
            break;
        }
        i -= 1;
        if b[i] == b'9' {
            b[i] = b'0';
        } else {
            b[i] += 1;
            break;
        }
    }
    String::from_utf8(b).unwrap_or_default()
}

/// How jq prints a double: the shortest digits that read back the same,
/// plain unless the exponent is below -5 or beyond the digits plus 15;
/// NaN prints as null and infinities as the largest double.
pub fn fmt_f64(f: f64) -> String {
    if f.is_nan() {
        return "null".to_string();
    }
    let f = if f.is_infinite() { f64::MAX.copysign(f) } else { f };
    let sci = format!("{:e}", f);
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let nd = digits.len() as i64;
    let decpt = exp + 1;
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    if decpt <= -4 || decpt > nd + 15 {
        s.push_str(&digits[..1]);
        if nd > 1 {
            s.push('.');
            s.push_str(&digits[1..]);
        }
        let _ = write!(s, "e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.unsigned_abs());
    } else if decpt <= 0 {
        s.push_str("0.");
        for _ in 0..-decpt {
            s.push('0');
        }
        s.push_str(&digits);
    } else if decpt >= nd {
        s.push_str(&digits);
        for _ in 0..decpt - nd {
            s.push('0');
        }
    } else {
        s.push_str(&digits[..decpt as usize]);
        s.push('.');
        s.push_str(&digits[decpt as usize..]);
    }
    s
}

/// The text of a number as jq prints it.
pub fn number_text(v: &Value) -> String {
    match v {
        Value::Num(f) => fmt_f64(*f),
        Value::Dec(d) => d.text.to_string(),
        _ => String::new(),
    }
}

fn cmp_decimal(a: &Decimal, b: &Decimal) -> Ordering {
    let sign = |d: &Decimal| {
        if d.digits.is_empty() {
            0
        } else if d.neg {
            -1
        } else {
            1
        }
    };
    let (sa, sb) = (sign(a), sign(b));
    if sa != sb || sa == 0 {
        return sa.cmp(&sb);
    }
    let mag = a.adj.cmp(&b.adj).then_with(|| a.digits.as_bytes().cmp(b.digits.as_bytes()));
    if sa < 0 {
        mag.reverse()
    } else {
        mag
    }
}

/// jq's comparison of two numbers: exact between two literals, else as
/// doubles; NaN sorts below every number.
pub fn cmp_numbers(a: &Value, b: &Value) -> Ordering {
    if let (Value::Dec(x), Value::Dec(y)) = (a, b) {
        return cmp_decimal(x, y);
    }
    let x = a.as_f64().unwrap_or(0.0);
    let y = b.as_f64().unwrap_or(0.0);
    if x.is_nan() {
        return Ordering::Less;
    }
    if y.is_nan() {
        return Ordering::Greater;
    }
    x.partial_cmp(&y).unwrap_or(Ordering::Equal)
}

// ---------------------------------------------------------------- order

/// jq's total order: null < false < true < numbers < strings < arrays <
/// objects; objects by their sorted key sets, then values key by key.
pub fn compare(a: &Value, b: &Value) -> Ordering {
    let (ka, kb) = (a.kind(), b.kind());
    if ka != kb {
        return ka.cmp(&kb);
    }
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Arr(x), Value::Arr(y)) => {
            for (p, q) in x.iter().zip(y.iter()) {
                let o = compare(p, q);
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Obj(x), Value::Obj(y)) => {
            let kx = x.sorted_keys();
            let ky = y.sorted_keys();
            for (p, q) in kx.iter().zip(ky.iter()) {
                let o = p.as_bytes().cmp(q.as_bytes());
                if o != Ordering::Equal {
                    return o;
                }
            }
            let o = kx.len().cmp(&ky.len());
            if o != Ordering::Equal {
                return o;
            }
            for k in kx.iter() {
                let o = compare(x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null));
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        }
        _ if a.is_number() => cmp_numbers(a, b),
        _ => Ordering::Equal,
    }
}

/// `==`: like the order, except that NaN equals nothing.
pub fn equal(a: &Value, b: &Value) -> bool {
    if let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) {
        if x.is_nan() || y.is_nan() {
            return false;
        }
    }
    compare(a, b) == Ordering::Equal
}

// ---------------------------------------------------------------- output

/// How values are written out.
#[derive(Clone, Debug, Default)]
pub struct DumpOpts {
    /// Spaces per level; 0 with `tab` false is compact.
    pub indent: usize,
    pub tab: bool,
    pub sort_keys: bool,
    pub ascii: bool,
    pub color: Option<Colors>,
}

/// Escape sequences for each kind (`JQ_COLORS`).
#[derive(Clone, Debug)]
pub struct Colors {
    pub null: String,
    pub fals: String,
    pub tru: String,
    pub num: String,
    pub str: String,
    pub arr: String,
    pub obj: String,
    pub key: String,
}

impl Default for Colors {
    fn default() -> Self {
        Colors {
            null: "0;90".into(),
            fals: "0;37".into(),
            tru: "0;37".into(),
            num: "0;37".into(),
            str: "0;32".into(),
            arr: "1;37".into(),
            obj: "1;37".into(),
            key: "34;1".into(),
        }
    }
}

impl Colors {
    /// Applies a `JQ_COLORS` value; false if it is malformed.
    pub fn set(&mut self, spec: &str) -> bool {
        let fields: Vec<&str> = spec.split(':').collect();
        if fields.len() > 8 || fields.iter().any(|f| f.len() > 15 || !f.chars().all(|c| c.is_ascii_digit() || c == ';')) {
            return false;
        }
        let slots: [&mut String; 8] = [
            &mut self.null,
            &mut self.fals,
            &mut self.tru,
            &mut self.num,
            &mut self.str,
            &mut self.arr,
            &mut self.obj,
            &mut self.key,
        ];
        for (slot, f) in slots.into_iter().zip(fields) {
            *slot = f.to_string();
        }
        true
    }
}

impl DumpOpts {
    pub fn compact() -> DumpOpts {
        DumpOpts::default()
    }

    fn pretty(&self) -> bool {
        self.tab || self.indent > 0
    }
}

/// Writes `s` as a JSON string literal, escaped as jq does (`\u007f` for
/// DEL, `\uXXXX` for other controls, and with `ascii` every non-ASCII
/// character as `\u` escapes, surrogate pairs beyond the BMP).
pub fn write_string(out: &mut String, s: &str, ascii: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if ascii && !c.is_ascii() => {
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{:04x}", u);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn color_start(out: &mut String, code: &str) {
    out.push_str("\x1b[");
    out.push_str(code);
    out.push('m');
}

const COLOR_END: &str = "\x1b[0m";

fn newline_indent(out: &mut String, opts: &DumpOpts, level: usize) {
    out.push('\n');
    if opts.tab {
        for _ in 0..level {
            out.push('\t');
        }
    } else {
        for _ in 0..level * opts.indent {
            out.push(' ');
        }
    }
}

/// Serializes `v` as jq prints it.
pub fn dump(v: &Value, opts: &DumpOpts) -> String {
    let mut out = String::new();
    dump_into(&mut out, v, opts, 0);
    out
}

pub fn dump_into(out: &mut String, v: &Value, opts: &DumpOpts, level: usize) {
    let color = opts.color.as_ref();
    match v {
        Value::Null | Value::Bool(_) | Value::Num(_) | Value::Dec(_) | Value::Str(_) => {
            if let Some(c) = color {
                let code = match v {
                    Value::Null => &c.null,
                    Value::Bool(false) => &c.fals,
                    Value::Bool(true) => &c.tru,
                    Value::Str(_) => &c.str,
                    _ => &c.num,
                };
                color_start(out, code);
            }
            match v {
                Value::Null => out.push_str("null"),
                Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                Value::Str(s) => write_string(out, s, opts.ascii),
                _ => out.push_str(&number_text(v)),
            }
            if color.is_some() {
                out.push_str(COLOR_END);
            }
        }
        Value::Arr(a) => {
            let start = color.map(|c| c.arr.clone());
            if let Some(code) = &start {
                color_start(out, code);
            }
            out.push('[');
            if a.is_empty() {
                out.push(']');
                if start.is_some() {
                    out.push_str(COLOR_END);
                }
                return;
            }
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    if let Some(code) = &start {
                        color_start(out, code);
                    }
                    out.push(',');
                }
                if start.is_some() {
                    out.push_str(COLOR_END);
                }
                if opts.pretty() {
                    newline_indent(out, opts, level + 1);
                }
                dump_into(out, x, opts, level + 1);
            }
            if let Some(code) = &start {
                color_start(out, code);
            }
            if opts.pretty() {
                newline_indent(out, opts, level);
            }
            if let Some(code) = &start {
                color_start(out, code);
            }
            out.push(']');
            if start.is_some() {
                out.push_str(COLOR_END);
            }
        }
        Value::Obj(m) => {
            let start = color.map(|c| (c.obj.clone(), c.key.clone()));
            if let Some((code, _)) = &start {
                color_start(out, code);
            }
            out.push('{');
            if m.is_empty() {
                out.push('}');
                if start.is_some() {
                    out.push_str(COLOR_END);
                }
                return;
            }
            let keys: Vec<Rc<str>> = if opts.sort_keys { m.sorted_keys() } else { m.keys().cloned().collect() };
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    if let Some((code, _)) = &start {
                        color_start(out, code);
                    }
                    out.push(',');
                }
                if start.is_some() {
                    out.push_str(COLOR_END);
                }
                if opts.pretty() {
                    newline_indent(out, opts, level + 1);
                }
                if let Some((code, key)) = &start {
                    color_start(out, key);
                    write_string(out, k, opts.ascii);
                    out.push_str(COLOR_END);
                    color_start(out, code);
                    out.push(':');
                    out.push_str(COLOR_END);
                } else {
                    write_string(out, k, opts.ascii);
                    out.push(':');
                }
                if opts.pretty() {
                    out.push(' ');
                }
                dump_into(out, m.get(k).unwrap_or(&Value::Null), opts, level + 1);
            }
            if let Some((code, _)) = &start {
                color_start(out, code);
            }
            if opts.pretty() {
                newline_indent(out, opts, level);
            }
            if let Some((code, _)) = &start {
                color_start(out, code);
            }
            out.push('}');
            if start.is_some() {
                out.push_str(COLOR_END);
            }
        }
    }
}

/// Compact JSON text (`tojson`).
pub fn to_json(v: &Value) -> String {
    dump(v, &DumpOpts::compact())
}

/// `tostring`: strings as they are, anything else as compact JSON.
pub fn to_text(v: &Value) -> String {
    match v {
        Value::Str(s) => s.to_string(),
        _ => to_json(v),
    }
}

/// jq's `jv_dump_string_trunc`: compact JSON cut to `size - 1` bytes, the
/// last three replaced by dots when cut (used in error messages).
pub fn trunc_dump(v: &Value, size: usize) -> String {
    let s = to_json(v);
    let max = size - 1;
    if s.len() <= max {
        return s;
    }
    let mut cut = max - 3;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    let mut t = s[..cut].to_string();
    t.push_str("...");
    t
}

/// "kind (value)" as jq's type errors print it.
pub fn describe(v: &Value) -> String {
    format!("{} ({})", v.type_name(), trunc_dump(v, 15))
}
