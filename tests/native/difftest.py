"""Differential testing: the same command line in the sandbox and on the
host (real GNU coreutils, LC_ALL=C.UTF-8), compared byte for byte.

Case files (tests/cases/*.cases) hold one command line per line, in shell
syntax: words are split as a shell would, `|` joins stages and `< FILE`
redirects the first stage's input. `#` starts a comment. Every case runs in
a directory holding the files of tests/cases/fixtures, on both sides.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

from wasmsand import Sandbox

CASES = Path(__file__).resolve().parent.parent / "cases"
WORKDIR = "/home/user/work"

FIXTURES = CASES / "fixtures"


@dataclass(frozen=True)
class Case:
    file: str
    line: int
    command: str

    @property
    def id(self) -> str:
        return f"{self.file}:{self.line}: {self.command}"


@dataclass(frozen=True)
class Outcome:
    stdout: bytes
    stderr: bytes
    status: int


def load_cases(name: str) -> list[Case]:
    cases = []
    for n, raw in enumerate((CASES / name).read_text().splitlines(), 1):
        line = raw.strip()
        if line and not line.startswith("#"):
            cases.append(Case(name, n, line))
    return cases


def parse(command: str) -> tuple[list[list[str]], str | None]:
    """Stages of argv, and the input file of the first stage."""
    lex = shlex.shlex(command, posix=True, punctuation_chars="|<")
    lex.whitespace_split = True
    words = list(lex)
    stdin = None
    if "<" in words:
        i = words.index("<")
        stdin = words[i + 1]
        del words[i : i + 2]
    stages: list[list[str]] = [[]]
    for w in words:
        if w == "|":
            stages.append([])
        else:
            stages[-1].append(w)
    return stages, stdin


def run_host(command: str, workdir: Path) -> Outcome:
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "HOME": str(workdir), "TZ": "UTC"}
    # bash without pipefail reports the last stage, like the sandbox's exec.
    proc = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", command], cwd=workdir, env=env, capture_output=True, timeout=60
    )
    return Outcome(proc.stdout, proc.stderr, proc.returncode)


def run_sandbox(sb: Sandbox, command: str) -> Outcome:
    stages, stdin_file = parse(command)
    # `< FILE` opens the file itself (programs see a regular file, as with a
    # shell redirection), not a copy of its bytes.
    source = sb.fs.open(f"{WORKDIR}/{stdin_file}" if stdin_file else "/dev/null", sb.fs.root)
    r = sb._exec_from(stages, source, cwd=WORKDIR, env={"TZ": "UTC"})
    return Outcome(r.stdout_bytes, r.stderr_bytes, r.exit_code)


def write_fixtures(sb: Sandbox, host_dir: Path) -> None:
    """Copies tests/cases/fixtures (files and folders) into the sandbox's
    work directory and the host's, plus an empty folder `dir`."""
    for path in sorted(FIXTURES.rglob("*")):
        rel = path.relative_to(FIXTURES).as_posix()
        if path.is_dir():
            sb.files.mkdir(f"{WORKDIR}/{rel}")
            (host_dir / rel).mkdir(exist_ok=True)
        else:
            data = path.read_bytes()
            sb.files.write(f"{WORKDIR}/{rel}", data)
            (host_dir / rel).write_bytes(data)
    sb.files.mkdir(f"{WORKDIR}/dir")
    (host_dir / "dir").mkdir(exist_ok=True)
    os.chmod(host_dir, 0o755)
