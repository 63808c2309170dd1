//! `nice`, `nohup` and `watch`: commands that run another command.
//!
//! The sandbox has no scheduling priorities and no hang-up signal, and
//! standard streams are never terminals, so `nice` runs the command as is
//! (and reports a niceness of 0), and `nohup` just runs it, as GNU's does
//! when neither input nor output is a terminal. `watch` needs a terminal
//! to redraw and is refused.

use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::sys::{self, SpawnRequest};
use wsutil::{quote_always, quote_locale, show_error, strerror, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("nice", nice), ("nohup", nohup), ("watch", watch)];

/// Runs a command and waits: its status, or 126/127 (with `describe`'s
/// message) when it cannot start.
fn run_command(command: &[String], describe: impl Fn(&str, &std::io::Error) -> String) -> i32 {
    let req = SpawnRequest { argv: command, env: None, cwd: None, fds: &[] };
    let pid = match sys::spawn(&req) {
        Ok(pid) => pid,
        Err(e) => {
            show_error(&describe(&command[0], &e));
            return if e.raw_os_error() == Some(44) { 127 } else { 126 };
        }
    };
    match sys::wait(pid, None) {
        Ok(Some(status)) => status as i32,
        _ => 125,
    }
}

const NICE_SPEC: Spec = Spec {
    short: "n:",
    long: &[("adjustment", HasArg::Required, 'n'), ("help", HasArg::No, HELP), ("version", HasArg::No, VERSION)],
    stop_at_operand: true,
};

const NICE_USAGE: &str = "Usage: nice [OPTION] [COMMAND [ARG]...]
Run COMMAND with an adjusted niceness, which affects process scheduling.
With no COMMAND, print the current niceness.  Niceness values range from
-20 (most favorable to the process) to 19 (least favorable to the process).

Mandatory arguments to long options are mandatory for short options too.
  -n, --adjustment=N   add integer N to the niceness (default 10)
      --help        display this help and exit
      --version     output version information and exit
";

fn nice_usage(msg: &str) -> i32 {
    if !msg.is_empty() {
        show_error(msg);
    }
    eprintln!("Try 'nice --help' for more information.");
    125
}

/// An adjustment as xstrtol reads it: leading blanks and a sign allowed,
/// nothing after the digits; out-of-range values saturate.
fn adjustment(s: &str) -> Option<i64> {
    let t = s.trim_start_matches(|c: char| c == ' ' || ('\t'..='\r').contains(&c));
    let (neg, d) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if d.is_empty() || !d.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v = d.bytes().fold(0i64, |v, b| v.saturating_mul(10).saturating_add((b - b'0') as i64));
    Some(if neg { -v } else { v })
}

/// Rewrites the obsolete `-N`, `--N` and `-+N` adjustments (allowed
/// anywhere before the command) as `--adjustment=N`.
fn nice_args(argv: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < argv.len() {
        let s = &argv[i];
        let b = s.as_bytes();
        let at = if matches!(b.get(1), Some(b'-') | Some(b'+')) { 2 } else { 1 };
        if b.first() == Some(&b'-') && b.get(at).map(|c| c.is_ascii_digit()).unwrap_or(false) {
            out.push(format!("--adjustment={}", &s[1..]));
            i += 1;
            continue;
        }
        if s == "--" || !s.starts_with('-') || s.len() == 1 {
            break;
        }
        out.push(s.clone());
        let takes_next = s == "-n" || (s.len() > 2 && s.starts_with("--") && "--adjustment".starts_with(s.as_str()));
        if takes_next && i + 1 < argv.len() {
            out.push(argv[i + 1].clone());
            i += 1;
        }
        i += 1;
    }
    out.extend(argv[i..].iter().cloned());
    out
}

pub fn nice(argv: &[String]) -> i32 {
    let argv = nice_args(argv);
    let mut adj: Option<String> = None;
    let items = match args::parse(&NICE_SPEC, &argv) {
        Ok(items) => items,
        Err(UsageError(m)) => return nice_usage(&m),
    };
    let mut command = Vec::new();
    for item in items {
        match item {
            Item::Opt('n', v) => adj = v,
            Item::Opt(HELP, _) => {
                print!("{}", NICE_USAGE);
                return 0;
            }
            Item::Opt(VERSION, _) => {
                println!("nice (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return 0;
            }
            Item::Opt(_, _) => {}
            Item::Operand(o) => command.push(o),
        }
    }
    if command.is_empty() {
        if adj.is_some() {
            return nice_usage("a command must be given with an adjustment");
        }
        println!("0");
        return 0;
    }
    let n = match &adj {
        None => 10,
        Some(a) => match adjustment(a) {
            Some(n) => n,
            None => {
                show_error(&format!("invalid adjustment {}", quote_locale(a)));
                return 125;
            }
        },
    };
    if n < 0 {
        // Only root may lower its niceness; the sandbox's user is not.
        show_error("cannot set niceness: Permission denied");
    }
    run_command(&command, |cmd, e| format!("{}: {}", quote_locale(cmd), strerror(e)))
}

const NOHUP_SPEC: Spec = Spec {
    short: "",
    long: &[("help", HasArg::No, HELP), ("version", HasArg::No, VERSION)],
    stop_at_operand: true,
};

const NOHUP_USAGE: &str = "Usage: nohup COMMAND [ARG]...
  or:  nohup OPTION
Run COMMAND, ignoring hangup signals.

      --help        display this help and exit
      --version     output version information and exit

If standard input is a terminal, redirect it from an unreadable file.
If standard output is a terminal, append output to 'nohup.out' if possible,
'$HOME/nohup.out' otherwise.
If standard error is a terminal, redirect it to standard output.
To save output to FILE, use 'nohup COMMAND > FILE'.
";

pub fn nohup(argv: &[String]) -> i32 {
    let items = match args::parse(&NOHUP_SPEC, argv) {
        Ok(items) => items,
        Err(UsageError(m)) => {
            show_error(&m);
            eprintln!("Try 'nohup --help' for more information.");
            return 125;
        }
    };
    let mut command = Vec::new();
    for item in items {
        match item {
            Item::Opt(HELP, _) => {
                print!("{}", NOHUP_USAGE);
                return 0;
            }
            Item::Opt(VERSION, _) => {
                println!("nohup (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return 0;
            }
            Item::Opt(_, _) => {}
            Item::Operand(o) => command.push(o),
        }
    }
    if command.is_empty() {
        show_error("missing operand");
        eprintln!("Try 'nohup --help' for more information.");
        return 125;
    }
    // No terminal in the sandbox: nothing to redirect, nothing to say.
    run_command(&command, |cmd, e| format!("failed to run command {}: {}", quote_always(cmd), strerror(e)))
}

pub fn watch(_argv: &[String]) -> i32 {
    show_error("refusing to run: watch redraws a terminal screen, and the sandbox has no terminal");
    eprintln!("watch: run the command in a loop instead, e.g. 'for i in 1 2 3; do COMMAND; done'");
    2
}
