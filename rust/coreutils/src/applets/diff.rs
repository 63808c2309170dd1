//! `diff`: compare files line by line, as GNU diffutils 3.8 does.
//!
//! The hunks must be GNU's, not merely correct: which of several equally
//! short edit scripts a diff shows is what agents read and what `patch`
//! applies. So the pipeline is GNU's: both files are read whole, the
//! identical prefix and suffix are set aside (keeping as many lines of
//! them as the context needs, so runs of changes can still slide into
//! them), the remaining lines get equivalence classes under the
//! `-i`/`-b`/`-w`/`-E`/`-Z` rules, and `wsutil::diffseq` finds the
//! changes. Output styles: normal, context (`-c`), unified (`-u`) and
//! side by side (`-y`); `-q` and binary files only say that files differ.
//!
//! Refused as unsupported: `-e`/`-f`/`-n` (ed and RCS scripts), `-D` and
//! the `--*-format` options, `-l`, `--ignore-file-name-case`,
//! `--color=always` and `--palette`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{Read, Write};

use wsutil::args::{self, HasArg, Item, Spec, HELP, LONG1, LONG2, LONG3, LONG4, LONG5, LONG6, LONG7, LONG8};
use wsutil::datetime::{localtime, strftime, Timespec, Zone};
use wsutil::diffseq::{self, Effort};
use wsutil::fsmeta::{self, FileStat};
use wsutil::io::{stdout, Out};
use wsutil::regex::{self, Dialect, ExecFlags, Flags, Regex};
use wsutil::{strerror, util, Error};

pub const APPLETS: &[wsutil::Applet] = &[("diff", main)];

const BINARY: char = LONG1;
const FROM_FILE: char = LONG2;
const HORIZON: char = LONG3;
const IGNORE_NAME_CASE: char = LONG4;
const INHIBIT_MERGE: char = LONG5;
const LEFT_COLUMN: char = LONG6;
const NO_DEREF: char = LONG7;
const NO_IGNORE_NAME_CASE: char = LONG8;
const NORMAL: char = '\u{e020}';
const SDIFF_MERGE: char = '\u{e021}';
const STRIP_CR: char = '\u{e022}';
const SUPPRESS_BLANK: char = '\u{e023}';
const SUPPRESS_COMMON: char = '\u{e024}';
const TABSIZE: char = '\u{e025}';
const TO_FILE: char = '\u{e026}';
const COLOR: char = '\u{e027}';
const PALETTE: char = '\u{e028}';
const LINE_FORMAT: char = '\u{e029}';
const GROUP_FORMAT: char = '\u{e02a}';
const VERSION_KEY: char = 'v';

const SHORT: &str = "0123456789abBcC:dD:eEfF:hHiI:lL:nNpPqrsS:tTuU:vwW:x:X:yZ";

const SPEC: Spec = Spec {
    short: SHORT,
    long: &[
        ("binary", HasArg::No, BINARY),
        ("brief", HasArg::No, 'q'),
        ("changed-group-format", HasArg::Required, GROUP_FORMAT),
        ("color", HasArg::Optional, COLOR),
        ("context", HasArg::Optional, 'C'),
        ("ed", HasArg::No, 'e'),
        ("exclude", HasArg::Required, 'x'),
        ("exclude-from", HasArg::Required, 'X'),
        ("expand-tabs", HasArg::No, 't'),
        ("forward-ed", HasArg::No, 'f'),
        ("from-file", HasArg::Required, FROM_FILE),
        ("help", HasArg::No, HELP),
        ("horizon-lines", HasArg::Required, HORIZON),
        ("ifdef", HasArg::Required, 'D'),
        ("ignore-all-space", HasArg::No, 'w'),
        ("ignore-blank-lines", HasArg::No, 'B'),
        ("ignore-case", HasArg::No, 'i'),
        ("ignore-file-name-case", HasArg::No, IGNORE_NAME_CASE),
        ("ignore-matching-lines", HasArg::Required, 'I'),
        ("ignore-space-change", HasArg::No, 'b'),
        ("ignore-tab-expansion", HasArg::No, 'E'),
        ("ignore-trailing-space", HasArg::No, 'Z'),
        ("inhibit-hunk-merge", HasArg::No, INHIBIT_MERGE),
        ("initial-tab", HasArg::No, 'T'),
        ("label", HasArg::Required, 'L'),
        ("left-column", HasArg::No, LEFT_COLUMN),
        ("line-format", HasArg::Required, LINE_FORMAT),
        ("minimal", HasArg::No, 'd'),
        ("new-file", HasArg::No, 'N'),
        ("new-group-format", HasArg::Required, GROUP_FORMAT),
        ("new-line-format", HasArg::Required, LINE_FORMAT),
        ("no-dereference", HasArg::No, NO_DEREF),
        ("no-ignore-file-name-case", HasArg::No, NO_IGNORE_NAME_CASE),
        ("normal", HasArg::No, NORMAL),
        ("old-group-format", HasArg::Required, GROUP_FORMAT),
        ("old-line-format", HasArg::Required, LINE_FORMAT),
        ("paginate", HasArg::No, 'l'),
        ("palette", HasArg::Required, PALETTE),
        ("rcs", HasArg::No, 'n'),
        ("recursive", HasArg::No, 'r'),
        ("report-identical-files", HasArg::No, 's'),
        ("sdiff-merge-assist", HasArg::No, SDIFF_MERGE),
        ("show-c-function", HasArg::No, 'p'),
        ("show-function-line", HasArg::Required, 'F'),
        ("side-by-side", HasArg::No, 'y'),
        ("speed-large-files", HasArg::No, 'H'),
        ("starting-file", HasArg::Required, 'S'),
        ("strip-trailing-cr", HasArg::No, STRIP_CR),
        ("suppress-blank-empty", HasArg::No, SUPPRESS_BLANK),
        ("suppress-common-lines", HasArg::No, SUPPRESS_COMMON),
        ("tabsize", HasArg::Required, TABSIZE),
        ("text", HasArg::No, 'a'),
        ("to-file", HasArg::Required, TO_FILE),
        ("unchanged-group-format", HasArg::Required, GROUP_FORMAT),
        ("unchanged-line-format", HasArg::Required, LINE_FORMAT),
        ("unidirectional-new-file", HasArg::No, 'P'),
        ("unified", HasArg::Optional, 'U'),
        ("version", HasArg::No, VERSION_KEY),
        ("width", HasArg::Required, 'W'),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: diff [OPTION]... FILES
Compare FILES line by line.

Mandatory arguments to long options are mandatory for short options too.
      --normal                  output a normal diff (the default)
  -q, --brief                   report only when files differ
  -s, --report-identical-files  report when two files are the same
  -c, -C NUM, --context[=NUM]   output NUM (default 3) lines of copied context
  -u, -U NUM, --unified[=NUM]   output NUM (default 3) lines of unified context
  -y, --side-by-side            output in two columns
  -W, --width=NUM               output at most NUM (default 130) print columns
      --left-column             output only the left column of common lines
      --suppress-common-lines   do not output common lines

  -p, --show-c-function         show which C function each change is in
  -F, --show-function-line=RE   show the most recent line matching RE
      --label LABEL             use LABEL instead of file name and timestamp
                                  (can be repeated)

  -t, --expand-tabs             expand tabs to spaces in output
  -T, --initial-tab             make tabs line up by prepending a tab
      --tabsize=NUM             tab stops every NUM (default 8) print columns
      --suppress-blank-empty    suppress space or tab before empty output lines

  -r, --recursive                 recursively compare any subdirectories found
      --no-dereference            don't follow symbolic links
  -N, --new-file                  treat absent files as empty
      --unidirectional-new-file   treat absent first files as empty
  -x, --exclude=PAT               exclude files that match PAT
  -X, --exclude-from=FILE         exclude files that match any pattern in FILE
  -S, --starting-file=FILE        start with FILE when comparing directories
      --from-file=FILE1           compare FILE1 to all operands;
                                    FILE1 can be a directory
      --to-file=FILE2             compare all operands to FILE2;
                                    FILE2 can be a directory

  -i, --ignore-case               ignore case differences in file contents
  -E, --ignore-tab-expansion      ignore changes due to tab expansion
  -Z, --ignore-trailing-space     ignore white space at line end
  -b, --ignore-space-change       ignore changes in the amount of white space
  -w, --ignore-all-space          ignore all white space
  -B, --ignore-blank-lines        ignore changes where lines are all blank
  -I, --ignore-matching-lines=RE  ignore changes where all lines match RE

  -a, --text                      treat all files as text
      --strip-trailing-cr         strip trailing carriage return on input

  -d, --minimal            try hard to find a smaller set of changes
      --horizon-lines=NUM  keep NUM lines of the common prefix and suffix
      --speed-large-files  assume large files and many scattered small changes
      --color[=WHEN]       only 'never' (or 'auto', never a terminal here)

      --help               display this help and exit
  -v, --version            output version information and exit

FILES are 'FILE1 FILE2' or 'DIR1 DIR2' or 'DIR FILE' or 'FILE DIR'.
If --from-file or --to-file is given, there are no restrictions on FILE(s).
If a FILE is '-', read standard input.
Exit status is 0 if inputs are the same, 1 if different, 2 if trouble.
";

/// The largest context GNU accepts; bigger requests are clamped to it.
const CONTEXT_MAX: usize = usize::MAX / 8;

/// GNU's white-space levels; each includes what the lower ones ignore
/// where that makes sense (`-b` and `-w` override `-E` and `-Z`).
const WS_NONE: u8 = 0;
const WS_TAB_EXPANSION: u8 = 1;
const WS_TRAILING: u8 = 2;
const WS_SPACE_CHANGE: u8 = 4;
const WS_ALL: u8 = 5;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Style {
    Normal,
    Context,
    Unified,
    SideBySide,
}

/// Everything the command line decided.
struct Opts {
    style: Style,
    context: usize,
    horizon: usize,
    brief: bool,
    report_identical: bool,
    new_file: bool,
    unidirectional_new_file: bool,
    recursive: bool,
    text: bool,
    ignore_case: bool,
    white: u8,
    ignore_blank_lines: bool,
    ignore_re: Option<Regex>,
    function_re: Option<Regex>,
    strip_cr: bool,
    labels: [Option<String>; 2],
    expand_tabs: bool,
    initial_tab: bool,
    tabsize: usize,
    suppress_common: bool,
    suppress_blank_empty: bool,
    left_column: bool,
    effort: Effort,
    excludes: Vec<Vec<u8>>,
    starting_file: Option<String>,
    no_dereference: bool,
    /// The options as typed, for the `diff -r ...` lines between files.
    switches: String,
    half_width: usize,
    column2: usize,
    no_diff_means_no_output: bool,
    treat_as_binary: bool,
}

/// What went wrong on the command line or in a fatal way.
enum Fail {
    /// `diff: msg` then the "Try" line.
    Usage(Option<String>),
    /// `diff: msg`.
    Fatal(String),
    Unsupported(String),
}

pub fn main(argv: &[String]) -> i32 {
    let mut out = stdout();
    let status = match run(argv, &mut out) {
        Ok(status) => status,
        Err(fail) => {
            let _ = out.flush();
            match fail {
                Fail::Usage(msg) => {
                    if let Some(m) = msg {
                        eprintln!("{}: {}", util(), m);
                    }
                    eprintln!("{}: Try '{} --help' for more information.", util(), util());
                    2
                }
                Fail::Fatal(m) => {
                    eprintln!("{}: {}", util(), m);
                    2
                }
                Fail::Unsupported(flag) => wsutil::report(&Error::Unsupported(flag), 2),
            }
        }
    };
    if out.flush().is_err() {
        return 2;
    }
    status
}

/// GNU's reading of numeric option values: leading blanks and a `+`
/// allowed, "" is 0, a minus sign or anything after the digits refused.
fn strtoumax_all(s: &str) -> Option<u128> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && (b[i] == b' ' || (9..=13).contains(&b[i])) {
        i += 1;
    }
    let mut neg = false;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        neg = b[i] == b'-';
        i += 1;
    }
    let start = i;
    let mut v: u128 = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        v = v.saturating_mul(10).saturating_add((b[i] - b'0') as u128);
        i += 1;
    }
    if i == start {
        return if s.is_empty() { Some(0) } else { None };
    }
    if i != b.len() {
        return None;
    }
    if neg {
        return None;
    }
    Some(v.min(u64::MAX as u128))
}

