"""The state of one shell: variables (scalars, indexed and associative
arrays, with attributes and dynamic scopes), functions, aliases, options,
positional parameters, traps, jobs and the directory stack.

A subshell gets a copy (``clone``); nothing mutable is shared with it but
the filesystem.
"""

from __future__ import annotations

import copy
import random
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .errors import AbandoningError, ShellError

if TYPE_CHECKING:
    from ..vfs import Directory
    from . import ast

__all__ = ["BASH_VERSION", "SET_OPTIONS", "SHOPT_OPTIONS", "ShellState", "Var"]

BASH_VERSION = "5.2.15(1)-release"

# `set -o` names, in bash's order, with their single-letter flags.
SET_OPTIONS: dict[str, str] = {
    "allexport": "a", "braceexpand": "B", "emacs": "", "errexit": "e", "errtrace": "E", "functrace": "T",
    "hashall": "h", "histexpand": "H", "history": "", "ignoreeof": "", "interactive-comments": "",
    "keyword": "k", "monitor": "m", "noclobber": "C", "noexec": "n", "noglob": "f", "nolog": "",
    "notify": "b", "nounset": "u", "onecmd": "t", "physical": "P", "pipefail": "", "posix": "",
    "privileged": "p", "verbose": "v", "vi": "", "xtrace": "x",
}  # fmt: skip
FLAG_TO_OPTION = {flag: name for name, flag in SET_OPTIONS.items() if flag}

SHOPT_OPTIONS: tuple[str, ...] = (
    "autocd", "assoc_expand_once", "cdable_vars", "cdspell", "checkhash", "checkjobs", "checkwinsize",
    "cmdhist", "compat31", "compat32", "compat40", "compat41", "compat42", "compat43", "compat44",
    "complete_fullquote", "direxpand", "dirspell", "dotglob", "execfail", "expand_aliases", "extdebug",
    "extglob", "extquote", "failglob", "force_fignore", "globasciiranges", "globskipdots", "globstar",
    "gnu_errfmt", "histappend", "histreedit", "histverify", "hostcomplete", "huponexit",
    "inherit_errexit", "interactive_comments", "lastpipe", "lithist", "localvar_inherit",
    "localvar_unset", "login_shell", "mailwarn", "no_empty_cmd_completion", "nocaseglob", "nocasematch",
    "noexpand_translation", "nullglob", "patsub_replacement", "progcomp", "progcomp_alias",
    "promptvars", "restricted_shell", "shift_verbose", "sourcepath", "varredir_close", "xpg_echo",
)  # fmt: skip
DEFAULT_SHOPTS = frozenset(
    ("checkwinsize", "cmdhist", "complete_fullquote", "extquote", "force_fignore", "globasciiranges", "globskipdots",
     "hostcomplete", "interactive_comments", "patsub_replacement", "progcomp", "promptvars", "sourcepath")
)  # fmt: skip


def put_index(d: dict[int, str], index: int, value: str) -> None:
    """Stores an element of an indexed array, keeping the dict in index
    order (so listing needs no sort and the last key is the largest)."""
    if not d or index > next(reversed(d)) or index in d:
        d[index] = value
        return
    d[index] = value
    ordered = sorted(d.items())
    d.clear()
    d.update(ordered)


def last_index(d: dict[int, str]) -> int:
    """One past the largest index (0 for an empty array)."""
    return next(reversed(d)) + 1 if d else 0


@dataclass(slots=True)
class Var:
    """A variable. ``value`` is a str (scalar), a dict[int, str] (indexed
    array, sparse, kept in index order) or a dict[str, str] (associative
    array, with "A" in attrs), or None (declared but unset)."""

    value: str | dict[int, str] | dict[str, str] | None
    attrs: set[str] = field(default_factory=set)  # x r i a A l u n t

    @property
    def is_array(self) -> bool:
        return isinstance(self.value, dict)

    @property
    def is_assoc(self) -> bool:
        return "A" in self.attrs

    def scalar(self) -> str | None:
        """The value as $name sees it (element 0 of an array)."""
        v = self.value
        if isinstance(v, dict):
            if "A" in self.attrs:
                return v.get("0")  # type: ignore[call-overload,no-any-return]
            return v.get(0)  # type: ignore[call-overload,no-any-return]
        return v

    def elements(self) -> list[str]:
        v = self.value
        if isinstance(v, dict):
            if "A" in self.attrs:
                return list(v.values())
            return list(v.values())
        return [] if v is None else [v]

    def keys(self) -> list[str]:
        v = self.value
        if isinstance(v, dict):
            if "A" in self.attrs:
                return list(v.keys())  # type: ignore[arg-type]
            return [str(k) for k in v]
        return [] if v is None else ["0"]


@dataclass
class Job:
    number: int
    pids: list[int]
    command: str
    status: int | None = None


@dataclass
class Frame:
    """One function call: its locals and where it was called from."""

    name: str
    local_vars: dict[str, Var]
    line: int
    source: str


