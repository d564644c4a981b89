/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* crc32.c - CRC32 (zlib's), four bits at a time with a 16-entry table built in RAM on first
 * use: four times faster than bit by bit for 64 bytes of RAM, which a 10 KiB part can spare. */
#include "crc32.h"

static unsigned int table[16];

unsigned int sfs_crc32(unsigned int crc, const unsigned char *data, unsigned int len)
{
    const unsigned int *t = table;
    if (!t[1])
        for (unsigned int i = 0; i < 16; i++) {
            unsigned int c = i;
            for (int k = 0; k < 4; k++)
                c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
            table[i] = c;
        }
    crc = ~crc;
    /* The nibble's table offset as two shifts ((crc << 28) >> 26: no mask constant to keep in a
     * register) and the table's address held in one (the empty asm makes it a value the
     * compiler cannot fold back into an address plus offset): 15 instructions a byte on a
     * Cortex-M0 (12 in Thumb-2), not 19. */
    __asm__("" : "+r"(t));
    if (len) {
        const unsigned char *end = data + len;
        do {
            crc ^= *data++;
            crc = *(const unsigned int *)((const unsigned char *)t + ((crc << 28) >> 26)) ^ (crc >> 4);
            crc = *(const unsigned int *)((const unsigned char *)t + ((crc << 28) >> 26)) ^ (crc >> 4);
        } while (data != end);
    }
    return ~crc;
}
