//! `split`: split a file into pieces (GNU coreutils 9.1).
//!
//! By lines (-l, default 1000), bytes (-b), lines of at most N bytes
//! (-C), or into N chunks (-n N, K/N, l/N, l/K/N, r/N, r/K/N). Output
//! names are PREFIX plus a suffix from a-z (or digits with -d, hex with
//! -x); without -a the suffix grows when it runs out (xyz is followed by
//! xzaaa), as GNU does. Input streams, except that -n needs its size.

use std::fs::File;
use std::io::{Read, Write};
use wsutil::args::{self, HasArg, Item, Spec, HELP, LONG1, LONG2, LONG3, LONG4, LONG5, VERSION};
use wsutil::io::{read_full, stdout};
use wsutil::xstrtol::{xstrtoumax, XErr};
use wsutil::{quote, quote_always, quote_locale, show_error, strerror};

pub const APPLETS: &[wsutil::Applet] = &[("split", main)];

const ADDITIONAL_SUFFIX: char = LONG1;
const FILTER: char = LONG2;
const VERBOSE: char = LONG3;
const NUMERIC: char = LONG4;
const HEX: char = LONG5;

const SPEC: Spec = Spec {
    short: "0123456789C:a:b:del:n:t:ux",
    long: &[
        ("bytes", HasArg::Required, 'b'),
        ("lines", HasArg::Required, 'l'),
        ("line-bytes", HasArg::Required, 'C'),
        ("number", HasArg::Required, 'n'),
        ("elide-empty-files", HasArg::No, 'e'),
        ("unbuffered", HasArg::No, 'u'),
        ("suffix-length", HasArg::Required, 'a'),
        ("additional-suffix", HasArg::Required, ADDITIONAL_SUFFIX),
        ("numeric-suffixes", HasArg::Optional, NUMERIC),
        ("hex-suffixes", HasArg::Optional, HEX),
        ("filter", HasArg::Required, FILTER),
        ("verbose", HasArg::No, VERBOSE),
        ("separator", HasArg::Required, 't'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: split [OPTION]... [FILE [PREFIX]]
Output pieces of FILE to PREFIXaa, PREFIXab, ...;
default size is 1000 lines, and default PREFIX is 'x'.

With no FILE, or when FILE is -, read standard input.

Mandatory arguments to long options are mandatory for short options too.
  -a, --suffix-length=N   generate suffixes of length N (default 2)
      --additional-suffix=SUFFIX  append an additional SUFFIX to file names
  -b, --bytes=SIZE        put SIZE bytes per output file
  -C, --line-bytes=SIZE   put at most SIZE bytes of records per output file
  -d                      use numeric suffixes starting at 0, not alphabetic
      --numeric-suffixes[=FROM]  same as -d, but allow setting the start value
  -x                      use hex suffixes starting at 0, not alphabetic
      --hex-suffixes[=FROM]  same as -x, but allow setting the start value
  -e, --elide-empty-files  do not generate empty output files with '-n'
      --filter=COMMAND    write to shell COMMAND; file name is $FILE
  -l, --lines=NUMBER      put NUMBER lines/records per output file
  -n, --number=CHUNKS     generate CHUNKS output files; see explanation below
  -t, --separator=SEP     use SEP instead of newline as the record separator;
                            '\\0' (zero) specifies the NUL character
  -u, --unbuffered        immediately copy input to output with '-n r/...'
      --verbose           print a diagnostic just before each
                            output file is opened
      --help        display this help and exit
      --version     output version information and exit

The SIZE argument is an integer and optional unit (example: 10K is 10*1024).
Units are K,M,G,T,P,E,Z,Y (powers of 1024) or KB,MB,... (powers of 1000).
Binary prefixes can be used, too: KiB=K, MiB=M, and so on.

CHUNKS may be:
  N       split into N files based on size of input
  K/N     output Kth of N to stdout
  l/N     split into N files without splitting lines/records
  l/K/N   output Kth of N to stdout without splitting lines/records
  r/N     like 'l' but use round robin distribution
  r/K/N   likewise but only output Kth of N to stdout
";

const MULTIPLIERS: &str = "bEGKkMmPTYZ0";
const BUF: usize = 64 * 1024;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Undef,
    Bytes,
    LineBytes,
    Lines,
    Digits,
    ChunkBytes,
    ChunkLines,
    RoundRobin,
}

/// A fatal error, already reported, and the exit status.
struct Exit(i32);

fn die(msg: &str) -> Exit {
    show_error(msg);
    Exit(1)
}

fn usage_die(msg: &str) -> Exit {
    if !msg.is_empty() {
        show_error(msg);
    }
    eprintln!("Try 'split --help' for more information.");
    Exit(1)
}

/// `xdectoumax(arg, 1, max, suffixes, what)`: GNU's message for a bad or
/// out-of-range number (0 is out of range).
fn count(arg: &str, suffixes: &str, what: &str) -> Result<u64, Exit> {
    match xstrtoumax(arg, 10, suffixes) {
        Ok(0) => Err(die(&format!("{}: {}: Numerical result out of range", what, quote_locale(arg)))),
        Err(XErr::Overflow) => {
            Err(die(&format!("{}: {}: Value too large for defined data type", what, quote_locale(arg))))
        }
        Ok(n) => Ok(n),
        Err(_) => Err(die(&format!("{}: {}", what, quote_locale(arg)))),
    }
}

/// Names the output files.
struct Names {
    prefix: String,
    alphabet: &'static [u8],
    suffix_len: usize,
    auto: bool,
    numeric_start: Option<String>,
    additional: String,
    /// Indexes into the alphabet, or None before the first name.
    index: Option<Vec<usize>>,
}

impl Names {
    /// The next name, or None when the suffixes are exhausted.
    fn next(&mut self) -> Option<String> {
        match self.index.as_mut() {
            None => {
                let mut idx = vec![0; self.suffix_len];
                if let Some(start) = &self.numeric_start {
                    let n = start.len();
                    for (i, c) in start.bytes().enumerate() {
                        idx[self.suffix_len - n + i] = (c as char).to_digit(16).unwrap_or(0) as usize;
                    }
                }
                self.index = Some(idx);
            }
            Some(idx) => {
                let mut i = self.suffix_len;
                loop {
                    if i == 0 {
                        return None;
                    }
                    i -= 1;
                    idx[i] += 1;
                    if self.auto && i == 0 && idx[0] + 1 >= self.alphabet.len() {
                        // Widen: the last letter joins the prefix.
                        self.prefix.push(self.alphabet[idx[0]] as char);
                        self.suffix_len += 1;
                        *idx = vec![0; self.suffix_len];
                        break;
                    }
                    if idx[i] < self.alphabet.len() {
                        break;
                    }
                    idx[i] = 0;
                }
            }
        }
        let idx = self.index.as_ref()?;
        let suffix: String = idx.iter().map(|&i| self.alphabet[i] as char).collect();
        Some(format!("{}{}{}", self.prefix, suffix, self.additional))
    }
}

/// Where output goes: the current file and what opening one takes.
struct Output {
    names: Names,
    verbose: bool,
    elide: bool,
    current: Option<File>,
    current_name: String,
    /// The input's (device, inode), to refuse overwriting it.
    input_id: Option<(u64, u64)>,
}

impl Output {
    fn open_next(&mut self) -> Result<(), Exit> {
        self.current = None;
        let name = match self.names.next() {
            Some(n) => n,
            None => return Err(die("output file suffixes exhausted")),
        };
        if self.verbose {
            let mut out = stdout();
            let _ = writeln!(out, "creating file {}", quote_always(&name));
            let _ = out.flush();
        }
        if let Some(id) = self.input_id {
            if let Ok(st) = wsutil::pathstat::stat(&name, true) {
                if (st.dev, st.ino) == id {
                    return Err(die(&format!("{} would overwrite input; aborting", quote_always(&name))));
                }
            }
        }
        match File::create(&name) {
            Ok(f) => {
                self.current = Some(f);
                self.current_name = name;
                Ok(())
            }
            Err(e) => Err(die(&format!("{}: {}", quote(&name), strerror(&e)))),
        }
    }

    /// GNU's cwrite: optionally start a new file, then write `data`. A new
    /// empty file (`data` None) is skipped with -e.
    fn write(&mut self, new_file: bool, data: Option<&[u8]>) -> Result<(), Exit> {
        if new_file {
            if data.is_none() && self.elide {
                return Ok(());
            }
            self.open_next()?;
        }
        if let (Some(d), Some(f)) = (data, self.current.as_mut()) {
            if let Err(e) = f.write_all(d) {
                return Err(die(&format!("{}: {}", quote(&self.current_name), strerror(&e))));
            }
        }
        Ok(())
    }
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(()) => 0,
        Err(Exit(code)) => code,
    }
}

fn run(argv: &[String]) -> Result<(), Exit> {
    let items = args::parse(&SPEC, argv).map_err(|e| usage_die(&e.0))?;
    let mut mode = Mode::Undef;
    let mut n_units: u64 = 0;
    let mut k_units: u64 = 0;
    let mut suffix_len: u64 = 0;
    let mut alphabet: &'static [u8] = b"abcdefghijklmnopqrstuvwxyz";
    let mut numeric_start: Option<String> = None;
    let mut additional = String::new();
    let mut elide = false;
    let mut verbose = false;
    let mut eol: Option<u8> = None;
    let mut operands = Vec::new();
    let mut digits = String::new();
    let mut last_digit_pos: Option<usize> = None;
    let one_way = |mode: Mode| -> Result<(), Exit> {
        if mode != Mode::Undef {
            return Err(usage_die("cannot split in more than one way"));
        }
        Ok(())
    };
    for (pos, item) in items.into_iter().enumerate() {
        match item {
            Item::Opt('a', Some(v)) => {
                suffix_len = match xstrtoumax(&v, 10, "") {
                    Ok(n) if n <= u32::MAX as u64 => n,
                    Ok(_) | Err(XErr::Overflow) => {
                        return Err(die(&format!(
                            "invalid suffix length: {}: Value too large for defined data type",
                            quote_locale(&v)
                        )))
                    }
                    Err(_) => return Err(die(&format!("invalid suffix length: {}", quote_locale(&v)))),
                }
            }
            Item::Opt(ADDITIONAL_SUFFIX, Some(v)) => {
                if v.contains('/') {
                    return Err(usage_die(&format!("invalid suffix {}, contains directory separator", quote_locale(&v))));
                }
                additional = v;
            }
            Item::Opt('b', Some(v)) => {
                one_way(mode)?;
                mode = Mode::Bytes;
                n_units = count(&v, MULTIPLIERS, "invalid number of bytes")?;
            }
            Item::Opt('l', Some(v)) => {
                one_way(mode)?;
                mode = Mode::Lines;
                n_units = count(&v, "", "invalid number of lines")?;
            }
            Item::Opt('C', Some(v)) => {
                one_way(mode)?;
                mode = Mode::LineBytes;
                n_units = count(&v, MULTIPLIERS, "invalid number of bytes")?;
            }
            Item::Opt('n', Some(v)) => {
                one_way(mode)?;
                let t = v.trim_start();
                let rest = if let Some(r) = t.strip_prefix("r/") {
                    mode = Mode::RoundRobin;
                    r
                } else if let Some(r) = t.strip_prefix("l/") {
                    mode = Mode::ChunkLines;
                    r
                } else {
                    mode = Mode::ChunkBytes;
                    t
                };
                match rest.find('/') {
                    Some(slash) => {
                        n_units = count(&rest[slash + 1..], "", "invalid number of chunks")?;
                        let k = &rest[..slash];
                        k_units = match xstrtoumax(k, 10, "") {
                            Ok(x) if x >= 1 && x <= n_units => x,
                            Ok(_) | Err(XErr::Overflow) => {
                                return Err(die(&format!(
                                    "invalid chunk number: {}: Numerical result out of range",
                                    quote_locale(k)
                                )))
                            }
                            Err(_) => return Err(die(&format!("invalid chunk number: {}", quote_locale(k)))),
                        };
                    }
                    None => n_units = count(rest, "", "invalid number of chunks")?,
                }
            }
            Item::Opt('u', _) => {}
            Item::Opt('t', Some(v)) => {
                let b = v.as_bytes();
                let new = match b.len() {
                    0 => return Err(die("empty record separator")),
                    1 => b[0],
                    _ if v == "\\0" => 0,
                    _ => return Err(die(&format!("multi-character separator {}", quote_locale(&v)))),
                };
                if eol.map_or(false, |e| e != new) {
                    return Err(die("multiple separator characters specified"));
                }
                eol = Some(new);
            }
            Item::Opt(c, v) if c == 'd' || c == 'x' || c == NUMERIC || c == HEX => {
                let decimal = c == 'd' || c == NUMERIC;
                alphabet = if decimal { b"0123456789" } else { b"0123456789abcdef" };
                if let Some(start) = v {
                    let ok = start.bytes().all(|ch| alphabet.contains(&ch));
                    if !ok || start.is_empty() {
                        let what = if decimal { "numerical" } else { "hexadecimal" };
                        return Err(usage_die(&format!("{}: invalid start value for {} suffix", quote_locale(&start), what)));
                    }
                    let trimmed = start.trim_start_matches('0');
                    numeric_start = Some(if trimmed.is_empty() { "0".to_string() } else { trimmed.to_string() });
                }
            }
            Item::Opt('e', _) => elide = true,
            Item::Opt(FILTER, _) => {
                return Err(Exit(wsutil::report(&wsutil::Error::Unsupported("--filter".into()), 1)));
            }
            Item::Opt(VERBOSE, _) => verbose = true,
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(());
            }
            Item::Opt(VERSION, _) => {
                println!("split (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(());
            }
            Item::Opt(c, _) if c.is_ascii_digit() => {
                if mode == Mode::Undef {
                    mode = Mode::Digits;
                }
                if mode != Mode::Digits {
                    return Err(usage_die("cannot split in more than one way"));
                }
                // A new -NUM option starts the number over.
                if last_digit_pos.map_or(false, |p| p + 1 != pos) {
                    digits.clear();
                }
                last_digit_pos = Some(pos);
                digits.push(c);
            }
            Item::Opt(_, _) => {}
            Item::Operand(o) => operands.push(o),
        }
    }
    if mode == Mode::Digits {
        n_units = digits.parse().unwrap_or(u64::MAX);
    }
    if mode == Mode::Undef {
        mode = Mode::Lines;
        n_units = 1000;
    }
    if n_units == 0 {
        return Err(usage_die(&format!("invalid number of lines: {}", quote_locale("0"))));
    }
    let eol = eol.unwrap_or(b'\n');
    // The suffix length: given, or 2, or what N chunks need.
    let mut auto = numeric_start.is_none();
    let mut needed = 0u64;
    if matches!(mode, Mode::ChunkBytes | Mode::ChunkLines | Mode::RoundRobin) {
        let mut end = n_units - 1;
        if let Some(start) = &numeric_start {
            if let Ok(s) = start.parse::<u64>() {
                if s < n_units {
                    end = end.saturating_add(s);
                }
            }
        }
        loop {
            needed += 1;
            end /= alphabet.len() as u64;
            if end == 0 {
                break;
            }
        }
        auto = false;
    }
    if suffix_len > 0 {
        if suffix_len < needed {
            return Err(die(&format!("the suffix length needs to be at least {}", needed)));
        }
        auto = false;
    } else {
        suffix_len = needed.max(2);
    }
    if operands.len() > 2 {
        return Err(usage_die(&format!("extra operand {}", quote_locale(&operands[2]))));
    }
    let infile = operands.first().cloned().unwrap_or_else(|| "-".into());
    let prefix = operands.get(1).cloned().unwrap_or_else(|| "x".into());
    if let Some(start) = &numeric_start {
        if start.len() as u64 > suffix_len {
            return Err(usage_die("numerical suffix start value is too large for the suffix length"));
        }
    }
    let mut input: Box<dyn Read> = if infile == "-" {
        Box::new(wsutil::io::stdin())
    } else {
        match File::open(&infile) {
            Ok(f) => Box::new(f),
            Err(e) => {
                return Err(die(&format!("cannot open {} for reading: {}", quote_always(&infile), strerror(&e))))
            }
        }
    };
    let input_id = if infile == "-" {
        None
    } else {
        wsutil::pathstat::stat(&infile, true).ok().map(|s| (s.dev, s.ino))
    };
    let names = Names {
        prefix,
        alphabet,
        suffix_len: suffix_len as usize,
        auto,
        numeric_start,
        additional,
        index: None,
    };
    let mut out = Output { names, verbose, elide, current: None, current_name: String::new(), input_id };
    let mut src = Source { input: &mut *input, name: infile.clone() };
    match mode {
        Mode::Lines | Mode::Digits => lines_split(n_units, eol, &mut src, &mut out),
        Mode::Bytes => bytes_split(n_units, 0, &mut src, &mut out),
        Mode::LineBytes => line_bytes_split(n_units, eol, &mut src, &mut out),
        Mode::ChunkBytes | Mode::ChunkLines => {
            let size = input_size(&infile)?.max(n_units);
            if mode == Mode::ChunkBytes {
                if k_units == 0 {
                    bytes_split(size / n_units, n_units, &mut src, &mut out)
                } else {
                    bytes_extract(k_units, n_units, size, &mut src)
                }
            } else {
                lines_chunk_split(k_units, n_units, size, eol, &mut src, &mut out)
            }
        }
        _ => round_robin(k_units, n_units, eol, &mut src, &mut out),
    }
}

/// The number of bytes left in the input (-n needs it): a pipe has none.
fn input_size(infile: &str) -> Result<u64, Exit> {
    use std::io::{Seek, SeekFrom};
    let fail = || die(&format!("{}: cannot determine file size", quote(infile)));
    if infile == "-" {
        let f = std::mem::ManuallyDrop::new(stdin_file());
        let cur = (&*f).seek(SeekFrom::Current(0)).map_err(|_| fail())?;
        let end = (&*f).seek(SeekFrom::End(0)).map_err(|_| fail())?;
        (&*f).seek(SeekFrom::Start(cur)).map_err(|_| fail())?;
        Ok(end.saturating_sub(cur))
    } else {
        std::fs::metadata(infile).map(|m| m.len()).map_err(|_| fail())
    }
}

fn stdin_file() -> File {
    #[cfg(not(target_os = "wasi"))]
    use std::os::unix::io::FromRawFd;
    #[cfg(target_os = "wasi")]
    use std::os::wasi::io::FromRawFd;
    // SAFETY: descriptor 0 stays open; the caller never drops this File.
    unsafe { File::from_raw_fd(0) }
}

/// The input and its name for messages.
struct Source<'a> {
    input: &'a mut dyn Read,
    name: String,
}

