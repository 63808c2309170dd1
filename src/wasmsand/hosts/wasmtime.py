"""The native host: WebAssembly on the ``wasmtime`` package.

Speed matters here because every system call of every guest crosses into
Python. wasmtime-py's ``Func``/``define_func`` path converts each argument
through ``Val`` objects (~9 µs a call); this host instead defines imports
through wasmtime's raw *unchecked* callbacks and calls exports through
``wasmtime_func_call_unchecked``, with the argument conversion generated
once per signature (~1 µs a call).

Compiled modules are cached on disk (``Module.serialize``) under a key of
the wasmtime version, this host's engine configuration and the module's
sha256; a warm load maps the file in about a millisecond.

A deadline is enforced with epoch interruption: a watchdog thread bumps
the engine's epoch when the deadline passes, which traps the guest even in
a loop that never calls out. Threads are allowed in this module only.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import platform
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from ctypes import POINTER, byref
from importlib import metadata
from pathlib import Path
from typing import Any

import wasmtime
from wasmtime import _ffi as ffi

from .base import TRAP_MESSAGES, ImportHandler, InstanceLimits, Trap

__all__ = ["WasmtimeHost"]

_ValRaw = ffi.wasmtime_val_raw_t
_CONFIG_KEY = "epoch_interruption=1;v1"
_U32 = 0xFFFFFFFF


@ctypes.CFUNCTYPE(None, ctypes.c_void_p)
def _NO_FINALIZER(env: Any) -> None:
    """Imports carry no per-definition data to free."""


def _default_cache_dir() -> Path | None:
    configured = os.environ.get("WASMSAND_CACHE_DIR")
    if configured == "":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "wasmsand"


def _valtype_code(t: wasmtime.ValType) -> str:
    s = str(t)
    if s == "i32":
        return "i"
    if s == "i64":
        return "I"
    raise ValueError(f"unsupported value type {s} in an import or export")


_TRAP_TEXT = TRAP_MESSAGES


def _trap_message(trap: wasmtime.Trap, kind: str) -> str:
    """One line: wasmtime's message is a backtrace then the cause."""
    if kind in _TRAP_TEXT:
        return _TRAP_TEXT[kind]
    lines = [line.strip() for line in trap.message.splitlines() if line.strip()]
    return lines[-1].removeprefix("wasm trap: ") if lines else "trap"


def _trap_kind(trap: wasmtime.Trap) -> str:
    code = trap.trap_code
    if code is None:
        return "other"
    return {
        wasmtime.TrapCode.INTERRUPT: "deadline",
        wasmtime.TrapCode.STACK_OVERFLOW: "stack",
        wasmtime.TrapCode.MEMORY_OUT_OF_BOUNDS: "memory",
        wasmtime.TrapCode.UNREACHABLE: "unreachable",
    }.get(code, "other")


class _Watchdog:
    """Bumps the engine epoch when the deadline passes (one thread)."""

    def __init__(self, engine: wasmtime.Engine) -> None:
        self._engine = engine
        self._cond = threading.Condition()
        self._deadline: float | None = None
        self._thread: threading.Thread | None = None
        self.generation = 0  # epochs fired so far (stores re-arm when it moves)

    def set(self, deadline: float | None) -> None:
        with self._cond:
            self._deadline = deadline
            if deadline is not None and self._thread is None:
                self._thread = threading.Thread(target=self._run, name="wasmsand-watchdog", daemon=True)
                self._thread.start()
            self._cond.notify()

    def _run(self) -> None:
        with self._cond:
            while True:
                if self._deadline is None:
                    self._cond.wait()
                    continue
                left = self._deadline - time.monotonic()
                if left > 0:
                    self._cond.wait(left)
                    continue
                self._deadline = None
                self.generation += 1
                self._engine.increment_epoch()


class _Memory:
    """Linear memory through a memoryview over wasmtime's buffer.

    The view is rebuilt lazily after any call into the guest (memory may
    have grown): the host marks it stale, and the first access checks the
    current base and size.
    """

    __slots__ = ("_ctx", "_key", "_mem", "_view", "stale")

    def __init__(self, ctx: Any, mem: wasmtime.Memory) -> None:
        self._ctx = ctx
        self._mem = byref(mem._memory)
        self._view: memoryview = memoryview(b"")
        self._key = (0, 0)
        self.stale = True

    def view(self) -> memoryview:
        if self.stale:
            size = ffi.wasmtime_memory_data_size(self._ctx, self._mem)
            if size != self._key[1]:
                # Grown (and perhaps moved): look the base up again.
                addr = ctypes.cast(ffi.wasmtime_memory_data(self._ctx, self._mem), ctypes.c_void_p).value or 0
                self._view = memoryview((ctypes.c_ubyte * size).from_address(addr)).cast("B")
                self._key = (addr, size)
            self.stale = False
        return self._view

    def read(self, ptr: int, n: int) -> bytes:
        v = self.view()
        if ptr + n > len(v):
            raise IndexError("read out of bounds")
        return bytes(v[ptr : ptr + n])

    def write(self, ptr: int, data: bytes) -> None:
        v = self.view()
        end = ptr + len(data)
        if end > len(v):
            raise IndexError("write out of bounds")
        v[ptr:end] = data

    def unpack(self, fmt: str, ptr: int) -> tuple[Any, ...]:
        import struct

        return struct.unpack_from(fmt, self.view(), ptr)

    def pack(self, fmt: str, ptr: int, *values: Any) -> None:
        import struct

        struct.pack_into(fmt, self.view(), ptr, *values)

    def size(self) -> int:
        return len(self.view())


