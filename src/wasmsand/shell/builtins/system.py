"""Directories, jobs, signals and test: cd pwd pushd popd dirs umask wait
jobs kill trap test [."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ...vfs import Directory, VfsError, strerror
from ..cond import FILE_OPS, compare_files, file_test
from ..errors import ShellError

if TYPE_CHECKING:
    from ..executor import Shell

SIGNALS = [
    "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE",
    "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ",
    "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
]  # fmt: skip


def signal_number(text: str) -> int | None:
    t = text.upper()
    if t.isdigit():
        return int(t) if int(t) <= 64 else None
    t = t.removeprefix("SIG")
    if t in SIGNALS:
        return SIGNALS.index(t) + 1
    return None


# -- directories -----------------------------------------------------------------


def _normalize(path: str) -> str:
    parts: list[str] = []
    for p in path.split("/"):
        if p in ("", "."):
            continue
        if p == "..":
            if parts:
                parts.pop()
            continue
        parts.append(p)
    return "/" + "/".join(parts)


async def change_directory(sh: Shell, target: str, physical: bool = False) -> str:
    """Changes the shell's directory (and its process's); returns the new
    PWD. Raises ShellError with bash's message."""
    st = sh.state
    pwd = st.get("PWD") or sh.fs.path_of(st.cwd)
    logical = _normalize(target if target.startswith("/") else f"{pwd}/{target}")
    try:
        node = sh.fs.resolve(target if physical else logical, st.cwd if physical else sh.fs.root, ctx=sh.proc)
        if not physical and not isinstance(node, Directory):
            raise VfsError(20)  # type: ignore[arg-type]
    except VfsError as e:
        try:
            node = sh.fs.resolve(target, st.cwd, ctx=sh.proc)
        except VfsError:
            raise ShellError(f"cd: {target}: {strerror(e.errno)}") from None
    if not isinstance(node, Directory):
        raise ShellError(f"cd: {target}: Not a directory")
    if not sh.fs.may(node, 1):
        raise ShellError(f"cd: {target}: Permission denied")
    st.cwd = node
    sh.proc.cwd = node
    new_pwd = sh.fs.path_of(node) if physical else logical
    old = st.get("PWD")
    if old is not None:
        st.set("OLDPWD", old)
    st.set("PWD", new_pwd)
    return new_pwd


async def cd(sh: Shell, argv: list[str]) -> int:
    args = argv[1:]
    physical = False
    while args and args[0] in ("-L", "-P", "-e", "-@"):
        physical = args[0] == "-P" or physical
        args = args[1:]
    if args and args[0] == "--":
        args = args[1:]
    if len(args) > 1:
        await sh.error("cd: too many arguments")
        return 1
    st = sh.state
    print_dir = False
    if not args:
        home = st.get("HOME")
        if home is None:
            await sh.error("cd: HOME not set")
            return 1
        target = home
    elif args[0] == "-":
        old = st.get("OLDPWD")
        if old is None:
            await sh.error("cd: OLDPWD not set")
            return 1
        target = old
        print_dir = True
    else:
        target = args[0]
    if target == "":
        if print_dir:
            await sh.out("\n")
        return 0
    cdpath = st.get("CDPATH")
    if cdpath and not target.startswith("/") and not target.startswith("."):
        for d in cdpath.split(":"):
            candidate = f"{d or '.'}/{target}"
            try:
                if isinstance(sh.fs.resolve(candidate, st.cwd), Directory):
                    target = candidate
                    print_dir = bool(d)
                    break
            except VfsError:
                continue
    try:
        new = await change_directory(sh, target, physical)
    except ShellError as e:
        await sh.error(e.message)
        return 1
    if print_dir:
        await sh.out(new + "\n")
    return 0


