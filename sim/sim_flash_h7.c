/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_flash_h7.c - the H7's flash controller as code sees it (RM0433 4.3, 4.9; the facts file):
 * one register set per bank, bank 2's at +0x100: KEYR 0x04, CR 0x0C, SR 0x10, CCR 0x14.
 * CR: LOCK 0 (set after reset; KEYR takes 0x45670123 then 0xCDEF89AB, a wrong key locks until
 * reset), PG 1, SER 2, BER 3, PSIZE 4-5, FW 6, START 7, SNB 8-10. SR: BSY 0, WBNE 1, QW 2, EOP
 * 16, WRPERR 17, PGSERR 18, STRBERR 19, INCERR 21, OPERR 22; CCR clears them (write 1).
 * Program: PG set, then the eight words of a 256-bit flash word (32-byte aligned), in any
 * order; the word programs when its last byte arrives (or FW forces it, the rest left erased).
 * A word store into another flash word while one is half written: INCERR; a store with PG
 * clear or the bank locked: PGSERR; a flash word that is not erased takes nothing (its ECC
 * allows one write; assumed: no flag, the driver reads back). Erase: SER with SNB (a 128 KiB
 * sector of the bank), or BER, then START. Timings: sim_parts.c. The H7A3/B3 (RM0455 4.9):
 * 128-bit flash words, 8 KiB sectors by SSN, its own FW and START bits (below).
 */
#include "sim_flash.h"

#include <string.h>

enum { H7_KEYR = 0x04, H7_CR = 0x0C, H7_SR = 0x10, H7_CCR = 0x14, H7_BANK2 = 0x100 };
enum { CRH_LOCK = 1u << 0, CRH_PG = 1u << 1, CRH_SER = 1u << 2, CRH_BER = 1u << 3 };

/* Where the H74x/H72x and the H7A3/B3 differ (RM0455 4.9.4; the H7B0's SVD, FLASH_CR1): a
 * flash word of 16 bytes, not 32; FW at bit 4, START at 5 (not 6 and 7); the sector number SSN
 * in bits 6-12 (SNB 8-10 on the H74x); no PSIZE. */
static bool h7a(const sim_flash *f) { return f->part->family == SFI_FAMILY_H7A; }
static unsigned word_bytes(const sim_flash *f) { return h7a(f) ? 16u : 32u; }
static uint32_t cr_fw(const sim_flash *f) { return h7a(f) ? 1u << 4 : 1u << 6; }
static uint32_t cr_start(const sim_flash *f) { return h7a(f) ? 1u << 5 : 1u << 7; }
static uint32_t cr_snb(const sim_flash *f, uint32_t cr) { return h7a(f) ? (cr >> 6) & 0x7Fu : (cr >> 8) & 7u; }
enum { SRH_BSY = 1u << 0, SRH_WBNE = 1u << 1, SRH_QW = 1u << 2, SRH_EOP = 1u << 16, SRH_WRPERR = 1u << 17,
       SRH_PGSERR = 1u << 18, SRH_INCERR = 1u << 21, SRH_OPERR = 1u << 22 };
#define SRH_CLEARABLE 0x0FEF0000u

static int bank_of(const sim_flash *f, uint32_t addr) { return f->part->bank2_base && addr >= f->part->bank2_base ? 1 : 0; }

uint32_t sim_flash_h7_reg_read(sim_flash *f, uint32_t off)
{
    /* The option registers: FLASH_OPTSR_CUR (0x1C) and from FLASH_OPTSR_PRG (0x20) on, as the
     * option area keeps them (sim_flash_options.c). */
    uint32_t opt = f->part->optbytes_base - 0x52002000u;
    if (off == 0x1C)
        off = opt;
    if (off >= opt && off + 4 <= opt + f->part->optbytes_size) {
        const uint8_t *w = f->optbytes + (off - opt);
        return (uint32_t)w[0] | (uint32_t)w[1] << 8 | (uint32_t)w[2] << 16 | (uint32_t)w[3] << 24;
    }
    /* Bank 2's FLASH_WPSN_CUR2R (0x138) and WPSN_PRG2R (0x13C), kept as the second area. */
    uint32_t opt2 = f->part->optbytes2_base - 0x52002000u;
    if (f->optbytes2 && off >= opt2 && off + 4 <= opt2 + f->part->optbytes2_size) {
        const uint8_t *w = f->optbytes2 + (off - opt2);
        return (uint32_t)w[0] | (uint32_t)w[1] << 8 | (uint32_t)w[2] << 16 | (uint32_t)w[3] << 24;
    }
    int bi = off >= H7_BANK2 ? 1 : 0;
    struct flash_bank *b = &f->bank[bi];
    sim_flash_settle(f, b);
    switch (off - (bi ? H7_BANK2 : 0)) {
    case H7_CR: return b->cr;
    case H7_SR: {
        uint32_t sr = sim_flash_status(f, b, SRH_BSY | SRH_QW);
        return f->word_pending && f->h7_bank == bi ? sr | SRH_WBNE : sr;
    }
    default: return 0;
    }
}

