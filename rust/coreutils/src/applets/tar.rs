//! `tar`: GNU tar 1.34's create (-c), list (-t), extract (-x), append (-r)
//! and update (-u) over GNU, ustar, pax and v7 archives, optionally
//! gzip-compressed (-z, with the codec of `gzip`).
//!
//! Archives we write are GNU tar's byte for byte (same headers, long-name
//! records, 10 KiB records), so `tar cf - f | cat -v` compares with the
//! host. Directory contents are archived in name order: GNU's default
//! order is whatever the filesystem returns, which no test can pin down.
//!
//! Messages, warnings and the final "Exiting with failure status due to
//! previous errors" (status 2) are GNU's.

use super::gzip::{gz_error, GzDecoder, GzEncoder};
use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use wsutil::args::{self, HasArg, Item, Spec};
use wsutil::datetime::{self, Timespec, Zone};
use wsutil::fnmatch::fnmatch;
use wsutil::fsmeta::{self, FileStat, Names, SetTime};
use wsutil::io::{stdout, RawFd};
use wsutil::strerror;

pub const APPLETS: &[wsutil::Applet] = &[("tar", main)];

const BLOCK: usize = 512;

// ---------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------

/// Keys for long-only options (private-use code points).
mod key {
    pub const EXCLUDE: char = '\u{e100}';
    pub const STRIP: char = '\u{e101}';
    pub const OVERWRITE: char = '\u{e102}';
    pub const SKIP_OLD: char = '\u{e103}';
    pub const KEEP_NEWER: char = '\u{e104}';
    pub const OWNER: char = '\u{e105}';
    pub const GROUP: char = '\u{e106}';
    pub const NUMERIC_OWNER: char = '\u{e107}';
    pub const MTIME: char = '\u{e108}';
    pub const SORT: char = '\u{e109}';
    pub const FORMAT_POSIX: char = '\u{e10a}';
    pub const NO_RECURSION: char = '\u{e10b}';
    pub const RECURSION: char = '\u{e10c}';
    pub const WILDCARDS: char = '\u{e10d}';
    pub const NO_WILDCARDS: char = '\u{e10e}';
    pub const ANCHORED: char = '\u{e10f}';
    pub const NO_ANCHORED: char = '\u{e110}';
    pub const NULL: char = '\u{e111}';
    pub const NO_NULL: char = '\u{e112}';
    pub const NO_AUTO_COMPRESS: char = '\u{e113}';
    pub const RECORD_SIZE: char = '\u{e114}';
    pub const REMOVE_FILES: char = '\u{e115}';
    pub const FULL_TIME: char = '\u{e116}';
    pub const UTC: char = '\u{e117}';
    pub const SHOW_TRANSFORMED: char = '\u{e118}';
    pub const SHOW_STORED: char = '\u{e119}';
    pub const NOOP: char = '\u{e11a}';
    pub const NO_SAME_PERMS: char = '\u{e11b}';
    pub const HELP: char = '\u{e11c}';
    pub const USAGE: char = '\u{e11d}';
    pub const VERSION: char = '\u{e11e}';
    pub const TRANSFORM: char = '\u{e11f}';
    pub const CLAMP_MTIME: char = '\u{e120}';
    pub const EXCLUDE_VCS: char = '\u{e121}';
    pub const EXCLUDE_BACKUPS: char = '\u{e122}';
    pub const HARD_DEREF: char = '\u{e123}';
    pub const WILDCARDS_SLASH: char = '\u{e124}';
    pub const NO_WILDCARDS_SLASH: char = '\u{e125}';
    pub const IGNORE_CASE: char = '\u{e126}';
    pub const NO_IGNORE_CASE: char = '\u{e127}';
    pub const DELETE: char = '\u{e128}';
    pub const TEST_LABEL: char = '\u{e129}';
    /// Options GNU tar has and this one refuses: `UNSUPPORTED + i` for
    /// entry i of [`super::UNSUPPORTED_LONG`].
    pub const UNSUPPORTED: u32 = 0xe200;
}

/// GNU tar's long options this build does not implement, refused with
/// status 2 rather than ignored.
const UNSUPPORTED_LONG: &[&str] = &[
    "catenate",
    "concatenate",
    "diff",
    "compare",
    "listed-incremental",
    "incremental",
    "hole-detection",
    "level",
    "occurrence",
    "sparse-version",
    "add-file",
    "exclude-caches",
    "exclude-caches-all",
    "exclude-caches-under",
    "exclude-ignore",
    "exclude-ignore-recursive",
    "exclude-tag",
    "exclude-tag-all",
    "exclude-tag-under",
    "exclude-vcs-ignores",
    "keep-directory-symlink",
    "no-overwrite-dir",
    "one-top-level",
    "recursive-unlink",
    "verify",
    "ignore-command-error",
    "no-ignore-command-error",
    "to-command",
    "atime-preserve",
    "group-map",
    "mode",
    "owner-map",
    "same-owner",
    "acls",
    "selinux",
    "xattrs",
    "xattrs-exclude",
    "xattrs-include",
    "info-script",
    "new-volume-script",
    "tape-length",
    "multi-volume",
    "rmt-command",
    "rsh-command",
    "volno-file",
    "pax-option",
    "label",
    "use-compress-program",
    "bzip2",
    "xz",
    "lzip",
    "lzma",
    "lzop",
    "zstd",
    "compress",
    "uncompress",
    "backup",
    "starting-file",
    "newer-mtime",
    "newer",
    "after-date",
    "suffix",
    "checkpoint",
    "checkpoint-action",
    "index-file",
    "check-links",
    "no-quote-chars",
    "quote-chars",
    "quoting-style",
    "block-number",
    "show-defaults",
    "show-omitted-dirs",
    "show-snapshot-field-ranges",
    "totals",
    "warning",
    "interactive",
    "confirmation",
    "restrict",
];

/// Refused options that take an argument.
const UNSUPPORTED_WITH_ARG: &[&str] = &[
    "listed-incremental",
    "hole-detection",
    "level",
    "sparse-version",
    "add-file",
    "exclude-ignore",
    "exclude-ignore-recursive",
    "exclude-tag",
    "exclude-tag-all",
    "exclude-tag-under",
    "to-command",
    "group-map",
    "mode",
    "owner-map",
    "xattrs-exclude",
    "xattrs-include",
    "info-script",
    "new-volume-script",
    "tape-length",
    "rmt-command",
    "rsh-command",
    "volno-file",
    "pax-option",
    "label",
    "use-compress-program",
    "starting-file",
    "newer-mtime",
    "newer",
    "after-date",
    "suffix",
    "checkpoint-action",
    "index-file",
    "no-quote-chars",
    "quote-chars",
    "quoting-style",
    "warning",
];

/// Refused options with an optional argument.
const UNSUPPORTED_OPTIONAL_ARG: &[&str] = &["occurrence", "atime-preserve", "backup", "checkpoint"];

/// Marks an option of [`LONG`] this build refuses; [`spec`] gives each
/// its own key so the message can name it.
const UNSUP: char = '\u{e1ff}';

macro_rules! unsup {
    ($name:expr, $i:expr) => {
        ($name, HasArg::No, UNSUP)
    };
}

/// GNU tar's long options, in its table's order (ambiguity messages list
/// them so).
const LONG: &[args::LongOpt] = &[
        unsup!("catenate", 0),
        unsup!("concatenate", 1),
        ("create", HasArg::No, 'c'),
        ("delete", HasArg::No, key::DELETE),
        unsup!("diff", 2),
        unsup!("compare", 3),
        ("append", HasArg::No, 'r'),
        ("test-label", HasArg::No, key::TEST_LABEL),
        ("list", HasArg::No, 't'),
        ("update", HasArg::No, 'u'),
        ("extract", HasArg::No, 'x'),
        ("get", HasArg::No, 'x'),
        ("check-device", HasArg::No, key::NOOP),
        unsup!("listed-incremental", 4),
        unsup!("incremental", 5),
        unsup!("hole-detection", 6),
        ("ignore-failed-read", HasArg::No, key::NOOP),
        unsup!("level", 7),
        ("no-check-device", HasArg::No, key::NOOP),
        ("no-seek", HasArg::No, key::NOOP),
        ("seek", HasArg::No, key::NOOP),
        unsup!("occurrence", 8),
        unsup!("sparse-version", 9),
        ("sparse", HasArg::No, key::NOOP),
        unsup!("add-file", 10),
        ("directory", HasArg::Required, 'C'),
        ("exclude", HasArg::Required, key::EXCLUDE),
        ("exclude-from", HasArg::Required, 'X'),
        unsup!("exclude-caches", 11),
        unsup!("exclude-caches-under", 13),
        unsup!("exclude-caches-all", 12),
        unsup!("exclude-tag", 17),
        unsup!("exclude-ignore", 14),
        unsup!("exclude-ignore-recursive", 15),
        unsup!("exclude-tag-under", 19),
        unsup!("exclude-tag-all", 18),
        ("exclude-vcs", HasArg::No, key::EXCLUDE_VCS),
        unsup!("exclude-vcs-ignores", 20),
        ("exclude-backups", HasArg::No, key::EXCLUDE_BACKUPS),
        ("no-null", HasArg::No, key::NO_NULL),
        ("null", HasArg::No, key::NULL),
        ("no-recursion", HasArg::No, key::NO_RECURSION),
        ("no-unquote", HasArg::No, key::NOOP),
        ("no-verbatim-files-from", HasArg::No, key::NOOP),
        ("verbatim-files-from", HasArg::No, key::NOOP),
        ("recursion", HasArg::No, key::RECURSION),
        ("files-from", HasArg::Required, 'T'),
        ("unquote", HasArg::No, key::NOOP),
        ("anchored", HasArg::No, key::ANCHORED),
        ("ignore-case", HasArg::No, key::IGNORE_CASE),
        ("no-anchored", HasArg::No, key::NO_ANCHORED),
        ("no-ignore-case", HasArg::No, key::NO_IGNORE_CASE),
        ("no-wildcards", HasArg::No, key::NO_WILDCARDS),
        ("no-wildcards-match-slash", HasArg::No, key::NO_WILDCARDS_SLASH),
        ("wildcards", HasArg::No, key::WILDCARDS),
        ("wildcards-match-slash", HasArg::No, key::WILDCARDS_SLASH),
        unsup!("keep-directory-symlink", 21),
        ("keep-newer-files", HasArg::No, key::KEEP_NEWER),
        ("keep-old-files", HasArg::No, 'k'),
        unsup!("no-overwrite-dir", 22),
        unsup!("one-top-level", 23),
        ("overwrite", HasArg::No, key::OVERWRITE),
        ("overwrite-dir", HasArg::No, key::NOOP),
        unsup!("recursive-unlink", 24),
        ("remove-files", HasArg::No, key::REMOVE_FILES),
        ("skip-old-files", HasArg::No, key::SKIP_OLD),
        ("unlink-first", HasArg::No, 'U'),
        unsup!("verify", 25),
        unsup!("ignore-command-error", 26),
        unsup!("no-ignore-command-error", 27),
        ("to-stdout", HasArg::No, 'O'),
        unsup!("to-command", 28),
        unsup!("atime-preserve", 29),
        ("clamp-mtime", HasArg::No, key::CLAMP_MTIME),
        ("mtime", HasArg::Required, key::MTIME),
        ("delay-directory-restore", HasArg::No, key::NOOP),
        ("group", HasArg::Required, key::GROUP),
        unsup!("group-map", 30),
        unsup!("mode", 31),
        ("touch", HasArg::No, 'm'),
        ("no-delay-directory-restore", HasArg::No, key::NOOP),
        ("no-same-owner", HasArg::No, key::NOOP),
        ("no-same-permissions", HasArg::No, key::NO_SAME_PERMS),
        ("numeric-owner", HasArg::No, key::NUMERIC_OWNER),
        ("owner", HasArg::Required, key::OWNER),
        unsup!("owner-map", 32),
        ("preserve-permissions", HasArg::No, 'p'),
        ("same-permissions", HasArg::No, 'p'),
        unsup!("same-owner", 33),
        ("sort", HasArg::Required, key::SORT),
        ("preserve-order", HasArg::No, 's'),
        ("same-order", HasArg::No, 's'),
        unsup!("acls", 34),
        ("no-acls", HasArg::No, key::NOOP),
        ("no-selinux", HasArg::No, key::NOOP),
        ("no-xattrs", HasArg::No, key::NOOP),
        unsup!("selinux", 35),
        unsup!("xattrs", 36),
        unsup!("xattrs-exclude", 37),
        unsup!("xattrs-include", 38),
        ("force-local", HasArg::No, key::NOOP),
        ("file", HasArg::Required, 'f'),
        unsup!("info-script", 39),
        unsup!("new-volume-script", 40),
        unsup!("tape-length", 41),
        unsup!("multi-volume", 42),
        unsup!("rmt-command", 43),
        unsup!("rsh-command", 44),
        unsup!("volno-file", 45),
        ("blocking-factor", HasArg::Required, 'b'),
        ("read-full-records", HasArg::No, 'B'),
        ("ignore-zeros", HasArg::No, 'i'),
        ("record-size", HasArg::Required, key::RECORD_SIZE),
        ("format", HasArg::Required, 'H'),
        ("old-archive", HasArg::No, 'o'),
        ("portability", HasArg::No, 'o'),
        unsup!("pax-option", 46),
        ("posix", HasArg::No, key::FORMAT_POSIX),
        unsup!("label", 47),
        ("auto-compress", HasArg::No, 'a'),
        unsup!("use-compress-program", 48),
        unsup!("bzip2", 49),
        unsup!("xz", 50),
        unsup!("lzip", 51),
        unsup!("lzma", 52),
        unsup!("lzop", 53),
        ("no-auto-compress", HasArg::No, key::NO_AUTO_COMPRESS),
        unsup!("zstd", 54),
        ("gzip", HasArg::No, 'z'),
        ("gunzip", HasArg::No, 'z'),
        ("ungzip", HasArg::No, 'z'),
        unsup!("compress", 55),
        unsup!("uncompress", 56),
        unsup!("backup", 57),
        ("hard-dereference", HasArg::No, key::HARD_DEREF),
        ("dereference", HasArg::No, 'h'),
        unsup!("starting-file", 58),
        unsup!("newer-mtime", 59),
        unsup!("newer", 60),
        unsup!("after-date", 61),
        ("one-file-system", HasArg::No, key::NOOP),
        ("absolute-names", HasArg::No, 'P'),
        unsup!("suffix", 62),
        ("strip-components", HasArg::Required, key::STRIP),
        ("transform", HasArg::Required, key::TRANSFORM),
        ("xform", HasArg::Required, key::TRANSFORM),
        unsup!("checkpoint", 63),
        unsup!("checkpoint-action", 64),
        ("full-time", HasArg::No, key::FULL_TIME),
        unsup!("index-file", 65),
        unsup!("check-links", 66),
        unsup!("no-quote-chars", 67),
        unsup!("quote-chars", 68),
        unsup!("quoting-style", 69),
        unsup!("block-number", 70),
        unsup!("show-defaults", 71),
        unsup!("show-omitted-dirs", 72),
        unsup!("show-snapshot-field-ranges", 73),
        ("show-transformed-names", HasArg::No, key::SHOW_TRANSFORMED),
        ("show-stored-names", HasArg::No, key::SHOW_STORED),
        unsup!("totals", 74),
        ("utc", HasArg::No, key::UTC),
        ("verbose", HasArg::No, 'v'),
        unsup!("warning", 75),
        unsup!("interactive", 76),
        unsup!("confirmation", 77),
        ("help", HasArg::No, key::HELP),
        unsup!("restrict", 78),
        ("usage", HasArg::No, key::USAGE),
        ("version", HasArg::No, key::VERSION),
];

