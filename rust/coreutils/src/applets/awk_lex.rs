//! awk's lexer: turns program text into tokens for the parser in
//! `awk_parse`.
//!
//! awk's grammar cannot be tokenized without context: `/` starts a regular
//! expression where an operand is expected and divides elsewhere. The
//! parser knows which; it asks for [`Lexer::regex`] when it meets a `/` (or
//! `/=`) in operand position, and the lexer re-reads from just after it.
//! A name written right before `(` is a call of a user function (gawk
//! requires no space there); the lexer reports it as [`Tok::FuncName`].

pub const APPLETS: &[wsutil::Applet] = &[];

/// One program text: `cmd. line` for `-e`/the operand, or a `-f` file.
pub struct Source {
    /// The name messages print ("cmd. line" or the file name).
    pub name: String,
    pub text: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Newline,
    /// Between two program sources (-f/-e): only allowed between rules.
    SourceEnd,
    Eof,
    LBrace,
    RBrace,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Semi,
    Comma,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Caret,
    Not,
    Gt,
    Lt,
    Pipe,
    PipeAmp,
    Question,
    Colon,
    Tilde,
    NoMatch,
    Dollar,
    Assign,
    AddAssign,
    SubAssign,
    MulAssign,
    DivAssign,
    ModAssign,
    PowAssign,
    Eq,
    Le,
    Ge,
    Ne,
    Incr,
    Decr,
    Append,
    And,
    Or,
    At,
    Number(f64),
    Str(Vec<u8>),
    Regex(Vec<u8>),
    Name(String),
    FuncName(String),
    Builtin(String),
    Begin,
    End,
    BeginFile,
    EndFile,
    Function,
    If,
    Else,
    While,
    For,
    Do,
    Break,
    Continue,
    Next,
    NextFile,
    Exit,
    Return,
    Delete,
    Getline,
    Print,
    Printf,
    In,
    Switch,
    Case,
    Default,
}

/// Where a token starts: which source, byte offset, line (1-based).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pos {
    pub src: usize,
    pub off: usize,
    pub line: u32,
}

#[derive(Clone, Debug)]
pub struct Token {
    pub tok: Tok,
    pub pos: Pos,
}

/// A lexical error: message and where (gawk points its caret there).
#[derive(Debug)]
pub struct LexError {
    pub msg: String,
    pub pos: Pos,
}

/// The built-in functions gawk knows, as the lexer reports them.
pub const BUILTINS: &[&str] = &[
    "length", "substr", "index", "split", "sub", "gsub", "gensub", "match", "sprintf", "sin", "cos", "atan2", "exp",
    "log", "sqrt", "int", "rand", "srand", "tolower", "toupper", "system", "close", "fflush", "patsplit", "asort",
    "asorti", "strftime", "systime", "mktime", "and", "or", "xor", "lshift", "rshift", "compl", "strtonum", "isarray",
    "typeof", "mkbool", "bindtextdomain", "dcgettext", "dcngettext",
];

fn keyword(name: &str) -> Option<Tok> {
    Some(match name {
        "BEGIN" => Tok::Begin,
        "END" => Tok::End,
        "BEGINFILE" => Tok::BeginFile,
        "ENDFILE" => Tok::EndFile,
        "function" | "func" => Tok::Function,
        "if" => Tok::If,
        "else" => Tok::Else,
        "while" => Tok::While,
        "for" => Tok::For,
        "do" => Tok::Do,
        "break" => Tok::Break,
        "continue" => Tok::Continue,
        "next" => Tok::Next,
        "nextfile" => Tok::NextFile,
        "exit" => Tok::Exit,
        "return" => Tok::Return,
        "delete" => Tok::Delete,
        "getline" => Tok::Getline,
        "print" => Tok::Print,
        "printf" => Tok::Printf,
        "in" => Tok::In,
        "switch" => Tok::Switch,
        "case" => Tok::Case,
        "default" => Tok::Default,
        _ => return None,
    })
}