fn specify_style(cur: &mut Option<Style>, style: Style) -> Result<(), Fail> {
    match *cur {
        Some(s) if s != style => Err(Fail::Usage(Some("conflicting output style options".into()))),
        _ => {
            *cur = Some(style);
            Ok(())
        }
    }
}

/// Compiles the `-I` or `-F` patterns, joined as alternatives the way GNU
/// joins them (`\|` in its grep-like syntax).
fn compile_list(patterns: &[String]) -> Result<Option<Regex>, Fail> {
    if patterns.is_empty() {
        return Ok(None);
    }
    for p in patterns {
        if let Err(e) = regex::compile(p.as_bytes(), Dialect::Basic, Flags::default()) {
            return Err(Fail::Fatal(format!("{}: {}", p, e)));
        }
    }
    let joined = patterns.join("\\|");
    match regex::compile(joined.as_bytes(), Dialect::Basic, Flags::default()) {
        Ok(re) => Ok(Some(re)),
        Err(e) => Err(Fail::Fatal(format!("{}: {}", joined, e))),
    }
}

/// The option words as getopt leaves them before the operands, shell
/// quoted, each preceded by a space (GNU's `switch_string`).
fn switch_string(argv: &[String]) -> String {
    let mut s = String::new();
    let mut i = 0;
    while i < argv.len() {
        let a = &argv[i];
        i += 1;
        if a == "--" {
            s.push(' ');
            s.push_str(&shell_quote(a));
            break;
        }
        if a.len() < 2 || !a.starts_with('-') {
            continue;
        }
        s.push(' ');
        s.push_str(&shell_quote(a));
        let takes_next = if let Some(body) = a.strip_prefix("--") {
            !body.contains('=') && long_takes_required(body)
        } else {
            short_needs_next(&a[1..])
        };
        if takes_next && i < argv.len() {
            s.push(' ');
            s.push_str(&shell_quote(&argv[i]));
            i += 1;
        }
    }
    s
}

/// gnulib's `shell_quote`: bare when nothing in the word is special to
/// the shell (`=` and `^` are, unlike for `ls`), else single quotes.
fn shell_quote(w: &str) -> String {
    let plain = !w.is_empty()
        && w.bytes().enumerate().all(|(i, c)| {
            c.is_ascii_alphanumeric()
                || b"%+,-./:@_".contains(&c)
                || c >= 0x80
                || (i > 0 && (c == b'#' || c == b'~'))
                || ((c == b'{' || c == b'}') && w.len() > 1)
        });
    if plain {
        return w.to_string();
    }
    if !w.contains('\'') {
        format!("'{}'", w)
    } else if !w.contains(|c| matches!(c, '"' | '$' | '`' | '\\')) {
        format!("\"{}\"", w)
    } else {
        format!("'{}'", w.replace('\'', "'\\''"))
    }
}

fn long_takes_required(name: &str) -> bool {
    if let Some(o) = SPEC.long.iter().find(|o| o.0 == name) {
        return o.1 == HasArg::Required;
    }
    let c: Vec<_> = SPEC.long.iter().filter(|o| o.0.starts_with(name)).collect();
    !c.is_empty() && c.iter().all(|o| o.1 == HasArg::Required)
}

/// Whether a cluster of short options ends with one whose argument is the
/// next word.
fn short_needs_next(cluster: &str) -> bool {
    for (pos, ch) in cluster.char_indices() {
        if let Some(p) = SHORT.find(ch) {
            if SHORT[p + ch.len_utf8()..].starts_with(':') {
                return pos + ch.len_utf8() == cluster.len();
            }
        } else {
            return false;
        }
    }
    false
}

