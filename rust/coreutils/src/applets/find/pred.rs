//! find's tests: what each predicate holds and how it judges an entry,
//! plus the argument readers they share (`+N`/`-N`/`N` numbers, relative
//! times, permission modes) and shell-pattern matching.

use super::printf::Format;
use super::walk::Entry;
use super::Ctx;
use wsutil::datetime::Timespec;
use wsutil::fsmeta::{self, FileStat};
use wsutil::gnusyntax;

/// `+N` (more than), `-N` (less than) or `N` (exactly).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Cmp {
    Gt,
    Lt,
    Eq,
}

impl Cmp {
    fn holds(self, v: u64, n: u64) -> bool {
        match self {
            Cmp::Gt => v > n,
            Cmp::Lt => v < n,
            Cmp::Eq => v == n,
        }
    }
}

/// Which of a file's times.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Which {
    A,
    C,
    M,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PermKind {
    Exact,
    AtLeast,
    Any,
}

pub enum Pred {
    True,
    False,
    Name { pat: Vec<u8>, icase: bool },
    Path { pat: Vec<u8>, icase: bool },
    Lname { pat: Vec<u8>, icase: bool },
    Regex(Box<gnusyntax::Regex>),
    /// File types (S_IFxxx); `x` for -xtype.
    Type { types: Vec<u32>, x: bool },
    Size { cmp: Cmp, n: u64, unit: u64 },
    /// -mtime, -mmin and friends: compared with a reference time, or
    /// within `window` seconds after it (GNU's pred_timewindow).
    Time { which: Which, cmp: Cmp, reft: Timespec, window: i64 },
    Used { cmp: Cmp, reft: Timespec },
    Newer { which: Which, reft: Timespec },
    Empty,
    Perm { kind: PermKind, val: [u32; 2] },
    Uid(Cmp, u64),
    Gid(Cmp, u64),
    User(u32),
    Group(u32),
    NoUser,
    NoGroup,
    Links(Cmp, u64),
    Inum(Cmp, u64),
    SameFile(u64, u64),
    /// -readable (4), -writable (2), -executable (1).
    Access(u32),
    Fstype(String),
    Print { out: usize, sep: u8 },
    Printf { out: usize, fmt: Format },
    Ls { out: usize },
    Exec(usize),
    Delete,
    Prune,
    Quit,
}

/// The file system type find reports for everything in the sandbox.
pub const FSTYPE: &str = "tmpfs";

/// `[+-]N` as GNU's get_num reads it: a decimal count, leading blanks
/// allowed, nothing after it.
pub fn get_num(s: &str) -> Option<(Cmp, u64)> {
    let (cmp, rest) = match s.as_bytes().first() {
        Some(b'+') => (Cmp::Gt, &s[1..]),
        Some(b'-') => (Cmp::Lt, &s[1..]),
        _ => (Cmp::Eq, s),
    };
    let rest = rest.trim_start_matches(|c: char| c == ' ' || ('\t'..='\r').contains(&c));
    let rest = rest.strip_prefix('+').unwrap_or(rest);
    if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    rest.parse::<u64>().ok().map(|n| (cmp, n))
}

/// C's strtod on the whole of `s` (xstrtod): decimal or hexadecimal
/// floats, `inf`, `nan`, leading blanks.
fn strtod(s: &str) -> Option<f64> {
    let t = s.trim_start_matches(|c: char| c == ' ' || ('\t'..='\r').contains(&c));
    if t.is_empty() {
        return None;
    }
    let (neg, body) = match t.as_bytes()[0] {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let lower = body.to_ascii_lowercase();
    let v = if lower == "inf" || lower == "infinity" {
        f64::INFINITY
    } else if lower == "nan" {
        f64::NAN
    } else if let Some(hex) = lower.strip_prefix("0x") {
        parse_hex_float(hex)?
    } else {
        let ok = body.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'e' || b == b'E' || b == b'-' || b == b'+');
        if !ok || body.starts_with(|c: char| c == '+' || c == '-') {
            return None;
        }
        body.parse::<f64>().ok()?
    };
    Some(if neg { -v } else { v })
}

