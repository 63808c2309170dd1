//! `expr`: evaluate an expression (GNU coreutils 9.1).
//!
//! Operators by increasing precedence: `|`, `&`, the comparisons
//! (`< <= = == != >= >`), `+ -`, `* / %`, `:` (a basic regular expression
//! anchored at the start), then `match`, `substr`, `index`, `length` and
//! `+ TOKEN`, and parentheses. Integers have arbitrary precision, as GNU's
//! (built with GMP); strings count characters, not bytes. Exit status 0
//! when the result is neither empty nor zero, 1 when it is, 2 for an
//! invalid expression, 3 for an internal error.

use std::cmp::Ordering;
use std::io::Write;
use wsutil::gnusyntax::{self, bits};
use wsutil::{quote_locale, show_error};

pub const APPLETS: &[wsutil::Applet] = &[("expr", main)];

const USAGE: &str = "Usage: expr EXPRESSION
  or:  expr OPTION

      --help        display this help and exit
      --version     output version information and exit

Print the value of EXPRESSION to standard output.  A blank line below
separates increasing precedence groups.  EXPRESSION may be:

  ARG1 | ARG2       ARG1 if it is neither null nor 0, otherwise ARG2

  ARG1 & ARG2       ARG1 if neither argument is null or 0, otherwise 0

  ARG1 < ARG2       ARG1 is less than ARG2
  ARG1 <= ARG2      ARG1 is less than or equal to ARG2
  ARG1 = ARG2       ARG1 is equal to ARG2
  ARG1 != ARG2      ARG1 is unequal to ARG2
  ARG1 >= ARG2      ARG1 is greater than or equal to ARG2
  ARG1 > ARG2       ARG1 is greater than ARG2

  ARG1 + ARG2       arithmetic sum of ARG1 and ARG2
  ARG1 - ARG2       arithmetic difference of ARG1 and ARG2

  ARG1 * ARG2       arithmetic product of ARG1 and ARG2
  ARG1 / ARG2       arithmetic quotient of ARG1 divided by ARG2
  ARG1 % ARG2       arithmetic remainder of ARG1 divided by ARG2

  STRING : REGEXP   anchored pattern match of REGEXP in STRING

  match STRING REGEXP        same as STRING : REGEXP
  substr STRING POS LENGTH   substring of STRING, POS counted from 1
  index STRING CHARS         index in STRING where any CHARS is found, or 0
  length STRING              length of STRING
  + TOKEN                    interpret TOKEN as a string, even if it is a
                               keyword like 'match' or an operator like '/'

  ( EXPRESSION )             value of EXPRESSION

Beware that many operators need to be escaped or quoted for shells.
Comparisons are arithmetic if both ARGs are numbers, else lexicographical.
Pattern matches return the string matched between \\( and \\) or null; if
\\( and \\) are not used, they return the number of characters matched or 0.

Exit status is 0 if EXPRESSION is neither null nor 0, 1 if EXPRESSION is null
or 0, 2 if EXPRESSION is syntactically invalid, and 3 if an error occurred.
";

const EXPR_INVALID: i32 = 2;

/// An integer of any size: sign and decimal digits (most significant
/// first, no leading zeros; zero is empty and never negative).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Big {
    neg: bool,
    digits: Vec<u8>,
}

impl Big {
    fn parse(s: &[u8]) -> Option<Big> {
        let (neg, d) = match s.first() {
            Some(b'-') => (true, &s[1..]),
            _ => (false, s),
        };
        if d.is_empty() || !d.iter().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let digits: Vec<u8> = d.iter().map(|c| c - b'0').skip_while(|&c| c == 0).collect();
        Some(Big::new(neg, digits))
    }

    fn new(neg: bool, mut digits: Vec<u8>) -> Big {
        let lead = digits.iter().take_while(|&&c| c == 0).count();
        digits.drain(..lead);
        let neg = neg && !digits.is_empty();
        Big { neg, digits }
    }

