/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stub_stream.c - the compressed, windowed write (protocol.h: ZBEGIN, ZDATA, ZEND).
 * The image range is deflated with a window the stub's RAM can hold, cut into frames, and sent
 * so that up to the stub's receive ring is in flight: the stub acknowledges each frame as it
 * takes it, before programming it, so the line keeps carrying data while flash is programmed.
 * A NAK (bad CRC or a gap) or silence sends again from the first unacknowledged frame; silence
 * is measured against the worst-case time to program what the frames in hand inflate to. */
#include "stub_client.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MAX_IN_FLIGHT 96       /* frames; far below the 128 a sequence byte can tell apart */
#define SILENCES 6             /* resends from the first unacked frame before giving up */
#define MIN_FRAME 64           /* the smallest payload a noisy line brings frames down to */
#define GROW_AFTER 32          /* frames acked in a row before frames grow again */

struct zframe {
    size_t off, len;           /* in the compressed stream */
    uint32_t upto;             /* uncompressed bytes that can be decoded once it is in */
    size_t wire;               /* the most bytes it takes on the line (stuffed, any sequence) */
};

/* The stream and how it is cut into frames. A line that damages frames (a NAK, or silence)
 * halves the frame size from the first frame not acknowledged: at a bit error rate of 1e-4 a
 * 1 KiB frame arrives intact one time in three, a 128-byte one six times in seven. */
struct zstream {
    const uint8_t *z;
    size_t zlen;
    const uint32_t *marks;
    size_t nmarks;
    uint32_t len;              /* uncompressed */
    size_t most, max;          /* payload per frame now, and at most */
    struct zframe *fr;         /* room for zlen / MIN_FRAME + 2 */
    size_t nf;
};

/* Cut the stream into frames of zs->most from frame `from` on. */
static void slice(struct zstream *zs, size_t from)
{
    size_t off = from ? zs->fr[from - 1].off + zs->fr[from - 1].len : 0;
    size_t i = from;
    do {
        struct zframe *f = &zs->fr[i++];
        f->off = off;
        f->len = zs->zlen - off < zs->most ? zs->zlen - off : zs->most;
        size_t k = (off + f->len + 1023) / 1024;
        f->upto = zs->marks && k < zs->nmarks && zs->marks[k] ? zs->marks[k] : zs->len;
        f->wire = 1 + 2 * (SFS_HEADER - 1 + SFS_TRAILER) + f->len;
        for (size_t j = off; j < off + f->len; j++)
            f->wire += zs->z[j] == SFS_SYNC || zs->z[j] == SFS_ESC;
        off += f->len;
    } while (off < zs->zlen);
    zs->nf = i;
}

