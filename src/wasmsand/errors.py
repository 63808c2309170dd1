"""Exceptions the public API raises (a command's non-zero exit is not one:
it is a result)."""

from __future__ import annotations

__all__ = ["FileError", "InvalidArgumentError", "NotFoundError", "SandboxClosedError", "WasmsandError"]


class WasmsandError(Exception):
    """Base of every error the API raises."""


class SandboxClosedError(WasmsandError):
    """The sandbox was closed; it cannot run or store anything more."""


class InvalidArgumentError(WasmsandError, ValueError):
    """The call itself was wrong (an empty command, a bad timeout...)."""


class FileError(WasmsandError, OSError):
    """A file operation of the API failed; ``errno_name`` says why
    (ENOENT, ENOSPC, EISDIR...) and ``path`` names the file."""

    def __init__(self, message: str, *, path: str, errno_name: str) -> None:
        super().__init__(message)
        self.path = path
        self.errno_name = errno_name


class NotFoundError(FileError, FileNotFoundError):
    """The path does not exist in the sandbox."""
