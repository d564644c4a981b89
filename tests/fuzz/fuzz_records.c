/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz_records.c - see fuzz_records.h. */
#include "fuzz_records.h"

#include <string.h>

#include "protocol.h"

size_t fuzz_records(const uint8_t *in, size_t size, uint8_t *out, size_t cap,
                    uint32_t (*crc)(const uint8_t *data, size_t len),
                    void (*fold)(uint8_t cmd, uint8_t *payload, size_t len), int stuffed)
{
    size_t len = 0;
    for (size_t i = 0; i < size;) {
        uint8_t k = in[i++];
        size_t n = k & 0x7F;
        if (k & 0x80) { /* raw bytes */
            n = n > size - i ? size - i : n;
            if (len + n > cap)
                break;
            memcpy(out + len, in + i, n);
            len += n;
            i += n;
            continue;
        }
        if (size - i < 2)
            break;
        n = n > size - i - 2 ? size - i - 2 : n;
        size_t frame_len = SFS_HEADER + n + SFS_TRAILER;
        if (len + (stuffed ? 2 * frame_len : frame_len) > cap)
            break;
        uint8_t *f = out + len;
        f[0] = SFS_SOF;
        f[1] = (uint8_t)n;
        f[2] = (uint8_t)(n >> 8);
        f[3] = in[i];
        f[4] = in[i + 1];
        memcpy(f + SFS_HEADER, in + i + 2, n);
        if (fold)
            fold(f[4], f + SFS_HEADER, n);
        uint32_t c = crc(f + 1, SFS_HEADER - 1 + n);
        for (int b = 0; b < 4; b++)
            f[SFS_HEADER + n + b] = (uint8_t)(c >> (8 * b));
        if (stuffed) { /* from the end, so each byte is read before it is overwritten */
            size_t extra = 0;
            for (size_t j = 1; j < frame_len; j++)
                extra += f[j] == SFS_SYNC || f[j] == SFS_ESC;
            size_t stuffed_len = frame_len + extra;
            for (size_t j = frame_len; j-- > 1;) {
                uint8_t c = f[j];
                if (c == SFS_SYNC || c == SFS_ESC) {
                    f[j + extra] = c ^ SFS_ESC_XOR;
                    f[j + --extra] = SFS_ESC;
                } else {
                    f[j + extra] = c;
                }
            }
            frame_len = stuffed_len;
        }
        len += frame_len;
        i += 2 + n;
    }
    return len;
}
