/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stub_client.c - see stub_client.h. */
#define _POSIX_C_SOURCE 200809L
#include "stub_client.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "stub_image.h"

/* Worst-case flash figures for timeouts (DS5319: 16-bit programming 70 us, page erase 40 ms;
 * F4 sectors: 4 s for 128 KiB and 32 s for a mass erase, the x8 maxima of the F405/407
 * datasheet DS8626 as we recall them, so ample for the stub's x32). */
#define PROG_US_PER_BYTE 35u
#define PROG_US_PER_BYTE_L0 100u
#define ERASE_MS_PER_PAGE 40u
#define ERASE_MS_PER_128K_SECTOR 4000u
#define MASS_ERASE_MS_F1 1000u
#define MASS_ERASE_MS_SECTORS 32000u
#define STACK_RESERVE 2304u   /* deepest path ~2 KiB: the inflater's Huffman tables (-fstack-usage) */
#define STACK_RESERVE_STORED 512u /* a stub that inflates stored blocks only has no such tables */
#define MAX_RING 16384u
#define SMALL_PAYLOAD 256u    /* frames on parts with little RAM (10 KiB F1 low density) */
#define FRAME_WIRE(n) ((n) + SFS_HEADER + SFS_TRAILER)

static bool cancelled(const sc_link *l) { return l->cancel && atomic_load(l->cancel); }

unsigned sc_line_ms(const sc_link *l, size_t n) { return (unsigned)((uint64_t)n * 11000u / l->baud) + 1u; }

/* Sectors (F2/F4: 16 KiB and more) rather than pages. */
static bool has_sectors(const sc_link *l) { return l->params.page_size >= 16384u; }

/* Worst-case time to erase what covers bytes of flash (two units more for the ends). */
static unsigned erase_ms(const sc_link *l, uint64_t bytes)
{
    if (has_sectors(l))
        return (unsigned)((bytes / (128u * 1024u) + 2u) * ERASE_MS_PER_128K_SECTOR);
    uint32_t ps = l->params.page_size ? l->params.page_size : 1024;
    return (unsigned)((bytes / ps + 2u) * ERASE_MS_PER_PAGE);
}

unsigned sc_work_ms(const sc_link *l, uint64_t bytes)
{
    /* L0/L1 (pages of 256 bytes or less): 3.2 ms a 64-byte half-page, so 100 us a byte. */
    unsigned us = l->params.page_size && l->params.page_size <= 256u ? PROG_US_PER_BYTE_L0 : PROG_US_PER_BYTE;
    return (unsigned)(bytes * us / 1000u) + erase_ms(l, bytes);
}

static uint32_t stack_reserve(const sfi_family *f) { return f->inflate_stored ? STACK_RESERVE_STORED : STACK_RESERVE; }

/* Where the stub of family f ends in RAM (its parameter block says), 0 if it has none. */
static uint32_t stub_end(const sfi_family *f)
{
    const sfs_stub *k = &sfs_stubs[f - sfi_families];
    struct sfs_params p;
    memcpy(&p, k->image + SFS_PARAMS_OFFSET, sizeof p);
    return p.magic == SFS_PARAMS_MAGIC ? (p.image_end + 3u) & ~3u : 0;
}

const sfi_family *sc_stub_family(const sf_device *d)
{
    const sfi_family *last = NULL;
    for (size_t i = 0; d && !d->no_stub && i < SFI_FAMILY_COUNT; i++) {
        const sfi_family *f = &sfi_families[i];
        if (strcmp(f->name, d->family) != 0)
            continue;
        last = f;
        uint32_t end = stub_end(f);
        if (end && f->stub_load >= d->ram_base && end + stack_reserve(f) <= d->ram_end)
            return f;
    }
    return last;
}

static const sfs_stub *stub_for(const sf_device *d)
{
    const sfi_family *f = sc_stub_family(d);
    return f ? &sfs_stubs[f - sfi_families] : NULL;
}

bool sc_supports(const sf_device *d) { return stub_for(d) != NULL; }

/* USARTn's name as the device table has it ("USART2"). */
static bool lists_usart(const sf_device *d, unsigned n)
{
    char name[16];
    snprintf(name, sizeof name, "USART%u", n);
    for (unsigned i = 0; i < d->usart_count; i++)
        if (strcmp(d->usarts[i].name, name) == 0)
            return true;
    return false;
}

