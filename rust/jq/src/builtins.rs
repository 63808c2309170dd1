//! The builtins written in Rust (the rest are jq code in `prelude.jq`):
//! the table the checker resolves names against, and their bodies.

use crate::ast::{Expr, FuncDef};
use crate::interp::{err, iterate, Closure, Ctl, Env, Interp, Out, Path, P, PV, R};
use crate::value::{self, compare, describe, equal, Map, Value};
use std::cmp::Ordering;
use std::io::Write;
use std::rc::Rc;

pub use crate::ops::{array_indices, binop, delpaths, getpath, setpath, slice};
pub use crate::strings::format;

/// A function on values: the input and its arguments' values.
pub type ValFn = fn(&mut Interp, &Value, &[Value]) -> Result<Value, Ctl>;

pub enum NKind {
    /// Arguments evaluated to values, the last one varying slowest (jq's
    /// C functions).
    Cf(ValFn),
    /// A generator or a function of closures, implemented by name.
    Gen,
}

pub struct Native {
    pub name: &'static str,
    pub arity: usize,
    pub kind: NKind,
}

macro_rules! cf {
    ($name:expr, $arity:expr, $f:expr) => {
        Native { name: $name, arity: $arity, kind: NKind::Cf($f) }
    };
}

macro_rules! gen {
    ($name:expr, $arity:expr) => {
        Native { name: $name, arity: $arity, kind: NKind::Gen }
    };
}

