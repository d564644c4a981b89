/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_rom.h - the ROM system bootloader's USART protocol (AN3155), as the chip runs it. */
#ifndef SIM_ROM_H
#define SIM_ROM_H

#include "sim_flash.h"
#include "sim_line.h"
#include "sim_memory.h"

typedef struct sim_rom_env {
    const struct sim_part *part;
    sim_line *line;
    sim_clock *clock;
    sim_flash *flash;
    sim_memory *mem;
    uint32_t damage_ram_byte;       /* sim_faults.damage_ram_byte */
    uint64_t *ram_bytes_written;    /* by Write Memory since the board was made */
} sim_rom_env;

enum sim_rom_exit {
    ROM_INTERRUPTED, /* a reset, power cut or stop request woke it */
    ROM_GO,          /* Go: start the CPU at *go_addr (a vector table) */
    ROM_RESET,       /* the command asks for a system reset (WP, WUP, RDP, RDU, option write) */
};

/* Run from reset (or from an application's jump to system memory): wait for the 0x7F that
 * sets the rate, then serve commands until one leaves the ROM or the board is interrupted. */
enum sim_rom_exit sim_rom_run(sim_rom_env *env, uint32_t *go_addr);

#endif
