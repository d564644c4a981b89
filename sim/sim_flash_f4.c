/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_flash_f4.c - the F2/F4 flash controller as code sees it (RM0090 3.5-3.9).
 *
 * Unlock: KEYR takes 0x45670123 then 0xCDEF89AB; a wrong key locks until reset. Program: PG
 * set, then a store whose width is the one PSIZE names (x8 byte, x16 half word, x32 word; x64
 * needs an external Vpp a CPU store cannot give): another width sets PGPERR and writes nothing
 * (RM0090 3.5.4), and so does a word store not aligned to 4 bytes (the core splits it into
 * narrower accesses, ARMv7-M A3.2.1); PGAERR (crossing a 128-bit row) cannot happen with the
 * aligned accesses left; PG clear or the controller locked sets PGSERR
 * (RM0090 3.9.4). A protected sector sets WRPERR. Erase: SER with SNB, or MER, then STRT; BSY
 * while it runs, EOP at the end. Option bytes change through OPTCR (OPTKEYR 0x08192A3B,
 * 0x4C5D6E7F, then OPTSTRT); they load at the next reset.
 *
 * Timings: the x8 figures of sim_parts.c, scaled for PSIZE by the ratios of the F405/407
 * datasheet's typical 128 KiB sector erase times as we recall them (DS8626: x8 2 s, x16 1.3 s,
 * x32 1 s, x64 0.7 s): an assumption to check against the documents. Programming takes the
 * same 16 us at every width (the same table).
 */
#include "sim_flash.h"

#include <string.h>

enum { OPTCR_OPTLOCK = 1u << 0, OPTCR_OPTSTRT = 1u << 1 };

uint64_t sim_flash_f4_erase_ns(const sim_flash *f, uint64_t x8_ns)
{
    static const uint8_t percent[4] = {100, 65, 50, 35};
    return x8_ns * percent[f->psize & 3] / 100;
}

/* The option bits FLASH_OPTCR shows of the USER byte and of its top byte: F2/F4 BOR_LEV,
 * WDG_SW, nRST_STOP/STDBY and nWRP[11:8] (RM0090 3.9.10); the F7 also WWDG_SW (bit 4) and bits
 * 28-31, nDBOOT, nDBANK, IWDG_STDBY, IWDG_STOP (RM0410 3.7.7; stm32f767xx.h FLASH_OPTCR_*). */
static uint8_t user_mask(const sim_flash *f) { return f->part->family == SFI_FAMILY_F7 ? 0xFC : 0xEC; }
static uint8_t top_mask(const sim_flash *f) { return f->part->family == SFI_FAMILY_F7 ? 0xFF : 0x0F; }

static uint32_t optcr(sim_flash *f)
{
    const uint8_t *ob = f->optbytes;
    uint32_t v = (uint32_t)(ob[OB4_USER] & user_mask(f)) | (uint32_t)ob[OB4_RDP] << 8;
    v |= ((uint32_t)ob[OB4_NWRP] | (uint32_t)(ob[OB4_NWRP + 1] & top_mask(f)) << 8) << 16;
    return v | (f->bank[0].opt_key_step == 2 ? 0 : OPTCR_OPTLOCK);
}

uint32_t sim_flash_f4_reg_read(sim_flash *f, uint32_t off)
{
    struct flash_bank *b = &f->bank[0];
    sim_flash_settle(f, b);
    switch (off) {
    case FLASH4_SR: return sim_flash_status(f, b, SR4_BSY);
    case FLASH4_CR: return b->cr;
    case FLASH4_OPTCR: return optcr(f);
    default: return 0;
    }
}