fn parse_hex_float(h: &str) -> Option<f64> {
    let (mant, exp) = match h.find('p') {
        Some(k) => (&h[..k], h[k + 1..].parse::<i32>().ok()?),
        None => (h, 0),
    };
    let mut v = 0f64;
    let mut scale = 0i32;
    let mut seen_point = false;
    let mut any = false;
    for c in mant.chars() {
        if c == '.' {
            if seen_point {
                return None;
            }
            seen_point = true;
            continue;
        }
        let d = c.to_digit(16)?;
        any = true;
        v = v * 16.0 + d as f64;
        if seen_point {
            scale -= 4;
        }
    }
    if !any {
        return None;
    }
    Some(v * 2f64.powi(exp + scale))
}

/// GNU's get_relative_timestamp: `[+-]N` units before `origin`, with the
/// comparison inverted (a larger age is an earlier time).
pub fn relative_time(arg: &str, origin: Timespec, unit: f64) -> Option<(Cmp, Timespec)> {
    let (cmp, rest) = match arg.as_bytes().first() {
        Some(b'+') => (Cmp::Lt, &arg[1..]),
        Some(b'-') => (Cmp::Gt, &arg[1..]),
        _ => (Cmp::Eq, arg),
    };
    let offset = strtod(rest)?;
    let total = offset * unit;
    let seconds = total.trunc();
    let nanos = ((total - seconds) * 1e9) as i64;
    let mut sec = origin.sec.saturating_sub(seconds as i64);
    let mut nsec = origin.nsec as i64 - nanos;
    if nsec < 0 {
        nsec += 1_000_000_000;
        sec -= 1;
    }
    Some((cmp, Timespec::new(sec, nsec as u32)))
}

const SUID: u32 = 0o4000;
const SGID: u32 = 0o2000;
const SVTX: u32 = 0o1000;
const ALL: u32 = 0o7777;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flag {
    Ordinary,
    CopyExisting,
    XIfAnyX,
}

struct Change {
    op: u8,
    flag: Flag,
    affected: u32,
    value: u32,
    mentioned: u32,
}

/// gnulib's mode_compile: an octal mode or chmod's symbolic clauses.
fn mode_compile(s: &str) -> Option<Vec<Change>> {
    let b = s.as_bytes();
    if matches!(b.first(), Some(b'0'..=b'7')) {
        let mut v: u32 = 0;
        let mut k = 0;
        while k < b.len() && (b'0'..=b'7').contains(&b[k]) {
            v = v * 8 + (b[k] - b'0') as u32;
            if v > ALL {
                return None;
            }
            k += 1;
        }
        if k < b.len() {
            return None;
        }
        let mentioned = if k < 5 { (v & (SUID | SGID)) | SVTX | 0o777 } else { ALL };
        return Some(vec![Change { op: b'=', flag: Flag::Ordinary, affected: ALL, value: v, mentioned }]);
    }
    let mut changes = Vec::new();
    let mut p = 0;
    loop {
        let mut affected = 0;
        loop {
            match b.get(p) {
                Some(b'u') => affected |= SUID | 0o700,
                Some(b'g') => affected |= SGID | 0o070,
                Some(b'o') => affected |= SVTX | 0o007,
                Some(b'a') => affected |= ALL,
                Some(b'=') | Some(b'+') | Some(b'-') => break,
                _ => return None,
            }
            p += 1;
        }
        while let Some(&op) = b.get(p).filter(|c| matches!(c, b'=' | b'+' | b'-')) {
            p += 1;
            let mut value = 0;
            let mut mentioned = 0;
            let mut flag = Flag::CopyExisting;
            match b.get(p) {
                Some(b'0'..=b'7') => {
                    let mut v: u32 = 0;
                    while let Some(d @ b'0'..=b'7') = b.get(p) {
                        v = v * 8 + (d - b'0') as u32;
                        if v > ALL {
                            return None;
                        }
                        p += 1;
                    }
                    if affected != 0 || (p < b.len() && b[p] != b',') {
                        return None;
                    }
                    affected = ALL;
                    mentioned = ALL;
                    value = v;
                    flag = Flag::Ordinary;
                }
                Some(b'u') => {
                    value = 0o700;
                    p += 1;
                }
                Some(b'g') => {
                    value = 0o070;
                    p += 1;
                }
                Some(b'o') => {
                    value = 0o007;
                    p += 1;
                }
                _ => {
                    flag = Flag::Ordinary;
                    loop {
                        match b.get(p) {
                            Some(b'r') => value |= 0o444,
                            Some(b'w') => value |= 0o222,
                            Some(b'x') => value |= 0o111,
                            Some(b'X') => flag = Flag::XIfAnyX,
                            Some(b's') => value |= SUID | SGID,
                            Some(b't') => value |= SVTX,
                            _ => break,
                        }
                        p += 1;
                    }
                }
            }
            let mentioned = if mentioned != 0 {
                mentioned
            } else if affected != 0 {
                affected & value
            } else {
                value
            };
            changes.push(Change { op, flag, affected, value, mentioned });
        }
        if b.get(p) != Some(&b',') {
            break;
        }
        p += 1;
    }
    if p == b.len() {
        Some(changes)
    } else {
        None
    }
}

