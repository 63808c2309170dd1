//! `sort`: sort, merge or check lines of text files (GNU 9.1).
//!
//! Supported: -b -d -f -g -h -i -M -n -R -r -V, --sort=WORD, -k with the
//! full POSIX key syntax and per-key options, -t, -u, -s, -c/-C/--check,
//! -m, -o (also naming an input), -z, --random-source, --files0-from.
//! -S, -T, --parallel, --batch-size and --compress-program are checked
//! and otherwise ignored: they tune GNU's external merge, not the output.
//! `--debug` is refused.
//!
//! Input is sorted in memory (all of it is read first, as the output may
//! overwrite an input), so the largest input is bounded by the sandbox's
//! memory. Comparisons are GNU's: text in code point order (C.UTF-8), its
//! numeric, general-numeric, human, month and version orders, `-R` by MD5
//! of a salt read from the random source, and, unless -s or -u, a last
//! comparison of whole lines when all keys are equal.

use std::cmp::Ordering;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use wsutil::argmatch::argmatch;
use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::decimal::{parse_u64, Refusal};
use wsutil::io::{open_input, stdout, Input, RawFd};
use wsutil::{quote, quote_always, quote_locale, report, strerror, Error, Result, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("sort", main)];

const CHECK: char = args::LONG1;
const COMPRESS: char = args::LONG2;
const DEBUG: char = args::LONG3;
const FILES0: char = args::LONG4;
const RANDOM_SOURCE: char = args::LONG5;
const SORT_WORD: char = args::LONG6;
const BATCH: char = args::LONG7;
const PARALLEL: char = args::LONG8;

const SPEC: Spec = Spec {
    short: "bcCdfghik:mMno:rRsS:t:T:uVy:z",
    long: &[
        ("ignore-leading-blanks", HasArg::No, 'b'),
        ("check", HasArg::Optional, CHECK),
        ("compress-program", HasArg::Required, COMPRESS),
        ("debug", HasArg::No, DEBUG),
        ("dictionary-order", HasArg::No, 'd'),
        ("ignore-case", HasArg::No, 'f'),
        ("files0-from", HasArg::Required, FILES0),
        ("general-numeric-sort", HasArg::No, 'g'),
        ("ignore-nonprinting", HasArg::No, 'i'),
        ("key", HasArg::Required, 'k'),
        ("merge", HasArg::No, 'm'),
        ("month-sort", HasArg::No, 'M'),
        ("numeric-sort", HasArg::No, 'n'),
        ("human-numeric-sort", HasArg::No, 'h'),
        ("version-sort", HasArg::No, 'V'),
        ("random-sort", HasArg::No, 'R'),
        ("random-source", HasArg::Required, RANDOM_SOURCE),
        ("sort", HasArg::Required, SORT_WORD),
        ("output", HasArg::Required, 'o'),
        ("reverse", HasArg::No, 'r'),
        ("stable", HasArg::No, 's'),
        ("batch-size", HasArg::Required, BATCH),
        ("buffer-size", HasArg::Required, 'S'),
        ("field-separator", HasArg::Required, 't'),
        ("temporary-directory", HasArg::Required, 'T'),
        ("unique", HasArg::No, 'u'),
        ("zero-terminated", HasArg::No, 'z'),
        ("parallel", HasArg::Required, PARALLEL),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: sort [OPTION]... [FILE]...
  or:  sort [OPTION]... --files0-from=F
Write sorted concatenation of all FILE(s) to standard output.

With no FILE, or when FILE is -, read standard input.

Ordering options:

  -b, --ignore-leading-blanks  ignore leading blanks
  -d, --dictionary-order      consider only blanks and alphanumeric characters
  -f, --ignore-case           fold lower case to upper case characters
  -g, --general-numeric-sort  compare according to general numerical value
  -i, --ignore-nonprinting    consider only printable characters
  -M, --month-sort            compare (unknown) < 'JAN' < ... < 'DEC'
  -h, --human-numeric-sort    compare human readable numbers (e.g., 2K 1G)
  -n, --numeric-sort          compare according to string numerical value
  -R, --random-sort           shuffle, but group identical keys
      --random-source=FILE    get random bytes from FILE
  -r, --reverse               reverse the result of comparisons
      --sort=WORD             sort according to WORD:
                                general-numeric -g, human-numeric -h, month -M,
                                numeric -n, random -R, version -V
  -V, --version-sort          natural sort of (version) numbers within text

Other options:

      --batch-size=NMERGE   (accepted; no effect on the output)
  -c, --check, --check=diagnose-first  check for sorted input; do not sort
  -C, --check=quiet, --check=silent  like -c, but do not report first bad line
      --compress-program=PROG  (accepted; no effect on the output)
      --files0-from=F       read input from the files specified by
                            NUL-terminated names in file F
  -k, --key=KEYDEF          sort via a key; KEYDEF gives location and type
  -m, --merge               merge already sorted files; do not sort
  -o, --output=FILE         write result to FILE instead of standard output
  -s, --stable              stabilize sort by disabling last-resort comparison
  -S, --buffer-size=SIZE    (accepted; no effect on the output)
  -t, --field-separator=SEP  use SEP instead of non-blank to blank transition
  -T, --temporary-directory=DIR  (accepted; no effect on the output)
      --parallel=N          (accepted; no effect on the output)
  -u, --unique              with -c, check for strict ordering;
                              without -c, output only the first of an equal run
  -z, --zero-terminated     line delimiter is NUL, not newline
      --help        display this help and exit
      --version     output version information and exit

KEYDEF is F[.C][OPTS][,F[.C][OPTS]] for start and stop position, where F is a
field number and C a character position in the field; both are origin 1, and
the stop position defaults to the line's end.  OPTS is one or more
single-letter ordering options [bdfgiMhnRrV], which override global ordering
options for that key.
";

/// The status of every failure but a disorder found by -c.
const SORT_FAILURE: i32 = 2;

#[derive(Clone, Copy, PartialEq)]
enum Ignore {
    None,
    /// -d: all but blanks and alphanumerics.
    NonDictionary,
    /// -i: non-printing characters.
    NonPrinting,
}

/// One key (or the global options, GNU's `gkey`).
#[derive(Clone, Copy)]
struct Key {
    /// First field (0-based); None starts at the beginning of the line.
    sword: Option<usize>,
    schar: usize,
    /// Last field (0-based); None runs to the end of the line.
    eword: Option<usize>,
    echar: usize,
    skip_sblanks: bool,
    skip_eblanks: bool,
    ignore: Ignore,
    translate: bool,
    numeric: bool,
    general: bool,
    human: bool,
    month: bool,
    random: bool,
    reverse: bool,
    version: bool,
}

impl Key {
    fn new() -> Key {
        Key {
            sword: Some(0),
            schar: 0,
            eword: None,
            echar: 0,
            skip_sblanks: false,
            skip_eblanks: false,
            ignore: Ignore::None,
            translate: false,
            numeric: false,
            general: false,
            human: false,
            month: false,
            random: false,
            reverse: false,
            version: false,
        }
    }

    /// GNU's `default_key_compare`: no ordering option (reverse aside).
    fn is_default(&self) -> bool {
        !(self.ignore != Ignore::None
            || self.translate
            || self.skip_sblanks
            || self.skip_eblanks
            || self.numeric
            || self.general
            || self.human
            || self.month
            || self.version
            || self.random)
    }

    /// Applies option letters; returns how many were consumed.
    fn set_ordering(&mut self, s: &[u8], start: bool, end: bool) -> usize {
        for (i, &c) in s.iter().enumerate() {
            match c {
                b'b' => {
                    self.skip_sblanks |= start;
                    self.skip_eblanks |= end;
                }
                b'd' => self.ignore = Ignore::NonDictionary,
                b'f' => self.translate = true,
                b'g' => self.general = true,
                b'h' => self.human = true,
                b'i' => {
                    if self.ignore == Ignore::None {
                        self.ignore = Ignore::NonPrinting;
                    }
                }
                b'M' => self.month = true,
                b'n' => self.numeric = true,
                b'R' => self.random = true,
                b'r' => self.reverse = true,
                b'V' => self.version = true,
                _ => return i,
            }
        }
        s.len()
    }

    /// GNU's `key_to_opts`, for the incompatibility message.
    fn opts(&self) -> String {
        let mut s = String::new();
        let flags = [
            (self.skip_sblanks || self.skip_eblanks, 'b'),
            (self.ignore == Ignore::NonDictionary, 'd'),
            (self.translate, 'f'),
            (self.general, 'g'),
            (self.human, 'h'),
            (self.ignore == Ignore::NonPrinting, 'i'),
            (self.month, 'M'),
            (self.numeric, 'n'),
            (self.random, 'R'),
            (self.reverse, 'r'),
            (self.version, 'V'),
        ];
        for (on, c) in flags {
            if on {
                s.push(c);
            }
        }
        s
    }
}

struct Config {
    keys: Vec<Key>,
    tab: Option<u8>,
    eol: u8,
    unique: bool,
    stable: bool,
    reverse: bool,
    /// MD5 state after the 16 salt bytes, for -R.
    salt: Option<[u8; 16]>,
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e @ Error::Usage(_)) if is_argmatch(&e) => report(&e, 1),
        Err(Error::Fatal(m)) => {
            wsutil::show_error(&m);
            SORT_FAILURE
        }
        Err(e) => report(&e, SORT_FAILURE),
    }
}

