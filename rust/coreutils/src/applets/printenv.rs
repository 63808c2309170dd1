//! `printenv`: print all or part of the environment (GNU coreutils).

use std::io::Write;
use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::io::stdout;

pub const APPLETS: &[wsutil::Applet] = &[("printenv", main)];

const SPEC: Spec = Spec {
    short: "0",
    long: &[("null", HasArg::No, '0'), ("help", HasArg::No, HELP), ("version", HasArg::No, VERSION)],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: printenv [OPTION]... [VARIABLE]...
Print the values of the specified environment VARIABLE(s).
If no VARIABLE is specified, print name and value pairs for them all.

  -0, --null     end each output line with NUL, not newline
      --help        display this help and exit
      --version     output version information and exit
";

pub fn main(argv: &[String]) -> i32 {
    let items = match args::parse(&SPEC, argv) {
        Ok(i) => i,
        // printenv's usage errors exit with 2.
        Err(e) => return wsutil::report(&wsutil::Error::Usage(e), 2),
    };
    let mut end = b'\n';
    let mut names = Vec::new();
    for item in items {
        match item {
            Item::Opt('0', _) => end = 0,
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return 0;
            }
            Item::Opt(VERSION, _) => {
                println!("printenv (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return 0;
            }
            Item::Opt(_, _) => {}
            Item::Operand(o) => names.push(o),
        }
    }
    let mut out = stdout();
    let vars: Vec<(String, String)> =
        std::env::vars_os().map(|(k, v)| (k.to_string_lossy().into_owned(), v.to_string_lossy().into_owned())).collect();
    let mut status = 0;
    if names.is_empty() {
        for (k, v) in &vars {
            let _ = out.write_all(format!("{}={}", k, v).as_bytes());
            let _ = out.write_all(&[end]);
        }
    } else {
        // A name with '=' in it matches nothing, as in GNU.
        let mut missing = 0;
        for n in &names {
            match vars.iter().find(|(k, _)| k == n && !n.contains('=')) {
                Some((_, v)) => {
                    let _ = out.write_all(v.as_bytes());
                    let _ = out.write_all(&[end]);
                }
                None => missing += 1,
            }
        }
        if missing > 0 {
            status = 1;
        }
    }
    let _ = out.flush();
    status
}
