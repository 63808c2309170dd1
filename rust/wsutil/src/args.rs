//! GNU `getopt_long`-compatible argument parsing, shared by every applet.
//!
//! Agents type the flags they learned on GNU/Linux, so the parser follows
//! glibc: options and operands may be interleaved (unless the applet asks to
//! stop at the first operand), short options cluster (`-nb`), a required
//! argument may be attached (`-n5`, `--lines=5`) or separate (`-n 5`,
//! `--lines 5`), an optional argument only attached, long options may be
//! abbreviated to any unambiguous prefix, `--` ends the options and a lone
//! `-` is an operand. The error messages are glibc's, word for word.

use super::UsageError;

/// Whether an option takes an argument.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum HasArg {
    No,
    Required,
    Optional,
}

/// A long option: its name, whether it takes an argument, and the key the
/// applet matches on (a short option letter, or a private character for
/// long-only options, as `getopt_long` returns values above 255).
pub type LongOpt = (&'static str, HasArg, char);

/// Keys for long-only options. Private-use code points never clash with a
/// real option letter.
pub const HELP: char = '\u{e000}';
pub const VERSION: char = '\u{e001}';
pub const LONG1: char = '\u{e010}';
pub const LONG2: char = '\u{e011}';
pub const LONG3: char = '\u{e012}';
pub const LONG4: char = '\u{e013}';
pub const LONG5: char = '\u{e014}';
pub const LONG6: char = '\u{e015}';
pub const LONG7: char = '\u{e016}';
pub const LONG8: char = '\u{e017}';

/// The option table of one applet.
pub struct Spec {
    /// Short options in getopt's syntax: `n:` takes an argument, `n::` an
    /// optional (attached) one.
    pub short: &'static str,
    pub long: &'static [LongOpt],
    /// GNU permutes options and operands; `env`, `xargs`, `timeout` and the
    /// like stop at the first operand so the command's own flags are left.
    pub stop_at_operand: bool,
}

/// One parsed item, in command-line order.
#[derive(Debug, PartialEq, Eq)]
pub enum Item {
    Opt(char, Option<String>),
    Operand(String),
}

/// Parses `args` (without argv[0]) against `spec`.
pub fn parse(spec: &Spec, args: &[String]) -> Result<Vec<Item>, UsageError> {
    let mut items = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "--" {
            items.extend(args[i..].iter().cloned().map(Item::Operand));
            break;
        }
        if let Some(body) = arg.strip_prefix("--") {
            i = parse_long(spec, body, args, i, &mut items)?;
        } else if arg.len() > 1 && arg.starts_with('-') {
            i = parse_short_cluster(spec, &arg[1..], args, i, &mut items)?;
        } else {
            items.push(Item::Operand(arg.clone()));
            if spec.stop_at_operand {
                items.extend(args[i..].iter().cloned().map(Item::Operand));
                break;
            }
        }
    }
    Ok(items)
}

fn short_kind(spec: &Spec, c: char) -> Option<HasArg> {
    let s = spec.short;
    let pos = s.char_indices().find(|&(_, x)| x == c && x != ':')?.0;
    let rest = &s[pos + c.len_utf8()..];
    if rest.starts_with("::") {
        Some(HasArg::Optional)
    } else if rest.starts_with(':') {
        Some(HasArg::Required)
    } else {
        Some(HasArg::No)
    }
}

fn parse_short_cluster(
    spec: &Spec,
    cluster: &str,
    args: &[String],
    mut next: usize,
    items: &mut Vec<Item>,
) -> Result<usize, UsageError> {
    for (pos, c) in cluster.char_indices() {
        let kind = match short_kind(spec, c) {
            Some(k) => k,
            None => return Err(UsageError::new(format!("invalid option -- '{}'", c))),
        };
        let rest = &cluster[pos + c.len_utf8()..];
        match kind {
            HasArg::No => items.push(Item::Opt(c, None)),
            HasArg::Optional => {
                let value = if rest.is_empty() { None } else { Some(rest.to_string()) };
                items.push(Item::Opt(c, value));
                return Ok(next);
            }
            HasArg::Required => {
                if !rest.is_empty() {
                    items.push(Item::Opt(c, Some(rest.to_string())));
                } else if next < args.len() {
                    items.push(Item::Opt(c, Some(args[next].clone())));
                    next += 1;
                } else {
                    return Err(UsageError::new(format!(
                        "option requires an argument -- '{}'",
                        c
                    )));
                }
                return Ok(next);
            }
        }
    }
    Ok(next)
}

fn parse_long(
    spec: &Spec,
    body: &str,
    args: &[String],
    mut next: usize,
    items: &mut Vec<Item>,
) -> Result<usize, UsageError> {
    let (name, attached) = match body.find('=') {
        Some(eq) => (&body[..eq], Some(body[eq + 1..].to_string())),
        None => (body, None),
    };
    let opt = find_long(spec, name, body)?;
    let (full, kind, key) = *opt;
    let value = match kind {
        HasArg::No => {
            if attached.is_some() {
                return Err(UsageError::new(format!(
                    "option '--{}' doesn't allow an argument",
                    full
                )));
            }
            None
        }
        HasArg::Optional => attached,
        HasArg::Required => match attached {
            Some(v) => Some(v),
            None if next < args.len() => {
                next += 1;
                Some(args[next - 1].clone())
            }
            None => {
                return Err(UsageError::new(format!(
                    "option '--{}' requires an argument",
                    full
                )))
            }
        },
    };
    items.push(Item::Opt(key, value));
    Ok(next)
}

fn find_long<'a>(spec: &'a Spec, name: &str, body: &str) -> Result<&'a LongOpt, UsageError> {
    if let Some(exact) = spec.long.iter().find(|o| o.0 == name) {
        return Ok(exact);
    }
    let candidates: Vec<&LongOpt> = spec.long.iter().filter(|o| o.0.starts_with(name)).collect();
    match candidates.len() {
        0 => Err(UsageError::new(format!("unrecognized option '--{}'", body))),
        1 => Ok(candidates[0]),
        _ => {
            // Several names for the same option are not an ambiguity.
            let first = candidates[0];
            if candidates.iter().all(|o| o.1 == first.1 && o.2 == first.2) {
                return Ok(first);
            }
            let names: Vec<String> = candidates.iter().map(|o| format!("'--{}'", o.0)).collect();
            Err(UsageError::new(format!(
                "option '--{}' is ambiguous; possibilities: {}",
                name,
                names.join(" ")
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: Spec = Spec {
        short: "n:bc::",
        long: &[
            ("number", HasArg::Required, 'n'),
            ("numeric", HasArg::No, 'b'),
            ("color", HasArg::Optional, 'c'),
            ("help", HasArg::No, HELP),
        ],
        stop_at_operand: false,
    };

    fn strs(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn permutes_and_clusters() {
        let items = parse(&SPEC, &strs(&["a", "-bn5", "b", "--", "-c"])).unwrap();
        assert_eq!(
            items,
            vec![
                Item::Operand("a".into()),
                Item::Opt('b', None),
                Item::Opt('n', Some("5".into())),
                Item::Operand("b".into()),
                Item::Operand("-c".into()),
            ]
        );
    }

    #[test]
    fn long_prefixes() {
        assert!(parse(&SPEC, &strs(&["--num=1"])).is_err());
        let items = parse(&SPEC, &strs(&["--numb", "3", "--he"])).unwrap();
        assert_eq!(items, vec![Item::Opt('n', Some("3".into())), Item::Opt(HELP, None)]);
    }
}
