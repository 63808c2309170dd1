//! jq's command line (1.7.1): options parsed jq's own way (short flags
//! may be bundled, `--arg name value`, the first operand is the filter),
//! the run over the inputs, and the exit status rules.

use crate::ast::{Expr, FuncDef};
use crate::builtins;
use crate::check::Checker;
use crate::input::{InputState, Source};
use crate::interp::{Ctl, Env, Interp, PV};
use crate::parser;
use crate::value::{self, Colors, DumpOpts, Map, Value};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::rc::Rc;

const VERSION: &str = "1.7.1";
const PRELUDE: &str = include_str!("prelude.jq");

const OK_NULL_KIND: i32 = -1;
const ERROR_SYSTEM: i32 = 2;
const ERROR_COMPILE: i32 = 3;
const OK_NO_OUTPUT: i32 = -4;
const ERROR_UNKNOWN: i32 = 5;

#[derive(Default)]
struct Opts {
    slurp: bool,
    raw_in: bool,
    null_in: bool,
    raw_out: bool,
    raw0: bool,
    join: bool,
    ascii: bool,
    sort: bool,
    color: Option<bool>,
    unbuffered: bool,
    from_file: bool,
    seq: bool,
    stream: bool,
    exit_status: bool,
    /// None: two spaces; Some(0) compact; Some(-1) tab.
    indent: i32,
}

fn die() -> i32 {
    eprintln!("Use jq --help for help with command-line options,");
    eprintln!("or see the jq manpage, or online docs  at https://jqlang.github.io/jq");
    2
}

fn usage(out: &mut dyn Write, short: bool) {
    let _ = write!(
        out,
        "Usage:\tjq [OPTIONS] FILTER [FILES...]\n\tjq [OPTIONS] --args FILTER [ARGUMENTS...]\n\tjq [OPTIONS] --jsonargs FILTER [JSON_VALUES...]\n\n\
jq is a tool for processing JSON inputs, applying the given filter to\n\
its JSON text inputs and producing the filter's results as JSON on\n\
standard output.\n\n\
The simplest filter is ., which copies jq's input to its output\n\
unmodified except for formatting. For more advanced filters see\n\
the jq(1) manpage (\"man jq\") and/or https://jqlang.github.io/jq/.\n\n\
Example:\n\n\t$ echo '{{\"foo\": 0}}' | jq .\n\t{{\n\t  \"foo\": 0\n\t}}\n\n"
    );
    if short {
        let _ = writeln!(out, "For listing the command options, use jq --help.");
        return;
    }
    let _ = write!(
        out,
        "Command options:\n\
  -n, --null-input          use `null` as the single input value;\n\
  -R, --raw-input           read each line as string instead of JSON;\n\
  -s, --slurp               read all inputs into an array and use it as\n\
                            the single input value;\n\
  -c, --compact-output      compact instead of pretty-printed output;\n\
  -r, --raw-output          output strings without escapes and quotes;\n\
      --raw-output0         implies -r and output NUL after each output;\n\
  -j, --join-output         implies -r and output without newline after\n\
                            each output;\n\
  -a, --ascii-output        output strings by only ASCII characters\n\
                            using escape sequences;\n\
  -S, --sort-keys           sort keys of each object on output;\n\
  -C, --color-output        colorize JSON output;\n\
  -M, --monochrome-output   disable colored output;\n\
      --tab                 use tabs for indentation;\n\
      --indent n            use n spaces for indentation (max 7 spaces);\n\
      --unbuffered          flush output stream after each output;\n\
      --stream              parse the input value in streaming fashion;\n\
      --stream-errors       implies --stream and report parse error as\n\
                            an array;\n\
      --seq                 parse input/output as application/json-seq;\n\
  -f, --from-file file      load filter from the file;\n\
  -L directory              search modules from the directory;\n\
      --arg name value      set $name to the string value;\n\
      --argjson name value  set $name to the JSON value;\n\
      --slurpfile name file set $name to an array of JSON values read\n\
                            from the file;\n\
      --rawfile name file   set $name to string contents of file;\n\
      --args                consume remaining arguments as positional\n\
                            string values;\n\
      --jsonargs            consume remaining arguments as positional\n\
                            JSON values;\n\
  -e, --exit-status         set exit status code based on the output;\n\
  -V, --version             show the version;\n\
  -h, --help                show the help;\n\
  --                        terminates argument processing;\n\n\
Named arguments are also available as $ARGS.named[], while\n\
positional arguments are available as $ARGS.positional[].\n"
    );
}

