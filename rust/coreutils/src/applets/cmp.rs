//! `cmp`: compare two files byte by byte, as GNU diffutils 3.8 does.
//!
//! Both inputs stream through fixed-size blocks, so comparing huge files
//! (or a never-ending pipe against a file) takes bounded memory, and the
//! first difference ends the run unless `-l` asks for all of them.

use std::io::{Read, Write};

use wsutil::args::{self, HasArg, Item, Spec, HELP};
use wsutil::fsmeta::{self, FileStat};
use wsutil::io::{read_full, stdout, Out};
use wsutil::xstrtol::{xstrtoumax, XErr};
use wsutil::{strerror, util};

pub const APPLETS: &[wsutil::Applet] = &[("cmp", main)];

const SPEC: Spec = Spec {
    short: "bci:ln:sv",
    long: &[
        ("print-bytes", HasArg::No, 'b'),
        ("print-chars", HasArg::No, 'c'),
        ("ignore-initial", HasArg::Required, 'i'),
        ("verbose", HasArg::No, 'l'),
        ("bytes", HasArg::Required, 'n'),
        ("silent", HasArg::No, 's'),
        ("quiet", HasArg::No, 's'),
        ("version", HasArg::No, 'v'),
        ("help", HasArg::No, HELP),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: cmp [OPTION]... FILE1 [FILE2 [SKIP1 [SKIP2]]]
Compare two files byte by byte.

The optional SKIP1 and SKIP2 specify the number of bytes to skip
at the beginning of each file (zero by default).

Mandatory arguments to long options are mandatory for short options too.
  -b, --print-bytes          print differing bytes
  -i, --ignore-initial=SKIP         skip first SKIP bytes of both inputs
  -i, --ignore-initial=SKIP1:SKIP2  skip first SKIP1 bytes of FILE1 and
                                      first SKIP2 bytes of FILE2
  -l, --verbose              output byte numbers and differing byte values
  -n, --bytes=LIMIT          compare at most LIMIT bytes
  -s, --quiet, --silent      suppress all normal output
      --help                 display this help and exit
  -v, --version              output version information and exit

SKIP values may be followed by the following multiplicative suffixes:
kB 1000, K 1024, MB 1,000,000, M 1,048,576,
GB 1,000,000,000, G 1,073,741,824, and so on for T, P, E, Z, Y.

If a FILE is '-' or missing, read standard input.
Exit status is 0 if inputs are the same, 1 if different, 2 if trouble.
";

/// Multiplier letters SKIP and LIMIT accept (`0`: also `kB`, `KiB`).
const SUFFIXES: &str = "kKMGTPEZY0";

/// How much to say.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The first difference (the default).
    First,
    /// `-l`: every differing byte.
    All,
    /// Standard output is /dev/null: only the status and EOF notes.
    NoStdout,
    /// `-s`: only the status.
    Status,
}

/// A failure that ends `cmp` with status 2.
enum Fail {
    /// A message, then GNU's "Try" line.
    Usage(Option<String>),
    /// `cmp: msg`, or nothing under `-s`.
    Fatal(Option<String>),
}

pub fn main(argv: &[String]) -> i32 {
    let mut out = stdout();
    let status = match run(argv, &mut out) {
        Ok(s) => s,
        Err(f) => {
            let _ = out.flush();
            match f {
                Fail::Usage(msg) => {
                    if let Some(m) = msg {
                        eprintln!("{}: {}", util(), m);
                    }
                    eprintln!("{}: Try '{} --help' for more information.", util(), util());
                }
                Fail::Fatal(Some(m)) => eprintln!("{}: {}", util(), m),
                Fail::Fatal(None) => {}
            }
            2
        }
    };
    if out.flush().is_err() {
        return 2;
    }
    status
}

/// A SKIP value (`-i` part or operand): a size that fits an `off_t`.
fn parse_skip(text: &str, whole: &str) -> Result<u64, Fail> {
    match xstrtoumax(text, 10, SUFFIXES) {
        Ok(v) if v <= i64::MAX as u64 => Ok(v),
        _ => Err(Fail::Usage(Some(format!("invalid --ignore-initial value '{}'", whole)))),
    }
}

fn run(argv: &[String], out: &mut Out) -> Result<i32, Fail> {
    let items = args::parse(&SPEC, argv).map_err(|e| Fail::Usage(Some(e.0)))?;
    let mut mode: Option<Mode> = None;
    let mut print_bytes = false;
    let mut skip = [0u64; 2];
    let mut limit = u64::MAX;
    let mut operands = Vec::new();
    for item in items {
        match item {
            Item::Operand(o) => operands.push(o),
            Item::Opt('b' | 'c', _) => print_bytes = true,
            Item::Opt('i', Some(v)) => {
                let (first, second) = match v.find(':') {
                    Some(p) => (&v[..p], Some(&v[p + 1..])),
                    None => (v.as_str(), None),
                };
                let a = parse_skip(first, &v)?;
                skip[0] = skip[0].max(a);
                match second {
                    Some(rest) => {
                        let b = parse_skip(rest, rest)?;
                        skip[1] = skip[1].max(b);
                    }
                    None => skip[1] = skip[1].max(skip[0]),
                }
            }
            Item::Opt(c @ ('l' | 's'), _) => {
                let want = if c == 'l' { Mode::All } else { Mode::Status };
                if mode.map_or(false, |m| m != want) {
                    return Err(Fail::Usage(Some("options -l and -s are incompatible".into())));
                }
                mode = Some(want);
            }
            Item::Opt('n', Some(v)) => match xstrtoumax(&v, 10, SUFFIXES) {
                Ok(n) => limit = limit.min(n),
                Err(XErr::Invalid | XErr::InvalidSuffix | XErr::Overflow) => {
                    return Err(Fail::Usage(Some(format!("invalid --bytes value '{}'", v))))
                }
            },
            Item::Opt('v', _) => {
                let _ = writeln!(out, "cmp (wasmsand diffutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(HELP, _) => {
                let _ = out.write_all(USAGE.as_bytes());
                return Ok(0);
            }
            Item::Opt(_, _) => {}
        }
    }
    if operands.is_empty() {
        let last = argv.last().map(String::as_str).unwrap_or("cmp");
        return Err(Fail::Usage(Some(format!("missing operand after '{}'", last))));
    }
    let mut it = operands.into_iter();
    let names = [it.next().unwrap(), it.next().unwrap_or_else(|| "-".into())];
    for f in 0..2 {
        if let Some(arg) = it.next() {
            let v = parse_skip(&arg, &arg)?;
            skip[f] = skip[f].max(v);
        } else {
            break;
        }
    }
    if let Some(extra) = it.next() {
        return Err(Fail::Usage(Some(format!("extra operand '{}'", extra))));
    }
    let mut mode = mode.unwrap_or(Mode::First);
    let cmp = Cmp::open(names, skip, mode)?;
    if skip[0] == skip[1] && cmp.names[0] == cmp.names[1] {
        return Ok(0);
    }
    if let (Some(a), Some(b)) = (cmp.stats[0], cmp.stats[1]) {
        if a.dev == b.dev && a.ino == b.ino && a.ino != 0 && a.mode == b.mode && skip[0] == skip[1] && a.size == b.size {
            return Ok(0);
        }
    }
    if mode != Mode::Status && stdout_is_null() {
        mode = Mode::NoStdout;
    }
    if mode == Mode::Status {
        if let (Some(a), Some(b)) = (cmp.stats[0], cmp.stats[1]) {
            if a.mode & 0o170000 == 0o100000 && b.mode & 0o170000 == 0o100000 {
                let s0 = a.size.saturating_sub(skip[0]);
                let s1 = b.size.saturating_sub(skip[1]);
                if s0 != s1 && s0.min(s1) < limit {
                    return Ok(1);
                }
            }
        }
    }
    cmp.compare(mode, print_bytes, limit, out)
}

/// Whether standard output is the null device (then GNU stops at the
/// first difference even under `-l`).
fn stdout_is_null() -> bool {
    match (fsmeta::fstat(1), fsmeta::stat("/dev/null", true)) {
        (Ok(a), Ok(b)) => a.dev == b.dev && a.ino == b.ino && a.ino != 0,
        _ => false,
    }
}

/// One input: standard input or a file, positioned after its skip.
enum Source {
    Stdin(wsutil::io::RawFd),
    File(std::fs::File),
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Source::Stdin(s) => s.read(buf),
            Source::File(f) => f.read(buf),
        }
    }
}

