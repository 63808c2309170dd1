"""echo, printf and read."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

from ...process.py_task import block
from ...process.waits import AnyOf, Readable
from ...vfs import RegularFile, VfsError
from ...vfs.inode import PipeInode
from ...vfs.streams import ByteSource
from ..errors import ShellError
from ..expand import quote_for_reuse

if TYPE_CHECKING:
    from ..executor import Shell

_ESCAPES = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}  # fmt: skip
_OCT = "01234567"
_HEX = "0123456789abcdefABCDEF"


def byte_char(value: int) -> str:
    """A byte from a \\NNN or \\xHH escape: bytes above 127 are carried as
    surrogate escapes, so they come out as that byte, not as UTF-8."""
    value &= 0xFF
    return chr(value) if value < 0x80 else chr(0xDC00 + value)


def backslash_escapes(s: str, *, mode: str) -> tuple[str, bool]:
    """Expands backslash escapes; True if \\c stops output.

    ``mode``: "echo" (echo -e: \\0NNN octal, \\c), "b" (printf %b: \\0NNN
    and \\NNN, \\c) or "format" (a printf format: \\NNN, no \\c).
    """
    out: list[str] = []
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c != "\\" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        e = s[i + 1]
        i += 2
        if e in _ESCAPES:
            out.append(_ESCAPES[e])
        elif e == "c" and mode != "format":
            return "".join(out), True
        elif e == "0" and mode != "format":
            j = i
            while j < n and j < i + 3 and s[j] in _OCT:
                j += 1
            out.append(byte_char(int(s[i:j] or "0", 8)))
            i = j
        elif e in _OCT and mode != "echo":
            j = i - 1
            while j < n and j < i + 2 and s[j] in _OCT:
                j += 1
            out.append(byte_char(int(s[i - 1 : j], 8)))
            i = j
        elif e == "x":
            j = i
            while j < n and j < i + 2 and s[j] in _HEX:
                j += 1
            if j == i:
                out.append("\\x")
            else:
                out.append(byte_char(int(s[i:j], 16)))
                i = j
        elif e in "uU":
            j = i
            limit = i + (4 if e == "u" else 8)
            while j < n and j < limit and s[j] in _HEX:
                j += 1
            if j == i:
                out.append("\\" + e)
            else:
                out.append(chr(min(int(s[i:j], 16), 0x10FFFF)))
                i = j
        elif mode == "format" and e in "\"'?":
            out.append(e)
        else:
            out.append("\\" + e)
    return "".join(out), False


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


async def echo(sh: Shell, argv: list[str]) -> int:
    args = argv[1:]
    newline = True
    escapes = "xpg_echo" in sh.state.shopts
    while args and re.fullmatch(r"-[neE]+", args[0]):
        for c in args[0][1:]:
            if c == "n":
                newline = False
            elif c == "e":
                escapes = True
            else:
                escapes = False
        args = args[1:]
    text = " ".join(args)
    if escapes:
        text, stop = backslash_escapes(text, mode="echo")
        if stop:
            newline = False
    data = _encode(text)
    if newline:
        data += b"\n"
    await sh.write(1, data)
    return 0


# -- printf -------------------------------------------------------------------

_SPEC = re.compile(r"%([-+ #0']*)(\*|\d+)?(?:\.(\*|\d*))?([hlLjzt]*)")
_CONVERSIONS = "diouxXeEfFgGaAcsbq"
_INT64 = (-(1 << 63), (1 << 63) - 1)


class _Args:
    def __init__(self, values: list[str]) -> None:
        self.values = values
        self.i = 0
        self.used = False

    def next(self) -> str | None:
        if self.i < len(self.values):
            v = self.values[self.i]
            self.i += 1
            self.used = True
            return v
        return None

    @property
    def left(self) -> bool:
        return self.i < len(self.values)


def _to_int(text: str | None, errors: list[str]) -> int:
    """A printf integer argument: 'c for a character code, 0x/0 prefixes;
    out of the 64-bit range clamps with bash's warning."""
    if text is None or text == "":
        return 0
    t = text.strip()
    if t[:1] in ("'", '"'):
        return ord(t[1]) if len(t) > 1 else 0
    m = re.match(r"([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)", t)
    if not m:
        errors.append(f"{text}: invalid number")
        return 0
    sign = -1 if m.group(1) == "-" else 1
    body = m.group(2)
    if body[:2].lower() == "0x":
        value = int(body, 16)
    elif body.startswith("0"):
        value = int(body, 8)
    else:
        value = int(body)
    value *= sign
    if m.end() != len(t):
        errors.append(f"{text}: invalid number")
    if not _INT64[0] <= value <= _INT64[1]:
        errors.append(f"warning: {text}: Numerical result out of range")
        value = max(_INT64[0], min(_INT64[1], value))
    return value


