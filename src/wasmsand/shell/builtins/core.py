"""Control flow and command lookup: : true false exit return break continue
eval source . shift exec command builtin type hash alias unalias let times
history."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ...process.py_task import ExecRequest
from ...vfs import Errno, RegularFile, VfsError, strerror
from .. import ast
from ..arith import ArithError, evaluate_arith
from ..errors import BreakLoop, ContinueLoop, ExitShell, FatalShellError, ReturnFromFunction, ShellError
from ..printer import function_text

SESSION_PID = 1  # see shell/session.py

if TYPE_CHECKING:
    from ..executor import Shell

KEYWORDS = frozenset(
    [
        "if",
        "then",
        "else",
        "elif",
        "fi",
        "case",
        "esac",
        "for",
        "select",
        "while",
        "until",
        "do",
        "done",
        "in",
        "function",
        "time",
        "{",
        "}",
        "!",
        "[[",
        "]]",
        "coproc",
    ]
)


async def colon(sh: Shell, argv: list[str]) -> int:
    return 0


async def false(sh: Shell, argv: list[str]) -> int:
    return 1


def _status_arg(sh: Shell, name: str, argv: list[str]) -> int | None:
    if len(argv) < 2:
        return None
    text = argv[1]
    if not re.fullmatch(r"\s*[+-]?\d+\s*", text):
        raise ShellError(f"{name}: {text}: numeric argument required", 2)
    return int(text) & 0xFF


async def exit_(sh: Shell, argv: list[str]) -> int:
    try:
        status = _status_arg(sh, "exit", argv)
    except ShellError as e:
        await sh.error(e.message)
        raise ExitShell(2) from None
    if len(argv) > 2:
        await sh.error("exit: too many arguments")
        return 1
    if status is None:
        status = sh.exiting_status if sh.exiting_status is not None else sh.state.last_status
    raise ExitShell(status)


async def return_(sh: Shell, argv: list[str]) -> int:
    if not sh.state.frames and not sh.state.source_stack[1:]:
        await sh.error("return: can only `return' from a function or sourced script")
        return 2
    if len(argv) > 2:
        raise FatalShellError("return: too many arguments", 1)  # bash gives up on the script
    try:
        status = _status_arg(sh, "return", argv)
    except ShellError as e:
        await sh.error(e.message)
        status = 2
    raise ReturnFromFunction(sh.state.last_status if status is None else status)


async def _loop_control(sh: Shell, argv: list[str], exc: type) -> int:
    name = argv[0]
    levels = 1
    if len(argv) > 1:
        if not argv[1].lstrip("-").isdigit():
            await sh.error(f"{name}: {argv[1]}: numeric argument required")
            raise ExitShell(128)
        levels = int(argv[1])
        if levels < 1:
            await sh.error(f"{name}: {argv[1]}: loop count out of range")
            return 1
    if sh.loop_depth == 0:
        await sh.error(f"{name}: only meaningful in a `for', `while', or `until' loop")
        return 0
    raise exc(min(levels, sh.loop_depth))


async def break_(sh: Shell, argv: list[str]) -> int:
    return await _loop_control(sh, argv, BreakLoop)


async def continue_(sh: Shell, argv: list[str]) -> int:
    return await _loop_control(sh, argv, ContinueLoop)


async def eval_(sh: Shell, argv: list[str]) -> int:
    src = " ".join(argv[1:])
    if not src.strip():
        return 0
    _check_depth(sh, "eval")
    sh.state.source_stack.append("eval")
    sh.state.trace_depth += 1
    try:
        return await sh.run_source(src, source_name="eval", syntax_fatal=False)
    finally:
        sh.state.trace_depth -= 1
        sh.state.source_stack.pop()


def _check_depth(sh: Shell, what: str) -> None:
    from ..executor import MAX_FUNCTION_DEPTH

    if len(sh.state.frames) + len(sh.state.source_stack) > MAX_FUNCTION_DEPTH:
        raise FatalShellError(f"{what}: maximum nesting level exceeded ({MAX_FUNCTION_DEPTH})")


async def source(sh: Shell, argv: list[str]) -> int:
    if len(argv) < 2:
        await sh.error(f"{argv[0]}: filename argument required")
        await sh.usage(f"{argv[0]}: usage: {argv[0]} filename [arguments]")
        return 2
    name = argv[1]
    path = name
    if "/" not in name:
        for d in (sh.state.get("PATH") or "").split(":"):
            candidate = f"{d or '.'}/{name}"
            try:
                if isinstance(sh.fs.resolve(candidate, sh.state.cwd), RegularFile):
                    path = candidate
                    break
            except VfsError:
                continue
    try:
        data = sh.fs.read_file(path, sh.state.cwd)
    except VfsError as e:
        if e.errno == Errno.EISDIR:
            await sh.error(f"{argv[0]}: {name}: is a directory")
        else:
            await sh.error(f"{name}: {strerror(e.errno)}")
        return 1
    _check_depth(sh, argv[0])
    st = sh.state
    saved = st.positional
    if len(argv) > 2:
        st.positional = argv[2:]
    st.source_stack.append(path)
    st.source_call_lines.append(st.lineno)
    st.trace_depth += 1
    saved_name, saved_mode = sh.name, sh.command_mode
    sh.name, sh.command_mode = path, False
    try:
        # a syntax error ends the file, not the shell that sources it
        return await sh.run_source(data.decode("utf-8", "surrogateescape"), source_name=path, syntax_fatal=False)
    except ReturnFromFunction as e:
        return e.status
    finally:
        st.trace_depth -= 1
        sh.name, sh.command_mode = saved_name, saved_mode
        st.source_stack.pop()
        st.source_call_lines.pop()
        if len(argv) > 2:
            st.positional = saved


async def shift(sh: Shell, argv: list[str]) -> int:
    n = 1
    if len(argv) > 2:
        raise FatalShellError("shift: too many arguments", 1)  # bash gives up on the script
    if len(argv) > 1:
        text = argv[1].strip()
        if not re.fullmatch(r"[+-]?[0-9]+", text):
            await sh.error(f"shift: {argv[1]}: numeric argument required")
            return 1
        n = int(text)
        if n < 0:
            await sh.error(f"shift: {argv[1]}: shift count out of range")
            return 1
    if n > len(sh.state.positional):
        if "shift_verbose" in sh.state.shopts:
            await sh.error(f"shift: {n}: shift count out of range")
        return 1
    sh.state.positional = sh.state.positional[n:]
    return 0


async def exec_(sh: Shell, argv: list[str]) -> int:
    args = argv[1:]
    name: str | None = None
    clear_env = False
    while args and args[0].startswith("-") and args[0] != "-":
        if args[0] == "--":
            args = args[1:]
            break
        if args[0] == "-a" and len(args) > 1:
            name = args[1]
            args = args[2:]
            continue
        clear_env = clear_env or "c" in args[0]
        args = args[1:]
    if not args:
        return 0  # redirections were applied by the caller and are kept
    env = {} if clear_env else sh.state.exported()
    try:
        path = sh.find_command(args[0])
    except VfsError as e:
        if e.errno == Errno.ENOENT:
            await sh.error(
                f"exec: {args[0]}: not found" if "/" not in args[0] else f"{args[0]}: No such file or directory"
            )
            raise ExitShell(127, run_exit_trap=False) from None
        await sh.error(f"exec: {args[0]}: {strerror(e.errno)}")
        raise ExitShell(126, run_exit_trap=False) from None
    argv0 = [name if name is not None else args[0], *args[1:]]
    if sh.proc.pid == SESSION_PID:
        # The session outlives its runs: the program runs, then the run ends.
        status = await sh.run_external(argv0, ast.SimpleCommand(()), env=env, path=path)
        raise ExitShell(status, run_exit_trap=False)
    try:
        task = sh.kernel.exec(sh.proc, argv0, env=env, path=path)
    except VfsError as e:
        await sh.error(f"{args[0]}: {strerror(e.errno)}")
        raise ExitShell(126, run_exit_trap=False) from None
    raise ExecRequest(task)


def describe(sh: Shell, name: str) -> list[tuple[str, str]]:
    """What a name is: (kind, detail) in bash's lookup order."""
    out: list[tuple[str, str]] = []
    if name in sh.state.aliases and "expand_aliases" in sh.state.shopts:  # bash -c knows none
        out.append(("alias", sh.state.aliases[name]))
    if name in KEYWORDS:
        out.append(("keyword", ""))
    if name in sh.state.functions:
        out.append(("function", ""))
    if name in sh.builtins:
        out.append(("builtin", ""))
    if "/" in name:
        candidates = [name]
    else:
        hashed = sh.state.hash.get(name)
        path_var = sh.state.get("PATH") or ""
        candidates = ([hashed] if hashed else []) + [f"{d or '.'}/{name}" for d in path_var.split(":")]
    seen = set()
    for path in candidates:
        if path in seen:
            continue
        seen.add(path)
        try:
            inode = sh.fs.resolve(path, sh.state.cwd)
        except VfsError:
            continue
        if isinstance(inode, RegularFile) and sh.fs.may(inode, 1):
            out.append(("file", path))
    return out