/// argmatch failures exit with 1 in GNU sort, unlike its other errors.
fn is_argmatch(e: &Error) -> bool {
    matches!(e, Error::Usage(u) if u.0.contains("\nValid arguments are:"))
}

fn die(msg: String) -> Error {
    Error::Fatal(msg)
}

fn badfieldspec(spec: &str, why: &str) -> Error {
    die(format!("{}: invalid field specification {}", why, quote_locale(spec)))
}

/// GNU's `parse_field_count`: digits (huge values saturate), then the
/// rest of the text.
fn field_count<'a>(s: &'a str, what: &str) -> Result<(usize, &'a str)> {
    let t = s.trim_start_matches(|c: char| c == ' ' || ('\t'..='\r').contains(&c));
    let t2 = t.strip_prefix('+').unwrap_or(t);
    let digits = t2.bytes().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return Err(die(format!("{}: invalid count at start of {}", what, quote_locale(s))));
    }
    let value = match parse_u64(&t2[..digits]) {
        Ok(v) => v.min(usize::MAX as u64) as usize,
        Err(_) => usize::MAX,
    };
    Ok((value, &t2[digits..]))
}

fn parse_key(spec: &str) -> Result<Key> {
    let mut key = Key::new();
    let (sword, rest) = field_count(spec, "invalid number at field start")?;
    if sword == 0 {
        return Err(badfieldspec(spec, "field number is zero"));
    }
    let mut sword = sword - 1;
    let mut rest = rest;
    if let Some(r) = rest.strip_prefix('.') {
        let (schar, r) = field_count(r, "invalid number after '.'")?;
        if schar == 0 {
            return Err(badfieldspec(spec, "character offset is zero"));
        }
        key.schar = schar - 1;
        rest = r;
    }
    if sword == 0 && key.schar == 0 {
        sword = usize::MAX;
    }
    key.sword = if sword == usize::MAX { None } else { Some(sword) };
    let used = key.set_ordering(rest.as_bytes(), true, false);
    rest = &rest[used..];
    if let Some(r) = rest.strip_prefix(',') {
        let (eword, r) = field_count(r, "invalid number after ','")?;
        if eword == 0 {
            return Err(badfieldspec(spec, "field number is zero"));
        }
        key.eword = Some(eword - 1);
        rest = r;
        if let Some(r) = rest.strip_prefix('.') {
            let (echar, r) = field_count(r, "invalid number after '.'")?;
            key.echar = echar;
            rest = r;
        }
        let used = key.set_ordering(rest.as_bytes(), false, true);
        rest = &rest[used..];
    }
    if !rest.is_empty() {
        return Err(badfieldspec(spec, "stray character in field spec"));
    }
    Ok(key)
}

/// `-S SIZE`: a number with an optional unit letter or `%`.
fn check_buffer_size(v: &str) -> Result<()> {
    let digits = v.bytes().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return Err(die(format!("invalid -S argument '{}'", v)));
    }
    let suffix = &v[digits..];
    if !(suffix.is_empty() || (suffix.len() == 1 && "%bEgGkKmMPQRtTYZ".contains(suffix))) {
        return Err(die(format!("invalid suffix in -S argument '{}'", v)));
    }
    let n = match parse_u64(&v[..digits]) {
        Ok(n) => n as u128,
        Err(_) => return Err(die(format!("-S argument '{}' too large", v))),
    };
    let scale: u128 = match suffix {
        "" | "k" | "K" => 1 << 10,
        "%" | "b" => 1,
        "m" | "M" => 1 << 20,
        "g" | "G" => 1 << 30,
        "t" | "T" => 1 << 40,
        "p" | "P" => 1 << 50,
        "e" | "E" => 1 << 60,
        _ => 1 << 70,
    };
    if n.saturating_mul(scale) > u64::MAX as u128 && suffix != "%" {
        return Err(die(format!("-S argument '{}' too large", v)));
    }
    Ok(())
}

