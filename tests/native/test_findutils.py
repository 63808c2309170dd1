"""find, xargs, timeout, nice, nohup, watch and expr: what the differential
cases cannot express. Symbolic links (the case syntax cannot make them) are
compared with the host's GNU find here; -ls and -inum, terminal-bound
options, signals that end timeout itself and the refusals are checked
against the sandbox itself."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from wasmsand import Sandbox

from .difftest import USER_UID, WORKDIR, prepare, run_host, run_sandbox

Setup = Callable[[Sandbox, Path], None]


def q(text: str) -> str:
    """GNU's quote() in the sandbox's C.UTF-8 locale."""
    return f"\u2018{text}\u2019"


@pytest.fixture(scope="module")
def shared() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def host_base() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="wasmsand-findutils-"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


def symlink(target: str, name: str) -> Setup:
    def setup(sb: Sandbox, host: Path) -> None:
        sb.fs.symlink(target, f"{WORKDIR}/{name}", sb.fs.root)
        os.symlink(target, host / name)
        if os.getuid() == 0:
            os.lchown(host / name, USER_UID, USER_UID)

    return setup


def hardlink(existing: str, name: str) -> Setup:
    def setup(sb: Sandbox, host: Path) -> None:
        sb.fs.link(f"{WORKDIR}/{existing}", sb.fs.root, f"{WORKDIR}/{name}", sb.fs.root)
        os.link(host / existing, host / name)

    return setup


def mkdir(name: str) -> Setup:
    def setup(sb: Sandbox, host: Path) -> None:
        sb.fs.mkdir(f"{WORKDIR}/{name}", sb.fs.root)
        (host / name).mkdir()
        if os.getuid() == 0:
            os.chown(host / name, USER_UID, USER_UID)

    return setup


# Each link lives in a directory of its own (or is a starting point), so
# the order of the traversal is the same on both sides.
TOP = [
    symlink("findtree/a.txt", "lfile"),
    symlink("findtree/chain", "ldir"),
    symlink("nowhere", "dangling"),
    symlink("selfloop", "selfloop"),
]
LOOP = [mkdir("lk"), symlink(".", "lk/up")]
LFILE = [mkdir("lf"), symlink("../findtree/a.txt", "lf/la")]
LDIR = [mkdir("ld"), symlink("../findtree/chain", "ld/dl")]
LDANG = [mkdir("dg"), symlink("nowhere", "dg/dang")]
NAMED = "lfile ldir dangling selfloop"
PRINTF = "-printf '%p|%y|%Y|%l|%f\\n'"

COMPARED: list[tuple[list[Setup], str]] = [
    (TOP, f"find {NAMED} -maxdepth 0 {PRINTF}"),
    (TOP, f"find -P {NAMED} -maxdepth 0 {PRINTF}"),
    (TOP, f"find -H {NAMED} -maxdepth 0 {PRINTF}"),
    (TOP, f"find -L {NAMED} -maxdepth 0 {PRINTF}"),
    (TOP, f"find {NAMED} -maxdepth 0 -type l"),
    (TOP, f"find -L {NAMED} -maxdepth 0 -type l"),
    (TOP, f"find {NAMED} -maxdepth 0 -xtype l"),
    (TOP, f"find -L {NAMED} -maxdepth 0 -xtype l"),
    (TOP, f"find {NAMED} -maxdepth 0 -xtype f,d"),
    (TOP, f"find -L {NAMED} -maxdepth 0 -type f,d"),
    (TOP, f"find {NAMED} -maxdepth 0 -lname '*a*'"),
    (TOP, f"find {NAMED} -maxdepth 0 -ilname '*CHAIN'"),
    (TOP, f"find -L {NAMED} -maxdepth 0 -lname '*'"),
    (TOP, f"find {NAMED} -maxdepth 0 -readable"),
    (TOP, f"find {NAMED} -maxdepth 0 -size -1 -printf '%p %s\\n'"),
    (TOP, f"find -L {NAMED} -maxdepth 0 -printf '%p %s %m %M %n\\n'"),
    (TOP, f"find {NAMED} -maxdepth 0 -perm 777"),
    (TOP, f"find {NAMED} -maxdepth 0 -empty"),
    (TOP, "find ldir"),
    (TOP, "find ldir/"),
    (TOP, "find -H ldir"),
    (TOP, "find -L ldir -type f"),
    (TOP, "find ldir -follow -type d"),
    (TOP, "find -H ldir -printf '%p %y %Y %d\\n'"),
    (TOP, "find . -maxdepth 1 -samefile findtree/a.txt"),
    (TOP, "find -L . -maxdepth 1 -samefile findtree/a.txt"),
    (TOP, "find . -maxdepth 1 -samefile lfile"),
    (TOP, "find -L . -maxdepth 1 -samefile lfile -exec ls -d {} +"),
    (TOP, "touch -d 2020-01-01 findtree/a.txt && find lfile -newer findtree/chain"),
    (TOP, "touch -d 2020-01-01 findtree/a.txt && find -L lfile -newer findtree/chain"),
    (TOP, "touch -d 2020-01-01 findtree/a.txt && find -L lfile -mtime +100"),
    (TOP, "find dangling -maxdepth 0 -printf '%Y\\n'"),
    (TOP, "find -L dangling selfloop"),
    (TOP, "find selfloop -printf '%Y %y\\n'"),
    (TOP, "find -L selfloop -printf '%Y %y\\n'"),
    (TOP, "find dangling -delete && ls dangling"),
    (TOP, "find lfile -exec cat {} ';'"),
    (TOP, "find ldir -maxdepth 0 -execdir echo {} ';'"),
    (TOP, "find -L ldir -maxdepth 1 -execdir echo {} +"),
    (LOOP, "find lk"),
    (LOOP, "find lk -type l -printf '%p %l %Y\\n'"),
    (LOOP, "find -L lk"),
    (LOOP, "find -L lk -depth"),
    (LOOP, "find lk -follow -name up"),
    (LFILE, "find lf -printf '%p %y %Y %l %s\\n'"),
    (LFILE, "find -L lf -printf '%p %y %Y %l %s\\n'"),
    (LFILE, "find -H lf -printf '%p %y %Y %l\\n'"),
    (LFILE, "find lf -xtype f"),
    (LFILE, "find -L lf -xtype l"),
    (LFILE, "find lf -follow -type f"),
    (LFILE, "find -L lf -type f -exec cat {} +"),
    (LFILE, "find lf -lname '*a.txt'"),
    (LFILE, "find -L lf -lname '*a.txt'"),
    (LFILE, "find lf -type l -delete && find lf"),
    (LFILE, "touch -d 2020-01-01 findtree/a.txt && find -L lf -mtime +100"),
    (LFILE, "find lf/la -maxdepth 0 -empty"),
    (LDIR, "find ld"),
    (LDIR, "find -L ld"),
    (LDIR, "find -H ld"),
    (LDIR, "find -L ld -type d -mindepth 2"),
    (LDIR, "find ld/dl"),
    (LDIR, "find ld/dl/"),
    (LDIR, "find -H ld/dl -maxdepth 1"),
    (LDIR, "find -L ld -maxdepth 2 -printf '%p %d %y %Y %H %P\\n'"),
    (LDIR, "find -L ld -name leaf.txt -execdir ls ';'"),
    (LDANG, "find dg -xtype l"),
    (LDANG, "find -L dg -type l"),
    (LDANG, "find -L dg -printf '%p %y %Y\\n'"),
    (LDANG, "find dg -printf '%p %y %Y %l\\n'"),
    (LDANG, "find -L dg -xtype l"),
    ([hardlink("findtree/chain/x/y/z/leaf.txt", "findtree/chain/x/hard")], "find findtree/chain -type f -links 2"),
    (
        [hardlink("findtree/chain/x/y/z/leaf.txt", "findtree/chain/x/hard")],
        "find findtree/chain -type f -printf '%n %p\\n'",
    ),
    (
        [hardlink("findtree/chain/x/y/z/leaf.txt", "findtree/chain/x/hard")],
        "find findtree/chain -samefile findtree/chain/x/hard",
    ),
    (TOP, "find lfile dangling -maxdepth 0 -print0 | xargs -0 ls -d"),
    (TOP, "printf 'lfile\\0ldir\\0' | xargs -0 -I{} find {} -maxdepth 0 -type l"),
]


@pytest.mark.parametrize(("setups", "command"), COMPARED, ids=[c for _, c in COMPARED])
def test_matches_host_with_links(shared: Sandbox, host_base: Path, setups: list[Setup], command: str) -> None:
    host_dir = host_base / "work"
    prepare(shared, host_dir)
    for setup in setups:
        setup(shared, host_dir)
    want = run_host(command, host_dir)
    got = run_sandbox(shared, command)
    assert (got.stdout, got.stderr, got.status) == (want.stdout, want.stderr, want.status)


def run(sb: Sandbox, command: str) -> tuple[str, str, int]:
    r = sb.commands.run(command)
    return r.stdout, r.stderr, r.exit_code


def test_find_inum_and_ls(sb: Sandbox) -> None:
    sb.files.write("t/f", "hello")
    ino = sb.fs.resolve("/home/user/t/f", sb.fs.root).ino
    out, err, code = run(sb, "find t -type f -printf '%i\\n'")
    assert (out, err, code) == (f"{ino}\n", "", 0)
    out, _, _ = run(sb, f"find t -inum {ino}")
    assert out == "t/f\n"
    out, _, _ = run(sb, f"find t -inum +{ino}")
    assert out == ""
    run(sb, "touch -d '2020-01-02 03:04' t/f")
    out, _, code = run(sb, "find t -ls")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2
    assert re.fullmatch(r" *\d+ +4 drwxr-xr-x +2 \S+ +\S+ +\d+ \w{3} [ \d]\d \d\d:\d\d t", lines[0])
    assert lines[1].endswith(" 4 -rw-r--r--   1 user     user            5 Jan  2  2020 t/f")
    assert lines[1].split()[0] == str(ino)
    # Names are quoted as GNU's -ls does: backslash escapes, octal.
    sb.files.write("q/a b\tc", "")
    out, _, _ = run(sb, "find q -type f -ls")
    assert out.rstrip("\n").endswith(" q/a\\ b\\tc")
    sb.fs.symlink("a b\tc", "/home/user/q/ln", sb.fs.root)
    out, _, _ = run(sb, "find q/ln -ls")
    assert out.rstrip("\n").endswith(" q/ln -> a\\ b\\tc")
    out, _, _ = run(sb, "find q/ln -fls list; cat list")
    assert out.rstrip("\n").endswith(" q/ln -> a\\ b\\tc")


def test_find_loop_through_links(sb: Sandbox) -> None:
    sb.files.write("r/s/f", "x")
    sb.fs.symlink("..", "/home/user/r/s/up", sb.fs.root)
    out, err, code = run(sb, "find -L r")
    assert code == 1
    assert out == "r\nr/s\nr/s/f\n"
    assert err == f"find: File system loop detected; {q('r/s/up')} is part of the same file system loop as {q('r')}.\n"


def test_find_refusals(sb: Sandbox) -> None:
    out, err, code = run(sb, "find -D tree .")
    assert (out, code) == ("", 2)
    assert "unrecognized option '-D'" in err
    out, _, code = run(sb, "find . -maxdepth 0 -fstype tmpfs")
    assert (out, code) == (".\n", 0)
    out, _, _ = run(sb, "find . -maxdepth 0 -printf '%F\\n'")
    assert out == "tmpfs\n"


def test_find_warnings_are_off_without_a_terminal(sb: Sandbox) -> None:
    sb.files.write("w/x", "")
    out, err, code = run(sb, "find w -name x -maxdepth 1")
    assert (out, err, code) == ("w/x\n", "", 0)


def test_xargs_limits_and_terminal(sb: Sandbox) -> None:
    out, err, code = run(sb, "xargs --show-limits < /dev/null")
    assert (out, code) == ("\n", 0)
    lines = err.splitlines()
    assert lines[0].startswith("Your environment variables take up ")
    env = int(lines[0].split()[5])
    assert lines[1] == f"POSIX upper limit on argument length (this system): {2097152 - env - 2048}"
    assert lines[2] == "POSIX smallest allowable upper limit on argument length (all systems): 4096"
    assert lines[4] == "Size of command buffer we are actually using: 131072"
    assert lines[5] == "Maximum parallelism (--max-procs must be no greater): 2147483647"
    out, err, code = run(sb, "echo a | xargs -p echo")
    assert (out, code) == ("", 1)
    assert err == "xargs: failed to open /dev/tty for reading: No such file or directory\n"
    out, err, code = run(sb, "echo a | xargs -o echo")
    assert (out, code) == ("", 123)
    assert err == f"xargs: {q('/dev/tty')}: No such file or directory\n"
    out, err, code = run(sb, "echo a | xargs -s 99999999 echo")
    assert out == "a\n"
    assert re.fullmatch(r"xargs: value 99999999 for -s option should be <= \d+\n", err)


def test_xargs_keeps_input_bytes(sb: Sandbox) -> None:
    sb.files.write("bytes", b"a\xffb\0c\n")
    out, err, code = run(sb, "xargs -0 -t true < bytes")
    assert (out, code) == ("", 0)
    assert err == "true 'a'$'\\377''b' 'c'$'\\n'\n"


def test_xargs_parallel_runs_every_command(sb: Sandbox) -> None:
    out, err, code = run(sb, "seq 1 6 | xargs -P 3 -n 2 echo")
    assert (err, code) == ("", 0)
    assert sorted(out.splitlines()) == ["1 2", "3 4", "5 6"]
    out, _, _ = run(sb, "seq 1 3 | xargs -P 2 --process-slot-var=SLOT -n1 sh -c 'echo $SLOT'")
    assert set(out.split()) <= {"0", "1"}


def test_timeout_signals(sb: Sandbox) -> None:
    out, err, code = run(sb, "timeout -s KILL 0.2 yes > /dev/null")
    assert (out, err, code) == ("", "", 137)
    out, err, code = run(sb, "timeout -v -s KILL 0.2 yes > /dev/null")
    assert (err, code) == (f"timeout: sending signal KILL to command {q('yes')}\n", 137)
    out, err, code = run(sb, "timeout -k 0.2 -v 0.2 yes > /dev/null")
    assert (err, code) == (f"timeout: sending signal TERM to command {q('yes')}\n", 124)
    out, err, code = run(sb, "timeout -s CONT -k 0.2 -v 0.2 yes > /dev/null")
    assert (
        err
        == f"timeout: sending signal CONT to command {q('yes')}\ntimeout: sending signal KILL to command {q('yes')}\n"
    )
    assert code == 137
    out, err, code = run(sb, "timeout --preserve-status -s HUP 0.2 yes > /dev/null")
    assert (err, code) == ("", 129)
    out, err, code = run(sb, "timeout 0.2 sh -c 'while :; do echo x; done' > /dev/null")
    assert code == 124


def test_nice_and_nohup(sb: Sandbox) -> None:
    assert run(sb, "nice") == ("0\n", "", 0)
    assert run(sb, "nice -n 7 nice") == ("0\n", "", 0)
    assert run(sb, "nohup sh -c 'echo out; echo err >&2'") == ("out\n", "err\n", 0)
    assert not sb.files.exists("nohup.out")


def test_watch_is_refused(sb: Sandbox) -> None:
    out, err, code = run(sb, "watch -n 1 date")
    assert (out, code) == ("", 2)
    assert err.startswith("watch: refusing to run")
