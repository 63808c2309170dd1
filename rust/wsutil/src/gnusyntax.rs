//! GNU regex syntaxes (glibc's `RE_SYNTAX_*` bits: emacs, POSIX basic and
//! extended, awk, grep, egrep, sed...) for `find -regex` and `expr :`.
//!
//! A pattern is parsed the way glibc's `re_compile_pattern` parses it under
//! the given syntax bits (which characters are operators, where `^` and `$`
//! anchor, what a leading `*` means, glibc's error messages) and rewritten
//! as an equivalent GNU ERE, which [`crate::regex`] (the project's one
//! regex engine) compiles and matches with POSIX leftmost-longest rules.
//! Only the front end lives here: every syntax reaches the same engine.


/// glibc's syntax bits (regex.h), the subset that changes parsing.
pub mod bits {
    pub const BACKSLASH_ESCAPE_IN_LISTS: u32 = 1;
    pub const BK_PLUS_QM: u32 = 1 << 1;
    pub const CHAR_CLASSES: u32 = 1 << 2;
    pub const CONTEXT_INDEP_ANCHORS: u32 = 1 << 3;
    pub const CONTEXT_INDEP_OPS: u32 = 1 << 4;
    pub const CONTEXT_INVALID_OPS: u32 = 1 << 5;
    pub const DOT_NEWLINE: u32 = 1 << 6;
    pub const DOT_NOT_NULL: u32 = 1 << 7;
    pub const HAT_LISTS_NOT_NEWLINE: u32 = 1 << 8;
    pub const INTERVALS: u32 = 1 << 9;
    pub const LIMITED_OPS: u32 = 1 << 10;
    pub const NEWLINE_ALT: u32 = 1 << 11;
    pub const NO_BK_BRACES: u32 = 1 << 12;
    pub const NO_BK_PARENS: u32 = 1 << 13;
    pub const NO_BK_REFS: u32 = 1 << 14;
    pub const NO_BK_VBAR: u32 = 1 << 15;
    pub const NO_EMPTY_RANGES: u32 = 1 << 16;
    pub const UNMATCHED_RIGHT_PAREN_ORD: u32 = 1 << 17;
    pub const NO_GNU_OPS: u32 = 1 << 19;
    pub const INVALID_INTERVAL_ORD: u32 = 1 << 21;
    pub const ICASE: u32 = 1 << 22;
    pub const CONTEXT_INVALID_DUP: u32 = 1 << 24;

    pub const EMACS: u32 = 0;
    pub const POSIX_COMMON: u32 = CHAR_CLASSES | DOT_NEWLINE | DOT_NOT_NULL | INTERVALS | NO_EMPTY_RANGES;
    pub const POSIX_BASIC: u32 = POSIX_COMMON | BK_PLUS_QM | CONTEXT_INVALID_DUP;
    pub const POSIX_MINIMAL_BASIC: u32 = POSIX_COMMON | LIMITED_OPS;
    pub const POSIX_EXTENDED: u32 = POSIX_COMMON
        | CONTEXT_INDEP_ANCHORS
        | CONTEXT_INDEP_OPS
        | NO_BK_BRACES
        | NO_BK_PARENS
        | NO_BK_VBAR
        | CONTEXT_INVALID_OPS
        | UNMATCHED_RIGHT_PAREN_ORD;
    pub const AWK: u32 = BACKSLASH_ESCAPE_IN_LISTS
        | DOT_NOT_NULL
        | NO_BK_PARENS
        | NO_BK_REFS
        | NO_BK_VBAR
        | NO_EMPTY_RANGES
        | DOT_NEWLINE
        | CONTEXT_INDEP_ANCHORS
        | CHAR_CLASSES
        | UNMATCHED_RIGHT_PAREN_ORD
        | NO_GNU_OPS;
    pub const GNU_AWK: u32 = (POSIX_EXTENDED | BACKSLASH_ESCAPE_IN_LISTS | INVALID_INTERVAL_ORD)
        & !(DOT_NOT_NULL | CONTEXT_INDEP_OPS | CONTEXT_INVALID_OPS);
    pub const POSIX_AWK: u32 =
        POSIX_EXTENDED | BACKSLASH_ESCAPE_IN_LISTS | INTERVALS | NO_GNU_OPS | INVALID_INTERVAL_ORD;
    pub const GREP: u32 = (POSIX_BASIC | NEWLINE_ALT) & !(CONTEXT_INVALID_DUP | DOT_NOT_NULL);
    pub const EGREP: u32 =
        (POSIX_EXTENDED | INVALID_INTERVAL_ORD | NEWLINE_ALT) & !(CONTEXT_INVALID_OPS | DOT_NOT_NULL);
    pub const ED: u32 = POSIX_BASIC;
    pub const SED: u32 = POSIX_BASIC;
}

