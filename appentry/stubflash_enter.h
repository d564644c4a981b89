/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stubflash_enter.h - let the host put a running STM32 application into the ROM bootloader,
 * for boards with no BOOT0 jumper or reset wiring (stubflash --enter=magic:STRING@BAUD).
 *
 * Add stubflash_enter.c to your firmware (plain C, no HAL, no libc) and:
 *   1. call stubflash_enter_early() first thing in main() (or in the reset handler), before the
 *      clocks and peripherals are set up;
 *   2. pass every byte your application receives on the UART that the host uses (the one the
 *      bootloader also listens on, e.g. USART1 on PA9/PA10) to stubflash_enter_feed().
 * When the last bytes received are the trigger string, the chip resets itself (so every clock,
 * peripheral and interrupt is back in its reset state, which the bootloader expects) and
 * stubflash_enter_early() then jumps to the system memory of the family it runs on.
 *
 * The trigger: STUBFLASH_ENTER_MAGIC, "stubflash-enter" unless defined otherwise when this
 * file is compiled. The host sends it at your application's rate with
 *   stubflash --enter=magic:stubflash-enter@115200 -p PORT write app.hex
 *
 * The request survives the reset in one word of RAM that the startup code must not clear: the
 * variable is placed in section ".noinit" (add `.noinit (NOLOAD) : { *(.noinit*) } > RAM` to
 * your linker script if it has none), or define STUBFLASH_ENTER_FLAG_ADDRESS to a RAM word
 * nothing else uses (e.g. one just above your stack).
 *
 * The system memory is found from the core (SCB CPUID) and the chip's DBGMCU IDCODE for every
 * line in stubflash's device table (stubflash_enter_parts.h: C0, F0, F1, F2, F3, F4, F7, G0,
 * G4, L0, L1, L4, L4+, WB, WL); define STUBFLASH_ENTER_SYSTEM_MEMORY to its address on the
 * others (H7, L5, U5, H5: their DBGMCU is elsewhere).
 * An unknown part does not jump: the application starts as usual. */
#ifndef STUBFLASH_ENTER_H
#define STUBFLASH_ENTER_H

#include <stdint.h>

/* If the previous reset was requested by stubflash_enter_bootloader(), jump to the bootloader
 * (does not return then); otherwise return at once. */
void stubflash_enter_early(void);
/* Feed one received byte; returns only while the trigger has not been seen. */
void stubflash_enter_feed(uint8_t byte);
/* Request the bootloader now: reset the chip (does not return). */
void stubflash_enter_bootloader(void) __attribute__((noreturn));
/* The system memory (bootloader vector table) of this chip, 0 if unknown. */
uint32_t stubflash_enter_system_memory(void);

#endif