async def type_(sh: Shell, argv: list[str]) -> int:
    args = argv[1:]
    flags = ""
    while args and args[0].startswith("-") and len(args[0]) > 1:
        if args[0] == "--":
            args = args[1:]
            break
        flags += args[0][1:]
        args = args[1:]
    status = 0
    for name in args:
        found = describe(sh, name)
        if "P" in flags or "p" in flags:
            if "P" not in flags and "a" not in flags and found and found[0][0] != "file":
                continue  # -p: a builtin or function is found, with no path to show
            found = [f for f in found if f[0] == "file"]
        if not found:
            if "t" not in flags and "p" not in flags and "P" not in flags:
                await sh.error(f"type: {name}: not found")
            status = 1
            continue
        for kind, detail in found if "a" in flags else found[:1]:
            if "t" in flags:
                await sh.out(kind + "\n")
            elif "p" in flags or "P" in flags:
                await sh.out(detail + "\n")
            elif kind == "alias":
                await sh.out(f"{name} is aliased to `{detail}'\n")
            elif kind == "keyword":
                await sh.out(f"{name} is a shell keyword\n")
            elif kind == "function":
                await sh.out(f"{name} is a function\n{function_text(sh.state.functions[name])}\n")
            elif kind == "builtin":
                await sh.out(f"{name} is a shell builtin\n")
            else:
                await sh.out(f"{name} is {detail}\n")
    return status