struct Parsed {
    cfg: Config,
    gkey: Key,
    files: Vec<String>,
    check: Option<char>,
    merge: bool,
    output: Option<String>,
    random_source: Option<String>,
    files0: Option<String>,
}

fn parse_args(argv: &[String]) -> Result<Parsed> {
    let mut gkey = Key::new();
    let mut keys = Vec::new();
    let mut tab: Option<u8> = None;
    let mut p = Parsed {
        cfg: Config {
            keys: Vec::new(),
            tab: None,
            eol: b'\n',
            unique: false,
            stable: false,
            reverse: false,
            salt: None,
        },
        gkey: Key::new(),
        files: Vec::new(),
        check: None,
        merge: false,
        output: None,
        random_source: None,
        files0: None,
    };
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt(c @ ('b' | 'd' | 'f' | 'g' | 'h' | 'i' | 'M' | 'n' | 'r' | 'R' | 'V'), _) => {
                gkey.set_ordering(&[c as u8], true, true);
            }
            Item::Opt(SORT_WORD, Some(w)) => {
                let c = argmatch(
                    &w,
                    "--sort",
                    &[
                        ("general-numeric", b'g'),
                        ("human-numeric", b'h'),
                        ("month", b'M'),
                        ("numeric", b'n'),
                        ("random", b'R'),
                        ("version", b'V'),
                    ],
                )?;
                gkey.set_ordering(&[c], true, true);
            }
            Item::Opt(c @ ('c' | 'C'), _) => set_check(&mut p.check, c)?,
            Item::Opt(CHECK, v) => {
                let c = match v {
                    None => 'c',
                    Some(v) => argmatch(&v, "--check", &[("quiet", 'C'), ("silent", 'C'), ("diagnose-first", 'c')])?,
                };
                set_check(&mut p.check, c)?;
            }
            Item::Opt(COMPRESS, _) => {}
            Item::Opt(DEBUG, _) => return Err(Error::Unsupported("--debug".into())),
            Item::Opt(FILES0, Some(f)) => p.files0 = Some(f),
            Item::Opt('k', Some(k)) => keys.push(parse_key(&k)?),
            Item::Opt('m', _) => p.merge = true,
            Item::Opt('o', Some(o)) => {
                if p.output.as_ref().map_or(false, |old| *old != o) {
                    return Err(die("multiple output files specified".into()));
                }
                p.output = Some(o);
            }
            Item::Opt(RANDOM_SOURCE, Some(r)) => {
                if p.random_source.as_ref().map_or(false, |old| *old != r) {
                    return Err(die("multiple random sources specified".into()));
                }
                p.random_source = Some(r);
            }
            Item::Opt('s', _) => p.cfg.stable = true,
            Item::Opt('S', Some(v)) => check_buffer_size(&v)?,
            Item::Opt('t', Some(t)) => {
                let new = match t.as_bytes() {
                    [] => return Err(die("empty tab".into())),
                    [b] => *b,
                    b"\\0" => 0,
                    _ => return Err(die(format!("multi-character tab {}", quote_locale(&t)))),
                };
                if tab.map_or(false, |old| old != new) {
                    return Err(die("incompatible tabs".into()));
                }
                tab = Some(new);
            }
            Item::Opt('T', _) | Item::Opt('y', _) => {}
            Item::Opt('u', _) => p.cfg.unique = true,
            Item::Opt('z', _) => p.cfg.eol = 0,
            Item::Opt(PARALLEL, Some(v)) => match parse_u64(&v) {
                Ok(0) => return Err(die("number in parallel must be nonzero".into())),
                Ok(_) | Err(Refusal::Overflow) => {}
                Err(Refusal::Invalid) => return Err(die(format!("invalid --parallel argument '{}'", v))),
            },
            Item::Opt(BATCH, Some(v)) => match parse_u64(&v) {
                Ok(n) if n < 2 => {
                    return Err(die(format!(
                        "invalid --batch-size argument {}\nsort: minimum --batch-size argument is {}",
                        quote_locale(&v),
                        quote_locale("2")
                    )))
                }
                Ok(_) => {}
                Err(Refusal::Overflow) => {}
                Err(Refusal::Invalid) => return Err(die(format!("invalid --batch-size argument '{}'", v))),
            },
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                std::process::exit(0);
            }
            Item::Opt(VERSION, _) => {
                println!("sort (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                std::process::exit(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => p.files.push(f),
        }
    }
    // Keys without options of their own take the global ones.
    for key in keys.iter_mut() {
        if key.is_default() && !key.reverse {
            let (sword, schar, eword, echar) = (key.sword, key.schar, key.eword, key.echar);
            *key = gkey;
            key.sword = sword;
            key.schar = schar;
            key.eword = eword;
            key.echar = echar;
        }
    }
    if keys.is_empty() && !gkey.is_default() {
        keys.push(gkey);
    }
    for key in &keys {
        let kinds = key.numeric as u32
            + key.general as u32
            + key.human as u32
            + key.month as u32
            + (key.version || key.random || key.ignore != Ignore::None) as u32;
        if kinds > 1 {
            let mut k = *key;
            k.skip_sblanks = false;
            k.skip_eblanks = false;
            k.reverse = false;
            return Err(die(format!("options '-{}' are incompatible", k.opts())));
        }
    }
    p.cfg.keys = keys;
    p.cfg.tab = tab;
    p.cfg.reverse = gkey.reverse;
    p.gkey = gkey;
    Ok(p)
}

fn set_check(slot: &mut Option<char>, c: char) -> Result<()> {
    if let Some(old) = *slot {
        if old != c {
            return Err(die("options '-cC' are incompatible".into()));
        }
    }
    *slot = Some(c);
    Ok(())
}

