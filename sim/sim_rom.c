/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_rom.c - AN3155 as the ROM serves it (byte sequences from AN3155 Rev 20, section 3).
 *
 * Written as the ROM is: a loop that blocks on each byte. Every wait returns early when the
 * board is reset or powered off. Where AN3155 does not say what the ROM answers, the choice is
 * written down beside the code.
 */
#include "sim_rom.h"

#include <stdint.h>
#include <string.h>

#define ACK 0x79
#define NACK 0x1F

typedef struct rom {
    sim_rom_env *env;
    bool interrupted;
} rom;

/* H7 (H743, H7A3) with SWAP_BANK_OPT set: the banks trade addresses for every bus master, the
 * bootloader included (RM0433 4.3.13); sectors are taken to follow the addresses. */
static uint32_t rom_addr(rom *r, uint32_t addr)
{
    const struct sim_part *p = r->env->part;
    if (!r->env->flash->bank_swap || addr - p->flash_base >= p->flash_size)
        return addr;
    uint32_t off = addr - p->flash_base, half = p->bank2_base - p->flash_base;
    return p->flash_base + (off < half ? off + half : off - half);
}

static uint16_t rom_page(rom *r, uint16_t page)
{
    const struct sim_part *p = r->env->part;
    if (!r->env->flash->bank_swap)
        return page;
    uint32_t per_bank = (p->bank2_base - p->flash_base) / p->page_size;
    return (uint16_t)(page < per_bank ? page + per_bank : page >= 2 * per_bank ? page : page - per_bank);
}

static bool rx(rom *r, uint8_t *b)
{
    if (r->interrupted)
        return false;
    if (sim_line_device_get(r->env->line, b, INT64_MAX) != LINE_GOT) {
        r->interrupted = true;
        return false;
    }
    return true;
}

static void tx(rom *r, uint8_t b) { sim_line_device_put(r->env->line, b); }

/* The ROM stays busy while the flash works: the host sees the ACK only afterwards. */
static bool wait_flash(rom *r)
{
    if (!sim_line_device_sleep_until(r->env->line, sim_flash_busy_until(r->env->flash)))
        r->interrupted = true;
    return !r->interrupted;
}

/* Address phase: 4 bytes MSB first + XOR of them. */
static bool rx_address(rom *r, uint32_t *addr, bool *ok)
{
    uint8_t b[5];
    for (int i = 0; i < 5; i++)
        if (!rx(r, &b[i]))
            return false;
    *addr = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    *ok = (b[0] ^ b[1] ^ b[2] ^ b[3]) == b[4];
    return true;
}

static bool has_command(const struct sim_part *p, uint8_t c)
{
    return memchr(p->commands, c, p->ncommands) != NULL;
}

static void cmd_get(rom *r)
{
    const struct sim_part *p = r->env->part;
    tx(r, ACK);
    tx(r, p->ncommands);
    tx(r, p->bl_version);
    for (int i = 0; i < p->ncommands; i++)
        tx(r, p->commands[i]);
    tx(r, ACK);
}

static void cmd_get_version(rom *r)
{
    tx(r, ACK);
    tx(r, r->env->part->bl_version);
    tx(r, 0x00); /* option bytes 1 and 2: kept for compatibility, 0 */
    tx(r, 0x00);
    tx(r, ACK);
}

static void cmd_get_id(rom *r)
{
    tx(r, ACK);
    tx(r, 0x01);
    tx(r, (uint8_t)(r->env->part->pid >> 8));
    tx(r, (uint8_t)r->env->part->pid);
    tx(r, ACK);
}

static void cmd_read(rom *r)
{
    uint32_t addr;
    bool ok;
    uint8_t n, nc;
    tx(r, ACK);
    if (!rx_address(r, &addr, &ok))
        return;
    addr = rom_addr(r, addr);
    uint8_t *src = sim_memory_ptr(r->env->mem, addr, 1);
    if (!ok || !src) {
        tx(r, NACK);
        return;
    }
    tx(r, ACK);
    if (!rx(r, &n) || !rx(r, &nc))
        return;
    if ((uint8_t)(n ^ nc) != 0xFF) {
        tx(r, NACK);
        return;
    }
    src = sim_memory_ptr(r->env->mem, addr, (size_t)n + 1);
    if (!src || sim_memory_in_hole(r->env->mem, addr, (size_t)n + 1)) { /* past the end of the memory, or no memory */
        tx(r, NACK);
        return;
    }
    tx(r, ACK);
    for (unsigned i = 0; i <= n; i++)
        tx(r, src[i]);
}

