"""Archive and compression applets (gzip, gunzip, zcat, tar, zip, unzip):
round trips between the sandbox and the host's GNU gzip, GNU tar and
Info-ZIP zip/unzip, which differential cases cannot show (our deflate
output is not byte-identical to GNU's, so archives made in the sandbox are
checked by the host's tools and the other way round).

`python3 tests/native/test_archives.py` regenerates the host-made archives
in tests/cases/fixtures/arc (needs GNU tar, gzip, zip).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from wasmsand import Sandbox
from wasmsand.limits import Limits

ARC = Path(__file__).resolve().parent.parent / "cases" / "fixtures" / "arc"
HOME = "/home/user"
STAMP = "2020-01-02 03:04:05"


def _sh(cmd: str, cwd: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "TZ": "UTC", "LC_ALL": "C.UTF-8"}
    subprocess.run(["bash", "-c", cmd], cwd=cwd, env=env, check=True)


def make_fixtures() -> None:
    """The host-made archives the differential cases read: fixed contents,
    names and times, so they are the same on every machine."""
    ARC.mkdir(parents=True, exist_ok=True)
    for old in ARC.iterdir():
        old.unlink()
    tmp = Path(tempfile.mkdtemp())
    try:
        src = tmp / "src"
        src.mkdir()
        (src / "hello").write_bytes(b"hello\n")
        (src / "long.txt").write_bytes(b"".join(b"line %d of a long text\n" % i for i in range(1, 4001)))
        tree = src / "tree"
        (tree / "sub" / "deep").mkdir(parents=True)
        (tree / "a.txt").write_bytes(b"alpha\n")
        (tree / "b.txt").write_bytes(b"bravo\nbravo\n")
        (tree / "exec.sh").write_bytes(b"#!/bin/sh\necho hi\n")
        (tree / "exec.sh").chmod(0o755)
        (tree / "sub" / "c.txt").write_bytes(b"charlie\n")
        (tree / "sub" / "deep" / "d.txt").write_bytes(b"delta\n" * 100)
        (tree / "empty").write_bytes(b"")
        os.symlink("a.txt", tree / "link")
        os.link(tree / "b.txt", tree / "hard")
        longdir = tree / ("long-directory-name-" * 4)
        longdir.mkdir()
        (longdir / ("long-file-name-" * 5 + ".txt")).write_bytes(b"long name\n")
        os.symlink("../" + "x" * 120, tree / "sub" / "longlink")
        _sh(f"touch -h -d '{STAMP}' $(find . -depth)", src)
        # gzip
        _sh("gzip -c hello > ../hello.gz; gzip -nc hello > ../noname.gz", src)
        _sh("gzip -c long.txt > ../long.txt.gz", src)
        _sh("cat ../hello.gz ../noname.gz > ../multi.gz", src)
        _sh("(cat ../hello.gz; echo garbage) > ../garbage.gz", src)
        _sh("(cat ../hello.gz; printf '\\0\\0\\0\\0') > ../zeros.gz", src)
        _sh("head -c 20 ../hello.gz > ../trunc.gz; head -c 20000 ../long.txt.gz > ../bigtrunc.gz", src)
        data = bytearray((tmp / "hello.gz").read_bytes())
        data[-8] ^= 1
        (tmp / "crc.gz").write_bytes(bytes(data))
        data = bytearray((tmp / "hello.gz").read_bytes())
        data[-4] ^= 1
        (tmp / "len.gz").write_bytes(bytes(data))
        (tmp / "notgz.gz").write_bytes(b"plain text\n")
        # tar
        opts = "--owner=alice:1001 --group=staff:50 --sort=name"
        _sh(f"tar cf ../tree.tar {opts} tree", src)
        _sh(f"tar czf ../tree.tgz {opts} tree", src)
        _sh(f"tar cf ../pax.tar --format=pax {opts} tree", src)
        _sh(f"tar cf ../gnu.tar --format=gnu {opts} tree", src)
        _sh(f"tar cf ../ustar.tar --format=ustar {opts} tree/a.txt tree/sub/c.txt tree/sub/deep", src)
        _sh(f"tar cf ../v7.tar --format=v7 {opts} tree/a.txt tree/sub/c.txt", src)
        _sh(f"tar cf ../abs.tar -P {opts} /dev/null hello", src)
        # zip (stored, deflated, directories)
        _sh("zip -qX -r ../tree.zip tree/a.txt tree/sub tree/exec.sh", src)
        _sh("zip -qX ../long.zip long.txt hello", src)
        for name in os.listdir(tmp):
            if os.path.isfile(tmp / name):
                shutil.copy(tmp / name, ARC / name)
        _sh(f"touch -d '{STAMP}' *", ARC)
    finally:
        shutil.rmtree(tmp)


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        sandbox.files.mkdir(f"{HOME}/w")
        yield sandbox


@pytest.fixture
def host(tmp_path: Path) -> Path:
    return tmp_path


def run(sb: Sandbox, command: str, ok: bool = True) -> Any:
    r = sb.commands.run(command, cwd=f"{HOME}/w", env={"TZ": "UTC"}, timeout=300)
    if ok:
        assert r.exit_code == 0, (command, r.stdout, r.stderr)
    return r


def host_run(command: str, cwd: Path, ok: bool = True) -> subprocess.CompletedProcess[bytes]:
    env = {"PATH": "/usr/bin:/bin", "TZ": "UTC", "LC_ALL": "C.UTF-8"}
    p = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True)
    if ok:
        assert p.returncode == 0, (command, p.stdout, p.stderr)
    return p


def put(sb: Sandbox, name: str, data: bytes) -> None:
    sb.files.write(f"{HOME}/w/{name}", data)


def get(sb: Sandbox, name: str) -> bytes:
    data = sb.files.read(f"{HOME}/w/{name}", format="bytes")
    assert isinstance(data, bytes)
    return data


def random_bytes(n: int, seed: int = 1) -> bytes:
    rnd = random.Random(seed)
    return bytes(rnd.getrandbits(8) for _ in range(n))


def texty(n: int) -> bytes:
    rnd = random.Random(2)
    words = [b"alpha", b"beta", b"gamma", b"delta", b"\n", b"tar", b"zip", b"  "]
    out = bytearray()
    while len(out) < n:
        out += rnd.choice(words) + b" "
    return bytes(out[:n])


LONG_DIR = "d" * 60 + "/" + "e" * 60
LONG_TARGET = "../" + "t" * 110


def make_tree(sb: Sandbox) -> None:
    """The same small tree every archive test uses: modes, an empty file,
    a long path, UTF-8, a symlink with a long target, a hard link."""
    put(sb, "tree/a.txt", b"alpha\n")
    put(sb, "tree/bin.dat", random_bytes(70000))
    put(sb, "tree/text.txt", texty(50000))
    put(sb, "tree/empty", b"")
    put(sb, "tree/run.sh", b"#!/bin/sh\necho hi\n")
    put(sb, f"tree/{LONG_DIR}/deep.txt", b"deep\n")
    put(sb, "tree/caf\u00e9.txt", b"utf8\n")
    sb.fs.symlink("a.txt", f"{HOME}/w/tree/link", sb.fs.root)
    sb.fs.symlink(LONG_TARGET, f"{HOME}/w/tree/longlink", sb.fs.root)
    sb.fs.link(f"{HOME}/w/tree/a.txt", sb.fs.root, f"{HOME}/w/tree/hard", sb.fs.root)
    run(sb, "chmod 755 tree/run.sh && chmod 700 tree/" + LONG_DIR.split("/")[0])
    run(sb, f"touch -h -d '{STAMP}' tree tree/* tree/{LONG_DIR} tree/{LONG_DIR}/deep.txt tree/{LONG_DIR.split('/')[0]}")


def host_tree(root: Path) -> dict[str, tuple[str, int, int, bytes]]:
    """path -> (kind, mode, mtime, contents or link target), for comparing
    what was extracted."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        st = p.lstat()
        if p.is_symlink():
            out[rel] = ("l", 0, int(st.st_mtime), os.readlink(p).encode())
        elif p.is_dir():
            out[rel] = ("d", st.st_mode & 0o777, int(st.st_mtime), b"")
        else:
            out[rel] = ("f", st.st_mode & 0o777, int(st.st_mtime), p.read_bytes())
    return out