/// glibc's compile errors; `Display` gives its messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    BadPattern,
    Collate,
    CharClass,
    Escape,
    SubReg,
    Bracket,
    Paren,
    Brace,
    BadBrace,
    Range,
    Size,
    BadRepeat,
    RParen,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Error::BadPattern => "Invalid regular expression",
            Error::Collate => "Invalid collation character",
            Error::CharClass => "Invalid character class name",
            Error::Escape => "Trailing backslash",
            Error::SubReg => "Invalid back reference",
            Error::Bracket => "Unmatched [, [^, [:, [., or [=",
            Error::Paren => "Unmatched ( or \\(",
            Error::Brace => "Unmatched \\{",
            Error::BadBrace => "Invalid content of \\{\\}",
            Error::Range => "Invalid range end",
            Error::Size => "Regular expression too big",
            Error::BadRepeat => "Invalid preceding regular expression",
            Error::RParen => "Unmatched ) or \\)",
        })
    }
}

const DUP_MAX: u32 = 0x7fff;

/// A compiled pattern.
pub struct Regex {
    re: crate::regex::Regex,
    /// Number of `\(...\)` groups.
    groups: usize,
}

impl Regex {
    /// How many groups the pattern has (expr's `:` returns group 1 then).
    pub fn groups(&self) -> usize {
        self.groups
    }

    /// Whether the whole of `s` matches (find's `-regex`).
    pub fn is_full_match(&self, s: &[u8]) -> bool {
        self.re.match_at(s, 0, Default::default()) == Some(s.len())
    }

    /// `re_match` at offset 0: the length of the longest match starting at
    /// the beginning of `s`, and the span of group 1 in it (expr's `:`).
    pub fn match_start(&self, s: &[u8]) -> Option<(usize, Option<(usize, usize)>)> {
        self.re.match_at(s, 0, Default::default())?;
        // A match starts at 0, so the leftmost-longest one does.
        let caps = self.re.captures_at(s, 0, Default::default())?;
        let (_, end) = caps.get(0)?;
        Some((end, caps.get(1)))
    }
}

/// Compiles `pattern` under glibc syntax bits `syntax` (add [`bits::ICASE`]
/// to ignore case).
pub fn compile(pattern: &[u8], syntax: u32) -> Result<Regex, Error> {
    let mut p = Parser { pat: pattern, pos: 0, syntax, out: Vec::new(), groups: 0, open: Vec::new() };
    p.parse()?;
    let flags = crate::regex::Flags { icase: syntax & bits::ICASE != 0, newline: false };
    // The rewritten pattern is valid ERE; what can still fail is its size.
    let re = crate::regex::compile(&p.out, crate::regex::Dialect::Extended, flags).map_err(|e| match e.kind {
        crate::regex::ErrorKind::TooBig => Error::Size,
        _ => Error::BadPattern,
    })?;
    Ok(Regex { re, groups: p.groups as usize })
}

/// What the tokenizer saw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    End,
    Char(u32),
    /// An undecodable byte of the pattern.
    Byte(u8),
    Any,
    Bracket,
    Open,
    Close,
    Alt,
    Star,
    Plus,
    Question,
    OpenBrace,
    CloseBrace,
    BackRef(u32),
    /// `^`, `$`, `\b`...: its ERE text.
    Anchor(&'static str),
    /// `\w`, `\W`, `\s`, `\S`: its ERE text.
    Class(&'static str),
}

struct Parser<'a> {
    pat: &'a [u8],
    pos: usize,
    syntax: u32,
    /// The pattern rewritten as GNU ERE.
    out: Vec<u8>,
    groups: u32,
    /// The numbers of the groups still open.
    open: Vec<u32>,
}

