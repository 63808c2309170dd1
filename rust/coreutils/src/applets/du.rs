//! `du`: disk usage of files and directories. Sandbox files live in
//! memory; their usage is counted as on a 4 KiB-block ext4 filesystem
//! (whole blocks, nothing for short symlinks), see `fsmeta::FileStat::blocks`.
//! Directories are walked in the order the filesystem lists them.

use std::collections::HashSet;
use std::io::Write;
use wsutil::args::{self, HasArg, Item, Spec, HELP, LONG1, LONG2, LONG3, LONG4, LONG5, LONG6, LONG7, VERSION};
use wsutil::datetime::{localtime, strftime, Timespec, Zone};
use wsutil::fnmatch::fnmatch;
use wsutil::fsmeta::{self, human_size, FileStat};
use wsutil::io::{stdout, Out};
use wsutil::num::parse_size;
use wsutil::{quote_always, quote_locale, report, show_error, strerror, Error, Result, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("du", main)];

const SI: char = LONG1;
const APPARENT: char = LONG2;
const INODES: char = LONG3;
const EXCLUDE: char = LONG4;
const TIME: char = LONG5;
const FILES0: char = LONG6;
const TIME_STYLE: char = LONG7;

const SPEC: Spec = Spec {
    short: "0abB:cd:DhHklLmPsSt:xX:",
    long: &[
        ("null", HasArg::No, '0'),
        ("all", HasArg::No, 'a'),
        ("apparent-size", HasArg::No, APPARENT),
        ("block-size", HasArg::Required, 'B'),
        ("bytes", HasArg::No, 'b'),
        ("total", HasArg::No, 'c'),
        ("dereference-args", HasArg::No, 'D'),
        ("max-depth", HasArg::Required, 'd'),
        ("files0-from", HasArg::Required, FILES0),
        ("human-readable", HasArg::No, 'h'),
        ("inodes", HasArg::No, INODES),
        ("si", HasArg::No, SI),
        ("count-links", HasArg::No, 'l'),
        ("dereference", HasArg::No, 'L'),
        ("no-dereference", HasArg::No, 'P'),
        ("separate-dirs", HasArg::No, 'S'),
        ("summarize", HasArg::No, 's'),
        ("threshold", HasArg::Required, 't'),
        ("time", HasArg::Optional, TIME),
        ("time-style", HasArg::Required, TIME_STYLE),
        ("one-file-system", HasArg::No, 'x'),
        ("exclude-from", HasArg::Required, 'X'),
        ("exclude", HasArg::Required, EXCLUDE),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: du [OPTION]... [FILE]...
Summarize device usage of the set of FILEs, recursively for directories.

  -0, --null            end each output line with NUL, not newline
  -a, --all             write counts for all files, not just directories
      --apparent-size   print apparent sizes rather than device usage
  -B, --block-size=SIZE  scale sizes by SIZE before printing them
  -b, --bytes           equivalent to '--apparent-size --block-size=1'
  -c, --total           produce a grand total
  -D, --dereference-args  dereference only symlinks that are listed on the
                          command line
  -d, --max-depth=N     print the total for a directory (or file, with --all)
                          only if it is N or fewer levels below the command
                          line argument
  -h, --human-readable  print sizes in human readable format (e.g., 1K 234M 2G)
      --inodes          list inode usage information instead of block usage
  -k                    like --block-size=1K
  -L, --dereference     dereference all symbolic links
  -l, --count-links     count sizes many times if hard linked
  -m                    like --block-size=1M
  -P, --no-dereference  don't follow any symbolic links (this is the default)
  -S, --separate-dirs   for directories do not include size of subdirectories
      --si              like -h, but use powers of 1000 not 1024
  -s, --summarize       display only a total for each argument
  -t, --threshold=SIZE  exclude entries smaller than SIZE if positive,
                          or entries greater than SIZE if negative
  -x, --one-file-system  skip directories on different file systems
";

/// How sizes are printed.
#[derive(Clone, Copy)]
enum Scale {
    Blocks(u64),
    Human(u64),
}

struct Du {
    all: bool,
    apparent: bool,
    inodes: bool,
    scale: Scale,
    max_depth: Option<usize>,
    count_links: bool,
    deref_all: bool,
    deref_args: bool,
    separate: bool,
    threshold: i128,
    eol: u8,
    hash_all: bool,
    seen: HashSet<(u64, u64)>,
    /// Directories being walked (device, inode): with -L a symlink back up
    /// the tree is skipped, as fts's cycle check does.
    active: Vec<(u64, u64)>,
    exclude: Vec<String>,
    /// `--time`: which time to show, and its strftime format.
    time: Option<(TimeKind, String)>,
    zone: Zone,
    out: Out,
    ok: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TimeKind {
    Modify,
    Access,
    Change,
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

/// `--time[=WORD]`, checked as GNU's argmatch does.
fn time_word(v: Option<&str>) -> Result<TimeKind> {
    let v = match v {
        None => return Ok(TimeKind::Modify),
        Some(v) => v,
    };
    let table: [(&[&str], TimeKind); 2] =
        [(&["atime", "access", "use"], TimeKind::Access), (&["ctime", "status"], TimeKind::Change)];
    for (names, k) in table.iter() {
        if names.contains(&v) {
            return Ok(*k);
        }
    }
    let hits: Vec<TimeKind> =
        table.iter().filter(|(n, _)| !v.is_empty() && n.iter().any(|x| x.starts_with(v))).map(|x| x.1).collect();
    if hits.len() == 1 {
        return Ok(hits[0]);
    }
    let kind = if hits.is_empty() { "invalid" } else { "ambiguous" };
    let mut msg = format!("{} argument {} for {}\nValid arguments are:", kind, quote_locale(v), quote_locale("--time"));
    for (names, _) in table.iter() {
        let q: Vec<String> = names.iter().map(|n| quote_locale(n)).collect();
        msg.push_str(&format!("\n  - {}", q.join(", ")));
    }
    Err(UsageError::new(msg).into())
}

/// `--time-style`: full-iso, long-iso, iso or +FORMAT.
fn style_format(style: &str) -> Result<String> {
    let style = style.strip_prefix("posix-").unwrap_or(style);
    if let Some(f) = style.strip_prefix('+') {
        return Ok(f.split('\n').next().unwrap_or("").to_string());
    }
    Ok(match style {
        "full-iso" => "%Y-%m-%d %H:%M:%S.%N %z".into(),
        "long-iso" => "%Y-%m-%d %H:%M".into(),
        "iso" => "%Y-%m-%d".into(),
        _ => {
            let mut msg = format!("invalid argument {} for {}\nValid arguments are:", quote_locale(style), quote_locale("time style"));
            for v in ["full-iso", "long-iso", "iso"] {
                msg.push_str(&format!("\n  - {}", quote_locale(v)));
            }
            return Err(UsageError::new(msg).into());
        }
    })
}

/// `-B`/`-t` sizes: a number with an optional multiplier suffix.
fn size_arg(v: &str, what: &str) -> Result<u64> {
    let (num, suffix) = match v.find(|c: char| !c.is_ascii_digit()) {
        Some(0) => ("1", v),
        Some(i) => (&v[..i], &v[i..]),
        None => (v, ""),
    };
    let text = format!("{}{}", num, suffix);
    match parse_size(&text, "kKmMGTPEZYRQ") {
        Ok(n) if n > 0 || what == "threshold" => Ok(n),
        _ => Err(Error::Fatal(format!("invalid {} argument {}", what, quote_always(v)))),
    }
}

fn run(argv: &[String]) -> Result<i32> {
    let mut du = Du {
        all: false,
        apparent: false,
        inodes: false,
        scale: Scale::Blocks(1024),
        max_depth: None,
        count_links: false,
        deref_all: false,
        deref_args: false,
        separate: false,
        threshold: 0,
        eol: b'\n',
        hash_all: false,
        seen: HashSet::new(),
        active: Vec::new(),
        exclude: Vec::new(),
        time: None,
        zone: Zone::from_env(),
        out: stdout(),
        ok: true,
    };
    let mut time_kind: Option<TimeKind> = None;
    let mut time_style: Option<String> = None;
    let mut summarize = false;
    let mut total = false;
    let mut files = Vec::new();
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt('0', _) => du.eol = 0,
            Item::Opt('a', _) => du.all = true,
            Item::Opt(APPARENT, _) => du.apparent = true,
            Item::Opt('b', _) => {
                du.apparent = true;
                du.scale = Scale::Blocks(1);
            }
            Item::Opt('B', Some(v)) => du.scale = Scale::Blocks(size_arg(&v, "-B")?),
            Item::Opt('c', _) => total = true,
            Item::Opt('D', _) | Item::Opt('H', _) => du.deref_args = true,
            Item::Opt('d', Some(v)) => match v.parse::<usize>() {
                Ok(n) => du.max_depth = Some(n),
                Err(_) => return Err(UsageError::new(format!("invalid maximum depth {}", quote_locale(&v))).into()),
            },
            Item::Opt('h', _) => du.scale = Scale::Human(1024),
            Item::Opt(SI, _) => du.scale = Scale::Human(1000),
            Item::Opt(INODES, _) => du.inodes = true,
            Item::Opt('k', _) => du.scale = Scale::Blocks(1024),
            Item::Opt('m', _) => du.scale = Scale::Blocks(1024 * 1024),
            Item::Opt('l', _) => du.count_links = true,
            Item::Opt('L', _) => du.deref_all = true,
            Item::Opt('P', _) => {
                du.deref_all = false;
                du.deref_args = false;
            }
            Item::Opt('S', _) => du.separate = true,
            Item::Opt('s', _) => summarize = true,
            Item::Opt('t', Some(v)) => {
                let (neg, body) = match v.strip_prefix('-') {
                    Some(b) => (true, b),
                    None => (false, v.as_str()),
                };
                let n = size_arg(body, "threshold").map_err(|_| {
                    Error::Usage(UsageError::new(format!("invalid --threshold argument {}", quote_locale(&v))))
                })? as i128;
                if neg && n == 0 {
                    return Err(UsageError::new(format!("invalid --threshold argument {}", quote_locale(&v))).into());
                }
                du.threshold = if neg { -n } else { n };
            }
            Item::Opt('x', _) => {}
            Item::Opt('X', _) => return Err(Error::Unsupported("--exclude-from".into())),
            Item::Opt(EXCLUDE, Some(v)) => du.exclude.push(v),
            Item::Opt(TIME, v) => time_kind = Some(time_word(v.as_deref())?),
            Item::Opt(TIME_STYLE, Some(v)) => time_style = Some(v),
            Item::Opt(FILES0, _) => return Err(Error::Unsupported("--files0-from".into())),
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("du (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    if let Some(kind) = time_kind {
        let style = time_style.or_else(|| std::env::var("TIME_STYLE").ok()).unwrap_or_else(|| "long-iso".into());
        du.time = Some((kind, style_format(&style)?));
    }
    if summarize && du.all {
        return Err(UsageError::new("cannot both summarize and show all entries").into());
    }
    if summarize {
        match du.max_depth {
            Some(0) => show_error("warning: summarizing is the same as using --max-depth=0"),
            Some(n) => return Err(UsageError::new(format!("warning: summarizing conflicts with --max-depth={}", n)).into()),
            None => {}
        }
        du.max_depth = Some(0);
    }
    if du.inodes {
        du.apparent = false;
        if let Scale::Blocks(_) = du.scale {
            du.scale = Scale::Blocks(1);
        }
    }
    if files.is_empty() {
        files.push(".".into());
    }
    du.hash_all = files.len() > 1;
    let mut grand = 0u64;
    let mut newest = Timespec::default();
    for f in &files {
        if let Some((n, t)) = du.walk(f, 0) {
            grand += n;
            newest = newest.max(t);
        }
    }
    if total {
        du.print(grand, newest, "total")?;
    }
    du.out.flush()?;
    Ok(if du.ok { 0 } else { 1 })
}

impl Du {
    /// Usage under `path` (counted in bytes, or in inodes); None when the
    /// file itself could not be read.
    fn excluded(&self, path: &str) -> bool {
        let p = path.as_bytes();
        self.exclude.iter().any(|pat| {
            let pat = pat.as_bytes();
            fnmatch(pat, p, false)
                || p.iter().enumerate().any(|(i, &c)| c == b'/' && i + 1 < p.len() && p[i + 1] != b'/' && fnmatch(pat, &p[i + 1..], false))
        })
    }

    fn time_of(&self, st: &FileStat) -> Timespec {
        match self.time.as_ref().map(|t| t.0) {
            Some(TimeKind::Access) => st.atime,
            Some(TimeKind::Change) => st.ctime,
            _ => st.mtime,
        }
    }

    fn walk(&mut self, path: &str, depth: usize) -> Option<(u64, Timespec)> {
        if self.excluded(path) {
            return Some((0, Timespec::default()));
        }
        let follow = self.deref_all || (depth == 0 && self.deref_args);
        let st = match fsmeta::stat(path, follow) {
            Ok(s) => s,
            Err(e) => {
                let _ = self.out.flush();
                show_error(&format!("cannot access {}: {}", quote_always(path), strerror(&e)));
                self.ok = false;
                return None;
            }
        };
        if !self.count_links && (self.hash_all || (!st.is_dir() && st.nlink > 1)) && !self.seen.insert((st.dev, st.ino)) {
            return Some((0, Timespec::default()));
        }
        let mut newest = self.time_of(&st);
        let own = if self.inodes {
            1
        } else if self.apparent {
            st.size
        } else {
            st.blocks() * 512
        };
        let mut size = own;
        if st.is_dir() && self.active.contains(&(st.dev, st.ino)) {
            return Some((0, Timespec::default()));
        }
        if st.is_dir() {
            self.active.push((st.dev, st.ino));
            let mut below = 0u64;
            match std::fs::read_dir(path) {
                Ok(rd) => {
                    let names: Vec<String> =
                        rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
                    for n in names {
                        let child = if path.ends_with('/') { format!("{}{}", path, n) } else { format!("{}/{}", path, n) };
                        let child_is_dir = fsmeta::stat(&child, self.deref_all).map_or(false, |s| s.is_dir());
                        let (n, t) = self.walk(&child, depth + 1).unwrap_or_default();
                        if !(self.separate && child_is_dir) {
                            below += n;
                            newest = newest.max(t);
                        }
                    }
                }
                Err(e) => {
                    let _ = self.out.flush();
                    show_error(&format!("cannot read directory {}: {}", quote_always(path), strerror(&e)));
                    self.ok = false;
                }
            }
            size += below;
            self.active.pop();
        }
        let shown_depth = self.max_depth.map_or(true, |m| depth <= m);
        if (st.is_dir() || self.all || depth == 0) && shown_depth {
            let _ = self.print(size, newest, path);
        }
        Some((size, newest))
    }

    fn passes_threshold(&self, size: u64) -> bool {
        let s = size as i128;
        if self.threshold >= 0 {
            s >= self.threshold
        } else {
            s <= -self.threshold
        }
    }

    fn print(&mut self, size: u64, when: Timespec, name: &str) -> Result<()> {
        if !self.passes_threshold(size) {
            return Ok(());
        }
        let text = match self.scale {
            _ if self.inodes => match self.scale {
                Scale::Human(base) => human_size(size, base),
                Scale::Blocks(b) => ((size + b - 1) / b).to_string(),
            },
            Scale::Human(base) => human_size(size, base),
            Scale::Blocks(b) => ((size + b - 1) / b).to_string(),
        };
        self.out.write_all(text.as_bytes())?;
        self.out.write_all(b"\t")?;
        if let Some((_, fmt)) = &self.time {
            let t = strftime(fmt, &localtime(when, &self.zone));
            self.out.write_all(t.as_bytes())?;
            self.out.write_all(b"\t")?;
        }
        self.out.write_all(name.as_bytes())?;
        self.out.write_all(&[self.eol])?;
        Ok(())
    }
}
