/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* option_layouts.c - every option-byte field of each family, by the reference manual's name.
 *
 * A field is given twice: where the ROM bootloader shows it in the option area (a byte offset
 * and bits of the 32-bit little-endian word there; the manuals' "option byte organisation"
 * tables), and the register and bit it loads into (ST's CMSIS device headers: FLASH_OBR_* and
 * FLASH_WRPR on F0/F1/F3, FLASH_OPTCR_* on F2/F4/F7, FLASH_OPTR_* and FLASH_WRPxR on the
 * others). tests/test_options.c checks both against each other and against the headers' bit
 * positions it lists. Sources per table below.
 *
 * The H7's option bytes are registers: its bootloader takes Read and Write Memory on the option
 * program registers (FLASH_OPTSR_PRG ... FLASH_BOOT_PRGR; ST's community answer on writing
 * FLASH_BOOT_PRGR through the bootloader), loaded after its reset. The L5's too, from FLASH_OPTR
 * (assumed, as ST's forum says of the U5's at 0x40022040).
 */
#include "option_layouts.h"

#include <string.h>

#define NONE_ROM 0xFFFFFFFFu
#define F(nm, rg, bit, off, sh, w, fl, romv, text) {nm, rg, bit, off, sh, w, fl, romv, text}
#define ENTRIES(a) a, sizeof(a) / sizeof((a)[0])

/* F1: RM0008 Rev 21 section 2.5 "Option bytes" (table 7: RDP at 0x1FFFF800, USER 0x1FFFF802,
 * Data0/1 0x1FFFF804/6, WRP0-3 0x1FFFF808-E, each with its complement in the next byte) and
 * 3.4 (FLASH_OBR, FLASH_WRPR); stm32f103xg.h: FLASH_OBR_RDPRT bit 1, WDG_SW 2, nRST_STOP 3,
 * nRST_STDBY 4, BFB2 5 (XL density), DATA0 10, DATA1 18. */
static const sfi_opt_field f1_fields[] = {
    F("RDP", "OB_RDP", 0, 0, 0, 8, SFI_OPT_RDP, NONE_ROM, "readout protection: 0xA5 off, any other value on"),
    F("WDG_SW", "FLASH_OBR", 2, 2, 0, 1, 0, NONE_ROM, "1: watchdog started by software, 0: by hardware at reset"),
    F("nRST_STOP", "FLASH_OBR", 3, 2, 1, 1, 0, NONE_ROM, "0: reset on entering Stop mode, 1: no reset"),
    F("nRST_STDBY", "FLASH_OBR", 4, 2, 2, 1, 0, NONE_ROM, "0: reset on entering Standby mode, 1: no reset"),
    F("BFB2", "FLASH_OBR", 5, 2, 3, 1, SFI_OPT_READ_ONLY, NONE_ROM,
      "XL density: 0 boots bank 2 (through the bootloader) when it holds firmware, 1 boots bank 1"),
    F("DATA0", "FLASH_OBR", 10, 4, 0, 8, 0, NONE_ROM, "user data byte 0"),
    F("DATA1", "FLASH_OBR", 18, 6, 0, 8, 0, NONE_ROM, "user data byte 1"),
    F("WRP0", "FLASH_WRPR", 0, 8, 0, 8, SFI_OPT_WRP, NONE_ROM, "write protection of page groups 0-7 (bit = 0: protected)"),
    F("WRP1", "FLASH_WRPR", 8, 10, 0, 8, SFI_OPT_WRP, NONE_ROM, "write protection of page groups 8-15"),
    F("WRP2", "FLASH_WRPR", 16, 12, 0, 8, SFI_OPT_WRP, NONE_ROM, "write protection of page groups 16-23"),
    F("WRP3", "FLASH_WRPR", 24, 14, 0, 8, SFI_OPT_WRP, NONE_ROM,
      "write protection of page groups 24-31 (bit 31: the rest of flash)"),
};

/* F0: RM0091 Rev 10 section 4 "Option bytes" (table 13, the F1's organisation; USER bits) and
 * 4.5.5 FLASH_OBR; stm32f072xb.h: FLASH_OBR_IWDG_SW bit 8, nRST_STOP 9, nRST_STDBY 10, nBOOT0 11,
 * nBOOT1 12, VDDA_MONITOR 13, RAM_PARITY_CHECK 14, BOOT_SEL 15, DATA0 16, DATA1 24. */
static const sfi_opt_field f0_fields[] = {
    F("RDP", "OB_RDP", 0, 0, 0, 8, SFI_OPT_RDP, NONE_ROM, "readout protection: 0xAA level 0, 0xCC level 2 (for good), else level 1"),
    F("WDG_SW", "FLASH_OBR", 8, 2, 0, 1, 0, NONE_ROM, "1: watchdog started by software, 0: by hardware at reset"),
    F("nRST_STOP", "FLASH_OBR", 9, 2, 1, 1, 0, NONE_ROM, "0: reset on entering Stop mode, 1: no reset"),
    F("nRST_STDBY", "FLASH_OBR", 10, 2, 2, 1, 0, NONE_ROM, "0: reset on entering Standby mode, 1: no reset"),
    F("nBOOT0", "FLASH_OBR", 11, 2, 3, 1, 0, NONE_ROM, "F04x/F09x: replaces the BOOT0 pin when BOOT_SEL is 0"),
    F("nBOOT1", "FLASH_OBR", 12, 2, 4, 1, SFI_OPT_NO_ROM, 1,
      "with BOOT0 high: 1 boots the system memory (the ROM bootloader), 0 boots SRAM"),
    F("VDDA_MONITOR", "FLASH_OBR", 13, 2, 5, 1, 0, NONE_ROM, "1: VDDA supervisor on, 0: off"),
    F("RAM_PARITY_CHECK", "FLASH_OBR", 14, 2, 6, 1, 0, NONE_ROM, "0: SRAM parity check on, 1: off"),
    F("BOOT_SEL", "FLASH_OBR", 15, 2, 7, 1, SFI_OPT_NO_ROM, 1,
      "F04x/F09x: 1 boots as the BOOT0 pin says, 0 as nBOOT0 says (the pin is ignored)"),
    F("DATA0", "FLASH_OBR", 16, 4, 0, 8, 0, NONE_ROM, "user data byte 0"),
    F("DATA1", "FLASH_OBR", 24, 6, 0, 8, 0, NONE_ROM, "user data byte 1"),
    F("WRP0", "FLASH_WRPR", 0, 8, 0, 8, SFI_OPT_WRP, NONE_ROM, "write protection of sectors 0-7 (bit = 0: protected)"),
    F("WRP1", "FLASH_WRPR", 8, 10, 0, 8, SFI_OPT_WRP, NONE_ROM, "write protection of sectors 8-15"),
    F("WRP2", "FLASH_WRPR", 16, 12, 0, 8, SFI_OPT_WRP, NONE_ROM, "write protection of sectors 16-23 (128 KiB parts)"),
    F("WRP3", "FLASH_WRPR", 24, 14, 0, 8, SFI_OPT_WRP, NONE_ROM, "write protection of sectors 24-31 (128 KiB parts)"),
};

/* F3: RM0316 Rev 8 section 4 "Option bytes" and 4.5.5 FLASH_OBR; stm32f303xc.h:
 * FLASH_OBR_IWDG_SW bit 8, nRST_STOP 9, nRST_STDBY 10, nBOOT1 12, VDDA_MONITOR 13, SRAM_PE 14,
 * DATA0 16, DATA1 24. */
static const sfi_opt_field f3_fields[] = {
    F("RDP", "OB_RDP", 0, 0, 0, 8, SFI_OPT_RDP, NONE_ROM, "readout protection: 0xAA level 0, 0xCC level 2 (for good), else level 1"),
    F("WDG_SW", "FLASH_OBR", 8, 2, 0, 1, 0, NONE_ROM, "1: watchdog started by software, 0: by hardware at reset"),
    F("nRST_STOP", "FLASH_OBR", 9, 2, 1, 1, 0, NONE_ROM, "0: reset on entering Stop mode, 1: no reset"),
    F("nRST_STDBY", "FLASH_OBR", 10, 2, 2, 1, 0, NONE_ROM, "0: reset on entering Standby mode, 1: no reset"),
    F("nBOOT1", "FLASH_OBR", 12, 2, 4, 1, SFI_OPT_NO_ROM, 1,
      "with BOOT0 high: 1 boots the system memory (the ROM bootloader), 0 boots SRAM"),
    F("VDDA_MONITOR", "FLASH_OBR", 13, 2, 5, 1, 0, NONE_ROM, "1: VDDA supervisor on, 0: off"),
    F("SRAM_PE", "FLASH_OBR", 14, 2, 6, 1, 0, NONE_ROM, "F303xD/E: 0 SRAM parity check on, 1 off"),
    F("DATA0", "FLASH_OBR", 16, 4, 0, 8, 0, NONE_ROM, "user data byte 0"),
    F("DATA1", "FLASH_OBR", 24, 6, 0, 8, 0, NONE_ROM, "user data byte 1"),
    F("WRP0", "FLASH_WRPR", 0, 8, 0, 8, SFI_OPT_WRP, NONE_ROM, "write protection of page groups 0-7 (bit = 0: protected)"),
    F("WRP1", "FLASH_WRPR", 8, 10, 0, 8, SFI_OPT_WRP, NONE_ROM, "write protection of page groups 8-15"),
    F("WRP2", "FLASH_WRPR", 16, 12, 0, 8, SFI_OPT_WRP, NONE_ROM, "write protection of page groups 16-23"),
    F("WRP3", "FLASH_WRPR", 24, 14, 0, 8, SFI_OPT_WRP, NONE_ROM, "write protection of page groups 24-31"),
};

/* F2/F4: RM0090 Rev 19 section 3.6.1 (table 16: the word at 0x1FFFC000 holds FLASH_OPTCR
 * bits 15:0, the one at 0x1FFFC008 bits 31:16) and 3.9.10 FLASH_OPTCR; stm32f407xx.h and
 * stm32f429xx.h: FLASH_OPTCR_BOR_LEV bit 2, BFB2 4 (F42x/43x), WDG_SW 5, nRST_STOP 6,
 * nRST_STDBY 7, RDP 8, nWRP 16, DB1M 30 (F42x/43x), SPRMOD 31 (F401/F411/F42x). */
static const sfi_opt_field f4_fields[] = {
    F("BOR_LEV", "FLASH_OPTCR", 2, 0, 2, 2, 0, NONE_ROM, "brown-out reset: 3 off, 2 level 1 (~2.1 V), 1 level 2 (~2.4 V), 0 level 3 (~2.7 V)"),
    F("BFB2", "FLASH_OPTCR", 4, 0, 4, 1, SFI_OPT_BOOT_BANK, NONE_ROM,
      "F42x/43x: 1 boots bank 2 (through the bootloader) when it holds firmware, 0 bank 1"),
    F("WDG_SW", "FLASH_OPTCR", 5, 0, 5, 1, 0, NONE_ROM, "1: watchdog started by software, 0: by hardware at reset"),
    F("nRST_STOP", "FLASH_OPTCR", 6, 0, 6, 1, 0, NONE_ROM, "0: reset on entering Stop mode, 1: no reset"),
    F("nRST_STDBY", "FLASH_OPTCR", 7, 0, 7, 1, 0, NONE_ROM, "0: reset on entering Standby mode, 1: no reset"),
    F("RDP", "FLASH_OPTCR", 8, 0, 8, 8, SFI_OPT_RDP, NONE_ROM, "readout protection: 0xAA level 0, 0xCC level 2 (for good), else level 1"),
    F("nWRP", "FLASH_OPTCR", 16, 8, 0, 12, SFI_OPT_WRP, NONE_ROM, "write protection, bit n = sector n (0: protected)"),
    F("DB1M", "FLASH_OPTCR", 30, 8, 14, 1, SFI_OPT_BANK_MODE, NONE_ROM,
      "F42x/43x with 1 MiB: 1 two banks of 512 KiB (needed for BFB2), 0 one bank"),
    F("SPRMOD", "FLASH_OPTCR", 31, 8, 15, 1, SFI_OPT_READ_ONLY, NONE_ROM,
      "F401/F411/F42x: 1 makes nWRP select proprietary code readout protection (PCROP) instead"),
};

