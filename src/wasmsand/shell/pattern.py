"""Shell patterns (``case``, ``[[ == ]]``, ``${v#pat}``, globbing) as
Python regular expressions.

Patterns reach here as strings in which quoted characters are escaped with
a backslash (the expander does that), so ``"*"`` matches a star and ``*``
anything. Extended patterns (``@(a|b)`` etc.) are always understood here;
the parser only produces them when extglob is on (or inside ``[[ ]]``).
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["compile_pattern", "escape", "has_glob", "match", "prefix_match", "search", "suffix_match"]

_CLASSES = {
    "alpha": "A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u03ff\u0400-\u052f\u3040-\u30ff\u4e00-\u9fff",
    "digit": "0-9",
    "alnum": "0-9A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u03ff\u0400-\u052f\u3040-\u30ff\u4e00-\u9fff",
    "upper": "A-Z\u00c0-\u00d6\u00d8-\u00de",
    "lower": "a-z\u00df-\u00f6\u00f8-\u00ff",
    "space": " \\t\\n\\r\\f\\v",
    "blank": " \\t",
    "punct": "!-/:-@\\[-`{-~",
    "print": " -~\u00a0-\U0010ffff",
    "graph": "!-~\u00a1-\U0010ffff",
    "cntrl": "\\x00-\\x1f\\x7f",
    "xdigit": "0-9A-Fa-f",
    "word": "0-9A-Za-z_",
}
_EXT_OPS = "?*+@!"


def escape(text: str) -> str:
    """Quotes every pattern character of ``text``."""
    return "".join("\\" + c if c in "*?[]\\" + _EXT_OPS + "()|" else c for c in text)


def has_glob(pattern: str) -> bool:
    """Whether an (escaped) pattern has an unquoted special character."""
    i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c in "*?[":
            return True
        if c in _EXT_OPS and i + 1 < n and pattern[i + 1] == "(":
            return True
        i += 1
    return False


def _bracket(pattern: str, i: int) -> tuple[str, int] | None:
    """The regex class for a bracket expression at ``i`` (after '['), or
    None if it does not close (then '[' is literal)."""
    n = len(pattern)
    j = i
    negate = False
    if j < n and pattern[j] in "!^":
        negate = True
        j += 1
    items: list[str] = []
    first = True
    while j < n:
        c = pattern[j]
        if c == "]" and not first:
            body = "".join(items)
            return ("[^" if negate else "[") + (body or "^\\s\\S") + "]", j + 1
        first = False
        if c == "[" and j + 1 < n and pattern[j + 1] in ":=.":
            kind = pattern[j + 1]
            end = pattern.find(kind + "]", j + 2)
            if end < 0:
                items.append("\\[")
                j += 1
                continue
            name = pattern[j + 2 : end]
            if kind == ":":
                cls = _CLASSES.get(name)
                if cls is None:
                    return None
                items.append(cls)
            else:
                items.append(re.escape(name))
            j = end + 2
            continue
        if c == "\\" and j + 1 < n:
            c = pattern[j + 1]
            j += 1
        if j + 2 < n and pattern[j + 1] == "-" and pattern[j + 2] != "]":
            hi = pattern[j + 2]
            if hi == "\\" and j + 3 < n:
                hi = pattern[j + 3]
                j += 1
            if ord(hi) >= ord(c):
                items.append(re.escape(c) + "-" + re.escape(hi))
            j += 3
            continue
        items.append(re.escape(c))
        j += 1
    return None


def _split_alternatives(pattern: str, i: int) -> tuple[list[str], int]:
    """The |-separated alternatives of an extglob group starting after '('."""
    alts: list[str] = []
    depth = 0
    start = i
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                alts.append(pattern[start:i])
                return alts, i + 1
            depth -= 1
        elif c == "|" and depth == 0:
            alts.append(pattern[start:i])
            start = i + 1
        i += 1
    raise ValueError("unclosed extended pattern")


def _translate(pattern: str, *, pathname: bool) -> str:
    out: list[str] = []
    i = 0
    n = len(pattern)
    anychar = "[^/]" if pathname else "."
    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 < n:
                out.append(re.escape(pattern[i + 1]))
                i += 2
            else:
                out.append("\\\\")
                i += 1
            continue
        if c in _EXT_OPS and i + 1 < n and pattern[i + 1] == "(":
            try:
                alts, end = _split_alternatives(pattern, i + 2)
            except ValueError:
                out.append(re.escape(c))
                i += 1
                continue
            inner = "|".join(_translate(a, pathname=pathname) for a in alts)
            if c == "!":
                rest = _translate(pattern[end:], pathname=pathname)
                out.append(f"(?:(?!(?:{inner}){rest}$){anychar}*?)")
                out.append(rest)
                return "".join(out)
            out.append(f"(?:{inner})" + {"?": "?", "*": "*", "+": "+", "@": ""}[c])
            i = end
            continue
        if c == "*":
            while i + 1 < n and pattern[i + 1] == "*" and not (i + 2 < n and pattern[i + 2] == "("):
                i += 1
            out.append(anychar + "*")
        elif c == "?":
            out.append(anychar)
        elif c == "[":
            b = _bracket(pattern, i + 1)
            if b is None:
                out.append("\\[")
            else:
                out.append(b[0])
                i = b[1]
                continue
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


@lru_cache(maxsize=2048)
def compile_pattern(pattern: str, nocase: bool = False, pathname: bool = False) -> re.Pattern[str]:
    flags = re.DOTALL | (re.IGNORECASE if nocase else 0)
    return re.compile(_translate(pattern, pathname=pathname), flags)


def match(pattern: str, text: str, nocase: bool = False) -> bool:
    """Whether ``text`` matches the whole pattern."""
    return compile_pattern(pattern, nocase).fullmatch(text) is not None


def prefix_match(pattern: str, text: str, longest: bool, nocase: bool = False) -> int | None:
    """Length of the shortest (or longest) prefix of text matching."""
    rx = compile_pattern(pattern, nocase)
    rng = range(len(text), -1, -1) if longest else range(len(text) + 1)
    for k in rng:
        if rx.fullmatch(text, 0, k):
            return k
    return None


def suffix_match(pattern: str, text: str, longest: bool, nocase: bool = False) -> int | None:
    """Start of the shortest (or longest) suffix of text matching."""
    rx = compile_pattern(pattern, nocase)
    rng = range(len(text) + 1) if longest else range(len(text), -1, -1)
    for k in rng:
        if rx.fullmatch(text, k):
            return k
    return None


def search(pattern: str, text: str, start: int, nocase: bool = False) -> tuple[int, int] | None:
    """Leftmost, then longest, match at or after ``start`` (for ${v/p/r})."""
    rx = compile_pattern(pattern, nocase)
    n = len(text)
    exact = "|" in pattern  # alternatives: the first match found may not be the longest
    for i in range(start, n + 1):
        m = rx.match(text, i)
        if m is None:
            continue
        if not exact:
            return i, m.end()
        for k in range(n, m.end() - 1, -1):
            if rx.fullmatch(text, i, k):
                return i, k
        return i, m.end()
    return None
