//! awk's parser: recursive descent over `awk_lex` tokens, building the
//! tree of `awk_ast`.
//!
//! Precedence, lowest first: `?:`, `||`, `&&`, `in`, `~ !~`, relations
//! (and `cmd | getline`), concatenation, `+ -`, `* / %`, unary `! - +`,
//! `^` (right-associative, its right side may be unary), `++ --`, `$`,
//! grouping. Inside `print`, a `>` or `|` at the top level is a
//! redirection, not an operator.
//!
//! Errors name the token the parser stopped at, which is where gawk's
//! LALR parser stops too, so the caret of the message lands in the same
//! place.

pub const APPLETS: &[wsutil::Applet] = &[];

use super::awk_ast::*;
use super::awk_lex::{LexError, Lexer, Pos, Source, Tok, Token};

/// A syntax error: the message and the token it points at.
#[derive(Debug)]
pub struct SyntaxError {
    pub msg: String,
    pub pos: Pos,
    /// The token was a newline or the end of the program ("unexpected
    /// newline or end of string").
    pub at_end: bool,
    /// Printed without the source line and caret (gawk's `error:` lines).
    pub plain: bool,
    /// The token was a newline (gawk's line count has passed it).
    pub newline: bool,
}

type PResult<T> = Result<T, SyntaxError>;

impl From<LexError> for SyntaxError {
    fn from(e: LexError) -> Self {
        SyntaxError { msg: e.msg, pos: e.pos, at_end: false, plain: false, newline: false }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum RuleKind {
    Begin,
    End,
    BeginFile,
    EndFile,
    Main,
    Function,
}

pub struct Parser<'a> {
    lex: Lexer<'a>,
    tok: Token,
    /// Set by the lexer when a synthesized end-of-source newline was read.
    /// Inside `print`'s argument list: `>` and `|` end an expression.
    in_print: bool,
    /// An already-parsed primary the next primary parse must return
    /// (`print (a) b`: the parenthesized part was read first).
    injected: Option<Expr>,
    kind: RuleKind,
    loop_depth: usize,
    switch_depth: usize,
    /// Semantic errors gawk reports after parsing (`error: ...`).
    pub errors: Vec<(Pos, String)>,
}

fn is_lvalue(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Lv(_))
}

impl<'a> Parser<'a> {
    pub fn new(sources: &'a [Source]) -> PResult<Self> {
        let mut lex = Lexer::new(sources);
        let tok = lex.next()?;
        Ok(Parser {
            lex,
            tok,
            in_print: false,
            injected: None,
            kind: RuleKind::Main,
            loop_depth: 0,
            switch_depth: 0,
            errors: Vec::new(),
        })
    }

    pub fn warnings(&self) -> &[(Pos, String)] {
        &self.lex.warnings
    }

    fn advance(&mut self) -> PResult<Token> {
        let next = self.lex.next()?;
        Ok(std::mem::replace(&mut self.tok, next))
    }

    fn error<T>(&self) -> PResult<T> {
        Err(self.error_here("syntax error"))
    }

    fn error_here(&self, msg: &str) -> SyntaxError {
        let at_end = matches!(self.tok.tok, Tok::Newline | Tok::Eof | Tok::SourceEnd);
        let newline = self.tok.tok == Tok::Newline;
        SyntaxError { msg: msg.to_string(), pos: self.tok.pos, at_end, plain: false, newline }
    }

    fn expect(&mut self, t: Tok) -> PResult<Token> {
        if self.tok.tok == t {
            self.advance()
        } else {
            self.error()
        }
    }

    fn skip_newlines(&mut self) -> PResult<()> {
        while self.tok.tok == Tok::Newline {
            self.advance()?;
        }
        Ok(())
    }

    fn skip_terminators(&mut self) -> PResult<()> {
        while matches!(self.tok.tok, Tok::Newline | Tok::Semi) {
            self.advance()?;
        }
        Ok(())
    }

    /// Between rules: terminators and source boundaries.
    fn skip_item_separators(&mut self) -> PResult<()> {
        while matches!(self.tok.tok, Tok::Newline | Tok::Semi | Tok::SourceEnd) {
            self.advance()?;
        }
        Ok(())
    }

    /// The whole program.
    pub fn program(&mut self) -> PResult<Program> {
        let mut prog = Program::default();
        self.skip_item_separators()?;
        while self.tok.tok != Tok::Eof {
            self.item(&mut prog)?;
            self.skip_item_separators()?;
        }
        Ok(prog)
    }

