//! `bc`: the arbitrary-precision calculator language, as GNU bc 1.07 runs
//! it. `-l` loads the math library (s, c, a, l, e, j and scale=20), which
//! is bc code of its own (bc_mathlib.rs) run before the user's input.
//!
//! Input is parsed a top-level line at a time and compiled to a small
//! stack code whose instruction sizes follow GNU's byte code, so the
//! addresses in "Runtime error (func=f, adr=N)" messages come out the same.
//! Numbers are decimal digit strings with a scale, and every operation
//! truncates to the scale GNU's libbc documents for it.

use super::bc_mathlib::{FUNCTIONS, LIBRARY, LIB_VAR_IDS};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::rc::Rc;

use wsutil::args::{self, HasArg, Item, Spec, HELP};
use wsutil::io::{stdout, Out};

pub const APPLETS: &[wsutil::Applet] = &[("bc", main)];

const SPEC: Spec = Spec {
    short: "hilqswv",
    long: &[
        ("help", HasArg::No, HELP),
        ("interactive", HasArg::No, 'i'),
        ("mathlib", HasArg::No, 'l'),
        ("quiet", HasArg::No, 'q'),
        ("standard", HasArg::No, 's'),
        ("warn", HasArg::No, 'w'),
        ("version", HasArg::No, 'v'),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "usage: bc [options] [file ...]
  -h  --help         print this usage and exit
  -i  --interactive  force interactive mode
  -l  --mathlib      use the predefined math routines
  -q  --quiet        don't print initial banner
  -s  --standard     non-standard bc constructs are errors
  -w  --warn         warn about non-standard bc constructs
  -v  --version      print version information and exit
";

const VERSION: &str = "bc 1.07.1
Copyright 1991-1994, 1997, 1998, 2000, 2004, 2006, 2008, 2012-2017 Free Software Foundation, Inc.
";

/// The largest array index GNU bc accepts (BC_DIM_MAX).
const DIM_MAX: i64 = 16_777_215;

pub fn main(argv: &[String]) -> i32 {
    let items = match args::parse(&SPEC, argv) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("bc: {}", e.0);
            print!("{}", USAGE);
            return 1;
        }
    };
    let mut files = Vec::new();
    let mut mathlib = false;
    for item in items {
        match item {
            Item::Opt(HELP | 'h', _) => {
                print!("{}", USAGE);
                return 0;
            }
            Item::Opt('v', _) => {
                print!("{}", VERSION);
                return 0;
            }
            Item::Opt('q', _) => {}
            Item::Opt('l', _) => mathlib = true,
            Item::Opt('i', _) => return wsutil::report(&wsutil::Error::Unsupported("--interactive".into()), 1),
            Item::Opt('s', _) => return wsutil::report(&wsutil::Error::Unsupported("--standard".into()), 1),
            Item::Opt('w', _) => return wsutil::report(&wsutil::Error::Unsupported("--warn".into()), 1),
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    let line_len = match std::env::var("BC_LINE_LENGTH") {
        Ok(v) => match atoi(&v) {
            n if n == 0 || n >= 3 => n as usize,
            _ => 70,
        },
        Err(_) => 70,
    };
    let mut bc = Bc::new(stdout(), line_len);
    if mathlib {
        bc.load_mathlib();
    }
    let mut status = 0;
    for f in &files {
        match std::fs::read(f) {
            Ok(data) => {
                if bc.run_source(&data, f) {
                    return bc.finish(0);
                }
            }
            Err(_) if std::path::Path::new(f).is_dir() => {
                let _ = bc.out.flush();
                eprintln!("{} 1: read() in flex scanner failed", f);
                return bc.finish(1);
            }
            _ => {
                let _ = bc.out.flush();
                eprintln!("File {} is unavailable.", f);
                return bc.finish(1);
            }
        }
    }
    let mut data = Vec::new();
    if std::io::stdin().read_to_end(&mut data).is_err() {
        status = 1;
    }
    bc.run_source(&data, "(standard_in)");
    bc.finish(status)
}

/// C's `atoi`: leading blanks, a sign, digits; 0 when there are none.
fn atoi(s: &str) -> i64 {
    let t = s.trim_start();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let mut v: i64 = 0;
    for c in t.bytes().take_while(|c| c.is_ascii_digit()) {
        v = v.saturating_mul(10).saturating_add((c - b'0') as i64);
    }
    if neg {
        -v
    } else {
        v
    }
}

// ---------------------------------------------------------------- numbers

/// A decimal number: `mag` holds the digits, least significant first,
/// with no high zeros; the value is mag * 10^-scale.
#[derive(Clone, Debug, Default)]
struct Num {
    neg: bool,
    mag: Vec<u8>,
    scale: usize,
}

fn trim(mut m: Vec<u8>) -> Vec<u8> {
    while m.last() == Some(&0) {
        m.pop();
    }
    m
}

fn mag_cmp(a: &[u8], b: &[u8]) -> Ordering {
    if a.len() != b.len() {
        return a.len().cmp(&b.len());
    }
    for i in (0..a.len()).rev() {
        if a[i] != b[i] {
            return a[i].cmp(&b[i]);
        }
    }
    Ordering::Equal
}

fn mag_add(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut r = Vec::with_capacity(a.len().max(b.len()) + 1);
    let mut carry = 0u8;
    for i in 0..a.len().max(b.len()) {
        let s = a.get(i).copied().unwrap_or(0) + b.get(i).copied().unwrap_or(0) + carry;
        r.push(s % 10);
        carry = s / 10;
    }
    if carry > 0 {
        r.push(carry);
    }
    r
}

/// a - b, for a >= b.
fn mag_sub(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut r = Vec::with_capacity(a.len());
    let mut borrow = 0i8;
    for i in 0..a.len() {
        let mut d = a[i] as i8 - b.get(i).copied().unwrap_or(0) as i8 - borrow;
        borrow = 0;
        if d < 0 {
            d += 10;
            borrow = 1;
        }
        r.push(d as u8);
    }
    trim(r)
}

/// Digits (least significant first) packed four to a limb.
fn limbs(m: &[u8]) -> Vec<u64> {
    m.chunks(4).map(|c| c.iter().rev().fold(0u64, |v, &d| v * 10 + d as u64)).collect()
}

fn mag_mul(a: &[u8], b: &[u8]) -> Vec<u8> {
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    let (x, y) = (limbs(a), limbs(b));
    // Each product is below 10^8, so a column of up to 10^11 of them
    // cannot overflow before the carry pass.
    let mut acc = vec![0u64; x.len() + y.len() + 1];
    for (i, &p) in x.iter().enumerate() {
        if p == 0 {
            continue;
        }
        for (j, &q) in y.iter().enumerate() {
            acc[i + j] += p * q;
        }
    }
    let mut r = Vec::with_capacity(acc.len() * 4);
    let mut carry = 0u64;
    for v in acc {
        let s = v + carry;
        let mut l = s % 10_000;
        carry = s / 10_000;
        for _ in 0..4 {
            r.push((l % 10) as u8);
            l /= 10;
        }
    }
    while carry > 0 {
        r.push((carry % 10) as u8);
        carry /= 10;
    }
    trim(r)
}

/// Quotient and remainder of long division (b non-zero).
fn mag_divmod(a: &[u8], b: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let high = |m: &[u8]| m.iter().rposition(|&d| d != 0).map_or(0, |p| p + 1);
    let (a, b) = (&a[..high(a)], &b[..high(b)]);
    if mag_cmp(a, b) == Ordering::Less {
        return (Vec::new(), a.to_vec());
    }
    if b.len() <= 17 {
        return divmod_small(a, b.iter().rev().fold(0u64, |v, &d| v * 10 + d as u64));
    }
    divmod_long(a, b)
}

/// Long division by a divisor of 18 digits or more, in place on a copy
/// of the dividend: each quotient digit is estimated from the top 18
/// digits of the partial remainder over the divisor's top 17, which is
/// off by at most one, and corrected after the subtraction.
fn divmod_long(a: &[u8], b: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let m = b.len();
    let top = |d: &[u8], hi: usize, k: usize| d[hi + 1 - k..=hi].iter().rev().fold(0u64, |v, &x| v * 10 + x as u64);
    let btop = top(b, m - 1, 17);
    let mut r = a.to_vec();
    r.push(0);
    let mut q = vec![0u8; a.len() - m + 1];
    for i in (0..=a.len() - m).rev() {
        let w = &mut r[i..=i + m];
        let mut d = (top(w, m, 18) / btop).min(9) as u8;
        if d > 0 && sub_mul(w, b, d) {
            // Too big by one: add the divisor back.
            add_back(w, b);
            d -= 1;
        }
        if cmp_window(w, b) != Ordering::Less {
            sub_mul(w, b, 1);
            d += 1;
        }
        q[i] = d;
    }
    r.truncate(m);
    (trim(q), trim(r))
}

/// w -= d*b (w one digit longer than b); true if it went below zero,
/// leaving w as its ten's complement.
fn sub_mul(w: &mut [u8], b: &[u8], d: u8) -> bool {
    let mut borrow = 0i32;
    for k in 0..w.len() {
        let mut v = w[k] as i32 - borrow - b.get(k).map_or(0, |&x| x as i32 * d as i32);
        borrow = 0;
        if v < 0 {
            borrow = (-v + 9) / 10;
            v += borrow * 10;
        }
        w[k] = v as u8;
    }
    borrow > 0
}

fn add_back(w: &mut [u8], b: &[u8]) {
    let mut carry = 0u8;
    for k in 0..w.len() {
        let s = w[k] + b.get(k).copied().unwrap_or(0) + carry;
        w[k] = s % 10;
        carry = s / 10;
    }
}

/// Compares a window (one digit longer than b, maybe with high zeros)
/// with b.
fn cmp_window(w: &[u8], b: &[u8]) -> Ordering {
    if w[b.len()] != 0 {
        return Ordering::Greater;
    }
    mag_cmp(&w[..b.len()], b)
}

/// Short division by a divisor below 10^17: one pass, no allocation
/// per digit (the series' divisions by small integers are these).
fn divmod_small(a: &[u8], b: u64) -> (Vec<u8>, Vec<u8>) {
    let mut q = vec![0u8; a.len()];
    let mut rem = 0u64;
    for i in (0..a.len()).rev() {
        rem = rem * 10 + a[i] as u64;
        q[i] = (rem / b) as u8;
        rem %= b;
    }
    let mut r = Vec::new();
    while rem > 0 {
        r.push((rem % 10) as u8);
        rem /= 10;
    }
    (trim(q), r)
}

/// m * 10^k.
fn shift(m: &[u8], k: usize) -> Vec<u8> {
    if m.is_empty() {
        return Vec::new();
    }
    let mut r = vec![0u8; k];
    r.extend_from_slice(m);
    r
}

/// The integer square root (floor), by Newton's iteration.
fn mag_isqrt(n: &[u8]) -> Vec<u8> {
    if n.is_empty() {
        return Vec::new();
    }
    let mut x = shift(&[1], (n.len() + 1) / 2);
    loop {
        let (q, _) = mag_divmod(n, &x);
        let (y, _) = mag_divmod(&mag_add(&x, &q), &[2]);
        if mag_cmp(&y, &x) != Ordering::Less {
            return x;
        }
        x = y;
    }
}

impl Num {
    fn from_u64(mut v: u64) -> Num {
        let mut mag = Vec::new();
        while v > 0 {
            mag.push((v % 10) as u8);
            v /= 10;
        }
        Num { neg: false, mag, scale: 0 }
    }

    fn is_zero(&self) -> bool {
        self.mag.is_empty()
    }

    fn norm(mut self) -> Num {
        self.mag = trim(self.mag);
        if self.mag.is_empty() {
            self.neg = false;
        }
        self
    }

    /// The same value cut (or padded) to `s` fraction digits.
    fn rescale(&self, s: usize) -> Num {
        let mag = if s >= self.scale {
            shift(&self.mag, s - self.scale)
        } else {
            let cut = self.scale - s;
            if cut >= self.mag.len() {
                Vec::new()
            } else {
                self.mag[cut..].to_vec()
            }
        };
        Num { neg: self.neg, mag, scale: s }.norm()
    }

    /// The integer part as an i64, if it fits.
    fn to_i64(&self) -> Option<i64> {
        let int = self.rescale(0);
        if int.mag.len() > 18 {
            return None;
        }
        let mut v: i64 = 0;
        for &d in int.mag.iter().rev() {
            v = v * 10 + d as i64;
        }
        Some(if int.neg { -v } else { v })
    }

    /// Digits before the point (0 for a number below one).
    fn int_digits(&self) -> usize {
        self.mag.len().saturating_sub(self.scale)
    }

    fn cmp(&self, o: &Num) -> Ordering {
        if self.neg != o.neg {
            return if self.neg { Ordering::Less } else { Ordering::Greater };
        }
        let s = self.scale.max(o.scale);
        let m = mag_cmp(&shift(&self.mag, s - self.scale), &shift(&o.mag, s - o.scale));
        if self.neg {
            m.reverse()
        } else {
            m
        }
    }

    fn negate(&self) -> Num {
        Num { neg: !self.neg, mag: self.mag.clone(), scale: self.scale }.norm()
    }
}

fn add(a: &Num, b: &Num) -> Num {
    let s = a.scale.max(b.scale);
    let x = shift(&a.mag, s - a.scale);
    let y = shift(&b.mag, s - b.scale);
    if a.neg == b.neg {
        return Num { neg: a.neg, mag: mag_add(&x, &y), scale: s }.norm();
    }
    match mag_cmp(&x, &y) {
        Ordering::Less => Num { neg: b.neg, mag: mag_sub(&y, &x), scale: s }.norm(),
        _ => Num { neg: a.neg, mag: mag_sub(&x, &y), scale: s }.norm(),
    }
}

fn sub(a: &Num, b: &Num) -> Num {
    add(a, &b.negate_keep())
}

impl Num {
    /// The negation, keeping a zero's scale (for subtraction).
    fn negate_keep(&self) -> Num {
        Num { neg: !self.neg && !self.mag.is_empty(), mag: self.mag.clone(), scale: self.scale }
    }
}

/// The product, cut to min(full scale, max(scale, scales of a and b)).
fn mul(a: &Num, b: &Num, scale: usize) -> Num {
    let full = a.scale + b.scale;
    let rs = full.min(scale.max(a.scale).max(b.scale));
    let p = Num { neg: a.neg != b.neg, mag: mag_mul(&a.mag, &b.mag), scale: full }.norm();
    p.rescale(rs)
}

fn div(a: &Num, b: &Num, scale: usize) -> Option<Num> {
    if b.is_zero() {
        return None;
    }
    let e = scale as isize + b.scale as isize - a.scale as isize;
    let (n, d) = if e >= 0 { (shift(&a.mag, e as usize), b.mag.clone()) } else { (a.mag.clone(), shift(&b.mag, (-e) as usize)) };
    let (q, _) = mag_divmod(&n, &d);
    Some(Num { neg: a.neg != b.neg, mag: q, scale }.norm())
}

fn modulo(a: &Num, b: &Num, scale: usize) -> Option<Num> {
    let q = div(a, b, scale)?;
    let p = mul(&q, b, usize::MAX / 4);
    let r = sub(a, &p);
    Some(r.rescale((scale + b.scale).max(a.scale)))
}

// ----------------------------------------------------------------- lexing

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(String),
    Ident(String),
    Str(Vec<u8>),
    Kw(&'static str),
    Op(&'static str),
    Newline,
    Eof,
}

const KEYWORDS: &[&str] = &[
    "auto", "break", "continue", "define", "else", "for", "halt", "ibase", "if", "last", "length", "limits", "obase", "print",
    "quit", "read", "return", "scale", "sqrt", "warranty", "while",
];

const OPS: &[&str] = &[
    "++", "--", "+=", "-=", "*=", "/=", "%=", "^=", "==", "!=", "<=", ">=", "&&", "||", "+", "-", "*", "/", "%", "^", "=", "<", ">", "!",
    "(", ")", "[", "]", "{", "}", ",", ";",
];

struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    /// GNU's line counter: one more than the newlines read so far.
    line: usize,
}

impl<'a> Lexer<'a> {
    /// The next token, with illegal characters reported (via `bad`) and
    /// skipped, as GNU's scanner does.
    fn next(&mut self, bad: &mut dyn FnMut(usize, String)) -> Tok {
        loop {
            let c = match self.src.get(self.pos) {
                None => return Tok::Eof,
                Some(&c) => c,
            };
            match c {
                b' ' | b'\t' | b'\r' | 0x0b | 0x0c => self.pos += 1,
                b'\\' if self.src.get(self.pos + 1) == Some(&b'\n') => {
                    self.pos += 2;
                    self.line += 1;
                }
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                    return Tok::Newline;
                }
                b'#' => {
                    while self.pos < self.src.len() && self.src[self.pos] != b'\n' {
                        self.pos += 1;
                    }
                }
                b'/' if self.src.get(self.pos + 1) == Some(&b'*') => {
                    self.pos += 2;
                    loop {
                        match self.src.get(self.pos) {
                            None => break,
                            Some(b'*') if self.src.get(self.pos + 1) == Some(&b'/') => {
                                self.pos += 2;
                                break;
                            }
                            Some(&ch) => {
                                if ch == b'\n' {
                                    self.line += 1;
                                }
                                self.pos += 1;
                            }
                        }
                    }
                }
                b'"' => {
                    let start = self.pos + 1;
                    let mut end = start;
                    while end < self.src.len() && self.src[end] != b'"' {
                        if self.src[end] == b'\n' {
                            self.line += 1;
                        }
                        end += 1;
                    }
                    self.pos = (end + 1).min(self.src.len());
                    return Tok::Str(self.src[start..end].to_vec());
                }
                b'0'..=b'9' | b'A'..=b'Z' => return self.number(),
                b'.' => {
                    if matches!(self.src.get(self.pos + 1), Some(b'0'..=b'9') | Some(b'A'..=b'Z')) {
                        return self.number();
                    }
                    self.pos += 1;
                    return Tok::Kw("last");
                }
                b'a'..=b'z' => {
                    let start = self.pos;
                    while matches!(self.src.get(self.pos), Some(b'a'..=b'z') | Some(b'0'..=b'9') | Some(b'_')) {
                        self.pos += 1;
                    }
                    let w = String::from_utf8_lossy(&self.src[start..self.pos]).into_owned();
                    if let Some(k) = KEYWORDS.iter().find(|k| **k == w) {
                        return Tok::Kw(k);
                    }
                    return Tok::Ident(w);
                }
                _ => {
                    for op in OPS {
                        if self.src[self.pos..].starts_with(op.as_bytes()) {
                            self.pos += op.len();
                            return Tok::Op(op);
                        }
                    }
                    let ch = self.char_at();
                    bad(self.line, ch);
                }
            }
        }
    }

    /// The (possibly multi-byte) character at pos, consumed.
    fn char_at(&mut self) -> String {
        let rest = &self.src[self.pos..];
        let n = match rest[0] {
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf7 => 4,
            _ => 1,
        }
        .min(rest.len());
        self.pos += n;
        String::from_utf8_lossy(&rest[..n]).into_owned()
    }

    fn number(&mut self) -> Tok {
        let start = self.pos;
        let digit = |c: Option<&u8>| matches!(c, Some(b'0'..=b'9') | Some(b'A'..=b'Z'));
        while digit(self.src.get(self.pos)) {
            self.pos += 1;
        }
        if self.src.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            while digit(self.src.get(self.pos)) {
                self.pos += 1;
            }
        }
        let mut text = String::from_utf8_lossy(&self.src[start..self.pos]).into_owned();
        // "1." keeps no fraction digits: GNU drops the point.
        if text.ends_with('.') && text.len() > 1 {
            text.pop();
        }
        Tok::Num(text)
    }
}

