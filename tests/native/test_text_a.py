"""The text applets where a differential case cannot show the point:
streaming (the pipeline ends as soon as its reader does), random order
without a fixed source, large inputs, the environment, refused flags."""

from __future__ import annotations

import random
import time

import pytest

from wasmsand import Sandbox

# Applets that must stream: fed by an endless `yes`, they let `head -n 1`
# end the pipeline at once.
STREAMING = [
    ["tee"],
    ["cut", "-c", "1"],
    ["tr", "y", "n"],
    ["fold", "-w", "1"],
    ["expand"],
    ["unexpand", "-a"],
    ["paste", "-", "-"],
    ["nl"],
    ["uniq", "-c"],
    ["rev"],
    ["fmt"],
    ["comm", "-", "/dev/null"],
    ["join", "-a", "1", "-", "/dev/null"],
]


@pytest.mark.parametrize("argv", STREAMING, ids=[a[0] for a in STREAMING])
def test_streams(sb: Sandbox, argv: list[str]) -> None:
    start = time.monotonic()
    feed = ["seq", "1", "1000000000"] if argv[0] == "uniq" else ["yes"]
    r = sb.exec([feed, argv, ["head", "-n", "1"]], timeout=30)
    assert time.monotonic() - start < 10
    assert r.exit_code == 0
    assert r.stdout.count("\n") == 1


def test_uniq_count_streams_groups(sb: Sandbox) -> None:
    r = sb.exec([["seq", "1", "100000000"], ["uniq", "-c"], ["head", "-n", "2"]], timeout=30)
    assert r.stdout == "      1 1\n      1 2\n"


def test_random_sort_without_source_is_a_permutation(sb: Sandbox) -> None:
    lines = [f"{i % 50}" for i in range(500)]
    sb.files.write("/tmp/in", "\n".join(lines) + "\n")
    r = sb.exec([["sort", "-R", "/tmp/in"]])
    out = r.stdout.splitlines()
    assert r.exit_code == 0
    assert sorted(out) == sorted(lines)
    # Equal keys hash alike, so they come out together.
    runs = [k for i, k in enumerate(out) if i == 0 or out[i - 1] != k]
    assert len(runs) == 50


def test_random_sort_differs_between_runs(sb: Sandbox) -> None:
    sb.files.write("/tmp/in", "\n".join(str(i) for i in range(200)) + "\n")
    first = sb.exec([["sort", "-R", "/tmp/in"]]).stdout
    second = sb.exec([["sort", "-R", "/tmp/in"]]).stdout
    assert first != second


def test_sort_large_input(sb: Sandbox) -> None:
    rnd = random.Random(3)
    nums = [rnd.randint(-(10**9), 10**9) for _ in range(200_000)]
    sb.files.write("/tmp/nums", "".join(f"{n}\n" for n in nums))
    r = sb.exec([["sort", "-n", "/tmp/nums"]], timeout=120)
    assert r.exit_code == 0
    assert r.stdout == "".join(f"{n}\n" for n in sorted(nums))


def test_sort_unique_large_input(sb: Sandbox) -> None:
    words = [f"w{i % 1000:04d}" for i in range(100_000)]
    sb.files.write("/tmp/words", "\n".join(words) + "\n")
    r = sb.exec([["sort", "-u", "/tmp/words"], ["wc", "-l"]], timeout=120)
    assert r.stdout == "1000\n"


def test_tac_large_input(sb: Sandbox) -> None:
    r = sb.exec([["seq", "1", "200000"], ["tac"], ["head", "-n", "2"]], timeout=120)
    assert r.stdout == "200000\n199999\n"


def test_column_width_from_environment(sb: Sandbox) -> None:
    r = sb.exec([["seq", "1", "12"], ["column"]], env={"COLUMNS": "24"})
    assert r.stdout == "1\t5\t9\n2\t6\t10\n3\t7\t11\n4\t8\t12\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["tee", "-p"],
        ["tee", "--output-error=warn"],
        ["sort", "--debug"],
        ["column", "-t", "-W", "1"],
        ["column", "-t", "--tree", "1"],
    ],
)
def test_refused_flags(sb: Sandbox, argv: list[str]) -> None:
    r = sb.exec([argv])
    assert r.exit_code == 2
    assert "not supported by wasmsand" in r.stderr


def test_sort_output_may_be_an_input(sb: Sandbox) -> None:
    sb.files.write("/tmp/f", "c\nb\na\n")
    r = sb.exec([["sort", "-o", "/tmp/f", "/tmp/f"]])
    assert r.exit_code == 0
    assert sb.files.read("/tmp/f") == "a\nb\nc\n"
