//! Turns the syntax tree into code for the stack machine of `awk_vm`.
//!
//! All code lives in one vector: the rules' patterns and actions, BEGIN
//! and END, and the functions; jumps are absolute. The interpreter keeps
//! awk function frames on the heap, so an awk recursion does not grow the
//! Rust (and wasm) stack — and so a suspension (Asyncify) mid-recursion
//! has only a few Rust frames to save.
//!
//! Names resolve here: special variables have fixed global slots,
//! function parameters are locals, everything else a global slot.

pub const APPLETS: &[wsutil::Applet] = &[];

use super::awk_ast::*;
use super::awk_lex::Pos;
use std::collections::HashMap;

/// A variable: a global slot or a local (parameter) slot of the frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Var {
    Global(u32),
    Local(u32),
}

/// Something assignable; the operands (field index, array key) are on
/// the stack below the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lv {
    Var(Var),
    Field,
    Elem(Var),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GetSrc {
    Main,
    File,
    Cmd,
}

/// A regular-expression argument: a constant, or a value on the stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReArg {
    Const(u32),
    Dyn,
}

/// Built-ins that take only values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bi {
    Length,
    Substr,
    Index,
    Sprintf,
    Sin,
    Cos,
    Atan2,
    Exp,
    Log,
    Sqrt,
    Int,
    Rand,
    Srand,
    Tolower,
    Toupper,
    System,
    Close,
    Fflush,
    Strftime,
    Systime,
    Mktime,
    And,
    Or,
    Xor,
    Lshift,
    Rshift,
    Compl,
    Strtonum,
    Mkbool,
    Typeof,
    /// typeof($i): a field past NF is "unassigned", as in gawk.
    TypeofField,
    Dcgettext,
    Dcngettext,
    Bindtextdomain,
}

#[derive(Clone, Debug)]
pub enum Op {
    /// Stops the machine (end of a chunk, or return to native code).
    Halt,
    Num(f64),
    Str(u32),
    /// The uninitialized value (a function's result without `return x`).
    Uninit,
    /// A regex constant as a value: `$0 ~ /re/`.
    MatchRecord(u32),
    Pop,
    Dup,
    Load(Var),
    LoadField,
    LoadFieldConst(u32),
    /// `$n` in a numeric context, without making a string value.
    LoadFieldNum(u32),
    LoadElem(Var),
    Store(Lv),
    Aug(Lv, BinOp),
    Incr(Lv, f64, bool),
    /// Joins n subscripts with SUBSEP.
    Subsep(u32),
    In(Var),
    Delete(Var),
    DeleteAll(Var),
    Bin(BinOp),
    Neg,
    Plus,
    Not,
    Concat,
    Cmp(CmpOp),
    /// subject, regex value -> bool (negated when true).
    Match(bool),
    MatchConst(u32, bool),
    ToBool,
    Jump(u32),
    JumpFalse(u32),
    JumpTrue(u32),
    /// Print n args; with a redirection its target is on top.
    Print(u32, Option<Redir>),
    Printf(u32, Option<Redir>),
    Getline(GetSrc, Option<Lv>),
    Call(u32, u32),
    /// `@v(args)`: the function named by variable v.
    CallIndirect(Var, u32),
    /// A bare variable as a function argument (arrays go by reference).
    ArgVar(Var),
    Return,
    Next,
    NextFile,
    Exit(bool),
    Builtin(Bi, u32),
    /// split / patsplit: (array, separator kind, seps array, patsplit).
    Split(Var, Option<ReArg>, Option<Var>, bool),
    /// sub / gsub: (global, regex, target; None: a value, not an lvalue).
    Sub(bool, ReArg, Option<Lv>),
    /// gensub(re, repl, how[, target]) with the target given or $0.
    Gensub(ReArg, bool),
    MatchFn(ReArg, Option<Var>),
    /// asort / asorti: (source, dest, how given, by index).
    Asort(Var, Option<Var>, bool, bool),
    LengthVar(Var),
    IsArray(Var),
    TypeofVar(Var),
    ForInit(Var),
    ForNext(Lv, u32),
    ForPop,
    /// `case` tests: compare the subject on top (kept) with a number, a
    /// string constant or a regex; push the result.
    CaseNum(f64),
    CaseStr(u32),
    CaseMatch(u32),
    /// Statement forms that push nothing, for the common updates done in
    /// place: `v op= x` (x on top), `a[k] op= x` (k, x on top), `v++`
    /// and `a[k]++` (k on top) by a delta.
    AugVar(Var, BinOp),
    AugElem(Var, BinOp),
    IncrVar(Var, f64),
    IncrElem(Var, f64),
    /// `v = x` as a statement (x on top), and `v = $n`.
    StoreVar(Var),
    StoreVarField(Var, u32),
    /// `x OP number` (x on top).
    BinNum(BinOp, f64),
    /// `$n OP number` without a value for the field.
    CmpFieldNum(u32, CmpOp, f64),
    /// `print $a, $b, ...` to standard output: the field numbers are
    /// `field_lists[i]`.
    PrintFields(u32),
}

pub struct Function {
    pub name: String,
    pub params: Vec<String>,
    pub entry: usize,
    pub defined: bool,
}

/// Where an instruction came from, for messages.
#[derive(Clone, Copy, Debug, Default)]
pub struct Loc {
    pub src: u16,
    pub line: u32,
}

pub enum PatternCode {
    All,
    Expr(usize),
    Range(usize, usize),
}

pub struct RuleCode {
    pub pattern: PatternCode,
    /// None: print $0.
    pub action: Option<usize>,
}