/// gnulib's mode_adjust from 0 with no umask, as find's -perm uses it.
fn mode_adjust(changes: &[Change], dir: bool) -> u32 {
    let mut mode: u32 = 0;
    for c in changes {
        let omit = if dir { (SUID | SGID) & !c.mentioned } else { 0 };
        let mut value = c.value;
        match c.flag {
            Flag::Ordinary => {}
            Flag::CopyExisting => {
                value &= mode;
                let mut spread = 0;
                if value & 0o444 != 0 {
                    spread |= 0o444;
                }
                if value & 0o222 != 0 {
                    spread |= 0o222;
                }
                if value & 0o111 != 0 {
                    spread |= 0o111;
                }
                value |= spread;
            }
            Flag::XIfAnyX => {
                if mode & 0o111 != 0 || dir {
                    value |= 0o111;
                }
            }
        }
        value &= (if c.affected != 0 { c.affected } else { !0 }) & !omit;
        match c.op {
            b'=' => {
                let preserved = (if c.affected != 0 { !c.affected } else { 0 }) | omit;
                mode = (mode & preserved) | value;
            }
            b'+' => mode |= value,
            _ => mode &= !value,
        }
    }
    mode & ALL
}

/// A -perm argument without its `-` or `/`: the bits for a non-directory
/// and for a directory (they differ with `X`).
pub fn compile_mode(s: &str) -> Option<[u32; 2]> {
    let changes = mode_compile(s)?;
    Some([mode_adjust(&changes, false), mode_adjust(&changes, true)])
}

/// A pattern character or a byte that is not UTF-8 (kept apart from
/// every character).
fn units(s: &[u8]) -> Vec<u32> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let b = s[i];
        let len = match b {
            0..=0x7F => 1,
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => 0,
        };
        if len > 1 && i + len <= s.len() {
            if let Ok(t) = std::str::from_utf8(&s[i..i + len]) {
                out.push(t.chars().next().map(|c| c as u32).unwrap_or(0));
                i += len;
                continue;
            }
        }
        out.push(if b < 0x80 { b as u32 } else { 0x110000 + b as u32 });
        i += 1;
    }
    out
}

fn fold(c: u32) -> u32 {
    match char::from_u32(c) {
        Some(ch) => {
            let mut l = ch.to_lowercase();
            match (l.next(), l.next()) {
                (Some(x), None) => x as u32,
                _ => c,
            }
        }
        None => c,
    }
}

/// glibc's fnmatch without flags (or with FNM_CASEFOLD): `*` and `?`
/// match any character including `/` and a leading `.`, bracket
/// expressions with ranges and `[:class:]`, backslash escapes.
pub fn fnmatch(pat: &[u8], s: &[u8], icase: bool) -> bool {
    let p = units(pat);
    let t = units(s);
    let (p, t): (Vec<u32>, Vec<u32>) = if icase {
        (p, t.into_iter().map(fold).collect())
    } else {
        (p, t)
    };
    match_from(&p, &t, icase)
}