class ShellState:
    """Everything a shell remembers between commands."""

    def __init__(self, cwd: Directory, env: dict[str, str]) -> None:
        self.globals: dict[str, Var] = {}
        self.frames: list[Frame] = []
        self.functions: dict[str, ast.FunctionDef] = {}
        self.exported_functions: set[str] = set()  # export -f: passed to child shells
        self.function_files: dict[str, str] = {}  # where each function was defined (BASH_SOURCE)
        self.current_command: ast.SimpleCommand | None = None  # BASH_COMMAND (not updated in traps)
        self.aliases: dict[str, str] = {}
        self.options: set[str] = {"braceexpand", "hashall", "interactive-comments"}
        self.shopts: set[str] = set(DEFAULT_SHOPTS)
        self.positional: list[str] = []
        self.argv0 = "bash"
        self.last_status = 0
        self.last_bg_pid: int | None = None
        self.pipestatus: list[int] = [0]
        self.traps: dict[str, str] = {}
        self.dirstack: list[str] = []
        self.cwd = cwd
        self.shell_pid = 1
        self.jobs: list[Job] = []
        self.procsub_pids: list[int] = []
        self.hash: dict[str, str] = {}
        self.return_traps_set = 0  # counts `trap ... RETURN`: a function that sets one sees it fire
        self.hash_hits: dict[str, int] = {}
        self.disabled_builtins: set[str] = set()  # enable -n
        self.history: list[str] = []
        self.rng = random.Random()
        self.start_time = time.monotonic()
        self.seconds_base = 0
        self.lineno = 0
        self.source_stack: list[str] = []
        self.source_call_lines: list[int] = []  # where each `source` running now was called (BASH_LINENO)
        self.subshell_level = 0
        self.trace_depth = 0  # eval, source and command substitution nesting, for set -x
        self.interactive = False
        self.getopts_nextchar = 0
        for name, value in env.items():
            if name.startswith("BASH_FUNC_") and name.endswith("%%") and self._import_function(name[10:-2], value):
                continue
            self.globals[name] = Var(value, {"x"})
        self.globals["_"] = Var("bash", set())

    def _import_function(self, name: str, text: str) -> bool:
        """A function a parent exported (``BASH_FUNC_name%%=() {...}``)."""
        from . import ast
        from .errors import ParseError
        from .parser import parse

        if not text.startswith("() "):
            return False
        try:
            lists = parse(f"{name} {text}")
        except ParseError:
            return False
        if len(lists) != 1 or len(lists[0].items) != 1:
            return False
        item = lists[0].items[0].command
        fn = item.first.commands[0] if not item.rest and len(item.first.commands) == 1 else None
        if not isinstance(fn, ast.FunctionDef) or fn.name != name:
            return False
        self.functions[name] = fn
        self.exported_functions.add(name)
        return True

    def remove_function(self, name: str) -> None:
        self.functions.pop(name, None)
        self.exported_functions.discard(name)

    # -- scopes --------------------------------------------------------------

    def _scope_of(self, name: str) -> dict[str, Var]:
        for frame in reversed(self.frames):
            if name in frame.local_vars:
                return frame.local_vars
        return self.globals

    def lookup(self, name: str) -> Var | None:
        for frame in reversed(self.frames):
            var = frame.local_vars.get(name)
            if var is not None:
                return var
        return self.globals.get(name)

    def resolve_nameref(self, name: str, depth: int = 0) -> str:
        var = self.lookup(name)
        if var is not None and "n" in var.attrs and isinstance(var.value, str) and var.value and depth < 10:
            return self.resolve_nameref(var.value, depth + 1)
        return name

    def get(self, name: str) -> str | None:
        var = self.lookup(name)
        return None if var is None else var.scalar()

    def set(self, name: str, value: str, *, local: bool = False, export: bool | None = None) -> Var:
        """Assigns a scalar (element 0 of an array), honouring readonly,
        integer and case attributes."""
        name = self.resolve_nameref(name)
        scope = self.frames[-1].local_vars if local and self.frames else self._scope_of(name)
        var = scope.get(name)
        if var is None:
            var = Var(None, set())
            scope[name] = var
        self.check_writable(name, var)
        value = self._transform(var, value)
        if isinstance(var.value, dict):
            if var.is_assoc:
                var.value["0"] = value  # type: ignore[index]
            else:
                var.value[0] = value  # type: ignore[index]
        else:
            var.value = value
        if export or (export is None and "allexport" in self.options):
            var.attrs.add("x")
        return var

    def check_writable(self, name: str, var: Var) -> None:
        if "r" in var.attrs:
            raise ShellError(f"{name}: readonly variable")

    def _transform(self, var: Var, value: str) -> str:
        if "i" in var.attrs:
            from .arith import evaluate_arith

            value = str(evaluate_arith(value, self))
        if "l" in var.attrs:
            value = value.lower()
        elif "u" in var.attrs:
            value = value.upper()
        return value

    def set_element(self, name: str, key: str | int, value: str) -> None:
        name = self.resolve_nameref(name)
        scope = self._scope_of(name)
        var = scope.get(name)
        if var is None:
            var = Var({}, {"a"})
            scope[name] = var
        self.check_writable(name, var)
        value = self._transform(var, value)
        if not isinstance(var.value, dict):
            old = var.value
            var.value = {} if old is None else {0: old}
            var.attrs.add("a")
        if var.is_assoc:
            var.value[str(key)] = value  # type: ignore[index]
        else:
            index = int(key)
            if index < 0:
                top = last_index(var.value)  # type: ignore[arg-type]
                if top + index < 0:
                    raise AbandoningError(f"{name}[{index}]: bad array subscript")
                index = top + index
            put_index(var.value, index, value)  # type: ignore[arg-type]

    def set_array(
        self, name: str, values: dict[int, str] | dict[str, str], *, assoc: bool = False, local: bool = False
    ) -> Var:
        name = self.resolve_nameref(name)
        scope = self.frames[-1].local_vars if local and self.frames else self._scope_of(name)
        var = scope.get(name)
        if var is None:
            var = Var(None, set())
            scope[name] = var
        self.check_writable(name, var)
        if assoc or var.is_assoc:
            var.attrs.add("A")
            var.attrs.discard("a")
        else:
            var.attrs.add("a")  # callers pass indexed arrays in index order
        var.value = values
        return var

    def unset(self, name: str) -> None:
        name = self.resolve_nameref(name)
        scope = self._scope_of(name)
        var = scope.get(name)
        if var is None:
            return
        if "r" in var.attrs:
            raise ShellError(f"unset: {name}: cannot unset: readonly variable")
        if scope is self.globals:
            del scope[name]
        else:
            # A local stays declared (and shadows outer ones) but unset.
            scope[name] = Var(None, set())

    def declare_local(self, name: str) -> Var:
        if not self.frames:
            raise ShellError("local: can only be used in a function")
        frame = self.frames[-1].local_vars
        var = frame.get(name)
        if var is None:
            outer = self.lookup(name)
            var = Var(None, set())
            if outer is not None and "localvar_inherit" in self.shopts:
                var.value = copy.copy(outer.value)
            frame[name] = var
        return var

    def exported(self) -> dict[str, str]:
        """The environment a child process gets."""
        env: dict[str, str] = {}
        seen: set[str] = set()
        scopes = [f.local_vars for f in reversed(self.frames)] + [self.globals]
        for scope in scopes:
            for name, var in scope.items():
                if name in seen:
                    continue
                seen.add(name)
                if "x" in var.attrs and not var.is_array:
                    value = var.scalar()
                    if value is not None:
                        env[name] = value
        if self.exported_functions:
            from .printer import exported_function_text

            for name in sorted(self.exported_functions):
                if name in self.functions:
                    env[f"BASH_FUNC_{name}%%"] = exported_function_text(self.functions[name])
        return env

    def sourced_files(self) -> list[str]:
        """The script and sourced files being read, outermost first (not
        the -c string, eval text or standard input)."""
        return [s for s in self.source_stack if s not in ("-c", "eval", "stdin")]

    def all_names(self) -> list[str]:
        names = set(self.globals)
        for f in self.frames:
            names.update(f.local_vars)
        return sorted(names)

    # -- options -------------------------------------------------------------

    def flags(self) -> str:
        """$-"""
        out = "".join(flag for name, flag in SET_OPTIONS.items() if flag and name in self.options)
        order = "abefhkmnptuvxBCEHPT"
        s = "".join(c for c in order if c in out)
        if self.interactive:
            s += "i"
        return s + "c" if not self.interactive and self.source_stack == ["-c"] else s

    # -- subshells -------------------------------------------------------------

    def clone(self) -> ShellState:
        """A subshell's copy: all of it, deeply, except the function bodies
        (immutable) and the cwd inode (shared by design)."""
        other = copy.copy(self)
        other.globals = {k: Var(copy.copy(v.value), set(v.attrs)) for k, v in self.globals.items()}
        other.frames = [
            Frame(f.name, {k: Var(copy.copy(v.value), set(v.attrs)) for k, v in f.local_vars.items()}, f.line, f.source)
            for f in self.frames
        ]
        other.functions = dict(self.functions)
        other.exported_functions = set(self.exported_functions)
        other.function_files = dict(self.function_files)
        other.aliases = dict(self.aliases)
        other.options = set(self.options)
        other.shopts = set(self.shopts)
        other.positional = list(self.positional)
        other.pipestatus = list(self.pipestatus)
        other.traps = {k: v for k, v in self.traps.items() if v == ""}  # ignored signals stay ignored
        other.dirstack = list(self.dirstack)
        other.jobs = []
        other.procsub_pids = []
        other.hash = dict(self.hash)
        other.hash_hits = dict(self.hash_hits)
        other.disabled_builtins = set(self.disabled_builtins)
        other.rng = random.Random(self.rng.random())
        other.source_stack = list(self.source_stack)
        other.source_call_lines = list(self.source_call_lines)
        other.subshell_level = self.subshell_level + 1
        return other
