//! `shuf`: write a random permutation of the input lines (GNU 9.1).
//!
//! The random numbers come from gnulib's randint over a byte stream: with
//! --random-source=FILE the bytes of FILE, otherwise /dev/urandom. Given
//! the same source, the output is GNU's exactly: numbers are drawn the way
//! randint_genmax draws them (bytes appended until the range is covered,
//! unfair tails rejected, leftover randomness kept for the next call), the
//! permutation is gnulib's partial Fisher-Yates, and -n on a pipe or a big
//! file uses the same reservoir sampling, extra draw at the end included.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use wsutil::args::{self, HasArg, Item, Spec, HELP, LONG1, VERSION};
use wsutil::xstrtol::{xstrtoumax, XErr};
use wsutil::{quote, quote_locale, show_error, strerror};

pub const APPLETS: &[wsutil::Applet] = &[("shuf", main)];

const RANDOM_SOURCE: char = LONG1;

const SPEC: Spec = Spec {
    short: "ei:n:o:rz",
    long: &[
        ("echo", HasArg::No, 'e'),
        ("input-range", HasArg::Required, 'i'),
        ("head-count", HasArg::Required, 'n'),
        ("output", HasArg::Required, 'o'),
        ("random-source", HasArg::Required, RANDOM_SOURCE),
        ("repeat", HasArg::No, 'r'),
        ("zero-terminated", HasArg::No, 'z'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: shuf [OPTION]... [FILE]
  or:  shuf -e [OPTION]... [ARG]...
  or:  shuf -i LO-HI [OPTION]...
Write a random permutation of the input lines to standard output.

With no FILE, or when FILE is -, read standard input.

Mandatory arguments to long options are mandatory for short options too.
  -e, --echo                treat each ARG as an input line
  -i, --input-range=LO-HI   treat each number LO through HI as an input line
  -n, --head-count=COUNT    output at most COUNT lines
  -o, --output=FILE         write result to FILE instead of standard output
      --random-source=FILE  get random bytes from FILE
  -r, --repeat              output lines can be repeated
  -z, --zero-terminated     line delimiter is NUL, not newline
      --help        display this help and exit
      --version     output version information and exit
";

/// Inputs larger than this (or of unknown size) are sampled with a
/// reservoir when -n is given, as in GNU.
const RESERVOIR_MIN_INPUT: u64 = 8192 * 1024;

/// A fatal error, already reported.
struct Exit;

fn die(msg: &str) -> Exit {
    show_error(msg);
    Exit
}

fn usage_die(msg: &str) -> Exit {
    show_error(msg);
    eprintln!("Try 'shuf --help' for more information.");
    Exit
}

/// gnulib's randint over a byte source.
struct RandInt {
    source: Option<Box<dyn Read>>,
    name: String,
    randnum: u64,
    randmax: u64,
}

fn shift_left(x: u64) -> u64 {
    if x > u64::MAX >> 8 {
        0
    } else {
        x << 8
    }
}

impl RandInt {
    fn bytes(&mut self, buf: &mut [u8]) -> Result<(), Exit> {
        let name = self.name.clone();
        let src = match self.source.as_mut() {
            Some(s) => s,
            None => return Err(die(&format!("{}: end of file", quote_locale(&name)))),
        };
        let mut filled = 0;
        while filled < buf.len() {
            match src.read(&mut buf[filled..]) {
                Ok(0) => return Err(die(&format!("{}: end of file", quote_locale(&name)))),
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(die(&format!("{}: read error: {}", quote_locale(&name), strerror(&e)))),
            }
        }
        Ok(())
    }

    /// A uniform number in 0..=genmax.
    fn genmax(&mut self, genmax: u64) -> Result<u64, Exit> {
        let mut randnum = self.randnum;
        let mut randmax = self.randmax;
        let choices = genmax.wrapping_add(1);
        loop {
            if randmax < genmax {
                let mut i = 0;
                let mut rmax = randmax;
                loop {
                    rmax = shift_left(rmax).wrapping_add(255);
                    i += 1;
                    if rmax >= genmax {
                        break;
                    }
                }
                let mut buf = [0u8; 8];
                self.bytes(&mut buf[..i])?;
                let mut k = 0;
                loop {
                    randnum = shift_left(randnum).wrapping_add(buf[k] as u64);
                    randmax = shift_left(randmax).wrapping_add(255);
                    k += 1;
                    if randmax >= genmax {
                        break;
                    }
                }
            }
            if randmax == genmax {
                self.randnum = 0;
                self.randmax = 0;
                return Ok(randnum);
            }
            let excess = randmax - genmax;
            let unusable = excess % choices;
            let last_usable = randmax - unusable;
            let reduced = randnum % choices;
            if randnum <= last_usable {
                self.randnum = randnum / choices;
                self.randmax = excess / choices;
                return Ok(reduced);
            }
            randnum = reduced;
            randmax = unusable.wrapping_sub(1);
        }
    }

    /// A uniform number in 0..n.
    fn choose(&mut self, n: u64) -> Result<u64, Exit> {
        self.genmax(n - 1)
    }
}

/// gnulib's randperm_new: the first `h` of a random permutation of 0..n.
fn randperm(r: &mut RandInt, h: u64, n: u64) -> Result<Vec<u64>, Exit> {
    match h {
        0 => Ok(Vec::new()),
        1 => Ok(vec![r.choose(n)?]),
        _ => {
            // A map from index to value stands in for the array of n.
            let mut swapped: std::collections::HashMap<u64, u64> = std::collections::HashMap::new();
            let mut out = Vec::with_capacity(h as usize);
            for i in 0..h {
                let j = i + r.choose(n - i)?;
                let vi = *swapped.get(&i).unwrap_or(&i);
                let vj = *swapped.get(&j).unwrap_or(&j);
                swapped.insert(i, vj);
                swapped.insert(j, vi);
                out.push(vj);
            }
            Ok(out)
        }
    }
}

/// Bytes of randomness randperm may need (gnulib's randperm_bound); 0
/// means none, and then the source is not even opened.
fn randperm_bound(h: u64, n: u64) -> u64 {
    // floor(lg n) + 1 bits per number (0 for n = 0).
    let lg = 64 - n.leading_zeros() as u64;
    (lg.saturating_mul(h)).saturating_add(7) / 8
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(()) => 0,
        Err(Exit) => 1,
    }
}

fn run(argv: &[String]) -> Result<(), Exit> {
    let items = args::parse(&SPEC, argv).map_err(|e| usage_die(&e.0))?;
    let mut echo = false;
    let mut range: Option<(u64, u64)> = None;
    let mut head: u64 = u64::MAX;
    let mut output: Option<String> = None;
    let mut source: Option<String> = None;
    let mut repeat = false;
    let mut eol = b'\n';
    let mut operands = Vec::new();
    for item in items {
        match item {
            Item::Opt('e', _) => echo = true,
            Item::Opt('i', Some(v)) => {
                if range.is_some() {
                    return Err(die("multiple -i options specified"));
                }
                range = Some(parse_range(&v)?);
            }
            Item::Opt('n', Some(v)) => match xstrtoumax(&v, 10, "") {
                Ok(n) => head = head.min(n),
                Err(XErr::Overflow) => {}
                Err(_) => return Err(die(&format!("invalid line count: {}", quote_locale(&v)))),
            },
            Item::Opt('o', Some(v)) => {
                if output.as_ref().map_or(false, |o| *o != v) {
                    return Err(die("multiple output files specified"));
                }
                output = Some(v);
            }
            Item::Opt(RANDOM_SOURCE, Some(v)) => {
                if source.as_ref().map_or(false, |s| *s != v) {
                    return Err(die("multiple random sources specified"));
                }
                source = Some(v);
            }
            Item::Opt('r', _) => repeat = true,
            Item::Opt('z', _) => eol = 0,
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(());
            }
            Item::Opt(VERSION, _) => {
                println!("shuf (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(());
            }
            Item::Opt(_, _) => {}
            Item::Operand(o) => operands.push(o),
        }
    }
    if echo && range.is_some() {
        return Err(usage_die("cannot combine -e and -i options"));
    }
    if range.is_some() && !operands.is_empty() {
        return Err(usage_die(&format!("extra operand {}", quote_locale(&operands[0]))));
    }
    if range.is_none() && !echo && operands.len() > 1 {
        return Err(usage_die(&format!("extra operand {}", quote_locale(&operands[1]))));
    }
    // The lines (or, with -i, their number), and whether to sample.
    let mut lines: Vec<Vec<u8>> = Vec::new();
    let mut n_lines: u64;
    let mut reservoir_input: Option<Box<dyn BufRead>> = None;
    if head == 0 {
        n_lines = 0;
    } else if echo {
        lines = operands.iter().map(|o| o.as_bytes().to_vec()).collect();
        n_lines = lines.len() as u64;
    } else if let Some((lo, hi)) = range {
        n_lines = hi.wrapping_sub(lo).wrapping_add(1);
    } else {
        let name = operands.first().cloned().unwrap_or_else(|| "-".into());
        let (reader, size): (Box<dyn Read>, Option<u64>) = if name == "-" {
            (Box::new(wsutil::io::stdin()), stdin_size())
        } else {
            match File::open(&name) {
                Ok(f) => {
                    let size = f.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
                    (Box::new(f), size)
                }
                Err(e) => return Err(die(&format!("{}: {}", quote(&name), strerror(&e)))),
            }
        };
        let mut reader: Box<dyn BufRead> = Box::new(BufReader::with_capacity(64 * 1024, reader));
        if repeat || head == u64::MAX || size.map_or(false, |s| s <= RESERVOIR_MIN_INPUT) {
            lines = read_lines(&mut *reader, eol)?;
            n_lines = lines.len() as u64;
        } else {
            reservoir_input = Some(reader);
            n_lines = u64::MAX;
        }
    }
    let mut ahead = if repeat || head < n_lines { head } else { n_lines };
    let bound = if reservoir_input.is_some() || repeat { u64::MAX } else { randperm_bound(ahead, n_lines) };
    let mut rand = RandInt { source: None, name: String::new(), randnum: 0, randmax: 0 };
    if bound > 0 {
        let name = source.clone().unwrap_or_else(|| "/dev/urandom".into());
        match File::open(&name) {
            Ok(f) => {
                rand.source = Some(Box::new(BufReader::with_capacity(4096, f)));
                rand.name = name;
            }
            Err(e) => return Err(die(&format!("{}: {}", quote(&name), strerror(&e)))),
        }
    }
    if let Some(mut input) = reservoir_input {
        lines = reservoir(&mut *input, eol, ahead, &mut rand)?;
        n_lines = lines.len() as u64;
        ahead = n_lines;
    }
    let permutation = if repeat { Vec::new() } else { randperm(&mut rand, ahead, n_lines)? };
    let sink: Box<dyn Write> = match &output {
        Some(path) => match File::create(path) {
            Ok(f) => Box::new(f),
            Err(e) => return Err(die(&format!("{}: {}", quote(path), strerror(&e)))),
        },
        None => Box::new(wsutil::io::stdout()),
    };
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, sink);
    let written = emit(&mut out, repeat, head, ahead, n_lines, range, &lines, &permutation, eol, &mut rand);
    let flushed = out.flush();
    written?;
    if flushed.is_err() {
        return Err(die("write error"));
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn emit(
    out: &mut dyn Write,
    repeat: bool,
    head: u64,
    ahead: u64,
    n_lines: u64,
    range: Option<(u64, u64)>,
    lines: &[Vec<u8>],
    permutation: &[u64],
    eol: u8,
    rand: &mut RandInt,
) -> Result<(), Exit> {
    let line = |out: &mut dyn Write, bytes: &[u8]| {
        let _ = out.write_all(bytes);
        let _ = out.write_all(&[eol]);
    };
    if repeat {
        if head == 0 {
            return Ok(());
        }
        if n_lines == 0 {
            return Err(die("no lines to repeat"));
        }
        let mut i = 0u64;
        while i < ahead {
            let j = rand.choose(n_lines)?;
            match range {
                Some((lo, _)) => line(out, (lo + j).to_string().as_bytes()),
                None => line(out, &lines[j as usize]),
            }
            i += 1;
        }
        return Ok(());
    }
    for &p in permutation {
        match range {
            Some((lo, _)) => line(out, (lo + p).to_string().as_bytes()),
            None => line(out, &lines[p as usize]),
        }
    }
    Ok(())
}

/// `LO-HI`, with GNU's checks (LO = HI + 1 is an empty range).
fn parse_range(v: &str) -> Result<(u64, u64), Exit> {
    let bad = |what: &str| die(&format!("invalid input range: {}", quote_locale(what)));
    let num = |s: &str| -> Result<u64, Exit> {
        match xstrtoumax(s, 10, "") {
            Ok(n) => Ok(n),
            Err(XErr::Overflow) => Err(die(&format!(
                "invalid input range: {}: Value too large for defined data type",
                quote_locale(s)
            ))),
            Err(_) => Err(bad(s)),
        }
    };
    let dash = match v.find('-') {
        Some(d) => d,
        None => {
            num(v)?;
            return Err(bad(v));
        }
    };
    let lo = num(&v[..dash])?;
    let hi = num(&v[dash + 1..])?;
    let n = hi.wrapping_sub(lo).wrapping_add(1);
    if (lo <= hi) == (n == 0) {
        return Err(bad(v));
    }
    Ok((lo, hi))
}

/// The size of a regular file on standard input from its offset, if known.
fn stdin_size() -> Option<u64> {
    use std::io::{Seek, SeekFrom};
    #[cfg(not(target_os = "wasi"))]
    use std::os::unix::io::FromRawFd;
    #[cfg(target_os = "wasi")]
    use std::os::wasi::io::FromRawFd;
    // SAFETY: descriptor 0 stays open; ManuallyDrop never closes it.
    let f = std::mem::ManuallyDrop::new(unsafe { File::from_raw_fd(0) });
    let m = f.metadata().ok()?;
    if !m.is_file() {
        return None;
    }
    let cur = (&*f).seek(SeekFrom::Current(0)).ok()?;
    Some(m.len().saturating_sub(cur))
}

/// Every line without its delimiter (one is added to a last line that
/// lacks it).
fn read_lines(r: &mut dyn BufRead, eol: u8) -> Result<Vec<Vec<u8>>, Exit> {
    let mut lines = Vec::new();
    loop {
        let mut l = Vec::new();
        match r.read_until(eol, &mut l) {
            Ok(0) => return Ok(lines),
            Ok(_) => {
                if l.last() == Some(&eol) {
                    l.pop();
                }
                lines.push(l);
            }
            Err(e) => return Err(die(&format!("read error: {}", strerror(&e)))),
        }
    }
}

/// GNU's reservoir sampling: the first k lines, then line number n
/// replaces slot j when a draw in 0..=n gives j < k (the draw is made
/// before each read, including the one that finds the end).
fn reservoir(r: &mut dyn BufRead, eol: u8, k: u64, rand: &mut RandInt) -> Result<Vec<Vec<u8>>, Exit> {
    let mut slots: Vec<Vec<u8>> = Vec::new();
    let read_one = |r: &mut dyn BufRead| -> Result<Option<Vec<u8>>, Exit> {
        let mut l = Vec::new();
        match r.read_until(eol, &mut l) {
            Ok(0) => Ok(None),
            Ok(_) => {
                if l.last() == Some(&eol) {
                    l.pop();
                }
                Ok(Some(l))
            }
            Err(e) => Err(die(&format!("read error: {}", strerror(&e)))),
        }
    };
    let mut n: u64 = 0;
    while n < k {
        match read_one(r)? {
            Some(l) => {
                slots.push(l);
                n += 1;
            }
            None => return Ok(slots),
        }
    }
    loop {
        let j = rand.choose(n + 1)?;
        match read_one(r)? {
            Some(l) => {
                if j < k {
                    slots[j as usize] = l;
                }
                n += 1;
            }
            None => return Ok(slots),
        }
    }
}
