"""Inodes: what a file is, apart from any name it has.

Names live in directory entries only (a hard-linked file has several and an
unlinked open file none), so nothing here stores a name. Each kind of inode
knows how bytes flow through an open description of it; the open
description (``OpenFile``) only keeps the offset and the flags.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from enum import IntEnum
from typing import TYPE_CHECKING

from .errno import Errno, VfsError

if TYPE_CHECKING:
    from .openfile import OpenFile
    from .pipe import Pipe

__all__ = [
    "CharDevice",
    "Directory",
    "DynamicDirectory",
    "FileType",
    "GeneratedFile",
    "Inode",
    "MagicLink",
    "PipeInode",
    "RegularFile",
    "Symlink",
    "now_ns",
]


class FileType(IntEnum):
    """WASI preview1 ``filetype`` values (FIFOs report UNKNOWN there)."""

    UNKNOWN = 0
    BLOCK_DEVICE = 1
    CHARACTER_DEVICE = 2
    DIRECTORY = 3
    REGULAR_FILE = 4
    SOCKET_DGRAM = 5
    SOCKET_STREAM = 6
    SYMBOLIC_LINK = 7


# st_mode file-type bits, as Linux spells them (for stat and ls -l).
S_IFIFO = 0o010000
S_IFCHR = 0o020000
S_IFDIR = 0o040000
S_IFREG = 0o100000
S_IFLNK = 0o120000


def now_ns() -> int:
    """Wall-clock time for file timestamps."""
    return time.time_ns()


class Inode:
    """Metadata every file has; subclasses add contents and I/O behaviour."""

    __slots__ = (
        "atime",  # nanoseconds since the epoch
        "ctime",
        "gid",
        "ino",  # inode number, unique within the filesystem
        "mode",  # permission bits (0o7777); the type is the class
        "mtime",
        "nlink",  # directory entries naming this inode
        "open_count",  # open descriptions: space is freed when both reach 0
        "uid",
    )

    filetype = FileType.UNKNOWN
    type_bits = 0

    def __init__(self, ino: int, mode: int, uid: int, gid: int) -> None:
        self.ino = ino
        self.mode = mode & 0o7777
        self.uid = uid
        self.gid = gid
        self.nlink = 0
        t = now_ns()
        self.atime = self.mtime = self.ctime = t
        self.open_count = 0

    @property
    def size(self) -> int:
        return 0

    @property
    def st_mode(self) -> int:
        return self.type_bits | self.mode

    def touch(self) -> None:
        """Marks a content change (mtime and ctime)."""
        self.mtime = self.ctime = now_ns()

    # I/O through an open description. Returning None means "would block".
    def read(self, f: OpenFile, n: int) -> bytes | None:
        raise VfsError(Errno.EINVAL)

    def write(self, f: OpenFile, data: bytes) -> int | None:
        raise VfsError(Errno.EINVAL)

    def pread(self, f: OpenFile, n: int, offset: int) -> bytes:
        raise VfsError(Errno.ESPIPE)

    def pwrite(self, f: OpenFile, data: bytes, offset: int) -> int:
        raise VfsError(Errno.ESPIPE)

    def seekable(self) -> bool:
        return False

    def read_ready(self) -> bool:
        """True when a read would not block (data, end of file or error)."""
        return True

    def write_ready(self) -> bool:
        return True

    def opened(self, f: OpenFile) -> None:
        """Called when an open description of this inode is created."""
        self.open_count += 1

    def closed(self, f: OpenFile) -> None:
        """Called when the last descriptor of an open description closes."""
        self.open_count -= 1


class RegularFile(Inode):
    """A file whose bytes live in memory."""

    __slots__ = ("data",)
    filetype = FileType.REGULAR_FILE
    type_bits = S_IFREG

    def __init__(self, ino: int, mode: int, uid: int, gid: int, data: bytes = b"") -> None:
        super().__init__(ino, mode, uid, gid)
        self.data = bytearray(data)

    @property
    def size(self) -> int:
        return len(self.data)

    def seekable(self) -> bool:
        return True

    def read(self, f: OpenFile, n: int) -> bytes:
        chunk = bytes(self.data[f.offset : f.offset + n])
        f.offset += len(chunk)
        return chunk

    def pread(self, f: OpenFile, n: int, offset: int) -> bytes:
        return bytes(self.data[offset : offset + n])

    def write(self, f: OpenFile, data: bytes) -> int:
        if f.append:
            f.offset = len(self.data)
        written = self.pwrite(f, data, f.offset)
        f.offset += written
        return written

    def pwrite(self, f: OpenFile, data: bytes, offset: int) -> int:
        if not data:
            return 0
        end = offset + len(data)
        grow = end - len(self.data)
        if grow > 0:
            f.fs.charge_bytes(grow)  # raises ENOSPC before anything changes
            if offset > len(self.data):
                self.data.extend(bytes(offset - len(self.data)))
        self.data[offset:end] = data
        self.touch()
        return len(data)


class Directory(Inode):
    """A directory: named entries, and the one parent directories have."""

    __slots__ = ("entries", "parent")
    filetype = FileType.DIRECTORY
    type_bits = S_IFDIR

    def __init__(self, ino: int, mode: int, uid: int, gid: int, parent: Directory | None = None) -> None:
        super().__init__(ino, mode, uid, gid)
        self.entries: dict[str, Inode] = {}
        self.parent: Directory = parent if parent is not None else self

    @property
    def size(self) -> int:
        return 4096

    def lookup(self, name: str, ctx: object) -> Inode | None:
        return self.entries.get(name)

    def listing(self, ctx: object) -> list[tuple[str, Inode]]:
        return list(self.entries.items())

    def read(self, f: OpenFile, n: int) -> bytes:
        raise VfsError(Errno.EISDIR)

    def write(self, f: OpenFile, data: bytes) -> int:
        raise VfsError(Errno.EISDIR)

    def pread(self, f: OpenFile, n: int, offset: int) -> bytes:
        raise VfsError(Errno.EISDIR)


class DynamicDirectory(Directory):
    """A directory whose entries are computed on each look (``/proc``)."""

    __slots__ = ("compute",)

    def __init__(
        self,
        ino: int,
        parent: Directory,
        compute: Callable[[object], dict[str, Inode]],
    ) -> None:
        super().__init__(ino, 0o555, 0, 0, parent)
        self.compute = compute
        self.nlink = 2

    def lookup(self, name: str, ctx: object) -> Inode | None:
        return self.compute(ctx).get(name)

    def listing(self, ctx: object) -> list[tuple[str, Inode]]:
        return list(self.compute(ctx).items())


class Symlink(Inode):
    """A symbolic link: a path, resolved when the link is followed."""

    __slots__ = ("target",)
    filetype = FileType.SYMBOLIC_LINK
    type_bits = S_IFLNK

    def __init__(self, ino: int, uid: int, gid: int, target: str) -> None:
        super().__init__(ino, 0o777, uid, gid)
        self.target = target

    @property
    def size(self) -> int:
        return len(os.fsencode(self.target))


class MagicLink(Symlink):
    """A ``/proc/PID/fd/N`` entry: reads like a symlink to a path, but
    following it yields the open file's inode itself (so a pipe or an
    unlinked file can be reopened through ``/dev/fd/N``)."""

    __slots__ = ("inode",)

    def __init__(self, ino: int, target: str, inode: Inode) -> None:
        super().__init__(ino, 1000, 1000, target)
        self.inode = inode


class CharDevice(Inode):
    """A character device with behaviour given by functions (``/dev/null``)."""

    __slots__ = ("reader", "writer")
    filetype = FileType.CHARACTER_DEVICE
    type_bits = S_IFCHR

    def __init__(
        self,
        ino: int,
        reader: Callable[[int], bytes],
        writer: Callable[[bytes], int],
    ) -> None:
        super().__init__(ino, 0o666, 0, 0)
        self.reader = reader
        self.writer = writer

    def read(self, f: OpenFile, n: int) -> bytes:
        return self.reader(n)

    def write(self, f: OpenFile, data: bytes) -> int:
        return self.writer(data)

    def pread(self, f: OpenFile, n: int, offset: int) -> bytes:
        return self.reader(n)

    def pwrite(self, f: OpenFile, data: bytes, offset: int) -> int:
        return self.writer(data)


class PipeInode(Inode):
    """The inode of an anonymous pipe; each open description is one end."""

    __slots__ = ("pipe",)
    type_bits = S_IFIFO

    def __init__(self, ino: int, pipe: Pipe) -> None:
        super().__init__(ino, 0o600, 1000, 1000)
        self.pipe = pipe

    @property
    def size(self) -> int:
        return len(self.pipe.buffer)

    def read(self, f: OpenFile, n: int) -> bytes | None:
        return self.pipe.read(n)

    def write(self, f: OpenFile, data: bytes) -> int | None:
        return self.pipe.write(data)

    def read_ready(self) -> bool:
        return self.pipe.read_ready()

    def write_ready(self) -> bool:
        return self.pipe.write_ready()

    def opened(self, f: OpenFile) -> None:
        super().opened(f)
        if f.readable:
            self.pipe.readers += 1
        if f.writable:
            self.pipe.writers += 1

    def closed(self, f: OpenFile) -> None:
        super().closed(f)
        if f.readable:
            self.pipe.readers -= 1
        if f.writable:
            self.pipe.writers -= 1


class GeneratedFile(Inode):
    """A read-only file whose bytes are produced when it is opened
    (``/proc/uptime``): every open sees a fresh snapshot; nothing is stored."""

    __slots__ = ("produce",)
    filetype = FileType.REGULAR_FILE
    type_bits = S_IFREG

    def __init__(self, ino: int, produce: Callable[[], bytes], mode: int = 0o444) -> None:
        super().__init__(ino, mode, 0, 0)
        self.produce = produce

    def seekable(self) -> bool:
        return True

    def opened(self, f: OpenFile) -> None:
        super().opened(f)
        f.snapshot = self.produce()

    def read(self, f: OpenFile, n: int) -> bytes:
        snap = f.snapshot or b""
        chunk = snap[f.offset : f.offset + n]
        f.offset += len(chunk)
        return chunk

    def pread(self, f: OpenFile, n: int, offset: int) -> bytes:
        return (f.snapshot or b"")[offset : offset + n]

    def write(self, f: OpenFile, data: bytes) -> int:
        raise VfsError(Errno.EACCES)


def walk_tree(root: Directory) -> Iterator[tuple[str, Inode]]:
    """Every stored (path, inode) under ``root``, parents first; generated
    directories are skipped (they hold no data of their own)."""
    stack: list[tuple[str, Directory]] = [("", root)]
    while stack:
        prefix, d = stack.pop()
        for name, child in d.entries.items():
            path = f"{prefix}/{name}"
            yield path, child
            if isinstance(child, Directory) and not isinstance(child, DynamicDirectory):
                stack.append((path, child))
