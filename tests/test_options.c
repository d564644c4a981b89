/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_options.c - the option bytes by name: every family's layout against the registers its
 * fields load into (the bit positions of ST's CMSIS headers, listed below), then reading,
 * changing and the refusals on a virtual board of each simulated family, checked in the
 * board's flash file (flash, then its option bytes), and the reset the ROM does after writing
 * them. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stubflash/stubflash.h>

#include "board_host.h"
#include "option_layouts.h"
#include "run.h"

/* Bit positions from the CMSIS device headers (FLASH_OBR_*_Pos, FLASH_OPTCR_*_Pos,
 * FLASH_OPTR_*_Pos, FLASH_WRP1AR_*_Pos): stm32f103xg.h, stm32f072xb.h, stm32f303xc.h,
 * stm32f429xx.h, stm32f767xx.h, stm32l073xx.h, stm32l152xe.h, stm32l476xx.h / stm32l4r5xx.h,
 * stm32g474xx.h, stm32g0b1xx.h, stm32wb55xx.h, stm32h743xx.h, stm32f205xx.h, stm32wle5xx.h,
 * stm32c031xx.h. */
static const struct cmsis_bit {
    const char *family, *name, *reg;
    unsigned bit;
} cmsis[] = {
    {"F1", "WDG_SW", "FLASH_OBR", 2}, {"F1", "nRST_STOP", "FLASH_OBR", 3}, {"F1", "nRST_STDBY", "FLASH_OBR", 4},
    {"F1", "BFB2", "FLASH_OBR", 5}, {"F1", "DATA0", "FLASH_OBR", 10}, {"F1", "DATA1", "FLASH_OBR", 18},
    {"F0", "WDG_SW", "FLASH_OBR", 8}, {"F0", "nBOOT1", "FLASH_OBR", 12}, {"F0", "BOOT_SEL", "FLASH_OBR", 15},
    {"F0", "DATA0", "FLASH_OBR", 16}, {"F3", "nBOOT1", "FLASH_OBR", 12}, {"F3", "SRAM_PE", "FLASH_OBR", 14},
    {"F4", "BOR_LEV", "FLASH_OPTCR", 2}, {"F4", "BFB2", "FLASH_OPTCR", 4}, {"F4", "WDG_SW", "FLASH_OPTCR", 5},
    {"F4", "RDP", "FLASH_OPTCR", 8}, {"F4", "nWRP", "FLASH_OPTCR", 16}, {"F4", "SPRMOD", "FLASH_OPTCR", 31},
    {"F4", "DB1M", "FLASH_OPTCR", 30},
    {"F7", "WWDG_SW", "FLASH_OPTCR", 4}, {"F7", "nWRP", "FLASH_OPTCR", 16}, {"F7", "nDBANK", "FLASH_OPTCR", 29},
    {"F7", "IWDG_STOP", "FLASH_OPTCR", 31}, {"F7", "BOOT_ADD1", "FLASH_OPTCR1", 16},
    {"L0", "BOR_LEV", "FLASH_OPTR", 16}, {"L0", "BFB2", "FLASH_OPTR", 23}, {"L0", "nBOOT1", "FLASH_OPTR", 31},
    {"L1", "BOR_LEV", "FLASH_OBR", 16}, {"L1", "BFB2", "FLASH_OBR", 23},
    {"L4", "BOR_LEV", "FLASH_OPTR", 8}, {"L4", "nRST_SHDW", "FLASH_OPTR", 14}, {"L4", "WWDG_SW", "FLASH_OPTR", 19},
    {"L4", "BFB2", "FLASH_OPTR", 20}, {"L4", "DUALBANK", "FLASH_OPTR", 21}, {"L4", "nBOOT1", "FLASH_OPTR", 23},
    {"L4", "nSWBOOT0", "FLASH_OPTR", 26}, {"L4", "nBOOT0", "FLASH_OPTR", 27}, {"L4", "WRP1A_END", "FLASH_WRP1AR", 16},
    {"L4", "WRP2B_END", "FLASH_WRP2BR", 16}, {"G4", "WRP2A_STRT", "FLASH_WRP2AR", 0},
    {"G4", "BFB2", "FLASH_OPTR", 20}, {"G4", "DBANK", "FLASH_OPTR", 22}, {"G4", "CCMSRAM_RST", "FLASH_OPTR", 25},
    {"G4", "NRST_MODE", "FLASH_OPTR", 28}, {"G4", "IRHEN", "FLASH_OPTR", 30},
    {"G0", "BORF_LEV", "FLASH_OPTR", 9}, {"G0", "BORR_LEV", "FLASH_OPTR", 11}, {"G0", "nSWAP_BANK", "FLASH_OPTR", 20},
    {"G0", "nBOOT_SEL", "FLASH_OPTR", 24}, {"G0", "nBOOT0", "FLASH_OPTR", 26}, {"G0", "NRST_MODE", "FLASH_OPTR", 27},
    {"WB", "ESE", "FLASH_OPTR", 8}, {"WB", "BOR_LEV", "FLASH_OPTR", 9}, {"WB", "nSWBOOT0", "FLASH_OPTR", 26},
    {"WB", "AGC_TRIM", "FLASH_OPTR", 29},
    {"H7", "BOR_LEV", "FLASH_OPTSR_PRG", 2}, {"H7", "RDP", "FLASH_OPTSR_PRG", 8}, {"H7", "SWAP_BANK_OPT", "FLASH_OPTSR_PRG", 31},
    {"H7", "IO_HSLV", "FLASH_OPTSR_PRG", 29}, {"H7", "WRPSN1", "FLASH_WPSN_PRG1R", 0}, {"H7", "BOOT_ADD1", "FLASH_BOOT_PRGR", 16},
    {"H7", "WRPSN2", "FLASH_WPSN_PRG2R", 0},
    {"F2", "BOR_LEV", "FLASH_OPTCR", 2}, {"F2", "WDG_SW", "FLASH_OPTCR", 5}, {"F2", "nRST_STDBY", "FLASH_OPTCR", 7},
    {"F2", "RDP", "FLASH_OPTCR", 8}, {"F2", "nWRP", "FLASH_OPTCR", 16},
    {"WL", "ESE", "FLASH_OPTR", 8}, {"WL", "BOR_LEV", "FLASH_OPTR", 9}, {"WL", "nRST_STOP", "FLASH_OPTR", 12},
    {"WL", "nRST_SHDW", "FLASH_OPTR", 14}, {"WL", "WWDG_SW", "FLASH_OPTR", 19}, {"WL", "nBOOT1", "FLASH_OPTR", 23},
    {"WL", "SRAM_RST", "FLASH_OPTR", 25}, {"WL", "nBOOT0", "FLASH_OPTR", 27}, {"WL", "BOOT_LOCK", "FLASH_OPTR", 30},
    {"WL", "PCROP_RDP", "FLASH_PCROP1AER", 31}, {"WL", "WRP1B_END", "FLASH_WRP1BR", 16},
    {"C0", "BOR_EN", "FLASH_OPTR", 8}, {"C0", "BORR_LEV", "FLASH_OPTR", 9}, {"C0", "BORF_LEV", "FLASH_OPTR", 11},
    {"C0", "nRST_SHDW", "FLASH_OPTR", 15}, {"C0", "HSE_NOT_REMAPPED", "FLASH_OPTR", 21},
    {"C0", "SECURE_MUXING_EN", "FLASH_OPTR", 23}, {"C0", "nBOOT_SEL", "FLASH_OPTR", 24},
    {"C0", "NRST_MODE", "FLASH_OPTR", 27}, {"C0", "IRHEN", "FLASH_OPTR", 29}, {"C0", "WRP1A_END", "FLASH_WRP1AR", 16},
    /* L5: RM0438's FLASH_OPTR as NuttX's stm32l5_flash.h has it (stm32l552xx.h not at hand). */
    {"L5", "RDP", "FLASH_OPTR", 0}, {"L5", "BOR_LEV", "FLASH_OPTR", 8}, {"L5", "nRST_SHDW", "FLASH_OPTR", 14},
    {"L5", "SWAP_BANK", "FLASH_OPTR", 20}, {"L5", "DB256K", "FLASH_OPTR", 21}, {"L5", "DBANK", "FLASH_OPTR", 22},
    {"L5", "SRAM2_RST", "FLASH_OPTR", 25}, {"L5", "nSWBOOT0", "FLASH_OPTR", 26}, {"L5", "PA15_PUPEN", "FLASH_OPTR", 28},
    {"L5", "TZEN", "FLASH_OPTR", 31},
    /* L4+: stm32-rs's FLASH_OPTR table from ST's SVD for the STM32L4R5. */
    {"L4R", "BFB2", "FLASH_OPTR", 20}, {"L4R", "DB1M", "FLASH_OPTR", 21}, {"L4R", "DBANK", "FLASH_OPTR", 22},
    {"L4R", "nBOOT1", "FLASH_OPTR", 23}, {"L4R", "nBOOT0", "FLASH_OPTR", 27}, {"L4R", "WRP1B_END", "FLASH_WRP1BR", 16},
    /* L4+ bank 2 and PCROP: ARM's STM32L4xx_DFP STM32L4Rx_DB_OPT.s (FLASH_WRP2AR bits 0..7 and
     * 16..23, PCROP_RDP bit 31 of FLASH_PCROP1ER). */
    {"L4R", "WRP2A_STRT", "FLASH_WRP2AR", 0}, {"L4R", "WRP2B_END", "FLASH_WRP2BR", 16},
    {"L4R", "PCROP_RDP", "FLASH_PCROP1ER", 31}, {"L4R", "PCROP2_END", "FLASH_PCROP2ER", 0},
    /* U5: the U575's SVD (FLASH_OPTR_* of stm32u575xx.h, RM0456 7.9.15). */
    {"U5", "RDP", "FLASH_OPTR", 0}, {"U5", "BOR_LEV", "FLASH_OPTR", 8}, {"U5", "SRAM1345_RST", "FLASH_OPTR", 15},
    {"U5", "IWDG_STOP", "FLASH_OPTR", 17}, {"U5", "SWAP_BANK", "FLASH_OPTR", 20}, {"U5", "DUALBANK", "FLASH_OPTR", 21},
    {"U5", "SRAM2_ECC", "FLASH_OPTR", 24}, {"U5", "nSWBOOT0", "FLASH_OPTR", 26}, {"U5", "TZEN", "FLASH_OPTR", 31},
    /* The WRP areas: stm32u575xx.h FLASH_WRP1AR_WRP1A_PSTRT_Pos 0, WRP1A_PEND_Pos 16, UNLOCK_Pos
     * 31 (the same in WRP1BR, WRP2AR, WRP2BR); the L552's SVD (stm32-rs): WRP1A_PSTRT bits 0:6,
     * WRP1A_PEND 16:22, no UNLOCK. */
    {"U5", "WRP1A_PSTRT", "FLASH_WRP1AR", 0}, {"U5", "WRP1A_PEND", "FLASH_WRP1AR", 16},
    {"U5", "WRP1A_UNLOCK", "FLASH_WRP1AR", 31}, {"U5", "WRP1B_PEND", "FLASH_WRP1BR", 16},
    {"U5", "WRP1B_UNLOCK", "FLASH_WRP1BR", 31}, {"U5", "WRP2A_PSTRT", "FLASH_WRP2AR", 0},
    {"U5", "WRP2A_UNLOCK", "FLASH_WRP2AR", 31}, {"U5", "WRP2B_PEND", "FLASH_WRP2BR", 16},
    {"U5", "WRP2B_UNLOCK", "FLASH_WRP2BR", 31},
    {"L5", "WRP1A_PSTRT", "FLASH_WRP1AR", 0}, {"L5", "WRP1A_PEND", "FLASH_WRP1AR", 16},
    {"L5", "WRP1B_PSTRT", "FLASH_WRP1BR", 0}, {"L5", "WRP2A_PEND", "FLASH_WRP2AR", 16},
    {"L5", "WRP2B_PSTRT", "FLASH_WRP2BR", 0},
    /* H7A3: stm32h7a3xx.h FLASH_OPTSR_*_Pos, FLASH_PRAR_*, FLASH_WPSN_WRPSN_Pos, FLASH_BOOT_ADD*_Pos. */
    {"H7A", "BOR_LEV", "FLASH_OPTSR_PRG", 2}, {"H7A", "IWDG1_SW", "FLASH_OPTSR_PRG", 4},
    {"H7A", "NRST_STOP_D1", "FLASH_OPTSR_PRG", 6}, {"H7A", "NRST_STBY_D1", "FLASH_OPTSR_PRG", 7},
    {"H7A", "RDP", "FLASH_OPTSR_PRG", 8}, {"H7A", "VDDMMC_HSLV", "FLASH_OPTSR_PRG", 16},
    {"H7A", "FZ_IWDG_STOP", "FLASH_OPTSR_PRG", 17}, {"H7A", "FZ_IWDG_SDBY", "FLASH_OPTSR_PRG", 18},
    {"H7A", "ST_RAM_SIZE", "FLASH_OPTSR_PRG", 19}, {"H7A", "SECURITY", "FLASH_OPTSR_PRG", 21},
    {"H7A", "IO_HSLV", "FLASH_OPTSR_PRG", 29}, {"H7A", "SWAP_BANK_OPT", "FLASH_OPTSR_PRG", 31},
    {"H7A", "PROT_AREA_END", "FLASH_PRAR_PRG1", 16}, {"H7A", "DMES", "FLASH_SCAR_PRG1", 31},
    {"H7A", "WRPSN1", "FLASH_WPSN_PRG1R", 0}, {"H7A", "WRPSN2", "FLASH_WPSN_PRG2R", 0},
    {"H7A", "BOOT_ADD0", "FLASH_BOOT_PRGR", 0}, {"H7A", "BOOT_ADD1", "FLASH_BOOT_PRGR", 16},
    /* H5: stm32h563xx.h FLASH_OPTSR_*_Pos, FLASH_OPTSR2_*_Pos, FLASH_BOOTR_*_Pos, FLASH_WRPR_WRPSG_Pos. */
    {"H5", "BOR_LEV", "FLASH_OPTSR_CUR", 0}, {"H5", "BORH_EN", "FLASH_OPTSR_CUR", 2},
    {"H5", "IWDG_SW", "FLASH_OPTSR_CUR", 3}, {"H5", "WWDG_SW", "FLASH_OPTSR_CUR", 4},
    {"H5", "NRST_STOP", "FLASH_OPTSR_CUR", 6}, {"H5", "NRST_STDBY", "FLASH_OPTSR_CUR", 7},
    {"H5", "PRODUCT_STATE", "FLASH_OPTSR_CUR", 8}, {"H5", "IO_VDD_HSLV", "FLASH_OPTSR_CUR", 16},
    {"H5", "IO_VDDIO2_HSLV", "FLASH_OPTSR_CUR", 17}, {"H5", "IWDG_STOP", "FLASH_OPTSR_CUR", 20},
    {"H5", "IWDG_STDBY", "FLASH_OPTSR_CUR", 21}, {"H5", "BOOT_UBE", "FLASH_OPTSR_CUR", 22},
    {"H5", "SWAP_BANK", "FLASH_OPTSR_CUR", 31}, {"H5", "SRAM1_3_RST", "FLASH_OPTSR2_CUR", 2},
    {"H5", "SRAM2_RST", "FLASH_OPTSR2_CUR", 3}, {"H5", "BKPRAM_ECC", "FLASH_OPTSR2_CUR", 4},
    {"H5", "SRAM3_ECC", "FLASH_OPTSR2_CUR", 5}, {"H5", "SRAM2_ECC", "FLASH_OPTSR2_CUR", 6},
    {"H5", "TZEN", "FLASH_OPTSR2_CUR", 24}, {"H5", "NSBOOT_LOCK", "FLASH_NSBOOTR_CUR", 0},
    {"H5", "NSBOOTADD", "FLASH_NSBOOTR_CUR", 8}, {"H5", "WRPSG1", "FLASH_WRP1R_CUR", 0},
    {"H5", "WRPSG2", "FLASH_WRP2R_CUR", 0},
};

/* Field widths where a CMSIS mask says more than the position: stm32h563xx.h
 * FLASH_OPTSR_BOR_LEV_Msk 0x3, PRODUCT_STATE_Msk 0xFF, BOOT_UBE_Msk 0xFF, FLASH_OPTSR2_TZEN_Msk
 * 0xFF, FLASH_BOOTR_BOOTADD_Msk 0xFFFFFF, FLASH_WRPR_WRPSG_Msk 0xFFFFFFFF; stm32h7a3xx.h
 * FLASH_WPSN_WRPSN_Msk 0xFFFFFFFF; stm32u575xx.h FLASH_WRP1AR_WRP1A_PSTRT_Msk 0x7F; the L4+'s
 * PCROPxSR/PCROPxER bits 0..16 and WRP2A END bits 16..23 (ARM's STM32L4Rx_DB_OPT.s). */
static const struct cmsis_width {
    const char *family, *name;
    unsigned width;
} cmsis_widths[] = {
    {"H5", "BOR_LEV", 2}, {"H5", "PRODUCT_STATE", 8}, {"H5", "BOOT_UBE", 8}, {"H5", "TZEN", 8},
    {"H5", "NSBOOTADD", 24}, {"H5", "WRPSG1", 32}, {"H5", "WRPSG2", 32}, {"H7A", "WRPSN1", 32},
    {"H7A", "WRPSN2", 32}, {"U5", "WRP1A_PSTRT", 7}, {"U5", "WRP2B_PEND", 7}, {"L5", "WRP1B_PEND", 7},
    {"L4R", "PCROP1_STRT", 17}, {"L4R", "PCROP2_END", 17}, {"L4R", "WRP2A_END", 8},
};

static const sfi_opt_field *field_named(const sfi_opt_layout *l, const char *name)
{
    for (size_t i = 0; i < l->count; i++)
        if (!strcmp(l->fields[i].name, name))
            return &l->fields[i];
    return NULL;
}

/* Where a field sits in the option area against where it lands in its register, per family:
 * the manuals' organisation tables. Returns the register bit the area position stands for. */
static unsigned register_bit_of(const sfi_opt_layout *l, const sfi_opt_field *f)
{
    const char *fam = l->family;
    bool f1 = !strcmp(fam, "F1") || !strcmp(fam, "F1CL");
    if (f1 || !strcmp(fam, "F0") || !strcmp(fam, "F3")) {
        if (!strcmp(f->reg, "OB_RDP"))
            return f->shift;
        if (!strcmp(f->reg, "FLASH_WRPR")) /* WRP0..3 at +8..+14: WRPR bytes 0..3 */
            return (f->offset - 8) / 2 * 8 + f->shift;
        /* USER at +2, DATA0 +4, DATA1 +6: FLASH_OBR from bit 2 (F1) or 8 (F0/F3) */
        unsigned user = f1 ? 2 : 8, data0 = f1 ? 10 : 16;
        return f->offset == 2 ? user + f->shift : data0 + (f->offset - 4) / 2 * 8 + f->shift;
    }
    if (!strcmp(fam, "F2") || !strcmp(fam, "F4") || !strcmp(fam, "F7")) {
        if (f->offset >= 16) /* F7 BOOT_ADD0 at +0x10, BOOT_ADD1 at +0x18: FLASH_OPTCR1 */
            return (f->offset - 16) / 8 * 16 + f->shift;
        return (f->offset == 8 ? 16 : 0) + f->shift; /* FLASH_OPTCR[15:0] at +0, [31:16] at +8 */
    }
    if (!strcmp(fam, "L0") || !strcmp(fam, "L1")) {
        if (f->offset >= 8) /* WRPROT1 / WRP1: [15:0] at +8, [31:16] at +0xC */
            return (f->offset - 8) / 4 * 16 + f->shift;
        return (f->offset == 4 ? 16 : 0) + f->shift;
    }
    return f->shift; /* FLASH_OPTR families: each word is its register */
}

static void test_layouts_against_the_registers(void **state)
{
    (void)state;
    size_t n = 0;
    for (size_t k = 0; sfi_opt_layout_at(k); k++) {
        const sfi_opt_layout *l = sfi_opt_layout_at(k);
        assert_true(l->size <= 256 && l->size % 4 == 0);
        for (size_t i = 0; i < l->count; i++) {
            const sfi_opt_field *f = &l->fields[i];
            unsigned off = f->offset >= SFI_OPT_AREA2 ? f->offset - SFI_OPT_AREA2 : f->offset;
            unsigned size = f->offset >= SFI_OPT_AREA2 ? l->size2 : l->size;
            if (off + 4 > size + 4 || f->shift + f->width > 32 || !f->width)
                fail_msg("%s %s: bits %u..%u of the word at +%u do not fit", l->family, f->name, f->shift,
                         f->shift + f->width - 1, f->offset);
            for (size_t j = 0; j < i; j++)
                if (!strcmp(l->fields[j].name, f->name))
                    fail_msg("%s: %s listed twice", l->family, f->name);
            /* Two fields never share a bit of the option area. */
            for (size_t j = 0; j < i; j++) {
                const sfi_opt_field *g = &l->fields[j];
                if (g->offset == f->offset && f->shift < g->shift + g->width && g->shift < f->shift + f->width)
                    fail_msg("%s: %s and %s overlap", l->family, f->name, g->name);
            }
            if (register_bit_of(l, f) != f->reg_bit)
                fail_msg("%s %s: at +%u bit %u of the option area, which loads %s bit %u, not %u", l->family, f->name,
                         f->offset, f->shift, f->reg, register_bit_of(l, f), f->reg_bit);
            n++;
        }
        /* Readout protection by its name; the H5's PRODUCT_STATE in its place (RM0481 7.6). */
        const sfi_opt_field *rdp = field_named(l, "RDP");
        if (!rdp)
            rdp = field_named(l, "PRODUCT_STATE");
        assert_non_null(rdp);
        assert_true(rdp->flags & (SFI_OPT_RDP | SFI_OPT_READ_ONLY));
    }
    for (size_t i = 0; i < sizeof cmsis / sizeof cmsis[0]; i++) {
        const sfi_opt_layout *l = sfi_opt_layout_of(cmsis[i].family);
        assert_non_null(l);
        const sfi_opt_field *f = field_named(l, cmsis[i].name);
        if (!f)
            fail_msg("%s has no field %s", cmsis[i].family, cmsis[i].name);
        if (strcmp(f->reg, cmsis[i].reg) || f->reg_bit != cmsis[i].bit)
            fail_msg("%s %s: %s bit %u, CMSIS says %s bit %u", cmsis[i].family, cmsis[i].name, f->reg, f->reg_bit,
                     cmsis[i].reg, cmsis[i].bit);
    }
    for (size_t i = 0; i < sizeof cmsis_widths / sizeof cmsis_widths[0]; i++) {
        const sfi_opt_field *f = field_named(sfi_opt_layout_of(cmsis_widths[i].family), cmsis_widths[i].name);
        assert_non_null(f);
        if (f->width != cmsis_widths[i].width)
            fail_msg("%s %s: %u bits, CMSIS says %u", cmsis_widths[i].family, cmsis_widths[i].name, f->width,
                     cmsis_widths[i].width);
    }
    assert_true(n > 150);
}

/* The H5 (no simulated part): its option registers from FLASH_OPTSR_CUR (0x40022050) and bank
 * 2's WRP2R_CUR (0x400221E8) as stm32h563xx.h places them; PRODUCT_STATE in place of RDP, shown
 * only, its values named; every change refused with the layout's sentence (options.c,
 * write_protection.c check no_write before anything goes to the chip). */
static void test_h5_layout_is_shown_only(void **state)
{
    (void)state;
    const sfi_opt_layout *l = sfi_opt_layout_of("H5");
    assert_non_null(l);
    assert_int_equal(sfi_opt_base(l, 0), 0x40022050u);
    assert_int_equal(l->base2, 0x400221E8u);
    assert_null(field_named(l, "RDP"));
    const sfi_opt_field *ps = field_named(l, "PRODUCT_STATE");
    assert_true(ps->flags & SFI_OPT_READ_ONLY);
    assert_non_null(strstr(ps->meaning, "0xED Open"));
    assert_non_null(strstr(ps->meaning, "0x72 Closed"));
    assert_non_null(l->no_write);
    /* WRP1R_CUR sits at 0x400220E8: +0x98 in the area; OPTSR2_CUR at 0x40022070: +0x20. */
    assert_int_equal(field_named(l, "WRPSG1")->offset, 0x400220E8u - 0x40022050u);
    assert_int_equal(field_named(l, "TZEN")->offset, 0x40022070u - 0x40022050u);
    assert_int_equal(field_named(l, "NSBOOTADD")->offset, 0x40022080u - 0x40022050u);
    assert_true(field_named(l, "WRPSG2")->flags & SFI_OPT_WRP);
    /* Every other layout is written. */
    for (size_t k = 0; sfi_opt_layout_at(k); k++)
        if (strcmp(sfi_opt_layout_at(k)->family, "H5"))
            assert_null(sfi_opt_layout_at(k)->no_write);
}

/* A part of each simulated family with a field changing it does nothing harmful to: its
 * expected value as the sim ships it, and the new one. */
struct family_case {
    const char *part, *family, *field;
    uint32_t factory, changed;
};
static const struct family_case cases[] = {
    {"stm32f103re", "F1", "DATA0", 0xFF, 0x5A},       {"stm32f072rb", "F0", "nRST_STOP", 1, 0},
    {"stm32f303vc", "F3", "VDDA_MONITOR", 1, 0},     {"stm32f407vg", "F4", "BOR_LEV", 3, 1},
    {"stm32f746ng", "F7", "BOR_LEV", 3, 2},          {"stm32l072cz", "L0", "BOR_LEV", 0, 9},
    {"stm32l152re", "L1", "BOR_LEV", 0, 10},         {"stm32l476rg", "L4", "BOR_LEV", 0, 2},
    {"stm32g474re", "G4", "IWDG_STOP", 1, 0},        {"stm32g071rb", "G0", "BORF_LEV", 0, 2},
    {"stm32wb55rg", "WB", "nRST_SHDW", 1, 0},        {"stm32h743zi", "H7", "BOR_LEV", 0, 2},
    {"stm32f205rg", "F2", "nRST_STOP", 1, 0},         {"stm32wle5jc", "WL", "nRST_SHDW", 1, 0},
    {"stm32c031c6", "C0", "nRST_SHDW", 1, 0},
    {"stm32l552ze", "L5", "IWDG_STOP", 1, 0},       {"stm32u575zi", "U5", "IWDG_STOP", 1, 0},
    {"stm32l4r5zi", "L4R", "BOR_LEV", 0, 2},        {"stm32h7a3zi", "H7A", "BOR_LEV", 0, 2},
};

struct fx {
    const struct family_case *c;
    char file[64], port[160];
    sf_session *s;
    uint32_t flash_size, ob_size;
};

static struct fx *fx_new(const struct family_case *c)
{
    struct fx *x = calloc(1, sizeof *x);
    x->c = c;
    snprintf(x->file, sizeof x->file, "/tmp/stubflash-options-XXXXXX");
    int fd = mkstemp(x->file);
    close(fd);
    remove(x->file);
    snprintf(x->port, sizeof x->port, "sim:%s?flash=%s", c->part, x->file);
    const sim_part *p = sim_part_find(c->part);
    x->flash_size = sim_part_flash_end(p) - 0x08000000u;
    x->ob_size = sim_part_option_bytes_size(p);
    assert_int_equal(sf_session_new(&x->s), SF_OK);
    assert_int_equal(sf_session_set_stub(x->s, false, 0), SF_OK); /* the ROM's Read Memory, quicker here */
    if (sf_session_open(x->s, x->port) != SF_OK)
        fail_msg("%s: %s", c->part, sf_session_last_error(x->s));
    return x;
}

/* The option bytes in the board's file, after the session closed. */
static uint8_t *board_options(struct fx *x)
{
    sf_session_close(x->s);
    size_t len;
    uint8_t *f = bh_load_file(x->file, &len);
    assert_int_equal(len, x->flash_size + x->ob_size);
    uint8_t *ob = calloc(1, 260);
    memcpy(ob, f + x->flash_size, x->ob_size);
    free(f);
    return ob;
}

static void fx_free(struct fx *x)
{
    sf_session_free(x->s);
    remove(x->file);
    free(x);
}

static sf_options *read_ok(struct fx *x)
{
    sf_options *o = NULL;
    if (sf_session_options_read(x->s, &o) != SF_OK)
        fail_msg("%s: options: %s", x->c->part, sf_session_last_error(x->s));
    return o;
}

static void test_every_family_reads_changes_and_reads_back(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const struct family_case *c = &cases[k];
        struct fx *x = fx_new(c);
        sf_options *o = read_ok(x);
        assert_string_equal(sf_options_family(o), c->family);
        size_t rdp, i;
        assert_int_equal(sf_options_find(o, "RDP", &rdp), SF_OK);
        assert_int_equal(sf_options_value(o, rdp), sfi_opt_layout_of(c->family)->rdp_level0);
        assert_int_equal(sf_options_find(o, c->field, &i), SF_OK);
        if (sf_options_value(o, i) != c->factory)
            fail_msg("%s %s reads %u, the sim ships %u", c->part, c->field, sf_options_value(o, i), c->factory);
        assert_int_equal(sf_options_set(o, c->field, c->changed), SF_OK);
        assert_true(sf_options_changed(o, i));
        if (sf_session_options_write(x->s, o, 0) != SF_OK)
            fail_msg("%s: write %s: %s", c->part, c->field, sf_session_last_error(x->s));
        sf_options_free(o);
        /* Read again by the session (after the reset) and in the chip's own bytes. */
        o = read_ok(x);
        assert_int_equal(sf_options_value(o, i), c->changed);
        for (size_t j = 0; j < sf_options_count(o); j++) /* nothing else moved */
            if (j != i && strcmp(sf_options_name(o, j), "RDP"))
                assert_int_equal(sf_options_value(o, j), sf_options_read_value(o, j));
        sf_options_free(o);
        uint8_t *ob = board_options(x);
        const sfi_opt_layout *l = sfi_opt_layout_of(c->family);
        assert_int_equal(sfi_opt_get(field_named(l, c->field), ob), c->changed);
        /* Complements: whole words on the L/G/W families (what their option loader checks);
         * on F0/F1/F3 the pair written (an erased pair, 0xFF 0xFF, loads as 0xFF as well). */
        if (l->complement == SFI_OPT_COMPL_WORD || l->complement == SFI_OPT_COMPL_HALFWORD) {
            if (strcmp(c->family, "F7") && !sfi_opt_complements_ok(l, ob))
                fail_msg("%s: the option bytes' complements do not match after the write", c->part);
        } else if (l->complement == SFI_OPT_COMPL_BYTE) {
            unsigned off = field_named(l, c->field)->offset;
            assert_int_equal(ob[off + 1], (uint8_t)~ob[off]);
        }
        free(ob);
        fx_free(x);
    }
}