    fn item(&mut self, prog: &mut Program) -> PResult<()> {
        let pos = self.tok.pos;
        let special = match self.tok.tok {
            Tok::Begin => Some((Pattern::Begin, RuleKind::Begin, "BEGIN")),
            Tok::End => Some((Pattern::End, RuleKind::End, "END")),
            Tok::BeginFile => Some((Pattern::BeginFile, RuleKind::BeginFile, "BEGINFILE")),
            Tok::EndFile => Some((Pattern::EndFile, RuleKind::EndFile, "ENDFILE")),
            _ => None,
        };
        if let Some((pattern, kind, name)) = special {
            self.advance()?;
            if self.tok.tok != Tok::LBrace {
                if matches!(self.tok.tok, Tok::Newline | Tok::Eof | Tok::Semi | Tok::SourceEnd) {
                    return Err(SyntaxError {
                        msg: format!("{} blocks must have an action part", name),
                        pos,
                        at_end: false,
                        plain: true,
                        newline: false,
                    });
                }
                return self.error();
            }
            self.kind = kind;
            let body = self.block()?;
            prog.rules.push(Rule { pattern, action: Some(body), pos });
            return Ok(());
        }
        if self.tok.tok == Tok::Function {
            let f = self.function()?;
            prog.functions.push(f);
            return Ok(());
        }
        if self.tok.tok == Tok::At {
            // @include, @load, @namespace: not supported.
            return self.error();
        }
        self.kind = RuleKind::Main;
        let pattern = if self.tok.tok == Tok::LBrace {
            Pattern::All
        } else {
            let first = self.expr()?;
            if self.tok.tok == Tok::Comma {
                self.advance()?;
                self.skip_newlines()?;
                let second = self.expr()?;
                Pattern::Range(first, second)
            } else {
                Pattern::Expr(first)
            }
        };
        let action = if self.tok.tok == Tok::LBrace {
            Some(self.block()?)
        } else {
            match self.tok.tok {
                Tok::Newline | Tok::Semi | Tok::Eof | Tok::SourceEnd => None,
                _ => return self.error(),
            }
        };
        prog.rules.push(Rule { pattern, action, pos });
        Ok(())
    }

    fn function(&mut self) -> PResult<Function> {
        let pos = self.tok.pos;
        self.advance()?;
        let name = match &self.tok.tok {
            Tok::Name(n) | Tok::FuncName(n) => n.clone(),
            _ => return self.error(),
        };
        self.advance()?;
        self.expect(Tok::LParen)?;
        let mut params = Vec::new();
        self.skip_newlines()?;
        while self.tok.tok != Tok::RParen {
            match &self.tok.tok {
                Tok::Name(n) | Tok::FuncName(n) => params.push(n.clone()),
                _ => return self.error(),
            }
            self.advance()?;
            self.skip_newlines()?;
            if self.tok.tok == Tok::Comma {
                self.advance()?;
                self.skip_newlines()?;
            } else if self.tok.tok != Tok::RParen {
                return self.error();
            }
        }
        self.advance()?;
        self.skip_newlines()?;
        if self.tok.tok != Tok::LBrace {
            return self.error();
        }
        self.kind = RuleKind::Function;
        let body = self.block()?;
        Ok(Function { name, params, body, pos })
    }

    /// `{ statements }`
    fn block(&mut self) -> PResult<Vec<Stmt>> {
        self.expect(Tok::LBrace)?;
        let mut stmts = Vec::new();
        loop {
            self.skip_terminators()?;
            if self.tok.tok == Tok::RBrace {
                self.advance()?;
                return Ok(stmts);
            }
            if self.tok.tok == Tok::Eof {
                return self.error();
            }
            stmts.push(self.statement()?);
        }
    }

    /// After a simple statement: `;`, newline, or (not consumed) `}`.
    fn end_simple(&mut self) -> PResult<()> {
        match self.tok.tok {
            Tok::Semi | Tok::Newline => {
                self.advance()?;
                Ok(())
            }
            Tok::RBrace | Tok::Eof => Ok(()),
            _ => self.error(),
        }
    }

    fn statement(&mut self) -> PResult<Stmt> {
        let pos = self.tok.pos;
        let kind = match self.tok.tok.clone() {
            Tok::LBrace => StmtKind::Block(self.block()?),
            Tok::Semi => {
                self.advance()?;
                StmtKind::Block(Vec::new())
            }
            Tok::If => {
                self.advance()?;
                self.expect(Tok::LParen)?;
                let cond = self.expr()?;
                self.expect(Tok::RParen)?;
                self.skip_newlines()?;
                let then = self.statement()?;
                // `else` may follow after newlines or a `;`.
                let save = self.save();
                self.skip_terminators()?;
                let other = if self.tok.tok == Tok::Else {
                    self.advance()?;
                    self.skip_newlines()?;
                    Some(Box::new(self.statement()?))
                } else {
                    self.restore(save);
                    None
                };
                StmtKind::If(cond, Box::new(then), other)
            }
            Tok::While => {
                self.advance()?;
                self.expect(Tok::LParen)?;
                let cond = self.expr()?;
                self.expect(Tok::RParen)?;
                if self.tok.tok == Tok::Semi {
                    self.advance()?;
                    StmtKind::While(cond, Box::new(Stmt { kind: StmtKind::Block(Vec::new()), pos }))
                } else {
                    self.skip_newlines()?;
                    self.loop_depth += 1;
                    let body = self.statement();
                    self.loop_depth -= 1;
                    StmtKind::While(cond, Box::new(body?))
                }
            }
            Tok::Do => {
                self.advance()?;
                self.skip_newlines()?;
                self.loop_depth += 1;
                let body = self.statement();
                self.loop_depth -= 1;
                let body = body?;
                self.skip_terminators()?;
                self.expect(Tok::While)?;
                self.expect(Tok::LParen)?;
                let cond = self.expr()?;
                self.expect(Tok::RParen)?;
                self.end_simple()?;
                StmtKind::Do(Box::new(body), cond)
            }
            Tok::For => self.for_stmt()?,
            Tok::Switch => self.switch_stmt()?,
            _ => {
                let k = self.simple_statement()?;
                self.end_simple()?;
                k
            }
        };
        Ok(Stmt { kind, pos })
    }

