/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* connect.c - find what listens on the port (the ROM bootloader, or a stub a dead host left
 * running) and learn the chip: identity, bootloader, flash size, protection. */
#define _POSIX_C_SOURCE 200809L
#include "families.h"
#include "session_internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

/* After a reset the ROM needs up to 2.6 s (L47x without LSE, AN2606). */
#define RESET_SYNC_MS 4000

/* The application's side: if nothing answers a short sync, send the trigger at its rate. */
sf_error sf_session_send_trigger(sf_session *s)
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

/* A read of chip state: once, and kept to be read again (sf_session_confirm_chip_state), where
 * a stub will serve the session and can read it again cheaply; otherwise as the backend reads
 * (through the ROM: until two reads agree). */
static sf_error read_state(sf_session *s, uint32_t addr, uint8_t *buf, size_t n, bool once)
{
    if (!once || s->backend != &sf_backend_rom || s->nunconfirmed >= 2 || n > 16)
        return s->backend->read(s, addr, buf, n, SF_PHASE_READ, NULL, 0);
    sf_error e = an_read(&s->link, addr, buf, n);
    if (e == SF_OK) {
        struct state_read *r = &s->unconfirmed[s->nunconfirmed++];
        r->addr = addr;
        r->n = (uint8_t)n;
        memcpy(r->bytes, buf, n);
    }
    return e;
}

/* The option bytes and F_SIZE in one read where they lie close together (the F1's 48 bytes
 * from 0x1FFFF7E0) and the stub reads: one request instead of two. The unique ID too where
 * it lies among them (the F1's at 0x1FFFF7E8): the backup folder's name, without a third. */
struct state_span {
    uint32_t base, len;
    uint8_t bytes[64];
};

static void read_span(sf_session *s, const sf_device *d, struct state_span *sp)
{
    sp->len = 0;
    if (!s->chip.stub_running || !d || !d->option_base || !d->flash_size_reg)
        return;
    uint32_t fs = d->flash_size_reg & ~3u, uid = sf_device_uid_address(d);
    uint32_t lo = fs < d->option_base ? fs : d->option_base;
    uint32_t hi = fs + 4u > d->option_base + 16u ? fs + 4u : d->option_base + 16u;
    uint32_t ulo = uid && uid < lo ? uid : lo, uhi = uid && uid + 12u > hi ? uid + 12u : hi;
    bool with_uid = uid && uhi - ulo <= sizeof sp->bytes;
    if (with_uid)
        lo = ulo, hi = uhi;
    if (hi - lo <= sizeof sp->bytes && s->backend->read(s, lo, sp->bytes, hi - lo, SF_PHASE_READ, NULL, 0) == SF_OK) {
        sp->base = lo;
        sp->len = hi - lo;
        if (with_uid) {
            memcpy(s->uid, sp->bytes + (uid - lo), sizeof s->uid);
            s->uid_known = true;
        }
    }
    s->err[0] = 0; /* else each is read on its own */
}

/* n bytes at addr: from the span if it holds them, else read. */
static sf_error read_part(sf_session *s, const struct state_span *sp, uint32_t addr, uint8_t *buf, size_t n,
                          bool once)
{
    if (sp->len && addr >= sp->base && addr + n <= sp->base + sp->len) {
        memcpy(buf, sp->bytes + (addr - sp->base), n);
        return SF_OK;
    }
    return read_state(s, addr, buf, n, once);
}

/* Whether a stub is going to serve this session (and so confirms the state as it starts). */
static bool stub_expected(const sf_session *s)
{
    return s->stub_enabled && !s->stub_declined && !s->chip.stub_running && sc_stub_family(s->chip.device);
}

