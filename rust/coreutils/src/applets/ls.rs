//! `ls`: list directory contents, GNU style. Output is never a terminal in
//! the sandbox, so the default is one name per line, names are printed
//! literally and there is no colour; `-C`, `-x` and `-m` lay names out for
//! an 80-column line (or `-w`/`COLUMNS`) with GNU's tab stops.

use std::io::Write;
use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::datetime::{localtime, strftime, Timespec, Zone};
use wsutil::fsmeta::{self, FileStat, Names, S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFSOCK};
use wsutil::fnmatch::fnmatch;
use wsutil::io::{stdout, Out};
use wsutil::{quote_always, quote_locale, report, show_error, strerror, Error, Result, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("ls", main)];

// Long-only option keys.
const AUTHOR: char = '\u{e100}';
const BLOCK_SIZE: char = '\u{e101}';
const COLOR: char = '\u{e102}';
const FILE_TYPE: char = '\u{e103}';
const FORMAT: char = '\u{e104}';
const FULL_TIME: char = '\u{e105}';
const GROUP_DIRS: char = '\u{e106}';
const SI: char = '\u{e107}';
const DEREF_DIR: char = '\u{e108}';
const HIDE: char = '\u{e109}';
const HYPERLINK: char = '\u{e10a}';
const INDICATOR: char = '\u{e10b}';
const SHOW_CTRL: char = '\u{e10c}';
const QUOTING: char = '\u{e10d}';
const SORT: char = '\u{e10e}';
const TIME: char = '\u{e10f}';
const TIME_STYLE: char = '\u{e110}';
const ZERO: char = '\u{e111}';

