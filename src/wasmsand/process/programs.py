"""What an executable file runs: a WebAssembly module or Python code.

A command entry in the VFS names a program (``#!wasmsand coreutils cat``);
the table maps that name to something that can start a task. Python
programs (the shell) are registered by the layers above, so this layer
does not depend on them.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Protocol

from ..hosts.base import CompiledModule

if TYPE_CHECKING:
    from .kernel import Kernel
    from .process import Process, Task

__all__ = ["Program", "ProgramTable", "PythonProgram", "WasmProgram"]


class Program(Protocol):
    name: str

    def start(self, kernel: Kernel, proc: Process) -> Task: ...


class WasmProgram:
    """A WebAssembly module (a multicall module runs one applet of it)."""

    def __init__(self, name: str, load: Callable[[], CompiledModule], applet: str | None = None) -> None:
        self.name = name
        self.load = load
        self.applet = applet

    def start(self, kernel: Kernel, proc: Process) -> Task:
        from .wasm_task import WasmTask

        if self.applet is not None:
            base = proc.argv[0].rsplit("/", 1)[-1] if proc.argv else ""
            if base != self.applet:
                proc.argv = [self.applet, *proc.argv[1:]]
        return WasmTask(kernel, proc, self.load())


PythonMain = Callable[["Kernel", "Process"], Coroutine[Any, Any, int]]


class PythonProgram:
    """A coroutine run as a process (it awaits to block)."""

    def __init__(self, name: str, main: PythonMain) -> None:
        self.name = name
        self.main = main

    def start(self, kernel: Kernel, proc: Process) -> Task:
        from .py_task import PyTask

        return PyTask(kernel, proc, self.main(kernel, proc))


ProgramFactory = Callable[[str | None], Program]


class ProgramTable:
    """Program name (as in a command entry) -> how to make the program."""

    def __init__(self) -> None:
        self._factories: dict[str, ProgramFactory] = {}

    def register(self, name: str, factory: ProgramFactory) -> None:
        self._factories[name] = factory

    def lookup(self, name: str, applet: str | None) -> Program | None:
        factory = self._factories.get(name)
        return factory(applet) if factory is not None else None
