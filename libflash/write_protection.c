/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* write_protection.c - write protection on every family whose option bytes this library
 * knows, read from the option area and set or removed through it where the ROM's Write
 * Protect / Write Unprotect commands do not serve (stubflash/options.h):
 *   F0/F1/F3  WRP bits, one per group of pages (bit = 0: protected; the ROM's commands)
 *   F2/F4/F7  nWRP, one bit per sector (bit = 0: protected; the ROM's commands)
 *   L0/L1     WRPROT1 / WRP1, one bit per 4 KiB sector (bit = 1: protected; RM0367 3.4.1,
 *             RM0038 3.4.1): through the option area
 *   H7        WRPSN1 and WRPSN2, one bit per sector of bank 1 and of bank 2 (bit = 0:
 *             protected; RM0433 4.5.3): through the option registers (FLASH_WPSN_PRG1R,
 *             FLASH_WPSN_PRG2R); the H7A3/B3's 32 bits each hold a group of 4 sectors (ST's
 *             stm32h7xx_hal_flash_ex.h OB_WRP_SECTOR_0TO3 with 128 sectors per bank): a unit
 *             protected protects its group
 *   H5        WRPSG1 and WRPSG2 the same way (FLASH_WRP1R/WRP2R, bit = 0: protected, groups of 4
 *             sectors on banks of more than 8; RM0481 7.5): shown and checked before a write,
 *             not changed (the H5's option bytes are shown only: option_layouts.c)
 *   L4/G0/G4/WB/WL/C0  two areas of bank 1, WRP1A and WRP1B, first and last page each (an END
 *             below its STRT: no area; RM0351 3.5.2, RM0440 5.5.2, RM0444 3.5.2, RM0434 3.5.2):
 *             through the option area; on the L4/G4 with two banks also bank 2's WRP2A and
 *             WRP2B (0x1FFFF818/0x1FFFF820)
 *   L5/U5     the same four areas, WRPxy_PSTRT/PEND, each bank's pages from 0 (an END below
 *             its start: no area; RM0438 6.5.2, RM0456 7.6.2), all four in the option
 *             registers from FLASH_OPTR (WRP1AR +0x18, WRP1BR +0x1C, WRP2AR +0x28, WRP2BR
 *             +0x2C; stm32u575xx.h FLASH_TypeDef); the U5's UNLOCK = 0 (bit 31) keeps an area
 *             as it is for good: protect/unprotect refuse to change it
 * protect --write takes units numbered in address order; on parts with bank 2's areas a unit of
 * bank 2 goes into WRP2A/WRP2B (the units a group number can name: 0..255).
 */
#include "option_layouts.h"
#include "session_internal.h"
#include "stubflash/options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum wrp_kind { WRP_NONE, WRP_F1_BITS, WRP_SECTORS, WRP_L0_BITS, WRP_AREAS, WRP_H7_SECTORS };

static enum wrp_kind kind_of(const sfi_opt_layout *l)
{
    if (!l)
        return WRP_NONE;
    if (l->complement == SFI_OPT_COMPL_BYTE)
        return WRP_F1_BITS;
    if (!strcmp(l->family, "F2") || !strcmp(l->family, "F4") || !strcmp(l->family, "F7"))
        return WRP_SECTORS;
    if (!strcmp(l->family, "L0") || !strcmp(l->family, "L1"))
        return WRP_L0_BITS;
    if (!strcmp(l->family, "H7") || !strcmp(l->family, "H7A") || !strcmp(l->family, "H5"))
        return WRP_H7_SECTORS;
    return WRP_AREAS;
}

static const sfi_opt_field *named(const sfi_opt_layout *l, const char *name)
{
    for (size_t i = 0; i < l->count; i++)
        if (!strcmp(l->fields[i].name, name))
            return &l->fields[i];
    return NULL;
}

/* The field of bank b's (0, 1) WRP area a (0: A, 1: B) holding its first page (end false) or
 * its last: WRPxy_STRT/END on the L4/G0/G4/WB/WL/C0, WRPxy_PSTRT/PEND on the L5/U5 (their
 * manuals' names); NULL when the layout has no such area. */
static const sfi_opt_field *area_field(const sfi_opt_layout *l, int b, int a, bool end)
{
    bool p = named(l, "WRP1A_PSTRT") != NULL;
    char name[16];
    snprintf(name, sizeof name, "WRP%d%c_%s", b + 1, 'A' + a, end ? (p ? "PEND" : "END") : (p ? "PSTRT" : "STRT"));
    return named(l, name);
}

/* The L0/L1's 32 sector bits from their two halves. */
static uint32_t l0_bits(const sfi_opt_layout *l, const uint8_t *img)
{
    bool l0 = !strcmp(l->family, "L0");
    const sfi_opt_field *lo = named(l, l0 ? "WRPROT1_L" : "WRP1_L"), *hi = named(l, l0 ? "WRPROT1_H" : "WRP1_H");
    return sfi_opt_get(lo, img) | sfi_opt_get(hi, img) << 16;
}

/* Pages in bank 1 of the open chip (units are numbered in address order). */
static uint32_t bank1_units(const sf_session *s)
{
    const sf_device *d = s->chip.device;
    uint32_t b2 = sf_device_bank2_base(d, s->chip.flash_size), idx = 0;
    if (!b2)
        return (uint32_t)sf_device_unit_count(d, s->chip.flash_size);
    sf_device_unit_of(d, s->chip.flash_size, b2, &idx, NULL, NULL);
    return idx;
}

/* Whether the open chip has bank 2's WRP areas: two banks now (the L5's DBANK = 1, ...) and the
 * layout's fields for them, in the second option area (L4/G4: read only on parts with two
 * banks) or in the first (L5/U5). */
static bool bank2_areas(const sf_session *s, const sfi_opt_layout *l)
{
    const sfi_opt_field *f = area_field(l, 1, 0, false);
    return f && sf_device_bank2_base(s->chip.device, s->chip.flash_size) && (l->size2 || f->offset < SFI_OPT_AREA2);
}

/* H7/H7A3/H5: bank b's (0, 1) sector-bit field, WRPSN1/2 (RM0433, RM0455) or WRPSG1/2 (RM0481). */
static const sfi_opt_field *sector_bits(const sfi_opt_layout *l, int b)
{
    const sfi_opt_field *f = named(l, b ? "WRPSN2" : "WRPSN1");
    return f ? f : named(l, b ? "WRPSG2" : "WRPSG1");
}

/* Sectors per bit: 1 on the H74x/H72x (8 bits, 8 sectors a bank) and the H503 (8 sectors a
 * bank); 4 where 32 bits serve a bank of more than 8 sectors (the H7A3's and H56x's 128, their
 * 1 MiB parts' 64 too: ST's stm32h7xx_hal_flash_ex.h and stm32h5xx_hal_flash.h define
 * OB_WRP_SECTOR_0TO3 by the line's sector count, not the part's). */
static uint32_t h7_per_bit(const sf_session *s, const sfi_opt_layout *l)
{
    return sector_bits(l, 0)->width == 32 && bank1_units(s) > 8 ? 4u : 1u;
}

/* Whether unit u (index, start address) is protected by the option image img; why gets the
 * field that protects it. */
static bool unit_protected(const sf_session *s, const sfi_opt_layout *l, const uint8_t *img, uint32_t u,
                           uint32_t start, const char **why)
{
    const sf_device *d = s->chip.device;
    switch (kind_of(l)) {
    case WRP_F1_BITS: {
        uint32_t per = d->layout[0].size >= 2048 ? 2 : 4, bit = u / per > 31 ? 31 : u / per;
        uint32_t w = img[8] | (uint32_t)img[10] << 8 | (uint32_t)img[12] << 16 | (uint32_t)img[14] << 24;
        *why = "WRP";
        return !(w >> bit & 1u);
    }
    case WRP_SECTORS: {
        const sfi_opt_field *f = named(l, "nWRP");
        *why = "nWRP";
        return u < f->width && !(sfi_opt_get(f, img) >> u & 1u);
    }
    case WRP_H7_SECTORS: { /* WRPSN1, WRPSN2: each bank's sectors (bit = 0: protected) */
        uint32_t b1 = bank1_units(s);
        bool bank2 = u >= b1;
        if (bank2 && !(l->size2 && sf_device_bank2_base(d, s->chip.flash_size)))
            return false;
        uint32_t sector = bank2 ? u - b1 : u, per = h7_per_bit(s, l);
        const sfi_opt_field *f = sector_bits(l, bank2);
        *why = f->name;
        return sector / per < f->width && !(sfi_opt_get(f, img) >> (sector / per) & 1u);
    }
    case WRP_L0_BITS: {
        uint32_t sector = (start - d->flash_base) / 4096u;
        *why = !strcmp(l->family, "L0") ? "WRPROT1" : "WRP1";
        return sector < 32 && (l0_bits(l, img) >> sector & 1u);
    }
    case WRP_AREAS: {
        /* Bank 1's areas, or bank 2's (pages counted from bank 2's start) where it has them. */
        uint32_t b1 = bank1_units(s);
        bool bank2 = u >= b1;
        if (bank2 && !bank2_areas(s, l))
            return false;
        uint32_t page = bank2 ? u - b1 : u;
        for (int a = 0; a < 2; a++) {
            const sfi_opt_field *first = area_field(l, bank2, a, false);
            uint32_t strt = sfi_opt_get(first, img), end = sfi_opt_get(area_field(l, bank2, a, true), img);
            *why = first->name;
            if (strt <= end && page >= strt && page <= end)
                return true;
        }
        return false;
    }
    default:
        return false;
    }
}

/* The option area (and bank 2's, where the part has it) into img (SFI_OPT_IMAGE_MAX bytes). */
static sf_error read_area(sf_session *s, const sfi_opt_layout *l, uint8_t *img)
{
    memset(img, 0xFF, SFI_OPT_IMAGE_MAX);
    sf_error e = s->backend->read(s, sfi_opt_base(l, s->chip.device->option_base), img, l->size, SF_PHASE_READ, NULL, 0);
    if (e == SF_OK && l->size2 && sf_device_bank2_base(s->chip.device, s->chip.flash_size))
        e = s->backend->read(s, l->base2, img + SFI_OPT_AREA2, l->size2, SF_PHASE_READ, NULL, 0);
    return e;
}

sf_error sf_session_check_units_protection(sf_session *s, const uint32_t *units, size_t n)
{
    const sf_device *d = s->chip.device;
    const sfi_opt_layout *l = d ? sfi_opt_layout_of(d->family) : NULL;
    if (!l || !sfi_opt_base(l, d->option_base) || kind_of(l) == WRP_F1_BITS || !n)
        return SF_OK; /* F0/F1/F3: checked from the chip state (checks.c) */
    uint8_t img[SFI_OPT_IMAGE_MAX];
    sf_error e = read_area(s, l, img);
    if (e == SF_ERR_NACK && l->no_write) {
        /* The H5's option registers through the ROM's Read Memory are assumed, not seen: a
         * refusal there leaves its write protection unchecked rather than the write refused. */
        sf_session_log(s, SF_LOG_INFO, "the %s's write protection could not be read (%s): not checked before "
                       "writing", l->family, sf_session_last_error(s));
        return SF_OK;
    }
    if (e)
        return e;
    for (size_t i = 0; i < n; i++) {
        uint32_t start = 0;
        const char *why = "";
        sf_device_unit_at(d, s->chip.flash_size, units[i], &start, NULL);
        if (unit_protected(s, l, img, units[i], start, &why))
            return sf_fail(&s->eb, SF_ERR_PROTECTED, "erase unit %u (0x%08X) is write-protected (%s in the option "
                           "bytes): it would not be written. 'stubflash unprotect --write' removes write protection",
                           units[i], start, why);
    }
    return SF_OK;
}

sf_error sf_session_protected_units(sf_session *s, uint8_t *flags, size_t count, size_t *protected_count)
{
    if (!s || (!flags && count))
        return SF_ERR_ARG;
    sf_error e = sf_session_begin_op(s);
    if (e)
        return e;
    const sf_device *d = s->chip.device;
    const sfi_opt_layout *l = d ? sfi_opt_layout_of(d->family) : NULL;
    if ((e = sf_session_need_device(s)) || (e = sf_session_refuse_if_readout_protected(s)))
        return sf_session_end_op(s, e);
    if (!l || !sfi_opt_base(l, d->option_base))
        return sf_session_end_op(s, sf_fail(&s->eb, SF_ERR_UNSUPPORTED, "the write protection of %s is not known to "
                                            "this version", d->name));
    uint8_t img[SFI_OPT_IMAGE_MAX];
    if ((e = read_area(s, l, img)))
        return sf_session_end_op(s, e);
    size_t units = sf_device_unit_count(d, s->chip.flash_size), n = 0;
    for (size_t u = 0; u < units; u++) {
        uint32_t start = 0;
        const char *why;
        sf_device_unit_at(d, s->chip.flash_size, u, &start, NULL);
        bool p = unit_protected(s, l, img, (uint32_t)u, start, &why);
        n += p;
        if (u < count)
            flags[u] = p;
    }
    if (protected_count)
        *protected_count = n;
    return sf_session_end_op(s, SF_OK);
}

/* Whether the open chip changes write protection through its option area (not the ROM's
 * Write Protect / Write Unprotect commands). */
bool sf_session_wrp_by_options(sf_session *s)
{
    const sf_device *d = s->chip.device;
    const sfi_opt_layout *l = d ? sfi_opt_layout_of(d->family) : NULL;
    return l && sfi_opt_base(l, d->option_base) &&
           (kind_of(l) == WRP_AREAS || kind_of(l) == WRP_L0_BITS || kind_of(l) == WRP_H7_SECTORS);
}

/* The WRP areas holding every page that is protected now (per img; NULL: none) or in groups:
 * at most two runs of pages in each bank that has areas (bank 1's; bank 2's where the chip has
 * them), each run's pages counted from its bank's start. */
static sf_error set_areas(sf_session *s, sf_options *o, const uint32_t *groups, size_t n, const uint8_t *img)
{
    const sfi_opt_layout *l = sfi_opt_layout_of(s->chip.device->family);
    uint32_t b1 = bank1_units(s), max = (1u << area_field(l, 0, 0, false)->width) - 1u;
    int banks = bank2_areas(s, l) ? 2 : 1;
    uint32_t units = banks == 2 ? (uint32_t)sf_device_unit_count(s->chip.device, s->chip.flash_size) : b1;
    uint8_t *want = calloc(units ? units : 1, 1);
    if (!want)
        return sf_fail(&s->eb, SF_ERR_NOMEM, "out of memory");
    for (uint32_t u = 0; img && u < units; u++) {
        const char *why;
        want[u] = unit_protected(s, l, img, u, 0, &why);
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t g = groups[i], in_bank = g >= b1 ? g - b1 : g;
        if (g >= units || in_bank > max) {
            free(want);
            return sf_fail(&s->eb, SF_ERR_ARG, "page %u cannot be write-protected on the %s: its WRP areas hold "
                           "pages 0..%u%s", g, l->family, (b1 < max + 1 ? b1 : max + 1) - 1,
                           banks == 2 ? " of each bank (bank 2's numbered here from the end of bank 1)" : " of bank 1");
        }
        want[g] = 1;
    }
    for (int b = 0; b < banks; b++) {
        uint32_t from = b ? b1 : 0, to = b ? units : b1, strt[2], end[2], runs = 0;
        for (uint32_t u = from; u < to; u++) {
            if (!want[u] || (u > from && want[u - 1]))
                continue;
            uint32_t v = u;
            while (v + 1 < to && want[v + 1])
                v++;
            if (runs == 2 || v - from > max) {
                free(want);
                return sf_fail(&s->eb, SF_ERR_ARG, "the %s protects at most two runs of pages in bank %d (areas "
                               "WRP%dA and WRP%dB, pages 0..%u); these pages, with those protected already, do not "
                               "fit; nothing was changed", l->family, b + 1, b + 1, b + 1, max);
            }
            strt[runs] = u - from, end[runs] = v - from, runs++;
        }
        for (int a = 0; a < 2; a++) {
            sf_options_set(o, area_field(l, b, a, false)->name, (uint32_t)a < runs ? strt[a] : max);
            sf_options_set(o, area_field(l, b, a, true)->name, (uint32_t)a < runs ? end[a] : 0);
        }
    }
    free(want);
    /* Removing it all: bank 2's areas too where the options were read with them (an L4/G4's
     * second area) though the chip has one bank now. */
    for (int a = 0; !img && banks == 1 && a < 2; a++) {
        const sfi_opt_field *f = area_field(l, 1, a, false), *e = area_field(l, 1, a, true);
        if (f && e && sf_options_find(o, f->name, NULL) == SF_OK) {
            sf_options_set(o, f->name, max);
            sf_options_set(o, e->name, 0);
        }
    }
    return SF_OK;
}

static sf_error set_l0_bits(sf_session *s, sf_options *o, const uint32_t *groups, size_t n, const uint8_t *img,
                            bool clear)
{
    const sfi_opt_layout *l = sfi_opt_layout_of(s->chip.device->family);
    uint32_t bits = clear ? 0 : l0_bits(l, img);
    for (size_t i = 0; i < n; i++) {
        if (groups[i] > 31)
            return sf_fail(&s->eb, SF_ERR_ARG, "sector %u: the %s's WRPROT bits cover sectors 0..31 (4 KiB each)",
                           groups[i], l->family);
        bits |= 1u << groups[i];
    }
    bool l0 = !strcmp(l->family, "L0");
    sf_options_set(o, l0 ? "WRPROT1_L" : "WRP1_L", bits & 0xFFFFu);
    sf_options_set(o, l0 ? "WRPROT1_H" : "WRP1_H", bits >> 16);
    return SF_OK;
}

/* H7: sectors numbered in address order, bank 1's (WRPSN1) then bank 2's (WRPSN2) where the
 * part has two banks; clear: every sector of both writable. */
static sf_error set_h7_sectors(sf_session *s, sf_options *o, const uint32_t *groups, size_t n, const uint8_t *img,
                               bool clear)
{
    const sfi_opt_layout *l = sfi_opt_layout_of(s->chip.device->family);
    const sfi_opt_field *f1 = sector_bits(l, 0), *f2 = sector_bits(l, 1);
    bool two = sf_options_find(o, f2->name, NULL) == SF_OK;
    uint32_t b1 = bank1_units(s), bits[2], width = f1->width, per = h7_per_bit(s, l);
    uint32_t all = width >= 32 ? 0xFFFFFFFFu : (1u << width) - 1u, covered = width * per < b1 ? width * per : b1;
    bits[0] = clear ? all : sfi_opt_get(f1, img);
    bits[1] = clear ? all : sfi_opt_get(f2, img);
    for (size_t i = 0; i < n; i++) {
        unsigned bank = groups[i] >= b1, sector = groups[i] - (bank ? b1 : 0);
        if (sector >= covered || (bank && !two))
            return sf_fail(&s->eb, SF_ERR_ARG, "sector %u: the %s's write protection covers sectors 0..%u (%s)",
                           groups[i], s->chip.device->name, (two ? b1 + covered : covered) - 1,
                           two ? "WRPSN1 bank 1's, WRPSN2 bank 2's" : "WRPSN1");
        bits[bank] &= ~(1u << (sector / per));
    }
    sf_options_set(o, f1->name, bits[0]);
    if (two)
        sf_options_set(o, f2->name, bits[1]);
    return SF_OK;
}

sf_error sf_session_wrp_change(sf_session *s, const uint32_t *groups, size_t n, bool clear)
{
    sf_options *o = NULL;
    sf_error e = sf_session_options_read(s, &o);
    if (e)
        return e;
    const sfi_opt_layout *l = sfi_opt_layout_of(s->chip.device->family);
    if (l->no_write) {
        sf_options_free(o);
        return sf_fail(&s->eb, SF_ERR_UNSUPPORTED, "write protection cannot be changed here: %s", l->no_write);
    }
    uint8_t img[SFI_OPT_IMAGE_MAX];
    memset(img, 0xFF, sizeof img);
    for (size_t i = 0; i < sf_options_count(o); i++) /* the image as read, for unit_protected */
        sfi_opt_put(named(l, sf_options_name(o, i)), img, sf_options_read_value(o, i));
    if (kind_of(l) == WRP_AREAS) {
        e = set_areas(s, o, groups, n, clear ? NULL : img);
    } else if (kind_of(l) == WRP_H7_SECTORS) {
        e = set_h7_sectors(s, o, groups, n, img, clear);
    } else
        e = set_l0_bits(s, o, groups, n, img, clear);
    bool any = false;
    for (size_t i = 0; i < sf_options_count(o); i++) {
        any |= sf_options_changed(o, i);
        /* The U5's UNLOCK = 0 keeps an area as it is (RM0456 7.9, FLASH_WRP1AR UNLOCK). */
        const char *name = sf_options_name(o, i);
        char lock[16];
        size_t k;
        snprintf(lock, sizeof lock, "%.5s_UNLOCK", name);
        if (e == SF_OK && sf_options_changed(o, i) && strlen(name) > 5 && !strncmp(name, "WRP", 3) &&
            sf_options_find(o, lock, &k) == SF_OK && sf_options_read_value(o, k) == 0)
            e = sf_fail(&s->eb, SF_ERR_PROTECTED, "%s is locked (%s = 0): the %s keeps this write-protected area "
                        "for good and it cannot be changed; nothing was written", name, lock, l->family);
    }
    if (e == SF_OK && !any) {
        sf_session_say(s, SF_LOG_INFO, "write protection is already as asked: nothing to change");
        sf_options_free(o);
        return SF_OK;
    }
    if (e == SF_OK)
        e = sf_session_options_write(s, o, 0);
    sf_options_free(o);
    return e;
}
