/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* image_ihex.c - Intel HEX (record types 00-05), records in any order, gaps allowed. */
#define _POSIX_C_SOURCE 200809L /* fileno, fsync */
#include "image_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

sf_error sf_parse_ihex(const uint8_t *d, size_t len, const char *name, sf_image *img, sf_errbuf *eb)
{
    uint32_t base = 0; /* from type 02 (segment << 4) or 04 (linear << 16) */
    size_t pos = 0;
    unsigned line = 0;
    bool eof = false;
    const uint8_t *p;
    size_t n;
    while (!eof && sf_next_line(d, len, &pos, &line, &p, &n)) {
        if (p[0] != ':')
            return sf_fail(eb, SF_ERR_FILE, "%s:%u: expected ':' at the start of a record, found '%c'",
                           name, line, p[0] >= 32 && p[0] < 127 ? p[0] : '?');
        if (n < 11 || (n - 1) % 2)
            return sf_fail(eb, SF_ERR_FILE, "%s:%u: record too short or with an odd number of digits", name, line);
        uint8_t rec[261];
        size_t nb = (n - 1) / 2;
        if (nb > sizeof rec)
            return sf_fail(eb, SF_ERR_FILE, "%s:%u: record longer than 255 data bytes", name, line);
        if (!sf_hex_bytes(p + 1, nb, rec))
            return sf_fail(eb, SF_ERR_FILE, "%s:%u: not a hexadecimal digit in the record", name, line);
        uint8_t count = rec[0], type = rec[3];
        if (nb != (size_t)count + 5)
            return sf_fail(eb, SF_ERR_FILE, "%s:%u: byte count says %u data bytes, the record has %zu",
                           name, line, count, nb >= 5 ? nb - 5 : 0);
        uint8_t sum = 0;
        for (size_t i = 0; i + 1 < nb; i++)
            sum = (uint8_t)(sum + rec[i]);
        uint8_t want = (uint8_t)(0x100 - sum);
        if (rec[nb - 1] != want)
            return sf_fail(eb, SF_ERR_FILE, "%s:%u: checksum 0x%02X, expected 0x%02X", name, line, rec[nb - 1], want);
        uint16_t off = (uint16_t)(rec[1] << 8 | rec[2]);
        const uint8_t *data = rec + 4;
        switch (type) {
        case 0x00: {
            uint64_t a = (uint64_t)base + off;
            if (a + count > 0x100000000ull)
                return sf_fail(eb, SF_ERR_FILE, "%s:%u: data runs past the 4 GiB address space", name, line);
            sf_error e = sf_image_add(img, (uint32_t)a, data, count);
            if (e == SF_ERR_FILE)
                return sf_fail(eb, e, "%s:%u: data at 0x%08X overlaps earlier records with other values",
                                name, line, (uint32_t)a);
            if (e != SF_OK)
                return sf_fail(eb, e, "%s:%u: %s", name, line, sf_strerror(e));
            break;
        }
        case 0x01:
            if (count != 0)
                return sf_fail(eb, SF_ERR_FILE, "%s:%u: end-of-file record with data", name, line);
            eof = true;
            break;
        case 0x02:
        case 0x04:
            if (count != 2)
                return sf_fail(eb, SF_ERR_FILE, "%s:%u: address record (type %02X) needs 2 data bytes, has %u",
                               name, line, type, count);
            base = type == 0x02 ? (uint32_t)(data[0] << 8 | data[1]) << 4 : (uint32_t)(data[0] << 8 | data[1]) << 16;
            break;
        case 0x03:
        case 0x05:
            if (count != 4)
                return sf_fail(eb, SF_ERR_FILE, "%s:%u: start address record (type %02X) needs 4 data bytes, has %u",
                               name, line, type, count);
            if (type == 0x05)
                sf_image_set_entry(img, (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3]);
            else
                sf_image_set_entry(img, ((uint32_t)(data[0] << 8 | data[1]) << 4) + (uint32_t)(data[2] << 8 | data[3]));
            break;
        default:
            return sf_fail(eb, SF_ERR_FILE, "%s:%u: unknown record type %02X (Intel HEX has 00 to 05)", name, line, type);
        }
    }
    if (!eof)
        return sf_fail(eb, SF_ERR_FILE, "%s:%u: no end-of-file record (type 01): the file is truncated", name, line);
    return SF_OK;
}

/* One record, built in a buffer and written at once (a backup of 1 MiB is 64K records). */
static void put_record(FILE *f, uint8_t type, uint16_t addr, const uint8_t *data, size_t n)
{
    static const char digits[] = "0123456789ABCDEF";
    uint8_t head[4] = {(uint8_t)n, (uint8_t)(addr >> 8), (uint8_t)addr, type}, sum = 0;
    char line[1 + 2 * (4 + 255 + 1) + 1], *p = line;
    *p++ = ':';
    for (size_t i = 0; i < 4 + n + 1; i++) {
        uint8_t b = i < 4 ? head[i] : i < 4 + n ? data[i - 4] : (uint8_t)-sum;
        sum = (uint8_t)(sum + b);
        *p++ = digits[b >> 4];
        *p++ = digits[b & 15];
    }
    *p++ = '\n';
    fwrite(line, 1, (size_t)(p - line), f);
}

sf_error sf_image_save_ihex(const sf_image *img, const char *path, char *err, size_t errlen)
{
    sf_errbuf eb = {err, errlen};
    if (err && errlen)
        err[0] = 0;
    if (!img || !path)
        return sf_fail(&eb, SF_ERR_ARG, "no image or path");
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return sf_fail(&eb, SF_ERR_ARG, "%s: path too long", path);
    FILE *f = fopen(tmp, "we"); /* e: close on exec (glibc) */
    if (!f)
        return sf_fail(&eb, SF_ERR_FILE, "%s: cannot create: %s", tmp, strerror(errno));
    uint32_t upper = 0;
    for (size_t i = 0; i < sf_image_segment_count(img); i++) {
        uint32_t addr;
        const uint8_t *data;
        size_t len;
        sf_image_segment(img, i, &addr, &data, &len);
        for (size_t off = 0; off < len;) {
            uint32_t a = addr + (uint32_t)off;
            if ((a >> 16) != upper || (i == 0 && off == 0)) {
                upper = a >> 16;
                uint8_t ext[2] = {(uint8_t)(upper >> 8), (uint8_t)upper};
                put_record(f, 0x04, 0, ext, 2);
            }
            size_t n = len - off < 16 ? len - off : 16;
            if ((a & 0xFFFF) + n > 0x10000) /* a record does not cross a 64 KiB boundary */
                n = 0x10000 - (a & 0xFFFF);
            put_record(f, 0x00, (uint16_t)a, data + off, n);
            off += n;
        }
    }
    put_record(f, 0x01, 0, NULL, 0);
    bool ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok &= fclose(f) == 0;
    if (!ok || rename(tmp, path) != 0) {
        sf_error e = sf_fail(&eb, SF_ERR_FILE, "%s: cannot write: %s", path, strerror(errno));
        unlink(tmp);
        return e;
    }
    return SF_OK;
}
