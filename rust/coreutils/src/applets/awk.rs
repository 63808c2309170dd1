//! `awk`: the awk language as gawk 5.2 speaks it.
//!
//! The applet is a family of files: `awk_lex` (tokens), `awk_parse`
//! (syntax tree), `awk_compile` (code), `awk_vm` (the machine, records,
//! I/O), `awk_builtins`, `awk_printf`, `awk_fields`, `awk_io`,
//! `awk_array` (gawk-ordered arrays) and `awk_value`. This file reads the
//! command line, assembles the program, prints gawk's diagnostics and
//! runs BEGIN, the records and END.

use super::awk_array::Key;
use super::awk_compile::{self, Compiled, ARGC, ARGV, ENVIRON, FS, PROCINFO};
use super::awk_lex::Source;
use super::awk_parse::{Parser, SyntaxError};
use super::awk_value::Value;
use super::awk_vm::{Fatal, Flow, RuleKind, Slot, Vm};
use std::io::Write;
use std::rc::Rc;

pub const APPLETS: &[wsutil::Applet] = &[("awk", main)];

const USAGE: &str = "Usage: awk [POSIX or GNU style options] -f progfile [--] file ...
Usage: awk [POSIX or GNU style options] [--] 'program' file ...
POSIX options:\t\tGNU long options: (standard)
\t-f progfile\t\t--file=progfile
\t-F fs\t\t\t--field-separator=fs
\t-v var=val\t\t--assign=var=val
Short options:\t\tGNU long options: (extensions)
\t-b\t\t\t--characters-as-bytes
\t-c\t\t\t--traditional
\t-C\t\t\t--copyright
\t-d[file]\t\t--dump-variables[=file]
\t-D[file]\t\t--debug[=file]
\t-e 'program-text'\t--source='program-text'
\t-E file\t\t\t--exec=file
\t-g\t\t\t--gen-pot
\t-h\t\t\t--help
\t-i includefile\t\t--include=includefile
\t-I\t\t\t--trace
\t-l library\t\t--load=library
\t-L[fatal|invalid|no-ext]\t--lint[=fatal|invalid|no-ext]
\t-M\t\t\t--bignum
\t-N\t\t\t--use-lc-numeric
\t-n\t\t\t--non-decimal-data
\t-o[file]\t\t--pretty-print[=file]
\t-O\t\t\t--optimize
\t-p[file]\t\t--profile[=file]
\t-P\t\t\t--posix
\t-r\t\t\t--re-interval
\t-s\t\t\t--no-optimize
\t-S\t\t\t--sandbox
\t-t\t\t\t--lint-old
\t-V\t\t\t--version

