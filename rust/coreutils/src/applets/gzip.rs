//! `gzip`, `gunzip` and `zcat`: GNU gzip 1.12's command line, messages and
//! exit statuses (0 fine, 1 error, 2 warning) over the gzip format
//! (RFC 1952), with deflate from `flate2`'s pure-Rust backend.
//!
//! Everything streams through fixed buffers, so a 200 MB pipe costs no
//! more memory than a small file. The compressed bytes are not GNU's (two
//! deflate implementations legitimately differ) but every gzip reads them;
//! reading, testing and listing follow GNU byte for byte, including how much
//! output a damaged member still produces (GNU writes whole 32 KiB windows).
//!
//! The codec ([`GzDecoder`], [`GzEncoder`]) is shared with `tar -z`.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use wsutil::args::{self, HasArg, Item, Spec};
use wsutil::fsmeta::{self, FileStat, SetTime};
use wsutil::io::{stdout, Out, RawFd};
use wsutil::{errno_text, strerror};

pub const APPLETS: &[wsutil::Applet] = &[("gzip", main_gzip), ("gunzip", main_gunzip), ("zcat", main_zcat)];

// ---------------------------------------------------------------------------
// The format
// ---------------------------------------------------------------------------

const MAGIC: [u8; 2] = [0x1f, 0x8b];
const DEFLATED: u8 = 8;
const FHCRC: u8 = 0x02;
const FEXTRA: u8 = 0x04;
const FNAME: u8 = 0x08;
const FCOMMENT: u8 = 0x10;
const ENCRYPTED: u8 = 0x20;
const RESERVED: u8 = 0xc0;
/// GNU gzip writes its output a window at a time; a member that turns out
/// damaged loses what it decoded since the last full window.
const WINDOW: usize = 32 * 1024;

/// What can go wrong reading gzip data, worded as GNU gzip words it.
#[derive(Debug)]
pub enum GzError {
    /// The input could not be read.
    Read(io::Error),
    /// The first member has no gzip magic.
    NotGzip,
    Method(u8),
    Encrypted,
    Flags(u8),
    HeaderCrc(u16, u16),
    /// Input ended inside a member: fatal for GNU gzip (it stops at once).
    Eof,
    /// Bad deflate data: fatal too.
    Format,
    Crc,
    Length,
    /// Something other than a member after a member.
    TrailingGarbage,
    /// Only zero bytes after the last member (tape padding): a warning
    /// with -v, silence otherwise.
    TrailingZeros,
}

impl GzError {
    /// GNU gzip's text after `gzip: NAME`: some errors start a new line
    /// (GNU prints them after a pending "NAME:\t" of -v), some do not.
    pub fn describe(&self, name: &str) -> String {
        match self {
            GzError::Read(e) => format!("{}: {}: {}", wsutil::util(), name, strerror(e)),
            GzError::NotGzip => format!("\n{}: {}: not in gzip format", wsutil::util(), name),
            GzError::Method(m) => format!("{}: {}: unknown method {} -- not supported", wsutil::util(), name, m),
            GzError::Encrypted => format!("{}: {} is encrypted -- not supported", wsutil::util(), name),
            GzError::Flags(f) => format!("{}: {} has flags 0x{:x} -- not supported", wsutil::util(), name, f),
            GzError::HeaderCrc(stored, computed) => format!(
                "{}: {}: header checksum 0x{:04x} != computed checksum 0x{:04x}",
                wsutil::util(),
                name,
                stored,
                computed
            ),
            GzError::Eof => format!("\n{}: {}: unexpected end of file", wsutil::util(), name),
            GzError::Format => format!("\n{}: {}: invalid compressed data--format violated", wsutil::util(), name),
            GzError::Crc => format!("\n{}: {}: invalid compressed data--crc error", wsutil::util(), name),
            GzError::Length => format!("\n{}: {}: invalid compressed data--length error", wsutil::util(), name),
            GzError::TrailingGarbage => {
                format!("\n{}: {}: decompression OK, trailing garbage ignored", wsutil::util(), name)
            }
            GzError::TrailingZeros => {
                format!("\n{}: {}: decompression OK, trailing zero bytes ignored", wsutil::util(), name)
            }
        }
    }

    /// Errors after which GNU gzip gives up on every remaining operand.
    pub fn is_fatal(&self) -> bool {
        matches!(self, GzError::Eof | GzError::Format | GzError::Read(_))
    }
}

impl fmt::Display for GzError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self)
    }
}

impl std::error::Error for GzError {}

/// Buffered input that counts what was consumed (GNU's `bytes_in`) and
/// lets the header parser look ahead without consuming.
struct InBuf<R> {
    inner: R,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    consumed: u64,
    eof: bool,
}

impl<R: Read> InBuf<R> {
    fn new(inner: R) -> Self {
        InBuf { inner, buf: vec![0; 64 * 1024], pos: 0, len: 0, consumed: 0, eof: false }
    }

    /// Makes at least `n` bytes available if the input has them; returns
    /// how many are.
    fn want(&mut self, n: usize) -> Result<usize, GzError> {
        while self.len - self.pos < n && !self.eof {
            if self.pos > 0 {
                self.buf.copy_within(self.pos..self.len, 0);
                self.len -= self.pos;
                self.pos = 0;
            }
            match self.inner.read(&mut self.buf[self.len..]) {
                Ok(0) => self.eof = true,
                Ok(k) => self.len += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(GzError::Read(e)),
            }
        }
        Ok(self.len - self.pos)
    }

    fn avail(&self) -> &[u8] {
        &self.buf[self.pos..self.len]
    }

    fn consume(&mut self, n: usize) {
        self.pos += n;
        self.consumed += n as u64;
    }

    /// One byte; running out inside a member is "unexpected end of file".
    fn byte(&mut self) -> Result<u8, GzError> {
        if self.want(1)? == 0 {
            return Err(GzError::Eof);
        }
        let b = self.buf[self.pos];
        self.consume(1);
        Ok(b)
    }
}

/// What a member's header says.
#[derive(Clone, Debug, Default)]
pub struct Header {
    /// FNAME, as stored (GNU keeps only its last component).
    pub name: Option<Vec<u8>>,
    /// MTIME (0: none).
    pub mtime: u32,
    /// Bytes of header (GNU's `header_bytes` counts the trailer too).
    pub len: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    /// Before the first member.
    Start,
    Body,
    /// After a member: another one, padding, garbage or the end.
    Between,
    /// Copying what follows the members (`-cdf`).
    Raw,
    Done,
}