/// What an atom turned out to be, for its repetitions.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Atom {
    Some,
    /// A bracket expression that holds nothing (`[b-a]` where empty
    /// ranges are allowed): it matches no character.
    Never,
}

/// ERE for "no match here": a word boundary that is none.
const NEVER: &[u8] = br"\b\B";

impl<'a> Parser<'a> {
    fn has(&self, bit: u32) -> bool {
        self.syntax & bit != 0
    }

    fn decode_at(&self, pos: usize) -> (Tok, usize) {
        let rest = &self.pat[pos..];
        let b = rest[0];
        if b < 0x80 {
            return (Tok::Char(b as u32), 1);
        }
        let len = match b {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => 0,
        };
        if len > 0 && rest.len() >= len {
            if let Ok(s) = std::str::from_utf8(&rest[..len]) {
                if let Some(c) = s.chars().next() {
                    return (Tok::Char(c as u32), len);
                }
            }
        }
        (Tok::Byte(b), 1)
    }

    /// The token at `pos` (glibc's peek_token) and its length.
    fn peek(&self, pos: usize, caret_here: bool) -> Result<(Tok, usize), Error> {
        if pos >= self.pat.len() {
            return Ok((Tok::End, 0));
        }
        let c = self.pat[pos];
        if c == b'\\' {
            if pos + 1 >= self.pat.len() {
                return Err(Error::Escape);
            }
            let c2 = self.pat[pos + 1];
            let gnu = !self.has(bits::NO_GNU_OPS);
            let tok = match c2 {
                b'|' if !self.has(bits::LIMITED_OPS) && !self.has(bits::NO_BK_VBAR) => Tok::Alt,
                b'1'..=b'9' if !self.has(bits::NO_BK_REFS) => Tok::BackRef((c2 - b'0') as u32),
                b'<' if gnu => Tok::Anchor(r"\<"),
                b'>' if gnu => Tok::Anchor(r"\>"),
                b'b' if gnu => Tok::Anchor(r"\b"),
                b'B' if gnu => Tok::Anchor(r"\B"),
                b'w' if gnu => Tok::Class(r"\w"),
                b'W' if gnu => Tok::Class(r"\W"),
                b's' if gnu => Tok::Class(r"\s"),
                b'S' if gnu => Tok::Class(r"\S"),
                b'`' if gnu => Tok::Anchor(r"\`"),
                b'\'' if gnu => Tok::Anchor(r"\'"),
                b'(' if !self.has(bits::NO_BK_PARENS) => Tok::Open,
                b')' if !self.has(bits::NO_BK_PARENS) => Tok::Close,
                b'+' if !self.has(bits::LIMITED_OPS) && self.has(bits::BK_PLUS_QM) => Tok::Plus,
                b'?' if !self.has(bits::LIMITED_OPS) && self.has(bits::BK_PLUS_QM) => Tok::Question,
                b'{' if self.has(bits::INTERVALS) && !self.has(bits::NO_BK_BRACES) => Tok::OpenBrace,
                b'}' if self.has(bits::INTERVALS) && !self.has(bits::NO_BK_BRACES) => Tok::CloseBrace,
                _ => {
                    let (t, n) = self.decode_at(pos + 1);
                    return Ok((t, n + 1));
                }
            };
            return Ok((tok, 2));
        }
        let tok = match c {
            b'\n' if self.has(bits::NEWLINE_ALT) => Tok::Alt,
            b'|' if !self.has(bits::LIMITED_OPS) && self.has(bits::NO_BK_VBAR) => Tok::Alt,
            b'*' => Tok::Star,
            b'+' if !self.has(bits::LIMITED_OPS) && !self.has(bits::BK_PLUS_QM) => Tok::Plus,
            b'?' if !self.has(bits::LIMITED_OPS) && !self.has(bits::BK_PLUS_QM) => Tok::Question,
            b'{' if self.has(bits::INTERVALS) && self.has(bits::NO_BK_BRACES) => Tok::OpenBrace,
            b'}' if self.has(bits::INTERVALS) && self.has(bits::NO_BK_BRACES) => Tok::CloseBrace,
            b'(' if self.has(bits::NO_BK_PARENS) => Tok::Open,
            b')' if self.has(bits::NO_BK_PARENS) => Tok::Close,
            b'[' => Tok::Bracket,
            b'.' => Tok::Any,
            b'^' => {
                let anchor = self.has(bits::CONTEXT_INDEP_ANCHORS)
                    || caret_here
                    || pos == 0
                    || (self.has(bits::NEWLINE_ALT) && self.pat[pos - 1] == b'\n');
                if anchor {
                    Tok::Anchor("^")
                } else {
                    Tok::Char(b'^' as u32)
                }
            }
            b'$' => {
                let mut anchor = self.has(bits::CONTEXT_INDEP_ANCHORS) || pos + 1 == self.pat.len();
                if !anchor {
                    let (next, _) = self.peek(pos + 1, false)?;
                    anchor = next == Tok::Alt || next == Tok::Close;
                }
                if anchor {
                    Tok::Anchor("$")
                } else {
                    Tok::Char(b'$' as u32)
                }
            }
            _ => return Ok(self.decode_at(pos)),
        };
        Ok((tok, 1))
    }

