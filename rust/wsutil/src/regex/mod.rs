//! POSIX regular expressions with GNU's semantics, for grep, sed and awk.
//!
//! Dialects are GNU's BRE (`\(\)`, `\{m,n\}`, `\|`, `\+`, `\?`, `*` literal
//! at the start, back-references) and ERE (`()`, `{m,n}`, `|`, `+`, `?`,
//! back-references as a GNU extension), with bracket expressions
//! (`[[:alpha:]]`, ranges, `[^...]`, `]` first, `[=a=]`, `[.a.]`), GNU's
//! escapes (`\w \W \s \S \b \B \< \> \` \'`), case folding, and UTF-8
//! characters as units (the sandbox's locale is C.UTF-8; an invalid byte
//! matches only itself). Errors carry glibc's messages.
//!
//! Matching is POSIX leftmost-longest for the whole match; submatches are
//! those of the highest-priority path (earlier alternatives, greedier
//! repetitions first) among those that produce that whole match, which is
//! what glibc reports: `echo abcd | grep -o 'ab\|abcd'` gives `abcd`, and
//! `\(a*\)\(ab\)*` on `ab` gives `\1` empty and `\2` = `ab`.
//!
//! How it runs: a pattern without back-references is searched by a Pike
//! VM (linear time); with them, by a memoized backtracker. Before either,
//! a translation for the `regex` crate finds where a match can start (and,
//! for most patterns, decides exactly whether one exists), which is what
//! keeps `grep` fast on big files.
//!
//! Using it:
//! - grep: [`compile_set`] for its pattern list, [`Regex::scan_lines`] to
//!   find matching lines in a buffer, [`Regex::find_at`] for `-o`.
//! - sed: [`compile`] with [`Dialect::Basic`] (or `Extended` for `-E`),
//!   `Flags { icase }` for `I` and `Flags { newline }` for `M`; the pattern
//!   space may hold newlines (`.` matches them unless `M`). sed turns its
//!   own escapes (`\n`, `\t`) into characters before compiling, as GNU sed
//!   does. [`Regex::captures_at`] with `not_bol` for the `g` flag's later
//!   matches gives `\1`..`\9`.
//! - awk: [`Dialect::Awk`] (escapes handled here, also in brackets);
//!   [`Regex::find_at`] gives byte offsets, which `match()` turns into
//!   character positions for RSTART/RLENGTH.
//!
//! (The example runs as the unit test `tests::doc_example`.)
//!
//! ```
//! use wsutil::regex::{compile, Dialect, Flags, ExecFlags};
//! let re = compile(br"\(a*\)\(ab\)*b", Dialect::Basic, Flags::default()).unwrap();
//! let m = re.captures_at(b"xaab", 0, ExecFlags::default()).unwrap();
//! assert_eq!(m.get(0), Some((1, 4)));
//! assert_eq!(m.get(1), Some((1, 3)));
//! assert_eq!(m.get(2), None);
//! ```

pub mod ast;
mod backtrack;
pub mod ctype;
mod ctype_tables;
mod literal;
mod parse;
mod pike;
mod prog;
mod translate;

#[cfg(test)]
mod tests;

use std::fmt;



use ast::{Look, Node};
use prog::Prog;

/// Which syntax a pattern is written in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Dialect {
    /// GNU basic regular expressions (grep, sed).
    Basic,
    /// GNU extended regular expressions (grep -E, sed -E, awk).
    Extended,
    /// A fixed string (grep -F): every character stands for itself.
    Fixed,
    /// awk's extended regular expressions (gawk's syntax): ERE with C
    /// escapes (`\n`, `\t`, `\/`, `\"`, `\ddd`, `\xHH`, `\b` for backspace)
    /// also inside brackets, `\y` for a word boundary, no
    /// back-references, and an operator at the start taken literally.
    Awk,
}

/// Compile-time options.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Flags {
    /// Ignore case (grep -i, sed's I flag).
    pub icase: bool,
    /// glibc's REG_NEWLINE (sed's M flag): `.` and `[^...]` do not match a
    /// newline, and `^`/`$` also match just after/before one.
    pub newline: bool,
}

/// Options for one search.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct ExecFlags {
    /// `^` does not match at the start of the subject (REG_NOTBOL).
    pub not_bol: bool,
    /// `$` does not match at the end of the subject (REG_NOTEOL).
    pub not_eol: bool,
    /// The caller knows the subject holds no newline (grep's lines): the
    /// fast scan is used without looking for one first.
    pub single_line: bool,
}