// ---------------------------------------------------------------- code

/// Special variables.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Special {
    Scale,
    Ibase,
    Obase,
    Last,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Bin {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Debug)]
enum Op {
    Const(String),
    Load(String),
    LoadArr(String),
    LoadSpecial(Special),
    /// Store and keep the value.
    Store(String),
    StoreArr(String),
    StoreSpecial(Special),
    /// Duplicate the top (an array index for a compound assignment).
    Dup,
    /// Load an array element keeping its index below the value.
    LoadArrKeep(String),
    Bin(Bin),
    Neg,
    Not,
    /// ++/-- on a variable: (name or special, delta, post).
    IncVar(Target, i8, bool),
    Length,
    ScaleOf,
    Sqrt,
    Call(String, Vec<bool>),
    ArrArg(String),
    Jump(usize),
    JumpZero(usize),
    JumpNonZero(usize),
    /// Pop (an assignment statement).
    Pop,
    /// Print the top with a newline, pop it and make it `last`.
    PrintPop,
    /// Print the top without a newline and pop it (print statement).
    PrintNum,
    Str(Vec<u8>),
    /// Push 0 or 1 by the top's truth, popping it (&& and ||).
    Bool,
    Return,
    Halt,
}

#[derive(Clone, Debug)]
enum Target {
    Var(String),
    Arr(String),
    Special(Special),
}

