//! wasmsand's jq: the jq 1.7 language and command line, as its own WASI
//! module.

mod ast;
mod builtins;
mod check;
mod cli;
mod input;
mod interp;
mod json;
mod math;
mod ops;
mod parser;
mod re;
mod strings;
mod time;
mod value;

pub const APPLETS: &[wsutil::Applet] = &[("jq", cli::main)];

/// The stack the evaluator may use (the module links with 16 MiB; a
/// native build runs on a thread of that size).
pub const STACK_SIZE: usize = 16 << 20;

#[cfg(target_os = "wasi")]
fn main() {
    wsutil::multicall("jq", &[APPLETS]);
}

#[cfg(not(target_os = "wasi"))]
fn main() {
    let t = std::thread::Builder::new().stack_size(STACK_SIZE).spawn(|| wsutil::multicall("jq", &[APPLETS]));
    if let Ok(h) = t {
        let _ = h.join();
    }
}
