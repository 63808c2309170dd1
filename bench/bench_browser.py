#!/usr/bin/env python3
"""`make bench-browser`: wasmsand in headless Chromium (Pyodide, the
browser's WebAssembly engine) beside the same work natively (wasmtime),
printed as figures and ratios (browser / native).

Needs `make browser-dist` (build/pyodide) and `make testprogs`. Not a test:
nothing passes or fails; figures from one noisy run are orders of magnitude.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "build" / "pyodide"
sys.path.insert(0, str(ROOT / "src"))

from wasmsand import Sandbox  # noqa: E402
from wasmsand.hosts import default_host  # noqa: E402

MB = 1000 * 1000
CALLS = 1_000_000
# (module (import "bench" "noop" (func $f (param i32 i32) (result i32)))
#   (memory (export "memory") 1)
#   (func (export "run") (param $n i32) (local $i i32)
#     (loop $l (drop (call $f (local.get $i) (i32.const 7)))
#       (local.set $i (i32.add (local.get $i) (i32.const 1)))
#       (br_if $l (i32.lt_u (local.get $i) (local.get $n))))))
LOOP_WASM = bytes.fromhex(
    "0061736d01000000010b0260027f7f017f60017f00020e010562656e6368046e6f6f7000000302010105030100010710"
    "02066d656d6f727902000372756e00010a1e011c01017f03402001410710001a200141016a210120012000490d000b0b"
    "001e046e616d65010401000166020901010200016e010169030601010100016c"
)

# Runs in Pyodide and natively alike: returns the figures as a dict.
WORKLOAD = r"""
import statistics, time
from wasmsand import Sandbox
from wasmsand.hosts import InstanceLimits, default_host

def median_of(n, fn):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)

