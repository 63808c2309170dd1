"""Export and import reproduce a sandbox exactly."""

from __future__ import annotations

import pytest

from wasmsand import InvalidArgumentError, Limits, Sandbox


def test_roundtrip_files_modes_links_times_session() -> None:
    with Sandbox() as a:
        a.files.write("/home/user/data/a.txt", "hello\n")
        a.files.write("/home/user/data/deep/er/f", "x\n")
        a.fs.symlink("a.txt", "/home/user/data/link", a.fs.root)
        a.commands.run("cd /home/user/data && chmod 600 a.txt 2>/dev/null; export PROJECT=demo; cd deep")
        a.fs.link("/home/user/data/a.txt", a.fs.root, "/home/user/data/hard", a.fs.root)
        a.fs.resolve("/home/user/data/a.txt", a.fs.root).mode = 0o600
        a.fs.resolve("/home/user/data/a.txt", a.fs.root).mtime = 1_600_000_000 * 10**9
        a.fs.resolve("/home/user/data/deep", a.fs.root).mode = 0o500
        data = a.export_state()
    with Sandbox() as b:
        b.files.write("/home/user/old", "gone after import")
        b.import_state(data)
        assert not b.files.exists("/home/user/old")
        assert b.files.read("/home/user/data/a.txt") == "hello\n"
        f = b.fs.resolve("/home/user/data/a.txt", b.fs.root)
        assert f.mode == 0o600
        assert f.mtime == 1_600_000_000 * 10**9
        assert f.nlink == 2
        assert f is b.fs.resolve("/home/user/data/hard", b.fs.root)
        assert b.fs.readlink("/home/user/data/link", b.fs.root) == "a.txt"
        assert b.fs.resolve("/home/user/data/deep", b.fs.root).mode == 0o500
        r = b.commands.run("pwd; echo $PROJECT; cat ../a.txt; history | head -1")
        assert r.stdout.splitlines()[:3] == ["/home/user/data/deep", "demo", "hello"]
        assert "chmod 600" in r.stdout
        assert b.commands.run("echo works | wc -c").stdout == "6\n"  # commands still there


def test_import_refuses_garbage_and_keeps_state() -> None:
    with Sandbox() as sb:
        sb.files.write("/tmp/keep", "kept")
        for bad in (b"", b"nope", b"WSBX\x00\x09xx", b"WSBX\x00\x01not-zlib"):
            with pytest.raises(InvalidArgumentError):
                sb.import_state(bad)
        assert sb.files.read("/tmp/keep") == "kept"


def test_import_respects_quota() -> None:
    with Sandbox() as big:
        big.files.write("/tmp/big", b"x" * (3 * 1024 * 1024))
        data = big.export_state()
    with Sandbox(limits=Limits(fs_bytes=1024 * 1024)) as small:
        small.files.write("/tmp/mine", "mine")
        with pytest.raises(InvalidArgumentError):
            small.import_state(data)
        assert small.files.read("/tmp/mine") == "mine"
