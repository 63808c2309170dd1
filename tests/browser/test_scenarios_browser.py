"""The shared scenario corpus (tests/scenarios/corpus.py) in headless
Chromium, on the browser's own WebAssembly engine (hosts/pyodide.py).

The module-scoped page installs the wasmsand wheel with micropip (nothing
else: that is how a user installs it), loads the corpus source as a module
(asserts rewritten by pytest, as natively) and hands in the test programs;
then each scenario is its own test. The Host protocol checks
(tests/scenarios/host_contract.py) run the same way on the Pyodide host.
"""

from __future__ import annotations

import ast
import base64
from pathlib import Path
from typing import Any

import pytest
from pytest_pyodide import run_in_pyodide

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "scenarios" / "corpus.py"
CONTRACT = ROOT / "tests" / "scenarios" / "host_contract.py"
PROGRAMS = ROOT / "build" / "testprogs"
DIST = ROOT / "build" / "pyodide"


def _names(path: Path, prefix: str) -> list[str]:
    tree = ast.parse(path.read_text())
    return sorted(n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith(prefix))


SETUP = """
import ast, base64, sys, types
import micropip
await micropip.install({wheel_url!r})
from wasmsand import Sandbox  # no other step: the wheel carries the modules

def load(name, path, source):
    tree = ast.parse(source)
    try:
        from _pytest.assertion.rewrite import rewrite_asserts
        rewrite_asserts(tree, source.encode(), path)
    except ImportError:
        pass
    module = types.ModuleType(name)
    module.__file__ = path
    exec(compile(tree, path, "exec"), module.__dict__)
    sys.modules[name] = module
    return module

corpus = load("wasmsand_scenarios", "tests/scenarios/corpus.py", {corpus!r})
for name, data in {programs!r}.items():
    corpus.PROGRAMS[name] = base64.b64decode(data)
contract = load("wasmsand_host_contract", "tests/scenarios/host_contract.py", {contract!r})
contract.WASM = {{name: base64.b64decode(data) for name, data in {contract_wasm!r}.items()}}
"""


@pytest.fixture(scope="module")
def page(selenium_module_scope: Any) -> Any:
    selenium = selenium_module_scope
    programs = {}
    for command, file_name in (("probe", "probe.wasm"), ("probe-plain", "probe.plain.wasm")):
        path = PROGRAMS / file_name
        if not path.exists():
            pytest.fail(f"{path} is missing: run `make testprogs`")
        programs[command] = base64.b64encode(path.read_bytes()).decode()
    (wheel,) = DIST.glob("wasmsand-*-py3-none-any.whl")
    selenium.set_script_timeout(120)
    selenium.load_package(["pytest", "tblib"])
    import wasmtime  # the runner's side compiles the contract's WAT

    from tests.scenarios.host_contract import MODULES

    contract_wasm = {n: base64.b64encode(bytes(wasmtime.wat2wasm(w))).decode() for n, w in MODULES.items()}
    selenium.run_async(
        SETUP.format(
            wheel_url=f"{selenium.base_url}/{wheel.name}",
            corpus=CORPUS.read_text(),
            programs=programs,
            contract=CONTRACT.read_text(),
            contract_wasm=contract_wasm,
        )
    )
    return selenium


@run_in_pyodide
def _installed_by_micropip(selenium: Any) -> None:
    import importlib.util
    import sys

    from wasmsand import Sandbox
    from wasmsand.hosts import default_host

    assert sys.platform == "emscripten"
    assert importlib.util.find_spec("wasmtime") is None  # the marker kept it out
    assert default_host().name == "pyodide"
    with Sandbox() as sb:
        r = sb.exec([["echo", "hi"], ["wc", "-w"]])
        assert (r.stdout, r.pipestatus) == ("1\n", [0, 0]), r


def test_micropip_install_is_enough(page: Any) -> None:
    _installed_by_micropip(page)


@run_in_pyodide
def _run_scenario(selenium: Any, name: str) -> None:
    import wasmsand_scenarios

    wasmsand_scenarios.run(name)


@pytest.mark.driver_timeout(120)
@pytest.mark.parametrize("name", _names(CORPUS, "scenario_"))
def test_scenario(page: Any, name: str) -> None:
    _run_scenario(page, name)


@run_in_pyodide
def _run_check(selenium: Any, name: str) -> None:
    import wasmsand_host_contract as contract

    from wasmsand.hosts.pyodide import PyodideHost

    getattr(contract, name)(PyodideHost(), contract.WASM)


@pytest.mark.parametrize("name", _names(CONTRACT, "check_"))
def test_host_contract(page: Any, name: str) -> None:
    _run_check(page, name)
