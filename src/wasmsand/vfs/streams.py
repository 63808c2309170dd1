"""Streams between the sandbox and its caller: standard input given as
bytes, and standard output/error collected for the result.

Both behave like pipes to the programs (not seekable, never a terminal),
but never block: the input is all there, and output beyond the limit is
dropped and the result marked truncated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errno import Errno, VfsError
from .inode import S_IFIFO, Inode

if TYPE_CHECKING:
    from .openfile import OpenFile

__all__ = ["ByteSource", "CaptureSink"]


class ByteSource(Inode):
    """Bytes to read once, then end of file."""

    __slots__ = ("data", "pos")
    type_bits = S_IFIFO

    def __init__(self, ino: int, data: bytes) -> None:
        super().__init__(ino, 0o600, 1000, 1000)
        self.data = data
        self.pos = 0

    @property
    def size(self) -> int:
        return len(self.data) - self.pos

    def read(self, f: OpenFile, n: int) -> bytes:
        chunk = self.data[self.pos : self.pos + n]
        self.pos += len(chunk)
        return chunk

    def write(self, f: OpenFile, data: bytes) -> int:
        raise VfsError(Errno.EBADF)


class CaptureSink(Inode):
    """Collects what is written, up to ``limit`` bytes."""

    __slots__ = ("chunks", "length", "limit", "truncated")
    type_bits = S_IFIFO

    def __init__(self, ino: int, limit: int) -> None:
        super().__init__(ino, 0o600, 1000, 1000)
        self.chunks: list[bytes] = []
        self.length = 0
        self.limit = limit
        self.truncated = False

    def read(self, f: OpenFile, n: int) -> bytes:
        raise VfsError(Errno.EBADF)

    def write(self, f: OpenFile, data: bytes) -> int:
        """Accepts everything (the writer must not fail or block); keeps
        what fits under the limit."""
        n = len(data)
        room = self.limit - self.length
        if n > room:
            self.truncated = True
            data = data[: max(room, 0)]
        if data:
            self.chunks.append(bytes(data))
            self.length += len(data)
        return n

    def getvalue(self) -> bytes:
        return b"".join(self.chunks)
