/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* backend_stub.c - the session's operations through our RAM stub: reads and verification by
 * CRC on the chip, writes of only the pages that differ, from compressed streams (stub/protocol.h,
 * stub_client.h). stub_boot.c loads it and makes it the session's backend. */
#define _POSIX_C_SOURCE 200809L
#include "session_internal.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct write_progress {
    sf_session *s;
    uint64_t base, total;
    const sf_plan *plan;
    size_t next, last;         /* units of the stream under way not yet reported written */
    uint64_t next_end;         /* bytes of the stream up to the end of unit next */
};

/* The units of the stream under way that done bytes of it have passed are written. */
static void units_written(struct write_progress *p, uint64_t done)
{
    for (; p->next <= p->last && done >= p->next_end; p->next++) {
        sf_session_unit(p->s, &p->plan->units[p->next], SF_UNIT_WRITTEN);
        if (p->next < p->last)
            p->next_end += p->plan->units[p->next + 1].size;
    }
}

static void on_progress(void *user, uint64_t done, uint64_t total)
{
    (void)total;
    struct write_progress *p = user;
    units_written(p, done);
    sf_session_progress(p->s, SF_PHASE_WRITE, p->base + done, p->total);
}

/* CRC32 of every unit of the plan, as the chip holds them, by runs of equal units that follow
 * each other in memory (not in number: a hole may lie between the banks). */
static sf_error device_crcs(sf_session *s, const sf_plan *plan, uint32_t *crcs)
{
    for (size_t i = 0; i < plan->count;) {
        size_t j = i;
        while (j + 1 < plan->count && plan->units[j + 1].start == plan->units[j].start + plan->units[j].size &&
               plan->units[j + 1].size == plan->units[i].size)
            j++;
        sf_error e = sc_unit_crcs(s->stub, plan->units[i].start, plan->units[i].size, (uint32_t)(j - i + 1), crcs + i);
        if (e)
            return e;
        i = j + 1;
    }
    return SF_OK;
}

static sf_error want_crcs(sf_session *s, const sf_plan *plan, uint32_t **want)
{
    if (!(*want = calloc(plan->count ? plan->count : 1, sizeof **want)))
        return sf_fail(&s->eb, SF_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < plan->count; i++)
        (*want)[i] = (uint32_t)crc32(0, plan->units[i].data, plan->units[i].size);
    return SF_OK;
}

/* Whether unit i differs from the chip: by its CRC there (crc), or, for a unit whose bytes
 * the image gives only in part and the session has not read the rest of (plan->filled), by
 * the chip's CRC of the run it gives. Such a unit's other bytes are erased in the plan: a chip
 * whose whole unit matches that (the usual case after a write of the same image) holds the run
 * too, without a second request. */
static sf_error unit_differs(sf_session *s, const sf_plan *plan, size_t i, uint32_t crc, uint32_t want, bool *differs)
{
    const sf_plan_unit *u = &plan->units[i];
    uint32_t from, to, run;
    if (crc == want || plan->filled || u->covered_bytes == u->size || !sf_plan_unit_run(u, &from, &to)) {
        *differs = crc != want;
        return SF_OK;
    }
    sf_session_log(s, SF_LOG_DEBUG, "stub: the page at 0x%08X compared by the %u bytes the image gives", u->start,
                   to - from);
    sf_error e = sc_crc32(s->stub, u->start + from, to - from, &run);
    *differs = run != (uint32_t)crc32(0, u->data + from, to - from);
    return e;
}

/* The chip's CRC of every unit against the image's: only units that differ are written. */
static sf_error stub_compare(sf_session *s, const sf_plan *plan, bool *changed, uint32_t *crcs, bool *have_crcs)
{
    size_t n = plan->count, ndiff = 0;
    uint32_t *want;
    sf_error e = want_crcs(s, plan, &want);
    if (e == SF_OK)
        e = device_crcs(s, plan, crcs);
    for (size_t i = 0; e == SF_OK && i < n; i++) {
        e = unit_differs(s, plan, i, crcs[i], want[i], &changed[i]);
        ndiff += changed[i];
    }
    if (e == SF_OK) {
        *have_crcs = true;
        sf_session_log(s, SF_LOG_INFO, "stub: %zu of %zu page(s) differ; %zu already hold the image", ndiff, n,
                       n - ndiff);
        for (size_t i = 0; i < n; i++)
            if (!changed[i])
                sf_session_unit(s, &plan->units[i], SF_UNIT_UNCHANGED);
    }
    free(want);
    return e;
}

