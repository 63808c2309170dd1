//! `grep`, `egrep`, `fgrep`: print lines that match patterns, as GNU grep
//! 3.8 does (Debian's build: `egrep` and `fgrep` are `grep -E`/`grep -F`
//! without a warning).
//!
//! The search follows GNU's structure, because its output details (context
//! groups, what a suppressed line does to the next context, where `-m`
//! stops, `binary file matches`) come from it: the input is read in large
//! blocks of whole lines; [`Search::grepbuf`] finds each selected line with
//! one scan of the block (the regex engine's fast scan runs over many
//! lines at once); [`Search::prtext`] prints it with its leading context
//! and remembers how much trailing context is still owed.

use std::fs;
use std::io::{self, Read, Write};

use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::fnmatch::fnmatch;
use wsutil::io::{open_input, stdout, Input, Out};
use wsutil::regex::{self, ctype, Dialect, ExecFlags, Flags, Regex, Scan, SetOptions};
use wsutil::{set_util, strerror, Error};

pub const APPLETS: &[wsutil::Applet] = &[("grep", main), ("egrep", egrep), ("fgrep", fgrep)];

const BINARY_FILES: char = '\u{e020}';
const COLOR: char = '\u{e021}';
const EXCLUDE: char = '\u{e022}';
const EXCLUDE_FROM: char = '\u{e023}';
const EXCLUDE_DIR: char = '\u{e024}';
const GROUP_SEP: char = '\u{e025}';
const NO_GROUP_SEP: char = '\u{e026}';
const INCLUDE: char = '\u{e027}';
const LABEL: char = '\u{e028}';
const LINE_BUFFERED: char = '\u{e029}';
const NO_IGNORE_CASE: char = '\u{e02a}';

/// GNU's option table, in its order (which getopt's ambiguity messages
/// follow).
const SPEC: Spec = Spec {
    short: "0123456789A:B:C:D:EFGHILPTUVX:abcd:e:f:hilm:noqRrsuvwxyZz",
    long: &[
        ("basic-regexp", HasArg::No, 'G'),
        ("extended-regexp", HasArg::No, 'E'),
        ("fixed-regexp", HasArg::No, 'F'),
        ("fixed-strings", HasArg::No, 'F'),
        ("perl-regexp", HasArg::No, 'P'),
        ("after-context", HasArg::Required, 'A'),
        ("before-context", HasArg::Required, 'B'),
        ("binary-files", HasArg::Required, BINARY_FILES),
        ("byte-offset", HasArg::No, 'b'),
        ("context", HasArg::Required, 'C'),
        ("color", HasArg::Optional, COLOR),
        ("colour", HasArg::Optional, COLOR),
        ("count", HasArg::No, 'c'),
        ("devices", HasArg::Required, 'D'),
        ("directories", HasArg::Required, 'd'),
        ("dereference-recursive", HasArg::No, 'R'),
        ("exclude", HasArg::Required, EXCLUDE),
        ("exclude-from", HasArg::Required, EXCLUDE_FROM),
        ("exclude-dir", HasArg::Required, EXCLUDE_DIR),
        ("file", HasArg::Required, 'f'),
        ("files-with-matches", HasArg::No, 'l'),
        ("files-without-match", HasArg::No, 'L'),
        ("group-separator", HasArg::Required, GROUP_SEP),
        ("help", HasArg::No, HELP),
        ("include", HasArg::Required, INCLUDE),
        ("ignore-case", HasArg::No, 'i'),
        ("no-ignore-case", HasArg::No, NO_IGNORE_CASE),
        ("initial-tab", HasArg::No, 'T'),
        ("label", HasArg::Required, LABEL),
        ("line-buffered", HasArg::No, LINE_BUFFERED),
        ("line-number", HasArg::No, 'n'),
        ("line-regexp", HasArg::No, 'x'),
        ("max-count", HasArg::Required, 'm'),
        ("no-filename", HasArg::No, 'h'),
        ("no-group-separator", HasArg::No, NO_GROUP_SEP),
        ("no-messages", HasArg::No, 's'),
        ("null", HasArg::No, 'Z'),
        ("null-data", HasArg::No, 'z'),
        ("only-matching", HasArg::No, 'o'),
        ("quiet", HasArg::No, 'q'),
        ("recursive", HasArg::No, 'r'),
        ("regexp", HasArg::Required, 'e'),
        ("invert-match", HasArg::No, 'v'),
        ("silent", HasArg::No, 'q'),
        ("text", HasArg::No, 'a'),
        ("binary", HasArg::No, 'U'),
        ("unix-byte-offsets", HasArg::No, 'u'),
        ("version", HasArg::No, VERSION),
        ("with-filename", HasArg::No, 'H'),
        ("word-regexp", HasArg::No, 'w'),
    ],
    stop_at_operand: false,
};

const USAGE_LINE: &str = "Usage: grep [OPTION]... PATTERNS [FILE]...\n";

const HELP_TEXT: &str = "Search for PATTERNS in each FILE.
Example: grep -i 'hello world' menu.h main.c
PATTERNS can contain multiple patterns separated by newlines.

Pattern selection and interpretation:
  -E, --extended-regexp     PATTERNS are extended regular expressions
  -F, --fixed-strings       PATTERNS are strings
  -G, --basic-regexp        PATTERNS are basic regular expressions
  -P, --perl-regexp         PATTERNS are Perl regular expressions
  -e, --regexp=PATTERNS     use PATTERNS for matching
  -f, --file=FILE           take PATTERNS from FILE
  -i, --ignore-case         ignore case distinctions in patterns and data
      --no-ignore-case      do not ignore case distinctions (default)
  -w, --word-regexp         match only whole words
  -x, --line-regexp         match only whole lines
  -z, --null-data           a data line ends in 0 byte, not newline

Miscellaneous:
  -s, --no-messages         suppress error messages
  -v, --invert-match        select non-matching lines
  -V, --version             display version information and exit
      --help                display this help text and exit

Output control:
  -m, --max-count=NUM       stop after NUM selected lines
  -b, --byte-offset         print the byte offset with output lines
  -n, --line-number         print line number with output lines
      --line-buffered       flush output on every line
  -H, --with-filename       print file name with output lines
  -h, --no-filename         suppress the file name prefix on output
      --label=LABEL         use LABEL as the standard input file name prefix
  -o, --only-matching       show only nonempty parts of lines that match
  -q, --quiet, --silent     suppress all normal output
      --binary-files=TYPE   assume that binary files are TYPE;
                            TYPE is 'binary', 'text', or 'without-match'
  -a, --text                equivalent to --binary-files=text
  -I                        equivalent to --binary-files=without-match
  -d, --directories=ACTION  how to handle directories;
                            ACTION is 'read', 'recurse', or 'skip'
  -D, --devices=ACTION      how to handle devices, FIFOs and sockets;
                            ACTION is 'read' or 'skip'
  -r, --recursive           like --directories=recurse
  -R, --dereference-recursive  likewise, but follow all symlinks
      --include=GLOB        search only files that match GLOB (a file pattern)
      --exclude=GLOB        skip files that match GLOB
      --exclude-from=FILE   skip files that match any file pattern from FILE
      --exclude-dir=GLOB    skip directories that match GLOB
  -L, --files-without-match  print only names of FILEs with no selected lines
  -l, --files-with-matches  print only names of FILEs with selected lines
  -c, --count               print only a count of selected lines per FILE
  -T, --initial-tab         make tabs line up (if needed)
  -Z, --null                print 0 byte after FILE name

