"""Streams between the sandbox and its caller: standard input given as
bytes, and standard output/error collected for the result.

Both behave like pipes to the programs (not seekable, never a terminal),
but never block: the input is all there, and output beyond the limit is
dropped and the result marked truncated.
"""

from __future__ import annotations

from collections.abc import Callable
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
    """Collects what is written, up to ``limit`` bytes, and hands every
    write, whole, to ``listener`` if there is one (a caller streaming the
    output live).

    The listener runs inside a guest's system call, so what it raises must
    not unwind through the guest: the first exception is kept in
    ``listener_error`` (the caller re-raises it once the run is over) and
    the listener is not called again.
    """

    __slots__ = ("chunks", "length", "limit", "listener", "listener_error", "truncated")
    type_bits = S_IFIFO

    def __init__(self, ino: int, limit: int, listener: Callable[[bytes], object] | None = None) -> None:
        super().__init__(ino, 0o600, 1000, 1000)
        self.chunks: list[bytes] = []
        self.length = 0
        self.limit = limit
        self.truncated = False
        self.listener = listener
        self.listener_error: Exception | None = None

    def read(self, f: OpenFile, n: int) -> bytes:
        raise VfsError(Errno.EBADF)

    def write(self, f: OpenFile, data: bytes) -> int:
        """Accepts everything (the writer must not fail or block); keeps
        what fits under the limit."""
        n = len(data)
        if self.listener is not None and n:
            self._forward(bytes(data))
        room = self.limit - self.length
        if n > room:
            self.truncated = True
            data = data[: max(room, 0)]
        if data:
            self.chunks.append(bytes(data))
            self.length += len(data)
        return n

    def _forward(self, data: bytes) -> None:
        try:
            self.listener(data)  # type: ignore[misc]
        except Exception as e:  # re-raised by the caller after the run
            self.listener_error = e
            self.listener = None

    def getvalue(self) -> bytes:
        return b"".join(self.chunks)