/// The option table, with a distinct key for each refused option.
fn spec() -> Spec {
    let mut long: Vec<args::LongOpt> = Vec::with_capacity(LONG.len());
    let mut n = 0;
    for &(name, has, k) in LONG {
        if k == UNSUP {
            let idx = UNSUPPORTED_LONG.iter().position(|&u| u == name).unwrap_or(n);
            n += 1;
            // Refused, but parsed as GNU parses them (argument and all).
            let has = if UNSUPPORTED_OPTIONAL_ARG.contains(&name) {
                HasArg::Optional
            } else if UNSUPPORTED_WITH_ARG.contains(&name) {
                HasArg::Required
            } else {
                has
            };
            long.push((name, has, char::from_u32(key::UNSUPPORTED + idx as u32).unwrap_or(UNSUP)));
        } else {
            long.push((name, has, k));
        }
    }
    Spec {
        short: "AcdrtuxGnSkUWOmpsMBiajJzZhPlRvwob:C:f:F:g:H:I:K:L:N:T:V:X:",
        long: Box::leak(long.into_boxed_slice()),
        stop_at_operand: false,
    }
}

/// Short options GNU tar has and this build refuses.
const UNSUPPORTED_SHORT: &str = "AdGWMjJZlRwgFIKLNV";

/// Short options taking an argument, for the old bundled syntax (`tar cvf x`).
const OLD_WITH_ARG: &str = "bCfFgHIKLNTVX";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Create,
    List,
    Extract,
    Append,
    Update,
    Delete,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Format {
    Gnu,
    OldGnu,
    Ustar,
    Pax,
    V7,
}

/// How existing files are treated on extraction.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OldFiles {
    /// GNU's default: replace (remove, then create).
    Replace,
    Keep,
    Skip,
    KeepNewer,
    Overwrite,
}

/// A `--transform` expression: `s/REGEX/REPLACEMENT/FLAGS`, with basic
/// regular expressions as far as literal text, `.`, `*`, `^`, `$` and
/// bracket expressions go.
#[derive(Clone)]
struct Transform {
    pattern: String,
    replacement: String,
    global: bool,
}

/// An operand or a positional option.
#[derive(Clone)]
enum Arg {
    Dir(String),
    Name(String),
    /// Exclusion patterns, and how GNU names the option in its "has no
    /// effect" warning.
    Exclude(Vec<String>, String),
    Recursion(bool),
}

struct Opts {
    mode: Mode,
    archive: String,
    gzip: bool,
    auto_compress: bool,
    verbose: u32,
    strip: usize,
    to_stdout: bool,
    preserve_perms: bool,
    old_files: OldFiles,
    absolute: bool,
    dereference: bool,
    touch: bool,
    recursion: bool,
    format: Format,
    owner: Option<(String, Option<u64>)>,
    group: Option<(String, Option<u64>)>,
    numeric_owner: bool,
    mtime: Option<i64>,
    clamp_mtime: bool,
    excludes: Vec<String>,
    wildcards: Option<bool>,
    anchored: Option<bool>,
    wildcards_slash: bool,
    ignore_case: bool,
    ignore_zeros: bool,
    record: usize,
    remove_files: bool,
    full_time: bool,
    utc: bool,
    show_transformed: bool,
    hard_deref: bool,
    transforms: Vec<Transform>,
    /// Operands and the options that are positional when creating (-C,
    /// --exclude, --[no-]recursion), in command-line order.
    args: Vec<Arg>,
    /// The last -C (extract/list work there).
    dir: Option<String>,
}

fn usage_hint() {
    eprintln!("Try 'tar --help' or 'tar --usage' for more information.");
}

/// A usage error of tar's own (status 2).
fn usage_fail(msg: &str) -> i32 {
    eprintln!("tar: {}", msg);
    usage_hint();
    2
}

/// Turns the old syntax (`tar cvf archive files`) into options.
fn old_style(argv: &[String]) -> Result<Vec<String>, i32> {
    let first = match argv.first() {
        Some(f) if !f.starts_with('-') => f.clone(),
        _ => return Ok(argv.to_vec()),
    };
    let mut out = Vec::new();
    let mut rest = argv[1..].iter();
    for c in first.chars() {
        out.push(format!("-{}", c));
        if OLD_WITH_ARG.contains(c) {
            match rest.next() {
                Some(v) => out.push(v.clone()),
                None => return Err(usage_fail(&format!("Old option '{}' requires an argument.", c))),
            }
        }
    }
    out.extend(rest.cloned());
    Ok(out)
}

fn parse_owner(v: &str) -> (String, Option<u64>) {
    match v.split_once(':') {
        Some((name, id)) => (name.to_string(), id.parse().ok()),
        None => (v.to_string(), None),
    }
}

fn parse_format(v: &str) -> Option<Format> {
    Some(match v {
        "gnu" => Format::Gnu,
        "oldgnu" => Format::OldGnu,
        "ustar" => Format::Ustar,
        "posix" | "pax" => Format::Pax,
        "v7" => Format::V7,
        _ => return None,
    })
}

fn parse_transform(v: &str) -> Option<Vec<Transform>> {
    // Several expressions may be separated by ';'.
    let mut out = Vec::new();
    let mut s = v;
    while !s.is_empty() {
        let mut chars = s.chars();
        if chars.next()? != 's' {
            return None;
        }
        let delim = chars.next()?;
        let body = &s[1 + delim.len_utf8()..];
        let mut parts = Vec::new();
        let mut cur = String::new();
        let mut it = body.char_indices();
        let mut end = body.len();
        while let Some((i, c)) = it.next() {
            if c == '\\' {
                if let Some((_, n)) = it.next() {
                    if n != delim {
                        cur.push('\\');
                    }
                    cur.push(n);
                }
                continue;
            }
            if c == delim {
                parts.push(std::mem::take(&mut cur));
                if parts.len() == 2 {
                    end = i + c.len_utf8();
                    break;
                }
                continue;
            }
            cur.push(c);
        }
        if parts.len() != 2 {
            return None;
        }
        let rest = &body[end..];
        let flags_end = rest.find(';').unwrap_or(rest.len());
        let flags = &rest[..flags_end];
        let mut global = false;
        for f in flags.chars() {
            match f {
                'g' => global = true,
                'r' | 'R' | 's' | 'S' | 'h' | 'H' | 'x' => {}
                _ => return None,
            }
        }
        out.push(Transform { pattern: parts[0].clone(), replacement: parts[1].clone(), global });
        s = if flags_end < rest.len() { &rest[flags_end + 1..] } else { "" };
    }
    Some(out)
}

const HELP_TEXT: &str = "Usage: tar [OPTION...] [FILE]...
GNU 'tar' saves many files together into a single tape or disk archive, and can
restore individual files from the archive.

Examples:
  tar -cf archive.tar foo bar  # Create archive.tar from files foo and bar.
  tar -tvf archive.tar         # List all files in archive.tar verbosely.
  tar -xf archive.tar          # Extract all files from archive.tar.

 Main operation mode:

  -c, --create               create a new archive
  -r, --append               append files to the end of an archive
  -t, --list                 list the contents of an archive
  -u, --update               only append files newer than copy in archive
  -x, --extract, --get       extract files from an archive

 Common options:

  -C, --directory=DIR        change to directory DIR
  -f, --file=ARCHIVE         use archive file or device ARCHIVE
  -v, --verbose              verbosely list files processed
  -z, --gzip, --gunzip, --ungzip   filter the archive through gzip
  -O, --to-stdout            extract files to standard output
  -k, --keep-old-files       don't replace existing files when extracting
      --skip-old-files       don't replace existing files, silently
      --overwrite            overwrite existing files when extracting
  -p, --preserve-permissions extract information about file permissions
  -P, --absolute-names       don't strip leading '/'s from file names
      --strip-components=NUMBER   strip NUMBER leading components from file
                             names on extraction
  -T, --files-from=FILE      get names to extract or create from FILE
  -X, --exclude-from=FILE    exclude patterns listed in FILE
      --exclude=PATTERN      exclude files, given as a PATTERN
      --transform=EXPRESSION use sed replace EXPRESSION to transform file
                             names
      --owner=NAME, --group=NAME, --mtime=DATE, --numeric-owner,
      --sort=ORDER, --format=FORMAT, --no-recursion, -h, -m, --full-time

This tar is part of wasmsand; it follows GNU tar 1.34.
";

