# SPDX-License-Identifier: LGPL-2.1-or-later
"""Firmware images (stubflash/image.h): raw binary, Intel HEX, Motorola S-record and ELF, each
optionally gzip-compressed, as a sorted list of non-overlapping segments."""
from __future__ import annotations

import ctypes
import enum
import os
from typing import List, Optional, Tuple, Union

from . import _lib
from .errors import check

#: Where a raw binary goes when no address is given: the flash of every STM32 starts there.
DEFAULT_ADDRESS = 0x08000000

PathLike = Union[str, bytes, "os.PathLike[str]"]


class Format(enum.IntEnum):
    """sf_image_format: what a file holds (AUTO: decided from its contents)."""
    AUTO = _lib.SF_FORMAT_AUTO
    BIN = _lib.SF_FORMAT_BIN
    IHEX = _lib.SF_FORMAT_IHEX
    SREC = _lib.SF_FORMAT_SREC
    ELF = _lib.SF_FORMAT_ELF

    @property
    def label(self) -> str:
        """The format's name for people ("Intel HEX")."""
        return _lib.text(_lib.lib.sf_image_format_name(int(self)))


class Image:
    """A firmware image owned by this object; the library's sf_image is freed by :meth:`close`,
    on leaving a ``with`` block or when the object is collected.

    Load one with :meth:`load` (a file), :meth:`from_bytes` (memory) or build one with
    :meth:`new` and :meth:`add`.
    """

    def __init__(self, handle: int) -> None:
        """Take ownership of an sf_image pointer (use the class methods instead)."""
        self._handle: Optional[int] = handle

    @classmethod
    def load(cls, path: PathLike, address: Optional[int] = None,
             format: Format = Format.AUTO) -> "Image":
        """Load a file. address is where a raw binary goes (default 0x08000000, the flash);
        the other formats carry their addresses. Raises :class:`stubflash.FileError` with the
        file name, line or offset and what was wrong."""
        out = _lib.image_p()
        err = _lib.errbuf()
        base = DEFAULT_ADDRESS if address is None else address
        check(_lib.lib.sf_image_load(_lib.path_bytes(path), int(format), base, ctypes.byref(out),
                                     err, len(err)), err.value)
        return cls(out.value)

    @classmethod
    def from_bytes(cls, data: bytes, address: Optional[int] = None, name: str = "<bytes>",
                   format: Format = Format.BIN) -> "Image":
        """An image from memory: by default the bytes as a raw binary at address (0x08000000
        if None); format AUTO or another parses them as that file format."""
        out = _lib.image_p()
        err = _lib.errbuf()
        buf = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
        base = DEFAULT_ADDRESS if address is None else address
        check(_lib.lib.sf_image_load_memory(buf, len(data), name.encode(), int(format), base,
                                            ctypes.byref(out), err, len(err)), err.value)
        return cls(out.value)

    @classmethod
    def new(cls) -> "Image":
        """An empty image, to fill with :meth:`add`."""
        out = _lib.image_p()
        check(_lib.lib.sf_image_new(ctypes.byref(out)))
        return cls(out.value)

    @classmethod
    def coerce(cls, image: "Image | PathLike | bytes | bytearray | memoryview",
               address: Optional[int] = None) -> Tuple["Image", bool]:
        """image as an Image, and whether the caller owns (and must close) a new one: an Image
        is taken as it is, bytes are a raw binary at address, anything else a file path."""
        if isinstance(image, Image):
            return image, False
        if isinstance(image, (bytes, bytearray, memoryview)):
            return cls.from_bytes(bytes(image), address), True
        return cls.load(image, address), True

    @property
    def handle(self) -> int:
        """The sf_image pointer; :class:`stubflash.StateError` once closed."""
        if not self._handle:
            from .errors import StateError
            raise StateError("the image is closed")
        return self._handle

    def add(self, address: int, data: bytes) -> None:
        """Add bytes at address; :class:`stubflash.FileError` if they overlap other values."""
        buf = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
        code = _lib.lib.sf_image_add(self.handle, address, buf, len(data))
        check(code, f"0x{address:08X}: {len(data)} bytes overlap other bytes of the image"
              if code == _lib.SF_ERR_FILE else "")

    @property
    def format(self) -> Format:
        """The format the image was loaded from."""
        return Format(_lib.lib.sf_image_get_format(self.handle))

    @property
    def size(self) -> int:
        """Bytes in all segments."""
        return int(_lib.lib.sf_image_size(self.handle))

    def __len__(self) -> int:
        return self.size

    @property
    def bounds(self) -> Tuple[int, int]:
        """Lowest address and one past the highest ((0, 0) for an empty image)."""
        lo, hi = ctypes.c_uint32(), ctypes.c_uint32()
        _lib.lib.sf_image_bounds(self.handle, ctypes.byref(lo), ctypes.byref(hi))
        return lo.value, hi.value

    @property
    def entry(self) -> Optional[int]:
        """The entry point the file gave (ELF, HEX type 05, S7/S8/S9), or None."""
        e = ctypes.c_uint32()
        return e.value if _lib.lib.sf_image_entry(self.handle, ctypes.byref(e)) else None

    @property
    def segments(self) -> List[Tuple[int, bytes]]:
        """(address, bytes) of every segment, in address order (copies)."""
        out = []
        for i in range(_lib.lib.sf_image_segment_count(self.handle)):
            addr, data, n = ctypes.c_uint32(), ctypes.POINTER(ctypes.c_uint8)(), ctypes.c_size_t()
            check(_lib.lib.sf_image_segment(self.handle, i, ctypes.byref(addr), ctypes.byref(data),
                                            ctypes.byref(n)))
            out.append((addr.value, ctypes.string_at(data, n.value)))
        return out

    def save_ihex(self, path: PathLike) -> None:
        """Save as Intel HEX (atomically: path holds the old file or the whole new one)."""
        err = _lib.errbuf()
        check(_lib.lib.sf_image_save_ihex(self.handle, _lib.path_bytes(path), err, len(err)), err.value)

    def close(self) -> None:
        """Free the library's image; further use raises :class:`stubflash.StateError`."""
        h, self._handle = getattr(self, "_handle", None), None
        if h and _lib is not None:  # at interpreter exit the module may be gone
            _lib.lib.sf_image_free(h)

    def __enter__(self) -> "Image":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()

    def __repr__(self) -> str:
        if not self._handle:
            return "<stubflash.Image closed>"
        lo, hi = self.bounds
        return f"<stubflash.Image {self.format.label}, {self.size} bytes, 0x{lo:08X}..0x{hi:08X}>"
