"""``/proc``: generated on every look, never stored.

The VFS knows nothing of processes; the process layer hands in a function
listing the live processes as ``ProcessView`` objects, and the process doing
the lookup is passed as the resolution context (for ``/proc/self``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from .filesystem import FileSystem, ProcessView
from .inode import Directory, DynamicDirectory, GeneratedFile, Inode, MagicLink, Symlink

__all__ = ["KERNEL_RELEASE", "ProcFs"]

KERNEL_RELEASE = "6.1.0-wasmsand"

ProcessLister = Callable[[], dict[int, ProcessView]]


def _nul_joined(items: list[str]) -> bytes:
    return b"".join(s.encode("utf-8", "surrogateescape") + b"\0" for s in items)


class ProcFs:
    """Builds the ``/proc`` directory of one sandbox."""

    def __init__(self, fs: FileSystem, parent: Directory, memory_bytes: int) -> None:
        self.fs = fs
        self.started = time.monotonic()
        self.memory_bytes = memory_bytes
        self.processes: ProcessLister = dict
        self.root = DynamicDirectory(fs.new_ino(), parent, self._root_entries)

    def _file(self, produce: Callable[[], bytes]) -> GeneratedFile:
        return GeneratedFile(self.fs.new_ino(), produce)

    def _root_entries(self, ctx: object) -> dict[str, Inode]:
        entries: dict[str, Inode] = {
            "uptime": self._file(self._uptime),
            "version": self._file(self._version),
            "cpuinfo": self._file(self._cpuinfo),
            "meminfo": self._file(self._meminfo),
        }
        if isinstance(getattr(ctx, "pid", None), int):
            entries["self"] = Symlink(self.fs.new_ino(), 0, 0, str(ctx.pid))  # type: ignore[attr-defined]
        for pid, view in self.processes().items():
            entries[str(pid)] = self._process_dir(view)
        return entries

    def _process_dir(self, view: ProcessView) -> DynamicDirectory:
        def entries(ctx: object) -> dict[str, Inode]:
            try:
                cwd = view.cwd_path()
            except Exception:  # a removed directory has no path
                cwd = "/"
            env = [f"{k}={v}" for k, v in view.env.items()]
            return {
                "cmdline": self._file(lambda: _nul_joined(view.argv)),
                "environ": self._file(lambda: _nul_joined(env)),
                "cwd": Symlink(self.fs.new_ino(), 0, 0, cwd),
                "fd": DynamicDirectory(self.fs.new_ino(), self.root, lambda c: self._fd_entries(view)),
                "status": self._file(lambda: self._status(view)),
            }

        return DynamicDirectory(self.fs.new_ino(), self.root, entries)

    def _fd_entries(self, view: ProcessView) -> dict[str, Inode]:
        out: dict[str, Inode] = {}
        for fd in view.fd_numbers():
            f = view.open_file(fd)
            if f is None:
                continue
            target = f.path if f.path.startswith("/") else f"{f.path}"
            out[str(fd)] = MagicLink(self.fs.new_ino(), target, f.inode)
        return out

    def _uptime(self) -> bytes:
        up = time.monotonic() - self.started
        return f"{up:.2f} {up:.2f}\n".encode()

    def _version(self) -> bytes:
        return f"Linux version {KERNEL_RELEASE} (wasmsand) #1 SMP WebAssembly\n".encode()

    def _cpuinfo(self) -> bytes:
        return (
            b"processor\t: 0\nvendor_id\t: wasmsand\nmodel name\t: WebAssembly virtual CPU\n"
            b"cpu MHz\t\t: 1000.000\ncache size\t: 0 KB\ncpu cores\t: 1\nflags\t\t: wasm32\n\n"
        )

    def _meminfo(self) -> bytes:
        total = self.memory_bytes // 1024
        used = self.fs.bytes_used // 1024
        free = max(total - used, 0)
        return (
            f"MemTotal:       {total:>8} kB\nMemFree:        {free:>8} kB\n"
            f"MemAvailable:   {free:>8} kB\nBuffers:               0 kB\n"
            f"Cached:                0 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n"
        ).encode()

    def _status(self, view: ProcessView) -> bytes:
        name = view.argv[0].rsplit("/", 1)[-1] if view.argv else "?"
        return f"Name:\t{name}\nState:\tR (running)\nPid:\t{view.pid}\nPPid:\t{view.ppid}\nUid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\n".encode()