impl<'a> Source<'a> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Exit> {
        read_full(self.input, buf).map_err(|e| die(&format!("{}: {}", quote(&self.name), strerror(&e))))
    }
}

fn lines_split(n_lines: u64, eol: u8, src: &mut Source, out: &mut Output) -> Result<(), Exit> {
    let mut buf = vec![0u8; BUF];
    let mut new_file = true;
    let mut n = 0u64;
    loop {
        let got = src.read(&mut buf)?;
        if got == 0 {
            return Ok(());
        }
        let data = &buf[..got];
        let mut start = 0;
        for (i, &c) in data.iter().enumerate() {
            if c == eol {
                n += 1;
                if n >= n_lines {
                    out.write(new_file, Some(&data[start..=i]))?;
                    start = i + 1;
                    new_file = true;
                    n = 0;
                }
            }
        }
        if start < got {
            out.write(new_file, Some(&data[start..]))?;
            new_file = false;
        }
    }
}

/// Pieces of `n_bytes`; with `max_files`, the last takes what is left and
/// that many files are made even if the input ends first.
fn bytes_split(n_bytes: u64, max_files: u64, src: &mut Source, out: &mut Output) -> Result<(), Exit> {
    let mut buf = vec![0u8; BUF];
    let mut new_file = true;
    let mut to_write = n_bytes;
    let mut opened = 0u64;
    loop {
        let got = src.read(&mut buf)?;
        if got == 0 {
            break;
        }
        let mut data = &buf[..got];
        while to_write <= data.len() as u64 {
            let (piece, rest) = data.split_at(to_write as usize);
            out.write(new_file, Some(piece))?;
            opened += u64::from(new_file);
            new_file = max_files == 0 || opened < max_files;
            data = rest;
            to_write = n_bytes;
        }
        if !data.is_empty() {
            out.write(new_file, Some(data))?;
            opened += u64::from(new_file);
            new_file = false;
            to_write -= data.len() as u64;
        }
    }
    while opened < max_files {
        opened += 1;
        out.write(true, None)?;
    }
    Ok(())
}

