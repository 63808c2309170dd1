//! `tail`: the last (or all from the Kth) lines or bytes of files.
//!
//! Memory stays bounded where GNU's does: `+K` forms skip and then copy in
//! blocks, a pipe keeps only the blocks that may still hold the last K
//! lines or bytes, and a regular file opened by name is read backwards from
//! its end. Following files (`-f`, `-F`, `--pid`, ...) needs a process that
//! waits for writers; the sandbox refuses it.

use std::io::{Read, Seek, SeekFrom, Write};
use wsutil::args::{self, HasArg, Item, Spec, HELP, LONG1, LONG2, LONG3, LONG4, LONG5, LONG6, VERSION};
use wsutil::io::{open_input, read_full, stdout, Input, Out};
use wsutil::num::{describe, parse_size, NumError};
use wsutil::{report, show_error, strerror, Error, Result};

pub const APPLETS: &[wsutil::Applet] = &[("tail", main)];

const FOLLOW: char = LONG1;
const PID: char = LONG2;
const RETRY: char = LONG3;
const MAX_UNCHANGED: char = LONG4;
const NO_INOTIFY: char = LONG5;
const PRESUME_PIPE: char = LONG6;

const SPEC: Spec = Spec {
    short: "c:n:fFqs:vz0123456789",
    long: &[
        ("bytes", HasArg::Required, 'c'),
        ("follow", HasArg::Optional, FOLLOW),
        ("lines", HasArg::Required, 'n'),
        ("max-unchanged-stats", HasArg::Required, MAX_UNCHANGED),
        // GNU's two hidden options are spelled with three dashes.
        ("-disable-inotify", HasArg::No, NO_INOTIFY),
        ("pid", HasArg::Required, PID),
        ("-presume-input-pipe", HasArg::No, PRESUME_PIPE),
        ("quiet", HasArg::No, 'q'),
        ("retry", HasArg::No, RETRY),
        ("silent", HasArg::No, 'q'),
        ("sleep-interval", HasArg::Required, 's'),
        ("verbose", HasArg::No, 'v'),
        ("zero-terminated", HasArg::No, 'z'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: tail [OPTION]... [FILE]...
Print the last 10 lines of each FILE to standard output.
With more than one FILE, precede each with a header giving the file name.

With no FILE, or when FILE is -, read standard input.

  -c, --bytes=[+]NUM       output the last NUM bytes; or use -c +NUM to
                             output starting with byte NUM of each file
  -n, --lines=[+]NUM       output the last NUM lines, instead of the last 10;
                             or use -n +NUM to skip NUM-1 lines at the start
  -q, --quiet, --silent    never output headers giving file names
  -v, --verbose            always output headers giving file names
  -z, --zero-terminated    line delimiter is NUL, not newline
      --help               display this help and exit
      --version            output version information and exit

NUM may have a multiplier suffix:
b 512, kB 1000, K 1024, MB 1000*1000, M 1024*1024,
GB 1000*1000*1000, G 1024*1024*1024, and so on for T, P, E, Z, Y.
Binary prefixes can be used, too: KiB=K, MiB=M, and so on.

Following files (-f, -F, --follow, --pid, --retry, -s) is not supported
in the wasmsand sandbox.
";

/// The multiplier letters GNU 9.1's tail accepts (no R or Q yet).
const SUFFIXES: &str = "bkKmMGTPEZY0";

const BLOCK: usize = 64 * 1024;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    Lines,
    Bytes,
}

struct Mode {
    unit: Unit,
    count: u64,
    /// `+K`: print from the Kth unit on instead of the last K.
    from_start: bool,
    delim: u8,
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e @ Error::Unsupported(_)) => {
            let status = report(&e, 1);
            show_error("following files is not supported in the sandbox: tail reads each file once");
            status
        }
        Err(e) => report(&e, 1),
    }
}

