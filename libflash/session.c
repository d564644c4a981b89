/* session.c - identify, check, erase, write, verify, read, go, protection (see session.h). */
#define _POSIX_C_SOURCE 200809L
#include "session_internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <time.h>

#define BLOCK 256
/* Page erase: 40 ms max on F1 (DS5319); F4 128 KiB sectors up to 2 s (RM0090). Mass erase up
 * to 16 s on F4/F7 with 1-2 MiB; we allow 40 s. After a reset the ROM needs up to 2.6 s (L47x
 * without LSE, AN2606). */
#define ERASE_BASE_MS 1000
#define ERASE_UNIT_MS(size) (100u + (size) / 64u)
#define MASS_ERASE_MS 40000
/* L0/L1 page erase, worst case with margin (3.2 ms assumed: sim/sim_parts.c). */
#define ERASE_MS_PER_SMALL_PAGE 10u
#define RESET_SYNC_MS 4000

void sf_session_log(sf_session *s, sf_log_level lvl, const char *fmt, ...)
{
    if (!s->log)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    s->log(lvl, line, s->log_user);
}

void sf_session_progress(sf_session *s, sf_phase ph, uint64_t done, uint64_t total)
{
    if (s->progress)
        s->progress(ph, done, total, s->progress_user);
}

void sf_session_unit(sf_session *s, const sf_plan_unit *u, sf_unit_state state)
{
    if (s->unit)
        s->unit(u->index, u->start, u->size, state, s->unit_user);
}

sf_error sf_session_new(sf_session **out)
{
    if (!out)
        return SF_ERR_ARG;
    sf_session *s = calloc(1, sizeof *s);
    if (!s)
        return SF_ERR_NOMEM;
    pthread_mutex_init(&s->lock, NULL);
    s->eb.text = s->err;
    s->eb.size = sizeof s->err;
    s->baud = 115200;
    s->retries = 5;
    s->stub_enabled = true;
    s->stub_baud = SF_STUB_BAUD_AUTO;
    *out = s;
    return SF_OK;
}

void sf_session_free(sf_session *s)
{
    if (!s)
        return;
    sf_session_close(s);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

void sf_session_set_progress(sf_session *s, sf_progress_fn fn, void *user)
{
    pthread_mutex_lock(&s->lock);
    s->progress = fn;
    s->progress_user = user;
    pthread_mutex_unlock(&s->lock);
}

void sf_session_set_unit_callback(sf_session *s, sf_unit_fn fn, void *user)
{
    pthread_mutex_lock(&s->lock);
    s->unit = fn;
    s->unit_user = user;
    pthread_mutex_unlock(&s->lock);
}

void sf_session_set_backup(sf_session *s, sf_backup_fn fn, void *user)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    s->backup = fn;
    s->backup_user = user;
    pthread_mutex_unlock(&s->lock);
}

void sf_session_set_log(sf_session *s, sf_log_fn fn, void *user)
{
    pthread_mutex_lock(&s->lock);
    s->log = fn;
    s->log_user = user;
    pthread_mutex_unlock(&s->lock);
}

sf_error sf_session_set_baud(sf_session *s, uint32_t baud)
{
    if (!s || baud < 1200 || baud > 4000000)
        return s ? sf_fail(&s->eb, SF_ERR_ARG, "baud rate %u out of range (1200..4000000)", baud) : SF_ERR_ARG;
    s->baud = baud;
    return SF_OK;
}

sf_error sf_session_set_retries(sf_session *s, unsigned retries)
{
    if (!s || retries < 1 || retries > 10)
        return s ? sf_fail(&s->eb, SF_ERR_ARG, "retries %u out of range (1..10)", retries) : SF_ERR_ARG;
    s->retries = retries;
    return SF_OK;
}

