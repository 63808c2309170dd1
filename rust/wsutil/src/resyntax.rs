//! GNU regular expressions (the `re_compile_pattern` dialects that `tac
//! -r` and `nl -bp` use) rewritten in the syntax of the `regex` crate, so
//! that applets can match them with it. Errors carry glibc's messages.
//!
//! What cannot be carried over is refused: back-references. Matching is
//! leftmost-first rather than POSIX leftmost-longest, which differs only
//! for alternations whose branches match at the same place.

/// The dialect: which of GNU's `RE_*` syntax bits are set.
#[derive(Clone, Copy)]
pub struct Syntax {
    /// `\{m,n\}` intervals (else `\{` is a literal brace).
    pub intervals: bool,
    /// `\+` and `\?` are the operators, `+` and `?` literals (BRE); else
    /// the reverse.
    pub bk_plus_qm: bool,
    /// `[:alpha:]` and friends inside brackets.
    pub char_classes: bool,
    /// `.` matches a newline.
    pub dot_newline: bool,
}

/// GNU's default syntax for `re_compile_pattern` (Emacs style), `tac -r`.
pub const EMACS: Syntax = Syntax { intervals: false, bk_plus_qm: false, char_classes: false, dot_newline: false };

/// POSIX basic syntax with GNU extensions, as `nl -bp` uses it.
pub const POSIX_BASIC: Syntax = Syntax { intervals: true, bk_plus_qm: true, char_classes: true, dot_newline: true };

/// The translation of `pat`; `^` and `$` also match at line ends inside
/// the text, as with GNU's `newline_anchor`.
pub fn translate(pat: &str, syntax: Syntax) -> Result<String, &'static str> {
    let chars: Vec<char> = pat.chars().collect();
    let mut out = String::from("(?m)");
    let mut depth = 0usize;
    // Where a repetition has nothing to repeat, it is an ordinary
    // character (pattern start, after `\(`, `\|`, `^`).
    let mut at_start = true;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        let was_start = at_start;
        at_start = false;
        match c {
            '\\' => {
                let e = match chars.get(i) {
                    Some(&e) => e,
                    None => return Err("Trailing backslash"),
                };
                i += 1;
                match e {
                    '(' => {
                        depth += 1;
                        out.push('(');
                        at_start = true;
                    }
                    ')' => {
                        if depth == 0 {
                            return Err("Unmatched ) or \\)");
                        }
                        depth -= 1;
                        out.push(')');
                    }
                    '|' => {
                        out.push('|');
                        at_start = true;
                    }
                    '{' if syntax.intervals && !was_start => i = interval(&chars, i, &mut out)?,
                    '+' | '?' if syntax.bk_plus_qm => {
                        if was_start {
                            push_literal(&mut out, e);
                        } else {
                            out.push(e);
                        }
                    }
                    '1'..='9' => return Err("Invalid back reference"),
                    'w' => out.push_str(r"[\p{Alphabetic}\p{Nd}_]"),
                    'W' => out.push_str(r"[^\p{Alphabetic}\p{Nd}_]"),
                    's' => out.push_str(r"\s"),
                    'S' => out.push_str(r"\S"),
                    'b' | '<' | '>' => out.push_str(r"\b"),
                    'B' => out.push_str(r"\B"),
                    '`' => out.push_str(r"\A"),
                    '\'' => out.push_str(r"\z"),
                    other => push_literal(&mut out, other),
                }
            }
            '*' if !was_start => out.push('*'),
            '+' | '?' if !syntax.bk_plus_qm && !was_start => out.push(c),
            '^' if was_start => {
                out.push('^');
                at_start = true;
            }
            '$' if i == chars.len() || (chars[i] == '\\' && matches!(chars.get(i + 1), Some(')') | Some('|'))) => {
                out.push('$')
            }
            '.' => out.push_str(if syntax.dot_newline { "(?s:.)" } else { "." }),
            '[' => i = bracket(&chars, i, syntax, &mut out)?,
            other => push_literal(&mut out, other),
        }
    }
    if depth > 0 {
        return Err("Unmatched ( or \\(");
    }
    Ok(out)
}

