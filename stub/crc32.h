/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* crc32.h - CRC32 (IEEE, reflected, initial and final value 0xFFFFFFFF), the same value
 * zlib's crc32() gives. Freestanding: used by the stub and checked against zlib on the host. */
#ifndef STUBFLASH_STUB_CRC32_H
#define STUBFLASH_STUB_CRC32_H

/* Continue a CRC over len bytes; start with crc = 0. */
unsigned int sfs_crc32(unsigned int crc, const unsigned char *data, unsigned int len);

#endif
