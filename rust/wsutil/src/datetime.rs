//! Civil time for `date`, `touch`, `ls` and `stat`: the proleptic
//! Gregorian calendar, time zones given by POSIX `TZ` strings (the sandbox
//! has no tz database: `UTC`, fixed offsets like `JST-9` or `<+0530>-5:30`,
//! and DST rules like `CET-1CEST,M3.5.0,M10.5.0/3`), GNU `strftime` with its
//! padding flags, and GNU's free-form date strings (`parse_datetime`).
//!
//! Hand-written rather than chrono: the calendar is a few lines, and what
//! matters is GNU's exact behaviour, which no crate reproduces.

mod parse;
mod strftime;

pub use parse::parse_datetime;
pub use strftime::strftime;

/// A point in time: seconds since the epoch and nanoseconds (0..1e9).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timespec {
    pub sec: i64,
    pub nsec: u32,
}

impl Timespec {
    pub fn new(sec: i64, nsec: u32) -> Self {
        Timespec { sec, nsec }
    }

    pub fn from_ns(ns: i64) -> Self {
        Timespec { sec: ns.div_euclid(1_000_000_000), nsec: ns.rem_euclid(1_000_000_000) as u32 }
    }

    pub fn as_ns(&self) -> i64 {
        self.sec.saturating_mul(1_000_000_000).saturating_add(self.nsec as i64)
    }

    /// The wall clock now.
    pub fn now() -> Self {
        match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => Timespec { sec: d.as_secs() as i64, nsec: d.subsec_nanos() },
            Err(e) => Timespec::from_ns(-(e.duration().as_nanos() as i64)),
        }
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12; the
/// day may run past the month's end, as mktime allows).
pub fn days_from_civil(year: i64, month: u32, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468 + (day - 1)
}

/// (year, month 1-12, day 1-31) of a day number from [`days_from_civil`].
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

pub fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// 0 = Sunday.
pub fn weekday(days: i64) -> u32 {
    (days + 4).rem_euclid(7) as u32
}

/// Whether C's `struct tm` can hold the year of `t` in `zone` (its
/// `tm_year` is an `int` counted from 1900); GNU says "out of range" past it.
pub fn in_range(t: Timespec, zone: &Zone) -> bool {
    let (off, _, _) = zone.at(t.sec);
    let days = (t.sec as i128 + off as i128).div_euclid(86400);
    if days.abs() > 1_000_000_000_000 {
        return false;
    }
    let (year, _, _) = civil_from_days(days as i64);
    (i32::MIN as i64..=i32::MAX as i64).contains(&(year - 1900))
}

/// Broken-down local time, as C's `struct tm` plus what GNU adds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tm {
    pub year: i64,
    pub month: u32,
    pub mday: u32,
    pub hour: u32,
    pub min: u32,
    pub sec: u32,
    pub nsec: u32,
    /// 0 = Sunday.
    pub wday: u32,
    /// 0-based day of the year.
    pub yday: u32,
    /// Seconds east of UTC.
    pub gmtoff: i32,
    pub isdst: bool,
    pub zone: String,
    /// The instant, for `%s`.
    pub epoch: i64,
}

/// When a DST period starts or ends, as a POSIX TZ rule gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum RuleDay {
    /// `Jn`: day 1-365, February 29 never counted.
    Julian1(u32),
    /// `n`: day 0-365, leap days counted.
    Julian0(u32),
    /// `Mm.w.d`: day d (0 = Sunday) of week w (5 = last) of month m.
    Month(u32, u32, u32),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Rule {
    day: RuleDay,
    /// Seconds after local midnight (may be negative or past 24h).
    time: i32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Dst {
    name: String,
    offset: i32,
    start: Rule,
    end: Rule,
}

/// A time zone from a POSIX `TZ` string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zone {
    name: String,
    offset: i32,
    dst: Option<Dst>,
}

impl Zone {
    pub fn utc() -> Zone {
        Zone { name: "UTC".into(), offset: 0, dst: None }
    }

