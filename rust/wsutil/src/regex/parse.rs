//! Pattern text to [`Node`]s, following glibc's parser for GNU's BRE and
//! ERE (the syntaxes GNU grep uses): which characters are operators where,
//! what is literal at the start of an expression, when an interval is
//! malformed and what each error is called.

use super::ast::{CharSet, Look, Node};
use super::ctype::{self, Class, Unit};
use super::{Dialect, Error, ErrorKind, Flags};

/// glibc's RE_DUP_MAX: the largest count in an interval.
pub const DUP_MAX: u32 = 32767;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tok {
    End,
    Lit(Unit),
    Any,
    Bracket,
    /// `*`, `+`, `?` (or `\+`, `\?` in BRE), with their own character for
    /// the places where they are literal.
    Dup(u8),
    /// `{` in ERE, `\{` in BRE.
    OpenBrace,
    /// `}` in ERE, `\}` in BRE: literal outside an interval.
    CloseBrace,
    Open,
    Close,
    Alt,
    Look(Look),
    Backref(usize),
    /// `\w`, `\W`, `\s`, `\S`.
    Escape(u8),
    TrailingBackslash,
}

pub struct Parser<'a> {
    pat: &'a [u8],
    pos: usize,
    ere: bool,
    /// awk's ERE: C escapes (also in brackets), `\y` for `\b`, no
    /// back-references, an operator at the start is literal.
    awk: bool,
    flags: Flags,
    tok: Tok,
    /// Where the current token started (to roll back a malformed interval).
    tok_start: usize,
    groups: usize,
    /// Groups whose `)` has been seen: only those can be referenced.
    completed: u64,
    /// Only zero-width tokens since the start of the branch (GNU dfa's
    /// `laststart`): a repetition operator here has nothing to repeat.
    laststart: bool,
    pub warnings: Vec<String>,
}

/// The result of parsing one pattern.
pub struct Parsed {
    pub node: Node,
    pub groups: usize,
    pub warnings: Vec<String>,
}

pub fn parse(pat: &[u8], dialect: Dialect, flags: Flags) -> Result<Parsed, Error> {
    if dialect == Dialect::Fixed {
        return Ok(Parsed { node: fixed(pat, flags), groups: 0, warnings: Vec::new() });
    }
    let mut p = Parser {
        pat,
        pos: 0,
        ere: dialect != Dialect::Basic,
        awk: dialect == Dialect::Awk,
        flags,
        tok: Tok::End,
        tok_start: 0,
        groups: 0,
        completed: 0,
        laststart: true,
        warnings: Vec::new(),
    };
    p.fetch(true);
    let node = p.regexp(0)?;
    if p.tok != Tok::End {
        // Only a `)` can stop the top level early.
        return Err(Error::new(ErrorKind::RParen));
    }
    Ok(Parsed { node, groups: p.groups, warnings: p.warnings })
}

/// A fixed string as a sequence of literals.
fn fixed(pat: &[u8], flags: Flags) -> Node {
    let p = Parser {
        pat,
        pos: 0,
        ere: false,
        awk: false,
        flags,
        tok: Tok::End,
        tok_start: 0,
        groups: 0,
        completed: 0,
        laststart: true,
        warnings: Vec::new(),
    };
    let mut items = Vec::new();
    let mut pos = 0;
    while pos < pat.len() {
        let (u, len) = ctype::decode(pat, pos);
        items.push(p.literal(u));
        pos += len;
    }
    match items.len() {
        0 => Node::Empty,
        1 => items.pop().unwrap(),
        _ => Node::Concat(items),
    }
}

impl<'a> Parser<'a> {
    fn peek_byte(&self, off: usize) -> Option<u8> {
        self.pat.get(self.pos + off).copied()
    }

    /// Reads the next token into `self.tok`. `caret_here`: a BRE `^` is an
    /// anchor here (start of pattern, after `\(` or `\|`).
    fn fetch(&mut self, caret_here: bool) {
        self.tok_start = self.pos;
        self.tok = self.lex(caret_here);
    }

