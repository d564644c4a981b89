/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stub_first_stage.c - the stub loaded in two stages (stub/protocol.h, SFB_*): a first stage of
 * about 850 bytes through the ROM's Write Memory (four blocks instead of sixteen), then the
 * whole stub in one transfer at the stub's rate. The first stage greets at that rate; a host
 * that cannot make it talks at the ROM's rate instead and the first stage follows it there.
 * There the host offers it one other fast rate (an adapter that divides its clock may miss
 * 921600 and make 3 Mbaud exactly), and failing that the stub starts at the ROM's rate (it
 * changes rate afterwards as before). A transfer the line keeps damaging ends in a reset into
 * the ROM, which then takes the stub block by block. */
#define _POSIX_C_SOURCE 200809L
#include "session_internal.h"

#include <stdio.h>
#include <string.h>
#include <zlib.h>

#define FAST_HELLO_MS 250 /* Go's second ACK to the first stage's greeting at the new rate (it
                           * greets again every few ms: a simulator's first start is slower) */
#define RATE_HELLO_MS 50  /* its greeting at the rate offered (it runs already) */
#define HELLO_WAIT_MS 150 /* the first stage's greeting at the ROM's rate, */
#define NUDGES 5          /* for each of this many nudges */
#define FIRST_NUDGE_MS 10 /* for the first, usually taken for garbage */
#define SENDS 3           /* transfers the first stage may find damaged */

/* The next byte from the first stage within ms that is not part of its greeting (the rest of
 * one it was sending when the transfer began). */
static sf_error answer_byte(sf_session *s, uint8_t *b, unsigned ms)
{
    uint64_t end = sf_now_ms() + ms;
    for (;;) {
        uint64_t now = sf_now_ms();
        size_t got = 0;
        if (now >= end)
            return sf_fail(&s->eb, SF_ERR_TIMEOUT, "no answer from the first stage within %u ms", ms);
        sf_error e = sf_port_read_eb(s->port, b, 1, &got, (unsigned)(end - now), &s->eb);
        if (e)
            return e;
        if (got && !memchr(SFB_HELLO, *b, 4))
            return SF_OK;
    }
}

/* A request to the first stage: "LOAD", then two little-endian words (a length and a CRC32, or
 * SFB_RATE and a BRR, or SFB_BACK and 0). */
static void load_request(uint8_t req[12], uint32_t len, uint32_t word)
{
    memcpy(req, SFB_LOAD, 4);
    sc_put32(req + 4, len);
    sc_put32(req + 8, word);
}

/* The transfer: "LOAD", length, CRC32, then the image in chunks, at most SFB_WINDOW of them
 * unacknowledged (the first stage's ring holds that much); *answer is its verdict. */
static sf_error send_stub(sf_session *s, const sc_layout *lay, uint32_t baud, uint8_t *answer)
{
    uint8_t head[12];
    load_request(head, (uint32_t)lay->image_len, (uint32_t)crc32(0, lay->image, (uInt)lay->image_len));
    sf_error e = sf_port_flush_input(s->port);
    if (e == SF_OK)
        e = sf_port_write_eb(s->port, head, sizeof head, &s->eb);
    /* A window's bytes at 11 bits each (8E1), and some; the CRC at the end: a few ms. */
    unsigned wait = (unsigned)(SFB_WINDOW * SFB_CHUNK * 11u * 1000u / baud) + 300u;
    size_t sent = 0, acked = 0;
    while (e == SF_OK && acked + SFB_CHUNK <= lay->image_len) {
        while (e == SF_OK && sent < lay->image_len && sent - acked < SFB_WINDOW * SFB_CHUNK) {
            size_t n = lay->image_len - sent < SFB_CHUNK ? lay->image_len - sent : SFB_CHUNK;
            e = sf_port_write_eb(s->port, lay->image + sent, n, &s->eb);
            sent += n;
        }
        if (e == SF_OK && (e = answer_byte(s, answer, wait)) == SF_OK) {
            if (*answer != SFB_ACK)
                return SF_OK; /* a verdict before the end: SFB_BAD for the length */
            acked += SFB_CHUNK;
        }
    }
    while (e == SF_OK && sent < lay->image_len) { /* the rest, under a chunk */
        size_t n = lay->image_len - sent;
        e = sf_port_write_eb(s->port, lay->image + sent, n, &s->eb);
        sent += n;
    }
    if (e == SF_OK)
        e = answer_byte(s, answer, wait);
    return e;
}