/// A streaming gzip reader: every member in turn, checked against its
/// trailer. Errors come back as `io::Error`s carrying a [`GzError`] (see
/// [`gz_error`]).
pub struct GzDecoder<R> {
    inp: InBuf<R>,
    inflate: Decompress,
    state: State,
    crc: crc32fast::Hasher,
    member_out: u64,
    /// The current member's deflate data has ended (its trailer may not
    /// have been read yet).
    deflate_done: bool,
    /// Members started so far.
    pub members: u32,
    /// Something (a member, zeros, garbage) followed the first member: GNU
    /// then stops counting the header in its ratios.
    pub followed: bool,
    /// The first member's header.
    pub first: Header,
    /// Set once the stream is done: the last member's CRC and length.
    pub last_crc: u32,
    pub last_len: u64,
    /// When set, `-v` notes about extra fields name this input.
    pub verbose_name: Option<String>,
    /// `gzip -cdf`: what follows the members, whatever it is, is copied
    /// through unchanged.
    pub passthrough: bool,
}

/// The [`GzError`] inside an error from [`GzDecoder`]'s `Read`, if any.
pub fn gz_error(e: &io::Error) -> Option<&GzError> {
    e.get_ref().and_then(|x| x.downcast_ref::<GzError>())
}

fn wrap(e: GzError) -> io::Error {
    match e {
        GzError::Read(e) => e,
        other => io::Error::new(io::ErrorKind::InvalidData, other),
    }
}

impl<R: Read> GzDecoder<R> {
    pub fn new(inner: R) -> Self {
        GzDecoder {
            inp: InBuf::new(inner),
            inflate: Decompress::new(false),
            state: State::Start,
            crc: crc32fast::Hasher::new(),
            member_out: 0,
            deflate_done: false,
            members: 0,
            followed: false,
            first: Header::default(),
            last_crc: 0,
            last_len: 0,
            verbose_name: None,
            passthrough: false,
        }
    }

    /// Bytes of input consumed so far.
    pub fn bytes_in(&self) -> u64 {
        self.inp.consumed
    }

    /// Reads the first header. `NotGzip` leaves the input untouched, so
    /// that `gzip -cdf` can copy it as it is. GNU reads the magic bytes one
    /// at a time: input ending after a non-zero first byte is "unexpected
    /// end of file", not "not in gzip format".
    pub fn start(&mut self) -> Result<(), GzError> {
        if self.state != State::Start {
            return Ok(());
        }
        let n = self.inp.want(2)?;
        if n >= 2 && self.inp.avail()[..2] == MAGIC {
            self.inp.consume(2);
            self.first = self.header()?;
            self.begin_member();
            return Ok(());
        }
        if self.passthrough || (n == 1 && self.inp.avail()[0] == 0) || (n >= 2) {
            return Err(GzError::NotGzip);
        }
        Err(GzError::Eof)
    }

    /// Copies the not-gzip input through unchanged (`gzip -cdf`).
    pub fn copy_raw(&mut self, out: &mut dyn Write) -> io::Result<u64> {
        let mut total = 0;
        loop {
            let n = self.inp.want(1).map_err(wrap)?;
            if n == 0 {
                return Ok(total);
            }
            out.write_all(self.inp.avail())?;
            total += n as u64;
            self.inp.consume(n);
        }
    }

    fn begin_member(&mut self) {
        self.members += 1;
        self.inflate.reset(false);
        self.crc = crc32fast::Hasher::new();
        self.member_out = 0;
        self.deflate_done = false;
        self.state = State::Body;
    }

    /// Parses a header after the magic.
    fn header(&mut self) -> Result<Header, GzError> {
        let start = self.inp.consumed - 2;
        let method = self.inp.byte()?;
        if method != DEFLATED {
            return Err(GzError::Method(method));
        }
        let flags = self.inp.byte()?;
        if flags & ENCRYPTED != 0 {
            return Err(GzError::Encrypted);
        }
        if flags & RESERVED != 0 {
            return Err(GzError::Flags(flags));
        }
        let mut hcrc = crc32fast::Hasher::new();
        hcrc.update(&[MAGIC[0], MAGIC[1], method, flags]);
        let mut rest = [0u8; 6];
        for b in rest.iter_mut() {
            *b = self.inp.byte()?;
        }
        hcrc.update(&rest);
        let mtime = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
        if flags & FEXTRA != 0 {
            let lo = self.inp.byte()?;
            let hi = self.inp.byte()?;
            hcrc.update(&[lo, hi]);
            let len = u16::from_le_bytes([lo, hi]);
            if let Some(name) = &self.verbose_name {
                eprintln!("{}: {}: extra field of {} bytes ignored", wsutil::util(), name, len);
            }
            for _ in 0..len {
                let b = self.inp.byte()?;
                hcrc.update(&[b]);
            }
        }
        let mut name = None;
        if flags & FNAME != 0 {
            let mut v = Vec::new();
            loop {
                let b = self.inp.byte()?;
                hcrc.update(&[b]);
                if b == 0 {
                    break;
                }
                v.push(b);
            }
            name = Some(v);
        }
        if flags & FCOMMENT != 0 {
            loop {
                let b = self.inp.byte()?;
                hcrc.update(&[b]);
                if b == 0 {
                    break;
                }
            }
        }
        if flags & FHCRC != 0 {
            let lo = self.inp.byte()?;
            let hi = self.inp.byte()?;
            let stored = u16::from_le_bytes([lo, hi]);
            let computed = (hcrc.finalize() & 0xffff) as u16;
            if stored != computed {
                return Err(GzError::HeaderCrc(stored, computed));
            }
        }
        Ok(Header { name, mtime, len: self.inp.consumed - start })
    }

    /// Inflates into `out`; returns bytes produced (0 only at a member's
    /// end, after its trailer checked out).
    fn body(&mut self, out: &mut [u8]) -> Result<usize, GzError> {
        loop {
            let avail = self.inp.want(1)?;
            let before_in = self.inflate.total_in();
            let before_out = self.inflate.total_out();
            let status =
                self.inflate.decompress(self.inp.avail(), out, FlushDecompress::None).map_err(|_| GzError::Format)?;
            let used = (self.inflate.total_in() - before_in) as usize;
            let made = (self.inflate.total_out() - before_out) as usize;
            self.inp.consume(used);
            self.crc.update(&out[..made]);
            self.member_out += made as u64;
            if status == Status::StreamEnd {
                self.deflate_done = true;
                if made > 0 {
                    // Report the data now; the trailer is checked on the next call.
                    return Ok(made);
                }
                self.trailer()?;
                return Ok(0);
            }
            if made > 0 {
                return Ok(made);
            }
            if avail == 0 {
                return Err(GzError::Eof);
            }
        }
    }

    fn trailer(&mut self) -> Result<(), GzError> {
        let mut t = [0u8; 8];
        for b in t.iter_mut() {
            *b = self.inp.byte()?;
        }
        let crc = u32::from_le_bytes([t[0], t[1], t[2], t[3]]);
        let len = u32::from_le_bytes([t[4], t[5], t[6], t[7]]);
        let got = std::mem::replace(&mut self.crc, crc32fast::Hasher::new()).finalize();
        self.last_crc = crc;
        self.last_len = self.member_out;
        self.state = State::Between;
        if crc != got {
            return Err(GzError::Crc);
        }
        if len != self.member_out as u32 {
            return Err(GzError::Length);
        }
        Ok(())
    }