pub struct Compiled {
    pub code: Vec<Op>,
    pub locs: Vec<Loc>,
    pub strings: Vec<Vec<u8>>,
    pub regexes: Vec<Vec<u8>>,
    pub globals: Vec<String>,
    pub functions: Vec<Function>,
    pub begin: Vec<usize>,
    pub end: Vec<usize>,
    pub beginfile: Vec<usize>,
    pub endfile: Vec<usize>,
    pub rules: Vec<RuleCode>,
    /// Whether any rule or END needs the input read.
    pub needs_input: bool,
    /// Field numbers of `PrintFields`.
    pub field_lists: Vec<Vec<u32>>,
}

/// Special variables, in their global slots.
pub const SPECIALS: &[&str] = &[
    "NF", "NR", "FNR", "FS", "OFS", "ORS", "RS", "SUBSEP", "FILENAME", "CONVFMT", "OFMT", "RSTART", "RLENGTH",
    "IGNORECASE", "RT", "FPAT", "FIELDWIDTHS", "ERRNO", "ENVIRON", "ARGC", "ARGV", "PROCINFO", "BINMODE", "LINT",
    "TEXTDOMAIN",
];
pub const NF: u32 = 0;
pub const NR: u32 = 1;
pub const FNR: u32 = 2;
pub const FS: u32 = 3;
pub const OFS: u32 = 4;
pub const ORS: u32 = 5;
pub const RS: u32 = 6;
pub const SUBSEP: u32 = 7;
pub const FILENAME: u32 = 8;
pub const CONVFMT: u32 = 9;
pub const OFMT: u32 = 10;
pub const RSTART: u32 = 11;
pub const RLENGTH: u32 = 12;
pub const IGNORECASE: u32 = 13;
pub const RT: u32 = 14;
pub const FPAT: u32 = 15;
pub const FIELDWIDTHS: u32 = 16;
pub const ERRNO: u32 = 17;
pub const ENVIRON: u32 = 18;
pub const ARGC: u32 = 19;
pub const ARGV: u32 = 20;
pub const PROCINFO: u32 = 21;
pub const NSPECIAL: u32 = SPECIALS.len() as u32;

/// A compile error: a plain `error:` message, or a `fatal:` one.
pub struct CompileError {
    pub pos: Pos,
    pub msg: String,
    pub fatal: bool,
}

struct Loop {
    breaks: Vec<usize>,
    continues: Vec<usize>,
}

struct Compiler {
    out: Compiled,
    global_map: HashMap<String, u32>,
    func_map: HashMap<String, u32>,
    locals: Option<HashMap<String, u32>>,
    loops: Vec<Loop>,
    loc: Loc,
    str_map: HashMap<Vec<u8>, u32>,
    errors: Vec<CompileError>,
    warnings: Vec<(Pos, String)>,
}