async def command(sh: Shell, argv: list[str]) -> int:
    args = argv[1:]
    mode = ""
    while args and args[0].startswith("-") and len(args[0]) > 1:
        if args[0] == "--":
            args = args[1:]
            break
        for c in args[0][1:]:
            if c not in "pvV":
                await sh.error(f"command: -{c}: invalid option")
                await sh.usage("command: usage: command [-pVv] command [arg ...]")
                return 2
            if c in "vV":
                mode = c
        args = args[1:]
    if not args:
        return 0
    if mode:
        status = 0
        for name in args:
            found = describe(sh, name)
            if not found:
                if mode == "V":
                    await sh.error(f"command: {name}: not found")
                status = 1
                continue
            kind, detail = found[0]
            if mode == "v":
                if kind == "alias":
                    await sh.out(f"alias {name}='{detail}'\n")
                elif kind == "file":
                    await sh.out(detail + "\n")
                else:
                    await sh.out(name + "\n")
            else:
                await type_(sh, ["type", name])
        return status
    name = args[0]
    builtin = sh.builtins.get(name)
    if builtin is not None:
        return await builtin(sh, args)
    node = ast.SimpleCommand(())
    return await sh.run_external(args, node)


async def builtin(sh: Shell, argv: list[str]) -> int:
    if len(argv) < 2:
        return 0
    fn = sh.builtins.get(argv[1])
    if fn is None:
        await sh.error(f"builtin: {argv[1]}: not a shell builtin")
        return 1
    return await fn(sh, argv[1:])


_HASH_USAGE = "hash: usage: hash [-lr] [-p pathname] [-dt] [name ...]"


