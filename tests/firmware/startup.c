/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* startup.c - vector table and reset handler for the test firmware (no libc). */
#include <stdint.h>

extern uint32_t _estack, _sidata, _sdata, _edata, _sbss, _ebss;
int main(void);

void reset_handler(void)
{
    uint32_t *src = &_sidata, *dst = &_sdata;
    while (dst < &_edata)
        *dst++ = *src++;
    for (dst = &_sbss; dst < &_ebss; dst++)
        *dst = 0;
    main();
    for (;;)
        ;
}

/* Faults and interrupts nobody expects: stop here, where a debugger would find us. */
static void default_handler(void)
{
    for (;;)
        ;
}

/* The Cortex-M system vectors, as real firmware has them (ARMv7-M ARM B1.5.3): a loader checks
 * that they are 0 or Thumb addresses in flash or RAM. */
__attribute__((section(".vectors"), used)) static const void *const vectors[16] = {
    &_estack,
    (void *)reset_handler,
    (void *)default_handler, /* NMI */
    (void *)default_handler, /* HardFault */
    (void *)default_handler, /* MemManage */
    (void *)default_handler, /* BusFault */
    (void *)default_handler, /* UsageFault */
    0, 0, 0, 0,              /* reserved */
    (void *)default_handler, /* SVCall */
    (void *)default_handler, /* DebugMonitor */
    0,                       /* reserved */
    (void *)default_handler, /* PendSV */
    (void *)default_handler, /* SysTick (hello.c polls its COUNTFLAG, no interrupt) */
};
