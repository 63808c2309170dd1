//! The syntax tree `awk_parse` builds and `awk_compile` turns into code.
//! Names are still names here; the compiler resolves them to slots.

pub const APPLETS: &[wsutil::Applet] = &[];

use super::awk_lex::Pos;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

/// Something that can be assigned to.
#[derive(Clone, Debug)]
pub enum Lvalue {
    Var(String),
    Field(Box<Expr>),
    Index(String, Vec<Expr>),
}

/// Where `getline` reads from.
#[derive(Clone, Debug)]
pub enum GetlineSrc {
    /// The main input (the files of ARGV, or stdin).
    Main,
    /// `getline < file`.
    File(Box<Expr>),
    /// `cmd | getline`.
    Cmd(Box<Expr>),
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub pos: Pos,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Num(f64),
    Str(Vec<u8>),
    /// A regular expression constant; as a value it means `$0 ~ /re/`.
    Regex(Vec<u8>),
    Lv(Lvalue),
    Assign(Option<BinOp>, Lvalue, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Plus(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    Match(bool, Box<Expr>, Box<Expr>),
    Concat(Box<Expr>, Box<Expr>),
    In(Vec<Expr>, String),
    /// `++x` (pre, +1), `x--` (post, -1) and the like.
    Incr(bool, f64, Lvalue),
    Call(String, Vec<Expr>),
    /// `@name(args)`: the function named by variable `name`'s value.
    IndirectCall(String, Vec<Expr>),
    Builtin(String, Vec<Expr>),
    Getline(GetlineSrc, Option<Lvalue>),
    /// A parenthesized expression (kept: `(x)` is not an lvalue and
    /// `print (a) > f` differs from `print a > f` only in the parser).
    Group(Box<Expr>),
}

impl Expr {
    pub fn new(kind: ExprKind, pos: Pos) -> Self {
        Expr { kind, pos }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Redir {
    /// `> file`
    Write,
    /// `>> file`
    Append,
    /// `| command`
    Pipe,
}

#[derive(Clone, Debug)]
pub struct Stmt {
    pub kind: StmtKind,
    pub pos: Pos,
}

#[derive(Clone, Debug)]
pub enum StmtKind {
    Expr(Expr),
    Print(Vec<Expr>, Option<(Redir, Expr)>),
    Printf(Vec<Expr>, Option<(Redir, Expr)>),
    If(Expr, Box<Stmt>, Option<Box<Stmt>>),
    While(Expr, Box<Stmt>),
    Do(Box<Stmt>, Expr),
    For(Option<Box<Stmt>>, Option<Expr>, Option<Box<Stmt>>, Box<Stmt>),
    ForIn(String, String, Box<Stmt>),
    Block(Vec<Stmt>),
    Next,
    NextFile,
    Exit(Option<Expr>),
    Return(Option<Expr>),
    Break,
    Continue,
    Delete(String, Option<Vec<Expr>>),
    Switch(Expr, Vec<Case>),
}

#[derive(Clone, Debug)]
pub struct Case {
    /// None for `default:`.
    pub label: Option<Expr>,
    pub body: Vec<Stmt>,
    pub pos: Pos,
}

#[derive(Clone, Debug)]
pub enum Pattern {
    Begin,
    End,
    BeginFile,
    EndFile,
    All,
    Expr(Expr),
    Range(Expr, Expr),
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub pattern: Pattern,
    /// None: the default action, `print $0`.
    pub action: Option<Vec<Stmt>>,
    pub pos: Pos,
}

#[derive(Clone, Debug)]
pub struct Function {
    pub name: String,
    pub params: Vec<String>,
    pub body: Vec<Stmt>,
    pub pos: Pos,
}

#[derive(Debug, Default)]
pub struct Program {
    pub rules: Vec<Rule>,
    pub functions: Vec<Function>,
}
