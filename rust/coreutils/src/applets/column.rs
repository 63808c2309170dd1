//! `column`: columnate lists (util-linux 2.38, the host's `column` from
//! bsdextrautils).
//!
//! Without `-t`, input lines are laid out in columns (`-x`: rows first)
//! padded with tabs to multiples of 8, for an output width of `-c` (or
//! `$COLUMNS`, or 80). With `-t` the lines are split into cells and
//! printed as libsmartcols prints a table: columns separated by `-o`
//! (two spaces), the last one unpadded, optionally named (`-N`, a header
//! line unless `-d`), right-aligned (`-R`), hidden (`-H`), reordered
//! (`-O`), limited in number (`-l`), or as JSON (`-J`, `-n`). The width
//! logic kept is the part that shows without truncation: a column marked
//! "no extremes" (the last visible one, or those of `-E`) ignores its
//! outsized cells when the table is wider than the output, columns of
//! `-T` are narrowed one cell at a time in turn until the table fits,
//! and a cell wider than its column (not truncated) pushes the rest of
//! its row to the next line. Wrapping (`-W`) and trees (`-r`, `-i`,
//! `-p`) are refused.

use std::io::{BufRead, BufReader, Write};
use unicode_width::UnicodeWidthChar;
use wsutil::args::{self, HasArg, Item, Spec};
use wsutil::io::{open_input, stdout, Input, Out};
use wsutil::{report, show_error, strerror, Error, Result};

pub const APPLETS: &[wsutil::Applet] = &[("column", main)];

const SPEC: Spec = Spec {
    short: "c:dE:eH:hi:JLl:N:n:O:o:p:R:r:s:T:tVW:x",
    long: &[
        ("columns", HasArg::Required, 'c'),
        ("fillrows", HasArg::No, 'x'),
        ("help", HasArg::No, 'h'),
        ("json", HasArg::No, 'J'),
        ("keep-empty-lines", HasArg::No, 'L'),
        ("output-separator", HasArg::Required, 'o'),
        ("output-width", HasArg::Required, 'c'),
        ("separator", HasArg::Required, 's'),
        ("table", HasArg::No, 't'),
        ("table-columns", HasArg::Required, 'N'),
        ("table-columns-limit", HasArg::Required, 'l'),
        ("table-hide", HasArg::Required, 'H'),
        ("table-name", HasArg::Required, 'n'),
        ("table-noextreme", HasArg::Required, 'E'),
        ("table-noheadings", HasArg::No, 'd'),
        ("table-order", HasArg::Required, 'O'),
        ("table-right", HasArg::Required, 'R'),
        ("table-truncate", HasArg::Required, 'T'),
        ("table-wrap", HasArg::Required, 'W'),
        ("table-header-repeat", HasArg::No, 'e'),
        ("tree", HasArg::Required, 'r'),
        ("tree-id", HasArg::Required, 'i'),
        ("tree-parent", HasArg::Required, 'p'),
        ("version", HasArg::No, 'V'),
    ],
    stop_at_operand: false,
};

const USAGE: &str = "
Usage:
 column [options] [<file>...]

Columnate lists.

Options:
 -t, --table                      create a table
 -n, --table-name <name>          table name for JSON output
 -O, --table-order <columns>      specify order of output columns
 -N, --table-columns <names>      comma separated columns names
 -l, --table-columns-limit <num>  maximal number of input columns
 -E, --table-noextreme <columns>  don't count long text from the columns to column width
 -d, --table-noheadings           don't print header
 -e, --table-header-repeat        repeat header for each page
 -H, --table-hide <columns>       don't print the columns
 -R, --table-right <columns>      right align text in these columns
 -L, --keep-empty-lines           don't ignore empty lines
 -J, --json                       use JSON output format for table

 -c, --output-width <width>       width of output in number of characters
 -o, --output-separator <string>  columns separator for table output (default is two spaces)
 -s, --separator <string>         possible table delimiters
 -x, --fillrows                   fill rows before columns

 -h, --help                       display this help
 -V, --version                    display version

For more details see column(1).
";

#[derive(PartialEq, Clone, Copy)]
enum Mode {
    FillCols,
    FillRows,
    Table,
}

