# SPDX-License-Identifier: LGPL-2.1-or-later
"""Exceptions: one class per ``sf_error`` code of stubflash/common.h, all under :class:`Error`.

The message of an exception is the library's sentence (``sf_session_last_error()`` or the err
buffer of the call: file, line, address, what was expected); ``code`` is the ``sf_error``
value and ``reason`` the short, constant description of its class (``sf_strerror()``). Where a
Python built-in exception means the same, the class derives from it too, so
``except TimeoutError`` catches :class:`StubflashTimeout`.
"""
from __future__ import annotations

from typing import Dict, Optional, Type

from . import _lib


class Error(Exception):
    """A libstubflash call failed.

    Attributes:
        code: the ``sf_error`` value (negative).
        sentence: what went wrong, as the library said it.
        reason: the class of the error (``sf_strerror(code)``), e.g. "device did not answer".
    """

    code: int = 0

    def __init__(self, sentence: str, code: Optional[int] = None) -> None:
        if code is not None:
            self.code = code
        self.sentence = sentence
        self.reason = _lib.text(_lib.lib.sf_strerror(self.code))
        super().__init__(sentence or self.reason)

    def __str__(self) -> str:
        return self.sentence or self.reason


class ArgumentError(Error, ValueError):
    """SF_ERR_ARG: a bad argument from the caller."""
    code = _lib.SF_ERR_ARG


class OutOfMemory(Error, MemoryError):
    """SF_ERR_NOMEM: out of memory."""
    code = _lib.SF_ERR_NOMEM


class PortError(Error, OSError):
    """SF_ERR_PORT: the port cannot be opened or configured (missing, busy, no permission)."""
    code = _lib.SF_ERR_PORT


class PortIOError(Error, OSError):
    """SF_ERR_IO: reading or writing the port failed."""
    code = _lib.SF_ERR_IO


class StubflashTimeout(Error, TimeoutError):
    """SF_ERR_TIMEOUT: the device did not answer in time."""
    code = _lib.SF_ERR_TIMEOUT


class NackError(Error):
    """SF_ERR_NACK: the device refused a command."""
    code = _lib.SF_ERR_NACK


class ProtocolError(Error):
    """SF_ERR_PROTOCOL: the device answered something unexpected."""
    code = _lib.SF_ERR_PROTOCOL


class FileError(Error):
    """SF_ERR_FILE: a file cannot be read or its contents are invalid (also: an image that does
    not look like firmware for the chip, no backup to roll back to)."""
    code = _lib.SF_ERR_FILE


class FitError(Error):
    """SF_ERR_FIT: an address range lies outside the chip's memory."""
    code = _lib.SF_ERR_FIT


class DeviceError(Error):
    """SF_ERR_DEVICE: unknown or unsupported chip."""
    code = _lib.SF_ERR_DEVICE


class ProtectedError(Error):
    """SF_ERR_PROTECTED: readout or write protection prevents the operation."""
    code = _lib.SF_ERR_PROTECTED


class VerifyError(Error):
    """SF_ERR_VERIFY: the device holds other bytes than were written."""
    code = _lib.SF_ERR_VERIFY


class Cancelled(Error):
    """SF_ERR_CANCELLED: :meth:`stubflash.Session.cancel` was called (or a callback raised)."""
    code = _lib.SF_ERR_CANCELLED


class UnsupportedError(Error):
    """SF_ERR_UNSUPPORTED: the bootloader or the port cannot do this."""
    code = _lib.SF_ERR_UNSUPPORTED


class StateError(Error):
    """SF_ERR_STATE: the call does not fit the session's state (e.g. not open)."""
    code = _lib.SF_ERR_STATE


class BackupError(Error):
    """SF_ERR_BACKUP: what a write would replace could not be kept; nothing was written."""
    code = _lib.SF_ERR_BACKUP


_BY_CODE: Dict[int, Type[Error]] = {
    cls.code: cls for cls in (ArgumentError, OutOfMemory, PortError, PortIOError, StubflashTimeout,
                              NackError, ProtocolError, FileError, FitError, DeviceError,
                              ProtectedError, VerifyError, Cancelled, UnsupportedError,
                              StateError, BackupError)
}


def error_for(code: int, sentence: str = "") -> Error:
    """The exception for an ``sf_error`` code: its subclass, or :class:`Error` for a code this
    binding does not know (a newer library)."""
    cls = _BY_CODE.get(code)
    return cls(sentence) if cls else Error(sentence, code)


def check(code: int, sentence: "str | bytes | None" = None) -> None:
    """Raise the exception for code unless it is SF_OK."""
    if code != _lib.SF_OK:
        if isinstance(sentence, bytes):
            sentence = _lib.text(sentence)
        raise error_for(code, sentence or "")


__all__ = ["Error", "error_for", "check"] + [c.__name__ for c in _BY_CODE.values()]
