/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_flash.c - see sim_flash.h. */
#include "sim_flash.h"

#include <string.h>

/* A flash controller model (families.txt: flash): how its registers and CPU stores behave,
 * its CR after reset and the bits that end an operation. The table is at the end of this file. */
typedef struct sim_flash_model {
    uint32_t (*reg_read)(sim_flash *f, uint32_t off);
    void (*reg_write)(sim_flash *f, uint32_t off, uint32_t value);
    bool (*cpu_store)(sim_flash *f, uint32_t addr, unsigned size, uint32_t value, const char **msg);
    uint32_t cr_reset;  /* CR after reset: its lock bits */
    uint32_t sr_eop;    /* set in SR when an operation ends */
    uint32_t cr_strt;   /* cleared in CR then (0: the controller has no such bit) */
    uint32_t sr_hole;   /* set in SR by a store into the hole between the banks */
} sim_flash_model;

static const sim_flash_model *model_of(const sim_flash *f);

/* The F1 XL density and the H7 have a controller per bank; the others one for both
 * (families.txt: ctl_per_bank). */
static bool controller_per_bank(const sim_flash *f)
{
    return f->part->bank2_base && sim_part_family(f->part)->ctl_per_bank;
}

static struct flash_bank *bank_of_addr(sim_flash *f, uint32_t addr)
{
    return controller_per_bank(f) && addr >= f->part->bank2_base ? &f->bank[1] : &f->bank[0];
}

void sim_flash_init(sim_flash *f, const struct sim_part *part, sim_clock *clock, uint8_t *mem,
                    uint8_t *optbytes)
{
    memset(f, 0, sizeof *f);
    f->factory = part;
    f->now = *part;
    f->part = &f->now;
    f->clock = clock;
    f->mem = mem;
    f->optbytes = optbytes;
    f->rng = 0x2545F4914F6CDD1Dull;
    sim_flash_reset(f);
}

void sim_flash_set_options2(sim_flash *f, uint8_t *optbytes2) { f->optbytes2 = optbytes2; }

void sim_flash_rewrite_options2(sim_flash *f, const uint8_t *image)
{
    if (!f->optbytes2)
        return;
    memcpy(f->optbytes2, image, f->part->optbytes2_size);
    if (sim_part_h7_kind(f->part)) { /* H7, H7A3: WPSN_PRG2R loads into WPSN_CUR2R, no complement */
        memcpy(f->optbytes2, f->optbytes2 + 4, 4);
        return;
    }
    for (uint32_t i = 0; i + 8 <= f->part->optbytes2_size; i += 8) /* each word, then its complement */
        for (int k = 0; k < 4; k++)
            f->optbytes2[i + 4 + k] = (uint8_t)~f->optbytes2[i + k];
}