fn run(argv: &[String], out: &mut Out) -> Result<i32, Fail> {
    let items = args::parse(&SPEC, argv).map_err(|e| Fail::Usage(Some(e.0)))?;
    let mut style: Option<Style> = None;
    let mut context: usize = 0;
    let mut ocontext: Option<usize> = None;
    let mut explicit_context = false;
    let mut prev_digit = false;
    let mut width: usize = 0;
    let mut tabsize: usize = 0;
    let mut show_c_function = false;
    let mut function_patterns: Vec<String> = Vec::new();
    let mut ignore_patterns: Vec<String> = Vec::new();
    let mut labels: [Option<String>; 2] = [None, None];
    let mut from_file: Option<String> = None;
    let mut to_file: Option<String> = None;
    let mut operands = Vec::new();
    let mut o = Opts {
        style: Style::Normal,
        context: 0,
        horizon: 0,
        brief: false,
        report_identical: false,
        new_file: false,
        unidirectional_new_file: false,
        recursive: false,
        text: false,
        ignore_case: false,
        white: WS_NONE,
        ignore_blank_lines: false,
        ignore_re: None,
        function_re: None,
        strip_cr: false,
        labels: [None, None],
        expand_tabs: false,
        initial_tab: false,
        tabsize: 8,
        suppress_common: false,
        suppress_blank_empty: false,
        left_column: false,
        effort: Effort::default(),
        excludes: Vec::new(),
        starting_file: None,
        no_dereference: false,
        switches: String::new(),
        half_width: 0,
        column2: 0,
        no_diff_means_no_output: true,
        treat_as_binary: false,
    };
    for item in items {
        let (c, val) = match item {
            Item::Operand(f) => {
                operands.push(f);
                continue;
            }
            Item::Opt(c, v) => (c, v),
        };
        let is_digit = c.is_ascii_digit();
        match c {
            '0'..='9' => {
                let d = c as usize - '0' as usize;
                ocontext = Some(match (prev_digit, ocontext) {
                    (true, Some(v)) if v < CONTEXT_MAX / 10 => 10 * v + d,
                    (true, Some(_)) => CONTEXT_MAX,
                    _ => d,
                });
            }
            'a' => o.text = true,
            'b' => {
                if o.white < WS_SPACE_CHANGE {
                    o.white = WS_SPACE_CHANGE;
                }
            }
            'Z' => {
                if o.white < WS_SPACE_CHANGE {
                    o.white |= WS_TRAILING;
                }
            }
            'E' => {
                if o.white < WS_SPACE_CHANGE {
                    o.white |= WS_TAB_EXPANSION;
                }
            }
            'w' => o.white = WS_ALL,
            'B' => o.ignore_blank_lines = true,
            'C' | 'U' => {
                let n = match val {
                    Some(v) => match strtoumax_all(&v) {
                        Some(n) => (n.min(CONTEXT_MAX as u128)) as usize,
                        None => return Err(Fail::Usage(Some(format!("invalid context length '{}'", v)))),
                    },
                    None => 3,
                };
                specify_style(&mut style, if c == 'U' { Style::Unified } else { Style::Context })?;
                if context < n {
                    context = n;
                }
                explicit_context = true;
            }
            'c' | 'u' => {
                specify_style(&mut style, if c == 'u' { Style::Unified } else { Style::Context })?;
                if context < 3 {
                    context = 3;
                }
            }
            'd' => o.effort.minimal = true,
            'H' => o.effort.speed_large_files = true,
            'h' | INHIBIT_MERGE | BINARY | NO_IGNORE_NAME_CASE => {}
            'i' => o.ignore_case = true,
            'I' => ignore_patterns.push(val.unwrap_or_default()),
            'F' => function_patterns.push(val.unwrap_or_default()),
            'p' => {
                show_c_function = true;
                function_patterns.push("^[[:alpha:]$_]".to_string());
            }
            'L' => {
                if labels[0].is_none() {
                    labels[0] = val;
                } else if labels[1].is_none() {
                    labels[1] = val;
                } else {
                    return Err(Fail::Fatal("too many file label options".into()));
                }
            }
            'N' => o.new_file = true,
            'P' => o.unidirectional_new_file = true,
            'q' => o.brief = true,
            'r' => o.recursive = true,
            's' => o.report_identical = true,
            'S' => {
                let v = val.unwrap_or_default();
                if let Some(old) = &o.starting_file {
                    if *old != v {
                        return Err(conflicting_value("-S", &v));
                    }
                }
                o.starting_file = Some(v);
            }
            't' => o.expand_tabs = true,
            'T' => o.initial_tab = true,
            'x' => o.excludes.push(val.unwrap_or_default().into_bytes()),
            'X' => {
                let name = val.unwrap_or_default();
                match std::fs::read(&name) {
                    Ok(data) => {
                        for p in data.split(|&b| b == b'\n') {
                            if !p.is_empty() {
                                o.excludes.push(p.to_vec());
                            }
                        }
                    }
                    Err(e) => return Err(Fail::Fatal(format!("{}: {}", name, strerror(&e)))),
                }
            }
            'y' => specify_style(&mut style, Style::SideBySide)?,
            'W' => {
                let v = val.unwrap_or_default();
                let n = match strtoumax_all(&v) {
                    Some(n) if n > 0 && n <= u32::MAX as u128 => n as usize,
                    _ => return Err(Fail::Usage(Some(format!("invalid width '{}'", v)))),
                };
                if width != n {
                    if width != 0 {
                        return Err(Fail::Fatal("conflicting width options".into()));
                    }
                    width = n;
                }
            }
            TABSIZE => {
                let v = val.unwrap_or_default();
                let n = match strtoumax_all(&v) {
                    Some(n) if n > 0 && n <= u32::MAX as u128 => n as usize,
                    _ => return Err(Fail::Usage(Some(format!("invalid tabsize '{}'", v)))),
                };
                if tabsize != n {
                    if tabsize != 0 {
                        return Err(Fail::Fatal("conflicting tabsize options".into()));
                    }
                    tabsize = n;
                }
            }
            HORIZON => {
                let v = val.unwrap_or_default();
                match strtoumax_all(&v) {
                    Some(n) => o.horizon = o.horizon.max(n.min(CONTEXT_MAX as u128) as usize),
                    None => return Err(Fail::Usage(Some(format!("invalid horizon length '{}'", v)))),
                }
            }
            LEFT_COLUMN => o.left_column = true,
            NO_DEREF => o.no_dereference = true,
            NORMAL => specify_style(&mut style, Style::Normal)?,
            STRIP_CR => o.strip_cr = true,
            SUPPRESS_BLANK => o.suppress_blank_empty = true,
            SUPPRESS_COMMON => o.suppress_common = true,
            FROM_FILE | TO_FILE => {
                let v = val.unwrap_or_default();
                let (slot, name) = if c == FROM_FILE { (&mut from_file, "--from-file") } else { (&mut to_file, "--to-file") };
                if let Some(old) = slot {
                    if *old != v {
                        return Err(conflicting_value(name, &v));
                    }
                }
                *slot = Some(v);
            }
            COLOR => {
                let when = val.unwrap_or_else(|| "auto".into());
                let choices = [("always", 2), ("yes", 2), ("force", 2), ("never", 0), ("no", 0), ("none", 0), ("auto", 1), ("tty", 1), ("if-tty", 1)];
                let exact = choices.iter().find(|c| c.0 == when);
                let pick = match exact {
                    Some(c) => Some(c.1),
                    None => {
                        let m: Vec<_> = choices.iter().filter(|c| c.0.starts_with(when.as_str()) && !when.is_empty()).collect();
                        if !m.is_empty() && m.iter().all(|c| c.1 == m[0].1) {
                            Some(m[0].1)
                        } else {
                            None
                        }
                    }
                };
                match pick {
                    Some(2) => return Err(Fail::Unsupported(format!("--color={}", when))),
                    Some(_) => {}
                    None => return Err(Fail::Usage(Some(format!("invalid color '{}'", when)))),
                }
            }
            HELP => {
                let _ = out.write_all(USAGE.as_bytes());
                return Ok(0);
            }
            VERSION_KEY => {
                let _ = writeln!(out, "diff (wasmsand diffutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            'e' => return Err(Fail::Unsupported("--ed".into())),
            'f' => return Err(Fail::Unsupported("--forward-ed".into())),
            'n' => return Err(Fail::Unsupported("--rcs".into())),
            'l' => return Err(Fail::Unsupported("--paginate".into())),
            'D' => return Err(Fail::Unsupported("--ifdef".into())),
            LINE_FORMAT => return Err(Fail::Unsupported("--line-format".into())),
            GROUP_FORMAT => return Err(Fail::Unsupported("--GTYPE-group-format".into())),
            IGNORE_NAME_CASE => return Err(Fail::Unsupported("--ignore-file-name-case".into())),
            PALETTE => return Err(Fail::Unsupported("--palette".into())),
            SDIFF_MERGE => return Err(Fail::Unsupported("--sdiff-merge-assist".into())),
            _ => {}
        }
        prev_digit = is_digit;
    }
    let style = match style {
        Some(s) => s,
        None if show_c_function => {
            if ocontext.is_none() {
                context = 3;
            }
            Style::Context
        }
        None => Style::Normal,
    };
    if let Some(oc) = ocontext {
        if (style == Style::Context || style == Style::Unified) && (context < oc || (oc < context && !explicit_context)) {
            context = oc;
        }
    }
    o.style = style;
    o.context = context;
    o.tabsize = if tabsize == 0 { 8 } else { tabsize };
    let width = if width == 0 { 130 } else { width };
    let t = if o.expand_tabs { 1 } else { o.tabsize };
    let t_plus_g = t + 3;
    let unaligned = (width >> 1) + (t_plus_g >> 1) + (width & t_plus_g & 1);
    let off = unaligned - unaligned % t;
    o.half_width = if off <= 3 || width <= off { 0 } else { (off - 3).min(width - off) };
    o.column2 = if o.half_width != 0 { off } else { width };
    if o.horizon < o.context {
        o.horizon = o.context;
    }
    o.function_re = compile_list(&function_patterns)?;
    o.ignore_re = compile_list(&ignore_patterns)?;
    o.labels = labels;
    o.no_diff_means_no_output = style != Style::SideBySide || o.suppress_common;
    o.treat_as_binary =
        o.brief && !(o.ignore_blank_lines || o.ignore_case || o.strip_cr || o.ignore_re.is_some() || o.white != WS_NONE);
    o.switches = switch_string(argv);

    let mut d = Differ { o: &o, out, status: 0 };
    let mut status = 0;
    if let Some(from) = from_file {
        if to_file.is_some() {
            return Err(Fail::Fatal("--from-file and --to-file both specified".into()));
        }
        for op in &operands {
            status = status.max(d.compare_files(None, Some(&from), Some(op))?);
        }
    } else if let Some(to) = to_file {
        for op in &operands {
            status = status.max(d.compare_files(None, Some(op), Some(&to))?);
        }
    } else {
        if operands.len() != 2 {
            if operands.len() < 2 {
                let last = argv.last().map(String::as_str).unwrap_or("diff");
                return Err(Fail::Usage(Some(format!("missing operand after '{}'", last))));
            }
            return Err(Fail::Usage(Some(format!("extra operand '{}'", operands[2]))));
        }
        status = d.compare_files(None, Some(&operands[0]), Some(&operands[1]))?;
    }
    Ok(status)
}

fn conflicting_value(option: &str, value: &str) -> Fail {
    eprintln!("{}: conflicting {} option value '{}'", util(), option, value);
    Fail::Usage(None)
}

/// One side of a comparison before reading: its name and what `stat` said.
#[derive(Clone)]
struct Side {
    name: String,
    /// None: the file does not exist (or counts as absent under `-N`).
    stat: Option<FileStat>,
    /// Why `stat` failed, if it did.
    error: Option<std::rc::Rc<std::io::Error>>,
    stdin: bool,
}

const S_IFMT: u32 = 0o170000;
const S_IFDIR: u32 = 0o040000;
const S_IFREG: u32 = 0o100000;
const S_IFLNK: u32 = 0o120000;

fn is_dir(s: &Side) -> bool {
    s.stat.map_or(false, |st| st.mode & S_IFMT == S_IFDIR)
}

fn mode_of(s: &Side) -> u32 {
    s.stat.map_or(0, |st| st.mode & S_IFMT)
}

/// gnulib's `file_type` words, for "File a is a directory while ...".
fn file_type(st: &FileStat) -> &'static str {
    match st.mode & S_IFMT {
        S_IFREG if st.size == 0 => "regular empty file",
        S_IFREG => "regular file",
        S_IFDIR => "directory",
        S_IFLNK => "symbolic link",
        0o010000 => "fifo",
        0o020000 => "character special file",
        0o060000 => "block special file",
        0o140000 => "socket",
        _ => "weird file",
    }
}

/// A directory name joined with an entry's, without doubling a slash.
fn join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{}{}", dir, name)
    } else {
        format!("{}/{}", dir, name)
    }
}

