/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* options.c - the option bytes by name (stubflash/options.h): read through the current
 * backend, changed on a copy, written back through the ROM's Write Memory on the option area
 * (which erases them, programs what it is sent and resets the chip so they load), then read
 * again and checked field by field. The layouts are in option_layouts.c. */
#include "option_layouts.h"
#include "session_internal.h"
#include "stubflash/options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define IMAGE_MAX SFI_OPT_IMAGE_MAX

struct sf_options {
    const sfi_opt_layout *layout;
    uint32_t base;              /* where the option area is */
    bool area2;                 /* bank 2's area read too (a part with two banks) */
    uint8_t read[IMAGE_MAX];    /* as read from the chip: area 1, area 2 at SFI_OPT_AREA2 */
    uint8_t image[IMAGE_MAX];   /* with the staged changes */
    size_t idx[64], n;          /* the layout's fields this chip has */
    char err[256];
};

static bool in_area2(const sfi_opt_field *f) { return f->offset >= SFI_OPT_AREA2; }

static sf_error read_image(sf_session *s, sf_options **out)
{
    const sf_device *d = s->chip.device;
    sf_error e;
    if ((e = sf_session_need_device(s)) || (e = sf_session_refuse_if_readout_protected(s)))
        return e;
    const sfi_opt_layout *l = sfi_opt_layout_of(d->family);
    if (!l || !sfi_opt_base(l, d->option_base))
        return sf_fail(&s->eb, SF_ERR_UNSUPPORTED, "the option bytes of %s (%s) are not known to this version",
                       d->name, d->family);
    sf_options *o = calloc(1, sizeof *o);
    if (!o)
        return sf_fail(&s->eb, SF_ERR_NOMEM, "out of memory");
    o->layout = l;
    o->base = sfi_opt_base(l, d->option_base);
    o->area2 = l->size2 && sf_device_bank2_base(d, s->chip.flash_size);
    memset(o->read, 0xFF, sizeof o->read);
    if ((e = s->backend->read(s, o->base, o->read, l->size, SF_PHASE_READ, NULL, 0)) ||
        (o->area2 && (e = s->backend->read(s, l->base2, o->read + SFI_OPT_AREA2, l->size2, SF_PHASE_READ, NULL, 0)))) {
        free(o);
        return e;
    }
    for (size_t i = 0; i < l->count && o->n < sizeof o->idx / sizeof o->idx[0]; i++)
        if (o->area2 || !in_area2(&l->fields[i]))
            o->idx[o->n++] = i;
    memcpy(o->image, o->read, sizeof o->image);
    *out = o;
    return SF_OK;
}

sf_error sf_session_options_read_in_op(sf_session *s, sf_options **out) { return read_image(s, out); }

sf_error sf_session_options_read(sf_session *s, sf_options **out)
{
    if (!s || !out)
        return SF_ERR_ARG;
    *out = NULL;
    sf_error e = sf_session_begin_op(s);
    if (e)
        return e;
    return sf_session_end_op(s, read_image(s, out));
}

void sf_options_free(sf_options *o) { free(o); }
const char *sf_options_family(const sf_options *o) { return o ? o->layout->family : ""; }
const char *sf_options_source(const sf_options *o) { return o ? o->layout->source : ""; }
size_t sf_options_count(const sf_options *o) { return o ? o->n : 0; }

static const sfi_opt_field *field(const sf_options *o, size_t i)
{
    return o && i < o->n ? &o->layout->fields[o->idx[i]] : NULL;
}

const char *sf_options_name(const sf_options *o, size_t i) { return field(o, i) ? field(o, i)->name : NULL; }
const char *sf_options_meaning(const sf_options *o, size_t i) { return field(o, i) ? field(o, i)->meaning : NULL; }
unsigned sf_options_width(const sf_options *o, size_t i) { return field(o, i) ? field(o, i)->width : 0; }

const char *sf_options_register(const sf_options *o, size_t i, unsigned *bit)
{
    const sfi_opt_field *f = field(o, i);
    if (bit)
        *bit = f ? f->reg_bit : 0;
    return f ? f->reg : NULL;
}