/// Compiled code, with each instruction's end address in GNU's byte code.
#[derive(Clone, Debug, Default)]
struct Code {
    ops: Vec<Op>,
    ends: Vec<usize>,
    size: usize,
}

impl Code {
    fn emit(&mut self, op: Op, size: usize) -> usize {
        self.ops.push(op);
        self.size += size;
        self.ends.push(self.size);
        self.ops.len() - 1
    }
}

#[derive(Clone, Debug, Default)]
struct Func {
    params: Vec<(String, bool)>,
    autos: Vec<(String, bool)>,
    code: Code,
}

/// A running call: its function, its name for messages, and where it is.
struct Frame {
    f: Rc<Func>,
    name: Rc<str>,
    pc: usize,
}

// ---------------------------------------------------------------- parsing

/// Why parsing a line stopped.
enum PErr {
    /// "(file) N: msg"; the rest of the line is skipped.
    Syntax(usize, String),
    /// `quit`: leave now.
    Quit,
}

struct Loop {
    breaks: Vec<usize>,
    continue_to: Option<usize>,
    continues: Vec<usize>,
}

struct Parser<'a> {
    lex: Lexer<'a>,
    tok: Tok,
    /// The line GNU reports for an error at `tok`.
    tok_line: usize,
    illegal: Vec<(usize, String)>,
    loops: Vec<Loop>,
    in_func: bool,
    /// With `-l`: calls to a library function that the user has not
    /// redefined go to the library's own copy (named "@e", ...), as GNU's
    /// numbered calls do.
    mathlib: bool,
    /// While the library itself is read: definitions take the "@" names.
    loading_lib: bool,
    /// Variable, array and function numbers, by first appearance (GNU's
    /// byte code holds these numbers: one byte below 128, else two).
    var_ids: HashMap<String, usize>,
    arr_ids: HashMap<String, usize>,
    fn_ids: HashMap<String, usize>,
}

fn id_size(table: &mut HashMap<String, usize>, name: &str) -> usize {
    let n = table.len() + 1;
    let id = *table.entry(name.to_string()).or_insert(n);
    if id < 128 {
        1
    } else {
        2
    }
}

impl<'a> Parser<'a> {
    fn advance(&mut self) {
        let mut bad = Vec::new();
        self.tok = self.lex.next(&mut |l, c| bad.push((l, c)));
        self.illegal.extend(bad);
        self.tok_line = self.lex.line;
    }

    fn err(&self) -> PErr {
        PErr::Syntax(self.tok_line, "syntax error".into())
    }

    fn expect_op(&mut self, op: &str) -> Result<(), PErr> {
        if self.tok == Tok::Op(leak(op)) {
            self.advance();
            Ok(())
        } else {
            Err(self.err())
        }
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(&self.tok, Tok::Op(o) if *o == op)
    }

    fn skip_newlines(&mut self) {
        while self.tok == Tok::Newline {
            self.advance();
        }
    }

    fn var_size(&mut self, name: &str) -> usize {
        1 + id_size(&mut self.var_ids, name)
    }

    fn arr_size(&mut self, name: &str) -> usize {
        1 + id_size(&mut self.arr_ids, name)
    }

    // Statements.

    /// A statement list up to (not including) a newline or `}`.
    fn statement_list(&mut self, code: &mut Code, in_braces: bool) -> Result<(), PErr> {
        loop {
            if in_braces {
                self.skip_newlines();
            }
            if self.tok == Tok::Eof || self.tok == Tok::Newline || self.is_op("}") {
                return Ok(());
            }
            if self.is_op(";") {
                self.advance();
                continue;
            }
            self.statement(code)?;
            if self.is_op(";") {
                self.advance();
            } else if !(self.tok == Tok::Newline || self.tok == Tok::Eof || self.is_op("}")) {
                return Err(self.err());
            }
        }
    }

