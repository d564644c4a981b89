/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* session.c - the public session: settings, open and close, and each operation as the same
 * steps whichever backend (ROM or stub, backend.h) carries it out (see session.h). */
#define _POSIX_C_SOURCE 200809L
#include "families.h"
#include "plausible.h"
#include "session_internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Mass erase up to 16 s on F4/F7 with 1-2 MiB; we allow 40 s. */
#define MASS_ERASE_MS 40000
/* L0/L1 page erase, worst case with margin (3.2 ms assumed: sim/sim_parts.c). */
#define ERASE_MS_PER_SMALL_PAGE 10u

sf_error sf_session_new(sf_session **out)
{
    if (!out)
        return SF_ERR_ARG;
    sf_session *s = calloc(1, sizeof *s);
    if (!s)
        return SF_ERR_NOMEM;
    /* Recursive: callbacks run under the lock and may call the setters (session.h). */
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&s->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    s->eb.text = s->err;
    s->eb.size = sizeof s->err;
    s->baud = 115200;
    s->retries = 5;
    s->stub_enabled = true;
    s->stub_baud = SF_STUB_BAUD_AUTO;
    s->backend = &sf_backend_rom;
    *out = s;
    return SF_OK;
}

void sf_session_free(sf_session *s)
{
    if (!s)
        return;
    sf_session_close(s);
    pthread_mutex_destroy(&s->lock);
    sf_image_free(s->known);
    free(s->rate_memory);
    free(s);
}

/* Setters: under the lock, so a running operation sees a setting change between its steps,
 * never half of one. A callback may call them on its own session (the lock is recursive). */
#define SET_UNDER_LOCK(s, ...)                                                                     \
    do {                                                                                           \
        pthread_mutex_lock(&(s)->lock);                                                            \
        __VA_ARGS__;                                                                               \
        pthread_mutex_unlock(&(s)->lock);                                                          \
    } while (0)

void sf_session_set_progress(sf_session *s, sf_progress_fn fn, void *user)
{
    if (s)
        SET_UNDER_LOCK(s, s->progress = fn, s->progress_user = user);
}

void sf_session_set_unit_callback(sf_session *s, sf_unit_fn fn, void *user)
{
    if (s)
        SET_UNDER_LOCK(s, s->unit = fn, s->unit_user = user);
}

void sf_session_set_backup(sf_session *s, sf_backup_fn fn, void *user)
{
    if (s)
        SET_UNDER_LOCK(s, s->backup = fn, s->backup_user = user);
}

void sf_session_set_log(sf_session *s, sf_log_fn fn, void *user)
{
    if (s)
        SET_UNDER_LOCK(s, s->log = fn, s->log_user = user);
}

sf_error sf_session_set_baud(sf_session *s, uint32_t baud)
{
    if (!s)
        return SF_ERR_ARG;
    if (baud < 1200 || baud > 4000000)
        return sf_fail(&s->eb, SF_ERR_ARG, "baud rate %u out of range (1200..4000000)", baud);
    SET_UNDER_LOCK(s, s->baud = baud);
    return SF_OK;
}

sf_error sf_session_set_retries(sf_session *s, unsigned retries)
{
    if (!s)
        return SF_ERR_ARG;
    if (retries < 1 || retries > 10)
        return sf_fail(&s->eb, SF_ERR_ARG, "retries %u out of range (1..10)", retries);
    SET_UNDER_LOCK(s, s->retries = retries, s->link.retries = s->open ? retries : s->link.retries);
    return SF_OK;
}

sf_error sf_session_set_stub(sf_session *s, bool enable, uint32_t baud)
{
    if (!s)
        return SF_ERR_ARG;
    if (baud != SF_STUB_BAUD_AUTO && baud != 0 && (baud < 1200 || baud > 4000000))
        return sf_fail(&s->eb, SF_ERR_ARG, "stub baud %u out of range (1200..4000000, or 0 to keep the bootloader's)",
                       baud);
    SET_UNDER_LOCK(s, s->stub_enabled = enable, s->stub_baud = baud);
    return SF_OK;
}

sf_error sf_session_set_rate_memory(sf_session *s, const char *path)
{
    if (!s)
        return SF_ERR_ARG;
    char *copy = path ? strdup(path) : NULL;
    if (path && !copy)
        return sf_fail(&s->eb, SF_ERR_NOMEM, "out of memory");
    pthread_mutex_lock(&s->lock);
    free(s->rate_memory);
    s->rate_memory = copy;
    pthread_mutex_unlock(&s->lock);
    return SF_OK;
}

