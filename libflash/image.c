/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* image.c - the image model (sorted, non-overlapping segments) and loading by format. */
#include "image_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct segment {
    uint32_t addr;
    uint8_t *data;
    size_t len, cap;
};

struct sf_image {
    struct segment *seg;
    size_t count, cap;
    sf_image_format format;
    bool has_entry;
    uint32_t entry;
};

sf_error sf_image_new(sf_image **out)
{
    if (!out)
        return SF_ERR_ARG;
    *out = calloc(1, sizeof **out);
    return *out ? SF_OK : SF_ERR_NOMEM;
}

void sf_image_free(sf_image *img)
{
    if (!img)
        return;
    for (size_t i = 0; i < img->count; i++)
        free(img->seg[i].data);
    free(img->seg);
    free(img);
}

static bool seg_reserve(struct segment *s, size_t len)
{
    if (len <= s->cap)
        return true;
    size_t cap = s->cap ? s->cap : 256;
    while (cap < len)
        cap *= 2;
    uint8_t *d = realloc(s->data, cap);
    if (!d)
        return false;
    s->data = d;
    s->cap = cap;
    return true;
}

static uint64_t seg_end(const struct segment *s) { return (uint64_t)s->addr + s->len; }

sf_error sf_image_add(sf_image *img, uint32_t addr, const uint8_t *data, size_t len)
{
    if (!img || (!data && len) || (uint64_t)addr + len > 0x100000000ull)
        return SF_ERR_ARG;
    if (len == 0)
        return SF_OK;
    uint64_t end = (uint64_t)addr + len;
    /* Fast path: records usually come in order and extend the last segment. */
    if (img->count && seg_end(&img->seg[img->count - 1]) == addr) {
        struct segment *s = &img->seg[img->count - 1];
        if (!seg_reserve(s, s->len + len))
            return SF_ERR_NOMEM;
        memcpy(s->data + s->len, data, len);
        s->len += len;
        return SF_OK;
    }
    /* General case: merge every segment that overlaps or touches [addr, end). */
    size_t first = 0;
    while (first < img->count && seg_end(&img->seg[first]) < addr)
        first++;
    size_t last = first;
    while (last < img->count && img->seg[last].addr <= end)
        last++;
    for (size_t i = first; i < last; i++) {
        struct segment *s = &img->seg[i];
        uint64_t lo = s->addr > addr ? s->addr : addr, hi = seg_end(s) < end ? seg_end(s) : end;
        if (lo < hi && memcmp(s->data + (lo - s->addr), data + (lo - addr), (size_t)(hi - lo)) != 0)
            return SF_ERR_FILE; /* the caller names the record */
    }
    uint32_t nstart = addr;
    uint64_t nend = end;
    if (first < last) {
        if (img->seg[first].addr < nstart)
            nstart = img->seg[first].addr;
        if (seg_end(&img->seg[last - 1]) > nend)
            nend = seg_end(&img->seg[last - 1]);
    }
    struct segment merged = {.addr = nstart};
    if (!seg_reserve(&merged, (size_t)(nend - nstart)))
        return SF_ERR_NOMEM;
    merged.len = (size_t)(nend - nstart);
    for (size_t i = first; i < last; i++)
        memcpy(merged.data + (img->seg[i].addr - nstart), img->seg[i].data, img->seg[i].len);
    memcpy(merged.data + (addr - nstart), data, len);
    for (size_t i = first; i < last; i++)
        free(img->seg[i].data);
    if (first == last) { /* insert */
        if (img->count == img->cap) {
            size_t cap = img->cap ? img->cap * 2 : 8;
            struct segment *n = realloc(img->seg, cap * sizeof *n);
            if (!n) {
                free(merged.data);
                return SF_ERR_NOMEM;
            }
            img->seg = n;
            img->cap = cap;
        }
        memmove(&img->seg[first + 1], &img->seg[first], (img->count - first) * sizeof *img->seg);
        img->count++;
    } else { /* replace first..last-1 by one */
        memmove(&img->seg[first + 1], &img->seg[last], (img->count - last) * sizeof *img->seg);
        img->count -= last - first - 1;
    }
    img->seg[first] = merged;
    return SF_OK;
}

