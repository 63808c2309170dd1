//! Dates: jq's "broken down time" arrays `[year, month0, mday, hours,
//! minutes, seconds, wday, yday]`, UTC (`gmtime`, `mktime`, `strftime`,
//! `strptime`) and the `TZ` zone (`localtime`, `strflocaltime`).

use crate::interp::{err, Ctl};
use crate::value::{describe, Value};
use wsutil::datetime::{self, days_from_civil, Timespec, Tm, Zone};

type Res = Result<Value, Ctl>;

pub fn now() -> f64 {
    let t = Timespec::now();
    t.sec as f64 + t.nsec as f64 / 1e9
}

fn tm_to_array(tm: &Tm, frac: f64) -> Value {
    Value::arr(vec![
        Value::Num(tm.year as f64),
        Value::Num((tm.month - 1) as f64),
        Value::Num(tm.mday as f64),
        Value::Num(tm.hour as f64),
        Value::Num(tm.min as f64),
        Value::Num(tm.sec as f64 + frac),
        Value::Num(tm.wday as f64),
        Value::Num(tm.yday as f64),
    ])
}

/// `gmtime`, `localtime`: seconds since the epoch to broken-down time.
pub fn gmtime(v: &Value, local: bool) -> Res {
    let f = match v.as_f64() {
        Some(f) => f,
        None => {
            return err(format!(
                "{}() requires a number",
                if local { "localtime" } else { "gmtime" }
            ))
        }
    };
    let secs = f.floor();
    let t = Timespec::new(secs as i64, 0);
    let tm = if local { datetime::localtime(t, &Zone::from_env()) } else { datetime::gmtime(t) };
    Ok(tm_to_array(&tm, f - secs))
}

/// A broken-down time array back to a `Tm` (normalized, as timegm does).
fn array_to_tm(v: &Value, what: &str) -> Result<(Tm, f64), Ctl> {
    let a = match v {
        Value::Arr(a) => a,
        _ => return err(format!("{} requires parsed datetime inputs", what)),
    };
    let mut n = [0f64; 8];
    for (i, x) in a.iter().enumerate().take(8) {
        n[i] = match x.as_f64() {
            Some(f) => f,
            None => return err(format!("{} requires parsed datetime inputs", what)),
        };
    }
    if a.len() < 6 {
        return err(format!("{} requires parsed datetime inputs", what));
    }
    let epoch = timegm(&n);
    let mut tm = datetime::gmtime(Timespec::new(epoch, 0));
    tm.epoch = epoch;
    Ok((tm, n[5] - n[5].floor()))
}

/// timegm of [year, month0, mday, h, m, s] (fields may overflow).
fn timegm(n: &[f64; 8]) -> i64 {
    let year = n[0] as i64;
    let month0 = n[1] as i64;
    let y = year + month0.div_euclid(12);
    let m = month0.rem_euclid(12) as u32 + 1;
    let days = days_from_civil(y, m, 1) + n[2] as i64 - 1;
    days * 86400 + n[3] as i64 * 3600 + n[4] as i64 * 60 + n[5] as i64
}

pub fn mktime(v: &Value) -> Res {
    let a = match v {
        Value::Arr(a) => a,
        _ => return err("mktime requires array inputs"),
    };
    if a.len() < 6 {
        return err("mktime requires parsed datetime inputs");
    }
    let mut n = [0f64; 8];
    for (i, x) in a.iter().enumerate().take(8) {
        n[i] = match x.as_f64() {
            Some(f) => f,
            None => return err("mktime requires parsed datetime inputs"),
        };
    }
    Ok(Value::Num(timegm(&n) as f64))
}

pub fn strftime(v: &Value, fmt: &Value, local: bool, what: &str) -> Res {
    let fmt = match fmt {
        Value::Str(s) => s.clone(),
        _ => return err(format!("{} requires a string format", what)),
    };
    let tm = match v {
        Value::Num(_) | Value::Dec(_) => {
            let f = v.as_f64().unwrap_or(0.0);
            let t = Timespec::new(f.floor() as i64, 0);
            if local {
                datetime::localtime(t, &Zone::from_env())
            } else {
                datetime::gmtime(t)
            }
        }
        Value::Arr(_) => {
            let (tm, _) = array_to_tm(v, what)?;
            if local {
                datetime::localtime(Timespec::new(tm.epoch, 0), &Zone::from_env())
            } else {
                tm
            }
        }
        _ => return err(format!("{} requires parsed datetime inputs", what)),
    };
    Ok(Value::string(wsutil::datetime::strftime(&fmt, &tm)))
}

