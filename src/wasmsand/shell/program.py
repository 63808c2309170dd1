"""`bash` and `sh` as programs of the sandbox: `bash -c`, `bash script`,
shebang scripts, and scripts read from standard input."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..process.programs import PythonProgram
from ..vfs import Errno, VfsError, strerror
from .errors import ExitShell, ShellError
from .executor import Shell
from .state import BASH_VERSION, FLAG_TO_OPTION, SET_OPTIONS, SHOPT_OPTIONS, ShellState

if TYPE_CHECKING:
    from ..process.kernel import Kernel
    from ..process.process import Process

__all__ = ["bash_main", "shell_program"]

_USAGE = "Usage:\tbash [GNU long option] [option] ...\n\tbash [GNU long option] [option] script-file ...\n"
_LONG_OPTIONS = [
    "debug",
    "debugger",
    "dump-po-strings",
    "dump-strings",
    "help",
    "init-file",
    "login",
    "noediting",
    "noprofile",
    "norc",
    "posix",
    "pretty-print",
    "rcfile",
    "restricted",
    "verbose",
    "version",
]
# What bash prints after an invalid option: the usage, its long options and
# the short ones.
_BAD_OPTION_USAGE = (
    _USAGE
    + "GNU long options:\n"
    + "".join(f"\t--{o}\n" for o in _LONG_OPTIONS)
    + "Shell options:\n\t-ilrsD or -c command or -O shopt_option\t\t(invocation only)\n"
    + "\t-abefhkmnptuvxBCEHPT or -o option\n"
)


async def _write(proc: Process, fd: int, text: str) -> None:
    f = proc.fds.lookup(fd)
    if f is not None:
        try:
            f.write(text.encode("utf-8", "surrogateescape"))
        except VfsError:
            pass


async def bash_main(kernel: Kernel, proc: Process) -> int:
    argv = proc.argv
    invoked = argv[0].rsplit("/", 1)[-1] if argv else "bash"
    args = argv[1:]
    state = ShellState(proc.cwd, proc.env)
    state.shell_pid = proc.pid
    if "PWD" not in proc.env:
        state.set("PWD", kernel.fs.path_of(proc.cwd))
    command: str | None = None
    read_stdin = False
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("--norc", "--noprofile", "--login", "-l", "-i", "-p"):
            i += 1
            continue
        if a == "--posix":
            state.options.add("posix")
            state.set("POSIXLY_CORRECT", "y")
            i += 1
            continue
        if a == "--version":
            await _write(proc, 1, f"GNU bash, version {BASH_VERSION} (wasm32-wasmsand)\n")
            return 0
        if a == "--help":
            await _write(proc, 1, _USAGE)
            return 0
        if a == "--":
            i += 1
            break
        if a in ("-o", "+o", "-O", "+O") and i + 1 < len(args):
            # -o NAME as `set -o`, -O NAME as `shopt -s`
            name = args[i + 1]
            known, enabled, what = (
                (SET_OPTIONS, state.options, "option") if a[1] == "o" else (SHOPT_OPTIONS, state.shopts, "shell option")
            )
            if name not in known:
                await _write(proc, 2, f"{invoked}: {name}: invalid {what} name\n")
                return 2
            (enabled.add if a[0] == "-" else enabled.discard)(name)
            i += 2
            continue
        if len(a) > 1 and a[0] in "-+" and not a.startswith("--"):
            for c in a[1:]:
                if c == "c":
                    if a[0] == "-":
                        command = ""
                elif c == "s":
                    read_stdin = True
                elif c in FLAG_TO_OPTION:
                    (state.options.add if a[0] == "-" else state.options.discard)(FLAG_TO_OPTION[c])
                elif c not in "ilp":
                    await _write(proc, 2, f"{invoked}: {a[0]}{c}: invalid option\n{_BAD_OPTION_USAGE}")
                    return 2
            i += 1
            continue
        if a.startswith("--"):
            await _write(proc, 2, f"{invoked}: {a}: invalid option\n{_BAD_OPTION_USAGE}")
            return 2
        break
    rest = args[i:]
    sh = Shell(kernel, proc, state, name=invoked)
    if command is not None:
        if not rest:
            await _write(proc, 2, f"{invoked}: -c: option requires an argument\n")
            return 2
        command = rest[0]
        state.set("BASH_EXECUTION_STRING", command)
        sh.c_string = True
        if len(rest) > 1:
            state.argv0 = rest[1]
            state.positional = rest[2:]
            sh.name = rest[1]
            sh.command_mode = False
        else:
            state.argv0 = invoked
        state.source_stack = ["-c"]
        return await _run(sh, command)
    if rest and not read_stdin:
        path = rest[0]
        try:
            data = kernel.fs.read_file(path, proc.cwd)
        except VfsError as e:
            # bash opens a directory fine and fails reading it, as the script
            who = path if e.errno == Errno.EISDIR else invoked
            await _write(proc, 2, f"{who}: {path}: {strerror(e.errno)}\n")
            return 127 if e.errno == Errno.ENOENT else 126
        state.argv0 = path
        state.positional = rest[1:]
        state.source_stack = [path]
        sh.name = path
        sh.command_mode = False
        text = data.decode("utf-8", "surrogateescape")
        if text.startswith("#!"):
            text = "\n" + text.split("\n", 1)[1] if "\n" in text else ""
        return await _run(sh, text)
    state.positional = rest
    state.argv0 = invoked
    state.source_stack = ["stdin"]
    sh.command_mode = False
    chunks = []
    f = proc.fds.lookup(0)
    if f is not None:
        from ..process.py_task import block
        from ..process.waits import Readable

        while True:
            data = f.read(1 << 16)
            if data is None:
                await block(Readable(f))
                continue
            if not data:
                break
            chunks.append(data)
    return await _run(sh, b"".join(chunks).decode("utf-8", "surrogateescape"))


async def _run(sh: Shell, src: str) -> int:
    try:
        status = await sh.run_source(src)
    except ExitShell as e:
        status = e.status
        if not e.run_exit_trap:
            sh.state.traps.pop("EXIT", None)
    except ShellError as e:
        await sh.error(e.message)
        status = e.status
    return await sh.finish(status)


def shell_program(applet: str | None = None) -> PythonProgram:
    """The program behind /bin/bash and /bin/sh."""
    return PythonProgram("bash", bash_main)