sf_error sf_session_set_usart(sf_session *s, unsigned usart)
{
    if (!s)
        return SF_ERR_ARG;
    if (usart > 3)
        return sf_fail(&s->eb, SF_ERR_ARG, "USART%u: the ROM bootloaders answer on USART1, USART2 or USART3 "
                       "(0: the first the chip's bootloader lists)", usart);
    SET_UNDER_LOCK(s, s->usart = usart);
    return SF_OK;
}

sf_error sf_session_set_entry(sf_session *s, const char *before, const char *after)
{
    if (!s)
        return SF_ERR_ARG;
    entry_seq b, a;
    sf_error e = entry_parse(before, true, "--before", &b, &s->eb);
    if (e == SF_OK)
        e = entry_parse(after, false, "--after", &a, &s->eb);
    if (e)
        return e;
    SET_UNDER_LOCK(s, s->before = b, s->after = a);
    return SF_OK;
}

sf_error sf_session_set_trigger(sf_session *s, const uint8_t *trigger, size_t len, uint32_t baud)
{
    if (!s)
        return SF_ERR_ARG;
    if (len > sizeof s->trigger || (len && !trigger))
        return sf_fail(&s->eb, SF_ERR_ARG, "the trigger is %zu bytes, at most %zu", len, sizeof s->trigger);
    if (len && (baud < 1200 || baud > 4000000))
        return sf_fail(&s->eb, SF_ERR_ARG, "the application's rate %u is out of range (1200..4000000)", baud);
    pthread_mutex_lock(&s->lock);
    if (len)
        memcpy(s->trigger, trigger, len);
    s->trigger_len = len;
    s->trigger_baud = baud;
    pthread_mutex_unlock(&s->lock);
    return SF_OK;
}

void sf_session_cancel(sf_session *s)
{
    if (s)
        atomic_store(&s->cancel, true);
}

const char *sf_session_last_error(sf_session *s) { return s ? s->err : ""; }

static sf_error end(sf_session *s, sf_error e)
{
    if (e != SF_OK && !s->err[0])
        snprintf(s->err, sizeof s->err, "%s", sf_strerror(e));
    if (e != SF_OK)
        sf_session_log(s, SF_LOG_ERROR, "%s", s->err);
    s->busy = false;
    pthread_mutex_unlock(&s->lock);
    return e;
}

/* Every public operation: lock, clear the error and the cancel flag, check it is open. On
 * SF_OK the lock is held until end(); otherwise it is released already. An operation called
 * from one of the session's own callbacks is refused, the error text left to the operation
 * that called back (it would otherwise run in the middle of it). */
static sf_error begin(sf_session *s, bool need_open)
{
    pthread_mutex_lock(&s->lock);
    if (s->busy && pthread_equal(s->owner, pthread_self())) {
        pthread_mutex_unlock(&s->lock);
        return SF_ERR_STATE;
    }
    s->busy = true;
    s->owner = pthread_self();
    s->err[0] = 0;
    atomic_store(&s->cancel, false);
    if (need_open && !s->open)
        return end(s, sf_fail(&s->eb, SF_ERR_STATE, "no board connected: open the session first"));
    /* The chip state left unread at open, or read once then, is read (again) before an
     * operation relies on it, unless a write job is under way (its stub reads it as it starts). */
    sf_error e;
    if (need_open && !s->defer_confirm &&
        ((e = sf_session_settle_chip_state(s)) || (s->nunconfirmed && (e = sf_session_confirm_chip_state(s)))))
        return end(s, e);
    return SF_OK;
}

/* Drop the port and what ran on it. */
static void drop_port(sf_session *s)
{
    sf_stub_forget_quietly(s);
    sf_port_close(s->port);
    s->port = NULL;
    s->uid_known = false;
    s->open = false;
}

