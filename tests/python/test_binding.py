# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Python binding against virtual boards: what it writes must be in the board's flash,
errors must come with their code's class and the library's sentence, callbacks must run and
cancel, and nothing may leak."""
from __future__ import annotations

import gc
import random
import os
import termios
import threading
import time
from pathlib import Path
from typing import List, Tuple

import pytest

import stubflash
from boards import FLASH_BASE, FLASH_SIZE, PtyBoard, SimPort, firmware


def random_bytes(n: int, seed: int = 7) -> bytes:
    rnd = random.Random(seed)
    return bytes(rnd.getrandbits(8) for _ in range(n))


def test_library_and_ports() -> None:
    assert stubflash.library_version().count(".") == 2
    names = [p.name for p in stubflash.ports()]
    assert "sim:stm32f103re" in names
    sim = next(p for p in stubflash.ports() if p.name == "sim:stm32f103re")
    assert sim.vid is None and isinstance(sim.description, str)


def test_info(sim: SimPort, backups_in_tmp: Path, hello: bytes) -> None:
    with stubflash.Session(sim.name) as s:
        chip = s.info()
        assert chip.pid == 0x414
        assert chip.name == "STM32F10xxx high density" and chip.family == "F1"
        assert chip.flash_base == FLASH_BASE and chip.flash_size == FLASH_SIZE
        assert chip.unit_count == 256
        assert chip.bootloader == "2.2" and chip.bootloader_version == 0x22
        assert 0x31 in chip.commands                      # Write Memory
        assert not chip.readout_protected and not chip.write_protected
        assert chip.uid is not None and len(chip.uid) == 12
        # the backup folder is named by the UID as ST prints it
        r = s.write(hello)
        assert r.backup_path is not None
        assert Path(r.backup_path).parent == backups_in_tmp / chip.uid_hex


def test_write_read_verify(sim: SimPort, hello: bytes, tmp_path: Path) -> None:
    img = firmware(hello, 20000)
    path = tmp_path / "app.bin"
    path.write_bytes(img)
    with stubflash.Session(sim.name) as s:
        r = s.write(path)
        assert r.bytes == len(img) and r.started_at is None
        assert s.read(FLASH_BASE, len(img)) == img
        assert s.verify(img).bytes == len(img)
        other = bytearray(img)
        other[0x1234] ^= 0xFF
        with pytest.raises(stubflash.VerifyError) as e:
            s.verify(bytes(other))
        assert e.value.code == -12 and "0x08001234" in str(e.value).upper().replace("0X", "0x")
    assert sim.flash()[:len(img)] == img                  # what the board keeps


def test_usart2(tmp_path: Path) -> None:
    """A board whose ROM answers on USART2 (a Nucleo's ST-LINK port): usart=2 writes through
    the stub there; left to its default (USART1) the stub is not heard and nothing is
    written."""
    data = bytes(random_bytes(8192))
    port = f"sim:stm32l476rg?usart=2&flash={tmp_path / 'l476.bin'}"
    with stubflash.Session(port, usart=2) as s:
        s.write(data, data=True, backup=False)
        assert s.read(FLASH_BASE, len(data)) == data
    other = bytes(b ^ 0x5A for b in data)
    with stubflash.Session(port) as s:
        with pytest.raises(stubflash.StubflashTimeout) as e:
            s.write(other, data=True, backup=False)
        assert "did not answer on USART1" in str(e.value) and "--usart" in str(e.value)
    with stubflash.Session(port, usart=2) as s:
        assert s.read(FLASH_BASE, len(data)) == data      # nothing was erased


def test_rate_memory(tmp_path: Path) -> None:
    """Behind a virtual USB adapter that divides a 3 MHz clock, the first write probes (921600
    comes out as 1 Mbaud: garbage) and remembers 3 Mbaud in the file given; the next starts
    there."""
    data = bytes(random_bytes(8192, seed=11))
    memory = tmp_path / "rates"
    port = f"sim:stm32f103re?adapter_clock=3000000&usb=0403:6015:PY1&flash={tmp_path / 'f103.bin'}"
    lines: List[str] = []
    with stubflash.Session(port, rate_memory=str(memory), log=lambda lvl, m: lines.append(m)) as s:
        s.write(data, data=True, backup=False)
        assert s.read(FLASH_BASE, len(data)) == data
    assert memory.read_text() == "usb:0403:6015:PY1 worked=3000000 failed=921600 pid=0x414\n"
    assert any("no answer at 921600" in m for m in lines)
    lines.clear()
    with stubflash.Session(port, rate_memory=str(memory), log=lambda lvl, m: lines.append(m)) as s:
        s.write(bytes(b ^ 0xA5 for b in data), data=True, backup=False)
    assert any(") at 3000000 baud" in m for m in lines)
    assert not any("no answer at" in m for m in lines)


def test_image(hello: bytes, tmp_path: Path) -> None:
    with stubflash.Image.from_bytes(hello, 0x08004000) as img:
        assert img.bounds == (0x08004000, 0x08004000 + len(hello))
        assert img.segments == [(0x08004000, hello)]
        img.save_ihex(tmp_path / "a.hex")
    img = stubflash.Image.load(tmp_path / "a.hex")
    assert img.format == stubflash.Format.IHEX and img.size == len(hello)
    assert img.segments[0] == (0x08004000, hello)
    img.add(0x08010000, b"\x01\x02")
    with pytest.raises(stubflash.FileError):
        img.add(0x08010000, b"\x03")                      # overlaps other values
    img.close()
    with pytest.raises(stubflash.StateError):
        _ = img.size
    with pytest.raises(stubflash.FileError) as e:
        stubflash.Image.load(tmp_path / "missing.hex")
    assert "missing.hex" in str(e.value) and e.value.code == -8


def test_fit_error(sim: SimPort, hello: bytes) -> None:
    too_big = firmware(hello, FLASH_SIZE + 4096)
    with stubflash.Session(sim.name) as s:
        with pytest.raises(stubflash.FitError) as e:
            s.write(too_big)
        assert e.value.code == -9
        assert e.value.reason == "address range outside the chip's memory" or e.value.reason
        assert "0x08" in str(e.value)                    # the sentence names the addresses
        assert str(e.value) == s.last_error
        # nothing was written
        assert s.read(FLASH_BASE, 16) == b"\xff" * 16


def test_not_firmware(sim: SimPort) -> None:
    with stubflash.Session(sim.name) as s:
        with pytest.raises(stubflash.FileError) as e:
            s.write(b"\x00" * 256)
        assert "stack pointer" in str(e.value) or "vector" in str(e.value)
        s.write(b"\x00" * 256, data=True)
        assert s.read(FLASH_BASE, 256) == b"\x00" * 256


def test_errors(sim: SimPort) -> None:
    with pytest.raises(stubflash.PortError) as e:
        stubflash.Session("/dev/nonexistent-tty").open()
    assert isinstance(e.value, OSError) and "nonexistent-tty" in str(e.value)
    s = stubflash.Session(sim.name)
    with pytest.raises(stubflash.StateError):
        s.read(FLASH_BASE, 4)
    with s:
        with pytest.raises(stubflash.ArgumentError):
            s.erase()                                    # neither a size nor all=True
        with pytest.raises(stubflash.ArgumentError) as e:
            stubflash.Session(sim.name, before="dtr,sideways").open()
        assert "sideways" in str(e.value)
    assert not s.is_open


def test_progress_and_units(sim: SimPort, hello: bytes) -> None:
    img = firmware(hello, 40 * 1024)
    events: List[Tuple[stubflash.Phase, int, int]] = []
    units: List[Tuple[int, stubflash.UnitState]] = []
    with stubflash.Session(sim.name) as s:
        s.write(img, progress=lambda ph, d, t: events.append((ph, d, t)),
                units=lambda i, start, size, st: units.append((i, st)))
    writes = [(d, t) for ph, d, t in events if ph == stubflash.Phase.WRITE]
    assert len(writes) >= 3
    done = [d for d, _ in writes]
    assert done == sorted(done) and done[-1] == writes[-1][1] and done[0] < done[-1]
    assert {stubflash.Phase.VERIFY, stubflash.Phase.WRITE} <= {ph for ph, _, _ in events}
    assert {i for i, st in units if st == stubflash.UnitState.VERIFIED} == set(range(20))


def test_callback_exception_cancels(sim: SimPort, hello: bytes) -> None:
    class Stop(Exception):
        pass

    def progress(phase: stubflash.Phase, done: int, total: int) -> None:
        if phase == stubflash.Phase.WRITE and done:
            raise Stop()

    with stubflash.Session(sim.name) as s:
        with pytest.raises(Stop):
            s.write(firmware(hello, 64 * 1024), progress=progress)
        s.write(hello)                                   # the session goes on
        assert s.read(FLASH_BASE, len(hello)) == hello


def test_cancel_from_thread(sim: SimPort, hello: bytes) -> None:
    img = firmware(hello, 256 * 1024)
    writing, cancelled = threading.Event(), threading.Event()

    def progress(phase: stubflash.Phase, done: int, total: int) -> None:
        if phase == stubflash.Phase.WRITE and done:
            writing.set()
            cancelled.wait(5)                            # the write goes on once cancelled

    with stubflash.Session(sim.name) as s:
        def canceller() -> None:
            writing.wait(10)
            s.cancel()
            cancelled.set()

        t = threading.Thread(target=canceller)
        t.start()
        with pytest.raises(stubflash.Cancelled) as e:
            s.write(img, progress=progress)
        t.join()
        assert cancelled.is_set() and e.value.code == -13
        assert s.read(FLASH_BASE + len(img) - 16, 16) != img[-16:]   # it stopped early


def test_gil_released(tmp_path: Path) -> None:
    """Paced like hardware, a read takes a while; other Python threads run meanwhile."""
    port = f"sim:stm32f103re?realtime=1&flash={tmp_path / 'rt.bin'}"
    with stubflash.Session(port, stub=False) as s:
        result: List[bytes] = []
        t = threading.Thread(target=lambda: result.append(s.read(FLASH_BASE, 4096)))
        t.start()
        spins = 0
        while t.is_alive():
            spins += 1
        t.join()
    assert result == [b"\xff" * 4096]
    assert spins > 10000


def test_rollback(sim: SimPort, hello: bytes) -> None:
    a, b = firmware(hello, 6000, seed=1), firmware(hello, 6000, seed=2)
    with stubflash.Session(sim.name) as s:
        s.write(a)
        kept = s.write(b).backup_path
        assert kept and s.read(FLASH_BASE, len(b)) == b
        assert [k.path for k in s.backups()][0] == kept
        r = s.rollback()
        assert r.backup_path == kept
        assert s.read(FLASH_BASE, len(a)) == a
        assert s.backups()[0].restored


def test_erase_and_reset(sim: SimPort, hello: bytes) -> None:
    with stubflash.Session(sim.name) as s:
        s.write(firmware(hello, 8192), backup=False)
        s.erase(FLASH_BASE + 4096, 2048)
        data = s.read(FLASH_BASE, 8192)
        assert data[4096:6144] == b"\xff" * 2048 and data[:len(hello)] == hello
        s.reset()
        assert s.info().pid == 0x414
        s.erase(all=True)
        assert s.read(FLASH_BASE, 16) == b"\xff" * 16


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _rss_kib() -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def test_no_leaks(sim: SimPort) -> None:
    """200 sessions opened and closed: file descriptors and memory stay flat."""
    def cycle() -> None:
        with stubflash.Session(sim.name) as s:
            s.info()
        stubflash.Session(sim.name).open()               # dropped without close: collected
        img = stubflash.Image.from_bytes(b"\x00" * 1024)
        del img

    for _ in range(20):
        cycle()
    gc.collect()
    fds, rss = _fds(), _rss_kib()
    for _ in range(200):
        cycle()
    gc.collect()
    assert _fds() == fds
    assert _rss_kib() - rss < 8 * 1024, "RSS grew by more than 8 MiB over 200 sessions"


def _pty_read_until(fd: int, text: bytes, timeout: float = 5.0) -> bytes:
    got = b""
    end = time.monotonic() + timeout
    while text not in got and time.monotonic() < end:
        try:
            got += os.read(fd, 256)
        except BlockingIOError:
            time.sleep(0.02)
    return got


def test_pty_board(tmp_path: Path, hello: bytes) -> None:
    """A board on a pseudo-terminal: write, read back, start the application, hear it."""
    board = PtyBoard(tmp_path)
    try:
        img = firmware(hello, 30000)
        with stubflash.Session(board.path) as s:
            assert s.info().pid == 0x414
            r = s.write(img)
            assert r.bytes == len(img)
            assert s.read(FLASH_BASE, len(img)) == img
            s.go()
            assert s.is_open
        fd = os.open(board.path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        try:
            attrs = termios.tcgetattr(fd)
            attrs[0] = attrs[1] = attrs[3] = 0           # raw
            attrs[2] = termios.CS8 | termios.CREAD | termios.CLOCAL | termios.PARENB
            attrs[4] = attrs[5] = termios.B115200
            termios.tcsetattr(fd, termios.TCSANOW, attrs)
            os.write(fd, b"?")                           # hello.c repeats its greeting
            assert b"hello from flash" in _pty_read_until(fd, b"hello from flash")
        finally:
            os.close(fd)
    finally:
        assert board.stop() == 0
    assert board.flash()[:len(img)] == img