async def hash_(sh: Shell, argv: list[str]) -> int:
    """The remembered locations of commands: -r forgets all, -d some,
    -p sets one, -t shows them, -l lists them as commands."""
    st = sh.state
    args = argv[1:]
    opts: set[str] = set()
    path = None
    while args and args[0].startswith("-") and args[0] != "-":
        arg = args.pop(0)
        if arg == "--":
            break
        for k, c in enumerate(arg[1:]):
            if c in "lrdt":
                opts.add(c)
                continue
            if c != "p":
                await sh.error(f"hash: -{c}: invalid option")
                await sh.usage(_HASH_USAGE)
                return 2
            path = arg[k + 2 :] or (args.pop(0) if args else None)
            if path is None:
                await sh.error("hash: -p: option requires an argument")
                await sh.usage(_HASH_USAGE)
                return 2
            break
    if "r" in opts:
        st.hash.clear()
        st.hash_hits.clear()
    if ("t" in opts or "d" in opts) and not args:
        await sh.error(f"hash: -{'t' if 't' in opts else 'd'}: option requires an argument")
        return 1
    status = 0
    if "t" in opts or "d" in opts:
        for name in args:
            known = st.hash.get(name)
            if known is None:
                await sh.error(f"hash: {name}: not found")
                status = 1
            elif "d" in opts:
                del st.hash[name]
                st.hash_hits.pop(name, None)
            else:
                await sh.out(f"{known}\n" if len(args) == 1 else f"{name}\t{known}\n")
        return status
    if not args:
        if "r" not in opts:
            await _print_hash(sh, "l" in opts)
        return 0
    for name in args:
        try:
            st.hash[name] = path if path is not None else sh.find_command(name)
            st.hash_hits[name] = 0
        except VfsError:
            await sh.error(f"hash: {name}: not found")
            status = 1
    return status


async def _print_hash(sh: Shell, reusable: bool) -> None:
    table = sh.state.hash
    if not table:
        if not reusable:
            await sh.out("hash: hash table empty\n")
        return
    if reusable:
        await sh.out("".join(f"builtin hash -p {p} {name}\n" for name, p in table.items()))
        return
    hits = sh.state.hash_hits
    await sh.out("hits\tcommand\n" + "".join(f"{hits.get(name, 0):4d}\t{p}\n" for name, p in table.items()))


async def alias(sh: Shell, argv: list[str]) -> int:
    args = [a for a in argv[1:] if a != "-p"]
    if not args:
        for name in sorted(sh.state.aliases):
            await sh.out(f"alias {name}={_quote_alias(sh.state.aliases[name])}\n")
        return 0
    status = 0
    for a in args:
        if "=" in a:
            name, _, value = a.partition("=")
            if not name or any(c in name for c in "/$`=\"' \t"):
                await sh.error(f"alias: `{name}': invalid alias name")
                status = 1
                continue
            sh.state.aliases[name] = value
        elif a in sh.state.aliases:
            await sh.out(f"alias {a}={_quote_alias(sh.state.aliases[a])}\n")
        else:
            await sh.error(f"alias: {a}: not found")
            status = 1
    return status


def _quote_alias(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


async def unalias(sh: Shell, argv: list[str]) -> int:
    args = argv[1:]
    if args and args[0] == "-a":
        sh.state.aliases.clear()
        return 0
    if not args:
        await sh.usage("unalias: usage: unalias [-a] name [name ...]")
        return 2
    status = 0
    for name in args:
        if sh.state.aliases.pop(name, None) is None:
            await sh.error(f"unalias: {name}: not found")
            status = 1
    return status


async def let(sh: Shell, argv: list[str]) -> int:
    if len(argv) < 2:
        await sh.error("let: expression expected")
        return 1
    value = 0
    for expr in argv[1:]:
        try:
            value = evaluate_arith(expr, sh.state)
        except ArithError as e:
            await sh.error(f"let: {e.message}")
            return 1
    return int(value == 0)


async def times(sh: Shell, argv: list[str]) -> int:
    await sh.out("0m0.000s 0m0.000s\n0m0.000s 0m0.000s\n")
    return 0


async def history(sh: Shell, argv: list[str]) -> int:
    args = argv[1:]
    if args and args[0] == "-c":
        sh.state.history.clear()
        return 0
    entries = sh.state.history
    start = max(0, len(entries) - int(args[0])) if args and args[0].isdigit() else 0
    for k in range(start, len(entries)):
        await sh.out(f"{k + 1:5d}  {entries[k]}\n")
    return 0


__all__ = ["KEYWORDS", "describe"]