static void test_refusals_write_nothing(void **state)
{
    (void)state;
    struct fx *x = fx_new(&cases[7]); /* L476 */
    sf_options *o = read_ok(x);
    /* Readout protection: level 2 locks the chip for good; any RDP change has its own command. */
    assert_int_equal(sf_options_set(o, "RDP", 0xCC), SF_ERR_ARG);
    assert_non_null(strstr(sf_options_last_error(o), "level 2"));
    assert_int_equal(sf_options_set(o, "RDP", 0xBB), SF_ERR_ARG);
    assert_int_equal(sf_options_set(o, "DUALBANK", 0), SF_ERR_ARG); /* shown only */
    assert_int_equal(sf_options_set(o, "BOR_LEV", 8), SF_ERR_ARG);  /* 3 bits */
    assert_non_null(strstr(sf_options_last_error(o), "3 bits"));
    assert_int_equal(sf_options_set(o, "NO_SUCH", 1), SF_ERR_ARG);
    assert_non_null(strstr(sf_options_last_error(o), "BFB2"));     /* lists what there is */
    /* Nothing staged: nothing to write. */
    assert_int_equal(sf_session_options_write(x->s, o, 0), SF_ERR_ARG);
    /* nSWBOOT0 = 0 ignores the BOOT0 pin: refused without the extra confirmation. */
    size_t i;
    assert_int_equal(sf_options_find(o, "nswboot0", &i), SF_OK); /* names: case-insensitive */
    assert_int_equal(sf_options_set(o, "nSWBOOT0", 0), SF_OK);
    assert_true(sf_options_loses_bootloader(o, i));
    assert_int_equal(sf_session_options_write(x->s, o, 0), SF_ERR_ARG);
    assert_non_null(strstr(sf_session_last_error(x->s), "ROM bootloader"));
    sf_options_free(o);
    o = read_ok(x);
    assert_int_equal(sf_options_value(o, i), 1); /* not written */
    sf_options_free(o);
    uint8_t *ob = board_options(x);
    const sfi_opt_layout *l = sfi_opt_layout_of("L4");
    assert_int_equal(sfi_opt_get(field_named(l, "nSWBOOT0"), ob), 1);
    assert_int_equal(sfi_opt_get(field_named(l, "RDP"), ob), 0xAA);
    free(ob);
    fx_free(x);
}