/// Options for a set of patterns joined as alternatives (grep's -e/-f).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct SetOptions {
    /// Match whole lines only (grep -x): as `^\(P1\|P2...\)$`.
    pub whole_line: bool,
    /// The caller checks word boundaries itself (grep -w): the fast scan
    /// only looks for matches between non-word characters.
    pub word_filter: bool,
}

/// The subject and flags of one search, as the matchers see them.
pub(crate) struct Exec<'h> {
    pub hay: &'h [u8],
    pub not_bol: bool,
    pub not_eol: bool,
}

/// What went wrong, with glibc's (or GNU dfa's) wording.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ErrorKind {
    BadPattern,
    Collate,
    CharClass,
    TrailingBackslash,
    BackRef,
    Bracket,
    Paren,
    Brace,
    BadBrace,
    Range,
    BadRepeat,
    TooBig,
    RParen,
    /// `[:space:]` written for `[[:space:]]` (GNU dfa's error, reported
    /// only when the pattern is otherwise valid).
    ColonClass,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Error {
    pub kind: ErrorKind,
}

impl Error {
    pub fn new(kind: ErrorKind) -> Self {
        Error { kind }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.kind {
            ErrorKind::BadPattern => "Invalid regular expression",
            ErrorKind::Collate => "Invalid collation character",
            ErrorKind::CharClass => "Invalid character class name",
            ErrorKind::TrailingBackslash => "Trailing backslash",
            ErrorKind::BackRef => "Invalid back reference",
            ErrorKind::Bracket => "Unmatched [, [^, [:, [., or [=",
            ErrorKind::Paren => "Unmatched ( or \\(",
            ErrorKind::Brace => "Unmatched \\{",
            ErrorKind::BadBrace => "Invalid content of \\{\\}",
            ErrorKind::Range => "Invalid range end",
            ErrorKind::BadRepeat => "Invalid preceding regular expression",
            ErrorKind::TooBig => "Regular expression too big",
            ErrorKind::RParen => "Unmatched ) or \\)",
            ErrorKind::ColonClass => "character class syntax is [[:space:]], not [:space:]",
        })
    }
}

/// The spans of a match and its groups.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Captures {
    slots: Vec<usize>,
}

impl Captures {
    /// Group `i`'s span (0: the whole match); None when the group did not
    /// take part.
    pub fn get(&self, i: usize) -> Option<(usize, usize)> {
        let (a, b) = (*self.slots.get(2 * i)?, *self.slots.get(2 * i + 1)?);
        if a == pike::UNSET || b == pike::UNSET {
            None
        } else {
            Some((a, b))
        }
    }

    /// Number of groups, counting the whole match.
    pub fn len(&self) -> usize {
        self.slots.len() / 2
    }

    pub fn is_empty(&self) -> bool {
        false
    }
}

/// Where a match may be, in a buffer of newline-terminated lines.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Scan {
    /// No line from the start position on matches.
    None,
    /// The line holding this position matches (a position at a line's
    /// end, its newline, belongs to that line).
    Line(usize),
    /// The line holding this position may match: check it.
    Maybe(usize),
}

struct Fast {
    re: ::regex::bytes::Regex,
    exact: bool,
}

/// A compiled pattern (or set of patterns).
pub struct Regex {
    prog: Prog,
    groups: usize,
    backrefs: bool,
    fast: Option<Fast>,
    /// The pattern has `^`: the `regex` crate was seen to let it match at a
    /// search's start offset, so searches from inside a line do without it.
    line_start: bool,
    /// The fast scan for lines with grep -w's filter around it (only for
    /// [`Regex::scan_lines`]: its match can begin a character early).
    line_filter: Option<Fast>,
    /// Bytes every match contains (GNU's "must" string): lines without
    /// them are skipped with a plain substring search.
    must: Option<literal::Finder>,
    /// The whole pattern is the "must" string: a line holding it matches.
    must_is_all: bool,
    warnings: Vec<String>,
    /// The Pike VM's thread lists, reused from search to search (a
    /// `Regex` is for one thread, as everything in a WASI process).
    cache: std::cell::RefCell<Option<Box<pike::Cache>>>,
}

