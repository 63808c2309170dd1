//! Which lines of two files to call inserted or deleted: GNU diff's
//! analysis, step for step, so that `diff` prints the same hunks.
//!
//! Lines arrive as equivalence-class numbers (equal lines, under the
//! chosen `-i`/`-b`/`-w`... rules, share a nonzero class). Three passes:
//!
//! 1. Lines with no match in the other file are set aside at once as
//!    changes; lines matching very many lines are set aside too when they
//!    sit inside a run of those ("confusing" lines, which would otherwise
//!    make the search wander). `--minimal` skips this.
//! 2. Myers' O(ND) search for a shortest edit script, run from both ends
//!    at once to find a middle snake, then recursing on both halves
//!    (Myers 1986, section 4.2). Unless minimal, a search that costs more
//!    than about the square root of the input (at least 4096 steps) stops
//!    and splits at its furthest-reaching diagonal; with
//!    `--speed-large-files` a diagonal with a long snake that made much
//!    progress is taken as soon as the cost passes 200.
//! 3. Runs of changes are slid down as far as equal lines allow, merged
//!    with neighbours where sliding joins them, then moved back to line up
//!    with a change in the other file if one is in reach: the same
//!    choices GNU makes among equally short scripts.

/// How hard to look.
#[derive(Clone, Copy, Debug, Default)]
pub struct Effort {
    /// `-d`: the shortest script, however long that takes.
    pub minimal: bool,
    /// `--speed-large-files`.
    pub speed_large_files: bool,
}

/// A run of changes: `deleted` lines of the first file from `line0` are
/// replaced by `inserted` lines of the second from `line1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    pub line0: usize,
    pub line1: usize,
    pub deleted: usize,
    pub inserted: usize,
}

/// Compares two sequences of equivalence classes (all nonzero) and
/// returns the changes, in order.
pub fn diff(eq0: &[usize], eq1: &[usize], effort: Effort) -> Vec<Change> {
    let mut changed = [Flags::new(eq0.len()), Flags::new(eq1.len())];
    let kept = discard_confusing_lines(eq0, eq1, effort.minimal, &mut changed);
    let mut search = Search::new(&kept, effort);
    let (n0, n1) = (kept[0].classes.len() as isize, kept[1].classes.len() as isize);
    search.compareseq(0, n0, 0, n1, effort.minimal, &mut changed);
    shift_boundaries(&mut changed, [eq0, eq1]);
    build_script(&changed)
}

/// One flag per line, with an always-false flag before the first line
/// and after the last, which the scans below run into instead of
/// checking bounds.
struct Flags {
    v: Vec<bool>,
}

impl Flags {
    fn new(len: usize) -> Flags {
        Flags { v: vec![false; len + 2] }
    }
    #[inline(always)]
    fn get(&self, i: isize) -> bool {
        self.v[(i + 1) as usize]
    }
    #[inline(always)]
    fn set(&mut self, i: isize, value: bool) {
        self.v[(i + 1) as usize] = value;
    }
    fn len(&self) -> isize {
        self.v.len() as isize - 2
    }
}

/// The lines of one file that the search considers, and where each is in
/// the file.
struct Kept {
    classes: Vec<usize>,
    real: Vec<usize>,
}

/// Marks lines that match nothing in the other file (and lines matching
/// many, when they sit among those) as changed and leaves them out of the
/// search. The thresholds are GNU's: "many" is 5 doubled for every
/// factor of 4 in lines/64, and a run keeps its provisional lines only
/// where they are few and not at its ends.
fn discard_confusing_lines(eq0: &[usize], eq1: &[usize], minimal: bool, changed: &mut [Flags; 2]) -> [Kept; 2] {
    let files = [eq0, eq1];
    let classes = eq0.iter().chain(eq1).copied().max().unwrap_or(0) + 1;
    let mut counts = [vec![0usize; classes], vec![0usize; classes]];
    for f in 0..2 {
        for &c in files[f] {
            counts[f][c] += 1;
        }
    }
    let mut discards: [Vec<u8>; 2] = [vec![0; eq0.len()], vec![0; eq1.len()]];
    for f in 0..2 {
        let end = files[f].len();
        let other = &counts[1 - f];
        let mut many = 5usize;
        let mut tem = end / 64;
        loop {
            tem >>= 2;
            if tem == 0 {
                break;
            }
            many *= 2;
        }
        for (i, &c) in files[f].iter().enumerate() {
            if c == 0 {
                continue;
            }
            let nmatch = other[c];
            if nmatch == 0 {
                discards[f][i] = 1;
            } else if nmatch > many {
                discards[f][i] = 2;
            }
        }
    }
    for d in discards.iter_mut() {
        settle_provisional(d);
    }
    let mut kept = [Kept { classes: Vec::new(), real: Vec::new() }, Kept { classes: Vec::new(), real: Vec::new() }];
    for f in 0..2 {
        for (i, &c) in files[f].iter().enumerate() {
            if minimal || discards[f][i] == 0 {
                kept[f].classes.push(c);
                kept[f].real.push(i);
            } else {
                changed[f].set(i as isize, true);
            }
        }
    }
    kept
}