/// What the obsolete first operand (`-5`, `+3`, `-5c`, `-b`, `-5f`) says.
struct Obsolete {
    mode: Mode,
    follow: bool,
}

/// GNU reads the obsolete form only when it is the sole option and at most
/// one file follows (possibly after `--`), so `tail -5 -q` is not one.
fn obsolete_applies(argv: &[String]) -> bool {
    match argv.len() {
        1 => true,
        2 => !(argv[1].len() > 1 && argv[1].starts_with('-')) || argv[1] == "--",
        3 => argv[1] == "--",
        _ => false,
    }
}

/// Parses `[-+][DIGITS][b|c|l][f]`; `None` when the text is no obsolete
/// option (then it is an ordinary option or a file name).
fn parse_obsolete(arg: &str) -> Result<Option<Obsolete>> {
    let bytes = arg.as_bytes();
    let from_start = match bytes.first() {
        Some(b'+') => true,
        Some(b'-') => {
            // "-" is standard input and "-c" needs its argument.
            let rest = &bytes[1..];
            let probe = if rest.first() == Some(&b'c') { 1 } else { 0 };
            if rest.get(probe).is_none() {
                return Ok(None);
            }
            false
        }
        _ => return Ok(None),
    };
    let body = &arg[1..];
    let digits_end = body.find(|c: char| !c.is_ascii_digit()).unwrap_or(body.len());
    let mut rest = &body[digits_end..];
    let mut default_count = 10u64;
    let mut unit = Unit::Lines;
    match rest.as_bytes().first() {
        Some(b'b') => {
            default_count *= 512;
            unit = Unit::Bytes;
            rest = &rest[1..];
        }
        Some(b'c') => {
            unit = Unit::Bytes;
            rest = &rest[1..];
        }
        Some(b'l') => rest = &rest[1..],
        _ => {}
    }
    let follow = rest.starts_with('f');
    if follow {
        rest = &rest[1..];
    }
    if !rest.is_empty() {
        return Ok(None);
    }
    // GNU's strtoumax call sees the digits and a `b` multiplier; a `c` or
    // `l` after them stops it harmlessly.
    let with_b = digits_end + body[digits_end..].starts_with('b') as usize;
    let count = if digits_end == 0 { default_count } else { obsolete_number(arg, &body[..with_b])? };
    Ok(Some(Obsolete { mode: Mode { unit, count, from_start, delim: b'\n' }, follow }))
}

/// The count of an obsolete option: digits with an optional `b` (x512).
/// GNU names the whole option in its message, with strtoumax's ERANGE text
/// when the digits alone overflow.
fn obsolete_number(arg: &str, digits: &str) -> Result<u64> {
    let (num, times) = match digits.strip_suffix('b') {
        Some(num) => (num, 512u64),
        None => (digits, 1),
    };
    let what = "invalid number";
    match num.parse::<u64>() {
        Ok(v) => v
            .checked_mul(times)
            .ok_or_else(|| Error::Fatal(format!("{}: {}", what, wsutil::quote_locale(arg)))),
        Err(_) => Err(Error::Fatal(format!(
            "{}: {}: Numerical result out of range",
            what,
            wsutil::quote_locale(arg)
        ))),
    }
}

/// `-n`/`-c`'s argument as GNU's `xdectoumax` reads it: leading blanks and
/// a `+` sign are allowed, a multiplier suffix (with `B`/`D` for powers of
/// 1000 or `iB` for 1024) may follow.
fn parse_count(text: &str, what: &str) -> Result<u64> {
    let trimmed = text.trim_start_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r'));
    let unsigned = trimmed.strip_prefix('+').unwrap_or(trimmed);
    // `D` is GNU's other spelling of the decimal `B` (`1kD` = 1000).
    let normalized = match unsigned.strip_suffix('D') {
        Some(head) if head.ends_with(|c: char| c.is_ascii_alphabetic() && c != 'b' && SUFFIXES.contains(c)) => {
            format!("{}B", head)
        }
        _ => unsigned.to_string(),
    };
    parse_size(&normalized, SUFFIXES).map_err(|e: NumError| Error::Fatal(describe(what, text, e)))
}

