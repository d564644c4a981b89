/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* flash_h7.c - the H7's flash controller (RM0433 4.3; the facts file): a register set per bank
 * (bank 2's at +0x100), each unlocked by its own keys; 256-bit flash words (eight 32-bit stores
 * with PG set, programmed when the eighth arrives; wait for QW), 128 KiB sectors erased with
 * SER/SNB/START, a bank with BER. PSIZE x64, the width for a 2.7-3.6 V supply (RM0433 4.3.8).
 * Errors in SR (WRPERR 17, PGSERR 18, STRBERR 19, INCERR 21, OPERR 22, RDPERR 23, RDSERR 24,
 * SNECCERR 25, DBECCERR 26), cleared through CCR. */
#include "flash.h"
#include "stub.h"

#define FLASH_MEM 0x08000000u
#define FLASH_REGS 0x52002000u
#define KEYR 0x04u
#define CR 0x0Cu
#define SR 0x10u
#define CCR 0x14u
#define CR_LOCK (1u << 0)
#define CR_PG (1u << 1)
#define CR_SER (1u << 2)
#define CR_BER (1u << 3)
#ifdef STUB_H7A
/* H7A3/B3 (RM0455 4.9.4): 128-bit flash words (FLASH_UNIT 16), 8 KiB sectors numbered by SSN
 * in bits 6-12, FW at bit 4, START at 5, no PSIZE (the H7B0's SVD: FLASH_CR1 SSN1 0x1FC0). */
#define CR_PSIZE_X64 0u
#define CR_START (1u << 5)
#define CR_SNB_SHIFT 6
#else
#define CR_PSIZE_X64 (3u << 4)
#define CR_START (1u << 7)
#define CR_SNB_SHIFT 8
#endif
#define SR_BUSY ((1u << 0) | (1u << 2)) /* BSY, QW */
#define SR_ERRORS 0x07EE0000u
#define SR_EOP (1u << 16)

#define REG(c, off) (*(volatile unsigned int *)((c) + (off)))

unsigned int flash_unit_of(unsigned int addr, unsigned int *size)
{
    *size = params.page_size;
    return addr & ~(params.page_size - 1u);
}

static unsigned int controller(unsigned int addr, unsigned int bank2_base)
{
    return FLASH_REGS + (bank2_base && addr >= bank2_base ? 0x100u : 0u);
}

static unsigned int wait_done(unsigned int c)
{
    unsigned int sr;
    while ((sr = REG(c, SR)) & SR_BUSY)
        ;
    return sr & SR_ERRORS;
}

static void begin(unsigned int c)
{
    if (REG(c, CR) & CR_LOCK) {
        REG(c, KEYR) = 0x45670123u;
        REG(c, KEYR) = 0xCDEF89ABu;
    }
    wait_done(c);
    REG(c, CCR) = SR_ERRORS | SR_EOP;
}

static unsigned int run(unsigned int c, unsigned int cr)
{
    begin(c);
    REG(c, CR) = cr;
    REG(c, CR) = cr | CR_START;
    unsigned int err = wait_done(c);
    REG(c, CR) = 0;
    return err;
}

unsigned int flash_erase_page(unsigned int addr, unsigned int bank2_base)
{
    unsigned int c = controller(addr, bank2_base), bank = c != FLASH_REGS ? bank2_base : FLASH_MEM;
    return run(c, CR_SER | CR_PSIZE_X64 | ((addr - bank) / params.page_size) << CR_SNB_SHIFT);
}

unsigned int flash_mass_erase(unsigned int bank2_base)
{
    unsigned int err = run(FLASH_REGS, CR_BER | CR_PSIZE_X64);
    if (bank2_base)
        err |= run(FLASH_REGS + 0x100u, CR_BER | CR_PSIZE_X64);
    return err;
}

static unsigned int pend_c, pend_addr, pend[FLASH_UNIT / 4]; /* the flash word being programmed */

unsigned int flash_sync(unsigned int *fail)
{
    if (!pend_c)
        return 0;
    unsigned int err = wait_done(pend_c);
    REG(pend_c, CR) = 0;
    pend_c = 0;
    /* A flash word that was not erased takes nothing and raises no flag: read it back. */
    for (unsigned int i = 0; i < FLASH_UNIT / 4 && !err; i++)
        if (((volatile unsigned int *)pend_addr)[i] != pend[i])
            err = FLASH_MISMATCH;
    if (err)
        *fail = pend_addr;
    return err;
}

unsigned int flash_program_async(unsigned int addr, flash_word words, unsigned int bank2_base, unsigned int *fail)
{
    unsigned int err = flash_sync(fail), c = controller(addr, bank2_base);
    if (err)
        return err;
    begin(c);
    for (unsigned int i = 0; i < FLASH_UNIT / 4; i++) /* the stream refills its buffer meanwhile */
        pend[i] = words[i];
    REG(c, CR) = CR_PG | CR_PSIZE_X64;
    for (unsigned int i = 0; i < FLASH_UNIT / 4; i++)
        ((volatile unsigned int *)addr)[i] = pend[i];
    pend_c = c;
    pend_addr = addr;
    return 0;
}