/// The last component of a file name, as gnulib's `last_component`.
fn last_component(name: &str) -> &str {
    let trimmed = name.trim_start_matches('/');
    let mut base = trimmed;
    let mut after_slash = false;
    let mut start = 0;
    for (i, c) in trimmed.char_indices() {
        if c == '/' {
            after_slash = true;
        } else if after_slash {
            start = i;
            after_slash = false;
        }
    }
    if start > 0 {
        base = &trimmed[start..];
    }
    base
}

/// GNU's `c_escape` of a name in a context header: quoted when it holds
/// a space or anything needing a backslash; bytes outside ASCII come out
/// in octal (GNU's `char` is signed, so they count as control bytes).
fn c_escape(name: &str) -> String {
    let b = name.as_bytes();
    let needs = b.iter().any(|&c| c == b' ' || c < 32 || c >= 128 || c == b'"' || c == b'\\');
    if !needs {
        return name.to_string();
    }
    let mut s = String::from("\"");
    for &c in b {
        match c {
            7 => s.push_str("\\a"),
            8 => s.push_str("\\b"),
            b'\t' => s.push_str("\\t"),
            b'\n' => s.push_str("\\n"),
            11 => s.push_str("\\v"),
            12 => s.push_str("\\f"),
            b'\r' => s.push_str("\\r"),
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            c if c < 32 || c >= 128 => s.push_str(&format!("\\{:03o}", c)),
            c => s.push(c as char),
        }
    }
    s.push('"');
    s
}

/// A file read whole, split into lines.
struct Text {
    /// The contents (`\r` before newlines dropped under
    /// `--strip-trailing-cr`), with a newline added when the last line had
    /// none.
    data: Vec<u8>,
    missing_newline: bool,
    /// Start of each line, then the end of the last one (which excludes
    /// the added newline).
    starts: Vec<usize>,
}

impl Text {
    fn new(mut data: Vec<u8>, strip_cr: bool) -> Text {
        if strip_cr && data.contains(&b'\r') {
            let mut out = Vec::with_capacity(data.len());
            for (i, &c) in data.iter().enumerate() {
                if c == b'\r' && data.get(i + 1) == Some(&b'\n') {
                    continue;
                }
                out.push(c);
            }
            data = out;
        }
        // After the stripping: a final `\r` without a newline stays.
        let missing_newline = !data.is_empty() && *data.last().unwrap() != b'\n';
        if missing_newline {
            data.push(b'\n');
        }
        let mut starts = Vec::with_capacity(data.len() / 32 + 2);
        starts.push(0);
        for i in memchr::memchr_iter(b'\n', &data) {
            starts.push(i + 1);
        }
        if missing_newline {
            *starts.last_mut().unwrap() -= 1;
        }
        if data.is_empty() {
            starts.clear();
            starts.push(0);
        }
        Text { data, missing_newline, starts }
    }

    fn lines(&self) -> usize {
        self.starts.len() - 1
    }

    /// Line `i` with its newline (none on an incomplete last line).
    fn line(&self, i: usize) -> &[u8] {
        &self.data[self.starts[i]..self.starts[i + 1]]
    }

    /// Line `i` without its newline.
    fn bare(&self, i: usize) -> &[u8] {
        let l = self.line(i);
        l.strip_suffix(b"\n").unwrap_or(l)
    }
}

fn is_space(c: u8) -> bool {
    c == b' ' || (9..=13).contains(&c)
}

/// A run of changes, in whole-file line numbers (0-based).
#[derive(Clone, Copy)]
struct Change {
    line0: usize,
    line1: usize,
    deleted: usize,
    inserted: usize,
    /// Every line it touches is ignorable (`-B`, `-I`).
    ignore: bool,
}

/// What a hunk does: deletes (OLD), inserts (NEW), both, or nothing that
/// counts.
const OLD: u8 = 1;
const NEW: u8 = 2;

/// The state of one `diff` run.
struct Differ<'a> {
    o: &'a Opts,
    out: &'a mut Out,
    status: i32,
}

/// The parent directories of a comparison inside `-r`, for names and loop
/// detection.
struct Parent<'p> {
    names: [String; 2],
    stats: [Option<FileStat>; 2],
    up: Option<&'p Parent<'p>>,
}

impl<'a> Differ<'a> {
    fn stat_side(&self, name: &str) -> Side {
        if name == "-" {
            match fsmeta::fstat(0) {
                Ok(mut st) => {
                    st.mtime = Timespec::now();
                    Side { name: name.into(), stat: Some(st), error: None, stdin: true }
                }
                Err(e) => Side { name: name.into(), stat: None, error: Some(std::rc::Rc::new(e)), stdin: true },
            }
        } else {
            match fsmeta::stat(name, !self.o.no_dereference) {
                Ok(st) => Side { name: name.into(), stat: Some(st), error: None, stdin: false },
                Err(e) => Side { name: name.into(), stat: None, error: Some(std::rc::Rc::new(e)), stdin: false },
            }
        }
    }

    fn perror(&mut self, name: &str, e: &std::io::Error) {
        let _ = self.out.flush();
        eprintln!("{}: {}: {}", util(), name, strerror(e));
    }

    fn message(&mut self, text: &str) {
        let _ = self.out.write_all(text.as_bytes());
    }