sf_error sf_session_set_stub(sf_session *s, bool enable, uint32_t baud)
{
    if (!s)
        return SF_ERR_ARG;
    if (baud != SF_STUB_BAUD_AUTO && baud != 0 && (baud < 1200 || baud > 4000000))
        return sf_fail(&s->eb, SF_ERR_ARG, "stub baud %u out of range (1200..4000000, or 0 to keep the bootloader's)",
                       baud);
    s->stub_enabled = enable;
    s->stub_baud = baud;
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
    pthread_mutex_lock(&s->lock);
    s->before = b;
    s->after = a;
    pthread_mutex_unlock(&s->lock);
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

/* The application's side: if nothing answers a short sync, send the trigger at its rate. */
static sf_error send_trigger(sf_session *s)
{
    if (an_sync(&s->link, 300) == SF_OK)
        return SF_OK; /* a bootloader or a stub already listens */
    s->err[0] = 0;
    sf_session_log(s, SF_LOG_INFO, "no bootloader answers: sending the application's trigger at %u baud 8N1",
                   s->trigger_baud);
    sf_error e = sf_port_set_format_eb(s->port, s->trigger_baud, false, &s->eb);
    if (e == SF_OK)
        e = sf_port_write_eb(s->port, s->trigger, s->trigger_len, &s->eb);
    /* Let the last byte leave the adapter before the rate changes under it. */
    struct timespec ts = {0, (long)((s->trigger_len * 10ull * 1000000000ull) / s->trigger_baud) + 20000000L};
    nanosleep(&ts, NULL);
    sf_error e2 = sf_port_set_format_eb(s->port, s->rom_baud, true, &s->eb);
    sf_port_flush_input(s->port); /* what the application said */
    return e ? e : e2;
}

void sf_session_cancel(sf_session *s)
{
    if (s)
        atomic_store(&s->cancel, true);
}

const char *sf_session_last_error(sf_session *s) { return s ? s->err : ""; }

/* Every public operation: lock, clear the error and the cancel flag, check it is open. */
static sf_error begin(sf_session *s, bool need_open)
{
    pthread_mutex_lock(&s->lock);
    s->err[0] = 0;
    atomic_store(&s->cancel, false);
    if (need_open && !s->open) {
        sf_fail(&s->eb, SF_ERR_STATE, "no board connected: open the session first");
        return SF_ERR_STATE;
    }
    return SF_OK;
}

static sf_error end(sf_session *s, sf_error e)
{
    if (e != SF_OK && !s->err[0])
        snprintf(s->err, sizeof s->err, "%s", sf_strerror(e));
    if (e != SF_OK)
        sf_session_log(s, SF_LOG_ERROR, "%s", s->err);
    pthread_mutex_unlock(&s->lock);
    return e;
}

static bool cancelled(sf_session *s) { return atomic_load(&s->cancel); }

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

/* Compare a block of the chip with what it should hold. A block that differs is read again: it
 * differs only when the chip shows the same other bytes twice (line noise does not repeat). */
sf_error sf_session_verify_rom_block(sf_session *s, uint32_t addr, const uint8_t *expect, size_t n)
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

static sf_error read_range(sf_session *s, uint32_t addr, uint8_t *buf, size_t len, sf_phase ph, uint64_t *done,
                           uint64_t total)
{
    if (s->stub) {
        sf_error e = sc_read(s->stub, addr, buf, len); /* CRC-checked by the stub */
        if (e == SF_OK && done) {
            *done += len;
            sf_session_progress(s, ph, *done, total);
        }
        return e;
    }
    for (size_t off = 0; off < len; off += BLOCK) {
        if (cancelled(s))
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

sf_error sf_session_backup(sf_session *s, const sf_plan *plan, const bool *changed, const uint32_t *crcs)
{
    if (!s->backup)
        return SF_OK;
    uint64_t total = 0, done = 0;
    uint8_t erased = s->chip.device ? s->chip.device->erased_value : 0xFF;
    for (size_t i = 0; i < plan->count; i++)
        if (!changed || changed[i])
            total += plan->units[i].size;
    sf_session_progress(s, SF_PHASE_READ, 0, total);
    for (size_t i = 0; i < plan->count; i++) {
        const sf_plan_unit *pu = &plan->units[i];
        uint8_t *old = NULL;
        bool changes = false;
        if (!changed || changed[i]) {
            if (!(old = malloc(pu->size)))
                return sf_fail(&s->eb, SF_ERR_NOMEM, "out of memory");
            memset(old, erased, pu->size);
            /* An erased unit (the stub's CRC says so) need not be read. */
            sf_error e = crcs && crcs[i] == (uint32_t)crc32(0, old, pu->size)
                             ? SF_OK
                             : read_range(s, pu->start, old, pu->size, SF_PHASE_READ, &done, total);
            if (e) {
                free(old);
                return e;
            }
            changes = memcmp(old, pu->data, pu->size) != 0;
        }
        int rc = s->backup(pu->start, old ? old : pu->data, pu->size, changes, s->backup_user);
        free(old);
        if (rc)
            return sf_fail(&s->eb, SF_ERR_CANCELLED, "the backup of 0x%08X could not be kept; nothing was written",
                           pu->start);
    }
    if (s->backup(0, NULL, 0, false, s->backup_user))
        return sf_fail(&s->eb, SF_ERR_CANCELLED, "the backup could not be saved; nothing was written");
    return SF_OK;
}

/* Option bytes and F_SIZE as the ROM (or a running stub) shows them; readout protection shows
 * as a refused Read. */
sf_error sf_session_read_chip_state(sf_session *s)
{
    sf_chip *c = &s->chip;
    const sf_device *d = c->device;
    c->protection = (sf_protection){0};
    c->flash_size = d ? d->flash_size : 0;
    uint32_t probe = d && d->option_base ? d->option_base : 0x08000000;
    uint8_t ob[16];
    sf_error e = read_range(s, probe, ob, d && d->option_base ? 16 : 4, SF_PHASE_READ, NULL, 0);
    if (e == SF_ERR_PROTECTED) {
        c->protection.readout = true;
        s->err[0] = 0;
        return SF_OK;
    }
    if (e != SF_OK)
        return e;
    if (d && d->family[0] == 'F' && (d->family[1] == '0' || d->family[1] == '1' || d->family[1] == '3')) {
        c->protection.known_wrp = true;
        c->protection.wrp = (uint32_t)ob[8] | (uint32_t)ob[10] << 8 | (uint32_t)ob[12] << 16 | (uint32_t)ob[14] << 24;
    }
    if (d && d->flash_size_reg) {
        uint8_t fs[4]; /* read 4: some ROMs refuse fewer than 4 bytes? AN3155 allows 1; keep aligned */
        if (read_range(s, d->flash_size_reg & ~3u, fs, 4, SF_PHASE_READ, NULL, 0) == SF_OK) {
            unsigned o = d->flash_size_reg & 3u;
            uint32_t kib = (uint32_t)fs[o] | (uint32_t)fs[o + 1] << 8;
            if (kib && kib != 0xFFFF && kib * 1024u <= d->flash_size)
                c->flash_size = kib * 1024u;
        }
        s->err[0] = 0;
    }
    return SF_OK;
}

static sf_error connect(sf_session *s, unsigned sync_ms)
{
    /* If a reply to a sync byte comes later than an_sync waited, a further 0x7F may be left
     * in the ROM as half a command, and Get's first byte then completes it (NACK). A NACK or
     * silence leaves the ROM waiting for a fresh command, so syncing again recovers; the same
     * goes for an answer that noise damaged. */
    sf_error e = SF_OK;
    /* The answers carry no checksum either: the chip's identity is taken when two rounds of
     * Get, Get Version and Get ID agree (a damaged product ID would pick another part's flash
     * layout). */
    struct ident {
        uint8_t version, gv_version, cmds[32], ncmds;
        uint16_t pid;
    } now, prev;
    bool have_prev = false;
    memset(&prev, 0, sizeof prev);
    sf_stub_forget_quietly(s);
    for (int attempt = 0; attempt < 5; attempt++) {
        if ((e = an_sync(&s->link, sync_ms)))
            return e;
        if (s->link.stub_greeting)
            return sf_stub_adopt(s);
        memset(&now, 0, sizeof now);
        uint8_t gv_option[2];
        if ((e = an_get(&s->link)) == SF_OK && (e = an_get_version(&s->link, &now.gv_version, gv_option)) == SF_OK)
            e = an_get_id(&s->link, &now.pid);
        if (e == SF_OK && now.gv_version != s->link.version)
            e = sf_fail(&s->eb, SF_ERR_PROTOCOL, "the bootloader reports version %u.%u in Get and %u.%u in Get Version",
                        s->link.version >> 4, s->link.version & 15, now.gv_version >> 4, now.gv_version & 15);
        if (e == SF_OK) {
            now.version = s->link.version;
            now.ncmds = s->link.ncmds;
            memcpy(now.cmds, s->link.cmds, s->link.ncmds);
            if (have_prev && memcmp(&now, &prev, sizeof now) == 0)
                break;
            prev = now;
            have_prev = true;
            e = sf_fail(&s->eb, SF_ERR_PROTOCOL, "the bootloader's answers to Get, Get Version and Get ID changed "
                        "between two rounds (a noisy line)");
            continue;
        }
        if (e != SF_ERR_NACK && e != SF_ERR_TIMEOUT && e != SF_ERR_PROTOCOL)
            break;
        s->link.recoveries++; /* a round the line spoiled: noise (see sf_stub_start) */
    }
    if (e)
        return e;
    uint16_t pid = now.pid;
    sf_chip *c = &s->chip;
    memset(c, 0, sizeof *c);
    c->pid = pid;
    c->device = sf_device_find(pid);
    c->bootloader_version = s->link.version;
    c->command_count = s->link.ncmds;
    memcpy(c->commands, s->link.cmds, s->link.ncmds);
    return sf_session_read_chip_state(s);
}

/* A chip that resets while a stub streams to it (power cut, brown-out, watchdog) starts its
 * ROM, and the ROM's autobaud takes the rate of the first 0x7F it hears: one inside the host's
 * frames at the stub's rate. That ROM listens at the stub's rate until the next reset, so look
 * for it there (briefly: a ROM that is synchronised answers at once) and carry on at that rate. */
static sf_error connect_where_left(sf_session *s)
{
    uint32_t rates[SF_STUB_RATES_MAX];
    size_t nrates = sf_stub_rates(s, rates);
    for (size_t i = 0; i < nrates; i++) {
        uint32_t r = rates[i];
        bool seen = false;
        for (size_t j = 0; j < i; j++)
            seen |= rates[j] == r;
        if (seen || r == 0 || r == SF_STUB_BAUD_AUTO || r == s->baud ||
            sf_port_set_format_eb(s->port, r, true, NULL) != SF_OK)
            continue;
        s->rom_baud = r;
        if (connect(s, 120) == SF_OK) {
            sf_session_log(s, SF_LOG_WARNING, "the bootloader answers at %u baud, not %u: the chip reset while a "
                           "stub was streaming to it and its autobaud took that rate; going on at %u baud", r, s->baud, r);
            return SF_OK;
        }
    }
    s->rom_baud = s->baud;
    sf_port_set_format_eb(s->port, s->baud, true, NULL);
    return SF_ERR_TIMEOUT;
}

sf_error sf_session_open(sf_session *s, const char *port_name)
{
    if (!s)
        return SF_ERR_ARG;
    begin(s, false);
    if (s->open) {
        sf_stub_release(s);
        sf_port_close(s->port);
        s->open = false;
    }
    sf_error e = sf_port_open_eb(port_name, &s->port, &s->eb);
    if (e)
        return end(s, e);
    s->rom_baud = s->baud;
    if ((e = sf_port_set_format_eb(s->port, s->baud, true, &s->eb))) {
        sf_port_close(s->port);
        s->port = NULL;
        return end(s, e);
    }
    s->link = (an_link){.port = s->port, .eb = &s->eb, .cancel = &s->cancel, .retries = s->retries};
    sf_session_progress(s, SF_PHASE_CONNECT, 0, 1);
    if ((s->before.n && (e = entry_run(s->port, &s->before, &s->eb)) != SF_OK) ||
        (s->trigger_len && (e = send_trigger(s)) != SF_OK)) {
        sf_port_close(s->port);
        s->port = NULL;
        return end(s, e);
    }
    /* The ROM answers a sync byte within a few ms once it runs (2.6 s after a reset at worst,
     * AN2606): ask it briefly, then look for a stub a dead host left, then wait out the rest. */
    e = connect(s, 600);
    if (e == SF_ERR_TIMEOUT) {
        if (sf_stub_find(s)) {
            e = sf_stub_adopt(s);
        } else if ((e = connect_where_left(s)) != SF_OK) {
            s->err[0] = 0;
            e = connect(s, 2400);
        }
    }
    if (e) {
        sf_stub_forget_quietly(s);
        sf_port_close(s->port);
        s->port = NULL;
        return end(s, e);
    }
    s->open = true;
    sf_session_progress(s, SF_PHASE_CONNECT, 1, 1);
    const sf_chip *c = &s->chip;
    sf_session_log(s, SF_LOG_INFO, "chip: PID 0x%03X %s, bootloader V%u.%u, flash %u KiB%s", c->pid,
          c->device ? c->device->name : "(unknown)", c->bootloader_version >> 4, c->bootloader_version & 15,
          c->flash_size / 1024, c->protection.readout ? ", READOUT PROTECTED" : "");
    return end(s, SF_OK);
}

void sf_session_close(sf_session *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    sf_stub_release(s);
    if (s->port && s->after.n) {
        char why[160];
        sf_errbuf eb = {why, sizeof why};
        if (entry_run(s->port, &s->after, &eb) != SF_OK)
            sf_session_log(s, SF_LOG_WARNING, "the --after sequence failed: %s", why);
        else
            sf_session_log(s, SF_LOG_DEBUG, "ran the --after sequence");
    }
    if (s->port)
        sf_port_close(s->port);
    s->port = NULL;
    s->open = false;
    pthread_mutex_unlock(&s->lock);
}

sf_error sf_session_chip(sf_session *s, sf_chip *out)
{
    if (!s || !out)
        return SF_ERR_ARG;
    if (out->version != SF_CHIP_VERSION) /* version 1 is the whole struct; later ones add at the end */
        return SF_ERR_ARG;
    sf_error e = begin(s, true);
    if (e == SF_OK) {
        *out = s->chip;
        out->version = SF_CHIP_VERSION;
    }
    return end(s, e);
}

static sf_error need_device(sf_session *s)
{
    if (s->chip.device)
        return SF_OK;
    return sf_fail(&s->eb, SF_ERR_DEVICE,
                   "unknown chip: the bootloader reports product ID 0x%03X, which is not in stubflash's device "
                   "table ('stubflash info' shows what it knows); writing needs the flash layout", s->chip.pid);
}

static sf_error refuse_if_readout_protected(sf_session *s)
{
    if (!s->chip.protection.readout)
        return SF_OK;
    return sf_fail(&s->eb, SF_ERR_PROTECTED,
                   "readout protection is active: the bootloader refuses to read, write or erase the flash. "
                   "'stubflash unprotect --readout --erase-all' removes it, and the chip then ERASES ALL its flash");
}

/* Address of erase unit index (units are numbered from the flash base, layout order). */
static uint32_t unit_start(const sf_device *d, uint32_t index)
{
    uint32_t addr = d->flash_base;
    for (uint8_t r = 0; r < d->layout_runs && index; r++) {
        uint32_t n = index < d->layout[r].count ? index : d->layout[r].count;
        addr += n * d->layout[r].size;
        index -= n;
    }
    return addr;
}

/* Groups of units one WRP bit protects on F0/F1/F3 (bit 31 covers the rest). */
static uint32_t wrp_bit_of_unit(const sf_device *d, uint32_t unit)
{
    uint32_t per = d->layout[0].size >= 2048 ? 2 : 4; /* 2 KiB pages: 2 per bit; 1 KiB: 4 per bit */
    uint32_t bit = unit / per;
    return bit > 31 ? 31 : bit;
}

static sf_error check_units_writable(sf_session *s, const uint32_t *units, size_t n)
{
    const sf_protection *p = &s->chip.protection;
    if (!p->known_wrp)
        return SF_OK;
    for (size_t i = 0; i < n; i++) {
        uint32_t bit = wrp_bit_of_unit(s->chip.device, units[i]);
        if (!(p->wrp & (1u << bit))) {
            uint32_t start = unit_start(s->chip.device, units[i]);
            return sf_fail(&s->eb, SF_ERR_PROTECTED,
                           "page %u (0x%08X) is write-protected (WRP bit %u): the bootloader would skip it "
                           "silently. 'stubflash unprotect --write' removes write protection", units[i], start, bit);
        }
    }
    return SF_OK;
}

static sf_error check_plan(sf_session *s, const sf_image *img, sf_plan *plan)
{
    sf_error e;
    if ((e = need_device(s)) || (e = refuse_if_readout_protected(s)))
        return e;
    if (!img || sf_image_size(img) == 0)
        return sf_fail(&s->eb, SF_ERR_ARG, "empty image");
    if ((e = sf_plan_build(s->chip.device, s->chip.flash_size, img, plan, &s->eb)))
        return e;
    uint32_t *units = malloc(plan->count * sizeof *units);
    if (!units) {
        sf_plan_free(plan);
        return sf_fail(&s->eb, SF_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < plan->count; i++)
        units[i] = plan->units[i].index;
    e = check_units_writable(s, units, plan->count);
    free(units);
    if (e)
        sf_plan_free(plan);
    return e;
}

sf_error sf_session_check_image(sf_session *s, const sf_image *img)
{
    if (!s)
        return SF_ERR_ARG;
    sf_error e = begin(s, true);
    sf_plan plan;
    if (e == SF_OK && (e = check_plan(s, img, &plan)) == SF_OK)
        sf_plan_free(&plan);
    return end(s, e);
}

static bool all_value(const uint8_t *p, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != v)
            return false;
    return true;
}

static sf_error erase_plan(sf_session *s, const sf_plan *plan)
{
    uint32_t *units = malloc(plan->count * sizeof *units);
    if (!units)
        return sf_fail(&s->eb, SF_ERR_NOMEM, "out of memory");
    unsigned timeout = ERASE_BASE_MS;
    for (size_t i = 0; i < plan->count; i++) {
        units[i] = plan->units[i].index;
        timeout += ERASE_UNIT_MS(plan->units[i].size);
    }
    sf_session_log(s, SF_LOG_INFO, "erasing %zu unit(s)", plan->count);
    sf_session_progress(s, SF_PHASE_ERASE, 0, plan->count);
    if (s->stub) {
        sf_error e = SF_OK;
        for (size_t i = 0; i < plan->count && e == SF_OK; i++) {
            const sf_plan_unit *pu = &plan->units[i];
            e = sc_erase(s->stub, unit_start(s->chip.device, pu->index), s->chip.device->layout[0].size);
            sf_session_unit(s, pu, e ? SF_UNIT_FAILED : SF_UNIT_ERASED);
            sf_session_progress(s, SF_PHASE_ERASE, i + 1, plan->count);
        }
        free(units);
        return e;
    }
    /* In groups so progress moves and cancel is honoured between them. */
    sf_error e = SF_OK;
    for (size_t i = 0; i < plan->count && e == SF_OK; i += 16) {
        if (cancelled(s)) {
            e = sf_fail(&s->eb, SF_ERR_CANCELLED, "cancelled during erase");
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

static sf_error write_plan(sf_session *s, const sf_plan *plan, uint64_t total)
{
    uint64_t done = 0;
    uint8_t ev = s->chip.device->erased_value;
    sf_session_progress(s, SF_PHASE_WRITE, 0, total);
    for (size_t u = 0; u < plan->count; u++) {
        const sf_plan_unit *pu = &plan->units[u];
        sf_session_unit(s, pu, SF_UNIT_WRITING);
        for (uint32_t off = 0; off < pu->size; off += BLOCK) {
            if (cancelled(s)) {
                sf_session_unit(s, pu, SF_UNIT_FAILED);
                return sf_fail(&s->eb, SF_ERR_CANCELLED, "cancelled at 0x%08X", pu->start + off);
            }
            uint32_t n = pu->size - off < BLOCK ? pu->size - off : BLOCK;
            /* An erased block already holds what it must. */
            if (!all_value(pu->data + off, n, ev)) {
                sf_error e = an_write(&s->link, pu->start + off, pu->data + off, n);
                if (e) {
                    sf_session_unit(s, pu, SF_UNIT_FAILED);
                    return e;
                }
            }
            done += n;
            sf_session_progress(s, SF_PHASE_WRITE, done, total);
        }
        sf_session_unit(s, pu, SF_UNIT_WRITTEN);
    }
    return SF_OK;
}

static sf_error verify_plan(sf_session *s, const sf_plan *plan, uint64_t total)
{
    uint64_t done = 0;
    sf_session_progress(s, SF_PHASE_VERIFY, 0, total);
    for (size_t u = 0; u < plan->count; u++) {
        const sf_plan_unit *pu = &plan->units[u];
        for (uint32_t off = 0; off < pu->size; off += BLOCK) {
            if (cancelled(s))
                return sf_fail(&s->eb, SF_ERR_CANCELLED, "cancelled at 0x%08X", pu->start + off);
            uint32_t n = pu->size - off < BLOCK ? pu->size - off : BLOCK;
            sf_error e = sf_session_verify_rom_block(s, pu->start + off, pu->data + off, n);
            if (e) {
                sf_session_unit(s, pu, SF_UNIT_FAILED);
                return e;
            }
            done += n;
            sf_session_progress(s, SF_PHASE_VERIFY, done, total);
        }
        sf_session_unit(s, pu, SF_UNIT_VERIFIED);
    }
    return SF_OK;
}

sf_error sf_session_write_image(sf_session *s, const sf_image *img, unsigned flags)
{
    if (!s)
        return SF_ERR_ARG;
    sf_error e = begin(s, true);
    sf_plan plan = {0};
    if (e || (e = check_plan(s, img, &plan)))
        return end(s, e);
    if (s->stub_enabled && !s->stub) {
        e = sf_stub_start(s);
        if (e == SF_ERR_UNSUPPORTED) {
            sf_session_log(s, SF_LOG_WARNING, "writing through the ROM bootloader: %s", s->err);
            s->err[0] = 0;
            e = SF_OK;
        } else if (e) {
            sf_plan_free(&plan);
            return end(s, e);
        }
    }
    for (size_t u = 0; u < plan.count && e == SF_OK; u++)
        sf_session_unit(s, &plan.units[u], SF_UNIT_PLANNED);
    uint64_t total = 0;
    /* Bytes of touched units the image does not give are kept: read them before erasing. */
    for (size_t u = 0; u < plan.count && e == SF_OK; u++) {
        sf_plan_unit *pu = &plan.units[u];
        total += pu->size;
        if (pu->size >= 64 * 1024 && pu->covered_bytes < pu->size / 4)
            sf_session_log(s, SF_LOG_WARNING, "%u bytes of the image make the whole %u KiB sector at 0x%08X be erased and rewritten",
                  (unsigned)pu->covered_bytes, pu->size / 1024, pu->start);
        if (pu->covered_bytes == pu->size || (flags & SF_WRITE_NO_ERASE))
            continue;
        uint8_t *old = malloc(pu->size);
        if (!old) {
            e = sf_fail(&s->eb, SF_ERR_NOMEM, "out of memory");
            break;
        }
        e = read_range(s, pu->start, old, pu->size, SF_PHASE_READ, NULL, 0);
        for (uint32_t i = 0; e == SF_OK && i < pu->size; i++)
            if (!pu->covered[i])
                pu->data[i] = old[i];
        free(old);
    }
    if (e == SF_OK && s->stub) {
        e = sf_stub_write_plan(s, &plan, flags);
    } else {
        if (e == SF_OK)
            e = sf_session_backup(s, &plan, NULL, NULL);
        if (e == SF_OK && !(flags & SF_WRITE_NO_ERASE))
            e = erase_plan(s, &plan);
        if (e == SF_OK)
            e = write_plan(s, &plan, total);
        if (e == SF_OK && (flags & SF_WRITE_VERIFY))
            e = verify_plan(s, &plan, total);
    }
    if (e == SF_OK)
        sf_session_log(s, SF_LOG_INFO, "wrote %zu bytes in %zu unit(s)%s", sf_image_size(img), plan.count,
              (flags & SF_WRITE_VERIFY) ? ", verified" : "");
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
    sf_error e = begin(s, true);
    if (e || (e = refuse_if_readout_protected(s)))
        return end(s, e);
    if (s->stub)
        return end(s, sf_stub_verify_image(s, img));
    uint64_t total = sf_image_size(img), done = 0;
    sf_session_progress(s, SF_PHASE_VERIFY, 0, total);
    for (size_t i = 0; i < sf_image_segment_count(img) && e == SF_OK; i++) {
        uint32_t addr;
        const uint8_t *data;
        size_t len;
        sf_image_segment(img, i, &addr, &data, &len);
        for (size_t off = 0; off < len && e == SF_OK; off += BLOCK) {
            size_t n = len - off < BLOCK ? len - off : BLOCK;
            if (cancelled(s)) {
                e = sf_fail(&s->eb, SF_ERR_CANCELLED, "cancelled");
                break;
            }
            if ((e = sf_session_verify_rom_block(s, addr + (uint32_t)off, data + off, n)))
                break;
            done += n;
            sf_session_progress(s, SF_PHASE_VERIFY, done, total);
        }
    }
    return end(s, e);
}

sf_error sf_session_read(sf_session *s, uint32_t addr, uint8_t *buf, size_t len)
{
    if (!s || (!buf && len))
        return SF_ERR_ARG;
    sf_error e = begin(s, true);
    if (e || (e = refuse_if_readout_protected(s)))
        return end(s, e);
    if ((uint64_t)addr + len > 0x100000000ull)
        return end(s, sf_fail(&s->eb, SF_ERR_FIT, "0x%08X + %zu runs past the address space", addr, len));
    uint64_t done = 0;
    sf_session_progress(s, SF_PHASE_READ, 0, len);
    e = read_range(s, addr, buf, len, SF_PHASE_READ, &done, len);
    return end(s, e);
}

sf_error sf_session_erase_range(sf_session *s, uint32_t addr, uint32_t len)
{
    if (!s)
        return SF_ERR_ARG;
    sf_error e = begin(s, true);
    if (e || (e = need_device(s)) || (e = refuse_if_readout_protected(s)))
        return end(s, e);
    const sf_device *d = s->chip.device;
    if (len == 0 || addr < d->flash_base || (uint64_t)addr + len > (uint64_t)d->flash_base + s->chip.flash_size)
        return end(s, sf_fail(&s->eb, SF_ERR_FIT, "erase range 0x%08X+%u is not inside the flash 0x%08X..0x%08X",
                              addr, len, d->flash_base, d->flash_base + s->chip.flash_size - 1));
    uint32_t units[4096];
    size_t n = 0;
    for (uint32_t a = addr; a < addr + len && n < 4096;) {
        uint32_t idx, st, sz;
        sf_device_unit_of(d, s->chip.flash_size, a, &idx, &st, &sz);
        units[n++] = idx;
        a = st + sz;
    }
    if ((e = check_units_writable(s, units, n)))
        return end(s, e);
    sf_plan plan = {0};
    sf_plan_unit *pu = calloc(n, sizeof *pu);
    if (!pu)
        return end(s, sf_fail(&s->eb, SF_ERR_NOMEM, "out of memory"));
    for (size_t i = 0; i < n; i++)
        pu[i].index = units[i];
    plan.units = pu;
    plan.count = n;
    e = erase_plan(s, &plan);
    free(pu);
    return end(s, e);
}

static sf_error after_reset(sf_session *s);

/* Commands only the ROM has: leave the stub by a reset (the ROM comes back with BOOT0 high). */
static sf_error need_rom(sf_session *s)
{
    if (!s->stub)
        return SF_OK;
    sf_session_log(s, SF_LOG_INFO, "resetting the chip to leave the stub for the bootloader");
    sf_stub_forget(s);
    return after_reset(s);
}

/* Every erase unit through Extended Erase, 512 to a command (AN3155's most), with progress. */
static sf_error erase_every_unit(sf_session *s)
{
    size_t n = sf_device_unit_count(s->chip.device, s->chip.flash_size);
    uint32_t *units = malloc(n * sizeof *units);
    if (!units)
        return sf_fail(&s->eb, SF_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        units[i] = (uint32_t)i;
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

sf_error sf_session_mass_erase(sf_session *s)
{
    if (!s)
        return SF_ERR_ARG;
    sf_error e = begin(s, true);
    if (e || (e = refuse_if_readout_protected(s)))
        return end(s, e);
    if ((e = need_rom(s)))
        return end(s, e);
    sf_session_log(s, SF_LOG_INFO, "erasing the whole flash");
    if (sf_device_no_mass_erase(s->chip.device))
        return end(s, erase_every_unit(s));
    sf_session_progress(s, SF_PHASE_ERASE, 0, 1);
    e = an_mass_erase(&s->link, MASS_ERASE_MS);
    if (e == SF_OK)
        sf_session_progress(s, SF_PHASE_ERASE, 1, 1);
    return end(s, e);
}

sf_error sf_session_go(sf_session *s, uint32_t addr)
{
    if (!s)
        return SF_ERR_ARG;
    sf_error e = begin(s, true);
    if (e || (e = refuse_if_readout_protected(s)))
        return end(s, e);
    e = s->stub ? sc_go(s->stub, addr) : an_go(&s->link, addr);
    if (e == SF_OK) {
        sf_stub_forget_quietly(s);
        sf_session_log(s, SF_LOG_INFO, "started the code at 0x%08X", addr);
        sf_port_close(s->port);
        s->port = NULL;
        s->open = false;
    }
    return end(s, e);
}

/* The ROM resets after WP, WUP, RDP and RDU: wait for it and read the chip again. */
static sf_error after_reset(sf_session *s)
{
    struct timespec ts = {0, 20000000};
    nanosleep(&ts, NULL);
    return connect(s, RESET_SYNC_MS);
}

sf_error sf_session_reset(sf_session *s)
{
    if (!s)
        return SF_ERR_ARG;
    sf_error e = begin(s, true);
    if (e || (e = need_device(s)) || (e = refuse_if_readout_protected(s)))
        return end(s, e);
    if (s->stub) {
        sf_stub_forget(s);
        sf_session_log(s, SF_LOG_INFO, "chip reset");
        return end(s, after_reset(s));
    }
    /* A vector table and four instructions that write SYSRESETREQ to SCB->AIRCR:
     *   ldr r0, [pc, #4]; ldr r1, [pc, #8]; str r1, [r0]; b .  ; 0xE000ED0C ; 0x05FA0004 */
    uint32_t base = (s->chip.device->ram_base + 3u) & ~3u;
    uint32_t sp = base + 0x100, pc = (base + 8) | 1;
    uint8_t code[24] = {
        (uint8_t)sp, (uint8_t)(sp >> 8), (uint8_t)(sp >> 16), (uint8_t)(sp >> 24),
        (uint8_t)pc, (uint8_t)(pc >> 8), (uint8_t)(pc >> 16), (uint8_t)(pc >> 24),
        0x01, 0x48, 0x02, 0x49, 0x01, 0x60, 0xFE, 0xE7,
        0x0C, 0xED, 0x00, 0xE0, 0x04, 0x00, 0xFA, 0x05,
    };
    if ((e = an_write(&s->link, base, code, sizeof code)) || (e = an_go(&s->link, base)))
        return end(s, e);
    sf_session_log(s, SF_LOG_INFO, "chip reset");
    return end(s, after_reset(s));
}

sf_error sf_session_write_protect(sf_session *s, const uint8_t *groups, size_t count)
{
    if (!s)
        return SF_ERR_ARG;
    sf_error e = begin(s, true);
    if (e || (e = need_rom(s)) || (e = an_write_protect(&s->link, groups, count)))
        return end(s, e);
    return end(s, after_reset(s));
}

/* WUP, RDP and RDU: two ACKs, then the chip resets and is read again. */
static sf_error reset_command(sf_session *s, uint8_t cmd, unsigned second_ack_ms)
{
    if (!s)
        return SF_ERR_ARG;
    sf_error e = begin(s, true);
    if (e == SF_OK && cmd == AN_READOUT_UNPROTECT)
        sf_session_log(s, SF_LOG_WARNING, "removing readout protection: the chip erases all its flash");
    if (e || (e = need_rom(s)) || (e = an_reset_command(&s->link, cmd, second_ack_ms)))
        return end(s, e);
    return end(s, after_reset(s));
}

sf_error sf_session_write_unprotect(sf_session *s) { return reset_command(s, AN_WRITE_UNPROTECT, 5000); }
sf_error sf_session_readout_protect(sf_session *s) { return reset_command(s, AN_READOUT_PROTECT, 5000); }

sf_error sf_session_readout_protect_level(sf_session *s, unsigned level)
{
    if (!s || level < 1 || level > 2)
        return s ? sf_fail(&s->eb, SF_ERR_ARG, "readout protection level %u (1 or 2)", level) : SF_ERR_ARG;
    if (level == 1)
        return sf_session_readout_protect(s);
    sf_error e = begin(s, true);
    if (e || (e = need_device(s)))
        return end(s, e);
    if (strcmp(s->chip.device->family, "F1") == 0)
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
    sf_error e = begin(s, true);
    if (e == SF_OK && !s->chip.protection.readout)
        e = sf_fail(&s->eb, SF_ERR_STATE, "readout protection is not active: nothing to remove (the command "
                    "would still erase all flash); nothing was changed");
    if ((e = end(s, e)))
        return e;
    return reset_command(s, AN_READOUT_UNPROTECT, MASS_ERASE_MS);
}
