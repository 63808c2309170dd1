//! What every wasmsand applet shares: the multicall entry point, its name
//! for messages, GNU-style error output, buffered standard output, errno
//! texts, number and printf parsing, and the wasmsand imports.

pub mod argmatch;
pub mod args;
pub mod canon;
pub mod cfmt;
pub mod datetime;
pub mod decimal;
pub mod fnmatch;
pub mod fsext;
pub mod fsmeta;
pub mod hash;
pub mod io;
pub mod modechange;
pub mod num;
pub mod pathname;
pub mod pathstat;
pub mod printf;
pub mod prompt;
pub mod regex;
pub mod resyntax;
pub mod sys;
pub mod xfloat;
pub mod xstrtol;

use std::cell::Cell;
use std::fmt;

thread_local! {
    static UTIL: Cell<&'static str> = Cell::new("coreutils");
}

/// The name this applet prints before its messages (`cat: ...`).
pub fn util() -> &'static str {
    UTIL.with(|u| u.get())
}

pub fn set_util(name: &'static str) {
    UTIL.with(|u| u.set(name));
}

/// A bad command line: printed with GNU's "Try '... --help'" hint.
#[derive(Debug, PartialEq, Eq)]
pub struct UsageError(pub String);

impl UsageError {
    pub fn new(msg: impl Into<String>) -> Self {
        UsageError(msg.into())
    }
}

/// Why an applet stopped early.
#[derive(Debug)]
pub enum Error {
    /// Wrong flags or operands; exit status is the applet's usage status.
    Usage(UsageError),
    /// A known GNU flag this build does not implement: refused with status 2.
    Unsupported(String),
    /// Anything else: `util: message`, status 1.
    Fatal(String),
}

impl From<UsageError> for Error {
    fn from(e: UsageError) -> Self {
        Error::Usage(e)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Fatal(strerror(&e).to_string())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(u) => f.write_str(&u.0),
            Error::Unsupported(flag) => write!(f, "unrecognized option '{}'", flag),
            Error::Fatal(m) => f.write_str(m),
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Writes `text` to standard error in one write, so a message is never
/// split across system calls (eprintln! writes each piece apart, which
/// interleaves badly with other writers and costs a call per piece).
pub fn write_stderr(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// Prints `util: msg` on standard error.
pub fn show_error(msg: &str) {
    write_stderr(&format!("{}: {}\n", util(), msg));
}

/// Prints `util: context: strerror` on standard error, as GNU does for a
/// failed operation on a named file.
pub fn show_io_error(context: &str, e: &std::io::Error) {
    write_stderr(&format!("{}: {}: {}\n", util(), context, strerror(e)));
}

/// Reports `err` the way GNU does and returns the exit status to use.
pub fn report(err: &Error, usage_status: i32) -> i32 {
    match err {
        Error::Usage(_) => {
            show_error(&err.to_string());
            write_stderr(&format!("Try '{} --help' for more information.\n", util()));
            usage_status
        }
        Error::Unsupported(_) => {
            show_error(&err.to_string());
            write_stderr(&format!("{}: this option is not supported by wasmsand\n", util()));
            2
        }
        Error::Fatal(_) => {
            show_error(&err.to_string());
            1
        }
    }
}

/// The text glibc's `strerror` gives for an I/O error. Guests see WASI
/// errno numbers; users expect Linux's wording.
pub fn strerror(e: &std::io::Error) -> &'static str {
    match e.raw_os_error() {
        Some(code) => errno_text(code),
        None => match e.kind() {
            std::io::ErrorKind::NotFound => "No such file or directory",
            std::io::ErrorKind::PermissionDenied => "Permission denied",
            std::io::ErrorKind::AlreadyExists => "File exists",
            std::io::ErrorKind::InvalidData => "Invalid or incomplete multibyte or wide character",
            std::io::ErrorKind::UnexpectedEof => "Unexpected end of file",
            _ => "Input/output error",
        },
    }
}

/// glibc's message for a WASI errno number.
pub fn errno_text(code: i32) -> &'static str {
    const TEXTS: [&str; 77] = [
        "Success",
        "Argument list too long",
        "Permission denied",
        "Address already in use",
        "Cannot assign requested address",
        "Address family not supported by protocol",
        "Resource temporarily unavailable",
        "Operation already in progress",
        "Bad file descriptor",
        "Bad message",
        "Device or resource busy",
        "Operation canceled",
        "No child processes",
        "Software caused connection abort",
        "Connection refused",
        "Connection reset by peer",
        "Resource deadlock avoided",
        "Destination address required",
        "Numerical argument out of domain",
        "Disk quota exceeded",
        "File exists",
        "Bad address",
        "File too large",
        "No route to host",
        "Identifier removed",
        "Invalid or incomplete multibyte or wide character",
        "Operation now in progress",
        "Interrupted system call",
        "Invalid argument",
        "Input/output error",
        "Transport endpoint is already connected",
        "Is a directory",
        "Too many levels of symbolic links",
        "Too many open files",
        "Too many links",
        "Message too long",
        "Multihop attempted",
        "File name too long",
        "Network is down",
        "Network dropped connection on reset",
        "Network is unreachable",
        "Too many open files in system",
        "No buffer space available",
        "No such device",
        "No such file or directory",
        "Exec format error",
        "No locks available",
        "Link has been severed",
        "Cannot allocate memory",
        "No message of desired type",
        "Protocol not available",
        "No space left on device",
        "Function not implemented",
        "Transport endpoint is not connected",
        "Not a directory",
        "Directory not empty",
        "State not recoverable",
        "Socket operation on non-socket",
        "Operation not supported",
        "Inappropriate ioctl for device",
        "No such device or address",
        "Value too large for defined data type",
        "Owner died",
        "Operation not permitted",
        "Broken pipe",
        "Protocol error",
        "Protocol not supported",
        "Protocol wrong type for socket",
        "Numerical result out of range",
        "Read-only file system",
        "Illegal seek",
        "No such process",
        "Stale file handle",
        "Connection timed out",
        "Text file busy",
        "Invalid cross-device link",
        "Capabilities insufficient",
    ];
    TEXTS.get(code as usize).copied().unwrap_or("Unknown error")
}

/// GNU's quoting of a file name in messages: 'name' when it has special
/// characters, bare otherwise (the `shell-escape` style of `quotearg`).
pub fn quote(name: &str) -> String {
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "%+,-./:=@_^".contains(c) || !c.is_ascii());
    if plain {
        name.to_string()
    } else if !name.contains('\'') {
        format!("'{}'", name)
    } else if !name.contains('"') && !name.contains('$') && !name.contains('`') && !name.contains('\\') {
        format!("\"{}\"", name)
    } else {
        format!("'{}'", name.replace('\'', "'\\''"))
    }
}

