"""The browser host: WebAssembly on the browser's own engine, under Pyodide.

Everything goes through Pyodide's ``js`` module; the core above sees the
same Host protocol as on wasmtime (hosts/base.py).

Compiling. A module is compiled once per host (keyed by its sha256) with the
synchronous ``new WebAssembly.Module``, which a Web Worker always allows and
a page's main thread allows up to a size limit (Chrome refused it above
8 MB in our tests; the historical limit is 4 KB). When the engine refuses,
the host falls back to ``await WebAssembly.compile`` through
``pyodide.ffi.run_sync`` (JSPI, available in current Chromium), and if that
is impossible too, it says to precompile at load time with
``await host.compile_async(...)`` or ``await prepare()``, which compile the
bundled modules asynchronously into the same cache. So the host works in
both places: in a worker everything is synchronous; on the main thread the
usual modules (well under the limit) compile synchronously and big ones go
the async way.

Memory limit. The browser has no per-instance memory limit, so the module's
memory declaration is rewritten (hosts/wasmbin.py) into an import, and each
instance gets a ``WebAssembly.Memory`` whose ``maximum`` is the sandbox's
limit: ``memory.grow`` past it returns -1, as under wasmtime's store limits.

Imports. Each instance gets its own Python callables, wrapped with
``pyodide.ffi.create_proxy``; the proxies live as long as the instance and
are destroyed by ``close()``. A wrapper is generated once per signature: it
checks the deadline, delivers i32 arguments unsigned (JS hands them over
signed) and i64 ones as Python ints, and stashes any exception of the
handler on the instance so that ``Instance.call`` raises it unchanged.

Deadline. Nothing can interrupt a page's own thread from inside, so the
deadline is checked at every import call: past it, the import raises a
Trap of kind "deadline" and the guest stops. A loop that never calls out
is not stopped (that needs the page to run the sandbox in a worker and
terminate the worker).

Memory access. Views (``Uint8Array``) are re-created after every call into
the guest and at the start of every import call, since ``memory.grow``
detaches the old buffer; within one import call memory cannot grow.
"""

from __future__ import annotations

import hashlib
import struct
import time
from collections.abc import Callable, Mapping
from typing import Any

import js  # type: ignore[import-not-found]
from pyodide.ffi import JsException, create_proxy, to_js  # type: ignore[import-not-found]

from . import wasmbin
from .base import TRAP_MESSAGES, ImportHandler, InstanceLimits, Trap

__all__ = ["PyodideHost", "prepare"]

_U32 = 0xFFFFFFFF
_PAGE = 65536
_MAX_PAGES = 65536  # 4 GiB, the wasm32 ceiling

# V8's trap messages, in wasmtime's words (so stderr is the same on both hosts).
_V8_TRAPS = {
    "unreachable": ("unreachable", None),
    "memory access out of bounds": ("memory", None),
    "data segment out of bounds": ("memory", None),
    "divide by zero": ("other", "integer divide by zero"),
    "remainder by zero": ("other", "integer divide by zero"),
    "divide result unrepresentable": ("other", "integer overflow"),
    "float unrepresentable in integer range": ("other", "invalid conversion to integer"),
    "table index is out of bounds": ("other", "undefined element: out of bounds table access"),
    "null function or function signature mismatch": ("other", "indirect call type mismatch"),
}


class _Abort(Exception):
    """Raised out of an import to unwind the guest; the real exception is
    stashed on the instance."""


def _trap_from_js(e: Any) -> Trap:
    name = getattr(e, "name", "")
    message = str(getattr(e, "message", e))
    if name == "RangeError" and "call stack" in message:
        return Trap(TRAP_MESSAGES["stack"], "stack")
    if name == "RuntimeError":
        kind, text = _V8_TRAPS.get(message, ("other", None))
        return Trap(TRAP_MESSAGES.get(kind) or text or message, kind)
    return Trap(f"{name}: {message}" if name else message, "other")


def _js_bytes(data: bytes) -> Any:
    u8 = js.Uint8Array.new(len(data))
    u8.assign(data)
    return u8


