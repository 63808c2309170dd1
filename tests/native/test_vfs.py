"""The virtual filesystem on its own: POSIX semantics, quotas, pipes."""

from __future__ import annotations

import pytest

from wasmsand.vfs import Directory, Errno, FileSystem, FsLimits, Pipe, RegularFile, VfsError
from wasmsand.vfs.fdtable import FdTable
from wasmsand.vfs.layout import build_default_tree


def errno_of(fn, *args, **kwargs) -> Errno:  # type: ignore[no-untyped-def]
    with pytest.raises(VfsError) as info:
        fn(*args, **kwargs)
    return info.value.errno


@pytest.fixture
def fs() -> FileSystem:
    f = FileSystem()
    f.makedirs("/tmp")
    return f


def test_dotdot_at_root_stays_at_root(fs: FileSystem) -> None:
    assert fs.resolve("/../../tmp", fs.root) is fs.resolve("/tmp", fs.root)
    assert fs.resolve("..", fs.root) is fs.root


def test_symlink_resolution_and_loops(fs: FileSystem) -> None:
    fs.write_file("/tmp/target", b"x")
    fs.symlink("target", "/tmp/rel", fs.root)
    fs.symlink("/tmp/target", "/tmp/abs", fs.root)
    target = fs.resolve("/tmp/target", fs.root)
    assert fs.resolve("/tmp/rel", fs.root) is target
    assert fs.resolve("/tmp/abs", fs.root) is target
    assert fs.resolve("/tmp/rel", fs.root, follow=False) is not target
    fs.symlink("b", "/tmp/a", fs.root)
    fs.symlink("a", "/tmp/b", fs.root)
    assert errno_of(fs.resolve, "/tmp/a", fs.root) == Errno.ELOOP


def test_forty_symlink_hops_allowed_not_forty_one(fs: FileSystem) -> None:
    fs.write_file("/tmp/l0", b"end")
    for i in range(1, 42):
        fs.symlink(f"l{i - 1}", f"/tmp/l{i}", fs.root)
    assert fs.read_file("/tmp/l40") == b"end"
    assert errno_of(fs.resolve, "/tmp/l41", fs.root) == Errno.ELOOP


def test_trailing_slash_requires_directory(fs: FileSystem) -> None:
    fs.write_file("/tmp/f", b"")
    assert errno_of(fs.resolve, "/tmp/f/", fs.root) == Errno.ENOTDIR
    assert isinstance(fs.resolve("/tmp/", fs.root), Directory)


def test_hard_links_share_contents_and_count(fs: FileSystem) -> None:
    f = fs.write_file("/tmp/a", b"one")
    fs.link("/tmp/a", fs.root, "/tmp/b", fs.root)
    assert f.nlink == 2
    fs.unlink("/tmp/a", fs.root)
    assert fs.read_file("/tmp/b") == b"one"
    assert f.nlink == 1
    assert errno_of(fs.link, "/tmp", fs.root, "/tmp/d", fs.root) == Errno.EPERM


def test_open_flags(fs: FileSystem) -> None:
    fs.write_file("/tmp/f", b"data")
    assert errno_of(fs.open, "/tmp/f", fs.root, create=True, exclusive=True) == Errno.EEXIST
    assert errno_of(fs.open, "/tmp/f", fs.root, directory=True) == Errno.ENOTDIR
    assert errno_of(fs.open, "/tmp", fs.root, write=True) == Errno.EISDIR
    assert errno_of(fs.open, "/tmp/new", fs.root) == Errno.ENOENT
    fs.symlink("f", "/tmp/s", fs.root)
    assert errno_of(fs.open, "/tmp/s", fs.root, follow=False) == Errno.ELOOP
    fs.open("/tmp/f", fs.root, write=True, truncate=True)
    assert fs.read_file("/tmp/f") == b""
    created = fs.open("/tmp/new", fs.root, write=True, create=True)
    assert isinstance(created.inode, RegularFile)


def test_create_through_dangling_symlink(fs: FileSystem) -> None:
    fs.symlink("made", "/tmp/dangling", fs.root)
    f = fs.open("/tmp/dangling", fs.root, write=True, create=True)
    f.retain()
    f.write(b"hi")
    f.release()
    assert fs.read_file("/tmp/made") == b"hi"
    assert errno_of(fs.open, "/tmp/dangling", fs.root, create=True, exclusive=True) == Errno.EEXIST


def test_dup_shares_offset_and_append(fs: FileSystem) -> None:
    fs.write_file("/tmp/f", b"")
    table = FdTable()
    fd = table.install(fs.open("/tmp/f", fs.root, write=True))
    table.install_at(7, table.get(fd))
    table.get(fd).write(b"abc")
    table.get(7).write(b"def")
    assert fs.read_file("/tmp/f") == b"abcdef"
    assert table.get(7).offset == 6
    appender = fs.open("/tmp/f", fs.root, write=True, append=True)
    appender.offset = 0
    appender.write(b"!")
    assert fs.read_file("/tmp/f") == b"abcdef!"


def test_lowest_free_descriptor(fs: FileSystem) -> None:
    table = FdTable()
    f = fs.open("/tmp", fs.root)
    assert [table.install(f) for _ in range(3)] == [0, 1, 2]
    table.close(1)
    assert table.install(f) == 1
    assert errno_of(table.close, 9) == Errno.EBADF