pub fn main(argv: &[String]) -> i32 {
    let argv = match old_style(argv) {
        Ok(a) => a,
        Err(code) => return code,
    };
    let items = match args::parse(&spec(), &argv) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("tar: {}", e.0);
            usage_hint();
            return 64;
        }
    };
    let mut modes: Vec<Mode> = Vec::new();
    let mut o = Opts {
        mode: Mode::List,
        archive: std::env::var("TAPE").unwrap_or_else(|_| "-".to_string()),
        gzip: false,
        auto_compress: false,
        verbose: 0,
        strip: 0,
        to_stdout: false,
        preserve_perms: false,
        old_files: OldFiles::Replace,
        absolute: false,
        dereference: false,
        touch: false,
        recursion: true,
        format: Format::Gnu,
        owner: None,
        group: None,
        numeric_owner: false,
        mtime: None,
        clamp_mtime: false,
        excludes: Vec::new(),
        wildcards: None,
        anchored: None,
        wildcards_slash: true,
        ignore_case: false,
        ignore_zeros: false,
        record: 20 * BLOCK,
        remove_files: false,
        full_time: false,
        utc: false,
        show_transformed: false,
        hard_deref: false,
        transforms: Vec::new(),
        args: Vec::new(),
        dir: None,
    };
    let mut null = false;
    let mut files_from: Vec<(Option<String>, String)> = Vec::new();
    let mut cur_dir: Option<String> = None;
    let mut old_o = false;
    let mut utc_given = false;
    for item in items {
        match item {
            Item::Opt('c', _) => modes.push(Mode::Create),
            Item::Opt('t', _) => modes.push(Mode::List),
            Item::Opt('x', _) => modes.push(Mode::Extract),
            Item::Opt('r', _) => modes.push(Mode::Append),
            Item::Opt('u', _) => modes.push(Mode::Update),
            Item::Opt(key::DELETE, _) => modes.push(Mode::Delete),
            Item::Opt(key::TEST_LABEL, _) => return unsupported("--test-label"),
            Item::Opt('f', Some(v)) => o.archive = v,
            Item::Opt('C', Some(v)) => {
                cur_dir = Some(v.clone());
                o.args.push(Arg::Dir(v));
            }
            Item::Opt('T', Some(v)) => files_from.push((cur_dir.clone(), v)),
            Item::Opt('X', Some(v)) => match read_list(&v, false) {
                Ok(list) => {
                    o.excludes.extend(list.clone());
                    o.args.push(Arg::Exclude(list, format!("--exclude-from {}", wsutil::quote_locale(&v))));
                }
                Err(e) => {
                    eprintln!("tar: {}: {}", v, strerror(&e));
                    eprintln!("tar: Error is not recoverable: exiting now");
                    return 2;
                }
            },
            Item::Opt(key::EXCLUDE, Some(v)) => {
                o.excludes.push(v.clone());
                o.args.push(Arg::Exclude(vec![v.clone()], format!("--exclude {}", wsutil::quote_locale(&v))));
            }
            Item::Opt(key::EXCLUDE_VCS, _) => {
                for p in [
                    "CVS", "RCS", "SCCS", ".git", ".gitignore", ".gitattributes", ".gitmodules", ".cvsignore", ".svn",
                    ".arch-ids", "{arch}", "=RELEASE-ID", "=meta-update", "=update", ".bzr", ".bzrignore", ".bzrtags",
                    ".hg", ".hgignore", ".hgtags", "_darcs",
                ] {
                    o.excludes.push(p.to_string());
                }
                o.args.push(Arg::Exclude(o.excludes.clone(), "--exclude-vcs".to_string()));
            }
            Item::Opt(key::EXCLUDE_BACKUPS, _) => {
                for p in [".#*", "*~", "#*#"] {
                    o.excludes.push(p.to_string());
                }
                let list = vec![".#*".to_string(), "*~".to_string(), "#*#".to_string()];
                o.args.push(Arg::Exclude(list, "--exclude-backups".to_string()));
            }
            Item::Opt('v', _) => o.verbose += 1,
            Item::Opt('z', _) => o.gzip = true,
            Item::Opt('a', _) => o.auto_compress = true,
            Item::Opt(key::NO_AUTO_COMPRESS, _) => o.auto_compress = false,
            Item::Opt('O', _) => o.to_stdout = true,
            Item::Opt('p', _) => o.preserve_perms = true,
            Item::Opt(key::NO_SAME_PERMS, _) => o.preserve_perms = false,
            Item::Opt('k', _) => o.old_files = OldFiles::Keep,
            Item::Opt(key::SKIP_OLD, _) => o.old_files = OldFiles::Skip,
            Item::Opt(key::KEEP_NEWER, _) => o.old_files = OldFiles::KeepNewer,
            Item::Opt(key::OVERWRITE, _) => o.old_files = OldFiles::Overwrite,
            Item::Opt('U', _) => o.old_files = OldFiles::Replace,
            Item::Opt('P', _) => o.absolute = true,
            Item::Opt('h', _) => o.dereference = true,
            Item::Opt(key::HARD_DEREF, _) => o.hard_deref = true,
            Item::Opt('m', _) => o.touch = true,
            Item::Opt(key::NO_RECURSION, _) => {
                o.recursion = false;
                o.args.push(Arg::Recursion(false));
            }
            Item::Opt(key::RECURSION, _) => {
                o.recursion = true;
                o.args.push(Arg::Recursion(true));
            }
            Item::Opt('H', Some(v)) => match parse_format(&v) {
                Some(f) => o.format = f,
                None => {
                    return usage_fail(&format!("{}: Invalid archive format", v));
                }
            },
            Item::Opt(key::FORMAT_POSIX, _) => o.format = Format::Pax,
            Item::Opt('o', _) => old_o = true,
            Item::Opt(key::OWNER, Some(v)) => o.owner = Some(parse_owner(&v)),
            Item::Opt(key::GROUP, Some(v)) => o.group = Some(parse_owner(&v)),
            Item::Opt(key::NUMERIC_OWNER, _) => o.numeric_owner = true,
            Item::Opt(key::MTIME, Some(v)) => match parse_mtime(&v) {
                Some(t) => o.mtime = Some(t),
                None => {
                    eprintln!("tar: Substituting {} for unknown date format {}", "-9223372036854775807", wsutil::quote_locale(&v));
                    o.mtime = Some(0);
                }
            },
            Item::Opt(key::CLAMP_MTIME, _) => o.clamp_mtime = true,
            Item::Opt(key::SORT, Some(v)) => match v.as_str() {
                "name" | "none" | "inode" => {}
                _ => {
                    eprintln!("tar: invalid argument {} for {}", wsutil::quote_locale(&v), wsutil::quote_locale("--sort"));
                    eprintln!("Valid arguments are:\n  - {}\n  - {}\n  - {}", wsutil::quote_locale("none"), wsutil::quote_locale("name"), wsutil::quote_locale("inode"));
                    return 2;
                }
            },
            Item::Opt(key::WILDCARDS, _) => o.wildcards = Some(true),
            Item::Opt(key::NO_WILDCARDS, _) => o.wildcards = Some(false),
            Item::Opt(key::ANCHORED, _) => o.anchored = Some(true),
            Item::Opt(key::NO_ANCHORED, _) => o.anchored = Some(false),
            Item::Opt(key::WILDCARDS_SLASH, _) => o.wildcards_slash = true,
            Item::Opt(key::NO_WILDCARDS_SLASH, _) => o.wildcards_slash = false,
            Item::Opt(key::IGNORE_CASE, _) => o.ignore_case = true,
            Item::Opt(key::NO_IGNORE_CASE, _) => o.ignore_case = false,
            Item::Opt(key::NULL, _) => null = true,
            Item::Opt(key::NO_NULL, _) => null = false,
            Item::Opt('i', _) => o.ignore_zeros = true,
            Item::Opt('b', Some(v)) => match v.parse::<usize>() {
                Ok(n) if n > 0 && n <= 2048 => o.record = n * BLOCK,
                _ => return usage_fail(&format!("{}: Invalid blocking factor", v)),
            },
            Item::Opt(key::RECORD_SIZE, Some(v)) => match v.parse::<usize>() {
                Ok(n) if n > 0 && n % BLOCK == 0 => o.record = n,
                _ => return usage_fail(&format!("{}: Invalid record size", v)),
            },
            Item::Opt(key::REMOVE_FILES, _) => o.remove_files = true,
            Item::Opt(key::FULL_TIME, _) => o.full_time = true,
            Item::Opt(key::UTC, _) => {
                o.utc = true;
                utc_given = true;
            }
            Item::Opt(key::SHOW_TRANSFORMED, _) => o.show_transformed = true,
            Item::Opt(key::SHOW_STORED, _) => o.show_transformed = false,
            Item::Opt(key::STRIP, Some(v)) => match v.parse::<usize>() {
                Ok(n) => o.strip = n,
                Err(_) => return usage_fail(&format!("{}: Invalid number of elements", v)),
            },
            Item::Opt(key::TRANSFORM, Some(v)) => match parse_transform(&v) {
                Some(t) => o.transforms.extend(t),
                None => return unsupported(&format!("--transform={}", v)),
            },
            Item::Opt(key::HELP, _) => {
                print!("{}", HELP_TEXT);
                return 0;
            }
            Item::Opt(key::USAGE, _) => {
                println!("Usage: tar [-AcdrtuxGnSkUWOmpsMBiajJzZhPlRvwo?] [-g FILE] [-C DIR] [-T FILE]");
                return 0;
            }
            Item::Opt(key::VERSION, _) => {
                println!("tar (GNU tar) 1.34 (wasmsand coreutils {})", env!("CARGO_PKG_VERSION"));
                return 0;
            }
            Item::Opt(key::NOOP, _) | Item::Opt('s', _) | Item::Opt('B', _) | Item::Opt('n', _) | Item::Opt('S', _) => {}
            Item::Opt(c, _) if (c as u32) >= key::UNSUPPORTED && (c as u32) < key::UNSUPPORTED + 0x100 => {
                let name = UNSUPPORTED_LONG[(c as u32 - key::UNSUPPORTED) as usize];
                return unsupported(&format!("--{}", name));
            }
            Item::Opt(c, _) if UNSUPPORTED_SHORT.contains(c) => return unsupported(&format!("-{}", c)),
            Item::Opt(_, _) => {}
            Item::Operand(f) => o.args.push(Arg::Name(f)),
        }
    }
    modes.dedup();
    match modes.len() {
        0 => {
            return usage_fail("You must specify one of the '-Acdtrux', '--delete' or '--test-label' options");
        }
        1 => o.mode = modes[0],
        _ => {
            return usage_fail("You may not specify more than one '-Acdtrux', '--delete' or  '--test-label' option");
        }
    }
    // GNU tar lists verbosely when given --utc.
    if utc_given && o.mode == Mode::List && o.verbose == 0 {
        o.verbose = 1;
    }
    if old_o && matches!(o.mode, Mode::Create | Mode::Append | Mode::Update) {
        o.format = Format::V7;
    }
    // -T: names from files (read now, relative to the starting directory).
    for (dir, list) in files_from {
        let names = if list == "-" {
            let mut s = Vec::new();
            let _ = RawFd::new(0).read_to_end(&mut s);
            split_list(&s, null)
        } else {
            match fs::read(&list) {
                Ok(s) => split_list(&s, null),
                Err(e) => {
                    eprintln!("tar: {}: Cannot stat: {}", list, strerror(&e));
                    eprintln!("tar: Error is not recoverable: exiting now");
                    return 2;
                }
            }
        };
        for n in names {
            o.args.push(Arg::Name(n));
            let _ = &dir;
        }
    }
    o.dir = cur_dir;
    let has_names = o.args.iter().any(|a| matches!(a, Arg::Name(n) if !n.is_empty()));
    if matches!(o.mode, Mode::Append | Mode::Update) && o.archive == "-" {
        return usage_fail("Options '-Aru' are incompatible with '-f -'");
    }
    if matches!(o.mode, Mode::Append | Mode::Update | Mode::Delete) && o.gzip {
        return usage_fail("Cannot update compressed archives");
    }
    if o.mode == Mode::Create && !has_names {
        return usage_fail("Cowardly refusing to create an empty archive");
    }
    if o.auto_compress && o.mode == Mode::Create {
        let a = o.archive.to_ascii_lowercase();
        if a.ends_with(".gz") || a.ends_with(".tgz") || a.ends_with(".taz") {
            o.gzip = true;
        }
    }
    let mut tar = Tar::new(o);
    let code = tar.run();
    let _ = tar.flush_out();
    code
}

fn unsupported(flag: &str) -> i32 {
    wsutil::set_util("tar");
    wsutil::report(&wsutil::Error::Unsupported(flag.to_string()), 2)
}

fn parse_mtime(v: &str) -> Option<i64> {
    if v.starts_with('/') || v.starts_with('.') {
        return fsmeta::stat(v, true).ok().map(|s| s.mtime.sec);
    }
    let zone = Zone::from_env();
    datetime::parse_datetime(v, Timespec::now(), &zone).map(|t| t.sec)
}

/// Lines (or NUL-separated names with --null) of a -T/-X file.
fn split_list(data: &[u8], null: bool) -> Vec<String> {
    let sep = if null { 0 } else { b'\n' };
    data.split(|&b| b == sep).filter(|l| !l.is_empty()).map(|l| String::from_utf8_lossy(l).into_owned()).collect()
}

fn read_list(path: &str, null: bool) -> io::Result<Vec<String>> {
    let data = if path == "-" {
        let mut s = Vec::new();
        RawFd::new(0).read_to_end(&mut s)?;
        s
    } else {
        fs::read(path)?
    };
    Ok(split_list(&data, null))
}

// ---------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------

/// One archive member, whatever format it came in.
#[derive(Clone, Debug, Default)]
struct Member {
    name: String,
    linkname: String,
    typeflag: u8,
    mode: u32,
    uid: u64,
    gid: u64,
    uname: String,
    gname: String,
    size: u64,
    mtime: i64,
    mtime_nsec: u32,
    devmajor: u64,
    devminor: u64,
}

impl Member {
    fn is_dir(&self) -> bool {
        self.typeflag == b'5' || (self.typeflag == b'0' || self.typeflag == 0) && self.name.ends_with('/')
    }
    /// Regular data follows the header (hard links and the rest carry none
    /// in practice, whatever their size says).
    fn has_data(&self) -> bool {
        !matches!(self.typeflag, b'1' | b'2' | b'3' | b'4' | b'5' | b'6')
    }
}

fn octal(field: &[u8]) -> Option<u64> {
    if let Some(&first) = field.first() {
        if first & 0x80 != 0 {
            // GNU's base-256 for values octal cannot hold.
            let mut v: u64 = (first & 0x3f) as u64;
            for &b in &field[1..] {
                v = v.checked_mul(256)?.checked_add(b as u64)?;
            }
            return Some(v);
        }
    }
    let s: Vec<u8> = field.iter().copied().skip_while(|&b| b == b' ').take_while(|&b| b != 0 && b != b' ').collect();
    if s.is_empty() {
        return Some(0);
    }
    let mut v: u64 = 0;
    for b in s {
        if !(b'0'..=b'7').contains(&b) {
            return None;
        }
        v = v.checked_mul(8)?.checked_add((b - b'0') as u64)?;
    }
    Some(v)
}

fn cstr(field: &[u8]) -> String {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end]).into_owned()
}

/// Checks a header's checksum (GNU accepts the signed and unsigned sums).
fn checksum_ok(h: &[u8; BLOCK]) -> bool {
    let stored = match octal(&h[148..156]) {
        Some(v) => v as i64,
        None => return false,
    };
    let mut unsigned: i64 = 0;
    let mut signed: i64 = 0;
    for (i, &b) in h.iter().enumerate() {
        let b = if (148..156).contains(&i) { b' ' } else { b };
        unsigned += b as i64;
        signed += b as i8 as i64;
    }
    stored == unsigned || stored == signed
}

/// Decodes a header block's own fields (long names and pax records are
/// applied by the reader).
fn decode_header(h: &[u8; BLOCK]) -> Option<Member> {
    if !checksum_ok(h) {
        return None;
    }
    let mut m = Member {
        name: cstr(&h[0..100]),
        mode: octal(&h[100..108])? as u32,
        uid: octal(&h[108..116]).unwrap_or(0),
        gid: octal(&h[116..124]).unwrap_or(0),
        size: octal(&h[124..136])?,
        mtime: octal(&h[136..148]).unwrap_or(0) as i64,
        typeflag: h[156],
        linkname: cstr(&h[157..257]),
        ..Member::default()
    };
    let magic = &h[257..263];
    if magic == b"ustar\0" || magic == b"ustar " {
        m.uname = cstr(&h[265..297]);
        m.gname = cstr(&h[297..329]);
        m.devmajor = octal(&h[329..337]).unwrap_or(0);
        m.devminor = octal(&h[337..345]).unwrap_or(0);
        if magic == b"ustar\0" && h[345] != 0 {
            let prefix = cstr(&h[345..500]);
            m.name = format!("{}/{}", prefix, m.name);
        }
    }
    Some(m)
}

fn put_str(h: &mut [u8], at: usize, len: usize, s: &[u8]) {
    let n = s.len().min(len);
    h[at..at + n].copy_from_slice(&s[..n]);
}

/// Writes `v` as `len - 1` octal digits and a NUL, or GNU's base-256 when
/// it does not fit (GNU and oldgnu formats only).
fn put_octal(h: &mut [u8], at: usize, len: usize, v: u64, base256: bool) -> bool {
    let digits = format!("{:0width$o}", v, width = len - 1);
    if digits.len() <= len - 1 {
        put_str(h, at, len - 1, digits.as_bytes());
        h[at + len - 1] = 0;
        return true;
    }
    if !base256 {
        return false;
    }
    h[at] = 0x80;
    let mut x = v;
    for i in (1..len).rev() {
        h[at + i] = (x & 0xff) as u8;
        x >>= 8;
    }
    true
}