def _to_number(text: str | None, errors: list[str]) -> tuple[int, int] | float:
    """A printf float argument as bash sees it: a long double, kept as an
    exact (mantissa, exponent) pair (or a float for inf/nan)."""
    from ..ldouble import parse_long_double

    if text is None or text == "":
        return (0, 0)
    t = text.strip()
    if t[:1] in ("'", '"'):
        return (ord(t[1]) if len(t) > 1 else 0, 0)
    value, ok = parse_long_double(t)
    if not ok:
        errors.append(f"{text}: invalid number")
    return value


def shell_quote(text: str) -> str:
    """printf %q: backslashes, or $'...' for control characters."""
    if text == "":
        return "''"
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        return quote_for_reuse(text)
    out = []
    for k, c in enumerate(text):
        if c.isalnum() or c in "_-+=/.,:@%^" or ord(c) > 127 or (c == "~" and k != 0):
            out.append(c)
        else:
            out.append("\\" + c)
    return "".join(out)


def format_printf(fmt: str, values: list[str], errors: list[str]) -> tuple[str, bool]:
    """bash's printf: the format is reused while arguments remain.
    Returns (output, stopped by \\c in a %b argument)."""
    args = _Args(values)
    out: list[str] = []
    while True:
        stopped = _format_once(fmt, args, out, errors)
        if stopped:
            return "".join(out), True
        if not args.left or not args.used:
            break
    return "".join(out), False


def _format_once(fmt: str, args: _Args, out: list[str], errors: list[str]) -> bool:
    from ..ldouble import format_long_double

    i = 0
    n = len(fmt)
    while i < n:
        c = fmt[i]
        if c == "\\":
            span = _escape_span(fmt, i)
            text, _ = backslash_escapes(span, mode="format")
            out.append(text)
            i += len(span)
            continue
        if c != "%":
            j = fmt.find("%", i)
            k = fmt.find("\\", i)
            end = min(x for x in (j, k, n) if x >= 0)
            out.append(fmt[i:end])
            i = end
            continue
        if i + 1 < n and fmt[i + 1] == "%":
            out.append("%")
            i += 2
            continue
        m = _SPEC.match(fmt, i)
        assert m is not None
        flags, width, prec, _len = m.groups()
        i = m.end()
        if i >= n:
            raise ShellError("printf: `%': missing format character")
        conv = fmt[i]
        time_format = None
        if conv == "(":
            close = fmt.find(")T", i)
            if close < 0:
                raise ShellError("printf: `(': invalid format character")
            time_format = fmt[i + 1 : close]
            i = close + 2
        elif conv not in _CONVERSIONS:
            raise ShellError(f"printf: `{conv}': invalid format character")
        else:
            i += 1
        if width == "*":
            width = str(_to_int(args.next(), errors))
        if prec == "*":
            prec = str(_to_int(args.next(), errors))
        w = int(width) if width else 0
        if w < 0:
            flags += "-"
            w = -w
        p = int(prec) if prec not in (None, "") else (0 if prec == "" else None)
        if p is not None and p < 0:
            p = None
        arg = args.next()
        if time_format is not None:
            secs = time.time() if arg in (None, "", "-1", "-2") else _to_int(arg, errors)
            out.append(_pad(time.strftime(time_format, time.localtime(secs)), w, flags))
            continue
        if conv in "diouxX":
            text = _format_int(_to_int(arg, errors), conv, flags, w, p)
        elif conv in "eEfFgGaA":
            text = format_long_double(_to_number(arg, errors), conv, flags, w, p)
        elif conv == "c":
            text = _pad((arg or "\0")[:1] if arg != "" else "\0", w, flags)
        elif conv == "s":
            s = arg or ""
            if p is not None:
                s = s[:p]
            text = _pad(s, w, flags)
        elif conv == "b":
            s, stop = backslash_escapes(arg or "", mode="b")
            if p is not None:
                s = s[:p]
            out.append(_pad(s, w, flags))
            if stop:
                return True
            continue
        else:  # q
            text = _pad(shell_quote(arg or ""), w, flags)
        out.append(text)
    return False


