//! awk's associative arrays, with gawk's iteration order.
//!
//! `for (k in a)` visits elements in whatever order the implementation
//! keeps them, and scripts print in that order; to print what gawk prints,
//! this module keeps elements the way gawk 5.2 does:
//!
//! - An empty array takes its kind from its first subscript: a
//!   non-negative integer makes a "cint" array, a negative integer an
//!   "int" array, anything else a "str" array.
//! - str arrays hash the subscript's bytes (sdbm, 32 bits, signed chars)
//!   into chains; a new element goes to the head of its chain; the table
//!   grows through a list of primes (13, 127, 1021, ...) when there are
//!   more than 2 elements per chain, rehashing chain by chain.
//! - int arrays hash the integer (Paul Hsieh's final mix) into chains of
//!   two-element buckets; the table grows at 2 elements per chain.
//! - cint arrays keep non-negative integers in ascending order, in
//!   power-of-two leaves; an integer whose leaf would waste too much room
//!   goes to an "xarray" (int or str) instead, as do other subscripts.
//!   Listing gives the xarray's elements first.
//!
//! An integer subscript is a number with an integral value in the 32-bit
//! range, or a string written the way `%d` would write one ("12", "-3",
//! not "012", "+3" or " 3"). An array that loses its last element becomes
//! kindless again.

pub const APPLETS: &[wsutil::Applet] = &[];

use super::awk_value::{int_text, Bytes, Value};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

/// A subscript, as the array sees it.
#[derive(Clone, Debug)]
pub struct Key {
    /// The integer it stands for, if it is one (see the module doc).
    pub int: Option<i64>,
    /// Its text; for integers made on demand.
    pub text: Option<Bytes>,
    /// The text came from input (it keeps its strnum nature as a key).
    pub strnum: bool,
}

impl Key {
    /// A key from a string value.
    pub fn from_text(s: Bytes, strnum: bool) -> Key {
        let int = standard_integer(&s);
        Key { int, text: Some(s), strnum }
    }

    /// A key from an integral number in the 32-bit range.
    pub fn from_int(i: i64) -> Key {
        Key { int: Some(i), text: None, strnum: false }
    }

    pub fn bytes(&self) -> Bytes {
        match &self.text {
            Some(t) => t.clone(),
            None => Rc::new(int_text(self.int.unwrap_or(0) as f64)),
        }
    }

    fn is_uint(&self) -> bool {
        matches!(self.int, Some(i) if i >= 0)
    }
}

/// Whether `s` reads as `%d` would write an int32 ("0", "-12", "345").
pub fn standard_integer(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 11 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (neg, digits) = if s[0] == b'-' { (true, &s[1..]) } else { (false, s) };
    if digits.is_empty() || digits[0] < b'1' || digits[0] > b'9' || !digits.iter().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut v: i64 = 0;
    for &c in digits {
        v = v * 10 + (c - b'0') as i64;
    }
    if neg {
        v = -v;
    }
    if v < i32::MIN as i64 || v > i32::MAX as i64 {
        return None;
    }
    Some(v)
}

const PRIMES: [usize; 21] = [
    13, 127, 1021, 8191, 16381, 32749, 65497, 131101, 262147, 524309, 1048583, 2097169, 4194319, 8388617, 16777259,
    33554467, 67108879, 134217757, 268435459, 536870923, 1073741827,
];

fn next_prime(size: usize) -> Option<usize> {
    PRIMES.iter().copied().find(|&p| p > size)
}

/// gawk's string hash (sdbm over signed chars, kept to 32 bits).
fn str_hash(s: &[u8]) -> u32 {
    let mut h: u32 = 0;
    for &c in s {
        h = h.wrapping_mul(65599).wrapping_add(c as i8 as i32 as u32);
    }
    h
}

fn int_hash(k: i64) -> u32 {
    let mut k = k as u32;
    k ^= k << 3;
    k = k.wrapping_add(k >> 5);
    k ^= k << 4;
    k = k.wrapping_add(k >> 17);
    k ^= k << 25;
    k = k.wrapping_add(k >> 6);
    k
}

