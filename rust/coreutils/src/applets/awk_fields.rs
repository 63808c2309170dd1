//! Splitting records into fields (and strings for `split`/`patsplit`),
//! the way gawk's field parsers do: the default (blanks, leading and
//! trailing ignored), one literal character, the null string (each
//! character), a regular expression (null matches never split), FPAT
//! (fields are the matches; a null field only first or after a non-null
//! separator) and FIELDWIDTHS (widths in characters, optional `skip:`
//! prefixes, `*` for the rest).

pub const APPLETS: &[wsutil::Applet] = &[];

use super::awk_lex::utf8_len;
use std::rc::Rc;
use wsutil::regex::{ExecFlags, Regex};

/// How FS (or split's separator) divides text.
#[derive(Clone)]
pub enum Splitter {
    /// FS = " ": runs of blanks and newlines; leading and trailing ignored.
    Default,
    /// One character taken literally.
    Char(u8),
    /// FS = "": every character is a field.
    Null,
    /// A regular expression; `true` when it stands for the default FS in
    /// paragraph mode (leading blanks are skipped first).
    Regex(Rc<Regex>, bool),
}

/// A FIELDWIDTHS entry: characters to skip, then the width (None: `*`).
#[derive(Clone, Debug)]
pub struct Width {
    pub skip: usize,
    pub len: Option<usize>,
}

pub type Span = (usize, usize);

fn is_blank_nl(c: u8) -> bool {
    c == b' ' || c == b'\t' || c == b'\n'
}

/// Splits `text`; fields go to `out` as byte spans, separators (for
/// split's fourth argument: seps[0] before field 1, seps[i] after field i)
/// to `seps`.
pub fn split(text: &[u8], how: &Splitter, out: &mut Vec<Span>, mut seps: Option<&mut Vec<(usize, Span)>>) {
    out.clear();
    if text.is_empty() {
        return;
    }
    let end = text.len();
    match how {
        Splitter::Default => {
            let mut scan = 0;
            loop {
                let sep = scan;
                while scan < end && is_blank_nl(text[scan]) {
                    scan += 1;
                }
                if let Some(s) = seps.as_mut() {
                    if scan > sep {
                        s.push((out.len(), (sep, scan)));
                    }
                }
                if scan >= end {
                    break;
                }
                let field = scan;
                while scan < end && !is_blank_nl(text[scan]) {
                    scan += 1;
                }
                out.push((field, scan));
                if scan == end {
                    break;
                }
            }
        }
        Splitter::Char(c) => {
            let mut field = 0;
            loop {
                let pos = memchr::memchr(*c, &text[field..]).map(|i| field + i);
                match pos {
                    None => {
                        out.push((field, end));
                        break;
                    }
                    Some(p) => {
                        out.push((field, p));
                        if let Some(s) = seps.as_mut() {
                            s.push((out.len(), (p, p + 1)));
                        }
                        field = p + 1;
                        if field == end {
                            out.push((end, end));
                            break;
                        }
                    }
                }
            }
        }
        Splitter::Null => {
            let mut scan = 0;
            while scan < end {
                let l = utf8_len(&text[scan..]);
                if let Some(s) = seps.as_mut() {
                    if !out.is_empty() {
                        s.push((out.len(), (scan, scan)));
                    }
                }
                out.push((scan, scan + l));
                scan += l;
            }
        }
        Splitter::Regex(re, para_default) => {
            let mut scan = 0;
            if *para_default {
                while scan < end && is_blank_nl(text[scan]) {
                    scan += 1;
                }
                if let Some(s) = seps.as_mut() {
                    if scan > 0 {
                        s.push((0, (0, scan)));
                    }
                }
            }
            let mut field = scan;
            let mut flags = ExecFlags::default();
            let mut done = false;
            while scan < end {
                // gawk searches the rest as a string of its own.
                let m = re.find_at(&text[scan..end], 0, flags);
                let (ms, me) = match m {
                    Some((a, b)) => (scan + a, scan + b),
                    None => break,
                };
                flags.not_bol = true;
                if ms == me {
                    // A null match splits nothing: step over a character.
                    scan += utf8_len(&text[scan..]);
                    if scan >= end {
                        out.push((field, end));
                        done = true;
                        break;
                    }
                    continue;
                }
                out.push((field, ms));
                if let Some(s) = seps.as_mut() {
                    s.push((out.len(), (ms, me)));
                }
                scan = me;
                field = scan;
                if scan == end {
                    out.push((end, end));
                    done = true;
                    break;
                }
            }
            if !done && scan < end {
                out.push((scan, end));
            }
        }
    }
}