    /// GNU's `compare_files`: one pair of names (either may be absent
    /// inside a directory comparison), files or directories.
    fn compare_files(&mut self, parent: Option<&Parent>, name0: Option<&str>, name1: Option<&str>) -> Result<i32, Fail> {
        let o = self.o;
        if !((name0.is_some() && name1.is_some()) || (o.unidirectional_new_file && name1.is_some()) || o.new_file) {
            let (name, dir) = match name0 {
                Some(n) => (n, &parent.unwrap().names[0]),
                None => (name1.unwrap(), &parent.unwrap().names[1]),
            };
            self.message(&format!("Only in {}: {}\n", dir, name));
            return Ok(1);
        }
        let exists = [name0.is_some(), name1.is_some()];
        let n0 = name0.or(name1).unwrap();
        let n1 = name1.or(name0).unwrap();
        let full = match parent {
            None => [n0.to_string(), n1.to_string()],
            Some(p) => [join(&p.names[0], n0), join(&p.names[1], n1)],
        };
        let mut sides: Vec<Side> = Vec::with_capacity(2);
        for f in 0..2 {
            if !exists[f] {
                sides.push(Side { name: full[f].clone(), stat: None, error: None, stdin: false });
            } else if f == 1 && exists[0] && full[1] == full[0] {
                let s = sides[0].clone();
                sides.push(s);
            } else {
                sides.push(self.stat_side(&full[f]));
            }
        }
        // -N/-P: an absent top-level file facing one that exists counts
        // as empty; so does an unreadable empty file (what patch leaves).
        for f in 0..2 {
            let allowed = o.new_file || (f == 0 && o.unidirectional_new_file);
            if !allowed || !exists[f] {
                continue;
            }
            let absent = match (&sides[f].stat, &sides[f].error) {
                (Some(st), _) => st.mode & S_IFMT == S_IFREG && st.mode & 0o777 == 0 && st.size == 0 && !sides[f].stdin,
                (None, Some(e)) => {
                    let other = &sides[1 - f];
                    e.kind() == std::io::ErrorKind::NotFound && parent.is_none() && (other.stat.is_some())
                }
                _ => false,
            };
            if absent {
                sides[f].stat = None;
                sides[f].error = None;
            }
        }
        let mut status = 0;
        for f in 0..2 {
            if let Some(e) = sides[f].error.take() {
                let name = sides[f].name.clone();
                self.perror(&name, &e);
                status = 2;
            }
        }
        let present = [sides[0].stat.is_some(), sides[1].stat.is_some()];
        if status == 0 && parent.is_none() && is_dir(&sides[0]) != is_dir(&sides[1]) && present[0] && present[1] {
            let fnm_arg = if is_dir(&sides[0]) { 1 } else { 0 };
            let dir_arg = 1 - fnm_arg;
            let fnm = sides[fnm_arg].name.clone();
            if fnm == "-" {
                return Err(Fail::Fatal("cannot compare '-' to a directory".into()));
            }
            let filename = join(&sides[dir_arg].name, last_component(&fnm));
            let s = self.stat_side(&filename);
            sides[dir_arg] = s;
            if let Some(e) = sides[dir_arg].error.take() {
                self.perror(&filename, &e);
                status = 2;
            }
        }
        if status != 0 {
            return Ok(status);
        }
        let present = [sides[0].stat.is_some(), sides[1].stat.is_some()];
        // A missing side takes the other's type, as GNU copies st_mode.
        let dir_p = |f: usize| if present[f] { is_dir(&sides[f]) } else { is_dir(&sides[1 - f]) };
        let type_of = |f: usize| if present[f] { mode_of(&sides[f]) } else { mode_of(&sides[1 - f]) };
        if !present[0] && !present[1] {
            return Ok(0);
        }
        let same = present[0] && present[1] && same_file(&sides[0], &sides[1]);
        if same && o.no_diff_means_no_output {
            status = 0;
        } else if dir_p(0) && dir_p(1) {
            if parent.is_some() && !o.recursive {
                let (a, b) = (sides[0].name.clone(), sides[1].name.clone());
                self.message(&format!("Common subdirectories: {} and {}\n", a, b));
            } else {
                status = self.diff_dirs(parent, &sides)?;
            }
        } else if dir_p(0)
            || dir_p(1)
            || (parent.is_some()
                && !((type_of(0) == S_IFREG || type_of(0) == S_IFLNK) && (type_of(1) == S_IFREG || type_of(1) == S_IFLNK)))
        {
            if !present[0] || !present[1] {
                if (dir_p(0) || dir_p(1)) && o.recursive && (o.new_file || (o.unidirectional_new_file && !present[0])) {
                    status = self.diff_dirs(parent, &sides)?;
                } else {
                    let p = parent.unwrap();
                    let dir = &p.names[if present[0] { 0 } else { 1 }];
                    let line = format!("Only in {}: {}\n", dir, n0);
                    self.message(&line);
                    status = 1;
                }
            } else {
                let line = format!(
                    "File {} is a {} while file {} is a {}\n",
                    self.label(0, &sides[0].name),
                    file_type(sides[0].stat.as_ref().unwrap()),
                    self.label(1, &sides[1].name),
                    file_type(sides[1].stat.as_ref().unwrap())
                );
                self.message(&line);
                status = 1;
            }
        } else if type_of(0) == S_IFLNK || type_of(1) == S_IFLNK {
            status = self.compare_links(&sides);
        } else if o.treat_as_binary
            && type_of(0) == S_IFREG
            && type_of(1) == S_IFREG
            && present[0]
            && present[1]
            && sides[0].stat.unwrap().size != sides[1].stat.unwrap().size
        {
            let line = format!("Files {} and {} differ\n", self.label(0, &sides[0].name), self.label(1, &sides[1].name));
            self.message(&line);
            status = 1;
        } else {
            status = self.diff_2_files(&sides, same, parent.is_some())?;
        }
        if status == 0 && o.report_identical && !dir_p(0) {
            let line = format!("Files {} and {} are identical\n", self.label(0, &sides[0].name), self.label(1, &sides[1].name));
            self.message(&line);
        }
        let _ = parent;
        self.status = self.status.max(status);
        Ok(status)
    }

    fn label(&self, f: usize, name: &str) -> String {
        self.o.labels[f].clone().unwrap_or_else(|| name.to_string())
    }

    /// `--no-dereference`: two symlinks differ when their targets do.
    fn compare_links(&mut self, sides: &[Side]) -> i32 {
        if mode_of(&sides[0]) == S_IFLNK && mode_of(&sides[1]) == S_IFLNK {
            let mut targets = Vec::new();
            for s in sides {
                match std::fs::read_link(&s.name) {
                    Ok(t) => targets.push(t),
                    Err(e) => {
                        let n = s.name.clone();
                        self.perror(&n, &e);
                        return 2;
                    }
                }
            }
            if targets[0] != targets[1] {
                let line = format!("Symbolic links {} and {} differ\n", sides[0].name, sides[1].name);
                self.message(&line);
                return 1;
            }
            return 0;
        }
        let line = format!(
            "File {} is a {} while file {} is a {}\n",
            self.label(0, &sides[0].name),
            file_type(sides[0].stat.as_ref().unwrap()),
            self.label(1, &sides[1].name),
            file_type(sides[1].stat.as_ref().unwrap())
        );
        self.message(&line);
        1
    }

    /// Reads a directory's entry names, sorted, without `.`, `..` and
    /// excluded names. A missing directory reads as empty.
    fn dir_names(&self, side: &Side) -> std::io::Result<Vec<String>> {
        if side.stat.is_none() {
            return Ok(Vec::new());
        }
        let mut names = Vec::new();
        for entry in std::fs::read_dir(&side.name)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if self.o.excludes.iter().any(|p| wsutil::fnmatch::fnmatch(p, name.as_bytes(), false)) {
                continue;
            }
            names.push(name);
        }
        names.sort();
        Ok(names)
    }

    fn diff_dirs(&mut self, parent: Option<&Parent>, sides: &[Side]) -> Result<i32, Fail> {
        let me = Parent {
            names: [sides[0].name.clone(), sides[1].name.clone()],
            stats: [sides[0].stat, sides[1].stat],
            up: parent,
        };
        let looping = |f: usize| {
            let st = match me.stats[f] {
                Some(st) => st,
                None => return true,
            };
            let mut p = me.up;
            while let Some(q) = p {
                if let Some(qs) = q.stats[f] {
                    if qs.dev == st.dev && qs.ino == st.ino {
                        return true;
                    }
                }
                p = q.up;
            }
            false
        };
        if looping(0) && looping(1) {
            let _ = self.out.flush();
            let which = if sides[0].stat.is_none() { 1 } else { 0 };
            eprintln!("{}: {}: recursive directory loop", util(), sides[which].name);
            return Ok(2);
        }
        let mut lists = Vec::new();
        let mut val = 0;
        for s in sides {
            match self.dir_names(s) {
                Ok(l) => lists.push(l),
                Err(e) => {
                    let n = s.name.clone();
                    self.perror(&n, &e);
                    val = 2;
                    lists.push(Vec::new());
                }
            }
        }
        if val != 0 {
            return Ok(val);
        }
        let (mut i, mut j) = (0, 0);
        if let (Some(start), None) = (&self.o.starting_file, parent) {
            while i < lists[0].len() && lists[0][i].as_str() < start.as_str() {
                i += 1;
            }
            while j < lists[1].len() && lists[1][j].as_str() < start.as_str() {
                j += 1;
            }
        }
        while i < lists[0].len() || j < lists[1].len() {
            let order = if i == lists[0].len() {
                std::cmp::Ordering::Greater
            } else if j == lists[1].len() {
                std::cmp::Ordering::Less
            } else {
                lists[0][i].as_bytes().cmp(lists[1][j].as_bytes())
            };
            let a = if order != std::cmp::Ordering::Greater { Some(lists[0][i].clone()) } else { None };
            let b = if order != std::cmp::Ordering::Less { Some(lists[1][j].clone()) } else { None };
            if a.is_some() {
                i += 1;
            }
            if b.is_some() {
                j += 1;
            }
            let v = self.compare_files(Some(&me), a.as_deref(), b.as_deref())?;
            val = val.max(v);
        }
        Ok(val)
    }

    fn read_side(&mut self, side: &Side) -> Result<Vec<u8>, std::io::Error> {
        if side.stat.is_none() {
            return Ok(Vec::new());
        }
        if side.stdin {
            let mut v = Vec::new();
            wsutil::io::stdin().read_to_end(&mut v)?;
            return Ok(v);
        }
        std::fs::read(&side.name)
    }

    /// Compares two files' contents and prints the result in the chosen
    /// style. GNU's `diff_2_files`.
    fn diff_2_files(&mut self, sides: &[Side], same: bool, recursive: bool) -> Result<i32, Fail> {
        let o = self.o;
        let d0 = match self.read_side(&sides[0]) {
            Ok(d) => d,
            Err(e) => {
                let n = sides[0].name.clone();
                self.perror(&n, &e);
                return Ok(2);
            }
        };
        let d1 = if same {
            d0.clone()
        } else {
            match self.read_side(&sides[1]) {
                Ok(d) => d,
                Err(e) => {
                    let n = sides[1].name.clone();
                    self.perror(&n, &e);
                    return Ok(2);
                }
            }
        };
        let looks_binary = |d: &[u8]| d[..d.len().min(4096)].contains(&0);
        if o.treat_as_binary || (!o.text && (looks_binary(&d0) || looks_binary(&d1))) {
            let differ = d0 != d1;
            if differ {
                let word = if o.brief { "Files" } else { "Binary files" };
                let line = format!("{} {} and {} differ\n", word, self.label(0, &sides[0].name), self.label(1, &sides[1].name));
                self.message(&line);
                return Ok(1);
            }
            return Ok(0);
        }
        let texts = [Text::new(d0, o.strip_cr), Text::new(d1, o.strip_cr)];
        let mut script = analyze(o, &texts);
        let changes = if o.ignore_blank_lines || o.ignore_re.is_some() {
            mark_ignorable(o, &texts, &mut script);
            script.iter().any(|c| !c.ignore)
        } else {
            !script.is_empty()
        };
        if o.brief {
            if changes {
                let line = format!("Files {} and {} differ\n", self.label(0, &sides[0].name), self.label(1, &sides[1].name));
                self.message(&line);
            }
        } else if changes || !o.no_diff_means_no_output {
            let mut p = Printer {
                o,
                out: &mut *self.out,
                texts: &texts,
                sides,
                recursive,
                begun: false,
                ff_last_search: 0,
                ff_last_match: None,
                next0: 0,
                next1: 0,
            };
            p.print(&script);
        }
        Ok(if changes { 1 } else { 0 })
    }
}

