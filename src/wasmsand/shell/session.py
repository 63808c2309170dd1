"""The sandbox's persistent shell session behind ``commands.run``.

Like a terminal: the working directory, variables, functions, aliases,
options and descriptors 3 and up persist from one command to the next.
Each ``run`` is the equivalent of ``bash -c SCRIPT`` in that session: its
own standard streams, the EXIT trap at its end, `exit` ending that run
only. The session is one process (pid 1) that outlives its runs, so
background jobs stay its children and `wait` works in a later run.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from ..process.process import Process
from ..process.signals import ProcExit, ProcKilled, Signal
from ..vfs import Directory, FdTable, OpenFile
from .errors import ExitShell, ShellError
from .executor import Shell
from .state import ShellState

if TYPE_CHECKING:
    from ..process.kernel import Kernel

__all__ = ["Session"]

SESSION_PID = 1


class _RunTask:
    """Drives one run's coroutine in the session process; when it ends the
    process stays (no exit), it only goes idle."""

    def __init__(self, session: Session, coro: Any) -> None:
        self.session = session
        self.coro = coro

    def step(self) -> None:
        proc = self.session.proc
        proc.running = True
        try:
            proc.wait = self.coro.send(None)
        except StopIteration as e:
            self.session.done(int(e.value or 0) & 0xFF)
        except ProcExit as e:
            self.session.done(e.code)
        except ProcKilled as e:
            self.session.done(128 + e.signal)
        except RecursionError:
            self.session.kernel.report(proc, "bash: maximum nesting depth exceeded")
            self.session.done(2)
        except Exception as e:  # never let a bug take the host down
            self.session.kernel.report(proc, f"wasmsand: bash: internal error: {type(e).__name__}: {e}")
            self.session.done(128 + Signal.SIGABRT)
        finally:
            proc.running = False

    def suspend(self, wait: Any) -> None:
        raise RuntimeError("Python processes block by awaiting")

    def resume(self) -> bool:
        return False

    def discard(self) -> None:
        self.coro.close()


class Session:
    def __init__(self, kernel: Kernel, env: dict[str, str], cwd: Directory) -> None:
        self.kernel = kernel
        self.proc = Process(kernel, SESSION_PID, 0, ["bash"], dict(env), cwd, FdTable())
        kernel.procs[SESSION_PID] = self.proc
        self.state = ShellState(cwd, env)
        self.state.shell_pid = SESSION_PID
        self.state.shopts.add("expand_aliases")
        self.state.source_stack = ["-c"]
        self.status: int | None = None
        self.running = False

    # -- a run ---------------------------------------------------------------

    def start(
        self,
        script: str,
        stdin: OpenFile,
        stdout: OpenFile,
        stderr: OpenFile,
        *,
        env: dict[str, str] | None = None,
        cwd: Directory | None = None,
    ) -> None:
        proc = self.proc
        for fd, f in ((0, stdin), (1, stdout), (2, stderr)):
            proc.fds.install_at(fd, f)
        proc.cwd = self.state.cwd
        proc.status = None
        proc.wait = None
        self.status = None
        self.running = True
        self.started = time.monotonic()
        self.first_pid = self.kernel._next_pid
        if script.strip():
            self.state.history.append(script.rstrip("\n"))
        proc.task = _RunTask(self, self._main(script, env, cwd))

    async def _main(self, script: str, env: dict[str, str] | None, cwd: Directory | None) -> int:
        st = self.state
        sh = Shell(self.kernel, self.proc, st, name="bash")
        saved_vars: list[tuple[str, Any]] = []
        saved_cwd = None
        if env:
            for name, value in env.items():
                var = st.lookup(name)
                saved_vars.append((name, None if var is None else (var.value, set(var.attrs))))
                st.set(name, value, export=True)
        if cwd is not None:
            saved_cwd = (st.cwd, st.get("PWD"), st.get("OLDPWD"))
            st.cwd = cwd
            self.proc.cwd = cwd
            st.set("PWD", self.kernel.fs.path_of(cwd))
        try:
            try:
                status = await sh.run_source(script)
            except ExitShell as e:
                status = e.status
                if not e.run_exit_trap:
                    st.traps.pop("EXIT", None)
            except ShellError as e:
                await sh.error(e.message)
                status = e.status
            status = await sh.finish(status)
        finally:
            for name, old in reversed(saved_vars):
                if old is None:
                    st.globals.pop(name, None)
                else:
                    var = st.lookup(name)
                    if var is not None:
                        var.value, var.attrs = old
            if saved_cwd is not None:
                st.cwd, pwd, oldpwd = saved_cwd
                self.proc.cwd = st.cwd
                if pwd is not None:
                    st.set("PWD", pwd)
                if oldpwd is not None:
                    st.set("OLDPWD", oldpwd)
        st.last_status = status
        return status

    def done(self, status: int) -> None:
        self.status = status
        self.state.last_status = status
        self._idle()

    def _idle(self) -> None:
        proc = self.proc
        proc.task = None
        proc.wait = None
        self.running = False
        for fd in (0, 1, 2):
            proc.fds.close(fd, missing_ok=True)

    def abort(self, status: int) -> None:
        """Ends the current run now (timeout): its coroutine is closed."""
        task = self.proc.task
        if task is not None:
            try:
                task.discard()
            except Exception:
                pass
        self.status = status
        self._idle()
