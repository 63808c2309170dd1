//! `sed`'s compiled program: commands with their addresses, the pieces of
//! an `s` replacement, `y` tables and the regular expressions; and the
//! text rules GNU sed 4.9 applies while compiling (its `\n`, `\t`, `\dNNN`,
//! `\oNNN`, `\xHH`, `\cX` escapes and the replacement's `\1`, `&`, `\L`,
//! `\U`, `\l`, `\u`, `\E`). Part of the `sed` applet family (sed.rs).

use std::rc::Rc;

use wsutil::regex::{self, ctype, Dialect, Flags, Regex};

pub const APPLETS: &[wsutil::Applet] = &[];

/// Exit statuses of GNU sed.
pub const EXIT_BAD_USAGE: i32 = 1;
pub const EXIT_BAD_INPUT: i32 = 2;
pub const EXIT_PANIC: i32 = 4;

/// Why sed stops: the message (without the leading `sed: `; it may hold
/// raw bytes of the script) and the exit status.
#[derive(Debug)]
pub struct SedError {
    pub msg: Vec<u8>,
    pub status: i32,
}

impl SedError {
    /// GNU's `panic()`: I/O trouble, status 4.
    pub fn panic(msg: impl Into<Vec<u8>>) -> Self {
        SedError { msg: msg.into(), status: EXIT_PANIC }
    }

    /// GNU's `bad_prog()` without a location: status 1.
    pub fn bad(msg: impl Into<Vec<u8>>) -> Self {
        SedError { msg: msg.into(), status: EXIT_BAD_USAGE }
    }
}

/// How strictly POSIX sed behaves: GNU extensions on (the default), the
/// POSIXLY_CORRECT environment variable (a few behaviours change), or
/// `--posix` (refused by this build).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Posix {
    Extended,
    Correct,
}

/// A compiled address or `s` regular expression.
pub struct SedRegex {
    pub re: Regex,
    /// The `M` flag: `^`/`$` at line ends, `.` not across newlines.
    pub multiline: bool,
    /// The pattern is exactly `^` or `$`: GNU matches these by hand (and
    /// with `-z` and `M`, at NUL-separated lines).
    pub begline: bool,
    pub endline: bool,
    /// The pattern is a plain string (no operator, valid UTF-8, case
    /// kept): a substring search finds exactly the regex's matches.
    pub literal: Option<memchr::memmem::Finder<'static>>,
}

/// Whether a pattern is a plain string for the regex syntax in use.
fn plain_literal(pattern: &[u8], extended: bool, icase: bool) -> bool {
    let special: &[u8] = if extended { b"\\.[]*^$+?(){}|" } else { b"\\.[]*^$" };
    !icase
        && !pattern.is_empty()
        && std::str::from_utf8(pattern).is_ok()
        && !pattern.iter().any(|c| special.contains(c))
}

/// One address. `Step`/`StepMod` (`addr1,+N`, `addr1,~N`) only end a range.
pub enum Addr {
    Num(u64),
    /// `first~step` with step > 0.
    NumMod(u64, u64),
    Step(u64),
    StepMod(u64),
    Last,
    /// None: the empty regex `//`, the last regex used.
    Regex(Option<Rc<SedRegex>>),
    /// `addr1,+0` or `addr1,~0`: the range ends on its first line.
    Null,
}

/// Where a two-address command is in its range.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Range {
    Inactive,
    Active,
    Closed,
}

/// Case conversion of replacement text (GNU's `repl_type` bits).
pub const CASE_UPPER: u8 = 1;
pub const CASE_LOWER: u8 = 2;
pub const CASE_UPPER_FIRST: u8 = 4;
pub const CASE_LOWER_FIRST: u8 = 8;
pub const CASE_ONE: u8 = CASE_UPPER_FIRST | CASE_LOWER_FIRST;

/// One piece of a replacement: literal text, then optionally a group
/// (`&` is group 0), with the case conversion in force.
pub struct Piece {
    pub text: Vec<u8>,
    pub group: Option<usize>,
    pub case: u8,
}

pub struct Subst {
    /// None: the empty regex, the last one used.
    pub regex: Option<Rc<SedRegex>>,
    pub pieces: Vec<Piece>,
    /// The highest group the replacement names.
    pub max_id: usize,
    pub global: bool,
    /// Bit 0: `p` before `e`; bit 1: `p` after `e`.
    pub print: u8,
    pub eval: bool,
    /// Replace the Nth match (0: the first).
    pub numb: u64,
    /// `w FILE`: an index into [`Program::outputs`].
    pub outf: Option<usize>,
}

