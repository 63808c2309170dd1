//! The stack machine that runs compiled awk (see `awk_compile`), with the
//! record and its fields, the special variables and awk's I/O.
//!
//! Frames of awk functions live on the heap (`frames`, `locals`), so the
//! Rust stack stays a few frames deep however deep the awk recursion; a
//! nested run (a sort comparison function, BEGINFILE from `getline`) adds
//! one loop. Control leaves `run` as a `Flow`: normal end, `next`,
//! `nextfile` or `exit`. Errors are gawk's fatal messages.

pub const APPLETS: &[wsutil::Applet] = &[];

use super::awk_array::{Array, Key};
use super::awk_ast::{BinOp, CmpOp, Redir};
use super::awk_compile::*;
use super::awk_fields::{self, Splitter, Width};
use super::awk_io::{self, Reader, RsMode, Sink};
use super::awk_lex::Source;
use super::awk_printf;
use super::awk_value::*;
use std::cell::{Cell as StdCell, RefCell};
use std::collections::HashMap;
use std::io::Write;
use std::rc::Rc;
use wsutil::regex::{self, Dialect, ExecFlags, Flags, Regex};

/// An array shared by reference (globals, parameters passed along).
pub struct AwkArr {
    pub a: RefCell<Array>,
    /// Used as an array (an untyped variable passed to a function becomes
    /// one when the callee indexes it).
    pub typed: StdCell<bool>,
    pub name: String,
}

pub type ArrRc = Rc<AwkArr>;

pub fn new_arr(name: &str, typed: bool) -> ArrRc {
    Rc::new(AwkArr { a: RefCell::new(Array::new()), typed: StdCell::new(typed), name: name.to_string() })
}

/// A variable's storage.
pub enum Slot {
    /// Never used: it becomes a scalar or an array by its first use.
    Fresh,
    Val(Value),
    Arr(ArrRc),
    /// Not yet used either way, shared with a function it was passed to.
    Untyped(ArrRc),
}

/// How control left `run`.
#[derive(Debug, PartialEq)]
pub enum Flow {
    Done,
    Next,
    NextFile,
    Exit,
}

/// A fatal error: message, and whether it is tied to a program location.
#[derive(Debug)]
pub struct Fatal {
    pub msg: String,
    pub at: Option<Loc>,
}

pub type R<T> = Result<T, Fatal>;

pub fn fatal<T>(msg: impl Into<String>) -> R<T> {
    Err(Fatal { msg: msg.into(), at: None })
}

struct Frame {
    ret: usize,
    base: usize,
    iters: usize,
    func: u32,
    args_base: usize,
}

#[derive(Clone)]
pub enum FieldMode {
    Fs(Rc<Splitter>),
    Fpat(Rc<Regex>),
    Widths(Rc<Vec<Width>>),
}

enum Field {
    Span(usize, usize),
    Val(Value),
}

/// $0 and its fields, split lazily: with the default or a one-character
/// FS only as far as the program has looked (`$2` splits two fields, NF
/// all of them); in the other modes all at once on first use. A change
/// of the field rules first finishes splitting the record with the old
/// ones, as gawk does.
pub struct Record {
    pub text: Vec<u8>,
    /// The fields found so far (all of them once `resume` is None).
    fields: Vec<Field>,
    /// Where splitting goes on; None when every field is known.
    resume: Option<usize>,
    /// Fields changed: $0 must be rebuilt before use.
    dirty: bool,
    spans: Vec<(usize, usize)>,
}

/// The main input: the operands of ARGV in turn, or standard input.
pub struct MainInput {
    pub argi: usize,
    pub reader: Option<Reader>,
    pub used_file: bool,
    pub finished: bool,
}

pub struct Vm<'p> {
    pub prog: &'p Compiled,
    pub sources: &'p [Source],
    pub stack: Vec<Value>,
    pub globals: Vec<Slot>,
    locals: Vec<Slot>,
    frames: Vec<Frame>,
    /// Arrays passed as arguments: (stack index, array).
    arg_arrays: Vec<(usize, ArrRc)>,
    iters: Vec<(Vec<Value>, usize)>,
    pub rec: Record,
    pub out: wsutil::io::Out,
    pub sinks: Vec<(Vec<u8>, Sink)>,
    pub inputs: Vec<(Vec<u8>, Reader, Option<u32>)>,
    pub main: MainInput,
    pub rs: RsMode,
    pub field_mode: FieldMode,
    pub icase: bool,
    pub convfmt: Vec<u8>,
    pub ofmt: Vec<u8>,
    pub ofs: Vec<u8>,
    pub ors: Vec<u8>,
    pub subsep: Vec<u8>,
    const_re: Vec<Option<Rc<Regex>>>,
    /// Regex constants that are plain ASCII text, matched as substrings
    /// when case matters.
    const_lit: Vec<Option<Literal>>,
    const_re_icase: Vec<Option<Rc<Regex>>>,
    dyn_re: HashMap<(Vec<u8>, bool), Rc<Regex>>,
    splitters: HashMap<Vec<u8>, Rc<Splitter>>,
    pub pc: usize,
    pub exit_code: i32,
    pub exiting: bool,
    pub in_end: bool,
    /// Which kind of rule runs (for `next` in BEGIN and the like).
    pub rule_kind: RuleKind,
    pub rand: super::awk_builtins::Random,
    pub range_on: Vec<bool>,
    pub environ_dirty: bool,
    pub warned: std::collections::HashSet<String>,
    pub nr: f64,
    pub fnr: f64,
    /// NR and FNR moved on (`nr`, `fnr`) and their variables are not yet
    /// updated: they are when used, not for every record.
    counters_stale: bool,
    /// The buffer `print` builds a line in.
    obuf: Vec<u8>,
    /// RT holds just this byte, as the fast path of `main_record` set it.
    rt_byte: Option<u8>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RuleKind {
    Begin,
    Main,
    End,
    BeginFile,
    EndFile,
}

fn bool_val(b: bool) -> Value {
    Value::Num(if b { 1.0 } else { 0.0 })
}

/// Exponentiation as gawk does it: repeated squaring for integral
/// exponents, pow() otherwise.
pub fn power(x: f64, y: f64) -> f64 {
    if y == y.trunc() && y.abs() < 9.2e18 {
        let n = y as i64;
        if n == 0 {
            return 1.0;
        }
        let pos = |mut x: f64, mut n: u64| {
            let mut mult = 1.0;
            while n > 1 {
                if n % 2 == 1 {
                    mult *= x;
                }
                x *= x;
                n /= 2;
            }
            mult * x
        };
        return if n > 0 { pos(x, n as u64) } else { 1.0 / pos(x, n.unsigned_abs()) };
    }
    x.powf(y)
}

impl<'p> Vm<'p> {
    pub fn new(prog: &'p Compiled, sources: &'p [Source]) -> Self {
        let mut globals: Vec<Slot> = prog.globals.iter().map(|_| Slot::Fresh).collect();
        let s = |t: &str| Slot::Val(Value::from_str(t.as_bytes()));
        globals[FS as usize] = s(" ");
        globals[OFS as usize] = s(" ");
        globals[ORS as usize] = s("\n");
        globals[RS as usize] = s("\n");
        globals[SUBSEP as usize] = s("\x1c");
        globals[CONVFMT as usize] = s("%.6g");
        globals[OFMT as usize] = s("%.6g");
        globals[NR as usize] = Slot::Val(Value::Num(0.0));
        globals[FNR as usize] = Slot::Val(Value::Num(0.0));
        globals[NF as usize] = Slot::Val(Value::Num(0.0));
        globals[RSTART as usize] = Slot::Val(Value::Num(0.0));
        globals[RLENGTH as usize] = Slot::Val(Value::Num(0.0));
        globals[IGNORECASE as usize] = Slot::Val(Value::Num(0.0));
        globals[FILENAME as usize] = s("");
        globals[RT as usize] = s("");
        globals[FPAT as usize] = s("[^[:space:]]+");
        globals[FIELDWIDTHS as usize] = s("");
        globals[ERRNO as usize] = s("");
        globals[ENVIRON as usize] = Slot::Arr(new_arr("ENVIRON", true));
        globals[ARGV as usize] = Slot::Arr(new_arr("ARGV", true));
        globals[PROCINFO as usize] = Slot::Arr(new_arr("PROCINFO", true));
        globals[super::awk_compile::SPECIALS.iter().position(|&n| n == "BINMODE").unwrap_or(0)] = Slot::Val(Value::Num(0.0));
        globals[super::awk_compile::SPECIALS.iter().position(|&n| n == "LINT").unwrap_or(0)] = Slot::Val(Value::Num(0.0));
        globals[super::awk_compile::SPECIALS.iter().position(|&n| n == "TEXTDOMAIN").unwrap_or(0)] = s("messages");
        let default_mode = FieldMode::Fs(Rc::new(Splitter::Default));
        Vm {
            prog,
            sources,
            stack: Vec::with_capacity(64),
            globals,
            locals: Vec::new(),
            frames: Vec::new(),
            arg_arrays: Vec::new(),
            iters: Vec::new(),
            rec: Record { text: Vec::new(), fields: Vec::new(), resume: None, dirty: false, spans: Vec::new() },
            out: wsutil::io::stdout(),
            sinks: Vec::new(),
            inputs: Vec::new(),
            main: MainInput { argi: 1, reader: None, used_file: false, finished: false },
            rs: RsMode::Byte(b'\n'),
            field_mode: default_mode,
            icase: false,
            convfmt: b"%.6g".to_vec(),
            ofmt: b"%.6g".to_vec(),
            ofs: b" ".to_vec(),
            ors: b"\n".to_vec(),
            subsep: vec![0x1c],
            const_re: vec![None; prog.regexes.len()],
            const_lit: prog.regexes.iter().map(|r| plain_text(r)).collect(),
            const_re_icase: vec![None; prog.regexes.len()],
            dyn_re: HashMap::new(),
            splitters: HashMap::new(),
            pc: 0,
            exit_code: 0,
            exiting: false,
            in_end: false,
            rule_kind: RuleKind::Begin,
            rand: super::awk_builtins::Random::new(),
            range_on: vec![false; prog.rules.len()],
            environ_dirty: false,
            warned: Default::default(),
            nr: 0.0,
            fnr: 0.0,
            counters_stale: false,
            obuf: Vec::new(),
            rt_byte: None,
        }
    }

