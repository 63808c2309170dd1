//! `kill`: send a signal to processes (procps-ng 4.0.2, the host's
//! /usr/bin/kill), through the sandbox's `kill` import.
//!
//! A `-SIGNAL` anywhere on the line (`-9`, `-KILL`, `-SIGKILL`) sets the
//! signal, as procps does; -s and --signal too, and -n NUMBER as in bash's
//! builtin. In the sandbox a signal ends the process unless it is one that
//! is ignored by default; signal 0 only checks that the process exists.

use std::io::Write;
use wsutil::io::stdout;
use wsutil::{show_error, strerror};

pub const APPLETS: &[wsutil::Applet] = &[("kill", main)];

/// Linux's signal names, by number (1..=31), as procps lists them.
const NAMES: [&str; 31] = [
    "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM",
    "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "POLL",
    "PWR", "SYS",
];

const SIGRTMIN: i64 = 34;

const USAGE: &str = "
Usage:
 kill [options] <pid> [...]

Options:
 <pid> [...]            send signal to every <pid> listed
 -<signal>, -s, --signal <signal>
                        specify the <signal> to be sent
 -q, --queue <value>    integer value to be sent with the signal
 -l, --list=[<signal>]  list all signal names, or convert one to a name
 -L, --table            list all signal names in a nice table

 -h, --help     display this help and exit
 -V, --version  output version information and exit

For more details see kill(1).
";

/// procps's signal_name_to_number: a name (any case, SIG prefix
/// optional, a few aliases), RTMIN[+N], EXIT/NULL for 0, or a number.
fn signal_number(name: &str) -> Option<i64> {
    let upper = name.to_ascii_uppercase();
    let n = upper.strip_prefix("SIG").unwrap_or(&upper);
    match n {
        "CLD" => return Some(17),
        "IO" => return Some(29),
        "IOT" => return Some(6),
        "RTMIN" => return Some(SIGRTMIN),
        "EXIT" | "NULL" => return Some(0),
        _ => {}
    }
    if let Some(i) = NAMES.iter().position(|&x| x == n) {
        return Some(i as i64 + 1);
    }
    let (digits, offset) = match n.strip_prefix("RTMIN+") {
        Some(rest) => (&name[name.len() - rest.len()..], SIGRTMIN),
        None => (&name[name.len() - n.len()..], 0),
    };
    let v = strtol_full(digits)?;
    if v + SIGRTMIN > 127 {
        return None;
    }
    Some(v + offset)
}

/// C's strtol on the whole string (base 10): None unless all of it is a
/// number.
fn strtol_full(s: &str) -> Option<i64> {
    let t = s.trim_start();
    let body = t.strip_prefix('-').or_else(|| t.strip_prefix('+')).unwrap_or(t);
    if body.is_empty() || !body.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    t.parse::<i64>().ok()
}

/// procps's strtosig for -l: a number gives its name, a name its number.
fn convert(s: &str) -> Option<String> {
    let upper = s.to_ascii_uppercase();
    let p = upper.strip_prefix("SIG").unwrap_or(&upper);
    if p.starts_with(|c: char| c.is_ascii_digit()) {
        let n = strtol_full(s)?;
        if n != 0 {
            return NAMES.get((n - 1) as usize).filter(|_| n >= 1).map(|x| x.to_string());
        }
    }
    NAMES.iter().position(|&x| x == p).map(|i| (i + 1).to_string())
}

fn list(out: &mut dyn Write) {
    let mut pos = 0;
    for (i, name) in NAMES.iter().enumerate() {
        if i > 0 {
            if pos > 73 {
                let _ = out.write_all(b"\n");
                pos = 0;
            } else {
                let _ = out.write_all(b" ");
                pos += 1;
            }
        }
        let _ = out.write_all(name.as_bytes());
        pos += name.len();
    }
    let _ = out.write_all(b"\n");
}

fn table(out: &mut dyn Write) {
    for (i, name) in NAMES.iter().enumerate() {
        let n = i + 1;
        let cell = format!("{:2} {}", n, name);
        let _ = out.write_all(cell.as_bytes());
        if n % 7 != 0 {
            let _ = out.write_all(" ".repeat(11usize.saturating_sub(cell.len())).as_bytes());
        } else {
            let _ = out.write_all(b"\n");
        }
    }
    let _ = out.write_all(b"\n");
}

fn usage_fail(c: char) -> i32 {
    show_error(&format!("invalid argument {}", c));
    eprint!("{}", USAGE);
    1
}