fn is_optish(a: &str) -> bool {
    let b = a.as_bytes();
    b.len() >= 2 && b[0] == b'-' && (b[1] == b'-' || b[1].is_ascii_alphabetic())
}

fn read_file(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("Could not open {}: {}", path, wsutil::strerror(&e)))
}

pub fn main(argv: &[String]) -> i32 {
    let mut o = Opts { indent: 2, ..Opts::default() };
    let mut program: Option<String> = None;
    let mut files: Vec<String> = Vec::new();
    let mut positional: Vec<Value> = Vec::new();
    let mut named = Map::new();
    let mut args_mode = 0; // 1: --args, 2: --jsonargs
    let mut done = false;
    let mut i = 0;
    while i < argv.len() {
        let a = &argv[i];
        if done || !is_optish(a) {
            if program.is_none() {
                program = Some(a.clone());
            } else if args_mode == 1 {
                positional.push(Value::str(a));
            } else if args_mode == 2 {
                match crate::json::parse_one(a) {
                    Ok(v) => positional.push(v),
                    Err(_) => {
                        eprintln!("jq: invalid JSON text passed to --jsonargs");
                        return die();
                    }
                }
            } else {
                files.push(a.clone());
            }
            i += 1;
            continue;
        }
        if a == "--" {
            done = true;
            i += 1;
            continue;
        }
        if let Some(long) = a.strip_prefix("--") {
            let need = |n: usize| i + n < argv.len();
            match long {
                "slurp" => o.slurp = true,
                "raw-output" => o.raw_out = true,
                "raw-output0" => {
                    o.raw_out = true;
                    o.join = true;
                    o.raw0 = true;
                }
                "join-output" => {
                    o.raw_out = true;
                    o.join = true;
                }
                "compact-output" => o.indent = 0,
                "color-output" => o.color = Some(true),
                "monochrome-output" => o.color = Some(false),
                "ascii-output" => o.ascii = true,
                "unbuffered" => o.unbuffered = true,
                "sort-keys" => o.sort = true,
                "raw-input" => o.raw_in = true,
                "null-input" => o.null_in = true,
                "from-file" => o.from_file = true,
                "binary" => {}
                "tab" => o.indent = -1,
                "indent" => {
                    if !need(1) {
                        eprintln!("jq: --indent takes one parameter");
                        return die();
                    }
                    let n = atoi(&argv[i + 1]);
                    if !(-1..=7).contains(&n) {
                        eprintln!("jq: --indent takes a number between -1 and 7");
                        return die();
                    }
                    o.indent = n;
                    i += 1;
                }
                "seq" => o.seq = true,
                "stream" | "stream-errors" => o.stream = true,
                "exit-status" => o.exit_status = true,
                "args" => args_mode = 1,
                "jsonargs" => args_mode = 2,
                "arg" => {
                    if !need(2) {
                        eprintln!("jq: --arg takes two parameters (e.g. --arg varname value)");
                        return die();
                    }
                    if !named.contains_key(&argv[i + 1]) {
                        named.insert(Rc::from(argv[i + 1].as_str()), Value::str(&argv[i + 2]));
                    }
                    i += 2;
                }
                "argjson" => {
                    if !need(2) {
                        eprintln!("jq: --argjson takes two parameters (e.g. --argjson varname text)");
                        return die();
                    }
                    if !named.contains_key(&argv[i + 1]) {
                        match crate::json::parse_one(&argv[i + 2]) {
                            Ok(v) => named.insert(Rc::from(argv[i + 1].as_str()), v),
                            Err(_) => {
                                eprintln!("jq: invalid JSON text passed to --argjson");
                                return die();
                            }
                        }
                    }
                    i += 2;
                }
                "slurpfile" | "rawfile" => {
                    if !need(2) {
                        eprintln!("jq: --{} takes two parameters (e.g. --{} varname filename)", long, long);
                        return die();
                    }
                    if !named.contains_key(&argv[i + 1]) {
                        let data = read_file(&argv[i + 2]).and_then(|bytes| {
                            if long == "rawfile" {
                                Ok(Value::string(String::from_utf8_lossy(&bytes).into_owned()))
                            } else {
                                crate::json::parse_all(&bytes).map(Value::arr)
                            }
                        });
                        match data {
                            Ok(v) => named.insert(Rc::from(argv[i + 1].as_str()), v),
                            Err(m) => {
                                eprintln!("jq: Bad JSON in --{} {} {}: {}", long, argv[i + 1], argv[i + 2], m);
                                return ERROR_SYSTEM;
                            }
                        }
                    }
                    i += 2;
                }
                "help" => {
                    let mut out = wsutil::io::stdout();
                    usage(&mut out, false);
                    let _ = out.flush();
                    return 0;
                }
                "version" => {
                    println!("jq-{}", VERSION);
                    return 0;
                }
                "library-path" => {
                    i += 1;
                }
                _ => {
                    eprintln!("jq: Unknown option: {}", a);
                    return die();
                }
            }
            i += 1;
            continue;
        }
        // Bundled short options.
        let mut chars = a[1..].chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                's' => o.slurp = true,
                'r' => o.raw_out = true,
                'j' => {
                    o.raw_out = true;
                    o.join = true;
                }
                'c' => o.indent = 0,
                'C' => o.color = Some(true),
                'M' => o.color = Some(false),
                'a' => o.ascii = true,
                'S' => o.sort = true,
                'R' => o.raw_in = true,
                'n' => o.null_in = true,
                'f' => o.from_file = true,
                'e' => o.exit_status = true,
                'b' => {}
                'L' => {
                    if chars.peek().is_none() {
                        if i + 1 >= argv.len() {
                            eprintln!("-L takes a parameter: (e.g. -L /search/path or -L/search/path)");
                            return die();
                        }
                        i += 1;
                    }
                    break;
                }
                'h' => {
                    let mut out = wsutil::io::stdout();
                    usage(&mut out, false);
                    let _ = out.flush();
                    return 0;
                }
                'V' => {
                    println!("jq-{}", VERSION);
                    return 0;
                }
                _ => {
                    eprintln!("jq: Unknown option: {}", a);
                    return die();
                }
            }
        }
        i += 1;
    }

    let program_text = match (&program, o.from_file) {
        (None, _) => ".".to_string(),
        (Some(p), false) => p.clone(),
        (Some(p), true) => match read_file(p) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(m) => {
                eprintln!("jq: {}", m);
                return ERROR_SYSTEM;
            }
        },
    };
    if program.is_none() && o.from_file {
        let mut err = std::io::stderr();
        usage(&mut err, true);
        return 2;
    }
    if files.is_empty() {
        files.push("-".to_string());
    }
    run(&o, &program_text, files, positional, named)
}