sf_error sf_session_open(sf_session *s, const char *port_name)
{
    if (!s)
        return SF_ERR_ARG;
    sf_error be = begin(s, false);
    if (be)
        return be;
    if (s->open) {
        s->backend->release(s);
        drop_port(s);
    }
    sf_error e = sf_port_open_eb(port_name, &s->port, &s->eb);
    if (e)
        return end(s, e);
    s->rom_baud = s->baud;
    if ((e = sf_port_set_format_eb(s->port, s->baud, true, &s->eb))) {
        drop_port(s);
        return end(s, e);
    }
    s->link = (an_link){.port = s->port, .eb = &s->eb, .cancel = &s->cancel, .retries = s->retries};
    sf_session_progress(s, SF_PHASE_CONNECT, 0, 1);
    if ((s->before.n && (e = entry_run(s->port, &s->before, &s->eb)) != SF_OK) ||
        (s->trigger_len && (e = sf_session_send_trigger(s)) != SF_OK) || (e = sf_session_find_chip(s)) != SF_OK) {
        drop_port(s);
        return end(s, e);
    }
    s->open = true;
    sf_session_progress(s, SF_PHASE_CONNECT, 1, 1);
    const sf_chip *c = &s->chip;
    if (s->state_pending) /* its flash size and protection come when they are read */
        sf_session_log(s, SF_LOG_INFO, "chip: PID 0x%03X %s, bootloader V%u.%u", c->pid, c->device->name,
                       c->bootloader_version >> 4, c->bootloader_version & 15);
    else
        sf_session_log(s, SF_LOG_INFO, "chip: PID 0x%03X %s, bootloader V%u.%u, flash %u KiB%s", c->pid,
                       c->device ? c->device->name : "(unknown)", c->bootloader_version >> 4,
                       c->bootloader_version & 15, c->flash_size / 1024,
                       c->protection.readout ? ", READOUT PROTECTED" : "");
    return end(s, SF_OK);
}

void sf_session_close(sf_session *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    if (s->busy && pthread_equal(s->owner, pthread_self())) {
        pthread_mutex_unlock(&s->lock); /* from a callback: refused, as every operation is */
        return;
    }
    atomic_store(&s->cancel, false); /* a cancelled operation still hands the chip back */
    s->backend->release(s);
    if (s->port && s->after.n) {
        char why[160];
        sf_errbuf eb = {why, sizeof why};
        if (entry_run(s->port, &s->after, &eb) != SF_OK)
            sf_session_log(s, SF_LOG_WARNING, "the --after sequence failed: %s", why);
        else
            sf_session_log(s, SF_LOG_DEBUG, "ran the --after sequence");
    }
    drop_port(s);
    pthread_mutex_unlock(&s->lock);
}

sf_error sf_session_chip(sf_session *s, sf_chip *out)
{
    if (!s || !out)
        return SF_ERR_ARG;
    if (out->version != SF_CHIP_VERSION) /* version 1 is the whole struct; later ones add at the end */
        return SF_ERR_ARG;
    sf_error be = begin(s, true);
    if (be)
        return be;
    /* The ROM's list, if identification did without it and the ROM listens now. */
    sf_error e = SF_OK;
    if (!s->link.listed && s->backend == &sf_backend_rom)
        e = an_get(&s->link);
    if (s->link.listed) /* read now, or by an erase since */
        sf_session_copy_command_list(s);
    *out = s->chip;
    out->version = SF_CHIP_VERSION;
    return end(s, e);
}

sf_error sf_session_chip_now(sf_session *s, sf_chip *out)
{
    sf_error e = begin(s, true);
    if (e)
        return e;
    *out = s->chip;
    out->version = SF_CHIP_VERSION;
    return end(s, SF_OK);
}

sf_error sf_session_check_image(sf_session *s, const sf_image *img)
{
    if (!s)
        return SF_ERR_ARG;
    sf_error be = begin(s, true);
    if (be)
        return be;
    sf_plan plan;
    sf_error e = sf_session_check_plan(s, img, &plan);
    if (e == SF_OK)
        sf_plan_free(&plan);
    return end(s, e);
}

sf_error sf_session_check_firmware(sf_session *s, const sf_image *img, bool data)
{
    if (!s || !img)
        return SF_ERR_ARG;
    sf_error e = begin(s, true);
    if (e)
        return e;
    if ((e = sf_session_need_device(s)) == SF_OK)
        e = sf_plausible(s->chip.device, s->chip.flash_size, img, data, &s->eb);
    return end(s, e);
}

