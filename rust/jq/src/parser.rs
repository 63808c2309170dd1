//! The jq language: a lexer and a recursive-descent parser with jq's
//! (bison's) operator precedences, lowest first: `|`, `,`, `//`,
//! assignments, `or`, `and`, comparisons, `+ -`, `* / %`, postfix.
//! String interpolations are parsed recursively from inside the lexer.

use crate::ast::*;
use crate::value::Value;
use std::cell::Cell;

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Dot,
    DotDot,
    Field(String),
    Ident(String),
    Var(String),
    Num(String),
    /// An opening double quote (the string itself is lexed on demand).
    Quote,
    Format(String),
    Punct(&'static str),
    Keyword(&'static str),
    Invalid(char),
    Eof,
}

const KEYWORDS: [&str; 16] = [
    "def", "if", "then", "elif", "else", "end", "as", "reduce", "foreach", "try", "catch", "label", "import", "include",
    "and", "or",
];

// Longest first, so that `?//` wins over `?` and `//=` over `//`.
const PUNCTS: [&str; 33] = [
    "?//", "//=", "|=", "+=", "-=", "*=", "/=", "%=", "==", "!=", "<=", ">=", "//", "..", "|", ",", ":", ";", "=", "<",
    ">", "+", "-", "*", "/", "%", "(", ")", "[", "]", "{", "}", "?",
];

/// A syntax or compile error at a byte offset of the program.
#[derive(Debug)]
pub struct SyntaxError {
    pub msg: String,
    pub pos: usize,
}

pub struct Parser<'a> {
    src: &'a str,
    pos: usize,
    peeked: Option<(Tok, usize, usize)>,
    /// Set while parsing an interpolation, so `)` ends it.
    depth: usize,
}

type PResult<T> = Result<T, SyntaxError>;

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

