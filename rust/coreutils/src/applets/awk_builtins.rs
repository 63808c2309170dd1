//! awk's built-in functions: strings (length, substr, index, split,
//! sub/gsub/gensub, match, sprintf, case), arithmetic, bit operations,
//! time, I/O (system, close, fflush), sorting (asort, asorti and
//! PROCINFO["sorted_in"]), and gawk's random number generator.
//!
//! String positions count characters (UTF-8), as gawk does in C.UTF-8;
//! an invalid byte counts as one character.

pub const APPLETS: &[wsutil::Applet] = &[];

use super::awk_array::Key;
use super::awk_compile::*;
use super::awk_fields::{self, Splitter};
use super::awk_lex::utf8_len;
use super::awk_printf;
use super::awk_value::*;
use super::awk_vm::*;
use std::cmp::Ordering;
use std::rc::Rc;
use wsutil::regex::ExecFlags;

/// Turns C escapes in a command-line value (`-v x='a\tb'`) into bytes.
pub fn process_escapes(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'\\' && i + 1 < s.len() {
            let (b, used, _) = super::awk_lex::escape(&s[i + 1..], false);
            out.extend_from_slice(&b);
            i += 1 + used;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out
}

/// gawk's random(): the BSD additive feedback generator with 256 bytes
/// of state (degree 63), seeded by a Park-Miller sequence.
pub struct Random {
    state: Vec<i32>,
    f: usize,
    r: usize,
    pub seed: f64,
    started: bool,
}

const DEG: usize = 63;
const SEP: usize = 1;

impl Random {
    pub fn new() -> Self {
        Random { state: vec![0; DEG], f: SEP, r: 0, seed: 1.0, started: false }
    }

    fn good_rand(x: i32) -> i32 {
        let hi = x / 127773;
        let lo = x % 127773;
        let mut x = 16807i32.wrapping_mul(lo).wrapping_sub(2836i32.wrapping_mul(hi));
        if x <= 0 {
            x = x.wrapping_add(0x7fffffff);
        }
        x
    }

    pub fn srandom(&mut self, seed: u32) {
        self.state[0] = seed as i32;
        for i in 1..DEG {
            self.state[i] = Random::good_rand(self.state[i - 1]);
        }
        self.f = SEP;
        self.r = 0;
        for _ in 0..10 * DEG {
            self.random();
        }
        self.started = true;
    }

    fn random(&mut self) -> i32 {
        self.state[self.f] = self.state[self.f].wrapping_add(self.state[self.r]);
        let i = (self.state[self.f] >> 1) & 0x7fffffff;
        self.f += 1;
        if self.f >= DEG {
            self.f = 0;
            self.r += 1;
        } else {
            self.r += 1;
            if self.r >= DEG {
                self.r = 0;
            }
        }
        i
    }

    /// A number in [0, 1).
    pub fn next(&mut self) -> f64 {
        if !self.started {
            self.srandom(1);
        }
        loop {
            let d1 = self.random() as f64;
            let d2 = self.random() as f64;
            let div = 2147483648.0;
            let t = 0.5 + ((d1 / div + d2) / div) - 0.5;
            if t != 1.0 {
                return t;
            }
        }
    }
}

impl Default for Random {
    fn default() -> Self {
        Random::new()
    }
}

fn num(v: &Value) -> f64 {
    v.to_num()
}

fn trunc(d: f64) -> f64 {
    if d >= 0.0 {
        d.floor()
    } else {
        d.ceil()
    }
}

/// A double as C's (uintmax_t) conversion gives it for non-negative
/// values (bit operations).
fn to_u64(d: f64) -> u64 {
    if d >= 18446744073709551615.0 {
        u64::MAX
    } else {
        d as u64
    }
}

impl<'p> Vm<'p> {
    /// Warns once that text is not valid UTF-8, as gawk does.
    fn check_utf8(&mut self, s: &[u8]) {
        if !s.is_ascii() && std::str::from_utf8(s).is_err() && self.warned.insert("mb".into()) {
            self.warning("Invalid multibyte data detected. There may be a mismatch between your data and your locale", true);
        }
    }

    pub fn builtin(&mut self, b: Bi, args: Vec<Value>) -> R<Value> {
        Ok(match b {
            Bi::Length => {
                let s = self.to_bytes(&args[0]);
                self.check_utf8(&s);
                Value::Num(char_count(&s) as f64)
            }
            Bi::Substr => self.substr(&args)?,
            Bi::Index => {
                let s = self.to_bytes(&args[0]);
                let t = self.to_bytes(&args[1]);
                self.check_utf8(&s);
                Value::Num(self.index(&s, &t) as f64)
            }
            Bi::Sprintf => {
                let fmt = self.to_bytes(&args[0]);
                match awk_printf::format(&fmt, &args[1..], &vm_conv(self)) {
                    Ok(s) => Value::Str(Rc::new(s)),
                    Err(e) => return fatal(e),
                }
            }
            Bi::Sin => Value::Num(num(&args[0]).sin()),
            Bi::Cos => Value::Num(num(&args[0]).cos()),
            Bi::Atan2 => Value::Num(num(&args[0]).atan2(num(&args[1]))),
            Bi::Exp => {
                let x = num(&args[0]);
                let r = x.exp();
                if (r.is_infinite() && x.is_finite()) || (r == 0.0 && x.is_finite() && x < -745.2) {
                    self.warning(&format!("exp: argument {} is out of range", gfmt(x)), true);
                }
                Value::Num(r)
            }
            Bi::Log => {
                let x = num(&args[0]);
                if x < 0.0 {
                    self.warning(&format!("log: received negative argument {}", gfmt(x)), true);
                }
                Value::Num(x.ln())
            }
            Bi::Sqrt => {
                let x = num(&args[0]);
                if x < 0.0 {
                    self.warning(&format!("sqrt: received negative argument {}", gfmt(x)), true);
                }
                Value::Num(x.sqrt())
            }
            Bi::Int => Value::Num(trunc(num(&args[0]))),
            Bi::Rand => Value::Num(self.rand.next()),
            Bi::Srand => {
                let prev = self.rand.seed;
                let seed = match args.first() {
                    Some(v) => num(v),
                    None => wsutil::datetime::Timespec::now().sec as f64,
                };
                let s = trunc(seed);
                self.rand.seed = s;
                self.rand.srandom((s as i64) as u32);
                Value::Num(prev)
            }
            Bi::Tolower | Bi::Toupper => {
                let s = self.to_bytes(&args[0]);
                self.check_utf8(&s);
                let valid = replace_invalid(&s);
                Value::Str(Rc::new(if b == Bi::Tolower { lower_bytes(&valid) } else { upper_bytes(&valid) }))
            }
            Bi::System => {
                self.flush_all();
                let cmd = self.to_bytes(&args[0]);
                if cmd.is_empty() {
                    return Ok(Value::Num(0.0));
                }
                let env = self.child_env();
                let status = match super::awk_io::spawn_sh(&cmd, &[], env.as_deref()) {
                    Ok(pid) => super::awk_io::wait_child(pid),
                    Err(_) => 127,
                };
                Value::Num(status as f64)
            }
            Bi::Close => {
                let name = self.to_bytes(&args[0]);
                Value::Num(self.close_named(&name) as f64)
            }
            Bi::Fflush => {
                match args.first() {
                    None => self.flush_all(),
                    Some(v) => {
                        let name = self.to_bytes(v);
                        if name.is_empty() {
                            self.flush_all();
                        } else if name.as_slice() == b"/dev/stdout" {
                            let _ = std::io::Write::flush(&mut self.out);
                        } else if name.as_slice() == b"/dev/stderr" {
                        } else {
                            let mut found = false;
                            for (n, s) in self.sinks.iter_mut() {
                                if n.as_slice() == name.as_slice() {
                                    let _ = s.flush(&mut self.out);
                                    found = true;
                                }
                            }
                            if !found {
                                self.warning(
                                    &format!("fflush: `{}' is not an open file, pipe or co-process", String::from_utf8_lossy(&name)),
                                    true,
                                );
                                return Ok(Value::Num(-1.0));
                            }
                        }
                    }
                }
                Value::Num(0.0)
            }
            Bi::Strftime => self.strftime(&args)?,
            Bi::Systime => Value::Num(wsutil::datetime::Timespec::now().sec as f64),
            Bi::Mktime => self.mktime(&args),
            Bi::And | Bi::Or | Bi::Xor => {
                let name = match b {
                    Bi::And => "and",
                    Bi::Or => "or",
                    _ => "xor",
                };
                let mut acc: u64 = if b == Bi::And { u64::MAX } else { 0 };
                let n = args.len();
                for (i, a) in args.iter().enumerate().rev() {
                    let v = num(a);
                    if v < 0.0 {
                        let _ = i;
                        return fatal(format!("{}: argument {} negative value {} is not allowed", name, n - (n - 1 - i), gfmt(v)));
                    }
                    let u = to_u64(v);
                    acc = match b {
                        Bi::And => acc & u,
                        Bi::Or => acc | u,
                        _ => acc ^ u,
                    };
                }
                Value::Num(adjust_uint(acc) as f64)
            }
            Bi::Lshift | Bi::Rshift => {
                let v = num(&args[0]);
                let s = num(&args[1]);
                let name = if b == Bi::Lshift { "lshift" } else { "rshift" };
                if v < 0.0 || s < 0.0 {
                    return fatal(format!("{}({}, {}): negative values are not allowed", name, ffmt(v), ffmt(s)));
                }
                let r = if s >= 64.0 {
                    0
                } else if b == Bi::Lshift {
                    to_u64(v) << (s as u32)
                } else {
                    to_u64(v) >> (s as u32)
                };
                Value::Num(adjust_uint(r) as f64)
            }
            Bi::Compl => {
                let v = num(&args[0]);
                if v < 0.0 {
                    return fatal(format!("compl({}): negative value is not allowed", ffmt(v)));
                }
                Value::Num(adjust_uint(!to_u64(v)) as f64)
            }
            Bi::Strtonum => Value::Num(strtonum(&args[0], self)),
            Bi::Mkbool => Value::Num(if args[0].truth() { 1.0 } else { 0.0 }),
            Bi::Typeof => Value::from_str(type_name(&args[0])),
            Bi::TypeofField => {
                let i = num(&args[0]);
                if i >= 1.0 && i as usize > self.field_count()? {
                    Value::from_str(b"unassigned")
                } else {
                    let v = self.get_field(i)?;
                    Value::from_str(type_name(&v))
                }
            }
            Bi::Dcgettext => {
                let s = self.to_bytes(&args[0]);
                Value::Str(s)
            }
            Bi::Dcngettext => {
                let n = num(&args[2]);
                let s = if n == 1.0 { self.to_bytes(&args[0]) } else { self.to_bytes(&args[1]) };
                Value::Str(s)
            }
            Bi::Bindtextdomain => {
                let s = self.to_bytes(&args[0]);
                Value::Str(s)
            }
        })
    }

    /// A built-in called through `@name()`: those taking only values.
    pub fn builtin_indirect(&mut self, name: &str, args: Vec<Value>) -> R<Value> {
        let b = match name {
            "length" => Bi::Length,
            "substr" => Bi::Substr,
            "index" => Bi::Index,
            "sprintf" => Bi::Sprintf,
            "sin" => Bi::Sin,
            "cos" => Bi::Cos,
            "atan2" => Bi::Atan2,
            "exp" => Bi::Exp,
            "log" => Bi::Log,
            "sqrt" => Bi::Sqrt,
            "int" => Bi::Int,
            "rand" => Bi::Rand,
            "srand" => Bi::Srand,
            "tolower" => Bi::Tolower,
            "toupper" => Bi::Toupper,
            "system" => Bi::System,
            "close" => Bi::Close,
            "fflush" => Bi::Fflush,
            "strftime" => Bi::Strftime,
            "systime" => Bi::Systime,
            "mktime" => Bi::Mktime,
            "and" => Bi::And,
            "or" => Bi::Or,
            "xor" => Bi::Xor,
            "lshift" => Bi::Lshift,
            "rshift" => Bi::Rshift,
            "compl" => Bi::Compl,
            "strtonum" => Bi::Strtonum,
            _ => return fatal(format!("indirect call to `{}' is not supported", name)),
        };
        let (min, max) = super::awk_parse::builtin_arity(name);
        if args.len() < min || args.len() > max {
            return fatal(format!("{}: called with {} arguments", name, args.len()));
        }
        if b == Bi::Length && args.is_empty() {
            let r = self.get_field(0.0)?;
            return self.builtin(b, vec![r]);
        }
        self.builtin(b, args)
    }

    fn substr(&mut self, args: &[Value]) -> R<Value> {
        let s = self.to_bytes(&args[0]);
        self.check_utf8(&s);
        let mut d_index = num(&args[1]);
        let mut length = usize::MAX;
        if let Some(l) = args.get(2) {
            let d = num(l);
            if !(d >= 1.0) {
                return Ok(Value::from_str(b""));
            }
            length = if d < usize::MAX as f64 { d as usize } else { usize::MAX };
        }
        if !(d_index >= 1.0) {
            d_index = 1.0;
        }
        let indx = if d_index < 1e18 { (d_index - 1.0) as usize } else { usize::MAX };
        let total = char_count(&s);
        if s.is_empty() || indx >= total {
            return Ok(Value::from_str(b""));
        }
        let length = length.min(total - indx);
        let a = char_offset(&s, indx);
        let b = a + char_offset(&s[a..], length);
        Ok(Value::Str(Rc::new(s[a..b].to_vec())))
    }

    /// index(s, t) in characters (1-based), 0 when absent.
    fn index(&self, s: &[u8], t: &[u8]) -> usize {
        if t.is_empty() {
            return 1;
        }
        let pos = if self.icase {
            let ls = lower_bytes(s);
            let lt = lower_bytes(t);
            memchr::memmem::find(&ls, &lt).map(|p| (p, ls))
        } else {
            memchr::memmem::find(s, t).map(|p| (p, s.to_vec()))
        };
        match pos {
            Some((p, hay)) => char_count(&hay[..p]) + 1,
            None => 0,
        }
    }

    pub fn op_split(&mut self, arr: Var, sep: Option<ReArg>, seps: Option<Var>, pat: bool) -> R<()> {
        let fname = if pat { "patsplit" } else { "split" };
        let how: Option<Rc<Splitter>> = None;
        let _ = how;
        enum How {
            Fs(Rc<Splitter>),
            Fpat(Rc<wsutil::regex::Regex>),
        }
        let how = match sep {
            None => {
                if pat {
                    let p = self.global_str(FPAT);
                    How::Fpat(self.compile_re(&p, self.icase)?)
                } else {
                    match self.field_mode.clone() {
                        FieldMode::Fs(s) if !matches!(self.rs, super::awk_io::RsMode::Paragraph) => How::Fs(s),
                        _ => {
                            let fs = self.global_str(FS);
                            How::Fs(self.splitter(&fs, false)?)
                        }
                    }
                }
            }
            Some(ReArg::Const(i)) => {
                let re = self.const_regex(i)?;
                if pat {
                    How::Fpat(re)
                } else {
                    How::Fs(Rc::new(Splitter::Regex(re, false)))
                }
            }
            Some(ReArg::Dyn) => {
                let v = self.pop();
                let s = self.to_bytes(&v);
                if pat {
                    if s.is_empty() {
                        return fatal("patsplit: third argument must be non-null");
                    }
                    How::Fpat(self.dyn_regex(&s)?)
                } else if s.len() == 1 && s[0] != b' ' {
                    How::Fs(Rc::new(Splitter::Char(s[0])))
                } else {
                    How::Fs(self.splitter(&s, false)?)
                }
            }
        };
        let src = self.pop();
        let text = self.to_bytes(&src);
        let a = self.array(arr)?;
        let sa = match seps {
            Some(v) => {
                let sa = self.array(v)?;
                if Rc::ptr_eq(&sa, &a) {
                    return fatal(format!("{}: cannot use the same array for second and fourth args", fname));
                }
                sa.a.borrow_mut().clear();
                Some(sa)
            }
            None => None,
        };
        a.a.borrow_mut().clear();
        let mut spans = Vec::new();
        let mut sep_spans = Vec::new();
        let want_seps = sa.is_some();
        match &how {
            How::Fs(sp) => awk_fields::split(&text, sp, &mut spans, if want_seps { Some(&mut sep_spans) } else { None }),
            How::Fpat(re) => {
                awk_fields::fpat_split(&text, re, &mut spans, if want_seps { Some(&mut sep_spans) } else { None })
            }
        }
        {
            let mut arr = a.a.borrow_mut();
            for (i, &(s, e)) in spans.iter().enumerate() {
                arr.set(&Key::from_int(i as i64 + 1), Value::strnum(&text[s..e]));
            }
        }
        if let Some(sa) = sa {
            let mut arr = sa.a.borrow_mut();
            for (i, (s, e)) in sep_spans {
                arr.set(&Key::from_int(i as i64), Value::strnum(&text[s..e]));
            }
        }
        self.push(Value::Num(spans.len() as f64));
        Ok(())
    }

    /// sub and gsub: the target is an lvalue (operands below the regex
    /// and replacement on the stack) or a plain value.
    pub fn op_sub(&mut self, global: bool, re: ReArg, target: Option<Lv>) -> R<()> {
        let repl = self.pop();
        let re = self.re_arg(re)?;
        let repl = self.to_bytes(&repl);
        let (cur, key) = match target {
            Some(Lv::Var(v)) => (self.load(v)?, None),
            Some(Lv::Field) => {
                let i = self.pop();
                (self.get_field(i.to_num())?, Some(i))
            }
            Some(Lv::Elem(a)) => {
                let k = self.pop();
                let kk = self.key(&k);
                let arr = self.array(a)?;
                let v = arr.a.borrow_mut().lookup(&kk).clone();
                (v, Some(k))
            }
            None => (self.pop(), None),
        };
        let text = self.to_bytes(&cur);
        let (out, n) = substitute(&re, &text, &repl, if global { usize::MAX } else { 1 }, false);
        if n > 0 {
            if let Some(lv) = target {
                let v = Value::Str(Rc::new(out));
                match lv {
                    Lv::Var(var) => self.store(var, v)?,
                    Lv::Field => self.set_field(key.map_or(0.0, |k| k.to_num()), v)?,
                    Lv::Elem(a) => {
                        let kk = self.key(&key.unwrap_or(Value::Uninit));
                        let arr = self.array(a)?;
                        arr.a.borrow_mut().set(&kk, v);
                    }
                }
            }
        }
        self.push(Value::Num(n as f64));
        Ok(())
    }

    pub fn op_gensub(&mut self, re: ReArg, has_target: bool) -> R<()> {
        let target = if has_target { self.pop() } else { self.get_field(0.0)? };
        let how = self.pop();
        let repl = self.pop();
        let re = self.re_arg(re)?;
        let repl = self.to_bytes(&repl);
        let text = self.to_bytes(&target);
        let count = match &how {
            Value::Str(s) | Value::StrNum(s) if !s.is_empty() && (s[0] == b'g' || s[0] == b'G') => usize::MAX,
            _ => {
                let d = how.to_num();
                if d <= 0.0 {
                    let hs = self.to_bytes(&how);
                    self.warning(&format!("gensub: third argument `{}' treated as 1", String::from_utf8_lossy(&hs)), true);
                }
                if d < 1.0 {
                    1
                } else {
                    d as usize
                }
            }
        };
        let (out, n) = if count == usize::MAX {
            substitute(&re, &text, &repl, usize::MAX, true)
        } else {
            substitute_nth(&re, &text, &repl, count)
        };
        if n > 0 {
            self.push(Value::Str(Rc::new(out)));
        } else {
            self.push(match target {
                Value::Num(_) | Value::Uninit => Value::Str(text),
                v => v,
            });
        }
        Ok(())
    }

    pub fn op_match(&mut self, re: ReArg, arr: Option<Var>) -> R<()> {
        let re = self.re_arg(re)?;
        let s = self.pop();
        let text = self.to_bytes(&s);
        let a = match arr {
            Some(v) => {
                let a = self.array(v)?;
                a.a.borrow_mut().clear();
                Some(a)
            }
            None => None,
        };
        let caps = re.captures_at(&text, 0, ExecFlags::default());
        let (rstart, rlength) = match &caps {
            Some(c) => {
                let (s, e) = c.get(0).unwrap_or((0, 0));
                let cs = char_count(&text[..s]);
                let cl = char_count(&text[s..e]);
                if let Some(a) = &a {
                    let mut arr = a.a.borrow_mut();
                    for g in 0..c.len() {
                        if let Some((gs, ge)) = c.get(g) {
                            arr.set(&Key::from_int(g as i64), Value::strnum(&text[gs..ge]));
                            let mut k = format!("{}", g).into_bytes();
                            k.extend_from_slice(&self.subsep);
                            let mut ks = k.clone();
                            ks.extend_from_slice(b"start");
                            arr.set(&Key::from_text(Rc::new(ks), false), Value::Num((char_count(&text[..gs]) + 1) as f64));
                            k.extend_from_slice(b"length");
                            arr.set(&Key::from_text(Rc::new(k), false), Value::Num(char_count(&text[gs..ge]) as f64));
                        }
                    }
                }
                ((cs + 1) as f64, cl as f64)
            }
            None => (0.0, -1.0),
        };
        self.set_global(RSTART, Value::Num(rstart))?;
        self.set_global(RLENGTH, Value::Num(rlength))?;
        self.push(Value::Num(rstart));
        Ok(())
    }

    pub fn op_asort(&mut self, src: Var, dest: Option<Var>, has_how: bool, by_index: bool) -> R<()> {
        let name = if by_index { "asorti" } else { "asort" };
        let how = if has_how {
            let v = self.pop();
            self.to_bytes(&v).to_vec()
        } else {
            Vec::new()
        };
        let how = if how.is_empty() {
            if by_index {
                b"@ind_str_asc".to_vec()
            } else {
                b"@val_type_asc".to_vec()
            }
        } else {
            how
        };
        let sa = self.array(src)?;
        let da = match dest {
            Some(d) => Some(self.array(d)?),
            None => None,
        };
        let _ = name;
        let entries = sa.a.borrow().entries();
        let n = entries.len();
        let sorted = self.sort_entries(entries, &how, true)?;
        let target = da.unwrap_or_else(|| sa.clone());
        let mut out = super::awk_array::Array::new();
        for (i, (k, v)) in sorted.into_iter().enumerate() {
            out.set(&Key::from_int(i as i64 + 1), if by_index { k } else { v });
        }
        *target.a.borrow_mut() = out;
        self.push(Value::Num(n as f64));
        Ok(())
    }

    /// Orders (index, value) pairs by a PROCINFO["sorted_in"]-style
    /// specification or a user comparison function.
    pub fn sort_entries(&mut self, mut entries: Vec<(Value, Value)>, how: &[u8], _asort: bool) -> R<Vec<(Value, Value)>> {
        let icase = self.icase;
        let kind: Option<(u8, bool)> = match how {
            b"@unsorted" => return Ok(entries),
            b"@ind_str_asc" => Some((0, false)),
            b"@ind_str_desc" => Some((0, true)),
            b"@ind_num_asc" => Some((1, false)),
            b"@ind_num_desc" => Some((1, true)),
            b"@val_str_asc" => Some((2, false)),
            b"@val_str_desc" => Some((2, true)),
            b"@val_num_asc" => Some((3, false)),
            b"@val_num_desc" => Some((3, true)),
            b"@val_type_asc" => Some((4, false)),
            b"@val_type_desc" => Some((4, true)),
            _ => None,
        };
        // Text of indices and values once, for the comparisons. Integer
        // indices (of cint and int arrays) have no text in gawk's lists
        // for value sorts: their ties keep the list's order.
        let texts: Vec<(Bytes, Bytes)> = entries.iter().map(|(k, v)| (self.to_bytes(k), self.to_bytes(v))).collect();
        let tie: Vec<Bytes> = entries
            .iter()
            .zip(&texts)
            .map(|((k, _), (t, _))| if let Value::Num(_) = k { Rc::new(Vec::new()) } else { t.clone() })
            .collect();
        let mut order: Vec<usize> = (0..entries.len()).collect();
        match kind {
            Some((k, desc)) => {
                let cmp = |a: usize, b: usize| -> Ordering {
                    let (ka, va) = (&entries[a].0, &entries[a].1);
                    let (kb, vb) = (&entries[b].0, &entries[b].1);
                    let ind_text = || cmp_strs(&texts[a].0, &texts[b].0, icase);
                    let ind_str = || cmp_strs(&tie[a], &tie[b], icase);
                    let r = match k {
                        0 => ind_text(),
                        1 => cmp_nums(ka.to_num(), kb.to_num()).then_with(ind_text),
                        2 => {
                            if is_elem_new(va) || is_elem_new(vb) {
                                val_type(va, vb, &texts[a].1, &texts[b].1, icase).then_with(ind_str)
                            } else {
                                cmp_strs(&texts[a].1, &texts[b].1, icase).then_with(ind_str)
                            }
                        }
                        3 => {
                            if is_elem_new(va) || is_elem_new(vb) {
                                val_type(va, vb, &texts[a].1, &texts[b].1, icase).then_with(ind_str)
                            } else {
                                cmp_nums(va.to_num(), vb.to_num())
                                    .then_with(|| cmp_strs(&texts[a].1, &texts[b].1, icase))
                                    .then_with(ind_str)
                            }
                        }
                        _ => val_type(va, vb, &texts[a].1, &texts[b].1, icase).then_with(ind_str),
                    };
                    if desc {
                        r.reverse()
                    } else {
                        r
                    }
                };
                let mut c = |a: usize, b: usize| -> R<Ordering> { Ok(cmp(a, b)) };
                msort(&mut order, &mut c)?;
            }
            None => {
                let name = String::from_utf8_lossy(how).into_owned();
                if name.is_empty() || name.bytes().any(|c| c.is_ascii_whitespace()) {
                    return fatal(format!("`{}' is invalid as a function name", name));
                }
                let f = match self.prog.functions.iter().position(|f| f.name == name) {
                    Some(f) => f as u32,
                    None => return fatal(format!("sort comparison function `{}' is not defined", name)),
                };
                let ents = entries.clone();
                let mut c = |a: usize, b: usize| -> R<Ordering> {
                    let args = vec![ents[a].0.clone(), ents[a].1.clone(), ents[b].0.clone(), ents[b].1.clone()];
                    let r = self.call_function(f, args)?.to_num();
                    Ok(if r < 0.0 {
                        Ordering::Less
                    } else if r > 0.0 {
                        Ordering::Greater
                    } else {
                        Ordering::Equal
                    })
                };
                msort(&mut order, &mut c)?;
            }
        }
        let mut slots: Vec<Option<(Value, Value)>> = entries.drain(..).map(Some).collect();
        Ok(order.into_iter().filter_map(|i| slots[i].take()).collect())
    }

    fn strftime(&mut self, args: &[Value]) -> R<Value> {
        use wsutil::datetime::{gmtime, localtime, Timespec, Zone};
        let mut fmt: Vec<u8> = match self.procinfo_get(b"strftime") {
            Some(v) => self.to_bytes(&v).to_vec(),
            None => b"%a %b %e %H:%M:%S %Z %Y".to_vec(),
        };
        let mut t = Timespec::now().sec;
        let mut utc = false;
        if let Some(f) = args.first() {
            fmt = self.to_bytes(f).to_vec();
            if fmt.is_empty() {
                return Ok(Value::from_str(b""));
            }
        }
        if let Some(v) = args.get(1) {
            let d = num(v);
            if !(d >= -9.2e18 && d <= 9.2e18) {
                return Ok(Value::from_str(b""));
            }
            t = d as i64;
        }
        if let Some(v) = args.get(2) {
            utc = v.truth();
        }
        let ts = Timespec::new(t, 0);
        let tm = if utc { gmtime(ts) } else { localtime(ts, &Zone::from_env()) };
        let s = wsutil::datetime::strftime(&String::from_utf8_lossy(&fmt), &tm);
        Ok(Value::Str(Rc::new(s.into_bytes())))
    }

    fn mktime(&mut self, args: &[Value]) -> Value {
        use wsutil::datetime::{days_from_civil, Zone};
        let s = self.to_bytes(&args[0]);
        let utc = args.get(1).map_or(false, |v| v.truth());
        let text = String::from_utf8_lossy(&s);
        let mut nums: Vec<i64> = Vec::new();
        for w in text.split_ascii_whitespace() {
            // sscanf's %d: an optional sign and digits; stops at the rest.
            let b = w.as_bytes();
            let mut i = 0;
            if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
                i += 1;
            }
            let st = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == st {
                break;
            }
            match w[..i].parse::<i64>() {
                Ok(v) => nums.push(v),
                Err(_) => break,
            }
            if i < b.len() || nums.len() == 7 {
                break;
            }
        }
        if nums.len() < 6 {
            return Value::Num(-1.0);
        }
        let (y, mo, d, h, mi, sec) = (nums[0], nums[1], nums[2], nums[3], nums[4], nums[5]);
        let y = y + (mo - 1).div_euclid(12);
        let mo = (mo - 1).rem_euclid(12) + 1;
        let days = days_from_civil(y, mo as u32, d);
        let local = days * 86400 + h * 3600 + mi * 60 + sec;
        if utc {
            return Value::Num(local as f64);
        }
        Value::Num(Zone::from_env().local_to_utc(local) as f64)
    }
}