def sandbox_tree(sb: Sandbox, top: str) -> dict[str, tuple[str, int, int, bytes]]:
    """The same view of a sandbox directory, through our own stat."""
    r = run(sb, f"ls -R {top} > /dev/null && cd {top} && stat -c '%F|%a|%Y|%n' $(ls -A) 2>&1", ok=False)
    del r
    out = {}

    def walk(rel: str) -> None:
        here = f"{HOME}/w/{top}" + (f"/{rel}" if rel else "")
        for e in sorted(sb.files.list(here), key=lambda e: e.name):
            sub = f"{rel}/{e.name}" if rel else e.name
            st = run(sb, f"stat -c '%F|%a|%Y' '{top}/{sub}'").stdout.strip().split("|")
            kind = {"directory": "d", "symbolic link": "l"}.get(st[0], "f")
            if kind == "l":
                target = run(sb, f"stat -c '%N' '{top}/{sub}'").stdout.strip().split(" -> ", 1)[1].strip("'")
                out[sub] = ("l", 0, int(st[2]), target.encode())
            elif kind == "d":
                out[sub] = ("d", int(st[1], 8), int(st[2]), b"")
                walk(sub)
            else:
                out[sub] = ("f", int(st[1], 8), int(st[2]), get(sb, f"{top}/{sub}"))

    walk("")
    return out