sf_error sc_stub_usart(const sf_device *d, unsigned usart, const sfi_usart **out, sf_errbuf *eb)
{
    for (unsigned n = 1; !usart && n <= 3; n++) /* the first the bootloader lists (USART1 mostly) */
        if (lists_usart(d, n))
            usart = n;
    if (!usart)
        usart = 1;
    if (d->usart_count && !lists_usart(d, usart)) {
        char list[160] = "";
        for (unsigned i = 0; i < d->usart_count; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s (%s/%s)", i ? ", " : "",
                     d->usarts[i].name, d->usarts[i].tx, d->usarts[i].rx);
        return sf_fail(eb, SF_ERR_ARG, "the %s's bootloader does not listen on USART%u: it listens on %s", d->name,
                       usart, list);
    }
    *out = sfi_usart_find(d->family, usart);
    if (!*out)
        return sf_fail(eb, SF_ERR_UNSUPPORTED, "the stub cannot talk on USART%u of the %s family yet", usart,
                       d->family);
    return SF_OK;
}

sf_error sc_layout_make(const sf_device *d, uint32_t flash_size, uint32_t baud, uint16_t pid, uint8_t bl_version,
                        unsigned usart, sc_layout *out, sf_errbuf *eb)
{
    memset(out, 0, sizeof *out);
    const sfi_usart *u;
    sf_error ue = d ? sc_stub_usart(d, usart, &u, eb) : SF_ERR_ARG;
    const sfs_stub *k = stub_for(d);
    if (!k && d && d->no_stub)
        return sf_fail(eb, SF_ERR_UNSUPPORTED, "%s", d->no_stub);
    if (!k)
        return sf_fail(eb, SF_ERR_UNSUPPORTED, "the stub has no flash driver for the %s family yet",
                       d ? d->family : "unknown");
    if (ue)
        return ue;
    struct sfs_params p;
    memcpy(&p, k->image + SFS_PARAMS_OFFSET, sizeof p);
    uint32_t end = (p.image_end + 3u) & ~3u;
    const sfi_family *fam = sc_stub_family(d);
    uint32_t stack = stack_reserve(fam);
    if (p.magic != SFS_PARAMS_MAGIC || k->load < d->ram_base || end + stack > d->ram_end)
        return sf_fail(eb, SF_ERR_UNSUPPORTED, "the stub (0x%08X-0x%08X) does not fit the RAM the bootloader leaves "
                       "free (0x%08X-0x%08X)", k->load, end, d->ram_base, d->ram_end);
    /* After the stub: its frame buffer, the receive ring (at least two frames), the inflater's
     * window (2^9..2^15; none for a stub of stored blocks: window_bits 0 tells the host to send
     * them), then the stack. Full-size frames where the RAM allows. */
    uint32_t room = d->ram_end - stack - end, payload = SFS_MAX_PAYLOAD;
    if (room < 3 * FRAME_WIRE(SFS_MAX_PAYLOAD) + 4096u)
        payload = SMALL_PAYLOAD;
    uint32_t fbuf = (FRAME_WIRE(payload) + 3u) & ~3u, min_ring = 2 * FRAME_WIRE(payload), bits = 15;
    uint32_t least_window = fam->inflate_stored ? 0u : 512u;
    if (room < fbuf + min_ring + least_window)
        return sf_fail(eb, SF_ERR_UNSUPPORTED, "%u bytes of RAM after the stub are too few for its buffers", room);
    room -= fbuf;
    while (bits > 9 && (1u << bits) + min_ring > room)
        bits--;
    if (fam->inflate_stored)
        bits = 0;
    uint32_t ring = room - (bits ? 1u << bits : 0u);
    if (ring > MAX_RING)
        ring = MAX_RING;
    /* The USART the ROM answered on and its receive DMA (families/usarts.txt). A request
     * wired to its channel needs no routing: route then names its own value, in the stub. */
    out->usart = u->n;
    p.usart = u->regs;
    p.uart_clock = u->clock;
    p.rx_dma = u->rx_dma;
    p.rx_dma_on = u->rx_dma_on;
    p.route = u->route ? u->route : k->load + SFS_PARAMS_OFFSET + (uint32_t)offsetof(struct sfs_params, route_value);
    p.route_value = u->route_value;
    p.brr = (p.uart_clock + baud / 2u) / baud;
    p.page_size = d->layout[0].size;
    /* Bank 2 of this part (the device table: fixed on H7, G4 and L1 cat.5/6, half the flash on
     * the others, after 512 KiB on the F1 XL; none on the H750). */
    p.bank2_base = sf_device_bank2_base(d, flash_size);
    p.frame = end;
    p.max_payload = payload;
    p.ring = end + fbuf;
    p.ring_size = ring;
    p.window = p.ring + ring;
    p.window_bits = bits;
    p.chip = pid | (uint32_t)bl_version << 16;
    out->image_len = (*k->len + 3u) & ~(size_t)3;
    out->image = calloc(1, out->image_len);
    if (!out->image)
        return sf_fail(eb, SF_ERR_NOMEM, "out of memory");
    memcpy(out->image, k->image, *k->len);
    memcpy(out->image + SFS_PARAMS_OFFSET, &p, sizeof p);
    out->load = k->load;
    out->ram_top = d->ram_end & ~7u;
    sc_put32(out->image, out->ram_top); /* initial stack pointer */
    out->image_crc = (uint32_t)crc32(0, out->image, (uInt)*k->len);
    out->boot1 = k->boot1;
    out->boot1_len = *k->boot1_len;
    return SF_OK;
}

