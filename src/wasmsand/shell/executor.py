"""The shell's evaluator: runs the AST inside a sandbox process.

The shell is a Python process (a coroutine under the kernel's scheduler):
every place that may block — a write to a full pipe, reading a command
substitution, waiting for a child — awaits, and the scheduler runs the
other processes meanwhile. Subshells (pipeline stages, ``( )``, ``$( )``,
background jobs) are new processes running a copy of the state, as with
fork; a stage that is one external command replaces itself with the
program (exec), so ``a | b`` is two processes, as in bash.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Any

from ..process.py_task import ExecRequest, block
from ..process.signals import ProcKilled, Signal
from ..process.waits import ChildExit, Readable, Writable, Yield
from ..vfs import Directory, Errno, OpenFile, RegularFile, VfsError, strerror
from ..vfs.streams import ByteSource
from . import ast
from .arith import ArithError, evaluate_arith
from .errors import (
    AbandonCommand,
    AbandoningError,
    BreakLoop,
    ContinueLoop,
    ExitShell,
    FatalShellError,
    ParseError,
    ReturnFromFunction,
    ShellError,
)
from .expand import Expander, quote_for_reuse, quote_for_trace
from .parser import DeclWord, Parser, is_name
from .printer import command_text, subscript_text
from .state import SET_OPTIONS, Frame, Job, ShellState, last_index, put_index

if TYPE_CHECKING:
    from ..process.kernel import Kernel
    from ..process.process import Process

__all__ = ["MAX_FUNCTION_DEPTH", "Shell"]

MAX_FUNCTION_DEPTH = 1000  # calls, evals and sources nested
_SLICE = 0.02


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _file_read_redirect(body: ast.CommandList) -> ast.Redir | None:
    """The ``< file`` of a substitution that is only that, else None."""
    if len(body.items) != 1 or body.items[0].background:
        return None
    and_or = body.items[0].command
    if and_or.rest or len(and_or.first.commands) != 1 or and_or.first.negated or and_or.first.timed:
        return None
    cmd = and_or.first.commands[0]
    if not isinstance(cmd, ast.SimpleCommand) or cmd.words or cmd.assigns or len(cmd.redirs) != 1:
        return None
    redir = cmd.redirs[0]
    if redir.op != "<" or redir.fd not in (None, 0) or redir.fd_var is not None:
        return None
    return redir


async def _read_all(f: OpenFile) -> bytes:
    """Reads ``f`` to its end, waiting when it is an empty pipe, then lets
    our hold on it go."""
    f.retain()
    chunks: list[bytes] = []
    try:
        while True:
            data = f.read(1 << 16)
            if data is None:
                await block(Readable(f))
                continue
            if not data:
                break
            chunks.append(data)
    finally:
        f.release()
    return b"".join(chunks)


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


class Shell:
    """One shell process: its state and how to run commands in it."""

    def __init__(self, kernel: Kernel, proc: Process, state: ShellState, *, name: str = "bash") -> None:
        self.kernel = kernel
        self.proc = proc
        self.state = state
        self.fs = kernel.fs
        self.expander = Expander(self)
        self.name = name  # for messages: "bash", or the script's name
        self.command_mode = True  # -c without an explicit $0: messages lack line numbers
        self.c_string = False  # running `bash -c STRING`: syntax errors say "-c"
        self.errexit_suppressed = 0
        self.loop_depth = 0
        self.last_cmdsub_status: int | None = None
        self.proc_subs: list[tuple[int, Process]] = []
        self.slice_start = time.monotonic()
        self.ticks = 0
        self.in_trap = False
        self.exiting_status: int | None = None  # while the EXIT trap runs: what a bare `exit` returns
        self.refresh_builtins()

    def refresh_builtins(self) -> None:
        """The builtin table less those `enable -n` turned off."""
        from .builtins import BUILTINS

        off = self.state.disabled_builtins
        self.builtins = {k: v for k, v in BUILTINS.items() if k not in off} if off else BUILTINS

    # -- output ------------------------------------------------------------------

    async def write(self, fd: int, data: bytes) -> None:
        """Writes everything to descriptor ``fd``, suspending on a full
        pipe. A broken pipe kills this process with SIGPIPE, as in bash."""
        f = self.proc.fds.lookup(fd)
        if f is None:
            raise VfsError(Errno.EBADF)
        while data:
            try:
                n = f.write(data)
            except VfsError as e:
                if e.errno == Errno.EPIPE:
                    raise ProcKilled(Signal.SIGPIPE) from None
                raise
            if n is None:
                await block(Writable(f))
                continue
            data = data[n:]

    async def out(self, text: str) -> None:
        await self.write(1, _encode(text))

    def prefix(self) -> str:
        """What bash -c puts before its messages: `bash: line N: `, or
        `environment: line N: ` inside a function; a script's path."""
        line = self.state.lineno
        if self.command_mode and self.state.frames:
            return f"environment: line {line}: "
        return f"{self.name}: line {line}: "

    async def usage(self, text: str) -> None:
        """A usage line: bash prints it without the `bash: line N:` prefix."""
        try:
            await self.write(2, _encode(text + "\n"))
        except VfsError:
            pass

    async def error(self, message: str) -> None:
        try:
            await self.write(2, _encode(self.prefix() + message + "\n"))
        except VfsError:
            pass

    # -- scheduling --------------------------------------------------------------

    async def checkpoint(self) -> None:
        """Lets other processes run now and then, and stops at the deadline
        (a shell loop never blocks by itself)."""
        self.ticks += 1
        if self.ticks & 31:
            return
        now = time.monotonic()
        deadline = self.kernel.scheduler.deadline
        if deadline is not None and now >= deadline:
            raise ProcKilled(Signal.SIGKILL)
        if now - self.slice_start > _SLICE:
            await block(Yield())
            self.slice_start = time.monotonic()

    async def wait_child(self, child: Process) -> int:
        while not child.exited:
            await block(ChildExit(child))
        status = child.status if child.status is not None else 0
        self.kernel.reap(child)
        return status

    # -- running source --------------------------------------------------------------

    def _parser(self, src: str, line: int = 1) -> Parser:
        return Parser(
            src,
            aliases=self.state.aliases,
            expand_aliases="expand_aliases" in self.state.shopts,
            extglob="extglob" in self.state.shopts,
            line=line,
        )

    async def run_source(self, src: str, *, source_name: str | None = None, syntax_fatal: bool = True) -> int:
        """Parses and runs ``src`` command by command; a syntax error ends
        it with status 2 (and ends the shell unless ``syntax_fatal`` is
        off, as for eval). Control flow (exit, return) propagates; an
        abandoned command (see [`AbandonCommand`]) ends only itself, as in
        each of bash's reading loops (script, eval, source)."""
        parser = self._parser(src)
        status = self.state.last_status
        while True:
            parser.expand_aliases = "expand_aliases" in self.state.shopts
            parser.extglob = "extglob" in self.state.shopts
            start = parser.pos
            try:
                cl = parser.parse_next()
            except ParseError as e:
                await self.syntax_error(e, src, source_name)
                status = self.state.last_status if e.cond and syntax_fatal else e.status
                self.state.last_status = status
                if not syntax_fatal:
                    return status
                raise ExitShell(status) from None
            for line, warning in parser.warnings:
                self.state.lineno, command_line = line, self.state.lineno
                await self.error(warning)
                self.state.lineno = command_line
            parser.warnings.clear()
            if cl is None:
                return status
            if "verbose" in self.state.options:
                text = src[start : parser.pos].lstrip("\n")
                await self.write(2, _encode(text if text.endswith("\n") else text + "\n"))
            if "noexec" in self.state.options:
                continue
            try:
                status = await self.run_list(cl)
            except AbandonCommand as e:
                status = self.state.last_status = e.status

    async def syntax_error(self, e: ParseError, src: str, source_name: str | None) -> None:
        named_c = self.c_string and not self.command_mode and source_name is None
        where = source_name or ("-c" if self.command_mode or named_c else self.name)
        line = e.line
        if e.token is None and e.message is None:
            # "unexpected end of file" is reported on the line after the last.
            line = src.count("\n") + (1 if src.endswith("\n") else 2)
        head = f"{self.name}: {where}: line {line}: " if self.command_mode or named_c else f"{self.name}: line {line}: "
        if e.message == "":
            return
        lines = [head + e.text()]
        if e.token is not None and e.message is None:
            source_lines = src.split("\n")
            if 1 <= line <= len(source_lines):
                lines.append(head + "`" + source_lines[line - 1] + "'")
        try:
            await self.write(2, _encode("\n".join(lines) + "\n"))
        except VfsError:
            pass

    # -- lists and pipelines -------------------------------------------------------

    async def run_list(self, cl: ast.CommandList) -> int:
        status = self.state.last_status
        for item in cl.items:
            if "noexec" in self.state.options:
                break  # set -n: commands after it on the same line are not run either
            if item.background:
                status = await self.start_background(item.command)
            else:
                status = await self.run_and_or(item.command)
        return status

    async def run_and_or(self, node: ast.AndOr) -> int:
        if not node.rest:
            return await self.run_pipeline(node.first)
        self.errexit_suppressed += 1
        try:
            status = await self.run_pipeline(node.first)
        finally:
            self.errexit_suppressed -= 1
        for k, (op, pipeline) in enumerate(node.rest):
            if (op == "&&") != (status == 0):
                continue
            last = k == len(node.rest) - 1
            if not last:
                self.errexit_suppressed += 1
            try:
                status = await self.run_pipeline(pipeline)
            finally:
                if not last:
                    self.errexit_suppressed -= 1
        return status

    async def run_pipeline(self, pl: ast.Pipeline) -> int:
        start = time.monotonic()
        if pl.negated:
            self.errexit_suppressed += 1
        try:
            if not pl.commands:
                status = 0
            elif len(pl.commands) == 1:
                status = await self.run_command(pl.commands[0])
                self.state.pipestatus = [status]
            else:
                status = await self._run_stages(pl)
        finally:
            if pl.negated:
                self.errexit_suppressed -= 1
        if pl.negated:
            status = int(status == 0)
        if pl.timed:
            elapsed = time.monotonic() - start
            if pl.timed_posix:
                report = f"real {elapsed:.2f}\nuser 0.00\nsys 0.00\n"
            else:
                report = f"\nreal\t{_minutes(elapsed)}\nuser\t0m0.000s\nsys\t0m0.000s\n"
            await self.write(2, _encode(report))
        self.state.last_status = status
        if status != 0 and not pl.negated:
            await self.failed(status)
        return status

    def fatal_exit(self, e: FatalShellError) -> ExitShell:
        """How a fatal expansion error ends a non-interactive shell."""
        if isinstance(e, AbandoningError):
            return AbandonCommand(e.status)
        return ExitShell(self.fatal_status(e.status))

    def fatal_status(self, status: int) -> int:
        """The exit status of a shell stopped by an expansion error: bash
        exits 127 only at the top of a -c string, 1 in a script or subshell."""
        st = self.state
        if status == 127 and (st.subshell_level > 0 or st.source_stack[:1] != ["-c"]):
            return 1
        return status

    async def failed(self, status: int) -> None:
        """ERR trap and set -e, outside the contexts that exempt them."""
        if self.errexit_suppressed:
            return
        trap = self.state.traps.get("ERR")
        # functions inherit the ERR trap only with set -E (errtrace)
        if trap and not self.in_trap and (not self.state.frames or "errtrace" in self.state.options):
            await self.run_trap(trap)
        if "errexit" in self.state.options:
            raise ExitShell(status)

    async def _run_stages(self, pl: ast.Pipeline) -> int:
        n = len(pl.commands)
        pipes = [self.kernel.new_pipe() for _ in range(n - 1)]
        children: list[Process] = []
        # shopt -s lastpipe: the last stage runs in this shell (job control is always off here)
        last_here = "lastpipe" in self.state.shopts
        try:
            for i, cmd in enumerate(pl.commands):
                if last_here and i == n - 1:
                    break
                if isinstance(cmd, ast.SimpleCommand) and "DEBUG" in self.state.traps:
                    # bash runs it for each stage, though stages are subshells (which drop it)
                    await self._before_simple_command(cmd)
                overlay: dict[int, OpenFile | None] = {}
                if i > 0:
                    overlay[0] = pipes[i - 1][0]
                if i < n - 1:
                    overlay[1] = pipes[i][1]
                    if i < len(pl.stderr_too) and pl.stderr_too[i]:
                        if hasattr(cmd, "redirs"):
                            cmd = _with_stderr_to_stdout(cmd)
                        else:
                            overlay[2] = pipes[i][1]
                children.append(await self.fork(_stage_runner(cmd), overlay))
        finally:
            for k, (r, w) in enumerate(pipes):
                if not (last_here and k == n - 2):
                    r.close_unreferenced()
                w.close_unreferenced()
        last_status = None
        if last_here:
            with self.installed({0: pipes[-1][0]}):
                last_status = await self.run_command(pl.commands[-1])
        statuses = [await self.wait_child(c) for c in children]
        if last_status is not None:
            statuses.append(last_status)
        self.state.pipestatus = statuses
        if "pipefail" in self.state.options:
            for s in reversed(statuses):
                if s != 0:
                    return s
            return 0
        return statuses[-1]

    # -- processes -------------------------------------------------------------------

    async def fork(
        self,
        body: Callable[[Shell], Awaitable[int]],
        overlay: dict[int, OpenFile | None] | None = None,
    ) -> Process:
        """A subshell process running ``body`` on a copy of this shell."""
        from ..process.programs import PythonProgram

        child_state = self.state.clone()
        fds: dict[int, OpenFile] = {}
        for fd in self.proc.fds.numbers():
            f = self.proc.fds.lookup(fd)
            if f is not None:
                fds[fd] = f
        for fd, f in (overlay or {}).items():
            if f is None:
                fds.pop(fd, None)
            else:
                fds[fd] = f
        name, command_mode, c_string = self.name, self.command_mode, self.c_string

        async def main(kernel: Kernel, proc: Process) -> int:
            sh = Shell(kernel, proc, child_state, name=name)
            sh.command_mode = command_mode
            sh.c_string = c_string
            # a subshell run where set -e is ignored ignores it too
            sh.errexit_suppressed = self.errexit_suppressed
            return await sh.run_subshell(body)

        program = PythonProgram("bash", main)
        argv = list(self.proc.argv)
        try:
            return self.kernel.spawn(
                argv, env=child_state.exported(), cwd=self.state.cwd, fds=fds, parent=self.proc, program=program
            )
        except VfsError as e:
            raise ShellError(f"fork: {strerror(e.errno)}") from None

    async def _before_simple_command(self, cmd: ast.SimpleCommand) -> None:
        """BASH_COMMAND and the DEBUG trap (neither while a trap runs; the
        trap in functions only with set -T)."""
        if self.in_trap:
            return
        st = self.state
        st.current_command = cmd
        debug = st.traps.get("DEBUG")
        if debug and (not st.frames or "functrace" in st.options):
            await self.run_trap(debug)

    async def run_subshell(self, body: Callable[[Shell], Awaitable[int]]) -> int:
        try:
            status = await body(self)
        except ExitShell as e:
            status = e.status
            if not e.run_exit_trap:
                self.state.traps.pop("EXIT", None)
        except ShellError as e:
            await self.error(e.message)
            status = e.status
        except (BreakLoop, ContinueLoop):
            status = 0
        except ReturnFromFunction as e:
            status = e.status
        return await self.finish(status)

    async def finish(self, status: int) -> int:
        """The EXIT trap, then the status."""
        trap = self.state.traps.pop("EXIT", None)
        if trap:
            self.state.last_status = status
            self.exiting_status = status
            try:
                await self.run_trap(trap)
            except ExitShell as e:
                status = e.status
        await self.close_proc_subs()
        return status

    async def run_trap(self, text: str) -> None:
        saved = self.state.last_status
        self.in_trap = True
        try:
            await self.run_source(text)
        finally:
            self.in_trap = False
            self.state.last_status = saved

    async def start_background(self, node: ast.AndOr) -> int:
        async def body(sh: Shell) -> int:
            return await sh.run_and_or(node)

        null = None
        overlay: dict[int, OpenFile | None] = {}
        if "monitor" not in self.state.options:
            # Without job control a background job reads /dev/null.
            null = self.fs.open("/dev/null", self.fs.root)
            overlay[0] = null
        child = await self.fork(body, overlay)
        if null is not None:
            null.close_unreferenced()
        self.state.last_bg_pid = child.pid
        number = max((j.number for j in self.state.jobs), default=0) + 1
        self.state.jobs.append(Job(number, [child.pid], _and_or_text(node)))
        self.state.last_status = 0
        return 0

    async def command_substitution(self, body: ast.CommandList) -> str:
        source = _file_read_redirect(body)
        if source is not None:
            return await self.read_file_substitution(source)
        r, w = self.kernel.new_pipe()
        try:

            async def run(sh: Shell) -> int:
                sh.state.trace_depth += 1
                if "inherit_errexit" not in sh.state.shopts:
                    sh.state.options.discard("errexit")  # bash clears -e in $(...)
                return await sh.run_list(body)

            child = await self.fork(run, {1: w})
        finally:
            w.close_unreferenced()
        out = await _read_all(r)
        status = await self.wait_child(child)
        self.last_cmdsub_status = status
        self.state.last_status = status
        return await self._substituted(out)

    async def read_file_substitution(self, redir: ast.Redir) -> str:
        """``$(< file)``: bash reads the file itself, with no subshell."""
        try:
            overlay = await self.open_redirections((redir,))
        except _RedirectFailed as e:
            await self.error(e.message)
            self.last_cmdsub_status = self.state.last_status = 1
            return ""
        f = overlay[0]
        assert f is not None
        out = await _read_all(f)
        self.last_cmdsub_status = self.state.last_status = 0
        return await self._substituted(out)

    async def _substituted(self, out: bytes) -> str:
        """A substitution's output as text (bash drops NUL bytes)."""
        if b"\0" in out:
            await self.error("warning: command substitution: ignored null byte in input")
            out = out.replace(b"\0", b"")
        return _decode(out)

    async def process_substitution(self, ps: ast.ProcessSub) -> str:
        r, w = self.kernel.new_pipe()
        child_end, ours = (w, r) if ps.direction == "<" else (r, w)

        async def run(sh: Shell) -> int:
            return await sh.run_list(ps.body)

        try:
            child = await self.fork(run, {1 if ps.direction == "<" else 0: child_end})
        finally:
            child_end.close_unreferenced()
        fd = 63
        while self.proc.fds.lookup(fd) is not None and fd > 10:
            fd -= 1
        self.proc.fds.install_at(fd, ours)
        self.proc_subs.append((fd, child))
        self.state.last_bg_pid = child.pid
        self.state.procsub_pids.append(child.pid)
        return f"/dev/fd/{fd}"

    async def close_proc_subs(self) -> None:
        subs, self.proc_subs = self.proc_subs, []
        for fd, _child in subs:
            self.proc.fds.close(fd, missing_ok=True)

    # -- commands --------------------------------------------------------------------

    async def run_command(self, cmd: ast.Command) -> int:
        await self.checkpoint()
        kind = type(cmd)
        if kind is ast.SimpleCommand:
            try:
                return await self.run_simple(cmd)  # type: ignore[arg-type]
            finally:
                if self.proc_subs:
                    await self.close_proc_subs()
        handler = _COMPOUND_HANDLERS.get(kind)
        if handler is None:
            raise ShellError(f"unsupported command {kind.__name__}")
        if kind is ast.FunctionDef:
            return await handler(self, cmd)
        line = getattr(cmd, "line", 0)
        if line:
            self.state.lineno = line
        redirs = getattr(cmd, "redirs", ())
        if not redirs:
            return await handler(self, cmd)
        try:
            async with self.redirected(redirs):
                return await handler(self, cmd)
        except _RedirectFailed as e:
            await self.error(e.message)
            self.state.last_status = 1
            return 1

    async def run_brace(self, cmd: ast.BraceGroup) -> int:
        return await self.run_list(cmd.body)

    async def run_subshell_command(self, cmd: ast.Subshell) -> int:
        async def body(sh: Shell) -> int:
            return await sh.run_list(cmd.body)

        child = await self.fork(body)
        return await self.wait_child(child)

    async def run_condition(self, cl: ast.CommandList) -> int:
        self.errexit_suppressed += 1
        try:
            return await self.run_list(cl)
        finally:
            self.errexit_suppressed -= 1

    async def run_if(self, cmd: ast.If) -> int:
        for cond, body in cmd.arms:
            if await self.run_condition(cond) == 0:
                return await self.run_list(body)
        if cmd.else_body is not None:
            return await self.run_list(cmd.else_body)
        return 0

    async def _loop_body(self, body: ast.CommandList) -> tuple[int, str | None]:
        """Runs a loop body; ("break"/"continue", or None) for the loop."""
        try:
            return await self.run_list(body), None
        except BreakLoop as e:
            if e.levels > 1:
                e.levels -= 1
                raise
            return self.state.last_status, "break"
        except ContinueLoop as e:
            if e.levels > 1:
                e.levels -= 1
                raise
            return self.state.last_status, "continue"

    async def run_while(self, cmd: ast.While) -> int:
        status = 0
        self.loop_depth += 1
        try:
            while True:
                await self.checkpoint()
                cond = await self.run_condition(cmd.cond)
                if (cond == 0) == cmd.until:
                    break
                status, flow = await self._loop_body(cmd.body)
                if flow == "break":
                    break
        finally:
            self.loop_depth -= 1
        self.state.last_status = status
        return status

    async def run_for(self, cmd: ast.For) -> int:
        if not is_name(cmd.var):
            await self.error(f"`{cmd.var}': not a valid identifier")
            return 1
        if cmd.words is None:
            values = list(self.state.positional)
        else:
            values = await self.expander.words(cmd.words)
        if cmd.select:
            return await self.run_select(cmd, values)
        status = 0
        self.loop_depth += 1
        trace = "xtrace" in self.state.options
        try:
            for v in values:
                await self.checkpoint()
                if trace:
                    await self.trace(f"for {cmd.var} in " + " ".join(quote_for_reuse(x) for x in values))
                self.state.set(cmd.var, v)
                status, flow = await self._loop_body(cmd.body)
                if flow == "break":
                    break
        finally:
            self.loop_depth -= 1
        self.state.last_status = status
        return status

    async def run_select(self, cmd: ast.For, values: list[str]) -> int:
        """``select``: the numbered menu and PS3 on stderr, a line read into
        REPLY, the chosen item (or nothing) in the variable; ends at EOF
        (status 1) or on break."""
        from .builtins.io import read_line

        if not values:
            return 0
        status = 0
        self.loop_depth += 1
        try:
            show_menu = True
            while True:
                await self.checkpoint()
                if show_menu:
                    await self.write(2, _encode(select_menu(values, self.state.get("COLUMNS"))))
                ps3 = self.state.get("PS3")
                await self.write(2, _encode("#? " if ps3 is None else ps3))
                line = await read_line(self, 0)
                if line is None:
                    await self.write(1, b"\n")
                    status = 1
                    break
                self.state.set("REPLY", line)
                show_menu = line == ""
                if show_menu:
                    continue
                choice = line.strip()
                pick = int(choice) if choice.isdigit() else 0
                self.state.set(cmd.var, values[pick - 1] if 1 <= pick <= len(values) else "")
                status, flow = await self._loop_body(cmd.body)
                if flow == "break":
                    break
        finally:
            self.loop_depth -= 1
        self.state.last_status = status
        return status

    async def arith(self, word: ast.Word | None, *, trace: bool = True, for_part: bool = False) -> int:
        """Evaluates ``(( word ))``; ``for_part`` marks a clause of
        ``for ((;;))``, which bash traces without its leading blanks."""
        if word is None:
            return 1
        text = await self.expander.single_arith_text(word)
        if trace and "xtrace" in self.state.options:
            await self.trace(f"(( {text.lstrip() if for_part else text} ))")
        return evaluate_arith(text, self.state)

    async def run_arith_for(self, cmd: ast.ArithFor) -> int:
        status = 0
        self.loop_depth += 1
        try:
            if cmd.init is not None:
                await self.arith(cmd.init, for_part=True)
            while True:
                await self.checkpoint()
                if cmd.cond is not None and await self.arith(cmd.cond, for_part=True) == 0:
                    break
                status, flow = await self._loop_body(cmd.body)
                if flow == "break":
                    break
                if cmd.step is not None:
                    await self.arith(cmd.step, for_part=True)
        except ArithError as e:
            await self.error(f"((: {e.message}")
            status = 1
        finally:
            self.loop_depth -= 1
        self.state.last_status = status
        return status

    async def run_case(self, cmd: ast.Case) -> int:
        from . import pattern

        subject = await self.expander.single(cmd.word)
        if "xtrace" in self.state.options:
            await self.trace(f"case {quote_for_reuse(subject)} in")
        nocase = "nocasematch" in self.state.shopts
        status = 0
        arms = cmd.arms
        i = 0
        matched_any = False
        while i < len(arms):
            arm = arms[i]
            hit = False
            for p in arm.patterns:
                if pattern.match(await self.expander.pattern(p), subject, nocase):
                    hit = True
                    break
            if hit:
                matched_any = True
                status = await self.run_list(arm.body)
                while arm.terminator == ";&" and i + 1 < len(arms):
                    i += 1
                    arm = arms[i]
                    status = await self.run_list(arm.body)
                if arm.terminator != ";;&":
                    break
            i += 1
        if not matched_any:
            status = 0
        return status

    async def run_function_def(self, cmd: ast.FunctionDef) -> int:
        if cmd.name in self.state.functions and "readonly_function" in cmd.name:
            return 1
        self.state.functions[cmd.name] = cmd
        self.state.function_files[cmd.name] = self._current_file()
        return 0

    def _current_file(self) -> str:
        """The file being read, as BASH_SOURCE names it ("environment" for
        a -c string)."""
        return "environment" if self.command_mode else self.name

    async def run_arith_command(self, cmd: ast.ArithCommand) -> int:
        try:
            value = await self.arith(cmd.expr)
        except ArithError as e:
            await self.error(f"((: {e.message}")
            return 1
        return int(value == 0)

    async def run_cond(self, cmd: ast.CondCommand) -> int:
        from .cond import cond_trace, evaluate_cond

        if "xtrace" in self.state.options:
            await self.trace("[[ " + await cond_trace(self, cmd.expr) + " ]]")
        try:
            return 0 if await evaluate_cond(self, cmd.expr) else 1
        except ArithError as e:
            await self.error(f"[[: {e.message}")
            return 1
        except FatalShellError:
            raise
        except ShellError as e:
            await self.error(e.message)
            return 2

    # -- simple commands -------------------------------------------------------------

    async def expand_args(self, words: tuple[ast.Word, ...]) -> list[str]:
        out: list[str] = []
        for w in words:
            if isinstance(w, DeclWord):
                a = w.assign
                if isinstance(a.value, ast.ArrayLiteral):
                    items = await self._array_items_text(a.value, quote=True)
                    out.append(a.name + ("+=" if a.append else "=") + "(" + " ".join(items) + ")")
                else:
                    value = await self.expander.single(a.value, assignment=True) if a.value is not None else ""
                    sub = ""
                    if a.index is not None:
                        sub = "[" + await self.expander.single(a.index) + "]"
                    out.append(a.name + sub + ("+=" if a.append else "=") + value)
            else:
                out.extend(await self.expander.words([w]))
        return out

    async def _array_items_text(self, lit: ast.ArrayLiteral, *, quote: bool = False) -> list[str]:
        """Expanded elements of an array literal, as text (quoted to be
        parsed again by declare when ``quote``)."""
        q = quote_for_reuse if quote else (lambda t: t)
        values = []
        for key, value in lit.items:
            texts = await self.expander.words([value])
            if key is not None:
                values.append("[" + await self.expander.single(key) + "]=" + q("".join(texts)))
            else:
                values.extend(q(t) for t in texts)
        return values

    async def assign(self, a: ast.Assign, *, local: bool = False) -> _Traced:
        """Performs an assignment; returns how set -x would show it (made
        only if asked: quoting a long value on every assignment is costly)."""
        st = self.state
        name = a.name
        if isinstance(a.value, ast.ArrayLiteral):
            var = st.lookup(name)
            assoc = var is not None and var.is_assoc
            values: dict[Any, str] = {}
            if a.append and var is not None and isinstance(var.value, dict):
                values = var.value  # appended in place: a+=(x) in a loop stays linear
            elif a.append and var is not None and var.value is not None:
                values = {0: var.value}  # type: ignore[dict-item]
            index = last_index(values) if values and not assoc else 0  # type: ignore[arg-type]
            if assoc and a.value.items and a.value.items[0][0] is None:
                # bash 5.1+: `h=(k1 v1 k2 v2)` is a list of key-value pairs
                words = [await self.expander.single(value) for _, value in a.value.items]  # not split
                for k in range(0, len(words), 2):
                    values[words[k]] = words[k + 1] if k + 1 < len(words) else ""
                st.set_array(name, values, assoc=True, local=local)
                pairs = list(values.values())
                return _Traced(lambda: "(" + " ".join(quote_for_reuse(v) for v in pairs) + ")")
            for key, value in a.value.items:
                if key is not None:
                    if assoc:
                        values[await self.expander.assoc_key(key)] = await self.expander.single(value, assignment=True)
                        continue
                    index = evaluate_arith(await self.expander.single(key), st)
                    put_index(values, index, await self.expander.single(value, assignment=True))
                    index += 1
                elif assoc:
                    raise ShellError(
                        f"{name}: {await self.expander.single(value)}: must use subscript when assigning associative array"
                    )
                else:
                    for field in await self.expander.words([value]):
                        put_index(values, index, field)
                        index += 1
            st.set_array(name, values, assoc=assoc, local=local)
            items = list(values.values())
            return _Traced(lambda: "(" + " ".join(quote_for_reuse(v) for v in items) + ")")
        value = await self.expander.single(a.value, assignment=True) if a.value is not None else ""
        if a.index is not None:
            var = st.lookup(name)
            if var is not None and var.is_assoc:
                key: Any = await self.expander.assoc_key(a.index)
                if key == "":
                    raise AbandoningError(f"{name}[{subscript_text(a.index)}]: bad array subscript")
            else:
                key = evaluate_arith(await self.expander.single_arith_text(a.index), st)
            if a.append:
                old = None
                if var is not None and isinstance(var.value, dict):
                    old = var.value.get(key)  # type: ignore[call-overload]
                if var is not None and "i" in var.attrs:
                    value = str(evaluate_arith(f"{old or 0}+({value})", st))
                else:
                    value = (old or "") + value
            st.set_element(name, key, value)
            return _Traced(lambda: _traced_value(value))
        if a.append:
            var = st.lookup(st.resolve_nameref(name))
            if var is not None and "i" in var.attrs:
                value = str(evaluate_arith(f"{var.scalar() or 0}+({value})", st))
            elif var is not None and var.value is not None:
                value = (var.scalar() or "") + value
        st.set(name, value, local=local)
        return _Traced(lambda: _traced_value(value))

    async def trace(self, text: str, prefix: str | None = None) -> None:
        if prefix is None:
            prefix = await self.trace_prefix()
        await self.write(2, _encode(prefix + text + "\n"))

    async def trace_prefix(self) -> str:
        """PS4 expanded as bash does (with xtrace off, $? kept), its first
        character repeated once per level of eval, source and command
        substitution."""
        st = self.state
        ps4 = st.get("PS4")
        if ps4 is None:
            prefix = "+ "
        elif "$" not in ps4 and "`" not in ps4:
            prefix = ps4
        else:
            prefix = await self._expand_prompt(ps4)
        return prefix[0] * st.trace_depth + prefix if prefix else ""

    async def _expand_prompt(self, text: str) -> str:
        st = self.state
        try:
            word = ast.Word(Parser(text)._read_double_quoted(heredoc=True))
        except ParseError:
            return text
        had_xtrace, status = "xtrace" in st.options, st.last_status
        st.options.discard("xtrace")
        try:
            return await self.expander.single(word)
        except ShellError:
            return text
        finally:
            if had_xtrace:
                st.options.add("xtrace")
            st.last_status = status

    async def run_simple(self, cmd: ast.SimpleCommand, *, exec_in_place: bool = False) -> int:
        """A simple command; with ``exec_in_place`` (the whole of a pipeline
        stage), an external command replaces this subshell."""
        st = self.state
        if cmd.line:
            st.lineno = cmd.line
        await self._before_simple_command(cmd)
        self.last_cmdsub_status = None
        try:
            argv = await self.expand_args(cmd.words)
        except FatalShellError as e:
            await self.error(e.message)
            st.last_status = e.status
            if not st.interactive:
                raise self.fatal_exit(e) from None
            return e.status
        except ShellError as e:
            await self.error(e.message)
            st.last_status = e.status
            return e.status
        if not argv:
            return await self._assignments_only(cmd)
        try:
            prefix = [(a, await self._assign_text(a)) for a in cmd.assigns]
        except ShellError as e:
            await self.error(e.message)
            return 1
        if "xtrace" in st.options:
            await self._trace_command(prefix, argv)
        name = argv[0]
        st.set("_", argv[-1])
        if name == "exec" and all(a.startswith("-") for a in argv[1:]) and name not in st.functions:
            try:
                self.apply_permanently(await self.open_redirections(cmd.redirs))
            except _RedirectFailed as e:
                await self.error(e.message)
                return 1
            return 0
        function = st.functions.get(name)
        builtin = self.builtins.get(name)
        if function is None and builtin is None:
            return await self.run_external(argv, cmd, exec_in_place=exec_in_place and not self.proc_subs, prefix=prefix)
        saved: list[tuple[str, Any]] = []
        try:
            for a, text in prefix:
                var = st.lookup(a.name)
                saved.append((a.name, None if var is None else (var.value, set(var.attrs))))
                st.set(a.name, text)
                st.lookup(a.name).attrs.add("x")  # type: ignore[union-attr]
        except ShellError as e:
            await self.error(e.message)
            return 1
        try:
            async with self.redirected(cmd.redirs):
                if function is not None:
                    return await self.call_function(function, argv)
                assert builtin is not None
                return await self.run_builtin(builtin, argv)
        except _RedirectFailed as e:
            await self.error(e.message)
            st.last_status = 1
            return 1
        finally:
            for var_name, old in reversed(saved):
                if old is None:
                    st.globals.pop(var_name, None)
                else:
                    var = st.lookup(var_name)
                    if var is not None:
                        var.value, var.attrs = old

    async def _trace_command(self, prefix: list[tuple[ast.Assign, str]], argv: list[str]) -> None:
        """bash traces each prefix assignment on its own line, then the
        words; export and readonly then show the assignments they make."""
        for a, text in prefix:
            await self.trace(f"{a.name}={_traced_value(text)}")
        await self.trace(" ".join(quote_for_trace(w) for w in argv))
        if argv[0] in ("export", "readonly"):
            for arg in argv[1:]:
                name, eq, value = arg.partition("=")
                if eq and name.isidentifier():
                    await self.trace(f"{name}={_traced_value(value)}")

    async def _assign_text(self, a: ast.Assign) -> str:
        if isinstance(a.value, ast.ArrayLiteral):
            return "(" + " ".join(await self._array_items_text(a.value)) + ")"
        return await self.expander.single(a.value, assignment=True) if a.value is not None else ""

    async def _assignments_only(self, cmd: ast.SimpleCommand) -> int:
        st = self.state
        try:
            for a in cmd.assigns:
                try:
                    prefix = await self.trace_prefix() if "xtrace" in st.options else None
                    traced = await self.assign(a)
                    if prefix is not None:
                        await self.trace(f"{a.name}{'+' if a.append else ''}={traced.text()}", prefix)
                except ShellError as e:
                    if "readonly variable" in e.message:
                        raise FatalShellError(e.message, 1) from None
                    raise
        except FatalShellError as e:
            await self.error(e.message)
            if not st.interactive:
                raise self.fatal_exit(e) from None
            return e.status
        except ShellError as e:
            await self.error(e.message)
            st.last_status = 1
            return 1
        status = self.last_cmdsub_status or 0
        if cmd.redirs:
            try:
                async with self.redirected(cmd.redirs):
                    pass
            except _RedirectFailed as e:
                await self.error(e.message)
                return 1
        return status

    async def run_builtin(self, builtin: Callable[[Shell, list[str]], Awaitable[int]], argv: list[str]) -> int:
        try:
            return await builtin(self, argv)
        except FatalShellError as e:
            await self.error(e.message)
            if not self.state.interactive:
                raise self.fatal_exit(e) from None
            return e.status
        except ShellError as e:
            await self.error(e.message)
            return e.status
        except VfsError as e:
            await self.error(f"{argv[0]}: write error: {strerror(e.errno)}")
            return 1

    async def call_function(self, fn: ast.FunctionDef, argv: list[str]) -> int:
        st = self.state
        depth = len(st.frames) + len(st.source_stack) - 1
        limit_text = st.get("FUNCNEST")
        limit = MAX_FUNCTION_DEPTH
        if limit_text and limit_text.isdigit() and int(limit_text) > 0:
            limit = min(limit, int(limit_text))
        if depth >= limit:
            raise FatalShellError(f"{fn.name}: maximum function nesting level exceeded ({limit})")
        saved_positional = st.positional
        return_traps_set = st.return_traps_set
        st.positional = argv[1:]
        # bash -c calls the source of its functions "environment"
        st.frames.append(Frame(fn.name, {}, st.lineno, st.function_files.get(fn.name) or self._current_file()))
        # a function starts outside any loop: `break` in it cannot end the caller's
        loop_depth, self.loop_depth = self.loop_depth, 0
        try:
            status = await self.run_command(fn.body)
        except ReturnFromFunction as e:
            status = e.status
        finally:
            st.frames.pop()
            st.positional = saved_positional
            self.loop_depth = loop_depth
        trap = st.traps.get("RETURN")
        # RETURN fires for a trap the function set itself, or for all with set -T
        if trap and not self.in_trap and ("functrace" in st.options or st.return_traps_set != return_traps_set):
            await self.run_trap(trap)
        st.last_status = status
        return status

    # -- external commands --------------------------------------------------------------

    def find_command(self, name: str) -> str:
        if "/" in name:
            return name
        cached = self.state.hash.get(name)
        if cached is not None:
            try:
                self.fs.resolve(cached, self.state.cwd)
                self.state.hash_hits[name] = self.state.hash_hits.get(name, 0) + 1
                return cached
            except VfsError:
                self.state.hash.pop(name, None)
        path = self.state.get("PATH")
        # With PATH unset, bash looks in the current directory only.
        found = self.kernel.find_command(name, {"PATH": path if path is not None else "."}, self.state.cwd)
        if "hashall" in self.state.options:
            self.state.hash[name] = found
            self.state.hash_hits[name] = 1
        return found

    async def run_external(
        self,
        argv: list[str],
        cmd: ast.SimpleCommand,
        *,
        exec_in_place: bool = False,
        prefix: list[tuple[ast.Assign, str]] | None = None,
        env: dict[str, str] | None = None,
        path: str | None = None,
    ) -> int:
        """Runs a program; ``prefix`` are the command's (already expanded)
        assignments, which go to its environment only. ``env`` and ``path``
        override the exported variables and the PATH lookup."""
        st = self.state
        name = argv[0]
        if env is None:
            env = st.exported()
        for a, text in prefix or ():
            env[a.name] = text
        if path is None:
            try:
                path = self.find_command(name)
            except VfsError as e:
                try:
                    async with self.redirected(cmd.redirs):
                        return await self._not_found(argv, e)
                except _RedirectFailed as failed:
                    await self.error(failed.message)
                    return 1
        try:
            overlay = await self.open_redirections(cmd.redirs)
        except _RedirectFailed as e:
            await self.error(e.message)
            return 1
        try:
            if exec_in_place:
                for fd, f in overlay.items():
                    if f is None:
                        self.proc.fds.close(fd, missing_ok=True)
                    else:
                        self.proc.fds.install_at(fd, f)
                try:
                    task = self.kernel.exec(self.proc, argv, env=env, path=path)
                except VfsError as e:
                    table = {fd: f for fd in self.proc.fds.numbers() if (f := self.proc.fds.lookup(fd)) is not None}
                    return await self._exec_failed(argv, path, e, env, table)
                raise ExecRequest(task)
            fds: dict[int, OpenFile] = {}
            for fd in self.proc.fds.numbers():
                f = self.proc.fds.lookup(fd)
                if f is not None:
                    fds[fd] = f
            for fd, f in overlay.items():
                if f is None:
                    fds.pop(fd, None)
                else:
                    fds[fd] = f
            try:
                child = self.kernel.spawn(argv, env=env, cwd=st.cwd, fds=fds, parent=self.proc, path=path)
            except VfsError as e:
                held, overlay = overlay, {}  # installed() closes them after
                with self.installed(held):
                    return await self._exec_failed(argv, path, e, env, fds)
        finally:
            for f in overlay.values():
                if f is not None:
                    f.close_unreferenced()
        return await self.wait_child(child)

    async def _not_found(self, argv: list[str], e: VfsError) -> int:
        """A command the PATH lookup did not find (the command's own
        redirections in place, as in bash's child): bash's message, or the
        user's ``command_not_found_handle``."""
        name = argv[0]
        handler = self.state.functions.get("command_not_found_handle")
        if handler is not None and e.errno == Errno.ENOENT and "/" not in name:
            child = await self.fork(lambda sh: sh.call_function(handler, ["command_not_found_handle", *argv]))
            return await self.wait_child(child)
        if e.errno == Errno.ENOENT:
            if "/" in name or not self.state.get("PATH"):  # unset or empty PATH
                await self.error(f"{name}: No such file or directory")
            else:
                await self.error(f"{name}: command not found")
            return 127
        await self.error(f"{name}: {strerror(e.errno)}")
        return 126

    async def _exec_failed(
        self, argv: list[str], path: str, e: VfsError, env: dict[str, str], fds: dict[int, OpenFile]
    ) -> int:
        """A file the kernel cannot execute: a script without #! runs in a
        new shell (as bash does); anything else is reported."""
        name = argv[0]
        if e.errno == Errno.ENOEXEC:
            try:
                inode = self.fs.resolve(path, self.state.cwd)
            except VfsError:
                inode = None
            if isinstance(inode, RegularFile) and b"\0" not in bytes(inode.data[:1024]):
                from .program import shell_program

                child = self.kernel.spawn(
                    ["bash", path, *argv[1:]], env=env, cwd=self.state.cwd, fds=fds, parent=self.proc,
                    program=shell_program(),
                )  # fmt: skip
                return await self.wait_child(child)
            await self.error(f"{name}: cannot execute binary file: Exec format error")
            return 126
        if e.errno == Errno.ENOENT:
            try:
                found = isinstance(self.fs.resolve(path, self.state.cwd), RegularFile)
            except VfsError:
                found = False
            # the file is there: its #! interpreter is not
            await self.error(
                f"{name}: cannot execute: required file not found" if found else f"{name}: No such file or directory"
            )
            return 127
        if e.errno == Errno.EACCES:
            try:
                if isinstance(self.fs.resolve(path, self.state.cwd), Directory):
                    await self.error(f"{name}: Is a directory")
                    return 126
            except VfsError:
                pass
        await self.error(f"{name}: {strerror(e.errno)}")
        return 126

    # -- redirections -----------------------------------------------------------------

    async def open_redirections(self, redirs: tuple[ast.Redir, ...]) -> dict[int, OpenFile | None]:
        """The descriptors the redirections give, applied in order, without
        touching this process's table (None = closed)."""
        overlay: dict[int, OpenFile | None] = {}
        opened: list[OpenFile] = []

        def current(fd: int) -> OpenFile | None:
            if fd in overlay:
                return overlay[fd]
            return self.proc.fds.lookup(fd)

        try:
            for r in redirs:
                await self._apply_redir(r, overlay, opened, current)
        except BaseException:
            for f in opened:
                f.close_unreferenced()
            raise
        return overlay

    async def _apply_redir(
        self,
        r: ast.Redir,
        overlay: dict[int, OpenFile | None],
        opened: list[OpenFile],
        current: Callable[[int], OpenFile | None],
    ) -> None:
        op = r.op
        fd = r.fd
        if r.fd_var is not None:
            fd = 10
            while current(fd) is not None or fd in overlay:
                fd += 1
            self.state.set(r.fd_var, str(fd))
        if isinstance(r.target, ast.HereDoc):
            body = r.target.body
            text = await self.expander.single(body) if not r.target.quoted else (body.literal() or "")
            f = OpenFile(
                self.fs, ByteSource(self.fs.new_ino(), _encode(text)), "pipe:[heredoc]", readable=True, writable=False
            )
            opened.append(f)
            overlay[0 if fd is None else fd] = f
            return
        if op == "<<<":
            text = await self.expander.single(r.target) + "\n"
            f = OpenFile(
                self.fs,
                ByteSource(self.fs.new_ino(), _encode(text)),
                "pipe:[herestring]",
                readable=True,
                writable=False,
            )
            opened.append(f)
            overlay[0 if fd is None else fd] = f
            return
        if op in ("<&", ">&"):
            target = await self.expander.single(r.target)
            default = 0 if op == "<&" else 1
            dest = default if fd is None else fd
            if target == "-":
                overlay[dest] = None
                return
            move = target.endswith("-") and target[:-1].isdigit()
            if move:
                target = target[:-1]
            if target.isdigit():
                src = current(int(target))
                if src is None:
                    raise _RedirectFailed(f"{target}: Bad file descriptor")
                overlay[dest] = src
                if move:
                    overlay[int(target)] = None
                return
            if op == ">&" and fd is None:
                op = "&>"  # >&file is &>file
            else:
                raise _RedirectFailed(f"{target}: ambiguous redirect")
        try:
            path = await self.expander.redirect_target(r.target)
        except ShellError as e:
            raise _RedirectFailed(e.message) from None
        if path == "":
            raise _RedirectFailed(": No such file or directory")
        try:
            f = self._open_for(op, path)
        except _ClobberError:
            raise _RedirectFailed(f"{path}: cannot overwrite existing file") from None
        except VfsError as e:
            raise _RedirectFailed(f"{path}: {strerror(e.errno)}") from None
        opened.append(f)
        if op in ("&>", "&>>"):
            overlay[1] = f
            overlay[2] = f
        else:
            overlay[(0 if op in ("<", "<>") else 1) if fd is None else fd] = f

    def _open_for(self, op: str, path: str) -> OpenFile:
        cwd = self.state.cwd
        fs = self.fs
        if op == "<":
            return fs.open(path, cwd, read=True, ctx=self.proc)
        if op == "<>":
            return fs.open(path, cwd, read=True, write=True, create=True, ctx=self.proc)
        if op in (">>", "&>>"):
            return fs.open(path, cwd, read=False, write=True, create=True, append=True, ctx=self.proc)
        if op in (">", "&>") and "noclobber" in self.state.options:
            try:
                existing = fs.resolve(path, cwd, ctx=self.proc)
            except VfsError:
                existing = None
            if isinstance(existing, RegularFile):
                raise _ClobberError(path)
        return fs.open(path, cwd, read=False, write=True, create=True, truncate=True, ctx=self.proc)

    @asynccontextmanager
    async def redirected(self, redirs: tuple[ast.Redir, ...]):  # type: ignore[no-untyped-def]
        """Applies redirections to this process for a builtin or compound
        command, and restores the descriptors after."""
        if not redirs:
            yield
            return
        overlay = await self.open_redirections(redirs)
        with self.installed(overlay):
            yield

    @contextmanager
    def installed(self, overlay: dict[int, OpenFile | None]):  # type: ignore[no-untyped-def]
        """Puts already-open redirections in this process's table (taking
        over the caller's hold on them), and restores the table after."""
        table = self.proc.fds
        saved: dict[int, OpenFile | None] = {}
        for fd, f in overlay.items():
            old = table.lookup(fd)
            if old is not None:
                old.retain()
            saved[fd] = old
            if f is None:
                table.close(fd, missing_ok=True)
            else:
                table.install_at(fd, f)
        for f in overlay.values():
            if f is not None:
                f.close_unreferenced()
        try:
            yield
        finally:
            for fd, old in saved.items():
                if old is None:
                    table.close(fd, missing_ok=True)
                else:
                    table.install_at(fd, old)
                    old.release()

    def apply_permanently(self, overlay: dict[int, OpenFile | None]) -> None:
        """`exec` with only redirections: they stay."""
        for fd, f in overlay.items():
            if f is None:
                self.proc.fds.close(fd, missing_ok=True)
            else:
                self.proc.fds.install_at(fd, f)
                f.close_unreferenced()

    # -- helpers for the expander and builtins ---------------------------------------

    def home_of(self, user: str) -> str | None:
        try:
            data = _decode(self.fs.read_file("/etc/passwd"))
        except VfsError:
            return None
        for line in data.splitlines():
            fields = line.split(":")
            if len(fields) >= 6 and fields[0] == user:
                return fields[5]
        return None

    def dynamic_var(self, name: str, want_list: bool = False) -> str | list[str] | None:
        st = self.state
        if name == "RANDOM":
            return str(st.rng.randrange(32768))
        if name == "SECONDS":
            return str(int(time.monotonic() - st.start_time) + st.seconds_base)
        if name == "LINENO":
            return str(st.lineno)
        if name == "BASHPID":
            return str(self.proc.pid)
        if name == "BASH_ARGV0":
            return st.argv0
        if name == "BASH_COMMAND":
            return command_text(st.current_command) if st.current_command is not None else ""
        if name == "EPOCHSECONDS":
            return str(int(time.time()))
        if name == "EPOCHREALTIME":
            return f"{time.time():.6f}"
        if name == "PIPESTATUS":
            return [str(s) for s in st.pipestatus]
        if name == "FUNCNAME":
            names = [f.name for f in reversed(st.frames)]
            if names:
                names += ["source" for s in st.source_stack[1:] if s != "eval"]
                if st.source_stack[:1] != ["-c"]:
                    names.append("main")  # a script's top level; bash -c has none
            return names or None  # type: ignore[return-value]
        if name == "BASH_LINENO":
            # where each FUNCNAME entry was called from; 0 for main
            lines = [f.line for f in reversed(st.frames)]
            if lines:
                lines += st.source_call_lines[::-1]
            if st.source_stack[:1] != ["-c"]:
                lines.append(0)
            return [str(n) for n in lines] or None  # type: ignore[return-value]
        if name == "BASH_SOURCE":
            # the file of each FUNCNAME entry: functions, sourced files, the script
            files = [f.source for f in reversed(st.frames)] + st.sourced_files()[::-1]
            return files or None  # type: ignore[return-value]
        if name == "SHELLOPTS":
            return ":".join(sorted(o for o in st.options if o in SET_OPTIONS))
        if name == "BASHOPTS":
            return ":".join(sorted(st.shopts))
        if name == "PPID":
            return str(self.proc.ppid)
        if name == "BASH_SUBSHELL":
            return str(st.subshell_level)
        if name == "SHLVL":
            return "1"
        if name in ("UID", "EUID"):
            return "1000"
        if name == "BASH_VERSION":
            from .state import BASH_VERSION

            return BASH_VERSION
        if name == "BASH_VERSINFO":
            return ["5", "2", "15", "1", "release", "wasm32-wasmsand"]
        if name == "HOSTTYPE" or name == "MACHTYPE":
            return "wasm32" if name == "HOSTTYPE" else "wasm32-wasmsand"
        if name == "OSTYPE":
            return "linux-gnu"
        if name == "GROUPS":
            return ["1000"]
        if name == "DIRSTACK":
            return [st.get("PWD") or "", *st.dirstack]
        if name == "BASH":
            return "/bin/bash"
        if name == "IFS":
            return None
        return None

    def glob(self, pat: str) -> list[str]:
        from .glob import expand_glob

        return expand_glob(self, pat)