sf_error sf_session_firmware_doubt(sf_session *s, const sf_image *img, bool data, char *why, size_t cap)
{
    sf_errbuf eb = {why, cap};
    pthread_mutex_lock(&s->lock);
    sf_error e = s->chip.device ? sf_plausible(s->chip.device, s->chip.flash_size, img, data, &eb) : SF_OK;
    pthread_mutex_unlock(&s->lock);
    return e;
}

/* Bytes of touched units the image does not give are kept: read them before erasing. Only the
 * span from the first such byte to the last is read (word-aligned): an image that ends inside
 * its last page costs the page's tail, not the whole page. */
static sf_error fill_uncovered(sf_session *s, sf_plan *plan, unsigned flags)
{
    for (size_t u = 0; u < plan->count; u++) {
        sf_plan_unit *pu = &plan->units[u];
        if (pu->size >= 64 * 1024 && pu->covered_bytes < pu->size / 4)
            sf_session_log(s, SF_LOG_WARNING, "%u bytes of the image make the whole %u KiB sector at 0x%08X be "
                           "erased and rewritten", (unsigned)pu->covered_bytes, pu->size / 1024, pu->start);
        if (pu->covered_bytes == pu->size || (flags & SF_WRITE_NO_ERASE))
            continue;
        uint32_t lo = 0, hi = pu->size;
        while (sf_plan_covers(pu, lo))
            lo++;
        while (sf_plan_covers(pu, hi - 1))
            hi--;
        lo &= ~3u;
        hi = (hi + 3u) & ~3u;
        if (hi > pu->size)
            hi = pu->size;
        uint8_t *old = malloc(hi - lo);
        if (!old)
            return sf_fail(&s->eb, SF_ERR_NOMEM, "out of memory");
        sf_error e = s->backend->read(s, pu->start + lo, old, hi - lo, SF_PHASE_READ, NULL, 0);
        for (uint32_t i = lo; e == SF_OK && i < hi; i++)
            if (!sf_plan_covers(pu, i))
                pu->data[i] = old[i - lo];
        free(old);
        if (e)
            return e;
    }
    return SF_OK;
}

/* Whether the stub can compare every partly covered unit by the CRC of its covered run, so
 * that the rest of it is read only if the unit is to be written (an image that ends inside
 * its last page, found unchanged: no read of the page's tail). */
static bool fill_can_wait(const sf_session *s, const sf_plan *plan)
{
    if (s->backend != &sf_backend_stub)
        return false; /* the ROM's path writes every unit */
    for (size_t u = 0; u < plan->count; u++) {
        uint32_t from, to;
        if (!sf_plan_unit_run(&plan->units[u], &from, &to))
            return false;
    }
    return true;
}

/* The backend in charge compares, the backup keeps what changes, then it writes. */
static sf_error compare_backup_write(sf_session *s, sf_plan *plan, unsigned flags)
{
    size_t n = plan->count ? plan->count : 1, nchanged = 0;
    bool *changed = calloc(n, sizeof *changed), have_crcs = false;
    uint32_t *crcs = calloc(n, sizeof *crcs);
    sf_error e = changed && crcs ? SF_OK : sf_fail(&s->eb, SF_ERR_NOMEM, "out of memory");
    if (e == SF_OK && !fill_can_wait(s, plan) && (e = fill_uncovered(s, plan, flags)) == SF_OK)
        plan->filled = true;
    if (e == SF_OK)
        e = s->backend->compare(s, plan, changed, crcs, &have_crcs);
    for (size_t i = 0; e == SF_OK && i < plan->count; i++)
        nchanged += changed[i];
    /* Something is written: every unit's whole contents (the backup compares them, the
     * picture of what the write left keeps them). */
    if (e == SF_OK && nchanged && !plan->filled && (e = fill_uncovered(s, plan, flags)) == SF_OK)
        plan->filled = true;
    if (e == SF_OK)
        e = sf_session_backup(s, plan, changed, have_crcs ? crcs : NULL);
    if (e == SF_OK)
        e = s->backend->write_plan(s, plan, changed, flags);
    if (e == SF_OK)
        sf_session_note_written(s, plan, changed);
    free(changed);
    free(crcs);
    return e;
}