void sc_layout_free(sc_layout *l)
{
    free(l->image);
    l->image = NULL;
}

/* ---- frames ---- */

static size_t stuff(uint8_t *out, const uint8_t *in, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (in[i] == SFS_SYNC || in[i] == SFS_ESC) {
            out[o++] = SFS_ESC;
            out[o++] = in[i] ^ SFS_ESC_XOR;
        } else {
            out[o++] = in[i];
        }
    }
    return o;
}

/* The most bytes a host -> stub frame takes on the line: every byte after SOF may be stuffed. */
#define WIRE_MAX (1 + 2 * (SFS_HEADER - 1 + SFS_MAX_PAYLOAD + SFS_TRAILER))

static size_t frame_encode(uint8_t *out, uint8_t seq, uint8_t cmd, const uint8_t *payload, size_t len)
{
    uint8_t h[SFS_HEADER - 1] = {(uint8_t)len, (uint8_t)(len >> 8), seq, cmd}, t[SFS_TRAILER];
    uLong crc = crc32(0, h, sizeof h);
    if (len) /* zlib's crc32() of a NULL buffer is its initial value, not crc */
        crc = crc32(crc, payload, (uInt)len);
    sc_put32(t, (uint32_t)crc);
    size_t o = 0;
    out[o++] = SFS_SOF;
    o += stuff(out + o, h, sizeof h);
    o += stuff(out + o, payload, len);
    o += stuff(out + o, t, sizeof t);
    return o;
}

sf_error sc_send_frame(sc_link *l, uint8_t seq, uint8_t cmd, const uint8_t *payload, size_t len)
{
    uint8_t f[WIRE_MAX];
    return sf_port_write_eb(l->port, f, frame_encode(f, seq, cmd, payload, len), l->eb);
}

/* Next received byte by the deadline (sf_now_ms), or -1. */
static int rx_byte(sc_link *l, uint64_t deadline)
{
    while (l->rx_head == l->rx_len) {
        uint64_t now = sf_now_ms();
        size_t got = 0;
        l->rx_head = l->rx_len = 0;
        if (sf_port_read_some_eb(l->port, l->rx, sizeof l->rx, &got, now >= deadline ? 0 : (unsigned)(deadline - now),
                                 NULL) != SF_OK)
            return -1;
        l->rx_len = got;
        if (!got && sf_now_ms() >= deadline)
            return -1;
    }
    return l->rx[l->rx_head++];
}

void sc_sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void rx_drop(sc_link *l)
{
    l->rx_head = l->rx_len = 0;
    sf_port_flush_input(l->port);
}

/* The rest of a frame whose SOF was taken. */
static sf_error finish_frame(sc_link *l, uint8_t *seq, uint8_t *cmd, uint8_t *payload, size_t *len, uint64_t deadline)
{
    uint8_t h[SFS_HEADER + SFS_MAX_PAYLOAD + SFS_TRAILER] = {SFS_SOF};
    for (int i = 1; i < SFS_HEADER; i++) {
        int c = rx_byte(l, deadline);
        if (c < 0)
            return SF_ERR_TIMEOUT;
        h[i] = (uint8_t)c;
    }
    size_t n = h[1] | (size_t)h[2] << 8;
    if (n > SFS_MAX_PAYLOAD)
        return SF_ERR_PROTOCOL;
    for (size_t i = 0; i < n + SFS_TRAILER; i++) {
        int c = rx_byte(l, deadline);
        if (c < 0)
            return SF_ERR_TIMEOUT;
        h[SFS_HEADER + i] = (uint8_t)c;
    }
    if (crc32(0, h + 1, (uInt)(SFS_HEADER - 1 + n)) != sc_get32(h + SFS_HEADER + n))
        return SF_ERR_PROTOCOL;
    *seq = h[3];
    *cmd = h[4];
    *len = n;
    memcpy(payload, h + SFS_HEADER, n);
    return SF_OK;
}

