/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_flash_l4.c - the L4/G4 flash controller as code sees it (RM0351 3.3-3.7, RM0440 5.3;
 * the facts file's summary): registers KEYR 0x08, SR 0x10, CR 0x14, one controller for both
 * banks; the L5's the same at other offsets (regs_of), the U5's at the L5's with 128-bit
 * quad-words (four stores, the unit its part's program_bytes says: RM0456 7.3.7). Unlock: KEYR takes 0x45670123 then 0xCDEF89AB; a wrong key locks until reset.
 *
 * Program: PG set, then two 32-bit stores, the first at an 8-aligned address and the second
 * 4 bytes after it; the double word programs when the second arrives. A store of another
 * width sets SIZERR; a first word not 8-aligned, or a second word elsewhere, PGAERR; a double
 * word that is not erased takes nothing and sets PROGERR (unless it is all zero); PG clear or
 * the controller locked: PGSERR. Error flags left set from an earlier operation make the next
 * one fail with PGSERR (the facts file). Erase: PER with PNB (the page in its bank) and BKER
 * (the bank), or MER1/MER2, then STRT; BSY while it runs, EOP at the end. Timings: sim_parts.c.
 */
#include "sim_flash.h"

#include <string.h>

enum { L4_ACR = 0x00, L4_KEYR = 0x08 };
/* Where the registers are: the L4's OPTKEYR 0x0C, SR 0x10, CR 0x14, OPTR 0x20; the L5's
 * (families.txt flash=l5, TrustZone off) OPTKEYR 0x10, NSSR 0x20, NSCR 0x28 and OPTR 0x40, with
 * the option registers after it (RM0438 6.9's register map, as NuttX's stm32l5_flash.h has it;
 * NSKEYR is at the L4's KEYR, 0x08). */
struct regs {
    uint32_t optkeyr, sr, cr, optr;
};

/* The L5's and the U5's non-secure registers (stm32u575xx.h FLASH_TypeDef: NSKEYR 0x08, OPTKEYR
 * 0x10, NSSR 0x20, NSCR 0x28, OPTR 0x40, the same map). */
static bool ns_regs(const struct sim_part *p)
{
    uint8_t k = sim_part_family(p)->flash_kind;
    return k == SFI_FLASH_L5 || k == SFI_FLASH_U5;
}

static struct regs regs_of(const sim_flash *f)
{
    if (ns_regs(f->part))
        return (struct regs){0x10, 0x20, 0x28, 0x40};
    return (struct regs){0x0C, 0x10, 0x14, 0x20};
}
/* FLASH_SR PEMPTY (L4), FLASH_ACR EMPTY (G0, WB): the empty check's note (sim_part.h). */
#define SR_PEMPTY (1u << 17)
#define ACR_EMPTY (1u << 16)
enum {
    SRL_EOP = 1u << 0, SRL_OPERR = 1u << 1, SRL_PROGERR = 1u << 3, SRL_WRPERR = 1u << 4, SRL_PGAERR = 1u << 5,
    SRL_SIZERR = 1u << 6, SRL_PGSERR = 1u << 7, SRL_MISERR = 1u << 8, SRL_FASTERR = 1u << 9, SRL_BSY = 1u << 16,
};
#define SRL_ERRORS (SRL_OPERR | SRL_PROGERR | SRL_WRPERR | SRL_PGAERR | SRL_SIZERR | SRL_PGSERR | SRL_MISERR | SRL_FASTERR)
enum { CRL_PG = 1u << 0, CRL_PER = 1u << 1, CRL_MER1 = 1u << 2, CRL_BKER = 1u << 11, CRL_MER2 = 1u << 15,
       CRL_STRT = 1u << 16, CRL_OBL_LAUNCH = 1u << 27, CRL_OPTLOCK = 1u << 30, CRL_LOCK = 1u << 31 };

/* FLASH_CR's page number and bank bit. The L4, G4 and WB: PNB[7:0] at bits 3-10, BKER at 11,
 * each bank's pages numbered from 0 (RM0351 3.7.5). The G0: PNB[9:0] at bits 3-12, BKER at 13,
 * and on the dual-bank G0B/C bank 2's pages are numbered from 256 (RM0444 3.3.1 and 3.7.5;
 * OpenOCD stm32l4x.h FLASH_BKER_G0; Zephyr flash_stm32g0x.c STM32G0_BANK2_START_PAGE_NR). The
 * L5: PNB[6:0] at bits 3-9, BKER at 11 (RM0438 6.9, NSCR). The U5: the L4's, PNB[7:0] at bits
 * 3-10, BKER at 11 (stm32u575xx.h FLASH_NSCR_PNB_Msk 0xFF << 3, FLASH_NSCR_BKER_Pos 11). */
struct cr_pages {
    uint32_t pnb_mask, bker, bank2_first;
};

static struct cr_pages cr_pages_of(const struct sim_part *p)
{
    if (strcmp(sim_part_family(p)->name, "G0") == 0)
        return (struct cr_pages){0x3FFu, 1u << 13, 256u};
    if (sim_part_family(p)->flash_kind == SFI_FLASH_L5)
        return (struct cr_pages){0x7Fu, CRL_BKER, 0u};
    return (struct cr_pages){0xFFu, CRL_BKER, 0u};
}

uint32_t sim_flash_l4_reg_read(sim_flash *f, uint32_t off)
{
    struct flash_bank *b = &f->bank[0];
    sim_flash_settle(f, b);
    const struct regs r = regs_of(f);
    if (off == L4_ACR)
        return f->acr | (f->empty && f->part->empty_check == SIM_EMPTY_ACR_EMPTY ? ACR_EMPTY : 0u);
    if (off == r.sr)
        return sim_flash_status(f, b, SRL_BSY) | (f->empty && f->part->empty_check == SIM_EMPTY_SR_PEMPTY ? SR_PEMPTY : 0u);
    if (off == r.cr)
        return b->cr;
    /* The option word as loaded (RM0351 3.7.8); the L5's option registers that follow it are its
     * option area (sim_parts.c), read as words. */
    uint32_t n = ns_regs(f->part) ? f->part->optbytes_size : 4u;
    if (off >= r.optr && off - r.optr + 4u <= n) {
        const uint8_t *o = f->optbytes + (off - r.optr);
        return (uint32_t)o[0] | (uint32_t)o[1] << 8 | (uint32_t)o[2] << 16 | (uint32_t)o[3] << 24;
    }
    return 0;
}

/* STRT: the erase CR asks for. */
static void start(sim_flash *f, struct flash_bank *b)
{
    uint32_t cr = b->cr;
    bool per = cr & CRL_PER, mer = cr & (CRL_MER1 | CRL_MER2);
    if ((b->sr & SRL_ERRORS) || (per && mer) || (!per && !mer)) {
        b->sr |= SRL_PGSERR;
        return;
    }
    if (mer) {
        sim_flash_mass_erase(f, ((cr & CRL_MER1) ? 1u : 0u) | ((cr & CRL_MER2) ? 2u : 0u));
    } else {
        const struct sim_part *p = f->part;
        /* PNB counts pages in the bank BKER names (bank 2's from cp.bank2_first); a bank of a
         * smaller part has fewer. */
        const struct cr_pages cp = cr_pages_of(p);
        int bk = (cr & cp.bker) ? 1 : 0;
        uint32_t bank_pages = sim_part_bank_bytes(p, bk) / p->page_size;
        uint32_t pnb = ((cr >> 3) & cp.pnb_mask) - (bk ? cp.bank2_first : 0u); /* wraps if below */
        uint32_t page = pnb + (bk ? sim_flash_page_of(f, p->bank2_base) : 0);
        if (pnb >= bank_pages || (bk && !p->bank2_base) || page >= sim_flash_page_count(f))
            b->sr |= SRL_OPERR; /* no such page (assumed: the manuals leave it undefined) */
        else
            sim_flash_erase_page(f, page);
    }
    if (b->op_pending)
        b->cr |= CRL_STRT;
}

void sim_flash_l4_reg_write(sim_flash *f, uint32_t off, uint32_t v)
{
    struct flash_bank *b = &f->bank[0];
    sim_flash_settle(f, b);
    const struct regs r = regs_of(f);
    if (off == L4_KEYR) {
        sim_flash_key(b, v, CRL_LOCK);
    } else if (off == L4_ACR) {
        f->acr = v & ~ACR_EMPTY;
        if (f->part->empty_check == SIM_EMPTY_ACR_EMPTY)
            f->empty = (v & ACR_EMPTY) != 0; /* read/write: software may change the note */
    } else if (off == r.optkeyr) { /* RM0351 3.4.2: OPTKEY1 0x08192A3B, OPTKEY2 0x4C5D6E7F with LOCK clear */
        if (!(b->cr & CRL_LOCK) && (b->cr & CRL_OPTLOCK)) {
            if (b->opt_key_step == 0 && v == 0x08192A3Bu) {
                b->opt_key_step = 1;
            } else if (b->opt_key_step == 1 && v == 0x4C5D6E7Fu) {
                b->opt_key_step = 0;
                b->cr &= ~CRL_OPTLOCK;
            } else {
                b->opt_key_step = 0;
            }
        }
    } else if (off == r.sr) {
        b->sr &= ~(v & (SRL_EOP | SRL_ERRORS)); /* rc_w1 */
        if ((v & SR_PEMPTY) && f->part->empty_check == SIM_EMPTY_SR_PEMPTY)
            f->empty = !f->empty; /* a 1 toggles PEMPTY (stm32flash's F_PEMPTY reset code relies on it) */
    } else if (off == r.cr) {
        if ((b->cr & CRL_LOCK) || b->op_pending)
            return; /* locked, or busy: the write is ignored */
        /* OPTLOCK is set by a write of 1 and cleared only by the option keys. */
        b->cr = (v & ~CRL_STRT) | (b->cr & CRL_OPTLOCK);
        /* OBL_LAUNCH reloads the option bytes with a reset; it needs OPTLOCK clear (RM0351
         * 3.7.5, RM0444 3.7.5, RM0440 3.7.5). */
        if ((v & CRL_OBL_LAUNCH) && !(b->cr & CRL_OPTLOCK))
            f->obl_request = true;
        if (v & CRL_LOCK)
            b->key_step = 0;
        if (!(v & CRL_PG))
            f->word_pending = false;
        if (v & CRL_STRT)
            start(f, b);
    }
}

bool sim_flash_l4_cpu_store(sim_flash *f, uint32_t addr, unsigned size, uint32_t value, const char **msg)
{
    const struct sim_part *p = f->part;
    struct flash_bank *b = &f->bank[0];
    sim_flash_settle(f, b);
    if (addr >= p->optbytes_base && addr < p->optbytes_base + p->optbytes_size) {
        *msg = "store to the option bytes (L4/G4: they change only through FLASH_OPTR, RM0351 3.4.2)";
        return false;
    }
    if ((b->cr & CRL_LOCK) || !(b->cr & CRL_PG) || (!f->word_pending && (b->sr & SRL_ERRORS))) {
        b->sr |= SRL_PGSERR;
        f->word_pending = false;
        return true;
    }
    if (size != 4) {
        b->sr |= SRL_SIZERR;
        f->word_pending = false;
        return true;
    }
    /* The unit: a double word (L4, L5) or the U5's quad-word; its words in order from an
     * aligned address, programmed when the last arrives. */
    const unsigned unit = p->program_bytes == 16 ? 16u : 8u;
    if (!f->word_pending) {
        if (addr & (unit - 1u)) {
            b->sr |= SRL_PGAERR;
            return true;
        }
        f->word_pending = true;
        f->pending_addr = addr;
        f->half_count = 0;
    } else if (addr != f->pending_addr + 4u * f->half_count) {
        f->word_pending = false;
        b->sr |= SRL_PGAERR;
        return true;
    }
    for (int i = 0; i < 4; i++)
        f->half_page[4u * f->half_count + (unsigned)i] = (uint8_t)(value >> (8 * i));
    if (++f->half_count < unit / 4u)
        return true;
    f->word_pending = false;
    int r = sim_flash_program_unit(f, f->pending_addr, f->half_page, unit);
    if (r == SIM_PROGRAM_PROTECTED)
        b->sr |= SRL_WRPERR;
    else if (r == SIM_PROGRAM_NOT_ERASED)
        b->sr |= SRL_PROGERR;
    return true;
}
