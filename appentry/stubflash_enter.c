/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stubflash_enter.c - see stubflash_enter.h. Addresses: ARMv6-M/ARMv7-M architecture manuals
 * (SCB CPUID 0xE000ED00, AIRCR 0xE000ED0C, VTOR 0xE000ED08); DBGMCU IDCODE at 0xE0042000 on
 * Cortex-M3/M4/M7 parts (RM0008 31.6.1, RM0090 38.6.1, RM0351 48.6.1) and 0x40015800 on
 * Cortex-M0/M0+ parts (RM0360 26.4.1, RM0444 40.4.1, RM0377 27.4.1); system memory by product ID
 * from AN2606 (stubflash's device table, shared/reference/stm32-facts.md). */
#include "stubflash_enter.h"
#include "stubflash_enter_parts.h"

#ifndef STUBFLASH_ENTER_MAGIC
#define STUBFLASH_ENTER_MAGIC "stubflash-enter"
#endif

#define REG32(a) (*(volatile uint32_t *)(a))
#define SCB_CPUID REG32(0xE000ED00u)
#define SCB_VTOR REG32(0xE000ED08u)
#define SCB_AIRCR REG32(0xE000ED0Cu)
#define REQUEST 0x5354424Cu /* "STBL" */

#ifdef STUBFLASH_ENTER_FLAG_ADDRESS
#define FLAG REG32(STUBFLASH_ENTER_FLAG_ADDRESS)
#else
__attribute__((section(".noinit"))) static volatile uint32_t flag_word;
#define FLAG flag_word
#endif


uint32_t stubflash_enter_system_memory(void)
{
#ifdef STUBFLASH_ENTER_SYSTEM_MEMORY
    return STUBFLASH_ENTER_SYSTEM_MEMORY;
#else
    uint32_t part = (SCB_CPUID >> 4) & 0xFFFu;
    /* Cortex-M0 (0xC20) and M0+ (0xC60) parts keep DBGMCU on the APB bus; the others in the
     * private peripheral bus (Cortex-M7 here means F7: an H7 must define the address). */
    uint32_t idcode = part == 0xC20u || part == 0xC60u ? REG32(0x40015800u) : REG32(0xE0042000u);
    uint16_t id = (uint16_t)(idcode & 0xFFFu);
    for (unsigned i = 0; i < sizeof stubflash_enter_parts / sizeof stubflash_enter_parts[0]; i++)
        if (stubflash_enter_parts[i].id == id)
            return stubflash_enter_parts[i].sysmem;
    return 0;
#endif
}

void stubflash_enter_early(void)
{
    if (FLAG != REQUEST)
        return;
    FLAG = 0;
    uint32_t sysmem = stubflash_enter_system_memory();
    if (!sysmem)
        return;
    /* Cortex-M0 has no VTOR: the bootloader's vectors must appear at 0 (F0: SYSCFG_CFGR1
     * MEM_MODE = 01, system flash, RM0360 9.1.1; SYSCFG clock first, RCC_APB2ENR bit 0). */
    if (((SCB_CPUID >> 4) & 0xFFFu) == 0xC20u) {
        REG32(0x40021018u) |= 1u;
        REG32(0x40010000u) = (REG32(0x40010000u) & ~3u) | 1u;
    } else {
        SCB_VTOR = sysmem;
    }
    uint32_t sp = REG32(sysmem), pc = REG32(sysmem + 4);
    __asm volatile("msr msp, %0\n\tbx %1" : : "r"(sp), "r"(pc) : "memory");
    for (;;)
        ;
}

void stubflash_enter_bootloader(void)
{
    FLAG = REQUEST;
    __asm volatile("dsb" ::: "memory");
    SCB_AIRCR = 0x05FA0004u; /* VECTKEY | SYSRESETREQ */
    __asm volatile("dsb" ::: "memory");
    for (;;)
        ;
}

void stubflash_enter_feed(uint8_t byte)
{
    static const char magic[] = STUBFLASH_ENTER_MAGIC;
    static unsigned matched;
    /* Plain prefix matching, restarting on a mismatch (the trigger has no repeated prefix). */
    if (byte == (uint8_t)magic[matched])
        matched++;
    else
        matched = byte == (uint8_t)magic[0] ? 1u : 0u;
    if (matched == sizeof magic - 1)
        stubflash_enter_bootloader();
}