    // ----- conversions -----

    /// A number as text through CONVFMT (or OFMT for output).
    pub fn fmt_num(&self, v: f64, fmt: &[u8]) -> Vec<u8> {
        num_to_str(v, &|x| {
            if fmt == b"%.6g" {
                let spec = wsutil::cfmt::FloatSpec { precision: Some(6), conv: 'g', ..Default::default() };
                wsutil::cfmt::format_float(&spec, x).into_bytes()
            } else {
                awk_printf::format(fmt, &[Value::Num(x)], &PlainConv).unwrap_or_default()
            }
        })
    }

    pub fn to_bytes(&self, v: &Value) -> Bytes {
        match v {
            Value::Str(s) | Value::StrNum(s) => s.clone(),
            Value::Uninit => Rc::new(Vec::new()),
            Value::Num(n) => Rc::new(self.fmt_num(*n, &self.convfmt)),
        }
    }

    /// Appends a value's text for output (numbers through OFMT).
    pub fn out_bytes(&self, v: &Value, buf: &mut Vec<u8>) {
        match v {
            Value::Str(s) | Value::StrNum(s) => buf.extend_from_slice(s),
            Value::Uninit => {}
            Value::Num(n) => {
                if n.is_finite() && *n == n.trunc() && n.abs() < 1e15 {
                    buf.extend_from_slice(&int_text(*n));
                } else {
                    buf.extend_from_slice(&self.fmt_num(*n, &self.ofmt));
                }
            }
        }
    }

    /// An array subscript.
    pub fn key(&self, v: &Value) -> Key {
        match v {
            Value::Num(n) => {
                if *n == n.trunc() && *n >= i32::MIN as f64 && *n <= i32::MAX as f64 {
                    Key::from_int(*n as i64)
                } else {
                    Key::from_text(self.to_bytes(v), false)
                }
            }
            Value::Uninit => Key::from_text(Rc::new(Vec::new()), false),
            Value::Str(s) => Key::from_text(s.clone(), false),
            Value::StrNum(s) => Key::from_text(s.clone(), true),
        }
    }

    pub fn compare(&self, a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
        if a.is_numeric() && b.is_numeric() {
            let (x, y) = (a.to_num(), b.to_num());
            return x.partial_cmp(&y);
        }
        let (x, y) = (self.to_bytes(a), self.to_bytes(b));
        Some(cmp_bytes(&x, &y, self.icase))
    }

    // ----- regular expressions -----

    pub fn compile_re(&self, pat: &[u8], icase: bool) -> R<Rc<Regex>> {
        match regex::compile(pat, Dialect::Awk, Flags { icase, newline: false }) {
            Ok(r) => Ok(Rc::new(r)),
            Err(e) => fatal(format!("invalid regexp: {}: /{}/", e, String::from_utf8_lossy(pat))),
        }
    }

    pub fn const_regex(&mut self, i: u32) -> R<Rc<Regex>> {
        let icase = self.icase;
        let cache = if icase { &self.const_re_icase } else { &self.const_re };
        if let Some(Some(r)) = cache.get(i as usize) {
            return Ok(r.clone());
        }
        let r = self.compile_re(&self.prog.regexes[i as usize], icase)?;
        let cache = if icase { &mut self.const_re_icase } else { &mut self.const_re };
        cache[i as usize] = Some(r.clone());
        Ok(r)
    }

    /// Regex constant `i` as plain text to look for, if it is one and
    /// case matters.
    #[inline]
    fn literal(&self, i: u32) -> Option<&Literal> {
        if self.icase {
            return None;
        }
        self.const_lit[i as usize].as_ref()
    }

    pub fn dyn_regex(&mut self, pat: &[u8]) -> R<Rc<Regex>> {
        let k = (pat.to_vec(), self.icase);
        if let Some(r) = self.dyn_re.get(&k) {
            return Ok(r.clone());
        }
        if self.dyn_re.len() > 500 {
            self.dyn_re.clear();
        }
        let r = self.compile_re(pat, self.icase)?;
        self.dyn_re.insert(k, r.clone());
        Ok(r)
    }

    /// The regex of an argument: a constant, or a value popped now.
    pub fn re_arg(&mut self, r: ReArg) -> R<Rc<Regex>> {
        match r {
            ReArg::Const(i) => self.const_regex(i),
            ReArg::Dyn => {
                let v = self.pop();
                let s = self.to_bytes(&v);
                self.dyn_regex(&s)
            }
        }
    }

    /// A field separator from its text (FS, or split's third argument
    /// when `literal_char` allows one-character separators).
    pub fn splitter(&mut self, fs: &[u8], paragraph: bool) -> R<Rc<Splitter>> {
        let key = {
            let mut k = fs.to_vec();
            k.push(if paragraph { 1 } else { 0 });
            k.push(if self.icase { 1 } else { 0 });
            k
        };
        if let Some(s) = self.splitters.get(&key) {
            return Ok(s.clone());
        }
        let sp = if fs.is_empty() {
            Splitter::Null
        } else if fs == b" " {
            if paragraph {
                Splitter::Regex(self.compile_re(b"[ \t\n]+", false)?, true)
            } else {
                Splitter::Default
            }
        } else if fs.len() == 1 && !paragraph && fs[0] != b'\\' {
            Splitter::Char(fs[0])
        } else if fs.len() == 1 {
            let pat: Vec<u8> = match fs[0] {
                b'\\' if paragraph => b"[\\\\\n]".to_vec(),
                b'\\' => b"[\\\\]".to_vec(),
                b'\n' => b"\n".to_vec(),
                c => vec![b'[', c, b'\n', b']'],
            };
            Splitter::Regex(self.compile_re(&pat, false)?, false)
        } else {
            Splitter::Regex(self.compile_re(fs, self.icase)?, false)
        };
        let sp = Rc::new(sp);
        self.splitters.insert(key, sp.clone());
        Ok(sp)
    }

    // ----- stack -----

    #[inline(always)]
    pub fn pop(&mut self) -> Value {
        match self.stack.pop() {
            Some(v) => v,
            None => Value::Uninit,
        }
    }

    #[inline(always)]
    pub fn push(&mut self, v: Value) {
        self.stack.push(v);
    }

    fn popn(&mut self, n: usize) -> Vec<Value> {
        let at = self.stack.len().saturating_sub(n);
        self.stack.split_off(at)
    }

    // ----- variables -----

    fn slot(&mut self, v: Var) -> &mut Slot {
        match v {
            Var::Global(g) => {
                if self.counters_stale && (g == NR || g == FNR) {
                    self.sync_nr();
                }
                &mut self.globals[g as usize]
            }
            Var::Local(l) => {
                let base = self.frames.last().map_or(0, |f| f.base);
                &mut self.locals[base + l as usize]
            }
        }
    }

    /// The name of a variable, for messages (`a (from z)` for arrays
    /// passed in).
    fn var_name(&self, v: Var) -> String {
        match v {
            Var::Global(g) => self.prog.globals.get(g as usize).cloned().unwrap_or_default(),
            Var::Local(l) => {
                let f = self.frames.last().map(|f| f.func).unwrap_or(0);
                self.prog.functions.get(f as usize).and_then(|f| f.params.get(l as usize)).cloned().unwrap_or_default()
            }
        }
    }

    pub fn load(&mut self, v: Var) -> R<Value> {
        if let Var::Global(g) = v {
            if g == NF {
                self.ensure_split()?;
                return Ok(Value::Num(self.rec.fields.len() as f64));
            }
        }
        let slot = self.slot(v);
        let arr = match slot {
            Slot::Val(x) => return Ok(x.clone()),
            Slot::Fresh => {
                // Used as a scalar: it is one from now on.
                *slot = Slot::Val(Value::Uninit);
                return Ok(Value::Uninit);
            }
            Slot::Untyped(a) if !a.typed.get() => {
                *slot = Slot::Val(Value::Uninit);
                return Ok(Value::Uninit);
            }
            Slot::Arr(a) | Slot::Untyped(a) => a.clone(),
        };
        let name = self.arr_display(v, &arr);
        fatal(format!("attempt to use array `{}' in a scalar context", name))
    }

    fn arr_display(&self, v: Var, a: &ArrRc) -> String {
        let own = self.var_name(v);
        if own != a.name && matches!(v, Var::Local(_)) {
            format!("{} (from {})", own, a.name)
        } else {
            own
        }
    }

    pub fn store(&mut self, v: Var, val: Value) -> R<()> {
        let slot = self.slot(v);
        match slot {
            Slot::Val(x) => *x = val,
            Slot::Fresh => *slot = Slot::Val(val),
            Slot::Untyped(a) if !a.typed.get() => *slot = Slot::Val(val),
            Slot::Arr(a) | Slot::Untyped(a) => {
                let a = a.clone();
                let name = self.arr_display(v, &a);
                return fatal(format!("attempt to use array `{}' in a scalar context", name));
            }
        }
        if let Var::Global(g) = v {
            if g < NSPECIAL {
                self.special_assigned(g)?;
            }
        }
        Ok(())
    }

