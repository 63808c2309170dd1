"""The Host protocol's promises (hosts/base.py), checked on every host.

Each ``check_NAME(host, wasm)`` gets a fresh host of the platform and the
test modules below, compiled from WAT by the runner (``MODULES``), and
asserts. tests/native/test_host_contract.py runs them on wasmtime,
tests/browser/test_scenarios_browser.py inside Pyodide. Self-contained, like
corpus.py: the browser runner loads this source as a module.
"""

from __future__ import annotations

import time
from typing import Any

from wasmsand.hosts import InstanceLimits, Trap

# name -> WAT; the runner hands in {name: bytes}.
MODULES = {
    "types": """
(module
  (import "t" "f" (func $f (param i32 i64) (result i64)))
  (import "t" "g" (func $g (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "call_f") (param $a i32) (param $b i64) (result i64)
    (call $f (local.get $a) (local.get $b)))
  (func (export "call_g") (param $a i32) (result i32) (call $g (local.get $a)))
  (func (export "neg") (result i32) (i32.const -2))
  (func (export "spin_calls") (loop (drop (call $g (i32.const 0))) (br 0)))
  (func (export "grow") (param $n i32) (result i32) (memory.grow (local.get $n)))
  (func (export "store") (param $p i32) (param $v i32) (i32.store8 (local.get $p) (local.get $v))))
""",
}


def _imports(f: Any = None, g: Any = None) -> dict[tuple[str, str], Any]:
    return {("t", "f"): f or (lambda a, b: 0), ("t", "g"): g or (lambda a: 0)}


def check_argument_conventions(host: Any, wasm: dict[str, bytes]) -> None:
    module = host.compile(wasm["types"], "types")
    assert {"call_f", "call_g", "neg", "grow", "memory"} <= module.exports()
    assert module.imports() == [("t", "f"), ("t", "g")]
    seen: list[tuple[int, int]] = []

    def f(a: int, b: int) -> int:
        seen.append((a, b))
        return b * 2

    inst = host.instantiate(module, _imports(f=f, g=lambda a: a), InstanceLimits())
    assert inst.call("call_f", 0xFFFFFFFF, -5) == -10
    assert inst.call("call_f", 7, 1 << 62) == -(1 << 63)  # wraps like i64
    assert seen == [(0xFFFFFFFF, -5), (7, 1 << 62)], seen
    assert inst.call("call_g", 0x80000000) == 0x80000000  # i32 results unsigned
    assert inst.call("neg") == 0xFFFFFFFE
    assert inst.has_export("neg") and not inst.has_export("nope")
    inst.close()


def check_handler_exception_comes_out_unchanged(host: Any, wasm: dict[str, bytes]) -> None:
    module = host.compile(wasm["types"], "types")
    boom = KeyError("boom")

    def g(a: int) -> int:
        raise boom

    inst = host.instantiate(module, _imports(g=g), InstanceLimits())
    other = host.instantiate(module, _imports(), InstanceLimits())
    try:
        inst.call("call_g", 1)
        raise AssertionError("the handler's exception was lost")
    except KeyError as e:
        assert e is boom
    assert other.call("call_g", 1) == 0  # stashed per instance, not globally
    assert inst.call("call_f", 1, 2) == 0  # the instance still works
    inst.close()
    other.close()


def check_memory_views_follow_growth(host: Any, wasm: dict[str, bytes]) -> None:
    module = host.compile(wasm["types"], "types")
    box: list[Any] = []

    def g(ptr: int) -> int:
        return box[0].read(ptr, 1)[0]

    inst = host.instantiate(module, _imports(g=g), InstanceLimits())
    box.append(inst.memory)
    mem = inst.memory
    assert mem.size() == 65536
    mem.write(100, b"\x01\x02\x03\x04")
    assert mem.read(100, 4) == b"\x01\x02\x03\x04"
    assert mem.unpack("<I", 100) == (0x04030201,)
    mem.pack("<HH", 200, 1, 0xFFFF)
    assert mem.read(200, 4) == b"\x01\x00\xff\xff"
    assert inst.call("grow", 2) == 1
    assert mem.size() == 3 * 65536
    inst.call("store", 2 * 65536 + 5, 42)
    assert inst.call("call_g", 2 * 65536 + 5) == 42  # read inside an import, after growth
    assert mem.read(2 * 65536 + 5, 1) == b"\x2a"
    for bad in (lambda: mem.read(3 * 65536 - 1, 2), lambda: mem.write(3 * 65536, b"x")):
        try:
            bad()
            raise AssertionError("an out-of-bounds access succeeded")
        except IndexError:
            pass
    inst.close()


def check_memory_limit(host: Any, wasm: dict[str, bytes]) -> None:
    module = host.compile(wasm["types"], "types")
    inst = host.instantiate(module, _imports(), InstanceLimits(memory_bytes=4 * 65536))
    assert inst.call("grow", 3) == 1
    assert inst.call("grow", 1) == 0xFFFFFFFF  # -1: refused past the limit
    assert inst.memory.size() == 4 * 65536
    inst.close()
    try:
        host.instantiate(module, _imports(), InstanceLimits(memory_bytes=1000))
        raise AssertionError("an instance larger than its limit was made")
    except Trap as t:
        assert t.kind == "memory"


def check_deadline_at_import(host: Any, wasm: dict[str, bytes]) -> None:
    module = host.compile(wasm["types"], "types")
    inst = host.instantiate(module, _imports(), InstanceLimits())
    start = time.monotonic()
    host.set_deadline(start + 0.1)
    try:
        inst.call("spin_calls")  # loops forever, calling out
        raise AssertionError("the deadline did not stop the guest")
    except Trap as t:
        assert t.kind == "deadline", t.kind
    finally:
        host.set_deadline(None)
    assert 0.09 < time.monotonic() - start < 2, time.monotonic() - start
    assert inst.call("call_g", 1) == 0
    inst.close()


def check_refusals(host: Any, wasm: dict[str, bytes]) -> None:
    for bad in (b"", b"\0asm\x01\0\0\0garbage", b"not wasm at all"):
        try:
            host.compile(bad, "bad")
            raise AssertionError(f"{bad!r} compiled")
        except ValueError:
            pass
    module = host.compile(wasm["types"], "types")
    try:
        host.instantiate(module, {("t", "f"): lambda a, b: 0}, InstanceLimits())
        raise AssertionError("a missing import was accepted")
    except ValueError as e:
        assert "t.g" in str(e), e
    assert host.compile(wasm["types"], "again") is module  # compiled once


def check_sleep(host: Any, wasm: dict[str, bytes]) -> None:
    start = time.monotonic()
    host.sleep(0.05)
    assert time.monotonic() - start >= 0.045


def names() -> list[str]:
    return sorted(n for n in globals() if n.startswith("check_"))
