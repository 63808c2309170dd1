//! awk's input and output: records read by RS (one character, paragraph
//! mode, or a regular expression, with RT), output files and pipes
//! opened by redirections, and commands run through `sh -c` with the
//! sandbox's spawn call.
//!
//! Reads go in 64 KiB blocks and stop at what is available, so awk in a
//! pipeline sees records as they come.

pub const APPLETS: &[wsutil::Applet] = &[];

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
#[cfg(not(target_os = "wasi"))]
use std::os::unix::io::FromRawFd;
#[cfg(target_os = "wasi")]
use std::os::wasi::io::FromRawFd;
use std::rc::Rc;
use wsutil::regex::{ExecFlags, Regex};
use wsutil::sys::{self, SpawnRequest};

/// How records end.
#[derive(Clone)]
pub enum RsMode {
    /// RS is one character.
    Byte(u8),
    /// RS = "": blank lines separate records.
    Paragraph,
    /// RS is longer: a regular expression.
    Regex(Rc<Regex>),
}

const BLOCK: usize = 64 * 1024;

/// Records from one input.
pub struct Reader {
    src: Box<dyn Read>,
    buf: Vec<u8>,
    pos: usize,
    /// Where the search for a one-character separator resumes.
    scanned: usize,
    eof: bool,
}

impl Reader {
    pub fn new(src: Box<dyn Read>) -> Self {
        Reader { src, buf: Vec::new(), pos: 0, scanned: 0, eof: false }
    }

