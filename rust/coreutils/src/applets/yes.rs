//! `yes`: print a line (default `y`) until the reader goes away.

use wsutil::args::{self, Item, Spec, HELP, VERSION};
use wsutil::io::RawFd;
use wsutil::report;
use std::io::Write;

pub const APPLETS: &[wsutil::Applet] = &[("yes", main)];

const SPEC: Spec = Spec {
    short: "",
    long: &[("help", args::HasArg::No, HELP), ("version", args::HasArg::No, VERSION)],
    stop_at_operand: false,
};

pub fn main(argv: &[String]) -> i32 {
    let mut words = Vec::new();
    match args::parse(&SPEC, argv) {
        Err(e) => return report(&e.into(), 1),
        Ok(items) => {
            for item in items {
                match item {
                    Item::Opt(HELP, _) => {
                        println!("Usage: yes [STRING]...\nRepeatedly output a line with all specified STRING(s), or 'y'.");
                        return 0;
                    }
                    Item::Opt(_, _) => {
                        println!("yes (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                        return 0;
                    }
                    Item::Operand(w) => words.push(w),
                }
            }
        }
    }
    let mut line = if words.is_empty() { "y".to_string() } else { words.join(" ") };
    line.push('\n');
    // One large block per write: a pipe reader gets whole 8 KiB+ chunks.
    let mut block = Vec::with_capacity(16 * 1024);
    while block.len() < 8 * 1024 {
        block.extend_from_slice(line.as_bytes());
    }
    let mut out = RawFd::new(1);
    loop {
        if let Err(e) = out.write_all(&block) {
            wsutil::show_io_error("standard output", &e);
            return 1;
        }
    }
}