/// -C: whole lines up to `n_bytes` per file; longer lines are cut.
fn line_bytes_split(n_bytes: u64, eol: u8, src: &mut Source, out: &mut Output) -> Result<(), Exit> {
    let mut buf = vec![0u8; BUF];
    let mut n_out: u64 = 0;
    let mut hold: Vec<u8> = Vec::new();
    let mut split_line = false;
    loop {
        let got = src.read(&mut buf)?;
        if got == 0 {
            break;
        }
        let mut sob = 0usize;
        let mut n_left = got;
        while n_left > 0 {
            let mut split_rest: u64 = 0;
            let mut eoc = false;
            let n_hold = hold.len() as u64;
            let eol_pos;
            if n_bytes - n_out - n_hold <= n_left as u64 {
                split_rest = n_bytes - n_out - n_hold;
                eoc = true;
                eol_pos = buf[sob..sob + split_rest as usize].iter().rposition(|&c| c == eol);
            } else {
                eol_pos = buf[sob..sob + n_left].iter().rposition(|&c| c == eol);
            }
            if !hold.is_empty() && !(eol_pos.is_none() && n_out > 0) {
                out.write(n_out == 0, Some(&hold))?;
                n_out += hold.len() as u64;
                hold.clear();
            }
            if let Some(p) = eol_pos {
                split_line = true;
                let n_write = p + 1;
                out.write(n_out == 0, Some(&buf[sob..sob + n_write]))?;
                n_out += n_write as u64;
                n_left -= n_write;
                sob += n_write;
                if eoc {
                    split_rest -= n_write as u64;
                }
            }
            if n_left > 0 && !split_line {
                let n_write = if eoc { split_rest as usize } else { n_left };
                out.write(n_out == 0, Some(&buf[sob..sob + n_write]))?;
                n_out += n_write as u64;
                n_left -= n_write;
                sob += n_write;
                if eoc {
                    split_rest -= n_write as u64;
                }
            }
            if (eoc && split_rest > 0) || (!eoc && n_left > 0) {
                let n_buf = if eoc { split_rest as usize } else { n_left };
                hold.extend_from_slice(&buf[sob..sob + n_buf]);
                n_left -= n_buf;
                sob += n_buf;
            }
            if eoc {
                n_out = 0;
                split_line = false;
            }
        }
    }
    if !hold.is_empty() {
        out.write(n_out == 0, Some(&hold))?;
    }
    Ok(())
}

