//! `-printf` formats (compiled once, with GNU's warnings for unknown
//! escapes and directives) and the `-ls` line.

use super::pred::FSTYPE;
use super::walk::Entry;
use super::{Ctx, Fatal};
use wsutil::cfmt::{format_float, FloatSpec};
use wsutil::datetime::{localtime, strftime, Timespec};
use wsutil::fsmeta::{self, FileStat};

/// printf flags, width and precision of one directive.
#[derive(Clone, Debug, Default)]
pub struct Spec {
    left: bool,
    plus: bool,
    space: bool,
    alt: bool,
    zero: bool,
    width: usize,
    prec: Option<usize>,
    /// The flags as written, for `%5%` (printed as is).
    text: String,
}

pub enum Seg {
    Lit(Vec<u8>),
    /// `\c`: stop here and flush.
    Stop,
    Dir { spec: Spec, conv: u8, aux: u8 },
}

pub struct Format {
    segs: Vec<Seg>,
}

fn warn(msg: &[u8]) {
    let mut line = format!("{}: ", wsutil::util()).into_bytes();
    line.extend_from_slice(msg);
    line.push(b'\n');
    use std::io::Write;
    let _ = std::io::stderr().write_all(&line);
}

fn parse_spec(text: &[u8]) -> Spec {
    let mut s = Spec { text: String::from_utf8_lossy(text).into_owned(), ..Spec::default() };
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'-' => s.left = true,
            b'+' => s.plus = true,
            b' ' => s.space = true,
            b'#' => s.alt = true,
            _ => break,
        }
        i += 1;
    }
    while i < text.len() && text[i] == b'0' {
        s.zero = true;
        i += 1;
    }
    let ws = i;
    while i < text.len() && text[i].is_ascii_digit() {
        i += 1;
    }
    s.width = std::str::from_utf8(&text[ws..i]).ok().and_then(|t| t.parse().ok()).unwrap_or(0);
    if i < text.len() && text[i] == b'.' {
        i += 1;
        let ps = i;
        while i < text.len() && text[i].is_ascii_digit() {
            i += 1;
        }
        s.prec = Some(std::str::from_utf8(&text[ps..i]).ok().and_then(|t| t.parse().ok()).unwrap_or(0));
    }
    s
}

const ONE: &[u8] = b"abcdDfFgGhHiklmMnpPsStuUyYZ%";
const TWO: &[u8] = b"ABCT";

/// Compiles a -printf format as GNU's insert_fprintf does.
pub fn compile(fmt: &str) -> Result<Format, Fatal> {
    let b = fmt.as_bytes();
    let mut segs = Vec::new();
    let mut lit = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\\' {
            if i + 1 >= b.len() {
                warn(b"warning: escape `\\' followed by nothing at all");
                lit.push(b'\\');
                i += 1;
                continue;
            }
            let e = b[i + 1];
            if e == b'c' {
                segs.push(Seg::Lit(std::mem::take(&mut lit)));
                segs.push(Seg::Stop);
                return Ok(Format { segs });
            }
            if (b'0'..=b'7').contains(&e) {
                let mut v: u32 = 0;
                let mut k = i + 1;
                while k < b.len() && k < i + 4 && (b'0'..=b'7').contains(&b[k]) {
                    v = v * 8 + (b[k] - b'0') as u32;
                    k += 1;
                }
                lit.push(v as u8);
                i = k;
                continue;
            }
            let v = match e {
                b'a' => 7,
                b'b' => 8,
                b'f' => 12,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'v' => 11,
                b'\\' => b'\\',
                _ => 0,
            };
            if v != 0 {
                lit.push(v);
            } else {
                let mut msg = b"warning: unrecognized escape `\\".to_vec();
                msg.push(e);
                msg.push(b'\'');
                warn(&msg);
                lit.push(b'\\');
                lit.push(e);
            }
            i += 2;
            continue;
        }
        if c != b'%' {
            lit.push(c);
            i += 1;
            continue;
        }
        if i + 1 >= b.len() {
            return Err(Fatal::new("error: % at end of format string"));
        }
        let mut j = i + 1;
        if b[j] != b'%' {
            while j < b.len() && b"-+ #".contains(&b[j]) {
                j += 1;
            }
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            if j < b.len() && b[j] == b'.' {
                j += 1;
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
            }
        }
        let conv = b.get(j).copied().unwrap_or(0);
        let speclen = if conv == 0 || ONE.contains(&conv) {
            1
        } else if TWO.contains(&conv) {
            2
        } else {
            0
        };
        if speclen > 0 && conv != 0 && j + speclen - 1 < b.len() {
            if !lit.is_empty() {
                segs.push(Seg::Lit(std::mem::take(&mut lit)));
            }
            let aux = if speclen == 2 { b[j + 1] } else { 0 };
            segs.push(Seg::Dir { spec: parse_spec(&b[i + 1..j]), conv, aux });
            i = j + speclen;
            continue;
        }
        if conv == 0 || b"{[(".contains(&conv) {
            let mut msg = b"error: the format directive `%".to_vec();
            msg.push(conv);
            msg.extend_from_slice(b"' is reserved for future use");
            return Err(Fatal::raw(msg));
        }
        let mut msg = if speclen == 2 {
            b"warning: format directive `%".to_vec()
        } else {
            b"warning: unrecognized format directive `%".to_vec()
        };
        msg.push(conv);
        msg.extend_from_slice(if speclen == 2 { b"' should be followed by another character" } else { b"'" });
        warn(&msg);
        lit.extend_from_slice(&b[i..=j]);
        i = j + 1;
    }
    if !lit.is_empty() {
        segs.push(Seg::Lit(lit));
    }
    Ok(Format { segs })
}