/// Whether a value stands for an element never assigned.
fn is_elem_new(v: &Value) -> bool {
    matches!(v, Value::Uninit)
}

/// `@val_type_asc`: unassigned first, then numbers (by value), then
/// strings.
fn val_type(a: &Value, b: &Value, ta: &[u8], tb: &[u8], icase: bool) -> Ordering {
    let rank = |v: &Value| -> u8 {
        match v {
            Value::Uninit => 0,
            _ if v.is_numeric() => 1,
            _ => 2,
        }
    };
    let (ra, rb) = (rank(a), rank(b));
    if ra != rb {
        return ra.cmp(&rb);
    }
    match ra {
        0 => Ordering::Equal,
        1 => cmp_nums(a.to_num(), b.to_num()),
        _ => cmp_strs(ta, tb, icase),
    }
}

/// gawk's cmp_strings: case-insensitive first under IGNORECASE, then
/// byte order.
fn cmp_strs(a: &[u8], b: &[u8], icase: bool) -> Ordering {
    if icase {
        let r = cmp_bytes(a, b, true);
        if r != Ordering::Equal {
            return r;
        }
    }
    a.cmp(b)
}

/// A stable top-down merge sort (glibc's qsort is one) whose comparison
/// may fail.
fn msort(v: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> R<Ordering>) -> R<()> {
    let n = v.len();
    if n <= 1 {
        return Ok(());
    }
    let n1 = n / 2;
    msort(&mut v[..n1], cmp)?;
    msort(&mut v[n1..], cmp)?;
    let mut tmp = Vec::with_capacity(n);
    let (mut i, mut j) = (0, n1);
    while i < n1 && j < n {
        if cmp(v[i], v[j])? != Ordering::Greater {
            tmp.push(v[i]);
            i += 1;
        } else {
            tmp.push(v[j]);
            j += 1;
        }
    }
    tmp.extend_from_slice(&v[i..n1]);
    tmp.extend_from_slice(&v[j..n]);
    v.copy_from_slice(&tmp);
    Ok(())
}