pub fn compile(prog: &Program) -> Result<(Compiled, Vec<(Pos, String)>), Vec<CompileError>> {
    let mut c = Compiler {
        out: Compiled {
            code: vec![Op::Halt],
            locs: vec![Loc::default()],
            strings: Vec::new(),
            regexes: Vec::new(),
            globals: SPECIALS.iter().map(|s| s.to_string()).collect(),
            functions: Vec::new(),
            begin: Vec::new(),
            end: Vec::new(),
            beginfile: Vec::new(),
            endfile: Vec::new(),
            rules: Vec::new(),
            needs_input: false,
            field_lists: Vec::new(),
        },
        global_map: SPECIALS.iter().enumerate().map(|(i, s)| (s.to_string(), i as u32)).collect(),
        func_map: HashMap::new(),
        locals: None,
        loops: Vec::new(),
        loc: Loc::default(),
        str_map: HashMap::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    c.declare_functions(prog);
    if !c.errors.is_empty() {
        return Err(c.errors);
    }
    for rule in &prog.rules {
        c.rule(rule);
    }
    for (i, f) in prog.functions.iter().enumerate() {
        c.function(i, f);
    }
    // Calls of functions never defined are fatal before anything runs.
    if c.errors.is_empty() {
        if let Some(e) = c.undefined_call(prog) {
            c.errors.push(e);
        }
    }
    if !c.errors.is_empty() {
        return Err(c.errors);
    }
    c.out.needs_input = !c.out.rules.is_empty() || !c.out.end.is_empty() || !c.out.beginfile.is_empty() || !c.out.endfile.is_empty();
    Ok((c.out, c.warnings))
}

impl Compiler {
    fn declare_functions(&mut self, prog: &Program) {
        for f in &prog.functions {
            if SPECIALS.contains(&f.name.as_str()) || self.func_map.contains_key(&f.name) {
                self.errors.push(CompileError {
                    pos: f.pos,
                    msg: format!("function name `{}' previously defined", f.name),
                    fatal: false,
                });
                continue;
            }
            for (i, p) in f.params.iter().enumerate() {
                if *p == f.name {
                    self.errors.push(CompileError {
                        pos: f.pos,
                        msg: format!("function `{}': cannot use function name as parameter name", f.name),
                        fatal: false,
                    });
                } else if SPECIALS.contains(&p.as_str()) {
                    self.errors.push(CompileError {
                        pos: f.pos,
                        msg: format!("function `{}': cannot use special variable `{}' as a function parameter", f.name, p),
                        fatal: false,
                    });
                } else if let Some(j) = f.params[..i].iter().position(|q| q == p) {
                    self.errors.push(CompileError {
                        pos: f.pos,
                        msg: format!(
                            "function `{}': parameter #{}, `{}', duplicates parameter #{}",
                            f.name,
                            i + 1,
                            p,
                            j + 1
                        ),
                        fatal: false,
                    });
                }
            }
            let idx = self.out.functions.len() as u32;
            self.func_map.insert(f.name.clone(), idx);
            self.out.functions.push(Function { name: f.name.clone(), params: f.params.clone(), entry: 0, defined: true });
        }
        // A function name used as a variable anywhere.
        let mut uses = Vec::new();
        for r in &prog.rules {
            if let Pattern::Expr(e) = &r.pattern {
                names_in_expr(e, &mut uses);
            }
            if let Pattern::Range(a, b) = &r.pattern {
                names_in_expr(a, &mut uses);
                names_in_expr(b, &mut uses);
            }
            if let Some(a) = &r.action {
                a.iter().for_each(|s| names_in_stmt(s, &mut uses));
            }
        }
        for f in &prog.functions {
            let mut fu = Vec::new();
            f.body.iter().for_each(|s| names_in_stmt(s, &mut fu));
            uses.extend(fu.into_iter().filter(|(n, _)| !f.params.contains(n)));
        }
        for (name, pos) in uses {
            if self.func_map.contains_key(&name) {
                self.errors.push(CompileError {
                    pos,
                    msg: format!(
                        "function `{}' called with space between name and `(',\nor used as a variable or an array",
                        name
                    ),
                    fatal: false,
                });
                return;
            }
        }
    }

    fn undefined_call(&self, prog: &Program) -> Option<CompileError> {
        let mut calls = Vec::new();
        for r in &prog.rules {
            if let Pattern::Expr(e) = &r.pattern {
                calls_in_expr(e, &mut calls);
            }
            if let Pattern::Range(a, b) = &r.pattern {
                calls_in_expr(a, &mut calls);
                calls_in_expr(b, &mut calls);
            }
            if let Some(a) = &r.action {
                a.iter().for_each(|s| calls_in_stmt(s, &mut calls));
            }
        }
        for f in &prog.functions {
            f.body.iter().for_each(|s| calls_in_stmt(s, &mut calls));
        }
        calls.into_iter().find(|(n, _)| !self.func_map.contains_key(n)).map(|(n, pos)| CompileError {
            pos,
            msg: format!("function `{}' not defined", n),
            fatal: true,
        })
    }

    fn emit(&mut self, op: Op) -> usize {
        self.out.code.push(op);
        self.out.locs.push(self.loc);
        self.out.code.len() - 1
    }

    fn here(&self) -> usize {
        self.out.code.len()
    }

    fn patch(&mut self, at: usize, target: usize) {
        let t = target as u32;
        match &mut self.out.code[at] {
            Op::Jump(x) | Op::JumpFalse(x) | Op::JumpTrue(x) => *x = t,
            Op::ForNext(_, x) => *x = t,
            _ => {}
        }
    }

    fn at(&mut self, pos: Pos) {
        self.loc = Loc { src: pos.src as u16, line: pos.line };
    }

    fn string(&mut self, s: &[u8]) -> u32 {
        if let Some(&i) = self.str_map.get(s) {
            return i;
        }
        let i = self.out.strings.len() as u32;
        self.out.strings.push(s.to_vec());
        self.str_map.insert(s.to_vec(), i);
        i
    }

    fn regex(&mut self, r: &[u8]) -> u32 {
        self.out.regexes.push(r.to_vec());
        (self.out.regexes.len() - 1) as u32
    }

    fn var(&mut self, name: &str) -> Var {
        if let Some(l) = &self.locals {
            if let Some(&i) = l.get(name) {
                return Var::Local(i);
            }
        }
        if let Some(&g) = self.global_map.get(name) {
            return Var::Global(g);
        }
        let g = self.out.globals.len() as u32;
        self.out.globals.push(name.to_string());
        self.global_map.insert(name.to_string(), g);
        Var::Global(g)
    }

    fn rule(&mut self, rule: &Rule) {
        self.at(rule.pos);
        let body = rule.action.as_ref();
        match &rule.pattern {
            Pattern::Begin => {
                let e = self.chunk(body.map(|b| &b[..]).unwrap_or(&[]));
                self.out.begin.push(e);
            }
            Pattern::End => {
                let e = self.chunk(body.map(|b| &b[..]).unwrap_or(&[]));
                self.out.end.push(e);
            }
            Pattern::BeginFile => {
                let e = self.chunk(body.map(|b| &b[..]).unwrap_or(&[]));
                self.out.beginfile.push(e);
            }
            Pattern::EndFile => {
                let e = self.chunk(body.map(|b| &b[..]).unwrap_or(&[]));
                self.out.endfile.push(e);
            }
            Pattern::All | Pattern::Expr(_) | Pattern::Range(_, _) => {
                let pattern = match &rule.pattern {
                    Pattern::Expr(e) => PatternCode::Expr(self.expr_chunk(e)),
                    Pattern::Range(a, b) => {
                        let a = self.expr_chunk(a);
                        let b = self.expr_chunk(b);
                        PatternCode::Range(a, b)
                    }
                    _ => PatternCode::All,
                };
                let action = body.map(|b| self.chunk(b));
                self.out.rules.push(RuleCode { pattern, action });
            }
        }
    }

    fn chunk(&mut self, stmts: &[Stmt]) -> usize {
        let entry = self.here();
        for s in stmts {
            self.stmt(s);
        }
        self.emit(Op::Halt);
        entry
    }

    fn expr_chunk(&mut self, e: &Expr) -> usize {
        let entry = self.here();
        self.cond(e);
        self.emit(Op::Halt);
        entry
    }

    fn function(&mut self, i: usize, f: &super::awk_ast::Function) {
        if !self.func_map.get(&f.name).map_or(false, |&x| x as usize == i) {
            return;
        }
        self.at(f.pos);
        let entry = self.here();
        self.out.functions[i].entry = entry;
        self.locals = Some(f.params.iter().enumerate().map(|(i, p)| (p.clone(), i as u32)).collect());
        for s in &f.body {
            self.stmt(s);
        }
        // Falling off the end returns the uninitialized value.
        self.emit(Op::Uninit);
        self.emit(Op::Return);
        self.locals = None;
    }

    fn stmt(&mut self, s: &Stmt) {
        self.at(s.pos);
        match &s.kind {
            StmtKind::Expr(e) => {
                if !self.update_stmt(e) {
                    self.expr(e);
                    self.emit(Op::Pop);
                }
            }
            StmtKind::Print(args, redir) => self.print(args, redir, false),
            StmtKind::Printf(args, redir) => self.print(args, redir, true),
            StmtKind::If(c, a, b) => {
                self.cond(c);
                let jf = self.emit(Op::JumpFalse(0));
                self.stmt(a);
                if let Some(b) = b {
                    let j = self.emit(Op::Jump(0));
                    let h = self.here();
                    self.patch(jf, h);
                    self.stmt(b);
                    let h = self.here();
                    self.patch(j, h);
                } else {
                    let h = self.here();
                    self.patch(jf, h);
                }
            }
            StmtKind::While(c, body) => {
                let top = self.here();
                self.cond(c);
                let jf = self.emit(Op::JumpFalse(0));
                self.loops.push(Loop { breaks: Vec::new(), continues: Vec::new() });
                self.stmt(body);
                self.emit(Op::Jump(top as u32));
                let end = self.here();
                self.patch(jf, end);
                self.close_loop(end, top);
            }
            StmtKind::Do(body, c) => {
                let top = self.here();
                self.loops.push(Loop { breaks: Vec::new(), continues: Vec::new() });
                self.stmt(body);
                let cont = self.here();
                self.at(s.pos);
                self.cond(c);
                self.emit(Op::JumpTrue(top as u32));
                let end = self.here();
                self.close_loop(end, cont);
            }
            StmtKind::For(init, c, step, body) => {
                if let Some(i) = init {
                    self.stmt(i);
                }
                let top = self.here();
                let jf = c.as_ref().map(|c| {
                    self.cond(c);
                    self.emit(Op::JumpFalse(0))
                });
                self.loops.push(Loop { breaks: Vec::new(), continues: Vec::new() });
                self.stmt(body);
                let cont = self.here();
                if let Some(st) = step {
                    self.stmt(st);
                }
                self.emit(Op::Jump(top as u32));
                let end = self.here();
                if let Some(jf) = jf {
                    self.patch(jf, end);
                }
                self.close_loop(end, cont);
            }
            StmtKind::ForIn(var, arr, body) => {
                let a = self.var(arr);
                let v = self.var(var);
                self.emit(Op::ForInit(a));
                let top = self.emit(Op::ForNext(Lv::Var(v), 0));
                self.loops.push(Loop { breaks: Vec::new(), continues: Vec::new() });
                self.stmt(body);
                self.emit(Op::Jump(top as u32));
                let end = self.here();
                self.patch(top, end);
                self.emit(Op::ForPop);
                self.close_loop(end, top);
            }
            StmtKind::Block(b) => b.iter().for_each(|s| self.stmt(s)),
            StmtKind::Next => {
                self.emit(Op::Next);
            }
            StmtKind::NextFile => {
                self.emit(Op::NextFile);
            }
            StmtKind::Exit(e) => {
                if let Some(e) = e {
                    self.expr(e);
                }
                self.emit(Op::Exit(e.is_some()));
            }
            StmtKind::Return(e) => {
                match e {
                    Some(e) => self.expr(e),
                    None => {
                        self.emit(Op::Uninit);
                    }
                }
                self.emit(Op::Return);
            }
            StmtKind::Break => {
                let j = self.emit(Op::Jump(0));
                if let Some(l) = self.loops.last_mut() {
                    l.breaks.push(j);
                }
            }
            StmtKind::Continue => {
                let j = self.emit(Op::Jump(0));
                // `continue` skips switches: the innermost real loop.
                if let Some(l) = self.loops.iter_mut().rev().find(|l| !l.continues.contains(&usize::MAX)) {
                    l.continues.push(j);
                }
            }
            StmtKind::Delete(name, subs) => {
                let a = self.var(name);
                match subs {
                    None => {
                        self.emit(Op::DeleteAll(a));
                    }
                    Some(subs) => {
                        self.subscript(subs);
                        self.emit(Op::Delete(a));
                    }
                }
            }
            StmtKind::Switch(subject, cases) => self.switch(subject, cases),
        }
    }

    /// Patches a loop's breaks to `end` and continues to `cont`.
    fn close_loop(&mut self, end: usize, cont: usize) {
        if let Some(l) = self.loops.pop() {
            for b in l.breaks {
                self.patch(b, end);
            }
            for c in l.continues {
                if c != usize::MAX {
                    self.patch(c, cont);
                }
            }
        }
    }

    fn switch(&mut self, subject: &Expr, cases: &[Case]) {
        self.expr(subject);
        // Tests: each case jumps to its body; no match goes to default
        // (or the end).
        let mut tests = Vec::new();
        for c in cases {
            if let Some(label) = &c.label {
                self.at(c.pos);
                match &label.kind {
                    ExprKind::Regex(r) => {
                        let re = self.regex(r);
                        self.emit(Op::CaseMatch(re));
                    }
                    ExprKind::Num(n) => {
                        self.emit(Op::CaseNum(*n));
                    }
                    ExprKind::Str(s) => {
                        let s = self.string(s);
                        self.emit(Op::CaseStr(s));
                    }
                    _ => {}
                }
                tests.push(Some(self.emit(Op::JumpTrue(0))));
            } else {
                tests.push(None);
            }
        }
        self.emit(Op::Pop);
        let to_default = self.emit(Op::Jump(0));
        // A switch takes `break` but not `continue`.
        self.loops.push(Loop { breaks: Vec::new(), continues: vec![usize::MAX] });
        let mut default_at = None;
        for (c, t) in cases.iter().zip(tests) {
            let body = self.here();
            match t {
                Some(j) => {
                    // The matched subject is still on the stack: pop it.
                    let skip = self.emit(Op::Jump(0));
                    let pop_at = self.here();
                    self.emit(Op::Pop);
                    let b = self.here();
                    self.patch(skip, b);
                    self.patch(j, pop_at);
                }
                None => default_at = Some(body),
            }
            for s in &c.body {
                self.stmt(s);
            }
        }
        let end = self.here();
        self.patch(to_default, default_at.unwrap_or(end));
        if let Some(l) = self.loops.pop() {
            for b in l.breaks {
                self.patch(b, end);
            }
        }
    }

    /// An assignment with an operator or an increment of a variable or
    /// an element, as a statement: code that updates in place and pushes
    /// nothing. False for other expressions.
    fn update_stmt(&mut self, e: &Expr) -> bool {
        self.at(e.pos);
        match &e.kind {
            ExprKind::Assign(None, Lvalue::Var(name), rhs) => {
                let v = self.var(name);
                match Self::const_field(rhs) {
                    Some(n) if n > 0 => {
                        self.emit(Op::StoreVarField(v, n));
                    }
                    _ => {
                        self.expr(rhs);
                        self.at(e.pos);
                        self.emit(Op::StoreVar(v));
                    }
                }
                true
            }
            ExprKind::Assign(Some(op), lv, rhs) => match lv {
                Lvalue::Var(name) => {
                    let v = self.var(name);
                    self.num_expr(rhs);
                    self.at(e.pos);
                    self.emit(Op::AugVar(v, *op));
                    true
                }
                Lvalue::Index(name, subs) => {
                    let a = self.var(name);
                    self.subscript(subs);
                    self.num_expr(rhs);
                    self.at(e.pos);
                    self.emit(Op::AugElem(a, *op));
                    true
                }
                Lvalue::Field(_) => false,
            },
            ExprKind::Incr(_, delta, lv) => match lv {
                Lvalue::Var(name) => {
                    let v = self.var(name);
                    self.emit(Op::IncrVar(v, *delta));
                    true
                }
                Lvalue::Index(name, subs) => {
                    let a = self.var(name);
                    self.subscript(subs);
                    self.at(e.pos);
                    self.emit(Op::IncrElem(a, *delta));
                    true
                }
                Lvalue::Field(_) => false,
            },
            _ => false,
        }
    }

    /// A constant field number `n` of `$n`.
    fn const_field(e: &Expr) -> Option<u32> {
        if let ExprKind::Lv(Lvalue::Field(f)) = &e.kind {
            if let ExprKind::Num(n) = f.kind {
                if n >= 0.0 && n == n.trunc() && n < 1e9 {
                    return Some(n as u32);
                }
            }
        }
        None
    }

    fn print(&mut self, args: &[Expr], redir: &Option<(Redir, Expr)>, printf: bool) {
        if !printf && redir.is_none() && !args.is_empty() {
            let fields: Option<Vec<u32>> = args.iter().map(Self::const_field).collect();
            if let Some(fields) = fields {
                self.out.field_lists.push(fields);
                self.emit(Op::PrintFields(self.out.field_lists.len() as u32 - 1));
                return;
            }
        }
        for a in args {
            self.expr(a);
        }
        let r = redir.as_ref().map(|(kind, target)| {
            self.expr(target);
            *kind
        });
        let n = args.len() as u32;
        self.emit(if printf { Op::Printf(n, r) } else { Op::Print(n, r) });
    }

    /// Pushes the key of `a[subs]` (SUBSEP-joined when several).
    fn subscript(&mut self, subs: &[Expr]) {
        for s in subs {
            self.expr(s);
        }
        if subs.len() > 1 {
            self.emit(Op::Subsep(subs.len() as u32));
        }
    }

    /// Pushes an lvalue's operands; returns its kind.
    fn lvalue(&mut self, lv: &Lvalue) -> Lv {
        match lv {
            Lvalue::Var(name) => Lv::Var(self.var(name)),
            Lvalue::Field(e) => {
                self.expr(e);
                Lv::Field
            }
            Lvalue::Index(name, subs) => {
                let a = self.var(name);
                self.subscript(subs);
                Lv::Elem(a)
            }
        }
    }

    /// An expression used as a condition (regex constants match $0).
    fn cond(&mut self, e: &Expr) {
        self.expr(e);
    }

    /// An expression whose value is used as a number.
    fn num_expr(&mut self, e: &Expr) {
        if let ExprKind::Lv(Lvalue::Field(f)) = &e.kind {
            if let ExprKind::Num(n) = f.kind {
                if n >= 1.0 && n == n.trunc() && n < 1e9 {
                    self.at(e.pos);
                    self.emit(Op::LoadFieldNum(n as u32));
                    return;
                }
            }
        }
        self.expr(e);
    }

    fn expr(&mut self, e: &Expr) {
        let saved = self.loc;
        self.at(e.pos);
        self.expr_inner(e);
        self.loc = saved;
    }

    fn expr_inner(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Num(n) => {
                self.emit(Op::Num(*n));
            }
            ExprKind::Str(s) => {
                let i = self.string(s);
                self.emit(Op::Str(i));
            }
            ExprKind::Regex(r) => {
                let i = self.regex(r);
                self.emit(Op::MatchRecord(i));
            }
            ExprKind::Group(inner) => self.expr(inner),
            ExprKind::Lv(lv) => match lv {
                Lvalue::Var(name) => {
                    let v = self.var(name);
                    self.emit(Op::Load(v));
                }
                Lvalue::Field(idx) => {
                    if let ExprKind::Num(n) = idx.kind {
                        if n >= 0.0 && n == n.trunc() && n < 1e9 {
                            self.emit(Op::LoadFieldConst(n as u32));
                            return;
                        }
                    }
                    self.expr(idx);
                    self.emit(Op::LoadField);
                }
                Lvalue::Index(name, subs) => {
                    let a = self.var(name);
                    self.subscript(subs);
                    self.emit(Op::LoadElem(a));
                }
            },
            ExprKind::Assign(op, lv, rhs) => {
                let l = self.lvalue(lv);
                match op {
                    None => {
                        self.expr(rhs);
                        self.emit(Op::Store(l));
                    }
                    Some(op) => {
                        self.num_expr(rhs);
                        self.emit(Op::Aug(l, *op));
                    }
                }
            }
            ExprKind::Cond(c, a, b) => {
                self.cond(c);
                let jf = self.emit(Op::JumpFalse(0));
                self.expr(a);
                let j = self.emit(Op::Jump(0));
                let h = self.here();
                self.patch(jf, h);
                self.expr(b);
                let h = self.here();
                self.patch(j, h);
            }
            ExprKind::And(a, b) => {
                self.cond(a);
                let jf = self.emit(Op::JumpFalse(0));
                self.cond(b);
                self.emit(Op::ToBool);
                let j = self.emit(Op::Jump(0));
                let h = self.here();
                self.patch(jf, h);
                self.emit(Op::Num(0.0));
                let h = self.here();
                self.patch(j, h);
            }
            ExprKind::Or(a, b) => {
                self.cond(a);
                let jt = self.emit(Op::JumpTrue(0));
                self.cond(b);
                self.emit(Op::ToBool);
                let j = self.emit(Op::Jump(0));
                let h = self.here();
                self.patch(jt, h);
                self.emit(Op::Num(1.0));
                let h = self.here();
                self.patch(j, h);
            }
            ExprKind::Not(a) => {
                self.cond(a);
                self.emit(Op::Not);
            }
            ExprKind::Neg(a) => {
                self.num_expr(a);
                self.emit(Op::Neg);
            }
            ExprKind::Plus(a) => {
                self.num_expr(a);
                self.emit(Op::Plus);
            }
            ExprKind::Bin(op, a, b) => {
                self.num_expr(a);
                if let ExprKind::Num(n) = b.kind {
                    self.at(e.pos);
                    self.emit(Op::BinNum(*op, n));
                    return;
                }
                self.num_expr(b);
                self.at(e.pos);
                self.emit(Op::Bin(*op));
            }
            ExprKind::Cmp(op, a, b) => {
                if let (Some(f), ExprKind::Num(n)) = (Self::const_field(a), &b.kind) {
                    if f > 0 {
                        self.emit(Op::CmpFieldNum(f, *op, *n));
                        return;
                    }
                }
                self.expr(a);
                self.expr(b);
                self.emit(Op::Cmp(*op));
            }
            ExprKind::Match(neg, a, b) => {
                self.expr(a);
                if let ExprKind::Regex(r) = &b.kind {
                    let i = self.regex(r);
                    self.emit(Op::MatchConst(i, *neg));
                } else {
                    self.expr(b);
                    self.emit(Op::Match(*neg));
                }
            }
            ExprKind::Concat(a, b) => {
                self.expr(a);
                self.expr(b);
                self.emit(Op::Concat);
            }
            ExprKind::In(subs, name) => {
                let a = self.var(name);
                self.subscript(subs);
                self.emit(Op::In(a));
            }
            ExprKind::Incr(pre, delta, lv) => {
                let l = self.lvalue(lv);
                self.emit(Op::Incr(l, *delta, !*pre));
            }
            ExprKind::Call(name, args) => self.call(name, args, e.pos),
            ExprKind::IndirectCall(name, args) => {
                for a in args {
                    self.arg(a);
                }
                let v = self.var(name);
                self.emit(Op::CallIndirect(v, args.len() as u32));
            }
            ExprKind::Builtin(name, args) => self.builtin(name, args, e.pos),
            ExprKind::Getline(src, var) => {
                let lv = var.as_ref().map(|v| self.lvalue(v));
                let kind = match src {
                    GetlineSrc::Main => GetSrc::Main,
                    GetlineSrc::File(f) => {
                        self.expr(f);
                        GetSrc::File
                    }
                    GetlineSrc::Cmd(c) => {
                        self.expr(c);
                        GetSrc::Cmd
                    }
                };
                self.emit(Op::Getline(kind, lv));
            }
        }
    }

    /// A function argument: bare names may be arrays.
    fn arg(&mut self, a: &Expr) {
        if let ExprKind::Lv(Lvalue::Var(name)) = &a.kind {
            let v = self.var(name);
            self.emit(Op::ArgVar(v));
        } else {
            self.expr(a);
        }
    }

    fn call(&mut self, name: &str, args: &[Expr], pos: Pos) {
        for a in args {
            self.arg(a);
        }
        self.at(pos);
        let idx = match self.func_map.get(name) {
            Some(&i) => i,
            None => {
                // Reported before running (see `undefined_call`).
                0
            }
        };
        if let Some(f) = self.out.functions.get(idx as usize) {
            if args.len() > f.params.len() {
                self.warnings.push((pos, format!("function `{}' called with more arguments than declared", name)));
            }
        }
        self.emit(Op::Call(idx, args.len() as u32));
    }

    /// A regex argument: a constant stays one, anything else is a value.
    fn re_arg(&mut self, e: &Expr) -> ReArg {
        if let ExprKind::Regex(r) = &e.kind {
            ReArg::Const(self.regex(r))
        } else {
            self.expr(e);
            ReArg::Dyn
        }
    }

    fn array_arg(&mut self, e: &Expr, fname: &str, which: &str) -> Var {
        match &e.kind {
            ExprKind::Lv(Lvalue::Var(n)) => self.var(n),
            _ => {
                self.errors.push(CompileError {
                    pos: e.pos,
                    msg: format!("{}: {} argument is not an array", fname, which),
                    fatal: true,
                });
                Var::Global(0)
            }
        }
    }

    fn builtin(&mut self, name: &str, args: &[Expr], pos: Pos) {
        let n = args.len() as u32;
        let simple = |b: Bi| Some(b);
        let bi = match name {
            "length" => {
                match args.first().map(|a| &a.kind) {
                    None => {
                        self.emit(Op::LoadFieldConst(0));
                        self.emit(Op::Builtin(Bi::Length, 1));
                    }
                    Some(ExprKind::Lv(Lvalue::Var(v))) => {
                        let v = self.var(v);
                        self.emit(Op::LengthVar(v));
                    }
                    Some(_) => {
                        self.expr(&args[0]);
                        self.emit(Op::Builtin(Bi::Length, 1));
                    }
                }
                return;
            }
            "split" | "patsplit" => {
                self.expr(&args[0]);
                let arr = self.array_arg(&args[1], name, "second");
                let sep = args.get(2).map(|a| self.re_arg(a));
                let seps = args.get(3).map(|a| self.array_arg(a, name, "fourth"));
                self.at(pos);
                self.emit(Op::Split(arr, sep, seps, name == "patsplit"));
                return;
            }
            "sub" | "gsub" => {
                let target = match args.get(2) {
                    None => {
                        self.emit(Op::Num(0.0));
                        Some(Lv::Field)
                    }
                    Some(a) => match &a.kind {
                        ExprKind::Lv(lv) => Some(self.lvalue(lv)),
                        _ => {
                            self.expr(a);
                            None
                        }
                    },
                };
                let re = self.re_arg(&args[0]);
                self.expr(&args[1]);
                self.at(pos);
                self.emit(Op::Sub(name == "gsub", re, target));
                return;
            }
            "gensub" => {
                let re = self.re_arg(&args[0]);
                self.expr(&args[1]);
                self.expr(&args[2]);
                if let Some(t) = args.get(3) {
                    self.expr(t);
                }
                self.at(pos);
                self.emit(Op::Gensub(re, args.len() == 4));
                return;
            }
            "match" => {
                self.expr(&args[0]);
                let re = self.re_arg(&args[1]);
                let arr = args.get(2).map(|a| self.array_arg(a, "match", "third"));
                self.at(pos);
                self.emit(Op::MatchFn(re, arr));
                return;
            }
            "asort" | "asorti" => {
                let src = self.array_arg(&args[0], name, "first");
                let dest = args.get(1).map(|a| self.array_arg(a, name, "second"));
                if let Some(h) = args.get(2) {
                    self.expr(h);
                }
                self.at(pos);
                self.emit(Op::Asort(src, dest, args.len() == 3, name == "asorti"));
                return;
            }
            "isarray" => {
                match &args[0].kind {
                    ExprKind::Lv(Lvalue::Var(v)) => {
                        let v = self.var(v);
                        self.emit(Op::IsArray(v));
                    }
                    _ => {
                        self.expr(&args[0]);
                        self.emit(Op::Pop);
                        self.emit(Op::Num(0.0));
                    }
                }
                return;
            }
            "typeof" => {
                match &args[0].kind {
                    ExprKind::Lv(Lvalue::Var(v)) => {
                        let v = self.var(v);
                        self.emit(Op::TypeofVar(v));
                    }
                    ExprKind::Lv(Lvalue::Index(name, subs)) => {
                        // typeof(a[k]) does not create the element.
                        let a = self.var(name);
                        self.subscript(subs);
                        self.emit(Op::Dup);
                        self.emit(Op::In(a));
                        let jf = self.emit(Op::JumpFalse(0));
                        self.emit(Op::LoadElem(a));
                        self.emit(Op::Builtin(Bi::Typeof, 1));
                        let j = self.emit(Op::Jump(0));
                        let h = self.here();
                        self.patch(jf, h);
                        self.emit(Op::Pop);
                        let s = self.string(b"untyped");
                        self.emit(Op::Str(s));
                        let h = self.here();
                        self.patch(j, h);
                    }
                    ExprKind::Lv(Lvalue::Field(i)) => {
                        self.expr(i);
                        self.emit(Op::Builtin(Bi::TypeofField, 1));
                    }
                    _ => {
                        self.expr(&args[0]);
                        self.emit(Op::Builtin(Bi::Typeof, 1));
                    }
                }
                return;
            }
            "substr" => simple(Bi::Substr),
            "index" => simple(Bi::Index),
            "sprintf" => simple(Bi::Sprintf),
            "sin" => simple(Bi::Sin),
            "cos" => simple(Bi::Cos),
            "atan2" => simple(Bi::Atan2),
            "exp" => simple(Bi::Exp),
            "log" => simple(Bi::Log),
            "sqrt" => simple(Bi::Sqrt),
            "int" => simple(Bi::Int),
            "rand" => simple(Bi::Rand),
            "srand" => simple(Bi::Srand),
            "tolower" => simple(Bi::Tolower),
            "toupper" => simple(Bi::Toupper),
            "system" => simple(Bi::System),
            "close" => simple(Bi::Close),
            "fflush" => simple(Bi::Fflush),
            "strftime" => simple(Bi::Strftime),
            "systime" => simple(Bi::Systime),
            "mktime" => simple(Bi::Mktime),
            "and" => simple(Bi::And),
            "or" => simple(Bi::Or),
            "xor" => simple(Bi::Xor),
            "lshift" => simple(Bi::Lshift),
            "rshift" => simple(Bi::Rshift),
            "compl" => simple(Bi::Compl),
            "strtonum" => simple(Bi::Strtonum),
            "mkbool" => simple(Bi::Mkbool),
            "dcgettext" => simple(Bi::Dcgettext),
            "dcngettext" => simple(Bi::Dcngettext),
            "bindtextdomain" => simple(Bi::Bindtextdomain),
            _ => None,
        };
        let bi = match bi {
            Some(b) => b,
            None => return,
        };
        let numeric = matches!(bi, Bi::Sin | Bi::Cos | Bi::Atan2 | Bi::Exp | Bi::Log | Bi::Sqrt | Bi::Int);
        for a in args {
            if numeric {
                self.num_expr(a);
            } else {
                self.expr(a);
            }
        }
        self.at(pos);
        self.emit(Op::Builtin(bi, n));
    }
}

