"""The shell parser: source text to the AST of ast.py, bash's grammar.

A recursive-descent parser over the characters, with a small tokenizer for
command context (words, operators, newlines). Words are parsed into their
parts as they are read (quotes, ``$...``, backquotes, here-documents), so
expansion never looks at source text again. Parsing is incremental at the
top level: ``parse_next`` returns one complete command (a line's list), so
that the executor can run it before the next is parsed, as bash does (an
alias defined on one line applies from the next).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from . import ast
from .errors import ParseError

__all__ = ["MAX_NESTING", "Parser", "parse"]

MAX_NESTING = 200  # compound commands and substitutions inside one another

_META = frozenset(" \t\n;&|()<>")
_OPERATORS = (
    ";;&", ";;", ";&", "&&", "||", "|&", "&>>", "&>", ">>", "<<<", "<<-", "<<", "<&", ">&", "<>", ">|",
    "|", "&", ";", "(", ")", "<", ">",
)  # fmt: skip
_OPS_BY_CHAR: dict[str, tuple[str, ...]] = {}
for _op in _OPERATORS:
    _OPS_BY_CHAR[_op[0]] = (*_OPS_BY_CHAR.get(_op[0], ()), _op)
# A run of characters that are literal in a word in command context.
_PLAIN_RUN = re.compile(r"[^\s;&|()<>\\'\"$`]+")
_FD_VAR = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}(?=[<>])")
_REDIR_OPS = frozenset(("<", ">", ">>", ">|", "<>", "<&", ">&", "<<", "<<-", "<<<", "&>", "&>>"))
_RESERVED = frozenset(
    ("if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for", "in", "function",
     "select", "time", "{", "}", "!", "[[", "]]", "coproc")
)  # fmt: skip
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGN_START = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(\[|\+?=)")
_SPECIAL_PARAMS = "@*#?-$!0"
_COND_UNARY = frozenset(
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
        "-o",
        "-v",
        "-R",
        "-z",
        "-n",
    ]
)
_COND_BINARY = frozenset(
    ["==", "=", "!=", "=~", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef"]
)
_ANSI_ESCAPES = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}  # fmt: skip


@dataclass
class Token:
    kind: str  # "word", "op", "newline", "eof", "ionum"
    value: str  # operator text, or the word's raw source
    line: int
    word: ast.Word | None = None
    assign: ast.Assign | None = None
    fd: int | None = None
    fd_var: str | None = None
    start: int = 0  # source offset of the token


@dataclass
class _PendingHereDoc:
    delimiter: str
    strip_tabs: bool
    quoted: bool
    target: ast.HereDoc
    line: int


def decode_ansi_c(body: str) -> str:
    """The value of ``$'...'`` (bash's escapes)."""
    out: list[str] = []
    i = 0
    n = len(body)
    while i < n:
        c = body[i]
        if c != "\\" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        e = body[i + 1]
        i += 2
        if e in _ANSI_ESCAPES:
            out.append(_ANSI_ESCAPES[e])
        elif e in "01234567":
            j = i - 1
            k = j
            while k < n and k < j + 3 and body[k] in "01234567":
                k += 1
            out.append(_byte_char(int(body[j:k], 8)))
            i = k
        elif e == "x":
            k = i
            while k < n and k < i + 2 and body[k] in "0123456789abcdefABCDEF":
                k += 1
            if k == i:
                out.append("\\x")
            else:
                out.append(_byte_char(int(body[i:k], 16)))
                i = k
        elif e in "uU":
            k = i
            limit = i + (4 if e == "u" else 8)
            while k < n and k < limit and body[k] in "0123456789abcdefABCDEF":
                k += 1
            if k == i:
                out.append("\\" + e)
            else:
                out.append(chr(min(int(body[i:k], 16), 0x10FFFF)))
                i = k
        elif e == "c" and i < n:
            out.append(chr(ord(body[i]) & 0x1F))
            i += 1
        else:
            out.append("\\" + e)
    text = "".join(out)
    nul = text.find("\0")
    return text if nul < 0 else text[:nul]  # a C string ends at NUL


def _byte_char(value: int) -> str:
    """A byte from \\NNN or \\xHH: above 127 it stays that byte (carried as
    a surrogate escape), not the UTF-8 of the code point."""
    value &= 0xFF
    return chr(value) if value < 0x80 else chr(0xDC00 + value)


class Parser:
    """Parses one source text. ``aliases`` (name -> text) are expanded in
    command position when ``expand_aliases`` is set."""

    def __init__(
        self,
        src: str,
        *,
        aliases: dict[str, str] | None = None,
        expand_aliases: bool = False,
        extglob: bool = False,
        line: int = 1,
    ) -> None:
        self.src = src
        self.pos = 0
        self.line = line
        self.aliases = aliases if aliases is not None else {}
        self.expand_aliases = expand_aliases
        self.extglob = extglob
        self.depth = 0
        self.pending: list[_PendingHereDoc] = []
        self._token_start = 0
        self.warnings: list[tuple[int, str]] = []  # (line, message)
        self._peeked: tuple[Token, int, int] | None = None
        self._last_taken: Token | None = None
        self._alias_guard: list[tuple[str, int]] = []  # (alias, end position)
        # where the text of an alias ending in a blank ends: the word after it
        # is checked for an alias too
        self._alias_blank_end: int | None = None

    # -- characters ------------------------------------------------------------

    def _error(self, token: str | None = None, message: str | None = None) -> ParseError:
        last = self._last_taken
        if token in ("newline", "\n") and last is not None and last.kind == "newline":
            return ParseError(last.line, token, message)  # the line the newline ends, not the next
        return ParseError(self.line, token, message)

    def _cond_error(self, message: str) -> ParseError:
        return ParseError(self.line, None, message, cond=True)

    def _eof_error(self, what: str, line: int | None = None, status: int = 2) -> ParseError:
        """Bash reports an unclosed quote or bracket at the line it opened."""
        error = ParseError(
            self.line if line is None else line, None, f"unexpected EOF while looking for matching `{what}'"
        )
        error.status = status
        return error

    def _nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self._error(message=f"syntax error: nesting deeper than {MAX_NESTING} levels")

    def _unnest(self) -> None:
        self.depth -= 1

    def _skip_blanks(self) -> None:
        src, n = self.src, len(self.src)
        while self.pos < n:
            c = src[self.pos]
            if c in " \t":
                self.pos += 1
            elif c == "\\" and self.pos + 1 < n and src[self.pos + 1] == "\n":
                self.pos += 2
                self.line += 1
            elif c == "#":
                while self.pos < n and src[self.pos] != "\n":
                    self.pos += 1
            else:
                break

    # -- tokens ------------------------------------------------------------------

    def peek(self) -> Token:
        if self._peeked is None:
            start_pos, start_line = self.pos, self.line
            tok = self._next_token()
            self._peeked = (tok, self.pos, self.line)
            self.pos, self.line = start_pos, start_line
        return self._peeked[0]

    def take(self) -> Token:
        tok = self.peek()
        assert self._peeked is not None
        _, self.pos, self.line = self._peeked
        self._peeked = None
        self._last_taken = tok
        if tok.kind == "newline":
            self._read_heredocs()
        return tok

    def _unpeek(self) -> None:
        self._peeked = None

    def _next_token(self) -> Token:
        self._skip_blanks()
        tok = self._scan_token()
        tok.start = self._token_start
        return tok

    def _scan_token(self) -> Token:
        src, n = self.src, len(self.src)
        line = self.line
        self._token_start = self.pos
        if self.pos >= n:
            if self.pos == n and n and src[-1] != "\n":
                # Bash's input ends in a newline even when the text does
                # not: `echo (` fails near `newline', on its last line.
                self.pos += 1
                return Token("newline", "\n", line)
            return Token("eof", "", line)
        c = src[self.pos]
        if c == "\n":
            self.pos += 1
            self.line += 1
            return Token("newline", "\n", line)
        # {name}> : a descriptor chosen by the shell and stored in name
        m = _FD_VAR.match(src, self.pos) if c == "{" else None
        if m:
            self.pos = m.end()
            return Token("ionum", m.group(0), line, fd_var=m.group(1))
        if c.isdigit():
            j = self.pos
            while j < n and src[j].isdigit():
                j += 1
            if j < n and src[j] in "<>":
                digits = src[self.pos : j]
                self.pos = j
                return Token("ionum", digits, line, fd=int(digits))
        if c in "<>" and src.startswith("(", self.pos + 1):
            start = self.pos
            word = self._read_word()
            return Token("word", src[start : self.pos], line, word=word)
        for op in _OPS_BY_CHAR.get(c, ()):
            if src.startswith(op, self.pos):
                self.pos += len(op)
                return Token("op", op, line)
        start = self.pos
        assign = self._try_assignment()
        if assign is not None:
            word, a = assign
            return Token("word", src[start : self.pos], line, word=word, assign=a)
        word = self._read_word()
        return Token("word", src[start : self.pos], line, word=word)

    # -- words -------------------------------------------------------------------

    def _read_word(self, stop: frozenset[str] = _META) -> ast.Word:
        """Reads a word in command context (up to a metacharacter)."""
        parts: list[ast.WordPart] = []
        buf: list[str] = []
        src, n = self.src, len(self.src)

        def flush() -> None:
            if buf:
                parts.append(ast.Lit("".join(buf)))
                buf.clear()

        plain = _PLAIN_RUN if stop is _META and not self.extglob else None
        while self.pos < n:
            if plain is not None:
                m = plain.match(src, self.pos)
                if m is not None:
                    buf.append(m.group())
                    self.pos = m.end()
                    continue
            c = src[self.pos]
            if c in "<>" and self.pos + 1 < n and src[self.pos + 1] == "(" and stop is _META:
                flush()
                parts.append(self._read_process_sub(c))
                continue
            if c in stop:
                if c == "(" and self.extglob and buf and buf[-1] in "@*+?!":
                    op = buf.pop()
                    flush()
                    parts.append(self._read_extglob(op))
                    continue
                break
            if c == "\\":
                if self.pos + 1 >= n:
                    buf.append("\\")
                    self.pos += 1
                    continue
                nxt = src[self.pos + 1]
                self.pos += 2
                if nxt == "\n":
                    self.line += 1
                    continue
                flush()
                parts.append(ast.Escaped(nxt))
            elif c == "'":
                flush()
                parts.append(ast.SingleQuoted(self._read_single_quoted()))
            elif c == '"':
                flush()
                self.pos += 1
                parts.append(ast.DoubleQuoted(self._read_double_quoted()))
            elif c == "$":
                part = self._read_dollar(in_dq=False)
                if isinstance(part, ast.Lit):
                    buf.append(part.text)
                else:
                    flush()
                    parts.append(part)
            elif c == "`":
                flush()
                parts.append(self._read_backtick())
            else:
                if c == "\n":
                    self.line += 1
                buf.append(c)
                self.pos += 1
        flush()
        return ast.Word(tuple(parts))

    def _read_single_quoted(self) -> str:
        start = self.pos + 1
        end = self.src.find("'", start)
        if end < 0:
            line = self.line
            self.pos = len(self.src)
            raise self._eof_error("'", line)
        text = self.src[start:end]
        self.line += text.count("\n")
        self.pos = end + 1
        return text

    def _read_double_quoted(self, *, heredoc: bool = False) -> tuple[ast.WordPart, ...]:
        """The parts of a double-quoted string (pos just after the quote);
        with ``heredoc``, reads to the end of the text and `"` is literal."""
        parts: list[ast.WordPart] = []
        buf: list[str] = []
        src, n = self.src, len(self.src)
        start_line = self.line
        specials = "$`\\\n" if heredoc else '$`"\\\n'

        def flush() -> None:
            if buf:
                parts.append(ast.Lit("".join(buf)))
                buf.clear()

        while True:
            if self.pos >= n:
                if heredoc:
                    break
                raise self._eof_error('"', start_line)
            c = src[self.pos]
            if c == '"' and not heredoc:
                self.pos += 1
                break
            if c == "\\":
                nxt = src[self.pos + 1] if self.pos + 1 < n else ""
                if nxt and nxt in specials:
                    self.pos += 2
                    if nxt == "\n":
                        self.line += 1
                        continue
                    buf.append(nxt)
                else:
                    buf.append("\\")
                    self.pos += 1
            elif c == "$":
                part = self._read_dollar(in_dq=True)
                if isinstance(part, ast.Lit):
                    buf.append(part.text)
                else:
                    flush()
                    parts.append(part)
            elif c == "`":
                flush()
                parts.append(self._read_backtick())
            else:
                if c == "\n":
                    self.line += 1
                buf.append(c)
                self.pos += 1
        flush()
        return tuple(parts)

    def _read_dollar(self, *, in_dq: bool) -> ast.WordPart:
        src, n = self.src, len(self.src)
        nxt = src[self.pos + 1] if self.pos + 1 < n else ""
        if nxt == "'" and not in_dq:
            self.pos += 1
            start = self.pos + 1
            i = start
            while i < n and src[i] != "'":
                i += 2 if src[i] == "\\" else 1
            if i >= n:
                self.pos = n
                raise self._eof_error("'")
            body = src[start:i]
            self.line += body.count("\n")
            self.pos = i + 1
            return ast.AnsiCQuoted(decode_ansi_c(body))
        if nxt == '"' and not in_dq:
            self.pos += 2
            return ast.DoubleQuoted(self._read_double_quoted())
        if nxt == "{":
            self.pos += 2
            self._nest()
            try:
                return self._read_braced_param(in_dq)
            finally:
                self._unnest()
        if nxt == "(":
            if src.startswith("((", self.pos + 1) and self._arith_closes(self.pos + 3):
                self.pos += 3
                return ast.ArithSub(self._read_arith_text("))"))
            from_arith = src.startswith("((", self.pos + 1)
            self.pos += 2
            return ast.CommandSub(self._parse_substitution(")", from_arith=from_arith))
        if nxt == "[":
            self.pos += 2
            return ast.ArithSub(self._read_arith_text("]"))
        if nxt and (nxt.isalpha() or nxt == "_"):
            m = _NAME.match(src, self.pos + 1)
            assert m is not None
            self.pos = m.end()
            return ast.ParamExp(m.group(0))
        if nxt and (nxt.isdigit() or nxt in _SPECIAL_PARAMS):
            self.pos += 2
            return ast.ParamExp(nxt)
        self.pos += 1
        return ast.Lit("$")

    def _arith_closes(self, start: int) -> bool:
        """Whether ``$((`` at ``start`` is arithmetic: its parentheses close
        with ``))`` (else it is a command substitution of a subshell)."""
        src, n = self.src, len(self.src)
        depth = 0
        i = start
        while i < n:
            c = src[i]
            if c in "'\"":
                j = src.find(c, i + 1)
                if j < 0:
                    return False
                i = j + 1
                continue
            if c == "\\":
                i += 2
                continue
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    return i + 1 < n and src[i + 1] == ")"
                depth -= 1
            i += 1
        return False

    def _read_arith_text(self, close: str) -> ast.Word:
        """An arithmetic expression up to ``close`` at parenthesis depth 0,
        as a word (expansions inside are expanded before evaluation)."""
        parts: list[ast.WordPart] = []
        buf: list[str] = []
        src, n = self.src, len(self.src)
        depth = 0

        def flush() -> None:
            if buf:
                parts.append(ast.Lit("".join(buf)))
                buf.clear()

        while True:
            if self.pos >= n:
                raise self._eof_error("))" if close == "))" else close)
            if depth == 0 and src.startswith(close, self.pos):
                self.pos += len(close)
                break
            c = src[self.pos]
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            if c == "$":
                part = self._read_dollar(in_dq=True)
                if isinstance(part, ast.Lit):
                    buf.append(part.text)
                else:
                    flush()
                    parts.append(part)
                continue
            if c == "`":
                flush()
                parts.append(self._read_backtick())
                continue
            if c == '"':
                self.pos += 1
                flush()
                parts.extend(self._read_double_quoted())
                continue
            if c == "'":
                flush()
                parts.append(ast.Lit(self._read_single_quoted()))
                continue
            if c == "\\" and self.pos + 1 < n:
                if src[self.pos + 1] == "\n":
                    self.pos += 2
                    self.line += 1
                    continue
                buf.append(src[self.pos + 1])
                self.pos += 2
                continue
            if c == "\n":
                self.line += 1
            buf.append(c)
            self.pos += 1
        flush()
        return ast.Word(tuple(parts))

    def _read_backtick(self) -> ast.CommandSub:
        src, n = self.src, len(self.src)
        i = self.pos + 1
        out: list[str] = []
        start_line = self.line
        while True:
            if i >= n:
                self.pos = n
                raise self._eof_error("`")
            c = src[i]
            if c == "`":
                break
            if c == "\\" and i + 1 < n and src[i + 1] in "$`\\":
                out.append(src[i + 1])
                i += 2
                continue
            out.append(c)
            i += 1
        body = "".join(out)
        self.pos = i + 1
        self.line += src[self.pos - len(body) - 2 : self.pos].count("\n")
        self._nest()
        try:
            sub = Parser(
                body, aliases=self.aliases, expand_aliases=self.expand_aliases, extglob=self.extglob, line=start_line
            )
            sub.depth = self.depth
            commands = sub.parse_all_lists()
        finally:
            self._unnest()
        items: list[ast.ListItem] = [item for cl in commands for item in cl.items]
        return ast.CommandSub(ast.CommandList(tuple(items)), backtick=True)

    def _parse_substitution(self, close: str, *, from_arith: bool = False) -> ast.CommandList:
        """The command list of ``$(...)`` or ``<(...)`` (pos after the paren).
        An unclosed one is reported on the last line, as bash reads it; one
        that began as ``$((`` (bash tried arithmetic first) on its first."""
        self._nest()
        start_line = self.line
        try:
            return self._parse_substitution_body(close)
        except ParseError as e:
            if e.token is None and e.message is None:
                line = start_line if from_arith else self.line if self.src.endswith("\n") else self.line + 1
                raise self._eof_error(")", line) from None
            raise
        finally:
            self._unnest()

    def _parse_substitution_body(self, close: str) -> ast.CommandList:
        self._skip_newlines()
        if self.peek().kind == "op" and self.peek().value == close:
            self.take()
            return ast.CommandList(())
        body = self._parse_list(terminators=(close,))
        tok = self.peek()
        if tok.kind == "eof":
            raise self._error(None)  # reported as unclosed by _parse_substitution
        if not (tok.kind == "op" and tok.value == close):
            raise self._error(tok.value)
        self.take()
        return body

    def _read_process_sub(self, direction: str) -> ast.ProcessSub:
        self.pos += 2
        return ast.ProcessSub(direction, self._parse_substitution(")"))

    def _read_extglob(self, op: str) -> ast.ExtGlob:
        """``@(a|b)`` after its operator character (pos at the paren)."""
        self.pos += 1
        alternatives: list[ast.Word] = []
        stop = frozenset("|)")
        while True:
            word = self._read_word_in(stop | frozenset("\n"), allow_parens=True)
            alternatives.append(word)
            if self.pos >= len(self.src):
                raise self._eof_error(")")
            c = self.src[self.pos]
            self.pos += 1
            if c == ")":
                break
            if c == "\n":
                raise self._error("newline")
        return ast.ExtGlob(op, tuple(alternatives))

    def _read_word_in(self, stop: frozenset[str], *, allow_parens: bool = False) -> ast.Word:
        """A word whose end is one of ``stop`` (braces, extglob bodies)."""
        saved = self.extglob
        try:
            if allow_parens:
                self.extglob = True
            parts: list[ast.WordPart] = []
            depth = 0
            while self.pos < len(self.src):
                c = self.src[self.pos]
                if c in stop and depth == 0:
                    break
                inner = self._read_word(stop=frozenset(stop | {"(", ")"}) if allow_parens else stop)
                parts.extend(inner.parts)
                if self.pos < len(self.src) and self.src[self.pos] in "()" and self.src[self.pos] not in stop:
                    c = self.src[self.pos]
                    depth += 1 if c == "(" else -1
                    parts.append(ast.Lit(c))
                    self.pos += 1
                elif self.pos < len(self.src) and self.src[self.pos] == ")" and depth > 0:
                    depth -= 1
                    parts.append(ast.Lit(")"))
                    self.pos += 1
                elif not inner.parts:
                    break
            return ast.Word(_merge_lits(parts))
        finally:
            self.extglob = saved

    def _read_param_word(self, stops: str, *, in_dq: bool) -> ast.Word:
        """The word of a ``${...}`` operator, up to one of ``stops`` outside
        quotes and nested braces."""
        parts: list[ast.WordPart] = []
        buf: list[str] = []
        src, n = self.src, len(self.src)
        depth = 0

        def flush() -> None:
            if buf:
                parts.append(ast.Lit("".join(buf)))
                buf.clear()

        while True:
            if self.pos >= n:
                raise self._eof_error("}")
            c = src[self.pos]
            if depth == 0 and c in stops:
                break
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
            if c == "\\" and self.pos + 1 < n:
                nxt = src[self.pos + 1]
                self.pos += 2
                if nxt == "\n":
                    self.line += 1
                    continue
                if in_dq and nxt not in '$`"\\}':
                    buf.append("\\" + nxt)
                    continue
                flush()
                parts.append(ast.Escaped(nxt))
            elif c == "'" and not in_dq:
                flush()
                parts.append(ast.SingleQuoted(self._read_single_quoted()))
            elif c == '"':
                flush()
                self.pos += 1
                parts.append(ast.DoubleQuoted(self._read_double_quoted()))
            elif c == "$":
                part = self._read_dollar(in_dq=in_dq)
                if isinstance(part, ast.Lit):
                    buf.append(part.text)
                else:
                    flush()
                    parts.append(part)
            elif c == "`":
                flush()
                parts.append(self._read_backtick())
            else:
                if c == "\n":
                    self.line += 1
                buf.append(c)
                self.pos += 1
        flush()
        word_parts = tuple(parts)
        if in_dq:
            # Inside "${v:-...}" the word is double-quoted text.
            word_parts = tuple(ast.DoubleQuoted((p,)) if isinstance(p, ast.Lit) else p for p in word_parts)
        return ast.Word(word_parts)

    def _read_braced_param(self, in_dq: bool) -> ast.WordPart:
        """After ``${``: every parameter expansion form."""
        src, n = self.src, len(self.src)
        start = self.pos

        def bad() -> ast.ParamExp:
            depth = 1
            i = start
            while i < n and depth:
                if src[i] == "{":
                    depth += 1
                elif src[i] == "}":
                    depth -= 1
                i += 1
            if depth:
                self.pos = n
                raise self._eof_error("}")
            self.pos = i
            return ast.ParamExp("", op="bad", arg=ast.Word((ast.Lit("${" + src[start : i - 1] + "}"),)), braced=True)

        c = src[self.pos] if self.pos < n else ""
        # ${#...}: length, unless it is ${#} or ${#...op} on $#
        if c == "#" and self.pos + 1 < n and src[self.pos + 1] not in "}":
            save = self.pos
            self.pos += 1
            name = self._param_name()
            if name and self.pos < n and src[self.pos] in "}[":
                index = self._subscript() if src[self.pos] == "[" else None
                if self.pos < n and src[self.pos] == "}":
                    self.pos += 1
                    return ast.ParamExp(name, index=index, op="len", braced=True)
            self.pos = save
        indirect = False
        if c == "!" and self.pos + 1 < n and src[self.pos + 1] not in "}":
            indirect = True
            self.pos += 1
        name = self._param_name()
        if not name:
            return bad()
        if indirect and self.pos < n and src[self.pos] in "@*" and self.pos + 1 < n and src[self.pos + 1] == "}":
            kind = src[self.pos]
            self.pos += 2
            return ast.ParamExp(name, names=kind, braced=True)
        index = None
        if self.pos < n and src[self.pos] == "[" and name not in _SPECIAL_PARAMS and not name.isdigit():
            index = self._subscript()
        if indirect and index is not None and index.literal() in ("@", "*") and self.pos < n and src[self.pos] == "}":
            self.pos += 1
            return ast.ParamExp(name, index=index, keys=True, braced=True)
        if self.pos >= n:
            raise self._eof_error("}")
        c = src[self.pos]
        if c == "}":
            self.pos += 1
            return ast.ParamExp(name, index=index, indirect=indirect, braced=True)
        colon = False
        if c == ":" and self.pos + 1 < n and src[self.pos + 1] in "-=+?":
            colon = True
            self.pos += 1
            c = src[self.pos]
        if c in "-=+?":
            self.pos += 1
            arg = self._read_param_word("}", in_dq=in_dq)
            self.pos += 1
            return ast.ParamExp(name, index=index, op=c, colon=colon, arg=arg, indirect=indirect, braced=True)
        if c == ":":
            self.pos += 1
            offset = self._read_param_word(":}", in_dq=True)
            length = None
            if src[self.pos] == ":":
                self.pos += 1
                length = self._read_param_word("}", in_dq=True)
            elif not offset.parts:
                self.pos = start
                return bad()  # ${v:} has no offset
            self.pos += 1
            return ast.ParamExp(name, index=index, op=":", arg=offset, arg2=length, indirect=indirect, braced=True)
        if c in "#%":
            op = c
            self.pos += 1
            if self.pos < n and src[self.pos] == c:
                op += c
                self.pos += 1
            arg = self._read_param_word("}", in_dq=False)
            self.pos += 1
            return ast.ParamExp(name, index=index, op=op, arg=arg, indirect=indirect, braced=True)
        if c == "/":
            op = "/"
            self.pos += 1
            if self.pos < n and src[self.pos] in "/#%":
                op += src[self.pos]
                self.pos += 1
            pattern = self._read_param_word("/}", in_dq=False)
            replacement = None
            if src[self.pos] == "/":
                self.pos += 1
                replacement = self._read_param_word("}", in_dq=in_dq)
            self.pos += 1
            return ast.ParamExp(
                name, index=index, op=op, arg=pattern, arg2=replacement, indirect=indirect, braced=True
            )  # fmt: skip
        if c in "^,~":
            op = c
            self.pos += 1
            if self.pos < n and src[self.pos] == c:
                op += c
                self.pos += 1
            arg = self._read_param_word("}", in_dq=False)
            self.pos += 1
            return ast.ParamExp(
                name, index=index, op=op, arg=arg if arg.parts else None, indirect=indirect, braced=True
            )
        if c == "@" and self.pos + 2 < n and src[self.pos + 2] == "}" and src[self.pos + 1] in "QEPAaKkULu":
            op = "@" + src[self.pos + 1]
            self.pos += 3
            return ast.ParamExp(name, index=index, op=op, indirect=indirect, braced=True)
        self.pos = start
        return bad()

    def _param_name(self) -> str:
        src, n = self.src, len(self.src)
        if self.pos >= n:
            return ""
        c = src[self.pos]
        m = _NAME.match(src, self.pos)
        if m:
            self.pos = m.end()
            return m.group(0)
        if c.isdigit():
            j = self.pos
            while j < n and src[j].isdigit():
                j += 1
            name = src[self.pos : j]
            self.pos = j
            return name
        if c in _SPECIAL_PARAMS:
            self.pos += 1
            return c
        return ""

    def _subscript(self) -> ast.Word:
        """``[...]`` after a name (pos at the bracket): its text as a word."""
        self.pos += 1
        src, n = self.src, len(self.src)
        if self.pos + 1 < n and src[self.pos] in "@*" and src[self.pos + 1] == "]":
            c = src[self.pos]
            self.pos += 2
            return ast.Word((ast.Lit(c),))
        start = self.pos
        word = self._read_param_word("]", in_dq=True)
        if self.pos >= n:
            raise self._eof_error("]")
        self.pos += 1
        return ast.Word(word.parts, src[start : self.pos - 1])

    def _try_assignment(self) -> tuple[ast.Word, ast.Assign] | None:
        """``NAME=value``, ``NAME+=value``, ``NAME[sub]=value``, ``NAME=(...)``."""
        src = self.src
        m = _ASSIGN_START.match(src, self.pos)
        if not m:
            return None
        start = self.pos
        name = m.group(1)
        self.pos = m.end(1)
        index = None
        if src[self.pos] == "[":
            try:
                index = self._subscript()
            except ParseError:
                self.pos = start
                return None
        append = False
        if src.startswith("+=", self.pos):
            append = True
            self.pos += 2
        elif src.startswith("=", self.pos):
            self.pos += 1
        else:
            self.pos = start
            return None
        prefix = src[start : self.pos]
        if self.pos < len(src) and src[self.pos] == "(" and index is None:
            self.pos += 1
            items = self._read_array_literal()
            word = ast.Word((ast.Lit(src[start : self.pos]),))
            return word, ast.Assign(name, ast.ArrayLiteral(items), None, append)
        value = self._read_word()
        word = ast.Word(_merge_lits([ast.Lit(prefix), *value.parts]))
        return word, ast.Assign(name, value, index, append)

    def _read_array_literal(self) -> tuple[tuple[ast.Word | None, ast.Word], ...]:
        items: list[tuple[ast.Word | None, ast.Word]] = []
        src, n = self.src, len(self.src)
        while True:
            while self.pos < n and src[self.pos] in " \t\n":
                if src[self.pos] == "\n":
                    self.line += 1
                self.pos += 1
            if self.pos < n and src[self.pos] == "#":
                while self.pos < n and src[self.pos] != "\n":
                    self.pos += 1
                continue
            if self.pos >= n:
                raise self._eof_error(")", status=1)
            if src[self.pos] == ")":
                self.pos += 1
                return tuple(items)
            key = None
            if src[self.pos] == "[":
                save = self.pos
                try:
                    key = self._subscript()
                    if self.pos < n and src[self.pos] == "=":
                        self.pos += 1
                    elif src.startswith("+=", self.pos):
                        self.pos += 2
                    else:
                        key = None
                        self.pos = save
                except ParseError:
                    key = None
                    self.pos = save
            value = self._read_word()
            if not value.parts and key is None:
                c = src[self.pos] if self.pos < n else ""
                error = self._error(c or None)
                error.status = 1  # bash fails a bad compound assignment with 1
                raise error
            items.append((key, value))

    # -- here-documents ----------------------------------------------------------

    def _read_heredocs(self) -> None:
        """Reads the bodies of the here-documents opened on the line that
        just ended (pos at the start of the next line)."""
        pending, self.pending = self.pending, []
        for doc in pending:
            src, n = self.src, len(self.src)
            lines: list[str] = []
            found = False
            joined = ""  # an unquoted body's lines joined by backslash-newline
            while self.pos < n:
                end = src.find("\n", self.pos)
                raw = src[self.pos :] if end < 0 else src[self.pos : end]
                self.pos = n if end < 0 else end + 1
                self.line += 1
                text = joined + (raw.lstrip("\t") if doc.strip_tabs and not joined else raw)
                joined = ""
                if not doc.quoted and (len(text) - len(text.rstrip("\\"))) % 2 == 1:
                    joined = text[:-1]  # the delimiter is looked for in the joined line
                    continue
                if text == doc.delimiter:
                    found = True
                    break
                lines.append(text + "\n")
            if joined:
                lines.append(joined)
            if not found:
                self.warnings.append((
                    max(doc.line, self.line - 1),  # the last line read
                    f"warning: here-document at line {doc.line} delimited by end-of-file (wanted `{doc.delimiter}')",
                ))  # fmt: skip
            body = "".join(lines)
            if doc.quoted:
                doc.target.body = ast.Word((ast.Lit(body),))
            else:
                sub = Parser(body, aliases=self.aliases, line=doc.line + 1)
                sub.depth = self.depth
                doc.target.body = ast.Word(sub._read_double_quoted(heredoc=True))

    # -- commands ----------------------------------------------------------------

    def _skip_newlines(self) -> None:
        while self.peek().kind == "newline":
            self.take()

    def _is_reserved(self, tok: Token, *words: str) -> bool:
        return tok.kind == "word" and tok.assign is None and tok.word is not None and tok.word.literal() in words

    def parse_next(self) -> ast.CommandList | None:
        """The next complete command (up to an unnested newline), or None
        at the end of the source."""
        self._skip_newlines()
        if self.peek().kind == "eof":
            return None
        items: list[ast.ListItem] = []
        while True:
            tok = self.peek()
            if tok.kind in ("eof", "newline"):
                break
            if tok.kind == "op" and tok.value in (";", "&"):
                raise self._error(tok.value)
            and_or = self._parse_and_or()
            tok = self.peek()
            background = False
            if tok.kind == "op" and tok.value in (";", "&"):
                background = tok.value == "&"
                self.take()
            elif tok.kind not in ("eof", "newline"):
                raise self._error(tok.value)
            items.append(ast.ListItem(and_or, background))
        if self.peek().kind == "newline":
            self.take()
        elif self.pending:
            self._read_heredocs()
        return ast.CommandList(tuple(items))

    def parse_all_lists(self) -> list[ast.CommandList]:
        out = []
        while True:
            cl = self.parse_next()
            if cl is None:
                return out
            out.append(cl)

    _TERMINATORS = frozenset(("then", "else", "elif", "fi", "do", "done", "esac", "}", "in"))

    def _parse_list(self, terminators: tuple[str, ...], *, allow_empty: bool = False) -> ast.CommandList:
        """A compound list: and-or lists separated by ; & or newlines, up to
        one of ``terminators`` (reserved words or operators), not consumed."""
        items: list[ast.ListItem] = []
        self._skip_newlines()
        while True:
            tok = self.peek()
            if tok.kind == "eof":
                break
            if tok.kind == "op" and tok.value in terminators:
                break
            if tok.kind == "op" and tok.value in (";;", ";&", ";;&") and "esac" in terminators:
                break
            if self._is_reserved(tok, *terminators):
                break
            if self._is_reserved(tok, *self._TERMINATORS) or (
                tok.kind == "op" and tok.value in (")", ";;", ";&", ";;&")
            ):
                raise self._error(tok.value)
            and_or = self._parse_and_or()
            tok = self.peek()
            background = False
            separated = False
            if tok.kind == "op" and tok.value in (";", "&"):
                background = tok.value == "&"
                self.take()
                separated = True
            if self.peek().kind == "newline":
                self._skip_newlines()
                separated = True
            items.append(ast.ListItem(and_or, background))
            if not separated:
                break
        if not items and not allow_empty:
            tok = self.peek()
            raise self._error(None if tok.kind == "eof" else tok.value)
        return ast.CommandList(tuple(items))

    def _parse_and_or(self) -> ast.AndOr:
        first = self._parse_pipeline()
        rest: list[tuple[str, ast.Pipeline]] = []
        while True:
            tok = self.peek()
            if tok.kind == "op" and tok.value in ("&&", "||"):
                self.take()
                self._skip_newlines()
                rest.append((tok.value, self._parse_pipeline()))
            else:
                return ast.AndOr(first, tuple(rest))

    def _parse_pipeline(self) -> ast.Pipeline:
        line = self.peek().line
        negated = False
        timed = posix = False
        while True:
            tok = self.peek()
            if self._is_reserved(tok, "!"):
                self.take()
                negated = not negated
            elif self._is_reserved(tok, "time") and not timed:
                self.take()
                timed = True
                if self._is_reserved(self.peek(), "-p"):
                    self.take()
                    posix = True
            else:
                break
        tok = self.peek()
        if tok.kind in ("eof", "newline") or (tok.kind == "op" and tok.value in (";", "&", "&&", "||", ")")):
            if timed or negated:
                return ast.Pipeline((), negated, (), timed, line, posix)
            raise self._error(None if tok.kind == "eof" else tok.value if tok.kind == "op" else "newline")
        commands = [self._parse_command()]
        links: list[bool] = []
        while True:
            tok = self.peek()
            if tok.kind == "op" and tok.value in ("|", "|&"):
                self.take()
                self._skip_newlines()
                links.append(tok.value == "|&")
                commands.append(self._parse_command())
            else:
                break
        return ast.Pipeline(tuple(commands), negated, tuple(links), timed, line, posix)

    def _parse_command(self) -> ast.Command:
        self._nest()
        try:
            return self._parse_command_inner()
        finally:
            self._unnest()

    def _parse_command_inner(self) -> ast.Command:
        tok = self.peek()
        if (
            tok.kind == "op"
            and tok.value == "("
            and self.src.startswith("((", tok.start)
            and self._arith_closes(tok.start + 2)
        ):
            self._unpeek()
            line = tok.line
            self.pos = tok.start + 2
            expr = self._read_arith_text("))")
            return ast.ArithCommand(expr, self._parse_redirs(), line)
        line = tok.line
        if tok.kind == "word" and tok.assign is None and tok.word is not None:
            lit = tok.word.literal()
            if lit == "if":
                return self._parse_if()
            if lit in ("while", "until"):
                return self._parse_while(lit == "until")
            if lit in ("for", "select"):
                return self._parse_for()
            if lit == "case":
                return self._parse_case()
            if lit == "{":
                self.take()
                body = self._parse_list(("}",))
                self._expect_reserved("}")
                return ast.BraceGroup(body, self._parse_redirs(), line)
            if lit == "[[":
                return self._parse_cond()
            if lit == "function":
                return self._parse_function_keyword()
            if lit in self._TERMINATORS or lit == "]]":
                raise self._error(lit)
        if tok.kind == "op" and tok.value == "(":
            self.take()
            body = self._parse_list((")",))
            tok = self.peek()
            if not (tok.kind == "op" and tok.value == ")"):
                raise self._error(None if tok.kind == "eof" else tok.value)
            self.take()
            return ast.Subshell(body, self._parse_redirs(), line)
        return self._parse_simple()

    def _expect_reserved(self, word: str) -> None:
        tok = self.peek()
        if not self._is_reserved(tok, word):
            raise self._error(None if tok.kind == "eof" else tok.value if tok.kind != "newline" else "newline")
        self.take()

    def _parse_redirs(self) -> tuple[ast.Redir, ...]:
        redirs = []
        while True:
            tok = self.peek()
            if tok.kind == "ionum" or (tok.kind == "op" and tok.value in _REDIR_OPS):
                redirs.append(self._parse_redir())
            else:
                return tuple(redirs)

    def _parse_redir(self) -> ast.Redir:
        tok = self.take()
        fd = None
        fd_var = None
        if tok.kind == "ionum":
            fd, fd_var = tok.fd, tok.fd_var
            tok = self.take()
        op = tok.value
        if op in ("<<", "<<-"):
            target_tok = self.take()
            if target_tok.kind != "word":
                raise self._error("newline" if target_tok.kind == "newline" else target_tok.value or None)
            delimiter, quoted = _heredoc_delimiter(target_tok.value)
            doc = ast.HereDoc(ast.Word(()), quoted, delimiter, target_tok.value)
            self.pending.append(_PendingHereDoc(delimiter, op == "<<-", quoted, doc, target_tok.line))
            return ast.Redir(op, doc, fd, fd_var)
        target_tok = self.take()
        if target_tok.kind != "word" or target_tok.word is None:
            raise self._error(
                "newline" if target_tok.kind == "newline" else (target_tok.value if target_tok.kind != "eof" else None)
            )
        return ast.Redir(op, target_tok.word, fd, fd_var)

    def _parse_simple(self) -> ast.Command:
        line = self.peek().line
        words: list[ast.Word] = []
        assigns: list[ast.Assign] = []
        redirs: list[ast.Redir] = []
        declaration = False
        alias_next = False
        while True:
            tok = self.peek()
            if tok.kind == "ionum" or (tok.kind == "op" and tok.value in _REDIR_OPS):
                redirs.append(self._parse_redir())
                continue
            if tok.kind != "word":
                break
            if not words and tok.assign is not None:
                self.take()
                assigns.append(tok.assign)
                continue
            if (not words or alias_next) and self.expand_aliases and self._expand_alias(tok):
                continue
            alias_next = False
            if tok.assign is not None and isinstance(tok.assign.value, ast.ArrayLiteral) and not declaration:
                raise self._error("(")
            self.take()
            assert tok.word is not None
            if self._alias_blank_end is not None and self.pos >= self._alias_blank_end:
                alias_next, self._alias_blank_end = True, None
            if declaration and tok.assign is not None:
                words.append(_DeclWord(tok.word.parts, tok.assign))  # type: ignore[arg-type]
            else:
                words.append(tok.word)
            if len(words) == 1:
                lit = tok.word.literal()
                declaration = lit in ("declare", "typeset", "local", "export", "readonly")
                nxt = self.peek()
                if lit is not None and nxt.kind == "op" and nxt.value == "(" and not assigns and not redirs:
                    if not _valid_function_name(lit):
                        raise self._error("(")
                    return self._parse_function_rest(lit, line, tok.value)
        if not words and not assigns and not redirs:
            tok = self.peek()
            raise self._error(None if tok.kind == "eof" else "newline" if tok.kind == "newline" else tok.value)
        return ast.SimpleCommand(tuple(words), tuple(assigns), tuple(redirs), line)

    def _expand_alias(self, tok: Token) -> bool:
        """Replaces an alias in command position by its text; True if done."""
        name = tok.word.literal() if tok.word else None
        if name is None or name not in self.aliases:
            return False
        self._alias_guard = [(a, end) for a, end in self._alias_guard if end > tok.start]
        if any(a == name for a, _ in self._alias_guard):
            return False
        value = self.aliases[name]
        start = self.pos
        self._skip_blanks()
        start = self.pos
        end = start + len(tok.value)
        self.src = self.src[:start] + value + self.src[end:]
        self._alias_guard.append((name, start + len(value)))
        if value.endswith((" ", "\t")):
            self._alias_blank_end = start + len(value.rstrip(" \t"))
        elif self._alias_blank_end is not None and self._alias_blank_end > start:
            self._alias_blank_end += len(value) - (end - start)  # an alias inside one ending in a blank
        self._unpeek()
        return True

    def _parse_function_rest(self, name: str, line: int, _text: str) -> ast.FunctionDef:
        start = self.pos
        self.take()  # (
        tok = self.take()
        if not (tok.kind == "op" and tok.value == ")"):
            raise self._error(tok.value if tok.kind != "eof" else None)
        return self._function_body(name, line, start)

    def _function_body(self, name: str, line: int, start: int) -> ast.FunctionDef:
        self._skip_newlines()
        tok = self.peek()
        is_compound = (tok.kind == "op" and tok.value == "(") or self._is_reserved(
            tok, "{", "if", "while", "until", "for", "select", "case", "[["
        )
        if not is_compound:
            raise self._error(None if tok.kind == "eof" else tok.value)
        body = self._parse_command()
        source = self.src[start : self.pos]
        return ast.FunctionDef(name, body, line, source)

    def _parse_function_keyword(self) -> ast.FunctionDef:
        line = self.take().line
        tok = self.take()
        if tok.kind != "word" or tok.word is None or tok.word.literal() is None:
            raise self._error(tok.value if tok.kind != "eof" else None)
        name = tok.word.literal() or ""
        start = self.pos
        nxt = self.peek()
        if nxt.kind == "op" and nxt.value == "(":
            self.take()
            close = self.take()
            if not (close.kind == "op" and close.value == ")"):
                raise self._error(close.value if close.kind != "eof" else None)
        return self._function_body(name, line, start)

    def _parse_if(self) -> ast.If:
        line = self.take().line
        arms = []
        cond = self._parse_list(("then",))
        self._expect_reserved("then")
        body = self._parse_list(("elif", "else", "fi"))
        arms.append((cond, body))
        else_body = None
        while True:
            tok = self.peek()
            if self._is_reserved(tok, "elif"):
                self.take()
                cond = self._parse_list(("then",))
                self._expect_reserved("then")
                arms.append((cond, self._parse_list(("elif", "else", "fi"))))
            elif self._is_reserved(tok, "else"):
                self.take()
                else_body = self._parse_list(("fi",))
                self._expect_reserved("fi")
                break
            else:
                self._expect_reserved("fi")
                break
        return ast.If(tuple(arms), else_body, self._parse_redirs(), line)

    def _parse_while(self, until: bool) -> ast.While:
        line = self.take().line
        cond = self._parse_list(("do",))
        self._expect_reserved("do")
        body = self._parse_list(("done",))
        self._expect_reserved("done")
        return ast.While(cond, body, until, self._parse_redirs(), line)

    def _parse_loop_body(self) -> ast.CommandList:
        self._skip_newlines()
        tok = self.peek()
        if self._is_reserved(tok, "{"):
            self.take()
            body = self._parse_list(("}",))
            self._expect_reserved("}")
            return body
        self._expect_reserved("do")
        body = self._parse_list(("done",))
        self._expect_reserved("done")
        return body

    def _parse_for(self) -> ast.Command:
        keyword = self.take()
        line = keyword.line
        select = keyword.value == "select"
        if self._peeked is None and not select:
            self._skip_blanks()
            if self.src.startswith("((", self.pos):
                self.pos += 2
                init = self._read_arith_text(";")
                cond = self._read_arith_text(";")
                step = self._read_arith_text("))")
                tok = self.peek()
                if tok.kind == "op" and tok.value == ";":
                    self.take()
                body = self._parse_loop_body()
                return ast.ArithFor(
                    init if init.parts else None, cond if cond.parts else None, step if step.parts else None,
                    body, self._parse_redirs(), line,
                )  # fmt: skip
        tok = self.take()
        name = tok.word.literal() if tok.kind == "word" and tok.word else None
        if tok.kind == "word" and (name is None or not is_name(name)):
            name = tok.value  # bash rejects it when the loop runs
        if name is None:
            raise self._error(
                tok.value if tok.kind not in ("eof", "newline") else ("newline" if tok.kind == "newline" else None)
            )
        self._skip_newlines()
        words: tuple[ast.Word, ...] | None = None
        tok = self.peek()
        if self._is_reserved(tok, "in"):
            self.take()
            collected = []
            while True:
                tok = self.peek()
                if tok.kind == "word" and tok.word is not None:
                    self.take()
                    collected.append(tok.word)
                elif tok.kind == "op" and tok.value == ";":
                    self.take()
                    break
                elif tok.kind == "newline":
                    break
                else:
                    raise self._error(tok.value if tok.kind != "eof" else None)
            words = tuple(collected)
        elif tok.kind == "op" and tok.value == ";":
            self.take()
        body = self._parse_loop_body()
        return ast.For(name, words, body, self._parse_redirs(), line, select)

    def _parse_case(self) -> ast.Case:
        line = self.take().line
        tok = self.take()
        if tok.kind != "word" or tok.word is None:
            raise self._error(tok.value if tok.kind not in ("eof", "newline") else None)
        word = tok.word
        self._skip_newlines()
        self._expect_reserved("in")
        arms: list[ast.CaseArm] = []
        while True:
            self._skip_newlines()
            tok = self.peek()
            if self._is_reserved(tok, "esac"):
                self.take()
                break
            if tok.kind == "op" and tok.value == "(":
                self.take()
            patterns = []
            saved = self.extglob
            while True:
                tok = self.take()
                if tok.kind != "word" or tok.word is None:
                    raise self._error(tok.value if tok.kind not in ("eof", "newline") else None)
                patterns.append(tok.word)
                tok = self.take()
                if tok.kind == "op" and tok.value == ")":
                    break
                if not (tok.kind == "op" and tok.value == "|"):
                    raise self._error(tok.value if tok.kind not in ("eof",) else None)
            self.extglob = saved
            body = self._parse_list(("esac",), allow_empty=True)
            tok = self.peek()
            terminator = ";;"
            if tok.kind == "op" and tok.value in (";;", ";&", ";;&"):
                terminator = tok.value
                self.take()
            elif not self._is_reserved(tok, "esac"):
                raise self._error(tok.value if tok.kind != "eof" else None)
            arms.append(ast.CaseArm(tuple(patterns), body, terminator))
        return ast.Case(word, tuple(arms), self._parse_redirs(), line)

    # -- [[ ... ]] -----------------------------------------------------------------

    def _parse_cond(self) -> ast.CondCommand:
        line = self.take().line
        expr = self._cond_or()
        self._cond_skip_newlines()
        tok = self.peek()
        if not self._is_reserved(tok, "]]"):
            raise self._error(tok.value if tok.kind != "eof" else None)
        self.take()
        return ast.CondCommand(expr, self._parse_redirs(), line)

    def _cond_skip_newlines(self) -> None:
        while self.peek().kind == "newline":
            self.take()

    def _cond_or(self) -> ast.CondExpr:
        left = self._cond_and()
        while True:
            self._cond_skip_newlines()
            tok = self.peek()
            if tok.kind == "op" and tok.value == "||":
                self.take()
                left = ast.CondOr(left, self._cond_and())
            else:
                return left

    def _cond_and(self) -> ast.CondExpr:
        left = self._cond_not()
        while True:
            self._cond_skip_newlines()
            tok = self.peek()
            if tok.kind == "op" and tok.value == "&&":
                self.take()
                left = ast.CondAnd(left, self._cond_not())
            else:
                return left

    def _cond_not(self) -> ast.CondExpr:
        self._cond_skip_newlines()
        tok = self.peek()
        if self._is_reserved(tok, "!"):
            self.take()
            return ast.CondNot(self._cond_not())
        return self._cond_primary()

    def _cond_word(self) -> ast.Word:
        tok = self.take()
        if tok.kind == "word" and tok.word is not None and not self._is_reserved(tok, "]]"):
            return tok.word
        raise self._error(
            tok.value if tok.kind not in ("eof", "newline") else ("newline" if tok.kind == "newline" else None)
        )

    def _cond_primary(self) -> ast.CondExpr:
        self._cond_skip_newlines()
        tok = self.peek()
        if tok.kind == "op" and tok.value == "(":
            self.take()
            expr = self._cond_or()
            self._cond_skip_newlines()
            close = self.take()
            if not (close.kind == "op" and close.value == ")"):
                if close.kind in ("eof", "newline"):
                    raise self._error(None)
                raise self._cond_error(f"unexpected token `{close.value}', expected `)'")
            return expr
        if self._is_reserved(tok, "]]"):
            raise self._cond_error("")  # `[[ ]]`: bash says nothing
        if tok.kind == "word" and tok.word is not None and tok.word.literal() in _COND_UNARY:
            op = tok.word.literal() or ""
            self.take()
            nxt = self.peek()
            if nxt.kind == "word" and not self._is_reserved(nxt, "]]"):
                return ast.CondUnary(op, self._cond_word())
            return ast.CondWord(tok.word)
        left = self._cond_word()
        tok = self.peek()
        op = None
        if tok.kind == "op" and tok.value in ("<", ">"):
            op = tok.value
        elif tok.kind == "word" and tok.word is not None and tok.word.literal() in _COND_BINARY:
            op = tok.word.literal()
        if op is None:
            if tok.kind == "word" and not self._is_reserved(tok, "]]"):
                raise self._cond_error("conditional binary operator expected")
            return ast.CondWord(left)
        self.take()
        after = self.peek()
        if self._is_reserved(after, "]]") or (after.kind == "op" and after.value in ("&&", "||", ")")):
            raise self._cond_error(f"unexpected argument `{after.value}' to conditional binary operator")
        if op == "=~":
            return ast.CondBinary(op, left, self._read_cond_regex())
        if op in ("==", "=", "!="):
            saved = self.extglob
            self.extglob = True
            try:
                self._unpeek()
                right = self._cond_word()
            finally:
                self.extglob = saved
            return ast.CondBinary(op, left, right)
        return ast.CondBinary(op, left, self._cond_word())

    def _read_cond_regex(self) -> ast.Word:
        """The right side of ``=~``: parentheses and ``|`` are part of it."""
        self._unpeek()
        self._skip_blanks()
        parts: list[ast.WordPart] = []
        depth = 0
        src, n = self.src, len(self.src)
        while self.pos < n:
            c = src[self.pos]
            if c in " \t\n" and depth == 0:
                break
            if c in "&|" and depth == 0 and src.startswith(c * 2, self.pos):
                break
            if c in "()|<>;&":
                if c == "(":
                    depth += 1
                elif c == ")":
                    if depth == 0:
                        break
                    depth -= 1
                parts.append(ast.Lit(c))
                self.pos += 1
                continue
            word = self._read_word(stop=frozenset(" \t\n()|<>;&"))
            if not word.parts:
                break
            parts.extend(word.parts)
        if not parts:
            raise self._error(None)
        return ast.Word(_merge_lits(parts))


class _DeclWord(ast.Word):
    """A word after declare/local/export that is also an assignment: bash
    expands it without splitting and may give it an array value."""

    __slots__ = ("assign",)

    def __init__(self, parts: tuple[ast.WordPart, ...], assign: ast.Assign) -> None:
        object.__setattr__(self, "parts", parts)
        object.__setattr__(self, "assign", assign)


DeclWord = _DeclWord


def _merge_lits(parts: list[ast.WordPart]) -> tuple[ast.WordPart, ...]:
    out: list[ast.WordPart] = []
    for p in parts:
        if isinstance(p, ast.Lit) and out and isinstance(out[-1], ast.Lit):
            out[-1] = ast.Lit(out[-1].text + p.text)
        elif not (isinstance(p, ast.Lit) and p.text == ""):
            out.append(p)
    return tuple(out)


def is_name(text: str) -> bool:
    """Whether `text` is a shell variable name (also what `for` accepts)."""
    return _NAME.fullmatch(text) is not None


def _valid_function_name(name: str) -> bool:
    return bool(name) and not any(c in name for c in "$`'\"\\/ \t\n=") and name not in _RESERVED


def _heredoc_delimiter(raw: str) -> tuple[str, bool]:
    """The delimiter of ``<<word`` after quote removal, and whether any
    part was quoted (then the body is taken literally)."""
    out = []
    quoted = False
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == "\\" and i + 1 < len(raw):
            out.append(raw[i + 1])
            quoted = True
            i += 2
        elif c in "'\"":
            j = raw.find(c, i + 1)
            if j < 0:
                j = len(raw)
            out.append(raw[i + 1 : j])
            quoted = True
            i = j + 1
        elif c == "$" and i + 1 < len(raw) and raw[i + 1] in "'\"":
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out), quoted


@functools.lru_cache(maxsize=256)
def assoc_key_word(text: str) -> ast.Word:
    """An associative array's subscript as bash expands it: quotes are
    removed (`h['k']` is `k`), unlike an indexed array's subscript, whose
    text is arithmetic, which is why the parser reads subscripts as
    double-quoted text first. Literal text stays quoted: no tilde or glob."""
    word = Parser(text + "]")._read_param_word("]", in_dq=False)
    return ast.Word(tuple(ast.DoubleQuoted((p,)) if isinstance(p, ast.Lit) else p for p in word.parts))


def parse(src: str, **kwargs: object) -> list[ast.CommandList]:
    """Parses a whole source (for tests and `declare -f`-free uses)."""
    return Parser(src, **kwargs).parse_all_lists()  # type: ignore[arg-type]
