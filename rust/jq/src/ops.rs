//! Operators and structural functions on values: arithmetic with jq's
//! type rules, paths (get/set/delete), slices, containment.

use crate::ast::BinOp;
use crate::interp::{err, index_value, Ctl};
use crate::value::{compare, describe, equal, Map, Value};
use std::cmp::Ordering;
use std::rc::Rc;

type Res = Result<Value, Ctl>;

/// `a op b`.
pub fn binop(op: BinOp, a: &Value, b: &Value) -> Res {
    match op {
        BinOp::Add => add(a, b),
        BinOp::Sub => sub(a, b),
        BinOp::Mul => mul(a, b),
        BinOp::Div => div(a, b),
        BinOp::Mod => modulo(a, b),
        BinOp::Eq => Ok(Value::Bool(equal(a, b))),
        BinOp::Ne => Ok(Value::Bool(!equal(a, b))),
        BinOp::Lt => Ok(Value::Bool(compare(a, b) == Ordering::Less)),
        BinOp::Le => Ok(Value::Bool(compare(a, b) != Ordering::Greater)),
        BinOp::Gt => Ok(Value::Bool(compare(a, b) == Ordering::Greater)),
        BinOp::Ge => Ok(Value::Bool(compare(a, b) != Ordering::Less)),
    }
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(0.0)
}

pub fn add(a: &Value, b: &Value) -> Res {
    Ok(match (a, b) {
        (Value::Null, x) | (x, Value::Null) => x.clone(),
        (x, y) if x.is_number() && y.is_number() => Value::Num(num(x) + num(y)),
        (Value::Str(x), Value::Str(y)) => {
            let mut s = String::with_capacity(x.len() + y.len());
            s.push_str(x);
            s.push_str(y);
            Value::string(s)
        }
        (Value::Arr(x), Value::Arr(y)) => {
            let mut v = Vec::with_capacity(x.len() + y.len());
            v.extend(x.iter().cloned());
            v.extend(y.iter().cloned());
            Value::arr(v)
        }
        (Value::Obj(x), Value::Obj(y)) => {
            let mut m = (**x).clone();
            for (k, v) in y.iter() {
                m.insert(k.clone(), v.clone());
            }
            Value::obj(m)
        }
        _ => return err(format!("{} and {} cannot be added", describe(a), describe(b))),
    })
}

fn sub(a: &Value, b: &Value) -> Res {
    Ok(match (a, b) {
        (x, y) if x.is_number() && y.is_number() => Value::Num(num(x) - num(y)),
        (Value::Arr(x), Value::Arr(y)) => Value::arr(x.iter().filter(|e| !y.iter().any(|f| equal(e, f))).cloned().collect()),
        _ => return err(format!("{} and {} cannot be subtracted", describe(a), describe(b))),
    })
}

fn repeat_string(s: &str, n: f64) -> Value {
    if n <= 0.0 {
        return Value::Null;
    }
    let times = if n < 1.0 { 1 } else { n as usize };
    Value::string(s.repeat(times))
}

fn mul(a: &Value, b: &Value) -> Res {
    Ok(match (a, b) {
        (x, y) if x.is_number() && y.is_number() => Value::Num(num(x) * num(y)),
        (Value::Str(s), n) | (n, Value::Str(s)) if n.is_number() => repeat_string(s, num(n)),
        (Value::Obj(_), Value::Obj(_)) => deep_merge(a, b),
        _ => return err(format!("{} and {} cannot be multiplied", describe(a), describe(b))),
    })
}

fn deep_merge(a: &Value, b: &Value) -> Value {
    match (a, b) {
        (Value::Obj(x), Value::Obj(y)) => {
            let mut m = (**x).clone();
            for (k, v) in y.iter() {
                let nv = match m.get(k) {
                    Some(old @ Value::Obj(_)) if matches!(v, Value::Obj(_)) => deep_merge(old, v),
                    _ => v.clone(),
                };
                m.insert(k.clone(), nv);
            }
            Value::obj(m)
        }
        _ => b.clone(),
    }
}