#[derive(Clone, Debug)]
struct StrEntry {
    key: Bytes,
    strnum: bool,
    code: u32,
    val: Value,
}

/// A str array: chains whose last element is the head.
#[derive(Clone, Debug, Default)]
struct StrTable {
    buckets: Vec<Vec<StrEntry>>,
    size: usize,
    maxed: bool,
}

impl StrTable {
    fn grow(&mut self) {
        let old = self.buckets.len();
        let new = match next_prime(old) {
            Some(n) => n,
            None => {
                self.maxed = true;
                return;
            }
        };
        let old_buckets = std::mem::take(&mut self.buckets);
        self.buckets = vec![Vec::new(); new];
        for chain in old_buckets {
            for e in chain.into_iter().rev() {
                let h = e.code as usize % new;
                self.buckets[h].push(e);
            }
        }
    }

    fn find(&self, s: &[u8], code: u32) -> Option<(usize, usize)> {
        if self.buckets.is_empty() {
            return None;
        }
        let h = code as usize % self.buckets.len();
        let chain = &self.buckets[h];
        chain.iter().rposition(|e| e.code == code && &e.key[..] == s).map(|i| (h, i))
    }

    fn get(&self, key: &Key) -> Option<&Value> {
        let b = key.bytes();
        self.find(&b, str_hash(&b)).map(|(h, i)| &self.buckets[h][i].val)
    }

    fn lookup(&mut self, key: &Key) -> &mut Value {
        let b = key.bytes();
        let code = str_hash(&b);
        if self.buckets.is_empty() {
            self.grow();
        }
        if let Some((h, i)) = self.find(&b, code) {
            return &mut self.buckets[h][i].val;
        }
        self.size += 1;
        if !self.maxed && self.size / self.buckets.len() > 2 {
            self.grow();
        }
        let h = code as usize % self.buckets.len();
        self.buckets[h].push(StrEntry { key: b, strnum: key.strnum, code, val: Value::Uninit });
        let last = self.buckets[h].len() - 1;
        &mut self.buckets[h][last].val
    }

    fn remove(&mut self, key: &Key) -> bool {
        let b = key.bytes();
        match self.find(&b, str_hash(&b)) {
            Some((h, i)) => {
                self.buckets[h].remove(i);
                self.size -= 1;
                if self.size == 0 {
                    *self = StrTable::default();
                }
                true
            }
            None => false,
        }
    }

    fn list(&self, out: &mut Vec<(Value, Value)>) {
        for chain in &self.buckets {
            for e in chain.iter().rev() {
                let k = if e.strnum { Value::StrNum(e.key.clone()) } else { Value::Str(e.key.clone()) };
                out.push((k, e.val.clone()));
            }
        }
    }
}

#[derive(Clone, Debug)]
struct IntBucket {
    nums: [i64; 2],
    vals: [Value; 2],
    count: usize,
}

/// An int array: chains of two-element buckets (last is the head), plus
/// a str table for subscripts that are not integers.
#[derive(Clone, Debug, Default)]
struct IntTable {
    buckets: Vec<Vec<IntBucket>>,
    /// Elements here and in `xarray`.
    size: usize,
    maxed: bool,
    xarray: Option<Box<StrTable>>,
}

impl IntTable {
    fn xsize(&self) -> usize {
        self.xarray.as_ref().map_or(0, |x| x.size)
    }

    fn insert(&mut self, k: i64, v: Value) -> (usize, usize, usize) {
        let h = int_hash(k) as usize % self.buckets.len();
        let chain = &mut self.buckets[h];
        let need_new = chain.last().map_or(true, |b| b.count == 2);
        if need_new {
            chain.push(IntBucket { nums: [0, 0], vals: [Value::Uninit, Value::Uninit], count: 0 });
        }
        let bi = chain.len() - 1;
        let b = &mut chain[bi];
        let i = b.count;
        b.nums[i] = k;
        b.vals[i] = v;
        b.count += 1;
        (h, bi, i)
    }

