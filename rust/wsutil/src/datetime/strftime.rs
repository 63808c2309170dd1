//! GNU `strftime` (gnulib's nstrftime) in the C locale: every conversion,
//! the flags `-` (no padding), `_` (spaces), `0` (zeros), `^` (upper case)
//! and `#` (swap case), a field width, the ignored `E` and `O` modifiers,
//! `%N` (nanoseconds, width = digits) and `%:z`, `%::z`, `%:::z`.

use super::{days_from_civil, is_leap, weekday, Tm};

const DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS: [&str; 12] = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
];

#[derive(Clone, Copy, Default)]
struct Flags {
    /// Some('-'), Some('_'), Some('0') or Some('+') (zeros, and a plus
    /// sign before a number longer than the width).
    pad: Option<char>,
    upper: bool,
    swap: bool,
    width: Option<usize>,
}

/// Formats `tm` by `fmt` as GNU `date +FORMAT` does.
pub fn strftime(fmt: &str, tm: &Tm) -> String {
    let mut out = String::new();
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '%' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let mut f = Flags::default();
        while i < chars.len() {
            match chars[i] {
                c @ ('-' | '_' | '0' | '+') => f.pad = Some(c),
                '^' => f.upper = true,
                '#' => f.swap = true,
                _ => break,
            }
            i += 1;
        }
        let mut width = None;
        while i < chars.len() && chars[i].is_ascii_digit() {
            let d = chars[i] as usize - '0' as usize;
            width = Some(width.unwrap_or(0usize).saturating_mul(10).saturating_add(d).min(1 << 20));
            i += 1;
        }
        f.width = width;
        while i < chars.len() && (chars[i] == 'E' || chars[i] == 'O') {
            i += 1;
        }
        let mut colons = 0;
        while i < chars.len() && chars[i] == ':' {
            colons += 1;
            i += 1;
        }
        if i >= chars.len() {
            out.extend(&chars[start..]);
            break;
        }
        let conv = chars[i];
        i += 1;
        if colons > 0 && (conv != 'z' || colons > 3) {
            out.extend(&chars[start..i]);
            continue;
        }
        if !convert(&mut out, conv, colons, f, tm) {
            out.extend(&chars[start..i]);
        }
    }
    out
}

