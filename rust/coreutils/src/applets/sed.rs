//! `sed`: the stream editor, as GNU sed 4.9 (options, every command and
//! address form, its messages and exit statuses: 1 for a bad script, 2
//! for an input that could not be read, 4 for an I/O error, or `q`'s).
//!
//! The family: sed_parse.rs compiles the script (sed_script.rs holds
//! what it compiles to and GNU's text escapes), sed_exec.rs runs it,
//! sed_io.rs reads and writes. Regular expressions are wsutil's GNU
//! engine with glibc's POSIX syntax bits, as sed uses them.
//!
//! `--posix` and `--debug` are refused as unsupported.

use std::io::{Read, Write};

use super::sed_exec::{Config, Sed};
use super::sed_parse::{path, Compiler};
use super::sed_script::{Posix, SedError, EXIT_BAD_USAGE, EXIT_PANIC};
use wsutil::args::{self, HasArg, Item, Spec, HELP, LONG1, LONG2, LONG3, VERSION};
use wsutil::{report, Error};

pub const APPLETS: &[wsutil::Applet] = &[("sed", main)];

const DEBUG: char = LONG1;
const SANDBOX: char = LONG2;
const FOLLOW: char = LONG3;

/// GNU's option table, in its order (getopt's ambiguity messages list
/// candidates in it).
const SPEC: Spec = Spec {
    short: "bsnrzuEe:f:l:i::V:",
    long: &[
        ("binary", HasArg::No, 'b'),
        ("regexp-extended", HasArg::No, 'r'),
        ("debug", HasArg::No, DEBUG),
        ("expression", HasArg::Required, 'e'),
        ("file", HasArg::Required, 'f'),
        ("in-place", HasArg::Optional, 'i'),
        ("line-length", HasArg::Required, 'l'),
        ("null-data", HasArg::No, 'z'),
        ("zero-terminated", HasArg::No, 'z'),
        ("quiet", HasArg::No, 'n'),
        ("posix", HasArg::No, 'p'),
        ("silent", HasArg::No, 'n'),
        ("sandbox", HasArg::No, SANDBOX),
        ("separate", HasArg::No, 's'),
        ("unbuffered", HasArg::No, 'u'),
        ("version", HasArg::No, VERSION),
        ("help", HasArg::No, HELP),
        ("follow-symlinks", HasArg::No, FOLLOW),
    ],
    stop_at_operand: false,
};