Context control:
  -B, --before-context=NUM  print NUM lines of leading context
  -A, --after-context=NUM   print NUM lines of trailing context
  -C, --context=NUM         print NUM lines of output context
  -NUM                      same as --context=NUM
      --group-separator=SEP  print SEP on line between matches with context
      --no-group-separator  do not print separator for matches with context
      --color[=WHEN],
      --colour[=WHEN]       use markers to highlight the matching strings;
                            WHEN is 'always', 'never', or 'auto'
  -U, --binary              do not strip CR characters at EOL (MSDOS/Windows)

When FILE is '-', read standard input.  With no FILE, read '.' if
recursive, '-' otherwise.  With fewer than two FILEs, assume -h.
Exit status is 0 if any line is selected, 1 otherwise;
if any error occurs and -q is not given, the exit status is 2.

Report bugs to: bug-grep@gnu.org
GNU grep home page: <https://www.gnu.org/software/grep/>
General help using GNU software: <https://www.gnu.org/gethelp/>
";

/// How grep ends early: an exit status, after messages were printed.
struct Exit(i32);

type Res<T> = std::result::Result<T, Exit>;

pub fn main(argv: &[String]) -> i32 {
    run(argv, None)
}

/// Debian's `egrep` is a script running `grep -E`: messages say `grep`.
fn egrep(argv: &[String]) -> i32 {
    set_util("grep");
    run(argv, Some('E'))
}

fn fgrep(argv: &[String]) -> i32 {
    set_util("grep");
    run(argv, Some('F'))
}

fn run(argv: &[String], matcher: Option<char>) -> i32 {
    match Config::parse(argv, matcher) {
        Ok(cfg) => cfg.search_all(),
        Err(Exit(code)) => code,
    }
}

fn die(msg: &str) -> Exit {
    eprintln!("grep: {}", msg);
    Exit(2)
}