To report bugs, use the `gawkbug' program.
For full instructions, see the node `Bugs' in `gawk.info'
which is section `Reporting Problems and Bugs' in the
printed version.  This same information may be found at
https://www.gnu.org/software/gawk/manual/html_node/Bugs.html.
PLEASE do NOT try to report bugs by posting in comp.lang.awk,
or by using a web forum such as Stack Overflow.

gawk is a pattern scanning and processing language.
By default it reads standard input and writes standard output.

Examples:
\tawk '{ sum += $1 }; END { print sum }' file
\tawk -F: '{ print $1 }' /etc/passwd
";

const VERSION: &str = "GNU Awk 5.2.1, API 3.2 (wasmsand awk)
Copyright (C) 1989, 1991-2022 Free Software Foundation.

This is wasmsand's implementation of the awk language, compatible with
GNU Awk 5.2 (gawk); it is not GNU software.
";

/// Long options: name, takes an argument (0 no, 1 required, 2 optional),
/// the short letter.
const LONG: &[(&str, u8, char)] = &[
    ("assign", 1, 'v'),
    ("bignum", 0, 'M'),
    ("characters-as-bytes", 0, 'b'),
    ("copyright", 0, 'C'),
    ("debug", 2, 'D'),
    ("dump-variables", 2, 'd'),
    ("exec", 1, 'E'),
    ("field-separator", 1, 'F'),
    ("file", 1, 'f'),
    ("gen-pot", 0, 'g'),
    ("help", 0, 'h'),
    ("include", 1, 'i'),
    ("lint", 2, 'L'),
    ("lint-old", 0, 't'),
    ("load", 1, 'l'),
    ("no-optimize", 0, 's'),
    ("non-decimal-data", 0, 'n'),
    ("optimize", 0, 'O'),
    ("posix", 0, 'P'),
    ("pretty-print", 2, 'o'),
    ("profile", 2, 'p'),
    ("re-interval", 0, 'r'),
    ("sandbox", 0, 'S'),
    ("source", 1, 'e'),
    ("trace", 0, 'I'),
    ("traditional", 0, 'c'),
    ("use-lc-numeric", 0, 'N'),
    ("version", 0, 'V'),
];

/// Short options and whether they take an argument (2: optional,
/// attached only).
fn short_kind(c: char) -> Option<u8> {
    Some(match c {
        'f' | 'F' | 'v' | 'e' | 'E' | 'i' | 'l' | 'W' => 1,
        'd' | 'D' | 'L' | 'o' | 'p' => 2,
        'b' | 'c' | 'C' | 'g' | 'h' | 'I' | 'M' | 'N' | 'n' | 'O' | 'P' | 'r' | 's' | 'S' | 't' | 'V' | 'Y' => 0,
        _ => return None,
    })
}

enum Cmd {
    Run,
    Exit(i32),
}

struct Options {
    /// Program sources in order: (name, text).
    sources: Vec<Source>,
    assigns: Vec<String>,
    fs: Option<String>,
    operands: Vec<String>,
}

fn usage_error() -> i32 {
    eprint!("{}", USAGE);
    1
}

fn unsupported(flag: &str) -> i32 {
    wsutil::report(&wsutil::Error::Unsupported(flag.to_string()), 2)
}

/// One option; returns Err(status) to stop.
fn apply_option(o: &mut Options, c: char, arg: Option<String>, spelled: &str) -> Result<Cmd, i32> {
    match c {
        'f' | 'E' => {
            let name = arg.unwrap_or_default();
            let text = match read_source(&name) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!(
                        "awk: fatal: cannot open source file `{}' for reading: {}",
                        name,
                        wsutil::strerror(&e)
                    );
                    return Err(2);
                }
            };
            o.sources.push(Source { name, text });
        }
        'e' => o.sources.push(Source { name: "cmd. line".into(), text: arg.unwrap_or_default().into_bytes() }),
        'F' => o.fs = arg,
        'v' => {
            let a = arg.unwrap_or_default();
            match a.find('=') {
                None => {
                    eprintln!("awk: `{}' argument to `-v' not in `var=value' form\n", a);
                    eprint!("{}", USAGE);
                    return Err(1);
                }
                Some(eq) if !valid_name(&a[..eq]) => {
                    eprintln!("awk: fatal: `{}' is not a legal variable name", &a[..eq]);
                    return Err(2);
                }
                Some(_) => o.assigns.push(a),
            }
        }
        'h' => {
            print!("{}", USAGE);
            return Ok(Cmd::Exit(0));
        }
        'V' => {
            print!("{}", VERSION);
            return Ok(Cmd::Exit(0));
        }
        'C' => {
            print!("{}", VERSION);
            return Ok(Cmd::Exit(0));
        }
        // Accepted: the defaults already behave so.
        'O' | 's' | 'r' | 'N' | 'Y' => {}
        _ => return Err(unsupported(spelled)),
    }
    Ok(Cmd::Run)
}

fn read_source(name: &str) -> std::io::Result<Vec<u8>> {
    if name == "-" || name == "/dev/stdin" {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut wsutil::io::stdin(), &mut v)?;
        return Ok(v);
    }
    std::fs::read(name)
}