fn set_checksum(h: &mut [u8; BLOCK]) {
    for b in &mut h[148..156] {
        *b = b' ';
    }
    let sum: u32 = h.iter().map(|&b| b as u32).sum();
    let s = format!("{:06o}", sum);
    put_str(h, 148, 6, s.as_bytes());
    h[154] = 0;
    h[155] = b' ';
}

/// The header block for `m` in `format` (names already fit: long names
/// were written as records before).
fn encode_header(m: &Member, format: Format) -> [u8; BLOCK] {
    let mut h = [0u8; BLOCK];
    let gnu = matches!(format, Format::Gnu | Format::OldGnu);
    let (prefix, name) = if matches!(format, Format::Ustar | Format::Pax) { split_ustar(&m.name) } else { (String::new(), m.name.clone()) };
    put_str(&mut h, 0, 100, name.as_bytes());
    put_octal(&mut h, 100, 8, (m.mode & 0o7777) as u64, gnu);
    put_octal(&mut h, 108, 8, m.uid, gnu);
    put_octal(&mut h, 116, 8, m.gid, gnu);
    put_octal(&mut h, 124, 12, m.size, gnu);
    put_octal(&mut h, 136, 12, m.mtime.max(0) as u64, gnu);
    h[156] = if format == Format::V7 && m.typeflag == b'0' { 0 } else { m.typeflag };
    put_str(&mut h, 157, 100, m.linkname.as_bytes());
    match format {
        Format::Gnu | Format::OldGnu => put_str(&mut h, 257, 8, b"ustar  \0"),
        Format::Ustar | Format::Pax => put_str(&mut h, 257, 8, b"ustar\x0000"),
        Format::V7 => {}
    }
    if format != Format::V7 {
        put_str(&mut h, 265, 32, m.uname.as_bytes());
        put_str(&mut h, 297, 32, m.gname.as_bytes());
        if !prefix.is_empty() {
            put_str(&mut h, 345, 155, prefix.as_bytes());
        }
    }
    // GNU fills the device numbers for all but its own format (v7
    // included, where the fields do not even exist).
    if !gnu || matches!(m.typeflag, b'3' | b'4') {
        put_octal(&mut h, 329, 8, m.devmajor, gnu);
        put_octal(&mut h, 337, 8, m.devminor, gnu);
    }
    set_checksum(&mut h);
    h
}

/// Splits a name for ustar's prefix (≤ 155) and name (≤ 100) fields.
fn split_ustar(name: &str) -> (String, String) {
    if name.len() <= 100 {
        return (String::new(), name.to_string());
    }
    let bytes = name.as_bytes();
    // The first '/' that leaves at most 100 bytes after it and at most 155 before.
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'/' && i <= 155 && bytes.len() - i - 1 <= 100 && i > 0 && i + 1 < bytes.len() {
            return (name[..i].to_string(), name[i + 1..].to_string());
        }
    }
    (String::new(), name.to_string())
}

fn ustar_fits(name: &str) -> bool {
    let (p, n) = split_ustar(name);
    n.len() <= 100 && p.len() <= 155 && (name.len() <= 100 || !p.is_empty())
}

/// One pax record: "LEN key=value\n", LEN counting itself.
fn pax_record(key: &str, value: &str) -> String {
    let body = format!(" {}={}\n", key, value);
    let mut len = body.len() + 1;
    loop {
        let total = len.to_string().len() + body.len();
        if total == len {
            break;
        }
        len = total;
    }
    format!("{}{}", len, body)
}

fn pax_time(t: Timespec) -> String {
    if t.nsec == 0 {
        t.sec.to_string()
    } else {
        let mut s = format!("{}.{:09}", t.sec, t.nsec);
        while s.ends_with('0') {
            s.pop();
        }
        s
    }
}

// ---------------------------------------------------------------------------
// Reading archives
// ---------------------------------------------------------------------------

/// Why reading stopped.
enum ReadStop {
    /// "Unexpected EOF in archive": fatal.
    Eof,
    /// Error already reported; fatal.
    Fatal,
}

/// Reads members block by block, following GNU long names and pax records.
struct Reader<'a> {
    r: Box<dyn Read + 'a>,
    /// Bytes read so far (for --append's end position).
    offset: u64,
    ignore_zeros: bool,
    global: HashMap<String, String>,
    /// Where the last header started.
    last_header: u64,
    /// Where the last member's first header (long name or pax records
    /// included) started.
    member_start: u64,
    /// Any header seen (else the input "does not look like a tar archive").
    seen: bool,
    /// A bad header was skipped (status 2 at the end).
    pub skipped: bool,
    /// The input is not compressed: a first block cut short is reported.
    check_short: bool,
}

impl<'a> Reader<'a> {
    fn new(r: Box<dyn Read + 'a>, ignore_zeros: bool, check_short: bool) -> Self {
        Reader {
            r,
            offset: 0,
            ignore_zeros,
            global: HashMap::new(),
            last_header: 0,
            member_start: 0,
            seen: false,
            skipped: false,
            check_short,
        }
    }

    /// Reads one block; `Ok(false)` at a clean end of input.
    fn block(&mut self, buf: &mut [u8; BLOCK]) -> Result<bool, ReadStop> {
        let mut got = 0;
        while got < BLOCK {
            match self.r.read(&mut buf[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.read_error(e)),
            }
        }
        self.offset += got as u64;
        // GNU reads whole records and drops a partial block at the end; an
        // uncompressed input shorter than a block "does not look like a tar
        // archive".
        if got < BLOCK {
            if self.offset == got as u64 && self.check_short {
                eprintln!("tar: This does not look like a tar archive");
                self.skipped = true;
                self.seen = true;
            }
            return Ok(false);
        }
        Ok(true)
    }

    fn read_error(&mut self, e: io::Error) -> ReadStop {
        report_stream_error(&e);
        ReadStop::Fatal
    }

    /// Reads `size` bytes of data (padded to blocks) into `sink`.
    fn data(&mut self, size: u64, sink: &mut dyn FnMut(&[u8]) -> bool) -> Result<(), ReadStop> {
        let mut left = size;
        let mut buf = vec![0u8; 64 * BLOCK];
        let padded = (size + BLOCK as u64 - 1) / BLOCK as u64 * BLOCK as u64;
        let mut remaining = padded;
        let mut sink_ok = true;
        while remaining > 0 {
            let want = (remaining as usize).min(buf.len());
            let mut got = 0;
            while got < want {
                match self.r.read(&mut buf[got..want]) {
                    Ok(0) => break,
                    Ok(n) => got += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(self.read_error(e)),
                }
            }
            self.offset += got as u64;
            let useful = (left as usize).min(got);
            if sink_ok && useful > 0 {
                sink_ok = sink(&buf[..useful]);
            }
            left -= useful as u64;
            remaining -= got as u64;
            if got < want {
                return Err(ReadStop::Eof);
            }
        }
        Ok(())
    }

    fn skip(&mut self, size: u64) -> Result<(), ReadStop> {
        self.data(size, &mut |_| true)
    }

    /// A long name or pax record block, kept in memory (only its first
    /// MiB: nothing sane is longer, and a damaged size must not exhaust
    /// memory).
    fn read_all(&mut self, size: u64) -> Result<Vec<u8>, ReadStop> {
        const MAX: usize = 1 << 20;
        let mut v = Vec::new();
        self.data(size, &mut |b| {
            let room = MAX.saturating_sub(v.len()).min(b.len());
            v.extend_from_slice(&b[..room]);
            true
        })?;
        Ok(v)
    }

    /// The next member, or `None` at the end of the archive.
    fn next(&mut self) -> Result<Option<Member>, ReadStop> {
        let mut long_name: Option<String> = None;
        let mut long_link: Option<String> = None;
        let mut pax: HashMap<String, String> = HashMap::new();
        let mut buf = [0u8; BLOCK];
        let mut in_bad = false;
        let mut first: Option<u64> = None;
        loop {
            let start = self.offset;
            if !self.block(&mut buf)? {
                return Ok(None);
            }
            if buf.iter().all(|&b| b == 0) {
                if self.ignore_zeros {
                    continue;
                }
                self.last_header = start;
                if !self.seen {
                    // An archive of nothing but zeros is an empty archive.
                    self.seen = true;
                }
                return Ok(None);
            }
            let m = match decode_header(&buf) {
                Some(m) => m,
                None => {
                    if !self.seen {
                        eprintln!("tar: This does not look like a tar archive");
                        self.seen = true;
                        in_bad = true;
                        self.skipped = true;
                        continue;
                    }
                    if !in_bad {
                        eprintln!("tar: Skipping to next header");
                        in_bad = true;
                        self.skipped = true;
                    }
                    continue;
                }
            };
            if in_bad && self.seen && !self.skipped {
                self.skipped = true;
            }
            in_bad = false;
            self.seen = true;
            self.last_header = start;
            let first_start = *first.get_or_insert(start);
            self.member_start = first_start;
            match m.typeflag {
                b'L' => {
                    let data = self.read_all(m.size)?;
                    long_name = Some(cstr(&data));
                    continue;
                }
                b'K' => {
                    let data = self.read_all(m.size)?;
                    long_link = Some(cstr(&data));
                    continue;
                }
                b'x' | b'g' => {
                    let data = self.read_all(m.size)?;
                    let recs = parse_pax(&data);
                    if m.typeflag == b'g' {
                        self.global.extend(recs);
                    } else {
                        pax.extend(recs);
                    }
                    continue;
                }
                _ => {}
            }
            let mut m = m;
            for (k, v) in self.global.iter().chain(pax.iter()) {
                apply_pax(&mut m, k, v);
            }
            if let Some(n) = long_name {
                m.name = n;
            }
            if let Some(l) = long_link {
                m.linkname = l;
            }
            return Ok(Some(m));
        }
    }
}

fn parse_pax(data: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let sp = match rest.iter().position(|&b| b == b' ') {
            Some(p) => p,
            None => break,
        };
        let len: usize = match std::str::from_utf8(&rest[..sp]).ok().and_then(|s| s.parse().ok()) {
            Some(l) if l > sp && l <= rest.len() => l,
            _ => break,
        };
        let rec = &rest[sp + 1..len];
        let rec = rec.strip_suffix(b"\n").unwrap_or(rec);
        if let Some(eq) = rec.iter().position(|&b| b == b'=') {
            out.push((String::from_utf8_lossy(&rec[..eq]).into_owned(), String::from_utf8_lossy(&rec[eq + 1..]).into_owned()));
        }
        rest = &rest[len..];
    }
    out
}

fn apply_pax(m: &mut Member, k: &str, v: &str) {
    match k {
        "path" => m.name = v.to_string(),
        "linkpath" => m.linkname = v.to_string(),
        "size" => {
            if let Ok(s) = v.parse() {
                m.size = s;
            }
        }
        "uid" => {
            if let Ok(s) = v.parse() {
                m.uid = s;
            }
        }
        "gid" => {
            if let Ok(s) = v.parse() {
                m.gid = s;
            }
        }
        "uname" => m.uname = v.to_string(),
        "gname" => m.gname = v.to_string(),
        "mtime" => {
            let (s, f) = v.split_once('.').unwrap_or((v, ""));
            if let Ok(sec) = s.parse() {
                m.mtime = sec;
                let mut digits: String = f.chars().take(9).collect();
                while digits.len() < 9 {
                    digits.push('0');
                }
                m.mtime_nsec = digits.parse().unwrap_or(0);
            }
        }
        _ => {}
    }
}

/// Prints a read error of the archive stream, as GNU tar (or its gzip
/// child) would.
fn report_stream_error(e: &io::Error) {
    if let Some(g) = gz_error(e) {
        let msg = g.describe("stdin");
        // The decoder words it for the running program; this is gzip's.
        let msg = msg.replacen("tar: ", "gzip: ", 1);
        eprintln!("{}", msg);
        eprintln!("tar: Child returned status 1");
    } else {
        eprintln!("tar: Read error: {}", strerror(e));
    }
}

// ---------------------------------------------------------------------------
// Listing
// ---------------------------------------------------------------------------

/// GNU tar's "escape" quoting of names in listings and messages.
fn quote_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\{:03o}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn type_char(m: &Member) -> char {
    match m.typeflag {
        b'1' => 'h',
        b'2' => 'l',
        b'3' => 'c',
        b'4' => 'b',
        b'5' => 'd',
        b'6' => 'p',
        b'0' | 0 | b'7' if m.name.ends_with('/') => 'd',
        _ => '-',
    }
}

// ---------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------

/// A symlink, through wasi-libc (which resolves the path against the
/// preopen and the working directory as std does).
pub fn make_symlink(target: &str, path: &str) -> io::Result<()> {
    #[cfg(target_os = "wasi")]
    {
        extern "C" {
            fn symlink(target: *const u8, path: *const u8) -> i32;
        }
        let t = std::ffi::CString::new(target).map_err(|_| io::Error::from_raw_os_error(28))?;
        let p = std::ffi::CString::new(path).map_err(|_| io::Error::from_raw_os_error(28))?;
        // SAFETY: both are NUL-terminated strings alive for the call.
        let r = unsafe { symlink(t.as_ptr() as *const u8, p.as_ptr() as *const u8) };
        if r == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }
    #[cfg(not(target_os = "wasi"))]
    {
        std::os::unix::fs::symlink(target, path)
    }
}

/// A member name given on the command line, the directory -C chose for it
/// (GNU's -C is positional on extraction too), and whether it matched.
struct Wanted {
    name: String,
    dir: Option<std::path::PathBuf>,
    found: bool,
}

/// A directory whose mode and time are set once its contents are in.
struct DelayedDir {
    path: String,
    mode: u32,
    mtime: Option<Timespec>,
}

