//! `zip` and `unzip`: Info-ZIP zip 3.0 and unzip 6.0's common uses, with
//! their messages ("  adding: a.txt (deflated 40%)"), listings and exit
//! statuses, over the PKZIP format (stored and deflated entries, Info-ZIP's
//! Unix time and owner extra fields, Zip64 when reading).
//!
//! Deflate comes from `flate2`; compressed sizes (and so the percentages
//! zip prints) may differ from Info-ZIP's by a little, as any two deflate
//! implementations do. Directory contents are added in name order.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use wsutil::datetime::{self, Timespec, Zone};
use wsutil::fnmatch::fnmatch;
use wsutil::fsmeta::{self, SetTime};
use wsutil::io::{stdout, Out, RawFd};
use wsutil::strerror;

pub const APPLETS: &[wsutil::Applet] = &[("zip", main_zip), ("unzip", main_unzip)];

const LOCAL_SIG: u32 = 0x0403_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const END_SIG: u32 = 0x0605_4b50;
const END64_SIG: u32 = 0x0606_4b50;
const LOC64_SIG: u32 = 0x0706_4b50;
const STORED: u16 = 0;
const DEFLATED: u16 = 8;

// ---------------------------------------------------------------------------
// The format
// ---------------------------------------------------------------------------

/// One central-directory entry.
#[derive(Clone, Debug, Default)]
struct Entry {
    name: String,
    /// Raw name bytes (kept as stored).
    raw_name: Vec<u8>,
    version_made: u16,
    version_needed: u16,
    flags: u16,
    method: u16,
    dos_time: u16,
    dos_date: u16,
    crc: u32,
    csize: u64,
    usize: u64,
    internal: u16,
    external: u32,
    offset: u64,
    /// Central extra field, as stored.
    extra: Vec<u8>,
    comment: Vec<u8>,
    /// Unix modification time from the UT extra field, if any.
    mtime: Option<i64>,
}

impl Entry {
    fn is_dir(&self) -> bool {
        self.name.ends_with('/')
    }

    /// The Unix mode, when the entry was made on Unix.
    fn unix_mode(&self) -> Option<u32> {
        if self.version_made >> 8 == 3 && self.external >> 16 != 0 {
            Some(self.external >> 16)
        } else {
            None
        }
    }

    fn is_symlink(&self) -> bool {
        self.unix_mode().map_or(false, |m| m & 0o170000 == 0o120000)
    }

    /// The time shown and restored: the Unix time when stored, else the
    /// DOS time read as local time.
    fn time(&self, zone: &Zone) -> i64 {
        if let Some(t) = self.mtime {
            return t;
        }
        dos_to_unix(self.dos_date, self.dos_time, zone)
    }
}

fn le16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn le64(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

fn dos_to_unix(date: u16, time: u16, zone: &Zone) -> i64 {
    let year = 1980 + (date >> 9) as i64;
    let month = ((date >> 5) & 0xf).max(1) as u32;
    let day = (date & 0x1f).max(1) as i64;
    let days = datetime::days_from_civil(year, month, day);
    let local = days * 86400 + (time >> 11) as i64 * 3600 + ((time >> 5) & 0x3f) as i64 * 60 + (time & 0x1f) as i64 * 2;
    zone.local_to_utc(local)
}

fn unix_to_dos(t: i64, zone: &Zone) -> (u16, u16) {
    let tm = datetime::localtime(Timespec::new(t, 0), zone);
    if tm.year < 1980 {
        return ((1 << 5) | 1, 0);
    }
    let date = (((tm.year - 1980) as u16) << 9) | ((tm.month as u16) << 5) | tm.mday as u16;
    let time = ((tm.hour as u16) << 11) | ((tm.min as u16) << 5) | (tm.sec as u16 / 2);
    (date, time)
}

/// Walks an extra field's (id, data) blocks.
fn extra_blocks(extra: &[u8]) -> Vec<(u16, &[u8])> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 <= extra.len() {
        let id = le16(extra, i);
        let len = le16(extra, i + 2) as usize;
        if i + 4 + len > extra.len() {
            break;
        }
        out.push((id, &extra[i + 4..i + 4 + len]));
        i += 4 + len;
    }
    out
}

/// Why an archive cannot be read.
enum OpenError {
    Io(io::Error),
    /// No end-of-central-directory record.
    NotZip,
    /// The central directory is damaged.
    Bad(String),
}

/// Reads the central directory of an archive.
fn read_directory(f: &mut File) -> Result<(Vec<Entry>, u64), OpenError> {
    let len = f.seek(SeekFrom::End(0)).map_err(OpenError::Io)?;
    let tail_len = len.min(65536 + 22);
    f.seek(SeekFrom::Start(len - tail_len)).map_err(OpenError::Io)?;
    let mut tail = vec![0u8; tail_len as usize];
    f.read_exact(&mut tail).map_err(OpenError::Io)?;
    let pos = (0..tail.len().saturating_sub(21)).rev().find(|&i| le32(&tail, i) == END_SIG).ok_or(OpenError::NotZip)?;
    let end = &tail[pos..];
    let mut count = le16(end, 10) as u64;
    let mut cd_size = le32(end, 12) as u64;
    let mut cd_offset = le32(end, 16) as u64;
    let end_abs = len - tail_len + pos as u64;
    // Zip64: a locator just before the end record points at the real one.
    if pos >= 20 && le32(&tail, pos - 20) == LOC64_SIG {
        let at = le64(&tail, pos - 20 + 8);
        let mut rec = [0u8; 56];
        f.seek(SeekFrom::Start(at)).map_err(OpenError::Io)?;
        if f.read_exact(&mut rec).is_ok() && le32(&rec, 0) == END64_SIG {
            count = le64(&rec, 32);
            cd_size = le64(&rec, 40);
            cd_offset = le64(&rec, 48);
        }
    }
    if cd_offset.checked_add(cd_size).map_or(true, |e| e > len) && end_abs < cd_size {
        return Err(OpenError::Bad("central directory out of range".into()));
    }
    if cd_size > len {
        return Err(OpenError::Bad("central directory out of range".into()));
    }
    // Archives with a prefix (self-extractors) are off by its length.
    let shift = end_abs.saturating_sub(cd_offset + cd_size);
    let shift = if pos >= 20 && le32(&tail, pos - 20) == LOC64_SIG { 0 } else { shift };
    f.seek(SeekFrom::Start(cd_offset + shift)).map_err(OpenError::Io)?;
    let mut cd = vec![0u8; cd_size as usize];
    f.read_exact(&mut cd).map_err(|_| OpenError::Bad("central directory truncated".into()))?;
    let mut entries = Vec::new();
    let mut i = 0;
    for _ in 0..count {
        if i + 46 > cd.len() || le32(&cd, i) != CENTRAL_SIG {
            return Err(OpenError::Bad("bad central directory".into()));
        }
        let h = &cd[i..];
        let nlen = le16(h, 28) as usize;
        let xlen = le16(h, 30) as usize;
        let clen = le16(h, 32) as usize;
        if i + 46 + nlen + xlen + clen > cd.len() {
            return Err(OpenError::Bad("bad central directory".into()));
        }
        let raw_name = h[46..46 + nlen].to_vec();
        let extra = h[46 + nlen..46 + nlen + xlen].to_vec();
        let mut e = Entry {
            name: String::from_utf8_lossy(&raw_name).into_owned(),
            raw_name,
            version_made: le16(h, 4),
            version_needed: le16(h, 6),
            flags: le16(h, 8),
            method: le16(h, 10),
            dos_time: le16(h, 12),
            dos_date: le16(h, 14),
            crc: le32(h, 16),
            csize: le32(h, 20) as u64,
            usize: le32(h, 24) as u64,
            internal: le16(h, 36),
            external: le32(h, 38),
            offset: le32(h, 42) as u64,
            comment: h[46 + nlen + xlen..46 + nlen + xlen + clen].to_vec(),
            extra: Vec::new(),
            mtime: None,
        };
        for (id, data) in extra_blocks(&extra) {
            match id {
                0x5455 if !data.is_empty() && data[0] & 1 != 0 && data.len() >= 5 => {
                    e.mtime = Some(le32(data, 1) as i32 as i64);
                }
                0x0001 => {
                    let mut k = 0;
                    if e.usize == 0xffff_ffff && k + 8 <= data.len() {
                        e.usize = le64(data, k);
                        k += 8;
                    }
                    if e.csize == 0xffff_ffff && k + 8 <= data.len() {
                        e.csize = le64(data, k);
                        k += 8;
                    }
                    if e.offset == 0xffff_ffff && k + 8 <= data.len() {
                        e.offset = le64(data, k);
                    }
                }
                _ => {}
            }
        }
        e.offset += shift;
        e.extra = extra;
        entries.push(e);
        i += 46 + nlen + xlen + clen;
    }
    Ok((entries, shift))
}

