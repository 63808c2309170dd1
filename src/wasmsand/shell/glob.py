"""Pathname expansion over the sandbox's filesystem (``*.txt``, ``**``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..vfs import Directory, Inode, Symlink, VfsError
from . import pattern

if TYPE_CHECKING:
    from .executor import Shell

__all__ = ["expand_glob"]

_LIMIT = 1_000_000


def _split(pat: str) -> list[str]:
    """Splits on unescaped slashes."""
    parts: list[str] = []
    buf: list[str] = []
    i = 0
    while i < len(pat):
        c = pat[i]
        if c == "\\" and i + 1 < len(pat):
            buf.append(pat[i : i + 2])
            i += 2
            continue
        if c == "/":
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(c)
        i += 1
    parts.append("".join(buf))
    return parts


def _unescape(text: str) -> str:
    out = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def expand_glob(sh: Shell, pat: str) -> list[str]:
    """The sorted matches of ``pat``, less those GLOBIGNORE names (a set
    GLOBIGNORE also lets wildcards match dotfiles, never . or ..)."""
    ignore = [p for p in (sh.state.get("GLOBIGNORE") or "").split(":") if p]
    matches = _matches(sh, pat, dotglob=bool(ignore))
    if not ignore:
        return matches
    nocase = "nocaseglob" in sh.state.shopts
    rxs = [pattern.compile_pattern(p, nocase, pathname=True) for p in ignore]
    return [
        m
        for m in matches
        if m.rstrip("/").rpartition("/")[2] not in (".", "..") and not any(rx.fullmatch(m) for rx in rxs)
    ]


def _matches(sh: Shell, pat: str, *, dotglob: bool) -> list[str]:
    fs = sh.fs
    st = sh.state
    dotglob = dotglob or "dotglob" in st.shopts
    nocase = "nocaseglob" in st.shopts
    globstar = "globstar" in st.shopts
    components = _split(pat)
    absolute = pat.startswith("/")
    if absolute:
        components = components[1:]
    entries: list[tuple[str, Inode]] = [("/" if absolute else "", fs.root if absolute else st.cwd)]

    def resolve_dir(inode: Inode) -> Directory | None:
        if isinstance(inode, Symlink):
            try:
                inode = fs.resolve(inode.target, fs.root, ctx=sh.proc) if inode.target.startswith("/") else inode
            except VfsError:
                return None
        return inode if isinstance(inode, Directory) else None

    def join(prefix: str, name: str) -> str:
        if prefix == "" or prefix.endswith("/"):
            return prefix + name
        return prefix + "/" + name

    def listing(prefix: str, d: Inode) -> list[tuple[str, Inode]]:
        try:
            node = fs.resolve(prefix or ".", st.cwd, ctx=sh.proc) if prefix else st.cwd
        except VfsError:
            return []
        if not isinstance(node, Directory) or not fs.may(node, 4):
            return []
        try:
            return node.listing(sh.proc)
        except VfsError:
            return []

    for k, comp in enumerate(components):
        last = k == len(components) - 1
        if comp == "":
            if last:
                entries = [(p + "/" if not p.endswith("/") else p, i) for p, i in entries if _is_dir(fs, st, sh, p)]
            continue
        new: list[tuple[str, Inode]] = []
        if globstar and comp == "**":
            for prefix, inode in entries:
                # the zero-directory match: `dir/**` yields `dir/` itself
                new.append((prefix + "/" if last and prefix and not prefix.endswith("/") else prefix, inode))
                stack = [prefix]
                while stack:
                    base = stack.pop()
                    for name, child in sorted(listing(base, inode), key=lambda e: e[0]):
                        if name.startswith(".") and not dotglob:
                            continue
                        path = join(base, name)
                        if isinstance(child, Directory):
                            new.append((path, child))
                            stack.append(path)
                        elif last:
                            new.append((path, child))
                        if len(new) > _LIMIT:
                            break
            # `**` as the last component also matches files; a directory
            # prefix entry "" means the current directory itself.
            entries = [(p, i) for p, i in new if p != ""] if last else new
            continue
        if not pattern.has_glob(comp):
            name = _unescape(comp)
            for prefix, _inode in entries:
                path = join(prefix, name)
                try:
                    child = fs.resolve(path, st.cwd, follow=not last, ctx=sh.proc)
                except VfsError:
                    continue
                new.append((path, child))
            entries = new
            continue
        rx = pattern.compile_pattern(comp, nocase, pathname=True)
        explicit_dot = comp.startswith(".") or comp.startswith("\\.")
        for prefix, inode in entries:
            for name, child in listing(prefix, inode):
                if name.startswith(".") and not (explicit_dot or dotglob):
                    continue
                if dotglob and not explicit_dot and name in (".", ".."):
                    continue
                if rx.fullmatch(name) is None:
                    continue
                if not last and resolve_dir(child) is None and not _is_dir(fs, st, sh, join(prefix, name)):
                    continue
                new.append((join(prefix, name), child))
        entries = new
        if not entries:
            return []
    results = sorted({p for p, _ in entries if p not in ("", "/") or absolute})
    return results


def _is_dir(fs, st, sh, path: str) -> bool:  # type: ignore[no-untyped-def]
    try:
        return isinstance(fs.resolve(path or ".", st.cwd, ctx=sh.proc), Directory)
    except VfsError:
        return False
