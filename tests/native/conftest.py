"""Shared fixtures: a fresh sandbox per test, and the WASI test programs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from wasmsand import Sandbox

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = ROOT / "build" / "testprogs"


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


def install_program(sandbox: Sandbox, file_name: str, command: str) -> None:
    """Copies a built test program into /usr/local/bin as ``command``."""
    path = PROGRAMS / file_name
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make testprogs`")
    sandbox.files.write(f"/usr/local/bin/{command}", path.read_bytes(), mode=0o755)
