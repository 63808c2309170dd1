//! Characters as the regex engine sees them: UTF-8 decoding (an invalid
//! byte is a unit of its own that only a literal of that byte matches),
//! glibc's C.UTF-8 character classes, its case mappings and GNU's rule for
//! which characters match each other under `-i`.

use super::ctype_tables as t;

/// One unit of a haystack at a position: a character, or an invalid byte.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Unit {
    Char(u32),
    Byte(u8),
}

/// Decodes the unit at `pos` (which must be < `hay.len()`); returns it and
/// its length in bytes. Overlong forms, surrogates and code points past
/// U+10FFFF are invalid, as for glibc's `mbrtowc`.
#[inline]
pub fn decode(hay: &[u8], pos: usize) -> (Unit, usize) {
    let b0 = hay[pos];
    if b0 < 0x80 {
        return (Unit::Char(b0 as u32), 1);
    }
    let (len, min, init) = match b0 {
        0xC2..=0xDF => (2, 0x80, (b0 & 0x1F) as u32),
        0xE0..=0xEF => (3, 0x800, (b0 & 0x0F) as u32),
        0xF0..=0xF4 => (4, 0x10000, (b0 & 0x07) as u32),
        _ => return (Unit::Byte(b0), 1),
    };
    if pos + len > hay.len() {
        return (Unit::Byte(b0), 1);
    }
    let mut c = init;
    for &b in &hay[pos + 1..pos + len] {
        if b & 0xC0 != 0x80 {
            return (Unit::Byte(b0), 1);
        }
        c = (c << 6) | (b & 0x3F) as u32;
    }
    if c < min || c > 0x10FFFF || (0xD800..0xE000).contains(&c) {
        return (Unit::Byte(b0), 1);
    }
    (Unit::Char(c), len)
}

/// The character that ends just before `pos`, if the bytes there form one.
pub fn decode_before(hay: &[u8], pos: usize) -> Option<u32> {
    if pos == 0 {
        return None;
    }
    if hay[pos - 1] < 0x80 {
        return Some(hay[pos - 1] as u32);
    }
    for len in 2..=4.min(pos) {
        let start = pos - len;
        if hay[start] & 0xC0 != 0x80 {
            return match decode(hay, start) {
                (Unit::Char(c), n) if n == len => Some(c),
                _ => None,
            };
        }
    }
    None
}

/// Whether `pos` starts a unit: not inside a valid multibyte character
/// that began earlier. glibc starts matches only at such places.
pub fn is_boundary(hay: &[u8], pos: usize) -> bool {
    if pos == 0 || pos >= hay.len() || hay[pos] & 0xC0 != 0x80 {
        return true;
    }
    for back in 1..=3.min(pos) {
        let start = pos - back;
        if hay[start] & 0xC0 != 0x80 {
            let (_, len) = decode(hay, start);
            return start + len <= pos;
        }
    }
    true
}

/// The character at `pos`, if the bytes there form one.
#[inline]
pub fn char_at(hay: &[u8], pos: usize) -> Option<u32> {
    if pos >= hay.len() {
        return None;
    }
    match decode(hay, pos).0 {
        Unit::Char(c) => Some(c),
        Unit::Byte(_) => None,
    }
}

/// Binary search in sorted, disjoint (first, last) runs.
pub fn in_ranges(ranges: &[(u32, u32)], c: u32) -> bool {
    let mut lo = 0;
    let mut hi = ranges.len();
    while lo < hi {
        let mid = (lo + hi) / 2;
        let (a, b) = ranges[mid];
        if c < a {
            hi = mid;
        } else if c > b {
            lo = mid + 1;
        } else {
            return true;
        }
    }
    false
}

/// A POSIX character class name as in `[[:alpha:]]`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Class {
    Alpha,
    Upper,
    Lower,
    Digit,
    Xdigit,
    Space,
    Blank,
    Punct,
    Print,
    Graph,
    Cntrl,
    Alnum,
}

impl Class {
    /// The class a `[:name:]` names; names are case-sensitive, as in glibc.
    pub fn by_name(name: &[u8]) -> Option<Class> {
        Some(match name {
            b"alpha" => Class::Alpha,
            b"upper" => Class::Upper,
            b"lower" => Class::Lower,
            b"digit" => Class::Digit,
            b"xdigit" => Class::Xdigit,
            b"space" => Class::Space,
            b"blank" => Class::Blank,
            b"punct" => Class::Punct,
            b"print" => Class::Print,
            b"graph" => Class::Graph,
            b"cntrl" => Class::Cntrl,
            b"alnum" => Class::Alnum,
            _ => return None,
        })
    }