static void test_confirmed_boot_change_is_written(void **state)
{
    (void)state;
    struct fx *x = fx_new(&cases[7]);
    sf_options *o = read_ok(x);
    assert_int_equal(sf_options_set(o, "nBOOT1", 0), SF_OK);
    assert_int_equal(sf_session_options_write(x->s, o, SF_OPTIONS_ALLOW_NO_BOOTLOADER), SF_OK);
    sf_options_free(o);
    uint8_t *ob = board_options(x);
    assert_int_equal(sfi_opt_get(field_named(sfi_opt_layout_of("L4"), "nBOOT1"), ob), 0);
    free(ob);
    fx_free(x);
}

/* The stub reads the option area too (on the H7: the flash controller's option registers). */
static void test_options_through_the_stub(void **state)
{
    (void)state;
    const char *parts[] = {"stm32l476rg", "stm32h743zi"};
    for (size_t k = 0; k < 2; k++) {
        char port[160];
        snprintf(port, sizeof port, "sim:%s", parts[k]);
        sf_session *s;
        assert_int_equal(sf_session_new(&s), SF_OK);
        if (sf_session_open(s, port) != SF_OK)
            fail_msg("%s: %s", port, sf_session_last_error(s));
        /* A write starts the stub (the ROM reads until then). */
        const uint8_t word[8] = {1, 2, 3, 4, 5, 6, 7, 8};
        sf_image *img;
        assert_int_equal(sf_image_new(&img), SF_OK);
        assert_int_equal(sf_image_add(img, 0x08000000, word, sizeof word), SF_OK);
        if (sf_session_write_image(s, img, SF_WRITE_VERIFY) != SF_OK)
            fail_msg("%s: write: %s", port, sf_session_last_error(s));
        sf_image_free(img);
        sf_chip chip = SF_CHIP_INIT;
        assert_int_equal(sf_session_chip(s, &chip), SF_OK);
        assert_true(chip.stub_running);
        sf_options *o;
        assert_int_equal(sf_session_options_read(s, &o), SF_OK);
        size_t i;
        assert_int_equal(sf_options_find(o, "RDP", &i), SF_OK);
        assert_int_equal(sf_options_value(o, i), 0xAA);
        assert_int_equal(sf_options_find(o, "BOR_LEV", &i), SF_OK);
        assert_int_equal(sf_options_value(o, i), 0);
        sf_options_free(o);
        sf_session_free(s);
    }
}

