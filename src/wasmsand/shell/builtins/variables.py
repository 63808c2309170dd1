"""Variables and options: declare typeset local export readonly unset set
shopt getopts."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..errors import ShellError
from ..printer import function_text
from ..state import FLAG_TO_OPTION, SET_OPTIONS, SHOPT_OPTIONS, Var, last_index

if TYPE_CHECKING:
    from ..executor import Shell

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(\[(.*)\])?(\+?=)(.*)", re.S)
_ATTR_ORDER = "aAilnrtux"


def _dq(value: str) -> str:
    """A value as `declare -p` shows it: double-quoted, or ``$'...'`` when
    it holds control characters."""
    from ..expand import ansi_c_quote, needs_ansi_c

    if needs_ansi_c(value):
        return ansi_c_quote(value)
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("`", "\\`") + '"'


def declare_line(name: str, var: Var) -> str:
    """``declare -p`` output for one variable."""
    flags = "".join(c for c in _ATTR_ORDER if c in var.attrs and not (c == "a" and "A" in var.attrs))
    flags = flags or "-"
    v = var.value
    if v is None:
        return f"declare -{flags} {name}"
    if isinstance(v, dict):
        if "A" in var.attrs:
            body = "".join(f"[{_assoc_key(k)}]={_dq(x)} " for k, x in v.items())  # type: ignore[arg-type]
        else:
            body = " ".join(f"[{k}]={_dq(x)}" for k, x in v.items())  # type: ignore[union-attr]
        return f"declare -{flags} {name}=({body})"
    return f"declare -{flags} {name}={_dq(v)}"


def _assoc_key(k: str) -> str:
    return _dq(k) if re.search(r"[\s\"'\\$`]", k) or k == "" else k


async def _parse_flags(
    sh: Shell, cmd: str, args: list[str], allowed: str
) -> tuple[set[str], set[str], list[str]] | None:
    on: set[str] = set()
    off: set[str] = set()
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            i += 1
            break
        if len(a) < 2 or a[0] not in "-+" or _ASSIGN.match(a):
            break
        for c in a[1:]:
            if c not in allowed:
                await sh.error(f"{cmd}: {a[0]}{c}: invalid option")
                await sh.usage(_usage(cmd))
                return None
            (on if a[0] == "-" else off).add(c)
        i += 1
    return on, off, args[i:]


def _usage(cmd: str) -> str:
    if cmd == "export":
        return "export: usage: export [-fn] [name[=value] ...] or export -p"
    if cmd == "readonly":
        return "readonly: usage: readonly [-aAf] [name[=value] ...] or readonly -p"
    if cmd == "local":
        return "local: usage: local [option] name[=value] ..."
    return f"{cmd}: usage: {cmd} [-aAfFgiIlnrtux] [name[=value] ...] or {cmd} -p [-aAfFilnrtux] [name ...]"


async def declare(sh: Shell, argv: list[str], *, local: bool = False, cmd: str | None = None) -> int:
    cmd = cmd or argv[0]
    st = sh.state
    if local and not st.frames:
        await sh.error("local: can only be used in a function")
        return 1
    parsed = await _parse_flags(sh, cmd, argv[1:], "aAfFgilnprtuxI")
    if parsed is None:
        return 2
    on, off, names = parsed
    scoped = (local or (bool(st.frames) and "g" not in on)) and cmd in ("declare", "typeset", "local")
    if "f" in on or "F" in on:
        return await _declare_functions(sh, on, names)
    if "p" in on or (not names and not (on - {"g"}) and not off):
        return await _print_vars(sh, on, names, cmd)
    if not names:
        return await _print_vars(sh, on | {"p"}, [], cmd)
    status = 0
    for item in names:
        m = _ASSIGN.match(item)
        name = m.group(1) if m else item
        if not _NAME.fullmatch(name):
            await sh.error(f"{cmd}: `{item}': not a valid identifier")
            status = 1
            continue
        if scoped:
            var = st.frames[-1].local_vars.get(name) if st.frames else None
            if var is None:
                var = st.declare_local(name) if st.frames else st.globals.setdefault(name, Var(None, set()))
        else:
            var = st.lookup(name)
            if var is None:
                var = Var(None, set())
                st.globals[name] = var
        if "r" in var.attrs and (m or (on - {"r", "x"})):
            await sh.error(f"{cmd}: {name}: readonly variable")
            status = 1
            continue
        if "A" in on and isinstance(var.value, dict) and "A" not in var.attrs and (var.value or "a" in var.attrs):
            await sh.error(f"{cmd}: {name}: cannot convert indexed to associative array")
            status = 1
            continue
        if "a" in on and "A" in var.attrs:
            await sh.error(f"{cmd}: {name}: cannot convert associative to indexed array")
            status = 1
            continue
        for c in on:
            if c in "aA" and not isinstance(var.value, dict):
                var.value = {} if var.value is None else ({"0": var.value} if c == "A" else {0: var.value})
            if c in "aAilntux":  # readonly comes after the value is set
                var.attrs.add(c)
            if c == "l":
                var.attrs.discard("u")
            if c == "u":
                var.attrs.discard("l")
        for c in off:
            if c == "r":
                continue
            var.attrs.discard(c)
        if m:
            op, value = m.group(4), m.group(5)
            try:
                if value.startswith("(") and value.endswith(")") and m.group(2) is None:
                    await _assign_compound(sh, name, value[1:-1], op == "+=", scoped)
                elif m.group(2) is not None:
                    key = m.group(3)
                    if not var.is_assoc:
                        from ..arith import evaluate_arith

                        key = str(evaluate_arith(key, st))
                    st.set_element(name, key, value)
                else:
                    if op == "+=" and var.value is not None:
                        if "i" in var.attrs:
                            from ..arith import evaluate_arith

                            value = str(evaluate_arith(f"{var.scalar() or 0}+({value})", st))
                        else:
                            value = (var.scalar() or "") + value
                    st.set(name, value, local=scoped)
            except ShellError as e:
                await sh.error(e.message)
                status = 1
        if "r" in on:
            var.attrs.add("r")
    return status


async def _assign_compound(sh: Shell, name: str, body: str, append: bool, local: bool) -> None:
    """declare a=(...): the parenthesized text is parsed as an array."""
    from .. import ast
    from ..parser import Parser

    p = Parser(f"{name}{'+=' if append else '='}({body})")
    tok = p.peek()
    if tok.assign is None:
        raise ShellError(f"{name}: bad array assignment")
    await sh.assign(tok.assign, local=local)
    del ast


async def _declare_functions(sh: Shell, on: set[str], names: list[str]) -> int:
    st = sh.state
    targets = names or sorted(st.functions)
    status = 0
    for name in targets:
        fn = st.functions.get(name)
        if fn is None:
            status = 1
            continue
        if "F" in on:
            await sh.out(f"{name}\n" if names else f"declare -f {name}\n")
        else:
            await sh.out(function_text(fn) + "\n")
    return status


async def _print_vars(sh: Shell, on: set[str], names: list[str], cmd: str) -> int:
    st = sh.state
    status = 0
    if names:
        for name in names:
            var = st.lookup(name)
            if var is None:
                await sh.error(f"{cmd}: {name}: not found")
                status = 1
                continue
            await sh.out(declare_line(name, var) + "\n")
        return status
    want = on - {"p", "g"}
    for name in st.all_names():
        var = st.lookup(name)
        if var is None or (want and not want <= var.attrs | ({"a"} if var.is_array and not var.is_assoc else set())):
            continue
        if "p" in on or want:
            await sh.out(declare_line(name, var) + "\n")
        else:
            await sh.out(_set_line(name, var) + "\n")
    return status


def _set_line(name: str, var: Var) -> str:
    from ..expand import quote_for_reuse

    v = var.value
    if isinstance(v, dict):
        if var.is_assoc:
            body = "".join(f"[{k}]={_dq(x)} " for k, x in v.items())  # type: ignore[union-attr]
        else:
            body = " ".join(f"[{k}]={_dq(x)}" for k, x in v.items())  # type: ignore[union-attr]
        return f"{name}=({body})"
    return f"{name}={quote_for_reuse(v or '')}"


async def local(sh: Shell, argv: list[str]) -> int:
    frames = sh.state.frames
    if len(argv) == 1 and frames:  # the function's own variables
        for name, var in frames[-1].local_vars.items():
            await sh.out(declare_line(name, var) + "\n")
        return 0
    return await declare(sh, argv, local=True, cmd="local")


async def export(sh: Shell, argv: list[str]) -> int:
    parsed = await _parse_flags(sh, "export", argv[1:], "fnp")
    if parsed is None:
        return 2
    on, _off, names = parsed
    st = sh.state
    if "f" in on:
        return await _export_functions(sh, on, names)
    if not names or "p" in on:
        for name in st.all_names():
            var = st.lookup(name)
            if var is not None and "x" in var.attrs:
                await sh.out(declare_line(name, var) + "\n")
        return 0
    status = 0
    for item in names:
        m = _ASSIGN.match(item)
        name = m.group(1) if m else item
        if not _NAME.fullmatch(name):
            await sh.error(f"export: `{item}': not a valid identifier")
            status = 1
            continue
        if "n" in on:
            var = st.lookup(name)
            if var is not None:
                var.attrs.discard("x")
            continue
        try:
            if m:
                value = m.group(5)
                if m.group(4) == "+=":
                    value = (st.get(name) or "") + value
                st.set(name, value, export=True)
            else:
                var = st.lookup(name)
                if var is None:
                    var = Var(None, set())
                    st.globals[name] = var
                var.attrs.add("x")
        except ShellError as e:
            await sh.error(f"export: {e.message}" if not e.message.startswith(name) else e.message)
            status = 1
    return status


async def _export_functions(sh: Shell, on: set[str], names: list[str]) -> int:
    """``export -f``: functions that child shells get (``-n`` takes that
    back); without names, the exported ones as `declare -f` shows them."""
    st = sh.state
    if not names:
        for name in sorted(st.exported_functions & st.functions.keys()):
            await sh.out(function_text(st.functions[name]) + f"\ndeclare -fx {name}\n")
        return 0
    status = 0
    for name in names:
        if name not in st.functions:
            await sh.error(f"export: {name}: not a function")
            status = 1
        elif "n" in on:
            st.exported_functions.discard(name)
        else:
            st.exported_functions.add(name)
    return status


async def readonly(sh: Shell, argv: list[str]) -> int:
    parsed = await _parse_flags(sh, "readonly", argv[1:], "aAfp")
    if parsed is None:
        return 2
    on, _off, names = parsed
    st = sh.state
    if not names or "p" in on:
        for name in st.all_names():
            var = st.lookup(name)
            if var is not None and "r" in var.attrs:
                await sh.out(declare_line(name, var) + "\n")
        return 0
    status = 0
    for item in names:
        m = _ASSIGN.match(item)
        name = m.group(1) if m else item
        if not _NAME.fullmatch(name):
            await sh.error(f"readonly: `{item}': not a valid identifier")
            status = 1
            continue
        var = st.lookup(name)
        if m:
            if var is not None and "r" in var.attrs:
                await sh.error(f"{name}: readonly variable")
                status = 1
                continue
            value = m.group(5)
            if value.startswith("(") and value.endswith(")"):
                await _assign_compound(sh, name, value[1:-1], False, False)
            else:
                st.set(name, value)
            var = st.lookup(name)
        elif var is None:
            var = Var(None, set())
            st.globals[name] = var
        assert var is not None
        var.attrs.add("r")
        for c in "aA":
            if c in on:
                var.attrs.add(c)
    return status


async def unset(sh: Shell, argv: list[str]) -> int:
    parsed = await _parse_flags(sh, "unset", argv[1:], "fvn")
    if parsed is None:
        return 2
    on, _off, names = parsed
    st = sh.state
    status = 0
    for name in names:
        if "f" in on:
            st.remove_function(name)
            continue
        m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)\[(.*)\]", name, re.S)
        if m:
            var = st.lookup(m.group(1))
            if var is None:
                continue
            if "r" in var.attrs:
                await sh.error(f"unset: {m.group(1)}: cannot unset: readonly variable")
                status = 1
                continue
            key = m.group(2)
            if isinstance(var.value, dict):
                if key in ("@", "*"):
                    var.value.clear()
                elif var.is_assoc:
                    var.value.pop(key, None)  # type: ignore[call-overload]
                else:
                    from ..arith import evaluate_arith

                    index = evaluate_arith(key, st)
                    if index < 0:
                        index += last_index(var.value)  # type: ignore[arg-type]
                    var.value.pop(index, None)  # type: ignore[call-overload]
            elif key in ("0", "@", "*"):
                st.unset(m.group(1))
            continue
        if not _NAME.fullmatch(name):
            if "v" not in on:  # bash then takes it as a function's name
                st.remove_function(name)
                continue
            await sh.error(f"unset: `{name}': not a valid identifier")
            status = 1
            continue
        try:
            if "v" not in on and st.lookup(name) is None and name in st.functions:
                st.remove_function(name)
                continue
            st.unset(name)
        except ShellError as e:
            await sh.error(e.message)
            status = 1
    return status


async def set_(sh: Shell, argv: list[str]) -> int:
    st = sh.state
    args = argv[1:]
    if not args:
        for name in st.all_names():
            var = st.lookup(name)
            if var is not None and var.value is not None:
                await sh.out(_set_line(name, var) + "\n")
        for name in sorted(st.functions):
            await sh.out(function_text(st.functions[name]) + "\n")
        return 0
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-", "--"):
            st.positional = args[i + 1 :]
            if a == "-":
                st.options.discard("xtrace")
                st.options.discard("verbose")
            return 0
        if a[0] not in "-+" or len(a) < 2:
            st.positional = args[i:]
            return 0
        enable = a[0] == "-"
        for k, c in enumerate(a[1:]):
            if c == "o":
                if i + 1 >= len(args) or k != len(a) - 2:
                    await _print_options(sh, enable)
                    if i + 1 >= len(args):
                        return 0
                    break
                name = args[i + 1]
                i += 1
                if name not in SET_OPTIONS:
                    await sh.error(f"set: {name}: invalid option name")
                    return 2
                _toggle(st.options, name, enable)
                break
            option = FLAG_TO_OPTION.get(c)
            if option is None:
                await sh.error(f"set: {a[0]}{c}: invalid option")
                await sh.usage("set: usage: set [-abefhkmnptuvxBCEHPT] [-o option-name] [--] [-] [arg ...]")
                return 2
            _toggle(st.options, option, enable)
        i += 1
    return 0


def _toggle(options: set[str], name: str, enable: bool) -> None:
    if enable:
        options.add(name)
    else:
        options.discard(name)


async def _print_options(sh: Shell, minus: bool) -> None:
    opts = sh.state.options
    for name in SET_OPTIONS:
        if minus:
            await sh.out(f"{name:<15}\t{'on' if name in opts else 'off'}\n")
        else:
            await sh.out(f"set {'-' if name in opts else '+'}o {name}\n")


async def shopt(sh: Shell, argv: list[str]) -> int:
    args = argv[1:]
    mode = ""
    quiet = False
    use_set = False
    printable = False
    while args and args[0].startswith("-"):
        for c in args[0][1:]:
            if c in "su":
                mode = c
            elif c == "q":
                quiet = True
            elif c == "o":
                use_set = True
            elif c == "p":
                printable = True
            else:
                await sh.error(f"shopt: -{c}: invalid option")
                await sh.usage("shopt: usage: shopt [-pqsu] [-o] [optname ...]")
                return 2
        args = args[1:]
    table: tuple[str, ...] = tuple(SET_OPTIONS) if use_set else SHOPT_OPTIONS
    enabled = sh.state.options if use_set else sh.state.shopts
    status = 0
    if mode:
        for name in args:
            if name not in table:
                await sh.error(f"shopt: {name}: invalid shell option name")
                status = 1
                continue
            _toggle(enabled, name, mode == "s")
        if args:
            return status
    names = args or list(table)
    for name in names:
        if name not in table:
            await sh.error(f"shopt: {name}: invalid shell option name")
            status = 1
            continue
        on = name in enabled
        if mode and ((mode == "s") != on):
            continue
        if not on:
            status = 1 if args else status
        if quiet:
            continue
        if printable or mode:
            flag = "-s" if on else "-u"
            await sh.out(f"{'set -o' if use_set and on else 'set +o' if use_set else 'shopt ' + flag} {name}\n")
        else:
            await sh.out(f"{name:<15}\t{'on' if on else 'off'}\n")
    return status


async def getopts(sh: Shell, argv: list[str]) -> int:
    if len(argv) < 3:
        await sh.usage("getopts: usage: getopts optstring name [arg ...]")
        return 2
    optstring, name = argv[1], argv[2]
    if not _NAME.fullmatch(name):
        await sh.error(f"getopts: `{name}': not a valid identifier")
        return 1
    st = sh.state
    args = argv[3:] if len(argv) > 3 else list(st.positional)
    silent = optstring.startswith(":")
    report = not silent and st.get("OPTERR") != "0"
    if silent:
        optstring = optstring[1:]
    try:
        optind = int(st.get("OPTIND") or "1")
    except ValueError:
        optind = 1
    if optind < 1:
        optind = 1
    if optind != getattr(st, "_getopts_ind", None):
        st.getopts_nextchar = 0
    nextchar = st.getopts_nextchar

    def finish(ind: int, nc: int) -> None:
        st.getopts_nextchar = nc
        st._getopts_ind = ind  # type: ignore[attr-defined]
        st.set("OPTIND", str(ind))

    if nextchar == 0:
        if optind > len(args):
            st.set(name, "?")
            finish(optind, 0)
            return 1
        arg = args[optind - 1]
        if arg == "--":
            st.set(name, "?")
            finish(optind + 1, 0)
            return 1
        if not arg.startswith("-") or arg == "-":
            st.set(name, "?")
            finish(optind, 0)
            return 1
        nextchar = 1
    arg = args[optind - 1]
    c = arg[nextchar]
    nextchar += 1
    if nextchar >= len(arg):
        optind += 1
        nextchar = 0
    pos = optstring.find(c)
    if pos < 0 or c == ":":
        if silent:
            st.set("OPTARG", c)
        else:
            st.unset("OPTARG")
            if report:
                await sh.write(2, f"{st.argv0}: illegal option -- {c}\n".encode())
        st.set(name, "?")
        finish(optind, nextchar)
        return 0
    if pos + 1 < len(optstring) and optstring[pos + 1] == ":":
        if nextchar:
            st.set("OPTARG", arg[nextchar:])
            optind += 1
            nextchar = 0
        elif optind <= len(args):
            st.set("OPTARG", args[optind - 1])
            optind += 1
        else:
            if silent:
                st.set(name, ":")
                st.set("OPTARG", c)
            else:
                st.set(name, "?")
                st.unset("OPTARG")
                if report:
                    await sh.write(2, f"{st.argv0}: option requires an argument -- {c}\n".encode())
            finish(optind, 0)
            return 0
    else:
        st.unset("OPTARG")
    st.set(name, c)
    finish(optind, nextchar)
    return 0
