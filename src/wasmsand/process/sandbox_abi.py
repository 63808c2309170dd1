"""The ``wasmsand`` import module: what WASI preview1 lacks.

Bundled programs import these to learn their working directory, start and
wait for other processes (``xargs``, ``env CMD``, ``find -exec``...), make
pipes, send signals and read or change the mode bits WASI does not carry.
The ABI is specified in docs/abi.md; keep the two in step.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..vfs import Directory, Errno, OpenFile, VfsError
from ..wasi import abi
from ..wasi.preview1 import syscall
from .waits import ChildExit

if TYPE_CHECKING:
    from ..hosts.base import Memory
    from .kernel import Kernel
    from .process import Process

__all__ = ["MODULE", "SandboxAbi"]

MODULE = "wasmsand"
_NO_ENV = 0xFFFFFFFF


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


class _Reader:
    """Reads the little-endian spawn request (see docs/abi.md)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def u32(self) -> int:
        (v,) = struct.unpack_from("<I", self.data, self.pos)
        self.pos += 4
        return int(v)

    def string(self) -> str:
        n = self.u32()
        if self.pos + n > len(self.data):
            raise VfsError(Errno.EINVAL)
        s = self.data[self.pos : self.pos + n]
        self.pos += n
        return _decode(s)

    def strings(self, count: int) -> list[str]:
        if count > 1 << 20:
            raise VfsError(Errno.E2BIG)
        return [self.string() for _ in range(count)]


class SandboxAbi:
    """The ``wasmsand`` imports of one process."""

    def __init__(self, kernel: Kernel, proc: Process) -> None:
        self.kernel = kernel
        self.proc = proc
        self.mem: Memory
        self._wait_started: dict[int, float] = {}

    def imports(self) -> dict[tuple[str, str], Callable[..., Any]]:
        names = ("cwd_get", "spawn", "wait", "pipe", "kill", "path_stat_ext", "fd_stat_ext", "path_chmod", "umask")
        names += ("fs_usage",)
        return {(MODULE, n): syscall(getattr(self, n)) for n in names}

    def cwd_get(self, buf: int, buf_len: int, len_out: int) -> int:
        raw = self.proc.cwd_path().encode("utf-8", "surrogateescape")
        self.mem.pack("<I", len_out, len(raw))
        if len(raw) > buf_len:
            return Errno.ERANGE
        self.mem.write(buf, raw)
        return 0

    def spawn(self, req: int, req_len: int, pid_out: int) -> int:
        r = _Reader(self.mem.read(req, req_len))
        argv = r.strings(r.u32())
        if not argv:
            return Errno.EINVAL
        envc = r.u32()
        env = dict(self.proc.env) if envc == _NO_ENV else _env_dict(r.strings(envc))
        cwd_text = r.string()
        cwd = self.proc.cwd
        if cwd_text:
            node = self.proc.fs.resolve(cwd_text, self.proc.cwd, ctx=self.proc)
            if not isinstance(node, Directory):
                return Errno.ENOTDIR
            cwd = node
        nfds = r.u32()
        fds: dict[int, OpenFile] = {}
        if nfds == 0:
            for fd in (0, 1, 2):
                f = self.proc.fds.lookup(fd)
                if f is not None:
                    fds[fd] = f
        for _ in range(min(nfds, 1024)):
            child_fd, parent_fd = r.u32(), r.u32()
            fds[child_fd] = self.proc.fds.get(parent_fd)
        child = self.kernel.spawn(argv, env=env, cwd=cwd, fds=fds, parent=self.proc)
        self.mem.pack("<I", pid_out, child.pid)
        return 0

    def wait(self, pid: int, timeout_ns: int, status_out: int) -> int:
        if self.proc.resume():
            return 0
        child = self.kernel.procs.get(pid)
        if child is None or child.ppid != self.proc.pid or child.reaped:
            self._wait_started.pop(pid, None)
            return Errno.ECHILD
        if child.exited:
            self._wait_started.pop(pid, None)
            assert child.status is not None
            self.mem.pack("<I", status_out, child.status)
            self.kernel.reap(child)
            return 0
        until = None
        if timeout_ns >= 0:
            start = self._wait_started.setdefault(pid, time.monotonic())
            until = start + timeout_ns / 1e9
            if time.monotonic() >= until:
                self._wait_started.pop(pid, None)
                return Errno.ETIMEDOUT
        self.proc.task.suspend(ChildExit(child, until))  # type: ignore[union-attr]
        return 0

    def pipe(self, fds_out: int) -> int:
        r, w = self.kernel.new_pipe()
        try:
            rfd = self.proc.fds.install(r)
        except VfsError:
            r.close_unreferenced()
            w.close_unreferenced()
            raise
        try:
            wfd = self.proc.fds.install(w)
        except VfsError:
            self.proc.fds.close(rfd)
            w.close_unreferenced()
            raise
        self.mem.pack("<II", fds_out, rfd, wfd)
        return 0

    def kill(self, pid: int, signal: int) -> int:
        target = self.kernel.procs.get(pid)
        if target is None or target.exited:
            return Errno.ESRCH
        if signal > 64:
            return Errno.EINVAL
        self.kernel.kill(target, signal)
        return 0

    def _stat_ext(self, inode: Any, buf: int) -> int:
        self.mem.pack("<III", buf, inode.st_mode, inode.uid, inode.gid)
        return 0

    def path_stat_ext(self, fd: int, flags: int, path: int, path_len: int, buf: int) -> int:
        base = self.proc.fds.get(fd).inode
        if not isinstance(base, Directory):
            return Errno.ENOTDIR
        inode = self.proc.fs.resolve(
            _decode(self.mem.read(path, path_len)), base, follow=bool(flags & abi.LOOKUP_SYMLINK_FOLLOW), ctx=self.proc
        )
        return self._stat_ext(inode, buf)

    def fd_stat_ext(self, fd: int, buf: int) -> int:
        return self._stat_ext(self.proc.fds.get(fd).inode, buf)

    def path_chmod(self, fd: int, flags: int, path: int, path_len: int, mode: int) -> int:
        base = self.proc.fds.get(fd).inode
        if not isinstance(base, Directory):
            return Errno.ENOTDIR
        inode = self.proc.fs.resolve(
            _decode(self.mem.read(path, path_len)), base, follow=bool(flags & abi.LOOKUP_SYMLINK_FOLLOW), ctx=self.proc
        )
        self.proc.fs.chmod(inode, mode)
        return 0

    def umask(self, new: int, old_out: int) -> int:
        self.mem.pack("<I", old_out, self.proc.umask)
        if new != 0xFFFFFFFF:
            self.proc.umask = new & 0o777
        return 0

    def fs_usage(self, out: int) -> int:
        fs = self.proc.fs
        self.mem.pack("<QQQQ", out, fs.limits.max_bytes, fs.bytes_used, fs.limits.max_files, fs.files_used)
        return 0


def _env_dict(items: list[str]) -> dict[str, str]:
    env: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if sep:
            env[key] = value
    return env