fn usage_error(msg: Option<&str>) -> Exit {
    if let Some(m) = msg {
        eprintln!("grep: {}", m);
    }
    eprint!("{}Try 'grep --help' for more information.\n", USAGE_LINE);
    Exit(2)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Binary {
    Binary,
    Text,
    WithoutMatch,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dirs {
    Read,
    Skip,
    Recurse,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum List {
    None,
    Matching,
    NonMatching,
}

/// One `--include`/`--exclude` glob; GNU's exclude lists decide by the
/// last matching option, or by the opposite of the first option when
/// none matches.
struct Glob {
    pattern: Vec<u8>,
    include: bool,
}

/// One pattern and where it came from (for `FILE:LINE:` in errors).
struct Pattern {
    text: Vec<u8>,
    source: Option<(String, usize)>,
}

/// The command line, digested.
struct Config {
    dialect: Dialect,
    icase: bool,
    invert: bool,
    count: bool,
    list: List,
    only: bool,
    words: bool,
    lines: bool,
    quiet: bool,
    no_messages: bool,
    with_filename: Option<bool>,
    null: bool,
    eol: u8,
    byte_offset: bool,
    line_number: bool,
    initial_tab: bool,
    label: String,
    max_count: i64,
    before: i64,
    after: i64,
    group_separator: Option<Vec<u8>>,
    binary: Binary,
    dirs: Dirs,
    /// -D: Some(true) skip, Some(false) read; by default devices named on
    /// the command line are read and those met while recursing skipped.
    skip_devices: Option<bool>,
    dereference: bool,
    globs: Vec<Glob>,
    dir_globs: Vec<Vec<u8>>,
    line_buffered: bool,
    /// --color=always.
    color: bool,
    patterns: Vec<Pattern>,
    /// -f /dev/null and the like: no pattern at all.
    no_patterns: bool,
    files: Vec<String>,
}

/// GNU's context-length parsing: a non-negative decimal (huge is fine).
fn context_arg(s: &str) -> Res<i64> {
    let t = s.trim_start();
    let digits = t.strip_prefix('+').unwrap_or(t);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(digits.parse::<i64>().unwrap_or(i64::MAX));
    }
    Err(die(&format!("{}: invalid context length argument", s)))
}

fn max_count_arg(s: &str) -> Res<i64> {
    let t = s.trim_start();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(die("invalid max count"));
    }
    let n = digits.parse::<i64>().unwrap_or(i64::MAX);
    Ok(if neg { -n } else { n })
}

/// Reads a whole file named on the command line (`-` is standard input).
fn slurp(name: &str) -> io::Result<Vec<u8>> {
    let mut input = open_input(name)?;
    let mut data = Vec::new();
    input.read_to_end(&mut data)?;
    Ok(data)
}

impl Config {
    fn parse(argv: &[String], forced: Option<char>) -> Res<Config> {
        let items = match args::parse(&SPEC, argv) {
            Ok(items) => items,
            Err(e) => return Err(usage_error(Some(&e.0))),
        };
        let mut cfg = Config {
            dialect: Dialect::Basic,
            icase: false,
            invert: false,
            count: false,
            list: List::None,
            only: false,
            words: false,
            lines: false,
            quiet: false,
            no_messages: false,
            with_filename: None,
            null: false,
            eol: b'\n',
            byte_offset: false,
            line_number: false,
            initial_tab: false,
            label: "(standard input)".to_string(),
            max_count: i64::MAX,
            before: -1,
            after: -1,
            group_separator: Some(b"--".to_vec()),
            binary: Binary::Binary,
            dirs: Dirs::Read,
            skip_devices: None,
            dereference: false,
            globs: Vec::new(),
            dir_globs: Vec::new(),
            line_buffered: false,
            color: false,
            patterns: Vec::new(),
            no_patterns: false,
            files: Vec::new(),
        };
        let mut matcher: Option<char> = forced;
        let mut keys: Option<Vec<(Vec<u8>, Option<String>)>> = None;
        let mut context: i64 = -1;
        let mut digits: Option<String> = None;
        let mut show_help = false;
        let mut show_version = false;
        let mut operands = Vec::new();
        for item in items {
            let (key, value) = match item {
                Item::Operand(o) => {
                    operands.push(o);
                    continue;
                }
                Item::Opt(k, v) => (k, v),
            };
            let value = value.unwrap_or_default();
            if key.is_ascii_digit() {
                let d = digits.get_or_insert_with(String::new);
                d.push(key);
                context = context_arg(d)?;
                continue;
            }
            digits = None;
            match key {
                'E' | 'F' | 'G' | 'P' | 'X' => {
                    let m = if key == 'X' {
                        match value.as_str() {
                            "grep" => 'G',
                            "egrep" => 'E',
                            "fgrep" => 'F',
                            "perl" => 'P',
                            _ => return Err(Exit(report_unsupported(&format!("-X {}", value)))),
                        }
                    } else {
                        key
                    };
                    if matcher.map_or(false, |old| old != m) {
                        return Err(die("conflicting matchers specified"));
                    }
                    matcher = Some(m);
                }
                'A' => cfg.after = context_arg(&value)?,
                'B' => cfg.before = context_arg(&value)?,
                'C' => context = context_arg(&value)?,
                'D' => match value.as_str() {
                    "read" => cfg.skip_devices = Some(false),
                    "skip" => cfg.skip_devices = Some(true),
                    _ => return Err(die("unknown devices method")),
                },
                'H' => cfg.with_filename = Some(true),
                'h' => cfg.with_filename = Some(false),
                'I' => cfg.binary = Binary::WithoutMatch,
                'L' => cfg.list = List::NonMatching,
                'l' => cfg.list = List::Matching,
                'T' => cfg.initial_tab = true,
                'U' => {}
                'u' => eprintln!("grep: warning: --unix-byte-offsets (-u) is obsolete"),
                'V' => show_version = true,
                'a' => cfg.binary = Binary::Text,
                'b' => cfg.byte_offset = true,
                'c' => cfg.count = true,
                'd' => {
                    cfg.dirs = match value.as_str() {
                        "read" => Dirs::Read,
                        "recurse" => Dirs::Recurse,
                        "skip" => Dirs::Skip,
                        _ => {
                            eprint!(
                                "grep: invalid argument \u{2018}{}\u{2019} for \u{2018}--directories\u{2019}\n\
                                 Valid arguments are:\n  - \u{2018}read\u{2019}\n  - \u{2018}recurse\u{2019}\n  - \u{2018}skip\u{2019}\n{}\
                                 Try 'grep --help' for more information.\n",
                                value, USAGE_LINE
                            );
                            return Err(Exit(1));
                        }
                    };
                    cfg.dereference = false;
                }
                'e' => {
                    let list = keys.get_or_insert_with(Vec::new);
                    for line in value.as_bytes().split(|&b| b == b'\n') {
                        list.push((line.to_vec(), None));
                    }
                }
                'f' => {
                    let data = match slurp(&value) {
                        Ok(d) => d,
                        Err(e) => return Err(die(&format!("{}: {}", value, strerror(&e)))),
                    };
                    let list = keys.get_or_insert_with(Vec::new);
                    if !data.is_empty() {
                        let body = data.strip_suffix(b"\n").unwrap_or(&data);
                        for line in body.split(|&b| b == b'\n') {
                            list.push((line.to_vec(), Some(value.clone())));
                        }
                    }
                }
                'i' | 'y' => cfg.icase = true,
                NO_IGNORE_CASE => cfg.icase = false,
                'm' => cfg.max_count = max_count_arg(&value)?,
                'n' => cfg.line_number = true,
                'o' => cfg.only = true,
                'q' => cfg.quiet = true,
                'R' => {
                    cfg.dirs = Dirs::Recurse;
                    cfg.dereference = true;
                }
                'r' => {
                    cfg.dirs = Dirs::Recurse;
                    cfg.dereference = false;
                }
                's' => cfg.no_messages = true,
                'v' => cfg.invert = true,
                'w' => cfg.words = true,
                'x' => cfg.lines = true,
                'Z' => cfg.null = true,
                'z' => cfg.eol = 0,
                BINARY_FILES => {
                    cfg.binary = match value.as_str() {
                        "binary" => Binary::Binary,
                        "text" => Binary::Text,
                        "without-match" => Binary::WithoutMatch,
                        _ => return Err(die("unknown binary-files type")),
                    }
                }
                // Output is never a terminal in the sandbox: `auto` is off.
                COLOR => match value.as_str() {
                    "" | "never" | "no" | "none" | "auto" | "tty" | "if-tty" => cfg.color = false,
                    "always" | "yes" | "force" => cfg.color = true,
                    _ => show_help = true,
                },
                EXCLUDE | INCLUDE => cfg.globs.push(Glob { pattern: value.into_bytes(), include: key == INCLUDE }),
                EXCLUDE_FROM => {
                    let data = match slurp(&value) {
                        Ok(d) => d,
                        Err(e) => return Err(die(&format!("{}: {}", value, strerror(&e)))),
                    };
                    for line in data.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                        cfg.globs.push(Glob { pattern: line.to_vec(), include: false });
                    }
                }
                EXCLUDE_DIR => {
                    let mut p = value.into_bytes();
                    while p.len() > 1 && p.ends_with(b"/") {
                        p.pop();
                    }
                    cfg.dir_globs.push(p);
                }
                GROUP_SEP => cfg.group_separator = Some(value.into_bytes()),
                NO_GROUP_SEP => cfg.group_separator = None,
                LABEL => cfg.label = value,
                LINE_BUFFERED => cfg.line_buffered = true,
                HELP => show_help = true,
                VERSION => show_version = true,
                _ => {}
            }
        }
        if show_version {
            println!("grep (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
            return Err(Exit(0));
        }
        if show_help {
            print!("{}{}", USAGE_LINE, HELP_TEXT);
            return Err(Exit(0));
        }
        let mut operands = operands.into_iter();
        let keys = match keys {
            Some(k) => k,
            None => match operands.next() {
                Some(p) => p.as_bytes().split(|&b| b == b'\n').map(|l| (l.to_vec(), None)).collect(),
                None => return Err(usage_error(None)),
            },
        };
        cfg.files = operands.collect();
        if matcher == Some('P') {
            return Err(Exit(report_unsupported("-P")));
        }
        cfg.dialect = match matcher {
            Some('E') => Dialect::Extended,
            Some('F') => Dialect::Fixed,
            _ => Dialect::Basic,
        };
        if keys.is_empty() {
            // No pattern at all (`-f /dev/null`): GNU matches nothing by
            // inverting an empty pattern, which matches everything.
            cfg.invert = !cfg.invert;
            cfg.no_patterns = true;
            cfg.words = false;
            cfg.lines = false;
            cfg.patterns.push(Pattern { text: Vec::new(), source: None });
        } else {
            cfg.patterns = number_patterns(keys);
        }
        if cfg.after < 0 {
            cfg.after = context;
        }
        if cfg.before < 0 {
            cfg.before = context;
        }
        if cfg.max_count < 0 {
            cfg.max_count = i64::MAX;
        }
        Ok(cfg)
    }
}

/// Gives each pattern from a file its line number there, and drops
/// repeated patterns (GNU keeps the first of each).
fn number_patterns(keys: Vec<(Vec<u8>, Option<String>)>) -> Vec<Pattern> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let mut line = 0;
    let mut current: Option<String> = None;
    for (text, file) in keys {
        if file != current {
            line = 0;
            current = file.clone();
        }
        line += 1;
        if seen.insert(text.clone()) {
            out.push(Pattern { text, source: file.map(|f| (f, line)) });
        }
    }
    out
}

