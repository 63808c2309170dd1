"""The shell's abstract syntax tree: frozen dataclasses, one per construct.

Parsing produces these and nothing else; evaluation reads them and never
re-parses source, except where bash itself does (arithmetic is expanded as
text and then parsed, as in bash). Nodes keep the line they start on, for
error messages and ``LINENO``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# -- words -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lit:
    """Unquoted literal text (may hold glob and brace characters)."""

    text: str


@dataclass(frozen=True, slots=True)
class Escaped:
    """A backslash-escaped character outside quotes: quoted, one char."""

    text: str


@dataclass(frozen=True, slots=True)
class SingleQuoted:
    text: str


@dataclass(frozen=True, slots=True)
class AnsiCQuoted:
    """``$'...'``, escapes already decoded."""

    text: str


@dataclass(frozen=True, slots=True)
class DoubleQuoted:
    parts: tuple[WordPart, ...]


@dataclass(frozen=True, slots=True)
class ParamExp:
    """``$name``, ``${name}`` and every ``${...}`` form.

    ``op`` is one of: "" (plain), "-" "=" "+" "?" (with ``colon``), "#" "##"
    "%" "%%" (patterns), "/" "//" "/#" "/%" (replace), ":" (substring), "^"
    "^^" "," ",," (case), "len" (``${#v}``), "@X" (transformations).
    ``indirect`` is ``${!v}``; ``names`` is ``${!prefix@}``/``${!prefix*}``;
    ``keys`` is ``${!a[@]}``.
    """

    name: str
    index: Word | None = None  # subscript: [@] and [*] are Lit("@") / Lit("*")
    op: str = ""
    colon: bool = False
    arg: Word | None = None
    arg2: Word | None = None  # replacement, or substring length
    indirect: bool = False
    names: str = ""  # "@" or "*" for ${!prefix@}
    keys: bool = False
    braced: bool = False


@dataclass(frozen=True, slots=True)
class CommandSub:
    body: CommandList
    backtick: bool = False


@dataclass(frozen=True, slots=True)
class ArithSub:
    expr: Word  # expanded as text, then evaluated


@dataclass(frozen=True, slots=True)
class ProcessSub:
    direction: str  # "<" or ">"
    body: CommandList


@dataclass(frozen=True, slots=True)
class ExtGlob:
    """``@(a|b)`` and friends (with shopt -s extglob)."""

    op: str
    alternatives: tuple[Word, ...]


WordPart = (
    Lit | Escaped | SingleQuoted | AnsiCQuoted | DoubleQuoted | ParamExp | CommandSub | ArithSub | ProcessSub | ExtGlob
)


@dataclass(frozen=True, slots=True)
class Word:
    parts: tuple[WordPart, ...]
    source: str | None = field(default=None, compare=False)  # kept for subscripts, whose parts lose it

    def literal(self) -> str | None:
        """The text if the word is one unquoted literal, else None."""
        if len(self.parts) == 1 and isinstance(self.parts[0], Lit):
            return self.parts[0].text
        return None

    def is_quoted(self) -> bool:
        return any(not isinstance(p, Lit) for p in self.parts)


# -- assignments and redirections ----------------------------------------------


@dataclass(frozen=True, slots=True)
class ArrayLiteral:
    """``(a b [3]=c)``: elements, each with an optional subscript word."""

    items: tuple[tuple[Word | None, Word], ...]


@dataclass(frozen=True, slots=True)
class Assign:
    name: str
    value: Word | ArrayLiteral | None
    index: Word | None = None
    append: bool = False  # +=


@dataclass(slots=True, eq=False)
class HereDoc:
    """Mutable only while parsing: the body is read at the end of the line."""

    body: Word  # literal text when the delimiter was quoted
    quoted: bool
    delimiter: str = "EOF"  # the closing line
    written: str = "EOF"  # the delimiter as written (`'EOF'`), for declare -f


@dataclass(frozen=True, slots=True)
class Redir:
    """``[fd]op target``. ``op`` is one of < > >> >| <> <& >& <<< << &> &>>;
    a here-document's target is a HereDoc; ``fd_var`` is ``{name}>``."""

    op: str
    target: Word | HereDoc
    fd: int | None = None
    fd_var: str | None = None


# -- commands ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SimpleCommand:
    words: tuple[Word, ...]
    assigns: tuple[Assign, ...] = ()
    redirs: tuple[Redir, ...] = ()
    line: int = 0


@dataclass(frozen=True, slots=True)
class Pipeline:
    commands: tuple[Command, ...]
    negated: bool = False
    stderr_too: tuple[bool, ...] = ()  # per link: |& instead of |
    timed: bool = False
    line: int = 0
    timed_posix: bool = False  # time -p


@dataclass(frozen=True, slots=True)
class AndOr:
    first: Pipeline
    rest: tuple[tuple[str, Pipeline], ...] = ()  # ("&&" | "||", pipeline)


@dataclass(frozen=True, slots=True)
class ListItem:
    command: AndOr
    background: bool = False


@dataclass(frozen=True, slots=True)
class CommandList:
    items: tuple[ListItem, ...]


@dataclass(frozen=True, slots=True)
class BraceGroup:
    body: CommandList
    redirs: tuple[Redir, ...] = ()
    line: int = 0


@dataclass(frozen=True, slots=True)
class Subshell:
    body: CommandList
    redirs: tuple[Redir, ...] = ()
    line: int = 0


@dataclass(frozen=True, slots=True)
class If:
    arms: tuple[tuple[CommandList, CommandList], ...]
    else_body: CommandList | None = None
    redirs: tuple[Redir, ...] = ()
    line: int = 0


@dataclass(frozen=True, slots=True)
class While:
    cond: CommandList
    body: CommandList
    until: bool = False
    redirs: tuple[Redir, ...] = ()
    line: int = 0


@dataclass(frozen=True, slots=True)
class For:
    """``for`` and ``select`` (same grammar; select reads choices)."""

    var: str
    words: tuple[Word, ...] | None  # None: "$@"
    body: CommandList
    redirs: tuple[Redir, ...] = ()
    line: int = 0
    select: bool = False


@dataclass(frozen=True, slots=True)
class ArithFor:
    init: Word | None
    cond: Word | None
    step: Word | None
    body: CommandList
    redirs: tuple[Redir, ...] = ()
    line: int = 0


@dataclass(frozen=True, slots=True)
class CaseArm:
    patterns: tuple[Word, ...]
    body: CommandList
    terminator: str = ";;"  # ";;", ";&" or ";;&"


@dataclass(frozen=True, slots=True)
class Case:
    word: Word
    arms: tuple[CaseArm, ...]
    redirs: tuple[Redir, ...] = ()
    line: int = 0


@dataclass(frozen=True, slots=True)
class FunctionDef:
    name: str
    body: Command
    line: int = 0
    source: str = ""  # the definition's text, for `declare -f` and `type`


@dataclass(frozen=True, slots=True)
class ArithCommand:
    expr: Word
    redirs: tuple[Redir, ...] = ()
    line: int = 0


# [[ ... ]] expressions


@dataclass(frozen=True, slots=True)
class CondWord:
    word: Word


@dataclass(frozen=True, slots=True)
class CondUnary:
    op: str
    operand: Word


@dataclass(frozen=True, slots=True)
class CondBinary:
    op: str
    left: Word
    right: Word


@dataclass(frozen=True, slots=True)
class CondNot:
    expr: CondExpr


@dataclass(frozen=True, slots=True)
class CondAnd:
    left: CondExpr
    right: CondExpr


@dataclass(frozen=True, slots=True)
class CondOr:
    left: CondExpr
    right: CondExpr


CondExpr = CondWord | CondUnary | CondBinary | CondNot | CondAnd | CondOr


@dataclass(frozen=True, slots=True)
class CondCommand:
    expr: CondExpr
    redirs: tuple[Redir, ...] = ()
    line: int = 0


Command = (
    SimpleCommand
    | Pipeline
    | BraceGroup
    | Subshell
    | If
    | While
    | For
    | ArithFor
    | Case
    | FunctionDef
    | ArithCommand
    | CondCommand
)

# Compound commands that take trailing redirections.
COMPOUNDS = (BraceGroup, Subshell, If, While, For, ArithFor, Case, ArithCommand, CondCommand)


@dataclass(frozen=True, slots=True)
class Script:
    """A parsed source: its complete commands in order."""

    commands: tuple[CommandList, ...] = field(default_factory=tuple)
