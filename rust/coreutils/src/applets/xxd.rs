//! `xxd`: hex dump and its reverse, as vim's xxd (2022-01-14) does it.
//!
//! xxd has its own option syntax: any option may be spelled by its first
//! letter and anything after (`-cols 8`, `-c8`, `--cols`), values are C
//! numbers (0x, 0 prefixes), and the last of -b, -e, -i, -p wins. The
//! dump line is laid out in a fixed buffer (address, hex groups, then the
//! text column at a fixed place), which the code here follows so that
//! partial lines and odd group sizes come out byte for byte the same.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::mem::ManuallyDrop;
#[cfg(not(target_os = "wasi"))]
use std::os::unix::io::FromRawFd;
#[cfg(target_os = "wasi")]
use std::os::wasi::io::FromRawFd;
use wsutil::strerror;

pub const APPLETS: &[wsutil::Applet] = &[("xxd", main)];

const VERSION: &str = "xxd 2022-01-14 by Juergen Weigert et al.";

const USAGE: &str = "Usage:
       xxd [options] [infile [outfile]]
    or
       xxd -r [-s [-]offset] [-c cols] [-ps] [infile [outfile]]
Options:
    -a          toggle autoskip: A single '*' replaces nul-lines. Default off.
    -b          binary digit dump (incompatible with -ps,-i,-r). Default hex.
    -C          capitalize variable names in C include file style (-i).
    -c cols     format <cols> octets per line. Default 16 (-i: 12, -ps: 30).
    -E          show characters in EBCDIC. Default ASCII.
    -e          little-endian dump (incompatible with -ps,-i,-r).
    -g bytes    number of octets per group in normal output. Default 2 (-e: 4).
    -h          print this summary.
    -i          output in C include file style.
    -l len      stop after <len> octets.
    -n name     set the variable name used in C include output (-i).
    -o off      add <off> to the displayed file position.
    -ps         output in postscript plain hexdump style.
    -r          reverse operation: convert (or patch) hexdump into binary.
    -r -s off   revert with <off> added to file positions found in hexdump.
    -d          show offset in decimal instead of hex.
    -s [+][-]seek  start at <seek> bytes abs. (or +: rel.) infile offset.
    -u          use upper case hex letters.
    -v          show version: \"xxd 2022-01-14 by Juergen Weigert et al.\".
";

/// EBCDIC to ASCII for bytes 64..=255 (xxd -E).
const ETOA64: [u8; 192] = [
    0o040, 0o240, 0o241, 0o242, 0o243, 0o244, 0o245, 0o246, 0o247, 0o250, 0o325, 0o056, 0o074, 0o050, 0o053, 0o174,
    0o046, 0o251, 0o252, 0o253, 0o254, 0o255, 0o256, 0o257, 0o260, 0o261, 0o041, 0o044, 0o052, 0o051, 0o073, 0o176,
    0o055, 0o057, 0o262, 0o263, 0o264, 0o265, 0o266, 0o267, 0o270, 0o271, 0o313, 0o054, 0o045, 0o137, 0o076, 0o077,
    0o272, 0o273, 0o274, 0o275, 0o276, 0o277, 0o300, 0o301, 0o302, 0o140, 0o072, 0o043, 0o100, 0o047, 0o075, 0o042,
    0o303, 0o141, 0o142, 0o143, 0o144, 0o145, 0o146, 0o147, 0o150, 0o151, 0o304, 0o305, 0o306, 0o307, 0o310, 0o311,
    0o312, 0o152, 0o153, 0o154, 0o155, 0o156, 0o157, 0o160, 0o161, 0o162, 0o136, 0o314, 0o315, 0o316, 0o317, 0o320,
    0o321, 0o345, 0o163, 0o164, 0o165, 0o166, 0o167, 0o170, 0o171, 0o172, 0o322, 0o323, 0o324, 0o133, 0o326, 0o327,
    0o330, 0o331, 0o332, 0o333, 0o334, 0o335, 0o336, 0o337, 0o340, 0o341, 0o342, 0o343, 0o344, 0o135, 0o346, 0o347,
    0o173, 0o101, 0o102, 0o103, 0o104, 0o105, 0o106, 0o107, 0o110, 0o111, 0o350, 0o351, 0o352, 0o353, 0o354, 0o355,
    0o175, 0o112, 0o113, 0o114, 0o115, 0o116, 0o117, 0o120, 0o121, 0o122, 0o356, 0o357, 0o360, 0o361, 0o362, 0o363,
    0o134, 0o237, 0o123, 0o124, 0o125, 0o126, 0o127, 0o130, 0o131, 0o132, 0o364, 0o365, 0o366, 0o367, 0o370, 0o371,
    0o060, 0o061, 0o062, 0o063, 0o064, 0o065, 0o066, 0o067, 0o070, 0o071, 0o372, 0o373, 0o374, 0o375, 0o376, 0o377,
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Normal,
    Postscript,
    CInclude,
    Bits,
    LittleEndian,
}

