/* crc32.c - bitwise CRC32: no table, so it costs the stub no RAM and little code. */
#include "crc32.h"

unsigned int sfs_crc32(unsigned int crc, const unsigned char *data, unsigned int len)
{
    crc = ~crc;
    while (len--) {
        crc ^= *data++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}
