//! `mktemp`: create a file (mode 0600) or directory (0700) with a unique
//! random name made from a template's trailing X's, and print its name.

use std::io::Write;
use wsutil::args::{self, HasArg, Item, Spec, HELP, LONG1, VERSION};
use wsutil::fsext;
use wsutil::io::stdout;
use wsutil::pathname::{concat, last_component};
use wsutil::{quote_locale, report, show_error, strerror, Error, Result, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("mktemp", main)];

const SPEC: Spec = Spec {
    short: "dp:qtuV",
    long: &[
        ("directory", HasArg::No, 'd'),
        ("quiet", HasArg::No, 'q'),
        ("dry-run", HasArg::No, 'u'),
        ("suffix", HasArg::Required, LONG1),
        ("tmpdir", HasArg::Optional, 'p'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: mktemp [OPTION]... [TEMPLATE]
Create a temporary file or directory, safely, and print its name.
TEMPLATE must contain at least 3 consecutive 'X's in last component.
If TEMPLATE is not specified, use tmp.XXXXXXXXXX, and --tmpdir is implied.
Files are created u+rw, and directories u+rwx, minus umask restrictions.

  -d, --directory     create a directory, not a file
  -u, --dry-run       do not create anything; merely print a name (unsafe)
  -q, --quiet         suppress diagnostics about file/dir-creation failure
      --suffix=SUFF   append SUFF to TEMPLATE; SUFF must not contain a slash.
                        This option is implied if TEMPLATE does not end in X
  -p DIR, --tmpdir[=DIR]  interpret TEMPLATE relative to DIR; if DIR is not
                        specified, use $TMPDIR if set, else /tmp.  With
                        this option, TEMPLATE must not be an absolute name;
                        unlike with -t, TEMPLATE may contain slashes, but
                        mktemp creates only the final component
  -t                  interpret TEMPLATE as a single file name component,
                        relative to a directory: $TMPDIR, if set; else the
                        directory specified via -p; else /tmp [deprecated]
";

const DEFAULT_TEMPLATE: &str = "tmp.XXXXXXXXXX";
const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const EEXIST: i32 = 20;
const ENOENT: i32 = 44;
/// As many tries as glibc's `gen_tempname` makes (62**3).
const ATTEMPTS: u32 = 62 * 62 * 62;

#[cfg(target_os = "wasi")]
fn random_bytes(buf: &mut [u8]) {
    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    extern "C" {
        fn random_get(buf: *mut u8, len: u32) -> u16;
    }
    // SAFETY: the host fills exactly buf.len() bytes.
    unsafe {
        random_get(buf.as_mut_ptr(), buf.len() as u32);
    }
}

/// Native builds (unit tests): std's randomly seeded hasher.
#[cfg(not(target_os = "wasi"))]
fn random_bytes(buf: &mut [u8]) {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    for (i, b) in buf.iter_mut().enumerate() {
        let mut h = RandomState::new().build_hasher();
        h.write_usize(i);
        *b = h.finish() as u8;
    }
}

/// `template` with its `count` X's before the last `suffix_len` bytes
/// replaced by random letters and digits.
fn fill(template: &str, suffix_len: usize, count: usize) -> String {
    let mut bytes = template.as_bytes().to_vec();
    let end = bytes.len() - suffix_len;
    let mut random = vec![0u8; count * 2];
    random_bytes(&mut random);
    for (i, slot) in bytes[end - count..end].iter_mut().enumerate() {
        // Two bytes per letter keep the modulo bias negligible.
        let r = u16::from_le_bytes([random[2 * i], random[2 * i + 1]]) as usize;
        *slot = LETTERS[r % LETTERS.len()];
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Make {
    File,
    Dir,
    Nothing,
}

/// Creates a unique name from the template; returns it or the errno of
/// the first failure other than "exists".
fn create(template: &str, suffix_len: usize, count: usize, make: Make) -> std::io::Result<String> {
    let umask = fsext::umask();
    let mut last = std::io::Error::from_raw_os_error(EEXIST);
    for _ in 0..ATTEMPTS {
        let name = fill(template, suffix_len, count);
        let result = match make {
            Make::File => fsext::create_new(&name).and_then(|_| fsext::chmod(&name, 0o600 & !umask)),
            Make::Dir => fsext::mkdir(&name).and_then(|_| fsext::chmod(&name, 0o700 & !umask)),
            Make::Nothing => match fsext::stat(&name, false) {
                Ok(_) => Err(std::io::Error::from_raw_os_error(EEXIST)),
                Err(e) if e.raw_os_error() == Some(ENOENT) => Ok(()),
                Err(e) => Err(e),
            },
        };
        match result {
            Ok(()) => return Ok(name),
            Err(e) if e.raw_os_error() == Some(EEXIST) => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

fn run(argv: &[String]) -> Result<i32> {
    let mut dir = false;
    let mut dry_run = false;
    let mut quiet = false;
    let mut deprecated_t = false;
    let mut use_dir = false;
    let mut dir_arg: Option<String> = None;
    let mut suffix: Option<String> = None;
    let mut templates = Vec::new();
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt('d', _) => dir = true,
            Item::Opt('p', v) => {
                dir_arg = v;
                use_dir = true;
            }
            Item::Opt('q', _) => quiet = true,
            Item::Opt('t', _) => {
                use_dir = true;
                deprecated_t = true;
            }
            Item::Opt('u', _) => dry_run = true,
            Item::Opt(LONG1, v) => suffix = v,
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION | 'V', _) => {
                println!("mktemp (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(..) => {}
            Item::Operand(t) => templates.push(t),
        }
    }
    if templates.len() >= 2 {
        return Err(UsageError::new("too many templates").into());
    }
    let mut template = match templates.pop() {
        Some(t) => t,
        None => {
            use_dir = true;
            DEFAULT_TEMPLATE.to_string()
        }
    };
    let suffix_len = match &suffix {
        Some(s) => {
            if !template.ends_with('X') {
                return Err(Error::Fatal(format!(
                    "with --suffix, template {} must end in X",
                    quote_locale(&template)
                )));
            }
            template.push_str(s);
            s.len()
        }
        None => template.len() - template.rfind('X').map_or(template.len(), |i| i + 1),
    };
    let suffix_text = &template[template.len() - suffix_len..];
    if !suffix_text.is_empty() && last_component(suffix_text) != 0 {
        return Err(Error::Fatal(format!(
            "invalid suffix {}, contains directory separator",
            quote_locale(suffix_text)
        )));
    }
    let stem = &template[..template.len() - suffix_len];
    let count = stem.len() - stem.trim_end_matches('X').len();
    if count < 3 {
        return Err(Error::Fatal(format!("too few X's in template {}", quote_locale(&template))));
    }
    if use_dir {
        let tmpdir = std::env::var("TMPDIR").ok().filter(|s| !s.is_empty());
        let given = dir_arg.filter(|s| !s.is_empty());
        let base = if deprecated_t {
            if last_component(&template) != 0 {
                return Err(Error::Fatal(format!(
                    "invalid template, {}, contains directory separator",
                    quote_locale(&template)
                )));
            }
            tmpdir.or(given).unwrap_or_else(|| "/tmp".into())
        } else {
            if template.starts_with('/') {
                return Err(Error::Fatal(format!(
                    "invalid template, {}; with --tmpdir, it may not be absolute",
                    quote_locale(&template)
                )));
            }
            given.or(tmpdir).unwrap_or_else(|| "/tmp".into())
        };
        template = concat(&base, &template);
    }
    let make = if dry_run {
        Make::Nothing
    } else if dir {
        Make::Dir
    } else {
        Make::File
    };
    match create(&template, suffix_len, count, make) {
        Ok(name) => {
            let mut out = stdout();
            writeln!(out, "{}", name)?;
            if let Err(e) = out.flush() {
                if make != Make::Nothing {
                    let _ = if dir { fsext::rmdir(&name) } else { fsext::unlink(&name) };
                }
                if !quiet {
                    show_error(&format!("write error: {}", strerror(&e)));
                }
                return Ok(1);
            }
            Ok(0)
        }
        Err(e) => {
            if !quiet {
                let what = if dir { "directory" } else { "file" };
                show_error(&format!(
                    "failed to create {} via template {}: {}",
                    what,
                    quote_locale(&template),
                    strerror(&e)
                ));
            }
            Ok(1)
        }
    }
}
