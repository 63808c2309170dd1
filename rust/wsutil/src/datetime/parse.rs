//! GNU's free-form date strings (`date -d`, `touch -d`): absolute dates in
//! ISO, US and "2 Jan 2020" forms, times with am/pm and zone offsets, zone
//! names, weekdays, and relative items ("3 days ago", "next month",
//! "tomorrow"), combined the way gnulib's parse_datetime combines them: the
//! date and time replace today's, weekdays move forward to the named day,
//! relative years/months/days are applied on the calendar, relative
//! hours/minutes/seconds on the clock.

use super::{days_from_civil, localtime, Timespec, Zone};

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    /// A number; `signed` when written with + or -.
    Num { v: i64, digits: usize, signed: bool },
    /// A number with a fraction: seconds and nanoseconds (floored).
    Dec { sec: i64, nsec: u32, signed: bool },
    Word(String),
    Ch(char),
}

fn lex(s: &str) -> Option<Vec<Tok>> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() || c == b'+' || c == b'-' {
            let mut neg = false;
            let mut signed = false;
            if c == b'+' || c == b'-' {
                neg = c == b'-';
                signed = true;
                i += 1;
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                if i >= b.len() || !b[i].is_ascii_digit() {
                    continue; // a sign before no number is dropped
                }
            }
            let start = i;
            let mut v: i64 = 0;
            while i < b.len() && b[i].is_ascii_digit() {
                v = v.checked_mul(10)?.checked_add((b[i] - b'0') as i64)?;
                i += 1;
            }
            let digits = i - start;
            if i + 1 < b.len() && (b[i] == b'.' || b[i] == b',') && b[i + 1].is_ascii_digit() {
                i += 1;
                let mut ns: i64 = 0;
                let mut n = 0;
                let mut dropped = false;
                while i < b.len() && b[i].is_ascii_digit() {
                    if n < 9 {
                        ns = ns * 10 + (b[i] - b'0') as i64;
                        n += 1;
                    } else if b[i] != b'0' {
                        dropped = true;
                    }
                    i += 1;
                }
                while n < 9 {
                    ns *= 10;
                    n += 1;
                }
                let mut total = v as i128 * 1_000_000_000 + ns as i128;
                if neg {
                    // Digits past nanoseconds are truncated toward -infinity.
                    total = -total - i128::from(dropped);
                }
                let sec = total.div_euclid(1_000_000_000) as i64;
                let nsec = total.rem_euclid(1_000_000_000) as u32;
                out.push(Tok::Dec { sec, nsec, signed });
            } else {
                out.push(Tok::Num { v: if neg { -v } else { v }, digits, signed });
            }
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphabetic() || b[i] == b'.') {
                i += 1;
            }
            out.push(Tok::Word(s[start..i].to_ascii_uppercase()));
        } else if c == b'(' {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == b'(' {
                    depth += 1;
                } else if b[i] == b')' {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                i += 1;
            }
            if i >= b.len() {
                return None;
            }
            i += 1;
        } else {
            let ch = s[i..].chars().next()?;
            out.push(Tok::Ch(ch));
            i += ch.len_utf8();
        }
    }
    Some(out)
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Unit {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
}

#[derive(Clone, Debug, PartialEq)]
enum Word {
    Month(u32),
    Day(u32),
    Merid(bool),
    Unit(Unit, i64),
    Ordinal(i64),
    Shift(i64),
    Ago(i64),
    /// Seconds east, and whether the name is a daylight-saving one.
    Zone(i32),
    DayZone(i32),
    Dst,
    T,
}

const MONTHS: [&str; 12] =
    ["JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUGUST", "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER"];