sf_error sf_session_confirm_chip_state(sf_session *s)
{
    if (!s->nunconfirmed)
        return SF_OK;
    bool same = true;
    for (size_t i = 0; i < s->nunconfirmed && same; i++) {
        const struct state_read *r = &s->unconfirmed[i];
        uint8_t again[16];
        uint32_t crc;
        sf_error e;
        if (s->chip.stub_running) { /* the stub's CRC of the bytes, as it reads them */
            if ((e = sc_crc32(s->stub, r->addr, r->n, &crc)))
                return e;
            same = crc == (uint32_t)crc32(0, r->bytes, r->n);
        } else if ((e = an_read(&s->link, r->addr, again, r->n)) == SF_ERR_PROTECTED) { /* two reads agree, or not */
            same = false;
        } else if (e) {
            return e;
        } else {
            same = memcmp(again, r->bytes, r->n) == 0;
        }
    }
    s->nunconfirmed = 0;
    if (same)
        return SF_OK;
    sf_session_log(s, SF_LOG_WARNING, "the chip's option bytes or flash size read differently a second time (a noisy "
                   "line): reading them again");
    s->state_reread = true;
    return sf_session_read_chip_state(s);
}

void sf_session_copy_command_list(sf_session *s)
{
    s->chip.command_count = s->link.listed ? s->link.ncmds : 0;
    memcpy(s->chip.commands, s->link.cmds, s->chip.command_count);
}

/* Whether the stub's layout (page size, bank 2) is the same whatever the option bytes and F_SIZE
 * say: one bank, not chosen by an option. Then the state can wait for the stub. */
static bool layout_from_pid_alone(const sf_device *d)
{
    return d && d->bank_mode == SF_BANKS_FIXED && !d->dual_bank;
}

sf_error sf_session_settle_chip_state(sf_session *s)
{
    if (!s->state_pending)
        return SF_OK;
    sf_error e = sf_session_read_chip_state(s);
    const sf_chip *c = &s->chip;
    if (e == SF_OK)
        sf_session_log(s, SF_LOG_INFO, "chip: flash %u KiB%s", c->flash_size / 1024,
                       c->protection.readout ? ", READOUT PROTECTED" : "");
    return e;
}

/* Option bytes and F_SIZE as the ROM (or a running stub) shows them; readout protection shows
 * as a refused Read. */
sf_error sf_session_read_chip_state(sf_session *s)
{
    /* Read once only on a first reading, and only if a stub will read it again. */
    bool once = !s->state_reread && stub_expected(s);
    s->nunconfirmed = 0;
    s->state_pending = false;
    sf_chip *c = &s->chip;
    if (c->device && c->device->bank_mode != SF_BANKS_FIXED)
        c->device = sf_device_find(c->pid); /* the factory row; the bank option is read again below */
    const sf_device *d = c->device;
    c->protection = (sf_protection){0};
    c->flash_size = d ? d->flash_size : 0;
    uint32_t probe = d && d->option_base ? d->option_base : 0x08000000;
    uint8_t ob[16];
    struct state_span span;
    read_span(s, d, &span);
    sf_error e = read_part(s, &span, probe, ob, d && d->option_base ? 16 : 4, once);
    if (e == SF_ERR_PROTECTED) {
        c->protection.readout = true;
        s->err[0] = 0;
        return SF_OK;
    }
    if (e != SF_OK)
        return e;
    const sfi_family *fam = sfi_family_named(d ? d->family : NULL);
    if (fam && fam->options == SFI_OPTIONS_F1) { /* the F1's option bytes: WRP0..3 at +8..+14 */
        c->protection.known_wrp = true;
        c->protection.wrp = (uint32_t)ob[8] | (uint32_t)ob[10] << 8 | (uint32_t)ob[12] << 16 | (uint32_t)ob[14] << 24;
    }
    /* DBANK, FLASH_OPTR bit 22 (stm32g474xx.h; OpenOCD stm32l4x.c for the L4+; NuttX's
     * stm32l5_flash.h for the L5), the first word of the option area (option_layouts.c): 0 makes
     * the line one bank of larger pages, numbered from the flash base. */
    uint32_t optr = (uint32_t)ob[0] | (uint32_t)ob[1] << 8 | (uint32_t)ob[2] << 16 | (uint32_t)ob[3] << 24;
    if (d && d->bank_mode == SF_BANKS_DBANK && d->option_base && !(optr >> 22 & 1u) && sf_device_one_bank(d)) {
        c->device = d = sf_device_one_bank(d);
        sf_session_log(s, SF_LOG_INFO, "DBANK = 0: one bank of %u KiB pages", (unsigned)(d->layout[0].size / 1024u));
    }
    if (d && d->flash_size_reg) {
        uint8_t fs[4]; /* read 4: some ROMs refuse fewer than 4 bytes? AN3155 allows 1; keep aligned */
        if (read_part(s, &span, d->flash_size_reg & ~3u, fs, 4, once) == SF_OK) {
            unsigned o = d->flash_size_reg & 3u;
            uint32_t bytes = sf_device_decode_flash_size(d, (uint16_t)(fs[o] | fs[o + 1] << 8));
            if (bytes)
                c->flash_size = bytes;
        }
        s->err[0] = 0;
    }
    if (d && d->option_base) /* F76x nDBANK, F42x DB1M, G0B/C DUAL_BANK: their banks, by size too */
        c->device = sfi_device_banks(d, ob, sizeof ob, c->flash_size);
    if (c->device != d)
        sf_session_log(s, SF_LOG_INFO, "the option bytes choose %s bank%s", c->device->dual_bank ? "two" : "one",
                       c->device->dual_bank ? "s" : "");
    return SF_OK;
}