    /// A fixed offset (seconds east) with GNU's numeric name for it.
    pub fn fixed(offset: i32) -> Zone {
        Zone { name: String::new(), offset, dst: None }
    }

    /// The zone the `TZ` environment variable names; UTC when unset.
    pub fn from_env() -> Zone {
        match std::env::var("TZ") {
            Ok(tz) => Zone::parse(&tz),
            Err(_) => Zone::utc(),
        }
    }

    /// Reads a POSIX TZ string as glibc does when it finds no zone file:
    /// a name it cannot read as `NAME[OFFSET[DSTNAME[OFFSET][,RULE,RULE]]]`
    /// is UTC under that name's leading letters (`Foo/Bar` is "Foo").
    pub fn parse(tz: &str) -> Zone {
        let tz = tz.strip_prefix(':').unwrap_or(tz);
        if tz.is_empty() {
            return Zone::utc();
        }
        let mut p = Cursor { s: tz.as_bytes(), i: 0 };
        let name = match p.zone_name() {
            Some(n) => n,
            None => return Zone::utc(),
        };
        let offset = match p.offset() {
            Some(o) => -o,
            None => return Zone { name, offset: 0, dst: None },
        };
        let mut zone = Zone { name, offset, dst: None };
        if p.at_end() {
            return zone;
        }
        let dst_name = match p.zone_name() {
            Some(n) => n,
            None => return zone,
        };
        let dst_offset = if p.peek() == Some(b',') || p.at_end() { offset + 3600 } else { p.offset().map(|o| -o).unwrap_or(offset + 3600) };
        let (start, end) = if p.peek() == Some(b',') {
            p.i += 1;
            let start = p.rule();
            let ok = p.peek() == Some(b',');
            p.i += 1;
            let end = p.rule();
            match (start, end, ok) {
                (Some(s), Some(e), true) => (s, e),
                _ => return zone,
            }
        } else {
            // glibc's default when a DST name comes without rules: the US ones.
            (Rule { day: RuleDay::Month(3, 2, 0), time: 7200 }, Rule { day: RuleDay::Month(11, 1, 0), time: 7200 })
        };
        zone.dst = Some(Dst { name: dst_name, offset: dst_offset, start, end });
        zone
    }

    /// (offset east, abbreviation, is DST) in force at instant `t`.
    pub fn at(&self, t: i64) -> (i32, String, bool) {
        if let Some(dst) = &self.dst {
            let (year, _, _) = civil_from_days((t + self.offset as i64).div_euclid(86400));
            let start = rule_instant(&dst.start, year) - self.offset as i64;
            let end = rule_instant(&dst.end, year) - dst.offset as i64;
            let inside = if start < end { t >= start && t < end } else { t >= start || t < end };
            if inside {
                return (dst.offset, dst.name.clone(), true);
            }
        }
        (self.offset, self.display_name(self.offset), false)
    }

    fn display_name(&self, offset: i32) -> String {
        if self.name.is_empty() {
            numeric_name(offset)
        } else {
            self.name.clone()
        }
    }

    /// The abbreviations this zone uses (a date string may name them).
    pub fn names(&self) -> Vec<(String, i32)> {
        let mut v = vec![(self.name.clone(), self.offset)];
        if let Some(d) = &self.dst {
            v.push((d.name.clone(), d.offset));
        }
        v
    }

    /// The instant whose local time is `local` (seconds as if the local
    /// clock were UTC), preferring standard time in an ambiguous hour, as
    /// mktime does with tm_isdst = -1 in practice.
    pub fn local_to_utc(&self, local: i64) -> i64 {
        let t = local - self.offset as i64;
        match &self.dst {
            None => t,
            Some(d) => {
                let (off, _, _) = self.at(t);
                if off == self.offset {
                    t
                } else {
                    let t2 = local - d.offset as i64;
                    if self.at(t2).0 == d.offset {
                        t2
                    } else {
                        t
                    }
                }
            }
        }
    }
}