fn div(a: &Value, b: &Value) -> Res {
    match (a, b) {
        (x, y) if x.is_number() && y.is_number() => {
            if num(y) == 0.0 {
                return err(format!("{} and {} cannot be divided because the divisor is zero", describe(a), describe(b)));
            }
            Ok(Value::Num(num(x) / num(y)))
        }
        (Value::Str(x), Value::Str(y)) => Ok(split_str(x, y)),
        _ => err(format!("{} and {} cannot be divided", describe(a), describe(b))),
    }
}

/// C's conversion of a double to an integer type, saturating.
fn to_int(f: f64) -> i64 {
    if f.is_nan() {
        0
    } else {
        f as i64
    }
}

fn modulo(a: &Value, b: &Value) -> Res {
    match (a, b) {
        (x, y) if x.is_number() && y.is_number() => {
            let (fx, fy) = (num(x), num(y));
            if fx.is_nan() || fy.is_nan() {
                return Ok(Value::Num(f64::NAN));
            }
            let bi = to_int(fy);
            if bi == 0 {
                return err(format!("{} and {} cannot be divided (remainder) because the divisor is zero", describe(a), describe(b)));
            }
            let ai = to_int(fx);
            // jq takes the remainder of magnitudes, with the dividend's sign.
            let r = ai.unsigned_abs() % bi.unsigned_abs();
            let r = r as i64;
            Ok(Value::Num(if ai < 0 { -r } else { r } as f64))
        }
        _ => err(format!("{} and {} cannot be divided", describe(a), describe(b))),
    }
}

/// `"a,b" / ","` and `split(",")`.
pub fn split_str(s: &str, sep: &str) -> Value {
    if s.is_empty() {
        return Value::arr(Vec::new());
    }
    if sep.is_empty() {
        return Value::arr(s.chars().map(|c| Value::string(c.to_string())).collect());
    }
    Value::arr(s.split(sep).map(Value::str).collect())
}

/// `.[start:end]` of an array or string (codepoints), with jq's rounding:
/// the start rounds down and the end up.
pub fn slice(t: &Value, key: &Map) -> Res {
    let len = match t {
        Value::Arr(a) => a.len(),
        Value::Str(s) => s.chars().count(),
        _ => return err(format!("Cannot index {} with object", t.type_name())),
    } as f64;
    let get = |k: &str, default: f64| -> Result<f64, Ctl> {
        match key.get(k) {
            Some(Value::Null) => Ok(default),
            Some(v) if v.is_number() => Ok(num(v)),
            _ => err("Start and end indices of an array slice must be numbers"),
        }
    };
    let mut start = get("start", 0.0)?;
    let mut end = get("end", len)?;
    if start < 0.0 {
        start += len;
    }
    if end < 0.0 {
        end += len;
    }
    let start = start.max(0.0).min(len).floor();
    let end = end.min(len).ceil().max(start);
    let (s, e) = (start as usize, end as usize);
    Ok(match t {
        Value::Arr(a) => Value::arr(a[s..e].to_vec()),
        Value::Str(st) => Value::string(st.chars().skip(s).take(e - s).collect()),
        _ => Value::Null,
    })
}

/// `$array | .[$subarray]`: where the subarray starts.
pub fn array_indices(a: &[Value], b: &[Value]) -> Value {
    let mut out = Vec::new();
    if b.is_empty() {
        return Value::Null;
    }
    if a.len() >= b.len() {
        for i in 0..=a.len() - b.len() {
            if b.iter().enumerate().all(|(j, x)| equal(&a[i + j], x)) {
                out.push(Value::Num(i as f64));
            }
        }
    }
    Value::arr(out)
}

/// `getpath(p)`: null where the path leaves the value.
pub fn getpath(v: &Value, path: &[Value]) -> Res {
    let mut cur = v.clone();
    for k in path {
        if let Value::Null = cur {
            return Ok(Value::Null);
        }
        cur = index_value(&cur, k)?;
    }
    Ok(cur)
}

