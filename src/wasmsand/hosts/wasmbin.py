"""Reading (and one small rewrite of) WebAssembly binaries, in pure Python.

The browser's engine does not say what type an import or export has (the
type-reflection proposal is not shipped), and it offers no per-instance
memory limit. The browser host therefore reads the module's own sections:

- the function signatures of imports and exports, so that arguments are
  converted once per signature (i32 unsigned, i64 as BigInt) as the Host
  protocol says;
- its memory declaration, which :func:`import_memory` turns into an import,
  so the host creates each instance's memory with the ``maximum`` the
  sandbox's limit allows (a ``memory.grow`` past it fails with -1, as under
  wasmtime's store limits) while the module is compiled only once.

Only the structure is checked here; the engine validates the code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["HOST_MEMORY", "ModuleInfo", "import_memory", "parse"]

HOST_MEMORY = ("wasmsand_host", "memory")  # the import a defined memory becomes

_MAGIC = b"\0asm\x01\0\0\0"
_VALTYPES = {0x7F: "i", 0x7E: "I", 0x7D: "f", 0x7C: "F", 0x7B: "v", 0x70: "r", 0x6F: "r"}
_TYPE_SECTION, _IMPORT_SECTION, _FUNCTION_SECTION, _MEMORY_SECTION, _EXPORT_SECTION = 1, 2, 3, 5, 7
# Where a section may stand, in the binary format's order (tag = 13 sits
# between memory and global, data count = 12 between element and code).
_ORDER = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13}


class _Reader:
    def __init__(self, data: bytes, pos: int = 0, end: int | None = None) -> None:
        self.data = data
        self.pos = pos
        self.end = len(data) if end is None else end

    def byte(self) -> int:
        if self.pos >= self.end:
            raise ValueError("unexpected end of section")
        b = self.data[self.pos]
        self.pos += 1
        return b

    def u32(self) -> int:
        result = shift = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                break
            shift += 7
            if shift > 35:
                raise ValueError("integer representation too long")
        if result > 0xFFFFFFFF:
            raise ValueError("integer too large")
        return result

    def u64(self) -> int:
        result = shift = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7
            if shift > 63:
                raise ValueError("integer representation too long")

    def raw(self, n: int) -> bytes:
        if self.pos + n > self.end:
            raise ValueError("unexpected end of section")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def name(self) -> str:
        return self.raw(self.u32()).decode("utf-8")

    def limits(self) -> tuple[int, int | None, int]:
        """(minimum, maximum or None, flags)."""
        flags = self.byte()
        if flags & ~0x07:
            raise ValueError(f"bad limits flags {flags:#x}")
        read = self.u64 if flags & 0x04 else self.u32
        minimum = read()
        maximum = read() if flags & 0x01 else None
        return minimum, maximum, flags


def _u32_bytes(value: int) -> bytes:
    out = bytearray()
    while True:
        b = value & 0x7F
        value >>= 7
        if value:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _name_bytes(text: str) -> bytes:
    raw = text.encode()
    return _u32_bytes(len(raw)) + raw


Signature = tuple[str, str]  # (params, results) as letters: i=i32 I=i64 f F v r


@dataclass
class ModuleInfo:
    """What the host needs to know of a module before compiling it."""

    func_imports: list[tuple[str, str, Signature]] = field(default_factory=list)
    other_imports: list[tuple[str, str, str]] = field(default_factory=list)  # (module, name, kind)
    exports: dict[str, tuple[str, Signature | None]] = field(default_factory=dict)  # name -> (kind, sig)
    memory: tuple[int, int | None, int] | None = None  # a defined memory's limits
    sections: list[tuple[int, int, int]] = field(default_factory=list)  # (id, start, end) of contents


_KINDS = {0: "func", 1: "table", 2: "memory", 3: "global", 4: "tag"}


def parse(data: bytes) -> ModuleInfo:
    """Reads the module's imports, exports and memory; ValueError if the
    binary is not well formed."""
    if data[:8] != _MAGIC:
        raise ValueError("not a WebAssembly 1.0 binary (bad magic or version)")
    info = ModuleInfo()
    types: list[Signature] = []
    func_types: list[int] = []
    imported_funcs = 0
    r = _Reader(data, 8)
    last = 0
    while r.pos < len(data):
        sid = r.byte()
        size = r.u32()
        start, end = r.pos, r.pos + size
        if end > len(data):
            raise ValueError("section extends past the end of the module")
        info.sections.append((sid, start, end))
        if sid != 0:
            order = _ORDER.get(sid)
            if order is None:
                raise ValueError(f"unknown section id {sid}")
            if order <= last:
                raise ValueError(f"section {sid} out of order")
            last = order
        s = _Reader(data, start, end)
        if sid == _TYPE_SECTION:
            for _ in range(s.u32()):
                if s.byte() != 0x60:
                    raise ValueError("unsupported type form")
                params = "".join(_valtype(s.byte()) for _ in range(s.u32()))
                results = "".join(_valtype(s.byte()) for _ in range(s.u32()))
                types.append((params, results))
        elif sid == _IMPORT_SECTION:
            for _ in range(s.u32()):
                module, name, kind = s.name(), s.name(), s.byte()
                if kind == 0:
                    index = s.u32()
                    if index >= len(types):
                        raise ValueError("import refers to an unknown type")
                    info.func_imports.append((module, name, types[index]))
                    func_types.append(index)
                    imported_funcs += 1
                    continue
                if kind == 1:
                    s.byte()
                    s.limits()
                elif kind == 2:
                    s.limits()
                elif kind == 3:
                    s.byte()
                    s.byte()
                elif kind == 4:
                    s.byte()
                    s.u32()
                else:
                    raise ValueError(f"unknown import kind {kind}")
                info.other_imports.append((module, name, _KINDS[kind]))
        elif sid == _FUNCTION_SECTION:
            for _ in range(s.u32()):
                index = s.u32()
                if index >= len(types):
                    raise ValueError("function refers to an unknown type")
                func_types.append(index)
        elif sid == _MEMORY_SECTION:
            count = s.u32()
            if count > 1:
                raise ValueError("more than one memory is not supported")
            if count:
                info.memory = s.limits()
        elif sid == _EXPORT_SECTION:
            for _ in range(s.u32()):
                name, kind, index = s.name(), s.byte(), s.u32()
                if kind == 0:
                    if index >= len(func_types):
                        raise ValueError("export refers to an unknown function")
                    info.exports[name] = ("func", types[func_types[index]])
                else:
                    info.exports[name] = (_KINDS.get(kind, "other"), None)
        r.pos = end
    return info


def _valtype(code: int) -> str:
    kind = _VALTYPES.get(code)
    if kind is None:
        raise ValueError(f"unknown value type {code:#x}")
    return kind


def import_memory(data: bytes, info: ModuleInfo) -> bytes:
    """The same module with its defined memory turned into the import
    :data:`HOST_MEMORY` of the same limits. The memory keeps index 0 (a
    module has at most one), so no instruction or export changes."""
    if info.memory is None:
        return data
    minimum, maximum, flags = info.memory
    if flags & ~0x01:
        raise ValueError("shared or 64-bit memories are not supported")
    limits = bytes([flags]) + _u32_bytes(minimum) + (_u32_bytes(maximum) if maximum is not None else b"")
    entry = _name_bytes(HOST_MEMORY[0]) + _name_bytes(HOST_MEMORY[1]) + b"\x02" + limits
    out = bytearray(data[:8])
    placed = False

    def section(sid: int, body: bytes) -> None:
        out.append(sid)
        out.extend(_u32_bytes(len(body)))
        out.extend(body)

    for sid, start, end in info.sections:
        if sid == _MEMORY_SECTION:
            continue
        if sid == _IMPORT_SECTION:
            s = _Reader(data, start, end)
            count = s.u32()
            section(sid, _u32_bytes(count + 1) + data[s.pos : end] + entry)
            placed = True
            continue
        if not placed and sid != 0 and _ORDER[sid] > _ORDER[_IMPORT_SECTION]:
            section(_IMPORT_SECTION, _u32_bytes(1) + entry)
            placed = True
        section(sid, data[start:end])
    if not placed:
        section(_IMPORT_SECTION, _u32_bytes(1) + entry)
    return bytes(out)