    fn statement(&mut self, code: &mut Code) -> Result<(), PErr> {
        match self.tok.clone() {
            Tok::Str(s) => {
                self.advance();
                let n = s.len();
                code.emit(Op::Str(s), n + 2);
            }
            Tok::Op("{") => {
                self.advance();
                self.statement_list(code, true)?;
                self.expect_op("}")?;
            }
            Tok::Op(";") => {}
            Tok::Kw("quit") => return Err(PErr::Quit),
            Tok::Kw("halt") => {
                self.advance();
                code.emit(Op::Halt, 1);
            }
            Tok::Kw("break") => {
                let line = self.tok_line;
                self.advance();
                if self.loops.is_empty() {
                    return Err(PErr::Syntax(line, "Break outside a for/while".into()));
                }
                let j = code.emit(Op::Jump(0), 3);
                self.loops.last_mut().unwrap().breaks.push(j);
            }
            Tok::Kw("continue") => {
                let line = self.tok_line;
                self.advance();
                if self.loops.is_empty() {
                    return Err(PErr::Syntax(line, "Continue outside a for".into()));
                }
                let target = self.loops.last().unwrap().continue_to;
                let j = code.emit(Op::Jump(target.unwrap_or(0)), 3);
                if target.is_none() {
                    self.loops.last_mut().unwrap().continues.push(j);
                }
            }
            Tok::Kw("return") => {
                self.advance();
                let bare = self.tok == Tok::Newline || self.tok == Tok::Eof || self.is_op(";") || self.is_op("}");
                if bare {
                    code.emit(Op::Const("0".into()), 1);
                } else {
                    self.expr(code)?;
                }
                if !self.in_func {
                    return Err(PErr::Syntax(self.tok_line, "Return outside of a function.".into()));
                }
                code.emit(Op::Return, 1);
            }
            Tok::Kw("print") => {
                self.advance();
                loop {
                    if let Tok::Str(s) = self.tok.clone() {
                        self.advance();
                        let n = s.len();
                        code.emit(Op::Str(unescape(&s)), n + 2);
                    } else {
                        self.expr(code)?;
                        code.emit(Op::PrintNum, 1);
                    }
                    if self.is_op(",") {
                        self.advance();
                    } else {
                        break;
                    }
                }
            }
            Tok::Kw("if") => {
                self.advance();
                self.expect_op("(")?;
                self.expr(code)?;
                self.expect_op(")")?;
                self.skip_newlines();
                let jz = code.emit(Op::JumpZero(0), 3);
                self.statement(code)?;
                if self.tok == Tok::Kw("else") {
                    self.advance();
                    self.skip_newlines();
                    let j = code.emit(Op::Jump(0), 3);
                    code.ops[jz] = Op::JumpZero(code.ops.len());
                    self.statement(code)?;
                    code.ops[j] = Op::Jump(code.ops.len());
                } else {
                    code.ops[jz] = Op::JumpZero(code.ops.len());
                }
            }
            Tok::Kw("while") => {
                self.advance();
                self.expect_op("(")?;
                let top = code.ops.len();
                self.expr(code)?;
                self.expect_op(")")?;
                self.skip_newlines();
                let jz = code.emit(Op::JumpZero(0), 3);
                self.loops.push(Loop { breaks: vec![], continue_to: Some(top), continues: vec![] });
                let body = self.statement(code);
                let lp = self.loops.pop().unwrap();
                body?;
                code.emit(Op::Jump(top), 3);
                let end = code.ops.len();
                code.ops[jz] = Op::JumpZero(end);
                for b in lp.breaks {
                    code.ops[b] = Op::Jump(end);
                }
            }
            Tok::Kw("for") => {
                self.advance();
                self.expect_op("(")?;
                if !self.is_op(";") {
                    self.expr_statement_value(code, false)?;
                }
                self.expect_op(";")?;
                let cond = code.ops.len();
                if self.is_op(";") {
                    code.emit(Op::Const("1".into()), 1);
                } else {
                    self.expr(code)?;
                }
                self.expect_op(";")?;
                let jb = code.emit(Op::JumpNonZero(0), 3);
                let jend = code.emit(Op::Jump(0), 3);
                let incr = code.ops.len();
                if !self.is_op(")") {
                    self.expr_statement_value(code, false)?;
                }
                self.expect_op(")")?;
                code.emit(Op::Jump(cond), 3);
                let body_start = code.ops.len();
                code.ops[jb] = Op::JumpNonZero(body_start);
                self.skip_newlines();
                self.loops.push(Loop { breaks: vec![], continue_to: Some(incr), continues: vec![] });
                let body = self.statement(code);
                let lp = self.loops.pop().unwrap();
                body?;
                code.emit(Op::Jump(incr), 3);
                let end = code.ops.len();
                code.ops[jend] = Op::Jump(end);
                for b in lp.breaks {
                    code.ops[b] = Op::Jump(end);
                }
            }
            Tok::Kw("define") | Tok::Kw("auto") | Tok::Kw("else") => return Err(self.err()),
            _ => self.expr_statement_value(code, true)?,
        }
        Ok(())
    }

    /// An expression statement: an assignment is stored and popped,
    /// anything else printed (when `print`) or popped.
    fn expr_statement_value(&mut self, code: &mut Code, print: bool) -> Result<(), PErr> {
        let assign = self.expr(code)?;
        if assign || !print {
            code.emit(Op::Pop, 1);
        } else {
            code.emit(Op::PrintPop, 1);
        }
        Ok(())
    }

    // Expressions, lowest precedence first. Each returns whether the
    // expression is a bare assignment (which a statement does not print).

    fn expr(&mut self, code: &mut Code) -> Result<bool, PErr> {
        let mut assign = self.and_expr(code)?;
        while self.is_op("||") {
            self.advance();
            let j1 = code.emit(Op::JumpNonZero(0), 3);
            self.and_expr(code)?;
            let j2 = code.emit(Op::JumpNonZero(0), 3);
            code.emit(Op::Const("0".into()), 1);
            let j3 = code.emit(Op::Jump(0), 3);
            let one = code.emit(Op::Const("1".into()), 1);
            code.ops[j1] = Op::JumpNonZero(one);
            code.ops[j2] = Op::JumpNonZero(one);
            code.ops[j3] = Op::Jump(code.ops.len());
            assign = false;
        }
        Ok(assign)
    }

    fn and_expr(&mut self, code: &mut Code) -> Result<bool, PErr> {
        let mut assign = self.not_expr(code)?;
        while self.is_op("&&") {
            self.advance();
            let j1 = code.emit(Op::JumpZero(0), 5);
            self.not_expr(code)?;
            let j2 = code.emit(Op::JumpZero(0), 5);
            code.emit(Op::Const("1".into()), 1);
            let j3 = code.emit(Op::Jump(0), 0);
            let zero = code.emit(Op::Const("0".into()), 0);
            code.ops[j1] = Op::JumpZero(zero);
            code.ops[j2] = Op::JumpZero(zero);
            code.ops[j3] = Op::Jump(code.ops.len());
            let _ = Op::Bool;
            assign = false;
        }
        Ok(assign)
    }

    fn not_expr(&mut self, code: &mut Code) -> Result<bool, PErr> {
        if self.is_op("!") {
            self.advance();
            self.not_expr(code)?;
            code.emit(Op::Not, 1);
            return Ok(false);
        }
        self.rel_expr(code)
    }

    fn rel_expr(&mut self, code: &mut Code) -> Result<bool, PErr> {
        let mut assign = self.assign_expr(code)?;
        loop {
            let op = match &self.tok {
                Tok::Op("==") => Bin::Eq,
                Tok::Op("!=") => Bin::Ne,
                Tok::Op("<") => Bin::Lt,
                Tok::Op("<=") => Bin::Le,
                Tok::Op(">") => Bin::Gt,
                Tok::Op(">=") => Bin::Ge,
                _ => return Ok(assign),
            };
            self.advance();
            self.assign_expr(code)?;
            code.emit(Op::Bin(op), 1);
            assign = false;
        }
    }

    fn assign_expr(&mut self, code: &mut Code) -> Result<bool, PErr> {
        // A named expression followed by an assignment operator.
        let target = match self.tok.clone() {
            Tok::Ident(_) | Tok::Kw("scale") | Tok::Kw("ibase") | Tok::Kw("obase") | Tok::Kw("last") => {
                let save = (self.lex.pos, self.lex.line, self.tok.clone(), self.tok_line, self.illegal.len());
                let mark = code.ops.len();
                let size = code.size;
                let t = self.named(code)?;
                let op = match &self.tok {
                    Tok::Op(o) if ["=", "+=", "-=", "*=", "/=", "%=", "^="].contains(o) => Some(*o),
                    _ => None,
                };
                match op {
                    Some(o) => Some((t, o)),
                    None => {
                        // Not an assignment: parse again as an operand.
                        code.ops.truncate(mark);
                        code.ends.truncate(mark);
                        code.size = size;
                        self.lex.pos = save.0;
                        self.lex.line = save.1;
                        self.tok = save.2;
                        self.tok_line = save.3;
                        self.illegal.truncate(save.4);
                        None
                    }
                }
            }
            _ => None,
        };
        let (t, op) = match target {
            None => return self.add_expr(code).map(|_| false),
            Some(x) => x,
        };
        self.advance();
        let bin = match op {
            "+=" => Some(Bin::Add),
            "-=" => Some(Bin::Sub),
            "*=" => Some(Bin::Mul),
            "/=" => Some(Bin::Div),
            "%=" => Some(Bin::Mod),
            "^=" => Some(Bin::Pow),
            _ => None,
        };
        if let Some(b) = bin {
            match &t {
                Target::Var(n) => {
                    let s = self.var_size(n);
                    code.emit(Op::Load(n.clone()), s);
                }
                Target::Arr(n) => {
                    code.emit(Op::Dup, 1);
                    let s = self.arr_size(n);
                    code.emit(Op::LoadArrKeep(n.clone()), s);
                }
                Target::Special(sp) => {
                    code.emit(Op::LoadSpecial(*sp), 2);
                }
            }
            self.assign_rhs(code)?;
            code.emit(Op::Bin(b), 1);
        } else {
            self.assign_rhs(code)?;
        }
        match t {
            Target::Var(n) => {
                let s = self.var_size(&n);
                code.emit(Op::Store(n), s);
            }
            Target::Arr(n) => {
                let s = self.arr_size(&n);
                code.emit(Op::StoreArr(n), s);
            }
            Target::Special(sp) => {
                code.emit(Op::StoreSpecial(sp), 2);
            }
        }
        Ok(true)
    }

    fn assign_rhs(&mut self, code: &mut Code) -> Result<(), PErr> {
        if self.is_op("!") {
            self.not_expr(code)?;
        } else {
            self.assign_expr(code)?;
        }
        Ok(())
    }

    /// A variable, array element (its index code emitted) or special.
    fn named(&mut self, code: &mut Code) -> Result<Target, PErr> {
        match self.tok.clone() {
            Tok::Ident(n) => {
                self.advance();
                if self.is_op("[") {
                    self.advance();
                    self.expr(code)?;
                    self.expect_op("]")?;
                    Ok(Target::Arr(n))
                } else {
                    Ok(Target::Var(n))
                }
            }
            Tok::Kw(k) => {
                self.advance();
                Ok(Target::Special(match k {
                    "scale" => Special::Scale,
                    "ibase" => Special::Ibase,
                    "obase" => Special::Obase,
                    _ => Special::Last,
                }))
            }
            _ => Err(self.err()),
        }
    }

