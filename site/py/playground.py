"""The playground's Python side, run by the module worker (js/worker.js)
inside Pyodide: one Sandbox, and the few calls the page needs.

Output streams: a terminal wants stdout and stderr as they come and in
the order they were written (``echo a; ls nope; echo b``), so ``run``
passes ``on_stdout``/``on_stderr`` listeners to ``commands.run`` that
queue each write, in order, for the page.

Input: commands read an empty stdin (there is no interactive input).
"""

from __future__ import annotations

import re
import time
from typing import Any

from wasmsand import Sandbox, WasmsandError
from wasmsand.shell.errors import ParseError
from wasmsand.shell.parser import Parser

# Flush output to the page at most this often while a command runs: fewer,
# larger messages, and still live to the eye.
FLUSH_SECONDS = 0.03
# What the terminal shows of one command's output (the rest is dropped):
# a runaway `yes` must not drown the page.
SHOW_BYTES = 2 * 1024 * 1024


def _utf8_tail(data: bytes) -> int:
    """How many bytes at the end of ``data`` start a UTF-8 character that
    is not complete yet (0 to 3): they wait for the next write."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte & 0xC0 != 0x80:  # a lead byte (or ASCII)
            need = 1 if byte < 0x80 else 2 if byte >> 5 == 0b110 else 3 if byte >> 4 == 0b1110 else 4
            return back if need > back else 0
    return 0


class Output:
    """Ordered stdout/stderr chunks on their way to the page."""

    def __init__(self, emit: Any) -> None:
        self.emit = emit  # JS: (fd, text) => postMessage
        self.pending: list[tuple[int, bytes]] = []
        self.tails = {1: b"", 2: b""}
        self.shown = 0
        self.dropped = 0
        self.last_flush = time.monotonic()

    def reset(self) -> None:
        self.pending.clear()
        self.tails = {1: b"", 2: b""}
        self.shown = self.dropped = 0
        self.last_flush = time.monotonic()

    def add(self, fd: int, data: bytes) -> None:
        room = SHOW_BYTES - self.shown
        if len(data) > room:
            self.dropped += len(data) - max(room, 0)
            data = data[: max(room, 0)]
        if data:
            self.shown += len(data)
            self.pending.append((fd, bytes(data)))
        now = time.monotonic()
        if now - self.last_flush >= FLUSH_SECONDS:
            self.flush()

    def flush(self, final: bool = False) -> None:
        self.last_flush = time.monotonic()
        merged: list[tuple[int, bytes]] = []
        for fd, data in self.pending:
            if merged and merged[-1][0] == fd:
                merged[-1] = (fd, merged[-1][1] + data)
            else:
                merged.append((fd, data))
        self.pending.clear()
        for fd, data in merged:
            data = self.tails[fd] + data
            cut = 0 if final else _utf8_tail(data)
            self.tails[fd] = data[len(data) - cut :] if cut else b""
            if cut:
                data = data[: len(data) - cut]
            if data:
                self.emit(fd, data.decode("utf-8", "replace"))
        if final:
            for fd, tail in self.tails.items():
                if tail:
                    self.emit(fd, tail.decode("utf-8", "replace"))
            self.tails = {1: b"", 2: b""}


def is_complete(source: str, extglob: bool = False) -> bool:
    """False when ``source`` needs more lines, as an interactive bash would
    prompt with PS2: an open quote, bracket or compound command, a trailing
    ``|``/``&&``/``\\``, an unterminated here-document."""
    stripped = source.rstrip("\n")
    trailing = len(stripped) - len(stripped.rstrip("\\"))
    if trailing % 2 == 1:
        return False
    parser = Parser(source, extglob=extglob)
    try:
        parser.parse_all_lists()
    except ParseError as e:
        return not (e.token is None and (e.message is None or e.message.startswith("unexpected EOF")))
    except Exception:  # anything odd: let the shell itself report it
        return True
    return not any("here-document" in w and "end-of-file" in w for _, w in parser.warnings)


def _builtin_names() -> list[str]:
    from wasmsand.shell.builtins import BUILTINS

    return list(BUILTINS)


class Playground:
    """One sandbox and the page's requests (see js/worker.js)."""

    def __init__(self, emit: Any) -> None:
        self.out = Output(emit)
        self.sb = Sandbox()

    # -- state ---------------------------------------------------------------

    def seed(self, samples: Any) -> None:
        """Writes the sample files (a JS object name -> text) in the home
        directory of a new sandbox."""
        for name, text in samples.to_py().items():
            self.sb.files.write(f"/home/user/{name}", str(text))

    def export_state(self) -> bytes:
        return self.sb.export_state()

    def import_state(self, data: Any) -> None:
        """Replaces the sandbox with an export (a JS Uint8Array); raises
        ValueError with a message for the user if it is not one."""
        try:
            self.sb.import_state(data.to_bytes())
        except WasmsandError as e:
            raise ValueError(str(e)) from None

    def warm_up(self) -> None:
        """Compiles coreutils and runs the shell once, so the first command
        the user types is as fast as the next ones."""
        command = "echo hi | wc -w >/dev/null"
        self.sb.commands.run(command)
        history = self.sb._shell_session().state.history
        if history and history[-1] == command:
            history.pop()

    def info(self) -> dict[str, Any]:
        sb = self.sb
        session = sb._shell_session()
        return {
            "cwd": sb.fs.path_of(sb.cwd),
            "home": session.state.get("HOME") or "/home/user",
            "user": session.state.get("USER") or "user",
            "history": list(session.state.history[-500:]),
        }

    # -- commands ------------------------------------------------------------

    def complete(self, source: str) -> bool:
        session = self.sb._shell_session()
        return is_complete(source, "extglob" in session.state.shopts)

    def run(self, source: str, timeout: float) -> dict[str, Any]:
        """Runs a complete command line; its output goes to the page as it
        comes. Returns the status, how it ended and the new directory."""
        out = self.out
        out.reset()
        r = self.sb.commands.run(
            source,
            timeout=timeout,
            on_stdout=lambda data: out.add(1, data),
            on_stderr=lambda data: out.add(2, data),
        )
        out.flush(final=True)
        result = self.info()
        del result["history"]
        result.update(
            status=r.exit_code,
            error_class=r.error_class,
            duration_ms=r.duration_ms,
            dropped=out.dropped,
        )
        return result

    def completions(self, before: str) -> dict[str, Any]:
        """Tab completion of the word that ends ``before`` (the line up to
        the cursor): command names in the command position, else paths.
        Directories end with ``/``."""
        word = re.search(r"[^\s;|&()<>]*$", before).group(0)  # type: ignore[union-attr]
        head = before[: len(before) - len(word)].rstrip()
        if (not head or head[-1] in ";|&(") and "/" not in word:
            names = set(_builtin_names())
            session = self.sb._shell_session()
            for folder in (session.state.get("PATH") or "").split(":"):
                try:
                    names.update(e.name for e in self.sb.files.list(folder or "."))
                except WasmsandError:
                    pass
            return {"word": word, "matches": sorted(n for n in names if n.startswith(word))}
        folder, _, prefix = word.rpartition("/")
        if word.startswith("/"):
            base = folder or "/"
        elif word.startswith("~"):
            home = self.info()["home"]
            if "/" not in word:  # ~ alone: complete to the home folder
                return {"word": word, "matches": ["~/"]}
            base = home + folder[1:]
        else:
            base = folder or "."
        try:
            entries = self.sb.files.list(base)
        except WasmsandError:
            return {"word": word, "matches": []}
        lead = f"{folder}/" if "/" in word else ""
        matches = [
            lead + e.name + ("/" if e.type == "dir" else "")
            for e in entries
            if e.name.startswith(prefix) and (prefix.startswith(".") or not e.name.startswith("."))
        ]
        return {"word": word, "matches": sorted(matches)}

    # -- files ---------------------------------------------------------------

    def list_dirs(self, paths: Any) -> dict[str, Any]:
        """The entries of each directory in ``paths`` (folders first), or
        None for one that cannot be listed."""
        listing: dict[str, Any] = {}
        for path in paths.to_py():
            try:
                entries = self.sb.files.list(path)
            except WasmsandError:
                listing[path] = None
                continue
            entries.sort(key=lambda e: (e.type != "dir", e.name))
            listing[path] = [{"name": e.name, "path": e.path, "type": e.type, "size": e.size} for e in entries]
        return listing

    def read(self, path: str) -> bytes:
        try:
            data = self.sb.files.read(path, format="bytes")
        except WasmsandError as e:
            raise ValueError(str(e)) from None
        assert isinstance(data, bytes)
        return data

    def write(self, path: str, data: Any) -> None:
        try:
            self.sb.files.write(path, data.to_bytes())
        except WasmsandError as e:
            raise ValueError(str(e)) from None
