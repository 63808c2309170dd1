//! Shell wildcard matching as C's `fnmatch` does it without FNM_PATHNAME:
//! `*`, `?`, bracket expressions (`[a-z]`, `[!x]`) and backslash escapes.
//! `ls -I`, `du --exclude` and `tree -P` use it.

/// Whether `s` matches `pattern`. With `period`, a leading `.` in `s` must
/// be matched by a literal `.` (FNM_PERIOD).
pub fn fnmatch(pattern: &[u8], s: &[u8], period: bool) -> bool {
    if period && s.first() == Some(&b'.') && pattern.first() != Some(&b'.') {
        return false;
    }
    glob(pattern, s)
}

fn glob(p: &[u8], s: &[u8]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some(b'*') => {
            let rest = &p[1..];
            if rest.is_empty() {
                return true;
            }
            (0..=s.len()).any(|i| glob(rest, &s[i..]))
        }
        Some(b'?') => !s.is_empty() && glob(&p[1..], &s[1..]),
        Some(b'[') => match (class(&p[1..], s.first().copied()), s.is_empty()) {
            (Some((true, used)), false) => glob(&p[1 + used..], &s[1..]),
            (Some(_), _) => false,
            (None, _) => !s.is_empty() && s[0] == b'[' && glob(&p[1..], &s[1..]),
        },
        Some(b'\\') if p.len() > 1 => !s.is_empty() && s[0] == p[1] && glob(&p[2..], &s[1..]),
        Some(&c) => !s.is_empty() && s[0] == c && glob(&p[1..], &s[1..]),
    }
}

/// A bracket expression after its `[`: (matched, bytes used including
/// the `]`), or None when it is not closed (then `[` is literal).
fn class(p: &[u8], c: Option<u8>) -> Option<(bool, usize)> {
    let c = c.unwrap_or(0);
    let mut i = 0;
    let negate = matches!(p.first(), Some(b'!') | Some(b'^'));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    while i < p.len() {
        if p[i] == b']' && !first {
            return Some((matched != negate, i + 1));
        }
        first = false;
        if i + 2 < p.len() && p[i + 1] == b'-' && p[i + 2] != b']' {
            if p[i] <= c && c <= p[i + 2] {
                matched = true;
            }
            i += 3;
        } else {
            if p[i] == c {
                matched = true;
            }
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(fnmatch(b"*.txt", b"a.txt", true));
        assert!(!fnmatch(b"*", b".hidden", true));
        assert!(fnmatch(b"*", b".hidden", false));
        assert!(fnmatch(b"[ab]?", b"bz", true));
        assert!(!fnmatch(b"[!ab]?", b"bz", true));
        assert!(fnmatch(b"*.txt", b"dir/a.txt", false));
        assert!(fnmatch(b"a\\*", b"a*", false));
    }
}