def test_rename_rules(fs: FileSystem) -> None:
    fs.makedirs("/tmp/d/sub")
    fs.write_file("/tmp/f", b"f")
    assert errno_of(fs.rename, "/tmp/f", fs.root, "/tmp/d", fs.root) == Errno.EISDIR
    assert errno_of(fs.rename, "/tmp/d", fs.root, "/tmp/f", fs.root) == Errno.ENOTDIR
    assert errno_of(fs.rename, "/tmp/d", fs.root, "/tmp/d/sub/x", fs.root) == Errno.EINVAL
    fs.makedirs("/tmp/e")
    assert errno_of(fs.rename, "/tmp/e", fs.root, "/tmp/d", fs.root) == Errno.ENOTEMPTY
    fs.rename("/tmp/d/sub", fs.root, "/tmp/e", fs.root)
    e = fs.resolve("/tmp/e", fs.root)
    assert isinstance(e, Directory) and e.parent is fs.resolve("/tmp", fs.root)
    assert fs.path_of(e) == "/tmp/e"


def test_rmdir_rules(fs: FileSystem) -> None:
    fs.makedirs("/tmp/d/x")
    assert errno_of(fs.rmdir, "/tmp/d", fs.root) == Errno.ENOTEMPTY
    assert errno_of(fs.rmdir, "/tmp/d/x/.", fs.root) == Errno.EINVAL
    fs.rmdir("/tmp/d/x", fs.root)
    fs.rmdir("/tmp/d", fs.root)
    assert errno_of(fs.rmdir, "/tmp/d", fs.root) == Errno.ENOENT


def test_permissions(fs: FileSystem) -> None:
    f = fs.write_file("/tmp/secret", b"s")
    f.mode = 0o000
    assert errno_of(fs.open, "/tmp/secret", fs.root) == Errno.EACCES
    d = fs.makedirs("/tmp/locked")
    d.mode = 0o500
    assert errno_of(fs.open, "/tmp/locked/new", fs.root, write=True, create=True) == Errno.EACCES


def test_byte_quota_refuses_whole_write_and_keeps_old_contents() -> None:
    fs = FileSystem(FsLimits(max_bytes=100))
    fs.write_file("/f", b"x" * 60)
    assert errno_of(fs.write_file, "/f", b"y" * 101) == Errno.ENOSPC
    assert fs.read_file("/f") == b"x" * 60
    assert errno_of(fs.write_file, "/g", b"z" * 50) == Errno.ENOSPC
    assert errno_of(fs.resolve, "/g", fs.root) == Errno.ENOENT
    f = fs.open("/f", fs.root, write=True)
    f.offset = 60
    assert errno_of(f.write, b"w" * 41) == Errno.ENOSPC
    assert fs.read_file("/f") == b"x" * 60
    f.close_unreferenced()
    fs.unlink("/f", fs.root)
    assert fs.bytes_used == 0
    fs.write_file("/h", b"h" * 100)


def test_space_of_open_unlinked_file_is_freed_at_close() -> None:
    fs = FileSystem(FsLimits(max_bytes=100))
    fs.write_file("/f", b"x" * 80)
    f = fs.open("/f", fs.root)
    f.retain()
    fs.unlink("/f", fs.root)
    assert fs.bytes_used == 80
    assert f.read(3) == b"xxx"
    f.release()
    assert fs.bytes_used == 0


def test_file_count_quota() -> None:
    fs = FileSystem(FsLimits(max_files=3))
    fs.write_file("/a", b"")
    fs.write_file("/b", b"")
    assert errno_of(fs.write_file, "/c", b"") == Errno.EDQUOT
    assert errno_of(fs.mkdir, "/d", fs.root) == Errno.EDQUOT
    fs.unlink("/a", fs.root)
    fs.write_file("/c", b"")


def test_pipe_semantics() -> None:
    p = Pipe(capacity=8)
    p.readers = p.writers = 1
    assert p.read(4) is None  # empty with a writer: would block
    assert p.write(b"abcdefgh" + b"z" * 5000) == 8  # writes over PIPE_BUF may be partial
    assert p.write(b"x") is None  # full: would block
    assert p.read(3) == b"abc"
    p.writers = 0
    assert p.read(100) == b"defgh"
    assert p.read(100) == b""  # no writer: end of file
    p.readers = 0
    with pytest.raises(VfsError) as info:
        p.write(b"x")
    assert info.value.errno == Errno.EPIPE


def test_small_pipe_writes_are_atomic() -> None:
    p = Pipe(capacity=10)
    p.readers = p.writers = 1
    p.write(b"12345678")
    assert p.write(b"abc") is None  # 3 <= PIPE_BUF and only 2 bytes free


def test_default_tree() -> None:
    fs = FileSystem()
    build_default_tree(fs, [("cat", "coreutils", "cat")], 1 << 30)
    for path in (
        "/usr/bin/cat",
        "/bin/cat",
        "/home/user",
        "/tmp",
        "/etc/passwd",
        "/etc/group",
        "/etc/hostname",
        "/etc/os-release",
    ):
        fs.resolve(path, fs.root)
    assert fs.resolve("/tmp", fs.root).mode == 0o1777
    assert b"user:x:1000:1000" in fs.read_file("/etc/passwd")
    for dev in ("null", "zero", "random", "urandom", "full"):
        fs.resolve(f"/dev/{dev}", fs.root)
    assert fs.read_file("/proc/version").startswith(b"Linux version")
    uptime = float(fs.read_file("/proc/uptime").split()[0])
    assert 0 <= uptime < 60
    assert b"MemTotal" in fs.read_file("/proc/meminfo")
    assert b"processor" in fs.read_file("/proc/cpuinfo")
