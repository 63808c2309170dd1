"""The kernel: process table, exec, pipes, exit and signals.

It ties the filesystem, the host engine and the program table together;
everything that starts, ends or connects processes goes through here.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..hosts.base import Host, InstanceLimits, Trap
from ..vfs import Directory, Errno, FdTable, FileSystem, OpenFile, Pipe, PipeInode, RegularFile, VfsError
from ..vfs.filesystem import X_OK, ProcessView
from ..vfs.layout import parse_command_marker
from .process import Process, Task
from .programs import Program, ProgramTable, WasmProgram
from .scheduler import Scheduler
from .signals import Signal

__all__ = ["DEFAULT_PATH", "Kernel"]

DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin"
_MAX_INTERPRETER_DEPTH = 4
_IGNORED_BY_DEFAULT = {Signal.SIGCHLD, Signal.SIGCONT, 23, 28}  # CHLD CONT URG WINCH


class Kernel:
    """One sandbox's processes."""

    def __init__(
        self,
        fs: FileSystem,
        host: Host,
        programs: ProgramTable,
        instance_limits: InstanceLimits | None = None,
        max_processes: int = 256,
    ) -> None:
        self.fs = fs
        self.max_processes = max_processes
        self.host = host
        self.programs = programs
        self.instance_limits = instance_limits or InstanceLimits()
        self.procs: dict[int, Process] = {}
        self._next_pid = 2
        self.scheduler = Scheduler(self)

    # -- /proc -----------------------------------------------------------------

    def processes(self) -> dict[int, ProcessView]:
        return {pid: p for pid, p in self.procs.items() if not p.exited}

    # -- pipes -------------------------------------------------------------------

    def new_pipe(self) -> tuple[OpenFile, OpenFile]:
        """A pipe's (read end, write end), not yet held by any descriptor."""
        inode = PipeInode(self.fs.new_ino(), Pipe())
        r = OpenFile(self.fs, inode, f"pipe:[{inode.ino}]", readable=True, writable=False)
        w = OpenFile(self.fs, inode, f"pipe:[{inode.ino}]", readable=False, writable=True)
        return r, w

    # -- exec ------------------------------------------------------------------

    def find_command(self, name: str, env: Mapping[str, str], cwd: Directory) -> str:
        """execvp's search: a name with a slash is a path; otherwise the
        first executable regular file of that name along PATH."""
        if "/" in name:
            return name
        if not name:
            raise VfsError(Errno.ENOENT)
        denied = False
        for d in env.get("PATH", DEFAULT_PATH).split(":"):
            candidate = f"{d or '.'}/{name}"
            try:
                inode = self.fs.resolve(candidate, cwd)
            except VfsError:
                continue
            if not isinstance(inode, RegularFile):
                continue
            if not self.fs.may(inode, X_OK):
                denied = True
                continue
            return candidate
        raise VfsError(Errno.EACCES if denied else Errno.ENOENT)

    def load_program(self, path: str, argv: list[str], cwd: Directory, depth: int = 0) -> tuple[Program, list[str]]:
        """The program an executable file runs, and the argv it gets
        (a ``#!`` script runs its interpreter with the script's path)."""
        inode = self.fs.resolve(path, cwd)
        if isinstance(inode, Directory):
            raise VfsError(Errno.EACCES)
        if not isinstance(inode, RegularFile):
            raise VfsError(Errno.EACCES)
        if not self.fs.may(inode, X_OK):
            raise VfsError(Errno.EACCES)
        head = bytes(inode.data[:256])
        marker = parse_command_marker(head)
        if marker is not None:
            program = self.programs.lookup(*marker)
            if program is None:
                raise VfsError(Errno.ENOEXEC)
            return program, argv
        if head.startswith(b"\0asm"):
            data = bytes(inode.data)
            return WasmProgram(path, lambda: self._compile_user_module(data, path)), argv
        if head.startswith(b"#!"):
            if depth >= _MAX_INTERPRETER_DEPTH:
                raise VfsError(Errno.ELOOP)
            line = head[2:].split(b"\n", 1)[0].decode("utf-8", "surrogateescape").strip()
            if not line:
                raise VfsError(Errno.ENOEXEC)
            interp, _, arg = line.partition(" ")
            arg = arg.strip()
            new_argv = [interp, *([arg] if arg else []), path, *argv[1:]]
            return self.load_program(interp, new_argv, cwd, depth + 1)
        raise VfsError(Errno.ENOEXEC)

    def _compile_user_module(self, data: bytes, path: str) -> object:
        try:
            return self.host.compile(data, path)
        except ValueError as e:
            raise VfsError(Errno.ENOEXEC, path) from e

    # -- lifecycle -------------------------------------------------------------

    def spawn(
        self,
        argv: list[str],
        *,
        env: dict[str, str],
        cwd: Directory,
        fds: Mapping[int, OpenFile],
        parent: Process | None = None,
        program: Program | None = None,
        path: str | None = None,
    ) -> Process:
        """Creates a process running ``argv`` (the executable is ``path``,
        or argv[0] looked up through PATH, unless ``program`` is given); it
        runs when the scheduler next runs. Raises VfsError (ENOENT, EACCES,
        ENOEXEC...) if it cannot start."""
        if program is None:
            if path is None:
                path = self.find_command(argv[0], env, cwd)
            program, argv = self.load_program(path, list(argv), cwd)
        if sum(1 for p in self.procs.values() if not p.exited) >= self.max_processes:
            raise VfsError(Errno.EAGAIN)
        table = FdTable()
        for fd, f in sorted(fds.items()):
            table.install_at(fd, f)
        pid = self._next_pid
        self._next_pid += 1
        proc = Process(self, pid, parent.pid if parent else 1, list(argv), dict(env), cwd, table)
        # The whole tree is one preopen "/", at the lowest free descriptor
        # from 3 (wasi-libc scans upward from 3 and stops at the first closed
        # one). wasi-libc starts in "/" and cannot be told the working
        # directory: programs ask for it (wasmsand.cwd_get) and chdir to it.
        # (A second preopen "." does not help: libc strips "/" and "." to
        # the same empty prefix and the later one takes every path.)
        root = self.fs.open("/", self.fs.root, read=True)
        proc.preopens = {table.install(root, 3): "/"}
        try:
            proc.task = program.start(self, proc)
        except (Trap, ValueError) as e:
            table.close_all()
            raise VfsError(Errno.ENOEXEC if isinstance(e, ValueError) else Errno.ENOMEM) from e
        except BaseException:
            table.close_all()
            raise
        self.procs[pid] = proc
        self._next_pid = pid + 1
        return proc

    def exec(self, proc: Process, argv: list[str], *, env: dict[str, str], path: str) -> Task:
        """execve: the task that will run ``path`` in ``proc`` (same pid and
        descriptors). The caller installs it (a Python task raises
        ExecRequest). Raises VfsError if the file cannot be executed."""
        program, argv = self.load_program(path, list(argv), proc.cwd)
        proc.argv = list(argv)
        proc.env = dict(env)
        for fd in list(proc.preopens):
            proc.fds.close(fd, missing_ok=True)
        root = self.fs.open("/", self.fs.root, read=True)
        proc.preopens = {proc.fds.install(root, 3): "/"}
        try:
            return program.start(self, proc)
        except (Trap, ValueError) as e:
            raise VfsError(Errno.ENOEXEC if isinstance(e, ValueError) else Errno.ENOMEM) from e

    def finish(self, proc: Process, status: int) -> None:
        """The process ended with ``status``: close its descriptors (so
        pipe peers see EOF or EPIPE) and free its instance."""
        if proc.exited:
            return
        proc.status = status & 0xFF
        proc.wait = None
        proc.fds.close_all()
        if proc.task is not None:
            proc.task.discard()
        parent = self.procs.get(proc.ppid)
        if parent is None or parent.exited:
            proc.reaped = True  # nobody will wait for an orphan
            self.procs.pop(proc.pid, None)

    def reap(self, proc: Process) -> None:
        proc.reaped = True
        self.procs.pop(proc.pid, None)

    def kill(self, proc: Process, signal: int) -> None:
        """Delivers ``signal``; every signal not ignored by default ends the
        process (there are no handlers in WebAssembly guests)."""
        if proc.exited or signal == 0 or signal in _IGNORED_BY_DEFAULT:
            return
        if proc.running:
            from .signals import ProcKilled

            raise ProcKilled(signal)
        self.finish(proc, 128 + signal)

    def report(self, proc: Process, message: str) -> None:
        """Writes a line to the process's stderr, if it still has one."""
        f = proc.fds.lookup(2)
        if f is None:
            return
        try:
            f.write((message + "\n").encode("utf-8", "replace"))
        except VfsError:
            pass
