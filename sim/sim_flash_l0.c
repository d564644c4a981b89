/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_flash_l0.c - the L0/L1 flash controller as code sees it (RM0367 3.3, RM0038 3.3; the facts
 * file): ACR 0x00, PECR 0x04, PEKEYR 0x0C, PRGKEYR 0x10, SR 0x18. Erased cells read 0.
 *
 * PECR starts locked (PELOCK, PRGLOCK, OPTLOCK). PEKEYR takes 0x89ABCDEF then 0x02030405 and
 * clears PELOCK; then PRGKEYR takes 0x8C9DAEBF then 0x13141516 and clears PRGLOCK; a wrong key
 * locks until reset. With both clear: a 32-bit store programs a word; with ERASE and PROG set, a
 * store into a page erases it; with FPRG and PROG set, a half-page (16 words on the L0, 32 on the
 * L1) is programmed once its last word is stored, the words in order from a half-page boundary
 * (else PGAERR). A store of another width sets SIZERR (a misaligned word is split by the core
 * into narrower ones). A word or half-page over cells that are not erased (not 0) is not
 * written: the L0 says NOTZEROERR; the L1 has no flag for it (assumed: the driver reads back).
 * Stores while locked set WRPERR and write nothing (assumed). SR: BSY 0, EOP 1, ENDHV 2,
 * READY 3, WRPERR 8, PGAERR 9, SIZERR 10, NOTZEROERR 16 (L0). Timings: sim_parts.c (3.2 ms a
 * word, half-page or page erase).
 */
#include "sim_flash.h"

#include <string.h>

enum { L0_PECR = 0x04, L0_PEKEYR = 0x0C, L0_PRGKEYR = 0x10, L0_OPTKEYR = 0x14, L0_SR = 0x18 };
/* RM0367 3.3.4 / RM0038 3.3.4: the option bytes' keys, with PELOCK clear */
#define OPTKEY1 0xFBEAD9C8u
#define OPTKEY2 0x24252627u
enum { PECR_PELOCK = 1u << 0, PECR_PRGLOCK = 1u << 1, PECR_OPTLOCK = 1u << 2, PECR_PROG = 1u << 3,
       PECR_ERASE = 1u << 9, PECR_FPRG = 1u << 10 };
enum { SR0_BSY = 1u << 0, SR0_EOP = 1u << 1, SR0_ENDHV = 1u << 2, SR0_READY = 1u << 3, SR0_WRPERR = 1u << 8,
       SR0_PGAERR = 1u << 9, SR0_SIZERR = 1u << 10, SR0_NOTZEROERR = 1u << 16 };
#define SR0_ERRORS (SR0_WRPERR | SR0_PGAERR | SR0_SIZERR | SR0_NOTZEROERR | (1u << 11) | (1u << 13) | (1u << 17))
#define PEKEY1 0x89ABCDEFu
#define PEKEY2 0x02030405u
#define PRGKEY1 0x8C9DAEBFu
#define PRGKEY2 0x13141516u

/* A two-key sequence for one lock bit of PECR; *step counts the keys seen. */
static void key(struct flash_bank *b, int *step, uint32_t v, uint32_t k1, uint32_t k2, uint32_t lock)
{
    if (b->key_fault)
        return;
    if (*step == 0 && v == k1) {
        *step = 1;
    } else if (*step == 1 && v == k2) {
        *step = 0;
        b->cr &= ~lock;
    } else {
        b->key_fault = true; /* RM0367 3.3.4: locked until the next reset */
        b->cr |= PECR_PELOCK | PECR_PRGLOCK | PECR_OPTLOCK;
    }
}

uint32_t sim_flash_l0_reg_read(sim_flash *f, uint32_t off)
{
    struct flash_bank *b = &f->bank[0];
    sim_flash_settle(f, b);
    switch (off) {
    case L0_PECR: return b->cr;
    case L0_SR: {
        uint32_t sr = sim_flash_status(f, b, SR0_BSY);
        return (sr & SR0_BSY) ? sr : sr | SR0_ENDHV | SR0_READY;
    }
    default: return 0;
    }
}

