"""The `wasmsand` console script."""

from __future__ import annotations

import subprocess
import sys


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "wasmsand", *args], input=stdin, capture_output=True, timeout=60)


def test_exec_pipeline() -> None:
    r = run("exec", "--", "seq", "1", "10", "|", "wc", "-l")
    assert (r.stdout, r.returncode) == (b"10\n", 0)


def test_exec_status_and_stderr() -> None:
    r = run("exec", "--", "cat", "/missing")
    assert r.returncode == 1
    assert r.stderr == b"cat: /missing: No such file or directory\n"


def test_exec_stdin() -> None:
    r = run("exec", "--stdin", "--", "wc", "-w", stdin=b"a b c\n")
    assert r.stdout == b"3\n"


def test_applets_and_version() -> None:
    assert b"cat\n" in run("applets").stdout
    assert run("version").returncode == 0


def test_run_shell_command_line() -> None:
    r = run("run", "echo hello world | wc -w")
    assert (r.stdout, r.returncode) == (b"2\n", 0)
    r = run("run", "x=3; echo $((x * 2)); exit 4")
    assert (r.stdout, r.returncode) == (b"6\n", 4)


def test_run_syntax_error() -> None:
    r = run("run", "if true; then fi")
    assert r.returncode == 2
    assert b"syntax error near unexpected token `fi'" in r.stderr
