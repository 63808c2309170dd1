//! `find`: search directory trees, GNU findutils 4.9 style.
//!
//! The command line is read the way GNU reads it: leading options (`-H`,
//! `-L`, `-P`, `-O`), starting points up to the first word that looks like
//! an expression, then the expression, whose predicates are parsed one by
//! one (options like `-maxdepth` count as a true test, as in GNU) and built
//! into a tree by operator precedence, with GNU's error messages. Without
//! an action the expression is `( EXPR ) -print`.
//!
//! The pieces: `find/parse.rs` (the expression), `find/pred.rs` (tests),
//! `find/printf.rs` (`-printf`, `-ls`), `find/exec.rs` (`-exec`, `-ok` and
//! their batches) and `find/walk.rs` (the traversal).

#[path = "find/exec.rs"]
mod exec;
#[path = "find/parse.rs"]
mod parse;
#[path = "find/pred.rs"]
mod pred;
#[path = "find/printf.rs"]
mod printf;
#[path = "find/walk.rs"]
mod walk;

use std::io::Write;
use wsutil::datetime::Timespec;
use wsutil::fsmeta::Names;
use wsutil::{quote_locale, show_error};

pub const APPLETS: &[wsutil::Applet] = &[("find", main)];

const USAGE: &str = "Usage: find [-H] [-L] [-P] [-Olevel] [-D debugopts] [path...] [expression]

Default path is the current directory; default expression is -print.
Expression may consist of: operators, options, tests, and actions.

Operators (decreasing precedence; -and is implicit where no others are given):
      ( EXPR )   ! EXPR   -not EXPR   EXPR1 -a EXPR2   EXPR1 -and EXPR2
      EXPR1 -o EXPR2   EXPR1 -or EXPR2   EXPR1 , EXPR2

Positional options (always true):
      -daystart -follow -nowarn -regextype -warn

Normal options (always true, specified before other expressions):
      -depth -files0-from FILE -maxdepth LEVELS -mindepth LEVELS
       -mount -noleaf -xdev -ignore_readdir_race -noignore_readdir_race

Tests (N can be +N or -N or N):
      -amin N -anewer FILE -atime N -cmin N -cnewer FILE -context CONTEXT
      -ctime N -empty -false -fstype TYPE -gid N -group NAME -ilname PATTERN
      -iname PATTERN -inum N -iwholename PATTERN -iregex PATTERN
      -links N -lname PATTERN -mmin N -mtime N -name PATTERN -newer FILE
      -nouser -nogroup -path PATTERN -perm [-/]MODE -regex PATTERN
      -readable -writable -executable
      -wholename PATTERN -size N[bcwkMG] -true -type [bcdpflsD] -uid N
      -used N -user NAME -xtype [bcdpfls]

Actions:
      -delete -print0 -printf FORMAT -fprintf FILE FORMAT -print
      -fprint0 FILE -fprint FILE -ls -fls FILE -prune -quit
      -exec COMMAND ; -exec COMMAND {} + -ok COMMAND ;
      -execdir COMMAND ; -execdir COMMAND {} + -okdir COMMAND ;
";

/// How symbolic links are treated (-P, -H, -L).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Follow {
    Never,
    Args,
    Always,
}

/// What the options of the command line set.
pub struct Options {
    pub follow: Follow,
    pub maxdepth: Option<usize>,
    pub mindepth: usize,
    /// Post-order (-depth, -delete).
    pub depth_first: bool,
    pub explicit_depth: bool,
    pub warnings: bool,
    /// glibc syntax bits for -regex.
    pub regex_syntax: u32,
    /// The origin of -mtime and friends: start time minus a day, or the
    /// coming midnight minus a day with -daystart (GNU's cur_day_start).
    pub day_start: Timespec,
    pub daystart_set: bool,
    pub start_time: Timespec,
    /// -files0-from: starting points from a file (`-`: standard input).
    pub files0_from: Option<String>,
}