fn parse_args(argv: &[String]) -> Result<Options, i32> {
    let mut o = Options { sources: Vec::new(), assigns: Vec::new(), fs: None, operands: Vec::new() };
    let mut i = 0;
    while i < argv.len() {
        let a = &argv[i];
        i += 1;
        if a == "--" {
            break;
        }
        if let Some(body) = a.strip_prefix("--") {
            let (name, val) = match body.find('=') {
                Some(eq) => (&body[..eq], Some(body[eq + 1..].to_string())),
                None => (body, None),
            };
            let exact = LONG.iter().find(|l| l.0 == name);
            let cands: Vec<&(&str, u8, char)> = match exact {
                Some(e) => vec![e],
                None => LONG.iter().filter(|l| l.0.starts_with(name)).collect(),
            };
            if cands.len() != 1 || name.is_empty() {
                return Err(usage_error());
            }
            let (full, kind, c) = *cands[0];
            let arg = match kind {
                0 => {
                    if val.is_some() {
                        return Err(usage_error());
                    }
                    None
                }
                1 => match val {
                    Some(v) => Some(v),
                    None if i < argv.len() => {
                        i += 1;
                        Some(argv[i - 1].clone())
                    }
                    None => {
                        eprintln!("awk: option requires an argument -- {}", c);
                        return Err(usage_error());
                    }
                },
                _ => val,
            };
            match apply_option(&mut o, c, arg, &format!("--{}", full))? {
                Cmd::Run => {}
                Cmd::Exit(s) => return Err(-1 - s),
            }
            if c == 'E' {
                break;
            }
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let chars: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            let mut stop = false;
            while j < chars.len() {
                let c = chars[j];
                j += 1;
                let kind = match short_kind(c) {
                    Some(k) => k,
                    None => return Err(usage_error()),
                };
                let arg = match kind {
                    0 => None,
                    1 => {
                        let rest: String = chars[j..].iter().collect();
                        j = chars.len();
                        if !rest.is_empty() {
                            Some(rest)
                        } else if i < argv.len() {
                            i += 1;
                            Some(argv[i - 1].clone())
                        } else {
                            eprintln!("awk: option requires an argument -- {}", c);
                            return Err(usage_error());
                        }
                    }
                    _ => {
                        let rest: String = chars[j..].iter().collect();
                        j = chars.len();
                        if rest.is_empty() {
                            None
                        } else {
                            Some(rest)
                        }
                    }
                };
                if c == 'W' {
                    // -W long-option
                    let w = arg.unwrap_or_default();
                    let (name, val) = match w.find('=') {
                        Some(eq) => (w[..eq].to_string(), Some(w[eq + 1..].to_string())),
                        None => (w.clone(), None),
                    };
                    let cands: Vec<&(&str, u8, char)> = LONG.iter().filter(|l| l.0.starts_with(name.as_str())).collect();
                    let exact = LONG.iter().find(|l| l.0 == name);
                    let opt = match (exact, cands.len()) {
                        (Some(e), _) => e,
                        (None, 1) => cands[0],
                        _ => return Err(usage_error()),
                    };
                    match apply_option(&mut o, opt.2, val, &format!("--{}", opt.0))? {
                        Cmd::Run => {}
                        Cmd::Exit(s) => return Err(-1 - s),
                    }
                    continue;
                }
                match apply_option(&mut o, c, arg, &format!("-{}", c))? {
                    Cmd::Run => {}
                    Cmd::Exit(s) => return Err(-1 - s),
                }
                if c == 'E' {
                    stop = true;
                }
            }
            if stop {
                break;
            }
            continue;
        }
        // The first operand ends the options.
        i -= 1;
        break;
    }
    o.operands = argv[i..].to_vec();
    if o.sources.is_empty() {
        if o.operands.is_empty() {
            return Err(usage_error());
        }
        let prog = o.operands.remove(0);
        o.sources.push(Source { name: "cmd. line".into(), text: prog.into_bytes() });
    }
    Ok(o)
}

pub fn main(argv: &[String]) -> i32 {
    let o = match parse_args(argv) {
        Ok(o) => o,
        Err(s) if s < 0 => return -1 - s,
        Err(s) => return s,
    };
    let mut out = std::io::stderr();
    let prog = match parse_program(&o.sources, &mut out) {
        Ok(p) => p,
        Err(code) => return code,
    };
    run(&prog, &o)
}

/// The caret line of a syntax error, as gawk's yyerror prints it.
fn report_syntax(sources: &[Source], e: &SyntaxError) {
    let src = sources.get(e.pos.src);
    let name = src.map_or("cmd. line", |s| s.name.as_str());
    if e.plain {
        eprintln!("awk: {}:{}: {}", name, e.pos.line, e.msg);
        return;
    }
    let text: &[u8] = src.map_or(&[][..], |s| &s.text[..]);
    let off = e.pos.off.min(text.len());
    let start = text[..off].iter().rposition(|&c| c == b'\n').map_or(0, |i| i + 1);
    let end = text[off..].iter().position(|&c| c == b'\n').map_or(text.len(), |i| off + i);
    let line_text = String::from_utf8_lossy(&text[start..end]);
    let (msg, line) = if e.at_end {
        // A newline token is counted as read (the next line), the end of
        // a source is not.
        ("unexpected newline or end of string".to_string(), if e.newline { e.pos.line + 1 } else { e.pos.line })
    } else {
        (e.msg.clone(), e.pos.line)
    };
    let caret: String = text[start..off].iter().map(|&c| if c == b'\t' { '\t' } else { ' ' }).collect();
    eprintln!("awk: {}:{}: {}", name, line, line_text);
    eprintln!("awk: {}:{}: {}^ {}", name, line, caret, msg);
}