/* Every page of the plan checked again by its CRC on the chip. */
static sf_error verify_by_crc(sf_session *s, const sf_plan *plan, const uint32_t *want)
{
    size_t n = plan->count;
    uint64_t bytes = 0;
    for (size_t i = 0; i < n; i++)
        bytes += plan->units[i].size;
    uint32_t *dev = calloc(n ? n : 1, sizeof *dev);
    if (!dev)
        return sf_fail(&s->eb, SF_ERR_NOMEM, "out of memory");
    sf_session_progress(s, SF_PHASE_VERIFY, 0, bytes);
    sf_error e = device_crcs(s, plan, dev);
    for (size_t i = 0; e == SF_OK && i < n; i++)
        sf_session_unit(s, &plan->units[i], dev[i] == want[i] ? SF_UNIT_VERIFIED : SF_UNIT_FAILED);
    for (size_t i = 0; e == SF_OK && i < n; i++)
        if (dev[i] != want[i])
            e = sf_fail(&s->eb, SF_ERR_VERIFY, "verify failed: the page at 0x%08X has CRC32 %08X, the image %08X",
                        plan->units[i].start, dev[i], want[i]);
    if (e == SF_OK)
        sf_session_progress(s, SF_PHASE_VERIFY, bytes, bytes);
    free(dev);
    return e;
}

static sf_error stub_write_plan(sf_session *s, const sf_plan *plan, const bool *changed_in, unsigned flags)
{
    size_t n = plan->count, ndiff = 0;
    uint32_t *want = NULL;
    bool *changed = malloc(n ? n : 1);
    struct write_progress wp = {.s = s, .plan = plan};
    sf_error e = changed ? want_crcs(s, plan, &want) : sf_fail(&s->eb, SF_ERR_NOMEM, "out of memory");
    for (size_t i = 0; e == SF_OK && i < n; i++) {
        changed[i] = changed_in[i];
        ndiff += changed[i];
        if (changed[i])
            wp.total += plan->units[i].size;
    }
    /* An image that covers the whole chip and changes most of it: one mass erase (30 ms a bank
     * on F1) instead of a page erase each (30 ms a page); every page is then written. */
    bool erase = !(flags & SF_WRITE_NO_ERASE);
    if (e == SF_OK && erase && n == sf_device_unit_count(s->chip.device, s->chip.flash_size) && ndiff * 2 > n &&
        !sf_device_no_mass_erase(s->chip.device)) {
        sf_session_log(s, SF_LOG_INFO, "stub: mass erase, then all %zu pages", n);
        if ((e = sc_erase(s->stub, s->chip.device->flash_base, SFS_ERASE_ALL)) == SF_OK) {
            erase = false;
            wp.total = 0;
            for (size_t i = 0; i < n; i++) {
                changed[i] = true;
                wp.total += plan->units[i].size;
                sf_session_unit(s, &plan->units[i], SF_UNIT_ERASED);
            }
        }
    }
    sf_session_progress(s, SF_PHASE_WRITE, 0, wp.total);
    s->stub->progress = on_progress;
    s->stub->progress_user = &wp;
    /* One compressed stream per run of adjacent pages that differ. */
    for (size_t i = 0; e == SF_OK && i < n;) {
        if (!changed[i]) {
            i++;
            continue;
        }
        size_t j = i;
        uint32_t len = plan->units[i].size;
        while (j + 1 < n && changed[j + 1] && plan->units[j + 1].start == plan->units[j].start + plan->units[j].size)
            len += plan->units[++j].size;
        uint8_t *buf = malloc(len);
        if (!buf) {
            e = sf_fail(&s->eb, SF_ERR_NOMEM, "out of memory");
            break;
        }
        for (size_t k = i, off = 0; k <= j; off += plan->units[k].size, k++) {
            memcpy(buf + off, plan->units[k].data, plan->units[k].size);
            sf_session_unit(s, &plan->units[k], SF_UNIT_WRITING);
        }
        wp.next = i;
        wp.last = j;
        wp.next_end = plan->units[i].size;
        e = sc_write(s->stub, plan->units[i].start, buf, len, erase);
        if (e == SF_OK)
            units_written(&wp, len); /* the stream's end confirms the rest */
        for (size_t k = wp.next; e && k <= j; k++)
            sf_session_unit(s, &plan->units[k], SF_UNIT_FAILED);
        free(buf);
        wp.base += len;
        i = j + 1;
    }
    s->stub->progress = NULL;
    /* Each stream was checked by the CRC the stub computed over what it wrote; with verify on,
     * check every page of the plan again the same way. With nothing written, the compare a
     * moment ago was that check: every page's CRC on the chip matched the image's. */
    if (e == SF_OK && (flags & SF_WRITE_VERIFY) && ndiff == 0) {
        uint64_t bytes = 0;
        for (size_t i = 0; i < n; i++) {
            bytes += plan->units[i].size;
            sf_session_unit(s, &plan->units[i], SF_UNIT_VERIFIED);
        }
        sf_session_log(s, SF_LOG_INFO, "verify: nothing was written since every page's CRC on the chip matched");
        sf_session_progress(s, SF_PHASE_VERIFY, 0, bytes);
        sf_session_progress(s, SF_PHASE_VERIFY, bytes, bytes);
    } else if (e == SF_OK && (flags & SF_WRITE_VERIFY)) {
        e = verify_by_crc(s, plan, want);
    }
    free(changed);
    free(want);
    return e;
}