const USAGE_HEAD: &str = "Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...

  -n, --quiet, --silent
                 suppress automatic printing of pattern space
      --debug
                 annotate program execution
  -e script, --expression=script
                 add the script to the commands to be executed
  -f script-file, --file=script-file
                 add the contents of script-file to the commands to be executed
  --follow-symlinks
                 follow symlinks when processing in place
  -i[SUFFIX], --in-place[=SUFFIX]
                 edit files in place (makes backup if SUFFIX supplied)
  -l N, --line-length=N
                 specify the desired line-wrap length for the `l' command
  --posix
                 disable all GNU extensions.
  -E, -r, --regexp-extended
                 use extended regular expressions in the script
                 (for portability use POSIX -E).
  -s, --separate
                 consider files as separate rather than as a single,
                 continuous long stream.
      --sandbox
                 operate in sandbox mode (disable e/r/w commands).
  -u, --unbuffered
                 load minimal amounts of data from the input files and flush
                 the output buffers more often
  -z, --null-data
                 separate lines by NUL characters
      --help     display this help and exit
      --version  output version information and exit

If no -e, --expression, -f, or --file option is given, then the first
non-option argument is taken as the sed script to interpret.  All
remaining arguments are names of input files; if no input files are
specified, then the standard input is read.

GNU sed home page: <https://www.gnu.org/software/sed/>.
General help using GNU software: <https://www.gnu.org/gethelp/>.
";

/// GNU's `usage()`: on standard output with status 0, else on standard
/// error (without the bug report address).
fn usage(status: i32) -> i32 {
    if status == 0 {
        let mut out = wsutil::io::stdout();
        let _ = out.write_all(USAGE_HEAD.as_bytes());
        let _ = out.write_all(b"E-mail bug reports to: <bug-sed@gnu.org>.\n");
        let _ = out.flush();
    } else {
        let _ = std::io::stderr().write_all(USAGE_HEAD.as_bytes());
    }
    status
}

fn version() -> i32 {
    let mut out = wsutil::io::stdout();
    let _ = write!(
        out,
        "sed (GNU sed) 4.9\nwasmsand coreutils {}: a reimplementation of GNU sed 4.9's behaviour.\n",
        env!("CARGO_PKG_VERSION")
    );
    let _ = out.flush();
    0
}

pub fn main(argv: &[String]) -> i32 {
    let raw = raw_args(argv);
    match run(&raw) {
        Ok(code) => code,
        Err(Failure::Sed(e)) => {
            let mut msg = b"sed: ".to_vec();
            msg.extend_from_slice(&e.msg);
            msg.push(b'\n');
            let _ = std::io::stderr().write_all(&msg);
            e.status
        }
        Err(Failure::Usage(msg)) => {
            if let Some(m) = msg {
                eprintln!("sed: {}", m);
            }
            usage(EXIT_BAD_USAGE)
        }
        Err(Failure::Unsupported(flag)) => report(&Error::Unsupported(flag), EXIT_BAD_USAGE),
    }
}

enum Failure {
    Sed(SedError),
    /// A getopt error (its message), or no script at all.
    Usage(Option<String>),
    Unsupported(String),
}

impl From<SedError> for Failure {
    fn from(e: SedError) -> Self {
        Failure::Sed(e)
    }
}

/// The arguments as bytes: a script may hold bytes that are not UTF-8
/// (the multicall entry point passes them lossily).
fn raw_args(argv: &[String]) -> Vec<Vec<u8>> {
    #[cfg(target_os = "wasi")]
    use std::os::wasi::ffi::OsStrExt;
    #[cfg(unix)]
    use std::os::unix::ffi::OsStrExt;
    let os: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if os.len() >= argv.len() {
        let tail = &os[os.len() - argv.len()..];
        if tail.iter().zip(argv).all(|(o, a)| o.to_string_lossy() == a.as_str()) {
            return tail.iter().map(|o| o.as_bytes().to_vec()).collect();
        }
    }
    argv.iter().map(|a| a.as_bytes().to_vec()).collect()
}

/// Bytes that are not UTF-8 travel through the option parser as
/// private-use characters U+F780..U+F7FF.
const BYTE_BASE: u32 = 0xF700;

fn encode_arg(raw: &[u8]) -> String {
    let mut s = String::new();
    let mut rest = raw;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                s.push_str(valid);
                break;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                s.push_str(std::str::from_utf8(good).unwrap_or(""));
                let n = e.error_len().unwrap_or(bad.len());
                for &b in &bad[..n] {
                    s.push(char::from_u32(BYTE_BASE + b as u32).unwrap_or('\u{FFFD}'));
                }
                rest = &bad[n..];
            }
        }
    }
    s
}

fn decode_arg(s: &str) -> Vec<u8> {
    let mut v = Vec::with_capacity(s.len());
    for c in s.chars() {
        let u = c as u32;
        if (BYTE_BASE + 0x80..=BYTE_BASE + 0xFF).contains(&u) {
            v.push((u - BYTE_BASE) as u8);
        } else {
            let mut b = [0u8; 4];
            v.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
        }
    }
    v
}

/// C's `atoi`: leading blanks, a sign, digits; 0 when there are none.
fn atoi(s: &str) -> i64 {
    let t = s.trim_start_matches(|c: char| c == ' ' || ('\t'..='\r').contains(&c));
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let mut n: i64 = 0;
    for b in digits.bytes().take_while(|b| b.is_ascii_digit()) {
        n = n.saturating_mul(10).saturating_add((b - b'0') as i64);
    }
    if neg {
        -n
    } else {
        n
    }
}

/// The contents of a `-f` file (`-` is standard input), and whether `#n`
/// may count in it (GNU checks the file position, which a pipe lacks).
fn read_script_file(name: &[u8]) -> Result<(Vec<u8>, bool), SedError> {
    let mut text = Vec::new();
    if name == b"-" {
        let magic = wsutil::io::stdin_metadata().map(|m| m.is_file()).unwrap_or(false);
        let _ = wsutil::io::stdin().read_to_end(&mut text);
        return Ok((text, magic));
    }
    let mut f = std::fs::File::open(path(name)).map_err(|e| {
        let mut m = b"couldn't open file ".to_vec();
        m.extend_from_slice(name);
        m.extend_from_slice(format!(": {}", wsutil::strerror(&e)).as_bytes());
        SedError::panic(m)
    })?;
    // A read error (a directory) ends the script there, as getc's EOF.
    let _ = f.read_to_end(&mut text);
    Ok((text, true))
}

