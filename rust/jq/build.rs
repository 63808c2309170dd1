//! A larger stack for the WebAssembly module: jq programs recurse, and
//! the evaluator recurses with them (the interpreter checks the depth
//! against this size and fails cleanly before overflowing it).

fn main() {
    let target = std::env::var("TARGET").unwrap_or_default();
    if target.starts_with("wasm32") {
        println!("cargo:rustc-link-arg-bins=-zstack-size=16777216");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
