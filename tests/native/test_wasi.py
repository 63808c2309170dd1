"""Every WASI preview1 call (and the wasmsand imports), from C and Rust
programs built with the project's toolchain, success and error paths."""

from __future__ import annotations

import pytest

from wasmsand import Sandbox

from .conftest import install_program


def _failures(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith("not ok")]


@pytest.mark.parametrize("variant", ["wasi_calls.wasm", "wasi_calls.plain.wasm"], ids=["asyncify", "plain"])
def test_every_preview1_call(sb: Sandbox, variant: str) -> None:
    install_program(sb, variant, "wasi_calls")
    r = sb.exec(["wasi_calls", "all", "hé"], cwd="/tmp", env={"WASI_TEST": "yes"})
    assert _failures(r.stdout) == []
    assert r.stderr == ""
    assert r.exit_code == 7  # proc_exit(7)
    checked = r.stdout
    for call in (
        "args_get", "args_sizes_get", "environ_get", "environ_sizes_get", "clock_res_get", "clock_time_get",
        "random_get", "fd_advise", "fd_allocate", "fd_close", "fd_datasync", "fd_sync", "fd_fdstat_get",
        "fd_fdstat_set_flags", "fd_fdstat_set_rights", "fd_filestat_get", "fd_filestat_set_size",
        "fd_filestat_set_times", "fd_pread", "fd_pwrite", "fd_read", "fd_write", "fd_prestat_get",
        "fd_prestat_dir_name", "fd_readdir", "fd_renumber", "fd_seek", "fd_tell", "path_create_directory",
        "path_filestat_get", "path_filestat_set_times", "path_link", "path_open", "path_readlink",
        "path_remove_directory", "path_rename", "path_symlink", "path_unlink_file", "poll_oneoff",
        "proc_raise", "sched_yield", "sock_accept", "sock_recv", "sock_send", "sock_shutdown",
        "wasmsand cwd_get", "wasmsand spawn", "wasmsand wait", "wasmsand pipe", "wasmsand kill",
        "wasmsand path_stat_ext", "wasmsand fd_stat_ext", "wasmsand path_chmod", "wasmsand umask",
    ):  # fmt: skip
        assert f"ok - {call}" in checked, call
    assert checked.count("ok - ") >= 180


def test_rust_std_on_wasi(sb: Sandbox) -> None:
    install_program(sb, "wasi_std.wasm", "wasi_std")
    sb.files.write("/tmp/pre/target.txt", "target\n")
    sb.fs.symlink("target.txt", "/tmp/pre/link", sb.fs.root)
    r = sb.exec(["wasi_std"], cwd="/tmp", env={"WASI_TEST": "yes"}, stdin="from stdin\n")
    assert _failures(r.stdout) == []
    assert r.exit_code == 0, r.stdout + r.stderr
    assert r.stdout.count("ok - ") == 26


def test_fd_3_taken_by_a_parent_still_finds_the_root_preopen(sb: Sandbox) -> None:
    """wasi-libc scans preopens from fd 3 up; an inherited fd 3 must not
    hide the root directory."""
    install_program(sb, "wasi_calls.wasm", "wasi_calls")
    sb.files.write("/tmp/x", "hello")
    kernel = sb.kernel
    f = sb.fs.open("/tmp/x", sb.fs.root)
    null = sb.fs.open("/dev/null", sb.fs.root, write=True)
    proc = kernel.spawn(["head", "-c", "5", "/tmp/x"], env=sb.env, cwd=sb.cwd, fds={0: f, 1: null, 2: null, 3: f})
    assert proc.preopens == {4: "/"}
    kernel.scheduler.run_until(lambda: proc.exited)
    assert proc.status == 0