sf_error sf_session_write_image(sf_session *s, const sf_image *img, unsigned flags)
{
    if (!s)
        return SF_ERR_ARG;
    sf_error be = begin(s, true);
    if (be)
        return be;
    sf_plan plan = {0};
    sf_error e = sf_session_check_plan(s, img, &plan);
    if (e)
        return end(s, e);
    bool reread = s->state_reread;
    if ((e = s->backend->prepare_write(s)) || (e = sf_session_confirm_chip_state(s))) {
        sf_plan_free(&plan);
        return end(s, e);
    }
    if (s->state_reread && !reread) { /* the checks again, on the state as read again */
        sf_plan_free(&plan);
        if ((e = sf_session_check_plan(s, img, &plan)))
            return end(s, e);
    }
    for (size_t u = 0; u < plan.count; u++)
        sf_session_unit(s, &plan.units[u], SF_UNIT_PLANNED);
    e = compare_backup_write(s, &plan, flags);
    if (e == SF_OK)
        sf_session_log(s, SF_LOG_INFO, "wrote %zu bytes in %zu unit(s)%s", sf_image_size(img), plan.count,
              (flags & SF_WRITE_VERIFY) ? ", verified" : "");
    if (e == SF_OK && sf_session_needs_empty_note_cleared(s, &plan))
        e = sf_session_clear_empty_note(s);
    if (e == SF_ERR_TIMEOUT || e == SF_ERR_IO || e == SF_ERR_PROTOCOL) /* the link failed mid-way */
        strncat(s->err, ". The flash may be half-written: run the same write again (it rewrites what differs); "
                "if the board no longer answers, reset it with BOOT0 high first", sizeof s->err - strlen(s->err) - 1);
    sf_plan_free(&plan);
    return end(s, e);
}

sf_error sf_session_verify_image(sf_session *s, const sf_image *img)
{
    if (!s || !img)
        return SF_ERR_ARG;
    sf_error be = begin(s, true);
    if (be)
        return be;
    sf_error e = sf_session_refuse_if_readout_protected(s);
    if (e == SF_OK)
        e = s->backend->verify_image(s, img);
    return end(s, e);
}

sf_error sf_session_read(sf_session *s, uint32_t addr, uint8_t *buf, size_t len)
{
    if (!s || (!buf && len))
        return SF_ERR_ARG;
    sf_error be = begin(s, true);
    if (be)
        return be;
    sf_error e = sf_session_refuse_if_readout_protected(s);
    if (e)
        return end(s, e);
    if ((uint64_t)addr + len > 0x100000000ull)
        return end(s, sf_fail(&s->eb, SF_ERR_FIT, "0x%08X + %zu runs past the address space", addr, len));
    uint64_t done = 0;
    sf_session_progress(s, SF_PHASE_READ, 0, len);
    /* The hole between the banks of some parts is no memory (the ROM refuses it): it reads as
     * erased flash, so that a read of the whole flash keeps every address in its place. */
    const sf_device *d = s->chip.device;
    uint32_t hole_size = 0, hole = d ? sf_device_hole(d, s->chip.flash_size, &hole_size) : 0;
    if (hole && addr < hole + hole_size && (uint64_t)addr + len > hole) {
        size_t before = addr < hole ? hole - addr : 0;
        size_t skip = (uint64_t)addr + len < (uint64_t)hole + hole_size ? len - before : hole + hole_size - addr - before;
        if (before && (e = s->backend->read(s, addr, buf, before, SF_PHASE_READ, &done, len)))
            return end(s, e);
        memset(buf + before, d->erased_value, skip);
        done += skip;
        size_t after = len - before - skip;
        return end(s, after ? s->backend->read(s, addr + (uint32_t)(before + skip), buf + before + skip, after,
                                               SF_PHASE_READ, &done, len)
                            : SF_OK);
    }
    return end(s, s->backend->read(s, addr, buf, len, SF_PHASE_READ, &done, len));
}

sf_error sf_session_prepare_write(sf_session *s)
{
    sf_error e = begin(s, true);
    if (e)
        return e;
    return end(s, s->backend->prepare_write(s));
}

sf_error sf_session_read_state_by_stub(sf_session *s)
{
    sf_error e = begin(s, true);
    if (e)
        return e;
    if (!s->state_pending)
        return end(s, SF_OK);
    /* The ROM refuses Write Memory under readout protection: the state read through it says so. */
    if ((e = s->backend->prepare_write(s)) == SF_ERR_PROTECTED) {
        s->err[0] = 0;
        e = SF_OK;
    }
    if (e == SF_OK)
        e = sf_session_settle_chip_state(s); /* if the stub did not read it */
    return end(s, e);
}

