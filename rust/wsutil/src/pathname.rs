//! File names as text, with gnulib's rules for runs of slashes: what
//! `basename`, `dirname`, and the file utilities (`cp`, `mv`, `ln`, ...)
//! use to name a file inside a target directory.

/// Where the last component starts: after the leading slashes, and after
/// every later run of slashes followed by something. For a name made only
/// of slashes, its end.
pub fn last_component(path: &str) -> usize {
    let b = path.as_bytes();
    let mut base = b.iter().take_while(|&&c| c == b'/').count();
    let mut saw_slash = false;
    for (i, &c) in b.iter().enumerate().skip(base) {
        if c == b'/' {
            saw_slash = true;
        } else if saw_slash {
            base = i;
            saw_slash = false;
        }
    }
    base
}

/// The last component without trailing slashes; a name of only slashes
/// gives "/", the empty name "".
pub fn base_name(path: &str) -> &str {
    let rest = &path[last_component(path)..];
    if rest.is_empty() {
        return if path.is_empty() { "" } else { "/" };
    }
    rest.trim_end_matches('/')
}

/// Everything before the last component, without trailing slashes (a
/// leading slash stays); "." when that is nothing.
pub fn dir_name(path: &str) -> &str {
    let prefix = if path.starts_with('/') { 1 } else { 0 };
    let mut len = last_component(path);
    while len > prefix && path.as_bytes()[len - 1] == b'/' {
        len -= 1;
    }
    if len == 0 {
        "."
    } else {
        &path[..len]
    }
}

/// `name` without trailing slashes, but "/" for a name of only slashes.
pub fn strip_trailing_slashes(name: &str) -> &str {
    let t = name.trim_end_matches('/');
    if t.is_empty() && !name.is_empty() {
        "/"
    } else {
        t
    }
}

/// `dir` joined with `name`, with one slash between them unless `dir`
/// already ends with one (gnulib's `file_name_concat`).
pub fn concat(dir: &str, name: &str) -> String {
    let name = name.trim_start_matches('/');
    if dir.ends_with('/') || dir.is_empty() {
        format!("{}{}", dir, name)
    } else {
        format!("{}/{}", dir, name)
    }
}

/// The name a file operand takes inside a target directory: its last
/// component without trailing slashes.
pub fn in_directory(dir: &str, source: &str) -> String {
    let last = &source[last_component(source)..];
    concat(dir, last.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(base_name("//"), "/");
        assert_eq!(base_name("a/b/"), "b");
        assert_eq!(base_name(""), "");
        assert_eq!(dir_name("///a///b///"), "///a");
        assert_eq!(dir_name("//"), "/");
        assert_eq!(dir_name("a/"), ".");
        assert_eq!(dir_name("/a"), "/");
        assert_eq!(in_directory("dir", "x/a.txt"), "dir/a.txt");
        assert_eq!(in_directory("dir/", "a/"), "dir/a");
        assert_eq!(in_directory(".", "/"), "./");
    }
}
