"""The character devices under ``/dev``: generated behaviour, no storage."""

from __future__ import annotations

import os

from .errno import Errno, VfsError
from .filesystem import FileSystem
from .inode import CharDevice, Directory, Symlink

__all__ = ["install_devices"]

_MAX_CHUNK = 1 << 20


def _discard(data: bytes) -> int:
    return len(data)


def _empty(n: int) -> bytes:
    return b""


def _zeros(n: int) -> bytes:
    return bytes(min(n, _MAX_CHUNK))


def _random(n: int) -> bytes:
    return os.urandom(min(n, _MAX_CHUNK))


def _full(data: bytes) -> int:
    raise VfsError(Errno.ENOSPC)


def install_devices(fs: FileSystem, dev: Directory) -> None:
    """null, zero, full, random, urandom, and the links to /proc/self/fd."""
    for name, reader, writer in (
        ("null", _empty, _discard),
        ("zero", _zeros, _discard),
        ("full", _zeros, _full),
        ("random", _random, _discard),
        ("urandom", _random, _discard),
    ):
        fs.add_entry(dev, name, CharDevice(fs.new_ino(), reader, writer))
    for name, target in (
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ):
        fs.add_entry(dev, name, Symlink(fs.new_ino(), 0, 0, target))