    /// Reads more; false at end of input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.scanned -= self.pos.min(self.scanned);
            self.pos = 0;
        }
        let old = self.buf.len();
        self.buf.resize(old + BLOCK, 0);
        loop {
            match self.src.read(&mut self.buf[old..]) {
                Ok(0) => {
                    self.buf.truncate(old);
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.buf.truncate(old + n);
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.buf.truncate(old);
                    self.eof = true;
                    return Err(e);
                }
            }
        }
    }

    /// The next record and its terminator (RT); false at end of input.
    pub fn read_record(&mut self, mode: &RsMode, rec: &mut Vec<u8>, rt: &mut Vec<u8>) -> io::Result<bool> {
        rec.clear();
        rt.clear();
        match mode {
            RsMode::Byte(c) => self.read_byte(*c, rec, rt),
            RsMode::Paragraph => self.read_paragraph(rec, rt),
            RsMode::Regex(re) => self.read_regex(re, rec, rt),
        }
    }

    fn read_byte(&mut self, c: u8, rec: &mut Vec<u8>, rt: &mut Vec<u8>) -> io::Result<bool> {
        match self.read_line(c, rec)? {
            Some(ended) => {
                if ended {
                    rt.push(c);
                }
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// The next record ended by byte `c` (the usual RS) in `rec`:
    /// Some(true) when `c` ended it, Some(false) for a last record
    /// without one, None at end of input.
    pub fn read_line(&mut self, c: u8, rec: &mut Vec<u8>) -> io::Result<Option<bool>> {
        rec.clear();
        self.scanned = self.scanned.max(self.pos);
        loop {
            if let Some(i) = memchr::memchr(c, &self.buf[self.scanned..]) {
                let end = self.scanned + i;
                rec.extend_from_slice(&self.buf[self.pos..end]);
                self.pos = end + 1;
                self.scanned = self.pos;
                return Ok(Some(true));
            }
            self.scanned = self.buf.len();
            if !self.fill()? {
                if self.pos < self.buf.len() {
                    rec.extend_from_slice(&self.buf[self.pos..]);
                    self.pos = self.buf.len();
                    return Ok(Some(false));
                }
                return Ok(None);
            }
        }
    }

    fn read_paragraph(&mut self, rec: &mut Vec<u8>, rt: &mut Vec<u8>) -> io::Result<bool> {
        // Leading newlines are not part of any record.
        loop {
            while self.pos < self.buf.len() && self.buf[self.pos] == b'\n' {
                self.pos += 1;
            }
            if self.pos < self.buf.len() {
                break;
            }
            if !self.fill()? {
                return Ok(false);
            }
        }
        // Offsets from `pos` stay valid across fill(), which moves the
        // unread data to the front.
        let mut from = 0;
        loop {
            let found = memchr::memmem::find(&self.buf[self.pos + from..], b"\n\n").map(|i| from + i);
            if let Some(end) = found {
                let hay = &self.buf[self.pos..];
                let mut j = end;
                while j < hay.len() && hay[j] == b'\n' {
                    j += 1;
                }
                if j == hay.len() && !self.eof {
                    // The run of newlines may go on in the next block.
                    self.fill()?;
                    from = end;
                    continue;
                }
                rec.extend_from_slice(&hay[..end]);
                rt.extend_from_slice(&hay[end..j]);
                self.pos += j;
                return Ok(true);
            }
            from = (self.buf.len() - self.pos).saturating_sub(1);
            if !self.fill()? {
                let hay = &self.buf[self.pos..];
                let mut end = hay.len();
                while end > 0 && hay[end - 1] == b'\n' {
                    end -= 1;
                }
                rec.extend_from_slice(&hay[..end]);
                rt.extend_from_slice(&hay[end..]);
                self.pos = self.buf.len();
                return Ok(true);
            }
        }
    }

    fn read_regex(&mut self, re: &Regex, rec: &mut Vec<u8>, rt: &mut Vec<u8>) -> io::Result<bool> {
        loop {
            let hay = &self.buf[self.pos..];
            // A match that reaches the end of what was read may grow.
            if let Some((s, e)) = find_nonempty(re, hay) {
                if e < hay.len() || self.eof {
                    rec.extend_from_slice(&hay[..s]);
                    rt.extend_from_slice(&hay[s..e]);
                    self.pos += e;
                    return Ok(true);
                }
            }
            if !self.fill()? {
                let hay = &self.buf[self.pos..];
                if let Some((s, e)) = find_nonempty(re, hay) {
                    rec.extend_from_slice(&hay[..s]);
                    rt.extend_from_slice(&hay[s..e]);
                    self.pos += e;
                    return Ok(true);
                }
                if !hay.is_empty() {
                    rec.extend_from_slice(hay);
                    self.pos = self.buf.len();
                    return Ok(true);
                }
                return Ok(false);
            }
        }
    }
}

/// The first match of `re` in `hay` that is not empty.
fn find_nonempty(re: &Regex, hay: &[u8]) -> Option<(usize, usize)> {
    let mut at = 0;
    while at <= hay.len() {
        match re.find_at(hay, at, ExecFlags::default()) {
            Some((s, e)) if e > s => return Some((s, e)),
            Some((s, _)) => at = s + 1,
            None => return None,
        }
    }
    None
}

/// Where output goes.
pub enum Sink {
    Stdout,
    Stderr,
    File(BufWriter<File>),
    Pipe(BufWriter<File>, u32),
}

/// Descriptor `fd` as a File (owned: closing it closes the descriptor).
pub fn fd_file(fd: u32) -> File {
    // SAFETY: the descriptor was just made by pipe() and is ours alone.
    unsafe { File::from_raw_fd(fd as _) }
}

/// Starts `sh -c cmd` with the given descriptors; env None inherits.
pub fn spawn_sh(cmd: &[u8], fds: &[(u32, u32)], env: Option<&[String]>) -> io::Result<u32> {
    let argv = vec!["sh".to_string(), "-c".to_string(), String::from_utf8_lossy(cmd).into_owned()];
    sys::spawn(&SpawnRequest { argv: &argv, env, cwd: None, fds })
}

/// Waits for a child; its shell-style status.
pub fn wait_child(pid: u32) -> i32 {
    match sys::wait(pid, None) {
        Ok(Some(s)) => s as i32,
        _ => -1,
    }
}

/// Opens a pipe to `sh -c cmd` (its standard input).
pub fn open_out_pipe(cmd: &[u8], env: Option<&[String]>) -> io::Result<Sink> {
    let (r, w) = sys::pipe()?;
    let pid = spawn_sh(cmd, &[(0, r), (1, 1), (2, 2)], env);
    drop(fd_file(r));
    match pid {
        Ok(pid) => Ok(Sink::Pipe(BufWriter::with_capacity(BLOCK, fd_file(w)), pid)),
        Err(e) => {
            drop(fd_file(w));
            Err(e)
        }
    }
}

/// Opens a pipe from `sh -c cmd` (its standard output): reader and pid.
pub fn open_in_pipe(cmd: &[u8], env: Option<&[String]>) -> io::Result<(File, u32)> {
    let (r, w) = sys::pipe()?;
    let pid = spawn_sh(cmd, &[(0, 0), (1, w), (2, 2)], env);
    drop(fd_file(w));
    match pid {
        Ok(pid) => Ok((fd_file(r), pid)),
        Err(e) => {
            drop(fd_file(r));
            Err(e)
        }
    }
}

impl Sink {
    pub fn write_all(&mut self, stdout: &mut wsutil::io::Out, data: &[u8]) -> io::Result<()> {
        match self {
            Sink::Stdout => stdout.write_all(data),
            Sink::Stderr => io::stderr().write_all(data),
            Sink::File(w) | Sink::Pipe(w, _) => w.write_all(data),
        }
    }

    pub fn flush(&mut self, stdout: &mut wsutil::io::Out) -> io::Result<()> {
        match self {
            Sink::Stdout => stdout.flush(),
            Sink::Stderr => Ok(()),
            Sink::File(w) | Sink::Pipe(w, _) => w.flush(),
        }
    }

    /// Flushes and closes; a pipe's command is waited for and its status
    /// returned.
    pub fn close(self, stdout: &mut wsutil::io::Out) -> i32 {
        match self {
            Sink::Stdout => {
                if stdout.flush().is_err() {
                    -1
                } else {
                    0
                }
            }
            Sink::Stderr => 0,
            Sink::File(mut w) => {
                if w.flush().is_err() {
                    -1
                } else {
                    0
                }
            }
            Sink::Pipe(mut w, pid) => {
                let _ = w.flush();
                drop(w);
                wait_child(pid)
            }
        }
    }
}
