# SPDX-License-Identifier: LGPL-2.1-or-later
"""The ctypes mirrors of the public structs against the C compiler's layout of the headers
(tests/python/layout.c, built by meson: STUBFLASH_LAYOUT)."""
from __future__ import annotations

import ctypes
import json
import os
import subprocess

import pytest

from stubflash import _lib


@pytest.fixture(scope="module")
def layout() -> dict:
    probe = os.environ.get("STUBFLASH_LAYOUT")
    if not probe:
        pytest.skip("STUBFLASH_LAYOUT (the layout probe meson builds) is not set")
    return json.loads(subprocess.check_output([probe], text=True))


@pytest.mark.parametrize("name", ["sf_chip", "sf_protection", "sf_erase_run", "sf_device", "sf_boot_usart"])
def test_struct(layout: dict, name: str) -> None:
    cls = getattr(_lib, name)
    want = dict(layout[name])
    assert ctypes.sizeof(cls) == want.pop("sizeof")
    got = {f[0]: getattr(cls, f[0]).offset for f in cls._fields_}
    assert got == want                                  # every member, in order, same place


def test_constants(layout: dict) -> None:
    assert _lib.SF_CHIP_VERSION == layout["SF_CHIP_VERSION"]
    assert _lib.chip_init().version == layout["SF_CHIP_VERSION"]
    assert _lib.SF_STUB_BAUD_AUTO == layout["SF_STUB_BAUD_AUTO"]
    assert _lib.SF_GO_BOOT_ADDRESS == layout["SF_GO_BOOT_ADDRESS"]


def test_error_classes() -> None:
    import stubflash
    codes = [getattr(_lib, n) for n in dir(_lib) if n.startswith("SF_ERR_")]
    for code in codes:
        e = stubflash.error_for(code, "a sentence")
        assert type(e) is not stubflash.Error and e.code == code and str(e) == "a sentence"
        assert e.reason and e.reason == _lib.text(_lib.lib.sf_strerror(code))
    assert isinstance(stubflash.error_for(-5), TimeoutError)
    assert type(stubflash.error_for(-99)) is stubflash.Error
