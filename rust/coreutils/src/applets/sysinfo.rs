//! `uname`, `hostname` and `nproc`: what the system is.
//!
//! The sandbox is a Linux-like system on a wasm32 machine: the kernel
//! release and version come from /proc/version, the node name from
//! /etc/hostname, and there is one processor.

use std::io::Write;
use wsutil::args::{self, HasArg, Item, Spec, HELP, LONG1, LONG2, VERSION};
use wsutil::io::stdout;
use wsutil::{quote_locale, report, show_error, Error, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("uname", uname_main), ("hostname", hostname_main), ("nproc", nproc_main)];

fn usage_error(msg: String) -> i32 {
    report(&Error::Usage(UsageError(msg)), 1)
}

/// The node name: the first line of /etc/hostname.
fn node_name() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .and_then(|t| t.lines().next().map(|l| l.trim().to_string()))
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| "wasmsand".to_string())
}

/// (release, version) from /proc/version: "Linux version R (who) V".
fn kernel() -> (String, String) {
    let text = std::fs::read_to_string("/proc/version").unwrap_or_default();
    let rest = text.trim().strip_prefix("Linux version ").unwrap_or("");
    let (release, tail) = rest.split_once(' ').unwrap_or((rest, ""));
    let version = match tail.find(") ") {
        Some(p) if tail.starts_with('(') => &tail[p + 2..],
        _ => tail,
    };
    let release = if release.is_empty() { "6.1.0-wasmsand" } else { release };
    let version = if version.is_empty() { "#1 SMP WebAssembly" } else { version };
    (release.to_string(), version.to_string())
}

