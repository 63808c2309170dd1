"""The public API: ``Sandbox``, its ``files``, and command results.

Shaped after E2B's SDK, which agent builders already know::

    with Sandbox() as sb:
        r = sb.exec([["seq", "10"], ["wc", "-l"]])
        r.stdout, r.exit_code

A non-zero exit is a result, not an exception; misuse of the API raises a
typed exception (``wasmsand.errors``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from .errors import FileError, InvalidArgumentError, NotFoundError, SandboxClosedError
from .hosts import Host, InstanceLimits, default_host
from .limits import Limits
from .modules import bundled_modules
from .process.kernel import DEFAULT_PATH, Kernel
from .process.process import Process
from .process.programs import ProgramTable, WasmProgram
from .process.scheduler import DeadlineExceeded, Deadlock
from .process.signals import Signal
from .shell.program import shell_program
from .shell.session import Session
from .vfs import Directory, Errno, FileSystem, FsLimits, OpenFile, RegularFile, Symlink, VfsError, strerror
from .vfs.layout import HOME, HOSTNAME, attach_system_tree, build_default_tree
from .vfs.streams import ByteSource, CaptureSink

OutputListener = Callable[[bytes], object]
"""Called with each chunk of output as a command writes it."""

__all__ = ["CommandResult", "EntryInfo", "Files", "Sandbox"]

TRUNCATION_MARKER = "\n[wasmsand: output truncated at {limit} bytes]\n"


@dataclass
class CommandResult:
    """What a command left: its output, exit status and how it ended."""

    stdout_bytes: bytes
    stderr_bytes: bytes
    exit_code: int
    duration_ms: float
    truncated: bool = False
    error_class: str | None = None  # None, "TIMEOUT" or "DEADLOCK"
    pipestatus: list[int] = field(default_factory=list)

    @property
    def stdout(self) -> str:
        return self.stdout_bytes.decode("utf-8", "replace")

    @property
    def stderr(self) -> str:
        return self.stderr_bytes.decode("utf-8", "replace")


@dataclass(frozen=True)
class EntryInfo:
    name: str
    path: str
    type: str  # "file", "dir", "symlink" or "other"
    size: int
    mode: int
    mtime: float  # seconds since the epoch


def _default_env() -> dict[str, str]:
    return {
        "HOME": HOME,
        "PATH": DEFAULT_PATH,
        "USER": "user",
        "LOGNAME": "user",
        "SHELL": "/bin/bash",
        "LANG": "C.UTF-8",
        "PWD": HOME,
        "HOSTNAME": HOSTNAME,
        "TMPDIR": "/tmp",
        "TERM": "dumb",
    }


class Sandbox:
    """A sandboxed machine: a filesystem, processes and (soon) a shell.

    Creating one is cheap (modules are compiled once per Python process and
    cached on disk); ``close()`` or a ``with`` block frees it.
    """

    def __init__(self, *, limits: Limits | None = None, host: Host | None = None) -> None:
        self.limits = limits or Limits()
        self.host = host or default_host()
        modules = bundled_modules()
        self._programs = ProgramTable()
        self._commands: list[tuple[str, str, str | None]] = []
        for name, info in modules.modules.items():
            self._programs.register(name, self._wasm_program_factory(name))
            self._commands.extend((applet, name, applet) for applet in info.applets)
        self._programs.register("bash", shell_program)
        self._commands += [("bash", "bash", None), ("sh", "bash", None)]
        fs = FileSystem(FsLimits(self.limits.fs_bytes, self.limits.fs_files))
        build_default_tree(fs, [], self.limits.memory_bytes)
        self._boot(fs)
        self.env = _default_env()
        self.files = Files(self)
        self.commands = Commands(self)
        self._session: Session | None = None
        self._closed = False

    def _boot(self, fs: FileSystem) -> None:
        """Runs this sandbox on ``fs`` (a new one, or a restored one)."""
        procfs = attach_system_tree(fs, self._commands, self.limits.memory_bytes)
        self.fs = fs
        self.kernel = Kernel(
            fs, self.host, self._programs, InstanceLimits(self.limits.memory_bytes), self.limits.max_processes
        )
        procfs.processes = self.kernel.processes
        try:
            home = fs.resolve(HOME, fs.root)
        except VfsError:
            home = fs.makedirs(HOME)
        self.cwd = home if isinstance(home, Directory) else fs.root

    # -- persistence -------------------------------------------------------------

    def export_state(self) -> bytes:
        """The whole sandbox (files, modes, owners, times, links, and the
        session's environment, directory and history) as bytes that
        ``import_state`` (here or in another sandbox) restores."""
        self._check_open()
        from .persist import export_state

        return export_state(self)

    def import_state(self, data: bytes) -> None:
        """Replaces everything with an export. Running processes end.
        InvalidArgumentError if ``data`` is not a valid export (nothing
        changes then)."""
        self._check_open()
        from .persist import import_state

        import_state(self, data)

    def _replace_tree(self, fs: FileSystem, session: dict[str, object]) -> None:
        for proc in list(self.kernel.procs.values()):
            if not proc.exited:
                self.kernel.finish(proc, 128 + Signal.SIGKILL)
        self._boot(fs)
        env = session.get("env")
        if isinstance(env, dict):
            self.env = {str(k): str(v) for k, v in env.items()}
        cwd = session.get("cwd")
        if isinstance(cwd, str):
            try:
                node = fs.resolve(cwd, fs.root)
                if isinstance(node, Directory):
                    self.cwd = node
            except VfsError:
                pass
        self._session = None
        history = session.get("history")
        if isinstance(history, list) and history:
            self._shell_session().state.history = [str(h) for h in history]

    def _wasm_program_factory(self, name: str):  # type: ignore[no-untyped-def]
        modules = bundled_modules()

        def factory(applet: str | None) -> WasmProgram:
            return WasmProgram(name, lambda: modules.compiled(self.host, name), applet)

        return factory

    # -- lifecycle ---------------------------------------------------------------

    def close(self) -> None:
        """Ends every process and frees the sandbox."""
        if self._closed:
            return
        self._closed = True
        for proc in list(self.kernel.procs.values()):
            if not proc.exited:
                self.kernel.finish(proc, 128 + Signal.SIGKILL)
        self.kernel.procs.clear()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _shell_session(self) -> Session:
        if self._session is None:
            self._session = Session(self.kernel, dict(self.env), self.cwd)
        return self._session

    def _check_open(self) -> None:
        if self._closed:
            raise SandboxClosedError("the sandbox is closed")

    # -- running argv lists ------------------------------------------------------

    def exec(
        self,
        command: Sequence[str] | Sequence[Sequence[str]],
        *,
        stdin: bytes | str | None = None,
        env: dict[str, str] | None = None,
        cwd: str | None = None,
        timeout: float | None = None,
        on_stdout: OutputListener | None = None,
        on_stderr: OutputListener | None = None,
    ) -> CommandResult:
        """Runs one argv list, or several connected by pipes, and waits.

        No shell is involved: words are passed as they are. ``env`` adds to
        (and overrides) the sandbox environment for this command, ``cwd``
        sets its directory, ``stdin`` is its standard input (empty if None).
        The exit code is the last stage's; ``pipestatus`` has them all.
        ``on_stdout``/``on_stderr`` see the output as it is written (see
        ``Commands.run``).
        """
        self._check_open()
        stages = self._stages(command)
        if stdin is None:
            source = self.fs.open("/dev/null", self.fs.root)
        else:
            data = stdin.encode() if isinstance(stdin, str) else bytes(stdin)
            source = OpenFile(
                self.fs, ByteSource(self.fs.new_ino(), data), "pipe:[stdin]", readable=True, writable=False
            )
        return self._exec_from(stages, source, env=env, cwd=cwd, timeout=timeout, listeners=(on_stdout, on_stderr))

    def _exec_from(
        self,
        stages: list[list[str]],
        source: OpenFile,
        *,
        env: dict[str, str] | None = None,
        cwd: str | None = None,
        timeout: float | None = None,
        stdout: OpenFile | None = None,
        stderr: OpenFile | None = None,
        listeners: tuple[OutputListener | None, OutputListener | None] = (None, None),
    ) -> CommandResult:
        """exec() with the first stage reading ``source`` (any open file);
        ``stdout``/``stderr``, when given, replace the collected streams."""
        limit = self.limits.timeout if timeout is None else timeout
        if limit <= 0:
            raise InvalidArgumentError("timeout must be positive")
        start = time.monotonic()
        run_env = dict(self.env)
        if env:
            run_env.update(env)
        workdir = self._directory(cwd) if cwd is not None else self.cwd
        if cwd is not None:
            run_env["PWD"] = self.fs.path_of(workdir)
        out_sink = CaptureSink(self.fs.new_ino(), self.limits.output_bytes, listeners[0])
        err_sink = CaptureSink(self.fs.new_ino(), self.limits.output_bytes, listeners[1])
        out = stdout or OpenFile(self.fs, out_sink, "pipe:[stdout]", readable=False, writable=True)
        err = stderr or OpenFile(self.fs, err_sink, "pipe:[stderr]", readable=False, writable=True)
        files: list[OpenFile] = [out, err, source]
        procs: list[Process | int] = []
        upstream = source
        for i, argv in enumerate(stages):
            if i < len(stages) - 1:
                r, w = self.kernel.new_pipe()
                files += [r, w]
                downstream = w
            else:
                r, downstream = upstream, out
            fds = {0: upstream, 1: downstream, 2: err}
            procs.append(self._spawn(argv, run_env, workdir, fds, err))
            upstream = r
        for f in files:
            f.close_unreferenced()
        error_class = self._run(procs, start + limit)
        statuses = [
            p if isinstance(p, int) else (p.status if p.status is not None else 128 + Signal.SIGKILL) for p in procs
        ]
        for p in procs:
            if isinstance(p, Process):
                self.kernel.reap(p)
        _raise_listener_error(out_sink, err_sink)
        return CommandResult(
            stdout_bytes=self._collected(out_sink),
            stderr_bytes=self._collected(err_sink),
            exit_code=statuses[-1],
            duration_ms=(time.monotonic() - start) * 1000,
            truncated=out_sink.truncated or err_sink.truncated,
            error_class=error_class,
            pipestatus=statuses,
        )

    @staticmethod
    def _stages(command: Sequence[str] | Sequence[Sequence[str]]) -> list[list[str]]:
        if isinstance(command, str):
            raise InvalidArgumentError("exec() takes an argv list (or a list of them), not a string")
        if not command:
            raise InvalidArgumentError("empty command")
        flat = all(isinstance(w, str) for w in command)
        stages = [list(command)] if flat else [list(s) for s in command]  # type: ignore[arg-type]
        for s in stages:
            if not s or not all(isinstance(w, str) for w in s):
                raise InvalidArgumentError("each command must be a non-empty list of strings")
        return stages

    def _spawn(
        self, argv: list[str], env: dict[str, str], cwd: Directory, fds: dict[int, OpenFile], err: OpenFile
    ) -> Process | int:
        """Starts a stage; a stage that cannot start reports like a shell
        and stands for its status (127 not found, 126 not executable)."""
        try:
            return self.kernel.spawn(argv, env=env, cwd=cwd, fds=fds)
        except VfsError as e:
            if e.errno == Errno.ENOENT and "/" not in argv[0]:
                message, status = f"wasmsand: {argv[0]}: command not found", 127
            else:
                message = f"wasmsand: {argv[0]}: {strerror(e.errno)}"
                status = 127 if e.errno == Errno.ENOENT else 126
            err.write((message + "\n").encode())
            return status

    def _run(self, procs: list[Process | int], deadline: float) -> str | None:
        live = [p for p in procs if isinstance(p, Process)]
        try:
            self.kernel.scheduler.run_until(lambda: all(p.exited for p in live), deadline=deadline)
        except DeadlineExceeded:
            self.kernel.scheduler.kill_all(live)
            return "TIMEOUT"
        except Deadlock:
            self.kernel.scheduler.kill_all(live)
            return "DEADLOCK"
        if any(p.status == 128 + Signal.SIGKILL for p in live) and time.monotonic() >= deadline:
            return "TIMEOUT"
        return None

    def _collected(self, sink: CaptureSink) -> bytes:
        data = sink.getvalue()
        if sink.truncated:
            data += TRUNCATION_MARKER.format(limit=sink.limit).encode()
        return data

    def _directory(self, path: str) -> Directory:
        try:
            node = self.fs.resolve(path, self.cwd)
        except VfsError as e:
            raise _file_error(e, path) from None
        if not isinstance(node, Directory):
            raise FileError(f"{path}: Not a directory", path=path, errno_name="ENOTDIR")
        return node


class Commands:
    """``sb.commands``: shell command lines in the sandbox's session."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._sb = sandbox

    def run(
        self,
        cmd: str,
        *,
        timeout: float | None = None,
        env: dict[str, str] | None = None,
        cwd: str | None = None,
        stdin: bytes | str | None = None,
        on_stdout: OutputListener | None = None,
        on_stderr: OutputListener | None = None,
    ) -> CommandResult:
        """Runs ``cmd`` as bash would (``bash -c``), in the sandbox's
        persistent session: cd, variables, functions, aliases and options
        carry over to the next call. ``env`` and ``cwd`` apply to this call
        only. A non-zero exit is a result; a timeout kills the command and
        its children and gives ``error_class == "TIMEOUT"`` (status 137).

        ``on_stdout``/``on_stderr`` are called with each chunk as it is
        written (all of it, even past the ``output_bytes`` limit that bounds
        what the result keeps), so a terminal can show output live and in
        the order of writes. They run between the command's steps: keep
        them quick. If one raises, it is not called again, the command runs
        to its end, and the exception is raised from ``run``."""
        sb = self._sb
        sb._check_open()
        if not isinstance(cmd, str):
            raise InvalidArgumentError("cmd must be a string of shell code")
        limit = sb.limits.timeout if timeout is None else timeout
        if limit <= 0:
            raise InvalidArgumentError("timeout must be positive")
        session = sb._shell_session()
        workdir = sb._directory(cwd) if cwd is not None else None
        start = time.monotonic()
        fs = sb.fs
        out_sink = CaptureSink(fs.new_ino(), sb.limits.output_bytes, on_stdout)
        err_sink = CaptureSink(fs.new_ino(), sb.limits.output_bytes, on_stderr)
        out = OpenFile(fs, out_sink, "pipe:[stdout]", readable=False, writable=True)
        err = OpenFile(fs, err_sink, "pipe:[stderr]", readable=False, writable=True)
        if stdin is None:
            source = fs.open("/dev/null", fs.root)
        else:
            data = stdin.encode() if isinstance(stdin, str) else bytes(stdin)
            source = OpenFile(fs, ByteSource(fs.new_ino(), data), "pipe:[stdin]", readable=True, writable=False)
        session.start(cmd, source, out, err, env=env, cwd=workdir)
        for f in (out, err, source):
            f.close_unreferenced()
        error_class = None
        kernel = sb.kernel
        try:
            kernel.scheduler.run_until(lambda: not session.running, deadline=start + limit)
        except (DeadlineExceeded, Deadlock) as e:
            error_class = "TIMEOUT" if isinstance(e, DeadlineExceeded) else "DEADLOCK"
            for proc in list(kernel.procs.values()):
                if proc.pid >= session.first_pid and not proc.exited:
                    kernel.kill(proc, Signal.SIGKILL)
            session.abort(128 + Signal.SIGKILL)
        status = session.status if session.status is not None else 128 + Signal.SIGKILL
        if error_class is None and status == 128 + Signal.SIGKILL and time.monotonic() >= start + limit:
            error_class = "TIMEOUT"
        sb.cwd = session.state.cwd
        _raise_listener_error(out_sink, err_sink)
        return CommandResult(
            stdout_bytes=sb._collected(out_sink),
            stderr_bytes=sb._collected(err_sink),
            exit_code=status,
            duration_ms=(time.monotonic() - start) * 1000,
            truncated=out_sink.truncated or err_sink.truncated,
            error_class=error_class,
            pipestatus=list(session.state.pipestatus),
        )


def _raise_listener_error(*sinks: CaptureSink) -> None:
    """Raises, after a run, what an output listener raised during it."""
    for sink in sinks:
        if sink.listener_error is not None:
            raise sink.listener_error


def _file_error(e: VfsError, path: str) -> FileError:
    message = f"{path}: {strerror(e.errno)}"
    if e.errno == Errno.ENOENT:
        return NotFoundError(message, path=path, errno_name="ENOENT")
    return FileError(message, path=path, errno_name=Errno(e.errno).name)


class Files:
    """``sb.files``: the sandbox's filesystem from the outside.

    Relative paths are relative to the session's working directory
    (/home/user at first). Errors raise FileError (NotFoundError for a
    missing path).
    """

    def __init__(self, sandbox: Sandbox) -> None:
        self._sb = sandbox

    @property
    def _fs(self) -> FileSystem:
        self._sb._check_open()
        return self._sb.fs

    def _abs(self, path: str) -> str:
        if path.startswith("/"):
            return path
        base = self._sb.fs.path_of(self._sb.cwd)
        return f"{base.rstrip('/')}/{path}"

    def write(self, path: str, data: bytes | str, *, mode: int = 0o644) -> None:
        """Writes the whole file, creating it and its parent directories.
        A write refused for lack of space leaves the old contents."""
        fs = self._fs
        full = self._abs(path)
        raw = data.encode() if isinstance(data, str) else bytes(data)
        try:
            fs.write_file(full, raw, mode)
        except VfsError as e:
            raise _file_error(e, path) from None

    def read(self, path: str, *, format: str = "text") -> str | bytes:  # noqa: A002 - E2B's keyword
        """The file's contents: str (UTF-8, errors replaced) or, with
        ``format="bytes"``, bytes."""
        if format not in ("text", "bytes"):
            raise InvalidArgumentError("format must be 'text' or 'bytes'")
        try:
            data = self._fs.read_file(self._abs(path))
        except VfsError as e:
            raise _file_error(e, path) from None
        return data if format == "bytes" else data.decode("utf-8", "replace")

    def exists(self, path: str) -> bool:
        try:
            self._fs.resolve(self._abs(path), self._fs.root)
            return True
        except VfsError:
            return False

    def list(self, path: str = ".") -> list[EntryInfo]:
        fs = self._fs
        full = self._abs(path)
        try:
            entries = fs.listdir(full)
        except VfsError as e:
            raise _file_error(e, path) from None
        out = []
        for name, inode in entries:
            kind = (
                "dir" if isinstance(inode, Directory)
                else "file" if isinstance(inode, RegularFile)
                else "symlink" if isinstance(inode, Symlink)
                else "other"
            )  # fmt: skip
            child = f"{full.rstrip('/')}/{name}"
            out.append(EntryInfo(name, child, kind, inode.size, inode.mode, inode.mtime / 1e9))
        return out

    def mkdir(self, path: str) -> bool:
        """Creates the directory and its parents; False if it existed."""
        fs = self._fs
        full = self._abs(path)
        existed = self.exists(path)
        try:
            fs.makedirs(full)
        except VfsError as e:
            raise _file_error(e, path) from None
        return not existed

    def remove(self, path: str) -> None:
        """Removes a file, a link or a whole directory tree."""
        fs = self._fs
        full = self._abs(path)
        try:
            self._remove(fs, full)
        except VfsError as e:
            raise _file_error(e, path) from None

    def _remove(self, fs: FileSystem, full: str) -> None:
        node = fs.resolve(full, fs.root, follow=False)
        if isinstance(node, Directory):
            for name, _child in list(node.entries.items()):
                self._remove(fs, f"{full.rstrip('/')}/{name}")
            fs.rmdir(full, fs.root)
        else:
            fs.unlink(full, fs.root)

    def walk(self, path: str = "/") -> Iterable[str]:
        """Every path under ``path`` (generated /proc excluded)."""
        from .vfs.inode import walk_tree

        node = self._fs.resolve(self._abs(path), self._fs.root)
        if isinstance(node, Directory):
            prefix = self._abs(path).rstrip("/")
            for sub, _ in walk_tree(node):
                yield prefix + sub