struct Ctl {
    mode: Mode,
    termwidth: usize,
    names: Option<Vec<String>>,
    tab_name: Option<String>,
    order: Option<String>,
    right: Option<String>,
    noextreme: Option<String>,
    hide: Option<String>,
    truncate: Option<String>,
    json: bool,
    noheadings: bool,
    keep_empty: bool,
    separators: Vec<char>,
    greedy: bool,
    output_sep: String,
    maxncols: usize,
}

/// One table column (libsmartcols' view of it).
struct Column {
    name: Option<String>,
    right: bool,
    trunc: bool,
    hidden: bool,
    noextremes: bool,
    width: usize,
    width_min: usize,
    width_max: usize,
    width_avg: usize,
    extreme: bool,
}

pub fn main(argv: &[String]) -> i32 {
    match run(argv) {
        Ok(code) => code,
        Err(Error::Fatal(m)) if m.is_empty() => 1,
        Err(e) => report(&e, 1),
    }
}

fn fail(msg: String) -> Error {
    Error::Fatal(msg)
}

fn run(argv: &[String]) -> Result<i32> {
    let mut ctl = Ctl {
        mode: Mode::FillCols,
        termwidth: usize::MAX,
        names: None,
        tab_name: None,
        order: None,
        right: None,
        noextreme: None,
        hide: None,
        truncate: None,
        json: false,
        noheadings: false,
        keep_empty: false,
        separators: vec!['\t', ' '],
        greedy: true,
        output_sep: "  ".into(),
        maxncols: 0,
    };
    let mut files = Vec::new();
    // Options that exclude each other, in util-linux's order.
    let mut seen_table: Option<&str> = None;
    let mut seen_fillrows = false;
    for item in args::parse(&SPEC, argv)? {
        match &item {
            Item::Opt(c @ ('t' | 'J' | 'x'), _) => {
                let long = match c {
                    't' => "--table",
                    'J' => "--json",
                    _ => "--fillrows",
                };
                if *c == 'x' {
                    if let Some(t) = seen_table {
                        return Err(fail(format!("mutually exclusive arguments: {} --fillrows", t)));
                    }
                    seen_fillrows = true;
                } else if seen_fillrows {
                    return Err(fail(format!("mutually exclusive arguments: {} --fillrows", long)));
                } else {
                    seen_table = Some(long);
                }
            }
            _ => {}
        }
        match item {
            Item::Opt('c', Some(v)) => {
                ctl.termwidth = match v.parse::<u32>() {
                    Ok(n) if !v.starts_with('+') => n as usize,
                    _ => return Err(fail(format!("invalid columns argument: '{}'", v))),
                }
            }
            Item::Opt('d', _) => ctl.noheadings = true,
            Item::Opt('E', v) => ctl.noextreme = v,
            Item::Opt('e', _) => {}
            Item::Opt('H', v) => ctl.hide = v,
            Item::Opt('h', _) => {
                print!("{}", USAGE);
                return Ok(0);
            }
            Item::Opt('J', _) => {
                ctl.json = true;
                ctl.mode = Mode::Table;
            }
            Item::Opt('L', _) => ctl.keep_empty = true,
            Item::Opt('l', Some(v)) => {
                ctl.maxncols = match v.parse::<u32>() {
                    Ok(n) => n as usize,
                    Err(_) => return Err(fail(format!("invalid columns limit argument: '{}'", v))),
                };
                if ctl.maxncols == 0 {
                    return Err(fail(format!("invalid columns limit argument: '{}'", v)));
                }
            }
            Item::Opt('N', Some(v)) => ctl.names = Some(v.split(',').map(String::from).collect()),
            Item::Opt('n', v) => ctl.tab_name = v,
            Item::Opt('O', v) => ctl.order = v,
            Item::Opt('o', Some(v)) => ctl.output_sep = v,
            Item::Opt('R', v) => ctl.right = v,
            Item::Opt('s', Some(v)) => {
                ctl.separators = v.chars().collect();
                ctl.greedy = false;
            }
            Item::Opt('t', _) => ctl.mode = Mode::Table,
            Item::Opt('x', _) => ctl.mode = Mode::FillRows,
            Item::Opt('V', _) => {
                println!("column from util-linux 2.38.1");
                return Ok(0);
            }
            Item::Opt('T', v) => ctl.truncate = v,
            Item::Opt('W', _) => return Err(Error::Unsupported("--table-wrap".into())),
            Item::Opt('r', _) => return Err(Error::Unsupported("--tree".into())),
            Item::Opt('i', _) => return Err(Error::Unsupported("--tree-id".into())),
            Item::Opt('p', _) => return Err(Error::Unsupported("--tree-parent".into())),
            Item::Opt(_, _) => {}
            Item::Operand(f) => files.push(f),
        }
    }
    if ctl.termwidth == usize::MAX {
        ctl.termwidth =
            std::env::var("COLUMNS").ok().and_then(|c| c.parse::<usize>().ok()).filter(|&w| w > 0).unwrap_or(80);
    }
    if ctl.mode != Mode::Table
        && (ctl.order.is_some()
            || ctl.tab_name.is_some()
            || ctl.hide.is_some()
            || ctl.noextreme.is_some()
            || ctl.truncate.is_some()
            || ctl.right.is_some()
            || ctl.names.is_some())
    {
        return Err(fail("option --table required for all --table-*".into()));
    }
    if ctl.names.is_none() && ctl.json {
        return Err(fail("option --table-columns required for --json".into()));
    }
    let mut status = 0;
    let mut lines: Vec<Option<String>> = Vec::new();
    if files.is_empty() {
        read_input(open_input("-")?, &ctl, &mut lines)?;
    }
    for f in &files {
        match std::fs::File::open(f) {
            Ok(file) => read_input(Input::File(file), &ctl, &mut lines)?,
            Err(e) => {
                show_error(&format!("{}: {}", f, strerror(&e)));
                status = 1;
            }
        }
    }
    let mut out = stdout();
    match ctl.mode {
        Mode::Table => {
            if table(&ctl, &lines, &mut out)? {
                status = 0;
            }
        }
        _ => {
            let ents: Vec<&str> = lines.iter().map(|l| l.as_deref().unwrap_or("")).collect();
            if !ents.is_empty() {
                let maxlength = ents.iter().map(|e| width(e)).max().unwrap_or(0);
                if maxlength >= ctl.termwidth {
                    for e in &ents {
                        writeln!(out, "{}", e)?;
                    }
                } else if ctl.mode == Mode::FillCols {
                    fill_columns(&ents, maxlength, ctl.termwidth, &mut out)?;
                } else {
                    fill_rows(&ents, maxlength, ctl.termwidth, &mut out)?;
                }
            }
        }
    }
    out.flush()?;
    Ok(status)
}