/// `%s` with flags: precision cuts bytes, width pads with spaces.
fn pad_str(spec: &Spec, s: &[u8], out: &mut Vec<u8>) {
    let s = match spec.prec {
        Some(p) if p < s.len() => &s[..p],
        _ => s,
    };
    let fill = spec.width.saturating_sub(s.len());
    if !spec.left {
        out.extend(std::iter::repeat(b' ').take(fill));
    }
    out.extend_from_slice(s);
    if spec.left {
        out.extend(std::iter::repeat(b' ').take(fill));
    }
}

/// `%d` or `%o` with C's flags.
fn pad_int(spec: &Spec, v: i64, octal: bool, out: &mut Vec<u8>) {
    let mag = v.unsigned_abs();
    let mut digits = if octal { format!("{:o}", mag) } else { mag.to_string() };
    if let Some(p) = spec.prec {
        if p == 0 && mag == 0 {
            digits.clear();
        }
        while digits.len() < p {
            digits.insert(0, '0');
        }
    }
    if octal && spec.alt && !digits.starts_with('0') {
        digits.insert(0, '0');
    }
    let sign = if octal {
        ""
    } else if v < 0 {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    };
    let len = sign.len() + digits.len();
    let fill = spec.width.saturating_sub(len);
    if spec.left {
        out.extend_from_slice(sign.as_bytes());
        out.extend_from_slice(digits.as_bytes());
        out.extend(std::iter::repeat(b' ').take(fill));
    } else if spec.zero && spec.prec.is_none() {
        out.extend_from_slice(sign.as_bytes());
        out.extend(std::iter::repeat(b'0').take(fill));
        out.extend_from_slice(digits.as_bytes());
    } else {
        out.extend(std::iter::repeat(b' ').take(fill));
        out.extend_from_slice(sign.as_bytes());
        out.extend_from_slice(digits.as_bytes());
    }
}

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// `%a`, `%c`, `%t`: ctime's layout with nanoseconds.
fn ctime_format(t: Timespec, ctx: &Ctx) -> String {
    let tm = localtime(t, &ctx.zone);
    format!(
        "{} {} {:2} {:02}:{:02}:{:02}.{:09}0 {:04}",
        DAYS[tm.wday as usize % 7],
        MONTHS[(tm.month as usize + 11) % 12],
        tm.mday,
        tm.hour,
        tm.min,
        tm.sec,
        t.nsec,
        tm.year
    )
}

/// Conversions glibc's strftime knows; any other prints as `%k`.
const STRFTIME_KNOWN: &[u8] = b"aAbBcCdDeFgGhHIjklmMnpPrRsStTuUVwWxXyYzZ%";

/// `%Ak`, `%Ck`, `%Tk`: one strftime conversion, with nanoseconds after
/// the seconds for S, T, X and `+`, and `@` for the epoch seconds.
fn format_date(t: Timespec, kind: u8, ctx: &Ctx) -> String {
    let ns = format!(".{:09}0", t.nsec);
    if kind == b'@' {
        return format!("{}{}", t.sec, ns);
    }
    let tm = localtime(t, &ctx.zone);
    if kind == b'+' {
        return format!("{}{}", strftime("%Y-%m-%d+%H:%M:%S", &tm), ns);
    }
    if !STRFTIME_KNOWN.contains(&kind) {
        return format!("%{}", kind as char);
    }
    let s = strftime(&format!("%{}", kind as char), &tm);
    if matches!(kind, b'S' | b'T' | b'X') {
        return format!("{}{}", s, ns);
    }
    s
}