static sf_error stub_verify_image(sf_session *s, const sf_image *img)
{
    uint64_t total = sf_image_size(img), done = 0;
    sf_session_progress(s, SF_PHASE_VERIFY, 0, total);
    for (size_t i = 0; i < sf_image_segment_count(img); i++) {
        uint32_t addr, crc;
        const uint8_t *data;
        size_t len;
        sf_image_segment(img, i, &addr, &data, &len);
        sf_error e = sc_crc32(s->stub, addr, (uint32_t)len, &crc);
        if (e)
            return e;
        if (crc != (uint32_t)crc32(0, data, (uInt)len)) {
            uint8_t *buf = malloc(len);
            if (!buf)
                return sf_fail(&s->eb, SF_ERR_NOMEM, "out of memory");
            if ((e = sc_read(s->stub, addr, buf, len)) == SF_OK) {
                size_t k = 0;
                while (k < len && buf[k] == data[k])
                    k++;
                e = k < len ? sf_fail(&s->eb, SF_ERR_VERIFY, "verify failed at 0x%08X: the chip has 0x%02X, the image 0x%02X",
                                      addr + (uint32_t)k, buf[k], data[k])
                            : sf_fail(&s->eb, SF_ERR_VERIFY, "the CRC of 0x%08X+%zu differs but a read matches: "
                                      "the flash is unstable", addr, len);
            }
            free(buf);
            return e;
        }
        done += len;
        sf_session_progress(s, SF_PHASE_VERIFY, done, total);
    }
    return SF_OK;
}

static sf_error stub_prepare_write(sf_session *s)
{
    (void)s; /* already the fast path */
    return SF_OK;
}

static sf_error stub_read(sf_session *s, uint32_t addr, uint8_t *buf, size_t len, sf_phase ph, uint64_t *done,
                          uint64_t total)
{
    sf_error e = sc_read(s->stub, addr, buf, len); /* CRC-checked by the stub */
    if (e == SF_OK && done) {
        *done += len;
        sf_session_progress(s, ph, *done, total);
    }
    return e;
}

static sf_error stub_erase_units(sf_session *s, const sf_plan *plan)
{
    sf_error e = SF_OK;
    sf_session_log(s, SF_LOG_INFO, "erasing %zu unit(s)", plan->count);
    sf_session_progress(s, SF_PHASE_ERASE, 0, plan->count);
    for (size_t i = 0; i < plan->count && e == SF_OK; i++) {
        const sf_plan_unit *pu = &plan->units[i];
        e = sc_erase(s->stub, pu->start, pu->size);
        sf_session_unit(s, pu, e ? SF_UNIT_FAILED : SF_UNIT_ERASED);
        sf_session_progress(s, SF_PHASE_ERASE, i + 1, plan->count);
    }
    return e;
}

static sf_error stub_go(sf_session *s, uint32_t addr)
{
    sf_error e = sc_go(s->stub, addr);
    if (e == SF_OK)
        sf_stub_forget_quietly(s);
    return e;
}

static sf_error stub_reset(sf_session *s)
{
    sf_stub_forget(s);
    return SF_OK;
}

/* Commands only the ROM has: leave the stub by a reset (the ROM comes back with BOOT0 high). */
static sf_error stub_need_rom(sf_session *s, bool *reset)
{
    sf_session_log(s, SF_LOG_INFO, "resetting the chip to leave the stub for the bootloader");
    sf_stub_forget(s);
    *reset = true;
    return SF_OK;
}

const sf_backend sf_backend_stub = {
    .name = "the stub",
    .prepare_write = stub_prepare_write,
    .read = stub_read,
    .compare = stub_compare,
    .erase_units = stub_erase_units,
    .write_plan = stub_write_plan,
    .verify_image = stub_verify_image,
    .go = stub_go,
    .reset = stub_reset,
    .need_rom = stub_need_rom,
    .release = sf_stub_release,
};
