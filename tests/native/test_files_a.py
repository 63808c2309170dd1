"""ls, stat, du, df, tree, chmod, touch and date: what the differential
cases cannot express. Symlinks and hard links (the case syntax has no way
to make them) are compared with the host's GNU tools here; inode numbers,
the current time and df's numbers are checked against the sandbox itself."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from wasmsand import Sandbox

from .difftest import USER_UID, WORKDIR, prepare, run_host, run_sandbox

Setup = Callable[[Sandbox, Path], None]


@pytest.fixture(scope="module")
def shared() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def host_base() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="wasmsand-files-a-"))
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


LINKS = [symlink("a.txt", "la"), symlink("ftree/sub", "ls"), symlink("nowhere", "dangling")]
LONG_TARGET = symlink("ftree/" + "x" * 70, "longlink")
TOUCH = "touch -h -d '2020-01-02 03:04:05' la ls dangling a.txt ftree/sub"

# Command lines compared with the host after the setups ran on both sides.
COMPARED: list[tuple[list[Setup], str]] = [
    (LINKS, f"{TOUCH} && ls -l la ls dangling"),
    (LINKS, f"{TOUCH} && ls -lF la ls dangling"),
    (LINKS, "ls -F la ls dangling a.txt"),
    (LINKS, "ls -p la ls dangling"),
    (LINKS, "ls ls"),
    (LINKS, "ls -d ls"),
    (LINKS, f"{TOUCH} && ls -lL la ls"),
    (LINKS, f"{TOUCH} && ls -lH la ls"),
    (LINKS, "ls -L dangling"),
    (LINKS, "ls dangling"),
    (LINKS, "ls --dereference-command-line-symlink-to-dir ls"),
    (LINKS, f"{TOUCH} && stat -c '%N|%F|%s|%a|%A' la ls dangling"),
    (LINKS, f"{TOUCH} && stat -L -c '%N|%F|%s' la ls"),
    (LINKS, "stat -L dangling"),
    (LINKS, "du -s la ls dangling"),
    (LINKS, "du -sL ls"),
    (LINKS, "du -b la dangling"),
    (LINKS, "tree -F ftree/.. --noreport -L 1 -I 'ftree|dir|*.txt|*.bin|[a-z]*[a-z]'"),
    (LINKS, "chmod -v 600 la && stat -c '%a %n' a.txt"),
    (LINKS, "chmod 755 dangling"),
    (LINKS, "chmod -v 755 dangling"),
    ([symlink("ftree/sub/deep", "ld")], "chmod -Rv 700 ld"),
    ([symlink("two.c", "ftree/sub/deep/l2")], "chmod -Rv 700 ftree/sub/deep/l2"),
    (LINKS, "touch -d 2020-01-02 la && date -r a.txt +%F"),
    (LINKS, "touch -h -d 2020-01-02 la && stat -c '%y %n' la"),
    (LINKS, "touch -c dangling"),
    (LINKS, "touch dangling && cat nowhere"),
    (LINKS, "date -r dangling"),
    ([symlink("..", "ftree/sub/deep/up")], "ls -RL ftree/sub/deep"),
    ([symlink("..", "ftree/sub/deep/up")], "du -sL ftree/sub/deep"),
    ([symlink("..", "ftree/sub/deep/up")], "tree -l ftree/sub/deep"),
    ([symlink("..", "ftree/sub/deep/up")], "ls -R ftree/sub/deep"),
    ([LONG_TARGET], "du longlink"),
    ([LONG_TARGET], "stat -c '%s %b' longlink"),
    ([hardlink("a.txt", "hard")], "touch -d 2020-01-02 hard && ls -l a.txt hard"),
    ([hardlink("a.txt", "hard")], "stat -c '%h %n' a.txt hard"),
    ([hardlink("a.txt", "hard")], "du -a a.txt hard"),
    ([hardlink("a.txt", "hard")], "du -c a.txt hard"),
    ([hardlink("a.txt", "hard")], "du -lc a.txt hard"),
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


def run(sb: Sandbox, *argv: str) -> tuple[str, str, int]:
    r = sb.exec(list(argv))
    return r.stdout, r.stderr, r.exit_code


def test_df_reports_the_quota(sb: Sandbox) -> None:
    sb.files.write("big", b"x" * 300_000)
    out, err, code = run(sb, "df")
    assert (err, code) == ("", 0)
    header, line = out.splitlines()
    assert header.split() == ["Filesystem", "1K-blocks", "Used", "Available", "Use%", "Mounted", "on"]
    fs = sb.fs
    total = fs.limits.max_bytes
    used = fs.bytes_used
    fields = line.split()
    assert fields[0] == "wasmsand"
    used_k = -(-used // 1024)
    assert int(fields[1]) == total // 1024
    assert int(fields[2]) == used_k
    assert int(fields[3]) == total // 1024 - used_k
    assert fields[4] == f"{-(-used_k * 100 // (total // 1024))}%"
    assert fields[5] == "/"
    # Columns line up under the header.
    assert len(header) - len("Mounted on") == len(line) - 1


def test_df_inodes_types_and_human(sb: Sandbox) -> None:
    out, _, code = run(sb, "df", "-i", "-T", ".")
    assert code == 0
    fields = out.splitlines()[1].split()
    fs = sb.fs
    assert fields[:2] == ["wasmsand", "wasmsand"]
    assert int(fields[2]) == fs.limits.max_files
    assert int(fields[3]) == fs.files_used
    assert int(fields[4]) == fs.limits.max_files - fs.files_used
    out, _, _ = run(sb, "df", "-h")
    assert out.splitlines()[0].split()[:4] == ["Filesystem", "Size", "Used", "Avail"]
    assert out.splitlines()[1].split()[1] == "256M"
    out, _, _ = run(sb, "df", "--output=source,target,pcent")
    assert out.splitlines()[0] == "Filesystem     Mounted on Use%"
    out, err, code = run(sb, "df", "nope")
    assert (out, err, code) == ("", "df: nope: No such file or directory\n", 1)
    out, err, code = run(sb, "df", "--direct")
    assert (out, code) == ("", 1)
    assert err == "df: unrecognized option '--direct'\nTry 'df --help' for more information.\n"
    out, _, _ = run(sb, "df", "-P", "--total")
    assert [ln.split()[0] for ln in out.splitlines()] == ["Filesystem", "wasmsand", "total"]


def test_df_follows_usage(sb: Sandbox) -> None:
    before = int(run(sb, "df", "-B1")[0].splitlines()[1].split()[2])
    sb.files.write("more", b"y" * 8192)
    after = int(run(sb, "df", "-B1")[0].splitlines()[1].split()[2])
    assert after - before == 8192


def test_ls_inode_numbers(sb: Sandbox) -> None:
    sb.files.write("d/one", "1")
    sb.files.write("d/two", "2")
    out, _, code = run(sb, "ls", "-i", "d")
    assert code == 0
    want = [f"{sb.fs.resolve(f'/home/user/d/{n}', sb.fs.root).ino} {n}" for n in ("one", "two")]
    width = max(len(w.split()[0]) for w in want)
    assert out.splitlines() == [f"{w.split()[0]:>{width}} {w.split()[1]}" for w in want]
    out, _, _ = run(sb, "stat", "-c", "%i %d %D", "d/one")
    ino = sb.fs.resolve("/home/user/d/one", sb.fs.root).ino
    assert out == f"{ino} {sb.fs.DEV} {sb.fs.DEV:x}\n"


def test_ls_recent_times_show_the_clock(sb: Sandbox) -> None:
    sb.files.write("f", "x")
    out, _, _ = run(sb, "ls", "-l", "f")
    stamp = time.strftime("%b %e %H:%M", time.gmtime(sb.fs.resolve("/home/user/f", sb.fs.root).mtime / 1e9))
    assert stamp in out
    run(sb, "touch", "-d", "100 days ago", "f")
    out, _, _ = run(sb, "ls", "-l", "f")
    assert re.search(r" [A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d f\n$", out)
    run(sb, "touch", "-d", "200 days ago", "f")
    out, _, _ = run(sb, "ls", "-l", "f")
    assert re.search(r" [A-Z][a-z]{2} [ 0-9]\d  \d{4} f\n$", out)


def test_stat_default_layout(sb: Sandbox) -> None:
    sb.files.write("/etc/passwd", "user:x:1000:1000::/home/user:/bin/sh\n")
    sb.files.write("/etc/group", "grp:x:1000:\n")
    sb.files.write("f", "hello\n")
    out, _, code = run(sb, "stat", "f")
    assert code == 0
    node = sb.fs.resolve("/home/user/f", sb.fs.root)
    lines = out.splitlines()
    assert lines[0] == "  File: f"
    assert lines[1] == "  Size: 6         \tBlocks: 8          IO Block: 4096   regular file"
    assert lines[2] == f"Device: 0,1\tInode: {node.ino:<11} Links: 1"
    assert lines[3] == "Access: (0644/-rw-r--r--)  Uid: ( 1000/    user)   Gid: ( 1000/     grp)"
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} \+0000"
    for line, label in zip(lines[4:7], ("Access", "Modify", "Change"), strict=True):
        assert re.fullmatch(f"{label}: {stamp}", line)
    assert lines[7] == " Birth: -"
    out, _, _ = run(sb, "stat", "-t", "f")
    fields = out.split()
    assert fields[:6] == ["f", "6", "8", "81a4", "1000", "1000"]
    assert fields[7] == str(node.ino)


def test_touch_and_date_use_the_clock(sb: Sandbox) -> None:
    before = time.time()
    sb.files.write("f", "x")
    run(sb, "touch", "-d", "2000-01-01", "f")
    run(sb, "touch", "f")
    mtime = sb.fs.resolve("/home/user/f", sb.fs.root).mtime / 1e9
    assert before - 1 <= mtime <= time.time() + 1
    out, _, _ = run(sb, "date", "+%s")
    assert abs(int(out) - time.time()) < 5
    out, _, _ = run(sb, "date", "-d", "tomorrow", "+%s")
    assert abs(int(out) - time.time() - 86400) < 5
    out, _, code = run(sb, "touch", "new")
    assert code == 0 and sb.files.exists("new")


def test_date_time_zones(sb: Sandbox) -> None:
    cases = {
        "UTC": "2020-09-13 12:26:40 UTC +0000",
        "JST-9": "2020-09-13 21:26:40 JST +0900",
        "<+0530>-5:30": "2020-09-13 17:56:40 +0530 +0530",
        "CET-1CEST,M3.5.0,M10.5.0/3": "2020-09-13 14:26:40 CEST +0200",
        "EST5EDT": "2020-09-13 08:26:40 EDT -0400",
        "Foo/Bar": "2020-09-13 12:26:40 Foo +0000",
    }
    for tz, want in cases.items():
        r = sb.exec(["date", "-d", "@1600000000", "+%F %T %Z %z"], env={"TZ": tz})
        assert r.stdout == want + "\n", tz
    r = sb.exec(["date", "-d", "2020-01-15 12:00", "+%F %T %Z"], env={"TZ": "CET-1CEST,M3.5.0,M10.5.0/3"})
    assert r.stdout == "2020-01-15 12:00:00 CET\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["ls", "--color=always"],
        ["ls", "--block-size=1M"],
        ["ls", "-Z"],
        ["stat", "-f", "."],
        ["date", "--debug"],
        ["du", "--files0-from=x"],
        ["tree", "-J"],
    ],
)
def test_refused_flags(sb: Sandbox, argv: list[str]) -> None:
    _, err, code = run(sb, *argv)
    assert code == 2
    assert "unrecognized option" in err and "not supported by wasmsand" in err