/// gnulib's base_name: the last component, with one trailing slash kept.
fn base_name(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return if path.is_empty() { String::new() } else { "/".into() };
    }
    let start = trimmed.rfind('/').map(|k| k + 1).unwrap_or(0);
    let mut s = trimmed[start..].to_string();
    if trimmed.len() < path.len() {
        s.push('/');
    }
    s
}

/// `%h`: the leading directories (GNU strips trailing slashes only when
/// more than one character stays).
fn dir_part(path: &str) -> String {
    let b = path.as_bytes();
    let mut s = b.len();
    while s > 0 && b[s - 1] == b'/' {
        s -= 1;
    }
    let mut p = path;
    if s > 1 && s < b.len() {
        p = &path[..s];
    }
    match p.rfind('/') {
        Some(k) => p[..k].to_string(),
        None => ".".into(),
    }
}

fn type_letter(mode: u32) -> &'static str {
    match mode & fsmeta::S_IFMT {
        fsmeta::S_IFREG => "f",
        fsmeta::S_IFDIR => "d",
        fsmeta::S_IFLNK => "l",
        fsmeta::S_IFSOCK => "s",
        fsmeta::S_IFBLK => "b",
        fsmeta::S_IFCHR => "c",
        fsmeta::S_IFIFO => "p",
        _ => "U",
    }
}

/// `%Y`: the type after following a link (N: dangling, L: loop),
/// whatever -P, -H or -L say.
fn followed_type(e: &Entry, ctx: &mut Ctx) -> String {
    if !e.st.is_symlink() {
        return type_letter(e.st.mode).into();
    }
    match fsmeta::stat(&e.path, true) {
        Ok(st) => type_letter(st.mode).into(),
        Err(err) => match err.raw_os_error() {
            Some(44) => "N".into(),
            Some(32) => "L".into(),
            _ => {
                ctx.flush_all();
                wsutil::show_error(&format!("{}: {}", super::qname(&e.path), wsutil::strerror(&err)));
                "?".into()
            }
        },
    }
}

fn blocks(st: &FileStat, unit: u64) -> u64 {
    (st.blocks() * 512 + unit - 1) / unit
}

/// Renders one entry through a compiled format; false after `\c`.
pub fn render(fmt: &Format, e: &Entry, ctx: &mut Ctx, out: &mut Vec<u8>) {
    for seg in &fmt.segs {
        match seg {
            Seg::Lit(b) => out.extend_from_slice(b),
            Seg::Stop => return,
            Seg::Dir { spec, conv, aux } => directive(spec, *conv, *aux, e, ctx, out),
        }
    }
}

fn directive(spec: &Spec, conv: u8, aux: u8, e: &Entry, ctx: &mut Ctx, out: &mut Vec<u8>) {
    let st = &e.st;
    let s: String = match conv {
        b'%' => {
            out.push(b'%');
            out.extend_from_slice(spec.text.as_bytes());
            return;
        }
        b'd' => {
            pad_int(spec, e.depth as i64, false, out);
            return;
        }
        b'm' => {
            pad_int(spec, (st.mode & 0o7777) as i64, true, out);
            return;
        }
        b'S' => {
            let v = if st.size == 0 {
                if st.blocks() == 0 {
                    1.0
                } else {
                    f64::INFINITY
                }
            } else {
                (st.blocks() * 512) as f64 / st.size as f64
            };
            let fs = FloatSpec {
                left: spec.left,
                plus: spec.plus,
                space: spec.space,
                alt: spec.alt,
                zero: spec.zero,
                width: spec.width,
                precision: spec.prec,
                conv: 'g',
            };
            out.extend_from_slice(format_float(&fs, v).as_bytes());
            return;
        }
        b'A' | b'C' | b'T' => {
            let t = match conv {
                b'A' => st.atime,
                b'C' => st.ctime,
                _ => st.mtime,
            };
            format_date(t, aux, ctx)
        }
        b'a' => ctime_format(st.atime, ctx),
        b'c' => ctime_format(st.ctime, ctx),
        b't' => ctime_format(st.mtime, ctx),
        b'b' => blocks(st, 512).to_string(),
        b'k' => blocks(st, 1024).to_string(),
        b'D' => st.dev.to_string(),
        b'f' => base_name(&e.path),
        b'F' => FSTYPE.into(),
        b'g' => match ctx.names.group(st.gid) {
            Some(g) => g.to_string(),
            None => st.gid.to_string(),
        },
        b'G' => st.gid.to_string(),
        b'u' => match ctx.names.user(st.uid) {
            Some(u) => u.to_string(),
            None => st.uid.to_string(),
        },
        b'U' => st.uid.to_string(),
        b'h' => dir_part(&e.path),
        b'H' => e.path[..e.root_len].to_string(),
        b'i' => st.ino.to_string(),
        b'l' => {
            if st.is_symlink() {
                match std::fs::read_link(&e.path) {
                    Ok(t) => t.to_string_lossy().into_owned(),
                    Err(err) => {
                        ctx.error(&format!("{}: {}", super::qname(&e.path), wsutil::strerror(&err)));
                        String::new()
                    }
                }
            } else {
                String::new()
            }
        }
        b'M' => fsmeta::mode_string(st.mode),
        b'n' => st.nlink.to_string(),
        b'p' => e.path.clone(),
        b'P' => {
            if e.depth > 0 {
                let rest = &e.path[e.root_len..];
                rest.strip_prefix('/').unwrap_or(rest).to_string()
            } else {
                String::new()
            }
        }
        b's' => st.size.to_string(),
        b'y' => type_letter(st.mode).into(),
        b'Y' => followed_type(e, ctx),
        b'Z' => {
            ctx.error(&format!("getfilecon failed: {}: No data available", super::qname(&e.path)));
            String::new()
        }
        _ => String::new(),
    };
    pad_str(spec, s.as_bytes(), out);
}

