#!/usr/bin/env python3
"""Assembles the static playground page under build/site/ (never
committed): `make site`. The folder is deployable as it is (GitHub Pages
or any static host).

- site/ (the page's sources: HTML, CSS, JS modules, the worker's Python
  module, the sample files) is copied;
- xterm.js and its fit addon come from the npm registry at pinned versions
  (``npm pack``, checked against the registry's sha512 integrity), into
  vendor/xterm/;
- the wasmsand wheel is built from this checkout (or, with ``--pyodide``,
  taken from that distribution, which `make browser-dist` just built);
- config.js says where Pyodide comes from: the public CDN by default, or
  the local copy in pyodide/ when ``--pyodide DIR`` copied one there and the
  page is opened with ``?pyodide=local`` (the tests do) or the build was
  made with ``--default-pyodide local``.

Downloads are cached under build/site-cache/, so a rebuild is offline once
they are there.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from build_pyodide_dist import PYODIDE_VERSION  # noqa: E402

SOURCES = ROOT / "site"
DEFAULT_OUT = ROOT / "build" / "site"
CACHE = ROOT / "build" / "site-cache"
CDN = f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/full/"
# Seconds a command may run in the playground (?timeout=N overrides).
TIMEOUT = 30

# npm packages: (name, version, the registry's dist.integrity, files to
# take from the tarball -> name under vendor/xterm/).
NPM = [
    (
        "@xterm/xterm",
        "6.0.0",
        "sha512-TQwDdQGtwwDt+2cgKDLn0IRaSxYu1tSUjgKarSDkUM0ZNiSRXFpjxEsvc/Zgc5kq5omJ+V0a8/kIM2WD3sMOYg==",
        {"lib/xterm.mjs": "xterm.mjs", "css/xterm.css": "xterm.css", "LICENSE": "LICENSE.xterm"},
    ),
    (
        "@xterm/addon-fit",
        "0.11.0",
        "sha512-jYcgT6xtVYhnhgxh3QgYDnnNMYTcf8ElbxxFzX0IZo+vabQqSPAjC3c1wJrKB5E19VwQei89QCiZZP86DCPF7g==",
        {"lib/addon-fit.mjs": "addon-fit.mjs", "LICENSE": "LICENSE.addon-fit"},
    ),
]
# The files of the Pyodide npm package the page loads.
PYODIDE_CORE = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"]


def run(cmd: list[str], cwd: Path | None = None) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=cwd, check=True)


def npm_tarball(name: str, version: str, integrity: str) -> Path:
    """The package's tarball from the npm registry (cached), checked."""
    tarball = CACHE / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
    if not tarball.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        run(["npm", "pack", "--silent", f"{name}@{version}", "--pack-destination", str(CACHE)])
    algorithm, _, expected = integrity.partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, tarball.read_bytes()).digest()).decode()
    if actual != expected:
        tarball.unlink()
        raise SystemExit(f"{tarball.name}: integrity mismatch (registry says {integrity})")
    return tarball


def add_vendor(out: Path) -> None:
    vendor = out / "vendor" / "xterm"
    vendor.mkdir(parents=True, exist_ok=True)
    for name, version, integrity, files in NPM:
        with tarfile.open(npm_tarball(name, version, integrity)) as tar:
            for member, target in files.items():
                src = tar.extractfile(f"package/{member}")
                if src is None:
                    raise SystemExit(f"{name}@{version} has no {member}")
                data = src.read()
                if target.endswith(".mjs"):  # the source maps are not shipped
                    data = b"\n".join(
                        line for line in data.split(b"\n") if not line.startswith(b"//# sourceMappingURL=")
                    )
                (vendor / target).write_bytes(data)


def build_wheel(out: Path) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", tmp, str(ROOT)])
        (wheel,) = Path(tmp).glob("wasmsand-*-py3-none-any.whl")
        return Path(shutil.copy2(wheel, out / wheel.name))


def link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def add_local_pyodide(out: Path, dist: Path) -> None:
    target = out / "pyodide"
    target.mkdir()
    for name in PYODIDE_CORE:
        if not (dist / name).exists():
            raise SystemExit(f"{dist} has no {name}: run `make browser-dist`")
        link_or_copy(dist / name, target / name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--pyodide", type=Path, help="a local Pyodide distribution to copy into OUT/pyodide/")
    parser.add_argument(
        "--default-pyodide", default="cdn", help="where the page loads Pyodide from: cdn (default), local or a URL"
    )
    args = parser.parse_args()
    out: Path = args.out
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(SOURCES, out, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))
    (out / ".nojekyll").write_text("")  # GitHub Pages: serve the files as they are
    add_vendor(out)
    wheels = sorted(args.pyodide.glob("wasmsand-*-py3-none-any.whl")) if args.pyodide else []
    wheel = Path(shutil.copy2(wheels[-1], out / wheels[-1].name)) if wheels else build_wheel(out)
    if args.pyodide:
        add_local_pyodide(out, args.pyodide)
    elif args.default_pyodide == "local":
        raise SystemExit("--default-pyodide local needs --pyodide DIR")
    version = wheel.name.split("-")[1]
    config = {
        "version": version,
        "wheel": wheel.name,
        "pyodide": {"version": PYODIDE_VERSION, "cdn": CDN, "local": "pyodide/", "default": args.default_pyodide},
        "samples": sorted(p.name for p in (SOURCES / "samples").iterdir() if p.is_file()),
        "timeout": TIMEOUT,
    }
    (out / "config.js").write_text(
        f"// Generated by tools/build_site.py: do not edit.\nexport default {json.dumps(config, indent=2)};\n"
    )
    where = "the local copy in pyodide/" if args.default_pyodide == "local" else args.default_pyodide
    print(f"playground in {out} (wasmsand {version}, Pyodide {PYODIDE_VERSION} from {where})")


if __name__ == "__main__":
    main()
