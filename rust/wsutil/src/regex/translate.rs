//! A pattern for the `regex` crate that finds where a match may be fast
//! (literal scans, a lazy DFA). It reads the subject as lines: `^` and `$`
//! are multi-line anchors and nothing matches a newline, so one search
//! runs over a whole buffer of lines. What the crate cannot say exactly —
//! GNU's word assertions, `` \` `` and `\'`, back-references — becomes
//! something that matches more (empty, or the referenced group again);
//! the result is then only a hint and [`Translation::exact`] is false.

use std::fmt::Write;

use super::ast::{CharSet, Look, Node};

pub struct Translation {
    pub pattern: String,
    pub exact: bool,
}

pub fn translate(node: &Node, word_filter: bool) -> Translation {
    let mut groups = Vec::new();
    collect_groups(node, &mut groups);
    let mut t = Translator { out: String::new(), exact: true, groups };
    if word_filter {
        // GNU's -w filter: the match must sit between non-word characters
        // (or line ends). ASCII letters, digits and `_` are the only word
        // characters it rules out, which keeps the scan fast; the caller
        // checks the rest.
        let not_word = "(?:[^0-9A-Za-z_\\n]|(?-u:[\\x80-\\xFF]))";
        t.out.push_str(&format!("(?:(?m:^)|{})(?:", not_word));
        t.node(node);
        t.out.push_str(&format!(")(?:{}|(?m:$))", not_word));
        t.exact = false;
    } else {
        t.node(node);
    }
    Translation { pattern: t.out, exact: t.exact }
}

fn collect_groups<'a>(node: &'a Node, out: &mut Vec<(usize, &'a Node)>) {
    match node {
        Node::Group(inner, n) => {
            out.push((*n, inner));
            collect_groups(inner, out);
        }
        Node::Repeat(inner, _, _) => collect_groups(inner, out),
        Node::Concat(v) | Node::Alt(v) => v.iter().for_each(|n| collect_groups(n, out)),
        _ => {}
    }
}

struct Translator<'a> {
    out: String,
    exact: bool,
    groups: Vec<(usize, &'a Node)>,
}

fn push_char(out: &mut String, c: u32) {
    if c < 0x80 && (c as u8).is_ascii_alphanumeric() {
        out.push(c as u8 as char);
    } else {
        let _ = write!(out, "\\x{{{:X}}}", c);
    }
}

fn push_range(out: &mut String, a: u32, b: u32) {
    push_char(out, a);
    if b > a {
        out.push('-');
        push_char(out, b);
    }
}

impl<'a> Translator<'a> {
    fn node(&mut self, node: &Node) {
        match node {
            Node::Empty => self.out.push_str("(?:)"),
            Node::Char(c) => push_char(&mut self.out, *c),
            Node::Byte(b) => {
                let _ = write!(self.out, "(?-u:\\x{:02X})", b);
            }
            Node::Any => self.out.push_str("[^\\n]"),
            Node::Set(set) => self.set(set),
            Node::Look(Look::LineStart) => self.out.push_str("(?m:^)"),
            Node::Look(Look::LineEnd) => self.out.push_str("(?m:$)"),
            Node::Look(_) => {
                self.exact = false;
                self.out.push_str("(?:)");
            }
            Node::Backref(n) => {
                self.exact = false;
                let group = self.groups.iter().find(|(g, _)| g == n).map(|(_, node)| *node);
                match group {
                    Some(inner) => {
                        self.out.push_str("(?:");
                        self.node(inner);
                        self.out.push(')');
                    }
                    None => self.out.push_str("[^\\n]*"),
                }
            }
            Node::Group(inner, _) => {
                self.out.push_str("(?:");
                self.node(inner);
                self.out.push(')');
            }
            Node::Concat(items) => {
                self.out.push_str("(?:");
                for item in items {
                    self.node(item);
                }
                self.out.push(')');
            }
            Node::Alt(alts) => {
                self.out.push_str("(?:");
                for (i, alt) in alts.iter().enumerate() {
                    if i > 0 {
                        self.out.push('|');
                    }
                    self.node(alt);
                }
                self.out.push(')');
            }
            Node::Repeat(inner, min, max) => {
                self.out.push_str("(?:");
                self.node(inner);
                self.out.push(')');
                match (min, max) {
                    (0, None) => self.out.push('*'),
                    (1, None) => self.out.push('+'),
                    (0, Some(1)) => self.out.push('?'),
                    (m, None) => {
                        let _ = write!(self.out, "{{{},}}", m);
                    }
                    (m, Some(n)) => {
                        let _ = write!(self.out, "{{{},{}}}", m, n);
                    }
                }
            }
        }
    }

    fn set(&mut self, set: &CharSet) {
        if set.negated {
            self.out.push_str("[^");
            for &(a, b) in &set.ranges {
                push_range(&mut self.out, a, b);
            }
            self.out.push_str("\\n]");
            return;
        }
        let ranges: Vec<(u32, u32)> = set
            .ranges
            .iter()
            .flat_map(|&(a, b)| {
                // Drop the newline: nothing matches across lines.
                if a <= 10 && 10 <= b {
                    vec![(a, 9), (11, b)]
                } else {
                    vec![(a, b)]
                }
            })
            .filter(|&(a, b)| a <= b)
            .collect();
        self.out.push_str("(?:");
        let mut first = true;
        if !ranges.is_empty() {
            self.out.push('[');
            for (a, b) in ranges {
                push_range(&mut self.out, a, b);
            }
            self.out.push(']');
            first = false;
        }
        for &b in &set.bytes {
            if !first {
                self.out.push('|');
            }
            let _ = write!(self.out, "(?-u:\\x{:02X})", b);
            first = false;
        }
        if first {
            // Nothing can match: a class no character is in.
            self.out.push_str("[a&&b]");
        }
        self.out.push(')');
    }
}
