//! `env`: print the environment, or run a command in a modified one
//! (through the sandbox's spawn import, since WASI cannot exec).

use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::io::stdout;
use wsutil::sys::{self, SpawnRequest};
use wsutil::{quote_locale, report, show_error, strerror, Error, Result};
use std::io::Write;

pub const APPLETS: &[wsutil::Applet] = &[("env", main)];

const SPEC: Spec = Spec {
    short: "iu:0C:S:v",
    long: &[
        ("ignore-environment", HasArg::No, 'i'),
        ("unset", HasArg::Required, 'u'),
        ("null", HasArg::No, '0'),
        ("chdir", HasArg::Required, 'C'),
        ("split-string", HasArg::Required, 'S'),
        ("debug", HasArg::No, 'v'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: true,
};

const USAGE: &str = "Usage: env [OPTION]... [-] [NAME=VALUE]... [COMMAND [ARG]...]
Set each NAME to VALUE in the environment and run COMMAND.

  -i, --ignore-environment  start with an empty environment
  -0, --null           end each output line with NUL, not newline
  -u, --unset=NAME     remove variable from the environment
  -C, --chdir=DIR      change working directory to DIR
  -S, --split-string=S  process and split S into separate arguments;
                        used to pass multiple arguments on shebang lines
  -v, --debug          print verbose information for each processing step
";

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 125),
    }
}

/// `-S`: split like a shell would, with quotes and backslashes.
fn split_string(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut have = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' => {
                if have {
                    words.push(std::mem::take(&mut cur));
                    have = false;
                }
            }
            '\'' => {
                have = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    cur.push(q);
                }
            }
            '"' => {
                have = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => {
                            if let Some(n) = chars.next() {
                                cur.push(n);
                            }
                        }
                        _ => cur.push(q),
                    }
                }
            }
            '\\' => {
                have = true;
                if let Some(n) = chars.next() {
                    cur.push(match n {
                        'n' => '\n',
                        't' => '\t',
                        '_' => ' ',
                        other => other,
                    });
                }
            }
            _ => {
                have = true;
                cur.push(c);
            }
        }
    }
    if have {
        words.push(cur);
    }
    words
}

fn run(argv: &[String]) -> Result<i32> {
    // A lone `-` (before any command) means -i.
    let mut argv: Vec<String> = argv.to_vec();
    let mut ignore = false;
    if let Some(pos) = argv.iter().position(|a| a == "-") {
        if argv[..pos].iter().all(|a| a.starts_with('-')) {
            argv.remove(pos);
            ignore = true;
        }
    }
    let mut unset = Vec::new();
    let mut null = false;
    let mut chdir: Option<String> = None;
    let mut rest: Vec<String> = Vec::new();
    let mut items = args::parse(&SPEC, &argv)?;
    let mut i = 0;
    while i < items.len() {
        match std::mem::replace(&mut items[i], Item::Operand(String::new())) {
            Item::Opt('i', _) => ignore = true,
            Item::Opt('u', Some(name)) => unset.push(name),
            Item::Opt('0', _) => null = true,
            Item::Opt('C', dir) => chdir = dir,
            Item::Opt('S', Some(s)) => {
                // The split words come before the remaining operands.
                let mut split = split_string(&s);
                for item in items.drain(i + 1..) {
                    if let Item::Operand(o) = item {
                        split.push(o);
                    }
                }
                rest.extend(split);
                break;
            }
            Item::Opt('v', _) => {}
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("env (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(o) => rest.push(o),
        }
        i += 1;
    }
    let mut env: Vec<(String, String)> = if ignore {
        Vec::new()
    } else {
        std::env::vars_os()
            .map(|(k, v)| (k.to_string_lossy().into_owned(), v.to_string_lossy().into_owned()))
            .collect()
    };
    for name in &unset {
        if name.is_empty() || name.contains('=') {
            return Err(Error::Fatal(format!("cannot unset {}: Invalid argument", quote_locale(name))));
        }
        env.retain(|(k, _)| k != name);
    }
    let mut command_at = rest.len();
    for (i, word) in rest.iter().enumerate() {
        match word.find('=') {
            Some(eq) if eq > 0 => {
                let (k, v) = (word[..eq].to_string(), word[eq + 1..].to_string());
                env.retain(|(name, _)| *name != k);
                env.push((k, v));
            }
            _ => {
                command_at = i;
                break;
            }
        }
    }
    let command = &rest[command_at..];
    if command.is_empty() {
        if chdir.is_some() {
            return Err(Error::Usage(wsutil::UsageError::new("must specify command with --chdir (-C)")));
        }
        let mut out = stdout();
        for (k, v) in &env {
            write!(out, "{}={}{}", k, v, if null { '\0' } else { '\n' })?;
        }
        out.flush()?;
        return Ok(0);
    }
    let env_strings: Vec<String> = env.iter().map(|(k, v)| format!("{}={}", k, v)).collect();
    let req = SpawnRequest { argv: command, env: Some(&env_strings), cwd: chdir.as_deref(), fds: &[] };
    let pid = match sys::spawn(&req) {
        Ok(pid) => pid,
        Err(e) => {
            show_error(&format!("{}: {}", quote_locale(&command[0]), strerror(&e)));
            return Ok(if e.raw_os_error() == Some(44) { 127 } else { 126 });
        }
    };
    match sys::wait(pid, None) {
        Ok(Some(status)) => Ok(status as i32),
        Ok(None) => Ok(125),
        Err(e) => Err(e.into()),
    }
}