/* The stub to the first stage at baud, sent again if it arrived damaged; SF_OK once it ran. */
static sf_error transfer(sf_session *s, const sc_layout *lay, uint32_t baud)
{
    for (int t = 1;; t++) {
        uint8_t a = 0;
        sf_error e = send_stub(s, lay, baud, &a);
        if (e)
            return e;
        if (a == SFB_OK)
            return SF_OK;
        if (a != SFB_BAD || t == SENDS)
            return sf_fail(&s->eb, SF_ERR_PROTOCOL, "the stub's first stage answered 0x%02X", a);
        sf_session_log(s, SF_LOG_WARNING, "the stub reached the first stage damaged: sending it again");
    }
}

/* Its greeting: "SFB1" among what arrives within ms (skipping what a wrong rate garbled). The
 * first stage greets again and again until the host talks: GARBLED bytes without one are
 * sixteen greetings an adapter could not take at this rate, not worth waiting out the rest
 * of ms. Once, though, they may be what reached the adapter before its rate changed and came
 * out of it only after the flush (a USB adapter's latency, a loaded machine): those are
 * dropped and the count starts again. */
#define GARBLED 64
static bool greeted(sf_session *s, unsigned ms)
{
    const char *hello = SFB_HELLO;
    uint8_t buf[64];
    size_t matched = 0, heard = 0;
    bool dropped = false;
    uint64_t end = sf_now_ms() + ms;
    while (matched < 4 && sf_now_ms() < end) {
        if (heard >= GARBLED) {
            if (dropped)
                break;
            dropped = true;
            heard = matched = 0;
            sf_port_flush_input(s->port);
        }
        size_t got = 0;
        if (sf_port_read_some_eb(s->port, buf, sizeof buf, &got, (unsigned)(end - sf_now_ms() + 1), NULL) &&
            !got)
            continue;
        for (size_t i = 0; i < got && matched < 4; i++, heard++)
            matched = buf[i] == (uint8_t)hello[matched] ? matched + 1 : buf[i] == (uint8_t)hello[0];
    }
    return matched == 4;
}

/* At the ROM's rate, where the first stage goes when what the host sends at the fast rate
 * comes as garbage: its greeting, for a nudge (sent again a few times). A first stage still
 * at the fast rate takes the first nudge for that garbage and answers only the next: the
 * first wait is short. */
static sf_error greeting_at_rom_rate(sf_session *s)
{
    sf_error e = sf_port_set_format_eb(s->port, s->rom_baud, true, &s->eb);
    for (int t = 0; e == SF_OK && t < NUDGES; t++) {
        uint8_t nudge = SFB_NUDGE;
        if ((e = sf_port_flush_input(s->port)) || (e = sf_port_write_eb(s->port, &nudge, 1, &s->eb)))
            break;
        if (greeted(s, t ? HELLO_WAIT_MS : FIRST_NUDGE_MS))
            return SF_OK;
    }
    return e ? e : sf_fail(&s->eb, SF_ERR_TIMEOUT, "no greeting from the first stage at %u baud", s->rom_baud);
}

/* At the ROM's rate, the first stage answering there: another fast rate offered (SFB_RATE,
 * its BRR from the layout's parameters), then the stub at it. */
static sf_error offer_rate(sf_session *s, const sc_layout *lay, uint32_t rate)
{
    struct sfs_params p;
    memcpy(&p, lay->image + SFS_PARAMS_OFFSET, sizeof p);
    uint8_t req[12], a = 0;
    load_request(req, SFB_RATE, p.brr);
    sf_error e = sf_port_write_eb(s->port, req, sizeof req, &s->eb);
    if (e == SF_OK && (e = answer_byte(s, &a, HELLO_WAIT_MS)) == SF_OK && a != SFB_OK)
        e = sf_fail(&s->eb, SF_ERR_PROTOCOL, "the first stage answered 0x%02X to %u baud", a, rate);
    /* Its answer came at the ROM's rate after all we sent: the adapter is empty, it may switch.
     * The first stage greets at the new rate until we talk, as after Go. */
    if (e == SF_OK && (e = sf_port_set_format_eb(s->port, rate, true, &s->eb)) == SF_OK &&
        (e = sf_port_flush_input(s->port)) == SF_OK && !greeted(s, RATE_HELLO_MS))
        e = sf_fail(&s->eb, SF_ERR_TIMEOUT, "no greeting within %u ms, or only garbage", RATE_HELLO_MS);
    return e ? e : transfer(s, lay, rate);
}

