"""Differential testing: the same command line in the sandbox and on the
host (real GNU coreutils, LC_ALL=C.UTF-8), compared byte for byte.

Case files (tests/cases/*.cases) hold one command line per line, in shell
syntax (see ``parse`` for the subset understood until the shell runs the
cases). `#` starts a comment. Every case runs in a fresh copy of the files
of tests/cases/fixtures, on both sides, as uid 1000.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from wasmsand import Sandbox

CASES = Path(__file__).resolve().parent.parent / "cases"
WORKDIR = "/home/user/work"
USER_UID = 1000

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


def _words(command: str) -> list[str]:
    lex = shlex.shlex(command, posix=True, punctuation_chars="|&;<>")
    lex.whitespace_split = True
    return list(lex)


Step = tuple[str, list[list[str]], dict[int, tuple[str, str]]]  # (joiner, stages, redirections)


def parse(command: str) -> list[Step]:
    """A tiny subset of the shell, enough for case lines until the real
    shell runs them: pipelines joined by `;`, `&&`, `||`, with `< f`,
    `> f`, `>> f`, `2> f`, `2>&1` redirections on a pipeline's ends."""
    steps: list[Step] = []
    joiner = ";"
    stages: list[list[str]] = [[]]
    redirs: dict[int, tuple[str, str]] = {}
    words = _words(command)
    i = 0
    while i < len(words):
        w = words[i]
        if w in (";", "&&", "||"):
            steps.append((joiner, stages, redirs))
            joiner, stages, redirs = w, [[]], {}
        elif w == "|":
            stages.append([])
        elif w in ("<", ">", ">>", ">&"):
            redirs[0 if w == "<" else 1] = (w, words[i + 1])
            i += 1
        elif w.isdigit() and i + 1 < len(words) and words[i + 1] in ("<", ">", ">>", ">&"):
            redirs[int(w)] = (words[i + 1], words[i + 2])
            i += 2
        else:
            stages[-1].append(w)
        i += 1
    steps.append((joiner, stages, redirs))
    return steps


def run_host(command: str, workdir: Path) -> Outcome:
    """bash as uid 1000 (the sandbox's user), so permissions and owner names
    are comparable; without pipefail, a pipeline's status is its last's."""
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "HOME": str(workdir), "TZ": "UTC"}
    argv = ["bash", "--norc", "--noprofile", "-c", command]
    if os.getuid() == 0:
        argv = ["setpriv", f"--reuid={USER_UID}", f"--regid={USER_UID}", "--clear-groups", *argv]
    proc = subprocess.run(argv, cwd=workdir, env=env, capture_output=True, timeout=60)
    return Outcome(proc.stdout, proc.stderr, proc.returncode)


def run_sandbox(sb: Sandbox, command: str) -> Outcome:
    """Runs the case line's steps with exec(), redirections done by opening
    the files themselves (programs see files, as with a shell)."""
    out, err = bytearray(), bytearray()
    status = 0
    fs = sb.fs
    workdir = fs.resolve(WORKDIR, fs.root)
    for joiner, stages, redirs in parse(command):
        if (joiner == "&&" and status != 0) or (joiner == "||" and status == 0):
            continue
        source_spec = redirs.get(0)
        source = fs.open(source_spec[1] if source_spec else "/dev/null", workdir)
        sinks = {}
        for fd in (1, 2):
            spec = redirs.get(fd)
            if spec and spec[0] in (">", ">>"):
                sinks[fd] = fs.open(
                    spec[1],
                    workdir,
                    read=False,
                    write=True,
                    create=True,
                    truncate=spec[0] == ">",
                    append=spec[0] == ">>",
                )
        r = sb._exec_from(stages, source, cwd=WORKDIR, env={"TZ": "UTC"}, stdout=sinks.get(1), stderr=sinks.get(2))
        status = r.exit_code
        if redirs.get(2) == (">&", "1"):
            out += r.stdout_bytes + r.stderr_bytes  # (interleaving is not kept)
        elif redirs.get(1) == (">&", "2"):
            err += r.stdout_bytes + r.stderr_bytes
        else:
            out += r.stdout_bytes
            err += r.stderr_bytes
    return Outcome(bytes(out), bytes(err), status)


def host_names() -> tuple[str, str]:
    """The host's names for uid and gid 1000 (made by `make setup` if none)."""
    import grp
    import pwd

    try:
        user = pwd.getpwuid(USER_UID).pw_name
    except KeyError:
        user = str(USER_UID)
    try:
        group = grp.getgrgid(USER_UID).gr_name
    except KeyError:
        group = str(USER_UID)
    return user, group


def prepare(sb: Sandbox, host_dir: Path) -> None:
    """Fresh copies of the fixtures on both sides (a case may change them),
    and the sandbox's passwd/group naming uid 1000 as the host does."""
    user, group = host_names()
    sb.files.write("/etc/passwd", f"root:x:0:0:root:/root:/bin/bash\n{user}:x:1000:1000::/home/user:/bin/bash\n")
    sb.files.write("/etc/group", f"root:x:0:\n{group}:x:1000:\n")
    if sb.files.exists(WORKDIR):
        sb.files.remove(WORKDIR)
    if host_dir.exists():
        shutil.rmtree(host_dir)
    host_dir.mkdir()
    write_fixtures(sb, host_dir)
    if os.getuid() == 0:
        for path in [host_dir, *host_dir.rglob("*")]:
            os.chown(path, USER_UID, USER_UID)


def write_fixtures(sb: Sandbox, host_dir: Path) -> None:
    """Copies tests/cases/fixtures (files and folders) into the sandbox's
    work directory and the host's, plus an empty folder `dir`."""
    sb.files.mkdir(WORKDIR)
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
