//! Canonical file names as GNU's `realpath`, `readlink -f` and `ln -r`
//! compute them (gnulib's `canonicalize_filename_mode`): absolute, without
//! `.`, `..`, repeated slashes or (unless asked) symlinks, resolving one
//! component at a time so that what may be missing is under control.

use std::collections::HashSet;
use std::io;

const ENOENT: i32 = 44;
const EINVAL: i32 = 28;
const ELOOP: i32 = 32;

/// How much of the name must exist.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Need {
    /// Every component (`-e`).
    Existing,
    /// All but the last (`-f`, realpath's default).
    AllButLast,
    /// Nothing (`-m`): missing parts are taken as plain names.
    Missing,
}

/// Symlinks followed before loop checks begin: a loop is only suspected
/// after this many, then detected by seeing the same (parent directory,
/// name) pair twice.
const LINKS_BEFORE_LOOP_CHECK: u32 = 20;

fn errno(e: &io::Error) -> i32 {
    e.raw_os_error().unwrap_or(EINVAL)
}

/// Whether what follows a component (`rest`, empty or starting with a
/// slash) means that component must be a directory before the later code
/// would notice: a trailing slash, or a `.`/`..` component.
fn suffix_requires_dir(rest: &str) -> bool {
    let mut s = rest;
    while s.starts_with('/') {
        s = s.trim_start_matches('/');
        let comp = s.split('/').next().unwrap_or("");
        match comp {
            "" | ".." => return true,
            "." if s.len() == 1 => return true,
            // "/./x": look at what follows the dot.
            "." => s = &s[1..],
            _ => return false,
        }
    }
    false
}

/// Whether `path` exists (following symlinks), as `faccessat(F_OK)`.
fn accessible(path: &str) -> io::Result<()> {
    crate::fsext::stat(path, true).map(|_| ())
}

/// Removes the last component of an absolute name, keeping the slash
/// before it (`/a/b` → `/a/`); the root stays.
fn pop_component(rname: &mut String) {
    if rname.len() <= 1 {
        return;
    }
    if rname.ends_with('/') {
        rname.pop();
    }
    while !rname.ends_with('/') {
        rname.pop();
    }
}

/// The working directory, as an absolute name.
fn current_dir() -> io::Result<String> {
    let dir = std::env::current_dir()?;
    Ok(dir.to_string_lossy().into_owned())
}

/// Canonicalizes `name`. `nolinks` keeps symlinks as they are (`realpath
/// -s`), checking only what `need` asks of the final name.
pub fn canonicalize(name: &str, need: Need, nolinks: bool) -> io::Result<String> {
    if name.is_empty() {
        return Err(io::Error::from_raw_os_error(ENOENT));
    }
    let mut rname = if name.starts_with('/') { String::from("/") } else { current_dir()? };
    let mut pending = name.to_string();
    let mut pos = 0;
    let mut links = 0u32;
    let mut seen: HashSet<(u64, u64, String)> = HashSet::new();
    loop {
        let bytes = pending.as_bytes();
        while pos < bytes.len() && bytes[pos] == b'/' {
            pos += 1;
        }
        let start = pos;
        while pos < bytes.len() && bytes[pos] != b'/' {
            pos += 1;
        }
        if start == pos {
            break;
        }
        let comp = pending[start..pos].to_string();
        if comp == "." {
            continue;
        }
        if comp == ".." {
            pop_component(&mut rname);
            continue;
        }
        if !rname.ends_with('/') {
            rname.push('/');
        }
        rname.push_str(&comp);
        let rest = pending[pos..].to_string();
        let link = if nolinks { Err(io::Error::from_raw_os_error(EINVAL)) } else { std::fs::read_link(&rname) };
        match link {
            Ok(target) => {
                if links < LINKS_BEFORE_LOOP_CHECK {
                    links += 1;
                } else {
                    let parent = &rname[..rname.len() - comp.len()];
                    let st = crate::fsext::stat(parent, true)?;
                    if !seen.insert((st.dev, st.ino, comp.clone())) {
                        if need == Need::Missing {
                            continue;
                        }
                        return Err(io::Error::from_raw_os_error(ELOOP));
                    }
                }
                let target = target.to_string_lossy().into_owned();
                if target.starts_with('/') {
                    rname = String::from("/");
                } else {
                    pop_component(&mut rname);
                }
                pending = target + &rest;
                pos = 0;
            }
            Err(e) => {
                if need == Need::Missing {
                    continue;
                }
                let mut err = errno(&e);
                let ok = if suffix_requires_dir(&rest) {
                    match accessible(&format!("{}/./", rname)) {
                        Ok(()) => true,
                        Err(e) => {
                            err = errno(&e);
                            false
                        }
                    }
                } else if !nolinks {
                    err == EINVAL
                } else if !rest.is_empty() {
                    true
                } else {
                    match accessible(&rname) {
                        Ok(()) => true,
                        Err(e) => {
                            err = errno(&e);
                            false
                        }
                    }
                };
                let missing_last = need == Need::AllButLast && err == ENOENT && rest.trim_start_matches('/').is_empty();
                if !ok && !missing_last {
                    return Err(io::Error::from_raw_os_error(err));
                }
            }
        }
    }
    if rname.len() > 1 && rname.ends_with('/') {
        rname.pop();
    }
    Ok(rname)
}