/* F2: RM0033, option bytes organisation (the F4's: the word at 0x1FFFC000 holds FLASH_OPTCR
 * bits 15:0, the one at 0x1FFFC008 bits 31:16; section numbers not checked) and FLASH_OPTCR;
 * stm32f205xx.h: FLASH_OPTCR_BOR_LEV bit 2 (2 bits), WDG_SW 5, nRST_STOP 6, nRST_STDBY 7,
 * RDP 8, nWRP 16 (12 bits). No BFB2, DB1M or SPRMOD. */
static const sfi_opt_field f2_fields[] = {
    F("BOR_LEV", "FLASH_OPTCR", 2, 0, 2, 2, 0, NONE_ROM, "brown-out reset: 3 off, 2 level 1, 1 level 2, 0 level 3"),
    F("WDG_SW", "FLASH_OPTCR", 5, 0, 5, 1, 0, NONE_ROM, "1: watchdog started by software, 0: by hardware at reset"),
    F("nRST_STOP", "FLASH_OPTCR", 6, 0, 6, 1, 0, NONE_ROM, "0: reset on entering Stop mode, 1: no reset"),
    F("nRST_STDBY", "FLASH_OPTCR", 7, 0, 7, 1, 0, NONE_ROM, "0: reset on entering Standby mode, 1: no reset"),
    F("RDP", "FLASH_OPTCR", 8, 0, 8, 8, SFI_OPT_RDP, NONE_ROM, "readout protection: 0xAA level 0, 0xCC level 2 (for good), else level 1"),
    F("nWRP", "FLASH_OPTCR", 16, 8, 0, 12, SFI_OPT_WRP, NONE_ROM, "write protection, bit n = sector n (0: protected)"),
};

/* F7: RM0385 Rev 8 section 3.4 (table 6 "option byte organization": 0x1FFF0000 FLASH_OPTCR
 * bits 15:0, 0x1FFF0008 bits 31:16, 0x1FFF0010 BOOT_ADD0, 0x1FFF0018 BOOT_ADD1, each with its
 * complement in bits 31:16) and 3.7.6/3.7.7 FLASH_OPTCR/OPTCR1; stm32f767xx.h:
 * FLASH_OPTCR_BOR_LEV bit 2, WWDG_SW 4, IWDG_SW 5, nRST_STOP 6, nRST_STDBY 7, RDP 8, nWRP 16,
 * nDBOOT 28, nDBANK 29 (F76x/77x), IWDG_STDBY 30, IWDG_STOP 31; FLASH_OPTCR1_BOOT_ADD0 0,
 * BOOT_ADD1 16. */
static const sfi_opt_field f7_fields[] = {
    F("BOR_LEV", "FLASH_OPTCR", 2, 0, 2, 2, 0, NONE_ROM, "brown-out reset: 3 off, 2 level 1, 1 level 2, 0 level 3"),
    F("WWDG_SW", "FLASH_OPTCR", 4, 0, 4, 1, 0, NONE_ROM, "1: window watchdog started by software, 0: by hardware"),
    F("IWDG_SW", "FLASH_OPTCR", 5, 0, 5, 1, 0, NONE_ROM, "1: independent watchdog started by software, 0: by hardware"),
    F("nRST_STOP", "FLASH_OPTCR", 6, 0, 6, 1, 0, NONE_ROM, "0: reset on entering Stop mode, 1: no reset"),
    F("nRST_STDBY", "FLASH_OPTCR", 7, 0, 7, 1, 0, NONE_ROM, "0: reset on entering Standby mode, 1: no reset"),
    F("RDP", "FLASH_OPTCR", 8, 0, 8, 8, SFI_OPT_RDP, NONE_ROM, "readout protection: 0xAA level 0, 0xCC level 2 (for good), else level 1"),
    F("nWRP", "FLASH_OPTCR", 16, 8, 0, 8, SFI_OPT_WRP, NONE_ROM, "write protection, bit n = sector n (0: protected)"),
    F("nDBOOT", "FLASH_OPTCR", 28, 8, 12, 1, SFI_OPT_READ_ONLY, NONE_ROM, "F76x/77x: 0 dual-bank boot on, 1 off"),
    F("nDBANK", "FLASH_OPTCR", 29, 8, 13, 1, SFI_OPT_BANK_MODE, NONE_ROM, "F76x/77x: 0 two banks, 1 one bank"),
    F("IWDG_STDBY", "FLASH_OPTCR", 30, 8, 14, 1, 0, NONE_ROM, "0: independent watchdog frozen in Standby mode, 1: running"),
    F("IWDG_STOP", "FLASH_OPTCR", 31, 8, 15, 1, 0, NONE_ROM, "0: independent watchdog frozen in Stop mode, 1: running"),
    /* The F76x/77x's boot bank with nDBANK = 0 and nDBOOT = 1 (bank_swap.c, ST's FLASH_DualBoot
     * example): 0x2000 bank 1, 0x2040 bank 2; address = value << 14 (stm32f7xx_hal_flash_ex.h
     * __HAL_FLASH_CALC_BOOT_BASE_ADR). */
    F("BOOT_ADD0", "FLASH_OPTCR1", 0, 16, 0, 16, SFI_OPT_BOOT_BANK, NONE_ROM,
      "boot address with BOOT0 low, address bits 29:14 (0x0080: 0x00200000, flash on the ITCM; 0x2000: "
      "0x08000000, bank 1; 0x2040: 0x08100000, bank 2 of an F76x/77x with nDBANK = 0)"),
    F("BOOT_ADD1", "FLASH_OPTCR1", 16, 24, 0, 16, SFI_OPT_NO_ROM, 0x0040,
      "boot address with BOOT0 high, address bits 29:14 (0x0040: 0x00100000, the ROM bootloader)"),
};

/* L0: RM0367 Rev 7 section 3.4.1 (table 19: 0x1FF80000 FLASH_OPTR bits 15:0, 0x1FF80004 bits
 * 31:16, 0x1FF80008/0C WRPROT1, each with its complement in bits 31:16) and 3.7.8 FLASH_OPTR;
 * stm32l073xx.h: FLASH_OPTR_RDPROT bit 0, WPRMOD 8, BOR_LEV 16, IWDG_SW 20, nRST_STOP 21,
 * nRST_STDBY 22, BFB2 23 (cat.5), nBOOT1 31; FLASH_WRPR_WRP bit 0. */
static const sfi_opt_field l0_fields[] = {
    F("RDP", "FLASH_OPTR", 0, 0, 0, 8, SFI_OPT_RDP, NONE_ROM, "readout protection: 0xAA level 0, 0xCC level 2 (for good), else level 1"),
    F("WPRMOD", "FLASH_OPTR", 8, 0, 8, 1, SFI_OPT_READ_ONLY, NONE_ROM, "1: WRPROT bits select PCROP (read protection of code) instead"),
    F("BOR_LEV", "FLASH_OPTR", 16, 4, 0, 4, 0, NONE_ROM, "brown-out reset: 0x8 level 1 (~1.7 V) .. 0xC level 5 (~2.9 V), else off"),
    F("IWDG_SW", "FLASH_OPTR", 20, 4, 4, 1, 0, NONE_ROM, "1: independent watchdog started by software, 0: by hardware"),
    F("nRST_STOP", "FLASH_OPTR", 21, 4, 5, 1, 0, NONE_ROM, "0: reset on entering Stop mode, 1: no reset"),
    F("nRST_STDBY", "FLASH_OPTR", 22, 4, 6, 1, 0, NONE_ROM, "0: reset on entering Standby mode, 1: no reset"),
    F("BFB2", "FLASH_OPTR", 23, 4, 7, 1, SFI_OPT_BOOT_BANK, NONE_ROM,
      "cat.5: 1 boots bank 2 (through the bootloader) when it holds firmware, 0 bank 1"),
    F("nBOOT1", "FLASH_OPTR", 31, 4, 15, 1, SFI_OPT_NO_ROM, 1,
      "with BOOT0 high: 1 boots the system memory (the ROM bootloader), 0 boots SRAM"),
    F("WRPROT1_L", "FLASH_WRPR", 0, 8, 0, 16, SFI_OPT_WRP, NONE_ROM, "write protection of sectors 0-15 (4 KiB each; bit = 1: protected)"),
    F("WRPROT1_H", "FLASH_WRPR", 16, 12, 0, 16, SFI_OPT_WRP, NONE_ROM, "write protection of sectors 16-31 (bit = 1: protected)"),
};

/* L1: RM0038 Rev 17 section 3.4.1 (table 13: the L0's organisation) and 3.9.8 FLASH_OBR;
 * stm32l152xe.h: FLASH_OBR_RDPRT bit 0, SPRMOD 8, BOR_LEV 16, IWDG_SW 20, nRST_STOP 21,
 * nRST_STDBY 22, BFB2 23 (cat.4/5/6); FLASH_WRPR1 bit 0. */
static const sfi_opt_field l1_fields[] = {
    F("RDP", "FLASH_OBR", 0, 0, 0, 8, SFI_OPT_RDP, NONE_ROM, "readout protection: 0xAA level 0, 0xCC level 2 (for good), else level 1"),
    F("SPRMOD", "FLASH_OBR", 8, 0, 8, 1, SFI_OPT_READ_ONLY, NONE_ROM, "1: WRP bits select PCROP (read protection of code) instead"),
    F("BOR_LEV", "FLASH_OBR", 16, 4, 0, 4, 0, NONE_ROM, "brown-out reset: 0x8 level 1 (~1.7 V) .. 0xC level 5 (~2.9 V), else off"),
    F("IWDG_SW", "FLASH_OBR", 20, 4, 4, 1, 0, NONE_ROM, "1: independent watchdog started by software, 0: by hardware"),
    F("nRST_STOP", "FLASH_OBR", 21, 4, 5, 1, 0, NONE_ROM, "0: reset on entering Stop mode, 1: no reset"),
    F("nRST_STDBY", "FLASH_OBR", 22, 4, 6, 1, 0, NONE_ROM, "0: reset on entering Standby mode, 1: no reset"),
    F("BFB2", "FLASH_OBR", 23, 4, 7, 1, SFI_OPT_BOOT_BANK, NONE_ROM,
      "cat.4/5/6: 1 boots bank 2 (through the bootloader) when it holds firmware, 0 bank 1"),
    F("WRP1_L", "FLASH_WRPR1", 0, 8, 0, 16, SFI_OPT_WRP, NONE_ROM, "write protection of sectors 0-15 (4 KiB each; bit = 1: protected)"),
    F("WRP1_H", "FLASH_WRPR1", 16, 12, 0, 16, SFI_OPT_WRP, NONE_ROM, "write protection of sectors 16-31 (bit = 1: protected)"),
};