unsigned sf_options_flags(const sf_options *o, size_t i)
{
    const sfi_opt_field *f = field(o, i);
    if (!f)
        return 0;
    unsigned out = 0;
    if (f->flags & SFI_OPT_RDP) out |= SF_OPTION_READOUT;
    if (f->flags & SFI_OPT_NO_ROM) out |= SF_OPTION_NO_BOOTLOADER;
    if (f->flags & SFI_OPT_WRP) out |= SF_OPTION_WRITE_PROTECTION;
    if (f->flags & SFI_OPT_BOOT_BANK) out |= SF_OPTION_BOOT_BANK;
    if (f->flags & (SFI_OPT_READ_ONLY | SFI_OPT_RDP)) out |= SF_OPTION_READ_ONLY;
    if (f->flags & SFI_OPT_BANK_MODE) out |= SF_OPTION_BANK_MODE;
    return out;
}

uint32_t sf_options_value(const sf_options *o, size_t i) { return field(o, i) ? sfi_opt_get(field(o, i), o->image) : 0; }
uint32_t sf_options_read_value(const sf_options *o, size_t i) { return field(o, i) ? sfi_opt_get(field(o, i), o->read) : 0; }
bool sf_options_changed(const sf_options *o, size_t i) { return sf_options_value(o, i) != sf_options_read_value(o, i); }
const char *sf_options_last_error(const sf_options *o) { return o ? o->err : ""; }

sf_error sf_options_find(const sf_options *o, const char *name, size_t *index)
{
    for (size_t i = 0; o && name && i < o->n; i++)
        if (!strcasecmp(field(o, i)->name, name)) {
            if (index)
                *index = i;
            return SF_OK;
        }
    return SF_ERR_ARG;
}

sf_error sf_options_set(sf_options *o, const char *name, uint32_t value)
{
    if (!o || !name)
        return SF_ERR_ARG;
    size_t i;
    if (sf_options_find(o, name, &i) != SF_OK) {
        size_t k = (size_t)snprintf(o->err, sizeof o->err, "%s has no option field '%s'; it has:", o->layout->family, name);
        for (size_t j = 0; j < o->n && k < sizeof o->err; j++)
            k += (size_t)snprintf(o->err + k, sizeof o->err - k, " %s", field(o, j)->name);
        return SF_ERR_ARG;
    }
    const sfi_opt_field *f = field(o, i);
    if (o->layout->no_write) {
        snprintf(o->err, sizeof o->err, "%s: %s", f->name, o->layout->no_write);
        return SF_ERR_ARG;
    }
    if (f->flags & SFI_OPT_RDP) {
        snprintf(o->err, sizeof o->err, "%s is readout protection: 'protect --readout' and 'unprotect --readout' "
                 "change it, with their confirmations (level 2, 0xCC, locks the chip for good and is refused here)",
                 f->name);
        return SF_ERR_ARG;
    }
    if (f->flags & SFI_OPT_READ_ONLY) {
        snprintf(o->err, sizeof o->err, "%s is shown only: %s; this version does not change it", f->name, f->meaning);
        return SF_ERR_ARG;
    }
    if (f->width < 32 && value >> f->width) {
        snprintf(o->err, sizeof o->err, "%s is %u bit%s wide: %u (0x%X) does not fit (0..%u)", f->name, f->width,
                 f->width == 1 ? "" : "s", value, value, (1u << f->width) - 1u);
        return SF_ERR_ARG;
    }
    sfi_opt_put(f, o->image, value);
    o->err[0] = 0;
    return SF_OK;
}

bool sf_options_loses_bootloader(const sf_options *o, size_t i)
{
    const sfi_opt_field *f = field(o, i);
    if (!f || !(f->flags & SFI_OPT_NO_ROM) || !sf_options_changed(o, i))
        return false;
    return f->rom_value == 0xFFFFFFFFu || sf_options_value(o, i) != f->rom_value;
}

/* The option area as it goes to the chip: the staged values with their complements. */
static void outgoing(const sf_options *o, uint8_t *out)
{
    memcpy(out, o->image, IMAGE_MAX);
    sfi_opt_complement(o->layout, out);
}

/* Whether bank-mode field f means something on the open chip: DB1M on the F42x/43x with
 * 1 MiB only (RM0090 3.9.10: "DB1M ... 1 Mbyte devices"), nDBANK on the F76x/77x (RM0410
 * 3.3.1), not the F74x/75x that share the F7's layout (bit 29 reserved there). */
static bool bank_mode_applies(const sf_session *s, const sfi_opt_field *f)
{
    const sf_device *d = sf_device_find(s->chip.pid);
    if (!d)
        return false;
    if (!strcmp(f->name, "DB1M"))
        return d->bank_mode == SF_BANKS_F4_DB1M && s->chip.flash_size == 1024u * 1024u;
    return !strcmp(f->name, "nDBANK") && d->bank_mode == SF_BANKS_F7_NDBANK;
}

