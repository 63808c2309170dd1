"""The AST back to shell text, in bash's layout (``declare -f``, ``type``)."""

from __future__ import annotations

import re

from . import ast

__all__ = ["command_text", "function_text", "subscript_text", "word_text"]

_IND = "    "


def word_text(w: ast.Word) -> str:
    return "".join(_part(p) for p in w.parts)


def _part(p: ast.WordPart) -> str:
    if isinstance(p, ast.Lit):
        return p.text
    if isinstance(p, ast.Escaped):
        return "\\" + p.text
    if isinstance(p, ast.SingleQuoted):
        return f"'{p.text}'"
    if isinstance(p, ast.AnsiCQuoted):
        # bash decodes $'...' when it parses, and prints the text single-quoted
        return "'" + p.text.replace("'", "'\\''") + "'"
    if isinstance(p, ast.DoubleQuoted):
        return '"' + _dq_inner(p) + '"'
    if isinstance(p, ast.ParamExp):
        return _param(p)
    if isinstance(p, ast.CommandSub):
        inner = _list_inline(p.body)
        return f"`{inner}`" if p.backtick else f"$({inner})"
    if isinstance(p, ast.ArithSub):
        return f"$(({word_text(p.expr)}))"
    if isinstance(p, ast.ProcessSub):
        return f"{p.direction}({_list_inline(p.body)})"
    if isinstance(p, ast.ExtGlob):
        return p.op + "(" + "|".join(word_text(a) for a in p.alternatives) + ")"
    return ""


def _dq_inner(p: ast.DoubleQuoted) -> str:
    """The text between the quotes; an expansion's operand in there was
    parsed as double-quoted text of its own, which the source did not show."""
    out = []
    for x in p.parts:
        if isinstance(x, ast.Lit):
            out.append(_dq(x.text))
        elif isinstance(x, ast.ParamExp) and x.arg is not None and _single_dq(x.arg):
            out.append(_param(x, in_dq=True))
        else:
            out.append(_part(x))
    return "".join(out)


def _single_dq(w: ast.Word) -> bool:
    return len(w.parts) == 1 and isinstance(w.parts[0], ast.DoubleQuoted)


def subscript_text(index: ast.Word) -> str:
    """A subscript's source (its parts, read as in double quotes, lose it)."""
    return index.source if index.source is not None else word_text(index)