    fn small(v: i64) -> Big {
        let digits = if v == 0 { Vec::new() } else { v.unsigned_abs().to_string().bytes().map(|c| c - b'0').collect() };
        Big::new(v < 0, digits)
    }

    fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    fn to_string(&self) -> String {
        if self.digits.is_empty() {
            return "0".into();
        }
        let mut s = String::with_capacity(self.digits.len() + 1);
        if self.neg {
            s.push('-');
        }
        s.extend(self.digits.iter().map(|d| (d + b'0') as char));
        s
    }

    /// The value as a size (GNU's getsize): negative or huge is u64::MAX.
    fn size(&self) -> u64 {
        if self.neg {
            return u64::MAX;
        }
        self.to_string().parse::<u64>().unwrap_or(u64::MAX)
    }

    fn cmp_mag(a: &[u8], b: &[u8]) -> Ordering {
        a.len().cmp(&b.len()).then_with(|| a.cmp(b))
    }

    fn add_mag(a: &[u8], b: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(a.len().max(b.len()) + 1);
        let (mut i, mut j, mut carry) = (a.len(), b.len(), 0u8);
        while i > 0 || j > 0 || carry > 0 {
            let mut s = carry;
            if i > 0 {
                i -= 1;
                s += a[i];
            }
            if j > 0 {
                j -= 1;
                s += b[j];
            }
            out.push(s % 10);
            carry = s / 10;
        }
        out.reverse();
        out
    }

    /// a - b for |a| >= |b|.
    fn sub_mag(a: &[u8], b: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(a.len());
        let (mut i, mut j, mut borrow) = (a.len(), b.len(), 0i8);
        while i > 0 {
            i -= 1;
            let mut d = a[i] as i8 - borrow;
            if j > 0 {
                j -= 1;
                d -= b[j] as i8;
            }
            borrow = if d < 0 { 1 } else { 0 };
            out.push((d + 10 * borrow) as u8);
        }
        out.reverse();
        out
    }

    fn add(&self, o: &Big) -> Big {
        if self.neg == o.neg {
            return Big::new(self.neg, Big::add_mag(&self.digits, &o.digits));
        }
        match Big::cmp_mag(&self.digits, &o.digits) {
            Ordering::Less => Big::new(o.neg, Big::sub_mag(&o.digits, &self.digits)),
            _ => Big::new(self.neg, Big::sub_mag(&self.digits, &o.digits)),
        }
    }

    fn neg(&self) -> Big {
        Big::new(!self.neg, self.digits.clone())
    }

    fn mul(&self, o: &Big) -> Big {
        if self.is_zero() || o.is_zero() {
            return Big::small(0);
        }
        let mut acc = vec![0u32; self.digits.len() + o.digits.len()];
        for (i, &a) in self.digits.iter().rev().enumerate() {
            for (j, &b) in o.digits.iter().rev().enumerate() {
                acc[i + j] += a as u32 * b as u32;
            }
            // Keep the cells small.
            let mut carry = 0;
            for cell in acc.iter_mut() {
                let v = *cell + carry;
                *cell = v % 10;
                carry = v / 10;
            }
        }
        let digits: Vec<u8> = acc.iter().rev().map(|&d| d as u8).collect();
        Big::new(self.neg != o.neg, digits)
    }

    /// Truncating division and remainder (C's, and GMP's tdiv).
    fn divmod(&self, o: &Big) -> (Big, Big) {
        let mut q = Vec::with_capacity(self.digits.len());
        let mut r: Vec<u8> = Vec::new();
        for &d in &self.digits {
            r.push(d);
            let lead = r.iter().take_while(|&&c| c == 0).count();
            r.drain(..lead);
            let mut count = 0;
            while Big::cmp_mag(&r, &o.digits) != Ordering::Less {
                r = Big::sub_mag(&r, &o.digits);
                let lead = r.iter().take_while(|&&c| c == 0).count();
                r.drain(..lead);
                count += 1;
            }
            q.push(count);
        }
        (Big::new(self.neg != o.neg, q), Big::new(self.neg, r))
    }

