//! find's expression: predicates parsed in command-line order into a list
//! (with the implicit `-a` between neighbours), then built into a tree by
//! precedence (`!` > `-a` > `-o` > `,`), reporting malformed expressions
//! with GNU's messages.

use super::exec::{Exec, ExecKind};
use super::pred::{self, Pred, Which};
use super::printf;
use super::{qname, Ctx, Fatal, Follow, Output};
use wsutil::datetime::{localtime, Timespec};
use wsutil::fsmeta;
use wsutil::gnusyntax::{self, bits};

/// The evaluation tree.
pub enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Comma(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Pred(Pred),
}

pub enum Parsed {
    Expr(Expr),
    Help,
    Version,
}

/// GNU's test for where the starting points end: `-x`, `(`, `!` (and,
/// after the first, `)` and `,`) start the expression; a lone `-` is a
/// file.
pub fn looks_like_expression(arg: &str, leading: bool) -> bool {
    let b = arg.as_bytes();
    match b.first() {
        Some(b'-') => b.len() > 1,
        Some(b')') | Some(b',') => b.len() == 1 && !leading,
        Some(b'(') | Some(b'!') => b.len() == 1,
        _ => false,
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, PartialOrd, Ord)]
enum Prec {
    No,
    Comma,
    Or,
    And,
    Negate,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Primary,
    UniOp,
    BiOp,
    Open,
    Close,
}

struct Tok {
    kind: Kind,
    prec: Prec,
    name: String,
    artificial: bool,
    pred: Option<Pred>,
}

/// How a predicate name is handled.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Punct,
    /// A global option (-maxdepth...): warned about after a test.
    Option,
    /// -daystart, -follow, -warn...: they act from where they stand.
    Positional,
    Test,
    Action,
}

const OPTIONS: &[&str] = &[
    "d",
    "depth",
    "ignore_readdir_race",
    "maxdepth",
    "mindepth",
    "mount",
    "noleaf",
    "noignore_readdir_race",
    "xdev",
    "files0-from",
];
const POSITIONAL: &[&str] = &["daystart", "follow", "nowarn", "regextype", "warn"];
const PUNCT: &[&str] = &["!", "not", "(", ")", ",", "a", "and", "o", "or"];
const ACTIONS: &[&str] = &[
    "delete", "exec", "execdir", "fls", "fprint", "fprint0", "fprintf", "ls", "ok", "okdir", "print", "print0",
    "printf", "prune", "quit",
];
const TESTS: &[&str] = &[
    "amin",
    "anewer",
    "atime",
    "cmin",
    "cnewer",
    "context",
    "ctime",
    "empty",
    "executable",
    "false",
    "fstype",
    "gid",
    "group",
    "ilname",
    "iname",
    "inum",
    "ipath",
    "iregex",
    "iwholename",
    "links",
    "lname",
    "mmin",
    "mtime",
    "name",
    "newer",
    "nogroup",
    "nouser",
    "path",
    "perm",
    "readable",
    "regex",
    "samefile",
    "size",
    "true",
    "type",
    "uid",
    "used",
    "user",
    "wholename",
    "writable",
    "xtype",
    "help",
    "-help",
    "version",
    "-version",
];

/// The table entry for an argument (`-name`, `!`, `-newermt`...).
fn lookup(arg: &str) -> Option<(Class, String)> {
    if arg.starts_with("-newer") && arg.len() == 8 {
        return Some((Class::Test, "newerXY".into()));
    }
    let name = arg.strip_prefix('-').unwrap_or(arg);
    let class = if PUNCT.contains(&name) {
        Class::Punct
    } else if OPTIONS.contains(&name) {
        Class::Option
    } else if POSITIONAL.contains(&name) {
        Class::Positional
    } else if TESTS.contains(&name) {
        Class::Test
    } else if ACTIONS.contains(&name) {
        Class::Action
    } else {
        return None;
    };
    Some((class, name.to_string()))
}

const REGEX_TYPES: &[(&str, u32)] = &[
    ("findutils-default", bits::EMACS | bits::DOT_NEWLINE),
    ("ed", bits::ED),
    ("emacs", bits::EMACS),
    ("gnu-awk", bits::GNU_AWK),
    ("grep", bits::GREP),
    ("posix-awk", bits::POSIX_AWK),
    ("awk", bits::AWK),
    ("posix-basic", bits::POSIX_BASIC),
    ("posix-egrep", bits::EGREP),
    ("egrep", bits::EGREP),
    ("posix-extended", bits::POSIX_EXTENDED),
    ("posix-minimal-basic", bits::POSIX_MINIMAL_BASIC),
    ("sed", bits::SED),
];

struct Parser<'a, 'c> {
    args: &'a [String],
    i: usize,
    toks: Vec<Tok>,
    ctx: &'c mut Ctx,
    starts: &'a [String],
    first_nonoption: Option<String>,
    has_action: bool,
    saw_prune: bool,
    saw_delete: bool,
}

