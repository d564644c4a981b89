/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz_records.h - how the protocol harnesses (fuzz_frames.c, fuzz_stub.c) turn fuzz input into
 * what travels on the line, so the fuzzer reaches past the CRC check: a byte k < 0x80 is
 * followed by seq, cmd and k payload bytes and becomes a frame with a correct CRC32; a byte
 * k >= 0x80 is followed by k - 0x80 bytes sent as they are (noise, broken frames). */
#ifndef STUBFLASH_FUZZ_RECORDS_H
#define STUBFLASH_FUZZ_RECORDS_H
#include <stddef.h>
#include <stdint.h>

/* Build the wire bytes into out (at most cap); returns their count. crc is CRC32 as the
 * protocol defines it; fold, if not NULL, may rewrite a frame's payload before its CRC. stuffed:
 * frames as the host sends them (0x7F and SFS_ESC stuffed after SOF), else as the stub does. */
size_t fuzz_records(const uint8_t *in, size_t size, uint8_t *out, size_t cap,
                    uint32_t (*crc)(const uint8_t *data, size_t len),
                    void (*fold)(uint8_t cmd, uint8_t *payload, size_t len), int stuffed);
#endif