/// -n K/N: the Kth chunk of bytes to standard output.
fn bytes_extract(k: u64, n: u64, size: u64, src: &mut Source) -> Result<(), Exit> {
    let chunk = size / n;
    let start = (k - 1) * chunk;
    let end = if k == n { size } else { k * chunk };
    let mut buf = vec![0u8; BUF];
    let mut pos = 0u64;
    let mut out = stdout();
    while pos < end {
        let got = src.read(&mut buf)?;
        if got == 0 {
            break;
        }
        let lo = start.saturating_sub(pos).min(got as u64) as usize;
        let hi = (end - pos).min(got as u64) as usize;
        if lo < hi {
            let _ = out.write_all(&buf[lo..hi]);
        }
        pos += got as u64;
    }
    let _ = out.flush();
    Ok(())
}

/// -n l/N and l/K/N: a line goes to the chunk its first byte is in; the
/// last chunk takes the remainder.
fn lines_chunk_split(k: u64, n: u64, size: u64, eol: u8, src: &mut Source, out: &mut Output) -> Result<(), Exit> {
    let chunk = size / n;
    let mut chunk_no: u64 = 1;
    let mut chunk_end: i64 = chunk as i64 - 1;
    let mut written: i64 = 0;
    let mut new_file = true;
    let mut truncated = false;
    let mut stdout_out = stdout();
    let mut skip_to: i64 = 0;
    if k > 1 {
        let start = ((k - 1) * chunk) as i64 - 1;
        skip_to = start;
        written = start;
        chunk_no = k - 1;
        chunk_end = (chunk_no * chunk) as i64 - 1;
    }
    let mut buf = vec![0u8; BUF];
    let mut consumed: i64 = 0;
    while written < size as i64 {
        let got = src.read(&mut buf)?;
        if got == 0 {
            break;
        }
        // Discard what lies before the start of chunk K.
        let mut lo = 0usize;
        if consumed < skip_to {
            let drop = ((skip_to - consumed) as usize).min(got);
            lo = drop;
        }
        consumed += got as i64;
        if lo == got {
            continue;
        }
        let avail = ((size as i64 - written).max(0) as usize).min(got - lo);
        let data = &buf[lo..lo + avail];
        truncated = false;
        let mut bp = 0usize;
        while bp < data.len() {
            let left = data.len() - bp;
            let skip = (left as i64).min((chunk_end - written).max(0)) as usize;
            let (end, next) = match data[bp + skip..].iter().position(|&c| c == eol) {
                Some(p) => (bp + skip + p + 1, true),
                None => (data.len(), false),
            };
            let piece = &data[bp..end];
            if k == chunk_no {
                let _ = stdout_out.write_all(piece);
            } else if k == 0 {
                out.write(new_file, Some(piece))?;
            }
            written += piece.len() as i64;
            bp = end;
            new_file = next;
            let mut next = next;
            while next || chunk_end <= written - 1 {
                if !next && bp == data.len() {
                    truncated = true;
                    break;
                }
                chunk_no += 1;
                if k > 0 && chunk_no > k {
                    let _ = stdout_out.flush();
                    return Ok(());
                }
                if chunk_no == n {
                    chunk_end = size as i64 - 1;
                } else {
                    chunk_end += chunk as i64;
                }
                if chunk_end <= written - 1 {
                    if k == 0 {
                        out.write(true, None)?;
                    }
                } else {
                    next = false;
                }
            }
        }
    }
    let _ = stdout_out.flush();
    if truncated {
        chunk_no += 1;
    }
    if k == 0 {
        while chunk_no <= n {
            chunk_no += 1;
            out.write(true, None)?;
        }
    }
    Ok(())
}

