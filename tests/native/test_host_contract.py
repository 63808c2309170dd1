"""The Host protocol's promises (tests/scenarios/host_contract.py) on the
wasmtime host; the browser runs the same checks on the Pyodide host."""

from __future__ import annotations

from pathlib import Path

import pytest
import wasmtime

pytest.register_assert_rewrite("tests.scenarios.host_contract")

from tests.scenarios import host_contract  # noqa: E402
from wasmsand.hosts.wasmtime import WasmtimeHost  # noqa: E402

WASM = {name: bytes(wasmtime.wat2wasm(wat)) for name, wat in host_contract.MODULES.items()}


@pytest.mark.parametrize("name", host_contract.names())
def test_host_contract(name: str, tmp_path: Path) -> None:
    getattr(host_contract, name)(WasmtimeHost(cache_dir=tmp_path), WASM)