/// `setpath(p; x)`, creating objects and arrays (null-padded) on the way.
pub fn setpath(v: &Value, path: &[Value], i: usize, x: Value) -> Res {
    if i == path.len() {
        return Ok(x);
    }
    let k = &path[i];
    match (v, k) {
        (Value::Obj(_) | Value::Null, Value::Str(s)) => {
            let mut m = match v {
                Value::Obj(m) => (**m).clone(),
                _ => Map::new(),
            };
            let child = m.get(s).cloned().unwrap_or(Value::Null);
            let nv = setpath(&child, path, i + 1, x)?;
            m.insert(s.clone(), nv);
            Ok(Value::obj(m))
        }
        (Value::Arr(_) | Value::Null, n) if n.is_number() => {
            let mut a = match v {
                Value::Arr(a) => (**a).clone(),
                _ => Vec::new(),
            };
            let f = num(n);
            let mut idx = f.floor() as i64;
            if idx < 0 {
                idx += a.len() as i64;
                if idx < 0 {
                    return err("Out of bounds negative array index");
                }
            }
            let idx = idx as usize;
            if idx > 100_000_000 {
                return err("Array index too large");
            }
            let child = a.get(idx).cloned().unwrap_or(Value::Null);
            let nv = setpath(&child, path, i + 1, x)?;
            if idx >= a.len() {
                a.resize(idx + 1, Value::Null);
            }
            a[idx] = nv;
            Ok(Value::arr(a))
        }
        (Value::Arr(_) | Value::Null, Value::Obj(o)) => {
            let a = match v {
                Value::Arr(a) => (**a).clone(),
                _ => Vec::new(),
            };
            let cur = slice(&Value::arr(a.clone()), o)?;
            let nv = setpath(&cur, path, i + 1, x)?;
            let repl = match nv {
                Value::Arr(r) => r,
                _ => return err("A slice of an array can only be assigned another array"),
            };
            let (s, e) = slice_bounds(a.len(), o)?;
            let mut out = a[..s].to_vec();
            out.extend(repl.iter().cloned());
            out.extend(a[e..].iter().cloned());
            Ok(Value::arr(out))
        }
        (Value::Obj(_), _) | (Value::Arr(_), _) | (Value::Null, _) => match k {
            Value::Str(s) => err(format!("Cannot index {} with \"{}\"", v.type_name(), s)),
            _ => err(format!("Cannot index {} with {}", v.type_name(), k.type_name())),
        },
        _ => match k {
            Value::Str(s) => err(format!("Cannot index {} with \"{}\"", v.type_name(), s)),
            _ => err(format!("Cannot index {} with {}", v.type_name(), k.type_name())),
        },
    }
}

fn slice_bounds(len: usize, o: &Map) -> Result<(usize, usize), Ctl> {
    let lenf = len as f64;
    let get = |k: &str, d: f64| -> Result<f64, Ctl> {
        match o.get(k) {
            Some(Value::Null) => Ok(d),
            Some(v) if v.is_number() => Ok(num(v)),
            _ => err("Start and end indices of an array slice must be numbers"),
        }
    };
    let mut s = get("start", 0.0)?;
    let mut e = get("end", lenf)?;
    if s < 0.0 {
        s += lenf;
    }
    if e < 0.0 {
        e += lenf;
    }
    let s = s.max(0.0).min(lenf).floor();
    let e = e.min(lenf).ceil().max(s);
    Ok((s as usize, e as usize))
}

/// `delpaths(ps)`: the longest paths first, so indices stay valid.
pub fn delpaths(v: &Value, paths: Vec<Value>) -> Res {
    let mut ps = paths;
    ps.sort_by(compare);
    let mut cur = v.clone();
    for p in ps.iter().rev() {
        match p {
            Value::Arr(a) => cur = delpath(&cur, a)?,
            _ => return err("Path must be specified as an array"),
        }
    }
    Ok(cur)
}

