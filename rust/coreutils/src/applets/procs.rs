//! `uptime`, `free` and `ps`: the sandbox's processes and memory, read
//! from /proc.
//!
//! `uptime` prints GNU coreutils 9.1's line (plus procps's -p and -s);
//! `free` and `ps` follow procps-ng 4.0.2. The sandbox keeps no terminal,
//! CPU time, memory use or start time per process: those columns show ?,
//! zero, and the time the sandbox started. Times are in UTC.

use std::io::Write;
use wsutil::args::{self, HasArg, Item, Spec, HELP, LONG1, LONG2, LONG3, LONG4, LONG5, LONG6, LONG7, LONG8, VERSION};
use wsutil::io::stdout;
use wsutil::{report, show_error, Error};

pub const APPLETS: &[wsutil::Applet] = &[("uptime", uptime_main), ("free", free_main), ("ps", ps_main)];

/// Seconds since the sandbox started, from /proc/uptime.
fn uptime_secs() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/uptime").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

fn now_secs() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// (year, month, day, hour, minute, second) of a UTC time.
fn civil(t: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = t.div_euclid(86400);
    let secs = t.rem_euclid(86400) as u32;
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, secs / 3600, secs / 60 % 60, secs % 60)
}

fn plural(n: i64, word: &str) -> String {
    format!("{} {}{}", n, word, if n == 1 { "" } else { "s" })
}

pub fn uptime_main(argv: &[String]) -> i32 {
    const SPEC: Spec = Spec {
        short: "ps",
        long: &[
            ("pretty", HasArg::No, 'p'),
            ("since", HasArg::No, 's'),
            ("help", HasArg::No, HELP),
            ("version", HasArg::No, VERSION),
        ],
        stop_at_operand: false,
    };
    let items = match args::parse(&SPEC, argv) {
        Ok(i) => i,
        Err(e) => return report(&Error::Usage(e), 1),
    };
    let mut mode = ' ';
    let mut operands = Vec::new();
    for item in items {
        match item {
            Item::Opt(c @ ('p' | 's'), _) => mode = c,
            Item::Opt(HELP, _) => {
                print!("Usage: uptime [OPTION]... [FILE]\nPrint the current time, the length of time the system has been up,\nthe number of users on the system, and the average number of jobs\nin the run queue over the last 1, 5 and 15 minutes.\n\n  -p, --pretty   show uptime in pretty format\n  -s, --since    system up since\n      --help        display this help and exit\n      --version     output version information and exit\n");
                return 0;
            }
            Item::Opt(VERSION, _) => {
                println!("uptime (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return 0;
            }
            Item::Opt(_, _) => {}
            Item::Operand(o) => operands.push(o),
        }
    }
    if operands.len() > 1 {
        return report(
            &Error::Usage(wsutil::UsageError(format!("extra operand {}", wsutil::quote_locale(&operands[1])))),
            1,
        );
    }
    let up = uptime_secs().unwrap_or(0.0).max(0.0) as i64;
    let now = now_secs();
    let line = match mode {
        's' => {
            let (y, mo, d, h, mi, s) = civil(now - up);
            format!("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", y, mo, d, h, mi, s)
        }
        'p' => {
            let (weeks, days, hours, minutes) = (up / 604_800, up / 86400 % 7, up / 3600 % 24, up / 60 % 60);
            let mut parts = Vec::new();
            if weeks > 0 {
                parts.push(plural(weeks, "week"));
            }
            if days > 0 {
                parts.push(plural(days, "day"));
            }
            if hours > 0 {
                parts.push(plural(hours, "hour"));
            }
            if minutes > 0 || parts.is_empty() {
                parts.push(plural(minutes, "minute"));
            }
            format!("up {}", parts.join(", "))
        }
        _ => {
            let (_, _, _, h, mi, s) = civil(now);
            let days = up / 86400;
            let hours = up % 86400 / 3600;
            let mins = up % 3600 / 60;
            let span = if days > 0 {
                format!("up {} day{} {:2}:{:02},  ", days, if days == 1 { "" } else { "s" }, hours, mins)
            } else {
                format!("up  {:2}:{:02},  ", hours, mins)
            };
            // No logins are recorded in the sandbox; a load average only
            // if /proc/loadavg exists (getloadavg's source).
            let mut l = format!(" {:02}:{:02}:{:02}  {}0 users", h, mi, s, span);
            if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
                let v: Vec<f64> = load.split_whitespace().take(3).filter_map(|x| x.parse().ok()).collect();
                if !v.is_empty() {
                    let shown: Vec<String> = v.iter().map(|x| format!("{:.2}", x)).collect();
                    l.push_str(&format!(",  load average: {}", shown.join(", ")));
                }
            }
            l
        }
    };
    println!("{}", line);
    0
}

