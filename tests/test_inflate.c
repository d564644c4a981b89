/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_inflate.c - the stub's inflater, built for the host, against zlib's deflate: every
 * window size the host may pick, every block type, and broken streams. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "inflate.h"

struct io {
    const uint8_t *in;
    size_t in_len, in_pos;
    uint8_t *out;
    size_t out_len, out_cap;
};

/* Input in pieces of at most 7 bytes, so symbols and stored blocks straddle refills. */
static int get_in(void *ctx, const unsigned char **next)
{
    struct io *io = ctx;
    size_t n = io->in_len - io->in_pos < 7 ? io->in_len - io->in_pos : 7;
    *next = io->in + io->in_pos;
    io->in_pos += n;
    return n ? (int)n : -1;
}

static int put_out(void *ctx, const unsigned char *p, unsigned int n)
{
    struct io *io = ctx;
    assert_true(n > 0);
    size_t room = io->out_cap - io->out_len, k = n < room ? n : room;
    memcpy(io->out + io->out_len, p, k); /* what fits, then refuse: as the stub's flash output does */
    io->out_len += k;
    return k < n;
}

static size_t compress_raw(const uint8_t *src, size_t len, uint8_t *dst, size_t cap, int level, int wbits, int strategy)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, level, Z_DEFLATED, -wbits, 8, strategy), Z_OK);
    z.next_in = (Bytef *)src;
    z.avail_in = (uInt)len;
    z.next_out = dst;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t n = z.total_out;
    deflateEnd(&z);
    return n;
}

static int run_inflate(const uint8_t *in, size_t len, uint8_t *out, size_t cap, unsigned wbits, size_t *out_len)
{
    uint8_t *window = malloc((size_t)1 << wbits);
    struct io io = {in, len, 0, out, 0, cap};
    struct sfs_inflater s = {.fill = get_in, .out = put_out, .ctx = &io, .window = window, .window_bits = wbits};
    int rc = sfs_inflate(&s);
    free(window);
    *out_len = io.out_len;
    return rc;
}

/* Data with structure: text-like runs, repeats at short and long distances, and noise. */
static uint8_t *sample(size_t len, unsigned kind)
{
    uint8_t *p = malloc(len);
    uint32_t x = 12345 + kind;
    for (size_t i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        switch (kind) {
        case 0: p[i] = (uint8_t)(x >> 16); break;                                  /* noise */
        case 1: p[i] = 0; break;                                                   /* one run */
        case 2: p[i] = "firmware image with tables; "[i % 28]; break;              /* text */
        default: p[i] = i > 3000 && (x >> 20) % 4 ? p[i - 3000 + (x >> 28)] : (uint8_t)(x >> 24); break;
        }
    }
    return p;
}

static void test_round_trips(void **state)
{
    (void)state;
    const size_t len = 40000;
    uint8_t *comp = malloc(len * 2 + 1024), *out = malloc(len);
    static const int strategies[] = {Z_DEFAULT_STRATEGY, Z_FIXED, Z_HUFFMAN_ONLY, Z_RLE, Z_FILTERED};
    unsigned cases = 0;
    for (unsigned kind = 0; kind < 4; kind++) {
        uint8_t *data = sample(len, kind);
        for (int wbits = 9; wbits <= 15; wbits++)
            for (int level = 0; level <= 9; level += 3)
                for (size_t st = 0; st < sizeof strategies / sizeof strategies[0]; st++) {
                    size_t clen = compress_raw(data, len, comp, len * 2 + 1024, level, wbits, strategies[st]);
                    size_t olen;
                    int rc = run_inflate(comp, clen, out, len, (unsigned)wbits, &olen);
                    if (rc != SFS_INFLATE_OK || olen != len || memcmp(out, data, len) != 0)
                        fail_msg("kind %u wbits %d level %d strategy %d: rc %d, %zu of %zu bytes", kind, wbits, level,
                                 strategies[st], rc, olen, len);
                    cases++;
                }
        free(data);
    }
    assert_int_equal(cases, 4 * 7 * 4 * 5);
    free(comp);
    free(out);
}

static void test_broken_streams(void **state)
{
    (void)state;
    const size_t len = 20000;
    uint8_t *data = sample(len, 3), *comp = malloc(len * 2), *out = malloc(len);
    size_t clen = compress_raw(data, len, comp, len * 2, 6, 15, Z_DEFAULT_STRATEGY), olen;

    /* Truncated: the input ends before the final block does. */
    assert_int_equal(run_inflate(comp, clen / 2, out, len, 15, &olen), SFS_INFLATE_EINPUT);
    assert_memory_equal(out, data, olen); /* what came out before the end is right */

    /* A history smaller than the compressor used: a match reaches too far back. */
    assert_int_equal(run_inflate(comp, clen, out, len, 10, &olen), SFS_INFLATE_EDIST);

    /* Block type 3 is reserved. */
    uint8_t bad_type = 0x07; /* BFINAL=1, BTYPE=11 */
    assert_int_equal(run_inflate(&bad_type, 1, out, len, 15, &olen), SFS_INFLATE_EBLOCK);

    /* A stored block whose length and its complement disagree. */
    uint8_t bad_stored[] = {0x01, 0x05, 0x00, 0x00, 0x00};
    assert_int_equal(run_inflate(bad_stored, sizeof bad_stored, out, len, 15, &olen), SFS_INFLATE_EBLOCK);

    /* The output side can stop the stream (a flash error on the device). */
    assert_int_equal(run_inflate(comp, clen, out, 100, 15, &olen), SFS_INFLATE_EOUTPUT);
    assert_int_equal(olen, 100);

    /* Flipped bits anywhere: an error code or some output, never a crash or an overrun. */
    unsigned errors = 0;
    for (size_t i = 0; i < clen; i += 7) {
        comp[i] ^= 0x10;
        int rc = run_inflate(comp, clen, out, len, 15, &olen);
        comp[i] ^= 0x10;
        assert_true(olen <= len);
        errors += rc != SFS_INFLATE_OK || olen != len || memcmp(out, data, len) != 0;
    }
    assert_true(errors > 0);
    free(data);
    free(comp);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_broken_streams),
    };
    return cmocka_run_group_tests_name("inflate", tests, NULL, NULL);
}