def same_trees(a: dict[str, tuple[str, int, int, bytes]], b: dict[str, tuple[str, int, int, bytes]]) -> None:
    assert sorted(a) == sorted(b)
    for k in a:
        ka, kb = a[k], b[k]
        assert ka[0] == kb[0], k
        assert ka[3] == kb[3], k
        if ka[0] != "l":
            assert ka[1] == kb[1], (k, oct(ka[1]), oct(kb[1]))
        if ka[0] == "f":
            assert ka[2] == kb[2], k


# ---------------------------------------------------------------------------
# gzip
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("flags", ["", "-1", "-9", "-n", "--best -n"])
def test_gzip_made_here_reads_on_host(sb: Sandbox, host: Path, flags: str) -> None:
    data = texty(300000) + random_bytes(40000)
    put(sb, "data.bin", data)
    run(sb, f"touch -d '{STAMP}' data.bin && gzip {flags} data.bin")
    (host / "data.bin.gz").write_bytes(get(sb, "data.bin.gz"))
    host_run("gzip -t data.bin.gz", host)
    assert host_run("gzip -dc data.bin.gz", host).stdout == data
    listing = host_run("gzip -lvN data.bin.gz", host).stdout.decode().splitlines()[1]
    if "-n" in flags:
        assert listing.endswith(" data.bin")  # no stored name: from the file's
    else:
        assert "Jan  2 03:04" in listing and listing.endswith(" data.bin")
    # Our own -l says what the host's says.
    ours = run(sb, "gzip -lv data.bin.gz").stdout
    theirs = host_run("touch -d '" + STAMP + "' data.bin.gz; gzip -lv data.bin.gz", host).stdout.decode()
    assert ours.splitlines()[1].split()[3:] == theirs.splitlines()[1].split()[3:]


@pytest.mark.parametrize("level", [1, 6, 9])
def test_host_gzip_reads_here(sb: Sandbox, host: Path, level: int) -> None:
    data = random_bytes(50000) + texty(200000)
    (host / "d").write_bytes(data)
    host_run(f"gzip -{level} d", host)
    put(sb, "d.gz", (host / "d.gz").read_bytes())
    r = run(sb, "gzip -tv d.gz && gunzip d.gz")
    assert r.stderr == "d.gz:\t OK\n"
    assert get(sb, "d") == data


@pytest.mark.parametrize("size", [0, 1, 32767, 32768, 32769, 65536, 200001])
def test_gzip_round_trip_sizes(sb: Sandbox, size: int) -> None:
    data = random_bytes(size, seed=size)
    put(sb, "f", data)
    r = sb.commands.run("gzip -c f | gzip -dc", cwd=f"{HOME}/w")
    assert r.stdout_bytes == data