    fn cmp(&self, o: &Big) -> Ordering {
        match (self.neg, o.neg) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => Big::cmp_mag(&self.digits, &o.digits),
            (true, true) => Big::cmp_mag(&o.digits, &self.digits),
        }
    }
}

#[derive(Clone, Debug)]
enum Value {
    Int(Big),
    Str(Vec<u8>),
}

impl Value {
    fn text(&self) -> Vec<u8> {
        match self {
            Value::Int(b) => b.to_string().into_bytes(),
            Value::Str(s) => s.clone(),
        }
    }

    /// GNU's null(): an empty string, or zero written any way.
    fn is_null(&self) -> bool {
        match self {
            Value::Int(b) => b.is_zero(),
            Value::Str(s) => {
                if s.is_empty() {
                    return true;
                }
                let rest = if s[0] == b'-' { &s[1..] } else { &s[..] };
                !rest.is_empty() && rest.iter().all(|&c| c == b'0')
            }
        }
    }

    fn to_int(&self) -> Option<Big> {
        match self {
            Value::Int(b) => Some(b.clone()),
            Value::Str(s) => Big::parse(s),
        }
    }
}

fn int(v: i64) -> Value {
    Value::Int(Big::small(v))
}

/// Why evaluation stopped: a message and the exit status.
struct Fail(String, i32);

fn invalid(msg: impl Into<String>) -> Fail {
    Fail(msg.into(), EXPR_INVALID)
}

/// Characters of a string as C.UTF-8 counts them (an invalid byte is one).
fn char_spans(s: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let len = match s[i] {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => 1,
        };
        let len = if len > 1 && i + len <= s.len() && std::str::from_utf8(&s[i..i + len]).is_ok() { len } else { 1 };
        out.push((i, i + len));
        i += len;
    }
    out
}

struct Parser<'a> {
    args: &'a [Vec<u8>],
    i: usize,
}

impl<'a> Parser<'a> {
    fn more(&self) -> bool {
        self.i < self.args.len()
    }

    fn next_is(&mut self, word: &str) -> bool {
        if self.args.get(self.i).map(|a| a.as_slice() == word.as_bytes()).unwrap_or(false) {
            self.i += 1;
            return true;
        }
        false
    }

    fn prev_text(&self) -> String {
        String::from_utf8_lossy(&self.args[self.i - 1]).into_owned()
    }

    fn eval(&mut self, ev: bool) -> Result<Value, Fail> {
        let mut l = self.eval1(ev)?;
        while self.next_is("|") {
            let r = self.eval1(ev && l.is_null())?;
            if l.is_null() {
                l = if r.is_null() { int(0) } else { r };
            }
        }
        Ok(l)
    }

    fn eval1(&mut self, ev: bool) -> Result<Value, Fail> {
        let mut l = self.eval2(ev)?;
        while self.next_is("&") {
            let r = self.eval2(ev && !l.is_null())?;
            if l.is_null() || r.is_null() {
                l = int(0);
            }
        }
        Ok(l)
    }

    fn eval2(&mut self, ev: bool) -> Result<Value, Fail> {
        let mut l = self.eval3(ev)?;
        loop {
            let op = ["<", "<=", "=", "==", "!=", ">=", ">"].iter().find(|op| self.next_is(op)).copied();
            let op = match op {
                Some(op) => op,
                None => return Ok(l),
            };
            let r = self.eval3(ev)?;
            let mut val = false;
            if ev {
                let (a, b) = (l.text(), r.text());
                let ord = match (Big::parse(&a), Big::parse(&b)) {
                    (Some(x), Some(y)) => x.cmp(&y),
                    _ => a.cmp(&b),
                };
                val = match op {
                    "<" => ord == Ordering::Less,
                    "<=" => ord != Ordering::Greater,
                    "=" | "==" => ord == Ordering::Equal,
                    "!=" => ord != Ordering::Equal,
                    ">=" => ord != Ordering::Less,
                    _ => ord == Ordering::Greater,
                };
            }
            l = int(i64::from(val));
        }
    }