fn names_in_lv(lv: &Lvalue, pos: Pos, out: &mut Vec<(String, Pos)>) {
    match lv {
        Lvalue::Var(n) => out.push((n.clone(), pos)),
        Lvalue::Field(e) => names_in_expr(e, out),
        Lvalue::Index(n, subs) => {
            out.push((n.clone(), pos));
            subs.iter().for_each(|s| names_in_expr(s, out));
        }
    }
}

/// Every variable name an expression uses (to catch function names used
/// as variables).
fn names_in_expr(e: &Expr, out: &mut Vec<(String, Pos)>) {
    walk_expr(e, &mut |e| match &e.kind {
        ExprKind::Lv(lv) => names_in_lv(lv, e.pos, out),
        ExprKind::Assign(_, lv, _) | ExprKind::Incr(_, _, lv) => names_in_lv(lv, e.pos, out),
        ExprKind::Getline(_, Some(lv)) => names_in_lv(lv, e.pos, out),
        ExprKind::In(_, n) => out.push((n.clone(), e.pos)),
        _ => {}
    });
}

fn names_in_stmt(s: &Stmt, out: &mut Vec<(String, Pos)>) {
    let mut stmt_names = Vec::new();
    walk_stmt(s, &mut |e| names_in_expr(e, out), &mut |s| match &s.kind {
        StmtKind::ForIn(v, a, _) => {
            stmt_names.push((v.clone(), s.pos));
            stmt_names.push((a.clone(), s.pos));
        }
        StmtKind::Delete(a, _) => stmt_names.push((a.clone(), s.pos)),
        _ => {}
    });
    out.extend(stmt_names);
}