def _dq(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("`", "\\`")


def _param(p: ast.ParamExp, in_dq: bool = False) -> str:
    if p.op == "bad":
        return word_text(p.arg) if p.arg else ""
    if not p.braced:
        return "$" + p.name
    name = p.name
    if p.index is not None:
        name += "[" + subscript_text(p.index) + "]"
    if p.names:
        return "${!" + p.name + p.names + "}"
    if p.keys:
        return "${!" + name + "}"
    pre = "!" if p.indirect else ""
    if p.op == "len":
        return "${#" + name + "}"
    if p.op == "":
        return "${" + pre + name + "}"
    if p.arg is None:
        arg = ""
    elif in_dq and _single_dq(p.arg):
        arg = _dq_inner(p.arg.parts[0])  # type: ignore[arg-type]
    else:
        arg = word_text(p.arg)
    if p.op in ("-", "=", "+", "?"):
        return "${" + pre + name + (":" if p.colon else "") + p.op + arg + "}"
    if p.op == ":":
        length = (":" + word_text(p.arg2)) if p.arg2 is not None else ""
        return "${" + pre + name + ":" + arg + length + "}"
    if p.op.startswith("/"):
        rep = ("/" + word_text(p.arg2)) if p.arg2 is not None else ""
        return "${" + pre + name + p.op + arg + rep + "}"
    return "${" + pre + name + p.op + arg + "}"


def _redirs(redirs: tuple[ast.Redir, ...]) -> str:
    out = []
    for r in redirs:
        fd = "" if r.fd is None else str(r.fd)
        if r.fd_var:
            fd = "{" + r.fd_var + "}"
        if isinstance(r.target, ast.HereDoc):
            out.append(f"{fd}{r.op}{r.target.written}")
        else:
            space = "" if r.op in (">&", "<&") else " "
            out.append(f"{fd}{r.op}{space}{word_text(r.target)}")
    return (" " + " ".join(out)) if out else ""


def _heredocs(a: ast.AndOr) -> str:
    """The bodies of the here-documents of a list item's commands, which
    bash prints after the item's line."""
    docs = []
    for pipeline in [a.first, *(p for _, p in a.rest)]:
        for c in pipeline.commands:
            for r in getattr(c, "redirs", ()):
                if isinstance(r.target, ast.HereDoc):
                    docs.append(word_text(r.target.body) + r.target.delimiter + "\n")
    return "".join(docs)


def _simple(c: ast.SimpleCommand) -> str:
    parts = []
    for a in c.assigns:
        if isinstance(a.value, ast.ArrayLiteral):
            items = " ".join(
                (("[" + word_text(k) + "]=") if k is not None else "") + word_text(v) for k, v in a.value.items
            )
            value = f"({items})"
        else:
            value = word_text(a.value) if a.value is not None else ""
        index = "[" + word_text(a.index) + "]" if a.index is not None else ""
        parts.append(f"{a.name}{index}{'+=' if a.append else '='}{value}")
    parts.extend(word_text(w) for w in c.words)
    return " ".join(parts) + _redirs(c.redirs)


def _pipeline(p: ast.Pipeline, indent: str) -> str:
    cmds = []
    for k, c in enumerate(p.commands):
        text = _command(c, indent)
        cmds.append(text)
        if k < len(p.commands) - 1:
            cmds.append("|&" if k < len(p.stderr_too) and p.stderr_too[k] else "|")
    text = " ".join(cmds)
    if p.negated:
        text = "! " + text
    if p.timed:
        text = ("time -p " if p.timed_posix else "time ") + text
    return text


def _and_or(a: ast.AndOr, indent: str) -> str:
    text = _pipeline(a.first, indent)
    for op, p in a.rest:
        text += f" {op} " + _pipeline(p, indent)
    return text


class _HeredocState:
    """bash prints here-document bodies at the next separator and then
    drops the next `;` separator it meets, at whatever nesting level (its
    printer's global ``was_heredoc``)."""

    drop_semicolon = False


def _list(cl: ast.CommandList, indent: str, *, end: str = "", first_indent: bool = True) -> str:
    """Commands one per line, as bash lays them out: `;` between them (none
    after `&`, whose next command stays on the line), here-document bodies
    after their command's line, and `end` (`;` in if/while/for bodies)
    after the last command unless it ends in `&` or a here-document."""
    out = []
    docs = ""
    for k, item in enumerate(cl.items):
        if k == 0:
            sep = indent if first_indent else ""
        elif cl.items[k - 1].background:
            sep = " "
        elif docs:
            sep = "\n" + indent
        elif _HeredocState.drop_semicolon:
            sep = "\n" + indent
            _HeredocState.drop_semicolon = False
        else:
            sep = ";\n" + indent
        out.append(sep + _and_or(item.command, indent) + (" &" if item.background else ""))
        docs = _heredocs(item.command)
        if docs:
            out.append("\n" + docs)
            _HeredocState.drop_semicolon = True
    if cl.items and not cl.items[-1].background and not docs:
        out.append(end)
    return "".join(out)


def _list_inline(cl: ast.CommandList) -> str:
    parts = []
    for k, item in enumerate(cl.items):
        text = _and_or(item.command, "")
        if item.background:
            text += " &"
        elif k < len(cl.items) - 1:
            text += ";"
        parts.append(text)
    return " ".join(parts).replace("\n", " ")


def _arith_part(w: ast.Word | None) -> str:
    """A `for ((...))` expression: bash drops leading blanks, and prints an
    empty one as 1."""
    text = word_text(w).lstrip() if w is not None else ""
    return text or "1"


def _if(
    arms: tuple[tuple[ast.CommandList, ast.CommandList], ...], else_body: ast.CommandList | None, indent: str
) -> str:
    """bash prints `elif` as an `if` nested in the `else` branch."""
    inner = indent + _IND
    cond, body = arms[0]
    out = f"if {_list_inline(cond)}; then\n{_list(body, inner, end=';')}"
    if len(arms) > 1:
        out += f"\n{indent}else\n{inner}{_if(arms[1:], else_body, inner)};"
    elif else_body is not None:
        out += f"\n{indent}else\n{_list(else_body, inner, end=';')}"
    return out + "\n" + indent + "fi"


def _command(c: ast.Command, indent: str) -> str:
    inner = indent + _IND
    if isinstance(c, ast.SimpleCommand):
        return _simple(c)
    if isinstance(c, ast.Pipeline):
        return _pipeline(c, indent)
    if isinstance(c, ast.BraceGroup):
        return "{ \n" + _list(c.body, inner) + "\n" + indent + "}" + _redirs(c.redirs)
    if isinstance(c, ast.Subshell):
        return "( " + _list(c.body, indent, first_indent=False) + " )" + _redirs(c.redirs)
    if isinstance(c, ast.If):
        return _if(c.arms, c.else_body, indent) + _redirs(c.redirs)
    if isinstance(c, ast.While):
        kw = "until" if c.until else "while"
        return f"{kw} {_list_inline(c.cond)}; do\n{_list(c.body, inner, end=';')}\n{indent}done" + _redirs(c.redirs)
    if isinstance(c, ast.For):
        words = "" if c.words is None else " in " + " ".join(word_text(w) for w in c.words)
        return (
            f"{'select' if c.select else 'for'} {c.var}{words};\n{indent}do\n{_list(c.body, inner, end=';')}\n"
            f"{indent}done" + _redirs(c.redirs)
        )
    if isinstance(c, ast.ArithFor):
        head = "; ".join(_arith_part(w) for w in (c.init, c.cond, c.step))
        return f"for (({head}))\n{indent}do\n{_list(c.body, inner, end=';')}\n{indent}done" + _redirs(c.redirs)
    if isinstance(c, ast.Case):
        arms = []
        for arm in c.arms:
            pats = " | ".join(word_text(p) for p in arm.patterns)
            body = _list(arm.body, inner + _IND) if arm.body.items else ""
            arms.append(f"{inner}{pats})\n{body}\n{inner}{arm.terminator}")
        return f"case {word_text(c.word)} in \n" + "\n".join(arms) + f"\n{indent}esac" + _redirs(c.redirs)
    if isinstance(c, ast.ArithCommand):
        return f"(({word_text(c.expr)}))"
    if isinstance(c, ast.CondCommand):
        return "[[ " + _cond(c.expr) + " ]]"
    if isinstance(c, ast.FunctionDef):
        return "function " + function_text(c, indent)
    return ""


def _cond(e: ast.CondExpr) -> str:
    if isinstance(e, ast.CondWord):
        return word_text(e.word)
    if isinstance(e, ast.CondUnary):
        return f"{e.op} {word_text(e.operand)}"
    if isinstance(e, ast.CondBinary):
        return f"{word_text(e.left)} {e.op} {word_text(e.right)}"
    if isinstance(e, ast.CondNot):
        return "! " + _cond(e.expr)
    if isinstance(e, ast.CondAnd):
        return _cond(e.left) + " && " + _cond(e.right)
    if isinstance(e, ast.CondOr):
        return _cond(e.left) + " || " + _cond(e.right)
    return ""


def command_text(c: ast.Command) -> str:
    _HeredocState.drop_semicolon = False
    return _command(c, "")


def function_text(fn: ast.FunctionDef, indent: str = "") -> str:
    """bash prints every function body as a `{ }` group."""
    if not indent:
        _HeredocState.drop_semicolon = False
    body = fn.body
    inner = indent + _IND
    if isinstance(body, ast.BraceGroup):
        text = "{ \n" + _list(body.body, inner) + "\n" + indent + "}" + _redirs(body.redirs)
    else:
        text = "{ \n" + inner + _command(body, inner) + "\n" + indent + "}"
    return f"{fn.name} () \n{indent}{text}"


def exported_function_text(fn: ast.FunctionDef) -> str:
    """A function as `export -f` puts it in the environment: bash's
    one-space layout after ``()``."""
    body = function_text(fn).split("\n", 1)[1]
    body = body.replace("{ \n" + _IND, "{  ", 1)
    return "() " + re.sub(r"\n((?:    )+)", lambda m: "\n" + " " * (len(m.group(1)) // 4), body)


def and_or_text(node: ast.AndOr) -> str:
    """A background job's command, as `jobs` shows it."""
    return _and_or(node, "")