/* One frame by the deadline: SF_OK, SF_ERR_TIMEOUT, or SF_ERR_PROTOCOL for a bad CRC. */
sf_error sc_recv_frame(sc_link *l, uint8_t *seq, uint8_t *cmd, uint8_t *payload, size_t *len, uint64_t deadline)
{
    int c;
    do {
        if ((c = rx_byte(l, deadline)) < 0)
            return SF_ERR_TIMEOUT;
    } while (c != SFS_SOF);
    /* A frame that has begun is read to its end even past the caller's deadline (callers wait
     * in short slices): giving up halfway would lose it, and the next SOF is in the payload. */
    uint64_t rest = sf_now_ms() + 200 + sc_line_ms(l, FRAME_WIRE(SFS_MAX_PAYLOAD));
    return finish_frame(l, seq, cmd, payload, len, rest > deadline ? rest : deadline);
}

static bool is_hello(uint8_t cmd, const uint8_t *p, size_t n)
{
    return cmd == SFS_HELLO && n >= 5 && memcmp(p, "SFST", 4) == 0;
}

static sf_error check_hello(sc_link *l, const uint8_t *p, size_t n)
{
    if (p[4] != SFS_VERSION)
        return sf_fail(l->eb, SF_ERR_PROTOCOL, "the stub on the chip speaks protocol version %u, this library %u: "
                       "reset the board", p[4], SFS_VERSION);
    if (n < 11)
        return sf_fail(l->eb, SF_ERR_PROTOCOL, "the stub's greeting is %zu bytes, expected 11", n);
    l->image_crc = sc_get32(p + 7);
    return SF_OK;
}

sf_error sc_wait_hello(sc_link *l, unsigned timeout_ms)
{
    uint64_t deadline = sf_now_ms() + timeout_ms;
    uint8_t seq, cmd, p[SFS_MAX_PAYLOAD];
    size_t n;
    for (;;) {
        sf_error e = sc_recv_frame(l, &seq, &cmd, p, &n, deadline);
        if (e == SF_ERR_TIMEOUT)
            return sf_fail(l->eb, SF_ERR_TIMEOUT, "the stub did not greet within %u ms of Go", timeout_ms);
        if (e == SF_OK && is_hello(cmd, p, n))
            return check_hello(l, p, n);
    }
}

sf_error sc_finish_hello(sc_link *l)
{
    uint8_t seq, cmd, p[SFS_MAX_PAYLOAD];
    size_t n;
    sf_error e = finish_frame(l, &seq, &cmd, p, &n, sf_now_ms() + 200 + sc_line_ms(l, 16));
    if (e || !is_hello(cmd, p, n))
        return sf_fail(l->eb, SF_ERR_PROTOCOL, "a frame that is not the stub's greeting answered the sync byte");
    return check_hello(l, p, n);
}

/* Stop-and-wait: send, wait for the reply with the same sequence, resend on silence or a bad
 * CRC. Returns the reply payload (status first); SF_ERR_NACK if the status is not OK. */
sf_error sc_request(sc_link *l, uint8_t cmd, const uint8_t *payload, size_t len, uint8_t *reply, size_t *rlen,
                        unsigned work_ms)
{
    uint8_t seq = ++l->seq, rseq, rcmd;
    int attempts = l->attempts ? (int)l->attempts : SC_ATTEMPTS;
    unsigned timeout = 300 + 2 * sc_line_ms(l, FRAME_WIRE(len) + FRAME_WIRE(SFS_MAX_PAYLOAD)) + work_ms;
    for (int attempt = 0; attempt < attempts; attempt++) {
        if (cancelled(l))
            return sf_fail(l->eb, SF_ERR_CANCELLED, "cancelled");
        sf_error e = sc_send_frame(l, seq, cmd, payload, len);
        if (e)
            return e;
        uint64_t deadline = sf_now_ms() + timeout;
        while ((e = sc_recv_frame(l, &rseq, &rcmd, reply, rlen, deadline)) != SF_ERR_TIMEOUT) {
            if (e || rseq != seq || rcmd != (cmd | SFS_REPLY) || *rlen == 0)
                continue; /* noise, or the answer to an earlier try */
            if (reply[0] == SFS_EBADCRC)
                break; /* our frame was damaged on the way: send it again */
            return reply[0] == SFS_OK ? SF_OK : SF_ERR_NACK;
        }
    }
    return sf_fail(l->eb, SF_ERR_TIMEOUT, "the stub did not answer request 0x%02X (%d tries of %u ms)", cmd,
                   attempts, timeout);
}