/// Reads lines: None for an empty line kept by -L, else the text (cut at
/// a NUL, as C strings are).
fn read_input(input: Input, ctl: &Ctl, lines: &mut Vec<Option<String>>) -> Result<()> {
    let mut r = BufReader::with_capacity(64 * 1024, input);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match r.read_until(b'\n', &mut buf) {
            Ok(0) => return Ok(()),
            Ok(_) => {}
            Err(e) => return Err(fail(format!("read failed: {}", strerror(&e)))),
        }
        if buf.last() == Some(&b'\n') {
            buf.pop();
        }
        if let Some(nul) = buf.iter().position(|&b| b == 0) {
            buf.truncate(nul);
        }
        // A line of white space only is an empty line.
        if buf.iter().all(|&b| b == b' ' || (9..=13).contains(&b)) {
            if ctl.keep_empty {
                lines.push(None);
            }
            continue;
        }
        lines.push(Some(decode(&buf)));
    }
}

/// UTF-8 text; an invalid byte shows as `\xHH`, as util-linux prints it.
fn decode(bytes: &[u8]) -> String {
    let mut s = String::new();
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(t) => {
                s.push_str(t);
                return s;
            }
            Err(e) => {
                let good = e.valid_up_to();
                s.push_str(std::str::from_utf8(&rest[..good]).unwrap_or(""));
                s.push_str(&format!("\\x{:02x}", rest[good]));
                rest = &rest[good + 1..];
            }
        }
    }
}

/// Display width, non-printable characters counting nothing.
fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

fn pad_tabs(out: &mut Out, chcnt: &mut usize, endcol: usize) -> std::io::Result<()> {
    loop {
        let cnt = (*chcnt + 8) & !7;
        if cnt > endcol {
            return Ok(());
        }
        out.write_all(b"\t")?;
        *chcnt = cnt;
    }
}