    fn save(&self) -> (Token, LexState) {
        (self.tok.clone(), self.lex.state())
    }

    fn restore(&mut self, s: (Token, LexState)) {
        self.tok = s.0;
        self.lex.set_state(s.1);
    }

    fn for_stmt(&mut self) -> PResult<StmtKind> {
        self.advance()?;
        self.expect(Tok::LParen)?;
        // for (name in array)
        if let Tok::Name(var) = self.tok.tok.clone() {
            let save = self.save();
            self.advance()?;
            if self.tok.tok == Tok::In {
                self.advance()?;
                if let Tok::Name(arr) = self.tok.tok.clone() {
                    self.advance()?;
                    if self.tok.tok == Tok::RParen {
                        self.advance()?;
                        self.skip_newlines()?;
                        self.loop_depth += 1;
                        let body = self.statement();
                        self.loop_depth -= 1;
                        return Ok(StmtKind::ForIn(var, arr, Box::new(body?)));
                    }
                }
            }
            self.restore(save);
        }
        let init = if self.tok.tok == Tok::Semi {
            None
        } else {
            let pos = self.tok.pos;
            Some(Box::new(Stmt { kind: self.simple_statement()?, pos }))
        };
        self.skip_newlines()?;
        self.expect(Tok::Semi)?;
        self.skip_newlines()?;
        let cond = if self.tok.tok == Tok::Semi { None } else { Some(self.expr()?) };
        self.skip_newlines()?;
        self.expect(Tok::Semi)?;
        self.skip_newlines()?;
        let step = if self.tok.tok == Tok::RParen {
            None
        } else {
            let pos = self.tok.pos;
            Some(Box::new(Stmt { kind: self.simple_statement()?, pos }))
        };
        self.expect(Tok::RParen)?;
        if self.tok.tok == Tok::Semi {
            self.advance()?;
            let pos = self.tok.pos;
            return Ok(StmtKind::For(init, cond, step, Box::new(Stmt { kind: StmtKind::Block(Vec::new()), pos })));
        }
        self.skip_newlines()?;
        self.loop_depth += 1;
        let body = self.statement();
        self.loop_depth -= 1;
        Ok(StmtKind::For(init, cond, step, Box::new(body?)))
    }

    fn switch_stmt(&mut self) -> PResult<StmtKind> {
        self.advance()?;
        self.expect(Tok::LParen)?;
        let subject = self.expr()?;
        self.expect(Tok::RParen)?;
        self.skip_newlines()?;
        self.expect(Tok::LBrace)?;
        let mut cases: Vec<Case> = Vec::new();
        self.switch_depth += 1;
        loop {
            self.skip_terminators()?;
            let pos = self.tok.pos;
            match self.tok.tok {
                Tok::RBrace => {
                    self.advance()?;
                    break;
                }
                Tok::Case => {
                    self.advance()?;
                    let label = self.case_label()?;
                    self.expect(Tok::Colon)?;
                    let text = case_text(&label);
                    let dup = cases.iter().find(|c| c.label.as_ref().map_or(false, |l| same_case(l, &label)));
                    if let Some(c) = dup {
                        let line = Pos { line: c.pos.line, ..pos };
                        self.errors.push((line, format!("duplicate case values in switch body: {}", text)));
                    }
                    cases.push(Case { label: Some(label), body: Vec::new(), pos });
                }
                Tok::Default => {
                    self.advance()?;
                    self.expect(Tok::Colon)?;
                    if cases.iter().any(|c| c.label.is_none()) {
                        self.errors.push((pos, "duplicate `default' detected in switch body".into()));
                    }
                    cases.push(Case { label: None, body: Vec::new(), pos });
                }
                _ => {
                    if cases.is_empty() {
                        self.switch_depth -= 1;
                        return self.error();
                    }
                    let s = self.statement();
                    if s.is_err() {
                        self.switch_depth -= 1;
                    }
                    let s = s?;
                    cases.last_mut().map(|c| c.body.push(s));
                }
            }
        }
        self.switch_depth -= 1;
        Ok(StmtKind::Switch(subject, cases))
    }

    /// A case label: a number (maybe negative), a string or a regex.
    fn case_label(&mut self) -> PResult<Expr> {
        let pos = self.tok.pos;
        match self.tok.tok.clone() {
            Tok::Number(n) => {
                self.advance()?;
                Ok(Expr::new(ExprKind::Num(n), pos))
            }
            Tok::Minus | Tok::Plus => {
                let neg = self.tok.tok == Tok::Minus;
                self.advance()?;
                if let Tok::Number(n) = self.tok.tok {
                    self.advance()?;
                    Ok(Expr::new(ExprKind::Num(if neg { -n } else { n }), pos))
                } else {
                    self.error()
                }
            }
            Tok::Str(s) => {
                self.advance()?;
                Ok(Expr::new(ExprKind::Str(s), pos))
            }
            Tok::Slash | Tok::DivAssign => {
                let t = self.lex.regex(self.tok.pos)?;
                self.tok = self.lex.next()?;
                match t.tok {
                    Tok::Regex(r) => Ok(Expr::new(ExprKind::Regex(r), pos)),
                    _ => self.error(),
                }
            }
            _ => self.error(),
        }
    }