sf_error sf_session_read_quietly(sf_session *s, uint32_t addr, uint8_t *buf, size_t len)
{
    sf_error be = begin(s, true);
    if (be)
        return be;
    sf_error e = sf_session_refuse_if_readout_protected(s);
    if (e == SF_OK)
        e = s->backend->read(s, addr, buf, len, SF_PHASE_READ, NULL, 0);
    return end(s, e);
}

sf_error sf_session_uid(sf_session *s, uint32_t addr, uint8_t uid[12])
{
    sf_error be = begin(s, true);
    if (be)
        return be;
    bool known = s->uid_known && !s->chip.protection.readout; /* else refused as a read is */
    if (known)
        memcpy(uid, s->uid, sizeof s->uid);
    end(s, SF_OK);
    return known ? SF_OK : sf_session_read_quietly(s, addr, uid, 12);
}

sf_error sf_session_erase_range(sf_session *s, uint32_t addr, uint32_t len)
{
    if (!s)
        return SF_ERR_ARG;
    sf_error be = begin(s, true);
    if (be)
        return be;
    sf_error e;
    if ((e = sf_session_need_device(s)) || (e = sf_session_refuse_if_readout_protected(s)))
        return end(s, e);
    const sf_device *d = s->chip.device;
    uint32_t fend = sf_device_flash_end(d, s->chip.flash_size), hole_size, hole = sf_device_hole(d, s->chip.flash_size, &hole_size);
    if (len == 0 || addr < d->flash_base || (uint64_t)addr + len > fend)
        return end(s, sf_fail(&s->eb, SF_ERR_FIT, "erase range 0x%08X+%u is not inside the flash 0x%08X..0x%08X",
                              addr, len, d->flash_base, fend - 1));
    if (hole && addr < hole + hole_size && (uint64_t)addr + len > hole)
        return end(s, sf_fail(&s->eb, SF_ERR_FIT, "erase range 0x%08X+%u reaches 0x%08X..0x%08X, between flash bank 1 "
                              "and bank 2, where this %u KiB part has no flash", addr, len, hole, hole + hole_size - 1,
                              s->chip.flash_size / 1024));
    size_t cap = sf_device_unit_count(d, s->chip.flash_size), n = 0;
    sf_plan plan = {0};
    sf_plan_unit *pu = calloc(cap ? cap : 1, sizeof *pu);
    uint32_t *units = calloc(cap ? cap : 1, sizeof *units);
    if (!pu || !units) {
        free(pu);
        free(units);
        return end(s, sf_fail(&s->eb, SF_ERR_NOMEM, "out of memory"));
    }
    for (uint32_t a = addr; a - addr < len && n < cap; n++) {
        sf_device_unit_of(d, s->chip.flash_size, a, &pu[n].index, &pu[n].start, &pu[n].size);
        units[n] = pu[n].index;
        a = pu[n].start + pu[n].size;
        if (a == 0) /* the top of the address space */
            break;
    }
    plan.units = pu;
    plan.count = n;
    if ((e = sf_session_check_units_writable(s, units, n)) == SF_OK)
        e = s->backend->erase_units(s, &plan);
    free(units);
    free(pu);
    return end(s, e);
}

/* Commands only the ROM has: the backend makes the ROM listen (a reset leaves the stub). */
static sf_error need_rom(sf_session *s)
{
    bool reset = false;
    sf_error e = s->backend->need_rom(s, &reset);
    return e == SF_OK && reset ? sf_session_after_reset(s) : e;
}

/* For the operations in other files (options.c): the same begin, end and ROM switch. */
sf_error sf_session_begin_op(sf_session *s) { return begin(s, true); }
sf_error sf_session_end_op(sf_session *s, sf_error e) { return end(s, e); }
sf_error sf_session_need_rom(sf_session *s) { return need_rom(s); }

