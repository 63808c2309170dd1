"""grep beyond the case files: recursive searches, whose output follows
directory order (the sandbox's creation order, the host's hash order), are
compared with the host's as sorted lines; -P is refused."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from wasmsand import Sandbox

from .difftest import prepare, run_host, run_sandbox

RECURSIVE = [
    "grep -r hello grep/tree",
    "grep -rn hello grep/tree",
    "grep -rc hello grep/tree",
    "grep -rl hello grep/tree",
    "grep -rL hello grep/tree",
    "grep -rh hello grep/tree",
    "grep -r hello grep/tree/",
    "grep -R hello grep/tree",
    "grep -r --include='*.txt' hello grep/tree",
    "grep -r --include='*.c' --include='*.log' hello grep/tree",
    "grep -r --exclude='*.txt' hello grep/tree",
    "grep -r --exclude='a*' hello grep/tree",
    "grep -r --include='*.log' --exclude='b*' hello grep/tree",
    "grep -r --exclude='b*' --include='*.log' hello grep/tree",
    "grep -r --exclude-from=grep/excl hello grep/tree",
    "grep -r --exclude-dir=sub hello grep/tree",
    "grep -r --exclude-dir=deep hello grep/tree",
    "grep -r --exclude-dir='s*' hello grep/tree",
    "grep -r --exclude-dir=tree hello grep/tree",
    "grep -r --exclude-dir=.hid --exclude-dir=skipme hello grep/tree",
    "grep -r -i 'HELLO$' grep/tree",
    "grep -rw hello grep/tree",
    "grep -r -a hello grep/tree",
    "grep -r -I hello grep/tree",
    "grep -r -Z -l hello grep/tree",
    "grep -d recurse -l hello grep/tree",
]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sb:
        yield sb


@pytest.fixture(scope="module")
def host_base() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="wasmsand-grep-"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


def _lines(data: bytes) -> list[bytes]:
    """Output records (newline- or NUL-terminated), sorted."""
    return sorted(part for part in re.split(rb"(?<=[\n\x00])", data) if part)


@pytest.mark.parametrize("command", RECURSIVE)
def test_recursive_matches_host_as_sorted_lines(sandbox: Sandbox, host_base: Path, command: str) -> None:
    host_dir = host_base / "work"
    prepare(sandbox, host_dir)
    want = run_host(command, host_dir)
    got = run_sandbox(sandbox, command)
    assert _lines(got.stdout) == _lines(want.stdout)
    assert got.status == want.status
    assert _lines(got.stderr) == _lines(want.stderr)


def test_recursive_order_is_directory_order(sb: Sandbox) -> None:
    sb.files.write("/home/user/t/b", "x\n")
    sb.files.write("/home/user/t/a", "x\n")
    r = sb.exec([["grep", "-r", "x", "t"]], cwd="/home/user")
    assert r.stdout == "t/b:x\nt/a:x\n"


def test_no_operand_recursive_omits_dot_slash(sb: Sandbox) -> None:
    sb.files.write("/home/user/d/f", "x\n")
    r = sb.exec([["grep", "-r", "x"]], cwd="/home/user/d")
    assert r.stdout == "f:x\n"


@pytest.mark.parametrize("flag", ["-P", "--perl-regexp", "-X perl"])
def test_unsupported_flags_are_refused(sb: Sandbox, flag: str) -> None:
    sb.files.write("/home/user/f", "x\n")
    r = sb.exec([["grep", *flag.split(), "x", "f"]], cwd="/home/user")
    assert r.exit_code == 2
    assert r.stdout == ""
    assert "not supported" in r.stderr


@pytest.mark.parametrize(
    "spec",
    ["ms=04:ln=33:se=35:ne", "mt=07:fn=:bn=1", "sl=1:cx=2:rv", "sl=1:cx=2", "ms=bogus:ln=31", "mc=36"],
)
def test_grep_colors_like_host(sb: Sandbox, tmp_path: Path, spec: str) -> None:
    """GREP_COLORS (the harness runs without it): same bytes as the host."""
    text = b"one foo\ntwo\nfoo three foo\n"
    (tmp_path / "f").write_bytes(text)
    sb.files.write("/home/user/f", text)
    argv = ["grep", "--color=always", "-n", "-b", "-H", "-C1", "-v", "two"]
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "GREP_COLORS": spec}
    want = subprocess.run([*argv, "f"], cwd=tmp_path, env=env, capture_output=True)
    got = sb.exec([[*argv, "f"]], cwd="/home/user", env={"GREP_COLORS": spec})
    assert got.stdout.encode() == want.stdout
    argv[-2] = "-e"
    argv[-1] = "foo"
    want = subprocess.run([*argv, "f"], cwd=tmp_path, env=env, capture_output=True)
    got = sb.exec([[*argv, "f"]], cwd="/home/user", env={"GREP_COLORS": spec})
    assert got.stdout.encode() == want.stdout