void sc_drain(sc_link *l, unsigned quiet_ms, unsigned max_ms)
{
    uint64_t end = sf_now_ms() + max_ms;
    while (sf_now_ms() < end) {
        size_t got = 0;
        l->rx_head = l->rx_len = 0;
        if (sf_port_read_some_eb(l->port, l->rx, sizeof l->rx, &got, quiet_ms, NULL) != SF_OK || got == 0)
            break;
    }
    l->rx_head = l->rx_len = 0;
}

bool sc_probe(sc_link *l)
{
    /* A host that went away may have left the stub in the middle of a frame: fill it. */
    static const uint8_t zeros[FRAME_WIRE(SFS_MAX_PAYLOAD)];
    sf_errbuf *eb = l->eb;
    l->eb = NULL;
    bool ok = sf_port_write_eb(l->port, zeros, sizeof zeros, NULL) == SF_OK;
    if (ok) {
        sc_sleep_ms(sc_line_ms(l, sizeof zeros));
        sc_drain(l, 200, 30000); /* a busy stub first works through what it holds */
        uint8_t reply[SFS_MAX_PAYLOAD];
        size_t n;
        uint8_t seq = l->seq;
        l->attempts = 2; /* a probe: a stub that is there answers at once */
        ok = sc_request(l, SFS_PING, (const uint8_t *)"sf", 2, reply, &n, 0) == SF_OK;
        l->attempts = 0;
        if (!ok)
            l->seq = seq;
    }
    l->eb = eb;
    return ok;
}

static const char *status_name(uint8_t st)
{
    switch (st) {
    case SFS_EBADCRC: return "damaged request";
    case SFS_EUNKNOWN: return "unknown request";
    case SFS_EARG: return "bad arguments";
    case SFS_EFLASH: return "flash error";
    case SFS_EINFLATE: return "invalid compressed data";
    case SFS_EABORT: return "interrupted";
    case SFS_ELENGTH: return "wrong length";
    default: return "error";
    }
}

/* What a flash status register bit means, per flash controller kind (families.txt: flash; the
 * reference manuals' FLASH_SR; stub/protocol.h for SFS_SR_MISMATCH). */
#define K_F1 (1u << SFI_FLASH_F1)
#define K_F4 (1u << SFI_FLASH_F4)
#define K_L4 (1u << SFI_FLASH_L4)
#define K_L0 (1u << SFI_FLASH_L0)
#define K_H7 (1u << SFI_FLASH_H7)
#define K_L5 ((1u << SFI_FLASH_L5) | (1u << SFI_FLASH_U5)) /* the L4's bits 1-7 in NSSR (RM0438 6.9, the
                                                           * U5's too: stm32u575xx.h FLASH_NSSR_*), no MISERR */
#define K_NOTZERO 0x80u /* only where families.txt says notzeroerr=yes */
_Static_assert(SFI_FLASH_KINDS < 8, "flash kinds fit sr_bit.kinds below K_NOTZERO");

typedef struct sr_bit {
    uint8_t kinds;
    uint32_t bit;
    const char *text;
} sr_bit;

static const sr_bit sr_bits[] = {
    {K_F1, 1u << 2, "PGERR, the cells were not erased"},
    {K_F1, 1u << 4, "WRPRTERR, the page is write-protected"},
    {K_F4 | K_L4 | K_L5, 1u << 1, "OPERR"},
    {K_L4 | K_L5, 1u << 3, "PROGERR, the cells were not erased"},
    {K_F4 | K_L4 | K_L5, 1u << 4, "WRPERR, write-protected"},
    {K_F4 | K_L4 | K_L5, 1u << 5, "PGAERR, misaligned"},
    {K_F4, 1u << 6, "PGPERR, wrong width"},
    {K_L4 | K_L5, 1u << 6, "SIZERR, wrong width"},
    {K_F4 | K_L4 | K_L5, 1u << 7, "PGSERR (ERSERR on the F7), wrong sequence"},
    {K_L4, 1u << 8, "MISERR"},
    {K_L0, 1u << 8, "WRPERR, write-protected"},
    {K_L0, 1u << 9, "PGAERR, misaligned"},
    {K_L0, 1u << 10, "SIZERR, wrong width"},
    {K_L0 | K_NOTZERO, 1u << 16, "NOTZEROERR, the cells were not erased"},
    {K_H7, 1u << 17, "WRPERR, write-protected"},
    {K_H7, 1u << 18, "PGSERR, wrong sequence"},
    {K_H7, 1u << 19, "STRBERR"},
    {K_H7, 1u << 21, "INCERR, inconsistent write"},
    {K_H7, 1u << 22, "OPERR"},
    {K_F4 | K_L4 | K_L5 | K_L0 | K_H7, SFS_SR_MISMATCH, "the cells did not take the data (not erased?)"},
};