fn calls_in_expr(e: &Expr, out: &mut Vec<(String, Pos)>) {
    walk_expr(e, &mut |e| {
        if let ExprKind::Call(n, _) = &e.kind {
            out.push((n.clone(), e.pos));
        }
    });
}

fn calls_in_stmt(s: &Stmt, out: &mut Vec<(String, Pos)>) {
    walk_stmt(s, &mut |e| calls_in_expr(e, out), &mut |_| {});
}

/// Calls `f` on `e` and every expression inside it (shallow: each node
/// once).
fn walk_expr(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    f(e);
    let mut sub = |x: &Expr| walk_expr(x, f);
    match &e.kind {
        ExprKind::Num(_) | ExprKind::Str(_) | ExprKind::Regex(_) => {}
        ExprKind::Lv(lv) => walk_lv(lv, &mut sub),
        ExprKind::Assign(_, lv, r) => {
            walk_lv(lv, &mut sub);
            sub(r);
        }
        ExprKind::Cond(a, b, c) => {
            sub(a);
            sub(b);
            sub(c);
        }
        ExprKind::And(a, b)
        | ExprKind::Or(a, b)
        | ExprKind::Bin(_, a, b)
        | ExprKind::Cmp(_, a, b)
        | ExprKind::Match(_, a, b)
        | ExprKind::Concat(a, b) => {
            sub(a);
            sub(b);
        }
        ExprKind::Not(a) | ExprKind::Neg(a) | ExprKind::Plus(a) | ExprKind::Group(a) => sub(a),
        ExprKind::In(subs, _) => subs.iter().for_each(|s| sub(s)),
        ExprKind::Incr(_, _, lv) => walk_lv(lv, &mut sub),
        ExprKind::Call(_, args) | ExprKind::IndirectCall(_, args) | ExprKind::Builtin(_, args) => {
            args.iter().for_each(|a| sub(a))
        }
        ExprKind::Getline(src, lv) => {
            match src {
                GetlineSrc::Main => {}
                GetlineSrc::File(x) | GetlineSrc::Cmd(x) => sub(x),
            }
            if let Some(lv) = lv {
                walk_lv(lv, &mut sub);
            }
        }
    }
}

