//! `mv`: rename files and directories, or move them into a directory.
//! The sandbox has one filesystem, so every move is a `rename`; GNU's
//! checks before it (same file, -n, -u, -i, directory versus file) and
//! its messages after it are kept.

use std::io::Write;
use wsutil::args::{self, HasArg, Item, Spec, HELP, LONG1, VERSION};
use wsutil::fsext::{self, Stat, W_OK};
use wsutil::io::{stdout, Out};
use wsutil::pathname::{base_name, dir_name, in_directory, strip_trailing_slashes};
use wsutil::{prompt, quote_always, report, show_error, strerror, Error, Result};

use super::cp::{perm_string, plan_operands, Plan};

pub const APPLETS: &[wsutil::Applet] = &[("mv", main)];

const SPEC: Spec = Spec {
    short: "bfint:uvS:TZ",
    long: &[
        ("backup", HasArg::Optional, 'b'),
        ("context", HasArg::No, 'Z'),
        ("force", HasArg::No, 'f'),
        ("interactive", HasArg::No, 'i'),
        ("no-clobber", HasArg::No, 'n'),
        ("no-target-directory", HasArg::No, 'T'),
        ("strip-trailing-slashes", HasArg::No, LONG1),
        ("suffix", HasArg::Required, 'S'),
        ("target-directory", HasArg::Required, 't'),
        ("update", HasArg::No, 'u'),
        ("verbose", HasArg::No, 'v'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: mv [OPTION]... [-T] SOURCE DEST
  or:  mv [OPTION]... SOURCE... DIRECTORY
  or:  mv [OPTION]... -t DIRECTORY SOURCE...
Rename SOURCE to DEST, or move SOURCE(s) to DIRECTORY.

  -f, --force                  do not prompt before overwriting
  -i, --interactive            prompt before overwrite
  -n, --no-clobber             do not overwrite an existing file
      --strip-trailing-slashes  remove any trailing slashes from each SOURCE
                                 argument
  -t, --target-directory=DIRECTORY  move all SOURCE arguments into DIRECTORY
  -T, --no-target-directory    treat DEST as a normal file
  -u, --update                 move only when the SOURCE file is newer
                                 than the destination file or when the
                                 destination file is missing
  -v, --verbose                explain what is being done
  -Z, --context                (no SELinux in the sandbox: ignored)
";

const ENOENT: i32 = 44;
const EINVAL: i32 = 28;
const EEXIST: i32 = 20;
const ENOTEMPTY: i32 = 55;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Clobber {
    Yes,
    No,
    Ask,
}

struct Options {
    clobber: Clobber,
    update: bool,
    verbose: bool,
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

fn errno(e: &std::io::Error) -> i32 {
    e.raw_os_error().unwrap_or(0)
}

fn run(argv: &[String]) -> Result<i32> {
    let mut o = Options { clobber: Clobber::Yes, update: false, verbose: false };
    let mut target: Option<String> = None;
    let mut no_target = false;
    let mut strip = false;
    let mut files = Vec::new();
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt('b', _) => return Err(Error::Unsupported("--backup".into())),
            Item::Opt('S', _) => return Err(Error::Unsupported("--suffix".into())),
            Item::Opt('f', _) => o.clobber = Clobber::Yes,
            Item::Opt('i', _) => o.clobber = Clobber::Ask,
            Item::Opt('n', _) => o.clobber = Clobber::No,
            Item::Opt('u', _) => o.update = true,
            Item::Opt('v', _) => o.verbose = true,
            Item::Opt('T', _) => no_target = true,
            Item::Opt('Z', _) => {}
            Item::Opt(LONG1, _) => strip = true,
            Item::Opt('t', Some(d)) => {
                if target.is_some() {
                    return Err(Error::Fatal("multiple target directories specified".into()));
                }
                target = Some(d);
            }
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("mv (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(..) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    if strip {
        for f in files.iter_mut() {
            *f = strip_trailing_slashes(f).to_string();
        }
    }
    let mut out = stdout();
    let mut ok = true;
    match plan_operands(&files, target, no_target, false)? {
        Plan::Into(dir, sources) => {
            for src in &sources {
                let dst = in_directory(&dir, src);
                ok &= move_one(&o, src, &dst, &mut out)?;
            }
        }
        Plan::One(src, dst) => ok = move_one(&o, &src, &dst, &mut out)?,
    }
    out.flush()?;
    Ok(if ok { 0 } else { 1 })
}

fn fail(out: &mut Out, msg: String) -> Result<bool> {
    out.flush()?;
    show_error(&msg);
    Ok(false)
}

/// Whether `src` and `dst` name the same file in a way that makes the
/// move pointless or destructive (GNU's `same_file_ok` for mv).
fn same_file(src: &str, src_st: &Stat, dst: &str, dst_st: &Stat) -> bool {
    if !src_st.same_file(dst_st) {
        return false;
    }
    // Two names for one symlink are the same file only if they are the
    // same directory entry.
    if src_st.is_symlink() {
        return base_name(src) == base_name(dst)
            && match (fsext::stat(dir_name(src), true), fsext::stat(dir_name(dst), true)) {
                (Ok(a), Ok(b)) => a.same_file(&b),
                _ => false,
            };
    }
    true
}

fn move_one(o: &Options, src: &str, dst: &str, out: &mut Out) -> Result<bool> {
    let src_st = match fsext::stat(src, false) {
        Ok(st) => st,
        Err(e) => return fail(out, format!("cannot stat {}: {}", quote_always(src), strerror(&e))),
    };
    let dst_st = match fsext::stat(dst, false) {
        Ok(st) => Some(st),
        Err(e) if errno(&e) == ENOENT => None,
        Err(e) => return fail(out, format!("cannot stat {}: {}", quote_always(dst), strerror(&e))),
    };
    if let Some(d) = dst_st {
        if same_file(src, &src_st, dst, &d) {
            return fail(out, format!("{} and {} are the same file", quote_always(src), quote_always(dst)));
        }
        if !src_st.is_dir() {
            if o.clobber == Clobber::No {
                return Ok(true);
            }
            if o.update && d.mtime_ns >= src_st.mtime_ns {
                return Ok(true);
            }
            if o.clobber == Clobber::Ask {
                out.flush()?;
                let q = if !d.is_symlink() && !d.permits(W_OK) {
                    format!(
                        "replace {}, overriding mode {:04o} ({})? ",
                        quote_always(dst),
                        d.perm(),
                        perm_string(d.perm())
                    )
                } else {
                    format!("overwrite {}? ", quote_always(dst))
                };
                if !prompt::ask(&q) {
                    return Ok(true);
                }
            }
        }
        if d.is_dir() && !src_st.is_dir() {
            return fail(out, format!("cannot overwrite directory {} with non-directory", quote_always(dst)));
        }
        if src_st.is_dir() && !d.is_dir() {
            return fail(
                out,
                format!("cannot overwrite non-directory {} with directory {}", quote_always(dst), quote_always(src)),
            );
        }
    }
    match fsext::rename(src, dst) {
        Ok(()) => {
            if o.verbose {
                writeln!(out, "renamed {} -> {}", quote_always(src), quote_always(dst))?;
            }
            Ok(true)
        }
        Err(e) => {
            let n = errno(&e);
            if n == EINVAL && src_st.is_dir() {
                return fail(
                    out,
                    format!("cannot move {} to a subdirectory of itself, {}", quote_always(src), quote_always(dst)),
                );
            }
            let e = if n == EEXIST { std::io::Error::from_raw_os_error(ENOTEMPTY) } else { e };
            fail(out, format!("cannot move {} to {}: {}", quote_always(src), quote_always(dst), strerror(&e)))
        }
    }
}