static bool go_target_valid(rom *r, uint32_t addr)
{
    if (sim_memory_in_flash(r->env->mem, addr, 8))
        return true;
    /* V2.2+: RAM the bootloader uses itself is refused. */
    return sim_memory_in_free_ram(r->env->mem, addr, 8);
}

static enum sim_rom_exit cmd_go(rom *r, uint32_t *go_addr, bool *leave)
{
    uint32_t addr;
    bool ok;
    tx(r, ACK);
    if (!rx_address(r, &addr, &ok))
        return ROM_INTERRUPTED;
    if (!ok || !go_target_valid(r, addr)) {
        tx(r, NACK);
        return ROM_INTERRUPTED;
    }
    tx(r, ACK);
    *go_addr = addr;
    *leave = true;
    return ROM_GO;
}

/* Write the option bytes as Write Memory does: erase them all, program what was sent (the
 * hardware computes the complements), then reset so they load. */
static void write_options(rom *r, uint32_t off, const uint8_t *data, unsigned len)
{
    uint8_t image[256];
    memset(image, 0xFF, sizeof image);
    memcpy(image + off, data, len);
    sim_flash_rewrite_options(r->env->flash, image);
}

static enum sim_rom_exit cmd_write(rom *r, bool *leave)
{
    sim_rom_env *e = r->env;
    uint32_t addr;
    bool ok;
    uint8_t n, data[256], cs;
    tx(r, ACK);
    if (!rx_address(r, &addr, &ok))
        return ROM_INTERRUPTED;
    addr = rom_addr(r, addr);
    bool flash = sim_memory_in_flash(e->mem, addr, 1);
    bool ram = sim_memory_in_free_ram(e->mem, addr, 1);
    bool opt = sim_memory_in_options(e->mem, addr, 1), opt2 = sim_memory_in_options2(e->mem, addr, 1);
    /* AN3155: the address must be aligned to 4 bytes, 8 on F7/G4/H7/L0/L1/L4/WB. Option
     * registers (H7: 0x52002020, the H7A3's bank 2 words at 0x52002138) are 32-bit words: 4
     * there (assumed; AN3155's alignment is the flash's program unit, which the H7A3's row
     * makes 16). */
    bool regs = (opt && e->part->optbytes_base >= 0x40000000u) || (opt2 && e->part->optbytes2_base >= 0x40000000u);
    uint32_t align = e->part->write_align && !regs ? e->part->write_align : 4;
    if (!ok || !(flash || ram || opt || opt2) || (addr & (align - 1))) {
        tx(r, NACK);
        return ROM_INTERRUPTED;
    }
    tx(r, ACK);
    if (!rx(r, &n))
        return ROM_INTERRUPTED;
    uint8_t x = n;
    for (unsigned i = 0; i <= n; i++) {
        if (!rx(r, &data[i]))
            return ROM_INTERRUPTED;
        x ^= data[i];
    }
    if (!rx(r, &cs))
        return ROM_INTERRUPTED;
    unsigned len = (unsigned)n + 1;
    bool fits = flash ? sim_memory_in_flash(e->mem, addr, len)
              : ram   ? sim_memory_in_ram(e->mem, addr, len)
              : opt2  ? sim_memory_in_options2(e->mem, addr, len)
                      : sim_memory_in_options(e->mem, addr, len);
    if (x != cs || (len & 3) || !fits) {
        tx(r, NACK);
        return ROM_INTERRUPTED;
    }
    if (ram) {
        uint64_t before = *e->ram_bytes_written;
        *e->ram_bytes_written += len;
        if (e->damage_ram_byte > before && e->damage_ram_byte <= *e->ram_bytes_written)
            data[e->damage_ram_byte - before - 1] ^= 0x10;
        memcpy(sim_memory_ptr(e->mem, addr, len), data, len);
        tx(r, ACK);
        return ROM_INTERRUPTED;
    }
    if (opt2) { /* bank 2's option words: the same erase, program and reset */
        uint8_t image[256];
        memset(image, 0xFF, sizeof image);
        memcpy(image + (addr - e->part->optbytes2_base), data, len);
        sim_flash_rewrite_options2(e->flash, image);
        tx(r, ACK);
        *leave = true;
        return ROM_RESET;
    }
    if (opt) {
        write_options(r, addr - e->part->optbytes_base, data, len);
        if (!wait_flash(r))
            return ROM_INTERRUPTED;
        tx(r, ACK);
        *leave = true;
        return ROM_RESET;
    }
    /* Flash: a write-protected page is silently skipped (AN3155: "no error is returned");
     * programming over non-erased cells fails with PGERR, which we answer with NACK (AN3155
     * does not say; a host that verifies finds it either way). */
    uint32_t before = (uint32_t)e->flash->protection_errors;
    bool programmed = sim_flash_program(e->flash, addr, data, len);
    if (!wait_flash(r))
        return ROM_INTERRUPTED;
    bool only_protection = (uint32_t)e->flash->protection_errors != before;
    tx(r, programmed || only_protection ? ACK : NACK);
    return ROM_INTERRUPTED;
}

