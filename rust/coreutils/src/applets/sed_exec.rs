//! `sed`'s executor: GNU sed 4.9's cycle (read a line into the pattern
//! space, run the commands whose addresses match, print it unless `-n`,
//! write the queued `a`/`r`/`R` text), with its input handling (`$` looks
//! ahead across files, `-s` and `-i` restart line numbers per file) and
//! in-place editing through a temporary file renamed over the original.
//! Part of the `sed` applet family.

use std::rc::Rc;

use super::sed_io::{run_shell, Reader, Sink, Source};
use super::sed_parse::path;
use super::sed_script::{
    Addr, Cmd, InputFile, Kind, OutputSpec, Posix, Program, Range, SedError, SedRegex, Subst, Translit,
    CASE_ONE, CASE_UPPER, CASE_UPPER_FIRST, EXIT_BAD_INPUT,
};
use wsutil::regex::{ctype, ExecFlags};
use wsutil::strerror;

pub const APPLETS: &[wsutil::Applet] = &[];

/// Settings from the command line.
pub struct Config {
    pub quiet: bool,
    pub delim: u8,
    pub separate: bool,
    pub unbuffered: bool,
    pub posix: Posix,
    /// `l`'s line length (`-l N`, or COLS - 1); 0 or less: no wrapping.
    pub line_len: i64,
    /// `-i`: the backup name pattern, `*` standing for the file's name
    /// (`*` alone: no backup).
    pub in_place: Option<Vec<u8>>,
    pub follow_symlinks: bool,
}

/// Where a line is written: the main output (standard output, or the
/// temporary file of `-i`) or a `w` file.
#[derive(Clone, Copy)]
enum Target {
    Main,
    W(usize),
}

enum WDest {
    Stdout,
    Stderr,
    File(Sink),
}

/// GNU's `struct output`: a stream and whether its last line lacked its
/// newline (one is written before anything else goes there).
struct WOut {
    dest: WDest,
    missing_newline: bool,
}

struct Outputs {
    stdout: Sink,
    stderr: Sink,
    temp: Option<Sink>,
    main_missing: bool,
    w: Vec<WOut>,
    delim: u8,
    unbuffered: bool,
}

impl Outputs {
    fn parts(&mut self, t: Target) -> (&mut Sink, &mut bool) {
        match t {
            Target::Main => {
                let sink = match self.temp.as_mut() {
                    Some(s) => s,
                    None => &mut self.stdout,
                };
                (sink, &mut self.main_missing)
            }
            Target::W(i) => {
                let w = &mut self.w[i];
                let sink = match &mut w.dest {
                    WDest::Stdout => &mut self.stdout,
                    WDest::Stderr => &mut self.stderr,
                    WDest::File(s) => s,
                };
                (sink, &mut w.missing_newline)
            }
        }
    }

    /// GNU's `output_missing_newline`.
    fn missing_newline(&mut self, t: Target) -> Result<(), SedError> {
        let delim = self.delim;
        let (sink, missing) = self.parts(t);
        if *missing {
            *missing = false;
            sink.write(&[delim])?;
        }
        Ok(())
    }

    /// GNU's `output_line`.
    fn line(&mut self, t: Target, text: &[u8], nl: bool) -> Result<(), SedError> {
        let (delim, unbuffered) = (self.delim, self.unbuffered);
        let (sink, missing) = self.parts(t);
        if *missing {
            *missing = false;
            sink.write(&[delim])?;
        }
        sink.write(text)?;
        if nl {
            sink.write(&[delim])?;
        } else {
            *missing = true;
        }
        if unbuffered {
            sink.flush()?;
        }
        Ok(())
    }

    fn raw(&mut self, t: Target, data: &[u8]) -> Result<(), SedError> {
        self.parts(t).0.write(data)
    }

    fn flush_if_unbuffered(&mut self, t: Target) -> Result<(), SedError> {
        if self.unbuffered {
            self.parts(t).0.flush()?;
        }
        Ok(())
    }
}

/// Text waiting for the end of the cycle.
enum Queued {
    Text(Rc<[u8]>),
    File(Rc<[u8]>),
    Owned(Vec<u8>),
}

/// The temporary file of `-i` for the current input.
struct InPlace {
    temp: Vec<u8>,
    target: Vec<u8>,
    mode: u32,
}

/// Everything but the commands: input, output, the spaces.
struct State {
    cfg: Config,
    files: Vec<Vec<u8>>,
    next_file: usize,
    reader: Option<Reader>,
    /// The current file's name for `F` (`-` for standard input).
    in_file_name: Vec<u8>,
    stdin_closed: bool,
    line_number: u64,
    reset_at_next_file: bool,
    /// Set when a new file starts under `-s`/`-i`: the ranges restart.
    reset_ranges: bool,
    bad_count: u32,
    line: Vec<u8>,
    chomped: bool,
    hold: Vec<u8>,
    hold_chomped: bool,
    /// GNU's `s_accum`, whose "chomped" flag `e` swaps in.
    accum: Vec<u8>,
    accum_chomped: bool,
    replaced: bool,
    queue: Vec<Queued>,
    out: Outputs,
    rfiles: Vec<Option<Reader>>,
    in_place: Option<InPlace>,
    last_regex: Option<Rc<SedRegex>>,
    runtime_loc: Vec<u8>,
    spans: Vec<(usize, usize)>,
}