/// Appends one conversion; false for an unknown one (copied verbatim).
fn convert(out: &mut String, conv: char, colons: usize, flags: Flags, tm: &Tm) -> bool {
    // `+` adds a sign only to years; elsewhere it pads with zeros.
    let year_flags = flags;
    let f = Flags { pad: if flags.pad == Some('+') { Some('0') } else { flags.pad }, ..flags };
    let hour12 = if tm.hour % 12 == 0 { 12 } else { tm.hour % 12 };
    match conv {
        'a' => text(out, &DAYS[tm.wday as usize][..3], f, f.upper || f.swap, false),
        'A' => text(out, DAYS[tm.wday as usize], f, f.upper || f.swap, false),
        'b' | 'h' => text(out, &MONTHS[tm.month as usize - 1][..3], f, f.upper || f.swap, false),
        'B' => text(out, MONTHS[tm.month as usize - 1], f, f.upper || f.swap, false),
        'c' => {
            let s = format!("{}{}", strftime("%a %b %e %H:%M:%S ", tm), tm.year);
            text(out, &s, f, f.upper, false)
        }
        'C' => num(out, tm.year.div_euclid(100), 2, '0', f),
        'd' => num(out, tm.mday as i64, 2, '0', f),
        'D' | 'x' => text(out, &strftime("%m/%d/%y", tm), f, f.upper, false),
        'e' => num(out, tm.mday as i64, 2, ' ', f),
        'F' => text(out, &strftime("%Y-%m-%d", tm), f, f.upper, false),
        'g' => num(out, iso_week(tm).0.rem_euclid(100), 2, '0', f),
        'G' => num(out, iso_week(tm).0, 4, '0', year_flags),
        'H' => num(out, tm.hour as i64, 2, '0', f),
        'I' => num(out, hour12 as i64, 2, '0', f),
        'j' => num(out, tm.yday as i64 + 1, 3, '0', f),
        'k' => num(out, tm.hour as i64, 2, ' ', f),
        'l' => num(out, hour12 as i64, 2, ' ', f),
        'm' => num(out, tm.month as i64, 2, '0', f),
        'M' => num(out, tm.min as i64, 2, '0', f),
        'n' => text(out, "\n", f, false, false),
        'N' => nanos(out, tm.nsec, f),
        'p' => text(out, if tm.hour < 12 { "AM" } else { "PM" }, f, false, f.swap),
        'P' => text(out, if tm.hour < 12 { "am" } else { "pm" }, f, false, false),
        'q' => num(out, (tm.month as i64 - 1) / 3 + 1, 1, '0', f),
        'r' => text(out, &strftime("%I:%M:%S %p", tm), f, f.upper, false),
        'R' => text(out, &strftime("%H:%M", tm), f, f.upper, false),
        's' => num(out, tm.epoch, 1, '0', f),
        'S' => num(out, tm.sec as i64, 2, '0', f),
        't' => text(out, "\t", f, false, false),
        'T' | 'X' => text(out, &strftime("%H:%M:%S", tm), f, f.upper, false),
        'u' => num(out, if tm.wday == 0 { 7 } else { tm.wday as i64 }, 1, '0', f),
        'U' => num(out, (tm.yday as i64 + 7 - tm.wday as i64) / 7, 2, '0', f),
        'V' => num(out, iso_week(tm).1, 2, '0', f),
        'w' => num(out, tm.wday as i64, 1, '0', f),
        'W' => num(out, (tm.yday as i64 + 7 - ((tm.wday as i64 + 6) % 7)) / 7, 2, '0', f),
        'y' => num(out, tm.year.rem_euclid(100), 2, '0', f),
        'Y' => num(out, tm.year, 4, '0', year_flags),
        'z' => zone_offset(out, tm.gmtoff, colons, f),
        'Z' => text(out, &tm.zone, f, f.upper, f.swap),
        '%' => text(out, "%", f, false, false),
        _ => return false,
    }
    true
}

/// A string field: case changes, then padding to the width (spaces, or
/// zeros with the `0` flag; none with `-`).
fn text(out: &mut String, s: &str, f: Flags, upper: bool, lower: bool) {
    let s = if upper {
        s.to_uppercase()
    } else if lower {
        s.to_lowercase()
    } else {
        s.to_string()
    };
    let len = s.chars().count();
    if let (Some(w), false) = (f.width, f.pad == Some('-')) {
        let fill = if f.pad == Some('0') { '0' } else { ' ' };
        for _ in len..w {
            out.push(fill);
        }
    }
    out.push_str(&s);
}

/// A number field with its default width and padding character.
fn num(out: &mut String, v: i64, digits: usize, default_pad: char, f: Flags) {
    let pad = match f.pad {
        Some('-') => None,
        Some('_') => Some(' '),
        Some('0') | Some('+') => Some('0'),
        _ => Some(default_pad),
    };
    let body = v.unsigned_abs().to_string();
    let width = f.width.unwrap_or(digits);
    let sign = if v < 0 {
        "-"
    } else if f.pad == Some('+') && (v > if digits == 2 { 99 } else { 9999 } || width > digits) {
        // gnulib: a plus sign when the number outgrows its usual digits
        // or a wider field was asked for.
        "+"
    } else {
        ""
    };
    match pad {
        None => {
            out.push_str(sign);
            out.push_str(&body);
        }
        Some('0') => {
            out.push_str(sign);
            for _ in (sign.len() + body.len())..width {
                out.push('0');
            }
            out.push_str(&body);
        }
        Some(c) => {
            for _ in (sign.len() + body.len())..width {
                out.push(c);
            }
            out.push_str(sign);
            out.push_str(&body);
        }
    }
}

