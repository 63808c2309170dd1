//! `sed`'s input and output: files read in large blocks and split at the
//! line delimiter (newline, or NUL with `-z`), output buffered the way
//! glibc's stdio does (so a write error names the same item count GNU's
//! "couldn't write N items to stdout" does), and the shell commands of
//! `e` and `s///e` run through the sandbox's spawn import. Part of the
//! `sed` applet family.

use std::fs::File;
use std::io::{self, Read, Write};

use super::sed_script::SedError;
use wsutil::io::RawFd;
use wsutil::strerror;

pub const APPLETS: &[wsutil::Applet] = &[];

const BLOCK: usize = 64 * 1024;

pub enum Source {
    Stdin(RawFd),
    File(File),
    /// Standard input once closed: GNU reads nothing more from it.
    Empty,
}

/// An input file being read line by line.
pub struct Reader {
    src: Source,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    eof: bool,
    /// Bytes per read: 1 for `-u` (GNU's unbuffered stdio), so that what
    /// is not used stays in a pipe.
    chunk: usize,
    /// The name for "read error on NAME".
    pub name: Vec<u8>,
}

impl Reader {
    pub fn new(src: Source, name: &[u8], unbuffered: bool) -> Self {
        let chunk = if unbuffered { 1 } else { BLOCK };
        Reader { src, buf: vec![0; chunk], pos: 0, end: 0, eof: false, chunk, name: name.to_vec() }
    }

    pub fn is_stdin(&self) -> bool {
        matches!(self.src, Source::Stdin(_) | Source::Empty)
    }

    /// Makes data available; false at the end of the input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.pos < self.end {
            return Ok(true);
        }
        if self.eof {
            return Ok(false);
        }
        self.pos = 0;
        self.end = 0;
        let chunk = self.chunk;
        loop {
            let r = match &mut self.src {
                Source::Stdin(s) => s.read(&mut self.buf[..chunk]),
                Source::File(f) => f.read(&mut self.buf[..chunk]),
                Source::Empty => Ok(0),
            };
            match r {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Appends the next line (without its delimiter) to `out`: Some(true)
    /// for a delimited line, Some(false) for a last line without one,
    /// None at the end.
    pub fn read_line(&mut self, delim: u8, out: &mut Vec<u8>) -> io::Result<Option<bool>> {
        let mut got = false;
        loop {
            if !self.fill()? {
                return Ok(if got { Some(false) } else { None });
            }
            let avail = &self.buf[self.pos..self.end];
            match memchr::memchr(delim, avail) {
                Some(i) => {
                    out.extend_from_slice(&avail[..i]);
                    self.pos += i + 1;
                    return Ok(Some(true));
                }
                None => {
                    out.extend_from_slice(avail);
                    self.pos = self.end;
                    got = true;
                }
            }
        }
    }

    /// Whether nothing is left to read. A read error counts as the end
    /// here, as for GNU's look-ahead `getc` (`$` on a directory).
    pub fn at_eof(&mut self) -> bool {
        match self.fill() {
            Ok(more) => !more,
            Err(_) => {
                self.eof = true;
                true
            }
        }
    }

    /// Back to the start (GNU rewinds `R` files for each new input file
    /// under `-s`/`-i`); standard input cannot be.
    pub fn rewind(&mut self) {
        if let Source::File(f) = &mut self.src {
            use std::io::{Seek, SeekFrom};
            if f.seek(SeekFrom::Start(0)).is_ok() {
                self.pos = 0;
                self.end = 0;
                self.eof = false;
            }
        }
    }

    /// Closing standard input: a seekable one is left just after what was
    /// used, as glibc's `fclose` leaves it (`(sed 2q; cat) < file`).
    pub fn close(mut self) {
        let left = (self.end - self.pos) as u64;
        if let Source::Stdin(s) = &mut self.src {
            let _ = s.unread(left);
        }
    }
}

/// The error GNU's `ck_fwrite` reports.
fn write_error(items: usize, name: &[u8], e: &io::Error) -> SedError {
    let mut m = format!("couldn't write {} item{} to ", items, if items == 1 { "" } else { "s" }).into_bytes();
    m.extend_from_slice(name);
    m.extend_from_slice(format!(": {}", strerror(e)).as_bytes());
    SedError::panic(m)
}

fn flush_error(name: &[u8], e: &io::Error) -> SedError {
    let mut m = b"couldn't flush ".to_vec();
    m.extend_from_slice(name);
    m.extend_from_slice(format!(": {}", strerror(e)).as_bytes());
    SedError::panic(m)
}

enum Dest {
    Fd(RawFd),
    File(File),
}

impl Dest {
    fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        match self {
            Dest::Fd(f) => f.write_all(data),
            Dest::File(f) => f.write_all(data),
        }
    }
}

/// glibc's stdio buffer size on Linux (the block size of pipes, files and
/// devices alike).
const STDIO_BUF: usize = 4096;