/// `+0530`-style name glibc gives a zone whose TZ string used `<...>`.
fn numeric_name(offset: i32) -> String {
    let sign = if offset < 0 { '-' } else { '+' };
    let a = offset.unsigned_abs();
    if a % 3600 == 0 {
        format!("{}{:02}", sign, a / 3600)
    } else {
        format!("{}{:02}{:02}", sign, a / 3600, a / 60 % 60)
    }
}

/// Local seconds (from the epoch, as if UTC) of a rule's moment in `year`.
fn rule_instant(rule: &Rule, year: i64) -> i64 {
    let jan1 = days_from_civil(year, 1, 1);
    let day = match rule.day {
        RuleDay::Julian1(n) => {
            let mut d = jan1 + n as i64 - 1;
            if is_leap(year) && n >= 60 {
                d += 1;
            }
            d
        }
        RuleDay::Julian0(n) => jan1 + n as i64,
        RuleDay::Month(m, w, wd) => {
            let first = days_from_civil(year, m, 1);
            let mut d = first + ((wd as i64 - weekday(first) as i64).rem_euclid(7));
            d += 7 * (w as i64 - 1);
            let last = first + days_in_month(year, m) as i64 - 1;
            while d > last {
                d -= 7;
            }
            d
        }
    };
    day * 86400 + rule.time as i64
}

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn at_end(&self) -> bool {
        self.i >= self.s.len()
    }
    fn zone_name(&mut self) -> Option<String> {
        if self.peek() == Some(b'<') {
            let end = self.s[self.i..].iter().position(|&c| c == b'>')? + self.i;
            let name = String::from_utf8_lossy(&self.s[self.i + 1..end]).into_owned();
            self.i = end + 1;
            return Some(name);
        }
        let start = self.i;
        while self.peek().map_or(false, |c| c.is_ascii_alphabetic()) {
            self.i += 1;
        }
        if self.i - start < 3 {
            self.i = start;
            return None;
        }
        Some(String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }
    fn number(&mut self) -> Option<i32> {
        let start = self.i;
        while self.peek().map_or(false, |c| c.is_ascii_digit()) {
            self.i += 1;
        }
        if self.i == start || self.i - start > 3 {
            return None;
        }
        std::str::from_utf8(&self.s[start..self.i]).ok()?.parse().ok()
    }
    /// `[+-]hh[:mm[:ss]]` in seconds.
    fn offset(&mut self) -> Option<i32> {
        let sign = match self.peek() {
            Some(b'-') => {
                self.i += 1;
                -1
            }
            Some(b'+') => {
                self.i += 1;
                1
            }
            _ => 1,
        };
        let h = self.number()?;
        let mut secs = h * 3600;
        for mult in [60, 1] {
            if self.peek() == Some(b':') {
                self.i += 1;
                secs += self.number()? * mult;
            } else {
                break;
            }
        }
        Some(sign * secs)
    }
    fn rule(&mut self) -> Option<Rule> {
        let day = match self.peek()? {
            b'J' => {
                self.i += 1;
                RuleDay::Julian1(self.number()? as u32)
            }
            b'M' => {
                self.i += 1;
                let m = self.number()? as u32;
                self.expect(b'.')?;
                let w = self.number()? as u32;
                self.expect(b'.')?;
                let d = self.number()? as u32;
                if !(1..=12).contains(&m) || !(1..=5).contains(&w) || d > 6 {
                    return None;
                }
                RuleDay::Month(m, w, d)
            }
            _ => RuleDay::Julian0(self.number()? as u32),
        };
        let time = if self.peek() == Some(b'/') {
            self.i += 1;
            self.offset()?
        } else {
            7200
        };
        Some(Rule { day, time })
    }
    fn expect(&mut self, c: u8) -> Option<()> {
        if self.peek() == Some(c) {
            self.i += 1;
            Some(())
        } else {
            None
        }
    }
}

/// Broken-down time of instant `t` in `zone` (localtime_r).
pub fn localtime(t: Timespec, zone: &Zone) -> Tm {
    let (off, name, isdst) = zone.at(t.sec);
    broken_down(t, off, name, isdst)
}