fn match_from(p: &[u32], t: &[u32], icase: bool) -> bool {
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if pi < p.len() {
            let c = p[pi];
            if c == '*' as u32 {
                while pi < p.len() && p[pi] == '*' as u32 {
                    pi += 1;
                }
                star = Some((pi, ti));
                continue;
            }
            if ti < t.len() {
                let step = match_one(p, pi, t[ti], icase);
                if let Some(used) = step {
                    pi += used;
                    ti += 1;
                    continue;
                }
            }
        } else if ti == t.len() {
            return true;
        }
        match star {
            Some((sp, st)) if st < t.len() => {
                star = Some((sp, st + 1));
                pi = sp;
                ti = st + 1;
            }
            _ => return false,
        }
    }
}

/// Whether pattern element at `pi` matches `c`; the pattern units used.
fn match_one(p: &[u32], pi: usize, c: u32, icase: bool) -> Option<usize> {
    let pc = p[pi];
    let lit = |x: u32| if icase { fold(x) } else { x };
    if pc == '?' as u32 {
        return Some(1);
    }
    if pc == '\\' as u32 {
        // A trailing backslash matches nothing.
        let next = *p.get(pi + 1)?;
        return if lit(next) == c { Some(2) } else { None };
    }
    if pc == '[' as u32 {
        match bracket(p, pi + 1, c, icase) {
            Some((true, used)) => return Some(used + 1),
            Some((false, _)) => return None,
            None => {}
        }
    }
    if lit(pc) == c {
        Some(1)
    } else {
        None
    }
}

fn class_has(name: &str, c: u32) -> Option<bool> {
    let ch = char::from_u32(c);
    let ascii = c < 0x80;
    let b = c as u8;
    Some(match name {
        "alpha" => ch.map(|x| x.is_alphabetic()).unwrap_or(false),
        "upper" => ch.map(|x| x.is_uppercase()).unwrap_or(false),
        "lower" => ch.map(|x| x.is_lowercase()).unwrap_or(false),
        "digit" => ascii && b.is_ascii_digit(),
        "xdigit" => ascii && b.is_ascii_hexdigit(),
        "space" => ch.map(|x| x.is_whitespace()).unwrap_or(false),
        "blank" => c == 0x20 || c == 0x09,
        "punct" => ascii && b.is_ascii_punctuation(),
        "cntrl" => ch.map(|x| x.is_control()).unwrap_or(false),
        "print" => ch.map(|x| !x.is_control()).unwrap_or(false),
        "graph" => ch.map(|x| !x.is_control() && !x.is_whitespace()).unwrap_or(false),
        "alnum" => ch.map(|x| x.is_alphanumeric()).unwrap_or(false),
        _ => return None,
    })
}

/// A bracket expression from just after its `[`: (matched, units used
/// through the `]`), or None when it does not close (then `[` is itself).
fn bracket(p: &[u32], start: usize, c: u32, icase: bool) -> Option<(bool, usize)> {
    let mut i = start;
    let negate = matches!(p.get(i), Some(&x) if x == '!' as u32 || x == '^' as u32);
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    let lit = |x: u32| if icase { fold(x) } else { x };
    loop {
        let pc = *p.get(i)?;
        if pc == ']' as u32 && !first {
            return Some((matched != negate, i + 1 - start));
        }
        first = false;
        if pc == '[' as u32 && matches!(p.get(i + 1), Some(&x) if x == ':' as u32) {
            let name_start = i + 2;
            let mut j = name_start;
            while j + 1 < p.len() && !(p[j] == ':' as u32 && p[j + 1] == ']' as u32) {
                j += 1;
            }
            if j + 1 < p.len() {
                let name: String = p[name_start..j].iter().filter_map(|&u| char::from_u32(u)).collect();
                match class_has(&name, c) {
                    Some(hit) => {
                        let hit = hit
                            || (icase && (name == "upper" || name == "lower") && class_has("alpha", c) == Some(true));
                        matched |= hit;
                        i = j + 2;
                        continue;
                    }
                    None => return Some((false, j + 2 - start)),
                }
            }
        }
        let mut lo = pc;
        let mut step = 1;
        if pc == '\\' as u32 {
            lo = *p.get(i + 1)?;
            step = 2;
        }
        let dash = i + step;
        if matches!(p.get(dash), Some(&x) if x == '-' as u32) && matches!(p.get(dash + 1), Some(&x) if x != ']' as u32) {
            let mut hi = p[dash + 1];
            let mut hstep = 1;
            if hi == '\\' as u32 {
                hi = *p.get(dash + 2)?;
                hstep = 2;
            }
            if lo <= c && c <= hi {
                matched = true;
            }
            if icase {
                for variant in case_variants(c) {
                    if lo <= variant && variant <= hi {
                        matched = true;
                    }
                }
            }
            i = dash + 1 + hstep;
        } else {
            if lit(lo) == c {
                matched = true;
            }
            i += step;
        }
    }
}