async def pwd(sh: Shell, argv: list[str]) -> int:
    physical = "-P" in argv[1:]
    for a in argv[1:]:
        if a not in ("-L", "-P"):
            await sh.error(f"pwd: {a}: invalid option")
            await sh.usage("pwd: usage: pwd [-LP]")
            return 2
    try:
        real = sh.fs.path_of(sh.state.cwd)
    except VfsError as e:
        await sh.error(
            f"pwd: error retrieving current directory: getcwd: cannot access parent directories: {strerror(e.errno)}"
        )
        return 1
    logical = sh.state.get("PWD")
    if logical and not physical:
        try:
            if sh.fs.resolve(logical, sh.fs.root, ctx=sh.proc) is not sh.state.cwd:
                logical = None  # PWD no longer names this directory
        except VfsError:
            logical = None
    await sh.out((real if physical or not logical else logical) + "\n")
    return 0


def _tilde(sh: Shell, path: str) -> str:
    home = sh.state.get("HOME")
    if home and (path == home or path.startswith(home + "/")):
        return "~" + path[len(home) :]
    return path


async def dirs(sh: Shell, argv: list[str]) -> int:
    args = argv[1:]
    if "-c" in args:
        sh.state.dirstack.clear()
        return 0
    stack = [sh.state.get("PWD") or "/", *sh.state.dirstack]
    long = "-l" in args
    shown = [p if long else _tilde(sh, p) for p in stack]
    for a in args:
        if re.fullmatch(r"[+-]\d+", a):
            n = int(a[1:])
            if n >= len(stack):
                await sh.error("dirs: directory stack empty" if len(stack) == 1 else f"dirs: {a}: invalid number")
                return 1
            await sh.out(shown[n if a[0] == "+" else len(stack) - 1 - n] + "\n")
            return 0
    if "-v" in args:
        for k, p in enumerate(shown):
            await sh.out(f"{k:2d}  {p}\n")
    elif "-p" in args:
        await sh.out("".join(p + "\n" for p in shown))
    else:
        await sh.out(" ".join(shown) + "\n")
    return 0


async def pushd(sh: Shell, argv: list[str]) -> int:
    no_cd = "-n" in argv[1:]
    args = [a for a in argv[1:] if a != "-n"]
    st = sh.state
    current = st.get("PWD") or "/"
    if no_cd and args and not re.fullmatch(r"[+-]\d+", args[0]):
        st.dirstack.insert(0, args[0])
        return await dirs(sh, ["dirs"])
    if not args:
        if not st.dirstack:
            await sh.error("pushd: no other directory")
            return 1
        target = st.dirstack.pop(0)
        try:
            await change_directory(sh, target)
        except ShellError as e:
            await sh.error(e.message)
            return 1
        st.dirstack.insert(0, current)
    elif re.fullmatch(r"[+-]\d+", args[0]):
        stack = [current, *st.dirstack]
        n = int(args[0][1:])
        if n >= len(stack):
            await sh.error(f"pushd: {args[0]}: directory stack index out of range")
            return 1
        k = n if args[0][0] == "+" else len(stack) - 1 - n
        rotated = stack[k:] + stack[:k]
        try:
            await change_directory(sh, rotated[0])
        except ShellError as e:
            await sh.error(e.message)
            return 1
        st.dirstack = rotated[1:]
    else:
        try:
            await change_directory(sh, args[0])
        except ShellError as e:
            await sh.error(e.message.replace("cd:", "pushd:", 1))
            return 1
        st.dirstack.insert(0, current)
    return await dirs(sh, ["dirs"])


async def popd(sh: Shell, argv: list[str]) -> int:
    st = sh.state
    args = [a for a in argv[1:] if a != "-n"]
    if not st.dirstack:
        await sh.error("popd: directory stack empty")
        return 1
    if args and re.fullmatch(r"[+-]\d+", args[0]):
        stack = [st.get("PWD") or "/", *st.dirstack]
        n = int(args[0][1:])
        k = n if args[0][0] == "+" else len(stack) - 1 - n
        if not 0 <= k < len(stack):
            await sh.error(f"popd: {args[0]}: directory stack index out of range")
            return 1
        if k == 0:
            target = st.dirstack.pop(0)
            await change_directory(sh, target)
        else:
            del stack[k]
            st.dirstack = stack[1:]
    else:
        target = st.dirstack.pop(0)
        try:
            await change_directory(sh, target)
        except ShellError as e:
            await sh.error(e.message.replace("cd:", "popd:", 1))
            return 1
    return await dirs(sh, ["dirs"])


