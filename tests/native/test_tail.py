"""tail where a differential case cannot show the point: bounded memory on
a long pipe, streaming of the +K forms, and the refused follow flags."""

from __future__ import annotations

import time

import pytest

from wasmsand import Limits, Sandbox

# Far less than the stream: a tail that held its input would run out.
SMALL = Limits(memory_bytes=16 * 1024 * 1024, timeout=300)


def test_last_lines_of_a_1gib_pipe_in_bounded_memory() -> None:
    with Sandbox(limits=SMALL) as sb:
        r = sb.exec([["yes"], ["head", "-c", "1G"], ["tail", "-n", "2"]], timeout=300)
    assert (r.exit_code, r.stdout, r.stderr) == (0, "y\ny\n", "")


@pytest.mark.parametrize(
    ("argv", "want"),
    [
        (["tail", "-c", "5"], "y\ny\ny\n"[-5:]),
        (["tail", "-n", "+33554430"], "y\ny\ny\n"),
        (["tail", "-c", "+67108859"], "y\ny\ny\n"),
    ],
    ids=["last-bytes", "from-line", "from-byte"],
)
def test_pipe_forms_stream_in_bounded_memory(argv: list[str], want: str) -> None:
    # 64 MiB of "y\n": 33554432 lines, 67108864 bytes.
    with Sandbox(limits=SMALL) as sb:
        r = sb.exec([["yes"], ["head", "-c", "64M"], argv], timeout=300)
    assert (r.exit_code, r.stdout, r.stderr) == (0, want, "")


def test_from_start_ends_with_its_reader(sb: Sandbox) -> None:
    start = time.monotonic()
    r = sb.exec([["yes"], ["tail", "-n", "+2"], ["head", "-n", "1"]], timeout=30)
    assert time.monotonic() - start < 10
    assert r.stdout == "y\n"


def test_regular_file_is_read_from_its_end(sb: Sandbox) -> None:
    sb.files.write("/tmp/big", b"x" * (8 * 1024 * 1024) + b"\nlast\n")
    r = sb.exec([["tail", "-n", "1", "/tmp/big"]])
    assert (r.exit_code, r.stdout) == (0, "last\n")
    r = sb.exec([["tail", "-c", "3", "/tmp/big"]])
    assert r.stdout == "st\n"


FOLLOW = [
    (["-f", "a"], "--follow"),
    (["--follow", "a"], "--follow"),
    (["--follow=name", "a"], "--follow"),
    (["-F", "a"], "-F"),
    (["--pid=1", "a"], "--pid"),
    (["--retry", "a"], "--retry"),
    (["-s", "1", "a"], "--sleep-interval"),
    (["--sleep-interval=2", "a"], "--sleep-interval"),
    (["--max-unchanged-stats=3", "a"], "--max-unchanged-stats"),
    (["-5f", "a"], "--follow"),
    (["-n", "2", "-f", "a"], "--follow"),
]


@pytest.mark.parametrize(("args", "flag"), FOLLOW, ids=[" ".join(a) for a, _ in FOLLOW])
def test_follow_flags_are_refused(sb: Sandbox, args: list[str], flag: str) -> None:
    sb.files.write("/tmp/a", "one\ntwo\n")
    r = sb.exec([["tail", *args]], cwd="/tmp")
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr == (
        f"tail: unrecognized option '{flag}'\n"
        "tail: this option is not supported by wasmsand\n"
        "tail: following files is not supported in the sandbox: tail reads each file once\n"
    )