fn case_variants(c: u32) -> Vec<u32> {
    let mut v = Vec::new();
    if let Some(ch) = char::from_u32(c) {
        for x in ch.to_uppercase().chain(ch.to_lowercase()) {
            v.push(x as u32);
        }
    }
    v
}

/// The name -name matches: the last component, without trailing slashes
/// (`/` stays `/`).
pub fn match_name(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return if path.is_empty() { "" } else { "/" };
    }
    match trimmed.rfind('/') {
        Some(k) => &trimmed[k + 1..],
        None => trimmed,
    }
}

fn time_of(st: &FileStat, which: Which) -> Timespec {
    match which {
        Which::A => st.atime,
        Which::C => st.ctime,
        Which::M => st.mtime,
    }
}

fn timewindow(t: Timespec, cmp: Cmp, reft: Timespec, window: i64) -> bool {
    match cmp {
        Cmp::Gt => t > reft,
        Cmp::Lt => t < reft,
        Cmp::Eq => {
            let delta = (t.sec - reft.sec) as f64 + (t.nsec as f64 - reft.nsec as f64) / 1e9;
            delta > 0.0 && delta <= window as f64
        }
    }
}

/// The sandbox's permission rule for its single user (uid/gid 1000).
pub fn may(st: &FileStat, want: u32) -> bool {
    let bits = if st.uid == 1000 {
        (st.mode >> 6) & 7
    } else if st.gid == 1000 {
        (st.mode >> 3) & 7
    } else {
        st.mode & 7
    };
    bits & want == want
}

/// The file type -xtype sees: the other side of the link from -type (a
/// dangling link is a link; a loop is an error, reported).
fn xtype(e: &Entry, ctx: &mut Ctx) -> Option<u32> {
    let r = if e.followed {
        fsmeta::stat(&e.path, false)
    } else if e.st.is_symlink() {
        match fsmeta::stat(&e.path, true) {
            Err(err) if matches!(err.raw_os_error(), Some(44) | Some(54)) => fsmeta::stat(&e.path, false),
            r => r,
        }
    } else {
        return Some(e.st.file_type());
    };
    match r {
        Ok(st) => Some(st.file_type()),
        Err(err) => {
            ctx.error(&format!("{}: {}", super::qname(&e.path), wsutil::strerror(&err)));
            None
        }
    }
}

