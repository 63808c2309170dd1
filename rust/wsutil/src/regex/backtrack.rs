//! Matching with back-references: a depth-first walk over every path in
//! priority order, keeping the longest end and the submatches of the first
//! path that reached it. A state (instruction, position, and the spans of
//! the groups that back-references read) is explored once: a later visit
//! has lower priority and the same future, which keeps most patterns
//! polynomial.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use super::ctype::{self, Unit};
use super::pike::{accepts, look_ok, UNSET};
use super::prog::{Inst, Prog};
use super::Exec;

/// A small fast hash for the memo's keys (positions and counters).
#[derive(Default)]
struct Fx(u64);

impl Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u128(&mut self, v: u128) {
        self.write_u64(v as u64);
        self.write_u64((v >> 64) as u64);
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
}

type FxBuild = BuildHasherDefault<Fx>;

/// States already explored: packed in a u128 when at most one group is
/// read by back-references (the usual case), else as a vector.
enum Seen {
    Packed(HashSet<u128, FxBuild>),
    Wide(HashSet<Vec<usize>, FxBuild>),
}

impl Seen {
    fn insert(&mut self, pc: u32, pos: usize, caps: &[usize], referenced: &[usize], key: &mut Vec<usize>) -> bool {
        match self {
            Seen::Packed(set) => {
                let mut k = (pc as u128) << 96 | (pos as u32 as u128) << 64;
                if let Some(&g) = referenced.first() {
                    k |= (caps[2 * g] as u32 as u128) << 32 | caps[2 * g + 1] as u32 as u128;
                }
                set.insert(k)
            }
            Seen::Wide(set) => {
                key.clear();
                key.push(pc as usize);
                key.push(pos);
                for &g in referenced {
                    key.push(caps[2 * g]);
                    key.push(caps[2 * g + 1]);
                }
                if set.contains(key.as_slice()) {
                    false
                } else {
                    set.insert(key.clone())
                }
            }
        }
    }
}

enum Frame {
    Explore(u32, usize),
    Restore(usize, usize),
}

/// The leftmost-longest match at or after `start` (only at `start` when
/// `anchored`), as its capture slots.
/// With `first`, any match will do (its end is not the longest).
pub(crate) fn search(prog: &Prog, ex: &Exec, start: usize, anchored: bool, first: bool) -> Option<Vec<usize>> {
    if prog.anchored_start && start > 0 {
        return None;
    }
    let anchored = anchored || prog.anchored_start;
    let referenced: Vec<usize> = (1..prog.slots / 2).filter(|g| prog.backref_groups & (1u64 << (*g).min(63)) != 0).collect();
    let fits = referenced.len() <= 1 && ex.hay.len() < u32::MAX as usize;
    let mut seen = if fits { Seen::Packed(HashSet::default()) } else { Seen::Wide(HashSet::default()) };
    let mut pos = start;
    loop {
        if anchored || ctype::is_boundary(ex.hay, pos) {
            if let Some(caps) = from(prog, ex, pos, &referenced, &mut seen, first) {
                return Some(caps);
            }
        }
        if anchored || pos >= ex.hay.len() {
            return None;
        }
        pos += ctype::decode(ex.hay, pos).1;
    }
}

fn from(
    prog: &Prog,
    ex: &Exec,
    start: usize,
    referenced: &[usize],
    seen: &mut Seen,
    first: bool,
) -> Option<Vec<usize>> {
    let hay = ex.hay;
    let mut caps = vec![UNSET; prog.slots];
    let mut best: Option<Vec<usize>> = None;
    let mut stack = vec![Frame::Explore(0, start)];
    let mut key = Vec::with_capacity(2 + 2 * referenced.len());
    while let Some(frame) = stack.pop() {
        let (pc, pos) = match frame {
            Frame::Restore(slot, v) => {
                caps[slot] = v;
                continue;
            }
            Frame::Explore(pc, pos) => (pc, pos),
        };
        if !seen.insert(pc, pos, &caps, referenced, &mut key) {
            continue;
        }
        let inst = prog.insts[pc as usize];
        match inst {
            Inst::Match => {
                if best.as_ref().map_or(true, |b| pos > b[1]) {
                    best = Some(caps.clone());
                    if first {
                        return best;
                    }
                }
            }
            Inst::Char(_) | Inst::Byte(_) | Inst::Any | Inst::Set(_) => {
                if pos < hay.len() {
                    let (unit, len) = ctype::decode(hay, pos);
                    if accepts(prog, inst, unit) {
                        stack.push(Frame::Explore(pc + 1, pos + len));
                    }
                }
            }
            Inst::Look(look) => {
                if look_ok(prog, ex, look, pos) {
                    stack.push(Frame::Explore(pc + 1, pos));
                }
            }
            Inst::Split(a, b) => {
                stack.push(Frame::Explore(b, pos));
                stack.push(Frame::Explore(a, pos));
            }
            Inst::Jmp(t) => stack.push(Frame::Explore(t, pos)),
            Inst::Save(slot) => {
                stack.push(Frame::Restore(slot as usize, caps[slot as usize]));
                caps[slot as usize] = pos;
                stack.push(Frame::Explore(pc + 1, pos));
            }
            Inst::Backref(g) => {
                let (a, b) = (caps[2 * g as usize], caps[2 * g as usize + 1]);
                if a != UNSET && b != UNSET {
                    if let Some(len) = same_text(hay, a, b, pos, prog.icase) {
                        stack.push(Frame::Explore(pc + 1, pos + len));
                    }
                }
            }
        }
    }
    best
}

/// Whether the text at `pos` repeats `hay[a..b]` (character by character,
/// case-folded under `-i`); returns its length.
fn same_text(hay: &[u8], a: usize, b: usize, pos: usize, icase: bool) -> Option<usize> {
    if !icase {
        let n = b - a;
        return if hay.len() - pos >= n && hay[a..b] == hay[pos..pos + n] { Some(n) } else { None };
    }
    let (mut i, mut j) = (a, pos);
    while i < b {
        if j >= hay.len() {
            return None;
        }
        let (u, ul) = ctype::decode(hay, i);
        let (v, vl) = ctype::decode(hay, j);
        let same = match (u, v) {
            (Unit::Char(x), Unit::Char(y)) => ctype::fold_eq(x, y),
            (x, y) => x == y,
        };
        if !same {
            return None;
        }
        i += ul;
        j += vl;
    }
    Some(j - pos)
}
