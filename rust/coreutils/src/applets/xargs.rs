//! `xargs`: build command lines from standard input and run them, GNU
//! findutils 4.9 style.
//!
//! Input is split as GNU does (blanks and newlines, with quotes and
//! backslashes; or `-0`/`-d` items taken literally), and command lines are
//! built under the same limits (`-n`, `-L`, `-s`, `-I`), with GNU's
//! messages and exit statuses (123 when a command fails, 124 when one exits
//! with 255, 125 when one is killed, 126/127 when it cannot run). Commands
//! run one at a time, also with `-P` (GNU's order is unpredictable there;
//! running them in turn is one of its possible orders).

use std::io::{Read, Write};
use wsutil::args::{self, HasArg, Item, Spec, HELP, LONG1, VERSION};
use wsutil::sys;
use wsutil::{quote_locale, show_error, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("xargs", main)];

const SHOW_LIMITS: char = 'S';

const SPEC: Spec = Spec {
    short: "0a:E:e::i::I:l::L:n:oprs:txP:d:",
    long: &[
        ("null", HasArg::No, '0'),
        ("arg-file", HasArg::Required, 'a'),
        ("delimiter", HasArg::Required, 'd'),
        ("eof", HasArg::Optional, 'e'),
        ("replace", HasArg::Optional, 'i'),
        ("max-lines", HasArg::Optional, 'l'),
        ("max-args", HasArg::Required, 'n'),
        ("open-tty", HasArg::No, 'o'),
        ("interactive", HasArg::No, 'p'),
        ("no-run-if-empty", HasArg::No, 'r'),
        ("max-chars", HasArg::Required, 's'),
        ("verbose", HasArg::No, 't'),
        ("show-limits", HasArg::No, SHOW_LIMITS),
        ("exit", HasArg::No, 'x'),
        ("max-procs", HasArg::Required, 'P'),
        ("process-slot-var", HasArg::Required, LONG1),
        ("version", HasArg::No, VERSION),
        ("help", HasArg::No, HELP),
    ],
    stop_at_operand: true,
};

const USAGE: &str = "Usage: xargs [OPTION]... COMMAND [INITIAL-ARGS]...
Run COMMAND with arguments INITIAL-ARGS and more arguments read from input.

Mandatory and optional arguments to long options are also
mandatory or optional for the corresponding short option.
  -0, --null                   items are separated by a null, not whitespace;
                                 disables quote and backslash processing and
                                 logical EOF processing
  -a, --arg-file=FILE          read arguments from FILE, not standard input
  -d, --delimiter=CHARACTER    items in input stream are separated by CHARACTER,
                                 not by whitespace; disables quote and backslash
                                 processing and logical EOF processing
  -E END                       set logical EOF string; if END occurs as a line
                                 of input, the rest of the input is ignored
                                 (ignored if -0 or -d was specified)
  -e, --eof[=END]              equivalent to -E END if END is specified;
                                 otherwise, there is no end-of-file string
  -I R                         same as --replace=R
  -i, --replace[=R]            replace R in INITIAL-ARGS with names read
                                 from standard input, split at newlines;
                                 if R is unspecified, assume {}
  -L, --max-lines=MAX-LINES    use at most MAX-LINES non-blank input lines per
                                 command line
  -l[MAX-LINES]                similar to -L but defaults to at most one non-
                                 blank input line if MAX-LINES is not specified
  -n, --max-args=MAX-ARGS      use at most MAX-ARGS arguments per command line
  -o, --open-tty               Reopen stdin as /dev/tty in the child process
                                 before executing the command; useful to run an
                                 interactive application.
  -P, --max-procs=MAX-PROCS    run at most MAX-PROCS processes at a time
  -p, --interactive            prompt before running commands
      --process-slot-var=VAR   set environment variable VAR in child processes
  -r, --no-run-if-empty        if there are no arguments, then do not run COMMAND;
                                 if this option is not given, COMMAND will be
                                 run at least once
  -s, --max-chars=MAX-CHARS    limit length of command line to MAX-CHARS
      --show-limits            show limits on command-line length
  -t, --verbose                print commands before executing them
  -x, --exit                   exit if the size (see -s) is exceeded
      --help                   display this help and exit
      --version                output version information and exit
