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
    SIM_OB_RDP = SFI_OPTIONS_RDP, /* L0/L1/L4/G0/G4/WB/H7: RDP at 0 and its complement at rdp_complement; write
                                   * protection (areas, per family) is not modelled: Write (Un)Protect is NACKed */
};

struct sim_part {
    const char *name;
    const char *description;
    uint16_t pid;               /* DBGMCU_IDCODE DEV_ID, what Get ID returns */
    uint8_t bl_version;         /* bootloader protocol version, 0x22 = 2.2 */
    const uint8_t *commands;    /* what Get lists, in order */
    uint8_t ncommands;
    uint32_t flash_base, flash_size, page_size;
    uint32_t bank2_base;        /* 0 for a single bank */
    uint32_t ram_base, ram_size;
    uint32_t bl_ram_start;      /* RAM below this is the ROM's own (Write Memory / Go NACK) */
    uint32_t ram2_base, ram2_size, bl_ram2_start; /* H7: the AXI SRAM too (0 if none) */
    uint32_t sysmem_base, sysmem_size;
    uint32_t optbytes_base, optbytes_size;
    uint32_t flash_size_reg;    /* F_SIZE: flash size in KiB, 16 bits */
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
};

static inline const sfi_family *sim_part_family(const struct sim_part *p) { return &sfi_families[p->family]; }
static inline uint8_t sim_part_erased(const struct sim_part *p) { return sim_part_family(p)->erased; }
/* enum sim_options_format */
static inline unsigned sim_part_options(const struct sim_part *p) { return sim_part_family(p)->options; }

#endif
