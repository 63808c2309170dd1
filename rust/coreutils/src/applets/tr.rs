//! `tr`: translate, squeeze and delete bytes (GNU 9.1: -c -C -d -s -t).
//!
//! GNU 9.1's tr works on bytes, and so does this one: a multibyte
//! character in a set is several members. The arrays are GNU's: escapes
//! (`\n`, `\NNN`, ...), ranges `a-z`, classes `[:alpha:]` (ASCII members
//! in C.UTF-8), `[=c=]`, and in ARRAY2 `[c*n]` and `[c*]`; ARRAY2 is
//! padded with its last character when shorter, unless `-t`. Options stop
//! at the first operand (GNU's `+` getopt mode), so `tr a -d` translates.

use std::io::{Read, Write};
use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::io::{stdin, RawFd};
use wsutil::{quote_locale, report, show_error, Error, Result, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("tr", main)];

const SPEC: Spec = Spec {
    short: "AcCdst",
    long: &[
        ("complement", HasArg::No, 'c'),
        ("delete", HasArg::No, 'd'),
        ("squeeze-repeats", HasArg::No, 's'),
        ("truncate-set1", HasArg::No, 't'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: true,
};

const USAGE: &str = "Usage: tr [OPTION]... STRING1 [STRING2]
Translate, squeeze, and/or delete characters from standard input,
writing to standard output.  STRING1 and STRING2 specify arrays of
characters ARRAY1 and ARRAY2 that control the action.

  -c, -C, --complement    use the complement of ARRAY1
  -d, --delete            delete characters in ARRAY1, do not translate
  -s, --squeeze-repeats   replace each sequence of a repeated character
                            that is listed in the last specified ARRAY,
                            with a single occurrence of that character
  -t, --truncate-set1     first truncate ARRAY1 to length of ARRAY2
      --help        display this help and exit
      --version     output version information and exit

ARRAYs hold characters, \\NNN \\\\ \\a \\b \\f \\n \\r \\t \\v escapes,
CHAR1-CHAR2 ranges, [CHAR*] and [CHAR*REPEAT] (in ARRAY2), [=CHAR=] and
the classes [:alnum:] [:alpha:] [:blank:] [:cntrl:] [:digit:] [:graph:]
[:lower:] [:print:] [:punct:] [:space:] [:upper:] [:xdigit:].
";

/// The largest repeat count and set length GNU accepts (PTRDIFF_MAX).
const COUNT_MAX: u64 = i64::MAX as u64;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Class {
    Alnum,
    Alpha,
    Blank,
    Cntrl,
    Digit,
    Graph,
    Lower,
    Print,
    Punct,
    Space,
    Upper,
    Xdigit,
}

const CLASS_NAMES: &[(&str, Class)] = &[
    ("alnum", Class::Alnum),
    ("alpha", Class::Alpha),
    ("blank", Class::Blank),
    ("cntrl", Class::Cntrl),
    ("digit", Class::Digit),
    ("graph", Class::Graph),
    ("lower", Class::Lower),
    ("print", Class::Print),
    ("punct", Class::Punct),
    ("space", Class::Space),
    ("upper", Class::Upper),
    ("xdigit", Class::Xdigit),
];

impl Class {
    /// Membership of a byte in the C.UTF-8 locale (ASCII only).
    fn has(self, c: u8) -> bool {
        match self {
            Class::Alnum => c.is_ascii_alphanumeric(),
            Class::Alpha => c.is_ascii_alphabetic(),
            Class::Blank => c == b' ' || c == b'\t',
            Class::Cntrl => c < 32 || c == 127,
            Class::Digit => c.is_ascii_digit(),
            Class::Graph => c.is_ascii_graphic(),
            Class::Lower => c.is_ascii_lowercase(),
            Class::Print => (32..127).contains(&c),
            Class::Punct => c.is_ascii_punctuation(),
            Class::Space => c == b' ' || (9..=13).contains(&c),
            Class::Upper => c.is_ascii_uppercase(),
            Class::Xdigit => c.is_ascii_hexdigit(),
        }
    }

    fn size(self) -> u64 {
        (0..=255u8).filter(|&c| self.has(c)).count() as u64
    }
}

#[derive(Clone, Copy, Debug)]
enum Elem {
    Char(u8),
    Range(u8, u8),
    Class(Class),
    Equiv(u8),
    /// `[c*n]`; a count of 0 is `[c*]`, as long as needed.
    Repeat(u8, u64),
}

/// Upper/lower class of the element a character came from.
#[derive(Clone, Copy, PartialEq)]
enum Case {
    None,
    Upper,
    Lower,
}

struct SpecList {
    elems: Vec<Elem>,
    length: u64,
    indefinite: Vec<usize>,
    has_equiv: bool,
    has_restricted_class: bool,
    has_class: bool,
}

/// GNU's `get_next` walk over a list's expansion.
struct Walker<'a> {
    elems: &'a [Elem],
    at: usize,
    /// Position inside the current element; None at its start.
    state: Option<u64>,
}

impl<'a> Walker<'a> {
    fn new(list: &'a SpecList) -> Self {
        Walker { elems: &list.elems, at: 0, state: None }
    }

    fn skip(&mut self) {
        self.at += 1;
        self.state = None;
    }

    fn at_new_element(&self) -> bool {
        self.state.is_none()
    }

    fn next(&mut self) -> Option<(u8, Case)> {
        let elem = *self.elems.get(self.at)?;
        match elem {
            Elem::Char(c) | Elem::Equiv(c) => {
                self.skip();
                Some((c, Case::None))
            }
            Elem::Range(lo, hi) => {
                let c = match self.state {
                    None => lo as u64,
                    Some(s) => s + 1,
                };
                self.state = Some(c);
                if c == hi as u64 {
                    self.skip();
                }
                Some((c as u8, Case::None))
            }
            Elem::Class(class) => {
                let case = match class {
                    Class::Upper => Case::Upper,
                    Class::Lower => Case::Lower,
                    _ => Case::None,
                };
                let start = match self.state {
                    None => 0,
                    Some(s) => s + 1,
                };
                let c = (start..256).find(|&i| class.has(i as u8))?;
                match (c + 1..256).find(|&i| class.has(i as u8)) {
                    Some(_) => self.state = Some(c),
                    None => self.skip(),
                }
                Some((c as u8, case))
            }
            Elem::Repeat(c, n) => {
                if n == 0 {
                    self.skip();
                    return self.next();
                }
                let done = self.state.map_or(0, |s| s) + 1;
                self.state = Some(done);
                if done == n {
                    self.skip();
                }
                Some((c, Case::None))
            }
        }
    }
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

/// First pass: escapes to bytes, remembering which bytes were escaped.
fn unquote(s: &str) -> (Vec<u8>, Vec<bool>) {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut escaped = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            escaped.push(false);
            i += 1;
            continue;
        }
        let (c, esc) = match b.get(i + 1) {
            None => {
                show_error("warning: an unescaped backslash at end of string is not portable");
                i += 1;
                out.push(b'\\');
                escaped.push(false);
                continue;
            }
            Some(b'\\') => (b'\\', true),
            Some(b'a') => (7, true),
            Some(b'b') => (8, true),
            Some(b'f') => (12, true),
            Some(b'n') => (b'\n', true),
            Some(b'r') => (b'\r', true),
            Some(b't') => (b'\t', true),
            Some(b'v') => (11, true),
            Some(&d @ b'0'..=b'7') => {
                let mut v = (d - b'0') as u32;
                let oct = |x: Option<&u8>| x.filter(|c| (b'0'..=b'7').contains(c)).map(|c| (c - b'0') as u32);
                if let Some(d2) = oct(b.get(i + 2)) {
                    v = v * 8 + d2;
                    i += 1;
                    if let Some(d3) = oct(b.get(i + 2)) {
                        if v * 8 + d3 < 256 {
                            v = v * 8 + d3;
                            i += 1;
                        } else {
                            let (x, y, z) = (b[i] as char, b[i + 1] as char, b[i + 2] as char);
                            show_error(&format!(
                                "warning: the ambiguous octal escape \\{}{}{} is being\n\tinterpreted as the 2-byte sequence \\0{}{}, {}",
                                x, y, z, x, y, z
                            ));
                        }
                    }
                }
                (v as u8, true)
            }
            Some(&other) => (other, true),
        };
        out.push(c);
        escaped.push(esc);
        i += 2;
    }
    (out, escaped)
}

