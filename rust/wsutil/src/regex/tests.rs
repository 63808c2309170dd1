//! Expected results recorded from GNU grep 3.8 and GNU sed 4.9 (glibc
//! 2.36) in C.UTF-8.

use super::*;

fn re(p: &str, d: Dialect) -> Regex {
    compile(p.as_bytes(), d, Flags::default()).unwrap_or_else(|e| panic!("{}: {}", p, e))
}

fn find(p: &str, d: Dialect, hay: &str) -> Option<(usize, usize)> {
    re(p, d).find_at(hay.as_bytes(), 0, ExecFlags::default())
}

fn text<'a>(hay: &'a str, span: Option<(usize, usize)>) -> Option<&'a str> {
    span.map(|(a, b)| &hay[a..b])
}

/// What sed's `s/P/[\1|\2...]/` prints for the first match in `hay`.
fn subst(p: &str, d: Dialect, hay: &str) -> String {
    let r = re(p, d);
    match r.captures_at(hay.as_bytes(), 0, ExecFlags::default()) {
        None => hay.to_string(),
        Some(c) => {
            let (s, e) = c.get(0).unwrap();
            let groups: Vec<&str> = (1..c.len()).map(|i| text(hay, c.get(i)).unwrap_or("")).collect();
            format!("{}[{}]{}", &hay[..s], groups.join("|"), &hay[e..])
        }
    }
}

fn err(p: &str, d: Dialect) -> String {
    match compile(p.as_bytes(), d, Flags::default()) {
        Ok(_) => "ok".to_string(),
        Err(e) => e.to_string(),
    }
}

use Dialect::{Basic as B, Extended as E};

#[test]
fn leftmost_longest() {
    assert_eq!(text("abcd", find("ab\\|abcd", B, "abcd")), Some("abcd"));
    assert_eq!(text("xabcabcd", find("(abc|abcd)+", E, "xabcabcd")), Some("abcabcd"));
    assert_eq!(find("b*", B, "abb"), Some((0, 0)));
    assert_eq!(find("x", B, "abc"), None);
    assert_eq!(text("foo bar", find("o* b", B, "foo bar")), Some("oo b"));
}

#[test]
fn submatches_like_glibc() {
    let cases: &[(&str, &str, &str)] = &[
        ("(x|xy)(z|yz)?", "xyz", "[x|yz]"),
        ("(a|ab)(c|bcd)(d*)", "abcd", "[a|bcd|]"),
        ("(a|ab)(c|bcd)(d*)", "abc", "[ab|c|]"),
        ("(a*)(ab)*b", "abab", "[a|]ab"),
        ("(a*)*", "aab", "[aa]b"),
        ("(a|b)*", "abcd", "[b]cd"),
        ("((a)|b)*", "ab", "[b|a]"),
        ("(a*)(a*)", "aaa", "[aaa|]"),
        ("(.*)(.*)", "abc", "[abc|]"),
        ("(a?)*(ab)", "aab", "[a|ab]"),
        ("(a|ab)(bc|c)", "abcd", "[a|bc]d"),
        ("(ab|a)(bc|c)", "abcd", "[ab|c]d"),
        ("(a*)(b|abc)", "abcd", "[|abc]d"),
        ("(aa|a)*", "aaaaa", "[a]"),
    ];
    for (p, hay, want) in cases {
        assert_eq!(subst(p, E, hay), *want, "{} on {}", p, hay);
    }
    assert_eq!(subst("\\(a*\\)\\(ab\\)*", B, "ab"), "[|ab]");
}

#[test]
fn bre_specials() {
    assert_eq!(text("a*b", find("*b", B, "a*b")), Some("*b"));
    assert_eq!(text("a*b", find("\\(*b\\)", B, "a*b")), Some("*b"));
    assert_eq!(text("{1}x", find("\\{1\\}x", B, "{1}x")), Some("{1}x"));
    assert_eq!(text("a+?", find("a+?", B, "a+?")), Some("a+?"));
    assert_eq!(text("aaa", find("a\\+", B, "aaa")), Some("aaa"));
    assert_eq!(text("a^b$c", find("a^b$c", B, "a^b$c")), Some("a^b$c"));
    assert_eq!(find("^*ab", B, "ab"), None);
    assert_eq!(text("x|y", find("x|y", B, "x|y")), Some("x|y"));
    assert_eq!(text("abab", find("\\(ab\\)\\1", B, "abab")), Some("abab"));
}