/* Sectors in two banks (F42x/43x, F76x/77x nDBANK = 0): bank 2's taken to be numbered from 12
 * whatever bank 1 has, as RM0090 3.4 table 7 names them (8 sectors in bank 1 of a 1 MiB part
 * with DB1M, 12-19 in bank 2; AN3155 does not say how the ROM numbers them: assumed, as
 * libflash's sf_device_rom_page); a number between bank 1's last and 12 is no sector (refused,
 * as SNB 8-11 is). */
static uint32_t rom_sector(rom *r, uint16_t page)
{
    const struct sim_part *p = r->env->part;
    uint32_t per_bank = p->nsectors / 2u;
    if (!p->nsectors || !p->bank2_base || per_bank >= 12u || page < per_bank)
        return page;
    return page >= 12u ? per_bank + (page - 12u) : UINT32_MAX;
}

/* Erase a list of pages; any bad page number or protected page makes the answer NACK (AN3155
 * does not say what the ROM answers; it cannot report success for a page it did not erase). */
static bool erase_pages(rom *r, const uint16_t *pages, unsigned count)
{
    bool ok = true;
    for (unsigned i = 0; i < count; i++) {
        if (!sim_flash_erase_page(r->env->flash, rom_sector(r, rom_page(r, pages[i]))))
            ok = false;
        if (!wait_flash(r))
            return false;
    }
    return ok;
}

static void cmd_erase(rom *r)
{
    uint8_t n, cs;
    uint16_t pages[256];
    tx(r, ACK);
    if (!rx(r, &n))
        return;
    if (n == 0xFF) {
        if (!rx(r, &cs))
            return;
        if (cs != 0x00) {
            tx(r, NACK);
            return;
        }
        bool ok = sim_flash_mass_erase(r->env->flash, 3);
        if (wait_flash(r))
            tx(r, ok ? ACK : NACK);
        return;
    }
    uint8_t x = n;
    for (unsigned i = 0; i <= n; i++) {
        uint8_t p;
        if (!rx(r, &p))
            return;
        pages[i] = p;
        x ^= p;
    }
    if (!rx(r, &cs))
        return;
    if (cs != x) {
        tx(r, NACK);
        return;
    }
    bool ok = erase_pages(r, pages, (unsigned)n + 1);
    if (!r->interrupted)
        tx(r, ok ? ACK : NACK);
}