pub static NATIVES: &[Native] = &[
    gen!("empty", 0),
    gen!("not", 0),
    gen!("path", 1),
    gen!("getpath", 1),
    gen!("recurse", 0),
    gen!("recurse", 1),
    gen!("recurse", 2),
    gen!("range", 1),
    gen!("range", 2),
    gen!("range", 3),
    gen!("limit", 2),
    gen!("first", 1),
    gen!("last", 1),
    gen!("isempty", 1),
    gen!("until", 2),
    gen!("while", 2),
    gen!("repeat", 1),
    gen!("input", 0),
    gen!("inputs", 0),
    gen!("debug", 0),
    gen!("stderr", 0),
    gen!("sort_by", 1),
    gen!("group_by", 1),
    gen!("unique_by", 1),
    gen!("min_by", 1),
    gen!("max_by", 1),
    gen!("any", 2),
    gen!("all", 2),
    gen!("halt", 0),
    gen!("halt_error", 1),
    gen!("select", 1),
    gen!("map", 1),
    gen!("error", 0),
    gen!("paths", 0),
    gen!("del", 1),
    gen!("input_line_number", 0),
    gen!("label_break", 0),
    cf!("length", 0, |_, v, _| length(v)),
    cf!("utf8bytelength", 0, |_, v, _| match v {
        Value::Str(s) => Ok(Value::Num(s.len() as f64)),
        _ => err(format!("{} only strings have UTF-8 byte length", describe(v))),
    }),
    cf!("type", 0, |_, v, _| Ok(Value::str(v.type_name()))),
    cf!("keys", 0, |_, v, _| keys(v, true)),
    cf!("keys_unsorted", 0, |_, v, _| keys(v, false)),
    cf!("has", 1, |_, v, a| has(v, &a[0])),
    cf!("contains", 1, |_, v, a| Ok(Value::Bool(crate::ops::contains(v, &a[0])?))),
    cf!("add", 0, |_, v, _| add_all(v)),
    cf!("tostring", 0, |_, v, _| Ok(match v {
        Value::Str(_) => v.clone(),
        _ => Value::string(value::to_json(v)),
    })),
    cf!("tojson", 0, |_, v, _| Ok(Value::string(value::to_json(v)))),
    cf!("fromjson", 0, |_, v, _| match v {
        Value::Str(s) => crate::json::parse_one(s).or_else(|m| err(format!("{} (while parsing '{}')", m, s))),
        _ => err(format!("{} cannot be parsed as JSON", describe(v))),
    }),
    cf!("tonumber", 0, |_, v, _| tonumber(v)),
    cf!("setpath", 2, |_, v, a| match &a[0] {
        Value::Arr(p) => setpath(v, p, 0, a[1].clone()),
        _ => err("Path must be specified as an array"),
    }),
    cf!("delpaths", 1, |_, v, a| match &a[0] {
        Value::Arr(ps) => delpaths(v, ps.to_vec()),
        _ => err("Paths must be specified as an array"),
    }),
    cf!("to_entries", 0, |_, v, _| crate::ops::to_entries(v)),
    cf!("_tostream", 0, |_, v, _| {
        let mut out = Vec::new();
        crate::ops::tostream(v, &mut Vec::new(), true, &mut out);
        Ok(Value::arr(out))
    }),
    cf!("sort", 0, |_, v, _| match v {
        Value::Arr(a) => {
            let mut a = a.to_vec();
            a.sort_by(compare);
            Ok(Value::arr(a))
        }
        _ => err(format!("{} cannot be sorted, as it is not an array", describe(v))),
    }),
    cf!("unique", 0, |_, v, _| match v {
        Value::Arr(a) => {
            let mut a = a.to_vec();
            a.sort_by(compare);
            a.dedup_by(|x, y| compare(x, y) == Ordering::Equal);
            Ok(Value::arr(a))
        }
        _ => err(format!("{} cannot be sorted, as it is not an array", describe(v))),
    }),
    cf!("min", 0, |_, v, _| minmax(v, true)),
    cf!("max", 0, |_, v, _| minmax(v, false)),
    cf!("reverse", 0, |_, v, _| reverse(v)),
    cf!("flatten", 0, |_, v, _| flatten(v, 1e18)),
    cf!("flatten", 1, |_, v, a| match a[0].as_f64() {
        Some(d) if d < 0.0 => err("flatten depth must not be negative"),
        Some(d) => flatten(v, d),
        None => err("flatten depth must not be negative"),
    }),
    cf!("join", 1, |_, v, a| join(v, &a[0])),
    cf!("env", 0, |i, _, _| Ok(i.env_obj.clone())),
    cf!("builtins", 0, |i, _, _| Ok(Value::arr(i.builtin_names.iter().map(|s| Value::str(s)).collect()))),
    cf!("input_filename", 0, |i, _, _| Ok(i.inputs.as_ref().map(|x| x.current_filename()).unwrap_or(Value::Null))),
    cf!("infinite", 0, |_, _, _| Ok(Value::Num(f64::INFINITY))),
    cf!("nan", 0, |_, _, _| Ok(Value::Num(f64::NAN))),
    cf!("isinfinite", 0, |_, v, _| Ok(Value::Bool(number(v)?.is_infinite()))),
    cf!("isnan", 0, |_, v, _| Ok(Value::Bool(number(v)?.is_nan()))),
    cf!("isnormal", 0, |_, v, _| Ok(Value::Bool(number(v)?.is_normal()))),
    cf!("halt_error", 0, |_, v, _| halt_error(v, &Value::Num(5.0))),
    cf!("bsearch", 1, |_, v, a| bsearch(v, &a[0])),
    cf!("implode", 0, |_, v, _| crate::strings::implode(v)),
    cf!("explode", 0, |_, v, _| crate::strings::explode(v)),
    cf!("ltrimstr", 1, |_, v, a| crate::strings::trimstr(v, &a[0], true)),
    cf!("rtrimstr", 1, |_, v, a| crate::strings::trimstr(v, &a[0], false)),
    cf!("startswith", 1, |_, v, a| crate::strings::starts_ends(v, &a[0], true)),
    cf!("endswith", 1, |_, v, a| crate::strings::starts_ends(v, &a[0], false)),
    cf!("trim", 0, |_, v, _| crate::strings::trim(v, true, true)),
    cf!("ltrim", 0, |_, v, _| crate::strings::trim(v, true, false)),
    cf!("rtrim", 0, |_, v, _| crate::strings::trim(v, false, true)),
    cf!("ascii_downcase", 0, |_, v, _| crate::strings::ascii_case(v, false)),
    cf!("ascii_upcase", 0, |_, v, _| crate::strings::ascii_case(v, true)),
    cf!("split", 1, |_, v, a| match (v, &a[0]) {
        (Value::Str(s), Value::Str(sep)) => Ok(crate::ops::split_str(s, sep)),
        _ => err("split input and separator must be strings"),
    }),
    cf!("_strindices", 1, |_, v, a| crate::strings::strindices(v, &a[0])),
    cf!("_match_impl", 3, |i, v, a| crate::re::match_impl(i, v, &a[0], &a[1], &a[2])),
    cf!("split", 2, |i, v, a| crate::re::split_re(i, v, &a[0], &a[1])),
    cf!("now", 0, |_, _, _| Ok(Value::Num(crate::time::now()))),
    cf!("mktime", 0, |_, v, _| crate::time::mktime(v)),
    cf!("gmtime", 0, |_, v, _| crate::time::gmtime(v, false)),
    cf!("localtime", 0, |_, v, _| crate::time::gmtime(v, true)),
    cf!("strftime", 1, |_, v, a| crate::time::strftime(v, &a[0], false, "strftime/1")),
    cf!("strflocaltime", 1, |_, v, a| crate::time::strftime(v, &a[0], true, "strflocaltime/1")),
    cf!("strptime", 1, |_, v, a| crate::time::strptime(v, &a[0])),
    cf!("ldexp", 2, |_, _, a| crate::math::two("ldexp", &a[0], &a[1])),
    cf!("scalb", 2, |_, _, a| crate::math::two("scalb", &a[0], &a[1])),
    cf!("scalbln", 2, |_, _, a| crate::math::two("scalbln", &a[0], &a[1])),
    cf!("pow", 2, |_, _, a| crate::math::two("pow", &a[0], &a[1])),
    cf!("atan2", 2, |_, _, a| crate::math::two("atan2", &a[0], &a[1])),
    cf!("fmod", 2, |_, _, a| crate::math::two("fmod", &a[0], &a[1])),
    cf!("hypot", 2, |_, _, a| crate::math::two("hypot", &a[0], &a[1])),
    cf!("fmin", 2, |_, _, a| crate::math::two("fmin", &a[0], &a[1])),
    cf!("fmax", 2, |_, _, a| crate::math::two("fmax", &a[0], &a[1])),
    cf!("fdim", 2, |_, _, a| crate::math::two("fdim", &a[0], &a[1])),
    cf!("copysign", 2, |_, _, a| crate::math::two("copysign", &a[0], &a[1])),
    cf!("drem", 2, |_, _, a| crate::math::two("drem", &a[0], &a[1])),
    cf!("remainder", 2, |_, _, a| crate::math::two("remainder", &a[0], &a[1])),
    cf!("nextafter", 2, |_, _, a| crate::math::two("nextafter", &a[0], &a[1])),
    cf!("nexttoward", 2, |_, _, a| crate::math::two("nexttoward", &a[0], &a[1])),
    cf!("fma", 3, |_, _, a| crate::math::fma(&a[0], &a[1], &a[2])),
    cf!("frexp", 0, |_, v, _| crate::math::frexp_v(v)),
    cf!("modf", 0, |_, v, _| crate::math::modf_v(v)),
    cf!("lgamma_r", 0, |_, v, _| crate::math::lgamma_r_v(v)),
    cf!("significand", 0, |_, v, _| crate::math::one("significand", v)),
    cf!("getpath_value", 1, |_, v, a| match &a[0] {
        Value::Arr(p) => getpath(v, p),
        _ => err("Path must be specified as an array"),
    }),
    cf!("splits_placeholder", 0, |_, v, _| Ok(v.clone())),
];

