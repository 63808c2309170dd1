"""``[[ ... ]]`` and the file and string tests it shares with ``test``."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..vfs import Directory, RegularFile, Symlink, VfsError
from ..vfs.inode import CharDevice, PipeInode
from . import ast, pattern
from .arith import evaluate_arith
from .errors import ShellError

if TYPE_CHECKING:
    from .executor import Shell

__all__ = ["FILE_OPS", "compare_files", "evaluate_cond", "file_test"]

FILE_OPS = frozenset(
    [
        "-a",
        "-b",
        "-c",
        "-d",
        "-e",
        "-f",
        "-g",
        "-h",
        "-k",
        "-p",
        "-r",
        "-s",
        "-t",
        "-u",
        "-w",
        "-x",
        "-O",
        "-G",
        "-L",
        "-S",
        "-N",
    ]
)


def file_test(sh: Shell, op: str, path: str) -> bool:
    """Unary file tests (-e -f -d ...) on the sandbox's filesystem."""
    if op == "-t":
        return False  # no descriptor is a terminal
    if path == "":
        return False
    fs = sh.fs
    follow = op not in ("-h", "-L")
    try:
        inode = fs.resolve(path, sh.state.cwd, follow=follow, ctx=sh.proc)
    except VfsError:
        return False
    if op in ("-a", "-e"):
        return True
    if op == "-f":
        return isinstance(inode, RegularFile) or inode.filetype == 4
    if op == "-d":
        return isinstance(inode, Directory)
    if op in ("-h", "-L"):
        return isinstance(inode, Symlink)
    if op == "-p":
        return isinstance(inode, PipeInode)
    if op == "-c":
        return isinstance(inode, CharDevice)
    if op in ("-b", "-S"):
        return False
    if op == "-s":
        return inode.size > 0
    if op == "-r":
        return fs.may(inode, 4)
    if op == "-w":
        return fs.may(inode, 2)
    if op == "-x":
        return fs.may(inode, 1)
    if op == "-u":
        return bool(inode.mode & 0o4000)
    if op == "-g":
        return bool(inode.mode & 0o2000)
    if op == "-k":
        return bool(inode.mode & 0o1000)
    if op == "-O":
        return inode.uid == 1000
    if op == "-G":
        return inode.gid == 1000
    if op == "-N":
        return inode.mtime > inode.atime
    return False


def compare_files(sh: Shell, op: str, a: str, b: str) -> bool:
    def stat(p: str):  # type: ignore[no-untyped-def]
        try:
            return sh.fs.resolve(p, sh.state.cwd, ctx=sh.proc)
        except VfsError:
            return None

    x, y = stat(a), stat(b)
    if op == "-ef":
        return x is not None and x is y
    if op == "-nt":
        return x is not None and (y is None or x.mtime > y.mtime)
    return y is not None and (x is None or x.mtime < y.mtime)


_ARITH_OPS = {"-eq": "==", "-ne": "!=", "-lt": "<", "-le": "<=", "-gt": ">", "-ge": ">="}


async def evaluate_cond(sh: Shell, e: ast.CondExpr) -> bool:
    ex = sh.expander
    if isinstance(e, ast.CondAnd):
        return await evaluate_cond(sh, e.left) and await evaluate_cond(sh, e.right)
    if isinstance(e, ast.CondOr):
        return await evaluate_cond(sh, e.left) or await evaluate_cond(sh, e.right)
    if isinstance(e, ast.CondNot):
        return not await evaluate_cond(sh, e.expr)
    if isinstance(e, ast.CondWord):
        return await ex.single(e.word) != ""
    if isinstance(e, ast.CondUnary):
        operand = await ex.single(e.operand)
        op = e.op
        if op == "-z":
            return operand == ""
        if op == "-n":
            return operand != ""
        if op == "-v":
            return _is_set(sh, operand)
        if op == "-R":
            var = sh.state.lookup(operand)
            return var is not None and "n" in var.attrs
        if op == "-o":
            return operand in sh.state.options
        return file_test(sh, op, operand)
    assert isinstance(e, ast.CondBinary)
    op = e.op
    left = await ex.single(e.left)
    if op in ("==", "=", "!="):
        pat = await ex.pattern(e.right)
        hit = pattern.match(pat, left, "nocasematch" in sh.state.shopts)
        return hit if op != "!=" else not hit
    if op == "=~":
        return await _regex_match(sh, left, e.right)
    right = await ex.single(e.right)
    if op == "<":
        return left < right
    if op == ">":
        return left > right
    if op in _ARITH_OPS:
        a = evaluate_arith(left, sh.state) if left.strip() else 0
        b = evaluate_arith(right, sh.state) if right.strip() else 0
        return {"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[_ARITH_OPS[op]]
    return compare_files(sh, op, left, right)


def _is_set(sh: Shell, name: str) -> bool:
    if name.isdigit():  # a positional parameter ($0 is always set)
        return int(name) <= len(sh.state.positional)
    m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[(.*)\])?", name)
    if not m:
        return False
    var = sh.state.lookup(m.group(1))
    if var is None or var.value is None:
        return False
    if m.group(2) is None:
        return var.scalar() is not None
    key = m.group(2)
    if isinstance(var.value, dict):
        if var.is_assoc:
            return key in var.value
        if key in ("@", "*"):
            return bool(var.value)
        return evaluate_arith(key, sh.state) in var.value
    return key in ("0", "@", "*")