    fn arith(l: &Value, r: &Value) -> Result<(Big, Big), Fail> {
        match (l.to_int(), r.to_int()) {
            (Some(a), Some(b)) => Ok((a, b)),
            _ => Err(invalid("non-integer argument")),
        }
    }

    fn eval3(&mut self, ev: bool) -> Result<Value, Fail> {
        let mut l = self.eval4(ev)?;
        loop {
            let plus = if self.next_is("+") {
                true
            } else if self.next_is("-") {
                false
            } else {
                return Ok(l);
            };
            let r = self.eval4(ev)?;
            if ev {
                let (a, b) = Parser::arith(&l, &r)?;
                l = Value::Int(if plus { a.add(&b) } else { a.add(&b.neg()) });
            }
        }
    }

    fn eval4(&mut self, ev: bool) -> Result<Value, Fail> {
        let mut l = self.eval5(ev)?;
        loop {
            let op = if self.next_is("*") {
                b'*'
            } else if self.next_is("/") {
                b'/'
            } else if self.next_is("%") {
                b'%'
            } else {
                return Ok(l);
            };
            let r = self.eval5(ev)?;
            if ev {
                let (a, b) = Parser::arith(&l, &r)?;
                l = Value::Int(match op {
                    b'*' => a.mul(&b),
                    _ => {
                        if b.is_zero() {
                            return Err(invalid("division by zero"));
                        }
                        let (q, m) = a.divmod(&b);
                        if op == b'/' {
                            q
                        } else {
                            m
                        }
                    }
                });
            }
        }
    }

    fn eval5(&mut self, ev: bool) -> Result<Value, Fail> {
        let mut l = self.eval6(ev)?;
        while self.next_is(":") {
            let r = self.eval6(ev)?;
            if ev {
                l = docolon(&l, &r)?;
            }
        }
        Ok(l)
    }

    fn eval6(&mut self, ev: bool) -> Result<Value, Fail> {
        if self.next_is("+") {
            if !self.more() {
                return Err(invalid(format!("syntax error: missing argument after {}", quote_locale(&self.prev_text()))));
            }
            self.i += 1;
            return Ok(Value::Str(self.args[self.i - 1].clone()));
        }
        if self.next_is("length") {
            let r = self.eval6(ev)?;
            return Ok(int(char_spans(&r.text()).len() as i64));
        }
        if self.next_is("match") {
            let l = self.eval6(ev)?;
            let r = self.eval6(ev)?;
            return if ev { docolon(&l, &r) } else { Ok(l) };
        }
        if self.next_is("index") {
            let l = self.eval6(ev)?;
            let r = self.eval6(ev)?;
            let (s, set) = (l.text(), r.text());
            let accept: Vec<&[u8]> = char_spans(&set).iter().map(|&(a, b)| &set[a..b]).collect();
            let pos = char_spans(&s).iter().position(|&(a, b)| accept.contains(&&s[a..b]));
            return Ok(int(pos.map(|p| p as i64 + 1).unwrap_or(0)));
        }
        if self.next_is("substr") {
            let l = self.eval6(ev)?;
            let i1 = self.eval6(ev)?;
            let i2 = self.eval6(ev)?;
            let s = l.text();
            let spans = char_spans(&s);
            let (p, n) = match (i1.to_int(), i2.to_int()) {
                (Some(p), Some(n)) => (p.size(), n.size()),
                _ => return Ok(Value::Str(Vec::new())),
            };
            let llen = spans.len() as u64;
            if llen < p || p == 0 || n == 0 || n == u64::MAX {
                return Ok(Value::Str(Vec::new()));
            }
            let take = n.min(llen - p + 1) as usize;
            let first = (p - 1) as usize;
            let start = spans[first].0;
            let end = spans[first + take - 1].1;
            return Ok(Value::Str(s[start..end].to_vec()));
        }
        self.eval7(ev)
    }