const UNAME_SPEC: Spec = Spec {
    short: "asnrvmpio",
    long: &[
        ("all", HasArg::No, 'a'),
        ("kernel-name", HasArg::No, 's'),
        ("sysname", HasArg::No, 's'),
        ("nodename", HasArg::No, 'n'),
        ("kernel-release", HasArg::No, 'r'),
        ("release", HasArg::No, 'r'),
        ("kernel-version", HasArg::No, 'v'),
        ("machine", HasArg::No, 'm'),
        ("processor", HasArg::No, 'p'),
        ("hardware-platform", HasArg::No, 'i'),
        ("operating-system", HasArg::No, 'o'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const UNAME_USAGE: &str = "Usage: uname [OPTION]...
Print certain system information.  With no OPTION, same as -s.

  -a, --all                print all information, in the following order,
                             except omit -p and -i if unknown:
  -s, --kernel-name        print the kernel name
  -n, --nodename           print the network node hostname
  -r, --kernel-release     print the kernel release
  -v, --kernel-version     print the kernel version
  -m, --machine            print the machine hardware name
  -p, --processor          print the processor type (non-portable)
  -i, --hardware-platform  print the hardware platform (non-portable)
  -o, --operating-system   print the operating system
      --help        display this help and exit
      --version     output version information and exit
";

pub fn uname_main(argv: &[String]) -> i32 {
    let items = match args::parse(&UNAME_SPEC, argv) {
        Ok(i) => i,
        Err(e) => return report(&Error::Usage(e), 1),
    };
    // Bits in the order of the output: s n r v m p i o.
    let mut want = [false; 8];
    let mut all = false;
    for item in items {
        match item {
            Item::Opt('a', _) => all = true,
            Item::Opt(HELP, _) => {
                print!("{}", UNAME_USAGE);
                return 0;
            }
            Item::Opt(VERSION, _) => {
                println!("uname (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return 0;
            }
            Item::Opt(c, _) => {
                if let Some(i) = "snrvmpio".find(c) {
                    want[i] = true;
                }
            }
            Item::Operand(o) => return usage_error(format!("extra operand {}", quote_locale(&o))),
        }
    }
    if all {
        // -a leaves out -p and -i when they are unknown (they are).
        for (i, w) in want.iter_mut().enumerate() {
            if i != 5 && i != 6 {
                *w = true;
            }
        }
    }
    if !want.iter().any(|&w| w) {
        want[0] = true;
    }
    let (release, version) = kernel();
    let values = [
        "Linux".to_string(),
        node_name(),
        release,
        version,
        "wasm32".to_string(),
        "unknown".to_string(),
        "unknown".to_string(),
        "GNU/Linux".to_string(),
    ];
    let parts: Vec<&str> = values.iter().zip(want.iter()).filter(|(_, &w)| w).map(|(v, _)| v.as_str()).collect();
    let mut out = stdout();
    let _ = writeln!(out, "{}", parts.join(" "));
    let _ = out.flush();
    0
}

const HOSTNAME_SPEC: Spec = Spec {
    short: "aAbdfF:iIsyVh",
    long: &[
        ("alias", HasArg::No, 'a'),
        ("all-fqdns", HasArg::No, 'A'),
        ("boot", HasArg::No, 'b'),
        ("domain", HasArg::No, 'd'),
        ("fqdn", HasArg::No, 'f'),
        ("long", HasArg::No, 'f'),
        ("file", HasArg::Required, 'F'),
        ("ip-address", HasArg::No, 'i'),
        ("all-ip-addresses", HasArg::No, 'I'),
        ("short", HasArg::No, 's'),
        ("yp", HasArg::No, 'y'),
        ("nis", HasArg::No, 'y'),
        ("version", HasArg::No, 'V'),
        ("help", HasArg::No, 'h'),
    ],
    stop_at_operand: false,
};

/// The address /etc/hosts gives for a name.
fn host_address(name: &str) -> Option<String> {
    let hosts = std::fs::read_to_string("/etc/hosts").ok()?;
    hosts.lines().find_map(|l| {
        let mut f = l.split_whitespace();
        let addr = f.next()?;
        if addr.starts_with('#') {
            return None;
        }
        if f.any(|n| n == name) {
            Some(addr.to_string())
        } else {
            None
        }
    })
}

pub fn hostname_main(argv: &[String]) -> i32 {
    let items = match args::parse(&HOSTNAME_SPEC, argv) {
        Ok(i) => i,
        Err(e) => {
            show_error(&e.0);
            return 1;
        }
    };
    let mut what = 'n';
    for item in items {
        match item {
            Item::Opt('h', _) => {
                print!("Usage: hostname [-b] {{hostname|-F file}}         set host name (from file)\n       hostname [-a|-A|-d|-f|-i|-I|-s|-y]       display formatted name\n       hostname                                 display host name\n");
                return 0;
            }
            Item::Opt('V', _) => {
                println!("hostname (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return 0;
            }
            Item::Opt(c @ ('s' | 'f' | 'd' | 'i'), _) => what = c,
            Item::Opt(c, _) => {
                let long = match c {
                    'a' => "--alias",
                    'A' => "--all-fqdns",
                    'b' => "--boot",
                    'F' => "--file",
                    'I' => "--all-ip-addresses",
                    _ => "--yp",
                };
                return report(&Error::Unsupported(long.to_string()), 1);
            }
            Item::Operand(_) => {
                show_error("you must be root to change the host name");
                return 1;
            }
        }
    }
    let name = node_name();
    let line = match what {
        's' => name.split('.').next().unwrap_or("").to_string(),
        'd' => name.split_once('.').map(|(_, d)| d.to_string()).unwrap_or_default(),
        'i' => match host_address(&name) {
            Some(a) => format!("{} ", a),
            None => {
                show_error("Name or service not known");
                return 1;
            }
        },
        _ => name,
    };
    println!("{}", line);
    0
}

const NPROC_SPEC: Spec = Spec {
    short: "",
    long: &[
        ("all", HasArg::No, LONG1),
        ("ignore", HasArg::Required, LONG2),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

/// The leading positive count of an OpenMP variable (`4` or `4,2`).
fn omp(var: &str) -> Option<u64> {
    let v = std::env::var(var).ok()?;
    let first = v.trim().split(',').next()?.trim();
    first.parse::<u64>().ok().filter(|&n| n > 0)
}

pub fn nproc_main(argv: &[String]) -> i32 {
    let items = match args::parse(&NPROC_SPEC, argv) {
        Ok(i) => i,
        Err(e) => return report(&Error::Usage(e), 1),
    };
    let mut all = false;
    let mut ignore = 0u64;
    for item in items {
        match item {
            Item::Opt(LONG1, _) => all = true,
            Item::Opt(LONG2, Some(v)) => match v.trim_start().parse::<u64>() {
                Ok(n) => ignore = n,
                Err(_) => {
                    show_error(&format!("invalid number: {}", quote_locale(&v)));
                    return 1;
                }
            },
            Item::Opt(HELP, _) => {
                print!("Usage: nproc [OPTION]...\nPrint the number of processing units available to the current process,\nwhich may be less than the number of online processors\n\n      --all      print the number of installed processors\n      --ignore=N  if possible, exclude N processing units\n      --help        display this help and exit\n      --version     output version information and exit\n");
                return 0;
            }
            Item::Opt(VERSION, _) => {
                println!("nproc (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return 0;
            }
            Item::Opt(_, _) => {}
            Item::Operand(o) => return usage_error(format!("extra operand {}", quote_locale(&o))),
        }
    }
    // One processor; OMP_NUM_THREADS and OMP_THREAD_LIMIT apply as in GNU.
    let mut n: u64 = 1;
    if !all {
        if let Some(t) = omp("OMP_NUM_THREADS") {
            n = t;
        }
        if let Some(limit) = omp("OMP_THREAD_LIMIT") {
            n = n.min(limit);
        }
    }
    let n = if ignore < n { n - ignore } else { 1 };
    println!("{}", n);
    0
}