/// Decides which provisional discards (2) stand: only inside a run of
/// discards whose ends are definite (1), not in long subruns, and not
/// near the ends of the run.
fn settle_provisional(discards: &mut [u8]) {
    let end = discards.len() as isize;
    let mut i: isize = 0;
    while i < end {
        let at = |d: &[u8], k: isize| d[k as usize];
        if at(discards, i) == 2 {
            discards[i as usize] = 0;
        } else if at(discards, i) != 0 {
            let mut provisional = 0isize;
            let mut j = i;
            while j < end {
                if at(discards, j) == 0 {
                    break;
                }
                if at(discards, j) == 2 {
                    provisional += 1;
                }
                j += 1;
            }
            while j > i && at(discards, j - 1) == 2 {
                j -= 1;
                discards[j as usize] = 0;
                provisional -= 1;
            }
            let length = j - i;
            if provisional * 4 > length {
                while j > i {
                    j -= 1;
                    if at(discards, j) == 2 {
                        discards[j as usize] = 0;
                    }
                }
            } else {
                let mut minimum = 1isize;
                let mut tem = length >> 2;
                loop {
                    tem >>= 2;
                    if tem <= 0 {
                        break;
                    }
                    minimum <<= 1;
                }
                minimum += 1;
                // Cancel every subrun of `minimum` or more provisionals.
                let mut consec = 0isize;
                let mut j = 0isize;
                while j < length {
                    if at(discards, i + j) != 2 {
                        consec = 0;
                    } else {
                        consec += 1;
                        if minimum == consec {
                            j -= consec;
                        } else if minimum < consec {
                            discards[(i + j) as usize] = 0;
                        }
                    }
                    j += 1;
                }
                // From the start of the run, cancel provisionals until 3
                // definite ones in a row, or a definite one 8 lines in.
                cancel_near_end(discards, i, length, 1);
                i += length - 1;
                cancel_near_end(discards, i, length, -1);
            }
        }
        i += 1;
    }
}

/// The scan from one end of a run of discards (`step` 1 from its first
/// line, -1 from its last).
fn cancel_near_end(discards: &mut [u8], from: isize, length: isize, step: isize) {
    let mut consec = 0;
    let mut j = 0isize;
    while j < length {
        let k = (from + step * j) as usize;
        if j >= 8 && discards[k] == 1 {
            break;
        }
        if discards[k] == 2 {
            consec = 0;
            discards[k] = 0;
        } else if discards[k] == 0 {
            consec = 0;
        } else {
            consec += 1;
        }
        if consec == 3 {
            break;
        }
        j += 1;
    }
}

// The accessors below are forced inline: the crate is built for size
// (opt-level "z"), which would otherwise leave a call in every step of
// the search.

/// Snakes longer than this are "big" for the speed heuristic.
const SNAKE_LIMIT: isize = 20;

/// The state of the middle-snake search over the kept lines.
struct Search<'a> {
    x: &'a [usize],
    y: &'a [usize],
    xreal: &'a [usize],
    yreal: &'a [usize],
    /// Furthest x reached on each diagonal, forward and backward, indexed
    /// by diagonal + `off`.
    fd: Vec<isize>,
    bd: Vec<isize>,
    off: isize,
    heuristic: bool,
    too_expensive: isize,
}

/// Where to split a comparison, and whether each half is known minimal.
struct Partition {
    xmid: isize,
    ymid: isize,
    lo_minimal: bool,
    hi_minimal: bool,
}