impl<'a> Parser<'a> {
    pub fn new(src: &'a str) -> Parser<'a> {
        Parser { src, pos: 0, peeked: None, depth: 0 }
    }

    /// Parses a whole program (its leading definitions included).
    pub fn parse_program(&mut self) -> PResult<Expr> {
        if let Tok::Keyword(k @ ("import" | "include")) = self.peek()? {
            let at = self.peek_pos()?;
            return Err(SyntaxError { msg: format!("{} directives are not supported by this jq", k), pos: at });
        }
        let e = self.parse_pipe()?;
        match self.peek()? {
            Tok::Eof => Ok(e),
            _ => Err(self.unexpected(Some("end of file"))),
        }
    }

    // ------------------------------------------------------------ lexer

    fn skip_space(&mut self) {
        let b = self.src.as_bytes();
        while self.pos < b.len() {
            match b[self.pos] {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                b'#' => {
                    while self.pos < b.len() && b[self.pos] != b'\n' {
                        if b[self.pos] == b'\\' && self.pos + 1 < b.len() {
                            self.pos += 1;
                        }
                        self.pos += 1;
                    }
                }
                _ => break,
            }
        }
    }

    fn lex(&mut self) -> (Tok, usize, usize) {
        self.skip_space();
        let b = self.src.as_bytes();
        let start = self.pos;
        if start >= b.len() {
            return (Tok::Eof, start, start);
        }
        let c = b[start];
        let tok = if c == b'.' {
            if start + 1 < b.len() && b[start + 1] == b'.' {
                self.pos += 2;
                Tok::DotDot
            } else if start + 1 < b.len() && is_ident_start(b[start + 1]) {
                let mut e = start + 2;
                while e < b.len() && is_ident_char(b[e]) {
                    e += 1;
                }
                self.pos = e;
                Tok::Field(self.src[start + 1..e].to_string())
            } else if start + 1 < b.len() && b[start + 1].is_ascii_digit() {
                self.lex_number()
            } else {
                self.pos += 1;
                Tok::Dot
            }
        } else if c.is_ascii_digit() {
            self.lex_number()
        } else if c == b'"' {
            self.pos += 1;
            Tok::Quote
        } else if c == b'$' && start + 1 < b.len() && is_ident_start(b[start + 1]) {
            let e = self.ident_end(start + 1);
            self.pos = e;
            Tok::Var(self.src[start + 1..e].to_string())
        } else if c == b'@' && start + 1 < b.len() && is_ident_char(b[start + 1]) {
            let mut e = start + 1;
            while e < b.len() && is_ident_char(b[e]) {
                e += 1;
            }
            self.pos = e;
            Tok::Format(self.src[start + 1..e].to_string())
        } else if is_ident_start(c) {
            let e = self.ident_end(start);
            self.pos = e;
            let word = &self.src[start..e];
            match KEYWORDS.iter().find(|k| **k == word) {
                Some(k) => Tok::Keyword(k),
                None => Tok::Ident(word.to_string()),
            }
        } else {
            match PUNCTS.iter().find(|p| self.src[start..].starts_with(**p)) {
                Some(p) => {
                    self.pos += p.len();
                    Tok::Punct(p)
                }
                None => {
                    let ch = self.src[start..].chars().next().unwrap_or('\u{FFFD}');
                    self.pos += ch.len_utf8();
                    Tok::Invalid(ch)
                }
            }
        };
        (tok, start, self.pos)
    }

    /// An identifier, with `::` module separators.
    fn ident_end(&self, mut e: usize) -> usize {
        let b = self.src.as_bytes();
        loop {
            while e < b.len() && is_ident_char(b[e]) {
                e += 1;
            }
            if e + 2 < b.len() && b[e] == b':' && b[e + 1] == b':' && is_ident_start(b[e + 2]) {
                e += 2;
                continue;
            }
            return e;
        }
    }

    fn lex_number(&mut self) -> Tok {
        let b = self.src.as_bytes();
        let start = self.pos;
        let mut e = start;
        while e < b.len() && b[e].is_ascii_digit() {
            e += 1;
        }
        if e < b.len() && b[e] == b'.' {
            e += 1;
            while e < b.len() && b[e].is_ascii_digit() {
                e += 1;
            }
        }
        if e < b.len() && (b[e] == b'e' || b[e] == b'E') {
            let mut f = e + 1;
            if f < b.len() && (b[f] == b'+' || b[f] == b'-') {
                f += 1;
            }
            if f < b.len() && b[f].is_ascii_digit() {
                while f < b.len() && b[f].is_ascii_digit() {
                    f += 1;
                }
                e = f;
            }
        }
        self.pos = e;
        Tok::Num(self.src[start..e].to_string())
    }

    fn peek(&mut self) -> PResult<Tok> {
        if self.peeked.is_none() {
            let t = self.lex();
            self.peeked = Some(t);
        }
        Ok(self.peeked.as_ref().map(|t| t.0.clone()).unwrap_or(Tok::Eof))
    }

    fn peek_pos(&mut self) -> PResult<usize> {
        self.peek()?;
        Ok(self.peeked.as_ref().map(|t| t.1).unwrap_or(self.pos))
    }

    fn next(&mut self) -> PResult<(Tok, usize)> {
        self.peek()?;
        let (t, s, _) = self.peeked.take().unwrap_or((Tok::Eof, self.pos, self.pos));
        Ok((t, s))
    }

    fn is(&mut self, p: &str) -> PResult<bool> {
        Ok(matches!(self.peek()?, Tok::Punct(q) if q == p))
    }

    fn is_kw(&mut self, k: &str) -> PResult<bool> {
        Ok(matches!(self.peek()?, Tok::Keyword(q) if q == k))
    }

    fn eat(&mut self, p: &str) -> PResult<bool> {
        if self.is(p)? {
            self.next()?;
            return Ok(true);
        }
        Ok(false)
    }

    fn expect(&mut self, p: &'static str) -> PResult<()> {
        if self.eat(p)? {
            return Ok(());
        }
        Err(self.unexpected(None))
    }

    fn expect_kw(&mut self, k: &'static str) -> PResult<()> {
        if self.is_kw(k)? {
            self.next()?;
            return Ok(());
        }
        Err(self.unexpected(None))
    }

    fn tok_name(t: &Tok) -> String {
        match t {
            Tok::Dot => "'.'".into(),
            Tok::DotDot => "\"..\"".into(),
            Tok::Field(_) => "FIELD".into(),
            Tok::Ident(_) => "IDENT".into(),
            Tok::Var(_) => "BINDING".into(),
            Tok::Num(_) => "LITERAL".into(),
            Tok::Quote => "QQSTRING_START".into(),
            Tok::Format(_) => "FORMAT".into(),
            Tok::Punct(p) if p.len() == 1 => format!("'{}'", p),
            Tok::Punct(p) => p.to_string(),
            Tok::Keyword(k) => k.to_string(),
            Tok::Invalid(_) => "INVALID_CHARACTER".into(),
            Tok::Eof => "end of file".into(),
        }
    }

    fn unexpected(&mut self, expecting: Option<&str>) -> SyntaxError {
        let t = self.peek().unwrap_or(Tok::Eof);
        let pos = self.peek_pos().unwrap_or(self.pos);
        let mut msg = format!("syntax error, unexpected {}", Self::tok_name(&t));
        if let Some(e) = expecting {
            msg.push_str(", expecting ");
            msg.push_str(e);
        }
        msg.push_str(" (Unix shell quoting issues?)");
        SyntaxError { msg, pos }
    }

    // ------------------------------------------------------------ strings

    /// After an opening quote: literal text and `\(...)` interpolations up
    /// to the closing quote.
    fn lex_string(&mut self) -> PResult<Vec<StrPart>> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let start = self.pos;
        loop {
            let rest = &self.src[self.pos..];
            let c = match rest.chars().next() {
                None => {
                    return Err(SyntaxError {
                        msg: "syntax error, unexpected end of file, expecting QQSTRING_TEXT or QQSTRING_INTERP_START or QQSTRING_END (Unix shell quoting issues?)".into(),
                        pos: start,
                    })
                }
                Some(c) => c,
            };
            self.pos += c.len_utf8();
            match c {
                '"' => break,
                '\\' => {
                    let e = self.src[self.pos..].chars().next().unwrap_or('\0');
                    self.pos += e.len_utf8();
                    match e {
                        '(' => {
                            if !lit.is_empty() {
                                parts.push(StrPart::Lit(std::mem::take(&mut lit)));
                            }
                            self.peeked = None;
                            self.depth += 1;
                            let inner = self.parse_pipe()?;
                            self.depth -= 1;
                            if !self.is(")")? {
                                return Err(self.unexpected(None));
                            }
                            // The `)` was the lookahead: drop it and go on
                            // scanning right after it.
                            let end = self.peeked.as_ref().map(|t| t.2).unwrap_or(self.pos);
                            self.peeked = None;
                            self.pos = end;
                            parts.push(StrPart::Interp(inner));
                        }
                        '"' => lit.push('"'),
                        '\\' => lit.push('\\'),
                        '/' => lit.push('/'),
                        'b' => lit.push('\u{8}'),
                        'f' => lit.push('\u{c}'),
                        'n' => lit.push('\n'),
                        'r' => lit.push('\r'),
                        't' => lit.push('\t'),
                        'u' => {
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi) && self.src[self.pos..].starts_with("\\u") {
                                let save = self.pos;
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                } else {
                                    self.pos = save;
                                    None
                                }
                            } else {
                                char::from_u32(hi)
                            };
                            lit.push(c.unwrap_or('\u{FFFD}'));
                        }
                        _ => {
                            return Err(SyntaxError {
                                msg: format!("invalid escape at line {}, column {}", 1, 0),
                                pos: self.pos,
                            })
                        }
                    }
                }
                c if (c as u32) < 0x20 && c != '\n' && c != '\t' && c != '\r' => {
                    return Err(SyntaxError {
                        msg: "syntax error, unexpected INVALID_CHARACTER (Unix shell quoting issues?)".into(),
                        pos: self.pos,
                    })
                }
                c => lit.push(c),
            }
        }
        if !lit.is_empty() || parts.is_empty() {
            parts.push(StrPart::Lit(lit));
        }
        Ok(parts)
    }

    fn hex4(&mut self) -> PResult<u32> {
        let h = self.src.get(self.pos..self.pos + 4).unwrap_or("");
        if h.len() != 4 || !h.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(SyntaxError { msg: "invalid \\u escape".into(), pos: self.pos });
        }
        self.pos += 4;
        Ok(u32::from_str_radix(h, 16).unwrap_or(0xFFFD))
    }

    /// A string token (after its opening quote) as an expression.
    fn string_expr(&mut self, fmt: Option<String>) -> PResult<Expr> {
        self.peeked = None;
        let parts = self.lex_string()?;
        if fmt.is_none() && parts.len() == 1 {
            if let StrPart::Lit(s) = &parts[0] {
                return Ok(Expr::Lit(Value::str(s)));
            }
        }
        Ok(Expr::Str(fmt, parts))
    }

    /// A constant string (object keys, field names): its text if it has no
    /// interpolation.
    fn const_str(e: &Expr) -> Option<String> {
        match e {
            Expr::Lit(Value::Str(s)) => Some(s.to_string()),
            _ => None,
        }
    }

    // ------------------------------------------------------------ expressions

    pub fn parse_pipe(&mut self) -> PResult<Expr> {
        if self.is_kw("def")? {
            let mut defs = Vec::new();
            while self.is_kw("def")? {
                defs.push(&*Box::leak(Box::new(self.parse_def()?)));
            }
            let rest = self.parse_pipe()?;
            return Ok(Expr::Defs(defs, Box::new(rest)));
        }
        let lhs = self.parse_comma()?;
        if self.eat("|")? {
            let rhs = self.parse_pipe()?;
            return Ok(Expr::Pipe(Box::new(lhs), Box::new(rhs)));
        }
        Ok(lhs)
    }

    fn parse_def(&mut self) -> PResult<FuncDef> {
        self.expect_kw("def")?;
        let name = match self.next()? {
            (Tok::Ident(n), _) => n,
            (Tok::Keyword(k), _) => k.to_string(),
            _ => return Err(self.unexpected(None)),
        };
        let mut params = Vec::new();
        if self.eat("(")? {
            loop {
                match self.next()? {
                    (Tok::Ident(n), _) => params.push((n, false)),
                    (Tok::Keyword(k), _) => params.push((k.to_string(), false)),
                    (Tok::Var(n), _) => params.push((n, true)),
                    _ => return Err(self.unexpected(None)),
                }
                if self.eat(";")? {
                    continue;
                }
                self.expect(")")?;
                break;
            }
        }
        self.expect(":")?;
        let body = self.parse_pipe()?;
        self.expect(";")?;
        Ok(FuncDef { name, params, body })
    }

    fn parse_comma(&mut self) -> PResult<Expr> {
        let mut lhs = self.parse_alt()?;
        while self.eat(",")? {
            let rhs = self.parse_alt()?;
            lhs = Expr::Comma(Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn parse_alt(&mut self) -> PResult<Expr> {
        let lhs = self.parse_assign()?;
        if self.eat("//")? {
            let rhs = self.parse_alt()?;
            return Ok(Expr::Alt(Box::new(lhs), Box::new(rhs)));
        }
        Ok(lhs)
    }

    fn parse_assign(&mut self) -> PResult<Expr> {
        let lhs = self.parse_or()?;
        let op = match self.peek()? {
            Tok::Punct("=") => AssignOp::Set,
            Tok::Punct("|=") => AssignOp::Update,
            Tok::Punct("+=") => AssignOp::Arith(BinOp::Add),
            Tok::Punct("-=") => AssignOp::Arith(BinOp::Sub),
            Tok::Punct("*=") => AssignOp::Arith(BinOp::Mul),
            Tok::Punct("/=") => AssignOp::Arith(BinOp::Div),
            Tok::Punct("%=") => AssignOp::Arith(BinOp::Mod),
            Tok::Punct("//=") => AssignOp::Alt,
            _ => return Ok(lhs),
        };
        self.next()?;
        // `//` binds looser than the assignments: `.a = 1 // 2` is
        // `(.a = 1) // 2`.
        let rhs = self.parse_or()?;
        Ok(Expr::Assign(op, Box::new(lhs), Box::new(rhs)))
    }

    fn parse_or(&mut self) -> PResult<Expr> {
        let mut lhs = self.parse_and()?;
        while self.is_kw("or")? {
            self.next()?;
            let rhs = self.parse_and()?;
            lhs = Expr::Or(Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn parse_and(&mut self) -> PResult<Expr> {
        let mut lhs = self.parse_cmp()?;
        while self.is_kw("and")? {
            self.next()?;
            let rhs = self.parse_cmp()?;
            lhs = Expr::And(Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn parse_cmp(&mut self) -> PResult<Expr> {
        let lhs = self.parse_add()?;
        let op = match self.peek()? {
            Tok::Punct("==") => BinOp::Eq,
            Tok::Punct("!=") => BinOp::Ne,
            Tok::Punct("<") => BinOp::Lt,
            Tok::Punct("<=") => BinOp::Le,
            Tok::Punct(">") => BinOp::Gt,
            Tok::Punct(">=") => BinOp::Ge,
            _ => return Ok(lhs),
        };
        self.next()?;
        let rhs = self.parse_add()?;
        if matches!(self.peek()?, Tok::Punct("==" | "!=" | "<" | "<=" | ">" | ">=")) {
            return Err(self.unexpected(None));
        }
        Ok(Expr::Bin(op, Box::new(lhs), Box::new(rhs)))
    }

    fn parse_add(&mut self) -> PResult<Expr> {
        let mut lhs = self.parse_mul_or_neg()?;
        loop {
            let op = match self.peek()? {
                Tok::Punct("+") => BinOp::Add,
                Tok::Punct("-") => BinOp::Sub,
                _ => return Ok(lhs),
            };
            self.next()?;
            let rhs = self.parse_mul_or_neg()?;
            lhs = Expr::Bin(op, Box::new(lhs), Box::new(rhs));
        }
    }

    /// Unary minus binds as loosely as `+`: `-.a * 2` is `-(.a * 2)`.
    fn parse_mul_or_neg(&mut self) -> PResult<Expr> {
        if self.eat("-")? {
            let e = self.parse_mul_or_neg()?;
            return Ok(Expr::Neg(Box::new(e)));
        }
        self.parse_mul()
    }

    fn parse_mul(&mut self) -> PResult<Expr> {
        let mut lhs = self.parse_postfix()?;
        loop {
            let op = match self.peek()? {
                Tok::Punct("*") => BinOp::Mul,
                Tok::Punct("/") => BinOp::Div,
                Tok::Punct("%") => BinOp::Mod,
                _ => return Ok(lhs),
            };
            self.next()?;
            let rhs = if self.eat("-")? { Expr::Neg(Box::new(self.parse_postfix()?)) } else { self.parse_postfix()? };
            lhs = Expr::Bin(op, Box::new(lhs), Box::new(rhs));
        }
    }

    /// A term with its suffixes (`.a`, `[i]`, `[]`, `?`), and an `as`
    /// binding whose body runs to the end of the enclosing pipe.
    fn parse_postfix(&mut self) -> PResult<Expr> {
        let mut t = self.parse_term()?;
        loop {
            match self.peek()? {
                Tok::Field(f) => {
                    self.next()?;
                    t = Expr::Index(Box::new(t), Box::new(Expr::Lit(Value::str(&f))));
                }
                Tok::Dot => {
                    self.next()?;
                    match self.peek()? {
                        Tok::Quote => {
                            let k = self.string_expr(None)?;
                            t = Expr::Index(Box::new(t), Box::new(k));
                        }
                        Tok::Punct("[") => t = self.parse_bracket(t)?,
                        _ => return Err(self.unexpected(None)),
                    }
                }
                Tok::Punct("[") => t = self.parse_bracket(t)?,
                Tok::Punct("?") => {
                    self.next()?;
                    t = Expr::Try(Box::new(t), None);
                }
                Tok::Keyword("as") => {
                    self.next()?;
                    let pats = self.parse_patterns()?;
                    self.expect("|")?;
                    let body = self.parse_pipe()?;
                    return Ok(Expr::Bind(Box::new(t), pats, Box::new(body)));
                }
                _ => return Ok(t),
            }
        }
    }

    /// `[` after a term: index, iterate or slice.
    fn parse_bracket(&mut self, t: Expr) -> PResult<Expr> {
        self.expect("[")?;
        if self.eat("]")? {
            return Ok(Expr::Iter(Box::new(t)));
        }
        if self.eat(":")? {
            let to = self.parse_pipe()?;
            self.expect("]")?;
            return Ok(Expr::Slice(Box::new(t), None, Some(Box::new(to))));
        }
        let k = self.parse_pipe()?;
        if self.eat(":")? {
            if self.eat("]")? {
                return Ok(Expr::Slice(Box::new(t), Some(Box::new(k)), None));
            }
            let to = self.parse_pipe()?;
            self.expect("]")?;
            return Ok(Expr::Slice(Box::new(t), Some(Box::new(k)), Some(Box::new(to))));
        }
        self.expect("]")?;
        Ok(Expr::Index(Box::new(t), Box::new(k)))
    }

    fn line_of(&self, pos: usize) -> usize {
        self.src[..pos.min(self.src.len())].matches('\n').count() + 1
    }

    fn parse_term(&mut self) -> PResult<Expr> {
        let (tok, at) = match self.peek()? {
            Tok::Eof | Tok::Invalid(_) => return Err(self.unexpected(None)),
            _ => self.next()?,
        };
        Ok(match tok {
            Tok::Dot => match self.peek()? {
                Tok::Quote => {
                    let k = self.string_expr(None)?;
                    Expr::Index(Box::new(Expr::Identity), Box::new(k))
                }
                Tok::Punct("[") => self.parse_bracket(Expr::Identity)?,
                _ => Expr::Identity,
            },
            Tok::DotDot => Expr::RecurseAll,
            Tok::Field(f) => Expr::Index(Box::new(Expr::Identity), Box::new(Expr::Lit(Value::str(&f)))),
            Tok::Num(n) => match crate::json::number_literal(&n) {
                Some(v) => Expr::Lit(v),
                None => return Err(SyntaxError { msg: "Invalid numeric literal".into(), pos: at }),
            },
            Tok::Quote => {
                self.peeked = Some((Tok::Quote, at, at + 1));
                self.string_expr(None)?
            }
            Tok::Format(f) => {
                if let Tok::Quote = self.peek()? {
                    self.string_expr(Some(f))?
                } else {
                    Expr::Format(f)
                }
            }
            Tok::Var(v) => {
                if v == "__loc__" {
                    Expr::Loc(self.line_of(at))
                } else {
                    Expr::Var(v, at)
                }
            }
            Tok::Punct("(") => {
                let e = self.parse_pipe()?;
                self.expect(")")?;
                e
            }
            Tok::Punct("[") => {
                if self.eat("]")? {
                    Expr::Array(None)
                } else {
                    let e = self.parse_pipe()?;
                    self.expect("]")?;
                    Expr::Array(Some(Box::new(e)))
                }
            }
            Tok::Punct("{") => self.parse_object()?,
            Tok::Punct("-") => {
                let e = self.parse_postfix()?;
                Expr::Neg(Box::new(e))
            }
            Tok::Keyword("if") => self.parse_if()?,
            Tok::Keyword("try") => {
                let body = self.parse_try_body()?;
                let handler = if self.is_kw("catch")? {
                    self.next()?;
                    Some(Box::new(self.parse_try_body()?))
                } else {
                    None
                };
                Expr::Try(Box::new(body), handler)
            }
            Tok::Keyword("reduce") => {
                let src = self.parse_term_postfix()?;
                self.expect_kw("as")?;
                let pats = self.parse_patterns()?;
                self.expect("(")?;
                let init = self.parse_pipe()?;
                self.expect(";")?;
                let update = self.parse_pipe()?;
                self.expect(")")?;
                Expr::Reduce(Box::new(src), pats, Box::new(init), Box::new(update))
            }
            Tok::Keyword("foreach") => {
                let src = self.parse_term_postfix()?;
                self.expect_kw("as")?;
                let pats = self.parse_patterns()?;
                self.expect("(")?;
                let init = self.parse_pipe()?;
                self.expect(";")?;
                let update = self.parse_pipe()?;
                let extract = if self.eat(";")? { Some(Box::new(self.parse_pipe()?)) } else { None };
                self.expect(")")?;
                Expr::Foreach(Box::new(src), pats, Box::new(init), Box::new(update), extract)
            }
            Tok::Keyword("label") => {
                let name = match self.next()? {
                    (Tok::Var(n), _) => n,
                    _ => return Err(self.unexpected(None)),
                };
                self.expect("|")?;
                let body = self.parse_pipe()?;
                Expr::Label(name, Box::new(body))
            }
            Tok::Keyword("def") => {
                self.peeked = Some((Tok::Keyword("def"), at, at + 3));
                self.pos = at + 3;
                return self.parse_pipe();
            }
            Tok::Ident(name) if name == "break" => match self.next()? {
                (Tok::Var(n), _) => Expr::Break(n, at),
                _ => return Err(self.unexpected(None)),
            },
            Tok::Ident(name) if !self.is("(")? && matches!(name.as_str(), "null" | "true" | "false") => {
                Expr::Lit(match name.as_str() {
                    "null" => Value::Null,
                    "true" => Value::Bool(true),
                    _ => Value::Bool(false),
                })
            }
            Tok::Ident(name) => {
                let mut args = Vec::new();
                if self.eat("(")? {
                    loop {
                        args.push(self.parse_pipe()?);
                        if self.eat(";")? {
                            continue;
                        }
                        self.expect(")")?;
                        break;
                    }
                }
                Expr::Call(Call { name, args, pos: at, global: Cell::new(None) })
            }
            _ => {
                self.peeked = Some((tok, at, at));
                return Err(self.unexpected(None));
            }
        })
    }

    /// The body of `try`/`catch`: a postfix term (bison gives them the
    /// highest precedence).
    fn parse_try_body(&mut self) -> PResult<Expr> {
        if self.eat("-")? {
            return Ok(Expr::Neg(Box::new(self.parse_try_body()?)));
        }
        self.parse_term_postfix()
    }

    /// A term and its suffixes, without an `as` binding.
    fn parse_term_postfix(&mut self) -> PResult<Expr> {
        let mut t = self.parse_term()?;
        loop {
            match self.peek()? {
                Tok::Field(f) => {
                    self.next()?;
                    t = Expr::Index(Box::new(t), Box::new(Expr::Lit(Value::str(&f))));
                }
                Tok::Dot => {
                    self.next()?;
                    match self.peek()? {
                        Tok::Quote => {
                            let k = self.string_expr(None)?;
                            t = Expr::Index(Box::new(t), Box::new(k));
                        }
                        Tok::Punct("[") => t = self.parse_bracket(t)?,
                        _ => return Err(self.unexpected(None)),
                    }
                }
                Tok::Punct("[") => t = self.parse_bracket(t)?,
                Tok::Punct("?") => {
                    self.next()?;
                    t = Expr::Try(Box::new(t), None);
                }
                _ => return Ok(t),
            }
        }
    }

    fn parse_if(&mut self) -> PResult<Expr> {
        let mut arms = Vec::new();
        let cond = self.parse_pipe()?;
        self.expect_kw("then")?;
        let then = self.parse_pipe()?;
        arms.push((cond, then));
        loop {
            match self.peek()? {
                Tok::Keyword("elif") => {
                    self.next()?;
                    let c = self.parse_pipe()?;
                    self.expect_kw("then")?;
                    let t = self.parse_pipe()?;
                    arms.push((c, t));
                }
                Tok::Keyword("else") => {
                    self.next()?;
                    let e = self.parse_pipe()?;
                    self.expect_kw("end")?;
                    return Ok(Expr::If(arms, Some(Box::new(e))));
                }
                Tok::Keyword("end") => {
                    self.next()?;
                    return Ok(Expr::If(arms, None));
                }
                _ => return Err(self.unexpected(None)),
            }
        }
    }

    fn parse_object(&mut self) -> PResult<Expr> {
        let mut entries = Vec::new();
        if self.eat("}")? {
            return Ok(Expr::Object(entries));
        }
        loop {
            let (tok, at) = self.next()?;
            let (key, shorthand_ok) = match tok {
                Tok::Ident(n) => (Expr::Lit(Value::str(&n)), true),
                Tok::Keyword(k) => (Expr::Lit(Value::str(k)), true),
                Tok::Var(v) if v == "__loc__" => {
                    let line = self.line_of(at);
                    if !self.is(":")? {
                        entries.push(ObjEntry { key: Expr::Lit(Value::str("__loc__")), value: Some(Expr::Loc(line)) });
                        if self.eat(",")? {
                            continue;
                        }
                        self.expect("}")?;
                        break;
                    }
                    (Expr::Lit(Value::str("__loc__")), false)
                }
                Tok::Var(v) => {
                    if !self.is(":")? {
                        entries.push(ObjEntry { key: Expr::Lit(Value::str(&v)), value: Some(Expr::Var(v, at)) });
                        if self.eat(",")? {
                            continue;
                        }
                        self.expect("}")?;
                        break;
                    }
                    (Expr::Var(v, at), false)
                }
                Tok::Num(n) => {
                    self.peeked = Some((Tok::Num(n), at, at));
                    return Err(self.unexpected(None));
                }
                Tok::Quote => {
                    self.peeked = Some((Tok::Quote, at, at + 1));
                    (self.string_expr(None)?, true)
                }
                Tok::Format(f) => {
                    if let Tok::Quote = self.peek()? {
                        (self.string_expr(Some(f))?, true)
                    } else {
                        (Expr::Format(f), false)
                    }
                }
                Tok::Punct("(") => {
                    let e = self.parse_pipe()?;
                    self.expect(")")?;
                    (e, false)
                }
                other => {
                    self.peeked = Some((other, at, at));
                    return Err(self.unexpected(None));
                }
            };
            if self.eat(":")? {
                let v = self.parse_obj_value()?;
                entries.push(ObjEntry { key, value: Some(v) });
            } else if shorthand_ok {
                entries.push(ObjEntry { key, value: None });
            } else {
                return Err(self.unexpected(None));
            }
            if self.eat(",")? {
                continue;
            }
            self.expect("}")?;
            break;
        }
        Ok(Expr::Object(entries))
    }

    /// An object value: terms (with unary minus) joined by `|`.
    fn parse_obj_value(&mut self) -> PResult<Expr> {
        let lhs = if self.eat("-")? {
            Expr::Neg(Box::new(self.parse_obj_value_term()?))
        } else {
            self.parse_obj_value_term()?
        };
        if self.eat("|")? {
            let rhs = self.parse_obj_value()?;
            return Ok(Expr::Pipe(Box::new(lhs), Box::new(rhs)));
        }
        Ok(lhs)
    }

    fn parse_obj_value_term(&mut self) -> PResult<Expr> {
        self.parse_term_postfix()
    }

    fn parse_patterns(&mut self) -> PResult<Vec<Pattern>> {
        let mut pats = vec![self.parse_pattern()?];
        while self.eat("?//")? {
            pats.push(self.parse_pattern()?);
        }
        Ok(pats)
    }

    fn parse_pattern(&mut self) -> PResult<Pattern> {
        match self.next()? {
            (Tok::Var(v), _) => Ok(Pattern::Var(v)),
            (Tok::Punct("["), _) => {
                let mut ps = Vec::new();
                loop {
                    ps.push(self.parse_pattern()?);
                    if self.eat(",")? {
                        continue;
                    }
                    self.expect("]")?;
                    return Ok(Pattern::Array(ps));
                }
            }
            (Tok::Punct("{"), _) => {
                let mut es = Vec::new();
                loop {
                    let (tok, at) = self.next()?;
                    match tok {
                        Tok::Var(v) => {
                            let sub = if self.eat(":")? { Some(self.parse_pattern()?) } else { None };
                            es.push((Expr::Lit(Value::str(&v)), Some(v), sub));
                        }
                        Tok::Ident(n) => {
                            self.expect(":")?;
                            es.push((Expr::Lit(Value::str(&n)), None, Some(self.parse_pattern()?)));
                        }
                        Tok::Keyword(k) => {
                            self.expect(":")?;
                            es.push((Expr::Lit(Value::str(k)), None, Some(self.parse_pattern()?)));
                        }
                        Tok::Quote => {
                            self.peeked = Some((Tok::Quote, at, at + 1));
                            let k = self.string_expr(None)?;
                            self.expect(":")?;
                            es.push((k, None, Some(self.parse_pattern()?)));
                        }
                        Tok::Punct("(") => {
                            let k = self.parse_pipe()?;
                            self.expect(")")?;
                            self.expect(":")?;
                            es.push((k, None, Some(self.parse_pattern()?)));
                        }
                        other => {
                            self.peeked = Some((other, at, at));
                            return Err(self.unexpected(None));
                        }
                    }
                    if self.eat(",")? {
                        continue;
                    }
                    self.expect("}")?;
                    return Ok(Pattern::Object(es));
                }
            }
            (other, at) => {
                self.peeked = Some((other, at, at));
                Err(self.unexpected(Some("'$' or '[' or '{'")))
            }
        }
    }
}

/// Parses a program or a builtin library.
pub fn parse(src: &str) -> Result<Expr, SyntaxError> {
    let mut p = Parser::new(src);
    p.parse_program()
}

/// Parses a series of definitions (the jq-coded builtins).
pub fn parse_defs(src: &str) -> Result<Vec<FuncDef>, SyntaxError> {
    let mut p = Parser::new(src);
    let mut defs = Vec::new();
    while p.is_kw("def")? {
        defs.push(p.parse_def()?);
    }
    match p.peek()? {
        Tok::Eof => Ok(defs),
        _ => Err(p.unexpected(None)),
    }
}

#[allow(dead_code)]
fn _unused(_: &Parser) -> Option<String> {
    Parser::const_str(&Expr::Identity)
}