struct Opts {
    style: Style,
    autoskip: bool,
    upper: bool,
    capitalize: bool,
    decimal: bool,
    revert: bool,
    ebcdic: bool,
    cols: i64,
    cols_given: bool,
    group: i64,
    length: i64,
    seek: i64,
    relative_seek: bool,
    negative_seek: bool,
    seek_given: bool,
    display_offset: u64,
    name: Option<String>,
}

/// Exit with this status (a message already printed).
struct Exit(i32);

fn usage() -> Exit {
    eprint!("{}", USAGE);
    Exit(1)
}

fn fail(status: i32, msg: &str) -> Exit {
    eprintln!("xxd: {}", msg);
    Exit(status)
}

/// C's `strtol(s, NULL, 0)`: leading blanks, sign, 0x/0 prefixes, as many
/// digits as there are; 0 when there are none.
fn strtol(s: &str) -> i64 {
    let b = s.trim_start().as_bytes();
    let (neg, mut i) = match b.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let mut radix = 10;
    if b.get(i) == Some(&b'0') {
        if matches!(b.get(i + 1), Some(b'x' | b'X')) && b.get(i + 2).map_or(false, |c| c.is_ascii_hexdigit()) {
            radix = 16;
            i += 2;
        } else {
            radix = 8;
        }
    }
    let mut v: i64 = 0;
    while let Some(d) = b.get(i).and_then(|&c| (c as char).to_digit(radix)) {
        v = v.saturating_mul(radix as i64).saturating_add(d as i64);
        i += 1;
    }
    if neg {
        -v
    } else {
        v
    }
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(()) => 0,
        Err(Exit(code)) => code,
    }
}

/// The value of an option: attached after its letters unless they begin
/// the long name (`-c8` vs `-cols 8`), else the next argument.
fn value<'a>(arg: &'a str, long_rest: &str, args: &'a [String], i: &mut usize) -> Result<&'a str, Exit> {
    let rest = &arg[2..];
    if !rest.is_empty() && !rest.starts_with(long_rest) {
        return Ok(rest);
    }
    *i += 1;
    args.get(*i).map(String::as_str).ok_or_else(usage)
}

