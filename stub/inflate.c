/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* inflate.c - see inflate.h. Canonical Huffman decoding one bit at a time: slow per bit,
 * but small, table-free beyond two code descriptions, and far faster than the serial line. */
#include "inflate.h"

#define MAXBITS 15
#define MAXLCODES 286
#define MAXDCODES 30
#define FIXLCODES 288

struct huffman {
    short count[MAXBITS + 1]; /* number of codes of each length */
    short symbol[FIXLCODES];  /* symbols ordered by code */
};

static int bit(struct sfs_inflater *s, int need)
{
    while (s->nbits < (unsigned int)need) {
        int c = s->in(s->ctx);
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

static int emit(struct sfs_inflater *s, unsigned char b)
{
#ifndef STUB_STORED_ONLY /* stored blocks refer to nothing before them: no history to keep */
    s->window[s->wpos] = b;
    s->wpos = (s->wpos + 1u) & ((1u << s->window_bits) - 1u);
#endif
    s->total++;
    return s->out(s->ctx, b) ? SFS_INFLATE_EOUTPUT : SFS_INFLATE_OK;
}

#ifndef STUB_STORED_ONLY
/* Codes are stored most significant bit first, so build the code up bit by bit. */
static int decode(struct sfs_inflater *s, const struct huffman *h)
{
    int code = 0, first = 0, index = 0;
    for (int len = 1; len <= MAXBITS; len++) {
        int b = bit(s, 1);
        if (b < 0)
            return SFS_INFLATE_EINPUT;
        code |= b;
        int count = h->count[len];
        if (code - first < count)
            return h->symbol[index + (code - first)];
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

/* Lengths less 3, so they fit a byte. */
static const unsigned char len_base[29] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28,
                                           32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 255};
static const unsigned char len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                                    3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const unsigned short dist_base[30] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
                                    257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
                                    8193, 12289, 16385, 24577};
static const unsigned char dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
                                     7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

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
            int x = bit(s, len_extra[sym]);
            if (x < 0)
                return SFS_INFLATE_EINPUT;
            int len = 3 + len_base[sym] + x;
            int dsym = decode(s, distcode);
            if (dsym < 0)
                return dsym;
            if (dsym >= 30)
                return SFS_INFLATE_ESYMBOL;
            x = bit(s, dist_extra[dsym]);
            if (x < 0)
                return SFS_INFLATE_EINPUT;
            unsigned long dist = (unsigned long)dist_base[dsym] + (unsigned long)x;
            if (dist > s->total || dist > wsize)
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
        if ((b[i] = s->in(s->ctx)) < 0)
            return SFS_INFLATE_EINPUT;
    unsigned int len = (unsigned int)(b[0] | b[1] << 8), nlen = (unsigned int)(b[2] | b[3] << 8);
    if (len != (~nlen & 0xFFFFu))
        return SFS_INFLATE_EBLOCK;
    while (len--) {
        int c = s->in(s->ctx);
        if (c < 0)
            return SFS_INFLATE_EINPUT;
        int e = emit(s, (unsigned char)c);
        if (e)
            return e;
    }
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
    s->bits = s->nbits = s->wpos = 0;
    s->total = 0;
    int last;
    do {
        last = bit(s, 1);
        int type = bit(s, 2);
        if (last < 0 || type < 0)
            return SFS_INFLATE_EINPUT;
#ifdef STUB_STORED_ONLY
        int err = type == 0 ? stored(s) : SFS_INFLATE_EBLOCK;
#else
        int err = type == 0 ? stored(s) : type == 1 ? fixed(s) : type == 2 ? dynamic(s) : SFS_INFLATE_EBLOCK;
#endif
        if (err)
            return err;
    } while (!last);
    return SFS_INFLATE_OK;
}
