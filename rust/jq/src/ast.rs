//! The jq syntax tree. A parsed program is leaked (`&'static`) so that
//! closures and function definitions can point into it freely for the
//! life of the process.

use crate::value::Value;
use std::cell::Cell;

#[derive(Debug)]
pub enum Expr {
    /// `.`
    Identity,
    /// `..`
    RecurseAll,
    Lit(Value),
    /// A string with interpolations, optionally under a `@format`.
    Str(Option<String>, Vec<StrPart>),
    /// `@base64` alone: the format applied to `.`.
    Format(String),
    /// `t[k]`, `t.k`
    Index(Box<Expr>, Box<Expr>),
    /// `t[from:to]`
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    /// `t[]`
    Iter(Box<Expr>),
    /// `try body catch handler`, `body?`
    Try(Box<Expr>, Option<Box<Expr>>),
    Neg(Box<Expr>),
    Pipe(Box<Expr>, Box<Expr>),
    Comma(Box<Expr>, Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    /// `a // b`
    Alt(Box<Expr>, Box<Expr>),
    /// `lhs = rhs`, `lhs |= rhs`, `lhs += rhs`, ...
    Assign(AssignOp, Box<Expr>, Box<Expr>),
    /// `[e]`, `[]`
    Array(Option<Box<Expr>>),
    Object(Vec<ObjEntry>),
    /// if/elif arms, then the else branch (None is `.`).
    If(Vec<(Expr, Expr)>, Option<Box<Expr>>),
    Reduce(Box<Expr>, Vec<Pattern>, Box<Expr>, Box<Expr>),
    Foreach(Box<Expr>, Vec<Pattern>, Box<Expr>, Box<Expr>, Option<Box<Expr>>),
    /// `source as patterns | body` (several patterns: `?//`).
    Bind(Box<Expr>, Vec<Pattern>, Box<Expr>),
    Label(String, Box<Expr>),
    Break(String, usize),
    Var(String, usize),
    /// `$__loc__` with its line.
    Loc(usize),
    Call(Call),
    /// `def ...; def ...; rest`
    Defs(Vec<&'static FuncDef>, Box<Expr>),
}

#[derive(Debug)]
pub struct Call {
    pub name: String,
    pub args: Vec<Expr>,
    pub pos: usize,
    /// Filled by the checker when the name is a builtin, not a local.
    pub global: Cell<Option<Global>>,
}

/// A call target outside the program's own scopes.
#[derive(Clone, Copy, Debug)]
pub enum Global {
    /// A builtin written in jq.
    Def(&'static FuncDef),
    /// A builtin written in Rust (index into the native table).
    Native(usize),
}

#[derive(Debug)]
pub struct FuncDef {
    pub name: String,
    /// Parameter names; `true` for `$name` (value) parameters.
    pub params: Vec<(String, bool)>,
    pub body: Expr,
}

#[derive(Debug)]
pub enum StrPart {
    Lit(String),
    Interp(Expr),
}

#[derive(Debug)]
pub struct ObjEntry {
    pub key: Expr,
    /// None: the shorthand `{a}`, `{$x}`, `{"s"}` (value is `.[key]` or `$x`).
    pub value: Option<Expr>,
}

#[derive(Debug)]
pub enum Pattern {
    Var(String),
    Array(Vec<Pattern>),
    /// (key expression, variable bound to the whole value, sub-pattern)
    Object(Vec<(Expr, Option<String>, Option<Pattern>)>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignOp {
    Set,
    Update,
    Arith(BinOp),
    Alt,
}

impl Pattern {
    /// The variables a pattern binds, in order of appearance.
    pub fn vars(&self, out: &mut Vec<String>) {
        match self {
            Pattern::Var(n) => out.push(n.clone()),
            Pattern::Array(ps) => ps.iter().for_each(|p| p.vars(out)),
            Pattern::Object(es) => {
                for (_, v, p) in es {
                    if let Some(v) = v {
                        out.push(v.clone());
                    }
                    if let Some(p) = p {
                        p.vars(out);
                    }
                }
            }
        }
    }
}