const DAYS: [&str; 7] = ["SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"];
const ORDINALS: [(&str, i64); 14] = [
    ("LAST", -1),
    ("THIS", 0),
    ("NEXT", 1),
    ("FIRST", 1),
    ("THIRD", 3),
    ("FOURTH", 4),
    ("FIFTH", 5),
    ("SIXTH", 6),
    ("SEVENTH", 7),
    ("EIGHTH", 8),
    ("NINTH", 9),
    ("TENTH", 10),
    ("ELEVENTH", 11),
    ("TWELFTH", 12),
];
/// (name, minutes east, daylight-saving name: one hour more).
const ZONES: [(&str, i32, bool); 54] = [
    ("GMT", 0, false),
    ("UT", 0, false),
    ("UTC", 0, false),
    ("Z", 0, false),
    ("WET", 0, false),
    ("WEST", 0, true),
    ("BST", 0, true),
    ("ART", -180, false),
    ("BRT", -180, false),
    ("BRST", -180, true),
    ("NST", -210, false),
    ("NDT", -210, true),
    ("AST", -240, false),
    ("ADT", -240, true),
    ("CLT", -240, false),
    ("CLST", -240, true),
    ("EST", -300, false),
    ("EDT", -300, true),
    ("CST", -360, false),
    ("CDT", -360, true),
    ("MST", -420, false),
    ("MDT", -420, true),
    ("PST", -480, false),
    ("PDT", -480, true),
    ("AKST", -540, false),
    ("AKDT", -540, true),
    ("HST", -600, false),
    ("HAST", -600, false),
    ("HADT", -600, true),
    ("SST", -720, false),
    ("WAT", 60, false),
    ("CET", 60, false),
    ("CEST", 60, true),
    ("MET", 60, false),
    ("MEZ", 60, false),
    ("MEST", 60, true),
    ("MESZ", 60, true),
    ("EET", 120, false),
    ("EEST", 120, true),
    ("CAT", 120, false),
    ("SAST", 120, false),
    ("EAT", 180, false),
    ("MSK", 180, false),
    ("MSD", 180, true),
    ("IST", 330, false),
    ("SGT", 480, false),
    ("KST", 540, false),
    ("JST", 540, false),
    ("GST", 600, false),
    ("NZST", 720, false),
    ("NZDT", 720, true),
    ("AEST", 600, false),
    ("AEDT", 600, true),
    ("HKT", 480, false),
];

fn lookup(word: &str, zone: &Zone) -> Option<Word> {
    match word {
        "AM" | "A.M." => return Some(Word::Merid(false)),
        "PM" | "P.M." => return Some(Word::Merid(true)),
        "T" => return Some(Word::T),
        "DST" => return Some(Word::Dst),
        _ => {}
    }
    let abbrev: Option<&str> = if word.len() == 3 {
        Some(word)
    } else if word.len() == 4 && word.ends_with('.') {
        Some(&word[..3])
    } else {
        None
    };
    for (i, m) in MONTHS.iter().enumerate() {
        if abbrev.map_or(*m == word, |a| m.starts_with(a)) || (word == "SEPT" && i == 8) {
            return Some(Word::Month(i as u32 + 1));
        }
    }
    for (i, d) in DAYS.iter().enumerate() {
        let extra = matches!((word, i), ("TUES", 2) | ("WEDS", 3) | ("WEDNES", 3) | ("THUR", 4) | ("THURS", 4));
        if abbrev.map_or(*d == word, |a| d.starts_with(a)) || extra {
            return Some(Word::Day(i as u32));
        }
    }
    for (name, off) in zone.names() {
        if !name.is_empty() && name.eq_ignore_ascii_case(word) {
            return Some(Word::Zone(off));
        }
    }
    if let Some(u) = unit(word).or_else(|| word.strip_suffix('S').and_then(unit)) {
        return Some(u);
    }
    match word {
        "TOMORROW" => return Some(Word::Shift(1)),
        "YESTERDAY" => return Some(Word::Shift(-1)),
        "TODAY" | "NOW" => return Some(Word::Shift(0)),
        "AGO" => return Some(Word::Ago(-1)),
        "HENCE" => return Some(Word::Ago(1)),
        _ => {}
    }
    if let Some((_, n)) = ORDINALS.iter().find(|(w, _)| *w == word) {
        return Some(Word::Ordinal(*n));
    }
    let plain: String = word.chars().filter(|&c| c != '.').collect();
    for (name, minutes, dst) in ZONES.iter() {
        if *name == plain {
            return Some(if *dst { Word::DayZone(minutes * 60) } else { Word::Zone(minutes * 60) });
        }
    }
    None
}

