/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* crc32.c - CRC32 (zlib's), four bits at a time with a 16-entry table built in RAM on first
 * use: four times faster than bit by bit for 64 bytes of RAM, which a 10 KiB part can spare. */
#include "crc32.h"

static unsigned int table[16];

unsigned int sfs_crc32(unsigned int crc, const unsigned char *data, unsigned int len)
{
    if (!table[1])
        for (unsigned int i = 0; i < 16; i++) {
            unsigned int c = i;
            for (int k = 0; k < 4; k++)
                c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
            table[i] = c;
        }
    crc = ~crc;
    while (len--) {
        crc ^= *data++;
        crc = table[crc & 15u] ^ (crc >> 4);
        crc = table[crc & 15u] ^ (crc >> 4);
    }
    return ~crc;
}
