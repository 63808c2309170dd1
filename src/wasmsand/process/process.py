"""A process: argv, environment, working directory, descriptors, status.

What runs inside it is its ``Task``: a WebAssembly instance (``WasmTask``)
or a Python coroutine (``PyTask``, used by the shell). The process is what
the rest of the system sees; the task is how it executes.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Protocol

from ..vfs import Directory, FdTable, FileSystem, OpenFile
from .signals import ProcExit, ProcKilled
from .waits import AnyOf, Readable, Sleep, Wait, Writable, Yield

if TYPE_CHECKING:
    from .kernel import Kernel

__all__ = ["Process", "Task"]


class Task(Protocol):
    """How a process executes."""

    def step(self) -> None:
        """Runs until the process blocks (``proc.wait`` set) or ends
        (``kernel.finish`` called)."""

    def suspend(self, wait: Wait) -> None:
        """Arranges for the running process to stop here until ``wait``."""

    def resume(self) -> bool:
        """Called at the start of a call that may have suspended; True if
        the task suspended itself there instead (time slice used up)."""

    def discard(self) -> None:
        """Frees what the task holds; the process is over."""


class Process:
    """One process of the sandbox."""

    def __init__(
        self,
        kernel: Kernel,
        pid: int,
        ppid: int,
        argv: list[str],
        env: dict[str, str],
        cwd: Directory,
        fds: FdTable,
    ) -> None:
        self.kernel = kernel
        self.fs: FileSystem = kernel.fs
        self.pid = pid
        self.ppid = ppid
        self.argv = argv
        self.env = env
        self.cwd = cwd
        self.fds = fds
        self.umask = 0o022
        self.preopens: dict[int, str] = {}
        self.started_ns = time.monotonic_ns()
        self.task: Task | None = None
        self.wait: Wait | None = None
        self.status: int | None = None  # exit status once ended
        self.reaped = False
        self.running = False  # on the Python stack right now

    @property
    def name(self) -> str:
        return self.argv[0].rsplit("/", 1)[-1] if self.argv else "?"

    @property
    def exited(self) -> bool:
        return self.status is not None

    def __repr__(self) -> str:
        return f"<Process {self.pid} {self.argv!r} status={self.status}>"

    # -- ProcessView (for /proc and /dev/fd) ---------------------------------

    def open_file(self, fd: int) -> OpenFile | None:
        return self.fds.lookup(fd)

    def fd_numbers(self) -> list[int]:
        return self.fds.numbers()

    def cwd_path(self) -> str:
        return self.fs.path_of(self.cwd)

    # -- WasiProcess ---------------------------------------------------------

    def resume(self) -> bool:
        return self.task is not None and self.task.resume()

    def _suspend(self, wait: Wait) -> None:
        assert self.task is not None
        self.task.suspend(wait)

    def suspend_read(self, f: OpenFile) -> None:
        self._suspend(Readable(f))

    def suspend_write(self, f: OpenFile) -> None:
        self._suspend(Writable(f))

    def suspend_poll(self, reads: list[OpenFile], writes: list[OpenFile], until: float | None) -> None:
        parts: list[Wait] = [Readable(f) for f in reads] + [Writable(f) for f in writes]
        if not parts and until is not None:
            self._suspend(Sleep(until))
        else:
            self._suspend(AnyOf(parts, until))

    def suspend_yield(self) -> None:
        self._suspend(Yield())

    def exit(self, code: int) -> None:
        raise ProcExit(code)

    def kill(self, signal: int) -> None:
        raise ProcKilled(signal)
