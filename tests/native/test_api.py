"""The public API: Sandbox lifecycle, files, exec results and errors."""

from __future__ import annotations

import pytest

from wasmsand import FileError, InvalidArgumentError, Limits, NotFoundError, Sandbox, SandboxClosedError


def test_files_roundtrip(sb: Sandbox) -> None:
    sb.files.write("/home/user/dir/a.csv", b"x,y\n1,2\n")
    assert sb.files.read("/home/user/dir/a.csv") == "x,y\n1,2\n"
    assert sb.files.read("dir/a.csv", format="bytes") == b"x,y\n1,2\n"
    assert sb.files.exists("dir/a.csv")
    assert [e.name for e in sb.files.list("dir")] == ["a.csv"]
    entry = sb.files.list("/home/user/dir")[0]
    assert (entry.type, entry.size, entry.path) == ("file", 8, "/home/user/dir/a.csv")
    sb.files.write("text.txt", "héllo")
    assert sb.files.read("text.txt", format="bytes") == "héllo".encode()
    assert sb.files.mkdir("a/b/c") is True
    assert sb.files.mkdir("a/b/c") is False
    sb.files.write("a/b/c/f", "x")
    sb.files.remove("a")
    assert not sb.files.exists("a")


def test_file_errors_are_typed(sb: Sandbox) -> None:
    with pytest.raises(NotFoundError) as info:
        sb.files.read("/nope")
    assert info.value.errno_name == "ENOENT"
    with pytest.raises(FileError) as err:
        sb.files.write("/home/user", "x")
    assert err.value.errno_name == "EISDIR"
    with pytest.raises(InvalidArgumentError):
        sb.files.read("/etc/passwd", format="json")


def test_quota_refusal_keeps_data() -> None:
    with Sandbox(limits=Limits(fs_bytes=1024 * 1024)) as sb:
        sb.files.write("/tmp/keep", "precious")
        with pytest.raises(FileError) as info:
            sb.files.write("/tmp/keep", b"x" * (2 * 1024 * 1024))
        assert info.value.errno_name == "ENOSPC"
        assert sb.files.read("/tmp/keep") == "precious"
        r = sb.exec(["head", "-c", "3000000", "/dev/zero"])
        assert r.exit_code == 0  # output goes to the caller, not the disk


def test_exec_result_shape(sb: Sandbox) -> None:
    r = sb.exec(["echo", "hi"])
    assert (r.stdout, r.stderr, r.exit_code, r.error_class, r.truncated) == ("hi\n", "", 0, None, False)
    assert r.stdout_bytes == b"hi\n"
    assert r.duration_ms >= 0
    assert sb.exec(["false"]).exit_code == 1


def test_exec_env_cwd_stdin(sb: Sandbox) -> None:
    sb.files.write("/tmp/w/f", "data\n")
    r = sb.exec(["cat", "f"], cwd="/tmp/w")
    assert r.stdout == "data\n"
    r = sb.exec(["env"], env={"GREETING": "hello"})
    assert "GREETING=hello\n" in r.stdout
    assert "HOME=/home/user\n" in r.stdout
    assert "GREETING" not in sb.exec(["env"]).stdout  # env= is for one command
    assert sb.exec(["wc", "-c"], stdin="12345").stdout == "5\n"
    assert sb.exec(["cat"]).stdout == ""  # no stdin means empty input


def test_exec_misuse_raises(sb: Sandbox) -> None:
    for bad in ("echo hi", [], [[]], [["echo", 1]]):
        with pytest.raises(InvalidArgumentError):
            sb.exec(bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        sb.exec(["true"], timeout=0)
    with pytest.raises(NotFoundError):
        sb.exec(["true"], cwd="/no/such/dir")


def test_output_limit_truncates_with_marker() -> None:
    with Sandbox(limits=Limits(output_bytes=1000)) as sb:
        r = sb.exec(["seq", "1", "100000"])
        assert r.truncated
        assert r.stdout.startswith("1\n2\n3\n")
        assert "[wasmsand: output truncated at 1000 bytes]" in r.stdout
        assert r.exit_code == 0


def test_closed_sandbox_refuses_work() -> None:
    sb = Sandbox()
    sb.close()
    with pytest.raises(SandboxClosedError):
        sb.exec(["true"])
    with pytest.raises(SandboxClosedError):
        sb.files.read("/etc/passwd")


def test_sandboxes_are_isolated() -> None:
    with Sandbox() as a, Sandbox() as b:
        a.files.write("/tmp/only-a", "a")
        assert not b.files.exists("/tmp/only-a")


def test_proc_and_dev_from_commands(sb: Sandbox) -> None:
    r = sb.exec(["cat", "/proc/self/cmdline"])
    assert r.stdout == "cat\0/proc/self/cmdline\0"
    r = sb.exec(["head", "-c", "4", "/dev/urandom"])
    assert len(r.stdout_bytes) == 4
    r = sb.exec(["cat", "/proc/self/environ"], env={"X": "1"})
    assert "X=1\0" in r.stdout
    r = sb.exec(["wc", "-c", "/dev/stdin"], stdin="abc")
    assert r.stdout == "3 /dev/stdin\n"
    assert sb.exec(["cat", "/etc/hostname"]).stdout == "wasmsand\n"
