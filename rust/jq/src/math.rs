//! The C math library functions jq exposes.

use crate::interp::{err, Ctl};
use crate::value::{describe, Value};

type Res = Result<Value, Ctl>;

fn num(v: &Value) -> Result<f64, Ctl> {
    v.as_f64().map_or_else(|| err(format!("{} number required", describe(v))), Ok)
}

/// C's frexp: mantissa in [0.5, 1) and exponent.
pub fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 || x.is_nan() || x.is_infinite() {
        return (x, 0);
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        let (m, e) = frexp(x * 2f64.powi(64));
        return (m, e - 64);
    }
    let m = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
    (m, exp - 1022)
}

fn ldexp(x: f64, e: i64) -> f64 {
    let e = e.clamp(-2200, 2200) as i32;
    let mut r = x;
    let mut e = e;
    while e > 1000 {
        r *= 2f64.powi(1000);
        e -= 1000;
    }
    while e < -1000 {
        r *= 2f64.powi(-1000);
        e += 1000;
    }
    r * 2f64.powi(e)
}

/// ln|Γ(x)|: exact factorials for small integers, else the recurrence
/// up to 15 and Stirling's series (within an ulp or two of glibc).
fn lgamma(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x.is_infinite() {
        return f64::INFINITY;
    }
    if x <= 0.0 && x == x.floor() {
        return f64::INFINITY;
    }
    if x == x.floor() && x <= 171.0 {
        let mut f = 1.0f64;
        let mut i = 2.0;
        while i < x {
            f *= i;
            i += 1.0;
        }
        return f.ln();
    }
    if x < 0.5 {
        let s = (std::f64::consts::PI * x).sin().abs();
        return std::f64::consts::PI.ln() - s.ln() - lgamma(1.0 - x);
    }
    let mut x = x;
    let mut p = 1.0f64;
    while x < 15.0 {
        p *= x;
        x += 1.0;
    }
    let x2 = x * x;
    let series = 1.0 / (12.0 * x) - 1.0 / (360.0 * x * x2) + 1.0 / (1260.0 * x * x2 * x2) - 1.0 / (1680.0 * x * x2 * x2 * x2);
    (x - 0.5) * x.ln() - x + 0.5 * (2.0 * std::f64::consts::PI).ln() + series - p.ln()
}

fn tgamma(x: f64) -> f64 {
    if x == x.floor() && x > 0.0 && x < 171.0 {
        let mut r = 1.0;
        let mut i = 2.0;
        while i < x {
            r *= i;
            i += 1.0;
        }
        return r;
    }
    if x <= 0.0 && x == x.floor() {
        return f64::NAN;
    }
    let sign = if x < 0.0 && (x.floor() as i64) % 2 != 0 { -1.0 } else { 1.0 };
    sign * lgamma(x).exp()
}

/// Round half to even (rint, nearbyint).
fn rint(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 {
        2.0 * (x / 2.0).round()
    } else {
        r
    }
}

fn nextafter(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == y {
        return y;
    }
    if x == 0.0 {
        return if y > 0.0 { f64::from_bits(1) } else { -f64::from_bits(1) };
    }
    let bits = x.to_bits();
    let up = (y > x) == (x > 0.0);
    f64::from_bits(if up { bits + 1 } else { bits - 1 })
}

/// IEEE remainder: x - n*y with n the nearest integer (ties to even).
fn remainder(x: f64, y: f64) -> f64 {
    if y == 0.0 || x.is_infinite() || x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    let n = rint(x / y);
    let r = x - n * y;
    if r == 0.0 {
        0.0f64.copysign(x)
    } else {
        r
    }
}

pub fn one(name: &str, v: &Value) -> Res {
    let x = num(v)?;
    let r = match name {
        "floor" => x.floor(),
        "sqrt" => x.sqrt(),
        "ceil" => x.ceil(),
        "round" => x.round(),
        "trunc" => x.trunc(),
        "rint" | "nearbyint" => rint(x),
        "fabs" => x.abs(),
        "cbrt" => x.cbrt(),
        "exp" => x.exp(),
        "exp2" => x.exp2(),
        "exp10" | "pow10" => 10f64.powf(x),
        "expm1" => x.exp_m1(),
        "log" => x.ln(),
        "log2" => x.log2(),
        "log10" => x.log10(),
        "log1p" => x.ln_1p(),
        "logb" => {
            if x == 0.0 {
                f64::NEG_INFINITY
            } else if x.is_infinite() {
                f64::INFINITY
            } else {
                (frexp(x).1 - 1) as f64
            }
        }
        "significand" => {
            if x == 0.0 || x.is_infinite() || x.is_nan() {
                x
            } else {
                frexp(x).0 * 2.0
            }
        }
        "gamma" | "lgamma" => lgamma(x),
        "tgamma" => tgamma(x),
        "sin" => x.sin(),
        "cos" => x.cos(),
        "tan" => x.tan(),
        "asin" => x.asin(),
        "acos" => x.acos(),
        "atan" => x.atan(),
        "sinh" => x.sinh(),
        "cosh" => x.cosh(),
        "tanh" => x.tanh(),
        "asinh" => x.asinh(),
        "acosh" => x.acosh(),
        "atanh" => x.atanh(),
        _ => return err(format!("Error: {}/0 not found at build time", name)),
    };
    Ok(Value::Num(r))
}

pub fn two(name: &str, a: &Value, b: &Value) -> Res {
    let (x, y) = (num(a)?, num(b)?);
    let r = match name {
        "pow" => x.powf(y),
        "atan2" => x.atan2(y),
        "fmod" => x % y,
        "hypot" => x.hypot(y),
        "fmin" => x.min(y),
        "fmax" => x.max(y),
        "fdim" => {
            if x > y {
                x - y
            } else {
                0.0
            }
        }
        "copysign" => x.copysign(y),
        "drem" | "remainder" => remainder(x, y),
        "nextafter" | "nexttoward" => nextafter(x, y),
        "ldexp" | "scalb" | "scalbln" => ldexp(x, y as i64),
        _ => return err(format!("Error: {}/2 not found at build time", name)),
    };
    Ok(Value::Num(r))
}

pub fn fma(a: &Value, b: &Value, c: &Value) -> Res {
    Ok(Value::Num(num(a)?.mul_add(num(b)?, num(c)?)))
}

pub fn frexp_v(v: &Value) -> Res {
    let (m, e) = frexp(num(v)?);
    Ok(Value::arr(vec![Value::Num(m), Value::Num(e as f64)]))
}

pub fn modf_v(v: &Value) -> Res {
    let x = num(v)?;
    let i = x.trunc();
    let f = if x.is_infinite() { 0.0f64.copysign(x) } else { x - i };
    Ok(Value::arr(vec![Value::Num(f), Value::Num(i)]))
}

pub fn lgamma_r_v(v: &Value) -> Res {
    let x = num(v)?;
    let sign = if x < 0.0 && x != x.floor() && (x.floor() as i64) % 2 != 0 { -1.0 } else { 1.0 };
    Ok(Value::arr(vec![Value::Num(lgamma(x)), Value::Num(sign)]))
}