    /// The array a variable holds, making an untyped one an array.
    pub fn array(&mut self, v: Var) -> R<ArrRc> {
        if let Slot::Arr(a) = self.slot(v) {
            return Ok(a.clone());
        }
        let name = self.var_name(v);
        let slot = self.slot(v);
        match slot {
            Slot::Arr(a) => Ok(a.clone()),
            Slot::Untyped(a) => {
                let a = a.clone();
                a.typed.set(true);
                *slot = Slot::Arr(a.clone());
                Ok(a)
            }
            Slot::Fresh => {
                let a = new_arr(&name, true);
                *slot = Slot::Arr(a.clone());
                Ok(a)
            }
            Slot::Val(_) => {
                if matches!(v, Var::Local(_)) {
                    fatal(format!("attempt to use scalar parameter `{}' as an array", name))
                } else {
                    fatal(format!("attempt to use scalar `{}' as an array", name))
                }
            }
        }
    }

    pub fn global_str(&self, g: u32) -> Bytes {
        match &self.globals[g as usize] {
            Slot::Val(v) => self.to_bytes(v),
            _ => Rc::new(Vec::new()),
        }
    }

    pub fn global_num(&self, g: u32) -> f64 {
        if self.counters_stale && (g == NR || g == FNR) {
            return if g == NR { self.nr } else { self.fnr };
        }
        match &self.globals[g as usize] {
            Slot::Val(v) => v.to_num(),
            _ => 0.0,
        }
    }

    pub fn set_global(&mut self, g: u32, v: Value) -> R<()> {
        self.store(Var::Global(g), v)
    }

    /// Side effects of assigning a special variable.
    fn special_assigned(&mut self, g: u32) -> R<()> {
        match g {
            NF => {
                let n = self.global_num(NF);
                self.set_nf(n)?;
            }
            FS => {
                // The record read so far keeps the old rules.
                self.ensure_split()?;
                let fs = self.global_str(FS);
                let para = matches!(self.rs, RsMode::Paragraph);
                let sp = self.splitter(&fs, para)?;
                self.field_mode = FieldMode::Fs(sp);
                self.procinfo_set(b"FS", b"FS");
            }
            FPAT => {
                self.ensure_split()?;
                let p = self.global_str(FPAT);
                let re = self.compile_re(&p, self.icase)?;
                self.field_mode = FieldMode::Fpat(re);
                self.procinfo_set(b"FS", b"FPAT");
            }
            FIELDWIDTHS => {
                self.ensure_split()?;
                let w = self.global_str(FIELDWIDTHS);
                let widths = match awk_fields::parse_widths(&w) {
                    Ok(w) => w,
                    Err(e) => return fatal(e),
                };
                self.field_mode = FieldMode::Widths(Rc::new(widths));
                self.procinfo_set(b"FS", b"FIELDWIDTHS");
            }
            RS => self.update_rs()?,
            IGNORECASE => {
                let v = match &self.globals[IGNORECASE as usize] {
                    Slot::Val(v) => v.truth(),
                    _ => false,
                };
                if v != self.icase {
                    self.ensure_split()?;
                    self.icase = v;
                    self.update_rs()?;
                    if let FieldMode::Fs(_) = self.field_mode {
                        let fs = self.global_str(FS);
                        let para = matches!(self.rs, RsMode::Paragraph);
                        let sp = self.splitter(&fs, para)?;
                        self.field_mode = FieldMode::Fs(sp);
                    }
                }
            }
            CONVFMT => self.convfmt = self.global_str(CONVFMT).to_vec(),
            OFMT => self.ofmt = self.global_str(OFMT).to_vec(),
            OFS => self.ofs = self.global_str(OFS).to_vec(),
            ORS => self.ors = self.global_str(ORS).to_vec(),
            SUBSEP => self.subsep = self.global_str(SUBSEP).to_vec(),
            NR => self.nr = self.global_num(NR),
            RT => self.rt_byte = None,
            FNR => self.fnr = self.global_num(FNR),
            _ => {}
        }
        Ok(())
    }

    fn update_rs(&mut self) -> R<()> {
        // Paragraph mode changes how FS splits: the record read so far
        // keeps the old rules.
        self.ensure_split()?;
        let rs = self.global_str(RS);
        let was_para = matches!(self.rs, RsMode::Paragraph);
        self.rs = if rs.is_empty() {
            RsMode::Paragraph
        } else if rs.len() == 1 {
            RsMode::Byte(rs[0])
        } else {
            RsMode::Regex(self.compile_re(&rs, self.icase)?)
        };
        let is_para = matches!(self.rs, RsMode::Paragraph);
        if was_para != is_para {
            if let FieldMode::Fs(_) = self.field_mode {
                let fs = self.global_str(FS);
                let sp = self.splitter(&fs, is_para)?;
                self.field_mode = FieldMode::Fs(sp);
            }
        }
        Ok(())
    }

    pub fn procinfo_set(&mut self, k: &[u8], v: &[u8]) {
        if let Slot::Arr(a) = &self.globals[PROCINFO as usize] {
            a.a.borrow_mut().set(&Key::from_text(bytes(k), false), Value::from_str(v));
        }
    }

    pub fn procinfo_get(&self, k: &[u8]) -> Option<Value> {
        if let Slot::Arr(a) = &self.globals[PROCINFO as usize] {
            return a.a.borrow().get(&Key::from_text(bytes(k), false)).cloned();
        }
        None
    }

    // ----- the record -----

    /// Sets $0 (fields are split when first needed, by the field rules
    /// in force now).
    pub fn set_record(&mut self, text: &[u8]) {
        self.rec.text.clear();
        self.rec.text.extend_from_slice(text);
        self.new_record();
    }

    /// Sets $0 from a buffer the caller gives up (no copy).
    #[inline(always)]
    pub fn set_record_owned(&mut self, text: &mut Vec<u8>) {
        std::mem::swap(&mut self.rec.text, text);
        self.new_record();
    }

    /// Forgets the fields of the previous $0.
    #[inline(always)]
    fn new_record(&mut self) {
        self.rec.fields.clear();
        self.rec.dirty = false;
        self.rec.resume = if self.rec.text.is_empty() { None } else { Some(0) };
    }

    /// Splits until there are `want` fields or no more.
    #[inline(always)]
    fn split_to(&mut self, want: usize) {
        if self.rec.fields.len() < want && self.rec.resume.is_some() {
            self.split_more(want);
        }
    }

    fn split_more(&mut self, want: usize) {
        let sp = match &self.field_mode {
            FieldMode::Fs(sp) if awk_fields::is_lazy(sp) => sp,
            _ => return self.split_all(),
        };
        let rec = &mut self.rec;
        while rec.fields.len() < want {
            let from = match rec.resume {
                Some(f) => f,
                None => break,
            };
            let (field, next) = awk_fields::next_field(&rec.text, sp, from);
            if let Some((a, b)) = field {
                rec.fields.push(Field::Span(a, b));
            }
            rec.resume = next;
        }
    }

    /// Splits the whole record at once (the modes without lazy
    /// splitting).
    fn split_all(&mut self) {
        let mut spans = std::mem::take(&mut self.rec.spans);
        match &self.field_mode {
            FieldMode::Fs(sp) => awk_fields::split(&self.rec.text, sp, &mut spans, None),
            FieldMode::Fpat(re) => awk_fields::fpat_split(&self.rec.text, re, &mut spans, None),
            FieldMode::Widths(w) => awk_fields::widths_split(&self.rec.text, w, &mut spans),
        }
        self.rec.fields.clear();
        self.rec.fields.extend(spans.iter().map(|&(a, b)| Field::Span(a, b)));
        self.rec.spans = spans;
        self.rec.resume = None;
    }

    pub fn ensure_split(&mut self) -> R<()> {
        self.split_to(usize::MAX);
        Ok(())
    }

    /// Rebuilds $0 from the fields with OFS.
    fn rebuild(&mut self) {
        if !self.rec.dirty {
            return;
        }
        let mut text = Vec::with_capacity(self.rec.text.len() + 16);
        let n = self.rec.fields.len();
        let mut owned = Vec::with_capacity(n);
        for (i, f) in self.rec.fields.iter().enumerate() {
            if i > 0 {
                text.extend_from_slice(&self.ofs);
            }
            match f {
                Field::Span(a, b) => {
                    let s = &self.rec.text[*a..*b];
                    text.extend_from_slice(s);
                    owned.push(Value::strnum(s));
                }
                Field::Val(v) => {
                    text.extend_from_slice(&self.to_bytes(v));
                    owned.push(v.clone());
                }
            }
        }
        self.rec.fields = owned.into_iter().map(Field::Val).collect();
        self.rec.text = text;
        self.rec.dirty = false;
    }

    /// How many fields the record has (NF before any assignment to it).
    pub fn field_count(&mut self) -> R<usize> {
        self.ensure_split()?;
        Ok(self.rec.fields.len())
    }

    pub fn get_field(&mut self, i: f64) -> R<Value> {
        if i < 0.0 || i.is_nan() {
            return fatal(format!("attempt to access field {}", trunc_i(i)));
        }
        let i = i as usize;
        if i == 0 {
            self.rebuild();
            return Ok(Value::strnum(&self.rec.text));
        }
        self.split_to(i);
        Ok(match self.rec.fields.get(i - 1) {
            Some(Field::Span(a, b)) => Value::strnum(&self.rec.text[*a..*b]),
            Some(Field::Val(v)) => v.clone(),
            None => Value::StrNum(Rc::new(Vec::new())),
        })
    }