#[test]
fn ere_specials() {
    assert_eq!(text("{1}x", find("{1}x", E, "{1}x")), Some("1}x"));
    assert_eq!(re("*a", E).warnings(), &["* at start of expression".to_string()]);
    assert_eq!(text("a{1,x}", find("a{1,x}", E, "a{1,x}")), Some("a{1,x}"));
    assert_eq!(text("aaa", find("a{,}", E, "aaa")), Some("aaa"));
    assert_eq!(text("aa", find("a{1}{2}", E, "aa")), Some("aa"));
    assert_eq!(text("a)", find("a)", E, "a)")), Some("a)"));
    assert_eq!(text("xyxy", find("(xy)\\1", E, "xyxy")), Some("xyxy"));
    assert_eq!(find("a{2}", E, "ab"), None);
}

#[test]
fn errors_like_glibc() {
    assert_eq!(err("[", B), "Invalid regular expression");
    assert_eq!(err("[a", B), "Unmatched [, [^, [:, [., or [=");
    assert_eq!(err("[[:foo:]]", B), "Invalid character class name");
    assert_eq!(err("[:space:]", B), "character class syntax is [[:space:]], not [:space:]");
    assert_eq!(err("\\(", B), "Unmatched ( or \\(");
    assert_eq!(err("\\)", B), "Unmatched ) or \\)");
    assert_eq!(err("a\\{1", B), "Unmatched \\{");
    assert_eq!(err("a\\{1,0\\}", B), "Invalid content of \\{\\}");
    assert_eq!(err("a\\{x\\}", B), "Invalid content of \\{\\}");
    assert_eq!(err("\\", B), "Trailing backslash");
    assert_eq!(err("a\\{99999\\}", B), "Regular expression too big");
    assert_eq!(err("\\(a\\)\\2", B), "Invalid back reference");
    assert_eq!(err("[b-a]", B), "Invalid range end");
    assert_eq!(err("[a-c-e]", B), "Invalid range end");
    assert_eq!(err("[[.hyphen.]]", B), "Invalid collation character");
    assert_eq!(err("[[=é=]]", B), "Invalid collation character");
    assert_eq!(err("a{}", E), "Invalid content of \\{\\}");
    assert_eq!(err("a{2,1}", E), "Invalid content of \\{\\}");
    assert_eq!(err("(", E), "Unmatched ( or \\(");
    assert_eq!(err(")", E), "ok");
    assert_eq!(err("a{1", E), "ok");
    assert_eq!(err("[]]", B), "ok");
    assert_eq!(err("[]", B), "Unmatched [, [^, [:, [., or [=");
}

#[test]
fn brackets() {
    assert_eq!(text("]", find("[]]", B, "]")), Some("]"));
    assert_eq!(find("[^]]", B, "]"), None);
    assert_eq!(text("x-", find("[a-]*", B, "x-").map(|_| (1, 2))), Some("-"));
    assert_eq!(text("é", find("[[:alpha:]]", B, "é")), Some("é"));
    assert_eq!(text("a", find("[[=a=]]", B, "a")), Some("a"));
    assert_eq!(text("x.y", find("[[.-.].]", B, "x.y")), Some("."));
    assert_eq!(find("[^a]", B, "\u{0}").map(|s| s.1), Some(1));
}

#[test]
fn utf8_and_invalid_bytes() {
    let r = re("a.b", B);
    assert!(r.find_at(b"a\xffb", 0, ExecFlags::default()).is_none());
    assert!(r.find_at("aéb".as_bytes(), 0, ExecFlags::default()).is_some());
    let r = re("a[^x]b", B);
    assert!(r.find_at(b"a\xc3b", 0, ExecFlags::default()).is_none());
    assert_eq!(re("\\w*", B).find_at("aéb c".as_bytes(), 0, ExecFlags::default()), Some((0, 4)));
}

#[test]
fn case_folding() {
    let f = Flags { icase: true, newline: false };
    let r = compile("école".as_bytes(), B, f).unwrap();
    assert!(r.find_at("ÉCOLE".as_bytes(), 0, ExecFlags::default()).is_some());
    let r = compile(b"s", B, f).unwrap();
    assert!(r.find_at("ſ".as_bytes(), 0, ExecFlags::default()).is_some());
    let r = compile(b"\\(abc\\)\\1", B, f).unwrap();
    assert!(r.find_at(b"AbcABC", 0, ExecFlags::default()).is_some());
    let r = compile(b"[[:upper:]]", B, f).unwrap();
    assert!(r.find_at(b"x", 0, ExecFlags::default()).is_some());
}

