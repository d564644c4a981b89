/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* backend_rom.c - the session's operations through the ROM bootloader alone (AN3155): 256-byte
 * blocks, each read until two reads agree (its reads have no checksum), erase by unit numbers. */
#define _POSIX_C_SOURCE 200809L
#include "session_internal.h"

#include <stdlib.h>
#include <string.h>

#define BLOCK 256
/* Page erase: 40 ms max on F1 (DS5319); F4 128 KiB sectors up to 2 s (RM0090). */
#define ERASE_BASE_MS 1000
#define ERASE_UNIT_MS(size) (100u + (size) / 64u)

/* AN3155's Read Memory carries no checksum, so a byte the line damaged on its way to us looks
 * like what the chip holds. A block is read until two of its reads agree (at most READ_TRIES:
 * at a bit error rate of 1e-4 one read in four is damaged, and two damaged ones never agree). */
#define READ_TRIES 10
static sf_error read_block_stable(sf_session *s, uint32_t addr, uint8_t *buf, size_t n)
{
    uint8_t reads[READ_TRIES][BLOCK];
    for (int t = 0; t < READ_TRIES; t++) {
        sf_error e = an_read(&s->link, addr, reads[t], n);
        if (e)
            return e;
        for (int u = 0; u < t; u++)
            if (memcmp(reads[u], reads[t], n) == 0) {
                memcpy(buf, reads[t], n);
                return SF_OK;
            }
    }
    return sf_fail(&s->eb, SF_ERR_IO, "reading 0x%08X: no two of %d reads agree (a noisy line)", addr, READ_TRIES);
}

/* A block that differs is read again: it differs only when the chip shows the same other bytes
 * twice (line noise does not repeat). */
sf_error sf_rom_verify_block(sf_session *s, uint32_t addr, const uint8_t *expect, size_t n)
{
    uint8_t buf[BLOCK], prev[BLOCK];
    for (int t = 0; t < READ_TRIES; t++) {
        sf_error e = an_read(&s->link, addr, buf, n);
        if (e)
            return e;
        if (memcmp(buf, expect, n) == 0)
            return SF_OK;
        if (t > 0 && memcmp(buf, prev, n) == 0)
            break;
        memcpy(prev, buf, n);
    }
    size_t i = 0;
    while (i < n && buf[i] == expect[i])
        i++;
    return sf_fail(&s->eb, SF_ERR_VERIFY, "verify failed at 0x%08X: the chip has 0x%02X, the image 0x%02X",
                   addr + (uint32_t)i, buf[i], expect[i]);
}

unsigned sf_rom_erase_timeout_ms(const sf_plan *plan)
{
    unsigned timeout = ERASE_BASE_MS;
    for (size_t i = 0; i < plan->count; i++)
        timeout += ERASE_UNIT_MS(plan->units[i].size);
    return timeout;
}

/* The stub, if the session wants it and it can run; else this backend goes on. */
static sf_error rom_prepare_write(sf_session *s)
{
    if (!s->stub_enabled || s->stub_declined)
        return SF_OK;
    sf_error e = sf_stub_start(s);
    if (e == SF_ERR_UNSUPPORTED) {
        sf_session_log(s, SF_LOG_WARNING, "writing through the ROM bootloader: %s", s->err);
        s->err[0] = 0;
        s->stub_declined = true;
        return SF_OK;
    }
    return e;
}

static sf_error rom_read(sf_session *s, uint32_t addr, uint8_t *buf, size_t len, sf_phase ph, uint64_t *done,
                         uint64_t total)
{
    for (size_t off = 0; off < len; off += BLOCK) {
        if (sf_session_cancelled(s))
            return sf_fail(&s->eb, SF_ERR_CANCELLED, "cancelled at 0x%08X", addr + (uint32_t)off);
        size_t n = len - off < BLOCK ? len - off : BLOCK;
        sf_error e = read_block_stable(s, addr + (uint32_t)off, buf + off, n);
        if (e)
            return e;
        if (done) {
            *done += n;
            sf_session_progress(s, ph, *done, total);
        }
    }
    return SF_OK;
}

