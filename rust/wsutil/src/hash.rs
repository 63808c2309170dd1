//! Message digests and checksums for `md5sum`, `sha*sum`, `b2sum` and
//! `cksum`: MD5 (RFC 1321), SHA-1, SHA-224/256, SHA-384/512 (FIPS 180-4),
//! BLAKE2b (RFC 7693), SM3, the POSIX `cksum` CRC and the BSD and System V
//! `sum` checksums. Each is streamed: feed blocks with `update`, then
//! `finish` gives the digest bytes. Written here rather than pulled from
//! crates to keep the module small.

/// A digest being computed.
pub trait Digest {
    fn update(&mut self, data: &[u8]);
    /// The digest (consumes the state).
    fn finish(self: Box<Self>) -> Vec<u8>;
}

/// Collects input into 64- or 128-byte blocks for a compression function
/// and does the Merkle–Damgård padding (0x80, zeros, bit length).
struct Blocks<const N: usize> {
    buf: [u8; N],
    len: usize,
    total: u128,
}

impl<const N: usize> Blocks<N> {
    fn new() -> Self {
        Blocks { buf: [0; N], len: 0, total: 0 }
    }

    fn feed(&mut self, mut data: &[u8], mut compress: impl FnMut(&[u8; N])) {
        self.total += data.len() as u128;
        if self.len > 0 {
            let take = (N - self.len).min(data.len());
            self.buf[self.len..self.len + take].copy_from_slice(&data[..take]);
            self.len += take;
            data = &data[take..];
            if self.len < N {
                return;
            }
            compress(&self.buf);
            self.len = 0;
        }
        let mut chunks = data.chunks_exact(N);
        for c in &mut chunks {
            let mut block = [0u8; N];
            block.copy_from_slice(c);
            compress(&block);
        }
        let rest = chunks.remainder();
        self.buf[..rest.len()].copy_from_slice(rest);
        self.len = rest.len();
    }

    /// Pads with the bit length in `len_bytes` bytes, big- or little-endian.
    fn pad(&mut self, len_bytes: usize, big_endian: bool, mut compress: impl FnMut(&[u8; N])) {
        let bits = self.total.wrapping_mul(8);
        let mut tail = vec![0x80u8];
        let used = (self.len + 1) % N;
        let zeros = (N + N - len_bytes - used) % N;
        tail.resize(1 + zeros, 0);
        let len_field = bits.to_be_bytes();
        let mut field = len_field[16 - len_bytes..].to_vec();
        if !big_endian {
            field.reverse();
        }
        tail.extend_from_slice(&field);
        let total = self.total;
        self.feed(&tail, &mut compress);
        self.total = total;
    }
}

// ---------------------------------------------------------------- MD5

pub struct Md5 {
    state: [u32; 4],
    blocks: Blocks<64>,
}

impl Md5 {
    pub fn new() -> Self {
        Md5 { state: [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476], blocks: Blocks::new() }
    }
}

impl Default for Md5 {
    fn default() -> Self {
        Self::new()
    }
}

/// MD5's constants: floor(abs(sin(i + 1)) * 2^32).
const MD5_K: [u32; 64] = [
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
];

const MD5_S: [u32; 16] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

fn md5_compress(state: &mut [u32; 4], block: &[u8; 64]) {
    let mut m = [0u32; 16];
    for (i, w) in m.iter_mut().enumerate() {
        *w = u32::from_le_bytes([block[4 * i], block[4 * i + 1], block[4 * i + 2], block[4 * i + 3]]);
    }
    let [mut a, mut b, mut c, mut d] = *state;
    for i in 0..64 {
        let (f, g) = match i / 16 {
            0 => ((b & c) | (!b & d), i),
            1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
            2 => (b ^ c ^ d, (3 * i + 5) % 16),
            _ => (c ^ (b | !d), (7 * i) % 16),
        };
        let k = MD5_K[i];
        let s = MD5_S[(i / 16) * 4 + i % 4];
        let t = a.wrapping_add(f).wrapping_add(k).wrapping_add(m[g]).rotate_left(s);
        a = d;
        d = c;
        c = b;
        b = b.wrapping_add(t);
    }
    state[0] = state[0].wrapping_add(a);
    state[1] = state[1].wrapping_add(b);
    state[2] = state[2].wrapping_add(c);
    state[3] = state[3].wrapping_add(d);
}

