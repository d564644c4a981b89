/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* inflate.h - a small streaming inflater (raw deflate, RFC 1951) for the stub; freestanding.
 * Input is pulled a byte at a time (the stub reads it out of frames as they arrive), output is
 * pushed a byte at a time; the LZ77 history lives in a caller-given window of 2^n bytes, so the
 * host must compress with zlib windowBits no larger than n. Built with STUB_STORED_ONLY it takes
 * stored blocks only (anything else is SFS_INFLATE_EBLOCK) and keeps no window: for parts with
 * too little RAM for the Huffman tables on the stack (families.txt: inflate=stored). */
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
    int (*in)(void *ctx);                       /* next input byte 0..255, or negative */
    int (*out)(void *ctx, unsigned char byte);  /* 0 to go on, nonzero to stop */
    void *ctx;
    unsigned char *window;                      /* 2^window_bits bytes */
    unsigned int window_bits;
    /* state */
    unsigned int bits, nbits, wpos;
    unsigned long total;
};

/* Inflate one complete raw deflate stream (up to and including its final block). */
int sfs_inflate(struct sfs_inflater *s);

#endif
