//! The evaluator: continuation-passing over the syntax tree. Every
//! expression hands each of its outputs to a callback; backtracking is
//! the callback returning, `empty` is not calling it, and errors, `break`
//! and `halt` travel back as `Err(Ctl)`.
//!
//! Path expressions (`path(f)`, assignments, `del`) run the same code
//! with each value carrying its path from the root ([`P::Yes`]); a value
//! made by anything but a path operation carries [`P::Bad`], and using it
//! as a path is jq's "Invalid path expression" error.

use crate::ast::*;
use crate::builtins;
use crate::value::{self, describe, trunc_dump, Map, Value};
use std::collections::HashMap;
use std::rc::Rc;

pub type Path = Rc<Vec<Value>>;

/// Where a value sits in the input of a path expression.
#[derive(Clone, Debug)]
pub enum P {
    /// Not evaluating a path expression.
    No,
    Yes(Path),
    /// Produced by a non-path expression inside a path expression.
    Bad,
}

/// A value and its path.
#[derive(Clone, Debug)]
pub struct PV {
    pub v: Value,
    pub p: P,
}

impl PV {
    pub fn val(v: Value) -> PV {
        PV { v, p: P::No }
    }

    /// A value computed from this input: it has no path, and is invalid
    /// as one inside a path expression.
    pub fn derive(&self, v: Value) -> PV {
        PV { v, p: if let P::No = self.p { P::No } else { P::Bad } }
    }

    /// The value at `key` below this one.
    fn child(&self, v: Value, key: Value) -> PV {
        let p = match &self.p {
            P::No => P::No,
            P::Yes(path) => {
                let mut np = Vec::with_capacity(path.len() + 1);
                np.extend(path.iter().cloned());
                np.push(key);
                P::Yes(Rc::new(np))
            }
            P::Bad => P::Bad,
        };
        PV { v, p }
    }
}

/// Why evaluation stopped short.
#[derive(Debug)]
pub enum Ctl {
    /// A jq error, with its message value.
    Err(Value),
    /// `break $label` (the label's instance number).
    Break(u64),
    /// `halt`, `halt_error`: the exit status.
    Halt(i32),
    /// An error raised downstream of a `try`, on its way back up through
    /// the try's body (which must not catch it).
    Pass,
}

pub type R = Result<(), Ctl>;
pub type Out<'a> = &'a mut dyn FnMut(&mut Interp, PV) -> R;

pub fn err<T>(msg: impl Into<String>) -> Result<T, Ctl> {
    Err(Ctl::Err(Value::string(msg.into())))
}

/// A closure: an argument expression and the scope it was written in.
#[derive(Clone)]
pub struct Closure {
    pub expr: &'static Expr,
    pub env: Rc<Env>,
}