/// Parses the expression part of the command line.
pub fn parse(args: &[String], starts: &[String], ctx: &mut Ctx) -> Result<Parsed, Fatal> {
    let mut p = Parser {
        args,
        i: 0,
        toks: Vec::new(),
        ctx,
        starts,
        first_nonoption: None,
        has_action: false,
        saw_prune: false,
        saw_delete: false,
    };
    p.toks.push(Tok { kind: Kind::Open, prec: Prec::No, name: "(".into(), artificial: true, pred: None });
    let mut last_name = String::new();
    while p.i < args.len() {
        let arg = args[p.i].clone();
        if !looks_like_expression(&arg, false) {
            let mut lines = vec![format!("paths must precede expression: `{}'", arg)];
            if std::fs::symlink_metadata(&arg).is_ok() {
                lines.push(format!("possible unquoted pattern after predicate `{}'?", last_name));
            }
            return Err(Fatal::lines(lines));
        }
        let (class, name) = match lookup(&arg) {
            Some(x) => x,
            None => return Err(Fatal::new(format!("unknown predicate `{}'", arg))),
        };
        if name == "help" || name == "-help" {
            return Ok(Parsed::Help);
        }
        if name == "version" || name == "-version" {
            return Ok(Parsed::Version);
        }
        p.note_position(class, &arg);
        if name != "newerXY" {
            p.i += 1;
        }
        let before = p.i;
        if !p.dispatch(&name, &arg)? {
            if p.i < args.len() {
                if name == "newerXY" && p.i == before {
                    return Err(Fatal::new(format!("invalid predicate `{}'", arg)));
                }
                return Err(Fatal::new(format!("invalid argument `{}' to `{}'", args[p.i], arg)));
            }
            return Err(Fatal::new(format!("missing argument to `{}'", arg)));
        }
        if let Some(t) = p.toks.last_mut() {
            t.name = arg.clone();
        }
        last_name = arg;
    }
    p.finish()
}

impl<'a, 'c> Parser<'a, 'c> {
    /// GNU's warning for a global option placed after a test.
    fn note_position(&mut self, class: Class, arg: &str) {
        match class {
            Class::Positional => {}
            Class::Option => {
                if let Some(first) = &self.first_nonoption {
                    if self.ctx.opts.warnings {
                        wsutil::show_error(&format!(
                            "warning: you have specified the global option {} after the argument {}, but global options are not positional, i.e., {} affects tests specified before it as well as those specified after it.  Please specify global options before other arguments.",
                            arg, first, arg
                        ));
                    }
                }
            }
            _ => {
                if self.first_nonoption.is_none() {
                    self.first_nonoption = Some(arg.to_string());
                }
            }
        }
    }

    fn next_arg(&mut self) -> Option<String> {
        let a = self.args.get(self.i).cloned();
        if a.is_some() {
            self.i += 1;
        }
        a
    }

    /// Adds a token, with the implicit `-a` GNU puts between a primary or
    /// `)` and what follows.
    fn push(&mut self, kind: Kind, prec: Prec, pred: Option<Pred>) {
        if matches!(kind, Kind::Primary | Kind::UniOp | Kind::Open) {
            if let Some(last) = self.toks.last() {
                if matches!(last.kind, Kind::Primary | Kind::Close) {
                    self.toks.push(Tok {
                        kind: Kind::BiOp,
                        prec: Prec::And,
                        name: "-a".into(),
                        artificial: false,
                        pred: None,
                    });
                }
            }
        }
        self.toks.push(Tok { kind, prec, name: String::new(), artificial: false, pred });
    }

    fn primary(&mut self, pred: Pred) {
        self.push(Kind::Primary, Prec::No, Some(pred));
    }

    fn action(&mut self, pred: Pred) {
        self.has_action = true;
        self.primary(pred);
    }

    /// Options are always-true tests in GNU's list.
    fn noop(&mut self) -> Result<bool, Fatal> {
        self.primary(Pred::True);
        Ok(true)
    }