/// A follow-related flag, named the way the refusal message shows it.
fn follow_flag(c: char) -> Option<&'static str> {
    match c {
        'f' | FOLLOW => Some("--follow"),
        'F' => Some("-F"),
        's' => Some("--sleep-interval"),
        PID => Some("--pid"),
        RETRY => Some("--retry"),
        MAX_UNCHANGED => Some("--max-unchanged-stats"),
        _ => None,
    }
}

/// Options other than the count, gathered while parsing.
struct Opts {
    headers: Option<bool>,
    files: Vec<String>,
}

/// The parsed items of the longest start of `args` that parses, down to a
/// part of a short-option cluster: what getopt handed out before failing.
fn items_before_error(args: &[String]) -> Vec<Item> {
    for j in (0..args.len()).rev() {
        let arg = &args[j];
        if arg.len() > 2 && arg.starts_with('-') && !arg.starts_with("--") {
            for k in (2..arg.len()).rev().filter(|&k| arg.is_char_boundary(k)) {
                let mut prefix = args[..j].to_vec();
                prefix.push(arg[..k].to_string());
                if let Ok(items) = args::parse(&SPEC, &prefix) {
                    return items;
                }
            }
        }
        if let Ok(items) = args::parse(&SPEC, &args[..j]) {
            return items;
        }
    }
    Vec::new()
}