/// Invalid UTF-8 bytes become U+FFFD (what gawk's case mapping gives).
fn replace_invalid(s: &[u8]) -> Vec<u8> {
    if s.is_ascii() || std::str::from_utf8(s).is_ok() {
        return s.to_vec();
    }
    let mut out = Vec::with_capacity(s.len() + 8);
    let mut i = 0;
    while i < s.len() {
        let l = utf8_len(&s[i..]);
        if l == 1 && s[i] >= 0x80 {
            out.extend_from_slice("\u{fffd}".as_bytes());
        } else {
            out.extend_from_slice(&s[i..i + l]);
        }
        i += l;
    }
    out
}

/// `%g` of a number, for messages.
fn gfmt(x: f64) -> String {
    let spec = wsutil::cfmt::FloatSpec { precision: Some(6), conv: 'g', ..Default::default() };
    wsutil::cfmt::format_float(&spec, x)
}

/// `%f` of a number, for messages.
fn ffmt(x: f64) -> String {
    let spec = wsutil::cfmt::FloatSpec { precision: Some(6), conv: 'f', ..Default::default() };
    wsutil::cfmt::format_float(&spec, x)
}

/// strtonum: 0x hex and 0 octal prefixes, else decimal.
fn strtonum(v: &Value, vm: &Vm) -> f64 {
    if let Value::Num(n) = v {
        return *n;
    }
    if v.is_numeric() {
        return v.to_num();
    }
    // Only a bare leading 0x or 0 (no blanks, no sign) selects hex or
    // octal; anything else is read as a decimal number.
    let s = vm.to_bytes(v);
    let t = &s[..];
    let r = if t.len() >= 2 && t[0] == b'0' && (t[1] == b'x' || t[1] == b'X') {
        let mut r = 0f64;
        for &c in &t[2..] {
            match (c as char).to_digit(16) {
                Some(d) => r = r * 16.0 + d as f64,
                None => break,
            }
        }
        r
    } else if t.len() >= 1 && t[0] == b'0' && t.iter().take_while(|c| c.is_ascii_digit()).all(|c| *c < b'8') {
        let mut r = 0f64;
        for &c in t {
            if !(b'0'..=b'7').contains(&c) {
                break;
            }
            r = r * 8.0 + (c - b'0') as f64;
        }
        r
    } else {
        return str_to_num(&s);
    };
    r
}