/// Positions `f` at an entry's data; returns the local header's length.
fn seek_data(f: &mut File, e: &Entry) -> io::Result<u64> {
    f.seek(SeekFrom::Start(e.offset))?;
    let mut h = [0u8; 30];
    f.read_exact(&mut h)?;
    if le32(&h, 0) != LOCAL_SIG {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "bad local header"));
    }
    let skip = le16(&h, 26) as u64 + le16(&h, 28) as u64;
    f.seek(SeekFrom::Current(skip as i64))?;
    Ok(30 + skip)
}

/// What went wrong with an entry's data.
enum DataError {
    Read(io::Error),
    Write(io::Error),
    Crc(u32),
    Method(u16),
    Encrypted,
    Format,
}

/// Decompresses an entry's data into `sink`, checking its CRC.
fn extract_data(f: &mut File, e: &Entry, sink: &mut dyn Write) -> Result<(), DataError> {
    if e.flags & 1 != 0 {
        return Err(DataError::Encrypted);
    }
    if e.method != STORED && e.method != DEFLATED {
        return Err(DataError::Method(e.method));
    }
    seek_data(f, e).map_err(DataError::Read)?;
    let mut input = f.take(e.csize);
    let mut crc = crc32fast::Hasher::new();
    let mut inbuf = vec![0u8; 64 * 1024];
    let mut outbuf = vec![0u8; 64 * 1024];
    if e.method == STORED {
        loop {
            let n = input.read(&mut inbuf).map_err(DataError::Read)?;
            if n == 0 {
                break;
            }
            crc.update(&inbuf[..n]);
            sink.write_all(&inbuf[..n]).map_err(DataError::Write)?;
        }
    } else {
        let mut inflate = Decompress::new(false);
        let mut have = 0;
        let mut pos = 0;
        let mut eof = false;
        loop {
            if pos == have && !eof {
                have = input.read(&mut inbuf).map_err(DataError::Read)?;
                pos = 0;
                eof = have == 0;
            }
            let before_in = inflate.total_in();
            let before_out = inflate.total_out();
            let status = inflate.decompress(&inbuf[pos..have], &mut outbuf, FlushDecompress::None).map_err(|_| DataError::Format)?;
            pos += (inflate.total_in() - before_in) as usize;
            let made = (inflate.total_out() - before_out) as usize;
            crc.update(&outbuf[..made]);
            sink.write_all(&outbuf[..made]).map_err(DataError::Write)?;
            if status == Status::StreamEnd {
                break;
            }
            if made == 0 && eof {
                return Err(DataError::Format);
            }
        }
    }
    let got = crc.finalize();
    if got != e.crc {
        return Err(DataError::Crc(e.crc));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// zip
// ---------------------------------------------------------------------------

struct ZipOpts {
    recurse: bool,
    quiet: bool,
    junk: bool,
    delete: bool,
    move_files: bool,
    level: u32,
    update: bool,
    freshen: bool,
    symlinks: bool,
    no_dirs: bool,
    no_extra: bool,
    verbose: bool,
    excludes: Vec<String>,
    includes: Vec<String>,
    names_stdin: bool,
    /// Suffixes stored without compression (-n).
    store_suffixes: Vec<String>,
}

/// Info-ZIP's percentage: rounded, 0 when nothing was saved.
fn percent(n: u64, m: u64) -> u64 {
    let (mut n, mut m) = (n, m);
    if n > 0xff_ffff {
        n = (n + 0x80) >> 8;
        m = (m + 0x80) >> 8;
    }
    if n > m {
        (1 + (200 * (n - m) / n)) / 2
    } else {
        0
    }
}

/// zip writes its messages on standard output, as Info-ZIP does when the
/// archive is a file.
fn zip_error(out: &mut Out, msg: &str, code: i32) -> i32 {
    let _ = writeln!(out, "\nzip error: {}", msg);
    let _ = out.flush();
    code
}

const ZIP_HELP: &str = "Copyright (c) 1990-2008 Info-ZIP - Type 'zip \"-L\"' for software license.
Zip 3.0 (July 5th 2008). Usage:
zip [-options] [-b path] [-t mmddyyyy] [-n suffixes] [zipfile list] [-xi list]
  The default action is to add or replace zipfile entries from list, which
  can include the special name - to compress standard input.
  If zipfile and list are omitted, zip compresses stdin to stdout.
  -f   freshen: only changed files  -u   update: only changed or new files
  -d   delete entries in zipfile    -m   move into zipfile (delete OS files)
  -r   recurse into directories     -j   junk (don't record) directory names
  -0   store only                   -l   convert LF to CR LF (-ll CR LF to LF)
  -1   compress faster              -9   compress better
  -q   quiet operation              -v   verbose operation/print version info
  -c   add one-line comments        -z   add zipfile comment
  -@   read names from stdin        -o   make zipfile as old as latest entry
  -x   exclude the following names  -i   include only the following names
  -F   fix zipfile (-FF try harder) -D   do not add directory entries
  -A   adjust self-extracting exe   -J   junk zipfile prefix (unzipsfx)
  -T   test zipfile integrity       -X   eXclude eXtra file attributes
  -y   store symbolic links as the link instead of the referenced file
  -e   encrypt                      -n   don't compress these suffixes
  -h2  show more help
";

pub fn main_zip(argv: &[String]) -> i32 {
    let mut out = stdout();
    let mut o = ZipOpts {
        recurse: false,
        quiet: false,
        junk: false,
        delete: false,
        move_files: false,
        level: 6,
        update: false,
        freshen: false,
        symlinks: false,
        no_dirs: false,
        no_extra: false,
        verbose: false,
        excludes: Vec::new(),
        includes: Vec::new(),
        names_stdin: false,
        store_suffixes: vec![
            ".Z", ".zip", ".zoo", ".arc", ".lzh", ".arj",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
    };
    let mut archive: Option<String> = None;
    let mut names: Vec<String> = Vec::new();
    let mut i = 0;
    // Info-ZIP's own parser: option clusters anywhere, -x/-i lists run to
    // the next option, a lone "--" ends options.
    let mut list_mode: Option<char> = None;
    let mut no_more_opts = false;
    if argv.is_empty() {
        print!("{}", ZIP_HELP);
        return 0;
    }
    while i < argv.len() {
        let a = &argv[i];
        i += 1;
        if !no_more_opts && a == "--" {
            no_more_opts = true;
            continue;
        }
        if !no_more_opts && a.len() > 1 && a.starts_with('-') && !a.starts_with("--") {
            list_mode = None;
            let chars: Vec<char> = a[1..].chars().collect();
            let mut k = 0;
            while k < chars.len() {
                let c = chars[k];
                k += 1;
                match c {
                    'r' | 'R' => o.recurse = true,
                    'q' => o.quiet = true,
                    'j' => o.junk = true,
                    'd' => o.delete = true,
                    'm' => o.move_files = true,
                    'u' => o.update = true,
                    'f' => o.freshen = true,
                    'y' => o.symlinks = true,
                    'D' => o.no_dirs = true,
                    'X' => o.no_extra = true,
                    'v' => o.verbose = true,
                    '@' => o.names_stdin = true,
                    'g' | 'k' | 'L' => {}
                    '0'..='9' => o.level = c as u32 - '0' as u32,
                    'h' | '?' => {
                        print!("{}", ZIP_HELP);
                        return 0;
                    }
                    'x' | 'i' => {
                        let rest: String = chars[k..].iter().collect();
                        k = chars.len();
                        if !rest.is_empty() {
                            if c == 'x' { &mut o.excludes } else { &mut o.includes }.push(rest);
                        }
                        list_mode = Some(c);
                        if i >= argv.len() && o.excludes.is_empty() && o.includes.is_empty() {
                            let what = if c == 'x' { "exclude files matching patterns" } else { "include only files matching patterns" };
                            return zip_error(&mut out, &format!("Invalid command arguments (option '{}' ({}) requires a value)", c, what), 16);
                        }
                    }
                    'n' => {
                        let v = if k < chars.len() {
                            let v: String = chars[k..].iter().collect();
                            k = chars.len();
                            v
                        } else if i < argv.len() {
                            i += 1;
                            argv[i - 1].clone()
                        } else {
                            return zip_error(&mut out, "Invalid command arguments (option 'n' (don't compress files with these suffixes) requires a value)", 16);
                        };
                        o.store_suffixes = v.split(|ch| ch == ':' || ch == ';').filter(|s| !s.is_empty()).map(String::from).collect();
                    }
                    'b' | 't' => {
                        // -b path (temporary directory) changes nothing here; -t needs dates.
                        if c == 't' {
                            return unsupported("zip", "-t");
                        }
                        if k >= chars.len() {
                            i += 1;
                        }
                        k = chars.len();
                    }
                    other => return unsupported("zip", &format!("-{}", other)),
                }
            }
            continue;
        }
        if !no_more_opts && a.starts_with("--") {
            match a.as_str() {
                "--recurse-paths" => o.recurse = true,
                "--quiet" => o.quiet = true,
                "--junk-paths" => o.junk = true,
                "--delete" => o.delete = true,
                "--move" => o.move_files = true,
                "--update" => o.update = true,
                "--freshen" => o.freshen = true,
                "--symlinks" => o.symlinks = true,
                "--no-dir-entries" => o.no_dirs = true,
                "--no-extra" => o.no_extra = true,
                "--verbose" => o.verbose = true,
                "--help" => {
                    print!("{}", ZIP_HELP);
                    return 0;
                }
                "--exclude" => list_mode = Some('x'),
                "--include" => list_mode = Some('i'),
                other => return unsupported("zip", other),
            }
            continue;
        }
        match list_mode {
            Some('x') => o.excludes.push(a.clone()),
            Some(_) => o.includes.push(a.clone()),
            None => {
                if archive.is_none() {
                    archive = Some(a.clone());
                } else {
                    names.push(a.clone());
                }
            }
        }
    }
    if o.names_stdin {
        let mut s = Vec::new();
        let _ = RawFd::new(0).read_to_end(&mut s);
        for l in String::from_utf8_lossy(&s).lines() {
            if !l.is_empty() {
                names.push(l.to_string());
            }
        }
    }
    let archive = match archive {
        Some(a) => a,
        None => return zip_error(&mut out, "Nothing to do! (-)", 12),
    };
    if archive == "-" {
        return unsupported("zip", "-");
    }
    // Info-ZIP adds ".zip" to a name without a suffix.
    let archive = if archive.rsplit('/').next().map_or(false, |b| !b.contains('.')) { format!("{}.zip", archive) } else { archive };
    let mut z = Zipper { o, out, zone: Zone::from_env(), total_in: 0, total_out: 0, status: 0 };
    let code = z.run(&archive, &names);
    let _ = z.out.flush();
    code
}

fn unsupported(util: &'static str, flag: &str) -> i32 {
    wsutil::set_util(util);
    wsutil::report(&wsutil::Error::Unsupported(flag.to_string()), 2)
}

/// An entry of the archive being written: where its bytes come from.
enum Source {
    /// Copied from the old archive as it is.
    Old(Entry),
    /// A file to read (or a directory / symlink to record).
    New { path: String, name: String, verb: &'static str },
}

struct Zipper {
    o: ZipOpts,
    out: Out,
    zone: Zone,
    total_in: u64,
    total_out: u64,
    status: i32,
}

impl Zipper {
    fn warn(&mut self, msg: &str) {
        let _ = writeln!(self.out, "\tzip warning: {}", msg);
    }

    fn matches_any(pats: &[String], name: &str) -> bool {
        pats.iter().any(|p| fnmatch(p.as_bytes(), name.as_bytes(), false))
    }

    /// Expands operands into (path, entry name) pairs, recursing with -r.
    fn collect(&mut self, names: &[String]) -> (Vec<(String, String)>, Vec<String>) {
        let mut found = Vec::new();
        let mut missing = Vec::new();
        for n in names {
            let st = if self.o.symlinks { fsmeta::stat(n, false) } else { fsmeta::stat(n, true) };
            match st {
                Ok(st) => self.walk(n, st.is_dir(), &mut found),
                Err(_) => missing.push(n.clone()),
            }
        }
        (found, missing)
    }

    fn entry_name(&self, path: &str, is_dir: bool) -> String {
        let mut p = path.trim_start_matches("./").trim_start_matches('/').to_string();
        while p.starts_with("../") {
            p = p[3..].to_string();
        }
        if self.o.junk {
            p = p.trim_end_matches('/').rsplit('/').next().unwrap_or("").to_string();
        }
        if is_dir && !p.ends_with('/') {
            p.push('/');
        }
        p
    }

    fn walk(&mut self, path: &str, is_dir: bool, found: &mut Vec<(String, String)>) {
        let name = self.entry_name(path, is_dir);
        let excluded = Self::matches_any(&self.o.excludes, &name) || Self::matches_any(&self.o.excludes, name.trim_end_matches('/'));
        let included = self.o.includes.is_empty() || Self::matches_any(&self.o.includes, &name);
        if is_dir {
            if !self.o.no_dirs && !self.o.junk && !excluded && included && name != "/" && !name.is_empty() {
                found.push((path.to_string(), name));
            }
            if self.o.recurse {
                let mut kids: Vec<String> = match fs::read_dir(path) {
                    Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect(),
                    Err(_) => Vec::new(),
                };
                kids.sort();
                for k in kids {
                    let child = if path.ends_with('/') { format!("{}{}", path, k) } else { format!("{}/{}", path, k) };
                    let st = if self.o.symlinks { fsmeta::stat(&child, false) } else { fsmeta::stat(&child, true) };
                    if let Ok(st) = st {
                        self.walk(&child, st.is_dir(), found);
                    }
                }
            }
        } else if !excluded && included {
            found.push((path.to_string(), name));
        }
    }

    fn run(&mut self, archive: &str, names: &[String]) -> i32 {
        let old: Vec<Entry> = match File::open(archive) {
            Ok(mut f) => match read_directory(&mut f) {
                Ok((e, _)) => e,
                Err(_) => {
                    let _ = writeln!(self.out, "\nzip error: Zip file structure invalid ({})", archive);
                    return 3;
                }
            },
            Err(_) => Vec::new(),
        };
        if self.o.delete {
            return self.delete(archive, old, names);
        }
        let (found, missing) = self.collect(names);
        for m in &missing {
            if m == "-" {
                continue;
            }
            let msg = format!("name not matched: {}", m);
            self.warn(&msg);
        }
        // Decide, entry by entry, what the new archive holds.
        let mut plan: Vec<Source> = old.iter().cloned().map(Source::Old).collect();
        let mut seen = std::collections::HashSet::new();
        let mut changes = 0;
        for (path, name) in found {
            if !seen.insert(name.clone()) {
                continue;
            }
            let pos = plan.iter().position(|s| matches!(s, Source::Old(e) if e.name == name));
            if let Some(p) = pos {
                if self.o.update || self.o.freshen {
                    if let (Source::Old(e), Ok(st)) = (&plan[p], fsmeta::stat(&path, !self.o.symlinks)) {
                        let old_t = e.time(&self.zone);
                        // DOS times have 2-second steps; Info-ZIP compares them so.
                        let (d, t) = unix_to_dos(st.mtime.sec, &self.zone);
                        if dos_to_unix(d, t, &self.zone) <= old_t && !e.is_dir() {
                            continue;
                        }
                        if e.is_dir() {
                            continue;
                        }
                    }
                }
                plan[p] = Source::New { path, name, verb: "updating" };
                changes += 1;
            } else {
                if self.o.freshen {
                    continue;
                }
                plan.push(Source::New { path, name, verb: "  adding" });
                changes += 1;
            }
        }
        if changes == 0 {
            if self.o.freshen || self.o.update {
                return 12;
            }
            return zip_error(&mut self.out, &format!("Nothing to do! ({})", archive), 12);
        }
        match self.write_archive(archive, &plan) {
            Ok(moved) => {
                if self.o.move_files {
                    // Files first, then the directories they were in.
                    let mut dirs = Vec::new();
                    for p in moved {
                        if fsmeta::stat(&p, false).map_or(false, |s| s.is_dir()) {
                            dirs.push(p);
                        } else {
                            let _ = fs::remove_file(&p);
                        }
                    }
                    for d in dirs.into_iter().rev() {
                        let _ = fs::remove_dir(&d);
                    }
                }
                if self.o.verbose && !self.o.quiet {
                    let _ = writeln!(
                        self.out,
                        "total bytes={}, compressed={} -> {}% savings",
                        self.total_in,
                        self.total_out,
                        percent(self.total_in, self.total_out)
                    );
                }
                self.status
            }
            Err(e) => zip_error(&mut self.out, &format!("Output file write failure (write error on zip file: {})", strerror(&e)), 14),
        }
    }

    fn delete(&mut self, archive: &str, old: Vec<Entry>, names: &[String]) -> i32 {
        if fsmeta::stat(archive, true).is_err() {
            return zip_error(&mut self.out, &format!("Nothing to do! ({})", archive), 12);
        }
        let mut keep = Vec::new();
        let mut hit = vec![false; names.len()];
        let mut deleted = Vec::new();
        for e in old {
            let m = names.iter().position(|n| fnmatch(n.as_bytes(), e.name.as_bytes(), false) || n == &e.name);
            match m {
                Some(k) => {
                    hit[k] = true;
                    deleted.push(e.name.clone());
                }
                None => keep.push(Source::Old(e)),
            }
        }
        for (k, n) in names.iter().enumerate() {
            if !hit[k] {
                let msg = format!("name not matched: {}", n);
                self.warn(&msg);
            }
        }
        if deleted.is_empty() {
            return zip_error(&mut self.out, &format!("Nothing to do! ({})", archive), 12);
        }
        if !self.o.quiet {
            for d in &deleted {
                let _ = writeln!(self.out, "deleting: {}", d);
            }
        }
        if keep.is_empty() {
            self.warn("zip file empty");
        }
        match self.write_archive(archive, &keep) {
            Ok(_) => 0,
            Err(e) => zip_error(&mut self.out, &format!("Output file write failure (write error on zip file: {})", strerror(&e)), 14),
        }
    }

    /// Writes the planned archive to a temporary file, then renames it over
    /// the old one. Returns the paths added (for -m).
    fn write_archive(&mut self, archive: &str, plan: &[Source]) -> io::Result<Vec<String>> {
        // WASI has no process id; the clock makes the name unlikely to clash.
        let tmp = format!("{}.zi{:06}", archive, Timespec::now().nsec % 1_000_000);
        let mut f = OpenOptions::new().read(true).write(true).create(true).truncate(true).open(&tmp)?;
        let mut old = File::open(archive).ok();
        let mut central: Vec<u8> = Vec::new();
        let mut count: u64 = 0;
        let mut moved = Vec::new();
        let r = (|| -> io::Result<()> {
            for s in plan {
                let offset = f.stream_position()?;
                let entry = match s {
                    Source::Old(e) => {
                        let src = match old.as_mut() {
                            Some(src) => src,
                            None => continue,
                        };
                        let hlen = seek_data(src, e)?;
                        // Copy the local header and data as they are.
                        src.seek(SeekFrom::Start(e.offset))?;
                        let mut chunk = src.take(hlen + e.csize);
                        io::copy(&mut chunk, &mut f)?;
                        // A data descriptor, if any, follows.
                        if e.flags & 8 != 0 {
                            let mut sig = [0u8; 4];
                            let src2 = chunk.into_inner();
                            if src2.read_exact(&mut sig).is_ok() {
                                let n = if le32(&sig, 0) == 0x0807_4b50 { 12 } else { 8 };
                                let mut rest = vec![0u8; n];
                                let _ = src2.read_exact(&mut rest);
                                f.write_all(&sig)?;
                                f.write_all(&rest)?;
                            }
                        }
                        let mut e2 = e.clone();
                        e2.offset = offset;
                        e2
                    }
                    Source::New { path, name, verb } => match self.add_entry(&mut f, path, name, verb, offset)? {
                        Some(e) => {
                            moved.push(path.clone());
                            e
                        }
                        None => continue,
                    },
                };
                central.extend(central_record(&entry));
                count += 1;
            }
            let cd_offset = f.stream_position()?;
            f.write_all(&central)?;
            let mut end = Vec::new();
            end.extend_from_slice(&END_SIG.to_le_bytes());
            end.extend_from_slice(&[0, 0, 0, 0]);
            end.extend_from_slice(&(count.min(0xffff) as u16).to_le_bytes());
            end.extend_from_slice(&(count.min(0xffff) as u16).to_le_bytes());
            end.extend_from_slice(&(central.len() as u32).to_le_bytes());
            end.extend_from_slice(&(cd_offset.min(0xffff_ffff) as u32).to_le_bytes());
            end.extend_from_slice(&[0, 0]);
            f.write_all(&end)?;
            f.flush()
        })();
        if let Err(e) = r {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        drop(f);
        // Keep the old archive's mode, as Info-ZIP does.
        if let Ok(st) = fsmeta::stat(archive, true) {
            let _ = fsmeta::chmod(&tmp, st.mode & 0o7777);
        }
        fs::rename(&tmp, archive)?;
        Ok(moved)
    }

    /// Compresses one file into the archive; `None` when it vanished.
    fn add_entry(&mut self, f: &mut File, path: &str, name: &str, verb: &str, offset: u64) -> io::Result<Option<Entry>> {
        let st = match fsmeta::stat(path, !self.o.symlinks) {
            Ok(st) => st,
            Err(e) => {
                let msg = format!("could not open for reading: {}", path);
                let _ = e;
                self.warn(&msg);
                return Ok(None);
            }
        };
        let is_dir = st.is_dir();
        let is_link = st.is_symlink();
        let (dos_date, dos_time) = unix_to_dos(st.mtime.sec, &self.zone);
        let mut extra_local = Vec::new();
        let mut extra_central = Vec::new();
        if !self.o.no_extra {
            // UT: modification and access times (the central copy has mtime only).
            extra_local.extend_from_slice(&0x5455u16.to_le_bytes());
            extra_local.extend_from_slice(&9u16.to_le_bytes());
            extra_local.push(3);
            extra_local.extend_from_slice(&(st.mtime.sec as u32).to_le_bytes());
            extra_local.extend_from_slice(&(st.atime.sec as u32).to_le_bytes());
            extra_central.extend_from_slice(&0x5455u16.to_le_bytes());
            extra_central.extend_from_slice(&5u16.to_le_bytes());
            extra_central.push(3);
            extra_central.extend_from_slice(&(st.mtime.sec as u32).to_le_bytes());
            // ux: Unix owner.
            for x in [&mut extra_local, &mut extra_central] {
                x.extend_from_slice(&0x7875u16.to_le_bytes());
                x.extend_from_slice(&11u16.to_le_bytes());
                x.push(1);
                x.push(4);
                x.extend_from_slice(&st.uid.to_le_bytes());
                x.push(4);
                x.extend_from_slice(&st.gid.to_le_bytes());
            }
        }
        let stored_suffix = self.o.store_suffixes.iter().any(|s| name.to_ascii_lowercase().ends_with(&s.to_ascii_lowercase()));
        let mut method = if is_dir || is_link || self.o.level == 0 || stored_suffix { STORED } else { DEFLATED };
        let level_flags: u16 = match self.o.level {
            8 | 9 => 2,
            1 | 2 => 4,
            _ => 0,
        };
        let header_len = 30 + name.len() as u64 + extra_local.len() as u64;
        let data_start = offset + header_len;
        // Write a provisional header; sizes and CRC are patched afterwards.
        f.write_all(&local_record(name, 0, method, 0, 0, 0, dos_time, dos_date, &extra_local, 10))?;
        let mut crc = crc32fast::Hasher::new();
        let mut usize_: u64 = 0;
        let mut csize: u64;
        if is_dir {
            csize = 0;
        } else if is_link {
            let target = fs::read_link(path)?.to_string_lossy().into_owned();
            crc.update(target.as_bytes());
            f.write_all(target.as_bytes())?;
            usize_ = target.len() as u64;
            csize = usize_;
        } else {
            let mut input = match File::open(path) {
                Ok(i) => i,
                Err(e) => {
                    f.set_len(offset)?;
                    f.seek(SeekFrom::Start(offset))?;
                    let msg = format!("could not open for reading: {}\n\t\t({})", path, strerror(&e));
                    self.warn(&msg);
                    return Ok(None);
                }
            };
            let mut buf = vec![0u8; 64 * 1024];
            let mut cbuf = vec![0u8; 64 * 1024];
            let mut deflate = Compress::new(Compression::new(self.o.level.max(1)), false);
            csize = 0;
            loop {
                let n = input.read(&mut buf)?;
                crc.update(&buf[..n]);
                usize_ += n as u64;
                if method == STORED {
                    if n == 0 {
                        break;
                    }
                    f.write_all(&buf[..n])?;
                    csize += n as u64;
                    continue;
                }
                let flush = if n == 0 { FlushCompress::Finish } else { FlushCompress::None };
                let mut input_slice = &buf[..n];
                loop {
                    let bi = deflate.total_in();
                    let bo = deflate.total_out();
                    let st = deflate.compress(input_slice, &mut cbuf, flush).map_err(|e| io::Error::new(io::ErrorKind::Other, e.to_string()))?;
                    input_slice = &input_slice[(deflate.total_in() - bi) as usize..];
                    let made = (deflate.total_out() - bo) as usize;
                    f.write_all(&cbuf[..made])?;
                    csize += made as u64;
                    if n == 0 {
                        if st == Status::StreamEnd {
                            break;
                        }
                    } else if input_slice.is_empty() && made < cbuf.len() {
                        break;
                    }
                }
                if n == 0 {
                    break;
                }
            }
            // Info-ZIP stores what deflate could not shrink.
            if method == DEFLATED && csize >= usize_ {
                method = STORED;
                f.set_len(data_start)?;
                f.seek(SeekFrom::Start(data_start))?;
                input.seek(SeekFrom::Start(0))?;
                csize = io::copy(&mut input.take(usize_), f)?;
            }
        }
        let end = f.stream_position()?;
        let crc = crc.finalize();
        let needed = if method == DEFLATED || is_dir { 20 } else { 10 };
        let flags = if method == DEFLATED { level_flags } else { 0 };
        f.seek(SeekFrom::Start(offset))?;
        f.write_all(&local_record(name, flags, method, crc, csize, usize_, dos_time, dos_date, &extra_local, needed))?;
        f.seek(SeekFrom::Start(end))?;
        let text = !is_dir && !is_link && usize_ > 0 && looks_text(path);
        let mut external = (st.mode & 0o177777) << 16;
        if is_dir {
            external |= 0x10;
        }
        let e = Entry {
            name: name.to_string(),
            raw_name: name.as_bytes().to_vec(),
            version_made: 0x031e,
            version_needed: needed,
            flags,
            method,
            dos_time,
            dos_date,
            crc,
            csize,
            usize: usize_,
            internal: if text { 1 } else { 0 },
            external,
            offset,
            extra: extra_central,
            comment: Vec::new(),
            mtime: Some(st.mtime.sec),
        };
        self.total_in += usize_;
        self.total_out += csize;
        if !self.o.quiet {
            let how = if method == DEFLATED { "deflated" } else { "stored" };
            if self.o.verbose {
                let _ = writeln!(self.out, "{}: {}\t(in={}) (out={}) ({} {}%)", verb, name, usize_, csize, how, percent(usize_, csize));
            } else {
                let _ = writeln!(self.out, "{}: {} ({} {}%)", verb, name, how, percent(usize_, csize));
            }
        }
        Ok(Some(e))
    }
}

/// Info-ZIP marks entries whose first block has no binary bytes as text.
fn looks_text(path: &str) -> bool {
    let mut buf = [0u8; 4096];
    let n = File::open(path).and_then(|mut f| f.read(&mut buf)).unwrap_or(0);
    !buf[..n].iter().any(|&b| b == 0 || (b < 7) || (b > 13 && b < 26) || (b > 27 && b < 32))
}

#[allow(clippy::too_many_arguments)]
fn local_record(name: &str, flags: u16, method: u16, crc: u32, csize: u64, usize_: u64, time: u16, date: u16, extra: &[u8], needed: u16) -> Vec<u8> {
    let mut h = Vec::with_capacity(30 + name.len() + extra.len());
    h.extend_from_slice(&LOCAL_SIG.to_le_bytes());
    h.extend_from_slice(&needed.to_le_bytes());
    h.extend_from_slice(&flags.to_le_bytes());
    h.extend_from_slice(&method.to_le_bytes());
    h.extend_from_slice(&time.to_le_bytes());
    h.extend_from_slice(&date.to_le_bytes());
    h.extend_from_slice(&crc.to_le_bytes());
    h.extend_from_slice(&(csize.min(0xffff_ffff) as u32).to_le_bytes());
    h.extend_from_slice(&(usize_.min(0xffff_ffff) as u32).to_le_bytes());
    h.extend_from_slice(&(name.len() as u16).to_le_bytes());
    h.extend_from_slice(&(extra.len() as u16).to_le_bytes());
    h.extend_from_slice(name.as_bytes());
    h.extend_from_slice(extra);
    h
}

fn central_record(e: &Entry) -> Vec<u8> {
    let mut h = Vec::with_capacity(46 + e.raw_name.len() + e.extra.len());
    h.extend_from_slice(&CENTRAL_SIG.to_le_bytes());
    h.extend_from_slice(&e.version_made.to_le_bytes());
    h.extend_from_slice(&e.version_needed.to_le_bytes());
    h.extend_from_slice(&e.flags.to_le_bytes());
    h.extend_from_slice(&e.method.to_le_bytes());
    h.extend_from_slice(&e.dos_time.to_le_bytes());
    h.extend_from_slice(&e.dos_date.to_le_bytes());
    h.extend_from_slice(&e.crc.to_le_bytes());
    h.extend_from_slice(&(e.csize.min(0xffff_ffff) as u32).to_le_bytes());
    h.extend_from_slice(&(e.usize.min(0xffff_ffff) as u32).to_le_bytes());
    h.extend_from_slice(&(e.raw_name.len() as u16).to_le_bytes());
    h.extend_from_slice(&(e.extra.len() as u16).to_le_bytes());
    h.extend_from_slice(&(e.comment.len() as u16).to_le_bytes());
    h.extend_from_slice(&0u16.to_le_bytes());
    h.extend_from_slice(&e.internal.to_le_bytes());
    h.extend_from_slice(&e.external.to_le_bytes());
    h.extend_from_slice(&(e.offset.min(0xffff_ffff) as u32).to_le_bytes());
    h.extend_from_slice(&e.raw_name);
    h.extend_from_slice(&e.extra);
    h.extend_from_slice(&e.comment);
    h
}

// ---------------------------------------------------------------------------
// unzip
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum UnzipMode {
    Extract,
    List,
    Verbose,
    Test,
    Pipe,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Overwrite {
    Ask,
    Always,
    Never,
}

struct UnzipOpts {
    mode: UnzipMode,
    quiet: u32,
    overwrite: Overwrite,
    junk: bool,
    exdir: Option<String>,
    includes: Vec<String>,
    excludes: Vec<String>,
    case_insensitive: bool,
}

const UNZIP_USAGE: &str = "UnZip 6.00 of 20 April 2009, by Debian. Original by Info-ZIP.

Usage: unzip [-Z] [-opts[modifiers]] file[.zip] [list] [-x xlist] [-d exdir]
  Default action is to extract files in list, except those in xlist, to exdir;
  file[.zip] may be a wildcard.  -Z => ZipInfo mode (\"unzip -Z\" for usage).

  -p  extract files to pipe, no messages     -l  list files (short format)
  -f  freshen existing files, create none    -t  test compressed archive data
  -u  update files, create if necessary      -z  display archive comment only
  -v  list verbosely/show version info       -T  timestamp archive to latest
  -x  exclude files that follow (in xlist)   -d  extract files into exdir
modifiers:
  -n  never overwrite existing files         -q  quiet mode (-qq => quieter)
  -o  overwrite files WITHOUT prompting      -a  auto-convert any text files
  -j  junk paths (do not make directories)   -aa treat ALL files as text
  -U  use escapes for all non-ASCII Unicode  -UU ignore any Unicode fields
  -C  match filenames case-insensitively     -L  make (some) names lowercase
  -X  restore UID/GID info                   -V  retain VMS version numbers
  -K  keep setuid/setgid/tacky permissions   -M  pipe through \"more\" pager
See \"unzip -hh\" or unzip.txt for more help.  Examples:
  unzip data1 -x joe   => extract all files except joe from zipfile data1.zip
  unzip -p foo | more  => send contents of foo.zip via pipe into program more
  unzip -fo foo ReadMe => quietly replace existing ReadMe if archive file newer
";

pub fn main_unzip(argv: &[String]) -> i32 {
    let mut o = UnzipOpts {
        mode: UnzipMode::Extract,
        quiet: 0,
        overwrite: Overwrite::Ask,
        junk: false,
        exdir: None,
        includes: Vec::new(),
        excludes: Vec::new(),
        case_insensitive: false,
    };
    let mut archive: Option<String> = None;
    let mut in_xlist = false;
    let mut i = 0;
    if argv.is_empty() {
        print!("{}", UNZIP_USAGE);
        return 0;
    }
    while i < argv.len() {
        let a = &argv[i];
        i += 1;
        if a.len() > 1 && a.starts_with('-') {
            in_xlist = false;
            let chars: Vec<char> = a[1..].chars().collect();
            let mut k = 0;
            while k < chars.len() {
                let c = chars[k];
                k += 1;
                match c {
                    'l' => o.mode = UnzipMode::List,
                    'v' => o.mode = UnzipMode::Verbose,
                    't' => o.mode = UnzipMode::Test,
                    'p' => o.mode = UnzipMode::Pipe,
                    'q' => o.quiet += 1,
                    'o' => o.overwrite = Overwrite::Always,
                    'n' => o.overwrite = Overwrite::Never,
                    'j' => o.junk = true,
                    'C' => o.case_insensitive = true,
                    'x' => in_xlist = true,
                    'd' => {
                        let v: String = chars[k..].iter().collect();
                        k = chars.len();
                        if !v.is_empty() {
                            o.exdir = Some(v);
                        } else if i < argv.len() {
                            o.exdir = Some(argv[i].clone());
                            i += 1;
                        } else {
                            eprintln!("error:  must specify directory to which to extract with -d option");
                            return 10;
                        }
                    }
                    'h' => {
                        print!("{}", UNZIP_USAGE);
                        return 0;
                    }
                    'D' | 'X' | 'K' | 'U' | 'V' => {}
                    other => return unsupported("unzip", &format!("-{}", other)),
                }
            }
            continue;
        }
        if in_xlist {
            o.excludes.push(a.clone());
        } else if archive.is_none() {
            archive = Some(a.clone());
        } else {
            o.includes.push(a.clone());
        }
    }
    let archive = match archive {
        Some(a) => a,
        None => {
            print!("{}", UNZIP_USAGE);
            return 0;
        }
    };
    let mut u = Unzipper { o, out: stdout(), zone: Zone::from_env(), status: 0 };
    let code = u.run(&archive);
    let _ = u.out.flush();
    code
}

struct Unzipper {
    o: UnzipOpts,
    out: Out,
    zone: Zone,
    status: i32,
}

/// unzip's compression factor in per mille, as its listings round it.
fn ratio(uc: u64, c: u64) -> i64 {
    if uc == 0 {
        return 0;
    }
    let (num, denom) = if uc > 2_000_000 { (1, uc / 1000) } else { (1000, uc) };
    if uc >= c {
        ((num * (uc - c) + denom / 2) / denom) as i64
    } else {
        -(((num * (c - uc) + denom / 2) / denom) as i64)
    }
}

fn cfactor(uc: u64, c: u64) -> String {
    let r = ratio(uc, c);
    let pct = if r >= 0 { (r + 5) / 10 } else { -((-r + 5) / 10) };
    format!("{:>3}%", pct)
}

impl Unzipper {
    fn selected(&self, name: &str) -> bool {
        let m = |p: &String| {
            if self.o.case_insensitive {
                fnmatch(p.to_lowercase().as_bytes(), name.to_lowercase().as_bytes(), false)
            } else {
                fnmatch(p.as_bytes(), name.as_bytes(), false)
            }
        };
        (self.o.includes.is_empty() || self.o.includes.iter().any(m)) && !self.o.excludes.iter().any(m)
    }

    fn open(&mut self, archive: &str) -> Result<(File, String), i32> {
        let candidates = [archive.to_string(), format!("{}.zip", archive), format!("{}.ZIP", archive)];
        for c in &candidates {
            if let Ok(st) = fsmeta::stat(c, true) {
                if st.is_dir() {
                    continue;
                }
                match File::open(c) {
                    Ok(f) => return Ok((f, c.clone())),
                    Err(_) => continue,
                }
            }
        }
        eprintln!("unzip:  cannot find or open {}, {}.zip or {}.ZIP.", archive, archive, archive);
        Err(9)
    }

    fn run(&mut self, archive: &str) -> i32 {
        let (mut f, name) = match self.open(archive) {
            Ok(x) => x,
            Err(code) => return code,
        };
        let quiet = self.o.quiet;
        if self.o.mode != UnzipMode::Pipe && !(quiet > 0 && matches!(self.o.mode, UnzipMode::List | UnzipMode::Verbose | UnzipMode::Test)) && quiet < 1 {
            let _ = writeln!(self.out, "Archive:  {}", name);
        }
        let entries = match read_directory(&mut f) {
            Ok((e, _)) => e,
            Err(OpenError::NotZip) | Err(OpenError::Io(_)) => {
                let _ = self.out.flush();
                eprintln!("  End-of-central-directory signature not found.  Either this file is not");
                eprintln!("  a zipfile, or it constitutes one disk of a multi-part archive.  In the");
                eprintln!("  latter case the central directory and zipfile comment will be found on");
                eprintln!("  the last disk(s) of this archive.");
                eprintln!("unzip:  cannot find zipfile directory in one of {} or", archive);
                eprintln!("        {}.zip, and cannot find {}.ZIP, period.", archive, archive);
                return 9;
            }
            Err(OpenError::Bad(m)) => {
                let _ = self.out.flush();
                eprintln!("error [{}]:  {}", name, m);
                return 3;
            }
        };
        if entries.is_empty() {
            let _ = self.out.flush();
            eprintln!("warning [{}]:  zipfile is empty", name);
            return 1;
        }
        let chosen: Vec<Entry> = entries.iter().filter(|e| self.selected(&e.name)).cloned().collect();
        let unmatched: Vec<String> =
            self.o.includes.iter().filter(|p| !entries.iter().any(|e| fnmatch(p.as_bytes(), e.name.as_bytes(), false))).cloned().collect();
        let r = match self.o.mode {
            UnzipMode::List => self.list(&chosen),
            UnzipMode::Verbose => self.list_verbose(&chosen),
            UnzipMode::Test => self.test(&mut f, &name, &chosen, &unmatched),
            UnzipMode::Pipe => self.pipe(&mut f, &chosen),
            UnzipMode::Extract => self.extract(&mut f, &chosen),
        };
        let _ = self.out.flush();
        let listing = matches!(self.o.mode, UnzipMode::List | UnzipMode::Verbose);
        // Names given but matching nothing: a caution (not when listing),
        // and status 11 (when listing, only if nothing matched at all).
        let mut code = r;
        if !listing && self.o.mode != UnzipMode::Test {
            for p in &unmatched {
                eprintln!("caution: filename not matched:  {}", p);
            }
        }
        if (!unmatched.is_empty() && (!listing || chosen.is_empty())) || (chosen.is_empty() && !self.o.excludes.is_empty()) {
            if code == 0 {
                code = 11;
            }
        }
        code
    }

    fn date(&self, e: &Entry) -> String {
        let tm = datetime::localtime(Timespec::new(e.time(&self.zone), 0), &self.zone);
        format!("{:04}-{:02}-{:02} {:02}:{:02}", tm.year, tm.month, tm.mday, tm.hour, tm.min)
    }

    fn list(&mut self, entries: &[Entry]) -> i32 {
        let q = self.o.quiet;
        if q < 2 {
            let _ = writeln!(self.out, "  Length      Date    Time    Name");
            let _ = writeln!(self.out, "---------  ---------- -----   ----");
        }
        let mut total = 0u64;
        for e in entries {
            let _ = writeln!(self.out, "{:>9}  {}   {}", e.usize, self.date(e), e.name);
            total += e.usize;
        }
        if q < 2 {
            let _ = writeln!(self.out, "---------                     -------");
            let n = entries.len();
            let _ = writeln!(self.out, "{:>9}                     {} file{}", total, n, if n == 1 { "" } else { "s" });
        }
        0
    }

    fn list_verbose(&mut self, entries: &[Entry]) -> i32 {
        let q = self.o.quiet;
        if q < 2 {
            let _ = writeln!(self.out, " Length   Method    Size  Cmpr    Date    Time   CRC-32   Name");
            let _ = writeln!(self.out, "--------  ------  ------- ---- ---------- ----- --------  ----");
        }
        let (mut tu, mut tc) = (0u64, 0u64);
        for e in entries {
            let method = match e.method {
                STORED => "Stored".to_string(),
                DEFLATED => format!(
                    "Defl:{}",
                    match (e.flags >> 1) & 3 {
                        1 => 'X',
                        2 => 'F',
                        3 => 'S',
                        _ => 'N',
                    }
                ),
                m => format!("Unk:{:03}", m),
            };
            let _ = writeln!(
                self.out,
                "{:>8}  {:<6} {:>8} {} {} {:08x}  {}",
                e.usize,
                method,
                e.csize,
                cfactor(e.usize, e.csize),
                self.date(e),
                e.crc,
                e.name
            );
            tu += e.usize;
            tc += e.csize;
        }
        if q < 2 {
            let _ = writeln!(self.out, "--------          -------  ---                            -------");
            let n = entries.len();
            let _ = writeln!(
                self.out,
                "{:>8}         {:>8} {}                            {} file{}",
                tu,
                tc,
                cfactor(tu, tc),
                n,
                if n == 1 { "" } else { "s" }
            );
        }
        0
    }

    fn data_error_msg(&self, e: &Entry, err: &DataError) -> String {
        match err {
            DataError::Crc(stored) => format!("bad CRC {:08x}  (should be {:08x})", 0, stored).replace("00000000", &format!("{:08x}", e.crc)),
            DataError::Method(m) => format!("unsupported compression method {}", m),
            DataError::Encrypted => "skipping: encrypted".to_string(),
            DataError::Format => "invalid compressed data to inflate".to_string(),
            DataError::Read(x) | DataError::Write(x) => strerror(x).to_string(),
        }
    }

    fn test(&mut self, f: &mut File, name: &str, entries: &[Entry], unmatched: &[String]) -> i32 {
        let mut errors = 0;
        for e in entries {
            let r = extract_data(f, e, &mut io::sink());
            match r {
                Ok(()) => {
                    if self.o.quiet == 0 {
                        let _ = writeln!(self.out, "    testing: {:<22}   OK", e.name);
                    }
                }
                Err(err) => {
                    errors += 1;
                    let msg = self.data_error_msg(e, &err);
                    let _ = writeln!(self.out, "    testing: {:<22}   {}", e.name, msg);
                }
            }
        }
        for p in unmatched {
            let _ = writeln!(self.out, "caution: filename not matched:  {}", p);
        }
        if errors > 0 || !unmatched.is_empty() {
            let _ = writeln!(self.out, "At least one error was detected in {}.", name);
            return if errors > 0 { 2 } else { 11 };
        }
        if self.o.quiet < 2 {
            if self.o.includes.is_empty() && self.o.excludes.is_empty() {
                let _ = writeln!(self.out, "No errors detected in compressed data of {}.", name);
            } else {
                let n = entries.len();
                let _ = writeln!(self.out, "No errors detected in {} for the {} file{} tested.", name, n, if n == 1 { "" } else { "s" });
            }
        }
        0
    }

    fn pipe(&mut self, f: &mut File, entries: &[Entry]) -> i32 {
        let mut code = 0;
        for e in entries {
            if e.is_dir() {
                continue;
            }
            let mut out = std::mem::replace(&mut self.out, stdout());
            let r = extract_data(f, e, &mut out);
            self.out = out;
            if let Err(err) = r {
                let msg = self.data_error_msg(e, &err);
                let _ = self.out.flush();
                eprintln!("{}:  {}", e.name, msg);
                code = 2;
            }
        }
        code
    }

    /// The overwrite question; reads the answer from standard input.
    fn ask(&mut self, path: &str) -> char {
        let _ = self.out.flush();
        eprint!("replace {}? [y]es, [n]o, [A]ll, [N]one, [r]ename: ", path);
        let mut line = Vec::new();
        let mut b = [0u8; 1];
        let mut stdin = RawFd::new(0);
        loop {
            match stdin.read(&mut b) {
                Ok(1) if b[0] == b'\n' => break,
                Ok(1) => line.push(b[0]),
                _ => {
                    if line.is_empty() {
                        eprintln!(" NULL\n(EOF or read error, treating as \"[N]one\" ...)");
                        return 'N';
                    }
                    break;
                }
            }
        }
        match line.first() {
            Some(b'y') | Some(b'Y') => 'y',
            Some(b'A') => 'A',
            Some(b'N') => 'N',
            Some(b'r') => 'n',
            _ => 'n',
        }
    }

    fn extract(&mut self, f: &mut File, entries: &[Entry]) -> i32 {
        if let Some(d) = self.o.exdir.clone() {
            if fsmeta::stat(&d, true).is_err() {
                // One level only, as unzip's checkdir does.
                if let Err(e) = fs::create_dir(&d) {
                    let _ = self.out.flush();
                    eprintln!("checkdir:  cannot create extraction directory: {}\n           {}", d, strerror(&e));
                    return 2;
                }
            }
        }
        let mut code = 0;
        let mut links: Vec<(String, String)> = Vec::new();
        let mut dirs: Vec<(String, Entry)> = Vec::new();
        for e in entries {
            let mut rel = e.name.clone();
            // unzip strips leading slashes and ".." components.
            rel = rel.trim_start_matches('/').to_string();
            let parts: Vec<&str> = rel.split('/').filter(|c| *c != ".." && *c != ".").collect();
            rel = parts.join("/");
            if self.o.junk {
                if e.is_dir() {
                    continue;
                }
                rel = rel.rsplit('/').next().unwrap_or("").to_string();
            }
            if rel.is_empty() {
                continue;
            }
            let path = match &self.o.exdir {
                Some(d) => format!("{}/{}", d.trim_end_matches('/'), rel),
                None => rel.clone(),
            };
            if e.is_dir() {
                let p = path.trim_end_matches('/').to_string();
                if fsmeta::stat(&p, true).is_err() {
                    if let Err(err) = fs::create_dir_all(&p) {
                        eprintln!("checkdir error:  cannot create {}\n                 {}", p, strerror(&err));
                        code = 1;
                        continue;
                    }
                    if self.o.quiet == 0 {
                        let _ = writeln!(self.out, "   creating: {}", path);
                    }
                }
                dirs.push((p, e.clone()));
                continue;
            }
            if let Some(i) = path.rfind('/') {
                let parent = &path[..i];
                if !parent.is_empty() && fsmeta::stat(parent, true).is_err() {
                    let _ = fs::create_dir_all(parent);
                }
            }
            if let Ok(st) = fsmeta::stat(&path, false) {
                match self.o.overwrite {
                    Overwrite::Never => {
                        if st.is_symlink() && self.o.quiet == 0 {
                            let _ = writeln!(self.out, "{} exists and is a symbolic link.", path);
                        }
                        continue;
                    }
                    Overwrite::Ask => match self.ask(&path) {
                        'y' => {}
                        'A' => self.o.overwrite = Overwrite::Always,
                        'N' => {
                            self.o.overwrite = Overwrite::Never;
                            code = code.max(1);
                            continue;
                        }
                        _ => continue,
                    },
                    Overwrite::Always => {}
                }
                if !st.is_dir() {
                    let _ = fs::remove_file(&path);
                }
            }
            if e.is_symlink() {
                let mut target = Vec::new();
                if let Err(err) = extract_data(f, e, &mut target) {
                    let msg = self.data_error_msg(e, &err);
                    eprintln!("{}:  {}", path, msg);
                    code = 2;
                    continue;
                }
                let target = String::from_utf8_lossy(&target).into_owned();
                if self.o.quiet == 0 {
                    let _ = writeln!(self.out, "    linking: {:<22}  -> {} ", path, target);
                }
                links.push((path, target));
                continue;
            }
            if self.o.quiet == 0 {
                let verb = if e.method == DEFLATED { "  inflating" } else { " extracting" };
                let _ = writeln!(self.out, "{}: {:<22}  ", verb, path);
            }
            let file = match OpenOptions::new().write(true).create(true).truncate(true).open(&path) {
                Ok(x) => x,
                Err(err) => {
                    let _ = self.out.flush();
                    eprintln!("error:  cannot create {}\n        {}", path, strerror(&err));
                    code = 2;
                    continue;
                }
            };
            let mut w = io::BufWriter::with_capacity(64 * 1024, file);
            let r = extract_data(f, e, &mut w);
            let _ = w.flush();
            drop(w);
            if let Err(err) = r {
                let msg = self.data_error_msg(e, &err);
                let _ = self.out.flush();
                eprintln!("{}:  {}", path, msg);
                code = 2;
            }
            // unzip restores the stored mode as it is (no umask), less
            // set-id bits.
            if let Some(m) = e.unix_mode() {
                let _ = fsmeta::chmod(&path, m & 0o1777);
            }
            let t = Timespec::new(e.time(&self.zone), 0);
            let _ = fsmeta::set_times(&path, true, SetTime::At(t), SetTime::At(t));
        }
        if !links.is_empty() {
            if self.o.quiet == 0 {
                let _ = writeln!(self.out, "finishing deferred symbolic links:");
            }
            for (path, target) in links {
                if self.o.quiet == 0 {
                    let _ = writeln!(self.out, "  {:<22} -> {}", path, target);
                }
                if let Err(err) = super::tar::make_symlink(&target, &path) {
                    eprintln!("error:  cannot create symlink {}\n        {}", path, strerror(&err));
                    code = 2;
                }
            }
        }
        // Directory times last, deepest first.
        for (p, e) in dirs.into_iter().rev() {
            if let Some(m) = e.unix_mode() {
                let _ = fsmeta::chmod(&p, m & 0o1777);
            }
            let t = Timespec::new(e.time(&self.zone), 0);
            let _ = fsmeta::set_times(&p, true, SetTime::At(t), SetTime::At(t));
        }
        let _ = self.status;
        code
    }
}