/* The FLASH_OPTR families keep each word at a multiple of 8 with its complement after it. */
#define OPTR_RDP F("RDP", "FLASH_OPTR", 0, 0, 0, 8, SFI_OPT_RDP, NONE_ROM, "readout protection: 0xAA level 0, 0xCC level 2 (for good), else level 1")
#define OPTR_COMMON                                                                                            \
    F("nRST_STOP", "FLASH_OPTR", 12, 0, 12, 1, 0, NONE_ROM, "0: reset on entering Stop mode, 1: no reset"),  \
    F("nRST_STDBY", "FLASH_OPTR", 13, 0, 13, 1, 0, NONE_ROM, "0: reset on entering Standby mode, 1: no reset"), \
    F("nRST_SHDW", "FLASH_OPTR", 14, 0, 14, 1, 0, NONE_ROM, "0: reset on entering Shutdown mode, 1: no reset"), \
    F("IWDG_SW", "FLASH_OPTR", 16, 0, 16, 1, 0, NONE_ROM, "1: independent watchdog started by software, 0: by hardware"), \
    F("IWDG_STOP", "FLASH_OPTR", 17, 0, 17, 1, 0, NONE_ROM, "0: independent watchdog frozen in Stop mode, 1: running"), \
    F("IWDG_STDBY", "FLASH_OPTR", 18, 0, 18, 1, 0, NONE_ROM, "0: independent watchdog frozen in Standby mode, 1: running"), \
    F("WWDG_SW", "FLASH_OPTR", 19, 0, 19, 1, 0, NONE_ROM, "1: window watchdog started by software, 0: by hardware")
/* Bank 2's areas (L4, G4 with two banks): WRP2AR at 0x1FFFF818, WRP2BR at 0x1FFFF820; the L4+'s
 * at 0x1FF01018 and 0x1FF01020 (l4r_fields). */
#define WRP2_AREAS(w)                                                                                          \
    F("WRP2A_STRT", "FLASH_WRP2AR", 0, SFI_OPT_AREA2 + 0x18, 0, w, SFI_OPT_WRP, NONE_ROM, "first page of write-protected area A of bank 2"), \
    F("WRP2A_END", "FLASH_WRP2AR", 16, SFI_OPT_AREA2 + 0x18, 16, w, SFI_OPT_WRP, NONE_ROM, "last page of bank 2's area A; below STRT: no area"), \
    F("WRP2B_STRT", "FLASH_WRP2BR", 0, SFI_OPT_AREA2 + 0x20, 0, w, SFI_OPT_WRP, NONE_ROM, "first page of write-protected area B of bank 2"), \
    F("WRP2B_END", "FLASH_WRP2BR", 16, SFI_OPT_AREA2 + 0x20, 16, w, SFI_OPT_WRP, NONE_ROM, "last page of bank 2's area B; below STRT: no area")
#define WRP_AREAS(reg_a, reg_b, w)                                                                             \
    F("WRP1A_STRT", reg_a, 0, 0x18, 0, w, SFI_OPT_WRP, NONE_ROM, "first page of write-protected area A (bank 1)"), \
    F("WRP1A_END", reg_a, 16, 0x18, 16, w, SFI_OPT_WRP, NONE_ROM, "last page of area A; an END below STRT: no area"), \
    F("WRP1B_STRT", reg_b, 0, 0x20, 0, w, SFI_OPT_WRP, NONE_ROM, "first page of write-protected area B (bank 1)"), \
    F("WRP1B_END", reg_b, 16, 0x20, 16, w, SFI_OPT_WRP, NONE_ROM, "last page of area B; an END below STRT: no area")

/* L4: RM0351 Rev 9 section 3.4.1 (table 11: 0x1FFF7800 FLASH_OPTR, 0x1FFF7808 PCROP1SR,
 * 0x1FFF7810 PCROP1ER, 0x1FFF7818 WRP1AR, 0x1FFF7820 WRP1BR, each word followed by its
 * complement; bank 2's WRP2AR/WRP2BR at 0x1FFFF818/0x1FFFF820) and 3.7.8; stm32l476xx.h: FLASH_OPTR_BOR_LEV bit 8 ..
 * BFB2 20, DUALBANK 21, nBOOT1 23, SRAM2_PE 24, SRAM2_RST 25; stm32l4r5xx.h / stm32l433xx.h:
 * nSWBOOT0 26, nBOOT0 27; FLASH_WRP1AR_WRP1A_STRT bit 0, WRP1A_END 16. */
static const sfi_opt_field l4_fields[] = {
    OPTR_RDP,
    F("BOR_LEV", "FLASH_OPTR", 8, 0, 8, 3, 0, NONE_ROM, "brown-out reset: 0 ~1.7 V, 1 ~2.0 V, 2 ~2.2 V, 3 ~2.5 V, 4 ~2.8 V"),
    OPTR_COMMON,
    F("BFB2", "FLASH_OPTR", 20, 0, 20, 1, SFI_OPT_BOOT_BANK, NONE_ROM,
      "dual-bank boot: 1 boots bank 2 (through the bootloader) when it holds firmware, 0 bank 1"),
    F("DUALBANK", "FLASH_OPTR", 21, 0, 21, 1, SFI_OPT_READ_ONLY, NONE_ROM, "1 MiB and 512 KiB parts: 1 two banks, 0 one"),
    F("nBOOT1", "FLASH_OPTR", 23, 0, 23, 1, SFI_OPT_NO_ROM, 1,
      "with BOOT0 high: 1 boots the system memory (the ROM bootloader), 0 boots SRAM1"),
    F("SRAM2_PE", "FLASH_OPTR", 24, 0, 24, 1, 0, NONE_ROM, "0: SRAM2 parity check on, 1: off"),
    F("SRAM2_RST", "FLASH_OPTR", 25, 0, 25, 1, 0, NONE_ROM, "0: SRAM2 erased at system reset, 1: kept"),
    F("nSWBOOT0", "FLASH_OPTR", 26, 0, 26, 1, SFI_OPT_NO_ROM, 1,
      "L41x-L46x, L4+: 1 boots as the BOOT0 pin says, 0 as nBOOT0 says (the pin is ignored)"),
    F("nBOOT0", "FLASH_OPTR", 27, 0, 27, 1, 0, NONE_ROM, "L41x-L46x, L4+: replaces the BOOT0 pin when nSWBOOT0 is 0"),
    F("PCROP1_STRT", "FLASH_PCROP1SR", 0, 0x08, 0, 16, SFI_OPT_READ_ONLY, NONE_ROM, "first double word of the PCROP area (bank 1)"),
    F("PCROP1_END", "FLASH_PCROP1ER", 0, 0x10, 0, 16, SFI_OPT_READ_ONLY, NONE_ROM, "last double word of the PCROP area"),
    F("PCROP_RDP", "FLASH_PCROP1ER", 31, 0x10, 31, 1, SFI_OPT_READ_ONLY, NONE_ROM,
      "1: the PCROP area is erased when readout protection goes from level 1 to 0"),
    WRP_AREAS("FLASH_WRP1AR", "FLASH_WRP1BR", 8),
    WRP2_AREAS(8),
};

/* L4+ (L4R/4S): RM0432 section 3.4.1 (table 8: FLASH_OPTR at 0x1FF00000, then PCROP1SR,
 * PCROP1ER, WRP1AR, WRP1BR each followed by its complement, the L4's organisation); bank 2's
 * words in a second area at 0x1FF01000 as the L4's at 0x1FFFF800: PCROP2SR +0x08, PCROP2ER +0x10,
 * WRP2AR +0x18, WRP2BR +0x20, each with its complement after it (armfly's H7-TOOL option-byte
 * scripts for the L4P5/L4Q5, RM0432's other line, read them at 0x1FF01008..0x1FF01023; RM0432's
 * table itself was not read here). Widths from ARM's STM32L4xx_DFP STM32L4Rx_DB_OPT.s (the
 * L4Rx dual-bank option template): PCROPxSR/PCROPxER bits 0..16 (17 bits), PCROP_RDP bit 31 of
 * PCROP1ER, WRPxA/WRPxB STRT bits 0..7 and END bits 16..23, for bank 1 and bank 2 alike; with
 * DBANK = 0 the same template says each area counts pages of the whole flash, and bank 2's are
 * not read then (one bank: sf_device_bank2_base). FLASH_OPTR as the L4's but for bit 21 DB1M
 * (1 MiB parts) and bit 22 DBANK (2 MiB parts: 1 two banks of 4 KiB pages, 0 one bank of 8 KiB);
 * BFB2 bit 20: stm32-rs's FLASH_OPTR field table from ST's SVDs (STM32L4R5: BFB2 20, DB1M 21,
 * DBANK 22, nBOOT1 23 .. nBOOT0 27), SEGGER's STM32L4 notes (DB1M bit 21 on 1 MiB, DBANK bit 22
 * on 2 MiB parts), ST's stm32l4xx_hal_flash_ex.h (OB_DBANK_64_BITS = FLASH_OPTR_DBANK for
 * STM32L4R5xx), OpenOCD stm32l4x.h FLASH_L4R_DBANK BIT(22). The PCROP fields are shown only. */
static const sfi_opt_field l4r_fields[] = {
    OPTR_RDP,
    F("BOR_LEV", "FLASH_OPTR", 8, 0, 8, 3, 0, NONE_ROM, "brown-out reset: 0 ~1.7 V, 1 ~2.0 V, 2 ~2.2 V, 3 ~2.5 V, 4 ~2.8 V"),
    OPTR_COMMON,
    F("BFB2", "FLASH_OPTR", 20, 0, 20, 1, SFI_OPT_BOOT_BANK, NONE_ROM,
      "dual-bank boot: 1 boots bank 2 (through the bootloader) when it holds firmware, 0 bank 1"),
    F("DB1M", "FLASH_OPTR", 21, 0, 21, 1, SFI_OPT_READ_ONLY, NONE_ROM, "1 MiB parts: 1 two banks, 0 one"),
    F("DBANK", "FLASH_OPTR", 22, 0, 22, 1, SFI_OPT_READ_ONLY, NONE_ROM, "1 two banks of 4 KiB pages, 0 one bank of 8 KiB pages"),
    F("nBOOT1", "FLASH_OPTR", 23, 0, 23, 1, SFI_OPT_NO_ROM, 1,
      "with BOOT0 high: 1 boots the system memory (the ROM bootloader), 0 boots SRAM1"),
    F("SRAM2_PE", "FLASH_OPTR", 24, 0, 24, 1, 0, NONE_ROM, "0: SRAM2 parity check on, 1: off"),
    F("SRAM2_RST", "FLASH_OPTR", 25, 0, 25, 1, 0, NONE_ROM, "0: SRAM2 erased at system reset, 1: kept"),
    F("nSWBOOT0", "FLASH_OPTR", 26, 0, 26, 1, SFI_OPT_NO_ROM, 1, "1 boots as the BOOT0 pin says, 0 as nBOOT0 says (the pin is ignored)"),
    F("nBOOT0", "FLASH_OPTR", 27, 0, 27, 1, 0, NONE_ROM, "replaces the BOOT0 pin when nSWBOOT0 is 0"),
    F("PCROP1_STRT", "FLASH_PCROP1SR", 0, 0x08, 0, 17, SFI_OPT_READ_ONLY, NONE_ROM,
      "first double word of bank 1's PCROP area (DBANK = 0: first pair of double words of the flash)"),
    F("PCROP1_END", "FLASH_PCROP1ER", 0, 0x10, 0, 17, SFI_OPT_READ_ONLY, NONE_ROM,
      "last double word of bank 1's PCROP area (DBANK = 0: last pair); below the start: no area"),
    F("PCROP_RDP", "FLASH_PCROP1ER", 31, 0x10, 31, 1, SFI_OPT_READ_ONLY, NONE_ROM,
      "1: the PCROP areas are erased when readout protection goes from level 1 to 0"),
    WRP_AREAS("FLASH_WRP1AR", "FLASH_WRP1BR", 8),
    F("PCROP2_STRT", "FLASH_PCROP2SR", 0, SFI_OPT_AREA2 + 0x08, 0, 17, SFI_OPT_READ_ONLY, NONE_ROM,
      "first double word of bank 2's PCROP area"),
    F("PCROP2_END", "FLASH_PCROP2ER", 0, SFI_OPT_AREA2 + 0x10, 0, 17, SFI_OPT_READ_ONLY, NONE_ROM,
      "last double word of bank 2's PCROP area"),
    WRP2_AREAS(8),
};

