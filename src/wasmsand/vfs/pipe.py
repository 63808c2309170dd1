"""Anonymous pipes with a bounded buffer, as on Linux.

A read from an empty pipe whose writers are gone is end of file; with a
writer alive it would block, which is reported as ``None`` so the scheduler
can suspend the reader. A write with no reader left fails with EPIPE (the
kernel turns that into SIGPIPE); a write to a full pipe would block. Writes
of at most ``PIPE_BUF`` bytes are atomic.
"""

from __future__ import annotations

from .errno import Errno, VfsError

__all__ = ["PIPE_BUF", "PIPE_CAPACITY", "Pipe"]

PIPE_CAPACITY = 64 * 1024
PIPE_BUF = 4096


class Pipe:
    """The shared buffer and end counts of one pipe."""

    __slots__ = ("buffer", "capacity", "readers", "writers")

    def __init__(self, capacity: int = PIPE_CAPACITY) -> None:
        self.buffer = bytearray()
        self.capacity = capacity
        self.readers = 0  # open read descriptions
        self.writers = 0  # open write descriptions

    def read(self, n: int) -> bytes | None:
        if self.buffer:
            chunk = bytes(self.buffer[:n])
            del self.buffer[:n]
            return chunk
        if self.writers == 0 or n == 0:
            return b""
        return None

    def write(self, data: bytes) -> int | None:
        if self.readers == 0:
            raise VfsError(Errno.EPIPE)
        if not data:
            return 0
        space = self.capacity - len(self.buffer)
        if space <= 0 or (len(data) <= PIPE_BUF and space < len(data)):
            return None
        chunk = data[:space]
        self.buffer += chunk
        return len(chunk)

    def read_ready(self) -> bool:
        return bool(self.buffer) or self.writers == 0

    def write_ready(self) -> bool:
        return self.readers == 0 or len(self.buffer) < self.capacity
