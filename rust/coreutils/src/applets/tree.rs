//! `tree`: directories as an indented tree, like tree 2.1 in a UTF-8
//! locale with output that is not a terminal (no colour). Its option
//! syntax is tree's own, not getopt's: an option's argument is the next
//! word (`-L 2`), and clusters like `-ad` are allowed.

use std::io::Write;
use wsutil::fnmatch::fnmatch;
use wsutil::fsmeta::{self, FileStat};
use wsutil::io::{stdout, Out};
use wsutil::Error;

pub const APPLETS: &[wsutil::Applet] = &[("tree", main)];

const USAGE: &str = "usage: tree [-acdfghilnpqrstuvxACDFJQNSUX] [-L level [-R]] [-H  baseHREF]
\t[-T title] [-o filename] [-P pattern] [-I pattern] [--gitignore]
\t[--gitfile[=]file] [--matchdirs] [--metafirst] [--ignore-case]
\t[--nolinks] [--hintro[=]file] [--houtro[=]file] [--inodes] [--device]
\t[--sort[=]<name>] [--dirsfirst] [--filesfirst] [--filelimit #] [--si]
\t[--du] [--prune] [--charset[=]X] [--timefmt[=]format] [--fromfile]
\t[--fflinks] [--info] [--infofile[=]file] [--noreport] [--version]
\t[--help] [--] [directory ...]
";

/// tree's line-drawing pieces in UTF-8 (note the no-break spaces).
const BAR: &str = "\u{2502}\u{a0}\u{a0} ";
const BLANK: &str = "    ";
const TEE: &str = "\u{251c}\u{2500}\u{2500} ";
const ELBOW: &str = "\u{2514}\u{2500}\u{2500} ";

#[derive(Default)]
struct Opts {
    all: bool,
    dirs_only: bool,
    full_path: bool,
    no_indent: bool,
    classify: bool,
    follow: bool,
    quote: bool,
    perms: bool,
    size: bool,
    human: bool,
    reverse: bool,
    unsorted: bool,
    dirs_first: bool,
    files_first: bool,
    prune: bool,
    noreport: bool,
    /// Deepest level shown (1 = the top directory's entries).
    level: Option<usize>,
    pattern: Vec<String>,
    ignore: Vec<String>,
}

struct Tree {
    o: Opts,
    out: Out,
    dirs: u64,
    files: u64,
    /// The directories being listed (device, inode), root first: a
    /// followed symlink back to one of them is not followed again.
    active: Vec<(u64, u64)>,
}

struct Node {
    name: String,
    path: String,
    lst: Option<FileStat>,
    /// A symlink's target text and the target's status.
    link: Option<(String, Option<FileStat>)>,
}

impl Node {
    fn is_dir(&self) -> bool {
        match (&self.lst, &self.link) {
            (Some(s), None) => s.is_dir(),
            (_, Some((_, Some(t)))) => t.is_dir(),
            _ => false,
        }
    }
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => wsutil::report(&e, 1),
    }
}

/// tree's own messages: `tree: TEXT` and exit 1.
fn die(msg: &str) -> i32 {
    eprintln!("tree: {}", msg);
    1
}