fn run(argv: &[String]) -> Result<i32> {
    let mut p = parse_args(argv)?;
    if let Some(f0) = p.files0.clone() {
        if let Some(extra) = p.files.first() {
            return Err(UsageError::new(format!(
                "extra operand {}\nfile operands cannot be combined with --files0-from",
                quote_always(extra)
            ))
            .into());
        }
        p.files = read_files0(&f0)?;
    }
    if p.files.is_empty() {
        p.files.push("-".into());
    }
    if let Some(c) = p.check {
        if p.files.len() > 1 {
            return Err(die(format!("extra operand {} not allowed with -{}", quote_always(&p.files[1]), c)));
        }
        if p.output.is_some() {
            return Err(die(format!("options '-{}o' are incompatible", c)));
        }
    }
    if p.cfg.keys.iter().any(|k| k.random) {
        p.cfg.salt = Some(read_salt(p.random_source.as_deref())?);
    }
    if let Some(c) = p.check {
        return check(&p.files[0], &p.cfg, c == 'c');
    }
    for f in &p.files {
        if f != "-" {
            if let Err(e) = File::open(f) {
                return Err(die(format!("cannot read: {}: {}", quote(f), strerror(&e))));
            }
        }
    }
    if let Some(o) = &p.output {
        if let Err(e) = std::fs::OpenOptions::new().write(true).create(true).open(o) {
            return Err(die(format!("open failed: {}: {}", quote(o), strerror(&e))));
        }
    }
    if p.merge {
        return merge(&p);
    }
    let mut data = Vec::new();
    let mut lines: Vec<(usize, usize)> = Vec::new();
    for f in &p.files {
        read_all(f, p.cfg.eol, &mut data, &mut lines)?;
    }
    let cfg = &p.cfg;
    let text = |l: &(usize, usize)| &data[l.0..l.0 + l.1];
    if cfg.keys.is_empty() {
        sort_bytewise(&data, &mut lines, cfg.reverse);
    } else {
        lines.sort_by(|a, b| compare(text(a), text(b), cfg));
    }
    let mut out = open_output(p.output.as_deref())?;
    let mut last: Option<&(usize, usize)> = None;
    for l in &lines {
        if cfg.unique {
            if let Some(prev) = last {
                if compare(text(prev), text(l), cfg) == Ordering::Equal {
                    continue;
                }
            }
            last = Some(l);
        }
        out.write_all(text(l)).and_then(|_| out.write_all(&[cfg.eol])).map_err(|e| write_failed(&p, e))?;
    }
    out.flush().map_err(|e| write_failed(&p, e))?;
    Ok(0)
}

/// Whole lines in byte order (no keys): equal lines are identical, so an
/// unstable sort gives the same output. Each line carries its first eight
/// bytes as a big-endian number, which decides most comparisons without
/// touching the text (the cache misses are what makes a plain sort slow).
fn sort_bytewise(data: &[u8], lines: &mut Vec<(usize, usize)>, reverse: bool) {
    let prefix = |l: &(usize, usize)| {
        let mut b = [0u8; 8];
        let n = l.1.min(8);
        b[..n].copy_from_slice(&data[l.0..l.0 + n]);
        u64::from_be_bytes(b)
    };
    let mut keyed: Vec<(u64, usize, usize)> = lines.iter().map(|l| (prefix(l), l.0, l.1)).collect();
    keyed.sort_unstable_by(|a, b| {
        let d = a.0.cmp(&b.0).then_with(|| data[a.1..a.1 + a.2].cmp(&data[b.1..b.1 + b.2]));
        if reverse {
            d.reverse()
        } else {
            d
        }
    });
    lines.clear();
    lines.extend(keyed.into_iter().map(|k| (k.1, k.2)));
}

fn write_failed(p: &Parsed, e: std::io::Error) -> Error {
    let name = p.output.clone().unwrap_or_else(|| "standard output".into());
    die(format!("write failed: {}: {}", quote(&name), strerror(&e)))
}

fn open_output(name: Option<&str>) -> Result<Box<dyn Write>> {
    Ok(match name {
        None => Box::new(stdout()),
        Some(n) => match File::create(n) {
            Ok(f) => Box::new(std::io::BufWriter::with_capacity(64 * 1024, f)),
            Err(e) => return Err(die(format!("open failed: {}: {}", quote(n), strerror(&e)))),
        },
    })
}

fn open(name: &str) -> Result<Input> {
    open_input(name).map_err(|e| die(format!("open failed: {}: {}", quote(name), strerror(&e))))
}

/// Appends a file's lines to `data`, each as (start, length) without its
/// terminator.
fn read_all(name: &str, eol: u8, data: &mut Vec<u8>, lines: &mut Vec<(usize, usize)>) -> Result<()> {
    let mut input = open(name)?;
    let start = data.len();
    if let Err(e) = input.read_to_end(data) {
        return Err(die(format!("read failed: {}: {}", quote(name), strerror(&e))));
    }
    let mut line_start = start;
    let mut i = start;
    while let Some(pos) = memchr(eol, &data[i..]) {
        let end = i + pos;
        lines.push((line_start, end - line_start));
        i = end + 1;
        line_start = i;
    }
    if line_start < data.len() {
        lines.push((line_start, data.len() - line_start));
        data.push(eol);
    }
    Ok(())
}

fn memchr(b: u8, s: &[u8]) -> Option<usize> {
    s.iter().position(|&c| c == b)
}

fn read_files0(name: &str) -> Result<Vec<String>> {
    let mut input = open(name)?;
    let mut data = Vec::new();
    if let Err(e) = input.read_to_end(&mut data) {
        return Err(die(format!("read failed: {}: {}", quote(name), strerror(&e))));
    }
    if data.is_empty() {
        return Err(die(format!("no input from {}", quote_always(name))));
    }
    if data.last() == Some(&0) {
        data.pop();
    }
    let mut files = Vec::new();
    for (i, f) in data.split(|&b| b == 0).enumerate() {
        if f.is_empty() {
            return Err(die(format!("{}:{}: invalid zero-length file name", quote(name), i + 1)));
        }
        files.push(String::from_utf8_lossy(f).into_owned());
    }
    Ok(files)
}

fn read_salt(source: Option<&str>) -> Result<[u8; 16]> {
    let mut salt = [0u8; 16];
    match source {
        Some(name) => {
            let mut f = open(name)?;
            let n = wsutil::io::read_full(&mut f, &mut salt)
                .map_err(|e| die(format!("{}: read error: {}", quote_locale(name), strerror(&e))))?;
            if n < salt.len() {
                return Err(die(format!("{}: end of file", quote_locale(name))));
            }
        }
        None => {
            let mut f =
                File::open("/dev/urandom").map_err(|e| die(format!("open failed: getrandom: {}", strerror(&e))))?;
            f.read_exact(&mut salt).map_err(|e| die(format!("read failed: getrandom: {}", strerror(&e))))?;
        }
    }
    Ok(salt)
}