    /// `$i` as a number, without building a string value.
    #[inline(always)]
    fn field_num(&mut self, i: usize) -> R<f64> {
        self.split_to(i);
        Ok(match self.rec.fields.get(i - 1) {
            Some(Field::Span(a, b)) => str_to_num(&self.rec.text[*a..*b]),
            Some(Field::Val(v)) => v.to_num(),
            None => 0.0,
        })
    }

    pub fn set_field(&mut self, i: f64, v: Value) -> R<()> {
        if i < 0.0 || i.is_nan() {
            return fatal(format!("attempt to access field {}", trunc_i(i)));
        }
        let i = i as usize;
        if i == 0 {
            let s = self.to_bytes(&v);
            self.set_record(&s);
            return Ok(());
        }
        self.ensure_split()?;
        while self.rec.fields.len() < i {
            self.rec.fields.push(Field::Val(Value::StrNum(Rc::new(Vec::new()))));
        }
        self.rec.fields[i - 1] = Field::Val(v);
        self.rec.dirty = true;
        Ok(())
    }

    fn set_nf(&mut self, n: f64) -> R<()> {
        if n < 0.0 {
            return fatal("NF set to negative value");
        }
        self.ensure_split()?;
        let n = n as usize;
        if n < self.rec.fields.len() {
            self.rec.fields.truncate(n);
        }
        while self.rec.fields.len() < n {
            self.rec.fields.push(Field::Val(Value::StrNum(Rc::new(Vec::new()))));
        }
        self.rec.dirty = true;
        Ok(())
    }

    // ----- output -----

    /// The sink for a redirection, opened on first use.
    fn sink(&mut self, kind: Redir, name: &[u8]) -> R<usize> {
        if let Some(i) = self.sinks.iter().position(|(n, _)| n == name) {
            return Ok(i);
        }
        let sink = match kind {
            Redir::Pipe => {
                self.flush_all();
                let env = self.child_env();
                match awk_io::open_out_pipe(name, env.as_deref()) {
                    Ok(s) => s,
                    Err(e) => {
                        return fatal(format!(
                            "cannot open pipe `{}' for output: {}",
                            String::from_utf8_lossy(name),
                            wsutil::strerror(&e)
                        ))
                    }
                }
            }
            _ => {
                if name == b"/dev/stdout" {
                    Sink::Stdout
                } else if name == b"/dev/stderr" {
                    Sink::Stderr
                } else {
                    let path = String::from_utf8_lossy(name).into_owned();
                    let r = if kind == Redir::Append {
                        std::fs::OpenOptions::new().append(true).create(true).open(&path)
                    } else {
                        std::fs::File::create(&path)
                    };
                    match r {
                        Ok(f) => Sink::File(std::io::BufWriter::with_capacity(64 * 1024, f)),
                        Err(e) => {
                            return fatal(format!(
                                "cannot redirect to `{}': {}",
                                String::from_utf8_lossy(name),
                                wsutil::strerror(&e)
                            ))
                        }
                    }
                }
            }
        };
        self.sinks.push((name.to_vec(), sink));
        Ok(self.sinks.len() - 1)
    }

    fn write_out(&mut self, target: Option<usize>, data: &[u8]) -> R<()> {
        let r = match target {
            None => self.out.write_all(data),
            Some(i) => {
                let (name, sink) = &mut self.sinks[i];
                let r = sink.write_all(&mut self.out, data);
                if let Err(e) = &r {
                    return fatal(format!("print to \"{}\" failed: {}", String::from_utf8_lossy(name), wsutil::strerror(e)));
                }
                r
            }
        };
        if let Err(e) = r {
            return fatal(format!("print to \"standard output\" failed: {}", wsutil::strerror(&e)));
        }
        Ok(())
    }

    pub fn flush_all(&mut self) {
        let _ = self.out.flush();
        for (_, s) in self.sinks.iter_mut() {
            let _ = s.flush(&mut self.out);
        }
    }

    /// The environment for children: None unless ENVIRON was changed.
    pub fn child_env(&self) -> Option<Vec<String>> {
        if !self.environ_dirty {
            return None;
        }
        let mut env = Vec::new();
        if let Slot::Arr(a) = &self.globals[ENVIRON as usize] {
            for (k, v) in a.a.borrow().entries() {
                let k = self.to_bytes(&k);
                let v = self.to_bytes(&v);
                env.push(format!("{}={}", String::from_utf8_lossy(&k), String::from_utf8_lossy(&v)));
            }
        }
        Some(env)
    }

    /// Closes every redirection (waiting for commands), then flushes
    /// standard output, as gawk does at exit.
    pub fn close_all(&mut self) {
        let sinks = std::mem::take(&mut self.sinks);
        for (_, s) in sinks.into_iter().rev() {
            s.close(&mut self.out);
        }
        let inputs = std::mem::take(&mut self.inputs);
        for (_, r, pid) in inputs {
            drop(r);
            if let Some(pid) = pid {
                awk_io::wait_child(pid);
            }
        }
        let _ = self.out.flush();
    }

    /// close(name): the status of the command, 0 for a file, -1 if
    /// nothing of that name is open.
    pub fn close_named(&mut self, name: &[u8]) -> i32 {
        let mut result = -1;
        if let Some(i) = self.sinks.iter().position(|(n, _)| n == name) {
            let (_, s) = self.sinks.remove(i);
            result = s.close(&mut self.out);
        }
        if let Some(i) = self.inputs.iter().position(|(n, _, _)| n == name) {
            let (_, r, pid) = self.inputs.remove(i);
            drop(r);
            result = match pid {
                Some(p) => awk_io::wait_child(p),
                None => 0,
            };
        }
        result
    }

    // ----- running -----

    fn loc_of(&self, pc: usize) -> Loc {
        self.prog.locs.get(pc).copied().unwrap_or_default()
    }

    /// Runs code from `start` until `Halt` (with the frame depth it began
    /// at) or a change of flow.
    pub fn run(&mut self, start: usize) -> R<Flow> {
        let depth = self.frames.len();
        let stack_base = self.stack.len();
        let iters_base = self.iters.len();
        let saved_pc = self.pc;
        self.pc = start;
        let r = self.exec(depth);
        let r = match r {
            Ok(f) => Ok(f),
            Err(mut e) => {
                if e.at.is_none() {
                    e.at = Some(self.loc_of(self.pc));
                }
                Err(e)
            }
        };
        if !matches!(r, Ok(Flow::Done)) {
            // Unwind what the interrupted code had set up.
            while self.frames.len() > depth {
                if let Some(f) = self.frames.pop() {
                    self.locals.truncate(f.base);
                }
            }
            self.stack.truncate(stack_base);
            self.iters.truncate(iters_base);
            self.arg_arrays.retain(|(i, _)| *i < stack_base);
        }
        self.pc = saved_pc;
        r
    }

    /// Calls user function `f` with `args` from native code (sort
    /// comparisons) and returns its result.
    pub fn call_function(&mut self, f: u32, args: Vec<Value>) -> R<Value> {
        let n = args.len() as u32;
        for a in args {
            self.push(a);
        }
        let entry = self.enter(f, n, 0)?;
        let depth = self.frames.len() - 1;
        let saved = self.pc;
        self.pc = entry;
        let r = self.exec(depth);
        self.pc = saved;
        match r? {
            Flow::Done => Ok(self.pop()),
            _ => fatal("`exit' cannot be called in the current context"),
        }
    }

    /// Sets up a frame for function `f` whose `n` arguments are on the
    /// stack; returns the function's entry point.
    fn enter(&mut self, f: u32, n: u32, ret: usize) -> R<usize> {
        let func = &self.prog.functions[f as usize];
        let nparams = func.params.len();
        let args_base = self.stack.len() - n as usize;
        let base = self.locals.len();
        let args = self.stack.split_off(args_base);
        let mut arrays: Vec<(usize, ArrRc)> = Vec::new();
        while let Some((i, _)) = self.arg_arrays.last() {
            if *i >= args_base {
                if let Some(x) = self.arg_arrays.pop() {
                    arrays.push(x);
                }
            } else {
                break;
            }
        }
        for (i, v) in args.into_iter().enumerate() {
            if i >= nparams {
                break;
            }
            let arr = arrays.iter().find(|(k, _)| *k == args_base + i).map(|(_, a)| a.clone());
            self.locals.push(match arr {
                Some(a) if a.typed.get() => Slot::Arr(a),
                Some(a) => Slot::Untyped(a),
                None => Slot::Val(v),
            });
        }
        while self.locals.len() < base + nparams {
            self.locals.push(Slot::Fresh);
        }
        if self.frames.len() > 200_000 {
            return fatal("function call nesting too deep");
        }
        self.frames.push(Frame { ret, base, iters: self.iters.len(), func: f, args_base });
        Ok(self.prog.functions[f as usize].entry)
    }