fn parse(argv: &[String]) -> Result<(Opts, Vec<String>), Exit> {
    let mut o = Opts {
        style: Style::Normal,
        autoskip: false,
        upper: false,
        capitalize: false,
        decimal: false,
        revert: false,
        ebcdic: false,
        cols: 0,
        cols_given: false,
        group: -1,
        length: -1,
        seek: 0,
        relative_seek: true,
        negative_seek: false,
        seek_given: false,
        display_offset: 0,
        name: None,
    };
    let mut i = 0;
    while i < argv.len() {
        let raw = argv[i].as_str();
        // `--cols` is `-cols`.
        let a = if raw.starts_with("--") && raw.len() > 2 { &raw[1..] } else { raw };
        if a == "--" {
            i += 1;
            break;
        }
        if !a.starts_with('-') || a.len() < 2 {
            break;
        }
        match a.as_bytes()[1] {
            b'a' => o.autoskip = !o.autoskip,
            b'b' => o.style = Style::Bits,
            b'e' => o.style = Style::LittleEndian,
            b'u' => o.upper = true,
            b'p' => o.style = Style::Postscript,
            b'i' => o.style = Style::CInclude,
            b'C' => o.capitalize = true,
            b'd' => o.decimal = true,
            b'r' => o.revert = true,
            b'E' => o.ebcdic = true,
            b'h' => return Err(usage()),
            b'v' => {
                eprintln!("{}", VERSION);
                return Err(Exit(0));
            }
            b'c' if a[2..].starts_with("apitalize") && a.len() > 2 => o.capitalize = true,
            b'c' => {
                o.cols = strtol(value(a, "ols", argv, &mut i)?);
                o.cols_given = true;
            }
            b'g' => o.group = strtol(value(a, "roup", argv, &mut i)?),
            b'o' => {
                let v = value(a, "ffset", argv, &mut i)?;
                let v = v.strip_prefix('+').unwrap_or(v);
                o.display_offset = match v.strip_prefix('-') {
                    Some(n) => (strtol(n) as u64).wrapping_neg(),
                    None => strtol(v) as u64,
                };
            }
            b's' => {
                let rest = &a[2..];
                let v = if !rest.is_empty() && !rest.starts_with("kip") && !rest.starts_with("eek") {
                    rest
                } else {
                    i += 1;
                    argv.get(i).map(String::as_str).ok_or_else(usage)?
                };
                o.seek_given = true;
                o.relative_seek = v.starts_with('+');
                let v = v.strip_prefix('+').unwrap_or(v);
                o.negative_seek = v.starts_with('-');
                o.seek = strtol(v.strip_prefix('-').unwrap_or(v));
            }
            b'l' => o.length = strtol(value(a, "en", argv, &mut i)?),
            b'n' => o.name = Some(value(a, "ame", argv, &mut i)?.to_string()),
            _ => return Err(usage()),
        }
        i += 1;
    }
    let files = argv[i.min(argv.len())..].to_vec();
    if files.len() > 2 {
        return Err(usage());
    }
    Ok((o, files))
}

fn stdio(fd: u32) -> ManuallyDrop<File> {
    // SAFETY: descriptors 0 and 1 stay open for the whole process, and
    // ManuallyDrop keeps this handle from closing them.
    ManuallyDrop::new(unsafe { File::from_raw_fd(fd as _) })
}

