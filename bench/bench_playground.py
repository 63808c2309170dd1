#!/usr/bin/env python3
"""`make bench-playground`: the playground page (build/site, local Pyodide)
in headless Chromium, measured as a user meets it.

- page ready: from navigation start to the first prompt (Pyodide loaded,
  wasmsand installed, coreutils compiled, the shell run once), on a fresh
  browser profile (cold) and on reloads (the HTTP and compiled-code caches
  warm), with the worker's own steps;
- a command: Enter to the next prompt for ``echo hi | wc -w`` (keys in,
  worker round trip, output drawn), and the sandbox's own time for it;
- a restart after Ctrl-C: with the spare worker ready, and without.

Not a test: nothing passes or fails; figures from one noisy run are orders
of magnitude (the load average is printed with them).
"""

from __future__ import annotations

import functools
import http.server
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "build" / "site"
COMMAND = "echo hi | wc -w"
RUNS = 50
RELOADS = 5


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def _driver() -> Any:
    os.environ.setdefault("SE_OFFLINE", "true")
    os.environ.setdefault("SE_AVOID_STATS", "true")
    from selenium.webdriver import Chrome
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    sys.path.insert(0, str(ROOT))
    from tests.browser.conftest import CHROMEDRIVER, CHROMIUM, CHROMIUM_FLAGS

    options = Options()
    options.binary_location = CHROMIUM
    for flag in [*CHROMIUM_FLAGS, "--window-size=1280,860", f"--user-data-dir={tempfile.mkdtemp(prefix='wsb-')}"]:
        options.add_argument(flag)
    driver = Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_script_timeout(300)
    return driver


def _wait(driver: Any, condition: str, seconds: float = 300) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if driver.execute_script(f"const w = window.__wasmsand; return !!(w && ({condition}));"):
            return
        time.sleep(0.02)
    raise SystemExit(f"timed out waiting for {condition}")


def _load(driver: Any, url: str) -> dict[str, float]:
    driver.get(url)
    _wait(driver, "w.idle()")
    out: dict[str, float] = driver.execute_script("const w = window.__wasmsand; return {ready: w.readyMs, ...w.marks};")
    return out


def _type(driver: Any, command: str) -> dict[str, Any]:
    result: dict[str, Any] = driver.execute_async_script(
        "const done = arguments[arguments.length - 1]; window.__wasmsand.type(arguments[0]).then(done);", command
    )
    return result


def _restart(driver: Any, after: float) -> float:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    textarea = driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")
    restarts = driver.execute_script("return window.__wasmsand.restarts;")
    textarea.send_keys("while true; do :; done" + Keys.ENTER)
    time.sleep(after)
    start = time.monotonic()
    textarea.send_keys(Keys.CONTROL + "c")
    _wait(driver, f"w.restarts > {restarts} && w.idle()")
    return time.monotonic() - start


def main() -> None:
    if not (SITE / "pyodide" / "pyodide.mjs").exists():
        raise SystemExit("build/site is missing or has no local Pyodide: run `make site`")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(SITE)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/index.html?pyodide=local"
    load = os.getloadavg()
    print(f"wasmsand playground benchmark — {time.strftime('%Y-%m-%d %H:%M')} — headless Chromium, local Pyodide")
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} CPUs")
    driver = _driver()
    try:
        cold = _load(driver, url)
        warm = [_load(driver, url) for _ in range(RELOADS)]
        for _ in range(5):
            _type(driver, COMMAND)
        runs = [_type(driver, COMMAND) for _ in range(RUNS)]
        assert all(r["result"]["status"] == 0 for r in runs)
        no_spare = _restart(driver, 0.2)
        spare = _restart(driver, 4.0)
    finally:
        driver.quit()
        server.shutdown()

    def steps(m: dict[str, float]) -> str:
        return (
            f"Pyodide {m['pyodide'] - m['start']:.0f} ms, wasmsand installed {m['wasmsand'] - m['pyodide']:.0f} ms, "
            f"coreutils compiled + first command {m['compiled'] - m['wasmsand']:.0f} ms"
        )

    med = statistics.median
    print(f"{'page ready, cold profile':<44} {cold['ready']:>8.0f} ms   ({steps(cold)})")
    best = min(warm, key=lambda m: m["ready"])
    print(
        f"{f'page ready, reload (median of {RELOADS})':<44} {med(m['ready'] for m in warm):>8.0f} ms"
        f"   (best {best['ready']:.0f} ms: {steps(best)})"
    )
    print(f"{COMMAND + ': Enter to prompt (median)':<44} {med(r['ms'] for r in runs):>8.1f} ms")
    print(f"{COMMAND + ': in the sandbox (median)':<44} {med(r['result']['duration_ms'] for r in runs):>8.1f} ms")
    print(f"{COMMAND + ': Enter to prompt (90th pct)':<44} {sorted(r['ms'] for r in runs)[RUNS * 9 // 10]:>8.1f} ms")
    print(f"{'Ctrl-C to prompt, no spare worker yet':<44} {no_spare * 1000:>8.0f} ms")
    print(f"{'Ctrl-C to prompt, spare worker ready':<44} {spare * 1000:>8.0f} ms")


if __name__ == "__main__":
    main()