fn same_file(a: &Side, b: &Side) -> bool {
    if a.stdin && b.stdin {
        return true;
    }
    match (a.stat, b.stat) {
        (Some(x), Some(y)) => {
            x.dev == y.dev
                && x.ino == y.ino
                && x.ino != 0
                && x.mode == y.mode
                && x.size == y.size
                && x.mtime.sec == y.mtime.sec
                && x.mtime.nsec == y.mtime.nsec
                && a.stdin == b.stdin
        }
        _ => false,
    }
}

/// Where the two buffers stop being identical at the start and start
/// being identical at the end, in bytes, each moved to a line boundary
/// and widened by `horizon` lines (GNU's `find_identical_ends`).
fn identical_ends(t: &[Text; 2], horizon: usize) -> (usize, [usize; 2]) {
    let (b0, b1) = (&t[0].data, &t[1].data);
    let (n0, n1) = (b0.len(), b1.len());
    let m0 = t[0].missing_newline as usize;
    let m1 = t[1].missing_newline as usize;
    let mut p = b0.iter().zip(b1.iter()).take_while(|(a, b)| a == b).count();
    if p == n0.min(n1) && n0 == n1 {
        // Identical buffers: GNU's sentinel stops the scan at the end.
    }
    // A newline that was added to one file and not the other is no match.
    if (n0 - m0 < p) != (n1 - m1 < p) {
        p -= 1;
    }
    let mut i = horizon;
    while p != 0 {
        if b0[p - 1] != b'\n' {
            p -= 1;
        } else if i > 0 {
            i -= 1;
            p -= 1;
        } else {
            break;
        }
    }
    let prefix_end = p;
    let mut s0 = n0;
    let mut s1 = n1;
    if t[0].missing_newline == t[1].missing_newline {
        let beg0 = prefix_end + if n0 < n1 { 0 } else { n0 - n1 };
        while s0 != beg0 {
            s0 -= 1;
            s1 -= 1;
            if b0[s0] != b1[s1] {
                s0 += 1;
                s1 += 1;
                break;
            }
        }
        let beg = s0;
        let at_line_start = (s0 == 0 || b0[s0 - 1] == b'\n') && (s1 == 0 || b1[s1 - 1] == b'\n');
        let mut k = horizon + if at_line_start { 0 } else { 1 };
        while k > 0 && s0 != n0 {
            k -= 1;
            while b0[s0] != b'\n' {
                s0 += 1;
            }
            s0 += 1;
        }
        s1 += s0 - beg;
    }
    (prefix_end, [s0, s1])
}

/// The equivalence key of a line under the white-space and case options:
/// lines with equal keys are equal for diff.
fn line_key<'t>(o: &Opts, line: &'t [u8]) -> Cow<'t, [u8]> {
    let fold = |c: u8| if o.ignore_case { c.to_ascii_lowercase() } else { c };
    match o.white {
        WS_NONE => {
            if o.ignore_case {
                Cow::Owned(line.iter().map(|&c| c.to_ascii_lowercase()).collect())
            } else {
                Cow::Borrowed(line)
            }
        }
        WS_ALL => Cow::Owned(line.iter().filter(|&&c| !is_space(c)).map(|&c| fold(c)).collect()),
        WS_SPACE_CHANGE => {
            let mut k = Vec::with_capacity(line.len());
            let mut i = 0;
            while i < line.len() {
                let c = line[i];
                if is_space(c) {
                    while i < line.len() && is_space(line[i]) {
                        i += 1;
                    }
                    if i == line.len() {
                        break;
                    }
                    k.push(b' ');
                    continue;
                }
                k.push(fold(c));
                i += 1;
            }
            Cow::Owned(k)
        }
        _ => {
            let mut k = Vec::with_capacity(line.len());
            let mut column = 0usize;
            for (i, &c) in line.iter().enumerate() {
                if o.white & WS_TRAILING != 0 && is_space(c) && line[i..].iter().all(|&x| is_space(x)) {
                    break;
                }
                let mut reps = 1;
                let mut c = c;
                if o.white & WS_TAB_EXPANSION != 0 {
                    match c {
                        8 => column = column.saturating_sub(1),
                        b'\t' => {
                            c = b' ';
                            reps = o.tabsize - column % o.tabsize;
                            column += reps;
                        }
                        b'\r' => column = 0,
                        _ => column += 1,
                    }
                }
                for _ in 0..reps {
                    k.push(fold(c));
                }
            }
            Cow::Owned(k)
        }
    }
}

/// Finds the changes between two texts: prefix and suffix set aside,
/// classes assigned, then `diffseq`. Line numbers in the result are
/// whole-file ones.
fn analyze(o: &Opts, t: &[Text; 2]) -> Vec<Change> {
    let (prefix_end, suffix_begin) = identical_ends(t, o.horizon);
    let prefix_lines = t[0].data[..prefix_end].iter().filter(|&&c| c == b'\n').count();
    let mut classes: HashMap<(bool, Cow<[u8]>), usize> = HashMap::new();
    let mut eqs: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
    for f in 0..2 {
        let text = &t[f];
        let mut line = prefix_lines;
        while line < text.lines() && text.starts[line] < suffix_begin[f] {
            let bare = text.bare(line);
            let incomplete = line + 1 == text.lines() && text.missing_newline && o.white < WS_TRAILING;
            let key = (incomplete, line_key(o, bare));
            let next = classes.len() + 1;
            let class = *classes.entry(key).or_insert(next);
            eqs[f].push(class);
            line += 1;
        }
    }
    diffseq::diff(&eqs[0], &eqs[1], o.effort)
        .into_iter()
        .map(|c| Change {
            line0: c.line0 + prefix_lines,
            line1: c.line1 + prefix_lines,
            deleted: c.deleted,
            inserted: c.inserted,
            ignore: false,
        })
        .collect()
}

/// Whether a changed line counts as nothing under `-B`/`-I`.
fn trivial_line(o: &Opts, text: &Text, i: usize) -> bool {
    let line = text.bare(i);
    if o.ignore_blank_lines {
        let skip_ws = o.white >= WS_TRAILING;
        let skip_leading = skip_ws && o.white >= WS_SPACE_CHANGE;
        let mut rest: &[u8] = line;
        if skip_ws {
            match line.iter().position(|&c| !is_space(c)) {
                None => rest = &[],
                Some(p) => {
                    if skip_leading {
                        rest = &line[p..];
                    }
                }
            }
        }
        if rest.is_empty() {
            return true;
        }
    }
    match &o.ignore_re {
        Some(re) => re.is_match(line, ExecFlags::default()),
        None => false,
    }
}

/// First and last lines a group of changes touches in each file, and
/// whether it deletes and/or inserts anything that counts (GNU's
/// `analyze_hunk`).
fn analyze_hunk(o: &Opts, t: &[Text; 2], hunk: &[Change]) -> (u8, [isize; 4]) {
    let trivial_possible = o.ignore_blank_lines || o.ignore_re.is_some();
    let mut trivial = trivial_possible;
    let (mut show_from, mut show_to) = (0, 0);
    for c in hunk {
        show_from += c.deleted;
        show_to += c.inserted;
        if trivial {
            trivial = (c.line0..c.line0 + c.deleted).all(|i| trivial_line(o, &t[0], i))
                && (c.line1..c.line1 + c.inserted).all(|i| trivial_line(o, &t[1], i));
        }
    }
    let first = hunk[0];
    let last = hunk[hunk.len() - 1];
    let range = [
        first.line0 as isize,
        (last.line0 + last.deleted) as isize - 1,
        first.line1 as isize,
        (last.line1 + last.inserted) as isize - 1,
    ];
    if trivial {
        return (0, range);
    }
    ((if show_from > 0 { OLD } else { 0 }) | (if show_to > 0 { NEW } else { 0 }), range)
}

fn mark_ignorable(o: &Opts, t: &[Text; 2], script: &mut [Change]) {
    for i in 0..script.len() {
        let (kind, _) = analyze_hunk(o, t, &script[i..=i]);
        script[i].ignore = kind == 0;
    }
}

/// Prints one file pair's differences.
struct Printer<'a, 'o> {
    o: &'a Opts,
    out: &'o mut Out,
    texts: &'a [Text; 2],
    sides: &'a [Side],
    recursive: bool,
    begun: bool,
    ff_last_search: isize,
    ff_last_match: Option<usize>,
    next0: usize,
    next1: usize,
}