fn run(argv: &[String]) -> Result<(), Exit> {
    let (mut o, files) = parse(argv)?;
    if !o.cols_given || (o.cols == 0 && o.style != Style::Postscript) {
        o.cols = match o.style {
            Style::Postscript => 30,
            Style::CInclude => 12,
            Style::Bits => 6,
            _ => 16,
        };
    }
    if o.group < 0 {
        o.group = match o.style {
            Style::Bits => 1,
            Style::Normal => 2,
            Style::LittleEndian => 4,
            _ => 0,
        };
    }
    let dumps = matches!(o.style, Style::Normal | Style::Bits | Style::LittleEndian);
    if (o.style == Style::Postscript && o.cols < 0) || (o.style != Style::Postscript && o.cols < 1) || (dumps && o.cols > 256)
    {
        return Err(fail(1, "invalid number of columns (max. 256)."));
    }
    if o.group < 1 || o.group > o.cols {
        o.group = o.cols;
    } else if o.style == Style::LittleEndian && o.group & (o.group - 1) != 0 {
        return Err(fail(1, "number of octets per group must be a power of 2 with -e."));
    }
    let in_name = files.first().filter(|f| f.as_str() != "-").cloned();
    let mut input: ManuallyDrop<File> = match &in_name {
        None => stdio(0),
        Some(name) => match File::open(name) {
            Ok(f) => ManuallyDrop::new(f),
            Err(e) => return Err(fail(2, &format!("{}: {}", name, strerror(&e)))),
        },
    };
    let out_file: ManuallyDrop<File> = match files.get(1).filter(|f| f.as_str() != "-") {
        None => stdio(1),
        Some(name) => {
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create(true);
            if !o.revert {
                opts.truncate(true);
            }
            match opts.open(name) {
                Ok(f) => ManuallyDrop::new(f),
                Err(e) => return Err(fail(3, &format!("{}: {}", name, strerror(&e)))),
            }
        }
    };
    if o.revert {
        if !matches!(o.style, Style::Normal | Style::Postscript) {
            return Err(fail(255, "Sorry, cannot revert this type of hexdump"));
        }
        let base = if o.negative_seek { -o.seek } else { o.seek };
        return revert(&o, &mut input, out_file, base);
    }
    let mut reader = std::io::BufReader::with_capacity(64 * 1024, &*input);
    let mut seekoff: i64 = 0;
    if o.seek_given && (o.seek != 0 || o.negative_seek || !o.relative_seek) {
        let signed = if o.negative_seek { -o.seek } else { o.seek };
        let target = if o.relative_seek {
            SeekFrom::Current(signed)
        } else if o.negative_seek {
            SeekFrom::End(signed)
        } else {
            SeekFrom::Start(o.seek.max(0) as u64)
        };
        match (&*input).seek(target) {
            Ok(pos) => seekoff = pos as i64,
            Err(_) if o.negative_seek => return Err(fail(4, "Sorry, cannot seek.")),
            Err(_) => {
                let mut left = o.seek;
                let mut byte = [0u8; 1];
                while left > 0 {
                    if reader.read(&mut byte).unwrap_or(0) == 0 {
                        return Err(fail(4, "Sorry, cannot seek."));
                    }
                    left -= 1;
                }
                seekoff = o.seek;
            }
        }
    }
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, &*out_file);
    let data = Bytes { reader: &mut reader, left: o.length };
    let r = match o.style {
        Style::CInclude => c_include(&o, data, in_name.as_deref(), &mut out),
        Style::Postscript => postscript(&o, data, &mut out),
        _ => dump(&o, data, seekoff, &mut out),
    };
    let _ = out.flush();
    r
}

/// The input, one byte at a time, stopping after -l bytes.
struct Bytes<'a> {
    reader: &'a mut dyn Read,
    left: i64,
}

impl<'a> Bytes<'a> {
    fn next(&mut self) -> Result<Option<u8>, Exit> {
        if self.left == 0 {
            return Ok(None);
        }
        let mut b = [0u8; 1];
        loop {
            match self.reader.read(&mut b) {
                Ok(0) => return Ok(None),
                Ok(_) => break,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(fail(2, strerror(&e))),
            }
        }
        if self.left > 0 {
            self.left -= 1;
        }
        Ok(Some(b[0]))
    }
}

fn hex_digits(upper: bool) -> &'static [u8; 16] {
    if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    }
}