/// C's `isprint` spelling for messages: printable or `\ooo`.
fn printable(bytes: &[u8]) -> String {
    let mut s = String::new();
    for &c in bytes {
        match c {
            b'\\' => s.push('\\'),
            7 => s.push_str("\\a"),
            8 => s.push_str("\\b"),
            12 => s.push_str("\\f"),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            b'\t' => s.push_str("\\t"),
            11 => s.push_str("\\v"),
            32..=126 => s.push(c as char),
            _ => s.push_str(&format!("\\{:03o}", c)),
        }
    }
    s
}

fn printable_char(c: u8) -> String {
    if (32..127).contains(&c) {
        (c as char).to_string()
    } else {
        format!("\\{:03o}", c)
    }
}

/// Second pass: the constructs of one array.
fn build(s: &[u8], esc: &[bool]) -> Result<Vec<Elem>> {
    let is = |i: usize, c: u8| i < s.len() && s[i] == c && !esc[i];
    let mut elems = Vec::new();
    let mut i = 0;
    while i + 2 < s.len() {
        if is(i, b'[') {
            if is(i + 1, b':') || is(i + 1, b'=') {
                let kind = s[i + 1];
                let close = (i + 2..s.len() - 1).find(|&j| s[j] == kind && s[j + 1] == b']' && !esc[j] && !esc[j + 1]);
                if let Some(close) = close {
                    let name = &s[i + 2..close];
                    if name.is_empty() {
                        return Err(Error::Fatal(if kind == b':' {
                            "missing character class name '[::]'".into()
                        } else {
                            "missing equivalence class character '[==]'".into()
                        }));
                    }
                    let found = if kind == b':' {
                        CLASS_NAMES.iter().find(|(n, _)| n.as_bytes() == name).map(|&(_, c)| Elem::Class(c))
                    } else if name.len() == 1 {
                        Some(Elem::Equiv(name[0]))
                    } else {
                        None
                    };
                    match found {
                        Some(e) => {
                            elems.push(e);
                            i = close + 2;
                            continue;
                        }
                        None if star_digits_close(s, esc, i + 2) => {}
                        None => {
                            return Err(Error::Fatal(if kind == b':' {
                                format!("invalid character class {}", quote_locale(&printable(name)))
                            } else {
                                format!("{}: equivalence class operand must be a single character", printable(name))
                            }));
                        }
                    }
                }
            }
            if let Some((elem, next)) = bracketed_repeat(s, esc, i + 1)? {
                elems.push(elem);
                i = next;
                continue;
            }
        }
        if is(i + 1, b'-') {
            let (lo, hi) = (s[i], s[i + 2]);
            if hi < lo {
                return Err(Error::Fatal(format!(
                    "range-endpoints of '{}-{}' are in reverse collating sequence order",
                    printable_char(lo),
                    printable_char(hi)
                )));
            }
            elems.push(Elem::Range(lo, hi));
            i += 3;
        } else {
            elems.push(Elem::Char(s[i]));
            i += 1;
        }
    }
    elems.extend(s[i..].iter().map(|&c| Elem::Char(c)));
    Ok(elems)
}