    /// After a member: the next one, the end, zero padding or garbage.
    fn between(&mut self) -> Result<(), GzError> {
        let n = self.inp.want(2)?;
        if n == 0 {
            self.state = State::Done;
            return Ok(());
        }
        self.followed = true;
        if n >= 2 && self.inp.avail()[..2] == MAGIC {
            self.inp.consume(2);
            self.header()?;
            self.begin_member();
            return Ok(());
        }
        if self.passthrough {
            self.state = State::Raw;
            return Ok(());
        }
        if n == 1 && self.inp.avail()[0] != 0 {
            return Err(GzError::Eof);
        }
        self.state = State::Done;
        if self.inp.avail()[0] == 0 {
            loop {
                let k = self.inp.want(1)?;
                if k == 0 {
                    return Err(GzError::TrailingZeros);
                }
                match self.inp.avail().iter().position(|&b| b != 0) {
                    Some(_) => return Err(GzError::TrailingGarbage),
                    None => self.inp.consume(k),
                }
            }
        }
        Err(GzError::TrailingGarbage)
    }

    /// Raw copy of the input's rest into `out`.
    fn raw(&mut self, out: &mut [u8]) -> Result<usize, GzError> {
        let n = self.inp.want(1)?.min(out.len());
        if n == 0 {
            self.state = State::Done;
            return Ok(0);
        }
        out[..n].copy_from_slice(&self.inp.avail()[..n]);
        self.inp.consume(n);
        Ok(n)
    }

    /// Decompresses the next piece into `out`: `Ok(0)` at the end of all
    /// members. GNU's member-by-member window output is the caller's.
    pub fn next_chunk(&mut self, out: &mut [u8]) -> Result<usize, GzError> {
        loop {
            match self.state {
                State::Start => self.start()?,
                State::Body => {
                    let n = self.body(out)?;
                    if n > 0 {
                        return Ok(n);
                    }
                }
                State::Between => self.between()?,
                State::Raw => {
                    let n = self.raw(out)?;
                    if n > 0 {
                        return Ok(n);
                    }
                }
                State::Done => return Ok(0),
            }
        }
    }

    /// Whether the stream is between members (the last `next_chunk` data
    /// ended one), so a caller emulating GNU's windows flushes them.
    pub fn member_ended(&self) -> bool {
        self.state != State::Body || self.deflate_done
    }
}

impl<R: Read> Read for GzDecoder<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        self.next_chunk(out).map_err(wrap)
    }
}

/// A streaming gzip writer (one member).
pub struct GzEncoder<W: Write> {
    inner: W,
    deflate: Compress,
    crc: crc32fast::Hasher,
    len: u64,
    buf: Vec<u8>,
    /// Compressed bytes written, header and trailer included.
    pub bytes_out: u64,
    /// Header and trailer bytes (GNU's `header_bytes`).
    pub header_bytes: u64,
}

impl<W: Write> GzEncoder<W> {
    /// Writes the header: NAME and MTIME as given, XFL as GNU sets it for
    /// the level, OS = Unix.
    pub fn new(mut inner: W, level: u32, name: Option<&[u8]>, mtime: u32) -> io::Result<Self> {
        let mut h = vec![MAGIC[0], MAGIC[1], DEFLATED, if name.is_some() { FNAME } else { 0 }];
        h.extend_from_slice(&mtime.to_le_bytes());
        h.push(match level {
            9 => 2,
            1 => 4,
            _ => 0,
        });
        h.push(3);
        if let Some(n) = name {
            h.extend_from_slice(n);
            h.push(0);
        }
        inner.write_all(&h)?;
        Ok(GzEncoder {
            inner,
            deflate: Compress::new(Compression::new(level), false),
            crc: crc32fast::Hasher::new(),
            len: 0,
            buf: vec![0; 64 * 1024],
            bytes_out: h.len() as u64,
            header_bytes: h.len() as u64 + 8,
        })
    }

    fn pump(&mut self, mut input: &[u8], flush: FlushCompress) -> io::Result<()> {
        loop {
            let before_in = self.deflate.total_in();
            let before_out = self.deflate.total_out();
            let status = self
                .deflate
                .compress(input, &mut self.buf, flush)
                .map_err(|e| io::Error::new(io::ErrorKind::Other, e.to_string()))?;
            let used = (self.deflate.total_in() - before_in) as usize;
            let made = (self.deflate.total_out() - before_out) as usize;
            input = &input[used..];
            if made > 0 {
                self.inner.write_all(&self.buf[..made])?;
                self.bytes_out += made as u64;
            }
            let finishing = matches!(flush, FlushCompress::Finish);
            if finishing && status == Status::StreamEnd {
                return Ok(());
            }
            if !finishing && input.is_empty() && made < self.buf.len() {
                return Ok(());
            }
        }
    }

    /// Ends the member (deflate end, CRC, length) and returns the writer.
    pub fn finish(mut self) -> io::Result<(W, u64)> {
        self.pump(&[], FlushCompress::Finish)?;
        let mut t = [0u8; 8];
        t[..4].copy_from_slice(&self.crc.clone().finalize().to_le_bytes());
        t[4..].copy_from_slice(&(self.len as u32).to_le_bytes());
        self.inner.write_all(&t)?;
        self.bytes_out += 8;
        Ok((self.inner, self.bytes_out))
    }
}

