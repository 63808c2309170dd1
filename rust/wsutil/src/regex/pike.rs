//! A Pike VM over [`Prog`]: all threads advance together one character at
//! a time, so time is O(text × pattern) whatever the pattern.
//!
//! Two walks: [`longest`] finds the leftmost-longest match (threads carry
//! only where they started; the earliest start wins, then the longest
//! end); [`captures`] then replays the span it found with threads in
//! priority order carrying capture slots, and keeps the first thread that
//! ends exactly there: the submatches GNU's regex reports.

use super::ast::Look;
use super::ctype::{self, Unit};
use super::prog::{Inst, Prog};
use super::Exec;

pub(crate) const UNSET: usize = usize::MAX;

/// A sparse set of program counters in insertion (priority) order, with a
/// value per member: the start position, or a capture slot array.
struct Threads {
    dense: Vec<u32>,
    sparse: Vec<u32>,
    starts: Vec<usize>,
    caps: Vec<usize>,
    slots: usize,
}

impl Threads {
    fn new(n: usize, slots: usize) -> Self {
        Threads {
            dense: Vec::with_capacity(n),
            sparse: vec![0; n],
            starts: vec![0; n],
            caps: vec![UNSET; n * slots],
            slots,
        }
    }

    #[inline]
    fn contains(&self, pc: u32) -> bool {
        let i = self.sparse[pc as usize] as usize;
        i < self.dense.len() && self.dense[i] == pc
    }

    #[inline]
    fn insert(&mut self, pc: u32) {
        self.sparse[pc as usize] = self.dense.len() as u32;
        self.dense.push(pc);
    }

    fn clear(&mut self) {
        self.dense.clear();
    }
}

/// Whether a zero-width assertion holds at `pos`.
pub(crate) fn look_ok(prog: &Prog, ex: &Exec, look: Look, pos: usize) -> bool {
    let hay = ex.hay;
    match look {
        Look::LineStart => (pos == 0 && !ex.not_bol) || (prog.newline && pos > 0 && hay[pos - 1] == b'\n'),
        Look::LineEnd => (pos == hay.len() && !ex.not_eol) || (prog.newline && pos < hay.len() && hay[pos] == b'\n'),
        Look::BufStart => pos == 0,
        Look::BufEnd => pos == hay.len(),
        Look::WordBoundary => ctype::word_before(hay, pos) != ctype::word_after(hay, pos),
        Look::NotWordBoundary => ctype::word_before(hay, pos) == ctype::word_after(hay, pos),
        Look::WordStart => !ctype::word_before(hay, pos) && ctype::word_after(hay, pos),
        Look::WordEnd => ctype::word_before(hay, pos) && !ctype::word_after(hay, pos),
    }
}

/// Whether a consuming instruction accepts `unit`.
#[inline]
pub(crate) fn accepts(prog: &Prog, inst: Inst, unit: Unit) -> bool {
    match (inst, unit) {
        (Inst::Char(c), Unit::Char(u)) => c == u,
        (Inst::Byte(b), Unit::Byte(u)) => b == u,
        (Inst::Any, Unit::Char(u)) => !(prog.newline && u == b'\n' as u32),
        (Inst::Set(i), Unit::Char(u)) => prog.sets[i as usize].matches_char(u),
        (Inst::Set(i), Unit::Byte(b)) => prog.sets[i as usize].matches_byte(b),
        _ => false,
    }
}

/// Adds `pc` and everything reachable from it without consuming input at
/// `pos`, depth first in priority order. `caps` (capture mode) is the
/// thread's slot array, saved into each member as it is added.
fn add(
    list: &mut Threads,
    stack: &mut Vec<Frame>,
    prog: &Prog,
    ex: &Exec,
    pc0: u32,
    pos: usize,
    start: usize,
    caps: Option<&mut Vec<usize>>,
) {
    let mut scratch = Vec::new();
    let caps = match caps {
        Some(c) => c,
        None => &mut scratch,
    };
    let with_caps = !caps.is_empty();
    stack.push(Frame::Explore(pc0));
    while let Some(frame) = stack.pop() {
        let pc = match frame {
            Frame::Restore(slot, v) => {
                caps[slot] = v;
                continue;
            }
            Frame::Explore(pc) => pc,
        };
        if list.contains(pc) {
            continue;
        }
        list.insert(pc);
        match prog.insts[pc as usize] {
            Inst::Jmp(t) => stack.push(Frame::Explore(t)),
            Inst::Split(a, b) => {
                stack.push(Frame::Explore(b));
                stack.push(Frame::Explore(a));
            }
            Inst::Save(slot) => {
                if with_caps {
                    stack.push(Frame::Restore(slot as usize, caps[slot as usize]));
                    caps[slot as usize] = pos;
                }
                stack.push(Frame::Explore(pc + 1));
            }
            Inst::Look(look) => {
                if look_ok(prog, ex, look, pos) {
                    stack.push(Frame::Explore(pc + 1));
                }
            }
            _ => {
                list.starts[pc as usize] = start;
                if with_caps {
                    let n = list.slots;
                    list.caps[pc as usize * n..(pc as usize + 1) * n].copy_from_slice(caps);
                }
            }
        }
    }
}