sf_error sf_image_put(sf_image *img, uint32_t addr, const uint8_t *data, size_t len)
{
    if (!img || (!data && len) || (uint64_t)addr + len > 0x100000000ull)
        return SF_ERR_ARG;
    uint64_t end = (uint64_t)addr + len;
    for (size_t i = 0; i < img->count; i++) { /* the new bytes over the old, then add them */
        struct segment *s = &img->seg[i];
        uint64_t lo = s->addr > addr ? s->addr : addr, hi = seg_end(s) < end ? seg_end(s) : end;
        if (lo < hi)
            memcpy(s->data + (lo - s->addr), data + (lo - addr), (size_t)(hi - lo));
    }
    return sf_image_add(img, addr, data, len);
}

bool sf_image_holds(const sf_image *img, uint32_t addr, const uint8_t *data, size_t len)
{
    for (size_t i = 0; img && i < img->count; i++) { /* touching segments are merged */
        const struct segment *s = &img->seg[i];
        if (s->addr <= addr && (uint64_t)addr + len <= seg_end(s))
            return memcmp(s->data + (addr - s->addr), data, len) == 0;
    }
    return false;
}

bool sf_image_read_range(const sf_image *img, uint32_t addr, uint8_t *out, size_t len)
{
    /* Touching segments are merged, so a range the image holds lies in one segment. */
    for (size_t i = 0; img && i < img->count; i++) {
        const struct segment *s = &img->seg[i];
        if (s->addr <= addr && (uint64_t)addr + len <= seg_end(s)) {
            memcpy(out, s->data + (addr - s->addr), len);
            return true;
        }
    }
    return false;
}

void sf_image_set_entry(sf_image *img, uint32_t entry)
{
    img->has_entry = true;
    img->entry = entry;
}

sf_image_format sf_image_get_format(const sf_image *img) { return img ? img->format : SF_FORMAT_AUTO; }

const char *sf_image_format_name(sf_image_format f)
{
    switch (f) {
    case SF_FORMAT_BIN: return "binary";
    case SF_FORMAT_IHEX: return "Intel HEX";
    case SF_FORMAT_SREC: return "Motorola S-record";
    case SF_FORMAT_ELF: return "ELF";
    default: return "auto";
    }
}

size_t sf_image_segment_count(const sf_image *img) { return img ? img->count : 0; }

sf_error sf_image_segment(const sf_image *img, size_t i, uint32_t *addr, const uint8_t **data, size_t *len)
{
    if (!img || i >= img->count)
        return SF_ERR_ARG;
    if (addr)
        *addr = img->seg[i].addr;
    if (data)
        *data = img->seg[i].data;
    if (len)
        *len = img->seg[i].len;
    return SF_OK;
}

void sf_image_bounds(const sf_image *img, uint32_t *start, uint32_t *end)
{
    uint32_t s = 0, e = 0;
    if (img && img->count) {
        s = img->seg[0].addr;
        e = (uint32_t)seg_end(&img->seg[img->count - 1]);
    }
    if (start)
        *start = s;
    if (end)
        *end = e;
}

size_t sf_image_size(const sf_image *img)
{
    size_t n = 0;
    for (size_t i = 0; img && i < img->count; i++)
        n += img->seg[i].len;
    return n;
}

bool sf_image_entry(const sf_image *img, uint32_t *entry)
{
    if (!img || !img->has_entry)
        return false;
    if (entry)
        *entry = img->entry;
    return true;
}

bool sf_next_line(const uint8_t *d, size_t len, size_t *pos, unsigned *line, const uint8_t **rec, size_t *n)
{
    while (*pos < len) {
        size_t start = *pos;
        while (*pos < len && d[*pos] != '\n')
            (*pos)++;
        size_t end = *pos;
        (*pos)++;
        (*line)++;
        while (end > start && (d[end - 1] == '\r' || d[end - 1] == ' ' || d[end - 1] == '\t'))
            end--;
        if (end > start) {
            *rec = d + start;
            *n = end - start;
            return true;
        }
    }
    return false;
}

