#!/usr/bin/env python3
"""Builds wasm/ from rust/: cargo (wasm32-wasi), wasm-opt --asyncify, and
a manifest with sha256, sizes, applets and toolchain versions.

Run as `make wasm`. The result is byte-for-byte reproducible on a machine
with the same toolchain (Debian 12's rustc and binaryen); CI rebuilds and
compares with what is committed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUST = ROOT / "rust"
OUT = ROOT / "wasm"
TARGET = "wasm32-wasi"
EXPORT_FLAGS = "-C link-arg=--export=wasmsand_asyncify_buffer"

# Each multicall module: its crate, and the folder of its applet files
# (each declares `pub const APPLETS: &[wsutil::Applet] = &[("name", f), ...]`).
MODULES = {
    "coreutils": ("coreutils", RUST / "coreutils" / "src" / "applets"),
    "jq": ("jq", RUST / "jq" / "src"),
}


def tool(name: str, env_var: str, debian_path: str) -> str:
    """Debian's toolchain comes first: rustup's has no wasm32-wasi target."""
    if os.environ.get(env_var):
        return os.environ[env_var]
    if Path(debian_path).exists():
        return debian_path
    found = shutil.which(name)
    if not found:
        sys.exit(f"build_wasm: {name} not found (run `make setup`)")
    return found


def version(cmd: list[str]) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip().splitlines()[0]


def applets(folder: Path) -> list[str]:
    """The names in the APPLETS tables of the applet files, sorted."""
    names = []
    for source in sorted(folder.glob("*.rs")):
        text = source.read_text()
        start = text.find("pub const APPLETS")
        if start < 0:
            continue
        table = text[start : text.index("];", start)]
        names += re.findall(r'\(\s*"([^"]+)"\s*,', table)
    if len(names) != len(set(names)):
        sys.exit(f"build_wasm: an applet name is declared twice in {folder}")
    return sorted(names)


def main() -> None:
    cargo = tool("cargo", "CARGO", "/usr/bin/cargo")
    rustc = tool("rustc", "RUSTC", "/usr/bin/rustc")
    wasm_opt = tool("wasm-opt", "WASM_OPT", "/usr/bin/wasm-opt")
    env = dict(os.environ)
    env["RUSTC"] = rustc
    env["CARGO_TARGET_WASM32_WASI_RUSTFLAGS"] = f"{EXPORT_FLAGS} --remap-path-prefix={ROOT}=/wasmsand"
    env.pop("RUSTFLAGS", None)
    subprocess.run([cargo, "build", "--release", "--locked", "--target", TARGET], cwd=RUST, env=env, check=True)
    OUT.mkdir(exist_ok=True)
    manifest: dict[str, object] = {
        "format": 1,
        "toolchain": {
            "rustc": version([rustc, "--version"]),
            "cargo": version([cargo, "--version"]),
            "wasm-opt": version([wasm_opt, "--version"]),
        },
        "modules": {},
    }
    modules: dict[str, object] = {}
    for name, (crate, listing) in MODULES.items():
        built = RUST / "target" / TARGET / "release" / f"{crate}.wasm"
        out = OUT / f"{name}.wasm"
        subprocess.run(
            [wasm_opt, str(built), "--asyncify", "-O2", "--strip-debug", "--strip-producers", "-o", str(out)],
            check=True,
        )
        data = out.read_bytes()
        modules[name] = {
            "file": out.name,
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
            "applets": applets(listing),
        }
        print(f"{out.relative_to(ROOT)}: {len(data)} bytes, {len(modules[name]['applets'])} applets")  # type: ignore[index]
    manifest["modules"] = modules
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