/// Names of the one-argument C math functions jq has.
pub const MATH1: &[&str] = &[
    "floor", "sqrt", "acos", "acosh", "asin", "asinh", "atan", "atanh", "cbrt", "ceil", "cos", "cosh", "exp", "exp10",
    "exp2", "expm1", "fabs", "gamma", "lgamma", "tgamma", "log", "log10", "log1p", "log2", "logb", "nearbyint",
    "pow10", "rint", "round", "sin", "sinh", "tan", "tanh", "trunc", "j0", "j1", "y0", "y1",
];

/// The table of natives: the fixed ones, then one per math function.
pub fn natives() -> &'static [Native] {
    let mut all: Vec<Native> = Vec::new();
    for n in NATIVES {
        let kind = match &n.kind {
            NKind::Cf(f) => NKind::Cf(*f),
            NKind::Gen => NKind::Gen,
        };
        all.push(Native { name: n.name, arity: n.arity, kind });
    }
    for name in MATH1 {
        all.push(Native { name, arity: 0, kind: NKind::Gen });
    }
    Box::leak(all.into_boxed_slice())
}

pub fn find_native(table: &[Native], name: &str, arity: usize) -> Option<usize> {
    table.iter().position(|n| n.name == name && n.arity == arity)
}

fn number(v: &Value) -> Result<f64, Ctl> {
    v.as_f64().map_or_else(|| err(format!("{} number required", describe(v))), Ok)
}

fn length(v: &Value) -> Result<Value, Ctl> {
    Ok(Value::Num(match v {
        Value::Null => 0.0,
        Value::Bool(_) => return err(format!("{} has no length", describe(v))),
        Value::Num(f) => f.abs(),
        Value::Dec(d) => d.f.abs(),
        Value::Str(s) => s.chars().count() as f64,
        Value::Arr(a) => a.len() as f64,
        Value::Obj(m) => m.len() as f64,
    }))
}

fn keys(v: &Value, sorted: bool) -> Result<Value, Ctl> {
    match v {
        Value::Obj(m) => {
            let ks: Vec<Rc<str>> = if sorted { m.sorted_keys() } else { m.keys().cloned().collect() };
            Ok(Value::arr(ks.into_iter().map(Value::Str).collect()))
        }
        Value::Arr(a) => Ok(Value::arr((0..a.len()).map(|i| Value::Num(i as f64)).collect())),
        _ => err(format!("{} has no keys", describe(v))),
    }
}

fn has(v: &Value, k: &Value) -> Result<Value, Ctl> {
    match (v, k) {
        (Value::Obj(m), Value::Str(s)) => Ok(Value::Bool(m.contains_key(s))),
        (Value::Arr(a), n) if n.is_number() => {
            let f = n.as_f64().unwrap_or(-1.0);
            Ok(Value::Bool(f >= 0.0 && f < a.len() as f64))
        }
        _ => err(format!("Cannot check whether {} has a {} key", v.type_name(), k.type_name())),
    }
}

fn add_all(v: &Value) -> Result<Value, Ctl> {
    let items: Vec<Value> = match v {
        Value::Arr(a) => a.to_vec(),
        Value::Obj(m) => m.values().cloned().collect(),
        Value::Null => return Ok(Value::Null),
        _ => return err(format!("Cannot iterate over {}", describe(v))),
    };
    // Strings and arrays are joined in one go (jq's reduce would copy).
    if items.iter().all(|x| matches!(x, Value::Str(_) | Value::Null)) && items.iter().any(|x| matches!(x, Value::Str(_))) {
        let mut s = String::new();
        for x in &items {
            if let Value::Str(t) = x {
                s.push_str(t);
            }
        }
        return Ok(Value::string(s));
    }
    if items.iter().all(|x| matches!(x, Value::Arr(_) | Value::Null)) && items.iter().any(|x| matches!(x, Value::Arr(_))) {
        let mut out = Vec::new();
        for x in &items {
            if let Value::Arr(t) = x {
                out.extend(t.iter().cloned());
            }
        }
        return Ok(Value::arr(out));
    }
    let mut acc = Value::Null;
    for x in &items {
        acc = crate::ops::add(&acc, x)?;
    }
    Ok(acc)
}

