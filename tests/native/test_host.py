"""The wasmtime host and the limits it enforces: a misbehaving guest gets
an exit status and a message, never a crash or a hang of the host."""

from __future__ import annotations

import time

import pytest

from wasmsand import Limits, Sandbox
from wasmsand.hosts.wasmtime import WasmtimeHost

from .conftest import install_program


@pytest.fixture
def probe(sb: Sandbox) -> Sandbox:
    install_program(sb, "probe.wasm", "probe")
    return sb


def test_tight_loop_is_stopped_by_the_timeout(probe: Sandbox) -> None:
    start = time.monotonic()
    r = probe.exec(["probe", "spin"], timeout=0.5)
    assert time.monotonic() - start < 3
    assert r.error_class == "TIMEOUT"
    assert r.exit_code == 137


def test_sandbox_keeps_working_after_a_timeout(probe: Sandbox) -> None:
    probe.exec(["probe", "spin"], timeout=0.2)
    r = probe.exec(["echo", "alive"])
    assert (r.stdout, r.exit_code, r.error_class) == ("alive\n", 0, None)


def test_sleep_is_interrupted_by_the_timeout(probe: Sandbox) -> None:
    start = time.monotonic()
    r = probe.exec(["probe", "sleep", "5000"], timeout=0.3)
    assert time.monotonic() - start < 2
    assert r.error_class == "TIMEOUT"


def test_sleep_lets_others_run(probe: Sandbox) -> None:
    r = probe.exec(["probe", "sleep", "50"])
    assert r.stdout == "slept\n"


def test_memory_limit() -> None:
    with Sandbox(limits=Limits(memory_bytes=64 * 1024 * 1024)) as sb:
        install_program(sb, "probe.wasm", "probe")
        ok = sb.exec(["probe", "alloc", "16"])
        assert ok.stdout == "allocated 16 MiB\n"
        r = sb.exec(["probe", "alloc", "200"])
        assert r.exit_code == 3
        assert "out of memory" in r.stderr


def test_trap_becomes_a_status_and_a_message(probe: Sandbox) -> None:
    r = probe.exec(["probe", "unreachable"])
    assert r.exit_code == 134
    assert "wasmsand: probe:" in r.stderr
    r = probe.exec(["probe", "oob"])
    assert r.exit_code == 139
    assert "out of bounds" in r.stderr


def test_stack_overflow(probe: Sandbox) -> None:
    r = probe.exec(["probe", "recurse"])
    assert r.exit_code == 139
    assert "wasmsand: probe:" in r.stderr


def test_exit_status(probe: Sandbox) -> None:
    assert probe.exec(["probe", "exit", "42"]).exit_code == 42
    assert probe.exec(["probe", "exit", "300"]).exit_code == 300 & 0xFF


def test_garbage_is_not_executable(sb: Sandbox) -> None:
    sb.files.write("/usr/local/bin/junk", b"\0asm\x01\0\0\0garbage", mode=0o755)
    r = sb.exec(["junk"])
    assert r.exit_code == 126
    assert "Exec format error" in r.stderr
    sb.files.write("/usr/local/bin/text", b"hello\n", mode=0o755)
    assert sb.exec(["text"]).exit_code == 126


def test_missing_import_is_refused(sb: Sandbox) -> None:
    import wasmtime

    wasm = wasmtime.wat2wasm(
        '(module (import "nowhere" "f" (func)) (memory (export "memory") 1) (func (export "_start")))'
    )
    sb.files.write("/usr/local/bin/needs", wasm, mode=0o755)
    r = sb.exec(["needs"])
    assert r.exit_code == 126
    assert "Exec format error" in r.stderr


def test_not_executable_and_not_found(sb: Sandbox) -> None:
    sb.files.write("/home/user/script", b"#!/usr/bin/cat\n", mode=0o644)
    r = sb.exec(["./script"])
    assert r.exit_code == 126 and "Permission denied" in r.stderr
    r = sb.exec(["no-such-command"])
    assert r.exit_code == 127 and "command not found" in r.stderr


def test_shebang_runs_the_interpreter(sb: Sandbox) -> None:
    sb.files.write("/home/user/show", b"#!/usr/bin/cat\nline two\n", mode=0o755)
    r = sb.exec(["./show"])
    assert r.stdout == "#!/usr/bin/cat\nline two\n"
    sb.files.write("/home/user/viaenv", b"#!/usr/bin/env cat\nx\n", mode=0o755)
    assert sb.exec(["./viaenv"]).stdout == "#!/usr/bin/env cat\nx\n"


def test_compiled_module_cache_makes_warm_loads_fast(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from wasmsand.modules import bundled_modules

    data = bundled_modules().read("coreutils")
    cold = WasmtimeHost(cache_dir=tmp_path)
    cold.compile(data, "coreutils")
    assert list(tmp_path.rglob("*.cwasm"))
    warm = WasmtimeHost(cache_dir=tmp_path)
    start = time.perf_counter()
    warm.compile(data, "coreutils")
    assert time.perf_counter() - start < 0.05


def test_python_exception_in_an_import_does_not_escape(sb: Sandbox, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from wasmsand.wasi.preview1 import Preview1

    def broken(self, *args):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(Preview1, "args_sizes_get", broken)
    r = sb.exec(["echo", "hi"])
    assert r.exit_code == 134
    assert "internal error: RuntimeError: boom" in r.stderr
    monkeypatch.undo()
    assert sb.exec(["echo", "hi"]).stdout == "hi\n"