/// Evaluates a test (not an action) on an entry.
pub fn test(pred: &Pred, e: &Entry, ctx: &mut Ctx) -> bool {
    let st = &e.st;
    match pred {
        Pred::True => true,
        Pred::False => false,
        Pred::Name { pat, icase } => fnmatch(pat, match_name(&e.path).as_bytes(), *icase),
        Pred::Path { pat, icase } => fnmatch(pat, e.path.as_bytes(), *icase),
        Pred::Lname { pat, icase } => {
            if !st.is_symlink() {
                return false;
            }
            match std::fs::read_link(&e.path) {
                Ok(t) => fnmatch(pat, t.to_string_lossy().as_bytes(), *icase),
                Err(_) => false,
            }
        }
        Pred::Regex(re) => re.is_full_match(e.path.as_bytes()),
        Pred::Type { types, x } => {
            let t = if *x { xtype(e, ctx) } else { Some(st.file_type()) };
            t.map(|t| types.contains(&t)).unwrap_or(false)
        }
        Pred::Size { cmp, n, unit } => {
            let v = st.size / unit + u64::from(st.size % unit != 0);
            cmp.holds(v, *n)
        }
        Pred::Time { which, cmp, reft, window } => timewindow(time_of(st, *which), *cmp, *reft, *window),
        Pred::Used { cmp, reft } => {
            // GNU 4.9 never matches a file read before its last change.
            let d = st.atime.as_ns() - st.ctime.as_ns();
            d >= 0 && timewindow(Timespec::from_ns(d), *cmp, *reft, 86400)
        }
        Pred::Newer { which, reft } => time_of(st, *which) > *reft,
        Pred::Empty => {
            if st.is_reg() {
                st.size == 0
            } else if st.is_dir() {
                match std::fs::read_dir(&e.path) {
                    Ok(mut it) => it.next().is_none(),
                    Err(err) => {
                        ctx.error(&format!("{}: {}", super::qname(&e.path), wsutil::strerror(&err)));
                        false
                    }
                }
            } else {
                false
            }
        }
        Pred::Perm { kind, val } => {
            let want = val[usize::from(st.is_dir())];
            let mode = st.mode & ALL;
            match kind {
                PermKind::Exact => mode == want,
                PermKind::AtLeast => mode & want == want,
                PermKind::Any => mode & want != 0,
            }
        }
        Pred::Uid(cmp, n) => cmp.holds(st.uid as u64, *n),
        Pred::Gid(cmp, n) => cmp.holds(st.gid as u64, *n),
        Pred::User(u) => st.uid == *u,
        Pred::Group(g) => st.gid == *g,
        Pred::NoUser => ctx.names.user(st.uid).is_none(),
        Pred::NoGroup => ctx.names.group(st.gid).is_none(),
        Pred::Links(cmp, n) => cmp.holds(st.nlink, *n),
        Pred::Inum(cmp, n) => cmp.holds(st.ino, *n),
        Pred::SameFile(dev, ino) => st.dev == *dev && st.ino == *ino,
        Pred::Access(bit) => {
            let target = if st.is_symlink() { fsmeta::stat(&e.path, true).ok() } else { Some(*st) };
            match target {
                Some(t) => may(&t, *bit),
                None => false,
            }
        }
        Pred::Fstype(t) => t == FSTYPE,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(fnmatch(b"*.txt", b".a.txt", false));
        assert!(fnmatch(b"?.txt", "é.txt".as_bytes(), false));
        assert!(fnmatch(b"[[:alpha:]]*", b"abc", false));
        assert!(!fnmatch(b"[!a]*", b"abc", false));
        assert!(fnmatch(b"A*", b"abc", true));
        assert!(fnmatch(b"[A-C]x", b"bx", true));
        assert!(!fnmatch(b"a\\", b"a\\", false));
        assert!(fnmatch(b"a[", b"a[", false));
        assert!(fnmatch(b"./*/c", b"./d/e/c", false));
    }

    #[test]
    fn modes() {
        assert_eq!(compile_mode("644"), Some([0o644, 0o644]));
        assert_eq!(compile_mode("u=rw,go=r"), Some([0o644, 0o644]));
        assert_eq!(compile_mode("+x"), Some([0o111, 0o111]));
        assert_eq!(compile_mode("a+X"), Some([0, 0o111]));
        assert_eq!(compile_mode("u+s"), Some([0o4000, 0o4000]));
        assert_eq!(compile_mode("999"), None);
        assert_eq!(compile_mode(""), None);
        assert_eq!(compile_mode("u+q"), None);
        assert_eq!(compile_mode("g=u"), Some([0, 0]));
    }

    #[test]
    fn numbers() {
        assert_eq!(get_num("+5"), Some((Cmp::Gt, 5)));
        assert_eq!(get_num(" 5"), Some((Cmp::Eq, 5)));
        assert_eq!(get_num("+-1"), None);
        assert_eq!(get_num("5x"), None);
        assert_eq!(match_name("d//"), "d");
        assert_eq!(match_name("/"), "/");
        assert_eq!(match_name("./a/b"), "b");
    }
}
