"""The file utilities (cp, mv, rm, ln, mkdir, rmdir, install, truncate,
mktemp, ...) beyond what the differential case files can show.

Case lines can only print; these tests also compare what a command left
behind: after the same command line on the host (GNU) and in the sandbox,
the whole work folder — names, types, permission bits, contents, link
targets and hard-link groups — must be the same. mktemp's random names
are checked for their shape and effects.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from wasmsand import Sandbox
from wasmsand.vfs import Directory, RegularFile, Symlink

from .difftest import WORKDIR, prepare, run_host, run_sandbox

# Each line runs on both sides; then the trees are compared. Where GNU
# walks a directory in inode order (cp) or readdir order (rm), results
# depend on ext4's inode allocation when a directory holds several
# entries whose order matters; such cases are avoided.
TREE_CASES = [
    # mkdir: modes from -m, parents' modes, umask
    "mkdir d",
    "mkdir -m 700 d",
    "mkdir -m 7777 d",
    "mkdir -m 1777 d",
    "mkdir -m a=rwx d",
    "mkdir -m +w d",
    "mkdir -m u=rwx,g=,o= d",
    "mkdir -m g+s d",
    "mkdir -m u+X,o-r d",
    "mkdir -m go=u d",
    "mkdir -m =r d",
    "mkdir -m =750 d",
    "mkdir -pm 700 p/q/r",
    "mkdir -p p/q/r p/s",
    "mkdir -p a/../b/./c",
    # rmdir
    "mkdir -p a/b/c && rmdir -p a/b/c",
    "mkdir -p a/b/c && cat empty > a/f && rmdir -p --ignore-fail-on-non-empty a/b/c",
    # ln
    "ln a.txt h && ln -s a.txt s && ln -s dir ds",
    "ln -sr a.txt dir/r && ln -s ../a.txt dir/u",
    "ln a.txt h && ln -f b.txt h",
    "ln -s a.txt s && ln -L s hl && ln -P s hp",
    # rm
    "mkdir -p d/e && cat a.txt > d/e/f && rm -r d",
    "mkdir -p d/s && cat a.txt > d/s/f && mkdir -m 500 d/r && rm -r d",
    "mkdir -p d/s && cat a.txt > d/s/f && rm -ri d < answers/yny",
    "mkdir -m 555 d && rm -r d",
    "rm -rf dir a.txt missing",
    # cp: modes of new and existing files and directories
    "mkdir -m 750 s && cat a.txt > s/f && cp -r s t",
    "mkdir -m 750 s && cat a.txt > s/f && cp -a s t",
    "mkdir -m 500 s && cp -r s t",
    "mkdir -m 700 s && cp -rp s t",
    "mkdir s && cp -r s s",
    "mkdir -p s/t && cp -r s s/t",
    "mkdir -m 711 s && mkdir t && cp -r s t",
    "mkdir -m 711 s && mkdir -p t/s && cp -r s t",
    "mkdir -m 711 s && mkdir -p t/s && cp -rp s t",
    "cp -l a.txt h && cp -s a.txt s && cp -d h d",
    "mkdir d && ln a.txt d/h1 && ln a.txt d/h2 && cp -a d d2 && cp -r d d3",
    "mkdir -p a/b && cat a.txt > a/b/f && mkdir t && cp --parents a/b/f t",
    "mkdir -m 700 -p a/b && cat a.txt > a/b/f && mkdir t && cp --parents -p a/b/f t",
    "ln -s a.txt l && cp -a l l2 && cp -L l l3 && cp l l4",
    "cp --attributes-only a.txt new",
    "cp -f b.txt nonl",
]


def _sandbox_tree(sb: Sandbox) -> dict[str, tuple[object, ...]]:
    fs = sb.fs
    root = fs.resolve(WORKDIR, fs.root)
    out: dict[str, tuple[object, ...]] = {}
    groups: dict[int, list[str]] = {}

    def walk(d: Directory, prefix: str) -> None:
        for name in sorted(d.entries):
            node = d.entries[name]
            rel = prefix + name
            if isinstance(node, Symlink):
                out[rel] = ("l", node.target)
            elif isinstance(node, Directory):
                out[rel] = ("d", node.mode & 0o7777)
                walk(node, rel + "/")
            elif isinstance(node, RegularFile):
                out[rel] = ("f", node.mode & 0o7777, bytes(node.data))
                groups.setdefault(node.ino, []).append(rel)
            else:
                out[rel] = ("?",)

    walk(root, "")
    return _with_links(out, groups)


def _host_tree(top: Path) -> dict[str, tuple[object, ...]]:
    out: dict[str, tuple[object, ...]] = {}
    groups: dict[int, list[str]] = {}

    def walk(d: Path, prefix: str) -> None:
        for name in sorted(os.listdir(d)):
            p = d / name
            rel = prefix + name
            st = p.lstat()
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("l", os.readlink(p))
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ("d", st.st_mode & 0o7777)
                walk(p, rel + "/")
            elif stat.S_ISREG(st.st_mode):
                out[rel] = ("f", st.st_mode & 0o7777, p.read_bytes())
                groups.setdefault(st.st_ino, []).append(rel)
            else:
                out[rel] = ("?",)

    walk(top, "")
    return _with_links(out, groups)


def _with_links(tree: dict[str, tuple[object, ...]], groups: dict[int, list[str]]) -> dict[str, tuple[object, ...]]:
    """Adds to each regular file the names it shares its inode with."""
    for names in groups.values():
        for n in names:
            tree[n] = (*tree[n], tuple(sorted(names)))
    return tree


@pytest.fixture(scope="module")
def sandbox():  # type: ignore[no-untyped-def]
    with Sandbox() as sb:
        yield sb


@pytest.fixture(scope="module")
def host_base():  # type: ignore[no-untyped-def]
    base = Path(tempfile.mkdtemp(prefix="wasmsand-files-b-"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


def _restore(top: Path) -> None:
    """Makes what a case left readable and writable again, so it can be
    removed (as root the host could anyway; this keeps it tidy)."""
    for dirpath, dirnames, _ in os.walk(top):
        for d in dirnames:
            p = Path(dirpath) / d
            if not p.is_symlink():
                p.chmod(0o755)


@pytest.mark.parametrize("command", TREE_CASES)
def test_tree_matches_host(sandbox: Sandbox, host_base: Path, command: str) -> None:
    host_dir = host_base / "work"
    if host_dir.exists():
        _restore(host_dir)
    prepare(sandbox, host_dir)
    want = run_host(command, host_dir)
    got = run_sandbox(sandbox, command)
    assert got == want
    assert _sandbox_tree(sandbox) == _host_tree(host_dir)


# -- mktemp: random names -------------------------------------------------


def _run(sb: Sandbox, argv: list[str]):  # type: ignore[no-untyped-def]
    return sb.exec([argv], cwd=WORKDIR)


def _fresh(sb: Sandbox) -> None:
    if sb.files.exists(WORKDIR):
        sb.files.remove(WORKDIR)
    sb.files.mkdir(WORKDIR)


def _inode(sb: Sandbox, path: str):  # type: ignore[no-untyped-def]
    fs = sb.fs
    return fs.resolve(path, fs.resolve(WORKDIR, fs.root), follow=False)


@pytest.mark.parametrize(
    ("argv", "pattern", "kind", "mode"),
    [
        (["mktemp"], r"/tmp/tmp\.[A-Za-z0-9]{10}", RegularFile, 0o600),
        (["mktemp", "-d"], r"/tmp/tmp\.[A-Za-z0-9]{10}", Directory, 0o700),
        (["mktemp", "fooXXXX"], r"foo[A-Za-z0-9]{4}", RegularFile, 0o600),
        (["mktemp", "fooXXXXbar"], r"foo[A-Za-z0-9]{4}bar", RegularFile, 0o600),
        (["mktemp", "--suffix=.txt", "aXXX"], r"a[A-Za-z0-9]{3}\.txt", RegularFile, 0o600),
        (["mktemp", "-d", "-p", "dir", "dXXXXX"], r"dir/d[A-Za-z0-9]{5}", Directory, 0o700),
        (["mktemp", "-t", "tXXX"], r"/tmp/t[A-Za-z0-9]{3}", RegularFile, 0o600),
        (["mktemp", "--tmpdir=dir", "XXX"], r"dir/[A-Za-z0-9]{3}", RegularFile, 0o600),
        (["mktemp", "-u", "uXXXXXX"], r"u[A-Za-z0-9]{6}", None, None),
        (["mktemp", "X.XXX"], r"X\.[A-Za-z0-9]{3}", RegularFile, 0o600),
    ],
)
def test_mktemp_names(sandbox: Sandbox, argv: list[str], pattern: str, kind: type | None, mode: int | None) -> None:
    _fresh(sandbox)
    sandbox.files.mkdir(f"{WORKDIR}/dir")
    r = _run(sandbox, argv)
    assert r.exit_code == 0, r.stderr
    assert r.stderr == ""
    name = r.stdout.rstrip("\n")
    assert re.fullmatch(pattern, name), name
    if kind is None:
        if "-u" in argv:
            assert not sandbox.files.exists(name if name.startswith("/") else f"{WORKDIR}/{name}")
        return
    node = _inode(sandbox, name)
    assert isinstance(node, kind)
    assert node.mode & 0o7777 == mode


def test_mktemp_names_differ(sandbox: Sandbox) -> None:
    _fresh(sandbox)
    names = {_run(sandbox, ["mktemp", "-u", "XXXXXXXX"]).stdout for _ in range(5)}
    assert len(names) == 5


def test_mktemp_never_reuses_a_name(sandbox: Sandbox) -> None:
    """With three X's there are 62**3 names; taking many in a row must
    never return one that exists."""
    _fresh(sandbox)
    seen = set()
    for _ in range(30):
        r = _run(sandbox, ["mktemp", "XXX"])
        assert r.exit_code == 0
        seen.add(r.stdout)
    assert len(seen) == 30


def test_mktemp_umask(sandbox: Sandbox) -> None:
    """Files are u+rw and directories u+rwx, minus the umask."""
    _fresh(sandbox)
    r = sandbox.exec([["mktemp", "-d", "dXXX"]], cwd=WORKDIR)
    assert _inode(sandbox, r.stdout.strip()).mode & 0o777 == 0o700


# -- options refused as unsupported ------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["cp", "-b", "a", "b"],
        ["cp", "--backup=numbered", "a", "b"],
        ["cp", "-S", "~", "a", "b"],
        ["mv", "-b", "a", "b"],
        ["mv", "--suffix=x", "a", "b"],
        ["ln", "-b", "a", "b"],
        ["ln", "--backup", "a", "b"],
        ["install", "-b", "a", "b"],
        ["install", "-s", "a", "b"],
        ["install", "-o", "root", "a", "b"],
        ["install", "-g", "root", "a", "b"],
    ],
)
def test_unsupported_options(sandbox: Sandbox, argv: list[str]) -> None:
    _fresh(sandbox)
    sandbox.files.write(f"{WORKDIR}/a", "x\n")
    r = _run(sandbox, argv)
    assert r.exit_code == 2
    assert "unrecognized option" in r.stderr
    assert "not supported by wasmsand" in r.stderr
    assert not sandbox.files.exists(f"{WORKDIR}/b")