int sf_hex_nibble(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

bool sf_hex_bytes(const uint8_t *p, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i++) {
        int hi = sf_hex_nibble(p[2 * i]), lo = sf_hex_nibble(p[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

static sf_image_format detect(const uint8_t *d, size_t len)
{
    if (len >= 4 && d[0] == 0x7F && d[1] == 'E' && d[2] == 'L' && d[3] == 'F')
        return SF_FORMAT_ELF;
    size_t i = 0;
    while (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n'))
        i++;
    if (i < len && d[i] == ':')
        return SF_FORMAT_IHEX;
    if (i + 1 < len && d[i] == 'S' && d[i + 1] >= '0' && d[i + 1] <= '9')
        return SF_FORMAT_SREC;
    return SF_FORMAT_BIN;
}

sf_error sf_image_load_memory(const uint8_t *data, size_t len, const char *name, sf_image_format format,
                              uint32_t bin_base, sf_image **out, char *err, size_t errlen)
{
    sf_errbuf eb = {err, errlen};
    if (err && errlen)
        err[0] = 0;
    if (!out || (!data && len))
        return sf_fail(&eb, SF_ERR_ARG, "invalid arguments");
    *out = NULL;
    if (!name)
        name = "image";
    sf_image *img;
    if (sf_image_new(&img) != SF_OK)
        return sf_fail(&eb, SF_ERR_NOMEM, "out of memory");
    if (format == SF_FORMAT_AUTO)
        format = detect(data, len);
    img->format = format;
    sf_error e;
    switch (format) {
    case SF_FORMAT_IHEX: e = sf_parse_ihex(data, len, name, img, &eb); break;
    case SF_FORMAT_SREC: e = sf_parse_srec(data, len, name, img, &eb); break;
    case SF_FORMAT_ELF: e = sf_parse_elf(data, len, name, img, &eb); break;
    default:
        if (len == 0)
            e = sf_fail(&eb, SF_ERR_FILE, "%s: empty file", name);
        else if ((uint64_t)bin_base + len > 0x100000000ull)
            e = sf_fail(&eb, SF_ERR_FIT, "%s: %zu bytes at 0x%08x run past the 4 GiB address space", name, len, bin_base);
        else
            e = sf_image_add(img, bin_base, data, len);
        break;
    }
    if (e == SF_OK && img->count == 0)
        e = sf_fail(&eb, SF_ERR_FILE, "%s: no data in the file", name);
    if (e != SF_OK) {
        sf_image_free(img);
        return e;
    }
    *out = img;
    return SF_OK;
}

/* zlib reads gzip files and passes other files through unchanged. */
static sf_error read_file(const char *path, uint8_t **out, size_t *len, sf_errbuf *eb)
{
    gzFile gz = gzopen(path, "rbe"); /* e: close on exec (zlib 1.2.7) */
    if (!gz)
        return sf_fail(eb, SF_ERR_FILE, "%s: %s", path, strerror(errno ? errno : ENOENT));
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            gzclose(gz);
            return sf_fail(eb, SF_ERR_NOMEM, "%s: out of memory", path);
        }
        if (n == cap) {
            if (cap >= (size_t)1 << 30) {
                free(buf);
                gzclose(gz);
                return sf_fail(eb, SF_ERR_FILE, "%s: larger than 1 GiB", path);
            }
            uint8_t *nb = realloc(buf, cap * 2);
            if (!nb)
                free(buf);
            buf = nb;
            cap *= 2;
            continue;
        }
        int r = gzread(gz, buf + n, (unsigned)(cap - n));
        if (r < 0) {
            int zerr;
            const char *msg = gzerror(gz, &zerr);
            sf_error e = sf_fail(eb, SF_ERR_FILE, "%s: corrupt gzip data after %zu bytes: %s", path, n,
                                 zerr == Z_ERRNO ? strerror(errno) : msg);
            free(buf);
            gzclose(gz);
            return e;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    /* A truncated gzip stream ends without an error from gzread; gzclose reports it. */
    int zc = gzclose(gz);
    if (zc != Z_OK && zc != Z_BUF_ERROR) {
        free(buf);
        return sf_fail(eb, SF_ERR_FILE, "%s: corrupt or truncated gzip data", path);
    }
    if (zc == Z_BUF_ERROR) {
        free(buf);
        return sf_fail(eb, SF_ERR_FILE, "%s: truncated gzip data (the stream ends early)", path);
    }
    *out = buf;
    *len = n;
    return SF_OK;
}

sf_error sf_image_load(const char *path, sf_image_format format, uint32_t bin_base, sf_image **out,
                       char *err, size_t errlen)
{
    sf_errbuf eb = {err, errlen};
    if (err && errlen)
        err[0] = 0;
    if (!path || !out)
        return sf_fail(&eb, SF_ERR_ARG, "no file given");
    *out = NULL;
    uint8_t *data = NULL;
    size_t len = 0;
    sf_error e = read_file(path, &data, &len, &eb);
    if (e != SF_OK)
        return e;
    e = sf_image_load_memory(data, len, path, format, bin_base, out, err, errlen);
    free(data);
    return e;
}