fn report_unsupported(flag: &str) -> i32 {
    wsutil::report(&Error::Unsupported(flag.to_string()), 2)
}

/// GNU's highlighting (`GREP_COLORS`, defaults
/// `ms=01;31:mc=01;31:sl=:cx=:fn=35:ln=32:bn=32:se=36`).
struct Colors {
    selected_match: String,
    context_match: String,
    selected_line: String,
    context_line: String,
    filename: String,
    line_number: String,
    byte_offset: String,
    separator: String,
    /// `rv`: with -v, selected and context line colors swap.
    reverse: bool,
    /// `ne`: no erase-to-end-of-line after each sequence.
    no_erase: bool,
}

impl Colors {
    fn from_env() -> Colors {
        let mut c = Colors {
            selected_match: "01;31".into(),
            context_match: "01;31".into(),
            selected_line: String::new(),
            context_line: String::new(),
            filename: "35".into(),
            line_number: "32".into(),
            byte_offset: "32".into(),
            separator: "36".into(),
            reverse: false,
            no_erase: false,
        };
        let spec = std::env::var("GREP_COLORS").unwrap_or_default();
        // GNU stops at the first malformed entry, keeping what came before.
        for item in spec.split(':') {
            let (name, value) = match item.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (item, None),
            };
            if let Some(v) = value {
                if !v.bytes().all(|b| b.is_ascii_digit() || b == b';') {
                    break;
                }
            }
            let v = value.map(str::to_string);
            match (name, v) {
                ("mt", Some(v)) => {
                    c.selected_match = v.clone();
                    c.context_match = v;
                }
                ("ms", Some(v)) => c.selected_match = v,
                ("mc", Some(v)) => c.context_match = v,
                ("sl", Some(v)) => c.selected_line = v,
                ("cx", Some(v)) => c.context_line = v,
                ("fn", Some(v)) => c.filename = v,
                ("ln", Some(v)) => c.line_number = v,
                ("bn", Some(v)) => c.byte_offset = v,
                ("se", Some(v)) => c.separator = v,
                ("rv", None) => c.reverse = true,
                ("ne", None) => c.no_erase = true,
                _ => break,
            }
        }
        c
    }

    fn start(&self, code: &str) -> String {
        if code.is_empty() {
            return String::new();
        }
        format!("\x1b[{}m{}", code, if self.no_erase { "" } else { "\x1b[K" })
    }

    fn end(&self, code: &str) -> &'static str {
        match (code.is_empty(), self.no_erase) {
            (true, _) => "",
            (false, true) => "\x1b[m",
            (false, false) => "\x1b[m\x1b[K",
        }
    }
}

/// Where a line or match starts and how long it is.
type Span = (usize, usize);

/// Everything one run of grep needs while it reads files.
struct Search {
    cfg: Config,
    re: Regex,
    out: Out,
    /// -q: the first match ends the program (with status 0).
    exit_on_match: bool,
    done_on_match: bool,
    out_quiet: bool,
    count_matches: bool,
    list: List,
    /// Print file names: 1 yes, 0 no, -1 only for files found under a
    /// directory operand (-r with one operand).
    out_file: i32,
    errseen: bool,
    /// Standard output's file, when it is a regular file.
    out_id: Option<(u64, u64)>,
    colors: Option<Colors>,
    /// Set once something was printed: the next context group gets a
    /// separator.
    used: bool,
    // Per-file state, as GNU's globals.
    filename: String,
    totalcc: u64,
    totalnl: u64,
    lastnl: usize,
    lastout: Option<usize>,
    outleft: i64,
    pending: i64,
    encoding_error_output: bool,
    offset_width: usize,
    /// Bytes read from the input, the file offset of the buffer's first
    /// byte, and the offset just after the last selected line: where -m
    /// leaves a seekable standard input, for the next reader.
    bytes_read: u64,
    buf_offset: u64,
    after_last_match: u64,
}

impl Config {
    fn compile(&self) -> Res<Regex> {
        let texts: Vec<&[u8]> = self.patterns.iter().map(|p| p.text.as_slice()).collect();
        let flags = Flags { icase: self.icase, newline: false };
        let opts = SetOptions { whole_line: self.lines, word_filter: self.words && !self.lines };
        match regex::compile_set(&texts, self.dialect, flags, opts) {
            Ok(re) => {
                for w in re.warnings() {
                    eprintln!("grep: warning: {}", w);
                }
                Ok(re)
            }
            Err(errors) => {
                // glibc's errors come first, for every bad pattern; GNU's
                // dfa reports only the first of its own, and only when
                // glibc found nothing.
                let glibc: Vec<&(usize, regex::Error)> =
                    errors.iter().filter(|(_, e)| e.kind != regex::ErrorKind::ColonClass).collect();
                if glibc.is_empty() {
                    return Err(die(&errors[0].1.to_string()));
                }
                for (i, e) in glibc {
                    match &self.patterns[*i].source {
                        Some((file, line)) => eprintln!("grep: {}:{}: {}", file, line, e),
                        None => eprintln!("grep: {}", e),
                    }
                }
                Err(Exit(2))
            }
        }
    }

    fn search_all(self) -> i32 {
        let re = match self.compile() {
            Ok(re) => re,
            Err(Exit(code)) => return code,
        };
        // When nothing can be selected (-m 0, or no pattern at all without
        // -v), GNU reads nothing and prints nothing, unless -L lists files.
        let nothing = self.max_count == 0 || (self.no_patterns && self.invert && !self.lines && !self.words);
        if nothing && self.list != List::NonMatching {
            return 1;
        }
        let exit_on_match = self.quiet;
        let list = if exit_on_match { List::None } else { self.list };
        let mut count_matches = self.count;
        let mut done_on_match = false;
        if exit_on_match || list != List::None {
            count_matches = false;
            done_on_match = true;
        }
        let out_quiet = count_matches || done_on_match;
        let single = self.files.len() <= 1;
        let out_file = match self.with_filename {
            None if single => -((self.dirs == Dirs::Recurse) as i32),
            None => 1,
            Some(h) => h as i32,
        };
        let mut files = self.files.clone();
        let mut omit_dot_slash = false;
        if files.is_empty() {
            if self.dirs == Dirs::Recurse {
                files.push(".".to_string());
                omit_dot_slash = true;
            } else {
                files.push("-".to_string());
            }
        }
        let mut s = Search {
            re,
            out: stdout(),
            exit_on_match,
            done_on_match,
            out_quiet,
            count_matches,
            list,
            out_file,
            errseen: false,
            out_id: if exit_on_match { None } else { regular_file_id(1) },
            colors: if self.color { Some(Colors::from_env()) } else { None },
            used: false,
            filename: String::new(),
            totalcc: 0,
            totalnl: 0,
            lastnl: 0,
            lastout: None,
            outleft: 0,
            pending: 0,
            encoding_error_output: false,
            offset_width: 0,
            bytes_read: 0,
            buf_offset: 0,
            after_last_match: 0,
            cfg: self,
        };
        let mut status = true;
        for f in &files {
            status &= s.command_line_arg(f, omit_dot_slash);
        }
        s.flush();
        if s.errseen {
            2
        } else {
            status as i32
        }
    }
}