fn run(argv: &[String]) -> wsutil::Result<i32> {
    let mut o = Opts::default();
    let mut roots = Vec::new();
    let mut i = 0;
    let mut no_more_opts = false;
    while i < argv.len() {
        let a = &argv[i];
        i += 1;
        if no_more_opts || !a.starts_with('-') || a == "-" {
            roots.push(a.clone());
            continue;
        }
        if a == "--" {
            no_more_opts = true;
            continue;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            match name {
                "noreport" => o.noreport = true,
                "dirsfirst" => o.dirs_first = true,
                "filesfirst" => o.files_first = true,
                "prune" => o.prune = true,
                "help" => {
                    print!("{}", USAGE);
                    return Ok(0);
                }
                "version" => {
                    println!("tree v2.1.0 (wasmsand coreutils {})", env!("CARGO_PKG_VERSION"));
                    return Ok(0);
                }
                "charset" => {
                    let v = match value {
                        Some(v) => v,
                        None if i < argv.len() => {
                            i += 1;
                            argv[i - 1].clone()
                        }
                        None => return Ok(die("Missing argument to --charset option.")),
                    };
                    if !v.eq_ignore_ascii_case("utf-8") && !v.eq_ignore_ascii_case("utf8") {
                        return Err(Error::Unsupported(format!("--charset={}", v)));
                    }
                }
                "sort" | "filelimit" | "timefmt" | "gitignore" | "gitfile" | "matchdirs" | "metafirst" | "ignore-case"
                | "nolinks" | "hintro" | "houtro" | "inodes" | "device" | "si" | "du" | "fromfile" | "fflinks" | "info"
                | "infofile" => return Err(Error::Unsupported(a.clone())),
                _ => {
                    eprintln!("tree: Invalid argument `{}'.", a);
                    eprint!("{}", USAGE);
                    return Ok(1);
                }
            }
            continue;
        }
        for c in a[1..].chars() {
            match c {
                'a' => o.all = true,
                'd' => o.dirs_only = true,
                'f' => o.full_path = true,
                'i' => o.no_indent = true,
                'F' => o.classify = true,
                'l' => o.follow = true,
                'Q' => o.quote = true,
                'N' | 'n' | 'q' => {}
                'p' => o.perms = true,
                's' => o.size = true,
                'h' => {
                    o.human = true;
                    o.size = true;
                }
                'r' => o.reverse = true,
                'U' => o.unsorted = true,
                'L' | 'P' | 'I' => {
                    if i >= argv.len() {
                        return Ok(die(&format!("Missing argument to -{} option.", c)));
                    }
                    let v = argv[i].clone();
                    i += 1;
                    match c {
                        'L' => match v.trim().parse::<i64>() {
                            Ok(n) if n >= 1 => o.level = Some(n as usize),
                            _ => return Ok(die("Invalid level, must be greater than 0.")),
                        },
                        'P' => o.pattern.push(v),
                        _ => o.ignore.push(v),
                    }
                }
                'c' | 'g' | 'u' | 'v' | 't' | 'x' | 'A' | 'C' | 'D' | 'J' | 'S' | 'X' | 'H' | 'T' | 'o' | 'R' => {
                    return Err(Error::Unsupported(format!("-{}", c)))
                }
                _ => {
                    eprintln!("tree: Invalid argument -`{}'.", c);
                    eprint!("{}", USAGE);
                    return Ok(1);
                }
            }
        }
    }
    if roots.is_empty() {
        roots.push(".".into());
    }
    let mut t = Tree { o, out: stdout(), dirs: 0, files: 0, active: Vec::new() };
    let mut status = 0;
    for r in &roots {
        if !t.root(r)? {
            status = 2;
        }
    }
    if !t.o.noreport {
        let dirs = format!("{} director{}", t.dirs, if t.dirs == 1 { "y" } else { "ies" });
        if t.o.dirs_only {
            writeln!(t.out, "\n{}", dirs)?;
        } else {
            writeln!(t.out, "\n{}, {} file{}", dirs, t.files, if t.files == 1 { "" } else { "s" })?;
        }
    }
    t.out.flush()?;
    Ok(status)
}

/// Shell patterns for -P and -I, with `|` between alternatives as tree
/// allows.
fn matches(pattern: &str, name: &str) -> bool {
    pattern.split('|').any(|p| fnmatch(p.as_bytes(), name.as_bytes(), false))
}

impl Tree {
    fn node(&self, name: String, path: String) -> Node {
        let lst = fsmeta::stat(&path, false).ok();
        let link = match lst {
            Some(s) if s.is_symlink() => std::fs::read_link(&path)
                .ok()
                .map(|t| (t.to_string_lossy().into_owned(), fsmeta::stat(&path, true).ok())),
            _ => None,
        };
        Node { name, path, lst, link }
    }

    fn root(&mut self, root: &str) -> wsutil::Result<bool> {
        let n = self.node(root.to_string(), root.to_string());
        let meta = self.meta(&n);
        let shown = self.show_name(root);
        if n.lst.is_none() {
            writeln!(self.out, "{}{}  [error opening dir]", meta, shown)?;
            return Ok(false);
        }
        if !n.is_dir() {
            writeln!(self.out, "{}{}  [error opening dir]", meta, shown)?;
            self.files += 1;
            return Ok(true);
        }
        let mark = match (self.o.classify, n.lst) {
            (true, Some(s)) if n.link.is_none() => classify(&s),
            _ => "",
        };
        writeln!(self.out, "{}{}{}", meta, shown, mark)?;
        let mut prefix = String::new();
        // tree counts the top directory only when something is under it.
        if self.list(&n.path, 1, &mut prefix)? > 0 {
            self.dirs += 1;
        }
        Ok(true)
    }

    fn show_name(&self, name: &str) -> String {
        if self.o.quote {
            format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
        } else {
            name.to_string()
        }
    }

    /// `[drwxr-xr-x        4096]  ` for -p and -s/-h.
    fn meta(&self, n: &Node) -> String {
        let st = match n.lst {
            Some(s) if self.o.perms || self.o.size => s,
            _ => return String::new(),
        };
        let mut parts = Vec::new();
        if self.o.perms {
            parts.push(fsmeta::mode_string(st.mode));
        }
        if self.o.size {
            parts.push(if self.o.human { human(st.size) } else { format!("{:>11}", st.size) });
        }
        format!("[{}]  ", parts.join(" "))
    }

