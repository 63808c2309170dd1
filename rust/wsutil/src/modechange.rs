//! File mode changes as `chmod`, `mkdir -m` and `install -m` take them:
//! octal (`755`) or symbolic (`u+x,go=r`, `a-w`, `g=u`, `+X`), compiled
//! once and applied to a file's current mode with GNU's rules (a change
//! without `ugoa` honours the umask; `X` adds execute permission only to
//! directories and files already executable by someone; set-id bits of
//! directories are kept unless named).

const S_ISUID: u32 = 0o4000;
const S_ISGID: u32 = 0o2000;
const S_ISVTX: u32 = 0o1000;
const S_IRWXU: u32 = 0o700;
const S_IRWXG: u32 = 0o070;
const S_IRWXO: u32 = 0o007;
const ALL_R: u32 = 0o444;
const ALL_W: u32 = 0o222;
const ALL_X: u32 = 0o111;
/// The bits `chmod` may change.
pub const MODE_BITS: u32 = 0o7777;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Plain bits.
    Bits,
    /// `u`, `g` or `o` after the operator: the file's own bits of that class.
    Copy,
    /// `X`: execute only for directories or already executable files.
    XIfAnyX,
}

/// One `[ugoa]*[-+=]perms` step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Change {
    op: char,
    kind: Kind,
    /// Bits the `ugoa` letters select; 0 when none were given.
    affected: u32,
    value: u32,
    /// Bits named explicitly (set-id bits of directories survive otherwise).
    mentioned: u32,
}

/// A compiled mode specification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModeChange(Vec<Change>);

fn octal(spec: &str) -> Option<ModeChange> {
    let value = u32::from_str_radix(spec, 8).ok()?;
    if value > MODE_BITS {
        return None;
    }
    // Fewer than five digits leave a directory's set-id bits alone unless
    // they are set.
    let mentioned = if spec.len() < 5 { (value & (S_ISUID | S_ISGID)) | S_ISVTX | 0o777 } else { MODE_BITS };
    Some(ModeChange(vec![Change { op: '=', kind: Kind::Bits, affected: MODE_BITS, value, mentioned }]))
}

impl ModeChange {
    /// Parses a mode; None when it is invalid (GNU: "invalid mode").
    pub fn parse(spec: &str) -> Option<ModeChange> {
        if !spec.is_empty() && spec.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
            return octal(spec);
        }
        let b = spec.as_bytes();
        let mut changes = Vec::new();
        let mut i = 0;
        loop {
            let mut affected = 0;
            while i < b.len() {
                affected |= match b[i] {
                    b'u' => S_ISUID | S_IRWXU,
                    b'g' => S_ISGID | S_IRWXG,
                    b'o' => S_ISVTX | S_IRWXO,
                    b'a' => MODE_BITS,
                    _ => break,
                };
                i += 1;
            }
            if i >= b.len() || !b"=+-".contains(&b[i]) {
                return None;
            }
            while i < b.len() && b"=+-".contains(&b[i]) {
                let op = b[i] as char;
                i += 1;
                let mut value = 0;
                let mut kind = Kind::Bits;
                let mut mentioned = None;
                match b.get(i) {
                    // `=755`, `+4000`: octal after the operator, alone.
                    Some(b'0'..=b'7') => {
                        let start = i;
                        while i < b.len() && (b'0'..=b'7').contains(&b[i]) {
                            i += 1;
                        }
                        value = u32::from_str_radix(&spec[start..i], 8).ok().filter(|&v| v <= MODE_BITS)?;
                        if affected != 0 || (i < b.len() && b[i] != b',') {
                            return None;
                        }
                        affected = MODE_BITS;
                        mentioned = Some(MODE_BITS);
                    }
                    Some(b'u') => {
                        value = S_IRWXU;
                        kind = Kind::Copy;
                        i += 1;
                    }
                    Some(b'g') => {
                        value = S_IRWXG;
                        kind = Kind::Copy;
                        i += 1;
                    }
                    Some(b'o') => {
                        value = S_IRWXO;
                        kind = Kind::Copy;
                        i += 1;
                    }
                    _ => {
                        while i < b.len() {
                            match b[i] {
                                b'r' => value |= ALL_R,
                                b'w' => value |= ALL_W,
                                b'x' => value |= ALL_X,
                                b'X' => kind = Kind::XIfAnyX,
                                b's' => value |= S_ISUID | S_ISGID,
                                b't' => value |= S_ISVTX,
                                _ => break,
                            }
                            i += 1;
                        }
                    }
                }
                let mentioned = mentioned.unwrap_or(if affected != 0 { affected & value } else { value });
                changes.push(Change { op, kind, affected, value, mentioned });
            }
            match b.get(i) {
                None => return Some(ModeChange(changes)),
                Some(b',') => i += 1,
                Some(_) => return None,
            }
        }
    }

    /// The mode `old` becomes; `dir` says whether the file is a directory.
    pub fn apply(&self, old: u32, dir: bool, umask: u32) -> u32 {
        let mut mode = old & MODE_BITS;
        for c in &self.0 {
            let omit = if dir { (S_ISUID | S_ISGID) & !c.mentioned } else { 0 };
            let mut value = c.value;
            match c.kind {
                Kind::Bits => {}
                Kind::Copy => {
                    value &= mode;
                    let spread = |class: u32| if value & class != 0 { class } else { 0 };
                    value |= spread(ALL_R) | spread(ALL_W) | spread(ALL_X);
                }
                Kind::XIfAnyX => {
                    if mode & ALL_X != 0 || dir {
                        value |= ALL_X;
                    }
                }
            }
            value &= (if c.affected != 0 { c.affected } else { !umask }) & !omit;
            match c.op {
                '=' => {
                    let preserved = (if c.affected != 0 { !c.affected } else { 0 }) | omit;
                    mode = (mode & preserved) | value;
                }
                '+' => mode |= value,
                _ => mode &= !value,
            }
        }
        mode & MODE_BITS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(spec: &str, old: u32, dir: bool) -> u32 {
        ModeChange::parse(spec).unwrap().apply(old, dir, 0o022)
    }

    #[test]
    fn modes() {
        assert_eq!(m("755", 0, false), 0o755);
        assert_eq!(m("+w", 0o777, true), 0o777);
        assert_eq!(m("u=rwx,g=,o=", 0o777, true), 0o700);
        assert_eq!(m("g+s", 0o777, true), 0o2777);
        assert_eq!(m("u+X,o-r", 0o777, true), 0o773);
        assert_eq!(m("go=u", 0o700, false), 0o777);
        assert_eq!(m("+x", 0o644, false), 0o755);
        assert_eq!(m("a-w", 0o644, false), 0o444);
        assert_eq!(m("=r", 0o777, false), 0o444);
        assert_eq!(m("=755", 0o777, false), 0o755);
        assert!(ModeChange::parse("u=755").is_none());
        assert!(ModeChange::parse("bad").is_none());
        assert!(ModeChange::parse("17777").is_none());
        assert!(ModeChange::parse("").is_none());
        assert!(ModeChange::parse("u").is_none());
        assert!(ModeChange::parse("u+x,").is_none());
        assert!(ModeChange::parse("u+x=r-w").is_some());
    }
}