/* The simulator: Write Memory on the option area makes the ROM reset the chip, which loads
 * the new option bytes (the L4's BOR_LEV here), complements computed. */
static void test_sim_option_write_resets_the_chip(void **state)
{
    (void)state;
    sim_board *b = bh_board("stm32l476rg");
    assert_int_equal(bh_sync(b), 0x79); /* ACK */
    unsigned before = sim_board_reset_count(b);
    uint8_t ob[40];
    assert_int_equal(bh_read(b, 0x1FFF7800, ob, sizeof ob), 0);
    assert_int_equal(ob[0], 0xAA);
    assert_int_equal(ob[4], 0x55); /* the complement */
    ob[1] = (uint8_t)((ob[1] & ~7u) | 3u); /* BOR_LEV 3 */
    assert_int_equal(bh_write(b, 0x1FFF7800, ob, sizeof ob), 0);
    for (int t = 0; t < 200 && sim_board_reset_count(b) == before; t++)
        usleep(5000);
    assert_int_equal(sim_board_reset_count(b), before + 1);
    uint8_t now[40];
    assert_int_equal(sim_board_peek(b, 0x1FFF7800, now, sizeof now), 0);
    assert_int_equal(now[1] & 7u, 3u);
    assert_int_equal((uint8_t)~now[5], now[1]);
    sim_board_free(b);
}

/* Write protection on each family: group 1 protected (F0/F1/F3 WRP bit 1, F4/F7 sector 1,
 * L0/L1 4 KiB sector 1, L4/G0/G4/WB page 1 through WRP1A), shown per unit, refused by a write
 * before anything is erased, then removed. */
static const struct wrp_case {
    const char *part;
    uint32_t first, last; /* the units group 1 protects */
} wrp_cases[] = {
    {"stm32f103re", 2, 3},   {"stm32f072rb", 2, 3},   {"stm32f303vc", 2, 3}, {"stm32f407vg", 1, 1},
    {"stm32f746ng", 1, 1},   {"stm32l072cz", 32, 63}, {"stm32l152re", 16, 31}, {"stm32l476rg", 1, 1},
    {"stm32g474re", 1, 1},   {"stm32g071rb", 1, 1},   {"stm32wb55rg", 1, 1}, {"stm32h743zi", 1, 1},
    {"stm32f205rg", 1, 1},   {"stm32wle5jc", 1, 1},   {"stm32c031c6", 1, 1}, {"stm32l4r5zi", 1, 1},
    {"stm32l552ze", 1, 1},   {"stm32u575zi", 1, 1},   {"stm32h7a3zi", 0, 3}, /* the H7A3: sector 1's group, sectors 0-3 */
};

static void expect_protected(struct fx *x, uint32_t first, uint32_t last)
{
    size_t n = sf_device_unit_count(sf_device_find(sim_part_pid(sim_part_find(x->c->part))), x->flash_size), count = 0;
    uint8_t *flags = calloc(n, 1);
    if (sf_session_protected_units(x->s, flags, n, &count) != SF_OK)
        fail_msg("%s: protected units: %s", x->c->part, sf_session_last_error(x->s));
    for (size_t u = 0; u < n; u++)
        if (flags[u] != (u >= first && u <= last))
            fail_msg("%s: unit %zu reads %s", x->c->part, u, flags[u] ? "protected" : "writable");
    assert_int_equal(count, first <= last ? last - first + 1 : 0);
    free(flags);
}

