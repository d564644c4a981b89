# SPDX-License-Identifier: LGPL-2.1-or-later
"""ctypes declarations of libstubflash: the library, its structs and its functions.

Everything here mirrors libflash/include/stubflash/*.h exactly; the rest of the package uses
it and nothing outside the package should. The library is found through the environment
variable STUBFLASH_LIBRARY (a path), else ``ctypes.util.find_library("stubflash")``, else its
soname ``libstubflash.so.0`` (the dynamic linker's search: LD_LIBRARY_PATH, the system).

ctypes releases the GIL for the duration of every call into the library, and callbacks built
from the CFUNCTYPE types below take it again while Python code runs.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
from ctypes import (CFUNCTYPE, POINTER, Structure, c_bool, c_char_p, c_int, c_int64,
                    c_size_t, c_uint, c_uint8, c_uint16, c_uint32, c_uint64, c_void_p)
from typing import Optional

SONAME = "libstubflash.so.0"

# enum sf_error (common.h)
SF_OK = 0
SF_ERR_ARG = -1
SF_ERR_NOMEM = -2
SF_ERR_PORT = -3
SF_ERR_IO = -4
SF_ERR_TIMEOUT = -5
SF_ERR_NACK = -6
SF_ERR_PROTOCOL = -7
SF_ERR_FILE = -8
SF_ERR_FIT = -9
SF_ERR_DEVICE = -10
SF_ERR_PROTECTED = -11
SF_ERR_VERIFY = -12
SF_ERR_CANCELLED = -13
SF_ERR_UNSUPPORTED = -14
SF_ERR_STATE = -15
SF_ERR_BACKUP = -16

# session.h
SF_STUB_BAUD_AUTO = 0xFFFFFFFF
SF_GO_BOOT_ADDRESS = 0xFFFFFFFF
SF_WRITE_VERIFY = 1 << 0
SF_WRITE_NO_ERASE = 1 << 1
SF_CHIP_VERSION = 1

# job.h, enum sf_job_flag
SF_JOB_VERIFY = 1 << 0
SF_JOB_BACKUP = 1 << 1
SF_JOB_GO = 1 << 2
SF_JOB_FORCE = 1 << 3
SF_JOB_DATA = 1 << 4

# image.h, enum sf_image_format
SF_FORMAT_AUTO = 0
SF_FORMAT_BIN = 1
SF_FORMAT_IHEX = 2
SF_FORMAT_SREC = 3
SF_FORMAT_ELF = 4

ERRBUF_SIZE = 1024


class sf_erase_run(Structure):
    """struct sf_erase_run (device.h)."""
    _fields_ = [("count", c_uint16), ("size", c_uint32)]


class sf_boot_usart(Structure):
    """struct sf_boot_usart (device.h): a USART the ROM bootloader listens on, and its pins."""
    _fields_ = [("name", c_char_p), ("tx", c_char_p), ("rx", c_char_p)]


class sf_device(Structure):
    """struct sf_device (device.h). The library hands entries out by pointer into its table:
    only read through a pointer, never allocated here."""
    _fields_ = [
        ("pid", c_uint16),
        ("name", c_char_p),
        ("family", c_char_p),
        ("flash_base", c_uint32),
        ("flash_size", c_uint32),
        ("layout", POINTER(sf_erase_run)),
        ("layout_runs", c_uint8),
        ("ram_base", c_uint32),
        ("ram_end", c_uint32),
        ("sysmem_base", c_uint32),
        ("sysmem_end", c_uint32),
        ("option_base", c_uint32),
        ("option_end", c_uint32),
        ("flash_size_reg", c_uint32),
        ("write_align", c_uint8),
        ("erased_value", c_uint8),
        ("dual_bank", c_bool),
        ("bank2_fixed", c_uint32),
        ("single_bank_max", c_uint32),
        ("flash_size_coding", c_uint8),
        ("empty_check", c_uint8),
        ("uid_reg", c_uint32),
        ("program_bytes", c_uint8),
        ("bank_mode", c_uint8),
        ("alt_layout", POINTER(sf_erase_run)),
        ("alt_layout_runs", c_uint8),
        ("usarts", POINTER(sf_boot_usart)),
        ("usart_count", c_uint8),
        ("no_stub", c_char_p),
        ("source", c_char_p),
    ]


class sf_protection(Structure):
    """struct sf_protection (session.h)."""
    _fields_ = [("readout", c_bool), ("known_wrp", c_bool), ("wrp", c_uint32)]


class sf_chip(Structure):
    """struct sf_chip (session.h), version SF_CHIP_VERSION: create it with :func:`chip_init`,
    the equivalent of ``sf_chip chip = SF_CHIP_INIT;``."""
    _fields_ = [
        ("version", c_uint),
        ("pid", c_uint16),
        ("device", POINTER(sf_device)),
        ("bootloader_version", c_uint8),
        ("commands", c_uint8 * 32),
        ("command_count", c_uint8),
        ("flash_size", c_uint32),
        ("protection", sf_protection),
        ("stub_running", c_bool),
    ]


def chip_init() -> sf_chip:
    """``SF_CHIP_INIT``: a zeroed sf_chip whose version is SF_CHIP_VERSION."""
    return sf_chip(version=SF_CHIP_VERSION)


# Callback types (session.h). The user pointer is unused: each callback is a closure.
PROGRESS_FN = CFUNCTYPE(None, c_int, c_uint64, c_uint64, c_void_p)
LOG_FN = CFUNCTYPE(None, c_int, c_char_p, c_void_p)
UNIT_FN = CFUNCTYPE(None, c_uint32, c_uint32, c_uint32, c_int, c_void_p)

# Opaque handles
session_p = c_void_p
image_p = c_void_p
job_p = c_void_p
port_info_p = c_void_p
backup_list_p = c_void_p

# name: (restype, argtypes)
_PROTOTYPES = {
    # common.h
    "sf_strerror": (c_char_p, [c_int]),
    "sf_version": (c_char_p, []),
    "sf_lib_version_string": (c_char_p, []),
    # session.h
    "sf_session_new": (c_int, [POINTER(session_p)]),
    "sf_session_free": (None, [session_p]),
    "sf_session_set_progress": (None, [session_p, PROGRESS_FN, c_void_p]),
    "sf_session_set_log": (None, [session_p, LOG_FN, c_void_p]),
    "sf_session_set_unit_callback": (None, [session_p, UNIT_FN, c_void_p]),
    "sf_session_set_baud": (c_int, [session_p, c_uint32]),
    "sf_session_set_retries": (c_int, [session_p, c_uint]),
    "sf_session_set_stub": (c_int, [session_p, c_bool, c_uint32]),
    "sf_session_set_usart": (c_int, [session_p, c_uint]),
    "sf_session_set_rate_memory": (c_int, [session_p, c_char_p]),
    "sf_session_set_entry": (c_int, [session_p, c_char_p, c_char_p]),
    "sf_session_set_trigger": (c_int, [session_p, POINTER(c_uint8), c_size_t, c_uint32]),
    "sf_session_open": (c_int, [session_p, c_char_p]),
    "sf_session_close": (None, [session_p]),
    "sf_session_chip": (c_int, [session_p, POINTER(sf_chip)]),
    "sf_session_check_image": (c_int, [session_p, image_p]),
    "sf_session_read": (c_int, [session_p, c_uint32, POINTER(c_uint8), c_size_t]),
    "sf_session_erase_range": (c_int, [session_p, c_uint32, c_uint32]),
    "sf_session_mass_erase": (c_int, [session_p]),
    "sf_session_go": (c_int, [session_p, c_uint32]),
    "sf_session_boot_address": (c_int, [session_p, POINTER(c_uint32)]),
    "sf_session_reset": (c_int, [session_p]),
    "sf_session_cancel": (None, [session_p]),
    "sf_session_last_error": (c_char_p, [session_p]),
    # device.h
    "sf_device_uid_address": (c_uint32, [POINTER(sf_device)]),
    "sf_device_unit_count": (c_size_t, [POINTER(sf_device), c_uint32]),
    "sf_device_flash_end": (c_uint32, [POINTER(sf_device), c_uint32]),
    # image.h
    "sf_image_load": (c_int, [c_char_p, c_int, c_uint32, POINTER(image_p), c_char_p, c_size_t]),
    "sf_image_load_memory": (c_int, [POINTER(c_uint8), c_size_t, c_char_p, c_int, c_uint32,
                                     POINTER(image_p), c_char_p, c_size_t]),
    "sf_image_new": (c_int, [POINTER(image_p)]),
    "sf_image_add": (c_int, [image_p, c_uint32, POINTER(c_uint8), c_size_t]),
    "sf_image_free": (None, [image_p]),
    "sf_image_save_ihex": (c_int, [image_p, c_char_p, c_char_p, c_size_t]),
    "sf_image_get_format": (c_int, [image_p]),
    "sf_image_format_name": (c_char_p, [c_int]),
    "sf_image_segment_count": (c_size_t, [image_p]),
    "sf_image_segment": (c_int, [image_p, c_size_t, POINTER(c_uint32), POINTER(POINTER(c_uint8)),
                                 POINTER(c_size_t)]),
    "sf_image_bounds": (None, [image_p, POINTER(c_uint32), POINTER(c_uint32)]),
    "sf_image_size": (c_size_t, [image_p]),
    "sf_image_entry": (c_bool, [image_p, POINTER(c_uint32)]),
    # job.h
    "sf_job_new": (c_int, [POINTER(job_p)]),
    "sf_job_free": (None, [job_p]),
    "sf_job_set_flags": (c_int, [job_p, c_uint]),
    "sf_job_flags": (c_uint, [job_p]),
    "sf_job_set_go_address": (c_int, [job_p, c_uint32]),
    "sf_job_set_backup_root": (c_int, [job_p, c_char_p]),
    "sf_job_write": (c_int, [job_p, session_p, image_p]),
    "sf_job_verify": (c_int, [job_p, session_p, image_p]),
    "sf_job_restore": (c_int, [job_p, session_p, c_char_p]),
    "sf_job_rollback": (c_int, [job_p, session_p]),
    "sf_job_backup_path": (c_char_p, [job_p]),
    "sf_job_bytes": (c_uint64, [job_p]),
    "sf_job_started_at": (c_uint32, [job_p]),
    # backup.h
    "sf_backup_list_open": (c_int, [session_p, c_char_p, POINTER(backup_list_p)]),
    "sf_backup_list_free": (None, [backup_list_p]),
    "sf_backup_list_dir": (c_char_p, [backup_list_p]),
    "sf_backup_list_count": (c_size_t, [backup_list_p]),
    "sf_backup_list_path": (c_char_p, [backup_list_p, c_size_t]),
    "sf_backup_list_time": (c_int64, [backup_list_p, c_size_t]),
    "sf_backup_list_bytes": (c_uint64, [backup_list_p, c_size_t]),
    "sf_backup_list_restored": (c_bool, [backup_list_p, c_size_t]),
    # port.h
    "sf_port_list": (c_int, [POINTER(POINTER(port_info_p)), POINTER(c_size_t)]),
    "sf_port_list_free": (None, [POINTER(port_info_p)]),
    "sf_port_info_name": (c_char_p, [port_info_p]),
    "sf_port_info_description": (c_char_p, [port_info_p]),
    "sf_port_info_serial": (c_char_p, [port_info_p]),
    "sf_port_info_manufacturer": (c_char_p, [port_info_p]),
    "sf_port_info_usb_ids": (c_bool, [port_info_p, POINTER(c_uint16), POINTER(c_uint16)]),
    # signature.h
    "sf_signature_verify_file": (c_int, [c_char_p, c_char_p, c_char_p, c_char_p, c_size_t,
                                         c_char_p, c_size_t]),
}


def _candidates() -> list:
    """Where to look for the library, in order."""
    env = os.environ.get("STUBFLASH_LIBRARY")
    if env:
        return [env]
    found = ctypes.util.find_library("stubflash")
    return [n for n in (SONAME, found) if n]


def _load() -> ctypes.CDLL:
    errors = []
    for name in _candidates():
        try:
            lib = ctypes.CDLL(name)
        except OSError as e:
            errors.append(str(e))
            continue
        for fn, (restype, argtypes) in _PROTOTYPES.items():
            f = getattr(lib, fn)
            f.restype = restype
            f.argtypes = argtypes
        return lib
    raise ImportError("stubflash: cannot load libstubflash (install libstubflash0, or set "
                      "STUBFLASH_LIBRARY to the library's path): " + "; ".join(errors))


lib: ctypes.CDLL = _load()


def text(b: Optional[bytes]) -> str:
    """A C string from the library as str ("" for NULL); bytes that are not UTF-8 are kept as
    surrogate escapes so no sentence is lost."""
    return b.decode("utf-8", "surrogateescape") if b else ""


def path_bytes(p: "os.PathLike[str] | str | bytes") -> bytes:
    """A path as the library takes it (the file system's encoding)."""
    return os.fsencode(p)


def errbuf() -> ctypes.Array:
    """A buffer for the err/errlen arguments of the functions that have them."""
    return ctypes.create_string_buffer(ERRBUF_SIZE)


__all__ = ["lib", "sf_chip", "sf_device", "sf_protection", "chip_init", "text", "errbuf"]