/// Matches `name` against a glob, anchored or (for command-line names)
/// also against every suffix after a `/`.
fn glob_matches(pat: &[u8], name: &[u8], anchored: bool) -> bool {
    if fnmatch(pat, name, false) {
        return true;
    }
    if !anchored {
        for (i, &b) in name.iter().enumerate() {
            if b == b'/' && name.get(i + 1) != Some(&b'/') && fnmatch(pat, &name[i + 1..], false) {
                return true;
            }
        }
    }
    false
}

impl Search {
    fn flush(&mut self) {
        let _ = self.out.flush();
    }

    /// An error about the current file: printed unless -s; remembered for
    /// the exit status either way.
    fn suppressible_error(&mut self, e: &io::Error) {
        if !self.cfg.no_messages {
            self.flush();
            eprintln!("grep: {}: {}", self.filename, strerror(e));
        }
        self.errseen = true;
    }

    /// Whether `--include`/`--exclude` (or `--exclude-dir`) skips a name.
    fn skipped(&self, name: &str, command_line: bool, is_dir: bool) -> bool {
        if is_dir {
            if self.cfg.dirs == Dirs::Skip {
                return true;
            }
            return self.cfg.dir_globs.iter().any(|g| glob_matches(g, name.as_bytes(), !command_line));
        }
        let globs = &self.cfg.globs;
        if globs.is_empty() {
            return false;
        }
        for g in globs.iter().rev() {
            if glob_matches(&g.pattern, name.as_bytes(), !command_line) {
                return !g.include;
            }
        }
        globs[0].include
    }

    fn command_line_arg(&mut self, arg: &str, omit_dot_slash: bool) -> bool {
        if arg == "-" {
            self.filename = self.cfg.label.clone();
            return self.grep_input(Input::Stdin(wsutil::io::stdin()), None);
        }
        self.filename = arg.to_string();
        let meta = match fs::metadata(arg) {
            Ok(m) => m,
            Err(e) => {
                self.suppressible_error(&e);
                return true;
            }
        };
        let is_dir = meta.is_dir();
        if !(is_dir && omit_dot_slash) && self.skipped(arg, true, is_dir) {
            return true;
        }
        if self.out_file < 0 {
            self.out_file = is_dir as i32;
        }
        if is_dir && self.cfg.dirs == Dirs::Recurse {
            return self.walk(arg, omit_dot_slash);
        }
        self.grep_path(arg)
    }

    /// Searches a directory tree in directory order (GNU's fts without
    /// sorting); -r skips symbolic links met on the way, -R follows them.
    fn walk(&mut self, dir: &str, omit_dot_slash: bool) -> bool {
        let entries = match fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(e) => {
                self.filename = display_path(dir, omit_dot_slash);
                self.suppressible_error(&e);
                return true;
            }
        };
        let mut status = true;
        let mut names: Vec<String> = Vec::new();
        for entry in entries.flatten() {
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
        for name in names {
            let path = if dir.ends_with('/') { format!("{}{}", dir, name) } else { format!("{}/{}", dir, name) };
            let lmeta = match fs::symlink_metadata(&path) {
                Ok(m) => m,
                Err(e) => {
                    self.filename = display_path(&path, omit_dot_slash);
                    self.suppressible_error(&e);
                    continue;
                }
            };
            let meta = if lmeta.file_type().is_symlink() {
                if !self.cfg.dereference {
                    continue;
                }
                match fs::metadata(&path) {
                    Ok(m) => m,
                    Err(e) => {
                        // -R: a dangling link is a file that cannot be opened.
                        if !self.skipped(&name, false, false) {
                            self.filename = display_path(&path, omit_dot_slash);
                            self.suppressible_error(&e);
                        }
                        continue;
                    }
                }
            } else {
                lmeta
            };
            let is_dir = meta.is_dir();
            if self.skipped(&name, false, is_dir) {
                continue;
            }
            if is_dir {
                status &= self.walk(&path, omit_dot_slash);
                continue;
            }
            if !meta.is_file() && self.cfg.skip_devices != Some(false) {
                continue;
            }
            self.filename = display_path(&path, omit_dot_slash);
            status &= self.grep_path(&path);
        }
        status
    }

    fn grep_path(&mut self, path: &str) -> bool {
        match fs::File::open(path) {
            Ok(f) => {
                let size = f.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
                self.grep_input(Input::File(f), size)
            }
            Err(e) => {
                self.suppressible_error(&e);
                true
            }
        }
    }

    /// Searches one input; prints its count or name as asked. Returns
    /// true when no line was selected.
    fn grep_input(&mut self, mut input: Input, size: Option<u64>) -> bool {
        // Reading a file that grep is appending to could go on forever.
        if !self.out_quiet && self.list == List::None && self.cfg.max_count > 1 {
            if let (Some(out), Some(this)) = (self.out_id, regular_file_id(input_fd(&input))) {
                if out == this {
                    if !self.cfg.no_messages {
                        self.flush();
                        eprintln!("grep: {}: input file is also the output", self.filename);
                    }
                    self.errseen = true;
                    return true;
                }
            }
        }
        let size = match (&input, size) {
            (Input::Stdin(s), None) => s_size(s),
            (_, s) => s,
        };
        let count = self.grep(&mut input, size);
        if self.outleft == 0 && self.bytes_read > self.after_last_match {
            // -m stopped early: leave standard input just after the last
            // selected line (fails harmlessly on pipes).
            input.unread(self.bytes_read - self.after_last_match);
        }
        if self.count_matches {
            if self.out_file > 0 {
                self.print_filename();
                if self.cfg.null {
                    self.put(b"\0");
                } else {
                    self.print_sep(b':');
                }
            }
            let text = format!("{}\n", count);
            self.put(text.as_bytes());
            if self.cfg.line_buffered {
                self.flush();
            }
        }
        let status = count == 0;
        let listed = match self.list {
            List::Matching => !status,
            List::NonMatching => status,
            List::None => false,
        };
        if listed {
            self.print_filename();
            self.put(if self.cfg.null { b"\0" } else { b"\n" });
            if self.cfg.line_buffered {
                self.flush();
            }
        }
        status
    }

    fn put(&mut self, bytes: &[u8]) {
        let _ = self.out.write_all(bytes);
    }

    /// Text in one of the colors (plain without --color).
    fn put_colored(&mut self, pick: fn(&Colors) -> &String, text: &[u8]) {
        let (start, end) = match &self.colors {
            Some(c) => {
                let code = pick(c);
                (c.start(code), c.end(code))
            }
            None => (String::new(), ""),
        };
        self.put(start.as_bytes());
        self.put(text);
        self.put(end.as_bytes());
    }