    fn add_expr(&mut self, code: &mut Code) -> Result<(), PErr> {
        self.mul_expr(code)?;
        loop {
            let op = match &self.tok {
                Tok::Op("+") => Bin::Add,
                Tok::Op("-") => Bin::Sub,
                _ => return Ok(()),
            };
            self.advance();
            self.mul_expr(code)?;
            code.emit(Op::Bin(op), 1);
        }
    }

    fn mul_expr(&mut self, code: &mut Code) -> Result<(), PErr> {
        self.pow_expr(code)?;
        loop {
            let op = match &self.tok {
                Tok::Op("*") => Bin::Mul,
                Tok::Op("/") => Bin::Div,
                Tok::Op("%") => Bin::Mod,
                _ => return Ok(()),
            };
            self.advance();
            self.pow_expr(code)?;
            code.emit(Op::Bin(op), 1);
        }
    }

    fn pow_expr(&mut self, code: &mut Code) -> Result<(), PErr> {
        self.unary(code)?;
        if self.is_op("^") {
            self.advance();
            self.pow_expr(code)?;
            code.emit(Op::Bin(Bin::Pow), 1);
        }
        Ok(())
    }

    fn unary(&mut self, code: &mut Code) -> Result<(), PErr> {
        if self.is_op("-") {
            self.advance();
            self.unary(code)?;
            code.emit(Op::Neg, 1);
            return Ok(());
        }
        if self.is_op("!") {
            self.not_expr(code)?;
            return Ok(());
        }
        if self.is_op("++") || self.is_op("--") {
            let d = if self.is_op("++") { 1 } else { -1 };
            self.advance();
            let t = self.named(code)?;
            self.emit_incdec(code, t, d, false);
            return Ok(());
        }
        self.primary(code)
    }

    fn emit_incdec(&mut self, code: &mut Code, t: Target, d: i8, post: bool) {
        let size = match &t {
            Target::Var(n) => 2 * self.var_size(n),
            Target::Arr(n) => 2 + 2 * self.arr_size(n),
            Target::Special(_) => 4,
        };
        code.emit(Op::IncVar(t, d, post), size);
    }

    fn primary(&mut self, code: &mut Code) -> Result<(), PErr> {
        match self.tok.clone() {
            Tok::Num(text) => {
                self.advance();
                let size = if text == "0" || text == "1" { 1 } else { text.len() + 2 };
                code.emit(Op::Const(text), size);
            }
            Tok::Op("(") => {
                self.advance();
                self.expr(code)?;
                self.expect_op(")")?;
            }
            Tok::Kw(k @ ("length" | "sqrt" | "scale")) if k != "scale" || self.peek_is_paren() => {
                self.advance();
                self.expect_op("(")?;
                self.expr(code)?;
                self.expect_op(")")?;
                let op = match k {
                    "length" => Op::Length,
                    "sqrt" => Op::Sqrt,
                    _ => Op::ScaleOf,
                };
                code.emit(op, 2);
            }
            Tok::Ident(n) if self.peek_is_paren() => {
                self.advance();
                self.advance();
                let mut kinds = Vec::new();
                if !self.is_op(")") {
                    loop {
                        // An array argument: NAME[].
                        let mut done = false;
                        if let Tok::Ident(a) = self.tok.clone() {
                            let save = (self.lex.pos, self.lex.line, self.tok.clone(), self.tok_line);
                            self.advance();
                            if self.is_op("[") {
                                self.advance();
                                if self.is_op("]") {
                                    self.advance();
                                    let s = self.arr_size(&a);
                                    code.emit(Op::ArrArg(a), s + 1);
                                    kinds.push(true);
                                    done = true;
                                }
                            }
                            if !done {
                                self.lex.pos = save.0;
                                self.lex.line = save.1;
                                self.tok = save.2;
                                self.tok_line = save.3;
                            }
                        }
                        if !done {
                            self.expr(code)?;
                            kinds.push(false);
                        }
                        if self.is_op(",") {
                            self.advance();
                        } else {
                            break;
                        }
                    }
                }
                self.expect_op(")")?;
                let s = id_size(&mut self.fn_ids, &n);
                let n = if self.mathlib && self.lib_call(&n) { format!("@{}", n) } else { n };
                let n_args = kinds.len();
                code.emit(Op::Call(n, kinds), 2 + s + n_args);
            }
            Tok::Ident(_) | Tok::Kw("scale") | Tok::Kw("ibase") | Tok::Kw("obase") | Tok::Kw("last") => {
                let t = self.named(code)?;
                if self.is_op("++") || self.is_op("--") {
                    let d = if self.is_op("++") { 1 } else { -1 };
                    self.advance();
                    self.emit_incdec(code, t, d, true);
                } else {
                    match t {
                        Target::Var(n) => {
                            let s = self.var_size(&n);
                            code.emit(Op::Load(n), s);
                        }
                        Target::Arr(n) => {
                            let s = self.arr_size(&n);
                            code.emit(Op::LoadArr(n), s);
                        }
                        Target::Special(sp) => {
                            code.emit(Op::LoadSpecial(sp), 2);
                        }
                    }
                }
            }
            _ => return Err(self.err()),
        }
        Ok(())
    }

    /// A parameter or auto takes its number when declared, as in GNU.
    fn declare(&mut self, name: &str, arr: bool) {
        if arr {
            id_size(&mut self.arr_ids, name);
        } else {
            id_size(&mut self.var_ids, name);
        }
    }

    /// Whether `name` still means the math library's function: it has
    /// one of the numbers the library's functions were given.
    fn lib_call(&self, name: &str) -> bool {
        let n = FUNCTIONS.len();
        FUNCTIONS.contains(&name) && self.fn_ids.get(name).map_or(false, |&i| i <= n)
    }

    /// Whether the character after the current token opens a parenthesis.
    fn peek_is_paren(&self) -> bool {
        let rest = &self.lex.src[self.lex.pos..];
        let t = rest.iter().position(|&c| c != b' ' && c != b'\t');
        matches!(t.map(|i| rest[i]), Some(b'('))
    }

    /// `define NAME ( params ) { auto ...; statements }`.
    fn define(&mut self) -> Result<(String, Func), PErr> {
        self.advance();
        let name = match self.tok.clone() {
            Tok::Ident(n) => n,
            _ => return Err(self.err()),
        };
        if self.mathlib && !self.loading_lib && self.lib_call(&name) {
            // GNU gives a redefined library function a new number; the
            // library's calls (and earlier ones) keep the old one.
            if let Some(old) = self.fn_ids.remove(&name) {
                self.fn_ids.insert(format!("@{}", name), old);
            }
        }
        id_size(&mut self.fn_ids, &name);
        let name = if self.loading_lib { format!("@{}", name) } else { name };
        self.advance();
        self.expect_op("(")?;
        let mut f = Func::default();
        if !self.is_op(")") {
            loop {
                let p = match self.tok.clone() {
                    Tok::Ident(p) => p,
                    _ => return Err(self.err()),
                };
                self.advance();
                let arr = if self.is_op("[") {
                    self.advance();
                    self.expect_op("]")?;
                    true
                } else {
                    false
                };
                self.declare(&p, arr);
                f.params.push((p, arr));
                if self.is_op(",") {
                    self.advance();
                } else {
                    break;
                }
            }
        }
        self.expect_op(")")?;
        self.skip_newlines();
        self.expect_op("{")?;
        self.skip_newlines();
        while self.tok == Tok::Kw("auto") {
            self.advance();
            loop {
                let p = match self.tok.clone() {
                    Tok::Ident(p) => p,
                    _ => return Err(self.err()),
                };
                self.advance();
                let arr = if self.is_op("[") {
                    self.advance();
                    self.expect_op("]")?;
                    true
                } else {
                    false
                };
                if f.params.iter().any(|(q, _)| *q == p) {
                    return Err(PErr::Syntax(self.tok_line, "variable in both parameter and auto lists".into()));
                }
                self.declare(&p, arr);
                f.autos.push((p, arr));
                if self.is_op(",") {
                    self.advance();
                } else {
                    break;
                }
            }
            if self.is_op(";") || self.tok == Tok::Newline {
                self.advance();
            } else {
                return Err(self.err());
            }
            self.skip_newlines();
        }
        self.in_func = true;
        let mut code = Code::default();
        let r = self.statement_list(&mut code, true);
        self.in_func = false;
        r?;
        self.expect_op("}")?;
        f.code = code;
        Ok((name, f))
    }
}

/// `leak` for the few operator strings compared against tokens.
fn leak(op: &str) -> &'static str {
    OPS.iter().find(|o| **o == op).copied().unwrap_or("")
}

/// The escapes of `print` strings.
fn unescape(s: &[u8]) -> Vec<u8> {
    let mut r = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'\\' && i + 1 < s.len() {
            let c = match s[i + 1] {
                b'a' => Some(7),
                b'b' => Some(8),
                b'f' => Some(12),
                b'n' => Some(b'\n'),
                b'q' => Some(b'"'),
                b'r' => Some(b'\r'),
                b't' => Some(b'\t'),
                b'\\' => Some(b'\\'),
                _ => None,
            };
            if let Some(c) = c {
                r.push(c);
            }
            i += 2;
        } else {
            r.push(s[i]);
            i += 1;
        }
    }
    r
}

