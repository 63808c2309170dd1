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


@pytest.fixture(scope="module")
def host_base():  # type: ignore[no-untyped-def]
    """A folder uid 1000 can reach (pytest's tmp_path is private to root)."""
    base = Path(tempfile.mkdtemp(prefix="wasmsand-diff-"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("case", ALL_CASES, ids=IDS)
def test_matches_host(host_base: Path, case: Case) -> None:
    host_dir = host_base / "work"
    with Sandbox() as sb:
        prepare(sb, host_dir)
        want = run_host(case.command, host_dir)
        got = run_sandbox(sb, case.command)
    assert got.stdout == want.stdout
    assert got.status == want.status
    assert got.stderr == want.stderr