    fn simple_statement(&mut self) -> PResult<StmtKind> {
        let pos = self.tok.pos;
        Ok(match self.tok.tok.clone() {
            Tok::Print | Tok::Printf => {
                let is_printf = self.tok.tok == Tok::Printf;
                self.advance()?;
                let (args, redir) = self.print_args()?;
                if is_printf {
                    StmtKind::Printf(args, redir)
                } else {
                    StmtKind::Print(args, redir)
                }
            }
            Tok::Next => {
                self.advance()?;
                match self.kind {
                    RuleKind::Begin => self.errors.push((pos, "`next' used in BEGIN action".into())),
                    RuleKind::End => self.errors.push((pos, "`next' used in END action".into())),
                    RuleKind::BeginFile => self.errors.push((pos, "`next' used in BEGINFILE action".into())),
                    RuleKind::EndFile => self.errors.push((pos, "`next' used in ENDFILE action".into())),
                    _ => {}
                }
                StmtKind::Next
            }
            Tok::NextFile => {
                self.advance()?;
                match self.kind {
                    RuleKind::Begin => self.errors.push((pos, "`nextfile' used in BEGIN action".into())),
                    RuleKind::End => self.errors.push((pos, "`nextfile' used in END action".into())),
                    RuleKind::EndFile => self.errors.push((pos, "`nextfile' used in ENDFILE action".into())),
                    _ => {}
                }
                StmtKind::NextFile
            }
            Tok::Exit => {
                self.advance()?;
                let e = if self.at_stmt_end() { None } else { Some(self.expr()?) };
                StmtKind::Exit(e)
            }
            Tok::Return => {
                if self.kind != RuleKind::Function {
                    return Err(self.error_here("`return' used outside function context"));
                }
                self.advance()?;
                let e = if self.at_stmt_end() { None } else { Some(self.expr()?) };
                StmtKind::Return(e)
            }
            Tok::Break => {
                self.advance()?;
                if self.loop_depth == 0 && self.switch_depth == 0 {
                    let m = "`break' is not allowed outside a loop or switch".to_string();
                    // gawk reports this one twice.
                    self.errors.push((pos, m.clone()));
                    self.errors.push((pos, m));
                }
                StmtKind::Break
            }
            Tok::Continue => {
                self.advance()?;
                if self.loop_depth == 0 {
                    let m = "`continue' is not allowed outside a loop".to_string();
                    self.errors.push((pos, m.clone()));
                    self.errors.push((pos, m));
                }
                StmtKind::Continue
            }
            Tok::Delete => {
                self.advance()?;
                let paren = self.tok.tok == Tok::LParen;
                if paren {
                    self.advance()?;
                }
                let name = match &self.tok.tok {
                    Tok::Name(n) => n.clone(),
                    _ => return self.error(),
                };
                self.advance()?;
                let subs = if !paren && self.tok.tok == Tok::LBracket {
                    self.advance()?;
                    let list = self.expr_list(Tok::RBracket)?;
                    self.expect(Tok::RBracket)?;
                    Some(list)
                } else {
                    None
                };
                if paren {
                    self.expect(Tok::RParen)?;
                }
                StmtKind::Delete(name, subs)
            }
            _ => StmtKind::Expr(self.expr()?),
        })
    }

    fn at_stmt_end(&self) -> bool {
        matches!(self.tok.tok, Tok::Semi | Tok::Newline | Tok::RBrace | Tok::Eof)
    }

    /// `print`'s arguments and redirection.
    fn print_args(&mut self) -> PResult<(Vec<Expr>, Option<(Redir, Expr)>)> {
        let mut args = Vec::new();
        let ends = |t: &Tok| matches!(t, Tok::Semi | Tok::Newline | Tok::RBrace | Tok::Eof | Tok::Gt | Tok::Append | Tok::Pipe | Tok::PipeAmp);
        if !ends(&self.tok.tok) {
            if self.tok.tok == Tok::LParen {
                let pos = self.tok.pos;
                self.advance()?;
                let saved = self.in_print;
                self.in_print = false;
                let list = self.expr_list(Tok::RParen);
                self.in_print = saved;
                let mut list = list?;
                self.expect(Tok::RParen)?;
                if ends(&self.tok.tok) {
                    args = list;
                } else if list.len() == 1 {
                    let g = Expr::new(ExprKind::Group(Box::new(list.pop().unwrap_or_else(|| Expr::new(ExprKind::Num(0.0), pos)))), pos);
                    self.injected = Some(g);
                    args = self.print_expr_list()?;
                } else if self.tok.tok == Tok::In {
                    self.advance()?;
                    let name = match &self.tok.tok {
                        Tok::Name(n) => n.clone(),
                        _ => return self.error(),
                    };
                    self.advance()?;
                    self.injected = Some(Expr::new(ExprKind::In(list, name), pos));
                    args = self.print_expr_list()?;
                } else {
                    return self.error();
                }
            } else {
                args = self.print_expr_list()?;
            }
        }
        let redir = match self.tok.tok {
            Tok::Gt | Tok::Append | Tok::Pipe => {
                let r = match self.tok.tok {
                    Tok::Gt => Redir::Write,
                    Tok::Append => Redir::Append,
                    _ => Redir::Pipe,
                };
                self.advance()?;
                let target = self.concat_level(true)?;
                Some((r, target))
            }
            Tok::PipeAmp => return self.error(),
            _ => None,
        };
        Ok((args, redir))
    }