class _Module:
    """A compiled module and, once its imports are known, its InstancePre."""

    def __init__(self, name: str, module: wasmtime.Module) -> None:
        self.name = name
        self.module = module
        self.pre: wasmtime.InstancePre | None = None
        self.import_list = [(i.module, i.name or "", i.type) for i in module.imports]
        self.export_types = {e.name: e.type for e in module.exports}

    def exports(self) -> set[str]:
        return set(self.export_types)

    def imports(self) -> list[tuple[str, str]]:
        return [(m, n) for m, n, _ in self.import_list]


class _Instance:
    """One instantiated module in its own store."""

    def __init__(
        self, host: WasmtimeHost, module: _Module, handlers: list[ImportHandler | None], limits: InstanceLimits
    ) -> None:
        self._host = host
        self.store = wasmtime.Store(host.engine)
        self.store.set_limits(memory_size=limits.memory_bytes)
        self.store.set_epoch_deadline(1)
        self._generation = host._watchdog.generation
        self._ctx = self.store._context()
        assert module.pre is not None
        self._instance = module.pre.instantiate(self.store)
        self.handlers = handlers
        self.pending: BaseException | None = None
        self._funcs: dict[str, tuple[Any, str, str]] = {}
        exports = self._instance.exports(self.store)
        mem = exports.get("memory") if "memory" in module.export_types else None
        if not isinstance(mem, wasmtime.Memory):
            raise ValueError(f"{module.name}: module exports no memory")
        self.memory = _Memory(self._ctx, mem)
        for name, ty in module.export_types.items():
            if isinstance(ty, wasmtime.FuncType):
                f = exports[name]
                assert isinstance(f, wasmtime.Func)
                params = "".join(_valtype_code(p) for p in ty.params)
                results = "".join(_valtype_code(r) for r in ty.results)
                size = max(len(params), len(results), 1)
                self._funcs[name] = (byref(f._func), params, results, _ValRaw * size)

    def has_export(self, name: str) -> bool:
        return name in self._funcs

    def call(self, name: str, *args: int) -> Any:
        func, params, results, array_type = self._funcs[name]
        vals = array_type()
        for i, a in enumerate(args):
            if params[i] == "i":
                vals[i].i32 = a if a < 0x80000000 else a - 0x100000000
            else:
                vals[i].i64 = a
        trap = POINTER(ffi.wasm_trap_t)()
        host = self._host
        previous = host.current
        host.current = self
        generation = host._watchdog.generation
        if generation != self._generation:
            # The watchdog fired since this store was armed: re-arm it.
            self.store.set_epoch_deadline(1)
            self._generation = generation
        try:
            error = ffi.wasmtime_func_call_unchecked(self._ctx, func, vals, len(vals), byref(trap))
        finally:
            host.current = previous
            self.memory.stale = True
        pending = self.pending
        if pending is not None:
            self.pending = None
            if trap:
                ffi.wasm_trap_delete(trap)
            if error:
                ffi.wasmtime_error_delete(error)
            raise pending
        if error:
            raise Trap(str(wasmtime.WasmtimeError._from_ptr(error)).split("\n", 1)[0])
        if trap:
            t = wasmtime.Trap._from_ptr(trap)
            kind = _trap_kind(t)
            raise Trap(_trap_message(t, kind), kind)
        if not results:
            return None
        return vals[0].i32 & _U32 if results[0] == "i" else vals[0].i64

    def close(self) -> None:
        self.handlers = []
        self._funcs = {}


def _make_converter(params: str, results: str) -> Callable[[Any, Any], None]:
    """Generates ``run(handler, vals)`` for one signature: reads the raw
    arguments, calls the handler, stores its result."""
    args = ", ".join(f"vals[{i}].i32 & 0xFFFFFFFF" if k == "i" else f"vals[{i}].i64" for i, k in enumerate(params))
    if not results:
        body = f"    handler({args})\n"
    elif results == "i":
        body = f"    r = handler({args})\n    vals[0].i32 = (r or 0) if (r or 0) < 0x80000000 else r - 0x100000000\n"
    else:
        body = f"    vals[0].i64 = handler({args}) or 0\n"
    src = f"def run(handler, vals):\n{body}"
    namespace: dict[str, Any] = {}
    exec(compile(src, f"<wasmsand import {params}->{results}>", "exec"), namespace)
    return namespace["run"]  # type: ignore[no-any-return]