fn unit(word: &str) -> Option<Word> {
    Some(match word {
        "YEAR" => Word::Unit(Unit::Year, 1),
        "MONTH" => Word::Unit(Unit::Month, 1),
        "FORTNIGHT" => Word::Unit(Unit::Day, 14),
        "WEEK" => Word::Unit(Unit::Day, 7),
        "DAY" => Word::Unit(Unit::Day, 1),
        "HOUR" => Word::Unit(Unit::Hour, 1),
        "MINUTE" | "MIN" => Word::Unit(Unit::Minute, 1),
        "SECOND" | "SEC" => Word::Unit(Unit::Second, 1),
        _ => return None,
    })
}

#[derive(Default)]
struct State {
    year: Option<(i64, usize)>,
    month: Option<i64>,
    day: Option<i64>,
    hour: i64,
    min: i64,
    sec: i64,
    nsec: u32,
    /// None: 24-hour clock; Some(pm).
    merid: Option<bool>,
    zone: Option<i32>,
    dates: u32,
    times: u32,
    zones: u32,
    days: u32,
    day_ordinal: i64,
    day_number: u32,
    rel: [i64; 6],
    rel_ns: i64,
    rels: bool,
}

struct Parser<'a> {
    toks: Vec<Tok>,
    i: usize,
    zone: &'a Zone,
    st: State,
}

impl<'a> Parser<'a> {
    fn peek(&self, k: usize) -> Option<&Tok> {
        self.toks.get(self.i + k)
    }

    fn word(&self, k: usize) -> Option<Word> {
        match self.peek(k) {
            Some(Tok::Word(w)) => lookup(w, self.zone),
            _ => None,
        }
    }

    fn unum(&self, k: usize) -> Option<(i64, usize)> {
        match self.peek(k) {
            Some(Tok::Num { v, digits, signed: false }) => Some((*v, *digits)),
            _ => None,
        }
    }

    fn snum(&self, k: usize) -> Option<(i64, usize)> {
        match self.peek(k) {
            Some(Tok::Num { v, digits, signed: true }) => Some((*v, *digits)),
            _ => None,
        }
    }

    fn is_ch(&self, k: usize, c: char) -> bool {
        self.peek(k) == Some(&Tok::Ch(c))
    }

    fn items(&mut self) -> Option<()> {
        while self.i < self.toks.len() {
            self.item()?;
        }
        Some(())
    }

    fn item(&mut self) -> Option<()> {
        if let Some((n, digits)) = self.unum(0) {
            return self.number_item(n, digits);
        }
        if let Some(Tok::Dec { sec, nsec, .. }) = self.peek(0).cloned() {
            if let Some(Word::Unit(Unit::Second, _)) = self.word(1) {
                self.i += 2;
                return self.add_rel_ns(sec, nsec);
            }
            return None;
        }
        if let Some((n, _)) = self.snum(0) {
            if let Some(Word::Unit(u, mult)) = self.word(1) {
                self.i += 2;
                return self.rel(u, n.checked_mul(mult)?);
            }
            return None;
        }
        let w = self.word(0)?;
        self.i += 1;
        match w {
            Word::Month(m) => self.month_first(m),
            Word::Day(d) => {
                if self.is_ch(0, ',') {
                    self.i += 1;
                }
                self.weekday(0, d)
            }
            Word::Ordinal(n) => match self.word(0)? {
                Word::Unit(u, mult) => {
                    self.i += 1;
                    self.rel(u, n * mult)
                }
                Word::Day(d) => {
                    self.i += 1;
                    self.weekday(n, d)
                }
                _ => None,
            },
            Word::Unit(u, mult) => self.rel(u, mult),
            Word::Shift(d) => {
                self.st.rels = true;
                self.st.rel[2] += d;
                Some(())
            }
            Word::Zone(off) | Word::DayZone(off) => {
                let mut off = off;
                if matches!(w, Word::DayZone(_)) {
                    off += 3600;
                } else if self.word(0) == Some(Word::Dst) {
                    self.i += 1;
                    off += 3600;
                } else if let Some((n, digits)) = self.snum(0) {
                    self.i += 1;
                    off = off.checked_add(self.offset_value(n, digits)?)?;
                }
                self.st.zones += 1;
                self.st.zone = Some(off);
                Some(())
            }
            _ => None,
        }
    }