/// `-ls` quoting of a name: backslash escapes, octal for the rest.
fn ls_quote(name: &str, out: &mut String) {
    for &c in name.as_bytes() {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            8 => out.push_str("\\b"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            12 => out.push_str("\\f"),
            b' ' => out.push_str("\\ "),
            b'"' => out.push_str("\\\""),
            0x21..=0x7e => out.push(c as char),
            _ => out.push_str(&format!("\\{:03o}", c)),
        }
    }
}

/// One `-ls` line (ls -dils layout with 1 KiB blocks).
pub fn ls_line(e: &Entry, ctx: &mut Ctx) -> String {
    let st = &e.st;
    let mut line = format!("{:>9} {:>6} {} {:>3} ", st.ino, blocks(st, 1024), fsmeta::mode_string(st.mode), st.nlink);
    match ctx.names.user(st.uid) {
        Some(u) => line.push_str(&format!("{:<8} ", u)),
        None => line.push_str(&format!("{:<8} ", st.uid)),
    }
    match ctx.names.group(st.gid) {
        Some(g) => line.push_str(&format!("{:<8} ", g)),
        None => line.push_str(&format!("{:<8} ", st.gid)),
    }
    if matches!(st.file_type(), fsmeta::S_IFCHR | fsmeta::S_IFBLK) {
        let (maj, min) = ((st.rdev >> 8) & 0xfff, (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00));
        line.push_str(&format!("{:>3}, {:>3} ", maj, min));
    } else {
        line.push_str(&format!("{:>8} ", st.size));
    }
    let now = ctx.opts.start_time.sec;
    let t = st.mtime.sec;
    let fmt = if now - 6 * 30 * 24 * 3600 <= t && t <= now + 3600 { "%b %e %H:%M" } else { "%b %e  %Y" };
    line.push_str(&strftime(fmt, &localtime(st.mtime, &ctx.zone)));
    line.push(' ');
    ls_quote(&e.path, &mut line);
    if st.is_symlink() {
        if let Ok(t) = std::fs::read_link(&e.path) {
            line.push_str(" -> ");
            ls_quote(&t.to_string_lossy(), &mut line);
        }
    }
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(base_name("d//"), "d/");
        assert_eq!(base_name("/"), "/");
        assert_eq!(base_name("./a"), "a");
        assert_eq!(dir_part("d//"), "d/");
        assert_eq!(dir_part("/"), "");
        assert_eq!(dir_part("./"), ".");
        assert_eq!(dir_part("ab/"), ".");
        assert_eq!(dir_part("///tmp//fx"), "///tmp/");
        assert_eq!(dir_part("a/b/"), "a");
    }

    #[test]
    fn ints() {
        let mut out = Vec::new();
        pad_int(&parse_spec(b"-05"), 0, false, &mut out);
        assert_eq!(out, b"0    ");
        out.clear();
        pad_int(&parse_spec(b"#"), 0o644, true, &mut out);
        assert_eq!(out, b"0644");
        out.clear();
        pad_int(&parse_spec(b"+.3"), 0, false, &mut out);
        assert_eq!(out, b"+000");
    }
}