/// sub/gsub (and gensub with "g"): replaces up to `max` matches; `&` is
/// the match; backslashes follow gawk's rules (gensub: `\N` groups).
pub fn substitute(re: &wsutil::regex::Regex, text: &[u8], repl: &[u8], max: usize, gensub: bool) -> (Vec<u8>, usize) {
    let mut out = Vec::with_capacity(text.len());
    let mut n = 0;
    let mut pos = 0;
    let mut last_nonempty = false;
    let mut flags = ExecFlags::default();
    loop {
        if pos > text.len() {
            break;
        }
        let caps = if gensub { re.captures_at(text, pos, flags) } else { None };
        let m = if gensub { caps.as_ref().and_then(|c| c.get(0)) } else { re.find_at(text, pos, flags) };
        let (s, e) = match m {
            Some(m) => m,
            None => break,
        };
        flags.not_bol = false;
        out.extend_from_slice(&text[pos..s]);
        if s == e && last_nonempty && s == pos {
            // An empty match right after a replaced one is skipped.
            last_nonempty = false;
        } else {
            n += 1;
            expand_repl(&mut out, repl, text, s, e, caps.as_ref(), gensub);
            last_nonempty = s != e;
        }
        pos = e;
        if s == e {
            if e < text.len() {
                let l = utf8_len(&text[e..]);
                out.extend_from_slice(&text[e..e + l]);
                pos = e + l;
            } else {
                break;
            }
        }
        if n >= max {
            break;
        }
    }
    if pos < text.len() {
        out.extend_from_slice(&text[pos..]);
    }
    (out, n)
}

