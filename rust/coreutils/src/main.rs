//! wasmsand coreutils: one WASI module, many commands (busybox-style).
//! Each file in src/applets/ is one applet (or a few related ones).

mod applets {
    include!(concat!(env!("OUT_DIR"), "/applets.rs"));
}

fn main() {
    wsutil::multicall("coreutils", applets::TABLES);
}
