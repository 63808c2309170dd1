//! `cp`: copy files and trees, or make hard or symbolic links instead,
//! with GNU's rules for existing destinations (same file, -n, -u, -i, -f,
//! --remove-destination), for symlinks (-P, -L, -H, -d) and for what is
//! preserved (--preserve=mode,timestamps,links; ownership is moot with one
//! user). `install` and `mv` use the file copying here.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use wsutil::args::{self, HasArg, Item, Spec, HELP, LONG1, LONG2, LONG3, LONG4, LONG5, LONG6, LONG7, LONG8, VERSION};
use wsutil::fsext::{self, Stat, W_OK};
use wsutil::io::{stdout, Out};
use wsutil::pathname::{concat, dir_name, in_directory};
use wsutil::{prompt, quote_always, quote_locale, report, show_error, strerror, Error, Result, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("cp", main)];

const CONTEXT: char = '\u{e020}';
const COPY_CONTENTS: char = '\u{e021}';

const SPEC: Spec = Spec {
    short: "abdfHilLnprst:uvxPRS:TZ",
    long: &[
        ("archive", HasArg::No, 'a'),
        ("attributes-only", HasArg::No, LONG1),
        ("backup", HasArg::Optional, 'b'),
        ("copy-contents", HasArg::No, COPY_CONTENTS),
        ("dereference", HasArg::No, 'L'),
        ("force", HasArg::No, 'f'),
        ("interactive", HasArg::No, 'i'),
        ("link", HasArg::No, 'l'),
        ("no-clobber", HasArg::No, 'n'),
        ("no-dereference", HasArg::No, 'P'),
        ("no-preserve", HasArg::Required, LONG2),
        ("no-target-directory", HasArg::No, 'T'),
        ("one-file-system", HasArg::No, 'x'),
        ("parents", HasArg::No, LONG3),
        ("path", HasArg::No, LONG3),
        ("preserve", HasArg::Optional, LONG4),
        ("recursive", HasArg::No, 'R'),
        ("remove-destination", HasArg::No, LONG5),
        ("sparse", HasArg::Required, LONG6),
        ("reflink", HasArg::Optional, LONG7),
        ("strip-trailing-slashes", HasArg::No, LONG8),
        ("suffix", HasArg::Required, 'S'),
        ("symbolic-link", HasArg::No, 's'),
        ("target-directory", HasArg::Required, 't'),
        ("update", HasArg::No, 'u'),
        ("verbose", HasArg::No, 'v'),
        ("context", HasArg::Optional, CONTEXT),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: cp [OPTION]... [-T] SOURCE DEST
  or:  cp [OPTION]... SOURCE... DIRECTORY
  or:  cp [OPTION]... -t DIRECTORY SOURCE...
Copy SOURCE to DEST, or multiple SOURCE(s) to DIRECTORY.

  -a, --archive                same as -dR --preserve=all
      --attributes-only        don't copy the file data, just the attributes
  -d                           same as --no-dereference --preserve=links
  -f, --force                  if an existing destination file cannot be
                                 opened, remove it and try again
  -i, --interactive            prompt before overwrite
  -H                           follow command-line symbolic links in SOURCE
  -l, --link                   hard link files instead of copying
  -L, --dereference            always follow symbolic links in SOURCE
  -n, --no-clobber             do not overwrite an existing file
  -P, --no-dereference         never follow symbolic links in SOURCE
  -p                           same as --preserve=mode,ownership,timestamps
      --preserve[=ATTR_LIST]   preserve the specified attributes
      --no-preserve=ATTR_LIST  don't preserve the specified attributes
      --parents                use full source file name under DIRECTORY
  -R, -r, --recursive          copy directories recursively
      --remove-destination     remove each existing destination file before
                                 attempting to open it
      --strip-trailing-slashes  remove any trailing slashes from each SOURCE
  -s, --symbolic-link          make symbolic links instead of copying
  -t, --target-directory=DIRECTORY  copy all SOURCE arguments into DIRECTORY
  -T, --no-target-directory    treat DEST as a normal file
  -u, --update                 copy only when the SOURCE file is newer
                                 than the destination file or when the
                                 destination file is missing
  -v, --verbose                explain what is being done
";

pub const ENOENT: i32 = 44;
const EEXIST: i32 = 20;

fn errno(e: &std::io::Error) -> i32 {
    e.raw_os_error().unwrap_or(0)
}

/// When symlinks among the sources are followed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Deref {
    Never,
    CommandLine,
    Always,
}

/// Whether an existing destination is replaced.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Clobber {
    Yes,
    /// `-n`: never.
    No,
    /// `-i`: ask.
    Ask,
}