fn fill_columns(ents: &[&str], maxlength: usize, termwidth: usize, out: &mut Out) -> std::io::Result<()> {
    let maxlength = (maxlength + 8) & !7;
    let numcols = (termwidth / maxlength).max(1);
    let numrows = (ents.len() + numcols - 1) / numcols;
    for row in 0..numrows {
        let mut endcol = maxlength;
        let mut chcnt = 0;
        let mut base = row;
        for _ in 0..numcols {
            out.write_all(ents[base].as_bytes())?;
            chcnt += width(ents[base]);
            base += numrows;
            if base >= ents.len() {
                break;
            }
            pad_tabs(out, &mut chcnt, endcol)?;
            endcol += maxlength;
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}

fn fill_rows(ents: &[&str], maxlength: usize, termwidth: usize, out: &mut Out) -> std::io::Result<()> {
    let maxlength = (maxlength + 8) & !7;
    let numcols = termwidth / maxlength;
    let mut endcol = maxlength;
    let mut chcnt = 0;
    let mut col = 0;
    for (i, e) in ents.iter().enumerate() {
        out.write_all(e.as_bytes())?;
        chcnt += width(e);
        if i + 1 == ents.len() {
            break;
        }
        col += 1;
        if col == numcols {
            chcnt = 0;
            col = 0;
            endcol = maxlength;
            out.write_all(b"\n")?;
        } else {
            pad_tabs(out, &mut chcnt, endcol)?;
            endcol += maxlength;
        }
    }
    if chcnt > 0 {
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Splits a line into cells the way util-linux does: runs of blanks by
/// default, every separator character with -s; the last cell allowed by -l is the rest of the line from
/// just after the separator that ended the cell before it.
fn split_cells(line: &str, ctl: &Ctl) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    let is_sep = |c: char| ctl.separators.contains(&c);
    let mut cells = Vec::new();
    let mut i = 0;
    loop {
        if ctl.maxncols > 0 && cells.len() + 1 == ctl.maxncols {
            if i < chars.len() {
                cells.push(chars[i..].iter().collect());
            }
            break;
        }
        if ctl.greedy {
            while i < chars.len() && is_sep(chars[i]) {
                i += 1;
            }
            if i >= chars.len() {
                break;
            }
        }
        let start = i;
        while i < chars.len() && !is_sep(chars[i]) {
            i += 1;
        }
        cells.push(chars[start..i].iter().collect());
        if i >= chars.len() {
            break;
        }
        i += 1;
    }
    cells
}

/// A column named by its 1-based number or (case-insensitively) its -N
/// name; None for a number past the last column.
fn find_column(spec: &str, ctl: &Ctl, ncols: usize) -> Result<Option<usize>> {
    if !spec.is_empty() && spec.bytes().all(|b| b.is_ascii_digit()) {
        let n: u64 = spec.parse().map_err(|_| fail(format!("failed to parse column: '{}'", spec)))?;
        return Ok(if n >= 1 && (n as usize) <= ncols { Some(n as usize - 1) } else { None });
    }
    if let Some(names) = &ctl.names {
        if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(spec)) {
            return Ok(if i < ncols { Some(i) } else { None });
        }
    }
    Err(fail(format!("undefined column name '{}'", spec)))
}

fn columns_in(list: &Option<String>, ctl: &Ctl, ncols: usize) -> Result<Vec<usize>> {
    let mut found = Vec::new();
    if let Some(list) = list {
        for spec in list.split(',').filter(|s| !s.is_empty()) {
            if let Some(c) = find_column(spec, ctl, ncols)? {
                found.push(c);
            }
        }
    }
    Ok(found)
}

/// Prints the table; false when there was nothing to print.
fn table(ctl: &Ctl, lines: &[Option<String>], out: &mut Out) -> Result<bool> {
    let mut cols: Vec<Column> = Vec::new();
    let new_col = |name: Option<String>| Column {
        name,
        right: false,
        trunc: false,
        hidden: false,
        noextremes: false,
        width: 0,
        width_min: 0,
        width_max: 0,
        width_avg: 0,
        extreme: false,
    };
    if let Some(names) = &ctl.names {
        for n in names {
            cols.push(new_col(Some(n.clone())));
        }
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let cells = match line {
            Some(l) => split_cells(l, ctl),
            None => Vec::new(),
        };
        if cells.len() > cols.len() {
            if ctl.json {
                let row_no = if cells.is_empty() { i + 1 } else { i + 2 };
                return Err(fail(format!(
                    "line {}: for JSON the name of the column {} is required",
                    row_no,
                    cols.len() + 1
                )));
            }
            while cols.len() < cells.len() {
                cols.push(new_col(None));
            }
        }
        rows.push(cells);
    }
    if rows.is_empty() {
        return Ok(false);
    }
    if cols.is_empty() {
        // libsmartcols refuses to print a table without columns.
        return Err(Error::Fatal(String::new()));
    }
    let ncols = cols.len();
    for c in columns_in(&ctl.right, ctl, ncols)? {
        cols[c].right = true;
    }
    for c in columns_in(&ctl.truncate, ctl, ncols)? {
        cols[c].trunc = true;
    }
    for c in columns_in(&ctl.noextreme, ctl, ncols)? {
        cols[c].noextremes = true;
    }
    for c in columns_in(&ctl.hide, ctl, ncols)? {
        cols[c].hidden = true;
    }
    if ctl.noextreme.is_none() {
        if let Some(last) = (0..ncols).rev().find(|&c| !cols[c].hidden) {
            cols[last].noextremes = true;
        }
    }
    // Display order: -O moves the listed columns to the front.
    let mut order: Vec<usize> = (0..ncols).collect();
    let mut placed = 0;
    for c in columns_in(&ctl.order, ctl, ncols)? {
        if let Some(pos) = order.iter().position(|&x| x == c) {
            if pos >= placed {
                order.remove(pos);
                order.insert(placed, c);
                placed += 1;
            }
        }
    }
    if ctl.json {
        print_json(ctl, &cols, &order, &rows, out)?;
        return Ok(true);
    }
    let visible: Vec<usize> = order.iter().copied().filter(|&c| !cols[c].hidden).collect();
    calculate(ctl, &mut cols, &visible, &rows);
    let sep = ctl.output_sep.as_str();
    if ctl.names.is_some() && !ctl.noheadings {
        let header: Vec<String> = cols.iter().map(|c| c.name.clone().unwrap_or_default()).collect();
        print_row(&cols, &visible, &header, true, sep, out)?;
    }
    for row in &rows {
        print_row(&cols, &visible, row, false, sep, out)?;
    }
    Ok(true)
}

fn cell<'a>(row: &'a [String], c: usize) -> &'a str {
    row.get(c).map(String::as_str).unwrap_or("")
}