    fn parse(&mut self) -> Result<(), Error> {
        let mut tok = self.fetch(true)?;
        tok = self.parse_alternation(tok, 0)?;
        if tok != Tok::End {
            // Only a `)` can stop the top level.
            return Err(Error::RParen);
        }
        Ok(())
    }

    fn fetch(&mut self, caret_here: bool) -> Result<Tok, Error> {
        let (tok, len) = self.peek(self.pos, caret_here)?;
        self.pos += len;
        Ok(tok)
    }

    /// branch ( `|` branch )*; returns the token that ended it.
    fn parse_alternation(&mut self, mut tok: Tok, depth: usize) -> Result<Tok, Error> {
        tok = self.parse_branch(tok, depth)?;
        while tok == Tok::Alt {
            self.out.push(b'|');
            tok = self.fetch(true)?;
            tok = self.parse_branch(tok, depth)?;
        }
        Ok(tok)
    }

    fn parse_branch(&mut self, mut tok: Tok, depth: usize) -> Result<Tok, Error> {
        loop {
            match tok {
                Tok::End | Tok::Alt => return Ok(tok),
                Tok::Close if depth > 0 || !self.has(bits::UNMATCHED_RIGHT_PAREN_ORD) => return Ok(tok),
                _ => tok = self.parse_expression(tok, depth)?,
            }
        }
    }

    /// One atom and its repetitions; returns the next token.
    fn parse_expression(&mut self, tok: Tok, depth: usize) -> Result<Tok, Error> {
        let mut kind = Atom::Some;
        let mut atom: Vec<u8> = match tok {
            Tok::Char(c) => literal(c),
            Tok::Byte(b) => vec![b],
            Tok::Any => self.any(),
            Tok::Bracket => match self.bracket()? {
                Some(set) => set,
                None => {
                    kind = Atom::Never;
                    NEVER.to_vec()
                }
            },
            Tok::Class(text) => text.as_bytes().to_vec(),
            Tok::BackRef(n) => {
                if n > self.groups || self.open.contains(&n) {
                    return Err(Error::SubReg);
                }
                format!("\\{}", n).into_bytes()
            }
            Tok::Open => {
                self.groups += 1;
                let n = self.groups;
                self.open.push(n);
                let saved = std::mem::take(&mut self.out);
                let next = self.fetch(true)?;
                let end = self.parse_alternation(next, depth + 1)?;
                if end != Tok::Close {
                    return Err(Error::Paren);
                }
                self.open.pop();
                let inner = std::mem::replace(&mut self.out, saved);
                let mut g = Vec::with_capacity(inner.len() + 2);
                g.push(b'(');
                g.extend_from_slice(&inner);
                g.push(b')');
                g
            }
            Tok::Close => {
                // An unmatched `)` taken as a character.
                literal(b')' as u32)
            }
            Tok::Anchor(text) => {
                // Anchors take no repetition: what follows starts afresh.
                self.out.extend_from_slice(text.as_bytes());
                return self.fetch(false);
            }
            Tok::Star | Tok::Plus | Tok::Question | Tok::OpenBrace => {
                if tok == Tok::OpenBrace && self.has(bits::CONTEXT_INVALID_DUP) {
                    return Err(Error::BadRepeat);
                }
                if self.has(bits::CONTEXT_INVALID_OPS) && !self.has(bits::CONTEXT_INVALID_DUP) {
                    return Err(Error::BadRepeat);
                }
                if self.has(bits::CONTEXT_INDEP_OPS) {
                    // A leading operator is dropped.
                    let next = self.fetch(false)?;
                    return self.parse_expression(next, depth);
                }
                literal(self.op_char(tok))
            }
            Tok::CloseBrace => literal(b'}' as u32),
            Tok::End | Tok::Alt => Vec::new(),
        };
        let mut next = self.fetch(false)?;
        loop {
            let (suffix, min) = match next {
                Tok::Star => ("*".to_string(), 0),
                Tok::Plus => ("+".to_string(), 1),
                Tok::Question => ("?".to_string(), 0),
                Tok::OpenBrace => match self.interval()? {
                    Some((lo, hi)) => match hi {
                        Some(hi) => (format!("{{{},{}}}", lo, hi), lo),
                        None => (format!("{{{},}}", lo), lo),
                    },
                    None => {
                        // An invalid interval read as plain characters.
                        self.out.extend_from_slice(&atom);
                        atom = literal(b'{' as u32);
                        kind = Atom::Some;
                        next = self.fetch(false)?;
                        continue;
                    }
                },
                _ => break,
            };
            if kind == Atom::Never {
                // No repetition of nothing, or only the empty one.
                if min == 0 {
                    atom.clear();
                }
            } else if !atom.is_empty() {
                atom.extend_from_slice(suffix.as_bytes());
            }
            let after = self.fetch(false)?;
            if self.has(bits::CONTEXT_INVALID_DUP) && (after == Tok::Star || after == Tok::OpenBrace) {
                return Err(Error::BadRepeat);
            }
            next = after;
        }
        self.out.extend_from_slice(&atom);
        Ok(next)
    }