#[derive(Clone, Debug)]
pub struct Options {
    pub recursive: bool,
    pub deref: Deref,
    pub clobber: Clobber,
    pub force: bool,
    pub remove_destination: bool,
    pub update: bool,
    pub verbose: bool,
    pub hard_link: bool,
    pub symbolic_link: bool,
    pub attributes_only: bool,
    pub preserve_mode: bool,
    pub preserve_timestamps: bool,
    pub preserve_links: bool,
    pub umask: u32,
}

impl Options {
    pub fn new() -> Self {
        Options {
            recursive: false,
            deref: Deref::Always,
            clobber: Clobber::Yes,
            force: false,
            remove_destination: false,
            update: false,
            verbose: false,
            hard_link: false,
            symbolic_link: false,
            attributes_only: false,
            preserve_mode: false,
            preserve_timestamps: false,
            preserve_links: false,
            umask: fsext::umask(),
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options::new()
    }
}

/// What one run remembers across files.
struct Run<'a> {
    o: &'a Options,
    out: Out,
    /// The first directory made for the current command-line source
    /// (dev, ino, name): meeting it again as a source means copying a
    /// directory into itself.
    first_made: Option<(u64, u64, String)>,
    /// Set when that happened: the whole source is abandoned.
    into_self: bool,
    /// Copies of multiply-linked sources, to link again (--preserve=links).
    copies: HashMap<(u64, u64), String>,
    /// Command-line sources seen (dev, ino, name), for "specified more than once".
    seen: HashSet<(u64, u64, String)>,
    top_src: String,
    top_dst: String,
}

impl<'a> Run<'a> {
    fn error(&mut self, msg: String) -> bool {
        let _ = self.out.flush();
        show_error(&msg);
        false
    }

    fn verbose(&mut self, src: &str, dst: &str) -> Result<()> {
        if self.o.verbose {
            writeln!(self.out, "{} -> {}", quote_always(src), quote_always(dst))?;
        }
        Ok(())
    }
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

/// `--preserve`/`--no-preserve` list items.
fn attributes(list: &str, option: &str) -> Result<Vec<&'static str>> {
    const NAMES: &[&str] = &["mode", "timestamps", "ownership", "links", "context", "xattr", "all"];
    let mut out = Vec::new();
    for word in list.split(',') {
        out.push(argmatch(word, NAMES, option)?);
    }
    Ok(out)
}