    fn dispatch(&mut self, name: &str, arg: &str) -> Result<bool, Fatal> {
        match name {
            "!" | "not" => {
                self.push(Kind::UniOp, Prec::Negate, None);
                Ok(true)
            }
            "(" => {
                self.push(Kind::Open, Prec::No, None);
                Ok(true)
            }
            ")" => {
                self.push(Kind::Close, Prec::No, None);
                Ok(true)
            }
            "," => {
                self.push(Kind::BiOp, Prec::Comma, None);
                Ok(true)
            }
            "a" | "and" => {
                self.push(Kind::BiOp, Prec::And, None);
                Ok(true)
            }
            "o" | "or" => {
                self.push(Kind::BiOp, Prec::Or, None);
                Ok(true)
            }
            "d" | "depth" => {
                self.ctx.opts.depth_first = true;
                self.ctx.opts.explicit_depth = true;
                self.noop()
            }
            "maxdepth" | "mindepth" => self.depth_limit(name, arg),
            "ignore_readdir_race" | "noignore_readdir_race" | "noleaf" | "mount" | "xdev" => self.noop(),
            "files0-from" => match self.next_arg() {
                None => Ok(false),
                Some(f) => {
                    self.ctx.opts.files0_from = Some(f);
                    self.noop()
                }
            },
            "daystart" => {
                if !self.ctx.opts.daystart_set {
                    let o = &mut self.ctx.opts;
                    let next = o.day_start.sec + 86400;
                    let tm = localtime(Timespec::new(next, 0), &self.ctx.zone);
                    o.day_start = Timespec::new(next - (tm.sec as i64 + tm.min as i64 * 60 + tm.hour as i64 * 3600), 0);
                    o.daystart_set = true;
                }
                self.noop()
            }
            "follow" => {
                self.ctx.opts.follow = Follow::Always;
                self.noop()
            }
            "warn" | "nowarn" => {
                self.ctx.opts.warnings = name == "warn";
                self.noop()
            }
            "regextype" => match self.next_arg() {
                None => Ok(false),
                Some(t) => {
                    self.ctx.opts.regex_syntax = regex_type(&t)?;
                    self.noop()
                }
            },
            "true" | "false" => {
                self.primary(if name == "true" { Pred::True } else { Pred::False });
                Ok(true)
            }
            "name" | "iname" => self.name_test(name),
            "lname" | "ilname" => match self.next_arg() {
                None => Ok(false),
                Some(p) => {
                    self.primary(Pred::Lname { pat: p.into_bytes(), icase: name == "ilname" });
                    Ok(true)
                }
            },
            "path" | "wholename" | "ipath" | "iwholename" => self.path_test(name),
            "regex" | "iregex" => self.regex_test(name == "iregex"),
            "type" | "xtype" => self.type_test(name == "xtype"),
            "size" => self.size_test(),
            "mtime" | "atime" | "ctime" => self.time_test(name),
            "mmin" | "amin" | "cmin" => self.min_test(name),
            "used" => self.used_test(),
            "newer" | "anewer" | "cnewer" => self.newer_test(name),
            "newerXY" => self.newer_xy(arg),
            "empty" => {
                self.primary(Pred::Empty);
                Ok(true)
            }
            "readable" | "writable" | "executable" => {
                let bit = match name {
                    "readable" => 4,
                    "writable" => 2,
                    _ => 1,
                };
                self.primary(Pred::Access(bit));
                Ok(true)
            }
            "perm" => self.perm_test(),
            "user" => self.user_test(),
            "group" => self.group_test(),
            "uid" | "gid" | "links" | "inum" => self.num_test(name),
            "nouser" | "nogroup" => {
                self.primary(if name == "nouser" { Pred::NoUser } else { Pred::NoGroup });
                Ok(true)
            }
            "samefile" => match self.stat_arg()? {
                None => Ok(false),
                Some(st) => {
                    self.primary(Pred::SameFile(st.dev, st.ino));
                    Ok(true)
                }
            },
            "fstype" => match self.next_arg() {
                None => Ok(false),
                Some(t) => {
                    self.primary(Pred::Fstype(t));
                    Ok(true)
                }
            },
            "context" => {
                if self.i >= self.args.len() {
                    return Ok(false);
                }
                Err(Fatal::new("invalid predicate -context: SELinux is not enabled."))
            }
            "print" => {
                self.action(Pred::Print { out: 0, sep: b'\n' });
                Ok(true)
            }
            "print0" => {
                self.action(Pred::Print { out: 0, sep: 0 });
                Ok(true)
            }
            "fprint" | "fprint0" => match self.next_arg() {
                None => Ok(false),
                Some(f) => {
                    let out = self.open_output(&f)?;
                    self.action(Pred::Print { out, sep: if name == "fprint0" { 0 } else { b'\n' } });
                    Ok(true)
                }
            },
            "ls" => {
                self.action(Pred::Ls { out: 0 });
                Ok(true)
            }
            "fls" => match self.next_arg() {
                None => Ok(false),
                Some(f) => {
                    let out = self.open_output(&f)?;
                    self.action(Pred::Ls { out });
                    Ok(true)
                }
            },
            "printf" => match self.next_arg() {
                None => Ok(false),
                Some(f) => {
                    let fmt = printf::compile(&f)?;
                    self.action(Pred::Printf { out: 0, fmt });
                    Ok(true)
                }
            },
            "fprintf" => {
                if self.i + 1 >= self.args.len() {
                    return Ok(false);
                }
                let file = self.args[self.i].clone();
                let f = self.args[self.i + 1].clone();
                self.i += 2;
                let out = self.open_output(&file)?;
                let fmt = printf::compile(&f)?;
                self.action(Pred::Printf { out, fmt });
                Ok(true)
            }
            "exec" | "execdir" | "ok" | "okdir" => self.exec(name),
            "delete" => {
                self.ctx.opts.depth_first = true;
                self.saw_delete = true;
                self.action(Pred::Delete);
                Ok(true)
            }
            "prune" => {
                self.saw_prune = true;
                self.primary(Pred::Prune);
                Ok(true)
            }
            "quit" => {
                self.primary(Pred::Quit);
                Ok(true)
            }
            _ => Err(Fatal::new(format!("unknown predicate `{}'", arg))),
        }
    }