/* SFB_BACK at the fast rate and at the ROM's (the first stage is at one of them): a reset. */
static void back_to_rom(sf_session *s, uint32_t rate)
{
    uint8_t back[12]; /* the request for a reset into the ROM */
    load_request(back, SFB_BACK, 0);
    uint32_t rates[2] = {rate, s->rom_baud};
    for (int i = 0; i < 2; i++)
        if (sf_port_set_format_eb(s->port, rates[i], true, NULL) == SF_OK) {
            sf_port_write_eb(s->port, back, sizeof back, NULL);
            sc_sleep_ms(20); /* out of the adapter before the rate changes */
        }
    sf_port_flush_input(s->port);
}

bool sf_stub_reset_first_stage(sf_session *s)
{
    static const uint8_t fill[64]; /* completes a transfer it was in the middle of */
    uint8_t back[12]; /* the request for a reset into the ROM */
    load_request(back, SFB_BACK, 0);
    uint32_t rates[SF_STUB_RATES_MAX + 1];
    size_t n = sf_stub_rates(s, rates);
    rates[n++] = s->baud;
    bool all = true;
    for (size_t i = 0; all && i < n; i++) {
        if (rates[i] == 0 || rates[i] == SF_STUB_BAUD_AUTO ||
            sf_port_set_format_eb(s->port, rates[i], true, NULL) != SF_OK)
            continue;
        /* A port nobody reads (a pseudo-terminal without its other end) does not take them:
         * the first write that times out ends the attempt. */
        bool taken = true;
        size_t pieces = (SFB_OFFSET + sizeof back) / sizeof fill + 1;
        for (size_t k = 0; taken && k < pieces; k++)
            taken = sf_port_write_eb(s->port, fill, sizeof fill, NULL) == SF_OK;
        if (!taken || sf_port_write_eb(s->port, back, sizeof back, NULL) != SF_OK) {
            all = false;
            break;
        }
        /* Out of the adapter at this rate before the next one is set: 11 bits a byte. */
        sc_sleep_ms((unsigned)((pieces * sizeof fill + sizeof back) * 11u * 1000u / rates[i]) + 20u);
    }
    sf_port_set_format_eb(s->port, s->baud, true, NULL);
    sf_port_flush_input(s->port);
    return all;
}

