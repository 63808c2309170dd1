"""Running Python code as a process: a coroutine that awaits to block.

The shell's subshells, pipeline stages and background jobs are coroutines.
When one would block (a read from an empty pipe, a write to a full one,
waiting for a child), it awaits a ``Wait``; the scheduler gets it from
``send()`` and resumes the coroutine when it is ready. No threads.
"""

from __future__ import annotations

from collections.abc import Coroutine, Generator
from typing import TYPE_CHECKING, Any

from .signals import ProcExit, ProcKilled, Signal
from .waits import Wait

if TYPE_CHECKING:
    from .kernel import Kernel
    from .process import Process, Task

__all__ = ["ExecRequest", "PyTask", "block"]


class ExecRequest(BaseException):
    """Raised by a Python process that replaces itself with a program
    (exec): the process goes on with ``task``."""

    def __init__(self, task: Task) -> None:
        super().__init__()
        self.task = task


class _Block:
    __slots__ = ("wait",)

    def __init__(self, wait: Wait) -> None:
        self.wait = wait

    def __await__(self) -> Generator[Wait, None, None]:
        yield self.wait


def block(wait: Wait) -> _Block:
    """``await block(Readable(f))`` suspends the calling Python process."""
    return _Block(wait)


class PyTask:
    def __init__(self, kernel: Kernel, proc: Process, coro: Coroutine[Any, Any, int]) -> None:
        self.kernel = kernel
        self.proc = proc
        self.coro = coro

    def step(self) -> None:
        proc = self.proc
        proc.running = True
        try:
            proc.wait = self.coro.send(None)
        except StopIteration as e:
            self.kernel.finish(proc, int(e.value or 0) & 0xFF)
        except ExecRequest as e:
            self.coro.close()
            proc.task = e.task
            proc.wait = None
        except ProcExit as e:
            self.kernel.finish(proc, e.code)
        except ProcKilled as e:
            self.kernel.finish(proc, 128 + e.signal)
        except RecursionError:
            self.kernel.report(proc, f"{proc.name}: maximum nesting depth exceeded")
            self.kernel.finish(proc, 2)
        except Exception as e:  # a bug of ours must not take the host down
            self.kernel.report(proc, f"wasmsand: {proc.name}: internal error: {type(e).__name__}: {e}")
            self.kernel.finish(proc, 128 + Signal.SIGABRT)
        finally:
            proc.running = False

    def suspend(self, wait: Wait) -> None:
        raise RuntimeError("Python processes block by awaiting, not by suspend()")

    def resume(self) -> bool:
        return False

    def discard(self) -> None:
        self.coro.close()