/// Broken-down UTC time (gmtime_r), zone named "UTC".
pub fn gmtime(t: Timespec) -> Tm {
    broken_down(t, 0, "UTC".into(), false)
}

fn broken_down(t: Timespec, off: i32, zone: String, isdst: bool) -> Tm {
    let local = t.sec + off as i64;
    let days = local.div_euclid(86400);
    let secs = local.rem_euclid(86400) as u32;
    let (year, month, mday) = civil_from_days(days);
    Tm {
        year,
        month,
        mday,
        hour: secs / 3600,
        min: secs / 60 % 60,
        sec: secs % 60,
        nsec: t.nsec,
        wday: weekday(days),
        yday: (days - days_from_civil(year, 1, 1)) as u32,
        gmtoff: off,
        isdst,
        zone,
        epoch: t.sec,
    }
}

/// The digit layouts of POSIX time operands: `touch -t` puts the year
/// first (`[[CC]YY]MMDDhhmm[.ss]`), `date`'s operand last
/// (`MMDDhhmm[[CC]YY][.ss]`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PosixLayout {
    YearFirst,
    YearLast,
}

/// Parses a POSIX time operand in `zone`; None when invalid. A two-digit
/// year is 1969-2068; seconds may be 60 (the next minute), as in GNU.
pub fn parse_posix_time(s: &str, layout: PosixLayout, now: Timespec, zone: &Zone) -> Option<Timespec> {
    let (main, secs) = match s.find('.') {
        Some(dot) => (&s[..dot], Some(&s[dot + 1..])),
        None => (s, None),
    };
    if !main.bytes().all(|c| c.is_ascii_digit()) || ![8, 10, 12].contains(&main.len()) {
        return None;
    }
    let sec: i64 = match secs {
        Some(t) if t.len() == 2 && t.bytes().all(|c| c.is_ascii_digit()) => t.parse().ok()?,
        Some(_) => return None,
        None => 0,
    };
    let num = |t: &str| -> i64 { t.parse().unwrap_or(0) };
    let extra = main.len() - 8;
    let (year_digits, rest) = match layout {
        PosixLayout::YearFirst => (&main[..extra], &main[extra..]),
        PosixLayout::YearLast => (&main[8..], &main[..8]),
    };
    let year = match year_digits.len() {
        0 => localtime(now, zone).year,
        2 => {
            let y = num(year_digits);
            y + if y < 69 { 2000 } else { 1900 }
        }
        _ => num(year_digits),
    };
    let (month, day, hour, min) = (num(&rest[0..2]), num(&rest[2..4]), num(&rest[4..6]), num(&rest[6..8]));
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month as u32) as i64
        || hour > 23
        || min > 59
        || sec > 60
    {
        return None;
    }
    let local = days_from_civil(year, month as u32, day) * 86400 + hour * 3600 + min * 60 + sec;
    Some(Timespec::new(zone.local_to_utc(local), 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(18262), (2020, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(days_from_civil(2020, 2, 30), days_from_civil(2020, 3, 1));
        assert_eq!(weekday(0), 4);
    }

    #[test]
    fn zones() {
        let z = Zone::parse("CET-1CEST,M3.5.0,M10.5.0/3");
        let t = localtime(Timespec::new(1600000000, 0), &z);
        assert_eq!((t.hour, t.zone.as_str(), t.gmtoff), (14, "CEST", 7200));
        let t = localtime(Timespec::new(1580000000, 0), &z);
        assert_eq!((t.zone.as_str(), t.gmtoff), ("CET", 3600));
        let z = Zone::parse("<+0530>-5:30");
        assert_eq!(localtime(Timespec::new(0, 0), &z).zone, "+0530");
        assert_eq!(Zone::parse("Foo/Bar").at(0), (0, "Foo".to_string(), false));
        assert_eq!(Zone::parse("UTC+3").at(0).0, -3 * 3600);
    }
}
