"""A process's file descriptor table.

Descriptors map to shared open file descriptions (``OpenFile``); ``dup``
shares one, so the offset is shared, as POSIX says. New descriptors take
the lowest free number.
"""

from __future__ import annotations

from .errno import Errno, VfsError
from .openfile import OpenFile

__all__ = ["MAX_FDS", "FdTable"]

MAX_FDS = 1024


class FdTable:
    """Descriptor number -> open description (plus the close-on-exec flag)."""

    __slots__ = ("_cloexec", "_fds")

    def __init__(self) -> None:
        self._fds: dict[int, OpenFile] = {}
        self._cloexec: set[int] = set()

    def get(self, fd: int) -> OpenFile:
        f = self._fds.get(fd)
        if f is None:
            raise VfsError(Errno.EBADF)
        return f

    def lookup(self, fd: int) -> OpenFile | None:
        return self._fds.get(fd)

    def numbers(self) -> list[int]:
        return sorted(self._fds)

    def _lowest_free(self, minimum: int = 0) -> int:
        fd = minimum
        while fd in self._fds:
            fd += 1
        if fd >= MAX_FDS:
            raise VfsError(Errno.EMFILE)
        return fd

    def install(self, f: OpenFile, minimum: int = 0, *, cloexec: bool = False) -> int:
        """A new descriptor for ``f`` (which gains a reference)."""
        fd = self._lowest_free(minimum)
        self._fds[fd] = f.retain()
        if cloexec:
            self._cloexec.add(fd)
        return fd

    def install_at(self, fd: int, f: OpenFile) -> None:
        """dup2: ``fd`` refers to ``f``, closing what it referred to."""
        if not 0 <= fd < MAX_FDS:
            raise VfsError(Errno.EBADF)
        f.retain()
        self.close(fd, missing_ok=True)
        self._fds[fd] = f

    def close(self, fd: int, *, missing_ok: bool = False) -> None:
        f = self._fds.pop(fd, None)
        self._cloexec.discard(fd)
        if f is None:
            if missing_ok:
                return
            raise VfsError(Errno.EBADF)
        f.release()

    def renumber(self, old: int, new: int) -> None:
        """WASI fd_renumber: ``new`` becomes ``old``'s description."""
        f = self.get(old)
        self.get(new)
        if old == new:
            return
        self.install_at(new, f)
        self.close(old)

    def close_all(self) -> None:
        for fd in list(self._fds):
            self.close(fd)

    def copy(self, *, exec_: bool = False) -> FdTable:
        """A child's table: every descriptor shared (minus close-on-exec
        ones when the child executes a new program)."""
        t = FdTable()
        for fd, f in self._fds.items():
            if exec_ and fd in self._cloexec:
                continue
            t._fds[fd] = f.retain()
        if not exec_:
            t._cloexec = set(self._cloexec)
        return t
