/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz_inflate.c - libFuzzer harness for the stub's inflater built for the host: any input ends
 * in OK or an error code, never out of bounds; when zlib accepts the same raw deflate stream the
 * outputs agree. Built by scripts/fuzz. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>

#include "inflate.h"

#define OUT_MAX (1u << 20)

struct io {
    const uint8_t *in;
    size_t len, pos;
    uint8_t *out;
    size_t n;
};

/* The whole input as one piece: the stub hands the inflater a frame's payload at a time. */
static int fill(void *ctx, const unsigned char **next)
{
    struct io *io = ctx;
    size_t n = io->len - io->pos;
    *next = io->in + io->pos;
    io->pos = io->len;
    return n ? (int)n : -1;
}

static int out_run(void *ctx, const unsigned char *p, unsigned int n)
{
    struct io *io = ctx;
    if (n > OUT_MAX - io->n)
        return 1;
    memcpy(io->out + io->n, p, n);
    io->n += n;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t out[OUT_MAX], ref[OUT_MAX], window[1u << 15];
    if (size < 1)
        return 0;
    unsigned bits = 9 + data[0] % 7; /* the window sizes the host may choose: 2^9..2^15 */
    struct io io = {data + 1, size - 1, 0, out, 0};
    struct sfs_inflater s = {.fill = fill, .out = out_run, .ctx = &io, .window = window, .window_bits = bits};
    int rc = sfs_inflate(&s);
    if (rc != SFS_INFLATE_OK || bits != 15)
        return 0;
    /* zlib with the same window must produce the same bytes from the same stream. */
    z_stream z = {0};
    if (inflateInit2(&z, -15) != Z_OK)
        return 0;
    z.next_in = (Bytef *)(uintptr_t)(data + 1);
    z.avail_in = (uInt)(size - 1);
    z.next_out = ref;
    z.avail_out = OUT_MAX;
    int zr = inflate(&z, Z_FINISH);
    if (zr == Z_STREAM_END && (z.total_out != io.n || memcmp(ref, out, io.n) != 0))
        __builtin_trap();
    inflateEnd(&z);
    return 0;
}