/// Where an action writes: standard output or a file named by -fprint.
pub struct Output {
    pub name: String,
    pub sink: Box<dyn Write>,
}

/// What the evaluation shares: outputs, user names, the exit status.
pub struct Ctx {
    pub opts: Options,
    pub outputs: Vec<Output>,
    pub names: Names,
    pub status: i32,
    pub quit: bool,
    pub execs: Vec<exec::Exec>,
    pub zone: wsutil::datetime::Zone,
}

impl Ctx {
    /// Flushes every output, before a child process writes to the same
    /// places (GNU flushes before it forks).
    pub fn flush_all(&mut self) {
        for o in self.outputs.iter_mut() {
            let _ = o.sink.flush();
        }
    }

    /// `find: MESSAGE` after what was printed so far; sets status 1.
    pub fn error(&mut self, msg: &str) {
        self.flush_all();
        show_error(msg);
        self.status = 1;
    }
}

/// A fatal command-line error: GNU's message lines (each printed as
/// `find: LINE`), and the exit status.
pub struct Fatal {
    pub lines: Vec<Vec<u8>>,
    pub status: i32,
    pub try_help: bool,
}

impl Fatal {
    pub fn new(msg: impl Into<String>) -> Self {
        Fatal { lines: vec![msg.into().into_bytes()], status: 1, try_help: false }
    }

    pub fn lines(lines: Vec<String>) -> Self {
        Fatal { lines: lines.into_iter().map(String::into_bytes).collect(), status: 1, try_help: false }
    }

    /// A message with bytes that are not UTF-8 (GNU prints a char's first
    /// byte where it means one byte).
    pub fn raw(msg: Vec<u8>) -> Self {
        Fatal { lines: vec![msg], status: 1, try_help: false }
    }

    /// A GNU option this build does not implement (status 2).
    pub fn unsupported(flag: &str) -> Self {
        Fatal {
            lines: vec![
                format!("unrecognized option '{}'", flag).into_bytes(),
                b"this option is not supported by wasmsand".to_vec(),
            ],
            status: 2,
            try_help: false,
        }
    }
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(f) => {
            let mut err = std::io::stderr();
            for l in &f.lines {
                let _ = err.write_all(b"find: ");
                let _ = err.write_all(l);
                let _ = err.write_all(b"\n");
            }
            if f.try_help {
                eprintln!("Try 'find --help' for more information.");
            }
            f.status
        }
    }
}

/// `-H`, `-L`, `-P`, `-D`, `-Olevel` and `--` before the starting points.
fn leading_options(argv: &[String], follow: &mut Follow) -> Result<usize, Fatal> {
    let mut i = 0;
    while i < argv.len() {
        match argv[i].as_str() {
            "-H" => *follow = Follow::Args,
            "-L" => *follow = Follow::Always,
            "-P" => *follow = Follow::Never,
            "--" => return Ok(i + 1),
            "-D" => {
                if i + 1 >= argv.len() {
                    let mut f = Fatal::new("Missing argument after the -D option.");
                    f.try_help = true;
                    return Err(f);
                }
                return Err(Fatal::unsupported("-D"));
            }
            a if a.starts_with("-O") => {
                let level = &a[2..];
                if level.is_empty() {
                    return Err(Fatal::new("The -O option must be immediately followed by a decimal integer"));
                }
                if !level.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Fatal::new("Please specify a decimal number immediately after -O"));
                }
            }
            _ => return Ok(i),
        }
        i += 1;
    }
    Ok(i)
}