/// The two open inputs.
struct Cmp {
    names: [String; 2],
    sources: Vec<Source>,
    stats: [Option<FileStat>; 2],
    skip: [u64; 2],
}

impl Cmp {
    fn open(names: [String; 2], skip: [u64; 2], mode: Mode) -> Result<Cmp, Fail> {
        let mut sources: Vec<Option<Source>> = vec![None, None];
        let mut stats = [None, None];
        // Standard input first when it is the second operand, as GNU does.
        let order = if names[1] == "-" { [1, 0] } else { [0, 1] };
        for (k, &f) in order.iter().enumerate() {
            if k == 1 && skip[0] == skip[1] && names[0] == names[1] {
                break;
            }
            let name = &names[f];
            let opened = if name == "-" {
                Ok((Source::Stdin(wsutil::io::stdin()), fsmeta::fstat(0).ok()))
            } else {
                std::fs::File::open(name).map(|file| (Source::File(file), fsmeta::stat(name, true).ok()))
            };
            match opened {
                Ok((s, st)) => {
                    sources[f] = Some(s);
                    stats[f] = st;
                }
                Err(e) => {
                    if mode == Mode::Status {
                        return Err(Fail::Fatal(None));
                    }
                    return Err(Fail::Fatal(Some(format!("{}: {}", name, strerror(&e)))));
                }
            }
        }
        let sources = sources.into_iter().flatten().collect();
        Ok(Cmp { names, sources, stats, skip })
    }

