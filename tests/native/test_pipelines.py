"""Streaming pipelines: processes suspend on full or empty pipes and the
scheduler runs the others, so data flows with bounded buffers."""

from __future__ import annotations

import resource
import time

import pytest

from wasmsand import Sandbox
from wasmsand.vfs.pipe import PIPE_CAPACITY, Pipe


def test_three_stage_pipeline(sb: Sandbox) -> None:
    r = sb.exec([["seq", "1", "1000"], ["head", "-n", "500"], ["wc", "-l"]])
    assert r.stdout == "500\n"
    assert r.pipestatus == [141, 0, 0] or r.pipestatus == [0, 0, 0]


def test_yes_head_ends_at_once(sb: Sandbox) -> None:
    start = time.monotonic()
    r = sb.exec([["yes"], ["head", "-n", "1"]])
    assert time.monotonic() - start < 1.0
    assert r.stdout == "y\n"
    assert r.pipestatus == [141, 0]  # yes died of SIGPIPE, as in bash


def test_huge_seq_into_head_is_fast(sb: Sandbox) -> None:
    start = time.monotonic()
    r = sb.exec([["seq", "1", "100000000"], ["head", "-n", "3"]])
    assert time.monotonic() - start < 2.0
    assert r.stdout == "1\n2\n3\n"


@pytest.fixture
def pipe_peak(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Records the largest number of bytes any pipe ever held."""
    peak = [0]
    write = Pipe.write

    def recording(self: Pipe, data: bytes) -> int | None:
        n = write(self, data)
        peak[0] = max(peak[0], len(self.buffer))
        return n

    monkeypatch.setattr(Pipe, "write", recording)
    return peak


def test_one_gib_through_cat_in_bounded_memory(sb: Sandbox, pipe_peak: list[int]) -> None:
    """1 GiB flows through three processes; the pipes never hold more than
    their 64 KiB, so the host's memory does not grow with the stream."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    r = sb.exec([["head", "-c", str(1 << 30), "/dev/zero"], ["cat"], ["wc", "-c"]], timeout=120)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert r.stdout == f"{1 << 30}\n"
    assert r.pipestatus == [0, 0, 0]
    assert 0 < pipe_peak[0] <= PIPE_CAPACITY
    assert (after - before) * 1024 < 128 * 1024 * 1024  # ru_maxrss is in KiB


def test_reader_gone_kills_writer_with_sigpipe(sb: Sandbox) -> None:
    r = sb.exec([["seq", "1", "1000000"], ["true"]])
    assert r.pipestatus == [141, 0]


def test_writer_gone_gives_reader_eof(sb: Sandbox) -> None:
    r = sb.exec([["true"], ["wc", "-c"]])
    assert r.stdout == "0\n"
    assert r.pipestatus == [0, 0]


def test_long_pipeline(sb: Sandbox) -> None:
    stages = [["seq", "1", "20000"]] + [["cat"]] * 12 + [["wc", "-l"]]
    r = sb.exec(stages)
    assert r.stdout == "20000\n"
    assert r.pipestatus == [0] * 14


def test_stdin_feeds_the_first_stage(sb: Sandbox) -> None:
    data = "".join(f"line {i}\n" for i in range(100000))
    r = sb.exec([["cat"], ["wc", "-l"]], stdin=data)
    assert r.stdout == "100000\n"
