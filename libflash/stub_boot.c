/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stub_boot.c - the RAM stub's life: loaded through the ROM and started, found running (left
 * by a host that died), left by a reset or by a jump back into the bootloader. Whatever
 * starts or finds the stub makes it the session's backend; whatever leaves it gives the
 * session back to the ROM (stub/protocol.h, stub_client.h). */
#define _POSIX_C_SOURCE 200809L
#include "session_internal.h"

#include <stdlib.h>
#include <string.h>

#define STUB_LOADS 3 /* loads of a stub that arrives damaged before the ROM path takes over */
#define HELLO_MS 1000 /* Go to greeting: the stub greets within microseconds; the ROM answers Go's
                       * second ACK first (AN3155) */

static sc_link *new_link(sf_session *s, uint32_t baud)
{
    sc_link *l = calloc(1, sizeof *l);
    if (l) {
        l->port = s->port;
        l->eb = &s->eb;
        l->cancel = &s->cancel;
        l->baud = baud;
    }
    return l;
}

void sf_stub_forget_quietly(sf_session *s)
{
    if (!s->stub)
        return;
    if (s->port && s->stub->baud != s->rom_baud)
        sf_port_set_format_eb(s->port, s->rom_baud, true, NULL);
    free(s->stub);
    s->stub = NULL;
    s->chip.stub_running = false;
    s->backend = &sf_backend_rom;
}

void sf_stub_release(sf_session *s)
{
    if (!s->stub || !s->chip.device) {
        sf_stub_forget_quietly(s);
        return;
    }
    /* After a cancelled stream the stub still works through the frames in flight and does not
     * hear a request among its acks: let it finish (sc_probe), then ask again. */
    char why[300] = "";
    sf_errbuf mine = {why, sizeof why}, *eb = s->stub->eb;
    s->stub->eb = &mine; /* the session's error (say, the cancel) stays what it was */
    bool back = sc_go(s->stub, s->chip.device->sysmem_base) == SF_OK ||
                (sc_probe(s->stub) && sc_go(s->stub, s->chip.device->sysmem_base) == SF_OK);
    s->stub->eb = eb;
    if (back)
        sf_session_log(s, SF_LOG_DEBUG, "stub: back to the bootloader");
    else
        sf_session_log(s, SF_LOG_WARNING, "the stub did not go back to the bootloader (%s): the next run finds it, "
                       "or reset the board", why);
    sf_stub_forget_quietly(s);
}

void sf_stub_forget(sf_session *s)
{
    if (s->stub)
        sc_reset(s->stub); /* if it fails, the sync that follows says what is there */
    s->rom_baud = s->baud; /* the ROM that starts measures the next sync byte afresh */
    sf_stub_forget_quietly(s);
}

/* Read back len bytes written at at through the ROM, writing damaged blocks again. */
static sf_error check_loaded(sf_session *s, uint32_t at, const uint8_t *image, size_t len)
{
    sf_session_log(s, SF_LOG_INFO, "the line is noisy: reading the stub back before starting it");
    for (size_t off = 0; off < len; off += 256) {
        size_t n = len - off < 256 ? len - off : 256;
        uint32_t addr = at + (uint32_t)off;
        sf_error e;
        for (int t = 1; (e = sf_rom_verify_block(s, addr, image + off, n)) == SF_ERR_VERIFY; t++) {
            if (t == STUB_LOADS)
                return sf_fail(&s->eb, SF_ERR_IO, "the stub reached RAM damaged %d times at 0x%08X (a noisy line); "
                               "nothing was erased", t, addr);
            sf_session_log(s, SF_LOG_WARNING, "the stub's block at 0x%08X reached RAM damaged: writing it again", addr);
            if ((e = an_write(&s->link, addr, image + off, n)))
                return e;
        }
        if (e)
            return e;
    }
    return SF_OK;
}

/* The rate the stub is sent at through its first stage (sf_rates_first_stage), if the line
 * lets one run: 0 when a bridge fixes the rate, or the line has shown noise (the ROM's Write
 * Memory then resends block by block, where one damaged byte costs the first stage all). */
static uint32_t first_stage_rate(sf_session *s, const sf_rate_plan *plan)
{
    if (s->stub_baud == 0 || sf_port_fixed_rate(s->port) || s->link.recoveries)
        return 0;
    return sf_rates_first_stage(s, plan);
}