// ---------------------------------------------------------------- running

/// A runtime stop: an error message (the line is abandoned) or `halt`.
enum Stop {
    Error(String),
    Halt,
}

#[derive(Clone, Debug)]
enum Val {
    N(Num),
    A(Vec<Num>),
}

struct Bc {
    out: Out,
    line_len: usize,
    col: usize,
    scale: usize,
    ibase: u64,
    obase: u64,
    last: Num,
    vars: HashMap<String, Vec<Num>>,
    arrays: HashMap<String, Vec<Vec<Num>>>,
    funcs: HashMap<String, Rc<Func>>,
    var_ids: HashMap<String, usize>,
    arr_ids: HashMap<String, usize>,
    fn_ids: HashMap<String, usize>,
    halted: bool,
    /// `-l` was given (see `Parser::mathlib`).
    mathlib: bool,
    loading_lib: bool,
}

impl Bc {
    fn new(out: Out, line_len: usize) -> Bc {
        Bc {
            out,
            line_len,
            col: 0,
            scale: 0,
            ibase: 10,
            obase: 10,
            last: Num::default(),
            vars: HashMap::new(),
            arrays: HashMap::new(),
            funcs: HashMap::new(),
            var_ids: HashMap::new(),
            arr_ids: HashMap::new(),
            fn_ids: HashMap::new(),
            halted: false,
            mathlib: false,
            loading_lib: false,
        }
    }

    fn finish(&mut self, status: i32) -> i32 {
        if self.out.flush().is_err() {
            return 1;
        }
        status
    }

    /// GNU's `out_char`: a long line is split with a backslash.
    fn put(&mut self, c: u8) {
        if c == b'\n' {
            self.col = 0;
        } else {
            self.col += 1;
            if self.line_len > 0 && self.col == self.line_len - 1 {
                let _ = self.out.write_all(b"\\\n");
                self.col = 1;
            }
        }
        let _ = self.out.write_all(&[c]);
    }

    fn put_str(&mut self, s: &[u8]) {
        for &c in s {
            self.put(c);
        }
    }

    /// Runs one source (a file or standard input); true if it quit.
    fn run_source(&mut self, src: &[u8], name: &str) -> bool {
        let mut p = Parser {
            lex: Lexer { src, pos: 0, line: 1 },
            tok: Tok::Eof,
            tok_line: 1,
            illegal: Vec::new(),
            loops: Vec::new(),
            in_func: false,
            mathlib: self.mathlib,
            loading_lib: self.loading_lib,
            var_ids: std::mem::take(&mut self.var_ids),
            arr_ids: std::mem::take(&mut self.arr_ids),
            fn_ids: std::mem::take(&mut self.fn_ids),
        };
        p.advance();
        let quit = loop {
            self.report_illegal(&mut p, name);
            match p.tok {
                Tok::Eof => break false,
                Tok::Newline => {
                    p.advance();
                    continue;
                }
                _ => {}
            }
            let result = if p.tok == Tok::Kw("define") {
                p.define().map(|(n, f)| {
                    self.funcs.insert(n, Rc::new(f));
                    None
                })
            } else {
                let mut code = Code::default();
                p.statement_list(&mut code, false).map(|_| Some(code))
            };
            self.report_illegal(&mut p, name);
            match result {
                Ok(code) => {
                    if p.tok == Tok::Eof {
                        // GNU's grammar wants each line ended; at the end
                        // of input it has already moved on to a new,
                        // empty standard input.
                        self.syntax_error("(standard_in)", 1, "syntax error");
                        break false;
                    }
                    if code.is_none() && p.is_op(";") {
                        p.advance();
                        continue;
                    }
                    if p.tok != Tok::Newline {
                        // A definition must end its line.
                        let line = p.tok_line;
                        self.syntax_error(name, line, "syntax error");
                        p.loops.clear();
                        skip_line(&mut p);
                        continue;
                    }
                    if let Some(code) = code {
                        // The numbering is the parser's; messages use it.
                        std::mem::swap(&mut self.var_ids, &mut p.var_ids);
                        self.exec_main(&code);
                        std::mem::swap(&mut self.var_ids, &mut p.var_ids);
                        if self.halted {
                            break true;
                        }
                    }
                    if p.tok == Tok::Newline {
                        p.advance();
                    }
                }
                Err(PErr::Quit) => break true,
                Err(PErr::Syntax(line, msg)) => {
                    self.syntax_error(name, line, &msg);
                    p.loops.clear();
                    p.in_func = false;
                    skip_line(&mut p);
                }
            }
        };
        self.var_ids = p.var_ids;
        self.arr_ids = p.arr_ids;
        self.fn_ids = p.fn_ids;
        quit
    }

    /// `-l`: runs the math library. Its functions are numbered first
    /// (e, l, s, a, c, j, as in GNU's), and its variables take no numbers
    /// from the user's (GNU loads it as compiled code), which matters to
    /// the byte-code addresses in error messages.
    fn load_mathlib(&mut self) {
        self.mathlib = true;
        self.loading_lib = true;
        self.fn_ids = FUNCTIONS.iter().enumerate().map(|(i, n)| (n.to_string(), i + 1)).collect();
        self.run_source(LIBRARY.as_bytes(), "(libmath)");
        self.loading_lib = false;
        self.var_ids.clear();
        self.arr_ids.clear();
    }

    fn report_illegal(&mut self, p: &mut Parser, name: &str) {
        for (line, ch) in std::mem::take(&mut p.illegal) {
            self.syntax_error(name, line, &format!("illegal character: {}", ch));
        }
    }

    fn syntax_error(&mut self, name: &str, line: usize, msg: &str) {
        let _ = self.out.flush();
        eprintln!("{} {}: {}", name, line, msg);
    }

    fn exec_main(&mut self, code: &Code) {
        let main = Rc::new(Func { code: code.clone(), ..Func::default() });
        let mut frames = vec![Frame { f: main, name: Rc::from("(main)"), pc: 0 }];
        let mut stack = Vec::new();
        let r = self.exec(&mut frames, &mut stack);
        // An error leaves calls open: drop their parameters and autos.
        for fr in frames.iter().skip(1).rev() {
            self.leave(&fr.f);
        }
        match r {
            Ok(()) => {}
            Err(Stop::Halt) => self.halted = true,
            Err(Stop::Error(m)) => {
                let _ = self.out.flush();
                eprintln!("{}", m);
            }
        }
    }

    fn warn(&mut self, func: &str, adr: usize, msg: &str) {
        let _ = self.out.flush();
        eprintln!("Runtime warning (func={}, adr={}): {}", func, adr, msg);
    }

    fn get_var(&self, n: &str) -> Num {
        self.vars.get(n).and_then(|s| s.last()).cloned().unwrap_or_default()
    }

    fn set_var(&mut self, n: &str, v: Num) {
        let s = self.vars.entry(n.to_string()).or_default();
        if s.is_empty() {
            s.push(v);
        } else {
            *s.last_mut().unwrap() = v;
        }
    }

    fn array(&mut self, n: &str) -> &mut Vec<Num> {
        let s = self.arrays.entry(n.to_string()).or_default();
        if s.is_empty() {
            s.push(Vec::new());
        }
        s.last_mut().unwrap()
    }

    fn index(&self, v: &Num, n: &str, func: &str, adr: usize) -> Result<usize, Stop> {
        match v.to_i64() {
            Some(i) if (0..=DIM_MAX).contains(&i) => Ok(i as usize),
            _ => Err(Stop::Error(format!("Runtime error (func={}, adr={}): Array {} subscript out of bounds.", func, adr, n))),
        }
    }

    fn get_special(&self, sp: Special) -> Num {
        match sp {
            Special::Scale => Num::from_u64(self.scale as u64),
            Special::Ibase => Num::from_u64(self.ibase),
            Special::Obase => Num::from_u64(self.obase),
            Special::Last => self.last.clone(),
        }
    }

    fn set_special(&mut self, sp: Special, v: &Num, func: &str, adr: usize) {
        let i = v.to_i64();
        match sp {
            Special::Scale => match i {
                Some(i) if i < 0 => {
                    self.warn(func, adr, "negative scale, set to 0");
                    self.scale = 0;
                }
                Some(i) if i <= i32::MAX as i64 => self.scale = i as usize,
                _ => {
                    self.warn(func, adr, "scale too large, set to 2147483647");
                    self.scale = i32::MAX as usize;
                }
            },
            Special::Ibase => match i {
                Some(i) if i < 2 => {
                    self.warn(func, adr, "ibase too small, set to 2");
                    self.ibase = 2;
                }
                Some(i) if i <= 36 => self.ibase = i as u64,
                _ => {
                    self.warn(func, adr, "ibase too large, set to 36");
                    self.ibase = 36;
                }
            },
            Special::Obase => match i {
                Some(i) if i < 2 => {
                    self.warn(func, adr, "obase too small, set to 2");
                    self.obase = 2;
                }
                Some(i) if i <= i32::MAX as i64 => self.obase = i as u64,
                _ => {
                    self.warn(func, adr, "obase too large, set to 2147483647");
                    self.obase = i32::MAX as u64;
                }
            },
            Special::Last => self.last = v.clone(),
        }
    }