/* G4: RM0440 Rev 7 section 5.4.1 (table 29: the L4's organisation at 0x1FFF7800) and 5.7.8;
 * stm32g474xx.h: FLASH_OPTR_BOR_LEV bit 8, BFB2 20, DBANK 22, nBOOT1 23, SRAM_PE 24,
 * CCMSRAM_RST 25, nSWBOOT0 26, nBOOT0 27, NRST_MODE 28, IRHEN 30; FLASH_WRP1AR_WRP1A_STRT
 * bit 0, WRP1A_END 16 (7 bits each). */
static const sfi_opt_field g4_fields[] = {
    OPTR_RDP,
    F("BOR_LEV", "FLASH_OPTR", 8, 0, 8, 3, 0, NONE_ROM, "brown-out reset: 0 ~1.7 V, 1 ~2.0 V, 2 ~2.2 V, 3 ~2.5 V, 4 ~2.8 V"),
    OPTR_COMMON,
    F("BFB2", "FLASH_OPTR", 20, 0, 20, 1, SFI_OPT_BOOT_BANK, NONE_ROM,
      "dual-bank boot: 1 boots bank 2 (through the bootloader) when it holds firmware, 0 bank 1"),
    F("DBANK", "FLASH_OPTR", 22, 0, 22, 1, SFI_OPT_READ_ONLY, NONE_ROM, "cat.3: 1 two banks of 2 KiB pages, 0 one bank of 4 KiB pages"),
    F("nBOOT1", "FLASH_OPTR", 23, 0, 23, 1, SFI_OPT_NO_ROM, 1,
      "with BOOT0 high: 1 boots the system memory (the ROM bootloader), 0 boots SRAM1"),
    F("SRAM_PE", "FLASH_OPTR", 24, 0, 24, 1, 0, NONE_ROM, "0: SRAM1 and CCM SRAM parity check on, 1: off"),
    F("CCMSRAM_RST", "FLASH_OPTR", 25, 0, 25, 1, 0, NONE_ROM, "0: CCM SRAM erased at system reset, 1: kept"),
    F("nSWBOOT0", "FLASH_OPTR", 26, 0, 26, 1, SFI_OPT_NO_ROM, 1, "1 boots as the BOOT0 pin says, 0 as nBOOT0 says (the pin is ignored)"),
    F("nBOOT0", "FLASH_OPTR", 27, 0, 27, 1, 0, NONE_ROM, "replaces the BOOT0 pin when nSWBOOT0 is 0"),
    F("NRST_MODE", "FLASH_OPTR", 28, 0, 28, 2, SFI_OPT_NO_ROM, 3,
      "the NRST pin: 3 reset in and out, 1 reset input only, 2 a GPIO (no reset pin: reset wiring stops working)"),
    F("IRHEN", "FLASH_OPTR", 30, 0, 30, 1, 0, NONE_ROM, "1: internal resets drive the NRST pin"),
    F("PCROP1_STRT", "FLASH_PCROP1SR", 0, 0x08, 0, 15, SFI_OPT_READ_ONLY, NONE_ROM, "first double word of the PCROP area (bank 1)"),
    F("PCROP1_END", "FLASH_PCROP1ER", 0, 0x10, 0, 15, SFI_OPT_READ_ONLY, NONE_ROM, "last double word of the PCROP area"),
    F("PCROP_RDP", "FLASH_PCROP1ER", 31, 0x10, 31, 1, SFI_OPT_READ_ONLY, NONE_ROM,
      "1: the PCROP area is erased when readout protection goes from level 1 to 0"),
    WRP_AREAS("FLASH_WRP1AR", "FLASH_WRP1BR", 7),
    WRP2_AREAS(7),
};

/* The G0's and the C0's FLASH_OPTR fields at the same bits (stm32g071xx.h, stm32c031xx.h). */
#define G0_RESETS_WATCHDOGS \
    F("nRST_STOP", "FLASH_OPTR", 13, 0, 13, 1, 0, NONE_ROM, "0: reset on entering Stop mode, 1: no reset"), \
    F("nRST_STDBY", "FLASH_OPTR", 14, 0, 14, 1, 0, NONE_ROM, "0: reset on entering Standby mode, 1: no reset"), \
    F("nRST_SHDW", "FLASH_OPTR", 15, 0, 15, 1, 0, NONE_ROM, "0: reset on entering Shutdown mode, 1: no reset"), \
    F("IWDG_SW", "FLASH_OPTR", 16, 0, 16, 1, 0, NONE_ROM, "1: independent watchdog started by software, 0: by hardware"), \
    F("IWDG_STOP", "FLASH_OPTR", 17, 0, 17, 1, 0, NONE_ROM, "0: independent watchdog frozen in Stop mode, 1: running"), \
    F("IWDG_STDBY", "FLASH_OPTR", 18, 0, 18, 1, 0, NONE_ROM, "0: independent watchdog frozen in Standby mode, 1: running"), \
    F("WWDG_SW", "FLASH_OPTR", 19, 0, 19, 1, 0, NONE_ROM, "1: window watchdog started by software, 0: by hardware")
#define G0_BOOT_PINS \
    F("nBOOT_SEL", "FLASH_OPTR", 24, 0, 24, 1, SFI_OPT_NO_ROM, 0, \
      "0 boots as the BOOT0 pin says, 1 as nBOOT0 says (the pin is ignored)"), \
    F("nBOOT1", "FLASH_OPTR", 25, 0, 25, 1, SFI_OPT_NO_ROM, 1, \
      "with boot selection high: 1 boots the system memory (the ROM bootloader), 0 boots SRAM"), \
    F("nBOOT0", "FLASH_OPTR", 26, 0, 26, 1, SFI_OPT_NO_ROM, 1, \
      "replaces the BOOT0 pin when nBOOT_SEL is 1: 1 main flash (the ROM only while flash is empty), 0 the bootloader"), \
    F("NRST_MODE", "FLASH_OPTR", 27, 0, 27, 2, SFI_OPT_NO_ROM, 3, \
      "the NRST pin: 3 reset in and out, 1 reset input only, 2 a GPIO (no reset pin: reset wiring stops working)"), \
    F("IRHEN", "FLASH_OPTR", 29, 0, 29, 1, 0, NONE_ROM, "1: internal resets drive the NRST pin")

/* G0: RM0444 Rev 5 section 3.4.1 (table 15: 0x1FFF7800 FLASH_OPTR, 0x1FFF7808 PCROP1ASR,
 * 0x1FFF7810 PCROP1AER, 0x1FFF7818 WRP1AR, 0x1FFF7820 WRP1BR, each with its complement after
 * it) and 3.7.8; stm32g071xx.h: FLASH_OPTR_BORR_LEV bit 11, BORF_LEV 9, BOR_EN 8,
 * nRST_STOP 13, nRST_STDBY 14, nRST_SHDW 15, IWDG_SW 16 .. WWDG_SW 19, RAM_PARITY_CHECK 22,
 * nBOOT_SEL 24, nBOOT1 25, nBOOT0 26, NRST_MODE 27, IRHEN 29; stm32g0b1xx.h: nSWAP_BANK 20,
 * DUAL_BANK 21; FLASH_WRP1AR_WRP1A_STRT bit 0, WRP1A_END 16 (6 bits on the G07x). */
static const sfi_opt_field g0_fields[] = {
    F("RDP", "FLASH_OPTR", 0, 0, 0, 8, SFI_OPT_RDP, NONE_ROM, "readout protection: 0xAA level 0, 0xCC level 2 (for good), else level 1"),
    F("BOR_EN", "FLASH_OPTR", 8, 0, 8, 1, 0, NONE_ROM, "1: brown-out reset at the BORF/BORR levels, 0: power-on reset only"),
    F("BORF_LEV", "FLASH_OPTR", 9, 0, 9, 2, 0, NONE_ROM, "falling brown-out level: 0 ~2.0 V, 1 ~2.2 V, 2 ~2.5 V, 3 ~2.8 V"),
    F("BORR_LEV", "FLASH_OPTR", 11, 0, 11, 2, 0, NONE_ROM, "rising brown-out level: 0 ~2.1 V, 1 ~2.3 V, 2 ~2.6 V, 3 ~2.9 V"),
    G0_RESETS_WATCHDOGS,
    F("nSWAP_BANK", "FLASH_OPTR", 20, 0, 20, 1, SFI_OPT_BOOT_BANK, NONE_ROM, "G0B/C: 0 swaps the banks (bank 2 boots), 1 not"),
    F("DUAL_BANK", "FLASH_OPTR", 21, 0, 21, 1, SFI_OPT_READ_ONLY, NONE_ROM, "G0B/C: 1 two banks, 0 one"),
    F("RAM_PARITY_CHECK", "FLASH_OPTR", 22, 0, 22, 1, 0, NONE_ROM, "0: SRAM parity check on, 1: off"),
    G0_BOOT_PINS,
    F("PCROP1A_STRT", "FLASH_PCROP1ASR", 0, 0x08, 0, 8, SFI_OPT_READ_ONLY, NONE_ROM, "first 512-byte block of PCROP area A"),
    F("PCROP1A_END", "FLASH_PCROP1AER", 0, 0x10, 0, 8, SFI_OPT_READ_ONLY, NONE_ROM, "last 512-byte block of PCROP area A"),
    F("PCROP_RDP", "FLASH_PCROP1AER", 31, 0x10, 31, 1, SFI_OPT_READ_ONLY, NONE_ROM,
      "1: PCROP areas are erased when readout protection goes from level 1 to 0"),
    WRP_AREAS("FLASH_WRP1AR", "FLASH_WRP1BR", 6),
};

/* WB: RM0434 Rev 10 section 3.4.1 (table 9: the L4's organisation at 0x1FFF8000) and 3.10.8;
 * stm32wb55xx.h: FLASH_OPTR_ESE bit 8, BOR_LEV 9, nRST_STOP 12 .. WWDG_SW 19, nBOOT1 23,
 * SRAM2_PE 24, SRAM2_RST 25, nSWBOOT0 26, nBOOT0 27, AGC_TRIM 29; FLASH_WRP1AR_WRP1A_STRT bit 0,
 * WRP1A_END 16 (8 bits). */