def _escape_span(fmt: str, i: int) -> str:
    """The text of one escape in a printf format, starting at a backslash."""
    e = fmt[i + 1] if i + 1 < len(fmt) else ""
    if e in _OCT and e:
        j = i + 1
        while j < len(fmt) and j < i + 4 and fmt[j] in _OCT:
            j += 1
        return fmt[i:j]
    if e and e in "xuU":
        limit = {"x": 2, "u": 4, "U": 8}[e]
        j = i + 2
        while j < len(fmt) and j < i + 2 + limit and fmt[j] in _HEX:
            j += 1
        return fmt[i:j]
    return fmt[i : i + 2]


def _pad(text: str, width: int, flags: str) -> str:
    if len(text) >= width:
        return text
    return text + " " * (width - len(text)) if "-" in flags else " " * (width - len(text)) + text


def _format_int(v: int, conv: str, flags: str, width: int, prec: int | None) -> str:
    if conv in "ouxX" and v < 0:
        v &= (1 << 64) - 1
    if conv in "di":
        digits = str(abs(v))
    elif conv == "o":
        digits = format(v, "o")
    elif conv == "u":
        digits = str(v)
    elif conv == "x":
        digits = format(v, "x")
    else:
        digits = format(v, "X")
    if prec is not None:
        digits = digits.zfill(prec) if prec > 0 or v != 0 else ""
    prefix = ""
    if conv in "di":
        if v < 0:
            prefix = "-"
        elif "+" in flags:
            prefix = "+"
        elif " " in flags:
            prefix = " "
    if "#" in flags and v != 0:
        if conv == "o" and not digits.startswith("0"):
            digits = "0" + digits
        elif conv in "xX":
            prefix = "0" + conv
    body = prefix + digits
    if len(body) < width:
        if "-" in flags:
            body = body + " " * (width - len(body))
        elif "0" in flags and prec is None:
            body = prefix + digits.zfill(width - len(prefix))
        else:
            body = " " * (width - len(body)) + body
    return body


async def printf(sh: Shell, argv: list[str]) -> int:
    args = argv[1:]
    var = None
    if args and args[0] == "-v":
        if len(args) < 2:
            await sh.error("printf: -v: option requires an argument")
            await sh.usage("printf: usage: printf [-v var] format [arguments]")
            return 2
        var = args[1]
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\[.+\])?", var):
            await sh.error(f"printf: `{var}': not a valid identifier")
            return 2
        args = args[2:]
    if args and args[0] == "--":
        args = args[1:]
    if not args:
        await sh.usage("printf: usage: printf [-v var] format [arguments]")
        return 2
    errors: list[str] = []
    try:
        text, _stop = format_printf(args[0], args[1:], errors)
    except ShellError as e:
        await sh.error(e.message)
        return 1
    for e in errors:
        await sh.error(f"printf: {e}")
    if var is not None:
        if "[" in var and var.endswith("]"):
            name, key = var[:-1].split("[", 1)
            sh.state.set_element(name, key, text)
        else:
            sh.state.set(var, text)
    else:
        await sh.write(1, _encode(text))
    return 1 if any(not e.startswith("warning:") for e in errors) else 0


# -- read -----------------------------------------------------------------------


async def _read_until(
    sh: Shell, fd: int, delim: int | None, limit: int | None, until: float | None
) -> tuple[bytes, bool, bool]:
    """Reads up to and including the delimiter byte (None: no delimiter),
    at most ``limit`` characters, without reading past them (so the next
    reader of a pipe or file starts right after). Returns (bytes without
    the delimiter, whether the delimiter was seen, timed out)."""
    f = sh.proc.fds.lookup(fd)
    if f is None or not f.readable:
        raise ShellError(f"read: {fd}: invalid file descriptor: Bad file descriptor")
    got = bytearray()
    while True:
        inode = f.inode
        if isinstance(inode, PipeInode):
            buf = inode.pipe.buffer
            if not buf:
                if inode.pipe.writers == 0:
                    return bytes(got), False, False
                wait = Readable(f) if until is None else AnyOf([Readable(f)], until)
                await block(wait)
                if until is not None and time.monotonic() >= until and not inode.pipe.buffer:
                    return bytes(got), False, True
                continue
            available = bytes(buf)
        elif isinstance(inode, RegularFile):
            available = bytes(inode.data[f.offset : f.offset + 65536])
            if not available:
                return bytes(got), False, False
        elif isinstance(inode, ByteSource):
            available = inode.data[inode.pos : inode.pos + 65536]
            if not available:
                return bytes(got), False, False
        else:
            chunk = f.read(1)
            if chunk is None:
                await block(Readable(f))
                continue
            if not chunk:
                return bytes(got), False, False
            available = chunk
            if delim is not None and chunk[0] == delim:
                return bytes(got), True, False
            got += chunk
            if limit is not None and _chars(got) >= limit:
                return bytes(got), False, False
            continue
        # Consume from `available` exactly what is used.
        cut = len(available)
        seen = False
        if delim is not None:
            k = available.find(bytes([delim]))
            if k >= 0:
                cut, seen = k + 1, True
        piece = available[:cut]
        if limit is not None:
            room = limit - _chars(got)
            take = _prefix_chars(piece, room)
            if take < len(piece):
                piece, seen, cut = piece[:take], False, take
        _consume(f, inode, cut)
        if seen:
            got += piece[:-1]
            return bytes(got), True, False
        got += piece
        if limit is not None and _chars(got) >= limit:
            return bytes(got), False, False


