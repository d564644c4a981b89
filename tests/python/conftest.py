# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fixtures of the binding's tests (boards.py has the helpers)."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from boards import PART, PtyBoard, SimPort, hello_path


@pytest.fixture(autouse=True)
def backups_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the library's backups (XDG_DATA_HOME/stubflash/backups) out of the user's home."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data" / "stubflash" / "backups"


@pytest.fixture(scope="session")
def hello() -> bytes:
    """The bytes of tests/firmware/hello-flash.bin."""
    return hello_path().read_bytes()


@pytest.fixture
def sim(tmp_path: Path) -> SimPort:
    """sim:stm32f103re?flash=FILE, a fresh board whose flash is kept in FILE."""
    f = tmp_path / "sim-flash.bin"
    return SimPort(f"sim:{PART}?flash={f}", f)


@pytest.fixture
def pty_board(tmp_path: Path) -> Iterator[PtyBoard]:
    """A virtual board on a pseudo-terminal (stopped afterwards)."""
    b = PtyBoard(tmp_path)
    try:
        yield b
    finally:
        b.stop()
