//! `rm`: remove files and (with -r) directory trees, walking them as GNU
//! does with fts: a directory is met before its contents (where `-i` asks
//! to descend) and after them (where it is removed); a failure below it
//! leaves its ancestors alone without further messages.
//!
//! Standard input is never a terminal in the sandbox, so only `-i` (and
//! `-I`) ask questions; write-protected files go silently, as GNU's do
//! when its input is not a terminal.

use std::io::Write;
use wsutil::args::{self, HasArg, Item, Spec, HELP, LONG1, LONG2, LONG3, LONG4, VERSION};
use wsutil::fsext::{self, Stat, W_OK};
use wsutil::io::{stdout, Out};
use wsutil::pathname::last_component;
use wsutil::{prompt, quote_always, quote_locale, report, show_error, strerror, Error, Result, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("rm", main)];

const SPEC: Spec = Spec {
    short: "dfirvIR",
    long: &[
        ("force", HasArg::No, 'f'),
        ("interactive", HasArg::Optional, LONG1),
        ("one-file-system", HasArg::No, LONG2),
        ("no-preserve-root", HasArg::No, LONG3),
        ("preserve-root", HasArg::Optional, LONG4),
        ("recursive", HasArg::No, 'r'),
        ("dir", HasArg::No, 'd'),
        ("verbose", HasArg::No, 'v'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: rm [OPTION]... [FILE]...
Remove (unlink) the FILE(s).

  -f, --force           ignore nonexistent files and arguments, never prompt
  -i                    prompt before every removal
  -I                    prompt once before removing more than three files, or
                          when removing recursively
      --interactive[=WHEN]  prompt according to WHEN: never, once (-I), or
                          always (-i); without WHEN, prompt always
      --one-file-system  (the sandbox has one file system)
      --no-preserve-root  do not treat '/' specially
      --preserve-root[=all]  do not remove '/' (default)
  -r, -R, --recursive   remove directories and their contents recursively
  -d, --dir             remove empty directories
  -v, --verbose         explain what is being done
";

const ENOENT: i32 = 44;
const ENOTDIR: i32 = 54;
const EISDIR: i32 = 31;
const ENOTEMPTY: i32 = 55;
const EACCES: i32 = 2;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Interactive {
    Never,
    Sometimes,
    Always,
}

struct Options {
    interactive: Interactive,
    ignore_missing: bool,
    recursive: bool,
    empty_dirs: bool,
    verbose: bool,
    /// dev/ino of `/` when --preserve-root protects it.
    root: Option<(u64, u64)>,
}

/// How removing one entry went. `Declined` (the user said no) does not
/// fail the command.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Status {
    Ok,
    Declined,
    Error,
}

impl Status {
    fn update(&mut self, new: Status) {
        if new == Status::Error || (new == Status::Declined && *self == Status::Ok) {
            *self = new;
        }
    }
}

/// An entry's outcome, and whether its ancestors must now be left alone
/// (GNU's `mark_ancestor_dirs`).
struct Outcome {
    status: Status,
    keep_ancestors: bool,
}

impl Outcome {
    fn done(status: Status) -> Self {
        Outcome { status, keep_ancestors: false }
    }
    fn blocked(status: Status) -> Self {
        Outcome { status, keep_ancestors: true }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Asking {
    DescendInto,
    Remove,
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

fn interactive_arg(v: &str) -> Result<Interactive> {
    const NAMES: &[(&str, Interactive)] = &[
        ("never", Interactive::Never),
        ("no", Interactive::Never),
        ("none", Interactive::Never),
        ("once", Interactive::Sometimes),
        ("always", Interactive::Always),
        ("yes", Interactive::Always),
    ];
    if let Some((_, i)) = NAMES.iter().find(|(n, _)| *n == v) {
        return Ok(*i);
    }
    let matches: Vec<Interactive> = NAMES.iter().filter(|(n, _)| n.starts_with(v)).map(|(_, i)| *i).collect();
    if !v.is_empty() && !matches.is_empty() && matches.iter().all(|m| *m == matches[0]) {
        return Ok(matches[0]);
    }
    let why = if matches.is_empty() || v.is_empty() { "invalid" } else { "ambiguous" };
    Err(UsageError::new(format!(
        "{} argument {} for {}\nValid arguments are:\n  - {}, {}, {}\n  - {}\n  - {}, {}",
        why,
        quote_locale(v),
        quote_locale("--interactive"),
        quote_locale("never"),
        quote_locale("no"),
        quote_locale("none"),
        quote_locale("once"),
        quote_locale("always"),
        quote_locale("yes"),
    ))
    .into())
}

fn run(argv: &[String]) -> Result<i32> {
    let mut o = Options {
        interactive: Interactive::Sometimes,
        ignore_missing: false,
        recursive: false,
        empty_dirs: false,
        verbose: false,
        root: None,
    };
    let mut prompt_once = false;
    let mut preserve_root = true;
    let mut files = Vec::new();
    let items = args::parse(&SPEC, argv)?;
    for item in items {
        match item {
            Item::Opt('f', _) => {
                o.interactive = Interactive::Never;
                o.ignore_missing = true;
                prompt_once = false;
            }
            Item::Opt('i', _) => {
                o.interactive = Interactive::Always;
                o.ignore_missing = false;
                prompt_once = false;
            }
            Item::Opt('I', _) => {
                o.interactive = Interactive::Sometimes;
                o.ignore_missing = false;
                prompt_once = true;
            }
            Item::Opt('r' | 'R', _) => o.recursive = true,
            Item::Opt('d', _) => o.empty_dirs = true,
            Item::Opt('v', _) => o.verbose = true,
            Item::Opt(LONG1, v) => {
                let when = match v {
                    Some(v) => interactive_arg(&v)?,
                    None => Interactive::Always,
                };
                o.interactive = when;
                prompt_once = when == Interactive::Sometimes;
                if when != Interactive::Never {
                    o.ignore_missing = false;
                }
            }
            Item::Opt(LONG2, _) => {}
            Item::Opt(LONG3, _) => {
                if !argv.iter().any(|a| a == "--no-preserve-root") {
                    return Err(Error::Fatal("you may not abbreviate the --no-preserve-root option".into()));
                }
                preserve_root = false;
            }
            Item::Opt(LONG4, v) => {
                if let Some(v) = v {
                    if v != "all" {
                        return Err(Error::Fatal(format!(
                            "unrecognized --preserve-root argument: {}",
                            quote_always(&v)
                        )));
                    }
                }
                preserve_root = true;
            }
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("rm (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(..) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    if files.is_empty() {
        if o.ignore_missing {
            return Ok(0);
        }
        return Err(UsageError::new("missing operand").into());
    }
    if o.recursive && preserve_root {
        o.root = fsext::stat("/", true).ok().map(|st| (st.dev, st.ino));
    }
    if prompt_once && (o.recursive || files.len() > 3) {
        let n = files.len();
        let plural = if n == 1 { "argument" } else { "arguments" };
        let how = if o.recursive { " recursively" } else { "" };
        if !prompt::ask(&format!("remove {} {}{}? ", n, plural, how)) {
            return Ok(0);
        }
    }
    let mut out = stdout();
    let mut status = Status::Ok;
    for f in &files {
        let outcome = remove(&o, f, true, &mut out)?;
        status.update(outcome.status);
    }
    out.flush()?;
    Ok(if status == Status::Error { 1 } else { 0 })
}

fn fail(out: &mut Out, msg: String) -> Result<()> {
    out.flush()?;
    show_error(&msg);
    Ok(())
}

/// `.`, `..`, `./` or `../`: a last component POSIX forbids removing.
fn dot_or_dotdot(name: &str) -> bool {
    let rest = name.strip_prefix("..").or_else(|| name.strip_prefix('.'));
    matches!(rest, Some(r) if r.is_empty() || r.starts_with('/'))
}

fn is_empty_dir(path: &str) -> bool {
    std::fs::read_dir(path).map_or(false, |mut d| d.next().is_none())
}

/// Removes `path` (and, with -r, what it holds).
fn remove(o: &Options, path: &str, top: bool, out: &mut Out) -> Result<Outcome> {
    let st = match fsext::stat(path, false) {
        Ok(st) => st,
        Err(_) => {
            // Like fts's FTS_NS: unlinking reports why.
            let s = ask(o, path, false, Asking::Remove, out)?.0;
            if s != Status::Ok {
                return Ok(Outcome::done(s));
            }
            return excise(o, path, false, None, out);
        }
    };
    if !st.is_dir() {
        let s = ask(o, path, false, Asking::Remove, out)?.0;
        if s != Status::Ok {
            return Ok(Outcome::done(s));
        }
        return excise(o, path, false, None, out);
    }
    if !o.recursive && !(o.empty_dirs && is_empty_dir(path)) {
        let err = if o.empty_dirs { ENOTEMPTY } else { EISDIR };
        let e = std::io::Error::from_raw_os_error(err);
        fail(out, format!("cannot remove {}: {}", quote_always(path), strerror(&e)))?;
        return Ok(Outcome::blocked(Status::Error));
    }
    if top {
        if dot_or_dotdot(&path[last_component(path)..]) {
            fail(
                out,
                format!(
                    "refusing to remove {} or {} directory: skipping {}",
                    quote_always("."),
                    quote_always(".."),
                    quote_always(path)
                ),
            )?;
            return Ok(Outcome::done(Status::Error));
        }
        if o.root == Some((st.dev, st.ino)) {
            if path == "/" {
                fail(out, format!("it is dangerous to operate recursively on {}", quote_always(path)))?;
            } else {
                fail(
                    out,
                    format!(
                        "it is dangerous to operate recursively on {} (same as {})",
                        quote_always(path),
                        quote_always("/")
                    ),
                )?;
            }
            fail(out, "use --no-preserve-root to override this failsafe".into())?;
            return Ok(Outcome::done(Status::Error));
        }
    }
    let (s, empty) = ask(o, path, true, Asking::DescendInto, out)?;
    if s == Status::Ok && empty {
        let r = excise(o, path, true, None, out)?;
        if r.status == Status::Ok {
            return Ok(r);
        }
        return Ok(Outcome::blocked(r.status));
    }
    if s != Status::Ok {
        return Ok(Outcome::blocked(s));
    }
    let mut status = Status::Ok;
    let mut keep = false;
    let mut unreadable = None;
    match std::fs::read_dir(path) {
        Ok(entries) => {
            let names: Vec<String> =
                entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
            let base = path.strip_suffix('/').unwrap_or(path);
            for name in names {
                let child = format!("{}/{}", base, name);
                let r = remove(o, &child, false, out)?;
                status.update(r.status);
                keep |= r.keep_ancestors;
            }
        }
        Err(e) => unreadable = Some(e),
    }
    if keep {
        // An entry below could not be removed: leave this one, silently.
        status.update(Status::Declined);
        return Ok(Outcome { status, keep_ancestors: true });
    }
    let s = ask(o, path, true, Asking::Remove, out)?.0;
    if s != Status::Ok {
        status.update(s);
        return Ok(Outcome::done(status));
    }
    let r = excise(o, path, true, unreadable, out)?;
    status.update(r.status);
    Ok(Outcome { status, keep_ancestors: r.keep_ancestors })
}

/// Unlinks or rmdirs `path`; `unreadable` is why its contents could not
/// be listed, the better explanation when rmdir then fails.
fn excise(o: &Options, path: &str, dir: bool, unreadable: Option<std::io::Error>, out: &mut Out) -> Result<Outcome> {
    let result = if dir { fsext::rmdir(path) } else { fsext::unlink(path) };
    match result {
        Ok(()) => {
            if o.verbose {
                let what = if dir { "removed directory " } else { "removed " };
                writeln!(out, "{}{}", what, quote_always(path))?;
            }
            Ok(Outcome::done(Status::Ok))
        }
        Err(e) => {
            let n = errno(&e);
            if o.ignore_missing && (n == ENOENT || n == ENOTDIR) {
                return Ok(Outcome::done(Status::Ok));
            }
            let e = match unreadable {
                Some(u) if n != EACCES => u,
                _ => e,
            };
            fail(out, format!("cannot remove {}: {}", quote_always(path), strerror(&e)))?;
            Ok(Outcome::blocked(Status::Error))
        }
    }
}

/// Whether a file may be written: Some(true) when write-protected,
/// Err when it cannot be examined. Symlinks are never write-protected.
fn write_protected(path: &str) -> std::io::Result<bool> {
    let st = fsext::stat(path, false)?;
    if st.is_symlink() {
        return Ok(false);
    }
    Ok(!st.permits(W_OK))
}

/// GNU's `prompt`: asks whether to remove (or descend into) `path` when
/// -i is in effect; returns the decision and whether `path` is a
/// directory found empty (removed at once, without a second question).
fn ask(o: &Options, path: &str, is_dir: bool, asking: Asking, out: &mut Out) -> Result<(Status, bool)> {
    // GNU also asks about write-protected files when its input is a
    // terminal; the sandbox's never is.
    if o.interactive != Interactive::Always {
        return Ok((Status::Ok, false));
    }
    let mut protected = write_protected(path);
    let mut st: Option<Stat> = None;
    let mut dir = is_dir;
    if protected.is_ok() && !is_dir {
        match fsext::stat(path, false) {
            Ok(s) => {
                dir = s.is_dir();
                st = Some(s);
            }
            Err(e) => protected = Err(e),
        }
    }
    if protected.is_ok() && dir && !(o.recursive || (o.empty_dirs && is_empty_dir(path))) {
        protected = Err(std::io::Error::from_raw_os_error(EISDIR));
    }
    let protected = match protected {
        Ok(p) => p,
        Err(e) => {
            fail(out, format!("cannot remove {}: {}", quote_always(path), strerror(&e)))?;
            return Ok((Status::Error, false));
        }
    };
    let wp = if protected { "write-protected " } else { "" };
    let mut empty = false;
    let question = if dir && asking == Asking::DescendInto && !is_empty_dir(path) {
        format!("descend into {}directory {}? ", wp, quote_always(path))
    } else {
        empty = dir && asking == Asking::DescendInto;
        let s = match st {
            Some(s) => s,
            None => match fsext::stat(path, false) {
                Ok(s) => s,
                Err(e) => {
                    fail(out, format!("cannot remove {}: {}", quote_always(path), strerror(&e)))?;
                    return Ok((Status::Error, false));
                }
            },
        };
        format!("remove {}{} {}? ", wp, s.type_name(), quote_always(path))
    };
    out.flush()?;
    if !prompt::ask(&question) {
        return Ok((Status::Declined, false));
    }
    Ok((Status::Ok, empty))
}
