//! Standard streams and input files as applets need them.
//!
//! Rust's `Stdout` is line-buffered; through a pipe every line would cost a
//! host call. Applets write through [`stdout`], a 64 KiB buffer straight on
//! descriptor 1, and flush once at the end (GNU tools do the same when their
//! output is not a terminal).

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::mem::ManuallyDrop;
#[cfg(not(target_os = "wasi"))]
use std::os::unix::io::FromRawFd;
#[cfg(target_os = "wasi")]
use std::os::wasi::io::FromRawFd;

/// Descriptor 1 or 2 as a `File` that is never closed on drop.
pub struct RawFd(ManuallyDrop<File>);

impl RawFd {
    pub fn new(fd: u32) -> Self {
        // SAFETY: 0..=2 are open for the process's whole life in wasmsand,
        // and ManuallyDrop keeps this handle from closing them.
        RawFd(ManuallyDrop::new(unsafe { File::from_raw_fd(fd as _) }))
    }
}

impl Write for RawFd {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl RawFd {
    /// Moves the descriptor's offset back by `n` bytes: `head` and `read`
    /// leave a seekable input positioned just after what they used, as GNU
    /// does. Fails harmlessly (ESPIPE) on pipes.
    pub fn unread(&mut self, n: u64) -> io::Result<()> {
        use std::io::{Seek, SeekFrom};
        if n == 0 {
            return Ok(());
        }
        (&*self.0).seek(SeekFrom::Current(-(n as i64))).map(|_| ())
    }
}

impl Read for RawFd {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

pub type Out = BufWriter<RawFd>;

/// Buffered standard output.
pub fn stdout() -> Out {
    BufWriter::with_capacity(64 * 1024, RawFd::new(1))
}

/// `fstat` of standard input (regular file, pipe, ...).
pub fn stdin_metadata() -> io::Result<std::fs::Metadata> {
    stdin().0.metadata()
}

/// Unbuffered standard input (callers read in large blocks).
pub fn stdin() -> RawFd {
    RawFd::new(0)
}

/// An input operand: `-` is standard input, anything else a file.
pub enum Input {
    Stdin(RawFd),
    File(File),
}

impl Read for Input {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Input::Stdin(s) => s.read(buf),
            Input::File(f) => f.read(buf),
        }
    }
}

impl Input {
    /// See [`RawFd::unread`]; files opened by name need no repositioning.
    pub fn unread(&mut self, n: u64) {
        if let Input::Stdin(s) = self {
            let _ = s.unread(n);
        }
    }
}

/// Opens an input operand. Opening a directory succeeds on WASI as on
/// Linux; the error comes at the first read (EISDIR), as GNU reports it.
pub fn open_input(name: &str) -> io::Result<Input> {
    if name == "-" {
        Ok(Input::Stdin(stdin()))
    } else {
        File::open(name).map(Input::File)
    }
}

/// Reads until the buffer is full or end of input, retrying on EINTR.
pub fn read_full(r: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}
