"""The WebAssembly modules wasmsand ships, and where they are found.

``make wasm`` writes them with a ``manifest.json`` (sha256, size, applets,
toolchain versions) to the repository's ``wasm/``; the wheel carries that
folder as ``wasmsand/wasm``. Modules are read and compiled on first use and
kept for the life of the Python process, so a new sandbox costs no compile.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .hosts.base import CompiledModule, Host

__all__ = ["BundledModules", "ModuleInfo", "bundled_modules", "wasm_dir"]


def wasm_dir() -> Path:
    """The folder holding the modules: inside the installed package, or the
    repository's ``wasm/`` for a development checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "wasm", here.parent.parent / "wasm"):
        if (candidate / "manifest.json").is_file():
            return candidate
    raise FileNotFoundError("wasmsand's WebAssembly modules are missing: run `make wasm`")


@dataclass(frozen=True)
class ModuleInfo:
    name: str
    file: str
    sha256: str
    size: int
    applets: tuple[str, ...]


class BundledModules:
    """The manifest, plus compiled modules cached per host."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        manifest: dict[str, Any] = json.loads((folder / "manifest.json").read_text())
        self.manifest = manifest
        self.modules = {
            name: ModuleInfo(name, m["file"], m["sha256"], m["size"], tuple(m.get("applets", ())))
            for name, m in manifest["modules"].items()
        }
        self._compiled: dict[tuple[int, str], CompiledModule] = {}

    def read(self, name: str) -> bytes:
        info = self.modules[name]
        data = (self.folder / info.file).read_bytes()
        if hashlib.sha256(data).hexdigest() != info.sha256:
            raise ValueError(f"{info.file} does not match its manifest entry: rebuild with `make wasm`")
        return data

    def compiled(self, host: Host, name: str) -> CompiledModule:
        key = (id(host), name)
        module = self._compiled.get(key)
        if module is None:
            module = host.compile(self.read(name), name)
            self._compiled[key] = module
        return module


_bundled: BundledModules | None = None


def bundled_modules() -> BundledModules:
    """The process-wide registry of shipped modules."""
    global _bundled
    if _bundled is None:
        _bundled = BundledModules(wasm_dir())
    return _bundled