void sim_flash_default_options(sim_flash *f)
{
    const struct sim_part *p = f->part;
    if (f->optbytes2)
        sim_options_factory2(p, f->optbytes2);
    if (sim_part_options(p) == SIM_OB_RDP) {
        sim_options_factory(p, f->optbytes); /* sim_flash_options.c */
        return;
    }
    if (sim_part_options(p) == SIM_OB_F4) {
        /* RM0090 3.6: USER 0xEC (no BOR, software watchdog, no reset on stop/standby), RDP
         * level 0, every sector writable. */
        memset(f->optbytes, 0xFF, p->optbytes_size);
        f->optbytes[OB4_USER] = 0xEC;
        f->optbytes[OB4_RDP] = p->rdp_level0;
        f->optbytes[OB4_NWRP + 1] = 0x0F;
        if (p->family == SFI_FAMILY_F7) {
            /* RM0385 3.4: USER 0xFC (the window watchdog by software too), FLASH_OPTCR[31:24]
             * all set, BOOT_ADD0 0x0080 (flash on the ITCM), BOOT_ADD1 0x0040 (the system
             * memory), each with its complement in the upper half word. */
            static const uint8_t boot_add[16] = {0x80, 0x00, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                                 0x40, 0x00, 0xBF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
            f->optbytes[OB4_USER] = 0xFC;
            f->optbytes[OB4_NWRP + 1] = 0xFF;
            if (p->optbytes_size >= 32)
                memcpy(f->optbytes + 16, boot_add, sizeof boot_add);
        }
        return;
    }
    for (uint32_t i = 0; i < p->optbytes_size; i += 2) {
        f->optbytes[i] = i == OB_RDP ? p->rdp_level0 : 0xFF;
        f->optbytes[i + 1] = (uint8_t)~f->optbytes[i];
    }
}

bool sim_options_rdp_active(const struct sim_part *p, const uint8_t *ob)
{
    if (sim_part_h7_kind(p)) /* FLASH_OPTSR RDP, bits 15:8 */
        return ob[1] != p->rdp_level0;
    if (sim_part_family(p)->flash_kind == SFI_FLASH_L5 || sim_part_family(p)->flash_kind == SFI_FLASH_U5)
        /* FLASH_OPTR RDP, bits 7:0, no complement */
        return ob[0] != p->rdp_level0;
    if (sim_part_options(p) == SIM_OB_RDP) /* a complement that does not match: level 1 */
        return ob[0] != p->rdp_level0 || (uint8_t)(ob[p->rdp_complement] ^ ob[0]) != 0xFF;
    if (sim_part_options(p) == SIM_OB_F4)
        return ob[OB4_RDP] != p->rdp_level0;
    /* Option byte loader: an option whose complement does not match reads as 0xFF (RM0008
     * 2.5 OPTERR), which for RDP means protected. */
    return ob[OB_RDP] != p->rdp_level0 || !sim_option_pair_valid(ob[OB_RDP], ob[OB_RDP + 1]);
}

uint32_t sim_options_wrp(const struct sim_part *p, const uint8_t *ob)
{
    if (sim_part_options(p) == SIM_OB_RDP)
        return 0xFFFFFFFFu; /* none latched: their areas and bits are read from the option words
                             * at each check (sim_options_area_protected) */
    if (sim_part_options(p) == SIM_OB_F4) /* nWRP bit n = sector n writable; 12 sectors at most */
        return 0xFFFFF000u | ((uint32_t)ob[OB4_NWRP] | (uint32_t)ob[OB4_NWRP + 1] << 8);
    uint32_t w = 0;
    for (int i = 0; i < 4; i++) {
        uint8_t v = ob[OB_WRP0 + 2 * i];
        if (!sim_option_pair_valid(v, ob[OB_WRP0 + 2 * i + 1]))
            v = 0xFF;
        w |= (uint32_t)v << (8 * i);
    }
    return w;
}

/* The layout the option bytes choose as they load: the F76x/77x with nDBANK = 0 has two banks
 * (RM0410 3.3.1: "nDBANK ... 0: dual bank mode"), a 1 MiB F42x/43x with DB1M = 1 (RM0090
 * 3.9.10, the same option byte's bit 6); the other parts have their own. */
static const struct sim_part *layout_in_force(const sim_flash *f)
{
    const struct sim_part *c = f->factory;
    uint8_t top = f->optbytes[OB7_OPTCR_HI];
    bool two = c->family == SFI_FAMILY_F4 ? (top & OB4_DB1M) != 0 : !(top & OB7_NDBANK);
    return c->dual_bank_layout && two ? c->dual_bank_layout : c;
}

/* DBANK, FLASH_OPTR bit 22 (the first option word), as the reset loads it: 1 two banks of the
 * part's pages (the factory setting), 0 one bank of pages twice as large, numbered from the
 * start of the flash (G4 cat.3: RM0440 3.3.1, 2 or 4 KiB; L5: RM0438 6.3.1, 2 or 4 KiB; L4R/S:
 * RM0432 3.3.1, 4 or 8 KiB). */
static void load_bank_mode(sim_flash *f)
{
    const struct sim_part *p = f->factory;
    if (!p->dbank)
        return;
    uint32_t optr = (uint32_t)f->optbytes[0] | (uint32_t)f->optbytes[1] << 8 | (uint32_t)f->optbytes[2] << 16 |
                    (uint32_t)f->optbytes[3] << 24;
    bool two = (optr >> 22) & 1u;
    f->now.page_size = two ? p->page_size : 2u * p->page_size;
    f->now.bank2_base = two ? p->bank2_base : 0u;
}

void sim_flash_reset(sim_flash *f)
{
    f->now = *layout_in_force(f);
    load_bank_mode(f);
    for (int b = 0; b < 2; b++) {
        memset(&f->bank[b], 0, sizeof f->bank[b]);
        f->bank[b].cr = model_of(f)->cr_reset;
    }
    f->psize = 0;
    f->word_pending = false;
    f->rdp_active = sim_options_rdp_active(f->part, f->optbytes);
    f->wrpr = sim_options_wrp(f->part, f->optbytes);
    /* H7 SWAP_BANK_OPT, G0B/C nSWAP_BANK, L5 and U5 SWAP_BANK trade the banks' addresses for every
     * bus master (RM0433 4.3.13, the H7A3's the same bit of the same register: stm32h7a3xx.h
     * FLASH_OPTSR_SWAP_BANK_OPT_Pos 31, and sim_part_h7_kind covers it; RM0444 FLASH_OPTR
     * nSWAP_BANK, bit 20 in stm32g0b1xx.h; RM0438's "bank 1 and bank 2 addresses are swapped";
     * RM0456 7.9.15); the L4/G4/F4's BFB2 only steers the bootloader (sim_board.c). */
    f->bank_swap = (sim_part_h7_kind(f->part) || f->part->family == SFI_FAMILY_G0 ||
                    f->part->family == SFI_FAMILY_L5 || f->part->family == SFI_FAMILY_U5) && !f->part->hole_size &&
                   sim_options_boot_bank(f->part, f->optbytes) == 2;
}

void sim_flash_option_load(sim_flash *f)
{
    uint32_t first; /* the word at the flash base: bank 2's with the banks swapped */
    memcpy(&first, f->mem + (f->bank_swap ? f->part->bank2_base - f->part->flash_base : 0), 4);
    f->empty = f->part->empty_check != SIM_EMPTY_NONE && first == 0xFFFFFFFFu;
    f->obl_request = false;
}

uint32_t sim_flash_page_count(sim_flash *f)
{
    return f->part->nsectors ? f->part->nsectors : f->part->flash_size / f->part->page_size;
}

/* Offset from flash_base and size of erase unit u (a page, or a sector). */
static uint32_t unit_offset(sim_flash *f, uint32_t u)
{
    if (!f->part->nsectors)
        return u * f->part->page_size;
    uint32_t off = 0;
    for (uint32_t i = 0; i < u; i++)
        off += f->part->sector_sizes[i];
    return off;
}

static uint32_t unit_size(sim_flash *f, uint32_t u)
{
    return f->part->nsectors ? f->part->sector_sizes[u] : f->part->page_size;
}

uint32_t sim_flash_page_of(sim_flash *f, uint32_t addr)
{
    uint32_t off = addr - f->part->flash_base;
    if (!f->part->nsectors)
        return off / f->part->page_size;
    uint32_t u = 0, end = f->part->sector_sizes[0]; /* end of sector u */
    while (u + 1 < f->part->nsectors && off >= end)
        end += f->part->sector_sizes[++u];
    return u;
}

bool sim_flash_page_protected(sim_flash *f, uint32_t page)
{
    if (sim_part_options(f->part) == SIM_OB_RDP) /* WRP areas, WRPROT bits */
        return sim_options_area_protected(f->part, f->optbytes, f->optbytes2, page);
    if (sim_part_options(f->part) == SIM_OB_F4) /* nWRP: one bit per sector */
        return page < 32 && !(f->wrpr & (1u << page));
    uint32_t bit = page / f->part->wrp_pages_per_bit;
    if (bit > 31)
        bit = 31;
    if (!(f->wrpr & (1u << bit)))
        return true;
    /* RM0008 2.5: with readout protection the first 4 KiB are write protected too. */
    return f->rdp_active && page * f->part->page_size < 4096;
}

/* Lazily finish an operation whose time is up: BSY drops, EOP rises. */
void sim_flash_settle(sim_flash *f, struct flash_bank *b)
{
    if (b->op_pending && sim_clock_now(f->clock) >= b->busy_until) {
        b->op_pending = false;
        b->cr &= ~model_of(f)->cr_strt;
        b->sr |= model_of(f)->sr_eop;
    }
}
#define settle sim_flash_settle

void sim_flash_start_op(sim_flash *f, struct flash_bank *b, uint64_t ns, uint32_t addr, uint32_t len,
                     bool erase, bool option)
{
    int64_t now = sim_clock_now(f->clock);
    int64_t start = b->busy_until > now ? b->busy_until : now;
    b->busy_until = start + ns;
    b->op_pending = true;
    b->polled_busy = false;
    b->op_addr = addr;
    b->op_len = len;
    b->op_is_erase = erase;
    b->op_is_option = option;
}

int64_t sim_flash_busy_until(sim_flash *f)
{
    return f->bank[0].busy_until > f->bank[1].busy_until ? f->bank[0].busy_until : f->bank[1].busy_until;
}

static uint32_t bank_first_page(sim_flash *f, int bank)
{
    if (bank == 0)
        return 0;
    return sim_flash_page_of(f, f->part->bank2_base);
}

static uint32_t bank_end_page(sim_flash *f, int bank)
{
    if (bank == 0 && f->part->bank2_base)
        return sim_flash_page_of(f, f->part->bank2_base);
    return sim_flash_page_count(f);
}

bool sim_flash_erase_page(sim_flash *f, uint32_t page)
{
    if (page >= sim_flash_page_count(f))
        return false;
    uint32_t off = unit_offset(f, page), size = unit_size(f, page), addr = f->part->flash_base + off;
    struct flash_bank *b = bank_of_addr(f, addr);
    if (sim_part_in_hole(f->part, addr)) {
        b->sr |= model_of(f)->sr_hole; /* no such page: the ROM answers NACK */
        return false;
    }
    if (sim_flash_page_protected(f, page)) {
        b->sr |= SR_WRPRTERR;
        f->protection_errors++;
        return false;
    }
    memset(f->mem + off, sim_part_erased(f->part), size);
    f->pages_erased++;
    sim_flash_start_op(f, b, f->part->nsectors ? sim_flash_f4_erase_ns(f, f->part->sector_erase_ns[page])
                                               : f->part->page_erase_ns,
                       addr, size, true, false);
    return true;
}

bool sim_flash_mass_erase(sim_flash *f, unsigned bank_mask)
{
    bool any = false;
    for (int bank = 0; bank < (f->part->bank2_base ? 2 : 1); bank++) {
        if (!(bank_mask & (1u << bank)))
            continue;
        uint32_t first = bank_first_page(f, bank), end = bank_end_page(f, bank);
        struct flash_bank *ctl = controller_per_bank(f) ? &f->bank[bank] : &f->bank[0];
        /* RM0008: mass erase is refused if any page of the bank is write protected. */
        bool prot = false;
        for (uint32_t p = first; p < end; p++)
            prot |= sim_flash_page_protected(f, p);
        if (prot && !f->rdp_active) {
            ctl->sr |= SR_WRPRTERR;
            f->protection_errors++;
            return false;
        }
        uint32_t from = unit_offset(f, first), to = end < sim_flash_page_count(f) ? unit_offset(f, end)
                                                                                   : f->part->flash_size;
        memset(f->mem + from, sim_part_erased(f->part), to - from);
        sim_flash_start_op(f, ctl, f->part->nsectors ? sim_flash_f4_erase_ns(f, f->part->mass_erase_ns)
                                                                : f->part->mass_erase_ns, f->part->flash_base + from, to - from, true, false);
        any = true;
    }
    if (any)
        f->mass_erases++;
    return any;
}

/* RM0090 3.5.4: "successive write operations are possible without the need of an erase
 * operation when changing bits from 1 to 0; writing 1 requires an erase". No flag is named
 * for a write that needs a 0 to become 1: the cell takes the zeros and keeps its other zeros
 * (old AND new, what programming a NOR cell does); the function then reports the failure (the
 * ROM answers NACK, a driver sees it when it reads back). */
bool sim_flash_program_f4(sim_flash *f, uint32_t addr, uint32_t value, unsigned n)
{
    struct flash_bank *b = &f->bank[0];
    uint32_t off = addr - f->part->flash_base;
    if (sim_flash_page_protected(f, sim_flash_page_of(f, addr))) {
        b->sr |= SR4_WRPERR;
        f->protection_errors++;
        return false;
    }
    bool took = true;
    for (unsigned i = 0; i < n; i++) {
        uint8_t v = (uint8_t)(value >> (8 * i));
        took &= (v & ~f->mem[off + i]) == 0;
        f->mem[off + i] &= v;
    }
    sim_flash_start_op(f, b, f->part->program_ns, addr, n, false, false);
    if (!took) {
        f->program_errors++;
        return false;
    }
    f->halfwords_programmed++; /* program operations: bytes or words here */
    return true;
}

/* One half word with the hardware's rules; sets the bank's error flags. */
static bool program_half(sim_flash *f, uint32_t addr, uint16_t value)
{
    struct flash_bank *b = bank_of_addr(f, addr);
    uint32_t off = addr - f->part->flash_base;
    uint32_t page = sim_flash_page_of(f, addr);
    if (sim_flash_page_protected(f, page)) {
        b->sr |= SR_WRPRTERR;
        f->protection_errors++;
        return false;
    }
    uint16_t old = (uint16_t)(f->mem[off] | f->mem[off + 1] << 8);
    if (old != 0xFFFF && value != 0x0000) {
        b->sr |= SR_PGERR;
        f->program_errors++;
        return false;
    }
    f->mem[off] = (uint8_t)value;
    f->mem[off + 1] = (uint8_t)(value >> 8);
    f->halfwords_programmed++;
    sim_flash_start_op(f, b, f->part->program_ns, addr, 2, false, false);
    return true;
}

/* A program unit of n bytes (8: L4/G0/G4/WB double words, 32: H7 flash words, 64 or 128: L0/L1
 * half-pages, 4: their words) as their ROMs and controllers write them: the unit must be erased, or (erased 0xFF) the value all zero, as
 * the F1 allows (RM0351 3.3.7: PROGERR "except if the value to program is full zero"; the L0
 * sets NOTZEROERR, RM0367 3.3.4; H7 words carry ECC and take one write, RM0433 4.3.9, where
 * we allow the zero write too). A failing unit is not written; the error is counted, the ROM
 * answers NACK. */
int sim_flash_program_unit(sim_flash *f, uint32_t addr, const uint8_t *v, unsigned n)
{
    uint32_t off = addr - f->part->flash_base;
    uint8_t er = sim_part_erased(f->part);
    if (sim_flash_page_protected(f, sim_flash_page_of(f, addr))) {
        f->protection_errors++;
        return SIM_PROGRAM_PROTECTED;
    }
    bool erased = true, zero = true;
    for (unsigned i = 0; i < n; i++) {
        erased &= f->mem[off + i] == er;
        zero &= v[i] == 0;
    }
    if (!erased && !zero) {
        f->program_errors++;
        return SIM_PROGRAM_NOT_ERASED;
    }
    memcpy(f->mem + off, v, n);
    f->halfwords_programmed++; /* program operations: units here */
    sim_flash_start_op(f, bank_of_addr(f, addr), f->part->program_ns, addr, n, false, false);
    return SIM_PROGRAM_OK;
}

bool sim_flash_program(sim_flash *f, uint32_t addr, const uint8_t *data, uint32_t len)
{
    unsigned unit = f->part->program_bytes ? f->part->program_bytes : 2;
    if (unit == 1) {
        for (uint32_t i = 0; i < len; i++)
            if (!sim_flash_program_f4(f, addr + i, data[i], 1))
                return false;
        return true;
    }
    if (unit == 2) {
        for (uint32_t i = 0; i + 1 < len; i += 2)
            if (!program_half(f, addr + i, (uint16_t)(data[i] | data[i + 1] << 8)))
                return false;
        return true;
    }
    /* Wider units: a unit the data only partly covers keeps its other bytes erased (it cannot
     * be completed by a later write). */
    uint8_t v[128];
    for (uint32_t u = addr & ~(unit - 1u); u < addr + len; u += unit) {
        for (unsigned i = 0; i < unit; i++)
            v[i] = u + i >= addr && u + i < addr + len ? data[u + i - addr] : sim_part_erased(f->part);
        if (sim_flash_program_unit(f, u, v, unit) != SIM_PROGRAM_OK)
            return false;
    }
    return true;
}

void sim_flash_erase_options(sim_flash *f)
{
    memset(f->optbytes, 0xFF, f->part->optbytes_size);
    sim_flash_start_op(f, &f->bank[0], f->part->page_erase_ns, f->part->optbytes_base, f->part->optbytes_size,
             true, true);
}

void sim_flash_program_option(sim_flash *f, uint32_t off, uint8_t value)
{
    if (sim_part_options(f->part) == SIM_OB_F4) {
        /* F4: the option bytes are loaded from FLASH_OPTCR as a whole, no complements. */
        if (off < f->part->optbytes_size)
            f->optbytes[off] = value;
        sim_flash_start_op(f, &f->bank[0], f->part->program_ns, f->part->optbytes_base + off, 1, false, true);
        return;
    }
    if (off + 1 >= f->part->optbytes_size)
        return;
    off &= ~1u;
    /* Programming only clears bits, like any flash cell. */
    f->optbytes[off] &= value;
    f->optbytes[off + 1] &= (uint8_t)~value;
    sim_flash_start_op(f, &f->bank[0], f->part->program_ns, f->part->optbytes_base + off, 2, false, true);
}

void sim_flash_rewrite_options(sim_flash *f, const uint8_t *image)
{
    uint8_t old[256];
    memcpy(old, f->optbytes, f->part->optbytes_size < sizeof old ? f->part->optbytes_size : sizeof old);
    sim_flash_erase_options(f);
    if (sim_part_options(f->part) == SIM_OB_RDP) {
        /* The complement is written with the value (RM0351 3.4.1: each option word has its
         * complement beside it, written by the option programming sequence). */
        memcpy(f->optbytes, image, f->part->optbytes_size);
        sim_options_keep_locked(f->part, old, f->optbytes); /* the U5's locked WRP areas */
        sim_options_complement(f->part, f->optbytes);
        return;
    }
    unsigned step = sim_part_options(f->part) == SIM_OB_F4 ? 1 : 2; /* F1: pairs, complement by hardware */
    for (uint32_t i = 0; i < f->part->optbytes_size; i += step)
        if (image[i] != 0xFF)
            sim_flash_program_option(f, i, image[i]);
}

static void start_erase_from_cr(sim_flash *f, int bi)
{
    struct flash_bank *b = &f->bank[bi];
    if (b->cr & CR_PER) {
        uint32_t addr = b->ar;
        if (addr < f->part->flash_base || addr >= f->part->flash_base + f->part->flash_size ||
            bank_of_addr(f, addr) != b)
            return; /* an address outside this controller's bank: nothing happens */
        sim_flash_erase_page(f, sim_flash_page_of(f, addr));
    } else if (b->cr & CR_MER) {
        sim_flash_mass_erase(f, 1u << bi);
    } else if ((b->cr & CR_OPTER) && (b->cr & CR_OPTWRE) && bi == 0) {
        sim_flash_erase_options(f);
    }
}

void sim_flash_key(struct flash_bank *b, uint32_t v, uint32_t lock_bit)
{
    if (b->key_fault || b->key_step == 2)
        return;
    if (b->key_step == 0 && v == FLASH_KEY1) {
        b->key_step = 1;
    } else if (b->key_step == 1 && v == FLASH_KEY2) {
        b->key_step = 2;
        b->cr &= ~lock_bit;
    } else {
        b->key_fault = true; /* RM0008 3.3.1, RM0090 3.5.1, RM0351 3.3.5: locked until reset */
        b->key_step = 0;
    }
}

uint32_t sim_flash_status(sim_flash *f, struct flash_bank *b, uint32_t bsy_bit)
{
    uint32_t sr = b->sr;
    if (b->op_pending) {
        sr |= bsy_bit;
        /* A poll of BSY is where the time of the operation passes: skipped in fast mode; in
         * real-time mode run ahead to (sim_clock_advance_to) from the second read on, the
         * host's CPU not spinning (one read and a write right after it still land while BSY),
         * SIM_AHEAD_MAX_NS a poll at most, so that a reset or a power cut still stops the CPU
         * within a few ms of a sector erase that takes seconds. */
        if (!f->clock->realtime) {
            sim_clock_advance_to(f->clock, b->busy_until);
        } else if (b->polled_busy) {
            int64_t step = sim_clock_now(f->clock) + SIM_AHEAD_MAX_NS;
            sim_clock_advance_to(f->clock, b->busy_until < step ? b->busy_until : step);
        }
        b->polled_busy = true;
    }
    return sr;
}

uint32_t sim_flash_reg_read(sim_flash *f, uint32_t off) { return model_of(f)->reg_read(f, off); }

void sim_flash_reg_write(sim_flash *f, uint32_t off, uint32_t v) { model_of(f)->reg_write(f, off, v); }

bool sim_flash_cpu_store(sim_flash *f, uint32_t addr, unsigned size, uint32_t value, const char **msg)
{
    /* The manuals do not say what a store between the banks does (on a bus it is an error): the
     * controller flags its programming error and nothing is written (assumed). */
    if (sim_part_in_hole(f->part, addr)) {
        bank_of_addr(f, addr)->sr |= model_of(f)->sr_hole;
        f->program_errors++;
        return true;
    }
    return model_of(f)->cpu_store(f, addr, size, value, msg);
}

/* The F1's controller (F0, F3 too: RM0008 3.4). */
static uint32_t f1_reg_read(sim_flash *f, uint32_t off)
{
    int bi = 0;
    if (f->part->bank2_base && off >= FLASH_BANK2 && off < FLASH_BANK2 + 0x18) {
        bi = 1;
        off -= FLASH_BANK2;
    }
    struct flash_bank *b = &f->bank[bi];
    settle(f, b);
    switch (off) {
    case FLASH_SR: return sim_flash_status(f, b, SR_BSY);
    case FLASH_CR: return b->cr;
    case FLASH_AR: return b->ar;
    case FLASH_ACR: return 0x30; /* PRFTBS | PRFTBE after reset */
    case FLASH_OBR: {
        uint32_t obr = f->rdp_active ? 1u << 1 : 0;
        obr |= (uint32_t)(f->optbytes[OB_USER] & 0xFF) << 2;
        obr |= (uint32_t)f->optbytes[OB_DATA0] << 10;
        obr |= (uint32_t)f->optbytes[OB_DATA1] << 18;
        return obr;
    }
    case FLASH_WRPR: return f->wrpr;
    default: return 0;
    }
}

static void f1_reg_write(sim_flash *f, uint32_t off, uint32_t v)
{
    int bi = 0;
    if (f->part->bank2_base && off >= FLASH_BANK2 && off < FLASH_BANK2 + 0x18) {
        bi = 1;
        off -= FLASH_BANK2;
    }
    struct flash_bank *b = &f->bank[bi];
    settle(f, b);
    switch (off) {
    case FLASH_KEYR:
        sim_flash_key(b, v, CR_LOCK);
        break;
    case FLASH_OPTKEYR:
        if (bi != 0 || (b->cr & CR_LOCK))
            break;
        if (b->opt_key_step == 0 && v == FLASH_KEY1)
            b->opt_key_step = 1;
        else if (b->opt_key_step == 1 && v == FLASH_KEY2) {
            b->opt_key_step = 0;
            b->cr |= CR_OPTWRE;
        } else
            b->opt_key_step = 0;
        break;
    case FLASH_SR:
        b->sr &= ~(v & (SR_PGERR | SR_WRPRTERR | SR_EOP)); /* rc_w1 */
        break;
    case FLASH_CR:
        if (b->cr & CR_LOCK)
            break; /* locked: only a reset or the key sequence changes CR */
        if (v & CR_LOCK) {
            b->cr |= CR_LOCK;
            b->key_step = 0;
        }
        b->cr = (b->cr & (CR_LOCK | CR_OPTWRE)) | (v & ~(CR_LOCK | CR_OPTWRE | CR_STRT));
        /* F0/F3: OBL_LAUNCH (bit 13) reloads the option bytes with a reset (RM0091 4.5.5,
         * RM0316 4.5.5; assumed to need OPTWRE, as programming them does); the F1 has no such
         * bit, nor has its connectivity line (RM0008: a power cycle). */
        if ((v & (1u << 13)) && (b->cr & CR_OPTWRE) && f->part->family != SFI_FAMILY_F1 &&
            f->part->family != SFI_FAMILY_F1CL)
            f->obl_request = true;
        if (!(v & CR_OPTWRE))
            b->cr &= ~CR_OPTWRE; /* OPTWRE is cleared by writing 0 */
        if ((v & CR_STRT) && !(b->cr & CR_LOCK)) {
            b->cr |= CR_STRT;
            start_erase_from_cr(f, bi);
            if (!b->op_pending)
                b->cr &= ~CR_STRT;
        }
        break;
    case FLASH_AR:
        b->ar = v;
        break;
    default:
        break;
    }
}

static bool f1_cpu_store(sim_flash *f, uint32_t addr, unsigned size, uint32_t value, const char **msg)
{
    const struct sim_part *p = f->part;
    if (addr >= p->optbytes_base && addr < p->optbytes_base + p->optbytes_size) {
        struct flash_bank *b = &f->bank[0];
        settle(f, b);
        if (!(b->cr & CR_OPTPG) || !(b->cr & CR_OPTWRE)) {
            *msg = "write to option bytes without OPTPG and OPTWRE";
            return false;
        }
        if (size != 2 || (addr & 1)) {
            *msg = "option bytes must be written as aligned 16-bit half words";
            return false;
        }
        sim_flash_program_option(f, addr - p->optbytes_base, (uint8_t)value);
        b->sr |= 0; /* EOP comes when the operation settles */
        return true;
    }
    struct flash_bank *b = bank_of_addr(f, addr);
    settle(f, b);
    if (!(b->cr & CR_PG) || (b->cr & CR_LOCK)) {
        *msg = (b->cr & CR_LOCK) ? "write to flash while the controller is locked"
                                 : "write to flash without PG set in FLASH_CR";
        return false;
    }
    if (size != 2) {
        *msg = "flash programming must be a 16-bit store (PM0075 2.3.3)";
        return false;
    }
    if (addr & 1) {
        *msg = "unaligned 16-bit store to flash";
        return false;
    }
    program_half(f, addr, (uint16_t)value);
    return true;
}

static uint8_t rng_byte(sim_flash *f)
{
    f->rng ^= f->rng << 13;
    f->rng ^= f->rng >> 7;
    f->rng ^= f->rng << 17;
    return (uint8_t)f->rng;
}

void sim_flash_power_cut(sim_flash *f, int64_t now)
{
    for (int i = 0; i < 2; i++) {
        struct flash_bank *b = &f->bank[i];
        if (!b->op_pending || now >= b->busy_until)
            continue;
        uint8_t *base = b->op_is_option ? f->optbytes : f->mem;
        uint32_t start = b->op_addr - (b->op_is_option ? f->part->optbytes_base : f->part->flash_base);
        /* An interrupted erase leaves cells neither old nor erased; an interrupted program
         * leaves some of the bits that should have been cleared still set. */
        for (uint32_t k = 0; k < b->op_len; k++) {
            if (b->op_is_erase)
                base[start + k] = rng_byte(f) | rng_byte(f);
            else
                base[start + k] |= rng_byte(f) & rng_byte(f);
        }
        b->op_pending = false;
    }
}

/* The models, by families.txt's flash key. The F4 and L4 controllers have EOP at SR bit 0,
 * STRT at CR bit 16 and LOCK at CR bit 31; the L0/L1's EOP is SR bit 1, with no STRT, and
 * PELOCK, PRGLOCK and OPTLOCK set after reset; the H7's EOP is SR bit 16 and its START clears
 * itself. */
static const sim_flash_model models[SFI_FLASH_KINDS] = {
    [SFI_FLASH_F1] = {f1_reg_read, f1_reg_write, f1_cpu_store, CR_LOCK, SR_EOP, CR_STRT, SR_PGERR},
    [SFI_FLASH_F4] = {sim_flash_f4_reg_read, sim_flash_f4_reg_write, sim_flash_f4_cpu_store, CR4_LOCK, SR4_EOP,
                      CR4_STRT, SR4_PGSERR},
    [SFI_FLASH_L4] = {sim_flash_l4_reg_read, sim_flash_l4_reg_write, sim_flash_l4_cpu_store, CR4_LOCK | 1u << 30,
                      SR4_EOP, CR4_STRT, SR4_PGSERR}, /* LOCK and OPTLOCK after reset */
    [SFI_FLASH_L5] = {sim_flash_l4_reg_read, sim_flash_l4_reg_write, sim_flash_l4_cpu_store, CR4_LOCK | 1u << 30,
                      SR4_EOP, CR4_STRT, SR4_PGSERR}, /* the L4's, at the L5's offsets */
    [SFI_FLASH_U5] = {sim_flash_l4_reg_read, sim_flash_l4_reg_write, sim_flash_l4_cpu_store, CR4_LOCK | 1u << 30,
                      SR4_EOP, CR4_STRT, SR4_PGSERR}, /* the L5's, quad-words (sim_flash_l4.c) */
    /* L0/L1: PGAERR (SR bit 9), H7: OPERR (bit 22) */
    [SFI_FLASH_L0] = {sim_flash_l0_reg_read, sim_flash_l0_reg_write, sim_flash_l0_cpu_store, 0x7u, 1u << 1, 0,
                      1u << 9},
    [SFI_FLASH_H7] = {sim_flash_h7_reg_read, sim_flash_h7_reg_write, sim_flash_h7_cpu_store, 1u, 1u << 16, 0,
                      1u << 22},
};

static const sim_flash_model *model_of(const sim_flash *f) { return &models[sim_part_family(f->part)->flash_kind]; }