/// Acts on one option or operand; `Some(status)` ends the run (`--help`).
fn apply(item: Item, mode: &mut Mode, opts: &mut Opts) -> Result<Option<i32>> {
    match item {
        Item::Opt(c @ ('c' | 'n'), Some(v)) => {
            mode.unit = if c == 'c' { Unit::Bytes } else { Unit::Lines };
            // As in GNU, a `+` sticks even if a later count has none.
            let number = if v.starts_with('+') {
                mode.from_start = true;
                v.as_str()
            } else {
                v.strip_prefix('-').unwrap_or(&v)
            };
            let what = if c == 'c' { "invalid number of bytes" } else { "invalid number of lines" };
            mode.count = parse_count(number, what)?;
        }
        Item::Opt('q', _) => opts.headers = Some(false),
        Item::Opt('v', _) => opts.headers = Some(true),
        Item::Opt('z', _) => mode.delim = 0,
        Item::Opt(c, _) if c.is_ascii_digit() => {
            return Err(Error::Fatal(format!("option used in invalid context -- {}", c)));
        }
        Item::Opt(c, _) if follow_flag(c).is_some() => {
            return Err(Error::Unsupported(follow_flag(c).unwrap_or("--follow").into()));
        }
        Item::Opt(HELP, _) => {
            print!("{}", USAGE);
            return Ok(Some(0));
        }
        Item::Opt(VERSION, _) => {
            println!("tail (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
            return Ok(Some(0));
        }
        // ---presume-input-pipe and ---disable-inotify change nothing one
        // can see when not following.
        Item::Opt(_, _) => {}
        Item::Operand(f) => opts.files.push(f),
    }
    Ok(None)
}

fn run(argv: &[String]) -> Result<i32> {
    let mut mode = Mode { unit: Unit::Lines, count: 10, from_start: false, delim: b'\n' };
    let mut rest: &[String] = argv;
    if obsolete_applies(argv) {
        if let Some(obs) = parse_obsolete(&argv[0])? {
            if obs.follow {
                return Err(Error::Unsupported("--follow".into()));
            }
            mode = obs.mode;
            rest = &argv[1..];
        }
    }
    let mut opts = Opts { headers: None, files: Vec::new() };
    let items = match args::parse(&SPEC, rest) {
        Ok(items) => items,
        Err(e) => {
            // getopt hands GNU the options one by one: an earlier bad count
            // or `-5` in the wrong place is reported before a later bad flag.
            for item in items_before_error(rest) {
                if let Some(code) = apply(item, &mut mode, &mut opts)? {
                    return Ok(code);
                }
            }
            return Err(e.into());
        }
    };
    for item in items {
        if let Some(code) = apply(item, &mut mode, &mut opts)? {
            return Ok(code);
        }
    }
    let Opts { headers, mut files } = opts;
    // GNU reads nothing, not even to report missing files, when nothing
    // would be printed.
    if mode.count == 0 && !mode.from_start {
        return Ok(0);
    }
    if mode.from_start && mode.count > 0 {
        mode.count -= 1;
    }
    if files.is_empty() {
        files.push("-".to_string());
    }
    let show_headers = headers.unwrap_or(files.len() > 1);
    let mut out = stdout();
    let mut status = 0;
    let mut first_header = true;
    for name in &files {
        let display = if name == "-" { "standard input" } else { name.as_str() };
        let mut input = match open_input(name) {
            Ok(input) => input,
            Err(e) => {
                out.flush()?;
                show_error(&format!("cannot open {} for reading: {}", wsutil::quote_always(display), strerror(&e)));
                status = 1;
                continue;
            }
        };
        if show_headers {
            write!(out, "{}==> {} <==\n", if first_header { "" } else { "\n" }, display)?;
            first_header = false;
        }
        if let Err(e) = tail_one(&mode, &mut input, &mut out) {
            out.flush()?;
            show_error(&format!("error reading {}: {}", wsutil::quote_always(display), strerror(&e)));
            status = 1;
        }
    }
    out.flush()?;
    Ok(status)
}

/// Writes the wanted part of one input.
fn tail_one(mode: &Mode, input: &mut Input, out: &mut Out) -> std::io::Result<()> {
    if mode.from_start {
        skip_start(mode, input, out)
    } else if let Some(file) = seekable_file(input) {
        match mode.unit {
            Unit::Bytes => last_bytes_seek(mode.count, file, out),
            Unit::Lines => last_lines_seek(mode, file, out),
        }
    } else {
        keep_last(mode, input, out)
    }
}

/// A regular file opened by name, which can be read from its end.
fn seekable_file(input: &mut Input) -> Option<&mut std::fs::File> {
    match input {
        Input::File(f) if f.metadata().map(|m| m.is_file()).unwrap_or(false) => Some(f),
        _ => None,
    }
}

/// `+K`: drops the first `count` units (already K-1), then copies the rest
/// block by block.
fn skip_start(mode: &Mode, input: &mut Input, out: &mut Out) -> std::io::Result<()> {
    let mut buf = vec![0u8; BLOCK];
    let mut left = mode.count;
    loop {
        let n = read_full(input, &mut buf)?;
        if n == 0 {
            return Ok(());
        }
        let mut from = 0;
        if left > 0 {
            from = match mode.unit {
                Unit::Bytes => left.min(n as u64) as usize,
                Unit::Lines => skip_lines(&buf[..n], &mut left, mode.delim),
            };
            if mode.unit == Unit::Bytes {
                left -= from as u64;
            }
        }
        out.write_all(&buf[from..n])?;
    }
}

/// Counts delimiters in `data` down from `left`; returns where the data
/// after the last skipped line starts (`data.len()` if all was skipped).
fn skip_lines(data: &[u8], left: &mut u64, delim: u8) -> usize {
    for (pos, &b) in data.iter().enumerate() {
        if b == delim {
            *left -= 1;
            if *left == 0 {
                return pos + 1;
            }
        }
    }
    data.len()
}

/// The last `count` bytes of a regular file: one seek, then a copy.
fn last_bytes_seek(count: u64, file: &mut std::fs::File, out: &mut Out) -> std::io::Result<()> {
    let start = file.stream_position()?;
    let end = file.seek(SeekFrom::End(0))?;
    let from = end.saturating_sub(count).max(start);
    file.seek(SeekFrom::Start(from))?;
    copy_rest(file, out)
}

/// The last `count` lines of a regular file, found by reading blocks
/// backwards from its end; a final line without delimiter counts as one.
fn last_lines_seek(mode: &Mode, file: &mut std::fs::File, out: &mut Out) -> std::io::Result<()> {
    let start = file.stream_position()?;
    let end = file.seek(SeekFrom::End(0))?;
    let mut buf = vec![0u8; BLOCK];
    let mut pos = end;
    let mut first_block = true;
    // Delimiters still to pass, going backwards, before the output starts.
    let mut left = mode.count;
    let mut found = start;
    'scan: while pos > start {
        let len = (pos - start).min(BLOCK as u64) as usize;
        pos -= len as u64;
        file.seek(SeekFrom::Start(pos))?;
        let n = read_full(file, &mut buf[..len])?;
        let mut data = &buf[..n];
        if first_block {
            first_block = false;
            // The file's own final delimiter ends the last line; it does
            // not start one.
            if data.last() == Some(&mode.delim) {
                data = &data[..n - 1];
            }
        }
        for (i, &b) in data.iter().enumerate().rev() {
            if b == mode.delim {
                left -= 1;
                if left == 0 {
                    found = pos + i as u64 + 1;
                    break 'scan;
                }
            }
        }
    }
    file.seek(SeekFrom::Start(found))?;
    copy_rest(file, out)
}