    fn exec(&mut self, depth: usize) -> R<Flow> {
        let code = &self.prog.code;
        loop {
            let pc = self.pc;
            self.pc += 1;
            match &code[pc] {
                Op::Halt => {
                    if self.frames.len() > depth {
                        // A function fell through to a Halt: cannot happen.
                        return fatal("internal error: halt inside a function");
                    }
                    return Ok(Flow::Done);
                }
                Op::Num(n) => self.stack.push(Value::Num(*n)),
                Op::Str(i) => {
                    let s = Value::Str(Rc::new(self.prog.strings[*i as usize].clone()));
                    self.stack.push(s);
                }
                Op::Uninit => self.stack.push(Value::Uninit),
                Op::MatchRecord(i) => {
                    self.rebuild();
                    let m = match self.literal(*i) {
                        Some(lit) => lit.is_in(&self.rec.text),
                        None => {
                            let re = self.const_regex(*i)?;
                            re.is_match(&self.rec.text, ExecFlags::default())
                        }
                    };
                    self.stack.push(bool_val(m));
                }
                Op::Pop => {
                    self.stack.pop();
                }
                Op::Dup => {
                    let v = self.stack.last().cloned().unwrap_or(Value::Uninit);
                    self.stack.push(v);
                }
                Op::Load(v) => {
                    let x = self.load(*v)?;
                    self.stack.push(x);
                }
                Op::LoadField => {
                    let i = self.pop().to_num();
                    let v = self.get_field(i)?;
                    self.stack.push(v);
                }
                Op::LoadFieldConst(i) => {
                    let v = self.get_field(*i as f64)?;
                    self.stack.push(v);
                }
                Op::LoadFieldNum(i) => {
                    let n = self.field_num(*i as usize)?;
                    self.stack.push(Value::Num(n));
                }
                Op::LoadElem(a) => {
                    let k = self.pop();
                    let key = self.key(&k);
                    let arr = self.array(*a)?;
                    let v = arr.a.borrow_mut().lookup(&key).clone();
                    self.stack.push(v);
                }
                Op::Store(lv) => {
                    let v = self.pop();
                    self.store_lv(*lv, v.clone())?;
                    self.stack.push(v);
                }
                Op::Aug(lv, op) => {
                    let rhs = self.pop().to_num();
                    let (cur, key) = self.read_lv(*lv)?;
                    let r = aug_arith(*op, cur.to_num(), rhs)?;
                    self.write_lv(*lv, key, Value::Num(r))?;
                    self.stack.push(Value::Num(r));
                }
                Op::Incr(lv, delta, post) => {
                    let (cur, key) = self.read_lv(*lv)?;
                    let old = cur.to_num();
                    let new = old + delta;
                    self.write_lv(*lv, key, Value::Num(new))?;
                    self.stack.push(Value::Num(if *post { old } else { new }));
                }
                Op::Subsep(n) => {
                    let vals = self.popn(*n as usize);
                    let mut s = Vec::new();
                    for (i, v) in vals.iter().enumerate() {
                        if i > 0 {
                            s.extend_from_slice(&self.subsep);
                        }
                        s.extend_from_slice(&self.to_bytes(v));
                    }
                    self.stack.push(Value::Str(Rc::new(s)));
                }
                Op::In(a) => {
                    let k = self.pop();
                    let key = self.key(&k);
                    let arr = self.array(*a)?;
                    let r = arr.a.borrow().contains(&key);
                    self.stack.push(bool_val(r));
                }
                Op::Delete(a) => {
                    let k = self.pop();
                    let key = self.key(&k);
                    let arr = self.array(*a)?;
                    arr.a.borrow_mut().remove(&key);
                    if *a == Var::Global(ENVIRON) {
                        self.environ_dirty = true;
                    }
                }
                Op::DeleteAll(a) => {
                    let arr = self.array(*a)?;
                    arr.a.borrow_mut().clear();
                    if *a == Var::Global(ENVIRON) {
                        self.environ_dirty = true;
                    }
                }
                Op::Bin(op) => {
                    let b = self.pop().to_num();
                    let a = self.pop().to_num();
                    let r = self.arith(*op, a, b)?;
                    self.stack.push(Value::Num(r));
                }
                Op::Neg => {
                    let a = self.pop().to_num();
                    self.stack.push(Value::Num(-a));
                }
                Op::Plus => {
                    let a = self.pop().to_num();
                    self.stack.push(Value::Num(a));
                }
                Op::Not => {
                    let a = self.pop();
                    self.stack.push(bool_val(!a.truth()));
                }
                Op::Concat => {
                    let b = self.pop();
                    let a = self.pop();
                    let r = match a {
                        Value::Str(s) if Rc::strong_count(&s) == 1 => {
                            let mut s = s;
                            let v = Rc::make_mut(&mut s);
                            v.extend_from_slice(&self.to_bytes(&b));
                            s
                        }
                        _ => {
                            let x = self.to_bytes(&a);
                            let y = self.to_bytes(&b);
                            let mut s = Vec::with_capacity(x.len() + y.len());
                            s.extend_from_slice(&x);
                            s.extend_from_slice(&y);
                            Rc::new(s)
                        }
                    };
                    self.stack.push(Value::Str(r));
                }
                Op::Cmp(op) => {
                    let b = self.pop();
                    let a = self.pop();
                    let r = cmp_result(*op, self.compare(&a, &b));
                    self.stack.push(bool_val(r));
                }
                Op::Match(neg) => {
                    let r = self.pop();
                    let s = self.pop();
                    let pat = self.to_bytes(&r);
                    let re = self.dyn_regex(&pat)?;
                    let text = self.to_bytes(&s);
                    let m = re.is_match(&text, ExecFlags::default());
                    self.stack.push(bool_val(m != *neg));
                }
                Op::MatchConst(i, neg) => {
                    let s = self.pop();
                    let text = self.to_bytes(&s);
                    let m = match self.literal(*i) {
                        Some(lit) => lit.is_in(&text),
                        None => {
                            let re = self.const_regex(*i)?;
                            re.is_match(&text, ExecFlags::default())
                        }
                    };
                    self.stack.push(bool_val(m != *neg));
                }
                Op::ToBool => {
                    let a = self.pop();
                    self.stack.push(bool_val(a.truth()));
                }
                Op::Jump(t) => self.pc = *t as usize,
                Op::JumpFalse(t) => {
                    if !self.pop().truth() {
                        self.pc = *t as usize;
                    }
                }
                Op::JumpTrue(t) => {
                    if self.pop().truth() {
                        self.pc = *t as usize;
                    }
                }
                Op::Print(n, redir) => self.print(*n as usize, *redir)?,
                Op::Printf(n, redir) => self.printf(*n as usize, *redir)?,
                Op::Getline(src, lv) => self.getline(*src, *lv)?,
                Op::Call(f, n) => {
                    let ret = self.pc;
                    let entry = self.enter(*f, *n, ret)?;
                    self.pc = entry;
                }
                Op::CallIndirect(v, n) => {
                    let name = self.load(*v)?;
                    let name = self.to_bytes(&name);
                    let f = self.prog.functions.iter().position(|f| f.name.as_bytes() == &name[..]);
                    match f {
                        Some(f) => {
                            let ret = self.pc;
                            let entry = self.enter(f as u32, *n, ret)?;
                            self.pc = entry;
                        }
                        None => {
                            let name = String::from_utf8_lossy(&name).into_owned();
                            if super::awk_lex::BUILTINS.contains(&name.as_str()) {
                                let args = self.popn(*n as usize);
                                let r = self.builtin_indirect(&name, args)?;
                                self.stack.push(r);
                            } else {
                                return fatal(format!("`{}' is not a function, so it cannot be called indirectly", name));
                            }
                        }
                    }
                }
                Op::ArgVar(v) => {
                    let v = *v;
                    let idx = self.stack.len();
                    let name = self.var_name(v);
                    let slot = self.slot(v);
                    let pushed = match slot {
                        Slot::Fresh => {
                            let a = new_arr(&name, false);
                            *slot = Slot::Untyped(a.clone());
                            Some(a)
                        }
                        Slot::Val(x) => {
                            let x = x.clone();
                            self.stack.push(x);
                            None
                        }
                        Slot::Arr(a) | Slot::Untyped(a) => Some(a.clone()),
                    };
                    if let Some(a) = pushed {
                        self.stack.push(Value::Uninit);
                        self.arg_arrays.push((idx, a));
                    }
                    if let Var::Global(g) = v {
                        if g == NF {
                            self.stack.pop();
                            let x = self.load(v)?;
                            self.stack.push(x);
                        }
                    }
                }
                Op::Return => {
                    let v = self.pop();
                    let f = match self.frames.pop() {
                        Some(f) => f,
                        None => return fatal("`return' used outside function context"),
                    };
                    self.locals.truncate(f.base);
                    self.iters.truncate(f.iters);
                    self.stack.truncate(f.args_base);
                    self.stack.push(v);
                    self.pc = f.ret;
                    if self.frames.len() == depth && f.ret == 0 {
                        return Ok(Flow::Done);
                    }
                }
                Op::Next => {
                    if self.rule_kind != RuleKind::Main {
                        return fatal(format!("`next' cannot be called from a `{}' rule", self.rule_name()));
                    }
                    return Ok(Flow::Next);
                }
                Op::NextFile => {
                    if self.rule_kind != RuleKind::Main && self.rule_kind != RuleKind::BeginFile {
                        return fatal(format!("`nextfile' cannot be called from a `{}' rule", self.rule_name()));
                    }
                    return Ok(Flow::NextFile);
                }
                Op::Exit(has) => {
                    if *has {
                        let v = self.pop().to_num();
                        self.exit_code = v as i64 as i32;
                    }
                    self.exiting = true;
                    return Ok(Flow::Exit);
                }
                Op::Builtin(b, n) => {
                    let args = self.popn(*n as usize);
                    let r = self.builtin(*b, args)?;
                    self.stack.push(r);
                }
                Op::Split(arr, sep, seps, pat) => self.op_split(*arr, *sep, *seps, *pat)?,
                Op::Sub(global, re, target) => self.op_sub(*global, *re, *target)?,
                Op::Gensub(re, has_target) => self.op_gensub(*re, *has_target)?,
                Op::MatchFn(re, arr) => self.op_match(*re, *arr)?,
                Op::Asort(src, dest, how, ind) => self.op_asort(*src, *dest, *how, *ind)?,
                Op::LengthVar(v) => {
                    let r = match self.slot(*v) {
                        Slot::Arr(a) => a.a.borrow().len() as f64,
                        Slot::Untyped(a) if a.typed.get() => a.a.borrow().len() as f64,
                        Slot::Fresh | Slot::Untyped(_) | Slot::Val(_) => {
                            let x = self.load(*v)?;
                            char_count(&self.to_bytes(&x)) as f64
                        }
                    };
                    self.stack.push(Value::Num(r));
                }
                Op::IsArray(v) => {
                    let r = match self.slot(*v) {
                        Slot::Arr(_) => true,
                        Slot::Untyped(a) => a.typed.get(),
                        Slot::Val(_) | Slot::Fresh => false,
                    };
                    self.stack.push(bool_val(r));
                }
                Op::TypeofVar(v) => {
                    let t: &[u8] = match self.slot(*v) {
                        Slot::Arr(_) => b"array",
                        Slot::Untyped(a) if a.typed.get() => b"array",
                        Slot::Untyped(_) | Slot::Fresh => b"untyped",
                        Slot::Val(x) => type_name(x),
                    };
                    let t = if *v == Var::Global(NF) { &b"number"[..] } else { t };
                    self.stack.push(Value::from_str(t));
                }
                Op::ForInit(a) => {
                    let arr = self.array(*a)?;
                    let keys = self.sorted_keys(&arr)?;
                    self.iters.push((keys, 0));
                }
                Op::ForNext(lv, end) => {
                    let next = match self.iters.last_mut() {
                        Some((keys, i)) if *i < keys.len() => {
                            *i += 1;
                            Some(keys[*i - 1].clone())
                        }
                        _ => None,
                    };
                    match next {
                        Some(k) => self.store_lv(*lv, k)?,
                        None => self.pc = *end as usize,
                    }
                }
                Op::ForPop => {
                    self.iters.pop();
                }
                Op::CaseNum(n) => {
                    let subj = self.stack.last().cloned().unwrap_or(Value::Uninit);
                    let r = self.compare(&subj, &Value::Num(*n)) == Some(std::cmp::Ordering::Equal);
                    self.stack.push(bool_val(r));
                }
                Op::CaseStr(i) => {
                    let subj = self.stack.last().cloned().unwrap_or(Value::Uninit);
                    let s = Value::Str(Rc::new(self.prog.strings[*i as usize].clone()));
                    let r = self.compare(&subj, &s) == Some(std::cmp::Ordering::Equal);
                    self.stack.push(bool_val(r));
                }
                Op::CaseMatch(i) => {
                    let subj = self.stack.last().cloned().unwrap_or(Value::Uninit);
                    let re = self.const_regex(*i)?;
                    let text = self.to_bytes(&subj);
                    let r = re.is_match(&text, ExecFlags::default());
                    self.stack.push(bool_val(r));
                }
                Op::AugVar(v, op) => {
                    let rhs = self.pop().to_num();
                    self.update_var(*v, *op, rhs)?;
                }
                Op::IncrVar(v, delta) => self.update_var(*v, BinOp::Add, *delta)?,
                Op::AugElem(a, op) => {
                    let rhs = self.pop().to_num();
                    self.update_elem(*a, *op, rhs)?;
                }
                Op::IncrElem(a, delta) => self.update_elem(*a, BinOp::Add, *delta)?,
                Op::CmpFieldNum(i, op, n) => {
                    let r = self.cmp_field_num(*i as usize, *op, *n)?;
                    self.stack.push(bool_val(r));
                }
                Op::PrintFields(i) => self.print_fields(*i as usize)?,
                Op::BinNum(op, n) => {
                    let a = self.pop().to_num();
                    self.stack.push(Value::Num(arith(*op, a, *n)?));
                }
                Op::StoreVar(v) => {
                    let x = self.pop();
                    self.store(*v, x)?;
                }
                Op::StoreVarField(v, i) => self.store_var_field(*v, *i as usize)?,
            }
        }
    }