/* Every erase unit through Extended Erase, 512 to a command (AN3155's most), with progress. */
static sf_error erase_every_unit(sf_session *s)
{
    size_t n = sf_device_unit_count(s->chip.device, s->chip.flash_size);
    uint32_t *units = malloc((n ? n : 1) * sizeof *units);
    if (!units)
        return sf_fail(&s->eb, SF_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        uint32_t start = 0;
        sf_device_unit_at(s->chip.device, s->chip.flash_size, i, &start, NULL);
        units[i] = sf_device_rom_page(s->chip.device, start, (uint32_t)i);
    }
    sf_error e = SF_OK;
    sf_session_progress(s, SF_PHASE_ERASE, 0, n);
    for (size_t i = 0; i < n && e == SF_OK; i += 512) {
        size_t k = n - i < 512 ? n - i : 512;
        e = an_erase_units(&s->link, units + i, k, (unsigned)(k * ERASE_MS_PER_SMALL_PAGE) + 1000u);
        if (e == SF_OK)
            sf_session_progress(s, SF_PHASE_ERASE, i + k, n);
    }
    free(units);
    return e;
}

sf_error sf_session_mass_erase_in_op(sf_session *s)
{
    sf_error e;
    if ((e = sf_session_need_device(s)) || (e = sf_session_refuse_if_readout_protected(s)) || (e = need_rom(s)))
        return e;
    sf_session_log(s, SF_LOG_INFO, "erasing the whole flash");
    if (sf_device_no_mass_erase(s->chip.device))
        return erase_every_unit(s);
    sf_session_progress(s, SF_PHASE_ERASE, 0, 1);
    e = an_mass_erase(&s->link, MASS_ERASE_MS);
    if (e == SF_OK)
        sf_session_progress(s, SF_PHASE_ERASE, 1, 1);
    return e;
}

sf_error sf_session_mass_erase(sf_session *s)
{
    if (!s)
        return SF_ERR_ARG;
    sf_error be = begin(s, true);
    return be ? be : end(s, sf_session_mass_erase_in_op(s));
}

sf_error sf_session_go(sf_session *s, uint32_t addr)
{
    if (!s)
        return SF_ERR_ARG;
    sf_error be = begin(s, true);
    if (be)
        return be;
    sf_error e = sf_session_refuse_if_readout_protected(s);
    if (e == SF_OK && addr == SF_GO_BOOT_ADDRESS)
        e = sf_session_boot_address(s, &addr);
    if (e == SF_OK && (e = s->backend->go(s, addr)) == SF_OK) {
        sf_session_log(s, SF_LOG_INFO, "started the code at 0x%08X", addr);
        drop_port(s);
    }
    return end(s, e);
}

sf_error sf_session_boot_address(sf_session *s, uint32_t *addr)
{
    if (!s || !addr)
        return SF_ERR_ARG;
    /* Where the chip boots with BOOT0 low: the flash base on every listed family (their
     * reference manuals' boot configuration; the H7's BOOT_ADD0 defaults there too). */
    pthread_mutex_lock(&s->lock);
    *addr = s->chip.device ? s->chip.device->flash_base : 0x08000000u;
    pthread_mutex_unlock(&s->lock);
    return SF_OK;
}

sf_error sf_session_reset(sf_session *s)
{
    if (!s)
        return SF_ERR_ARG;
    sf_error be = begin(s, true);
    if (be)
        return be;
    sf_error e;
    if ((e = sf_session_need_device(s)) || (e = sf_session_refuse_if_readout_protected(s)) ||
        (e = s->backend->reset(s)))
        return end(s, e);
    sf_session_log(s, SF_LOG_INFO, "chip reset");
    return end(s, sf_session_after_reset(s));
}

sf_error sf_session_write_protect_units(sf_session *s, const uint32_t *units, size_t count)
{
    if (!s || (count && !units))
        return SF_ERR_ARG;
    if (sf_session_wrp_by_options(s)) /* L0/L1, L4/G0/G4/WB, H7: write_protection.c */
        return count ? sf_session_wrp_change(s, units, count, false)
                     : sf_fail(&s->eb, SF_ERR_ARG, "write protect: no pages given");
    /* The ROM's Write Protect takes one byte a group (AN3155 3.12). */
    uint8_t groups[256];
    if (count > sizeof groups)
        return sf_fail(&s->eb, SF_ERR_ARG, "write protect: %zu groups; the bootloader takes at most 256", count);
    for (size_t i = 0; i < count; i++) {
        if (units[i] > 255)
            return sf_fail(&s->eb, SF_ERR_ARG, "write protect: group %u; the bootloader's groups are 0..255",
                           (unsigned)units[i]);
        groups[i] = (uint8_t)units[i];
    }
    sf_error be = begin(s, true);
    if (be)
        return be;
    sf_error e;
    if ((e = need_rom(s)) || (e = an_write_protect(&s->link, groups, count)))
        return end(s, e);
    return end(s, sf_session_after_reset(s));
}