class _Memory:
    """An instance's linear memory through a ``Uint8Array`` over its buffer.

    ``stale`` is set after every call into the guest and on entry to every
    import (memory may have grown, which detaches the old buffer); the view
    is then re-created at the first access.
    """

    __slots__ = ("_len", "_mem", "_u8", "stale")

    def __init__(self, mem: Any) -> None:
        self._mem = mem
        self._u8: Any = None
        self._len = 0
        self.stale = True

    def view(self) -> Any:
        if self.stale:
            self._u8 = js.Uint8Array.new(self._mem.buffer)
            self._len = self._u8.length
            self.stale = False
        return self._u8

    def read(self, ptr: int, n: int) -> bytes:
        u8 = self.view()
        if ptr < 0 or n < 0 or ptr + n > self._len:
            raise IndexError("read out of bounds")
        if n == 0:
            return b""
        return bytes(u8.subarray(ptr, ptr + n).to_bytes())

    def write(self, ptr: int, data: bytes) -> None:
        u8 = self.view()
        end = ptr + len(data)
        if ptr < 0 or end > self._len:
            raise IndexError("write out of bounds")
        if data:
            u8.subarray(ptr, end).assign(data)

    def unpack(self, fmt: str, ptr: int) -> tuple[Any, ...]:
        return struct.unpack(fmt, self.read(ptr, struct.calcsize(fmt)))

    def pack(self, fmt: str, ptr: int, *values: Any) -> None:
        self.write(ptr, struct.pack(fmt, *values))

    def size(self) -> int:
        self.view()
        return self._len

    def release(self) -> None:
        self._u8 = None
        self._mem = None


class _Module:
    """A compiled ``WebAssembly.Module`` and what its binary says."""

    def __init__(self, name: str, js_module: Any, info: wasmbin.ModuleInfo) -> None:
        self.name = name
        self.js_module = js_module
        self.info = info

    def exports(self) -> set[str]:
        return set(self.info.exports)

    def imports(self) -> list[tuple[str, str]]:
        return [(m, n) for m, n, _ in self.info.func_imports]


_WRAPPERS: dict[tuple[str, str], Callable[..., Callable[..., Any]]] = {}


def _wrapper_factory(params: str, results: str) -> Callable[..., Callable[..., Any]]:
    """``make(handler, inst, host)`` for one signature: the import the guest
    calls. Generated once per signature so the argument conversion is
    straight-line code."""
    key = (params, results)
    factory = _WRAPPERS.get(key)
    if factory is not None:
        return factory
    names = [f"a{i}" for i in range(len(params))]
    conv = ", ".join(f"{n} & 0xFFFFFFFF" if k == "i" else n for n, k in zip(names, params, strict=True))
    src = (
        "def make(handler, inst, host):\n"
        f"    def imp({', '.join(names)}):\n"
        "        deadline = host.deadline\n"
        "        if deadline is not None and monotonic() >= deadline:\n"
        "            inst.pending = Trap(DEADLINE, 'deadline')\n"
        "            raise Abort\n"
        "        inst.memory.stale = True\n"
        "        try:\n"
        f"            {'return ' if results else ''}handler({conv})\n"
        "        except BaseException as e:\n"
        "            inst.pending = e\n"
        "            raise Abort from None\n"
        "    return imp\n"
    )
    namespace: dict[str, Any] = {
        "monotonic": time.monotonic,
        "Trap": Trap,
        "DEADLINE": TRAP_MESSAGES["deadline"],
        "Abort": _Abort,
    }
    exec(compile(src, f"<wasmsand import {params}->{results}>", "exec"), namespace)
    factory = namespace["make"]
    _WRAPPERS[key] = factory
    return factory  # type: ignore[no-any-return]


_bigint_result: Any = None


def _to_bigint_result(fn: Any) -> Any:
    """A JS function returning ``BigInt(fn(...))``: an i64 result must be a
    BigInt, and Pyodide hands small Python ints over as Numbers."""
    global _bigint_result
    if _bigint_result is None:
        _bigint_result = js.Function.new("f", "return (...a) => BigInt(f(...a) ?? 0);")
    return _bigint_result(fn)