/// GNU's `argmatch`: an exact name or an unambiguous prefix, else the
/// list of valid arguments.
fn argmatch(word: &str, names: &[&'static str], option: &str) -> Result<&'static str> {
    if let Some(n) = names.iter().find(|n| **n == word) {
        return Ok(n);
    }
    let found: Vec<&&str> = names.iter().filter(|n| !word.is_empty() && n.starts_with(word)).collect();
    if found.len() == 1 {
        return Ok(found[0]);
    }
    let why = if found.is_empty() { "invalid" } else { "ambiguous" };
    let mut msg = format!("{} argument {} for {}\nValid arguments are:", why, quote_locale(word), quote_locale(option));
    for n in names {
        msg.push_str(&format!("\n  - {}", quote_locale(n)));
    }
    Err(UsageError::new(msg).into())
}

fn run(argv: &[String]) -> Result<i32> {
    let mut o = Options::new();
    let mut deref: Option<Deref> = None;
    let mut target: Option<String> = None;
    let mut no_target = false;
    let mut parents = false;
    let mut strip_slashes = false;
    let mut reflink_always = false;
    let mut files = Vec::new();
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt('a', _) => {
                deref = Some(Deref::Never);
                o.recursive = true;
                o.preserve_mode = true;
                o.preserve_timestamps = true;
                o.preserve_links = true;
            }
            Item::Opt('b', _) => return Err(Error::Unsupported("--backup".into())),
            Item::Opt('S', _) => return Err(Error::Unsupported("--suffix".into())),
            Item::Opt('d', _) => {
                deref = Some(Deref::Never);
                o.preserve_links = true;
            }
            Item::Opt('f', _) => o.force = true,
            Item::Opt('i', _) => o.clobber = Clobber::Ask,
            Item::Opt('n', _) => o.clobber = Clobber::No,
            Item::Opt('H', _) => deref = Some(Deref::CommandLine),
            Item::Opt('L', _) => deref = Some(Deref::Always),
            Item::Opt('P', _) => deref = Some(Deref::Never),
            Item::Opt('l', _) => o.hard_link = true,
            Item::Opt('s', _) => o.symbolic_link = true,
            Item::Opt('p', _) => {
                o.preserve_mode = true;
                o.preserve_timestamps = true;
            }
            Item::Opt('r' | 'R', _) => o.recursive = true,
            Item::Opt('t', Some(d)) => {
                if target.is_some() {
                    return Err(Error::Fatal("multiple target directories specified".into()));
                }
                target = Some(d);
            }
            Item::Opt('T', _) => no_target = true,
            Item::Opt('u', _) => o.update = true,
            Item::Opt('v', _) => o.verbose = true,
            Item::Opt('x', _) | Item::Opt('Z', _) | Item::Opt(COPY_CONTENTS, _) => {}
            Item::Opt(CONTEXT, v) => {
                if v.is_some() {
                    show_error("warning: ignoring --context; it requires an SELinux-enabled kernel");
                }
            }
            Item::Opt(LONG1, _) => o.attributes_only = true,
            Item::Opt(LONG2, Some(list)) => {
                for a in attributes(&list, "--no-preserve")? {
                    set_preserve(&mut o, a, false);
                }
            }
            Item::Opt(LONG3, _) => parents = true,
            Item::Opt(LONG4, list) => {
                let list = list.unwrap_or_else(|| "mode,ownership,timestamps".into());
                for a in attributes(&list, "--preserve")? {
                    if a == "context" {
                        return Err(Error::Fatal(
                            "cannot preserve security context without an SELinux-enabled kernel".into(),
                        ));
                    }
                    set_preserve(&mut o, a, true);
                }
            }
            Item::Opt(LONG5, _) => o.remove_destination = true,
            Item::Opt(LONG6, Some(w)) => {
                argmatch(&w, &["never", "auto", "always"], "--sparse")?;
            }
            Item::Opt(LONG7, w) => {
                let w = match w {
                    Some(w) => argmatch(&w, &["auto", "always", "never"], "--reflink")?,
                    None => "always",
                };
                reflink_always = w == "always";
            }
            Item::Opt(LONG8, _) => strip_slashes = true,
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("cp (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(..) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    o.deref = deref.unwrap_or(if o.recursive && !o.hard_link { Deref::Never } else { Deref::Always });
    if o.hard_link && o.symbolic_link {
        return Err(UsageError::new("cannot make both hard and symbolic links").into());
    }
    let mut plan = plan_operands(&files, target, no_target, parents)?;
    if let (true, Plan::Into(_, sources)) = (strip_slashes, &mut plan) {
        // Only sources copied into a directory lose their slashes.
        for f in sources.iter_mut() {
            *f = wsutil::pathname::strip_trailing_slashes(f).to_string();
        }
    }
    let mut r = Run {
        o: &o,
        out: stdout(),
        first_made: None,
        into_self: false,
        copies: HashMap::new(),
        seen: HashSet::new(),
        top_src: String::new(),
        top_dst: String::new(),
    };
    let mut ok = true;
    match plan {
        Plan::Into(dir, sources) => {
            for src in &sources {
                ok &= copy_into(&mut r, src, &dir, parents, reflink_always)?;
            }
        }
        Plan::One(src, dst) => {
            r.top_src = src.clone();
            r.top_dst = dst.clone();
            ok = if reflink_always { clone_fails(&mut r, &src, &dst) } else { copy(&mut r, &src, &dst, true, false)? };
        }
    }
    r.out.flush()?;
    Ok(if ok { 0 } else { 1 })
}

fn set_preserve(o: &mut Options, attr: &str, on: bool) {
    match attr {
        "mode" => o.preserve_mode = on,
        "timestamps" => o.preserve_timestamps = on,
        "links" => o.preserve_links = on,
        "all" => {
            o.preserve_mode = on;
            o.preserve_timestamps = on;
            o.preserve_links = on;
        }
        _ => {}
    }
}

/// The sandbox cannot clone files (no copy-on-write), as ext4 cannot:
/// `--reflink=always` fails the way GNU's does there.
fn clone_fails(r: &mut Run, src: &str, dst: &str) -> bool {
    if let Err(e) = fsext::stat(src, true) {
        return r.error(format!("cannot stat {}: {}", quote_always(src), strerror(&e)));
    }
    r.error(format!("failed to clone {} from {}: Operation not supported", quote_always(dst), quote_always(src)))
}

/// What the operands ask for.
pub enum Plan {
    /// Copy each source into a directory.
    Into(String, Vec<String>),
    /// Copy one source to one destination name.
    One(String, String),
}

/// Sorts out the operands as GNU does: -t, -T, or a last operand that is
/// (or, with several sources, must be) a directory.
pub fn plan_operands(files: &[String], target: Option<String>, no_target: bool, parents: bool) -> Result<Plan> {
    if let Some(t) = target {
        if no_target {
            return Err(Error::Fatal(
                "cannot combine --target-directory (-t) and --no-target-directory (-T)".into(),
            ));
        }
        match fsext::stat(&t, true) {
            Err(e) => return Err(Error::Fatal(format!("target directory {}: {}", quote_always(&t), strerror(&e)))),
            Ok(st) if !st.is_dir() => {
                return Err(Error::Fatal(format!("target directory {}: Not a directory", quote_always(&t))))
            }
            Ok(_) => {}
        }
        if files.is_empty() {
            return Err(UsageError::new("missing file operand").into());
        }
        return Ok(Plan::Into(t, files.to_vec()));
    }
    if files.is_empty() {
        return Err(UsageError::new("missing file operand").into());
    }
    if files.len() == 1 {
        return Err(
            UsageError::new(format!("missing destination file operand after {}", quote_always(&files[0]))).into()
        );
    }
    if no_target {
        if files.len() > 2 {
            return Err(UsageError::new(format!("extra operand {}", quote_always(&files[2]))).into());
        }
        if parents {
            return Err(UsageError::new("with --parents, the destination must be a directory").into());
        }
        return Ok(Plan::One(files[0].clone(), files[1].clone()));
    }
    let last = &files[files.len() - 1];
    match fsext::stat(last, true) {
        Ok(st) if st.is_dir() => Ok(Plan::Into(last.clone(), files[..files.len() - 1].to_vec())),
        other => {
            if files.len() > 2 {
                let why = match other {
                    Err(e) => strerror(&e),
                    Ok(_) => "Not a directory",
                };
                return Err(Error::Fatal(format!("target {}: {}", quote_always(last), why)));
            }
            if parents {
                return Err(UsageError::new("with --parents, the destination must be a directory").into());
            }
            Ok(Plan::One(files[0].clone(), files[1].clone()))
        }
    }
}

/// Copies one command-line source into directory `dir`.
fn copy_into(r: &mut Run, src: &str, dir: &str, parents: bool, reflink_always: bool) -> Result<bool> {
    let dst = if parents {
        if !make_parents(r, src, dir)? {
            return Ok(false);
        }
        concat(dir, src)
    } else if wsutil::pathname::base_name(src) == ".." {
        // GNU copies `x/..` as the target directory's `.`.
        concat(dir, ".")
    } else {
        in_directory(dir, src)
    };
    r.top_src = src.to_string();
    r.top_dst = dst.clone();
    r.first_made = None;
    r.into_self = false;
    if reflink_always {
        return Ok(clone_fails(r, src, &dst));
    }
    copy(r, src, &dst, true, true)
}

/// `--parents`: makes the directories leading to `dir/src`, copying the
/// modes of the source's own leading directories.
fn make_parents(r: &mut Run, src: &str, dir: &str) -> Result<bool> {
    let rel = src.trim_start_matches('/');
    let mut end = 0;
    while let Some(pos) = rel[end..].find('/') {
        let upto = &rel[..end + pos];
        end += pos + 1;
        if upto.ends_with('/') || upto.is_empty() {
            continue;
        }
        let dst = concat(dir, upto);
        let src_dir = &src[..src.len() - rel.len() + upto.len()];
        if fsext::stat(&dst, true).is_ok() {
            continue;
        }
        let st = match fsext::stat(src_dir, true) {
            Ok(st) if st.is_dir() => st,
            Ok(_) => {
                return Ok(r.error(format!("failed to get attributes of {}: Not a directory", quote_always(src_dir))))
            }
            Err(e) => {
                return Ok(r.error(format!("failed to get attributes of {}: {}", quote_always(src_dir), strerror(&e))))
            }
        };
        if let Err(e) = fsext::mkdir(&dst) {
            return Ok(r.error(format!("cannot make directory {}: {}", quote_always(&dst), strerror(&e))));
        }
        let mode = if r.o.preserve_mode { st.perm() } else { st.perm() & !r.o.umask };
        let _ = fsext::chmod(&dst, mode);
        if r.o.verbose {
            writeln!(r.out, "{} -> {}", src_dir, dst)?;
        }
    }
    Ok(true)
}

/// The source's status, following a symlink as the options say.
fn source_stat(o: &Options, src: &str, command_line: bool) -> std::io::Result<(Stat, bool)> {
    let follow = match o.deref {
        Deref::Always => true,
        Deref::CommandLine => command_line,
        Deref::Never => false,
    };
    fsext::stat(src, follow).map(|st| (st, follow))
}

/// GNU's same-file test for an existing destination: Some(true) when
/// the copy must stop with "are the same file", Some(false) when there
/// is nothing to do (`cp -l` of a file onto a link to it), None to go on.
fn same_file(o: &Options, src: &str, src_st: &Stat, dst: &str, dst_lst: &Stat) -> Option<bool> {
    if o.symbolic_link && dst_lst.is_symlink() {
        // A new symlink replaces (with -f) or collides with the old one.
        return None;
    }
    if src_st.is_symlink() && dst_lst.is_symlink() {
        return if same_entry(src, dst) { Some(true) } else { None };
    }
    if o.remove_destination && dst_lst.is_symlink() {
        return None;
    }
    let s = if src_st.is_symlink() { fsext::stat(src, true).ok()? } else { *src_st };
    let d = if dst_lst.is_symlink() { fsext::stat(dst, true).ok()? } else { *dst_lst };
    if !s.same_file(&d) {
        return None;
    }
    if o.hard_link {
        return if dst_lst.is_symlink() { None } else { Some(false) };
    }
    Some(true)
}

/// Whether two names are the same directory entry: same last component
/// in the same directory.
fn same_entry(a: &str, b: &str) -> bool {
    wsutil::pathname::base_name(a) == wsutil::pathname::base_name(b)
        && match (fsext::stat(dir_name(a), true), fsext::stat(dir_name(b), true)) {
            (Ok(x), Ok(y)) => x.same_file(&y),
            _ => false,
        }
}

pub fn perm_string(mode: u32) -> String {
    let mut s = String::new();
    for (bit, c) in [
        (0o400, 'r'),
        (0o200, 'w'),
        (0o100, 'x'),
        (0o040, 'r'),
        (0o020, 'w'),
        (0o010, 'x'),
        (0o004, 'r'),
        (0o002, 'w'),
        (0o001, 'x'),
    ] {
        s.push(if mode & bit != 0 { c } else { '-' });
    }
    s
}

/// `-i`: asks before replacing `dst`.
fn may_overwrite(r: &mut Run, dst: &str, dst_st: &Stat) -> Result<bool> {
    r.out.flush()?;
    let q = if !dst_st.is_symlink() && !dst_st.permits(W_OK) {
        format!(
            "unwritable {} (mode {:04o}, {}); try anyway? ",
            quote_always(dst),
            dst_st.perm(),
            perm_string(dst_st.perm())
        )
    } else {
        format!("overwrite {}? ", quote_always(dst))
    };
    Ok(prompt::ask(&q))
}

/// What to do about an existing destination.
enum Existing {
    /// Stop here with this result (skipped, refused or failed).
    Done(bool),
    /// Go on; the destination is still there (true) or was removed.
    Proceed(bool),
}

/// Checks a command-line source against the others (GNU warns about the
/// same file twice) and any source directory against the first directory
/// this source made (copying a directory into itself).
fn check_source(r: &mut Run, src: &str, src_st: &Stat, dst: &str, command_line: bool, into_dir: bool) -> Option<bool> {
    if command_line && into_dir {
        let key = (src_st.dev, src_st.ino, wsutil::pathname::base_name(src).to_string());
        if !r.seen.insert(key) {
            let kind = if src_st.is_dir() { "directory" } else { "file" };
            let _ = r.out.flush();
            show_error(&format!("warning: source {} {} specified more than once", kind, quote_always(src)));
            return Some(true);
        }
    }
    let (dev, ino, earlier) = r.first_made.clone()?;
    if !src_st.is_dir() || (dev, ino) != (src_st.dev, src_st.ino) {
        return None;
    }
    if same_entry(src, &earlier) {
        r.into_self = true;
        let (a, b) = (quote_always(&r.top_src), quote_always(&r.top_dst));
        return Some(r.error(format!("cannot copy a directory, {}, into itself, {}", a, b)));
    }
    let deref = r.o.deref;
    if deref == Deref::Never || (deref == Deref::CommandLine && !command_line) {
        let msg = format!("will not create hard link {} to directory {}", quote_always(dst), quote_always(&earlier));
        return Some(r.error(msg));
    }
    None
}

/// GNU's rules for a destination that exists: same file, -n, -u, -i,
/// directory versus non-directory, and removing it first when a new
/// file must take its place.
fn check_existing(r: &mut Run, src: &str, src_st: &Stat, dst: &str, dst_st: &Stat) -> Result<Existing> {
    let o = r.o;
    match same_file(o, src, src_st, dst, dst_st) {
        Some(true) => {
            let msg = format!("{} and {} are the same file", quote_always(src), quote_always(dst));
            return Ok(Existing::Done(r.error(msg)));
        }
        Some(false) => return Ok(Existing::Done(true)),
        None => {}
    }
    if !src_st.is_dir() {
        if o.clobber == Clobber::No {
            return Ok(Existing::Done(true));
        }
        if o.update {
            let target = if dst_st.is_symlink() { fsext::stat(dst, true).unwrap_or(*dst_st) } else { *dst_st };
            if target.mtime_ns >= src_st.mtime_ns {
                return Ok(Existing::Done(true));
            }
        }
        if o.clobber == Clobber::Ask && !may_overwrite(r, dst, dst_st)? {
            return Ok(Existing::Done(true));
        }
    }
    if dst_st.is_dir() && !src_st.is_dir() {
        let msg = format!("cannot overwrite directory {} with non-directory", quote_always(dst));
        return Ok(Existing::Done(r.error(msg)));
    }
    if src_st.is_dir() && !dst_st.is_dir() {
        let msg =
            format!("cannot overwrite non-directory {} with directory {}", quote_always(dst), quote_always(src));
        return Ok(Existing::Done(r.error(msg)));
    }
    let unlink_first = !dst_st.is_dir()
        && (o.remove_destination
            || (o.preserve_links && dst_st.nlink > 1)
            || (o.deref == Deref::Never && !src_st.is_file() && !o.hard_link && !o.symbolic_link));
    if !unlink_first {
        return Ok(Existing::Proceed(true));
    }
    if let Err(e) = fsext::unlink(dst) {
        if errno(&e) != ENOENT {
            return Ok(Existing::Done(r.error(format!("cannot remove {}: {}", quote_always(dst), strerror(&e)))));
        }
    }
    if o.verbose {
        writeln!(r.out, "removed {}", quote_always(dst))?;
    }
    Ok(Existing::Proceed(false))
}

/// Copies `src` to `dst` (GNU's `copy_internal`). `into_dir`: the
/// destination name was made inside a target directory.
fn copy(r: &mut Run, src: &str, dst: &str, command_line: bool, into_dir: bool) -> Result<bool> {
    let o = r.o;
    let (src_st, followed) = match source_stat(o, src, command_line) {
        Ok(s) => s,
        Err(e) => return Ok(r.error(format!("cannot stat {}: {}", quote_always(src), strerror(&e)))),
    };
    if src_st.is_dir() && !o.recursive {
        return Ok(r.error(format!("-r not specified; omitting directory {}", quote_always(src))));
    }
    if let Some(done) = check_source(r, src, &src_st, dst, command_line, into_dir) {
        return Ok(done);
    }
    let exists = match fsext::stat(dst, false) {
        Ok(dst_st) => match check_existing(r, src, &src_st, dst, &dst_st)? {
            Existing::Done(ok) => return Ok(ok),
            Existing::Proceed(still) => still,
        },
        Err(e) if errno(&e) == ENOENT => false,
        Err(e) => return Ok(r.error(format!("cannot stat {}: {}", quote_always(dst), strerror(&e)))),
    };
    if src_st.is_dir() {
        return copy_dir(r, src, dst, &src_st, !exists);
    }
    if !exists && dst.ends_with('/') {
        return Ok(r.error(format!("cannot create regular file {}: Not a directory", quote_always(dst))));
    }
    if o.symbolic_link {
        return make_symlink(r, src, dst, exists);
    }
    if o.hard_link {
        r.verbose(src, dst)?;
        return make_hard_link(r, src, dst, followed, exists);
    }
    if o.preserve_links && src_st.nlink > 1 {
        if let Some(first) = r.copies.get(&(src_st.dev, src_st.ino)).cloned() {
            r.verbose(src, dst)?;
            if let Err(e) = fsext::link(&first, dst, false) {
                let (d, f) = (quote_always(dst), quote_always(&first));
                return Ok(r.error(format!("cannot create hard link {} to {}: {}", d, f, strerror(&e))));
            }
            return Ok(true);
        }
    }
    let ok = if src_st.is_symlink() {
        copy_symlink(r, src, dst, &src_st)?
    } else {
        r.verbose(src, dst)?;
        copy_regular(r, src, dst, &src_st, !exists)?
    };
    if ok && o.preserve_links && src_st.nlink > 1 {
        r.copies.insert((src_st.dev, src_st.ino), dst.to_string());
    }
    Ok(ok)
}

fn copy_dir(r: &mut Run, src: &str, dst: &str, src_st: &Stat, new: bool) -> Result<bool> {
    let o = r.o;
    if new {
        if let Err(e) = fsext::mkdir(dst) {
            return Ok(r.error(format!("cannot create directory {}: {}", quote_always(dst), strerror(&e))));
        }
        if r.first_made.is_none() {
            if let Ok(st) = fsext::stat(dst, false) {
                r.first_made = Some((st.dev, st.ino, dst.to_string()));
            }
        }
        // Writable and searchable while it is filled.
        let _ = fsext::chmod(dst, 0o700 | (src_st.perm() & !o.umask));
        // GNU names a directory only when it makes it.
        r.verbose(src, dst)?;
    }
    let mut ok = true;
    match sorted_entries(src) {
        Ok(names) => {
            for name in names {
                let s = concat(src, &name);
                let d = concat(dst, &name);
                ok &= copy(r, &s, &d, false, false)?;
                if r.into_self {
                    // GNU gives up on the whole source: going on could loop.
                    return Ok(false);
                }
            }
        }
        Err(e) => ok = r.error(format!("cannot access {}: {}", quote_always(src), strerror(&e))),
    }
    if o.preserve_timestamps {
        if let Err(e) = fsext::set_times(dst, true, src_st.atime_ns, src_st.mtime_ns) {
            ok = r.error(format!("preserving times for {}: {}", quote_always(dst), strerror(&e)));
        }
    }
    if o.preserve_mode {
        let _ = fsext::chmod(dst, src_st.perm());
    } else if new {
        let _ = fsext::chmod(dst, src_st.perm() & !o.umask);
    }
    Ok(ok)
}

/// A directory's entries in inode order, as GNU's `savedir` reads them
/// (it sorts by inode number to read faster), so `-v` lists in its order.
fn sorted_entries(dir: &str) -> std::io::Result<Vec<String>> {
    let mut entries: Vec<(u64, String)> = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        let ino = fsext::stat(&concat(dir, &name), false).map(|s| s.ino).unwrap_or(0);
        entries.push((ino, name));
    }
    entries.sort();
    Ok(entries.into_iter().map(|(_, n)| n).collect())
}

fn copy_symlink(r: &mut Run, src: &str, dst: &str, src_st: &Stat) -> Result<bool> {
    r.verbose(src, dst)?;
    let target = match fsext::readlink(src) {
        Ok(t) => t,
        Err(e) => return Ok(r.error(format!("cannot read symbolic link {}: {}", quote_always(src), strerror(&e)))),
    };
    if let Err(e) = fsext::symlink(&target, dst) {
        return Ok(r.error(format!("cannot create symbolic link {}: {}", quote_always(dst), strerror(&e))));
    }
    if r.o.preserve_timestamps {
        let _ = fsext::set_times(dst, false, src_st.atime_ns, src_st.mtime_ns);
    }
    Ok(true)
}

/// `-l`: a hard link instead of a copy; `-f` replaces an existing name.
fn make_hard_link(r: &mut Run, src: &str, dst: &str, follow: bool, exists: bool) -> Result<bool> {
    let mut result = fsext::link(src, dst, follow);
    if let Err(e) = &result {
        if errno(e) == EEXIST && exists && (r.o.force || r.o.clobber == Clobber::Ask) {
            if let Err(e) = fsext::unlink(dst) {
                return Ok(r.error(format!("cannot remove {}: {}", quote_always(dst), strerror(&e))));
            }
            result = fsext::link(src, dst, follow);
        }
    }
    match result {
        Ok(()) => Ok(true),
        Err(e) => Ok(r.error(format!(
            "cannot create hard link {} to {}: {}",
            quote_always(dst),
            quote_always(src),
            strerror(&e)
        ))),
    }
}

/// `-s`: a symbolic link named `dst` holding `src`; a relative `src` only
/// makes sense in the current directory.
fn make_symlink(r: &mut Run, src: &str, dst: &str, exists: bool) -> Result<bool> {
    if !src.starts_with('/') {
        let parent = dir_name(dst);
        if parent != "." {
            let same = match (fsext::stat(".", true), fsext::stat(parent, true)) {
                (Ok(a), Ok(b)) => a.same_file(&b),
                _ => false,
            };
            if !same {
                let msg = format!("{}: can make relative symbolic links only in current directory", wsutil::quote(dst));
                return Ok(r.error(msg));
            }
        }
    }
    r.verbose(src, dst)?;
    let mut result = fsext::symlink(src, dst);
    if let Err(e) = &result {
        if errno(e) == EEXIST && exists && (r.o.force || r.o.clobber == Clobber::Ask) {
            if let Err(e) = fsext::unlink(dst) {
                return Ok(r.error(format!("cannot remove {}: {}", quote_always(dst), strerror(&e))));
            }
            result = fsext::symlink(src, dst);
        }
    }
    match result {
        Ok(()) => Ok(true),
        Err(e) => Ok(r.error(format!(
            "cannot create symbolic link {} to {}: {}",
            quote_always(dst),
            quote_always(src),
            strerror(&e)
        ))),
    }
}

fn copy_regular(r: &mut Run, src: &str, dst: &str, src_st: &Stat, new: bool) -> Result<bool> {
    let o = r.o;
    let mut input = match fsext::open_read(src) {
        Ok(f) => f,
        Err(e) => return Ok(r.error(format!("cannot open {} for reading: {}", quote_always(src), strerror(&e)))),
    };
    let mut created = new;
    let opened = if new {
        fsext::create_new(dst)
    } else {
        let first = fsext::open_write(dst, !o.attributes_only);
        match first {
            Err(_) if o.force => {
                if let Err(e) = fsext::unlink(dst) {
                    if errno(&e) != ENOENT {
                        return Ok(r.error(format!("cannot remove {}: {}", quote_always(dst), strerror(&e))));
                    }
                }
                created = true;
                fsext::create_new(dst)
            }
            other => other,
        }
    };
    let mut output = match opened {
        Ok(f) => f,
        Err(e) => return Ok(r.error(format!("cannot create regular file {}: {}", quote_always(dst), strerror(&e)))),
    };
    if !o.attributes_only {
        if let Err((reading, e)) = copy_data(&mut input, &mut output) {
            let what = if reading { format!("error reading {}", quote_always(src)) } else { format!("error writing {}", quote_always(dst)) };
            return Ok(r.error(format!("{}: {}", what, strerror(&e))));
        }
    }
    drop(output);
    let mut ok = true;
    if o.preserve_timestamps {
        if let Err(e) = fsext::set_times(dst, true, src_st.atime_ns, src_st.mtime_ns) {
            ok = r.error(format!("preserving times for {}: {}", quote_always(dst), strerror(&e)));
        }
    }
    if o.preserve_mode {
        if let Err(e) = fsext::chmod(dst, src_st.perm()) {
            ok = r.error(format!("preserving permissions for {}: {}", quote_always(dst), strerror(&e)));
        }
    } else if created {
        let mode = src_st.perm() & 0o777 & !o.umask;
        if mode != 0o666 & !o.umask {
            let _ = fsext::chmod(dst, mode);
        }
    }
    Ok(ok)
}

/// Copies everything from `input` to `output` in large blocks; the error
/// says whether reading (true) or writing failed.
pub fn copy_data(input: &mut dyn Read, output: &mut dyn Write) -> std::result::Result<(), (bool, std::io::Error)> {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err((true, e)),
        };
        output.write_all(&buf[..n]).map_err(|e| (false, e))?;
    }
}
