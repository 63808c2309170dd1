"""``wasi_snapshot_preview1``, served from the VFS.

One ``Preview1`` object serves one process. Every function returns a WASI
errno (0 on success); a ``VfsError`` becomes its errno, a pointer outside
linear memory becomes EFAULT. Operations that would block (a read from an
empty pipe, a write to a full one, a sleep, a poll) ask the process context
to suspend the process and return; the scheduler enters the same call again
when the process can go on, so no state is kept between the two entries.

Paths from the guest are bytes; they are decoded as UTF-8 with
``surrogateescape`` so any name round-trips.
"""

from __future__ import annotations

import os
import struct
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from ..vfs import Directory, Errno, FdTable, FileSystem, FileType, OpenFile, VfsError
from ..vfs.inode import PipeInode, RegularFile
from . import abi

if TYPE_CHECKING:
    from ..hosts.base import Memory

__all__ = ["MODULE", "Preview1", "RetryCall", "WasiProcess", "syscall"]

MODULE = "wasi_snapshot_preview1"
_MASK64 = (1 << 64) - 1


class WasiProcess(Protocol):
    """What the WASI layer needs from the process it serves."""

    fs: FileSystem
    fds: FdTable
    argv: list[str]
    env: dict[str, str]
    cwd: Directory
    umask: int
    preopens: dict[int, str]
    started_ns: int

    def resume(self) -> bool:
        """Called first in every call that may suspend: ends a rewind, or
        (True) suspends a process whose time slice is used up, in which
        case the call returns at once and is made again later."""

    def suspend_read(self, f: OpenFile) -> None: ...

    def suspend_write(self, f: OpenFile) -> None: ...

    def suspend_poll(self, reads: list[OpenFile], writes: list[OpenFile], until: float | None) -> None: ...

    def suspend_yield(self) -> None: ...

    def exit(self, code: int) -> None:
        """Ends the process (raises)."""

    def kill(self, signal: int) -> None:
        """Ends the process by a Linux signal number (raises)."""


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


class RetryCall(Exception):
    """Raised by a process that could not be suspended but waited in place
    (a module without Asyncify): the call is simply made again."""


def syscall(fn: Callable[..., int]) -> Callable[..., int]:
    """Turns VFS errors into their errno and bad pointers into EFAULT, and
    makes a call again when the process waited in place (``RetryCall``)."""

    def wrapper(*args: int) -> int:
        try:
            while True:
                try:
                    return fn(*args)
                except RetryCall:
                    continue
        except VfsError as e:
            return int(e.errno)
        except (IndexError, struct.error, OverflowError):
            return int(Errno.EFAULT)
        except UnicodeError:
            return int(Errno.EILSEQ)

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