pub struct Lexer<'a> {
    pub sources: &'a [Source],
    src: usize,
    off: usize,
    line: u32,
    /// A newline token is produced at the end of each source, once.
    ended: bool,
    /// Warnings the lexer gives (escape sequences), as gawk prints them.
    pub warnings: Vec<(Pos, String)>,
}

/// A lexer position to come back to (the parser looks ahead a few tokens
/// for `for (k in a)` and `cmd | getline`).
#[derive(Clone, Copy, Debug)]
pub struct LexState {
    src: usize,
    off: usize,
    line: u32,
    ended: bool,
}

impl<'a> Lexer<'a> {
    pub fn state(&self) -> LexState {
        LexState { src: self.src, off: self.off, line: self.line, ended: self.ended }
    }

    pub fn set_state(&mut self, s: LexState) {
        self.src = s.src;
        self.off = s.off;
        self.line = s.line;
        self.ended = s.ended;
    }

    pub fn new(sources: &'a [Source]) -> Self {
        Lexer { sources, src: 0, off: 0, line: 1, ended: false, warnings: Vec::new() }
    }

    fn text(&self) -> &'a [u8] {
        match self.sources.get(self.src) {
            Some(s) => &s.text,
            None => &[],
        }
    }

    fn peek_at(&self, i: usize) -> Option<u8> {
        self.text().get(self.off + i).copied()
    }

    fn pos(&self) -> Pos {
        Pos { src: self.src, off: self.off, line: self.line }
    }

    /// Skips blanks, comments and backslash-newline continuations.
    fn skip_space(&mut self) {
        loop {
            match self.peek_at(0) {
                Some(b' ') | Some(b'\t') | Some(b'\r') => self.off += 1,
                Some(b'\\') if self.peek_at(1) == Some(b'\n') => {
                    self.off += 2;
                    self.line += 1;
                }
                Some(b'\\') if self.peek_at(1) == Some(b'\r') && self.peek_at(2) == Some(b'\n') => {
                    self.off += 3;
                    self.line += 1;
                }
                Some(b'#') => {
                    while let Some(c) = self.peek_at(0) {
                        if c == b'\n' {
                            break;
                        }
                        self.off += 1;
                    }
                }
                _ => return,
            }
        }
    }

    /// The next token.
    pub fn next(&mut self) -> Result<Token, LexError> {
        loop {
            self.skip_space();
            if self.off < self.text().len() {
                break;
            }
            if self.src >= self.sources.len() {
                return Ok(Token { tok: Tok::Eof, pos: self.end_pos() });
            }
            if !self.ended {
                self.ended = true;
                return Ok(Token { tok: Tok::Newline, pos: self.pos() });
            }
            let pos = self.pos();
            if self.src + 1 >= self.sources.len() {
                self.src = self.sources.len();
                return Ok(Token { tok: Tok::Eof, pos });
            }
            // A rule cannot continue into the next source.
            self.src += 1;
            self.off = 0;
            self.line = 1;
            self.ended = false;
            return Ok(Token { tok: Tok::SourceEnd, pos });
        }
        let pos = self.pos();
        let c = self.peek_at(0).unwrap_or(0);
        let two = |s: &mut Self, next: u8, yes: Tok, no: Tok| {
            if s.peek_at(1) == Some(next) {
                s.off += 2;
                yes
            } else {
                s.off += 1;
                no
            }
        };
        let tok = match c {
            b'\n' => {
                self.off += 1;
                self.line += 1;
                Tok::Newline
            }
            b'{' => self.one(Tok::LBrace),
            b'}' => self.one(Tok::RBrace),
            b'(' => self.one(Tok::LParen),
            b')' => self.one(Tok::RParen),
            b'[' => self.one(Tok::LBracket),
            b']' => self.one(Tok::RBracket),
            b';' => self.one(Tok::Semi),
            b',' => self.one(Tok::Comma),
            b'?' => self.one(Tok::Question),
            b':' => self.one(Tok::Colon),
            b'~' => self.one(Tok::Tilde),
            b'$' => self.one(Tok::Dollar),
            b'@' => self.one(Tok::At),
            b'+' => {
                if self.peek_at(1) == Some(b'+') {
                    self.off += 2;
                    Tok::Incr
                } else {
                    two(self, b'=', Tok::AddAssign, Tok::Plus)
                }
            }
            b'-' => {
                if self.peek_at(1) == Some(b'-') {
                    self.off += 2;
                    Tok::Decr
                } else {
                    two(self, b'=', Tok::SubAssign, Tok::Minus)
                }
            }
            b'*' => {
                if self.peek_at(1) == Some(b'*') {
                    if self.peek_at(2) == Some(b'=') {
                        self.off += 3;
                        Tok::PowAssign
                    } else {
                        self.off += 2;
                        Tok::Caret
                    }
                } else {
                    two(self, b'=', Tok::MulAssign, Tok::Star)
                }
            }
            b'/' => two(self, b'=', Tok::DivAssign, Tok::Slash),
            b'%' => two(self, b'=', Tok::ModAssign, Tok::Percent),
            b'^' => two(self, b'=', Tok::PowAssign, Tok::Caret),
            b'=' => two(self, b'=', Tok::Eq, Tok::Assign),
            b'!' => {
                if self.peek_at(1) == Some(b'~') {
                    self.off += 2;
                    Tok::NoMatch
                } else {
                    two(self, b'=', Tok::Ne, Tok::Not)
                }
            }
            b'<' => two(self, b'=', Tok::Le, Tok::Lt),
            b'>' => {
                if self.peek_at(1) == Some(b'>') {
                    self.off += 2;
                    Tok::Append
                } else {
                    two(self, b'=', Tok::Ge, Tok::Gt)
                }
            }
            b'|' => {
                if self.peek_at(1) == Some(b'|') {
                    self.off += 2;
                    Tok::Or
                } else {
                    two(self, b'&', Tok::PipeAmp, Tok::Pipe)
                }
            }
            b'&' => {
                if self.peek_at(1) == Some(b'&') {
                    self.off += 2;
                    Tok::And
                } else {
                    self.off += 1;
                    return Err(LexError { msg: "syntax error".into(), pos });
                }
            }
            b'"' => self.string(pos)?,
            b'0'..=b'9' | b'.' => {
                if c == b'.' && !self.peek_at(1).map_or(false, |d| d.is_ascii_digit()) {
                    self.off += 1;
                    return Err(LexError { msg: "syntax error".into(), pos });
                }
                self.number()
            }
            c if c == b'_' || c.is_ascii_alphabetic() => self.name(),
            _ => {
                self.off += 1;
                return Err(LexError { msg: "syntax error".into(), pos });
            }
        };
        Ok(Token { tok, pos })
    }

    /// Where the end of the whole program is (for "end of string" errors).
    fn end_pos(&self) -> Pos {
        let last = self.sources.len().saturating_sub(1);
        let text = self.sources.get(last).map_or(&[][..], |s| &s.text[..]);
        let line = 1 + text.iter().filter(|&&b| b == b'\n').count() as u32;
        Pos { src: last, off: text.len(), line }
    }

    fn one(&mut self, t: Tok) -> Tok {
        self.off += 1;
        t
    }

    fn name(&mut self) -> Tok {
        let text = self.text();
        let start = self.off;
        while self.off < text.len() && (text[self.off] == b'_' || text[self.off].is_ascii_alphanumeric()) {
            self.off += 1;
        }
        let name = String::from_utf8_lossy(&text[start..self.off]).into_owned();
        if let Some(k) = keyword(&name) {
            return k;
        }
        if BUILTINS.contains(&name.as_str()) {
            return Tok::Builtin(name);
        }
        if self.peek_at(0) == Some(b'(') {
            Tok::FuncName(name)
        } else {
            Tok::Name(name)
        }
    }

    /// A numeric constant: decimal (with fraction and exponent), or, as
    /// gawk allows in program text, hexadecimal `0x1F` and octal `017`.
    fn number(&mut self) -> Tok {
        let text = self.text();
        let start = self.off;
        if text[start] == b'0'
            && matches!(text.get(start + 1), Some(b'x') | Some(b'X'))
            && text.get(start + 2).map_or(false, |c| c.is_ascii_hexdigit())
        {
            let mut i = start + 2;
            let mut v = 0f64;
            while i < text.len() && text[i].is_ascii_hexdigit() {
                v = v * 16.0 + (text[i] as char).to_digit(16).unwrap_or(0) as f64;
                i += 1;
            }
            self.off = i;
            return Tok::Number(v);
        }
        let mut i = start;
        while i < text.len() && text[i].is_ascii_digit() {
            i += 1;
        }
        let int_end = i;
        if i < text.len() && text[i] == b'.' {
            i += 1;
            while i < text.len() && text[i].is_ascii_digit() {
                i += 1;
            }
        }
        if i < text.len() && (text[i] == b'e' || text[i] == b'E') {
            let mut j = i + 1;
            if j < text.len() && (text[j] == b'+' || text[j] == b'-') {
                j += 1;
            }
            if j < text.len() && text[j].is_ascii_digit() {
                while j < text.len() && text[j].is_ascii_digit() {
                    j += 1;
                }
                i = j;
            }
        }
        self.off = i;
        let lit = &text[start..i];
        // An octal constant: a leading 0, digits only, all below 8.
        if i == int_end && lit.len() > 1 && lit[0] == b'0' && lit.iter().all(|c| (b'0'..=b'7').contains(c)) {
            let v = lit.iter().fold(0f64, |v, &c| v * 8.0 + (c - b'0') as f64);
            return Tok::Number(v);
        }
        let s = std::str::from_utf8(lit).unwrap_or("0");
        Tok::Number(s.parse::<f64>().unwrap_or(0.0))
    }

    /// A string constant with its escape sequences processed.
    fn string(&mut self, pos: Pos) -> Result<Tok, LexError> {
        self.off += 1;
        let mut out = Vec::new();
        loop {
            let c = match self.peek_at(0) {
                None | Some(b'\n') => {
                    return Err(LexError { msg: "unterminated string".into(), pos });
                }
                Some(c) => c,
            };
            self.off += 1;
            match c {
                b'"' => return Ok(Tok::Str(out)),
                b'\\' => {
                    let esc_pos = self.pos();
                    match self.peek_at(0) {
                        None => return Err(LexError { msg: "unterminated string".into(), pos }),
                        Some(b'\n') => {
                            self.off += 1;
                            self.line += 1;
                        }
                        Some(b'\r') if self.peek_at(1) == Some(b'\n') => {
                            self.off += 2;
                            self.line += 1;
                        }
                        Some(_) => {
                            let (bytes, used, warn) = escape(&self.text()[self.off..], false);
                            self.off += used;
                            out.extend_from_slice(&bytes);
                            if let Some(w) = warn {
                                self.warnings.push((esc_pos, w));
                            }
                        }
                    }
                }
                _ => out.push(c),
            }
        }
    }

    /// Re-reads from just after the `/` at `slash` as a regular expression
    /// constant. The text goes to the regex compiler as written (it knows
    /// awk's escapes), except `\/`, which is a plain slash.
    pub fn regex(&mut self, slash: Pos) -> Result<Token, LexError> {
        self.src = slash.src;
        self.off = slash.off + 1;
        self.line = slash.line;
        let start_pos = self.pos();
        let mut out = Vec::new();
        let mut in_bracket = false;
        let mut bracket_start = 0usize;
        loop {
            let c = match self.peek_at(0) {
                None | Some(b'\n') => {
                    return Err(LexError { msg: "unterminated regexp".into(), pos: start_pos });
                }
                Some(c) => c,
            };
            self.off += 1;
            match c {
                b'\\' => match self.peek_at(0) {
                    Some(b'/') => {
                        out.push(b'/');
                        self.off += 1;
                    }
                    Some(b'\n') => {
                        self.off += 1;
                        self.line += 1;
                    }
                    Some(d) => {
                        out.push(b'\\');
                        out.push(d);
                        self.off += 1;
                    }
                    None => out.push(b'\\'),
                },
                b'[' => {
                    if !in_bracket {
                        in_bracket = true;
                        bracket_start = out.len();
                    } else if self.peek_at(0) == Some(b':') {
                        // A class name: `[:alpha:]` holds no closing bracket.
                        out.push(c);
                        while let Some(d) = self.peek_at(0) {
                            if d == b'\n' {
                                break;
                            }
                            out.push(d);
                            self.off += 1;
                            if d == b']' && out.len() >= 2 && out[out.len() - 2] == b':' {
                                break;
                            }
                        }
                        continue;
                    }
                    out.push(c);
                }
                b']' => {
                    // `]` first in a bracket (after `[` or `[^`) is literal.
                    let body = out.len() - bracket_start;
                    let literal = in_bracket && (body == 1 || (body == 2 && out[bracket_start + 1] == b'^'));
                    if in_bracket && !literal {
                        in_bracket = false;
                    }
                    out.push(c);
                }
                b'/' if !in_bracket => {
                    return Ok(Token { tok: Tok::Regex(out), pos: start_pos });
                }
                _ => out.push(c),
            }
        }
    }
}

