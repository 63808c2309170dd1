#!/usr/bin/env python3
"""`make bench`: wasmsand's speed, measured beside the host's own tools in
the same run, printed as figures and ratios (sandbox / host).

Not a test: nothing here passes or fails. Run on an idle machine; the
figures of one noisy run are orders of magnitude.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import bench_tools  # noqa: E402  (beside this script)

from wasmsand import Sandbox  # noqa: E402

MB = 1024 * 1024


def best_of(n: int, fn: Callable[[], object]) -> float:
    """Median seconds of n runs of fn."""
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def host(script: str) -> Callable[[], object]:
    return lambda: subprocess.run(["bash", "-c", script], check=True, capture_output=True)


def row(name: str, sandbox: float, host_value: float | None, unit: str, lower_is_better: bool = True) -> None:
    if host_value:
        ratio = sandbox / host_value if lower_is_better else host_value / sandbox
        print(f"{name:<44} {sandbox:>10.3f} {unit:<6} host {host_value:>10.3f} {unit:<6} sandbox/host {ratio:>7.1f}x")
    else:
        print(f"{name:<44} {sandbox:>10.3f} {unit}")


def _builtin_script() -> str:
    """1,000 lines of assignments, arithmetic, tests, case and echo."""
    kinds = [
        "x{m}=$((i + {i}))",
        'echo "line {i} $x{m}" >/dev/null',
        "i=$((i+1))",
        "[[ $i -gt {i} ]] && y=ok",
        "case $y in ok) z={i};; esac",
    ]
    return "\n".join(kinds[i % 5].format(i=i, m=i % 50) for i in range(1000))


def main() -> None:
    print(f"wasmsand benchmark — {time.strftime('%Y-%m-%d %H:%M')} — python {sys.version.split()[0]}")
    Sandbox().close()  # warm the compiled-module cache
    create = best_of(20, lambda: Sandbox().close())
    row("sandbox creation (warm)", create * 1000, None, "ms")

    sb = Sandbox()
    sb.exec(["true"])
    n = 200
    start = time.perf_counter()
    for _ in range(n):
        sb.exec(["true"])
    per_true = (time.perf_counter() - start) / n
    start = time.perf_counter()
    for _ in range(n):
        subprocess.run(["/bin/true"], check=True)
    per_host_true = (time.perf_counter() - start) / n
    row("`true` start to exit (per process)", per_true * 1000, per_host_true * 1000, "ms")

    size = 200 * MB
    pipeline = [["head", "-c", str(size), "/dev/zero"], ["cat"], ["wc", "-c"]]
    t_sb = best_of(3, lambda: sb.exec(pipeline))
    t_host = best_of(3, host(f"head -c {size} /dev/zero | cat | wc -c"))
    row("cat: 200 MB through pipes (MB/s)", size / MB / t_sb, size / MB / t_host, "MB/s", lower_is_better=False)

    sb.files.write("/tmp/big", b"x" * (50 * MB))
    t_sb = best_of(3, lambda: sb.exec(["cat", "/tmp/big"], timeout=120) and None)
    row("cat: 50 MB file to captured stdout (MB/s)", 50 / t_sb, None, "MB/s")

    probe = ROOT / "build" / "testprogs" / "probe.wasm"
    if probe.exists():
        sb.files.write("/usr/local/bin/probe", probe.read_bytes(), mode=0o755)
        calls = 200_000
        t_sb = best_of(3, lambda: sb.exec([["probe", "writes", str(calls)], ["wc", "-c"]]))
        row("host calls: 200k two-byte writes (calls/s)", calls / t_sb, None, "/s")
        row("  time per write system call", t_sb / calls * 1e6, None, "µs")
    else:
        print("(build/testprogs/probe.wasm missing: `make testprogs` for the host-call figure)")

    t_sb = best_of(5, lambda: sb.exec([["yes"], ["head", "-n", "1"]]))
    t_host = best_of(5, host("yes | head -n 1"))
    row("yes | head -n 1", t_sb * 1000, t_host * 1000, "ms")
    t_sb = best_of(3, lambda: sb.exec([["seq", "1", "100000000"], ["head", "-n", "3"]]))
    t_host = best_of(3, host("seq 1 100000000 | head -n 3"))
    row("seq 1 100000000 | head -n 3", t_sb * 1000, t_host * 1000, "ms")
    script = _builtin_script()
    t_sb = best_of(3, lambda: sb.commands.run(script))
    t_host = best_of(3, host(script))
    row("shell: 1,000-line script of builtins", t_sb * 1000, t_host * 1000, "ms")
    loop = "for ((i=0;i<10000;i++)); do s=$((s+i*2)); done; echo $s"
    t_sb = best_of(3, lambda: sb.commands.run(loop))
    t_host = best_of(3, host(loop))
    row("shell: for loop, 10,000 iterations, arith", t_sb * 1000, t_host * 1000, "ms")
    t_sb = best_of(20, lambda: sb.commands.run("echo hi | wc -w"))
    t_host = best_of(20, host("echo hi | wc -w"))
    row("shell: echo hi | wc -w", t_sb * 1000, t_host * 1000, "ms")
    t_sb = best_of(3, lambda: sb.exec([["seq", "1", "1000000"], ["wc", "-l"]]))
    t_host = best_of(3, host("seq 1 1000000 | wc -l"))
    row("seq 1 1000000 | wc -l", t_sb * 1000, t_host * 1000, "ms")
    sb.close()
    print("text tools on generated data (seconds, median of 3):")
    bench_tools.run_all(row, best_of)


if __name__ == "__main__":
    main()