def workload(loop_wasm, probe, calls, mb):
    out = {}
    start = time.perf_counter()
    sb = Sandbox()
    sb.exec(["true"])
    out["first_sandbox_and_exec_ms"] = (time.perf_counter() - start) * 1000
    out["sandbox_create_ms"] = median_of(10, lambda: Sandbox().close()) * 1000
    out["true_ms"] = median_of(50, lambda: sb.exec(["true"])) * 1000
    out["echo_wc_ms"] = median_of(50, lambda: sb.exec([["echo", "hi"], ["wc", "-w"]])) * 1000
    out["yes_head_ms"] = median_of(20, lambda: sb.exec([["yes"], ["head", "-n", "1"]])) * 1000
    z = [["head", "-c", str(10 * mb), "/dev/zero"], ["wc", "-c"]]
    assert sb.exec(z).stdout == f"{10 * mb}\n"
    out["zero10_wc_ms"] = median_of(5, lambda: sb.exec(z)) * 1000
    sb.files.write("/tmp/big", b"x" * (10 * mb))
    r = sb.exec(["cat", "/tmp/big"])
    assert len(r.stdout_bytes) == 10 * mb, (len(r.stdout_bytes), r.stderr, r.exit_code, r.error_class)
    out["cat10_file_ms"] = median_of(5, lambda: sb.exec(["cat", "/tmp/big"])) * 1000
    keys = "".join(f"{i * 2654435761 % 1000003:07d} k{i % 997}\n" for i in range(800_000)).encode()[: 10 * mb]
    sb.files.write("/tmp/keys", keys[: keys.rindex(b"\n") + 1])
    sort10 = ["sort", "-o", "/tmp/sorted", "/tmp/keys"]
    assert sb.exec(sort10).exit_code == 0
    out["sort10_ms"] = median_of(3, lambda: sb.exec(sort10)) * 1000
    p200 = [["head", "-c", str(200 * mb), "/dev/zero"], ["cat"], ["wc", "-c"]]
    assert sb.exec(p200, timeout=600).stdout == f"{200 * mb}\n"
    out["cat200_pipe_s"] = median_of(3, lambda: sb.exec(p200, timeout=600))
    sb.files.write("/usr/local/bin/probe", probe, mode=0o755)
    n = 200_000
    out["probe_writes_us"] = median_of(3, lambda: sb.exec([["probe", "writes", str(n)], ["wc", "-c"]])) / n * 1e6
    sb.close()

    host = default_host()
    module = host.compile(loop_wasm, "loop")
    inst = host.instantiate(module, {("bench", "noop"): lambda a, b: 0}, InstanceLimits())
    inst.call("run", 1000)
    start = time.perf_counter()
    inst.call("run", calls)
    out["import_call_us"] = (time.perf_counter() - start) / calls * 1e6
    mem = inst.memory
    inst2 = host.instantiate(module, {("bench", "noop"): lambda a, b: mem.unpack("<II", 8)[0]}, InstanceLimits())
    mem = inst2.memory
    start = time.perf_counter()
    inst2.call("run", calls // 4)
    out["import_call_unpack_us"] = (time.perf_counter() - start) / (calls // 4) * 1e6
    inst.close()
    inst2.close()
    return out
"""


def native(probe: bytes) -> dict[str, float]:
    namespace: dict[str, Any] = {}
    exec(WORKLOAD, namespace)
    start = time.perf_counter()
    Sandbox().close()
    first = (time.perf_counter() - start) * 1000
    out: dict[str, float] = namespace["workload"](LOOP_WASM, probe, CALLS, MB)
    out["startup_ms"] = first
    assert default_host().name == "wasmtime"
    return out


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def browser(probe: bytes) -> dict[str, float]:
    os.environ.setdefault("SE_OFFLINE", "true")
    os.environ.setdefault("SE_AVOID_STATS", "true")
    from selenium.webdriver import Chrome
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    sys.path.insert(0, str(ROOT))
    from tests.browser.conftest import CHROMEDRIVER, CHROMIUM, CHROMIUM_FLAGS

    (wheel,) = DIST.glob("wasmsand-*-py3-none-any.whl")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(DIST)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    options = Options()
    options.binary_location = CHROMIUM
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={tempfile.mkdtemp(prefix='wasmsand-bench-')}"]:
        options.add_argument(flag)
    driver = Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        driver.set_script_timeout(1200)
        driver.get(f"{base}/console.html")  # any page of the dist's origin
        load = driver.execute_async_script(
            """
            const [base, wheel, done] = arguments;
            (async () => {
              const t0 = performance.now();
              const { loadPyodide } = await import(base + "/pyodide.mjs");
              const pyodide = await loadPyodide({ indexURL: base + "/" });
              const ready = performance.now() - t0;
              await pyodide.loadPackage("micropip");
              const micropip = pyodide.pyimport("micropip");
              await micropip.install(base + "/" + wheel);
              pyodide.runPython("import wasmsand; from wasmsand import Sandbox; Sandbox().close()");
              self.pyodide = pyodide;
              done({ ready, wasmsand: performance.now() - t0 });
            })().catch((e) => done({ error: String(e) }));
            """,
            base,
            wheel.name,
        )
        if "error" in load:
            raise RuntimeError(load["error"])
        result = driver.execute_async_script(
            """
            const [code, loop, probe, calls, mb, done] = arguments;
            (async () => {
              const ns = pyodide.globals.get("dict")();
              pyodide.runPython(code, { globals: ns });
              const hex = (h) => Uint8Array.from(h.match(/../g).map((b) => parseInt(b, 16)));
              const toBytes = pyodide.runPython("lambda u8: bytes(u8.to_py())");
              const out = ns.get("workload")(toBytes(hex(loop)), toBytes(hex(probe)), calls, mb);
              done(JSON.stringify(out.toJs({ dict_converter: Object.fromEntries })));
            })().catch((e) => done(JSON.stringify({ error: String(e) })));
            """,
            WORKLOAD,
            LOOP_WASM.hex(),
            probe.hex(),
            CALLS,
            MB,
        )
        out: dict[str, float] = json.loads(result)
        if "error" in out:
            raise RuntimeError(out["error"])
        out["pyodide_ready_ms"] = load["ready"]
        out["startup_ms"] = load["wasmsand"]
        return out
    finally:
        driver.quit()
        server.shutdown()


ROWS: list[tuple[str, str, str, Callable[[float], float]]] = [
    ("startup_ms", "ready: Pyodide + wasmsand installed + a Sandbox", "ms", float),
    ("first_sandbox_and_exec_ms", "first Sandbox() + exec(['true'])", "ms", float),
    ("sandbox_create_ms", "Sandbox() + close() (warm)", "ms", float),
    ("true_ms", "exec(['true'])", "ms", float),
    ("echo_wc_ms", "echo hi | wc -w", "ms", float),
    ("yes_head_ms", "yes | head -n 1", "ms", float),
    ("zero10_wc_ms", "head -c 10MB /dev/zero | wc -c", "ms", float),
    ("cat10_file_ms", "cat 10 MB file to captured stdout", "ms", float),
    ("sort10_ms", "sort of a 10 MB file (-o)", "ms", float),
    ("cat200_pipe_s", "200 MB: head /dev/zero | cat | wc -c (MB/s)", "MB/s", lambda s: 200 / s),
    ("probe_writes_us", "2-byte write system call (probe writes)", "µs", float),
    ("import_call_us", "bare import call, (i32,i32)->i32", "µs", float),
    ("import_call_unpack_us", "import call + 8-byte memory read", "µs", float),
]


def main() -> None:
    if not (DIST / "pyodide.mjs").exists():
        raise SystemExit("build/pyodide is missing: run `make browser-dist`")
    probe_path = ROOT / "build" / "testprogs" / "probe.wasm"
    if not probe_path.exists():
        raise SystemExit("build/testprogs/probe.wasm is missing: run `make testprogs`")
    probe = probe_path.read_bytes()
    print(f"wasmsand browser benchmark — {time.strftime('%Y-%m-%d %H:%M')} — headless Chromium vs native")
    b = browser(probe)
    n = native(probe)
    print(f"{'Pyodide ready (loadPyodide)':<46} {b['pyodide_ready_ms']:>10.1f} ms")
    print(f"{'':<46} {'browser':>10} {'':<5} {'native':>10} {'':<5} ratio")
    for key, label, unit, conv in ROWS:
        bv, nv = conv(b[key]), conv(n[key])
        ratio = (nv / bv) if unit == "MB/s" else (bv / nv if nv else float("nan"))
        print(f"{label:<46} {bv:>10.3f} {unit:<5} {nv:>10.3f} {unit:<5} {ratio:>6.1f}x")


if __name__ == "__main__":
    main()