def _traced(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """WASMSAND_TRACE=1 prints every call and its result (debugging aid)."""
    import sys

    def wrapper(*args: int) -> Any:
        result = fn(*args)
        print(f"wasi: {name}{args} = {result}", file=sys.stderr)
        return result

    return wrapper


class Preview1:
    """The preview1 system calls of one process."""

    def __init__(self, proc: WasiProcess) -> None:
        self.proc = proc
        self.mem: Memory  # set once the instance exists
        self._clock_starts: dict[int, float] = {}  # poll userdata -> first entry
        self._yielded = False

    def imports(self) -> dict[tuple[str, str], Callable[..., Any]]:
        out: dict[tuple[str, str], Callable[..., Any]] = {}
        for name in _EXPORTED:
            out[(MODULE, name)] = syscall(getattr(self, name))
        out[(MODULE, "proc_exit")] = self.proc_exit
        if os.environ.get("WASMSAND_TRACE"):
            out = {key: _traced(key[1], fn) for key, fn in out.items()}
        return out

    # -- helpers -------------------------------------------------------------

    def _str(self, ptr: int, n: int) -> str:
        return _decode(self.mem.read(ptr, n))

    def _u32(self, ptr: int, value: int) -> None:
        self.mem.pack("<I", ptr, value)

    def _u64(self, ptr: int, value: int) -> None:
        self.mem.pack("<Q", ptr, value & _MASK64)

    def _file(self, fd: int) -> OpenFile:
        return self.proc.fds.get(fd)

    def _dir(self, fd: int) -> Directory:
        f = self.proc.fds.get(fd)
        if not isinstance(f.inode, Directory):
            raise VfsError(Errno.ENOTDIR)
        return f.inode

    def _iovecs(self, iovs: int, count: int) -> list[tuple[int, int]]:
        if count == 0:
            return []
        raw = self.mem.read(iovs, 8 * count)
        return [struct.unpack_from(abi.IOVEC, raw, 8 * i) for i in range(count)]

    def _gather(self, iovs: int, count: int) -> bytes:
        parts = [self.mem.read(ptr, n) for ptr, n in self._iovecs(iovs, count) if n]
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def _scatter(self, vecs: list[tuple[int, int]], data: bytes) -> None:
        pos = 0
        for ptr, n in vecs:
            if pos >= len(data):
                break
            chunk = data[pos : pos + n]
            self.mem.write(ptr, chunk)
            pos += len(chunk)

    def _write_filestat(self, buf: int, st: Any) -> None:
        self.mem.pack(
            abi.FILESTAT, buf, st.dev, st.ino, int(st.filetype), st.nlink,
            st.size, st.atime & _MASK64, st.mtime & _MASK64, st.ctime & _MASK64,
        )  # fmt: skip

    @staticmethod
    def _times(atim: int, mtim: int, flags: int) -> tuple[int | None, int | None]:
        if (flags & abi.FST_ATIM and flags & abi.FST_ATIM_NOW) or (flags & abi.FST_MTIM and flags & abi.FST_MTIM_NOW):
            raise VfsError(Errno.EINVAL)
        now = time.time_ns()
        atime = now if flags & abi.FST_ATIM_NOW else (atim & _MASK64 if flags & abi.FST_ATIM else None)
        mtime = now if flags & abi.FST_MTIM_NOW else (mtim & _MASK64 if flags & abi.FST_MTIM else None)
        return atime, mtime

    # -- args, environment, clocks, random -------------------------------------

    def _strings(self) -> list[bytes]:
        return [_encode(a) + b"\0" for a in self.proc.argv]

    def _environ(self) -> list[bytes]:
        return [_encode(f"{k}={v}") + b"\0" for k, v in self.proc.env.items()]

    def _put_strings(self, items: list[bytes], ptrs: int, buf: int) -> int:
        offset = buf
        for i, item in enumerate(items):
            self._u32(ptrs + 4 * i, offset)
            self.mem.write(offset, item)
            offset += len(item)
        return 0

    def args_get(self, argv: int, argv_buf: int) -> int:
        return self._put_strings(self._strings(), argv, argv_buf)

    def args_sizes_get(self, argc_out: int, size_out: int) -> int:
        items = self._strings()
        self._u32(argc_out, len(items))
        self._u32(size_out, sum(len(i) for i in items))
        return 0

    def environ_get(self, environ: int, environ_buf: int) -> int:
        return self._put_strings(self._environ(), environ, environ_buf)

    def environ_sizes_get(self, count_out: int, size_out: int) -> int:
        items = self._environ()
        self._u32(count_out, len(items))
        self._u32(size_out, sum(len(i) for i in items))
        return 0

    def clock_res_get(self, clock_id: int, res_out: int) -> int:
        if clock_id > abi.CLOCK_THREAD_CPUTIME:
            return Errno.EINVAL
        self._u64(res_out, 1000)
        return 0

    def clock_time_get(self, clock_id: int, precision: int, time_out: int) -> int:
        if clock_id == abi.CLOCK_REALTIME:
            now = time.time_ns()
        elif clock_id == abi.CLOCK_MONOTONIC:
            now = time.monotonic_ns()
        elif clock_id in (abi.CLOCK_PROCESS_CPUTIME, abi.CLOCK_THREAD_CPUTIME):
            now = time.monotonic_ns() - self.proc.started_ns
        else:
            return Errno.EINVAL
        self._u64(time_out, now)
        return 0

    def random_get(self, buf: int, n: int) -> int:
        self.mem.write(buf, os.urandom(n))
        return 0

    # -- file descriptors ----------------------------------------------------

    def fd_advise(self, fd: int, offset: int, length: int, advice: int) -> int:
        f = self._file(fd)
        if advice > 5 or offset < 0 or length < 0:
            return Errno.EINVAL
        if isinstance(f.inode, PipeInode):
            return Errno.ESPIPE
        return 0

    def fd_allocate(self, fd: int, offset: int, length: int) -> int:
        f = self._file(fd)
        if offset < 0 or length <= 0:
            return Errno.EINVAL
        if not f.writable:
            return Errno.EBADF
        if not isinstance(f.inode, RegularFile):
            return Errno.ESPIPE if isinstance(f.inode, PipeInode) else Errno.ENODEV
        end = offset + length
        if end > f.inode.size:
            self.proc.fs.truncate(f.inode, end)
        return 0

    def fd_close(self, fd: int) -> int:
        self.proc.fds.close(fd)
        self.proc.preopens.pop(fd, None)
        return 0

    def fd_datasync(self, fd: int) -> int:
        f = self._file(fd)
        return Errno.EINVAL if isinstance(f.inode, PipeInode) else 0

    def fd_sync(self, fd: int) -> int:
        return self.fd_datasync(fd)

    def fd_fdstat_get(self, fd: int, buf: int) -> int:
        f = self._file(fd)
        flags = (abi.FDFLAG_APPEND if f.append else 0) | (abi.FDFLAG_NONBLOCK if f.nonblock else 0)
        if isinstance(f.inode, Directory):
            rights = abi.RIGHTS_DIRECTORY
            inheriting = abi.RIGHTS_ALL
        else:
            rights = (abi.RIGHTS_READ if f.readable else 0) | (abi.RIGHTS_WRITE if f.writable else 0)
            if not f.inode.seekable():
                rights &= ~(abi.RIGHT_FD_SEEK | abi.RIGHT_FD_TELL)
            inheriting = 0
        self.mem.pack(abi.FDSTAT, buf, int(f.inode.filetype), flags, rights, inheriting)
        return 0

    def fd_fdstat_set_flags(self, fd: int, flags: int) -> int:
        f = self._file(fd)
        f.append = bool(flags & abi.FDFLAG_APPEND)
        f.nonblock = bool(flags & abi.FDFLAG_NONBLOCK)
        return 0

    def fd_fdstat_set_rights(self, fd: int, base: int, inheriting: int) -> int:
        self._file(fd)
        return 0  # rights only shrink; access is decided by the open mode

    def fd_filestat_get(self, fd: int, buf: int) -> int:
        f = self._file(fd)
        self._write_filestat(buf, self.proc.fs.stat_inode(f.inode, f.snapshot))
        return 0

    def fd_filestat_set_size(self, fd: int, size: int) -> int:
        f = self._file(fd)
        if not f.writable:
            return Errno.EINVAL
        self.proc.fs.truncate(f.inode, size)
        return 0

    def fd_filestat_set_times(self, fd: int, atim: int, mtim: int, flags: int) -> int:
        f = self._file(fd)
        atime, mtime = self._times(atim, mtim, flags)
        self.proc.fs.set_times(f.inode, atime, mtime)
        return 0

    def fd_pread(self, fd: int, iovs: int, iovs_len: int, offset: int, nread_out: int) -> int:
        f = self._file(fd)
        if offset < 0:
            return Errno.EINVAL
        vecs = self._iovecs(iovs, iovs_len)
        data = f.pread(sum(n for _, n in vecs), offset)
        self._scatter(vecs, data)
        self._u32(nread_out, len(data))
        return 0

    def fd_pwrite(self, fd: int, iovs: int, iovs_len: int, offset: int, nwritten_out: int) -> int:
        f = self._file(fd)
        if offset < 0:
            return Errno.EINVAL
        n = f.pwrite(self._gather(iovs, iovs_len), offset)
        self._u32(nwritten_out, n)
        return 0

    def fd_read(self, fd: int, iovs: int, iovs_len: int, nread_out: int) -> int:
        if self.proc.resume():
            return 0
        f = self._file(fd)
        vecs = self._iovecs(iovs, iovs_len)
        total = sum(n for _, n in vecs)
        data = f.read(total)
        if data is None:
            if f.nonblock:
                return Errno.EAGAIN
            self.proc.suspend_read(f)
            return 0
        if len(vecs) == 1:
            if data:
                self.mem.write(vecs[0][0], data)
        else:
            self._scatter(vecs, data)
        self._u32(nread_out, len(data))
        return 0

    def fd_write(self, fd: int, iovs: int, iovs_len: int, nwritten_out: int) -> int:
        if self.proc.resume():
            return 0
        f = self._file(fd)
        data = self._gather(iovs, iovs_len)
        try:
            n = f.write(data)
        except VfsError as e:
            if e.errno == Errno.EPIPE:
                self.proc.kill(13)  # SIGPIPE, as Linux does by default
            raise
        if n is None:
            if f.nonblock:
                return Errno.EAGAIN
            self.proc.suspend_write(f)
            return 0
        self._u32(nwritten_out, n)
        return 0

    def fd_prestat_get(self, fd: int, buf: int) -> int:
        name = self.proc.preopens.get(fd)
        if name is None:
            # An open descriptor that is not a preopen: report a tag libc
            # skips, so its scan (which stops at EBADF) goes on past it.
            self._file(fd)
            self.mem.pack(abi.PRESTAT, buf, abi.PREOPEN_NOT_DIR, 0)
            return 0
        self.mem.pack(abi.PRESTAT, buf, abi.PREOPEN_DIR, len(_encode(name)))
        return 0

    def fd_prestat_dir_name(self, fd: int, path: int, path_len: int) -> int:
        name = self.proc.preopens.get(fd)
        if name is None:
            return Errno.EBADF
        raw = _encode(name)
        if path_len < len(raw):
            return Errno.ENAMETOOLONG
        self.mem.write(path, raw)
        return 0

    def fd_readdir(self, fd: int, buf: int, buf_len: int, cookie: int, bufused_out: int) -> int:
        f = self._file(fd)
        d = f.inode
        if not isinstance(d, Directory):
            return Errno.ENOTDIR
        if cookie < 0:
            return Errno.EINVAL
        if f.dir_entries is None or cookie == 0:
            f.dir_entries = [(".", d), ("..", d.parent), *d.listing(self.proc)]
        out = bytearray()
        entries = f.dir_entries
        index = cookie
        while index < len(entries) and len(out) < buf_len:
            name, inode = entries[index]
            raw = _encode(name)
            out += struct.pack(abi.DIRENT, index + 1, inode.ino, len(raw), int(inode.filetype)) + raw
            index += 1
        out = out[:buf_len]
        self.mem.write(buf, bytes(out))
        self._u32(bufused_out, len(out))
        return 0

    def fd_renumber(self, fd: int, to: int) -> int:
        self.proc.fds.renumber(fd, to)
        if fd in self.proc.preopens:
            self.proc.preopens[to] = self.proc.preopens.pop(fd)
        else:
            self.proc.preopens.pop(to, None)
        return 0

    def fd_seek(self, fd: int, offset: int, whence: int, newoffset_out: int) -> int:
        f = self._file(fd)
        if isinstance(f.inode, PipeInode):
            return Errno.ESPIPE
        if whence > 2:
            return Errno.EINVAL
        self._u64(newoffset_out, f.seek(offset, whence))
        return 0

    def fd_tell(self, fd: int, offset_out: int) -> int:
        f = self._file(fd)
        if isinstance(f.inode, PipeInode):
            return Errno.ESPIPE
        self._u64(offset_out, f.offset)
        return 0

    # -- paths ---------------------------------------------------------------

    def path_create_directory(self, fd: int, path: int, path_len: int) -> int:
        self.proc.fs.mkdir(self._str(path, path_len), self._dir(fd), 0o777 & ~self.proc.umask, ctx=self.proc)
        return 0

    def path_filestat_get(self, fd: int, flags: int, path: int, path_len: int, buf: int) -> int:
        st = self.proc.fs.stat(
            self._str(path, path_len), self._dir(fd), follow=bool(flags & abi.LOOKUP_SYMLINK_FOLLOW), ctx=self.proc
        )
        self._write_filestat(buf, st)
        return 0

    def path_filestat_set_times(
        self, fd: int, flags: int, path: int, path_len: int, atim: int, mtim: int, fst: int
    ) -> int:
        atime, mtime = self._times(atim, mtim, fst)
        inode = self.proc.fs.resolve(
            self._str(path, path_len), self._dir(fd), follow=bool(flags & abi.LOOKUP_SYMLINK_FOLLOW), ctx=self.proc
        )
        self.proc.fs.set_times(inode, atime, mtime)
        return 0

    def path_link(
        self, old_fd: int, old_flags: int, old_path: int, old_len: int, new_fd: int, new_path: int, new_len: int
    ) -> int:
        self.proc.fs.link(
            self._str(old_path, old_len), self._dir(old_fd),
            self._str(new_path, new_len), self._dir(new_fd),
            follow=bool(old_flags & abi.LOOKUP_SYMLINK_FOLLOW), ctx=self.proc,
        )  # fmt: skip
        return 0

    def path_open(
        self, fd: int, dirflags: int, path: int, path_len: int, oflags: int,
        rights_base: int, rights_inheriting: int, fdflags: int, fd_out: int,
    ) -> int:  # fmt: skip
        base = self._dir(fd)
        name = self._str(path, path_len)
        rights = rights_base & _MASK64
        want_write = bool(rights & (abi.RIGHT_FD_WRITE | abi.RIGHT_FD_ALLOCATE))
        f = self.proc.fs.open(
            name,
            base,
            read=bool(rights & (abi.RIGHT_FD_READ | abi.RIGHT_FD_READDIR)) or not want_write,
            write=want_write,
            create=bool(oflags & abi.OFLAG_CREAT),
            exclusive=bool(oflags & abi.OFLAG_EXCL),
            truncate=bool(oflags & abi.OFLAG_TRUNC),
            directory=bool(oflags & abi.OFLAG_DIRECTORY),
            follow=bool(dirflags & abi.LOOKUP_SYMLINK_FOLLOW),
            append=bool(fdflags & abi.FDFLAG_APPEND),
            nonblock=bool(fdflags & abi.FDFLAG_NONBLOCK),
            mode=0o666 & ~self.proc.umask,
            ctx=self.proc,
        )
        if isinstance(f.inode, Directory) and f.writable:
            f.writable = False
        try:
            new_fd = self.proc.fds.install(f)
        except VfsError:
            f.close_unreferenced()
            raise
        self._u32(fd_out, new_fd)
        return 0

    def path_readlink(self, fd: int, path: int, path_len: int, buf: int, buf_len: int, bufused_out: int) -> int:
        target = _encode(self.proc.fs.readlink(self._str(path, path_len), self._dir(fd), ctx=self.proc))
        chunk = target[:buf_len]
        self.mem.write(buf, chunk)
        self._u32(bufused_out, len(chunk))
        return 0

    def path_remove_directory(self, fd: int, path: int, path_len: int) -> int:
        self.proc.fs.rmdir(self._str(path, path_len), self._dir(fd), ctx=self.proc)
        return 0

    def path_rename(self, fd: int, old_path: int, old_len: int, new_fd: int, new_path: int, new_len: int) -> int:
        self.proc.fs.rename(
            self._str(old_path, old_len), self._dir(fd), self._str(new_path, new_len), self._dir(new_fd), ctx=self.proc
        )
        return 0

    def path_symlink(self, old_path: int, old_len: int, fd: int, new_path: int, new_len: int) -> int:
        self.proc.fs.symlink(self._str(old_path, old_len), self._str(new_path, new_len), self._dir(fd), ctx=self.proc)
        return 0

    def path_unlink_file(self, fd: int, path: int, path_len: int) -> int:
        self.proc.fs.unlink(self._str(path, path_len), self._dir(fd), ctx=self.proc)
        return 0

    # -- polling, processes, sockets ------------------------------------------

    def poll_oneoff(self, in_ptr: int, out_ptr: int, nsubs: int, nevents_out: int) -> int:
        if self.proc.resume():
            return 0
        if nsubs == 0:
            return Errno.EINVAL
        now_mono = time.monotonic()
        events: list[tuple[int, int, int, int, int]] = []
        reads: list[OpenFile] = []
        writes: list[OpenFile] = []
        until: float | None = None
        for i in range(nsubs):
            base = in_ptr + i * abi.SUBSCRIPTION_SIZE
            userdata, tag = self.mem.unpack(abi.SUBSCRIPTION_HEAD, base)
            if tag == abi.EVENT_CLOCK:
                clock_id, timeout, _precision, flags = self.mem.unpack(abi.SUBSCRIPTION_CLOCK, base + 16)
                if clock_id > abi.CLOCK_THREAD_CPUTIME:
                    events.append((userdata, Errno.EINVAL, tag, 0, 0))
                    continue
                if flags & abi.SUBCLOCK_ABSTIME:
                    now_ns = time.time_ns() if clock_id == abi.CLOCK_REALTIME else time.monotonic_ns()
                    wake = now_mono + max(0, timeout - now_ns) / 1e9
                else:
                    wake = self._clock_wake(userdata, timeout)
                if now_mono >= wake:
                    events.append((userdata, 0, tag, 0, 0))
                else:
                    until = wake if until is None else min(until, wake)
            elif tag in (abi.EVENT_FD_READ, abi.EVENT_FD_WRITE):
                (fd,) = self.mem.unpack(abi.SUBSCRIPTION_FD, base + 16)
                f = self.proc.fds.lookup(fd)
                if f is None:
                    events.append((userdata, Errno.EBADF, tag, 0, 0))
                    continue
                inode = f.inode
                if tag == abi.EVENT_FD_READ:
                    if inode.read_ready():
                        avail = self._available(f)
                        hangup = (
                            abi.EVENT_FD_READWRITE_HANGUP
                            if isinstance(inode, PipeInode) and inode.pipe.writers == 0
                            else 0
                        )
                        events.append((userdata, 0, tag, avail, hangup))
                    else:
                        reads.append(f)
                else:
                    if inode.write_ready():
                        events.append((userdata, 0, tag, 65536, 0))
                    else:
                        writes.append(f)
            else:
                events.append((userdata, Errno.EINVAL, tag, 0, 0))
        if not events:
            self.proc.suspend_poll(reads, writes, until)
            return 0
        self._clock_starts.clear()
        for j, ev in enumerate(events):
            self.mem.pack(abi.EVENT, out_ptr + j * abi.EVENT_SIZE, *ev)
        self._u32(nevents_out, len(events))
        return 0

    def _clock_wake(self, userdata: int, timeout: int) -> float:
        """A relative timeout counts from the first entry of this poll, not
        from the re-entry after a suspension."""
        start = self._clock_starts.setdefault(userdata, time.monotonic())
        return start + timeout / 1e9

    @staticmethod
    def _available(f: OpenFile) -> int:
        inode = f.inode
        if isinstance(inode, PipeInode):
            return len(inode.pipe.buffer)
        if inode.filetype == FileType.REGULAR_FILE:
            return max(inode.size - f.offset, 0)
        return 0

    def proc_exit(self, code: int) -> None:
        self.proc.exit(code & 0xFF)

    def proc_raise(self, sig: int) -> int:
        if sig == 0 or sig in abi.IGNORED_SIGNALS:
            return 0
        linux = abi.WASI_TO_LINUX_SIGNAL.get(sig)
        if linux is None:
            return Errno.EINVAL
        self.proc.kill(linux)
        return 0

    def sched_yield(self) -> int:
        if self.proc.resume():
            return 0
        if self._yielded:
            self._yielded = False
            return 0
        self._yielded = True
        self.proc.suspend_yield()
        return 0

    def sock_accept(self, fd: int, flags: int, fd_out: int) -> int:
        return Errno.ENOTSUP

    def sock_recv(self, fd: int, ri_data: int, ri_len: int, ri_flags: int, ro_len: int, ro_flags: int) -> int:
        return Errno.ENOTSUP

    def sock_send(self, fd: int, si_data: int, si_len: int, si_flags: int, so_len: int) -> int:
        return Errno.ENOTSUP

    def sock_shutdown(self, fd: int, how: int) -> int:
        return Errno.ENOTSUP


# Every preview1 function but proc_exit (which must raise, not return an errno).
_EXPORTED = (
    "args_get",
    "args_sizes_get",
    "environ_get",
    "environ_sizes_get",
    "clock_res_get",
    "clock_time_get",
    "random_get",
    "fd_advise",
    "fd_allocate",
    "fd_close",
    "fd_datasync",
    "fd_sync",
    "fd_fdstat_get",
    "fd_fdstat_set_flags",
    "fd_fdstat_set_rights",
    "fd_filestat_get",
    "fd_filestat_set_size",
    "fd_filestat_set_times",
    "fd_pread",
    "fd_pwrite",
    "fd_read",
    "fd_write",
    "fd_prestat_get",
    "fd_prestat_dir_name",
    "fd_readdir",
    "fd_renumber",
    "fd_seek",
    "fd_tell",
    "path_create_directory",
    "path_filestat_get",
    "path_filestat_set_times",
    "path_link",
    "path_open",
    "path_readlink",
    "path_remove_directory",
    "path_rename",
    "path_symlink",
    "path_unlink_file",
    "poll_oneoff",
    "proc_raise",
    "sched_yield",
    "sock_accept",
    "sock_recv",
    "sock_send",
    "sock_shutdown",
)