/* Load the stub through the ROM, start it and wait for its greeting. */
static sf_error load_and_start(sf_session *s, sf_rate_plan *plan, sc_link **out, uint32_t *want_crc)
{
    const sf_chip *c = &s->chip;
    /* The stub starting at the first stage's rate, at the other one offered, and at the ROM's. */
    sc_layout lay = {0}, other = {0}, slow;
    uint32_t rate = first_stage_rate(s, plan), other_rate = rate ? sf_rates_first_stage_other(s, plan, rate) : 0;
    uint32_t at = s->rom_baud;
    sf_error e = sc_layout_make(c->device, c->flash_size, s->rom_baud, c->pid, c->bootloader_version, s->usart, &slow,
                                &s->eb);
    if (e)
        return e;
    unsigned usart = slow.usart;
    const sc_layout *sent = NULL;
    if (rate && slow.boot1_len) {
        e = sc_layout_make(c->device, c->flash_size, rate, c->pid, c->bootloader_version, s->usart, &lay, &s->eb);
        if (e == SF_OK && other_rate &&
            sc_layout_make(c->device, c->flash_size, other_rate, c->pid, c->bootloader_version, s->usart, &other,
                           NULL) != SF_OK)
            other_rate = 0;
        if (e == SF_OK)
            e = sf_stub_load_first_stage(s, &lay, rate, other_rate ? &other : NULL, other_rate, &slow, &at, &sent);
        if (e == SF_OK && at != rate) /* the first stage heard garbage there and followed us back */
            sf_rates_failed(plan, rate);
        if (e == SF_OK && other_rate && at != rate && at != other_rate)
            sf_rates_failed(plan, other_rate);
        if (e == SF_ERR_UNSUPPORTED) { /* nothing started: the whole stub through the ROM */
            sf_session_log(s, SF_LOG_INFO, "stub: %s", *s->err ? s->err : "no first stage here");
            s->err[0] = 0;
            e = SF_OK;
        }
    }
    if (e == SF_OK && !sent) {
        sent = &slow; /* at the ROM's rate, as it starts */
        sf_session_log(s, SF_LOG_INFO, "loading the stub: %zu bytes at 0x%08X, to talk on USART%u", slow.image_len,
                       slow.load, usart);
        for (size_t off = 0; e == SF_OK && off < slow.image_len; off += 256) {
            size_t n = slow.image_len - off < 256 ? slow.image_len - off : 256;
            e = an_write(&s->link, slow.load + (uint32_t)off, slow.image + off, n);
        }
        /* Write Memory's XOR checksum passes two flipped bits in one position. A damaged stub
         * that starts says so (its greeting's CRC), but damage in what runs before the greeting
         * could hang it where only a reset helps. On a line that has shown noise (a command
         * had to be repeated) the stub is read back before Go, and damaged blocks are written
         * again. */
        if (e == SF_OK && s->link.recoveries)
            e = check_loaded(s, slow.load, slow.image, slow.image_len);
        if (e == SF_OK && (e = an_go(&s->link, slow.load)) == SF_ERR_NACK) /* the ROM is still there */
            e = sf_fail(&s->eb, SF_ERR_UNSUPPORTED, "the bootloader refused Go to the stub at 0x%08X", slow.load);
    }
    sc_link *l = e ? NULL : new_link(s, at);
    if (e == SF_OK && !l)
        e = sf_fail(&s->eb, SF_ERR_NOMEM, "out of memory");
    if (e == SF_OK) {
        memcpy(&l->params, sent->image + SFS_PARAMS_OFFSET, sizeof l->params);
        *want_crc = sent->image_crc;
    }
    sc_layout_free(&lay);
    sc_layout_free(&other);
    sc_layout_free(&slow);
    if (e) {
        free(l);
        return e;
    }
    if ((e = sc_wait_hello(l, HELLO_MS))) {
        /* Did the chip stay in (or go back to) the bootloader? Then the ROM path still works.
         * Or did the line lose the greeting? A running stub greets again on the sync byte. */
        char why[sizeof s->err];
        memcpy(why, s->err, sizeof why);
        if (an_sync(&s->link, 500) == SF_OK) {
            if (s->link.stub_greeting && sc_finish_hello(l) == SF_OK) {
                *out = l;
                return SF_OK;
            }
            if (!s->link.stub_greeting) {
                free(l);
                return sf_fail(&s->eb, SF_ERR_UNSUPPORTED, "the stub did not start (%s); the bootloader still answers",
                               why);
            }
        }
        free(l);
        /* A stub on another USART than the line's is deaf: the usual cause on a board wired
         * to USART2 or USART3 (a Nucleo's ST-LINK port), so the sentence names the setting. */
        return sf_fail(&s->eb, SF_ERR_TIMEOUT, "the stub did not answer on USART%u after Go (%s) and the bootloader "
                       "no longer answers: if this board reaches the bootloader on another USART (a Nucleo's "
                       "ST-LINK port is usually USART2), reset it with BOOT0 high and retry with --usart N; "
                       "else retry with --no-stub (nothing was erased)", usart, why);
    }
    *out = l;
    return SF_OK;
}

static sf_error start(sf_session *s, sf_rate_plan *plan);

sf_error sf_stub_start(sf_session *s)
{
    if (s->link.listed && (!an_has(&s->link, AN_WRITE) || !an_has(&s->link, AN_GO)))
        return sf_fail(&s->eb, SF_ERR_UNSUPPORTED, "the bootloader has no Write Memory or Go command to load the stub");
    const sfi_usart *u = NULL;
    char why[200];
    sf_errbuf quiet = {why, sizeof why};
    sc_stub_usart(s->chip.device, s->usart, &u, &quiet);
    sf_rate_plan *plan = sf_rates_plan(s, u ? u->clock : 0);
    if (!plan)
        return sf_fail(&s->eb, SF_ERR_NOMEM, "out of memory");
    sf_error e = start(s, plan);
    sf_rates_done(s, plan);
    return e;
}