async def umask(sh: Shell, argv: list[str]) -> int:
    args = argv[1:]
    symbolic = False
    reusable = False
    while args and args[0] in ("-S", "-p"):
        symbolic = symbolic or args[0] == "-S"
        reusable = reusable or args[0] == "-p"
        args = args[1:]
    proc = sh.proc
    if not args:
        mask = proc.umask
        if reusable and not symbolic:
            await sh.out(f"umask {mask:04o}\n")
            return 0
        if symbolic:
            perms = []
            for who, shift in (("u", 6), ("g", 3), ("o", 0)):
                allowed = ~mask >> shift & 7
                perms.append(who + "=" + "".join(c for c, b in (("r", 4), ("w", 2), ("x", 1)) if allowed & b))
            await sh.out(",".join(perms) + "\n")
        else:
            await sh.out(f"{mask:04o}\n")
        return 0
    text = args[0]
    if text[:1].isdigit():
        if not re.fullmatch(r"[0-7]+", text) or int(text, 8) > 0o777:
            await sh.error(f"umask: {text}: octal number out of range")
            return 1
        proc.umask = int(text, 8) & 0o777
        return 0
    allowed = ~proc.umask & 0o777
    for clause in text.split(","):
        m = re.fullmatch(r"([ugoa]*)([-+=])([rwx]*)", clause)
        if not m:
            await sh.error(f"umask: `{clause[-1:] or text}': invalid symbolic mode operator")
            return 1
        who = m.group(1) or "a"
        bits = sum(b for c, b in (("r", 4), ("w", 2), ("x", 1)) if c in m.group(3))
        mask = 0
        for c, shift in (("u", 6), ("g", 3), ("o", 0)):
            if c in who or "a" in who:
                mask |= bits << shift
                if m.group(2) == "=":
                    allowed &= ~(7 << shift)
        if m.group(2) == "-":
            allowed &= ~mask
        else:
            allowed |= mask
    proc.umask = ~allowed & 0o777
    return 0


# -- jobs and signals -------------------------------------------------------------------


async def wait(sh: Shell, argv: list[str]) -> int:
    st = sh.state
    args = [a for a in argv[1:] if a not in ("-n", "-f")]
    any_one = "-n" in argv[1:]
    kernel = sh.kernel
    jobs = st.jobs
    if not args:
        status = 0
        pending = [pid for job in jobs for pid in job.pids] + st.procsub_pids
        st.procsub_pids = []
        if any_one and pending:
            from ...process.py_task import block
            from ...process.waits import AnyOf, ChildExit

            procs = [kernel.procs[p] for p in pending if p in kernel.procs]
            if not procs:
                return 127
            while not any(p.exited for p in procs):
                await block(AnyOf([ChildExit(p) for p in procs], None))
            done = next(p for p in procs if p.exited)
            status = await sh.wait_child(done)
            st.jobs = [j for j in jobs if done.pid not in j.pids]
            return status
        for pid in pending:
            child = kernel.procs.get(pid)
            if child is not None:
                await sh.wait_child(child)
        st.jobs = []
        return 0 if not any_one else 127
    status = 0
    for a in args:
        if a.startswith("%"):
            job = _find_job(sh, a)
            if job is None:
                await sh.error(f"wait: {a}: no such job")
                status = 127
                continue
            pids = job.pids
        elif a.isdigit():
            pids = [int(a)]
        else:
            await sh.error(f"wait: `{a}': not a pid or valid job spec")
            status = 2
            continue
        for pid in pids:
            child = kernel.procs.get(pid)
            if child is None or child.ppid != sh.proc.pid:
                known = next((j for j in jobs if pid in j.pids and j.status is not None), None)
                if known is not None:
                    status = known.status or 0
                    continue
                await sh.error(f"wait: pid {pid} is not a child of this shell")
                status = 127
                continue
            status = await sh.wait_child(child)
        st.jobs = [j for j in jobs if not set(j.pids) & set(pids)]
    return status