/// `%N`: the first WIDTH digits of the nanoseconds (9 by default), zeros
/// added on the right past nine.
fn nanos(out: &mut String, nsec: u32, f: Flags) {
    let digits = format!("{:09}", nsec);
    let w = f.width.unwrap_or(9);
    if w <= 9 {
        out.push_str(&digits[..w.max(1)]);
    } else {
        out.push_str(&digits);
        for _ in 9..w {
            out.push('0');
        }
    }
}

/// `%z` (+hhmm), `%:z` (+hh:mm), `%::z` (+hh:mm:ss), `%:::z` (as few
/// fields as needed).
fn zone_offset(out: &mut String, off: i32, colons: usize, f: Flags) {
    let sign = if off < 0 { '-' } else { '+' };
    let a = off.unsigned_abs();
    let (h, m, s) = (a / 3600, a / 60 % 60, a % 60);
    if colons == 0 {
        let v = (h * 100 + m) as i64;
        match f.pad {
            Some('-') => {
                out.push(sign);
                out.push_str(&v.to_string());
            }
            Some('_') => {
                let body = format!("{}{}", sign, v);
                let w = f.width.unwrap_or(5);
                for _ in body.len()..w {
                    out.push(' ');
                }
                out.push_str(&body);
            }
            _ => {
                out.push(sign);
                let w = f.width.map_or(4, |w| w.saturating_sub(1).max(4));
                out.push_str(&format!("{:0w$}", v, w = w));
            }
        }
        return;
    }
    let body = match colons {
        1 => format!("{:02}:{:02}", h, m),
        2 => format!("{:02}:{:02}:{:02}", h, m, s),
        _ if s != 0 => format!("{:02}:{:02}:{:02}", h, m, s),
        _ if m != 0 => format!("{:02}:{:02}", h, m),
        _ => format!("{:02}", h),
    };
    let total = body.len() + 1;
    let w = f.width.unwrap_or(0);
    if w > total && f.pad == Some('_') {
        for _ in total..w {
            out.push(' ');
        }
        out.push(sign);
    } else {
        out.push(sign);
        for _ in total..w {
            out.push('0');
        }
    }
    out.push_str(&body);
}

/// ISO 8601 week-based (year, week).
fn iso_week(tm: &Tm) -> (i64, i64) {
    let wd = (tm.wday as i64 + 6) % 7; // Monday = 0
    let week = (tm.yday as i64 - wd + 10) / 7;
    if week < 1 {
        let y = tm.year - 1;
        (y, weeks_in(y))
    } else if week > weeks_in(tm.year) {
        (tm.year + 1, 1)
    } else {
        (tm.year, week)
    }
}

fn weeks_in(year: i64) -> i64 {
    let jan1 = weekday(days_from_civil(year, 1, 1));
    if jan1 == 4 || (jan1 == 3 && is_leap(year)) {
        53
    } else {
        52
    }
}

#[cfg(test)]
mod tests {
    use super::super::{gmtime, Timespec};
    use super::*;

    #[test]
    fn formats() {
        let tm = gmtime(Timespec::new(1577934245, 123456789));
        assert_eq!(strftime("%Y|%_5d|%-5d|%05e|%^a|%#Z|%#p|%10N|%3N", &tm), "2020|    2|2|00002|THU|utc|am|1234567890|123");
        assert_eq!(strftime("%G %V %g %U %W %j %u %w %C %y", &tm), "2020 01 20 00 00 002 4 4 20 20");
        assert_eq!(strftime("%:::z %::z %:z %z %10z %-z %_z %_10z %010:z", &tm), "+00 +00:00:00 +00:00 +0000 +000000000 +0    +0         +0 +000000:00");
        assert_eq!(strftime("%5%|%Q|%|%Ey|x%", &tm), "    %|%Q|%|20|x%");
        assert_eq!(strftime("%c|%r|%010b|%^10b|%-10b|%0e|%-k|%0k", &tm), "Thu Jan  2 03:04:05 2020|03:04:05 AM|0000000Jan|       JAN|Jan|02|3|03");
    }
}