/// Lexical scopes, innermost first.
pub enum Env {
    Nil,
    Var(String, Value, Rc<Env>),
    /// A `def`: its body sees this frame (so it can recurse).
    Func(&'static FuncDef, Rc<Env>),
    /// A call's arguments; the parent is the function's own frame.
    Args(&'static FuncDef, Vec<Closure>, Rc<Env>),
    Label(String, u64, Rc<Env>),
}

enum Found {
    Def(&'static FuncDef, Rc<Env>),
    Closure(Closure),
}

fn lookup_func(env: &Rc<Env>, name: &str, arity: usize) -> Option<Found> {
    let mut e = env;
    loop {
        match &**e {
            Env::Nil => return None,
            Env::Var(_, _, p) | Env::Label(_, _, p) => e = p,
            Env::Func(d, p) => {
                if d.name == name && d.params.len() == arity {
                    return Some(Found::Def(d, e.clone()));
                }
                e = p;
            }
            Env::Args(d, cs, p) => {
                if arity == 0 {
                    if let Some(i) = d.params.iter().position(|(n, _)| n == name) {
                        return Some(Found::Closure(cs[i].clone()));
                    }
                }
                e = p;
            }
        }
    }
}

fn lookup_var(env: &Rc<Env>, name: &str) -> Option<Value> {
    let mut e = env;
    loop {
        match &**e {
            Env::Nil => return None,
            Env::Var(n, v, p) => {
                if n == name {
                    return Some(v.clone());
                }
                e = p;
            }
            Env::Label(_, _, p) | Env::Func(_, p) | Env::Args(_, _, p) => e = p,
        }
    }
}

fn lookup_label(env: &Rc<Env>, name: &str) -> Option<u64> {
    let mut e = env;
    loop {
        match &**e {
            Env::Nil => return None,
            Env::Label(n, id, p) => {
                if n == name {
                    return Some(*id);
                }
                e = p;
            }
            Env::Var(_, _, p) | Env::Func(_, p) | Env::Args(_, _, p) => e = p,
        }
    }
}

fn push_var(env: &Rc<Env>, name: &str, v: Value) -> Rc<Env> {
    Rc::new(Env::Var(name.to_string(), v, env.clone()))
}

/// How much of the stack the evaluator may use before failing cleanly
/// (the rest is for output, comparison and dropping deep values).
const STACK_BUDGET: usize = crate::STACK_SIZE - (3 << 20);

/// Nesting of evaluations allowed: measured against wasmtime's default
/// 512 KiB native stack (about 380 fit), with a margin.
pub const MAX_EVAL_DEPTH: usize = 150;

/// An address near the top of the current stack frame.
#[inline(never)]
fn stack_pointer() -> usize {
    let marker = 0u8;
    &marker as *const u8 as usize
}

/// Where inputs come from (`input`, `inputs`, the main loop).
pub trait Inputs {
    fn next_input(&mut self) -> Option<Result<Value, String>>;
    fn current_filename(&self) -> Value;
    fn current_line(&self) -> u64;
}

/// The interpreter's state across one run.
pub struct Interp {
    pub natives: &'static [builtins::Native],
    pub inputs: Option<Box<dyn Inputs>>,
    pub env_obj: Value,
    pub regex_cache: HashMap<(String, String), Rc<regex::Regex>>,
    pub dump_opts_debug: value::DumpOpts,
    pub builtin_names: Vec<String>,
    next_label: u64,
    stack_base: usize,
    depth: usize,
    pub max_depth: usize,
}

impl Interp {
    pub fn new(natives: &'static [builtins::Native], env_obj: Value) -> Interp {
        Interp {
            natives,
            inputs: None,
            env_obj,
            regex_cache: HashMap::new(),
            dump_opts_debug: value::DumpOpts::compact(),
            builtin_names: Vec::new(),
            next_label: 0,
            stack_base: stack_pointer(),
            depth: 0,
            max_depth: 0,
        }
    }

    pub fn fresh_label(&mut self) -> u64 {
        self.next_label += 1;
        self.next_label
    }

    /// Runs `e` on `input`, passing each output to `out`. Counts its own
    /// nesting: the module's native stack (the engine's, not linear
    /// memory) is small, and a clean error must come before it runs out.
    pub fn eval(&mut self, e: &'static Expr, env: &Rc<Env>, input: PV, out: Out) -> R {
        if self.depth >= MAX_EVAL_DEPTH {
            return err("Stack overflow: expression nested too deeply");
        }
        self.depth += 1;
        if self.depth > self.max_depth {
            self.max_depth = self.depth;
        }
        let r = self.eval_inner(e, env, input, out);
        self.depth -= 1;
        r
    }

    #[inline(never)]
    fn eval_inner(&mut self, e: &'static Expr, env: &Rc<Env>, input: PV, out: Out) -> R {
        match e {
            Expr::Identity => out(self, input),
            Expr::Pipe(a, b) => self.eval(a, env, input, &mut |it, v| it.eval(b, env, v, out)),
            Expr::Comma(a, b) => {
                self.eval(a, env, input.clone(), out)?;
                self.eval(b, env, input, out)
            }
            Expr::Call(c) => self.eval_call(c, env, input, out),
            _ => self.eval_other(e, env, input, out),
        }
    }

    #[inline(never)]
    fn eval_other(&mut self, e: &'static Expr, env: &Rc<Env>, input: PV, out: Out) -> R {
        match e {
            Expr::Identity => out(self, input),
            Expr::RecurseAll => self.recurse_default(input, out),
            Expr::Lit(v) => out(self, input.derive(v.clone())),
            Expr::Str(fmt, parts) => self.eval_string(fmt.as_deref(), parts, env, input, out),
            Expr::Format(f) => {
                let s = builtins::format(self, f, &input.v)?;
                out(self, input.derive(s))
            }
            Expr::Index(t, k) => {
                let keyin = PV::val(input.v.clone());
                self.eval(k, env, keyin, &mut |it, key| {
                    let key = key.v;
                    it.eval(t, env, input.clone(), &mut |it, tv| {
                        let v = index_path_checked(&tv, &key)?;
                        out(it, tv.child(v, key.clone()))
                    })
                })
            }
            Expr::Slice(t, from, to) => {
                let base = PV::val(input.v.clone());
                self.eval_opt(from.as_deref(), env, base.clone(), &mut |it, f| {
                    it.eval_opt(to.as_deref(), env, base.clone(), &mut |it, tt| {
                        let mut m = Map::new();
                        m.insert(Rc::from("start"), f.clone());
                        m.insert(Rc::from("end"), tt.clone());
                        let key = Value::obj(m);
                        it.eval(t, env, input.clone(), &mut |it, tv| {
                            let v = index_path_checked(&tv, &key)?;
                            out(it, tv.child(v, key.clone()))
                        })
                    })
                })
            }
            Expr::Iter(t) => self.eval(t, env, input, &mut |it, tv| iterate(it, &tv, out)),
            Expr::Try(body, handler) => self.eval_try(body, handler.as_deref(), env, input, out),
            Expr::Neg(x) => self.eval(x, env, PV::val(input.v.clone()), &mut |it, v| {
                let r = match &v.v {
                    Value::Num(_) | Value::Dec(_) => Value::Num(-v.v.as_f64().unwrap_or(0.0)),
                    other => return err(format!("{} cannot be negated", describe(other))),
                };
                out(it, input.derive(r))
            }),
            Expr::Pipe(a, b) => self.eval(a, env, input, &mut |it, v| it.eval(b, env, v, out)),
            Expr::Comma(a, b) => {
                self.eval(a, env, input.clone(), out)?;
                self.eval(b, env, input, out)
            }
            Expr::Bin(op, a, b) => {
                // The right operand varies slowest. Both are evaluated
                // before their results are combined, so that a recursive
                // function on both sides (`f(n-1) + f(n-2)`) does not run
                // one inside the other's stack frames.
                let op = *op;
                let base = PV::val(input.v.clone());
                let (rs, rerr) = self.collect_pv(b, env, base.clone());
                for rv in rs {
                    let (ls, lerr) = self.collect_pv(a, env, base.clone());
                    for lv in ls {
                        let r = builtins::binop(op, &lv.v, &rv.v)?;
                        out(self, input.derive(r))?;
                    }
                    if let Some(e) = lerr {
                        return Err(e);
                    }
                }
                match rerr {
                    Some(e) => Err(e),
                    None => Ok(()),
                }
            }
            Expr::And(a, b) => {
                let base = PV::val(input.v.clone());
                self.eval(a, env, base.clone(), &mut |it, lv| {
                    if !lv.v.truthy() {
                        return out(it, input.derive(Value::Bool(false)));
                    }
                    it.eval(b, env, base.clone(), &mut |it, rv| out(it, input.derive(Value::Bool(rv.v.truthy()))))
                })
            }
            Expr::Or(a, b) => {
                let base = PV::val(input.v.clone());
                self.eval(a, env, base.clone(), &mut |it, lv| {
                    if lv.v.truthy() {
                        return out(it, input.derive(Value::Bool(true)));
                    }
                    it.eval(b, env, base.clone(), &mut |it, rv| out(it, input.derive(Value::Bool(rv.v.truthy()))))
                })
            }
            Expr::Alt(a, b) => self.eval_alt(a, b, env, input, out),
            Expr::Assign(op, lhs, rhs) => self.eval_assign(*op, lhs, rhs, env, input, out),
            Expr::Array(None) => out(self, input.derive(Value::arr(Vec::new()))),
            Expr::Array(Some(x)) => {
                let mut items = Vec::new();
                self.eval(x, env, PV::val(input.v.clone()), &mut |_it, v| {
                    items.push(v.v);
                    Ok(())
                })?;
                out(self, input.derive(Value::arr(items)))
            }
            Expr::Object(entries) => {
                let base = PV::val(input.v.clone());
                self.eval_object(entries, 0, Map::new(), env, &base, &mut |it, m| out(it, input.derive(Value::obj(m))))
            }
            Expr::If(arms, els) => self.eval_if(arms, 0, els.as_deref(), env, input, out),
            Expr::Reduce(src, pats, init, update) => self.eval_reduce(src, pats, init, update, env, input, out),
            Expr::Foreach(src, pats, init, update, extract) => {
                self.eval_foreach(src, pats, init, update, extract.as_deref(), env, input, out)
            }
            Expr::Bind(src, pats, body) => self.eval_bind(src, pats, body, env, input, out),
            Expr::Label(name, body) => {
                let id = self.fresh_label();
                let env2 = Rc::new(Env::Label(name.clone(), id, env.clone()));
                match self.eval(body, &env2, input, out) {
                    Err(Ctl::Break(b)) if b == id => Ok(()),
                    r => r,
                }
            }
            Expr::Break(name, _) => match lookup_label(env, name) {
                Some(id) => Err(Ctl::Break(id)),
                None => err(format!("$*label-{} is not defined", name)),
            },
            Expr::Var(name, _) => match lookup_var(env, name) {
                Some(v) => out(self, input.derive(v)),
                None => err(format!("${} is not defined", name)),
            },
            Expr::Loc(line) => {
                let mut m = Map::new();
                m.insert(Rc::from("file"), Value::str("<top-level>"));
                m.insert(Rc::from("line"), Value::Num(*line as f64));
                out(self, input.derive(Value::obj(m)))
            }
            Expr::Call(c) => self.eval_call(c, env, input, out),
            Expr::Defs(defs, rest) => {
                let mut env2 = env.clone();
                for d in defs {
                    env2 = Rc::new(Env::Func(d, env2));
                }
                self.eval(rest, &env2, input, out)
            }
        }
    }

    #[inline(never)]
    fn eval_opt(&mut self, e: Option<&'static Expr>, env: &Rc<Env>, input: PV, out: &mut dyn FnMut(&mut Interp, Value) -> R) -> R {
        match e {
            None => out(self, Value::Null),
            Some(e) => self.eval(e, env, input, &mut |it, v| out(it, v.v)),
        }
    }

    /// Runs `e` for its values only.
    pub fn values(&mut self, e: &'static Expr, env: &Rc<Env>, input: &Value, out: &mut dyn FnMut(&mut Interp, Value) -> R) -> R {
        self.eval(e, env, PV::val(input.clone()), &mut |it, v| out(it, v.v))
    }

    /// Runs `e` and collects its values.
    pub fn collect(&mut self, e: &'static Expr, env: &Rc<Env>, input: &Value) -> Result<Vec<Value>, Ctl> {
        let mut vs = Vec::new();
        self.values(e, env, input, &mut |_it, v| {
            vs.push(v);
            Ok(())
        })?;
        Ok(vs)
    }

    /// Runs a closure argument.
    pub fn run_closure(&mut self, c: &Closure, input: PV, out: Out) -> R {
        self.eval(c.expr, &c.env, input, out)
    }

    #[inline(never)]
    fn eval_string(&mut self, fmt: Option<&str>, parts: &'static [StrPart], env: &Rc<Env>, input: PV, out: Out) -> R {
        // The last interpolation is the outermost loop, as in jq (the
        // string is built as a chain of `+`).
        self.string_parts(fmt, parts, parts.len(), String::new(), env, &input.v.clone(), &mut |it, s| {
            out(it, input.derive(Value::string(s)))
        })
    }

    #[inline(never)]
    fn string_parts(
        &mut self,
        fmt: Option<&str>,
        parts: &'static [StrPart],
        n: usize,
        suffix: String,
        env: &Rc<Env>,
        input: &Value,
        out: &mut dyn FnMut(&mut Interp, String) -> R,
    ) -> R {
        if n == 0 {
            return out(self, suffix);
        }
        match &parts[n - 1] {
            StrPart::Lit(s) => {
                let mut ns = s.clone();
                ns.push_str(&suffix);
                self.string_parts(fmt, parts, n - 1, ns, env, input, out)
            }
            StrPart::Interp(e) => self.values(e, env, input, &mut |it, v| {
                let text = match fmt {
                    None => value::to_text(&v),
                    Some(f) => match builtins::format(it, f, &v)? {
                        Value::Str(s) => s.to_string(),
                        other => value::to_text(&other),
                    },
                };
                let mut ns = text;
                ns.push_str(&suffix);
                it.string_parts(fmt, parts, n - 1, ns, env, input, out)
            }),
        }
    }

    #[inline(never)]
    fn eval_try(&mut self, body: &'static Expr, handler: Option<&'static Expr>, env: &Rc<Env>, input: PV, out: Out) -> R {
        let mut downstream: Option<Ctl> = None;
        let res = self.eval(body, env, input.clone(), &mut |it, v| match out(it, v) {
            Ok(()) => Ok(()),
            Err(e) => {
                downstream = Some(e);
                Err(Ctl::Pass)
            }
        });
        match res {
            Ok(()) => Ok(()),
            Err(Ctl::Pass) => Err(downstream.take().unwrap_or(Ctl::Pass)),
            Err(Ctl::Err(msg)) => {
                // `error("__jq")`-style breaks out of inputs are just errors.
                match handler {
                    None => Ok(()),
                    Some(h) => {
                        self.eval(h, env, PV::val(msg), &mut |it, v| out(it, input.derive(v.v)))
                    }
                }
            }
            Err(other) => Err(other),
        }
    }

    #[inline(never)]
    fn eval_alt(&mut self, a: &'static Expr, b: &'static Expr, env: &Rc<Env>, input: PV, out: Out) -> R {
        let mut any = false;
        let mut downstream: Option<Ctl> = None;
        let res = self.eval(a, env, input.clone(), &mut |it, v| {
            if v.v.truthy() {
                any = true;
                match out(it, v) {
                    Ok(()) => Ok(()),
                    Err(e) => {
                        downstream = Some(e);
                        Err(Ctl::Pass)
                    }
                }
            } else {
                Ok(())
            }
        });
        match res {
            Ok(()) => {}
            Err(Ctl::Pass) => return Err(downstream.take().unwrap_or(Ctl::Pass)),
            Err(other) => return Err(other),
        }
        if any {
            return Ok(());
        }
        self.eval(b, env, input, out)
    }

    #[inline(never)]
    fn eval_object(
        &mut self,
        entries: &'static [ObjEntry],
        i: usize,
        acc: Map,
        env: &Rc<Env>,
        base: &PV,
        out: &mut dyn FnMut(&mut Interp, Map) -> R,
    ) -> R {
        if i == entries.len() {
            return out(self, acc);
        }
        let entry = &entries[i];
        self.values(&entry.key, env, &base.v, &mut |it, k| {
            let key = match &k {
                Value::Str(s) => s.clone(),
                other => return err(format!("Cannot use {} as object key", describe(other))),
            };
            match &entry.value {
                None => {
                    let v = match &entry.key {
                        Expr::Var(..) => k.clone(),
                        _ => index_value(&base.v, &k)?,
                    };
                    let mut m = acc.clone();
                    m.insert(key.clone(), v);
                    it.eval_object(entries, i + 1, m, env, base, out)
                }
                Some(ve) => it.values(ve, env, &base.v, &mut |it, v| {
                    let mut m = acc.clone();
                    m.insert(key.clone(), v);
                    it.eval_object(entries, i + 1, m, env, base, out)
                }),
            }
        })
    }

    #[inline(never)]
    fn eval_if(
        &mut self,
        arms: &'static [(Expr, Expr)],
        i: usize,
        els: Option<&'static Expr>,
        env: &Rc<Env>,
        input: PV,
        out: Out,
    ) -> R {
        if i == arms.len() {
            return match els {
                None => out(self, input),
                Some(e) => self.eval(e, env, input, out),
            };
        }
        let (cond, then) = &arms[i];
        self.values(cond, env, &input.v.clone(), &mut |it, c| {
            if c.truthy() {
                it.eval(then, env, input.clone(), out)
            } else {
                it.eval_if(arms, i + 1, els, env, input.clone(), out)
            }
        })
    }

    #[inline(never)]
    fn eval_reduce(
        &mut self,
        src: &'static Expr,
        pats: &'static [Pattern],
        init: &'static Expr,
        update: &'static Expr,
        env: &Rc<Env>,
        input: PV,
        out: Out,
    ) -> R {
        self.eval(init, env, input.clone(), &mut |it, start| {
            let mut acc = Some(start);
            it.values(src, env, &input.v, &mut |it, item| {
                it.bind_patterns(pats, env, &item, &mut |it, env2| {
                    let cur = acc.take().unwrap_or_else(|| input.derive(Value::Null));
                    let mut last = None;
                    it.eval(update, env2, cur, &mut |_it, nv| {
                        last = Some(nv);
                        Ok(())
                    })?;
                    acc = last;
                    Ok(())
                })
            })?;
            match acc.take() {
                Some(v) => out(it, v),
                None => out(it, input.derive(Value::Null)),
            }
        })
    }

    #[allow(clippy::too_many_arguments)]
    #[inline(never)]
    fn eval_foreach(
        &mut self,
        src: &'static Expr,
        pats: &'static [Pattern],
        init: &'static Expr,
        update: &'static Expr,
        extract: Option<&'static Expr>,
        env: &Rc<Env>,
        input: PV,
        out: Out,
    ) -> R {
        self.eval(init, env, input.clone(), &mut |it, start| {
            let mut acc = Some(start);
            it.values(src, env, &input.v, &mut |it, item| {
                it.bind_patterns(pats, env, &item, &mut |it, env2| {
                    let cur = acc.take().unwrap_or_else(|| input.derive(Value::Null));
                    let env2 = env2.clone();
                    it.eval(update, &env2, cur, &mut |it, nv| {
                        acc = Some(nv.clone());
                        match extract {
                            None => out(it, nv),
                            Some(x) => it.eval(x, &env2, nv, out),
                        }
                    })
                })
            })
        })
    }

    #[inline(never)]
    fn eval_bind(&mut self, src: &'static Expr, pats: &'static [Pattern], body: &'static Expr, env: &Rc<Env>, input: PV, out: Out) -> R {
        if pats.len() == 1 {
            return self.values(src, env, &input.v.clone(), &mut |it, v| {
                it.destructure(&pats[0], env, &v, &v, &mut |it, env2| it.eval(body, env2, input.clone(), out))
            });
        }
        // `?//`: every variable of every alternative is bound (to null
        // unless matched); an error in an alternative's matching or in the
        // body moves on to the next alternative.
        let mut all = Vec::new();
        for p in pats {
            p.vars(&mut all);
        }
        self.values(src, env, &input.v.clone(), &mut |it, v| {
            let mut base = env.clone();
            for name in &all {
                base = push_var(&base, name, Value::Null);
            }
            for (i, pat) in pats.iter().enumerate() {
                let last = i + 1 == pats.len();
                let mut downstream: Option<Ctl> = None;
                let res = it.destructure(pat, &base, &v, &v, &mut |it, env2| {
                    it.eval(body, env2, input.clone(), &mut |it, o| match out(it, o) {
                        Ok(()) => Ok(()),
                        Err(e) => {
                            downstream = Some(e);
                            Err(Ctl::Pass)
                        }
                    })
                });
                match res {
                    Ok(()) => return Ok(()),
                    Err(Ctl::Pass) => return Err(downstream.take().unwrap_or(Ctl::Pass)),
                    Err(Ctl::Err(e)) => {
                        if last {
                            return Err(Ctl::Err(e));
                        }
                    }
                    Err(other) => return Err(other),
                }
            }
            Ok(())
        })
    }

    /// Binds the first pattern (reduce and foreach take `?//` too, but
    /// only fall back on errors of the matching itself).
    #[inline(never)]
    fn bind_patterns(&mut self, pats: &'static [Pattern], env: &Rc<Env>, v: &Value, out: &mut dyn FnMut(&mut Interp, &Rc<Env>) -> R) -> R {
        if pats.len() == 1 {
            return self.destructure(&pats[0], env, v, v, out);
        }
        let mut all = Vec::new();
        for p in pats {
            p.vars(&mut all);
        }
        let mut base = env.clone();
        for name in &all {
            base = push_var(&base, name, Value::Null);
        }
        for (i, pat) in pats.iter().enumerate() {
            let mut matched = Vec::new();
            let res = self.destructure(pat, &base, v, v, &mut |_it, env2| {
                matched.push(env2.clone());
                Ok(())
            });
            match res {
                Ok(()) => {
                    for e in matched {
                        out(self, &e)?;
                    }
                    return Ok(());
                }
                Err(e) => {
                    if i + 1 == pats.len() {
                        return Err(e);
                    }
                }
            }
        }
        Ok(())
    }

    /// Matches `v` against a pattern, calling `out` with the scope for
    /// each way it matches (keys computed by expressions may be several).
    #[inline(never)]
    fn destructure(&mut self, pat: &'static Pattern, env: &Rc<Env>, v: &Value, dot: &Value, out: &mut dyn FnMut(&mut Interp, &Rc<Env>) -> R) -> R {
        match pat {
            Pattern::Var(name) => out(self, &push_var(env, name, v.clone())),
            Pattern::Array(ps) => self.destructure_array(ps, 0, env, v, dot, out),
            Pattern::Object(es) => self.destructure_object(es, 0, env, v, dot, out),
        }
    }

    #[inline(never)]
    fn destructure_array(
        &mut self,
        ps: &'static [Pattern],
        i: usize,
        env: &Rc<Env>,
        v: &Value,
        dot: &Value,
        out: &mut dyn FnMut(&mut Interp, &Rc<Env>) -> R,
    ) -> R {
        if i == ps.len() {
            return out(self, env);
        }
        if !matches!(v, Value::Arr(_) | Value::Null) {
            return err(format!("Cannot index {} with number", v.type_name()));
        }
        let item = index_value(v, &Value::Num(i as f64))?;
        self.destructure(&ps[i], env, &item, dot, &mut |it, env2| {
            let env2 = env2.clone();
            it.destructure_array(ps, i + 1, &env2, v, dot, out)
        })
    }

    #[inline(never)]
    fn destructure_object(
        &mut self,
        es: &'static [(Expr, Option<String>, Option<Pattern>)],
        i: usize,
        env: &Rc<Env>,
        v: &Value,
        dot: &Value,
        out: &mut dyn FnMut(&mut Interp, &Rc<Env>) -> R,
    ) -> R {
        if i == es.len() {
            return out(self, env);
        }
        let (kexpr, var, sub) = &es[i];
        let env_for_key = env.clone();
        self.values(kexpr, &env_for_key, v, &mut |it, k| {
            if !matches!(k, Value::Str(_)) {
                return err(format!("Cannot index {} with {}", v.type_name(), k.type_name()));
            }
            if !matches!(v, Value::Obj(_) | Value::Null) {
                return err(format!("Cannot index {} with \"{}\"", v.type_name(), k.as_str().unwrap_or("")));
            }
            let item = index_value(v, &k)?;
            let mut env2 = env.clone();
            if let Some(name) = var {
                env2 = push_var(&env2, name, item.clone());
            }
            match sub {
                None => it.destructure_object(es, i + 1, &env2, v, dot, out),
                Some(p) => it.destructure(p, &env2, &item, dot, &mut |it, env3| {
                    let env3 = env3.clone();
                    it.destructure_object(es, i + 1, &env3, v, dot, out)
                }),
            }
        })
    }

    /// Fails cleanly when the evaluator's recursion nears the stack's end.
    pub fn check_stack(&self) -> R {
        if self.stack_base.saturating_sub(stack_pointer()) > STACK_BUDGET {
            return err("Stack overflow: expression nested too deeply");
        }
        Ok(())
    }

    #[inline(never)]
    fn eval_call(&mut self, c: &'static Call, env: &Rc<Env>, input: PV, out: Out) -> R {
        self.check_stack()?;
        self.eval_call_inner(c, env, input, out)
    }

    /// The outputs of `e` up to its first error (returned alongside), so
    /// that the evaluation's frames are gone before its results are used.
    pub fn collect_pv(&mut self, e: &'static Expr, env: &Rc<Env>, input: PV) -> (Vec<PV>, Option<Ctl>) {
        let mut vs = Vec::new();
        let r = self.eval(e, env, input, &mut |_, v| {
            vs.push(v);
            Ok(())
        });
        (vs, r.err())
    }

    #[inline(never)]
    fn eval_call_inner(&mut self, c: &'static Call, env: &Rc<Env>, input: PV, out: Out) -> R {
        match c.global.get() {
            Some(Global::Native(i)) => return builtins::call_native(self, i, &c.args, env, input, out),
            Some(Global::Def(d)) => return self.call_def(d, Rc::new(Env::Nil), &c.args, env, input, out),
            None => {}
        }
        match lookup_func(env, &c.name, c.args.len()) {
            Some(Found::Closure(cl)) => self.eval(cl.expr, &cl.env, input, out),
            Some(Found::Def(d, frame)) => self.call_def(d, frame, &c.args, env, input, out),
            None => err(format!("{}/{} is not defined", c.name, c.args.len())),
        }
    }

    #[inline(never)]
    fn call_def(&mut self, d: &'static FuncDef, frame: Rc<Env>, args: &'static [Expr], env: &Rc<Env>, input: PV, out: Out) -> R {
        let closures: Vec<Closure> = args.iter().map(|a| Closure { expr: a, env: env.clone() }).collect();
        let callee = Rc::new(Env::Args(d, closures.clone(), frame));
        self.bind_value_params(d, &closures, 0, callee, input, out)
    }

    /// `def f($a; $b)` is `def f(a; b): a as $a | b as $b | ...`.
    #[inline(never)]
    fn bind_value_params(&mut self, d: &'static FuncDef, cs: &[Closure], i: usize, env: Rc<Env>, input: PV, out: Out) -> R {
        if i == d.params.len() {
            return self.eval(&d.body, &env, input, out);
        }
        if !d.params[i].1 {
            return self.bind_value_params(d, cs, i + 1, env, input, out);
        }
        let c = cs[i].clone();
        self.eval(c.expr, &c.env, PV::val(input.v.clone()), &mut |it, v| {
            let env2 = push_var(&env, &d.params[i].0, v.v);
            it.bind_value_params(d, cs, i + 1, env2, input.clone(), out)
        })
    }

    /// `..`: the input, then recursively everything inside it.
    #[inline(never)]
    pub fn recurse_default(&mut self, input: PV, out: Out) -> R {
        out(self, input.clone())?;
        match &input.v {
            Value::Arr(a) => {
                for (i, x) in a.iter().enumerate() {
                    self.recurse_default(input.child(x.clone(), Value::Num(i as f64)), out)?;
                }
                Ok(())
            }
            Value::Obj(m) => {
                for (k, x) in m.iter() {
                    self.recurse_default(input.child(x.clone(), Value::Str(k.clone())), out)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// The paths `f` designates in `v`.
    #[inline(never)]
    pub fn paths_of(&mut self, f: &'static Expr, env: &Rc<Env>, v: &Value, out: &mut dyn FnMut(&mut Interp, Path) -> R) -> R {
        let start = PV { v: v.clone(), p: P::Yes(Rc::new(Vec::new())) };
        self.eval(f, env, start, &mut |it, pv| match pv.p {
            P::Yes(p) => out(it, p),
            _ => err(format!("Invalid path expression with result {}", trunc_dump(&pv.v, 30))),
        })
    }

    #[inline(never)]
    fn eval_assign(&mut self, op: AssignOp, lhs: &'static Expr, rhs: &'static Expr, env: &Rc<Env>, input: PV, out: Out) -> R {
        let dot = input.v.clone();
        match op {
            AssignOp::Update => {
                let r = self.modify(lhs, env, &dot, &mut |me, v, emit| me.eval(rhs, env, PV::val(v), &mut |it, x| emit(it, x.v)))?;
                out(self, input.derive(r))
            }
            AssignOp::Set => self.values(rhs, env, &dot, &mut |it, val| {
                let mut paths = Vec::new();
                it.paths_of(lhs, env, &dot, &mut |_it, p| {
                    paths.push(p);
                    Ok(())
                })?;
                let mut cur = dot.clone();
                for p in paths {
                    cur = builtins::setpath(&cur, &p, 0, val.clone())?;
                }
                out(it, input.derive(cur))
            }),
            AssignOp::Arith(bop) => self.values(rhs, env, &dot, &mut |it, val| {
                let r = it.modify(lhs, env, &dot, &mut |me, v, emit| emit(me, builtins::binop(bop, &v, &val)?))?;
                out(it, input.derive(r))
            }),
            AssignOp::Alt => self.values(rhs, env, &dot, &mut |it, val| {
                let r = it.modify(lhs, env, &dot, &mut |me, v, emit| emit(me, if v.truthy() { v } else { val.clone() }))?;
                out(it, input.derive(r))
            }),
        }
    }

    /// `lhs |= f`: each path gets the first output of f on its value, or
    /// is deleted (all at the end) when f has none.
    #[inline(never)]
    pub fn modify(
        &mut self,
        lhs: &'static Expr,
        env: &Rc<Env>,
        dot: &Value,
        update: &mut dyn FnMut(&mut Interp, Value, &mut dyn FnMut(&mut Interp, Value) -> R) -> R,
    ) -> Result<Value, Ctl> {
        let mut paths = Vec::new();
        self.paths_of(lhs, env, dot, &mut |_it, p| {
            paths.push(p);
            Ok(())
        })?;
        let mut cur = dot.clone();
        let mut dels: Vec<Value> = Vec::new();
        for p in paths {
            let old = builtins::getpath(&cur, &p)?;
            let id = self.fresh_label();
            let mut got = None;
            let r = update(self, old, &mut |_it, nv| {
                got = Some(nv);
                Err(Ctl::Break(id))
            });
            match r {
                Ok(()) => {}
                Err(Ctl::Break(b)) if b == id => {}
                Err(e) => return Err(e),
            }
            match got {
                Some(nv) => cur = builtins::setpath(&cur, &p, 0, nv)?,
                None => dels.push(Value::arr(p.to_vec())),
            }
        }
        if !dels.is_empty() {
            cur = builtins::delpaths(&cur, dels)?;
        }
        Ok(cur)
    }
}

/// `.[k]` for values: jq's `jv_get` with its error messages.
pub fn index_value(t: &Value, k: &Value) -> Result<Value, Ctl> {
    match (t, k) {
        (Value::Obj(m), Value::Str(s)) => Ok(m.get(s).cloned().unwrap_or(Value::Null)),
        (Value::Arr(a), Value::Num(_) | Value::Dec(_)) => {
            let f = k.as_f64().unwrap_or(0.0);
            if f.is_nan() {
                return Ok(Value::Null);
            }
            let mut i = f.floor() as i64;
            if i < 0 {
                i += a.len() as i64;
            }
            Ok(if i >= 0 && (i as usize) < a.len() { a[i as usize].clone() } else { Value::Null })
        }
        (Value::Null, Value::Str(_) | Value::Num(_) | Value::Dec(_) | Value::Obj(_) | Value::Null) => Ok(Value::Null),
        (Value::Arr(_) | Value::Str(_), Value::Obj(o)) => builtins::slice(t, o),
        (Value::Arr(a), Value::Arr(b)) => Ok(builtins::array_indices(a, b)),
        (_, Value::Str(s)) => err(format!("Cannot index {} with \"{}\"", t.type_name(), s)),
        _ => err(format!("Cannot index {} with {}", t.type_name(), k.type_name())),
    }
}

fn index_path_checked(tv: &PV, key: &Value) -> Result<Value, Ctl> {
    if let P::Bad = tv.p {
        return err(format!("Invalid path expression with result {}", trunc_dump(&tv.v, 30)));
    }
    index_value(&tv.v, key)
}

/// `.[]`
pub fn iterate(it: &mut Interp, tv: &PV, out: Out) -> R {
    if let P::Bad = tv.p {
        return err(format!("Invalid path expression with result {}", trunc_dump(&tv.v, 30)));
    }
    match &tv.v {
        Value::Arr(a) => {
            let a = a.clone();
            for (i, x) in a.iter().enumerate() {
                out(it, tv.child(x.clone(), Value::Num(i as f64)))?;
            }
            Ok(())
        }
        Value::Obj(m) => {
            let m = m.clone();
            for (k, x) in m.iter() {
                out(it, tv.child(x.clone(), Value::Str(k.clone())))?;
            }
            Ok(())
        }
        other => err(format!("Cannot iterate over {}", describe_iter(other))),
    }
}

fn describe_iter(v: &Value) -> String {
    format!("{} ({})", v.type_name(), trunc_dump(v, 15))
}