    fn depth_limit(&mut self, name: &str, arg: &str) -> Result<bool, Fatal> {
        let v = match self.next_arg() {
            Some(v) => v,
            None => return Ok(false),
        };
        let digits = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
        let n = if digits { v.parse::<i32>().ok() } else { None };
        match n {
            Some(n) => {
                if name == "maxdepth" {
                    self.ctx.opts.maxdepth = Some(n as usize);
                } else {
                    self.ctx.opts.mindepth = n as usize;
                }
                self.noop()
            }
            None => Err(Fatal::new(format!(
                "Expected a positive decimal integer argument to {}, but got {}",
                arg,
                qname(&v)
            ))),
        }
    }

    fn name_test(&mut self, name: &str) -> Result<bool, Fatal> {
        let pat = match self.next_arg() {
            Some(p) => p,
            None => return Ok(false),
        };
        if self.ctx.opts.warnings && pat.contains('/') {
            let (me, better) = if name == "iname" { ("-iname", "-iwholename") } else { ("-name", "-wholename") };
            wsutil::show_error(&format!(
                "warning: {} matches against basenames only, but the given pattern contains a directory separator ({}), thus the expression will evaluate to false all the time.  Did you mean {}?",
                qname(me),
                qname("/"),
                qname(better)
            ));
        }
        self.primary(Pred::Name { pat: pat.into_bytes(), icase: name == "iname" });
        Ok(true)
    }

    fn path_test(&mut self, name: &str) -> Result<bool, Fatal> {
        let pat = match self.next_arg() {
            Some(p) => p,
            None => return Ok(false),
        };
        let icase = name.starts_with('i');
        if pat.ends_with('/') {
            let feasible = if self.starts.is_empty() {
                pred::fnmatch(pat.as_bytes(), b".", icase)
            } else {
                self.starts.iter().any(|s| pred::fnmatch(pat.as_bytes(), s.as_bytes(), icase))
            };
            if !feasible {
                wsutil::show_error(&format!("warning: -{} {} will not match anything because it ends with /.", name, pat));
            }
        }
        self.primary(Pred::Path { pat: pat.into_bytes(), icase });
        Ok(true)
    }

    fn regex_test(&mut self, icase: bool) -> Result<bool, Fatal> {
        let pat = match self.next_arg() {
            Some(p) => p,
            None => return Ok(false),
        };
        let mut syntax = self.ctx.opts.regex_syntax;
        if icase {
            syntax |= bits::ICASE;
        }
        match gnusyntax::compile(pat.as_bytes(), syntax) {
            Ok(re) => {
                self.primary(Pred::Regex(Box::new(re)));
                Ok(true)
            }
            Err(e) => Err(Fatal::new(format!("failed to compile regular expression '{}': {}", pat, e))),
        }
    }

    fn type_test(&mut self, x: bool) -> Result<bool, Fatal> {
        let arg = match self.next_arg() {
            Some(a) => a,
            None => return Ok(false),
        };
        let what = if x { "-xtype" } else { "-type" };
        if arg.is_empty() {
            return Err(Fatal::new(format!("Arguments to {} should contain at least one letter", what)));
        }
        let mut types: Vec<u32> = Vec::new();
        let b = arg.as_bytes();
        let mut k = 0;
        while k < b.len() {
            let c = b[k];
            let t = match c {
                b'b' => fsmeta::S_IFBLK,
                b'c' => fsmeta::S_IFCHR,
                b'd' => fsmeta::S_IFDIR,
                b'f' => fsmeta::S_IFREG,
                b'l' => fsmeta::S_IFLNK,
                b'p' => fsmeta::S_IFIFO,
                b's' => fsmeta::S_IFSOCK,
                b'D' => {
                    return Err(Fatal::new(format!(
                        "{} D is not supported because Solaris doors are not supported on the platform find was compiled on.",
                        what
                    )))
                }
                _ => {
                    let mut msg = format!("Unknown argument to {}: ", what).into_bytes();
                    msg.push(c);
                    return Err(Fatal::raw(msg));
                }
            };
            if types.contains(&t) {
                return Err(Fatal::new(format!(
                    "Duplicate file type '{}' in the argument list to {}.",
                    c as char, what
                )));
            }
            types.push(t);
            k += 1;
            if k < b.len() {
                if b[k] != b',' {
                    return Err(Fatal::new(format!("Must separate multiple arguments to {} using: ','", what)));
                }
                k += 1;
                if k >= b.len() {
                    return Err(Fatal::new(format!(
                        "Last file type in list argument to {} is missing, i.e., list is ending on: ','",
                        what
                    )));
                }
            }
        }
        self.primary(Pred::Type { types, x });
        Ok(true)
    }

