//! The traversal: each starting point and what lies below it, depth
//! first in directory order (the sandbox lists a directory in creation
//! order), pre-order or, with -depth, post-order; and the evaluation of
//! the expression on each entry.

use super::exec;
use super::parse::Expr;
use super::pred::{self, Pred};
use super::printf;
use super::{qname, Ctx, Follow};
use std::io::Write;
use wsutil::fsmeta::{self, FileStat};

/// One file as the expression sees it.
pub struct Entry {
    /// The name as printed: the starting point, then `/NAME` per level.
    pub path: String,
    /// Length of the starting point at the front of `path` (%H, %P).
    pub root_len: usize,
    pub depth: usize,
    /// lstat, or stat when links are followed here (-L, -H at the top).
    pub st: FileStat,
    /// Whether links are followed for this entry.
    pub followed: bool,
    pub prune: bool,
    /// Which starting point this came from.
    pub root_index: usize,
}

pub struct Walker<'a> {
    pub ctx: &'a mut Ctx,
    expr: &'a Expr,
    root_index: usize,
}

/// `stat`, or `lstat` for a dangling link when following.
fn stat_entry(path: &str, follow: bool) -> std::io::Result<FileStat> {
    if !follow {
        return fsmeta::stat(path, false);
    }
    match fsmeta::stat(path, true) {
        // A dangling link (ENOENT, ENOTDIR) is looked at itself.
        Err(e) if matches!(e.raw_os_error(), Some(44) | Some(54)) => fsmeta::stat(path, false).map_err(|_| e),
        r => r,
    }
}

fn join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{}{}", dir, name)
    } else {
        format!("{}/{}", dir, name)
    }
}

impl<'a> Walker<'a> {
    pub fn new(ctx: &'a mut Ctx, expr: &'a Expr) -> Self {
        Walker { ctx, expr, root_index: 0 }
    }

    pub fn start(&mut self, root: &str) {
        self.root_index += 1;
        let follow = self.ctx.opts.follow != Follow::Never;
        let st = match stat_entry(root, follow) {
            Ok(st) => st,
            Err(e) => {
                self.ctx.error(&format!("{}: {}", qname(root), wsutil::strerror(&e)));
                return;
            }
        };
        let mut ancestors = Vec::new();
        self.visit(root.to_string(), root.len(), 0, st, follow, &mut ancestors);
    }

    fn visit(&mut self, path: String, root_len: usize, depth: usize, st: FileStat, followed: bool, ancestors: &mut Vec<(u64, u64, String)>) {
        // A directory that is its own ancestor (through links, with -L)
        // is reported and left alone, as fts reports FTS_DC.
        if st.is_dir() {
            if let Some((_, _, first)) = ancestors.iter().find(|(d, i, _)| *d == st.dev && *i == st.ino) {
                let msg = format!(
                    "File system loop detected; {} is part of the same file system loop as {}.",
                    qname(&path),
                    qname(first)
                );
                self.ctx.error(&msg);
                return;
            }
        }
        let mut e = Entry { path, root_len, depth, st, followed, prune: false, root_index: self.root_index };
        let opts = &self.ctx.opts;
        let in_range = depth >= opts.mindepth;
        let descend = st.is_dir() && opts.maxdepth.map(|m| depth < m).unwrap_or(true);
        let post = opts.depth_first;
        if !post && in_range {
            self.evaluate(&mut e);
            if self.ctx.quit {
                return;
            }
        }
        if descend && !(e.prune && !post) {
            ancestors.push((st.dev, st.ino, e.path.clone()));
            self.children(&e, ancestors);
            ancestors.pop();
            if self.ctx.quit {
                return;
            }
        }
        if post && in_range {
            self.evaluate(&mut e);
        }
    }

    fn children(&mut self, dir: &Entry, ancestors: &mut Vec<(u64, u64, String)>) {
        let names: Vec<String> = match std::fs::read_dir(&dir.path) {
            Ok(it) => it.filter_map(|d| d.ok()).map(|d| d.file_name().to_string_lossy().into_owned()).collect(),
            Err(e) => {
                self.ctx.error(&format!("{}: {}", qname(&dir.path), wsutil::strerror(&e)));
                return;
            }
        };
        let follow = self.ctx.opts.follow == Follow::Always;
        for name in names {
            let path = join(&dir.path, &name);
            let st = match stat_entry(&path, follow) {
                Ok(st) => st,
                Err(e) => {
                    self.ctx.error(&format!("{}: {}", qname(&path), wsutil::strerror(&e)));
                    continue;
                }
            };
            self.visit(path, dir.root_len, dir.depth + 1, st, follow, ancestors);
            if self.ctx.quit {
                return;
            }
        }
    }

    fn evaluate(&mut self, e: &mut Entry) {
        let expr = self.expr;
        self.eval(expr, e);
    }

    fn eval(&mut self, expr: &Expr, e: &mut Entry) -> bool {
        match expr {
            Expr::And(a, b) => {
                let l = self.eval(a, e);
                l && !self.ctx.quit && self.eval(b, e)
            }
            Expr::Or(a, b) => {
                let l = self.eval(a, e);
                if self.ctx.quit {
                    return l;
                }
                l || self.eval(b, e)
            }
            Expr::Comma(a, b) => {
                self.eval(a, e);
                if self.ctx.quit {
                    return false;
                }
                self.eval(b, e)
            }
            Expr::Not(a) => !self.eval(a, e),
            Expr::Pred(p) => self.action(p, e),
        }
    }

    fn write(&mut self, out: usize, bytes: &[u8]) {
        if let Some(o) = self.ctx.outputs.get_mut(out) {
            let _ = o.sink.write_all(bytes);
        }
    }

    fn action(&mut self, p: &Pred, e: &mut Entry) -> bool {
        match p {
            Pred::Print { out, sep } => {
                let mut b = e.path.clone().into_bytes();
                b.push(*sep);
                self.write(*out, &b);
                true
            }
            Pred::Printf { out, fmt } => {
                let mut b = Vec::new();
                printf::render(fmt, e, self.ctx, &mut b);
                self.write(*out, &b);
                true
            }
            Pred::Ls { out } => {
                let line = printf::ls_line(e, self.ctx);
                self.write(*out, line.as_bytes());
                true
            }
            Pred::Exec(k) => exec::run(self.ctx, *k, e),
            Pred::Delete => self.delete(e),
            Pred::Prune => {
                e.prune = true;
                true
            }
            Pred::Quit => {
                self.ctx.quit = true;
                true
            }
            _ => pred::test(p, e, self.ctx),
        }
    }

    /// -delete: never `.` itself; rmdir for directories.
    fn delete(&mut self, e: &Entry) -> bool {
        let rel = if e.depth == 0 { e.path.as_str() } else { pred::match_name(&e.path) };
        if rel == "." {
            return true;
        }
        let r = if e.st.is_dir() { std::fs::remove_dir(&e.path) } else { std::fs::remove_file(&e.path) };
        match r {
            Ok(()) => true,
            Err(err) => {
                self.ctx.error(&format!("cannot delete {}: {}", qname(&e.path), wsutil::strerror(&err)));
                false
            }
        }
    }

    /// Runs what batches are pending.
    pub fn finish(&mut self) {
        exec::flush_all(self.ctx);
    }
}