/// -c / -C: reports the first line out of order.
fn check(name: &str, cfg: &Config, diagnose: bool) -> Result<i32> {
    let input = open(name)?;
    let mut r = BufReader::with_capacity(64 * 1024, input);
    let mut prev: Option<Vec<u8>> = None;
    let mut line = Vec::new();
    let mut n: u64 = 0;
    loop {
        line.clear();
        match r.read_until(cfg.eol, &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => return Err(die(format!("read failed: {}: {}", quote(name), strerror(&e)))),
        }
        if line.last() == Some(&cfg.eol) {
            line.pop();
        }
        n += 1;
        if let Some(p) = &prev {
            let ord = compare(p, &line, cfg);
            if ord == Ordering::Greater || (cfg.unique && ord == Ordering::Equal) {
                if diagnose {
                    let mut err = RawFd::new(2);
                    let _ = write!(err, "sort: {}:{}: disorder: ", name, n);
                    let _ = err.write_all(&line);
                    let _ = err.write_all(&[cfg.eol]);
                }
                return Ok(1);
            }
        }
        prev = Some(std::mem::take(&mut line));
    }
    Ok(0)
}

/// -m: merges the inputs line by line (ties go to the earlier file).
fn merge(p: &Parsed) -> Result<i32> {
    let cfg = &p.cfg;
    let mut readers = Vec::new();
    for f in &p.files {
        readers.push((BufReader::with_capacity(64 * 1024, open(f)?), f.as_str()));
    }
    // With -o naming an input, GNU reads that input before writing;
    // read every input first then.
    let heads_from_memory = p.output.as_ref().map_or(false, |o| p.files.iter().any(|f| f == o));
    let mut buffered: Vec<std::collections::VecDeque<Vec<u8>>> = Vec::new();
    if heads_from_memory {
        for (r, name) in readers.iter_mut() {
            let mut q = std::collections::VecDeque::new();
            while let Some(l) = next_line(r, name, cfg.eol)? {
                q.push_back(l);
            }
            buffered.push(q);
        }
    }
    let mut heads: Vec<Option<Vec<u8>>> = Vec::new();
    for i in 0..readers.len() {
        heads.push(if heads_from_memory {
            buffered[i].pop_front()
        } else {
            {
                let (r, name) = &mut readers[i];
                next_line(r, name, cfg.eol)?
            }
        });
    }
    let mut out = open_output(p.output.as_deref())?;
    let mut saved: Option<Vec<u8>> = None;
    loop {
        let mut best: Option<usize> = None;
        for (i, h) in heads.iter().enumerate() {
            if let Some(line) = h {
                match best {
                    None => best = Some(i),
                    Some(b) => {
                        if compare(line, heads[b].as_ref().expect("head"), cfg) == Ordering::Less {
                            best = Some(i);
                        }
                    }
                }
            }
        }
        let i = match best {
            Some(i) => i,
            None => break,
        };
        let line = heads[i].take().expect("head");
        heads[i] = if heads_from_memory {
            buffered[i].pop_front()
        } else {
            {
                let (r, name) = &mut readers[i];
                next_line(r, name, cfg.eol)?
            }
        };
        if cfg.unique {
            if let Some(s) = &saved {
                if compare(s, &line, cfg) == Ordering::Equal {
                    continue;
                }
                out.write_all(s).and_then(|_| out.write_all(&[cfg.eol])).map_err(|e| write_failed(p, e))?;
            }
            saved = Some(line);
        } else {
            out.write_all(&line).and_then(|_| out.write_all(&[cfg.eol])).map_err(|e| write_failed(p, e))?;
        }
    }
    if let Some(s) = saved {
        out.write_all(&s).and_then(|_| out.write_all(&[cfg.eol])).map_err(|e| write_failed(p, e))?;
    }
    out.flush().map_err(|e| write_failed(p, e))?;
    Ok(0)
}

fn next_line(r: &mut BufReader<Input>, name: &str, eol: u8) -> Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    match r.read_until(eol, &mut line) {
        Ok(0) => Ok(None),
        Ok(_) => {
            if line.last() == Some(&eol) {
                line.pop();
            }
            Ok(Some(line))
        }
        Err(e) => Err(die(format!("read failed: {}: {}", quote(name), strerror(&e)))),
    }
}

// ---- comparison -------------------------------------------------------

/// Blanks for fields and -b: space, tab and newline (GNU's `field_sep`).
fn blank(c: u8) -> bool {
    c == b' ' || c == b'\t' || c == b'\n'
}

/// GNU's `compare`: the keys, then (unless -s or -u) the whole lines.
fn compare(a: &[u8], b: &[u8], cfg: &Config) -> Ordering {
    if !cfg.keys.is_empty() {
        let d = keycompare(a, b, cfg);
        if d != Ordering::Equal || cfg.unique || cfg.stable {
            return d;
        }
    }
    let d = a.cmp(b);
    if cfg.reverse {
        d.reverse()
    } else {
        d
    }
}

/// Where a key starts in a line (GNU's `begfield`).
fn begfield(line: &[u8], key: &Key, tab: Option<u8>) -> usize {
    let lim = line.len();
    let mut p = 0;
    match key.sword {
        None => {
            if key.skip_sblanks {
                while p < lim && blank(line[p]) {
                    p += 1;
                }
            }
            return p;
        }
        Some(mut sword) => {
            match tab {
                Some(t) => {
                    while p < lim && sword > 0 {
                        sword -= 1;
                        while p < lim && line[p] != t {
                            p += 1;
                        }
                        if p < lim {
                            p += 1;
                        }
                    }
                }
                None => {
                    while p < lim && sword > 0 {
                        sword -= 1;
                        while p < lim && blank(line[p]) {
                            p += 1;
                        }
                        while p < lim && !blank(line[p]) {
                            p += 1;
                        }
                    }
                }
            }
            if key.skip_sblanks {
                while p < lim && blank(line[p]) {
                    p += 1;
                }
            }
            lim.min(p.saturating_add(key.schar))
        }
    }
}