/// -n r/N and r/K/N: lines dealt out in turn.
fn round_robin(k: u64, n: u64, eol: u8, src: &mut Source, out: &mut Output) -> Result<(), Exit> {
    let mut buf = vec![0u8; BUF];
    let mut stdout_out = stdout();
    let mut line_no: u64 = 1;
    // Every file's name first, as GNU does; files open on first use.
    let mut files: Vec<(String, Option<File>)> = Vec::new();
    if k == 0 {
        for _ in 0..n {
            match out.names.next() {
                Some(name) => files.push((name, None)),
                None => return Err(die("output file suffixes exhausted")),
            }
        }
    }
    let mut i_file = 0usize;
    let mut wrapped = false;
    let open = |entry: &mut (String, Option<File>), out: &Output| -> Result<(), Exit> {
        if entry.1.is_none() {
            if out.verbose {
                let mut so = stdout();
                let _ = writeln!(so, "creating file {}", quote_always(&entry.0));
                let _ = so.flush();
            }
            match File::create(&entry.0) {
                Ok(f) => entry.1 = Some(f),
                Err(e) => return Err(die(&format!("{}: {}", quote(&entry.0), strerror(&e)))),
            }
        }
        Ok(())
    };
    loop {
        let got = src.read(&mut buf)?;
        if got == 0 {
            break;
        }
        let data = &buf[..got];
        let mut bp = 0;
        while bp < data.len() {
            let (end, next) = match data[bp..].iter().position(|&c| c == eol) {
                Some(p) => (bp + p + 1, true),
                None => (data.len(), false),
            };
            let piece = &data[bp..end];
            if k > 0 {
                if line_no == k {
                    let _ = stdout_out.write_all(piece);
                }
                if next {
                    line_no = if line_no == n { 1 } else { line_no + 1 };
                }
            } else {
                open(&mut files[i_file], out)?;
                if let Some(f) = files[i_file].1.as_mut() {
                    if let Err(e) = f.write_all(piece) {
                        return Err(die(&format!("{}: {}", quote(&files[i_file].0), strerror(&e))));
                    }
                }
                if next {
                    i_file += 1;
                    if i_file as u64 == n {
                        wrapped = true;
                        i_file = 0;
                    }
                }
            }
            bp = end;
        }
    }
    let _ = stdout_out.flush();
    if k == 0 {
        let ceiling = if wrapped { n as usize } else { i_file };
        for i in 0..files.len() {
            if i >= ceiling && !out.elide {
                open(&mut files[i], out)?;
            }
        }
    }
    Ok(())
}
