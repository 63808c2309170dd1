"""Archive and compression applets (gzip, gunzip, zcat, tar, zip, unzip):
round trips between the sandbox and the host's GNU gzip, GNU tar and
Info-ZIP zip/unzip, which differential cases cannot show (our deflate
output is not byte-identical to GNU's, so archives made in the sandbox are
checked by the host's tools and the other way round).

`python3 tests/native/test_archives.py` regenerates the host-made archives
in tests/cases/fixtures/arc (needs GNU tar, gzip, zip).
"""

from __future__ import annotations

import gzip as pygzip
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
import zipfile
from pathlib import Path

import pytest

from wasmsand import Sandbox

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


if __name__ == "__main__":
    make_fixtures()