fn parse_program(sources: &[Source], _err: &mut std::io::Stderr) -> Result<Compiled, i32> {
    let mut parser = match Parser::new(sources) {
        Ok(p) => p,
        Err(e) => {
            report_syntax(sources, &e);
            return Err(1);
        }
    };
    let ast = match parser.program() {
        Ok(a) => a,
        Err(e) => {
            print_lex_warnings(sources, &parser);
            print_parse_errors(sources, &parser);
            report_syntax(sources, &e);
            return Err(1);
        }
    };
    print_lex_warnings(sources, &parser);
    if !parser.errors.is_empty() {
        print_parse_errors(sources, &parser);
        return Err(1);
    }
    match awk_compile::compile(&ast) {
        Ok((c, warnings)) => {
            for (pos, msg) in warnings {
                let name = sources.get(pos.src).map_or("cmd. line", |s| s.name.as_str());
                eprintln!("awk: {}:{}: warning: {}", name, pos.line, msg);
            }
            Ok(c)
        }
        Err(errs) => {
            let mut fatal = false;
            for e in &errs {
                let name = sources.get(e.pos.src).map_or("cmd. line", |s| s.name.as_str());
                eprintln!("awk: {}:{}: {}: {}", name, e.pos.line, if e.fatal { "fatal" } else { "error" }, e.msg);
                fatal |= e.fatal;
            }
            Err(if fatal { 2 } else { 1 })
        }
    }
}

/// gawk's non-fatal `error:` lines, printed as the parser met them.
fn print_parse_errors(sources: &[Source], parser: &Parser) {
    for (pos, msg) in &parser.errors {
        let name = sources.get(pos.src).map_or("cmd. line", |s| s.name.as_str());
        eprintln!("awk: {}:{}: error: {}", name, pos.line, msg);
    }
}

fn print_lex_warnings(sources: &[Source], parser: &Parser) {
    let mut seen = std::collections::HashSet::new();
    for (pos, msg) in parser.warnings() {
        if !seen.insert((pos.src, pos.off)) {
            continue;
        }
        let name = sources.get(pos.src).map_or("cmd. line", |s| s.name.as_str());
        eprintln!("awk: {}:{}: warning: {}", name, pos.line, msg);
    }
}

/// Whether `name` can be an awk variable.
fn valid_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty() && (b[0] == b'_' || b[0].is_ascii_alphabetic()) && b.iter().all(|&c| c == b'_' || c.is_ascii_alphanumeric())
}

fn set_array(vm: &mut Vm, slot: u32, items: Vec<(Key, Value)>) {
    if let Slot::Arr(a) = &vm.globals[slot as usize] {
        let mut arr = a.a.borrow_mut();
        for (k, v) in items {
            arr.set(&k, v);
        }
    }
}

fn print_fatal(vm: &mut Vm, f: &Fatal) {
    let _ = vm.out.flush();
    let msg = vm.message("fatal", &f.msg, f.at);
    eprintln!("{}", msg);
}

fn run(prog: &Compiled, o: &Options) -> i32 {
    let mut vm = Vm::new(prog, &o.sources);
    // ARGV, ARGC, ENVIRON, PROCINFO.
    let mut argv = vec![(Key::from_int(0), Value::from_str(b"awk"))];
    for (i, a) in o.operands.iter().enumerate() {
        argv.push((Key::from_int(i as i64 + 1), Value::strnum(a.as_bytes())));
    }
    set_array(&mut vm, ARGV, argv);
    vm.globals[ARGC as usize] = Slot::Val(Value::Num((o.operands.len() + 1) as f64));
    let env: Vec<(Key, Value)> = std::env::vars_os()
        .map(|(k, v)| {
            let k = k.to_string_lossy().into_owned().into_bytes();
            let v = v.to_string_lossy().into_owned().into_bytes();
            (Key::from_text(Rc::new(k), false), Value::strnum(&v))
        })
        .collect();
    set_array(&mut vm, ENVIRON, env);
    let pi: Vec<(Key, Value)> = [
        ("FS", "FS"),
        ("version", "5.2.1"),
        ("api_major", "3"),
        ("api_minor", "2"),
        ("platform", "posix"),
        ("strftime", "%a %b %e %H:%M:%S %Z %Y"),
        ("pid", "1"),
        ("ppid", "0"),
        ("uid", "1000"),
        ("euid", "1000"),
        ("gid", "1000"),
        ("egid", "1000"),
        ("pgrpid", "1"),
        ("mb_cur_max", "6"),
    ]
    .iter()
    .map(|(k, v)| {
        let val = if v.bytes().all(|c| c.is_ascii_digit()) { Value::Num(v.parse::<f64>().unwrap_or(0.0)) } else { Value::from_str(v.as_bytes()) };
        (Key::from_text(Rc::new(k.as_bytes().to_vec()), false), val)
    })
    .collect();
    set_array(&mut vm, PROCINFO, pi);

    let status = match run_all(&mut vm, o) {
        Ok(()) => vm.exit_code & 0xff,
        Err(f) => {
            print_fatal(&mut vm, &f);
            vm.close_all();
            return 2;
        }
    };
    vm.close_all();
    status
}

