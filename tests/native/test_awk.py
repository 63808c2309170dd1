"""awk beyond the case files: what the host cannot be compared with (the
clock, --version's text, deep recursion limits, big streamed inputs)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from wasmsand import Sandbox

WORKDIR = "/home/user/work"


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        sandbox.files.mkdir(WORKDIR)
        yield sandbox


def awk(sb: Sandbox, cmd: str, stdin: str | None = None) -> tuple[str, str, int]:
    r = sb.commands.run(cmd, cwd=WORKDIR, stdin=stdin, env={"TZ": "UTC"}, timeout=120)
    return r.stdout, r.stderr, r.exit_code


def test_version_names_us(sb: Sandbox) -> None:
    out, err, code = awk(sb, "awk --version")
    assert code == 0 and err == ""
    first = out.splitlines()[0]
    assert first.startswith("GNU Awk 5.2") or "awk" in first.lower()
    out2, _, code2 = awk(sb, "awk -V")
    assert code2 == 0 and out2 == out


def test_clock(sb: Sandbox) -> None:
    out, _, code = awk(sb, "awk 'BEGIN { t = systime(); print t; print strftime(\"%Y\", t) }'")
    assert code == 0
    t, year = out.split()
    assert int(t) > 1_600_000_000
    assert 2020 <= int(year) < 2100
    out, _, _ = awk(sb, "awk 'BEGIN { print strftime() }'")
    assert len(out.split()) >= 5


def test_srand_without_seed_uses_the_clock(sb: Sandbox) -> None:
    out, _, code = awk(sb, "awk 'BEGIN { srand(); print srand() }'")
    assert code == 0 and int(out) > 1_600_000_000


def test_deep_recursion(sb: Sandbox) -> None:
    prog = "function f(n) { return n == 0 ? 0 : 1 + f(n - 1) } BEGIN { print f(N) }"
    for depth in (1000, 10000):
        out, err, code = awk(sb, f"awk -v N={depth} '{prog}'")
        assert (out, err, code) == (f"{depth}\n", "", 0)
    fib = "function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2) } BEGIN { print fib(20) }"
    assert awk(sb, f"awk '{fib}'")[0] == "6765\n"


def test_runaway_recursion_fails_cleanly(sb: Sandbox) -> None:
    _, err, code = awk(sb, "awk 'function f(n) { return f(n + 1) } BEGIN { f(1) }'")
    assert code != 0
    assert "awk" in err


def test_big_input_streams(sb: Sandbox) -> None:
    r = sb.commands.run("seq 200000 | awk '{ s += $1; n++ } END { print s, n }'", cwd=WORKDIR, timeout=120)
    assert (r.stdout, r.exit_code) == ("20000100000 200000\n", 0)
    r = sb.commands.run("seq 100000 | awk 'NR % 25000 == 0'", cwd=WORKDIR, timeout=120)
    assert r.stdout == "25000\n50000\n75000\n100000\n"


def test_refused_options(sb: Sandbox) -> None:
    for opt in ("--non-decimal-data", "-M", "--bignum"):
        _, err, code = awk(sb, f"awk {opt} 'BEGIN {{ print 1 }}'")
        assert code != 0, opt
        assert err, opt