/* Raw deflate with the stub's window; marks[i] = input consumed when output reached i KiB. */
static sf_error deflate_range(sc_link *l, const uint8_t *data, uint32_t len, uint8_t **z, size_t *zlen,
                              uint32_t **marks, size_t *nmarks)
{
    z_stream s = {0};
    /* A stub with no window (window_bits 0: it takes stored blocks only) gets the data as it is,
     * in stored blocks (level 0). */
    int bits = (int)l->params.window_bits, level = bits ? 9 : 0;
    if (deflateInit2(&s, level, Z_DEFLATED, bits ? -bits : -9, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return sf_fail(l->eb, SF_ERR_NOMEM, "zlib: cannot start deflate");
    size_t cap = deflateBound(&s, len) + 64;
    *z = malloc(cap);
    *nmarks = cap / 1024 + 2;
    *marks = calloc(*nmarks, sizeof **marks);
    if (!*z || !*marks) {
        deflateEnd(&s);
        return sf_fail(l->eb, SF_ERR_NOMEM, "out of memory");
    }
    s.next_out = *z;
    s.avail_out = (uInt)cap;
    int rc = Z_OK;
    for (uint32_t fed = 0; rc == Z_OK;) {
        uint32_t step = len - fed < 512 ? len - fed : 512;
        s.next_in = (Bytef *)(uintptr_t)(data + fed);
        s.avail_in = step;
        fed += step;
        size_t before = s.total_out;
        rc = deflate(&s, fed == len ? Z_FINISH : Z_NO_FLUSH);
        for (size_t k = before / 1024 + 1; k <= s.total_out / 1024 && k < *nmarks; k++)
            (*marks)[k] = fed;
    }
    *zlen = s.total_out;
    deflateEnd(&s);
    if (rc != Z_STREAM_END)
        return sf_fail(l->eb, SF_ERR_NOMEM, "zlib: deflate failed (%d)", rc);
    return SF_OK;
}

static sf_error zend_error(sc_link *l, const uint8_t *r, size_t n, uint32_t addr)
{
    uint32_t at = n >= 5 ? sc_get32(r + 1) : addr, sr = n >= 9 ? sc_get32(r + 5) : 0;
    switch (r[0]) {
    case SFS_EFLASH:
        return sc_flash_error(l, at, sr, "; nothing was written after it");
    case SFS_EINFLATE:
        return sf_fail(l->eb, SF_ERR_PROTOCOL, "the stub found the compressed data invalid (inflate error %u) after "
                       "writing up to 0x%08X; nothing was written after it", sr, at);
    case SFS_ELENGTH:
        return sf_fail(l->eb, SF_ERR_PROTOCOL, "the compressed data decoded to a different length than announced "
                       "(stopped at 0x%08X)", at);
    case SFS_EABORT:
        return sf_fail(l->eb, SF_ERR_PROTOCOL, "the stub's stream was interrupted at 0x%08X", at);
    default:
        return sf_fail(l->eb, SF_ERR_PROTOCOL, "the stub ended the stream with status %u at 0x%08X", r[0], at);
    }
}

/* Where a cancelled stream stopped: what the stub acknowledged, not where the stream began. */
static sf_error cancelled_at(sc_link *l, uint32_t addr, uint32_t done)
{
    return sf_fail(l->eb, SF_ERR_CANCELLED, "cancelled at 0x%08X (this stream wrote from 0x%08X up to there; the same "
                   "write again finishes it)", addr + done, addr);
}

static sf_error send_one(sc_link *l, uint8_t seq, const uint8_t *z, const struct zframe *f)
{
    return sc_send_frame(l, seq, SFS_ZDATA, z + f->off, f->len);
}

static sf_error send_frames(sc_link *l, uint8_t seq0, struct zstream *zs, uint32_t addr, uint32_t expect_crc)
{
    const uint8_t *z = zs->z;
    const struct zframe *fr = zs->fr;
    uint32_t len = zs->len;
    size_t nf = zs->nf;
    size_t base = 0, next = 0, inflight = 0, window = l->params.ring_size - 64, in_a_row = 0;
    size_t sent = 0; /* frames 0..sent-1 have gone out at least once: their cut is fixed */
    unsigned silences = 0;
    uint8_t r[SFS_MAX_PAYLOAD], rseq, rcmd;
    size_t n;
    for (;;) {
        while (next < nf && next - base < MAX_IN_FLIGHT && (!inflight || inflight + fr[next].wire <= window)) {
            sf_error e = send_one(l, (uint8_t)(seq0 + 1 + next), z, &fr[next]);
            if (e)
                return e;
            inflight += fr[next].wire;
            next++;
            if (next > sent)
                sent = next;
        }
        if (l->cancel && atomic_load(l->cancel))
            return cancelled_at(l, addr, base ? fr[base - 1].upto : 0);
        /* The stub acks frame base after programming what frame base-1 decodes to; the end comes
         * after the last frame's bytes. */
        uint32_t prev = base >= 2 ? fr[base - 2].upto : 0, cur = base >= 1 ? fr[base - 1].upto : 0;
        if (base == nf)
            prev = cur, cur = len;
        unsigned timeout = 500 + 2 * sc_line_ms(l, inflight + 64) + sc_work_ms(l, cur - prev);
        /* Wait in slices so a cancel is seen while the stub programs. */
        uint64_t deadline = sf_now_ms() + timeout;
        sf_error e;
        while ((e = sc_recv_frame(l, &rseq, &rcmd, r, &n, sf_now_ms() + 100 < deadline ? sf_now_ms() + 100 : deadline)) ==
                   SF_ERR_TIMEOUT && sf_now_ms() < deadline)
            if (l->cancel && atomic_load(l->cancel))
                return cancelled_at(l, addr, base ? fr[base - 1].upto : 0);
        if (e == SF_ERR_TIMEOUT) {
            if (++silences > SILENCES)
                return sf_fail(l->eb, SF_ERR_TIMEOUT, "the stub stopped answering while writing 0x%08X (after %u ms)",
                               addr + (base ? fr[base - 1].upto : 0), timeout);
            /* Resend everything not acknowledged, cut as it was: the stub may have taken some
             * of it (its acks late or lost) or still hold it (a slow stub), and must see the
             * same bytes under each sequence number again: a frame, once sent, never changes.
             * Only frames not sent yet get smaller. */
            next = base;
            inflight = 0;
            if (zs->most > MIN_FRAME && sent < nf) {
                zs->most /= 2;
                slice(zs, sent);
                nf = zs->nf;
            }
            in_a_row = 0;
            /* All taken but no end: the last frame again makes a stub that finished repeat its
             * ZEND (a busy one acks the repeat and ignores it). */
            if (base == nf && nf && (e = send_one(l, (uint8_t)(seq0 + nf), z, &fr[nf - 1])))
                return e;
            continue;
        }
        if (e)
            continue; /* a damaged reply: a later one, or silence, tells */
        if (rcmd == SFS_ZEND && n >= 13) {
            /* Our ZBEGIN was sent again because its answer came late: the stub ended the stream
             * it opened before taking any data (the end carries the ZBEGIN's sequence) and
             * opened the same stream again for the repeat. Nothing was written; go on. */
            if (r[0] == SFS_EABORT && rseq == seq0 && base == 0 && sc_get32(r + 1) == addr)
                continue;
            if (r[0] != SFS_OK)
                return zend_error(l, r, n, addr);
            if (sc_get32(r + 9) != expect_crc)
                return sf_fail(l->eb, SF_ERR_VERIFY, "after writing 0x%08X-0x%08X the stub reports CRC32 %08X, the "
                               "image has %08X", addr, addr + len - 1, sc_get32(r + 9), expect_crc);
            if (l->progress)
                l->progress(l->progress_user, len, len);
            return SF_OK;
        }
        if (rcmd != (SFS_ZDATA | SFS_REPLY) || n < 1)
            continue;
        size_t idx = base + (uint8_t)(rseq - (uint8_t)(seq0 + 1 + base));
        if (idx > next)
            continue; /* not about frames in flight */
        if (r[0] == SFS_ESEQ) {
            if (idx < next && idx >= base) {
                /* Go back to the frame the stub expects, once what is on the way has passed (the
                 * stub is reading and dropping it, so the ring empties). A slow stub may still
                 * hold some of it, so frames already sent keep their bytes: only those not sent
                 * yet get smaller. */
                sc_sleep_ms(sc_line_ms(l, inflight) + 5);
                base = idx;
                next = idx;
                inflight = 0;
                if (zs->most > MIN_FRAME && sent < nf) {
                    zs->most /= 2;
                    slice(zs, sent);
                    nf = zs->nf;
                }
                in_a_row = 0;
            }
            continue;
        }
        if (r[0] == SFS_OK && idx < next && idx >= base) {
            for (size_t k = base; k <= idx; k++)
                inflight -= fr[k].wire;
            in_a_row += idx + 1 - base;
            base = idx + 1;
            silences = 0;
            if (in_a_row >= GROW_AFTER && zs->most < zs->max && sent < nf) {
                zs->most *= 2; /* the line is clean again: bigger frames from the next unsent one */
                slice(zs, sent);
                nf = zs->nf;
                in_a_row = 0;
            }
            /* The ack of frame idx means what frame idx-1 decodes to is programmed. */
            if (l->progress && idx > 0)
                l->progress(l->progress_user, fr[idx - 1].upto < len ? fr[idx - 1].upto : len, len);
        }
    }
}

/* The stream z in frames; marks[k] bounds the uncompressed bytes the first k KiB of z decode to
 * (for timeouts). */
static sf_error write_deflated(sc_link *l, uint32_t addr, uint32_t len, const uint8_t *z, size_t zlen, bool erase,
                               uint32_t expect_crc, const uint32_t *marks, size_t nmarks)
{
    struct zstream zs = {z, zlen, marks, nmarks, len, l->params.max_payload, l->params.max_payload, NULL, 0};
    if (zs.most < MIN_FRAME)
        zs.most = zs.max = MIN_FRAME;
    if (!(zs.fr = calloc(zlen / MIN_FRAME + 2, sizeof *zs.fr)))
        return sf_fail(l->eb, SF_ERR_NOMEM, "out of memory");
    slice(&zs, 0);
    uint8_t p[9], r[SFS_MAX_PAYLOAD];
    size_t n;
    sc_put32(p, addr);
    sc_put32(p + 4, len);
    p[8] = erase ? SFS_ZFLAG_ERASE : 0;
    sf_error e = sc_request(l, SFS_ZBEGIN, p, 9, r, &n, 0);
    if (e == SF_ERR_NACK)
        e = sf_fail(l->eb, SF_ERR_PROTOCOL, "the stub refused a stream of %u bytes at 0x%08X", len, addr);
    if (e == SF_OK)
        e = send_frames(l, l->seq, &zs, addr, expect_crc);
    /* Whatever happened, the stub's sequence moved on with the frames. */
    l->seq = (uint8_t)(l->seq + zs.nf + 1);
    free(zs.fr);
    return e;
}

sf_error sc_write(sc_link *l, uint32_t addr, const uint8_t *data, uint32_t len, bool erase)
{
    uint8_t *z = NULL;
    uint32_t *marks = NULL;
    size_t zlen = 0, nmarks = 0;
    sf_error e = deflate_range(l, data, len, &z, &zlen, &marks, &nmarks);
    if (e == SF_OK)
        e = write_deflated(l, addr, len, z, zlen, erase, (uint32_t)crc32(0, data, len), marks, nmarks);
    free(z);
    free(marks);
    return e;
}