def _find_job(sh: Shell, spec: str):  # type: ignore[no-untyped-def]
    jobs = sh.state.jobs
    if not jobs:
        return None
    body = spec[1:]
    if body in ("", "%", "+"):
        return jobs[-1]
    if body == "-":
        return jobs[-2] if len(jobs) > 1 else jobs[-1]
    if body.isdigit():
        return next((j for j in jobs if j.number == int(body)), None)
    if body.startswith("?"):
        return next((j for j in jobs if body[1:] in j.command), None)
    return next((j for j in jobs if j.command.startswith(body)), None)


async def jobs(sh: Shell, argv: list[str]) -> int:
    st = sh.state
    kernel = sh.kernel
    flags = "".join(a[1:] for a in argv[1:] if a.startswith("-"))
    pids_only = "p" in flags
    specs = [a for a in argv[1:] if not a.startswith("-")]
    selected = list(st.jobs)
    if specs:
        selected = []
        for spec in specs:
            job = _find_job(sh, spec)
            if job is None:
                await sh.error(f"jobs: {spec}: no such job")
                return 1
            selected.append(job)
    remaining = []
    for job in selected:
        k = st.jobs.index(job)
        procs = [kernel.procs.get(p) for p in job.pids]
        done = all(p is None or p.exited for p in procs)
        if "s" in flags or ("r" in flags and done):
            continue  # nothing is ever stopped here
        mark = "+" if k == len(st.jobs) - 1 else "-" if k == len(st.jobs) - 2 else " "
        if pids_only:
            await sh.out("".join(f"{p}\n" for p in job.pids))
        elif done:
            status = next((p.status for p in procs if p is not None), 0) or 0
            state_text = "Done" if status == 0 else f"Exit {status}"
            await sh.out(f"[{job.number}]{mark}  {state_text:<24}{job.command}\n")
        else:
            await sh.out(f"[{job.number}]{mark}  {'Running':<24}{job.command} &\n")
        if not done:
            remaining.append(job)
    return 0


async def disown(sh: Shell, argv: list[str]) -> int:
    """Forgets jobs (the current one, those named, or all with -a);
    they keep running."""
    st = sh.state
    flags = "".join(a[1:] for a in argv[1:] if a.startswith("-") and a != "-")
    specs = [a for a in argv[1:] if not a.startswith("-")]
    if "a" in flags or "r" in flags:
        st.jobs = [] if "a" in flags else [j for j in st.jobs if all(sh.kernel.procs.get(p) is None for p in j.pids)]
        return 0
    status = 0
    for spec in specs or ["%+"]:
        by_pid = spec.isdigit()  # a process ID, not a job spec
        job = next((j for j in st.jobs if int(spec) in j.pids), None) if by_pid else _find_job(sh, spec)
        if job is None:
            await sh.error(f"disown: {spec if specs else 'current'}: no such job")
            status = 1
        elif "h" not in flags:
            st.jobs.remove(job)
    return status