/// A `y` command's mapping.
pub enum Translit {
    /// Every source character is ASCII and every target one byte.
    Bytes(Box<[u8; 256]>),
    /// (source character, target character) pairs, the first match wins.
    Chars(Vec<(Vec<u8>, Vec<u8>)>),
}

/// What a command does. Jump targets are command indexes.
pub enum Kind {
    /// `{`: where to go when the address does not match (its `}`).
    Block(usize),
    BlockEnd,
    Label,
    /// `a`, `i`, `c` text, with its final newline; None when empty.
    Append(Option<Vec<u8>>),
    Insert(Option<Vec<u8>>),
    Change(Option<Vec<u8>>),
    Branch(usize),
    BranchIfSub(usize),
    BranchUnlessSub(usize),
    Delete,
    DeleteFirst,
    /// `e COMMAND` (text with a final newline) or `e` alone (None).
    Exec(Option<Vec<u8>>),
    FileName,
    Get,
    GetAppend,
    Hold,
    HoldAppend,
    /// `l [N]`: None uses `-l`'s length.
    List(Option<u64>),
    Next,
    NextAppend,
    Print,
    PrintFirst,
    Quit(u64),
    QuitSilent(u64),
    /// `r FILE`; `prepend` for GNU's `0r FILE` (before the first line).
    ReadFile { name: Vec<u8>, prepend: bool },
    /// `R FILE`: an index into [`Program::inputs`].
    ReadLine(usize),
    Subst(Rc<Subst>),
    Translate(Rc<Translit>),
    Write(usize),
    WriteFirst(usize),
    Exchange,
    Zap,
    LineNumber,
}

pub struct Cmd {
    pub a1: Option<Addr>,
    pub a2: Option<Addr>,
    pub bang: bool,
    pub range: Range,
    /// The last line of an `addr1,+N`/`addr1,~N` range once it started.
    pub range_end: u64,
    pub kind: Kind,
}

impl Cmd {
    pub fn new(kind: Kind) -> Self {
        Cmd { a1: None, a2: None, bang: false, range: Range::Inactive, range_end: 0, kind }
    }

    /// GNU's state for a range at the start of input: `0,/re/` is already
    /// active, so its regex may end it on the first line.
    pub fn reset_range(&mut self) {
        self.range = if matches!(self.a1, Some(Addr::Num(0))) { Range::Active } else { Range::Inactive };
    }
}

/// Where `w`, `W` and `s///w` write.
pub enum OutputSpec {
    Stdout,
    Stderr,
    File { name: Vec<u8>, file: std::fs::File },
}

/// An `R` file: opened at compile time; None when it could not be.
pub struct InputSpec {
    pub name: Vec<u8>,
    pub file: Option<InputFile>,
}

pub enum InputFile {
    Stdin,
    File(std::fs::File),
}

pub struct Program {
    pub cmds: Vec<Cmd>,
    pub outputs: Vec<OutputSpec>,
    pub inputs: Vec<InputSpec>,
    /// `#n` on the script's first line.
    pub quiet: bool,
    /// What a runtime error about the script says where it is (the last
    /// chunk compiled, as GNU leaves its location there).
    pub runtime_loc: Vec<u8>,
}

/// How [`normalize_text`] treats a backslash it does not know.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// `a`/`i`/`c` text and `y` strings: the backslash goes.
    Buffer,
    /// A regex: the backslash stays for the regex compiler.
    Regex,
    /// An `s` replacement: it stays, and a produced `&` or `\` is escaped.
    Replacement,
}

fn digit_value(c: u8) -> Option<u32> {
    (c as char).to_digit(16)
}

/// GNU's `convert_number`: up to as many digits of `base` as make a byte
/// (3 decimal or octal, 2 hex) after the letter at `at`; the letter itself
/// when no digit follows. Returns the byte and where the digits end.
fn convert_number(buf: &[u8], at: usize, base: u32) -> (u8, usize) {
    let mut n: u32 = 0;
    let mut max: u32 = 1;
    let mut p = at + 1;
    while p < buf.len() && max <= 255 {
        match digit_value(buf[p]) {
            Some(d) if d < base => n = n * base + d,
            _ => break,
        }
        p += 1;
        max *= base;
    }
    if p == at + 1 {
        (buf[at], p)
    } else {
        (n as u8, p)
    }
}

