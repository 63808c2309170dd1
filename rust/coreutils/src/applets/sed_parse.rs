//! `sed`'s script compiler, following GNU sed 4.9's reading of a script
//! character by character (its `inchar`/`savchar`), because its error
//! messages give the position where it stopped ("-e expression #1, char
//! 3: ..."), and because a script may be split across several `-e` and
//! `-f` chunks that continue each other (`sed -e 'a\' -e text`, a `{` in
//! one chunk closed in another). Part of the `sed` applet family.

use std::rc::Rc;

use super::sed_script::{
    build_translit, compile_regex, normalize_text, parse_replacement, version_cmp, Addr, Cmd, InputFile,
    InputSpec, Kind, OutputSpec, Posix, Program, RegexFailure, SedError, SedRegex, Subst, TextKind,
};

pub const APPLETS: &[wsutil::Applet] = &[];

/// The version `v` compares against.
const SED_VERSION: &[u8] = b"4.9";

/// Where a chunk of the script came from, for messages.
#[derive(Clone)]
struct Loc {
    /// The `-f` file's name; None for `-e` text.
    file: Option<Vec<u8>>,
    line: u64,
    expr: u32,
}

/// An `a`, `i`, `c` or `e` text still being read (it may go on in the
/// next chunk).
struct Pending {
    cmd: usize,
    text: Vec<u8>,
}

pub struct Compiler {
    prog: Program,
    /// `-E`, `--sandbox`: they apply to what is compiled after them.
    pub extended: bool,
    pub sandbox: bool,
    pub posix: Posix,
    text: Vec<u8>,
    cur: usize,
    loc: Loc,
    expr_count: u32,
    first_script: bool,
    blocks: Vec<(usize, Loc)>,
    labels: Vec<(Vec<u8>, usize)>,
    jumps: Vec<(usize, Vec<u8>)>,
    pending: Option<Pending>,
    /// Names of the `w` files (indexes into `prog.outputs`) and the special
    /// outputs, shared by every command naming them.
    wfiles: Vec<(Vec<u8>, usize)>,
    special_out: [Option<usize>; 2],
}