    fn print_expr_list(&mut self) -> PResult<Vec<Expr>> {
        let saved = self.in_print;
        self.in_print = true;
        let r = (|| {
            let mut list = vec![self.expr()?];
            while self.tok.tok == Tok::Comma {
                self.advance()?;
                self.skip_newlines()?;
                list.push(self.expr()?);
            }
            Ok(list)
        })();
        self.in_print = saved;
        r
    }

    /// Comma-separated expressions up to (not including) `close`.
    fn expr_list(&mut self, close: Tok) -> PResult<Vec<Expr>> {
        let mut list = Vec::new();
        self.skip_newlines()?;
        if self.tok.tok == close {
            return Ok(list);
        }
        loop {
            list.push(self.expr()?);
            self.skip_newlines()?;
            if self.tok.tok == Tok::Comma {
                self.advance()?;
                self.skip_newlines()?;
            } else {
                return Ok(list);
            }
        }
    }

    /// A full expression (assignment level).
    pub fn expr(&mut self) -> PResult<Expr> {
        let left = self.ternary()?;
        let op = match self.tok.tok {
            Tok::Assign => None,
            Tok::AddAssign => Some(BinOp::Add),
            Tok::SubAssign => Some(BinOp::Sub),
            Tok::MulAssign => Some(BinOp::Mul),
            Tok::DivAssign => Some(BinOp::Div),
            Tok::ModAssign => Some(BinOp::Mod),
            Tok::PowAssign => Some(BinOp::Pow),
            _ => return Ok(left),
        };
        let lv = match left.kind {
            ExprKind::Lv(lv) => lv,
            _ => return self.error(),
        };
        let pos = self.tok.pos;
        self.advance()?;
        self.skip_newlines_in_expr()?;
        let right = self.expr()?;
        Ok(Expr::new(ExprKind::Assign(op, lv, Box::new(right)), pos))
    }

    fn skip_newlines_in_expr(&mut self) -> PResult<()> {
        Ok(())
    }

    fn ternary(&mut self) -> PResult<Expr> {
        let cond = self.or_level()?;
        if self.tok.tok != Tok::Question {
            return Ok(cond);
        }
        let pos = self.tok.pos;
        self.advance()?;
        self.skip_newlines()?;
        let a = self.ternary_branch()?;
        self.skip_newlines()?;
        self.expect(Tok::Colon)?;
        self.skip_newlines()?;
        let b = self.ternary_branch()?;
        Ok(Expr::new(ExprKind::Cond(Box::new(cond), Box::new(a), Box::new(b)), pos))
    }

    /// A branch of `?:` may itself be an assignment (`c ? x = 1 : y`).
    fn ternary_branch(&mut self) -> PResult<Expr> {
        let e = self.ternary()?;
        if is_lvalue(&e) && matches!(self.tok.tok, Tok::Assign | Tok::AddAssign | Tok::SubAssign | Tok::MulAssign | Tok::ModAssign | Tok::PowAssign) {
            self.injected = Some(e);
            return self.expr();
        }
        Ok(e)
    }

    fn or_level(&mut self) -> PResult<Expr> {
        let mut left = self.and_level()?;
        while self.tok.tok == Tok::Or {
            let pos = self.tok.pos;
            self.advance()?;
            self.skip_newlines()?;
            let right = self.and_level()?;
            left = Expr::new(ExprKind::Or(Box::new(left), Box::new(right)), pos);
        }
        Ok(left)
    }

    fn and_level(&mut self) -> PResult<Expr> {
        let mut left = self.in_level()?;
        while self.tok.tok == Tok::And {
            let pos = self.tok.pos;
            self.advance()?;
            self.skip_newlines()?;
            let right = self.in_level()?;
            left = Expr::new(ExprKind::And(Box::new(left), Box::new(right)), pos);
        }
        Ok(left)
    }

    fn in_level(&mut self) -> PResult<Expr> {
        let mut left = self.match_level()?;
        while self.tok.tok == Tok::In {
            let pos = self.tok.pos;
            self.advance()?;
            let name = match &self.tok.tok {
                Tok::Name(n) => n.clone(),
                _ => return self.error(),
            };
            self.advance()?;
            left = Expr::new(ExprKind::In(vec![left], name), pos);
        }
        Ok(left)
    }

    fn match_level(&mut self) -> PResult<Expr> {
        let mut left = self.rel_level()?;
        while matches!(self.tok.tok, Tok::Tilde | Tok::NoMatch) {
            let neg = self.tok.tok == Tok::NoMatch;
            let pos = self.tok.pos;
            self.advance()?;
            let right = self.rel_level()?;
            left = Expr::new(ExprKind::Match(neg, Box::new(left), Box::new(right)), pos);
        }
        Ok(left)
    }