pub(crate) enum Frame {
    Explore(u32),
    Restore(usize, usize),
}

/// The leftmost-longest match starting at or after `start` (only at
/// `start` when `anchored`), as (start, end).
/// With `first`, the first match found will do.
/// Thread lists kept between searches (grep -o runs one per match).
pub(crate) struct Cache {
    clist: Threads,
    nlist: Threads,
    stack: Vec<Frame>,
}

impl Cache {
    pub(crate) fn new(prog: &Prog) -> Cache {
        let n = prog.insts.len();
        Cache { clist: Threads::new(n, 0), nlist: Threads::new(n, 0), stack: Vec::new() }
    }
}

pub(crate) fn longest(
    prog: &Prog,
    ex: &Exec,
    start: usize,
    anchored: bool,
    first: bool,
    cache: &mut Cache,
) -> Option<(usize, usize)> {
    if prog.anchored_start && start > 0 {
        return None;
    }
    let anchored = anchored || prog.anchored_start;
    let hay = ex.hay;
    let Cache { clist, nlist, stack } = cache;
    clist.clear();
    nlist.clear();
    let mut best: Option<(usize, usize)> = None;
    let mut pos = start;
    loop {
        if best.is_none() && (!anchored || pos == start) {
            if clist.dense.is_empty() && !anchored {
                if let Some(fb) = &prog.first_bytes {
                    match hay[pos..].iter().position(|&b| fb[b as usize]) {
                        Some(off) => pos += off,
                        None => return None,
                    }
                }
            }
            if anchored || ctype::is_boundary(hay, pos) {
                add(clist, stack, prog, ex, 0, pos, pos, None);
            }
        }
        if clist.dense.is_empty() {
            if best.is_some() || anchored || pos >= hay.len() {
                break;
            }
        }
        let (unit, len) = if pos < hay.len() { ctype::decode(hay, pos) } else { (Unit::Byte(0), 0) };
        for i in 0..clist.dense.len() {
            let pc = clist.dense[i];
            let inst = prog.insts[pc as usize];
            let tstart = clist.starts[pc as usize];
            if let Some((bs, _)) = best {
                if tstart > bs {
                    continue;
                }
            }
            match inst {
                Inst::Match => {
                    let better = match best {
                        None => true,
                        Some((bs, be)) => tstart < bs || (tstart == bs && pos > be),
                    };
                    if better {
                        best = Some((tstart, pos));
                        if first {
                            return best;
                        }
                    }
                }
                Inst::Char(_) | Inst::Byte(_) | Inst::Any | Inst::Set(_) => {
                    if len > 0 && accepts(prog, inst, unit) {
                        add(nlist, stack, prog, ex, pc + 1, pos + len, tstart, None);
                    }
                }
                _ => {}
            }
        }
        if pos >= hay.len() {
            break;
        }
        pos += len;
        std::mem::swap(clist, nlist);
        nlist.clear();
    }
    best
}

/// The capture slots of the highest-priority path that matches exactly
/// `start..end` (a span [`longest`] found).
pub(crate) fn captures(prog: &Prog, ex: &Exec, start: usize, end: usize) -> Option<Vec<usize>> {
    let hay = ex.hay;
    let n = prog.insts.len();
    let slots = prog.slots;
    let mut clist = Threads::new(n, slots);
    let mut nlist = Threads::new(n, slots);
    let mut stack = Vec::new();
    let mut caps = vec![UNSET; slots];
    add(&mut clist, &mut stack, prog, ex, 0, start, start, Some(&mut caps));
    let mut pos = start;
    loop {
        if pos == end {
            for &pc in &clist.dense {
                if prog.insts[pc as usize] == Inst::Match {
                    return Some(clist.caps[pc as usize * slots..(pc as usize + 1) * slots].to_vec());
                }
            }
            return None;
        }
        let (unit, len) = ctype::decode(hay, pos);
        for i in 0..clist.dense.len() {
            let pc = clist.dense[i];
            let inst = prog.insts[pc as usize];
            if matches!(inst, Inst::Char(_) | Inst::Byte(_) | Inst::Any | Inst::Set(_)) && accepts(prog, inst, unit) {
                caps.copy_from_slice(&clist.caps[pc as usize * slots..(pc as usize + 1) * slots]);
                add(&mut nlist, &mut stack, prog, ex, pc + 1, pos + len, start, Some(&mut caps));
            }
        }
        if nlist.dense.is_empty() {
            return None;
        }
        pos += len;
        std::mem::swap(&mut clist, &mut nlist);
        nlist.clear();
    }
}
