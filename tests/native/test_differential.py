"""Every case file in tests/cases against the host's GNU tools (and bash),
case by case: same stdout bytes, same exit status, same stderr."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from wasmsand import Sandbox

from .difftest import CASES, Case, load_cases, prepare, run_host, run_sandbox

ALL_CASES = [case for path in sorted(CASES.glob("*.cases")) for case in load_cases(path.name)]
IDS = [f"{c.file}:{c.line}: {c.command.splitlines()[0][:60]}" for c in ALL_CASES]


def _known_failures() -> set[str]:
    """Cases we know we fail (``file:line`` per line in
    tests/cases/known-failures.txt): they run as strict xfails, so the list
    can only shrink — a case that starts to pass fails the run until its
    line is removed."""
    path = CASES / "known-failures.txt"
    if not path.exists():
        return set()
    lines = (raw.split("#", 1)[0].strip() for raw in path.read_text().splitlines())
    return {line for line in lines if line}


KNOWN_FAILURES = _known_failures()
PARAMS = [
    pytest.param(c, id=i, marks=pytest.mark.xfail(strict=True, reason="known failure"))
    if f"{c.file}:{c.line}" in KNOWN_FAILURES
    else pytest.param(c, id=i)
    for c, i in zip(ALL_CASES, IDS, strict=True)
]


@pytest.fixture(scope="module")
def host_base():  # type: ignore[no-untyped-def]
    """A folder uid 1000 can reach (pytest's tmp_path is private to root)."""
    base = Path(tempfile.mkdtemp(prefix="wasmsand-diff-"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


def test_known_failures_exist() -> None:
    """Every line of known-failures.txt names a case that exists."""
    assert not KNOWN_FAILURES - {f"{c.file}:{c.line}" for c in ALL_CASES}


@pytest.mark.parametrize("case", PARAMS)
def test_matches_host(host_base: Path, case: Case) -> None:
    host_dir = host_base / "work"
    with Sandbox() as sb:
        prepare(sb, host_dir)
        want = run_host(case.command, host_dir)
        got = run_sandbox(sb, case.command)
    assert got.stdout == want.stdout
    assert got.status == want.status
    assert got.stderr == want.stderr
