# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the Python tests share: test firmware and virtual boards, in process (sim: ports) and
on a pseudo-terminal (build/sim/stubflash-sim).

Run by meson (suite 'python'), which sets PYTHONPATH, LD_LIBRARY_PATH, STUBFLASH_SIM and
HELLO_FLASH_BIN; by hand, from the source tree:
    PYTHONPATH=python LD_LIBRARY_PATH=build/libflash /usr/bin/python3 -m pytest tests/python
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("STUBFLASH_BUILD", ROOT / "build"))
FLASH_BASE = 0x08000000
PART = "stm32f103re"          # 512 KiB of flash in 2 KiB pages
FLASH_SIZE = 512 * 1024


def build_file(env: str, default: str) -> Path:
    """A file the build made: from the environment meson sets, else the build folder."""
    p = Path(os.environ.get(env) or BUILD / default)
    if not p.exists():
        pytest.fail(f"{p} is missing: build first (ninja -C build)")
    return p




def hello_path() -> Path:
    """tests/firmware/hello.c for the F103, linked for flash (a raw binary): greets on USART1
    at 115200 8E1, '?' repeats the greeting."""
    return build_file("HELLO_FLASH_BIN", "tests/firmware/hello-flash.bin")


def firmware(hello: bytes, size: int, seed: int = 1) -> bytes:
    """A plausible image of size bytes: hello's vector table and code, then random bytes (the
    library refuses what does not look like firmware)."""
    rnd = random.Random(seed)
    return hello + bytes(rnd.getrandbits(8) for _ in range(size - len(hello)))


@dataclass
class SimPort:
    """An in-process board: name for Session(), file its flash is saved to on close."""
    name: str
    flash_file: Path

    def flash(self) -> bytes:
        """The board's flash as its file holds it (after the session closed)."""
        return self.flash_file.read_bytes()[:FLASH_SIZE]


class PtyBoard:
    """build/sim/stubflash-sim serving a board on a pseudo-terminal, in fast mode."""

    def __init__(self, folder: Path, part: str = PART, extra: tuple = ()) -> None:
        self.flash_file = folder / "pty-flash.bin"
        self.log = open(folder / "stubflash-sim.log", "w")
        sim = build_file("STUBFLASH_SIM", "sim/stubflash-sim")
        self.proc: Optional[subprocess.Popen] = subprocess.Popen(
            [str(sim), "--fast", "-d", part, "-f", str(self.flash_file), *extra],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        assert self.proc.stdout is not None
        self.path = self.proc.stdout.readline().strip()   # the first line: the pty
        if not self.path.startswith("/dev/"):
            self.stop()
            pytest.fail(f"stubflash-sim printed {self.path!r}, not a pseudo-terminal")

    def stop(self) -> int:
        """SIGTERM: the simulator saves the flash file and ends; its exit status."""
        if self.proc is None:
            return 0
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(10)
        self.proc = None
        self.log.close()
        return rc

    def flash(self) -> bytes:
        """The board's flash from its file: stop() first."""
        return self.flash_file.read_bytes()[:FLASH_SIZE]


def wait_for(pred: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll pred until it holds or timeout seconds passed."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    return pred()