    fn op_char(&self, tok: Tok) -> u32 {
        (match tok {
            Tok::Star => '*',
            Tok::Plus => '+',
            Tok::Question => '?',
            _ => '{',
        }) as u32
    }

    /// `{m,n}` after its brace: Some((m, n)) or None when it is to be
    /// read as characters (RE_INVALID_INTERVAL_ORD).
    fn interval(&mut self) -> Result<Option<(u32, Option<u32>)>, Error> {
        let start = self.pos;
        let close: &[u8] = if self.has(bits::NO_BK_BRACES) { b"}" } else { b"\\}" };
        let read_num = |p: &mut usize, pat: &[u8]| -> Option<u32> {
            let s = *p;
            let mut v: u32 = 0;
            while *p < pat.len() && pat[*p].is_ascii_digit() {
                v = v.saturating_mul(10).saturating_add((pat[*p] - b'0') as u32).min(DUP_MAX + 1);
                *p += 1;
            }
            if *p > s {
                Some(v)
            } else {
                None
            }
        };
        let mut p = self.pos;
        let lo = read_num(&mut p, self.pat);
        let mut hi = lo;
        let mut ok = true;
        if p < self.pat.len() && self.pat[p] == b',' {
            p += 1;
            hi = read_num(&mut p, self.pat);
            if hi.is_none() {
                hi = None;
            }
            if lo.is_none() && hi.is_none() && !self.pat[p..].starts_with(close) {
                ok = false;
            }
        } else if lo.is_none() {
            ok = false;
        }
        let closed = self.pat[p..].starts_with(close);
        if !ok || !closed {
            if self.has(bits::INVALID_INTERVAL_ORD) {
                self.pos = start;
                return Ok(None);
            }
            // Running into the end is "unmatched", anything else "invalid".
            let at_end = !self.pat[p..].iter().any(|&b| b == b'}');
            return Err(if at_end && p >= self.pat.len() { Error::Brace } else { Error::BadBrace });
        }
        let lo_v = lo.unwrap_or(0);
        let comma = self.pat[self.pos..p].contains(&b',');
        let hi_v = if comma { hi } else { Some(lo_v) };
        if let Some(h) = hi_v {
            if h < lo_v {
                if self.has(bits::INVALID_INTERVAL_ORD) {
                    self.pos = start;
                    return Ok(None);
                }
                return Err(Error::BadBrace);
            }
            if h > DUP_MAX {
                return Err(Error::Size);
            }
        }
        if lo_v > DUP_MAX {
            return Err(Error::Size);
        }
        self.pos = p + close.len();
        Ok(Some((lo_v, hi_v)))
    }