/* Program the flash word being written (the bytes not written stay erased). */
static void commit(sim_flash *f, struct flash_bank *b)
{
    f->word_pending = false;
    if (sim_flash_program_unit(f, f->pending_addr, f->half_page, word_bytes(f)) == SIM_PROGRAM_PROTECTED)
        b->sr |= SRH_WRPERR;
}

static void start(sim_flash *f, int bi, struct flash_bank *b)
{
    uint32_t cr = b->cr, first = bi ? sim_flash_page_of(f, f->part->bank2_base) : 0;
    if ((cr & CRH_SER) && (cr & CRH_BER))
        b->sr |= SRH_PGSERR;
    else if (cr & CRH_BER)
        sim_flash_mass_erase(f, 1u << bi);
    else if ((cr & CRH_SER) && cr_snb(f, cr) >= sim_part_bank_bytes(f->part, bi) / f->part->page_size)
        b->sr |= SRH_OPERR; /* a sector this part's bank does not have (assumed: not described) */
    else if (cr & CRH_SER)
        sim_flash_erase_page(f, first + cr_snb(f, cr));
}

void sim_flash_h7_reg_write(sim_flash *f, uint32_t off, uint32_t v)
{
    int bi = off >= H7_BANK2 ? 1 : 0;
    struct flash_bank *b = &f->bank[bi];
    sim_flash_settle(f, b);
    switch (off - (bi ? H7_BANK2 : 0)) {
    case H7_KEYR:
        sim_flash_key(b, v, CRH_LOCK);
        break;
    case H7_CR:
        if (b->cr & CRH_LOCK)
            break;
        b->cr = v & ~(cr_start(f) | cr_fw(f));
        if (v & CRH_LOCK)
            b->key_step = 0;
        if ((v & cr_fw(f)) && f->word_pending && f->h7_bank == bi)
            commit(f, b);
        if (v & cr_start(f))
            start(f, bi, b);
        break;
    case H7_CCR:
        b->sr &= ~(v & SRH_CLEARABLE);
        break;
    default:
        break;
    }
}

bool sim_flash_h7_cpu_store(sim_flash *f, uint32_t addr, unsigned size, uint32_t value, const char **msg)
{
    (void)msg;
    int bi = bank_of(f, addr);
    struct flash_bank *b = &f->bank[bi];
    sim_flash_settle(f, b);
    if ((b->cr & CRH_LOCK) || !(b->cr & CRH_PG)) {
        b->sr |= SRH_PGSERR;
        return true;
    }
    const unsigned n = word_bytes(f);
    uint32_t word = addr & ~(n - 1u);
    if (f->word_pending && (f->h7_bank != bi || f->pending_addr != word)) {
        b->sr |= SRH_INCERR; /* another flash word before this one was complete */
        f->word_pending = false;
        return true;
    }
    if (!f->word_pending) {
        f->word_pending = true;
        f->h7_bank = bi;
        f->pending_addr = word;
        f->h7_written = 0;
        memset(f->half_page, sim_part_erased(f->part), n);
    }
    for (unsigned i = 0; i < size && (addr & (n - 1u)) + i < n; i++) {
        f->half_page[(addr & (n - 1u)) + i] = (uint8_t)(value >> (8 * i));
        f->h7_written |= 1u << ((addr & (n - 1u)) + i);
    }
    if (f->h7_written == (n == 32 ? 0xFFFFFFFFu : (1u << n) - 1u))
        commit(f, b);
    return true;
}