    fn read_err(&self, f: usize, e: &std::io::Error) -> Fail {
        Fail::Fatal(Some(format!("{}: {}", self.names[f], strerror(e))))
    }

    /// Reads and drops the skipped prefix of input `f`.
    fn skip_input(&mut self, f: usize, buf: &mut [u8]) -> Result<(), Fail> {
        let mut left = self.skip[f];
        while left > 0 {
            let want = (left.min(buf.len() as u64)) as usize;
            let got = read_full(&mut self.sources[f], &mut buf[..want]).map_err(|e| self.read_err(f, &e))?;
            if got < want {
                break;
            }
            left -= got as u64;
        }
        Ok(())
    }

    /// The comparison proper; GNU's `cmp()`.
    fn compare(mut self, mode: Mode, print_bytes: bool, limit: u64, out: &mut Out) -> Result<i32, Fail> {
        const BLOCK: usize = 64 * 1024;
        let mut offset_width = 1;
        if mode == Mode::All {
            let mut max = limit.min(i64::MAX as u64);
            for f in 0..2 {
                if let Some(st) = self.stats[f] {
                    if st.mode & 0o170000 == 0o100000 {
                        max = max.min(st.size.saturating_sub(self.skip[f]));
                    }
                }
            }
            while max >= 10 {
                max /= 10;
                offset_width += 1;
            }
        }
        let mut b0 = vec![0u8; BLOCK];
        let mut b1 = vec![0u8; BLOCK];
        self.skip_input(0, &mut b0)?;
        self.skip_input(1, &mut b0)?;
        let mut remaining = limit;
        let mut byte_number: u64 = 1;
        let mut line_number: u64 = 1;
        let mut differing = 0;
        let mut last_byte: Option<u8> = None;
        loop {
            let want = if remaining < BLOCK as u64 { remaining as usize } else { BLOCK };
            remaining -= want as u64;
            let r0 = read_full(&mut self.sources[0], &mut b0[..want]).map_err(|e| self.read_err(0, &e))?;
            let r1 = read_full(&mut self.sources[1], &mut b1[..want]).map_err(|e| self.read_err(1, &e))?;
            let smaller = r0.min(r1);
            let first_diff = b0[..smaller].iter().zip(&b1[..smaller]).position(|(a, b)| a != b).unwrap_or(smaller);
            if mode == Mode::First {
                line_number += b0[..first_diff].iter().filter(|&&c| c == b'\n').count() as u64;
            }
            if smaller > 0 {
                last_byte = Some(b0[smaller - 1]);
            }
            byte_number += first_diff as u64;
            if first_diff < smaller {
                match mode {
                    Mode::First => {
                        let (c0, c1) = (b0[first_diff], b1[first_diff]);
                        let _ = if print_bytes {
                            writeln!(
                                out,
                                "{} {} differ: byte {}, line {} is {:3o} {} {:3o} {}",
                                self.names[0],
                                self.names[1],
                                byte_number,
                                line_number,
                                c0,
                                visible(c0),
                                c1,
                                visible(c1)
                            )
                        } else {
                            writeln!(out, "{} {} differ: byte {}, line {}", self.names[0], self.names[1], byte_number, line_number)
                        };
                        return Ok(1);
                    }
                    Mode::Status => return Ok(1),
                    Mode::All => {
                        for k in first_diff..smaller {
                            let (c0, c1) = (b0[k], b1[k]);
                            if c0 != c1 {
                                let _ = if print_bytes {
                                    writeln!(
                                        out,
                                        "{:>w$} {:3o} {:<4} {:3o} {}",
                                        byte_number,
                                        c0,
                                        visible(c0),
                                        c1,
                                        visible(c1),
                                        w = offset_width
                                    )
                                } else {
                                    writeln!(out, "{:>w$} {:3o} {:3o}", byte_number, c0, c1, w = offset_width)
                                };
                            }
                            byte_number += 1;
                        }
                        differing = -1;
                    }
                    Mode::NoStdout => differing = 1,
                }
            }
            if r0 != r1 {
                if differing <= 0 && mode != Mode::Status {
                    let f = if r1 < r0 { 1 } else { 0 };
                    // Bytes of the shorter input compared so far.
                    let total = byte_number - 1;
                    if total == 0 && last_byte.is_none() {
                        eprintln!("{}: EOF on {} which is empty", util(), self.names[f]);
                    } else if mode == Mode::First {
                        // Only the default style says which line.
                        if last_byte == Some(b'\n') {
                            eprintln!("{}: EOF on {} after byte {}, line {}", util(), self.names[f], total, line_number - 1);
                        } else {
                            eprintln!("{}: EOF on {} after byte {}, in line {}", util(), self.names[f], total, line_number);
                        }
                    } else {
                        eprintln!("{}: EOF on {} after byte {}", util(), self.names[f], total);
                    }
                }
                return Ok(1);
            }
            if differing > 0 || r0 < BLOCK || want == 0 {
                break;
            }
        }
        Ok(if differing == 0 { 0 } else { 1 })
    }
}

/// A byte as `cat -t` shows it (GNU's `sprintc`): `^A`, `M-x`, `^?`.
fn visible(c: u8) -> String {
    let mut s = String::new();
    let mut c = c;
    if !(0x20..0x7f).contains(&c) {
        if c >= 128 {
            s.push_str("M-");
            c -= 128;
        }
        if c < 32 {
            s.push('^');
            c += 64;
        } else if c == 127 {
            s.push('^');
            c = b'?';
        }
    }
    s.push(c as char);
    s
}