    /// A plain variable holding a number, to update in place (not a
    /// special variable: assigning those has side effects).
    #[inline(always)]
    fn num_var_mut(&mut self, v: Var) -> Option<&mut f64> {
        let slot = match v {
            Var::Global(g) if g >= NSPECIAL => &mut self.globals[g as usize],
            Var::Global(_) => return None,
            Var::Local(l) => {
                let base = self.frames.last().map_or(0, |f| f.base);
                &mut self.locals[base + l as usize]
            }
        };
        match slot {
            Slot::Val(Value::Num(x)) => Some(x),
            _ => None,
        }
    }

    /// `v = $i` as a statement: a plain variable that holds text of its
    /// own takes the field's text in its buffer.
    fn store_var_field(&mut self, v: Var, i: usize) -> R<()> {
        self.split_to(i);
        if let Some(&Field::Span(a, b)) = self.rec.fields.get(i - 1) {
            let slot = match v {
                Var::Global(g) if g >= NSPECIAL => Some(&mut self.globals[g as usize]),
                Var::Global(_) => None,
                Var::Local(l) => {
                    let base = self.frames.last().map_or(0, |f| f.base);
                    Some(&mut self.locals[base + l as usize])
                }
            };
            if let Some(Slot::Val(Value::StrNum(rc))) = slot {
                if let Some(buf) = Rc::get_mut(rc) {
                    buf.clear();
                    buf.extend_from_slice(&self.rec.text[a..b]);
                    return Ok(());
                }
            }
        }
        let f = self.get_field(i as f64)?;
        self.store(v, f)
    }

    /// `v op= rhs` (and `v++`) as a statement.
    #[inline(always)]
    fn update_var(&mut self, v: Var, op: BinOp, rhs: f64) -> R<()> {
        if let Some(x) = self.num_var_mut(v) {
            *x = aug_arith(op, *x, rhs)?;
            return Ok(());
        }
        let cur = self.load(v)?.to_num();
        let r = aug_arith(op, cur, rhs)?;
        self.store(v, Value::Num(r))
    }

    /// `a[k] op= rhs` (and `a[k]++`) as a statement; the key is on the
    /// stack.
    fn update_elem(&mut self, a: Var, op: BinOp, rhs: f64) -> R<()> {
        let k = self.pop();
        let key = self.key(&k);
        let arr = self.array(a)?;
        let mut elems = arr.a.borrow_mut();
        let slot = elems.lookup(&key);
        let r = aug_arith(op, slot.to_num(), rhs)?;
        *slot = Value::Num(r);
        if a == Var::Global(ENVIRON) {
            self.environ_dirty = true;
        }
        Ok(())
    }

    /// `$i OP n`: a field that looks numeric compares as a number, other
    /// text as a string with the number's text, as for any strnum.
    fn cmp_field_num(&mut self, i: usize, op: CmpOp, n: f64) -> R<bool> {
        self.split_to(i);
        if let Some(Field::Span(a, b)) = self.rec.fields.get(i - 1) {
            let (x, numeric) = str_to_num_full(&self.rec.text[*a..*b]);
            if numeric {
                return Ok(cmp_result(op, x.partial_cmp(&n)));
            }
        }
        let f = self.get_field(i as f64)?;
        Ok(cmp_result(op, self.compare(&f, &Value::Num(n))))
    }

    /// `print $a, $b, ...` to standard output.
    fn print_fields(&mut self, list: usize) -> R<()> {
        let prog = self.prog;
        let fields = &prog.field_lists[list];
        let mut buf = std::mem::take(&mut self.obuf);
        buf.clear();
        for (k, &i) in fields.iter().enumerate() {
            if k > 0 {
                buf.extend_from_slice(&self.ofs);
            }
            let i = i as usize;
            if i == 0 {
                self.rebuild();
                buf.extend_from_slice(&self.rec.text);
                continue;
            }
            self.split_to(i);
            match self.rec.fields.get(i - 1) {
                Some(Field::Span(a, b)) => buf.extend_from_slice(&self.rec.text[*a..*b]),
                Some(Field::Val(v)) => self.out_bytes(v, &mut buf),
                None => {}
            }
        }
        buf.extend_from_slice(&self.ors);
        let r = self.write_out(None, &buf);
        self.obuf = buf;
        r
    }

