//! `timeout`: run a command with a time limit (GNU coreutils 9.1).
//!
//! The command runs under the sandbox's scheduler like any other process;
//! timeout waits for it with the `wait` import's deadline and, when that
//! passes, sends the signal with `kill` (the sandbox ends the process with
//! status 128+N; only CHLD, CONT, URG and WINCH are ignored). Statuses are
//! GNU's: the command's own, 124 when it timed out, 137 when it had to be
//! killed with KILL, 125-127 when timeout itself failed.

use wsutil::args::{self, HasArg, Item, Spec, HELP, LONG1, LONG2, VERSION};
use wsutil::sys::{self, SpawnRequest};
use wsutil::{quote_locale, show_error, strerror, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("timeout", main)];

const SPEC: Spec = Spec {
    short: "k:s:v",
    long: &[
        ("kill-after", HasArg::Required, 'k'),
        ("signal", HasArg::Required, 's'),
        ("verbose", HasArg::No, 'v'),
        ("preserve-status", HasArg::No, LONG1),
        ("foreground", HasArg::No, LONG2),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: true,
};

const USAGE: &str = "Usage: timeout [OPTION] DURATION COMMAND [ARG]...
  or:  timeout [OPTION]
Start COMMAND, and kill it if still running after DURATION.

Mandatory arguments to long options are mandatory for short options too.
      --preserve-status
                 exit with the same status as COMMAND, even when the
                   command times out
      --foreground
                 when not running timeout directly from a shell prompt,
                   allow COMMAND to read from the TTY and get TTY signals;
                   in this mode, children of COMMAND will not be timed out
  -k, --kill-after=DURATION
                 also send a KILL signal if COMMAND is still running
                   this long after the initial signal was sent
  -s, --signal=SIGNAL
                 specify the signal to be sent on timeout;
                   SIGNAL may be a name like 'HUP' or a number;
                   see 'kill -l' for a list of signals
  -v, --verbose  diagnose to stderr any signal sent upon timeout

DURATION is a floating point number with an optional suffix:
's' for seconds (the default), 'm' for minutes, 'h' for hours or 'd' for days.
A duration of 0 disables the associated timeout.

Upon timeout, send the TERM signal to COMMAND, if no other SIGNAL specified.
The TERM signal kills any process that does not block or catch that signal.
It may be necessary to use the KILL signal, since this signal can't be caught.

Exit status:
  124  if COMMAND times out, and --preserve-status is not specified
  125  if the timeout command itself fails
  126  if COMMAND is found but cannot be invoked
  127  if COMMAND cannot be found
  -    the exit status of COMMAND otherwise
";

const EXIT_TIMEDOUT: i32 = 124;
const EXIT_CANCELED: i32 = 125;
const SIGKILL: u32 = 9;

/// Linux's signal names, by number (glibc keeps 32 and 33 for itself).
const NAMES: [&str; 32] = [
    "EXIT", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM",
    "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH",
    "POLL", "PWR", "SYS",
];
const RTMIN: u32 = 34;
const RTMAX: u32 = 64;

/// A signal's name as `kill -l` and timeout -v give it.
pub fn signal_name(sig: u32) -> Option<String> {
    if (sig as usize) < NAMES.len() {
        return Some(NAMES[sig as usize].to_string());
    }
    if !(RTMIN..=RTMAX).contains(&sig) {
        return None;
    }
    let half = (RTMIN + RTMAX) / 2;
    Some(if sig == RTMIN {
        "RTMIN".into()
    } else if sig == RTMAX {
        "RTMAX".into()
    } else if sig <= half {
        format!("RTMIN+{}", sig - RTMIN)
    } else {
        format!("RTMAX-{}", RTMAX - sig)
    })
}

fn name_to_sig(name: &str) -> Option<u32> {
    let extra: &[(&str, u32)] = &[("IOT", 6), ("CLD", 17), ("IO", 29)];
    if let Some(k) = NAMES.iter().position(|n| *n == name) {
        return Some(k as u32);
    }
    if let Some((_, n)) = extra.iter().find(|(n, _)| *n == name) {
        return Some(*n);
    }
    let offset = |rest: &str| -> Option<u32> {
        if rest.is_empty() {
            return Some(0);
        }
        let d = rest.strip_prefix(|c| c == '+' || c == '-')?;
        if d.is_empty() || !d.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        d.parse().ok()
    };
    if let Some(rest) = name.strip_prefix("RTMIN") {
        if rest.starts_with('-') {
            return None;
        }
        let n = RTMIN + offset(rest)?;
        return if n <= RTMAX { Some(n) } else { None };
    }
    if let Some(rest) = name.strip_prefix("RTMAX") {
        if rest.starts_with('+') {
            return None;
        }
        let n = RTMAX.checked_sub(offset(rest)?)?;
        return if n >= RTMIN { Some(n) } else { None };
    }
    None
}

/// coreutils' operand2sig: a number or a name (any case, SIG optional).
pub fn parse_signal(s: &str) -> Option<u32> {
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u64 = s.parse().ok()?;
        let n = if n >= 0xFF { n & 0xFF } else { n & 0x7F } as u32;
        return signal_name(n).map(|_| n);
    }
    let up = s.to_ascii_uppercase();
    name_to_sig(&up).or_else(|| up.strip_prefix("SIG").and_then(name_to_sig))
}

