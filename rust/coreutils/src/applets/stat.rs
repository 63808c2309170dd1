//! `stat`: file status, in GNU's default layout, `--terse`, or a `-c` /
//! `--printf` format with every %-sequence GNU documents for files
//! (printf-style flags, width and precision included). `-f` (file system
//! status) is not supported.

use std::io::Write;
use wsutil::args::{self, HasArg, Item, Spec, HELP, LONG1, LONG2, VERSION};
use wsutil::datetime::{localtime, strftime, Timespec, Zone};
use wsutil::fsmeta::{self, FileStat, Names};
use wsutil::io::{stdout, Out};
use wsutil::{quote_always, quote_locale, report, show_error, strerror, Error, Result, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("stat", main)];

const SPEC: Spec = Spec {
    short: "Lfc:t",
    long: &[
        ("dereference", HasArg::No, 'L'),
        ("file-system", HasArg::No, 'f'),
        ("format", HasArg::Required, 'c'),
        ("printf", HasArg::Required, LONG1),
        ("terse", HasArg::No, 't'),
        ("cached", HasArg::Required, LONG2),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: stat [OPTION]... FILE...
Display file or file system status.

  -L, --dereference     follow links
  -f, --file-system     display file system status instead of file status
      --cached=MODE     specify how to use cached attributes
  -c  --format=FORMAT   use the specified FORMAT instead of the default;
                          output a newline after each use of FORMAT
      --printf=FORMAT   like --format, but interpret backslash escapes,
                          and do not output a mandatory trailing newline
  -t, --terse           print the information in terse form
";

const TERSE: &str = "%n %s %b %f %u %g %D %i %h %t %T %X %Y %Z %W %o\n";

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

fn run(argv: &[String]) -> Result<i32> {
    let mut follow = false;
    let mut format: Option<String> = None;
    let mut escapes = false;
    let mut terse = false;
    let mut files = Vec::new();
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt('L', _) => follow = true,
            Item::Opt('f', _) => return Err(Error::Unsupported("--file-system".into())),
            Item::Opt('c', Some(v)) => {
                format = Some(v);
                escapes = false;
            }
            Item::Opt(LONG1, Some(v)) => {
                format = Some(v);
                escapes = true;
            }
            Item::Opt('t', _) => terse = true,
            Item::Opt(LONG2, Some(v)) => cached_mode(&v)?,
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("stat (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    if files.is_empty() {
        return Err(UsageError::new("missing operand").into());
    }
    let mut ctx = Ctx { names: Names::new(), zone: Zone::from_env(), escapes, literal_names: false };
    let mut out = stdout();
    let mut status = 0;
    for f in &files {
        let st = if f == "-" { fsmeta::fstat(0) } else { fsmeta::stat(f, follow) };
        let st = match st {
            Ok(st) => st,
            Err(e) => {
                out.flush()?;
                show_error(&format!("cannot statx {}: {}", quote_always(f), strerror(&e)));
                status = 1;
                continue;
            }
        };
        let fmt = match &format {
            Some(f) => f.clone(),
            None if terse => TERSE.to_string(),
            None => {
                ctx.literal_names = true;
                default_format(&st)
            }
        };
        let file = File { name: f, st: &st, follow };
        if !print_it(&mut out, &fmt, &file, &mut ctx)? {
            status = 1;
        }
        if format.is_some() && !escapes {
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    Ok(status)
}

/// `--cached=MODE` changes nothing here (no remote file systems), but its
/// argument is checked as GNU checks it.
fn cached_mode(v: &str) -> Result<()> {
    const MODES: [&str; 3] = ["default", "never", "always"];
    let hits: Vec<_> = MODES.iter().filter(|m| !v.is_empty() && m.starts_with(v)).collect();
    if MODES.contains(&v) || hits.len() == 1 {
        return Ok(());
    }
    let kind = if hits.is_empty() { "invalid" } else { "ambiguous" };
    let mut msg = format!("{} argument {} for {}\nValid arguments are:", kind, quote_locale(v), quote_locale("--cached"));
    for m in MODES {
        msg.push_str(&format!("\n  - {}", quote_locale(m)));
    }
    Err(UsageError::new(msg).into())
}

fn default_format(st: &FileStat) -> String {
    let device = if st.file_type() == fsmeta::S_IFCHR || st.file_type() == fsmeta::S_IFBLK {
        "Device: %Hd,%Ld\tInode: %-11i Links: %-5h Device type: %Hr,%Lr\n"
    } else {
        "Device: %Hd,%Ld\tInode: %-11i Links: %h\n"
    };
    format!(
        "  File: %N\n  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\n{}Access: (%04a/%10.10A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\nAccess: %x\nModify: %y\nChange: %z\n Birth: %w\n",
        device
    )
}

struct Ctx {
    names: Names,
    zone: Zone,
    escapes: bool,
    /// The default layout prints names without quotes.
    literal_names: bool,
}

struct File<'a> {
    name: &'a str,
    st: &'a FileStat,
    follow: bool,
}

/// A printf directive's flags, width and precision (`%-10.3s`).
#[derive(Default, Clone)]
struct Directive {
    flags: String,
    width: usize,
    precision: Option<usize>,
    /// A `.` with no digits: precision 0, but `%.X` means nine digits.
    bare_dot: bool,
}

impl Directive {
    fn has(&self, c: char) -> bool {
        self.flags.contains(c)
    }

    /// `%s` with this directive.
    fn string(&self, s: &str) -> String {
        let s: String = match self.precision {
            Some(p) => s.chars().take(p).collect(),
            None => s.to_string(),
        };
        self.pad(s, false)
    }

    fn pad(&self, s: String, zeros_ok: bool) -> String {
        let len = s.chars().count();
        if len >= self.width {
            return s;
        }
        let fill = self.width - len;
        if self.has('-') {
            format!("{}{}", s, " ".repeat(fill))
        } else if zeros_ok && self.has('0') && self.precision.is_none() {
            // Zeros go after any sign or 0x prefix.
            let split = s.find(|c: char| c.is_ascii_digit()).unwrap_or(0);
            let split = if s[split..].starts_with("0x") { split + 2 } else { split };
            format!("{}{}{}", &s[..split], "0".repeat(fill), &s[split..])
        } else {
            format!("{}{}", " ".repeat(fill), s)
        }
    }

    /// `%llu`, `%llo` or `%llx` of `v` (unsigned: no sign flags).
    fn int(&self, v: i128, base: u32) -> String {
        let a = v.unsigned_abs();
        let mut digits = match base {
            8 => format!("{:o}", a),
            16 => format!("{:x}", a),
            _ => a.to_string(),
        };
        if let Some(p) = self.precision {
            if p == 0 && a == 0 {
                digits.clear();
            }
            while digits.len() < p {
                digits.insert(0, '0');
            }
        }
        let mut prefix = String::new();
        if self.has('#') {
            if base == 8 && !digits.starts_with('0') {
                digits.insert(0, '0');
            } else if base == 16 && a != 0 {
                prefix.push_str("0x");
            }
        }
        self.pad(format!("{}{}", prefix, digits), true)
    }
}

/// Prints one file by `fmt`; false if a directive failed (none can here,
/// but GNU's interface keeps the status).
fn print_it(out: &mut Out, fmt: &str, f: &File, ctx: &mut Ctx) -> Result<bool> {
    let b: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    let mut text: Vec<u8> = Vec::new();
    while i < b.len() {
        match b[i] {
            '%' => {
                let start = i;
                i += 1;
                let mut d = Directive::default();
                while i < b.len() && "'-+ #0".contains(b[i]) {
                    d.flags.push(b[i]);
                    i += 1;
                }
                while i < b.len() && b[i].is_ascii_digit() {
                    d.width = d.width.saturating_mul(10).saturating_add(b[i] as usize - '0' as usize).min(1 << 20);
                    i += 1;
                }
                if i < b.len() && b[i] == '.' {
                    i += 1;
                    let mut p = 0usize;
                    while i < b.len() && b[i].is_ascii_digit() {
                        p = p.saturating_mul(10).saturating_add(b[i] as usize - '0' as usize).min(1 << 20);
                        i += 1;
                    }
                    d.bare_dot = b.get(i - 1) == Some(&'.');
                    d.precision = Some(p);
                }
                let spec_len = i - start - 1;
                let c = b.get(i).copied();
                match c {
                    None | Some('%') => {
                        if spec_len > 0 {
                            let mut dir: String = b[start..i].iter().collect();
                            if let Some(c) = c {
                                dir.push(c);
                            }
                            out.write_all(&text)?;
                            out.flush()?;
                            return Err(Error::Fatal(format!("{}: invalid directive", quote_locale(&dir))));
                        }
                        text.push(b'%');
                        if c.is_some() {
                            i += 1;
                        }
                    }
                    Some(c @ ('H' | 'L')) if matches!(b.get(i + 1), Some('d') | Some('r')) => {
                        let which = b[i + 1];
                        i += 2;
                        text.extend_from_slice(device_part(&d, f.st, c, which).as_bytes());
                    }
                    Some(c) => {
                        i += 1;
                        text.extend_from_slice(specifier(&d, c, f, ctx).as_bytes());
                    }
                }
            }
            '\\' if ctx.escapes => {
                i += 1;
                i = escape(&b, i, &mut text);
            }
            c => {
                let mut buf = [0u8; 4];
                text.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                i += 1;
            }
        }
    }
    out.write_all(&text)?;
    Ok(true)
}

/// One `--printf` backslash escape starting at `b[i]` (after the `\`);
/// returns the index after it.
fn escape(b: &[char], mut i: usize, text: &mut Vec<u8>) -> usize {
    let c = match b.get(i) {
        None => {
            show_error("warning: backslash at end of format");
            text.push(b'\\');
            return i;
        }
        Some(&c) => c,
    };
    i += 1;
    match c {
        '0'..='7' => {
            let mut v = c as u32 - '0' as u32;
            let mut n = 1;
            while n < 3 && i < b.len() && ('0'..='7').contains(&b[i]) {
                v = v * 8 + (b[i] as u32 - '0' as u32);
                i += 1;
                n += 1;
            }
            text.push((v & 0xff) as u8);
        }
        'x' if i < b.len() && b[i].is_ascii_hexdigit() => {
            let mut v = b[i].to_digit(16).unwrap_or(0);
            i += 1;
            if i < b.len() && b[i].is_ascii_hexdigit() {
                v = v * 16 + b[i].to_digit(16).unwrap_or(0);
                i += 1;
            }
            text.push(v as u8);
        }
        'a' => text.push(0x07),
        'b' => text.push(0x08),
        'e' => text.push(0x1b),
        'f' => text.push(0x0c),
        'n' => text.push(b'\n'),
        'r' => text.push(b'\r'),
        't' => text.push(b'\t'),
        'v' => text.push(0x0b),
        '"' => text.push(b'"'),
        '\\' => text.push(b'\\'),
        other => {
            show_error(&format!("warning: unrecognized escape '\\{}'", other));
            let mut buf = [0u8; 4];
            text.extend_from_slice(other.encode_utf8(&mut buf).as_bytes());
        }
    }
    i
}

fn major(dev: u64) -> u64 {
    ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff)
}

fn minor(dev: u64) -> u64 {
    (dev & 0xff) | ((dev >> 12) & !0xff)
}

fn device_part(d: &Directive, st: &FileStat, which: char, field: char) -> String {
    let dev = if field == 'd' { st.dev } else { st.rdev };
    let v = if which == 'H' { major(dev) } else { minor(dev) };
    d.int(v as i128, 10)
}

fn time_string(t: Timespec, zone: &Zone) -> String {
    strftime("%Y-%m-%d %H:%M:%S.%N %z", &localtime(t, zone))
}

/// `%X`-style seconds; with a precision, a fraction of that many digits.
fn epoch(d: &Directive, t: Timespec) -> String {
    let p = match d.precision {
        Some(0) if d.bare_dot => 9,
        None | Some(0) => return Directive { precision: None, ..d.clone() }.signed_int(t.sec as i128),
        Some(p) => p,
    };
    let frac = format!("{:09}", t.nsec);
    let mut f: String = frac.chars().take(p.min(9)).collect();
    while f.len() < p {
        f.push('0');
    }
    let s = format!("{}.{}", t.sec, f);
    Directive { precision: None, ..d.clone() }.pad(s, false)
}

impl Directive {
    fn signed_int(&self, v: i128) -> String {
        let a = v.unsigned_abs();
        let mut digits = a.to_string();
        if let Some(p) = self.precision {
            if p == 0 && a == 0 {
                digits.clear();
            }
            while digits.len() < p {
                digits.insert(0, '0');
            }
        }
        let prefix = if v < 0 {
            "-"
        } else if self.has('+') {
            "+"
        } else if self.has(' ') {
            " "
        } else {
            ""
        };
        self.pad(format!("{}{}", prefix, digits), true)
    }
}

fn quoted_name(f: &File, ctx: &Ctx) -> String {
    let q = |s: &str| if ctx.literal_names { s.to_string() } else { quote_always(s) };
    let mut s = q(f.name);
    if f.st.is_symlink() && !f.follow {
        if let Ok(target) = std::fs::read_link(f.name) {
            s.push_str(" -> ");
            s.push_str(&q(&target.to_string_lossy()));
        }
    }
    s
}

fn specifier(d: &Directive, c: char, f: &File, ctx: &mut Ctx) -> String {
    let st = f.st;
    match c {
        'a' => d.int((st.mode & 0o7777) as i128, 8),
        'A' => d.string(&fsmeta::mode_string(st.mode)),
        'b' => d.int(st.blocks() as i128, 10),
        'B' => d.int(512, 10),
        'd' => d.int(st.dev as i128, 10),
        'D' => d.int(st.dev as i128, 16),
        'f' => d.int(st.mode as i128, 16),
        'F' => d.string(fsmeta::type_name(st)),
        'g' => d.int(st.gid as i128, 10),
        'G' => {
            let name = ctx.names.group(st.gid).unwrap_or("UNKNOWN").to_string();
            d.string(&name)
        }
        'h' => d.int(st.nlink as i128, 10),
        'i' => d.int(st.ino as i128, 10),
        'm' => d.string("/"),
        'n' => d.string(f.name),
        'N' => d.string(&quoted_name(f, ctx)),
        'o' => d.int(st.blksize() as i128, 10),
        's' => d.signed_int(st.size as i128),
        'r' => d.int(st.rdev as i128, 10),
        'R' => d.int(st.rdev as i128, 16),
        't' => d.int(major(st.rdev) as i128, 16),
        'T' => d.int(minor(st.rdev) as i128, 16),
        'u' => d.int(st.uid as i128, 10),
        'U' => {
            let name = ctx.names.user(st.uid).unwrap_or("UNKNOWN").to_string();
            d.string(&name)
        }
        'w' => d.string("-"),
        'W' => d.signed_int(0),
        'x' => d.string(&time_string(st.atime, &ctx.zone)),
        'X' => epoch(d, st.atime),
        'y' => d.string(&time_string(st.mtime, &ctx.zone)),
        'Y' => epoch(d, st.mtime),
        'z' => d.string(&time_string(st.ctime, &ctx.zone)),
        'Z' => epoch(d, st.ctime),
        _ => "?".to_string(),
    }
}
