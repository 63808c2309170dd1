"""The shared scenario corpus (tests/scenarios/corpus.py) on the native
host. The browser runs the same corpus: tests/browser/."""

from __future__ import annotations

import pytest

pytest.register_assert_rewrite("tests.scenarios.corpus")

from tests.scenarios import corpus  # noqa: E402

from .conftest import PROGRAMS  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def programs() -> None:
    for command, file_name in (("probe", "probe.wasm"), ("probe-plain", "probe.plain.wasm")):
        path = PROGRAMS / file_name
        if not path.exists():
            pytest.fail(f"{path} is missing: run `make testprogs`")
        corpus.PROGRAMS[command] = path.read_bytes()


@pytest.mark.parametrize("name", corpus.names())
def test_scenario(name: str) -> None:
    corpus.run(name)