/// Decodes one escape sequence of a string constant (`s` starts just after
/// the backslash). Returns the bytes, how many input bytes it used, and
/// gawk's warning for an unknown escape. `in_regex_string` is unused by
/// string constants; -v values use the same rules.
pub fn escape(s: &[u8], _in_regex_string: bool) -> (Vec<u8>, usize, Option<String>) {
    let c = s[0];
    let simple = match c {
        b'a' => Some(7u8),
        b'b' => Some(8),
        b'f' => Some(12),
        b'n' => Some(b'\n'),
        b'r' => Some(b'\r'),
        b't' => Some(b'\t'),
        b'v' => Some(11),
        b'"' => Some(b'"'),
        b'\\' => Some(b'\\'),
        _ => None,
    };
    if let Some(b) = simple {
        return (vec![b], 1, None);
    }
    if (b'0'..=b'7').contains(&c) {
        let mut v = 0u32;
        let mut i = 0;
        while i < 3 && i < s.len() && (b'0'..=b'7').contains(&s[i]) {
            v = v * 8 + (s[i] - b'0') as u32;
            i += 1;
        }
        return (vec![v as u8], i, None);
    }
    if c == b'x' {
        let mut v = 0u32;
        let mut i = 1;
        while i < 3 && i < s.len() && s[i].is_ascii_hexdigit() {
            v = v * 16 + (s[i] as char).to_digit(16).unwrap_or(0);
            i += 1;
        }
        if i == 1 {
            return (vec![b'x'], 1, Some("no hex digits in `\\x' escape sequence".to_string()));
        }
        return (vec![v as u8], i, None);
    }
    // Any other character stands for itself (gawk warns).
    let len = utf8_len(s);
    let ch = String::from_utf8_lossy(&s[..len]).into_owned();
    (s[..len].to_vec(), len, Some(format!("escape sequence `\\{}' treated as plain `{}'", ch, ch)))
}

/// Length of the UTF-8 character at the start of `s` (1 for a bad byte).
pub fn utf8_len(s: &[u8]) -> usize {
    let n = match s.first() {
        Some(&b) if b >= 0xF0 && b < 0xF8 => 4,
        Some(&b) if b >= 0xE0 => 3,
        Some(&b) if b >= 0xC0 => 2,
        _ => 1,
    };
    if n > 1 && s.len() >= n && std::str::from_utf8(&s[..n]).is_ok() {
        n
    } else {
        1
    }
}