    fn print_filename(&mut self) {
        let name = self.filename.clone();
        self.put_colored(|c| &c.filename, name.as_bytes());
    }

    fn print_sep(&mut self, sep: u8) {
        self.put_colored(|c| &c.separator, &[sep]);
    }

    /// Reads and searches one input as GNU's `grep()`; returns the number
    /// of selected lines.
    fn grep(&mut self, input: &mut Input, size: Option<u64>) -> i64 {
        let eol = self.cfg.eol;
        self.totalcc = 0;
        self.totalnl = 0;
        self.lastout = None;
        self.lastnl = 0;
        self.outleft = self.cfg.max_count;
        self.pending = 0;
        self.encoding_error_output = false;
        self.bytes_read = 0;
        self.buf_offset = 0;
        self.after_last_match = 0;
        let done_on_match_0 = self.done_on_match;
        let out_quiet_0 = self.out_quiet;
        self.offset_width = 0;
        if self.cfg.initial_tab {
            let mut num = size.map_or(i64::MAX as u64, |s| s);
            if self.cfg.line_number && num < i64::MAX as u64 {
                num += 1;
            }
            self.offset_width = num.to_string().len();
        }
        let mut nlines: i64 = 0;
        let mut nlines_first_null: i64 = -1;
        let mut buf: Vec<u8> = Vec::new();
        // buf = [kept context lines][residue: a partial line][new data]
        let mut save = 0usize;
        let mut residue = 0usize;
        let mut chunk = vec![0u8; 256 * 1024];
        let mut eof = false;
        loop {
            buf.truncate(save);
            match read_some(input, &mut chunk) {
                Ok(0) => eof = true,
                Ok(n) => {
                    buf.extend_from_slice(&chunk[..n]);
                    self.bytes_read += n as u64;
                }
                Err(e) => {
                    self.suppressible_error(&e);
                    return self.finish(nlines, nlines_first_null, done_on_match_0, out_quiet_0);
                }
            }
            if nlines_first_null < 0 && eol != 0 && self.cfg.binary != Binary::Text && memchr::memchr(0, &buf).is_some()
            {
                if self.cfg.binary == Binary::WithoutMatch {
                    self.restore(done_on_match_0, out_quiet_0);
                    return 0;
                }
                if !self.count_matches {
                    self.done_on_match = true;
                    self.out_quiet = true;
                }
                nlines_first_null = nlines;
            }
            self.lastnl = 0;
            if self.lastout.is_some() {
                self.lastout = Some(0);
            }
            if eof {
                break;
            }
            let beg0 = save;
            if nlines_first_null >= 0 {
                for b in &mut buf[beg0..] {
                    if *b == 0 {
                        *b = eol;
                    }
                }
            }
            let lim = match memchr::memrchr(eol, &buf[beg0..]) {
                Some(i) => beg0 + i + 1,
                None => beg0 - residue,
            };
            let beg = beg0 - residue;
            residue = buf.len() - lim;
            if beg < lim {
                if self.outleft > 0 {
                    nlines += self.grepbuf(&mut buf, beg, lim);
                }
                if self.pending > 0 {
                    self.prpending(&buf, lim);
                }
                if (self.outleft == 0 && self.pending == 0)
                    || (self.done_on_match && nlines_first_null.max(0) < nlines)
                {
                    return self.finish(nlines, nlines_first_null, done_on_match_0, out_quiet_0);
                }
            }
            // Keep up to `before` lines before lim for leading context.
            let mut keep = lim;
            let mut i = 0;
            while i < self.cfg.before && keep > 0 && Some(keep) != self.lastout {
                i += 1;
                keep -= 1;
                while keep > 0 && buf[keep - 1] != eol {
                    keep -= 1;
                }
            }
            if Some(keep) != self.lastout {
                self.lastout = None;
            }
            save = residue + lim - keep;
            if self.cfg.byte_offset {
                self.totalcc += (buf.len() - save) as u64;
            }
            if self.cfg.line_number {
                self.nlscan(&buf, keep);
            }
            buf.drain(..keep);
            self.buf_offset += keep as u64;
        }
        if residue > 0 {
            buf.push(eol);
            let beg = buf.len() - 1 - residue;
            let lim = buf.len();
            if nlines_first_null >= 0 {
                for b in &mut buf[beg..lim - 1] {
                    if *b == 0 {
                        *b = eol;
                    }
                }
            }
            if self.outleft > 0 {
                nlines += self.grepbuf(&mut buf, beg, lim);
            }
            if self.pending > 0 {
                self.prpending(&buf, lim);
            }
        }
        self.finish(nlines, nlines_first_null, done_on_match_0, out_quiet_0)
    }

    fn restore(&mut self, done_on_match: bool, out_quiet: bool) {
        self.done_on_match = done_on_match;
        self.out_quiet = out_quiet;
    }

    fn finish(&mut self, nlines: i64, nlines_first_null: i64, done0: bool, quiet0: bool) -> i64 {
        self.restore(done0, quiet0);
        // -I drops lines with encoding errors without a word (GNU 3.5+).
        let encoding = self.encoding_error_output && self.cfg.binary != Binary::WithoutMatch;
        if !self.out_quiet && (encoding || (nlines_first_null >= 0 && nlines_first_null < nlines)) {
            self.flush();
            eprintln!("grep: {}: binary file matches", self.filename);
        }
        nlines
    }

    /// Counts line ends from `lastnl` up to `lim` into `totalnl` (the
    /// number of the line at `lim` is then `totalnl + 1`).
    fn nlscan(&mut self, buf: &[u8], lim: usize) {
        if lim > self.lastnl {
            self.totalnl += memchr::memchr_iter(self.cfg.eol, &buf[self.lastnl..lim]).count() as u64;
        }
        self.lastnl = lim;
    }

    /// Finds and prints the selected lines of `buf[beg..lim]` (whole
    /// lines); returns how many.
    fn grepbuf(&mut self, buf: &mut Vec<u8>, beg: usize, lim: usize) -> i64 {
        let outleft0 = self.outleft;
        let mut p = beg;
        while p < lim {
            let (b, endp) = match self.find_line(buf, p, lim) {
                Some((start, len)) => (start, start + len),
                None => {
                    if !self.cfg.invert {
                        break;
                    }
                    (lim, lim)
                }
            };
            if !self.cfg.invert && b == lim {
                break;
            }
            if !self.cfg.invert || p < b {
                let (prbeg, prend) = if self.cfg.invert { (p, b) } else { (b, endp) };
                self.prtext(buf, prbeg, prend);
                if self.outleft == 0 || self.done_on_match {
                    if self.exit_on_match {
                        self.flush();
                        std::process::exit(0);
                    }
                    break;
                }
            }
            p = endp;
        }
        outleft0 - self.outleft
    }

