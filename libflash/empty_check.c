/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* empty_check.c - after the first flash word of an empty chip is written, clear the note its
 * empty check took at power-on, so that a reset with BOOT0 low starts the new firmware instead
 * of the system bootloader (sf_device.empty_check; docs/silicon.md).
 *
 * The note only changes at option-byte loading (power-on, an option-byte reload) or by software
 * (RM0444 3.3.2 for the G0's FLASH_ACR EMPTY; the L4's FLASH_SR PEMPTY toggles on a write of 1,
 * as stm32flash's F_PEMPTY reset stub does). The ROM does not write peripheral registers, so a
 * few instructions loaded into RAM through it do: if the first flash word is programmed and the
 * note still says empty, clear it; then reset through SCB->AIRCR. The session waits for the
 * ROM again afterwards (BOOT0 is high while flashing). */
#include "session_internal.h"

#include "families.h"

#include <string.h>

/* Thumb (ARMv6-M, so the Cortex-M0+ of the G0 runs it too), after a two-word vector table:
 *    0 ldr r0, =flash_base      14 tst r1, r2            26 reset: ldr r0, =0xE000ED0C
 *    2 ldr r0, [r0]             16 beq reset             28 ldr r1, =0x05FA0004
 *    4 adds r0, #1              18 bics r1, r2           30 str r1, [r0]
 *    6 beq reset  (erased)      20 ldr r3, =toggle       32 b .
 *    8 ldr r0, =reg             22 orrs r1, r3           34 nop
 *   10 ldr r1, [r0]             24 str r1, [r0]          36 literals
 *   12 ldr r2, =mask
 * The register is written with the note's bit cleared, or set where a 1 toggles it (L4). */
static const uint16_t code[18] = {0x4808, 0x6800, 0x3001, 0xD008, 0x4807, 0x6801, 0x4A07, 0x4211, 0xD003,
                                  0x4391, 0x4B06, 0x4319, 0x6001, 0x4806, 0x4906, 0x6001, 0xE7FE, 0xBF00};

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

bool sf_session_needs_empty_note_cleared(const sf_session *s, const sf_plan *plan)
{
    const sf_device *d = s->chip.device;
    if (!d || d->empty_check == SF_EMPTY_CHECK_NONE)
        return false;
    for (size_t i = 0; i < plan->count; i++)
        if (plan->units[i].start == d->flash_base)
            return true;
    return false;
}

sf_error sf_session_clear_empty_note(sf_session *s)
{
    const sf_device *d = s->chip.device;
    const sfi_family *f = sfi_family_named(d->family);
    if (!f) { /* a line the family table does not know (C0, WL): where its flash registers are */
        sf_session_log(s, SF_LOG_WARNING, "the %s's empty-check note is not cleared (its flash controller is "
                       "not in the family table yet): after a power cycle with BOOT0 low the new firmware "
                       "starts; a plain reset may start the bootloader again", d->name);
        return SF_OK;
    }
    bool sr = d->empty_check == SF_EMPTY_CHECK_SR_PEMPTY;
    uint32_t reg = f->flash_regs + (sr ? 0x10u : 0x00u), mask = sr ? 1u << 17 : 1u << 16;
    bool reset = false;
    sf_error e = s->backend->need_rom(s, &reset); /* the stub leaves by a reset */
    if (e == SF_OK && reset)
        e = sf_session_after_reset(s);
    if (e)
        return e;
    sf_session_log(s, SF_LOG_INFO, "clearing the empty-check note (0x%08X bit %u), so that a reset starts the "
                   "new firmware, and resetting the chip", reg, sr ? 17u : 16u);
    uint32_t base = (d->ram_base + 3u) & ~3u;
    uint8_t img[8 + sizeof code + 24];
    put32(img, base + 0x100u);          /* a stack, unused */
    put32(img + 4, (base + 8u) | 1u);  /* where the code starts, as Go reads it */
    for (size_t i = 0; i < sizeof code / sizeof code[0]; i++) {
        img[8 + 2 * i] = (uint8_t)code[i];
        img[9 + 2 * i] = (uint8_t)(code[i] >> 8);
    }
    uint8_t *lit = img + 8 + sizeof code;
    put32(lit, d->flash_base);
    put32(lit + 4, reg);
    put32(lit + 8, mask);
    put32(lit + 12, sr ? mask : 0u);
    put32(lit + 16, 0xE000ED0Cu);
    put32(lit + 20, 0x05FA0004u);
    if ((e = an_write(&s->link, base, img, sizeof img)) || (e = an_go(&s->link, base)))
        return e;
    return sf_session_after_reset(s);
}