fn is_blank(c: Option<u8>) -> bool {
    matches!(c, Some(b' ') | Some(b'\t'))
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn is_digit(c: Option<u8>) -> bool {
    c.map_or(false, |c| c.is_ascii_digit())
}

/// Opens a path given as bytes.
pub fn path(name: &[u8]) -> &std::path::Path {
    #[cfg(target_os = "wasi")]
    use std::os::wasi::ffi::OsStrExt;
    #[cfg(unix)]
    use std::os::unix::ffi::OsStrExt;
    std::path::Path::new(std::ffi::OsStr::from_bytes(name))
}

impl Compiler {
    pub fn new(posix: Posix) -> Self {
        Compiler {
            prog: Program { cmds: Vec::new(), outputs: Vec::new(), inputs: Vec::new(), quiet: false, runtime_loc: Vec::new() },
            extended: false,
            sandbox: false,
            posix,
            text: Vec::new(),
            cur: 0,
            loc: Loc { file: None, line: 0, expr: 0 },
            expr_count: 0,
            first_script: true,
            blocks: Vec::new(),
            labels: Vec::new(),
            jumps: Vec::new(),
            pending: None,
            wfiles: Vec::new(),
            special_out: [None, None],
        }
    }

    /// Compiles an `-e` expression (or the script operand).
    pub fn compile_string(&mut self, text: Vec<u8>) -> Result<(), SedError> {
        self.expr_count += 1;
        self.text = text;
        self.cur = 0;
        self.loc = Loc { file: None, line: 0, expr: self.expr_count };
        self.compile_program(true)?;
        self.first_script = false;
        Ok(())
    }

    /// Compiles the contents of an `-f` file. `magic_ok`: `#n` may count
    /// (GNU checks the file position, which a pipe does not have).
    pub fn compile_file(&mut self, name: &[u8], text: Vec<u8>, magic_ok: bool) -> Result<(), SedError> {
        self.text = text;
        self.cur = 0;
        self.loc = Loc { file: Some(name.to_vec()), line: 1, expr: 0 };
        self.compile_program(magic_ok)?;
        self.first_script = false;
        Ok(())
    }

    fn location(&self, loc: &Loc, pos: usize) -> Vec<u8> {
        match &loc.file {
            Some(name) => {
                let mut v = b"file ".to_vec();
                v.extend_from_slice(name);
                v.extend_from_slice(format!(" line {}: ", loc.line).as_bytes());
                v
            }
            None => format!("-e expression #{}, char {}: ", loc.expr, pos).into_bytes(),
        }
    }

    /// GNU's `bad_prog`: the message with where the compiler is.
    fn bad(&self, msg: impl AsRef<[u8]>) -> SedError {
        let mut v = self.location(&self.loc, self.cur);
        v.extend_from_slice(msg.as_ref());
        SedError::bad(v)
    }

    fn inchar(&mut self) -> Option<u8> {
        let c = *self.text.get(self.cur)?;
        self.cur += 1;
        if c == b'\n' {
            self.loc.line += 1;
        }
        Some(c)
    }

    fn savchar(&mut self, c: Option<u8>) {
        if let Some(c) = c {
            if c == b'\n' && self.loc.line > 0 {
                self.loc.line -= 1;
            }
            self.cur -= 1;
        }
    }

    fn in_nonblank(&mut self) -> Option<u8> {
        loop {
            let c = self.inchar();
            if !is_blank(c) {
                return c;
            }
        }
    }

    /// Digits from `first` on; the character after them is put back.
    fn in_integer(&mut self, first: Option<u8>) -> u64 {
        let mut n: u64 = 0;
        let mut c = first;
        while let Some(d) = c.filter(|d| d.is_ascii_digit()) {
            n = n.saturating_mul(10).saturating_add((d - b'0') as u64);
            c = self.inchar();
        }
        self.savchar(c);
        n
    }

    /// After a command: only blanks, then `;`, a newline, the end, `}` or
    /// `#` may follow.
    fn read_end_of_cmd(&mut self) -> Result<(), SedError> {
        let c = self.in_nonblank();
        match c {
            Some(b'}') | Some(b'#') => self.savchar(c),
            None | Some(b'\n') | Some(b';') => {}
            Some(_) => return Err(self.bad("extra characters after command")),
        }
        Ok(())
    }

    /// A label for `:`, `b`, `t`, `T` (and `v`'s version): up to a blank,
    /// `;`, `}`, `#` or the end of the line.
    fn read_label(&mut self) -> Vec<u8> {
        let mut v = Vec::new();
        let mut c = self.in_nonblank();
        while let Some(x) = c {
            if x == b'\n' || x == b' ' || x == b'\t' || x == b';' || x == b'}' || x == b'#' {
                break;
            }
            v.push(x);
            c = self.inchar();
        }
        self.savchar(c);
        v
    }

    /// The file name of `r`, `R`, `w`, `W` and `s///w`: the rest of the line.
    fn read_filename(&mut self) -> Result<Vec<u8>, SedError> {
        if self.sandbox {
            return Err(self.bad("e/r/w commands disabled in sandbox mode"));
        }
        let mut v = Vec::new();
        let mut c = self.in_nonblank();
        while let Some(x) = c {
            if x == b'\n' {
                break;
            }
            v.push(x);
            c = self.inchar();
        }
        Ok(v)
    }

    /// An output for `w`: the same file for the same name, opened (and
    /// emptied) now, as GNU does.
    fn open_output(&mut self) -> Result<usize, SedError> {
        let name = self.read_filename()?;
        if name.is_empty() {
            return Err(self.bad("missing filename in r/R/w/W commands"));
        }
        if let Some((_, i)) = self.wfiles.iter().find(|(n, _)| *n == name) {
            return Ok(*i);
        }
        if self.posix == Posix::Extended {
            let special = match name.as_slice() {
                b"/dev/stdout" => Some(0),
                b"/dev/stderr" => Some(1),
                _ => None,
            };
            if let Some(k) = special {
                if let Some(i) = self.special_out[k] {
                    return Ok(i);
                }
                let i = self.prog.outputs.len();
                self.prog.outputs.push(if k == 0 { OutputSpec::Stdout } else { OutputSpec::Stderr });
                self.special_out[k] = Some(i);
                return Ok(i);
            }
        }
        let file = std::fs::File::create(path(&name)).map_err(|e| {
            let mut m = b"couldn't open file ".to_vec();
            m.extend_from_slice(&name);
            m.extend_from_slice(format!(": {}", wsutil::strerror(&e)).as_bytes());
            SedError::panic(m)
        })?;
        let i = self.prog.outputs.len();
        self.prog.outputs.push(OutputSpec::File { name: name.clone(), file });
        self.wfiles.push((name, i));
        Ok(i)
    }

    /// An input for `R`: opened now; one that cannot be opened reads as
    /// empty.
    fn open_input(&mut self) -> Result<usize, SedError> {
        let name = self.read_filename()?;
        if name.is_empty() {
            return Err(self.bad("missing filename in r/R/w/W commands"));
        }
        if let Some(i) = self.prog.inputs.iter().position(|s| s.name == name) {
            return Ok(i);
        }
        let file = if name == b"/dev/stdin" && self.posix == Posix::Extended {
            Some(InputFile::Stdin)
        } else {
            std::fs::File::open(path(&name)).ok().map(InputFile::File)
        };
        self.prog.inputs.push(InputSpec { name, file });
        Ok(self.prog.inputs.len() - 1)
    }

    /// GNU's `snarf_char_class`: copies a bracket expression of a regex up
    /// to its `]` (returned), or to a newline or the end.
    fn snarf_char_class(&mut self, b: &mut Vec<u8>) -> Option<u8> {
        let mut state = 0;
        let mut delim = 0u8;
        let mut c = self.inchar();
        if c == Some(b'^') {
            b.push(b'^');
            c = self.inchar();
        }
        if c == Some(b']') {
            b.push(b']');
            c = self.inchar();
        }
        loop {
            let x = match c {
                None | Some(b'\n') => return c,
                Some(x) => x,
            };
            let mut reset = true;
            match x {
                b'.' | b':' | b'=' => {
                    if state == 1 {
                        delim = x;
                        state = 2;
                        reset = false;
                    } else if state == 2 && x == delim {
                        state = 3;
                        reset = false;
                    }
                }
                b'[' => {
                    if state == 0 {
                        state = 1;
                    }
                    reset = false;
                }
                b']' => {
                    if state == 0 || state == 1 {
                        return c;
                    } else if state == 3 {
                        state = 0;
                    }
                }
                _ => {}
            }
            if reset {
                state &= !1;
            }
            b.push(x);
            c = self.inchar();
        }
    }

    /// GNU's `match_slash`: the text up to the delimiter `slash`, with
    /// `\slash` unescaped (and, in a regex, brackets copied whole). None
    /// when the line or the chunk ends first.
    fn match_slash(&mut self, slash: Option<u8>, regex: bool) -> Result<Option<Vec<u8>>, SedError> {
        if slash.map_or(false, |s| s >= 0x80) {
            return Err(self.bad("delimiter character is not a single-byte character"));
        }
        let mut b = Vec::new();
        let mut c = self.inchar();
        while let Some(x) = c {
            if x == b'\n' {
                break;
            }
            let mut ch = x;
            if Some(x) == slash {
                return Ok(Some(b));
            } else if x == b'\\' {
                c = self.inchar();
                match c {
                    None => break,
                    Some(y) => {
                        if y != b'\n' && (Some(y) != slash || (!regex && y == b'&')) {
                            b.push(b'\\');
                        }
                        ch = y;
                    }
                }
            } else if x == b'[' && regex {
                b.push(b'[');
                c = self.snarf_char_class(&mut b);
                if c != Some(b']') {
                    break;
                }
                ch = b']';
            }
            b.push(ch);
            c = self.inchar();
        }
        if c == Some(b'\n') {
            self.savchar(c);
        }
        Ok(None)
    }

    /// Compiles a regex; None for the empty regex (the last one used).
    fn compile_regex(
        &self,
        b: &[u8],
        icase: bool,
        multiline: bool,
        needed_sub: usize,
    ) -> Result<Option<Rc<SedRegex>>, SedError> {
        if b.is_empty() {
            if icase || multiline {
                return Err(self.bad("cannot specify modifiers on empty regexp"));
            }
            return Ok(None);
        }
        let pattern = normalize_text(b, TextKind::Regex, self.posix).map_err(|e| self.bad(e.msg))?;
        let re = compile_regex(&pattern, self.extended, icase, multiline).map_err(|f| match f {
            RegexFailure::Bad(m) => self.bad(m),
            RegexFailure::Dfa(m) => SedError::panic(m),
        })?;
        if needed_sub > 0 && re.re.groups() < needed_sub - 1 && self.posix == Posix::Extended {
            return Err(self.bad(format!("invalid reference \\{} on `s' command's RHS", needed_sub - 1)));
        }
        Ok(Some(Rc::new(re)))
    }

    /// GNU's `compile_address`: None (nothing read) when `c` starts none.
    fn compile_address(&mut self, c: Option<u8>) -> Result<Option<Addr>, SedError> {
        match c {
            Some(b'/') | Some(b'\\') => {
                let slash = if c == Some(b'\\') { self.inchar() } else { c };
                let b = match self.match_slash(slash, true)? {
                    Some(b) => b,
                    None => return Err(self.bad("unterminated address regex")),
                };
                let (mut icase, mut multiline) = (false, false);
                loop {
                    let f = self.in_nonblank();
                    match f {
                        Some(b'I') => icase = true,
                        Some(b'M') => multiline = true,
                        _ => {
                            self.savchar(f);
                            return Ok(Some(Addr::Regex(self.compile_regex(&b, icase, multiline, 0)?)));
                        }
                    }
                }
            }
            Some(d) if d.is_ascii_digit() => {
                let n = self.in_integer(c);
                let t = self.in_nonblank();
                if t != Some(b'~') {
                    self.savchar(t);
                    return Ok(Some(Addr::Num(n)));
                }
                let first = self.in_nonblank();
                let step = self.in_integer(first);
                Ok(Some(if step > 0 { Addr::NumMod(n, step) } else { Addr::Num(n) }))
            }
            Some(b'+') | Some(b'~') => {
                let first = self.in_nonblank();
                let step = self.in_integer(first);
                Ok(Some(if step == 0 {
                    Addr::Null
                } else if c == Some(b'+') {
                    Addr::Step(step)
                } else {
                    Addr::StepMod(step)
                }))
            }
            Some(b'$') => Ok(Some(Addr::Last)),
            _ => Ok(None),
        }
    }

    /// GNU's `read_text`: the text of `a`, `i`, `c` (or `e`), to the first
    /// unescaped newline. With `start`, a new text for that command begins;
    /// `leadin` None means the chunk ended right after `a\`. Returns the
    /// finished text, or None when it goes on in the next chunk.
    fn read_text(&mut self, start: Option<usize>, leadin: Option<u8>) -> Result<Option<Vec<u8>>, SedError> {
        if let Some(cmd) = start {
            self.pending = Some(Pending { cmd, text: Vec::new() });
        }
        let leadin = match leadin {
            None => return Ok(None),
            Some(l) => l,
        };
        let (cmd, mut text) = match self.pending.take() {
            Some(p) => (p.cmd, p.text),
            None => return Ok(None),
        };
        if leadin != b'\n' {
            text.push(leadin);
        }
        let mut c = self.inchar();
        while let Some(mut x) = c {
            if x == b'\n' {
                break;
            }
            if x == b'\\' {
                c = self.inchar();
                match c {
                    Some(y) => {
                        text.push(b'\\');
                        x = y;
                    }
                    None => {
                        // The text goes on in the next chunk.
                        text.push(b'\n');
                        self.pending = Some(Pending { cmd, text });
                        return Ok(None);
                    }
                }
            }
            text.push(x);
            c = self.inchar();
        }
        text.push(b'\n');
        let body = normalize_text(&text, TextKind::Buffer, self.posix).map_err(|e| self.bad(e.msg))?;
        Ok(Some(body))
    }

    fn set_text(&mut self, cmd: usize, body: Option<Vec<u8>>) {
        if let Some(c) = self.prog.cmds.get_mut(cmd) {
            set_kind_text(&mut c.kind, body);
        }
    }

    /// GNU's `compile_program` over the current chunk.
    fn compile_program(&mut self, magic_ok: bool) -> Result<(), SedError> {
        if let Some(cmd) = self.pending.as_ref().map(|p| p.cmd) {
            if let Some(body) = self.read_text(None, Some(b'\n'))? {
                self.set_text(cmd, Some(body));
            }
        }
        loop {
            let mut c = self.inchar();
            while c == Some(b';') || c.map_or(false, is_space) {
                c = self.inchar();
            }
            if c.is_none() {
                break;
            }
            let mut cmd = Cmd::new(Kind::Label);
            if let Some(a) = self.compile_address(c)? {
                if matches!(a, Addr::Step(_) | Addr::StepMod(_)) {
                    return Err(self.bad("invalid usage of +N or ~N as first address"));
                }
                cmd.a1 = Some(a);
                c = self.in_nonblank();
                if c == Some(b',') {
                    let next = self.in_nonblank();
                    match self.compile_address(next)? {
                        Some(a2) => cmd.a2 = Some(a2),
                        None => return Err(self.bad("unexpected `,'")),
                    }
                    c = self.in_nonblank();
                }
                if matches!(cmd.a1, Some(Addr::Num(0)))
                    && ((cmd.a2.is_none() && c != Some(b'r'))
                        || (cmd.a2.is_some() && !matches!(cmd.a2, Some(Addr::Regex(_)))))
                {
                    return Err(self.bad("invalid usage of line address 0"));
                }
            }
            if c == Some(b'!') {
                cmd.bang = true;
                c = self.in_nonblank();
                if c == Some(b'!') {
                    return Err(self.bad("multiple `!'s"));
                }
            }
            if !self.compile_command(&mut cmd, c, magic_ok)? {
                continue;
            }
            cmd.reset_range();
            self.prog.cmds.push(cmd);
        }
        Ok(())
    }

    /// Reads one command's letter and arguments into `cmd`; false for the
    /// ones that leave nothing to run (`#`, `v`).
    fn compile_command(&mut self, cmd: &mut Cmd, c: Option<u8>, magic_ok: bool) -> Result<bool, SedError> {
        let index = self.prog.cmds.len();
        let letter = match c {
            None => return Err(self.bad("missing command")),
            Some(l) => l,
        };
        cmd.kind = match letter {
            b'#' => {
                if cmd.a1.is_some() {
                    return Err(self.bad("comments don't accept any addresses"));
                }
                let mut c = self.inchar();
                if c == Some(b'n') && self.first_script && self.loc.line < 2 && self.cur == 2 && magic_ok {
                    self.prog.quiet = true;
                }
                while c.is_some() && c != Some(b'\n') {
                    c = self.inchar();
                }
                return Ok(false);
            }
            b'v' => {
                let version = self.read_label();
                let wanted: &[u8] = if version.is_empty() { b"4.0" } else { &version };
                if version_cmp(wanted, SED_VERSION) == std::cmp::Ordering::Greater {
                    return Err(self.bad("expected newer version of sed"));
                }
                self.posix = Posix::Extended;
                return Ok(false);
            }
            b'{' => {
                self.blocks.push((index, self.loc.clone()));
                cmd.bang = !cmd.bang;
                Kind::Block(0)
            }
            b'}' => {
                let open = match self.blocks.pop() {
                    Some((open, _)) => open,
                    None => return Err(self.bad("unexpected `}'")),
                };
                if cmd.a1.is_some() {
                    return Err(self.bad("`}' doesn't want any addresses"));
                }
                self.read_end_of_cmd()?;
                self.prog.cmds[open].kind = Kind::Block(index);
                Kind::BlockEnd
            }
            b'e' => {
                if self.sandbox {
                    return Err(self.bad("e/r/w commands disabled in sandbox mode"));
                }
                let c = self.in_nonblank();
                if c.is_none() || c == Some(b'\n') {
                    Kind::Exec(None)
                } else {
                    self.text_command(cmd, index, Kind::Exec(None), c)?;
                    return Ok(true);
                }
            }
            b'a' | b'i' | b'c' => {
                let c = self.in_nonblank();
                let kind = match letter {
                    b'a' => Kind::Append(None),
                    b'i' => Kind::Insert(None),
                    _ => Kind::Change(None),
                };
                self.text_command(cmd, index, kind, c)?;
                return Ok(true);
            }
            b':' => {
                if cmd.a1.is_some() {
                    return Err(self.bad(": doesn't want any addresses"));
                }
                let label = self.read_label();
                if label.is_empty() {
                    return Err(self.bad("\":\" lacks a label"));
                }
                self.labels.push((label, index));
                Kind::Label
            }
            b'T' | b'b' | b't' => {
                let label = self.read_label();
                self.jumps.push((index, label));
                match letter {
                    b'b' => Kind::Branch(0),
                    b't' => Kind::BranchIfSub(0),
                    _ => Kind::BranchUnlessSub(0),
                }
            }
            b'Q' | b'q' | b'l' => {
                if letter != b'l' && cmd.a2.is_some() {
                    return Err(self.bad("command only uses one address"));
                }
                let c = self.in_nonblank();
                let arg = if is_digit(c) {
                    Some(self.in_integer(c))
                } else {
                    self.savchar(c);
                    None
                };
                self.read_end_of_cmd()?;
                match letter {
                    b'q' => Kind::Quit(arg.unwrap_or(0)),
                    b'Q' => Kind::QuitSilent(arg.unwrap_or(0)),
                    _ => Kind::List(arg),
                }
            }
            b'=' | b'd' | b'D' | b'F' | b'g' | b'G' | b'h' | b'H' | b'n' | b'N' | b'p' | b'P' | b'z' | b'x' => {
                self.read_end_of_cmd()?;
                match letter {
                    b'=' => Kind::LineNumber,
                    b'd' => Kind::Delete,
                    b'D' => Kind::DeleteFirst,
                    b'F' => Kind::FileName,
                    b'g' => Kind::Get,
                    b'G' => Kind::GetAppend,
                    b'h' => Kind::Hold,
                    b'H' => Kind::HoldAppend,
                    b'n' => Kind::Next,
                    b'N' => Kind::NextAppend,
                    b'p' => Kind::Print,
                    b'P' => Kind::PrintFirst,
                    b'z' => Kind::Zap,
                    _ => Kind::Exchange,
                }
            }
            b'r' => {
                let name = self.read_filename()?;
                if name.is_empty() {
                    return Err(self.bad("missing filename in r/R/w/W commands"));
                }
                let prepend = matches!(cmd.a1, Some(Addr::Num(0))) && cmd.a2.is_none();
                if prepend {
                    cmd.a1 = Some(Addr::Num(1));
                }
                Kind::ReadFile { name, prepend }
            }
            b'R' => Kind::ReadLine(self.open_input()?),
            b'W' | b'w' => {
                let out = self.open_output()?;
                if letter == b'w' {
                    Kind::Write(out)
                } else {
                    Kind::WriteFirst(out)
                }
            }
            b's' => Kind::Subst(Rc::new(self.compile_subst()?)),
            b'y' => Kind::Translate(Rc::new(self.compile_translit()?)),
            other => return Err(self.bad(format_unknown(other))),
        };
        Ok(true)
    }

    /// `a`, `i`, `c`, `e CMD`: the one-line GNU form or the `a\` form.
    fn text_command(&mut self, cmd: &mut Cmd, index: usize, kind: Kind, c: Option<u8>) -> Result<(), SedError> {
        let c = match c {
            None => return Err(self.bad("expected \\ after `a', `c' or `i'")),
            Some(b'\\') => self.inchar(),
            Some(x) => {
                self.savchar(Some(x));
                Some(b'\n')
            }
        };
        cmd.kind = kind;
        let body = self.read_text(Some(index), c)?;
        set_kind_text(&mut cmd.kind, body);
        Ok(())
    }

    fn compile_subst(&mut self) -> Result<Subst, SedError> {
        let slash = self.inchar();
        let pattern = match self.match_slash(slash, true)? {
            Some(b) => b,
            None => return Err(self.bad("unterminated `s' command")),
        };
        let repl = match self.match_slash(slash, false)? {
            Some(b) => b,
            None => return Err(self.bad("unterminated `s' command")),
        };
        let repl = normalize_text(&repl, TextKind::Replacement, self.posix).map_err(|e| self.bad(e.msg))?;
        let (pieces, max_id) = parse_replacement(&repl);
        let mut sub = Subst {
            regex: None,
            pieces,
            max_id,
            global: false,
            print: 0,
            eval: false,
            numb: 0,
            outf: None,
        };
        let (mut icase, mut multiline) = (false, false);
        loop {
            let c = self.in_nonblank();
            match c {
                Some(b'i') | Some(b'I') => icase = true,
                Some(b'm') | Some(b'M') => multiline = true,
                Some(b'e') => sub.eval = true,
                Some(b'p') => {
                    if sub.print != 0 {
                        return Err(self.bad("multiple `p' options to `s' command"));
                    }
                    sub.print |= 1 << (sub.eval as u8);
                }
                Some(b'g') => {
                    if sub.global {
                        return Err(self.bad("multiple `g' options to `s' command"));
                    }
                    sub.global = true;
                }
                Some(b'w') => {
                    sub.outf = Some(self.open_output()?);
                    break;
                }
                Some(d) if d.is_ascii_digit() => {
                    if sub.numb != 0 {
                        return Err(self.bad("multiple number options to `s' command"));
                    }
                    sub.numb = self.in_integer(c);
                    if sub.numb == 0 {
                        return Err(self.bad("number option to `s' command may not be zero"));
                    }
                }
                Some(b'}') | Some(b'#') => {
                    self.savchar(c);
                    break;
                }
                None | Some(b'\n') | Some(b';') => break,
                Some(b'\r') => {
                    if self.inchar() == Some(b'\n') {
                        break;
                    }
                    return Err(self.bad("unknown option to `s'"));
                }
                Some(_) => return Err(self.bad("unknown option to `s'")),
            }
        }
        sub.regex = self.compile_regex(&pattern, icase, multiline, sub.max_id + 1)?;
        if sub.eval && self.sandbox {
            return Err(self.bad("e/r/w commands disabled in sandbox mode"));
        }
        Ok(sub)
    }

    fn compile_translit(&mut self) -> Result<super::sed_script::Translit, SedError> {
        let slash = self.inchar();
        let src = match self.match_slash(slash, false)? {
            Some(b) => b,
            None => return Err(self.bad("unterminated `y' command")),
        };
        let src = normalize_text(&src, TextKind::Buffer, self.posix).map_err(|e| self.bad(e.msg))?;
        let dst = match self.match_slash(slash, false)? {
            Some(b) => b,
            None => return Err(self.bad("unterminated `y' command")),
        };
        let dst = normalize_text(&dst, TextKind::Buffer, self.posix).map_err(|e| self.bad(e.msg))?;
        let table =
            build_translit(&src, &dst).map_err(|_| self.bad("strings for `y' command are different lengths"))?;
        self.read_end_of_cmd()?;
        Ok(table)
    }

    /// GNU's `check_final_program`: blocks closed, a text left open at the
    /// end taken as it is, jumps resolved.
    pub fn finish(mut self) -> Result<Program, SedError> {
        if let Some((_, loc)) = self.blocks.last() {
            let mut v = self.location(loc, 0);
            v.extend_from_slice(b"unmatched `{'");
            return Err(SedError::bad(v));
        }
        if let Some(p) = self.pending.take() {
            let body = if p.text.is_empty() { None } else { Some(p.text) };
            self.set_text(p.cmd, body);
        }
        let end = self.prog.cmds.len();
        for (at, name) in self.jumps.iter().rev() {
            let target = if name.is_empty() {
                end
            } else {
                match self.labels.iter().rev().find(|(l, _)| l == name) {
                    Some((_, i)) => *i,
                    None => {
                        let mut m = b"can't find label for jump to `".to_vec();
                        m.extend_from_slice(name);
                        m.push(b'\'');
                        return Err(SedError::panic(m));
                    }
                }
            };
            match &mut self.prog.cmds[*at].kind {
                Kind::Branch(t) | Kind::BranchIfSub(t) | Kind::BranchUnlessSub(t) => *t = target,
                _ => {}
            }
        }
        self.prog.runtime_loc = self.location(&self.loc, 0);
        Ok(self.prog)
    }
}

fn set_kind_text(kind: &mut Kind, body: Option<Vec<u8>>) {
    match kind {
        Kind::Append(t) | Kind::Insert(t) | Kind::Change(t) | Kind::Exec(t) => *t = body,
        _ => {}
    }
}

fn format_unknown(c: u8) -> Vec<u8> {
    let mut v = b"unknown command: `".to_vec();
    v.push(c);
    v.push(b'\'');
    v
}
