//! `strings`: print the runs of printable characters in files (GNU
//! binutils 2.40, which scans whole files by default).
//!
//! A run is at least -n (4) characters that are printable ASCII or tab
//! (and other white space with -w, and bytes above 127 with -e S); -e b l
//! B L read 16- or 32-bit characters. Input streams through a reader with
//! a small push-back, as binutils backs up over the tail of the character
//! that ended a run.

use std::io::{Read, Write};
use wsutil::args::{self, HasArg, Item, Spec, LONG1};
use wsutil::io::{open_input, stdout, Input, Out};
use wsutil::show_error;

pub const APPLETS: &[wsutil::Applet] = &[("strings", main)];

const UNICODE: char = LONG1;

const SPEC: Spec = Spec {
    short: "adfhHn:wot:e:T:s:U:Vv0123456789",
    long: &[
        ("all", HasArg::No, 'a'),
        ("data", HasArg::No, 'd'),
        ("print-file-name", HasArg::No, 'f'),
        ("bytes", HasArg::Required, 'n'),
        ("radix", HasArg::Required, 't'),
        ("include-all-whitespace", HasArg::No, 'w'),
        ("encoding", HasArg::Required, 'e'),
        ("target", HasArg::Required, 'T'),
        ("output-separator", HasArg::Required, 's'),
        ("unicode", HasArg::Required, UNICODE),
        ("help", HasArg::No, 'h'),
        ("version", HasArg::No, 'v'),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: strings [option(s)] [file(s)]
 Display printable strings in [file(s)] (stdin by default)
 The options are:
  -a - --all                Scan the entire file, not just the data section [default]
  -d --data                 Only scan the data sections in the file
  -f --print-file-name      Print the name of the file before each string
  -n <number>               Locate & print any sequence of at least <number>
    --bytes=<number>         displayable characters.  (The default is 4).
  -t --radix={o,d,x}        Print the location of the string in base 8, 10 or 16
  -w --include-all-whitespace Include all whitespace as valid string characters
  -o                        An alias for --radix=o
  -T --target=<BFDNAME>     Specify the binary file format
  -e --encoding={s,S,b,l,B,L} Select character size and endianness:
                            s = 7-bit, S = 8-bit, {b,l} = 16-bit, {B,L} = 32-bit
  --unicode={default|show|invalid|hex|escape|highlight}
  -U {d|s|i|x|e|h}          Specify how to treat UTF-8 encoded unicode characters
  -s --output-separator=<string> String used to separate strings in output.
  @<file>                   Read options from <file>
  -h --help                 Display this information
  -v -V --version           Print the program's version number
strings: supported targets: elf64-x86-64 elf32-i386 elf32-iamcu elf32-x86-64 pei-i386 pe-x86-64 pei-x86-64 elf64-little elf64-big elf32-little elf32-big pe-bigobj-x86-64 pe-i386 pdb srec symbolsrec verilog tekhex binary ihex plugin
";

struct Opts {
    min: u64,
    radix: Option<u32>,
    file_names: bool,
    whitespace: bool,
    /// s S b l B L.
    encoding: u8,
    separator: Option<String>,
}

/// Exit status after a fatal message.
struct Exit(i32);

fn usage_error(out_stdout: bool) -> Exit {
    if out_stdout {
        print!("{}", USAGE);
        Exit(0)
    } else {
        eprint!("{}", USAGE);
        Exit(1)
    }
}

/// binutils reads numbers with strtoul(…, 0).
fn parse_number(s: &str) -> Option<u64> {
    let t = s.trim_start();
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (radix, digits) = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        (16, h)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if digits.is_empty() && radix != 8 {
        return None;
    }
    let v = u64::from_str_radix(digits, radix).ok()?;
    Some(if neg { v.wrapping_neg() } else { v })
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(Exit(code)) => code,
    }
}

fn run(argv: &[String]) -> Result<i32, Exit> {
    let items = match args::parse(&SPEC, argv) {
        Ok(i) => i,
        Err(e) => {
            show_error(&e.0);
            return Err(usage_error(false));
        }
    };
    let mut o = Opts { min: 4, radix: None, file_names: false, whitespace: false, encoding: b's', separator: None };
    let mut files = Vec::new();
    let mut numeric = String::new();
    let mut n_arg: Option<String> = None;
    for item in items {
        match item {
            Item::Opt('a', _) | Item::Opt('d', _) => {}
            Item::Opt('f', _) => o.file_names = true,
            Item::Opt('n', Some(v)) => n_arg = Some(v),
            Item::Opt('w', _) => o.whitespace = true,
            Item::Opt('o', _) => o.radix = Some(8),
            Item::Opt('t', Some(v)) => {
                if v.len() != 1 {
                    return Err(usage_error(false));
                }
                o.radix = Some(match v.chars().next() {
                    Some('o') => 8,
                    Some('d') => 10,
                    Some('x') => 16,
                    _ => return Err(usage_error(false)),
                });
            }
            Item::Opt('e', Some(v)) => {
                if v.len() != 1 || !"sSblBL".contains(v.as_str()) {
                    return Err(usage_error(false));
                }
                o.encoding = v.as_bytes()[0];
            }
            Item::Opt('s', Some(v)) => o.separator = Some(v),
            Item::Opt('U', Some(v)) | Item::Opt(UNICODE, Some(v)) => {
                if !(v == "d" || v == "default") {
                    return Ok(wsutil::report(&wsutil::Error::Unsupported(format!("--unicode={}", v)), 1));
                }
            }
            Item::Opt('T', Some(v)) => {
                return Ok(wsutil::report(&wsutil::Error::Unsupported(format!("--target={}", v)), 1));
            }
            Item::Opt('h', _) | Item::Opt('H', _) => return Err(usage_error(true)),
            Item::Opt('v', _) | Item::Opt('V', _) => {
                println!("GNU strings (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(c, _) if c.is_ascii_digit() => numeric.push(c),
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    if let Some(v) = n_arg {
        o.min = match parse_number(&v) {
            Some(n) => n,
            None => {
                show_error(&format!("invalid integer argument {}", v));
                return Err(Exit(1));
            }
        };
    }
    if !numeric.is_empty() {
        o.min = match parse_number(&numeric) {
            Some(n) => n,
            None => {
                show_error(&format!("invalid integer argument {}", numeric));
                return Err(Exit(1));
            }
        };
    }
    // strings keeps the length in an unsigned int: -1 is huge, 0 refused.
    o.min = o.min as u32 as u64;
    if o.min == 0 {
        show_error("invalid minimum string length 0");
        return Err(Exit(1));
    }
    // A `-` operand is the old spelling of -a, not a file.
    let only_dash = !files.is_empty() && files.iter().all(|f| f == "-");
    files.retain(|f| f != "-");
    if only_dash {
        return Err(usage_error(false));
    }
    let mut out = stdout();
    let mut ok = true;
    if files.is_empty() {
        scan(&o, wsutil::io::Input::Stdin(wsutil::io::stdin()), "{standard input}", &mut out);
    }
    for f in &files {
        match std::fs::metadata(f) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let _ = out.flush();
                show_error(&format!("'{}': No such file", f));
                ok = false;
                continue;
            }
            Err(e) => {
                let _ = out.flush();
                show_error(&format!("Warning: could not locate '{}'.  reason: {}", f, wsutil::strerror(&e)));
                ok = false;
                continue;
            }
            Ok(m) if m.is_dir() => {
                let _ = out.flush();
                show_error(&format!("Warning: '{}' is a directory", f));
                ok = false;
                continue;
            }
            Ok(_) => {}
        }
        match open_input(f) {
            Ok(input) => scan(&o, input, f, &mut out),
            Err(e) => {
                let _ = out.flush();
                show_error(&format!("{}: {}", f, wsutil::strerror(&e)));
                ok = false;
            }
        }
    }
    let _ = out.flush();
    Ok(if ok { 0 } else { 1 })
}

/// A byte stream with push-back and a byte offset.
struct Chars {
    input: std::io::BufReader<Input>,
    pushed: Vec<u8>,
    address: u64,
    width: usize,
    encoding: u8,
}

impl Chars {
    fn byte(&mut self) -> Option<u8> {
        if let Some(b) = self.pushed.pop() {
            return Some(b);
        }
        let mut b = [0u8; 1];
        loop {
            match self.input.read(&mut b) {
                Ok(0) => return None,
                Ok(_) => return Some(b[0]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
    }

    /// The next character, or None at the end (a partial one included).
    fn next(&mut self) -> Option<(u32, [u8; 4])> {
        let mut raw = [0u8; 4];
        for slot in raw.iter_mut().take(self.width) {
            *slot = self.byte()?;
            self.address += 1;
        }
        let r = &raw;
        let c = match self.encoding {
            b'b' => (r[0] as u32) << 8 | r[1] as u32,
            b'l' => r[0] as u32 | (r[1] as u32) << 8,
            b'B' => (r[0] as u32) << 24 | (r[1] as u32) << 16 | (r[2] as u32) << 8 | r[3] as u32,
            b'L' => r[0] as u32 | (r[1] as u32) << 8 | (r[2] as u32) << 16 | (r[3] as u32) << 24,
            _ => r[0] as u32,
        };
        Some((c, raw))
    }

    /// Gives back all but the first byte of a wide character that ended a
    /// run, so that scanning resumes one byte after its start.
    fn unget_tail(&mut self, raw: [u8; 4]) {
        if self.width > 1 {
            for i in (1..self.width).rev() {
                self.pushed.push(raw[i]);
            }
            self.address -= (self.width - 1) as u64;
        }
    }
}

fn graphic(o: &Opts, c: u32) -> bool {
    c <= 255
        && (c == b'\t' as u32
            || (0x20..0x7f).contains(&c)
            || (o.encoding == b'S' && c > 127)
            || (o.whitespace && matches!(c, 0x20 | 0x09..=0x0d)))
}

fn scan(o: &Opts, input: Input, name: &str, out: &mut Out) {
    let width = match o.encoding {
        b'b' | b'l' => 2,
        b'B' | b'L' => 4,
        _ => 1,
    };
    let mut chars = Chars {
        input: std::io::BufReader::with_capacity(64 * 1024, input),
        pushed: Vec::new(),
        address: 0,
        width,
        encoding: o.encoding,
    };
    let mut buf: Vec<u8> = Vec::new();
    'tryline: loop {
        let start = chars.address;
        buf.clear();
        while (buf.len() as u64) < o.min {
            let (c, raw) = match chars.next() {
                Some(x) => x,
                None => return,
            };
            if !graphic(o, c) {
                // Try again from the next byte.
                chars.unget_tail(raw);
                continue 'tryline;
            }
            buf.push(c as u8);
        }
        let mut line = Vec::new();
        if o.file_names {
            line.extend_from_slice(format!("{}: ", name).as_bytes());
        }
        match o.radix {
            Some(8) => line.extend_from_slice(format!("{:7o} ", start).as_bytes()),
            Some(10) => line.extend_from_slice(format!("{:7} ", start).as_bytes()),
            Some(_) => line.extend_from_slice(format!("{:7x} ", start).as_bytes()),
            None => {}
        }
        line.extend_from_slice(&buf);
        loop {
            match chars.next() {
                None => break,
                Some((c, raw)) => {
                    if !graphic(o, c) {
                        chars.unget_tail(raw);
                        break;
                    }
                    line.push(c as u8);
                }
            }
            if line.len() >= 64 * 1024 {
                let _ = out.write_all(&line);
                line.clear();
            }
        }
        match &o.separator {
            Some(s) => line.extend_from_slice(s.as_bytes()),
            None => line.push(b'\n'),
        }
        let _ = out.write_all(&line);
    }
}
