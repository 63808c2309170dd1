#!/usr/bin/env python3
"""Builds the WASI test programs (tests/programs) into build/testprogs,
with the same toolchain and Asyncify step as the shipped modules.
Skips what is already up to date."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "tests" / "programs"
OUT = ROOT / "build" / "testprogs"
sys.path.insert(0, str(ROOT / "tools"))
from build_wasm import tool  # noqa: E402


def stale(out: Path, inputs: list[Path]) -> bool:
    return not out.exists() or any(p.stat().st_mtime > out.stat().st_mtime for p in inputs)


def asyncify(wasm_opt: str, src: Path, dst: Path) -> None:
    subprocess.run([wasm_opt, str(src), "--asyncify", "-O2", "-o", str(dst)], check=True)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    wasm_opt = tool("wasm-opt", "WASM_OPT", "/usr/bin/wasm-opt")
    clang = tool("clang", "CLANG", "/usr/bin/clang")
    for c in sorted((SRC / "c").glob("*.c")):
        out = OUT / f"{c.stem}.wasm"
        if stale(out, [c]):
            raw = OUT / f"{c.stem}.raw.wasm"
            subprocess.run(
                [
                    clang,
                    "--target=wasm32-wasi",
                    "--sysroot=/usr",
                    "-O2",
                    "-Wall",
                    "-Wno-unused-result",
                    "-o",
                    str(raw),
                    str(c),
                ],
                check=True,
            )
            asyncify(wasm_opt, raw, out)
            # The same program without Asyncify: blocking calls wait in place.
            (OUT / f"{c.stem}.plain.wasm").write_bytes(raw.read_bytes())
            print(f"built {out.relative_to(ROOT)}")
    rust = SRC / "rust"
    out = OUT / "wasi_std.wasm"
    if stale(out, [*list((rust / "src").glob("*.rs")), rust / "Cargo.toml"]):
        env = dict(os.environ, RUSTC=tool("rustc", "RUSTC", "/usr/bin/rustc"))
        env.pop("RUSTFLAGS", None)
        cargo = tool("cargo", "CARGO", "/usr/bin/cargo")
        subprocess.run([cargo, "build", "--release", "--target", "wasm32-wasi"], cwd=rust, env=env, check=True)
        asyncify(wasm_opt, rust / "target" / "wasm32-wasi" / "release" / "wasi-std.wasm", out)
        print(f"built {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