static void test_write_protection_on_every_family(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof wrp_cases / sizeof wrp_cases[0]; k++) {
        const struct wrp_case *w = &wrp_cases[k];
        struct family_case c = {w->part, "", "", 0, 0};
        struct fx *x = fx_new(&c);
        expect_protected(x, 1, 0);
        const uint8_t group = 1;
        if (sf_session_write_protect(x->s, &group, 1) != SF_OK)
            fail_msg("%s: protect: %s", w->part, sf_session_last_error(x->s));
        expect_protected(x, w->first, w->last);
        /* A write into the protected unit is refused before anything is erased. */
        uint32_t start = 0, size = 0;
        const sf_device *d = sf_device_find(sim_part_pid(sim_part_find(w->part)));
        assert_int_equal(sf_device_unit_at(d, x->flash_size, w->first, &start, &size), SF_OK);
        uint8_t data[16];
        memset(data, 0x5A, sizeof data);
        sf_image *img;
        assert_int_equal(sf_image_new(&img), SF_OK);
        assert_int_equal(sf_image_add(img, start, data, sizeof data), SF_OK);
        assert_int_equal(sf_session_write_image(x->s, img, SF_WRITE_VERIFY), SF_ERR_PROTECTED);
        assert_non_null(strstr(sf_session_last_error(x->s), "write-protected"));
        if (sf_session_write_unprotect(x->s) != SF_OK)
            fail_msg("%s: unprotect: %s", w->part, sf_session_last_error(x->s));
        expect_protected(x, 1, 0);
        if (sf_session_write_image(x->s, img, SF_WRITE_VERIFY) != SF_OK)
            fail_msg("%s: write after unprotect: %s", w->part, sf_session_last_error(x->s));
        sf_image_free(img);
        fx_free(x);
    }
}

/* Bank 2's WRP areas on an L476: set through options (a second Write Memory, on 0x1FFFF800),
 * shown per unit, a write into one refused, unprotect --write clears them; the L432 (one bank)
 * has no such fields. */
static void test_bank2_wrp_areas(void **state)
{
    (void)state;
    struct family_case c = {"stm32l476rg", "L4", "", 0, 0};
    struct fx *x = fx_new(&c);
    sf_options *o = read_ok(x);
    size_t i;
    assert_int_equal(sf_options_find(o, "WRP2A_STRT", &i), SF_OK);
    assert_int_equal(sf_options_value(o, i), 0xFF);
    assert_int_equal(sf_options_set(o, "WRP2A_STRT", 3), SF_OK);
    assert_int_equal(sf_options_set(o, "WRP2A_END", 4), SF_OK);
    if (sf_session_options_write(x->s, o, 0) != SF_OK)
        fail_msg("write: %s", sf_session_last_error(x->s));
    sf_options_free(o);
    expect_protected(x, 256 + 3, 256 + 4); /* bank 2 starts at unit 256 (2 KiB pages) */
    uint8_t data[16];
    memset(data, 0x5A, sizeof data);
    sf_image *img;
    assert_int_equal(sf_image_new(&img), SF_OK);
    assert_int_equal(sf_image_add(img, 0x08080000 + 4 * 2048, data, sizeof data), SF_OK);
    assert_int_equal(sf_session_write_image(x->s, img, SF_WRITE_VERIFY), SF_ERR_PROTECTED);
    assert_non_null(strstr(sf_session_last_error(x->s), "WRP2A"));
    assert_int_equal(sf_session_write_unprotect(x->s), SF_OK);
    expect_protected(x, 1, 0);
    assert_int_equal(sf_session_write_image(x->s, img, SF_WRITE_VERIFY), SF_OK);
    sf_image_free(img);
    fx_free(x);
    /* protect --write puts a unit of bank 2 into WRP2A (G474: 128 pages a bank, unit 130 is bank
     * 2's page 2), through the second option area; unprotect clears it. */
    struct family_case g4 = {"stm32g474re", "G4", "", 0, 0};
    x = fx_new(&g4);
    const uint8_t unit = 130;
    if (sf_session_write_protect(x->s, &unit, 1) != SF_OK)
        fail_msg("G474 protect: %s", sf_session_last_error(x->s));
    expect_protected(x, 130, 130);
    o = read_ok(x);
    assert_int_equal(sf_options_find(o, "WRP2A_STRT", &i), SF_OK);
    assert_int_equal(sf_options_value(o, i), 2);
    sf_options_free(o);
    assert_int_equal(sf_session_write_unprotect(x->s), SF_OK);
    expect_protected(x, 1, 0);
    fx_free(x);
    struct family_case one = {"stm32l432kc", "L4", "", 0, 0};
    x = fx_new(&one);
    o = read_ok(x);
    assert_int_equal(sf_options_find(o, "WRP2A_STRT", &i), SF_ERR_ARG);
    sf_options_free(o);
    fx_free(x);
}

/* The L4+'s bank 2 WRP areas (L4R5: two banks of 256 pages of 4 KiB; bank 2's option words at
 * 0x1FF01000, option_layouts.c): WRP2A over bank 2's page 3 (unit 259) lands in the board's
 * second option area, a write into the page is refused before anything is erased, unprotect
 * --write clears it and the write goes through. Bank 2's PCROP fields are shown only. */
static void test_l4r_bank2_wrp_areas(void **state)
{
    (void)state;
    struct family_case c = {"stm32l4r5zi", "L4R", "", 0, 0};
    struct fx *x = fx_new(&c);
    const uint32_t page = 0x08100000 + 3 * 4096;
    uint8_t old[16], data[16], now[16];
    memset(old, 0xA5, sizeof old);
    memset(data, 0x5A, sizeof data);
    sf_image *before, *img;
    assert_int_equal(sf_image_new(&before), SF_OK);
    assert_int_equal(sf_image_add(before, page, old, sizeof old), SF_OK);
    assert_int_equal(sf_session_write_image(x->s, before, SF_WRITE_VERIFY), SF_OK);
    sf_image_free(before);
    sf_options *o = read_ok(x);
    size_t i;
    assert_int_equal(sf_options_find(o, "PCROP2_STRT", &i), SF_OK);
    assert_true(sf_options_flags(o, i) & SF_OPTION_READ_ONLY);
    assert_int_equal(sf_options_find(o, "WRP2A_STRT", &i), SF_OK);
    assert_int_equal(sf_options_value(o, i), 0xFF);
    assert_int_equal(sf_options_set(o, "WRP2A_STRT", 3), SF_OK);
    assert_int_equal(sf_options_set(o, "WRP2A_END", 3), SF_OK);
    if (sf_session_options_write(x->s, o, 0) != SF_OK)
        fail_msg("write: %s", sf_session_last_error(x->s));
    sf_options_free(o);
    expect_protected(x, 256 + 3, 256 + 3); /* bank 2 starts at unit 256 */
    assert_int_equal(sf_image_new(&img), SF_OK);
    assert_int_equal(sf_image_add(img, page + 16, data, sizeof data), SF_OK);
    assert_int_equal(sf_session_write_image(x->s, img, SF_WRITE_VERIFY), SF_ERR_PROTECTED);
    assert_non_null(strstr(sf_session_last_error(x->s), "WRP2A"));
    assert_int_equal(sf_session_read(x->s, page, now, sizeof now), SF_OK);
    assert_memory_equal(now, old, sizeof now); /* nothing erased */
    uint8_t *ob = board_options(x);
    assert_int_equal(ob[40 + 0x18], 3); /* WRP2AR at 0x1FF01018: STRT, END, then the complement */
    assert_int_equal(ob[40 + 0x1A], 3);
    assert_int_equal(ob[40 + 0x1C], 0xFC);
    free(ob);
    if (sf_session_open(x->s, x->port) != SF_OK)
        fail_msg("reopen: %s", sf_session_last_error(x->s));
    assert_int_equal(sf_session_write_unprotect(x->s), SF_OK);
    expect_protected(x, 1, 0);
    assert_int_equal(sf_session_write_image(x->s, img, SF_WRITE_VERIFY), SF_OK);
    assert_int_equal(sf_session_read(x->s, page + 16, now, sizeof now), SF_OK);
    assert_memory_equal(now, data, sizeof now);
    sf_image_free(img);
    /* The same pages by unit number, above the 255 a byte holds (protect --write 259,260). */
    const uint32_t units[] = {259, 260}, beyond = 512;
    if (sf_session_write_protect_units(x->s, units, 2) != SF_OK)
        fail_msg("protect units: %s", sf_session_last_error(x->s));
    expect_protected(x, 259, 260);
    o = read_ok(x);
    assert_int_equal(sf_options_find(o, "WRP2A_STRT", &i), SF_OK);
    assert_int_equal(sf_options_value(o, i), 3);
    assert_int_equal(sf_options_find(o, "WRP2A_END", &i), SF_OK);
    assert_int_equal(sf_options_value(o, i), 4);
    sf_options_free(o);
    assert_int_equal(sf_session_write_protect_units(x->s, &beyond, 1), SF_ERR_ARG);
    assert_non_null(strstr(sf_session_last_error(x->s), "page 512"));
    expect_protected(x, 259, 260); /* nothing changed */
    assert_int_equal(sf_session_write_unprotect(x->s), SF_OK);
    expect_protected(x, 1, 0);
    fx_free(x);
}

/* The simulated L4R5 keeps a page of bank 2 inside WRP2A from being erased: WRP2AR at
 * 0x1FF01018, pages counted from bank 2's start (the ROM numbers them from 256). */