static const sfi_opt_field wb_fields[] = {
    OPTR_RDP,
    F("ESE", "FLASH_OPTR", 8, 0, 8, 1, SFI_OPT_READ_ONLY, NONE_ROM, "1: the wireless stack's secure flash area is enabled"),
    F("BOR_LEV", "FLASH_OPTR", 9, 0, 9, 3, 0, NONE_ROM, "brown-out reset: 0 ~1.7 V, 1 ~2.0 V, 2 ~2.2 V, 3 ~2.5 V, 4 ~2.8 V"),
    OPTR_COMMON,
    F("nBOOT1", "FLASH_OPTR", 23, 0, 23, 1, SFI_OPT_NO_ROM, 1,
      "with BOOT0 high: 1 boots the system memory (the ROM bootloader), 0 boots SRAM1"),
    F("SRAM2_PE", "FLASH_OPTR", 24, 0, 24, 1, 0, NONE_ROM, "0: SRAM2 parity check on, 1: off"),
    F("SRAM2_RST", "FLASH_OPTR", 25, 0, 25, 1, 0, NONE_ROM, "0: SRAM2 erased at system reset, 1: kept"),
    F("nSWBOOT0", "FLASH_OPTR", 26, 0, 26, 1, SFI_OPT_NO_ROM, 1, "1 boots as the BOOT0 pin says, 0 as nBOOT0 says (the pin is ignored)"),
    F("nBOOT0", "FLASH_OPTR", 27, 0, 27, 1, 0, NONE_ROM, "replaces the BOOT0 pin when nSWBOOT0 is 0"),
    F("AGC_TRIM", "FLASH_OPTR", 29, 0, 29, 3, SFI_OPT_READ_ONLY, NONE_ROM, "the radio's automatic gain control trimming"),
    F("PCROP1A_STRT", "FLASH_PCROP1ASR", 0, 0x08, 0, 9, SFI_OPT_READ_ONLY, NONE_ROM, "first 2 KiB block of PCROP area A"),
    F("PCROP1A_END", "FLASH_PCROP1AER", 0, 0x10, 0, 9, SFI_OPT_READ_ONLY, NONE_ROM, "last 2 KiB block of PCROP area A"),
    F("PCROP_RDP", "FLASH_PCROP1AER", 31, 0x10, 31, 1, SFI_OPT_READ_ONLY, NONE_ROM,
      "1: PCROP areas are erased when readout protection goes from level 1 to 0"),
    WRP_AREAS("FLASH_WRP1AR", "FLASH_WRP1BR", 8),
};

/* WL: RM0461, option bytes organisation (taken as the L4's and WB's at 0x1FFF7800: FLASH_OPTR,
 * PCROP1ASR +0x08, PCROP1AER +0x10, WRP1AR +0x18, WRP1BR +0x20, each word followed by its
 * complement; stm32wle5xx.h OB_BASE 0x1FFF7800; section numbers not checked); stm32wle5xx.h (STM32CubeWL): FLASH_OPTR_ESE bit 8, BOR_LEV 9 (3 bits), nRST_STOP 12,
 * nRST_STDBY 13, nRST_SHDW 14, IWDG_SW 16 .. WWDG_SW 19, nBOOT1 23, SRAM2_PE 24, SRAM_RST 25,
 * nSWBOOT0 26, nBOOT0 27, BOOT_LOCK 30; FLASH_PCROP1ASR_PCROP1A_STRT bit 0 (8 bits),
 * FLASH_PCROP1AER_PCROP1A_END 0 (8 bits), PCROP_RDP 31; FLASH_WRP1AR_WRP1A_STRT 0, WRP1A_END 16
 * (7 bits each: pages 0-127). */
static const sfi_opt_field wl_fields[] = {
    OPTR_RDP,
    F("ESE", "FLASH_OPTR", 8, 0, 8, 1, SFI_OPT_READ_ONLY, NONE_ROM, "1: security enabled (the CPU2's secure area; WL55)"),
    F("BOR_LEV", "FLASH_OPTR", 9, 0, 9, 3, 0, NONE_ROM, "brown-out reset: 0 ~1.7 V, 1 ~2.0 V, 2 ~2.2 V, 3 ~2.5 V, 4 ~2.8 V"),
    OPTR_COMMON,
    F("nBOOT1", "FLASH_OPTR", 23, 0, 23, 1, SFI_OPT_NO_ROM, 1,
      "with BOOT0 high: 1 boots the system memory (the ROM bootloader), 0 boots SRAM1"),
    F("SRAM2_PE", "FLASH_OPTR", 24, 0, 24, 1, 0, NONE_ROM, "0: SRAM2 parity check on, 1: off"),
    F("SRAM_RST", "FLASH_OPTR", 25, 0, 25, 1, 0, NONE_ROM, "0: SRAM1 and SRAM2 erased at system reset, 1: kept"),
    F("nSWBOOT0", "FLASH_OPTR", 26, 0, 26, 1, SFI_OPT_NO_ROM, 1, "1 boots as the BOOT0 pin says, 0 as nBOOT0 says (the pin is ignored)"),
    F("nBOOT0", "FLASH_OPTR", 27, 0, 27, 1, 0, NONE_ROM, "replaces the BOOT0 pin when nSWBOOT0 is 0"),
    F("BOOT_LOCK", "FLASH_OPTR", 30, 0, 30, 1, SFI_OPT_NO_ROM, 0,
      "1: the CPU always boots the main flash, whatever BOOT0 says (no way into the ROM bootloader)"),
    F("PCROP1A_STRT", "FLASH_PCROP1ASR", 0, 0x08, 0, 8, SFI_OPT_READ_ONLY, NONE_ROM, "first block of PCROP area A"),
    F("PCROP1A_END", "FLASH_PCROP1AER", 0, 0x10, 0, 8, SFI_OPT_READ_ONLY, NONE_ROM, "last block of PCROP area A"),
    F("PCROP_RDP", "FLASH_PCROP1AER", 31, 0x10, 31, 1, SFI_OPT_READ_ONLY, NONE_ROM,
      "1: PCROP areas are erased when readout protection goes from level 1 to 0"),
    WRP_AREAS("FLASH_WRP1AR", "FLASH_WRP1BR", 7),
};

/* C0: RM0490, option bytes organisation (taken as the G0's at 0x1FFF7800: FLASH_OPTR,
 * PCROP1ASR +0x08, PCROP1AER +0x10, WRP1AR +0x18, WRP1BR +0x20, each word followed by its
 * complement; section numbers not checked); stm32c031xx.h: FLASH_OPTR_BOR_EN bit 8, BORR_LEV 9, BORF_LEV 11 (the
 * G0's two swapped), nRST_STOP 13, nRST_STDBY 14, nRST_SHDW 15, IWDG_SW 16 .. WWDG_SW 19,
 * HSE_NOT_REMAPPED 21, RAM_PARITY_CHECK 22, SECURE_MUXING_EN 23, nBOOT_SEL 24, nBOOT1 25,
 * nBOOT0 26, NRST_MODE 27, IRHEN 29; FLASH_PCROP1ASR_PCROP1A_STRT 0 and PCROP1A_END 0 (6 bits),
 * PCROP_RDP 31; FLASH_WRP1AR_WRP1A_STRT 0, WRP1A_END 16 (4 bits: pages 0-15). */
static const sfi_opt_field c0_fields[] = {
    OPTR_RDP,
    F("BOR_EN", "FLASH_OPTR", 8, 0, 8, 1, 0, NONE_ROM, "1: brown-out reset at the BORR/BORF levels, 0: power-on reset only"),
    F("BORR_LEV", "FLASH_OPTR", 9, 0, 9, 2, 0, NONE_ROM, "rising brown-out level: 0 lowest .. 3 highest"),
    F("BORF_LEV", "FLASH_OPTR", 11, 0, 11, 2, 0, NONE_ROM, "falling brown-out level: 0 lowest .. 3 highest"),
    G0_RESETS_WATCHDOGS,
    F("HSE_NOT_REMAPPED", "FLASH_OPTR", 21, 0, 21, 1, 0, NONE_ROM, "0: the HSE oscillator's pins remapped from port F to port C, 1: not"),
    F("RAM_PARITY_CHECK", "FLASH_OPTR", 22, 0, 22, 1, 0, NONE_ROM, "0: SRAM parity check on, 1: off"),
    F("SECURE_MUXING_EN", "FLASH_OPTR", 23, 0, 23, 1, SFI_OPT_READ_ONLY, NONE_ROM, "1: multiple-bonding security (pins shared by one package pad) on"),
    G0_BOOT_PINS,
    F("PCROP1A_STRT", "FLASH_PCROP1ASR", 0, 0x08, 0, 6, SFI_OPT_READ_ONLY, NONE_ROM, "first 512-byte block of PCROP area A"),
    F("PCROP1A_END", "FLASH_PCROP1AER", 0, 0x10, 0, 6, SFI_OPT_READ_ONLY, NONE_ROM, "last 512-byte block of PCROP area A"),
    F("PCROP_RDP", "FLASH_PCROP1AER", 31, 0x10, 31, 1, SFI_OPT_READ_ONLY, NONE_ROM,
      "1: PCROP areas are erased when readout protection goes from level 1 to 0"),
    WRP_AREAS("FLASH_WRP1AR", "FLASH_WRP1BR", 4),
};

/* H7: RM0433 Rev 7 section 4.9 (the option registers from FLASH_OPTSR_PRG at 0x52002020:
 * +0x00 OPTSR_PRG, +0x0C PRAR_PRG1, +0x14 SCAR_PRG1, +0x1C WPSN_PRG1R, +0x24 BOOT_PRGR; each
 * _PRG after its _CUR) and 4.4 (option bytes); stm32h743xx.h: FLASH_OPTSR_BOR_LEV bit 2,
 * IWDG1_SW 4, NRST_STOP_D1 6, NRST_STBY_D1 7, RDP 8, FZ_IWDG_STOP 17, FZ_IWDG_SDBY 18,
 * ST_RAM_SIZE 19, SECURITY 21, IO_HSLV 29, SWAP_BANK_OPT 31; FLASH_WPSN_WRPSN bit 0;
 * FLASH_BOOT_ADD0 bit 0, BOOT_ADD1 16. On parts with two banks bank 2's FLASH_WPSN_CUR2R and
 * WPSN_PRG2R (0x52002138, 0x5200213C: stm32h743xx.h FLASH_TypeDef offsets 0x138/0x13C, bank 2's
 * registers 0x100 after bank 1's) are a second area. */