/// A DURATION: a C float (hex allowed) and an optional s/m/h/d suffix;
/// None when invalid. Infinity is allowed (no limit).
fn parse_duration(s: &str) -> Option<f64> {
    let t = s.trim_start_matches(|c: char| c == ' ' || ('\t'..='\r').contains(&c));
    let (num, mult) = match t.as_bytes().last() {
        Some(b's') => (&t[..t.len() - 1], 1.0),
        Some(b'm') => (&t[..t.len() - 1], 60.0),
        Some(b'h') => (&t[..t.len() - 1], 3600.0),
        Some(b'd') => (&t[..t.len() - 1], 86400.0),
        _ => (t, 1.0),
    };
    let v = c_float(num)?;
    if v.is_nan() || v < 0.0 || num.starts_with('-') {
        return None;
    }
    Some(v * mult)
}

/// C's strtod over the whole string: decimal, hexadecimal, inf.
fn c_float(s: &str) -> Option<f64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let v = if lower == "inf" || lower == "infinity" {
        f64::INFINITY
    } else if lower == "nan" {
        f64::NAN
    } else if let Some(h) = lower.strip_prefix("0x") {
        hex_float(h)?
    } else {
        let ok = !body.is_empty()
            && body.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
            && body.bytes().any(|b| b.is_ascii_digit())
            && !body.starts_with(|c| c == '+' || c == '-' || c == 'e' || c == 'E');
        if !ok {
            return None;
        }
        match body.parse::<f64>() {
            Ok(v) => v,
            Err(_) => {
                // "5." and ".5e" forms Rust refuses but C reads.
                let trimmed = body.trim_end_matches(|c| c == 'e' || c == 'E');
                trimmed.parse::<f64>().ok()?
            }
        }
    };
    Some(if neg { -v } else { v })
}

fn hex_float(h: &str) -> Option<f64> {
    let (mant, exp) = match h.find('p') {
        Some(k) => (&h[..k], h[k + 1..].parse::<i32>().ok()?),
        None => (h, 0),
    };
    let mut v = 0f64;
    let mut scale = 0;
    let mut point = false;
    let mut any = false;
    for c in mant.chars() {
        if c == '.' && !point {
            point = true;
            continue;
        }
        v = v * 16.0 + c.to_digit(16)? as f64;
        any = true;
        if point {
            scale -= 4;
        }
    }
    if !any {
        return None;
    }
    Some(v * 2f64.powi(exp + scale))
}

fn to_ns(secs: f64) -> Option<u64> {
    if secs <= 0.0 || !secs.is_finite() || secs >= 1e10 {
        return None;
    }
    Some(((secs * 1e9).ceil() as u64).max(1))
}

struct Usage(String);

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(Usage(msg)) => {
            if !msg.is_empty() {
                show_error(&msg);
            }
            eprintln!("Try 'timeout --help' for more information.");
            EXIT_CANCELED
        }
    }
}