static void test_sim_l4r_wrp2_protects_bank2_pages(void **state)
{
    (void)state;
    sim_board *b = bh_board("stm32l4r5zi");
    assert_int_equal(bh_sync(b), 0x79);
    uint8_t ob[40];
    assert_int_equal(bh_read(b, 0x1FF01000, ob, sizeof ob), 0);
    assert_int_equal(ob[0x18], 0xFF); /* factory: STRT 0xFF above END 0: no area */
    ob[0x18] = 4, ob[0x1A] = 5;       /* WRP2A pages 4..5 of bank 2 */
    assert_int_equal(bh_write(b, 0x1FF01000, ob, sizeof ob), 0);
    usleep(50000);
    assert_int_equal(bh_sync(b), 0x79);
    const uint16_t p4 = 4, b3 = 256 + 3, b4 = 256 + 4, b6 = 256 + 6;
    assert_int_equal(bh_erase_pages(b, &p4, 1, true), 0); /* bank 1's page 4: not WRP2A's */
    assert_int_equal(bh_erase_pages(b, &b3, 1, true), 0);
    assert_int_equal(bh_erase_pages(b, &b4, 1, true), -1);
    assert_int_equal(bh_erase_pages(b, &b6, 1, true), 0);
    sim_board_free(b);
    /* A flash file saved before the board kept bank 2's words (flash, then area 1's 40 bytes)
     * still loads: bank 2's words are the factory's. */
    char file[64];
    snprintf(file, sizeof file, "/tmp/stubflash-options-XXXXXX");
    close(mkstemp(file));
    const sim_part *p = sim_part_find("stm32l4r5zi");
    size_t old_len = 2048 * 1024 + 40;
    assert_int_equal(sim_part_option_bytes_size(p), 80);
    uint8_t *img = malloc(old_len);
    memset(img, 0xFF, old_len);
    sim_options opt = {.realtime = false, .boot0 = true, .flash_file = NULL};
    b = bh_board_opts("stm32l4r5zi", &opt); /* factory area 1, taken from a fresh board */
    assert_int_equal(bh_sync(b), 0x79);
    assert_int_equal(bh_read(b, 0x1FF00000, img + 2048 * 1024, 40), 0);
    sim_board_free(b);
    bh_save_file(file, img, old_len);
    free(img);
    opt.flash_file = file;
    b = bh_board_opts("stm32l4r5zi", &opt);
    assert_int_equal(bh_sync(b), 0x79);
    assert_int_equal(bh_read(b, 0x1FF01000, ob, sizeof ob), 0);
    assert_int_equal(ob[0x18], 0xFF);
    assert_int_equal(ob[0x1C], 0x00);
    sim_board_free(b);
    remove(file);
}

/* The simulator keeps a page inside a WRP area from being erased (L4: RM0351 3.5.2). */
static void test_sim_wrp_area_protects_pages(void **state)
{
    (void)state;
    sim_board *b = bh_board("stm32l476rg");
    assert_int_equal(bh_sync(b), 0x79);
    uint8_t ob[40];
    assert_int_equal(bh_read(b, 0x1FFF7800, ob, sizeof ob), 0);
    ob[0x18] = 4, ob[0x1A] = 5; /* WRP1A pages 4..5 */
    assert_int_equal(bh_write(b, 0x1FFF7800, ob, sizeof ob), 0);
    usleep(50000);
    assert_int_equal(bh_sync(b), 0x79);
    const uint16_t p3 = 3, p4 = 4, p6 = 6;
    assert_int_equal(bh_erase_pages(b, &p3, 1, true), 0);
    assert_int_equal(bh_erase_pages(b, &p4, 1, true), -1);
    assert_int_equal(bh_erase_pages(b, &p6, 1, true), 0);
    sim_board_free(b);
}

/* The H7's bank 2: WRPSN2 in FLASH_WPSN_PRG2R (0x5200213C), loaded into WPSN_CUR2R at the
 * reset (RM0433 4.5.3, 4.9). Sector 9 of an H743 (sector 1 of bank 2) protected by the library,
 * shown per unit, kept in the board's option words, a write into it refused, then removed; the
 * same through the command line (info --json, protect/unprotect --write). */
static void test_h7_bank2_write_protection(void **state)
{
    (void)state;
    struct family_case c = {"stm32h743zi", "H7", "", 0, 0};
    struct fx *x = fx_new(&c);
    sf_options *o = read_ok(x);
    size_t i;
    assert_int_equal(sf_options_find(o, "WRPSN2", &i), SF_OK);
    assert_int_equal(sf_options_value(o, i), 0xFF);
    assert_true(sf_options_flags(o, i) & SF_OPTION_WRITE_PROTECTION);
    sf_options_free(o);
    const uint8_t group = 9;
    if (sf_session_write_protect(x->s, &group, 1) != SF_OK)
        fail_msg("protect: %s", sf_session_last_error(x->s));
    expect_protected(x, 9, 9);
    o = read_ok(x);
    assert_int_equal(sf_options_find(o, "WRPSN2", &i), SF_OK);
    assert_int_equal(sf_options_value(o, i), 0xFD);
    assert_int_equal(sf_options_find(o, "WRPSN1", &i), SF_OK);
    assert_int_equal(sf_options_value(o, i), 0xFF);
    sf_options_free(o);
    uint8_t data[32];
    memset(data, 0x5A, sizeof data);
    sf_image *img;
    assert_int_equal(sf_image_new(&img), SF_OK);
    assert_int_equal(sf_image_add(img, 0x08120000, data, sizeof data), SF_OK);
    assert_int_equal(sf_session_write_image(x->s, img, SF_WRITE_VERIFY), SF_ERR_PROTECTED);
    assert_non_null(strstr(sf_session_last_error(x->s), "WRPSN2"));
    /* A sector past bank 2's eight is refused in words. */
    const uint8_t past = 16;
    assert_int_equal(sf_session_write_protect(x->s, &past, 1), SF_ERR_ARG);
    /* The board keeps it: WPSN_CUR2R and WPSN_PRG2R after the first area's 40 bytes. */
    uint8_t *ob = board_options(x);
    assert_int_equal(ob[40], 0xFD);
    assert_int_equal(ob[44], 0xFD);
    free(ob);
    if (sf_session_open(x->s, x->port) != SF_OK)
        fail_msg("reopen: %s", sf_session_last_error(x->s));
    assert_int_equal(sf_session_write_unprotect(x->s), SF_OK);
    expect_protected(x, 1, 0);
    assert_int_equal(sf_session_write_image(x->s, img, SF_WRITE_VERIFY), SF_OK);
    sf_image_free(img);
    sf_session_close(x->s);

    /* The command line. */
    char log[96];
    snprintf(log, sizeof log, "%s.log", x->file);
    assert_int_equal(run_stubflash(x->port, log, "protect", "--write", "9,10", NULL), 0);
    assert_int_equal(run_stubflash(x->port, log, "--json", "info", NULL), 0);
    assert_true(bh_file_has(log, "\"write_protected_units\": [9, 10]"));
    assert_int_equal(run_stubflash(x->port, log, "--json", "options", NULL), 0);
    assert_true(bh_file_has(log, "\"WRPSN2\": 249"));
    assert_int_equal(run_stubflash(x->port, log, "unprotect", "--write", NULL), 0);
    assert_int_equal(run_stubflash(x->port, log, "--json", "info", NULL), 0);
    assert_false(bh_file_has(log, "\"write_protected_units\": [9"));
    remove(log);
    fx_free(x);
}

/* The simulator keeps a sector of the H7's bank 2 whose WPSN_CUR2R bit is 0 from being erased. */
static void test_sim_h7_wpsn2_protects_sectors(void **state)
{
    (void)state;
    sim_board *b = bh_board("stm32h743zi");
    assert_int_equal(bh_sync(b), 0x79);
    uint8_t w[8] = {0xFF, 0, 0, 0, 0xFE, 0, 0, 0}; /* WPSN_CUR2R (ignored), WPSN_PRG2R: sector 0 */
    assert_int_equal(bh_write(b, 0x52002138, w, sizeof w), 0);
    usleep(50000);
    assert_int_equal(bh_sync(b), 0x79);
    uint8_t now[8];
    assert_int_equal(sim_board_peek(b, 0x52002138, now, sizeof now), 0);
    assert_int_equal(now[0], 0xFE); /* loaded at the reset */
    const uint16_t s8 = 8, s9 = 9, s7 = 7;
    assert_int_equal(bh_erase_pages(b, &s7, 1, true), 0);
    assert_int_equal(bh_erase_pages(b, &s8, 1, true), -1);
    assert_int_equal(bh_erase_pages(b, &s9, 1, true), 0);
    sim_board_free(b);
}

/* The L5's and the U5's WRP areas (RM0438 6.5.2, RM0456 7.6.2): protect --write puts a page of
 * bank 1 into WRP1A and one of bank 2 into WRP2A (each bank's pages counted from 0); a write
 * into either is refused before anything is erased (what was there stays); the board keeps the
 * areas in its option words; unprotect clears them and the write goes through. The U5's area
 * with UNLOCK = 0 is refused in words and left as it is. */
