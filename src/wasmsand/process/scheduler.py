"""The cooperative scheduler: one loop, in pure Python, for every process.

Processes run one at a time until they block or end (there is no
preemption: a process that never blocks runs to its end or to the
deadline, where the host interrupts it). A blocked process is looked at
again when what it waits for is ready. When every process is asleep, the
host sleeps until the earliest wake-up; when every process is blocked for
good, that is a deadlock, and the processes are killed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from .signals import Signal

if TYPE_CHECKING:
    from .kernel import Kernel
    from .process import Process

__all__ = ["DeadlineExceeded", "Deadlock", "Scheduler"]


class DeadlineExceeded(Exception):
    """The run's deadline passed before its goal was reached."""


class Deadlock(Exception):
    """Every process is blocked and nothing can wake one."""


class Scheduler:
    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self.deadline: float | None = None

    def run_until(
        self,
        done: Callable[[], bool],
        *,
        deadline: float | None = None,
        exclude: Process | None = None,
        wake: float | None = None,
    ) -> None:
        """Runs processes until ``done()``. Raises DeadlineExceeded past
        ``deadline`` (an earlier outer deadline still applies) and Deadlock
        when nothing can run any more. ``wake`` is a time at which ``done``
        may become true by itself (a sleep of the caller)."""
        outer = self.deadline
        if deadline is None or (outer is not None and outer < deadline):
            deadline = outer
        self.deadline = deadline
        host = self.kernel.host
        host.set_deadline(deadline)
        # Shell functions, nested substitutions and eval recurse in Python;
        # the host says how deep its stack allows (the shell's own limits
        # stop well before).
        old_limit = sys.getrecursionlimit()
        wanted = getattr(host, "recursion_limit", 0)
        if wanted > old_limit:
            sys.setrecursionlimit(wanted)
        try:
            self._loop(done, deadline, exclude, wake)
        finally:
            self.deadline = outer
            host.set_deadline(outer)
            if wanted > old_limit:
                sys.setrecursionlimit(old_limit)

    def _loop(
        self, done: Callable[[], bool], deadline: float | None, exclude: Process | None, caller_wake: float | None
    ) -> None:
        procs = self.kernel.procs
        while not done():
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                raise DeadlineExceeded
            ran = False
            wake: float | None = caller_wake
            for proc in list(procs.values()):
                if proc.exited or proc.running or proc is exclude or proc.task is None:
                    continue
                wait = proc.wait
                if wait is not None:
                    if not wait.ready(now):
                        if wait.deadline is not None and (wake is None or wait.deadline < wake):
                            wake = wait.deadline
                        continue
                    proc.wait = None
                proc.task.step()
                ran = True
                if done():
                    return
                now = time.monotonic()
            if ran:
                continue
            if wake is None:
                raise Deadlock
            if deadline is not None:
                wake = min(wake, deadline)
            self.kernel.host.sleep(max(0.0, wake - time.monotonic()))

    def kill_all(self, procs: list[Process], signal: int = Signal.SIGKILL) -> None:
        for proc in procs:
            if not proc.exited:
                self.kernel.kill(proc, signal)
