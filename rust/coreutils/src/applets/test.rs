//! `test` and `[`: evaluate a conditional expression (GNU coreutils).
//!
//! POSIX fixes the meaning of one to four arguments whatever they look
//! like (`test -n` is true: one non-empty argument); longer expressions go
//! through the full grammar: `-o` binds looser than `-a`, `!` negates,
//! parentheses group. Every term is evaluated (no short cut), so a syntax
//! error anywhere is reported. Status: 0 true, 1 false, 2 error.

use wsutil::pathstat::{self, can_access, PathStat};
use wsutil::quote_locale;

pub const APPLETS: &[wsutil::Applet] = &[("test", test_main), ("[", bracket_main)];

const USAGE: &str = "Usage: test EXPRESSION
  or:  test
  or:  [ EXPRESSION ]
  or:  [ ]
  or:  [ OPTION
Exit with the status determined by EXPRESSION.

      --help     display this help and exit
      --version  output version information and exit

An omitted EXPRESSION defaults to false.  Otherwise,
EXPRESSION is true or false and sets exit status.  It is one of:

  ( EXPRESSION )               EXPRESSION is true
  ! EXPRESSION                 EXPRESSION is false
  EXPRESSION1 -a EXPRESSION2   both EXPRESSION1 and EXPRESSION2 are true
  EXPRESSION1 -o EXPRESSION2   either EXPRESSION1 or EXPRESSION2 is true

  -n STRING            the length of STRING is nonzero
  STRING               equivalent to -n STRING
  -z STRING            the length of STRING is zero
  STRING1 = STRING2    the strings are equal
  STRING1 != STRING2   the strings are not equal

  INTEGER1 -eq INTEGER2   INTEGER1 is equal to INTEGER2
  INTEGER1 -ge INTEGER2   INTEGER1 is greater than or equal to INTEGER2
  INTEGER1 -gt INTEGER2   INTEGER1 is greater than INTEGER2
  INTEGER1 -le INTEGER2   INTEGER1 is less than or equal to INTEGER2
  INTEGER1 -lt INTEGER2   INTEGER1 is less than INTEGER2
  INTEGER1 -ne INTEGER2   INTEGER1 is not equal to INTEGER2

  FILE1 -ef FILE2   FILE1 and FILE2 have the same device and inode numbers
  FILE1 -nt FILE2   FILE1 is newer (modification date) than FILE2
  FILE1 -ot FILE2   FILE1 is older than FILE2

  -b FILE     FILE exists and is block special
  -c FILE     FILE exists and is character special
  -d FILE     FILE exists and is a directory
  -e FILE     FILE exists
  -f FILE     FILE exists and is a regular file
  -g FILE     FILE exists and is set-group-ID
  -G FILE     FILE exists and is owned by the effective group ID
  -h FILE     FILE exists and is a symbolic link (same as -L)
  -k FILE     FILE exists and has its sticky bit set
  -L FILE     FILE exists and is a symbolic link (same as -h)
  -N FILE     FILE exists and has been modified since it was last read
  -O FILE     FILE exists and is owned by the effective user ID
  -p FILE     FILE exists and is a named pipe
  -r FILE     FILE exists and the user has read access
  -s FILE     FILE exists and has a size greater than zero
  -S FILE     FILE exists and is a socket
  -t FD       file descriptor FD is opened on a terminal
  -u FILE     FILE exists and its set-user-ID bit is set
  -w FILE     FILE exists and the user has write access
  -x FILE     FILE exists and the user has execute (or search) access

Except for -h and -L, all FILE-related tests dereference symbolic links.
Beware that parentheses need to be escaped (e.g., by backslashes) for shells.
INTEGER may also be -l STRING, which evaluates to the length of STRING.
";

/// A syntax error: its message; the status is 2.
struct Syntax(String);

type Eval<T> = Result<T, Syntax>;

pub fn test_main(argv: &[String]) -> i32 {
    run(argv)
}

pub fn bracket_main(argv: &[String]) -> i32 {
    if argv.len() == 1 {
        if argv[0] == "--help" {
            print!("{}", USAGE);
            return 0;
        }
        if argv[0] == "--version" {
            println!("[ (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
            return 0;
        }
    }
    match argv.last() {
        Some(last) if last == "]" => run(&argv[..argv.len() - 1]),
        _ => {
            wsutil::show_error(&format!("missing {}", quote_locale("]")));
            2
        }
    }
}

fn run(argv: &[String]) -> i32 {
    if argv.is_empty() {
        return 1;
    }
    let mut p = Parser { args: argv, pos: 0 };
    let result = p.posix(argv.len()).and_then(|v| {
        if p.pos != argv.len() {
            Err(Syntax(format!("extra argument {}", quote_locale(&argv[p.pos]))))
        } else {
            Ok(v)
        }
    });
    match result {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(Syntax(msg)) => {
            wsutil::show_error(&msg);
            2
        }
    }
}

struct Parser<'a> {
    args: &'a [String],
    pos: usize,
}

fn is_binop(s: &str) -> bool {
    matches!(s, "=" | "!=" | "==" | "-nt" | "-ot" | "-ef" | "-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge")
}

/// `-X` with X a unary operator letter GNU knows.
fn is_unop(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 2 && b[0] == b'-' && b"abcdefghknoprstuwxzGLOSN".contains(&b[1])
}

/// `-X` for any single character X.
fn looks_like_option(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 2 && b[0] == b'-'
}

impl<'a> Parser<'a> {
    fn arg(&self, i: usize) -> &'a str {
        &self.args[i]
    }

    /// `missing argument after 'LAST'`.
    fn beyond(&self) -> Syntax {
        let last = self.args.last().map(String::as_str).unwrap_or("");
        Syntax(format!("missing argument after {}", quote_locale(last)))
    }

    /// Moves on; with `must_exist`, running off the end is an error.
    fn advance(&mut self, must_exist: bool) -> Eval<()> {
        self.pos += 1;
        if must_exist && self.pos >= self.args.len() {
            return Err(self.beyond());
        }
        Ok(())
    }

    /// POSIX's rules for `n` arguments starting at `pos`.
    fn posix(&mut self, n: usize) -> Eval<bool> {
        match n {
            1 => Ok(self.one()),
            2 => self.two(),
            3 => self.three(),
            4 => {
                if self.arg(self.pos) == "!" {
                    self.advance(true)?;
                    return Ok(!self.three()?);
                }
                if self.arg(self.pos) == "(" && self.arg(self.pos + 3) == ")" {
                    self.advance(false)?;
                    let v = self.two()?;
                    self.advance(false)?;
                    return Ok(v);
                }
                self.expr()
            }
            _ => self.expr(),
        }
    }

    fn one(&mut self) -> bool {
        let v = !self.arg(self.pos).is_empty();
        self.pos += 1;
        v
    }

    fn two(&mut self) -> Eval<bool> {
        let a = self.arg(self.pos);
        if a == "!" {
            self.advance(false)?;
            return Ok(!self.one());
        }
        if looks_like_option(a) {
            if is_unop(a) {
                return self.unary();
            }
            return Err(Syntax(format!("{}: unary operator expected", quote_locale(a))));
        }
        Err(self.beyond())
    }

    fn three(&mut self) -> Eval<bool> {
        let (a, b, c) = (self.arg(self.pos), self.arg(self.pos + 1), self.arg(self.pos + 2));
        if is_binop(b) {
            return self.binary(false);
        }
        if a == "!" {
            self.advance(true)?;
            return Ok(!self.two()?);
        }
        if a == "(" && c == ")" {
            self.advance(false)?;
            let v = self.one();
            self.advance(false)?;
            return Ok(v);
        }
        if b == "-a" || b == "-o" {
            return self.expr();
        }
        Err(Syntax(format!("{}: binary operator expected", quote_locale(b))))
    }

    fn expr(&mut self) -> Eval<bool> {
        if self.pos >= self.args.len() {
            return Err(self.beyond());
        }
        self.or()
    }

    fn or(&mut self) -> Eval<bool> {
        let mut value = false;
        loop {
            value |= self.and()?;
            if !(self.pos < self.args.len() && self.arg(self.pos) == "-o") {
                return Ok(value);
            }
            self.advance(false)?;
        }
    }

    fn and(&mut self) -> Eval<bool> {
        let mut value = true;
        loop {
            value &= self.term()?;
            if !(self.pos < self.args.len() && self.arg(self.pos) == "-a") {
                return Ok(value);
            }
            self.advance(false)?;
        }
    }

    fn term(&mut self) -> Eval<bool> {
        if self.pos >= self.args.len() {
            return Err(self.beyond());
        }
        let mut invert = false;
        while self.pos < self.args.len() && self.arg(self.pos) == "!" {
            self.advance(true)?;
            invert = !invert;
        }
        let n = self.args.len() - self.pos;
        let a = self.arg(self.pos);
        let value = if a == "(" {
            self.advance(true)?;
            // The POSIX rules apply to what is inside, up to four arguments.
            let mut nargs = 1;
            while self.pos + nargs < self.args.len() && self.arg(self.pos + nargs) != ")" {
                if nargs == 4 {
                    nargs = self.args.len() - self.pos;
                    break;
                }
                nargs += 1;
            }
            let v = self.posix(nargs)?;
            match self.args.get(self.pos) {
                None => return Err(Syntax(format!("{} expected", quote_locale(")")))),
                Some(s) if s != ")" => {
                    return Err(Syntax(format!("{} expected, found {}", quote_locale(")"), quote_locale(s))))
                }
                _ => {}
            }
            self.advance(false)?;
            v
        } else if n >= 4 && a == "-l" && is_binop(self.arg(self.pos + 2)) {
            self.binary(true)?
        } else if n >= 3 && is_binop(self.arg(self.pos + 1)) {
            self.binary(false)?
        } else if looks_like_option(a) {
            if !is_unop(a) {
                return Err(Syntax(format!("{}: unary operator expected", quote_locale(a))));
            }
            self.unary()?
        } else {
            self.pos += 1;
            !a.is_empty()
        };
        Ok(invert ^ value)
    }

    /// `A OP B`, where `-l STRING` may stand for an integer operand.
    fn binary(&mut self, left_is_l: bool) -> Eval<bool> {
        if left_is_l {
            self.advance(false)?;
        }
        let op = self.pos + 1;
        let right_is_l = op + 2 < self.args.len() && self.arg(op + 1) == "-l";
        if right_is_l {
            self.advance(false)?;
        }
        let opname = self.arg(op);
        let left = self.arg(op - 1);
        let right = if right_is_l { self.arg(op + 2) } else { self.arg(op + 1) };
        self.pos += 3;
        let ordering = |s: &str, is_l: bool| -> Eval<Int> {
            if is_l {
                Ok(Int::from_len(s.len()))
            } else {
                Int::parse(s).ok_or_else(|| Syntax(format!("invalid integer {}", quote_locale(s))))
            }
        };
        let no_l = |name: &str| -> Eval<()> {
            if left_is_l || right_is_l {
                Err(Syntax(format!("{} does not accept -l", name)))
            } else {
                Ok(())
            }
        };
        match opname {
            "-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge" => {
                let l = ordering(left, left_is_l)?;
                let r = ordering(right, right_is_l)?;
                let c = l.cmp(&r);
                Ok(match opname {
                    "-eq" => c.is_eq(),
                    "-ne" => c.is_ne(),
                    "-lt" => c.is_lt(),
                    "-le" => c.is_le(),
                    "-gt" => c.is_gt(),
                    _ => c.is_ge(),
                })
            }
            "-nt" => {
                no_l("-nt")?;
                Ok(match (mtime(left), mtime(right)) {
                    (Some(l), Some(r)) => l > r,
                    (Some(_), None) => true,
                    _ => false,
                })
            }
            "-ot" => {
                no_l("-ot")?;
                Ok(match (mtime(left), mtime(right)) {
                    (Some(l), Some(r)) => l < r,
                    (None, Some(_)) => true,
                    _ => false,
                })
            }
            "-ef" => {
                no_l("-ef")?;
                Ok(match (stat(left), stat(right)) {
                    (Some(l), Some(r)) => l.dev == r.dev && l.ino == r.ino,
                    _ => false,
                })
            }
            "=" | "==" => Ok(left == right),
            "!=" => Ok(left != right),
            _ => Err(Syntax(format!("{}: unknown binary operator", quote_locale(opname)))),
        }
    }

    /// `-X ARG`; `pos` is at the operator.
    fn unary(&mut self) -> Eval<bool> {
        let op = self.arg(self.pos).as_bytes()[1];
        if op == b'a' || op == b'o' {
            return Err(Syntax(format!("{}: unary operator expected", quote_locale(self.arg(self.pos)))));
        }
        self.advance(true)?;
        let a = self.arg(self.pos);
        self.pos += 1;
        let st = || stat(a);
        let kind = |k: u32| st().map_or(false, |s| s.kind() == k);
        Ok(match op {
            b'e' => st().is_some(),
            b'r' => st().map_or(false, |s| can_access(&s, 4)),
            b'w' => st().map_or(false, |s| can_access(&s, 2)),
            b'x' => st().map_or(false, |s| can_access(&s, 1)),
            b'N' => st().map_or(false, |s| s.mtime_ns > s.atime_ns),
            b'O' => st().map_or(false, |s| s.uid == pathstat::SANDBOX_UID),
            b'G' => st().map_or(false, |s| s.gid == pathstat::SANDBOX_GID),
            b'f' => kind(pathstat::S_IFREG),
            b'd' => kind(pathstat::S_IFDIR),
            b's' => st().map_or(false, |s| s.size > 0),
            b'S' => kind(pathstat::S_IFSOCK),
            b'c' => kind(pathstat::S_IFCHR),
            b'b' => kind(pathstat::S_IFBLK),
            b'p' => kind(pathstat::S_IFIFO),
            b'L' | b'h' => pathstat::stat(a, false).map_or(false, |s| s.kind() == pathstat::S_IFLNK),
            b'u' => st().map_or(false, |s| s.mode & 0o4000 != 0),
            b'g' => st().map_or(false, |s| s.mode & 0o2000 != 0),
            b'k' => st().map_or(false, |s| s.mode & 0o1000 != 0),
            b't' => {
                Int::parse(a).ok_or_else(|| Syntax(format!("invalid integer {}", quote_locale(a))))?;
                // The sandbox has no terminals.
                false
            }
            b'n' => !a.is_empty(),
            _ => a.is_empty(),
        })
    }
}