/// Whether `s[idx..]` is `*` digits `]`, unescaped.
fn star_digits_close(s: &[u8], esc: &[bool], idx: usize) -> bool {
    if idx >= s.len() || s[idx] != b'*' || esc[idx] {
        return false;
    }
    for i in idx + 1..s.len() {
        if !s[i].is_ascii_digit() || esc[i] {
            return s[i] == b']' && !esc[i];
        }
    }
    false
}

/// `[c*n]` or `[c*]` starting at the `c` at `start`: the element and the
/// index after `]`, None if it is not one.
fn bracketed_repeat(s: &[u8], esc: &[bool], start: usize) -> Result<Option<(Elem, usize)>> {
    if start + 1 >= s.len() || s[start + 1] != b'*' || esc[start + 1] {
        return Ok(None);
    }
    let mut i = start + 2;
    while i < s.len() && !esc[i] {
        if s[i] == b']' {
            let digits = &s[start + 2..i];
            let count = if digits.is_empty() {
                0
            } else {
                let radix = if digits[0] == b'0' { 8 } else { 10 };
                let parsed = std::str::from_utf8(digits)
                    .ok()
                    .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|d| u64::from_str_radix(d, radix).ok())
                    .filter(|&v| v <= COUNT_MAX);
                match parsed {
                    Some(v) => v,
                    None => {
                        return Err(Error::Fatal(format!(
                            "invalid repeat count {} in [c*n] construct",
                            quote_locale(&printable(digits))
                        )))
                    }
                }
            };
            return Ok(Some((Elem::Repeat(s[start], count), i + 1)));
        }
        i += 1;
    }
    Ok(None)
}