    /// The class's code point runs (sorted, disjoint).
    pub fn ranges(self) -> Vec<(u32, u32)> {
        let table = match self {
            Class::Alpha => t::ALPHA,
            Class::Upper => t::UPPER,
            Class::Lower => t::LOWER,
            Class::Digit => t::DIGIT,
            Class::Xdigit => t::XDIGIT,
            Class::Space => t::SPACE,
            Class::Blank => t::BLANK,
            Class::Punct => t::PUNCT,
            Class::Print => t::PRINT,
            Class::Graph => t::GRAPH,
            Class::Cntrl => t::CNTRL,
            Class::Alnum => {
                let mut v: Vec<(u32, u32)> = t::ALPHA.iter().chain(t::DIGIT.iter()).copied().collect();
                normalize(&mut v);
                return v;
            }
        };
        table.to_vec()
    }
}

/// Whether `c` is a word constituent for `\w`, `\b`, `\<`, `\>` and
/// grep's `-w`: alphanumeric in the locale, or `_`.
#[inline]
pub fn is_word(c: u32) -> bool {
    if c < 0x80 {
        let b = c as u8;
        return b.is_ascii_alphanumeric() || b == b'_';
    }
    in_ranges(t::ALPHA, c)
}

/// Whether the unit at `pos` (or just before it) is a word character;
/// false at either end of the haystack and for invalid bytes.
pub fn word_after(hay: &[u8], pos: usize) -> bool {
    char_at(hay, pos).map_or(false, is_word)
}

pub fn word_before(hay: &[u8], pos: usize) -> bool {
    decode_before(hay, pos).map_or(false, is_word)
}

fn lookup(pairs: &[(u32, u32)], c: u32) -> u32 {
    match pairs.binary_search_by_key(&c, |p| p.0) {
        Ok(i) => pairs[i].1,
        Err(_) => c,
    }
}

/// glibc's `towupper` in C.UTF-8.
pub fn to_upper(c: u32) -> u32 {
    if c < 0x80 {
        return (c as u8).to_ascii_uppercase() as u32;
    }
    lookup(t::TO_UPPER, c)
}

/// glibc's `towlower` in C.UTF-8.
pub fn to_lower(c: u32) -> u32 {
    if c < 0x80 {
        return (c as u8).to_ascii_lowercase() as u32;
    }
    lookup(t::TO_LOWER, c)
}

/// Lowercase letters with no uppercase partner of their own that still
/// upper-case to a letter shared with others (micro sign, dotless i, long
/// s, final sigma, ...): GNU grep lets them match that letter's family
/// under `-i`.
const LONESOME_LOWER: [u32; 19] = [
    0x00B5, 0x0131, 0x017F, 0x01C5, 0x01C8, 0x01CB, 0x01F2, 0x0345, 0x03C2, 0x03D0, 0x03D1, 0x03D5, 0x03D6,
    0x03F0, 0x03F1, 0x03F2, 0x03F5, 0x1E9B, 0x1FBE,
];

/// The other characters that `c` matches under `-i`, by GNU grep's rule:
/// its upper case U, U's lower case when that maps back to U, and the
/// lonesome lower-case letters whose upper case is U.
pub fn fold_counterparts(c: u32, out: &mut Vec<u32>) {
    let upper = to_upper(c);
    let lower = to_lower(upper);
    if upper != c {
        out.push(upper);
    }
    if lower != upper && lower != c && to_upper(lower) == upper {
        out.push(lower);
    }
    for &li in LONESOME_LOWER.iter() {
        if li != lower && li != upper && li != c && to_upper(li) == upper {
            out.push(li);
        }
    }
}

/// Whether `a` and `b` match each other under `-i` (for back-references).
pub fn fold_eq(a: u32, b: u32) -> bool {
    if a == b {
        return true;
    }
    let mut v = Vec::new();
    fold_counterparts(a, &mut v);
    v.contains(&b)
}

/// Sorts and merges runs in place.
pub fn normalize(v: &mut Vec<(u32, u32)>) {
    v.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(v.len());
    for &(a, b) in v.iter() {
        match out.last_mut() {
            Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    *v = out;
}

/// Adds to `v` every character that a member of `v` matches under `-i`.
pub fn fold_close(v: &mut Vec<(u32, u32)>) {
    let mut extra = Vec::new();
    let mut buf = Vec::new();
    let candidates = t::TO_UPPER.iter().chain(t::TO_LOWER.iter()).map(|p| p.0);
    for c in candidates.chain(LONESOME_LOWER.iter().copied()) {
        if in_ranges(v, c) {
            buf.clear();
            fold_counterparts(c, &mut buf);
            extra.extend(buf.iter().map(|&x| (x, x)));
        }
    }
    v.extend(extra);
    normalize(v);
}