// ------------------------------------------------------------------ free

const FREE_USAGE: &str = "
Usage:
 free [options]

Options:
 -b, --bytes         show output in bytes
     --kilo          show output in kilobytes
     --mega          show output in megabytes
     --giga          show output in gigabytes
     --tera          show output in terabytes
     --peta          show output in petabytes
 -k, --kibi          show output in kibibytes
 -m, --mebi          show output in mebibytes
 -g, --gibi          show output in gibibytes
     --tebi          show output in tebibytes
     --pebi          show output in pebibytes
 -h, --human         show human-readable output
     --si            use powers of 1000 not 1024
 -l, --lohi          show detailed low and high memory statistics
 -t, --total         show total for RAM + swap
 -v, --committed     show committed memory and commit limit
 -s N, --seconds N   repeat printing every N seconds
 -c N, --count N     repeat printing N times, then exit
 -w, --wide          wide output

     --help     display this help and exit
 -V, --version  output version information and exit

For more details see free(1).
";

/// How free prints sizes: a unit exponent (0: KiB, 1: bytes, n: base^(n-1))
/// or human-readable, in powers of 1024 or (--si) 1000.
struct Scale {
    exponent: u32,
    human: bool,
    si: bool,
}

impl Scale {
    fn show(&self, kib: u64) -> String {
        let base: f64 = if self.si { 1000.0 } else { 1024.0 };
        let bytes = kib as i128 * 1024;
        if !self.human {
            return match self.exponent {
                0 => format!("{}", (bytes as f64 / base) as i64),
                1 => format!("{}", bytes),
                e => format!("{}", (bytes as f64 / base.powi(e as i32 - 1)) as i64),
            };
        }
        let s = format!("{}B", bytes);
        if s.len() <= 4 {
            return s;
        }
        let units = ['K', 'M', 'G', 'T', 'P'];
        let mut last = s;
        for (i, u) in units.iter().enumerate() {
            let v = (bytes as f64 / base.powi(i as i32 + 1)) as f32 as f64;
            if self.si {
                let a = format!("{:.1}{}", v, u);
                if a.len() <= 4 {
                    return a;
                }
                let b = format!("{}{}", v as i64, u);
                if b.len() <= 4 {
                    return b;
                }
                last = b;
            } else {
                let a = format!("{:.1}{}i", v, u);
                if a.len() <= 5 {
                    return a;
                }
                let b = format!("{}{}i", v as i64, u);
                if b.len() <= 5 {
                    return b;
                }
                last = b;
            }
        }
        last
    }
}

/// The fields of /proc/meminfo free needs, in KiB.
fn meminfo() -> std::collections::HashMap<String, u64> {
    let text = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    text.lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            Some((k.trim().to_string(), v.split_whitespace().next()?.parse().ok()?))
        })
        .collect()
}

fn free_usage_error(msg: &str) -> i32 {
    show_error(msg);
    eprint!("{}", FREE_USAGE);
    1
}

