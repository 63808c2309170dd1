//! `base64` and `base32`: encode or decode (RFC 4648), streaming.
//!
//! Decoding follows gnulib's rules, which GNU's output depends on: line
//! breaks are skipped (and with -i anything outside the alphabet), input
//! is taken in groups of 4 (base64) or 8 (base32) characters, padding may
//! end any group, and at the first bad group the bytes it did yield are
//! written before "invalid input".

use std::io::Write;
use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::io::{open_input, read_full, stdout, Out};
use wsutil::{quote, quote_locale, report, strerror, Error, Result, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("base64", base64_main), ("base32", base32_main)];

const SPEC: Spec = Spec {
    short: "diw:",
    long: &[
        ("decode", HasArg::No, 'd'),
        ("ignore-garbage", HasArg::No, 'i'),
        ("wrap", HasArg::Required, 'w'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// One of the two encodings.
struct Codec {
    name: &'static str,
    alphabet: &'static [u8],
    /// Bits per character.
    bits: u32,
    /// Input bytes per group (3 or 5) and characters per group (4 or 8).
    group_bytes: usize,
    group_chars: usize,
}

const BASE64: Codec = Codec { name: "base64", alphabet: B64, bits: 6, group_bytes: 3, group_chars: 4 };
const BASE32: Codec = Codec { name: "base32", alphabet: B32, bits: 5, group_bytes: 5, group_chars: 8 };

impl Codec {
    fn value(&self, c: u8) -> Option<u32> {
        self.alphabet.iter().position(|&a| a == c).map(|p| p as u32)
    }
}

pub fn base64_main(argv: &[String]) -> i32 {
    main(&BASE64, argv)
}

pub fn base32_main(argv: &[String]) -> i32 {
    main(&BASE32, argv)
}

fn main(codec: &Codec, argv: &[String]) -> i32 {
    match run(codec, argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

fn run(codec: &Codec, argv: &[String]) -> Result<i32> {
    let mut decode = false;
    let mut ignore_garbage = false;
    let mut wrap = 76usize;
    let mut files = Vec::new();
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt('d', _) => decode = true,
            Item::Opt('i', _) => ignore_garbage = true,
            Item::Opt('w', Some(v)) => wrap = parse_wrap(&v)?,
            Item::Opt(HELP, _) => {
                print!("{}", usage(codec));
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("{} (wasmsand coreutils) {}", codec.name, env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    if files.len() > 1 {
        return Err(Error::Usage(UsageError(format!("extra operand {}", quote_locale(&files[1])))));
    }
    let name = files.pop().unwrap_or_else(|| "-".to_string());
    let mut input = open_input(&name).map_err(|e| Error::Fatal(format!("{}: {}", quote(&name), strerror(&e))))?;
    let mut out = stdout();
    let result = if decode {
        let mut d = Decoder { codec, ignore_garbage, group: Vec::new() };
        stream(&mut input, &mut |chunk, out| match chunk {
            Some(data) => d.feed(data, out),
            None => d.finish(out),
        }, &mut out)
    } else {
        let mut e = Encoder { codec, wrap, column: 0, pending: Vec::new() };
        stream(&mut input, &mut |chunk, out| match chunk {
            Some(data) => Ok(e.feed(data, out)?),
            None => Ok(e.finish(out)?),
        }, &mut out)
    };
    out.flush()?;
    result.map(|_| 0)
}

/// Reads the input in blocks and hands each to `step`, then `None` at the
/// end of input.
fn stream(
    input: &mut wsutil::io::Input,
    step: &mut dyn FnMut(Option<&[u8]>, &mut Out) -> Result<()>,
    out: &mut Out,
) -> Result<()> {
    let mut buf = vec![0u8; 60 * 1024];
    loop {
        let n = read_full(input, &mut buf).map_err(|e| read_error(&e))?;
        if n == 0 {
            return step(None, out);
        }
        step(Some(&buf[..n]), out)?;
    }
}

fn read_error(e: &std::io::Error) -> Error {
    Error::Fatal(format!("read error: {}", strerror(e)))
}

/// `-w COLS`: 0 means no wrapping; too large a number also.
fn parse_wrap(v: &str) -> Result<usize> {
    let t = v.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let digits = t.strip_prefix('+').unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(Error::Fatal(format!("invalid wrap size: {}", quote_locale(v))));
    }
    Ok(digits.parse::<usize>().unwrap_or(0))
}

fn usage(codec: &Codec) -> String {
    let bits = if codec.bits == 6 { "64" } else { "32" };
    format!(
        "Usage: {name} [OPTION]... [FILE]
Base{bits} encode or decode FILE, or standard input, to standard output.

With no FILE, or when FILE is -, read standard input.

Mandatory arguments to long options are mandatory for short options too.
  -d, --decode          decode data
  -i, --ignore-garbage  when decoding, ignore non-alphabet characters
  -w, --wrap=COLS       wrap encoded lines after COLS character (default 76).
                          Use 0 to disable line wrapping
      --help        display this help and exit
      --version     output version information and exit

The data are encoded as described for the base{bits} alphabet in RFC 4648.
When decoding, the input may contain newlines in addition to the bytes of
the formal base{bits} alphabet.  Use --ignore-garbage to attempt to recover
from any other non-alphabet bytes in the encoded stream.
",
        name = codec.name,
        bits = bits
    )
}

struct Encoder<'a> {
    codec: &'a Codec,
    wrap: usize,
    column: usize,
    /// Input bytes short of a whole group.
    pending: Vec<u8>,
}

impl<'a> Encoder<'a> {
    fn feed(&mut self, data: &[u8], out: &mut Out) -> std::io::Result<()> {
        self.pending.extend_from_slice(data);
        let whole = self.pending.len() / self.codec.group_bytes * self.codec.group_bytes;
        let text = encode(self.codec, &self.pending[..whole]);
        self.pending.drain(..whole);
        self.emit(&text, out)
    }

    fn finish(&mut self, out: &mut Out) -> std::io::Result<()> {
        let text = encode(self.codec, &self.pending);
        self.emit(&text, out)?;
        if self.wrap > 0 && self.column > 0 {
            out.write_all(b"\n")?;
        }
        Ok(())
    }

    /// Writes encoded text, breaking lines every `wrap` characters.
    fn emit(&mut self, mut text: &[u8], out: &mut Out) -> std::io::Result<()> {
        if self.wrap == 0 {
            return out.write_all(text);
        }
        while !text.is_empty() {
            let room = self.wrap - self.column;
            let take = room.min(text.len());
            out.write_all(&text[..take])?;
            self.column += take;
            text = &text[take..];
            if self.column == self.wrap {
                out.write_all(b"\n")?;
                self.column = 0;
            }
        }
        Ok(())
    }
}

/// Encodes whole groups, and a last partial one with `=` padding.
fn encode(codec: &Codec, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() * 2);
    for chunk in data.chunks(codec.group_bytes) {
        let mut acc: u64 = 0;
        for i in 0..codec.group_bytes {
            acc = (acc << 8) | *chunk.get(i).unwrap_or(&0) as u64;
        }
        let total_bits = codec.group_bytes as u32 * 8;
        let used_chars = (chunk.len() as u32 * 8 + codec.bits - 1) / codec.bits;
        for k in 0..codec.group_chars as u32 {
            if k < used_chars {
                let shift = total_bits - codec.bits * (k + 1);
                let v = ((acc >> shift) & ((1 << codec.bits) - 1)) as usize;
                out.push(codec.alphabet[v]);
            } else {
                out.push(b'=');
            }
        }
    }
    out
}

struct Decoder<'a> {
    codec: &'a Codec,
    ignore_garbage: bool,
    /// Characters of the group being collected.
    group: Vec<u8>,
}

impl<'a> Decoder<'a> {
    fn feed(&mut self, data: &[u8], out: &mut Out) -> Result<()> {
        let mut bytes = Vec::with_capacity(data.len());
        for &c in data {
            if c == b'\n' || (self.ignore_garbage && c != b'=' && self.codec.value(c).is_none()) {
                continue;
            }
            self.group.push(c);
            if self.group.len() == self.codec.group_chars {
                let ok = decode_group(self.codec, &self.group, &mut bytes);
                self.group.clear();
                if !ok {
                    out.write_all(&bytes)?;
                    return Err(invalid());
                }
            }
        }
        out.write_all(&bytes)?;
        Ok(())
    }

    /// A partial group at the end is an error (after its bytes).
    fn finish(&mut self, out: &mut Out) -> Result<()> {
        if self.group.is_empty() {
            return Ok(());
        }
        let mut bytes = Vec::new();
        decode_group(self.codec, &self.group, &mut bytes);
        out.write_all(&bytes)?;
        Err(invalid())
    }
}

fn invalid() -> Error {
    Error::Fatal("invalid input".into())
}

/// gnulib's decode_4 / decode_8: appends what the group yields; false if
/// it is malformed or short (base32 yields nothing from a short group).
fn decode_group(codec: &Codec, g: &[u8], out: &mut Vec<u8>) -> bool {
    let n = codec.group_chars;
    if codec.bits == 5 && g.len() < n {
        return false;
    }
    if g.len() < 2 {
        return false;
    }
    // Characters before padding, and the bytes each count yields.
    let mut acc: u64 = 0;
    let mut chars = 0usize;
    for (i, &c) in g.iter().enumerate() {
        if c == b'=' {
            break;
        }
        match codec.value(c) {
            Some(v) => {
                acc = (acc << codec.bits) | v as u64;
                chars += 1;
                // Emit each byte as soon as its last bits arrived.
                let have_bits = chars as u32 * codec.bits;
                let before = (have_bits - codec.bits) / 8;
                if have_bits / 8 > before && chars >= 2 {
                    let byte_index = have_bits / 8 - 1;
                    let shift = have_bits - (byte_index + 1) * 8;
                    out.push((acc >> shift) as u8);
                }
            }
            None => return false,
        }
        if i + 1 == g.len() && g.len() < n {
            return false;
        }
    }
    if chars == g.len() {
        return g.len() == n;
    }
    // Padding: only after 2 (base64) or 2, 4, 5, 7 (base32) characters,
    // and then only `=` to the end of the group.
    let allowed: &[usize] = if codec.bits == 6 { &[2, 3] } else { &[2, 4, 5, 7] };
    g.len() == n && allowed.contains(&chars) && g[chars..].iter().all(|&c| c == b'=')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(codec: &Codec, s: &str) -> (Vec<u8>, bool) {
        let mut out = Vec::new();
        let ok = s.as_bytes().chunks(codec.group_chars).all(|g| decode_group(codec, g, &mut out));
        (out, ok)
    }

    #[test]
    fn groups_like_gnulib() {
        assert_eq!(dec(&BASE64, "YWJj"), (b"abc".to_vec(), true));
        assert_eq!(dec(&BASE64, "YQ=="), (b"a".to_vec(), true));
        assert_eq!(dec(&BASE64, "YQ"), (b"a".to_vec(), false));
        assert_eq!(dec(&BASE64, "YQ="), (b"a".to_vec(), false));
        assert_eq!(dec(&BASE64, "YQ=x"), (b"a".to_vec(), false));
        assert_eq!(dec(&BASE64, "YWJjZ"), (b"abc".to_vec(), false));
        assert_eq!(dec(&BASE32, "MFRGG==="), (b"abc".to_vec(), true));
        assert_eq!(dec(&BASE32, "MFRGGZ=="), (b"abc".to_vec(), false));
        assert_eq!(dec(&BASE32, "MFRGG"), (b"".to_vec(), false));
        assert_eq!(encode(&BASE64, b"a"), b"YQ==".to_vec());
        assert_eq!(encode(&BASE32, b"abc"), b"MFRGG===".to_vec());
    }
}
