/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ymodem.c - see stubflash/ymodem.h. YMODEM as Chuck Forsberg's "XMODEM/YMODEM Protocol
 * Reference" (1988) describes it: SOH/STX blocks with the block number and its complement,
 * CRC-16/XMODEM (polynomial 0x1021, initial 0) high byte first, block 0 carrying the file name
 * and size, EOT answered by NAK then ACK, and an empty block 0 ending the batch. */
#define _POSIX_C_SOURCE 200809L
#include "sf_internal.h"
#include "stubflash/ymodem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { SOH = 0x01, STX = 0x02, EOT = 0x04, ACK = 0x06, NAK = 0x15, CAN = 0x18, CRC_REQ = 'C', CPMEOF = 0x1A };
#define TRIES 10
#define BLOCK_MS 10000 /* an answer to a block: the receiver may be programming flash */

static uint16_t crc16(const uint8_t *d, size_t n)
{
    uint16_t crc = 0;
    while (n--) {
        crc ^= (uint16_t)(*d++ << 8);
        for (int i = 0; i < 8; i++)
            crc = (uint16_t)(crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    return crc;
}

typedef struct tx {
    sf_port *port;
    const sf_ymodem_opts *o;
    sf_errbuf *eb;
    uint8_t can_seen;
} tx;

static bool cancelled(const tx *t) { return t->o->cancel && *t->o->cancel; }

/* The receiver's next control byte (ACK, NAK, 'C', CAN twice); anything else is skipped. */
static sf_error answer(tx *t, unsigned timeout_ms, uint8_t *got)
{
    uint64_t deadline = sf_now_ms() + timeout_ms;
    for (;;) {
        if (cancelled(t))
            return sf_fail(t->eb, SF_ERR_CANCELLED, "cancelled");
        uint64_t now = sf_now_ms();
        if (now >= deadline)
            return sf_fail(t->eb, SF_ERR_TIMEOUT, "the YMODEM receiver did not answer within %u ms", timeout_ms);
        uint8_t b;
        size_t n = 0;
        unsigned slice = deadline - now > 100 ? 100 : (unsigned)(deadline - now);
        sf_error e = sf_port_read_some_eb(t->port, &b, 1, &n, slice, t->eb);
        if (e)
            return e;
        if (n == 0)
            continue;
        if (b == CAN) {
            if (++t->can_seen >= 2)
                return sf_fail(t->eb, SF_ERR_PROTOCOL, "the YMODEM receiver cancelled the transfer (CAN CAN): it may "
                               "not take a file this size, or its flash failed");
            continue;
        }
        t->can_seen = 0;
        if (b == ACK || b == NAK || b == CRC_REQ) {
            *got = b;
            return SF_OK;
        }
    }
}

/* A receiver may drop its input right after it sends 'C' (lrzsz's rb does): a block that
 * arrives at once, as over a pty or a fast bridge, would be thrown away. */
static void after_c(void)
{
    struct timespec ts = {0, 100 * 1000000L};
    nanosleep(&ts, NULL);
}

/* A block on the wire: SOH (128 bytes) or STX (1024), number, complement, data, CRC-16. */
static size_t frame_block(uint8_t *blk, uint8_t seq, const uint8_t *data, size_t size)
{
    blk[0] = size == 1024 ? STX : SOH;
    blk[1] = seq;
    blk[2] = (uint8_t)~seq;
    memcpy(blk + 3, data, size);
    uint16_t crc = crc16(data, size);
    blk[3 + size] = (uint8_t)(crc >> 8);
    blk[4 + size] = (uint8_t)crc;
    return size + 5;
}

/* Send one block until it is acknowledged. */
static sf_error send_block(tx *t, uint8_t seq, const uint8_t *data, size_t size)
{
    uint8_t blk[3 + 1024 + 2];
    frame_block(blk, seq, data, size);
    for (int i = 0; i < TRIES; i++) {
        /* Control bytes from before this block (the receiver repeats 'C' while it waits) are
         * stale: what comes after it answers it. */
        sf_port_flush_input(t->port);
        sf_error e = sf_port_write_eb(t->port, blk, size + 5, t->eb);
        uint8_t a = 0;
        if (e == SF_OK)
            e = answer(t, BLOCK_MS, &a);
        if (e == SF_OK && a == ACK)
            return SF_OK;
        if (e && e != SF_ERR_TIMEOUT)
            return e;
        if (e == SF_OK && a == CRC_REQ) /* it did not get the block and asks again */
            after_c();
    }
    return sf_fail(t->eb, SF_ERR_PROTOCOL, "YMODEM block %u was refused %d times (a noisy line, or the receiver "
                   "is not in YMODEM mode)", seq, TRIES);
}

/* Block 0: "name\0size\0", padded with zeros. */
static sf_error header(tx *t, const char *name, size_t len)
{
    uint8_t b[128] = {0};
    size_t n = strlen(name); /* at most 100 (sf_ymodem_send) */
    memcpy(b, name, n);
    snprintf((char *)b + n + 1, sizeof b - n - 1, "%zu", len);
    return send_block(t, 0, b, sizeof b);
}

sf_error sf_ymodem_opts_init(sf_ymodem_opts *opts, unsigned version)
{
    if (!opts || version != SF_YMODEM_OPTS_VERSION)
        return SF_ERR_ARG;
    *opts = (sf_ymodem_opts)SF_YMODEM_OPTS_INIT;
    return SF_OK;
}

sf_error sf_ymodem_send(sf_port *port, const char *name, const uint8_t *data, size_t len,
                        const sf_ymodem_opts *opts, char *err, size_t errlen)
{
    sf_errbuf eb = {err, errlen};
    if (err && errlen)
        err[0] = 0;
    /* The caller's options, of its version, over this version's defaults. Version 1 is the
     * whole struct; a version 2 would copy only version 1's members from a version 1 caller. */
    sf_ymodem_opts own = SF_YMODEM_OPTS_INIT;
    if (opts && opts->version != SF_YMODEM_OPTS_VERSION)
        return sf_fail(&eb, SF_ERR_ARG, "YMODEM: options of version %u; this library knows version %u "
                       "(initialise them with SF_YMODEM_OPTS_INIT)", opts->version, SF_YMODEM_OPTS_VERSION);
    if (opts)
        own = *opts;
    const sf_ymodem_opts *o = &own;
    if (!port || (!data && len) || !name)
        return sf_fail(&eb, SF_ERR_ARG, "YMODEM: no port, data or name");
    if (strlen(name) > 100)
        return sf_fail(&eb, SF_ERR_ARG, "YMODEM: the file name '%s' is longer than 100 bytes", name);
    tx t = {.port = port, .o = o, .eb = &eb};
    sf_error e = sf_port_set_format_eb(port, o->baud ? o->baud : 115200, false, &eb);
    if (e)
        return e;
    sf_port_flush_input(port);
    if (o->start && *o->start && (e = sf_port_write_eb(port, (const uint8_t *)o->start, strlen(o->start), &eb)))
        return e;
    uint8_t a = 0;
    unsigned wait = o->wait_ms ? o->wait_ms : 30000;
    do
        if ((e = answer(&t, wait, &a))) {
            if (e == SF_ERR_TIMEOUT)
                return sf_fail(&eb, e, "no YMODEM receiver asked for a file ('C') within %u ms: is the application "
                               "waiting for a download (its menu's download entry; --ymodem-start)?", wait);
            return e;
        }
    while (a != CRC_REQ);
    after_c();
    sf_port_flush_input(port); /* more 'C's it sent while we were not there yet */
    if ((e = header(&t, name, len)) || (e = answer(&t, BLOCK_MS, &a)))
        return e;
    if (a != CRC_REQ)
        return sf_fail(&eb, SF_ERR_PROTOCOL, "the YMODEM receiver took the file name but did not ask for the data");
    after_c();
    uint8_t seq = 1;
    for (size_t off = 0; off < len; off += 1024, seq++) {
        uint8_t blk[1024];
        size_t n = len - off < 1024 ? len - off : 1024;
        memcpy(blk, data + off, n);
        size_t size = n <= 128 ? 128 : 1024; /* a short tail goes in a 128-byte block */
        memset(blk + n, CPMEOF, size - n);
        if ((e = send_block(&t, seq, blk, size))) {
            static const uint8_t abort_it[] = {CAN, CAN, CAN, CAN, CAN};
            if (e == SF_ERR_CANCELLED)
                sf_port_write_eb(port, abort_it, sizeof abort_it, NULL);
            return e;
        }
        if (o->progress)
            o->progress(off + n, len, o->progress_user);
    }
    /* EOT: the receiver NAKs the first (to be sure) and ACKs the second. */
    for (int i = 0; i < TRIES; i++) {
        static const uint8_t eot = EOT;
        if ((e = sf_port_write_eb(port, &eot, 1, &eb)))
            return e;
        e = answer(&t, BLOCK_MS, &a);
        if (e == SF_OK && a == ACK)
            break;
        if (e && e != SF_ERR_TIMEOUT)
            return e;
        if (i == TRIES - 1)
            return sf_fail(&eb, SF_ERR_PROTOCOL, "the YMODEM receiver did not acknowledge the end of the file");
    }
    /* It asks for the next file: none. */
    if ((e = answer(&t, BLOCK_MS, &a)))
        return e == SF_ERR_TIMEOUT ? SF_OK : e; /* some receivers (ST's IAP) stop after one file */
    if (a != CRC_REQ)
        return SF_OK;
    /* The file is in (its EOT was acknowledged): the empty block that ends the batch is a
     * courtesy, sent once; a receiver that has already left (lrzsz's rb sometimes does) does
     * not make the transfer fail. */
    after_c();
    uint8_t empty[128] = {0}, blk[3 + 128 + 2];
    sf_port_flush_input(port);
    if ((e = sf_port_write_eb(port, blk, frame_block(blk, 0, empty, sizeof empty), &eb)))
        return e;
    answer(&t, 1000, &a);
    return SF_OK;
}

sf_error sf_image_flatten(const sf_image *img, uint8_t **out, size_t *len, uint32_t *base)
{
    uint32_t start, end;
    sf_image_bounds(img, &start, &end);
    if (end <= start)
        return SF_ERR_FILE;
    uint8_t *buf = malloc(end - start);
    if (!buf)
        return SF_ERR_NOMEM;
    memset(buf, 0xFF, end - start);
    for (size_t i = 0; i < sf_image_segment_count(img); i++) {
        uint32_t addr;
        const uint8_t *d;
        size_t n;
        if (sf_image_segment(img, i, &addr, &d, &n) == SF_OK)
            memcpy(buf + (addr - start), d, n);
    }
    *out = buf;
    *len = end - start;
    *base = start;
    return SF_OK;
}