/// GNU's `quoteaf` (shell-escape-always style): always quoted, as in
/// "cannot open 'x' for reading"; a name with a single quote and nothing
/// special to the shell inside double quotes gets double quotes ("it's").
pub fn quote_always(name: &str) -> String {
    if !name.contains('\'') {
        format!("'{}'", name)
    } else if !name.contains('"') && !name.contains('$') && !name.contains('`') && !name.contains('\\') {
        format!("\"{}\"", name)
    } else {
        format!("'{}'", name.replace('\'', "'\\''"))
    }
}

/// GNU's `quote()` in a UTF-8 locale (the sandbox's C.UTF-8): ‘text’, as in
/// "invalid number of lines: ‘x’".
pub fn quote_locale(text: &str) -> String {
    format!("\u{2018}{}\u{2019}", text)
}

/// An applet's entry point: operands and options without argv[0]; returns
/// the exit status.
pub type Main = fn(&[String]) -> i32;

/// A command name and the function that runs it.
pub type Applet = (&'static str, Main);

fn basename(path: &str) -> &str {
    path.trim_end_matches('/').rsplit('/').next().unwrap_or(path)
}

fn find(tables: &[&[Applet]], name: &str) -> Option<Applet> {
    tables.iter().flat_map(|t| t.iter()).find(|(n, _)| *n == name).copied()
}

/// The whole program of a multicall module: enters the sandbox's working
/// directory, runs the applet named by argv[0] (or by argv[1] when argv[0]
/// names none, as in `coreutils cat file`) and exits with its status.
/// `MODULE --list` prints the applets.
pub fn multicall(module: &str, tables: &[&[Applet]]) -> ! {
    sys::enter_cwd();
    let args: Vec<String> = std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect();
    let code = dispatch(module, tables, &args);
    std::process::exit(code)
}

fn dispatch(module: &str, tables: &[&[Applet]], args: &[String]) -> i32 {
    let argv0 = args.first().map(String::as_str).unwrap_or(module);
    if let Some((name, main)) = find(tables, basename(argv0)) {
        set_util(name);
        return main(&args[1..]);
    }
    match args.get(1).map(String::as_str) {
        Some("--list") => {
            let mut names: Vec<&str> = tables.iter().flat_map(|t| t.iter()).map(|(n, _)| *n).collect();
            names.sort_unstable();
            for name in names {
                println!("{}", name);
            }
            0
        }
        Some(name) => match find(tables, name) {
            Some((name, main)) => {
                set_util(name);
                main(&args[2..])
            }
            None => {
                write_stderr(&format!("{}: {}: applet not found\n", module, name));
                127
            }
        },
        None => {
            write_stderr(&format!("usage: {} APPLET [ARGUMENT]...  ({} --list shows them)\n", module, module));
            1
        }
    }
}