/// gensub with a count: only the `nth` match is replaced (every match
/// counts, empty ones too, as in gawk).
fn substitute_nth(re: &wsutil::regex::Regex, text: &[u8], repl: &[u8], nth: usize) -> (Vec<u8>, usize) {
    let mut pos = 0;
    let mut current = 0;
    loop {
        let caps = match re.captures_at(text, pos, ExecFlags::default()) {
            Some(c) => c,
            None => return (text.to_vec(), 0),
        };
        let (s, e) = caps.get(0).unwrap_or((0, 0));
        current += 1;
        if current == nth {
            let mut out = text[..s].to_vec();
            expand_repl(&mut out, repl, text, s, e, Some(&caps), true);
            out.extend_from_slice(&text[e..]);
            return (out, 1);
        }
        pos = e;
        if s == e {
            if e < text.len() {
                pos = e + utf8_len(&text[e..]);
            } else {
                return (text.to_vec(), 0);
            }
        }
    }
}

/// Writes the replacement for a match at [s, e).
fn expand_repl(
    out: &mut Vec<u8>,
    repl: &[u8],
    text: &[u8],
    s: usize,
    e: usize,
    caps: Option<&wsutil::regex::Captures>,
    gensub: bool,
) {
    let mut i = 0;
    while i < repl.len() {
        let c = repl[i];
        if c == b'&' {
            out.extend_from_slice(&text[s..e]);
            i += 1;
        } else if c == b'\\' {
            if gensub {
                match repl.get(i + 1) {
                    Some(d) if d.is_ascii_digit() => {
                        let g = (d - b'0') as usize;
                        if let Some((gs, ge)) = caps.and_then(|c| c.get(g)) {
                            out.extend_from_slice(&text[gs..ge]);
                        }
                        i += 2;
                    }
                    Some(&q) => {
                        out.push(q);
                        i += 2;
                    }
                    None => {
                        out.push(b'\\');
                        i += 1;
                    }
                }
            } else if repl[i..].starts_with(b"\\\\\\&") || repl[i..].starts_with(b"\\\\\\\\") {
                out.push(b'\\');
                out.push(repl[i + 3]);
                i += 4;
            } else if repl[i..].starts_with(b"\\\\&") {
                out.push(b'\\');
                out.extend_from_slice(&text[s..e]);
                i += 3;
            } else if repl.get(i + 1) == Some(&b'&') {
                out.push(b'&');
                i += 2;
            } else {
                out.push(b'\\');
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
}

/// gawk's adjust_uint: of a result wider than a double's 53-bit mantissa,
/// keep the 53 bits from the lowest set one (at most 11 up), so the low
/// bits survive exactly.
fn adjust_uint(n: u64) -> u64 {
    let shift = (n | (1u64 << 11)).trailing_zeros();
    n & (((1u64 << 53) - 1) << shift)
}
