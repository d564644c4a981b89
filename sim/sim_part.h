/* sim_part.h - what the virtual board knows about a part: memories, bootloader, timings. */
#ifndef SIM_PART_H
#define SIM_PART_H

#include <stdint.h>

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
    uint32_t sysmem_base, sysmem_size;
    uint32_t optbytes_base, optbytes_size;
    uint32_t flash_size_reg;    /* F_SIZE: flash size in KiB, 16 bits */
    uint32_t uid_reg;           /* 96-bit unique ID */
    uint32_t cpuid;             /* SCB->CPUID */
    uint32_t wrp_pages_per_bit; /* pages one WRP bit protects (bits 0..30); bit 31 = the rest */
    uint8_t rdp_level0;         /* the RDP option byte that means unprotected: F1 0xA5, F0/F3 0xAA */
    /* Timings in nanoseconds, from the datasheet (see sim_parts.c for sources). */
    uint32_t program_ns;        /* one 16-bit program */
    uint32_t page_erase_ns;
    uint32_t mass_erase_ns;
    uint32_t rom_startup_ns;    /* reset to bootloader ready for 0x7F */
};

#endif
