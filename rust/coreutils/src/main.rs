//! wasmsand coreutils: one WASI module, many commands (busybox-style).
//!
//! The applet is chosen by the basename of argv[0]; when that names no
//! applet (`coreutils cat file`), argv[1] does.

mod applets;
mod common;

fn main() {
    common::sys::enter_cwd();
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let code = applets::dispatch(&args);
    std::process::exit(code);
}