struct Tar {
    o: Opts,
    status: i32,
    names: Names,
    zone: Zone,
    /// GNU widens the owner/size column as it goes.
    ugswidth: usize,
    /// Prefixes already reported as removed.
    removed_prefixes: Vec<String>,
    /// Operand names and whether they matched (list/extract).
    wanted: Vec<Wanted>,
    /// Where members go when no operand names them (the last -C).
    default_dir: Option<std::path::PathBuf>,
    /// The directory extraction currently works in.
    cur_dir: Option<std::path::PathBuf>,
    delayed: Vec<DelayedDir>,
    umask: u32,
    out: wsutil::io::Out,
    /// The archive's (dev, ino) when it is a file (not to archive itself).
    archive_id: Option<(u64, u64)>,
    /// Hard links seen while creating: (dev, ino) → member name.
    links: HashMap<(u64, u64), String>,
    /// For --update: the newest mtime of each name already archived.
    existing: HashMap<String, i64>,
    /// Files to remove after archiving (--remove-files), directories last.
    to_remove: Vec<(String, bool)>,
    /// The archive being read is gzip-compressed.
    compressed: bool,
}

/// Writes blocks, padding the archive to whole records at the end.
struct Writer<'a> {
    w: Box<dyn Write + 'a>,
    written: u64,
    record: usize,
}

impl<'a> Writer<'a> {
    fn put(&mut self, b: &[u8]) -> io::Result<()> {
        self.w.write_all(b)?;
        self.written += b.len() as u64;
        Ok(())
    }

    fn pad_block(&mut self) -> io::Result<()> {
        let rem = (self.written % BLOCK as u64) as usize;
        if rem != 0 {
            self.put(&vec![0u8; BLOCK - rem])?;
        }
        Ok(())
    }

    /// The end-of-archive blocks and the record padding. `base` is where
    /// this writer started in the archive (for appends).
    fn finish(&mut self, base: u64) -> io::Result<()> {
        self.put(&[0u8; 2 * BLOCK])?;
        let total = base + self.written;
        let rem = (total % self.record as u64) as usize;
        if rem != 0 {
            self.put(&vec![0u8; self.record - rem])?;
        }
        self.w.flush()
    }
}

/// Error from writing the archive: GNU's message, then it gives up.
struct WriteFailed;

impl Tar {
    fn new(o: Opts) -> Self {
        let zone = if o.utc { Zone::utc() } else { Zone::from_env() };
        Tar {
            o,
            status: 0,
            names: Names::new(),
            zone,
            ugswidth: 18,
            removed_prefixes: Vec::new(),
            wanted: Vec::new(),
            default_dir: None,
            cur_dir: None,
            delayed: Vec::new(),
            umask: fsmeta::umask(),
            out: stdout(),
            archive_id: None,
            links: HashMap::new(),
            existing: HashMap::new(),
            to_remove: Vec::new(),
            compressed: false,
        }
    }