    /// `.`: without DOT_NEWLINE, any character but a newline.
    fn any(&self) -> Vec<u8> {
        if self.has(bits::DOT_NEWLINE) {
            b".".to_vec()
        } else {
            b"[^\n]".to_vec()
        }
    }

    /// A bracket expression after its `[`, as glibc's parse_bracket_exp
    /// reads it.
    /// None when it holds no character at all.
    fn bracket(&mut self) -> Result<Option<Vec<u8>>, Error> {
        let mut items: Vec<(u32, u32)> = Vec::new();
        let mut classes: Vec<&'static str> = Vec::new();
        let mut negate = false;
        let (mut tok, mut len) = self.peek_bracket();
        if tok == BTok::End {
            return Err(Error::BadPattern);
        }
        if tok == BTok::Caret {
            negate = true;
            self.pos += len;
            let t = self.peek_bracket();
            tok = t.0;
            len = t.1;
            if tok == BTok::End {
                return Err(Error::BadPattern);
            }
        }
        if tok == BTok::Close {
            tok = BTok::Char(b']' as u32);
        }
        let mut first = true;
        loop {
            let start = self.bracket_element(tok, len, first)?;
            first = false;
            let (mut next, mut next_len) = self.peek_bracket();
            let mut range_end = None;
            if !matches!(start, Elem::Class(_) | Elem::Equiv(_)) {
                if next == BTok::End {
                    return Err(Error::Bracket);
                }
                if next == BTok::Dash {
                    self.pos += next_len;
                    let (t2, l2) = self.peek_bracket();
                    if t2 == BTok::End {
                        return Err(Error::Bracket);
                    }
                    if t2 == BTok::Close {
                        // A final `-` is itself.
                        self.pos -= next_len;
                        next = BTok::Char(b'-' as u32);
                    } else {
                        range_end = Some(self.bracket_element(t2, l2, true)?);
                        let t = self.peek_bracket();
                        next = t.0;
                        next_len = t.1;
                    }
                }
            }
            match range_end {
                Some(end) => {
                    let lo = elem_char(&start)?;
                    let hi = elem_char(&end)?;
                    if lo > hi {
                        if self.has(bits::NO_EMPTY_RANGES) {
                            return Err(Error::Range);
                        }
                    } else {
                        items.push((lo, hi));
                    }
                }
                None => match start {
                    Elem::Char(c) | Elem::Equiv(c) | Elem::Coll(c) => items.push((c, c)),
                    Elem::Class(name) => classes.push(name),
                },
            }
            if next == BTok::End {
                return Err(Error::Bracket);
            }
            if next == BTok::Close {
                self.pos += next_len;
                break;
            }
            tok = next;
            len = next_len;
        }
        Ok(self.emit_class(items, classes, negate))
    }

    /// The set as an ERE bracket expression, each character written so
    /// that its place cannot give it a meaning (`]`, `-`, `^`, `[` and
    /// `:` as one-character collating symbols). Case folding is the
    /// engine's, from the ICASE flag.
    fn emit_class(&self, items: Vec<(u32, u32)>, classes: Vec<&'static str>, negate: bool) -> Option<Vec<u8>> {
        let mut body = Vec::new();
        for (lo, hi) in &items {
            push_bracket_char(&mut body, *lo);
            if lo != hi {
                body.push(b'-');
                push_bracket_char(&mut body, *hi);
            }
        }
        for c in &classes {
            body.extend_from_slice(format!("[:{}:]", c).as_bytes());
        }
        if negate && self.has(bits::HAT_LISTS_NOT_NEWLINE) {
            body.push(b'\n');
        }
        if body.is_empty() {
            // `[^]` with nothing in it matches any character.
            return if negate { Some(b".".to_vec()) } else { None };
        }
        let mut out = vec![b'['];
        if negate {
            out.push(b'^');
        }
        out.extend_from_slice(&body);
        out.push(b']');
        Some(out)
    }