fn tonumber(v: &Value) -> Result<Value, Ctl> {
    match v {
        Value::Num(_) | Value::Dec(_) => Ok(v.clone()),
        Value::Str(s) => match crate::json::parse_one(s) {
            Ok(n) if n.is_number() => Ok(n),
            Ok(_) => err(format!("Cannot parse '{}' as JSON", s)),
            Err(m) => err(format!("{} (while parsing '{}')", m, s)),
        },
        _ => err(format!("{} cannot be parsed as a number", describe(v))),
    }
}

fn minmax(v: &Value, min: bool) -> Result<Value, Ctl> {
    match v {
        Value::Arr(a) => {
            let mut best: Option<&Value> = None;
            for x in a.iter() {
                best = match best {
                    None => Some(x),
                    Some(b) => {
                        let o = compare(x, b);
                        if (min && o == Ordering::Less) || (!min && o != Ordering::Less) {
                            Some(x)
                        } else {
                            Some(b)
                        }
                    }
                };
            }
            Ok(best.cloned().unwrap_or(Value::Null))
        }
        _ => err(format!("{} cannot be sorted, as it is not an array", describe(v))),
    }
}

fn reverse(v: &Value) -> Result<Value, Ctl> {
    match v {
        Value::Arr(a) => Ok(Value::arr(a.iter().rev().cloned().collect())),
        Value::Str(s) => Ok(Value::string(s.chars().rev().collect())),
        Value::Null => Ok(Value::arr(Vec::new())),
        Value::Obj(m) if m.is_empty() => Ok(Value::arr(Vec::new())),
        Value::Num(f) if *f == 0.0 => Ok(Value::arr(Vec::new())),
        Value::Bool(_) => err(format!("{} has no length", describe(v))),
        _ => err(format!("Cannot index {} with number", v.type_name())),
    }
}

fn flatten(v: &Value, depth: f64) -> Result<Value, Ctl> {
    fn go(a: &[Value], depth: f64, out: &mut Vec<Value>) {
        for x in a {
            match x {
                Value::Arr(inner) if depth > 0.0 => go(inner, depth - 1.0, out),
                _ => out.push(x.clone()),
            }
        }
    }
    match v {
        Value::Arr(a) => {
            let mut out = Vec::new();
            go(a, depth, &mut out);
            Ok(Value::arr(out))
        }
        _ => err(format!("Cannot iterate over {}", describe(v))),
    }
}

fn join(v: &Value, sep: &Value) -> Result<Value, Ctl> {
    let items: Vec<Value> = match v {
        Value::Arr(a) => a.to_vec(),
        Value::Obj(m) => m.values().cloned().collect(),
        _ => return err(format!("Cannot iterate over {}", describe(v))),
    };
    if items.is_empty() {
        return Ok(Value::str(""));
    }
    let sep_s = match sep {
        Value::Str(s) => Some(s.to_string()),
        _ => None,
    };
    let mut acc = String::new();
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            match &sep_s {
                Some(s) => acc.push_str(s),
                None => {
                    return err(format!(
                        "{} and {} cannot be added",
                        describe(&Value::string(acc.clone())),
                        describe(sep)
                    ))
                }
            }
        } else if sep_s.is_none() && items.len() > 1 {
            // jq computes "" + sep only from the second element on.
        }
        match x {
            Value::Null => {}
            Value::Bool(_) | Value::Num(_) | Value::Dec(_) => acc.push_str(&value::to_text(x)),
            Value::Str(s) => acc.push_str(s),
            _ => {
                return err(format!("{} and {} cannot be added", describe(&Value::string(acc.clone())), describe(x)));
            }
        }
    }
    Ok(Value::string(acc))
}

fn bsearch(v: &Value, target: &Value) -> Result<Value, Ctl> {
    match v {
        Value::Arr(a) => {
            let (mut lo, mut hi) = (0i64, a.len() as i64 - 1);
            while lo <= hi {
                let mid = (lo + hi) / 2;
                match compare(&a[mid as usize], target) {
                    Ordering::Equal => return Ok(Value::Num(mid as f64)),
                    Ordering::Less => lo = mid + 1,
                    Ordering::Greater => hi = mid - 1,
                }
            }
            Ok(Value::Num((-1 - lo) as f64))
        }
        _ => err(format!("{} cannot be searched from", describe(v))),
    }
}

fn halt_error(v: &Value, code: &Value) -> Result<Value, Ctl> {
    let code = match code.as_f64() {
        Some(c) => c as i32,
        None => return err("halt_error/1: number required"),
    };
    let mut e = std::io::stderr();
    match v {
        Value::Str(s) => {
            let _ = e.write_all(s.as_bytes());
        }
        _ => {
            let _ = writeln!(e, "{}", value::to_json(v));
        }
    }
    Err(Ctl::Halt(code))
}