pub fn free_main(argv: &[String]) -> i32 {
    const SPEC: Spec = Spec {
        short: "bkmghltvs:c:wV",
        long: &[
            ("bytes", HasArg::No, 'b'),
            ("kilo", HasArg::No, LONG1),
            ("mega", HasArg::No, LONG2),
            ("giga", HasArg::No, LONG3),
            ("tera", HasArg::No, LONG4),
            ("peta", HasArg::No, LONG5),
            ("kibi", HasArg::No, 'k'),
            ("mebi", HasArg::No, 'm'),
            ("gibi", HasArg::No, 'g'),
            ("tebi", HasArg::No, LONG6),
            ("pebi", HasArg::No, LONG7),
            ("human", HasArg::No, 'h'),
            ("si", HasArg::No, LONG8),
            ("lohi", HasArg::No, 'l'),
            ("total", HasArg::No, 't'),
            ("committed", HasArg::No, 'v'),
            ("seconds", HasArg::Required, 's'),
            ("count", HasArg::Required, 'c'),
            ("wide", HasArg::No, 'w'),
            ("help", HasArg::No, HELP),
            ("version", HasArg::No, 'V'),
        ],
        stop_at_operand: false,
    };
    let items = match args::parse(&SPEC, argv) {
        Ok(i) => i,
        Err(e) => return free_usage_error(&e.0),
    };
    let mut scale = Scale { exponent: 0, human: false, si: false };
    let (mut total, mut wide) = (false, false);
    for item in items {
        match item {
            Item::Opt('b', _) => scale.exponent = 1,
            Item::Opt('k', _) => scale.exponent = 2,
            Item::Opt('m', _) => scale.exponent = 3,
            Item::Opt('g', _) => scale.exponent = 4,
            Item::Opt(LONG6, _) => scale.exponent = 5,
            Item::Opt(LONG7, _) => scale.exponent = 6,
            Item::Opt(c @ (LONG1 | LONG2 | LONG3 | LONG4 | LONG5), _) => {
                scale.exponent = 2 + (c as u32 - LONG1 as u32);
                scale.si = true;
            }
            Item::Opt('h', _) => scale.human = true,
            Item::Opt(LONG8, _) => scale.si = true,
            Item::Opt('t', _) => total = true,
            Item::Opt('w', _) => wide = true,
            Item::Opt(HELP, _) => {
                print!("{}", FREE_USAGE);
                return 0;
            }
            Item::Opt('V', _) => {
                println!("free from procps-ng 4.0.2");
                return 0;
            }
            Item::Opt(c, _) => {
                let long = match c {
                    'l' => "--lohi",
                    'v' => "--committed",
                    's' => "--seconds",
                    _ => "--count",
                };
                return report(&Error::Unsupported(long.into()), 1);
            }
            Item::Operand(o) => return free_usage_error(&format!("extra operand '{}'", o)),
        }
    }
    let m = meminfo();
    let get = |k: &str| m.get(k).copied().unwrap_or(0);
    let mem_total = get("MemTotal");
    let mem_free = get("MemFree");
    let available = m.get("MemAvailable").copied().unwrap_or(mem_free);
    let buffers = get("Buffers");
    let cached = get("Cached") + get("SReclaimable");
    let shared = get("Shmem");
    let used = mem_total.saturating_sub(available);
    let swap_total = get("SwapTotal");
    let swap_free = get("SwapFree");
    let swap_used = swap_total.saturating_sub(swap_free);
    let mut out = stdout();
    let header = if wide {
        "               total        used        free      shared     buffers       cache   available"
    } else {
        "               total        used        free      shared  buff/cache   available"
    };
    let row = |label: &str, values: &[u64]| -> String {
        let mut s = format!("{:<9}", label);
        for (i, v) in values.iter().enumerate() {
            if i == 0 {
                s.push_str(&format!("{:>11}", scale.show(*v)));
            } else {
                s.push_str(&format!(" {:>11}", scale.show(*v)));
            }
        }
        s
    };
    let mem_values: Vec<u64> = if wide {
        vec![mem_total, used, mem_free, shared, buffers, cached, available]
    } else {
        vec![mem_total, used, mem_free, shared, buffers + cached, available]
    };
    let _ = writeln!(out, "{}", header);
    let _ = writeln!(out, "{}", row("Mem:", &mem_values));
    let _ = writeln!(out, "{}", row("Swap:", &[swap_total, swap_used, swap_free]));
    if total {
        let _ = writeln!(
            out,
            "{}",
            row("Total:", &[mem_total + swap_total, used + swap_used, mem_free + swap_free])
        );
    }
    let _ = out.flush();
    0
}

// ------------------------------------------------------------------ ps

/// A process as /proc shows it.
struct Proc {
    pid: u32,
    ppid: u32,
    uid: u32,
    state: char,
    name: String,
    args: Vec<String>,
}

fn processes() -> Vec<Proc> {
    let mut v = Vec::new();
    let entries = match std::fs::read_dir("/proc") {
        Ok(e) => e,
        Err(_) => return v,
    };
    for e in entries.flatten() {
        let pid: u32 = match e.file_name().to_string_lossy().parse() {
            Ok(p) => p,
            Err(_) => continue,
        };
        let status = match std::fs::read_to_string(format!("/proc/{}/status", pid)) {
            Ok(s) => s,
            Err(_) => continue,
        };
        let field = |k: &str| status.lines().find_map(|l| l.strip_prefix(k)).map(|r| r.trim().to_string());
        let cmdline = std::fs::read(format!("/proc/{}/cmdline", pid)).unwrap_or_default();
        let args: Vec<String> =
            cmdline.split(|&b| b == 0).filter(|a| !a.is_empty()).map(|a| String::from_utf8_lossy(a).into_owned()).collect();
        v.push(Proc {
            pid,
            ppid: field("PPid:").and_then(|p| p.parse().ok()).unwrap_or(0),
            uid: field("Uid:").and_then(|u| u.split_whitespace().next().and_then(|x| x.parse().ok())).unwrap_or(1000),
            state: field("State:").and_then(|s| s.chars().next()).unwrap_or('R'),
            name: field("Name:").unwrap_or_default(),
            args,
        });
    }
    v.sort_by_key(|p| p.pid);
    v
}

