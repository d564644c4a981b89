/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_cpu.h - a Cortex-M3, or the M4 or M7 of parts with one (libunicorn), running what Go or a boot from flash starts. */
#ifndef SIM_CPU_H
#define SIM_CPU_H

#include "sim_flash.h"
#include "sim_line.h"
#include "sim_memory.h"

#include <stddef.h>

typedef struct sim_cpu_env {
    const struct sim_part *part; /* as the option bytes made it at the last reset (may change) */
    /* The part as the device table describes it, never written: what sim_cpu_new builds the
     * engine from (family, core, memory map), so it may run beside a reset; NULL: part. */
    const struct sim_part *model;
    sim_clock *clock;
    sim_line *line;
    sim_flash *flash;
    sim_memory *mem;
    bool boot0;  /* what address 0 aliases: system memory (BOOT0=1) or flash */
    bool bank_swap; /* the two flash banks trade addresses (a dual-bank boot from bank 2:
                     * the L4/G4 bootloader sets SYSCFG FB_MODE; the H7's SWAP_BANK) */
    bool pll_stuck; /* fault: the PLL never locks */
    bool rom_pll_on; /* sim_options.rom_pll_on: Go leaves the ROM's PLL running */
    const sfi_usart *usart; /* the USART the ROM answers on (sim_options.usart) */
    void (*log)(void *user, const char *fmt, ...);
    void *log_user;
} sim_cpu_env;

enum sim_cpu_exit {
    CPU_EXIT_STOP,   /* sim_cpu_stop was called (reset pin, power cut, board stop) */
    CPU_EXIT_RESET,  /* the program asked for a system reset (SCB AIRCR.SYSRESETREQ) */
    CPU_EXIT_FAULT,  /* bad access or exception: the report is in fault */
    CPU_EXIT_ROM,    /* the program jumped into system memory: the ROM bootloader runs */
};

typedef struct sim_cpu sim_cpu;

/* One engine per board and BOOT0 level, reused for every run: creating a unicorn engine takes
 * milliseconds, a real chip starts the code Go names in microseconds. */
sim_cpu *sim_cpu_new(const sim_cpu_env *env, char **err);
void sim_cpu_free(sim_cpu *c);
/* Clear a stop request left from an earlier run; call before publishing the CPU to threads
 * that may call sim_cpu_stop. */
void sim_cpu_arm(sim_cpu *c);
/* Start from reset state at a vector table (MSP from [vtor], PC from [vtor+4]) and run until
 * an exit. Peripherals and registers are reset; code translated earlier is discarded.
 * rom_baud: started by the ROM's Go, which talked at that rate: USART1 and the clocks are as
 * the ROM leaves them (AN3155, Go: the peripherals the bootloader used are not reset);
 * 0: from a reset (boot from flash). */
enum sim_cpu_exit sim_cpu_run(sim_cpu *c, uint32_t vtor, uint32_t rom_baud, char *fault, size_t fault_len);
/* Clock time at which the program requested the reset (CPU_EXIT_RESET). */
int64_t sim_cpu_exit_time(const sim_cpu *c);
/* Ask a running CPU to stop; safe from any thread, also before sim_cpu_run begins. */
void sim_cpu_stop(sim_cpu *c);

#endif