/// Where a key ends in a line (GNU's `limfield`).
fn limfield(line: &[u8], key: &Key, tab: Option<u8>) -> usize {
    let lim = line.len();
    let mut eword = match key.eword {
        None => return lim,
        Some(e) => e,
    };
    let echar = key.echar;
    if echar == 0 {
        eword = eword.saturating_add(1);
    }
    let mut p = 0;
    match tab {
        Some(t) => {
            while p < lim && eword > 0 {
                eword -= 1;
                while p < lim && line[p] != t {
                    p += 1;
                }
                if p < lim && (eword > 0 || echar > 0) {
                    p += 1;
                }
            }
        }
        None => {
            while p < lim && eword > 0 {
                eword -= 1;
                while p < lim && blank(line[p]) {
                    p += 1;
                }
                while p < lim && !blank(line[p]) {
                    p += 1;
                }
            }
        }
    }
    if echar != 0 {
        if key.skip_eblanks {
            while p < lim && blank(line[p]) {
                p += 1;
            }
        }
        p = lim.min(p.saturating_add(echar));
    }
    p
}

fn keycompare(a: &[u8], b: &[u8], cfg: &Config) -> Ordering {
    for key in &cfg.keys {
        let (la, lb) = (limfield(a, key, cfg.tab), limfield(b, key, cfg.tab));
        let (ta, tb) = (begfield(a, key, cfg.tab), begfield(b, key, cfg.tab));
        let ka = &a[ta..la.max(ta)];
        let kb = &b[tb..lb.max(tb)];
        let d = if key.ignore != Ignore::None || key.translate {
            let fa = transform(ka, key);
            let fb = transform(kb, key);
            compare_keys(&fa, &fb, key, cfg)
        } else {
            compare_keys(ka, kb, key, cfg)
        };
        if d != Ordering::Equal {
            return if key.reverse { d.reverse() } else { d };
        }
    }
    Ordering::Equal
}

/// The key with ignored bytes dropped and (with -f) ASCII upper-cased.
fn transform(k: &[u8], key: &Key) -> Vec<u8> {
    k.iter()
        .filter(|&&c| match key.ignore {
            Ignore::None => true,
            Ignore::NonDictionary => c.is_ascii_alphanumeric() || blank(c),
            Ignore::NonPrinting => (32..127).contains(&c),
        })
        .map(|&c| if key.translate { c.to_ascii_uppercase() } else { c })
        .collect()
}

fn compare_keys(a: &[u8], b: &[u8], key: &Key, cfg: &Config) -> Ordering {
    if key.numeric {
        numcompare(skip_blanks(a), skip_blanks(b))
    } else if key.general {
        general_numcompare(a, b)
    } else if key.human {
        let (a, b) = (skip_blanks(a), skip_blanks(b));
        unit_order(a).cmp(&unit_order(b)).then_with(|| numcompare(a, b))
    } else if key.month {
        month(a).cmp(&month(b))
    } else if key.random {
        random_compare(a, b, cfg.salt.as_ref().expect("salt read for -R"))
    } else if key.version {
        filevercmp(a, b)
    } else {
        a.cmp(b)
    }
}

fn skip_blanks(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&c| blank(c)).count();
    &s[n..]
}