const SPEC: Spec = Spec {
    short: "aAbBcCdDfF::ghHiI:klLmnNopqQrRsStT:uUvw:xXZ1G",
    long: &[
        ("all", HasArg::No, 'a'),
        ("almost-all", HasArg::No, 'A'),
        ("author", HasArg::No, AUTHOR),
        ("escape", HasArg::No, 'b'),
        ("block-size", HasArg::Required, BLOCK_SIZE),
        ("ignore-backups", HasArg::No, 'B'),
        ("color", HasArg::Optional, COLOR),
        ("colour", HasArg::Optional, COLOR),
        ("directory", HasArg::No, 'd'),
        ("dired", HasArg::No, 'D'),
        ("classify", HasArg::Optional, 'F'),
        ("file-type", HasArg::No, FILE_TYPE),
        ("format", HasArg::Required, FORMAT),
        ("full-time", HasArg::No, FULL_TIME),
        ("group-directories-first", HasArg::No, GROUP_DIRS),
        ("no-group", HasArg::No, 'G'),
        ("human-readable", HasArg::No, 'h'),
        ("si", HasArg::No, SI),
        ("dereference-command-line", HasArg::No, 'H'),
        ("dereference-command-line-symlink-to-dir", HasArg::No, DEREF_DIR),
        ("hide", HasArg::Required, HIDE),
        ("hyperlink", HasArg::Optional, HYPERLINK),
        ("indicator-style", HasArg::Required, INDICATOR),
        ("inode", HasArg::No, 'i'),
        ("ignore", HasArg::Required, 'I'),
        ("kibibytes", HasArg::No, 'k'),
        ("dereference", HasArg::No, 'L'),
        ("numeric-uid-gid", HasArg::No, 'n'),
        ("literal", HasArg::No, 'N'),
        ("hide-control-chars", HasArg::No, 'q'),
        ("show-control-chars", HasArg::No, SHOW_CTRL),
        ("quote-name", HasArg::No, 'Q'),
        ("quoting-style", HasArg::Required, QUOTING),
        ("reverse", HasArg::No, 'r'),
        ("recursive", HasArg::No, 'R'),
        ("size", HasArg::No, 's'),
        ("sort", HasArg::Required, SORT),
        ("time", HasArg::Required, TIME),
        ("time-style", HasArg::Required, TIME_STYLE),
        ("tabsize", HasArg::Required, 'T'),
        ("width", HasArg::Required, 'w'),
        ("context", HasArg::No, 'Z'),
        ("zero", HasArg::No, ZERO),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: ls [OPTION]... [FILE]...
List information about the FILEs (the current directory by default).
Sort entries alphabetically if none of -cftuvSUX nor --sort is specified.

  -a, --all                  do not ignore entries starting with .
  -A, --almost-all           do not list implied . and ..
  -C, -x, -m, -1, -l         columns, rows, commas, one per line, long
  -d, --directory            list directories themselves, not their contents
  -F, --classify[=WHEN]      append indicator (one of */=>@|) to entries
  -h, --human-readable       with -l and -s, print sizes like 1K 234M 2G etc.
  -i, --inode                print the index number of each file
  -R, --recursive            list subdirectories recursively
  -r, -S, -t, -X, -v, -U     reverse, size, time, extension, version, none
";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    Long,
    OnePerLine,
    Columns,
    Across,
    Commas,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SortKey {
    Name,
    None,
    Size,
    Time,
    Extension,
    Version,
    Width,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TimeField {
    Modify,
    Access,
    Change,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Indicator {
    None,
    Slash,
    FileType,
    Classify,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quoting {
    Literal,
    HideControl,
    Escape,
    C,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Deref {
    Undefined,
    Never,
    CommandLine,
    CommandLineDirs,
    Always,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Hidden {
    /// Names starting with `.` are not listed.
    Dots,
    /// `-A`: all but `.` and `..`.
    AlmostAll,
    /// `-a`.
    All,
}

struct Opts {
    layout: Layout,
    hidden: Hidden,
    sort: SortKey,
    sort_given: bool,
    reverse: bool,
    time: TimeField,
    dirs_only: bool,
    recursive: bool,
    deref: Deref,
    indicator: Indicator,
    group_dirs_first: bool,
    ignore: Vec<String>,
    hide: Vec<String>,
    show_owner: bool,
    show_group: bool,
    show_author: bool,
    numeric: bool,
    inode: bool,
    blocks: bool,
    /// Some(1024) for -h, Some(1000) for --si.
    human: Option<u64>,
    /// (format for old files, format for recent ones).
    time_style: (String, String),
    quoting: Quoting,
    width: usize,
    tabsize: usize,
    eol: u8,
}

/// Marks a usage error from an argument list check (argmatch), which GNU
/// ls exits with status 1 rather than its usual 2.
const ARGMATCH: char = '\u{1}';

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(Error::Usage(u)) if u.0.starts_with(ARGMATCH) => {
            report(&Error::Usage(UsageError::new(&u.0[ARGMATCH.len_utf8()..])), 1)
        }
        // ls exits 2 on every fatal error ("serious trouble").
        Err(Error::Fatal(m)) => {
            show_error(&m);
            2
        }
        Err(e) => report(&e, 2),
    }
}

fn bad_arg(value: &str, option: &str, valid: &[&str]) -> Error {
    let mut msg = format!("invalid argument {} for {}\nValid arguments are:", quote_locale(value), quote_locale(option));
    for v in valid {
        msg.push_str("\n  - ");
        msg.push_str(v);
    }
    UsageError::new(msg).into()
}

/// argmatch over groups of synonyms: (names, value).
fn pick<T: Copy>(value: &str, option: &str, table: &[(&[&str], T)]) -> Result<T> {
    for (names, v) in table {
        if names.contains(&value) {
            return Ok(*v);
        }
    }
    let hits: Vec<T> = table
        .iter()
        .filter(|(names, _)| !value.is_empty() && names.iter().any(|n| n.starts_with(value)))
        .map(|(_, v)| *v)
        .collect();
    if hits.len() == 1 {
        return Ok(hits[0]);
    }
    let valid: Vec<String> = table
        .iter()
        .map(|(names, _)| names.iter().map(|n| quote_locale(n)).collect::<Vec<_>>().join(", "))
        .collect();
    let refs: Vec<&str> = valid.iter().map(String::as_str).collect();
    Err(argmatch_error(bad_arg(value, option, &refs)))
}

fn argmatch_error(e: Error) -> Error {
    match e {
        Error::Usage(u) => UsageError::new(format!("{}{}", ARGMATCH, u.0)).into(),
        e => e,
    }
}

fn when_arg(value: Option<&str>, option: &str) -> Result<bool> {
    match value {
        None => Ok(true),
        Some(v) => pick(
            v,
            option,
            &[(&["always", "yes", "force"], true), (&["never", "no", "none"], false), (&["auto", "tty", "if-tty"], false)],
        ),
    }
}

fn time_style(arg: &str) -> Result<(String, String)> {
    let style = arg.strip_prefix("posix-").unwrap_or(arg);
    if let Some(fmt) = style.strip_prefix('+') {
        return Ok(match fmt.split_once('\n') {
            Some((old, recent)) => (old.to_string(), recent.to_string()),
            None => (fmt.to_string(), fmt.to_string()),
        });
    }
    let pair = |a: &str, b: &str| Ok((a.to_string(), b.to_string()));
    match style {
        "full-iso" => pair("%Y-%m-%d %H:%M:%S.%N %z", "%Y-%m-%d %H:%M:%S.%N %z"),
        "long-iso" => pair("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M"),
        "iso" => pair("%Y-%m-%d ", "%m-%d %H:%M"),
        "locale" => pair("%b %e  %Y", "%b %e %H:%M"),
        _ => Err(bad_arg(
            arg,
            "time style",
            &[
                "[posix-]full-iso",
                "[posix-]long-iso",
                "[posix-]iso",
                "[posix-]locale",
                "+FORMAT (e.g., +%H:%M) for a 'date'-style format",
            ],
        )),
    }
}

fn parse_opts(argv: &[String]) -> Result<Option<(Opts, Vec<String>)>> {
    let mut o = Opts {
        layout: Layout::OnePerLine,
        hidden: Hidden::Dots,
        sort: SortKey::Name,
        sort_given: false,
        reverse: false,
        time: TimeField::Modify,
        dirs_only: false,
        recursive: false,
        deref: Deref::Undefined,
        indicator: Indicator::None,
        group_dirs_first: false,
        ignore: Vec::new(),
        hide: Vec::new(),
        show_owner: true,
        show_group: true,
        show_author: false,
        numeric: false,
        inode: false,
        blocks: false,
        human: None,
        time_style: (String::new(), String::new()),
        quoting: Quoting::Literal,
        width: 80,
        tabsize: 8,
        eol: b'\n',
    };
    let mut style_arg: Option<String> = std::env::var("TIME_STYLE").ok();
    let mut width_arg: Option<String> = None;
    let mut files = Vec::new();
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt('a', _) => o.hidden = Hidden::All,
            Item::Opt('A', _) => o.hidden = Hidden::AlmostAll,
            Item::Opt(AUTHOR, _) => o.show_author = true,
            Item::Opt('b', _) => o.quoting = Quoting::Escape,
            Item::Opt('B', _) => {
                o.hide.push("*~".into());
                o.hide.push(".*~".into());
            }
            Item::Opt('c', _) => o.time = TimeField::Change,
            Item::Opt('C', _) => o.layout = Layout::Columns,
            Item::Opt('d', _) => o.dirs_only = true,
            Item::Opt('f', _) => {
                o.hidden = Hidden::All;
                o.sort = SortKey::None;
                o.sort_given = true;
                if o.layout == Layout::Long {
                    o.layout = Layout::OnePerLine;
                }
                o.blocks = false;
            }
            Item::Opt('F', v) => {
                if when_arg(v.as_deref(), "--classify")? {
                    o.indicator = Indicator::Classify;
                }
            }
            Item::Opt(FILE_TYPE, _) => o.indicator = Indicator::FileType,
            Item::Opt(FORMAT, Some(v)) => {
                o.layout = pick(
                    &v,
                    "--format",
                    &[
                        (&["verbose", "long"], Layout::Long),
                        (&["commas"], Layout::Commas),
                        (&["horizontal", "across"], Layout::Across),
                        (&["vertical"], Layout::Columns),
                        (&["single-column"], Layout::OnePerLine),
                    ],
                )?;
            }
            Item::Opt(FULL_TIME, _) => {
                o.layout = Layout::Long;
                style_arg = Some("full-iso".into());
            }
            Item::Opt('g', _) => {
                o.layout = Layout::Long;
                o.show_owner = false;
            }
            Item::Opt(GROUP_DIRS, _) => o.group_dirs_first = true,
            Item::Opt('G', _) => o.show_group = false,
            Item::Opt('h', _) => o.human = Some(1024),
            Item::Opt(SI, _) => o.human = Some(1000),
            Item::Opt('H', _) => o.deref = Deref::CommandLine,
            Item::Opt(DEREF_DIR, _) => o.deref = Deref::CommandLineDirs,
            Item::Opt(HIDE, Some(v)) => o.hide.push(v),
            Item::Opt('i', _) => o.inode = true,
            Item::Opt('I', Some(v)) => o.ignore.push(v),
            Item::Opt('k', _) => {}
            Item::Opt('l', _) => {
                o.layout = Layout::Long;
            }
            Item::Opt('L', _) => o.deref = Deref::Always,
            Item::Opt('m', _) => o.layout = Layout::Commas,
            Item::Opt('n', _) => {
                o.layout = Layout::Long;
                o.numeric = true;
            }
            Item::Opt('N', _) | Item::Opt(SHOW_CTRL, _) => o.quoting = Quoting::Literal,
            Item::Opt('o', _) => {
                o.layout = Layout::Long;
                o.show_group = false;
            }
            Item::Opt('p', _) => o.indicator = Indicator::Slash,
            Item::Opt('q', _) => o.quoting = Quoting::HideControl,
            Item::Opt('Q', _) => o.quoting = Quoting::C,
            Item::Opt(QUOTING, Some(v)) => {
                let all = [
                    "literal",
                    "shell",
                    "shell-always",
                    "shell-escape",
                    "shell-escape-always",
                    "c",
                    "c-maybe",
                    "escape",
                    "locale",
                    "clocale",
                ];
                o.quoting = match v.as_str() {
                    "literal" => Quoting::Literal,
                    "c" => Quoting::C,
                    "escape" => Quoting::Escape,
                    _ if all.contains(&v.as_str()) => return Err(Error::Unsupported(format!("--quoting-style={}", v))),
                    _ => {
                        let q: Vec<String> = all.iter().map(|s| quote_locale(s)).collect();
                        let refs: Vec<&str> = q.iter().map(String::as_str).collect();
                        return Err(argmatch_error(bad_arg(&v, "--quoting-style", &refs)));
                    }
                };
            }
            Item::Opt('r', _) => o.reverse = true,
            Item::Opt('R', _) => o.recursive = true,
            Item::Opt('s', _) => o.blocks = true,
            Item::Opt('S', _) => {
                o.sort = SortKey::Size;
                o.sort_given = true;
            }
            Item::Opt(SORT, Some(v)) => {
                o.sort = pick(
                    &v,
                    "--sort",
                    &[
                        (&["none"], SortKey::None),
                        (&["time"], SortKey::Time),
                        (&["size"], SortKey::Size),
                        (&["extension"], SortKey::Extension),
                        (&["version"], SortKey::Version),
                        (&["width"], SortKey::Width),
                    ],
                )?;
                o.sort_given = true;
            }
            Item::Opt('t', _) => {
                o.sort = SortKey::Time;
                o.sort_given = true;
            }
            Item::Opt(TIME, Some(v)) => {
                let field = pick(
                    &v,
                    "--time",
                    &[
                        (&["atime", "access", "use"], Some(TimeField::Access)),
                        (&["ctime", "status"], Some(TimeField::Change)),
                        (&["birth", "creation"], None),
                    ],
                )?;
                o.time = field.ok_or_else(|| Error::Unsupported(format!("--time={}", v)))?;
            }
            Item::Opt(TIME_STYLE, Some(v)) => style_arg = Some(v),
            Item::Opt('T', Some(v)) => {
                o.tabsize = v
                    .parse()
                    .map_err(|_| Error::Fatal(format!("invalid tab size: {}", quote_locale(&v))))?;
            }
            Item::Opt('u', _) => o.time = TimeField::Access,
            Item::Opt('U', _) => {
                o.sort = SortKey::None;
                o.sort_given = true;
            }
            Item::Opt('v', _) => {
                o.sort = SortKey::Version;
                o.sort_given = true;
            }
            Item::Opt('w', Some(v)) => width_arg = Some(v),
            Item::Opt('x', _) => o.layout = Layout::Across,
            Item::Opt('X', _) => {
                o.sort = SortKey::Extension;
                o.sort_given = true;
            }
            Item::Opt('1', _) => o.layout = Layout::OnePerLine,
            Item::Opt(ZERO, _) => o.eol = 0,
            Item::Opt(COLOR, v) => {
                if when_arg(v.as_deref(), "--color")? {
                    return Err(Error::Unsupported("--color=always".into()));
                }
            }
            Item::Opt(HYPERLINK, v) => {
                if when_arg(v.as_deref(), "--hyperlink")? {
                    return Err(Error::Unsupported("--hyperlink".into()));
                }
            }
            Item::Opt(INDICATOR, Some(v)) => {
                o.indicator = pick(
                    &v,
                    "--indicator-style",
                    &[
                        (&["none"], Indicator::None),
                        (&["slash"], Indicator::Slash),
                        (&["file-type"], Indicator::FileType),
                        (&["classify"], Indicator::Classify),
                    ],
                )?;
            }
            Item::Opt(BLOCK_SIZE, _) => return Err(Error::Unsupported("--block-size".into())),
            Item::Opt('D', _) => return Err(Error::Unsupported("--dired".into())),
            Item::Opt('Z', _) => return Err(Error::Unsupported("--context".into())),
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(None);
            }
            Item::Opt(VERSION, _) => {
                println!("ls (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(None);
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    if o.eol == 0 && o.layout != Layout::Long {
        o.layout = Layout::OnePerLine;
    }
    if let Some(w) = width_arg.or_else(|| std::env::var("COLUMNS").ok().filter(|c| c.parse::<usize>().map_or(false, |n| n > 0))) {
        o.width = w.parse().map_err(|_| Error::Fatal(format!("invalid line width: {}", quote_locale(&w))))?;
    }
    if o.layout == Layout::Long {
        o.time_style = time_style(style_arg.as_deref().unwrap_or("locale"))?;
    }
    // -c and -u sort by that time unless a listing shows it or a sort was asked.
    if o.time != TimeField::Modify && !o.sort_given && o.layout != Layout::Long {
        o.sort = SortKey::Time;
    }
    if o.deref == Deref::Undefined {
        o.deref = if o.dirs_only || o.indicator == Indicator::Classify || o.layout == Layout::Long {
            Deref::Never
        } else {
            Deref::CommandLineDirs
        };
    }
    Ok(Some((o, files)))
}

/// One name to list, with what is known of it.
struct Entry {
    /// As displayed (the operand, or the name within its directory).
    name: String,
    /// Path to stat and readlink.
    path: String,
    st: Option<FileStat>,
    /// A symlink's target text, and the target's status when it resolves.
    link: Option<(String, Option<FileStat>)>,
    /// Given on the command line (its directory is listed, not shown).
    is_arg_dir: bool,
}

impl Entry {
    fn is_dir(&self) -> bool {
        self.st.map_or(false, |s| s.is_dir())
    }
}

struct Lister {
    o: Opts,
    out: Out,
    names: Names,
    zone: Zone,
    now: Timespec,
    status: i32,
    /// With -L, the directories being listed (device, inode), so a
    /// symlink loop is reported instead of followed forever.
    active: Vec<(u64, u64)>,
}

fn run(argv: &[String]) -> Result<i32> {
    let (o, files) = match parse_opts(argv)? {
        Some(x) => x,
        None => return Ok(0),
    };
    let mut l = Lister { o, out: stdout(), names: Names::new(), zone: Zone::from_env(), now: Timespec::now(), status: 0, active: Vec::new() };
    l.main(files)?;
    l.out.flush()?;
    Ok(l.status)
}

impl Lister {
    fn main(&mut self, mut operands: Vec<String>) -> Result<()> {
        let n_operands = operands.len();
        if operands.is_empty() {
            operands.push(".".into());
        }
        let mut files = Vec::new();
        for op in &operands {
            if let Some(e) = self.stat_operand(op) {
                files.push(e);
            }
        }
        self.sort(&mut files);
        let (dirs, files): (Vec<Entry>, Vec<Entry>) = files.into_iter().partition(|e| e.is_arg_dir);
        let mut print_names = n_operands > 1 || self.o.recursive;
        if !files.is_empty() {
            // Column widths also count the directory operands (GNU sizes
            // them while reading the command line).
            self.print_listing(&files, &dirs)?;
            if !dirs.is_empty() {
                self.out.write_all(&[self.o.eol])?;
            }
            print_names = true;
        } else if n_operands <= 1 && dirs.len() == 1 {
            print_names = self.o.recursive;
        }
        let mut first = true;
        for d in dirs {
            self.list_dir(&d.name, true, print_names, &mut first)?;
        }
        Ok(())
    }

    fn stat_operand(&mut self, op: &str) -> Option<Entry> {
        let follow = matches!(self.o.deref, Deref::Always | Deref::CommandLine);
        let mut st = fsmeta::stat(op, follow);
        if self.o.deref == Deref::CommandLineDirs {
            if let Ok(s) = fsmeta::stat(op, true) {
                if s.is_dir() {
                    st = Ok(s);
                } else {
                    st = fsmeta::stat(op, false);
                }
            } else {
                st = fsmeta::stat(op, false);
            }
        }
        match st {
            Ok(s) => {
                let mut e = self.entry(op.to_string(), op.to_string(), Some(s));
                e.is_arg_dir = s.is_dir() && !self.o.dirs_only;
                Some(e)
            }
            Err(err) => {
                self.out.flush().ok();
                show_error(&format!("cannot access {}: {}", quote_always(op), strerror(&err)));
                self.status = 2;
                None
            }
        }
    }

    /// Fills in a symlink's target (and the target's status).
    fn entry(&self, name: String, path: String, st: Option<FileStat>) -> Entry {
        let mut link = None;
        if let Some(s) = st {
            if s.is_symlink() && (self.o.layout == Layout::Long || self.o.indicator != Indicator::None) {
                if let Ok(t) = std::fs::read_link(&path) {
                    link = Some((t.to_string_lossy().into_owned(), fsmeta::stat(&path, true).ok()));
                }
            }
        }
        Entry { name, path, st, link, is_arg_dir: false }
    }

    fn list_dir(&mut self, dir: &str, is_arg: bool, print_name: bool, first: &mut bool) -> Result<()> {
        let id = fsmeta::stat(dir, true).ok().map(|s| (s.dev, s.ino));
        if self.o.deref == Deref::Always {
            if let Some(id) = id {
                if self.active.contains(&id) {
                    self.out.flush()?;
                    show_error(&format!("{}: not listing already-listed directory", wsutil::quote(dir)));
                    self.status = 2;
                    return Ok(());
                }
                self.active.push(id);
            }
        }
        let r = self.list_dir_inner(dir, is_arg, print_name, first);
        if self.o.deref == Deref::Always && id.is_some() {
            self.active.pop();
        }
        r
    }

    fn list_dir_inner(&mut self, dir: &str, is_arg: bool, print_name: bool, first: &mut bool) -> Result<()> {
        let mut names: Vec<String> = match std::fs::read_dir(dir) {
            Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect(),
            Err(err) => {
                self.out.flush()?;
                show_error(&format!("cannot open directory {}: {}", quote_always(dir), strerror(&err)));
                self.status = if is_arg { 2 } else { self.status.max(1) };
                return Ok(());
            }
        };
        if self.o.recursive || print_name {
            if !*first {
                self.out.write_all(&[self.o.eol])?;
            }
            *first = false;
            let shown = self.quote_name(dir);
            self.out.write_all(shown.as_bytes())?;
            self.out.write_all(b":")?;
            self.out.write_all(&[self.o.eol])?;
        }
        *first = false;
        if self.o.hidden == Hidden::All {
            names.insert(0, "..".into());
            names.insert(0, ".".into());
        }
        names.retain(|n| self.shown(n));
        let mut entries = Vec::with_capacity(names.len());
        for n in names {
            let path = join(dir, &n);
            let st = match fsmeta::stat(&path, self.o.deref == Deref::Always) {
                Ok(s) => Some(s),
                Err(err) => {
                    // A dangling symlink under -L is listed as the link.
                    match fsmeta::stat(&path, false) {
                        Ok(s) if self.o.deref == Deref::Always => Some(s),
                        _ => {
                            self.out.flush()?;
                            show_error(&format!("cannot access {}: {}", quote_always(&path), strerror(&err)));
                            self.status = self.status.max(1);
                            None
                        }
                    }
                }
            };
            entries.push(self.entry(n, path, st));
        }
        self.sort(&mut entries);
        if matches!(self.o.layout, Layout::Long) || self.o.blocks {
            let total: u64 = entries.iter().filter_map(|e| e.st).map(|s| s.blocks()).sum();
            let text = format!("total {}", self.block_count(total));
            self.out.write_all(text.as_bytes())?;
            self.out.write_all(&[self.o.eol])?;
        }
        self.print_listing(&entries, &[])?;
        if self.o.recursive {
            let subdirs: Vec<String> = entries
                .iter()
                .filter(|e| e.st.map_or(false, |s| s.is_dir()) && e.name != "." && e.name != "..")
                .map(|e| e.path.clone())
                .collect();
            for sub in subdirs {
                self.list_dir(&sub, false, true, first)?;
            }
        }
        Ok(())
    }

    fn shown(&self, name: &str) -> bool {
        if self.o.hidden == Hidden::Dots && name.starts_with('.') {
            return false;
        }
        if self.o.hidden == Hidden::AlmostAll && (name == "." || name == "..") {
            return false;
        }
        if self.o.ignore.iter().any(|p| fnmatch(p.as_bytes(), name.as_bytes(), true)) {
            return false;
        }
        if self.o.hidden == Hidden::Dots && self.o.hide.iter().any(|p| fnmatch(p.as_bytes(), name.as_bytes(), true)) {
            return false;
        }
        true
    }

    fn time_of(&self, st: &FileStat) -> Timespec {
        match self.o.time {
            TimeField::Modify => st.mtime,
            TimeField::Access => st.atime,
            TimeField::Change => st.ctime,
        }
    }

    fn sort(&self, v: &mut Vec<Entry>) {
        let key = self.o.sort;
        if key == SortKey::None {
            if self.o.reverse {
                v.reverse();
            }
            return;
        }
        let reverse = self.o.reverse;
        let dirs_first = self.o.group_dirs_first;
        let time = |e: &Entry| e.st.map(|s| self.time_of(&s)).unwrap_or_default();
        v.sort_by(|a, b| {
            if dirs_first {
                let (da, db) = (is_dir_like(a), is_dir_like(b));
                if da != db {
                    return db.cmp(&da);
                }
            }
            let ord = match key {
                SortKey::Size => {
                    let (sa, sb) = (a.st.map_or(0, |s| s.size), b.st.map_or(0, |s| s.size));
                    sb.cmp(&sa).then_with(|| a.name.cmp(&b.name))
                }
                SortKey::Time => time(b).cmp(&time(a)).then_with(|| a.name.cmp(&b.name)),
                SortKey::Extension => {
                    let ext = |n: &str| n.rfind('.').map(|i| n[i..].to_string()).unwrap_or_default();
                    ext(&a.name).cmp(&ext(&b.name)).then_with(|| a.name.cmp(&b.name))
                }
                SortKey::Width => display_width(&a.name).cmp(&display_width(&b.name)).then_with(|| a.name.cmp(&b.name)),
                SortKey::Version => filevercmp(a.name.as_bytes(), b.name.as_bytes()).then_with(|| a.name.cmp(&b.name)),
                _ => a.name.cmp(&b.name),
            };
            if reverse {
                ord.reverse()
            } else {
                ord
            }
        });
    }

    fn block_count(&self, blocks512: u64) -> String {
        match self.o.human {
            Some(base) => fsmeta::human_size(blocks512 * 512, base),
            None => ((blocks512 + 1) / 2).to_string(),
        }
    }

    fn quote_name(&self, name: &str) -> String {
        quote_name(name, self.o.quoting)
    }

    /// The name with its indicator (`/`, `*`, `@`, `|`, `=`).
    fn decorated(&self, e: &Entry) -> String {
        let mut s = self.quote_name(&e.name);
        if let Some(st) = e.st {
            let long_link = self.o.layout == Layout::Long && e.link.is_some();
            if !long_link {
                if let Some(c) = indicator(self.o.indicator, &st) {
                    s.push(c);
                }
            }
        }
        s
    }

    /// Prints `entries`; `extra` entries only widen the columns.
    fn print_listing(&mut self, entries: &[Entry], extra: &[Entry]) -> Result<()> {
        match self.o.layout {
            Layout::Long => self.print_long(entries, extra),
            Layout::OnePerLine => {
                let prefixes = self.prefixes(entries, extra);
                for (e, p) in entries.iter().zip(prefixes) {
                    let line = format!("{}{}", p, self.decorated(e));
                    self.out.write_all(line.as_bytes())?;
                    self.out.write_all(&[self.o.eol])?;
                }
                Ok(())
            }
            Layout::Commas => self.print_commas(entries, extra),
            Layout::Columns | Layout::Across => self.print_columns(entries, extra),
        }
    }

    /// `-i` and `-s` columns before the name in short layouts.
    fn prefixes(&mut self, entries: &[Entry], extra: &[Entry]) -> Vec<String> {
        let all = || entries.iter().chain(extra.iter());
        let inodes: Vec<String> = all().map(|e| e.st.map_or("?".into(), |s| s.ino.to_string())).collect();
        let blocks: Vec<String> = all().map(|e| e.st.map_or("?".into(), |s| self.block_count(s.blocks()))).collect();
        let iw = inodes.iter().map(|s| s.len()).max().unwrap_or(0);
        let bw = blocks.iter().map(|s| s.len()).max().unwrap_or(0);
        let (iw, bw) = if self.o.layout == Layout::Commas { (0, 0) } else { (iw, bw) };
        (0..entries.len())
            .map(|i| {
                let mut p = String::new();
                if self.o.inode {
                    p.push_str(&format!("{:>w$} ", inodes[i], w = iw));
                }
                if self.o.blocks {
                    p.push_str(&format!("{:>w$} ", blocks[i], w = bw));
                }
                p
            })
            .collect()
    }

    fn print_commas(&mut self, entries: &[Entry], extra: &[Entry]) -> Result<()> {
        let prefixes = self.prefixes(entries, extra);
        let mut pos = 0usize;
        let width = self.o.width;
        for (i, (e, p)) in entries.iter().zip(prefixes).enumerate() {
            let item = format!("{}{}", p, self.decorated(e));
            let len = display_width(&item);
            if i > 0 {
                let sep_fits = width == 0 || pos + len + 2 < width;
                if sep_fits {
                    self.out.write_all(b", ")?;
                    pos += 2;
                } else {
                    self.out.write_all(b",")?;
                    self.out.write_all(&[self.o.eol])?;
                    pos = 0;
                }
            }
            self.out.write_all(item.as_bytes())?;
            pos += len;
        }
        if !entries.is_empty() {
            self.out.write_all(&[self.o.eol])?;
        }
        Ok(())
    }

    fn print_columns(&mut self, entries: &[Entry], extra: &[Entry]) -> Result<()> {
        let prefixes = self.prefixes(entries, extra);
        let items: Vec<String> = entries.iter().zip(prefixes).map(|(e, p)| format!("{}{}", p, self.decorated(e))).collect();
        let lens: Vec<usize> = items.iter().map(|s| display_width(s)).collect();
        let n = items.len();
        if n == 0 {
            return Ok(());
        }
        let by_cols = self.o.layout == Layout::Columns;
        let (cols, widths) = column_layout(&lens, self.o.width, by_cols);
        let rows = (n + cols - 1) / cols;
        // With no width limit GNU separates columns with spaces only.
        let tab = if self.o.width == 0 { 0 } else { self.o.tabsize };
        let mut line = String::new();
        for r in 0..rows {
            line.clear();
            let mut pos = 0usize;
            let mut c = 0;
            loop {
                let idx = if by_cols { r + c * rows } else { r * cols + c };
                if idx >= n || c >= cols {
                    break;
                }
                line.push_str(&items[idx]);
                let next = if by_cols { r + (c + 1) * rows } else { r * cols + c + 1 };
                if c + 1 >= cols || next >= n {
                    break;
                }
                let target = pos + widths[c];
                pos += lens[idx];
                indent(&mut line, pos, target, tab);
                pos = target;
                c += 1;
            }
            self.out.write_all(line.as_bytes())?;
            self.out.write_all(&[self.o.eol])?;
        }
        Ok(())
    }

    fn print_long(&mut self, shown: &[Entry], extra: &[Entry]) -> Result<()> {
        let entries: Vec<&Entry> = shown.iter().chain(extra.iter()).collect();
        struct Row {
            inode: String,
            blocks: String,
            mode: String,
            nlink: String,
            owner: String,
            group: String,
            size: String,
            time: String,
            name: String,
        }
        let mut rows = Vec::with_capacity(entries.len());
        let mut major_w = 0;
        let mut minor_w = 0;
        let devs: Vec<Option<(String, String)>> = entries
            .iter()
            .map(|e| {
                e.st.filter(|s| matches!(s.file_type(), S_IFCHR | S_IFBLK))
                    .map(|s| (((s.rdev >> 8) & 0xfff).to_string(), ((s.rdev & 0xff) | ((s.rdev >> 12) & !0xff)).to_string()))
            })
            .collect();
        for (a, b) in devs.iter().flatten() {
            major_w = major_w.max(a.len());
            minor_w = minor_w.max(b.len());
        }
        for (&e, dev) in entries.iter().zip(&devs) {
            let row = match e.st {
                Some(st) => Row {
                    inode: st.ino.to_string(),
                    blocks: self.block_count(st.blocks()),
                    mode: fsmeta::mode_string(st.mode),
                    nlink: st.nlink.to_string(),
                    owner: self.user(st.uid),
                    group: self.group(st.gid),
                    size: match dev {
                        Some((a, b)) => format!("{:>aw$}, {:>bw$}", a, b, aw = major_w, bw = minor_w),
                        None => match self.o.human {
                            Some(base) => fsmeta::human_size(st.size, base),
                            None => st.size.to_string(),
                        },
                    },
                    time: self.format_time(self.time_of(&st)),
                    name: self.long_name(e),
                },
                None => Row {
                    inode: "?".into(),
                    blocks: "?".into(),
                    mode: "l?????????".into(),
                    nlink: "?".into(),
                    owner: "?".into(),
                    group: "?".into(),
                    size: "?".into(),
                    time: "?".into(),
                    name: self.long_name(e),
                },
            };
            rows.push(row);
        }
        let w = |f: &dyn Fn(&Row) -> usize| rows.iter().map(f).max().unwrap_or(0);
        let iw = w(&|r| r.inode.len());
        let bw = w(&|r| r.blocks.len());
        let nw = w(&|r| r.nlink.len());
        let ow = w(&|r| display_width(&r.owner));
        let gw = w(&|r| display_width(&r.group));
        let sw = w(&|r| r.size.len());
        let tw = w(&|r| display_width(&r.time));
        let mut line = String::new();
        for r in &rows[..shown.len()] {
            line.clear();
            if self.o.inode {
                line.push_str(&format!("{:>w$} ", r.inode, w = iw));
            }
            if self.o.blocks {
                line.push_str(&format!("{:>w$} ", r.blocks, w = bw));
            }
            line.push_str(&format!("{} {:>w$} ", r.mode, r.nlink, w = nw));
            if self.o.show_owner {
                pad_right(&mut line, &r.owner, ow);
            }
            if self.o.show_group {
                pad_right(&mut line, &r.group, gw);
            }
            if self.o.show_author && self.o.show_owner {
                pad_right(&mut line, &r.owner, ow);
            }
            line.push_str(&format!("{:>w$} ", r.size, w = sw));
            let tpad = tw.saturating_sub(display_width(&r.time));
            line.push_str(&r.time);
            line.push_str(&" ".repeat(tpad));
            line.push(' ');
            line.push_str(&r.name);
            self.out.write_all(line.as_bytes())?;
            self.out.write_all(&[self.o.eol])?;
        }
        Ok(())
    }

    fn long_name(&self, e: &Entry) -> String {
        let mut s = self.decorated(e);
        if let Some((target, tst)) = &e.link {
            s.push_str(" -> ");
            s.push_str(&self.quote_name(target));
            if let (Some(t), true) = (tst, self.o.indicator != Indicator::None) {
                if let Some(c) = indicator(self.o.indicator, t) {
                    s.push(c);
                }
            }
        }
        s
    }

    fn user(&mut self, uid: u32) -> String {
        if self.o.numeric {
            return uid.to_string();
        }
        self.names.user(uid).map(str::to_string).unwrap_or_else(|| uid.to_string())
    }

    fn group(&mut self, gid: u32) -> String {
        if self.o.numeric {
            return gid.to_string();
        }
        self.names.group(gid).map(str::to_string).unwrap_or_else(|| gid.to_string())
    }

    /// GNU's rule: a time within the past six months (and not in the
    /// future) is "recent" and shows the clock instead of the year.
    fn format_time(&self, t: Timespec) -> String {
        let six_months_ago = Timespec::new(self.now.sec - 31556952 / 2, self.now.nsec);
        let recent = six_months_ago < t && t <= self.now;
        let fmt = if recent { &self.o.time_style.1 } else { &self.o.time_style.0 };
        strftime(fmt, &localtime(t, &self.zone))
    }
}

fn pad_right(line: &mut String, s: &str, w: usize) {
    line.push_str(s);
    for _ in display_width(s)..w {
        line.push(' ');
    }
    line.push(' ');
}

fn is_dir_like(e: &Entry) -> bool {
    e.is_dir() || e.link.as_ref().map_or(false, |(_, t)| t.map_or(false, |s| s.is_dir()))
}

fn join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{}{}", dir, name)
    } else {
        format!("{}/{}", dir, name)
    }
}

fn indicator(style: Indicator, st: &FileStat) -> Option<char> {
    let t = st.file_type();
    if style == Indicator::None {
        return None;
    }
    if t == S_IFDIR {
        return Some('/');
    }
    if style == Indicator::Slash {
        return None;
    }
    match t {
        S_IFLNK => Some('@'),
        S_IFIFO => Some('|'),
        S_IFSOCK => Some('='),
        _ if t == fsmeta::S_IFREG && style == Indicator::Classify && st.mode & 0o111 != 0 => Some('*'),
        _ => None,
    }
}

/// Names as the quoting style shows them (literal is the default when
/// output is not a terminal).
fn quote_name(name: &str, style: Quoting) -> String {
    match style {
        Quoting::Literal => name.to_string(),
        Quoting::HideControl => name.chars().map(|c| if c.is_control() { '?' } else { c }).collect(),
        Quoting::Escape | Quoting::C => {
            let mut s = String::new();
            if style == Quoting::C {
                s.push('"');
            }
            for c in name.chars() {
                match c {
                    '\\' => s.push_str("\\\\"),
                    '\n' => s.push_str("\\n"),
                    '\t' => s.push_str("\\t"),
                    '\r' => s.push_str("\\r"),
                    '\x07' => s.push_str("\\a"),
                    '\x08' => s.push_str("\\b"),
                    '\x0c' => s.push_str("\\f"),
                    '\x0b' => s.push_str("\\v"),
                    '"' if style == Quoting::C => s.push_str("\\\""),
                    ' ' if style == Quoting::Escape => s.push_str("\\ "),
                    c if c.is_control() => s.push_str(&format!("\\{:03o}", c as u32)),
                    c => s.push(c),
                }
            }
            if style == Quoting::C {
                s.push('"');
            }
            s
        }
    }
}

fn display_width(s: &str) -> usize {
    s.chars().map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)).sum()
}

/// GNU's column fitting: the most columns whose widths (each name plus
/// two spaces, the last column without) fit in `line` characters.
fn column_layout(lens: &[usize], line: usize, by_cols: bool) -> (usize, Vec<usize>) {
    let n = lens.len();
    let max_cols = if line == 0 { n } else { (line / 3).max(1).min(n) };
    let mut best = (1, vec![lens.iter().copied().max().unwrap_or(0)]);
    for cols in 1..=max_cols {
        let rows = (n + cols - 1) / cols;
        let mut widths = vec![0usize; cols];
        for (i, &len) in lens.iter().enumerate() {
            let c = if by_cols { i / rows } else { i % cols };
            if c >= cols {
                continue;
            }
            let w = len + if c == cols - 1 { 0 } else { 2 };
            widths[c] = widths[c].max(w);
        }
        let total: usize = widths.iter().sum();
        if line == 0 || total < line {
            best = (cols, widths);
        }
    }
    best
}

/// Pads from column `from` to `to` with tabs where a tab stop fits.
fn indent(line: &mut String, mut from: usize, to: usize, tab: usize) {
    while from < to {
        if tab != 0 && to / tab > (from + 1) / tab {
            line.push('\t');
            from += tab - from % tab;
        } else {
            line.push(' ');
            from += 1;
        }
    }
}

/// gnulib's filevercmp: version-aware name order (`ls -v`): "." first,
/// then "..", then other dot names, then the rest; file suffixes
/// (`.tar.gz`) are compared only when the rest is equal.
fn filevercmp(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    use std::cmp::Ordering::{Greater, Less};
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return std::cmp::Ordering::Equal,
        (true, false) => return Less,
        (false, true) => return Greater,
        _ => {}
    }
    if a[0] == b'.' {
        if b[0] != b'.' {
            return Less;
        }
        for special in [&b"."[..], b".."] {
            match (a == special, b == special) {
                (true, true) => return std::cmp::Ordering::Equal,
                (true, false) => return Less,
                (false, true) => return Greater,
                _ => {}
            }
        }
    } else if b[0] == b'.' {
        return Greater;
    }
    let (ap, bp) = (prefix_len(a), prefix_len(b));
    let r = verrevcmp(&a[..ap], &b[..bp]);
    if r != std::cmp::Ordering::Equal || (ap == a.len() && bp == b.len()) {
        return r;
    }
    verrevcmp(a, b)
}

/// Length of a name without its trailing suffixes `(\.[A-Za-z~][A-Za-z0-9~]*)*`;
/// the first character always belongs to the prefix.
fn prefix_len(s: &[u8]) -> usize {
    let n = s.len();
    let mut prefix = 0;
    let mut i = 0;
    loop {
        if i == n {
            return prefix;
        }
        i += 1;
        prefix = i;
        while i + 1 < n && s[i] == b'.' && (s[i + 1].is_ascii_alphabetic() || s[i + 1] == b'~') {
            i += 2;
            while i < n && (s[i].is_ascii_alphanumeric() || s[i] == b'~') {
                i += 1;
            }
        }
    }
}

/// Debian's version comparison: non-digit runs by `order`, digit runs by
/// numeric value.
fn order(c: u8) -> i32 {
    if c.is_ascii_digit() {
        0
    } else if c.is_ascii_alphabetic() {
        c as i32
    } else if c == b'~' {
        -1
    } else {
        c as i32 + 256
    }
}

fn verrevcmp(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        while (i < a.len() && !a[i].is_ascii_digit()) || (j < b.len() && !b[j].is_ascii_digit()) {
            let ac = a.get(i).map_or(0, |&c| order(c));
            let bc = b.get(j).map_or(0, |&c| order(c));
            if ac != bc {
                return ac.cmp(&bc);
            }
            i += 1;
            j += 1;
        }
        while i < a.len() && a[i] == b'0' {
            i += 1;
        }
        while j < b.len() && b[j] == b'0' {
            j += 1;
        }
        let mut first_diff = 0i32;
        while i < a.len() && a[i].is_ascii_digit() && j < b.len() && b[j].is_ascii_digit() {
            if first_diff == 0 {
                first_diff = a[i] as i32 - b[j] as i32;
            }
            i += 1;
            j += 1;
        }
        if i < a.len() && a[i].is_ascii_digit() {
            return std::cmp::Ordering::Greater;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            return std::cmp::Ordering::Less;
        }
        if first_diff != 0 {
            return first_diff.cmp(&0);
        }
    }
    std::cmp::Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;


    #[test]
    fn versions() {
        let mut v = vec!["a10", "a9", "a1.txt", "a1.tar.gz", ".b", "a", "a~", "a1"];
        v.sort_by(|a, b| filevercmp(a.as_bytes(), b.as_bytes()));
        assert_eq!(v, [".b", "a~", "a", "a1", "a1.tar.gz", "a1.txt", "a9", "a10"]);
    }

}
