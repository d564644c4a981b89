/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_memory.h - the memories of a board and where they sit in the address space. */
#ifndef SIM_MEMORY_H
#define SIM_MEMORY_H

#include "sim_part.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sim_memory {
    const struct sim_part *part;
    uint8_t *flash;         /* flash_size bytes at part->flash_base */
    uint8_t *ram;           /* ram_size bytes at part->ram_base */
    uint8_t *ram2;          /* ram2_size bytes at part->ram2_base (H7 AXI SRAM), or NULL */
    uint8_t *sys;           /* [sys_base, 0x20000000) (the L5: less): system memory, F_SIZE, UID, option bytes */
    uint32_t sys_base;      /* sysmem_base rounded down to 4 KiB (the CPU maps whole pages) */
    uint32_t sys_len;
    uint8_t *opt;           /* option bytes outside system memory (H7: flash registers), or NULL */
    uint8_t *opt2;          /* bank 2's option words outside system memory (H7 WPSN_CUR2R/PRG2R), or NULL */
    uint8_t *info;          /* the 4 KiB page of UID and F_SIZE where they are outside [sys_base,
                             * 0x20000000) (H7A3/B3: 0x08FFF800, RM0455), or NULL */
    uint32_t info_base;
    bool flash_from_file;   /* the flash is a file's mapping (sim_memory_flash_written) */
} sim_memory;

#define SIM_SYS_END 0x20000000u
/* System memory below this (the L5's, in the non-secure alias of 0x0Bxxxxxx) ends where its
 * device data does, not at SIM_SYS_END. */
#define SIM_SYS_LOW_END 0x10000000u

/* The memories of part, erased and blank; with flash_fd >= 0 the flash holds the first
 * flash_size bytes of that file instead (at least that long), mapped copy-on-write: nothing
 * is read before it is used, and the file never changes through it. 0, or -1 if out of
 * memory. */
int sim_memory_init(sim_memory *m, const struct sim_part *part, int flash_fd);
void sim_memory_free(sim_memory *m);
/* Which pages of the flash (pages of sim_memory_page_size bytes; written[npages]) may differ
 * from the file it was mapped from: those written since. false if that cannot be told (a flash
 * that is not a file's, no /proc/self/pagemap): then any page may differ. */
bool sim_memory_flash_written(const sim_memory *m, bool *written, size_t npages);
size_t sim_memory_page_size(void);
/* Pointer to [addr, addr+len) if it lies inside one memory, else NULL (the hole between the
 * flash banks is backed too: the CPU's stores there are caught, sim_cpu.c). */
uint8_t *sim_memory_ptr(sim_memory *m, uint32_t addr, size_t len);
/* [addr, addr+len) lies in flash, not in the hole between the banks. */
bool sim_memory_in_flash(const sim_memory *m, uint32_t addr, size_t len);
/* [addr, addr+len) touches the hole between the banks (sim_part_in_hole). */
bool sim_memory_in_hole(const sim_memory *m, uint32_t addr, size_t len);
/* [addr, addr+len) lies in one of the RAMs. */
bool sim_memory_in_ram(const sim_memory *m, uint32_t addr, size_t len);
/* [addr, addr+len) lies in the second RAM (H7 AXI SRAM). */
bool sim_memory_in_ram2(const sim_memory *m, uint32_t addr, size_t len);
/* ... and above what the ROM bootloader keeps for itself (where Write Memory and Go may go). */
bool sim_memory_in_free_ram(const sim_memory *m, uint32_t addr, size_t len);
bool sim_memory_in_options(const sim_memory *m, uint32_t addr, size_t len);
uint8_t *sim_memory_options(sim_memory *m);
/* Bank 2's option words (sim_part.optbytes2_base, in system memory), or NULL/false if none. */
bool sim_memory_in_options2(const sim_memory *m, uint32_t addr, size_t len);
uint8_t *sim_memory_options2(sim_memory *m);

#endif