/* STRT: the erase CR asks for. */
static void start(sim_flash *f, struct flash_bank *b)
{
    uint32_t cr = b->cr;
    f->psize = (uint8_t)CR4_PSIZE(cr);
    if ((cr & CR4_SER) && (cr & (CR4_MER | CR4_MER1))) {
        b->sr |= SR4_PGSERR; /* two erases at once: a sequence error */
    } else if (cr & CR4_SER) {
        /* Two banks (F42x/43x with 2 MiB; F76x/77x with nDBANK = 0): SNB 0-11 bank 1's
         * sectors, 0x10-0x1B bank 2's, 12-15 "not allowed" (RM0090 3.9.8; RM0410 3.7.5: SNB[4]
         * the bank, as ST's F7 HAL codes sector 12 and on "+ 4"). */
        uint32_t snb = CR4_SNB(cr), per_bank = f->part->bank2_base ? f->part->nsectors / 2u : 32u;
        uint32_t sector = (snb & 0x10u) && f->part->bank2_base ? per_bank + (snb & 0xFu) : snb;
        if ((snb & 0xFu) >= per_bank || sector >= sim_flash_page_count(f))
            b->sr |= SR4_OPERR; /* no such sector (assumed: RM0090 leaves it undefined) */
        else
            sim_flash_erase_page(f, sector);
    } else if (cr & (CR4_MER | CR4_MER1)) {
        /* MER bank 1, MER1 bank 2 (RM0090 3.9.8); both at once erase both. */
        sim_flash_mass_erase(f, ((cr & CR4_MER) ? 1u : 0u) | ((cr & CR4_MER1) && f->part->bank2_base ? 2u : 0u));
    }
    if (b->op_pending)
        b->cr |= CR4_STRT;
}

static void options_start(sim_flash *f, uint32_t v)
{
    uint8_t image[16];
    memcpy(image, f->optbytes, sizeof image < f->part->optbytes_size ? sizeof image : f->part->optbytes_size);
    uint8_t um = user_mask(f), tm = top_mask(f);
    image[OB4_USER] = (uint8_t)((image[OB4_USER] & ~um) | (v & um));
    image[OB4_RDP] = (uint8_t)(v >> 8);
    image[OB4_NWRP] = (uint8_t)(v >> 16);
    image[OB4_NWRP + 1] = (uint8_t)((image[OB4_NWRP + 1] & ~tm) | ((v >> 24) & tm));
    f->psize = 0;
    sim_flash_rewrite_options(f, image);
}

void sim_flash_f4_reg_write(sim_flash *f, uint32_t off, uint32_t v)
{
    struct flash_bank *b = &f->bank[0];
    sim_flash_settle(f, b);
    switch (off) {
    case FLASH4_KEYR:
        sim_flash_key(b, v, CR4_LOCK);
        break;
    case FLASH4_OPTKEYR:
        if (b->opt_key_step == 0 && v == OPT4_KEY1)
            b->opt_key_step = 1;
        else if (b->opt_key_step == 1 && v == OPT4_KEY2)
            b->opt_key_step = 2;
        else if (b->opt_key_step != 2)
            b->opt_key_step = 0;
        break;
    case FLASH4_SR:
        b->sr &= ~(v & (SR4_EOP | SR4_OPERR | SR4_WRPERR | SR4_PGAERR | SR4_PGPERR | SR4_PGSERR)); /* rc_w1 */
        break;
    case FLASH4_CR:
        if (b->cr & CR4_LOCK)
            break; /* only the key sequence or a reset unlocks */
        if (b->op_pending) {
            b->sr |= SR4_PGSERR; /* RM0090 3.9.4: CR written while BSY */
            break;
        }
        b->cr = v & ~CR4_STRT;
        if (v & CR4_LOCK)
            b->key_step = 0;
        if (v & CR4_STRT)
            start(f, b);
        break;
    case FLASH4_OPTCR:
        if (b->opt_key_step != 2)
            break;
        if (v & OPTCR_OPTLOCK)
            b->opt_key_step = 0;
        else if (v & OPTCR_OPTSTRT)
            options_start(f, v);
        break;
    default:
        break;
    }
}

bool sim_flash_f4_cpu_store(sim_flash *f, uint32_t addr, unsigned size, uint32_t value, const char **msg)
{
    const struct sim_part *p = f->part;
    struct flash_bank *b = &f->bank[0];
    sim_flash_settle(f, b);
    if (addr >= p->optbytes_base && addr < p->optbytes_base + p->optbytes_size) {
        *msg = "store to the option bytes (F4: they change only through FLASH_OPTCR, RM0090 3.6)";
        return false;
    }
    if ((b->cr & CR4_LOCK) || !(b->cr & CR4_PG)) {
        b->sr |= SR4_PGSERR;
        return true;
    }
    unsigned width = CR4_PSIZE(b->cr) == 3 ? 8u : 1u << CR4_PSIZE(b->cr);
    if (size != width) {
        b->sr |= SR4_PGPERR;
        return true;
    }
    if (addr & (size - 1)) {
        b->sr |= SR4_PGPERR; /* split by the core into accesses narrower than PSIZE */
        return true;
    }
    f->psize = (uint8_t)CR4_PSIZE(b->cr);
    sim_flash_program_f4(f, addr, value, size);
    return true;
}
