/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* inflate.h - a small streaming inflater (raw deflate, RFC 1951) for the stub; freestanding.
 * Input is taken a buffer at a time (the stub hands it each frame's payload as it arrives),
 * output is passed on in runs of 256 bytes (and what is left at the end); the LZ77 history lives in a caller-given
 * window of 2^n bytes (n >= 9), so the host must compress with zlib windowBits no larger than n.
 * Built with STUB_STORED_ONLY it takes stored blocks only (anything else is SFS_INFLATE_EBLOCK)
 * and keeps no window: for parts with too little RAM for the Huffman tables on the stack
 * (families.txt: inflate=stored). */
#ifndef STUBFLASH_STUB_INFLATE_H
#define STUBFLASH_STUB_INFLATE_H

#define SFS_INFLATE_OK 0
#define SFS_INFLATE_EINPUT (-1)   /* the input callback failed (end of data, line error) */
#define SFS_INFLATE_EBLOCK (-2)   /* invalid block type or stored length */
#define SFS_INFLATE_ECODES (-3)   /* invalid Huffman code lengths */
#define SFS_INFLATE_ESYMBOL (-4)  /* a code that decodes to no symbol, or an invalid length/distance */
#define SFS_INFLATE_EDIST (-5)    /* a distance reaching before the output or beyond the window */
#define SFS_INFLATE_EOUTPUT (-6)  /* the output callback refused (e.g. a flash error) */

struct sfs_inflater {
    /* More input: points *next at it and returns how many bytes (> 0), or returns a negative
     * number at the end of the data or on a line error. */
    int (*fill)(void *ctx, const unsigned char **next);
    /* Output: n > 0 bytes at p (in the window, or in the input for stored blocks without one);
     * returns 0 to go on, nonzero to stop (e.g. a flash error). */
    int (*out)(void *ctx, const unsigned char *p, unsigned int n);
    void *ctx;
    unsigned char *window;                      /* 2^window_bits bytes */
    unsigned int window_bits;
    /* state */
    const unsigned char *next;
    unsigned int avail;                         /* bytes left at next */
    unsigned int bits, nbits;                   /* bits taken from the input, not yet used */
    unsigned int wpos;                          /* next byte in the window */
    unsigned long total;                        /* bytes passed to out */
};

/* Inflate one complete raw deflate stream (up to and including its final block). */
int sfs_inflate(struct sfs_inflater *s);

#endif
