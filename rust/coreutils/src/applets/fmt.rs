//! `fmt`: simple optimal text formatter (GNU 9.1: -c -p -s -t -u -w -g,
//! and the obsolete `-WIDTH` as first argument).
//!
//! The line breaking is GNU's: each paragraph's breaks minimise a cost
//! made of the squared distance of each line from the goal width (93% of
//! the maximum by default), the raggedness between adjacent lines, and
//! bonuses and penalties for breaking at sentence ends, after punctuation,
//! before parentheses, or next to a sentence's first or last word. GNU's
//! buffer limits (1000 words, 5000 bytes per paragraph) decide where a
//! very long paragraph is cut, so they are kept as they are. Columns are
//! counted per byte, as in GNU 9.1.

use std::io::{BufReader, Read, Write};
use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::decimal::xdectoumax;
use wsutil::io::{open_input, stdout, Input, Out};
use wsutil::{quote_always, report, show_error, strerror, Error, Result, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("fmt", main)];

const SPEC: Spec = Spec {
    short: "0123456789cstuw:p:g:",
    long: &[
        ("crown-margin", HasArg::No, 'c'),
        ("prefix", HasArg::Required, 'p'),
        ("split-only", HasArg::No, 's'),
        ("tagged-paragraph", HasArg::No, 't'),
        ("uniform-spacing", HasArg::No, 'u'),
        ("width", HasArg::Required, 'w'),
        ("goal", HasArg::Required, 'g'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: fmt [-WIDTH] [OPTION]... [FILE]...
Reformat each paragraph in the FILE(s), writing to standard output.
The option -WIDTH is an abbreviated form of --width=DIGITS.

With no FILE, or when FILE is -, read standard input.

  -c, --crown-margin        preserve indentation of first two lines
  -p, --prefix=STRING       reformat only lines beginning with STRING,
                              reattaching the prefix to reformatted lines
  -s, --split-only          split long lines, but do not refill
  -t, --tagged-paragraph    indentation of first line different from second
  -u, --uniform-spacing     one space between words, two after sentences
  -w, --width=WIDTH         maximum line width (default of 75 columns)
  -g, --goal=WIDTH          goal width (default of 93% of width)
      --help        display this help and exit
      --version     output version information and exit
";

const WIDTH: i64 = 75;
const LEEWAY: i64 = 7;
const DEF_INDENT: i64 = 3;
const MAXWORDS: usize = 1000;
const MAXCHARS: usize = 5000;
const TABWIDTH: i64 = 8;
const EOF: i32 = -1;

type Cost = i64;
const MAXCOST: Cost = i64::MAX;

fn equiv(n: i64) -> Cost {
    n * n
}
fn short_cost(n: i64) -> Cost {
    equiv(n * 10)
}
fn ragged_cost(n: i64) -> Cost {
    short_cost(n) / 2
}
const LINE_COST: Cost = 70 * 70;
fn widow_cost(n: i64) -> Cost {
    equiv(200) / (n + 2)
}
fn orphan_cost(n: i64) -> Cost {
    equiv(150) / (n + 2)
}
const SENTENCE_BONUS: Cost = 50 * 50;
const NOBREAK_COST: Cost = 600 * 600;
const PAREN_BONUS: Cost = 40 * 40;
const PUNCT_BONUS: Cost = 40 * 40;
const LINE_CREDIT: Cost = 3 * 3;

#[derive(Clone, Copy, Default)]
struct Word {
    /// Offset of the text in `parabuf`.
    text: usize,
    length: i64,
    /// Size of the following space.
    space: i64,
    paren: bool,
    period: bool,
    punct: bool,
    final_: bool,
    line_length: i64,
    best_cost: Cost,
    next_break: usize,
}

/// GNU's global state, one formatter for all files.
struct Fmt<'a> {
    crown: bool,
    tagged: bool,
    split: bool,
    uniform: bool,
    prefix: Vec<u8>,
    max_width: i64,
    prefix_full_length: i64,
    prefix_lead_space: i64,
    prefix_length: i64,
    goal_width: i64,
    in_column: i64,
    out_column: i64,
    parabuf: Vec<u8>,
    wptr: usize,
    word: Vec<Word>,
    word_limit: usize,
    tabs: bool,
    prefix_indent: i64,
    first_indent: i64,
    other_indent: i64,
    next_char: i32,
    next_prefix_indent: i64,
    last_line_length: i64,
    input: Option<BufReader<Input>>,
    read_failed: bool,
    out: &'a mut Out,
    write_error: Option<std::io::Error>,
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

fn run(argv: &[String]) -> Result<i32> {
    let mut argv = argv.to_vec();
    let mut width_opt: Option<String> = None;
    if let Some(first) = argv.first() {
        if first.len() > 1 && first.starts_with('-') && first.as_bytes()[1].is_ascii_digit() {
            width_opt = Some(first[1..].to_string());
            argv.remove(0);
        }
    }
    let mut goal_opt: Option<String> = None;
    let mut crown = false;
    let mut tagged = false;
    let mut split = false;
    let mut uniform = false;
    let mut prefix_arg: Option<String> = None;
    let mut files = Vec::new();
    for item in args::parse(&SPEC, &argv)? {
        match item {
            Item::Opt(d @ '0'..='9', _) => {
                return Err(UsageError::new(format!(
                    "invalid option -- {}; -WIDTH is recognized only when it is the first\noption; use -w N instead",
                    d
                ))
                .into())
            }
            Item::Opt('c', _) => crown = true,
            Item::Opt('s', _) => split = true,
            Item::Opt('t', _) => tagged = true,
            Item::Opt('u', _) => uniform = true,
            Item::Opt('w', v) => width_opt = v,
            Item::Opt('g', v) => goal_opt = v,
            Item::Opt('p', v) => prefix_arg = v,
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("fmt (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    let mut max_width = WIDTH;
    if let Some(w) = &width_opt {
        max_width = xdectoumax(w, 0, (MAXCHARS / 2) as u64, "invalid width").map_err(Error::Fatal)? as i64;
    }
    let goal_width = match &goal_opt {
        Some(g) => {
            let goal = xdectoumax(g, 0, max_width as u64, "invalid width").map_err(Error::Fatal)? as i64;
            if width_opt.is_none() {
                max_width = goal + 10;
            }
            goal
        }
        None => max_width * (2 * (100 - LEEWAY) + 1) / 200,
    };
    let mut out = stdout();
    let mut f = Fmt {
        crown,
        tagged,
        split,
        uniform,
        prefix: Vec::new(),
        max_width,
        prefix_full_length: 0,
        prefix_lead_space: 0,
        prefix_length: 0,
        goal_width,
        in_column: 0,
        out_column: 0,
        parabuf: vec![0; MAXCHARS],
        wptr: 0,
        word: vec![Word::default(); MAXWORDS],
        word_limit: 0,
        tabs: false,
        prefix_indent: 0,
        first_indent: 0,
        other_indent: 0,
        next_char: 0,
        next_prefix_indent: 0,
        last_line_length: 0,
        input: None,
        read_failed: false,
        out: &mut out,
        write_error: None,
    };
    if let Some(p) = prefix_arg {
        f.set_prefix(p.as_bytes());
    }
    if files.is_empty() {
        files.push("-".into());
    }
    let mut ok = true;
    for name in &files {
        match open_input(name) {
            Ok(input) => {
                f.input = Some(BufReader::with_capacity(64 * 1024, input));
                f.read_failed = false;
                f.fmt();
                if let Some(e) = f.write_error.take() {
                    return Err(e.into());
                }
                if f.read_failed {
                    f.out.flush()?;
                    show_error("read error");
                    ok = false;
                }
            }
            Err(e) => {
                f.out.flush()?;
                show_error(&format!("cannot open {} for reading: {}", quote_always(name), strerror(&e)));
                ok = false;
            }
        }
    }
    out.flush()?;
    Ok(if ok { 0 } else { 1 })
}

fn is_space(c: i32) -> bool {
    c == b' ' as i32 || (9..=13).contains(&c)
}

impl Fmt<'_> {
    fn set_prefix(&mut self, p: &[u8]) {
        let lead = p.iter().take_while(|&&c| c == b' ').count();
        self.prefix_lead_space = lead as i64;
        let p = &p[lead..];
        self.prefix_full_length = p.len() as i64;
        let trimmed = p.len() - p.iter().rev().take_while(|&&c| c == b' ').count();
        self.prefix = p[..trimmed].to_vec();
        self.prefix_length = trimmed as i64;
    }

    fn getc(&mut self) -> i32 {
        let input = match &mut self.input {
            Some(i) => i,
            None => return EOF,
        };
        let mut b = [0u8; 1];
        loop {
            match input.read(&mut b) {
                Ok(0) => return EOF,
                Ok(_) => return b[0] as i32,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => {
                    self.read_failed = true;
                    return EOF;
                }
            }
        }
    }

    fn put(&mut self, bytes: &[u8]) {
        if self.write_error.is_none() {
            if let Err(e) = self.out.write_all(bytes) {
                self.write_error = Some(e);
            }
        }
    }

    fn fmt(&mut self) {
        self.tabs = false;
        self.other_indent = 0;
        self.next_char = self.get_prefix();
        while self.get_paragraph() {
            self.fmt_paragraph();
            let limit = self.word_limit;
            self.put_paragraph(limit);
            if self.write_error.is_some() {
                return;
            }
        }
    }

    fn set_other_indent(&mut self, same_paragraph: bool) {
        if self.split {
            self.other_indent = self.first_indent;
        } else if self.crown {
            self.other_indent = if same_paragraph { self.in_column } else { self.first_indent };
        } else if self.tagged {
            if same_paragraph && self.in_column != self.first_indent {
                self.other_indent = self.in_column;
            } else if self.other_indent == self.first_indent {
                self.other_indent = if self.first_indent == 0 { DEF_INDENT } else { 0 };
            }
        } else {
            self.other_indent = self.first_indent;
        }
    }

    /// Reads one paragraph into the word buffer (copying the blank and
    /// unprefixed lines before it); false at the end of input.
    fn get_paragraph(&mut self) -> bool {
        self.last_line_length = 0;
        let mut c = self.next_char;
        while c == b'\n' as i32
            || c == EOF
            || self.next_prefix_indent < self.prefix_lead_space
            || self.in_column < self.next_prefix_indent + self.prefix_full_length
        {
            c = self.copy_rest(c);
            if c == EOF {
                self.next_char = EOF;
                return false;
            }
            self.put(b"\n");
            c = self.get_prefix();
        }
        self.prefix_indent = self.next_prefix_indent;
        self.first_indent = self.in_column;
        self.wptr = 0;
        self.word_limit = 0;
        c = self.get_line(c);
        let same = self.same_para(c);
        self.set_other_indent(same);
        if self.split {
        } else if self.crown {
            if self.same_para(c) {
                loop {
                    c = self.get_line(c);
                    if !(self.same_para(c) && self.in_column == self.other_indent) {
                        break;
                    }
                }
            }
        } else if self.tagged {
            if self.same_para(c) && self.in_column != self.first_indent {
                loop {
                    c = self.get_line(c);
                    if !(self.same_para(c) && self.in_column == self.other_indent) {
                        break;
                    }
                }
            }
        } else {
            while self.same_para(c) && self.in_column == self.other_indent {
                c = self.get_line(c);
            }
        }
        let last = self.word_limit - 1;
        self.word[last].period = true;
        self.word[last].final_ = true;
        self.next_char = c;
        true
    }

    fn copy_rest(&mut self, mut c: i32) -> i32 {
        self.out_column = 0;
        if self.in_column > self.next_prefix_indent || (c != b'\n' as i32 && c != EOF) {
            self.put_space(self.next_prefix_indent);
            let mut i = 0;
            while self.out_column != self.in_column && i < self.prefix.len() {
                let b = self.prefix[i];
                self.put(&[b]);
                i += 1;
                self.out_column += 1;
            }
            if c != EOF && c != b'\n' as i32 {
                self.put_space(self.in_column - self.out_column);
            }
            if c == EOF && self.in_column >= self.next_prefix_indent + self.prefix_length {
                self.put(b"\n");
            }
        }
        while c != b'\n' as i32 && c != EOF {
            self.put(&[c as u8]);
            c = self.getc();
        }
        c
    }

    fn same_para(&self, c: i32) -> bool {
        self.next_prefix_indent == self.prefix_indent
            && self.in_column >= self.next_prefix_indent + self.prefix_full_length
            && c != b'\n' as i32
            && c != EOF
    }

    /// Splits one line into words; returns the first non-blank character
    /// after the prefix of the next line.
    fn get_line(&mut self, mut c: i32) -> i32 {
        loop {
            let wl = self.word_limit;
            self.word[wl].text = self.wptr;
            loop {
                if self.wptr == MAXCHARS {
                    self.set_other_indent(true);
                    self.flush_paragraph();
                }
                self.parabuf[self.wptr] = c as u8;
                self.wptr += 1;
                c = self.getc();
                if c == EOF || is_space(c) {
                    break;
                }
            }
            let wl = self.word_limit;
            let length = (self.wptr - self.word[wl].text) as i64;
            self.word[wl].length = length;
            self.in_column += length;
            self.check_punctuation(wl);
            let start = self.in_column;
            c = self.get_space(c);
            let w = &mut self.word[wl];
            w.space = self.in_column - start;
            w.final_ = c == EOF || (w.period && (c == b'\n' as i32 || w.space > 1));
            if c == b'\n' as i32 || c == EOF || self.uniform {
                w.space = if w.final_ { 2 } else { 1 };
            }
            if wl == MAXWORDS - 2 {
                self.set_other_indent(true);
                self.flush_paragraph();
            }
            self.word_limit += 1;
            if c == b'\n' as i32 || c == EOF {
                break;
            }
        }
        self.get_prefix()
    }

    fn get_prefix(&mut self) -> i32 {
        self.in_column = 0;
        let first = self.getc();
        let mut c = self.get_space(first);
        if self.prefix_length == 0 {
            self.next_prefix_indent = self.prefix_lead_space.min(self.in_column);
        } else {
            self.next_prefix_indent = self.in_column;
            for i in 0..self.prefix.len() {
                if c != self.prefix[i] as i32 {
                    return c;
                }
                self.in_column += 1;
                c = self.getc();
            }
            c = self.get_space(c);
        }
        c
    }

    fn get_space(&mut self, mut c: i32) -> i32 {
        loop {
            if c == b' ' as i32 {
                self.in_column += 1;
            } else if c == b'\t' as i32 {
                self.tabs = true;
                self.in_column = (self.in_column / TABWIDTH + 1) * TABWIDTH;
            } else {
                return c;
            }
            c = self.getc();
        }
    }

    fn check_punctuation(&mut self, wi: usize) {
        let w = self.word[wi];
        let text = &self.parabuf[w.text..w.text + w.length as usize];
        let first = text[0];
        let mut fin = text.len() - 1;
        let last = text[fin];
        let paren = b"(['`\"".contains(&first);
        let punct = last.is_ascii_punctuation();
        while fin > 0 && b")]'\"".contains(&text[fin]) {
            fin -= 1;
        }
        let period = b".?!".contains(&text[fin]);
        let w = &mut self.word[wi];
        w.paren = paren;
        w.punct = punct;
        w.period = period;
    }

    /// Called when the buffers are full: prints the paragraph so far up to
    /// a cheap break near its end and keeps the rest.
    fn flush_paragraph(&mut self) {
        if self.word_limit == 0 {
            let text = self.parabuf[..self.wptr].to_vec();
            self.put(&text);
            self.wptr = 0;
            return;
        }
        self.fmt_paragraph();
        let mut split_point = self.word_limit;
        let mut best_break = MAXCOST;
        let mut w = self.word[0].next_break;
        while w != self.word_limit {
            let nb = self.word[w].next_break;
            let d = self.word[w].best_cost - self.word[nb].best_cost;
            if d < best_break {
                split_point = w;
                best_break = d;
            }
            if best_break <= MAXCOST - LINE_CREDIT {
                best_break += LINE_CREDIT;
            }
            w = nb;
        }
        self.put_paragraph(split_point);
        let shift = self.word[split_point].text;
        self.parabuf.copy_within(shift..self.wptr, 0);
        self.wptr -= shift;
        for i in split_point..=self.word_limit {
            self.word[i].text -= shift;
        }
        let n = self.word_limit - split_point + 1;
        for i in 0..n {
            let mut moved = self.word[split_point + i];
            // next_break indexes move down with the words.
            moved.next_break = moved.next_break.wrapping_sub(split_point);
            self.word[i] = moved;
        }
        self.word_limit -= split_point;
    }

    /// The optimal breaks for every suffix of the paragraph, last first.
    fn fmt_paragraph(&mut self) {
        let wl = self.word_limit;
        self.word[wl].best_cost = 0;
        let saved_length = self.word[wl].length;
        self.word[wl].length = self.max_width;
        for start in (0..wl).rev() {
            let mut best = MAXCOST;
            let mut len = if start == 0 { self.first_indent } else { self.other_indent };
            let mut w = start;
            len += self.word[w].length;
            loop {
                w += 1;
                let mut wcost = self.line_cost(w, len) + self.word[w].best_cost;
                if start == 0 && self.last_line_length > 0 {
                    wcost += ragged_cost(len - self.last_line_length);
                }
                if wcost < best {
                    best = wcost;
                    self.word[start].next_break = w;
                    self.word[start].line_length = len;
                }
                if w == wl {
                    break;
                }
                len += self.word[w - 1].space + self.word[w].length;
                if len >= self.max_width {
                    break;
                }
            }
            self.word[start].best_cost = best + self.base_cost(start);
        }
        self.word[wl].length = saved_length;
    }

    fn base_cost(&self, this: usize) -> Cost {
        let mut cost = LINE_COST;
        if this > 0 {
            let prev = &self.word[this - 1];
            if prev.period {
                if prev.final_ {
                    cost -= SENTENCE_BONUS;
                } else {
                    cost += NOBREAK_COST;
                }
            } else if prev.punct {
                cost -= PUNCT_BONUS;
            } else if this > 1 && self.word[this - 2].final_ {
                cost += widow_cost(prev.length);
            }
        }
        let w = &self.word[this];
        if w.paren {
            cost -= PAREN_BONUS;
        } else if w.final_ {
            cost += orphan_cost(w.length);
        }
        cost
    }

    fn line_cost(&self, next: usize, len: i64) -> Cost {
        if next == self.word_limit {
            return 0;
        }
        let mut cost = short_cost(self.goal_width - len);
        let w = &self.word[next];
        if w.next_break != self.word_limit {
            cost += ragged_cost(len - w.line_length);
        }
        cost
    }

    fn put_paragraph(&mut self, finish: usize) {
        self.put_line(0, self.first_indent);
        let mut w = self.word[0].next_break;
        while w != finish {
            self.put_line(w, self.other_indent);
            w = self.word[w].next_break;
        }
    }

    fn put_line(&mut self, mut w: usize, indent: i64) {
        self.out_column = 0;
        self.put_space(self.prefix_indent);
        let prefix = self.prefix.clone();
        self.put(&prefix);
        self.out_column += self.prefix_length;
        self.put_space(indent - self.out_column);
        let endline = self.word[w].next_break - 1;
        while w != endline {
            self.put_word(w);
            self.put_space(self.word[w].space);
            w += 1;
        }
        self.put_word(w);
        self.last_line_length = self.out_column;
        self.put(b"\n");
    }

    fn put_word(&mut self, w: usize) {
        let word = self.word[w];
        let text = self.parabuf[word.text..word.text + word.length as usize].to_vec();
        self.put(&text);
        self.out_column += word.length;
    }

    fn put_space(&mut self, space: i64) {
        let space_target = self.out_column + space;
        if self.tabs {
            let tab_target = space_target / TABWIDTH * TABWIDTH;
            if self.out_column + 1 < tab_target {
                while self.out_column < tab_target {
                    self.put(b"\t");
                    self.out_column = (self.out_column / TABWIDTH + 1) * TABWIDTH;
                }
            }
        }
        while self.out_column < space_target {
            self.put(b" ");
            self.out_column += 1;
        }
    }
}
