"""How a process stops early: exit and signal, as exceptions that unwind
the host's Python frames (never caught by generic handlers)."""

from __future__ import annotations

import enum

__all__ = ["ProcExit", "ProcKilled", "Signal", "exit_status_for_signal"]


class Signal(enum.IntEnum):
    """Linux signal numbers (what 128+N exit statuses use)."""

    SIGHUP = 1
    SIGINT = 2
    SIGQUIT = 3
    SIGILL = 4
    SIGTRAP = 5
    SIGABRT = 6
    SIGBUS = 7
    SIGFPE = 8
    SIGKILL = 9
    SIGUSR1 = 10
    SIGSEGV = 11
    SIGUSR2 = 12
    SIGPIPE = 13
    SIGALRM = 14
    SIGTERM = 15
    SIGCHLD = 17
    SIGCONT = 18
    SIGSTOP = 19
    SIGTSTP = 20


class ProcExit(BaseException):
    """The process called exit(code)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class ProcKilled(BaseException):
    """The process was killed by a signal (SIGPIPE on a broken pipe, ...)."""

    def __init__(self, signal: int) -> None:
        super().__init__(signal)
        self.signal = signal


def exit_status_for_signal(signal: int) -> int:
    """The shell's status for a process killed by ``signal`` (128+N)."""
    return 128 + signal