    fn rel_level(&mut self) -> PResult<Expr> {
        let mut left = self.concat_level(false)?;
        loop {
            let op = match self.tok.tok {
                Tok::Lt => CmpOp::Lt,
                Tok::Le => CmpOp::Le,
                Tok::Ne => CmpOp::Ne,
                Tok::Eq => CmpOp::Eq,
                Tok::Ge => CmpOp::Ge,
                Tok::Gt if !self.in_print => CmpOp::Gt,
                Tok::Pipe => {
                    if !self.pipe_getline(&mut left)? {
                        return Ok(left);
                    }
                    continue;
                }
                _ => return Ok(left),
            };
            let pos = self.tok.pos;
            self.advance()?;
            let right = self.concat_level(false)?;
            left = Expr::new(ExprKind::Cmp(op, Box::new(left), Box::new(right)), pos);
            // Relations do not chain: `a < b < c` is an error, but
            // `cmd | getline` may follow.
            match self.tok.tok {
                Tok::Lt | Tok::Le | Tok::Ne | Tok::Eq | Tok::Ge => return self.error(),
                Tok::Gt if !self.in_print => return self.error(),
                _ => {}
            }
        }
    }

    /// `left | getline [var]`; false (nothing consumed) when the `|` is
    /// not followed by `getline` (a print redirection).
    fn pipe_getline(&mut self, left: &mut Expr) -> PResult<bool> {
        let save = self.save();
        let pos = self.tok.pos;
        self.advance()?;
        if self.tok.tok != Tok::Getline {
            self.restore(save);
            if self.in_print {
                return Ok(false);
            }
            return self.error();
        }
        self.advance()?;
        let var = self.opt_getline_var()?;
        let cmd = std::mem::replace(left, Expr::new(ExprKind::Num(0.0), pos));
        *left = Expr::new(ExprKind::Getline(GetlineSrc::Cmd(Box::new(cmd)), var), pos);
        Ok(true)
    }

    /// Whether the current token can start an operand of concatenation.
    fn starts_operand(&self) -> bool {
        if self.injected.is_some() {
            return true;
        }
        matches!(
            self.tok.tok,
            Tok::Number(_)
                | Tok::Str(_)
                | Tok::Name(_)
                | Tok::FuncName(_)
                | Tok::Builtin(_)
                | Tok::Dollar
                | Tok::LParen
                | Tok::Not
                | Tok::Incr
                | Tok::Decr
                | Tok::At
        )
    }

    /// Concatenation: additive expressions side by side. With `no_getline`
    /// (a redirection target) `getline` may not start an operand.
    fn concat_level(&mut self, _redirect_target: bool) -> PResult<Expr> {
        let mut left = self.additive()?;
        loop {
            if matches!(self.tok.tok, Tok::Minus | Tok::Plus) || !self.starts_operand() {
                return Ok(left);
            }
            let pos = self.tok.pos;
            let right = self.additive()?;
            left = Expr::new(ExprKind::Concat(Box::new(left), Box::new(right)), pos);
        }
    }

    fn additive(&mut self) -> PResult<Expr> {
        let mut left = self.multiplicative()?;
        loop {
            let op = match self.tok.tok {
                Tok::Plus => BinOp::Add,
                Tok::Minus => BinOp::Sub,
                _ => return Ok(left),
            };
            let pos = self.tok.pos;
            self.advance()?;
            let right = self.multiplicative()?;
            left = Expr::new(ExprKind::Bin(op, Box::new(left), Box::new(right)), pos);
        }
    }

    fn multiplicative(&mut self) -> PResult<Expr> {
        let mut left = self.unary()?;
        loop {
            let op = match self.tok.tok {
                Tok::Star => BinOp::Mul,
                Tok::Slash => BinOp::Div,
                Tok::Percent => BinOp::Mod,
                _ => return Ok(left),
            };
            let pos = self.tok.pos;
            self.advance()?;
            let right = self.unary()?;
            if matches!(op, BinOp::Div | BinOp::Mod) && bare_zero(&right) {
                // gawk rejects a literal zero divisor while parsing.
                let what = if op == BinOp::Mod { " in `%'" } else { "" };
                self.errors.push((pos, format!("division by zero attempted{}", what)));
            }
            left = Expr::new(ExprKind::Bin(op, Box::new(left), Box::new(right)), pos);
        }
    }

    fn unary(&mut self) -> PResult<Expr> {
        if self.injected.is_some() {
            return self.power();
        }
        let pos = self.tok.pos;
        match self.tok.tok {
            Tok::Not => {
                self.advance()?;
                let e = self.unary()?;
                Ok(Expr::new(ExprKind::Not(Box::new(e)), pos))
            }
            Tok::Minus => {
                self.advance()?;
                let e = self.unary()?;
                Ok(Expr::new(ExprKind::Neg(Box::new(e)), pos))
            }
            Tok::Plus => {
                self.advance()?;
                let e = self.unary()?;
                Ok(Expr::new(ExprKind::Plus(Box::new(e)), pos))
            }
            _ => self.power(),
        }
    }

    fn power(&mut self) -> PResult<Expr> {
        let base = self.postfix()?;
        if self.tok.tok == Tok::Caret {
            let pos = self.tok.pos;
            self.advance()?;
            // Right-associative; the exponent may carry a sign.
            let exp = self.power_operand()?;
            return Ok(Expr::new(ExprKind::Bin(BinOp::Pow, Box::new(base), Box::new(exp)), pos));
        }
        Ok(base)
    }

    fn power_operand(&mut self) -> PResult<Expr> {
        let pos = self.tok.pos;
        match self.tok.tok {
            Tok::Minus => {
                self.advance()?;
                let e = self.power_operand()?;
                Ok(Expr::new(ExprKind::Neg(Box::new(e)), pos))
            }
            Tok::Plus => {
                self.advance()?;
                let e = self.power_operand()?;
                Ok(Expr::new(ExprKind::Plus(Box::new(e)), pos))
            }
            Tok::Not => {
                self.advance()?;
                let e = self.power_operand()?;
                Ok(Expr::new(ExprKind::Not(Box::new(e)), pos))
            }
            _ => self.power(),
        }
    }