    fn flush_out(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// An error that does not stop tar: message now, status 2 at the end.
    fn error(&mut self, msg: &str) {
        let _ = self.out.flush();
        eprintln!("tar: {}", msg);
        self.status = 2;
    }

    fn warn(&mut self, msg: &str) {
        let _ = self.out.flush();
        eprintln!("tar: {}", msg);
    }

    /// "Error is not recoverable: exiting now" (status 2).
    fn fatal(&mut self, msg: &str) -> i32 {
        let _ = self.out.flush();
        if !msg.is_empty() {
            eprintln!("tar: {}", msg);
        }
        eprintln!("tar: Error is not recoverable: exiting now");
        2
    }

    fn finish_status(&mut self) -> i32 {
        let _ = self.out.flush();
        if self.status == 2 {
            eprintln!("tar: Exiting with failure status due to previous errors");
        }
        self.status
    }

    fn run(&mut self) -> i32 {
        match self.o.mode {
            Mode::Create => self.create(),
            Mode::List | Mode::Extract => self.read_archive(),
            Mode::Append | Mode::Update => self.append(),
            Mode::Delete => self.delete(),
        }
    }

    // --- names ---------------------------------------------------------------

    /// GNU's `safer_name_suffix`: drops leading '/' and anything up to a
    /// '..' component, saying so once per prefix.
    fn safer_name(&mut self, name: &str, is_link_target: bool) -> String {
        if self.o.absolute {
            return name.to_string();
        }
        let mut prefix_len = 0;
        let bytes = name.as_bytes();
        let mut i = 0;
        // Components ending in "..".
        while i < bytes.len() {
            let start = i;
            while i < bytes.len() && bytes[i] != b'/' {
                i += 1;
            }
            let comp = &name[start..i];
            while i < bytes.len() && bytes[i] == b'/' {
                i += 1;
            }
            if comp == ".." {
                prefix_len = i;
            }
        }
        // Leading slashes.
        let lead = bytes[prefix_len..].iter().take_while(|&&b| b == b'/').count();
        prefix_len += lead;
        if prefix_len == 0 {
            return name.to_string();
        }
        let prefix = name[..prefix_len].to_string();
        let rest = &name[prefix_len..];
        if !self.removed_prefixes.contains(&prefix) {
            self.removed_prefixes.push(prefix.clone());
            let what = if is_link_target { "hard link targets" } else { "member names" };
            self.warn(&format!("Removing leading `{}' from {}", prefix, what));
        }
        if rest.is_empty() {
            ".".to_string()
        } else {
            rest.to_string()
        }
    }

    fn excluded(&self, name: &str) -> bool {
        let name = name.trim_end_matches('/');
        if name.is_empty() {
            return false;
        }
        let anchored = self.o.anchored.unwrap_or(false);
        let wild = self.o.wildcards.unwrap_or(true);
        self.o.excludes.iter().any(|p| {
            let p = p.trim_end_matches('/');
            let try_at = |s: &str| match_pattern(p, s, wild, self.o.ignore_case);
            if try_at(name) {
                return true;
            }
            if anchored {
                return false;
            }
            name.match_indices('/').any(|(i, _)| try_at(&name[i + 1..]))
        })
    }

    /// Whether a member is selected by the operands (all when none), and
    /// the directory to extract it in.
    fn selected(&mut self, name: &str) -> Option<Option<std::path::PathBuf>> {
        if self.wanted.is_empty() {
            return Some(self.default_dir.clone());
        }
        let n = name.trim_end_matches('/');
        let wild = self.o.wildcards.unwrap_or(false);
        let anchored = self.o.anchored.unwrap_or(true);
        let ic = self.o.ignore_case;
        for want in self.wanted.iter_mut() {
            let w2 = want.name.trim_end_matches('/');
            let pattern = wild && has_wildcards(w2);
            let m = |s: &str| {
                if pattern {
                    return match_pattern(w2, s, true, ic);
                }
                let (a, b) = if ic { (s.to_lowercase(), w2.to_lowercase()) } else { (s.to_string(), w2.to_string()) };
                a == b || (a.starts_with(&b) && a.as_bytes().get(b.len()) == Some(&b'/')) || b.is_empty()
            };
            // Unanchored, a name may match from any component on.
            let hit = m(n) || (!anchored && n.match_indices('/').any(|(i, _)| m(&n[i + 1..])));
            if hit {
                want.found = true;
                return Some(want.dir.clone());
            }
        }
        None
    }

    fn report_not_found(&mut self) {
        let missing: Vec<String> = self.wanted.iter().filter(|w| !w.found).map(|w| w.name.clone()).collect();
        if missing.is_empty() {
            return;
        }
        if self.o.wildcards.is_none() && missing.iter().any(|w| has_wildcards(w)) {
            self.warn("Pattern matching characters used in file names");
            self.warn("Use --wildcards to enable pattern matching, or --no-wildcards to suppress this warning");
        }
        for w in missing {
            self.error(&format!("{}: Not found in archive", quote_name(&w)));
        }
    }

    /// --strip-components: `None` when the name has too few components.
    fn strip(&self, name: &str) -> Option<String> {
        if self.o.strip == 0 {
            return Some(name.to_string());
        }
        let mut rest = name;
        for _ in 0..self.o.strip {
            let t = rest.trim_start_matches('/');
            match t.find('/') {
                Some(i) => rest = &t[i + 1..],
                None => return None,
            }
        }
        let r = rest.trim_start_matches('/');
        if r.is_empty() {
            None
        } else {
            Some(r.to_string())
        }
    }

    fn transform(&self, name: &str) -> String {
        let mut s = name.to_string();
        for t in &self.o.transforms {
            s = apply_transform(t, &s);
        }
        s
    }

    // --- verbose lines --------------------------------------------------------

    fn long_line(&mut self, m: &Member, shown_name: &str) -> String {
        let mode = format!("{}{}", type_char(m), fsmeta::perm_string(m.mode));
        let user = if m.uname.is_empty() || self.o.numeric_owner { m.uid.to_string() } else { m.uname.clone() };
        let group = if m.gname.is_empty() || self.o.numeric_owner { m.gid.to_string() } else { m.gname.clone() };
        let size = match m.typeflag {
            b'3' | b'4' => format!("{},{}", m.devmajor, m.devminor),
            _ => m.size.to_string(),
        };
        let pad = user.len() + 1 + group.len() + size.len();
        if pad > self.ugswidth {
            self.ugswidth = pad;
        }
        let tm = datetime::localtime(Timespec::new(m.mtime, m.mtime_nsec), &self.zone);
        let date = if self.o.full_time {
            format!("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", tm.year, tm.month, tm.mday, tm.hour, tm.min, tm.sec)
        } else {
            format!("{:04}-{:02}-{:02} {:02}:{:02}", tm.year, tm.month, tm.mday, tm.hour, tm.min)
        };
        let mut line = format!(
            "{} {}/{} {:>width$} {} {}",
            mode,
            user,
            group,
            size,
            date,
            quote_name(shown_name),
            width = self.ugswidth - pad + size.len()
        );
        match m.typeflag {
            b'2' => line.push_str(&format!(" -> {}", quote_name(&m.linkname))),
            b'1' => line.push_str(&format!(" link to {}", quote_name(&m.linkname))),
            _ => {}
        }
        line
    }

    // --- list and extract -----------------------------------------------------

    fn open_read(&mut self) -> Result<Box<dyn Read>, i32> {
        if self.o.archive == "-" {
            let mut fd = RawFd::new(0);
            if self.o.gzip {
                self.compressed = true;
                return Ok(Box::new(GzDecoder::new(fd)));
            }
            // GNU refuses a compressed standard input without -z.
            let mut head = [0u8; 2];
            let n = wsutil::io::read_full(&mut fd, &mut head).unwrap_or(0);
            if n == 2 && head == [0x1f, 0x8b] {
                return Err(self.fatal("Archive is compressed. Use -z option"));
            }
            return Ok(Box::new(io::Cursor::new(head[..n].to_vec()).chain(fd)));
        }
        let mut f = match File::open(&self.o.archive) {
            Ok(f) => f,
            Err(e) => {
                let msg = format!("{}: Cannot open: {}", quote_name(&self.o.archive), strerror(&e));
                return Err(self.fatal(&msg));
            }
        };
        if let Ok(m) = f.metadata() {
            if m.is_dir() {
                let msg = format!("{}: Cannot read: Is a directory", quote_name(&self.o.archive));
                self.warn(&msg);
                return Err(self.fatal("At beginning of tape, quitting now"));
            }
        }
        let mut head = [0u8; 2];
        let n = wsutil::io::read_full(&mut f, &mut head).unwrap_or(0);
        let _ = f.seek(SeekFrom::Start(0));
        if self.o.gzip || (n == 2 && head == [0x1f, 0x8b]) {
            self.compressed = true;
            return Ok(Box::new(GzDecoder::new(io::BufReader::with_capacity(64 * 1024, f))));
        }
        Ok(Box::new(io::BufReader::with_capacity(64 * 1024, f)))
    }

    fn read_archive(&mut self) -> i32 {
        let input = match self.open_read() {
            Ok(r) => r,
            Err(code) => return code,
        };
        // Resolve the -C chain: each name gets the directory in force
        // where it appears on the command line.
        let start = std::env::current_dir().ok();
        let mut dir: Option<std::path::PathBuf> = None;
        let mut wanted = Vec::new();
        for a in self.o.args.clone() {
            match a {
                Arg::Dir(d) => {
                    if let Err(e) = std::env::set_current_dir(&d) {
                        return self.fatal(&format!("{}: Cannot open: {}", quote_name(&d), strerror(&e)));
                    }
                    dir = std::env::current_dir().ok();
                }
                Arg::Name(n) if !n.is_empty() => wanted.push(Wanted { name: n, dir: dir.clone(), found: false }),
                _ => {}
            }
        }
        if let Some(s) = &start {
            let _ = std::env::set_current_dir(s);
        }
        self.wanted = wanted;
        self.default_dir = dir;
        self.cur_dir = start;
        let mut reader = Reader::new(input, self.o.ignore_zeros, !self.compressed);
        let r = self.read_loop(&mut reader);
        if reader.skipped {
            self.status = 2;
        }
        self.restore_dirs();
        match r {
            Ok(()) => {}
            Err(ReadStop::Eof) => {
                let _ = self.out.flush();
                eprintln!("tar: Unexpected EOF in archive");
                return self.fatal("");
            }
            Err(ReadStop::Fatal) => return self.fatal(""),
        }
        self.report_not_found();
        self.finish_status()
    }

    fn read_loop(&mut self, reader: &mut Reader) -> Result<(), ReadStop> {
        while let Some(m) = reader.next()? {
            let stored = m.name.clone();
            let safe = self.safer_name(&stored, false);
            let chosen = if self.excluded(&stored) { None } else { self.selected(&stored) };
            let dir = match chosen {
                Some(d) => d,
                None => {
                    reader.skip(if m.has_data() { m.size } else { 0 })?;
                    continue;
                }
            };
            if self.o.mode == Mode::Extract && dir.is_some() && dir != self.cur_dir {
                if let Some(d) = &dir {
                    let _ = std::env::set_current_dir(d);
                }
                self.cur_dir = dir;
            }
            match self.o.mode {
                Mode::List => {
                    self.list_member(&m, &stored);
                    reader.skip(if m.has_data() { m.size } else { 0 })?;
                }
                _ => self.extract_member(reader, m, &stored, &safe)?,
            }
        }
        Ok(())
    }

    fn list_member(&mut self, m: &Member, stored: &str) {
        let shown = if self.o.show_transformed { self.transform(stored) } else { stored.to_string() };
        if self.o.verbose > 0 {
            let line = self.long_line(m, &shown);
            let _ = writeln!(self.out, "{}", line);
        } else {
            let _ = writeln!(self.out, "{}", quote_name(&shown));
        }
    }

    /// Verbose lines on extraction go to stdout, or stderr with -O.
    fn verbose_extract(&mut self, m: &Member, stored: &str) {
        if self.o.verbose == 0 {
            return;
        }
        let line = if self.o.verbose > 1 { self.long_line(m, stored) } else { quote_name(stored) };
        if self.o.to_stdout {
            let _ = self.out.flush();
            eprintln!("{}", line);
        } else {
            let _ = writeln!(self.out, "{}", line);
        }
    }

    fn extract_member(&mut self, reader: &mut Reader, m: Member, stored: &str, safe: &str) -> Result<(), ReadStop> {
        let data_len = if m.has_data() { m.size } else { 0 };
        let name = match self.strip(safe) {
            Some(n) => self.transform(&n),
            None => return reader.skip(data_len),
        };
        if has_dotdot(stored) && !self.o.absolute {
            self.error(&format!("{}: Member name contains '..'", quote_name(stored)));
            return reader.skip(data_len);
        }
        self.verbose_extract(&m, stored);
        if self.o.to_stdout {
            if m.has_data() && !m.is_dir() {
                let mut out = std::mem::replace(&mut self.out, stdout());
                let r = reader.data(m.size, &mut |b| out.write_all(b).is_ok());
                self.out = out;
                return r;
            }
            return reader.skip(data_len);
        }
        if name == "." || name.is_empty() {
            return reader.skip(data_len);
        }
        let path = name.trim_end_matches('/').to_string();
        if m.is_dir() {
            self.extract_dir(&path, &m);
            return reader.skip(data_len);
        }
        match m.typeflag {
            b'2' => {
                if self.prepare_path(&path, &m) {
                    let mut r = make_symlink(&m.linkname, &path);
                    if matches!(&r, Err(e) if e.raw_os_error() == Some(44)) {
                        self.make_parents(&path);
                        r = make_symlink(&m.linkname, &path);
                    }
                    match r {
                        Ok(()) => {
                            if !self.o.touch {
                                let t = Timespec::new(m.mtime, m.mtime_nsec);
                                let _ = fsmeta::set_times(&path, false, SetTime::Omit, SetTime::At(t));
                            }
                        }
                        Err(e) => {
                            let msg = format!(
                                "{}: Cannot create symlink to {}: {}",
                                quote_name(&path),
                                wsutil::quote_locale(&m.linkname),
                                strerror(&e)
                            );
                            self.error(&msg);
                        }
                    }
                }
                reader.skip(data_len)
            }
            b'1' => {
                let target0 = self.safer_name(&m.linkname, true);
                let target = match self.strip(&target0) {
                    Some(t) => self.transform(&t),
                    None => target0,
                };
                if self.prepare_path(&path, &m) {
                    let mut r = fs::hard_link(&target, &path);
                    if matches!(&r, Err(e) if e.raw_os_error() == Some(44)) {
                        self.make_parents(&path);
                        r = fs::hard_link(&target, &path);
                    }
                    if let Err(e) = r {
                        let msg = format!(
                            "{}: Cannot hard link to {}: {}",
                            quote_name(&path),
                            wsutil::quote_locale(&target),
                            strerror(&e)
                        );
                        self.error(&msg);
                    }
                }
                reader.skip(data_len)
            }
            b'3' | b'4' | b'6' => {
                let what = match m.typeflag {
                    b'6' => "fifo",
                    _ => "device",
                };
                let msg = format!("{}: Cannot mknod: Operation not permitted", quote_name(&path));
                let _ = what;
                self.error(&msg);
                reader.skip(data_len)
            }
            _ => self.extract_file(reader, &path, &m),
        }
    }

    /// Deals with an existing file at `path` per -k/--skip-old-files/...;
    /// returns whether to go on creating it.
    fn prepare_path(&mut self, path: &str, m: &Member) -> bool {
        let st = match fsmeta::stat(path, false) {
            Ok(st) => st,
            Err(_) => return true,
        };
        match self.o.old_files {
            OldFiles::Skip => false,
            OldFiles::Keep => {
                let msg = match m.typeflag {
                    b'2' => format!(
                        "{}: Cannot create symlink to {}: File exists",
                        quote_name(path),
                        wsutil::quote_locale(&m.linkname)
                    ),
                    b'1' => format!(
                        "{}: Cannot hard link to {}: File exists",
                        quote_name(path),
                        wsutil::quote_locale(&m.linkname)
                    ),
                    _ => format!("{}: Cannot open: File exists", quote_name(path)),
                };
                self.error(&msg);
                false
            }
            OldFiles::KeepNewer if st.mtime.sec >= m.mtime && !st.is_dir() => {
                self.warn(&format!("Current {} is newer or same age", wsutil::quote_locale(path)));
                false
            }
            OldFiles::Overwrite if st.is_reg() && m.typeflag != b'1' && m.typeflag != b'2' => true,
            _ => {
                if st.is_dir() {
                    if fs::remove_dir(path).is_err() {
                        let msg = format!("{}: Cannot open: Is a directory", quote_name(path));
                        self.error(&msg);
                        return false;
                    }
                } else if fs::remove_file(path).is_err() {
                    // GNU reports the creation that failed, not the removal.
                    let msg = match m.typeflag {
                        b'2' => format!(
                            "{}: Cannot create symlink to {}: File exists",
                            quote_name(path),
                            wsutil::quote_locale(&m.linkname)
                        ),
                        b'1' => format!(
                            "{}: Cannot hard link to {}: File exists",
                            quote_name(path),
                            wsutil::quote_locale(&m.linkname)
                        ),
                        _ => format!("{}: Cannot open: File exists", quote_name(path)),
                    };
                    self.error(&msg);
                    return false;
                }
                true
            }
        }
    }

    fn extract_dir(&mut self, path: &str, m: &Member) {
        match fsmeta::stat(path, true) {
            Ok(st) if st.is_dir() => {}
            Ok(_) => {
                if self.o.old_files == OldFiles::Keep || self.o.old_files == OldFiles::Skip {
                    if self.o.old_files == OldFiles::Keep {
                        let msg = format!("{}: Cannot mkdir: File exists", quote_name(path));
                        self.error(&msg);
                    }
                    return;
                }
                let _ = fs::remove_file(path);
                if let Err(e) = fs::create_dir(path) {
                    let msg = format!("{}: Cannot mkdir: {}", quote_name(path), strerror(&e));
                    self.error(&msg);
                    return;
                }
            }
            Err(_) => {
                let mut r = fs::create_dir(path);
                if matches!(&r, Err(e) if e.raw_os_error() == Some(44)) {
                    self.make_parents(path);
                    r = fs::create_dir(path);
                }
                if let Err(e) = r {
                    let msg = format!("{}: Cannot mkdir: {}", quote_name(path), strerror(&e));
                    self.error(&msg);
                    return;
                }
            }
        }
        let mode = if self.o.preserve_perms { m.mode & 0o7777 } else { m.mode & 0o7777 & !self.umask };
        // Keep the directory writable until its contents are in.
        let _ = fsmeta::chmod(path, mode | 0o700);
        let mtime = if self.o.touch { None } else { Some(Timespec::new(m.mtime, m.mtime_nsec)) };
        let abs = match std::env::current_dir() {
            Ok(c) => c.join(path).to_string_lossy().into_owned(),
            Err(_) => path.to_string(),
        };
        self.delayed.push(DelayedDir { path: abs, mode, mtime });
    }

    /// Makes the missing directories above `path`; with -vv GNU says so,
    /// one line each.
    fn make_parents(&mut self, path: &str) {
        let mut at = 0;
        let bytes = path.as_bytes();
        while let Some(i) = bytes[at..].iter().position(|&b| b == b'/') {
            let end = at + i;
            at = end + 1;
            if end == 0 {
                continue;
            }
            let dir = &path[..end];
            if fsmeta::stat(dir, true).is_ok() {
                continue;
            }
            if fs::create_dir(dir).is_ok() && self.o.verbose > 1 {
                let mode = format!("d{}", fsmeta::perm_string(0o777 & !self.umask));
                let line = format!("{} {:>36} {}", mode, "Creating directory:", quote_name(dir));
                if self.o.to_stdout {
                    let _ = self.out.flush();
                    eprintln!("{}", line);
                } else {
                    let _ = writeln!(self.out, "{}", line);
                }
            }
        }
    }

    fn restore_dirs(&mut self) {
        for d in std::mem::take(&mut self.delayed).into_iter().rev() {
            let _ = fsmeta::chmod(&d.path, d.mode);
            if let Some(t) = d.mtime {
                let _ = fsmeta::set_times(&d.path, true, SetTime::Omit, SetTime::At(t));
            }
        }
    }

    fn extract_file(&mut self, reader: &mut Reader, path: &str, m: &Member) -> Result<(), ReadStop> {
        if !self.prepare_path(path, m) {
            return reader.skip(m.size);
        }
        let open = |p: &str, trunc: bool| {
            let mut oo = OpenOptions::new();
            oo.write(true);
            if trunc {
                oo.create(true).truncate(true);
            } else {
                oo.create_new(true);
            }
            oo.open(p)
        };
        let trunc = self.o.old_files == OldFiles::Overwrite;
        let mut f = open(path, trunc);
        if matches!(&f, Err(e) if e.raw_os_error() == Some(44)) {
            self.make_parents(path);
            f = open(path, trunc);
        }
        let f = match f {
            Ok(f) => f,
            Err(e) => {
                let msg = format!("{}: Cannot open: {}", quote_name(path), strerror(&e));
                self.error(&msg);
                return reader.skip(m.size);
            }
        };
        let mut w = io::BufWriter::with_capacity(64 * 1024, f);
        let mut werr: Option<io::Error> = None;
        reader.data(m.size, &mut |b| match w.write_all(b) {
            Ok(()) => true,
            Err(e) => {
                werr = Some(e);
                false
            }
        })?;
        if werr.is_none() {
            if let Err(e) = w.flush() {
                werr = Some(e);
            }
        }
        drop(w);
        if let Some(e) = werr {
            let msg = format!("{}: Cannot write: {}", quote_name(path), strerror(&e));
            self.error(&msg);
        }
        let mode = if self.o.preserve_perms { m.mode & 0o7777 } else { m.mode & 0o7777 & !self.umask };
        let _ = fsmeta::chmod(path, mode);
        if !self.o.touch {
            let t = Timespec::new(m.mtime, m.mtime_nsec);
            let _ = fsmeta::set_times(path, false, SetTime::Omit, SetTime::At(t));
        }
        Ok(())
    }

    // --- create ---------------------------------------------------------------

    fn open_write(&mut self, append: bool) -> Result<Box<dyn Write>, i32> {
        if self.o.archive == "-" {
            let out = RawFd::new(1);
            let b: Box<dyn Write> = Box::new(io::BufWriter::with_capacity(64 * 1024, out));
            return Ok(b);
        }
        let f = if append {
            OpenOptions::new().read(true).write(true).open(&self.o.archive)
        } else {
            OpenOptions::new().write(true).create(true).truncate(true).open(&self.o.archive)
        };
        match f {
            Ok(f) => {
                if let Ok(st) = fsmeta::stat(&self.o.archive, true) {
                    self.archive_id = Some((st.dev, st.ino));
                }
                Ok(Box::new(io::BufWriter::with_capacity(64 * 1024, f)))
            }
            Err(e) => {
                let msg = format!("{}: Cannot open: {}", quote_name(&self.o.archive), strerror(&e));
                Err(self.fatal(&msg))
            }
        }
    }

    fn create(&mut self) -> i32 {
        self.check_trailing_options();
        let sink = match self.open_write(false) {
            Ok(s) => s,
            Err(code) => return code,
        };
        let sink: Box<dyn Write> = if self.o.gzip {
            match GzEncoder::new(sink, 6, None, 0) {
                Ok(enc) => Box::new(GzFinisher(Some(enc))),
                Err(_) => return self.fatal("write error"),
            }
        } else {
            sink
        };
        let mut w = Writer { w: sink, written: 0, record: self.o.record };
        let r = self.add_operands(&mut w);
        let r = r.and_then(|_| w.finish(0).map_err(|e| self.write_failed(&e)));
        drop(w);
        if r.is_err() {
            return 2;
        }
        self.remove_archived();
        self.finish_status()
    }

    fn write_failed(&mut self, e: &io::Error) -> WriteFailed {
        let _ = self.out.flush();
        eprintln!("tar: {}: Cannot write: {}", quote_name(&self.o.archive), strerror(e));
        eprintln!("tar: Error is not recoverable: exiting now");
        WriteFailed
    }

    /// GNU's complaint about positional options after the last operand
    /// of -c (they affect nothing).
    fn check_trailing_options(&mut self) {
        if self.o.mode != Mode::Create {
            return;
        }
        let last = self.o.args.iter().rposition(|a| matches!(a, Arg::Name(_)));
        let after: Vec<String> = self.o.args[last.map_or(0, |i| i + 1)..]
            .iter()
            .filter_map(|a| match a {
                Arg::Dir(d) => Some(format!("-C {}", wsutil::quote_locale(d))),
                Arg::Exclude(_, label) => Some(label.clone()),
                Arg::Recursion(true) => Some("--recursion".to_string()),
                Arg::Recursion(false) => Some("--no-recursion".to_string()),
                Arg::Name(_) => None,
            })
            .collect();
        if after.is_empty() {
            return;
        }
        self.error("The following options were used after any non-optional arguments in archive create or update mode.  These options are positional and affect only arguments that follow them.  Please, rearrange them properly.");
        for a in after {
            self.error(&format!("{} has no effect", a));
        }
    }

    fn add_operands(&mut self, w: &mut Writer) -> Result<(), WriteFailed> {
        let start = std::env::current_dir().ok();
        let args = self.o.args.clone();
        // Exclusions and recursion apply to the operands after them.
        self.o.excludes.clear();
        self.o.recursion = true;
        for a in args {
            match a {
                Arg::Dir(d) => {
                    if let Err(e) = std::env::set_current_dir(&d) {
                        let _ = self.out.flush();
                        eprintln!("tar: {}: Cannot open: {}", quote_name(&d), strerror(&e));
                        eprintln!("tar: Error is not recoverable: exiting now");
                        std::process::exit(2);
                    }
                }
                Arg::Exclude(list, _) => self.o.excludes.extend(list),
                Arg::Recursion(r) => self.o.recursion = r,
                Arg::Name(name) if !name.is_empty() => self.add_path(w, &name, true)?,
                Arg::Name(_) => {}
            }
        }
        if let Some(s) = start {
            let _ = std::env::set_current_dir(s);
        }
        Ok(())
    }

    /// Member name for a path given on the command line or found below one.
    fn member_name(&mut self, path: &str) -> String {
        let safe = self.safer_name(path, false);
        self.transform(&safe)
    }

    fn add_path(&mut self, w: &mut Writer, path: &str, top: bool) -> Result<(), WriteFailed> {
        if self.excluded(path) {
            return Ok(());
        }
        let follow = self.o.dereference;
        let st = match fsmeta::stat(path, follow) {
            Ok(st) => st,
            Err(e) => {
                let msg = format!("{}: Cannot stat: {}", quote_name(path), strerror(&e));
                self.error(&msg);
                return Ok(());
            }
        };
        if let Some(id) = self.archive_id {
            if (st.dev, st.ino) == id && st.is_reg() {
                self.warn(&format!("{}: file is the archive; not dumped", quote_name(path)));
                return Ok(());
            }
        }
        let _ = top;
        let mut name = self.member_name(path);
        if st.is_dir() && !name.ends_with('/') {
            name.push('/');
        }
        if self.o.mode == Mode::Update && !st.is_dir() {
            if let Some(&t) = self.existing.get(name.trim_end_matches('/')) {
                if st.mtime.sec <= t {
                    return Ok(());
                }
            }
        }
        let mut m = self.member_from_stat(&st, &name);
        match st.file_type() {
            fsmeta::S_IFDIR => {
                m.typeflag = b'5';
                m.size = 0;
                if !self.write_member(w, &m, path)? {
                    return Ok(());
                }
                if self.o.recursion {
                    let mut entries: Vec<String> = match fs::read_dir(path) {
                        Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect(),
                        Err(e) => {
                            let msg = format!("{}: Cannot open: {}", quote_name(path), strerror(&e));
                            self.error(&msg);
                            return Ok(());
                        }
                    };
                    entries.sort();
                    for e in entries {
                        let child = if path.ends_with('/') { format!("{}{}", path, e) } else { format!("{}/{}", path, e) };
                        self.add_path(w, &child, false)?;
                    }
                }
                if self.o.remove_files {
                    self.to_remove.push((path.to_string(), true));
                }
                Ok(())
            }
            fsmeta::S_IFLNK => {
                m.typeflag = b'2';
                m.size = 0;
                m.linkname = match fs::read_link(path) {
                    Ok(t) => t.to_string_lossy().into_owned(),
                    Err(e) => {
                        let msg = format!("{}: Cannot readlink: {}", quote_name(path), strerror(&e));
                        self.error(&msg);
                        return Ok(());
                    }
                };
                if self.write_member(w, &m, path)? && self.o.remove_files {
                    self.to_remove.push((path.to_string(), false));
                }
                Ok(())
            }
            fsmeta::S_IFREG => {
                if st.nlink > 1 && !self.o.hard_deref {
                    let id = (st.dev, st.ino);
                    if let Some(first) = self.links.get(&id).cloned() {
                        m.typeflag = b'1';
                        m.size = 0;
                        m.linkname = first;
                        if self.write_member(w, &m, path)? && self.o.remove_files {
                            self.to_remove.push((path.to_string(), false));
                        }
                        return Ok(());
                    }
                    self.links.insert(id, name.clone());
                }
                m.typeflag = b'0';
                let file = match File::open(path) {
                    Ok(f) => f,
                    Err(e) => {
                        let msg = format!("{}: Cannot open: {}", quote_name(path), strerror(&e));
                        self.error(&msg);
                        return Ok(());
                    }
                };
                if !self.write_member(w, &m, path)? {
                    return Ok(());
                }
                self.copy_data(w, file, path, m.size)?;
                if self.o.remove_files {
                    self.to_remove.push((path.to_string(), false));
                }
                Ok(())
            }
            fsmeta::S_IFSOCK => {
                self.warn(&format!("{}: socket ignored", quote_name(path)));
                Ok(())
            }
            _ => {
                m.typeflag = match st.file_type() {
                    fsmeta::S_IFCHR => b'3',
                    fsmeta::S_IFBLK => b'4',
                    _ => b'6',
                };
                m.size = 0;
                self.write_member(w, &m, path)?;
                Ok(())
            }
        }
    }

    fn member_from_stat(&mut self, st: &FileStat, name: &str) -> Member {
        let (uname, uid) = match &self.o.owner {
            Some((n, id)) => {
                let uid = id.or_else(|| n.parse().ok()).or_else(|| self.names.uid_of(n).map(|u| u as u64)).unwrap_or(st.uid as u64);
                let uname = if n.chars().all(|c| c.is_ascii_digit()) && id.is_none() {
                    self.names.user(uid as u32).unwrap_or("").to_string()
                } else {
                    n.trim_start_matches('+').to_string()
                };
                (uname, uid)
            }
            None => (self.names.user(st.uid).unwrap_or("").to_string(), st.uid as u64),
        };
        let (gname, gid) = match &self.o.group {
            Some((n, id)) => {
                let gid = id.or_else(|| n.parse().ok()).or_else(|| self.names.gid_of(n).map(|u| u as u64)).unwrap_or(st.gid as u64);
                let gname = if n.chars().all(|c| c.is_ascii_digit()) && id.is_none() {
                    self.names.group(gid as u32).unwrap_or("").to_string()
                } else {
                    n.trim_start_matches('+').to_string()
                };
                (gname, gid)
            }
            None => (self.names.group(st.gid).unwrap_or("").to_string(), st.gid as u64),
        };
        let mut mtime = st.mtime.sec;
        if let Some(t) = self.o.mtime {
            if !self.o.clamp_mtime || mtime > t {
                mtime = t;
            }
        }
        Member {
            name: name.to_string(),
            linkname: String::new(),
            typeflag: b'0',
            mode: st.mode & 0o7777,
            uid,
            gid,
            uname: if self.o.numeric_owner { String::new() } else { uname },
            gname: if self.o.numeric_owner { String::new() } else { gname },
            size: st.size,
            mtime,
            mtime_nsec: if self.o.mtime.is_some() { 0 } else { st.mtime.nsec },
            devmajor: 0,
            devminor: 0,
        }
    }

    /// Writes the header (and long-name records) of `m`; false when the
    /// format cannot hold it (reported).
    fn write_member(&mut self, w: &mut Writer, m: &Member, path: &str) -> Result<bool, WriteFailed> {
        let fmt = self.o.format;
        let mut blocks: Vec<u8> = Vec::new();
        match fmt {
            Format::Gnu | Format::OldGnu => {
                if m.linkname.len() > 100 {
                    blocks.extend(long_record(b'K', &m.linkname));
                }
                if m.name.len() > 100 {
                    blocks.extend(long_record(b'L', &m.name));
                }
            }
            Format::Ustar | Format::V7 => {
                let fits = if fmt == Format::V7 { m.name.len() <= 99 } else { ustar_fits(&m.name) };
                if !fits {
                    let msg = if fmt == Format::V7 || m.name.len() > 256 {
                        format!("{}: file name is too long (max {}); not dumped", quote_name(&m.name), if fmt == Format::V7 { 99 } else { 256 })
                    } else {
                        format!("{}: file name is too long (cannot be split); not dumped", quote_name(&m.name))
                    };
                    self.error(&msg);
                    return Ok(false);
                }
                if m.linkname.len() > 100 {
                    // GNU says so, yet writes the member with the link cut.
                    let msg = format!("{}: link name is too long; not dumped", quote_name(&m.linkname));
                    self.error(&msg);
                }
                if m.uid > 0o7777777 || m.gid > 0o7777777 || m.size > 0o77777777777 {
                    let msg = format!("{}: value out of range; not dumped", quote_name(path));
                    self.error(&msg);
                    return Ok(false);
                }
            }
            Format::Pax => {
                let mut recs = String::new();
                if !ustar_fits(&m.name) {
                    recs.push_str(&pax_record("path", &m.name));
                }
                if m.linkname.len() > 100 {
                    recs.push_str(&pax_record("linkpath", &m.linkname));
                }
                if m.mtime_nsec != 0 {
                    recs.push_str(&pax_record("mtime", &pax_time(Timespec::new(m.mtime, m.mtime_nsec))));
                }
                if let Ok(st) = fsmeta::stat(path, self.o.dereference) {
                    recs.push_str(&pax_record("atime", &pax_time(st.atime)));
                    recs.push_str(&pax_record("ctime", &pax_time(st.ctime)));
                }
                if m.size > 0o77777777777 {
                    recs.push_str(&pax_record("size", &m.size.to_string()));
                }
                if !recs.is_empty() {
                    let base = m.name.trim_end_matches('/');
                    let (dir, file) = match base.rfind('/') {
                        Some(i) => (&base[..i], &base[i + 1..]),
                        None => (".", base),
                    };
                    let mut xname = format!("{}/PaxHeaders/{}", dir, file);
                    if xname.len() > 100 {
                        xname.truncate(100);
                    }
                    let xm = Member {
                        name: xname,
                        typeflag: b'x',
                        mode: 0o644,
                        size: recs.len() as u64,
                        mtime: m.mtime,
                        ..Member::default()
                    };
                    blocks.extend_from_slice(&encode_header(&xm, Format::Ustar));
                    blocks.extend_from_slice(recs.as_bytes());
                    let rem = blocks.len() % BLOCK;
                    if rem != 0 {
                        blocks.extend(std::iter::repeat(0).take(BLOCK - rem));
                    }
                }
            }
        }
        let mut hm = m.clone();
        if matches!(fmt, Format::Pax) && !ustar_fits(&hm.name) {
            hm.name = truncate_utf8(&hm.name, 100);
        }
        if matches!(fmt, Format::Pax) && hm.linkname.len() > 100 {
            hm.linkname = truncate_utf8(&hm.linkname, 100);
        }
        if matches!(fmt, Format::Gnu | Format::OldGnu) {
            hm.name = truncate_utf8(&hm.name, 100);
        }
        hm.linkname = truncate_utf8(&hm.linkname, 100);
        if fmt == Format::V7 {
            hm.uname.clear();
            hm.gname.clear();
        }
        blocks.extend_from_slice(&encode_header(&hm, fmt));
        if let Err(e) = w.put(&blocks) {
            return Err(self.write_failed(&e));
        }
        self.verbose_create(m);
        Ok(true)
    }

    fn verbose_create(&mut self, m: &Member) {
        if self.o.verbose == 0 {
            return;
        }
        let line = if self.o.verbose > 1 { self.long_line(m, &m.name) } else { quote_name(&m.name) };
        if self.o.archive == "-" {
            let _ = self.out.flush();
            eprintln!("{}", line);
        } else {
            let _ = writeln!(self.out, "{}", line);
        }
    }

    fn copy_data(&mut self, w: &mut Writer, mut f: File, path: &str, size: u64) -> Result<(), WriteFailed> {
        let mut buf = vec![0u8; 64 * 1024];
        let mut left = size;
        while left > 0 {
            let want = (left as usize).min(buf.len());
            let n = match f.read(&mut buf[..want]) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let msg = format!("{}: Read error: {}", quote_name(path), strerror(&e));
                    self.error(&msg);
                    break;
                }
            };
            if let Err(e) = w.put(&buf[..n]) {
                return Err(self.write_failed(&e));
            }
            left -= n as u64;
        }
        if left > 0 {
            let msg = format!(
                "{}: File shrank by {} byte{}; padding with zeros",
                quote_name(path),
                left,
                if left == 1 { "" } else { "s" }
            );
            self.error(&msg);
            let zeros = vec![0u8; 64 * 1024];
            while left > 0 {
                let n = (left as usize).min(zeros.len());
                if let Err(e) = w.put(&zeros[..n]) {
                    return Err(self.write_failed(&e));
                }
                left -= n as u64;
            }
        }
        w.pad_block().map_err(|e| self.write_failed(&e))
    }

    fn remove_archived(&mut self) {
        if !self.o.remove_files || self.status != 0 {
            return;
        }
        for (p, dir) in std::mem::take(&mut self.to_remove) {
            let r = if dir { fs::remove_dir(&p) } else { fs::remove_file(&p) };
            if let Err(e) = r {
                let msg = format!("{}: Cannot {}: {}", quote_name(&p), if dir { "rmdir" } else { "unlink" }, strerror(&e));
                self.error(&msg);
            }
        }
    }

    // --- append and update ----------------------------------------------------

    fn append(&mut self) -> i32 {
        // Find where the existing archive ends (its first zero block).
        let end = match File::open(&self.o.archive) {
            Ok(f) => {
                let mut head = [0u8; 2];
                let mut f2 = f;
                let n = wsutil::io::read_full(&mut f2, &mut head).unwrap_or(0);
                if n == 2 && head == [0x1f, 0x8b] {
                    return self.fatal("Cannot update compressed archives");
                }
                let _ = f2.seek(SeekFrom::Start(0));
                let mut reader = Reader::new(Box::new(io::BufReader::new(f2)), false, true);
                let mut existing = HashMap::new();
                loop {
                    match reader.next() {
                        Ok(Some(m)) => {
                            let e = existing.entry(m.name.trim_end_matches('/').to_string()).or_insert(m.mtime);
                            if m.mtime > *e {
                                *e = m.mtime;
                            }
                            let size = if m.has_data() { m.size } else { 0 };
                            if reader.skip(size).is_err() {
                                break;
                            }
                        }
                        Ok(None) => break,
                        Err(ReadStop::Eof) => {
                            let _ = self.out.flush();
                            eprintln!("tar: Unexpected EOF in archive");
                            return self.fatal("");
                        }
                        Err(ReadStop::Fatal) => return self.fatal(""),
                    }
                }
                if reader.skipped && reader.offset <= BLOCK as u64 {
                    return self.finish_status_with(2);
                }
                self.existing = existing;
                if reader.seen {
                    reader.last_header
                } else {
                    0
                }
            }
            Err(e) if e.raw_os_error() == Some(44) => 0,
            Err(e) => {
                let msg = format!("{}: Cannot open: {}", quote_name(&self.o.archive), strerror(&e));
                return self.fatal(&msg);
            }
        };
        let f = match OpenOptions::new().write(true).create(true).open(&self.o.archive) {
            Ok(f) => f,
            Err(e) => {
                let msg = format!("{}: Cannot open: {}", quote_name(&self.o.archive), strerror(&e));
                return self.fatal(&msg);
            }
        };
        if let Ok(st) = fsmeta::stat(&self.o.archive, true) {
            self.archive_id = Some((st.dev, st.ino));
        }
        let _ = f.set_len(end);
        let mut f = f;
        let _ = f.seek(SeekFrom::Start(end));
        let sink: Box<dyn Write> = Box::new(io::BufWriter::with_capacity(64 * 1024, f));
        let mut w = Writer { w: sink, written: 0, record: self.o.record };
        let r = self.add_operands(&mut w);
        let r = r.and_then(|_| w.finish(end).map_err(|e| self.write_failed(&e)));
        drop(w);
        if r.is_err() {
            return 2;
        }
        self.remove_archived();
        self.finish_status()
    }

    /// --delete: the archive again without the named members.
    fn delete(&mut self) -> i32 {
        let wanted: Vec<Wanted> = self
            .o
            .args
            .iter()
            .filter_map(|a| match a {
                Arg::Name(n) if !n.is_empty() => Some(Wanted { name: n.clone(), dir: None, found: false }),
                _ => None,
            })
            .collect();
        self.wanted = wanted;
        let from_stdin = self.o.archive == "-";
        let mut source: Box<dyn ReadSeek> = if from_stdin {
            let mut v = Vec::new();
            if let Err(e) = RawFd::new(0).read_to_end(&mut v) {
                return self.fatal(&format!("Read error: {}", strerror(&e)));
            }
            Box::new(io::Cursor::new(v))
        } else {
            // GNU opens it read-write, creating it: a missing archive is
            // an empty one.
            match OpenOptions::new().read(true).write(true).create(true).open(&self.o.archive) {
                Ok(f) => Box::new(f),
                Err(e) => {
                    let msg = format!("{}: Cannot open: {}", quote_name(&self.o.archive), strerror(&e));
                    return self.fatal(&msg);
                }
            }
        };
        let mut head = [0u8; 2];
        let n = wsutil::io::read_full(&mut source, &mut head).unwrap_or(0);
        if n == 2 && head == [0x1f, 0x8b] {
            return self.fatal("Cannot update compressed archives");
        }
        let _ = source.seek(SeekFrom::Start(0));
        // Which byte ranges stay.
        let mut keep: Vec<(u64, u64)> = Vec::new();
        {
            let mut reader = Reader::new(Box::new(io::BufReader::new(&mut source)), false, false);
            loop {
                match reader.next() {
                    Ok(Some(m)) => {
                        let start = reader.member_start;
                        let drop = self.selected(&m.name).is_some() && !self.wanted.is_empty();
                        if reader.skip(if m.has_data() { m.size } else { 0 }).is_err() {
                            let _ = self.out.flush();
                            eprintln!("tar: Unexpected EOF in archive");
                            return self.fatal("");
                        }
                        if !drop {
                            keep.push((start, reader.offset));
                        }
                    }
                    Ok(None) => break,
                    Err(_) => return self.fatal(""),
                }
            }
            if reader.skipped {
                self.status = 2;
            }
        }
        if self.wanted.iter().all(|w| !w.found) {
            // Nothing to remove: the archive stays as it is.
            self.report_not_found();
            if from_stdin {
                let mut out = RawFd::new(1);
                let _ = source.seek(SeekFrom::Start(0));
                let _ = io::copy(&mut source, &mut out);
            }
            return self.finish_status();
        }
        let tmp = format!("{}.tar-delete", self.o.archive);
        let sink: Box<dyn Write> = if from_stdin {
            Box::new(io::BufWriter::with_capacity(64 * 1024, RawFd::new(1)))
        } else {
            match File::create(&tmp) {
                Ok(f) => Box::new(io::BufWriter::with_capacity(64 * 1024, f)),
                Err(e) => {
                    let msg = format!("{}: Cannot open: {}", quote_name(&tmp), strerror(&e));
                    return self.fatal(&msg);
                }
            }
        };
        let mut w = Writer { w: sink, written: 0, record: self.o.record };
        let mut r: io::Result<()> = Ok(());
        for (a, b) in keep {
            r = r.and_then(|_| {
                source.seek(SeekFrom::Start(a))?;
                let mut chunk = (&mut source).take(b - a);
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    let n = chunk.read(&mut buf)?;
                    if n == 0 {
                        break;
                    }
                    w.put(&buf[..n])?;
                }
                Ok(())
            });
        }
        let r = r.and_then(|_| w.finish(0));
        drop(w);
        if let Err(e) = r {
            let _ = fs::remove_file(&tmp);
            let _ = self.write_failed(&e);
            return 2;
        }
        if !from_stdin {
            if let Ok(st) = fsmeta::stat(&self.o.archive, true) {
                let _ = fsmeta::chmod(&tmp, st.mode & 0o7777);
            }
            if let Err(e) = fs::rename(&tmp, &self.o.archive) {
                let _ = fs::remove_file(&tmp);
                let msg = format!("{}: Cannot rename: {}", quote_name(&self.o.archive), strerror(&e));
                return self.fatal(&msg);
            }
        }
        self.report_not_found();
        self.finish_status()
    }

    fn finish_status_with(&mut self, code: i32) -> i32 {
        self.status = code;
        self.finish_status()
    }
}