fn parse_array(arg: &str) -> Result<SpecList> {
    let (s, esc) = unquote(arg);
    let elems = build(&s, &esc)?;
    let mut list = SpecList {
        elems,
        length: 0,
        indefinite: Vec::new(),
        has_equiv: false,
        has_restricted_class: false,
        has_class: false,
    };
    let mut length: u64 = 0;
    for (i, e) in list.elems.iter().enumerate() {
        let len = match *e {
            Elem::Char(_) => 1,
            Elem::Range(lo, hi) => (hi - lo) as u64 + 1,
            Elem::Class(c) => {
                list.has_class = true;
                if c != Class::Upper && c != Class::Lower {
                    list.has_restricted_class = true;
                }
                c.size()
            }
            Elem::Equiv(_) => {
                list.has_equiv = true;
                1
            }
            Elem::Repeat(_, 0) => {
                list.indefinite.push(i);
                0
            }
            Elem::Repeat(_, n) => n,
        };
        length = match length.checked_add(len) {
            Some(l) if l <= COUNT_MAX => l,
            _ => return Err(Error::Fatal("too many characters in set".into())),
        };
    }
    list.length = length;
    Ok(list)
}

fn membership(list: &SpecList, complement: bool) -> [bool; 256] {
    let mut set = [false; 256];
    let mut w = Walker::new(list);
    while let Some((c, _)) = w.next() {
        set[c as usize] = true;
    }
    if complement {
        for m in set.iter_mut() {
            *m = !*m;
        }
    }
    set
}

struct Opts {
    complement: bool,
    delete: bool,
    squeeze: bool,
    truncate: bool,
}

fn run(argv: &[String]) -> Result<i32> {
    let mut o = Opts { complement: false, delete: false, squeeze: false, truncate: false };
    let mut operands = Vec::new();
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt('A', _) => {}
            Item::Opt('c' | 'C', _) => o.complement = true,
            Item::Opt('d', _) => o.delete = true,
            Item::Opt('s', _) => o.squeeze = true,
            Item::Opt('t', _) => o.truncate = true,
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("tr (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => operands.push(f),
        }
    }
    let n = operands.len();
    let translating = n == 2 && !o.delete;
    let min = 1 + (o.delete == o.squeeze) as usize;
    let max = 1 + (o.delete <= o.squeeze) as usize;
    if n < min {
        if n == 0 {
            return Err(UsageError::new("missing operand").into());
        }
        let why = if o.squeeze {
            "Two strings must be given when both deleting and squeezing repeats."
        } else {
            "Two strings must be given when translating."
        };
        let last = argv.last().map(String::as_str).unwrap_or("");
        return Err(UsageError::new(format!("missing operand after {}\n{}", quote_locale(last), why)).into());
    }
    if n > max {
        let mut msg = format!("extra operand {}", quote_locale(&operands[max]));
        if n == 2 {
            msg.push_str("\nOnly one string may be given when deleting without squeezing repeats.");
        }
        return Err(UsageError::new(msg).into());
    }
    let mut s1 = parse_array(&operands[0])?;
    let mut s2 = match operands.get(1) {
        Some(a) => Some(parse_array(a)?),
        None => None,
    };
    validate(&mut s1, s2.as_mut(), translating, &o)?;
    filter(&s1, s2.as_ref(), translating, &o)?;
    Ok(0)
}