sf_error sf_session_options_write(sf_session *s, const sf_options *o, unsigned flags)
{
    if (!s || !o)
        return SF_ERR_ARG;
    sf_error e = sf_session_begin_op(s);
    if (e)
        return e;
    const sf_device *d = s->chip.device;
    if ((e = sf_session_need_device(s)) || (e = sf_session_refuse_if_readout_protected(s)))
        return sf_session_end_op(s, e);
    if (!d || strcmp(d->family, o->layout->family) || sfi_opt_base(o->layout, d->option_base) != o->base)
        return sf_session_end_op(s, sf_fail(&s->eb, SF_ERR_STATE, "these option bytes were read from another chip"));
    if (o->layout->no_write)
        return sf_session_end_op(s, sf_fail(&s->eb, SF_ERR_UNSUPPORTED, "%s", o->layout->no_write));
    size_t changed = 0;
    bool area_changed[2] = {false, false}, bank_mode = false;
    for (size_t i = 0; i < o->n; i++) {
        const sfi_opt_field *f = field(o, i);
        if (!sf_options_changed(o, i))
            continue;
        changed++;
        area_changed[in_area2(f)] = true;
        /* A copy changed by hand (sf_options_set refuses these already). */
        if (f->flags & (SFI_OPT_RDP | SFI_OPT_READ_ONLY))
            return sf_session_end_op(s, sf_fail(&s->eb, SF_ERR_ARG, "%s cannot be changed here; nothing was written", f->name));
        if (sf_options_loses_bootloader(o, i) && !(flags & SF_OPTIONS_ALLOW_NO_BOOTLOADER))
            return sf_session_end_op(s, sf_fail(&s->eb, SF_ERR_ARG, "%s = %u can take the way into the ROM bootloader "
                                                "away (%s): then only a debugger or your firmware can change the chip "
                                                "again. Nothing was written; confirm it explicitly to go on",
                                                f->name, sf_options_value(o, i), f->meaning));
        bank_mode |= (f->flags & SFI_OPT_BANK_MODE) != 0;
        if ((f->flags & SFI_OPT_BANK_MODE) && !bank_mode_applies(s, f))
            return sf_session_end_op(s, sf_fail(&s->eb, SF_ERR_ARG, "%s means nothing on the %s (%s); nothing was "
                                                "written", f->name, d->name, f->meaning));
        if ((f->flags & SFI_OPT_BANK_MODE) && !(flags & SF_OPTIONS_ALLOW_BANK_MODE))
            return sf_session_end_op(s, sf_fail(&s->eb, SF_ERR_ARG, "%s = %u re-organises the flash (%s): the chip "
                                                "reads it in another order afterwards, so the whole flash is erased "
                                                "after the change. Nothing was written; confirm it explicitly to go on",
                                                f->name, sf_options_value(o, i), f->meaning));
    }
    if (!changed)
        return sf_session_end_op(s, sf_fail(&s->eb, SF_ERR_ARG, "no option field changes: nothing to write"));
    uint8_t img[IMAGE_MAX];
    outgoing(o, img);
    if ((e = sf_session_need_rom(s)))
        return sf_session_end_op(s, e);
    /* Each area that changes: Write Memory on it, after which the ROM resets the chip. */
    for (int a = 0; a < 2; a++) {
        if (!area_changed[a])
            continue;
        uint32_t at = a ? o->layout->base2 : o->base, size = a ? o->layout->size2 : o->layout->size;
        sf_session_log(s, SF_LOG_INFO, "writing %u bytes of option bytes at 0x%08X%s; the chip resets to load them",
                       size, at, a ? " (bank 2's)" : "");
        if ((e = an_write(&s->link, at, img + (a ? SFI_OPT_AREA2 : 0), size)) || (e = sf_session_after_reset(s)))
            return sf_session_end_op(s, e);
    }
    sf_options *now = NULL;
    if ((e = read_image(s, &now)))
        return sf_session_end_op(s, e);
    for (size_t i = 0; i < o->n && e == SF_OK; i++) {
        const sfi_opt_field *f = field(o, i);
        uint32_t want = sfi_opt_get(f, img), got = sfi_opt_get(f, now->read);
        if (want != got)
            e = sf_fail(&s->eb, SF_ERR_VERIFY, "after the reset %s reads %u (0x%X), not the %u (0x%X) written", f->name,
                        got, got, want, want);
    }
    free(now);
    if (e == SF_OK && bank_mode) /* the session read the new organisation at the reset */
        e = sf_session_mass_erase_in_op(s);
    return sf_session_end_op(s, e);
}