impl Digest for Md5 {
    fn update(&mut self, data: &[u8]) {
        let state = &mut self.state;
        self.blocks.feed(data, |b| md5_compress(state, b));
    }
    fn finish(mut self: Box<Self>) -> Vec<u8> {
        let state = &mut self.state;
        self.blocks.pad(8, false, |b| md5_compress(state, b));
        self.state.iter().flat_map(|w| w.to_le_bytes()).collect()
    }
}

// ---------------------------------------------------------------- SHA-1

pub struct Sha1 {
    state: [u32; 5],
    blocks: Blocks<64>,
}

impl Sha1 {
    pub fn new() -> Self {
        Sha1 { state: [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0], blocks: Blocks::new() }
    }
}

impl Default for Sha1 {
    fn default() -> Self {
        Self::new()
    }
}

fn sha1_compress(state: &mut [u32; 5], block: &[u8; 64]) {
    let mut w = [0u32; 80];
    for i in 0..16 {
        w[i] = u32::from_be_bytes([block[4 * i], block[4 * i + 1], block[4 * i + 2], block[4 * i + 3]]);
    }
    for i in 16..80 {
        w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
    }
    let [mut a, mut b, mut c, mut d, mut e] = *state;
    for (i, &wi) in w.iter().enumerate() {
        let (f, k) = match i / 20 {
            0 => ((b & c) | (!b & d), 0x5A827999),
            1 => (b ^ c ^ d, 0x6ED9EBA1),
            2 => ((b & c) | (b & d) | (c & d), 0x8F1BBCDC),
            _ => (b ^ c ^ d, 0xCA62C1D6u32),
        };
        let t = a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(k).wrapping_add(wi);
        e = d;
        d = c;
        c = b.rotate_left(30);
        b = a;
        a = t;
    }
    for (s, v) in state.iter_mut().zip([a, b, c, d, e]) {
        *s = s.wrapping_add(v);
    }
}

impl Digest for Sha1 {
    fn update(&mut self, data: &[u8]) {
        let state = &mut self.state;
        self.blocks.feed(data, |b| sha1_compress(state, b));
    }
    fn finish(mut self: Box<Self>) -> Vec<u8> {
        let state = &mut self.state;
        self.blocks.pad(8, true, |b| sha1_compress(state, b));
        self.state.iter().flat_map(|w| w.to_be_bytes()).collect()
    }
}

// ---------------------------------------------------------------- SHA-256

const K256: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
    0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
    0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
    0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
];

/// SHA-256, or SHA-224 (other initial values, output cut to 28 bytes).
pub struct Sha256 {
    state: [u32; 8],
    blocks: Blocks<64>,
    out_len: usize,
}

impl Sha256 {
    pub fn new() -> Self {
        Sha256 {
            state: [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19],
            blocks: Blocks::new(),
            out_len: 32,
        }
    }

    pub fn new224() -> Self {
        Sha256 {
            state: [0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939, 0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4],
            blocks: Blocks::new(),
            out_len: 28,
        }
    }
}

impl Default for Sha256 {
    fn default() -> Self {
        Self::new()
    }
}

fn sha256_compress(state: &mut [u32; 8], block: &[u8; 64]) {
    let mut w = [0u32; 64];
    for i in 0..16 {
        w[i] = u32::from_be_bytes([block[4 * i], block[4 * i + 1], block[4 * i + 2], block[4 * i + 3]]);
    }
    for i in 16..64 {
        let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
        let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
    }
    let mut v = *state;
    for i in 0..64 {
        let [a, b, c, d, e, f, g, h] = v;
        let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
        let ch = (e & f) ^ (!e & g);
        let t1 = h.wrapping_add(s1).wrapping_add(ch).wrapping_add(K256[i]).wrapping_add(w[i]);
        let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
        let maj = (a & b) ^ (a & c) ^ (b & c);
        let t2 = s0.wrapping_add(maj);
        v = [t1.wrapping_add(t2), a, b, c, d.wrapping_add(t1), e, f, g];
    }
    for (s, x) in state.iter_mut().zip(v) {
        *s = s.wrapping_add(x);
    }
}

