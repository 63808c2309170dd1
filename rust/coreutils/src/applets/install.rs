//! `install`: copy files and give them a mode (0755 unless -m), or make
//! directories (-d); -D makes the destination's leading directories.
//! Owners and groups (-o, -g) cannot change in the sandbox's one-user
//! world and stripping (-s) has no binaries to strip: those are refused.

use std::io::Write;
use wsutil::args::{self, HasArg, Item, Spec, HELP, LONG1, LONG2, VERSION};
use wsutil::fsext::{self, Stat};
use wsutil::io::{stdout, Out};
use wsutil::modechange::ModeChange;
use wsutil::pathname::{dir_name, in_directory};
use wsutil::{quote_always, quote_locale, report, show_error, strerror, Error, Result, UsageError};

use super::cp::{copy_data, plan_operands, Plan};

pub const APPLETS: &[wsutil::Applet] = &[("install", main)];

const CONTEXT: char = '\u{e020}';

const SPEC: Spec = Spec {
    short: "bcCsDdg:m:o:pt:TvS:Z",
    long: &[
        ("backup", HasArg::Optional, 'b'),
        ("compare", HasArg::No, 'C'),
        ("directory", HasArg::No, 'd'),
        ("group", HasArg::Required, 'g'),
        ("mode", HasArg::Required, 'm'),
        ("no-target-directory", HasArg::No, 'T'),
        ("owner", HasArg::Required, 'o'),
        ("preserve-timestamps", HasArg::No, 'p'),
        ("preserve-context", HasArg::No, LONG1),
        ("strip", HasArg::No, 's'),
        ("strip-program", HasArg::Required, LONG2),
        ("suffix", HasArg::Required, 'S'),
        ("target-directory", HasArg::Required, 't'),
        ("verbose", HasArg::No, 'v'),
        ("context", HasArg::Optional, CONTEXT),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: install [OPTION]... [-T] SOURCE DEST
  or:  install [OPTION]... SOURCE... DIRECTORY
  or:  install [OPTION]... -t DIRECTORY SOURCE...
  or:  install [OPTION]... -d DIRECTORY...

This install program copies files (often just compiled) into destination
locations you choose.

  -c                  (ignored)
  -C, --compare       compare content of source and destination files, and
                        if no change to the destination, do not modify
                        the destination at all
  -d, --directory     treat all arguments as directory names; create all
                        components of the specified directories
  -D                  create all leading components of DEST except the last,
                        or all components of --target-directory,
                        then copy SOURCE to DEST
  -m, --mode=MODE     set permission mode (as in chmod), instead of rwxr-xr-x
  -p, --preserve-timestamps   apply access/modification times of SOURCE files
                        to corresponding destination files
  -t, --target-directory=DIRECTORY  copy all SOURCE arguments into DIRECTORY
  -T, --no-target-directory  treat DEST as a normal file
  -v, --verbose       print the name of each directory as it is created
";

const DEFAULT_MODE: u32 = 0o755;
const ENOENT: i32 = 44;
const EEXIST: i32 = 20;
const ENOTDIR: i32 = 54;

struct Options {
    compare: bool,
    file_mode: u32,
    dir_mode: u32,
    timestamps: bool,
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
    let mut dirs = false;
    let mut leading = false;
    let mut mode_spec: Option<String> = None;
    let mut target: Option<String> = None;
    let mut no_target = false;
    let mut strip_program = false;
    let mut o = Options {
        compare: false,
        file_mode: DEFAULT_MODE,
        dir_mode: DEFAULT_MODE,
        timestamps: false,
        verbose: false,
    };
    let mut files = Vec::new();
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt('b', _) => return Err(Error::Unsupported("--backup".into())),
            Item::Opt('S', _) => return Err(Error::Unsupported("--suffix".into())),
            Item::Opt('g', _) => return Err(Error::Unsupported("--group".into())),
            Item::Opt('o', _) => return Err(Error::Unsupported("--owner".into())),
            Item::Opt('s', _) => return Err(Error::Unsupported("--strip".into())),
            Item::Opt('c', _) | Item::Opt('Z', _) => {}
            Item::Opt('C', _) => o.compare = true,
            Item::Opt('d', _) => dirs = true,
            Item::Opt('D', _) => leading = true,
            Item::Opt('m', v) => mode_spec = v,
            Item::Opt('p', _) => o.timestamps = true,
            Item::Opt('t', Some(d)) => {
                if target.is_some() {
                    return Err(Error::Fatal("multiple target directories specified".into()));
                }
                target = Some(d);
            }
            Item::Opt('T', _) => no_target = true,
            Item::Opt('v', _) => o.verbose = true,
            Item::Opt(LONG1, _) => {
                show_error("WARNING: ignoring --preserve-context; this kernel is not SELinux-enabled")
            }
            Item::Opt(LONG2, _) => strip_program = true,
            Item::Opt(CONTEXT, v) => {
                if v.is_some() {
                    show_error("warning: ignoring --context; it requires an SELinux-enabled kernel");
                }
            }
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("install (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(..) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    if dirs && target.is_some() {
        return Err(Error::Fatal("target directory not allowed when installing a directory".into()));
    }
    if strip_program {
        show_error("WARNING: ignoring --strip-program option as -s option was not specified");
    }
    if let Some(spec) = &mode_spec {
        let change =
            ModeChange::parse(spec).ok_or_else(|| Error::Fatal(format!("invalid mode {}", quote_locale(spec))))?;
        o.file_mode = change.apply(0, false, 0);
        o.dir_mode = change.apply(0, true, 0);
    }
    if o.compare && o.file_mode & !0o777 != 0 {
        show_error("the --compare (-C) option is ignored when you specify a mode with non-permission bits");
        o.compare = false;
    }
    if files.is_empty() {
        return Err(UsageError::new("missing file operand").into());
    }
    let mut out = stdout();
    let mut ok = true;
    if dirs {
        for d in &files {
            ok &= make_directory(&o, d, &mut out)?;
        }
        out.flush()?;
        return Ok(if ok { 0 } else { 1 });
    }
    if let Some(t) = &target {
        if leading && !make_leading(&o, t, &mut out)? {
            out.flush()?;
            return Ok(1);
        }
        match fsext::stat(t, true) {
            Ok(st) if st.is_dir() => {}
            Ok(_) => {
                return Err(Error::Fatal(format!("failed to access {}: Not a directory", quote_always(t))));
            }
            Err(e) => return Err(Error::Fatal(format!("failed to access {}: {}", quote_always(t), strerror(&e)))),
        }
    } else if files.len() == 2 && leading {
        // -D SOURCE DEST: DEST's directories first, then DEST is a file.
        if !make_leading(&o, dir_name(&files[1]), &mut out)? {
            out.flush()?;
            return Ok(1);
        }
    }
    match plan_operands(&files, target, no_target, false)? {
        Plan::Into(dir, sources) => {
            for src in &sources {
                ok &= install_file(&o, src, &in_directory(&dir, src), &mut out)?;
            }
        }
        Plan::One(src, dst) => ok = install_file(&o, &src, &dst, &mut out)?,
    }
    out.flush()?;
    Ok(if ok { 0 } else { 1 })
}

fn fail(out: &mut Out, msg: String) -> Result<bool> {
    out.flush()?;
    show_error(&msg);
    Ok(false)
}

fn announce(o: &Options, dir: &str, out: &mut Out) -> Result<()> {
    if o.verbose {
        writeln!(out, "install: creating directory {}", quote_always(dir))?;
    }
    Ok(())
}

/// `-D`: makes `path` and its missing parents, mode 0755.
fn make_leading(o: &Options, path: &str, out: &mut Out) -> Result<bool> {
    let trimmed = path.trim_end_matches('/');
    let mut prefixes: Vec<&str> = Vec::new();
    for (i, c) in trimmed.char_indices() {
        if c == '/' && i > 0 && !trimmed[..i].ends_with('/') {
            prefixes.push(&trimmed[..i]);
        }
    }
    if !trimmed.is_empty() {
        prefixes.push(trimmed);
    }
    for p in prefixes {
        let last = p.rsplit('/').next().unwrap_or(p);
        if last == "." || last == ".." {
            continue;
        }
        match fsext::mkdir(p) {
            Ok(()) => {
                let _ = fsext::chmod(p, DEFAULT_MODE);
                announce(o, p, out)?;
            }
            Err(e) if errno(&e) == EEXIST => {
                if !fsext::stat(p, true).map_or(false, |st| st.is_dir()) {
                    let e = std::io::Error::from_raw_os_error(ENOTDIR);
                    return fail(out, format!("cannot create directory {}: {}", quote_always(p), strerror(&e)));
                }
            }
            Err(e) => return fail(out, format!("cannot create directory {}: {}", quote_always(p), strerror(&e))),
        }
    }
    Ok(true)
}

/// `-d`: a directory and its missing parents (0755), the directory itself
/// with the -m mode even when it already exists.
fn make_directory(o: &Options, dir: &str, out: &mut Out) -> Result<bool> {
    let trimmed = dir.trim_end_matches('/');
    for (i, c) in trimmed.char_indices() {
        if c != '/' || i == 0 || trimmed[..i].ends_with('/') {
            continue;
        }
        let p = &trimmed[..i];
        let last = p.rsplit('/').next().unwrap_or(p);
        if last == "." || last == ".." {
            continue;
        }
        match fsext::mkdir(p) {
            Ok(()) => {
                let _ = fsext::chmod(p, DEFAULT_MODE);
                announce(o, p, out)?;
            }
            Err(e) if errno(&e) == EEXIST && fsext::stat(p, true).map_or(false, |st| st.is_dir()) => {}
            Err(e) => {
                let e = if errno(&e) == EEXIST { std::io::Error::from_raw_os_error(ENOTDIR) } else { e };
                return fail(out, format!("cannot create directory {}: {}", quote_locale(p), strerror(&e)));
            }
        }
    }
    match fsext::mkdir(dir) {
        Ok(()) => announce(o, dir, out)?,
        Err(e) => {
            let is_dir = fsext::stat(dir, true).map_or(false, |st| st.is_dir());
            if !(errno(&e) == EEXIST && is_dir) {
                return fail(out, format!("cannot create directory {}: {}", quote_locale(dir), strerror(&e)));
            }
        }
    }
    if let Err(e) = fsext::chmod(dir, o.dir_mode) {
        return fail(out, format!("cannot change permissions of {}: {}", quote_locale(dir), strerror(&e)));
    }
    Ok(true)
}

/// `-C`: the destination already holds the same bytes with the same mode.
fn unchanged(o: &Options, src: &str, src_st: &Stat, dst: &str, dst_st: &Stat) -> bool {
    if !src_st.is_file() || !dst_st.is_file() || src_st.size != dst_st.size || dst_st.perm() != o.file_mode {
        return false;
    }
    match (std::fs::read(src), std::fs::read(dst)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn install_file(o: &Options, src: &str, dst: &str, out: &mut Out) -> Result<bool> {
    let src_st = match fsext::stat(src, true) {
        Ok(st) => st,
        Err(e) => return fail(out, format!("cannot stat {}: {}", quote_always(src), strerror(&e))),
    };
    if src_st.is_dir() {
        return fail(out, format!("omitting directory {}", quote_always(src)));
    }
    match fsext::stat(dst, false) {
        Ok(dst_lst) => {
            let d = if dst_lst.is_symlink() { fsext::stat(dst, true).unwrap_or(dst_lst) } else { dst_lst };
            if d.same_file(&src_st) {
                return fail(out, format!("{} and {} are the same file", quote_always(src), quote_always(dst)));
            }
            if dst_lst.is_dir() {
                return fail(out, format!("cannot overwrite directory {} with non-directory", quote_always(dst)));
            }
            if o.compare && unchanged(o, src, &src_st, dst, &dst_lst) {
                return Ok(true);
            }
            if let Err(e) = fsext::unlink(dst) {
                return fail(out, format!("cannot remove {}: {}", quote_always(dst), strerror(&e)));
            }
            if o.verbose {
                writeln!(out, "removed {}", quote_always(dst))?;
            }
        }
        Err(e) if errno(&e) == ENOENT => {}
        Err(e) => return fail(out, format!("cannot stat {}: {}", quote_always(dst), strerror(&e))),
    }
    if dst.ends_with('/') {
        let e = std::io::Error::from_raw_os_error(ENOTDIR);
        return fail(out, format!("cannot create regular file {}: {}", quote_always(dst), strerror(&e)));
    }
    if o.verbose {
        writeln!(out, "{} -> {}", quote_always(src), quote_always(dst))?;
    }
    let mut input = match fsext::open_read(src) {
        Ok(f) => f,
        Err(e) => return fail(out, format!("cannot open {} for reading: {}", quote_always(src), strerror(&e))),
    };
    let mut output = match fsext::create_new(dst) {
        Ok(f) => f,
        Err(e) => return fail(out, format!("cannot create regular file {}: {}", quote_always(dst), strerror(&e))),
    };
    if let Err((reading, e)) = copy_data(&mut input, &mut output) {
        let what = if reading { format!("error reading {}", quote_always(src)) } else { format!("error writing {}", quote_always(dst)) };
        return fail(out, format!("{}: {}", what, strerror(&e)));
    }
    drop(output);
    if o.timestamps {
        let _ = fsext::set_times(dst, true, src_st.atime_ns, src_st.mtime_ns);
    }
    if let Err(e) = fsext::chmod(dst, o.file_mode) {
        return fail(out, format!("cannot change permissions of {}: {}", quote_locale(dst), strerror(&e)));
    }
    Ok(true)
}