/// The byte at `i`, or NUL past the end (the C code's terminator).
fn at(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

/// gnulib's `strnumcmp` with '.' as decimal point and no thousands
/// separator (C.UTF-8): compares the leading numbers as strings.
fn numcompare(a: &[u8], b: &[u8]) -> Ordering {
    let digit = |c: u8| c.is_ascii_digit();
    let (mut i, mut j) = (0usize, 0usize);
    let mut ca = at(a, i);
    let mut cb = at(b, j);
    if ca == b'-' {
        loop {
            i += 1;
            ca = at(a, i);
            if ca != b'0' {
                break;
            }
        }
        if cb != b'-' {
            if ca == b'.' {
                loop {
                    i += 1;
                    ca = at(a, i);
                    if ca != b'0' {
                        break;
                    }
                }
            }
            if digit(ca) {
                return Ordering::Less;
            }
            while cb == b'0' {
                j += 1;
                cb = at(b, j);
            }
            if cb == b'.' {
                loop {
                    j += 1;
                    cb = at(b, j);
                    if cb != b'0' {
                        break;
                    }
                }
            }
            return if digit(cb) { Ordering::Less } else { Ordering::Equal };
        }
        loop {
            j += 1;
            cb = at(b, j);
            if cb != b'0' {
                break;
            }
        }
        while ca == cb && digit(ca) {
            i += 1;
            ca = at(a, i);
            j += 1;
            cb = at(b, j);
        }
        if (ca == b'.' && !digit(cb)) || (cb == b'.' && !digit(ca)) {
            return fraccompare(&b[j..], &a[i..]);
        }
        let tmp = cb as i32 - ca as i32;
        let mut log_a = 0;
        while digit(ca) {
            log_a += 1;
            i += 1;
            ca = at(a, i);
        }
        let mut log_b = 0;
        while digit(cb) {
            log_b += 1;
            j += 1;
            cb = at(b, j);
        }
        if log_a != log_b {
            return if log_a < log_b { Ordering::Greater } else { Ordering::Less };
        }
        if log_a == 0 {
            return Ordering::Equal;
        }
        return tmp.cmp(&0);
    }
    if cb == b'-' {
        loop {
            j += 1;
            cb = at(b, j);
            if cb != b'0' {
                break;
            }
        }
        if cb == b'.' {
            loop {
                j += 1;
                cb = at(b, j);
                if cb != b'0' {
                    break;
                }
            }
        }
        if digit(cb) {
            return Ordering::Greater;
        }
        while ca == b'0' {
            i += 1;
            ca = at(a, i);
        }
        if ca == b'.' {
            loop {
                i += 1;
                ca = at(a, i);
                if ca != b'0' {
                    break;
                }
            }
        }
        return if digit(ca) { Ordering::Greater } else { Ordering::Equal };
    }
    while ca == b'0' {
        i += 1;
        ca = at(a, i);
    }
    while cb == b'0' {
        j += 1;
        cb = at(b, j);
    }
    while ca == cb && digit(ca) {
        i += 1;
        ca = at(a, i);
        j += 1;
        cb = at(b, j);
    }
    if (ca == b'.' && !digit(cb)) || (cb == b'.' && !digit(ca)) {
        return fraccompare(&a[i..], &b[j..]);
    }
    let tmp = ca as i32 - cb as i32;
    let mut log_a = 0;
    while digit(ca) {
        log_a += 1;
        i += 1;
        ca = at(a, i);
    }
    let mut log_b = 0;
    while digit(cb) {
        log_b += 1;
        j += 1;
        cb = at(b, j);
    }
    if log_a != log_b {
        return if log_a < log_b { Ordering::Less } else { Ordering::Greater };
    }
    if log_a == 0 {
        return Ordering::Equal;
    }
    tmp.cmp(&0)
}

/// Compares the fractions that start `a` and `b` (at their '.', if any).
fn fraccompare(a: &[u8], b: &[u8]) -> Ordering {
    let digit = |c: u8| c.is_ascii_digit();
    let (mut i, mut j) = (0usize, 0usize);
    if at(a, 0) == b'.' && at(b, 0) == b'.' {
        loop {
            i += 1;
            j += 1;
            let (ca, cb) = (at(a, i), at(b, j));
            if ca != cb {
                if digit(ca) && digit(cb) {
                    return ca.cmp(&cb);
                }
                if digit(ca) {
                    return trailing_nonzero(a, i);
                }
                if digit(cb) {
                    return trailing_nonzero(b, j).reverse();
                }
                return Ordering::Equal;
            }
            if !digit(ca) {
                return Ordering::Equal;
            }
        }
    } else if at(a, 0) == b'.' {
        trailing_nonzero(a, 1)
    } else if at(b, 0) == b'.' {
        trailing_nonzero(b, 1).reverse()
    } else {
        Ordering::Equal
    }
}

/// Greater when a nonzero digit follows (after zeros) from `i`.
fn trailing_nonzero(s: &[u8], mut i: usize) -> Ordering {
    while at(s, i) == b'0' {
        i += 1;
    }
    if at(s, i).is_ascii_digit() {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

/// -h: the unit letter after a nonzero number (negative for '-').
fn unit_order(s: &[u8]) -> i32 {
    let minus = at(s, 0) == b'-';
    let mut i = minus as usize;
    let mut nonzero = false;
    while at(s, i).is_ascii_digit() {
        nonzero |= at(s, i) != b'0';
        i += 1;
    }
    if at(s, i) == b'.' {
        i += 1;
        while at(s, i).is_ascii_digit() {
            nonzero |= at(s, i) != b'0';
            i += 1;
        }
    }
    if !nonzero {
        return 0;
    }
    let order = match at(s, i) {
        b'k' | b'K' => 1,
        b'M' => 2,
        b'G' => 3,
        b'T' => 4,
        b'P' => 5,
        b'E' => 6,
        b'Z' => 7,
        b'Y' => 8,
        b'R' => 9,
        b'Q' => 10,
        _ => 0,
    };
    if minus {
        -order
    } else {
        order
    }
}

/// -M: 0 for an unknown name, 1..12 for JAN..DEC (a prefix of the key,
/// after blanks, case-insensitive).
fn month(s: &[u8]) -> u32 {
    const MONTHS: [&[u8]; 12] =
        [b"JAN", b"FEB", b"MAR", b"APR", b"MAY", b"JUN", b"JUL", b"AUG", b"SEP", b"OCT", b"NOV", b"DEC"];
    let s = skip_blanks(s);
    for (i, m) in MONTHS.iter().enumerate() {
        if s.len() >= 3 && s[..3].iter().map(|c| c.to_ascii_uppercase()).eq(m.iter().copied()) {
            return i as u32 + 1;
        }
    }
    0
}

/// -g: `strtold`'s reading of the key's start.
fn general_numcompare(a: &[u8], b: &[u8]) -> Ordering {
    match (strtod(a), strtod(b)) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => match x.partial_cmp(&y) {
            Some(o) => o,
            None if x.is_nan() && y.is_nan() => Ordering::Equal,
            None if x.is_nan() => Ordering::Less,
            None => Ordering::Greater,
        },
    }
}

/// The number C's `strtod` reads at the start of `s`, if any.
fn strtod(s: &[u8]) -> Option<f64> {
    let mut i = 0;
    while i < s.len() && (s[i] == b' ' || (9..=13).contains(&s[i])) {
        i += 1;
    }
    let neg = match at(s, i) {
        b'-' => {
            i += 1;
            true
        }
        b'+' => {
            i += 1;
            false
        }
        _ => false,
    };
    let rest = &s[i..];
    let lower: Vec<u8> = rest.iter().take(8).map(|c| c.to_ascii_lowercase()).collect();
    let value = if lower.starts_with(b"inf") {
        f64::INFINITY
    } else if lower.starts_with(b"nan") {
        f64::NAN
    } else if lower.starts_with(b"0x")
        && (at(rest, 2).is_ascii_hexdigit() || (at(rest, 2) == b'.' && at(rest, 3).is_ascii_hexdigit()))
    {
        hex_float(&rest[2..])
    } else {
        let mut j = 0;
        let mut digits = 0;
        while at(rest, j).is_ascii_digit() {
            j += 1;
            digits += 1;
        }
        if at(rest, j) == b'.' {
            j += 1;
            while at(rest, j).is_ascii_digit() {
                j += 1;
                digits += 1;
            }
        }
        if digits == 0 {
            return None;
        }
        if matches!(at(rest, j), b'e' | b'E') {
            let mut k = j + 1;
            if matches!(at(rest, k), b'+' | b'-') {
                k += 1;
            }
            if at(rest, k).is_ascii_digit() {
                while at(rest, k).is_ascii_digit() {
                    k += 1;
                }
                j = k;
            }
        }
        let text = std::str::from_utf8(&rest[..j]).ok()?;
        let text = if text.starts_with('.') { format!("0{}", text) } else { text.to_string() };
        text.parse::<f64>().ok()?
    };
    Some(if neg { -value } else { value })
}

fn hex_float(s: &[u8]) -> f64 {
    let mut v = 0f64;
    let mut i = 0;
    let mut scale = 0i32;
    while let Some(d) = (at(s, i) as char).to_digit(16) {
        v = v * 16.0 + d as f64;
        i += 1;
    }
    if at(s, i) == b'.' {
        i += 1;
        while let Some(d) = (at(s, i) as char).to_digit(16) {
            v = v * 16.0 + d as f64;
            scale -= 4;
            i += 1;
        }
    }
    if matches!(at(s, i), b'p' | b'P') {
        let mut k = i + 1;
        let neg = at(s, k) == b'-';
        if matches!(at(s, k), b'+' | b'-') {
            k += 1;
        }
        if at(s, k).is_ascii_digit() {
            let mut e = 0i32;
            while at(s, k).is_ascii_digit() {
                e = e.saturating_mul(10).saturating_add((at(s, k) - b'0') as i32);
                k += 1;
            }
            scale = scale.saturating_add(if neg { -e } else { e });
        }
    }
    v * 2f64.powi(scale)
}

/// -R: MD5 of salt + key + NUL (C.UTF-8's strxfrm is the identity), the
/// key bytes breaking a tie.
fn random_compare(a: &[u8], b: &[u8], salt: &[u8; 16]) -> Ordering {
    let digest = |k: &[u8]| {
        let mut m = Vec::with_capacity(16 + k.len() + 1);
        m.extend_from_slice(salt);
        // One NUL-terminated piece per NUL-separated part of the key.
        if !k.is_empty() {
            m.extend_from_slice(k);
            m.push(0);
        }
        md5(&m)
    };
    digest(a).cmp(&digest(b)).then_with(|| a.cmp(b))
}

/// MD5 (RFC 1321).
fn md5(msg: &[u8]) -> [u8; 16] {
    let s: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14,
        20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6,
        10, 15, 21,
    ];
    let k: Vec<u32> = (0..64).map(|i| ((i as f64 + 1.0).sin().abs() * 4294967296.0) as u32).collect();
    let mut h: [u32; 4] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
    let mut data = msg.to_vec();
    let bit_len = (msg.len() as u64).wrapping_mul(8);
    data.push(0x80);
    while data.len() % 64 != 56 {
        data.push(0);
    }
    data.extend_from_slice(&bit_len.to_le_bytes());
    for chunk in data.chunks(64) {
        let m: Vec<u32> = chunk.chunks(4).map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]])).collect();
        let (mut a, mut b, mut c, mut d) = (h[0], h[1], h[2], h[3]);
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(s[i]));
        }
        h[0] = h[0].wrapping_add(a);
        h[1] = h[1].wrapping_add(b);
        h[2] = h[2].wrapping_add(c);
        h[3] = h[3].wrapping_add(d);
    }
    let mut out = [0u8; 16];
    for (i, v) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&v.to_le_bytes());
    }
    out
}

