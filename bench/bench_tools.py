"""Throughput of the text tools on generated data, against the host's GNU
tools in the same run (part of `make bench`).

Each workload is one shell line run twice: by the sandbox's shell in a
sandbox holding the generated files, and by the host's bash in a temporary
directory holding the same bytes. Tools the sandbox does not have yet are
skipped with a note, so the table grows as applets land.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from wasmsand import Limits, Sandbox

MB = 1024 * 1024


def text_100mb() -> bytes:
    """About 100 MB of log-like lines: words, a number column, varied tails."""
    lines = [f"{i} alpha{i % 1000} beta gamma delta {i * 7919 % 100000}\n" for i in range(2_300_000)]
    return "".join(lines).encode()[: 100 * MB]


def keys_1m() -> bytes:
    """1,000,000 lines in scrambled order, so sort has real work to do."""
    return "".join(f"{i * 2654435761 % 1000003:07d} k{i % 997}\n" for i in range(1_000_000)).encode()


def columns_1m() -> bytes:
    """1,000,000 two-column lines for awk's sum."""
    return "".join(f"r{i} {i % 1000}\n" for i in range(1_000_000)).encode()


def json_50mb() -> bytes:
    """One JSON array of records, about 50 MB."""
    records = []
    size = 2
    i = 0
    while size < 50 * MB:
        record = json.dumps({"id": i, "name": f"n{i}", "tags": ["a", "b", f"t{i % 7}"], "v": i * 0.5})
        records.append(record)
        size += len(record) + 1
        i += 1
    return ("[" + ",".join(records) + "]").encode()


# (label, data file name, generator, shell line run in the data's directory)
WORKLOADS: list[tuple[str, str, Callable[[], bytes], str]] = [
    ("grep -c alpha123 on 100 MB", "text", text_100mb, "grep -c alpha123 text"),
    ("sed s/a/A/g on 100 MB (| wc -c)", "text", text_100mb, "sed s/a/A/g text | wc -c"),
    ("wc on 100 MB", "text", text_100mb, "wc text"),
    ("sort of 1,000,000 lines (-o)", "keys", keys_1m, "sort -o sorted keys"),
    ("awk '{s+=$2} END {print s}' on 1M lines", "cols", columns_1m, "awk '{s+=$2} END {print s}' cols"),
    ("jq 'map(.v) | add' on 50 MB", "data.json", json_50mb, "jq 'map(.v) | add' data.json"),
]


def host_bash_path() -> str:
    """The host's tools, with gawk as `awk` when installed (mawk is not GNU)."""
    shim = Path(tempfile.mkdtemp(prefix="wasmsand-bench-bin-"))
    gawk = shutil.which("gawk")
    if gawk:
        (shim / "awk").symlink_to(gawk)
    return f"{shim}:/usr/bin:/bin"


def run_all(row: Callable[..., None], best_of: Callable[[int, Callable[[], object]], float], runs: int = 3) -> None:
    """Print one row per workload: sandbox seconds, host seconds, ratio
    (``row`` and the median timer ``best_of`` are bench.py's)."""
    limits = Limits(timeout=600, fs_bytes=512 * MB, output_bytes=64 * MB)
    with Sandbox(limits=limits) as sb, tempfile.TemporaryDirectory(prefix="wasmsand-bench-") as tmp:
        env = {"PATH": host_bash_path(), "LC_ALL": "C", "HOME": tmp}
        data: dict[str, bytes] = {}
        for label, name, make, line in WORKLOADS:
            tool = line.split()[0]
            if sb.commands.run(f"type -P {tool}").exit_code != 0:
                print(f"{label:<44} (skipped: no {tool} in the sandbox yet)")
                continue
            if name not in data:
                data.clear()  # one big input in memory at a time
                data[name] = make()
                sb.files.write(f"/tmp/{name}", data[name])
                (Path(tmp) / name).write_bytes(data[name])
            sandbox_result = sb.commands.run(line, cwd="/tmp", timeout=600)
            host_result = subprocess.run(["bash", "-c", line], cwd=tmp, env=env, capture_output=True)
            if sandbox_result.stdout_bytes != host_result.stdout or sandbox_result.exit_code != host_result.returncode:
                print(f"{label:<44} (output differs from the host: {sandbox_result.stderr.strip()[:60]!r})")
                continue
            t_sb = best_of(runs, lambda line=line: sb.commands.run(line, cwd="/tmp", timeout=600))
            t_host = best_of(
                runs, lambda line=line: subprocess.run(["bash", "-c", line], cwd=tmp, env=env, capture_output=True)
            )
            row(label, t_sb, t_host, "s")
            sb.commands.run("rm -f sorted", cwd="/tmp")
