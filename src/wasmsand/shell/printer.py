"""The AST back to shell text, in bash's layout (``declare -f``, ``type``)."""

from __future__ import annotations

from . import ast

__all__ = ["command_text", "function_text", "word_text"]

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
        from .expand import quote_for_reuse

        q = quote_for_reuse(p.text)
        return q if q.startswith("$'") else "$'" + p.text.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(p, ast.DoubleQuoted):
        return '"' + "".join(_part(x) if not isinstance(x, ast.Lit) else _dq(x.text) for x in p.parts) + '"'
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


def _dq(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("`", "\\`")


def _param(p: ast.ParamExp) -> str:
    if p.op == "bad":
        return word_text(p.arg) if p.arg else ""
    if not p.braced:
        return "$" + p.name
    name = p.name
    if p.index is not None:
        name += "[" + word_text(p.index) + "]"
    if p.names:
        return "${!" + p.name + p.names + "}"
    if p.keys:
        return "${!" + name + "}"
    pre = "!" if p.indirect else ""
    if p.op == "len":
        return "${#" + name + "}"
    if p.op == "":
        return "${" + pre + name + "}"
    arg = word_text(p.arg) if p.arg is not None else ""
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
            out.append(f"{fd}{r.op} EOF")
        else:
            space = "" if r.op in (">&", "<&") else " "
            out.append(f"{fd}{r.op}{space}{word_text(r.target)}")
    return (" " + " ".join(out)) if out else ""


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
        text = "time " + text
    return text


def _and_or(a: ast.AndOr, indent: str) -> str:
    text = _pipeline(a.first, indent)
    for op, p in a.rest:
        text += f" {op} " + _pipeline(p, indent)
    return text


def _is_compound_end(a: ast.AndOr) -> bool:
    last = a.rest[-1][1] if a.rest else a.first
    return (
        len(last.commands) == 1
        and isinstance(last.commands[-1], (ast.If, ast.While, ast.For, ast.ArithFor, ast.Case, ast.BraceGroup))
        and not a.rest
    )


def _list(cl: ast.CommandList, indent: str, *, group: bool = False) -> str:
    """One command per line; bash ends each with `;` except compound ones
    and, in a { } group, the last."""
    lines = []
    for k, item in enumerate(cl.items):
        text = _and_or(item.command, indent)
        if item.background:
            text += " &"
        elif not _is_compound_end(item.command) and not (group and k == len(cl.items) - 1):
            text += ";"
        lines.append(indent + text)
    return "\n".join(lines)


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


def _command(c: ast.Command, indent: str) -> str:
    inner = indent + _IND
    if isinstance(c, ast.SimpleCommand):
        return _simple(c)
    if isinstance(c, ast.Pipeline):
        return _pipeline(c, indent)
    if isinstance(c, ast.BraceGroup):
        return "{ \n" + _list(c.body, inner, group=True) + "\n" + indent + "}" + _redirs(c.redirs)
    if isinstance(c, ast.Subshell):
        return "( " + _list_inline(c.body) + " )" + _redirs(c.redirs)
    if isinstance(c, ast.If):
        out = []
        for k, (cond, body) in enumerate(c.arms):
            kw = "if" if k == 0 else indent + "elif"
            out.append(f"{kw} {_list_inline(cond)}; then\n{_list(body, inner)}")
        if c.else_body is not None:
            out.append(f"{indent}else\n{_list(c.else_body, inner)}")
        return "\n".join(out) + "\n" + indent + "fi" + _redirs(c.redirs)
    if isinstance(c, ast.While):
        kw = "until" if c.until else "while"
        return f"{kw} {_list_inline(c.cond)}; do\n{_list(c.body, inner)}\n{indent}done" + _redirs(c.redirs)
    if isinstance(c, ast.For):
        words = "" if c.words is None else " in " + " ".join(word_text(w) for w in c.words)
        return f"for {c.var}{words};\n{indent}do\n{_list(c.body, inner)}\n{indent}done" + _redirs(c.redirs)
    if isinstance(c, ast.ArithFor):
        parts = [word_text(w) if w is not None else "" for w in (c.init, c.cond, c.step)]
        return f"for (({parts[0]}; {parts[1]}; {parts[2]}))\n{indent}do\n{_list(c.body, inner)}\n{indent}done"
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
        return function_text(c)
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
    return _command(c, "")


def function_text(fn: ast.FunctionDef) -> str:
    body = fn.body
    if isinstance(body, ast.BraceGroup):
        text = "{ \n" + _list(body.body, _IND, group=True) + "\n}" + _redirs(body.redirs)
    else:
        text = _command(body, "")
    return f"{fn.name} () \n{text}"


def and_or_text(node: ast.AndOr) -> str:
    """A background job's command, as `jobs` shows it."""
    return _and_or(node, "")