fn has_dotdot(name: &str) -> bool {
    name.split('/').any(|c| c == "..")
}

fn has_wildcards(s: &str) -> bool {
    s.contains(|c| c == '*' || c == '?' || c == '[')
}

/// fnmatch with FNM_LEADING_DIR (a pattern matching a leading directory
/// matches what is below it).
fn match_pattern(p: &str, s: &str, wild: bool, ignore_case: bool) -> bool {
    let (p, s) = if ignore_case { (p.to_lowercase(), s.to_lowercase()) } else { (p.to_string(), s.to_string()) };
    let m = |x: &str| if wild { fnmatch(p.as_bytes(), x.as_bytes(), false) } else { p == x };
    if m(&s) {
        return true;
    }
    s.match_indices('/').any(|(i, _)| m(&s[..i]))
}

fn truncate_utf8(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let bytes = &s.as_bytes()[..max];
    String::from_utf8_lossy(bytes).into_owned()
}

/// What --delete reads from: the archive file or all of standard input.
trait ReadSeek: Read + Seek {}

impl<T: Read + Seek> ReadSeek for T {}

/// A GNU ././@LongLink record (type L or K) holding `name`.
fn long_record(kind: u8, name: &str) -> Vec<u8> {
    let m = Member {
        name: "././@LongLink".to_string(),
        typeflag: kind,
        mode: 0o644,
        uname: "root".to_string(),
        gname: "root".to_string(),
        size: name.len() as u64 + 1,
        ..Member::default()
    };
    let mut v = encode_header(&m, Format::Gnu).to_vec();
    v.extend_from_slice(name.as_bytes());
    v.push(0);
    let rem = v.len() % BLOCK;
    if rem != 0 {
        v.extend(std::iter::repeat(0).take(BLOCK - rem));
    }
    v
}