    /// The first line in `buf[p..lim]` that matches: (start, length with
    /// its line end).
    fn find_line(&self, buf: &[u8], p: usize, lim: usize) -> Option<Span> {
        let eol = self.cfg.eol;
        let line_at = |pos: usize| -> Span {
            let start = memchr::memrchr(eol, &buf[p..pos]).map_or(p, |i| p + i + 1);
            let end = memchr::memchr(eol, &buf[pos..lim]).map_or(lim, |i| pos + i + 1);
            (start, end - start)
        };
        if eol == b'\n' {
            let mut q = p;
            while q < lim {
                match self.re.scan_lines(&buf[..lim], q) {
                    None => break,
                    Some(Scan::None) => return None,
                    Some(Scan::Line(pos)) => {
                        if pos >= lim {
                            return Some((lim, 0));
                        }
                        return Some(line_at(pos));
                    }
                    Some(Scan::Maybe(pos)) => {
                        if pos >= lim {
                            return None;
                        }
                        let (s, len) = line_at(pos);
                        if self.line_matches(&buf[s..s + len - 1]) {
                            return Some((s, len));
                        }
                        q = s + len;
                    }
                }
            }
            if q >= lim {
                return None;
            }
        }
        let mut s = p;
        while s < lim {
            let end = memchr::memchr(eol, &buf[s..lim]).map_or(lim, |i| s + i + 1);
            if self.line_matches(&buf[s..end - 1]) {
                return Some((s, end - s));
            }
            s = end;
        }
        None
    }

    /// How lines are searched: with -z a record may hold newlines.
    fn exec_flags(&self) -> ExecFlags {
        ExecFlags { single_line: self.cfg.eol == b'\n', ..ExecFlags::default() }
    }

    fn line_matches(&self, line: &[u8]) -> bool {
        if !self.cfg.words || self.cfg.lines {
            return self.re.is_match(line, self.exec_flags());
        }
        self.match_in_line(line, 0).is_some()
    }

    /// The first match in `line` at or after `start` that passes -w (or
    /// -x, compiled into the pattern): GNU's loop that tries shorter
    /// matches at the same place, then later places.
    fn match_in_line(&self, line: &[u8], start: usize) -> Option<Span> {
        let flags = self.exec_flags();
        if !self.cfg.words || self.cfg.lines {
            return self.re.find_at(line, start, flags).map(|(s, e)| (s, e - s));
        }
        let mut from = start;
        while from <= line.len() {
            let (s, e) = self.re.find_at(line, from, flags)?;
            let mut len = e - s;
            loop {
                if !ctype::word_before(line, s) && !ctype::word_after(line, s + len) {
                    return Some((s, len));
                }
                if len == 0 {
                    break;
                }
                // A shorter match at the same place, within the text cut
                // before the current end. GNU measures the cut from the
                // search's starting point rather than the line's, so after
                // the first -o match it cuts shorter still; kept, so that
                // the same words are found.
                let limit = (s + len - 1).checked_sub(start).filter(|&l| l >= s);
                let shorter = limit.and_then(|l| self.re.match_at(&line[..l], s, ExecFlags { not_eol: true, ..flags }));
                match shorter {
                    Some(e2) if e2 > s => len = e2 - s,
                    _ => break,
                }
            }
            from = s + 1;
        }
        None
    }

    /// GNU's `prtext`: prints the lines `buf[beg..lim]` with leading
    /// context (and the pending trailing context before them).
    fn prtext(&mut self, buf: &[u8], beg: usize, lim: usize) {
        let eol = self.cfg.eol;
        if !self.out_quiet && self.pending > 0 {
            self.prpending(buf, beg);
        }
        let mut p = beg;
        if !self.out_quiet {
            let bp = self.lastout.unwrap_or(0);
            for _ in 0..self.cfg.before.max(0) {
                if p > bp {
                    p -= 1;
                    while p > 0 && buf[p - 1] != eol {
                        p -= 1;
                    }
                } else {
                    break;
                }
            }
            if (self.cfg.before >= 0 || self.cfg.after >= 0) && self.used && Some(p) != self.lastout {
                if let Some(sep) = self.cfg.group_separator.clone() {
                    self.put_colored(|c| &c.separator, &sep);
                    self.put(b"\n");
                }
            }
            while p < beg {
                let nl = memchr::memchr(eol, &buf[p..]).map_or(buf.len(), |i| p + i + 1);
                self.prline(buf, p, nl, b'-');
                p = nl;
            }
        }
        let n;
        if self.cfg.invert {
            let mut k = 0;
            while p < lim && k < self.outleft {
                let nl = memchr::memchr(eol, &buf[p..]).map_or(buf.len(), |i| p + i + 1);
                if !self.out_quiet {
                    self.prline(buf, p, nl, b':');
                }
                p = nl;
                k += 1;
            }
            n = k;
        } else {
            if !self.out_quiet {
                self.prline(buf, beg, lim, b':');
            }
            n = 1;
            p = lim;
        }
        self.pending = if self.out_quiet { 0 } else { self.cfg.after.max(0) };
        self.used = true;
        self.after_last_match = self.buf_offset + p as u64;
        self.outleft -= n;
    }

    /// Prints owed trailing context up to `lim`. A line that cannot be
    /// printed (an encoding error) leaves `lastout` where it was and uses
    /// up the rest, as in GNU.
    fn prpending(&mut self, buf: &[u8], lim: usize) {
        let eol = self.cfg.eol;
        if self.lastout.is_none() {
            self.lastout = Some(0);
        }
        while self.pending > 0 && self.lastout.unwrap_or(0) < lim {
            let lo = self.lastout.unwrap_or(0);
            let nl = memchr::memchr(eol, &buf[lo..]).map_or(buf.len(), |i| lo + i + 1);
            self.prline(buf, lo, nl, b'-');
            self.pending -= 1;
        }
    }

    /// The prefix of an output line: file name, line number, byte offset.
    /// False (and nothing printed) when the text has an encoding error and
    /// binary files are not text.
    fn print_line_head(&mut self, buf: &[u8], beg: usize, len: usize, sep: u8) -> bool {
        if self.cfg.binary != Binary::Text && std::str::from_utf8(&buf[beg..beg + len]).is_err() {
            self.encoding_error_output = true;
            return false;
        }
        if self.out_file > 0 {
            self.print_filename();
            if self.cfg.null {
                self.put(b"\0");
            } else {
                self.print_sep(sep);
            }
        }
        if self.cfg.line_number {
            self.nlscan(buf, beg);
            let text = format!("{:>width$}", self.totalnl + 1, width = self.offset_width);
            self.put_colored(|c| &c.line_number, text.as_bytes());
            self.print_sep(sep);
        }
        if self.cfg.byte_offset {
            let pos = self.totalcc + beg as u64;
            let text = format!("{:>width$}", pos, width = self.offset_width);
            self.put_colored(|c| &c.byte_offset, text.as_bytes());
            self.print_sep(sep);
        }
        if self.cfg.initial_tab && (self.out_file > 0 || self.cfg.line_number || self.cfg.byte_offset) && len != 0 {
            self.put(b"\t");
        }
        true
    }

