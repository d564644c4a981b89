/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stub.c - the RAM stub: started by the ROM bootloader's Go, it raises the clock, sets the
 * USART up at the rate the host patched in, greets, and serves framed requests (protocol.h).
 * Freestanding Thumb code, built once per flash controller family (stub/meson.build). */
#include "chip.h"
#include "crc32.h"
#include "flash.h"
#include "stub.h"

extern unsigned int _stack_top, _bss_start, _end, _image_end;
void stub_main(void);

#ifdef STUB_HOST
#define IMAGE_END 0u /* the fuzz harness's host build is not linked by stub.ld */
#else
#define IMAGE_END ((unsigned int)&_end)
#endif

/* The vector table Go reads (SP, PC), then the host's parameter block. */
__attribute__((section(".head"), used)) static const void *const head[2] = {&_stack_top, (void *)stub_main};
__attribute__((section(".params"), used)) volatile struct sfs_params params = {
    .magic = SFS_PARAMS_MAGIC, .image_end = IMAGE_END, .page_size = 2048u};

unsigned char *frame;
static unsigned int rpos, wpos, trial_brr, image_crc;

#ifdef STUB_HOST
/* The fuzz harness (tests/fuzz/fuzz_stub.c) runs the stub once per input: a fresh bss. */
void stub_host_reset(void) { rpos = wpos = trial_brr = image_crc = 0; }
#endif

/* The next byte as it came over the line. */
static unsigned char rx_raw(void)
{
    while (rpos == wpos)
        wpos = chip_uart_rx_pos();
    unsigned char c = ((volatile unsigned char *)params.ring)[rpos];
    if (++rpos == params.ring_size)
        rpos = 0;
    return c;
}

/* The next byte of a frame, unstuffed (protocol.h: SFS_ESC). */
static unsigned char rx(void)
{
    unsigned char c = rx_raw();
    return c == SFS_ESC ? rx_raw() ^ SFS_ESC_XOR : c;
}