    fn lex(&mut self, caret_here: bool) -> Tok {
        let c = match self.peek_byte(0) {
            None => return Tok::End,
            Some(c) => c,
        };
        if c == b'\\' {
            let c2 = match self.peek_byte(1) {
                None => {
                    self.pos += 1;
                    return Tok::TrailingBackslash;
                }
                Some(c2) => c2,
            };
            self.pos += 1;
            if c2 >= 0x80 {
                let (u, len) = ctype::decode(self.pat, self.pos);
                self.pos += len;
                return Tok::Lit(u);
            }
            if self.awk {
                if let Some(u) = self.awk_escape() {
                    return Tok::Lit(u);
                }
                if c2 == b'y' {
                    self.pos += 1;
                    return Tok::Look(Look::WordBoundary);
                }
            }
            self.pos += 1;
            return match c2 {
                b'1'..=b'9' if self.awk => Tok::Lit(Unit::Char(c2 as u32)),
                b'|' if !self.ere => Tok::Alt,
                b'1'..=b'9' => Tok::Backref((c2 - b'0') as usize),
                b'<' => Tok::Look(Look::WordStart),
                b'>' => Tok::Look(Look::WordEnd),
                b'b' => Tok::Look(Look::WordBoundary),
                b'B' => Tok::Look(Look::NotWordBoundary),
                b'`' => Tok::Look(Look::BufStart),
                b'\'' => Tok::Look(Look::BufEnd),
                b'w' | b'W' | b's' | b'S' => Tok::Escape(c2),
                b'(' if !self.ere => Tok::Open,
                b')' if !self.ere => Tok::Close,
                b'+' | b'?' if !self.ere => Tok::Dup(c2),
                b'{' if !self.ere => Tok::OpenBrace,
                b'}' if !self.ere => Tok::CloseBrace,
                _ => Tok::Lit(Unit::Char(c2 as u32)),
            };
        }
        if c >= 0x80 {
            let (u, len) = ctype::decode(self.pat, self.pos);
            self.pos += len;
            return Tok::Lit(u);
        }
        self.pos += 1;
        match c {
            b'*' => Tok::Dup(b'*'),
            b'+' | b'?' if self.ere => Tok::Dup(c),
            b'{' if self.ere => Tok::OpenBrace,
            b'}' if self.ere => Tok::CloseBrace,
            b'(' if self.ere => Tok::Open,
            b')' if self.ere => Tok::Close,
            b'|' if self.ere => Tok::Alt,
            b'[' => Tok::Bracket,
            b'.' => Tok::Any,
            b'^' if self.ere || caret_here || self.pos == 1 => Tok::Look(Look::LineStart),
            b'$' if self.ere || self.dollar_is_anchor() => Tok::Look(Look::LineEnd),
            _ => Tok::Lit(Unit::Char(c as u32)),
        }
    }

    /// At the character after a backslash: awk's escape sequences (`\n`,
    /// `\t`, `\b` for backspace, `\/`, `\"`, octal `\ddd`, hex `\xHH`),
    /// consumed; None for anything else.
    fn awk_escape(&mut self) -> Option<Unit> {
        let c = self.peek_byte(0)?;
        let simple = match c {
            b'n' => Some(b'\n'),
            b't' => Some(b'\t'),
            b'r' => Some(b'\r'),
            b'f' => Some(0x0c),
            b'v' => Some(0x0b),
            b'a' => Some(0x07),
            b'b' => Some(0x08),
            b'/' | b'"' | b'\\' => Some(c),
            _ => None,
        };
        if let Some(b) = simple {
            self.pos += 1;
            return Some(Unit::Char(b as u32));
        }
        let (radix, max, skip) = match c {
            b'0'..=b'7' => (8, 3, 0),
            b'x' if self.peek_byte(1).map_or(false, |d| d.is_ascii_hexdigit()) => (16, 2, 1),
            _ => return None,
        };
        self.pos += skip;
        let mut value: u32 = 0;
        let mut n = 0;
        while n < max {
            match self.peek_byte(0).and_then(|d| (d as char).to_digit(radix)) {
                Some(d) => {
                    value = value * radix + d;
                    self.pos += 1;
                    n += 1;
                }
                None => break,
            }
        }
        let byte = (value & 0xFF) as u8;
        Some(if byte < 0x80 { Unit::Char(byte as u32) } else { Unit::Byte(byte) })
    }