    fn children(&self, dir: &str) -> Option<Vec<Node>> {
        let rd = std::fs::read_dir(dir).ok()?;
        let mut v = Vec::new();
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !self.o.all && name.starts_with('.') {
                continue;
            }
            let path = if dir.ends_with('/') { format!("{}{}", dir, name) } else { format!("{}/{}", dir, name) };
            let n = self.node(name, path);
            if self.o.dirs_only && !n.is_dir() {
                continue;
            }
            if self.o.ignore.iter().any(|p| matches(p, &n.name)) {
                continue;
            }
            if !n.is_dir() && !self.o.pattern.is_empty() && !self.o.pattern.iter().any(|p| matches(p, &n.name)) {
                continue;
            }
            v.push(n);
        }
        if !self.o.unsorted {
            v.sort_by(|a, b| {
                if self.o.dirs_first || self.o.files_first {
                    let (da, db) = (a.is_dir(), b.is_dir());
                    if da != db {
                        return if self.o.dirs_first { db.cmp(&da) } else { da.cmp(&db) };
                    }
                }
                let ord = a.name.cmp(&b.name);
                if self.o.reverse {
                    ord.reverse()
                } else {
                    ord
                }
            });
        }
        if self.o.prune {
            v.retain(|n| !n.is_dir() || n.link.is_some() || self.has_files(&n.path));
        }
        Some(v)
    }

    /// For --prune: whether anything but empty directories lies below.
    fn has_files(&self, dir: &str) -> bool {
        // children() has already pruned the directories below.
        self.children(dir).map_or(false, |v| !v.is_empty())
    }

    fn descends(&self, n: &Node) -> bool {
        n.is_dir() && (n.link.is_none() || self.o.follow)
    }

    /// Prints the entries under `dir`; returns how many were shown.
    fn list(&mut self, dir: &str, depth: usize, prefix: &mut String) -> wsutil::Result<usize> {
        let id = fsmeta::stat(dir, true).ok().map(|s| (s.dev, s.ino));
        if let Some(id) = id {
            self.active.push(id);
        }
        let r = self.list_entries(dir, depth, prefix);
        if id.is_some() {
            self.active.pop();
        }
        r
    }

    fn list_entries(&mut self, dir: &str, depth: usize, prefix: &mut String) -> wsutil::Result<usize> {
        let kids = match self.children(dir) {
            Some(k) => k,
            None => return Ok(0),
        };
        let count = kids.len();
        for (i, n) in kids.into_iter().enumerate() {
            let last = i + 1 == count;
            let mut line = String::new();
            if !self.o.no_indent {
                line.push_str(prefix);
                line.push_str(if last { ELBOW } else { TEE });
            }
            line.push_str(&self.meta(&n));
            let shown = if self.o.full_path { n.path.clone() } else { n.name.clone() };
            line.push_str(&self.show_name(&shown));
            let mut readable = true;
            match &n.link {
                Some((target, tst)) => {
                    line.push_str(" -> ");
                    line.push_str(&self.show_name(target));
                    if let (true, Some(t)) = (self.o.classify, tst) {
                        line.push_str(classify(t));
                    }
                    if self.o.follow && n.is_dir() && self.is_ancestor(tst) {
                        line.push_str("  [recursive, not followed]");
                        readable = false;
                    }
                }
                None => {
                    if let (true, Some(s)) = (self.o.classify, n.lst) {
                        line.push_str(classify(&s));
                    }
                }
            }
            let descend = readable && self.descends(&n) && self.o.level.map_or(true, |l| depth < l);
            if descend && std::fs::read_dir(&n.path).is_err() {
                line.push_str("  [error opening dir]");
            }
            writeln!(self.out, "{}", line)?;
            if n.is_dir() {
                self.dirs += 1;
            } else {
                self.files += 1;
            }
            if descend {
                let len = prefix.len();
                prefix.push_str(if last { BLANK } else { BAR });
                self.list(&n.path, depth + 1, prefix)?;
                prefix.truncate(len);
            }
        }
        Ok(count)
    }

    /// A followed symlink that leads back up the tree would never end.
    fn is_ancestor(&self, target: &Option<FileStat>) -> bool {
        target.map_or(false, |t| self.active.contains(&(t.dev, t.ino)))
    }
}

fn classify(st: &FileStat) -> &'static str {
    match st.file_type() {
        fsmeta::S_IFDIR => "/",
        fsmeta::S_IFLNK => "@",
        fsmeta::S_IFIFO => "|",
        fsmeta::S_IFSOCK => "=",
        fsmeta::S_IFREG if st.mode & 0o111 != 0 => "*",
        _ => "",
    }
}

/// tree's -h: four characters, one decimal below 9.95 of a unit.
fn human(size: u64) -> String {
    const UNITS: [&str; 9] = ["", "K", "M", "G", "T", "P", "E", "Z", "Y"];
    if size < 1024 {
        return format!("{:>4}", size);
    }
    let mut idx = 1;
    let mut s = size as f64;
    while s >= 1024.0 * 1024.0 && idx < 8 {
        s /= 1024.0;
        idx += 1;
    }
    let v = s / 1024.0;
    if v >= 9.95 {
        format!("{:>3.0}{}", v, UNITS[idx])
    } else {
        format!("{:>3.1}{}", v, UNITS[idx])
    }
}