fn run_all(vm: &mut Vm, o: &Options) -> Result<(), Fatal> {
    if let Some(fs) = &o.fs {
        let v = super::awk_builtins::process_escapes(fs.as_bytes());
        vm.set_global(FS, Value::Str(Rc::new(v)))?;
    }
    for a in &o.assigns {
        let eq = a.find('=').unwrap_or(0);
        let name = &a[..eq];
        let value = super::awk_builtins::process_escapes(a[eq + 1..].as_bytes());
        vm.assign_var(name, &value)?;
    }
    let prog = vm.prog;
    vm.rule_kind = RuleKind::Begin;
    for &b in &prog.begin {
        if vm.run(b)? == Flow::Exit {
            break;
        }
    }
    if !vm.exiting && prog.needs_input {
        main_loop(vm)?;
    }
    if !prog.end.is_empty() && !(vm.exiting && vm.in_end) {
        // exit in BEGIN or a rule still runs END.
        vm.exiting = false;
        vm.in_end = true;
        vm.rule_kind = RuleKind::End;
        for &e in &prog.end {
            if vm.run(e)? == Flow::Exit {
                break;
            }
        }
    }
    Ok(())
}

fn main_loop(vm: &mut Vm) -> Result<(), Fatal> {
    let prog = vm.prog;
    let mut rec = Vec::new();
    let mut rt = Vec::new();
    'records: loop {
        vm.rule_kind = RuleKind::Main;
        if !vm.main_record(&mut rec, &mut rt)? {
            break;
        }
        vm.count_record();
        vm.set_record_owned(&mut rec);
        vm.rule_kind = RuleKind::Main;
        for (i, rule) in prog.rules.iter().enumerate() {
            let (matched, flow) = match &rule.pattern {
                awk_compile::PatternCode::All => (true, Flow::Done),
                awk_compile::PatternCode::Expr(p) => pattern(vm, *p)?,
                awk_compile::PatternCode::Range(a, b) => {
                    if vm.range_on[i] {
                        let (end, f) = pattern(vm, *b)?;
                        if end {
                            vm.range_on[i] = false;
                        }
                        (true, f)
                    } else {
                        let (start, f) = pattern(vm, *a)?;
                        if start && f == Flow::Done {
                            let (end, f2) = pattern(vm, *b)?;
                            if !end {
                                vm.range_on[i] = true;
                            }
                            (true, f2)
                        } else {
                            (start, f)
                        }
                    }
                }
            };
            let flow = if flow != Flow::Done {
                flow
            } else if !matched {
                continue;
            } else {
                match rule.action {
                Some(a) => vm.run(a)?,
                None => {
                    vm.print_record()?;
                    Flow::Done
                }
            }
            };
            match flow {
                Flow::Done => {}
                Flow::Next => continue 'records,
                Flow::NextFile => {
                    vm.skip_file()?;
                    continue 'records;
                }
                Flow::Exit => break 'records,
            }
        }
    }
    Ok(())
}

/// Evaluates a pattern chunk: its truth, or how control left it (a
/// function called in a pattern may `exit`).
fn pattern(vm: &mut Vm, at: usize) -> Result<(bool, Flow), Fatal> {
    match vm.run(at)? {
        Flow::Done => Ok((vm.stack.pop().map_or(false, |v| v.truth()), Flow::Done)),
        f => Ok((false, f)),
    }
}