    fn grow(&mut self) {
        let old = self.buckets.len();
        let new = match next_prime(old) {
            Some(n) => n,
            None => {
                self.maxed = true;
                return;
            }
        };
        let old_buckets = std::mem::replace(&mut self.buckets, vec![Vec::new(); new]);
        for chain in old_buckets {
            for b in chain.into_iter().rev() {
                let IntBucket { nums, vals, count } = b;
                for (i, v) in vals.into_iter().enumerate().take(count) {
                    self.insert(nums[i], v);
                }
            }
        }
    }

    fn find(&self, k: i64) -> Option<(usize, usize, usize)> {
        if self.buckets.is_empty() {
            return None;
        }
        let h = int_hash(k) as usize % self.buckets.len();
        for (bi, b) in self.buckets[h].iter().enumerate().rev() {
            for i in 0..b.count {
                if b.nums[i] == k {
                    return Some((h, bi, i));
                }
            }
        }
        None
    }

    fn get(&self, key: &Key) -> Option<&Value> {
        match key.int {
            Some(k) => self.find(k).map(|(h, bi, i)| &self.buckets[h][bi].vals[i]),
            None => self.xarray.as_ref().and_then(|x| x.get(key)),
        }
    }

    fn lookup(&mut self, key: &Key) -> &mut Value {
        let k = match key.int {
            Some(k) => k,
            None => {
                let exists = self.xarray.as_ref().map_or(false, |x| x.get(key).is_some());
                if !exists {
                    self.size += 1;
                }
                return self.xarray.get_or_insert_with(Default::default).lookup(key);
            }
        };
        if self.buckets.is_empty() {
            self.grow();
        }
        if let Some((h, bi, i)) = self.find(k) {
            return &mut self.buckets[h][bi].vals[i];
        }
        self.size += 1;
        let n = self.size - self.xsize();
        if !self.maxed && n / self.buckets.len() > 2 {
            self.grow();
        }
        let (h, bi, i) = self.insert(k, Value::Uninit);
        &mut self.buckets[h][bi].vals[i]
    }

    /// Removes; returns (removed, the table should become its xarray).
    fn remove(&mut self, key: &Key) -> bool {
        let k = match key.int {
            Some(k) => k,
            None => {
                let removed = self.xarray.as_mut().map_or(false, |x| x.remove(key));
                if removed {
                    self.size -= 1;
                    if self.xsize() == 0 {
                        self.xarray = None;
                    }
                }
                return removed;
            }
        };
        let (h, bi, i) = match self.find(k) {
            Some(f) => f,
            None => return false,
        };
        let chain = &mut self.buckets[h];
        let head = chain.len() - 1;
        {
            let b = &mut chain[bi];
            if i == 0 && b.count == 2 {
                b.nums[0] = b.nums[1];
                b.vals[0] = std::mem::replace(&mut b.vals[1], Value::Uninit);
            }
            b.count -= 1;
        }
        if chain[bi].count == 0 {
            chain.remove(bi);
        } else if bi != head {
            // Fill the bucket from the head's last element.
            let hb = &mut chain[head];
            hb.count -= 1;
            let j = hb.count;
            let num = hb.nums[j];
            let val = std::mem::replace(&mut hb.vals[j], Value::Uninit);
            let empty = hb.count == 0;
            let b = &mut chain[bi];
            b.nums[1] = num;
            b.vals[1] = val;
            b.count += 1;
            if empty {
                chain.remove(head);
            }
        }
        self.size -= 1;
        true
    }

    fn list(&self, out: &mut Vec<(Value, Value)>) {
        if let Some(x) = &self.xarray {
            x.list(out);
        }
        for chain in &self.buckets {
            for b in chain.iter().rev() {
                for i in 0..b.count {
                    out.push((Value::Num(b.nums[i] as f64), b.vals[i].clone()));
                }
            }
        }
    }

}

const NHAT: u32 = 10;
const THRESHOLD: i64 = 1 << (NHAT + 1);

/// Which of cint's power-of-two groups holds `k` (gawk's cint_hash).
fn cint_group(k: i64) -> u32 {
    if k == 0 {
        return NHAT;
    }
    let r = 63 - (k as u64).leading_zeros();
    if r < NHAT {
        NHAT
    } else {
        1 + r
    }
}

