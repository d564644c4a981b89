/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bank_swap.c - A/B updates on parts whose flash banks can swap (stubflash/options.h): write
 * the bank that does not boot, verify it, then flip the boot-bank option; the firmware that ran
 * stays whole in the other bank, and flipping back is the rollback.
 *
 * L4 and G4: BFB2 (FLASH_OPTR bit 20; RM0351 3.4.1, RM0440 5.4.1). With BFB2 set and BOOT0 low
 * the system bootloader boots bank 2 if its first word is a stack pointer in SRAM, with the
 * banks swapped in the address map (SYSCFG_MEMRMP FB_MODE), else bank 1 (AN2606, "dual bank
 * boot"). The ROM bootloader itself sees the banks at their own addresses, so the bank that does
 * not boot is written where it is: bank 2 at its base, or bank 1 at the flash base. An image
 * linked for the flash base runs from either bank.
 *
 * H7: SWAP_BANK_OPT (FLASH_OPTSR bit 31; RM0433 4.3.13) trades the banks' addresses for every
 * bus master, the bootloader included: the bank that does not boot is always the one at bank 2's
 * address, whichever it is.
 *
 * L5: SWAP_BANK (FLASH_OPTR bit 20; RM0438 6.9, as NuttX's stm32l5_flash.h has it) is taken to
 * trade the banks' addresses as the H7's does (assumed from RM0438's "bank 1 and bank 2
 * addresses are swapped"), with two banks only (DBANK = 1).
 *
 * U5: SWAP_BANK (FLASH_OPTR bit 20) the same: the U575's SVD says of it "bank 1 base address
 * offset 0x10 0000, bank 2 base address offset 0" (RM0456 7.9.15).
 *
 * Others (F42x/43x BFB2, F76x nDBANK, G0B/C nSWAP_BANK) are not done yet:
 * refused in words.
 */
#include "option_layouts.h"
#include "session_internal.h"
#include "stubflash/options.h"

#include <stdlib.h>
#include <string.h>

/* The boot-bank field of the open chip's options, with a sentence for parts without one;
 * swapped_map: the field trades the banks' addresses for the bootloader too (H7). */
static sf_error boot_bank_field(sf_session *s, sf_options **o, size_t *index, uint32_t *bank2, uint32_t *half,
                                bool *swapped_map)
{
    sf_chip chip = SF_CHIP_INIT;
    sf_error e = sf_session_chip(s, &chip);
    if (e)
        return e;
    const sf_device *d = chip.device;
    *bank2 = d ? sf_device_bank2_base(d, chip.flash_size) : 0;
    uint32_t hole_size = 0;
    bool l5 = d && (!strcmp(d->family, "L5") || !strcmp(d->family, "U5"));
    *swapped_map = d && (!strcmp(d->family, "H7") || l5);
    bool bfb2_family = d && (!strcmp(d->family, "L4") || !strcmp(d->family, "G4") || *swapped_map);
    if (!bfb2_family || !*bank2 || (d && sf_device_hole(d, chip.flash_size, &hole_size)) ||
        (*bank2 - d->flash_base) * 2 != chip.flash_size)
        return sf_fail(&s->eb, SF_ERR_UNSUPPORTED, "%s cannot boot from either bank here: A/B updates "
                                    "(--bank-swap) need two equal banks and a boot-bank option this version "
                                    "switches (L4, G4 BFB2; H7 SWAP_BANK_OPT; L5 SWAP_BANK with DBANK = 1; U5 SWAP_BANK); nothing was changed",
                                    d ? d->name : "this chip");
    *half = *bank2 - d->flash_base;
    if ((e = sf_session_options_read(s, o)))
        return e;
    const char *name = l5 ? "SWAP_BANK" : *swapped_map ? "SWAP_BANK_OPT" : "BFB2";
    if (sf_options_find(*o, name, index) != SF_OK) {
        sf_options_free(*o);
        return sf_session_set_error(s, SF_ERR_UNSUPPORTED, "no %s in the option bytes of the %s", name, d->family);
    }
    /* L4 DUALBANK, G4 DBANK: a part set to one bank has nothing to swap. */
    size_t k;
    if ((sf_options_find(*o, "DUALBANK", &k) == SF_OK || sf_options_find(*o, "DBANK", &k) == SF_OK) &&
        !sf_options_value(*o, k)) {
        const char *bank_opt = sf_options_name(*o, k);
        sf_options_free(*o);
        return sf_fail(&s->eb, SF_ERR_UNSUPPORTED, "%s is set to one bank (%s = 0): there is no other bank to "
                       "write and boot; nothing was changed", d->name, bank_opt);
    }
    return SF_OK;
}

sf_error sf_session_boot_bank(sf_session *s, int *bank)
{
    if (!s || !bank)
        return SF_ERR_ARG;
    sf_options *o;
    size_t i;
    uint32_t bank2, half;
    bool swapped_map;
    sf_error e = boot_bank_field(s, &o, &i, &bank2, &half, &swapped_map);
    if (e)
        return e;
    *bank = sf_options_value(o, i) ? 2 : 1;
    sf_options_free(o);
    return SF_OK;
}

/* Flip the boot-bank field; the chip resets with it (sf_session_options_write). */
static sf_error flip(sf_session *s, sf_options *o, size_t i, int to_bank)
{
    const char *name = sf_options_name(o, i);
    sf_session_say(s, SF_LOG_INFO, "setting %s = %d: after the reset bank %d boots", name, to_bank == 2, to_bank);
    sf_error e = sf_options_set(o, name, to_bank == 2 ? 1u : 0u);
    if (e)
        return sf_session_set_error(s, e, "%s", sf_options_last_error(o));
    return sf_session_options_write(s, o, 0);
}

/* Whether the bank at addr starts with a vector table: a stack pointer in RAM, a Thumb reset
 * vector inside the bank (as linked: the bank boots at the flash base). */
static sf_error bank_holds_firmware(sf_session *s, uint32_t addr, uint32_t half, bool *yes)
{
    uint8_t v[8];
    sf_error e = sf_session_read(s, addr, v, sizeof v);
    if (e)
        return e;
    uint32_t sp = v[0] | (uint32_t)v[1] << 8 | (uint32_t)v[2] << 16 | (uint32_t)v[3] << 24;
    uint32_t pc = v[4] | (uint32_t)v[5] << 8 | (uint32_t)v[6] << 16 | (uint32_t)v[7] << 24;
    *yes = (sp & 0xF0000000u) == 0x20000000u && (pc & 1u) && (pc & ~1u) - 0x08000000u < half;
    return SF_OK;
}

sf_error sf_session_write_bank_swap(sf_session *s, const sf_image *img, unsigned write_flags)
{
    if (!s || !img)
        return SF_ERR_ARG;
    sf_options *o;
    size_t i;
    uint32_t bank2, half;
    bool swapped_map;
    sf_error e = boot_bank_field(s, &o, &i, &bank2, &half, &swapped_map);
    if (e)
        return e;
    int boot = sf_options_value(o, i) ? 2 : 1, target = 3 - boot;
    uint32_t lo, hi, base = swapped_map || target == 2 ? bank2 : bank2 - half;
    sf_image_bounds(img, &lo, &hi);
    if (lo < 0x08000000u || hi - 0x08000000u > half) {
        sf_options_free(o);
        return sf_session_set_error(s, SF_ERR_FIT, "an A/B image lies in one bank, linked for 0x08000000: this one "
                                    "spans 0x%08X..0x%08X, more than a bank's %u KiB; nothing was written", lo, hi - 1,
                                    half / 1024);
    }
    /* The same bytes, at the bank that does not boot. */
    sf_image *moved;
    if ((e = sf_image_new(&moved))) {
        sf_options_free(o);
        return e;
    }
    for (size_t k = 0; k < sf_image_segment_count(img) && e == SF_OK; k++) {
        uint32_t addr;
        size_t len;
        const uint8_t *data;
        if ((e = sf_image_segment(img, k, &addr, &data, &len)) == SF_OK)
            e = sf_image_add(moved, addr - 0x08000000u + base, data, len);
    }
    if (e == SF_OK) {
        sf_session_say(s, SF_LOG_INFO, "bank %d boots: writing bank %d at 0x%08X; the firmware in bank %d stays",
                       boot, target, base, boot);
        e = sf_session_write_image(s, moved, write_flags | SF_WRITE_VERIFY);
    }
    sf_image_free(moved);
    bool ok = false;
    if (e == SF_OK && (e = bank_holds_firmware(s, base, half, &ok)) == SF_OK && !ok)
        e = sf_session_set_error(s, SF_ERR_FILE, "the image written to bank %d does not start with a vector table "
                                 "(a stack pointer in RAM, a reset vector in the bank): the boot bank was not "
                                 "switched", target);
    if (e == SF_OK)
        e = flip(s, o, i, target);
    sf_options_free(o);
    return e;
}

sf_error sf_session_swap_banks(sf_session *s)
{
    if (!s)
        return SF_ERR_ARG;
    sf_options *o;
    size_t i;
    uint32_t bank2, half;
    bool swapped_map;
    sf_error e = boot_bank_field(s, &o, &i, &bank2, &half, &swapped_map);
    if (e)
        return e;
    int target = sf_options_value(o, i) ? 1 : 2;
    bool ok = false;
    if ((e = bank_holds_firmware(s, swapped_map || target == 2 ? bank2 : bank2 - half, half, &ok)) == SF_OK && !ok)
        e = sf_session_set_error(s, SF_ERR_STATE, "bank %d holds no firmware (no vector table at its start): "
                                 "switching to it would leave the chip in its bootloader; nothing was changed", target);
    if (e == SF_OK)
        e = flip(s, o, i, target);
    sf_options_free(o);
    return e;
}
