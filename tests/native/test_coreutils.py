"""Coreutils against GNU coreutils on the host, case by case."""

from __future__ import annotations

from pathlib import Path

import pytest

from wasmsand import Sandbox

from .difftest import Case, load_cases, run_host, run_sandbox, write_fixtures

CASES = load_cases("coreutils.cases")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    host_dir: Path = tmp_path_factory.mktemp("work")
    with Sandbox() as sb:
        write_fixtures(sb, host_dir)
        yield sb, host_dir


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_matches_gnu(env, case: Case) -> None:  # type: ignore[no-untyped-def]
    sb, host_dir = env
    want = run_host(case.command, host_dir)
    got = run_sandbox(sb, case.command)
    assert got.stdout == want.stdout
    assert got.status == want.status
    assert got.stderr == want.stderr