pub struct Sed {
    cmds: Vec<Cmd>,
    st: State,
}

const UNSET: (usize, usize) = (usize::MAX, usize::MAX);

/// How the cycle ends.
enum Flow {
    Next,
    Quit(u64),
}

impl Sed {
    pub fn new(prog: Program, cfg: Config, files: Vec<Vec<u8>>) -> Self {
        let delim = cfg.delim;
        let unbuffered = cfg.unbuffered;
        let w = prog
            .outputs
            .into_iter()
            .map(|spec| WOut {
                dest: match spec {
                    OutputSpec::Stdout => WDest::Stdout,
                    OutputSpec::Stderr => WDest::Stderr,
                    OutputSpec::File { name, file } => WDest::File(Sink::file(file, &name)),
                },
                missing_newline: false,
            })
            .collect();
        let rfiles = prog
            .inputs
            .into_iter()
            .map(|spec| {
                spec.file.map(|f| match f {
                    InputFile::Stdin => Reader::new(Source::Stdin(wsutil::io::stdin()), b"stdin", unbuffered),
                    InputFile::File(f) => Reader::new(Source::File(f), &spec.name, unbuffered),
                })
            })
            .collect();
        let files = if files.is_empty() { vec![b"-".to_vec()] } else { files };
        Sed {
            cmds: prog.cmds,
            st: State {
                cfg,
                files,
                next_file: 0,
                reader: None,
                in_file_name: Vec::new(),
                stdin_closed: false,
                line_number: 0,
                reset_at_next_file: true,
                reset_ranges: false,
                bad_count: 0,
                line: Vec::new(),
                chomped: true,
                hold: Vec::new(),
                hold_chomped: true,
                accum: Vec::new(),
                accum_chomped: true,
                replaced: false,
                queue: Vec::new(),
                out: Outputs {
                    stdout: Sink::stdout(),
                    stderr: Sink::stderr(),
                    temp: None,
                    main_missing: false,
                    w,
                    delim,
                    unbuffered,
                },
                rfiles,
                in_place: None,
                last_regex: None,
                runtime_loc: prog.runtime_loc,
                spans: Vec::new(),
            },
        }
    }

    /// Runs the script over the input; returns the exit status.
    pub fn run(&mut self) -> Result<i32, SedError> {
        let mut status = 0;
        while self.read_pattern_space(false)? {
            if let Flow::Quit(code) = self.execute()? {
                status = (code & 0xff) as i32;
                break;
            }
        }
        self.st.closedown()?;
        if self.st.bad_count > 0 {
            status = EXIT_BAD_INPUT;
        }
        Ok(status)
    }

    /// Closes the `w` files and flushes standard output, as GNU's exit.
    pub fn finish(&mut self) -> Result<(), SedError> {
        for w in &mut self.st.out.w {
            if let WDest::File(s) = &mut w.dest {
                s.close()?;
            }
        }
        self.st.out.stdout.flush()
    }

    /// After a fatal error: what was written goes out, the temporary file
    /// of `-i` goes away.
    pub fn abandon(&mut self) {
        for w in &mut self.st.out.w {
            if let WDest::File(s) = &mut w.dest {
                s.flush_quietly();
            }
        }
        self.st.out.stdout.flush_quietly();
        if let Some(ip) = self.st.in_place.take() {
            self.st.out.temp = None;
            let _ = std::fs::remove_file(path(&ip.temp));
        }
    }

    fn read_pattern_space(&mut self, append: bool) -> Result<bool, SedError> {
        let got = self.st.read_pattern_space(append)?;
        if self.st.reset_ranges {
            self.st.reset_ranges = false;
            for c in &mut self.cmds {
                c.reset_range();
            }
        }
        Ok(got)
    }

