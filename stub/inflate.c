/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* inflate.c - see inflate.h. Canonical Huffman decoding one bit at a time: slow per bit,
 * but small, table-free beyond two code descriptions, and far faster than the serial line.
 * The hot paths keep their state in registers and pass output on in runs: stores cost a real
 * core little, but the virtual board's emulator checks every one of them for code it
 * translated, and a per-byte call with its pushes was most of that board's work. */
#include "inflate.h"

#define MAXBITS 15
#define MAXLCODES 286
#define MAXDCODES 30
#define FIXLCODES 288

struct huffman {
    short count[MAXBITS + 1]; /* number of codes of each length */
    short symbol[FIXLCODES];  /* symbols ordered by code */
};

/* Input at s->next, refilled when none is left: 0, or -1 at the end of the input. */
static int more(struct sfs_inflater *s)
{
    if (s->avail)
        return 0;
    int n = s->fill(s->ctx, &s->next);
    if (n <= 0)
        return -1;
    s->avail = (unsigned int)n;
    return 0;
}

/* The next input byte, or -1 at the end of the input. */
static int next_byte(struct sfs_inflater *s)
{
    if (more(s))
        return -1;
    s->avail--;
    return *s->next++;
}

static int bit(struct sfs_inflater *s, int need)
{
    while (s->nbits < (unsigned int)need) {
        int c = next_byte(s);
        if (c < 0)
            return -1;
        s->bits |= (unsigned int)c << s->nbits;
        s->nbits += 8;
    }
    int v = (int)(s->bits & ((1u << need) - 1u));
    s->bits >>= need;
    s->nbits -= (unsigned int)need;
    return v;
}

#ifndef STUB_STORED_ONLY /* stored blocks refer to nothing before them: no history to keep */
/* Output goes on in runs of RUN bytes (a divisor of every window, 2^9 and up), as the window
 * fills: small enough that programming them keeps pace with the line. */
#define RUN 256u

/* Pass on the n bytes before wpos. */
static int flush(struct sfs_inflater *s, unsigned int n)
{
    s->total += n;
    return s->out(s->ctx, s->window + s->wpos - n, n) ? SFS_INFLATE_EOUTPUT : SFS_INFLATE_OK;
}

static int emit(struct sfs_inflater *s, unsigned char b)
{
    s->window[s->wpos++] = b;
    if (s->wpos & (RUN - 1u))
        return SFS_INFLATE_OK;
    int e = flush(s, RUN); /* before wpos wraps: the run ends at the window's end */
    s->wpos &= (1u << s->window_bits) - 1u;
    return e;
}

/* Codes are stored most significant bit first, so build the code up bit by bit, the bit
 * buffer in registers until a symbol is found. */
static int decode(struct sfs_inflater *s, const struct huffman *h)
{
    unsigned int bits = s->bits, left = s->nbits;
    int code = 0, first = 0, index = 0;
    for (int len = 1; len <= MAXBITS; len++) {
        if (!left) {
            int c = next_byte(s);
            if (c < 0)
                return SFS_INFLATE_EINPUT;
            bits = (unsigned int)c;
            left = 8;
        }
        code |= (int)(bits & 1u);
        bits >>= 1;
        left--;
        int count = h->count[len];
        if (code - first < count) {
            s->bits = bits;
            s->nbits = left;
            return h->symbol[index + (code - first)];
        }
        index += count;
        first = (first + count) << 1;
        code <<= 1;
    }
    return SFS_INFLATE_ESYMBOL;
}

/* Build a decoder from code lengths; 0 if complete, >0 if incomplete, <0 if oversubscribed. */
static int build(struct huffman *h, const unsigned char *length, int n)
{
    short offs[MAXBITS + 1];
    for (int len = 0; len <= MAXBITS; len++)
        h->count[len] = 0;
    for (int i = 0; i < n; i++)
        h->count[length[i]]++;
    if (h->count[0] == n)
        return 0;
    int left = 1;
    for (int len = 1; len <= MAXBITS; len++) {
        left <<= 1;
        left -= h->count[len];
        if (left < 0)
            return left;
    }
    offs[1] = 0;
    for (int len = 1; len < MAXBITS; len++)
        offs[len + 1] = (short)(offs[len] + h->count[len]);
    for (int i = 0; i < n; i++)
        if (length[i])
            h->symbol[offs[length[i]]++] = (short)i;
    return left;
}