// ------------------------------------------------------------ dispatch

/// Calls native `idx` with the call's argument expressions.
pub fn call_native(it: &mut Interp, idx: usize, args: &'static [Expr], env: &Rc<Env>, input: PV, out: Out) -> R {
    let n = &it.natives[idx];
    match &n.kind {
        NKind::Cf(f) => {
            let f = *f;
            if args.is_empty() {
                let r = f(it, &input.v, &[])?;
                return out(it, input.derive(r));
            }
            let mut vals = vec![Value::Null; args.len()];
            cartesian(it, f, args, env, &input, args.len(), &mut vals, out)
        }
        NKind::Gen => call_gen(it, n.name, args, env, input, out),
    }
}

/// Evaluates C-function arguments, the last varying slowest.
#[allow(clippy::too_many_arguments)]
fn cartesian(it: &mut Interp, f: ValFn, args: &'static [Expr], env: &Rc<Env>, input: &PV, k: usize, vals: &mut Vec<Value>, out: Out) -> R {
    if k == 0 {
        let r = f(it, &input.v, vals)?;
        return out(it, input.derive(r));
    }
    let base = input.v.clone();
    it.values(&args[k - 1], env, &base, &mut |it, v| {
        vals[k - 1] = v;
        let mut inner = vals.clone();
        cartesian(it, f, args, env, input, k - 1, &mut inner, out)
    })
}

fn closure(args: &'static [Expr], env: &Rc<Env>, i: usize) -> Closure {
    Closure { expr: &args[i], env: env.clone() }
}

/// Calls `f` on each output of the argument, a value at a time.
fn each_value(it: &mut Interp, e: &'static Expr, env: &Rc<Env>, input: &Value, out: &mut dyn FnMut(&mut Interp, Value) -> R) -> R {
    let vals = it.collect(e, env, input)?;
    for v in vals {
        out(it, v)?;
    }
    Ok(())
}

