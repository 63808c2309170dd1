"""Browser tests: pytest-pyodide drives Debian's headless Chromium (through
selenium and /usr/bin/chromedriver) against the local Pyodide distribution
that `make browser-dist` assembles in build/pyodide.

Defaults make a bare `pytest tests/browser` work: the runtime is chrome and
the dist folder is build/pyodide (both can still be given on the command
line). Nothing is fetched from the network: selenium's driver manager is
kept offline and Chromium starts with its background services off.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "build" / "pyodide"
CHROMIUM = os.environ.get("WASMSAND_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("WASMSAND_CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

os.environ.setdefault("SE_OFFLINE", "true")
os.environ.setdefault("SE_AVOID_STATS", "true")


def _chrome_driver(self, jspi=False):  # type: ignore[no-untyped-def]
    """pytest-pyodide's Chrome runner, with Debian's binaries and flags."""
    from selenium.webdriver import Chrome
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in [*CHROMIUM_FLAGS, *self._config.get_flags("chrome")]:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='wasmsand-chromium-')}")
    return Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    from pytest_pyodide.runner import SeleniumChromeRunner

    SeleniumChromeRunner.get_driver = _chrome_driver  # type: ignore[method-assign]
    if config.option.runtime == "node":  # pytest-pyodide's default: we test in a browser
        config.option.runtime = "chrome"
    if str(config.option.dist_dir) == "pyodide":
        config.option.dist_dir = DIST


@pytest.fixture(scope="session", autouse=True)
def _dist_is_built() -> None:
    if not (DIST / "pyodide.mjs").exists() or not list(DIST.glob("wasmsand-*.whl")):
        pytest.fail(f"{DIST} is missing or incomplete: run `make browser-dist`")