static const sfi_opt_field h7_fields[] = {
    F("BOR_LEV", "FLASH_OPTSR_PRG", 2, 0, 2, 2, 0, NONE_ROM, "brown-out reset: 0 off, 1 ~2.1 V, 2 ~2.4 V, 3 ~2.7 V"),
    F("IWDG1_SW", "FLASH_OPTSR_PRG", 4, 0, 4, 1, 0, NONE_ROM, "1: independent watchdog started by software, 0: by hardware"),
    F("NRST_STOP_D1", "FLASH_OPTSR_PRG", 6, 0, 6, 1, 0, NONE_ROM, "0: reset when D1 enters Stop mode, 1: no reset"),
    F("NRST_STBY_D1", "FLASH_OPTSR_PRG", 7, 0, 7, 1, 0, NONE_ROM, "0: reset when D1 enters Standby mode, 1: no reset"),
    F("RDP", "FLASH_OPTSR_PRG", 8, 0, 8, 8, SFI_OPT_RDP, NONE_ROM, "readout protection: 0xAA level 0, 0xCC level 2 (for good), else level 1"),
    F("FZ_IWDG_STOP", "FLASH_OPTSR_PRG", 17, 0, 17, 1, 0, NONE_ROM, "0: independent watchdog frozen in Stop mode, 1: running"),
    F("FZ_IWDG_SDBY", "FLASH_OPTSR_PRG", 18, 0, 18, 1, 0, NONE_ROM, "0: independent watchdog frozen in Standby mode, 1: running"),
    F("ST_RAM_SIZE", "FLASH_OPTSR_PRG", 19, 0, 19, 2, SFI_OPT_READ_ONLY, NONE_ROM, "RAM kept for ST's secure library"),
    F("SECURITY", "FLASH_OPTSR_PRG", 21, 0, 21, 1, SFI_OPT_READ_ONLY, NONE_ROM, "1: secure access mode"),
    F("IO_HSLV", "FLASH_OPTSR_PRG", 29, 0, 29, 1, 0, NONE_ROM, "1: I/O high-speed at low voltage (only with VDD below 2.7 V)"),
    F("SWAP_BANK_OPT", "FLASH_OPTSR_PRG", 31, 0, 31, 1, SFI_OPT_BOOT_BANK, NONE_ROM,
      "1: the banks trade addresses (bank 2 at 0x08000000 boots), 0: not"),
    F("PROT_AREA_START", "FLASH_PRAR_PRG1", 0, 0x0C, 0, 12, SFI_OPT_READ_ONLY, NONE_ROM, "first 256-byte block of bank 1's PCROP area"),
    F("PROT_AREA_END", "FLASH_PRAR_PRG1", 16, 0x0C, 16, 12, SFI_OPT_READ_ONLY, NONE_ROM, "last block; below the start: no area"),
    F("DMEP", "FLASH_PRAR_PRG1", 31, 0x0C, 31, 1, SFI_OPT_READ_ONLY, NONE_ROM, "1: the PCROP area is erased on a readout protection regression"),
    F("SEC_AREA_START", "FLASH_SCAR_PRG1", 0, 0x14, 0, 12, SFI_OPT_READ_ONLY, NONE_ROM, "first 256-byte block of bank 1's secure area"),
    F("SEC_AREA_END", "FLASH_SCAR_PRG1", 16, 0x14, 16, 12, SFI_OPT_READ_ONLY, NONE_ROM, "last block; below the start: no area"),
    F("DMES", "FLASH_SCAR_PRG1", 31, 0x14, 31, 1, SFI_OPT_READ_ONLY, NONE_ROM, "1: the secure area is erased on a readout protection regression"),
    F("WRPSN1", "FLASH_WPSN_PRG1R", 0, 0x1C, 0, 8, SFI_OPT_WRP, NONE_ROM, "write protection of bank 1, bit n = sector n (0: protected)"),
    F("WRPSN2", "FLASH_WPSN_PRG2R", 0, SFI_OPT_AREA2 + 0x04, 0, 8, SFI_OPT_WRP, NONE_ROM,
      "write protection of bank 2, bit n = its sector n (0: protected)"),
    F("BOOT_ADD0", "FLASH_BOOT_PRGR", 0, 0x24, 0, 16, 0, NONE_ROM,
      "boot address with BOOT0 low, address bits 31:16 (0x0800: 0x08000000, flash)"),
    F("BOOT_ADD1", "FLASH_BOOT_PRGR", 16, 0x24, 16, 16, SFI_OPT_NO_ROM, 0x1FF0,
      "boot address with BOOT0 high, address bits 31:16 (0x1FF0: 0x1FF00000, the ROM bootloader)"),
};

/* H7A3/B3: RM0455 4.9 (the option registers at the H743's offsets: stm32h7a3xx.h FLASH_TypeDef
 * OPTSR_PRG 0x20, PRAR_PRG1 0x2C, SCAR_PRG1 0x34, WPSN_PRG1 0x3C, BOOT_PRG 0x44, bank 2's
 * WPSN_CUR2 0x138 and WPSN_PRG2 0x13C); stm32h7a3xx.h FLASH_OPTSR_BOR_LEV bit 2, IWDG1_SW 4,
 * NRST_STOP_D1 6, NRST_STBY_D1 7, RDP 8, VDDMMC_HSLV 16, FZ_IWDG_STOP 17, FZ_IWDG_SDBY 18,
 * ST_RAM_SIZE 19 (2 bits), SECURITY 21, IO_HSLV 29, SWAP_BANK_OPT 31; FLASH_PRAR and FLASH_SCAR
 * as the H743's (12-bit start at 0, end at 16, DMEP/DMES 31); FLASH_WPSN_WRPSN 32 bits, each a
 * group of 4 of the bank's 128 sectors (ST's stm32h7xx_hal_flash_ex.h: OB_WRP_SECTOR_0TO3 =
 * bit 0 when FLASH_SECTOR_TOTAL is 128); FLASH_BOOT_ADD0 0, BOOT_ADD1 16. SWAP_BANK_OPT
 * (FLASH_OPTSR_SWAP_BANK_OPT_Pos 31) swaps the banks as the H743's does: write --bank-swap
 * (bank_swap.c). */
static const sfi_opt_field h7a_fields[] = {
    F("BOR_LEV", "FLASH_OPTSR_PRG", 2, 0, 2, 2, 0, NONE_ROM, "brown-out reset: 0 off, 1 ~2.1 V, 2 ~2.4 V, 3 ~2.7 V"),
    F("IWDG1_SW", "FLASH_OPTSR_PRG", 4, 0, 4, 1, 0, NONE_ROM, "1: independent watchdog started by software, 0: by hardware"),
    F("NRST_STOP_D1", "FLASH_OPTSR_PRG", 6, 0, 6, 1, 0, NONE_ROM, "0: reset when the CPU domain enters Stop mode, 1: no reset"),
    F("NRST_STBY_D1", "FLASH_OPTSR_PRG", 7, 0, 7, 1, 0, NONE_ROM, "0: reset when the CPU domain enters Standby mode, 1: no reset"),
    F("RDP", "FLASH_OPTSR_PRG", 8, 0, 8, 8, SFI_OPT_RDP, NONE_ROM, "readout protection: 0xAA level 0, 0xCC level 2 (for good), else level 1"),
    F("VDDMMC_HSLV", "FLASH_OPTSR_PRG", 16, 0, 16, 1, 0, NONE_ROM, "1: VDDMMC I/Os high-speed at low voltage (only with VDDMMC below 2.5 V)"),
    F("FZ_IWDG_STOP", "FLASH_OPTSR_PRG", 17, 0, 17, 1, 0, NONE_ROM, "0: independent watchdog frozen in Stop mode, 1: running"),
    F("FZ_IWDG_SDBY", "FLASH_OPTSR_PRG", 18, 0, 18, 1, 0, NONE_ROM, "0: independent watchdog frozen in Standby mode, 1: running"),
    F("ST_RAM_SIZE", "FLASH_OPTSR_PRG", 19, 0, 19, 2, SFI_OPT_READ_ONLY, NONE_ROM, "RAM kept for ST's secure library"),
    F("SECURITY", "FLASH_OPTSR_PRG", 21, 0, 21, 1, SFI_OPT_READ_ONLY, NONE_ROM, "1: secure access mode"),
    F("IO_HSLV", "FLASH_OPTSR_PRG", 29, 0, 29, 1, 0, NONE_ROM, "1: I/O high-speed at low voltage (only with VDD below 2.7 V)"),
    F("SWAP_BANK_OPT", "FLASH_OPTSR_PRG", 31, 0, 31, 1, SFI_OPT_BOOT_BANK, NONE_ROM,
      "1: the banks trade addresses (bank 2 at 0x08000000 boots), 0: not"),
    F("PROT_AREA_START", "FLASH_PRAR_PRG1", 0, 0x0C, 0, 12, SFI_OPT_READ_ONLY, NONE_ROM, "first 256-byte block of bank 1's PCROP area"),
    F("PROT_AREA_END", "FLASH_PRAR_PRG1", 16, 0x0C, 16, 12, SFI_OPT_READ_ONLY, NONE_ROM, "last block; below the start: no area"),
    F("DMEP", "FLASH_PRAR_PRG1", 31, 0x0C, 31, 1, SFI_OPT_READ_ONLY, NONE_ROM, "1: the PCROP area is erased on a readout protection regression"),
    F("SEC_AREA_START", "FLASH_SCAR_PRG1", 0, 0x14, 0, 12, SFI_OPT_READ_ONLY, NONE_ROM, "first 256-byte block of bank 1's secure area"),
    F("SEC_AREA_END", "FLASH_SCAR_PRG1", 16, 0x14, 16, 12, SFI_OPT_READ_ONLY, NONE_ROM, "last block; below the start: no area"),
    F("DMES", "FLASH_SCAR_PRG1", 31, 0x14, 31, 1, SFI_OPT_READ_ONLY, NONE_ROM, "1: the secure area is erased on a readout protection regression"),
    F("WRPSN1", "FLASH_WPSN_PRG1R", 0, 0x1C, 0, 32, SFI_OPT_WRP, NONE_ROM,
      "write protection of bank 1, bit n = its sectors 4n..4n+3 (0: protected)"),
    F("WRPSN2", "FLASH_WPSN_PRG2R", 0, SFI_OPT_AREA2 + 0x04, 0, 32, SFI_OPT_WRP, NONE_ROM,
      "write protection of bank 2, bit n = its sectors 4n..4n+3 (0: protected)"),
    F("BOOT_ADD0", "FLASH_BOOT_PRGR", 0, 0x24, 0, 16, 0, NONE_ROM,
      "boot address with BOOT0 low, address bits 31:16 (0x0800: 0x08000000, flash)"),
    F("BOOT_ADD1", "FLASH_BOOT_PRGR", 16, 0x24, 16, 16, SFI_OPT_NO_ROM, 0x1FF0,
      "boot address with BOOT0 high, address bits 31:16 (0x1FF0: 0x1FF00000, the ROM bootloader)"),
};

/* H5 (H562/563/573 0x484, H503 0x474; RM0481, RM0492): the option registers of the flash
 * controller at 0x40022000 (stm32h563xx.h FLASH_R_BASE_NS), their _CUR words as loaded: the
 * area from FLASH_OPTSR_CUR (0x050) to WRP1R_PRG (0x0EC), 160 bytes, and bank 2's WRP2R_CUR and
 * WRP2R_PRG (0x1E8, 0x1EC) as a second area (stm32h563xx.h FLASH_TypeDef: OPTSR_CUR 0x50,
 * OPTSR2_CUR 0x70, NSBOOTR_CUR 0x80, WRP1R_CUR 0xE8, WRP2R_CUR 0x1E8; the H503's taken to be the
 * same, RM0492 not read). Bits: stm32h563xx.h FLASH_OPTSR_BOR_LEV 0 (2 bits), BORH_EN 2, IWDG_SW
 * 3, WWDG_SW 4, NRST_STOP 6, NRST_STDBY 7, PRODUCT_STATE 8 (8 bits), IO_VDD_HSLV 16,
 * IO_VDDIO2_HSLV 17, IWDG_STOP 20, IWDG_STDBY 21, BOOT_UBE 22 (8 bits), SWAP_BANK 31;
 * FLASH_OPTSR2_SRAM1_3_RST 2, SRAM2_RST 3, BKPRAM_ECC 4, SRAM3_ECC 5, SRAM2_ECC 6, TZEN 24 (8
 * bits); FLASH_BOOTR_BOOT_LOCK 0 (8 bits), BOOTADD 8 (24 bits); FLASH_WRPR_WRPSG 0 (32 bits,
 * bit = 0: protected; a group of 4 sectors on the 128-sector banks, one sector on the H503's
 * 8: ST's stm32h5xx_hal_flash.h OB_WRP_SECTOR_0TO3 / OB_WRP_SECTOR_0). The H5 has no RDP:
 * PRODUCT_STATE replaces it, its values named by stm32h5xx_hal_flash.h OB_PROD_STATE_*. Shown
 * only: the H5 changes its option bytes through FLASH_OPTCR's OPTSTRT (RM0481 7.4), and whether
 * its bootloader's Write Memory on these registers does that is not known here. */