/* Reading every unit to compare would cost as much as writing it: every unit is written. */
static sf_error rom_compare(sf_session *s, const sf_plan *plan, bool *changed, uint32_t *crcs, bool *have_crcs)
{
    (void)s;
    (void)crcs;
    for (size_t i = 0; i < plan->count; i++)
        changed[i] = true;
    *have_crcs = false;
    return SF_OK;
}

static sf_error rom_erase_units(sf_session *s, const sf_plan *plan)
{
    uint32_t *units = malloc((plan->count ? plan->count : 1) * sizeof *units);
    if (!units)
        return sf_fail(&s->eb, SF_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < plan->count; i++)
        units[i] = sf_device_rom_page(s->chip.device, plan->units[i].start, plan->units[i].index);
    unsigned timeout = sf_rom_erase_timeout_ms(plan);
    sf_session_log(s, SF_LOG_INFO, "erasing %zu unit(s)", plan->count);
    sf_session_progress(s, SF_PHASE_ERASE, 0, plan->count);
    /* In groups so progress moves and cancel is honoured between them. */
    sf_error e = SF_OK;
    for (size_t i = 0; i < plan->count && e == SF_OK; i += 16) {
        if (sf_session_cancelled(s)) {
            e = sf_fail(&s->eb, SF_ERR_CANCELLED, "cancelled during erase, before unit %u (0x%08X)",
                        plan->units[i].index, plan->units[i].start);
            break;
        }
        size_t n = plan->count - i < 16 ? plan->count - i : 16;
        e = an_erase_units(&s->link, units + i, n, timeout);
        for (size_t k = i; k < i + n; k++)
            sf_session_unit(s, &plan->units[k], e ? SF_UNIT_FAILED : SF_UNIT_ERASED);
        sf_session_progress(s, SF_PHASE_ERASE, i + n, plan->count);
    }
    free(units);
    return e;
}

static bool all_value(const uint8_t *p, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != v)
            return false;
    return true;
}

static uint64_t plan_bytes(const sf_plan *plan)
{
    uint64_t total = 0;
    for (size_t u = 0; u < plan->count; u++)
        total += plan->units[u].size;
    return total;
}

/* What is done to one block of a unit: written, or compared with what the chip holds. */
typedef sf_error (*block_fn)(sf_session *s, uint32_t addr, const uint8_t *data, uint32_t n);

static sf_error write_block(sf_session *s, uint32_t addr, const uint8_t *data, uint32_t n)
{
    /* An erased block already holds what it must. */
    return all_value(data, n, s->chip.device->erased_value) ? SF_OK : an_write(&s->link, addr, data, n);
}

static sf_error verify_block(sf_session *s, uint32_t addr, const uint8_t *data, uint32_t n)
{
    return sf_rom_verify_block(s, addr, data, n);
}

/* Every unit of the plan block by block: written (WRITING, then WRITTEN) or verified
 * (VERIFIED), FAILED where a block or a cancel stops. */
static sf_error each_block(sf_session *s, const sf_plan *plan, bool writing, block_fn fn)
{
    sf_phase ph = writing ? SF_PHASE_WRITE : SF_PHASE_VERIFY;
    uint64_t done = 0, total = plan_bytes(plan);
    sf_session_progress(s, ph, 0, total);
    for (size_t u = 0; u < plan->count; u++) {
        const sf_plan_unit *pu = &plan->units[u];
        if (writing)
            sf_session_unit(s, pu, SF_UNIT_WRITING);
        for (uint32_t off = 0; off < pu->size; off += BLOCK) {
            uint32_t n = pu->size - off < BLOCK ? pu->size - off : BLOCK;
            sf_error e = sf_session_cancelled(s)
                             ? sf_fail(&s->eb, SF_ERR_CANCELLED, "cancelled at 0x%08X", pu->start + off)
                             : fn(s, pu->start + off, pu->data + off, n);
            if (e) {
                sf_session_unit(s, pu, SF_UNIT_FAILED);
                return e;
            }
            done += n;
            sf_session_progress(s, ph, done, total);
        }
        sf_session_unit(s, pu, writing ? SF_UNIT_WRITTEN : SF_UNIT_VERIFIED);
    }
    return SF_OK;
}