impl<'a, 'o> Printer<'a, 'o> {
    fn print(&mut self, script: &[Change]) {
        match self.o.style {
            Style::Normal => {
                for i in 0..script.len() {
                    self.normal_hunk(&script[i..=i]);
                }
            }
            Style::Context | Style::Unified => {
                let mut start = 0;
                while start < script.len() {
                    let end = self.find_hunk(script, start);
                    if self.o.style == Style::Unified {
                        self.unified_hunk(&script[start..=end]);
                    } else {
                        self.context_hunk(&script[start..=end]);
                    }
                    start = end + 1;
                }
            }
            Style::SideBySide => {
                self.begin();
                for i in 0..script.len() {
                    self.sdiff_hunk(&script[i..=i]);
                }
                let (l0, l1) = (self.texts[0].lines(), self.texts[1].lines());
                self.sdiff_common(l0, l1);
            }
        }
    }

    /// The last change that belongs with `start` in one context hunk: the
    /// next one joins while fewer than 2*context+1 lines separate them
    /// (context, if it is ignorable).
    fn find_hunk(&self, script: &[Change], mut start: usize) -> usize {
        let context = self.o.context;
        loop {
            let top0 = script[start].line0 + script[start].deleted;
            let next = start + 1;
            if next >= script.len() {
                return start;
            }
            let thresh = if script[next].ignore { context } else { 2 * context + 1 };
            if script[next].line0 - top0 < thresh {
                start = next;
            } else {
                return start;
            }
        }
    }

    /// The headers that come before the first hunk of a file pair: the
    /// `diff -r ...` line inside directories, the file names and times
    /// in context styles.
    fn begin(&mut self) {
        if self.begun {
            return;
        }
        self.begun = true;
        let shown = |f: usize| self.o.labels[f].as_deref().unwrap_or(&self.sides[f].name).to_string();
        let names = [c_escape(&shown(0)), c_escape(&shown(1))];
        if self.recursive {
            let _ = writeln!(self.out, "diff{} {} {}", self.o.switches, names[0], names[1]);
        }
        let marks = match self.o.style {
            Style::Context => ["***", "---"],
            Style::Unified => ["---", "+++"],
            _ => return,
        };
        for f in 0..2 {
            match &self.o.labels[f] {
                Some(l) => {
                    let _ = writeln!(self.out, "{} {}", marks[f], l);
                }
                None => {
                    let st = self.sides[f].stat.or(self.sides[1 - f].stat.map(|_| FileStat::default()));
                    let t = st.map(|s| s.mtime).unwrap_or_default();
                    let zone = Zone::from_env();
                    let tm = localtime(t, &zone);
                    let stamp = strftime("%Y-%m-%d %H:%M:%S.%N %z", &tm);
                    let _ = writeln!(self.out, "{} {}\t{}", marks[f], names[f], stamp);
                }
            }
        }
    }

    /// One line with its flag; GNU's `print_1_line`.
    fn print_line(&mut self, flag: Option<&str>, f: usize, i: usize) {
        let line = self.texts[f].line(i);
        let mut flag_format: Option<&str> = None;
        if let Some(fl) = flag {
            if !fl.is_empty() {
                let sep = if self.o.initial_tab { "\t" } else { " " };
                flag_format = Some(sep);
                if self.o.suppress_blank_empty && line.first() == Some(&b'\n') {
                    let shown = if fl == " " { "" } else { fl };
                    let _ = self.out.write_all(shown.as_bytes());
                } else {
                    let _ = self.out.write_all(fl.as_bytes());
                    let _ = self.out.write_all(sep.as_bytes());
                }
            }
        }
        self.output_line(line, flag_format.map(|s| (flag.unwrap(), s)));
        if flag.map_or(true, |f| !f.is_empty()) && line.last() != Some(&b'\n') {
            let _ = self.out.write_all(b"\n\\ No newline at end of file\n");
        }
    }

    /// The text of a line, tabs expanded under `-t` (the flag repeated
    /// after a carriage return so columns still line up).
    fn output_line(&mut self, line: &[u8], flag: Option<(&str, &str)>) {
        if !self.o.expand_tabs {
            let _ = self.out.write_all(line);
            return;
        }
        let ts = self.o.tabsize;
        let mut column = 0usize;
        let mut buf = Vec::with_capacity(line.len() + 16);
        let mut k = 0;
        while k < line.len() {
            let c = line[k];
            k += 1;
            match c {
                b'\t' => {
                    let spaces = ts - column % ts;
                    column += spaces;
                    buf.extend(std::iter::repeat(b' ').take(spaces));
                }
                b'\r' => {
                    buf.push(c);
                    if let Some((fl, sep)) = flag {
                        if k < line.len() && line[k] != b'\n' {
                            buf.extend_from_slice(fl.as_bytes());
                            buf.extend_from_slice(sep.as_bytes());
                        }
                    }
                    column = 0;
                }
                8 => {
                    if column == 0 {
                        continue;
                    }
                    column -= 1;
                    buf.push(c);
                }
                _ => {
                    if (0x20..0x7f).contains(&c) {
                        column += 1;
                    }
                    buf.push(c);
                }
            }
        }
        let _ = self.out.write_all(&buf);
    }

    /// A line range in normal style: `a,b`, or one number.
    fn range(&mut self, a: isize, b: isize, sep: char) {
        let (ta, tb) = (a + 1, b + 1);
        if tb > ta {
            let _ = write!(self.out, "{}{}{}", ta, sep, tb);
        } else {
            let _ = write!(self.out, "{}", tb);
        }
    }

    fn normal_hunk(&mut self, hunk: &[Change]) {
        let (kind, [first0, last0, first1, last1]) = analyze_hunk(self.o, self.texts, hunk);
        if kind == 0 {
            return;
        }
        self.begin();
        self.range(first0, last0, ',');
        let letter = match kind {
            OLD => 'd',
            NEW => 'a',
            _ => 'c',
        };
        let _ = write!(self.out, "{}", letter);
        self.range(first1, last1, ',');
        let _ = self.out.write_all(b"\n");
        if kind & OLD != 0 {
            for i in first0..=last0 {
                self.print_line(Some("<"), 0, i as usize);
            }
        }
        if kind == OLD | NEW {
            let _ = self.out.write_all(b"---\n");
        }
        if kind & NEW != 0 {
            for i in first1..=last1 {
                self.print_line(Some(">"), 1, i as usize);
            }
        }
    }

    /// Widens a hunk's line ranges by the context, within the files.
    fn with_context(&self, r: [isize; 4]) -> [isize; 4] {
        let c = self.o.context as isize;
        let l0 = self.texts[0].lines() as isize;
        let l1 = self.texts[1].lines() as isize;
        [
            (r[0] - c).max(0),
            if r[1] < l0 - c { r[1] + c } else { l0 - 1 },
            (r[2] - c).max(0),
            if r[3] < l1 - c { r[3] + c } else { l1 - 1 },
        ]
    }

    /// The last line before `first0` matching `-F`/`-p`, searching back no
    /// further than the previous search began (then reusing its answer).
    fn find_function(&mut self, first0: isize) -> Option<usize> {
        let re = self.o.function_re.as_ref()?;
        let last = self.ff_last_search;
        self.ff_last_search = first0;
        let mut i = first0;
        while last <= i - 1 {
            i -= 1;
            let line = self.texts[0].bare(i as usize);
            if re.is_match(line, ExecFlags::default()) {
                self.ff_last_match = Some(i as usize);
                return Some(i as usize);
            }
        }
        self.ff_last_match
    }

    fn print_function(&mut self, line: usize) {
        let text = self.texts[0].bare(line);
        let mut i = 0;
        while i < text.len() && is_space(text[i]) {
            i += 1;
        }
        let mut j = i;
        while j < i + 40 && j < text.len() {
            j += 1;
        }
        while i < j && is_space(text[j - 1]) {
            j -= 1;
        }
        let _ = self.out.write_all(b" ");
        let _ = self.out.write_all(&text[i..j]);
    }

    fn context_range(&mut self, a: isize, b: isize) {
        let (ta, tb) = (a + 1, b + 1);
        if tb <= ta {
            let _ = write!(self.out, "{}", tb);
        } else {
            let _ = write!(self.out, "{},{}", ta, tb);
        }
    }

    fn unified_range(&mut self, a: isize, b: isize) {
        let (ta, tb) = (a + 1, b + 1);
        if tb < ta {
            let _ = write!(self.out, "{},0", tb);
        } else if tb == ta {
            let _ = write!(self.out, "{}", tb);
        } else {
            let _ = write!(self.out, "{},{}", ta, tb - ta + 1);
        }
    }

    fn context_hunk(&mut self, hunk: &[Change]) {
        let (kind, r) = analyze_hunk(self.o, self.texts, hunk);
        if kind == 0 {
            return;
        }
        let [first0, last0, first1, last1] = self.with_context(r);
        let function = self.find_function(first0);
        self.begin();
        let _ = self.out.write_all(b"***************");
        if let Some(fl) = function {
            self.print_function(fl);
        }
        let _ = self.out.write_all(b"\n*** ");
        self.context_range(first0, last0);
        let _ = self.out.write_all(b" ****\n");
        if kind & OLD != 0 {
            let mut next = 0;
            for i in first0..=last0 {
                let i = i as usize;
                while next < hunk.len() && hunk[next].line0 + hunk[next].deleted <= i {
                    next += 1;
                }
                let mut prefix = " ";
                if next < hunk.len() && hunk[next].line0 <= i {
                    prefix = if hunk[next].inserted > 0 { "!" } else { "-" };
                }
                self.print_line(Some(prefix), 0, i);
            }
        }
        let _ = self.out.write_all(b"--- ");
        self.context_range(first1, last1);
        let _ = self.out.write_all(b" ----\n");
        if kind & NEW != 0 {
            let mut next = 0;
            for i in first1..=last1 {
                let i = i as usize;
                while next < hunk.len() && hunk[next].line1 + hunk[next].inserted <= i {
                    next += 1;
                }
                let mut prefix = " ";
                if next < hunk.len() && hunk[next].line1 <= i {
                    prefix = if hunk[next].deleted > 0 { "!" } else { "+" };
                }
                self.print_line(Some(prefix), 1, i);
            }
        }
    }