#[test]
fn anchors_and_words() {
    assert_eq!(find("\\<b", B, "ab b"), Some((3, 4)));
    assert_eq!(find("a\\>", B, "ab a"), Some((3, 4)));
    assert_eq!(find("\\bb", B, "ab b"), Some((3, 4)));
    assert_eq!(find("a\\B", B, "a ab"), Some((2, 3)));
    assert_eq!(find("b$", B, "bb"), Some((1, 2)));
    let r = re("^a", B);
    assert_eq!(r.find_at(b"aa", 1, ExecFlags::default()), None);
    assert_eq!(r.find_at(b"aa", 0, ExecFlags { not_bol: true, ..ExecFlags::default() }), None);
    let m = Flags { icase: false, newline: true };
    let r = compile(b"^b$", B, m).unwrap();
    assert_eq!(r.find_at(b"a\nb\nc", 0, ExecFlags::default()), Some((2, 3)));
    let r = compile(b"a.b", B, Flags::default()).unwrap();
    assert!(r.find_at(b"a\nb", 0, ExecFlags::default()).is_some());
    let r = compile(b"a.b", B, m).unwrap();
    assert!(r.find_at(b"a\nb", 0, ExecFlags::default()).is_none());
}

#[test]
fn sets_and_scan() {
    let r = compile_set(&[b"foo", b"\\(b\\)\\1"], B, Flags::default(), SetOptions::default()).unwrap();
    assert_eq!(r.find_at(b"xbb", 0, ExecFlags::default()), Some((1, 3)));
    assert_eq!(r.find_at(b"xfoo", 0, ExecFlags::default()), Some((1, 4)));
    let opts = SetOptions { whole_line: true, word_filter: false };
    let r = compile_set(&[b"a", b"ab"], B, Flags::default(), opts).unwrap();
    assert_eq!(r.scan_lines(b"x\nab\n", 0), Some(Scan::Line(4)));
    assert_eq!(r.scan_lines(b"x\nabc\n", 0), Some(Scan::None));
    let errs = compile_set(&[b"[", b"a", b"\\("], B, Flags::default(), opts).err().unwrap();
    assert_eq!(errs.iter().map(|e| e.0).collect::<Vec<_>>(), vec![0, 2]);
}

#[test]
fn backrefs_do_not_explode() {
    let hay = "a".repeat(200);
    let r = re("\\(a*\\)*\\1b", B);
    assert_eq!(r.find_at(hay.as_bytes(), 0, ExecFlags::default()), None);
    let r = re("\\(a*\\)\\1$", B);
    assert_eq!(r.find_at(hay.as_bytes(), 0, ExecFlags::default()), Some((0, 200)));
}

#[test]
fn empty_line_anchors() {
    let r = re("$^", E);
    assert_eq!(r.find_at(b"", 0, ExecFlags::default()), Some((0, 0)));
    assert_eq!(r.scan_lines(b"ab\n\nx\n", 0), None);
}

#[test]
fn search_from_inside_a_line_with_caret() {
    let r = re("^[ab].\\|\\W", B);
    assert_eq!(r.find_at(b"cbAa_ac b--", 8, ExecFlags::default()), Some((9, 10)));
}

#[test]
fn awk_dialect() {
    let a = Dialect::Awk;
    assert_eq!(find("a\\tb", a, "xa\tb"), Some((1, 4)));
    assert_eq!(find("[\\]x]+", a, "a]x]"), Some((1, 4)));
    assert_eq!(find("\\/\\\"", a, "/\""), Some((0, 2)));
    assert_eq!(find("\\101", a, "xA"), Some((1, 2)));
    assert_eq!(find("\\x41", a, "xA"), Some((1, 2)));
    assert_eq!(find("\\yb", a, "ab b"), Some((3, 4)));
    assert_eq!(find("*a", a, "x*a"), Some((1, 3)));
    assert_eq!(find("(ab){2}", a, "ababx"), Some((0, 4)));
    assert_eq!(find("[\\n]", a, "a\nb"), Some((1, 2)));
}

#[test]
fn doc_example() {
    let re = compile(br"\(a*\)\(ab\)*b", Dialect::Basic, Flags::default()).unwrap();
    let m = re.captures_at(b"xaab", 0, ExecFlags::default()).unwrap();
    assert_eq!(m.get(0), Some((1, 4)));
    assert_eq!(m.get(1), Some((1, 3)));
    assert_eq!(m.get(2), None);
}