def select_menu(items: list[str], columns: str | None) -> str:
    """select's menu laid out as bash does: numbered items down columns
    that fit COLUMNS (80 by default), a list that fits one row one per line."""
    width = int(columns) if columns and columns.isdigit() and int(columns) > 0 else 80
    n = len(items)
    index_width = len(str(n))
    cell = max(len(x) for x in items) + index_width + 4  # ") " and two spaces
    cols = max(width // cell, 1)
    rows = n // cols + (n % cols != 0)
    cols = n // rows + (n % rows != 0)
    if rows == 1:
        rows, cols = cols, 1
    first_width = len(str(rows))
    out = []
    for row in range(rows):
        pos = 0
        k = row
        while True:
            text = f"{k + 1:>{first_width if pos == 0 else index_width}}) {items[k]}"
            out.append(text)
            k += rows
            if k >= n:
                break
            out.append(_indent(pos + len(text), pos + cell))
            pos += cell
        out.append("\n")
    return "".join(out)


def _indent(start: int, end: int) -> str:
    """Tabs then spaces from column start to end (tab stops every 8)."""
    out = []
    while start < end:
        if end // 8 > start // 8:
            out.append("\t")
            start += 8 - start % 8
        else:
            out.append(" ")
            start += 1
    return "".join(out)


def _traced_value(value: str) -> str:
    """An assigned value as set -x shows it (nothing at all when empty)."""
    return quote_for_trace(value) if value else ""


class _Traced:
    """An assignment's set -x text, computed on demand."""

    __slots__ = ("text",)

    def __init__(self, make: Callable[[], str]) -> None:
        self.text = make


class _RedirectFailed(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _ClobberError(VfsError):
    def __init__(self, path: str) -> None:
        super().__init__(Errno.EEXIST, path)
        self.path = path


def _minutes(seconds: float) -> str:
    m, s = divmod(seconds, 60)
    return f"{int(m)}m{s:.3f}s"


def _with_stderr_to_stdout(cmd: ast.Command) -> ast.Command:
    """``cmd |&``: bash adds ``2>&1`` after the command's own redirections."""
    dup = ast.Redir(">&", ast.Word((ast.Lit("1"),)), 2)
    return dataclasses.replace(cmd, redirs=(*cmd.redirs, dup))  # type: ignore[arg-type, union-attr]


def _stage_runner(cmd: ast.Command) -> Callable[[Shell], Awaitable[int]]:
    async def run(sh: Shell) -> int:
        if isinstance(cmd, ast.SimpleCommand):
            return await sh.run_simple(cmd, exec_in_place=True)
        return await sh.run_command(cmd)

    return run


def _and_or_text(node: ast.AndOr) -> str:
    from .printer import and_or_text

    return and_or_text(node)


_COMPOUND_HANDLERS: dict[type, Callable[[Shell, Any], Awaitable[int]]] = {
    ast.BraceGroup: Shell.run_brace,
    ast.Subshell: Shell.run_subshell_command,
    ast.If: Shell.run_if,
    ast.While: Shell.run_while,
    ast.For: Shell.run_for,
    ast.ArithFor: Shell.run_arith_for,
    ast.Case: Shell.run_case,
    ast.FunctionDef: Shell.run_function_def,
    ast.ArithCommand: Shell.run_arith_command,
    ast.CondCommand: Shell.run_cond,
    ast.Pipeline: lambda sh, pl: sh.run_pipeline(pl),
}