void sim_flash_l0_reg_write(sim_flash *f, uint32_t off, uint32_t v)
{
    struct flash_bank *b = &f->bank[0];
    sim_flash_settle(f, b);
    switch (off) {
    case L0_PECR:
        if (b->cr & PECR_PELOCK)
            break;
        /* Lock bits can be set, not cleared, by a write; the rest follows the value. */
        b->cr = (b->cr & (PECR_PELOCK | PECR_PRGLOCK | PECR_OPTLOCK)) | v;
        if (v & PECR_PELOCK)
            b->cr |= PECR_PRGLOCK | PECR_OPTLOCK;
        /* OBL_LAUNCH (bit 18) reloads the option bytes with a reset, with OPTLOCK clear
         * (RM0367 3.7.1, RM0038 3.9.1). */
        if ((v & (1u << 18)) && !(b->cr & PECR_OPTLOCK))
            f->obl_request = true;
        if (!(v & PECR_FPRG))
            f->word_pending = false;
        break;
    case L0_PEKEYR:
        if (b->cr & PECR_PELOCK)
            key(b, &b->key_step, v, PEKEY1, PEKEY2, PECR_PELOCK);
        break;
    case L0_OPTKEYR:
        if (!(b->cr & PECR_PELOCK) && (b->cr & PECR_OPTLOCK))
            key(b, &b->key_step, v, OPTKEY1, OPTKEY2, PECR_OPTLOCK);
        break;
    case L0_PRGKEYR:
        if (!(b->cr & PECR_PELOCK) && (b->cr & PECR_PRGLOCK))
            key(b, &b->opt_key_step, v, PRGKEY1, PRGKEY2, PECR_PRGLOCK);
        break;
    case L0_SR:
        b->sr &= ~(v & (SR0_EOP | SR0_ERRORS)); /* rc_w1 */
        break;
    default:
        break;
    }
}

/* Program n bytes at addr; a unit that is not erased sets NOTZEROERR where there is one (the
 * L0; families.txt: notzeroerr). */
static void program(sim_flash *f, struct flash_bank *b, uint32_t addr, const uint8_t *v, unsigned n)
{
    int r = sim_flash_program_unit(f, addr, v, n);
    if (r == SIM_PROGRAM_PROTECTED)
        b->sr |= SR0_WRPERR;
    else if (r == SIM_PROGRAM_NOT_ERASED && sim_part_family(f->part)->notzeroerr)
        b->sr |= SR0_NOTZEROERR;
}

bool sim_flash_l0_cpu_store(sim_flash *f, uint32_t addr, unsigned size, uint32_t value, const char **msg)
{
    const struct sim_part *p = f->part;
    struct flash_bank *b = &f->bank[0];
    sim_flash_settle(f, b);
    if (addr >= p->optbytes_base && addr < p->optbytes_base + p->optbytes_size) {
        *msg = "store to the option bytes (not modelled for the L0/L1: OPTLOCK)";
        return false;
    }
    if (b->cr & (PECR_PELOCK | PECR_PRGLOCK)) {
        b->sr |= SR0_WRPERR;
        return true;
    }
    if (size != 4 || (addr & 3)) {
        b->sr |= SR0_SIZERR;
        f->word_pending = false;
        return true;
    }
    if ((b->cr & (PECR_ERASE | PECR_PROG)) == (PECR_ERASE | PECR_PROG)) {
        sim_flash_erase_page(f, sim_flash_page_of(f, addr));
        return true;
    }
    uint8_t w[4] = {(uint8_t)value, (uint8_t)(value >> 8), (uint8_t)(value >> 16), (uint8_t)(value >> 24)};
    if ((b->cr & (PECR_FPRG | PECR_PROG)) != (PECR_FPRG | PECR_PROG)) {
        program(f, b, addr, w, 4);
        return true;
    }
    uint32_t half = p->page_size / 2;
    if (!f->word_pending) {
        if (addr & (half - 1)) {
            b->sr |= SR0_PGAERR;
            return true;
        }
        f->word_pending = true;
        f->pending_addr = addr;
        f->half_count = 0;
    } else if (addr != f->pending_addr + 4 * f->half_count) {
        b->sr |= SR0_PGAERR;
        f->word_pending = false;
        return true;
    }
    memcpy(f->half_page + 4 * f->half_count++, w, 4);
    if (4 * f->half_count == half) {
        f->word_pending = false;
        program(f, b, f->pending_addr, f->half_page, half);
    }
    return true;
}