    /// A primary with postfix `++`/`--`.
    fn postfix(&mut self) -> PResult<Expr> {
        let e = self.primary()?;
        if let ExprKind::Lv(_) = e.kind {
            let delta = match self.tok.tok {
                Tok::Incr => 1.0,
                Tok::Decr => -1.0,
                _ => return Ok(e),
            };
            let pos = self.tok.pos;
            self.advance()?;
            if let ExprKind::Lv(lv) = e.kind {
                return Ok(Expr::new(ExprKind::Incr(false, delta, lv), pos));
            }
        }
        Ok(e)
    }

    fn primary(&mut self) -> PResult<Expr> {
        if let Some(e) = self.injected.take() {
            return Ok(e);
        }
        let pos = self.tok.pos;
        match self.tok.tok.clone() {
            Tok::Number(n) => {
                self.advance()?;
                Ok(Expr::new(ExprKind::Num(n), pos))
            }
            Tok::Str(s) => {
                self.advance()?;
                Ok(Expr::new(ExprKind::Str(s), pos))
            }
            Tok::Slash | Tok::DivAssign => {
                let t = self.lex.regex(self.tok.pos)?;
                self.tok = self.lex.next()?;
                match t.tok {
                    Tok::Regex(r) => Ok(Expr::new(ExprKind::Regex(r), pos)),
                    _ => self.error(),
                }
            }
            Tok::LParen => {
                self.advance()?;
                let saved = self.in_print;
                self.in_print = false;
                let list = self.expr_list(Tok::RParen);
                self.in_print = saved;
                let mut list = list?;
                if list.is_empty() {
                    return self.error();
                }
                self.expect(Tok::RParen)?;
                if list.len() > 1 {
                    if self.tok.tok != Tok::In {
                        return self.error();
                    }
                    self.advance()?;
                    let name = match &self.tok.tok {
                        Tok::Name(n) => n.clone(),
                        _ => return self.error(),
                    };
                    self.advance()?;
                    return Ok(Expr::new(ExprKind::In(list, name), pos));
                }
                let inner = list.pop().unwrap_or_else(|| Expr::new(ExprKind::Num(0.0), pos));
                Ok(Expr::new(ExprKind::Group(Box::new(inner)), pos))
            }
            Tok::Dollar => {
                self.advance()?;
                let operand = self.field_operand()?;
                Ok(Expr::new(ExprKind::Lv(Lvalue::Field(Box::new(operand))), pos))
            }
            Tok::Incr | Tok::Decr => {
                let delta = if self.tok.tok == Tok::Incr { 1.0 } else { -1.0 };
                self.advance()?;
                let e = self.primary()?;
                match e.kind {
                    ExprKind::Lv(lv) => Ok(Expr::new(ExprKind::Incr(true, delta, lv), pos)),
                    _ => self.error(),
                }
            }
            Tok::Name(name) => {
                self.advance()?;
                if self.tok.tok == Tok::LBracket {
                    self.advance()?;
                    let saved = self.in_print;
                    self.in_print = false;
                    let subs = self.expr_list(Tok::RBracket);
                    self.in_print = saved;
                    let subs = subs?;
                    if subs.is_empty() {
                        return self.error();
                    }
                    self.expect(Tok::RBracket)?;
                    return Ok(Expr::new(ExprKind::Lv(Lvalue::Index(name, subs)), pos));
                }
                Ok(Expr::new(ExprKind::Lv(Lvalue::Var(name)), pos))
            }
            Tok::FuncName(name) => {
                self.advance()?;
                let args = self.call_args()?;
                Ok(Expr::new(ExprKind::Call(name, args), pos))
            }
            Tok::At => {
                self.advance()?;
                let name = match &self.tok.tok {
                    Tok::FuncName(n) => n.clone(),
                    _ => return self.error(),
                };
                self.advance()?;
                let args = self.call_args()?;
                Ok(Expr::new(ExprKind::IndirectCall(name, args), pos))
            }
            Tok::Builtin(name) => {
                self.advance()?;
                if self.tok.tok != Tok::LParen {
                    if name == "length" {
                        return Ok(Expr::new(ExprKind::Builtin(name, Vec::new()), pos));
                    }
                    return self.error();
                }
                let args = self.call_args_checked(&name)?;
                Ok(Expr::new(ExprKind::Builtin(name, args), pos))
            }
            Tok::Getline => {
                self.advance()?;
                let var = self.opt_getline_var()?;
                if self.tok.tok == Tok::Lt {
                    self.advance()?;
                    let file = self.getline_file()?;
                    return Ok(Expr::new(ExprKind::Getline(GetlineSrc::File(Box::new(file)), var), pos));
                }
                Ok(Expr::new(ExprKind::Getline(GetlineSrc::Main, var), pos))
            }
            Tok::Not | Tok::Minus | Tok::Plus => self.unary(),
            _ => self.error(),
        }
    }