/// One step of lazy record splitting (the default FS and one-character
/// FS, the modes a record is split in only as far as a program looks):
/// the next field from `from`, and where the following one starts (None:
/// that was the last). The default mode gives no field when only blanks
/// remain; `text` must not be empty for the one-character mode.
pub fn next_field(text: &[u8], how: &Splitter, from: usize) -> (Option<Span>, Option<usize>) {
    let end = text.len();
    match how {
        Splitter::Default => {
            let mut scan = from;
            while scan < end && is_blank_nl(text[scan]) {
                scan += 1;
            }
            if scan >= end {
                return (None, None);
            }
            let field = scan;
            while scan < end && !is_blank_nl(text[scan]) {
                scan += 1;
            }
            (Some((field, scan)), if scan < end { Some(scan) } else { None })
        }
        Splitter::Char(c) => match memchr::memchr(*c, &text[from..]) {
            // A separator at the very end leaves an empty last field.
            Some(i) => (Some((from, from + i)), Some(from + i + 1)),
            None => (Some((from, end)), None),
        },
        _ => (None, None),
    }
}

/// Whether `next_field` can split records in this mode.
pub fn is_lazy(how: &Splitter) -> bool {
    matches!(how, Splitter::Default | Splitter::Char(_))
}

/// FPAT splitting: each field is a match of `re`.
pub fn fpat_split(text: &[u8], re: &Regex, out: &mut Vec<Span>, mut seps: Option<&mut Vec<(usize, Span)>>) {
    out.clear();
    let end = text.len();
    if end == 0 {
        return;
    }
    let mut scan = 0;
    let mut found = false;
    while scan < end {
        let start = scan;
        let mut m = re.find_at(&text[scan..], 0, ExecFlags::default());
        found = m.is_some();
        if !out.is_empty() {
            if let Some((0, 0)) = m {
                // An invalid null field: retry one character further.
                scan += utf8_len(&text[scan..]);
                m = re.find_at(&text[scan..], 0, ExecFlags::default());
                found = m.is_some();
            }
        }
        match m {
            Some((s, e)) => {
                let fs = scan + s;
                if let Some(v) = seps.as_mut() {
                    v.push((out.len(), (start, fs)));
                }
                out.push((fs, scan + e));
                scan += e;
            }
            None => {
                if let Some(v) = seps.as_mut() {
                    v.push((out.len(), (start, end)));
                }
                scan = end;
            }
        }
    }
    if found && scan == end {
        if let Some(v) = seps.as_mut() {
            v.push((out.len(), (end, end)));
        }
    }
}

/// FIELDWIDTHS splitting (widths count characters).
pub fn widths_split(text: &[u8], widths: &[Width], out: &mut Vec<Span>) {
    out.clear();
    let end = text.len();
    let mut scan = 0;
    let chars = |from: usize, n: usize| -> usize {
        let mut p = from;
        let mut k = 0;
        while k < n && p < end {
            p += utf8_len(&text[p..]);
            k += 1;
        }
        p
    };
    for w in widths {
        if scan >= end {
            break;
        }
        scan = chars(scan, w.skip);
        let stop = match w.len {
            Some(l) => chars(scan, l),
            None => end,
        };
        out.push((scan, stop));
        scan = stop;
    }
}

/// Parses a FIELDWIDTHS value; the error is gawk's fatal message.
pub fn parse_widths(s: &[u8]) -> Result<Vec<Width>, String> {
    let mut out = Vec::new();
    let mut i = 0;
    let blank = |c: u8| c == b' ' || c == b'\t';
    let num = |i: &mut usize| -> Option<usize> {
        let st = *i;
        while *i < s.len() && s[*i].is_ascii_digit() {
            *i += 1;
        }
        if *i == st {
            return None;
        }
        std::str::from_utf8(&s[st..*i]).ok()?.parse::<usize>().ok().filter(|&v| v > 0 && v <= u32::MAX as usize)
    };
    loop {
        while i < s.len() && blank(s[i]) {
            i += 1;
        }
        if i >= s.len() {
            break;
        }
        let field = out.len() + 1;
        let bad = |at: usize| format!("invalid FIELDWIDTHS value, for field {}, near `{}'", field, String::from_utf8_lossy(&s[at..]));
        if s[i] == b'-' {
            return Err(bad(i));
        }
        let save = i;
        let mut skip = 0;
        let mut j = i;
        if let Some(v) = num(&mut j) {
            if j < s.len() && s[j] == b':' {
                skip = v;
                i = j + 1;
                if i < s.len() && (s[i] == b'-' || blank(s[i])) {
                    return Err(bad(i));
                }
            }
        }
        let _ = save;
        if i < s.len() && s[i] == b'*' {
            let mut k = i + 1;
            while k < s.len() && blank(s[k]) {
                k += 1;
            }
            if k < s.len() {
                return Err("`*' must be the last designator in FIELDWIDTHS".into());
            }
            out.push(Width { skip, len: None });
            break;
        }
        let mut k = i;
        match num(&mut k) {
            Some(v) if k >= s.len() || blank(s[k]) => {
                out.push(Width { skip, len: Some(v) });
                i = k;
            }
            _ => return Err(bad(i)),
        }
    }
    Ok(out)
}
