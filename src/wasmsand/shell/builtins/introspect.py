"""Builtins about the shell itself: caller, enable, compgen, help, and the
job-control ones a sandboxed non-interactive shell can only refuse
(logout, suspend)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ...vfs import Directory, RegularFile, VfsError
from ..errors import ShellError
from ..pattern import compile_pattern

if TYPE_CHECKING:
    from ..executor import Shell


async def caller(sh: Shell, argv: list[str]) -> int:
    """``caller [N]``: where the current (or the Nth enclosing) function
    was called: "LINE FILE", or "LINE FUNCTION FILE" with N. bash -c has no
    file for its top level, so there N=0 prints nothing and fails."""
    frames = sh.state.frames
    if len(argv) > 2:
        raise ShellError("caller: too many arguments", 2)
    if len(argv) == 2 and not re.fullmatch(r"[0-9]+", argv[1]):
        raise ShellError(f"caller: {argv[1]}: invalid number", 2)
    level = int(argv[1]) if len(argv) == 2 else 0
    k = len(frames) - 1 - level
    if k < 0:
        return 1
    line = frames[k].line
    if k > 0:
        where, name = frames[k].source, frames[k - 1].name
    else:
        top = sh.state.sourced_files()
        where, name = (top[-1] if top else "NULL"), "main"
    if len(argv) == 1:
        await sh.out(f"{line} {where}\n")
    elif where == "NULL":
        return 1
    else:
        await sh.out(f"{line} {name} {where}\n")
    return 0


async def enable(sh: Shell, argv: list[str]) -> int:
    """``enable [-n] [-a] [name ...]``: lists builtins, or turns one off
    (then the PATH's command of that name runs) and on again."""
    from . import BUILTINS

    args = argv[1:]
    disable = show_all = False
    while args and args[0].startswith("-") and len(args[0]) > 1:
        for flag in args.pop(0)[1:]:
            if flag == "n":
                disable = True
            elif flag == "a":
                show_all = True
            else:
                raise ShellError(
                    f"enable: -{flag}: invalid option\nenable: usage: enable [-a] [-dnps] [-f filename] [name ...]", 2
                )
    off = sh.state.disabled_builtins
    if not args:
        for name in sorted(BUILTINS):
            if show_all or (name in off) == disable:
                await sh.out(f"enable {'-n ' if name in off else ''}{name}\n")
        return 0
    status = 0
    for name in args:
        if name not in BUILTINS:
            await sh.error(f"enable: {name}: not a shell builtin")
            status = 1
        elif disable:
            off.add(name)
        else:
            off.discard(name)
    sh.refresh_builtins()
    return status


async def help_(sh: Shell, argv: list[str]) -> int:
    """``help [name ...]``: the builtins there are (one per line), or
    whether each named one exists."""
    names = sorted(sh.builtins)
    if len(argv) == 1:
        await sh.out("Shell builtins of the wasmsand shell (bash 5 compatible):\n")
        await sh.out("".join(f" {name}\n" for name in names))
        return 0
    status = 0
    for pattern in argv[1:]:
        rx = compile_pattern(pattern + "*")
        found = [name for name in names if rx.fullmatch(name)]
        if not found:
            await sh.error(
                f"help: no help topics match `{pattern}'.  Try `help help' or `man -k {pattern}' or `info {pattern}'."
            )
            status = 1
        for name in found:
            await sh.out(f"{name}: a shell builtin\n")
    return status


# bash's own order for `compgen -k`
_KEYWORD_ORDER = ("if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do",
                  "done", "in", "function", "time", "{", "}", "!", "[[", "]]", "coproc")  # fmt: skip

_ACTIONS = {"a": "alias", "b": "builtin", "c": "command", "d": "directory", "e": "export", "f": "file",
            "k": "keyword", "u": "user", "v": "variable"}  # fmt: skip


async def compgen(sh: Shell, argv: list[str]) -> int:
    """``compgen`` for scripts: candidates from -W words and the -A actions
    (alias builtin command directory export file function keyword user
    variable), filtered by the word, -X pattern, with -P/-S added."""
    args = argv[1:]
    words: list[str] = []
    actions: list[str] = []
    prefix = suffix = exclude = ""
    while args and args[0].startswith("-") and len(args[0]) > 1:
        opt = args.pop(0)
        if opt == "--":
            break
        for k, flag in enumerate(opt[1:]):
            if flag in _ACTIONS:
                actions.append(_ACTIONS[flag])
                continue
            if flag not in "WAPSX":
                raise ShellError(
                    f"compgen: -{flag}: invalid option\ncompgen: usage: compgen [-abcdefgjksuv] [-o option] [-A action] [-G globpat] [-W wordlist] [-F function] [-C command] [-X filterpat] [-P prefix] [-S suffix] [word]",
                    2,
                )
            value = opt[k + 2 :] or (args.pop(0) if args else "")
            if flag == "W":
                words += value.split()
            elif flag == "A":
                actions.append(value)
            elif flag == "P":
                prefix = value
            elif flag == "S":
                suffix = value
            else:
                exclude = value
            break
    word = args[0] if args else ""
    candidates = [w for w in words if w.startswith(word)]
    for action in actions:
        candidates += _action(sh, action, word)
    if exclude:
        negate = exclude.startswith("!")
        rx = compile_pattern(exclude[1:] if negate else exclude)
        candidates = [c for c in candidates if (rx.fullmatch(c) is None) != negate]
    if not candidates:
        return 1
    await sh.out("".join(f"{prefix}{c}{suffix}\n" for c in candidates))
    return 0


def _action(sh: Shell, action: str, word: str) -> list[str]:
    from .core import KEYWORDS

    st = sh.state
    if action == "alias":
        names = sorted(st.aliases)
    elif action == "builtin":
        names = sorted(sh.builtins)
    elif action == "function":
        names = sorted(st.functions)
    elif action == "keyword":
        names = [k for k in _KEYWORD_ORDER if k in KEYWORDS]
    elif action == "variable":
        names = st.all_names()
    elif action == "export":
        names = sorted(st.exported())
    elif action == "user":
        names = ["user"]
    elif action in ("file", "directory", "command"):
        return _paths(sh, action, word)
    else:
        raise ShellError(f"compgen: {action}: invalid action name", 2)
    return [n for n in names if n.startswith(word)]


def _paths(sh: Shell, action: str, word: str) -> list[str]:
    """Files (or directories) completing ``word``; for commands, also the
    executables of every PATH directory."""
    st = sh.state
    head, _, stem = word.rpartition("/")
    dirs = [head + "/" if head or word.startswith("/") else ""]
    if action == "command":
        from .core import KEYWORDS

        names = sorted(set(st.aliases) | set(st.functions) | set(sh.builtins) | set(KEYWORDS))
        out = [n for n in names if n.startswith(word)]
        if "/" not in word:
            dirs = [d.rstrip("/") + "/" for d in (st.get("PATH") or "").split(":") if d]
        found = out
    else:
        found = []
    for d in dirs:
        try:
            node = sh.fs.resolve(d or ".", st.cwd)
        except VfsError:
            continue
        if not isinstance(node, Directory):
            continue
        for name, child in sorted(node.listing(sh.proc)):
            if not name.startswith(stem) or name in (".", "..") or (name.startswith(".") and not stem.startswith(".")):
                continue
            if action == "directory" and not isinstance(child, Directory):
                continue
            if action == "command":
                if isinstance(child, RegularFile) and name not in found:
                    found.append(name)
            else:
                found.append((d if d.startswith("/") or head else "") + name)
    return found


async def logout(sh: Shell, argv: list[str]) -> int:
    await sh.error("logout: not login shell: use `exit'")
    return 1


async def suspend(sh: Shell, argv: list[str]) -> int:
    await sh.error("suspend: cannot suspend: no job control")
    return 1