    /// One cycle over the commands.
    fn execute(&mut self) -> Result<Flow, SedError> {
        let mut pc = 0;
        while pc < self.cmds.len() {
            let matched = self.st.match_address(&mut self.cmds[pc])?;
            if matched == self.cmds[pc].bang {
                pc += 1;
                continue;
            }
            let st = &mut self.st;
            let delim = st.cfg.delim;
            match &self.cmds[pc].kind {
                Kind::Block(to) | Kind::Branch(to) => {
                    pc = *to;
                    continue;
                }
                Kind::BlockEnd | Kind::Label => {}
                Kind::Append(text) => {
                    // Even an empty text ends a line left without its newline.
                    let t: &[u8] = text.as_deref().unwrap_or(b"");
                    st.queue.push(Queued::Text(Rc::from(t)));
                }
                Kind::Insert(text) => {
                    if let Some(t) = text {
                        st.out.line(Target::Main, &t[..t.len() - 1], true)?;
                    }
                }
                Kind::Change(text) => {
                    if self.cmds[pc].range != Range::Active {
                        if let Some(t) = text {
                            st.out.line(Target::Main, &t[..t.len() - 1], true)?;
                        }
                    }
                    return Ok(Flow::Next);
                }
                Kind::Delete => return Ok(Flow::Next),
                Kind::DeleteFirst => match memchr::memchr(delim, &st.line) {
                    None => return Ok(Flow::Next),
                    Some(i) => {
                        st.line.drain(..=i);
                        pc = 0;
                        continue;
                    }
                },
                Kind::Exec(text) => st.exec(text.as_deref())?,
                Kind::FileName => {
                    st.out.missing_newline(Target::Main)?;
                    let mut v = st.in_file_name.clone();
                    v.push(delim);
                    st.out.raw(Target::Main, &v)?;
                    st.out.flush_if_unbuffered(Target::Main)?;
                }
                Kind::Get => {
                    st.line.clear();
                    st.line.extend_from_slice(&st.hold);
                    st.chomped = st.hold_chomped;
                }
                Kind::GetAppend => {
                    st.line.push(delim);
                    st.line.extend_from_slice(&st.hold);
                    st.chomped = st.hold_chomped;
                }
                Kind::Hold => {
                    st.hold.clear();
                    st.hold.extend_from_slice(&st.line);
                    st.hold_chomped = st.chomped;
                }
                Kind::HoldAppend => {
                    st.hold.push(delim);
                    st.hold.extend_from_slice(&st.line);
                    st.hold_chomped = st.chomped;
                }
                Kind::List(n) => {
                    let len = n.map_or(st.cfg.line_len, |n| n.min(i64::MAX as u64) as i64);
                    st.list(len)?;
                }
                Kind::Next => {
                    if !st.cfg.quiet {
                        st.out.line(Target::Main, &st.line, st.chomped)?;
                    }
                    if st.test_eof()? || !self.read_pattern_space(false)? {
                        return Ok(Flow::Next);
                    }
                }
                Kind::NextAppend => {
                    st.line.push(delim);
                    if st.test_eof()? || !self.read_pattern_space(true)? {
                        let st = &mut self.st;
                        st.line.pop();
                        if st.cfg.posix == Posix::Extended && !st.cfg.quiet {
                            st.out.line(Target::Main, &st.line, st.chomped)?;
                        }
                        return Ok(Flow::Next);
                    }
                }
                Kind::Print => st.out.line(Target::Main, &st.line, st.chomped)?,
                Kind::PrintFirst => {
                    let (end, nl) = match memchr::memchr(delim, &st.line) {
                        Some(i) => (i, true),
                        None => (st.line.len(), st.chomped),
                    };
                    st.out.line(Target::Main, &st.line[..end], nl)?;
                }
                Kind::Quit(code) => {
                    if !st.cfg.quiet {
                        st.out.line(Target::Main, &st.line, st.chomped)?;
                    }
                    st.dump_append_queue()?;
                    return Ok(Flow::Quit(*code));
                }
                Kind::QuitSilent(code) => return Ok(Flow::Quit(*code)),
                Kind::ReadFile { name, prepend } => {
                    if *prepend {
                        st.print_file(name)?;
                    } else {
                        st.queue.push(Queued::File(Rc::from(name.as_slice())));
                    }
                }
                Kind::ReadLine(i) => st.read_r_line(*i)?,
                Kind::Subst(sub) => {
                    let sub = Rc::clone(sub);
                    st.subst(&sub)?;
                }
                Kind::BranchIfSub(to) => {
                    if st.replaced {
                        st.replaced = false;
                        pc = *to;
                        continue;
                    }
                }
                Kind::BranchUnlessSub(to) => {
                    if !st.replaced {
                        pc = *to;
                        continue;
                    }
                    st.replaced = false;
                }
                Kind::Write(i) => st.out.line(Target::W(*i), &st.line, st.chomped)?,
                Kind::WriteFirst(i) => {
                    let (end, nl) = match memchr::memchr(delim, &st.line) {
                        Some(p) => (p, true),
                        None => (st.line.len(), st.chomped),
                    };
                    st.out.line(Target::W(*i), &st.line[..end], nl)?;
                }
                Kind::Exchange => {
                    std::mem::swap(&mut st.line, &mut st.hold);
                    std::mem::swap(&mut st.chomped, &mut st.hold_chomped);
                }
                Kind::Translate(t) => {
                    let t = Rc::clone(t);
                    st.translate(&t);
                }
                Kind::Zap => st.line.clear(),
                Kind::LineNumber => {
                    st.out.missing_newline(Target::Main)?;
                    let mut v = st.line_number.to_string().into_bytes();
                    v.push(delim);
                    st.out.raw(Target::Main, &v)?;
                    st.out.flush_if_unbuffered(Target::Main)?;
                }
            }
            pc += 1;
        }
        let st = &mut self.st;
        if !st.cfg.quiet {
            st.out.line(Target::Main, &st.line, st.chomped)?;
        }
        Ok(Flow::Next)
    }
}