/// Finishes the gzip member when the archive writer is done.
struct GzFinisher(Option<GzEncoder<Box<dyn Write>>>);

impl Write for GzFinisher {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        match self.0.as_mut() {
            Some(e) => e.write(b),
            None => Ok(b.len()),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        // The archive writer flushes once, at the very end.
        if let Some(e) = self.0.take() {
            let (mut inner, _) = e.finish()?;
            inner.flush()?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// --transform
// ---------------------------------------------------------------------------

/// A tiny basic-regular-expression matcher: literals, `.`, `*`, `^`, `$`,
/// bracket expressions and `\(`...`\)` groups (for `\1` in replacements).
#[derive(Clone, Debug)]
enum Re {
    Lit(char),
    Any,
    Class(Vec<(char, char)>, bool),
    Start,
    End,
    GroupStart(usize),
    GroupEnd(usize),
}

fn parse_re(p: &str) -> Vec<(Re, bool)> {
    let chars: Vec<char> = p.chars().collect();
    let mut out: Vec<(Re, bool)> = Vec::new();
    let mut i = 0;
    let mut group = 0;
    let mut stack = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        let atom = match c {
            '\\' if i + 1 < chars.len() => {
                i += 1;
                match chars[i] {
                    '(' => {
                        group += 1;
                        stack.push(group);
                        Re::GroupStart(group)
                    }
                    ')' => Re::GroupEnd(stack.pop().unwrap_or(0)),
                    'n' => Re::Lit('\n'),
                    other => Re::Lit(other),
                }
            }
            '.' => Re::Any,
            '^' if i == 0 => Re::Start,
            '$' if i + 1 == chars.len() => Re::End,
            '*' if !out.is_empty() => {
                if let Some(last) = out.last_mut() {
                    last.1 = true;
                }
                i += 1;
                continue;
            }
            '[' => {
                let mut j = i + 1;
                let neg = j < chars.len() && (chars[j] == '^' || chars[j] == '!');
                if neg {
                    j += 1;
                }
                let mut ranges = Vec::new();
                let mut first = true;
                while j < chars.len() && (chars[j] != ']' || first) {
                    let a = chars[j];
                    if j + 2 < chars.len() && chars[j + 1] == '-' && chars[j + 2] != ']' {
                        ranges.push((a, chars[j + 2]));
                        j += 3;
                    } else {
                        ranges.push((a, a));
                        j += 1;
                    }
                    first = false;
                }
                i = j;
                Re::Class(ranges, neg)
            }
            other => Re::Lit(other),
        };
        out.push((atom, false));
        i += 1;
    }
    out
}

fn re_match_here(re: &[(Re, bool)], s: &[char], pos: usize, groups: &mut Vec<(usize, usize)>) -> Option<usize> {
    let (atom, star) = match re.first() {
        None => return Some(pos),
        Some(x) => x,
    };
    let one = |p: usize| -> bool {
        match atom {
            Re::Lit(c) => s.get(p) == Some(c),
            Re::Any => p < s.len(),
            Re::Class(r, neg) => s.get(p).map_or(false, |c| r.iter().any(|&(a, b)| *c >= a && *c <= b) != *neg),
            _ => false,
        }
    };
    match atom {
        Re::Start => {
            if pos == 0 {
                re_match_here(&re[1..], s, pos, groups)
            } else {
                None
            }
        }
        Re::End => {
            if pos == s.len() {
                re_match_here(&re[1..], s, pos, groups)
            } else {
                None
            }
        }
        Re::GroupStart(g) => {
            let g = *g;
            if groups.len() <= g {
                groups.resize(g + 1, (0, 0));
            }
            let saved = groups[g];
            groups[g].0 = pos;
            let r = re_match_here(&re[1..], s, pos, groups);
            if r.is_none() {
                groups[g] = saved;
            }
            r
        }
        Re::GroupEnd(g) => {
            let g = *g;
            if groups.len() <= g {
                groups.resize(g + 1, (0, 0));
            }
            let saved = groups[g];
            groups[g].1 = pos;
            let r = re_match_here(&re[1..], s, pos, groups);
            if r.is_none() {
                groups[g] = saved;
            }
            r
        }
        _ if *star => {
            // Greedy: longest run first.
            let mut n = 0;
            while one(pos + n) {
                n += 1;
            }
            loop {
                if let Some(e) = re_match_here(&re[1..], s, pos + n, groups) {
                    return Some(e);
                }
                if n == 0 {
                    return None;
                }
                n -= 1;
            }
        }
        _ => {
            if one(pos) {
                re_match_here(&re[1..], s, pos + 1, groups)
            } else {
                None
            }
        }
    }
}

fn apply_transform(t: &Transform, name: &str) -> String {
    let re = parse_re(&t.pattern);
    let s: Vec<char> = name.chars().collect();
    let mut out = String::new();
    let mut pos = 0;
    let mut done = false;
    while pos <= s.len() {
        if done {
            out.extend(&s[pos..]);
            break;
        }
        let mut groups = vec![(0, 0)];
        match re_match_here(&re, &s, pos, &mut groups) {
            Some(end) => {
                groups[0] = (pos, end);
                let mut chars = t.replacement.chars().peekable();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => match chars.next() {
                            Some(d @ '0'..='9') => {
                                let g = d as usize - '0' as usize;
                                if let Some(&(a, b)) = groups.get(g) {
                                    if b >= a {
                                        out.extend(&s[a..b]);
                                    }
                                }
                            }
                            Some(o) => out.push(o),
                            None => {}
                        },
                        '&' => out.extend(&s[pos..end]),
                        o => out.push(o),
                    }
                }
                if !t.global {
                    done = true;
                }
                if end == pos {
                    if pos < s.len() {
                        out.push(s[pos]);
                    }
                    pos += 1;
                } else {
                    pos = end;
                }
                if pos > s.len() {
                    break;
                }
                if done {
                    out.extend(&s[pos.min(s.len())..]);
                    break;
                }
            }
            None => {
                if pos < s.len() {
                    out.push(s[pos]);
                }
                pos += 1;
            }
        }
    }
    out
}