void put32(unsigned char *p, unsigned int v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

unsigned int get32(const unsigned char *p)
{
    return (unsigned int)p[0] | (unsigned int)p[1] << 8 | (unsigned int)p[2] << 16 | (unsigned int)p[3] << 24;
}

void frame_send(unsigned char seq, unsigned char cmd, const unsigned char *payload, unsigned int len)
{
    unsigned char h[SFS_HEADER] = {SFS_SOF, (unsigned char)len, (unsigned char)(len >> 8), seq, cmd}, t[4];
    put32(t, sfs_crc32(sfs_crc32(0, h + 1, SFS_HEADER - 1), payload, len));
    for (unsigned int i = 0; i < SFS_HEADER; i++)
        chip_uart_put(h[i]);
    for (unsigned int i = 0; i < len; i++)
        chip_uart_put(payload[i]);
    for (unsigned int i = 0; i < 4; i++)
        chip_uart_put(t[i]);
}

int frame_receive(int sync_ok)
{
    for (;;) {
        unsigned char c = rx_raw(); /* SOF and 0x7F are never stuffed */
        if (c != SFS_SOF) {
            if (trial_brr) { /* garbage right after a baud change: the host could not follow */
                params.brr = trial_brr;
                chip_uart_brr(trial_brr);
                trial_brr = 0;
            }
            if (c == SFS_SYNC && sync_ok)
                return FRAME_SYNC;
            continue;
        }
        frame[0] = c;
        unsigned int len = 0;
        for (unsigned int i = 1; i < SFS_HEADER + len + SFS_TRAILER; i++) {
            frame[i] = rx();
            if (i == 2 && (len = frame[1] | (unsigned int)frame[2] << 8) > params.max_payload)
                break; /* not a frame the host sent: wait for the next SOF */
        }
        if (len > params.max_payload)
            continue;
        if (sfs_crc32(0, frame + 1, SFS_HEADER - 1 + len) != get32(frame + SFS_HEADER + len))
            return FRAME_BADCRC;
        trial_brr = 0;
        return (int)len;
    }
}

static void reply(unsigned char seq, unsigned char cmd, const unsigned char *p, unsigned int len)
{
    frame_send(seq, cmd | SFS_REPLY, p, len);
}

static void status(unsigned char seq, unsigned char cmd, unsigned char st) { reply(seq, cmd, &st, 1); }

static void hello(void)
{
    /* "SFST", version, max payload (16 bits), image CRC, as three little-endian words: the
     * smallest code (the stub is within bytes of its 4 KiB budget). */
    unsigned int h[3] = {0x54534653u, SFS_VERSION | params.max_payload << 8 | image_crc << 24, image_crc >> 8};
    frame_send(0, SFS_HELLO, (const unsigned char *)h, 11);
}

/* ERASE: a page range, or everything. Doing it twice (a repeated request) does no harm. */
static void erase(unsigned char seq, const unsigned char *p)
{
    unsigned char out[9];
    out[0] = SFS_OK;
    unsigned int addr = get32(p), len = get32(p + 4), fail = addr, err = 0;
    if (len == SFS_ERASE_ALL) {
        err = flash_mass_erase(params.bank2_base);
    } else {
        for (unsigned int a = addr, size; a < addr + len && !err; a += size) {
            fail = a = flash_unit_of(a, &size);
            err = flash_erase_page(a, params.bank2_base);
        }
    }
    unsigned int n = 1;
    if (err) {
        out[0] = SFS_EFLASH;
        put32(out + 1, fail);
        put32(out + 5, err);
        n = 9;
    }
    reply(seq, SFS_ERASE, out, n);
}

static void read(unsigned char seq, const unsigned char *p)
{
    unsigned int addr = get32(p), len = get32(p + 4), crc = sfs_crc32(0, (const unsigned char *)addr, len);
    while (len) {
        unsigned int n = len < params.max_payload - 1u ? len : params.max_payload - 1u;
        frame[0] = SFS_MORE; /* the request is no longer needed: build replies in frame[] */
        for (unsigned int i = 0; i < n; i++)
            frame[1 + i] = ((const volatile unsigned char *)addr)[i];
        reply(seq, SFS_READ, frame, n + 1);
        addr += n;
        len -= n;
    }
    frame[0] = SFS_OK;
    put32(frame + 1, crc);
    reply(seq, SFS_READ, frame, 5);
}

static void handle(unsigned char seq, unsigned char cmd, unsigned char *p, unsigned int len)
{

    switch (cmd) {
    case SFS_PING:
        p[-1] = SFS_OK; /* the byte before the payload is the command: reuse it */
        reply(seq, cmd, p - 1, len + 1);
        return;
    case SFS_CRCS: {
        unsigned int a = get32(p), size = get32(p + 4), n = p[8];
        if (len != 9 || 1u + 4u * n > params.max_payload)
            break;
        frame[0] = SFS_OK; /* the request is read: build the reply in the frame buffer */
        for (unsigned int i = 0; i < n; i++, a += size)
            put32(frame + 1 + 4 * i, sfs_crc32(0, (const unsigned char *)a, size));
        reply(seq, cmd, frame, 1 + 4 * n);
        return;
    }
    case SFS_READ:
        if (len != 8 || get32(p + 4) > SFS_READ_MAX)
            break;
        read(seq, p);
        return;
    case SFS_ERASE:
        if (len != 8)
            break;
        erase(seq, p);
        return;
    case SFS_BAUD: {
        unsigned int brr = len == 4 ? get32(p) : 0;
        if (brr < 16u || brr > 0xFFFFu)
            break;
        status(seq, cmd, SFS_OK); /* chip_uart_brr lets it out before the switch */
        trial_brr = params.brr;
        params.brr = brr;
        chip_uart_brr(brr);
        return;
    }
    case SFS_GO:
        if (len != 4)
            break;
        status(seq, cmd, SFS_OK);
        chip_go(get32(p));
    case SFS_RESET:
        status(seq, cmd, SFS_OK);
        chip_reset();
    case SFS_ZDATA:
        stream_resend_end(); /* a stream that ended: its end was lost, or these were in flight */
        return;
    default:
        status(seq, cmd, SFS_EUNKNOWN);
        return;
    }
    status(seq, cmd, SFS_EARG);
}

void stub_main(void)
{
#ifndef STUB_HOST /* on the host, stub_host_reset() and stream_host_reset() stand in for this */
    for (unsigned int *p = &_bss_start; p < &_end; p++) /* nothing else clears it */
        *p = 0;
    /* The image as the ROM stored it, before anything changes it: the ROM's Write Memory has
     * only an XOR checksum, which two flipped bits in one position pass. The host compares
     * this CRC (in HELLO) with what it sent and sends nothing else to a damaged stub. */
    const unsigned char *image = (const unsigned char *)head;
    image_crc = sfs_crc32(0, image, (unsigned int)((const unsigned char *)&_image_end - image));
#endif
    frame = (unsigned char *)params.frame;
    chip_clock_init();
    chip_uart_init(params.brr, (unsigned char *)params.ring, params.ring_size);
    hello();
    int n = 0, pending = 0;
    for (;;) {
        if (!pending)
            n = frame_receive(1);
        pending = 0;
        if (n == FRAME_SYNC) {
            hello();
        } else if (n == FRAME_BADCRC) {
            status(frame[3], frame[4], SFS_EBADCRC);
        } else if (frame[4] == SFS_ZBEGIN) {
            if (stream_run(frame[3], (unsigned int)n)) {
                pending = 1; /* the request that interrupted it: serve it now */
                n = (int)(frame[1] | (unsigned int)frame[2] << 8);
            }
        } else {
            handle(frame[3], frame[4], frame + SFS_HEADER, (unsigned int)n);
        }
    }
}