fn run(argv: &[String]) -> Result<i32, Usage> {
    let mut sig: u32 = 15;
    let mut kill_after: Option<f64> = None;
    let mut verbose = false;
    let mut preserve = false;
    let mut rest = Vec::new();
    let items = args::parse(&SPEC, argv).map_err(|UsageError(m)| Usage(m))?;
    for item in items {
        match item {
            Item::Opt('k', Some(v)) => {
                kill_after = Some(parse_duration(&v).ok_or_else(|| Usage(format!("invalid time interval {}", quote_locale(&v))))?);
            }
            Item::Opt('s', Some(v)) => {
                sig = parse_signal(&v).ok_or_else(|| Usage(format!("{}: invalid signal", quote_locale(&v))))?;
            }
            Item::Opt('v', _) => verbose = true,
            Item::Opt(LONG1, _) => preserve = true,
            Item::Opt(LONG2, _) => {}
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("timeout (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(o) => rest.push(o),
        }
    }
    if rest.len() < 2 {
        return Err(Usage(String::new()));
    }
    let duration = parse_duration(&rest[0]).ok_or_else(|| Usage(format!("invalid time interval {}", quote_locale(&rest[0]))))?;
    let command = &rest[1..];
    let req = SpawnRequest { argv: command, env: None, cwd: None, fds: &[] };
    let pid = match sys::spawn(&req) {
        Ok(pid) => pid,
        Err(e) => {
            show_error(&format!("failed to run command {}: {}", quote_locale(&command[0]), strerror(&e)));
            return Ok(if e.raw_os_error() == Some(44) { 127 } else { 126 });
        }
    };
    let status = match sys::wait(pid, to_ns(duration)) {
        Ok(Some(status)) => return Ok(status as i32),
        Ok(None) => timed_out(pid, sig, kill_after, verbose, &command[0]),
        Err(e) => {
            show_error(&format!("error waiting for command: {}", strerror(&e)));
            return Ok(EXIT_CANCELED);
        }
    };
    // A command that had to be killed says so, as with KILL under GNU.
    if status == 128 + SIGKILL || preserve {
        return Ok(status as i32);
    }
    Ok(EXIT_TIMEDOUT)
}

fn send(pid: u32, sig: u32, verbose: bool, command: &str) {
    if verbose {
        show_error(&format!(
            "sending signal {} to command {}",
            signal_name(sig).unwrap_or_else(|| sig.to_string()),
            quote_locale(command)
        ));
    }
    if sig != 0 {
        let _ = sys::kill(pid, sig);
    }
}

/// After the deadline: the signal, then KILL after -k's delay; returns the
/// command's final status.
fn timed_out(pid: u32, sig: u32, kill_after: Option<f64>, verbose: bool, command: &str) -> u32 {
    send(pid, sig, verbose, command);
    if let Some(ns) = kill_after.and_then(to_ns) {
        match sys::wait(pid, Some(ns)) {
            Ok(Some(status)) => return status,
            Ok(None) => send(pid, SIGKILL, verbose, command),
            Err(_) => return 128 + sig,
        }
    }
    match sys::wait(pid, None) {
        Ok(Some(status)) => status,
        _ => 128 + sig,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals() {
        assert_eq!(parse_signal("term"), Some(15));
        assert_eq!(parse_signal("SIGKILL"), Some(9));
        assert_eq!(parse_signal("33"), None);
        assert_eq!(parse_signal("34"), Some(34));
        assert_eq!(parse_signal("RTMIN+2"), Some(36));
        assert_eq!(parse_signal("rtmax-1"), Some(63));
        assert_eq!(signal_name(36).as_deref(), Some("RTMIN+2"));
        assert_eq!(signal_name(63).as_deref(), Some("RTMAX-1"));
        assert_eq!(parse_signal("9x"), None);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1.5m"), Some(90.0));
        assert_eq!(parse_duration("0x10"), Some(16.0));
        assert_eq!(parse_duration(".5s"), Some(0.5));
        assert_eq!(parse_duration("1e-1"), Some(0.1));
        assert_eq!(parse_duration("1x"), None);
        assert_eq!(parse_duration("-1"), None);
        assert_eq!(parse_duration("nan"), None);
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("inf"), Some(f64::INFINITY));
    }
}