def test_gzip_verbose_ratio_matches_its_own_sizes(sb: Sandbox) -> None:
    """GNU's ratio is 1 - deflate bytes / input bytes; check ours is the
    same computation on our own output."""
    put(sb, "t.txt", texty(100000))
    r = run(sb, "gzip -v t.txt")
    ratio = float(r.stderr.split("\t")[1].split("%")[0])
    size = len(get(sb, "t.txt.gz"))
    deflate = size - (10 + len("t.txt") + 1) - 8
    assert ratio == pytest.approx(round(100 * (1 - deflate / 100000), 1))
    lst = run(sb, "gzip -l t.txt.gz").stdout.splitlines()[1].split()
    assert lst[:2] == [str(size), "100000"]


def test_gzip_streams_200_mb_in_bounded_memory() -> None:
    """200 MB through gzip and gunzip in a 64 MiB process."""
    with Sandbox(limits=Limits(memory_bytes=64 * 1024 * 1024)) as sb:
        r = sb.commands.run("head -c 200000000 /dev/zero | gzip | gzip -d | wc -c", timeout=300)
        assert r.stdout == "200000000\n", r.stderr
        assert r.exit_code == 0


def test_zcat_of_a_tar_gz_made_by_host(sb: Sandbox) -> None:
    put(sb, "t.tgz", (ARC / "tree.tgz").read_bytes())
    r = sb.commands.run("zcat t.tgz | tar tf - | wc -l", cwd=f"{HOME}/w")
    assert r.stdout == "14\n"


# ---------------------------------------------------------------------------
# tar
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["gnu", "pax", "ustar"])
def test_tar_made_here_extracts_on_host(sb: Sandbox, host: Path, fmt: str) -> None:
    make_tree(sb)
    r = run(sb, f"tar czf t.tgz --format={fmt} tree", ok=False)
    if fmt == "ustar":
        # The long symlink target does not fit: GNU's complaint, and status 2.
        assert r.exit_code == 2 and "link name is too long; not dumped" in r.stderr
    else:
        assert r.exit_code == 0, r.stderr
    (host / "t.tgz").write_bytes(get(sb, "t.tgz"))
    (host / "x").mkdir()
    host_run("tar xzf ../t.tgz --no-same-owner", host / "x")
    theirs = host_tree(host / "x")
    ours = sandbox_tree(sb, "tree")
    ours = {f"tree/{k}": v for k, v in ours.items()}
    ours["tree"] = theirs["tree"]
    if fmt == "ustar":
        # Written cut to 100 bytes, as GNU does.
        ours["tree/longlink"] = ("l", 0, 0, LONG_TARGET[:100].encode())
    same_trees(ours, theirs)
    # Hard links stay hard links.
    assert (host / "x/tree/hard").stat().st_ino == (host / "x/tree/a.txt").stat().st_ino
    # Both list the archive alike.
    mine = run(sb, "tar tvzf t.tgz --numeric-owner").stdout
    assert mine == host_run("tar tvzf t.tgz --numeric-owner", host).stdout.decode()


@pytest.mark.parametrize("fmt", ["gnu", "pax", "ustar", "v7"])
def test_host_tar_extracts_here(sb: Sandbox, host: Path, fmt: str) -> None:
    src = host / "src"
    (src / "tree" / "sub").mkdir(parents=True)
    (src / "tree" / "a.txt").write_bytes(b"alpha\n")
    (src / "tree" / "bin").write_bytes(random_bytes(30000))
    (src / "tree" / "x.sh").write_bytes(b"#!/bin/sh\n")
    (src / "tree" / "x.sh").chmod(0o755)
    (src / "tree" / "sub" / ("n" * 120 if fmt in ("gnu", "pax") else "n" * 90)).write_bytes(b"long\n")
    if fmt != "v7":
        os.symlink("a.txt", src / "tree" / "link")
        os.link(src / "tree" / "a.txt", src / "tree" / "hard")
    host_run(f"touch -h -d '{STAMP}' $(find tree) && tar cf ../t.tar --format={fmt} tree", src)
    put(sb, "t.tar", (host / "t.tar").read_bytes())
    run(sb, "tar xf t.tar")
    theirs = host_tree(src / "tree")
    ours = sandbox_tree(sb, "tree")
    same_trees(ours, theirs)
    if fmt != "v7":
        # A hard link: changing one changes the other.
        run(sb, "echo changed > tree/hard")
        assert get(sb, "tree/a.txt") == b"changed\n"