fn call_gen(it: &mut Interp, name: &str, args: &'static [Expr], env: &Rc<Env>, input: PV, out: Out) -> R {
    match (name, args.len()) {
        ("empty", 0) => Ok(()),
        ("not", 0) => out(it, input.derive(Value::Bool(!input.v.truthy()))),
        // An error with a null message is no error at all: it backtracks.
        ("error", 0) => match input.v {
            Value::Null => Ok(()),
            v => Err(Ctl::Err(v)),
        },
        ("path", 1) => {
            let d = input.clone();
            it.paths_of(&args[0], env, &input.v, &mut |it, p| out(it, d.derive(Value::arr(p.to_vec()))))
        }
        ("paths", 0) => {
            let d = input.clone();
            let start = PV { v: input.v.clone(), p: P::Yes(Rc::new(Vec::new())) };
            it.recurse_default(start, &mut |it, pv| match pv.p {
                P::Yes(p) if !p.is_empty() => out(it, d.derive(Value::arr(p.to_vec()))),
                _ => Ok(()),
            })
        }
        ("getpath", 1) => {
            let base = input.v.clone();
            it.values(&args[0], env, &base, &mut |it, p| {
                let path = match &p {
                    Value::Arr(a) => a.clone(),
                    _ => return err("Path must be specified as an array"),
                };
                let v = match getpath(&input.v, &path) {
                    Ok(v) => v,
                    Err(e) => return Err(e),
                };
                let np = match &input.p {
                    P::No => P::No,
                    P::Bad => {
                        return err(format!("Invalid path expression with result {}", value::trunc_dump(&input.v, 30)))
                    }
                    P::Yes(old) => {
                        let mut x = old.to_vec();
                        x.extend(path.iter().cloned());
                        P::Yes(Rc::new(x))
                    }
                };
                out(it, PV { v, p: np })
            })
        }
        ("del", 1) => {
            let mut ps = Vec::new();
            it.paths_of(&args[0], env, &input.v, &mut |_it, p| {
                ps.push(Value::arr(p.to_vec()));
                Ok(())
            })?;
            let r = delpaths(&input.v, ps)?;
            out(it, input.derive(r))
        }
        ("select", 1) => {
            let base = input.v.clone();
            it.values(&args[0], env, &base, &mut |it, c| if c.truthy() { out(it, input.clone()) } else { Ok(()) })
        }
        ("map", 1) => {
            let mut items = Vec::new();
            let c = closure(args, env, 0);
            iterate(it, &PV::val(input.v.clone()), &mut |it, x| {
                it.run_closure(&c, x, &mut |_it, y| {
                    items.push(y.v);
                    Ok(())
                })
            })?;
            out(it, input.derive(Value::arr(items)))
        }
        ("recurse", 0) => it.recurse_default(input, out),
        ("recurse", 1) => {
            let c = closure(args, env, 0);
            recurse_with(it, &c, None, input, out)
        }
        ("recurse", 2) => {
            let c = closure(args, env, 0);
            let cond = closure(args, env, 1);
            recurse_with(it, &c, Some(&cond), input, out)
        }
        ("range", 1) => {
            let base = input.v.clone();
            it.values(&args[0], env, &base, &mut |it, upto| range(it, &Value::Num(0.0), &upto, None, &input, out))
        }
        ("range", 2) => {
            let base = input.v.clone();
            let a1 = &args[1];
            it.values(&args[0], env, &base, &mut |it, from| {
                let base2 = input.v.clone();
                let mut ups = Vec::new();
                let r = it.values(a1, env, &base2, &mut |_it, u| {
                    ups.push(u);
                    Ok(())
                });
                r?;
                for upto in ups {
                    range(it, &from, &upto, None, &input, out)?;
                }
                Ok(())
            })
        }
        ("range", 3) => {
            let base = input.v.clone();
            let from_vals = it.collect(&args[0], env, &base)?;
            for from in from_vals {
                let upto_vals = it.collect(&args[1], env, &base)?;
                for upto in upto_vals {
                    let by_vals = it.collect(&args[2], env, &base)?;
                    for by in by_vals {
                        range(it, &from, &upto, Some(&by), &input, out)?;
                    }
                }
            }
            Ok(())
        }
        ("limit", 2) => {
            let base = input.v.clone();
            let c = closure(args, env, 1);
            each_value(it, &args[0], env, &base, &mut |it, n| {
                let n = match n.as_f64() {
                    Some(n) => n,
                    None => return err(format!("Invalid limit: {} is not a number", describe(&n))),
                };
                if n <= 0.0 {
                    if n < 0.0 {
                        return it.run_closure(&c, input.clone(), out);
                    }
                    return Ok(());
                }
                let id = it.fresh_label();
                let mut count = 0.0;
                let r = it.run_closure(&c, input.clone(), &mut |it, v| {
                    count += 1.0;
                    out(it, v)?;
                    if count >= n {
                        return Err(Ctl::Break(id));
                    }
                    Ok(())
                });
                match r {
                    Err(Ctl::Break(b)) if b == id => Ok(()),
                    r => r,
                }
            })
        }
        ("first", 1) => {
            let id = it.fresh_label();
            let c = closure(args, env, 0);
            let mut got = None;
            let r = it.run_closure(&c, input, &mut |_it, v| {
                got = Some(v);
                Err(Ctl::Break(id))
            });
            match r {
                Err(Ctl::Break(b)) if b == id => {}
                Err(e) => return Err(e),
                Ok(()) => {}
            }
            match got {
                Some(v) => out(it, v),
                None => Ok(()),
            }
        }
        ("last", 1) => {
            let input_copy = input.clone();
            let c = closure(args, env, 0);
            let mut got = None;
            it.run_closure(&c, input, &mut |_it, v| {
                got = Some(v);
                Ok(())
            })?;
            match got {
                Some(v) => out(it, v),
                None => out(it, input_copy.derive(Value::Null)),
            }
        }
        ("isempty", 1) => {
            let id = it.fresh_label();
            let c = closure(args, env, 0);
            let mut empty = true;
            let r = it.run_closure(&c, PV::val(input.v.clone()), &mut |_it, _| {
                empty = false;
                Err(Ctl::Break(id))
            });
            match r {
                Err(Ctl::Break(b)) if b == id => {}
                Err(e) => return Err(e),
                Ok(()) => {}
            }
            out(it, input.derive(Value::Bool(empty)))
        }
        ("any", 2) | ("all", 2) => {
            let want = name == "any";
            let id = it.fresh_label();
            let g = closure(args, env, 0);
            let cond = closure(args, env, 1);
            let mut found = false;
            let r = it.run_closure(&g, PV::val(input.v.clone()), &mut |it, x| {
                it.run_closure(&cond, PV::val(x.v), &mut |_it, c| {
                    if c.v.truthy() == want {
                        found = true;
                        return Err(Ctl::Break(id));
                    }
                    Ok(())
                })
            });
            match r {
                Err(Ctl::Break(b)) if b == id => {}
                Err(e) => return Err(e),
                Ok(()) => {}
            }
            out(it, input.derive(Value::Bool(if want { found } else { !found })))
        }
        ("until", 2) => {
            let cond = closure(args, env, 0);
            let next = closure(args, env, 1);
            until(it, &cond, &next, input, out)
        }
        ("while", 2) => {
            let cond = closure(args, env, 0);
            let upd = closure(args, env, 1);
            while_(it, &cond, &upd, input, out)
        }
        ("repeat", 1) => {
            let f = closure(args, env, 0);
            repeat(it, &f, input, out)
        }
        ("input", 0) => match it.inputs.as_mut().and_then(|i| i.next_input()) {
            Some(Ok(v)) => out(it, input.derive(v)),
            Some(Err(m)) => err(m),
            None => err("No more inputs"),
        },
        ("inputs", 0) => loop {
            match it.inputs.as_mut().and_then(|i| i.next_input()) {
                Some(Ok(v)) => out(it, input.derive(v))?,
                Some(Err(m)) => return err(m),
                None => return Ok(()),
            }
        },
        ("input_line_number", 0) => {
            let n = it.inputs.as_ref().map(|i| i.current_line()).unwrap_or(0);
            out(it, input.derive(Value::Num(n as f64)))
        }
        ("debug", 0) => {
            let msg = Value::arr(vec![Value::str("DEBUG:"), input.v.clone()]);
            let text = value::dump(&msg, &it.dump_opts_debug);
            let _ = writeln!(std::io::stderr(), "{}", text);
            out(it, input)
        }
        ("stderr", 0) => {
            // 1.7: strings go out raw, anything else as compact JSON.
            let text = value::to_text(&input.v);
            let _ = std::io::stderr().write_all(text.as_bytes());
            out(it, input)
        }
        ("halt", 0) => Err(Ctl::Halt(0)),
        ("halt_error", 1) => {
            let base = input.v.clone();
            each_value(it, &args[0], env, &base, &mut |_it, code| {
                halt_error(&input.v, &code)?;
                Ok(())
            })
        }
        ("sort_by", 1) | ("group_by", 1) | ("unique_by", 1) | ("min_by", 1) | ("max_by", 1) => {
            let items = match &input.v {
                Value::Arr(a) => a.clone(),
                Value::Obj(_) | Value::Null | Value::Bool(_) | Value::Num(_) | Value::Dec(_) | Value::Str(_) => {
                    if let Value::Obj(m) = &input.v {
                        Rc::new(m.values().cloned().collect())
                    } else {
                        return err(format!("Cannot iterate over {}", iter_describe(&input.v)));
                    }
                }
            };
            let c = closure(args, env, 0);
            let mut keyed: Vec<(Value, Value)> = Vec::with_capacity(items.len());
            for x in items.iter() {
                let mut ks = Vec::new();
                it.run_closure(&c, PV::val(x.clone()), &mut |_it, k| {
                    ks.push(k.v);
                    Ok(())
                })?;
                keyed.push((Value::arr(ks), x.clone()));
            }
            if !matches!(input.v, Value::Arr(_)) {
                let keys = Value::arr(keyed.into_iter().map(|k| k.0).collect());
                let what = if name == "min_by" || name == "max_by" {
                    "cannot be iterated over"
                } else {
                    "cannot be sorted, as they are not both arrays"
                };
                return err(format!("{} and {} {}", describe(&input.v), describe(&keys), what));
            }
            let r = by_impl(name, keyed);
            out(it, input.derive(r))
        }
        ("label_break", 0) => Ok(()),
        (m, 0) if MATH1.contains(&m) => {
            let r = crate::math::one(m, &input.v)?;
            out(it, input.derive(r))
        }
        _ => err(format!("{}/{} is not defined", name, args.len())),
    }
}

