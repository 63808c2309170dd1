//! `echo`: GNU coreutils' /bin/echo (-n, -e, -E; options only as leading
//! words made entirely of those letters, as GNU parses them).

use wsutil::io::stdout;
use std::io::Write;

pub const APPLETS: &[wsutil::Applet] = &[("echo", main)];

pub fn main(argv: &[String]) -> i32 {
    let mut newline = true;
    let mut escapes = false;
    let mut start = 0;
    if argv.len() == 1 && (argv[0] == "--help" || argv[0] == "--version") {
        if argv[0] == "--help" {
            println!("Usage: echo [SHORT-OPTION]... [STRING]...\nEcho the STRING(s) to standard output.\n\n  -n             do not output the trailing newline\n  -e             enable interpretation of backslash escapes\n  -E             disable interpretation of backslash escapes (default)");
        } else {
            println!("echo (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
        }
        return 0;
    }
    for arg in argv {
        let flags = match arg.strip_prefix('-') {
            Some(f) if !f.is_empty() && f.chars().all(|c| "neE".contains(c)) => f,
            _ => break,
        };
        for c in flags.chars() {
            match c {
                'n' => newline = false,
                'e' => escapes = true,
                _ => escapes = false,
            }
        }
        start += 1;
    }
    let mut out = stdout();
    let mut buf = Vec::new();
    for (i, arg) in argv[start..].iter().enumerate() {
        if i > 0 {
            buf.push(b' ');
        }
        if escapes {
            if expand_escapes(arg.as_bytes(), &mut buf) {
                newline = false;
                break;
            }
        } else {
            buf.extend_from_slice(arg.as_bytes());
        }
    }
    if newline {
        buf.push(b'\n');
    }
    if out.write_all(&buf).and_then(|_| out.flush()).is_err() {
        wsutil::show_error("write error");
        return 1;
    }
    0
}

/// Appends `s` with backslash escapes expanded; true when `\c` stops all
/// further output.
pub fn expand_escapes(s: &[u8], out: &mut Vec<u8>) -> bool {
    let mut i = 0;
    while i < s.len() {
        let b = s[i];
        i += 1;
        if b != b'\\' || i >= s.len() {
            out.push(b);
            continue;
        }
        let e = s[i];
        i += 1;
        match e {
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'c' => return true,
            b'e' => out.push(27),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            b'\\' => out.push(b'\\'),
            b'0' => {
                let mut v: u32 = 0;
                let mut n = 0;
                while n < 3 && i < s.len() && (b'0'..=b'7').contains(&s[i]) {
                    v = v * 8 + (s[i] - b'0') as u32;
                    i += 1;
                    n += 1;
                }
                out.push(v as u8);
            }
            b'x' if i < s.len() && s[i].is_ascii_hexdigit() => {
                let mut v: u32 = 0;
                let mut n = 0;
                while n < 2 && i < s.len() && s[i].is_ascii_hexdigit() {
                    v = v * 16 + (s[i] as char).to_digit(16).unwrap_or(0);
                    i += 1;
                    n += 1;
                }
                out.push(v as u8);
            }
            _ => {
                out.push(b'\\');
                out.push(e);
            }
        }
    }
    false
}
