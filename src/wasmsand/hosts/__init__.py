"""WebAssembly engines the core runs on. Only this package may know which.

``default_host()`` picks the engine of the current platform: the browser's
(through Pyodide) when running under Pyodide, wasmtime otherwise. One host
is shared by every sandbox of the process, so modules compile once.
"""

from __future__ import annotations

import sys

from .base import Host, InstanceLimits, Trap

__all__ = ["Host", "InstanceLimits", "Trap", "default_host"]

_default: Host | None = None


def default_host() -> Host:
    """The process-wide engine for this platform (created on first use)."""
    global _default
    if _default is None:
        if sys.platform == "emscripten":
            from .pyodide import PyodideHost

            _default = PyodideHost()
        else:
            from .wasmtime import WasmtimeHost

            _default = WasmtimeHost()
    return _default