static void cmd_extended_erase(rom *r)
{
    uint8_t hi, lo, cs;
    static const unsigned max_pages = 4096;
    uint16_t pages[4096];
    tx(r, ACK);
    if (!rx(r, &hi) || !rx(r, &lo))
        return;
    uint16_t n = (uint16_t)(hi << 8 | lo);
    if (n >= 0xFFF0) {
        if (!rx(r, &cs))
            return;
        unsigned mask = n == 0xFFFF ? 3 : n == 0xFFFE ? 1 : n == 0xFFFD ? 2 : 0;
        bool dual = r->env->part->bank2_base != 0, mass = sim_part_family(r->env->part)->mass_erase;
        /* 0xFFF0..0xFFFC are reserved; L0/L1 have no mass erase at all (AN3155). */
        if (mask == 0 || cs != (uint8_t)(hi ^ lo) || (!dual && mask != 3) || !mass) {
            tx(r, NACK);
            return;
        }
        if (r->env->flash->bank_swap) /* bank 1 is the one at the flash base */
            mask = ((mask & 1u) << 1) | ((mask & 2u) >> 1);
        bool ok = sim_flash_mass_erase(r->env->flash, mask);
        if (wait_flash(r))
            tx(r, ok ? ACK : NACK);
        return;
    }
    uint8_t x = hi ^ lo;
    unsigned count = (unsigned)n + 1;
    for (unsigned i = 0; i < count; i++) {
        uint8_t a, b;
        if (!rx(r, &a) || !rx(r, &b))
            return;
        if (i < max_pages)
            pages[i] = (uint16_t)(a << 8 | b);
        x ^= a ^ b;
    }
    if (!rx(r, &cs))
        return;
    if (cs != x || count > max_pages) {
        tx(r, NACK);
        return;
    }
    bool ok = erase_pages(r, pages, count);
    if (!r->interrupted)
        tx(r, ok ? ACK : NACK);
}

/* Rewrite the option bytes keeping RDP, USER and DATA, with the given WRP bits (FLASH_WRPR
 * layout: bit = 0 protected; on F4 bit n = sector n, into nWRP). */
static void rewrite_wrp(rom *r, uint32_t wrpr)
{
    uint8_t image[256];
    memset(image, 0xFF, sizeof image);
    memcpy(image, sim_memory_options(r->env->mem), r->env->part->optbytes_size);
    if (sim_part_options(r->env->part) == SIM_OB_F4) {
        image[OB4_NWRP] = (uint8_t)wrpr;
        image[OB4_NWRP + 1] = (uint8_t)((image[OB4_NWRP + 1] & 0xF0) | ((wrpr >> 8) & 0x0F));
    } else {
        for (int i = 0; i < 4; i++)
            image[OB_WRP0 + 2 * i] = (uint8_t)(wrpr >> (8 * i));
    }
    sim_flash_rewrite_options(r->env->flash, image);
}

static enum sim_rom_exit cmd_write_protect(rom *r, bool *leave)
{
    uint8_t n, cs, codes[256];
    tx(r, ACK);
    if (!rx(r, &n))
        return ROM_INTERRUPTED;
    uint8_t x = n;
    for (unsigned i = 0; i <= n; i++) {
        if (!rx(r, &codes[i]))
            return ROM_INTERRUPTED;
        x ^= codes[i];
    }
    if (!rx(r, &cs))
        return ROM_INTERRUPTED;
    if (cs != x) {
        tx(r, NACK);
        return ROM_INTERRUPTED;
    }
    /* Sector code k = WRP bit k (F1: one bit protects wrp_pages_per_bit pages; bit 31 the rest;
     * F4: sector k). */
    uint32_t wrpr = r->env->flash->wrpr;
    for (unsigned i = 0; i <= n; i++)
        wrpr &= ~(1u << (codes[i] > 31 ? 31 : codes[i]));
    rewrite_wrp(r, wrpr);
    if (!wait_flash(r))
        return ROM_INTERRUPTED;
    tx(r, ACK);
    *leave = true;
    return ROM_RESET;
}

static enum sim_rom_exit cmd_write_unprotect(rom *r, bool *leave)
{
    tx(r, ACK);
    rewrite_wrp(r, 0xFFFFFFFFu);
    if (!wait_flash(r))
        return ROM_INTERRUPTED;
    tx(r, ACK);
    *leave = true;
    return ROM_RESET;
}

static enum sim_rom_exit cmd_readout_protect(rom *r, bool *leave)
{
    tx(r, ACK);
    uint8_t image[256];
    memset(image, 0xFF, sizeof image);
    memcpy(image, sim_memory_options(r->env->mem), r->env->part->optbytes_size);
    image[sim_options_rdp_offset(r->env->part)] = 0xFF; /* erased RDP = level 1 */
    sim_flash_rewrite_options(r->env->flash, image);
    if (!wait_flash(r))
        return ROM_INTERRUPTED;
    tx(r, ACK);
    *leave = true;
    return ROM_RESET;
}