async def kill(sh: Shell, argv: list[str]) -> int:
    args = argv[1:]
    sig = 15
    if not args:
        await sh.usage("kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]")
        return 2
    if args[0] == "-l" or args[0] == "-L":
        if len(args) > 1:
            for a in args[1:]:
                if a.isdigit():
                    n = int(a)
                    n = n - 128 if n > 128 else n
                    if 1 <= n <= len(SIGNALS):
                        await sh.out(SIGNALS[n - 1] + "\n")
                    else:
                        await sh.error(f"kill: {a}: invalid signal specification")
                        return 1
                else:
                    n2 = signal_number(a)
                    if n2 is None:
                        await sh.error(f"kill: {a}: invalid signal specification")
                        return 1
                    await sh.out(f"{n2}\n")
            return 0
        out = []
        for n, name in enumerate(SIGNALS, 1):
            out.append(f"{n:2d}) SIG{name}")
        lines = ["\t".join(out[k : k + 5]) for k in range(0, len(out), 5)]
        await sh.out("\n".join(lines) + "\n")
        return 0
    if args[0] in ("-s", "-n"):
        if len(args) < 2:
            await sh.error(f"kill: {args[0]}: option requires an argument")
            return 2
        n = signal_number(args[1])
        if n is None:
            await sh.error(f"kill: {args[1]}: invalid signal specification")
            return 1
        sig = n
        args = args[2:]
    elif args[0].startswith("-") and len(args[0]) > 1 and args[0] != "--":
        n = signal_number(args[0][1:])
        if n is None:
            await sh.error(f"kill: {args[0][1:]}: invalid signal specification")
            return 1
        sig = n
        args = args[1:]
    if args and args[0] == "--":
        args = args[1:]
    status = 0
    for a in args:
        if a.startswith("%"):
            job = _find_job(sh, a)
            if job is None:
                await sh.error(f"kill: {a}: no such job")
                status = 1
                continue
            targets = job.pids
        elif re.fullmatch(r"-?\d+", a):
            targets = [int(a)]
        else:
            await sh.error(f"kill: {a}: arguments must be process or job IDs")
            status = 1
            continue
        for pid in targets:
            if pid == sh.state.shell_pid or pid == sh.proc.pid:
                name = SIGNALS[sig - 1] if 1 <= sig <= len(SIGNALS) else str(sig)
                trap = sh.state.traps.get(name)
                if trap is not None:
                    if trap:
                        await sh.run_trap(trap)
                    continue
            target = sh.kernel.procs.get(pid)
            if target is None or target.exited:
                await sh.error(f"kill: ({pid}) - No such process")
                status = 1
                continue
            sh.kernel.kill(target, sig)
    return status


_TRAP_NAMES = {"0": "EXIT", "EXIT": "EXIT", "ERR": "ERR", "DEBUG": "DEBUG", "RETURN": "RETURN"}


async def trap(sh: Shell, argv: list[str]) -> int:
    args = argv[1:]
    st = sh.state
    if args and args[0] == "--":
        args = args[1:]
    if not args or args[0] == "-p":
        names = args[1:] if args else []
        for name, action in st.traps.items():
            if names and name not in names and ("SIG" + name) not in names:
                continue
            shown = name if name in ("EXIT", "ERR", "DEBUG", "RETURN") else "SIG" + name
            await sh.out(f"trap -- {_quote(action)} {shown}\n")
        return 0
    if args[0] == "-l":
        return await kill(sh, ["kill", "-l"])
    if len(args) == 1 and (args[0].isdigit() or signal_number(args[0]) is not None or args[0].upper() in _TRAP_NAMES):
        action: str | None = None
        signals = args
    else:
        action = None if args[0] == "-" else args[0]
        signals = args[1:]
    status = 0
    for s in signals:
        name = _TRAP_NAMES.get(s.upper())
        if name is None:
            n = signal_number(s)
            if n is None or not 1 <= n <= len(SIGNALS):
                await sh.error(f"trap: {s}: invalid signal specification")
                status = 1
                continue
            name = SIGNALS[n - 1]
        if action is None:
            st.traps.pop(name, None)
        else:
            st.traps[name] = action
            if name == "RETURN":
                st.return_traps_set += 1
    return status


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


# -- test / [ -----------------------------------------------------------------------------


class _TestError(Exception):
    pass


def _int(text: str) -> int:
    t = text.strip()
    if not re.fullmatch(r"[+-]?\d+", t) or not -(2**63) <= int(t) < 2**63:  # bash's intmax_t
        raise _TestError(f"{text}: integer expression expected")
    return int(t)


_BINARY = ("=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef")
_UNARY = FILE_OPS | {"-n", "-z", "-o", "-v", "-R"}


