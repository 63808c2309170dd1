"""jq 1.7.1 where the host's jq (Debian 12 ships 1.6) cannot be the
reference: number literals kept as written, the 1.7 builtins and syntax,
1.7's error wording, parse errors, and the command line's messages. The
expectations are jq 1.7.1's documented (manual, NEWS) behaviour."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from wasmsand import Sandbox

from .difftest import WORKDIR, prepare


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        prepare(sandbox, tmp_path_factory.mktemp("jq-host") / "work")
        yield sandbox


def jq(sb: Sandbox, cmd: str, stdin: str | None = None) -> tuple[str, str, int]:
    r = sb.commands.run(cmd, cwd=WORKDIR, stdin=stdin, env={"TZ": "UTC"}, timeout=60)
    return r.stdout_bytes.decode(), r.stderr_bytes.decode(), r.exit_code


CASES = [
    # Number literals keep their text until arithmetic touches them.
    (
        "jq -c .",
        "[1.0, 1.50, 100e-2, 1e2, 100000000000000000000, 0.1, -0]",
        "[1.0,1.50,1.00,1E+2,100000000000000000000,0.1,-0]\n",
    ),
    ("jq -n '100000000000000000000'", None, "100000000000000000000\n"),
    (
        "jq -c 'map([., . == 1]) | tojson'",
        "[1, 1.000, 1.0, 100e-2]",
        '"[[1,true],[1.000,true],[1.0,true],[1.00,true]]"\n',
    ),
    ("jq -c '[., tojson]'", "12345678909876543212345", '[12345678909876543212345,"12345678909876543212345"]\n'),
    ("jq '. < 0.12345678901234567890123456788'", "0.12345678901234567890123456789", "false\n"),
    ("jq -n '100000000000000000 < 100000000000000001'", None, "true\n"),
    ("jq -n '100000000000000000 + 10'", None, "100000000000000020\n"),
    (
        "jq -c '. as $big | [$big, $big + 1] | map(. > 10000000000000000000000000000000)'",
        "10000000000000000000000000000001",
        "[true,false]\n",
    ),
    ("jq -n '[1.0, -1.0, 1.5e3, 2.50 * 2]' -c", None, "[1.0,-1,1.5E+3,5]\n"),
    ("jq -n '1E1234567890 | .'", None, "1.7976931348623157e+308\n"),
    ("jq -c '., . + 0, tostring'", "1e1000", '1E+1000\n1.7976931348623157e+308\n"1E+1000"\n'),
    ("jq -c '.'", "[0.00001, 1e-7, 500000e-1, 99999999999999e1]", "[0.00001,1E-7,50000.0,9.9999999999999E+14]\n"),
    ("jq -n '\"\\(1.0) \\(1.50)\"'", None, '"1.0 1.50"\n'),
    ("jq -n 'have_literal_numbers'", None, "true\n"),
    # 1.7 builtins.
    ("jq -c 'pick(.a, .b.c, .x)'", '{"a": 1, "b": {"c": 2, "d": 3}, "e": 4}', '{"a":1,"b":{"c":2},"x":null}\n'),
    ("jq -c 'pick(.[2], .[0], .[0])'", "[1,2,3,4]", "[1,null,3]\n"),
    ("jq -c 'map(abs) == [10, 1.1, 0.1]'", "[-10, -1.1, -1e-1]", "true\n"),
    ("jq -c '[.[] | toarray]'", "[1, [2], null]", "[[1],[2],[null]]\n"),
    ("jq -c '[limit(0; 1, 2)], [limit(-1; 1, 2)], [limit(1; 1, 2)]'", "null", "[]\n[1,2]\n[1]\n"),
    ("jq -c '[nth(5; 1, 2)], [nth(1; 1, 2)]'", "null", "[]\n[2]\n"),
    ("jq -r '@base32, (@base32 | @base32d)'", '"abcdef"', "MFRGGZDFMY======\nabcdef\n"),
    ("jq -c '[splits(\", *\"; null)]'", '"ab,cd, ef"', '["ab","cd","ef"]\n'),
    ('jq -c \'[scan("ab"; "i")]\'', '"abAB"', '["ab","AB"]\n'),
    ("jq -c 'indices(\"aa\")'", '"aaa"', "[0,1]\n"),
    ("jq -c 'reverse'", '"abc"', '"cba"\n'),
    ("jq -c 'any(1, error(\"x\"); . == 1)'", "null", "true\n"),
    ("jq -c '(.[] | select(. >= 2)) |= empty'", "[1,5,3,0,7]", "[1,0]\n"),
    ("jq -c 'debug(\"msg\", .) | . + 1'", "2", "3\n"),
    ('jq -c \'ltrimstr("a"), rtrimstr("c"), ltrimstr(1)\'', '"abc"', '"bc"\n"ab"\n"abc"\n'),
    (
        'jq -c \'builtins | map(select(. == "pick/1" or . == "abs/0" or . == "toarray/0")) | sort\'',
        "null",
        '["abs/0","pick/1","toarray/0"]\n',
    ),
    # 1.7 syntax.
    ('jq -c \'.[] | if . == 1 then "one" elif . == 2 then "two" end\'', "[1, 2, 3]", '"one"\n"two"\n3\n'),
    ("jq -c '\"a\" as $key | {$key: 123}'", "null", '{"a":123}\n'),
    ("jq -c '.a.[\"b\"]'", '{"a": {"b": 123}}', "123\n"),
    ("jq -c '{$__loc__}'", "null", '{"__loc__":{"file":"<top-level>","line":1}}\n'),
    ("jq -c 'try error(\"\\($__loc__)\") catch .'", "null", '"{\\"file\\":\\"<top-level>\\",\\"line\\":1}"\n'),
    # Output options that 1.6 lacks.
    ('jq -n --raw-output0 \'"a", "b", 1\'', None, "a\x00b\x001\x00"),
    ("jq -n '\"abc\" | stderr'", None, '"abc"\n'),
]


@pytest.mark.parametrize(("cmd", "stdin", "want"), CASES, ids=[c[0][:60] for c in CASES])
def test_output(sb: Sandbox, cmd: str, stdin: str | None, want: str) -> None:
    out, err, code = jq(sb, cmd, stdin)
    assert (out, code) == (want, 0), err


ERRORS = [
    # 1.7's wording for indexing errors.
    ("jq '.a.b'", '{"a": 1}\n', 'jq: error (at <stdin>:1): Cannot index number with "b"\n', 5),
    ("jq -n '[1] | .[\"a\"]'", None, 'jq: error (at <unknown>): Cannot index array with "a"\n', 5),
    ("jq -n '{} | .[0]'", None, "jq: error (at <unknown>): Cannot index object with number\n", 5),
    ('jq -n \'{"a": 1} | getpath(["a", "b"])\'', None, 'jq: error (at <unknown>): Cannot index number with "b"\n', 5),
    ("jq -n '{\"a\": 1} | .a.b = 1'", None, 'jq: error (at <unknown>): Cannot index number with "b"\n', 5),
    ("jq -n 'input'", None, "jq: error (at <stdin>:0): No more inputs\n", 5),
    (
        "jq -n '[1, [2]] | join(\",\")'",
        None,
        'jq: error (at <unknown>): string ("1,") and array ([2]) cannot be added\n',
        5,
    ),
    (
        "jq -n 'null | splits(\"a\")'",
        None,
        "jq: error (at <unknown>): null (null) cannot be matched, as it is not a string\n",
        5,
    ),
    (
        "jq -n --raw-output0 '\"a\\u0000b\"'",
        None,
        "jq: error (at <unknown>): Cannot dump a string containing NUL with --raw-output0 option\n",
        5,
    ),
    # Parse errors in the input: 1.7 says where, and exits 2.
    ("jq .", "{\n", "jq: error (at <stdin>:1): Unfinished JSON term at EOF at line 2, column 0\n", 2),
    (
        "jq -c .",
        '{"a":1}\n{"a" 2}\n',
        "jq: error (at <stdin>:2): Expected separator between values at line 2, column 7\n",
        2,
    ),
    ("jq -c .", "[1,]", "jq: error (at <stdin>:0): Expected another array element at line 1, column 4\n", 2),
    ("jq .", "nan1", "jq: error (at <stdin>:0): Invalid literal at EOF at line 1, column 4\n", 2),
    (
        "jq . jq/bad.json",
        None,
        "jq: error (at jq/bad.json:1): Expected another key-value pair at line 1, column 9\n",
        2,
    ),
    (
        "jq . jq/trunc.json",
        None,
        "jq: error (at jq/trunc.json:1): Unfinished JSON term at EOF at line 2, column 0\n",
        2,
    ),
    # Command-line errors.
    (
        "jq --bogus .",
        None,
        "jq: Unknown option: --bogus\nUse jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://jqlang.github.io/jq\n",
        2,
    ),
    (
        "jq -nx .",
        None,
        "jq: Unknown option: -nx\nUse jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://jqlang.github.io/jq\n",
        2,
    ),
    (
        "jq -n --indent 8 .",
        None,
        "jq: --indent takes a number between -1 and 7\nUse jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://jqlang.github.io/jq\n",
        2,
    ),
    (
        "jq -n --arg x",
        None,
        "jq: --arg takes two parameters (e.g. --arg varname value)\nUse jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://jqlang.github.io/jq\n",
        2,
    ),
    (
        "jq -n --argjson x '{bad' .",
        None,
        "jq: invalid JSON text passed to --argjson\nUse jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://jqlang.github.io/jq\n",
        2,
    ),
    (
        "jq -n --jsonargs '$ARGS' '{bad'",
        None,
        "jq: invalid JSON text passed to --jsonargs\nUse jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://jqlang.github.io/jq\n",
        2,
    ),
]


@pytest.mark.parametrize(("cmd", "stdin", "want", "status"), ERRORS, ids=[c[0][:60] for c in ERRORS])
def test_errors(sb: Sandbox, cmd: str, stdin: str | None, want: str, status: int) -> None:
    _, err, code = jq(sb, cmd, stdin)
    assert (err, code) == (want, status)


@pytest.mark.parametrize("program", [".a |", "[1,2", "if . then 1", '"abc', "}", ".a b", "{a:}"])
def test_syntax_errors(sb: Sandbox, program: str) -> None:
    _, err, code = jq(sb, f"jq -n '{program}'")
    assert code == 3
    assert err.startswith("jq: error: syntax error, unexpected ")
    assert " at <top-level>, line 1:\n" in err
    assert err.endswith("jq: 1 compile error\n")


def test_version_and_help(sb: Sandbox) -> None:
    assert jq(sb, "jq --version") == ("jq-1.7.1\n", "", 0)
    out, err, code = jq(sb, "jq -h")
    assert code == 0 and err == ""
    assert out.startswith("Usage:\tjq [OPTIONS] FILTER [FILES...]\n")
    for flag in ("--raw-output0", "--slurpfile", "--jsonargs", "--exit-status", "--seq", "--tab", "--indent n"):
        assert flag in out


def test_default_filter_and_color(sb: Sandbox) -> None:
    assert jq(sb, "jq", '{"a":[1]}') == ('{\n  "a": [\n    1\n  ]\n}\n', "", 0)
    out, _, code = jq(sb, "jq -C -c .", '{"a":[1,"x",null]}')
    assert code == 0 and "\x1b[" in out
    assert jq(sb, "jq -M -c .", '{"a":1}')[0] == '{"a":1}\n'


def test_time_and_env(sb: Sandbox) -> None:
    out, _, code = jq(sb, "jq -n 'now | [type, . > 1700000000]' -c")
    assert (out, code) == ('["number",true]\n', 0)
    out, _, _ = jq(sb, "jq -n 'now | gmtime | length, (todate | test(\"^[0-9]{4}-\"))'")
    assert out == "8\ntrue\n"
    out, _, _ = jq(sb, "jq -n '$ENV | type, (env | has(\"TZ\"))'")
    assert out == '"object"\ntrue\n'


def test_deep_recursion_and_nesting(sb: Sandbox) -> None:
    out, err, code = jq(sb, "jq -n 'def f: if . < 25 then . + 1 | f else . end; 0 | f'")
    assert (out, code) == ("25\n", 0), err
    out, err, code = jq(sb, "jq -n 'def fib: if . < 2 then . else (. - 1 | fib) + (. - 2 | fib) end; 20 | fib'")
    assert (out, code) == ("6765\n", 0), err
    # Runaway recursion is an error, never a crash.
    _, err, code = jq(sb, "jq -n 'def f: [f]; f'")
    assert code == 5 and err.startswith("jq: error (at <unknown>): ")
    deep = "[" * 1000 + "]" * 1000
    out, err, code = jq(sb, "jq -c 'getpath([range(999) | 0])'", deep)
    assert (out, code) == ("[]\n", 0), err
    _, err, code = jq(sb, "jq .", "[" * 1001)
    assert code == 2 and "Exceeds depth limit for parsing" in err


def test_large_input_streams(sb: Sandbox) -> None:
    data = "".join(f'{{"i":{i},"s":"x{i}"}}\n' for i in range(20000))
    out, err, code = jq(sb, "jq -c 'select(.i % 5000 == 0) | .s'", data)
    assert (out, code) == ('"x0"\n"x5000"\n"x10000"\n"x15000"\n', 0), err
    out, _, _ = jq(sb, "jq -n '[inputs | .i] | add'", data)
    assert out == f"{sum(range(20000))}\n"
