/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* plan.c - see plan.h. */
#include "plan.h"

#include <stdlib.h>
#include <string.h>

void sf_plan_free(sf_plan *p)
{
    for (size_t i = 0; i < p->count; i++) {
        free(p->units[i].data);
        free(p->units[i].covered);
    }
    free(p->units);
    p->units = NULL;
    p->count = 0;
}

bool sf_plan_unit_run(const sf_plan_unit *u, uint32_t *from, uint32_t *to)
{
    uint32_t a = 0, b = u->size;
    while (a < b && !sf_plan_covers(u, a))
        a++;
    while (b > a && !sf_plan_covers(u, b - 1))
        b--;
    *from = a;
    *to = b;
    return u->covered_bytes == b - a;
}

static sf_plan_unit *unit_for(const sf_device *dev, uint32_t flash_size, sf_plan *p, uint32_t addr, size_t *cap)
{
    uint32_t index, start, size;
    if (sf_device_unit_of(dev, flash_size, addr, &index, &start, &size) != SF_OK)
        return NULL;
    /* Segments come in address order, so a unit is either the last one added or new. */
    if (p->count && p->units[p->count - 1].index == index)
        return &p->units[p->count - 1];
    if (p->count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        sf_plan_unit *n = realloc(p->units, ncap * sizeof *n);
        if (!n)
            return NULL;
        p->units = n;
        *cap = ncap;
    }
    sf_plan_unit *u = &p->units[p->count];
    memset(u, 0, sizeof *u);
    u->index = index;
    u->start = start;
    u->size = size;
    u->data = malloc(size);
    u->covered = calloc(1, (size + 7) / 8);
    if (!u->data || !u->covered) {
        free(u->data);
        free(u->covered);
        return NULL;
    }
    memset(u->data, dev->erased_value, size);
    p->count++;
    return u;
}

sf_error sf_plan_build(const sf_device *dev, uint32_t flash_size, const sf_image *img, sf_plan *p, sf_errbuf *eb)
{
    memset(p, 0, sizeof *p);
    size_t cap = 0;
    uint32_t fstart = dev->flash_base;
    uint64_t fend = sf_device_flash_end(dev, flash_size);
    uint32_t hole_size, hole = sf_device_hole(dev, flash_size, &hole_size);
    for (size_t s = 0; s < sf_image_segment_count(img); s++) {
        uint32_t addr;
        const uint8_t *data;
        size_t len;
        sf_image_segment(img, s, &addr, &data, &len);
        if (addr < fstart || (uint64_t)addr + len > fend) {
            uint32_t bad = addr < fstart ? addr : (uint32_t)(addr < fend ? fend : addr);
            sf_plan_free(p);
            return sf_fail(eb, SF_ERR_FIT,
                           "the image does not fit: it has bytes at 0x%08X..0x%08X, the chip's flash is 0x%08X..0x%08X "
                           "(%u KiB); first byte outside: 0x%08X%s",
                           addr, (uint32_t)(addr + len - 1), fstart, (uint32_t)(fend - 1), flash_size / 1024, bad,
                           addr < fstart ? " (a raw binary needs --address 0x08000000?)" : "");
        }
        /* The hole between the banks: a read of the whole flash gives erased bytes there, which
         * are left out; anything else cannot be written. */
        uint32_t first = 0;
        bool in_hole = false;
        for (uint32_t a = addr > hole ? addr : hole; hole && a < hole + hole_size && a - addr < len; a++)
            if (data[a - addr] != dev->erased_value) {
                first = a;
                in_hole = true;
                break;
            }
        if (in_hole) {
            sf_plan_free(p);
            return sf_fail(eb, SF_ERR_FIT,
                           "the image has bytes at 0x%08X, between flash bank 1 (0x%08X..0x%08X) and bank 2 "
                           "(0x%08X..0x%08X): this %u KiB part has no flash at 0x%08X..0x%08X",
                           first, fstart, hole - 1, hole + hole_size, (uint32_t)(fend - 1), flash_size / 1024, hole,
                           hole + hole_size - 1);
        }
        size_t off = 0;
        while (off < len) {
            if (hole && addr + (uint32_t)off >= hole && addr + (uint32_t)off - hole < hole_size) {
                off = hole + hole_size - addr; /* erased bytes in the hole: nothing to write */
                continue;
            }
            sf_plan_unit *u = unit_for(dev, flash_size, p, addr + (uint32_t)off, &cap);
            if (!u) {
                sf_plan_free(p);
                return sf_fail(eb, SF_ERR_NOMEM, "out of memory planning the write");
            }
            uint32_t in = addr + (uint32_t)off - u->start;
            size_t n = u->size - in < len - off ? u->size - in : len - off;
            memcpy(u->data + in, data + off, n);
            for (uint32_t i = in; i < in + n; i++)
                if (!sf_plan_covers(u, i)) {
                    u->covered[i / 8] |= (uint8_t)(1u << (i % 8));
                    u->covered_bytes++;
                }
            off += n;
        }
    }
    return SF_OK;
}
