/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* backend.h - who carries out a session's operations on the chip: the ROM bootloader (AN3155,
 * backend_rom.c) or our RAM stub (backend_stub.c). Both do the same operations; the session
 * holds a pointer to the one in charge and never asks which it is. The stub's life (loaded,
 * found, left: stub_boot.c) switches the pointer. Internal. */
#ifndef SF_BACKEND_H
#define SF_BACKEND_H

#include "plan.h"
#include "sf_internal.h"

typedef struct sf_backend {
    const char *name; /* for the log: "the ROM bootloader", "the stub" */
    /* Before a write: the ROM backend loads the stub if the session wants it (the session's
     * backend is then the stub's); SF_OK either way unless the board was lost. */
    sf_error (*prepare_write)(sf_session *s);
    /* Read [addr, addr+len) with every byte checked (CRC, or two reads that agree); progress
     * in phase ph from *done to total if done is not NULL. */
    sf_error (*read)(sf_session *s, uint32_t addr, uint8_t *buf, size_t len, sf_phase ph, uint64_t *done,
                     uint64_t total);
    /* Which units of the plan the chip does not hold already: changed[i], and the chip's CRC32
     * of each unit in crcs[i] (*have_crcs false where the backend cannot tell cheaply: every
     * unit is then "changed"). */
    sf_error (*compare)(sf_session *s, const sf_plan *plan, bool *changed, uint32_t *crcs, bool *have_crcs);
    /* Erase the plan's units (only those). */
    sf_error (*erase_units)(sf_session *s, const sf_plan *plan);
    /* Erase (unless SF_WRITE_NO_ERASE) and write the changed units, then verify them if
     * SF_WRITE_VERIFY; unit events along the way. */
    sf_error (*write_plan)(sf_session *s, const sf_plan *plan, const bool *changed, unsigned flags);
    /* Compare the chip with the image; SF_ERR_VERIFY names the first differing address. */
    sf_error (*verify_image)(sf_session *s, const sf_image *img);
    /* Start code at addr (SP from addr, PC from addr+4); the chip no longer listens. */
    sf_error (*go)(sf_session *s, uint32_t addr);
    /* Reset the chip; the session then waits for the ROM (sf_session_after_reset). */
    sf_error (*reset)(sf_session *s);
    /* For commands only the ROM has: make the ROM listen. *reset is set when that took a reset
     * (the session then reads the chip again). */
    sf_error (*need_rom)(sf_session *s, bool *reset);
    /* The session closes: leave the chip to the bootloader, as a ROM-only tool expects it. */
    void (*release)(sf_session *s);
} sf_backend;

extern const sf_backend sf_backend_rom;
extern const sf_backend sf_backend_stub;

/* backend_rom.c: through the ROM, SF_OK if the chip holds expect at addr (n <= 256),
 * SF_ERR_VERIFY if it shows other bytes twice (AN3155 reads have no checksum: a difference
 * once may be line noise). The stub's loader checks itself with it. */
sf_error sf_rom_verify_block(sf_session *s, uint32_t addr, const uint8_t *expect, size_t n);
/* The ROM's erase timeout for the plan's units. */
unsigned sf_rom_erase_timeout_ms(const sf_plan *plan);

#endif
