"""Open file descriptions: what ``open()`` creates and ``dup()`` shares.

Two descriptors duplicated from one another share this object, and so share
the offset and the append/nonblock flags, exactly as POSIX says. Contents
are never copied here: reads and writes go straight to the inode.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errno import Errno, VfsError
from .inode import Directory, Inode

if TYPE_CHECKING:
    from .filesystem import FileSystem

__all__ = ["OpenFile"]


class OpenFile:
    """One open description of an inode."""

    __slots__ = (
        "append",
        "dir_entries",  # directory listing taken at the first readdir
        "fs",  # the filesystem, for quota accounting on writes
        "inode",
        "nonblock",
        "offset",
        "path",  # the path it was opened by, for /proc/PID/fd and messages
        "readable",
        "refs",  # descriptors (in any process) referring to this description
        "snapshot",  # bytes of a generated file, taken at open
        "writable",
    )

    def __init__(
        self,
        fs: FileSystem,
        inode: Inode,
        path: str,
        *,
        readable: bool,
        writable: bool,
        append: bool = False,
        nonblock: bool = False,
    ) -> None:
        self.fs = fs
        self.inode = inode
        self.path = path
        self.readable = readable
        self.writable = writable
        self.append = append
        self.nonblock = nonblock
        self.offset = 0
        self.refs = 0
        self.snapshot: bytes | None = None
        self.dir_entries: list[tuple[str, Inode]] | None = None
        inode.opened(self)

    @property
    def is_directory(self) -> bool:
        return isinstance(self.inode, Directory)

    def read(self, n: int) -> bytes | None:
        """Up to ``n`` bytes; b"" at end of file; None if it would block."""
        if not self.readable:
            raise VfsError(Errno.EBADF)
        return self.inode.read(self, n)

    def write(self, data: bytes) -> int | None:
        """Bytes written; None if it would block. EPIPE with no reader."""
        if not self.writable:
            raise VfsError(Errno.EBADF)
        return self.inode.write(self, data)

    def pread(self, n: int, offset: int) -> bytes:
        if not self.readable:
            raise VfsError(Errno.EBADF)
        return self.inode.pread(self, n, offset)

    def pwrite(self, data: bytes, offset: int) -> int:
        if not self.writable:
            raise VfsError(Errno.EBADF)
        return self.inode.pwrite(self, data, offset)

    def seek(self, offset: int, whence: int) -> int:
        """lseek: whence 0 = SET, 1 = CUR, 2 = END."""
        if not self.inode.seekable() and not self.is_directory:
            raise VfsError(Errno.ESPIPE)
        if whence == 0:
            new = offset
        elif whence == 1:
            new = self.offset + offset
        elif whence == 2:
            size = len(self.snapshot) if self.snapshot is not None else self.inode.size
            new = size + offset
        else:
            raise VfsError(Errno.EINVAL)
        if new < 0:
            raise VfsError(Errno.EINVAL)
        self.offset = new
        return new

    def retain(self) -> OpenFile:
        """A new descriptor refers to this description."""
        self.refs += 1
        return self

    def release(self) -> None:
        """A descriptor referring to this description was closed."""
        self.refs -= 1
        if self.refs == 0:
            self.inode.closed(self)
            self.fs.maybe_free(self.inode)

    def close_unreferenced(self) -> None:
        """Closes a description no descriptor ever took (a failed install)."""
        if self.refs == 0:
            self.retain()
            self.release()
