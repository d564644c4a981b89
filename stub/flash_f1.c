/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* flash_f1.c - the F0/F1/F3 flash controller (RM0008 3.3, PM0075): unlock with the two keys,
 * page erase with PER/AR/STRT, 16-bit programming with PG, errors in SR (PGERR bit 2,
 * WRPRTERR bit 4). XL-density parts have a second controller for bank 2 at offset 0x40. */
#include "flash.h"
#include "stub.h"

#define FLASH_BASE 0x40022000u
#define KEYR 0x04u
#define SR 0x0Cu
#define CR 0x10u
#define AR 0x14u
#define BANK2 0x40u
#define SR_BSY (1u << 0)
#define SR_PGERR (1u << 2)
#define SR_WRPRTERR (1u << 4)
#define SR_EOP (1u << 5)
#define CR_PG (1u << 0)
#define CR_PER (1u << 1)
#define CR_MER (1u << 2)
#define CR_STRT (1u << 6)
#define CR_LOCK (1u << 7)

#define REG(b, off) (*(volatile unsigned int *)((b) + (off)))

unsigned int flash_unit_of(unsigned int addr, unsigned int *size)
{
    *size = params.page_size;
    return addr & ~(params.page_size - 1u);
}

static unsigned int controller(unsigned int addr, unsigned int bank2_base)
{
    return FLASH_BASE + (bank2_base && addr >= bank2_base ? BANK2 : 0u);
}

static void begin(unsigned int c)
{
    if (REG(c, CR) & CR_LOCK) {
        REG(c, KEYR) = 0x45670123u;
        REG(c, KEYR) = 0xCDEF89ABu;
    }
    while (REG(c, SR) & SR_BSY)
        ;
    REG(c, SR) = SR_EOP | SR_PGERR | SR_WRPRTERR; /* clear leftovers (write 1 to clear) */
}

static unsigned int wait_done(unsigned int c)
{
    unsigned int sr;
    while ((sr = REG(c, SR)) & SR_BSY)
        ;
    return sr & (SR_PGERR | SR_WRPRTERR);
}

unsigned int flash_erase_page(unsigned int addr, unsigned int bank2_base)
{
    unsigned int c = controller(addr, bank2_base);
    begin(c);
    REG(c, CR) = CR_PER;
    REG(c, AR) = addr;
    REG(c, CR) = CR_PER | CR_STRT;
    unsigned int err = wait_done(c);
    REG(c, CR) = 0;
    return err;
}

unsigned int flash_mass_erase(unsigned int bank2_base)
{
    unsigned int err = 0;
    for (unsigned int c = FLASH_BASE; c <= FLASH_BASE + (bank2_base ? BANK2 : 0u); c += BANK2) {
        begin(c);
        REG(c, CR) = CR_MER;
        REG(c, CR) = CR_MER | CR_STRT;
        err |= wait_done(c);
        REG(c, CR) = 0;
    }
    return err;
}

static unsigned int pend_c, pend_addr, pend_value; /* the half-word being programmed */

unsigned int flash_sync(unsigned int *fail)
{
    unsigned int c = pend_c, err;
    if (!c)
        return 0;
    pend_c = 0;
    err = wait_done(c);
    REG(c, CR) = 0;
    /* A skipped write (not erased, protected) shows as an error bit; check the cell too. */
    if (!err && *(volatile unsigned short *)pend_addr != pend_value)
        err = FLASH_MISMATCH;
    if (err)
        *fail = pend_addr;
    return err;
}

unsigned int flash_program_async(unsigned int addr, flash_word value, unsigned int bank2_base, unsigned int *fail)
{
    unsigned int err = flash_sync(fail), c = controller(addr, bank2_base);
    if (err)
        return err;
    begin(c);
    REG(c, CR) = CR_PG;
    *(volatile unsigned short *)addr = (unsigned short)value;
    pend_c = c;
    pend_addr = addr;
    pend_value = value;
    return 0;
}