fn copy_rest(input: &mut dyn Read, out: &mut Out) -> std::io::Result<()> {
    let mut buf = vec![0u8; BLOCK];
    loop {
        let n = read_full(input, &mut buf)?;
        if n == 0 {
            return Ok(());
        }
        out.write_all(&buf[..n])?;
    }
}

/// A block read from a pipe and the number of delimiters in it.
struct Chunk {
    data: Vec<u8>,
    lines: u64,
}

/// The last `count` lines or bytes of a stream: keeps a queue of blocks and
/// drops the oldest as soon as the newer ones hold enough on their own.
fn keep_last(mode: &Mode, input: &mut Input, out: &mut Out) -> std::io::Result<()> {
    let mut chunks: std::collections::VecDeque<Chunk> = std::collections::VecDeque::new();
    let mut total: u64 = 0;
    loop {
        let mut data = vec![0u8; BLOCK];
        let n = read_full(input, &mut data)?;
        if n == 0 {
            break;
        }
        data.truncate(n);
        let amount = match mode.unit {
            Unit::Bytes => n as u64,
            Unit::Lines => data.iter().filter(|&&b| b == mode.delim).count() as u64,
        };
        chunks.push_back(Chunk { data, lines: amount });
        total += amount;
        // With lines, a chunk may go once the later ones hold more than
        // `count` delimiters: the (count+1)th from the end ends before them.
        while let Some(front) = chunks.front() {
            let after = total - front.lines;
            let enough = match mode.unit {
                Unit::Bytes => after >= mode.count,
                Unit::Lines => after > mode.count,
            };
            if !enough {
                break;
            }
            total = after;
            chunks.pop_front();
        }
    }
    match mode.unit {
        Unit::Bytes => {
            let mut skip = total.saturating_sub(mode.count);
            for chunk in &chunks {
                let from = skip.min(chunk.data.len() as u64) as usize;
                skip -= from as u64;
                out.write_all(&chunk.data[from..])?;
            }
        }
        Unit::Lines => {
            let partial = chunks.back().and_then(|c| c.data.last()).map_or(false, |&b| b != mode.delim);
            let lines = total + partial as u64;
            // Lines to drop from the front of what was kept.
            let mut skip = lines.saturating_sub(mode.count);
            for chunk in &chunks {
                let from = if skip > 0 { skip_lines(&chunk.data, &mut skip, mode.delim) } else { 0 };
                out.write_all(&chunk.data[from..])?;
            }
        }
    }
    Ok(())
}
