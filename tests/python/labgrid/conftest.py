# SPDX-License-Identifier: LGPL-2.1-or-later
"""The labgrid tests' lab: build/sim/stubflash-sim serves a board on a pseudo-terminal and
ser2net (Debian's ser2net 4) publishes it on loopback as RFC 2217, as an exporter would.

    PYTHONPATH=python LD_LIBRARY_PATH=build/libflash /usr/bin/python3 -m pytest \\
        --lg-env tests/python/labgrid/env.yaml tests/python/labgrid

labgrid reads env.yaml in its pytest_configure, so ours runs first (tryfirst) to choose
ser2net's port and name the image; the board and ser2net start in the ``lab`` fixture.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator, Optional

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from boards import PtyBoard, hello_path  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    port = _free_port()
    config.stubflash_port = port  # type: ignore[attr-defined]
    os.environ["LG_STUBFLASH_HOST"] = f"127.0.0.1:{port}"
    os.environ["LG_STUBFLASH_IMAGE"] = str(hello_path().resolve())  # labgrid: relative to the YAML


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class Lab:
    """The board on its pty and ser2net in front of it."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder, self.port = folder, port
        self.board = PtyBoard(folder)
        cfg = folder / "ser2net.yaml"
        cfg.write_text(f"connection: &board\n"
                       f"  accepter: telnet(rfc2217),tcp,127.0.0.1,{port}\n"
                       f"  connector: serialdev,{self.board.path},115200e81,local\n")
        ser2net = shutil.which("ser2net") or "/usr/sbin/ser2net"
        if not os.access(ser2net, os.X_OK):
            self.board.stop()
            pytest.skip("ser2net is not installed (apt-get install ser2net)")
        self.log = open(folder / "ser2net.log", "w")
        # -n: stay in the foreground; -u: no UUCP lock; -P: our own pid file
        self.ser2net: Optional[subprocess.Popen] = subprocess.Popen(
            [ser2net, "-n", "-u", "-c", str(cfg), "-P", str(folder / "ser2net.pid")],
            stdout=self.log, stderr=subprocess.STDOUT)
        end = time.monotonic() + 5
        while not _accepts(port) and time.monotonic() < end:
            time.sleep(0.05)
        if not _accepts(port):
            self.stop()
            pytest.fail(f"ser2net did not listen on port {port}: {(folder / 'ser2net.log').read_text()}")
        time.sleep(0.3)   # ser2net lets the pty go after the probe

    def stop(self) -> int:
        """Stop ser2net, then the board (which saves its flash file); the board's status."""
        if self.ser2net is not None:
            self.ser2net.terminate()
            self.ser2net.wait(5)
            self.ser2net = None
            self.log.close()
        return self.board.stop()


@pytest.fixture(scope="session")
def lab(request: pytest.FixtureRequest) -> Iterator[Lab]:
    """The running lab (for the whole session: labgrid's target lives as long)."""
    folder = Path(tempfile.mkdtemp(prefix="stubflash-labgrid-"))
    lab = Lab(folder, request.config.stubflash_port)  # type: ignore[attr-defined]
    try:
        yield lab
    finally:
        lab.stop()
        shutil.rmtree(folder, ignore_errors=True)
