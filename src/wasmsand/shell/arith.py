"""Shell arithmetic: ``$((...))``, ``((...))``, ``let``, array subscripts.

Bash expands the expression as text first, then parses and evaluates it
with C's operators on 64-bit signed integers that wrap. A variable's value
is itself evaluated as an expression. Parsed expressions are cached by their
text, since loops evaluate the same ones over and over.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .errors import FatalShellError, ShellError
from .state import last_index

if TYPE_CHECKING:
    from .state import ShellState

__all__ = ["ArithError", "evaluate_arith", "parse_arith"]

_MASK = (1 << 64) - 1
_TOKEN = re.compile(
    r"\s*(?:(?P<num>[0-9][0-9A-Za-z_@#]*)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|"
    r"(?P<op>\*\*=|<<=|>>=|\+\+|--|\*\*|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&^|]=|[-+*/%<>&^|!~?:=,()\[\]]))"
)
_ASSIGN_OPS = frozenset(("=", "*=", "/=", "%=", "+=", "-=", "<<=", ">>=", "&=", "^=", "|=", "**="))
_BINARY = {
    "||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6, "<": 7, ">": 7, "<=": 7, ">=": 7,
    "<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10,
}  # fmt: skip
_MAX_DEPTH = 1024
_PLAIN_INT = re.compile(r"-?(0|[1-9][0-9]*)")


def _wrap(v: int) -> int:
    v &= _MASK
    return v - (1 << 64) if v >> 63 else v


class ArithError(ShellError):
    """``expr: message (error token is "tok")``."""

    def __init__(self, expr: str, message: str, token: str) -> None:
        text = f'{expr}: {message} (error token is "{token}")'
        super().__init__(text, 1)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str, int]] = []
        pos = 0
        n = len(text)
        while pos < n:
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                if text[pos:].strip() == "":
                    break
                raise ArithError(text.lstrip(), "syntax error: invalid arithmetic operator", text[pos:])
            kind = m.lastgroup or ""
            self.tokens.append((kind, m.group(kind), m.start(kind)))
            pos = m.end()
        self.i = 0
        self.depth = 0

    def rest(self, at: int | None = None) -> str:
        if at is None:
            at = self.tokens[self.i][2] if self.i < len(self.tokens) else len(self.text)
        return self.text[at:]

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def error(self, message: str, at: int | None = None) -> ArithError:
        return ArithError(self.text.lstrip(), message, self.rest(at))

    def parse(self) -> Any:
        if not self.tokens:
            return ("num", 0)
        node = self.comma()
        if self.i < len(self.tokens):
            raise self.error("syntax error in expression")
        return node

    def comma(self) -> Any:
        node = self.assign()
        while (tok := self.peek()) is not None and tok[1] == ",":
            self.take()
            node = ("comma", node, self.assign())
        return node

    def assign(self) -> Any:
        start = self.i
        left = self.ternary()
        tok = self.peek()
        if tok is not None and tok[1] in _ASSIGN_OPS:
            if left[0] != "var":
                raise ArithError(self.text.lstrip(), "attempted assignment to non-variable", self.rest(tok[2]))
            self.take()
            del start
            return ("assign", tok[1], left, self.assign())
        return left

    def ternary(self) -> Any:
        cond = self.binary(1)
        tok = self.peek()
        if tok is not None and tok[1] == "?":
            self.take()
            a = self.assign()
            colon = self.peek()
            if colon is None or colon[1] != ":":
                raise self.error("`:' expected for conditional expression")
            self.take()
            b = self.ternary()
            return ("cond", cond, a, b)
        return cond

    def binary(self, level: int) -> Any:
        if level > 10:
            return self.power()
        left = self.binary(level + 1)
        while (tok := self.peek()) is not None and _BINARY.get(tok[1]) == level:
            self.take()
            nxt = self.peek()
            right = self.binary(level + 1)
            left = ("bin", tok[1], left, right, nxt[2] if nxt else len(self.text))
        return left

    def power(self) -> Any:
        base = self.unary()
        tok = self.peek()
        if tok is not None and tok[1] == "**":
            self.take()
            nxt = self.peek()
            return ("bin", "**", base, self.power(), nxt[2] if nxt else len(self.text))
        return base

    def _at_end(self) -> ArithError:
        """Operand expected at the end: bash points at the last token."""
        at = self.tokens[self.i - 1][2] if self.i else len(self.text)
        return self.error("syntax error: operand expected", at)

    def unary(self) -> Any:
        tok = self.peek()
        if tok is None:
            raise self._at_end()
        if tok[1] in ("-", "+", "!", "~"):
            self.take()
            return ("unary", tok[1], self.unary())
        if tok[1] in ("++", "--"):
            self.take()
            nxt = self.peek()
            if nxt is not None and nxt[0] != "name":
                # not before a variable: two signs (`++1` is 1, `--1` is 1)
                sign = tok[1][0]
                return ("unary", sign, ("unary", sign, self.unary()))
            operand = self.unary()
            if operand[0] != "var":
                raise self.error("syntax error: operand expected")
            return ("pre", tok[1], operand)
        return self.postfix()

    def postfix(self) -> Any:
        node = self.primary()
        tok = self.peek()
        if tok is not None and tok[1] in ("++", "--") and node[0] == "var":
            self.take()
            return ("post", tok[1], node)
        return node

    def primary(self) -> Any:
        tok = self.peek()
        if tok is None:
            raise self._at_end()
        kind, text, pos = tok
        if kind == "num":
            self.take()
            return ("num", _number(text, self.text.strip()))
        if kind == "name":
            self.take()
            nxt = self.peek()
            if nxt is not None and nxt[1] == "[":
                self.take()
                start = nxt[2] + 1
                depth = 1
                j = start
                while j < len(self.text) and depth:
                    if self.text[j] == "[":
                        depth += 1
                    elif self.text[j] == "]":
                        depth -= 1
                    j += 1
                if depth:
                    raise self.error("syntax error: invalid arithmetic operator", nxt[2])
                sub = self.text[start : j - 1]
                while self.i < len(self.tokens) and self.tokens[self.i][2] < j:
                    self.i += 1
                return ("var", text, sub)
            return ("var", text, None)
        if text == "(":
            self.take()
            self.depth += 1
            if self.depth > _MAX_DEPTH:
                raise self.error("expression recursion level exceeded", pos)
            node = self.comma()
            self.depth -= 1
            close = self.peek()
            if close is None or close[1] != ")":
                raise self.error("syntax error: `)' expected" if close is None else "syntax error in expression")
            self.take()
            return node
        raise ArithError(self.text.lstrip(), "syntax error: operand expected", self.rest(pos))


def _number(text: str, expr: str) -> int:
    try:
        if "#" in text:
            base_text, _, digits = text.partition("#")
            base = int(base_text)
            if not 2 <= base <= 64:
                raise ArithError(expr, "invalid arithmetic base", text)
            value = 0
            for c in digits:
                if c.isdigit():
                    d = int(c)
                elif "a" <= c <= "z":
                    d = ord(c) - 87
                elif "A" <= c <= "Z":
                    d = ord(c) - 29 if base > 36 else ord(c) - 55
                elif c == "@":
                    d = 62
                elif c == "_":
                    d = 63
                else:
                    raise ValueError
                if d >= base:
                    raise ArithError(expr, "value too great for base", text)
                value = value * base + d
            return _wrap(value)
        if text[:2] in ("0x", "0X"):
            return _wrap(int(text[2:], 16)) if len(text) > 2 else 0  # bash reads a bare 0x as 0
        base = 8 if len(text) > 1 and text[0] == "0" else 10
        if any(c not in "0123456789"[:base] for c in text):
            # Letters are digits of larger bases: too great for this one.
            raise ArithError(expr, "value too great for base", text)
        return _wrap(int(text, base))
    except ValueError:
        raise ArithError(expr, "invalid number", text) from None


_CACHE: dict[str, Any] = {}


def parse_arith(text: str) -> Any:
    node = _CACHE.get(text)
    if node is None:
        node = _Parser(text).parse()
        if len(_CACHE) > 4096:
            _CACHE.clear()
        _CACHE[text] = node
    return node


class _Evaluator:
    def __init__(self, state: ShellState, source: str, depth: int) -> None:
        self.state = state
        self.source = source  # positions in the AST refer to it
        self.expr = source.lstrip()  # as bash shows it in messages
        self.depth = depth

    def value_of(self, name: str, sub: str | None) -> int:
        state = self.state
        var = state.lookup(state.resolve_nameref(name))
        if var is None or var.value is None:
            if "nounset" in state.options:
                raise FatalShellError(f"{name}: unbound variable", 127)
            return 0
        if sub is None:
            text = var.scalar()
        elif var.is_assoc:
            text = var.value.get(_expand_subscript(sub), None)  # type: ignore[union-attr]
        else:
            index = self.subscript(sub, name)
            if isinstance(var.value, dict):
                if index < 0:
                    index += last_index(var.value)  # type: ignore[arg-type]
                text = var.value.get(index)  # type: ignore[call-overload]
            else:
                text = var.value if index == 0 else None
        if text is None or text == "":
            return 0
        return self.convert(text)

    def convert(self, text: str) -> int:
        stripped = text.strip()
        if _PLAIN_INT.fullmatch(stripped):
            return _wrap(int(stripped))
        if self.depth > _MAX_DEPTH:
            raise ArithError(self.expr, "expression recursion level exceeded", stripped)
        return evaluate_arith(text, self.state, self.depth + 1)

    def subscript(self, sub: str, name: str) -> int:
        return evaluate_arith(sub, self.state, self.depth + 1)

    def store(self, node: Any, value: int) -> None:
        _, name, sub = node
        if sub is None:
            self.state.set(name, str(value))
        else:
            var = self.state.lookup(name)
            if var is not None and var.is_assoc:
                self.state.set_element(name, _expand_subscript(sub), str(value))
            else:
                self.state.set_element(name, self.subscript(sub, name), str(value))

    def eval(self, node: Any, live: bool = True) -> int:
        kind = node[0]
        if kind == "num":
            return int(node[1])
        if kind == "var":
            return self.value_of(node[1], node[2]) if live else 0
        if kind == "bin":
            op = node[1]
            if op == "&&":
                left = self.eval(node[2], live)
                right = self.eval(node[3], live and left != 0)
                return int(left != 0 and right != 0)
            if op == "||":
                left = self.eval(node[2], live)
                right = self.eval(node[3], live and left == 0)
                return int(left != 0 or right != 0)
            a = self.eval(node[2], live)
            b = self.eval(node[3], live)
            if not live:
                return 0
            return self.binop(op, a, b, node[4])
        if kind == "unary":
            v = self.eval(node[2], live)
            op = node[1]
            if op == "-":
                return _wrap(-v)
            if op == "+":
                return v
            if op == "!":
                return int(v == 0)
            return _wrap(~v)
        if kind in ("pre", "post"):
            target = node[2]
            old = self.eval(target, live)
            new = _wrap(old + (1 if node[1] == "++" else -1))
            if live:
                self.store(target, new)
            return new if kind == "pre" else old
        if kind == "assign":
            op, target, rhs = node[1], node[2], node[3]
            value = self.eval(rhs, live)
            if op != "=":
                current = self.eval(target, live)
                value = self.binop(op[:-1], current, value, len(self.expr)) if live else 0
            if live:
                self.store(target, value)
            return value
        if kind == "cond":
            c = self.eval(node[1], live)
            a = self.eval(node[2], live and c != 0)
            b = self.eval(node[3], live and c == 0)
            return a if c != 0 else b
        if kind == "comma":
            self.eval(node[1], live)
            return self.eval(node[2], live)
        raise AssertionError(kind)

    def binop(self, op: str, a: int, b: int, at: int) -> int:
        if op == "+":
            return _wrap(a + b)
        if op == "-":
            return _wrap(a - b)
        if op == "*":
            return _wrap(a * b)
        if op in ("/", "%"):
            if b == 0:
                raise ArithError(self.expr, "division by 0", self.source[at:])
            q = abs(a) // abs(b)
            if (a < 0) != (b < 0):
                q = -q
            return _wrap(q) if op == "/" else _wrap(a - q * b)
        if op == "**":
            if b < 0:
                raise ArithError(self.expr, "exponent less than 0", self.source[at:])
            return _wrap(pow(a, b, 1 << 64))
        if op == "<<":
            return _wrap(a << (b & 63))
        if op == ">>":
            return _wrap(a >> (b & 63))
        if op == "&":
            return _wrap(a & b)
        if op == "|":
            return _wrap(a | b)
        if op == "^":
            return _wrap(a ^ b)
        if op == "==":
            return int(a == b)
        if op == "!=":
            return int(a != b)
        if op == "<":
            return int(a < b)
        if op == ">":
            return int(a > b)
        if op == "<=":
            return int(a <= b)
        if op == ">=":
            return int(a >= b)
        raise AssertionError(op)


def _expand_subscript(sub: str) -> str:
    return sub


def evaluate_arith(text: str, state: ShellState, depth: int = 0) -> int:
    """The value of an (already expanded) arithmetic expression."""
    node = parse_arith(text)
    return _Evaluator(state, text, depth).eval(node)
