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

Imports. Each instance serves all its imports with one Python callable,
``dispatch(index, *args)``, wrapped with ``pyodide.ffi.create_proxy``; the
proxy lives as long as the instance and ``close()`` destroys it. The JS
functions the module actually imports are generated once per module: they
make i32 arguments unsigned (``>>> 0``; i64 ones arrive as BigInt, hence
Python ints), call ``dispatch`` and return its result (an i64 result as a
BigInt). An exception of a handler is stashed on the instance and
``dispatch`` returns an ABORT token, which the JS side throws to unwind the
guest; ``Instance.call`` then raises the stashed exception unchanged.
(Letting the Python exception itself cross JS would make Pyodide format a
traceback at every ``proc_exit``; one proxy per instance rather than one
per import saves ~13 µs per import per process.)

Deadline. Nothing can interrupt a page's own thread from inside, so the
deadline is checked at every import call: past it, the import stops the
guest with a Trap of kind "deadline" (raised by ``Instance.call``). A loop that never calls out
is not stopped (that needs the page to run the sandbox in a worker and
terminate the worker).

Memory access. Every read or write makes a fresh ``Uint8Array`` over the
*current* ``memory.buffer`` in a single JS call (``memory.grow`` detaches the
old buffer, so no view is kept across anything), then copies with
``to_bytes``/``assign``: two crossings into JS per access.
"""

from __future__ import annotations

import hashlib
import json
import struct
import time
from collections.abc import Mapping
from typing import Any

import js  # type: ignore[import-not-found]
from pyodide.ffi import JsException, create_proxy  # type: ignore[import-not-found]

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


def _trap_from_js(e: Any) -> Trap:
    name = getattr(e, "name", "")
    message = str(getattr(e, "message", e))
    if name == "RangeError" and "call stack" in message:
        return Trap(TRAP_MESSAGES["stack"], "stack")
    if name == "RuntimeError":
        kind, text = _V8_TRAPS.get(message, ("other", None))
        return Trap(TRAP_MESSAGES.get(kind) or text or message, kind)
    return Trap(f"{name}: {message}" if name else message, "other")


class _JsHelpers:
    """JS globals and small JS functions, looked up once (every attribute of
    ``js`` is a call into JS) and each doing its work in one JS call."""

    def __init__(self) -> None:
        fn = js.Function.new
        self.view = fn("m", "p", "n", "return new Uint8Array(m.buffer, p, n);")
        self.size = fn("m", "return m.buffer.byteLength;")
        self.memory = fn("initial", "maximum", "return new WebAssembly.Memory({initial, maximum});")
        self.bytes = fn("n", "return new Uint8Array(n);")
        self.abort = fn("return {wasmsandAbort: true};")()  # the unwind token
        self.Function = js.Function
        self.Instance = js.WebAssembly.Instance
        self.Module = js.WebAssembly.Module
        self.compile = js.WebAssembly.compile
        self.BigInt = js.BigInt


_JS = _JsHelpers()


def _js_bytes(data: bytes) -> Any:
    u8 = _JS.bytes(len(data))
    u8.assign(data)
    return u8


def _import_factory_source(info: wasmbin.ModuleInfo) -> str:
    """JS source of ``(dispatch, ABORT, memory) => importObject`` for one
    module: one small function per import, which makes i32 arguments
    unsigned, calls ``dispatch(index, ...)`` and throws ABORT when the
    Python side asks to unwind; an i64 result becomes a BigInt."""
    namespaces: dict[str, list[str]] = {}
    for index, (mod, name, (params, results)) in enumerate(info.func_imports):
        names = [f"a{i}" for i in range(len(params))]
        args = "".join(f", {n} >>> 0" if k == "i" else f", {n}" for n, k in zip(names, params, strict=True))
        ret = "BigInt(r ?? 0)" if results == "I" else "r"
        body = f"({', '.join(names)}) => {{ const r = d({index}{args}); if (r === ABORT) throw ABORT; return {ret}; }}"
        namespaces.setdefault(mod, []).append(f"{json.dumps(name)}: {body}")
    if info.memory is not None:
        namespaces.setdefault(wasmbin.HOST_MEMORY[0], []).append(f"{json.dumps(wasmbin.HOST_MEMORY[1])}: memory")
    entries = ",\n".join(f"{json.dumps(mod)}: {{{', '.join(items)}}}" for mod, items in namespaces.items())
    return f"return ({{\n{entries}\n}});"


class _Memory:
    """An instance's linear memory. Every access makes a fresh
    ``Uint8Array`` over the *current* ``memory.buffer`` in one JS call
    (``memory.grow`` detaches the old buffer, so no view is ever kept), and
    the engine's own bounds check raises RangeError for a bad range."""

    __slots__ = ("_mem",)

    def __init__(self, mem: Any) -> None:
        self._mem = mem

    def read(self, ptr: int, n: int) -> bytes:
        if n <= 0:
            if n < 0 or ptr > self.size():
                raise IndexError("read out of bounds")
            return b""
        try:
            view = _JS.view(self._mem, ptr, n)
        except JsException:
            raise IndexError("read out of bounds") from None
        return view.to_bytes()  # type: ignore[no-any-return]

    def write(self, ptr: int, data: bytes) -> None:
        if not data:
            if ptr > self.size():
                raise IndexError("write out of bounds")
            return
        try:
            view = _JS.view(self._mem, ptr, len(data))
        except JsException:
            raise IndexError("write out of bounds") from None
        view.assign(data)

    def unpack(self, fmt: str, ptr: int) -> tuple[Any, ...]:
        return struct.unpack(fmt, self.read(ptr, struct.calcsize(fmt)))

    def pack(self, fmt: str, ptr: int, *values: Any) -> None:
        self.write(ptr, struct.pack(fmt, *values))

    def size(self) -> int:
        return int(_JS.size(self._mem))