fn bytes_msg(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// The directory part of a path for the temporary file of `-i`.
fn dir_of(name: &[u8]) -> Vec<u8> {
    match name.iter().rposition(|&c| c == b'/') {
        Some(0) => b"/".to_vec(),
        Some(i) => name[..i].to_vec(),
        None => b".".to_vec(),
    }
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A fresh name suffix: std's hasher keys come from WASI's random source.
fn random_suffix() -> Vec<u8> {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut h = RandomState::new().build_hasher();
    h.write_u64(0x5ed);
    let mut n = h.finish();
    (0..6)
        .map(|_| {
            let c = ALNUM[(n % 62) as usize];
            n /= 62;
            c
        })
        .collect()
}

/// `--follow-symlinks`: the file a chain of symbolic links ends at, each
/// relative target taken from its link's directory.
fn follow_symlink(name: &[u8]) -> Vec<u8> {
    let mut p = name.to_vec();
    for _ in 0..40 {
        let is_link = wsutil::fsext::stat(&lossy(&p), false).map(|st| st.is_symlink()).unwrap_or(false);
        if !is_link {
            break;
        }
        let target = match wsutil::fsext::readlink(&lossy(&p)) {
            Ok(t) => t.into_bytes(),
            Err(_) => break,
        };
        p = if target.first() == Some(&b'/') || !p.contains(&b'/') {
            target
        } else {
            let mut d = dir_of(&p);
            d.push(b'/');
            d.extend_from_slice(&target);
            d
        };
    }
    p
}

/// Whether the bytes at the end of `text` from `p` start a UTF-8
/// character that is cut short (glibc's `mbrtowc` returns -2 for them).
fn incomplete_char(text: &[u8], p: usize) -> bool {
    let need = match text[p] {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return false,
    };
    text.len() - p < need && text[p + 1..].iter().all(|&b| (0x80..0xC0).contains(&b))
}

fn push_char(out: &mut Vec<u8>, c: u32) {
    if let Some(ch) = char::from_u32(c) {
        let mut b = [0u8; 4];
        out.extend_from_slice(ch.encode_utf8(&mut b).as_bytes());
    }
}

/// GNU's `str_append_modified`: appends `text` with a case conversion.
fn append_modified(out: &mut Vec<u8>, text: &[u8], mut case: u8) {
    if case == 0 {
        out.extend_from_slice(text);
        return;
    }
    let mut p = 0;
    while p < text.len() {
        let (unit, n) = ctype::decode(text, p);
        let c = match unit {
            ctype::Unit::Byte(b) => {
                if incomplete_char(text, p) {
                    out.extend_from_slice(&text[p..]);
                    return;
                }
                case &= !CASE_ONE;
                if case == 0 {
                    out.extend_from_slice(&text[p..]);
                    return;
                }
                out.push(b);
                p += 1;
                continue;
            }
            ctype::Unit::Char(0) => {
                out.extend_from_slice(&text[p..]);
                return;
            }
            ctype::Unit::Char(c) => c,
        };
        p += n;
        if case & CASE_ONE != 0 {
            let c = if case & CASE_UPPER_FIRST != 0 { ctype::to_upper(c) } else { ctype::to_lower(c) };
            case &= !CASE_ONE;
            push_char(out, c);
            if case == 0 {
                out.extend_from_slice(&text[p..]);
                return;
            }
            continue;
        }
        push_char(out, if case & CASE_UPPER != 0 { ctype::to_upper(c) } else { ctype::to_lower(c) });
    }
}

impl State {
    fn runtime_bad(&self, msg: &str) -> SedError {
        let mut m = self.runtime_loc.clone();
        m.extend_from_slice(msg.as_bytes());
        SedError::bad(m)
    }

    fn read_error(name: &[u8], e: &std::io::Error) -> SedError {
        SedError::panic(bytes_msg(&[b"read error on ", name, b": ", strerror(e).as_bytes()]))
    }

    /// GNU's `read_pattern_space`: the next line, opening the next files
    /// as needed.
    fn read_pattern_space(&mut self, append: bool) -> Result<bool, SedError> {
        if !self.queue.is_empty() {
            self.dump_append_queue()?;
        }
        self.replaced = false;
        if !append {
            self.line.clear();
        }
        self.chomped = true;
        loop {
            if let Some(r) = self.reader.as_mut() {
                match r.read_line(self.cfg.delim, &mut self.line) {
                    Ok(Some(delimited)) => {
                        if !delimited {
                            self.chomped = false;
                        }
                        break;
                    }
                    Ok(None) => {}
                    Err(e) => return Err(Self::read_error(&r.name, &e)),
                }
            }
            self.closedown()?;
            if self.next_file >= self.files.len() {
                return Ok(false);
            }
            if self.reset_at_next_file {
                self.line_number = 0;
                self.hold.clear();
                self.reset_ranges = true;
                for r in self.rfiles.iter_mut().flatten() {
                    r.rewind();
                }
                if self.cfg.in_place.is_some() {
                    self.out.main_missing = false;
                }
                self.reset_at_next_file = self.cfg.separate;
            }
            self.open_next_file()?;
        }
        self.line_number += 1;
        Ok(true)
    }

    /// GNU's `open_next_file`.
    fn open_next_file(&mut self) -> Result<(), SedError> {
        let name = self.files[self.next_file].clone();
        self.next_file += 1;
        self.in_file_name = name.clone();
        let unbuffered = self.cfg.unbuffered;
        if name == b"-" && self.cfg.in_place.is_none() {
            let src = if self.stdin_closed { Source::Empty } else { Source::Stdin(wsutil::io::stdin()) };
            self.reader = Some(Reader::new(src, b"stdin", unbuffered));
            return Ok(());
        }
        if self.cfg.follow_symlinks {
            self.in_file_name = follow_symlink(&name);
        }
        let file = match std::fs::File::open(path(&self.in_file_name)) {
            Ok(f) => f,
            Err(e) => {
                let msg = bytes_msg(&[b"sed: can't read ", &name, b": ", strerror(&e).as_bytes(), b"\n"]);
                self.out.stdout.flush_quietly();
                let _ = std::io::Write::write_all(&mut wsutil::io::RawFd::new(2), &msg);
                self.bad_count += 1;
                self.reader = None;
                return Ok(());
            }
        };
        if self.cfg.in_place.is_some() {
            self.start_in_place()?;
        }
        self.reader = Some(Reader::new(Source::File(file), &self.in_file_name, unbuffered));
        Ok(())
    }

    /// `-i`: the temporary file next to the input that takes the output.
    fn start_in_place(&mut self) -> Result<(), SedError> {
        let target = self.in_file_name.clone();
        let st = wsutil::fsext::stat(&lossy(&target), true);
        let mode = match st {
            Ok(st) if st.is_file() => st.mode,
            _ => {
                return Err(SedError::panic(bytes_msg(&[b"couldn't edit ", &target, b": not a regular file"])));
            }
        };
        let dir = dir_of(&target);
        let mut tries = 0;
        loop {
            let mut temp = dir.clone();
            temp.extend_from_slice(b"/sed");
            temp.extend_from_slice(&random_suffix());
            match std::fs::OpenOptions::new().write(true).create_new(true).open(path(&temp)) {
                Ok(f) => {
                    self.out.temp = Some(Sink::file(f, &temp));
                    self.out.main_missing = false;
                    self.in_place = Some(InPlace { temp, target, mode });
                    return Ok(());
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && tries < 100 => tries += 1,
                Err(e) => {
                    return Err(SedError::panic(bytes_msg(&[
                        b"couldn't open temporary file ",
                        &temp,
                        b": ",
                        strerror(&e).as_bytes(),
                    ])))
                }
            }
        }
    }

    /// GNU's `closedown`: done with the current input; under `-i` the
    /// temporary file takes the original's place (and mode).
    fn closedown(&mut self) -> Result<(), SedError> {
        let reader = match self.reader.take() {
            Some(r) => r,
            None => return Ok(()),
        };
        if reader.is_stdin() {
            reader.close();
            self.stdin_closed = true;
        }
        let ip = match self.in_place.take() {
            Some(ip) => ip,
            None => return Ok(()),
        };
        if let Some(mut sink) = self.out.temp.take() {
            if let Err(e) = sink.close() {
                let _ = std::fs::remove_file(path(&ip.temp));
                return Err(e);
            }
        }
        let _ = wsutil::fsext::chmod(&lossy(&ip.temp), ip.mode & 0o7777);
        let suffix = self.cfg.in_place.clone().unwrap_or_default();
        if suffix != b"*" {
            let mut backup = Vec::new();
            for (i, part) in suffix.split(|&c| c == b'*').enumerate() {
                if i > 0 {
                    backup.extend_from_slice(&ip.target);
                }
                backup.extend_from_slice(part);
            }
            self.rename(&ip.target, &backup, &ip.temp)?;
        }
        self.rename(&ip.temp, &ip.target, &ip.temp)
    }

    /// GNU's `ck_rename`: on failure the temporary file is removed.
    fn rename(&self, from: &[u8], to: &[u8], temp: &[u8]) -> Result<(), SedError> {
        match wsutil::fsext::rename(&lossy(from), &lossy(to)) {
            Ok(()) => Ok(()),
            Err(e) => {
                let _ = std::fs::remove_file(path(temp));
                Err(SedError::panic(bytes_msg(&[b"cannot rename ", from, b": ", strerror(&e).as_bytes()])))
            }
        }
    }

    /// GNU's `last_file_with_data_p`: opens the next files until one has
    /// data.
    fn last_file_with_data(&mut self) -> Result<bool, SedError> {
        loop {
            self.closedown()?;
            if self.next_file >= self.files.len() {
                return Ok(true);
            }
            self.open_next_file()?;
            if let Some(r) = self.reader.as_mut() {
                if !r.at_eof() {
                    return Ok(false);
                }
            }
        }
    }

    /// Whether the current line is the last (the `$` address).
    fn test_eof(&mut self) -> Result<bool, SedError> {
        let at_end = self.reader.as_mut().map_or(true, |r| r.at_eof());
        if !at_end {
            return Ok(false);
        }
        Ok(self.cfg.separate || self.last_file_with_data()?)
    }

    /// The regex to use: the empty one means the last one used.
    fn resolve(&mut self, re: &Option<Rc<SedRegex>>) -> Result<Rc<SedRegex>, SedError> {
        match re {
            Some(r) => {
                self.last_regex = Some(Rc::clone(r));
                Ok(Rc::clone(r))
            }
            None => match &self.last_regex {
                Some(r) => Ok(Rc::clone(r)),
                None => Err(self.runtime_bad("no previous regular expression")),
            },
        }
    }

    /// Searches `hay` from `start` into `self.spans` (group 0 only unless
    /// `groups`), as GNU's `match_regex`.
    fn search(&mut self, re: &SedRegex, hay: &[u8], start: usize, groups: bool, single_line: bool) -> bool {
        let delim = self.cfg.delim;
        self.spans.clear();
        if re.begline || re.endline {
            let at = if re.endline {
                if re.multiline {
                    memchr::memchr(delim, &hay[start..]).map_or(hay.len(), |i| start + i)
                } else {
                    hay.len()
                }
            } else if start == 0 {
                0
            } else if !re.multiline {
                return false;
            } else if hay[start - 1] == delim {
                start
            } else {
                match memchr::memchr(delim, &hay[start..]) {
                    Some(i) => start + i + 1,
                    None => return false,
                }
            };
            self.spans.push((at, at));
            return true;
        }
        if re.multiline && delim != b'\n' {
            // With -z, M's lines are the NUL-separated ones: each is
            // searched as a subject of its own.
            let mut beg = if start > 0 { memchr::memrchr(delim, &hay[..start]).map_or(0, |i| i + 1) } else { 0 };
            let mut from = start;
            loop {
                let end = memchr::memchr(delim, &hay[beg..]).map_or(hay.len(), |i| beg + i);
                if self.search_engine(re, &hay[beg..end], from - beg, groups, false) {
                    for s in &mut self.spans {
                        if *s != UNSET {
                            s.0 += beg;
                            s.1 += beg;
                        }
                    }
                    return true;
                }
                if end == hay.len() {
                    return false;
                }
                beg = end + 1;
                from = beg;
            }
        }
        self.search_engine(re, hay, start, groups, single_line)
    }

    fn search_engine(&mut self, re: &SedRegex, hay: &[u8], start: usize, groups: bool, single_line: bool) -> bool {
        let flags = ExecFlags { single_line, ..ExecFlags::default() };
        self.spans.clear();
        if let Some(lit) = &re.literal {
            return match lit.find(&hay[start..]) {
                Some(i) => {
                    self.spans.push((start + i, start + i + lit.needle().len()));
                    true
                }
                None => false,
            };
        }
        if !ctype::is_boundary(hay, start) {
            // After GNU's one-byte step past an empty match, glibc may match
            // right there, inside a character (`s/x*/-/g` on "é" splits it).
            if let Some(end) = re.re.match_at(hay, start, flags) {
                self.spans.push((start, end));
                if groups {
                    self.spans.resize(re.re.groups() + 1, UNSET);
                }
                return true;
            }
        }
        if groups {
            match re.re.captures_at(hay, start, flags) {
                Some(c) => {
                    for i in 0..c.len() {
                        self.spans.push(c.get(i).unwrap_or(UNSET));
                    }
                    true
                }
                None => false,
            }
        } else {
            match re.re.find_at(hay, start, flags) {
                Some(m) => {
                    self.spans.push(m);
                    true
                }
                None => false,
            }
        }
    }

    /// Whether an address regex matches the pattern space.
    fn address_regex(&mut self, re: &Option<Rc<SedRegex>>) -> Result<bool, SedError> {
        let re = self.resolve(re)?;
        if re.begline || re.endline || (re.multiline && self.cfg.delim != b'\n') {
            let line = std::mem::take(&mut self.line);
            let found = self.search(&re, &line, 0, false, false);
            self.line = line;
            return Ok(found);
        }
        if let Some(lit) = &re.literal {
            return Ok(lit.find(&self.line).is_some());
        }
        Ok(re.re.is_match(&self.line, ExecFlags::default()))
    }

    /// GNU's `match_an_address_p`.
    fn match_one(&mut self, addr: &Addr, range_end: u64) -> Result<bool, SedError> {
        let n = self.line_number;
        Ok(match addr {
            Addr::Null => true,
            Addr::Regex(re) => self.address_regex(re)?,
            Addr::NumMod(first, step) => n >= *first && (n - first) % step == 0,
            Addr::Step(_) | Addr::StepMod(_) => range_end <= n,
            Addr::Last => self.test_eof()?,
            Addr::Num(k) => *k == n,
        })
    }

    /// GNU's `match_address_p`, with the range states.
    fn match_address(&mut self, cmd: &mut Cmd) -> Result<bool, SedError> {
        let a1 = match &cmd.a1 {
            None => return Ok(true),
            Some(a) => a,
        };
        let n = self.line_number;
        if cmd.range != Range::Active {
            let a2 = match &cmd.a2 {
                None => return self.match_one(a1, 0),
                Some(a2) => a2,
            };
            if let Addr::Num(first) = a1 {
                if cmd.range == Range::Closed || n < *first {
                    return Ok(false);
                }
            } else if !self.match_one(a1, 0)? {
                return Ok(false);
            }
            cmd.range = Range::Active;
            match a2 {
                Addr::Regex(_) => return Ok(true),
                Addr::Num(last) => {
                    if n >= *last {
                        cmd.range = Range::Closed;
                    }
                    return Ok(n <= *last || self.match_one(a1, 0)?);
                }
                Addr::Step(step) => {
                    cmd.range_end = n.saturating_add(*step);
                    return Ok(true);
                }
                Addr::StepMod(step) => {
                    cmd.range_end = n.saturating_add(step - n % step);
                    return Ok(true);
                }
                _ => {}
            }
        }
        let a2 = match &cmd.a2 {
            Some(a2) => a2,
            None => return Ok(true),
        };
        if let Addr::Num(last) = a2 {
            if n >= *last {
                cmd.range = Range::Closed;
            }
            return Ok(n <= *last);
        }
        if self.match_one(a2, cmd.range_end)? {
            cmd.range = Range::Closed;
        }
        Ok(true)
    }

    /// GNU's `dump_append_queue`: the end of cycle's `a`, `r`, `R` text.
    fn dump_append_queue(&mut self) -> Result<(), SedError> {
        self.out.missing_newline(Target::Main)?;
        let queue = std::mem::take(&mut self.queue);
        for q in &queue {
            match q {
                Queued::Text(t) => self.out.raw(Target::Main, t)?,
                Queued::Owned(t) => self.out.raw(Target::Main, t)?,
                Queued::File(name) => self.print_file(name)?,
            }
        }
        self.out.flush_if_unbuffered(Target::Main)
    }

    /// Copies a file to the output; one that cannot be opened counts as
    /// empty (POSIX).
    fn print_file(&mut self, name: &[u8]) -> Result<(), SedError> {
        use std::io::Read;
        let mut src: Box<dyn Read> = if name == b"/dev/stdin" {
            Box::new(wsutil::io::stdin())
        } else {
            match std::fs::File::open(path(name)) {
                Ok(f) => Box::new(f),
                Err(_) => return Ok(()),
            }
        };
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match src.read(&mut buf) {
                Ok(0) => return Ok(()),
                Ok(n) => self.out.raw(Target::Main, &buf[..n])?,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Self::read_error(name, &e)),
            }
        }
    }

    /// `R`: queues the next line of its file.
    fn read_r_line(&mut self, i: usize) -> Result<(), SedError> {
        let delim = self.cfg.delim;
        let r = match self.rfiles.get_mut(i).and_then(|r| r.as_mut()) {
            Some(r) => r,
            None => return Ok(()),
        };
        let mut text = Vec::new();
        match r.read_line(delim, &mut text) {
            Ok(Some(delimited)) => {
                if delimited {
                    text.push(delim);
                }
                self.queue.push(Queued::Owned(text));
                Ok(())
            }
            Ok(None) => Ok(()),
            Err(e) => Err(Self::read_error(&r.name, &e)),
        }
    }

    /// `l`: the pattern space unambiguously, wrapped at `width`.
    fn list(&mut self, width: i64) -> Result<(), SedError> {
        let delim = self.cfg.delim;
        self.out.missing_newline(Target::Main)?;
        let mut out = Vec::with_capacity(self.line.len() * 2 + 2);
        let mut col: i64 = 0;
        let mut obuf = Vec::with_capacity(4);
        for &b in &self.line {
            obuf.clear();
            match b {
                b'\\' => obuf.extend_from_slice(b"\\\\"),
                0x20..=0x7e => obuf.push(b),
                0x07 => obuf.extend_from_slice(b"\\a"),
                0x08 => obuf.extend_from_slice(b"\\b"),
                0x0c => obuf.extend_from_slice(b"\\f"),
                b'\n' => obuf.extend_from_slice(b"\\n"),
                b'\r' => obuf.extend_from_slice(b"\\r"),
                b'\t' => obuf.extend_from_slice(b"\\t"),
                0x0b => obuf.extend_from_slice(b"\\v"),
                _ => obuf.extend_from_slice(format!("\\{:03o}", b).as_bytes()),
            }
            let olen = obuf.len() as i64;
            if col + olen >= width && width > 0 {
                out.push(b'\\');
                out.push(delim);
                col = 0;
            }
            out.extend_from_slice(&obuf);
            col += olen;
        }
        out.push(b'$');
        out.push(delim);
        self.out.raw(Target::Main, &out)?;
        self.out.flush_if_unbuffered(Target::Main)
    }

    /// `e` and `e COMMAND`.
    fn exec(&mut self, text: Option<&[u8]>) -> Result<(), SedError> {
        match text {
            None => {
                let mut output = run_shell(&self.line)?;
                if output.last() == Some(&self.cfg.delim) {
                    output.pop();
                }
                self.line = output;
                std::mem::swap(&mut self.chomped, &mut self.accum_chomped);
            }
            Some(t) => {
                let output = run_shell(&t[..t.len().saturating_sub(1)])?;
                self.out.missing_newline(Target::Main)?;
                self.out.raw(Target::Main, &output)?;
                self.out.flush_if_unbuffered(Target::Main)?;
            }
        }
        Ok(())
    }

    /// `y`.
    fn translate(&mut self, t: &Translit) {
        match t {
            Translit::Bytes(table) => {
                for b in &mut self.line {
                    *b = table[*b as usize];
                }
            }
            Translit::Chars(pairs) => {
                let mut out = Vec::with_capacity(self.line.len());
                let mut p = 0;
                while p < self.line.len() {
                    let (_, n) = ctype::decode(&self.line, p);
                    let unit = &self.line[p..p + n];
                    match pairs.iter().find(|(from, _)| from.as_slice() == unit) {
                        Some((_, to)) => out.extend_from_slice(to),
                        None => out.extend_from_slice(unit),
                    }
                    p += n;
                }
                self.line = out;
            }
        }
    }

    /// GNU's `append_replacement`.
    fn append_replacement(&self, acc: &mut Vec<u8>, sub: &Subst) {
        let mut pending_case = 0u8;
        for piece in &sub.pieces {
            let mut case = if piece.case & CASE_ONE != 0 { piece.case } else { piece.case | pending_case };
            pending_case = 0;
            if !piece.text.is_empty() {
                append_modified(acc, &piece.text, case);
                case &= !CASE_ONE;
            }
            if let Some(g) = piece.group {
                let (s, e) = self.spans.get(g).copied().unwrap_or(UNSET);
                if s == e {
                    if piece.case & CASE_ONE != 0 {
                        pending_case = case & CASE_ONE;
                    }
                } else {
                    append_modified(acc, &self.line[s..e], case);
                }
            }
        }
    }

    /// `s`: GNU's `do_subst`.
    fn subst(&mut self, sub: &Subst) -> Result<(), SedError> {
        let re = self.resolve(&sub.regex)?;
        let groups = sub.max_id > 0;
        let single_line = memchr::memchr(b'\n', &self.line).is_none();
        let line = std::mem::take(&mut self.line);
        if !self.search(&re, &line, 0, groups, single_line) {
            self.line = line;
            return Ok(());
        }
        let mut line = line;
        let (s0, e0) = self.spans[0];
        let mut done = false;
        if sub.pieces.is_empty() && sub.numb <= 1 {
            if s0 == 0 && !sub.global {
                self.replaced = true;
                line.drain(..e0);
                done = true;
            } else if e0 == line.len() {
                self.replaced = true;
                line.truncate(s0);
                done = true;
            }
        }
        if !done {
            let mut acc = std::mem::take(&mut self.accum);
            acc.clear();
            let (mut start, mut last_end, mut count) = (0usize, 0usize, 0u64);
            loop {
                let (offset, end) = self.spans[0];
                let mut matched = end - offset;
                if start < offset {
                    acc.extend_from_slice(&line[start..offset]);
                    start = offset;
                }
                let take = if matched > 0 || count == 0 || offset > last_end {
                    count += 1;
                    count >= sub.numb
                } else {
                    false
                };
                let mut again = true;
                if take {
                    self.replaced = true;
                    self.line = line;
                    self.append_replacement(&mut acc, sub);
                    line = std::mem::take(&mut self.line);
                    again = sub.global;
                } else {
                    if matched == 0 {
                        if start < line.len() {
                            matched = 1;
                        } else {
                            break;
                        }
                    }
                    acc.extend_from_slice(&line[offset..offset + matched]);
                }
                start = offset + matched;
                last_end = end;
                if !(again && start <= line.len() && self.search(&re, &line, start, groups, single_line)) {
                    break;
                }
            }
            if start < line.len() {
                acc.extend_from_slice(&line[start..]);
            }
            self.accum_chomped = self.chomped;
            self.accum = line;
            self.line = acc;
            if count < sub.numb {
                return Ok(());
            }
        } else {
            self.line = line;
        }
        if sub.print & 1 != 0 {
            self.out.line(Target::Main, &self.line, self.chomped)?;
        }
        if sub.eval {
            let mut output = run_shell(&self.line)?;
            if output.last() == Some(&self.cfg.delim) {
                output.pop();
            }
            self.line = output;
            std::mem::swap(&mut self.chomped, &mut self.accum_chomped);
        }
        if sub.print & 2 != 0 {
            self.out.line(Target::Main, &self.line, self.chomped)?;
        }
        if let Some(w) = sub.outf {
            self.out.line(Target::W(w), &self.line, self.chomped)?;
        }
        Ok(())
    }
}
