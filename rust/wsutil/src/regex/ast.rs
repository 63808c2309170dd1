//! The parsed form of a pattern, shared by every dialect.

use super::ctype;

/// A zero-width test.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Look {
    /// `^`: start of the subject (unless `not_bol`), or after a newline in
    /// newline-sensitive mode.
    LineStart,
    /// `$`: end of the subject (unless `not_eol`), or before a newline in
    /// newline-sensitive mode.
    LineEnd,
    /// `` \` ``: start of the subject, whatever the flags.
    BufStart,
    /// `\'`: end of the subject, whatever the flags.
    BufEnd,
    /// `\b`
    WordBoundary,
    /// `\B`
    NotWordBoundary,
    /// `\<`
    WordStart,
    /// `\>`
    WordEnd,
}

/// A set of characters (a bracket expression or a class escape), with case
/// folding already applied. Negation is kept apart so that an invalid byte
/// never matches a negated set, as in GNU.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct CharSet {
    /// Sorted, disjoint (first, last) code point runs.
    pub ranges: Vec<(u32, u32)>,
    /// Invalid bytes listed in the bracket (they match only themselves).
    pub bytes: Vec<u8>,
    pub negated: bool,
    /// Whether a negated set excludes newline (newline-sensitive mode).
    pub no_newline: bool,
}

impl CharSet {
    pub fn matches_char(&self, c: u32) -> bool {
        if self.negated {
            !(ctype::in_ranges(&self.ranges, c) || (self.no_newline && c == b'\n' as u32))
        } else {
            ctype::in_ranges(&self.ranges, c)
        }
    }

    pub fn matches_byte(&self, b: u8) -> bool {
        !self.negated && self.bytes.contains(&b)
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Node {
    /// Matches the empty string.
    Empty,
    /// One character.
    Char(u32),
    /// One invalid byte of the pattern, matching only itself.
    Byte(u8),
    /// `.`: any character (not an invalid byte; not newline when
    /// newline-sensitive).
    Any,
    Set(Box<CharSet>),
    Look(Look),
    /// A capturing group and its number (1-based).
    Group(Box<Node>, usize),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    /// `min` to `max` (None: unbounded) repetitions, greedy.
    Repeat(Box<Node>, u32, Option<u32>),
    /// `\N`.
    Backref(usize),
}

impl Node {
    /// Whether a back-reference occurs anywhere.
    pub fn has_backref(&self) -> bool {
        match self {
            Node::Backref(_) => true,
            Node::Group(n, _) | Node::Repeat(n, _, _) => n.has_backref(),
            Node::Concat(v) | Node::Alt(v) => v.iter().any(Node::has_backref),
            _ => false,
        }
    }

    /// The groups referenced by back-references, as a bit mask.
    pub fn backref_mask(&self) -> u64 {
        match self {
            Node::Backref(n) => 1u64 << (*n).min(63),
            Node::Group(n, _) | Node::Repeat(n, _, _) => n.backref_mask(),
            Node::Concat(v) | Node::Alt(v) => v.iter().fold(0, |m, n| m | n.backref_mask()),
            _ => 0,
        }
    }

    /// Renumbers groups and back-references by `offset` (to join several
    /// patterns in one alternation, each keeping its own `\1`).
    pub fn shift_groups(&mut self, offset: usize) {
        match self {
            Node::Backref(n) => *n += offset,
            Node::Group(inner, n) => {
                *n += offset;
                inner.shift_groups(offset);
            }
            Node::Repeat(inner, _, _) => inner.shift_groups(offset),
            Node::Concat(v) | Node::Alt(v) => v.iter_mut().for_each(|n| n.shift_groups(offset)),
            _ => {}
        }
    }
}