def _chars(data: bytearray | bytes) -> int:
    return len(bytes(data).decode("utf-8", "surrogateescape"))


def _prefix_chars(data: bytes, count: int) -> int:
    """Bytes making up the first ``count`` characters of data."""
    if count <= 0:
        return 0
    text = data.decode("utf-8", "surrogateescape")
    return len(text[:count].encode("utf-8", "surrogateescape"))


def _consume(f, inode, n: int) -> None:  # type: ignore[no-untyped-def]
    if isinstance(inode, PipeInode):
        del inode.pipe.buffer[:n]
    elif isinstance(inode, RegularFile):
        f.offset += n
    elif isinstance(inode, ByteSource):
        inode.pos += n


def _split_read(line: str, count: int, ifs: str, raw_positions: set[int]) -> list[str]:
    """Splits for read: like word splitting, but the last name takes the
    rest of the line (trailing IFS white space removed)."""
    ws = "".join(c for c in ifs if c in " \t\n")
    n = len(line)
    i = 0
    fields: list[str] = []

    def is_ifs(k: int) -> bool:
        return line[k] in ifs and k not in raw_positions

    def is_ws(k: int) -> bool:
        return line[k] in ws and k not in raw_positions

    while i < n and is_ws(i):
        i += 1
    while i < n and len(fields) < count - 1:
        start = i
        while i < n and not is_ifs(i):
            i += 1
        fields.append(line[start:i])
        # skip one delimiter with surrounding white space
        while i < n and is_ws(i):
            i += 1
        if i < n and is_ifs(i) and not is_ws(i):
            i += 1
            while i < n and is_ws(i):
                i += 1
    if i < n or len(fields) < count:
        rest = line[i:]
        end = len(rest)
        while end > 0 and rest[end - 1] in ws and (i + end - 1) not in raw_positions:
            end -= 1
        rest = rest[:end]
        if (len(fields) == count - 1 and count > 1) or count == 1 or rest:
            fields.append(rest)
    return fields


_READ_USAGE = (
    "read: usage: read [-ers] [-a array] [-d delim] [-i text] [-n nchars] [-N nchars] [-p prompt] [-t timeout] "
    "[-u fd] [name ...]"
)