    fn size_test(&mut self) -> Result<bool, Fatal> {
        let arg = match self.args.get(self.i) {
            Some(a) => a.clone(),
            None => return Ok(false),
        };
        if arg.is_empty() {
            return Err(Fatal::new("invalid null argument to -size"));
        }
        let last = *arg.as_bytes().last().unwrap_or(&b'0');
        let (unit, body, suffix) = match last {
            b'b' => (512, &arg[..arg.len() - 1], "b"),
            b'c' => (1, &arg[..arg.len() - 1], "c"),
            b'w' => (2, &arg[..arg.len() - 1], "w"),
            b'k' => (1024, &arg[..arg.len() - 1], "k"),
            b'M' => (1 << 20, &arg[..arg.len() - 1], "M"),
            b'G' => (1 << 30, &arg[..arg.len() - 1], "G"),
            b'0'..=b'9' => (512, &arg[..], ""),
            _ => {
                let ch = arg.chars().last().unwrap_or('?');
                return Err(Fatal::new(format!("invalid -size type `{}'", ch)));
            }
        };
        match pred::get_num(body) {
            Some((cmp, n)) => {
                self.i += 1;
                self.primary(Pred::Size { cmp, n, unit });
                Ok(true)
            }
            None => Err(Fatal::new(format!("Invalid argument `{}{}' to -size", body, suffix))),
        }
    }

