//! `which`: locate commands in PATH (debianutils 5.7, a shell script).
//!
//! Options are read as the shell's getopts reads them (only -a); PATH is
//! split on colons as the shell splits it, an empty element meaning the
//! current directory; a name is found if it is a regular file the user
//! may execute.

use std::io::Write;
use wsutil::io::stdout;
use wsutil::pathstat::{self, can_access, S_IFREG};

pub const APPLETS: &[wsutil::Applet] = &[("which", main)];

fn executable_file(path: &str) -> bool {
    pathstat::stat(path, true).map_or(false, |s| s.kind() == S_IFREG && can_access(&s, 1))
}

/// The directories of PATH as the script's `for ELEMENT in $PATH` (with
/// IFS=:) sees them; the script adds a colon after a single trailing one.
fn path_elements(path: &str) -> Vec<String> {
    let mut p = path.to_string();
    if p.ends_with(':') && p.len() > 1 && !p[..p.len() - 1].ends_with(':') {
        p.push(':');
    }
    if p.is_empty() {
        return Vec::new();
    }
    let mut parts: Vec<String> = p.split(':').map(String::from).collect();
    // Field splitting does not make a field after a final separator.
    if parts.last().map_or(false, |l| l.is_empty()) {
        parts.pop();
    }
    parts.into_iter().map(|e| if e.is_empty() { ".".to_string() } else { e }).collect()
}

pub fn main(argv: &[String]) -> i32 {
    let mut all = false;
    let mut i = 0;
    let mut out = stdout();
    // getopts: clusters of -a; `--` ends the options.
    while i < argv.len() {
        let a = &argv[i];
        if a == "--" {
            i += 1;
            break;
        }
        if !a.starts_with('-') || a.len() < 2 {
            break;
        }
        for c in a[1..].chars() {
            if c == 'a' {
                all = true;
            } else {
                eprintln!("Illegal option -{}", c);
                let _ = writeln!(out, "Usage: /usr/bin/which [-a] args");
                let _ = out.flush();
                return 2;
            }
        }
        i += 1;
    }
    let names = &argv[i..];
    let mut status = if names.is_empty() { 1 } else { 0 };
    let path = std::env::var("PATH").unwrap_or_default();
    let dirs = path_elements(&path);
    for name in names {
        let mut found = false;
        if name.contains('/') {
            if executable_file(name) {
                let _ = writeln!(out, "{}", name);
                found = true;
            }
        } else {
            for dir in &dirs {
                let candidate = format!("{}/{}", dir, name);
                if executable_file(&candidate) {
                    let _ = writeln!(out, "{}", candidate);
                    found = true;
                    if !all {
                        break;
                    }
                }
            }
        }
        if !found {
            status = 1;
        }
    }
    let _ = out.flush();
    status
}