";

/// The system's ARG_MAX as Linux gives it with an 8 MiB stack.
const ARG_MAX: i64 = 2 * 1024 * 1024;
/// POSIX's headroom for the environment a command may add.
const HEADROOM: i64 = 2048;
const POSIX_ARG_MIN: i64 = 4096;
const DEFAULT_ARG_SIZE: i64 = 128 * 1024;
const PROC_MAX: i64 = i32::MAX as i64;

/// Ends xargs with a status after a message (GNU's die and error).
struct Exit(i32);

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) | Err(Exit(code)) => code,
    }
}

fn die(msg: &str, status: i32) -> Exit {
    show_error(msg);
    Exit(status)
}

fn usage_exit() -> Exit {
    eprintln!("Try 'xargs --help' for more information.");
    Exit(1)
}

/// C's strtol on the whole argument, saturating.
fn strtol(s: &str) -> Option<i64> {
    let t = s.trim_start_matches(|c: char| c == ' ' || ('\t'..='\r').contains(&c));
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut v: i64 = 0;
    for b in digits.bytes() {
        v = v.saturating_mul(10).saturating_add((b - b'0') as i64);
    }
    Some(if neg { -v } else { v })
}

/// GNU's parse_num: a number for an option within [min, max] (max < 0:
/// none); out of range is fatal or clamped.
fn parse_num(s: &str, opt: char, min: i64, max: i64, fatal: bool) -> Result<i64, Exit> {
    let v = match strtol(s) {
        Some(v) => v,
        None => {
            eprintln!("xargs: invalid number \"{}\" for -{} option", s, opt);
            return Err(usage_exit());
        }
    };
    if v < min {
        eprintln!("xargs: value {} for -{} option should be >= {}", s, opt, min);
        if fatal {
            return Err(usage_exit());
        }
        return Ok(min);
    }
    if max >= 0 && v > max {
        eprintln!("xargs: value {} for -{} option should be <= {}", s, opt, max);
        if fatal {
            return Err(usage_exit());
        }
        return Ok(max);
    }
    Ok(v)
}

/// `-d`: one character or a backslash escape (`\n`, `\x41`, `\101`).
fn delimiter(s: &str) -> Result<u8, Exit> {
    let b = s.as_bytes();
    if b.len() == 1 {
        return Ok(b[0]);
    }
    if b.first() != Some(&b'\\') {
        return Err(die(
            &format!(
                "Invalid input delimiter specification {}: the delimiter must be either a single character or an escape sequence starting with \\.",
                s
            ),
            1,
        ));
    }
    let simple = match b[1] {
        b'a' => Some(7),
        b'b' => Some(8),
        b'f' => Some(12),
        b'n' => Some(b'\n'),
        b'r' => Some(b'\r'),
        b't' => Some(b'\t'),
        b'v' => Some(11),
        b'\\' => Some(b'\\'),
        _ => None,
    };
    if let Some(c) = simple {
        return Ok(c);
    }
    let (digits, base) = if b[1] == b'x' {
        (&s[2..], 16)
    } else if b[1].is_ascii_digit() {
        (&s[1..], 8)
    } else {
        return Err(die(&format!("Invalid escape sequence {} in input delimiter specification.", s), 1));
    };
    let end = digits.bytes().take_while(|c| (*c as char).is_digit(base)).count();
    let val = u64::from_str_radix(&digits[..end], base).unwrap_or(if end == 0 { 0 } else { u64::MAX });
    if val > 255 {
        let lim = if base == 16 { "ff" } else { "377" };
        return Err(die(
            &format!(
                "Invalid escape sequence {} in input delimiter specification; character values must not exceed {}.",
                s, lim
            ),
            1,
        ));
    }
    if end < digits.len() {
        return Err(die(
            &format!(
                "Invalid escape sequence {} in input delimiter specification; trailing characters {} not recognised.",
                s,
                &digits[end..]
            ),
            1,
        ));
    }
    Ok(val as u8)
}