static enum sim_rom_exit cmd_readout_unprotect(rom *r, bool *leave)
{
    tx(r, ACK);
    /* RM0008 2.5: removing readout protection mass-erases the flash first. */
    sim_flash *f = r->env->flash;
    bool rdp = f->rdp_active;
    f->rdp_active = false; /* the erase below is the unprotect's own, not refused for WRP */
    uint32_t wrpr = f->wrpr;
    f->wrpr = 0xFFFFFFFF;
    sim_flash_mass_erase(f, 3);
    f->rdp_active = rdp;
    f->wrpr = wrpr;
    if (!wait_flash(r))
        return ROM_INTERRUPTED;
    /* The option bytes go back to their erased state with RDP at level 0; the families with
     * FLASH_OPTR change only RDP there (RM0351 3.5.1: level 1 to 0 by an option change). */
    uint8_t image[256];
    memset(image, 0xFF, sizeof image);
    if (sim_part_options(r->env->part) == SIM_OB_RDP)
        memcpy(image, sim_memory_options(r->env->mem), r->env->part->optbytes_size);
    image[sim_options_rdp_offset(r->env->part)] = r->env->part->rdp_level0;
    sim_flash_rewrite_options(f, image);
    if (!wait_flash(r))
        return ROM_INTERRUPTED;
    tx(r, ACK);
    *leave = true;
    return ROM_RESET;
}

/* Commands refused while readout protection is active (AN3155: only Get, Get Version, Get ID
 * and Readout Unprotect still work). */
static bool refused_by_rdp(uint8_t c)
{
    return c == 0x11 || c == 0x21 || c == 0x31 || c == 0x43 || c == 0x44 || c == 0x63 ||
           c == 0x73 || c == 0x82;
}

enum sim_rom_exit sim_rom_run(sim_rom_env *env, uint32_t *go_addr)
{
    rom r = {.env = env};
    uint8_t b;

    /* Autobaud: the ROM measures the first 0x7F and adopts its rate (8E1), whatever rate
     * that is: bytes a host sends at a stub's 921600 to a chip that just reset lock the ROM
     * there. (AN2606 gives no upper limit for the measurement; we assume it succeeds.) */
    sim_line_device_format(env->line, LINE_AUTOBAUD, true);
    do {
        if (!rx(&r, &b))
            return ROM_INTERRUPTED;
    } while (b != 0x7F);
    sim_line_device_format(env->line, sim_line_device_last_rate(env->line), true);
    tx(&r, ACK);

    for (;;) {
        uint8_t c, cc;
        if (!rx(&r, &c) || !rx(&r, &cc))
            return ROM_INTERRUPTED;
        if ((uint8_t)(c ^ cc) != 0xFF || !has_command(env->part, c)) {
            tx(&r, NACK);
            continue;
        }
        if (env->flash->rdp_active && refused_by_rdp(c)) {
            tx(&r, NACK);
            continue;
        }
        bool leave = false;
        enum sim_rom_exit ex = ROM_INTERRUPTED;
        switch (c) {
        case 0x00: cmd_get(&r); break;
        case 0x01: cmd_get_version(&r); break;
        case 0x02: cmd_get_id(&r); break;
        case 0x11: cmd_read(&r); break;
        case 0x21: ex = cmd_go(&r, go_addr, &leave); break;
        case 0x31: ex = cmd_write(&r, &leave); break;
        case 0x43: cmd_erase(&r); break;
        case 0x44: cmd_extended_erase(&r); break;
        case 0x63:
        case 0x73:
            if (sim_part_options(env->part) == SIM_OB_RDP) {
                tx(&r, NACK); /* their Write (Un)Protect commands are not modelled: their areas and
                               * bits change through the option bytes (sim_flash_options.c) */
                break;
            }
            ex = c == 0x63 ? cmd_write_protect(&r, &leave) : cmd_write_unprotect(&r, &leave);
            break;
        case 0x82: ex = cmd_readout_protect(&r, &leave); break;
        case 0x92: ex = cmd_readout_unprotect(&r, &leave); break;
        default: tx(&r, NACK); break;
        }
        if (r.interrupted)
            return ROM_INTERRUPTED;
        if (leave) {
            /* The ROM waits for the last byte to leave the USART before it resets or jumps. */
            if (!sim_line_device_sleep_until(env->line, sim_line_device_tx_done(env->line)))
                return ROM_INTERRUPTED;
            return ex;
        }
    }
}