static bool sr_bit_applies(const sr_bit *b, const sfi_family *f)
{
    return (b->kinds & (1u << f->flash_kind)) && (!(b->kinds & K_NOTZERO) || f->notzeroerr);
}

sf_error sc_flash_error(sc_link *l, uint32_t addr, uint32_t sr, const char *after)
{
    const sf_device *d = sf_device_find((uint16_t)(l->params.chip & 0xFFFFu));
    const sfi_family *f = sfi_family_named(d ? d->family : NULL);
    char why[256] = "";
    for (size_t i = 0; f && i < sizeof sr_bits / sizeof sr_bits[0]; i++)
        if ((sr & sr_bits[i].bit) && sr_bit_applies(&sr_bits[i], f))
            snprintf(why + strlen(why), sizeof why - strlen(why), "%s%s", why[0] ? "; " : " ", sr_bits[i].text);
    return sf_fail(l->eb, SF_ERR_VERIFY, "the flash controller refused 0x%08X (SR 0x%08X:%s)%s", addr, sr,
                   why[0] ? why : " no known flag", after);
}

static sf_error simple(sc_link *l, uint8_t cmd, const uint8_t *p, size_t len, uint8_t *reply, size_t *rlen,
                       unsigned work_ms, const char *what)
{
    sf_error e = sc_request(l, cmd, p, len, reply, rlen, work_ms);
    if (e == SF_ERR_NACK) {
        if (reply[0] == SFS_EFLASH && *rlen >= 9)
            return sc_flash_error(l, sc_get32(reply + 1), sc_get32(reply + 5), "");
        return sf_fail(l->eb, SF_ERR_PROTOCOL, "stub: %s: %s", what, status_name(reply[0]));
    }
    return e;
}

sf_error sc_info(sc_link *l)
{
    /* Which family's stub runs is not known yet: look where each loads, in the table's order
     * (families.txt puts the F1 first: its address is RAM on every part; the others' may not
     * be on a small F1). */
    uint8_t r[4 * SFS_PARAMS_WORDS];
    size_t k = 0;
    for (;; k++) {
        sf_error e = sc_read(l, sfs_stubs[k].load + SFS_PARAMS_OFFSET, r, sizeof r);
        if (e)
            return e;
        if (sc_get32(r) == SFS_PARAMS_MAGIC)
            break;
        if (k + 1 == SFI_FAMILY_COUNT)
            return sf_fail(l->eb, SF_ERR_PROTOCOL, "stub: no parameter block where any stub loads (0x%08X and on)",
                           sfs_stubs[0].load + SFS_PARAMS_OFFSET);
    }
    uint32_t w[SFS_PARAMS_WORDS];
    for (int i = 0; i < SFS_PARAMS_WORDS; i++)
        w[i] = sc_get32(r + 4 * i);
    memcpy(&l->params, w, sizeof l->params);
    return SF_OK;
}

bool sc_rate_possible(uint32_t clock, uint32_t baud)
{
    uint32_t brr = baud ? (clock + baud / 2u) / baud : 0;
    double actual = brr ? (double)clock / brr : 0;
    return brr >= 16 && brr <= 0xFFFF && actual / baud <= 1.02 && actual / baud >= 0.98;
}

bool sc_baud_possible(const sc_link *l, uint32_t baud) { return sc_rate_possible(l->params.uart_clock, baud); }