/// Compiles one pattern.
pub fn compile(pattern: &[u8], dialect: Dialect, flags: Flags) -> Result<Regex, Error> {
    let parsed = parse::parse(pattern, dialect, flags)?;
    build(parsed.node, parsed.groups, parsed.warnings, flags, false)
}

/// Compiles one pattern with glibc's POSIX syntax bits, as GNU sed does
/// (RE_SYNTAX_POSIX_BASIC, or RE_SYNTAX_POSIX_EXTENDED without
/// RE_UNMATCHED_RIGHT_PAREN_ORD) rather than GNU grep's: `*`, `+`, `?` or
/// `{` with nothing to repeat in an ERE, `\{` so in a BRE, `a**` or
/// `a*\{2\}` in a BRE, a malformed ERE interval and an unmatched ERE `)`
/// are errors, where grep takes them literally or skips them.
pub fn compile_posix(pattern: &[u8], dialect: Dialect, flags: Flags) -> Result<Regex, Error> {
    let parsed = parse::parse_with(pattern, dialect, flags, true)?;
    build(parsed.node, parsed.groups, parsed.warnings, flags, false)
}

/// Compiles several patterns as alternatives of one (grep's pattern list),
/// each keeping its own group numbers for its back-references. Errors come
/// per pattern, with its index, so that all of them can be reported.
pub fn compile_set(
    patterns: &[&[u8]],
    dialect: Dialect,
    flags: Flags,
    opts: SetOptions,
) -> Result<Regex, Vec<(usize, Error)>> {
    let mut errors = Vec::new();
    let mut alts = Vec::new();
    let mut warnings = Vec::new();
    let mut groups = 0;
    for (i, p) in patterns.iter().enumerate() {
        match parse::parse(p, dialect, flags) {
            Ok(mut parsed) => {
                parsed.node.shift_groups(groups);
                groups += parsed.groups;
                alts.push(parsed.node);
                warnings.append(&mut parsed.warnings);
            }
            Err(e) => errors.push((i, e)),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut node = if alts.len() == 1 { alts.pop().unwrap() } else { Node::Alt(alts) };
    if opts.whole_line {
        node = Node::Concat(vec![Node::Look(Look::LineStart), node, Node::Look(Look::LineEnd)]);
    }
    build(node, groups, warnings, flags, opts.word_filter).map_err(|e| vec![(0, e)])
}

fn build(node: Node, groups: usize, warnings: Vec<String>, flags: Flags, word_filter: bool) -> Result<Regex, Error> {
    let prog = prog::compile(&node, groups, flags.newline, flags.icase)?;
    let fast = fast(&node, false, flags.newline);
    let line_filter = if word_filter { fast_word(&node) } else { None };
    // A "must" string found by Horspool skips most of the text; the
    // `regex` crate's own scan for a leading literal is as fast only
    // when that literal is short.
    let must = must_bytes(&node);
    let must_is_all = is_literal(&node) && line_filter.is_none();
    let must = if must.len() < 4 && starts_with_literal(&node) && line_filter.is_none() { Vec::new() } else { must };
    let must = if must.len() >= 2 && !must.contains(&b'\n') { Some(literal::Finder::new(&must)) } else { None };
    let line_start = has_look(&node, Look::LineStart);
    Ok(Regex {
        prog,
        groups,
        backrefs: node.has_backref(),
        fast,
        line_start,
        line_filter,
        must,
        must_is_all,
        warnings,
        cache: std::cell::RefCell::new(None),
    })
}

fn fast(node: &Node, word_filter: bool, newline: bool) -> Option<Fast> {
    if end_before_start(node) {
        // The `regex` crate misses `$^` (an empty line between two
        // newlines); such patterns go without the fast scan.
        return None;
    }
    let t = translate::translate(node, word_filter, newline);
    ::regex::bytes::RegexBuilder::new(&t.pattern)
        .size_limit(64 << 20)
        .dfa_size_limit(16 << 20)
        .build()
        .ok()
        .map(|re| Fast { re, exact: t.exact })
}

fn has_look(node: &Node, look: Look) -> bool {
    match node {
        Node::Look(l) => *l == look,
        Node::Group(n, _) | Node::Repeat(n, _, _) => has_look(n, look),
        Node::Concat(v) | Node::Alt(v) => v.iter().any(|n| has_look(n, look)),
        _ => false,
    }
}

/// Whether a `$` comes before a `^` in some sequence of the pattern.
fn end_before_start(node: &Node) -> bool {
    match node {
        Node::Group(n, _) | Node::Repeat(n, _, _) => end_before_start(n),
        Node::Alt(v) => v.iter().any(end_before_start),
        Node::Concat(v) => {
            v.iter().any(end_before_start)
                || v.iter().enumerate().any(|(i, n)| {
                    has_look(n, Look::LineEnd) && v[i + 1..].iter().any(|m| has_look(m, Look::LineStart))
                })
        }
        _ => false,
    }
}

fn starts_with_literal(node: &Node) -> bool {
    match node {
        Node::Char(_) | Node::Byte(_) => true,
        Node::Group(inner, _) => starts_with_literal(inner),
        Node::Repeat(inner, min, _) => *min >= 1 && starts_with_literal(inner),
        Node::Concat(items) => items.first().map_or(false, starts_with_literal),
        _ => false,
    }
}

/// Whether `node` is a plain string (every match is that string).
fn is_literal(node: &Node) -> bool {
    match node {
        Node::Char(c) => char::from_u32(*c).is_some(),
        Node::Byte(_) => true,
        Node::Concat(items) => items.iter().all(|n| matches!(n, Node::Char(_) | Node::Byte(_)) && is_literal(n)),
        _ => false,
    }
}

/// The longest run of literal characters that every match of `node`
/// contains (empty when there is none worth searching for).
fn must_bytes(node: &Node) -> Vec<u8> {
    fn lit(node: &Node, out: &mut Vec<u8>) -> bool {
        match node {
            Node::Char(c) => match char::from_u32(*c) {
                Some(ch) => {
                    let mut b = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut b).as_bytes());
                    true
                }
                None => false,
            },
            Node::Byte(b) => {
                out.push(*b);
                true
            }
            _ => false,
        }
    }
    match node {
        Node::Char(_) | Node::Byte(_) => {
            let mut v = Vec::new();
            lit(node, &mut v);
            v
        }
        Node::Group(inner, _) => must_bytes(inner),
        Node::Repeat(inner, min, _) if *min >= 1 => must_bytes(inner),
        Node::Concat(items) => {
            let mut best = Vec::new();
            let mut run = Vec::new();
            for item in items {
                if lit(item, &mut run) {
                    continue;
                }
                if run.len() > best.len() {
                    best = std::mem::take(&mut run);
                }
                run.clear();
                if !matches!(item, Node::Look(_)) {
                    let inner = must_bytes(item);
                    if inner.len() > best.len() {
                        best = inner;
                    }
                }
            }
            if run.len() > best.len() {
                best = run;
            }
            best
        }
        _ => Vec::new(),
    }
}

