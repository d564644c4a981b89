/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* device_stub.c - which RAM stub serves a line of the device table: its family's (families.txt),
 * unless the row says why not (sf_device.no_stub) or the stub and its buffers do not fit the
 * RAM the line's bootloader leaves free. The same test the session makes before loading it
 * (sc_layout_make), so `stubflash chips` says what a write will do. */
#include "sf_internal.h"

#include <string.h>

#include "families.h"
#include "stub_client.h"

/* The rate the fit is tried at: the layout does not depend on it. */
#define PROBE_BAUD 115200u

sf_error sf_device_stub(const sf_device *dev, const char **name, char *why, size_t why_len)
{
    if (name)
        *name = NULL;
    if (why && why_len)
        why[0] = 0;
    if (!dev)
        return SF_ERR_ARG;
    sf_errbuf eb = {why, why ? why_len : 0};
    const sfi_family *f = sfi_family_named(dev->family);
    if (!f && !dev->no_stub)
        return sf_fail(&eb, SF_ERR_UNSUPPORTED, "no stub for the %s flash controller yet", dev->family);
    sc_layout lay;
    sf_error e = sc_layout_make(dev, dev->flash_size, PROBE_BAUD, dev->pid, 0, 0, &lay, &eb);
    if (e)
        return e;
    sc_layout_free(&lay);
    if (name)
        *name = sc_stub_family(dev)->id;
    return SF_OK;
}