fn delpath(v: &Value, path: &[Value]) -> Res {
    if path.is_empty() {
        return Ok(Value::Null);
    }
    if let Value::Null = v {
        return Ok(Value::Null);
    }
    let k = &path[0];
    if path.len() == 1 {
        return match (v, k) {
            (Value::Obj(m), Value::Str(s)) => {
                let mut m = (**m).clone();
                m.remove(s);
                Ok(Value::obj(m))
            }
            (Value::Arr(a), n) if n.is_number() => {
                let mut i = num(n).floor() as i64;
                if i < 0 {
                    i += a.len() as i64;
                    if i < 0 {
                        return err("Out of bounds negative array index");
                    }
                }
                let mut a = (**a).clone();
                if (i as usize) < a.len() {
                    a.remove(i as usize);
                }
                Ok(Value::arr(a))
            }
            (Value::Arr(a), Value::Obj(o)) => {
                let (s, e) = slice_bounds(a.len(), o)?;
                let mut out = a[..s].to_vec();
                out.extend(a[e..].iter().cloned());
                Ok(Value::arr(out))
            }
            _ => {
                index_value(v, k)?;
                err(format!("Cannot delete field at index {}", k.type_name()))
            }
        };
    }
    let child = index_value(v, k)?;
    let nc = delpath(&child, &path[1..])?;
    match (v, k) {
        (Value::Arr(a), Value::Obj(o)) => {
            let (s, e) = slice_bounds(a.len(), o)?;
            let repl = match nc {
                Value::Arr(r) => r.to_vec(),
                _ => Vec::new(),
            };
            let mut out = a[..s].to_vec();
            out.extend(repl);
            out.extend(a[e..].iter().cloned());
            Ok(Value::arr(out))
        }
        _ => setpath(v, std::slice::from_ref(k), 0, nc),
    }
}

/// `a | contains(b)`.
pub fn contains(a: &Value, b: &Value) -> Result<bool, Ctl> {
    match (a, b) {
        (Value::Obj(x), Value::Obj(y)) => {
            for (k, bv) in y.iter() {
                match x.get(k) {
                    Some(av) => {
                        if !contains(av, bv)? {
                            return Ok(false);
                        }
                    }
                    None => return Ok(false),
                }
            }
            Ok(true)
        }
        (Value::Arr(x), Value::Arr(y)) => {
            for bv in y.iter() {
                let mut found = false;
                for av in x.iter() {
                    if av.kind() == bv.kind() && contains(av, bv)? {
                        found = true;
                        break;
                    }
                }
                if !found {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        (Value::Str(x), Value::Str(y)) => Ok(x.contains(&**y)),
        _ if a.kind() == b.kind() => Ok(equal(a, b)),
        _ => err(format!("{} and {} cannot have their containment checked", describe(a), describe(b))),
    }
}

/// `to_entries`
pub fn to_entries(v: &Value) -> Res {
    match v {
        Value::Obj(m) => Ok(Value::arr(
            m.iter()
                .map(|(k, x)| {
                    let mut e = Map::new();
                    e.insert(Rc::from("key"), Value::Str(k.clone()));
                    e.insert(Rc::from("value"), x.clone());
                    Value::obj(e)
                })
                .collect(),
        )),
        _ => err(format!("{} has no keys", describe(v))),
    }
}

/// `tostream`: `[path, leaf]` for each leaf, and `[path]` closing each
/// container after its last child.
pub fn tostream(v: &Value, path: &mut Vec<Value>, top: bool, out: &mut Vec<Value>) {
    let leaf = |p: &Vec<Value>, x: &Value| Value::arr(vec![Value::arr(p.clone()), x.clone()]);
    match v {
        Value::Arr(a) if !a.is_empty() => {
            for (i, x) in a.iter().enumerate() {
                path.push(Value::Num(i as f64));
                tostream(x, path, false, out);
                path.pop();
            }
            path.push(Value::Num((a.len() - 1) as f64));
            out.push(Value::arr(vec![Value::arr(path.clone())]));
            path.pop();
        }
        Value::Obj(m) if !m.is_empty() => {
            let mut last = None;
            for (k, x) in m.iter() {
                path.push(Value::Str(k.clone()));
                tostream(x, path, false, out);
                path.pop();
                last = Some(k.clone());
            }
            if let Some(k) = last {
                path.push(Value::Str(k));
                out.push(Value::arr(vec![Value::arr(path.clone())]));
                path.pop();
            }
        }
        _ => out.push(leaf(path, v)),
    }
    let _ = top;
}
