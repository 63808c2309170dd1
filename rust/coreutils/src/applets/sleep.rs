//! `sleep`: delay for the sum of the given intervals (GNU coreutils).
//!
//! Each operand is a number (C syntax: `1.5`, `1e3`, `0x10`, `inf`) with
//! an optional unit s, m, h or d. The wait is `std::thread::sleep`, which
//! WASI turns into `poll_oneoff`: the sandbox suspends the process and
//! runs the others meanwhile.

use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::xfloat::{self, XFloat};
use wsutil::{quote_locale, report, show_error, Error, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("sleep", main)];

const SPEC: Spec = Spec {
    short: "",
    long: &[("help", HasArg::No, HELP), ("version", HasArg::No, VERSION)],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: sleep NUMBER[SUFFIX]...
  or:  sleep OPTION
Pause for NUMBER seconds.  SUFFIX may be 's' for seconds (the default),
'm' for minutes, 'h' for hours or 'd' for days.  NUMBER need not be an
integer.  Given two or more arguments, pause for the amount of time
specified by the sum of their values.

      --help        display this help and exit
      --version     output version information and exit
";

/// Seconds for one operand, or None if it is not a valid interval.
fn interval(s: &str) -> Option<f64> {
    let parsed = xfloat::parse(s.as_bytes());
    if parsed.used == 0 {
        return None;
    }
    let v = match parsed.value {
        XFloat::Nan { .. } => return None,
        other => other.to_f64(),
    };
    if !(v >= 0.0) {
        return None;
    }
    let rest = &s[parsed.used..];
    let mult = match rest {
        "" | "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        "d" => 86400.0,
        _ => return None,
    };
    Some(v * mult)
}

pub fn main(argv: &[String]) -> i32 {
    let items = match args::parse(&SPEC, argv) {
        Ok(i) => i,
        Err(e) => return report(&Error::Usage(e), 1),
    };
    let mut operands = Vec::new();
    for item in items {
        match item {
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return 0;
            }
            Item::Opt(VERSION, _) => {
                println!("sleep (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return 0;
            }
            Item::Opt(_, _) => {}
            Item::Operand(o) => operands.push(o),
        }
    }
    if operands.is_empty() {
        return report(&Error::Usage(UsageError("missing operand".into())), 1);
    }
    let mut total = 0.0f64;
    let mut ok = true;
    for o in &operands {
        match interval(o) {
            Some(s) => total += s,
            None => {
                show_error(&format!("invalid time interval {}", quote_locale(o)));
                ok = false;
            }
        }
    }
    if !ok {
        eprintln!("Try 'sleep --help' for more information.");
        return 1;
    }
    // Sleep in bounded steps: a Duration cannot hold infinity.
    let mut left = total;
    while left > 0.0 {
        let step = left.min(86400.0 * 365.0);
        std::thread::sleep(std::time::Duration::from_secs_f64(step));
        if total.is_finite() {
            left -= step;
        }
    }
    0
}