fn run(argv: &[String]) -> Result<i32, Fatal> {
    let mut follow = Follow::Never;
    let first = leading_options(argv, &mut follow)?;
    let argv = &argv[first..];
    let mut n_paths = 0;
    while n_paths < argv.len() && !parse::looks_like_expression(&argv[n_paths], true) {
        n_paths += 1;
    }
    let mut paths: Vec<String> = argv[..n_paths].to_vec();
    let now = Timespec::now();
    let opts = Options {
        follow,
        maxdepth: None,
        mindepth: 0,
        depth_first: false,
        explicit_depth: false,
        warnings: false,
        regex_syntax: wsutil::gnusyntax::bits::EMACS,
        day_start: Timespec::new(now.sec - 86400, now.nsec),
        daystart_set: false,
        start_time: now,
        files0_from: None,
    };
    let stdout: Box<dyn Write> = Box::new(wsutil::io::stdout());
    let mut ctx = Ctx {
        opts,
        outputs: vec![Output { name: "standard output".into(), sink: stdout }],
        names: Names::new(),
        status: 0,
        quit: false,
        execs: Vec::new(),
        zone: wsutil::datetime::Zone::from_env(),
    };
    let expr = match parse::parse(&argv[n_paths..], &paths, &mut ctx)? {
        parse::Parsed::Expr(e) => e,
        parse::Parsed::Help => {
            print!("{}", USAGE);
            return Ok(0);
        }
        parse::Parsed::Version => {
            println!("find (wasmsand findutils) {}", env!("CARGO_PKG_VERSION"));
            return Ok(0);
        }
    };
    let from_file = match ctx.opts.files0_from.clone() {
        Some(f) => Some(files0_from(&f, &paths, &ctx)?),
        None => None,
    };
    if paths.is_empty() && from_file.is_none() {
        paths.push(".".into());
    }
    let mut walker = walk::Walker::new(&mut ctx, &expr);
    for p in &paths {
        walker.start(p);
        if walker.ctx.quit {
            break;
        }
    }
    if let Some((label, names)) = from_file {
        for (k, name) in names.iter().enumerate() {
            if walker.ctx.quit {
                break;
            }
            if name.is_empty() {
                walker.ctx.error(&format!("{}:{}: invalid zero-length file name", qname(&label), k + 1));
                continue;
            }
            walker.start(name);
        }
    }
    walker.finish();
    ctx.flush_all();
    Ok(ctx.status)
}

/// -files0-from: the starting points, NUL-separated, from a file or
/// standard input, with the name to use in messages.
fn files0_from(file: &str, operands: &[String], ctx: &Ctx) -> Result<(String, Vec<String>), Fatal> {
    if let Some(extra) = operands.first() {
        return Err(Fatal::lines(vec![
            format!("extra operand {}", qname(extra)),
            "file operands cannot be combined with -files0-from".into(),
        ]));
    }
    if file == "-" && ctx.execs.iter().any(|x| x.reads_stdin()) {
        return Err(Fatal::new("option -files0-from reading from standard input cannot be combined with -ok, -okdir\n"));
    }
    let data = if file == "-" {
        let mut buf = Vec::new();
        use std::io::Read;
        let _ = wsutil::io::stdin().read_to_end(&mut buf);
        buf
    } else {
        match std::fs::read(file) {
            Ok(d) => d,
            Err(e) => {
                return Err(Fatal::new(format!("cannot open {} for reading: {}", qname(file), wsutil::strerror(&e))))
            }
        }
    };
    let mut names: Vec<String> = data.split(|&b| b == 0).map(|n| String::from_utf8_lossy(n).into_owned()).collect();
    if data.is_empty() || data.last() == Some(&0) {
        names.pop();
    }
    let label = if file == "-" { "(standard input)".to_string() } else { file.to_string() };
    Ok((label, names))
}

/// GNU's quoting of a file name in find's messages: ‘name’, with C
/// escapes for control characters and backslashes.
pub fn qname(name: &str) -> String {
    let mut s = String::with_capacity(name.len() + 2);
    for c in name.chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            '\u{7}' => s.push_str("\\a"),
            '\u{8}' => s.push_str("\\b"),
            '\u{c}' => s.push_str("\\f"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            '\u{b}' => s.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => s.push_str(&format!("\\{:03o}", c as u32)),
            c => s.push(c),
        }
    }
    quote_locale(&s)
}