static void test_l5_u5_write_protection(void **state)
{
    (void)state;
    static const struct { const char *part, *family; uint32_t page, bank2; } parts[] = {
        {"stm32l552ze", "L5", 2048, 0x08040000}, {"stm32u575zi", "U5", 8192, 0x08100000}};
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
        struct family_case c = {parts[k].part, parts[k].family, "", 0, 0};
        struct fx *x = fx_new(&c);
        uint32_t a1 = 0x08000000 + parts[k].page, a2 = parts[k].bank2 + 2 * parts[k].page;
        uint8_t old[32], now[32];
        memset(old, 0xA5, sizeof old);
        sf_image *img;
        assert_int_equal(sf_image_new(&img), SF_OK);
        assert_int_equal(sf_image_add(img, a1, old, sizeof old), SF_OK);
        assert_int_equal(sf_image_add(img, a2, old, sizeof old), SF_OK);
        if (sf_session_write_image(x->s, img, SF_WRITE_VERIFY) != SF_OK)
            fail_msg("%s: write: %s", c.part, sf_session_last_error(x->s));
        sf_image_free(img);
        const uint8_t groups[2] = {1, 128 + 2}; /* bank 1 has 128 pages on both */
        if (sf_session_write_protect(x->s, groups, 2) != SF_OK)
            fail_msg("%s: protect: %s", c.part, sf_session_last_error(x->s));
        uint8_t flags[256];
        size_t count = 0;
        assert_int_equal(sf_session_protected_units(x->s, flags, sizeof flags, &count), SF_OK);
        assert_int_equal(count, 2);
        assert_true(flags[1] && flags[130] && !flags[0] && !flags[2] && !flags[129]);
        sf_options *o = read_ok(x);
        static const char *const names[] = {"WRP1A_PSTRT", "WRP1A_PEND", "WRP2A_PSTRT", "WRP2A_PEND", "WRP1B_PSTRT", "WRP1B_PEND"};
        static const uint32_t want[] = {1, 1, 2, 2, 127, 0};
        for (size_t i = 0; i < 6; i++) {
            size_t j;
            assert_int_equal(sf_options_find(o, names[i], &j), SF_OK);
            if (sf_options_value(o, j) != want[i])
                fail_msg("%s: %s reads %u, not %u", c.part, names[i], sf_options_value(o, j), want[i]);
            assert_true(sf_options_flags(o, j) & SF_OPTION_WRITE_PROTECTION);
        }
        sf_options_free(o);
        /* A write into bank 2's area: refused before anything is erased. */
        uint8_t data[32];
        memset(data, 0x5A, sizeof data);
        assert_int_equal(sf_image_new(&img), SF_OK);
        assert_int_equal(sf_image_add(img, a2, data, sizeof data), SF_OK);
        assert_int_equal(sf_session_write_image(x->s, img, SF_WRITE_VERIFY), SF_ERR_PROTECTED);
        assert_non_null(strstr(sf_session_last_error(x->s), "WRP2A_PSTRT"));
        assert_non_null(strstr(sf_session_last_error(x->s), "write-protected"));
        assert_int_equal(sf_session_read(x->s, a2, now, sizeof now), SF_OK);
        assert_memory_equal(now, old, sizeof old);
        /* The board keeps them: WRP1AR at +0x18, WRP2AR at +0x28 (PSTRT, PEND at bit 16). */
        uint8_t *ob = board_options(x);
        assert_int_equal(ob[0x18], 1);
        assert_int_equal(ob[0x1A], 1);
        assert_int_equal(ob[0x28], 2);
        assert_int_equal(ob[0x2A], 2);
        free(ob);
        if (sf_session_open(x->s, x->port) != SF_OK)
            fail_msg("reopen: %s", sf_session_last_error(x->s));
        assert_int_equal(sf_session_write_unprotect(x->s), SF_OK);
        assert_int_equal(sf_session_protected_units(x->s, flags, sizeof flags, &count), SF_OK);
        assert_int_equal(count, 0);
        if (sf_session_write_image(x->s, img, SF_WRITE_VERIFY) != SF_OK)
            fail_msg("%s: write after unprotect: %s", c.part, sf_session_last_error(x->s));
        assert_int_equal(sf_session_read(x->s, a2, now, sizeof now), SF_OK);
        assert_memory_equal(now, data, sizeof data);
        sf_image_free(img);
        if (!strcmp(c.family, "U5")) {
            /* WRP1A pages 3..4 locked (UNLOCK = 0): protect and unprotect refuse to change it. */
            ob = board_options(x);
            size_t len;
            uint8_t *file = bh_load_file(x->file, &len);
            const uint8_t locked[4] = {3, 0, 4, 0x00};
            memcpy(file + x->flash_size + 0x18, locked, 4);
            bh_save_file(x->file, file, len);
            free(file);
            free(ob);
            if (sf_session_open(x->s, x->port) != SF_OK)
                fail_msg("reopen: %s", sf_session_last_error(x->s));
            assert_int_equal(sf_session_protected_units(x->s, flags, sizeof flags, &count), SF_OK);
            assert_int_equal(count, 2);
            assert_true(flags[3] && flags[4]);
            assert_int_equal(sf_session_write_unprotect(x->s), SF_ERR_PROTECTED);
            assert_non_null(strstr(sf_session_last_error(x->s), "WRP1A_UNLOCK = 0"));
            assert_int_equal(sf_session_protected_units(x->s, flags, sizeof flags, &count), SF_OK);
            assert_int_equal(count, 2);
        }
        fx_free(x);
    }
}

/* The simulator's L5 and U5 keep a page inside a WRP area from being erased or written: the
 * ROM's Erase answers NACK, its Write Memory leaves the page as it was (AN3155: no error), in
 * bank 1 (WRP1A) and in bank 2 (WRP2B); the U5 keeps an area whose UNLOCK is 0 through an option
 * change. */
static void test_sim_l5_u5_areas_protect_pages(void **state)
{
    (void)state;
    static const char *const parts[] = {"stm32l552ze", "stm32u575zi"};
    for (size_t k = 0; k < 2; k++) {
        sim_board *b = bh_board(parts[k]);
        bool u5 = k == 1;
        uint32_t page = u5 ? 8192 : 2048, bank2 = u5 ? 0x08100000 : 0x08040000;
        assert_int_equal(bh_sync(b), 0x79);
        uint8_t ob[48];
        assert_int_equal(bh_read(b, 0x40022040, ob, sizeof ob), 0);
        assert_int_equal(ob[0x18], 0x7F); /* factory: no area */
        assert_int_equal(ob[0x1B], u5 ? 0x80 : 0x00);
        ob[0x18] = 4, ob[0x1A] = 5;   /* WRP1A pages 4..5 */
        ob[0x2C] = 1, ob[0x2E] = 1;   /* WRP2B page 1 of bank 2 */
        assert_int_equal(bh_write(b, 0x40022040, ob, sizeof ob), 0);
        usleep(50000);
        assert_int_equal(bh_sync(b), 0x79);
        const uint16_t p3 = 3, p4 = 4, p6 = 6, b2p1 = 128 + 1, b2p2 = 128 + 2;
        assert_int_equal(bh_erase_pages(b, &p3, 1, true), 0);
        assert_int_equal(bh_erase_pages(b, &p4, 1, true), -1);
        assert_int_equal(bh_erase_pages(b, &p6, 1, true), 0);
        assert_int_equal(bh_erase_pages(b, &b2p1, 1, true), -1);
        assert_int_equal(bh_erase_pages(b, &b2p2, 1, true), 0);
        uint8_t data[16], back[16];
        memset(data, 0x5A, sizeof data);
        assert_int_equal(bh_write(b, 0x08000000 + 5 * page, data, sizeof data), 0);
        assert_int_equal(bh_read(b, 0x08000000 + 5 * page, back, sizeof back), 0);
        assert_int_equal(back[0], 0xFF);
        assert_int_equal(bh_write(b, bank2 + 1 * page, data, sizeof data), 0);
        assert_int_equal(bh_read(b, bank2 + 1 * page, back, sizeof back), 0);
        assert_int_equal(back[0], 0xFF);
        assert_int_equal(bh_write(b, 0x08000000 + 6 * page, data, sizeof data), 0);
        assert_int_equal(bh_read(b, 0x08000000 + 6 * page, back, sizeof back), 0);
        assert_int_equal(back[0], 0x5A);
        if (u5) { /* UNLOCK = 0 on WRP1A: a later change leaves it */
            ob[0x1B] = 0x00;
            assert_int_equal(bh_write(b, 0x40022040, ob, sizeof ob), 0);
            usleep(50000);
            assert_int_equal(bh_sync(b), 0x79);
            ob[0x18] = 0x7F, ob[0x1A] = 0, ob[0x1B] = 0x80;
            assert_int_equal(bh_write(b, 0x40022040, ob, sizeof ob), 0);
            usleep(50000);
            assert_int_equal(bh_sync(b), 0x79);
            uint8_t now[48];
            assert_int_equal(bh_read(b, 0x40022040, now, sizeof now), 0);
            assert_int_equal(now[0x18], 4);
            assert_int_equal(now[0x1A], 5);
            assert_int_equal(now[0x1B], 0x00);
            assert_int_equal(bh_erase_pages(b, &p4, 1, true), -1);
        }
        sim_board_free(b);
    }
}

/* The H7A3's option registers (RM0455 4.9, the H743's offsets): its own fields by name
 * (VDDMMC_HSLV, 32-bit WRPSN1/WRPSN2), SWAP_BANK_OPT the boot-bank field (A/B in
 * test_bank_swap.c); write protection by groups of 4
 * sectors: unit 130 (sector 2 of bank 2) protects sectors 128-131 through WRPSN2 bit 0, kept in
 * the board's WPSN_CUR2R, a write into the group refused before anything is erased, then the
 * command line's protect, info and unprotect. */