    fn time_test(&mut self, name: &str) -> Result<bool, Fatal> {
        let arg = match self.args.get(self.i) {
            Some(a) => a.clone(),
            None => return Ok(false),
        };
        let mut origin = self.ctx.opts.day_start;
        if arg.starts_with('-') {
            origin.sec += 86400 - 1;
        }
        match pred::relative_time(&arg, origin, 86400.0) {
            Some((cmp, reft)) => {
                self.i += 1;
                self.primary(Pred::Time { which: which_of(name), cmp, reft, window: 86400 });
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn min_test(&mut self, name: &str) -> Result<bool, Fatal> {
        let arg = match self.args.get(self.i) {
            Some(a) => a.clone(),
            None => return Ok(false),
        };
        let mut origin = self.ctx.opts.day_start;
        origin.sec += 86400;
        match pred::relative_time(&arg, origin, 60.0) {
            Some((cmp, reft)) => {
                self.i += 1;
                self.primary(Pred::Time { which: which_of(name), cmp, reft, window: 60 });
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn used_test(&mut self) -> Result<bool, Fatal> {
        let arg = match self.next_arg() {
            Some(a) => a,
            None => return Ok(false),
        };
        match pred::relative_time(&arg, Timespec::new(0, 0), 86400.0) {
            Some((cmp, reft)) => {
                self.primary(Pred::Used { cmp, reft });
                Ok(true)
            }
            None => Err(Fatal::new(format!("Invalid argument {} to -used", arg))),
        }
    }

    /// Stats a file named on the command line, as -newer and -samefile
    /// do (following links with -L, and with -H).
    fn stat_arg(&mut self) -> Result<Option<fsmeta::FileStat>, Fatal> {
        let f = match self.next_arg() {
            Some(f) => f,
            None => return Ok(None),
        };
        let follow = self.ctx.opts.follow != Follow::Never;
        let st = match fsmeta::stat(&f, follow) {
            Err(e) if follow && e.raw_os_error() == Some(44) => fsmeta::stat(&f, false),
            r => r,
        };
        match st {
            Ok(st) => Ok(Some(st)),
            Err(e) => Err(Fatal::new(format!("{}: {}", qname(&f), wsutil::strerror(&e)))),
        }
    }

    fn newer_test(&mut self, name: &str) -> Result<bool, Fatal> {
        match self.stat_arg()? {
            None => Ok(false),
            Some(st) => {
                let which = match name {
                    "anewer" => Which::A,
                    "cnewer" => Which::C,
                    _ => Which::M,
                };
                self.primary(Pred::Newer { which, reft: st.mtime });
                Ok(true)
            }
        }
    }

    fn newer_xy(&mut self, arg: &str) -> Result<bool, Fatal> {
        let b = arg.as_bytes();
        let (x, y) = (b[6], b[7]);
        if x == b'B' || y == b'B' {
            wsutil::show_error("This system does not provide a way to find the birth time of a file.");
            return Ok(false);
        }
        let valid = b"acmt";
        if x == b't' || !valid.contains(&x) || !valid.contains(&y) {
            return Ok(false);
        }
        if self.i + 1 >= self.args.len() {
            return Err(Fatal::new(format!("The {} test needs an argument", qname(arg))));
        }
        self.i += 1;
        let which = match x {
            b'a' => Which::A,
            b'c' => Which::C,
            _ => Which::M,
        };
        let reft = if y == b't' {
            let text = self.args[self.i].clone();
            self.i += 1;
            match wsutil::datetime::parse_datetime(&text, self.ctx.opts.start_time, &self.ctx.zone) {
                Some(t) => t,
                None => {
                    return Err(Fatal::new(format!("I cannot figure out how to interpret {} as a date or time", qname(&text))))
                }
            }
        } else {
            let st = match self.stat_arg()? {
                Some(st) => st,
                None => return Ok(false),
            };
            match y {
                b'a' => st.atime,
                b'c' => st.ctime,
                _ => st.mtime,
            }
        };
        self.primary(Pred::Newer { which, reft });
        Ok(true)
    }

    fn perm_test(&mut self) -> Result<bool, Fatal> {
        let arg = match self.next_arg() {
            Some(a) => a,
            None => return Ok(false),
        };
        let (kind, body) = match arg.as_bytes().first() {
            Some(b'-') => (pred::PermKind::AtLeast, &arg[1..]),
            Some(b'/') => (pred::PermKind::Any, &arg[1..]),
            _ => (pred::PermKind::Exact, &arg[..]),
        };
        let numeric_plus = arg.starts_with('+') && matches!(arg.as_bytes().get(1), Some(b'0'..=b'7'));
        let val = match pred::compile_mode(body) {
            Some(v) if !numeric_plus => v,
            _ => return Err(Fatal::new(format!("invalid mode {}", qname(&arg)))),
        };
        let mut kind = kind;
        if kind == pred::PermKind::Any && val == [0, 0] {
            wsutil::show_error(&format!(
                "warning: you have specified a mode pattern {} (which is equivalent to /000). The meaning of -perm /000 has now been changed to be consistent with -perm -000; that is, while it used to match no files, it now matches all files.",
                arg
            ));
            kind = pred::PermKind::AtLeast;
        }
        self.primary(Pred::Perm { kind, val });
        Ok(true)
    }

    fn user_test(&mut self) -> Result<bool, Fatal> {
        let name = match self.next_arg() {
            Some(a) => a,
            None => return Ok(false),
        };
        let uid = match self.ctx.names.uid_of(&name) {
            Some(u) => u,
            None => {
                let digits = name.bytes().take_while(|b| b.is_ascii_digit()).count();
                if digits > 0 && digits == name.len() {
                    atoi(&name)
                } else if name.is_empty() {
                    return Err(Fatal::new("The argument to -user should not be empty"));
                } else {
                    return Err(Fatal::new(format!("{} is not the name of a known user", qname(&name))));
                }
            }
        };
        self.primary(Pred::User(uid));
        Ok(true)
    }

    fn group_test(&mut self) -> Result<bool, Fatal> {
        let name = match self.next_arg() {
            Some(a) => a,
            None => return Ok(false),
        };
        let gid = match self.ctx.names.gid_of(&name) {
            Some(g) => g,
            None => {
                let digits = name.bytes().take_while(|b| b.is_ascii_digit()).count();
                if digits > 0 && digits == name.len() {
                    atoi(&name)
                } else if digits > 0 {
                    return Err(Fatal::new(format!(
                        "{} is not the name of an existing group and it does not look like a numeric group ID because it has the unexpected suffix {}",
                        qname(&name),
                        qname(&name[digits..])
                    )));
                } else if name.is_empty() {
                    return Err(Fatal::new("argument to -group is empty, but should be a group name"));
                } else {
                    return Err(Fatal::new(format!("{} is not the name of an existing group", qname(&name))));
                }
            }
        };
        self.primary(Pred::Group(gid));
        Ok(true)
    }

    fn num_test(&mut self, name: &str) -> Result<bool, Fatal> {
        // GNU steps back over the predicate itself when its argument is
        // missing, so the complaint is "invalid argument `-uid' to `-uid'".
        let arg = match self.args.get(self.i) {
            Some(a) => a.clone(),
            None => {
                self.i -= 1;
                return Ok(false);
            }
        };
        let (cmp, n) = match pred::get_num(&arg) {
            Some(x) => x,
            None => return Ok(false),
        };
        self.i += 1;
        self.primary(match name {
            "uid" => Pred::Uid(cmp, n),
            "gid" => Pred::Gid(cmp, n),
            "links" => Pred::Links(cmp, n),
            _ => Pred::Inum(cmp, n),
        });
        Ok(true)
    }

    /// -fprint and friends: /dev/stdout and /dev/stderr are the streams
    /// themselves; a file named twice is opened once.
    fn open_output(&mut self, path: &str) -> Result<usize, Fatal> {
        if path == "/dev/stdout" {
            return Ok(0);
        }
        if let Some(k) = self.ctx.outputs.iter().position(|o| o.name == path) {
            return Ok(k);
        }
        let sink: Box<dyn std::io::Write> = if path == "/dev/stderr" {
            Box::new(wsutil::io::RawFd::new(2))
        } else {
            match std::fs::File::create(path) {
                Ok(f) => Box::new(std::io::BufWriter::new(f)),
                Err(e) => return Err(Fatal::new(format!("{}: {}", qname(path), wsutil::strerror(&e)))),
            }
        };
        self.ctx.outputs.push(Output { name: path.to_string(), sink });
        Ok(self.ctx.outputs.len() - 1)
    }

    fn exec(&mut self, name: &str) -> Result<bool, Fatal> {
        let kind = match name {
            "exec" => ExecKind::Exec,
            "execdir" => ExecKind::ExecDir,
            "ok" => ExecKind::Ok,
            _ => ExecKind::OkDir,
        };
        let allow_plus = matches!(kind, ExecKind::Exec | ExecKind::ExecDir);
        let start = self.i;
        let mut end = start;
        let mut saw_braces = false;
        let mut brace_count = 0;
        let mut brace_arg = String::new();
        let mut multiple = false;
        while end < self.args.len() && self.args[end] != ";" {
            let a = &self.args[end];
            if allow_plus && a == "+" && saw_braces {
                multiple = true;
                break;
            }
            saw_braces = false;
            if a.contains("{}") {
                // (GNU refuses `{}` in the command name of -execdir by
                // its position in the whole argv, so never in practice.)
                saw_braces = true;
                brace_arg = a.clone();
                brace_count += 1;
            }
            end += 1;
        }
        if end == start || end >= self.args.len() {
            self.i = end;
            return Ok(false);
        }
        if multiple {
            let suffix = if kind == ExecKind::ExecDir { "dir" } else { "" };
            if brace_count > 1 {
                return Err(Fatal::new(format!("Only one instance of {{}} is supported with -exec{} ... +", suffix)));
            }
            if brace_arg.len() != 2 {
                return Err(Fatal::new(format!(
                    "In {} the {} must appear by itself, but you specified {}",
                    qname(&format!("-exec{} ... {{}} +", suffix)),
                    qname("{}"),
                    qname(&brace_arg)
                )));
            }
        }
        let argv: Vec<String> = if multiple { self.args[start..end - 1].to_vec() } else { self.args[start..end].to_vec() };
        self.i = end + 1;
        self.ctx.execs.push(Exec::new(kind, argv, multiple));
        let k = self.ctx.execs.len() - 1;
        self.action(Pred::Exec(k));
        Ok(true)
    }

    fn finish(mut self) -> Result<Parsed, Fatal> {
        if self.saw_prune && self.saw_delete && !self.ctx.opts.explicit_depth {
            return Err(Fatal::new("The -delete action automatically turns on -depth, but -prune does nothing when -depth is in effect.  If you want to carry on anyway, just explicitly use the -depth option."));
        }
        let mut toks = std::mem::take(&mut self.toks);
        if toks.len() == 1 {
            return Ok(Parsed::Expr(Expr::Pred(Pred::Print { out: 0, sep: b'\n' })));
        }
        if self.has_action {
            toks.remove(0);
        } else {
            toks.push(Tok { kind: Kind::Close, prec: Prec::No, name: ")".into(), artificial: true, pred: None });
            toks.push(Tok { kind: Kind::BiOp, prec: Prec::And, name: "-a".into(), artificial: true, pred: None });
            toks.push(Tok {
                kind: Kind::Primary,
                prec: Prec::No,
                name: "-print".into(),
                artificial: true,
                pred: Some(Pred::Print { out: 0, sep: b'\n' }),
            });
        }
        let mut b = Builder { toks: toks.into_iter().map(Some).collect(), i: 0 };
        let tree = b.get_expr(Prec::No, None)?;
        if b.i < b.toks.len() {
            let t = b.toks[b.i].as_ref();
            return Err(match t {
                Some(t) if t.kind == Kind::Close => Fatal::new("you have too many ')'"),
                Some(t) => Fatal::new(format!("unexpected extra predicate '{}'", t.name)),
                None => Fatal::new("unexpected extra predicate"),
            });
        }
        Ok(Parsed::Expr(tree))
    }
}

fn which_of(name: &str) -> Which {
    match name.as_bytes()[0] {
        b'a' => Which::A,
        b'c' => Which::C,
        _ => Which::M,
    }
}

/// C's atoi, as GNU's safe_atoi uses for ids (saturating).
fn atoi(s: &str) -> u32 {
    s.parse::<u64>().map(|v| v.min(u32::MAX as u64) as u32).unwrap_or(u32::MAX)
}

fn regex_type(name: &str) -> Result<u32, Fatal> {
    match REGEX_TYPES.iter().find(|(n, _)| *n == name) {
        Some((_, bits)) => Ok(*bits),
        None => {
            let all: Vec<String> = REGEX_TYPES.iter().map(|(n, _)| qname(n)).collect();
            Err(Fatal::new(format!(
                "Unknown regular expression type {}; valid types are {}.",
                qname(name),
                all.join(", ")
            )))
        }
    }
}

/// The tree builder: GNU's get_expr and scan_rest over the token list.
struct Builder {
    toks: Vec<Option<Tok>>,
    i: usize,
}

struct PrevInfo {
    kind: Kind,
    name: String,
}

impl Builder {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).and_then(|t| t.as_ref())
    }

    fn get_expr(&mut self, prev_prec: Prec, prev: Option<PrevInfo>) -> Result<Expr, Fatal> {
        let (kind, name, artificial) = match self.peek() {
            Some(t) => (t.kind, t.name.clone(), t.artificial),
            None => return Err(Fatal::new("invalid expression")),
        };
        let node = match kind {
            Kind::BiOp => {
                return Err(Fatal::new(format!(
                    "invalid expression; you have used a binary operator '{}' with nothing before it.",
                    name
                )))
            }
            Kind::Close => {
                let prev_op = prev.as_ref().map(|p| matches!(p.kind, Kind::UniOp | Kind::BiOp)).unwrap_or(false);
                let pname = prev.map(|p| p.name).unwrap_or_default();
                if prev_op && !artificial {
                    return Err(Fatal::new(format!("expected an expression between '{}' and ')'", pname)));
                } else if artificial {
                    return Err(Fatal::new(format!("expected an expression after '{}'", pname)));
                }
                return Err(Fatal::new("invalid expression; you have too many ')'"));
            }
            Kind::Primary => {
                let t = self.toks[self.i].take();
                self.i += 1;
                match t.and_then(|t| t.pred) {
                    Some(p) => Expr::Pred(p),
                    None => Expr::Pred(Pred::True),
                }
            }
            Kind::UniOp => {
                self.i += 1;
                let right = self.get_expr(Prec::Negate, Some(PrevInfo { kind, name }))?;
                Expr::Not(Box::new(right))
            }
            Kind::Open => {
                let next_artificial = self.toks.get(self.i + 1).and_then(|t| t.as_ref()).map(|t| t.artificial);
                if next_artificial.unwrap_or(true) {
                    return Err(Fatal::new(format!(
                        "invalid expression; expected to find a ')' but didn't see one. Perhaps you need an extra predicate after '{}'",
                        name
                    )));
                }
                self.i += 1;
                if self.peek().map(|t| t.kind) == Some(Kind::Close) {
                    return Err(Fatal::new("invalid expression; empty parentheses are not allowed."));
                }
                let inner = self.get_expr(Prec::No, Some(PrevInfo { kind, name }))?;
                if self.peek().map(|t| t.kind) != Some(Kind::Close) {
                    return Err(Fatal::new(
                        "invalid expression; I was expecting to find a ')' somewhere but did not see one.",
                    ));
                }
                self.i += 1;
                inner
            }
        };
        match self.peek() {
            None => Ok(node),
            Some(t) if t.prec > prev_prec => match self.scan_rest(node, prev_prec)? {
                Some(n) => Ok(n),
                None => Err(Fatal::new("invalid expression")),
            },
            Some(_) => Ok(node),
        }
    }

    fn scan_rest(&mut self, head: Expr, prev_prec: Prec) -> Result<Option<Expr>, Fatal> {
        match self.peek() {
            None => return Ok(None),
            Some(t) if t.kind == Kind::Close => return Ok(None),
            _ => {}
        }
        let mut tree = head;
        loop {
            let (kind, prec, name) = match self.peek() {
                Some(t) if t.prec > prev_prec => (t.kind, t.prec, t.name.clone()),
                _ => break,
            };
            match kind {
                Kind::BiOp => {
                    self.i += 1;
                    let right = self.get_expr(prec, Some(PrevInfo { kind, name }))?;
                    tree = match prec {
                        Prec::And => Expr::And(Box::new(tree), Box::new(right)),
                        Prec::Or => Expr::Or(Box::new(tree), Box::new(right)),
                        _ => Expr::Comma(Box::new(tree), Box::new(right)),
                    };
                }
                Kind::Close => return Ok(Some(tree)),
                _ => return Err(Fatal::new("invalid expression")),
            }
        }
        Ok(Some(tree))
    }
}