    /// Runs the innermost frame's code; calls push frames rather than
    /// recurse, so deep bc recursion needs no deep native stack.
    fn exec(&mut self, frames: &mut Vec<Frame>, stack: &mut Vec<Val>) -> Result<(), Stop> {
        macro_rules! pop {
            () => {
                match stack.pop() {
                    Some(Val::N(n)) => n,
                    _ => Num::default(),
                }
            };
        }
        loop {
            let top = frames.len() - 1;
            let f = frames[top].f.clone();
            let pc = frames[top].pc;
            if pc >= f.code.ops.len() {
                if top == 0 {
                    return Ok(());
                }
                // Falling off a function's end returns 0.
                self.leave(&f);
                frames.pop();
                stack.push(Val::N(Num::default()));
                continue;
            }
            frames[top].pc += 1;
            let name = frames[top].name.clone();
            let func: &str = &name;
            let err = |adr: usize, m: &str| Stop::Error(format!("Runtime error (func={}, adr={}): {}", func, adr, m));
            let adr = f.code.ends[pc];
            let op = &f.code.ops[pc];
            match op {
                Op::Const(t) => stack.push(Val::N(self.constant(t))),
                Op::Load(n) => stack.push(Val::N(self.get_var(n))),
                Op::LoadArr(n) | Op::LoadArrKeep(n) => {
                    let i = pop!();
                    let i = self.index(&i, n, func, adr)?;
                    if matches!(op, Op::LoadArrKeep(_)) {
                        stack.push(Val::N(Num::from_u64(i as u64)));
                    }
                    let v = self.array(n).get(i).cloned().unwrap_or_default();
                    stack.push(Val::N(v));
                }
                Op::LoadSpecial(sp) => stack.push(Val::N(self.get_special(*sp))),
                Op::Store(n) => {
                    let v = pop!();
                    self.set_var(n, v.clone());
                    stack.push(Val::N(v));
                }
                Op::StoreArr(n) => {
                    let v = pop!();
                    let i = pop!();
                    let i = self.index(&i, n, func, adr)?;
                    let a = self.array(n);
                    if a.len() <= i {
                        a.resize(i + 1, Num::default());
                    }
                    a[i] = v.clone();
                    stack.push(Val::N(v));
                }
                Op::StoreSpecial(sp) => {
                    let v = pop!();
                    self.set_special(*sp, &v, func, adr);
                    stack.push(Val::N(v));
                }
                Op::Dup => {
                    let v = stack.last().cloned().unwrap_or(Val::N(Num::default()));
                    stack.push(v);
                }
                Op::Bin(b) => {
                    let y = pop!();
                    let x = pop!();
                    let r = self.binary(*b, &x, &y, func, adr)?;
                    stack.push(Val::N(r));
                }
                Op::Neg => {
                    let x = pop!();
                    stack.push(Val::N(x.negate()));
                }
                Op::Not => {
                    let x = pop!();
                    stack.push(Val::N(Num::from_u64(x.is_zero() as u64)));
                }
                Op::Bool => {
                    let x = pop!();
                    stack.push(Val::N(Num::from_u64(!x.is_zero() as u64)));
                }
                Op::IncVar(t, d, post) => {
                    let delta = Num { neg: *d < 0, mag: vec![1], scale: 0 };
                    let (old, idx) = match t {
                        Target::Var(n) => (self.get_var(n), 0),
                        Target::Arr(n) => {
                            let i = pop!();
                            let i = self.index(&i, n, func, adr)?;
                            (self.array(n).get(i).cloned().unwrap_or_default(), i)
                        }
                        Target::Special(sp) => (self.get_special(*sp), 0),
                    };
                    let new = add(&old, &delta);
                    match t {
                        Target::Var(n) => self.set_var(n, new.clone()),
                        Target::Arr(n) => {
                            let a = self.array(n);
                            if a.len() <= idx {
                                a.resize(idx + 1, Num::default());
                            }
                            a[idx] = new.clone();
                        }
                        Target::Special(sp) => self.set_special(*sp, &new, func, adr),
                    }
                    stack.push(Val::N(if *post { old } else { new }));
                }
                Op::Length => {
                    let x = pop!();
                    let n = x.int_digits() + x.scale;
                    stack.push(Val::N(Num::from_u64(n.max(1) as u64)));
                }
                Op::ScaleOf => {
                    let x = pop!();
                    stack.push(Val::N(Num::from_u64(x.scale as u64)));
                }
                Op::Sqrt => {
                    let x = pop!();
                    if x.neg {
                        return Err(err(adr, "Square root of a negative number"));
                    }
                    // GNU answers 0 and 1 for themselves, at scale 0.
                    let one = Num::from_u64(1);
                    if x.is_zero() || x.cmp(&one) == Ordering::Equal {
                        stack.push(Val::N(if x.is_zero() { Num::default() } else { one }));
                        continue;
                    }
                    let rs = self.scale.max(x.scale);
                    let m = shift(&x.mag, 2 * rs - x.scale);
                    stack.push(Val::N(Num { neg: false, mag: mag_isqrt(&m), scale: rs }.norm()));
                }
                Op::ArrArg(n) => {
                    let a = self.array(n).clone();
                    stack.push(Val::A(a));
                }
                Op::Call(name, kinds) => {
                    let f = match self.funcs.get(name) {
                        Some(f) => f.clone(),
                        None => return Err(err(adr - kinds.len() - 1, &format!("Function {} not defined.", name))),
                    };
                    let args: Vec<Val> = stack.split_off(stack.len().saturating_sub(kinds.len()));
                    self.check_params(&f, name, kinds, func, adr)?;
                    self.enter(&f, args);
                    frames.push(Frame { f, name: self.frame_name(name), pc: 0 });
                }
                Op::Jump(t) => frames[top].pc = *t,
                Op::JumpZero(t) => {
                    if pop!().is_zero() {
                        frames[top].pc = *t;
                    }
                }
                Op::JumpNonZero(t) => {
                    if !pop!().is_zero() {
                        frames[top].pc = *t;
                    }
                }
                Op::Pop => {
                    stack.pop();
                }
                Op::PrintPop => {
                    let v = pop!();
                    self.print_num(&v);
                    self.put(b'\n');
                    self.last = v;
                }
                Op::PrintNum => {
                    let v = pop!();
                    self.print_num(&v);
                }
                Op::Str(s) => self.put_str(s),
                Op::Return => {
                    let v = pop!();
                    self.leave(&f);
                    frames.pop();
                    stack.push(Val::N(v));
                }
                Op::Halt => return Err(Stop::Halt),
            }
        }
    }

    /// GNU's check of a call's arguments against the parameters. Its
    /// byte code lists the argument kinds last first, and it walks the
    /// parameters from the last too, so arguments pair with parameters
    /// from the end. After a type mismatch GNU steps into memory past the
    /// parameter list: on Debian 12 a mismatch at the first argument is
    /// followed by a count mismatch, and one elsewhere crashes it (here
    /// the call just fails). An array given for a number names the variable
    /// numbered one after the parameter (GNU indexes its names off by
    /// one there), or "(null)".
    fn check_params(&mut self, f: &Func, name: &str, kinds: &[bool], func: &str, adr: usize) -> Result<(), Stop> {
        let err = |a: usize, m: &str| Stop::Error(format!("Runtime error (func={}, adr={}): {}", func, a, m));
        let n = kinds.len();
        let np = f.params.len();
        for j in 0..n {
            let a = adr - n + j;
            if j >= np {
                return Err(err(a, "Parameter number mismatch"));
            }
            let (p, arr) = &f.params[np - 1 - j];
            if *arr == kinds[n - 1 - j] {
                continue;
            }
            let m = if *arr {
                format!("Parameter type mismatch parameter {}.", p)
            } else {
                format!("Parameter type mismatch, parameter {}.", self.var_after(name, p))
            };
            if j + 1 < n {
                return Err(err(a, &m));
            }
            let _ = self.out.flush();
            eprintln!("{}", message(&err(a, &m)));
            return Err(err(adr, "Parameter number mismatch"));
        }
        if n < np {
            return Err(err(adr, "Parameter number mismatch"));
        }
        Ok(())
    }

    /// The name of the variable GNU numbers one after parameter `param`
    /// of function `called`, or "(null)". The library's variables are
    /// numbered apart from the user's (GNU loads its library compiled).
    fn var_after(&self, called: &str, param: &str) -> String {
        let id = if called.starts_with('@') {
            LIB_VAR_IDS.iter().find(|(v, _)| *v == param).map(|(_, i)| *i)
        } else {
            self.var_ids.get(param).copied()
        };
        let next = id.and_then(|i| self.var_ids.iter().find(|(_, &j)| j == i + 1));
        next.map_or_else(|| "(null)".to_string(), |(v, _)| v.clone())
    }