sf_error sf_session_connect(sf_session *s, unsigned sync_ms)
{
    /* If a reply to a sync byte comes later than an_sync waited, a further 0x7F may be left
     * in the ROM as half a command, and Get's first byte then completes it (NACK). A NACK or
     * silence leaves the ROM waiting for a fresh command, so syncing again recovers; the same
     * goes for an answer that noise damaged. */
    sf_error e = SF_OK;
    /* The answers carry no checksum either: the chip's identity is taken when a round of Get
     * (or Get Version) and Get ID is followed by a Get ID that agrees (a damaged product ID
     * would pick another part's flash layout; a damaged command list shows as a command
     * refused), or else when two whole rounds agree, or when its product ID is the one the chip
     * behind this USB adapter gave last time (the line would have to damage the answer into
     * exactly that value: as unlikely as two damaged answers that agree, and a Get ID shorter:
     * 7 bytes at the ROM's rate). Where a stub is to serve the session the round asks Get
     * Version, ten bytes shorter than Get: the version is all it needs, and the list is read if
     * the ROM has to erase (an3155.c). */
    struct ident {
        uint8_t version, cmds[32], ncmds;
        uint16_t pid;
    } now, prev;
    bool have_prev = false;
    memset(&prev, 0, sizeof prev);
    uint16_t known_pid = sf_adapter_pid(s);
    sf_stub_forget_quietly(s);
    /* After a round the ROM answered in full it waits for the next command: the second round
     * goes without a sync byte, which a synchronised ROM would take as half a command and
     * answer only with the second one, 50 ms later (an_sync). */
    bool synced = false;
    for (int attempt = 0; attempt < 5; attempt++) {
        if (!synced && (e = an_sync(&s->link, sync_ms)))
            return e;
        if (!synced && s->link.stub_greeting)
            return sf_stub_adopt(s);
        synced = false;
        memset(&now, 0, sizeof now);
        uint8_t gv_options[2];
        s->link.listed = false;
        s->link.ncmds = 0;
        if (s->stub_enabled)
            e = an_get_version(&s->link, &s->link.version, gv_options);
        else
            e = an_get(&s->link);
        if (e == SF_OK)
            e = an_get_id(&s->link, &now.pid);
        if (e == SF_OK) {
            now.version = s->link.version;
            now.ncmds = s->link.ncmds;
            memcpy(now.cmds, s->link.cmds, s->link.ncmds);
            if (have_prev && memcmp(&now, &prev, sizeof now) == 0)
                break;
            if (known_pid && now.pid == known_pid) {
                sf_session_log(s, SF_LOG_DEBUG, "product ID 0x%03X: the one this adapter's chip gave last time",
                               now.pid);
                break;
            }
            uint16_t again = 0;
            sf_error ge = have_prev ? SF_OK : an_get_id(&s->link, &again);
            if (!have_prev && ge == SF_OK && again == now.pid)
                break;
            if (ge == SF_OK)
                sf_session_log(s, SF_LOG_DEBUG, "product ID 0x%03X, then 0x%03X: asking again",
                               have_prev ? prev.pid : now.pid, have_prev ? now.pid : again);
            prev = now;
            have_prev = true;
            synced = ge == SF_OK; /* a refused or lost Get ID: sync again */
            e = sf_fail(&s->eb, SF_ERR_PROTOCOL, "the bootloader's answers to Get (or Get Version) and Get ID "
                        "changed between two rounds (a noisy line)");
            continue;
        }
        if (e != SF_ERR_NACK && e != SF_ERR_TIMEOUT && e != SF_ERR_PROTOCOL)
            break;
        s->link.recoveries++; /* a round the line spoiled: noise (see sf_stub_start) */
        s->link.careful = true; /* or answers so late that a sync byte went out twice */
    }
    if (e)
        return e;
    uint16_t pid = now.pid;
    if (pid != known_pid) /* confirmed by two answers: one that is known_pid ends the rounds */
        sf_adapter_note_pid(s, pid);
    sf_chip *c = &s->chip;
    memset(c, 0, sizeof *c);
    s->uid_known = false;
    s->stub_declined = false;
    s->state_reread = false;
    c->pid = pid;
    c->device = sf_device_find(pid);
    c->bootloader_version = s->link.version;
    sf_session_copy_command_list(s);
    /* The state through the ROM costs some 60 bytes at its rate; a stub reads it at its own,
     * CRC-checked, where its layout does not depend on it (sf_session_settle_chip_state). */
    if (stub_expected(s) && layout_from_pid_alone(c->device)) {
        c->flash_size = c->device->flash_size; /* the line's largest: not shown, not relied on */
        s->state_pending = true;
        return SF_OK;
    }
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
        if (sf_session_connect(s, 120) == SF_OK) {
            sf_session_log(s, SF_LOG_WARNING, "the bootloader answers at %u baud, not %u: the chip reset while a "
                           "stub was streaming to it and its autobaud took that rate; going on at %u baud", r, s->baud, r);
            return SF_OK;
        }
    }
    s->rom_baud = s->baud;
    sf_port_set_format_eb(s->port, s->baud, true, NULL);
    return SF_ERR_TIMEOUT;
}


/* The ROM resets after WP, WUP, RDP and RDU (and a reset we asked for): wait for it and read
 * the chip again. */
sf_error sf_session_after_reset(sf_session *s)
{
    struct timespec ts = {0, 20000000};
    nanosleep(&ts, NULL);
    return sf_session_connect(s, RESET_SYNC_MS);
}

/* The ROM answers a sync byte within a few ms once it runs (2.6 s after a reset at worst,
 * AN2606): ask it briefly, then look for a stub a dead host left, then for a first stage one
 * left (it is reset into the ROM), then wait out the rest. */
sf_error sf_session_find_chip(sf_session *s)
{
    sf_error e = sf_session_connect(s, 600);
    if (e == SF_ERR_TIMEOUT) {
        if (sf_stub_find(s)) {
            e = sf_stub_adopt(s);
        } else if ((e = connect_where_left(s)) != SF_OK) {
            s->err[0] = 0;
            e = sf_session_connect(s, 2400);
            /* Silent at every rate: perhaps a first stage a dead host left in the middle of a
             * transfer. A port that does not take the reset request keeps this error. */
            if (e == SF_ERR_TIMEOUT && sf_stub_reset_first_stage(s))
                e = sf_session_connect(s, 2400);
        }
    }
    return e;
}