    fn rule_name(&self) -> &'static str {
        match self.rule_kind {
            RuleKind::Begin => "BEGIN",
            RuleKind::End => "END",
            RuleKind::BeginFile => "BEGINFILE",
            RuleKind::EndFile => "ENDFILE",
            RuleKind::Main => "",
        }
    }

    pub fn arith(&self, op: BinOp, a: f64, b: f64) -> R<f64> {
        arith(op, a, b)
    }

    /// Reads an lvalue, popping its operands; returns the value and the
    /// key/index to write back with.
    fn read_lv(&mut self, lv: Lv) -> R<(Value, Value)> {
        match lv {
            Lv::Var(v) => Ok((self.load(v)?, Value::Uninit)),
            Lv::Field => {
                let i = self.pop();
                let v = self.get_field(i.to_num())?;
                Ok((v, i))
            }
            Lv::Elem(a) => {
                let k = self.pop();
                let key = self.key(&k);
                let arr = self.array(a)?;
                let v = arr.a.borrow_mut().lookup(&key).clone();
                Ok((v, k))
            }
        }
    }

    fn write_lv(&mut self, lv: Lv, key: Value, v: Value) -> R<()> {
        match lv {
            Lv::Var(var) => self.store(var, v),
            Lv::Field => self.set_field(key.to_num(), v),
            Lv::Elem(a) => {
                let k = self.key(&key);
                let arr = self.array(a)?;
                arr.a.borrow_mut().set(&k, v);
                if a == Var::Global(ENVIRON) {
                    self.environ_dirty = true;
                }
                Ok(())
            }
        }
    }

    /// Stores into an lvalue whose operands are on the stack.
    pub fn store_lv(&mut self, lv: Lv, v: Value) -> R<()> {
        let key = match lv {
            Lv::Var(_) => Value::Uninit,
            _ => self.pop(),
        };
        self.write_lv(lv, key, v)
    }

    fn print(&mut self, n: usize, redir: Option<Redir>) -> R<()> {
        let target = match redir {
            Some(kind) => {
                let t = self.pop();
                let name = self.to_bytes(&t);
                Some(self.sink(kind, &name)?)
            }
            None => None,
        };
        let at = self.stack.len().saturating_sub(n);
        let mut buf = std::mem::take(&mut self.obuf);
        buf.clear();
        if n == 0 {
            self.rebuild();
            buf.extend_from_slice(&self.rec.text);
        } else {
            for (i, a) in self.stack[at..].iter().enumerate() {
                if i > 0 {
                    buf.extend_from_slice(&self.ofs);
                }
                self.out_bytes(a, &mut buf);
            }
        }
        self.stack.truncate(at);
        buf.extend_from_slice(&self.ors);
        let r = self.write_out(target, &buf);
        self.obuf = buf;
        r
    }

    /// A rule without an action: `print $0` to standard output.
    pub fn print_record(&mut self) -> R<()> {
        self.rebuild();
        let r = self.out.write_all(&self.rec.text).and_then(|_| self.out.write_all(&self.ors));
        if let Err(e) = r {
            return fatal(format!("print to \"standard output\" failed: {}", wsutil::strerror(&e)));
        }
        Ok(())
    }

    fn printf(&mut self, n: usize, redir: Option<Redir>) -> R<()> {
        let target = match redir {
            Some(kind) => {
                let t = self.pop();
                let name = self.to_bytes(&t);
                Some(self.sink(kind, &name)?)
            }
            None => None,
        };
        let args = self.popn(n);
        if args.is_empty() {
            return fatal("printf: no arguments");
        }
        let fmt = self.to_bytes(&args[0]);
        let s = match awk_printf::format(&fmt, &args[1..], &VmConv(self)) {
            Ok(s) => s,
            Err(e) => return fatal(e),
        };
        self.write_out(target, &s)
    }

    /// getline in its forms; pushes 1, 0 or -1.
    fn getline(&mut self, src: GetSrc, lv: Option<Lv>) -> R<()> {
        let mut rec = Vec::new();
        let mut rt = Vec::new();
        let got: i32 = match src {
            GetSrc::Main => {
                if self.rule_kind == RuleKind::BeginFile || self.rule_kind == RuleKind::EndFile {
                    return fatal(format!("non-redirected `getline' invalid inside `{}' rule", self.rule_name()));
                }
                match self.main_record(&mut rec, &mut rt)? {
                    true => {
                        self.nr += 1.0;
                        self.fnr += 1.0;
                        self.sync_nr();
                        1
                    }
                    false => 0,
                }
            }
            GetSrc::File => {
                let f = self.pop();
                let name = self.to_bytes(&f);
                self.read_named(&name, false, &mut rec, &mut rt)
            }
            GetSrc::Cmd => {
                let c = self.pop();
                let name = self.to_bytes(&c);
                self.read_named(&name, true, &mut rec, &mut rt)
            }
        };
        if got == 1 {
            self.set_rt(&rt);
            match lv {
                Some(lv) => self.store_lv(lv, Value::StrNum(Rc::new(rec)))?,
                None => self.set_record_owned(&mut rec),
            }
        } else if let Some(Lv::Field) | Some(Lv::Elem(_)) = lv {
            // The lvalue's operands are still on the stack.
            self.pop();
        }
        self.stack.push(Value::Num(got as f64));
        Ok(())
    }

    /// A record of the main input was read: NR and FNR go up.
    #[inline(always)]
    pub fn count_record(&mut self) {
        self.nr += 1.0;
        self.fnr += 1.0;
        self.counters_stale = true;
    }

    pub fn sync_nr(&mut self) {
        self.counters_stale = false;
        self.globals[NR as usize] = Slot::Val(Value::Num(self.nr));
        self.globals[FNR as usize] = Slot::Val(Value::Num(self.fnr));
    }

    /// Sets RT, reusing its buffer (the same terminator record after
    /// record costs nothing).
    fn set_rt(&mut self, rt: &[u8]) {
        self.rt_byte = None;
        if let Slot::Val(Value::Str(s)) = &mut self.globals[RT as usize] {
            if s[..] == rt[..] {
                return;
            }
            if let Some(v) = Rc::get_mut(s) {
                v.clear();
                v.extend_from_slice(rt);
                return;
            }
        }
        self.globals[RT as usize] = Slot::Val(Value::from_str(rt));
    }

    /// A record from a file or command read by name (kept open).
    fn read_named(&mut self, name: &[u8], cmd: bool, rec: &mut Vec<u8>, rt: &mut Vec<u8>) -> i32 {
        let i = match self.inputs.iter().position(|(n, _, _)| n == name) {
            Some(i) => i,
            None => {
                let opened: std::io::Result<(Box<dyn std::io::Read>, Option<u32>)> = if cmd {
                    self.flush_all();
                    let env = self.child_env();
                    awk_io::open_in_pipe(name, env.as_deref()).map(|(f, pid)| (Box::new(f) as Box<dyn std::io::Read>, Some(pid)))
                } else if name == b"-" || name == b"/dev/stdin" {
                    Ok((Box::new(wsutil::io::stdin()) as Box<dyn std::io::Read>, None))
                } else {
                    std::fs::File::open(String::from_utf8_lossy(name).as_ref()).map(|f| (Box::new(f) as Box<dyn std::io::Read>, None))
                };
                match opened {
                    Ok((r, pid)) => {
                        self.inputs.push((name.to_vec(), Reader::new(r), pid));
                        self.inputs.len() - 1
                    }
                    Err(e) => {
                        self.globals[ERRNO as usize] = Slot::Val(Value::from_str(wsutil::strerror(&e).as_bytes()));
                        return -1;
                    }
                }
            }
        };
        let rs = self.rs.clone();
        match self.inputs[i].1.read_record(&rs, rec, rt) {
            Ok(true) => 1,
            Ok(false) => 0,
            Err(e) => {
                self.globals[ERRNO as usize] = Slot::Val(Value::from_str(wsutil::strerror(&e).as_bytes()));
                -1
            }
        }
    }

    /// The next record of the main input, moving through the operands.
    pub fn main_record(&mut self, rec: &mut Vec<u8>, rt: &mut Vec<u8>) -> R<bool> {
        if let (RsMode::Byte(c), Some(reader)) = (&self.rs, self.main.reader.as_mut()) {
            // The usual case: RS is one byte (RT is that byte, set once).
            let c = *c;
            rt.clear();
            match reader.read_line(c, rec) {
                Ok(Some(true)) => {
                    rt.push(c);
                    if self.rt_byte != Some(c) {
                        self.set_rt(&[c]);
                        self.rt_byte = Some(c);
                    }
                    return Ok(true);
                }
                Ok(Some(false)) => {
                    self.set_rt(b"");
                    return Ok(true);
                }
                Ok(None) => {}
                Err(e) => return Err(self.read_error(&e)),
            }
        }
        loop {
            if self.main.reader.is_none() {
                if !self.open_next_main()? {
                    return Ok(false);
                }
                continue;
            }
            let r = match self.main.reader.as_mut() {
                Some(reader) => reader.read_record(&self.rs, rec, rt),
                None => continue,
            };
            match r {
                Ok(true) => {
                    self.set_rt(rt);
                    return Ok(true);
                }
                Ok(false) => {
                    self.main.reader = None;
                    self.end_file()?;
                }
                Err(e) => return Err(self.read_error(&e)),
            }
        }
    }

    fn read_error(&self, e: &std::io::Error) -> Fatal {
        let name = self.global_str(FILENAME);
        Fatal {
            msg: format!("error reading input file `{}': {}", String::from_utf8_lossy(&name), wsutil::strerror(e)),
            at: None,
        }
    }

    /// Runs the ENDFILE rules after a file of the main input.
    pub fn end_file(&mut self) -> R<()> {
        if self.prog.endfile.is_empty() {
            return Ok(());
        }
        let saved = self.rule_kind;
        self.rule_kind = RuleKind::EndFile;
        for &e in &self.prog.endfile.clone() {
            if self.run(e)? == Flow::Exit {
                break;
            }
        }
        self.rule_kind = saved;
        Ok(())
    }

    /// Opens the next operand of the main input (after variable
    /// assignments in ARGV); false when there is none.
    fn open_next_main(&mut self) -> R<bool> {
        if self.main.finished {
            return Ok(false);
        }
        loop {
            let argc = self.global_num(ARGC);
            if (self.main.argi as f64) >= argc {
                if self.main.used_file {
                    self.main.finished = true;
                    return Ok(false);
                }
                self.main.used_file = true;
                self.main.finished = true;
                return self.start_file(b"-", true);
            }
            let i = self.main.argi;
            self.main.argi += 1;
            let argv = match &self.globals[ARGV as usize] {
                Slot::Arr(a) => a.clone(),
                _ => continue,
            };
            let v = argv.a.borrow().get(&Key::from_int(i as i64)).cloned();
            let arg = match v {
                Some(v) => self.to_bytes(&v),
                None => continue,
            };
            if arg.is_empty() {
                continue;
            }
            if let Some(eq) = assignment_split(&arg) {
                let name = String::from_utf8_lossy(&arg[..eq]).into_owned();
                let value = super::awk_builtins::process_escapes(&arg[eq + 1..]);
                self.assign_var(&name, &value)?;
                continue;
            }
            self.main.used_file = true;
            if self.start_file(&arg, false)? {
                return Ok(true);
            }
        }
    }

    /// Starts reading one file of the main input (BEGINFILE runs first).
    fn start_file(&mut self, name: &[u8], implicit: bool) -> R<bool> {
        let opened: std::io::Result<Box<dyn std::io::Read>> = if name == b"-" || name == b"/dev/stdin" {
            Ok(Box::new(wsutil::io::stdin()))
        } else {
            let path = String::from_utf8_lossy(name).into_owned();
            match std::fs::metadata(&path) {
                Ok(m) if m.is_dir() => {
                    self.warning(&format!("command line argument `{}' is a directory: skipped", String::from_utf8_lossy(name)), false);
                    return Ok(false);
                }
                _ => std::fs::File::open(&path).map(|f| Box::new(f) as Box<dyn std::io::Read>),
            }
        };
        let shown: &[u8] = if implicit { b"-" } else { name };
        if implicit && self.prog.beginfile.is_empty() {
            // Standard input with no operands: FILENAME stays empty until
            // a record is read, as in gawk.
        }
        self.globals[FILENAME as usize] = Slot::Val(Value::from_str(shown));
        self.fnr = 0.0;
        self.sync_nr();
        let err = opened.as_ref().err().map(|e| wsutil::strerror(e).to_string());
        if !self.prog.beginfile.is_empty() {
            // Each file's BEGINFILE sees its own open error, or none.
            let errno = err.as_deref().unwrap_or("");
            self.globals[ERRNO as usize] = Slot::Val(Value::from_str(errno.as_bytes()));
            let saved = self.rule_kind;
            self.rule_kind = RuleKind::BeginFile;
            let mut skip = false;
            for &b in &self.prog.beginfile.clone() {
                match self.run(b)? {
                    Flow::NextFile => {
                        skip = true;
                        break;
                    }
                    Flow::Exit => {
                        self.rule_kind = saved;
                        self.main.finished = true;
                        return Ok(false);
                    }
                    _ => {}
                }
            }
            self.rule_kind = saved;
            if skip {
                if err.is_none() {
                    self.end_file()?;
                }
                return Ok(false);
            }
        }
        match opened {
            Ok(r) => {
                self.main.reader = Some(Reader::new(r));
                Ok(true)
            }
            Err(e) => Err(Fatal {
                msg: format!("cannot open file `{}' for reading: {}", String::from_utf8_lossy(name), wsutil::strerror(&e)),
                at: None,
            }),
        }
    }

    /// `name=value` from the command line or ARGV: value is a strnum.
    pub fn assign_var(&mut self, name: &str, value: &[u8]) -> R<()> {
        let g = match self.prog.globals.iter().position(|n| n == name) {
            Some(g) => g as u32,
            None => return Ok(()),
        };
        if self.prog.functions.iter().any(|f| f.name == name) {
            return fatal(format!("cannot use function `{}' as variable name", name));
        }
        self.store(Var::Global(g), Value::strnum(value))
    }

    /// Skips the rest of the current file (nextfile).
    pub fn skip_file(&mut self) -> R<()> {
        if self.main.reader.take().is_some() {
            self.end_file()?;
        }
        Ok(())
    }

    pub fn warning(&mut self, msg: &str, with_loc: bool) {
        let loc = if with_loc { Some(self.loc_of(self.pc.saturating_sub(1))) } else { None };
        eprintln!("{}", self.message("warning", msg, loc));
    }

    /// A message as gawk prints it: `awk: SRC:LINE: (FILENAME=f FNR=n)
    /// kind: msg`.
    pub fn message(&self, kind: &str, msg: &str, loc: Option<Loc>) -> String {
        let mut s = String::from("awk: ");
        if let Some(l) = loc {
            if l.line > 0 {
                let src = self.sources.get(l.src as usize).map(|s| s.name.as_str()).unwrap_or("cmd. line");
                s.push_str(&format!("{}:{}: ", src, l.line));
            }
        }
        let fnr = self.global_num(FNR);
        if fnr > 0.0 {
            let f = self.global_str(FILENAME);
            let f = if f.is_empty() { "-".to_string() } else { String::from_utf8_lossy(&f).into_owned() };
            s.push_str(&format!("(FILENAME={} FNR={}) ", f, fnr as i64));
        }
        s.push_str(kind);
        s.push_str(": ");
        s.push_str(msg);
        s
    }

    /// PROCINFO["sorted_in"]-ordered subscripts of an array.
    fn sorted_keys(&mut self, arr: &ArrRc) -> R<Vec<Value>> {
        let how = match self.procinfo_get(b"sorted_in") {
            Some(v) => {
                let s = self.to_bytes(&v);
                if s.is_empty() {
                    None
                } else {
                    Some(s)
                }
            }
            None => None,
        };
        let entries = arr.a.borrow().entries();
        match how {
            None => Ok(entries.into_iter().map(|(k, _)| k).collect()),
            Some(h) => {
                let sorted = self.sort_entries(entries, &h, false)?;
                Ok(sorted.into_iter().map(|(k, _)| k).collect())
            }
        }
    }
}

