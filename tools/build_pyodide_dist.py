#!/usr/bin/env python3
"""Assembles a local Pyodide distribution under build/pyodide/ (never
committed), with no CDN: `make browser-dist`.

- The Pyodide core comes from the npm package (``npm pack pyodide@VERSION``);
  it carries no wheels, not even micropip.
- The wheels the browser tests need (micropip, and pytest + tblib for
  pytest-pyodide's ``run_in_pyodide``, with their dependencies as the
  lockfile names them) come from PyPI at the versions pyodide-lock.json
  names, and the lockfile's ``file_name``/``sha256`` are rewritten to match
  the files fetched (Pyodide checks them when it loads a package).
- The wasmsand wheel (py3-none-any, carrying wasm/) is built from this
  checkout and placed beside them; ``micropip.install(URL)`` installs it.

Downloads are cached under build/pyodide-cache/, so a rebuild is offline
once they are there.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYODIDE_VERSION = "314.0.7"  # Python 3.14; see shared TOOLCHAIN notes
PYTHON_VERSION = "3.14"
# Packages loaded into the browser by name; their lockfile dependencies follow.
ROOT_PACKAGES = ("micropip", "pytest", "tblib")
DEFAULT_OUT = ROOT / "build" / "pyodide"
CACHE = ROOT / "build" / "pyodide-cache"


def run(cmd: list[str], cwd: Path | None = None) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=cwd, check=True)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch_core(out: Path) -> None:
    """The npm package's files, flat in ``out``."""
    tarball = CACHE / f"pyodide-{PYODIDE_VERSION}.tgz"
    if not tarball.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        run(["npm", "pack", f"pyodide@{PYODIDE_VERSION}", "--pack-destination", str(CACHE)])
    with tarfile.open(tarball) as tar:
        for member in tar.getmembers():
            if not member.isfile() or not member.name.startswith("package/"):
                continue
            rel = member.name.removeprefix("package/")
            if "/" in rel or ".." in rel:
                continue
            src = tar.extractfile(member)
            assert src is not None
            (out / rel).write_bytes(src.read())


def closure(packages: dict[str, dict], roots: tuple[str, ...]) -> list[str]:
    """``roots`` and everything they depend on, by the lockfile."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in packages:
            raise SystemExit(f"pyodide-lock.json does not name {name}")
        seen.add(name)
        todo.extend(packages[name].get("depends", []))
    return sorted(seen)


def _cached(wheels: Path, name: str, version: str) -> Path | None:
    stem = name.replace("-", "_").lower()
    for found in wheels.glob("*.whl"):
        dist, ver = found.name.split("-")[:2]
        if dist.lower() == stem and ver == version:
            return found
    return None


def fetch_wheel(name: str, version: str) -> Path:
    """A pure-Python wheel of ``name==version`` from PyPI (cached). A few
    old packages Pyodide lists (atomicwrites) exist on PyPI only as source:
    those are built into a wheel locally, and must come out pure."""
    wheels = CACHE / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    found = _cached(wheels, name, version)
    if found is not None:
        return found
    pin = f"{name}=={version}"
    common = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    try:
        run([*common, "download", "-q", "--no-deps", "--only-binary=:all:",
             "--python-version", PYTHON_VERSION, "--dest", str(wheels), pin])  # fmt: skip
    except subprocess.CalledProcessError:
        run([*common, "wheel", "-q", "--no-deps", "--no-binary=:all:", "-w", str(wheels), pin])
    found = _cached(wheels, name, version)
    if found is None or not found.name.endswith("-none-any.whl"):
        raise SystemExit(f"no pure-Python wheel for {pin}")
    return found


def add_wheels(out: Path) -> None:
    lock_path = out / "pyodide-lock.json"
    lock = json.loads(lock_path.read_text())
    packages = lock["packages"]
    for name in closure(packages, ROOT_PACKAGES):
        entry = packages[name]
        if not entry["file_name"].endswith("-none-any.whl"):
            raise SystemExit(f"{name} is not a pure-Python wheel in Pyodide ({entry['file_name']}): not supported here")
        wheel = fetch_wheel(name, entry["version"])
        shutil.copy2(wheel, out / wheel.name)
        entry["file_name"] = wheel.name
        entry["sha256"] = sha256(wheel)
    lock_path.write_text(json.dumps(lock, indent=1, sort_keys=True) + "\n")


def add_wasmsand(out: Path) -> Path:
    """Builds the wasmsand wheel (as `make wheel` does) into ``out``."""
    for old in out.glob("wasmsand-*.whl"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", tmp, str(ROOT)])
        (wheel,) = Path(tmp).glob("wasmsand-*-py3-none-any.whl")
        return Path(shutil.copy2(wheel, out / wheel.name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--wheel-only", action="store_true", help="only rebuild the wasmsand wheel in --out")
    args = parser.parse_args()
    out: Path = args.out
    if not args.wheel_only:
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        fetch_core(out)
        add_wheels(out)
    wheel = add_wasmsand(out)
    print(f"Pyodide {PYODIDE_VERSION} distribution in {out} (with {wheel.name})")


if __name__ == "__main__":
    main()
