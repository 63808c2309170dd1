//! `file`: guess what kind of data a file holds (file 5.44 / libmagic).
//!
//! Not libmagic and its thousands of rules: a handful of the kinds agents
//! meet, described in libmagic's words. Special files and empty files
//! first, then binary signatures (PNG, JPEG, GIF, gzip, bzip2, xz, zip,
//! tar, PDF, WebAssembly, ELF), then text: JSON, scripts by their `#!`
//! line, XML and HTML, and plain text by its encoding (ASCII, UTF-8,
//! ISO-8859, extended ASCII) with libmagic's notes on line terminators,
//! very long lines, escape sequences and overstriking. Anything else is
//! "data".

use std::io::{Read, Write};
use wsutil::args::{self, HasArg, Item, Spec, LONG1, LONG2, LONG3, LONG4, LONG5};
use wsutil::io::stdout;
use wsutil::pathstat::{self, S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFSOCK};
use wsutil::strerror;

pub const APPLETS: &[wsutil::Applet] = &[("file", main)];

const MIME_TYPE: char = LONG1;
const MIME_ENCODING: char = LONG2;
const HELP_OPT: char = LONG3;
const EXTENSION: char = LONG4;
const APPLE: char = LONG5;

const SPEC: Spec = Spec {
    short: "bcCdEe:f:F:hikLlm:NnP:prsSvzZ0",
    long: &[
        ("brief", HasArg::No, 'b'),
        ("checking-printout", HasArg::No, 'c'),
        ("compile", HasArg::No, 'C'),
        ("debug", HasArg::No, 'd'),
        ("exclude", HasArg::Required, 'e'),
        ("files-from", HasArg::Required, 'f'),
        ("separator", HasArg::Required, 'F'),
        ("no-dereference", HasArg::No, 'h'),
        ("mime", HasArg::No, 'i'),
        ("mime-type", HasArg::No, MIME_TYPE),
        ("mime-encoding", HasArg::No, MIME_ENCODING),
        ("keep-going", HasArg::No, 'k'),
        ("dereference", HasArg::No, 'L'),
        ("list", HasArg::No, 'l'),
        ("magic-file", HasArg::Required, 'm'),
        ("no-pad", HasArg::No, 'N'),
        ("no-buffer", HasArg::No, 'n'),
        ("parameter", HasArg::Required, 'P'),
        ("preserve-date", HasArg::No, 'p'),
        ("raw", HasArg::No, 'r'),
        ("special-files", HasArg::No, 's'),
        ("no-sandbox", HasArg::No, 'S'),
        ("version", HasArg::No, 'v'),
        ("uncompress", HasArg::No, 'z'),
        ("uncompress-noreport", HasArg::No, 'Z'),
        ("print0", HasArg::No, '0'),
        ("extension", HasArg::No, EXTENSION),
        ("apple", HasArg::No, APPLE),
        ("help", HasArg::No, HELP_OPT),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: file [-bcCdEhikLlNnprsSvzZ0] [--apple] [--extension] [--mime-encoding]
            [--mime-type] [-e <testname>] [-F <separator>]  [-f <namefile>]
            [-m <magicfiles>] [-P <parameter=value>] [--exclude-quiet]
            <file> ...
       file -C [-m <magicfiles>]
       file [--help]
";

/// How much of a file is looked at (libmagic's bytes_max).
const BYTES_MAX: usize = 7 * 1024 * 1024;
/// Lines longer than this are "very long".
const MAXLINELEN: usize = 300;

/// What we say about a file: the description, its MIME type and charset.
struct Verdict {
    desc: String,
    mime: &'static str,
    charset: &'static str,
}

impl Verdict {
    fn new(desc: impl Into<String>, mime: &'static str, charset: &'static str) -> Verdict {
        Verdict { desc: desc.into(), mime, charset }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Output {
    Desc,
    Mime,
    MimeType,
    MimeEncoding,
}

pub fn main(argv: &[String]) -> i32 {
    let items = match args::parse(&SPEC, argv) {
        Ok(i) => i,
        Err(e) => {
            wsutil::show_error(&e.0);
            eprint!("{}", USAGE);
            return 1;
        }
    };
    let mut brief = false;
    let mut follow = false;
    let mut pad = true;
    let mut sep = ":".to_string();
    let mut output = Output::Desc;
    let mut errors_fatal = false;
    let mut names: Vec<String> = Vec::new();
    for item in items {
        match item {
            Item::Opt('b', _) => brief = true,
            Item::Opt('h', _) => follow = false,
            Item::Opt('L', _) => follow = true,
            Item::Opt('N', _) => pad = false,
            Item::Opt('F', Some(s)) => sep = s,
            Item::Opt('i', _) => output = Output::Mime,
            Item::Opt(MIME_TYPE, _) => output = Output::MimeType,
            Item::Opt(MIME_ENCODING, _) => output = Output::MimeEncoding,
            Item::Opt('E', _) => errors_fatal = true,
            Item::Opt('k', _) | Item::Opt('n', _) | Item::Opt('p', _) | Item::Opt('r', _) | Item::Opt('S', _) => {}
            Item::Opt('f', Some(list)) => {
                let text = match std::fs::read(&list) {
                    Ok(t) => String::from_utf8_lossy(&t).into_owned(),
                    Err(e) => {
                        wsutil::show_error(&format!("Cannot open `{}' ({})", list, strerror(&e)));
                        return 1;
                    }
                };
                names.extend(text.lines().map(String::from));
            }
            Item::Opt('v', _) => {
                println!("file-5.44\nmagic file from /etc/magic:/usr/share/misc/magic");
                return 0;
            }
            Item::Opt(HELP_OPT, _) => {
                print!("{}", USAGE);
                return 0;
            }
            Item::Opt(c, _) => {
                let flag = match c {
                    'c' => "--checking-printout",
                    'C' => "--compile",
                    'd' => "--debug",
                    'e' => "--exclude",
                    'l' => "--list",
                    'm' => "--magic-file",
                    'P' => "--parameter",
                    's' => "--special-files",
                    'z' => "--uncompress",
                    'Z' => "--uncompress-noreport",
                    '0' => "--print0",
                    EXTENSION => "--extension",
                    _ => "--apple",
                };
                return wsutil::report(&wsutil::Error::Unsupported(flag.into()), 1);
            }
            Item::Operand(o) => names.push(o),
        }
    }
    if names.is_empty() {
        eprint!("{}", USAGE);
        return 1;
    }
    let width = names.iter().map(|n| n.chars().count() + sep.chars().count()).max().unwrap_or(0);
    let mut out = stdout();
    let mut status = 0;
    for name in &names {
        let line = match classify(name, follow, errors_fatal) {
            Ok(v) => match output {
                Output::Desc => v.desc,
                Output::Mime => format!("{}; charset={}", v.mime, v.charset),
                Output::MimeType => v.mime.to_string(),
                Output::MimeEncoding => v.charset.to_string(),
            },
            Err(msg) => {
                status = 1;
                msg
            }
        };
        if brief {
            let _ = writeln!(out, "{}", line);
        } else {
            let label = format!("{}{}", name, sep);
            let shown = if pad { format!("{:<w$}", label, w = width) } else { label };
            let _ = writeln!(out, "{} {}", shown, line);
        }
    }
    let _ = out.flush();
    status
}

/// The verdict for one file; Err for an error that -E makes fatal.
fn classify(name: &str, follow: bool, errors_fatal: bool) -> Result<Verdict, String> {
    let st = match pathstat::stat(name, follow) {
        Ok(s) => s,
        Err(e) => {
            let msg = format!("cannot open `{}' ({})", name, strerror(&e));
            if errors_fatal {
                return Err(format!("ERROR: cannot stat `{}' ({})", name, strerror(&e)));
            }
            return Ok(Verdict::new(msg, "application/x-empty", "binary"));
        }
    };
    match st.kind() {
        S_IFDIR => return Ok(Verdict::new("directory", "inode/directory", "binary")),
        S_IFLNK => {
            let target = std::fs::read_link(name).map(|t| t.to_string_lossy().into_owned()).unwrap_or_default();
            let broken = pathstat::stat(name, true).is_err();
            let desc = if broken {
                format!("broken symbolic link to {}", target)
            } else {
                format!("symbolic link to {}", target)
            };
            return Ok(Verdict::new(desc, "inode/symlink", "binary"));
        }
        S_IFCHR => return Ok(Verdict::new("character special", "inode/chardevice", "binary")),
        S_IFBLK => return Ok(Verdict::new("block special", "inode/blockdevice", "binary")),
        S_IFIFO => return Ok(Verdict::new("fifo (named pipe)", "inode/fifo", "binary")),
        S_IFSOCK => return Ok(Verdict::new("socket", "inode/socket", "binary")),
        _ => {}
    }
    if st.size == 0 {
        return Ok(Verdict::new("empty", "inode/x-empty", "binary"));
    }
    let mut data = Vec::new();
    let read = std::fs::File::open(name).and_then(|f| f.take(BYTES_MAX as u64).read_to_end(&mut data));
    if let Err(e) = read {
        return Ok(Verdict::new(format!("cannot open `{}' ({})", name, strerror(&e)), "application/x-empty", "binary"));
    }
    Ok(examine(&data))
}

fn be16(b: &[u8], i: usize) -> u32 {
    ((b[i] as u32) << 8) | b[i + 1] as u32
}

fn be32(b: &[u8], i: usize) -> u32 {
    (be16(b, i) << 16) | be16(b, i + 2)
}

fn le16(b: &[u8], i: usize) -> u32 {
    b[i] as u32 | ((b[i + 1] as u32) << 8)
}

fn le32(b: &[u8], i: usize) -> u32 {
    le16(b, i) | (le16(b, i + 2) << 16)
}

/// Looks at the bytes: binary signatures, then text.
fn examine(d: &[u8]) -> Verdict {
    if let Some(v) = binary_signature(d) {
        // A few formats (PDF) are text inside: their charset says so.
        let charset = if v.mime == "application/pdf" { encoding(d).map_or("binary", |e| e.mime) } else { "binary" };
        return Verdict { charset, ..v };
    }
    match encoding(d) {
        Some(enc) => text(d, &enc),
        None => Verdict::new("data", "application/octet-stream", "binary"),
    }
}

fn binary_signature(d: &[u8]) -> Option<Verdict> {
    if d.starts_with(b"\x89PNG\r\n\x1a\n") && d.len() >= 29 && &d[12..16] == b"IHDR" {
        let (w, h, depth, color, interlace) = (be32(d, 16), be32(d, 20), d[24], d[25], d[28]);
        let kind = match color {
            0 => format!("{}-bit grayscale", depth),
            2 => format!("{}-bit/color RGB", depth),
            3 => format!("{}-bit colormap", depth),
            4 => format!("{}-bit gray+alpha", depth),
            _ => format!("{}-bit/color RGBA", depth),
        };
        let il = if interlace == 1 { "interlaced" } else { "non-interlaced" };
        return Some(Verdict::new(format!("PNG image data, {} x {}, {}, {}", w, h, kind, il), "image/png", "binary"));
    }
    if d.starts_with(b"\xff\xd8\xff") {
        return Some(Verdict::new(jpeg(d), "image/jpeg", "binary"));
    }
    if (d.starts_with(b"GIF87a") || d.starts_with(b"GIF89a")) && d.len() >= 10 {
        let desc = format!(
            "GIF image data, version {}, {} x {}",
            String::from_utf8_lossy(&d[3..6]),
            le16(d, 6),
            le16(d, 8)
        );
        return Some(Verdict::new(desc, "image/gif", "binary"));
    }
    if d.starts_with(b"\x1f\x8b") && d.len() >= 10 {
        return Some(Verdict::new(gzip(d), "application/gzip", "binary"));
    }
    if d.starts_with(b"BZh") && d.len() >= 4 && (b'1'..=b'9').contains(&d[3]) {
        let desc = format!("bzip2 compressed data, block size = {}00k", d[3] as char);
        return Some(Verdict::new(desc, "application/x-bzip2", "binary"));
    }
    if d.starts_with(b"\xfd7zXZ\x00") && d.len() >= 8 {
        let check = match d[7] & 0x0f {
            0 => "none",
            1 => "CRC32",
            4 => "CRC64",
            _ => "SHA-256",
        };
        return Some(Verdict::new(format!("XZ compressed data, checksum {}", check), "application/x-xz", "binary"));
    }
    if d.starts_with(b"PK\x05\x06") {
        return Some(Verdict::new("Zip archive data (empty)", "application/zip", "binary"));
    }
    if d.starts_with(b"PK\x03\x04") && d.len() >= 10 {
        let version = le16(d, 4);
        let method = match le16(d, 8) {
            0 => "store".to_string(),
            8 => "deflate".to_string(),
            12 => "bzip2".to_string(),
            14 => "lzma".to_string(),
            m => m.to_string(),
        };
        let desc = format!(
            "Zip archive data, at least v{}.{} to extract, compression method={}",
            version / 10,
            version % 10,
            method
        );
        return Some(Verdict::new(desc, "application/zip", "binary"));
    }
    if d.len() >= 263 && &d[257..262] == b"ustar" {
        let desc = if &d[257..265.min(d.len())] == b"ustar  \0" { "POSIX tar archive (GNU)" } else { "POSIX tar archive" };
        return Some(Verdict::new(desc, "application/x-tar", "binary"));
    }
    if d.starts_with(b"%PDF-") && d.len() >= 8 {
        let desc = format!("PDF document, version {}.{}", d[5] as char, d[7] as char);
        return Some(Verdict::new(desc, "application/pdf", "binary"));
    }
    if d.starts_with(b"\0asm") && d.len() >= 8 {
        let version = le32(d, 4);
        let mvp = if version == 1 { " (MVP)" } else { "" };
        let desc = format!("WebAssembly (wasm) binary module version 0x{:x}{}", version, mvp);
        return Some(Verdict::new(desc, "application/wasm", "binary"));
    }
    if d.starts_with(b"\x7fELF") && d.len() >= 20 {
        return Some(elf(d));
    }
    None
}

fn jpeg(d: &[u8]) -> String {
    let mut s = String::from("JPEG image data");
    if d.len() >= 20 && &d[2..4] == b"\xff\xe0" && &d[6..11] == b"JFIF\0" {
        let seg = be16(d, 4);
        s.push_str(&format!(", JFIF standard {}.{:02}", d[11], d[12]));
        let (dx, dy) = (be16(d, 14), be16(d, 16));
        match d[13] {
            0 => s.push_str(&format!(", aspect ratio, density {}x{}", dx, dy)),
            1 => s.push_str(&format!(", resolution (DPI), density {}x{}", dx, dy)),
            _ => s.push_str(&format!(", resolution (DPCM), density {}x{}", dx, dy)),
        }
        s.push_str(&format!(", segment length {}", seg));
    }
    // The frame header: kind, precision, size, components.
    let mut i = 2;
    while i + 4 <= d.len() {
        if d[i] != 0xff {
            break;
        }
        let marker = d[i + 1];
        let len = be16(d, i + 2) as usize;
        if (0xc0..=0xc2).contains(&marker) && i + 10 <= d.len() {
            let kind = match marker {
                0xc0 => "baseline",
                0xc1 => "extended sequential",
                _ => "progressive",
            };
            s.push_str(&format!(
                ", {}, precision {}, {}x{}, components {}",
                kind,
                d[i + 4],
                be16(d, i + 7),
                be16(d, i + 5),
                d[i + 9]
            ));
            break;
        }
        if marker == 0xda || len < 2 {
            break;
        }
        i += 2 + len;
    }
    s
}

/// A UTC time in ctime's layout ("Thu Nov 26 08:36:37 2026").
fn ctime(t: i64) -> String {
    let days = t.div_euclid(86400);
    let secs = t.rem_euclid(86400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let weekday = (days.rem_euclid(7) + 4) % 7;
    const WD: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MO: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    format!(
        "{} {} {:2} {:02}:{:02}:{:02} {}",
        WD[weekday as usize],
        MO[(month - 1) as usize],
        day,
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        year
    )
}

fn gzip(d: &[u8]) -> String {
    let flags = d[3];
    let mtime = le32(d, 4);
    let mut s = String::from("gzip compressed data");
    if flags & 0x08 != 0 {
        // The original name follows the header (and the extra field).
        let mut i = 10;
        if flags & 0x04 != 0 && d.len() >= 12 {
            i += 2 + le16(d, 10) as usize;
        }
        if i < d.len() {
            let end = d[i..].iter().position(|&c| c == 0).map_or(d.len(), |p| i + p);
            s.push_str(&format!(", was \"{}\"", String::from_utf8_lossy(&d[i..end])));
        }
    }
    if mtime != 0 {
        s.push_str(&format!(", last modified: {}", ctime(mtime as i64)));
    }
    match d[8] {
        2 => s.push_str(", max compression"),
        4 => s.push_str(", max speed"),
        _ => {}
    }
    let os = match d[9] {
        0 => ", from FAT filesystem (MS-DOS, OS/2, NT)",
        3 => ", from Unix",
        7 => ", from Macintosh",
        11 => ", from NTFS filesystem (NT)",
        _ => "",
    };
    s.push_str(os);
    if d.len() >= 18 {
        s.push_str(&format!(", original size modulo 2^32 {}", le32(d, d.len() - 4)));
    }
    s
}

fn elf(d: &[u8]) -> Verdict {
    let bits = if d[4] == 2 { "64-bit" } else { "32-bit" };
    let little = d[5] != 2;
    let order = if little { "LSB" } else { "MSB" };
    let get16 = |i: usize| if little { le16(d, i) } else { be16(d, i) };
    let (kind, mime) = match get16(16) {
        1 => ("relocatable", "application/x-object"),
        2 => ("executable", "application/x-executable"),
        3 => ("shared object", "application/x-sharedlib"),
        4 => ("core file", "application/x-coredump"),
        _ => ("processor-specific", "application/octet-stream"),
    };
    let machine = match get16(18) {
        3 => "Intel 80386".to_string(),
        8 => "MIPS".to_string(),
        20 => "PowerPC".to_string(),
        21 => "64-bit PowerPC".to_string(),
        40 => "ARM".to_string(),
        62 => "x86-64".to_string(),
        183 => "ARM aarch64".to_string(),
        243 => "UCB RISC-V".to_string(),
        m => format!("*unknown arch 0x{:x}*", m),
    };
    let abi = match d[7] {
        0 => "SYSV",
        3 => "GNU/Linux",
        9 => "FreeBSD",
        _ => "unknown",
    };
    let desc = format!("ELF {} {} {}, {}, version {} ({})", bits, order, kind, machine, d[6], abi);
    Verdict::new(desc, mime, "binary")
}

// ------------------------------------------------------------------ text

/// How libmagic classes bytes: F never in text, T ASCII text, I also in
/// ISO-8859 text, X also in extended (non-ISO) ASCII.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    F,
    T,
    I,
    X,
}

fn class(c: u8) -> Class {
    match c {
        7..=13 | 27 => Class::T,
        0x20..=0x7e => Class::T,
        0x85 => Class::T,
        0x80..=0x9f => Class::X,
        0xa0..=0xff => Class::I,
        _ => Class::F,
    }
}

/// A text encoding: how it is named in descriptions and MIME charsets.
struct Encoding {
    name: &'static str,
    mime: &'static str,
}

/// Valid UTF-8 made of text characters (libmagic's file_looks_utf8).
fn looks_utf8(d: &[u8]) -> bool {
    let mut i = 0;
    while i < d.len() {
        let c = d[i];
        if c < 0x80 {
            if class(c) != Class::T {
                return false;
            }
            i += 1;
            continue;
        }
        let n = match c {
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf7 => 4,
            _ => return false,
        };
        if i + n > d.len() || !d[i + 1..i + n].iter().all(|&b| (0x80..0xc0).contains(&b)) {
            return false;
        }
        i += n;
    }
    true
}

/// The text encoding of the data, or None if it is not text.
fn encoding(d: &[u8]) -> Option<Encoding> {
    if d.iter().all(|&c| class(c) == Class::T) {
        return Some(Encoding { name: "ASCII", mime: "us-ascii" });
    }
    if d.starts_with(b"\xef\xbb\xbf") && looks_utf8(&d[3..]) {
        return Some(Encoding { name: "Unicode text, UTF-8 (with BOM)", mime: "utf-8" });
    }
    if looks_utf8(d) {
        return Some(Encoding { name: "Unicode text, UTF-8", mime: "utf-8" });
    }
    if d.iter().all(|&c| matches!(class(c), Class::T | Class::I)) {
        return Some(Encoding { name: "ISO-8859", mime: "iso-8859-1" });
    }
    if d.iter().all(|&c| class(c) != Class::F) {
        return Some(Encoding { name: "Non-ISO extended-ASCII", mime: "unknown-8bit" });
    }
    None
}

/// libmagic's notes on a text: very long lines, line terminators, escape
/// sequences, overstriking.
fn qualifiers(d: &[u8]) -> String {
    let (mut crlf, mut cr, mut lf, mut nel) = (0, 0, 0, 0);
    let mut seen_cr = false;
    let mut last_end: i64 = -1;
    let mut longest = 0usize;
    let (mut escapes, mut backspace) = (false, false);
    for (i, &c) in d.iter().enumerate() {
        let i = i as i64;
        if c == b'\n' {
            if seen_cr {
                crlf += 1;
            } else {
                lf += 1;
            }
            last_end = i;
        } else if seen_cr {
            cr += 1;
        }
        seen_cr = c == b'\r';
        if seen_cr {
            last_end = i;
        }
        if c == 0x85 {
            nel += 1;
            last_end = i;
        }
        if i > last_end + MAXLINELEN as i64 {
            longest = longest.max((i - last_end) as usize);
        }
        escapes |= c == 0x1b;
        backspace |= c == 8;
    }
    if seen_cr && d.len() < BYTES_MAX {
        cr += 1;
    }
    let mut s = String::new();
    if longest > 0 {
        s.push_str(&format!(", with very long lines ({})", longest));
    }
    let none = crlf == 0 && cr == 0 && lf == 0 && nel == 0;
    if none || crlf > 0 || cr > 0 || nel > 0 {
        s.push_str(", with");
        if none {
            s.push_str(" no");
        } else {
            let mut parts = Vec::new();
            if crlf > 0 {
                parts.push(" CRLF");
            }
            if cr > 0 {
                parts.push(" CR");
            }
            if lf > 0 {
                parts.push(" LF");
            }
            if nel > 0 {
                parts.push(" NEL");
            }
            s.push_str(&parts.join(","));
        }
        s.push_str(" line terminators");
    }
    if escapes {
        s.push_str(", with escape sequences");
    }
    if backspace {
        s.push_str(", with overstriking");
    }
    s
}

/// How a `#!` interpreter is described: (description, MIME type, style).
/// Styles: 's' "DESC, ENC text executable", 'p' Perl's fixed words,
/// 'n' Node's "DESC executable, ENC text".
fn interpreter(line: &[u8]) -> Option<(String, &'static str, char)> {
    let rest = line.strip_prefix(b"#!")?;
    let text = String::from_utf8_lossy(rest);
    let text = text.trim_start_matches(' ');
    let mut words = text.split_whitespace();
    let path = words.next()?.to_string();
    let base = path.rsplit('/').next().unwrap_or(&path).to_string();
    let (name, via_env) = if base == "env" { (words.next()?.to_string(), true) } else { (base.clone(), false) };
    let known = |n: &str| -> Option<(&'static str, &'static str, char)> {
        Some(match n {
            "bash" => ("Bourne-Again shell script", "text/x-shellscript", 's'),
            "zsh" => ("Paul Falstad's zsh script", "text/x-shellscript", 's'),
            "ksh" => ("Korn shell script", "text/x-shellscript", 's'),
            "csh" => ("C shell script", "text/x-shellscript", 's'),
            "python" | "python2" | "python3" => ("Python script", "text/x-script.python", 's'),
            "ruby" => ("Ruby script", "text/x-ruby", 's'),
            "awk" | "gawk" => ("awk script", "text/x-awk", 's'),
            "tclsh" | "wish" => ("Tcl/Tk script", "text/x-tcl", 's'),
            "lua" => ("Lua script", "text/x-lua", 's'),
            "php" => ("PHP script", "text/x-php", 's'),
            "perl" => ("Perl script text executable", "text/x-perl", 'p'),
            "node" | "nodejs" => ("Node.js script", "application/javascript", 'n'),
            _ => return None,
        })
    };
    if !via_env && path == "/bin/sh" {
        return Some(("POSIX shell script".into(), "text/x-shellscript", 's'));
    }
    match known(&name) {
        Some((d, m, s)) => Some((d.to_string(), m, s)),
        None => {
            let shown = if via_env { name } else { path };
            Some((format!("a {} script", shown), "text/plain", 's'))
        }
    }
}

fn text(d: &[u8], enc: &Encoding) -> Verdict {
    let body = format!("{} text", enc.name);
    let q = qualifiers(d);
    let first_line = d.split(|&c| c == b'\n').next().unwrap_or(d);
    if let Some((desc, mime, style)) = interpreter(first_line) {
        let full = match style {
            'p' => desc,
            'n' => format!("{} executable, {}{}", desc, body, q),
            _ => format!("{}, {} executable{}", desc, body, q),
        };
        return Verdict::new(full, mime, enc.mime);
    }
    if enc.mime == "us-ascii" || enc.mime == "utf-8" {
        match json_values(d) {
            Some(1) => return Verdict::new("JSON text data", "application/json", enc.mime),
            Some(_) => return Verdict::new("New Line Delimited JSON text data", "application/x-ndjson", enc.mime),
            None => {}
        }
    }
    let start = String::from_utf8_lossy(&d[..d.len().min(64)]).trim_start().to_ascii_lowercase();
    if start.starts_with("<?xml version=\"") {
        let version: String = start["<?xml version=\"".len()..].chars().take_while(|&c| c != '"').collect();
        return Verdict::new(format!("XML {} document, {}{}", version, body, q), "text/xml", enc.mime);
    }
    if start.starts_with("<!doctype html") || start.starts_with("<html") {
        return Verdict::new(format!("HTML document, {}{}", body, q), "text/html", enc.mime);
    }
    Verdict::new(format!("{}{}", body, q), "text/plain", enc.mime)
}

// ------------------------------------------------------------------ JSON

/// The number of JSON texts (objects or arrays at the top) that make up
/// all of the data, or None if it is not JSON.
fn json_values(d: &[u8]) -> Option<usize> {
    let mut p = Json { d, i: 0 };
    let mut count = 0;
    loop {
        p.ws();
        if p.i == p.d.len() {
            return if count > 0 { Some(count) } else { None };
        }
        if !matches!(p.d[p.i], b'{' | b'[') {
            return None;
        }
        p.value(0)?;
        count += 1;
    }
}

struct Json<'a> {
    d: &'a [u8],
    i: usize,
}

impl<'a> Json<'a> {
    fn ws(&mut self) {
        while self.i < self.d.len() && matches!(self.d[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        if self.d.get(self.i) == Some(&c) {
            self.i += 1;
            Some(())
        } else {
            None
        }
    }

    fn value(&mut self, depth: usize) -> Option<()> {
        if depth > 256 {
            return None;
        }
        self.ws();
        match *self.d.get(self.i)? {
            b'{' => {
                self.i += 1;
                if self.eat(b'}').is_some() {
                    return Some(());
                }
                loop {
                    self.ws();
                    self.string()?;
                    self.eat(b':')?;
                    self.value(depth + 1)?;
                    if self.eat(b',').is_some() {
                        continue;
                    }
                    return self.eat(b'}');
                }
            }
            b'[' => {
                self.i += 1;
                if self.eat(b']').is_some() {
                    return Some(());
                }
                loop {
                    self.value(depth + 1)?;
                    if self.eat(b',').is_some() {
                        continue;
                    }
                    return self.eat(b']');
                }
            }
            b'"' => self.string(),
            b't' => self.word(b"true"),
            b'f' => self.word(b"false"),
            b'n' => self.word(b"null"),
            _ => self.number(),
        }
    }

    fn word(&mut self, w: &[u8]) -> Option<()> {
        if self.d[self.i..].starts_with(w) {
            self.i += w.len();
            Some(())
        } else {
            None
        }
    }

    fn string(&mut self) -> Option<()> {
        if self.d.get(self.i) != Some(&b'"') {
            return None;
        }
        self.i += 1;
        while let Some(&c) = self.d.get(self.i) {
            self.i += 1;
            match c {
                b'"' => return Some(()),
                b'\\' => self.i += 1,
                0..=0x1f => return None,
                _ => {}
            }
        }
        None
    }

    fn number(&mut self) -> Option<()> {
        let start = self.i;
        if self.d.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        let digits = |p: &mut Json| {
            let s = p.i;
            while p.i < p.d.len() && p.d[p.i].is_ascii_digit() {
                p.i += 1;
            }
            p.i > s
        };
        if !digits(self) {
            return None;
        }
        if self.d.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !digits(self) {
                return None;
            }
        }
        if matches!(self.d.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.d.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !digits(self) {
                return None;
            }
        }
        if self.i > start {
            Some(())
        } else {
            None
        }
    }
}