sf_error sf_session_write_protect(sf_session *s, const uint8_t *groups, size_t count)
{
    if (!s || (count && !groups))
        return SF_ERR_ARG;
    uint32_t units[256];
    if (count > sizeof units / sizeof units[0])
        return sf_fail(&s->eb, SF_ERR_ARG, "write protect: %zu groups; at most 256", count);
    for (size_t i = 0; i < count; i++)
        units[i] = groups[i];
    return sf_session_write_protect_units(s, units, count);
}

/* WUP, RDP and RDU: two ACKs, then the chip resets and is read again. */
static sf_error reset_command(sf_session *s, uint8_t cmd, unsigned second_ack_ms)
{
    if (!s)
        return SF_ERR_ARG;
    sf_error be = begin(s, true);
    if (be)
        return be;
    if (cmd == AN_READOUT_UNPROTECT)
        sf_session_log(s, SF_LOG_WARNING, "removing readout protection: the chip erases all its flash");
    sf_error e;
    if ((e = need_rom(s)) || (e = an_reset_command(&s->link, cmd, second_ack_ms)))
        return end(s, e);
    return end(s, sf_session_after_reset(s));
}

sf_error sf_session_write_unprotect(sf_session *s)
{
    if (s && sf_session_wrp_by_options(s))
        return sf_session_wrp_change(s, NULL, 0, true);
    return reset_command(s, AN_WRITE_UNPROTECT, 5000);
}
sf_error sf_session_readout_protect(sf_session *s) { return reset_command(s, AN_READOUT_PROTECT, 5000); }

sf_error sf_session_readout_protect_level(sf_session *s, unsigned level)
{
    if (!s || level < 1 || level > 2)
        return s ? sf_fail(&s->eb, SF_ERR_ARG, "readout protection level %u (1 or 2)", level) : SF_ERR_ARG;
    if (level == 1)
        return sf_session_readout_protect(s);
    sf_error be = begin(s, true);
    if (be)
        return be;
    sf_error e = sf_session_need_device(s);
    if (e)
        return end(s, e);
    const sfi_family *fam = sfi_family_named(s->chip.device->family);
    if (fam && !fam->rdp_level2)
        return end(s, sf_fail(&s->eb, SF_ERR_UNSUPPORTED, "the STM32F1 has no readout protection level 2 "
                              "(RM0008: one level); nothing was changed"));
    /* Level 2 is set by writing the family's option bytes (RDP = 0xCC), never by the ROM's
     * Readout Protect command: not done in this version, for any family. */
    return end(s, sf_fail(&s->eb, SF_ERR_UNSUPPORTED, "readout protection level 2 on %s is not supported by this "
                          "version; nothing was changed", s->chip.device->name));
}

sf_error sf_session_readout_unprotect(sf_session *s)
{
    if (!s)
        return SF_ERR_ARG;
    /* The ROM's Readout Unprotect mass-erases whether or not protection was on. */
    sf_error be = begin(s, true);
    if (be)
        return be;
    sf_error e = s->chip.protection.readout
                     ? SF_OK
                     : sf_fail(&s->eb, SF_ERR_STATE, "readout protection is not active: nothing to remove (the "
                               "command would still erase all flash); nothing was changed");
    if ((e = end(s, e)))
        return e;
    return reset_command(s, AN_READOUT_UNPROTECT, MASS_ERASE_MS);
}

sf_error sf_session_set_error(sf_session *s, sf_error code, const char *fmt, ...)
{
    char text[sizeof s->err];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap); /* before the copy: an argument may be s->err */
    va_end(ap);
    pthread_mutex_lock(&s->lock);
    memcpy(s->err, text, sizeof s->err);
    sf_session_log(s, SF_LOG_ERROR, "%s", s->err);
    pthread_mutex_unlock(&s->lock);
    return code;
}

void sf_session_say(sf_session *s, sf_log_level lvl, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&s->lock);
    sf_session_log(s, lvl, "%s", text);
    pthread_mutex_unlock(&s->lock);
}
