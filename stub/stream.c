/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stream.c - ZBEGIN/ZDATA: inflate deflate data straight into flash as frames arrive.
 * Each ZDATA frame is acknowledged when it is taken from the receive ring, before its bytes are
 * programmed, so the host can keep the ring full (protocol.h). Pages are erased as the output
 * reaches them (not when already blank) and units that would be programmed to the erased value
 * are not (an erased cell already holds it). On the first error nothing more is written. */
#include "crc32.h"
#include "flash.h"
#include "inflate.h"
#include "stub.h"

static struct {
    unsigned int addr, end, flags;
    unsigned int fail_sr;        /* flash SR on a flash error */
    unsigned char status;        /* SFS_OK until something fails */
    unsigned char expect;        /* next ZDATA sequence number */
    unsigned char nak_sent;      /* one NAK per expected sequence */
    unsigned char interrupted;   /* frame[] holds another request */
#ifdef FLASH_BUFFERED
    unsigned int unit[FLASH_UNIT / 4]; /* the half-page or flash word being assembled (flash.h) */
#else
    flash_word unit;             /* the program unit being assembled (flash.h: FLASH_UNIT) */
#endif
    unsigned char end_frame[13];  /* the last ZEND, sent again if it was lost */
} st;

#ifdef STUB_HOST
void stream_host_reset(void) { st = (__typeof__(st)){0}; }
#endif

static void reply(unsigned char seq, unsigned char status)
{
    frame_send(seq, SFS_ZDATA | SFS_REPLY, &status, 1);
}

/* The inflater's input: the payload of the next ZDATA frame in sequence, acknowledged as it is
 * taken; -1 if the stream must stop. Once another request interrupted the stream, frame[]
 * holds it: read no further. */
static int fill(void *ctx, const unsigned char **next)
{
    (void)ctx;
    while (!st.interrupted) {
        int n = frame_receive(0);
        if (n == FRAME_BADCRC) {
            if (!st.nak_sent)
                reply(st.expect, SFS_ESEQ);
            st.nak_sent = 1;
            continue;
        }
        unsigned char seq = frame[3];
        if (frame[4] != SFS_ZDATA) {
            st.interrupted = 1;
            st.status = SFS_EABORT;
            break;
        }
        if (seq == st.expect) {
            reply(seq, SFS_OK);
            st.expect++;
            st.nak_sent = 0;
            *next = frame + SFS_HEADER;
            if (n)
                return n;
        } else if ((unsigned char)(st.expect - seq) < 128u) {
            reply((unsigned char)(st.expect - 1u), SFS_OK); /* a repeat: ack again */
        } else if (!st.nak_sent) {
            reply(st.expect, SFS_ESEQ);
            st.nak_sent = 1;
        }
    }
    return -1;
}

static int blank(unsigned int addr, unsigned int len)
{
    for (const unsigned int *p = (const unsigned int *)addr; len; len -= 4)
        if (*p++ != FLASH_ERASED_WORD)
            return 0;
    return 1;
}

/* Erase the page that starts at a, unless it is blank (or a is inside a page): the flash SR's
 * error bits, or 0. */
static __attribute__((noinline)) unsigned int erase_at(unsigned int a)
{
    unsigned int size;
    return flash_unit_of(a, &size) == a && !blank(a, size) ? flash_erase_page(a, params.bank2_base) : 0u;
}

static int fail(unsigned int sr, unsigned int where)
{
    st.status = SFS_EFLASH;
    st.fail_sr = sr;
    st.addr = where;
    return 1;
}

/* The inflater's output, a run of bytes at a time: erase each page as the output reaches it,
 * program each unit once it is whole. Address and unit stay in registers within a run. */
static int out_run(void *ctx, const unsigned char *p, unsigned int n)
{
    (void)ctx;
    unsigned int a = st.addr, where, sr;
#ifndef FLASH_BUFFERED
    flash_word unit = st.unit;
#endif
    for (; n; n--, a++) {
        unsigned int off = a & (FLASH_UNIT - 1u);
        if (a >= st.end) {
            st.status = SFS_ELENGTH;
            break;
        }
        if (!off) {
            /* Erasing as it goes: each unit waits for the one before it to be programmed (a
             * few cycles of assembling it no longer overlap that; decoding the next run still
             * does), so that a page is erased only with nothing under way. */
            if (st.flags & SFS_ZFLAG_ERASE) {
                if ((sr = flash_sync(&where)))
                    return fail(sr, where);
                if ((sr = erase_at(a)))
                    return fail(sr, a);
            }
#ifndef FLASH_BUFFERED
            unit = 0;
#endif
        }
#ifdef FLASH_BUFFERED
        ((unsigned char *)st.unit)[off] = *p++;
        if (off == FLASH_UNIT - 1u && !blank((unsigned int)st.unit, FLASH_UNIT) &&
            (sr = flash_program_async(a - off, st.unit, params.bank2_base, &where)))
            return fail(sr, where);
#else
        unit |= (flash_word)*p++ << (8u * off);
        if (off == FLASH_UNIT - 1u && unit != FLASH_UNIT_ERASED &&
            (sr = flash_program_async(a - off, unit, params.bank2_base, &where)))
            return fail(sr, where);
#endif
    }
    st.addr = a;
#ifndef FLASH_BUFFERED
    st.unit = unit;
#endif
    return st.status != SFS_OK;
}

int stream_run(unsigned char seq, unsigned int len)
{
    const unsigned char *p = frame + SFS_HEADER;
    st.addr = get32(p);
    st.end = st.addr + get32(p + 4);
    st.flags = p[8];
    st.status = SFS_OK;
    st.fail_sr = 0;
    st.interrupted = 0;
    st.nak_sent = 0;
    st.expect = (unsigned char)(seq + 1u);
    unsigned char status = SFS_OK;
    unsigned int size;
    if (len != 9 || ((st.addr | st.end) & (FLASH_UNIT - 1u)) ||
        ((st.flags & SFS_ZFLAG_ERASE) && flash_unit_of(st.addr, &size) != st.addr))
        status = SFS_EARG;
    frame_send(seq, SFS_ZBEGIN | SFS_REPLY, &status, 1);
    if (status)
        return 0;
    /* The first page is erased while its data arrives (into the ring, by DMA), not once the
     * first frame is in: a failure here shows again, and is reported, when out_run erases it. */
    if (st.flags & SFS_ZFLAG_ERASE)
        erase_at(st.addr);
    unsigned int start = st.addr;
    struct sfs_inflater inf; /* sfs_inflate sets the state; no memset in the stub */
    inf.fill = fill;
    inf.out = out_run;
    inf.ctx = 0;
    inf.window = (unsigned char *)params.window;
    inf.window_bits = params.window_bits;
    int rc = sfs_inflate(&inf);
    unsigned int where, sr = flash_sync(&where);
    if (sr && st.status != SFS_EFLASH)
        fail(sr, where);
    if (rc && st.status == SFS_OK) {
        st.status = SFS_EINFLATE;
        st.fail_sr = (unsigned int)-rc;
    }
    if (st.status == SFS_OK && st.addr != st.end)
        st.status = SFS_ELENGTH;
    st.end_frame[0] = st.status;
    put32(st.end_frame + 1, st.addr);
    put32(st.end_frame + 5, st.fail_sr);
    put32(st.end_frame + 9, sfs_crc32(0, (const unsigned char *)start, st.end - start));
    stream_resend_end();
    return st.interrupted;
}

void stream_resend_end(void)
{
    frame_send((unsigned char)(st.expect - 1u), SFS_ZEND, st.end_frame, sizeof st.end_frame);
}