/// A buffered output stream. It writes in large blocks, but keeps the
/// account of a glibc `FILE` with its 4 KiB buffer, so that a failing
/// write is reported as GNU's would be: "couldn't write N items" for the
/// `fwrite` of N bytes during which glibc would have flushed first, or
/// "couldn't flush" when glibc would only have flushed at the end.
pub struct Sink {
    dest: Dest,
    buf: Vec<u8>,
    cap: usize,
    /// Bytes in glibc's buffer (0..STDIO_BUF); unused when unbuffered.
    glibc_fill: usize,
    /// The size of the first write since our last flush during which
    /// glibc would have flushed.
    glibc_flushed_in: Option<usize>,
    /// For messages: "stdout", or the file's name.
    pub name: Vec<u8>,
}

impl Sink {
    fn new(dest: Dest, cap: usize, name: &[u8]) -> Self {
        Sink { dest, buf: Vec::with_capacity(cap), cap, glibc_fill: 0, glibc_flushed_in: None, name: name.to_vec() }
    }

    pub fn stdout() -> Self {
        Sink::new(Dest::Fd(RawFd::new(1)), BLOCK, b"stdout")
    }

    /// Standard error is unbuffered.
    pub fn stderr() -> Self {
        Sink::new(Dest::Fd(RawFd::new(2)), 0, b"stderr")
    }

    pub fn file(file: File, name: &[u8]) -> Self {
        Sink::new(Dest::File(file), BLOCK, name)
    }

    /// One `fwrite` of GNU's `ck_fwrite`.
    pub fn write(&mut self, data: &[u8]) -> Result<(), SedError> {
        if data.is_empty() {
            return Ok(());
        }
        if self.cap == 0 {
            return self.dest.write_all(data).map_err(|e| write_error(data.len(), &self.name, &e));
        }
        let space = STDIO_BUF - self.glibc_fill;
        if data.len() <= space {
            self.glibc_fill += data.len();
        } else {
            self.glibc_flushed_in.get_or_insert(data.len());
            self.glibc_fill = (data.len() - space) % STDIO_BUF;
        }
        if self.buf.len() + data.len() > self.cap {
            self.write_out()?;
        }
        if data.len() >= self.cap {
            return self.dest.write_all(data).map_err(|e| self.failure(&e));
        }
        self.buf.extend_from_slice(data);
        Ok(())
    }

    /// The error for a failed write: glibc's, at the write where it would
    /// have flushed, else at its final flush.
    fn failure(&self, e: &io::Error) -> SedError {
        match self.glibc_flushed_in {
            Some(items) => write_error(items, &self.name, e),
            None => flush_error(&self.name, e),
        }
    }

    fn write_out(&mut self) -> Result<(), SedError> {
        let result = self.dest.write_all(&self.buf);
        self.buf.clear();
        result.map_err(|e| self.failure(&e))?;
        self.glibc_flushed_in = None;
        Ok(())
    }

    /// GNU's `ck_fflush`.
    pub fn flush(&mut self) -> Result<(), SedError> {
        self.write_out()?;
        self.glibc_fill = 0;
        Ok(())
    }

    /// The flush of GNU's closing of a `w` file, which no longer knows the
    /// file's name.
    pub fn close(&mut self) -> Result<(), SedError> {
        if self.glibc_flushed_in.is_none() {
            self.name = b"<unknown>".to_vec();
        }
        self.flush()
    }

    /// Writes out what it can, ignoring errors (on the way out after a
    /// fatal one).
    pub fn flush_quietly(&mut self) {
        let _ = self.dest.write_all(&self.buf);
        self.buf.clear();
    }
}

/// Runs `sh -c COMMAND` with its standard output captured, as `popen`
/// does for GNU's `e` and `s///e`.
pub fn run_shell(command: &[u8]) -> Result<Vec<u8>, SedError> {
    use wsutil::sys::{self, SpawnRequest};
    let failure = || SedError::panic("error in subprocess");
    let (r, w) = sys::pipe().map_err(|_| failure())?;
    let argv = vec!["sh".to_string(), "-c".to_string(), String::from_utf8_lossy(command).into_owned()];
    let fds = [(0u32, 0u32), (1, w), (2, 2)];
    let spawned = sys::spawn(&SpawnRequest { argv: &argv, env: None, cwd: None, fds: &fds });
    drop(fd_file(w));
    let mut reader = fd_file(r);
    let pid = spawned.map_err(|_| failure())?;
    let mut out = Vec::new();
    let read = reader.read_to_end(&mut out);
    drop(reader);
    let _ = sys::wait(pid, None);
    read.map_err(|_| failure())?;
    Ok(out)
}

/// A descriptor the pipe import gave us, as a `File` that closes it.
fn fd_file(fd: u32) -> File {
    #[cfg(target_os = "wasi")]
    use std::os::wasi::io::FromRawFd;
    #[cfg(not(target_os = "wasi"))]
    use std::os::unix::io::FromRawFd;
    // SAFETY: the descriptor was just created for us and nothing else owns it.
    unsafe { File::from_raw_fd(fd as _) }
}
