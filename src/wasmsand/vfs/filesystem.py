"""The in-memory filesystem: path resolution, namespace operations, quotas.

Every operation checks everything it can before it changes anything, so a
failure (ENOSPC from a quota, EACCES, ENOTEMPTY...) leaves the tree exactly
as it was. Paths are ``str``; names that are not UTF-8 arrive from guests
decoded with ``surrogateescape`` and so round-trip unchanged.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from .errno import Errno, VfsError
from .inode import (
    Directory,
    DynamicDirectory,
    FileType,
    Inode,
    MagicLink,
    RegularFile,
    Symlink,
    now_ns,
)
from .openfile import OpenFile

__all__ = ["USER_GID", "USER_UID", "FileSystem", "FsLimits", "ProcessView", "Stat"]

USER_UID = 1000
USER_GID = 1000
SYMLINK_HOPS = 40
NAME_MAX = 255
PATH_MAX = 4096

# Access bits for permission checks.
R_OK, W_OK, X_OK = 4, 2, 1


@dataclass(frozen=True)
class FsLimits:
    """Quotas, enforced where the space is spent."""

    max_bytes: int = 256 * 1024 * 1024  # sum of regular file sizes
    max_files: int = 100_000  # inodes of any kind linked in the tree


@dataclass(frozen=True)
class Stat:
    """What ``stat()`` returns."""

    dev: int
    ino: int
    filetype: FileType
    mode: int  # st_mode: type bits | permission bits
    nlink: int
    uid: int
    gid: int
    size: int
    atime: int  # nanoseconds
    mtime: int
    ctime: int


class ProcessView(Protocol):
    """What ``/proc/PID`` and ``/dev/fd`` need from a process; the process
    layer implements it (the VFS does not know about processes)."""

    pid: int
    ppid: int
    argv: list[str]
    env: dict[str, str]

    def open_file(self, fd: int) -> OpenFile | None: ...

    def fd_numbers(self) -> list[int]: ...

    def cwd_path(self) -> str: ...


class FileSystem:
    """One sandbox's tree of inodes, rooted at ``/``."""

    DEV = 1  # st_dev of every file

    def __init__(self, limits: FsLimits | None = None) -> None:
        self.limits = limits or FsLimits()
        self._next_ino = 1
        self.bytes_used = 0
        self.files_used = 0
        self.root = Directory(self._ino(), 0o755, USER_UID, USER_GID)
        self.root.nlink = 2
        self.files_used = 1

    # -- accounting --------------------------------------------------------

    def _ino(self) -> int:
        ino = self._next_ino
        self._next_ino += 1
        return ino

    def new_ino(self) -> int:
        """An inode number for an inode made outside (devices, pipes)."""
        return self._ino()

    def charge_bytes(self, n: int) -> None:
        """Reserves ``n`` more bytes, or raises ENOSPC having changed nothing."""
        if n > 0 and self.bytes_used + n > self.limits.max_bytes:
            raise VfsError(Errno.ENOSPC)
        self.bytes_used += n

    def _charge_file(self) -> None:
        if self.files_used + 1 > self.limits.max_files:
            raise VfsError(Errno.EDQUOT)
        self.files_used += 1

    def maybe_free(self, inode: Inode) -> None:
        """Returns an inode's space once no name and no open file remain."""
        if inode.nlink == 0 and inode.open_count == 0 and isinstance(inode, RegularFile):
            self.bytes_used -= len(inode.data)
            inode.data = bytearray()

    def _unlinked(self, inode: Inode) -> None:
        inode.nlink -= 1
        inode.ctime = now_ns()
        if inode.nlink == 0 or (isinstance(inode, Directory) and inode.nlink <= 1):
            inode.nlink = 0
            self.files_used -= 1
            self.maybe_free(inode)

    # -- permissions ---------------------------------------------------------

    @staticmethod
    def may(inode: Inode, want: int) -> bool:
        """Permission check for the sandbox's single user (uid 1000)."""
        if inode.uid == USER_UID:
            bits = (inode.mode >> 6) & 7
        elif inode.gid == USER_GID:
            bits = (inode.mode >> 3) & 7
        else:
            bits = inode.mode & 7
        return bits & want == want

    def _require(self, inode: Inode, want: int, path: str | None = None) -> None:
        if not self.may(inode, want):
            raise VfsError(Errno.EACCES, path)

    # -- resolution ----------------------------------------------------------

    @staticmethod
    def _split(path: str) -> list[str]:
        return path.split("/")

    def resolve(
        self,
        path: str,
        base: Directory,
        *,
        follow: bool = True,
        ctx: object = None,
    ) -> Inode:
        """The inode ``path`` names, relative paths starting at ``base``.

        ``follow`` says whether a symlink in the last component is followed;
        symlinks before it always are, at most 40 in all (then ELOOP). A
        trailing slash demands a directory and follows a final symlink.
        """
        if path == "":
            raise VfsError(Errno.ENOENT)
        if len(path) > PATH_MAX:
            raise VfsError(Errno.ENAMETOOLONG)
        node: Inode = self.root if path.startswith("/") else base
        parts = deque(self._split(path))
        hops = 0
        while parts:
            name = parts.popleft()
            if not isinstance(node, Directory):
                raise VfsError(Errno.ENOTDIR)
            if name in ("", "."):
                continue
            self._require(node, X_OK)
            if name == "..":
                node = node.parent
                continue
            if len(name) > NAME_MAX:
                raise VfsError(Errno.ENAMETOOLONG)
            child = node.lookup(name, ctx)
            if child is None:
                raise VfsError(Errno.ENOENT)
            if isinstance(child, Symlink) and (parts or follow):
                hops += 1
                if hops > SYMLINK_HOPS:
                    raise VfsError(Errno.ELOOP)
                if isinstance(child, MagicLink):
                    node = child.inode
                    continue
                target = child.target
                if target.startswith("/"):
                    node = self.root
                parts.extendleft(reversed(self._split(target)))
                continue
            node = child
        return node

    def resolve_parent(self, path: str, base: Directory, ctx: object = None) -> tuple[Directory, str]:
        """The directory that holds (or would hold) ``path``'s last
        component, and that component. ``a/b/`` gives (a, "b")."""
        if path == "":
            raise VfsError(Errno.ENOENT)
        stripped = path.rstrip("/")
        if stripped == "":
            return self.root, "."
        head, _, name = stripped.rpartition("/")
        if "/" not in stripped:
            parent: Inode = base
        else:
            parent = self.resolve(head or "/", base, ctx=ctx)
        if not isinstance(parent, Directory):
            raise VfsError(Errno.ENOTDIR)
        if len(name) > NAME_MAX:
            raise VfsError(Errno.ENAMETOOLONG)
        return parent, name

    def path_of(self, d: Directory) -> str:
        """The absolute path of a directory, found through its parents."""
        names: list[str] = []
        node = d
        while node is not self.root:
            parent = node.parent
            for name, child in parent.entries.items():
                if child is node:
                    names.append(name)
                    break
            else:
                raise VfsError(Errno.ENOENT)  # removed, or in /proc
            node = parent
        return "/" + "/".join(reversed(names))

    # -- creating ------------------------------------------------------------

    def _link_new(self, parent: Directory, name: str, inode: Inode) -> None:
        self._require(parent, W_OK | X_OK)
        if isinstance(parent, DynamicDirectory):
            raise VfsError(Errno.EACCES)
        self._charge_file()
        parent.entries[name] = inode
        inode.nlink += 1
        parent.touch()

    def create_file(self, parent: Directory, name: str, mode: int = 0o644, data: bytes = b"") -> RegularFile:
        """A new regular file ``name`` in ``parent`` (EEXIST if taken)."""
        if name in (".", "..") or name in parent.entries:
            raise VfsError(Errno.EEXIST)
        self.charge_bytes(len(data))
        f = RegularFile(self._ino(), mode, USER_UID, USER_GID, data)
        try:
            self._link_new(parent, name, f)
        except VfsError:
            self.bytes_used -= len(data)
            raise
        return f

    def mkdir(self, path: str, base: Directory, mode: int = 0o755, ctx: object = None) -> Directory:
        parent, name = self.resolve_parent(path, base, ctx)
        if name in (".", "..") or parent.lookup(name, ctx) is not None:
            raise VfsError(Errno.EEXIST)
        d = Directory(self._ino(), mode, USER_UID, USER_GID, parent)
        self._link_new(parent, name, d)
        d.nlink = 2
        parent.nlink += 1
        return d

    def symlink(self, target: str, path: str, base: Directory, ctx: object = None) -> Symlink:
        if path.endswith("/"):
            raise VfsError(Errno.ENOENT)
        parent, name = self.resolve_parent(path, base, ctx)
        if name in (".", "..") or parent.lookup(name, ctx) is not None:
            raise VfsError(Errno.EEXIST)
        link = Symlink(self._ino(), USER_UID, USER_GID, target)
        self._link_new(parent, name, link)
        return link

    def link(
        self, old: str, old_base: Directory, new: str, new_base: Directory, *, follow: bool = False, ctx: object = None
    ) -> None:
        """A hard link; directories cannot be linked (EPERM)."""
        inode = self.resolve(old, old_base, follow=follow, ctx=ctx)
        if isinstance(inode, Directory):
            raise VfsError(Errno.EPERM)
        parent, name = self.resolve_parent(new, new_base, ctx)
        if name in (".", "..") or parent.lookup(name, ctx) is not None:
            raise VfsError(Errno.EEXIST)
        self._require(parent, W_OK | X_OK)
        parent.entries[name] = inode
        inode.nlink += 1
        inode.ctime = now_ns()
        parent.touch()

    # -- removing ------------------------------------------------------------

    def unlink(self, path: str, base: Directory, ctx: object = None) -> None:
        parent, name = self.resolve_parent(path, base, ctx)
        inode = parent.lookup(name, ctx)
        if inode is None:
            raise VfsError(Errno.ENOENT)
        if isinstance(inode, Directory):
            raise VfsError(Errno.EISDIR)
        if path.endswith("/"):
            raise VfsError(Errno.ENOTDIR)
        self._require(parent, W_OK | X_OK)
        del parent.entries[name]
        parent.touch()
        self._unlinked(inode)

    def rmdir(self, path: str, base: Directory, ctx: object = None) -> None:
        parent, name = self.resolve_parent(path, base, ctx)
        if name == ".":
            raise VfsError(Errno.EINVAL)
        if name == "..":
            raise VfsError(Errno.ENOTEMPTY)
        inode = parent.lookup(name, ctx)
        if inode is None:
            raise VfsError(Errno.ENOENT)
        if not isinstance(inode, Directory):
            raise VfsError(Errno.ENOTDIR)
        if isinstance(inode, DynamicDirectory) or isinstance(parent, DynamicDirectory):
            raise VfsError(Errno.EACCES)
        if inode.entries:
            raise VfsError(Errno.ENOTEMPTY)
        if inode is self.root:
            raise VfsError(Errno.EBUSY)
        self._require(parent, W_OK | X_OK)
        del parent.entries[name]
        parent.nlink -= 1
        parent.touch()
        inode.nlink = 1
        self._unlinked(inode)

    def rename(self, old: str, old_base: Directory, new: str, new_base: Directory, ctx: object = None) -> None:
        """rename(2): replaces ``new`` atomically when the types allow it."""
        src_parent, src_name = self.resolve_parent(old, old_base, ctx)
        dst_parent, dst_name = self.resolve_parent(new, new_base, ctx)
        if src_name in (".", "..") or dst_name in (".", ".."):
            raise VfsError(Errno.EBUSY if src_name == "." or dst_name == "." else Errno.EINVAL)
        inode = src_parent.lookup(src_name, ctx)
        if inode is None:
            raise VfsError(Errno.ENOENT)
        if (old.endswith("/") or new.endswith("/")) and not isinstance(inode, Directory):
            raise VfsError(Errno.ENOTDIR)
        for p in (src_parent, dst_parent):
            if isinstance(p, DynamicDirectory):
                raise VfsError(Errno.EACCES)
            self._require(p, W_OK | X_OK)
        existing = dst_parent.lookup(dst_name, ctx)
        if existing is inode:
            return
        if isinstance(inode, Directory):
            # Moving a directory under itself would detach a cycle.
            node: Directory = dst_parent
            while True:
                if node is inode:
                    raise VfsError(Errno.EINVAL)
                if node is self.root:
                    break
                node = node.parent
        if existing is not None:
            if isinstance(existing, Directory):
                if not isinstance(inode, Directory):
                    raise VfsError(Errno.EISDIR)
                if existing.entries:
                    raise VfsError(Errno.ENOTEMPTY)
            elif isinstance(inode, Directory):
                raise VfsError(Errno.ENOTDIR)
        # Checks are done: from here on nothing can fail.
        del src_parent.entries[src_name]
        if existing is not None:
            del dst_parent.entries[dst_name]
            if isinstance(existing, Directory):
                dst_parent.nlink -= 1
                existing.nlink = 1
            self._unlinked(existing)
        dst_parent.entries[dst_name] = inode
        if isinstance(inode, Directory) and src_parent is not dst_parent:
            src_parent.nlink -= 1
            dst_parent.nlink += 1
            inode.parent = dst_parent
        inode.ctime = now_ns()
        src_parent.touch()
        dst_parent.touch()

    # -- opening -------------------------------------------------------------

    def open(
        self,
        path: str,
        base: Directory,
        *,
        read: bool = True,
        write: bool = False,
        create: bool = False,
        exclusive: bool = False,
        truncate: bool = False,
        directory: bool = False,
        follow: bool = True,
        append: bool = False,
        nonblock: bool = False,
        mode: int = 0o644,
        ctx: object = None,
    ) -> OpenFile:
        """open(2) with POSIX semantics for O_CREAT, O_EXCL, O_TRUNC,
        O_DIRECTORY and O_NOFOLLOW."""
        inode: Inode | None
        try:
            inode = self.resolve(path, base, follow=follow and not exclusive, ctx=ctx)
        except VfsError as e:
            if e.errno != Errno.ENOENT or not create:
                raise
            inode = None
        if inode is None:
            if path.endswith("/") or directory:
                raise VfsError(Errno.EISDIR if path.endswith("/") else Errno.ENOENT)
            parent, name = self.resolve_parent(path, base, ctx)
            # A dangling symlink is created through, as on Linux.
            existing = parent.lookup(name, ctx)
            if isinstance(existing, Symlink) and follow and not exclusive:
                return self.open(
                    existing.target if existing.target.startswith("/") else self._join_parent(parent, existing.target),
                    base, read=read, write=write, create=create, truncate=truncate,
                    follow=follow, append=append, nonblock=nonblock, mode=mode, ctx=ctx,
                )  # fmt: skip
            inode = self.create_file(parent, name, mode)
        else:
            if create and exclusive:
                raise VfsError(Errno.EEXIST)
            if isinstance(inode, Symlink) and not follow:
                raise VfsError(Errno.ELOOP)
            if directory and not isinstance(inode, Directory):
                raise VfsError(Errno.ENOTDIR)
            if isinstance(inode, Directory) and (write or truncate):
                raise VfsError(Errno.EISDIR)
            if read and not isinstance(inode, Directory):
                self._require(inode, R_OK)
            if isinstance(inode, Directory) and not self.may(inode, R_OK):
                raise VfsError(Errno.EACCES)
            if write:
                self._require(inode, W_OK)
            if truncate and isinstance(inode, RegularFile) and inode.data:
                self.bytes_used -= len(inode.data)
                inode.data = bytearray()
                inode.touch()
        return OpenFile(self, inode, path, readable=read, writable=write, append=append, nonblock=nonblock)

    def _join_parent(self, parent: Directory, rel: str) -> str:
        return self.path_of(parent).rstrip("/") + "/" + rel

    # -- metadata ------------------------------------------------------------

    def stat_inode(self, inode: Inode, snapshot: bytes | None = None) -> Stat:
        size = len(snapshot) if snapshot is not None else inode.size
        return Stat(
            self.DEV, inode.ino, inode.filetype, inode.st_mode, inode.nlink,
            inode.uid, inode.gid, size, inode.atime, inode.mtime, inode.ctime,
        )  # fmt: skip

    def stat(self, path: str, base: Directory, *, follow: bool = True, ctx: object = None) -> Stat:
        return self.stat_inode(self.resolve(path, base, follow=follow, ctx=ctx))

    def readlink(self, path: str, base: Directory, ctx: object = None) -> str:
        inode = self.resolve(path, base, follow=False, ctx=ctx)
        if not isinstance(inode, Symlink):
            raise VfsError(Errno.EINVAL)
        return inode.target

    def set_times(self, inode: Inode, atime: int | None, mtime: int | None) -> None:
        """utimensat: None leaves a time unchanged; ctime always moves."""
        if atime is not None:
            inode.atime = atime
        if mtime is not None:
            inode.mtime = mtime
        inode.ctime = now_ns()

    def chmod(self, inode: Inode, mode: int) -> None:
        if isinstance(inode, Symlink):
            return
        inode.mode = mode & 0o7777
        inode.ctime = now_ns()

    def truncate(self, inode: Inode, size: int) -> None:
        """ftruncate/truncate: extends with zeros or cuts; ENOSPC first."""
        if isinstance(inode, Directory):
            raise VfsError(Errno.EISDIR)
        if not isinstance(inode, RegularFile):
            raise VfsError(Errno.EINVAL)
        if size < 0:
            raise VfsError(Errno.EINVAL)
        delta = size - len(inode.data)
        self.charge_bytes(delta)
        if delta > 0:
            inode.data.extend(bytes(delta))
        else:
            del inode.data[size:]
        inode.touch()

    # -- conveniences for the host side (API, layout, tests) ----------------

    def write_file(self, path: str, data: bytes, mode: int = 0o644, *, make_parents: bool = True) -> RegularFile:
        """Replaces ``path``'s contents (creating it and its parents).

        The quota is checked for the whole new size before the old contents
        go, so a refused write leaves the old file intact.
        """
        if make_parents:
            self.makedirs(path.rsplit("/", 1)[0] or "/")
        parent, name = self.resolve_parent(path, self.root)
        existing = parent.lookup(name, None)
        if existing is None:
            return self.create_file(parent, name, mode, data)
        target = self.resolve(path, self.root)
        if not isinstance(target, RegularFile):
            raise VfsError(Errno.EISDIR if isinstance(target, Directory) else Errno.EINVAL, path)
        self._require(target, W_OK, path)
        self.charge_bytes(len(data) - len(target.data))
        target.data = bytearray(data)
        target.touch()
        return target

    def makedirs(self, path: str, mode: int = 0o755) -> Directory:
        """mkdir -p."""
        node: Inode = self.root
        for name in (p for p in path.split("/") if p and p != "."):
            assert isinstance(node, Directory)
            child = node.lookup(name, None)
            if child is None:
                child = self.mkdir(name, node, mode)
            elif isinstance(child, Symlink):
                child = self.resolve(name, node)
            if not isinstance(child, Directory):
                raise VfsError(Errno.ENOTDIR, path)
            node = child
        assert isinstance(node, Directory)
        return node

    def read_file(self, path: str, base: Directory | None = None) -> bytes:
        f = self.open(path, base or self.root)
        f.retain()
        try:
            chunks = []
            while True:
                chunk = f.read(1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
            return b"".join(chunks)
        finally:
            f.release()

    def listdir(self, path: str, base: Directory | None = None, ctx: object = None) -> list[tuple[str, Inode]]:
        d = self.resolve(path, base or self.root, ctx=ctx)
        if not isinstance(d, Directory):
            raise VfsError(Errno.ENOTDIR, path)
        self._require(d, R_OK, path)
        return d.listing(ctx)

    def add_entry(self, parent: Directory, name: str, inode: Inode) -> None:
        """Links a ready-made inode (a device, a generated file) into the
        tree, bypassing permission checks: for building the layout."""
        self._charge_file()
        parent.entries[name] = inode
        inode.nlink += 1


def join_names(names: Iterable[str]) -> str:
    return "/" + "/".join(names)
