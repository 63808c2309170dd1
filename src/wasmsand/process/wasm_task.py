"""Running a WebAssembly process, suspending and resuming it with Asyncify.

Every bundled module is post-processed by ``wasm-opt --asyncify``. When a
system call would block, the process is *unwound*: the call records what it
waits for, starts the unwind and returns; the guest saves its call stack in
a buffer it owns (exported as ``wasmsand_asyncify_buffer``) and ``_start``
returns. To resume, the scheduler starts a *rewind* and calls ``_start``
again; the guest rebuilds its stack and re-enters the same system call,
which first ends the rewind and then tries again. Pure Python, no threads:
the same code runs on wasmtime and in the browser.

A module without the Asyncify exports (a user's own WASI binary) cannot be
suspended; its blocking calls run the other processes from inside the call
until they can go on. That serves the usual producer-to-consumer pipelines.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from ..hosts.base import CompiledModule, Trap
from ..wasi.preview1 import Preview1, RetryCall
from .sandbox_abi import SandboxAbi
from .scheduler import DeadlineExceeded, Deadlock
from .signals import ProcExit, ProcKilled, Signal
from .waits import Wait, Yield

if TYPE_CHECKING:
    from .kernel import Kernel
    from .process import Process

__all__ = ["ASYNCIFY_EXPORTS", "WasmTask"]

ASYNCIFY_BUFFER_SIZE = 64 * 1024
TIME_SLICE = 0.02  # seconds a process may run before yielding at a system call
ASYNCIFY_EXPORTS = frozenset(
    {
        "asyncify_start_unwind",
        "asyncify_stop_unwind",
        "asyncify_start_rewind",
        "asyncify_stop_rewind",
        "wasmsand_asyncify_buffer",
    }
)

_TRAP_SIGNALS = {"memory": Signal.SIGSEGV, "stack": Signal.SIGSEGV}


class WasmTask:
    """The execution of one process's WebAssembly instance."""

    def __init__(self, kernel: Kernel, proc: Process, module: CompiledModule) -> None:
        self.kernel = kernel
        self.proc = proc
        self.wasi = Preview1(proc)
        self.abi = SandboxAbi(kernel, proc)
        imports = self.wasi.imports()
        imports.update(self.abi.imports())
        self.instance = kernel.host.instantiate(module, imports, kernel.instance_limits)
        self.wasi.mem = self.instance.memory
        self.abi.mem = self.instance.memory
        self.asyncify = module.exports() >= ASYNCIFY_EXPORTS
        self.buffer = self.instance.call("wasmsand_asyncify_buffer") if self.asyncify else 0
        self.started = False
        self.slice_start = 0.0
        self.unwinding = False
        self.rewinding = False

    def step(self) -> None:
        proc = self.proc
        proc.running = True
        self.slice_start = time.monotonic()
        instance = self.instance
        try:
            if self.started:
                instance.call("asyncify_start_rewind", self.buffer)
                self.rewinding = True
            self.started = True
            instance.call("_start")
            if self.unwinding:
                self.unwinding = False
                instance.call("asyncify_stop_unwind")
                return
            self.kernel.finish(proc, 0)
        except ProcExit as e:
            self.kernel.finish(proc, e.code)
        except ProcKilled as e:
            self.kernel.finish(proc, 128 + e.signal)
        except Trap as t:
            self._trapped(t)
        except (DeadlineExceeded, Deadlock):
            raise  # from a nested run (a module without Asyncify): the caller's to handle
        except Exception as e:  # a bug of ours must not take the host down
            self.kernel.report(proc, f"wasmsand: {proc.name}: internal error: {type(e).__name__}: {e}")
            self.kernel.finish(proc, 128 + Signal.SIGABRT)
        finally:
            proc.running = False

    def _trapped(self, t: Trap) -> None:
        proc = self.proc
        if t.kind == "deadline":
            self.kernel.finish(proc, 128 + Signal.SIGKILL)
            return
        message = "suspended call stack too deep for the Asyncify buffer" if self.unwinding else str(t)
        self.kernel.report(proc, f"wasmsand: {proc.name}: {message}")
        self.kernel.finish(proc, 128 + _TRAP_SIGNALS.get(t.kind, Signal.SIGABRT))

    def suspend(self, wait: Wait) -> None:
        proc = self.proc
        if not self.asyncify:
            self._pump(wait)
            raise RetryCall
        proc.wait = wait
        self.unwinding = True
        self.instance.memory.pack("<II", self.buffer, self.buffer + 8, self.buffer + ASYNCIFY_BUFFER_SIZE)
        self.instance.call("asyncify_start_unwind", self.buffer)

    def _pump(self, wait: Wait) -> None:
        """Without Asyncify: run the others until ``wait`` is satisfied."""
        self.kernel.scheduler.run_until(lambda: wait.ready(time.monotonic()), exclude=self.proc, wake=wait.deadline)

    def resume(self) -> bool:
        if self.rewinding:
            self.rewinding = False
            self.instance.call("asyncify_stop_rewind")
            return False
        # Preemption at system-call boundaries: a process that never blocks
        # (`yes > /dev/null`) still lets the others run.
        if self.asyncify and time.monotonic() - self.slice_start > TIME_SLICE:
            self.suspend(Yield())
            return True
        return False

    def discard(self) -> None:
        self.instance.close()