    fn peek_bracket(&self) -> (BTok, usize) {
        let pos = self.pos;
        if pos >= self.pat.len() {
            return (BTok::End, 0);
        }
        let c = self.pat[pos];
        if c == b'\\' && self.has(bits::BACKSLASH_ESCAPE_IN_LISTS) && pos + 1 < self.pat.len() {
            let (t, n) = self.decode_at(pos + 1);
            return (btok_of(t), n + 1);
        }
        if c == b'[' {
            let c2 = self.pat.get(pos + 1).copied().unwrap_or(0);
            match c2 {
                b'.' => return (BTok::OpenColl, 2),
                b'=' => return (BTok::OpenEquiv, 2),
                b':' if self.has(bits::CHAR_CLASSES) => return (BTok::OpenClass, 2),
                _ => return (BTok::Char(b'[' as u32), 1),
            }
        }
        match c {
            b'-' => (BTok::Dash, 1),
            b']' => (BTok::Close, 1),
            b'^' => (BTok::Caret, 1),
            _ => {
                let (t, n) = self.decode_at(pos);
                (btok_of(t), n)
            }
        }
    }

    fn bracket_element(&mut self, tok: BTok, len: usize, accept_dash: bool) -> Result<Elem, Error> {
        self.pos += len;
        match tok {
            BTok::OpenColl | BTok::OpenEquiv | BTok::OpenClass => {
                let delim = match tok {
                    BTok::OpenColl => b'.',
                    BTok::OpenEquiv => b'=',
                    _ => b':',
                };
                let start = self.pos;
                let mut p = start;
                loop {
                    if p + 1 >= self.pat.len() || p - start >= 32 {
                        return Err(Error::Bracket);
                    }
                    if self.pat[p] == delim && self.pat[p + 1] == b']' {
                        break;
                    }
                    p += 1;
                }
                let name = &self.pat[start..p];
                self.pos = p + 2;
                match tok {
                    BTok::OpenClass => {
                        let known = [
                            "alpha", "upper", "lower", "digit", "xdigit", "space", "print", "punct", "graph", "cntrl",
                            "blank", "alnum",
                        ];
                        match known.iter().find(|k| k.as_bytes() == name) {
                            Some(k) => Ok(Elem::Class(k)),
                            None => Err(Error::CharClass),
                        }
                    }
                    _ => {
                        let s = std::str::from_utf8(name).map_err(|_| Error::Collate)?;
                        let mut chars = s.chars();
                        match (chars.next(), chars.next()) {
                            (Some(c), None) => Ok(if tok == BTok::OpenEquiv { Elem::Equiv(c as u32) } else { Elem::Coll(c as u32) }),
                            _ => Err(Error::Collate),
                        }
                    }
                }
            }
            BTok::Dash if !accept_dash => {
                let (t2, _) = self.peek_bracket();
                if t2 != BTok::Close {
                    return Err(Error::Range);
                }
                Ok(Elem::Char(b'-' as u32))
            }
            BTok::Char(c) => Ok(Elem::Char(c)),
            BTok::Dash => Ok(Elem::Char(b'-' as u32)),
            BTok::Caret => Ok(Elem::Char(b'^' as u32)),
            BTok::Close => Ok(Elem::Char(b']' as u32)),
            BTok::End => Err(Error::Bracket),
        }
    }
}

/// A character outside brackets, escaped where ERE gives it a meaning.
fn literal(c: u32) -> Vec<u8> {
    let ch = match char::from_u32(c) {
        Some(ch) => ch,
        None => return Vec::new(),
    };
    let mut out = Vec::new();
    if "\\.[]()*+?{}|^$".contains(ch) {
        out.push(b'\\');
    }
    out.extend_from_slice(ch.encode_utf8(&mut [0u8; 4]).as_bytes());
    out
}

