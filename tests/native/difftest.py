"""Differential testing: the same command line in the sandbox and on the
host (real GNU coreutils, LC_ALL=C.UTF-8), compared byte for byte.

Case files (tests/cases/*.cases) hold one shell command line per line;
it runs under the host's `bash -c` and the sandbox's shell. `#` starts a
comment. Every case runs in a fresh copy of the files
of tests/cases/fixtures, on both sides, as uid 1000.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from wasmsand import Sandbox
from wasmsand.vfs.inode import walk_tree

CASES = Path(__file__).resolve().parent.parent / "cases"
WORKDIR = "/home/user/work"
USER_UID = 1000

FIXTURES = CASES / "fixtures"
# Host commands that must differ from Debian's defaults: awk is gawk there.
HOSTBIN = Path(__file__).resolve().parent / "hostbin"


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
    """One case per line; or a multi-line script between a line `{{{` and
    a line `}}}`."""
    cases = []
    block: list[str] | None = None
    start = 0
    for n, raw in enumerate((CASES / name).read_text().splitlines(), 1):
        if block is not None:
            if raw.strip() == "}}}":
                cases.append(Case(name, start, "\n".join(block)))
                block = None
            else:
                block.append(raw)
            continue
        line = raw.strip()
        if line == "{{{":
            block, start = [], n
        elif line and not line.startswith("#"):
            cases.append(Case(name, n, line))
    return cases


def run_host(command: str, workdir: Path) -> Outcome:
    """bash as uid 1000 (the sandbox's user), so permissions and owner names
    are comparable; without pipefail, a pipeline's status is its last's."""
    env = {"PATH": f"{HOSTBIN}:/usr/bin:/bin", "LC_ALL": "C.UTF-8", "HOME": str(workdir), "TZ": "UTC"}
    argv = ["bash", "--norc", "--noprofile", "-c", command]
    if os.getuid() == 0:
        argv = ["setpriv", f"--reuid={USER_UID}", f"--regid={USER_UID}", "--clear-groups", *argv]
    proc = subprocess.run(argv, cwd=workdir, env=env, capture_output=True, timeout=60)
    return Outcome(proc.stdout, proc.stderr, proc.returncode)


def run_sandbox(sb: Sandbox, command: str) -> Outcome:
    """The case line through the sandbox's shell, as `bash -c` would run
    it (so no alias expansion, unlike the interactive-like session)."""
    sb.commands.run("shopt -u expand_aliases", cwd=WORKDIR)
    r = sb.commands.run(command, cwd=WORKDIR, env={"TZ": "UTC"}, timeout=60)
    return Outcome(r.stdout_bytes, r.stderr_bytes, r.exit_code)


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
        # A case may leave a directory unreadable: open everything first.
        for _path, inode in walk_tree(sb.fs.resolve(WORKDIR, sb.fs.root)):  # type: ignore[arg-type]
            inode.mode |= 0o700
        sb.fs.resolve(WORKDIR, sb.fs.root).mode |= 0o700
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
