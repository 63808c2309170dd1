"""The ``wasmsand`` command.

wasmsand exec -- seq 10 '|' wc -l     argv lists, a lone '|' joins them
wasmsand applets                       the bundled commands
wasmsand version
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__
from .errors import WasmsandError
from .modules import bundled_modules
from .sandbox import Sandbox

__all__ = ["main"]


def _split_pipeline(words: Sequence[str]) -> list[list[str]]:
    stages: list[list[str]] = [[]]
    for w in words:
        if w == "|":
            stages.append([])
        else:
            stages[-1].append(w)
    return stages


def _cmd_exec(args: argparse.Namespace) -> int:
    stages = _split_pipeline(args.words)
    if any(not s for s in stages):
        print("wasmsand: exec: empty command in pipeline", file=sys.stderr)
        return 2
    stdin = sys.stdin.buffer.read() if args.stdin else None
    with Sandbox() as sb:
        result = sb.exec(stages, stdin=stdin, timeout=args.timeout)
    sys.stdout.buffer.write(result.stdout_bytes)
    sys.stderr.buffer.write(result.stderr_bytes)
    if result.error_class == "TIMEOUT":
        print(f"wasmsand: timed out after {args.timeout or 60} s", file=sys.stderr)
    return result.exit_code


def _cmd_run(args: argparse.Namespace) -> int:
    stdin = sys.stdin.buffer.read() if args.stdin else None
    with Sandbox() as sb:
        result = sb.commands.run(" ".join(args.command), stdin=stdin, timeout=args.timeout)
    sys.stdout.buffer.write(result.stdout_bytes)
    sys.stderr.buffer.write(result.stderr_bytes)
    if result.error_class == "TIMEOUT":
        print(f"wasmsand: timed out after {args.timeout or 60} s", file=sys.stderr)
    return result.exit_code


def _cmd_applets(args: argparse.Namespace) -> int:
    for info in bundled_modules().modules.values():
        for applet in info.applets:
            print(applet)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wasmsand", description="A WebAssembly sandbox with a shell and coreutils.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="run a shell command line (bash syntax) in a new sandbox")
    p_run.add_argument("--timeout", type=float, default=None, help="seconds (default 60)")
    p_run.add_argument("--stdin", action="store_true", help="pass this program's standard input")
    p_run.add_argument("command", nargs="+", help="the command line (words are joined with spaces)")
    p_run.set_defaults(func=_cmd_run)
    p_exec = sub.add_parser("exec", help="run argv lists (a lone '|' pipes one into the next)")
    p_exec.add_argument("--timeout", type=float, default=None, help="seconds (default 60)")
    p_exec.add_argument("--stdin", action="store_true", help="pass this program's standard input")
    p_exec.add_argument("words", nargs=argparse.REMAINDER)
    p_exec.set_defaults(func=_cmd_exec)
    sub.add_parser("applets", help="list the bundled commands").set_defaults(func=_cmd_applets)
    sub.add_parser("version", help="print the version").set_defaults(func=lambda a: print(__version__) or 0)
    args = parser.parse_args(argv)
    if getattr(args, "words", None) and args.words[0] == "--":
        args.words = args.words[1:]
    try:
        return int(args.func(args))
    except WasmsandError as e:
        print(f"wasmsand: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
