"""wasmsand: a WebAssembly sandbox with a bash-like shell, coreutils and
Python, for LLM agents. The same pure-Python core runs natively (on
wasmtime) and in the browser (in Pyodide)."""

from .errors import FileError, InvalidArgumentError, NotFoundError, SandboxClosedError, WasmsandError
from .limits import Limits
from .sandbox import CommandResult, EntryInfo, Sandbox

__all__ = [
    "CommandResult",
    "EntryInfo",
    "FileError",
    "InvalidArgumentError",
    "Limits",
    "NotFoundError",
    "Sandbox",
    "SandboxClosedError",
    "WasmsandError",
    "__version__",
]

__version__ = "0.1.0"