fn c_include(o: &Opts, mut data: Bytes, in_name: Option<&str>, out: &mut dyn Write) -> Result<(), Exit> {
    let name = o.name.as_deref().or(in_name);
    let ident = |n: &str| -> String {
        let mut s = String::new();
        if n.starts_with(|c: char| c.is_ascii_digit()) {
            s.push_str("__");
        }
        for c in n.bytes() {
            s.push(if c.is_ascii_alphanumeric() {
                if o.capitalize {
                    c.to_ascii_uppercase() as char
                } else {
                    c as char
                }
            } else {
                '_'
            });
        }
        s
    };
    if let Some(n) = name {
        let _ = write!(out, "unsigned char {}[] = {{\n", ident(n));
    }
    let mut p: i64 = 0;
    while let Some(c) = data.next()? {
        let sep = if p % o.cols != 0 {
            ", "
        } else if p == 0 {
            "  "
        } else {
            ",\n  "
        };
        let _ = if o.upper { write!(out, "{}0X{:02X}", sep, c) } else { write!(out, "{}0x{:02x}", sep, c) };
        p += 1;
    }
    if p > 0 {
        let _ = out.write_all(b"\n");
    }
    if let Some(n) = name {
        let _ = write!(out, "}};\nunsigned int {}_{} = {};\n", ident(n), if o.capitalize { "LEN" } else { "len" }, p);
    }
    Ok(())
}

fn postscript(o: &Opts, mut data: Bytes, out: &mut dyn Write) -> Result<(), Exit> {
    let hex = hex_digits(o.upper);
    let mut p = o.cols;
    while let Some(e) = data.next()? {
        let _ = out.write_all(&[hex[(e >> 4) as usize], hex[(e & 15) as usize]]);
        if o.cols > 0 {
            p -= 1;
            if p == 0 {
                let _ = out.write_all(b"\n");
                p = o.cols;
            }
        }
    }
    if o.cols == 0 || p < o.cols {
        let _ = out.write_all(b"\n");
    }
    Ok(())
}

/// xxd's suppression of runs of all-zero lines (-a): the first is shown,
/// a second is held back, more become one `*`, and the last line of the
/// input is always shown.
struct Lines {
    held: Vec<u8>,
    zero_seen: i32,
}

impl Lines {
    /// `nonzero`: 0 for a line of zeros, 1 otherwise, -1 at the end.
    fn put(&mut self, out: &mut dyn Write, line: &[u8], nonzero: i32) {
        if nonzero == 0 && self.zero_seen == 1 {
            self.held = line.to_vec();
        }
        let first_zero = self.zero_seen == 0;
        if nonzero == 0 {
            self.zero_seen += 1;
        }
        if nonzero != 0 || first_zero {
            if nonzero != 0 {
                if nonzero < 0 {
                    self.zero_seen -= 1;
                }
                if self.zero_seen == 2 {
                    let _ = out.write_all(&self.held);
                }
                if self.zero_seen > 2 {
                    let _ = out.write_all(b"*\n");
                }
            }
            if nonzero >= 0 || self.zero_seen > 0 {
                let _ = out.write_all(line);
            }
            if nonzero != 0 {
                self.zero_seen = 0;
            }
        }
    }
}

fn dump(o: &Opts, mut data: Bytes, seekoff: i64, out: &mut dyn Write) -> Result<(), Exit> {
    let hex = hex_digits(o.upper);
    let cols = o.cols as usize;
    let group = o.group as usize;
    let grplen = if o.style == Style::Bits { 8 * group + 1 } else { 2 * group + 1 };
    let mut line: Vec<u8> = Vec::new();
    let mut addrlen = 9;
    let mut p = 0usize;
    let mut n: u64 = 0;
    let mut nonzero = 0;
    let mut c = 0usize;
    let mut lines = Lines { held: Vec::new(), zero_seen: 0 };
    while let Some(e) = data.next()? {
        if p == 0 {
            let addr = n.wrapping_add(seekoff as u64).wrapping_add(o.display_offset);
            let text = if o.decimal { format!("{:08}:", addr) } else { format!("{:08x}:", addr) };
            addrlen = text.len();
            line.clear();
            line.extend_from_slice(text.as_bytes());
            line.resize(addrlen + 16 * cols + cols + 8, b' ');
        }
        let x = if o.style == Style::LittleEndian { p ^ (group - 1) } else { p };
        c = addrlen + 1 + (grplen * x) / group;
        if o.style == Style::Bits {
            for i in (0..8).rev() {
                line[c] = if e & (1 << i) != 0 { b'1' } else { b'0' };
                c += 1;
            }
        } else {
            line[c] = hex[(e >> 4) as usize];
            line[c + 1] = hex[(e & 15) as usize];
        }
        if e != 0 {
            nonzero += 1;
        }
        // (This xxd puts the text column of -e where that of the plain
        // dump is, even when the groups run into it.)
        c = (grplen * cols - 1) / group;
        let shown = if o.ebcdic {
            if e < 64 {
                b'.'
            } else {
                ETOA64[(e - 64) as usize]
            }
        } else {
            e
        };
        c += addrlen + 3 + p;
        line[c] = if shown > 31 && shown < 127 { shown } else { b'.' };
        c += 1;
        n += 1;
        p += 1;
        if p == cols {
            line.truncate(c);
            line.push(b'\n');
            lines.put(out, &line, if o.autoskip { nonzero } else { 1 });
            nonzero = 0;
            p = 0;
        }
    }
    if p > 0 {
        line.truncate(c);
        line.push(b'\n');
        lines.put(out, &line, 1);
    } else if o.autoskip {
        lines.put(out, &line, -1);
    }
    Ok(())
}