fn iter_describe(v: &Value) -> String {
    format!("{} ({})", v.type_name(), value::trunc_dump(v, 15))
}

fn by_impl(name: &str, mut keyed: Vec<(Value, Value)>) -> Value {
    match name {
        "min_by" | "max_by" => {
            let min = name == "min_by";
            let mut best: Option<(Value, Value)> = None;
            for (k, v) in keyed {
                best = match best {
                    None => Some((k, v)),
                    Some((bk, bv)) => {
                        let o = compare(&k, &bk);
                        if (min && o == Ordering::Less) || (!min && o != Ordering::Less) {
                            Some((k, v))
                        } else {
                            Some((bk, bv))
                        }
                    }
                };
            }
            best.map(|b| b.1).unwrap_or(Value::Null)
        }
        _ => {
            keyed.sort_by(|a, b| compare(&a.0, &b.0));
            if name == "sort_by" {
                return Value::arr(keyed.into_iter().map(|p| p.1).collect());
            }
            let mut groups: Vec<(Value, Vec<Value>)> = Vec::new();
            for (k, v) in keyed {
                match groups.last_mut() {
                    Some((gk, g)) if equal_keys(gk, &k) => g.push(v),
                    _ => groups.push((k, vec![v])),
                }
            }
            if name == "unique_by" {
                Value::arr(groups.into_iter().map(|g| g.1[0].clone()).collect())
            } else {
                Value::arr(groups.into_iter().map(|g| Value::arr(g.1)).collect())
            }
        }
    }
}

fn equal_keys(a: &Value, b: &Value) -> bool {
    compare(a, b) == Ordering::Equal
}

fn range(it: &mut Interp, from: &Value, upto: &Value, by: Option<&Value>, input: &PV, out: Out) -> R {
    let (f, u) = match (from.as_f64(), upto.as_f64()) {
        (Some(f), Some(u)) => (f, u),
        _ => return err("Range bounds must be numeric"),
    };
    match by {
        None => {
            let mut x = f;
            while x < u {
                out(it, input.derive(Value::Num(x)))?;
                x += 1.0;
            }
            Ok(())
        }
        Some(b) => {
            let b = match b.as_f64() {
                Some(b) => b,
                None => return err("Range bounds must be numeric"),
            };
            let mut x = f;
            if b > 0.0 {
                while x < u {
                    out(it, input.derive(Value::Num(x)))?;
                    x += b;
                }
            } else if b < 0.0 {
                while x > u {
                    out(it, input.derive(Value::Num(x)))?;
                    x += b;
                }
            }
            Ok(())
        }
    }
}