fn fatal(msg: &str) -> Error {
    Error::Fatal(msg.to_string())
}

/// GNU's `validate`: the checks on the arrays, and ARRAY2's `[c*]` and
/// padding resolved to explicit counts.
fn validate(s1: &mut SpecList, s2: Option<&mut SpecList>, translating: bool, o: &Opts) -> Result<()> {
    if o.complement {
        s1.length = membership(s1, true).iter().filter(|&&m| m).count() as u64;
    }
    if !s1.indefinite.is_empty() {
        return Err(fatal("the [c*] repeat construct may not appear in string1"));
    }
    let s2 = match s2 {
        Some(s2) => s2,
        None => return Ok(()),
    };
    if s1.length >= s2.length && s2.indefinite.len() == 1 {
        let idx = s2.indefinite[0];
        if let Elem::Repeat(c, _) = s2.elems[idx] {
            s2.elems[idx] = Elem::Repeat(c, s1.length - s2.length);
        }
        s2.length = s1.length;
    }
    if s2.indefinite.len() > 1 {
        return Err(fatal("only one [c*] repeat construct may appear in string2"));
    }
    if !translating {
        if !s2.indefinite.is_empty() {
            return Err(fatal("the [c*] construct may appear in string2 only when translating"));
        }
        return Ok(());
    }
    if s2.has_equiv {
        return Err(fatal("[=c=] expressions may not appear in string2 when translating"));
    }
    if s2.has_restricted_class {
        return Err(fatal(
            "when translating, the only character classes that may appear in\nstring2 are 'upper' and 'lower'",
        ));
    }
    validate_case_classes(s1, s2, o)?;
    if s1.length > s2.length && !o.truncate {
        if s2.length == 0 {
            return Err(fatal("when not truncating set1, string2 must be non-empty"));
        }
        let pad = match s2.elems.last() {
            Some(Elem::Char(c)) | Some(Elem::Repeat(c, _)) => *c,
            Some(Elem::Range(_, hi)) => *hi,
            Some(Elem::Class(_)) => {
                return Err(fatal(
                    "when translating with string1 longer than string2,\nthe latter string must not end with a character class",
                ))
            }
            _ => 0,
        };
        s2.elems.push(Elem::Repeat(pad, s1.length - s2.length));
        s2.length = s1.length;
    }
    if o.complement && s1.has_class && !(s2.length == s1.length && homogeneous(s2)) {
        return Err(fatal(
            "when translating with complemented character classes,\nstring2 must map all characters in the domain to one",
        ));
    }
    Ok(())
}

/// Case classes in ARRAY2 must start where ARRAY1's do; their lengths
/// then count as one each.
fn validate_case_classes(s1: &mut SpecList, s2: &mut SpecList, o: &Opts) -> Result<()> {
    if o.complement || !s2.has_class {
        return Ok(());
    }
    let n_upper = Class::Upper.size();
    let n_lower = Class::Lower.size();
    let (mut len1, mut len2) = (s1.length, s2.length);
    {
        let mut w1 = Walker::new(s1);
        let mut w2 = Walker::new(s2);
        let (mut new1, mut new2) = (true, true);
        loop {
            let a = w1.next();
            let b = w2.next();
            let c1 = a.map_or(Case::None, |x| x.1);
            let c2 = b.map_or(Case::None, |x| x.1);
            if new2 && c2 != Case::None && !(new1 && c1 != Case::None) {
                return Err(fatal("misaligned [:upper:] and/or [:lower:] construct"));
            }
            if c2 != Case::None {
                w1.skip();
                w2.skip();
                len1 = len1.saturating_sub((if c1 == Case::Upper { n_upper } else { n_lower }) - 1);
                len2 = len2.saturating_sub((if c2 == Case::Upper { n_upper } else { n_lower }) - 1);
            }
            new1 = w1.at_new_element();
            new2 = w2.at_new_element();
            if a.is_none() || b.is_none() {
                break;
            }
        }
    }
    s1.length = len1;
    s2.length = len2;
    Ok(())
}

