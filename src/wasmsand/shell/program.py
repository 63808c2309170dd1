"""`bash` and `sh` as programs of the sandbox: `bash -c`, `bash script`,
shebang scripts, and scripts read from standard input."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..process.programs import PythonProgram
from ..vfs import VfsError, strerror
from .errors import ExitShell, ShellError
from .executor import Shell
from .state import BASH_VERSION, FLAG_TO_OPTION, SET_OPTIONS, ShellState

if TYPE_CHECKING:
    from ..process.kernel import Kernel
    from ..process.process import Process

__all__ = ["bash_main", "shell_program"]

_USAGE = "Usage:\tbash [GNU long option] [option] ...\n\tbash [GNU long option] [option] script-file ...\n"


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
        if a in ("--norc", "--noprofile", "--login", "-l", "-i", "--posix", "-p"):
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
        if a in ("-o", "+o") and i + 1 < len(args):
            name = args[i + 1]
            if name not in SET_OPTIONS:
                await _write(proc, 2, f"{invoked}: {name}: invalid option name\n")
                return 2
            (state.options.add if a == "-o" else state.options.discard)(name)
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
                    await _write(proc, 2, f"{invoked}: {a[0]}{c}: invalid option\n{_USAGE}")
                    return 2
            i += 1
            continue
        if a.startswith("--"):
            await _write(proc, 2, f"{invoked}: {a}: invalid option\n{_USAGE}")
            return 2
        break
    rest = args[i:]
    sh = Shell(kernel, proc, state, name=invoked)
    if command is not None:
        if not rest:
            await _write(proc, 2, f"{invoked}: -c: option requires an argument\n")
            return 2
        command = rest[0]
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
            await _write(proc, 2, f"{invoked}: {path}: {strerror(e.errno)}\n")
            return 127 if e.errno == 44 else 126
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