/// The leaf array (base, size) that holds `k` in gawk's hashed array trees.
fn cint_leaf(k: i64) -> (i64, i64) {
    let h1 = cint_group(k);
    let m = h1 as i64 - 1;
    let (mut m, mut base) = if m < NHAT as i64 { (NHAT as i64, 0i64) } else { (m, 1i64 << m) };
    loop {
        let n = (m + 1) / 2;
        let size = 1i64 << n;
        let i = (k - base) / size;
        base += size * i;
        if n > NHAT as i64 {
            m = n;
        } else {
            return (base, size);
        }
    }
}

/// A cint array: non-negative integers in order, and an xarray.
#[derive(Clone, Debug, Default)]
struct CintTable {
    map: BTreeMap<i64, Value>,
    /// Leaf base -> (size, elements), to count allocated capacity.
    leaves: HashMap<i64, (i64, usize)>,
    capacity: i64,
    size: usize,
    xarray: Option<Box<Array>>,
}

impl CintTable {
    fn xsize(&self) -> usize {
        self.xarray.as_ref().map_or(0, |x| x.len())
    }

    fn get(&self, key: &Key) -> Option<&Value> {
        if let Some(k) = key.int.filter(|&k| k >= 0) {
            if let Some(v) = self.map.get(&k) {
                return Some(v);
            }
        }
        self.xarray.as_ref().and_then(|x| x.get(key))
    }

    fn lookup(&mut self, key: &Key) -> &mut Value {
        if key.is_uint() {
            let k = key.int.unwrap_or(0);
            if self.map.contains_key(&k) {
                return self.map.get_mut(&k).expect("present");
            }
            if self.xarray.as_ref().map_or(false, |x| x.get(key).is_some()) {
                return self.xarray.as_mut().expect("present").lookup(key);
            }
            let m = cint_group(k) as i64 - 1;
            let mut li = m.max(NHAT as i64);
            while li >= NHAT as i64 {
                li = (li + 1) / 2;
            }
            let capacity = self.capacity + (1i64 << li);
            let cint_size = (self.size - self.xsize()) as i64;
            if capacity - cint_size <= THRESHOLD {
                self.size += 1;
                let (base, size) = cint_leaf(k);
                let leaf = self.leaves.entry(base).or_insert((size, 0));
                if leaf.1 == 0 {
                    self.capacity += size;
                }
                leaf.1 += 1;
                return self.map.entry(k).or_insert(Value::Uninit);
            }
        } else if self.xarray.as_ref().map_or(false, |x| x.get(key).is_some()) {
            return self.xarray.as_mut().expect("present").lookup(key);
        }
        self.size += 1;
        if self.xarray.is_none() {
            let repr = if key.int.is_some() { Repr::Int(IntTable::default()) } else { Repr::Str(StrTable::default()) };
            self.xarray = Some(Box::new(Array { repr }));
        }
        self.xarray.as_mut().expect("made").lookup(key)
    }

    fn remove(&mut self, key: &Key) -> bool {
        if let Some(k) = key.int.filter(|&k| k >= 0) {
            if self.map.remove(&k).is_some() {
                let (base, _) = cint_leaf(k);
                if let Some(leaf) = self.leaves.get_mut(&base) {
                    leaf.1 -= 1;
                    if leaf.1 == 0 {
                        self.capacity -= leaf.0;
                        self.leaves.remove(&base);
                    }
                }
                self.size -= 1;
                return true;
            }
        }
        let removed = self.xarray.as_mut().map_or(false, |x| x.remove(key));
        if removed {
            self.size -= 1;
            if self.xsize() == 0 {
                self.xarray = None;
            }
        }
        removed
    }
}

#[derive(Clone, Debug, Default)]
enum Repr {
    #[default]
    Null,
    Str(StrTable),
    Int(IntTable),
    Cint(CintTable),
}

/// An awk array.
#[derive(Clone, Debug, Default)]
pub struct Array {
    repr: Repr,
}