class _Module:
    """A compiled ``WebAssembly.Module`` and what its binary says."""

    def __init__(self, name: str, js_module: Any, info: wasmbin.ModuleInfo) -> None:
        self.name = name
        self.js_module = js_module
        self.info = info
        self._factory: Any = None

    def import_factory(self) -> Any:
        """``(dispatch, ABORT, memory) => importObject``, made once."""
        if self._factory is None:
            self._factory = _JS.Function.new("d", "ABORT", "memory", _import_factory_source(self.info))
        return self._factory

    def exports(self) -> set[str]:
        return set(self.info.exports)

    def imports(self) -> list[tuple[str, str]]:
        return [(m, n) for m, n, _ in self.info.func_imports]


class _Instance:
    """One ``WebAssembly.Instance`` with its memory and import proxy.

    All imports of an instance go through one Python callable, wrapped once
    with ``create_proxy``: ``dispatch(index, *args)``. The JS functions the
    module imports are made by the module's import factory (_Module): they
    turn i32 arguments unsigned (``>>> 0``) and, when the Python side
    returns the ABORT token, throw it to unwind the guest. (Raising a Python
    exception through JS instead would make Pyodide format a traceback at
    every exit.) The handler's exception is stashed on the instance and
    re-raised by ``call``.
    """

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
        self._funcs: dict[str, tuple[Any, str, str]] = {}
        handlers = [imports[(mod, name)] for mod, name, _ in info.func_imports]
        memory = _new_memory(module, limits)
        self.memory = _Memory(memory)
        abort = _JS.abort
        monotonic = time.monotonic

        def dispatch(index: int, *args: int) -> Any:
            deadline = host.deadline
            if deadline is not None and monotonic() >= deadline:
                self.pending = Trap(TRAP_MESSAGES["deadline"], "deadline")
                return abort
            try:
                return handlers[index](*args)
            except BaseException as e:  # stashed, re-raised by call()
                self.pending = e
                return abort

        self._proxy: Any = create_proxy(dispatch)
        try:
            import_object = module.import_factory()(self._proxy, abort, memory)
            try:
                instance = _JS.Instance.new(module.js_module, import_object)
            except JsException as e:
                if getattr(e, "name", "") in ("RuntimeError", "RangeError"):
                    raise _trap_from_js(e) from None
                raise ValueError(f"{module.name}: cannot instantiate: {getattr(e, 'message', e)}") from None
        except BaseException:
            self.close()
            raise
        exports = instance.exports  # looked up once: each lookup is a JS call
        for name, (kind, sig) in info.exports.items():
            if kind == "func" and sig is not None:
                self._funcs[name] = (getattr(exports, name), *sig)

    def has_export(self, name: str) -> bool:
        return name in self._funcs

    def call(self, name: str, *args: int) -> Any:
        fn, params, results = self._funcs[name]
        if "I" in params:
            args = tuple(_JS.BigInt(a) if k == "I" else a for k, a in zip(params, args, strict=False))
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
        pending = self.pending
        if pending is not None:  # the guest caught the unwind (exception handling)
            self.pending = None
            raise pending
        if not results:
            return None
        if results[0] == "i":
            return int(result) & _U32
        return int(result)

    def close(self) -> None:
        proxy, self._proxy = self._proxy, None
        if proxy is not None:
            proxy.destroy()
        self._funcs = {}
        # Drop the memory now: each WebAssembly.Memory holds a large address
        # space reservation until JS collects it, and the process objects
        # that still point here may live until Python's cycle collector runs.
        # Without this a page ran out of reservations after ~200 processes.
        self.memory._mem = None


def _new_memory(module: _Module, limits: InstanceLimits) -> Any:
    """The instance's memory, with the sandbox's limit as its maximum."""
    if module.info.memory is None:
        return None
    minimum, maximum, _ = module.info.memory
    ceiling = min(limits.memory_bytes // _PAGE, _MAX_PAGES)
    if maximum is not None:
        ceiling = min(ceiling, maximum)
    if minimum > ceiling:
        raise Trap(
            f"memory minimum size of {minimum} pages exceeds memory limits ({limits.memory_bytes} bytes)", "memory"
        )
    try:
        return _JS.memory(minimum, ceiling)
    except JsException:
        pass
    # Out of address-space reservations: old memories may still be held by
    # Python cycles (finished processes); collect them and try once more.
    import gc

    gc.collect()
    try:
        return _JS.memory(minimum, ceiling)
    except JsException as e:
        raise Trap(f"cannot allocate memory: {getattr(e, 'message', e)}", "memory") from None


class PyodideHost:
    """The Host protocol on the browser's WebAssembly (see hosts/base.py)."""

    name = "pyodide"
    recursion_limit = 0  # keep Pyodide's own limit: the browser's stack is smaller

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
            js_module = _JS.Module.new(data)
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
            return run_sync(_JS.compile(data))
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
            js_module = await _JS.compile(data)
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
