//! Compile-time checks: every function, variable and label must be in
//! scope (jq reports "foo/1 is not defined" before running anything).
//! Calls to builtins are bound here once, so the evaluator only searches
//! its scopes for the program's own definitions.

use crate::ast::*;
use crate::builtins::{find_native, Native};
use std::collections::{HashMap, HashSet};

enum Sc<'a> {
    Var(&'a str),
    Func(&'a str, usize),
    Param(&'a str),
    Label(&'a str),
}

pub struct Checker {
    pub prelude: HashMap<(String, usize), &'static FuncDef>,
    pub natives: &'static [Native],
    pub globals: HashSet<String>,
    /// (message, byte offset)
    pub errors: Vec<(String, usize)>,
    /// How many call arguments enclose the expression being checked: jq
    /// reports a level's undefined names before those in its arguments.
    depth: usize,
    depths: Vec<usize>,
}

impl Checker {
    pub fn new(prelude: HashMap<(String, usize), &'static FuncDef>, natives: &'static [Native], globals: HashSet<String>) -> Checker {
        Checker { prelude, natives, globals, errors: Vec::new(), depth: 0, depths: Vec::new() }
    }

    fn error(&mut self, msg: String, pos: usize) {
        self.errors.push((msg, pos));
        self.depths.push(self.depth);
    }

    /// The errors in jq's order.
    pub fn sorted_errors(&self) -> Vec<(String, usize)> {
        let mut idx: Vec<usize> = (0..self.errors.len()).collect();
        idx.sort_by_key(|&i| self.depths[i]);
        idx.into_iter().map(|i| self.errors[i].clone()).collect()
    }
}

impl Checker {
    pub fn check(&mut self, e: &'static Expr) {
        let mut scope = Vec::new();
        self.expr(e, &mut scope);
    }

    /// A builtin written in jq: its recursive calls go through the
    /// builtin table, so only its parameters are local.
    pub fn check_def(&mut self, d: &'static FuncDef) {
        let mut scope = Vec::new();
        for (p, is_var) in &d.params {
            scope.push(Sc::Param(p));
            if *is_var {
                scope.push(Sc::Var(p));
            }
        }
        self.expr(&d.body, &mut scope);
    }

    fn def(&mut self, d: &'static FuncDef, scope: &mut Vec<Sc<'static>>) {
        let n = scope.len();
        scope.push(Sc::Func(&d.name, d.params.len()));
        for (p, is_var) in &d.params {
            scope.push(Sc::Param(p));
            if *is_var {
                scope.push(Sc::Var(p));
            }
        }
        self.expr(&d.body, scope);
        scope.truncate(n + 1);
    }

    fn pattern(&mut self, p: &'static Pattern, scope: &mut Vec<Sc<'static>>) {
        if let Pattern::Object(es) = p {
            for (k, _, sub) in es {
                self.expr(k, scope);
                if let Some(s) = sub {
                    self.pattern(s, scope);
                }
            }
        } else if let Pattern::Array(ps) = p {
            for q in ps {
                self.pattern(q, scope);
            }
        }
    }

    fn bind_patterns(&mut self, pats: &'static [Pattern], scope: &mut Vec<Sc<'static>>) {
        let mut names = Vec::new();
        for p in pats {
            p.vars(&mut names);
        }
        // Keys may use variables bound earlier in the same pattern.
        let n = scope.len();
        for name in &names {
            scope.push(Sc::Var(Box::leak(name.clone().into_boxed_str())));
        }
        for p in pats {
            self.pattern(p, scope);
        }
        scope.truncate(n);
        for name in names {
            scope.push(Sc::Var(Box::leak(name.into_boxed_str())));
        }
    }

    fn expr(&mut self, e: &'static Expr, scope: &mut Vec<Sc<'static>>) {
        match e {
            Expr::Identity | Expr::RecurseAll | Expr::Lit(_) | Expr::Format(_) | Expr::Loc(_) => {}
            Expr::Str(_, parts) => {
                for p in parts {
                    if let StrPart::Interp(x) = p {
                        self.expr(x, scope);
                    }
                }
            }
            Expr::Index(a, b) | Expr::Pipe(a, b) | Expr::Comma(a, b) | Expr::Bin(_, a, b) | Expr::And(a, b) | Expr::Or(a, b) | Expr::Alt(a, b) | Expr::Assign(_, a, b) => {
                self.expr(a, scope);
                self.expr(b, scope);
            }
            Expr::Slice(t, f, to) => {
                self.expr(t, scope);
                if let Some(f) = f {
                    self.expr(f, scope);
                }
                if let Some(to) = to {
                    self.expr(to, scope);
                }
            }
            Expr::Iter(t) | Expr::Neg(t) => self.expr(t, scope),
            Expr::Try(b, h) => {
                self.expr(b, scope);
                if let Some(h) = h {
                    self.expr(h, scope);
                }
            }
            Expr::Array(x) => {
                if let Some(x) = x {
                    self.expr(x, scope);
                }
            }
            Expr::Object(es) => {
                for en in es {
                    self.expr(&en.key, scope);
                    if let Some(v) = &en.value {
                        self.expr(v, scope);
                    }
                }
            }
            Expr::If(arms, els) => {
                for (c, t) in arms {
                    self.expr(c, scope);
                    self.expr(t, scope);
                }
                if let Some(e) = els {
                    self.expr(e, scope);
                }
            }
            Expr::Reduce(src, pats, init, upd) => {
                self.expr(src, scope);
                self.expr(init, scope);
                let n = scope.len();
                self.bind_patterns(pats, scope);
                self.expr(upd, scope);
                scope.truncate(n);
            }
            Expr::Foreach(src, pats, init, upd, ext) => {
                self.expr(src, scope);
                self.expr(init, scope);
                let n = scope.len();
                self.bind_patterns(pats, scope);
                self.expr(upd, scope);
                if let Some(x) = ext {
                    self.expr(x, scope);
                }
                scope.truncate(n);
            }
            Expr::Bind(src, pats, body) => {
                self.expr(src, scope);
                let n = scope.len();
                self.bind_patterns(pats, scope);
                self.expr(body, scope);
                scope.truncate(n);
            }
            Expr::Label(name, body) => {
                scope.push(Sc::Label(name));
                self.expr(body, scope);
                scope.pop();
            }
            Expr::Break(name, pos) => {
                if !scope.iter().any(|s| matches!(s, Sc::Label(l) if *l == name)) {
                    self.error(format!("$*label-{} is not defined", name), *pos);
                }
            }
            Expr::Var(name, pos) => {
                if !scope.iter().any(|s| matches!(s, Sc::Var(v) if *v == name)) && !self.globals.contains(name) {
                    self.error(format!("${} is not defined", name), *pos);
                }
            }
            Expr::Call(c) => {
                self.depth += 1;
                for a in &c.args {
                    self.expr(a, scope);
                }
                self.depth -= 1;
                let arity = c.args.len();
                let local = scope.iter().rev().any(|s| match s {
                    Sc::Func(n, a) => *n == c.name && *a == arity,
                    Sc::Param(n) => arity == 0 && *n == c.name,
                    _ => false,
                });
                if local {
                    return;
                }
                if let Some(d) = self.prelude.get(&(c.name.clone(), arity)) {
                    c.global.set(Some(Global::Def(d)));
                } else if let Some(i) = find_native(self.natives, &c.name, arity) {
                    c.global.set(Some(Global::Native(i)));
                } else {
                    self.error(format!("{}/{} is not defined", c.name, arity), c.pos);
                }
            }
            Expr::Defs(defs, rest) => {
                let n = scope.len();
                for d in defs {
                    self.def(d, scope);
                }
                self.expr(rest, scope);
                scope.truncate(n);
            }
        }
    }
}