impl Digest for Sha256 {
    fn update(&mut self, data: &[u8]) {
        let state = &mut self.state;
        self.blocks.feed(data, |b| sha256_compress(state, b));
    }
    fn finish(mut self: Box<Self>) -> Vec<u8> {
        let state = &mut self.state;
        self.blocks.pad(8, true, |b| sha256_compress(state, b));
        let mut out: Vec<u8> = self.state.iter().flat_map(|w| w.to_be_bytes()).collect();
        out.truncate(self.out_len);
        out
    }
}

// ---------------------------------------------------------------- SHA-512

const K512: [u64; 80] = [
    0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc, 0x3956c25bf348b538,
    0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118, 0xd807aa98a3030242, 0x12835b0145706fbe,
    0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2, 0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235,
    0xc19bf174cf692694, 0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
    0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5, 0x983e5152ee66dfab,
    0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4, 0xc6e00bf33da88fc2, 0xd5a79147930aa725,
    0x06ca6351e003826f, 0x142929670a0e6e70, 0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed,
    0x53380d139d95b3df, 0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
    0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30, 0xd192e819d6ef5218,
    0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8, 0x19a4c116b8d2d0c8, 0x1e376c085141ab53,
    0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8, 0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373,
    0x682e6ff3d6b2b8a3, 0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
    0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b, 0xca273eceea26619c,
    0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178, 0x06f067aa72176fba, 0x0a637dc5a2c898a6,
    0x113f9804bef90dae, 0x1b710b35131c471b, 0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc,
    0x431d67c49c100d4c, 0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
];

/// SHA-512, or SHA-384 (other initial values, output cut to 48 bytes).
pub struct Sha512 {
    state: [u64; 8],
    blocks: Blocks<128>,
    out_len: usize,
}

impl Sha512 {
    pub fn new() -> Self {
        Sha512 {
            state: [
                0x6a09e667f3bcc908,
                0xbb67ae8584caa73b,
                0x3c6ef372fe94f82b,
                0xa54ff53a5f1d36f1,
                0x510e527fade682d1,
                0x9b05688c2b3e6c1f,
                0x1f83d9abfb41bd6b,
                0x5be0cd19137e2179,
            ],
            blocks: Blocks::new(),
            out_len: 64,
        }
    }

    pub fn new384() -> Self {
        Sha512 {
            state: [
                0xcbbb9d5dc1059ed8,
                0x629a292a367cd507,
                0x9159015a3070dd17,
                0x152fecd8f70e5939,
                0x67332667ffc00b31,
                0x8eb44a8768581511,
                0xdb0c2e0d64f98fa7,
                0x47b5481dbefa4fa4,
            ],
            blocks: Blocks::new(),
            out_len: 48,
        }
    }
}

impl Default for Sha512 {
    fn default() -> Self {
        Self::new()
    }
}

fn sha512_compress(state: &mut [u64; 8], block: &[u8; 128]) {
    let mut w = [0u64; 80];
    for i in 0..16 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&block[8 * i..8 * i + 8]);
        w[i] = u64::from_be_bytes(b);
    }
    for i in 16..80 {
        let s0 = w[i - 15].rotate_right(1) ^ w[i - 15].rotate_right(8) ^ (w[i - 15] >> 7);
        let s1 = w[i - 2].rotate_right(19) ^ w[i - 2].rotate_right(61) ^ (w[i - 2] >> 6);
        w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
    }
    let mut v = *state;
    for i in 0..80 {
        let [a, b, c, d, e, f, g, h] = v;
        let s1 = e.rotate_right(14) ^ e.rotate_right(18) ^ e.rotate_right(41);
        let ch = (e & f) ^ (!e & g);
        let t1 = h.wrapping_add(s1).wrapping_add(ch).wrapping_add(K512[i]).wrapping_add(w[i]);
        let s0 = a.rotate_right(28) ^ a.rotate_right(34) ^ a.rotate_right(39);
        let maj = (a & b) ^ (a & c) ^ (b & c);
        let t2 = s0.wrapping_add(maj);
        v = [t1.wrapping_add(t2), a, b, c, d.wrapping_add(t1), e, f, g];
    }
    for (s, x) in state.iter_mut().zip(v) {
        *s = s.wrapping_add(x);
    }
}