fn user_name(uid: u32) -> String {
    let text = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    text.lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            if f.len() > 2 && f[2].parse::<u32>().ok() == Some(uid) {
                Some(f[0].to_string())
            } else {
                None
            }
        })
        .unwrap_or_else(|| uid.to_string())
}

/// procps's column layouts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    Default,
    Full,
    User,
    Bsd,
}

pub fn ps_main(argv: &[String]) -> i32 {
    let mut layout = Layout::Default;
    let mut all = false;
    let mut pids: Option<Vec<u32>> = None;
    let mut bsd = false;
    let mut i = 0;
    while i < argv.len() {
        let a = &argv[i];
        if a == "--help" {
            print!("\nUsage:\n ps [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1).\n");
            return 0;
        }
        if a == "--version" || a == "-V" || a == "V" {
            println!("ps from procps-ng 4.0.2");
            return 0;
        }
        let (dash, body) = match a.strip_prefix('-') {
            Some(b) => (true, b),
            None => (false, a.as_str()),
        };
        if dash && body.starts_with('-') {
            return report(&Error::Unsupported(a.clone()), 1);
        }
        for c in body.chars() {
            match (dash, c) {
                (true, 'e') | (true, 'A') => all = true,
                (true, 'f') => layout = Layout::Full,
                (true, 'p') | (false, 'p') => {
                    i += 1;
                    let list = match argv.get(i) {
                        Some(l) => l,
                        None => {
                            eprintln!("error: list of process IDs must follow -p\n\nUsage:\n ps [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1).");
                            return 1;
                        }
                    };
                    let parsed: Option<Vec<u32>> = list.split(|c| c == ',' || c == ' ').map(|p| p.parse().ok()).collect();
                    match parsed {
                        Some(p) => pids = Some(p),
                        None => {
                            eprintln!("error: process ID list syntax error");
                            return 1;
                        }
                    }
                    break;
                }
                (false, 'a') | (false, 'x') => {
                    bsd = true;
                    all = true;
                }
                (false, 'u') => {
                    bsd = true;
                    layout = Layout::User;
                }
                (false, 'w') | (true, 'w') => {}
                _ => {
                    let flag = if dash { format!("-{}", c) } else { c.to_string() };
                    return report(&Error::Unsupported(flag), 1);
                }
            }
        }
        i += 1;
    }
    if bsd && layout == Layout::Default {
        layout = Layout::Bsd;
    }
    let _ = all;
    let mut procs = processes();
    if let Some(list) = &pids {
        procs.retain(|p| list.contains(&p.pid));
    }
    let boot = now_secs() - uptime_secs().unwrap_or(0.0) as i64;
    let (_, _, _, bh, bm, _) = civil(boot);
    let start = format!("{:02}:{:02}", bh, bm);
    let command = |p: &Proc| if p.args.is_empty() { format!("[{}]", p.name) } else { p.args.join(" ") };
    let mut out = stdout();
    let mut status = 0;
    if procs.is_empty() {
        status = 1;
    }
    match layout {
        Layout::Default => {
            let _ = writeln!(out, "  PID TTY          TIME CMD");
            for p in &procs {
                let _ = writeln!(out, "{:>5} {:<8} {:>8} {}", p.pid, "?", "00:00:00", p.name);
            }
        }
        Layout::Full => {
            let _ = writeln!(out, "UID        PID  PPID  C STIME TTY          TIME CMD");
            for p in &procs {
                let _ = writeln!(
                    out,
                    "{:<8} {:>5} {:>5} {:>2} {:>5} {:<8} {:>8} {}",
                    user_name(p.uid),
                    p.pid,
                    p.ppid,
                    0,
                    start,
                    "?",
                    "00:00:00",
                    command(p)
                );
            }
        }
        Layout::User => {
            let _ = writeln!(out, "USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND");
            for p in &procs {
                let _ = writeln!(
                    out,
                    "{:<8} {:>5} {:>4} {:>4} {:>6} {:>5} {:<8} {:<4} {:>5} {:>6} {}",
                    user_name(p.uid),
                    p.pid,
                    "0.0",
                    "0.0",
                    0,
                    0,
                    "?",
                    p.state,
                    start,
                    "0:00",
                    command(p)
                );
            }
        }
        Layout::Bsd => {
            let _ = writeln!(out, "  PID TTY      STAT   TIME COMMAND");
            for p in &procs {
                let _ = writeln!(out, "{:>5} {:<8} {:<4} {:>6} {}", p.pid, "?", p.state, "0:00", command(p));
            }
        }
    }
    let _ = out.flush();
    status
}
