"""sed beyond the case files: refused flags (our own message), streaming
(the pipeline ends as soon as its reader does), in-place editing that fails
midway, large inputs and lines, and scripts of random bytes (never a trap)."""

from __future__ import annotations

import hashlib
import random
import time

import pytest

from wasmsand import Sandbox


@pytest.mark.parametrize("flag", ["--debug", "--posix"])
def test_refused_flags(sb: Sandbox, flag: str) -> None:
    r = sb.exec([["sed", flag, "p", "/dev/null"]])
    assert r.exit_code == 2
    assert "not supported by wasmsand" in r.stderr


@pytest.mark.parametrize("script", ["p", "s/y/n/g", "$!N;P;D", "n;d"])
def test_streams(sb: Sandbox, script: str) -> None:
    start = time.monotonic()
    r = sb.exec([["yes"], ["sed", script], ["head", "-n", "1"]], timeout=30)
    assert time.monotonic() - start < 10
    assert r.exit_code == 0
    assert r.stdout.count("\n") == 1


def test_in_place_failure_keeps_the_file(sb: Sandbox) -> None:
    """A read error at line 2 (`R` of a directory) ends sed with status 4:
    the file keeps its old contents and no temporary file is left."""
    body = "".join(f"line {i}\n" for i in range(10000))
    sb.files.write("/tmp/d/f", body)
    sb.exec([["mkdir", "/tmp/dir"]])
    r = sb.exec([["sed", "-i", "s/line/LINE/;2R /tmp/dir", "/tmp/d/f"]])
    assert r.exit_code == 4
    assert r.stderr == "sed: read error on /tmp/dir: Is a directory\n"
    assert sb.files.read("/tmp/d/f") == body
    assert sb.exec([["ls", "-A", "/tmp/d"]]).stdout == "f\n"


def test_in_place_leaves_only_the_file_and_backup(sb: Sandbox) -> None:
    sb.files.write("/tmp/d/f", "a\nb\n")
    r = sb.exec([["sed", "-i.bak", "s/a/A/", "/tmp/d/f"]])
    assert r.exit_code == 0
    assert sb.files.read("/tmp/d/f") == "A\nb\n"
    assert sb.files.read("/tmp/d/f.bak") == "a\nb\n"
    assert sb.exec([["ls", "-A", "/tmp/d"]]).stdout == "f\nf.bak\n"


def test_large_input(sb: Sandbox) -> None:
    """5 MB through `s/a/b/g` and a regex substitution, checked against
    Python's own result."""
    rng = random.Random(7)
    lines = ["".join(rng.choice("abc xyz") for _ in range(rng.randrange(0, 120))) for _ in range(80000)]
    body = "\n".join(lines) + "\n"
    sb.files.write("/tmp/big", body)
    r = sb.exec([["sed", "s/a/b/g", "/tmp/big"], ["md5sum"]], timeout=120)
    assert r.exit_code == 0
    assert r.stdout.split()[0] == hashlib.md5(body.replace("a", "b").encode()).hexdigest()
    r = sb.exec([["sed", "-E", "s/(x+)(y*)/<\\2\\1>/2", "/tmp/big"], ["wc", "-c"]], timeout=120)
    assert r.exit_code == 0
    assert int(r.stdout) > len(body)


def test_long_line_without_newline(sb: Sandbox) -> None:
    sb.files.write("/tmp/long", "ab" * 2_000_000)
    r = sb.exec([["sed", "s/b/c/g;s/$/!/", "/tmp/long"]], timeout=120)
    assert r.exit_code == 0
    assert r.stdout == "ac" * 2_000_000 + "!"


def test_random_scripts_never_trap(sb: Sandbox) -> None:
    """Scripts of random command characters either run or are refused
    with a message; none ends the module with a trap (status 134). No `:`
    and no `D`, which would allow endless loops (`:;b`, `G;D`)."""
    rng = random.Random(1)
    alphabet = "sypdnNgGhHxbtT{}!;,/\\$0123~+aicqQlz=&*.^[]()|?IMgew\n "
    sb.files.write("/tmp/in", "one\ntwo\nthree\n\nfour five\n")
    for _ in range(150):
        script = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 16)))
        if "e" in script or "w" in script:
            script = script.replace("e", "p").replace("w", "p")
        r = sb.exec([["sed", "-n", script, "/tmp/in"]], timeout=30)
        assert r.exit_code != 134, (script, r.stderr)
        assert "panicked" not in r.stderr, script
