/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* flash_f4.c - the F2/F4 flash controller (RM0090 3.5-3.9), which the F7 has too (RM0385 3.3): unlock with the two keys, sector
 * erase with SER/SNB/STRT, 32-bit programming with PG and PSIZE x32 (the width for a 2.7-3.6 V
 * supply, the usual board; RM0090 table 7), errors in SR (OPERR 1, WRPERR 4, PGAERR 5,
 * PGPERR 6, PGSERR 7; ERSERR on the F7). Sectors: four of the first size (16 KiB on F2/F4, 32 KiB on F7), one of
 * four times it, then eight times it (RM0090 table 5, RM0385 table 4): the host passes the
 * first size in params.page_size. */
#include "flash.h"
#include "stub.h"

#define FLASH_MEM 0x08000000u
#define FLASH_REGS 0x40023C00u
#define KEYR 0x04u
#define SR 0x0Cu
#define CR 0x10u
#define SR_ERRORS ((1u << 1) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7))
#define SR_BSY (1u << 16)
#define CR_PG (1u << 0)
#define CR_SER (1u << 1)
#define CR_MER (1u << 2)
#define CR_MER1 (1u << 15)
#define CR_PSIZE_X32 (2u << 8)
#define CR_STRT (1u << 16)
#define CR_LOCK (1u << 31)

#define REG(off) (*(volatile unsigned int *)(FLASH_REGS + (off)))

/* The sector holding addr: its SNB code; its start and size through the pointers. Bank 2 of a
 * 2 MiB F42x/43x repeats bank 1's sectors from params.bank2_base, coded with SNB bit 4 (sector
 * 12 is 0x10: RM0090 3.9.8); so does an F76x/77x's with nDBANK = 0 (RM0410 3.7.5; its MER2 is
 * the F42x's MER1, bit 15: stm32f767xx.h), whose option the host reads and passes on as
 * params.bank2_base and the first sector's size. */
static unsigned int sector_of(unsigned int addr, unsigned int *start, unsigned int *size)
{
    unsigned int base = FLASH_MEM, n = 0;
    if (params.bank2_base && addr >= params.bank2_base) {
        base = params.bank2_base;
        n = 0x10u;
    }
    unsigned int off = addr - base, first = 0, sz = params.page_size;
    while (first + sz <= off) {
        first += sz;
        if ((++n & 0xFu) == 4 || (n & 0xFu) == 5)
            sz = params.page_size << ((n & 0xFu) == 4 ? 2 : 3);
    }
    *start = base + first;
    *size = sz;
    return n;
}

unsigned int flash_unit_of(unsigned int addr, unsigned int *size)
{
    unsigned int start;
    sector_of(addr, &start, size);
    return start;
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
    REG(SR) = SR_ERRORS | 1u; /* clear leftovers and EOP (write 1 to clear) */
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
    (void)bank2_base;
    unsigned int start, size, n = sector_of(addr, &start, &size);
    return run(CR_SER | CR_PSIZE_X32 | n << 3);
}

unsigned int flash_mass_erase(unsigned int bank2_base)
{
    return run(CR_MER | (bank2_base ? CR_MER1 : 0u) | CR_PSIZE_X32); /* MER1: bank 2 (RM0090 3.9.8) */
}

static unsigned int pend_addr, pend_value; /* the word being programmed; pend_addr 0: none */

unsigned int flash_sync(unsigned int *fail)
{
    if (!pend_addr)
        return 0;
    unsigned int err = wait_done();
    REG(CR) = 0;
    /* RM0090 has no flag for a write that needs a 0 to become 1: the word tells. */
    if (!err && *(volatile unsigned int *)pend_addr != pend_value)
        err = FLASH_MISMATCH;
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
    REG(CR) = CR_PG | CR_PSIZE_X32;
    *(volatile unsigned int *)addr = value;
    pend_addr = addr;
    pend_value = value;
    return 0;
}