static const sfi_opt_field h5_fields[] = {
    F("BOR_LEV", "FLASH_OPTSR_CUR", 0, 0, 0, 2, 0, NONE_ROM, "brown-out level with BORH_EN: 0 level 1 (~2.1 V) .. 2 level 3 (~2.7 V)"),
    F("BORH_EN", "FLASH_OPTSR_CUR", 2, 0, 2, 1, 0, NONE_ROM, "1: brown-out reset at BOR_LEV, 0: its level 0 only"),
    F("IWDG_SW", "FLASH_OPTSR_CUR", 3, 0, 3, 1, 0, NONE_ROM, "1: independent watchdog started by software, 0: by hardware"),
    F("WWDG_SW", "FLASH_OPTSR_CUR", 4, 0, 4, 1, 0, NONE_ROM, "1: window watchdog started by software, 0: by hardware"),
    F("NRST_STOP", "FLASH_OPTSR_CUR", 6, 0, 6, 1, 0, NONE_ROM, "0: reset on entering Stop mode, 1: no reset"),
    F("NRST_STDBY", "FLASH_OPTSR_CUR", 7, 0, 7, 1, 0, NONE_ROM, "0: reset on entering Standby mode, 1: no reset"),
    F("PRODUCT_STATE", "FLASH_OPTSR_CUR", 8, 0, 8, 8, SFI_OPT_READ_ONLY, NONE_ROM,
      "life cycle in place of RDP: 0xED Open, 0x17 Provisioning, 0x2E iRoT-Provisioned, 0xC6 TZ-Closed, "
      "0x72 Closed, 0x5C Locked (for good), 0x9A Regression, 0xA3 NS-Regression; never changed here"),
    F("IO_VDD_HSLV", "FLASH_OPTSR_CUR", 16, 0, 16, 1, 0, NONE_ROM, "1: VDD I/Os high-speed at low voltage (only with VDD below 2.7 V)"),
    F("IO_VDDIO2_HSLV", "FLASH_OPTSR_CUR", 17, 0, 17, 1, 0, NONE_ROM, "1: VDDIO2 I/Os high-speed at low voltage"),
    F("IWDG_STOP", "FLASH_OPTSR_CUR", 20, 0, 20, 1, 0, NONE_ROM, "0: independent watchdog frozen in Stop mode, 1: running"),
    F("IWDG_STDBY", "FLASH_OPTSR_CUR", 21, 0, 21, 1, 0, NONE_ROM, "0: independent watchdog frozen in Standby mode, 1: running"),
    F("BOOT_UBE", "FLASH_OPTSR_CUR", 22, 0, 22, 8, SFI_OPT_READ_ONLY, NONE_ROM, "unique boot entry with TrustZone on: 0xB4 OEM-iRoT, 0xC3 ST-iRoT"),
    F("SWAP_BANK", "FLASH_OPTSR_CUR", 31, 0, 31, 1, SFI_OPT_READ_ONLY, NONE_ROM, "1: the banks trade addresses (bank 2 at 0x08000000), 0: not"),
    F("SRAM1_3_RST", "FLASH_OPTSR2_CUR", 2, 0x20, 2, 1, 0, NONE_ROM, "0: SRAM1 and SRAM3 erased at system reset, 1: kept"),
    F("SRAM2_RST", "FLASH_OPTSR2_CUR", 3, 0x20, 3, 1, 0, NONE_ROM, "0: SRAM2 erased at system reset, 1: kept"),
    F("BKPRAM_ECC", "FLASH_OPTSR2_CUR", 4, 0x20, 4, 1, 0, NONE_ROM, "0: backup RAM ECC on, 1: off"),
    F("SRAM3_ECC", "FLASH_OPTSR2_CUR", 5, 0x20, 5, 1, 0, NONE_ROM, "0: SRAM3 ECC on, 1: off"),
    F("SRAM2_ECC", "FLASH_OPTSR2_CUR", 6, 0x20, 6, 1, 0, NONE_ROM, "0: SRAM2 ECC on, 1: off"),
    F("TZEN", "FLASH_OPTSR2_CUR", 24, 0x20, 24, 8, SFI_OPT_READ_ONLY, NONE_ROM, "0xB4: TrustZone on, 0xC3: off"),
    F("NSBOOT_LOCK", "FLASH_NSBOOTR_CUR", 0, 0x30, 0, 8, SFI_OPT_READ_ONLY, NONE_ROM, "0xB4: the boot configuration locked, 0xC3: not"),
    F("NSBOOTADD", "FLASH_NSBOOTR_CUR", 8, 0x30, 8, 24, SFI_OPT_NO_ROM, NONE_ROM, "non-secure boot address, bits 31:8"),
    F("WRPSG1", "FLASH_WRP1R_CUR", 0, 0x98, 0, 32, SFI_OPT_WRP, NONE_ROM,
      "write protection of bank 1, a bit per group of sectors (4; the H503: 1) (0: protected)"),
    F("WRPSG2", "FLASH_WRP2R_CUR", 0, SFI_OPT_AREA2, 0, 32, SFI_OPT_WRP, NONE_ROM,
      "write protection of bank 2, a bit per group of sectors (4; the H503: 1) (0: protected)"),
};

/* The L5's and the U5's option registers from SRAM2_RST on: the same bits and words (the
 * sources are given with each table below). */
#define L5_U5_TAIL \
    F("SRAM2_RST", "FLASH_OPTR", 25, 0, 25, 1, 0, NONE_ROM, "0: SRAM2 erased at system reset, 1: kept"), \
    F("nSWBOOT0", "FLASH_OPTR", 26, 0, 26, 1, SFI_OPT_NO_ROM, 1, "1 boots as the BOOT0 pin says, 0 as nBOOT0 says (the pin is ignored)"), \
    F("nBOOT0", "FLASH_OPTR", 27, 0, 27, 1, 0, NONE_ROM, "replaces the BOOT0 pin when nSWBOOT0 is 0"), \
    F("PA15_PUPEN", "FLASH_OPTR", 28, 0, 28, 1, 0, NONE_ROM, "1: PA15's pull-up on (JTDI), 0: off"), \
    F("TZEN", "FLASH_OPTR", 31, 0, 31, 1, SFI_OPT_READ_ONLY, NONE_ROM, "1: TrustZone on (this version drives the non-secure side only)"), \
    F("NSBOOTADD0", "FLASH_NSBOOTADD0R", 7, 0x04, 7, 25, 0, NONE_ROM, "non-secure boot address with BOOT0 low, address bits 31:7"), \
    F("NSBOOTADD1", "FLASH_NSBOOTADD1R", 7, 0x08, 7, 25, SFI_OPT_NO_ROM, 0x0BF90000u >> 7, \
      "non-secure boot address with BOOT0 high, address bits 31:7 (0x0BF90000: the ROM bootloader)"), \
    F("WRP1A_PSTRT", "FLASH_WRP1AR", 0, 0x18, 0, 7, SFI_OPT_WRP, NONE_ROM, "first page of write-protected area A (bank 1)"), \
    F("WRP1A_PEND", "FLASH_WRP1AR", 16, 0x18, 16, 7, SFI_OPT_WRP, NONE_ROM, "last page of area A; below the start: no area"), \
    F("WRP1B_PSTRT", "FLASH_WRP1BR", 0, 0x1C, 0, 7, SFI_OPT_WRP, NONE_ROM, "first page of write-protected area B (bank 1)"), \
    F("WRP1B_PEND", "FLASH_WRP1BR", 16, 0x1C, 16, 7, SFI_OPT_WRP, NONE_ROM, "last page of area B; below the start: no area"), \
    F("WRP2A_PSTRT", "FLASH_WRP2AR", 0, 0x28, 0, 7, SFI_OPT_WRP, NONE_ROM, "first page of write-protected area A of bank 2"), \
    F("WRP2A_PEND", "FLASH_WRP2AR", 16, 0x28, 16, 7, SFI_OPT_WRP, NONE_ROM, "last page of bank 2's area A"), \
    F("WRP2B_PSTRT", "FLASH_WRP2BR", 0, 0x2C, 0, 7, SFI_OPT_WRP, NONE_ROM, "first page of write-protected area B of bank 2"), \
    F("WRP2B_PEND", "FLASH_WRP2BR", 16, 0x2C, 16, 7, SFI_OPT_WRP, NONE_ROM, "last page of bank 2's area B")

/* The U5's UNLOCK bits (stm32u575xx.h FLASH_WRP1AR_UNLOCK_Pos, FLASH_WRP1BR_UNLOCK_Pos,
 * FLASH_WRP2AR_UNLOCK_Pos, FLASH_WRP2BR_UNLOCK_Pos: 31; RM0456 7.9: "0: start and end pages
 * locked"): shown only, since a 0 cannot be undone by an option change (the L5 has no such bit:
 * stm32l552xx.h FLASH_WRP1AR has PSTRT and PEND only). */
#define U5_WRP_UNLOCK \
    F("WRP1A_UNLOCK", "FLASH_WRP1AR", 31, 0x18, 31, 1, SFI_OPT_READ_ONLY, NONE_ROM, "0: area A's pages locked for good, 1: changeable"), \
    F("WRP1B_UNLOCK", "FLASH_WRP1BR", 31, 0x1C, 31, 1, SFI_OPT_READ_ONLY, NONE_ROM, "0: area B's pages locked for good, 1: changeable"), \
    F("WRP2A_UNLOCK", "FLASH_WRP2AR", 31, 0x28, 31, 1, SFI_OPT_READ_ONLY, NONE_ROM, "0: bank 2's area A locked for good, 1: changeable"), \
    F("WRP2B_UNLOCK", "FLASH_WRP2BR", 31, 0x2C, 31, 1, SFI_OPT_READ_ONLY, NONE_ROM, "0: bank 2's area B locked for good, 1: changeable")

