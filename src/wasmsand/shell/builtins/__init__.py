"""The builtin table: name -> ``async def builtin(shell, argv) -> status``.

Each theme lives in its own module; this is the one place wiring them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from . import core, introspect, io, system, variables

if TYPE_CHECKING:
    from ..executor import Shell

Builtin = Callable[["Shell", list[str]], Awaitable[int]]

BUILTINS: dict[str, Builtin] = {
    ":": core.colon,
    "true": core.colon,
    "false": core.false,
    "exit": core.exit_,
    "return": core.return_,
    "break": core.break_,
    "continue": core.continue_,
    "eval": core.eval_,
    "source": core.source,
    ".": core.source,
    "shift": core.shift,
    "exec": core.exec_,
    "command": core.command,
    "builtin": core.builtin,
    "type": core.type_,
    "hash": core.hash_,
    "alias": core.alias,
    "unalias": core.unalias,
    "let": core.let,
    "times": core.times,
    "history": core.history,
    "caller": introspect.caller,
    "disown": system.disown,
    "enable": introspect.enable,
    "help": introspect.help_,
    "compgen": introspect.compgen,
    "logout": introspect.logout,
    "suspend": introspect.suspend,
    "echo": io.echo,
    "printf": io.printf,
    "read": io.read,
    "mapfile": io.mapfile,
    "readarray": io.mapfile,
    "declare": variables.declare,
    "typeset": variables.declare,
    "local": variables.local,
    "export": variables.export,
    "readonly": variables.readonly,
    "unset": variables.unset,
    "set": variables.set_,
    "shopt": variables.shopt,
    "getopts": variables.getopts,
    "cd": system.cd,
    "pwd": system.pwd,
    "pushd": system.pushd,
    "popd": system.popd,
    "dirs": system.dirs,
    "umask": system.umask,
    "wait": system.wait,
    "jobs": system.jobs,
    "kill": system.kill,
    "trap": system.trap,
    "test": system.test,
    "[": system.test,
}
