//! [`Node`]s to a program for the matchers: a Thompson NFA as instructions,
//! with `Split` alternatives in priority order (the first is preferred), so
//! that a priority-ordered walk finds the submatches GNU's regex finds.

use super::ast::{CharSet, Look, Node};
use super::{Error, ErrorKind};

/// A program larger than this is "Regular expression too big" (glibc also
/// gives up on patterns like `(a{1000}){1000}`).
const MAX_INSTS: usize = 4_000_000;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Inst {
    Char(u32),
    Byte(u8),
    /// Index into [`Prog::sets`].
    Set(u32),
    /// `.`
    Any,
    Look(Look),
    Split(u32, u32),
    Jmp(u32),
    /// Records the current position in a capture slot (2n: start of group
    /// n, 2n+1: its end).
    Save(u32),
    Backref(u32),
    Match,
}

#[derive(Debug)]
pub struct Prog {
    pub insts: Vec<Inst>,
    pub sets: Vec<CharSet>,
    /// Capture slots: 2 × (groups + 1).
    pub slots: usize,
    /// `.` does not match newline; `^`/`$` match at line boundaries.
    pub newline: bool,
    pub icase: bool,
    /// The groups back-references read (bit n: group n).
    pub backref_groups: u64,
    /// Bytes a match can start with (None: any, or the empty string).
    pub first_bytes: Option<Box<[bool; 256]>>,
    /// Every match begins with `^` or `` \` ``: only the subject's start
    /// can begin one (outside newline-sensitive mode).
    pub anchored_start: bool,
}

pub fn compile(node: &Node, groups: usize, newline: bool, icase: bool) -> Result<Prog, Error> {
    let mut c = Compiler { insts: Vec::new(), sets: Vec::new() };
    c.insts.push(Inst::Save(0));
    c.emit(node)?;
    c.insts.push(Inst::Save(1));
    c.insts.push(Inst::Match);
    let mut prog = Prog {
        insts: c.insts,
        sets: c.sets,
        slots: 2 * (groups + 1),
        newline,
        icase,
        backref_groups: node.backref_mask(),
        first_bytes: None,
        anchored_start: false,
    };
    prog.first_bytes = first_bytes(&prog);
    prog.anchored_start = !newline && matches!(prog.insts[1], Inst::Look(Look::LineStart) | Inst::Look(Look::BufStart));
    Ok(prog)
}

struct Compiler {
    insts: Vec<Inst>,
    sets: Vec<CharSet>,
}

impl Compiler {
    fn push(&mut self, inst: Inst) -> Result<u32, Error> {
        if self.insts.len() >= MAX_INSTS {
            return Err(Error::new(ErrorKind::TooBig));
        }
        self.insts.push(inst);
        Ok((self.insts.len() - 1) as u32)
    }

    fn here(&self) -> u32 {
        self.insts.len() as u32
    }

    fn emit(&mut self, node: &Node) -> Result<(), Error> {
        match node {
            Node::Empty => {}
            Node::Char(c) => {
                self.push(Inst::Char(*c))?;
            }
            Node::Byte(b) => {
                self.push(Inst::Byte(*b))?;
            }
            Node::Any => {
                self.push(Inst::Any)?;
            }
            Node::Set(set) => {
                self.sets.push((**set).clone());
                self.push(Inst::Set((self.sets.len() - 1) as u32))?;
            }
            Node::Look(l) => {
                self.push(Inst::Look(*l))?;
            }
            Node::Backref(n) => {
                self.push(Inst::Backref(*n as u32))?;
            }
            Node::Group(inner, n) => {
                self.push(Inst::Save(2 * *n as u32))?;
                self.emit(inner)?;
                self.push(Inst::Save(2 * *n as u32 + 1))?;
            }
            Node::Concat(items) => {
                for item in items {
                    self.emit(item)?;
                }
            }
            Node::Alt(alts) => {
                let mut jumps = Vec::new();
                for (i, alt) in alts.iter().enumerate() {
                    if i + 1 < alts.len() {
                        let split = self.push(Inst::Split(0, 0))?;
                        self.emit(alt)?;
                        jumps.push(self.push(Inst::Jmp(0))?);
                        let next = self.here();
                        self.insts[split as usize] = Inst::Split(split + 1, next);
                    } else {
                        self.emit(alt)?;
                    }
                }
                let end = self.here();
                for j in jumps {
                    self.insts[j as usize] = Inst::Jmp(end);
                }
            }
            Node::Repeat(inner, min, max) => self.repeat(inner, *min, *max)?,
        }
        Ok(())
    }

    fn repeat(&mut self, inner: &Node, min: u32, max: Option<u32>) -> Result<(), Error> {
        for _ in 0..min {
            self.emit(inner)?;
        }
        match max {
            None => {
                let split = self.push(Inst::Split(0, 0))?;
                self.emit(inner)?;
                self.push(Inst::Jmp(split))?;
                let out = self.here();
                self.insts[split as usize] = Inst::Split(split + 1, out);
            }
            Some(max) => {
                let mut splits = Vec::new();
                for _ in min..max {
                    splits.push(self.push(Inst::Split(0, 0))?);
                    self.emit(inner)?;
                }
                let out = self.here();
                for s in splits {
                    self.insts[s as usize] = Inst::Split(s + 1, out);
                }
            }
        }
        Ok(())
    }
}

/// The bytes a match can begin with, found by walking the instructions
/// reachable without consuming anything. None when a match can be empty
/// or begin with anything.
fn first_bytes(prog: &Prog) -> Option<Box<[bool; 256]>> {
    let mut set = Box::new([false; 256]);
    let mut seen = vec![false; prog.insts.len()];
    let mut stack = vec![0u32];
    while let Some(pc) = stack.pop() {
        if std::mem::replace(&mut seen[pc as usize], true) {
            continue;
        }
        match prog.insts[pc as usize] {
            Inst::Match | Inst::Any | Inst::Backref(_) => return None,
            Inst::Char(c) => {
                let mut buf = [0u8; 4];
                let s = char::from_u32(c).map(|ch| ch.encode_utf8(&mut buf).as_bytes()[0]);
                set[s? as usize] = true;
            }
            Inst::Byte(b) => set[b as usize] = true,
            Inst::Set(i) => {
                let cs = &prog.sets[i as usize];
                if cs.negated {
                    return None;
                }
                for &b in &cs.bytes {
                    set[b as usize] = true;
                }
                for &(a, b) in &cs.ranges {
                    for c in a..=b.min(0x7F) {
                        set[c as usize] = true;
                    }
                    if b >= 0x80 {
                        for lead in 0xC2..=0xF4 {
                            set[lead] = true;
                        }
                    }
                }
            }
            Inst::Look(_) | Inst::Save(_) => stack.push(pc + 1),
            Inst::Jmp(t) => stack.push(t),
            Inst::Split(a, b) => {
                stack.push(a);
                stack.push(b);
            }
        }
    }
    Some(set)
}