/// libsmartcols' width counting for one column; `second` skips the
/// outsized cells of an extreme column.
fn count_width(col: &mut Column, c: usize, rows: &[Vec<String>], second: bool) {
    col.width = 0;
    let no_header = col.name.is_none();
    if col.width_min == 0 {
        col.width_min = col.name.as_deref().map_or(0, width).max(1);
    }
    let (mut sum, mut count) = (0usize, 0usize);
    for row in rows {
        let len = width(cell(row, c));
        col.width_max = col.width_max.max(len);
        if second && col.extreme && col.width_avg > 0 && len > col.width_avg * 2 {
            continue;
        } else if col.noextremes {
            sum += len;
            count += 1;
        }
        col.width = col.width.max(len);
    }
    if count > 0 && col.width_avg == 0 {
        col.width_avg = sum / count;
        if col.width_avg > 0 && col.width_max > col.width_avg * 2 {
            col.extreme = true;
        }
    }
    if col.width < col.width_min {
        col.width = col.width_min;
    }
    if col.width_max == 0 && no_header && col.width_min == 1 && col.width <= 1 {
        col.width = 0;
        col.width_min = 0;
    }
}

fn calculate(ctl: &Ctl, cols: &mut [Column], visible: &[usize], rows: &[Vec<String>]) {
    let sepw = width(&ctl.output_sep);
    let mut total = 0;
    let mut extremes = 0;
    for (i, &c) in visible.iter().enumerate() {
        count_width(&mut cols[c], c, rows, false);
        total += cols[c].width + if i + 1 == visible.len() { 0 } else { sepw };
        extremes += cols[c].extreme as usize;
    }
    let term = ctl.termwidth;
    if total > term && extremes > 0 {
        for &c in visible {
            if !cols[c].extreme {
                continue;
            }
            let before = cols[c].width;
            count_width(&mut cols[c], c, rows, true);
            if before > cols[c].width {
                total -= before - cols[c].width;
            } else {
                extremes -= 1;
            }
        }
    }
    if total < term && extremes > 0 {
        for &c in visible {
            if !cols[c].extreme {
                continue;
            }
            let mut add = term - total;
            if add > 0 && cols[c].width + add > cols[c].width_max {
                add = cols[c].width_max.saturating_sub(cols[c].width);
            }
            cols[c].width += add;
            total += add;
            if total == term {
                break;
            }
        }
    }
    // Narrow the -T columns, one cell each in turn, until the table fits.
    while total > term {
        let before = total;
        for &c in visible {
            if total <= term {
                break;
            }
            let col = &mut cols[c];
            if !col.trunc || col.width == col.width_min || col.width == 0 {
                continue;
            }
            col.width -= 1;
            total -= 1;
            if col.width == 0 {
                col.hidden = true;
            }
        }
        if total == before {
            break;
        }
    }
}