impl Array {
    pub fn new() -> Self {
        Array::default()
    }

    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Null => 0,
            Repr::Str(t) => t.size,
            Repr::Int(t) => t.size,
            Repr::Cint(t) => t.size,
        }
    }

    #[allow(dead_code)]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, key: &Key) -> Option<&Value> {
        match &self.repr {
            Repr::Null => None,
            Repr::Str(t) => t.get(key),
            Repr::Int(t) => t.get(key),
            Repr::Cint(t) => t.get(key),
        }
    }

    pub fn contains(&self, key: &Key) -> bool {
        self.get(key).is_some()
    }

    /// The element, created (uninitialized) if missing, as awk does for
    /// any reference to `a[k]`.
    pub fn lookup(&mut self, key: &Key) -> &mut Value {
        if let Repr::Null = self.repr {
            self.repr = match key.int {
                Some(k) if k >= 0 => Repr::Cint(CintTable::default()),
                Some(_) => Repr::Int(IntTable::default()),
                None => Repr::Str(StrTable::default()),
            };
        }
        match &mut self.repr {
            Repr::Str(t) => t.lookup(key),
            Repr::Int(t) => t.lookup(key),
            Repr::Cint(t) => t.lookup(key),
            Repr::Null => unreachable!("typed above"),
        }
    }

    pub fn set(&mut self, key: &Key, v: Value) {
        *self.lookup(key) = v;
    }

    pub fn remove(&mut self, key: &Key) -> bool {
        let removed = match &mut self.repr {
            Repr::Null => false,
            Repr::Str(t) => t.remove(key),
            Repr::Int(t) => t.remove(key),
            Repr::Cint(t) => t.remove(key),
        };
        if removed {
            self.after_remove();
        }
        removed
    }

    /// An empty array loses its kind; a cint or int array whose own part
    /// emptied becomes its xarray.
    fn after_remove(&mut self) {
        let promote = match &mut self.repr {
            Repr::Cint(t) if t.map.is_empty() && t.xarray.is_some() => t.xarray.take().map(|x| x.repr),
            Repr::Int(t) if t.size == t.xsize() && t.xarray.is_some() => t.xarray.take().map(|x| Repr::Str(*x)),
            _ => None,
        };
        if let Some(r) = promote {
            self.repr = r;
        }
        if self.len() == 0 {
            self.repr = Repr::Null;
        }
    }

    pub fn clear(&mut self) {
        self.repr = Repr::Null;
    }

    /// Subscripts and values in gawk's unsorted order.
    pub fn entries(&self) -> Vec<(Value, Value)> {
        let mut out = Vec::with_capacity(self.len());
        self.list_into(&mut out);
        out
    }

    fn list_into(&self, out: &mut Vec<(Value, Value)>) {
        match &self.repr {
            Repr::Null => {}
            Repr::Str(t) => t.list(out),
            Repr::Int(t) => t.list(out),
            Repr::Cint(t) => {
                if let Some(x) = &t.xarray {
                    x.list_into(out);
                }
                for (k, v) in &t.map {
                    out.push((Value::Num(*k as f64), v.clone()));
                }
            }
        }
    }

}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Key {
        Key::from_text(Rc::new(s.as_bytes().to_vec()), false)
    }

    fn names(a: &Array) -> Vec<String> {
        a.entries()
            .into_iter()
            .map(|(k, _)| match k {
                Value::Num(n) => format!("{}", n),
                Value::Str(s) | Value::StrNum(s) => String::from_utf8_lossy(&s).into_owned(),
                Value::Uninit => String::new(),
            })
            .collect()
    }

    #[test]
    fn gawk_order() {
        let mut a = Array::new();
        for k in ["x", "y", "z", "foo", "bar"] {
            a.lookup(&key(k));
        }
        assert_eq!(names(&a), ["x", "foo", "y", "z", "bar"]);
        let mut c = Array::new();
        for k in ["1", "a", "2", "b"] {
            c.lookup(&key(k));
        }
        assert_eq!(names(&c), ["a", "b", "1", "2"]);
        let mut d = Array::new();
        for k in ["-1", "0", "1", "-5"] {
            d.lookup(&key(k));
        }
        assert_eq!(names(&d), ["0", "-1", "-5", "1"]);
    }
}
