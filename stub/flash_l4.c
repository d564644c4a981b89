/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* flash_l4.c - the L4/G4/WB/G0 flash controller (RM0351 3.3, RM0440 5.3, RM0434 3.3, RM0444
 * 3.3; the facts file; the WB's at 0x58004000; CFGBSY at SR bit 18 on the G0/WB): unlock
 * with the two keys, page erase with PER, PNB (the page within its bank) and BKER, 64-bit
 * programming as two 32-bit stores with PG set, errors in SR (OPERR 1, PROGERR 3, WRPERR 4,
 * PGAERR 5, SIZERR 6, PGSERR 7, MISERR 8, FASTERR 9; the G0's PNB and BKER below). Flags
 * left from an earlier operation would fail the next one (PGSERR), so each operation clears
 * them first. The L5 (STUB_L5): the same through its non-secure registers (below); the U5
 * (STUB_U5) at the L5's offsets, with 128-bit quad-words. */
#include "flash.h"
#include "stub.h"

/* The C0 (STUB_C0; RM0490 3, 5, 9, 10): the G0's flash controller, RCC, DMAMUX and USART
 * registers; its SYSCLK stays HSISYS = HSI48 / 4 = 12 MHz, the reset clock (RM0490 5.2). */
#ifdef STUB_C0
#define STUB_G0
#endif

#define FLASH_MEM 0x08000000u
#if defined(STUB_WB) || defined(STUB_WL)
#define FLASH_REGS 0x58004000u
#else
#define FLASH_REGS 0x40022000u
#endif
#define KEYR 0x08u /* L5: NSKEYR, at the same offset */
#if defined(STUB_L5) || defined(STUB_U5)
/* The L5 with TrustZone off (RM0438 6.9's register map, as NuttX's stm32l5_flash.h has it):
 * NSSR 0x20 and NSCR 0x28 hold the L4's SR and CR bits (NSCR's PNB is 7 bits, 3-9: 128 pages
 * per bank of 2 KiB, or of 4 KiB in the one bank of DBANK = 0). Which of the two the host reads
 * from FLASH_OPTR and hands over as params.page_size and params.bank2_base.
 * The U5 (RM0456 7.9; stm32u575xx.h FLASH_TypeDef and FLASH_NSCR_*): the same offsets; NSCR's
 * PNB is 8 bits (3-10, FLASH_NSCR_PNB_Msk 0xFF: 128 pages of 8 KiB per bank on the U575, 256
 * on the U59x), BKER 11; a quad-word programs when its fourth word is stored (RM0456 7.3.7). */
#define SR 0x20u
#define CR 0x28u
#else
#define SR 0x10u
#define CR 0x14u
#endif
#define SR_EOP (1u << 0)
#define SR_ERRORS 0x3FAu
#ifdef STUB_U5
#define SR_BSY ((1u << 16) | (1u << 17)) /* BSY and WDW (FLASH_NSSR_BSY, FLASH_NSSR_WDW); bit 18 is OEM1LOCK */
#else
#define SR_BSY ((1u << 16) | (1u << 18)) /* BSY, and CFGBSY on the G0/WB (reads 0 on the L4/G4) */
#endif
#define CR_PG (1u << 0)
#define CR_PER (1u << 1)
#define CR_MER1 (1u << 2)
#define CR_BKER (1u << 11)
#define CR_BKER_G0 (1u << 13)
#define CR_MER2 (1u << 15)
#define CR_STRT (1u << 16)
#define CR_LOCK (1u << 31)

#define REG(off) (*(volatile unsigned int *)(FLASH_REGS + (off)))

unsigned int flash_unit_of(unsigned int addr, unsigned int *size)
{
    *size = params.page_size;
    return addr & ~(params.page_size - 1u);
}

static unsigned int wait_done(void)
{
    unsigned int sr;
    while ((sr = REG(SR)) & SR_BSY)
        ;
    return sr & SR_ERRORS;
}

static void begin(void)
{
    if (REG(CR) & CR_LOCK) {
        REG(KEYR) = 0x45670123u;
        REG(KEYR) = 0xCDEF89ABu;
    }
    wait_done();
    REG(SR) = SR_ERRORS | SR_EOP; /* write 1 to clear */
}

static unsigned int run(unsigned int cr)
{
    begin();
    REG(CR) = cr;
    REG(CR) = cr | CR_STRT;
    unsigned int err = wait_done();
    REG(CR) = 0;
    return err;
}

unsigned int flash_erase_page(unsigned int addr, unsigned int bank2_base)
{
#ifdef STUB_G0
    /* No divide instruction on the Cortex-M0+: count the pages. The G0B/C's bank 2 numbers its
     * pages from 256, with BKER at bit 13 (RM0444 3.7.5, FLASH_CR PNB[9:0] and BKER; OpenOCD
     * stm32l4x.h FLASH_BKER_G0; Zephyr flash_stm32g0x.c STM32G0_BANK2_START_PAGE_NR). */
    unsigned int bank2 = bank2_base && addr >= bank2_base;
    unsigned int page = bank2 ? 256u : 0u;
    for (unsigned int off = addr - (bank2 ? bank2_base : FLASH_MEM); off >= params.page_size; off -= params.page_size)
        page++;
    return run(CR_PER | page << 3 | (bank2 ? CR_BKER_G0 : 0u));
#else
    unsigned int bank2 = bank2_base && addr >= bank2_base;
    unsigned int page = (addr - (bank2 ? bank2_base : FLASH_MEM)) / params.page_size;
    return run(CR_PER | page << 3 | (bank2 ? CR_BKER : 0u));
#endif
}

unsigned int flash_mass_erase(unsigned int bank2_base)
{
    return run(CR_MER1 | (bank2_base ? CR_MER2 : 0u));
}

#ifdef FLASH_BUFFERED
static unsigned int pend_addr, pend[FLASH_UNIT / 4]; /* the quad-word being programmed (U5) */
#else
static unsigned int pend_addr; /* the double word being programmed; 0: none */
static flash_word pend_value;
#endif

unsigned int flash_sync(unsigned int *fail)
{
    if (!pend_addr)
        return 0;
    unsigned int err = wait_done();
    REG(CR) = 0;
#ifdef FLASH_BUFFERED
    unsigned int diff = 0;
    for (unsigned int i = 0; i < FLASH_UNIT / 4; i++)
        diff |= ((volatile unsigned int *)pend_addr)[i] ^ pend[i];
    if (!err && diff)
        err = FLASH_MISMATCH;
#else
    if (!err && *(volatile flash_word *)pend_addr != pend_value)
        err = FLASH_MISMATCH;
#endif
    if (err)
        *fail = pend_addr;
    pend_addr = 0;
    return err;
}

unsigned int flash_program_async(unsigned int addr, flash_word value, unsigned int bank2_base, unsigned int *fail)
{
    (void)bank2_base;
    unsigned int err = flash_sync(fail);
    if (err)
        return err;
    begin();
    REG(CR) = CR_PG;
#ifdef FLASH_BUFFERED
    for (unsigned int i = 0; i < FLASH_UNIT / 4; i++) { /* the stream refills its buffer meanwhile */
        pend[i] = value[i];
        ((volatile unsigned int *)addr)[i] = pend[i];
    }
#else
    ((volatile unsigned int *)addr)[0] = (unsigned int)value;
    ((volatile unsigned int *)addr)[1] = (unsigned int)(value >> 32);
    pend_value = value;
#endif
    pend_addr = addr;
    return 0;
}
