//! `md5sum`, `sha1sum`, `sha224sum`, `sha256sum`, `sha384sum`,
//! `sha512sum`, `b2sum` and `cksum`: print or check message digests.
//!
//! One implementation, as in GNU (digest.c): the `*sum` commands are
//! `cksum -a ALGO --untagged` with their own option set. Names holding a
//! backslash, newline or carriage return are escaped in the output and the
//! line is marked with a leading backslash, so that `-c` can read it back.

use std::io::{Read, Write};
use wsutil::args::{self, HasArg, Item, Spec, HELP, LONG1, LONG2, LONG3, LONG4, LONG5, LONG6, LONG7, VERSION};
use wsutil::hash::{self, BsdSum, Crc, Digest, SysvSum};
use wsutil::io::{open_input, read_full, stdout, Out};
use wsutil::{quote, quote_locale, show_error, strerror};

pub const APPLETS: &[wsutil::Applet] = &[
    ("md5sum", md5sum),
    ("sha1sum", sha1sum),
    ("sha224sum", sha224sum),
    ("sha256sum", sha256sum),
    ("sha384sum", sha384sum),
    ("sha512sum", sha512sum),
    ("b2sum", b2sum),
    ("cksum", cksum),
];

fn md5sum(argv: &[String]) -> i32 {
    run(Command::Sum(Algo::Md5), argv)
}
fn sha1sum(argv: &[String]) -> i32 {
    run(Command::Sum(Algo::Sha1), argv)
}
fn sha224sum(argv: &[String]) -> i32 {
    run(Command::Sum(Algo::Sha224), argv)
}
fn sha256sum(argv: &[String]) -> i32 {
    run(Command::Sum(Algo::Sha256), argv)
}
fn sha384sum(argv: &[String]) -> i32 {
    run(Command::Sum(Algo::Sha384), argv)
}
fn sha512sum(argv: &[String]) -> i32 {
    run(Command::Sum(Algo::Sha512), argv)
}
fn b2sum(argv: &[String]) -> i32 {
    run(Command::Sum(Algo::Blake2b), argv)
}
fn cksum(argv: &[String]) -> i32 {
    run(Command::Cksum, argv)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Algo {
    Bsd,
    Sysv,
    Crc,
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    Blake2b,
    Sm3,
}

const ALGOS: [Algo; 11] = [
    Algo::Bsd,
    Algo::Sysv,
    Algo::Crc,
    Algo::Md5,
    Algo::Sha1,
    Algo::Sha224,
    Algo::Sha256,
    Algo::Sha384,
    Algo::Sha512,
    Algo::Blake2b,
    Algo::Sm3,
];

impl Algo {
    /// The `--algorithm` argument.
    fn arg(self) -> &'static str {
        ["bsd", "sysv", "crc", "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b", "sm3"][self as usize]
    }

    /// The tag of BSD-style lines (`MD5 (file) = ...`).
    fn tag(self) -> &'static str {
        ["BSD", "SYSV", "CRC", "MD5", "SHA1", "SHA224", "SHA256", "SHA384", "SHA512", "BLAKE2b", "SM3"][self as usize]
    }

    fn bits(self) -> usize {
        [16, 16, 32, 128, 160, 224, 256, 384, 512, 512, 256][self as usize]
    }

    /// The old checksums, printed as numbers with a size.
    fn is_legacy(self) -> bool {
        matches!(self, Algo::Bsd | Algo::Sysv | Algo::Crc)
    }

    fn digest(self, bits: usize) -> Box<dyn Digest> {
        match self {
            Algo::Md5 => Box::new(hash::Md5::new()),
            Algo::Sha1 => Box::new(hash::Sha1::new()),
            Algo::Sha224 => Box::new(hash::Sha256::new224()),
            Algo::Sha256 => Box::new(hash::Sha256::new()),
            Algo::Sha384 => Box::new(hash::Sha512::new384()),
            Algo::Sha512 => Box::new(hash::Sha512::new()),
            Algo::Sm3 => Box::new(hash::Sm3::new()),
            _ => Box::new(hash::Blake2b::new(bits / 8)),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Command {
    Sum(Algo),
    Cksum,
}

impl Command {
    fn name(self) -> &'static str {
        match self {
            Command::Sum(Algo::Md5) => "md5sum",
            Command::Sum(Algo::Sha1) => "sha1sum",
            Command::Sum(Algo::Sha224) => "sha224sum",
            Command::Sum(Algo::Sha256) => "sha256sum",
            Command::Sum(Algo::Sha384) => "sha384sum",
            Command::Sum(Algo::Sha512) => "sha512sum",
            Command::Sum(_) => "b2sum",
            Command::Cksum => "cksum",
        }
    }

    /// b2sum and cksum take `-l BITS`.
    fn has_length(self) -> bool {
        matches!(self, Command::Sum(Algo::Blake2b) | Command::Cksum)
    }
}

const TAG: char = LONG1;
const UNTAGGED: char = LONG2;
const IGNORE_MISSING: char = LONG3;
const QUIET: char = LONG4;
const STATUS: char = LONG5;
const STRICT: char = LONG6;
const DEBUG: char = LONG7;

const SUM_LONG: &[args::LongOpt] = &[
    ("binary", HasArg::No, 'b'),
    ("check", HasArg::No, 'c'),
    ("ignore-missing", HasArg::No, IGNORE_MISSING),
    ("quiet", HasArg::No, QUIET),
    ("status", HasArg::No, STATUS),
    ("strict", HasArg::No, STRICT),
    ("text", HasArg::No, 't'),
    ("warn", HasArg::No, 'w'),
    ("tag", HasArg::No, TAG),
    ("zero", HasArg::No, 'z'),
    ("help", HasArg::No, HELP),
    ("version", HasArg::No, VERSION),
];

const B2_LONG: &[args::LongOpt] = &[
    ("binary", HasArg::No, 'b'),
    ("check", HasArg::No, 'c'),
    ("ignore-missing", HasArg::No, IGNORE_MISSING),
    ("length", HasArg::Required, 'l'),
    ("quiet", HasArg::No, QUIET),
    ("status", HasArg::No, STATUS),
    ("strict", HasArg::No, STRICT),
    ("text", HasArg::No, 't'),
    ("warn", HasArg::No, 'w'),
    ("tag", HasArg::No, TAG),
    ("zero", HasArg::No, 'z'),
    ("help", HasArg::No, HELP),
    ("version", HasArg::No, VERSION),
];

const CKSUM_LONG: &[args::LongOpt] = &[
    ("algorithm", HasArg::Required, 'a'),
    ("check", HasArg::No, 'c'),
    ("debug", HasArg::No, DEBUG),
    ("ignore-missing", HasArg::No, IGNORE_MISSING),
    ("length", HasArg::Required, 'l'),
    ("quiet", HasArg::No, QUIET),
    ("status", HasArg::No, STATUS),
    ("strict", HasArg::No, STRICT),
    ("tag", HasArg::No, TAG),
    ("untagged", HasArg::No, UNTAGGED),
    ("warn", HasArg::No, 'w'),
    ("zero", HasArg::No, 'z'),
    ("help", HasArg::No, HELP),
    ("version", HasArg::No, VERSION),
];

/// Everything the command line decides.
struct Opts {
    cmd: Command,
    algo: Algo,
    algorithm_specified: bool,
    /// Digest length in bits (BLAKE2b).
    bits: usize,
    check: bool,
    /// None: neither -b nor -t.
    binary: Option<bool>,
    tag: bool,
    zero: bool,
    ignore_missing: bool,
    quiet: bool,
    status_only: bool,
    strict: bool,
    warn: bool,
}

/// Exits early with a status (an error already printed).
struct Exit(i32);

fn usage_error(cmd: Command, msg: &str) -> Exit {
    if !msg.is_empty() {
        show_error(msg);
    }
    eprintln!("Try '{} --help' for more information.", cmd.name());
    Exit(1)
}

fn run(cmd: Command, argv: &[String]) -> i32 {
    match parse(cmd, argv) {
        Err(Exit(code)) => code,
        Ok((opts, files)) => {
            let mut out = stdout();
            let files = if files.is_empty() && opts.check { vec!["-".to_string()] } else { files };
            let ok = if opts.check {
                files.iter().fold(true, |ok, f| check_file(&opts, f, &mut out) && ok)
            } else {
                let named = !files.is_empty();
                let files = if files.is_empty() { vec!["-".to_string()] } else { files };
                files.iter().fold(true, |ok, f| print_sum(&opts, f, named, &mut out) && ok)
            };
            let _ = out.flush();
            if ok {
                0
            } else {
                1
            }
        }
    }
}

fn parse(cmd: Command, argv: &[String]) -> Result<(Opts, Vec<String>), Exit> {
    let spec = match cmd {
        Command::Cksum => Spec { short: "a:l:bctwz", long: CKSUM_LONG, stop_at_operand: false },
        Command::Sum(Algo::Blake2b) => Spec { short: "l:bctwz", long: B2_LONG, stop_at_operand: false },
        Command::Sum(_) => Spec { short: "bctwz", long: SUM_LONG, stop_at_operand: false },
    };
    let algo = match cmd {
        Command::Sum(a) => a,
        Command::Cksum => Algo::Crc,
    };
    let mut o = Opts {
        cmd,
        algo,
        algorithm_specified: false,
        bits: 0,
        check: false,
        binary: None,
        tag: cmd == Command::Cksum,
        zero: false,
        ignore_missing: false,
        quiet: false,
        status_only: false,
        strict: false,
        warn: false,
    };
    let mut files = Vec::new();
    let items = args::parse(&spec, argv).map_err(|e| usage_error(cmd, &e.0))?;
    for item in items {
        match item {
            Item::Opt('a', Some(v)) => {
                o.algo = match ALGOS.iter().find(|a| a.arg() == v) {
                    Some(&a) => a,
                    None => return Err(bad_algorithm(&v)),
                };
                o.algorithm_specified = true;
            }
            Item::Opt('l', Some(v)) => o.bits = parse_length(&v)?,
            Item::Opt('b', _) | Item::Opt('t', _) if cmd == Command::Cksum => return Err(usage_error(cmd, "")),
            Item::Opt('b', _) => o.binary = Some(true),
            Item::Opt('t', _) => o.binary = Some(false),
            Item::Opt('c', _) => o.check = true,
            Item::Opt(TAG, _) => {
                o.tag = true;
                o.binary = Some(true);
            }
            Item::Opt(UNTAGGED, _) => o.tag = false,
            Item::Opt('z', _) => o.zero = true,
            Item::Opt(IGNORE_MISSING, _) => o.ignore_missing = true,
            // As in GNU, the last of --status, --quiet and --warn wins.
            Item::Opt(STATUS, _) => {
                o.status_only = true;
                o.warn = false;
                o.quiet = false;
            }
            Item::Opt('w', _) => {
                o.status_only = false;
                o.warn = true;
                o.quiet = false;
            }
            Item::Opt(QUIET, _) => {
                o.status_only = false;
                o.warn = false;
                o.quiet = true;
            }
            Item::Opt(STRICT, _) => o.strict = true,
            Item::Opt(DEBUG, _) => {
                return Err(Exit(wsutil::report(&wsutil::Error::Unsupported("--debug".into()), 1)));
            }
            Item::Opt(HELP, _) => {
                print!("{}", usage_text(cmd));
                return Err(Exit(0));
            }
            Item::Opt(VERSION, _) => {
                println!("{} (wasmsand coreutils) {}", cmd.name(), env!("CARGO_PKG_VERSION"));
                return Err(Exit(0));
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    validate(&mut o)?;
    Ok((o, files))
}

fn bad_algorithm(v: &str) -> Exit {
    show_error(&format!("invalid argument {} for {}", quote_locale(v), quote_locale("--algorithm")));
    let mut list = String::from("Valid arguments are:");
    for a in ALGOS.iter() {
        list.push_str(&format!("\n  - {}", quote_locale(a.arg())));
    }
    eprintln!("{}", list);
    eprintln!("Try 'cksum --help' for more information.");
    Exit(1)
}

/// `-l BITS`: a multiple of 8 up to 512; 0 means the default.
fn parse_length(v: &str) -> Result<usize, Exit> {
    let invalid = || show_error(&format!("invalid length: {}", quote_locale(v)));
    let n: u64 = match v.parse() {
        Ok(n) if v.bytes().all(|c| c.is_ascii_digit()) => n,
        _ => {
            invalid();
            return Err(Exit(1));
        }
    };
    if n % 8 != 0 {
        invalid();
        show_error("length is not a multiple of 8");
        return Err(Exit(1));
    }
    if n > 512 {
        invalid();
        show_error(&format!("maximum digest length for {} is 512 bits", quote_locale("BLAKE2b")));
        return Err(Exit(1));
    }
    Ok(n as usize)
}

/// GNU's checks of option combinations, in its order.
fn validate(o: &mut Opts) -> Result<(), Exit> {
    let cmd = o.cmd;
    if o.cmd == Command::Cksum {
        if o.bits != 0 && o.algo != Algo::Blake2b {
            show_error("--length is only supported with --algorithm=blake2b");
            return Err(Exit(1));
        }
        if o.check && o.algorithm_specified && o.algo.is_legacy() {
            show_error("--check is not supported with --algorithm={bsd,sysv,crc}");
            return Err(Exit(1));
        }
    }
    if o.bits == 0 {
        o.bits = o.algo.bits();
    }
    if o.tag && o.binary == Some(false) {
        return Err(usage_error(cmd, "--tag does not support --text mode"));
    }
    if o.zero && o.check {
        return Err(usage_error(cmd, "the --zero option is not supported when verifying checksums"));
    }
    if o.cmd != Command::Cksum && o.tag && o.check {
        return Err(usage_error(cmd, "the --tag option is meaningless when verifying checksums"));
    }
    if o.binary.is_some() && o.check && o.cmd != Command::Cksum {
        return Err(usage_error(cmd, "the --binary and --text options are meaningless when verifying checksums"));
    }
    let only_check = [
        (o.ignore_missing, "ignore-missing"),
        (o.status_only, "status"),
        (o.warn, "warn"),
        (o.quiet, "quiet"),
        (o.strict, "strict"),
    ];
    for (set, name) in only_check.iter() {
        if *set && !o.check {
            return Err(usage_error(cmd, &format!("the --{} option is meaningful only when verifying checksums", name)));
        }
    }
    Ok(())
}

fn usage_text(cmd: Command) -> String {
    let name = cmd.name();
    let mut s = format!("Usage: {} [OPTION]... [FILE]...\n", name);
    if cmd == Command::Cksum {
        s.push_str(
            "Print or verify checksums.\nBy default use the 32 bit CRC algorithm.\n\n\
             With no FILE, or when FILE is -, read standard input.\n\n\
             \x20 -a, --algorithm=TYPE  select the digest type to use (bsd sysv crc md5 sha1\n\
             \x20                         sha224 sha256 sha384 sha512 blake2b sm3)\n\
             \x20 -c, --check           read checksums from the FILEs and check them\n\
             \x20 -l, --length=BITS     digest length in bits (blake2b)\n\
             \x20     --tag             create a BSD-style checksum (the default)\n\
             \x20     --untagged        create a reversed style checksum, without digest type\n",
        );
    } else {
        s.push_str(&format!(
            "Print or check {} checksums.\n\nWith no FILE, or when FILE is -, read standard input.\n\
             \x20 -b, --binary          read in binary mode\n\
             \x20 -c, --check           read checksums from the FILEs and check them\n",
            cmd.name().trim_end_matches("sum").to_uppercase()
        ));
        if cmd.has_length() {
            s.push_str("  -l, --length=BITS     digest length in bits; a multiple of 8, at most 512\n");
        }
        s.push_str(
            "      --tag             create a BSD-style checksum\n\
             \x20 -t, --text            read in text mode (default)\n",
        );
    }
    s.push_str(
        "  -z, --zero            end each output line with NUL, not newline,\n\
         \x20                         and disable file name escaping\n\n\
         The following five options are useful only when verifying checksums:\n\
         \x20     --ignore-missing  don't fail or report status for missing files\n\
         \x20     --quiet           don't print OK for each successfully verified file\n\
         \x20     --status          don't output anything, status code shows success\n\
         \x20     --strict          exit non-zero for improperly formatted checksum lines\n\
         \x20 -w, --warn            warn about improperly formatted checksum lines\n\n\
         \x20     --help        display this help and exit\n\
         \x20     --version     output version information and exit\n",
    );
    s
}

/// The result of reading one input: digest bytes, or a legacy checksum
/// and the byte count.
enum Sum {
    Digest(Vec<u8>),
    Legacy(u32, u64),
}

/// Reads `name` (`-` is standard input) through the algorithm. Errors are
/// returned, not printed.
fn compute(algo: Algo, bits: usize, name: &str) -> std::io::Result<Sum> {
    let mut input = open_input(name)?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut feed = |f: &mut dyn FnMut(&[u8])| -> std::io::Result<()> {
        loop {
            let n = read_full(&mut input, &mut buf)?;
            if n == 0 {
                return Ok(());
            }
            f(&buf[..n]);
        }
    };
    Ok(match algo {
        Algo::Crc => {
            // GNU's CRC loop stops at a read error without reporting it
            // (`cksum dir` prints the CRC of nothing): do the same.
            let mut c = Crc::new();
            let _ = feed(&mut |b| c.update(b));
            let (v, n) = c.finish();
            Sum::Legacy(v, n)
        }
        Algo::Bsd => {
            let mut s = BsdSum::default();
            feed(&mut |b| s.update(b))?;
            Sum::Legacy(s.value() as u32, s.len)
        }
        Algo::Sysv => {
            let mut s = SysvSum::default();
            feed(&mut |b| s.update(b))?;
            Sum::Legacy(s.value(), s.len)
        }
        _ => {
            let mut d = algo.digest(bits);
            feed(&mut |b| d.update(b))?;
            Sum::Digest(d.finish())
        }
    })
}

/// Whether a name must be escaped in a checksum line.
fn problematic(name: &str) -> bool {
    name.contains(|c| c == '\\' || c == '\n' || c == '\r')
}

fn escape_name(name: &str) -> String {
    name.replace('\\', "\\\\").replace('\n', "\\n").replace('\r', "\\r")
}

/// The `ALGO (` or `ALGO-BITS (` tag of a BSD-style line.
fn tag_text(o: &Opts) -> String {
    if o.algo == Algo::Blake2b && o.bits < 512 {
        format!("{}-{}", o.algo.tag(), o.bits)
    } else {
        o.algo.tag().to_string()
    }
}

/// Prints one file's checksum line; false on error (reported).
fn print_sum(o: &Opts, name: &str, named: bool, out: &mut Out) -> bool {
    let sum = match compute(o.algo, o.bits, name) {
        Ok(s) => s,
        Err(e) => {
            let _ = out.flush();
            show_error(&format!("{}: {}", quote(name), strerror(&e)));
            return false;
        }
    };
    let delim = if o.zero { "\0" } else { "\n" };
    let line = match sum {
        Sum::Legacy(v, n) => {
            let tail = if named { format!(" {}", name) } else { String::new() };
            match o.algo {
                Algo::Crc => format!("{} {}{}{}", v, n, tail, delim),
                Algo::Sysv => format!("{} {}{}{}", v, (n + 511) / 512, tail, delim),
                _ => format!("{:05} {:5}{}{}", v, (n + 1023) / 1024, tail, delim),
            }
        }
        Sum::Digest(d) => {
            let escape = !o.zero && problematic(name);
            let shown = if escape { escape_name(name) } else { name.to_string() };
            let mark = if escape { "\\" } else { "" };
            if o.tag {
                format!("{}{} ({}) = {}{}", mark, tag_text(o), shown, hash::hex(&d), delim)
            } else {
                let kind = if o.binary == Some(true) && o.cmd != Command::Cksum { '*' } else { ' ' };
                format!("{}{} {}{}{}", mark, hash::hex(&d), kind, shown, delim)
            }
        }
    };
    let _ = out.write_all(line.as_bytes());
    true
}

/// One parsed line of a checksum file.
struct Entry {
    algo: Algo,
    bits: usize,
    hex: String,
    name: String,
}

/// Per-file state of the line parser: whether lines are `HEX NAME` (BSD
/// reversed) or `HEX  NAME`, fixed by the first line that decides it.
struct LineParser<'a> {
    o: &'a Opts,
    /// The algorithm last seen (cksum without -a learns it from tags).
    algo: Algo,
    bsd_reversed: Option<bool>,
}

fn is_white(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// Undoes the escaping of a name (`\\`, `\n`, `\r` only).
fn unescape(s: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'\\' => {
                i += 1;
                match s.get(i)? {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b'\\' => out.push(b'\\'),
                    _ => return None,
                }
            }
            0 => return None,
            c => out.push(c),
        }
        i += 1;
    }
    Some(out)
}

impl<'a> LineParser<'a> {
    fn parse(&mut self, s: &[u8]) -> Option<Entry> {
        let mut i = 0;
        while i < s.len() && is_white(s[i]) {
            i += 1;
        }
        let escaped = s.get(i) == Some(&b'\\');
        if escaped {
            i += 1;
        }
        if self.o.cmd == Command::Cksum && !self.o.algorithm_specified {
            let end = s[i..]
                .iter()
                .position(|&c| c == 0 || is_white(c) || c == b'-' || c == b'(')
                .map_or(s.len(), |p| i + p);
            let word = &s[i..end];
            let algo = ALGOS.iter().copied().find(|a| a.tag().as_bytes() == word)?;
            if algo.is_legacy() {
                return None;
            }
            self.algo = algo;
        }
        let algo = self.algo;
        let tag = algo.tag().as_bytes();
        if s[i..].starts_with(tag) {
            return self.tagged(s, i + tag.len(), escaped);
        }
        self.untagged(s, i, escaped)
    }

    /// `TAG[-BITS] (NAME) = HEX`, `i` just after the tag.
    fn tagged(&self, s: &[u8], mut i: usize, escaped: bool) -> Option<Entry> {
        let mut bits = self.algo.bits();
        if self.o.cmd.has_length() && s.get(i) == Some(&b'-') {
            let start = i + 1;
            let mut end = start;
            while end < s.len() && s[end].is_ascii_digit() {
                end += 1;
            }
            let n: usize = std::str::from_utf8(&s[start..end]).ok()?.parse().ok()?;
            if n == 0 || n > bits || n % 8 != 0 {
                return None;
            }
            bits = n;
            i = end;
        } else if !matches!(s.get(i), Some(b' ') | Some(b'(')) {
            return None;
        }
        if s.get(i) == Some(&b' ') {
            i += 1;
        }
        if s.get(i) != Some(&b'(') {
            return None;
        }
        let rest = &s[i + 1..];
        // The name ends at the last ')': BSD tools do not escape names.
        let close = rest.iter().rposition(|&c| c == b')')?;
        let raw_name = &rest[..close];
        let name = if escaped { unescape(raw_name)? } else { raw_name.to_vec() };
        let mut j = close + 1;
        while j < rest.len() && is_white(rest[j]) {
            j += 1;
        }
        if rest.get(j) != Some(&b'=') {
            return None;
        }
        j += 1;
        while j < rest.len() && is_white(rest[j]) {
            j += 1;
        }
        let hex = &rest[j..];
        self.entry(bits, hex, name)
    }

    /// `HEX  NAME`, `HEX *NAME` or (BSD reversed) `HEX NAME`.
    fn untagged(&mut self, s: &[u8], mut i: usize, escaped: bool) -> Option<Entry> {
        let mut bits = self.o.bits;
        if self.algo == Algo::Blake2b {
            // The length is that of the hex digits.
            let n = s[i..].iter().take_while(|c| c.is_ascii_hexdigit()).count();
            if n < 2 || n % 2 != 0 || n > 128 {
                return None;
            }
            bits = n * 4;
        } else if self.o.cmd == Command::Cksum {
            bits = self.algo.bits();
        }
        let hex_len = bits / 4;
        if s.len() - i < hex_len + 2 {
            return None;
        }
        let hex = &s[i..i + hex_len];
        i += hex_len;
        if !is_white(s[i]) {
            return None;
        }
        i += 1;
        if !hex.iter().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        if s.len() - i == 1 || (s[i] != b' ' && s[i] != b'*') {
            if self.bsd_reversed == Some(false) {
                return None;
            }
            self.bsd_reversed = Some(true);
        } else if self.bsd_reversed != Some(true) {
            self.bsd_reversed = Some(false);
            i += 1;
        }
        let raw = &s[i..];
        let name = if escaped { unescape(raw)? } else { raw.to_vec() };
        self.entry(bits, hex, name)
    }

    fn entry(&self, bits: usize, hex: &[u8], name: Vec<u8>) -> Option<Entry> {
        if hex.len() != bits / 4 || !hex.iter().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        Some(Entry {
            algo: self.algo,
            bits,
            hex: String::from_utf8_lossy(hex).to_ascii_lowercase(),
            name: String::from_utf8_lossy(&name).into_owned(),
        })
    }
}

/// Counts for the warnings at the end of a checksum file.
#[derive(Default)]
struct Tally {
    misformatted: u64,
    unreadable: u64,
    mismatched: u64,
    matched: bool,
    properly_formatted: bool,
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("WARNING: {} {}", n, if n == 1 { one } else { many })
}

/// `-c FILE`: verifies every line of a checksum file; false when anything
/// failed (per GNU's rules, including --strict and --ignore-missing).
fn check_file(o: &Opts, file: &str, out: &mut Out) -> bool {
    let is_stdin = file == "-";
    let shown = if is_stdin { quote("standard input") } else { quote(file) };
    let mut data = Vec::new();
    let mut input = match open_input(file) {
        Ok(f) => f,
        Err(e) => {
            let _ = out.flush();
            show_error(&format!("{}: {}", shown, strerror(&e)));
            return false;
        }
    };
    if input.read_to_end(&mut data).is_err() {
        // GNU reports a failed getline (a directory) without errno text.
        let _ = out.flush();
        show_error(&format!("{}: read error", shown));
        return false;
    }
    let mut parser = LineParser { o, algo: o.algo, bsd_reversed: None };
    let mut t = Tally::default();
    let lines: Vec<&[u8]> = {
        let mut v: Vec<&[u8]> = data.split(|&c| c == b'\n').collect();
        if data.last() == Some(&b'\n') || data.is_empty() {
            v.pop();
        }
        v
    };
    for (n, raw) in lines.iter().enumerate() {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.is_empty() || line[0] == b'#' {
            continue;
        }
        let entry = parser.parse(line).filter(|e| !(is_stdin && e.name == "-"));
        let entry = match entry {
            Some(e) => e,
            None => {
                t.misformatted += 1;
                if o.warn {
                    let _ = out.flush();
                    show_error(&format!(
                        "{}: {}: improperly formatted {} checksum line",
                        shown,
                        n + 1,
                        parser.algo.tag()
                    ));
                }
                continue;
            }
        };
        t.properly_formatted = true;
        verify(o, &entry, &mut t, out);
    }
    let _ = out.flush();
    if !t.properly_formatted {
        show_error(&format!("{}: no properly formatted checksum lines found", shown));
        return false;
    }
    if !o.status_only {
        if t.misformatted > 0 {
            show_error(&plural(t.misformatted, "line is improperly formatted", "lines are improperly formatted"));
        }
        if t.unreadable > 0 {
            show_error(&plural(t.unreadable, "listed file could not be read", "listed files could not be read"));
        }
        if t.mismatched > 0 {
            show_error(&plural(t.mismatched, "computed checksum did NOT match", "computed checksums did NOT match"));
        }
        if o.ignore_missing && !t.matched {
            show_error(&format!("{}: no file was verified", shown));
        }
    }
    t.mismatched == 0 && t.unreadable == 0 && (!o.strict || t.misformatted == 0) && (!o.ignore_missing || t.matched)
}

/// Checks one listed file and prints its verdict.
fn verify(o: &Opts, e: &Entry, t: &mut Tally, out: &mut Out) {
    // Only a newline forces escaping here, to keep the output parseable.
    let escape = !o.status_only && e.name.contains('\n');
    let shown = if escape { format!("\\{}", escape_name(&e.name)) } else { e.name.clone() };
    let sum = compute(e.algo, e.bits, &e.name);
    let digest = match sum {
        Ok(Sum::Digest(d)) => d,
        Ok(Sum::Legacy(..)) => Vec::new(),
        Err(err) => {
            if o.ignore_missing && err.kind() == std::io::ErrorKind::NotFound {
                return;
            }
            let _ = out.flush();
            show_error(&format!("{}: {}", quote(&e.name), strerror(&err)));
            t.unreadable += 1;
            if !o.status_only {
                let _ = writeln!(out, "{}: FAILED open or read", shown);
            }
            return;
        }
    };
    let matched = hash::hex(&digest) == e.hex;
    if matched {
        t.matched = true;
    } else {
        t.mismatched += 1;
    }
    if !o.status_only {
        if !matched {
            let _ = writeln!(out, "{}: FAILED", shown);
        } else if !o.quiet {
            let _ = writeln!(out, "{}: OK", shown);
        }
    }
}
