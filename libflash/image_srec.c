/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* image_srec.c - Motorola S-record: S0 header, S1/S2/S3 data (16/24/32-bit addresses), S5/S6
 * record counts, S7/S8/S9 termination with the entry point. */
#include "image_internal.h"

sf_error sf_parse_srec(const uint8_t *d, size_t len, const char *name, sf_image *img, sf_errbuf *eb)
{
    size_t pos = 0;
    unsigned line = 0, data_records = 0;
    bool done = false;
    const uint8_t *p;
    size_t n;
    while (!done && sf_next_line(d, len, &pos, &line, &p, &n)) {
        if (p[0] != 'S' || n < 2 || p[1] < '0' || p[1] > '9')
            return sf_fail(eb, SF_ERR_FILE, "%s:%u: expected a record starting 'S0'..'S9'", name, line);
        int type = p[1] - '0';
        if (type == 4)
            return sf_fail(eb, SF_ERR_FILE, "%s:%u: S4 is a reserved record type", name, line);
        if (n < 4 || (n - 2) % 2)
            return sf_fail(eb, SF_ERR_FILE, "%s:%u: record too short or with an odd number of digits", name, line);
        uint8_t rec[256];
        size_t nb = (n - 2) / 2;
        if (nb > sizeof rec)
            return sf_fail(eb, SF_ERR_FILE, "%s:%u: record longer than 255 bytes", name, line);
        if (!sf_hex_bytes(p + 2, nb, rec))
            return sf_fail(eb, SF_ERR_FILE, "%s:%u: not a hexadecimal digit in the record", name, line);
        if (rec[0] != nb - 1)
            return sf_fail(eb, SF_ERR_FILE, "%s:%u: byte count says %u, the record has %zu", name, line, rec[0], nb - 1);
        uint8_t sum = 0;
        for (size_t i = 0; i + 1 < nb; i++)
            sum = (uint8_t)(sum + rec[i]);
        uint8_t want = (uint8_t)~sum;
        if (rec[nb - 1] != want)
            return sf_fail(eb, SF_ERR_FILE, "%s:%u: checksum 0x%02X, expected 0x%02X", name, line, rec[nb - 1], want);
        static const int addr_len[10] = {2, 2, 3, 4, 0, 2, 3, 4, 3, 2};
        int al = addr_len[type];
        if ((int)nb - 2 < al)
            return sf_fail(eb, SF_ERR_FILE, "%s:%u: S%d record too short for its %d-byte address", name, line, type, al);
        uint32_t addr = 0;
        for (int i = 0; i < al; i++)
            addr = addr << 8 | rec[1 + i];
        const uint8_t *data = rec + 1 + al;
        size_t dlen = nb - 2 - (size_t)al;
        switch (type) {
        case 0:
            break; /* header: free text */
        case 1:
        case 2:
        case 3: {
            if ((uint64_t)addr + dlen > 0x100000000ull)
                return sf_fail(eb, SF_ERR_FILE, "%s:%u: data runs past the 4 GiB address space", name, line);
            sf_error e = sf_image_add(img, addr, data, dlen);
            if (e == SF_ERR_FILE)
                return sf_fail(eb, e, "%s:%u: data at 0x%08X overlaps earlier records with other values", name, line, addr);
            if (e != SF_OK)
                return sf_fail(eb, e, "%s:%u: %s", name, line, sf_strerror(e));
            data_records++;
            break;
        }
        case 5:
        case 6:
            if (addr != data_records)
                return sf_fail(eb, SF_ERR_FILE, "%s:%u: record count says %u data records, the file has %u",
                               name, line, addr, data_records);
            break;
        default: /* 7, 8, 9 */
            sf_image_set_entry(img, addr);
            done = true;
            break;
        }
    }
    if (!done)
        return sf_fail(eb, SF_ERR_FILE, "%s:%u: no termination record (S7, S8 or S9): the file is truncated", name, line);
    return SF_OK;
}
