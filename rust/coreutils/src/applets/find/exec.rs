//! `-exec`, `-execdir`, `-ok` and `-okdir`: commands run through the
//! sandbox's spawn import, one per file (`;`) or in batches (`{} +`).

use super::walk::Entry;
use super::{qname, Ctx};
use wsutil::sys::{self, SpawnRequest};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ExecKind {
    Exec,
    ExecDir,
    Ok,
    OkDir,
}

/// Room for a batch's arguments, as GNU keeps under ARG_MAX.
const BATCH_BYTES: usize = 128 * 1024;

pub struct Exec {
    kind: ExecKind,
    /// The command; with `+` without its `{}`.
    argv: Vec<String>,
    multiple: bool,
    batch: Vec<String>,
    batch_bytes: usize,
    /// Where the pending batch runs (-execdir) and which starting point it
    /// came from (starting points never share a batch).
    batch_key: Option<(String, usize)>,
}

impl Exec {
    pub fn new(kind: ExecKind, argv: Vec<String>, multiple: bool) -> Self {
        Exec { kind, argv, multiple, batch: Vec::new(), batch_bytes: 0, batch_key: None }
    }

    /// -ok and -okdir read their answers from standard input.
    pub fn reads_stdin(&self) -> bool {
        matches!(self.kind, ExecKind::Ok | ExecKind::OkDir)
    }
}

/// gnulib's dir_name: the directory part, `.` when there is none.
fn dir_name(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return if path.is_empty() { ".".into() } else { "/".into() };
    }
    match trimmed.rfind('/') {
        Some(k) => {
            let d = trimmed[..k].trim_end_matches('/');
            if d.is_empty() {
                "/".into()
            } else {
                d.to_string()
            }
        }
        None => ".".into(),
    }
}

/// gnulib's base_name (one trailing slash kept).
fn base_name(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    let start = trimmed.rfind('/').map(|k| k + 1).unwrap_or(0);
    let mut s = trimmed[start..].to_string();
    if trimmed.len() < path.len() {
        s.push('/');
    }
    s
}

/// Where -execdir runs for an entry, and the name it passes (`./NAME`).
fn execdir_place(e: &Entry) -> (String, String) {
    (dir_name(&e.path), format!("./{}", base_name(&e.path)))
}

/// Runs a command and waits; its status, or None when it could not start
/// (the reason is printed, as GNU's child does).
fn launch(ctx: &mut Ctx, argv: &[String], cwd: Option<&str>, close_stdin: bool) -> Option<u32> {
    ctx.flush_all();
    let fds: &[(u32, u32)] = if close_stdin { &[(1, 1), (2, 2)] } else { &[] };
    let req = SpawnRequest { argv, env: None, cwd, fds };
    let pid = match sys::spawn(&req) {
        Ok(pid) => pid,
        Err(e) => {
            wsutil::show_error(&format!("{}: {}", qname(&argv[0]), wsutil::strerror(&e)));
            return Some(1);
        }
    };
    match sys::wait(pid, None) {
        Ok(Some(status)) => {
            if (129..=159).contains(&status) {
                wsutil::show_error(&format!("{} terminated by signal {}", qname(&argv[0]), status - 128));
                return None;
            }
            Some(status)
        }
        _ => None,
    }
}

/// `-ok`: asks on standard error and reads a line from standard input;
/// a line starting with y or Y is a yes.
fn confirm(ctx: &mut Ctx, program: &str, path: &str) -> bool {
    ctx.flush_all();
    eprint!("< {} ... {} > ? ", program, path);
    let mut line = Vec::new();
    let mut fd = wsutil::io::stdin();
    let mut byte = [0u8; 1];
    use std::io::Read;
    loop {
        match fd.read(&mut byte) {
            Ok(1) => {
                if byte[0] == b'\n' {
                    break;
                }
                line.push(byte[0]);
            }
            Ok(_) => break,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    matches!(line.first(), Some(b'y') | Some(b'Y'))
}

fn replace_braces(args: &[String], with: &str) -> Vec<String> {
    args.iter().map(|a| a.replace("{}", with)).collect()
}

/// The action for one entry: true when the command succeeded (always
/// true for batches, whose failures only set the exit status).
pub fn run(ctx: &mut Ctx, k: usize, e: &Entry) -> bool {
    let kind = ctx.execs[k].kind;
    let (cwd, name) = match kind {
        ExecKind::Exec | ExecKind::Ok => (None, e.path.clone()),
        ExecKind::ExecDir | ExecKind::OkDir => {
            let (d, n) = execdir_place(e);
            (Some(d), n)
        }
    };
    if ctx.execs[k].multiple {
        let key = (cwd.clone().unwrap_or_default(), if e.depth == 0 { e.root_index } else { usize::MAX });
        let x = &ctx.execs[k];
        let full = x.batch_bytes + name.len() + 1 > BATCH_BYTES;
        let moved = kind == ExecKind::ExecDir && x.batch_key.as_ref().map(|b| *b != key).unwrap_or(false);
        if !x.batch.is_empty() && (full || moved) {
            flush(ctx, k);
        }
        let x = &mut ctx.execs[k];
        x.batch_bytes += name.len() + 1;
        x.batch.push(name);
        x.batch_key = Some(key);
        return true;
    }
    if matches!(kind, ExecKind::Ok | ExecKind::OkDir) {
        let program = ctx.execs[k].argv[0].clone();
        if !confirm(ctx, &program, &e.path) {
            return false;
        }
    }
    let argv = replace_braces(&ctx.execs[k].argv, &name);
    let close_stdin = matches!(kind, ExecKind::Ok | ExecKind::OkDir);
    launch(ctx, &argv, cwd.as_deref(), close_stdin) == Some(0)
}

/// Runs a pending batch.
pub fn flush(ctx: &mut Ctx, k: usize) {
    let x = &mut ctx.execs[k];
    if x.batch.is_empty() {
        return;
    }
    let mut argv = x.argv.clone();
    argv.append(&mut x.batch);
    x.batch_bytes = 0;
    let cwd = match x.kind {
        ExecKind::ExecDir => x.batch_key.take().map(|(d, _)| d),
        _ => None,
    };
    if launch(ctx, &argv, cwd.as_deref(), false) != Some(0) {
        ctx.status = 1;
    }
}

/// Runs every pending batch (at the end, or at -quit).
pub fn flush_all(ctx: &mut Ctx) {
    for k in 0..ctx.execs.len() {
        flush(ctx, k);
    }
}