/// GNU sed's `normalize_text`: turns its escapes into bytes. Inside
/// brackets of a regex they are left alone only under POSIXLY_CORRECT.
pub fn normalize_text(buf: &[u8], kind: TextKind, posix: Posix) -> Result<Vec<u8>, SedError> {
    let mut out = Vec::with_capacity(buf.len());
    // 0: outside brackets; 1: inside; else the `.`, `=` or `:` of `[.x.]`.
    let mut bracket: u8 = 0;
    let mut p = 0;
    while p < buf.len() {
        let c = buf[p];
        if c == b'\\' && p + 1 < buf.len() && bracket == 0 {
            p += 1;
            let e = buf[p];
            let simple = match e {
                b'a' => Some(0x07),
                b'f' => Some(0x0c),
                b'\n' | b'n' => Some(b'\n'),
                b'r' => Some(b'\r'),
                b't' => Some(b'\t'),
                b'v' => Some(0x0b),
                _ => None,
            };
            if let Some(b) = simple {
                out.push(b);
                p += 1;
                continue;
            }
            let base = match e {
                b'd' => 10,
                b'x' => 16,
                b'o' => 8,
                _ => 0,
            };
            if base != 0 {
                let (ch, next) = convert_number(buf, p, base);
                if kind == TextKind::Replacement && (ch == b'&' || ch == b'\\') {
                    out.push(b'\\');
                }
                out.push(ch);
                p = next;
                continue;
            }
            if e == b'c' {
                p += 1;
                if p < buf.len() {
                    out.push(buf[p].to_ascii_uppercase() ^ 0x40);
                    if buf[p] == b'\\' {
                        p += 1;
                        if buf.get(p) != Some(&b'\\') {
                            return Err(SedError::bad("recursive escaping after \\c not allowed"));
                        }
                    }
                    p += 1;
                } else if kind != TextKind::Buffer {
                    out.push(b'\\');
                }
                continue;
            }
            if kind != TextKind::Buffer {
                out.push(b'\\');
            }
            out.push(e);
            p += 1;
            continue;
        }
        if kind == TextKind::Regex && posix != Posix::Extended {
            match c {
                b'[' if bracket == 0 => bracket = 1,
                b':' | b'.' | b'=' if bracket == 1 && out.last() == Some(&b'[') => bracket = c,
                b']' if bracket == 1 => bracket = 0,
                b']' if bracket > 1 => {
                    let n = out.len();
                    if n >= 2 && out[n - 2] != bracket && out[n - 1] == bracket {
                        bracket = 1;
                    }
                }
                _ => {}
            }
        }
        out.push(c);
        p += 1;
    }
    Ok(out)
}

/// Parses an `s` replacement (already through [`normalize_text`]) into
/// pieces, as GNU's `setup_replacement`; returns them and the highest
/// group named.
pub fn parse_replacement(text: &[u8]) -> (Vec<Piece>, usize) {
    let mut pieces = Vec::new();
    let mut max_id = 0;
    let (mut case, mut saved) = (0u8, 0u8);
    let mut base = 0;
    let mut p = 0;
    while p < text.len() {
        if text[p] == b'\\' {
            let mut piece = Piece { text: text[base..p].to_vec(), group: None, case };
            case = saved;
            p += 1;
            if p == text.len() {
                piece.text.push(b'\\');
            } else {
                match text[p] {
                    d @ b'0'..=b'9' => {
                        let n = (d - b'0') as usize;
                        piece.group = Some(n);
                        max_id = max_id.max(n);
                    }
                    b'L' => {
                        case = CASE_LOWER;
                        saved = CASE_LOWER;
                    }
                    b'U' => {
                        case = CASE_UPPER;
                        saved = CASE_UPPER;
                    }
                    b'E' => {
                        case = 0;
                        saved = 0;
                    }
                    b'l' => {
                        saved = case;
                        case |= CASE_LOWER_FIRST;
                    }
                    b'u' => {
                        saved = case;
                        case |= CASE_UPPER_FIRST;
                    }
                    other => piece.text.push(other),
                }
            }
            pieces.push(piece);
            base = p + 1;
        } else if text[p] == b'&' {
            pieces.push(Piece { text: text[base..p].to_vec(), group: Some(0), case });
            case = saved;
            base = p + 1;
        }
        p += 1;
    }
    if base < text.len() {
        pieces.push(Piece { text: text[base..].to_vec(), group: None, case });
    }
    (pieces, max_id)
}

/// Why a regex did not compile: a location-prefixed error (status 1), or
/// GNU dfa's complaint, which sed reports bare with status 4.
pub enum RegexFailure {
    Bad(String),
    Dfa(String),
}

