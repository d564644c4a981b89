# SPDX-License-Identifier: LGPL-2.1-or-later
"""Serial ports and virtual boards to flash (stubflash/port.h)."""
from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import List, Optional

from . import _lib
from .errors import check


@dataclass(frozen=True)
class PortInfo:
    """One port sf_port_list found.

    Attributes:
        name: what to give :class:`stubflash.Session` ("/dev/ttyUSB0", "sim:stm32f103rg").
        description: for people ("CP2102 USB to UART Bridge Controller"), "" if none.
        serial: the USB serial number, "" if none.
        manufacturer: the USB manufacturer, "" if none.
        vid: the USB vendor ID, None if not on USB (or the adapter does not tell).
        pid: the USB product ID, None likewise.
    """
    name: str
    description: str
    serial: str
    manufacturer: str
    vid: Optional[int]
    pid: Optional[int]


def ports() -> List[PortInfo]:
    """Serial ports (libserialport), then one "sim:" entry per virtual part when
    libstubflash-sim is installed."""
    arr = ctypes.POINTER(_lib.port_info_p)()
    n = ctypes.c_size_t()
    lib = _lib.lib
    check(lib.sf_port_list(ctypes.byref(arr), ctypes.byref(n)), "cannot list the serial ports")
    try:
        out = []
        for i in range(n.value):
            p = arr[i]
            vid, pid = ctypes.c_uint16(), ctypes.c_uint16()
            usb = lib.sf_port_info_usb_ids(p, ctypes.byref(vid), ctypes.byref(pid))
            out.append(PortInfo(name=_lib.text(lib.sf_port_info_name(p)),
                                description=_lib.text(lib.sf_port_info_description(p)),
                                serial=_lib.text(lib.sf_port_info_serial(p)),
                                manufacturer=_lib.text(lib.sf_port_info_manufacturer(p)),
                                vid=vid.value if usb else None, pid=pid.value if usb else None))
        return out
    finally:
        lib.sf_port_list_free(arr)