    /// `+hh`, `+hhmm` or `+hh:mm` after a time or a zone name, in seconds.
    fn offset_value(&mut self, n: i64, digits: usize) -> Option<i32> {
        let neg = n < 0;
        let a = n.abs();
        let minutes = if self.is_ch(0, ':') {
            let (m, _) = self.unum(1)?;
            self.i += 2;
            a.checked_mul(60)?.checked_add(m)?
        } else if digits <= 2 {
            a * 60
        } else {
            a / 100 * 60 + a % 100
        };
        if minutes > 24 * 60 {
            return None;
        }
        let secs = (minutes * 60) as i32;
        Some(if neg { -secs } else { secs })
    }

    fn rel(&mut self, u: Unit, n: i64) -> Option<()> {
        let sign = match self.word(0) {
            Some(Word::Ago(s)) => {
                self.i += 1;
                s
            }
            _ => 1,
        };
        let idx = match u {
            Unit::Year => 0,
            Unit::Month => 1,
            Unit::Day => 2,
            Unit::Hour => 3,
            Unit::Minute => 4,
            Unit::Second => 5,
        };
        self.st.rel[idx] = self.st.rel[idx].checked_add(n.checked_mul(sign)?)?;
        self.st.rels = true;
        Some(())
    }

    fn add_rel_ns(&mut self, sec: i64, nsec: u32) -> Option<()> {
        let sign = match self.word(0) {
            Some(Word::Ago(s)) => {
                self.i += 1;
                s
            }
            _ => 1,
        };
        self.st.rel[5] = self.st.rel[5].checked_add(sec * sign)?;
        self.st.rel_ns += nsec as i64 * sign;
        self.st.rels = true;
        Some(())
    }

    fn weekday(&mut self, ordinal: i64, d: u32) -> Option<()> {
        self.st.days += 1;
        self.st.day_ordinal = ordinal;
        self.st.day_number = d;
        Some(())
    }

    fn set_date(&mut self, y: Option<(i64, usize)>, m: i64, d: i64) -> Option<()> {
        self.st.dates += 1;
        if y.is_some() {
            self.st.year = y;
        }
        self.st.month = Some(m);
        self.st.day = Some(d);
        Some(())
    }

    fn month_first(&mut self, m: u32) -> Option<()> {
        let m = m as i64;
        if let (Some((d, _)), Some((y, yd))) = (self.snum(0), self.snum(1)) {
            self.i += 2;
            return self.set_date(Some((-y, yd)), m, -d);
        }
        let (d, _) = self.unum(0)?;
        self.i += 1;
        if self.is_ch(0, ',') {
            if let Some(y) = self.unum(1) {
                self.i += 2;
                return self.set_date(Some(y), m, d);
            }
        }
        self.set_date(None, m, d)
    }