async def read(sh: Shell, argv: list[str]) -> int:
    args = argv[1:]
    raw = False
    array: str | None = None
    delim: int | None = ord("\n")
    nchars: int | None = None
    exact = False
    fd = 0
    timeout: float | None = None
    names: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            names = args[i + 1 :]
            break
        if not a.startswith("-") or a == "-":
            names = args[i:]
            break
        j = 1
        while j < len(a):
            c = a[j]
            if c in "rse":
                raw = raw or c == "r"
                j += 1
                continue
            if c in "padnNtui":
                value = a[j + 1 :] if j + 1 < len(a) else (args[i + 1] if i + 1 < len(args) else None)
                if j + 1 >= len(a):
                    i += 1
                if value is None:
                    await sh.error(f"read: -{c}: option requires an argument")
                    await sh.usage(_READ_USAGE)
                    return 2
                if c == "a":
                    array = value
                elif c == "d":
                    delim = ord(value[0]) if value else 0
                elif c in "nN":
                    if not value.isdigit():
                        raise ShellError(f"read: {value}: invalid number", 1)
                    nchars = int(value)
                    exact = c == "N"
                elif c == "t":
                    try:
                        timeout = float(value)
                    except ValueError:
                        raise ShellError(f"read: {value}: invalid timeout specification", 1) from None
                elif c == "u":
                    if not value.isdigit():
                        raise ShellError(f"read: {value}: invalid file descriptor specification", 1)
                    fd = int(value)
                break
            raise ShellError(
                f"read: -{c}: invalid option\nread: usage: read [-ers] [-a array] [-d delim] [-i text] [-n nchars] [-N nchars] [-p prompt] [-t timeout] [-u fd] [name ...]",
                2,
            )
        i += 1
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\[.*\])?", name):
            raise ShellError(f"read: `{name}': not a valid identifier", 1)
    until = time.monotonic() + timeout if timeout is not None and timeout > 0 else None
    if timeout == 0:
        f = sh.proc.fds.lookup(fd)
        return 0 if f is not None and f.inode.read_ready() else 1
    text_parts: list[str] = []
    raw_positions: set[int] = set()
    seen = False
    timed_out = False
    try:
        while True:
            data, seen, timed_out = await _read_until(sh, fd, None if exact else delim, nchars, until)
            chunk = data.decode("utf-8", "surrogateescape")
            if raw:
                text_parts.append(chunk)
                break
            # Backslash handling: escapes protect characters; a trailing
            # backslash before the delimiter continues the line.
            out: list[str] = []
            k = 0
            base = sum(len(p) for p in text_parts)
            continued = False
            while k < len(chunk):
                c = chunk[k]
                if c == "\\":
                    if k + 1 < len(chunk):
                        raw_positions.add(base + len(out))
                        out.append(chunk[k + 1])
                        k += 2
                        continue
                    if seen and delim == ord("\n"):
                        continued = True
                    k += 1
                    continue
                out.append(c)
                k += 1
            text_parts.append("".join(out))
            if not continued:
                break
    except VfsError as e:
        raise ShellError(f"read: read error: {fd}: {e}", 1) from None
    line = "".join(text_parts)
    ifs = sh.state.get("IFS")
    ifs = " \t\n" if ifs is None else ifs
    st = sh.state
    if array is not None:
        fields = _split_read(line, 1 << 30, ifs, raw_positions) if line else []
        st.set_array(array, dict(enumerate(fields)))
    elif not names:
        st.set("REPLY", line)
    else:
        fields = _split_read(line, len(names), ifs, raw_positions) if ifs else [line]
        for k, name in enumerate(names):
            value = fields[k] if k < len(fields) else ""
            if "[" in name:
                base_name, key = name[:-1].split("[", 1)
                st.set_element(base_name, key, value)
            else:
                st.set(name, value)
    if timed_out:
        return 142
    if exact and nchars is not None:
        return 0 if len(line) >= nchars or seen else 1
    if nchars is not None and not seen:
        return 0 if len(line) >= nchars else 1
    return 0 if seen else 1


async def mapfile(sh: Shell, argv: list[str]) -> int:
    """mapfile/readarray [-t] [-n count] [-O origin] [-s skip] [-d delim] [-u fd] [array]"""
    args = argv[1:]
    strip = False
    count = 0
    origin = 0
    skip = 0
    delim = ord("\n")
    fd = 0
    i = 0
    while i < len(args) and args[i].startswith("-") and len(args[i]) > 1:
        opt = args[i][1]
        value = args[i][2:] or (args[i + 1] if i + 1 < len(args) else "")
        takes = opt in "nOsdu"
        if takes and not args[i][2:]:
            i += 1
        if opt == "t":
            strip = True
        elif opt == "n":
            count = int(value)
        elif opt == "O":
            origin = int(value)
        elif opt == "s":
            skip = int(value)
        elif opt == "d":
            delim = ord(value[0]) if value else 0
        elif opt == "u":
            fd = int(value)
        elif opt != "C" and opt != "c":
            raise ShellError(f"{argv[0]}: -{opt}: invalid option", 2)
        i += 1
    name = args[i] if i < len(args) else "MAPFILE"
    values: dict[int, str] = {}
    index = origin
    read_count = 0
    while not count or read_count < count:
        data, seen, _ = await _read_until(sh, fd, delim, None, None)
        if not data and not seen:
            break
        text = data.decode("utf-8", "surrogateescape")
        if skip:
            skip -= 1
            continue
        values[index] = text if strip or not seen else text + chr(delim)
        index += 1
        read_count += 1
    var = sh.state.lookup(name)
    if origin and var is not None and isinstance(var.value, dict):
        merged = dict(var.value)  # type: ignore[arg-type]
        merged.update(values)
        values = merged
    sh.state.set_array(name, values)
    return 0