_POSIX_CLASSES = {
    "alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z", "lower": "a-z",
    "space": r" \t\n\r\f\v", "blank": r" \t", "punct": r"!-/:-@\[-`{-~", "xdigit": "0-9A-Fa-f",
    "cntrl": r"\x00-\x1f\x7f", "print": r" -~", "graph": r"!-~", "word": r"\w",
}  # fmt: skip


def ere_to_python(ere: str) -> str:
    """POSIX ERE (as bash's regcomp reads it) to Python syntax."""
    out: list[str] = []
    i = 0
    n = len(ere)
    while i < n:
        c = ere[i]
        if c == "\\" and i + 1 < n:
            out.append(ere[i : i + 2])
            i += 2
            continue
        if c == "[":
            j = i + 1
            body: list[str] = []
            if j < n and ere[j] == "^":
                body.append("^")
                j += 1
            if j < n and ere[j] == "]":
                body.append("\\]")
                j += 1
            while j < n and ere[j] != "]":
                if ere.startswith("[:", j):
                    end = ere.find(":]", j)
                    if end > 0:
                        body.append(_POSIX_CLASSES.get(ere[j + 2 : end], ""))
                        j = end + 2
                        continue
                if ere[j] == "\\":
                    body.append("\\\\")
                elif ere[j] == "[":
                    body.append("\\[")
                else:
                    body.append(ere[j])
                j += 1
            out.append("[" + "".join(body) + "]")
            i = j + 1
            continue
        out.append(c)  # braces: Python reads a non-quantifier brace literally, as POSIX does
        i += 1
    return "".join(out)


async def _regex_match(sh: Shell, subject: str, word: ast.Word) -> bool:
    items: list = []
    await sh.expander._parts(word.parts, False, items)
    regex = []
    from .expand import QUOTED, _Break

    for item in items:
        if isinstance(item, _Break):
            continue
        text, flags = item
        regex.append(re.escape(text) if flags & QUOTED else ere_to_python(text))
    source = "".join(regex)
    try:
        flags = re.IGNORECASE if "nocasematch" in sh.state.shopts else 0
        m = re.search(source, subject, flags)
    except re.error:
        raise ShellError("invalid regular expression", 2) from None
    if m is None:
        sh.state.set_array("BASH_REMATCH", {})
        return False
    groups = {0: m.group(0)}
    for k, g in enumerate(m.groups(), 1):
        groups[k] = g if g is not None else ""
    sh.state.set_array("BASH_REMATCH", groups)
    return True


async def cond_trace(sh: Shell, e: ast.CondExpr) -> str:
    """How set -x shows a [[ ]]: operands expanded, operators as written."""
    ex = sh.expander
    if isinstance(e, ast.CondAnd):
        return await cond_trace(sh, e.left) + " && " + await cond_trace(sh, e.right)
    if isinstance(e, ast.CondOr):
        return await cond_trace(sh, e.left) + " || " + await cond_trace(sh, e.right)
    if isinstance(e, ast.CondNot):
        return "! " + await cond_trace(sh, e.expr)
    if isinstance(e, ast.CondWord):
        return await ex.single(e.word)
    if isinstance(e, ast.CondUnary):
        return f"{e.op} {await ex.single(e.operand)}"
    return f"{await ex.single(e.left)} {e.op} {await ex.single(e.right)}"