fn hex_value(c: u8) -> i32 {
    (c as char).to_digit(16).map_or(-1, |d| d as i32)
}

/// -r: reads a dump (or plain hex with -p) and writes the bytes, at the
/// offsets the dump gives (plus -s), filling gaps with zeros where the
/// output cannot seek.
fn revert(o: &Opts, input: &mut ManuallyDrop<File>, out: ManuallyDrop<File>, base: i64) -> Result<(), Exit> {
    let ps = o.style == Style::Postscript;
    let cols = o.cols;
    let mut text = Vec::new();
    if let Err(e) = (&**input).read_to_end(&mut text) {
        return Err(fail(2, strerror(&e)));
    }
    let mut w = std::io::BufWriter::with_capacity(64 * 1024, &*out);
    let (mut n1, mut n2) = (-1i32, 0i32);
    let mut n3: i32;
    let mut ignore_garbage = true;
    let mut p = cols;
    let mut want: i64 = 0;
    let mut have: i64 = 0;
    let mut i = 0;
    while i < text.len() {
        let mut c = text[i];
        i += 1;
        if c == b'\r' || (ps && (c == b' ' || c == b'\n' || c == b'\t')) {
            continue;
        }
        n3 = n2;
        n2 = n1;
        n1 = hex_value(c);
        if n1 == -1 && ignore_garbage {
            continue;
        }
        ignore_garbage = false;
        if !ps && p >= cols {
            if n1 < 0 {
                p = 0;
            } else {
                want = (want << 4) | n1 as i64;
            }
            continue;
        }
        if base + want != have {
            let _ = w.flush();
            if (&*out).seek(SeekFrom::Current(base + want - have)).is_ok() {
                have = base + want;
            }
            if base + want < have {
                let _ = w.flush();
                return Err(fail(5, "Sorry, cannot seek backwards."));
            }
            while have < base + want {
                let _ = w.write_all(&[0]);
                have += 1;
            }
        }
        let mut skip_line = false;
        if n2 >= 0 && n1 >= 0 {
            let _ = w.write_all(&[((n2 << 4) | n1) as u8]);
            have += 1;
            want += 1;
            n1 = -1;
            if !ps {
                p += 1;
                if p >= cols {
                    skip_line = true;
                }
            }
        } else if n1 < 0 && n2 < 0 && n3 < 0 {
            skip_line = true;
        }
        if skip_line {
            while c != b'\n' && i < text.len() {
                c = text[i];
                i += 1;
            }
        }
        if c == b'\n' {
            if !ps {
                want = 0;
            }
            p = cols;
            ignore_garbage = true;
        }
    }
    let _ = w.flush();
    Ok(())
}