sf_error sc_set_baud(sc_link *l, uint32_t baud)
{
    if (baud == l->baud)
        return SF_OK;
    uint32_t old = l->baud, brr = (l->params.uart_clock + baud / 2u) / baud;
    if (!sc_baud_possible(l, baud))
        return sf_fail(l->eb, SF_ERR_UNSUPPORTED, "the stub's USART cannot make %u baud from %u Hz", baud,
                       l->params.uart_clock);
    uint8_t p[4], r[SFS_MAX_PAYLOAD];
    size_t n;
    sc_put32(p, brr);
    sf_error e = simple(l, SFS_BAUD, p, 4, r, &n, 0, "baud");
    if (e)
        return e;
    if (sf_port_set_format_eb(l->port, baud, true, NULL) != SF_OK) {
        /* The adapter cannot do it: a byte that is not a frame sends the stub back. */
        static const uint8_t nudge = 0x00;
        sf_port_write_eb(l->port, &nudge, 1, NULL);
        if (sc_request(l, SFS_PING, (const uint8_t *)"back", 4, r, &n, 0) == SF_OK)
            return sf_fail(l->eb, SF_ERR_UNSUPPORTED, "the port cannot do %u baud; staying at %u", baud, old);
        return sf_fail(l->eb, SF_ERR_TIMEOUT, "the stub is lost after a change to %u baud: reset the board", baud);
    }
    l->baud = baud;
    /* The stub switches once its answer has left its USART: a real chip needs microseconds
     * and a USB adapter hands the answer over later than that; a simulated one samples the
     * probe only once it has switched (its CPU thread reads the line after the switch). */
    struct timespec settle = {0, 200000};
    nanosleep(&settle, NULL);
    rx_drop(l);
    /* The probe: an echo of every bit pattern a marginal rate gets wrong first (long runs of
     * 0s and 1s, alternating bits, all byte values' edges), in CRC-checked frames both ways.
     * One try: a stub that heard garbage went back to the old rate at once. */
    uint8_t probe[64];
    for (size_t i = 0; i < sizeof probe; i++)
        probe[i] = (uint8_t)(i < 16 ? (i & 1 ? 0xFF : 0x00) : i < 32 ? (i & 1 ? 0x55 : 0xAA) : i * 37u + 1u);
    sf_errbuf *eb = l->eb;
    l->eb = NULL;
    l->attempts = 1;
    e = sc_request(l, SFS_PING, probe, sizeof probe, r, &n, 0);
    l->attempts = 0;
    l->eb = eb;
    if (e == SF_OK) /* its frame's CRC held: anything but our bytes back is a stub gone wrong */
        return n == sizeof probe + 1 && memcmp(r + 1, probe, sizeof probe) == 0
                   ? SF_OK
                   : sf_fail(l->eb, SF_ERR_PROTOCOL, "the stub's echo at %u baud is not what was sent", baud);
    /* Not heard: our garbage made the stub go back to the old rate (protocol.h). */
    sf_port_set_format_eb(l->port, old, true, NULL);
    l->baud = old;
    rx_drop(l);
    if (sc_request(l, SFS_PING, (const uint8_t *)"back", 4, r, &n, 0) == SF_OK)
        return sf_fail(l->eb, SF_ERR_UNSUPPORTED, "no answer at %u baud (the link cannot carry it?); staying at %u",
                       baud, old);
    return sf_fail(l->eb, SF_ERR_TIMEOUT, "the stub is lost after a change to %u baud: reset the board", baud);
}

sf_error sc_crc32(sc_link *l, uint32_t addr, uint32_t len, uint32_t *crc)
{
    return sc_unit_crcs(l, addr, len, 1, crc);
}

sf_error sc_unit_crcs(sc_link *l, uint32_t addr, uint32_t unit, uint32_t count, uint32_t *crcs)
{
    uint32_t most = (l->params.max_payload - 1u) / 4u;
    if (most > 255)
        most = 255;
    while (count) {
        uint32_t k = count < most ? count : most;
        uint8_t p[9], r[SFS_MAX_PAYLOAD];
        size_t n;
        sc_put32(p, addr);
        sc_put32(p + 4, unit);
        p[8] = (uint8_t)k;
        sf_error e = simple(l, SFS_CRCS, p, 9, r, &n, 100 + (unsigned)((uint64_t)k * unit / 10000), "crcs");
        if (e)
            return e;
        if (n != 1 + 4 * k)
            return sf_fail(l->eb, SF_ERR_PROTOCOL, "stub: page crcs: %zu bytes for %u pages", n, k);
        for (uint32_t i = 0; i < k; i++)
            crcs[i] = sc_get32(r + 1 + 4 * i);
        crcs += k;
        addr += k * unit;
        count -= k;
    }
    return SF_OK;
}