fn atoi(s: &str) -> i32 {
    let t = s.trim_start();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let mut n: i64 = 0;
    for c in digits.bytes() {
        if !c.is_ascii_digit() {
            break;
        }
        n = (n * 10 + (c - b'0') as i64).min(1 << 40);
    }
    (if neg { -n } else { n }).clamp(i32::MIN as i64, i32::MAX as i64) as i32
}

/// jq's report of a compile error: the message, the line it is on, and
/// as many spaces as the column (where a caret was meant to go).
fn report(src: &str, msg: &str, pos: usize) {
    let pos = pos.min(src.len());
    let line_start = src[..pos].rfind('\n').map(|p| p + 1).unwrap_or(0);
    let line_end = src[pos..].find('\n').map(|p| pos + p).unwrap_or(src.len());
    let line_no = src[..pos].matches('\n').count() + 1;
    eprintln!(
        "jq: error: {} at <top-level>, line {}:\n{}{}",
        msg,
        line_no,
        &src[line_start..line_end],
        " ".repeat(pos - line_start)
    );
}

/// The jq-coded builtins, parsed and checked once.
fn load_prelude(natives: &'static [builtins::Native]) -> HashMap<(String, usize), &'static FuncDef> {
    let defs = match parser::parse_defs(PRELUDE) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("jq: internal error in builtins at {}: {}", e.pos, e.msg);
            Vec::new()
        }
    };
    let mut map = HashMap::new();
    let mut leaked = Vec::new();
    for d in defs {
        let d: &'static FuncDef = Box::leak(Box::new(d));
        map.insert((d.name.clone(), d.params.len()), d);
        leaked.push(d);
    }
    let mut ck = Checker::new(map.clone(), natives, HashSet::new());
    for d in &leaked {
        ck.check_def(d);
    }
    for (m, p) in ck.errors {
        eprintln!("jq: internal error in builtins at {}: {}", p, m);
    }
    map
}

