"""Word expansion, in bash's order: brace expansion; tilde, parameter,
arithmetic and command substitution (left to right); word splitting;
pathname expansion; quote removal.

A word first becomes *segments*: (text, flags) pieces that remember
whether they were quoted (never split or globbed) or came from an unquoted
expansion (split by IFS). ``BREAK`` separates the fields of ``"$@"``.
Splitting and globbing then work on segments, and quote removal is simply
joining their texts.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

from ..vfs import Directory, VfsError
from . import ast, pattern
from .arith import ArithError, evaluate_arith
from .errors import AbandoningError, FatalShellError, ShellError
from .parser import assoc_key_word
from .printer import subscript_text, word_text
from .state import last_index

if TYPE_CHECKING:
    from .executor import Shell

__all__ = ["Expander", "brace_expand", "quote_for_reuse", "quote_for_trace"]

QUOTED = 1
SPLIT = 2


class _Break:
    __slots__ = ()


BREAK = _Break()
Seg = tuple[str, int]
Item = Seg | _Break

_DEFAULT_IFS = " \t\n"


def quote_for_reuse(text: str) -> str:
    """``${v@Q}`` and ``printf %q``-like quoting for `declare -p`/`set`."""
    if text == "":
        return "''"
    if all(c.isalnum() or c in "_-+=/.,:@%^" for c in text):
        return text
    if needs_ansi_c(text):
        return ansi_c_quote(text)
    return "'" + text.replace("'", "'\\''") + "'"


def needs_ansi_c(text: str) -> bool:
    """Whether bash quotes `text` as ``$'...'``: it holds a control
    character or a byte that is not UTF-8 (kept as a lone surrogate)."""
    return any(ord(c) < 32 or ord(c) == 127 or 0xDC80 <= ord(c) <= 0xDCFF for c in text)


_ANSI_C_ESCAPES = {"'": "\\'", "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x1b": "\\E"}


def ansi_c_quote(text: str) -> str:
    """``$'...'`` with bash's escapes (``\\n``, ``\\E``, octal for the rest)."""
    out = []
    for c in text:
        o = ord(c)
        if c in _ANSI_C_ESCAPES:
            out.append(_ANSI_C_ESCAPES[c])
        elif o < 32 or o == 127:
            out.append(f"\\{o:03o}")
        elif 0xDC80 <= o <= 0xDCFF:
            out.append(f"\\{o - 0xDC00:03o}")
        else:
            out.append(c)
    return "$'" + "".join(out) + "'"


def quote_always(text: str) -> str:
    """``${v@Q}``: always quoted, single quotes unless a control character
    needs ``$'...'``."""
    if needs_ansi_c(text):
        return ansi_c_quote(text)
    return "'" + text.replace("'", "'\\''") + "'"


_REFERABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[-@*#?$!0]")

_DQ_BACKSLASH = re.compile(r"\\(.)", re.DOTALL)

_ASSIGNMENT_SHAPE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\+?=")

_TRACE_METAS = frozenset(" \t\n'\"\\|&;()<>!{}*[?]^$`")


def quote_for_trace(text: str) -> str:
    """A word as ``set -x`` shows it: bash single-quotes a word holding any
    shell metacharacter (raw tabs and newlines included), and only a word
    with other control characters gets ``$'...'``."""
    if text == "":
        return "''"
    metas = any(
        c in _TRACE_METAS or (c == "~" and (k == 0 or text[k - 1] in "=:")) or (c == "#" and k == 0)
        for k, c in enumerate(text)
    )
    if metas:
        return "'" + text.replace("'", "'\\''") + "'"
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        return quote_for_reuse(text)
    return text


# -- brace expansion ----------------------------------------------------------

_Atom = str | ast.WordPart  # a single unquoted character, or an opaque part


def _atoms(word: ast.Word) -> list[_Atom]:
    out: list[_Atom] = []
    for p in word.parts:
        if isinstance(p, ast.Lit):
            out.extend(p.text)
        else:
            out.append(p)
    return out


def _rebuild(atoms: list[_Atom]) -> ast.Word:
    parts: list[ast.WordPart] = []
    buf: list[str] = []
    for a in atoms:
        if isinstance(a, str):
            buf.append(a)
        else:
            if buf:
                parts.append(ast.Lit("".join(buf)))
                buf = []
            parts.append(a)
    if buf:
        parts.append(ast.Lit("".join(buf)))
    return ast.Word(tuple(parts))


def _find_brace(atoms: list[_Atom], start: int) -> tuple[int, int, list[int]] | None:
    """The first {…} at or after start with a top-level comma or a valid
    sequence: (open, close, comma positions)."""
    n = len(atoms)
    i = start
    while i < n:
        if atoms[i] == "{" and not (i > 0 and atoms[i - 1] == "$"):
            depth = 0
            commas: list[int] = []
            j = i + 1
            while j < n:
                a = atoms[j]
                if a == "{":
                    depth += 1
                elif a == "}":
                    if depth == 0:
                        break
                    depth -= 1
                elif a == "," and depth == 0:
                    commas.append(j)
                j += 1
            if j < n:
                if commas:
                    return i, j, commas
                inner = atoms[i + 1 : j]
                if all(isinstance(a, str) for a in inner) and _sequence("".join(inner)) is not None:  # type: ignore[arg-type]
                    return i, j, []
        i += 1
    return None


def _sequence(text: str) -> list[str] | None:
    """``{1..10}``, ``{01..10..2}``, ``{a..e}``; None if not a sequence."""
    parts = text.split("..")
    if len(parts) not in (2, 3):
        return None
    a, b = parts[0], parts[1]
    step_text = parts[2] if len(parts) == 3 else None
    try:
        step = int(step_text) if step_text is not None else None
    except ValueError:
        return None
    num = lambda s: s.lstrip("+-").isdigit() and s != ""  # noqa: E731
    if num(a) and num(b):
        x, y = int(a), int(b)
        st = abs(step) if step else 1
        if st == 0:
            st = 1
        width = 0
        if (a.lstrip("-").startswith("0") and len(a.lstrip("-")) > 1) or (
            b.lstrip("-").startswith("0") and len(b.lstrip("-")) > 1
        ):
            width = max(len(a), len(b))
        seq = range(x, y + 1, st) if x <= y else range(x, y - 1, -st)
        out = []
        for v in seq:
            s = str(abs(v)).zfill(width - (1 if v < 0 else 0)) if width else str(abs(v))
            out.append(("-" if v < 0 else "") + s)
        return out
    if len(a) == 1 and len(b) == 1 and not a.isdigit() and not b.isdigit():
        x, y = ord(a), ord(b)
        st = abs(step) if step else 1
        rng = range(x, y + 1, st) if x <= y else range(x, y - 1, -st)
        return [chr(c) for c in rng]
    return None


def brace_expand(word: ast.Word) -> list[ast.Word]:
    if not any(isinstance(p, ast.Lit) and "{" in p.text for p in word.parts):
        return [word]
    return [_rebuild(a) for a in _brace_atoms(_atoms(word))]


def _brace_atoms(atoms: list[_Atom], limit: int = 2_000_000) -> list[list[_Atom]]:
    found = _find_brace(atoms, 0)
    if found is None:
        return [atoms]
    i, j, commas = found
    prefix, suffix = atoms[:i], atoms[j + 1 :]
    if commas:
        bounds = [i, *commas, j]
        choices = [atoms[bounds[k] + 1 : bounds[k + 1]] for k in range(len(bounds) - 1)]
    else:
        seq = _sequence("".join(atoms[i + 1 : j]))  # type: ignore[arg-type]
        # a generated backslash is quote-removed, leaving a null word (bash)
        choices = [[ast.SingleQuoted("")] if s == "\\" else list(s) for s in seq or []]
    out: list[list[_Atom]] = []
    for choice in choices:
        for expanded in _brace_atoms(prefix + choice + suffix, limit):
            out.append(expanded)
            if len(out) > limit:
                raise ShellError("brace expansion: too many words")
    return out


# -- the expander ---------------------------------------------------------------


class Expander:
    """Expands words for one shell (its state, its command substitutions)."""

    def __init__(self, shell: Shell) -> None:
        self.sh = shell
        self._lookup_errors: list[str] = []  # reported by the async caller of _lookup

    @property
    def state(self):  # type: ignore[no-untyped-def]
        return self.sh.state

    # -- public entry points -------------------------------------------------

    async def words(self, words: tuple[ast.Word, ...] | list[ast.Word]) -> list[str]:
        """Full expansion of command words into fields."""
        out: list[str] = []
        for word in words:
            for w in brace_expand(word) if "braceexpand" in self.state.options else [word]:
                items: list[Item] = []
                await self._parts(w.parts, False, items, first=True)
                for field in self._split(items):
                    out.extend(self._glob(field))
        return out

    async def single(self, word: ast.Word, *, assignment: bool = False) -> str:
        """Expansion without splitting or globbing (assignments, case
        words, [[ ]] operands, here-strings)."""
        items: list[Item] = []
        await self._parts(word.parts, False, items, first=True, assignment=assignment)
        return "".join(" " if isinstance(i, _Break) else i[0] for i in items)

    async def joined_quoted(self, word: ast.Word) -> str:
        """Expansion as if inside double quotes ("$@" joins with spaces)."""
        items: list[Item] = []
        await self._parts(word.parts, True, items)
        texts: list[str] = []
        for i in items:
            texts.append(" " if isinstance(i, _Break) else i[0])
        return "".join(texts)

    async def pattern(self, word: ast.Word) -> str:
        """Expansion into a pattern: quoted characters are escaped."""
        items: list[Item] = []
        await self._parts(word.parts, False, items, first=True)
        return "".join(pattern.escape(i[0]) if i[1] & QUOTED else i[0] for i in items if not isinstance(i, _Break))

    async def redirect_target(self, word: ast.Word) -> str:
        fields = await self.words([word])
        if len(fields) != 1:
            raise ShellError(f"{word_text(word)}: ambiguous redirect")  # bash names the source word
        return fields[0]

    # -- parts -----------------------------------------------------------------

    async def _parts(
        self,
        parts: tuple[ast.WordPart, ...],
        quoted: bool,
        out: list[Item],
        *,
        first: bool = False,
        assignment: bool = False,
    ) -> None:
        for index, part in enumerate(parts):
            if isinstance(part, ast.Lit):
                text = part.text
                if not quoted and ((first and index == 0) or assignment):
                    text = self._tilde(text, assignment, index == 0 and first)
                    if text is not part.text:
                        out.append((text, QUOTED))
                        continue
                out.append((text, QUOTED if quoted else 0))
            elif isinstance(part, (ast.SingleQuoted, ast.AnsiCQuoted, ast.Escaped)):
                out.append((part.text, QUOTED))
            elif isinstance(part, ast.DoubleQuoted):
                before = len(out)
                await self._parts(part.parts, True, out)
                if len(out) == before and not _is_bare_at(part):
                    out.append(("", QUOTED))
            elif isinstance(part, ast.ParamExp):
                await self._param(part, quoted, out)
            elif isinstance(part, ast.CommandSub):
                text = (await self.sh.command_substitution(part.body)).rstrip("\n")
                out.append((text, QUOTED if quoted else SPLIT))
            elif isinstance(part, ast.ArithSub):
                expr = await self.single_arith_text(part.expr)
                out.append((str(self.arith(expr)), QUOTED if quoted else SPLIT))
            elif isinstance(part, ast.ProcessSub):
                out.append((await self.sh.process_substitution(part), QUOTED))
            elif isinstance(part, ast.ExtGlob):
                alts = [await self.pattern(a) for a in part.alternatives]
                out.append((part.op + "(" + "|".join(alts) + ")", 0))

    def arith(self, text: str) -> int:
        """Arithmetic inside a word: an error is fatal to the script."""
        try:
            return evaluate_arith(text, self.state)
        except ArithError as e:
            raise AbandoningError(e.message, 1) from None

    async def single_arith_text(self, word: ast.Word) -> str:
        items: list[Item] = []
        await self._parts(word.parts, True, items)
        return "".join(i[0] for i in items if not isinstance(i, _Break))

    def _tilde(self, text: str, assignment: bool, at_start: bool) -> str:
        if not assignment:
            if not at_start:
                return text
            if text.startswith("~"):
                return self._tilde_prefix(text)
            # bash also expands in an argument shaped like an assignment (a=~)
            shaped = _ASSIGNMENT_SHAPE.match(text)
            if shaped is None:
                return text
            value = text[shaped.end() :]
            new = self._tilde(value, True, True)
            return text if new is value else text[: shaped.end()] + new
        # In assignments: after = at the start, and after every :
        pieces = text.split(":")
        changed = False
        for k, piece in enumerate(pieces):
            if piece.startswith("~") and (k > 0 or at_start):
                new = self._tilde_prefix(piece)
                if new is not piece:
                    pieces[k] = new
                    changed = True
        return ":".join(pieces) if changed else text

    def _tilde_prefix(self, text: str) -> str:
        end = text.find("/")
        prefix = text[1:] if end < 0 else text[1:end]
        rest = "" if end < 0 else text[end:]
        if prefix == "":
            home = self.state.get("HOME")
            value = home if home is not None else "/home/user"
        elif prefix == "+":
            value = self.state.get("PWD") or ""
        elif prefix == "-":
            old = self.state.get("OLDPWD")
            if old is None:
                return text
            value = old
        else:
            home_of = self.sh.home_of(prefix)
            if home_of is None:
                return text
            value = home_of
        return value + rest

    # -- parameters --------------------------------------------------------------

    def _ifs(self) -> str:
        v = self.state.get("IFS")
        return _DEFAULT_IFS if v is None else v

    def _lookup(self, name: str, index: ast.Word | None, sub_text: str | None) -> tuple[str | list[str] | None, str]:
        """(value, kind): kind "@" or "*" for lists, "" for scalars."""
        st = self.state
        if name in ("@", "*"):
            return list(st.positional), name
        if name.isdigit():
            n = int(name)
            if n == 0:
                return st.argv0, ""
            return (st.positional[n - 1] if n <= len(st.positional) else None), ""
        if name == "#":
            return str(len(st.positional)), ""
        if name == "?":
            return str(st.last_status), ""
        if name == "$":
            return str(st.shell_pid), ""
        if name == "!":
            return (str(st.last_bg_pid) if st.last_bg_pid is not None else None), ""
        if name == "-":
            return st.flags(), ""
        name = st.resolve_nameref(name)
        var = st.lookup(name)
        if var is None:
            dyn = self.sh.dynamic_var(name, index is not None and sub_text in ("@", "*"))
            if dyn is not None:
                if isinstance(dyn, list):
                    if sub_text in ("@", "*"):
                        return dyn, sub_text  # type: ignore[return-value]
                    if sub_text is None:
                        return (dyn[0] if dyn else None), ""
                    idx = self.arith(sub_text)
                    return (dyn[idx] if -len(dyn) <= idx < len(dyn) else None), ""
                return dyn, ""
            return (None, sub_text) if sub_text in ("@", "*") else (None, "")
        if index is None:
            return var.scalar(), ""
        if sub_text in ("@", "*"):
            return var.elements(), sub_text
        assert sub_text is not None
        if isinstance(var.value, dict):
            if var.is_assoc:
                return var.value.get(sub_text), ""  # type: ignore[call-overload]
            idx = self.arith(sub_text)
            if idx < 0:
                idx += last_index(var.value)  # type: ignore[arg-type]
                if idx < 0:
                    # bash reports it and expands to nothing
                    self._lookup_errors.append(f"{name}: bad array subscript")
                    return None, ""
            return var.value.get(idx), ""  # type: ignore[call-overload]
        idx = self.arith(sub_text)
        return (var.value if idx in (0, -1) else None), ""

    async def _subscript_text(self, name: str, index: ast.Word | None) -> str | None:
        if index is None:
            return None
        lit = index.literal()
        if lit in ("@", "*"):
            return lit
        var = self.state.lookup(name)
        if var is not None and var.is_assoc:
            return await self.assoc_key(index)
        return await self.single_arith_text(index)

    async def assoc_key(self, index: ast.Word) -> str:
        """An associative array's key from its subscript (quotes removed)."""
        return await self.single(assoc_key_word(index.source) if index.source is not None else index)

    async def _param(self, p: ast.ParamExp, quoted: bool, out: list[Item]) -> None:
        st = self.state
        if p.op == "bad":
            text = p.arg.literal() if p.arg else "${}"
            raise ShellError(f"{text}: bad substitution")
        if p.names:
            names = [n for n in st.all_names() if n.startswith(p.name)]
            self._emit_list(names, p.names, quoted, out)
            return
        name = p.name
        index = p.index
        if p.indirect:
            var = st.lookup(name) if p.op == "" and p.index is None else None
            if var is not None and "n" in var.attrs:  # ${!ref}: the name a nameref holds
                out.append((var.scalar() or "", QUOTED if quoted else SPLIT))
                return
            ref = (self._lookup(name, None, None))[0]
            if name in ("@", "*"):
                ref = st.positional[-1] if st.positional else None
            if ref is None or ref == "":
                if p.op in ("-", "=", "+", "?") or p.op == "":
                    raise ShellError(f"{name}: invalid indirect expansion")
                ref = ""
            name, sub = _split_ref(ref)
            if ref and not _REFERABLE.fullmatch(name):
                raise FatalShellError(f"{ref}: invalid variable name", 1)
            if sub is not None:
                index = ast.Word((ast.Lit(sub),))
        if p.keys:
            var = st.lookup(st.resolve_nameref(name))
            keys = var.keys() if var is not None else []
            self._emit_list(keys, p.index.literal() or "@" if p.index else "@", quoted, out)
            return
        sub_text = await self._subscript_text(name, index)
        value, kind = self._lookup(name, index, sub_text)
        while self._lookup_errors:
            await self.sh.error(self._lookup_errors.pop(0))
        op = p.op
        if op == "len":
            if kind:
                n = len(value) if isinstance(value, list) else 0
            else:
                if value is None and "nounset" in st.options:
                    # bash's length path exits 1 where the others exit 127
                    raise FatalShellError(f"{p.name}: unbound variable", 1 if p.index is not None else 127)
                n = len(value or "")
            out.append((str(n), QUOTED if quoted else SPLIT))
            return
        if op in ("-", "=", "+", "?"):
            if kind:
                is_set = bool(value) if p.colon or kind else True
                if not p.colon and isinstance(value, list) and value:
                    is_set = True
                null = not value or (p.colon and all(v == "" for v in value) and kind == "*")  # type: ignore[union-attr]
                use_word = not value if not p.colon else null
            else:
                is_set = value is not None
                use_word = (not is_set) or (p.colon and value == "")
            if op == "+":
                if not use_word and p.arg is not None:
                    await self._arg_into(p.arg, quoted, out)
                return
            if use_word:
                if op == "-":
                    if p.arg is not None:
                        await self._arg_into(p.arg, quoted, out)
                    return
                if op == "=":
                    if name in ("@", "*") or name.isdigit() or (len(name) == 1 and not name.isalpha() and name != "_"):
                        raise ShellError(f"${name}: cannot assign in this way")
                    text = await self.single(p.arg) if p.arg is not None else ""
                    if index is not None and sub_text not in ("@", "*"):
                        st.set_element(
                            name,
                            sub_text
                            if st.lookup(name) and st.lookup(name).is_assoc
                            else evaluate_arith(sub_text or "0", st),
                            text,
                        )  # type: ignore[union-attr]
                    else:
                        st.set(name, text)
                    out.append((text, QUOTED if quoted else SPLIT))
                    return
                message = await self.single(p.arg) if p.arg is not None and p.arg.parts else "parameter null or not set"
                raise FatalShellError(f"{_display_name(p)}: {message}", 127)
        if value is None and not kind and "nounset" in st.options and name not in ("@", "*"):
            raise FatalShellError(f"{_display_name(p)}: unbound variable", 127)
        if op == "":
            if kind:
                self._emit_list(value or [], kind, quoted, out)  # type: ignore[arg-type]
            elif value is not None:
                out.append((value, QUOTED if quoted else SPLIT))
            return
        values: list[str] = list(value) if isinstance(value, list) else ([] if value is None else [value])
        if op == ":":
            values = await self._substring(p, value, kind, name)
            if kind:
                self._emit_list(values, kind, quoted, out)
            elif values:
                out.append((values[0], QUOTED if quoted else SPLIT))
            return
        if op in ("#", "##", "%", "%%"):
            pat = await self.pattern(p.arg) if p.arg is not None else ""
            values = [_strip(v, pat, op) for v in values]
        elif op in ("/", "//", "/#", "/%"):
            pat = await self.pattern(p.arg) if p.arg is not None else ""
            rep = await self._replacement(p.arg2, quoted) if p.arg2 is not None else ""
            values = [_replace(v, pat, rep, op, "patsub_replacement" in st.shopts) for v in values]
        elif op in ("^", "^^", ",", ",,", "~", "~~"):
            pat = await self.pattern(p.arg) if p.arg is not None else "?"
            values = [_case(v, op, pat) for v in values]
        elif op.startswith("@"):
            values = [self._transform(v, op[1], p, name) for v in values]
            if op == "@A" and not kind:
                values = [self._transform_a(name)] if value is not None else []
        if kind:
            self._emit_list(values, kind, quoted, out)
        elif values:
            out.append((values[0], QUOTED if quoted else SPLIT))

    async def _arg_into(self, word: ast.Word, quoted: bool, out: list[Item]) -> None:
        """The word of ${v:-word}: in an unquoted expansion its literal text
        is split like an expansion result."""
        if quoted:
            await self._parts(word.parts, True, out)
            return
        inner: list[Item] = []
        await self._parts(word.parts, False, inner, first=True)
        for item in inner:
            if isinstance(item, _Break) or item[1] & QUOTED:
                out.append(item)
            else:
                out.append((item[0], SPLIT))

    async def _replacement(self, word: ast.Word, quoted: bool) -> str:
        """The replacement of ${v/p/r}: with patsub_replacement, an
        unquoted & stands for the match (kept as \\x00 marker here)."""
        items: list[Item] = []
        for part in word.parts:
            if quoted and isinstance(part, ast.DoubleQuoted) and all(isinstance(x, ast.Lit) for x in part.parts):
                # "${v/p/r}": the parser wraps r's text in the outer quotes,
                # but bash removes its backslashes as if it were unquoted
                for x in part.parts:
                    items.append((_DQ_BACKSLASH.sub(lambda m: m[0] if m[1] in "&\\" else m[1], x.text), 0))
            elif quoted and isinstance(part, (ast.ParamExp, ast.CommandSub, ast.ArithSub)):
                await self._parts((part,), False, items)  # an & it yields still means the match
            else:
                await self._parts((part,), quoted, items)
        out = []
        for i in items:
            if isinstance(i, _Break):
                continue
            text, flags = i
            if flags & QUOTED:
                out.append(text.replace("\\", "\\\\").replace("&", "\\&"))
            else:
                out.append(text)
        return "".join(out)

    def _emit_list(self, values: list[str], kind: str, quoted: bool, out: list[Item]) -> None:
        if quoted and kind == "*":
            ifs = self._ifs()
            sep = ifs[0] if ifs else ""
            out.append((sep.join(values), QUOTED))
            return
        for k, v in enumerate(values):
            if k:
                out.append(BREAK)
            out.append((v, QUOTED if quoted else SPLIT))

    async def _substring(self, p: ast.ParamExp, value: str | list[str] | None, kind: str, name: str) -> list[str]:
        st = self.state
        offset_text = await self.single_arith_text(p.arg) if p.arg is not None else "0"
        offset = self.arith(offset_text) if offset_text.strip() else 0
        length: int | None = None
        if p.arg2 is not None:
            length_text = await self.single_arith_text(p.arg2)
            length = self.arith(length_text) if length_text.strip() else 0
        if kind:
            items = list(value or [])  # type: ignore[arg-type]
            var = st.lookup(st.resolve_nameref(name)) if name not in ("@", "*") else None
            if var is not None and isinstance(var.value, dict) and not var.is_assoc and var.value:
                # an indexed array's offset is an index: sparse arrays skip the holes
                top = last_index(var.value)  # type: ignore[arg-type]
                first = offset if offset >= 0 else top + offset
                if first < 0:
                    return []
                items = [v for k, v in var.value.items() if k >= first]  # type: ignore[operator]
                if length is None:
                    return items
                if length < 0:
                    raise ShellError(f"{length}: substring expression < 0")
                return items[:length]
            if name in ("@", "*"):
                items = [st.argv0, *items]
                if offset == 0:
                    pass
                start = offset if offset >= 0 else len(items) + offset
                if offset < 0 and start < 1:
                    return []
            else:
                start = offset if offset >= 0 else len(items) + offset
            if start < 0 or start > len(items):
                return []
            if length is None:
                return items[start:]
            if length < 0:
                raise ShellError(f"{length}: substring expression < 0")
            return items[start : start + length]
        text = value if isinstance(value, str) else ""
        n = len(text)
        start = offset if offset >= 0 else n + offset
        if start < 0 or start > n:
            return [""] if value is not None else []
        if length is None:
            return [text[start:]]
        end = start + length if length >= 0 else n + length
        if end < start:
            raise ShellError(f"{length}: substring expression < 0")
        return [text[start:end]]

    def _transform(self, v: str, op: str, p: ast.ParamExp, name: str) -> str:
        if op == "Q":
            return quote_always(v)
        if op == "E":
            from .parser import decode_ansi_c

            return decode_ansi_c(v)
        if op == "U":
            return v.upper()
        if op == "u":
            return v[:1].upper() + v[1:]
        if op == "L":
            return v.lower()
        if op == "a":
            var = self.state.lookup(name)
            return "".join(c for c in "aAilnrtux" if var is not None and c in var.attrs)
        if op == "P":
            return v
        if op in ("K", "k"):
            return quote_always(v)
        return v

    def _transform_a(self, name: str) -> str:
        var = self.state.lookup(name)
        if var is None:
            return ""
        value = var.scalar() or ""
        flags = "".join(c for c in "aAilnrtux" if c in var.attrs)
        return f"{'declare -' + flags + ' ' if flags else ''}{name}={quote_always(value)}"

    # -- splitting and globbing ----------------------------------------------------

    def _split(self, items: list[Item]) -> list[list[Seg]]:
        ifs = self._ifs()
        ws = "".join(c for c in ifs if c in " \t\n")
        fields: list[list[Seg]] = []
        cur: list[Seg] = []
        has = False
        pending = False
        for item in items:
            if isinstance(item, _Break):
                if has:
                    fields.append(cur)
                cur, has, pending = [], False, False
                continue
            text, flags = item
            if not (flags & SPLIT) or not ifs:
                if pending:
                    fields.append(cur)
                    cur, pending = [], False
                cur.append((text, flags & ~SPLIT))
                has = True
                continue
            buf: list[str] = []
            for c in text:
                if c in ifs:
                    if c in ws:
                        if buf:
                            cur.append(("".join(buf), 0))
                            buf = []
                        if has:
                            pending = True
                        continue
                    if buf:
                        cur.append(("".join(buf), 0))
                        buf = []
                    fields.append(cur)
                    cur, has, pending = [], False, False
                    continue
                if pending:
                    fields.append(cur)
                    cur, pending = [], False
                buf.append(c)
                has = True
            if buf:
                cur.append(("".join(buf), 0))
        if has:
            fields.append(cur)
        return fields

    def _glob(self, field: list[Seg]) -> list[str]:
        text = "".join(s[0] for s in field)
        if "noglob" in self.state.options:
            return [text]
        if all(s[1] & QUOTED for s in field):
            return [text]
        pat = "".join(pattern.escape(s[0]) if s[1] & QUOTED else s[0] for s in field)
        if not pattern.has_glob(pat):
            return [text]
        matches = self.sh.glob(pat)
        if matches:
            return matches
        if "nullglob" in self.state.shopts:
            return []
        if "failglob" in self.state.shopts:
            raise FatalShellError(f"no match: {text}", 1)
        return [_unescape_unmatched(pat)]


def _unescape_unmatched(pat: str) -> str:
    out = []
    i = 0
    while i < len(pat):
        if pat[i] == "\\" and i + 1 < len(pat):
            out.append(pat[i + 1])
            i += 2
        else:
            out.append(pat[i])
            i += 1
    return "".join(out)


def _is_bare_at(part: ast.DoubleQuoted) -> bool:
    """ "$@" (or "${a[@]}") alone produces no field when empty."""
    return any(
        isinstance(p, ast.ParamExp)
        and (p.name == "@" or (p.index is not None and p.index.literal() == "@") or (p.keys or p.names == "@"))
        and p.op in ("", "#", "##", "%", "%%", "/", "//", "/#", "/%", ":", "^", "^^", ",", ",,")
        for p in part.parts
    )


def _split_ref(ref: str) -> tuple[str, str | None]:
    if ref.endswith("]") and "[" in ref:
        i = ref.index("[")
        return ref[:i], ref[i + 1 : -1]
    return ref, None


def _display_name(p: ast.ParamExp) -> str:
    """The parameter as bash names it in messages: ``a[i]`` with the
    subscript's source, ``$1`` for an unbraced positional parameter."""
    if p.index is not None:
        return f"{p.name}[{subscript_text(p.index)}]"
    if not p.braced and p.name.isdigit():
        return "$" + p.name
    return p.name


def _strip(value: str, pat: str, op: str) -> str:
    if op in ("#", "##"):
        k = pattern.prefix_match(pat, value, longest=op == "##")
        return value if k is None else value[k:]
    k = pattern.suffix_match(pat, value, longest=op == "%%")
    return value if k is None else value[:k]


def _substitute(rep: str, matched: str, amp: bool) -> str:
    if not amp:
        return rep.replace("\\\\", "\x00").replace("\\&", "&").replace("\x00", "\\")
    out = []
    i = 0
    while i < len(rep):
        c = rep[i]
        if c == "\\" and i + 1 < len(rep) and rep[i + 1] in "&\\":
            out.append(rep[i + 1])
            i += 2
        elif c == "&":
            out.append(matched)
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _replace(value: str, pat: str, rep: str, op: str, amp: bool) -> str:
    if op == "/#":
        k = pattern.prefix_match(pat, value, longest=True)
        return value if k is None else _substitute(rep, value[:k], amp) + value[k:]
    if op == "/%":
        k = pattern.suffix_match(pat, value, longest=True)
        return value if k is None else value[:k] + _substitute(rep, value[k:], amp)
    if pat == "":
        return value
    out = []
    pos = 0
    while pos <= len(value):
        found = pattern.search(pat, value, pos)
        if found is None:
            break
        i, k = found
        out.append(value[pos:i])
        out.append(_substitute(rep, value[i:k], amp))
        if k == i:
            if k < len(value):
                out.append(value[k])
            pos = k + 1
        else:
            pos = k
        if op == "/":
            break
    out.append(value[pos:])
    return "".join(out)


def _case(value: str, op: str, pat: str) -> str:
    every = len(op) == 2
    out = []
    for k, c in enumerate(value):
        if (every or k == 0) and pattern.match(pat, c):
            if op[0] == "^":
                c = c.upper()
            elif op[0] == ",":
                c = c.lower()
            else:
                c = c.lower() if c.isupper() else c.upper()
        out.append(c)
    return "".join(out)


def directory_entries(d: Directory, ctx: object) -> list[str]:
    try:
        return [name for name, _ in d.listing(ctx)]
    except VfsError:
        return []


def now() -> float:
    return time.time()