class _Instance:
    """One ``WebAssembly.Instance`` with its memory and import proxies."""

    def __init__(
        self,
        host: PyodideHost,
        module: _Module,
        imports: Mapping[tuple[str, str], ImportHandler],
        limits: InstanceLimits,
    ) -> None:
        info = module.info
        if info.exports.get("memory", ("",))[0] != "memory":
            raise ValueError(f"{module.name}: module exports no memory")
        self.pending: BaseException | None = None
        self._proxies: list[Any] = []
        namespaces: dict[str, Any] = {}
        memory = self._new_memory(module, limits)
        self.memory = _Memory(memory)
        try:
            for mod, name, (params, results) in info.func_imports:
                handler = imports[(mod, name)]
                fn = _wrapper_factory(params, results)(handler, self, host)
                proxy = create_proxy(fn)
                self._proxies.append(proxy)
                target = _to_bigint_result(proxy) if results == "I" else proxy
                ns = namespaces.get(mod)
                if ns is None:
                    ns = namespaces[mod] = js.Object.new()
                js.Reflect.set(ns, name, target)
            if memory is not None:
                ns = namespaces.get(wasmbin.HOST_MEMORY[0])
                if ns is None:
                    ns = namespaces[wasmbin.HOST_MEMORY[0]] = js.Object.new()
                js.Reflect.set(ns, wasmbin.HOST_MEMORY[1], memory)
            import_object = js.Object.new()
            for mod, ns in namespaces.items():
                js.Reflect.set(import_object, mod, ns)
            try:
                instance = js.WebAssembly.Instance.new(module.js_module, import_object)
            except JsException as e:
                if getattr(e, "name", "") in ("RuntimeError", "RangeError"):
                    raise _trap_from_js(e) from None
                raise ValueError(f"{module.name}: cannot instantiate: {getattr(e, 'message', e)}") from None
        except BaseException:
            self.close()
            raise
        exports = instance.exports
        self._funcs: dict[str, tuple[Any, str, str]] = {}
        for name, (kind, sig) in info.exports.items():
            if kind == "func" and sig is not None:
                self._funcs[name] = (getattr(exports, name), *sig)

    @staticmethod
    def _new_memory(module: _Module, limits: InstanceLimits) -> Any:
        if module.info.memory is None:
            return None
        minimum, maximum, _ = module.info.memory
        ceiling = min(limits.memory_bytes // _PAGE, _MAX_PAGES)
        if maximum is not None:
            ceiling = min(ceiling, maximum)
        if minimum > ceiling:
            raise Trap(
                f"memory minimum size of {minimum} pages exceeds memory limits ({limits.memory_bytes} bytes)",
                "memory",
            )
        descriptor = to_js({"initial": minimum, "maximum": ceiling}, dict_converter=js.Object.fromEntries)
        try:
            return js.WebAssembly.Memory.new(descriptor)
        except JsException as e:
            raise Trap(f"cannot allocate memory: {getattr(e, 'message', e)}", "memory") from None

    def has_export(self, name: str) -> bool:
        return name in self._funcs

    def call(self, name: str, *args: int) -> Any:
        fn, params, results = self._funcs[name]
        if "I" in params:
            args = tuple(js.BigInt(a) if k == "I" else a for k, a in zip(params, args, strict=False))
        try:
            result = fn(*args)
        except BaseException as e:
            pending = self.pending
            if pending is not None:
                self.pending = None
                raise pending from None
            if isinstance(e, JsException):
                raise _trap_from_js(e) from None
            raise
        finally:
            self.memory.stale = True
        pending = self.pending
        if pending is not None:  # the guest swallowed the unwind (exception handling)
            self.pending = None
            raise pending
        if not results:
            return None
        if results[0] == "i":
            return int(result) & _U32
        return int(result)

    def close(self) -> None:
        for proxy in self._proxies:
            proxy.destroy()
        self._proxies = []
        self._funcs = {}
        if hasattr(self, "memory"):
            self.memory.release()


class PyodideHost:
    """The Host protocol on the browser's WebAssembly (see hosts/base.py)."""

    name = "pyodide"

    def __init__(self) -> None:
        self.deadline: float | None = None
        self._modules: dict[str, _Module] = {}

    # -- compiling -----------------------------------------------------------

    def _prepare(self, wasm: bytes, name: str) -> tuple[str, wasmbin.ModuleInfo, Any]:
        try:
            info = wasmbin.parse(wasm)
            if info.other_imports:
                mod, field, kind = info.other_imports[0]
                raise ValueError(f"imports {mod}.{field}, which is not a function ({kind})")
            rewritten = wasmbin.import_memory(wasm, info)
        except ValueError as e:
            raise ValueError(f"{name}: not a valid WebAssembly module: {e}") from None
        return hashlib.sha256(wasm).hexdigest(), info, _js_bytes(rewritten)

    def compile(self, wasm: bytes, name: str) -> _Module:
        digest = hashlib.sha256(wasm).hexdigest()
        cached = self._modules.get(digest)
        if cached is not None:
            return cached
        digest, info, data = self._prepare(wasm, name)
        try:
            js_module = js.WebAssembly.Module.new(data)
        except JsException as e:
            if getattr(e, "name", "") != "RangeError":
                raise ValueError(f"{name}: not a valid WebAssembly module: {getattr(e, 'message', e)}") from None
            js_module = self._compile_blocking(data, name)
        module = _Module(name, js_module, info)
        self._modules[digest] = module
        return module

    @staticmethod
    def _compile_blocking(data: Any, name: str) -> Any:
        """The main thread refused a synchronous compile (size limit): wait
        for the asynchronous one through JSPI, if this call stack allows."""
        from pyodide.ffi import can_run_sync, run_sync  # type: ignore[import-not-found]

        if not can_run_sync():
            raise ValueError(
                f"{name}: too large to compile synchronously on the page's main thread; "
                "precompile it with `await host.compile_async(...)` (or `await wasmsand.hosts.pyodide.prepare()`) "
                "or run the sandbox in a Web Worker"
            )
        try:
            return run_sync(js.WebAssembly.compile(data))
        except JsException as e:
            raise ValueError(f"{name}: not a valid WebAssembly module: {getattr(e, 'message', e)}") from None

    async def compile_async(self, wasm: bytes, name: str) -> _Module:
        """``compile`` through ``await WebAssembly.compile``, which has no
        size limit anywhere; later ``compile`` calls find it cached."""
        digest = hashlib.sha256(wasm).hexdigest()
        cached = self._modules.get(digest)
        if cached is not None:
            return cached
        digest, info, data = self._prepare(wasm, name)
        try:
            js_module = await js.WebAssembly.compile(data)
        except JsException as e:
            raise ValueError(f"{name}: not a valid WebAssembly module: {getattr(e, 'message', e)}") from None
        module = _Module(name, js_module, info)
        self._modules[digest] = module
        return module

    # -- instantiating -------------------------------------------------------

    def instantiate(
        self,
        module: _Module,
        imports: Mapping[tuple[str, str], ImportHandler],
        limits: InstanceLimits,
    ) -> _Instance:
        for mod, name, _ in module.info.func_imports:
            if (mod, name) not in imports:
                raise ValueError(f"{module.name}: imports {mod}.{name}, which the sandbox does not provide")
        return _Instance(self, module, imports, limits)

    # -- time ----------------------------------------------------------------

    def set_deadline(self, deadline: float | None) -> None:
        self.deadline = deadline

    def sleep(self, seconds: float) -> None:
        # Pyodide's time.sleep blocks the calling thread (in a worker) or
        # waits in place (main thread); either way the scheduler's wake-up
        # time is kept.
        if seconds > 0:
            time.sleep(seconds)


async def prepare(host: PyodideHost | None = None) -> PyodideHost:
    """Compiles every bundled module asynchronously (call once at load time
    on a page's main thread, where big modules cannot compile synchronously)."""
    from ..modules import bundled_modules
    from . import default_host

    target = host or default_host()
    assert isinstance(target, PyodideHost)
    modules = bundled_modules()
    for name in modules.modules:
        await target.compile_async(modules.read(name), name)
    return target