fn run(raw: &[Vec<u8>]) -> Result<i32, Failure> {
    let encoded: Vec<String> = raw.iter().map(|a| encode_arg(a)).collect();
    let posix = if std::env::var_os("POSIXLY_CORRECT").is_some() { Posix::Correct } else { Posix::Extended };
    let mut line_len: i64 = 70;
    if let Some(cols) = std::env::var("COLS").ok().map(|c| atoi(&c)) {
        if cols > 1 {
            line_len = cols - 1;
        }
    }
    let mut compiler = Compiler::new(posix);
    let mut have_script = false;
    let mut cfg = Config {
        quiet: false,
        delim: b'\n',
        separate: false,
        unbuffered: false,
        posix,
        line_len,
        in_place: None,
        follow_symlinks: false,
    };
    let mut operands: Vec<Vec<u8>> = Vec::new();
    let items = args::parse(&SPEC, &encoded).map_err(|e| Failure::Usage(Some(e.0)))?;
    for item in items {
        match item {
            Item::Opt('n', _) => cfg.quiet = true,
            Item::Opt('e', Some(v)) => {
                compiler.compile_string(decode_arg(&v))?;
                have_script = true;
            }
            Item::Opt('f', Some(v)) => {
                let name = decode_arg(&v);
                let (text, magic) = read_script_file(&name)?;
                compiler.compile_file(&name, text, magic)?;
                have_script = true;
            }
            Item::Opt('z', _) => cfg.delim = 0,
            Item::Opt(FOLLOW, _) => cfg.follow_symlinks = true,
            Item::Opt('i', v) => {
                cfg.separate = true;
                cfg.in_place = Some(match v.map(|s| decode_arg(&s)) {
                    None => b"*".to_vec(),
                    Some(s) if s.contains(&b'*') => s,
                    Some(s) => [b"*".as_slice(), &s].concat(),
                });
            }
            Item::Opt('l', Some(v)) => cfg.line_len = atoi(&v),
            Item::Opt('p', _) => return Err(Failure::Unsupported("--posix".to_string())),
            Item::Opt(DEBUG, _) => return Err(Failure::Unsupported("--debug".to_string())),
            Item::Opt('b', _) => {}
            Item::Opt('E', _) | Item::Opt('r', _) => compiler.extended = true,
            Item::Opt('s', _) => cfg.separate = true,
            Item::Opt(SANDBOX, _) => compiler.sandbox = true,
            Item::Opt('u', _) => cfg.unbuffered = true,
            Item::Opt(VERSION, _) => return Ok(version()),
            Item::Opt(HELP, _) => return Ok(usage(0)),
            Item::Opt(_, _) => return Err(Failure::Usage(None)),
            Item::Operand(o) => operands.push(decode_arg(&o)),
        }
    }
    if !have_script {
        if operands.is_empty() {
            return Err(Failure::Usage(None));
        }
        let script = operands.remove(0);
        compiler.compile_string(script)?;
    }
    cfg.posix = compiler.posix;
    let prog = compiler.finish()?;
    if prog.quiet {
        cfg.quiet = true;
    }
    if cfg.in_place.is_some() && operands.is_empty() {
        return Err(Failure::Sed(SedError { msg: b"no input files".to_vec(), status: EXIT_PANIC }));
    }
    let mut sed = Sed::new(prog, cfg, operands);
    match sed.run().and_then(|status| sed.finish().map(|_| status)) {
        Ok(status) => Ok(status),
        Err(e) => {
            sed.abandon();
            Err(Failure::Sed(e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn args_round_trip() {
        let raw = b"s/\xff\xc3\xa9/x/".to_vec();
        assert_eq!(decode_arg(&encode_arg(&raw)), raw);
        assert_eq!(atoi(" -12x"), -12);
        assert_eq!(atoi("x"), 0);
    }
}
