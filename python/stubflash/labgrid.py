# SPDX-License-Identifier: LGPL-2.1-or-later
"""A labgrid driver that flashes an STM32 through its ROM bootloader with libstubflash.

It binds to the board's serial port as labgrid knows it: a local ``SerialPort`` or
``RawSerialPort`` (the device path), or a ``NetworkSerialPort`` an exporter publishes through
ser2net (``rfc2217://HOST:PORT``, or ``tcp://HOST:PORT`` for protocol "raw"). libstubflash runs
on the client: only the serial bytes cross the network. See docs/labgrid.md::

    targets:
      main:
        resources:
          RemotePlace: {name: stm32-board}
        drivers:
          StubflashDriver: {image: app, before: dtr-reset-rts-boot0}
          SerialDriver: {}
    images:
      app: build/app.hex

The port is opened only while the driver works (a console on the same port must be
deactivated meanwhile: ser2net serves one client, and local ports are taken exclusively).
"""
from __future__ import annotations

import logging
import os
import time
from typing import Any, Optional

import attr
from labgrid.driver.common import Driver, check_file
from labgrid.factory import target_factory
from labgrid.protocol import BootstrapProtocol, DigitalOutputProtocol
from labgrid.resource import NetworkSerialPort
from labgrid.step import step
from labgrid.util.proxy import proxymanager

from .session import ChipInfo, JobResult, Session

_opt_str = attr.validators.optional(attr.validators.instance_of(str))
_opt_int = attr.validators.optional(attr.validators.instance_of(int))


def port_name(resource: Any) -> str:
    """The libstubflash port name of a labgrid serial port resource."""
    if isinstance(resource, NetworkSerialPort):
        host, port = proxymanager.get_host_and_port(resource)
        if ":" in host:
            host = f"[{host}]"                      # IPv6
        if resource.protocol == "rfc2217":
            return f"rfc2217://{host}:{port}"
        if resource.protocol == "raw":
            return f"tcp://{host}:{port}"
        raise ValueError(f"StubflashDriver: NetworkSerialPort protocol {resource.protocol!r} is "
                         "neither 'rfc2217' nor 'raw'")
    if not resource.port:
        raise ValueError("StubflashDriver: the serial port resource names no port")
    return resource.port