impl<W: Write> Write for GzEncoder<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.crc.update(data);
        self.len += data.len() as u64;
        self.pump(data, FlushCompress::None)?;
        Ok(data.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// The command line
// ---------------------------------------------------------------------------

const RSYNCABLE: char = '\u{e011}';
const SYNCHRONOUS: char = '\u{e012}';
const PRESUME_TTY: char = '\u{e013}';

/// GNU gzip's options, in its table's order (ambiguity messages list them
/// so).
const SPEC: Spec = Spec {
    short: "ab:cdfhHklLmMnNqrS:tvVZ123456789",
    long: &[
        ("ascii", HasArg::No, 'a'),
        ("to-stdout", HasArg::No, 'c'),
        ("stdout", HasArg::No, 'c'),
        ("decompress", HasArg::No, 'd'),
        ("uncompress", HasArg::No, 'd'),
        ("force", HasArg::No, 'f'),
        ("help", HasArg::No, 'h'),
        ("keep", HasArg::No, 'k'),
        ("list", HasArg::No, 'l'),
        ("license", HasArg::No, 'L'),
        ("no-name", HasArg::No, 'n'),
        ("name", HasArg::No, 'N'),
        ("-presume-input-tty", HasArg::No, PRESUME_TTY),
        ("quiet", HasArg::No, 'q'),
        ("silent", HasArg::No, 'q'),
        ("synchronous", HasArg::No, SYNCHRONOUS),
        ("recursive", HasArg::No, 'r'),
        ("suffix", HasArg::Required, 'S'),
        ("test", HasArg::No, 't'),
        ("verbose", HasArg::No, 'v'),
        ("version", HasArg::No, 'V'),
        ("fast", HasArg::No, '1'),
        ("best", HasArg::No, '9'),
        ("lzw", HasArg::No, 'Z'),
        ("bits", HasArg::Required, 'b'),
        ("rsyncable", HasArg::No, RSYNCABLE),
    ],
    stop_at_operand: false,
};

const GZIP_USAGE: &str = "Usage: gzip [OPTION]... [FILE]...
Compress or uncompress FILEs (by default, compress FILES in-place).

Mandatory arguments to long options are mandatory for short options too.

  -c, --stdout      write on standard output, keep original files unchanged
  -d, --decompress  decompress
  -f, --force       force overwrite of output file and compress links
  -h, --help        give this help
  -k, --keep        keep (don't delete) input files
  -l, --list        list compressed file contents
  -L, --license     display software license
  -n, --no-name     do not save or restore the original name and timestamp
  -N, --name        save or restore the original name and timestamp
  -q, --quiet       suppress all warnings
  -r, --recursive   operate recursively on directories
      --rsyncable   make rsync-friendly archive
  -S, --suffix=SUF  use suffix SUF on compressed files
      --synchronous synchronous output (safer if system crashes, but slower)
  -t, --test        test compressed file integrity
  -v, --verbose     verbose mode
  -V, --version     display version number
  -1, --fast        compress faster
  -9, --best        compress better

With no FILE, or when FILE is -, read standard input.

Report bugs to <bug-gzip@gnu.org>.
";

const GUNZIP_USAGE: &str = "Usage: /usr/bin/gunzip [OPTION]... [FILE]...
Uncompress FILEs (by default, in-place).

Mandatory arguments to long options are mandatory for short options too.

  -c, --stdout      write on standard output, keep original files unchanged
  -f, --force       force overwrite of output file and compress links
  -k, --keep        keep (don't delete) input files
  -l, --list        list compressed file contents
  -n, --no-name     do not save or restore the original name and timestamp
  -N, --name        save or restore the original name and timestamp
  -q, --quiet       suppress all warnings
  -r, --recursive   operate recursively on directories
  -S, --suffix=SUF  use suffix SUF on compressed files
      --synchronous synchronous output (safer if system crashes, but slower)
  -t, --test        test compressed file integrity
  -v, --verbose     verbose mode
      --help        display this help and exit
      --version     display version information and exit

With no FILE, or when FILE is -, read standard input.

Report bugs to <bug-gzip@gnu.org>.
";

const ZCAT_USAGE: &str = "Usage: /usr/bin/zcat [OPTION]... [FILE]...
Uncompress FILEs to standard output.

  -f, --force       force; read compressed data even from a terminal
  -l, --list        list compressed file contents
  -q, --quiet       suppress all warnings
  -r, --recursive   operate recursively on directories
  -S, --suffix=SUF  use suffix SUF on compressed files
      --synchronous synchronous output (safer if system crashes, but slower)
  -t, --test        test compressed file integrity
  -v, --verbose     verbose mode
      --help        display this help and exit
      --version     display version information and exit

With no FILE, or when FILE is -, read standard input.

Report bugs to <bug-gzip@gnu.org>.
";

const LICENSE: &str = "gzip 1.12 (wasmsand)
Copyright (C) 2018 Free Software Foundation, Inc.
Copyright (C) 1993 Jean-loup Gailly.
This is free software.  You may redistribute copies of it under the terms of
the GNU General Public License <https://www.gnu.org/licenses/gpl.html>.
There is NO WARRANTY, to the extent permitted by law.
";

/// `gunzip` and `zcat` are GNU's shell scripts around `gzip -d` and
/// `gzip -cd`; only a first `--help`/`--version` is theirs.
pub fn main_gunzip(argv: &[String]) -> i32 {
    wrapper(argv, "gunzip", GUNZIP_USAGE, &["-d"])
}

pub fn main_zcat(argv: &[String]) -> i32 {
    wrapper(argv, "zcat", ZCAT_USAGE, &["-c", "-d"])
}

fn wrapper(argv: &[String], name: &str, usage: &str, pre: &[&str]) -> i32 {
    wsutil::set_util("gzip");
    match argv.first().map(String::as_str) {
        Some("--help") => {
            print!("{}", usage);
            return 0;
        }
        Some("--version") => {
            println!("{} (gzip) 1.12 (wasmsand coreutils {})", name, env!("CARGO_PKG_VERSION"));
            return 0;
        }
        _ => {}
    }
    let mut all: Vec<String> = pre.iter().map(|s| s.to_string()).collect();
    all.extend(argv.iter().cloned());
    main_gzip(&all)
}

/// Options after parsing.
#[derive(Clone)]
struct Opts {
    decompress: bool,
    to_stdout: bool,
    force: u32,
    keep: bool,
    list: bool,
    test: bool,
    /// -n / -N: `None` until given (the default depends on the mode).
    no_name: bool,
    no_time: bool,
    quiet: bool,
    verbose: u32,
    recursive: bool,
    suffix: String,
    level: u32,
}

fn usage_error(msg: &str) -> i32 {
    eprintln!("gzip: {}", msg);
    eprintln!("Try `gzip --help' for more information.");
    1
}

pub fn main_gzip(argv: &[String]) -> i32 {
    wsutil::set_util("gzip");
    let items = match args::parse(&SPEC, argv) {
        Ok(items) => items,
        Err(e) => return usage_error(&e.0),
    };
    let mut o = Opts {
        decompress: false,
        to_stdout: false,
        force: 0,
        keep: false,
        list: false,
        test: false,
        no_name: false,
        no_time: false,
        quiet: false,
        verbose: 0,
        recursive: false,
        suffix: ".gz".to_string(),
        level: 6,
    };
    let mut name_opt: Option<bool> = None;
    let mut time_opt: Option<bool> = None;
    let mut files = Vec::new();
    for item in items {
        match item {
            Item::Opt('a', _) => eprintln!("gzip: option --ascii ignored on this system"),
            Item::Opt('b', _) | Item::Opt(SYNCHRONOUS, _) | Item::Opt(PRESUME_TTY, _) => {}
            Item::Opt('c', _) => o.to_stdout = true,
            Item::Opt('d', _) => o.decompress = true,
            Item::Opt('f', _) => o.force += 1,
            Item::Opt('h', _) | Item::Opt('H', _) => {
                print!("{}", GZIP_USAGE);
                return 0;
            }
            Item::Opt('k', _) => o.keep = true,
            Item::Opt('l', _) => {
                o.list = true;
                o.decompress = true;
                o.to_stdout = true;
            }
            Item::Opt('L', _) | Item::Opt('V', _) => {
                print!("{}", LICENSE);
                if let Item::Opt('V', _) = item {
                    println!("\nWritten by Jean-loup Gailly.");
                }
                return 0;
            }
            Item::Opt('m', _) => time_opt = Some(true),
            Item::Opt('M', _) => time_opt = Some(false),
            Item::Opt('n', _) => {
                name_opt = Some(true);
                time_opt = Some(true);
            }
            Item::Opt('N', _) => {
                name_opt = Some(false);
                time_opt = Some(false);
            }
            Item::Opt('q', _) => {
                o.quiet = true;
                o.verbose = 0;
            }
            Item::Opt('r', _) => o.recursive = true,
            Item::Opt('S', Some(s)) => o.suffix = s,
            Item::Opt('t', _) => {
                o.test = true;
                o.decompress = true;
                o.to_stdout = true;
            }
            Item::Opt('v', _) => {
                o.verbose += 1;
                o.quiet = false;
            }
            Item::Opt('Z', _) => {
                return usage_error("-Z not supported in this version");
            }
            Item::Opt(RSYNCABLE, _) => {
                return wsutil::report(&wsutil::Error::Unsupported("--rsyncable".into()), 1);
            }
            Item::Opt(c, _) if c.is_ascii_digit() => o.level = c as u32 - '0' as u32,
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    if o.suffix.is_empty() {
        eprintln!("gzip: invalid suffix ''");
        return 1;
    }
    o.no_name = name_opt.unwrap_or(o.decompress);
    o.no_time = time_opt.unwrap_or(o.decompress);
    let mut gz = Gzip::new(o);
    if files.is_empty() {
        files.push("-".to_string());
    }
    let many = files.len() > 1;
    for f in &files {
        if gz.treat_operand(f).is_err() {
            return gz.abort();
        }
    }
    if gz.opts.list && !gz.opts.quiet && many {
        gz.list_totals();
    }
    if gz.out.flush().is_err() {
        return 1;
    }
    gz.status
}

/// A fatal condition: the message is already out; GNU removes the output
/// file it was writing and exits 1.
struct Abort;

/// The -l running totals (GNU keeps them across files).
#[derive(Default)]
struct ListTotals {
    printed_header: bool,
    total_in: u64,
    total_out: u64,
    /// GNU's `header_bytes` of the last file listed (it reuses it for the
    /// totals' ratio).
    header_bytes: u64,
}

struct Gzip {
    opts: Opts,
    status: i32,
    out: Out,
    list: ListTotals,
    /// The output file being written, removed if gzip stops midway.
    partial: Option<String>,
}

/// The outcome of one stream.
struct Stats {
    bytes_in: u64,
    bytes_out: u64,
    header_bytes: u64,
    crc: u32,
    /// The first header's name and time.
    header: Header,
    /// The members were followed by garbage or zeros (warned about): GNU
    /// then lists nothing, and says nothing more for standard input.
    trailing: bool,
}

fn display_ratio(num: i64, den: i64) -> String {
    let r = if den == 0 { 0.0 } else { 100.0 * num as f64 / den as f64 };
    format!("{:5.1}%", r)
}

impl Gzip {
    fn new(opts: Opts) -> Self {
        Gzip { opts, status: 0, out: stdout(), list: ListTotals::default(), partial: None }
    }

    fn warn_status(&mut self) {
        if self.status == 0 {
            self.status = 2;
        }
    }

    /// `WARN` in GNU: the message unless -q, and status 2 unless worse.
    fn warn(&mut self, msg: &str) {
        if !self.opts.quiet {
            let _ = self.out.flush();
            eprintln!("{}", msg);
        }
        self.warn_status();
    }

    fn error(&mut self, msg: &str) {
        let _ = self.out.flush();
        eprintln!("{}", msg);
        self.status = 1;
    }

    fn io_error(&mut self, name: &str, e: &io::Error) {
        self.error(&format!("gzip: {}: {}", name, strerror(e)));
    }

    fn abort(&mut self) -> i32 {
        let _ = self.out.flush();
        if let Some(p) = self.partial.take() {
            let _ = fs::remove_file(p);
        }
        1
    }

    fn treat_operand(&mut self, name: &str) -> Result<(), Abort> {
        if name == "-" {
            return self.treat_stdin();
        }
        self.treat_file(name)
    }

    // --- standard input ---------------------------------------------------

    fn treat_stdin(&mut self) -> Result<(), Abort> {
        // GNU treats standard input as if -c were given.
        let saved = self.opts.to_stdout;
        self.opts.to_stdout = true;
        let r = self.treat_stdin_stream();
        self.opts.to_stdout = saved;
        r
    }

    fn treat_stdin_stream(&mut self) -> Result<(), Abort> {
        let o = self.opts.clone();
        let st = fsmeta::fstat(0).ok();
        let regular = st.map_or(false, |s| s.is_reg());
        if !o.decompress {
            let mtime = if o.no_time || !regular { 0 } else { st.map_or(0, |s| clamp_mtime(s.mtime.sec)) };
            let mut out = std::mem::replace(&mut self.out, stdout());
            let r = compress(&mut RawFd::new(0), &mut out, o.level, None, mtime);
            self.out = out;
            return match r {
                Ok(s) => {
                    if o.verbose > 0 {
                        let _ = self.out.flush();
                        let num = s.bytes_in as i64 - (s.bytes_out as i64 - s.header_bytes as i64);
                        eprintln!("{}", display_ratio(num, s.bytes_in as i64));
                    }
                    Ok(())
                }
                Err(e) => self.stream_io_error("stdin", e),
            };
        }
        let mut dec = GzDecoder::new(RawFd::new(0));
        if o.verbose > 0 {
            dec.verbose_name = Some("stdin".to_string());
        }
        let sink = !o.test && !o.list;
        match self.decompress_stream(&mut dec, "stdin", sink, true) {
            Ok(Some(stats)) if stats.trailing => Ok(()),
            Ok(Some(stats)) => {
                if o.list {
                    let file_time = if regular { st.map(|s| s.mtime.sec) } else { Some(wsutil::datetime::Timespec::now().sec) };
                    let time = if !o.no_time && stats.header.mtime != 0 { Some(stats.header.mtime as i64) } else { file_time };
                    let name = match (&stats.header.name, o.no_name) {
                        (Some(n), false) => base_name(n),
                        _ => "stdout".to_string(),
                    };
                    self.list_line(&stats, time, &name);
                } else if o.test && o.verbose > 0 {
                    let _ = self.out.flush();
                    eprintln!(" OK");
                }
                Ok(())
            }
            Ok(None) => Ok(()),
            Err(Stop::Abort) => Err(Abort),
            // GNU exits at once when standard input does not start with a
            // member it can read.
            Err(Stop::Skip) if dec.members == 0 => Err(Abort),
            Err(Stop::Skip) => Ok(()),
        }
    }

    fn stream_io_error(&mut self, name: &str, e: io::Error) -> Result<(), Abort> {
        if let Some(g) = gz_error(&e) {
            let msg = g.describe(name);
            self.error(&msg);
        } else {
            self.io_error(name, &e);
        }
        Err(Abort)
    }

    // --- decompression core -------------------------------------------------

    /// Decompresses every member to standard output (when `sink`) or to
    /// nowhere (-t, -l). See [`Gzip::decompress_into`].
    fn decompress_stream<R: Read>(
        &mut self,
        dec: &mut GzDecoder<R>,
        name: &str,
        sink: bool,
        from_stdin: bool,
    ) -> Result<Option<Stats>, Stop> {
        let mut out = std::mem::replace(&mut self.out, stdout());
        let r = if sink {
            self.decompress_into(dec, name, Some((&mut out, "stdout")), from_stdin)
        } else {
            self.decompress_into(dec, name, None, from_stdin)
        };
        self.out = out;
        r
    }

    /// Decompresses every member into `sink` (and its name for write
    /// errors), a window at a time as GNU does. Returns the stream's
    /// figures; `None` when the input was copied raw (-cdf) or ended in
    /// trailing data (a warning); `Stop::Skip` after a per-file error and
    /// `Stop::Abort` after a fatal one.
    fn decompress_into<R: Read>(
        &mut self,
        dec: &mut GzDecoder<R>,
        name: &str,
        mut sink: Option<(&mut dyn Write, &str)>,
        from_stdin: bool,
    ) -> Result<Option<Stats>, Stop> {
        let o = self.opts.clone();
        dec.passthrough = o.force > 0 && o.to_stdout && !o.list;
        if let Err(e) = dec.start() {
            if matches!(e, GzError::NotGzip) && dec.passthrough {
                let r = match sink.as_mut() {
                    Some((out, _)) => dec.copy_raw(&mut **out),
                    None => dec.copy_raw(&mut io::sink()),
                };
                if let Err(e) = r {
                    self.io_error(name, &e);
                    return Err(Stop::Abort);
                }
                return Ok(None);
            }
            return Err(self.report_gz(&e, name, from_stdin));
        }
        // GNU prints "NAME:\t" once the header was read.
        if o.verbose > 0 && !from_stdin && !o.list {
            let _ = self.out.flush();
            eprint!("{}:\t", name);
        }
        let mut window = vec![0u8; WINDOW];
        let mut filled = 0;
        let mut trailing = false;
        loop {
            match dec.next_chunk(&mut window[filled..]) {
                Ok(0) => break,
                Ok(n) => {
                    filled += n;
                    if filled == WINDOW || dec.member_ended() {
                        if let Some((out, oname)) = sink.as_mut() {
                            if let Err(e) = out.write_all(&window[..filled]) {
                                self.io_error(oname, &e);
                                return Err(Stop::Abort);
                            }
                        }
                        filled = 0;
                    }
                }
                Err(e @ GzError::TrailingZeros) => {
                    if o.verbose > 0 {
                        let msg = e.describe(name);
                        self.warn(&msg);
                    }
                    trailing = true;
                    break;
                }
                Err(e @ GzError::TrailingGarbage) => {
                    let msg = e.describe(name);
                    self.warn(&msg);
                    trailing = true;
                    break;
                }
                Err(e) => {
                    // GNU writes out its window before complaining that the
                    // input ended.
                    if matches!(e, GzError::Eof) {
                        if let Some((out, _)) = sink.as_mut() {
                            let _ = out.write_all(&window[..filled]);
                        }
                    }
                    return Err(self.report_gz(&e, name, from_stdin));
                }
            }
        }
        Ok(Some(Stats {
            trailing,
            bytes_in: dec.bytes_in(),
            bytes_out: dec.last_len,
            header_bytes: if !dec.followed { dec.first.len + 8 } else { 0 },
            crc: dec.last_crc,
            header: dec.first.clone(),
        }))
    }

    /// Prints a decoding error; says whether gzip stops altogether.
    fn report_gz(&mut self, e: &GzError, name: &str, from_stdin: bool) -> Stop {
        if let GzError::Read(io) = e {
            self.io_error(name, io);
            return Stop::Abort;
        }
        let _ = from_stdin;
        let msg = e.describe(name);
        self.error(&msg);
        // A bad CRC or length ends gzip too, unless it is only testing.
        let checking = self.opts.test || self.opts.list;
        if e.is_fatal() || (matches!(e, GzError::Crc | GzError::Length) && !checking) {
            Stop::Abort
        } else {
            Stop::Skip
        }
    }

    // --- -l -----------------------------------------------------------------

    fn list_header(&mut self) {
        if self.list.printed_header {
            return;
        }
        self.list.printed_header = true;
        if self.opts.verbose > 0 {
            let _ = write!(self.out, "method  crc     date  time  ");
        }
        if !self.opts.quiet {
            let _ = writeln!(self.out, "{:>19} {:>19}  ratio uncompressed_name", "compressed", "uncompressed");
        }
    }

    fn list_line(&mut self, s: &Stats, time: Option<i64>, name: &str) {
        self.list_header();
        if self.opts.verbose > 0 {
            let date = match time {
                Some(t) => {
                    let tm = wsutil::datetime::localtime(wsutil::datetime::Timespec::new(t, 0), &wsutil::datetime::Zone::from_env());
                    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
                    format!("{}{:3} {:02}:{:02} ", MONTHS[(tm.month as usize).saturating_sub(1) % 12], tm.mday, tm.hour, tm.min)
                }
                None => "??? ?? ??:?? ".to_string(),
            };
            let _ = write!(self.out, "defla {:08x} {}", s.crc, date);
        }
        let _ = write!(self.out, "{:>19} {:>19} ", s.bytes_in, s.bytes_out);
        self.list.total_in += s.bytes_in;
        self.list.total_out += s.bytes_out;
        self.list.header_bytes = s.header_bytes;
        let ratio = display_ratio(s.bytes_out as i64 - (s.bytes_in as i64 - s.header_bytes as i64), s.bytes_out as i64);
        let _ = writeln!(self.out, "{} {}", ratio, name);
    }

    fn list_totals(&mut self) {
        let l = &self.list;
        if l.total_in == 0 || l.total_out == 0 {
            return;
        }
        let (tin, tout, hb) = (l.total_in, l.total_out, l.header_bytes);
        if self.opts.verbose > 0 {
            let _ = write!(self.out, "                            ");
        }
        let _ = write!(self.out, "{:>19} {:>19} ", tin, tout);
        let ratio = display_ratio(tout as i64 - (tin as i64 - hb as i64), tout as i64);
        let _ = writeln!(self.out, "{} (totals)", ratio);
    }

    // --- files ----------------------------------------------------------------

    fn treat_file(&mut self, name: &str) -> Result<(), Abort> {
        let o = self.opts.clone();
        let (path, st) = match self.open_input(name) {
            Some(x) => x,
            None => return Ok(()),
        };
        if st.is_dir() {
            if o.recursive {
                return self.treat_dir(&path);
            }
            self.warn(&format!("gzip: {} is a directory -- ignored", path));
            return Ok(());
        }
        if !o.to_stdout {
            if !st.is_reg() {
                self.warn(&format!("gzip: {} is not a directory or a regular file - ignored", path));
                return Ok(());
            }
            if st.mode & 0o4000 != 0 {
                self.warn(&format!("gzip: {} is set-user-ID on execution - ignored", path));
                return Ok(());
            }
            if st.mode & 0o2000 != 0 {
                self.warn(&format!("gzip: {} is set-group-ID on execution - ignored", path));
                return Ok(());
            }
            if o.force == 0 {
                if st.mode & 0o1000 != 0 {
                    self.warn(&format!("gzip: {} has the sticky bit set - file ignored", path));
                    return Ok(());
                }
                if st.nlink >= 2 {
                    let others = st.nlink - 1;
                    self.warn(&format!(
                        "gzip: {} has {} other link{} -- file ignored",
                        path,
                        others,
                        if others > 1 { "s" } else { "" }
                    ));
                    return Ok(());
                }
            }
        }
        let ofname = if o.to_stdout && !o.list && !o.test {
            "stdout".to_string()
        } else {
            match self.make_ofname(&path) {
                Some(n) => n,
                None => return Ok(()),
            }
        };
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) => {
                self.io_error(&path, &e);
                return Ok(());
            }
        };
        if o.decompress {
            self.decompress_file(file, &path, &st, ofname)
        } else {
            self.compress_file(file, &path, &st, ofname)
        }
    }

    /// Finds the input (for -d, trying the known suffixes) and stats it.
    fn open_input(&mut self, name: &str) -> Option<(String, FileStat)> {
        let follow = self.opts.to_stdout || self.opts.force > 0;
        let first = fsmeta::stat(name, false);
        match first {
            Ok(st) => {
                if st.is_symlink() {
                    if !follow {
                        self.error(&format!("gzip: {}: {}", name, errno_text(32)));
                        return None;
                    }
                    return match fsmeta::stat(name, true) {
                        Ok(t) => Some((name.to_string(), t)),
                        Err(e) => {
                            self.io_error(name, &e);
                            None
                        }
                    };
                }
                Some((name.to_string(), st))
            }
            Err(e) => {
                if !self.opts.decompress || e.raw_os_error() != Some(44) || self.get_suffix(name).is_some() {
                    self.io_error(name, &e);
                    return None;
                }
                let mut tries = vec![self.opts.suffix.clone()];
                for s in [".gz", ".z", "-z", ".Z"] {
                    if !tries.iter().any(|t| t == s) {
                        tries.push(s.to_string());
                    }
                }
                for s in &tries {
                    let cand = format!("{}{}", name, s);
                    match fsmeta::stat(&cand, follow) {
                        Ok(st) => {
                            if st.is_symlink() {
                                self.error(&format!("gzip: {}: {}", cand, errno_text(32)));
                                return None;
                            }
                            return Some((cand, st));
                        }
                        Err(e) if e.raw_os_error() == Some(44) => {}
                        Err(e) => {
                            self.io_error(&cand, &e);
                            return None;
                        }
                    }
                }
                let cand = format!("{}{}", name, self.opts.suffix);
                self.error(&format!("gzip: {}: {}", cand, errno_text(44)));
                None
            }
        }
    }

    /// The known suffix `name` ends with (compared ignoring case), if any.
    fn get_suffix(&self, name: &str) -> Option<usize> {
        let lower = name.to_ascii_lowercase();
        let mut known: Vec<String> = vec![self.opts.suffix.to_ascii_lowercase()];
        for s in [".gz", ".z", ".taz", ".tgz", "-gz", "-z", "_z"] {
            known.push(s.to_string());
        }
        for s in &known {
            if lower.len() > s.len() && lower.ends_with(s.as_str()) {
                let stem = &lower[..lower.len() - s.len()];
                if !stem.ends_with('/') {
                    return Some(name.len() - s.len());
                }
            }
        }
        None
    }

    fn make_ofname(&mut self, path: &str) -> Option<String> {
        let o = &self.opts;
        let suff = self.get_suffix(path);
        if o.decompress {
            match suff {
                None => {
                    if !o.recursive && (o.list || o.test) {
                        return Some(path.to_string());
                    }
                    if o.verbose > 0 || (!o.recursive && !o.quiet) {
                        self.warn(&format!("gzip: {}: unknown suffix -- ignored", path));
                    } else {
                        self.warn_status();
                    }
                    None
                }
                Some(at) => {
                    let s = path[at..].to_ascii_lowercase();
                    if s == ".tgz" || s == ".taz" {
                        Some(format!("{}.tar", &path[..at]))
                    } else {
                        Some(path[..at].to_string())
                    }
                }
            }
        } else if let (Some(at), 0) = (suff, o.force) {
            if o.verbose > 0 || (!o.recursive && !o.quiet) {
                let _ = self.out.flush();
                eprintln!("gzip: {} already has {} suffix -- unchanged", path, &path[at..]);
            }
            None
        } else {
            Some(format!("{}{}", path, o.suffix))
        }
    }

    fn treat_dir(&mut self, dir: &str) -> Result<(), Abort> {
        let rd = match fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(e) => {
                self.io_error(dir, &e);
                return Ok(());
            }
        };
        let mut names: Vec<String> = rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        for n in names {
            let p = if dir.ends_with('/') { format!("{}{}", dir, n) } else { format!("{}/{}", dir, n) };
            self.treat_file(&p)?;
        }
        Ok(())
    }

    /// Checks the output name is free (removing it with -f): GNU's
    /// `check_ofname`.
    fn check_ofname(&mut self, ofname: &str) -> bool {
        match fsmeta::stat(ofname, false) {
            Err(e) if e.raw_os_error() == Some(44) => true,
            Err(e) => {
                self.io_error(ofname, &e);
                false
            }
            Ok(_) => {
                if self.opts.force == 0 {
                    let _ = self.out.flush();
                    eprintln!("gzip: {} already exists;\tnot overwritten", ofname);
                    self.warn_status();
                    return false;
                }
                if let Err(e) = fs::remove_file(ofname) {
                    self.io_error(ofname, &e);
                    return false;
                }
                true
            }
        }
    }

    fn create_out(&mut self, ofname: &str) -> Option<File> {
        if !self.check_ofname(ofname) {
            return None;
        }
        match OpenOptions::new().write(true).create_new(true).open(ofname) {
            Ok(f) => {
                self.partial = Some(ofname.to_string());
                Some(f)
            }
            Err(e) => {
                self.io_error(ofname, &e);
                None
            }
        }
    }

    /// Gives the output the input's mode and times (or the header's time
    /// with -N), then removes the input unless -k: GNU's `copy_stat`.
    fn finish_output(&mut self, ifname: &str, st: &FileStat, ofname: &str, mtime: Option<i64>) {
        self.partial = None;
        let m = match mtime {
            Some(t) => fsmeta::Timespec::new(t, 0),
            None => st.mtime,
        };
        let _ = fsmeta::set_times(ofname, false, SetTime::At(st.atime), SetTime::At(m));
        let _ = fsmeta::chmod(ofname, st.mode & 0o7777);
        if !self.opts.keep {
            if let Err(e) = fs::remove_file(ifname) {
                self.io_error(ifname, &e);
            }
        }
    }

    fn verbose_result(&mut self, num: i64, den: i64, ofname: &str) {
        let _ = self.out.flush();
        let verb = if self.opts.keep { "created" } else { "replaced with" };
        eprintln!("{} -- {} {}", display_ratio(num, den), verb, ofname);
    }

    fn compress_file(&mut self, file: File, path: &str, st: &FileStat, ofname: String) -> Result<(), Abort> {
        let o = self.opts.clone();
        let name = if o.no_name { None } else { Some(base_name(path.as_bytes())) };
        let mtime = if o.no_time { 0 } else { clamp_mtime(st.mtime.sec) };
        let mut input = file;
        if o.to_stdout {
            if o.verbose > 0 {
                let _ = self.out.flush();
                eprint!("{}:\t", path);
            }
            let mut out = std::mem::replace(&mut self.out, stdout());
            let r = compress(&mut input, &mut out, o.level, name.as_ref().map(|n| n.as_bytes()), mtime);
            self.out = out;
            let s = match r {
                Ok(s) => s,
                Err(e) => return self.stream_io_error(path, e),
            };
            if o.verbose > 0 {
                self.verbose_result(s.bytes_in as i64 - (s.bytes_out as i64 - s.header_bytes as i64), s.bytes_in as i64, &ofname);
            }
            return Ok(());
        }
        let outf = match self.create_out(&ofname) {
            Some(f) => f,
            None => return Ok(()),
        };
        if o.verbose > 0 {
            eprint!("{}:\t", path);
        }
        let mut w = io::BufWriter::with_capacity(64 * 1024, outf);
        let r = compress(&mut input, &mut w, o.level, name.as_ref().map(|n| n.as_bytes()), mtime);
        let r = r.and_then(|s| w.flush().map(|_| s));
        drop(w);
        let s = match r {
            Ok(s) => s,
            Err(e) => return self.stream_io_error(path, e),
        };
        self.finish_output(path, st, &ofname, None);
        if o.verbose > 0 {
            self.verbose_result(s.bytes_in as i64 - (s.bytes_out as i64 - s.header_bytes as i64), s.bytes_in as i64, &ofname);
        }
        Ok(())
    }

    fn decompress_file(&mut self, file: File, path: &str, st: &FileStat, ofname: String) -> Result<(), Abort> {
        let o = self.opts.clone();
        let mut dec = GzDecoder::new(file);
        if o.verbose > 0 {
            dec.verbose_name = Some(path.to_string());
        }
        if o.list || o.test {
            return match self.decompress_stream(&mut dec, path, false, false) {
                Ok(Some(stats)) => {
                    if o.list && stats.trailing {
                        // GNU lists nothing for it.
                    } else if o.list {
                        let time = if !o.no_time && stats.header.mtime != 0 { stats.header.mtime as i64 } else { st.mtime.sec };
                        let shown = match (&stats.header.name, o.no_name) {
                            (Some(n), false) => restored_name(path, n),
                            _ => ofname,
                        };
                        self.list_line(&stats, Some(time), &shown);
                    } else if o.verbose > 0 {
                        let _ = self.out.flush();
                        eprintln!(" OK");
                    }
                    Ok(())
                }
                Ok(None) => Ok(()),
                Err(Stop::Abort) => Err(Abort),
                Err(Stop::Skip) => Ok(()),
            };
        }
        if o.to_stdout {
            return match self.decompress_stream(&mut dec, path, true, false) {
                Ok(Some(s)) => {
                    if o.verbose > 0 {
                        self.verbose_result(s.bytes_out as i64 - (s.bytes_in as i64 - s.header_bytes as i64), s.bytes_out as i64, &ofname);
                    }
                    Ok(())
                }
                Ok(None) => Ok(()),
                Err(Stop::Abort) => Err(Abort),
                Err(Stop::Skip) => Ok(()),
            };
        }
        // Read the header first: -N names the output after it.
        if let Err(e) = dec.start() {
            return match self.report_gz(&e, path, false) {
                Stop::Abort => Err(Abort),
                Stop::Skip => Ok(()),
            };
        }
        let ofname = match (&dec.first.name, o.no_name) {
            (Some(n), false) => restored_name(path, n),
            _ => ofname,
        };
        let outf = match self.create_out(&ofname) {
            Some(f) => f,
            None => return Ok(()),
        };
        let mut w = io::BufWriter::with_capacity(64 * 1024, outf);
        let r = self.decompress_into(&mut dec, path, Some((&mut w, &ofname)), false);
        let flushed = w.flush();
        drop(w);
        match r {
            Ok(Some(s)) => {
                if let Err(e) = flushed {
                    self.io_error(&ofname, &e);
                    return Err(Abort);
                }
                let mtime = if !o.no_time && dec.first.mtime != 0 { Some(dec.first.mtime as i64) } else { None };
                self.finish_output(path, st, &ofname, mtime);
                if o.verbose > 0 {
                    self.verbose_result(s.bytes_out as i64 - (s.bytes_in as i64 - s.header_bytes as i64), s.bytes_out as i64, &ofname);
                }
                Ok(())
            }
            Ok(None) => Ok(()),
            Err(Stop::Abort) => Err(Abort),
            Err(Stop::Skip) => {
                self.partial = None;
                let _ = fs::remove_file(&ofname);
                Ok(())
            }
        }
    }
}

/// Why a stream stopped early.
enum Stop {
    /// This operand failed; go on with the next.
    Skip,
    /// gzip stops altogether.
    Abort,
}

/// The last component of a name, as GNU stores and restores it.
fn base_name(name: &[u8]) -> String {
    let s = String::from_utf8_lossy(name);
    s.rsplit('/').next().unwrap_or("").to_string()
}

/// -N: the header's name, in the input's directory.
fn restored_name(input: &str, stored: &[u8]) -> String {
    let base = base_name(stored);
    match input.rfind('/') {
        Some(i) => format!("{}{}", &input[..=i], base),
        None => base,
    }
}

/// GNU stores 0 ("no time") for times a 32-bit field cannot hold.
fn clamp_mtime(sec: i64) -> u32 {
    if (0..=u32::MAX as i64).contains(&sec) {
        sec as u32
    } else {
        0
    }
}

/// Compresses `input` into one member on `out`.
fn compress(input: &mut dyn Read, out: &mut dyn Write, level: u32, name: Option<&[u8]>, mtime: u32) -> io::Result<Stats> {
    let mut enc = GzEncoder::new(out, level, name, mtime)?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io::Error::new(io::ErrorKind::Other, GzError::Read(e))),
        };
        total += n as u64;
        enc.write_all(&buf[..n])?;
    }
    let header_bytes = enc.header_bytes;
    let (_, bytes_out) = enc.finish()?;
    Ok(Stats { bytes_in: total, bytes_out, header_bytes, crc: 0, header: Header::default(), trailing: false })
}
