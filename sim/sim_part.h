/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_part.h - what the virtual board knows about a part: memories, bootloader, timings. */
#ifndef SIM_PART_H
#define SIM_PART_H

#include <stdbool.h>
#include <stdint.h>

#include "families.h"

/* How the option bytes are laid out (families.txt: options; sim_part_options). */
enum sim_options_format {
    SIM_OB_F1 = SFI_OPTIONS_F1, /* F0/F1/F3: value and complement pairs; RDP at 0, USER 2, DATA 4-6, WRP 8-14 */
    SIM_OB_F4 = SFI_OPTIONS_F4, /* F2/F4 (and F7, assumed): USER at 0, RDP at 1, nWRP (one bit per sector, 1 = writable) at 8-9 */
    SIM_OB_RDP = SFI_OPTIONS_RDP, /* L0/L1/L4/G0/G4/WB: option words with complements, RDP at 0; H7: the
                                   * option registers from FLASH_OPTSR_PRG (sim_flash_options.c, which
                                   * also models their write protection: WRPROT, WRP areas, WPSN1). The
                                   * ROM's Write (Un)Protect commands are NACKed on them: a host changes
                                   * protection through the option area */
};

/* The empty check (ST's knowledge article "Empty check mechanism on STM32"; libstubflash's
 * sf_empty_check has the same values): where the note is kept. */
enum sim_empty_check {
    SIM_EMPTY_NONE = 0,
    SIM_EMPTY_SR_PEMPTY = 1, /* L4 FLASH_SR bit 17, a write of 1 toggles it */
    SIM_EMPTY_ACR_EMPTY = 2, /* G0/WB FLASH_ACR bit 16, read/write (RM0444 3.3.2, RM0434 3.3.2) */
};

struct sim_part {
    const char *name;
    const char *description;
    uint16_t pid;               /* DBGMCU_IDCODE DEV_ID, what Get ID returns */
    uint8_t bl_version;         /* bootloader protocol version, 0x22 = 2.2 */
    const uint8_t *commands;    /* what Get lists, in order */
    uint8_t ncommands;
    uint32_t flash_base, flash_size, page_size; /* flash_size: from flash_base to the end of the
                                 * last bank, a hole between the banks included */
    uint32_t bank2_base;        /* 0 for a single bank */
    bool dbank;                 /* FLASH_OPTR bit 22 DBANK picks two banks of page_size pages (1,
                                 * the factory setting) or one bank of pages twice that size (0),
                                 * at each reset (sim_flash.c: load_bank_mode; G4 cat.3, L4R/S,
                                 * L5) */
    uint32_t hole_base, hole_size; /* no flash here: between the banks of a smaller part whose
                                 * bank 2 is at a fixed address (0: none; sim_part_in_hole) */
    uint32_t ram_base, ram_size;
    uint32_t bl_ram_start;      /* RAM below this is the ROM's own (Write Memory / Go NACK) */
    uint32_t ram2_base, ram2_size, bl_ram2_start; /* H7: the AXI SRAM too (0 if none) */
    uint32_t sysmem_base, sysmem_size;
    uint32_t optbytes_base, optbytes_size;
    uint32_t flash_size_reg;    /* F_SIZE: flash size in KiB, 16 bits */
    uint8_t empty_check;        /* SIM_EMPTY_*: the chip boots its ROM while the first flash word
                                 * was erased at option-byte loading (sim_flash_option_load) */
    bool fsize_coded;           /* F_SIZE reads fsize_raw, not the flash in KiB (L1 0x436's code, */
    uint16_t fsize_raw;         /* the reserved upper byte of a 0x429) */
    uint32_t uid_reg;           /* 96-bit unique ID */
    uint32_t cpuid;             /* SCB->CPUID */
    uint32_t wrp_pages_per_bit; /* pages one WRP bit protects (bits 0..30); bit 31 = the rest */
    uint8_t rdp_level0;         /* the RDP option byte that means unprotected: F1 0xA5, F0/F3/F4 0xAA */
    uint8_t program_bytes;      /* what Write Memory programs at a time: 1 (F4/F7 ROM), 2 (F0/F1/F3),
                                 * 8 (L4/G0/G4/WB double words), 32 (H7 flash words), 64 or 128
                                 * (L0/L1 half-pages); 0 means 2 */
    uint8_t write_align;        /* Write Memory address alignment: 4, or 8 (AN3155); 0 means 4 */
    uint8_t rdp_complement;     /* SIM_OB_RDP: offset of the RDP byte's complement */
    uint8_t family;             /* enum sfi_family_id: its row of families/families.txt says
                                 * which flash controller, RCC, USART and DMA models it has and
                                 * where, what erased cells read and whether the ROM mass-erases */
    /* F2/F4/F7: sectors of mixed sizes, with their erase times; NULL: pages of page_size. */
    const uint32_t *sector_sizes;
    const uint32_t *sector_erase_ns;
    uint8_t nsectors;
    /* Timings in nanoseconds, from the datasheet (see sim_parts.c for sources). */
    uint32_t program_ns;        /* one 16-bit program */
    uint32_t page_erase_ns;
    uint64_t mass_erase_ns;     /* F4: 16 s */
    uint32_t rom_startup_ns;    /* reset to bootloader ready for 0x7F */
    /* Bank 2's option words (L4/G4 with two banks: WRP2AR, WRP2BR at 0x1FFFF818/0x1FFFF820),
     * inside system memory; 0: none. Kept after the first area in a --flash file. */
    uint32_t optbytes2_base, optbytes2_size;
    /* F76x/77x: the part as its option bit nDBANK = 0 makes it (two banks of 12 sectors with
     * bank 2 at half the flash: RM0410 3.3.1, tables 4 and 5), chosen at each reset
     * (sim_flash_reset); NULL: the layout is the part's own. */
    const struct sim_part *dual_bank_layout;
};

static inline const sfi_family *sim_part_family(const struct sim_part *p) { return &sfi_families[p->family]; }
static inline uint8_t sim_part_erased(const struct sim_part *p) { return sim_part_family(p)->erased; }
/* Whether addr lies in the hole between the banks (no memory: the ROM refuses it, a store
 * sets the flash controller's error flag). */
static inline bool sim_part_in_hole(const struct sim_part *p, uint32_t addr)
{
    return p->hole_size && addr - p->hole_base < p->hole_size;
}
/* Bytes of flash in bank b (0 or 1; the part's only bank is 0). */
static inline uint32_t sim_part_bank_bytes(const struct sim_part *p, int b)
{
    if (!p->bank2_base)
        return b ? 0 : p->flash_size - p->hole_size;
    if (b == 0)
        return (p->hole_size ? p->hole_base : p->bank2_base) - p->flash_base;
    return p->flash_base + p->flash_size - p->bank2_base;
}
/* The H7's flash controller (families.txt flash=h7: the H74x/H72x's and the H7A3/B3's), whose
 * option bytes are registers. */
static inline bool sim_part_h7_kind(const struct sim_part *p) { return sim_part_family(p)->flash_kind == SFI_FLASH_H7; }
/* enum sim_options_format */
static inline unsigned sim_part_options(const struct sim_part *p) { return sim_part_family(p)->options; }

#endif