/// Compiles a regex (already through [`normalize_text`]) with GNU sed's
/// syntax.
pub fn compile_regex(pattern: &[u8], extended: bool, icase: bool, multiline: bool) -> Result<SedRegex, RegexFailure> {
    let dialect = if extended { Dialect::Extended } else { Dialect::Basic };
    let flags = Flags { icase, newline: multiline };
    match regex::compile_posix(pattern, dialect, flags) {
        Ok(re) => Ok(SedRegex {
            re,
            multiline,
            begline: pattern == b"^",
            endline: pattern == b"$",
            literal: if plain_literal(pattern, extended, icase) {
                Some(memchr::memmem::Finder::new(pattern).into_owned())
            } else {
                None
            },
        }),
        Err(e) if e.kind == regex::ErrorKind::ColonClass => Err(RegexFailure::Dfa(e.to_string())),
        Err(e) => Err(RegexFailure::Bad(e.to_string())),
    }
}

/// Splits text into characters as glibc's `mbrlen` does in UTF-8 (an
/// invalid byte is a character of its own).
pub fn char_units(text: &[u8]) -> Vec<&[u8]> {
    let mut units = Vec::new();
    let mut p = 0;
    while p < text.len() {
        let (_, len) = ctype::decode(text, p);
        units.push(&text[p..p + len]);
        p += len;
    }
    units
}

/// Builds a `y` mapping; Err when the strings differ in length.
pub fn build_translit(src: &[u8], dst: &[u8]) -> Result<Translit, ()> {
    let from = char_units(src);
    let to = char_units(dst);
    if from.len() != to.len() {
        return Err(());
    }
    if from.iter().all(|u| u.len() == 1 && u[0] < 0x80) && to.iter().all(|u| u.len() == 1) {
        let mut table = Box::new([0u8; 256]);
        for (i, slot) in table.iter_mut().enumerate() {
            *slot = i as u8;
        }
        let mut set = [false; 128];
        for (f, t) in from.iter().zip(&to) {
            if !set[f[0] as usize] {
                set[f[0] as usize] = true;
                table[f[0] as usize] = t[0];
            }
        }
        return Ok(Translit::Bytes(table));
    }
    Ok(Translit::Chars(from.iter().zip(&to).map(|(f, t)| (f.to_vec(), t.to_vec())).collect()))
}

/// glibc's `strverscmp` sign for the `v` command's version check.
pub fn version_cmp(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].is_ascii_digit() && b[j].is_ascii_digit() {
            let si = i;
            while i < a.len() && a[i].is_ascii_digit() {
                i += 1;
            }
            let sj = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            let x = std::str::from_utf8(&a[si..i]).unwrap_or("0").trim_start_matches('0');
            let y = std::str::from_utf8(&b[sj..j]).unwrap_or("0").trim_start_matches('0');
            let ord = x.len().cmp(&y.len()).then_with(|| x.cmp(y));
            if ord != Ordering::Equal {
                return ord;
            }
        } else {
            if a[i] != b[j] {
                return a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
    }
    (a.len() - i).cmp(&(b.len() - j))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        let n = |s: &str, k| normalize_text(s.as_bytes(), k, Posix::Extended).unwrap();
        assert_eq!(n("a\\tb\\nc", TextKind::Buffer), b"a\tb\nc");
        assert_eq!(n("\\d065\\o101\\x41\\xZ", TextKind::Buffer), b"AAAxZ");
        assert_eq!(n("\\x26", TextKind::Replacement), b"\\&");
        assert_eq!(n("\\q", TextKind::Buffer), b"q");
        assert_eq!(n("\\q", TextKind::Regex), b"\\q");
        assert_eq!(n("\\cA\\c\\\\", TextKind::Buffer), b"\x01\x1c");
        assert!(normalize_text(b"\\c\\d", TextKind::Buffer, Posix::Extended).is_err());
    }

    #[test]
    fn replacement_pieces() {
        let (p, max) = parse_replacement(b"a\\1&\\u\\2x");
        assert_eq!(max, 2);
        // "a" \1, & , the \u escape's empty piece, \2 (upper-cased), "x".
        assert_eq!(p.len(), 5);
        assert_eq!(p[0].text, b"a");
        assert_eq!(p[0].group, Some(1));
        assert_eq!(p[1].group, Some(0));
        assert_eq!((p[3].group, p[3].case), (Some(2), CASE_UPPER_FIRST));
        assert_eq!(p[4].text, b"x");
    }

    #[test]
    fn versions() {
        use std::cmp::Ordering::*;
        assert_eq!(version_cmp(b"4.10", b"4.9"), Greater);
        assert_eq!(version_cmp(b"4.9", b"4.9"), Equal);
        assert_eq!(version_cmp(b"4.2", b"4.9"), Less);
        assert_eq!(version_cmp(b"5", b"4.9"), Greater);
    }
}