fn stat(path: &str) -> Option<PathStat> {
    pathstat::stat(path, true).ok()
}

fn mtime(path: &str) -> Option<u64> {
    stat(path).map(|s| s.mtime_ns)
}

/// An integer of any length, compared as GNU's `strintcmp` does.
#[derive(PartialEq, Eq)]
struct Int {
    negative: bool,
    /// Digits without leading zeros ("" for zero).
    digits: String,
}

impl Int {
    fn from_len(n: usize) -> Int {
        Int { negative: false, digits: if n == 0 { String::new() } else { n.to_string() } }
    }

    /// Blanks, an optional sign, digits, blanks.
    fn parse(s: &str) -> Option<Int> {
        let t = s.trim_matches(|c| c == ' ' || c == '\t');
        let (negative, body) = match t.strip_prefix('-') {
            Some(b) => (true, b),
            None => (false, t.strip_prefix('+').unwrap_or(t)),
        };
        if body.is_empty() || !body.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let digits = body.trim_start_matches('0').to_string();
        Some(Int { negative: negative && !digits.is_empty(), digits })
    }

    fn cmp(&self, other: &Int) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        let magnitude = self.digits.len().cmp(&other.digits.len()).then_with(|| self.digits.cmp(&other.digits));
        match (self.negative, other.negative) {
            (false, false) => magnitude,
            (true, true) => magnitude.reverse(),
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
        }
    }
}
