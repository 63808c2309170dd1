"""The tree a new sandbox starts with."""

from __future__ import annotations

from collections.abc import Iterable

from .devices import install_devices
from .filesystem import USER_GID, USER_UID, FileSystem
from .inode import Directory, RegularFile, Symlink
from .procfs import ProcFs

__all__ = ["COMMAND_DIR", "HOME", "build_default_tree", "command_marker", "parse_command_marker"]

HOME = "/home/user"
COMMAND_DIR = "/usr/bin"
HOSTNAME = "wasmsand"

# A command entry is a small executable file naming the program that runs it:
# "#!wasmsand PROGRAM [APPLET]\n". The kernel recognises the line when it
# executes the file; `cat /usr/bin/ls` shows it, honestly.
MARKER = b"#!wasmsand "

_ETC = {
    "passwd": f"root:x:0:0:root:/root:/bin/bash\nuser:x:{USER_UID}:{USER_GID}:user:{HOME}:/bin/bash\n",
    "group": f"root:x:0:\nuser:x:{USER_GID}:\n",
    "hostname": f"{HOSTNAME}\n",
    "hosts": f"127.0.0.1\tlocalhost\n127.0.1.1\t{HOSTNAME}\n",
    "os-release": (
        'PRETTY_NAME="wasmsand (WebAssembly sandbox)"\nNAME="wasmsand"\nID=wasmsand\n'
        'HOME_URL="https://github.com/wasmsand/wasmsand"\n'
    ),
    "shells": "/bin/sh\n/bin/bash\n/usr/bin/sh\n/usr/bin/bash\n",
}


def command_marker(program: str, applet: str | None = None) -> bytes:
    """The contents of a command entry for ``program`` (and its applet)."""
    words = program if applet is None else f"{program} {applet}"
    return MARKER + words.encode() + b"\n"


def parse_command_marker(head: bytes) -> tuple[str, str | None] | None:
    """(program, applet) if ``head`` starts with a command marker."""
    if not head.startswith(MARKER):
        return None
    line = head[len(MARKER) :].split(b"\n", 1)[0].decode("utf-8", "replace").split()
    if not line:
        return None
    return line[0], (line[1] if len(line) > 1 else None)


def build_default_tree(
    fs: FileSystem,
    commands: Iterable[tuple[str, str, str | None]],
    memory_bytes: int,
) -> ProcFs:
    """Creates /usr/bin (with /bin linking to it), /home/user, /tmp, /etc,
    /dev and /proc; ``commands`` are (name, program, applet) entries."""
    for d in ("usr/bin", "usr/local/bin", "usr/lib", "usr/share", "etc", "tmp", "var/tmp", "root", "home/user", "dev"):
        fs.makedirs(d)
    fs.resolve("/tmp", fs.root).mode = 0o1777
    fs.resolve("/var/tmp", fs.root).mode = 0o1777
    for name, text in _ETC.items():
        fs.write_file(f"/etc/{name}", text.encode())
    return attach_system_tree(fs, commands, memory_bytes)


def attach_system_tree(
    fs: FileSystem,
    commands: Iterable[tuple[str, str, str | None]],
    memory_bytes: int,
) -> ProcFs:
    """What every sandbox has whatever its files: the command entries of
    this version's programs (a restored tree gets the current ones), /dev
    and /proc."""
    fs.makedirs(COMMAND_DIR)
    bindir = fs.resolve(COMMAND_DIR, fs.root)
    assert isinstance(bindir, Directory)
    for name, program, applet in commands:
        existing = bindir.entries.get(name)
        if existing is None or (isinstance(existing, RegularFile) and parse_command_marker(bytes(existing.data[:256]))):
            fs.write_file(f"{COMMAND_DIR}/{name}", command_marker(program, applet), 0o755)
    if "bin" not in fs.root.entries:
        fs.add_entry(fs.root, "bin", Symlink(fs.new_ino(), USER_UID, USER_GID, "usr/bin"))
    dev = fs.makedirs("/dev")
    if "null" not in dev.entries:
        install_devices(fs, dev)
    procfs = ProcFs(fs, fs.root, memory_bytes)
    fs.root.entries.pop("proc", None)
    fs.add_entry(fs.root, "proc", procfs.root)
    return procfs