def _binary(sh: Shell, a: str, op: str, b: str) -> bool:
    if op in ("=", "=="):
        return a == b
    if op == "!=":
        return a != b
    if op == "<":
        return a < b
    if op == ">":
        return a > b
    if op in ("-nt", "-ot", "-ef"):
        return compare_files(sh, op, a, b)
    x, y = _int(a), _int(b)
    return {"-eq": x == y, "-ne": x != y, "-lt": x < y, "-le": x <= y, "-gt": x > y, "-ge": x >= y}[op]


def _unary(sh: Shell, op: str, a: str) -> bool:
    if op == "-n":
        return a != ""
    if op == "-z":
        return a == ""
    if op == "-o":
        return a in sh.state.options
    if op == "-v":
        return sh.state.lookup(a) is not None and sh.state.lookup(a).value is not None  # type: ignore[union-attr]
    if op == "-R":
        return False
    return file_test(sh, op, a)


class _Expr:
    """POSIX test: -a/-o/!/( ) over primaries, with the 1-4 argument rules."""

    def __init__(self, sh: Shell, args: list[str]) -> None:
        self.sh = sh
        self.args = args
        self.i = 0

    def evaluate(self) -> bool:
        n = len(self.args)
        a = self.args
        if n == 0:
            return False
        if n == 1:
            return a[0] != ""
        if n == 2:
            if a[0] == "!":
                return a[1] == ""
            if a[0] in _UNARY:
                return _unary(self.sh, a[0], a[1])
            raise _TestError(f"{a[0]}: unary operator expected")
        if n == 3:
            if a[1] in _BINARY:
                return _binary(self.sh, a[0], a[1], a[2])
            if a[0] == "!":
                return not _Expr(self.sh, a[1:]).evaluate()
            if a[0] == "(" and a[2] == ")":
                return a[1] != ""
            if a[1] in ("-a", "-o"):
                return self._or()
            raise _TestError(f"{a[1]}: binary operator expected")
        if n == 4:
            if a[0] == "!":
                return not _Expr(self.sh, a[1:]).evaluate()
            if a[0] == "(" and a[3] == ")":
                return _Expr(self.sh, a[1:3]).evaluate()
        result = self._or()
        if self.i < n:
            raise _TestError("too many arguments")
        return result

    def _peek(self) -> str | None:
        return self.args[self.i] if self.i < len(self.args) else None

    def _or(self) -> bool:
        v = self._and()
        while self._peek() == "-o":
            self.i += 1
            v = self._and() or v
        return v

    def _and(self) -> bool:
        v = self._not()
        while self._peek() == "-a":
            self.i += 1
            v = self._not() and v
        return v

    def _not(self) -> bool:
        if self._peek() == "!":
            self.i += 1
            return not self._not()
        return self._primary()

    def _primary(self) -> bool:
        a = self.args
        t = self._peek()
        if t is None:
            raise _TestError("argument expected")
        if t == "(":
            self.i += 1
            v = self._or()
            if self._peek() != ")":
                raise _TestError("`)' expected")
            self.i += 1
            return v
        if t in _UNARY and self.i + 1 < len(a) and not (self.i + 2 < len(a) and a[self.i + 1] in _BINARY):
            self.i += 2
            return _unary(self.sh, t, a[self.i - 1])
        if self.i + 2 < len(a) + 0 and self.i + 1 < len(a) and a[self.i + 1] in _BINARY:
            self.i += 3
            return _binary(self.sh, a[self.i - 3], a[self.i - 2], a[self.i - 1])
        self.i += 1
        return t != ""


async def test(sh: Shell, argv: list[str]) -> int:
    args = argv[1:]
    if argv[0] == "[":
        if not args or args[-1] != "]":
            await sh.error("[: missing `]'")
            return 2
        args = args[:-1]
    try:
        return 0 if _Expr(sh, args).evaluate() else 1
    except _TestError as e:
        await sh.error(f"{argv[0]}: {e}")
        return 2