    fn number_item(&mut self, n: i64, digits: usize) -> Option<()> {
        // n:mm[:ss[.frac]] [am|pm | zone offset]
        if self.is_ch(1, ':') {
            let (m, _) = self.unum(2)?;
            self.i += 3;
            let (mut s, mut ns) = (0, 0);
            if self.is_ch(0, ':') {
                match self.peek(1).cloned() {
                    Some(Tok::Num { v, signed: false, .. }) => s = v,
                    Some(Tok::Dec { sec, nsec, signed: false }) => {
                        s = sec;
                        ns = nsec;
                    }
                    _ => return None,
                }
                self.i += 2;
            }
            return self.time(n, m, s, ns, true);
        }
        if let Some(Word::Merid(pm)) = self.word(1) {
            self.i += 2;
            self.set_time(n, 0, 0, 0, Some(pm));
            return Some(());
        }
        if self.is_ch(1, '/') {
            let (n2, _) = self.unum(2)?;
            if self.is_ch(3, '/') {
                let (n3, d3) = self.unum(4)?;
                self.i += 5;
                return if digits >= 4 { self.set_date(Some((n, digits)), n2, n3) } else { self.set_date(Some((n3, d3)), n, n2) };
            }
            self.i += 3;
            return self.set_date(None, n, n2);
        }
        if let (Some((m, _)), Some((d, _))) = (self.snum(1), self.snum(2)) {
            if m < 0 && d < 0 {
                self.i += 3;
                self.set_date(Some((n, digits)), -m, -d)?;
                if self.word(0) == Some(Word::T) {
                    self.i += 1;
                    return self.iso_time();
                }
                return Some(());
            }
        }
        match self.word(1) {
            Some(Word::Month(m)) => {
                self.i += 2;
                if let Some((y, yd)) = self.snum(0) {
                    self.i += 1;
                    return self.set_date(Some((-y, yd)), m as i64, n);
                }
                if let Some(y) = self.unum(0) {
                    self.i += 1;
                    return self.set_date(Some(y), m as i64, n);
                }
                return self.set_date(None, m as i64, n);
            }
            Some(Word::Unit(u, mult)) => {
                self.i += 2;
                return self.rel(u, n.checked_mul(mult)?);
            }
            Some(Word::Day(d)) => {
                self.i += 2;
                return self.weekday(n, d);
            }
            _ => {}
        }
        self.i += 1;
        self.bare_number(n, digits)
    }

    /// The time after an ISO date's `T`.
    fn iso_time(&mut self) -> Option<()> {
        let (h, _) = self.unum(0)?;
        if !self.is_ch(1, ':') {
            self.i += 1;
            let (z, zd) = self.snum(0)?;
            self.i += 1;
            self.set_time(h, 0, 0, 0, None);
            return self.zone_after_time(z, zd);
        }
        self.number_item(h, 0)
    }

    fn time(&mut self, h: i64, m: i64, s: i64, ns: u32, zone_ok: bool) -> Option<()> {
        if let Some(Word::Merid(pm)) = self.word(0) {
            self.i += 1;
            self.set_time(h, m, s, ns, Some(pm));
            return Some(());
        }
        self.set_time(h, m, s, ns, None);
        if zone_ok {
            if let Some((z, zd)) = self.snum(0) {
                self.i += 1;
                return self.zone_after_time(z, zd);
            }
        }
        Some(())
    }

    fn zone_after_time(&mut self, z: i64, zd: usize) -> Option<()> {
        let off = self.offset_value(z, zd)?;
        self.st.zones += 1;
        self.st.zone = Some(off);
        Some(())
    }

    fn set_time(&mut self, h: i64, m: i64, s: i64, ns: u32, merid: Option<bool>) {
        self.st.times += 1;
        self.st.hour = h;
        self.st.min = m;
        self.st.sec = s;
        self.st.nsec = ns;
        self.st.merid = merid;
    }

    /// A number standing alone: a year after a date without one, a date
    /// YYYYMMDD, or a time HH or HHMM.
    fn bare_number(&mut self, n: i64, digits: usize) -> Option<()> {
        let st = &self.st;
        if st.dates > 0 && st.year.is_none() && !st.rels && (st.times > 0 || digits > 2) {
            self.st.year = Some((n, digits));
            return Some(());
        }
        if digits > 4 {
            return self.set_date(Some((n / 10000, digits - 4)), n / 100 % 100, n % 100);
        }
        let (h, m) = if digits <= 2 { (n, 0) } else { (n / 100, n % 100) };
        self.set_time(h, m, 0, 0, None);
        Some(())
    }
}

fn to_hour(h: i64, merid: Option<bool>) -> Option<i64> {
    match merid {
        None if (0..24).contains(&h) => Some(h),
        Some(pm) if (1..=12).contains(&h) => Some(h % 12 + if pm { 12 } else { 0 }),
        _ => None,
    }
}

fn to_year(y: i64, digits: usize) -> i64 {
    if digits == 2 && (0..100).contains(&y) {
        y + if y < 69 { 2000 } else { 1900 }
    } else {
        y
    }
}

