"""printf's floating-point numbers as bash has them: x87 long doubles.

bash's printf reads float arguments with ``strtold`` and formats them with
glibc's long-double printf, so ``printf '%.1f' 0.15`` prints 0.2 (the long
double nearest 0.15 is a hair above it) and ``%a`` shows a 64-bit mantissa
(``0x8p-3`` for 1). Values are kept exactly as (mantissa, exponent) pairs
and formatted with exact rational arithmetic, rounding half to even as
glibc does.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

__all__ = ["format_long_double", "parse_long_double"]

Value = tuple[int, int] | float  # m * 2**e exactly, or inf/nan as a float

_MANT_BITS = 64
_MIN_EXP = -16445  # smallest subnormal exponent of the x87 format
_MAX_EXP = 16384
_DEC = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_HEXF = re.compile(r"[+-]?0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)([pP][+-]?\d+)?")
_SPECIAL = re.compile(r"[+-]?(inf(inity)?|nan)", re.IGNORECASE)


def _round_fraction(v: Fraction) -> Value:
    """The long double nearest the exact value ``v``."""
    if v == 0:
        return (0, 0)
    sign = -1 if v < 0 else 1
    v = abs(v)
    # e such that 2**63 <= v / 2**e < 2**64
    e = v.numerator.bit_length() - v.denominator.bit_length() - _MANT_BITS
    while v / Fraction(2) ** e >= 2**_MANT_BITS:
        e += 1
    while v / Fraction(2) ** e < 2 ** (_MANT_BITS - 1):
        e -= 1
    if e < _MIN_EXP:
        e = _MIN_EXP
    scaled = v / Fraction(2) ** e
    m = math.floor(scaled)
    rest = scaled - m
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and m & 1):
        m += 1
    if m == 2**_MANT_BITS:
        m >>= 1
        e += 1
    if e + _MANT_BITS > _MAX_EXP:
        return math.copysign(math.inf, sign)
    return (sign * m, e)


def parse_long_double(text: str) -> tuple[Value, bool]:
    """``strtold`` on ``text``: the value of its longest valid prefix and
    whether that prefix is the whole text."""
    t = text.strip()
    m = _SPECIAL.match(t)
    if m:
        neg = t.startswith("-")
        v = math.nan if m.group(1).lower() == "nan" else math.inf
        return (-v if neg else v), m.end() == len(t)
    m = _HEXF.match(t)
    if m:
        neg = t.startswith("-")
        body = m.group(1)
        whole, _, frac = body.partition(".")
        value = Fraction(int((whole + frac) or "0", 16), 16 ** len(frac))
        if m.group(2):
            value *= Fraction(2) ** int(m.group(2)[1:])
        return _round_fraction(-value if neg else value), m.end() == len(t)
    m = _DEC.match(t)
    if not m:
        return (0, 0), False
    return _round_fraction(Fraction(m.group(0))), m.end() == len(t)


def _exact(v: tuple[int, int]) -> Fraction:
    m, e = v
    return Fraction(m) * Fraction(2) ** e


def _round_half_even(x: Fraction) -> int:
    n = math.floor(x)
    rest = x - n
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and n & 1):
        n += 1
    return n


def _fixed(a: Fraction, prec: int, alt: bool) -> str:
    n = _round_half_even(a * 10**prec)
    digits = str(n).rjust(prec + 1, "0")
    if prec == 0:
        return digits + ("." if alt else "")
    return digits[:-prec] + "." + digits[-prec:]


def _sci(a: Fraction, prec: int) -> tuple[str, int]:
    """Digits (prec+1 of them) and exponent of ``a`` in %e form."""
    if a == 0:
        return "0" * (prec + 1), 0
    x = len(str(a.numerator)) - len(str(a.denominator))
    while a >= Fraction(10) ** (x + 1):
        x += 1
    while a < Fraction(10) ** x:
        x -= 1
    n = _round_half_even(a / Fraction(10) ** (x - prec))
    if n >= 10 ** (prec + 1):
        x += 1
        n = _round_half_even(a / Fraction(10) ** (x - prec))
    return str(n), x


def _exp_text(digits: str, x: int, prec: int, alt: bool, upper: bool) -> str:
    mant = digits[0] + ("." + digits[1:] if prec > 0 else ("." if alt else ""))
    return f"{mant}{'E' if upper else 'e'}{'-' if x < 0 else '+'}{abs(x):02d}"


def _hex(v: tuple[int, int], prec: int | None, upper: bool, alt: bool) -> str:
    m, e = abs(v[0]), v[1]
    if m == 0:
        body = "0x0" + ("." + "0" * prec if prec else ("." if alt else "")) + "p+0"
        return body.upper() if upper else body
    while m < 2 ** (_MANT_BITS - 1):
        m <<= 1
        e -= 1
    frac_bits = _MANT_BITS - 4
    lead = m >> frac_bits
    frac = m & ((1 << frac_bits) - 1)
    exp = e + frac_bits
    ndigits = frac_bits // 4
    if prec is not None and prec < ndigits:
        shift = (ndigits - prec) * 4
        keep = frac >> shift
        rest = frac & ((1 << shift) - 1)
        half = 1 << (shift - 1)
        if rest > half or (rest == half and keep & 1):
            keep += 1
        if keep >> (prec * 4):
            keep &= (1 << (prec * 4)) - 1 if prec else 0
            lead += 1
        text = format(keep, "x").rjust(prec, "0") if prec else ""
    else:
        text = format(frac, "x").rjust(ndigits, "0").rstrip("0")
        if prec is not None:
            text = text.ljust(prec, "0")
    point = "." if text or alt else ""
    out = f"0x{lead:x}{point}{text}p{'-' if exp < 0 else '+'}{abs(exp)}"
    return out.upper() if upper else out


def format_long_double(v: Value, conv: str, flags: str, width: int, prec: int | None) -> str:
    """glibc's ``%Lf``-family formatting of ``v``."""
    upper = conv.isupper()
    lower = conv.lower()
    alt = "#" in flags
    if isinstance(v, float):
        negative = math.copysign(1.0, v) < 0 and not math.isnan(v)
        body = "nan" if math.isnan(v) else "inf"
        if upper:
            body = body.upper()
        zero_ok = False
    else:
        negative = v[0] < 0
        a = abs(_exact(v))
        zero_ok = True
        if lower == "f":
            body = _fixed(a, 6 if prec is None else prec, alt)
        elif lower == "e":
            p = 6 if prec is None else prec
            digits, x = _sci(a, p)
            body = _exp_text(digits, x, p, alt, upper)
        elif lower == "g":
            p = 6 if prec is None else (prec or 1)
            digits, x = _sci(a, p - 1)
            body = _fixed(a, p - 1 - x, alt) if p > x >= -4 else _exp_text(digits, x, p - 1, alt, upper)
            if not alt:
                mant, sep, exp = body.partition("e" if not upper else "E")
                if "." in mant:
                    mant = mant.rstrip("0").rstrip(".")
                body = mant + sep + exp
        else:
            body = _hex(v, prec, upper, alt)
    sign = "-" if negative else "+" if "+" in flags else " " if " " in flags else ""
    total = len(sign) + len(body)
    if total >= width:
        return sign + body
    fill = width - total
    if "-" in flags:
        return sign + body + " " * fill
    if "0" in flags and zero_ok:
        if body[:2].lower() == "0x":
            return sign + body[:2] + "0" * fill + body[2:]
        return sign + "0" * fill + body
    return " " * fill + sign + body