impl<'a> Search<'a> {
    fn new(kept: &'a [Kept; 2], effort: Effort) -> Search<'a> {
        let (n0, n1) = (kept[0].classes.len(), kept[1].classes.len());
        let mut diags = n0 + n1 + 3;
        let mut too_expensive: isize = 1;
        while diags != 0 {
            too_expensive <<= 1;
            diags >>= 2;
        }
        Search {
            x: &kept[0].classes,
            y: &kept[1].classes,
            xreal: &kept[0].real,
            yreal: &kept[1].real,
            fd: vec![0; n0 + n1 + 3],
            bd: vec![0; n0 + n1 + 3],
            off: n1 as isize + 1,
            heuristic: effort.speed_large_files,
            too_expensive: too_expensive.max(4096),
        }
    }

    #[inline(always)]
    fn eq(&self, x: isize, y: isize) -> bool {
        self.x[x as usize] == self.y[y as usize]
    }
    #[inline(always)]
    fn fd(&self, d: isize) -> isize {
        self.fd[(d + self.off) as usize]
    }
    #[inline(always)]
    fn bd(&self, d: isize) -> isize {
        self.bd[(d + self.off) as usize]
    }
    #[inline(always)]
    fn set_fd(&mut self, d: isize, v: isize) {
        let i = (d + self.off) as usize;
        self.fd[i] = v;
    }
    #[inline(always)]
    fn set_bd(&mut self, d: isize, v: isize) {
        let i = (d + self.off) as usize;
        self.bd[i] = v;
    }

    /// Compares x[xoff..xlim] with y[yoff..ylim], marking what differs.
    fn compareseq(&mut self, mut xoff: isize, mut xlim: isize, mut yoff: isize, mut ylim: isize, minimal: bool, changed: &mut [Flags; 2]) {
        while xoff < xlim && yoff < ylim && self.eq(xoff, yoff) {
            xoff += 1;
            yoff += 1;
        }
        while xoff < xlim && yoff < ylim && self.eq(xlim - 1, ylim - 1) {
            xlim -= 1;
            ylim -= 1;
        }
        if xoff == xlim {
            for y in yoff..ylim {
                changed[1].set(self.yreal[y as usize] as isize, true);
            }
        } else if yoff == ylim {
            for x in xoff..xlim {
                changed[0].set(self.xreal[x as usize] as isize, true);
            }
        } else {
            let part = self.diag(xoff, xlim, yoff, ylim, minimal);
            self.compareseq(xoff, part.xmid, yoff, part.ymid, part.lo_minimal, changed);
            self.compareseq(part.xmid, xlim, part.ymid, ylim, part.hi_minimal, changed);
        }
    }

    /// Finds the middle of a shortest edit script between the two ranges
    /// (whose first and last lines differ), searching forward from the
    /// top-left and backward from the bottom-right until the searches
    /// meet, or until a heuristic says to settle.
    fn diag(&mut self, xoff: isize, xlim: isize, yoff: isize, ylim: isize, minimal: bool) -> Partition {
        let dmin = xoff - ylim;
        let dmax = xlim - yoff;
        let fmid = xoff - yoff;
        let bmid = xlim - ylim;
        let (mut fmin, mut fmax, mut bmin, mut bmax) = (fmid, fmid, bmid, bmid);
        let odd = (fmid - bmid) & 1 != 0;
        self.set_fd(fmid, xoff);
        self.set_bd(bmid, xlim);
        let mut c: isize = 1;
        loop {
            let mut big_snake = false;
            if fmin > dmin {
                fmin -= 1;
                self.set_fd(fmin - 1, -1);
            } else {
                fmin += 1;
            }
            if fmax < dmax {
                fmax += 1;
                self.set_fd(fmax + 1, -1);
            } else {
                fmax -= 1;
            }
            let mut d = fmax;
            while d >= fmin {
                let (tlo, thi) = (self.fd(d - 1), self.fd(d + 1));
                let x0 = if tlo < thi { thi } else { tlo + 1 };
                let (mut x, mut y) = (x0, x0 - d);
                while x < xlim && y < ylim && self.eq(x, y) {
                    x += 1;
                    y += 1;
                }
                if x - x0 > SNAKE_LIMIT {
                    big_snake = true;
                }
                self.set_fd(d, x);
                if odd && bmin <= d && d <= bmax && self.bd(d) <= x {
                    return Partition { xmid: x, ymid: y, lo_minimal: true, hi_minimal: true };
                }
                d -= 2;
            }
            if bmin > dmin {
                bmin -= 1;
                self.set_bd(bmin - 1, isize::MAX);
            } else {
                bmin += 1;
            }
            if bmax < dmax {
                bmax += 1;
                self.set_bd(bmax + 1, isize::MAX);
            } else {
                bmax -= 1;
            }
            let mut d = bmax;
            while d >= bmin {
                let (tlo, thi) = (self.bd(d - 1), self.bd(d + 1));
                let x0 = if tlo < thi { tlo } else { thi - 1 };
                let (mut x, mut y) = (x0, x0 - d);
                while xoff < x && yoff < y && self.eq(x - 1, y - 1) {
                    x -= 1;
                    y -= 1;
                }
                if x0 - x > SNAKE_LIMIT {
                    big_snake = true;
                }
                self.set_bd(d, x);
                if !odd && fmin <= d && d <= fmax && x <= self.fd(d) {
                    return Partition { xmid: x, ymid: y, lo_minimal: true, hi_minimal: true };
                }
                d -= 2;
            }
            if !minimal {
                if 200 < c && big_snake && self.heuristic {
                    if let Some(p) = self.big_snake_split((xoff, xlim, yoff, ylim), (fmin, fmax, bmin, bmax), c) {
                        return p;
                    }
                }
                if c >= self.too_expensive {
                    return self.give_up((xoff, xlim, yoff, ylim), (fmin, fmax, bmin, bmax));
                }
            }
            c += 1;
        }
    }

    /// `--speed-large-files`: a diagonal that got far for its cost and
    /// ends (or starts) in a long snake is taken as the split.
    fn big_snake_split(&self, r: (isize, isize, isize, isize), b: (isize, isize, isize, isize), c: isize) -> Option<Partition> {
        let (xoff, xlim, yoff, ylim) = r;
        let (fmin, fmax, bmin, bmax) = b;
        let (fmid, bmid) = (xoff - yoff, xlim - ylim);
        let mut best = 0;
        let mut part = Partition { xmid: 0, ymid: 0, lo_minimal: true, hi_minimal: false };
        let mut d = fmax;
        while d >= fmin {
            let dd = d - fmid;
            let x = self.fd(d);
            let y = x - d;
            let v = (x - xoff) * 2 - dd;
            if v > 12 * (c + dd.abs())
                && v > best
                && xoff + SNAKE_LIMIT <= x
                && x < xlim
                && yoff + SNAKE_LIMIT <= y
                && y < ylim
            {
                let mut k = 1;
                while self.eq(x - k, y - k) {
                    if k == SNAKE_LIMIT {
                        best = v;
                        part.xmid = x;
                        part.ymid = y;
                        break;
                    }
                    k += 1;
                }
            }
            d -= 2;
        }
        if best > 0 {
            return Some(part);
        }
        best = 0;
        part.lo_minimal = false;
        part.hi_minimal = true;
        let mut d = bmax;
        while d >= bmin {
            let dd = d - bmid;
            let x = self.bd(d);
            let y = x - d;
            let v = (xlim - x) * 2 + dd;
            if v > 12 * (c + dd.abs())
                && v > best
                && xoff < x
                && x <= xlim - SNAKE_LIMIT
                && yoff < y
                && y <= ylim - SNAKE_LIMIT
            {
                let mut k = 0;
                while self.eq(x + k, y + k) {
                    if k == SNAKE_LIMIT - 1 {
                        best = v;
                        part.xmid = x;
                        part.ymid = y;
                        break;
                    }
                    k += 1;
                }
            }
            d -= 2;
        }
        if best > 0 {
            Some(part)
        } else {
            None
        }
    }

    /// The search went on too long: split at whichever of the forward and
    /// backward frontiers got further.
    fn give_up(&self, r: (isize, isize, isize, isize), b: (isize, isize, isize, isize)) -> Partition {
        let (xoff, xlim, yoff, ylim) = r;
        let (fmin, fmax, bmin, bmax) = b;
        let mut fxybest = -1;
        let mut fxbest = 0;
        let mut d = fmax;
        while d >= fmin {
            let mut x = self.fd(d).min(xlim);
            let mut y = x - d;
            if ylim < y {
                x = ylim + d;
                y = ylim;
            }
            if fxybest < x + y {
                fxybest = x + y;
                fxbest = x;
            }
            d -= 2;
        }
        let mut bxybest = isize::MAX;
        let mut bxbest = 0;
        let mut d = bmax;
        while d >= bmin {
            let mut x = self.bd(d).max(xoff);
            let mut y = x - d;
            if y < yoff {
                x = yoff + d;
                y = yoff;
            }
            if x + y < bxybest {
                bxybest = x + y;
                bxbest = x;
            }
            d -= 2;
        }
        if (xlim + ylim) - bxybest < fxybest - (xoff + yoff) {
            Partition { xmid: fxbest, ymid: fxybest - fxbest, lo_minimal: true, hi_minimal: false }
        } else {
            Partition { xmid: bxbest, ymid: bxybest - bxbest, lo_minimal: false, hi_minimal: true }
        }
    }
}

/// Slides each run of changes over equal neighbouring lines: first up as
/// far as it goes (merging with runs above), then down as far as it goes
/// (merging below), repeated while runs keep growing; finally back up to
/// the last place where it faces a change in the other file, if any.
fn shift_boundaries(changed: &mut [Flags; 2], equivs: [&[usize]; 2]) {
    for f in 0..2 {
        let (a, b) = changed.split_at_mut(1);
        let (ch, other) = if f == 0 { (&mut a[0], &b[0]) } else { (&mut b[0], &a[0]) };
        let eq = |k: isize| equivs[f][k as usize];
        let i_end = ch.len();
        let (mut i, mut j): (isize, isize) = (0, 0);
        loop {
            while i < i_end && !ch.get(i) {
                while other.get(j) {
                    j += 1;
                }
                j += 1;
                i += 1;
            }
            if i == i_end {
                break;
            }
            let mut start = i;
            i += 1;
            while ch.get(i) {
                i += 1;
            }
            while other.get(j) {
                j += 1;
            }
            let mut corresponding;
            loop {
                let runlength = i - start;
                while start != 0 && eq(start - 1) == eq(i - 1) {
                    start -= 1;
                    ch.set(start, true);
                    i -= 1;
                    ch.set(i, false);
                    while ch.get(start - 1) {
                        start -= 1;
                    }
                    j -= 1;
                    while other.get(j) {
                        j -= 1;
                    }
                }
                corresponding = if other.get(j - 1) { i } else { i_end };
                while i != i_end && eq(start) == eq(i) {
                    ch.set(start, false);
                    start += 1;
                    ch.set(i, true);
                    i += 1;
                    while ch.get(i) {
                        i += 1;
                    }
                    j += 1;
                    while other.get(j) {
                        corresponding = i;
                        j += 1;
                    }
                }
                if runlength == i - start {
                    break;
                }
            }
            while corresponding < i {
                start -= 1;
                ch.set(start, true);
                i -= 1;
                ch.set(i, false);
                j -= 1;
                while other.get(j) {
                    j -= 1;
                }
            }
        }
    }
}

/// Groups the flags into changes.
fn build_script(changed: &[Flags; 2]) -> Vec<Change> {
    let (len0, len1) = (changed[0].len(), changed[1].len());
    let mut script = Vec::new();
    let (mut i0, mut i1): (isize, isize) = (0, 0);
    while i0 < len0 || i1 < len1 {
        if changed[0].get(i0) || changed[1].get(i1) {
            let (l0, l1) = (i0, i1);
            while changed[0].get(i0) {
                i0 += 1;
            }
            while changed[1].get(i1) {
                i1 += 1;
            }
            script.push(Change {
                line0: l0 as usize,
                line1: l1 as usize,
                deleted: (i0 - l0) as usize,
                inserted: (i1 - l1) as usize,
            });
        }
        i0 += 1;
        i1 += 1;
    }
    script
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_change() {
        let s = diff(&[1, 2, 3], &[1, 4, 3, 5], Effort::default());
        assert_eq!(
            s,
            vec![
                Change { line0: 1, line1: 1, deleted: 1, inserted: 1 },
                Change { line0: 3, line1: 3, deleted: 0, inserted: 1 }
            ]
        );
    }

    #[test]
    fn empty_sides() {
        assert_eq!(diff(&[], &[1], Effort::default()), vec![Change { line0: 0, line1: 0, deleted: 0, inserted: 1 }]);
        assert!(diff(&[], &[], Effort::default()).is_empty());
    }
}