/// Splits off GNU's `TZ="..."` prefix.
fn tz_prefix(s: &str) -> Option<(Option<Zone>, &str)> {
    let t = s.trim_start();
    let rest = match t.strip_prefix("TZ=\"") {
        Some(r) => r,
        None => return Some((None, s)),
    };
    let mut name = String::new();
    let mut chars = rest.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                let (_, n) = chars.next()?;
                if n != '\\' && n != '"' {
                    return None;
                }
                name.push(n);
            }
            '"' => return Some((Some(Zone::parse(&name)), &rest[i + 1..])),
            _ => name.push(c),
        }
    }
    None
}

/// Parses a GNU date string relative to `now`, in `zone`. None when GNU
/// would say "invalid date".
pub fn parse_datetime(input: &str, now: Timespec, zone: &Zone) -> Option<Timespec> {
    let (tz, rest) = tz_prefix(input)?;
    let zone = tz.as_ref().unwrap_or(zone);
    let toks = lex(rest)?;
    if toks.first() == Some(&Tok::Ch('@')) {
        return match &toks[1..] {
            [Tok::Num { v, .. }] => Some(Timespec::new(*v, 0)),
            [Tok::Dec { sec, nsec, .. }] => Some(Timespec::new(*sec, *nsec)),
            _ => None,
        };
    }
    let mut p = Parser { toks, i: 0, zone, st: State::default() };
    p.items()?;
    let st = p.st;
    if st.times > 1 || st.dates > 1 || st.days > 1 || st.zones > 1 {
        return None;
    }
    let tm = localtime(now, zone);
    let year = match st.year {
        Some((y, d)) => to_year(y, d),
        None => tm.year,
    };
    if year.abs() > 3_000_000_000 {
        return None;
    }
    let month = st.month.unwrap_or(tm.month as i64);
    let day = st.day.unwrap_or(tm.mday as i64);
    let (hour, min, sec, nsec) = if st.times > 0 || (st.rels && st.dates == 0 && st.days == 0) {
        if st.times > 0 {
            (to_hour(st.hour, st.merid)?, st.min, st.sec, st.nsec)
        } else {
            (tm.hour as i64, tm.min as i64, tm.sec as i64, tm.nsec)
        }
    } else {
        (0, 0, 0, 0)
    };
    // mktime must not have to normalise what was written.
    if !(1..=12).contains(&month)
        || day < 1
        || day > super::days_in_month(year, month as u32) as i64
        || !(0..60).contains(&min)
        || !(0..60).contains(&sec)
    {
        return None;
    }
    let clock = hour * 3600 + min * 60 + sec;
    let mut days = days_from_civil(year, month as u32, day);
    if st.days > 0 && st.dates == 0 {
        let wday = super::weekday(days) as i64;
        let dn = st.day_number as i64;
        let ord = st.day_ordinal;
        days += (ord - i64::from(ord > 0 && wday != dn)) * 7 + (dn - wday + 7) % 7;
    }
    if st.rel[0] != 0 || st.rel[1] != 0 || st.rel[2] != 0 {
        let (y, m, d) = super::civil_from_days(days);
        let months = (m as i64 - 1).checked_add(st.rel[1])?;
        let y2 = y.checked_add(st.rel[0])?.checked_add(months.div_euclid(12))?;
        let m2 = months.rem_euclid(12) as u32 + 1;
        if y2.abs() > 1_000_000_000 {
            return None;
        }
        days = days_from_civil(y2, m2, d as i64).checked_add(st.rel[2])?;
    }
    let local = days.checked_mul(86400)?.checked_add(clock)?;
    let mut t = zone.local_to_utc(local);
    if let Some(z) = st.zone {
        let gmtoff = zone.at(t).0;
        t = t - z as i64 + gmtoff as i64;
    }
    let sum_ns = nsec as i64 + st.rel_ns;
    let norm = sum_ns.rem_euclid(1_000_000_000);
    let carry = (sum_ns - norm) / 1_000_000_000;
    t = t.checked_add(st.rel[3].checked_mul(3600)?)?;
    t = t.checked_add(st.rel[4].checked_mul(60)?)?;
    t = t.checked_add(st.rel[5])?.checked_add(carry)?;
    let result = Timespec::new(t, norm as u32);
    if !super::in_range(result, zone) {
        return None;
    }
    Some(result)
}

