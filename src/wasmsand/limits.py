"""Resource limits of a sandbox, each enforced where the resource is spent."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Limits"]


@dataclass(frozen=True)
class Limits:
    """Defaults suit an agent's scratch machine; every field can be set."""

    timeout: float = 60.0  # seconds a command may run (per commands.run/exec)
    memory_bytes: int = 512 * 1024 * 1024  # linear memory of one process
    fs_bytes: int = 256 * 1024 * 1024  # all regular files together
    fs_files: int = 100_000  # files, directories and links in the tree
    output_bytes: int = 16 * 1024 * 1024  # kept of each of stdout and stderr
    max_processes: int = 256  # live processes at once (a fork bomb stops here)