    /// A BRE `$` is an anchor at the end of the pattern or before `\)` or
    /// `\|`; anywhere else it is literal.
    fn dollar_is_anchor(&self) -> bool {
        match self.peek_byte(0) {
            None => true,
            Some(b'\\') => matches!(self.peek_byte(1), Some(b')') | Some(b'|')),
            Some(_) => false,
        }
    }

    /// branch ( `|` branch )*
    fn regexp(&mut self, nest: usize) -> Result<Node, Error> {
        // A back-reference may only name a group closed earlier in its own
        // alternative (or before the alternation), as in glibc.
        let initial = self.completed;
        let mut alts = vec![self.branch(nest)?];
        while self.tok == Tok::Alt {
            self.fetch(true);
            let accumulated = self.completed;
            self.completed = initial;
            alts.push(self.branch(nest)?);
            self.completed |= accumulated;
        }
        Ok(if alts.len() == 1 { alts.pop().unwrap() } else { Node::Alt(alts) })
    }

    fn branch(&mut self, nest: usize) -> Result<Node, Error> {
        self.laststart = true;
        let mut items = Vec::new();
        while self.tok != Tok::Alt && self.tok != Tok::End && !(nest > 0 && self.tok == Tok::Close) {
            items.push(self.expression(nest)?);
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.pop().unwrap(),
            _ => Node::Concat(items),
        })
    }

    fn literal(&self, u: Unit) -> Node {
        match u {
            Unit::Byte(b) => Node::Byte(b),
            Unit::Char(c) if self.flags.icase => {
                let mut others = Vec::new();
                ctype::fold_counterparts(c, &mut others);
                if others.is_empty() {
                    Node::Char(c)
                } else {
                    let mut ranges: Vec<(u32, u32)> = others.iter().map(|&x| (x, x)).collect();
                    ranges.push((c, c));
                    ctype::normalize(&mut ranges);
                    Node::Set(Box::new(CharSet { ranges, ..CharSet::default() }))
                }
            }
            Unit::Char(c) => Node::Char(c),
        }
    }

    /// One atom and the repetition operators after it.
    fn expression(&mut self, nest: usize) -> Result<Node, Error> {
        let mut node = match self.tok {
            Tok::Lit(u) => self.literal(u),
            Tok::Any => Node::Any,
            Tok::Bracket => self.bracket()?,
            Tok::Escape(e) => escape_set(e, self.flags),
            Tok::Backref(n) => {
                if n > self.groups || self.completed & (1 << n) == 0 {
                    return Err(Error::new(ErrorKind::BackRef));
                }
                Node::Backref(n)
            }
            Tok::Open => {
                self.groups += 1;
                let index = self.groups;
                self.fetch(true);
                let inner = if self.tok == Tok::Close { Node::Empty } else { self.regexp(nest + 1)? };
                if self.tok != Tok::Close {
                    return Err(Error::new(ErrorKind::Paren));
                }
                if index < 64 {
                    self.completed |= 1 << index;
                }
                Node::Group(Box::new(inner), index)
            }
            Tok::Look(look) => {
                // Nothing repeats an anchor: an operator after one is read
                // as at the start of an expression (glibc's reading; GNU
                // grep's dfa, when it decides alone, may differ).
                self.fetch(false);
                return Ok(Node::Look(look));
            }
            Tok::Dup(_) | Tok::OpenBrace if self.ere && !self.awk => {
                let what = match self.tok {
                    Tok::Dup(c) => (c as char).to_string(),
                    _ => "{...}".to_string(),
                };
                // GNU's dfa warns only when nothing but zero-width tokens
                // precede in the branch.
                if self.laststart {
                    self.warnings.push(format!("{} at start of expression", what));
                }
                self.fetch(false);
                if matches!(self.tok, Tok::Alt | Tok::End) || (nest > 0 && self.tok == Tok::Close) {
                    return Ok(Node::Empty);
                }
                return self.expression(nest);
            }
            Tok::Dup(c) => self.literal(Unit::Char(c as u32)),
            Tok::OpenBrace => self.literal(Unit::Char(b'{' as u32)),
            Tok::CloseBrace => self.literal(Unit::Char(b'}' as u32)),
            Tok::Close if self.ere => self.literal(Unit::Char(b')' as u32)),
            Tok::Close => return Err(Error::new(ErrorKind::RParen)),
            Tok::TrailingBackslash => return Err(Error::new(ErrorKind::TrailingBackslash)),
            Tok::Alt | Tok::End => Node::Empty,
        };
        self.fetch(false);
        self.laststart = false;
        loop {
            match self.tok {
                Tok::Dup(c) => {
                    node = match c {
                        b'*' => Node::Repeat(Box::new(node), 0, None),
                        b'+' => Node::Repeat(Box::new(node), 1, None),
                        _ => Node::Repeat(Box::new(node), 0, Some(1)),
                    };
                    self.fetch(false);
                }
                Tok::OpenBrace => match self.interval()? {
                    Some((0, Some(0))) => {
                        node = Node::Empty;
                        self.fetch(false);
                    }
                    Some((min, max)) => {
                        node = Node::Repeat(Box::new(node), min, max);
                        self.fetch(false);
                    }
                    None => {
                        // A malformed ERE interval: its `{` is an ordinary
                        // character, which the branch reads next.
                        self.pos = self.tok_start + 1;
                        self.tok = Tok::Lit(Unit::Char(b'{' as u32));
                        return Ok(node);
                    }
                },
                _ => return Ok(node),
            }
        }
    }

    /// Reads one number of an interval: Ok(Some(n)) (capped past DUP_MAX),
    /// Ok(None) when there were no digits, Err(()) when something else was
    /// there. Returns also how it stopped: at `,`, at the closing brace, or
    /// at the end of the pattern.
    fn number(&mut self) -> (Result<Option<u32>, ()>, Stop) {
        let mut num: Result<Option<u32>, ()> = Ok(None);
        loop {
            let c = match self.peek_byte(0) {
                None => return (Err(()), Stop::End),
                Some(c) => c,
            };
            let close = if self.ere { c == b'}' } else { c == b'\\' && self.peek_byte(1) == Some(b'}') };
            if close {
                self.pos += if self.ere { 1 } else { 2 };
                return (num, Stop::Close);
            }
            if c == b',' {
                self.pos += 1;
                return (num, Stop::Comma);
            }
            let before = self.pos;
            self.lex(false);
            let digit = self.pos == before + 1 && c.is_ascii_digit();
            num = match num {
                Ok(n) if digit => Ok(Some((n.unwrap_or(0) * 10 + (c - b'0') as u32).min(DUP_MAX + 1))),
                _ => Err(()),
            };
        }
    }

    /// After `{`: the bounds, or None when an ERE interval is malformed
    /// (then the `{` is an ordinary character). Errors as glibc's.
    fn interval(&mut self) -> Result<Option<(u32, Option<u32>)>, Error> {
        let (first, stop) = self.number();
        let (min, max, last_stop) = match (first, stop) {
            (Ok(None), Stop::Close) => return Err(Error::new(ErrorKind::BadBrace)),
            (Ok(n), Stop::Comma) => {
                let (second, stop2) = self.number();
                (Ok(n.unwrap_or(0)), second, stop2)
            }
            (Ok(Some(n)), Stop::Close) => (Ok(n), Ok(Some(n)), Stop::Close),
            (_, s) => (Err(()), Err(()), s),
        };
        let (min, max) = match (min, max) {
            (Ok(a), Ok(b)) => (a, b),
            _ => {
                if self.ere {
                    return Ok(None);
                }
                return Err(Error::new(if last_stop == Stop::End {
                    ErrorKind::Brace
                } else {
                    ErrorKind::BadBrace
                }));
            }
        };
        if last_stop != Stop::Close || max.map_or(false, |m| min > m) {
            return Err(Error::new(ErrorKind::BadBrace));
        }
        if max.unwrap_or(min) > DUP_MAX {
            return Err(Error::new(ErrorKind::TooBig));
        }
        Ok(Some((min, max)))
    }

    /// After `[`: a bracket expression, as glibc reads it (`]` first is
    /// literal, `-` last is literal, classes, equivalence classes and
    /// collating symbols of one character).
    fn bracket(&mut self) -> Result<Node, Error> {
        let mut set = CharSet::default();
        if self.peek_byte(0).is_none() {
            return Err(Error::new(ErrorKind::BadPattern));
        }
        if self.peek_byte(0) == Some(b'^') {
            set.negated = true;
            self.pos += 1;
            if self.peek_byte(0).is_none() {
                return Err(Error::new(ErrorKind::BadPattern));
            }
        }
        let first_pos = self.pos;
        let mut first = true;
        loop {
            let start = self.element(first)?;
            first = false;
            let start = match start {
                Elem::Class(ranges) => {
                    set.ranges.extend(ranges);
                    self.bracket_next()?;
                    if self.eat(b']') {
                        break;
                    }
                    continue;
                }
                Elem::Equiv(u) => {
                    self.add_unit(&mut set, u);
                    self.bracket_next()?;
                    if self.eat(b']') {
                        break;
                    }
                    continue;
                }
                Elem::Unit(u) => u,
            };
            self.bracket_next()?;
            if self.peek_byte(0) == Some(b'-') && self.peek_byte(1) != Some(b']') {
                self.pos += 1;
                if self.peek_byte(0).is_none() {
                    return Err(Error::new(ErrorKind::Bracket));
                }
                let end = match self.element(true)? {
                    Elem::Unit(u) => u,
                    _ => return Err(Error::new(ErrorKind::Range)),
                };
                match (start, end) {
                    (Unit::Char(a), Unit::Char(b)) if a <= b => set.ranges.push((a, b)),
                    (Unit::Byte(a), Unit::Byte(b)) if a == b => set.bytes.push(a),
                    _ => return Err(Error::new(ErrorKind::Range)),
                }
            } else {
                self.add_unit(&mut set, start);
            }
            self.bracket_next()?;
            if self.eat(b']') {
                break;
            }
        }
        self.check_colon_syntax(&self.pat[first_pos..self.pos - 1])?;
        ctype::normalize(&mut set.ranges);
        if self.flags.icase {
            ctype::fold_close(&mut set.ranges);
        }
        set.no_newline = self.flags.newline;
        if !set.negated && set.bytes.is_empty() && set.ranges.len() == 1 && set.ranges[0].0 == set.ranges[0].1 {
            return Ok(Node::Char(set.ranges[0].0));
        }
        Ok(Node::Set(Box::new(set)))
    }

    fn add_unit(&self, set: &mut CharSet, u: Unit) {
        match u {
            Unit::Char(c) => set.ranges.push((c, c)),
            Unit::Byte(b) => set.bytes.push(b),
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek_byte(0) == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Inside a bracket, the pattern must go on.
    fn bracket_next(&self) -> Result<(), Error> {
        if self.peek_byte(0).is_none() {
            Err(Error::new(ErrorKind::Bracket))
        } else {
            Ok(())
        }
    }

    /// One element of a bracket: a character, `[:class:]`, `[=c=]`, `[.c.]`.
    fn element(&mut self, accept_hyphen: bool) -> Result<Elem, Error> {
        let c = self.peek_byte(0).unwrap_or(0);
        if c == b'[' {
            if let Some(delim @ (b':' | b'=' | b'.')) = self.peek_byte(1) {
                self.pos += 2;
                let name = self.bracket_name(delim)?;
                return match delim {
                    b':' => {
                        let mut class = Class::by_name(name).ok_or_else(|| Error::new(ErrorKind::CharClass))?;
                        if self.flags.icase && (class == Class::Upper || class == Class::Lower) {
                            class = Class::Alpha;
                        }
                        Ok(Elem::Class(class.ranges()))
                    }
                    _ => {
                        if name.len() != 1 {
                            return Err(Error::new(ErrorKind::Collate));
                        }
                        let u = if name[0] < 0x80 { Unit::Char(name[0] as u32) } else { Unit::Byte(name[0]) };
                        Ok(if delim == b'=' { Elem::Equiv(u) } else { Elem::Unit(u) })
                    }
                };
            }
        }
        if c == b'\\' && self.awk && self.peek_byte(1).is_some() {
            self.pos += 1;
            if let Some(u) = self.awk_escape() {
                return Ok(Elem::Unit(u));
            }
            let (u, len) = ctype::decode(self.pat, self.pos);
            self.pos += len;
            return Ok(Elem::Unit(u));
        }
        if c == b'-' && !accept_hyphen && self.peek_byte(1) != Some(b']') {
            return Err(Error::new(ErrorKind::Range));
        }
        let (u, len) = ctype::decode(self.pat, self.pos);
        self.pos += len;
        Ok(Elem::Unit(u))
    }

    /// The name in `[:name:]` and the like, up to `delim]`; at most 31
    /// bytes, as glibc's buffer.
    fn bracket_name(&mut self, delim: u8) -> Result<&'a [u8], Error> {
        let start = self.pos;
        loop {
            if self.pos - start >= 32 {
                return Err(Error::new(ErrorKind::Bracket));
            }
            let c = match self.peek_byte(0) {
                None => return Err(Error::new(ErrorKind::Bracket)),
                Some(c) => c,
            };
            self.pos += 1;
            if self.peek_byte(0).is_none() {
                return Err(Error::new(ErrorKind::Bracket));
            }
            if c == delim && self.peek_byte(0) == Some(b']') {
                self.pos += 1;
                return Ok(&self.pat[start..self.pos - 2]);
            }
        }
    }

    /// GNU rejects `[:space:]` meant as `[[:space:]]`: a bracket whose text
    /// starts and ends with `:` and has something else between.
    fn check_colon_syntax(&self, body: &[u8]) -> Result<(), Error> {
        if body.len() >= 3
            && body[0] == b':'
            && body[body.len() - 1] == b':'
            && body.iter().any(|&c| c != b':')
            && !body.contains(&b'[')
        {
            return Err(Error::new(ErrorKind::ColonClass));
        }
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    Comma,
    Close,
    End,
}

enum Elem {
    Unit(Unit),
    Equiv(Unit),
    Class(Vec<(u32, u32)>),
}

/// `\w`, `\W`, `\s`, `\S` as sets.
fn escape_set(e: u8, flags: Flags) -> Node {
    let mut ranges = match e {
        b'w' | b'W' => {
            let mut r = Class::Alnum.ranges();
            r.push((b'_' as u32, b'_' as u32));
            r
        }
        _ => Class::Space.ranges(),
    };
    ctype::normalize(&mut ranges);
    Node::Set(Box::new(CharSet {
        ranges,
        bytes: Vec::new(),
        negated: e.is_ascii_uppercase(),
        no_newline: flags.newline,
    }))
}
