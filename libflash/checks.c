/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* checks.c - what is checked before anything is erased: a known chip, no readout protection,
 * every byte inside the flash, no write-protected unit touched. */
#include "session_internal.h"

#include <stdlib.h>

sf_error sf_session_need_device(sf_session *s)
{
    if (s->chip.device)
        return SF_OK;
    return sf_fail(&s->eb, SF_ERR_DEVICE,
                   "unknown chip: the bootloader reports product ID 0x%03X, which is not in stubflash's device "
                   "table ('stubflash info' shows what it knows); writing needs the flash layout", s->chip.pid);
}

sf_error sf_session_refuse_if_readout_protected(sf_session *s)
{
    if (!s->chip.protection.readout)
        return SF_OK;
    return sf_fail(&s->eb, SF_ERR_PROTECTED,
                   "readout protection is active: the bootloader refuses to read, write or erase the flash. "
                   "'stubflash unprotect --readout --erase-all' removes it, and the chip then ERASES ALL its flash");
}

/* Groups of units one WRP bit protects on F0/F1/F3 (bit 31 covers the rest). */
static uint32_t wrp_bit_of_unit(const sf_device *d, uint32_t unit)
{
    uint32_t per = d->layout[0].size >= 2048 ? 2 : 4; /* 2 KiB pages: 2 per bit; 1 KiB: 4 per bit */
    uint32_t bit = unit / per;
    return bit > 31 ? 31 : bit;
}

sf_error sf_session_check_units_writable(sf_session *s, const uint32_t *units, size_t n)
{
    sf_error e = sf_session_refuse_if_banks_swapped(s);
    if (e)
        return e;
    const sf_protection *p = &s->chip.protection;
    if (!p->known_wrp) /* the other families' nWRP, WRPROT bits, WRP areas */
        return sf_session_check_units_protection(s, units, n);
    for (size_t i = 0; i < n; i++) {
        uint32_t bit = wrp_bit_of_unit(s->chip.device, units[i]);
        if (!(p->wrp & (1u << bit))) {
            uint32_t start = 0;
            sf_device_unit_at(s->chip.device, s->chip.flash_size, units[i], &start, NULL);
            return sf_fail(&s->eb, SF_ERR_PROTECTED,
                           "page %u (0x%08X) is write-protected (WRP bit %u): the bootloader would skip it "
                           "silently. 'stubflash unprotect --write' removes write protection", units[i], start, bit);
        }
    }
    return SF_OK;
}

sf_error sf_session_check_plan(sf_session *s, const sf_image *img, sf_plan *plan)
{
    sf_error e;
    if ((e = sf_session_need_device(s)) || (e = sf_session_refuse_if_readout_protected(s)))
        return e;
    if (!img || sf_image_size(img) == 0)
        return sf_fail(&s->eb, SF_ERR_ARG, "empty image");
    if ((e = sf_plan_build(s->chip.device, s->chip.flash_size, img, plan, &s->eb)))
        return e;
    uint32_t *units = malloc(plan->count * sizeof *units);
    if (!units) {
        sf_plan_free(plan);
        return sf_fail(&s->eb, SF_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < plan->count; i++)
        units[i] = plan->units[i].index;
    e = sf_session_check_units_writable(s, units, plan->count);
    free(units);
    if (e)
        sf_plan_free(plan);
    return e;
}
