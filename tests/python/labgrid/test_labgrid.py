# SPDX-License-Identifier: LGPL-2.1-or-later
"""stubflash.labgrid.StubflashDriver and the example strategy, run by labgrid's pytest plugin
against a board behind ser2net (conftest.py, env.yaml): what the driver writes must be in the
board's flash, and the application it starts must answer on the same port."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

import stubflash
from boards import FLASH_BASE, firmware, hello_path

from stubflash.labgrid import StubflashDriver, port_name


def test_driver_binds_to_the_bridge(lab, target) -> None:
    drv = target.get_driver("StubflashDriver", activate=False)
    assert isinstance(drv, StubflashDriver)
    assert port_name(drv.port) == f"rfc2217://127.0.0.1:{lab.port}"


def test_flash_and_read_back(lab, target, tmp_path: Path) -> None:
    console = target.get_driver("SerialDriver", activate=False)
    target.deactivate(console)
    drv = target.get_driver("StubflashDriver")
    chip = drv.info()
    assert chip.pid == 0x414 and chip.flash_size == 512 * 1024
    img = firmware(hello_path().read_bytes(), 48 * 1024, seed=7)
    path = tmp_path / "big.bin"
    path.write_bytes(img)
    time.sleep(0.3)                                 # ser2net lets the previous client go
    result = drv.flash(str(path))
    assert result.bytes == len(img) and result.started_at is None
    time.sleep(0.3)
    assert drv.read(FLASH_BASE, len(img)) == img
    time.sleep(0.3)
    with pytest.raises(stubflash.FitError) as e:
        drv.flash(str(path), address=FLASH_BASE + 500 * 1024)
    assert "0x08" in str(e.value)
    time.sleep(0.3)
    drv.erase()                                     # the strategy below writes a blank chip
    time.sleep(0.3)
    assert drv.read(FLASH_BASE, 16) == b"\xff" * 16


def test_strategy_flashes_and_talks(lab, target, strategy) -> None:
    time.sleep(0.3)
    strategy.transition("flashed")                  # the env's image, started
    console = target.get_driver("ConsoleProtocol")
    console.write(b"?")                             # hello.c repeats its greeting
    _, _, match, _ = console.expect(r"hello from (\w+)", timeout=5)
    assert match.group(1) == b"flash"
    console.write(b"abc")                           # and echoes in upper case
    console.expect("ABC", timeout=5)
    print(f"\nthe board said: {match.group(0).decode()!r}, then 'abc' -> 'ABC'")


def test_board_holds_the_image(lab) -> None:
    assert lab.stop() == 0                          # the board saves its flash file
    hello = hello_path().read_bytes()
    assert lab.board.flash()[:2048] == hello + b"\xff" * (2048 - len(hello))