/// Buffered input with one byte of look-back (what getc gives).
struct Input {
    src: Box<dyn Read>,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
}

impl Input {
    fn getc(&mut self) -> Option<u8> {
        if self.pos == self.len {
            loop {
                match self.src.read(&mut self.buf) {
                    Ok(n) => {
                        self.len = n;
                        break;
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => {
                        self.len = 0;
                        break;
                    }
                }
            }
            self.pos = 0;
            if self.len == 0 {
                return None;
            }
        }
        self.pos += 1;
        Some(self.buf[self.pos - 1])
    }
}

/// What the options set.
struct Opts {
    delim: Option<u8>,
    eof_str: Option<Vec<u8>>,
    replace: Option<String>,
    lines: i64,
    args_per: i64,
    arg_max: i64,
    posix_max: i64,
    exit_if_exceeded: bool,
    verbose: bool,
    interactive: bool,
    open_tty: bool,
    always_run: bool,
    slot_var: Option<String>,
    arg_file: Option<String>,
}

/// The command line being built and the state of the run (GNU's
/// buildcmd state plus xargs's own).
struct Builder {
    opts: Opts,
    argv: Vec<Vec<u8>>,
    chars: i64,
    initial_argc: usize,
    initial_chars: i64,
    initial_args: bool,
    lineno: i64,
    procs_executed: bool,
    child_error: i32,
    eof: bool,
    null_warned: bool,
    input: Input,
    tty: Option<Input>,
}

fn env_size() -> i64 {
    std::env::vars_os().map(|(k, v)| (k.len() + v.len() + 2) as i64).sum()
}

fn run(argv: &[String]) -> Result<i32, Exit> {
    let posix_max = ARG_MAX - env_size() - HEADROOM;
    let mut o = Opts {
        delim: None,
        eof_str: None,
        replace: None,
        lines: 0,
        args_per: 0,
        arg_max: DEFAULT_ARG_SIZE.min(posix_max).max(POSIX_ARG_MIN.min(posix_max)),
        posix_max,
        exit_if_exceeded: false,
        verbose: false,
        interactive: false,
        open_tty: false,
        always_run: true,
        slot_var: None,
        arg_file: None,
    };
    let mut show_limits = false;
    let mut command: Vec<String> = Vec::new();
    let items = match args::parse(&SPEC, argv) {
        Ok(items) => items,
        Err(UsageError(m)) => {
            show_error(&m);
            return Err(usage_exit());
        }
    };
    for item in items {
        match item {
            Item::Opt('0', _) => o.delim = Some(0),
            Item::Opt('d', Some(d)) => o.delim = Some(delimiter(&d)?),
            Item::Opt('E', v) | Item::Opt('e', v) => {
                o.eof_str = v.filter(|s| !s.is_empty()).map(String::into_bytes);
            }
            Item::Opt(c @ ('i' | 'I'), v) => {
                if o.lines != 0 {
                    warn("options --max-lines and --replace/-I/-i are mutually exclusive, ignoring previous --max-lines value");
                }
                if o.args_per != 0 {
                    warn("options --max-args and --replace/-I/-i are mutually exclusive, ignoring previous --max-args value");
                }
                o.replace = Some(match v {
                    Some(r) => r,
                    None if c == 'i' => "{}".into(),
                    None => String::new(),
                });
                o.args_per = 0;
                o.lines = 0;
            }
            Item::Opt(c @ ('L' | 'l'), v) => {
                let n = match v {
                    Some(v) => parse_num(&v, c, 1, -1, true)?,
                    None => 1,
                };
                let me = if c == 'L' { "-L" } else { "--max-lines/-l" };
                if o.args_per != 0 {
                    warn(&format!("options --max-args and {} are mutually exclusive, ignoring previous --max-args value", me));
                }
                if o.replace.is_some() {
                    warn(&format!("options --replace and {} are mutually exclusive, ignoring previous --replace value", me));
                }
                o.lines = n;
                o.args_per = 0;
                o.replace = None;
            }
            Item::Opt('n', Some(v)) => {
                let n = parse_num(&v, 'n', 1, -1, true)?;
                if o.lines != 0 {
                    warn("options --max-lines and --max-args/-n are mutually exclusive, ignoring previous --max-lines value");
                }
                o.lines = 0;
                if n == 1 && o.replace.is_some() {
                    o.args_per = 0;
                } else {
                    if o.replace.is_some() {
                        warn("options --replace and --max-args/-n are mutually exclusive, ignoring previous --replace value");
                    }
                    o.args_per = n;
                    o.replace = None;
                }
            }
            Item::Opt('s', Some(v)) => o.arg_max = parse_num(&v, 's', 1, o.posix_max, false)?,
            Item::Opt(SHOW_LIMITS, _) => show_limits = true,
            Item::Opt('t', _) => o.verbose = true,
            Item::Opt('x', _) => o.exit_if_exceeded = true,
            Item::Opt('o', _) => o.open_tty = true,
            Item::Opt('p', _) => {
                o.interactive = true;
                o.verbose = true;
            }
            Item::Opt('r', _) => o.always_run = false,
            Item::Opt('P', Some(v)) => {
                parse_num(&v, 'P', 0, PROC_MAX, true)?;
            }
            Item::Opt('a', Some(f)) => o.arg_file = Some(f),
            Item::Opt(LONG1, Some(var)) => {
                if var.is_empty() {
                    return Err(die("failed to unset environment variable : Invalid argument", 1));
                }
                if var.contains('=') {
                    return Err(die("option --process-slot-var may not be set to a value which includes `='", 1));
                }
                o.slot_var = Some(var);
            }
            Item::Opt(VERSION, _) => {
                println!("xargs (wasmsand findutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(a) => command.push(a),
        }
    }
    if o.eof_str.is_some() && o.delim.is_some() {
        show_error("warning: the -E option has no effect if -0 or -d is used.\n");
    }
    let src: Box<dyn Read> = match &o.arg_file {
        None => Box::new(wsutil::io::stdin()),
        Some(f) if f == "-" => Box::new(wsutil::io::stdin()),
        Some(f) => match std::fs::File::open(f) {
            Ok(file) => Box::new(file),
            Err(e) => {
                return Err(die(&format!("Cannot open input file {}: {}", quote_locale(f), wsutil::strerror(&e)), 1));
            }
        },
    };
    if o.arg_file.as_deref() == Some("-") {
        o.arg_file = None;
    }
    if o.replace.is_some() || o.lines != 0 {
        o.exit_if_exceeded = true;
    }
    if command.is_empty() {
        command.push("echo".into());
    }
    if show_limits {
        let env = env_size();
        eprintln!("Your environment variables take up {} bytes", env);
        eprintln!("POSIX upper limit on argument length (this system): {}", o.posix_max);
        eprintln!("POSIX smallest allowable upper limit on argument length (all systems): {}", POSIX_ARG_MIN);
        eprintln!("Maximum length of command we could actually use: {}", o.posix_max - env);
        eprintln!("Size of command buffer we are actually using: {}", o.arg_max);
        eprintln!("Maximum parallelism (--max-procs must be no greater): {}", PROC_MAX);
    }
    let mut b = Builder {
        opts: o,
        argv: Vec::new(),
        chars: 0,
        initial_argc: 0,
        initial_chars: 0,
        initial_args: true,
        lineno: 0,
        procs_executed: false,
        child_error: 0,
        eof: false,
        null_warned: false,
        input: Input { src, buf: vec![0; 64 * 1024], pos: 0, len: 0 },
        tty: None,
    };
    b.run(&command)?;
    Ok(b.child_error)
}

fn warn(msg: &str) {
    show_error(&format!("warning: {}", msg));
}

fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

fn is_space(c: u8) -> bool {
    is_blank(c) || matches!(c, b'\n' | b'\r' | 12 | 11)
}

/// What one read of the input gave.
enum Read1 {
    Eof,
    /// The last string read (used by -I).
    Line(Vec<u8>),
}

impl Builder {
    fn run(&mut self, command: &[String]) -> Result<(), Exit> {
        match self.opts.replace.clone() {
            None => {
                for a in command {
                    self.push_arg(a.as_bytes().to_vec())?;
                }
                self.initial_args = false;
                self.initial_argc = self.argv.len();
                self.initial_chars = self.chars;
                while let Read1::Line(_) = self.read_args()? {
                    if self.opts.lines != 0 && self.lineno >= self.opts.lines {
                        self.do_exec()?;
                        self.lineno = 0;
                    }
                }
                if self.argv.len() != self.initial_argc || (self.opts.always_run && !self.procs_executed) {
                    self.do_exec()?;
                }
            }
            Some(pat) => loop {
                let line = match self.read_args()? {
                    Read1::Eof => break,
                    Read1::Line(l) => l,
                };
                self.argv.clear();
                self.chars = 0;
                self.push_arg(command[0].as_bytes().to_vec())?;
                self.initial_args = false;
                for a in &command[1..] {
                    let arg = replace_all(a.as_bytes(), pat.as_bytes(), &line);
                    if arg.len() as i64 >= self.opts.arg_max {
                        return Err(die("command too long", 1));
                    }
                    self.push_arg(arg)?;
                }
                self.do_exec()?;
            },
        }
        Ok(())
    }

    /// GNU's bc_push_arg: add an argument, running the command first when
    /// it would not fit, and after when -n is reached.
    fn push_arg(&mut self, arg: Vec<u8>) -> Result<(), Exit> {
        let len = arg.len() as i64 + 1;
        if self.chars + len > self.opts.arg_max {
            if self.initial_args || self.argv.len() == self.initial_argc {
                return Err(die("cannot fit single argument within argument list size limit", 1));
            }
            if self.opts.replace.is_some() || (self.opts.exit_if_exceeded && (self.opts.lines != 0 || self.opts.args_per != 0)) {
                return Err(die("argument list too long", 1));
            }
            self.do_exec()?;
        }
        if self.limit_reached() {
            self.do_exec()?;
        }
        self.argv.push(arg);
        self.chars += len;
        if self.limit_reached() {
            self.do_exec()?;
        }
        if self.initial_args {
            self.initial_chars = self.chars;
        }
        Ok(())
    }

    fn limit_reached(&self) -> bool {
        !self.initial_args && self.opts.args_per != 0 && (self.argv.len() - self.initial_argc) as i64 == self.opts.args_per
    }

    /// Before a fatal input error, run what was collected (unless the
    /// options make a partial command line wrong).
    fn exec_if_possible(&mut self) -> Result<(), Exit> {
        if self.opts.replace.is_some() || self.initial_args || self.argv.len() == self.initial_argc || self.opts.exit_if_exceeded {
            return Ok(());
        }
        self.do_exec()
    }

    fn read_args(&mut self) -> Result<Read1, Exit> {
        match self.opts.delim {
            Some(d) => self.read_string(d),
            None => self.read_line(),
        }
    }

    fn is_eof_str(&self, s: &[u8]) -> bool {
        match &self.opts.eof_str {
            Some(e) => e.as_slice() == cstr(s),
            None => false,
        }
    }

    fn add(&mut self, word: &[u8]) -> Result<(), Exit> {
        if self.opts.replace.is_none() {
            self.push_arg(cstr(word).to_vec())?;
        }
        Ok(())
    }

    fn too_long(&mut self, len: usize) -> Result<(), Exit> {
        if len as i64 >= self.opts.arg_max - self.initial_chars - 1 {
            self.exec_if_possible()?;
            return Err(die("argument line too long", 1));
        }
        Ok(())
    }

    /// GNU's read_line: one input line, split at blanks (unless -I) with
    /// quotes and backslashes; returns the last item read.
    fn read_line(&mut self) -> Result<Read1, Exit> {
        #[derive(PartialEq)]
        enum St {
            Norm,
            Space,
            Quote,
            Backslash,
        }
        if self.eof {
            return Ok(Read1::Eof);
        }
        let mut state = St::Space;
        let mut prev: Option<u8>;
        let mut c: Option<u8> = None;
        let mut quote = 0u8;
        let mut first = true;
        let mut seen_arg = false;
        let mut word: Vec<u8> = Vec::new();
        let replace = self.opts.replace.is_some();
        loop {
            prev = c;
            c = self.input.getc();
            let ch = match c {
                Some(ch) => ch,
                None => {
                    self.eof = true;
                    if word.is_empty() {
                        return Ok(Read1::Eof);
                    }
                    if state == St::Quote {
                        self.exec_if_possible()?;
                        return Err(unmatched(quote));
                    }
                    if first && self.is_eof_str(&word) {
                        return Ok(Read1::Eof);
                    }
                    self.add(&word)?;
                    return Ok(Read1::Line(word));
                }
            };
            if state == St::Space {
                if is_space(ch) {
                    continue;
                }
                state = St::Norm;
            }
            match state {
                St::Norm => {
                    if ch == b'\n' {
                        if !prev.map(is_blank).unwrap_or(false) {
                            self.lineno += 1;
                        }
                        if word.is_empty() && !seen_arg {
                            state = St::Space;
                            continue;
                        }
                        if self.is_eof_str(&word) {
                            self.eof = true;
                            return Ok(if first { Read1::Eof } else { Read1::Line(word) });
                        }
                        self.add(&word)?;
                        return Ok(Read1::Line(word));
                    }
                    seen_arg = true;
                    if !replace && is_blank(ch) {
                        if self.is_eof_str(&word) {
                            self.eof = true;
                            return Ok(if first { Read1::Eof } else { Read1::Line(word) });
                        }
                        self.add(&word)?;
                        word.clear();
                        state = St::Space;
                        first = false;
                        continue;
                    }
                    match ch {
                        b'\\' => {
                            state = St::Backslash;
                            continue;
                        }
                        b'\'' | b'"' => {
                            state = St::Quote;
                            quote = ch;
                            continue;
                        }
                        _ => {}
                    }
                }
                St::Quote => {
                    if ch == b'\n' {
                        self.exec_if_possible()?;
                        return Err(unmatched(quote));
                    }
                    if ch == quote {
                        state = St::Norm;
                        seen_arg = true;
                        continue;
                    }
                }
                St::Backslash => state = St::Norm,
                St::Space => {}
            }
            if ch == 0 && !self.null_warned {
                show_error("WARNING: a NUL character occurred in the input.  It cannot be passed through in the argument list.  Did you mean to use the --null option?");
                self.null_warned = true;
            }
            self.too_long(word.len())?;
            word.push(ch);
        }
    }

    /// GNU's read_string (-0, -d): items end at the delimiter, taken as
    /// they are.
    fn read_string(&mut self, delim: u8) -> Result<Read1, Exit> {
        if self.eof {
            return Ok(Read1::Eof);
        }
        let mut word = Vec::new();
        loop {
            match self.input.getc() {
                None => {
                    self.eof = true;
                    if word.is_empty() {
                        return Ok(Read1::Eof);
                    }
                    self.add(&word)?;
                    return Ok(Read1::Line(word));
                }
                Some(c) if c == delim => {
                    self.lineno += 1;
                    self.add(&word)?;
                    return Ok(Read1::Line(word));
                }
                Some(c) => {
                    self.too_long(word.len())?;
                    word.push(c);
                }
            }
        }
    }

    /// `-p`: shows the command and asks on /dev/tty.
    fn ask(&mut self, line: &str) -> Result<bool, Exit> {
        if self.tty.is_none() {
            match std::fs::File::open("/dev/tty") {
                Ok(f) => self.tty = Some(Input { src: Box::new(f), buf: vec![0; 256], pos: 0, len: 0 }),
                Err(e) => return Err(die(&format!("failed to open /dev/tty for reading: {}", wsutil::strerror(&e)), 1)),
            }
        }
        eprint!("{} ?...", line);
        let tty = self.tty.as_mut().unwrap_or(&mut self.input);
        let first = tty.getc();
        let mut c = first;
        while c.is_some() && c != Some(b'\n') {
            c = tty.getc();
        }
        if c.is_none() {
            return Err(die("Failed to read from stdin", 1));
        }
        Ok(matches!(first, Some(b'y') | Some(b'Y')))
    }

    /// Runs the command line built so far, then clears it back to the
    /// initial arguments.
    fn do_exec(&mut self) -> Result<(), Exit> {
        let argv: Vec<Vec<u8>> = self.argv.clone();
        self.argv.truncate(self.initial_argc);
        self.chars = self.initial_chars;
        let line = self.argv_shown(&argv);
        if self.opts.interactive {
            if !self.ask(&line)? {
                return Ok(());
            }
        } else if self.opts.verbose {
            eprintln!("{}", line);
        }
        self.procs_executed = true;
        self.launch(&argv)
    }

    /// The command as -t and -p show it: shell-quoted words.
    fn argv_shown(&self, argv: &[Vec<u8>]) -> String {
        argv.iter().map(|a| shell_quote(a)).collect::<Vec<_>>().join(" ")
    }

    fn launch(&mut self, argv: &[Vec<u8>]) -> Result<(), Exit> {
        let name = String::from_utf8_lossy(&argv[0]).into_owned();
        let _ = std::io::stdout().flush();
        // The command's standard input: /dev/null, unless the items came
        // from -a (then xargs's own) or -o asks for the terminal.
        let stdin_file = if self.opts.open_tty {
            match std::fs::File::open("/dev/tty") {
                Ok(f) => Some(f),
                Err(e) => {
                    show_error(&format!("{}: {}", quote_locale("/dev/tty"), wsutil::strerror(&e)));
                    self.child_error = 123;
                    return Ok(());
                }
            }
        } else if self.opts.arg_file.is_none() {
            std::fs::File::open("/dev/null").ok()
        } else {
            None
        };
        let fds: Vec<(u32, u32)> = match &stdin_file {
            Some(f) => vec![(0, raw_fd(f)), (1, 1), (2, 2)],
            None => Vec::new(),
        };
        let env: Option<Vec<String>> = self.opts.slot_var.as_ref().map(|var| {
            let mut env: Vec<String> = std::env::vars_os()
                .filter(|(k, _)| k.to_string_lossy() != var.as_str())
                .map(|(k, v)| format!("{}={}", k.to_string_lossy(), v.to_string_lossy()))
                .collect();
            env.push(format!("{}=0", var));
            env
        });
        let pid = match wsutil::spawnb::spawn(argv, env.as_deref(), None, &fds) {
            Ok(pid) => pid,
            Err(e) => {
                show_error(&format!("{}: {}", name, wsutil::strerror(&e)));
                return Err(Exit(if e.raw_os_error() == Some(44) { 127 } else { 126 }));
            }
        };
        drop(stdin_file);
        let status = match sys::wait(pid, None) {
            Ok(Some(s)) => s,
            _ => return Ok(()),
        };
        if status == 255 {
            return Err(die(&format!("{}: exited with status 255; aborting", name), 124));
        }
        if (129..=159).contains(&status) {
            return Err(die(&format!("{}: terminated by signal {}", name, status - 128), 125));
        }
        if status != 0 {
            self.child_error = 123;
        }
        Ok(())
    }
}

#[cfg(target_os = "wasi")]
fn raw_fd(f: &std::fs::File) -> u32 {
    use std::os::wasi::io::AsRawFd;
    f.as_raw_fd() as u32
}

#[cfg(not(target_os = "wasi"))]
fn raw_fd(f: &std::fs::File) -> u32 {
    use std::os::unix::io::AsRawFd;
    f.as_raw_fd() as u32
}

/// An argument as C sees it: up to its first NUL.
fn cstr(s: &[u8]) -> &[u8] {
    match s.iter().position(|&b| b == 0) {
        Some(k) => &s[..k],
        None => s,
    }
}

/// gnulib's shell-escape quoting, as xargs -t prints words: bare when
/// safe, in double quotes when a single quote is the only trouble, else
/// in single quotes with `$'\ooo'` for unprintable bytes.
fn shell_quote(s: &[u8]) -> String {
    if s.is_empty() {
        return "''".into();
    }
    let text = String::from_utf8_lossy(s);
    let valid = std::str::from_utf8(s).is_ok();
    let printable = valid && !text.chars().any(|c| c.is_control());
    let special = |i: usize, c: u8| -> bool {
        b" !\"$&'()*;<=>?[\\^`|".contains(&c) || (i == 0 && (c == b'#' || c == b'~')) || (s.len() == 1 && (c == b'{' || c == b'}'))
    };
    let needs = !printable || s.iter().enumerate().any(|(i, &c)| special(i, c));
    if !needs {
        return text.into_owned();
    }
    // Double quotes do when every character is plain, a space, a quote or
    // a leading # or ~.
    let compat = printable
        && s.iter().enumerate().all(|(i, &c)| {
            c >= 0x80 || c.is_ascii_alphanumeric() || b"%+,-./:@]_ '".contains(&c) || (i == 0 && (c == b'#' || c == b'~'))
        });
    if s.contains(&b'\'') && compat {
        return format!("\"{}\"", text);
    }
    // Alternating '...' and $'...' segments. gnulib writes a string with
    // a single quote in a second pass that starts in the state the first
    // ended in: after a final unprintable character, as if a $'...' were
    // already open.
    let mut out = String::from("'");
    let mut escaping = s.contains(&b'\'') && ends_unprintable(s);
    let mut k = 0;
    while k < s.len() {
        let c = s[k];
        let len = utf8_len(&s[k..]);
        let ch = std::str::from_utf8(&s[k..k + len]).ok().and_then(|t| t.chars().next());
        match ch {
            Some('\'') => {
                out.push_str(if escaping { "'\\''" } else { "'\\''" });
                escaping = false;
                k += 1;
            }
            Some(ch) if !ch.is_control() => {
                if escaping {
                    out.push_str("''");
                    escaping = false;
                }
                out.push(ch);
                k += len;
            }
            _ => {
                if !escaping {
                    out.push_str("'$'");
                    escaping = true;
                }
                match c {
                    7 => out.push_str("\\a"),
                    8 => out.push_str("\\b"),
                    12 => out.push_str("\\f"),
                    b'\n' => out.push_str("\\n"),
                    b'\r' => out.push_str("\\r"),
                    b'\t' => out.push_str("\\t"),
                    11 => out.push_str("\\v"),
                    _ => out.push_str(&format!("\\{:03o}", c)),
                }
                k += 1;
            }
        }
    }
    out.push('\'');
    out
}

/// Whether the last character of `s` is unprintable (or not UTF-8).
fn ends_unprintable(s: &[u8]) -> bool {
    let mut k = 0;
    let mut last = false;
    while k < s.len() {
        let len = utf8_len(&s[k..]);
        last = match std::str::from_utf8(&s[k..k + len]).ok().and_then(|t| t.chars().next()) {
            Some(ch) => ch.is_control(),
            None => true,
        };
        k += len;
    }
    last
}

fn utf8_len(s: &[u8]) -> usize {
    let n = match s[0] {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 1,
    };
    if n <= s.len() {
        n
    } else {
        1
    }
}

fn unmatched(quote: u8) -> Exit {
    die(
        &format!(
            "unmatched {} quote; by default quotes are special to xargs unless you use the -0 option",
            if quote == b'"' { "double" } else { "single" }
        ),
        1,
    )
}

fn replace_all(arg: &[u8], pat: &[u8], with: &[u8]) -> Vec<u8> {
    let with = cstr(with);
    if pat.is_empty() {
        return arg.to_vec();
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < arg.len() {
        if arg[i..].starts_with(pat) {
            out.extend_from_slice(with);
            i += pat.len();
        } else {
            out.push(arg[i]);
            i += 1;
        }
    }
    out
}