static sf_error rom_write_plan(sf_session *s, const sf_plan *plan, const bool *changed, unsigned flags)
{
    (void)changed; /* every unit (rom_compare) */
    sf_error e = SF_OK;
    if (!(flags & SF_WRITE_NO_ERASE))
        e = rom_erase_units(s, plan);
    if (e == SF_OK)
        e = each_block(s, plan, true, write_block);
    if (e == SF_OK && (flags & SF_WRITE_VERIFY))
        e = each_block(s, plan, false, verify_block);
    return e;
}

static sf_error rom_verify_image(sf_session *s, const sf_image *img)
{
    sf_error e = SF_OK;
    uint64_t total = sf_image_size(img), done = 0;
    sf_session_progress(s, SF_PHASE_VERIFY, 0, total);
    for (size_t i = 0; i < sf_image_segment_count(img) && e == SF_OK; i++) {
        uint32_t addr;
        const uint8_t *data;
        size_t len;
        sf_image_segment(img, i, &addr, &data, &len);
        for (size_t off = 0; off < len && e == SF_OK; off += BLOCK) {
            size_t n = len - off < BLOCK ? len - off : BLOCK;
            if (sf_session_cancelled(s))
                return sf_fail(&s->eb, SF_ERR_CANCELLED, "cancelled at 0x%08X", addr + (uint32_t)off);
            if ((e = sf_rom_verify_block(s, addr + (uint32_t)off, data + off, n)))
                break;
            done += n;
            sf_session_progress(s, SF_PHASE_VERIFY, done, total);
        }
    }
    return e;
}

static sf_error rom_go(sf_session *s, uint32_t addr) { return an_go(&s->link, addr); }

/* A vector table and four instructions in RAM that write SYSRESETREQ to SCB->AIRCR:
 *   ldr r0, [pc, #4]; ldr r1, [pc, #8]; str r1, [r0]; b .  ; 0xE000ED0C ; 0x05FA0004 */
static sf_error rom_reset(sf_session *s)
{
    uint32_t base = (s->chip.device->ram_base + 3u) & ~3u;
    uint32_t sp = base + 0x100, pc = (base + 8) | 1;
    uint8_t code[24] = {
        (uint8_t)sp, (uint8_t)(sp >> 8), (uint8_t)(sp >> 16), (uint8_t)(sp >> 24),
        (uint8_t)pc, (uint8_t)(pc >> 8), (uint8_t)(pc >> 16), (uint8_t)(pc >> 24),
        0x01, 0x48, 0x02, 0x49, 0x01, 0x60, 0xFE, 0xE7,
        0x0C, 0xED, 0x00, 0xE0, 0x04, 0x00, 0xFA, 0x05,
    };
    sf_error e = an_write(&s->link, base, code, sizeof code);
    return e ? e : an_go(&s->link, base);
}

static sf_error rom_need_rom(sf_session *s, bool *reset)
{
    (void)s;
    *reset = false;
    return SF_OK;
}

static void rom_release(sf_session *s) { (void)s; /* the ROM waits for the next tool as it is */ }

const sf_backend sf_backend_rom = {
    .name = "the ROM bootloader",
    .prepare_write = rom_prepare_write,
    .read = rom_read,
    .compare = rom_compare,
    .erase_units = rom_erase_units,
    .write_plan = rom_write_plan,
    .verify_image = rom_verify_image,
    .go = rom_go,
    .reset = rom_reset,
    .need_rom = rom_need_rom,
    .release = rom_release,
};