@target_factory.reg_driver
@attr.s(eq=False)
class StubflashDriver(Driver, BootstrapProtocol):
    """Write firmware into an STM32's flash through its ROM UART bootloader (and stubflash's
    RAM stub), verify it and start it.

    Attributes:
        image: the key of the environment's ``images:`` that :meth:`load` writes by default.
        address: where a raw binary goes (default: the chip's flash base).
        baud: the bootloader's rate (default 115200).
        stub: load the RAM stub for writing (default True).
        stub_baud: the stub's rate (None: the fastest the port and chip take; 0: the
            bootloader's).
        usart: the USART the chip's bootloader answers on, 1, 2 or 3 (None: the first the
            device table lists; a Nucleo's ST-LINK port is 2).
        before, after: DTR/RTS/BREAK sequences or presets (``dtr-reset-rts-boot0``) run when
            the port opens and closes (``stubflash --before/--after``).
        reset_output, boot0_output: names of DigitalOutputProtocol drivers of the target that
            hold NRST low (True) and BOOT0 high (True), for boards wired to GPIOs or relays
            rather than to DTR/RTS.
        reset_delay: seconds NRST is held low, and given to the bootloader to start.
        start: start the firmware after :meth:`load` (Go, or with outputs or an ``after``
            sequence a reset with BOOT0 low).
        backup: keep what each write replaces (``stubflash rollback`` restores it).
    """

    bindings = {"port": {"SerialPort", "RawSerialPort", "NetworkSerialPort"}}

    image = attr.ib(default=None, validator=_opt_str)
    address = attr.ib(default=None, validator=_opt_int)
    baud = attr.ib(default=None, validator=_opt_int)
    stub = attr.ib(default=True, validator=attr.validators.instance_of(bool))
    stub_baud = attr.ib(default=None, validator=_opt_int)
    usart = attr.ib(default=None, validator=_opt_int)
    before = attr.ib(default=None, validator=_opt_str)
    after = attr.ib(default=None, validator=_opt_str)
    reset_output = attr.ib(default=None, validator=_opt_str)
    boot0_output = attr.ib(default=None, validator=_opt_str)
    reset_delay = attr.ib(default=0.1, validator=attr.validators.instance_of((int, float)))
    start = attr.ib(default=True, validator=attr.validators.instance_of(bool))
    backup = attr.ib(default=True, validator=attr.validators.instance_of(bool))

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        self.logger = logging.getLogger(f"{self}")

    def on_activate(self) -> None:
        """Nothing: the port is opened by each operation."""

    def on_deactivate(self) -> None:
        """Nothing: no operation keeps the port."""

    # -- the chip's pins ----------------------------------------------------------------

    def _output(self, name: Optional[str]) -> Optional[DigitalOutputProtocol]:
        if name is None:
            return None
        return self.target.get_driver(DigitalOutputProtocol, name=name)

    def _pins(self, bootloader: bool) -> None:
        """Set BOOT0 and pulse NRST through the output drivers, if the driver has them."""
        boot0, reset = self._output(self.boot0_output), self._output(self.reset_output)
        if boot0 is not None:
            boot0.set(bootloader)
        if reset is not None:
            reset.set(True)
            time.sleep(self.reset_delay)
            reset.set(False)
            time.sleep(self.reset_delay)

    def session(self) -> Session:
        """A :class:`stubflash.Session` on the bound port with the driver's settings (not
        open: use it in a ``with`` block). With output drivers, the chip is reset into its
        bootloader first."""
        self._pins(bootloader=True)
        return Session(port_name(self.port), baud=self.baud, stub=self.stub,
                       stub_baud=self.stub_baud, before=self.before, after=self.after,
                       log=self._log, usart=self.usart)

    def _log(self, level: Any, message: str) -> None:
        self.logger.log(level.logging_level, "%s", message)

    # -- what a test calls ----------------------------------------------------------------

    @Driver.check_active
    @step(args=["filename"])
    def load(self, filename: Optional[str] = None) -> JobResult:
        """BootstrapProtocol: write filename (default: the ``image`` of the environment),
        verified, and start it if ``start``."""
        return self.flash(filename, start=self.start)

    @Driver.check_active
    @step(args=["filename", "address"], result=True)
    def flash(self, filename: Optional[str] = None, address: Optional[int] = None,
              verify: bool = True, start: bool = False) -> JobResult:
        """Write filename (default: the environment's image named by ``image``), verify it
        and, with start, run it. Raises :class:`stubflash.Error` subclasses."""
        path = self._image_path(filename)
        use_go = start and self.reset_output is None and self.after is None
        with self.session() as s:
            result = s.write(path, address=address if address is not None else self.address,
                             verify=verify, backup=self.backup, go=use_go)
        if start and not use_go:
            self._pins(bootloader=False)                # the 'after' sequence ran at close
        self.logger.info("wrote %d bytes of %s%s", result.bytes, path,
                         f", started at 0x{result.started_at:08X}" if result.started_at else "")
        return result

    @Driver.check_active
    @step(result=True)
    def info(self) -> ChipInfo:
        """The chip: product ID, name, flash size, unique ID, protection."""
        with self.session() as s:
            return s.info()

    @Driver.check_active
    @step(args=["address", "size"])
    def read(self, address: int, size: int) -> bytes:
        """size bytes of the chip's memory at address."""
        with self.session() as s:
            return s.read(address, size)

    @Driver.check_active
    @step(args=["filename"])
    def verify(self, filename: Optional[str] = None, address: Optional[int] = None) -> JobResult:
        """Compare the flash with filename (default: the environment's image)."""
        path = self._image_path(filename)
        with self.session() as s:
            return s.verify(path, address=address if address is not None else self.address)

    @Driver.check_active
    @step()
    def erase(self) -> None:
        """Erase the whole flash."""
        with self.session() as s:
            s.erase(all=True)

    def _image_path(self, filename: Optional[str]) -> str:
        if filename is None:
            if self.image is None:
                raise ValueError("StubflashDriver: no file given and no 'image' attribute")
            filename = self.target.env.config.get_image_path(self.image)
        filename = os.path.abspath(filename)
        check_file(filename)
        return filename


__all__ = ["StubflashDriver", "port_name"]