/// `\{m,n\}` whose `\{` ended just before `i`; returns the index after `\}`.
fn interval(chars: &[char], mut i: usize, out: &mut String) -> Result<usize, &'static str> {
    let mut body = String::new();
    loop {
        match chars.get(i) {
            None => return Err("Unmatched \\{"),
            Some('\\') if chars.get(i + 1) == Some(&'}') => {
                i += 2;
                break;
            }
            Some(&c) if c.is_ascii_digit() || c == ',' => body.push(c),
            Some(_) => return Err("Invalid content of \\{\\}"),
        }
        i += 1;
    }
    let (lo, hi) = match body.find(',') {
        Some(p) => (&body[..p], Some(&body[p + 1..])),
        None => (body.as_str(), None),
    };
    if body.matches(',').count() > 1 {
        return Err("Invalid content of \\{\\}");
    }
    let lo_n: u32 = if lo.is_empty() { 0 } else { lo.parse().map_err(|_| "Regular expression too big")? };
    if let Some(hi) = hi {
        if !hi.is_empty() {
            let hi_n: u32 = hi.parse().map_err(|_| "Regular expression too big")?;
            if hi_n < lo_n {
                return Err("Invalid content of \\{\\}");
            }
        }
    }
    if lo_n > 0x7fff {
        return Err("Regular expression too big");
    }
    out.push('{');
    out.push_str(&lo_n.to_string());
    if let Some(hi) = hi {
        out.push(',');
        out.push_str(hi);
    }
    out.push('}');
    Ok(i)
}

/// A bracket expression whose `[` ended just before `i`; returns the
/// index after its `]`.
fn bracket(chars: &[char], mut i: usize, syntax: Syntax, out: &mut String) -> Result<usize, &'static str> {
    if i >= chars.len() {
        return Err("Invalid regular expression");
    }
    out.push('[');
    if chars[i] == '^' {
        out.push('^');
        i += 1;
    }
    let mut first = true;
    loop {
        let c = match chars.get(i) {
            Some(&c) => c,
            None => return Err("Unmatched [, [^, [:, [., or [="),
        };
        if c == ']' && !first {
            out.push(']');
            return Ok(i + 1);
        }
        first = false;
        if c == '[' && syntax.char_classes && matches!(chars.get(i + 1), Some(':') | Some('=') | Some('.')) {
            let kind = chars[i + 1];
            let start = i + 2;
            let mut end = start;
            while end + 1 < chars.len() && !(chars[end] == kind && chars[end + 1] == ']') {
                end += 1;
            }
            if end + 1 >= chars.len() {
                return Err("Unmatched [, [^, [:, [., or [=");
            }
            let name: String = chars[start..end].iter().collect();
            i = end + 2;
            if kind == ':' {
                out.push_str(class(&name).ok_or("Invalid character class name")?);
            } else {
                let mut it = name.chars();
                match (it.next(), it.next()) {
                    (Some(ch), None) => push_class_char(out, ch),
                    _ => return Err("Invalid collation character"),
                }
            }
            continue;
        }
        i += 1;
        if chars.get(i) == Some(&'-') && chars.get(i + 1).map_or(false, |&e| e != ']') {
            let hi = chars[i + 1];
            if hi < c {
                return Err("Invalid range end");
            }
            push_class_char(out, c);
            out.push('-');
            push_class_char(out, hi);
            i += 2;
        } else {
            push_class_char(out, c);
        }
    }
}

/// glibc's character classes in a UTF-8 locale, as `regex` class items.
fn class(name: &str) -> Option<&'static str> {
    Some(match name {
        "alpha" => r"\p{Alphabetic}",
        "digit" => "0-9",
        "alnum" => r"\p{Alphabetic}0-9",
        "upper" => r"\p{Uppercase}",
        "lower" => r"\p{Lowercase}",
        "space" => r"\s",
        "blank" => r" \t\p{Zs}",
        "punct" => r"!-/:-@\[-`{-~\p{P}",
        "print" => r"\P{Cc}",
        "graph" => r"[^\p{Cc}\s]",
        "cntrl" => r"\p{Cc}",
        "xdigit" => "0-9A-Fa-f",
        _ => return None,
    })
}

fn push_literal(out: &mut String, c: char) {
    if "\\.+*?()|[]{}^$#&-~".contains(c) {
        out.push('\\');
    }
    out.push(c);
}

fn push_class_char(out: &mut String, c: char) {
    if "\\[]^-&~".contains(c) {
        out.push('\\');
    }
    out.push(c);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialects() {
        assert_eq!(translate(r"a\(b\|c\)*", EMACS).unwrap(), r"(?m)a(b|c)*");
        assert_eq!(translate("*a+", EMACS).unwrap(), r"(?m)\*a+");
        assert_eq!(translate(r"a+\{2\}", POSIX_BASIC).unwrap(), r"(?m)a\+{2}");
        assert_eq!(translate("[[:digit:]x]", POSIX_BASIC).unwrap(), "(?m)[0-9x]");
        assert_eq!(translate("[", EMACS), Err("Invalid regular expression"));
    }
}
