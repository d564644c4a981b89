/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* plan.h - which erase units an image touches and what each must hold afterwards. Internal. */
#ifndef SF_PLAN_H
#define SF_PLAN_H

#include "sf_internal.h"

typedef struct sf_plan_unit {
    uint32_t index, start, size;
    uint8_t *data;      /* final contents: image bytes, the rest filled in by the session */
    uint8_t *covered;   /* a bit per byte (byte i: bit i % 8 of covered[i / 8]), set where the image
                         * gives it: a bitmap, not a byte map, as each of its pages costs a page
                         * fault the first time a plan is built */
    size_t covered_bytes;
} sf_plan_unit;

/* Whether the image gives byte i of u. */
static inline bool sf_plan_covers(const sf_plan_unit *u, uint32_t i) { return u->covered[i / 8] >> (i % 8) & 1u; }

typedef struct sf_plan {
    sf_plan_unit *units;
    size_t count;
    bool filled; /* the bytes the image does not give hold what the chip has, not erased_value
                  * (the session reads them only where a unit is to be written) */
} sf_plan;

/* Where a unit's covered bytes form one run [*from, *to): true, also for a full unit. */
bool sf_plan_unit_run(const sf_plan_unit *u, uint32_t *from, uint32_t *to);

/* Every image byte must lie in the flash of a part with flash_size bytes (sf_device_flash_end;
 * in the hole between its banks only erased bytes, which are left out); errors name the first
 * byte that does not. Units not fully covered have their other bytes set to erased_value. */
sf_error sf_plan_build(const sf_device *dev, uint32_t flash_size, const sf_image *img, sf_plan *plan, sf_errbuf *eb);
void sf_plan_free(sf_plan *plan);

#endif