    /// The name a called function goes by in messages: the library's
    /// own copies answer to their plain names, and (with `-l`) a user's
    /// redefinition of one of them to none, since GNU numbers it anew
    /// without naming the number.
    fn frame_name(&self, called: &str) -> Rc<str> {
        if let Some(lib) = called.strip_prefix('@') {
            Rc::from(lib)
        } else if self.mathlib && FUNCTIONS.contains(&called) {
            Rc::from("(null)")
        } else {
            Rc::from(called)
        }
    }

    /// A call: parameters and autos shadow the globals (dynamic scope)
    /// until the function returns.
    fn enter(&mut self, f: &Func, args: Vec<Val>) {
        for ((p, _), v) in f.params.iter().zip(args) {
            match v {
                Val::N(n) => self.vars.entry(p.clone()).or_default().push(n),
                Val::A(a) => self.arrays.entry(p.clone()).or_default().push(a),
            }
        }
        for (a, arr) in &f.autos {
            if *arr {
                self.arrays.entry(a.clone()).or_default().push(Vec::new());
            } else {
                self.vars.entry(a.clone()).or_default().push(Num::default());
            }
        }
    }

    /// The end of a call: the shadowed variables come back.
    fn leave(&mut self, f: &Func) {
        for (p, arr) in f.params.iter().chain(f.autos.iter()) {
            if *arr {
                if let Some(s) = self.arrays.get_mut(p) {
                    s.pop();
                }
            } else if let Some(s) = self.vars.get_mut(p) {
                s.pop();
            }
        }
    }

    fn binary(&mut self, b: Bin, x: &Num, y: &Num, func: &str, adr: usize) -> Result<Num, Stop> {
        let err = |m: &str| Stop::Error(format!("Runtime error (func={}, adr={}): {}", func, adr, m));
        let truth = |c: bool| Num::from_u64(c as u64);
        Ok(match b {
            Bin::Add => add(x, y),
            Bin::Sub => sub(x, y),
            Bin::Mul => mul(x, y, self.scale),
            Bin::Div => div(x, y, self.scale).ok_or_else(|| err("Divide by zero"))?,
            Bin::Mod => modulo(x, y, self.scale).ok_or_else(|| err("Modulo by zero"))?,
            Bin::Pow => self.power(x, y, func, adr)?,
            Bin::Eq => truth(x.cmp(y) == Ordering::Equal),
            Bin::Ne => truth(x.cmp(y) != Ordering::Equal),
            Bin::Lt => truth(x.cmp(y) == Ordering::Less),
            Bin::Le => truth(x.cmp(y) != Ordering::Greater),
            Bin::Gt => truth(x.cmp(y) == Ordering::Greater),
            Bin::Ge => truth(x.cmp(y) != Ordering::Less),
        })
    }

    /// x^y for an integer y: the exact power, cut to
    /// min(scale(x)*y, max(scale, scale(x))); a negative y divides 1 by
    /// it at `scale`.
    fn power(&mut self, x: &Num, y: &Num, func: &str, adr: usize) -> Result<Num, Stop> {
        if y.scale > 0 && y.mag.len() > 0 && y.rescale(0).cmp(y) != Ordering::Equal {
            self.warn(func, adr, "non-zero scale in exponent");
        }
        let e = match y.to_i64() {
            Some(e) if e.abs() <= i32::MAX as i64 => e,
            _ => return Err(Stop::Error(format!("Runtime error (func={}, adr={}): exponent too large in raise", func, adr))),
        };
        if e == 0 {
            return Ok(Num::from_u64(1));
        }
        let n = e.unsigned_abs();
        let mut result = Num::from_u64(1);
        let mut base = x.clone();
        let mut k = n;
        while k > 0 {
            if k & 1 == 1 {
                result = mul(&result, &base, usize::MAX / 4);
            }
            k >>= 1;
            if k > 0 {
                base = mul(&base, &base, usize::MAX / 4);
            }
        }
        if e < 0 {
            return div(&Num::from_u64(1), &result, self.scale)
                .ok_or_else(|| Stop::Error(format!("Runtime error (func={}, adr={}): divide by zero", func, adr)));
        }
        let rs = (x.scale.saturating_mul(n as usize)).min(self.scale.max(x.scale));
        Ok(result.rescale(rs.min(result.scale)))
    }

    /// A numeric literal in the current input base: a lone digit keeps
    /// its value (outside base ten, a lone digit before the point too);
    /// elsewhere digits past the base count as base-1.
    fn constant(&self, t: &str) -> Num {
        let base = self.ibase;
        let dv = |c: u8| -> u64 {
            match c {
                b'0'..=b'9' => (c - b'0') as u64,
                _ => (c - b'A') as u64 + 10,
            }
        };
        // GNU's scanner drops leading zeros (a zero keeps one).
        let mut b = t.as_bytes();
        while b.len() > 1 && b[0] == b'0' {
            b = &b[1..];
        }
        if b.len() == 1 {
            return Num::from_u64(dv(b[0]));
        }
        let (int, frac) = match b.iter().position(|&c| c == b'.') {
            Some(p) => (&b[..p], &b[p + 1..]),
            None => (b, &b[..0]),
        };
        let bn = Num::from_u64(base);
        let mut v = Num::default();
        // Outside base ten, a lone digit before the point keeps its
        // value too ("F.8" is 15.6 in base 12).
        let keep = base != 10 && int.len() == 1;
        for &c in int {
            let d = if keep { dv(c) } else { dv(c).min(base - 1) };
            v = add(&mul(&v, &bn, 0), &Num::from_u64(d));
        }
        if frac.is_empty() {
            return v;
        }
        if base == 10 {
            let mut mag: Vec<u8> = frac.iter().rev().map(|&c| dv(c).min(9) as u8).collect();
            mag.extend(v.mag.iter());
            return Num { neg: false, mag, scale: frac.len() }.norm();
        }
        let mut f = Num::default();
        let mut m = Num::from_u64(1);
        for &c in frac {
            f = add(&mul(&f, &bn, 0), &Num::from_u64(dv(c).min(base - 1)));
            m = mul(&m, &bn, 0);
        }
        let f = div(&f, &m, frac.len()).unwrap_or_default();
        add(&v, &f)
    }

    /// GNU's `bc_out_num`: digits in obase; above base 16 each digit is a
    /// zero-padded decimal number after a space.
    fn print_num(&mut self, n: &Num) {
        if n.is_zero() {
            self.put(b'0');
            return;
        }
        if n.neg {
            self.put(b'-');
        }
        let intd = n.int_digits();
        if self.obase == 10 {
            let digits: Vec<u8> = n.mag.iter().rev().map(|d| b'0' + d).collect();
            let (i, f) = digits.split_at(intd);
            let mut s = i.to_vec();
            let mut fr = vec![b'0'; n.scale.saturating_sub(f.len())];
            fr.extend_from_slice(f);
            if n.scale > 0 {
                s.push(b'.');
                s.extend_from_slice(&fr);
            }
            self.put_str(&s);
            return;
        }
        let base = self.obase;
        let width = (base - 1).to_string().len();
        let bmag = Num::from_u64(base).mag;
        let int = Num { neg: false, mag: n.mag.get(n.scale..).map(|m| m.to_vec()).unwrap_or_default(), scale: 0 }.norm();
        let mut digits = Vec::new();
        let mut m = int.mag;
        while !m.is_empty() {
            let (q, r) = mag_divmod(&m, &bmag);
            digits.push(Num { neg: false, mag: r, scale: 0 }.to_i64().unwrap_or(0) as u64);
            m = q;
        }
        let mut s = Vec::new();
        for &d in digits.iter().rev() {
            push_digit(&mut s, d, base, width, true);
        }
        if n.scale > 0 {
            s.push(b'.');
            let mut frac = Num { neg: false, mag: n.mag[..n.scale.min(n.mag.len())].to_vec(), scale: n.scale }.norm();
            let bn = Num::from_u64(base);
            let mut t = Num::from_u64(1);
            let mut first = true;
            while t.mag.len() <= n.scale {
                frac = mul(&frac, &bn, n.scale);
                let d = frac.to_i64().unwrap_or(0);
                frac = sub(&frac, &Num::from_u64(d as u64)).rescale(n.scale);
                push_digit(&mut s, d as u64, base, width, !first);
                first = false;
                t = mul(&t, &bn, 0);
            }
        }
        self.put_str(&s);
    }
}

fn message(s: &Stop) -> &str {
    match s {
        Stop::Error(m) => m,
        Stop::Halt => "",
    }
}

fn push_digit(s: &mut Vec<u8>, d: u64, base: u64, width: usize, space: bool) {
    if base <= 16 {
        s.push(b"0123456789ABCDEF"[d as usize]);
    } else {
        if space {
            s.push(b' ');
        }
        s.extend_from_slice(format!("{:0w$}", d, w = width).as_bytes());
    }
}

/// After a syntax error: drop the rest of the line, newline included.
fn skip_line(p: &mut Parser) {
    while p.tok != Tok::Newline && p.tok != Tok::Eof {
        p.advance();
    }
    if p.tok == Tok::Newline {
        p.advance();
    }
    p.illegal.clear();
}
