"""What a blocked process waits for.

A suspended process holds one of these; the scheduler resumes it when
``ready(now)`` says so. ``deadline`` is the latest time it must be looked
at again even if nothing happened (a sleep, a poll timeout).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..vfs import OpenFile
    from .process import Process

__all__ = ["AnyOf", "ChildExit", "Readable", "Sleep", "Wait", "Writable", "Yield"]


class Wait:
    """Base: never ready by itself, no deadline."""

    deadline: float | None = None

    def ready(self, now: float) -> bool:
        raise NotImplementedError


class Readable(Wait):
    __slots__ = ("file",)

    def __init__(self, file: OpenFile) -> None:
        self.file = file

    def ready(self, now: float) -> bool:
        return self.file.inode.read_ready()


class Writable(Wait):
    __slots__ = ("file",)

    def __init__(self, file: OpenFile) -> None:
        self.file = file

    def ready(self, now: float) -> bool:
        return self.file.inode.write_ready()


class Sleep(Wait):
    __slots__ = ("deadline",)

    def __init__(self, until: float) -> None:
        self.deadline = until

    def ready(self, now: float) -> bool:
        return now >= self.deadline  # type: ignore[operator]


class ChildExit(Wait):
    """Waiting for a process to end (or for a timeout)."""

    __slots__ = ("deadline", "process")

    def __init__(self, process: Process, until: float | None = None) -> None:
        self.process = process
        self.deadline = until

    def ready(self, now: float) -> bool:
        return self.process.exited or (self.deadline is not None and now >= self.deadline)


class AnyOf(Wait):
    """poll(): ready when any part is (or at the timeout)."""

    __slots__ = ("deadline", "parts")

    def __init__(self, parts: Sequence[Wait], until: float | None) -> None:
        self.parts = list(parts)
        self.deadline = until

    def ready(self, now: float) -> bool:
        if self.deadline is not None and now >= self.deadline:
            return True
        return any(p.ready(now) for p in self.parts)


class Yield(Wait):
    """sched_yield: ready at once, but others run first."""

    def ready(self, now: float) -> bool:
        return True