/// Whether canonical `prefix` is `path` or one of its parent directories.
pub fn path_prefix(prefix: &str, path: &str) -> bool {
    let p = &prefix[1.min(prefix.len())..];
    let q = &path[1.min(path.len())..];
    if p.is_empty() {
        return !q.starts_with('/');
    }
    match q.strip_prefix(p) {
        Some(rest) => rest.is_empty() || rest.starts_with('/'),
        None => false,
    }
}

/// Length of the longest common leading run of whole components of two
/// canonical names; 0 when one starts with `//` and the other does not.
fn common_prefix(a: &str, b: &str) -> usize {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if (x.get(1) == Some(&b'/')) != (y.get(1) == Some(&b'/')) {
        return 0;
    }
    let mut i = 0;
    let mut ret = 0;
    while i < x.len() && i < y.len() && x[i] == y[i] {
        if x[i] == b'/' {
            ret = i + 1;
        }
        i += 1;
    }
    let a_end = i == x.len();
    let b_end = i == y.len();
    if (a_end && b_end) || (a_end && y.get(i) == Some(&b'/')) || (b_end && x.get(i) == Some(&b'/')) {
        ret = i;
    }
    ret
}

/// `fname` relative to directory `dir`, both canonical; None when they
/// share nothing.
pub fn relpath(fname: &str, dir: &str) -> Option<String> {
    let common = common_prefix(dir, fname);
    if common == 0 {
        return None;
    }
    let mut to = &dir[common..];
    let mut from = &fname[common..];
    to = to.strip_prefix('/').unwrap_or(to);
    from = from.strip_prefix('/').unwrap_or(from);
    if to.is_empty() {
        return Some(if from.is_empty() { ".".to_string() } else { from.to_string() });
    }
    let mut out = String::from("..");
    for _ in to.bytes().filter(|&b| b == b'/') {
        out.push_str("/..");
    }
    if !from.is_empty() {
        out.push('/');
        out.push_str(from);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative() {
        assert_eq!(relpath("/a/b/c", "/a").as_deref(), Some("b/c"));
        assert_eq!(relpath("/a", "/a/b/c").as_deref(), Some("../.."));
        assert_eq!(relpath("/a/x", "/a/b").as_deref(), Some("../x"));
        assert_eq!(relpath("/a", "/a").as_deref(), Some("."));
        assert_eq!(relpath("/ab", "/a").as_deref(), Some("../ab"));
        assert_eq!(relpath("/usr", "/").as_deref(), Some("usr"));
    }

    #[test]
    fn prefixes() {
        assert!(path_prefix("/", "/x"));
        assert!(path_prefix("/a", "/a/b"));
        assert!(path_prefix("/a", "/a"));
        assert!(!path_prefix("/a", "/ab"));
    }

    #[test]
    fn dir_suffixes() {
        assert!(suffix_requires_dir("/"));
        assert!(suffix_requires_dir("//."));
        assert!(suffix_requires_dir("/../x"));
        assert!(!suffix_requires_dir("/x"));
        assert!(!suffix_requires_dir("/.x"));
        assert!(!suffix_requires_dir(""));
    }
}
