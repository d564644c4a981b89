/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cortex.c - the ways out of the stub, the same on every Cortex-M (ARMv6-M/ARMv7-M architecture
 * reference manuals: VTOR at 0xE000ED08, AIRCR at 0xE000ED0C). */
#include "chip.h"

#define REG(a) (*(volatile unsigned int *)(a))
#define SCB_VTOR REG(0xE000ED08u)
#define SCB_AIRCR REG(0xE000ED0Cu)

void chip_go(unsigned int vt)
{
    chip_deinit();
    SCB_VTOR = vt;
    unsigned int sp = ((volatile unsigned int *)vt)[0], pc = ((volatile unsigned int *)vt)[1];
    __asm__ volatile("msr msp, %0\n\tbx %1" : : "r"(sp), "r"(pc) : "memory");
    __builtin_unreachable();
}

void chip_reset(void)
{
    chip_uart_flush();
    SCB_AIRCR = 0x05FA0004u; /* VECTKEY, SYSRESETREQ */
    for (;;)
        ;
}