static sf_error start(sf_session *s, sf_rate_plan *plan)
{
    /* A noisy line can damage the image in a way the ROM's XOR checksum lets through: the stub
     * reports the CRC of what it found in RAM and a damaged one is sent back to the ROM at once
     * (Go to system memory, the one request it is given) and loaded again. */
    for (unsigned attempt = 1;; attempt++) {
        sc_link *l = NULL;
        uint32_t want = 0;
        sf_error e = load_and_start(s, plan, &l, &want);
        if (e)
            return e;
        if (l->image_crc == want) {
            s->stub = l;
            s->chip.stub_running = true;
            s->backend = &sf_backend_stub;
            if (l->baud != s->rom_baud) /* it started at its rate (its first stage took it there) */
                sf_session_log(s, SF_LOG_INFO, "stub: now at %u baud", l->baud);
            sf_error re = sf_rates_switch(s, plan);
            if (re)
                return re;
            /* The state the ROM showed once, read again through the stub: a line that damaged
             * it may have chosen another bank layout, which the stub was given. Or the state
             * left for the stub, read now. */
            const sf_device *d = s->chip.device;
            if ((re = sf_session_settle_chip_state(s)) == SF_OK && (re = sf_session_confirm_chip_state(s)) == SF_OK &&
                s->chip.device != d)
                re = sf_fail(&s->eb, SF_ERR_IO, "the option bytes read through the stub choose another bank layout "
                             "than the ROM's reading did (a noisy line); nothing was written: run it again");
            return re;
        }
        sf_session_log(s, SF_LOG_WARNING, "the stub arrived damaged in RAM (CRC32 %08X, sent %08X): %s", l->image_crc,
                       want, attempt < STUB_LOADS ? "loading it again" : "giving up");
        sc_go(l, s->chip.device->sysmem_base); /* its answer may be lost: the sync below tells */
        free(l);
        if (an_sync(&s->link, 2000) == SF_OK && !s->link.stub_greeting) {
            if (attempt < STUB_LOADS)
                continue;
            return sf_fail(&s->eb, SF_ERR_UNSUPPORTED, "the stub arrived damaged in RAM %u times (line noise?); the "
                           "bootloader still answers", attempt);
        }
        return sf_fail(&s->eb, SF_ERR_TIMEOUT, "the stub arrived damaged in RAM and did not go back to the "
                       "bootloader: reset the board with BOOT0 high and retry (nothing was erased)");
    }
}

sf_error sf_stub_adopt(sf_session *s)
{
    sf_error e = SF_OK;
    if (!s->stub) { /* an_sync took the first byte of the greeting */
        if (!(s->stub = new_link(s, s->rom_baud)))
            return sf_fail(&s->eb, SF_ERR_NOMEM, "out of memory");
        e = sc_finish_hello(s->stub);
        /* Not its greeting but another frame: a stub still busy with a stream a dead host left
         * (it only greets when idle). Let it work through what it holds (its acks), then a
         * request ends the stream. */
        if (e == SF_ERR_PROTOCOL && sc_probe(s->stub))
            e = SF_OK;
    }
    if (e == SF_OK)
        e = sc_info(s->stub);
    if (e) {
        sf_stub_forget_quietly(s);
        return e;
    }
    sf_chip *c = &s->chip;
    memset(c, 0, sizeof *c);
    s->backend = &sf_backend_stub;
    c->pid = (uint16_t)(s->stub->params.chip & 0xFFFF);
    c->bootloader_version = (uint8_t)(s->stub->params.chip >> 16);
    c->device = sf_device_find(c->pid);
    c->stub_running = true;
    if ((e = sf_session_read_chip_state(s))) {
        sf_stub_forget_quietly(s);
        return e;
    }
    sf_session_log(s, SF_LOG_INFO, "found the stub running at %u baud", s->stub->baud);
    return SF_OK;
}

bool sf_stub_find(sf_session *s)
{
    uint32_t rates[SF_STUB_RATES_MAX];
    size_t nrates = sf_stub_rates(s, rates);
    sc_link *l = new_link(s, s->rom_baud);
    if (!l)
        return false;
    s->stub = l; /* sf_stub_adopt takes over from here */
    if (sc_probe(l))
        return true;
    for (size_t i = 0; i < nrates; i++) {
        uint32_t r = rates[i];
        if (r == 0 || r == SF_STUB_BAUD_AUTO || r == s->rom_baud ||
            sf_port_set_format_eb(s->port, r, true, NULL) != SF_OK)
            continue;
        l->baud = r;
        if (sc_probe(l))
            return true;
    }
    sf_stub_forget_quietly(s);
    return false;
}
