# SPDX-License-Identifier: LGPL-2.1-or-later
"""A labgrid strategy for an STM32 board flashed by stubflash: "flashed" writes the
environment's image through the ROM bootloader and starts it, then hands the same serial port
to the console so the test talks to the running application.

Import it from the environment file::

    imports:
      - stubflash_strategy.py      # relative to the YAML file
    targets:
      main:
        resources:
          NetworkSerialPort: {host: lab-host, port: 5001, protocol: rfc2217}
        drivers:
          StubflashDriver: {image: app}
          SerialDriver: {}
          StubflashStrategy: {}

and in a test::

    def test_greets(strategy, target):
        strategy.transition("flashed")
        console = target.get_driver("ConsoleProtocol")
        console.write(b"?")
        console.expect("hello from flash")
"""
import enum
import time

import attr
from labgrid.factory import target_factory
from labgrid.step import step
from labgrid.strategy import Strategy, StrategyError

import stubflash.labgrid  # noqa: F401 - registers StubflashDriver


class Status(enum.Enum):
    unknown = 0
    flashed = 1     #: the image written, verified and running; the console active


@target_factory.reg_driver
@attr.s(eq=False)
class StubflashStrategy(Strategy):
    """unknown -> flashed: flash with StubflashDriver, then activate the console."""

    bindings = {"flasher": "StubflashDriver", "console": "SerialDriver"}

    status = attr.ib(default=Status.unknown)
    settle = attr.ib(default=0.3)   #: seconds for a bridge (ser2net) to let the port go

    @step(args=["status"])
    def transition(self, status, *, step):  # pylint: disable=redefined-outer-name
        if not isinstance(status, Status):
            status = Status[status]
        if status == Status.unknown:
            raise StrategyError(f"can not transition to {status}")
        if status == self.status:
            step.skip("nothing to do")
            return
        # One client at a time on the port: the console lets go while the flasher works.
        self.target.deactivate(self.console)
        self.target.activate(self.flasher)
        self.flasher.load()
        time.sleep(self.settle)
        self.target.activate(self.console)
        self.status = status