/// The longest prefix of `s` at most `w` columns wide, and its width.
fn truncate(s: &str, w: usize) -> (&str, usize) {
    let mut used = 0;
    for (i, ch) in s.char_indices() {
        let cw = ch.width().unwrap_or(0);
        if used + cw > w {
            return (&s[..i], used);
        }
        used += cw;
    }
    (s, used)
}

fn spaces(out: &mut Out, n: usize) -> std::io::Result<()> {
    for _ in 0..n {
        out.write_all(b" ")?;
    }
    Ok(())
}

fn print_row(
    cols: &[Column],
    visible: &[usize],
    row: &[String],
    header: bool,
    sep: &str,
    out: &mut Out,
) -> std::io::Result<()> {
    for (i, &c) in visible.iter().enumerate() {
        let is_last = i + 1 == visible.len();
        let mut data = if header { cols[c].name.as_deref().unwrap_or("") } else { cell(row, c) };
        let mut len = width(data);
        let mut w = cols[c].width;
        if len > w && cols[c].trunc {
            let (t, tw) = truncate(data, w);
            data = t;
            len = tw;
        }
        if is_last && len < w && !cols[c].right {
            w = len;
        }
        if !data.is_empty() {
            if cols[c].right && len < w {
                spaces(out, w - len)?;
                len = w;
            }
            out.write_all(data.as_bytes())?;
        }
        // The last column is never padded after its text.
        if is_last {
            break;
        }
        if len < w {
            spaces(out, w - len)?;
        }
        if len > w {
            // The rest of the row starts on the next line, under its column.
            out.write_all(b"\n")?;
            for &e in &visible[..=i] {
                spaces(out, cols[e].width)?;
                out.write_all(sep.as_bytes())?;
            }
        } else {
            out.write_all(sep.as_bytes())?;
        }
    }
    out.write_all(b"\n")
}

fn json_string(s: &str, lower: bool) -> String {
    let mut o = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' | '\\' => {
                o.push('\\');
                o.push(ch);
            }
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            '\u{8}' => o.push_str("\\b"),
            '\u{c}' => o.push_str("\\f"),
            '\r' => o.push_str("\\r"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u00{:02x}", c as u32)),
            c if lower && c.is_ascii() => o.push(c.to_ascii_lowercase()),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn print_json(ctl: &Ctl, cols: &[Column], order: &[usize], rows: &[Vec<String>], out: &mut Out) -> Result<()> {
    let name = ctl.tab_name.clone().unwrap_or_else(|| "table".into());
    writeln!(out, "{{\n   {}: [", json_string(&name, false))?;
    let visible: Vec<usize> = order.iter().copied().filter(|&c| !cols[c].hidden).collect();
    for (r, row) in rows.iter().enumerate() {
        out.write_all(if r == 0 { b"      {\n" } else { b"},{\n" })?;
        for (i, &c) in visible.iter().enumerate() {
            let key = json_string(cols[c].name.as_deref().unwrap_or(""), true);
            let value = cell(row, c);
            let value = if value.is_empty() { "null".to_string() } else { json_string(value, false) };
            let comma = if i + 1 < visible.len() { "," } else { "" };
            writeln!(out, "         {}: {}{}", key, value, comma)?;
        }
        out.write_all(b"      ")?;
    }
    out.write_all(b"}\n   ]\n}\n")?;
    Ok(())
}