    fn eval7(&mut self, ev: bool) -> Result<Value, Fail> {
        if !self.more() {
            return Err(invalid(format!("syntax error: missing argument after {}", quote_locale(&self.prev_text()))));
        }
        if self.next_is("(") {
            let v = self.eval(ev)?;
            if !self.more() {
                return Err(invalid(format!("syntax error: expecting ')' after {}", quote_locale(&self.prev_text()))));
            }
            if !self.next_is(")") {
                let here = String::from_utf8_lossy(&self.args[self.i]).into_owned();
                return Err(invalid(format!("syntax error: expecting ')' instead of {}", quote_locale(&here))));
            }
            return Ok(v);
        }
        if self.next_is(")") {
            return Err(invalid("syntax error: unexpected ')'"));
        }
        self.i += 1;
        Ok(Value::Str(self.args[self.i - 1].clone()))
    }
}

/// `STRING : REGEX`: the characters matched at the start, or group 1.
fn docolon(sv: &Value, pv: &Value) -> Result<Value, Fail> {
    let s = sv.text();
    let p = pv.text();
    let syntax = bits::POSIX_BASIC & !bits::CONTEXT_INVALID_DUP & !bits::NO_EMPTY_RANGES;
    let re = match gnusyntax::compile(&p, syntax) {
        Ok(re) => re,
        Err(e) => return Err(invalid(e.to_string())),
    };
    let grouped = re.groups() > 0;
    Ok(match re.match_start(&s) {
        Some((len, group)) => {
            if grouped {
                match group {
                    Some((a, b)) => Value::Str(s[a..b].to_vec()),
                    None => Value::Str(Vec::new()),
                }
            } else {
                int(char_spans(&s[..len]).len() as i64)
            }
        }
        None => {
            if grouped {
                Value::Str(Vec::new())
            } else {
                int(0)
            }
        }
    })
}

pub fn main(argv: &[String]) -> i32 {
    if argv.len() == 1 {
        match argv[0].as_str() {
            "--help" => {
                print!("{}", USAGE);
                return 0;
            }
            "--version" => {
                println!("expr (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return 0;
            }
            _ => {}
        }
    }
    let args: &[String] = if argv.first().map(String::as_str) == Some("--") { &argv[1..] } else { argv };
    if args.is_empty() {
        show_error("missing operand");
        eprintln!("Try 'expr --help' for more information.");
        return EXPR_INVALID;
    }
    let words: Vec<Vec<u8>> = args.iter().map(|a| a.clone().into_bytes()).collect();
    let mut p = Parser { args: &words, i: 0 };
    let result = p.eval(true).and_then(|v| {
        if p.more() {
            let here = String::from_utf8_lossy(&words[p.i]).into_owned();
            return Err(invalid(format!("syntax error: unexpected argument {}", quote_locale(&here))));
        }
        Ok(v)
    });
    match result {
        Ok(v) => {
            let mut out = wsutil::io::stdout();
            let mut line = v.text();
            line.push(b'\n');
            let _ = out.write_all(&line);
            let _ = out.flush();
            i32::from(v.is_null())
        }
        Err(Fail(msg, status)) => {
            show_error(&msg);
            status
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(s: &str) -> Big {
        Big::parse(s.as_bytes()).unwrap()
    }

    #[test]
    fn arithmetic() {
        assert_eq!(big("9223372036854775807").add(&big("1")).to_string(), "9223372036854775808");
        assert_eq!(big("-7").divmod(&big("2")).0.to_string(), "-3");
        assert_eq!(big("-7").divmod(&big("2")).1.to_string(), "-1");
        assert_eq!(big("7").divmod(&big("-2")).1.to_string(), "1");
        assert_eq!(big("99999999999999999999999").mul(&big("99999999999999999999")).to_string(), "9999999999999999999899900000000000000000001");
        assert_eq!(big("5").add(&big("-5")).to_string(), "0");
        assert_eq!(big("-0").to_string(), "0");
        assert_eq!(big("100").divmod(&big("7")).0.to_string(), "14");
    }
}
