"""Export and import of a whole sandbox: files, modes, owners, times,
symlinks, hard links, and the shell session's environment, working
directory and history.

The format is versioned and checked: ``WSBX`` magic, a format number, then
zlib-compressed JSON. Generated trees (/dev, /proc) are not stored. An
import replaces the tree atomically: it is built aside and swapped in only
when the whole archive was read without error.
"""

from __future__ import annotations

import base64
import json
import zlib
from typing import TYPE_CHECKING, Any

from .errors import InvalidArgumentError
from .vfs import Directory, FileSystem, RegularFile, Symlink, VfsError
from .vfs.inode import DynamicDirectory, Inode

if TYPE_CHECKING:
    from .sandbox import Sandbox

__all__ = ["FORMAT", "export_state", "import_state"]

MAGIC = b"WSBX"
FORMAT = 1
_SKIP = frozenset({"/dev", "/proc"})


def _entries(fs: FileSystem) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Every stored inode once, and every path naming it."""
    records: list[dict[str, Any]] = []
    ids: dict[int, str] = {}
    links: dict[str, str] = {}
    stack: list[tuple[str, Directory]] = [("", fs.root)]
    while stack:
        prefix, d = stack.pop()
        for name, child in d.entries.items():
            path = f"{prefix}/{name}"
            if path in _SKIP or isinstance(child, DynamicDirectory):
                continue
            if child.ino in ids and not isinstance(child, Directory):
                links[path] = ids[child.ino]
                continue
            ids[child.ino] = path
            rec: dict[str, Any] = {
                "path": path, "mode": child.mode, "uid": child.uid, "gid": child.gid,
                "atime": child.atime, "mtime": child.mtime, "ctime": child.ctime,
            }  # fmt: skip
            if isinstance(child, Directory):
                rec["type"] = "dir"
                stack.append((path, child))
            elif isinstance(child, Symlink):
                rec["type"] = "symlink"
                rec["target"] = child.target
            elif isinstance(child, RegularFile):
                rec["type"] = "file"
                rec["data"] = base64.b64encode(bytes(child.data)).decode()
            else:
                continue  # devices and pipes are not state
            records.append(rec)
    records.sort(key=lambda r: r["path"].count("/"))
    return records, links


def export_state(sb: Sandbox) -> bytes:
    """The sandbox as bytes (see the module docstring)."""
    fs = sb.fs
    records, links = _entries(fs)
    root = fs.root
    session = sb._session
    state: dict[str, Any] = {
        "env": dict(sb.env),
        "cwd": fs.path_of(sb.cwd),
        "history": list(session.state.history) if session is not None else [],
    }
    if session is not None:
        state["env"] = session.state.exported()
        state["cwd"] = fs.path_of(session.state.cwd)
    doc = {
        "format": FORMAT,
        "root": {"mode": root.mode, "mtime": root.mtime},
        "files": records,
        "links": links,
        "session": state,
    }
    return MAGIC + FORMAT.to_bytes(2, "big") + zlib.compress(json.dumps(doc, separators=(",", ":")).encode(), 6)


def _parse(data: bytes) -> dict[str, Any]:
    if not data.startswith(MAGIC) or len(data) < 6:
        raise InvalidArgumentError("not a wasmsand export (bad magic)")
    version = int.from_bytes(data[4:6], "big")
    if version != FORMAT:
        raise InvalidArgumentError(f"unsupported wasmsand export format {version} (this version reads {FORMAT})")
    try:
        doc = json.loads(zlib.decompress(data[6:]))
    except (zlib.error, ValueError) as e:
        raise InvalidArgumentError(f"corrupt wasmsand export: {e}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("files"), list):
        raise InvalidArgumentError("corrupt wasmsand export: missing fields")
    return doc


def import_state(sb: Sandbox, data: bytes) -> None:
    """Replaces the sandbox's files and session with an export's. Raises
    InvalidArgumentError (leaving the sandbox as it was) if the data is not
    a valid export or does not fit the sandbox's quotas."""
    doc = _parse(data)
    fresh = FileSystem(sb.fs.limits)
    try:
        _build(fresh, doc)
    except (VfsError, KeyError, TypeError, ValueError) as e:
        raise InvalidArgumentError(f"cannot import: {e}") from None
    sb._replace_tree(fresh, doc.get("session") or {})


def _build(fs: FileSystem, doc: dict[str, Any]) -> None:
    """Creates everything open to writing first, then sets modes, owners
    and times (a read-only directory must still receive its entries, and
    creating entries touches a directory's times)."""
    root = fs.root
    made: list[tuple[Inode, dict[str, Any]]] = []
    for rec in doc["files"]:
        path = rec["path"]
        parent, name = fs.resolve_parent(path, root)
        kind = rec["type"]
        inode: Inode
        if kind == "dir":
            inode = fs.mkdir(path, root, 0o755)
        elif kind == "symlink":
            inode = fs.symlink(rec["target"], path, root)
        elif kind == "file":
            inode = fs.create_file(parent, name, 0o644, base64.b64decode(rec["data"]))
        else:
            raise ValueError(f"unknown entry type {kind!r}")
        made.append((inode, rec))
    for path, target in (doc.get("links") or {}).items():
        fs.link(target, root, path, root)
    for inode, rec in made:
        inode.mode = int(rec["mode"]) & 0o7777
        inode.uid, inode.gid = int(rec["uid"]), int(rec["gid"])
        inode.atime, inode.mtime, inode.ctime = int(rec["atime"]), int(rec["mtime"]), int(rec["ctime"])
    root.mode = int(doc["root"]["mode"]) & 0o7777
    root.mtime = int(doc["root"].get("mtime", root.mtime))