fn env_object() -> Value {
    let mut m = Map::new();
    for (k, v) in std::env::vars_os() {
        m.insert(Rc::from(k.to_string_lossy().as_ref()), Value::string(v.to_string_lossy().into_owned()));
    }
    Value::obj(m)
}

struct Printer {
    out: wsutil::io::Out,
    opts: DumpOpts,
    raw: bool,
    raw0: bool,
    join: bool,
    seq: bool,
    unbuffered: bool,
}

fn run(o: &Opts, src: &str, files: Vec<String>, positional: Vec<Value>, named: Map) -> i32 {
    let natives = builtins::natives();
    let prelude = load_prelude(natives);
    let expr: &'static Expr = match parser::parse(src) {
        Ok(e) => Box::leak(Box::new(e)),
        Err(e) => {
            report(src, &e.msg, e.pos);
            eprintln!("jq: 1 compile error");
            return ERROR_COMPILE;
        }
    };
    let env_obj = env_object();
    let mut globals: Vec<(String, Value)> = Vec::new();
    globals.push(("ENV".to_string(), env_obj.clone()));
    let mut args_obj = Map::new();
    args_obj.insert(Rc::from("positional"), Value::arr(positional));
    args_obj.insert(Rc::from("named"), Value::obj(named.clone()));
    globals.push(("ARGS".to_string(), Value::obj(args_obj)));
    for (k, v) in named.iter() {
        globals.push((k.to_string(), v.clone()));
    }
    let mut ck = Checker::new(prelude.clone(), natives, globals.iter().map(|g| g.0.clone()).collect());
    ck.check(expr);
    if !ck.errors.is_empty() {
        let n = ck.errors.len();
        for (m, p) in &ck.sorted_errors() {
            report(src, m, *p);
        }
        eprintln!("jq: {} compile error{}", n, if n == 1 { "" } else { "s" });
        return ERROR_COMPILE;
    }
    let mut env = Rc::new(Env::Nil);
    for (k, v) in globals {
        env = Rc::new(Env::Var(k, v, env));
    }

    let mut it = Interp::new(natives, env_obj);
    let defs: Vec<&'static FuncDef> = prelude.values().copied().collect();
    it.builtin_names = builtins::builtin_names(natives, &defs);
    let st = Rc::new(RefCell::new(InputState::new(files, o.raw_in, o.slurp, o.seq)));
    st.borrow_mut().stream = o.stream;
    it.inputs = Some(Box::new(Source { st: st.clone() }));

    let color = match o.color {
        Some(c) => c,
        None => false,
    };
    let colors = if color {
        let mut c = Colors::default();
        if let Ok(spec) = std::env::var("JQ_COLORS") {
            if !c.set(&spec) {
                eprintln!("Failed to set $JQ_COLORS");
            }
        }
        Some(c)
    } else {
        None
    };
    let opts = DumpOpts {
        indent: if o.indent > 0 { o.indent as usize } else { 0 },
        tab: o.indent < 0,
        sort_keys: o.sort,
        ascii: o.ascii,
        color: colors,
    };
    let mut pr = Printer {
        out: wsutil::io::stdout(),
        opts,
        raw: o.raw_out,
        raw0: o.raw0,
        join: o.join,
        seq: o.seq,
        unbuffered: o.unbuffered,
    };

    let mut ret = OK_NO_OUTPUT;
    let mut last_result = -1;
    if o.null_in {
        let (r, _) = process(&mut it, expr, &env, Value::Null, &mut pr, &st);
        ret = r;
    } else {
        loop {
            let next = st.borrow_mut().next_value();
            match next {
                Some(Ok(v)) => {
                    let (r, halted) = process(&mut it, expr, &env, v, &mut pr, &st);
                    ret = r;
                    if ret <= 0 && ret != OK_NO_OUTPUT {
                        last_result = if ret != OK_NULL_KIND { 1 } else { 0 };
                    }
                    if halted {
                        break;
                    }
                }
                Some(Err(m)) => {
                    let _ = pr.out.flush();
                    eprintln!("jq: error (at {}): {}", st.borrow().position(), m);
                    ret = ERROR_SYSTEM;
                    break;
                }
                None => break,
            }
        }
    }
    if st.borrow().failures > 0 {
        ret = ERROR_SYSTEM;
    }
    if pr.out.flush().is_err() {
        return ERROR_SYSTEM;
    }
    if o.exit_status {
        if ret != OK_NO_OUTPUT {
            return ret.abs();
        }
        return match last_result {
            -1 => OK_NO_OUTPUT.abs(),
            0 => OK_NULL_KIND.abs(),
            _ => 0,
        };
    }
    ret.max(0)
}