def test_tar_bytes_match_gnu_for_a_whole_tree(sb: Sandbox, host: Path) -> None:
    """Same tree on both sides, same options: the same archive, byte for
    byte (GNU format, long names and link targets as ././@LongLink)."""
    make_tree(sb)
    run(sb, "tar cf t.tgz --sort=name --owner=root:0 --group=root:0 -z tree")
    run(sb, "tar cf t.tar --sort=name --owner=root:0 --group=root:0 tree")
    (host / "mine.tar").write_bytes(get(sb, "t.tar"))
    (host / "x").mkdir()
    host_run("tar xf ../mine.tar --no-same-owner", host / "x")
    # Extraction applied the umask to the stored modes: put them back.
    for p, mode in (("tree/run.sh", 0o755), (f"tree/{LONG_DIR.split('/')[0]}", 0o700)):
        (host / "x" / p).chmod(mode)
    host_run(f"touch -h -d '{STAMP}' tree tree/* tree/{LONG_DIR} tree/{LONG_DIR}/deep.txt", host / "x")
    theirs = host_run("tar cf - --sort=name --owner=root:0 --group=root:0 tree", host / "x").stdout
    assert get(sb, "t.tar") == theirs


def test_tar_gz_from_host_through_a_pipe(sb: Sandbox) -> None:
    put(sb, "t.tgz", (ARC / "tree.tgz").read_bytes())
    r = sb.commands.run("cat t.tgz | tar xzf - && cat tree/sub/c.txt", cwd=f"{HOME}/w")
    assert r.stdout == "charlie\n"


def test_tar_append_is_readable_by_host(sb: Sandbox, host: Path) -> None:
    put(sb, "a", b"a\n")
    put(sb, "b", b"b\n" * 5000)
    run(sb, "tar cf t.tar a && tar rf t.tar b && tar uf t.tar a b")
    (host / "t.tar").write_bytes(get(sb, "t.tar"))
    assert host_run("tar tf t.tar", host).stdout == b"a\nb\n"
    assert len(get(sb, "t.tar")) % 10240 == 0


# ---------------------------------------------------------------------------
# zip
# ---------------------------------------------------------------------------


def test_zip_made_here_reads_on_host(sb: Sandbox, host: Path) -> None:
    make_tree(sb)
    r = run(sb, "zip -ry t.zip tree")
    assert "  adding: tree/text.txt (deflated " in r.stdout
    assert "  adding: tree/bin.dat (stored 0%)" in r.stdout
    (host / "t.zip").write_bytes(get(sb, "t.zip"))
    test = host_run("unzip -t t.zip", host).stdout.decode()
    assert test.endswith("No errors detected in compressed data of t.zip.\n")
    (host / "x").mkdir()
    host_run("unzip -q ../t.zip", host / "x")
    theirs = host_tree(host / "x")
    ours = {f"tree/{k}": v for k, v in sandbox_tree(sb, "tree").items()}
    ours["tree"] = theirs["tree"]
    for k in list(ours):
        if ours[k][0] == "d":
            ours[k] = theirs[k]  # unzip does not restore directory times exactly
    same_trees(ours, theirs)
    # Our listing of our archive agrees with Info-ZIP's.
    assert run(sb, "unzip -v t.zip").stdout == host_run("unzip -v t.zip", host).stdout.decode()