    /// Prints one line (`buf[beg..lim]`, with its end), or with -o the
    /// matches in it; with --color, its matches highlighted (GNU's
    /// `prline`).
    fn prline(&mut self, buf: &[u8], beg: usize, lim: usize, sep: u8) -> bool {
        if !self.cfg.only && !self.print_line_head(buf, beg, lim - beg - 1, sep) {
            return false;
        }
        let matching = (sep == b':') ^ self.cfg.invert;
        let (line_color, match_color) = match &self.colors {
            Some(c) => {
                let selected = (sep == b':') ^ (self.cfg.invert && c.reverse);
                let line = if selected { c.selected_line.clone() } else { c.context_line.clone() };
                let mat = if sep == b':' { c.selected_match.clone() } else { c.context_match.clone() };
                (line, mat)
            }
            None => (String::new(), String::new()),
        };
        let mut cur = beg;
        if (self.cfg.only && matching) || (self.colors.is_some() && (!line_color.is_empty() || !match_color.is_empty())) {
            if matching && (self.cfg.only || !match_color.is_empty()) {
                match self.print_line_middle(buf, beg, lim, &line_color, &match_color) {
                    Some(c) => cur = c,
                    None => return false,
                }
            }
            if !self.cfg.only && !line_color.is_empty() {
                cur = self.print_line_tail(buf, cur, lim, &line_color);
            }
        }
        if !self.cfg.only && lim > cur {
            self.put(&buf[cur..lim]);
        }
        if self.cfg.line_buffered {
            self.flush();
        }
        self.lastout = Some(lim);
        true
    }

    /// The matches of a line: each on its own line with -o, or the line
    /// with its matches highlighted. Returns where the unprinted rest of
    /// the line begins (None: an encoding error stopped it).
    fn print_line_middle(&mut self, buf: &[u8], beg: usize, lim: usize, line_color: &str, match_color: &str) -> Option<usize> {
        let line = &buf[beg..lim - 1];
        let colors = self.colors.as_ref().map(|c| (c.start(line_color), c.start(match_color), c.end(match_color)));
        let (line_start, match_start, match_end) = colors.unwrap_or_default();
        let mut cur = 0;
        let mut mid: Option<usize> = None;
        while cur < line.len() {
            let (b, mut size) = match self.match_in_line(line, cur) {
                Some(m) => m,
                None => break,
            };
            if b == line.len() {
                break;
            }
            if size == 0 {
                // Make progress past an empty match (by one byte, as GNU).
                size = 1;
                mid.get_or_insert(cur);
            } else {
                if self.cfg.only {
                    let sep = if self.cfg.invert { b'-' } else { b':' };
                    if !self.print_line_head(buf, beg + b, size, sep) {
                        return None;
                    }
                } else {
                    self.put(line_start.as_bytes());
                    if let Some(m) = mid.take() {
                        cur = m;
                    }
                    self.put(&line[cur..b]);
                }
                self.put(match_start.as_bytes());
                self.put(&line[b..b + size]);
                self.put(match_end.as_bytes());
                if self.cfg.only {
                    self.put(&[self.cfg.eol]);
                }
            }
            cur = b + size;
        }
        Some(if self.cfg.only {
            lim
        } else {
            beg + mid.unwrap_or(cur.min(line.len()))
        })
    }

    /// The rest of a line in the line color, without its line end (nor a
    /// carriage return before it).
    fn print_line_tail(&mut self, buf: &[u8], beg: usize, lim: usize, line_color: &str) -> usize {
        let mut eol_size = (lim > beg && buf[lim - 1] == self.cfg.eol) as usize;
        eol_size += (lim - eol_size > beg && buf[lim - 1 - eol_size] == b'\r') as usize;
        let tail = lim - eol_size - beg;
        if tail > 0 {
            let (start, end) = match &self.colors {
                Some(c) => (c.start(line_color), c.end(line_color)),
                None => (String::new(), ""),
            };
            self.put(start.as_bytes());
            self.put(&buf[beg..beg + tail]);
            self.put(end.as_bytes());
            return beg + tail;
        }
        beg
    }
}

/// One read (what a pipe has now, so output keeps up with input),
/// retried on EINTR.
fn read_some(input: &mut Input, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match input.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            r => return r,
        }
    }
}

/// The size of standard input when it is a regular file (for -T widths).
fn s_size(_s: &wsutil::io::RawFd) -> Option<u64> {
    wsutil::io::stdin_metadata().ok().filter(|m| m.is_file()).map(|m| m.len())
}

/// (device, inode) of the regular file open on descriptor `fd`, if it is
/// one: how grep notices that an input is its own output.
#[cfg(target_os = "wasi")]
fn regular_file_id(fd: u32) -> Option<(u64, u64)> {
    #[repr(C)]
    struct Filestat {
        dev: u64,
        ino: u64,
        filetype: u8,
        nlink: u64,
        size: u64,
        atim: u64,
        mtim: u64,
        ctim: u64,
    }
    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    extern "C" {
        fn fd_filestat_get(fd: u32, buf: *mut Filestat) -> u16;
    }
    let mut st = Filestat { dev: 0, ino: 0, filetype: 0, nlink: 0, size: 0, atim: 0, mtim: 0, ctim: 0 };
    // SAFETY: the host writes one filestat (64 bytes, this layout).
    let errno = unsafe { fd_filestat_get(fd, &mut st) };
    const REGULAR_FILE: u8 = 4;
    if errno == 0 && st.filetype == REGULAR_FILE {
        Some((st.dev, st.ino))
    } else {
        None
    }
}

#[cfg(not(target_os = "wasi"))]
fn regular_file_id(fd: u32) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    use std::os::unix::io::FromRawFd;
    // SAFETY: the File is never dropped, so the descriptor stays open.
    let file = std::mem::ManuallyDrop::new(unsafe { fs::File::from_raw_fd(fd as i32) });
    let meta = file.metadata().ok()?;
    if meta.is_file() {
        Some((meta.dev(), meta.ino()))
    } else {
        None
    }
}

fn input_fd(input: &Input) -> u32 {
    match input {
        Input::Stdin(_) => 0,
        #[cfg(target_os = "wasi")]
        Input::File(f) => std::os::wasi::io::AsRawFd::as_raw_fd(f) as u32,
        #[cfg(not(target_os = "wasi"))]
        Input::File(f) => std::os::unix::io::AsRawFd::as_raw_fd(f) as u32,
    }
}

/// The name GNU shows for a file found by -r: without `./` when grep
/// searches `.` by default.
fn display_path(path: &str, omit_dot_slash: bool) -> String {
    if omit_dot_slash && path.len() > 2 {
        if let Some(rest) = path.strip_prefix("./") {
            return rest.to_string();
        }
    }
    path.to_string()
}