pub fn main(argv: &[String]) -> i32 {
    if argv.is_empty() {
        eprint!("{}", USAGE);
        return 1;
    }
    // The first -SIGNAL word anywhere sets the signal and is removed.
    let mut args: Vec<String> = argv.to_vec();
    let mut signal: Option<i64> = None;
    if let Some(i) = args.iter().position(|a| a.len() > 1 && a.starts_with('-') && signal_number(&a[1..]).is_some()) {
        signal = signal_number(&args[i][1..]);
        args.remove(i);
    }
    let mut out = stdout();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].clone();
        if a == "--" {
            i += 1;
            break;
        }
        if !a.starts_with('-') || a.len() < 2 {
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let opts = ["list", "table", "signal", "queue", "help", "version"];
            let matches: Vec<&&str> = opts.iter().filter(|o| o.starts_with(name)).collect();
            let opt = match matches.as_slice() {
                [one] => **one,
                _ => return usage_fail('?'),
            };
            match opt {
                "list" => return do_list(value.as_deref(), &mut out),
                "table" => {
                    table(&mut out);
                    let _ = out.flush();
                    return 0;
                }
                "help" => {
                    print!("{}", USAGE);
                    return 0;
                }
                "version" => {
                    println!("kill from procps-ng 4.0.2");
                    return 0;
                }
                _ => {
                    let v = match value {
                        Some(v) => v,
                        None => {
                            i += 1;
                            match args.get(i) {
                                Some(v) => v.clone(),
                                None => return usage_fail('?'),
                            }
                        }
                    };
                    if opt == "signal" {
                        signal = Some(signal_number(&v).unwrap_or(-1));
                    }
                }
            }
            i += 1;
            continue;
        }
        let mut chars = a[1..].char_indices();
        while let Some((pos, c)) = chars.next() {
            let rest = &a[1 + pos + c.len_utf8()..];
            match c {
                'l' => {
                    let operand = if !rest.is_empty() {
                        Some(rest.to_string())
                    } else {
                        args.get(i + 1).filter(|n| !n.starts_with('-')).cloned()
                    };
                    return do_list(operand.as_deref(), &mut out);
                }
                'L' => {
                    table(&mut out);
                    let _ = out.flush();
                    return 0;
                }
                'h' => {
                    print!("{}", USAGE);
                    return 0;
                }
                'V' => {
                    println!("kill from procps-ng 4.0.2");
                    return 0;
                }
                's' | 'q' | 'n' => {
                    let v = if !rest.is_empty() {
                        rest.to_string()
                    } else {
                        i += 1;
                        match args.get(i) {
                            Some(v) => v.clone(),
                            None => return usage_fail(c),
                        }
                    };
                    if c == 's' {
                        signal = Some(signal_number(&v).unwrap_or(-1));
                    } else if c == 'n' {
                        // bash's `kill -n NUMBER`.
                        signal = Some(strtol_full(&v).unwrap_or(-1));
                    } else if strtol_full(&v).is_none() {
                        show_error(&format!("must be an integer value to be passed with the signal.: '{}'", v));
                        return 1;
                    }
                    break;
                }
                d if d.is_ascii_digit() => {
                    // A negative pid: options end here.
                    return send(&args[i..], signal.unwrap_or(15));
                }
                other => return usage_fail(other),
            }
        }
        i += 1;
    }
    if i >= args.len() {
        eprint!("{}", USAGE);
        return 1;
    }
    send(&args[i..], signal.unwrap_or(15))
}

fn do_list(operand: Option<&str>, out: &mut dyn Write) -> i32 {
    match operand {
        Some(s) => match convert(s) {
            Some(v) => {
                let _ = writeln!(out, "{}", v);
            }
            None => show_error(&format!("unknown signal name {}", s)),
        },
        None => list(out),
    }
    let _ = out.flush();
    0
}

fn send(pids: &[String], signal: i64) -> i32 {
    let mut status = 0;
    for p in pids {
        match strtol_full(p) {
            Some(pid) => {
                let result = if pid <= 0 || pid > u32::MAX as i64 {
                    // Process groups and "all processes" are not the
                    // sandbox's to signal.
                    Err(std::io::Error::from_raw_os_error(if pid == 0 || pid == -1 { 63 } else { 71 }))
                } else if signal < 0 || signal > 64 {
                    // Linux reports a missing process before a bad signal.
                    wsutil::sys::kill(pid as u32, 0).and(Err(std::io::Error::from_raw_os_error(28)))
                } else {
                    wsutil::sys::kill(pid as u32, signal as u32)
                };
                if let Err(e) = result {
                    show_error(&format!("({}): {}", pid, strerror(&e)));
                    status = 1;
                }
            }
            None => {
                show_error(&format!("failed to parse argument: '{}'", p));
                status = 1;
            }
        }
    }
    status
}
