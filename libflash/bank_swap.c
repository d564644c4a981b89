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
 * L4+ (L4R/4S with 2 MiB): BFB2, FLASH_OPTR bit 20 as on the L4 (stm32-rs's field table from
 * ST's SVD for the STM32L4R5; option_layouts.c), with two banks only while DBANK (bit 22) is 1:
 * DBANK = 0 makes one bank of 8 KiB pages (RM0432 3.3.1) and is refused in words. The bootloader's
 * choice is taken to be the L4's (AN2606's "dual bank boot" flow, bank 2 then bank 1 by their
 * first word; ST's L4 HAL serves both lines with one OB_BFB2_ENABLE): AN2606's L4+ section was
 * not read here, so that is assumed, not checked.
 *
 * H7: SWAP_BANK_OPT (FLASH_OPTSR bit 31; RM0433 4.3.13) trades the banks' addresses for every
 * bus master, the bootloader included: the bank that does not boot is always the one at bank 2's
 * address, whichever it is.
 *
 * H7A3/B3: SWAP_BANK_OPT, the same bit with the same meaning: stm32h7a3xx.h (ST's
 * cmsis_device_h7) FLASH_OPTSR_SWAP_BANK_OPT_Pos 31, "Bank swapping option status bit", in the
 * H743's FLASH_OPTSR_PRG at 0x20; two banks of 1 MiB (FLASH_BANK1_BASE 0x08000000,
 * FLASH_BANK2_BASE 0x08100000, FLASH_BANK_SIZE = FLASH_SIZE >> 1) of FLASH_SECTOR_TOTAL 128
 * sectors of FLASH_SECTOR_SIZE 0x2000 (8 KiB). ST's "How to configure swap bank on STM32H7"
 * (community.st.com, for "most STM32H7 with 2 Mbytes") gives the map: SWAP_BANK = 1 puts bank 2
 * at 0x08000000 and bank 1 at 0x08100000, effective from the reset after OPTSR_PRG is changed.
 * RM0455's own bank-swap section was not read here: the H7A3 is taken to swap as the H743 does.
 *
 * F42x/43x with 2 MiB: BFB2 (FLASH_OPTCR bit 4; RM0090 3.9.10). With BFB2 set the chip always
 * boots its system memory, and the bootloader jumps to bank 2 if its first word is a stack
 * pointer in SRAM, else to bank 1 if that holds one (RM0090 2.4 "Boot configuration"; AN2606's
 * STM32F42xxx/43xxx dual-bank boot, as ST's forum quotes it): the L4's scheme, bank 2 mapped at
 * 0x08000000 (RM0090's SYSCFG_MEMRMP, UFB_MODE in stm32f429xx.h) and the system memory left
 * aliased at 0 (ST community, "With BFB2 set on an STM32F429 ... address 0"). The 1 MiB parts
 * have two banks of 512 KiB only with DB1M = 1 (FLASH_OPTCR bit 30), a bank-mode change that
 * options.c makes with the flash erased after it; with DB1M = 0 A/B is refused, saying so.
 *
 * G0B/C: nSWAP_BANK (FLASH_OPTR bit 20, active low; RM0444 3.4.1, stm32g0b1xx.h) with DUAL_BANK
 * (bit 21) set trades the banks' addresses at option loading, for every bus master like the
 * H7's SWAP_BANK_OPT: the bank that does not boot is the one at bank 2's address.
 *
 * L5: SWAP_BANK (FLASH_OPTR bit 20; RM0438 6.9, as NuttX's stm32l5_flash.h has it) is taken to
 * trade the banks' addresses as the H7's does (assumed from RM0438's "bank 1 and bank 2
 * addresses are swapped"), with two banks only (DBANK = 1).
 *
 * U5: SWAP_BANK (FLASH_OPTR bit 20) the same: the U575's SVD says of it "bank 1 base address
 * offset 0x10 0000, bank 2 base address offset 0" (RM0456 7.9.15).
 *
 * F76x/77x (nDBANK = 0: two banks of 1 MiB at 0x08000000 and 0x08100000, RM0410 3.3.1): no swap.
 * The core boots (BOOT0 low) at the address BOOT_ADD0 gives (FLASH_OPTCR1 bits 15:0, BOOT_ADD1
 * bits 31:16: stm32f767xx.h FLASH_OPTCR1_BOOT_ADD0_Pos 0, FLASH_OPTCR1_BOOT_ADD1_Pos 16), which
 * holds address bits 29:14 (stm32f7xx_hal_flash_ex.h, __HAL_FLASH_CALC_BOOT_BASE_ADR: "BOOT_ADDx
 * [15:0] corresponds to boot address [29:14]", the address >> 14). A/B is done as ST's example
 * does it, and only so (the f7_* functions below):
 * - ST's STM32CubeF7 example FLASH_DualBoot for the STM32F769I-EVAL (readme.txt and Src/main.c,
 *   "runs on STM32F767xx/STM32F769xx/STM32F777xx/STM32F779xx"): set "nDBANK unchecked, nDBOOT
 *   checked" (nDBANK = 0, nDBOOT = 1), load bank 2's binary at 0x08100000, and switch banks by
 *   programming BOOT_ADD0 and BOOT_ADD1 to 0x2040 ("corresponds to bank2 address: 0x08100000")
 *   or to __HAL_FLASH_CALC_BOOT_BASE_ADR(0x08000000) = 0x2000, then a system reset. Its bank 2
 *   project is linked for 0x08100000 (EWARM/stm32f769xx_flash_bank2.icf: intvec and ROM start
 *   0x08100000): the boot address points the core at bank 2, nothing trades the banks'
 *   addresses, for the bootloader or anyone.
 * So: BOOT_ADD0 = 0x2000 is bank 1 booting, 0x2040 bank 2; any other value (the factory's 0x0080,
 * the flash on ITCM, or RAM) is refused in words, as is nDBOOT = 0. The update goes to the bank
 * that does not boot, at its own address, so the image must be linked for that bank's base: an
 * image with addresses (ELF, HEX, S-record) must lie wholly in that bank, else it is refused
 * before anything is written; a raw binary is placed at that bank's base (a log line says it
 * must be linked there) and its reset vector must point into that bank. The switch sets
 * BOOT_ADD0 only, through the option write the F7 uses for `options set` (the chip resets, the
 * options are read back). BOOT_ADD1 (BOOT0 high) is left as it is, unlike in ST's example, which
 * sets both: its factory 0x0040 is the system memory, stubflash's way into the ROM bootloader
 * (option_layouts.c marks a change to it as taking that way away).
 * - nDBOOT = 0 (FLASH_OPTCR bit 28, stm32f767xx.h FLASH_OPTCR_nDBOOT) is refused: the example
 *   needs nDBOOT = 1, and with 0 the chip runs AN2606's dual-bank boot, quoted on ST's community
 *   ("STM32F7 dual boot question", 2017): "(nDBANK=nDBOOT=0). Whatever BOOT0 Pin state only
 *   BOOT_ADD0 value is considered", the bootloader when the code there is not "valid" (AN2606's
 *   own text was not read here). One answer there ("How to swap banks using BOOT_ADD0", 2018)
 *   says to uncheck nDBOOT; against ST's example and with BOOT0 high possibly no longer reaching
 *   the ROM, that mode is not entered or switched here.
 * - ST's FLASH_SwapBank example (same board) swaps at run time with SYSCFG_MEMRMP SWP_FB
 *   (HAL_EnableMemorySwappingBank), a register lost at reset: not an A/B switch.
 */
#include "option_layouts.h"
#include "session_internal.h"
#include "stubflash/options.h"

#include <stdlib.h>
#include <string.h>

/* The bank a boot-bank field's value boots. */
static int bank_of(uint32_t value, bool active_low) { return (value != 0) != active_low ? 2 : 1; }

/* The name of the boot-bank field of d's family (NULL: none this version switches);
 * swapped_map: the field trades the banks' addresses for the bootloader too (H7, G0B/C, L5, U5);
 * active_low: the field's 0 boots bank 2 (the G0's nSWAP_BANK). */
static const char *boot_bank_name(const sf_device *d, bool *swapped_map, bool *active_low)
{
    bool l5 = d && (!strcmp(d->family, "L5") || !strcmp(d->family, "U5"));
    bool h7 = d && (!strcmp(d->family, "H7") || !strcmp(d->family, "H7A")); /* H7A3/B3: the header comment */
    *active_low = d && !strcmp(d->family, "G0");
    *swapped_map = h7 || *active_low || l5;
    if (*active_low)
        return "nSWAP_BANK";
    if (l5)
        return "SWAP_BANK";
    if (*swapped_map)
        return "SWAP_BANK_OPT";
    return d && (!strcmp(d->family, "L4") || !strcmp(d->family, "L4R") || !strcmp(d->family, "G4") ||
                 !strcmp(d->family, "F4"))
               ? "BFB2"
               : NULL;
}

/* Whether o says the chip is set to one bank (L4 and U5 DUALBANK, G4/L4+/L5 DBANK, G0
 * DUAL_BANK = 0): then nothing swaps; *which is that field. */
static bool set_to_one_bank(const sf_options *o, size_t *which)
{
    return (sf_options_find(o, "DUALBANK", which) == SF_OK || sf_options_find(o, "DBANK", which) == SF_OK ||
            sf_options_find(o, "DUAL_BANK", which) == SF_OK) &&
           !sf_options_value(o, *which);
}

/* The sentence for a chip whose option bytes set it to one bank (DUALBANK, DBANK, DUAL_BANK =
 * 0), read now: a part in that mode has no bank 2 in its row (sf_device_one_bank), so it would
 * else get the sentence for parts without two banks. SF_OK: not that. */
static sf_error refuse_if_one_bank(sf_session *s, const sf_device *d)
{
    sf_options *o;
    size_t k;
    if (sf_session_options_read(s, &o) != SF_OK)
        return SF_OK;
    sf_error e = SF_OK;
    if (set_to_one_bank(o, &k))
        e = sf_fail(&s->eb, SF_ERR_UNSUPPORTED, "%s is set to one bank (%s = 0): there is no other bank to "
                    "write and boot; nothing was changed", d->name, sf_options_name(o, k));
    else if (d->bank_mode == SF_BANKS_F4_DB1M && sf_options_find(o, "DB1M", &k) == SF_OK && !sf_options_value(o, k))
        e = sf_fail(&s->eb, SF_ERR_UNSUPPORTED, "%s is set to one bank (DB1M = 0): there is no other bank to write "
                    "and boot; 'stubflash options set DB1M=1 --yes --erase-all' makes two banks of 512 KiB, "
                    "ERASING ALL FLASH (the sectors are re-organised, RM0090 3.3); nothing was changed", d->name);
    sf_options_free(o);
    return e;
}

/* The boot-bank field of the open chip's options, with a sentence for parts without one;
 * swapped_map: the field trades the banks' addresses for the bootloader too (H7, G0B/C);
 * active_low: the field's 0 boots bank 2 (the G0's nSWAP_BANK). */
static sf_error boot_bank_field(sf_session *s, sf_options **o, size_t *index, uint32_t *bank2, uint32_t *half,
                                bool *swapped_map, bool *active_low)
{
    sf_chip chip = SF_CHIP_INIT;
    sf_error e = sf_session_chip(s, &chip);
    if (e)
        return e;
    const sf_device *d = chip.device;
    *bank2 = d ? sf_device_bank2_base(d, chip.flash_size) : 0;
    uint32_t hole_size = 0;
    const char *name = boot_bank_name(d, swapped_map, active_low);
    if (name && !*bank2 && (e = refuse_if_one_bank(s, d)))
        return e;
    if (!name || !*bank2 || (d && sf_device_hole(d, chip.flash_size, &hole_size)) ||
        (*bank2 - d->flash_base) * 2 != chip.flash_size)
        return sf_fail(&s->eb, SF_ERR_UNSUPPORTED, "%s cannot boot from either bank here: A/B updates "
                                    "(--bank-swap) need two equal banks and a boot-bank option this version "
                                    "switches (L4, L4+, G4, F42x/43x with 2 MiB BFB2; H7, H7A3/B3 SWAP_BANK_OPT; "
                                    "G0B/C nSWAP_BANK; L5 SWAP_BANK with DBANK = 1; U5 SWAP_BANK; F76x/77x "
                                    "BOOT_ADD0 with nDBANK = 0); nothing was changed",
                                    d ? d->name : "this chip");
    *half = *bank2 - d->flash_base;
    if ((e = sf_session_options_read(s, o)))
        return e;
    if (sf_options_find(*o, name, index) != SF_OK) {
        sf_options_free(*o);
        return sf_session_set_error(s, SF_ERR_UNSUPPORTED, "no %s in the option bytes of the %s", name, d->family);
    }
    size_t k;
    if (set_to_one_bank(*o, &k)) {
        const char *bank_opt = sf_options_name(*o, k);
        sf_options_free(*o);
        return sf_fail(&s->eb, SF_ERR_UNSUPPORTED, "%s is set to one bank (%s = 0): there is no other bank to "
                       "write and boot; nothing was changed", d->name, bank_opt);
    }
    return SF_OK;
}

/* G0B/C, L5 and U5 with their banks swapped (bank 2 boots, at the flash base): addresses follow
 * the swap, but an erase names a physical bank (BKER; RM0444 as NuttX's and Zephyr's G0 drivers
 * read it, NuttX's tested on a G0B1; ST's X-CUBE-EEPROM L5 and U5 ports invert BKER when
 * SWAP_BANK is set; RM0456 7.5.8: bank attributes "follow their bank"), while the stub takes the
 * bank from the address, the simulator trades both, and neither AN3155 nor AN2606 says what the
 * ROM's Extended Erase numbers then. An erase could take the firmware that boots, so none is
 * tried until bank 1 boots again. (The H7's register sets follow the addresses, RM0399 4.3.13,
 * and the H7A3's are taken to, as its controller is the H7's with a register set per bank;
 * the L4/G4/F4's BFB2 remaps only once the bootloader has jumped, so the ROM and the stub see
 * the banks where they are.) */
sf_error sf_session_refuse_if_banks_swapped(sf_session *s)
{
    const sf_device *d = s->chip.device;
    bool swapped_map, active_low;
    const char *name = boot_bank_name(d, &swapped_map, &active_low);
    if (!swapped_map || !strcmp(d->family, "H7") || !strcmp(d->family, "H7A") ||
        !sf_device_bank2_base(d, s->chip.flash_size))
        return SF_OK;
    sf_options *o;
    sf_error e = sf_session_options_read_in_op(s, &o);
    if (e)
        return e;
    size_t i, banks;
    if (!set_to_one_bank(o, &banks) && sf_options_find(o, name, &i) == SF_OK &&
        bank_of(sf_options_value(o, i), active_low) == 2)
        e = sf_fail(&s->eb, SF_ERR_UNSUPPORTED, "the banks of this %s are swapped (%s = %u: bank 2 boots, at 0x%08X): "
                    "its flash controller erases by physical bank, and which bank an erase reaches then is not "
                    "documented for the bootloader, so it could be the one that boots; nothing was erased. "
                    "'stubflash rollback --bank-swap' boots bank 1 again", d->name, name,
                    (unsigned)sf_options_value(o, i), d->flash_base);
    sf_options_free(o);
    return e;
}

/* F76x/77x with nDBANK = 0: the boot address BOOT_ADD0 chooses the bank, each bank runs code
 * linked for its own address (the header comment). */

/* Whether the open chip is an F76x/77x set to two banks; *bank2: bank 2's base. */
static bool f7_two_banks(sf_session *s, const sf_device **d, uint32_t *bank2)
{
    sf_chip chip = SF_CHIP_INIT;
    if (sf_session_chip(s, &chip) != SF_OK || !chip.device || strcmp(chip.device->family, "F7"))
        return false;
    *d = chip.device;
    *bank2 = sf_device_bank2_base(chip.device, chip.flash_size);
    return *bank2 != 0 && (*bank2 - chip.device->flash_base) * 2 == chip.flash_size;
}

/* An F76x/77x set to one bank (nDBANK = 1, FLASH_OPTCR bit 29; RM0410 3.3.1): the sentence
 * that says so (SF_OK: not that). The F74x/75x have no nDBANK to speak of (0x449; the F7
 * layout shows the bit for every F7). */
static sf_error f7_refuse_if_one_bank(sf_session *s)
{
    sf_chip chip = SF_CHIP_INIT;
    if (sf_session_chip(s, &chip) != SF_OK || !chip.device || strcmp(chip.device->family, "F7") ||
        chip.pid != 0x451)
        return SF_OK;
    sf_options *o;
    size_t k;
    if (sf_session_options_read(s, &o) != SF_OK)
        return SF_OK;
    sf_error e = SF_OK;
    if (sf_options_find(o, "nDBANK", &k) == SF_OK && sf_options_value(o, k))
        e = sf_fail(&s->eb, SF_ERR_UNSUPPORTED, "%s is set to one bank (nDBANK = 1): there is no other bank to "
                    "write and boot; 'stubflash options set nDBANK=0 BOOT_ADD0=0x2000 --yes --erase-all' makes "
                    "two, ERASING ALL FLASH (the sector layout changes, RM0410 3.3.1), and boots bank 1; nothing "
                    "was changed", chip.device->name);
    sf_options_free(o);
    return e;
}

/* BOOT_ADD0 of the open F76x/77x and the bank it boots (1 or 2), with nDBOOT = 1; a sentence
 * for any other setting. */
static sf_error f7_boot_field(sf_session *s, const sf_device *d, uint32_t bank2, sf_options **o, size_t *index,
                              int *bank)
{
    sf_error e = sf_session_options_read(s, o);
    if (e)
        return e;
    size_t dboot;
    if (sf_options_find(*o, "nDBOOT", &dboot) != SF_OK || sf_options_find(*o, "BOOT_ADD0", index) != SF_OK) {
        sf_options_free(*o);
        return sf_session_set_error(s, SF_ERR_UNSUPPORTED, "no nDBOOT or BOOT_ADD0 in the option bytes of the %s",
                                    d->family);
    }
    uint32_t v = sf_options_value(*o, *index);
    if (!sf_options_value(*o, dboot))
        e = sf_fail(&s->eb, SF_ERR_UNSUPPORTED, "%s has dual-bank boot on (nDBOOT = 0): its bootloader then "
                    "chooses what runs (AN2606's dual-bank boot), which this version does not switch; A/B "
                    "updates (--bank-swap) switch BOOT_ADD0 with nDBOOT = 1, as ST's FLASH_DualBoot example "
                    "does; nothing was changed", d->name);
    else if (v == d->flash_base >> 14)
        *bank = 1;
    else if (v == bank2 >> 14)
        *bank = 2;
    else
        e = sf_fail(&s->eb, SF_ERR_UNSUPPORTED, "%s boots at BOOT_ADD0 = 0x%04X (address 0x%08X), neither bank's "
                    "base (BOOT_ADD0 = 0x%04X: bank 1 at 0x%08X; 0x%04X: bank 2 at 0x%08X): A/B updates "
                    "(--bank-swap) start from one of them. 'stubflash options set BOOT_ADD0=0x%04X --yes' boots "
                    "bank 1, with firmware linked for 0x%08X; nothing was changed", d->name, (unsigned)v, v << 14,
                    (unsigned)(d->flash_base >> 14), d->flash_base, (unsigned)(bank2 >> 14), bank2,
                    (unsigned)(d->flash_base >> 14), d->flash_base);
    if (e)
        sf_options_free(*o);
    return e;
}

/* Whether 8 bytes start a vector table for code linked at base: a stack pointer in RAM, a Thumb
 * reset vector inside the bank there. */
static bool f7_vectors_ok(const uint8_t *v, uint32_t base, uint32_t half, uint32_t *pc)
{
    uint32_t sp = v[0] | (uint32_t)v[1] << 8 | (uint32_t)v[2] << 16 | (uint32_t)v[3] << 24;
    *pc = v[4] | (uint32_t)v[5] << 8 | (uint32_t)v[6] << 16 | (uint32_t)v[7] << 24;
    return (sp & 0xF0000000u) == 0x20000000u && (*pc & 1u) && (*pc & ~1u) - base < half;
}

/* Whether the bank at base holds, as the chip reads it now, a vector table for code linked
 * there (f7_vectors_ok). */
static sf_error f7_bank_runs(sf_session *s, uint32_t base, uint32_t half, bool *runs)
{
    uint8_t v[8];
    uint32_t pc;
    sf_error e = sf_session_read(s, base, v, sizeof v);
    *runs = e == SF_OK && f7_vectors_ok(v, base, half, &pc);
    return e;
}

/* Set BOOT_ADD0 to the base of to_bank (at base); the chip resets with it and the options are
 * read back (sf_session_options_write). BOOT_ADD1 stays: the header comment. */
static sf_error f7_flip(sf_session *s, sf_options *o, size_t i, int to_bank, uint32_t base)
{
    sf_session_say(s, SF_LOG_INFO, "setting BOOT_ADD0 = 0x%04X (0x%08X): after the reset bank %d boots",
                   (unsigned)(base >> 14), base, to_bank);
    sf_error e = sf_options_set(o, sf_options_name(o, i), base >> 14);
    if (e)
        return sf_session_set_error(s, e, "%s", sf_options_last_error(o));
    return sf_session_options_write(s, o, 0);
}

static sf_error f7_boot_bank(sf_session *s, const sf_device *d, uint32_t bank2, int *bank)
{
    sf_options *o;
    size_t i;
    sf_error e = f7_boot_field(s, d, bank2, &o, &i, bank);
    if (e == SF_OK)
        sf_options_free(o);
    return e;
}

/* The image as it goes to the bank at base (half bytes): an image with addresses must lie there
 * already; a raw binary in the other bank's span is moved there. */
static sf_error f7_place(sf_session *s, const sf_image *img, int target, uint32_t base, uint32_t half,
                         uint32_t flash_base, sf_image **out)
{
    uint32_t lo, hi, shift = 0;
    sf_image_bounds(img, &lo, &hi);
    bool in_target = lo >= base && hi - base <= half && hi > lo;
    if (sf_image_get_format(img) == SF_FORMAT_BIN && !in_target) {
        uint32_t other = base == flash_base ? flash_base + half : flash_base;
        if (lo < other || hi - other > half)
            return sf_session_set_error(s, SF_ERR_FIT, "an A/B image lies in one bank: this binary spans "
                                        "0x%08X..0x%08X, more than bank %d's %u KiB at 0x%08X; nothing was written",
                                        lo, hi - 1, target, half / 1024, base);
        shift = base - other;
    } else if (!in_target) {
        return sf_session_set_error(s, SF_ERR_FIT, "bank %d does not boot, so the update goes there and runs there "
                                    "(the F76x/77x boots a bank at its own address): an image with addresses "
                                    "must lie in 0x%08X..0x%08X, linked for 0x%08X; this %s spans "
                                    "0x%08X..0x%08X; nothing was written", target, base, base + half - 1, base,
                                    sf_image_format_name(sf_image_get_format(img)), lo, hi - 1);
    }
    if (sf_image_get_format(img) == SF_FORMAT_BIN)
        sf_session_say(s, SF_LOG_INFO, "a binary has no addresses: it goes to bank %d at 0x%08X, where it runs, "
                       "so it must be linked for 0x%08X (the F76x/77x boots a bank at its own address)",
                       target, lo + shift, base);
    sf_error e = sf_image_new(out);
    for (size_t k = 0; e == SF_OK && k < sf_image_segment_count(img); k++) {
        uint32_t addr;
        size_t len;
        const uint8_t *data;
        if ((e = sf_image_segment(img, k, &addr, &data, &len)) == SF_OK)
            e = sf_image_add(*out, addr + shift, data, len);
    }
    /* Its vector table, at the bank's base, must start code linked there. */
    const uint8_t *v = NULL;
    size_t n = 0;
    uint32_t first = 0, pc = 0;
    if (e == SF_OK && sf_image_segment_count(*out))
        sf_image_segment(*out, 0, &first, &v, &n);
    if (e == SF_OK && (first != base || n < 8 || !f7_vectors_ok(v, base, half, &pc)))
        e = sf_session_set_error(s, SF_ERR_FIT, "the image for bank %d does not start with a vector table for code "
                                 "linked at 0x%08X (a stack pointer in RAM, a reset vector in 0x%08X..0x%08X; its "
                                 "reset vector is 0x%08X): it would not run from there; nothing was written", target,
                                 base, base, base + half - 1, n >= 8 ? pc : 0);
    if (e) {
        sf_image_free(*out);
        *out = NULL;
    }
    return e;
}

static sf_error f7_write_bank_swap(sf_session *s, const sf_device *d, uint32_t bank2, const sf_image *img,
                                   unsigned write_flags)
{
    sf_options *o;
    size_t i;
    int boot;
    sf_error e = f7_boot_field(s, d, bank2, &o, &i, &boot);
    if (e)
        return e;
    int target = 3 - boot;
    uint32_t half = bank2 - d->flash_base, base = target == 2 ? bank2 : d->flash_base;
    sf_image *placed;
    if ((e = f7_place(s, img, target, base, half, d->flash_base, &placed))) {
        sf_options_free(o);
        return e;
    }
    sf_session_say(s, SF_LOG_INFO, "bank %d boots: writing bank %d at 0x%08X; the firmware in bank %d stays", boot,
                   target, base, boot);
    e = sf_session_write_image(s, placed, write_flags | SF_WRITE_VERIFY);
    sf_image_free(placed);
    bool runs;
    if (e == SF_OK && (e = f7_bank_runs(s, base, half, &runs)) == SF_OK && !runs)
        e = sf_session_set_error(s, SF_ERR_FILE, "bank %d does not start with a vector table for code linked at "
                                 "0x%08X after the write: the boot bank was not switched", target, base);
    if (e == SF_OK)
        e = f7_flip(s, o, i, target, base);
    sf_options_free(o);
    return e;
}

static sf_error f7_swap_banks(sf_session *s, const sf_device *d, uint32_t bank2)
{
    sf_options *o;
    size_t i;
    int boot;
    sf_error e = f7_boot_field(s, d, bank2, &o, &i, &boot);
    if (e)
        return e;
    int target = 3 - boot;
    uint32_t half = bank2 - d->flash_base, base = target == 2 ? bank2 : d->flash_base;
    bool runs;
    if ((e = f7_bank_runs(s, base, half, &runs)) == SF_OK && !runs)
        e = sf_session_set_error(s, SF_ERR_STATE, "bank %d holds no firmware linked for 0x%08X (no vector table "
                                 "pointing into it at its start): booting it would fail; nothing was changed",
                                 target, base);
    if (e == SF_OK)
        e = f7_flip(s, o, i, target, base);
    sf_options_free(o);
    return e;
}

sf_error sf_session_boot_bank(sf_session *s, int *bank)
{
    if (!s || !bank)
        return SF_ERR_ARG;
    const sf_device *f7;
    uint32_t f7_bank2;
    if (f7_two_banks(s, &f7, &f7_bank2))
        return f7_boot_bank(s, f7, f7_bank2, bank);
    sf_error f7_e = f7_refuse_if_one_bank(s);
    if (f7_e)
        return f7_e;
    sf_options *o;
    size_t i;
    uint32_t bank2, half;
    bool swapped_map, active_low;
    sf_error e = boot_bank_field(s, &o, &i, &bank2, &half, &swapped_map, &active_low);
    if (e)
        return e;
    *bank = bank_of(sf_options_value(o, i), active_low);
    sf_options_free(o);
    return SF_OK;
}

/* Flip the boot-bank field; the chip resets with it (sf_session_options_write). */
static sf_error flip(sf_session *s, sf_options *o, size_t i, int to_bank, bool active_low)
{
    const char *name = sf_options_name(o, i);
    unsigned v = (to_bank == 2) != active_low;
    sf_session_say(s, SF_LOG_INFO, "setting %s = %u: after the reset bank %d boots", name, v, to_bank);
    sf_error e = sf_options_set(o, name, v);
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
    const sf_device *f7;
    uint32_t f7_bank2;
    if (f7_two_banks(s, &f7, &f7_bank2))
        return f7_write_bank_swap(s, f7, f7_bank2, img, write_flags);
    sf_error f7_e = f7_refuse_if_one_bank(s);
    if (f7_e)
        return f7_e;
    sf_options *o;
    size_t i;
    uint32_t bank2, half;
    bool swapped_map, active_low;
    sf_error e = boot_bank_field(s, &o, &i, &bank2, &half, &swapped_map, &active_low);
    if (e)
        return e;
    int boot = bank_of(sf_options_value(o, i), active_low), target = 3 - boot;
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
        e = flip(s, o, i, target, active_low);
    sf_options_free(o);
    return e;
}

sf_error sf_session_swap_banks(sf_session *s)
{
    if (!s)
        return SF_ERR_ARG;
    const sf_device *f7;
    uint32_t f7_bank2;
    if (f7_two_banks(s, &f7, &f7_bank2))
        return f7_swap_banks(s, f7, f7_bank2);
    sf_error f7_e = f7_refuse_if_one_bank(s);
    if (f7_e)
        return f7_e;
    sf_options *o;
    size_t i;
    uint32_t bank2, half;
    bool swapped_map, active_low;
    sf_error e = boot_bank_field(s, &o, &i, &bank2, &half, &swapped_map, &active_low);
    if (e)
        return e;
    int target = 3 - bank_of(sf_options_value(o, i), active_low);
    bool ok = false;
    if ((e = bank_holds_firmware(s, swapped_map || target == 2 ? bank2 : bank2 - half, half, &ok)) == SF_OK && !ok)
        e = sf_session_set_error(s, SF_ERR_STATE, "bank %d holds no firmware (no vector table at its start): "
                                 "switching to it would leave the chip in its bootloader; nothing was changed", target);
    if (e == SF_OK)
        e = flip(s, o, i, target, active_low);
    sf_options_free(o);
    return e;
}