/// A character inside brackets.
fn push_bracket_char(out: &mut Vec<u8>, c: u32) {
    let ch = match char::from_u32(c) {
        Some(ch) => ch,
        None => return,
    };
    if "]-^[:.=".contains(ch) {
        out.extend_from_slice(format!("[.{}.]", ch).as_bytes());
    } else {
        out.extend_from_slice(ch.encode_utf8(&mut [0u8; 4]).as_bytes());
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BTok {
    End,
    Char(u32),
    Dash,
    Close,
    Caret,
    OpenColl,
    OpenEquiv,
    OpenClass,
}

fn btok_of(t: Tok) -> BTok {
    match t {
        Tok::Char(c) => BTok::Char(c),
        // An undecodable byte: kept as a Latin-1 code point (approximate).
        Tok::Byte(b) => BTok::Char(b as u32),
        _ => BTok::End,
    }
}

enum Elem {
    Char(u32),
    Equiv(u32),
    Coll(u32),
    Class(&'static str),
}

fn elem_char(e: &Elem) -> Result<u32, Error> {
    match e {
        Elem::Char(c) | Elem::Coll(c) => Ok(*c),
        _ => Err(Error::Range),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(p: &str, syntax: u32, s: &str) -> bool {
        compile(p.as_bytes(), syntax).unwrap().is_full_match(s.as_bytes())
    }

    fn err(p: &str, syntax: u32) -> Error {
        compile(p.as_bytes(), syntax).err().unwrap()
    }

    #[test]
    fn emacs() {
        let e = bits::EMACS;
        assert!(full(r".*\.txt", e, "./a.txt"));
        assert!(full(r"a\(b\|c\)+", e, "abcb"));
        assert!(full("(a)", e, "(a)"));
        assert!(full("a{2}", e, "a{2}"));
        assert!(full("*a", e, "*a"));
        assert!(full("[[:alpha:]]", e, ":]"));
        assert!(!full("a.b", e, "a\nb"));
        assert_eq!(err("\\(", e), Error::Paren);
        assert_eq!(err("[", e), Error::BadPattern);
        assert_eq!(err("[a", e), Error::Bracket);
        assert_eq!(err("a\\", e), Error::Escape);
        assert_eq!(err("\\1", e), Error::SubReg);
    }

    #[test]
    fn extended() {
        let x = bits::POSIX_EXTENDED;
        assert!(full("(a|bc){2}", x, "bca"));
        assert!(full("[[:digit:]]+x?", x, "123"));
        assert!(full(")", x, ")"));
        assert!(full("a**", x, "aaa"));
        assert!(full("[]a-]+", x, "]-a"));
        assert!(full("[^/]*", x, "é"));
        assert_eq!(err("*a", x), Error::BadRepeat);
        assert_eq!(err("a{1", x), Error::Brace);
        assert_eq!(err("a{2,1}", x), Error::BadBrace);
        assert_eq!(err("a{1a}", x), Error::BadBrace);
        assert_eq!(err("[b-a]", x), Error::Range);
        assert_eq!(err("[[:foo:]]", x), Error::CharClass);
        assert_eq!(err("(", x), Error::Paren);
        assert!(full("(a)\\1", x, "aa"));
        assert!(!full("(a)\\1", x, "ab"));
    }

    #[test]
    fn basic_and_icase() {
        let b = bits::POSIX_BASIC;
        assert!(full(r"a\{2\}b\+", b, "aabb"));
        assert!(full("a|b", b, "a|b"));
        assert!(full("^*a", b, "*a"));
        assert!(full("x$y", b, "x$y"));
        assert_eq!(err("a**", b), Error::BadRepeat);
        assert!(full("ABC[d-f]", b | bits::ICASE, "abcE"));
        let e = bits::POSIX_BASIC & !bits::NO_EMPTY_RANGES;
        assert!(!full("a[c-a]*b", e, "acb"));
        assert!(full("a[c-a]*b", e, "ab"));
        let m = compile(br"\(a*\)b*", b).unwrap().match_start(b"aabbc");
        assert_eq!(m, Some((4, Some((0, 2)))));
        let m = compile(br"a\|ab", b).unwrap().match_start(b"abc");
        assert_eq!(m.map(|x| x.0), Some(2));
        let m = compile(br"\(a\)\1", b).unwrap().match_start(b"aab");
        assert_eq!(m, Some((2, Some((0, 1)))));
        assert!(full("a[]^:.=-]*b", b, "a]^:.=-b"));
        assert!(full("[:a]", b, ":"));
        assert!(!full(r"x\<y", b, "xy"));
        assert!(full(r".*\<y.*", b, "x y"));
        assert!(full("a[[.-.]]b", b, "a-b"));
        assert!(full("a[.-.]b", b, "a.b"));
        assert!(full("a.c|d", b, "a.c|d"));
        assert!(full(r"a\{2\}\{3\}", b & !bits::CONTEXT_INVALID_DUP, "aaaaaa"));
        let m = compile(br"\(a\)+\1", bits::EMACS).unwrap().match_start(b"aaa");
        assert_eq!(m, Some((3, Some((1, 2)))));
    }
}
