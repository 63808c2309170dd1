//! Substring search for grep's "must" strings: Boyer-Moore-Horspool.
//!
//! Why not `memchr::memmem`: on wasm32 it has no vector code, and its
//! prefilter looks for one "rare" byte at a time, which in text where
//! that byte is common (a word that every line contains) degrades to a
//! verification per occurrence. Horspool skips up to the needle's length
//! per step whatever the text, as GNU grep's kwset does.

/// A compiled needle: the needle and, for each byte, how far the window
/// may move when that byte is under the needle's last position.
pub struct Finder {
    needle: Vec<u8>,
    skip: [u32; 256],
}

impl Finder {
    /// A finder for `needle` (which must not be empty).
    pub fn new(needle: &[u8]) -> Finder {
        let n = needle.len();
        let mut skip = [n as u32; 256];
        for (i, &b) in needle[..n.saturating_sub(1)].iter().enumerate() {
            skip[b as usize] = (n - 1 - i) as u32;
        }
        Finder { needle: needle.to_vec(), skip }
    }

    /// The offset of the first occurrence of the needle in `hay`.
    pub fn find(&self, hay: &[u8]) -> Option<usize> {
        let n = self.needle.len();
        if n == 0 {
            return Some(0);
        }
        if hay.len() < n {
            return None;
        }
        let last = n - 1;
        let tail = self.needle[last];
        let head = &self.needle[..last];
        let mut pos = 0;
        let end = hay.len() - n;
        while pos <= end {
            let b = hay[pos + last];
            if b == tail && &hay[pos..pos + last] == head {
                return Some(pos);
            }
            pos += self.skip[b as usize] as usize;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::Finder;

    fn naive(hay: &[u8], needle: &[u8]) -> Option<usize> {
        hay.windows(needle.len()).position(|w| w == needle)
    }

    #[test]
    fn agrees_with_a_naive_search() {
        let hays: [&[u8]; 5] = [b"", b"a", b"abcabcabd", b"alpha12 alpha123\nalpha1234", b"aaaaaaaaab"];
        let needles: [&[u8]; 6] = [b"a", b"ab", b"abd", b"alpha123", b"aab", b"zz"];
        for hay in hays {
            for needle in needles {
                assert_eq!(Finder::new(needle).find(hay), naive(hay, needle), "{:?} in {:?}", needle, hay);
            }
        }
    }
}
