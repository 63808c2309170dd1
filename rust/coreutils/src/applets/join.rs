//! `join`: join lines of two sorted files on a common field (GNU 9.1: -1
//! -2 -a -e -i -j -o (with `auto`) -t -v -z, --check-order,
//! --nocheck-order, --header).
//!
//! The files are read in step, one run of equal keys at a time, so memory
//! holds only the lines sharing one key. Keys compare as bytes (C.UTF-8
//! collation is code point order), with ASCII case folded by `-i`. Order
//! is checked as GNU does: by default only once an unpairable line has
//! been seen, with one warning per file and status 1 at the end.

use std::cmp::Ordering;
use std::io::{BufRead, BufReader, Write};
use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::decimal::{parse_u64, Refusal};
use wsutil::io::{open_input, stdout, Input, Out};
use wsutil::{quote, quote_always, quote_locale, report, show_error, strerror, Error, Result, UsageError};

pub const APPLETS: &[wsutil::Applet] = &[("join", main)];

const CHECK_ORDER: char = args::LONG1;
const NOCHECK_ORDER: char = args::LONG2;
const HEADER: char = args::LONG3;

const SPEC: Spec = Spec {
    short: "a:e:i1:2:j:o:t:v:z",
    long: &[
        ("ignore-case", HasArg::No, 'i'),
        ("check-order", HasArg::No, CHECK_ORDER),
        ("nocheck-order", HasArg::No, NOCHECK_ORDER),
        ("zero-terminated", HasArg::No, 'z'),
        ("header", HasArg::No, HEADER),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "Usage: join [OPTION]... FILE1 FILE2
For each pair of input lines with identical join fields, write a line to
standard output.  The default join field is the first, delimited by blanks.

When FILE1 or FILE2 (not both) is -, read standard input.

  -a FILENUM        also print unpairable lines from file FILENUM, where
                      FILENUM is 1 or 2, corresponding to FILE1 or FILE2
  -e STRING         replace missing (empty) input fields with STRING
  -i, --ignore-case  ignore differences in case when comparing fields
  -j FIELD          equivalent to '-1 FIELD -2 FIELD'
  -o FORMAT         obey FORMAT while constructing output line
  -t CHAR           use CHAR as input and output field separator
  -v FILENUM        like -a FILENUM, but suppress joined output lines
  -1 FIELD          join on this FIELD of file 1
  -2 FIELD          join on this FIELD of file 2
      --check-order     check that the input is correctly sorted
      --nocheck-order   do not check that the input is correctly sorted
      --header          treat the first line in each file as field headers
  -z, --zero-terminated     line delimiter is NUL, not newline
      --help        display this help and exit
      --version     output version information and exit
";

#[derive(PartialEq, Clone, Copy)]
enum Check {
    Default,
    Enabled,
    Disabled,
}

/// Field separation: runs of blanks, one byte, or none (whole line).
#[derive(PartialEq, Clone, Copy)]
enum Tab {
    Blanks,
    Byte(u8),
    WholeLine,
}

/// A line split into fields (byte ranges of `text`, which has no
/// terminator).
struct Line {
    text: Vec<u8>,
    fields: Vec<(usize, usize)>,
}

impl Line {
    fn field(&self, n: usize) -> Option<&[u8]> {
        self.fields.get(n).map(|&(a, b)| &self.text[a..b])
    }
}

/// One output field of `-o`: 0 is the join field.
#[derive(Clone, Copy)]
struct OutField {
    file: u8,
    field: usize,
}

struct Options {
    tab: Tab,
    eol: u8,
    ignore_case: bool,
    empty: Option<Vec<u8>>,
    join: [usize; 2],
    unpaired: [bool; 2],
    pairs: bool,
    format: Vec<OutField>,
    auto: bool,
    autocount: [usize; 2],
    check: Check,
    header: bool,
}

struct Side {
    reader: BufReader<Input>,
    name: String,
    line_no: u64,
    prev: Option<std::rc::Rc<Line>>,
}

/// What both files share while joining: the order-check state.
struct State {
    seen_unpairable: bool,
    warned: [bool; 2],
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(e) => report(&e, 1),
    }
}

/// A 1-based field number as a 0-based index; huge ones saturate.
fn field_number(text: &str) -> Result<usize> {
    match parse_u64(text) {
        Ok(0) | Err(Refusal::Invalid) => Err(Error::Fatal(format!("invalid field number: {}", quote_locale(text)))),
        Ok(v) => Ok((v.min(usize::MAX as u64) as usize) - 1),
        Err(Refusal::Overflow) => Ok(usize::MAX - 1),
    }
}

fn set_join(slot: &mut Option<usize>, v: usize) -> Result<()> {
    if let Some(old) = *slot {
        if old != v {
            return Err(Error::Fatal(format!("incompatible join fields {}, {}", old + 1, v + 1)));
        }
    }
    *slot = Some(v);
    Ok(())
}

fn parse_format(list: &str, format: &mut Vec<OutField>) -> Result<()> {
    for spec in list.split(|c| c == ',' || c == ' ' || c == '\t') {
        let invalid = || Error::Fatal(format!("invalid field specifier: {}", quote_locale(spec)));
        match spec.as_bytes().first() {
            Some(b'0') => {
                if spec.len() > 1 {
                    return Err(invalid());
                }
                format.push(OutField { file: 0, field: 0 });
            }
            Some(&f @ (b'1' | b'2')) => {
                if spec.as_bytes().get(1) != Some(&b'.') {
                    return Err(invalid());
                }
                format.push(OutField { file: f - b'0', field: field_number(&spec[2..])? });
            }
            _ => {
                return Err(Error::Fatal(format!("invalid file number in field spec: {}", quote_locale(spec))));
            }
        }
    }
    Ok(())
}

fn run(argv: &[String]) -> Result<i32> {
    let mut o = Options {
        tab: Tab::Blanks,
        eol: b'\n',
        ignore_case: false,
        empty: None,
        join: [0, 0],
        unpaired: [false, false],
        pairs: true,
        format: Vec::new(),
        auto: false,
        autocount: [0, 0],
        check: Check::Default,
        header: false,
    };
    let mut tab: Option<Tab> = None;
    let mut join: [Option<usize>; 2] = [None, None];
    let mut files: Vec<String> = Vec::new();
    for item in args::parse(&SPEC, argv)? {
        match item {
            Item::Opt(c @ ('a' | 'v'), Some(v)) => {
                if c == 'v' {
                    o.pairs = false;
                }
                match parse_u64(&v) {
                    Ok(1) => o.unpaired[0] = true,
                    Ok(2) => o.unpaired[1] = true,
                    _ => return Err(Error::Fatal(format!("invalid field number: {}", quote_locale(&v)))),
                }
            }
            Item::Opt('e', Some(v)) => {
                if let Some(old) = &o.empty {
                    if *old != v.as_bytes() {
                        return Err(Error::Fatal("conflicting empty-field replacement strings".into()));
                    }
                }
                o.empty = Some(v.into_bytes());
            }
            Item::Opt('i', _) => o.ignore_case = true,
            Item::Opt('1', Some(v)) => set_join(&mut join[0], field_number(&v)?)?,
            Item::Opt('2', Some(v)) => set_join(&mut join[1], field_number(&v)?)?,
            Item::Opt('j', Some(v)) => {
                let f = field_number(&v)?;
                set_join(&mut join[0], f)?;
                set_join(&mut join[1], f)?;
            }
            Item::Opt('o', Some(v)) => {
                if v == "auto" {
                    o.auto = true;
                } else {
                    parse_format(&v, &mut o.format)?;
                }
            }
            Item::Opt('t', Some(v)) => {
                let new = match v.as_bytes() {
                    [] => Tab::WholeLine,
                    [b] => Tab::Byte(*b),
                    b"\\0" => Tab::Byte(0),
                    _ => return Err(Error::Fatal(format!("multi-character tab {}", quote_locale(&v)))),
                };
                if tab.map_or(false, |t| t != new) {
                    return Err(Error::Fatal("incompatible tabs".into()));
                }
                tab = Some(new);
            }
            Item::Opt('z', _) => o.eol = 0,
            Item::Opt(CHECK_ORDER, _) => o.check = Check::Enabled,
            Item::Opt(NOCHECK_ORDER, _) => o.check = Check::Disabled,
            Item::Opt(HEADER, _) => o.header = true,
            Item::Opt(HELP, _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt(VERSION, _) => {
                println!("join (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return Ok(0);
            }
            Item::Opt(_, _) => {}
            Item::Operand(f) => {
                if files.len() == 2 {
                    return Err(UsageError::new(format!("extra operand {}", quote_always(&f))).into());
                }
                files.push(f);
            }
        }
    }
    match files.len() {
        0 => return Err(UsageError::new("missing operand").into()),
        1 => {
            let last = argv.last().map(String::as_str).unwrap_or("");
            return Err(UsageError::new(format!("missing operand after {}", quote_locale(last))).into());
        }
        _ => {}
    }
    o.tab = tab.unwrap_or(Tab::Blanks);
    o.join = [join[0].unwrap_or(0), join[1].unwrap_or(0)];
    let mut sides = Vec::new();
    for name in &files {
        let input = open_input(name).map_err(|e| Error::Fatal(format!("{}: {}", quote(name), strerror(&e))))?;
        sides.push(Side {
            reader: BufReader::with_capacity(64 * 1024, input),
            name: name.clone(),
            line_no: 0,
            prev: None,
        });
    }
    if files[0] == "-" && files[1] == "-" {
        return Err(Error::Fatal("both files cannot be standard input: No such file or directory".into()));
    }
    let mut st = State { seen_unpairable: false, warned: [false, false] };
    let mut out = stdout();
    let (a, b) = sides.split_at_mut(1);
    let result = join_files(&mut o, [&mut a[0], &mut b[0]], &mut st, &mut out);
    out.flush()?;
    result?;
    if st.warned[0] || st.warned[1] {
        return Err(Error::Fatal("input is not in sorted order".into()));
    }
    Ok(0)
}

fn split_fields(text: &[u8], tab: Tab) -> Vec<(usize, usize)> {
    let mut fields = Vec::new();
    if text.is_empty() {
        return fields;
    }
    match tab {
        Tab::WholeLine => fields.push((0, text.len())),
        Tab::Byte(t) => {
            let mut start = 0;
            for (i, &b) in text.iter().enumerate() {
                if b == t {
                    fields.push((start, i));
                    start = i + 1;
                }
            }
            fields.push((start, text.len()));
        }
        Tab::Blanks => {
            let blank = |b: u8| b == b' ' || b == b'\t';
            let mut i = 0;
            while i < text.len() && blank(text[i]) {
                i += 1;
            }
            if i == text.len() {
                return fields;
            }
            loop {
                let start = i;
                i += 1;
                while i < text.len() && !blank(text[i]) {
                    i += 1;
                }
                fields.push((start, i));
                if i == text.len() {
                    return fields;
                }
                while i < text.len() && blank(text[i]) {
                    i += 1;
                }
                if i == text.len() {
                    fields.push((i, i));
                    return fields;
                }
            }
        }
    }
    fields
}

fn keycmp(a: &Line, b: &Line, fa: usize, fb: usize, o: &Options) -> Ordering {
    let ka = a.field(fa).unwrap_or(b"");
    let kb = b.field(fb).unwrap_or(b"");
    if ka.is_empty() {
        return if kb.is_empty() { Ordering::Equal } else { Ordering::Less };
    }
    if kb.is_empty() {
        return Ordering::Greater;
    }
    if o.ignore_case {
        let ua = ka.iter().map(|c| c.to_ascii_uppercase());
        let ub = kb.iter().map(|c| c.to_ascii_uppercase());
        ua.cmp(ub)
    } else {
        ka.cmp(kb)
    }
}

/// Reads and splits the next line of one side, checking its order.
fn get_line(side: &mut Side, which: usize, o: &Options, st: &mut State) -> Result<Option<std::rc::Rc<Line>>> {
    let mut text = Vec::new();
    match side.reader.read_until(o.eol, &mut text) {
        Ok(0) => return Ok(None),
        Ok(_) => {}
        Err(e) => return Err(Error::Fatal(format!("{}: {}", quote(&side.name), strerror(&e)))),
    }
    if text.last() == Some(&o.eol) {
        text.pop();
    }
    side.line_no += 1;
    let fields = split_fields(&text, o.tab);
    let line = std::rc::Rc::new(Line { text, fields });
    if let Some(prev) = &side.prev {
        check_order(prev, &line, side, which, o, st)?;
    }
    side.prev = Some(line.clone());
    Ok(Some(line))
}

fn check_order(prev: &Line, cur: &Line, side: &Side, which: usize, o: &Options, st: &mut State) -> Result<()> {
    if o.check == Check::Disabled || (o.check == Check::Default && !st.seen_unpairable) || st.warned[which] {
        return Ok(());
    }
    let f = o.join[which];
    if keycmp(prev, cur, f, f, o) == Ordering::Greater {
        let shown = cur.text.split(|&b| b == 0).next().unwrap_or(b"");
        let msg = format!("{}:{}: is not sorted: {}", side.name, side.line_no, String::from_utf8_lossy(shown));
        if o.check == Check::Enabled {
            return Err(Error::Fatal(msg));
        }
        show_error(&msg);
        st.warned[which] = true;
    }
    Ok(())
}

fn join_files(o: &mut Options, sides: [&mut Side; 2], st: &mut State, out: &mut Out) -> Result<()> {
    let [s1, s2] = sides;
    let mut seq1: Vec<std::rc::Rc<Line>> = get_line(s1, 0, o, st)?.into_iter().collect();
    let mut seq2: Vec<std::rc::Rc<Line>> = get_line(s2, 1, o, st)?.into_iter().collect();
    if o.auto {
        o.autocount = [seq1.first().map_or(0, |l| l.fields.len()), seq2.first().map_or(0, |l| l.fields.len())];
    }
    let o = &*o;
    let blank = Line { text: Vec::new(), fields: Vec::new() };
    if o.header && (!seq1.is_empty() || !seq2.is_empty()) {
        let h1 = seq1.first().map(|l| &**l).unwrap_or(&blank);
        let h2 = seq2.first().map(|l| &**l).unwrap_or(&blank);
        prjoin(h1, h2, seq1.is_empty(), o, out)?;
        s1.prev = None;
        s2.prev = None;
        if !seq1.is_empty() {
            seq1 = get_line(s1, 0, o, st)?.into_iter().collect();
        }
        if !seq2.is_empty() {
            seq2 = get_line(s2, 1, o, st)?.into_iter().collect();
        }
    }
    while !seq1.is_empty() && !seq2.is_empty() {
        match keycmp(&seq1[0], &seq2[0], o.join[0], o.join[1], o) {
            Ordering::Less => {
                if o.unpaired[0] {
                    prjoin(&seq1[0], &blank, false, o, out)?;
                }
                seq1 = get_line(s1, 0, o, st)?.into_iter().collect();
                st.seen_unpairable = true;
                continue;
            }
            Ordering::Greater => {
                if o.unpaired[1] {
                    prjoin(&blank, &seq2[0], true, o, out)?;
                }
                seq2 = get_line(s2, 1, o, st)?.into_iter().collect();
                st.seen_unpairable = true;
                continue;
            }
            Ordering::Equal => {}
        }
        // The runs of lines of each file sharing this key; the line read
        // past a run starts the next one.
        let mut next1 = None;
        while let Some(l) = get_line(s1, 0, o, st)? {
            if keycmp(&l, &seq2[0], o.join[0], o.join[1], o) != Ordering::Equal {
                next1 = Some(l);
                break;
            }
            seq1.push(l);
        }
        let mut next2 = None;
        while let Some(l) = get_line(s2, 1, o, st)? {
            if keycmp(&seq1[0], &l, o.join[0], o.join[1], o) != Ordering::Equal {
                next2 = Some(l);
                break;
            }
            seq2.push(l);
        }
        if o.pairs {
            for a in &seq1 {
                for b in &seq2 {
                    prjoin(a, b, false, o, out)?;
                }
            }
        }
        seq1 = next1.into_iter().collect();
        seq2 = next2.into_iter().collect();
    }
    let checktail = o.check != Check::Disabled && !(st.warned[0] && st.warned[1]);
    for (which, side, seq) in [(0usize, s1, &seq1), (1, s2, &seq2)] {
        if !((o.unpaired[which] || checktail) && !seq.is_empty()) {
            continue;
        }
        let emit = |line: &Line, out: &mut Out| -> std::io::Result<()> {
            if which == 0 {
                prjoin(line, &blank, false, o, out)
            } else {
                prjoin(&blank, line, true, o, out)
            }
        };
        if o.unpaired[which] {
            emit(&seq[0], out)?;
        }
        while let Some(l) = get_line(side, which, o, st)? {
            if o.unpaired[which] {
                emit(&l, out)?;
            }
            if st.warned[which] && !o.unpaired[which] {
                break;
            }
        }
    }
    Ok(())
}

fn prfield(line: &Line, n: usize, o: &Options, out: &mut Out) -> std::io::Result<()> {
    match line.field(n) {
        Some(f) if !f.is_empty() => out.write_all(f),
        _ => match &o.empty {
            Some(e) => out.write_all(e),
            None => Ok(()),
        },
    }
}

fn separator(o: &Options) -> u8 {
    match o.tab {
        Tab::Blanks => b' ',
        Tab::Byte(b) => b,
        Tab::WholeLine => b'\n',
    }
}

fn prfields(line: &Line, join: usize, count: usize, o: &Options, out: &mut Out) -> std::io::Result<()> {
    let n = if o.auto { count } else { line.fields.len() };
    let sep = separator(o);
    for i in (0..n).filter(|&i| i != join) {
        out.write_all(&[sep])?;
        prfield(line, i, o, out)?;
    }
    Ok(())
}

/// Prints one output line; `first_blank` says line1 is the empty
/// stand-in of an unpaired line from file 2.
fn prjoin(line1: &Line, line2: &Line, first_blank: bool, o: &Options, out: &mut Out) -> std::io::Result<()> {
    let sep = separator(o);
    let (jline, jfield) = if first_blank { (line2, o.join[1]) } else { (line1, o.join[0]) };
    if !o.format.is_empty() {
        for (i, f) in o.format.iter().enumerate() {
            if i > 0 {
                out.write_all(&[sep])?;
            }
            match f.file {
                0 => prfield(jline, jfield, o, out)?,
                1 => prfield(line1, f.field, o, out)?,
                _ => prfield(line2, f.field, o, out)?,
            }
        }
    } else {
        prfield(jline, jfield, o, out)?;
        prfields(line1, o.join[0], o.autocount[0], o, out)?;
        prfields(line2, o.join[1], o.autocount[1], o, out)?;
    }
    out.write_all(&[o.eol])
}