    /// The file of `getline < file`: a primary with `$`, `++` and the like,
    /// but no concatenation (`getline < dir "/" f` reads from `dir`).
    fn getline_file(&mut self) -> PResult<Expr> {
        let saved = self.in_print;
        self.in_print = true;
        let r = self.additive();
        self.in_print = saved;
        r
    }

    /// The operand of `$`: a primary, possibly with a prefix `++`, `--`,
    /// `-`, `+` or `!`, but no postfix `++` (that applies to the field).
    fn field_operand(&mut self) -> PResult<Expr> {
        let pos = self.tok.pos;
        match self.tok.tok {
            Tok::Minus => {
                self.advance()?;
                let e = self.field_operand()?;
                Ok(Expr::new(ExprKind::Neg(Box::new(e)), pos))
            }
            Tok::Plus => {
                self.advance()?;
                let e = self.field_operand()?;
                Ok(Expr::new(ExprKind::Plus(Box::new(e)), pos))
            }
            Tok::Not => {
                self.advance()?;
                let e = self.field_operand()?;
                Ok(Expr::new(ExprKind::Not(Box::new(e)), pos))
            }
            _ => self.primary(),
        }
    }

    fn opt_getline_var(&mut self) -> PResult<Option<Lvalue>> {
        match self.tok.tok {
            Tok::Name(_) | Tok::Dollar => {
                let e = self.primary()?;
                match e.kind {
                    ExprKind::Lv(lv) => Ok(Some(lv)),
                    _ => self.error(),
                }
            }
            _ => Ok(None),
        }
    }

    fn call_args(&mut self) -> PResult<Vec<Expr>> {
        self.expect(Tok::LParen)?;
        let saved = self.in_print;
        self.in_print = false;
        let args = self.expr_list(Tok::RParen);
        self.in_print = saved;
        let args = args?;
        if self.tok.tok != Tok::RParen {
            return self.error();
        }
        self.advance()?;
        Ok(args)
    }

    /// A built-in's arguments; a wrong count is a parse error pointing at
    /// the closing parenthesis, as in gawk.
    fn call_args_checked(&mut self, name: &str) -> PResult<Vec<Expr>> {
        self.expect(Tok::LParen)?;
        let saved = self.in_print;
        self.in_print = false;
        let args = self.expr_list(Tok::RParen);
        self.in_print = saved;
        let args = args?;
        if self.tok.tok != Tok::RParen {
            return self.error();
        }
        let (min, max) = builtin_arity(name);
        if args.len() < min || args.len() > max {
            return Err(self.error_here(&format!("{} is invalid as number of arguments for {}", args.len(), name)));
        }
        self.advance()?;
        Ok(args)
    }
}

/// How many arguments each built-in takes (min, max).
pub fn builtin_arity(name: &str) -> (usize, usize) {
    match name {
        "length" => (0, 1),
        "substr" => (2, 3),
        "index" | "atan2" | "lshift" | "rshift" => (2, 2),
        "split" | "patsplit" => (2, 4),
        "sub" | "gsub" => (2, 3),
        "gensub" => (3, 4),
        "match" => (2, 3),
        "sprintf" => (1, usize::MAX),
        "sin" | "cos" | "exp" | "log" | "sqrt" | "int" | "tolower" | "toupper" | "system" | "compl"
        | "isarray" | "mkbool" => (1, 1),
        "rand" | "systime" => (0, 0),
        "srand" => (0, 1),
        "close" => (1, 2),
        "fflush" => (0, 1),
        "asort" | "asorti" => (1, 3),
        "strftime" => (0, 3),
        "mktime" => (1, 2),
        "and" | "or" | "xor" => (2, usize::MAX),
        "strtonum" => (1, 1),
        "typeof" => (1, 2),
        "bindtextdomain" => (1, 2),
        "dcgettext" => (1, 3),
        "dcngettext" => (3, 5),
        _ => (0, usize::MAX),
    }
}

/// The lexer's position, for backtracking.
pub use super::awk_lex::LexState;

/// A case label's text for gawk's duplicate message: numbers as awk
/// prints integers (others with "%.6g").
fn case_text(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Num(n) => {
            let b = super::awk_value::num_to_str(*n, &|v| {
                let spec = wsutil::cfmt::FloatSpec { precision: Some(6), conv: 'g', ..Default::default() };
                wsutil::cfmt::format_float(&spec, v).into_bytes()
            });
            String::from_utf8_lossy(&b).into_owned()
        }
        ExprKind::Str(s) | ExprKind::Regex(s) => String::from_utf8_lossy(s).into_owned(),
        _ => String::new(),
    }
}

/// Two case labels gawk rejects as duplicates: equal numbers, or a number
/// and a string with the same text, or the same string or regex.
fn same_case(a: &Expr, b: &Expr) -> bool {
    match (&a.kind, &b.kind) {
        (ExprKind::Num(x), ExprKind::Num(y)) => x == y,
        (ExprKind::Regex(x), ExprKind::Regex(y)) => x == y,
        (ExprKind::Regex(_), _) | (_, ExprKind::Regex(_)) => false,
        _ => case_text(a) == case_text(b),
    }
}

/// A divisor gawk rejects while parsing: the constant 0, or -0 (not in
/// parentheses: `x / (0)` fails only when run).
fn bare_zero(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Num(n) => *n == 0.0,
        ExprKind::Neg(x) => matches!(x.kind, ExprKind::Num(n) if n == 0.0),
        _ => false,
    }
}