/* RFC 1951 3.2.5: past the first 2^sh, length and distance codes come in groups of 2^sh whose
 * extra bits grow by one from group to group, each group starting at twice the last one's start.
 * The value of code sym (from base), its extra bits read from the input; -1 at the end of the
 * input. Computed, not tabled: the tables would cost the stub (4 KiB at most) 80 bytes more. */
static int code_value(struct sfs_inflater *s, unsigned int sym, unsigned int base, unsigned int sh)
{
    unsigned int m = 1u << sh, extra = 0;
    if (sym >= m) {
        extra = (sym >> sh) - 1u;
        sym = (m + (sym & (m - 1u))) << extra;
    }
    int x = bit(s, (int)extra);
    return x < 0 ? -1 : (int)(base + sym + (unsigned int)x);
}

static int codes(struct sfs_inflater *s, const struct huffman *lencode, const struct huffman *distcode)
{
    unsigned long wsize = 1ul << s->window_bits;
    for (;;) {
        int sym = decode(s, lencode);
        if (sym < 0)
            return sym;
        if (sym < 256) {
            int e = emit(s, (unsigned char)sym);
            if (e)
                return e;
        } else if (sym == 256) {
            return SFS_INFLATE_OK;
        } else {
            sym -= 257;
            if (sym >= 29)
                return SFS_INFLATE_ESYMBOL;
            int len = sym == 28 ? 258 : code_value(s, (unsigned int)sym, 3u, 2u); /* 285: 258, no extra bits */
            if (len < 0)
                return SFS_INFLATE_EINPUT;
            int dsym = decode(s, distcode);
            if (dsym < 0)
                return dsym;
            if (dsym >= 30)
                return SFS_INFLATE_ESYMBOL;
            int d = code_value(s, (unsigned int)dsym, 1u, 1u);
            if (d < 0)
                return SFS_INFLATE_EINPUT;
            unsigned long dist = (unsigned long)d;
            if (dist > s->total + (s->wpos & (RUN - 1u)) || dist > wsize)
                return SFS_INFLATE_EDIST;
            unsigned int mask = (unsigned int)wsize - 1u;
            while (len--) {
                int e = emit(s, s->window[(s->wpos - (unsigned int)dist) & mask]);
                if (e)
                    return e;
            }
        }
    }
}

#endif

static int stored(struct sfs_inflater *s)
{
    s->bits = 0; /* go to a byte boundary */
    s->nbits = 0;
    int b[4];
    for (int i = 0; i < 4; i++)
        if ((b[i] = next_byte(s)) < 0)
            return SFS_INFLATE_EINPUT;
    unsigned int len = (unsigned int)(b[0] | b[1] << 8), nlen = (unsigned int)(b[2] | b[3] << 8);
    if (len != (~nlen & 0xFFFFu))
        return SFS_INFLATE_EBLOCK;
#ifdef STUB_STORED_ONLY
    /* No window: pass the input on as it stands. */
    while (len) {
        if (more(s))
            return SFS_INFLATE_EINPUT;
        unsigned int n = len < s->avail ? len : s->avail;
        if (s->out(s->ctx, s->next, n))
            return SFS_INFLATE_EOUTPUT;
        s->total += n;
        s->next += n;
        s->avail -= n;
        len -= n;
    }
#else
    while (len--) {
        int c = next_byte(s);
        if (c < 0)
            return SFS_INFLATE_EINPUT;
        int e = emit(s, (unsigned char)c);
        if (e)
            return e;
    }
#endif
    return SFS_INFLATE_OK;
}