/// Runs the program on one input; returns jq's `process` status and
/// whether the program halted.
fn process(it: &mut Interp, expr: &'static Expr, env: &Rc<Env>, input: Value, pr: &mut Printer, st: &Rc<RefCell<InputState>>) -> (i32, bool) {
    let mut ret = OK_NO_OUTPUT;
    let r = it.eval(expr, env, PV::val(input), &mut |_it, pv| {
        let v = pv.v;
        let mut text = String::new();
        if pr.raw {
            if let Value::Str(s) = &v {
                if pr.opts.ascii {
                    value::write_string(&mut text, &s[..], true);
                } else if pr.raw0 && s.contains('\0') {
                    return Err(Ctl::Err(Value::str("Cannot dump a string containing NUL with --raw-output0 option")));
                } else {
                    text.push_str(&s[..]);
                }
                ret = 0;
            }
        }
        if text.is_empty() && !(pr.raw && matches!(v, Value::Str(_))) {
            ret = if matches!(v, Value::Null | Value::Bool(false)) { OK_NULL_KIND } else { 0 };
            if pr.seq {
                text.push('\u{1e}');
            }
            value::dump_into(&mut text, &v, &pr.opts, 0);
        }
        if !pr.join {
            text.push('\n');
        }
        if pr.raw0 {
            text.push('\0');
        }
        if pr.out.write_all(text.as_bytes()).is_err() {
            return Err(Ctl::Halt(ERROR_SYSTEM));
        }
        if pr.unbuffered {
            let _ = pr.out.flush();
        }
        Ok(())
    });
    match r {
        Ok(()) => (ret, false),
        Err(Ctl::Halt(code)) => {
            let _ = pr.out.flush();
            (code, true)
        }
        Err(Ctl::Err(msg)) => {
            let _ = pr.out.flush();
            let pos = st.borrow().position();
            match &msg {
                Value::Null => return (ret, false),
                Value::Str(s) => eprintln!("jq: error (at {}): {}", pos, s),
                other => eprintln!("jq: error (at {}) (not a string): {}", pos, value::to_json(other)),
            }
            (ERROR_UNKNOWN, false)
        }
        Err(_) => (ret, false),
    }
}