// ---- version order (gnulib filevercmp) ----------------------------------

/// The length of `s` without its file suffix: the longest tail matching
/// `(\.[A-Za-z~][A-Za-z0-9~]*)*`.
fn file_prefixlen(s: &[u8]) -> usize {
    let n = s.len();
    let mut prefixlen = 0;
    let mut i = 0;
    loop {
        if i == n {
            return prefixlen;
        }
        i += 1;
        prefixlen = i;
        while i + 1 < n && s[i] == b'.' && (s[i + 1].is_ascii_alphabetic() || s[i + 1] == b'~') {
            i += 2;
            while i < n && (s[i].is_ascii_alphanumeric() || s[i] == b'~') {
                i += 1;
            }
        }
    }
}

fn order(s: &[u8], pos: usize) -> i32 {
    if pos == s.len() {
        return -1;
    }
    let c = s[pos];
    if c.is_ascii_digit() {
        0
    } else if c.is_ascii_alphabetic() {
        c as i32
    } else if c == b'~' {
        -2
    } else {
        c as i32 + 256
    }
}

fn verrevcmp(s1: &[u8], s2: &[u8]) -> Ordering {
    let (mut p1, mut p2) = (0usize, 0usize);
    while p1 < s1.len() || p2 < s2.len() {
        let mut first_diff = 0i32;
        while (p1 < s1.len() && !s1[p1].is_ascii_digit()) || (p2 < s2.len() && !s2[p2].is_ascii_digit()) {
            let c1 = order(s1, p1);
            let c2 = order(s2, p2);
            if c1 != c2 {
                return c1.cmp(&c2);
            }
            p1 += 1;
            p2 += 1;
        }
        while p1 < s1.len() && s1[p1] == b'0' {
            p1 += 1;
        }
        while p2 < s2.len() && s2[p2] == b'0' {
            p2 += 1;
        }
        while p1 < s1.len() && p2 < s2.len() && s1[p1].is_ascii_digit() && s2[p2].is_ascii_digit() {
            if first_diff == 0 {
                first_diff = s1[p1] as i32 - s2[p2] as i32;
            }
            p1 += 1;
            p2 += 1;
        }
        if p1 < s1.len() && s1[p1].is_ascii_digit() {
            return Ordering::Greater;
        }
        if p2 < s2.len() && s2[p2].is_ascii_digit() {
            return Ordering::Less;
        }
        if first_diff != 0 {
            return first_diff.cmp(&0);
        }
    }
    Ordering::Equal
}

fn filevercmp(a: &[u8], b: &[u8]) -> Ordering {
    if a.is_empty() {
        return if b.is_empty() { Ordering::Equal } else { Ordering::Less };
    }
    if b.is_empty() {
        return Ordering::Greater;
    }
    if a[0] == b'.' {
        if b[0] != b'.' {
            return Ordering::Less;
        }
        let (adot, bdot) = (a.len() == 1, b.len() == 1);
        if adot {
            return if bdot { Ordering::Equal } else { Ordering::Less };
        }
        if bdot {
            return Ordering::Greater;
        }
        let adotdot = a[1] == b'.' && a.len() == 2;
        let bdotdot = b[1] == b'.' && b.len() == 2;
        if adotdot {
            return if bdotdot { Ordering::Equal } else { Ordering::Less };
        }
        if bdotdot {
            return Ordering::Greater;
        }
    } else if b[0] == b'.' {
        return Ordering::Greater;
    }
    let (ap, bp) = (file_prefixlen(a), file_prefixlen(b));
    let one_pass = ap == a.len() && bp == b.len();
    let r = verrevcmp(&a[..ap], &b[..bp]);
    if r != Ordering::Equal || one_pass {
        r
    } else {
        verrevcmp(a, b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_vectors() {
        let hex = |d: [u8; 16]| d.iter().map(|b| format!("{:02x}", b)).collect::<String>();
        assert_eq!(hex(md5(b"")), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(hex(md5(b"abc")), "900150983cd24fb0d6963f7d28e17f72");
    }

    #[test]
    fn numbers() {
        assert_eq!(numcompare(b"10", b"9"), Ordering::Greater);
        assert_eq!(numcompare(b"-1", b"-2"), Ordering::Greater);
        assert_eq!(numcompare(b"1.5", b"1.25"), Ordering::Greater);
        assert_eq!(numcompare(b"-0", b"0"), Ordering::Equal);
        assert_eq!(numcompare(b".5", b"0.50"), Ordering::Equal);
    }
}
