"""Three families kept apart, as in Oils: syntax errors (found by the
parser), shell errors (a failed expansion or builtin, with a status), and
control flow (break, continue, return, exit — not errors at all)."""

from __future__ import annotations

__all__ = [
    "BreakLoop",
    "ContinueLoop",
    "ControlFlow",
    "ExitShell",
    "FatalShellError",
    "ParseError",
    "ReturnFromFunction",
    "ShellError",
]


class ParseError(Exception):
    """A syntax error: bash prints it with the line and exits 2.

    ``token`` is the unexpected token (None for "unexpected end of file");
    ``message`` overrides the standard wording when set.
    """

    def __init__(self, line: int, token: str | None = None, message: str | None = None, *, cond: bool = False) -> None:
        self.line = line
        self.token = token
        self.message = message
        # bash 5.2 gives up on the script after a [[ ]] error, but keeps $?
        self.cond = cond
        self.status = 2  # the shell's exit status (1 for a bad array literal)
        super().__init__(self.text())

    def text(self) -> str:
        if self.message is not None:
            return self.message
        if self.token is None:
            return "syntax error: unexpected end of file"
        token = "newline" if self.token == "\n" else self.token
        return f"syntax error near unexpected token `{token}'"


class ShellError(Exception):
    """An error that ends the current command with ``status`` after
    printing ``message`` (``bash: ...``)."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class FatalShellError(ShellError):
    """An error that, in a non-interactive shell, ends the whole script
    (unbound variable with set -u, ${x:?msg}, a bad substitution...)."""


class AbandoningError(FatalShellError):
    """An error after which bash drops the rest of the top-level command it
    is in, not the whole script: arithmetic in an expansion (``$((1/0))``),
    a bad subscript in an assignment (``a[-9]=x``, ``h[]=x``)."""


class ControlFlow(Exception):
    """Base of break/continue/return/exit."""


class BreakLoop(ControlFlow):
    def __init__(self, levels: int = 1) -> None:
        super().__init__(levels)
        self.levels = levels


class ContinueLoop(ControlFlow):
    def __init__(self, levels: int = 1) -> None:
        super().__init__(levels)
        self.levels = levels


class ReturnFromFunction(ControlFlow):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class ExitShell(ControlFlow):
    """`exit` (or a fatal error). ``run_exit_trap`` is off after `exec`:
    the shell was replaced, so its EXIT trap never runs."""

    def __init__(self, status: int, *, run_exit_trap: bool = True) -> None:
        super().__init__(status)
        self.status = status
        self.run_exit_trap = run_exit_trap


class AbandonCommand(ExitShell):
    """What an [`AbandoningError`] raises: the script's reading loop
    goes on with its next command; everywhere else (a subshell, a trap) it
    ends the shell as `exit` does."""