pub fn type_name(v: &Value) -> &'static [u8] {
    match v {
        Value::Uninit => b"unassigned",
        Value::Num(_) => b"number",
        Value::Str(_) => b"string",
        Value::StrNum(s) => {
            if looks_numeric(s) {
                b"strnum"
            } else {
                b"string"
            }
        }
    }
}

/// Arithmetic of an assignment operator (`/=` and `%=` name themselves
/// in the division error).
#[inline(always)]
pub fn aug_arith(op: BinOp, a: f64, b: f64) -> R<f64> {
    if b == 0.0 {
        match op {
            BinOp::Div => return fatal("division by zero attempted in `/='"),
            BinOp::Mod => return fatal("division by zero attempted in `%='"),
            _ => {}
        }
    }
    arith(op, a, b)
}

/// Arithmetic with awk's division errors.
#[inline(always)]
pub fn arith(op: BinOp, a: f64, b: f64) -> R<f64> {
    Ok(match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div => {
            if b == 0.0 {
                return fatal("division by zero attempted");
            }
            a / b
        }
        BinOp::Mod => {
            if b == 0.0 {
                return fatal("division by zero attempted in `%'");
            }
            a % b
        }
        BinOp::Pow => power(a, b),
    })
}

/// A regex that only matches itself: ASCII without any operator (the
/// `regex` machinery costs more than a substring search on short
/// records).
fn plain_text(pat: &[u8]) -> Option<Literal> {
    let special = |c: u8| b"\\^$.[]|()*+?{}".contains(&c);
    if pat.is_empty() || !pat.iter().all(|&c| c.is_ascii() && c != 0 && !special(c)) {
        return None;
    }
    Some(Literal { text: pat.to_vec(), finder: memchr::memmem::Finder::new(pat).into_owned() })
}

/// A regex constant that is plain text.
struct Literal {
    text: Vec<u8>,
    finder: memchr::memmem::Finder<'static>,
}

impl Literal {
    /// Whether `hay` contains the text: short records by the first
    /// byte and a comparison, long ones by the prebuilt searcher.
    fn is_in(&self, hay: &[u8]) -> bool {
        let n = self.text.len();
        if hay.len() >= 64 {
            return self.finder.find(hay).is_some();
        }
        if hay.len() < n {
            return false;
        }
        let last = hay.len() - n;
        let mut at = 0;
        while let Some(i) = memchr::memchr(self.text[0], &hay[at..=last]) {
            let s = at + i;
            if hay[s..s + n] == self.text[..] {
                return true;
            }
            at = s + 1;
            if at > last {
                break;
            }
        }
        false
    }
}

fn trunc_i(x: f64) -> i64 {
    if x.is_nan() {
        0
    } else {
        x as i64
    }
}

fn cmp_result(op: CmpOp, ord: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::*;
    match ord {
        None => op == CmpOp::Ne,
        Some(o) => match op {
            CmpOp::Lt => o == Less,
            CmpOp::Le => o != Greater,
            CmpOp::Gt => o == Greater,
            CmpOp::Ge => o != Less,
            CmpOp::Eq => o == Equal,
            CmpOp::Ne => o != Equal,
        },
    }
}

/// Where `=` splits an operand like `name=value` with a valid name.
pub fn assignment_split(arg: &[u8]) -> Option<usize> {
    let eq = arg.iter().position(|&c| c == b'=')?;
    let name = &arg[..eq];
    if name.is_empty() || !(name[0] == b'_' || name[0].is_ascii_alphabetic()) {
        return None;
    }
    if !name.iter().all(|&c| c == b'_' || c.is_ascii_alphanumeric()) {
        return None;
    }
    Some(eq)
}

/// Conversions for printf with the VM's CONVFMT.
struct VmConv<'a, 'p>(&'a Vm<'p>);

impl<'a, 'p> awk_printf::Conv for VmConv<'a, 'p> {
    fn text(&self, v: &Value) -> Vec<u8> {
        self.0.to_bytes(v).to_vec()
    }
}

/// Conversions without a VM (formatting a number through CONVFMT).
struct PlainConv;

impl awk_printf::Conv for PlainConv {
    fn text(&self, v: &Value) -> Vec<u8> {
        match v {
            Value::Str(s) | Value::StrNum(s) => s.to_vec(),
            Value::Uninit => Vec::new(),
            Value::Num(n) => num_to_str(*n, &|x| format!("{}", x).into_bytes()),
        }
    }
}

pub fn vm_conv<'a, 'p>(vm: &'a Vm<'p>) -> impl awk_printf::Conv + 'a
where
    'p: 'a,
{
    VmConv(vm)
}