#ifndef STUB_STORED_ONLY
static int fixed(struct sfs_inflater *s)
{
    /* Built on each fixed block: 19 short loops, cheaper in code size than a static table. */
    struct huffman lencode, distcode;
    unsigned char lengths[FIXLCODES];
    int i = 0;
    for (; i < 144; i++) lengths[i] = 8;
    for (; i < 256; i++) lengths[i] = 9;
    for (; i < 280; i++) lengths[i] = 7;
    for (; i < FIXLCODES; i++) lengths[i] = 8;
    build(&lencode, lengths, FIXLCODES);
    for (i = 0; i < MAXDCODES; i++)
        lengths[i] = 5;
    build(&distcode, lengths, MAXDCODES);
    return codes(s, &lencode, &distcode);
}

static int dynamic(struct sfs_inflater *s)
{
    static const unsigned char order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
    unsigned char lengths[MAXLCODES + MAXDCODES];
    struct huffman lencode, distcode;
    int nlen = bit(s, 5), ndist = bit(s, 5), ncode = bit(s, 4);
    if (nlen < 0 || ndist < 0 || ncode < 0)
        return SFS_INFLATE_EINPUT;
    nlen += 257;
    ndist += 1;
    ncode += 4;
    if (nlen > MAXLCODES || ndist > MAXDCODES)
        return SFS_INFLATE_ECODES;
    int i = 0;
    for (; i < ncode; i++) {
        int v = bit(s, 3);
        if (v < 0)
            return SFS_INFLATE_EINPUT;
        lengths[order[i]] = (unsigned char)v;
    }
    for (; i < 19; i++)
        lengths[order[i]] = 0;
    if (build(&lencode, lengths, 19) != 0)
        return SFS_INFLATE_ECODES;
    for (i = 0; i < nlen + ndist;) {
        int sym = decode(s, &lencode);
        if (sym < 0)
            return sym;
        if (sym < 16) {
            lengths[i++] = (unsigned char)sym;
            continue;
        }
        int len = 0, rep;
        if (sym == 16) {
            if (i == 0)
                return SFS_INFLATE_ECODES;
            len = lengths[i - 1];
            rep = bit(s, 2);
            rep = rep < 0 ? rep : 3 + rep;
        } else if (sym == 17) {
            rep = bit(s, 3);
            rep = rep < 0 ? rep : 3 + rep;
        } else {
            rep = bit(s, 7);
            rep = rep < 0 ? rep : 11 + rep;
        }
        if (rep < 0)
            return SFS_INFLATE_EINPUT;
        if (i + rep > nlen + ndist)
            return SFS_INFLATE_ECODES;
        while (rep--)
            lengths[i++] = (unsigned char)len;
    }
    if (lengths[256] == 0)
        return SFS_INFLATE_ECODES; /* no end-of-block code */
    int err = build(&lencode, lengths, nlen);
    if (err < 0 || (err > 0 && nlen - lencode.count[0] != 1))
        return SFS_INFLATE_ECODES;
    err = build(&distcode, lengths + nlen, ndist);
    if (err < 0 || (err > 0 && ndist - distcode.count[0] != 1))
        return SFS_INFLATE_ECODES;
    return codes(s, &lencode, &distcode);
}

#endif

int sfs_inflate(struct sfs_inflater *s)
{
    s->avail = s->bits = s->nbits = s->wpos = 0;
    s->total = 0;
    int last, err;
    do {
        last = bit(s, 1);
        int type = bit(s, 2);
#ifdef STUB_STORED_ONLY
        err = last < 0 || type < 0 ? SFS_INFLATE_EINPUT : type == 0 ? stored(s) : SFS_INFLATE_EBLOCK;
    } while (!err && !last);
#else
        err = last < 0 || type < 0 ? SFS_INFLATE_EINPUT
              : type == 0          ? stored(s)
              : type == 1          ? fixed(s)
              : type == 2          ? dynamic(s)
                                   : SFS_INFLATE_EBLOCK;
    } while (!err && !last);
    /* What was decoded before an error goes out too, as if passed on byte by byte. */
    if (err != SFS_INFLATE_EOUTPUT && (s->wpos & (RUN - 1u)) && flush(s, s->wpos & (RUN - 1u)))
        err = SFS_INFLATE_EOUTPUT;
#endif
    return err;
}