impl Digest for Sha512 {
    fn update(&mut self, data: &[u8]) {
        let state = &mut self.state;
        self.blocks.feed(data, |b| sha512_compress(state, b));
    }
    fn finish(mut self: Box<Self>) -> Vec<u8> {
        let state = &mut self.state;
        self.blocks.pad(16, true, |b| sha512_compress(state, b));
        let mut out: Vec<u8> = self.state.iter().flat_map(|w| w.to_be_bytes()).collect();
        out.truncate(self.out_len);
        out
    }
}

// ---------------------------------------------------------------- BLAKE2b

const B2_IV: [u64; 8] = [
    0x6a09e667f3bcc908,
    0xbb67ae8584caa73b,
    0x3c6ef372fe94f82b,
    0xa54ff53a5f1d36f1,
    0x510e527fade682d1,
    0x9b05688c2b3e6c1f,
    0x1f83d9abfb41bd6b,
    0x5be0cd19137e2179,
];

const B2_SIGMA: [[usize; 16]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
    [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
    [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
    [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
    [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];

/// BLAKE2b with an output of 1 to 64 bytes, unkeyed.
pub struct Blake2b {
    h: [u64; 8],
    buf: [u8; 128],
    len: usize,
    total: u128,
    out_len: usize,
}

impl Blake2b {
    pub fn new(out_len: usize) -> Self {
        let mut h = B2_IV;
        h[0] ^= 0x0101_0000 ^ out_len as u64;
        Blake2b { h, buf: [0; 128], len: 0, total: 0, out_len }
    }

    fn compress(&mut self, last: bool) {
        let mut m = [0u64; 16];
        for (i, w) in m.iter_mut().enumerate() {
            let mut b = [0u8; 8];
            b.copy_from_slice(&self.buf[8 * i..8 * i + 8]);
            *w = u64::from_le_bytes(b);
        }
        let mut v = [0u64; 16];
        v[..8].copy_from_slice(&self.h);
        v[8..].copy_from_slice(&B2_IV);
        v[12] ^= self.total as u64;
        v[13] ^= (self.total >> 64) as u64;
        if last {
            v[14] = !v[14];
        }
        fn g(v: &mut [u64; 16], a: usize, b: usize, c: usize, d: usize, x: u64, y: u64) {
            v[a] = v[a].wrapping_add(v[b]).wrapping_add(x);
            v[d] = (v[d] ^ v[a]).rotate_right(32);
            v[c] = v[c].wrapping_add(v[d]);
            v[b] = (v[b] ^ v[c]).rotate_right(24);
            v[a] = v[a].wrapping_add(v[b]).wrapping_add(y);
            v[d] = (v[d] ^ v[a]).rotate_right(16);
            v[c] = v[c].wrapping_add(v[d]);
            v[b] = (v[b] ^ v[c]).rotate_right(63);
        }
        for r in 0..12 {
            let s = &B2_SIGMA[r % 10];
            g(&mut v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
            g(&mut v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
            g(&mut v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
            g(&mut v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
            g(&mut v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
            g(&mut v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
            g(&mut v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
            g(&mut v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
        }
        for i in 0..8 {
            self.h[i] ^= v[i] ^ v[i + 8];
        }
    }
}

impl Digest for Blake2b {
    fn update(&mut self, mut data: &[u8]) {
        // A full buffer is compressed only once more input arrives: the
        // last block is flagged.
        while !data.is_empty() {
            if self.len == 128 {
                self.total += 128;
                self.compress(false);
                self.len = 0;
            }
            let take = (128 - self.len).min(data.len());
            self.buf[self.len..self.len + take].copy_from_slice(&data[..take]);
            self.len += take;
            data = &data[take..];
        }
    }
    fn finish(mut self: Box<Self>) -> Vec<u8> {
        self.total += self.len as u128;
        for b in self.buf[self.len..].iter_mut() {
            *b = 0;
        }
        self.compress(true);
        let mut out: Vec<u8> = self.h.iter().flat_map(|w| w.to_le_bytes()).collect();
        out.truncate(self.out_len);
        out
    }
}

// ---------------------------------------------------------------- SM3

/// SM3 (GB/T 32905-2016), as `cksum -a sm3` computes it.
pub struct Sm3 {
    state: [u32; 8],
    blocks: Blocks<64>,
}

impl Sm3 {
    pub fn new() -> Self {
        Sm3 {
            state: [0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e],
            blocks: Blocks::new(),
        }
    }
}

impl Default for Sm3 {
    fn default() -> Self {
        Self::new()
    }
}

fn sm3_compress(state: &mut [u32; 8], block: &[u8; 64]) {
    let p0 = |x: u32| x ^ x.rotate_left(9) ^ x.rotate_left(17);
    let p1 = |x: u32| x ^ x.rotate_left(15) ^ x.rotate_left(23);
    let mut w = [0u32; 68];
    for i in 0..16 {
        w[i] = u32::from_be_bytes([block[4 * i], block[4 * i + 1], block[4 * i + 2], block[4 * i + 3]]);
    }
    for j in 16..68 {
        w[j] = p1(w[j - 16] ^ w[j - 9] ^ w[j - 3].rotate_left(15)) ^ w[j - 13].rotate_left(7) ^ w[j - 6];
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
    for j in 0..64 {
        let t: u32 = if j < 16 { 0x79cc4519 } else { 0x7a879d8a };
        let ss1 = a.rotate_left(12).wrapping_add(e).wrapping_add(t.rotate_left((j % 32) as u32)).rotate_left(7);
        let ss2 = ss1 ^ a.rotate_left(12);
        let (ff, gg) = if j < 16 { (a ^ b ^ c, e ^ f ^ g) } else { ((a & b) | (a & c) | (b & c), (e & f) | (!e & g)) };
        let tt1 = ff.wrapping_add(d).wrapping_add(ss2).wrapping_add(w[j] ^ w[j + 4]);
        let tt2 = gg.wrapping_add(h).wrapping_add(ss1).wrapping_add(w[j]);
        d = c;
        c = b.rotate_left(9);
        b = a;
        a = tt1;
        h = g;
        g = f.rotate_left(19);
        f = e;
        e = p0(tt2);
    }
    for (s, v) in state.iter_mut().zip([a, b, c, d, e, f, g, h]) {
        *s ^= v;
    }
}

impl Digest for Sm3 {
    fn update(&mut self, data: &[u8]) {
        let state = &mut self.state;
        self.blocks.feed(data, |b| sm3_compress(state, b));
    }
    fn finish(mut self: Box<Self>) -> Vec<u8> {
        let state = &mut self.state;
        self.blocks.pad(8, true, |b| sm3_compress(state, b));
        self.state.iter().flat_map(|w| w.to_be_bytes()).collect()
    }
}

// ---------------------------------------------------------------- cksum

/// The POSIX `cksum` CRC: polynomial 0x04C11DB7, most significant bit
/// first, the length appended in as few bytes as it takes, inverted.
pub struct Crc {
    crc: u32,
    len: u64,
    table: [u32; 256],
}

impl Crc {
    pub fn new() -> Self {
        let mut table = [0u32; 256];
        for (i, t) in table.iter_mut().enumerate() {
            let mut c = (i as u32) << 24;
            for _ in 0..8 {
                c = if c & 0x8000_0000 != 0 { (c << 1) ^ 0x04C1_1DB7 } else { c << 1 };
            }
            *t = c;
        }
        Crc { crc: 0, len: 0, table }
    }

    pub fn update(&mut self, data: &[u8]) {
        self.len += data.len() as u64;
        self.feed(data);
    }

    fn feed(&mut self, data: &[u8]) {
        for &b in data {
            self.crc = (self.crc << 8) ^ self.table[((self.crc >> 24) as u8 ^ b) as usize];
        }
    }

    /// (checksum, byte count).
    pub fn finish(mut self) -> (u32, u64) {
        let mut n = self.len;
        while n > 0 {
            self.feed(&[n as u8]);
            n >>= 8;
        }
        (!self.crc, self.len)
    }
}

impl Default for Crc {
    fn default() -> Self {
        Self::new()
    }
}

/// `sum -r` (BSD): a 16-bit rotating checksum.
#[derive(Default)]
pub struct BsdSum {
    sum: u16,
    pub len: u64,
}

impl BsdSum {
    pub fn update(&mut self, data: &[u8]) {
        self.len += data.len() as u64;
        for &b in data {
            self.sum = self.sum.rotate_right(1).wrapping_add(b as u16);
        }
    }
    pub fn value(&self) -> u16 {
        self.sum
    }
}

/// `sum -s` (System V): the byte sum folded to 16 bits.
#[derive(Default)]
pub struct SysvSum {
    sum: u64,
    pub len: u64,
}

impl SysvSum {
    pub fn update(&mut self, data: &[u8]) {
        self.len += data.len() as u64;
        for &b in data {
            self.sum = self.sum.wrapping_add(b as u64);
        }
    }
    pub fn value(&self) -> u32 {
        let s = self.sum;
        let r = (s & 0xffff) + ((s & 0xffff_ffff) >> 16);
        ((r & 0xffff) + (r >> 16)) as u32
    }
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{:02x}", b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(mut d: Box<dyn Digest>, data: &[u8]) -> String {
        // Odd splits exercise the block buffering.
        for chunk in data.chunks(7) {
            d.update(chunk);
        }
        hex(&d.finish())
    }

    #[test]
    fn known_answers() {
        let a = b"alpha\nbeta\n";
        assert_eq!(run(Box::new(Md5::new()), a), "852e77b490fb4e8653fbc11f4c6f89c2");
        assert_eq!(run(Box::new(Md5::new()), b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(run(Box::new(Sha1::new()), a), "9269a71477ce057095d7e6bb5238b4bd6e13c051");
        assert_eq!(run(Box::new(Sha256::new224()), a), "daf94d95cc268c8155076850c8ff30304408f3284888d2c5d41ff7e6");
        assert_eq!(
            run(Box::new(Sha512::new384()), a),
            "9670abb09c68f1b685428bb8bde79740b5824ebf1eb5428d1ec8703a412fb95724c9df2605d8254d8b074e80d760b86b"
        );
        assert_eq!(
            run(Box::new(Sha512::new()), a),
            "5d952a712d58cb49eebe1bdfbe51d263e85067e140d9ed7bba2a122a62074ecff26ef880184e70bdcbe61ecf9e42dffb51ab1718d2b1da2fd12b4c5814cebe14"
        );
        assert_eq!(
            run(Box::new(Blake2b::new(64)), a),
            "a64bb2fcdcb1a89efeda064a2224bfa5a7c271faeced19e77956e84f721b82cb984dae287e10adbd052763afe07fa8e1de72a67883bdf1974056afb8036a2ae8"
        );
        assert_eq!(run(Box::new(Blake2b::new(16)), a), "f976984a472798e415fa8859e7ae969f");
        assert_eq!(
            run(Box::new(Sm3::new()), b"abc"),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
        assert_eq!(run(Box::new(Sm3::new()), a), "c7df324c16dfb474a22359d0479e168fe31ceccc9274a252ac36c04a9e1a303f");
        let long = vec![b'x'; 1000];
        assert_eq!(run(Box::new(Sha256::new()), &long).len(), 64);
        let mut c = Crc::new();
        c.update(a);
        assert_eq!(c.finish(), (1603717150, 11));
        assert_eq!(Crc::new().finish(), (4294967295, 0));
        let mut s = SysvSum::default();
        s.update(a);
        assert_eq!(s.value(), 950);
        let mut b = BsdSum::default();
        b.update(a);
        assert_eq!(b.value(), 41645);
    }
}
