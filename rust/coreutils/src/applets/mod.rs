//! The applet table and the dispatch on argv[0].

use crate::common;

mod cat;
mod echo;
mod env;
mod head;
mod seq;
mod truefalse;
mod wc;
mod yes;

/// An applet's entry point: operands and options without argv[0]; returns
/// the exit status.
type Main = fn(&[String]) -> i32;

/// Every applet, sorted by name.
const APPLETS: &[(&str, Main)] = &[
    ("cat", cat::main),
    ("echo", echo::main),
    ("env", env::main),
    ("false", truefalse::main_false),
    ("head", head::main),
    ("seq", seq::main),
    ("true", truefalse::main_true),
    ("wc", wc::main),
    ("yes", yes::main),
];

fn find(name: &str) -> Option<(&'static str, Main)> {
    APPLETS.iter().find(|(n, _)| *n == name).copied()
}

fn basename(path: &str) -> &str {
    path.trim_end_matches('/').rsplit('/').next().unwrap_or(path)
}

/// Runs the applet named by argv[0] (or argv[1] for `coreutils NAME ...`).
pub fn dispatch(args: &[String]) -> i32 {
    let argv0 = args.first().map(String::as_str).unwrap_or("coreutils");
    if let Some((name, main)) = find(basename(argv0)) {
        common::set_util(name);
        return main(&args[1..]);
    }
    match args.get(1).map(String::as_str) {
        Some("--list") => {
            for (name, _) in APPLETS {
                println!("{}", name);
            }
            0
        }
        Some(name) => match find(name) {
            Some((name, main)) => {
                common::set_util(name);
                main(&args[2..])
            }
            None => {
                eprintln!("coreutils: {}: applet not found", name);
                127
            }
        },
        None => {
            eprintln!("usage: coreutils APPLET [ARGUMENT]...  (coreutils --list shows them)");
            1
        }
    }
}