/* One READ request: data frames, then the status with the CRC of all of them. */
static sf_error read_once(sc_link *l, uint8_t seq, uint32_t addr, uint8_t *buf, uint32_t len)
{
    uint8_t p[8], r[SFS_MAX_PAYLOAD], rseq, rcmd;
    size_t n, got = 0;
    sc_put32(p, addr);
    sc_put32(p + 4, len);
    sf_error e = sc_send_frame(l, seq, SFS_READ, p, 8);
    if (e)
        return e;
    unsigned wait = 500 + 2 * sc_line_ms(l, len + (len / 1000 + 2) * 10);
    uint64_t deadline = sf_now_ms() + wait;
    for (int sends = 1;;) {
        /* Nothing back yet: the same request again (a slow link's answer to the first one
         * still counts: it carries the same sequence number). */
        if ((e = sc_recv_frame(l, &rseq, &rcmd, r, &n, deadline)) == SF_ERR_TIMEOUT && got == 0 && sends < 3) {
            sends++;
            if ((e = sc_send_frame(l, seq, SFS_READ, p, 8)))
                return e;
            deadline = sf_now_ms() + wait;
            continue;
        }
        if (e)
            return e;
        if (rseq != seq || rcmd != (SFS_READ | SFS_REPLY) || n == 0)
            continue;
        if (r[0] == SFS_MORE) {
            if (got + n - 1 > len)
                return SF_ERR_PROTOCOL;
            memcpy(buf + got, r + 1, n - 1);
            got += n - 1;
            continue;
        }
        if (r[0] != SFS_OK || n < 5)
            return sf_fail(l->eb, SF_ERR_PROTOCOL, "stub: read: %s", status_name(r[0]));
        if (got != len || crc32(0, buf, len) != sc_get32(r + 1))
            return SF_ERR_PROTOCOL;
        return SF_OK;
    }
}

/* A read goes in pieces, each checked by the CRC32 the stub sends last. A piece that fails (a
 * damaged frame) is asked for again at half the size, down to READ_MIN_PIECE (the stub's reply
 * frames shrink with it: at a bit error rate of 1e-4 a 16 KiB piece never arrives whole, a
 * 256-byte one three times in four); pieces that arrive grow again. */
#define READ_MAX_PIECE 16384u
#define READ_MIN_PIECE 256u
#define READ_FAILS 8 /* failures in a row at the smallest piece before giving up */

sf_error sc_read(sc_link *l, uint32_t addr, uint8_t *buf, size_t len)
{
    size_t done = 0;
    uint32_t piece = READ_MAX_PIECE;
    int fails = 0;
    while (done < len) {
        if (cancelled(l))
            return sf_fail(l->eb, SF_ERR_CANCELLED, "cancelled at 0x%08X", addr + (uint32_t)done);
        uint32_t k = len - done < piece ? (uint32_t)(len - done) : piece;
        sf_error e = read_once(l, ++l->seq, addr + (uint32_t)done, buf + done, k);
        if (e == SF_OK) {
            done += k;
            fails = 0;
            if (piece < READ_MAX_PIECE)
                piece *= 2;
            if (l->progress)
                l->progress(l->progress_user, done, len);
            continue;
        }
        if (e != SF_ERR_TIMEOUT && e != SF_ERR_PROTOCOL)
            return e;
        if (piece > READ_MIN_PIECE)
            piece /= 2;
        else if (++fails == READ_FAILS)
            return sf_fail(l->eb, e, "stub: reading 0x%08X failed %d times", addr + (uint32_t)done, READ_FAILS);
        /* Let the rest of the answer pass, then drop it. */
        sc_sleep_ms(50);
        rx_drop(l);
    }
    return SF_OK;
}

sf_error sc_erase(sc_link *l, uint32_t addr, uint32_t len)
{
    uint8_t p[8], r[SFS_MAX_PAYLOAD];
    size_t n;
    sc_put32(p, addr);
    sc_put32(p + 4, len);
    unsigned work = len != SFS_ERASE_ALL ? erase_ms(l, len)
                    : has_sectors(l) ? MASS_ERASE_MS_SECTORS : MASS_ERASE_MS_F1;
    return simple(l, SFS_ERASE, p, 8, r, &n, work, "erase");
}

sf_error sc_go(sc_link *l, uint32_t addr)
{
    uint8_t p[4], r[SFS_MAX_PAYLOAD];
    size_t n;
    sc_put32(p, addr);
    return simple(l, SFS_GO, p, 4, r, &n, 0, "go");
}

sf_error sc_reset(sc_link *l)
{
    uint8_t r[SFS_MAX_PAYLOAD];
    size_t n;
    return simple(l, SFS_RESET, NULL, 0, r, &n, 0, "reset");
}