sf_error sf_stub_load_first_stage(sf_session *s, const sc_layout *fast, uint32_t rate, const sc_layout *other,
                                  uint32_t other_rate, const sc_layout *slow, uint32_t *at, const sc_layout **sent)
{
    const sf_device *d = s->chip.device;
    uint32_t b1 = fast->load + SFB_OFFSET, ring = b1 + SFB_SIZE;
    uint8_t img[SFB_SIZE]; /* the first stage and its CRC (boot1.ld: the stack has the rest) */
    size_t len = (fast->boot1_len + 3u) & ~(size_t)3;
    struct sfs_params p, have;
    if (!fast->boot1_len || len + 4u > sizeof img || ring + SFB_RING > d->ram_end)
        return SF_ERR_UNSUPPORTED; /* no first stage, or no room for it and its ring */
    memset(img, 0, sizeof img);
    memcpy(img, fast->boot1, fast->boot1_len);
    memcpy(&have, img + SFS_PARAMS_OFFSET, sizeof have);
    if (have.magic != SFB_PARAMS_MAGIC)
        return SF_ERR_UNSUPPORTED;
    /* The stub's USART and DMA parameters at the fast rate, with the first stage's ring. */
    memcpy(&p, fast->image + SFS_PARAMS_OFFSET, sizeof p);
    p.magic = SFB_PARAMS_MAGIC;
    p.ring = ring;
    p.ring_size = SFB_RING;
    struct sfb_params bp = {(p.uart_clock + s->rom_baud / 2u) / s->rom_baud, fast->load, SFB_OFFSET, (uint32_t)len};
    memcpy(img + SFS_PARAMS_OFFSET, &p, sizeof p);
    memcpy(img + SFS_PARAMS_OFFSET + sizeof p, &bp, sizeof bp);
    sc_put32(img + len, (uint32_t)crc32(0, img, (uInt)len)); /* what it checks itself against */
    len += 4;
    sf_session_log(s, SF_LOG_INFO, "loading the stub: %zu bytes at 0x%08X through its first stage (%zu bytes at "
                   "0x%08X) at %u baud, to talk on USART%u", fast->image_len, fast->load, len, b1, rate, fast->usart);
    sf_error e = SF_OK;
    for (size_t off = 0; off < len && e == SF_OK; off += 256)
        e = an_write(&s->link, b1 + (uint32_t)off, img + off, len - off < 256 ? len - off : 256);
    if (e == SF_OK && (e = an_go(&s->link, b1)) == SF_ERR_NACK)
        return sf_fail(&s->eb, SF_ERR_UNSUPPORTED, "the bootloader refused Go to the stub's first stage at 0x%08X", b1);
    if (e)
        return e;
    /* From here the ROM is gone: the first stage listens at rate. What came before the switch
     * (its first greetings, heard at the ROM's rate) is garbage that greeted() must not count. */
    e = sf_port_set_format_eb(s->port, rate, true, &s->eb);
    if (e == SF_OK)
        e = sf_port_flush_input(s->port);
    if (e == SF_OK && !greeted(s, FAST_HELLO_MS))
        e = sf_fail(&s->eb, SF_ERR_TIMEOUT, "no greeting within %u ms, or only garbage", FAST_HELLO_MS);
    if (e == SF_OK) {
        e = transfer(s, fast, rate);
        if (e == SF_OK) {
            *at = rate;
            *sent = fast;
            return SF_OK;
        }
    }
    sf_session_log(s, SF_LOG_INFO, "stub: no answer at %u baud (%s)", rate, s->err);
    s->err[0] = 0;
    e = greeting_at_rom_rate(s);
    if (e == SF_OK && other) { /* an adapter that cannot make one rate may make another */
        if ((e = offer_rate(s, other, other_rate)) == SF_OK) {
            *at = other_rate;
            *sent = other;
            return SF_OK;
        }
        sf_session_log(s, SF_LOG_INFO, "stub: no answer at %u baud either (%s)", other_rate, s->err);
        s->err[0] = 0;
        e = greeting_at_rom_rate(s);
    }
    if (e == SF_OK)
        sf_session_log(s, SF_LOG_INFO, "stub: sending it at %u baud", s->rom_baud);
    if (e == SF_OK && (e = transfer(s, slow, s->rom_baud)) == SF_OK) {
        *at = s->rom_baud;
        *sent = slow;
        return SF_OK;
    }
    /* Heard, but the stub did not get through in one piece: a noisy line. A reset takes the
     * chip back to the ROM (BOOT0 is high), whose Write Memory goes block by block. */
    char why[sizeof s->err];
    snprintf(why, sizeof why, "%s", *s->err ? s->err : "no answer");
    back_to_rom(s, rate);
    s->err[0] = 0;
    if (an_sync(&s->link, 2000) == SF_OK && !s->link.stub_greeting) {
        sf_session_log(s, SF_LOG_WARNING, "the stub's first stage could not take the stub (%s): loading it through "
                       "the ROM", why);
        return SF_ERR_UNSUPPORTED;
    }
    sf_port_set_format_eb(s->port, s->rom_baud, true, NULL);
    return sf_fail(&s->eb, SF_ERR_TIMEOUT, "the stub's first stage did not answer on USART%u (at %u or %u baud) and "
                   "the bootloader no longer answers: if this board reaches the bootloader on another USART (a "
                   "Nucleo's ST-LINK port is usually USART2), reset it with BOOT0 high and retry with --usart N; "
                   "else retry with --no-stub (nothing was erased)", fast->usart, rate, s->rom_baud);
}