static void test_h7a3_options_and_write_protection(void **state)
{
    (void)state;
    struct family_case c = {"stm32h7a3zi", "H7A", "", 0, 0};
    struct fx *x = fx_new(&c);
    sf_options *o = read_ok(x);
    size_t i;
    assert_string_equal(sf_options_family(o), "H7A");
    assert_int_equal(sf_options_find(o, "VDDMMC_HSLV", &i), SF_OK);
    assert_int_equal(sf_options_find(o, "WRPSN1", &i), SF_OK);
    assert_int_equal(sf_options_width(o, i), 32);
    assert_int_equal(sf_options_value(o, i), 0xFFFFFFFFu);
    assert_int_equal(sf_options_find(o, "SWAP_BANK_OPT", &i), SF_OK);
    assert_true(sf_options_flags(o, i) & SF_OPTION_BOOT_BANK);
    assert_int_equal(sf_options_set(o, "SWAP_BANK_OPT", 1), SF_OK);
    sf_options_free(o);
    /* A/B on the H7A3: bank 1 boots; a switch to an empty bank 2 is refused, nothing changed. */
    int bank = 0;
    assert_int_equal(sf_session_boot_bank(x->s, &bank), SF_OK);
    assert_int_equal(bank, 1);
    assert_int_equal(sf_session_swap_banks(x->s), SF_ERR_STATE);
    const uint8_t group = 130;
    if (sf_session_write_protect(x->s, &group, 1) != SF_OK)
        fail_msg("protect: %s", sf_session_last_error(x->s));
    expect_protected(x, 128, 131);
    o = read_ok(x);
    assert_int_equal(sf_options_find(o, "WRPSN2", &i), SF_OK);
    assert_int_equal(sf_options_value(o, i), 0xFFFFFFFEu);
    sf_options_free(o);
    uint8_t data[32], now[32];
    memset(data, 0x5A, sizeof data);
    sf_image *img;
    assert_int_equal(sf_image_new(&img), SF_OK);
    assert_int_equal(sf_image_add(img, 0x08100000 + 3 * 8192, data, sizeof data), SF_OK);
    assert_int_equal(sf_session_write_image(x->s, img, SF_WRITE_VERIFY), SF_ERR_PROTECTED);
    assert_non_null(strstr(sf_session_last_error(x->s), "WRPSN2"));
    assert_int_equal(sf_session_read(x->s, 0x08100000 + 3 * 8192, now, sizeof now), SF_OK);
    assert_int_equal(now[0], 0xFF);
    uint8_t *ob = board_options(x);
    assert_int_equal(ob[40], 0xFE); /* WPSN_CUR2R after the first area's 40 bytes */
    assert_int_equal(ob[44], 0xFE);
    free(ob);
    if (sf_session_open(x->s, x->port) != SF_OK)
        fail_msg("reopen: %s", sf_session_last_error(x->s));
    assert_int_equal(sf_session_write_unprotect(x->s), SF_OK);
    expect_protected(x, 1, 0);
    assert_int_equal(sf_session_write_image(x->s, img, SF_WRITE_VERIFY), SF_OK);
    sf_image_free(img);
    sf_session_close(x->s);
    char log[96];
    snprintf(log, sizeof log, "%s.log", x->file);
    assert_int_equal(run_stubflash(x->port, log, "protect", "--write", "5", NULL), 0);
    assert_int_equal(run_stubflash(x->port, log, "--json", "info", NULL), 0);
    assert_true(bh_file_has(log, "\"write_protected_units\": [4, 5, 6, 7]"));
    assert_int_equal(run_stubflash(x->port, log, "--json", "options", NULL), 0);
    assert_true(bh_file_has(log, "\"WRPSN1\": 4294967293"));
    assert_int_equal(run_stubflash(x->port, log, "unprotect", "--write", NULL), 0);
    assert_int_equal(run_stubflash(x->port, log, "--json", "info", NULL), 0);
    assert_true(bh_file_has(log, "\"write_protected_units\": []"));
    remove(log);
    fx_free(x);
}

/* The simulator's H7A3 keeps a group of 4 sectors whose WPSN bit is 0 from being erased:
 * WPSN_PRG2R bit 1 (sectors 4-7 of bank 2, the flash's 132-135), loaded at the reset. */
static void test_sim_h7a3_wpsn_groups(void **state)
{
    (void)state;
    sim_board *b = bh_board("stm32h7a3zi");
    assert_int_equal(bh_sync(b), 0x79);
    uint8_t w[8] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFD, 0xFF, 0xFF, 0xFF}; /* WPSN_CUR2R (ignored), WPSN_PRG2R */
    assert_int_equal(bh_write(b, 0x52002138, w, sizeof w), 0);
    usleep(50000);
    assert_int_equal(bh_sync(b), 0x79);
    uint8_t now[8];
    assert_int_equal(sim_board_peek(b, 0x52002138, now, sizeof now), 0);
    assert_int_equal(now[0], 0xFD);
    const uint16_t s131 = 131, s132 = 132, s135 = 135, s136 = 136, s4 = 4;
    assert_int_equal(bh_erase_pages(b, &s131, 1, true), 0);
    assert_int_equal(bh_erase_pages(b, &s132, 1, true), -1);
    assert_int_equal(bh_erase_pages(b, &s135, 1, true), -1);
    assert_int_equal(bh_erase_pages(b, &s136, 1, true), 0);
    assert_int_equal(bh_erase_pages(b, &s4, 1, true), 0); /* bank 1's group 1: WPSN_CUR1R all set */
    sim_board_free(b);
}

/* The L552 with DBANK = 0 (one bank of 128 pages of 4 KiB, RM0438 6.3.1): WRP1A/WRP1B count those
 * pages, WRP2A/WRP2B are not used (assumed, sim_flash_options.c): the simulator refuses erasing
 * page 100 in WRP1A and erases page 0 though WRP2A says 0..0; the library protects unit 100 through
 * WRP1A, lists it and refuses a write into it before anything is erased. */
static void test_l552_one_bank_wrp_areas(void **state)
{
    (void)state;
    sim_board *b = bh_board("stm32l552ze");
    assert_int_equal(bh_sync(b), 0x79);
    uint8_t ob[48];
    assert_int_equal(bh_read(b, 0x40022040, ob, sizeof ob), 0);
    ob[2] &= (uint8_t)~(1u << 6);     /* DBANK (FLASH_OPTR bit 22) = 0 */
    ob[0x18] = 100, ob[0x1A] = 100;   /* WRP1A: page 100 */
    ob[0x28] = 0, ob[0x2A] = 0;       /* WRP2A: 0..0, unused with one bank */
    assert_int_equal(bh_write(b, 0x40022040, ob, sizeof ob), 0);
    usleep(50000);
    assert_int_equal(bh_sync(b), 0x79);
    const uint16_t p0 = 0, p99 = 99, p100 = 100;
    assert_int_equal(bh_erase_pages(b, &p0, 1, true), 0);
    assert_int_equal(bh_erase_pages(b, &p99, 1, true), 0);
    assert_int_equal(bh_erase_pages(b, &p100, 1, true), -1);
    /* The second half of the 4 KiB page 100 (two banks: bank 2's page 73, not protected). */
    uint8_t data[16], back[16];
    memset(data, 0x5A, sizeof data);
    assert_int_equal(bh_write(b, 0x08000000 + 100 * 4096 + 2048, data, sizeof data), 0);
    assert_int_equal(bh_read(b, 0x08000000 + 100 * 4096 + 2048, back, sizeof back), 0);
    assert_int_equal(back[0], 0xFF);
    sim_board_free(b);

    struct family_case c = {"stm32l552ze", "L5", "", 0, 0};
    struct fx *x = fx_new(&c);
    sf_session_close(x->s);
    size_t len;
    uint8_t *file = bh_load_file(x->file, &len);
    file[x->flash_size + 2] &= (uint8_t)~(1u << 6); /* DBANK = 0 in the board's option words */
    bh_save_file(x->file, file, len);
    free(file);
    if (sf_session_open(x->s, x->port) != SF_OK)
        fail_msg("reopen: %s", sf_session_last_error(x->s));
    const uint8_t group = 100;
    if (sf_session_write_protect(x->s, &group, 1) != SF_OK)
        fail_msg("protect: %s", sf_session_last_error(x->s));
    uint8_t flags[256];
    size_t count = 0;
    memset(flags, 0, sizeof flags);
    assert_int_equal(sf_session_protected_units(x->s, flags, sizeof flags, &count), SF_OK);
    assert_int_equal(count, 1);
    assert_true(flags[100]);
    sf_options *o = read_ok(x);
    size_t i;
    assert_int_equal(sf_options_find(o, "WRP1A_PSTRT", &i), SF_OK);
    assert_int_equal(sf_options_value(o, i), 100);
    assert_int_equal(sf_options_find(o, "WRP2A_PSTRT", &i), SF_OK);
    assert_int_equal(sf_options_value(o, i), 127); /* untouched */
    sf_options_free(o);
    sf_image *img;
    assert_int_equal(sf_image_new(&img), SF_OK);
    assert_int_equal(sf_image_add(img, 0x08000000 + 100 * 4096, data, sizeof data), SF_OK);
    assert_int_equal(sf_session_write_image(x->s, img, SF_WRITE_VERIFY), SF_ERR_PROTECTED);
    assert_non_null(strstr(sf_session_last_error(x->s), "WRP1A_PSTRT"));
    assert_int_equal(sf_session_write_unprotect(x->s), SF_OK);
    assert_int_equal(sf_session_write_image(x->s, img, SF_WRITE_VERIFY), SF_OK);
    sf_image_free(img);
    fx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layouts_against_the_registers),
        cmocka_unit_test(test_h5_layout_is_shown_only),
        cmocka_unit_test(test_sim_option_write_resets_the_chip),
        cmocka_unit_test(test_every_family_reads_changes_and_reads_back),
        cmocka_unit_test(test_refusals_write_nothing),
        cmocka_unit_test(test_confirmed_boot_change_is_written),
        cmocka_unit_test(test_options_through_the_stub),
        cmocka_unit_test(test_write_protection_on_every_family),
        cmocka_unit_test(test_sim_wrp_area_protects_pages),
        cmocka_unit_test(test_bank2_wrp_areas),
        cmocka_unit_test(test_l4r_bank2_wrp_areas),
        cmocka_unit_test(test_sim_l4r_wrp2_protects_bank2_pages),
        cmocka_unit_test(test_h7_bank2_write_protection),
        cmocka_unit_test(test_sim_h7_wpsn2_protects_sectors),
        cmocka_unit_test(test_l5_u5_write_protection),
        cmocka_unit_test(test_sim_l5_u5_areas_protect_pages),
        cmocka_unit_test(test_l552_one_bank_wrp_areas),
        cmocka_unit_test(test_h7a3_options_and_write_protection),
        cmocka_unit_test(test_sim_h7a3_wpsn_groups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
