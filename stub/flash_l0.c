/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* flash_l0.c - the L0/L1 flash controller (RM0367 3.3, RM0038 3.3; the facts file): PECR
 * unlocked by two key pairs (PEKEYR, then PRGKEYR), page erase by a store into the page with
 * ERASE and PROG set, half-page programming (16 words on the L0, 32 on the L1) with FPRG and
 * PROG set: a word takes as long as a half-page (3.2 ms), so the stub writes half-pages. The
 * code runs from RAM, as half-page programming requires. Erased cells read 0. Errors in SR
 * (WRPERR 8, PGAERR 9, SIZERR 10, OPTVERR 11, RDERR 13, NOTZEROERR 16 on the L0, FWWERR 17). */
#include "flash.h"
#include "stub.h"

#ifdef STUB_L1
#define FLASH_REGS 0x40023C00u
#else
#define FLASH_REGS 0x40022000u
#endif
#define PECR 0x04u
#define PEKEYR 0x0Cu
#define PRGKEYR 0x10u
#define SR 0x18u
#define PECR_PELOCK (1u << 0)
#define PECR_PRGLOCK (1u << 1)
#define PECR_PROG (1u << 3)
#define PECR_ERASE (1u << 9)
#define PECR_FPRG (1u << 10)
#define SR_BSY (1u << 0)
#define SR_EOP (1u << 1)
#define SR_ERRORS 0x32F00u

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
    if (REG(PECR) & PECR_PELOCK) {
        REG(PEKEYR) = 0x89ABCDEFu;
        REG(PEKEYR) = 0x02030405u;
    }
    if (REG(PECR) & PECR_PRGLOCK) {
        REG(PRGKEYR) = 0x8C9DAEBFu;
        REG(PRGKEYR) = 0x13141516u;
    }
    wait_done();
    REG(SR) = SR_ERRORS | SR_EOP; /* write 1 to clear */
}

unsigned int flash_erase_page(unsigned int addr, unsigned int bank2_base)
{
    (void)bank2_base;
    begin();
    REG(PECR) |= PECR_ERASE | PECR_PROG;
    *(volatile unsigned int *)addr = 0;
    unsigned int err = wait_done();
    REG(PECR) &= ~(PECR_ERASE | PECR_PROG);
    return err;
}

unsigned int flash_mass_erase(unsigned int bank2_base)
{
    (void)bank2_base;
    return FLASH_MISMATCH;
}

static unsigned int pend_addr, pend[FLASH_UNIT / 4]; /* the half-page being programmed; 0: none */

unsigned int flash_sync(unsigned int *fail)
{
    if (!pend_addr)
        return 0;
    unsigned int err = wait_done();
    REG(PECR) &= ~(PECR_FPRG | PECR_PROG);
#ifdef STUB_L1 /* the L0 flags a half-page that was not erased (NOTZEROERR); the L1 does not */
    for (unsigned int i = 0; i < FLASH_UNIT / 4 && !err; i++)
        if (((volatile unsigned int *)pend_addr)[i] != pend[i])
            err = FLASH_MISMATCH;
#endif
    if (err)
        *fail = pend_addr;
    pend_addr = 0;
    return err;
}

unsigned int flash_program_async(unsigned int addr, flash_word words, unsigned int bank2_base, unsigned int *fail)
{
    (void)bank2_base;
    unsigned int err = flash_sync(fail);
    if (err)
        return err;
    begin();
    for (unsigned int i = 0; i < FLASH_UNIT / 4; i++) /* the stream refills its buffer meanwhile */
        pend[i] = words[i];
    REG(PECR) |= PECR_FPRG | PECR_PROG;
    for (unsigned int i = 0; i < FLASH_UNIT / 4; i++)
        ((volatile unsigned int *)addr)[i] = pend[i];
    pend_addr = addr;
    return 0;
}