#[cfg(test)]
mod tests {
    use super::super::{gmtime, strftime};
    use super::*;

    fn p(s: &str) -> String {
        let now = Timespec::new(1795678426, 469346581); // 2026-11-26 07:33:46
        match parse_datetime(s, now, &Zone::utc()) {
            Some(t) => strftime("%F %T.%N %a", &gmtime(t)),
            None => "invalid".into(),
        }
    }

    #[test]
    fn gnu_examples() {
        assert_eq!(p("2020-01-02"), "2020-01-02 00:00:00.000000000 Thu");
        assert_eq!(p("2020-01-02T03:04:05"), "2020-01-02 03:04:05.000000000 Thu");
        assert_eq!(p("@1600000000.5"), "2020-09-13 12:26:40.500000000 Sun");
        assert_eq!(p("@-1"), "1969-12-31 23:59:59.000000000 Wed");
        assert_eq!(p("2020-01-02 03:04:05 +0100"), "2020-01-02 02:04:05.000000000 Thu");
        assert_eq!(p("2020-01-02T03:04:05+05:30"), "2020-01-01 21:34:05.000000000 Wed");
        assert_eq!(p("January 2, 2020 10:00"), "2020-01-02 10:00:00.000000000 Thu");
        assert_eq!(p("1/2/2020"), "2020-01-02 00:00:00.000000000 Thu");
        assert_eq!(p("20200102"), "2020-01-02 00:00:00.000000000 Thu");
        assert_eq!(p("2020-01-02 3pm"), "2020-01-02 15:00:00.000000000 Thu");
        assert_eq!(p("2020-03-31 -1 month"), "2020-03-02 00:00:00.000000000 Mon");
        assert_eq!(p("2020-01-02 10:00 EST"), "2020-01-02 15:00:00.000000000 Thu");
        assert_eq!(p("2020-01-02 10:00 CEST"), "2020-01-02 08:00:00.000000000 Thu");
        assert_eq!(p("2020-02-30"), "invalid");
        assert_eq!(p(""), "2026-11-26 00:00:00.000000000 Thu");
        assert_eq!(p("sun"), "2026-11-29 00:00:00.000000000 Sun");
        assert_eq!(p("tomorrow"), "2026-11-27 07:33:46.469346581 Fri");
        assert_eq!(p("1970-01-01 00:00 +1 sec"), "1969-12-31 23:00:01.000000000 Wed");
        assert_eq!(p("2020-01-02 1 day 2 hours ago"), "2020-01-02 22:00:00.000000000 Thu");
        assert_eq!(p("2020-01-02 second thursday"), "2020-01-02 00:00:01.000000000 Thu");
        assert_eq!(p("2020-01-02 UTC+2"), "2020-01-01 22:00:00.000000000 Wed");
        assert_eq!(p("TZ=\"JST-9\" 2020-01-02 10:00"), "2020-01-02 01:00:00.000000000 Thu");
        assert_eq!(p("Thu, 02 Jan 2020 03:04:05 +0000"), "2020-01-02 03:04:05.000000000 Thu");
        assert_eq!(p("5-Sep-2020"), "2020-09-05 00:00:00.000000000 Sat");
        assert_eq!(p("2020-01-02 13:00 pm"), "invalid");
        assert_eq!(p("2020-01-02 1230"), "2020-01-02 12:30:00.000000000 Thu");
        assert_eq!(p("1 Jan"), "2026-01-01 00:00:00.000000000 Thu");
        assert_eq!(p("Jan 2020"), "invalid");
        assert_eq!(p("2020-02-29 +1 year"), "2021-03-01 00:00:00.000000000 Mon");
        assert_eq!(p("yesterday 10:00"), "2026-11-25 10:00:00.000000000 Wed");
        assert_eq!(p("2020-01-02 10:00 -3"), "2020-01-02 13:00:00.000000000 Thu");
        assert_eq!(p("2020-01-02 sept 5"), "invalid");
        assert_eq!(p("last year"), "2025-11-26 07:33:46.469346581 Wed");
    }
}