fn fast_word(node: &Node) -> Option<Fast> {
    fast(node, true, false)
}

impl Regex {
    /// Runs the Pike VM with the cached thread lists.
    fn pike(&self, ex: &Exec, start: usize, anchored: bool, first: bool) -> Option<(usize, usize)> {
        let mut slot = self.cache.borrow_mut();
        let cache = slot.get_or_insert_with(|| Box::new(pike::Cache::new(&self.prog)));
        pike::longest(&self.prog, ex, start, anchored, first, cache)
    }

    /// Warnings GNU prints for the pattern (`* at start of expression`).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Number of capturing groups.
    pub fn groups(&self) -> usize {
        self.groups
    }

    /// Whether the fast scan is usable on `hay`, and whether exactly.
    fn fast_for(&self, hay: &[u8], start: usize, flags: ExecFlags) -> Option<(&Fast, bool)> {
        let fast = self.fast.as_ref()?;
        if start > 0 && self.line_start {
            return None;
        }
        if !self.prog.newline && !flags.single_line && memchr::memchr(b'\n', hay).is_some() {
            return None;
        }
        let exact = fast.exact && !self.backrefs && !flags.not_bol && !flags.not_eol;
        Some((fast, exact))
    }

    /// The leftmost-longest match starting at or after `start`, as a byte
    /// span. Context before `start` counts for `^`, `\<` and the like.
    pub fn find_at(&self, hay: &[u8], start: usize, flags: ExecFlags) -> Option<(usize, usize)> {
        let ex = Exec { hay, not_bol: flags.not_bol, not_eol: flags.not_eol };
        let mut from = start;
        if let Some((fast, exact)) = self.fast_for(hay, start, flags) {
            let m = fast.re.find_at(hay, start)?;
            from = m.start();
            if exact && ctype::is_boundary(hay, from) {
                return self.pike(&ex, from, true, false);
            }
        }
        if self.backrefs {
            backtrack::search(&self.prog, &ex, from, false, false).map(|c| (c[0], c[1]))
        } else {
            self.pike(&ex, from, false, false)
        }
    }