fn homogeneous(s: &SpecList) -> bool {
    let mut w = Walker::new(s);
    let first = match w.next() {
        Some((c, _)) => c,
        None => return false,
    };
    while let Some((c, _)) = w.next() {
        if c != first {
            return false;
        }
    }
    true
}

fn translation(s1: &SpecList, s2: &SpecList, o: &Opts) -> [u8; 256] {
    let mut xlate = [0u8; 256];
    for (i, x) in xlate.iter_mut().enumerate() {
        *x = i as u8;
    }
    if o.complement {
        let in_s1 = membership(s1, false);
        let mut w2 = Walker::new(s2);
        for i in 0..256 {
            if !in_s1[i] {
                match w2.next() {
                    Some((c, _)) => xlate[i] = c,
                    None => break,
                }
            }
        }
        return xlate;
    }
    let mut w1 = Walker::new(s1);
    let mut w2 = Walker::new(s2);
    loop {
        let a = w1.next();
        let b = w2.next();
        let c1 = a.map_or(Case::None, |x| x.1);
        let c2 = b.map_or(Case::None, |x| x.1);
        if c1 == Case::Lower && c2 == Case::Upper {
            for c in b'a'..=b'z' {
                xlate[c as usize] = c.to_ascii_uppercase();
            }
        } else if c1 == Case::Upper && c2 == Case::Lower {
            for c in b'A'..=b'Z' {
                xlate[c as usize] = c.to_ascii_lowercase();
            }
        } else {
            match (a, b) {
                (Some((x, _)), Some((y, _))) => xlate[x as usize] = y,
                _ => break,
            }
        }
        if c2 != Case::None {
            w1.skip();
            w2.skip();
        }
    }
    xlate
}

/// Streams standard input through the deletion, translation and
/// squeezing the options ask for.
fn filter(s1: &SpecList, s2: Option<&SpecList>, translating: bool, o: &Opts) -> Result<()> {
    let mut delete = [false; 256];
    let mut squeeze = [false; 256];
    let mut xlate = [0u8; 256];
    for (i, x) in xlate.iter_mut().enumerate() {
        *x = i as u8;
    }
    if o.delete {
        delete = membership(s1, o.complement);
        if let Some(s2) = s2 {
            squeeze = membership(s2, false);
        }
    } else if translating {
        let s2 = s2.expect("two arrays when translating");
        xlate = translation(s1, s2, o);
        if o.squeeze {
            squeeze = membership(s2, false);
        }
    } else if o.squeeze {
        squeeze = membership(s1, o.complement);
    }
    let mut input = stdin();
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, RawFd::new(1));
    let mut buf = vec![0u8; 64 * 1024];
    let mut kept = Vec::with_capacity(buf.len());
    let mut last: Option<u8> = None;
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                out.flush()?;
                return Err(Error::Fatal(format!("read error: {}", wsutil::strerror(&e))));
            }
        };
        kept.clear();
        for &c in &buf[..n] {
            if delete[c as usize] {
                continue;
            }
            let t = xlate[c as usize];
            if squeeze[t as usize] && last == Some(t) {
                continue;
            }
            last = Some(t);
            kept.push(t);
        }
        out.write_all(&kept)?;
        // Pipes stream: what was read is written before the next read.
        out.flush()?;
    }
    out.flush()?;
    Ok(())
}