fn walk_lv(lv: &Lvalue, sub: &mut dyn FnMut(&Expr)) {
    match lv {
        Lvalue::Var(_) => {}
        Lvalue::Field(e) => sub(e),
        Lvalue::Index(_, subs) => subs.iter().for_each(|s| sub(s)),
    }
}

fn walk_stmt(s: &Stmt, fe: &mut dyn FnMut(&Expr), fs: &mut dyn FnMut(&Stmt)) {
    fs(s);
    match &s.kind {
        StmtKind::Expr(e) => fe(e),
        StmtKind::Print(args, r) | StmtKind::Printf(args, r) => {
            args.iter().for_each(|a| fe(a));
            if let Some((_, t)) = r {
                fe(t);
            }
        }
        StmtKind::If(c, a, b) => {
            fe(c);
            walk_stmt(a, fe, fs);
            if let Some(b) = b {
                walk_stmt(b, fe, fs);
            }
        }
        StmtKind::While(c, b) | StmtKind::Do(b, c) => {
            fe(c);
            walk_stmt(b, fe, fs);
        }
        StmtKind::For(i, c, st, b) => {
            if let Some(i) = i {
                walk_stmt(i, fe, fs);
            }
            if let Some(c) = c {
                fe(c);
            }
            if let Some(st) = st {
                walk_stmt(st, fe, fs);
            }
            walk_stmt(b, fe, fs);
        }
        StmtKind::ForIn(_, _, b) => walk_stmt(b, fe, fs),
        StmtKind::Block(b) => b.iter().for_each(|s| walk_stmt(s, fe, fs)),
        StmtKind::Exit(e) | StmtKind::Return(e) => {
            if let Some(e) = e {
                fe(e);
            }
        }
        StmtKind::Delete(_, subs) => {
            if let Some(subs) = subs {
                subs.iter().for_each(|s| fe(s));
            }
        }
        StmtKind::Switch(e, cases) => {
            fe(e);
            for c in cases {
                c.body.iter().for_each(|s| walk_stmt(s, fe, fs));
            }
        }
        StmtKind::Next | StmtKind::NextFile | StmtKind::Break | StmtKind::Continue => {}
    }
}