def test_host_zip_extracts_here(sb: Sandbox, host: Path) -> None:
    src = host / "src"
    (src / "tree" / "sub").mkdir(parents=True)
    (src / "tree" / "a.txt").write_bytes(texty(40000))
    (src / "tree" / "bin").write_bytes(random_bytes(30000))
    (src / "tree" / "x.sh").write_bytes(b"#!/bin/sh\n")
    (src / "tree" / "x.sh").chmod(0o755)
    (src / "tree" / "sub" / "c").write_bytes(b"c\n")
    os.symlink("a.txt", src / "tree" / "link")
    host_run(f"touch -h -d '{STAMP}' $(find tree) && zip -qry ../t.zip tree", src)
    put(sb, "t.zip", (host / "t.zip").read_bytes())
    r = run(sb, "unzip t.zip")
    assert "finishing deferred symbolic links:\n  tree/link              -> a.txt\n" in r.stdout
    theirs = host_tree(src / "tree")
    ours = sandbox_tree(sb, "tree")
    for k in list(ours):
        if ours[k][0] == "d":
            ours[k] = theirs[k]
    same_trees(ours, theirs)
    assert run(sb, "unzip -l t.zip").stdout == host_run("unzip -l t.zip", host).stdout.decode()


def test_zip_update_and_delete_keep_the_rest(sb: Sandbox, host: Path) -> None:
    put(sb, "a", b"first\n")
    put(sb, "b", texty(20000))
    put(sb, "c", b"c\n")
    run(sb, "touch -d 2020-01-01 a b c && zip -q t.zip a b c")
    put(sb, "a", b"second\n")
    r = run(sb, "zip -u t.zip a b c")
    assert r.stdout == "updating: a (stored 0%)\n"
    r = run(sb, "zip -d t.zip c")
    assert r.stdout == "deleting: c\n"
    (host / "t.zip").write_bytes(get(sb, "t.zip"))
    assert host_run("unzip -p t.zip a", host).stdout == b"second\n"
    assert host_run("unzip -p t.zip b", host).stdout == texty(20000)
    assert host_run("unzip -Z1 t.zip", host).stdout == b"a\nb\n"


# ---------------------------------------------------------------------------
# damaged input
# ---------------------------------------------------------------------------


def _damaged(data: bytes, rnd: random.Random) -> bytes:
    b = bytearray(data)
    kind = rnd.randrange(4)
    if kind == 0 and b:
        for _ in range(rnd.randint(1, 8)):
            b[rnd.randrange(len(b))] ^= 1 << rnd.randrange(8)
    elif kind == 1:
        del b[rnd.randrange(len(b) + 1) :]
    elif kind == 2:
        at = rnd.randrange(len(b) + 1)
        b[at:at] = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 600)))
    else:
        at = rnd.randrange(len(b) + 1)
        b[at : at + 4] = b"\xff\xff\xff\x7f"
    return bytes(b)


COMMANDS = {
    "gz": ["gzip -dc f", "gzip -l f", "gzip -tv f", "tar tzvf f", "gzip -dcf f"],
    "tar": ["tar tvf f", "tar xf f -C out", "tar xOf f", "tar tf - < f"],
    "zip": ["unzip -l f", "unzip -v f", "unzip -t f", "unzip -o -q f -d out", "unzip -p f"],
}


@pytest.mark.parametrize(
    "fixture,kind",
    [
        ("hello.gz", "gz"),
        ("long.txt.gz", "gz"),
        ("tree.tgz", "gz"),
        ("tree.tar", "tar"),
        ("pax.tar", "tar"),
        ("tree.zip", "zip"),
        ("long.zip", "zip"),
    ],
)
def test_damaged_archives_never_crash(sb: Sandbox, fixture: str, kind: str) -> None:
    """Bit flips, truncations, insertions and absurd sizes: errors and
    statuses, never a trap (status 134) or a panic."""
    rnd = random.Random(fixture)
    data = (ARC / fixture).read_bytes()
    sb.files.mkdir(f"{HOME}/w/out")
    for i in range(25):
        put(sb, "f", _damaged(data, rnd))
        for cmd in COMMANDS[kind]:
            r = sb.commands.run(cmd + " > /dev/null", cwd=f"{HOME}/w", timeout=60)
            assert r.exit_code not in (134, 139), (i, cmd, r.stderr)
            assert "panicked" not in r.stderr, (i, cmd, r.stderr)


if __name__ == "__main__":
    make_fixtures()