const MONTHS: [&str; 12] = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const DAYS: [&str; 7] = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

struct Scan<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Scan<'a> {
    fn num(&mut self, max_digits: usize, signed: bool) -> Option<i64> {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
        let mut neg = false;
        if signed && self.i < self.s.len() && (self.s[self.i] == b'-' || self.s[self.i] == b'+') {
            neg = self.s[self.i] == b'-';
            self.i += 1;
        }
        let start = self.i;
        let mut n: i64 = 0;
        while self.i < self.s.len() && self.i - start < max_digits && self.s[self.i].is_ascii_digit() {
            n = n * 10 + (self.s[self.i] - b'0') as i64;
            self.i += 1;
        }
        if self.i == start {
            return None;
        }
        Some(if neg { -n } else { n })
    }

    fn name(&mut self, names: &[&str]) -> Option<usize> {
        let rest = &self.s[self.i..];
        for (k, full) in names.iter().enumerate() {
            let fb = full.as_bytes();
            if rest.len() >= fb.len() && rest[..fb.len()].eq_ignore_ascii_case(fb) {
                self.i += fb.len();
                return Some(k);
            }
            if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(&fb[..3]) {
                self.i += 3;
                return Some(k);
            }
        }
        None
    }
}

/// glibc's `strptime` for the common conversions.
pub fn strptime(v: &Value, fmt: &Value) -> Res {
    let (s, f) = match (v, fmt) {
        (Value::Str(s), Value::Str(f)) => (s.clone(), f.clone()),
        (Value::Str(_), _) => return err("strptime/1 requires a string format"),
        _ => return err(format!("strptime/1 requires string inputs and arguments")),
    };
    let fail = || err(format!("date \"{}\" does not match format \"{}\"", s, f));
    let mut sc = Scan { s: s.as_bytes(), i: 0 };
    // year, month0, mday, hour, min, sec
    let mut t: [i64; 6] = [1900, 0, 0, 0, 0, 0];
    let mut yday: Option<i64> = None;
    let mut pm: Option<bool> = None;
    let mut epoch: Option<i64> = None;
    let fb = f.as_bytes();
    let mut j = 0;
    while j < fb.len() {
        let c = fb[j];
        if c.is_ascii_whitespace() {
            while sc.i < sc.s.len() && sc.s[sc.i].is_ascii_whitespace() {
                sc.i += 1;
            }
            j += 1;
            continue;
        }
        if c != b'%' || j + 1 >= fb.len() {
            if sc.i < sc.s.len() && sc.s[sc.i] == c {
                sc.i += 1;
                j += 1;
                continue;
            }
            return fail();
        }
        let mut d = fb[j + 1];
        j += 2;
        if (d == b'E' || d == b'O') && j < fb.len() {
            d = fb[j];
            j += 1;
        }
        let ok = match d {
            b'Y' => sc.num(4, true).map(|n| t[0] = n),
            b'C' => sc.num(2, false).map(|n| t[0] = n * 100 + t[0].rem_euclid(100)),
            b'y' => sc.num(2, false).map(|n| t[0] = if n < 69 { 2000 + n } else { 1900 + n }),
            b'm' => sc.num(2, false).filter(|n| (1..=12).contains(n)).map(|n| t[1] = n - 1),
            b'd' | b'e' => sc.num(2, false).filter(|n| (1..=31).contains(n)).map(|n| t[2] = n),
            b'H' | b'k' => sc.num(2, false).filter(|n| *n <= 23).map(|n| t[3] = n),
            b'I' | b'l' => sc.num(2, false).filter(|n| (1..=12).contains(n)).map(|n| t[3] = n % 12),
            b'M' => sc.num(2, false).filter(|n| *n <= 59).map(|n| t[4] = n),
            b'S' => sc.num(2, false).filter(|n| *n <= 61).map(|n| t[5] = n),
            b'j' => sc.num(3, false).filter(|n| (1..=366).contains(n)).map(|n| yday = Some(n - 1)),
            b'b' | b'B' | b'h' => sc.name(&MONTHS).map(|k| t[1] = k as i64),
            b'a' | b'A' => sc.name(&DAYS).map(|_| ()),
            b'p' | b'P' => {
                let rest = &sc.s[sc.i..];
                if rest.len() >= 2 && rest[..2].eq_ignore_ascii_case(b"am") {
                    sc.i += 2;
                    pm = Some(false);
                    Some(())
                } else if rest.len() >= 2 && rest[..2].eq_ignore_ascii_case(b"pm") {
                    sc.i += 2;
                    pm = Some(true);
                    Some(())
                } else {
                    None
                }
            }
            b'T' => sc
                .num(2, false)
                .and_then(|h| {
                    t[3] = h;
                    expect(&mut sc, b':')?;
                    t[4] = sc.num(2, false)?;
                    expect(&mut sc, b':')?;
                    t[5] = sc.num(2, false)?;
                    Some(())
                }),
            b'R' => sc.num(2, false).and_then(|h| {
                t[3] = h;
                expect(&mut sc, b':')?;
                t[4] = sc.num(2, false)?;
                Some(())
            }),
            b'D' => sc.num(2, false).and_then(|m| {
                t[1] = m - 1;
                expect(&mut sc, b'/')?;
                t[2] = sc.num(2, false)?;
                expect(&mut sc, b'/')?;
                let y = sc.num(2, false)?;
                t[0] = if y < 69 { 2000 + y } else { 1900 + y };
                Some(())
            }),
            b'F' => sc.num(4, true).and_then(|y| {
                t[0] = y;
                expect(&mut sc, b'-')?;
                t[1] = sc.num(2, false)? - 1;
                expect(&mut sc, b'-')?;
                t[2] = sc.num(2, false)?;
                Some(())
            }),
            b's' => sc.num(20, true).map(|n| epoch = Some(n)),
            b'z' => {
                while sc.i < sc.s.len() && sc.s[sc.i].is_ascii_whitespace() {
                    sc.i += 1;
                }
                if sc.i < sc.s.len() && sc.s[sc.i] == b'Z' {
                    sc.i += 1;
                    Some(())
                } else if sc.i < sc.s.len() && (sc.s[sc.i] == b'+' || sc.s[sc.i] == b'-') {
                    sc.i += 1;
                    let st = sc.i;
                    while sc.i < sc.s.len() && (sc.s[sc.i].is_ascii_digit() || sc.s[sc.i] == b':') {
                        sc.i += 1;
                    }
                    if sc.i - st >= 2 {
                        Some(())
                    } else {
                        None
                    }
                } else {
                    None
                }
            }
            b'Z' => {
                while sc.i < sc.s.len() && (sc.s[sc.i].is_ascii_alphabetic()) {
                    sc.i += 1;
                }
                Some(())
            }
            b'n' | b't' => {
                while sc.i < sc.s.len() && sc.s[sc.i].is_ascii_whitespace() {
                    sc.i += 1;
                }
                Some(())
            }
            b'%' => expect(&mut sc, b'%'),
            _ => None,
        };
        if ok.is_none() {
            return fail();
        }
    }
    if sc.i != sc.s.len() {
        return fail();
    }
    if let Some(true) = pm {
        t[3] += 12;
    }
    if let Some(e) = epoch {
        let tm = datetime::gmtime(Timespec::new(e, 0));
        return Ok(tm_to_array(&tm, 0.0));
    }
    if let Some(yd) = yday {
        if t[2] == 0 {
            let days = days_from_civil(t[0], 1, 1) + yd;
            let (_, m, d) = datetime::civil_from_days(days);
            t[1] = m as i64 - 1;
            t[2] = d as i64;
        }
    }
    let mday = if t[2] == 0 { 0 } else { t[2] };
    let days = days_from_civil(t[0], (t[1] + 1) as u32, mday.max(1));
    let wday = datetime::weekday(days);
    let yday = days - days_from_civil(t[0], 1, 1);
    Ok(Value::arr(vec![
        Value::Num(t[0] as f64),
        Value::Num(t[1] as f64),
        Value::Num(mday as f64),
        Value::Num(t[3] as f64),
        Value::Num(t[4] as f64),
        Value::Num(t[5] as f64),
        Value::Num(wday as f64),
        Value::Num(yday as f64),
    ]))
}

fn expect(sc: &mut Scan, c: u8) -> Option<()> {
    if sc.i < sc.s.len() && sc.s[sc.i] == c {
        sc.i += 1;
        Some(())
    } else {
        None
    }
}

#[allow(dead_code)]
fn _describe(v: &Value) -> String {
    describe(v)
}
