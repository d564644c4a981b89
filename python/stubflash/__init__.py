# SPDX-License-Identifier: LGPL-2.1-or-later
"""stubflash: update STM32 firmware through the ROM bootloader, from Python.

A binding (ctypes) over libstubflash, the library behind the ``stubflash`` command::

    import stubflash

    with stubflash.Session("/dev/ttyUSB0") as s:
        chip = s.info()
        print(f"{chip.name}, {chip.flash_size // 1024} KiB, UID {chip.uid_hex}")
        s.write("app.hex", progress=lambda phase, done, total: print(phase.name, done, total))
        s.go()

Errors raise :class:`Error` subclasses (:class:`FitError`, :class:`StubflashTimeout`, ...)
whose message is the library's sentence. ``stubflash.labgrid`` holds a labgrid driver.
"""
from __future__ import annotations

from . import _lib
from .errors import (ArgumentError, BackupError, Cancelled, DeviceError, Error, FileError,
                     FitError, NackError, OutOfMemory, PortError, PortIOError, ProtectedError,
                     ProtocolError, StateError, StubflashTimeout, UnsupportedError, VerifyError,
                     error_for)
from .image import DEFAULT_ADDRESS, Format, Image
from .ports import PortInfo, ports
from .session import (Backup, ChipInfo, JobResult, LogLevel, Phase, Session, UnitState)

__version__ = "0.1.0"


def library_version() -> str:
    """The version of the libstubflash that was loaded, e.g. "0.1.0"."""
    return _lib.text(_lib.lib.sf_version())


def verify_signature(file: str, pubkey_file: str, signature_file: "str | None" = None) -> str:
    """Check that file carries a valid minisign signature by the key in pubkey_file
    (signature_file default: file + ".minisig"); return its trusted comment.
    :class:`FileError` says what was wrong."""
    import os
    trusted = _lib.errbuf()
    err = _lib.errbuf()
    code = _lib.lib.sf_signature_verify_file(
        os.fsencode(file), None if signature_file is None else os.fsencode(signature_file),
        os.fsencode(pubkey_file), trusted, len(trusted), err, len(err))
    if code:
        raise error_for(code, _lib.text(err.value))
    return _lib.text(trusted.value)


__all__ = [
    "Session", "ChipInfo", "JobResult", "Backup", "Phase", "UnitState", "LogLevel",
    "Image", "Format", "DEFAULT_ADDRESS", "PortInfo", "ports", "library_version",
    "verify_signature",
    "Error", "ArgumentError", "OutOfMemory", "PortError", "PortIOError", "StubflashTimeout",
    "NackError", "ProtocolError", "FileError", "FitError", "DeviceError", "ProtectedError",
    "VerifyError", "Cancelled", "UnsupportedError", "StateError", "BackupError", "error_for",
]