    fn unified_hunk(&mut self, hunk: &[Change]) {
        let (kind, r) = analyze_hunk(self.o, self.texts, hunk);
        if kind == 0 {
            return;
        }
        let [first0, last0, first1, last1] = self.with_context(r);
        let function = self.find_function(first0);
        self.begin();
        let _ = self.out.write_all(b"@@ -");
        self.unified_range(first0, last0);
        let _ = self.out.write_all(b" +");
        self.unified_range(first1, last1);
        let _ = self.out.write_all(b" @@");
        if let Some(fl) = function {
            self.print_function(fl);
        }
        let _ = self.out.write_all(b"\n");
        let (mut i, mut j) = (first0, first1);
        let mut next = 0;
        let tab = self.o.initial_tab;
        let sbe = self.o.suppress_blank_empty;
        while i <= last0 || j <= last1 {
            if next >= hunk.len() || i < hunk[next].line0 as isize {
                let empty = self.texts[0].line(i as usize).first() == Some(&b'\n');
                if !(sbe && empty) {
                    let _ = self.out.write_all(if tab { b"\t" } else { b" " });
                }
                self.print_line(None, 0, i as usize);
                i += 1;
                j += 1;
            } else {
                for _ in 0..hunk[next].deleted {
                    let empty = self.texts[0].line(i as usize).first() == Some(&b'\n');
                    let _ = self.out.write_all(b"-");
                    if tab && !(sbe && empty) {
                        let _ = self.out.write_all(b"\t");
                    }
                    self.print_line(None, 0, i as usize);
                    i += 1;
                }
                for _ in 0..hunk[next].inserted {
                    let empty = self.texts[1].line(j as usize).first() == Some(&b'\n');
                    let _ = self.out.write_all(b"+");
                    if tab && !(sbe && empty) {
                        let _ = self.out.write_all(b"\t");
                    }
                    self.print_line(None, 1, j as usize);
                    j += 1;
                }
                next += 1;
            }
        }
    }

    /// Side by side: moves from column `from` to `to` with tabs (unless
    /// `-t`) and spaces.
    fn tab_from_to(&mut self, mut from: usize, to: usize) -> usize {
        let ts = self.o.tabsize;
        if !self.o.expand_tabs {
            let mut tab = from + ts - from % ts;
            while tab <= to {
                let _ = self.out.write_all(b"\t");
                from = tab;
                tab += ts;
            }
        }
        while from < to {
            let _ = self.out.write_all(b" ");
            from += 1;
        }
        to
    }

    /// Half of a side-by-side line, cut at `out_bound` columns; returns
    /// the column reached. Tabs keep their stops; multibyte characters
    /// count by their display width.
    fn half_line(&mut self, f: usize, i: usize, indent: usize, out_bound: usize) -> usize {
        let line = self.texts[f].line(i);
        let ts = self.o.tabsize;
        let (mut in_pos, mut out_pos) = (0usize, 0usize);
        let mut buf: Vec<u8> = Vec::with_capacity(line.len() + 8);
        let mut k = 0;
        while k < line.len() {
            let c = line[k];
            k += 1;
            match c {
                b'\t' => {
                    let spaces = ts - in_pos % ts;
                    if in_pos == out_pos {
                        let mut tabstop = out_pos + spaces;
                        if self.o.expand_tabs {
                            if out_bound < tabstop {
                                tabstop = out_bound;
                            }
                            while out_pos < tabstop {
                                buf.push(b' ');
                                out_pos += 1;
                            }
                        } else if tabstop < out_bound {
                            out_pos = tabstop;
                            buf.push(c);
                        }
                    }
                    in_pos += spaces;
                }
                b'\r' => {
                    buf.push(c);
                    let _ = self.out.write_all(&buf);
                    buf.clear();
                    self.tab_from_to(0, indent);
                    in_pos = 0;
                    out_pos = 0;
                }
                8 => {
                    if in_pos != 0 {
                        in_pos -= 1;
                        if in_pos < out_bound {
                            if out_pos <= in_pos {
                                while out_pos < in_pos {
                                    buf.push(b' ');
                                    out_pos += 1;
                                }
                            } else {
                                out_pos = in_pos;
                                buf.push(c);
                            }
                        }
                    }
                }
                b'\n' => break,
                b' '..=b'~' => {
                    in_pos += 1;
                    if in_pos <= out_bound {
                        out_pos = in_pos;
                        buf.push(c);
                    }
                }
                12 | 11 => {
                    if in_pos < out_bound {
                        buf.push(c);
                    }
                }
                _ => match decode_utf8(&line[k - 1..]) {
                    Some((ch, len)) if c != 0 => {
                        let w = if ch.is_control() { 0 } else { unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0) };
                        in_pos += w;
                        if in_pos <= out_bound {
                            out_pos = in_pos;
                            buf.extend_from_slice(&line[k - 1..k - 1 + len]);
                        }
                        k += len - 1;
                    }
                    _ => {
                        if in_pos < out_bound {
                            buf.push(c);
                        }
                    }
                },
            }
        }
        let _ = self.out.write_all(&buf);
        out_pos
    }

    fn sdiff_line(&mut self, left: Option<usize>, sep: u8, right: Option<usize>) {
        let hw = self.o.half_width;
        let c2o = self.o.column2;
        let mut col = 0;
        let mut put_newline = false;
        if let Some(l) = left {
            put_newline |= self.texts[0].line(l).last() == Some(&b'\n');
            col = self.half_line(0, l, 0, hw);
        }
        let mut sep = sep;
        if sep != b' ' {
            col = self.tab_from_to(col, (hw + c2o - 1) / 2) + 1;
            if sep == b'|' {
                let right_nl = self.texts[1].line(right.unwrap()).last() == Some(&b'\n');
                if put_newline != right_nl {
                    sep = if put_newline { b'/' } else { b'\\' };
                }
            }
            let _ = self.out.write_all(&[sep]);
        }
        if let Some(r) = right {
            let line = self.texts[1].line(r);
            put_newline |= line.last() == Some(&b'\n');
            if line.first() != Some(&b'\n') {
                col = self.tab_from_to(col, c2o);
                self.half_line(1, r, col, hw);
            }
        }
        if put_newline {
            let _ = self.out.write_all(b"\n");
        }
    }

    fn sdiff_common(&mut self, limit0: usize, limit1: usize) {
        let (mut i0, mut i1) = (self.next0, self.next1);
        if !self.o.suppress_common && (i0 != limit0 || i1 != limit1) {
            if !self.o.left_column {
                while i0 != limit0 && i1 != limit1 {
                    self.sdiff_line(Some(i0), b' ', Some(i1));
                    i0 += 1;
                    i1 += 1;
                }
                while i1 != limit1 {
                    self.sdiff_line(None, b')', Some(i1));
                    i1 += 1;
                }
            }
            while i0 != limit0 {
                self.sdiff_line(Some(i0), b'(', None);
                i0 += 1;
            }
        }
        self.next0 = limit0;
        self.next1 = limit1;
    }

    fn sdiff_hunk(&mut self, hunk: &[Change]) {
        let (mut kind, [mut first0, last0, mut first1, last1]) = analyze_hunk(self.o, self.texts, hunk);
        if kind == 0 {
            return;
        }
        self.sdiff_common(first0 as usize, first1 as usize);
        if kind == OLD | NEW {
            let (mut i, mut j) = (first0, first1);
            while i <= last0 && j <= last1 {
                self.sdiff_line(Some(i as usize), b'|', Some(j as usize));
                i += 1;
                j += 1;
            }
            kind = (if i <= last0 { OLD } else { 0 }) | (if j <= last1 { NEW } else { 0 });
            first0 = i;
            first1 = j;
            self.next0 = i as usize;
            self.next1 = j as usize;
        }
        if kind & NEW != 0 {
            for j in first1..=last1 {
                self.sdiff_line(None, b'>', Some(j as usize));
            }
            self.next1 = (last1 + 1) as usize;
        }
        if kind & OLD != 0 {
            for i in first0..=last0 {
                self.sdiff_line(Some(i as usize), b'<', None);
            }
            self.next0 = (last0 + 1) as usize;
        }
    }
}

/// The character a valid UTF-8 sequence at the start of `b` encodes, and
/// its length (what `mbrtowc` accepts in C.UTF-8).
fn decode_utf8(b: &[u8]) -> Option<(char, usize)> {
    let len = match b[0] {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return None,
    };
    if b.len() < len {
        return None;
    }
    std::str::from_utf8(&b[..len]).ok().and_then(|s| s.chars().next()).map(|c| (c, len))
}
