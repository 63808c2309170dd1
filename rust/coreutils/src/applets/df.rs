//! `df`: the sandbox's one filesystem, mounted on `/`, in GNU's layout.
//! Its size is the byte quota and its inodes the file quota (the
//! `wasmsand.fs_usage` import); "used" is what files hold now.

use std::io::Write;
use wsutil::args::{self, HasArg, Item, Spec, HELP, LONG1, LONG2, LONG3, LONG4, VERSION};
use wsutil::fsmeta::{self, human_size};
use wsutil::io::stdout;
use wsutil::num::parse_size;
use wsutil::sys::{fs_usage, FsUsage};
use wsutil::{quote, quote_always, quote_locale, report, show_error, strerror, Error, Result};

pub const APPLETS: &[wsutil::Applet] = &[("df", main)];

const SOURCE: &str = "wasmsand";
const FSTYPE: &str = "wasmsand";

const SPEC: Spec = Spec {
    short: "aB:hHiklPTt:vx:",
    long: &[
        ("all", HasArg::No, 'a'),
        ("block-size", HasArg::Required, 'B'),
        ("human-readable", HasArg::No, 'h'),
        ("si", HasArg::No, 'H'),
        ("inodes", HasArg::No, 'i'),
        ("local", HasArg::No, 'l'),
        ("output", HasArg::Optional, LONG1),
        ("portability", HasArg::No, 'P'),
        ("print-type", HasArg::No, 'T'),
        ("sync", HasArg::No, LONG2),
        ("no-sync", HasArg::No, LONG3),
        ("total", HasArg::No, LONG4),
        ("type", HasArg::Required, 't'),
        ("exclude-type", HasArg::Required, 'x'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: df [OPTION]... [FILE]...
Show information about the file system on which each FILE resides,
or all file systems by default.

  -a, --all             include pseudo, duplicate, inaccessible file systems
  -B, --block-size=SIZE  scale sizes by SIZE before printing them
  -h, --human-readable  print sizes in powers of 1024 (e.g., 1023M)
  -H, --si              print sizes in powers of 1000 (e.g., 1.1G)
  -i, --inodes          list inode information instead of block usage
  -k                    like --block-size=1K
  -l, --local           limit listing to local file systems
      --output[=FIELD_LIST]  use the output format defined by FIELD_LIST
  -P, --portability     use the POSIX output format
      --total           elide all entries insignificant to available space,
                          and produce a grand total
  -t, --type=TYPE       limit listing to file systems of type TYPE
  -T, --print-type      print file system type
  -x, --exclude-type=TYPE   limit listing to file systems not of type TYPE
";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Source,
    FsType,
    File,
    Size,
    Used,
    Avail,
    Pcent,
    ITotal,
    IUsed,
    IAvail,
    IPcent,
    Target,
}

const FIELDS: &[(&str, Field)] = &[
    ("source", Field::Source),
    ("fstype", Field::FsType),
    ("itotal", Field::ITotal),
    ("iused", Field::IUsed),
    ("iavail", Field::IAvail),
    ("ipcent", Field::IPcent),
    ("size", Field::Size),
    ("used", Field::Used),
    ("avail", Field::Avail),
    ("pcent", Field::Pcent),
    ("file", Field::File),
    ("target", Field::Target),
];

#[derive(Clone, Copy)]
enum Scale {
    Blocks(u64),
    Human(u64),
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

/// `used * 100 / (used + avail)`, rounded up; "-" when nothing is there.
fn percent(used: u64, avail: u64) -> String {
    let total = used as u128 + avail as u128;
    if total == 0 {
        return "-".into();
    }
    format!("{}%", (used as u128 * 100 + total - 1) / total)
}

fn block_header(scale: Scale, posix: bool) -> String {
    match scale {
        Scale::Human(_) => "Size".into(),
        Scale::Blocks(1024) if posix => "1024-blocks".into(),
        Scale::Blocks(b) => {
            let units = [(1u64 << 60, "E"), (1 << 50, "P"), (1 << 40, "T"), (1 << 30, "G"), (1 << 20, "M"), (1 << 10, "K")];
            for (size, name) in units {
                if b % size == 0 {
                    return format!("{}{}-blocks", b / size, name);
                }
            }
            format!("{}B-blocks", b)
        }
    }
}

fn run(argv: &[String]) -> Result<i32> {
    let mut scale = Scale::Blocks(1024);
    let mut inodes = false;
    let mut posix = false;
    let mut show_type = false;
    let mut total = false;
    let mut output: Option<Vec<Field>> = None;
    let mut only_types: Vec<String> = Vec::new();
    let mut excluded: Vec<String> = Vec::new();
    let mut files = Vec::new();
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt('a', _) | Item::Opt('l', _) | Item::Opt('v', _) | Item::Opt(LONG2, _) | Item::Opt(LONG3, _) => {}
            Item::Opt('B', Some(v)) => {
                let n = parse_size(&v, "kKmMGTPEZYRQ").ok().filter(|&n| n > 0).or_else(|| {
                    parse_size(&format!("1{}", v), "kKmMGTPEZYRQ").ok().filter(|_| !v.starts_with(|c: char| c.is_ascii_digit()))
                });
                match n {
                    Some(n) => scale = Scale::Blocks(n),
                    None => return Err(Error::Fatal(format!("invalid --block-size argument {}", quote_always(&v)))),
                }
            }
            Item::Opt('h', _) => scale = Scale::Human(1024),
            Item::Opt('H', _) => scale = Scale::Human(1000),
            Item::Opt('i', _) => inodes = true,
            Item::Opt('k', _) => scale = Scale::Blocks(1024),
            Item::Opt('P', _) => posix = true,
            Item::Opt('T', _) => show_type = true,
            Item::Opt('t', Some(v)) => only_types.push(v),
            Item::Opt('x', Some(v)) => excluded.push(v),
            Item::Opt(LONG4, _) => total = true,
            Item::Opt(LONG1, v) => {
                let list = v.unwrap_or_else(|| FIELDS.iter().map(|f| f.0).collect::<Vec<_>>().join(","));
                let mut fields = output.take().unwrap_or_default();
                for name in list.split(',') {
                    let f = FIELDS.iter().find(|(n, _)| *n == name).map(|x| x.1).ok_or_else(|| {
                        Error::Usage(wsutil::UsageError::new(format!("{}: invalid field specifier", quote_locale(name))))
                    })?;
                    if fields.contains(&f) {
                        return Err(wsutil::UsageError::new(format!("option --output: field {} used more than once", quote_locale(name))).into());
                    }
                    fields.push(f);
                }
                output = Some(fields);
            }
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("df (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    if output.is_some() && (inodes || posix || show_type) {
        let which = if inodes { "-i" } else if posix { "-P" } else { "-T" };
        return Err(wsutil::UsageError::new(format!("options {} and --output are mutually exclusive", which)).into());
    }
    let usage = fs_usage().map_err(|e| Error::Fatal(strerror(&e).to_string()))?;
    let fields = output.clone().unwrap_or_else(|| {
        let mut v = vec![Field::Source];
        if show_type {
            v.push(Field::FsType);
        }
        if inodes {
            v.extend([Field::ITotal, Field::IUsed, Field::IAvail, Field::IPcent]);
        } else {
            v.extend([Field::Size, Field::Used, Field::Avail, Field::Pcent]);
        }
        v.push(Field::Target);
        v
    });
    let selected = (only_types.is_empty() || only_types.iter().any(|t| t == FSTYPE)) && !excluded.iter().any(|t| t == FSTYPE);
    let mut status = 0;
    // One row per operand that exists (all on the one filesystem), or one.
    let mut rows: Vec<String> = Vec::new();
    if files.is_empty() {
        rows.push("-".into());
    }
    for f in &files {
        match fsmeta::stat(f, true) {
            Ok(_) => rows.push(f.clone()),
            Err(e) => {
                show_error(&format!("{}: {}", quote(f), strerror(&e)));
                status = 1;
            }
        }
    }
    if !selected {
        rows.clear();
    }
    if rows.is_empty() {
        if status == 0 || !selected {
            show_error("no file systems processed");
        }
        return Ok(1);
    }
    let mut table: Vec<Vec<String>> = Vec::new();
    let header: Vec<String> = fields
        .iter()
        .map(|f| match f {
            Field::Source => "Filesystem".into(),
            Field::FsType => "Type".into(),
            Field::File => "File".into(),
            Field::Size => block_header(scale, posix && output.is_none()),
            Field::Used => "Used".into(),
            Field::Avail if matches!(scale, Scale::Human(_)) => "Avail".into(),
            Field::Avail => "Available".into(),
            Field::Pcent if posix => "Capacity".into(),
            Field::Pcent => "Use%".into(),
            Field::ITotal => "Inodes".into(),
            Field::IUsed => "IUsed".into(),
            Field::IAvail => "IFree".into(),
            Field::IPcent => "IUse%".into(),
            Field::Target => "Mounted on".into(),
        })
        .collect();
    table.push(header);
    for file in &rows {
        table.push(row(&fields, &usage, scale, SOURCE, file));
    }
    if total {
        let mut t = row(&fields, &usage, scale, "total", "-");
        for (i, f) in fields.iter().enumerate() {
            if *f == Field::Target || *f == Field::FsType {
                t[i] = "-".into();
            }
        }
        table.push(t);
    }
    let mut out = stdout();
    for line in layout(&table, &fields) {
        writeln!(out, "{}", line)?;
    }
    out.flush()?;
    Ok(status)
}

fn row(fields: &[Field], u: &FsUsage, scale: Scale, source: &str, file: &str) -> Vec<String> {
    // Used space counts whole blocks, so used + available = size.
    let (size, used, avail) = match scale {
        Scale::Human(base) => {
            let avail = u.total_bytes.saturating_sub(u.used_bytes);
            (human_size(u.total_bytes, base), human_size(u.used_bytes, base), human_size(avail, base))
        }
        Scale::Blocks(b) => {
            let total = u.total_bytes / b;
            let used = ((u.used_bytes as u128 + b as u128 - 1) / b as u128) as u64;
            (total.to_string(), used.to_string(), total.saturating_sub(used).to_string())
        }
    };
    let pct = match scale {
        Scale::Blocks(b) => {
            let total = u.total_bytes / b;
            let used = ((u.used_bytes as u128 + b as u128 - 1) / b as u128) as u64;
            percent(used, total.saturating_sub(used))
        }
        Scale::Human(_) => percent(u.used_bytes, u.total_bytes.saturating_sub(u.used_bytes)),
    };
    let iavail = u.total_files.saturating_sub(u.used_files);
    let count = |n: u64| match scale {
        Scale::Human(base) => human_size(n, base),
        Scale::Blocks(_) => n.to_string(),
    };
    fields
        .iter()
        .map(|f| match f {
            Field::Source => source.to_string(),
            Field::FsType => FSTYPE.to_string(),
            Field::File => file.to_string(),
            Field::Size => size.clone(),
            Field::Used => used.clone(),
            Field::Avail => avail.clone(),
            Field::Pcent => pct.clone(),
            Field::ITotal => count(u.total_files),
            Field::IUsed => count(u.used_files),
            Field::IAvail => count(iavail),
            Field::IPcent => percent(u.used_files, iavail),
            Field::Target => "/".to_string(),
        })
        .collect()
}

/// Columns separated by one space, each as wide as its widest cell (with
/// GNU's minimum widths); text columns left-aligned, numbers right.
fn layout(table: &[Vec<String>], fields: &[Field]) -> Vec<String> {
    let min = |f: &Field| match f {
        Field::Source => 14,
        Field::FsType | Field::File | Field::Pcent | Field::IPcent => 4,
        Field::Target => 0,
        _ => 5,
    };
    let widths: Vec<usize> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| table.iter().map(|r| r[i].chars().count()).max().unwrap_or(0).max(min(f)))
        .collect();
    table
        .iter()
        .map(|r| {
            let mut line = String::new();
            for (i, f) in fields.iter().enumerate() {
                if i > 0 {
                    line.push(' ');
                }
                let left = matches!(f, Field::Source | Field::FsType | Field::File | Field::Target);
                let last = i + 1 == fields.len();
                if left && last {
                    line.push_str(&r[i]);
                } else if left {
                    line.push_str(&format!("{:<w$}", r[i], w = widths[i]));
                } else {
                    line.push_str(&format!("{:>w$}", r[i], w = widths[i]));
                }
            }
            line.trim_end().to_string()
        })
        .collect()
}
