"""The Host protocol: everything the core asks of a WebAssembly engine.

The core (VFS, WASI, processes, shell) runs unchanged on wasmtime natively
and on the browser's engine under Pyodide; this protocol is the whole of
what it may use. It is deliberately small: compile, instantiate with
imports, call an export, read and write linear memory, and a deadline.

Conventions both hosts keep:
- An import handler receives i32 arguments as unsigned ints and i64
  arguments as signed ints, and returns an int (or None for no result).
- An exception raised by a handler stops the guest and comes out of
  ``Instance.call`` unchanged (stashed per instance, never globally).
- A trap comes out as :class:`Trap`; an expired deadline as a Trap whose
  ``kind`` is ``"deadline"``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["TRAP_MESSAGES", "CompiledModule", "Host", "ImportHandler", "Instance", "InstanceLimits", "Memory", "Trap"]

ImportHandler = Callable[..., Any]

# The message of a trap of each kind, the same on every host (it reaches the
# user as "wasmsand: CMD: MESSAGE"); a trap of kind "other" keeps the
# engine's own words.
TRAP_MESSAGES = {
    "deadline": "interrupted (time limit)",
    "stack": "call stack exhausted",
    "memory": "out of bounds memory access",
    "unreachable": "unreachable code reached (aborted)",
}


class Trap(Exception):
    """The guest trapped: ``kind`` is "deadline", "memory" (out of memory or
    out of bounds), "stack", "unreachable" or "other"."""

    def __init__(self, message: str, kind: str = "other") -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class InstanceLimits:
    """Per-instance resource limits."""

    memory_bytes: int = 1 << 30  # linear memory ceiling


class CompiledModule(Protocol):
    """A module compiled once and instantiated many times."""

    name: str

    def exports(self) -> set[str]: ...

    def imports(self) -> list[tuple[str, str]]: ...


class Memory(Protocol):
    """The linear memory of one instance. Views are never cached across
    calls into the guest: memory may grow (and move) at any call."""

    def read(self, ptr: int, n: int) -> bytes:
        """``n`` bytes at ``ptr``; IndexError if out of bounds."""
        ...

    def write(self, ptr: int, data: bytes) -> None:
        """Stores ``data`` at ``ptr``; IndexError if out of bounds."""
        ...

    def unpack(self, fmt: str, ptr: int) -> tuple[Any, ...]:
        """``struct.unpack_from(fmt, memory, ptr)``."""
        ...

    def pack(self, fmt: str, ptr: int, *values: Any) -> None:
        """``struct.pack_into(fmt, memory, ptr, *values)``."""
        ...

    def size(self) -> int: ...


class Instance(Protocol):
    """One instantiated module: a process's code, memory and state."""

    memory: Memory

    def call(self, name: str, *args: int) -> Any:
        """Calls an export; returns its single result or None. Raises the
        handler's exception or :class:`Trap`."""
        ...

    def has_export(self, name: str) -> bool: ...

    def close(self) -> None:
        """Frees the instance (its memory) now rather than at collection."""
        ...


class Host(Protocol):
    """A WebAssembly engine."""

    name: str
    # How deep Python may recurse while the scheduler runs (0: leave it).
    recursion_limit: int

    def compile(self, wasm: bytes, name: str) -> CompiledModule:
        """Compiles (or loads from cache) a module; ValueError if invalid."""
        ...

    def instantiate(
        self,
        module: CompiledModule,
        imports: Mapping[tuple[str, str], ImportHandler],
        limits: InstanceLimits,
    ) -> Instance:
        """Instantiates ``module``; every import it declares must be in
        ``imports`` (else ValueError naming the missing one)."""
        ...

    def set_deadline(self, deadline: float | None) -> None:
        """From now on, guest code running past ``deadline`` (a
        ``time.monotonic()`` value) traps with kind "deadline"."""
        ...

    def sleep(self, seconds: float) -> None:
        """Waits while every process is asleep (``sleep 1``)."""
        ...