/* L5 (TrustZone off): the option registers from FLASH_OPTR at 0x40022040, no complements (RM0438
 * 6.9's register map: +0x00 OPTR, +0x04 NSBOOTADD0R, +0x08 NSBOOTADD1R, +0x0C SECBOOTADD0R,
 * +0x10/+0x14 SECWM1R1/R2, +0x18/+0x1C WRP1AR/BR, +0x20/+0x24 SECWM2R1/R2, +0x28/+0x2C
 * WRP2AR/BR, as NuttX's stm32l5_flash.h has them; the device table's option area); stm32l552xx.h
 * FLASH_OPTR_* bits as NuttX transcribes them: BOR_LEV 8, nRST_STOP 12 .. WWDG_SW 19, SWAP_BANK
 * 20, DB256K 21, DBANK 22, SRAM2_PE 24, SRAM2_RST 25, nSWBOOT0 26, nBOOT0 27, PA15_PUPEN 28,
 * TZEN 31; NSBOOTADD0/1 in bits 31:7 (assumed from RM0438). The WRP areas: page numbers of their
 * bank, 7 bits (the L552's SVD as stm32-rs has it: WRP1AR WRP1A_PSTRT bits 0:6, WRP1A_PEND
 * bits 16:22), PEND below PSTRT: no area (RM0438 6.5.2); protect/unprotect --write change them. */
static const sfi_opt_field l5_fields[] = {
    OPTR_RDP,
    F("BOR_LEV", "FLASH_OPTR", 8, 0, 8, 3, 0, NONE_ROM, "brown-out reset: 0 ~1.7 V, 1 ~2.0 V, 2 ~2.2 V, 3 ~2.5 V, 4 ~2.8 V"),
    OPTR_COMMON,
    F("SWAP_BANK", "FLASH_OPTR", 20, 0, 20, 1, SFI_OPT_BOOT_BANK, NONE_ROM,
      "1: the banks trade addresses (bank 2 at 0x08000000 boots), 0: not"),
    F("DB256K", "FLASH_OPTR", 21, 0, 21, 1, SFI_OPT_READ_ONLY, NONE_ROM, "256 KiB parts: 1 two banks, 0 one bank"),
    F("DBANK", "FLASH_OPTR", 22, 0, 22, 1, SFI_OPT_READ_ONLY, NONE_ROM, "512 KiB parts: 1 two banks of 2 KiB pages, 0 one bank of 4 KiB pages"),
    F("SRAM2_PE", "FLASH_OPTR", 24, 0, 24, 1, 0, NONE_ROM, "0: SRAM2 parity check on, 1: off"),
    L5_U5_TAIL,
};

/* U5 (TrustZone off): the option registers from FLASH_OPTR at 0x40022040 in the L5's order, no
 * complements (stm32u575xx.h FLASH_TypeDef: OPTR 0x40, NSBOOTADD0R 0x44, NSBOOTADD1R 0x48,
 * SECBOOTADD0R 0x4C, SECWM1R1/R2 0x50/0x54, WRP1AR/BR 0x58/0x5C, SECWM2R1/R2 0x60/0x64, WRP2AR/BR
 * 0x68/0x6C); FLASH_OPTR bits as the U575's SVD has them (RM0456 7.9.15): BOR_LEV 8, nRST_STOP
 * 12 .. WWDG_SW 19, SWAP_BANK 20 ("bank 1 base address offset 0x10 0000, bank 2 base address
 * offset 0": the address map swapped), DUALBANK 21, BKPRAM_ECC 22, SRAM3_ECC 23, SRAM2_ECC 24,
 * SRAM2_RST 25, nSWBOOT0 26, nBOOT0 27, PA15_PUPEN 28, TZEN 31; NSBOOTADD0/1 in bits 31:7
 * (0x017F200: the bootloader at 0x0BF90000). The WRP areas (page numbers of their bank, 7 bits:
 * stm32u575xx.h FLASH_WRP1AR_WRP1A_PSTRT_Msk 0x7F << 0, FLASH_WRP1AR_WRP1A_PEND_Msk 0x7F << 16,
 * the same in WRP1BR/WRP2AR/WRP2BR), as the L5's, with UNLOCK (bit 31). */
static const sfi_opt_field u5_fields[] = {
    OPTR_RDP,
    F("BOR_LEV", "FLASH_OPTR", 8, 0, 8, 3, 0, NONE_ROM, "brown-out reset: 0 ~1.7 V, 1 ~2.0 V, 2 ~2.2 V, 3 ~2.5 V, 4 ~2.8 V"),
    OPTR_COMMON,
    F("SRAM1345_RST", "FLASH_OPTR", 15, 0, 15, 1, 0, NONE_ROM, "0: SRAM1, 3, 4 and 5 erased at system reset, 1: kept"),
    F("SWAP_BANK", "FLASH_OPTR", 20, 0, 20, 1, SFI_OPT_BOOT_BANK, NONE_ROM,
      "1: the banks trade addresses (bank 2 at 0x08000000 boots), 0: not"),
    F("DUALBANK", "FLASH_OPTR", 21, 0, 21, 1, SFI_OPT_READ_ONLY, NONE_ROM, "1 MiB and 512 KiB parts: 1 two banks, 0 one"),
    F("BKPRAM_ECC", "FLASH_OPTR", 22, 0, 22, 1, 0, NONE_ROM, "0: backup RAM ECC on, 1: off"),
    F("SRAM3_ECC", "FLASH_OPTR", 23, 0, 23, 1, 0, NONE_ROM, "0: SRAM3 ECC on, 1: off"),
    F("SRAM2_ECC", "FLASH_OPTR", 24, 0, 24, 1, 0, NONE_ROM, "0: SRAM2 ECC on, 1: off"),
    L5_U5_TAIL,
    U5_WRP_UNLOCK,
};

static const sfi_opt_layout layouts[] = {
    {"F0", "RM0091", 16, SFI_OPT_COMPL_BYTE, 0xAA, ENTRIES(f0_fields), 0, 0, 0, NULL},
    {"F1", "RM0008", 16, SFI_OPT_COMPL_BYTE, 0xA5, ENTRIES(f1_fields), 0, 0, 0, NULL},
    /* The connectivity line's option bytes are the other F1s' (RM0008 2.5). */
    {"F1CL", "RM0008", 16, SFI_OPT_COMPL_BYTE, 0xA5, ENTRIES(f1_fields), 0, 0, 0, NULL},
    {"F3", "RM0316", 16, SFI_OPT_COMPL_BYTE, 0xAA, ENTRIES(f3_fields), 0, 0, 0, NULL},
    {"F2", "RM0033", 16, SFI_OPT_COMPL_NONE, 0xAA, ENTRIES(f2_fields), 0, 0, 0, NULL},
    {"F4", "RM0090", 16, SFI_OPT_COMPL_NONE, 0xAA, ENTRIES(f4_fields), 0, 0, 0, NULL},
    {"F7", "RM0385", 32, SFI_OPT_COMPL_HALFWORD, 0xAA, ENTRIES(f7_fields), 0, 0, 0, NULL},
    {"L0", "RM0367", 16, SFI_OPT_COMPL_HALFWORD, 0xAA, ENTRIES(l0_fields), 0, 0, 0, NULL},
    {"L1", "RM0038", 16, SFI_OPT_COMPL_HALFWORD, 0xAA, ENTRIES(l1_fields), 0, 0, 0, NULL},
    {"L4", "RM0351", 40, SFI_OPT_COMPL_WORD, 0xAA, ENTRIES(l4_fields), 0, 0x1FFFF800, 40, NULL},
    {"L4R", "RM0432", 40, SFI_OPT_COMPL_WORD, 0xAA, ENTRIES(l4r_fields), 0, 0x1FF01000, 40, NULL},
    {"G4", "RM0440", 40, SFI_OPT_COMPL_WORD, 0xAA, ENTRIES(g4_fields), 0, 0x1FFFF800, 40, NULL},
    {"G0", "RM0444", 40, SFI_OPT_COMPL_WORD, 0xAA, ENTRIES(g0_fields), 0, 0, 0, NULL},
    {"WB", "RM0434", 40, SFI_OPT_COMPL_WORD, 0xAA, ENTRIES(wb_fields), 0, 0, 0, NULL},
    {"WL", "RM0461", 40, SFI_OPT_COMPL_WORD, 0xAA, ENTRIES(wl_fields), 0, 0, 0, NULL},
    {"C0", "RM0490", 40, SFI_OPT_COMPL_WORD, 0xAA, ENTRIES(c0_fields), 0, 0, 0, NULL},
    {"H7", "RM0433", 40, SFI_OPT_COMPL_NONE, 0xAA, ENTRIES(h7_fields), 0x52002020, 0x52002138, 8, NULL},
    {"H7A", "RM0455", 40, SFI_OPT_COMPL_NONE, 0xAA, ENTRIES(h7a_fields), 0x52002020, 0x52002138, 8, NULL},
    {"L5", "RM0438", 48, SFI_OPT_COMPL_NONE, 0xAA, ENTRIES(l5_fields), 0, 0, 0, NULL},
    {"U5", "RM0456", 48, SFI_OPT_COMPL_NONE, 0xAA, ENTRIES(u5_fields), 0, 0, 0, NULL},
    {"H5", "RM0481", 160, SFI_OPT_COMPL_NONE, 0xED, ENTRIES(h5_fields), 0x40022050, 0x400221E8, 8,
     "the H5's option bytes are shown only: it changes them through FLASH_OPTCR (OPTSTRT, RM0481 7.4), and "
     "whether its bootloader's Write Memory on the option registers does that is not known to this version; "
     "nothing was written"},
};

const sfi_opt_layout *sfi_opt_layout_of(const char *family)
{
    for (size_t i = 0; family && i < sizeof layouts / sizeof layouts[0]; i++)
        if (!strcmp(layouts[i].family, family))
            return &layouts[i];
    return NULL;
}

const sfi_opt_layout *sfi_opt_layout_at(size_t i) { return i < sizeof layouts / sizeof layouts[0] ? &layouts[i] : NULL; }

static uint32_t mask_of(const sfi_opt_field *f) { return f->width >= 32 ? 0xFFFFFFFFu : (1u << f->width) - 1u; }

static uint32_t load32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

static void store32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Images are at least offset + 4 bytes long: the layouts keep fields inside their size and
 * callers pad the buffer (SFI_OPT_IMAGE_MAX). */
uint32_t sfi_opt_get(const sfi_opt_field *f, const uint8_t *image) { return (load32(image + f->offset) >> f->shift) & mask_of(f); }

void sfi_opt_put(const sfi_opt_field *f, uint8_t *image, uint32_t value)
{
    uint32_t w = load32(image + f->offset), m = mask_of(f) << f->shift;
    store32(image + f->offset, (w & ~m) | ((value << f->shift) & m));
}

static void complement_area(const sfi_opt_layout *l, uint8_t *image, unsigned size)
{
    for (unsigned i = 0; i < size; i++) {
        switch (l->complement) {
        case SFI_OPT_COMPL_BYTE: if (i % 2 == 1) image[i] = (uint8_t)~image[i - 1]; break;
        case SFI_OPT_COMPL_HALFWORD: if (i % 4 >= 2) image[i] = (uint8_t)~image[i - 2]; break;
        case SFI_OPT_COMPL_WORD: if (i % 8 >= 4) image[i] = (uint8_t)~image[i - 4]; break;
        default: break;
        }
    }
}

void sfi_opt_complement(const sfi_opt_layout *l, uint8_t *image)
{
    complement_area(l, image, l->size);
    complement_area(l, image + SFI_OPT_AREA2, l->size2);
}

bool sfi_opt_complements_ok(const sfi_opt_layout *l, const uint8_t *image)
{
    uint8_t copy[256];
    memcpy(copy, image, l->size);
    complement_area(l, copy, l->size);
    return memcmp(copy, image, l->size) == 0;
}
