"""Every case file in tests/cases against the host's GNU tools (and bash),
case by case: same stdout bytes, same exit status, same stderr."""

from __future__ import annotations

from pathlib import Path

import pytest

from wasmsand import Sandbox

from .difftest import CASES, Case, load_cases, run_host, run_sandbox, write_fixtures

ALL_CASES = [case for path in sorted(CASES.glob("*.cases")) for case in load_cases(path.name)]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    host_dir: Path = tmp_path_factory.mktemp("work")
    with Sandbox() as sb:
        write_fixtures(sb, host_dir)
        yield sb, host_dir


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.id for c in ALL_CASES])
def test_matches_host(env, case: Case) -> None:  # type: ignore[no-untyped-def]
    sb, host_dir = env
    want = run_host(case.command, host_dir)
    got = run_sandbox(sb, case.command)
    assert got.stdout == want.stdout
    assert got.status == want.status
    assert got.stderr == want.stderr
