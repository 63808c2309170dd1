//! `ln`: hard and symbolic links, one (`ln TARGET LINK`), into the current
//! directory (`ln TARGET`) or into a directory (`ln TARGET... DIR`,
//! `ln -t DIR TARGET...`), with GNU's checks and messages.

use std::io::Write;
use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::canon::{canonicalize, relpath, Need};
use wsutil::fsext::{self, Stat};
use wsutil::io::stdout;
use wsutil::pathname::{base_name, dir_name, in_directory};
use wsutil::{prompt, quote, quote_always, report, show_error, strerror, Error, Result, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("ln", main)];

const SPEC: Spec = Spec {
    short: "bdfinrst:vFLPS:T",
    long: &[
        ("backup", HasArg::Optional, 'b'),
        ("directory", HasArg::No, 'F'),
        ("no-dereference", HasArg::No, 'n'),
        ("no-target-directory", HasArg::No, 'T'),
        ("force", HasArg::No, 'f'),
        ("interactive", HasArg::No, 'i'),
        ("suffix", HasArg::Required, 'S'),
        ("target-directory", HasArg::Required, 't'),
        ("logical", HasArg::No, 'L'),
        ("physical", HasArg::No, 'P'),
        ("relative", HasArg::No, 'r'),
        ("symbolic", HasArg::No, 's'),
        ("verbose", HasArg::No, 'v'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: ln [OPTION]... [-T] TARGET LINK_NAME
  or:  ln [OPTION]... TARGET
  or:  ln [OPTION]... TARGET... DIRECTORY
  or:  ln [OPTION]... -t DIRECTORY TARGET...
Create a link to TARGET with the name LINK_NAME, a link to TARGET in the
current directory, or links to each TARGET in DIRECTORY.
Create hard links by default, symbolic links with --symbolic.

  -d, -F, --directory         allow the superuser to attempt to hard link
                                directories
  -f, --force                 remove existing destination files
  -i, --interactive           prompt whether to remove destinations
  -L, --logical               dereference TARGETs that are symbolic links
  -n, --no-dereference        treat LINK_NAME as a normal file if
                                it is a symbolic link to a directory
  -P, --physical              make hard links directly to symbolic links
  -r, --relative              create symbolic links relative to link location
  -s, --symbolic              make symbolic links instead of hard links
  -t, --target-directory=DIRECTORY  specify the DIRECTORY in which to create
                                the links
  -T, --no-target-directory   treat LINK_NAME as a normal file always
  -v, --verbose               print name of each linked file
";

const EEXIST: i32 = 20;
const ENOENT: i32 = 44;
const ENAMETOOLONG: i32 = 37;
const EDQUOT: i32 = 19;
const ENOSPC: i32 = 51;
const EROFS: i32 = 69;

#[derive(Default)]
struct Options {
    symbolic: bool,
    relative: bool,
    logical: bool,
    force: bool,
    interactive: bool,
    verbose: bool,
    dir_links: bool,
    /// `-n`: a symlink to a directory as the last operand is a file.
    no_deref_dest: bool,
}

/// Hard links made by this run, so that `ln -f a/f b/f dir` does not
/// replace the link it just made to a/f with one to b/f.
struct Made(Vec<(u64, u64, String)>);

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

fn errno(e: &std::io::Error) -> i32 {
    e.raw_os_error().unwrap_or(0)
}

fn fatal(msg: String) -> Error {
    Error::Fatal(msg)
}

/// `-t DIR`: must exist and be a directory.
fn check_target_option(dir: &str) -> Result<()> {
    match fsext::stat(dir, true) {
        Err(e) => Err(fatal(format!("failed to access {}: {}", quote_always(dir), strerror(&e)))),
        Ok(st) if !st.is_dir() => Err(fatal(format!("target {} is not a directory", quote_always(dir)))),
        Ok(_) => Ok(()),
    }
}

fn run(argv: &[String]) -> Result<i32> {
    let mut o = Options::default();
    let mut target_dir: Option<String> = None;
    let mut no_target = false;
    let mut files = Vec::new();
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt('b', _) => return Err(Error::Unsupported("--backup".into())),
            Item::Opt('S', _) => return Err(Error::Unsupported("--suffix".into())),
            Item::Opt('d' | 'F', _) => o.dir_links = true,
            Item::Opt('f', _) => {
                o.force = true;
                o.interactive = false;
            }
            Item::Opt('i', _) => {
                o.force = false;
                o.interactive = true;
            }
            Item::Opt('L', _) => o.logical = true,
            Item::Opt('P', _) => o.logical = false,
            Item::Opt('n', _) => o.no_deref_dest = true,
            Item::Opt('r', _) => o.relative = true,
            Item::Opt('s', _) => o.symbolic = true,
            Item::Opt('v', _) => o.verbose = true,
            Item::Opt('T', _) => no_target = true,
            Item::Opt('t', Some(d)) => {
                if target_dir.is_some() {
                    return Err(fatal("multiple target directories specified".into()));
                }
                check_target_option(&d)?;
                target_dir = Some(d);
            }
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("ln (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(..) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    if files.is_empty() {
        return Err(UsageError::new("missing file operand").into());
    }
    if no_target {
        if target_dir.is_some() {
            return Err(fatal("cannot combine --target-directory and --no-target-directory".into()));
        }
        if files.len() < 2 {
            return Err(UsageError::new(format!(
                "missing destination file operand after {}",
                quote_always(&files[0])
            ))
            .into());
        }
        if files.len() > 2 {
            return Err(UsageError::new(format!("extra operand {}", quote_always(&files[2]))).into());
        }
    } else if target_dir.is_none() {
        if files.len() < 2 {
            target_dir = Some(".".into());
        } else {
            let last = files[files.len() - 1].clone();
            match fsext::stat(&last, !o.no_deref_dest) {
                Ok(st) if st.is_dir() => {
                    files.pop();
                    target_dir = Some(last);
                }
                other if files.len() > 2 => {
                    let why = match other {
                        Err(e) => strerror(&e),
                        Ok(_) => "Not a directory",
                    };
                    return Err(fatal(format!("target {}: {}", quote_always(&last), why)));
                }
                _ => {}
            }
        }
    }
    if o.relative && !o.symbolic {
        return Err(fatal("cannot do --relative without --symbolic".into()));
    }
    let mut out = stdout();
    let mut ok = true;
    match target_dir {
        Some(dir) => {
            let guard = files.len() >= 2 && o.force && !o.symbolic;
            let mut made = Made(Vec::new());
            for f in &files {
                let dest = in_directory(&dir, f);
                ok &= link_one(&o, f, &dest, if guard { Some(&mut made) } else { None }, &mut out)?;
            }
        }
        None => ok = link_one(&o, &files[0], &files[1], None, &mut out)?,
    }
    out.flush()?;
    Ok(if ok { 0 } else { 1 })
}

/// `source` as seen from the directory that will hold `dest` (`ln -r`).
fn relative_source(source: &str, dest: &str) -> String {
    let dir = canonicalize(dir_name(dest), Need::Missing, false);
    let from = canonicalize(source, Need::Missing, false);
    match (dir, from) {
        (Ok(d), Ok(f)) => relpath(&f, &d).unwrap_or_else(|| source.to_string()),
        _ => source.to_string(),
    }
}

/// Whether two names are the same entry: same last component in the same
/// directory.
fn same_name(a: &str, b: &str) -> bool {
    if base_name(a) != base_name(b) {
        return false;
    }
    match (fsext::stat(dir_name(a), true), fsext::stat(dir_name(b), true)) {
        (Ok(x), Ok(y)) => x.same_file(&y),
        _ => false,
    }
}

fn make_link(o: &Options, source: &str, dest: &str) -> std::io::Result<()> {
    if o.symbolic {
        fsext::symlink(source, dest)
    } else {
        fsext::link(source, dest, o.logical)
    }
}

fn link_one(o: &Options, source: &str, dest: &str, made: Option<&mut Made>, out: &mut wsutil::io::Out) -> Result<bool> {
    let mut source_st: Option<Stat> = None;
    if !o.symbolic {
        match fsext::stat(source, o.logical) {
            Err(e) => {
                show_error(&format!("failed to access {}: {}", quote_always(source), strerror(&e)));
                return Ok(false);
            }
            Ok(st) => {
                if st.is_dir() && !o.dir_links {
                    show_error(&format!("{}: hard link not allowed for directory", quote(source)));
                    return Ok(false);
                }
                source_st = Some(st);
            }
        }
    }
    let mut dest_st: Option<Stat> = None;
    if o.force || o.interactive {
        match fsext::stat(dest, false) {
            Ok(st) => dest_st = Some(st),
            Err(e) if errno(&e) == ENOENT => {}
            Err(e) => {
                show_error(&format!("failed to access {}: {}", quote_always(dest), strerror(&e)));
                return Ok(false);
            }
        }
    }
    if let (Some(d), Some(m)) = (&dest_st, &made) {
        if m.0.iter().any(|(dev, ino, name)| *dev == d.dev && *ino == d.ino && name == dest) {
            show_error(&format!(
                "will not overwrite just-created {} with {}",
                quote_always(dest),
                quote_always(source)
            ));
            return Ok(false);
        }
    }
    if o.force {
        if let Some(d) = &dest_st {
            let src = if o.symbolic { fsext::stat(source, true).ok() } else { source_st };
            if let Some(s) = src {
                if s.same_file(d) && (s.nlink == 1 || same_name(source, dest)) {
                    show_error(&format!(
                        "{} and {} are the same file",
                        quote_always(source),
                        quote_always(dest)
                    ));
                    return Ok(false);
                }
            }
        }
    }
    let mut force = o.force;
    if let Some(d) = &dest_st {
        if d.is_dir() {
            show_error(&format!("{}: cannot overwrite directory", quote(dest)));
            return Ok(false);
        }
        if o.interactive {
            out.flush()?;
            if !prompt::ask(&format!("replace {}? ", quote_always(dest))) {
                return Ok(true);
            }
            force = true;
        }
    }
    let rel;
    let source = if o.relative {
        rel = relative_source(source, dest);
        rel.as_str()
    } else {
        source
    };
    let mut result = make_link(o, source, dest);
    if force {
        if let Err(e) = &result {
            if errno(e) == EEXIST {
                if let Err(e) = fsext::unlink(dest) {
                    show_error(&format!("cannot remove {}: {}", quote_always(dest), strerror(&e)));
                    return Ok(false);
                }
                result = make_link(o, source, dest);
            }
        }
    }
    match result {
        Ok(()) => {
            if let (Some(m), Some(s)) = (made, source_st) {
                m.0.push((s.dev, s.ino, dest.to_string()));
            }
            if o.verbose {
                let arrow = if o.symbolic { '-' } else { '=' };
                writeln!(out, "{} {}> {}", quote_always(dest), arrow, quote_always(source))?;
            }
            Ok(true)
        }
        Err(e) => {
            out.flush()?;
            let n = errno(&e);
            let msg = if o.symbolic {
                if n != ENAMETOOLONG && !source.is_empty() {
                    format!("failed to create symbolic link {}", quote_always(dest))
                } else {
                    format!("failed to create symbolic link {} -> {}", quote_always(dest), quote_always(source))
                }
            } else if matches!(n, EDQUOT | EEXIST | ENOSPC | EROFS) {
                format!("failed to create hard link {}", quote_always(dest))
            } else {
                format!("failed to create hard link {} => {}", quote_always(dest), quote_always(source))
            };
            show_error(&format!("{}: {}", msg, strerror(&e)));
            Ok(false)
        }
    }
}