    /// The longest match starting exactly at `start` (its end), as glibc's
    /// `re_match`.
    pub fn match_at(&self, hay: &[u8], start: usize, flags: ExecFlags) -> Option<usize> {
        let ex = Exec { hay, not_bol: flags.not_bol, not_eol: flags.not_eol };
        if self.backrefs {
            backtrack::search(&self.prog, &ex, start, true, false).map(|c| c[1])
        } else {
            self.pike(&ex, start, true, false).map(|m| m.1)
        }
    }

    /// Whether `hay` has a match at all.
    pub fn is_match(&self, hay: &[u8], flags: ExecFlags) -> bool {
        let ex = Exec { hay, not_bol: flags.not_bol, not_eol: flags.not_eol };
        let mut from = 0;
        if let Some((fast, exact)) = self.fast_for(hay, 0, flags) {
            match fast.re.find(hay) {
                None => return false,
                Some(_) if exact => return true,
                Some(m) => from = m.start(),
            }
        }
        if self.backrefs {
            backtrack::search(&self.prog, &ex, from, false, true).is_some()
        } else {
            self.pike(&ex, from, false, true).is_some()
        }
    }

    /// The leftmost-longest match at or after `start` with its groups.
    pub fn captures_at(&self, hay: &[u8], start: usize, flags: ExecFlags) -> Option<Captures> {
        let ex = Exec { hay, not_bol: flags.not_bol, not_eol: flags.not_eol };
        if self.backrefs {
            let mut from = start;
            if let Some((fast, _)) = self.fast_for(hay, start, flags) {
                from = fast.re.find_at(hay, start)?.start();
            }
            return backtrack::search(&self.prog, &ex, from, false, false).map(|slots| Captures { slots });
        }
        let (s, e) = self.find_at(hay, start, flags)?;
        if self.groups == 0 {
            let mut slots = vec![pike::UNSET; self.prog.slots];
            slots[0] = s;
            slots[1] = e;
            return Some(Captures { slots });
        }
        pike::captures(&self.prog, &ex, s, e).map(|slots| Captures { slots })
    }

    /// For a buffer of newline-terminated lines (grep's): where, from
    /// `start` on, the first line that may match is. None when there is no
    /// fast scan (then each line must be tried with [`Regex::find_at`]).
    pub fn scan_lines(&self, buf: &[u8], start: usize) -> Option<Scan> {
        let fast = self.line_filter.as_ref().or(self.fast.as_ref())?;
        if let Some(finder) = &self.must {
            return Some(self.scan_must(fast, finder, buf, start));
        }
        // The earliest end of any match is in the line of the leftmost
        // match (no match spans lines), and finding it needs no reverse
        // scan for the start.
        Some(match fast.re.shortest_match_at(buf, start) {
            None => Scan::None,
            Some(end) if fast.exact && !self.backrefs => Scan::Line(end),
            Some(end) => Scan::Maybe(end),
        })
    }

    /// [`Regex::scan_lines`] through the lines holding the "must" bytes.
    fn scan_must(&self, fast: &Fast, finder: &literal::Finder, buf: &[u8], start: usize) -> Scan {
        let mut q = start;
        while q < buf.len() {
            let pos = match finder.find(&buf[q..]) {
                Some(i) => q + i,
                None => return Scan::None,
            };
            let ls = memchr::memrchr(b'\n', &buf[q..pos]).map_or(q, |i| q + i + 1);
            let le = memchr::memchr(b'\n', &buf[pos..]).map_or(buf.len(), |i| pos + i);
            if self.must_is_all || fast.re.is_match(&buf[ls..le]) {
                return if fast.exact && !self.backrefs { Scan::Line(ls) } else { Scan::Maybe(ls) };
            }
            q = le + 1;
        }
        Scan::None
    }
}