/// `recurse(f)`, `recurse(f; cond)`: depth first, the input first.
fn recurse_with(it: &mut Interp, f: &Closure, cond: Option<&Closure>, input: PV, out: Out) -> R {
    out(it, input.clone())?;
    let mut kids = Vec::new();
    it.run_closure(f, input, &mut |_it, k| {
        kids.push(k);
        Ok(())
    })?;
    for k in kids {
        if let Some(c) = cond {
            let mut ok = Vec::new();
            it.run_closure(c, PV::val(k.v.clone()), &mut |_it, b| {
                ok.push(b.v.truthy());
                Ok(())
            })?;
            for b in ok {
                if b {
                    recurse_with(it, f, cond, k.clone(), out)?;
                }
            }
        } else {
            recurse_with(it, f, cond, k, out)?;
        }
    }
    Ok(())
}

fn collect_closure(it: &mut Interp, c: &Closure, input: PV) -> Result<Vec<PV>, Ctl> {
    let mut vs = Vec::new();
    it.run_closure(c, input, &mut |_it, v| {
        vs.push(v);
        Ok(())
    })?;
    Ok(vs)
}

/// `def until(cond; next): if cond then . else (next|until(cond; next)) end`,
/// as a loop while each step has a single result.
fn until(it: &mut Interp, cond: &Closure, next: &Closure, input: PV, out: Out) -> R {
    let mut cur = input;
    loop {
        let cs = collect_closure(it, cond, PV::val(cur.v.clone()))?;
        if cs.len() != 1 {
            for c in cs {
                if c.v.truthy() {
                    out(it, cur.clone())?;
                } else {
                    for n in collect_closure(it, next, cur.clone())? {
                        until(it, cond, next, n, out)?;
                    }
                }
            }
            return Ok(());
        }
        if cs[0].v.truthy() {
            return out(it, cur);
        }
        let mut ns = collect_closure(it, next, cur.clone())?;
        if ns.len() == 1 {
            cur = ns.pop().unwrap_or(cur);
            continue;
        }
        for n in ns {
            until(it, cond, next, n, out)?;
        }
        return Ok(());
    }
}

/// `def while(cond; update): if cond then ., (update | while(cond; update)) else empty end`
fn while_(it: &mut Interp, cond: &Closure, upd: &Closure, input: PV, out: Out) -> R {
    let mut cur = input;
    loop {
        let cs = collect_closure(it, cond, PV::val(cur.v.clone()))?;
        if cs.len() != 1 {
            for c in cs {
                if c.v.truthy() {
                    out(it, cur.clone())?;
                    for n in collect_closure(it, upd, cur.clone())? {
                        while_(it, cond, upd, n, out)?;
                    }
                }
            }
            return Ok(());
        }
        if !cs[0].v.truthy() {
            return Ok(());
        }
        out(it, cur.clone())?;
        let mut ns = collect_closure(it, upd, cur.clone())?;
        if ns.len() == 1 {
            cur = ns.pop().unwrap_or(cur);
            continue;
        }
        for n in ns {
            while_(it, cond, upd, n, out)?;
        }
        return Ok(());
    }
}

/// `def repeat(f): def _repeat: f | (., _repeat); _repeat;`
fn repeat(it: &mut Interp, f: &Closure, input: PV, out: Out) -> R {
    let mut cur = input;
    loop {
        let mut ns = Vec::new();
        let id = it.fresh_label();
        // Stream the first output (repeat is often infinite).
        let r = it.run_closure(f, cur.clone(), &mut |_it, n| {
            ns.push(n);
            if ns.len() > 1 {
                return Err(Ctl::Break(id));
            }
            Ok(())
        });
        let partial = matches!(r, Err(Ctl::Break(b)) if b == id);
        if !partial {
            r?;
        }
        if ns.len() == 1 && !partial {
            let n = ns.pop().unwrap_or(cur);
            out(it, n.clone())?;
            cur = n;
            continue;
        }
        // Several outputs: do it the recursive way.
        let all = collect_closure(it, f, cur)?;
        for n in all {
            out(it, n.clone())?;
            repeat(it, f, n, out)?;
        }
        return Ok(());
    }
}

/// Paths as arrays of values.
pub fn path_value(p: &Path) -> Value {
    Value::arr(p.to_vec())
}

/// For `builtins`: every name/arity the program can call.
pub fn builtin_names(natives: &[Native], defs: &[&'static FuncDef]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for d in defs {
        if !d.name.starts_with('_') {
            names.push(format!("{}/{}", d.name, d.params.len()));
        }
    }
    for n in natives {
        if !n.name.starts_with('_') && !n.name.contains("placeholder") && n.name != "label_break" && n.name != "getpath_value" {
            names.push(format!("{}/{}", n.name, n.arity));
        }
    }
    names.sort();
    names.dedup();
    names
}

#[allow(dead_code)]
fn _unused(m: &Map) -> bool {
    equal(&Value::Null, &Value::obj(m.clone()))
}