class WasmtimeHost:
    """The Host protocol on wasmtime (see hosts/base.py)."""

    name = "wasmtime"
    # Python frames the scheduler may use (8 MB of C stack holds ~2,000
    # shell call levels; the shell stops at 1,000).
    recursion_limit = 30_000

    def __init__(self, cache_dir: str | os.PathLike[str] | None = None) -> None:
        config = wasmtime.Config()
        config.epoch_interruption = True
        self.engine = wasmtime.Engine(config)
        self.linker = wasmtime.Linker(self.engine)
        self.current: _Instance | None = None
        self._import_index: dict[tuple[str, str], int] = {}
        self._callbacks: list[Any] = []  # keep the C callbacks alive
        self._modules: dict[str, _Module] = {}
        self._watchdog = _Watchdog(self.engine)
        self._cache_dir = Path(cache_dir) if cache_dir is not None else _default_cache_dir()
        self._version = metadata.version("wasmtime")

    # -- compiling -----------------------------------------------------------

    def _cache_path(self, digest: str) -> Path | None:
        if self._cache_dir is None:
            return None
        key = hashlib.sha256(f"{self._version};{_CONFIG_KEY};{platform.machine()}".encode()).hexdigest()[:16]
        return self._cache_dir / f"wasmtime-{self._version}-{key}" / f"{digest}.cwasm"

    def compile(self, wasm: bytes, name: str) -> _Module:
        digest = hashlib.sha256(wasm).hexdigest()
        cached = self._modules.get(digest)
        if cached is not None:
            return cached
        path = self._cache_path(digest)
        module = None
        if path is not None and path.exists():
            try:
                module = wasmtime.Module.deserialize_file(self.engine, str(path))
            except Exception:  # stale or corrupt cache entry: recompile
                module = None
        if module is None:
            try:
                module = wasmtime.Module(self.engine, wasm)
            except wasmtime.WasmtimeError as e:
                raise ValueError(f"{name}: not a valid WebAssembly module: {str(e).splitlines()[0]}") from e
            if path is not None:
                self._store_cache(path, module)
        m = _Module(name, module)
        self._modules[digest] = m
        return m

    @staticmethod
    def _store_cache(path: Path, module: wasmtime.Module) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(module.serialize())
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only home is no reason to fail

    # -- imports -------------------------------------------------------------

    def _define(self, module: str, name: str, ty: wasmtime.FuncType) -> int:
        key = (module, name)
        index = self._import_index.get(key)
        if index is not None:
            return index
        index = len(self._import_index)
        params = "".join(_valtype_code(p) for p in ty.params)
        results = "".join(_valtype_code(r) for r in ty.results)
        run = _make_converter(params, results)

        def callback(env: Any, caller: Any, vals: Any, nvals: int) -> int:
            inst = self.current
            if inst is None:
                return self._trap_ptr("wasmsand: import called with no running instance")
            inst.memory.stale = True
            try:
                run(inst.handlers[index], vals)
                return 0
            except BaseException as e:  # stashed, re-raised by call()
                inst.pending = e
                return self._trap_ptr("wasmsand: host exception")

        cb = ffi.wasmtime_func_unchecked_callback_t(callback)
        self._callbacks.append(cb)
        mod_b, name_b = module.encode(), name.encode()
        error = ffi.wasmtime_linker_define_func_unchecked(
            self.linker.ptr(), mod_b, len(mod_b), name_b, len(name_b),
            ty.ptr(), cb, None, _NO_FINALIZER,
        )  # fmt: skip
        if error:
            raise ValueError(f"cannot define import {module}.{name}: {wasmtime.WasmtimeError._from_ptr(error)}")
        self._import_index[key] = index
        return index

    @staticmethod
    def _trap_ptr(message: str) -> int:
        msg = message.encode()
        trap = ffi.wasmtime_trap_new(ctypes.create_string_buffer(msg), len(msg))
        return ctypes.cast(trap, ctypes.c_void_p).value or 0

    # -- instantiating -------------------------------------------------------

    def instantiate(
        self,
        module: _Module,
        imports: Mapping[tuple[str, str], ImportHandler],
        limits: InstanceLimits,
    ) -> _Instance:
        wanted: list[tuple[int, ImportHandler]] = []
        for mod, name, ty in module.import_list:
            if not isinstance(ty, wasmtime.FuncType):
                raise ValueError(f"{module.name}: imports {mod}.{name}, which is not a function")
            handler = imports.get((mod, name))
            if handler is None:
                raise ValueError(f"{module.name}: imports {mod}.{name}, which the sandbox does not provide")
            wanted.append((self._define(mod, name, ty), handler))
        if module.pre is None:
            module.pre = self.linker.instantiate_pre(module.module)
        handlers: list[ImportHandler | None] = [None] * len(self._import_index)
        for index, handler in wanted:
            handlers[index] = handler
        try:
            return _Instance(self, module, handlers, limits)
        except wasmtime.Trap as e:
            kind = _trap_kind(e)
            raise Trap(_trap_message(e, kind), kind) from e
        except wasmtime.WasmtimeError as e:
            raise Trap(str(e).split("\n", 1)[0], "memory") from e

    # -- time ----------------------------------------------------------------

    def set_deadline(self, deadline: float | None) -> None:
        self._watchdog.set(deadline)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)
