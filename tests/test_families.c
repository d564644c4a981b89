/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_families.c - the family table (families/families.txt) against the device table
 * (libflash/device_table.c) and the simulator's parts (sim/sim_parts.c): each of the three names
 * a family the others know by the same name, and agrees with them on what both say. Built from
 * the library's sources (the device table and the family table are internal). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "families.h"
#include "sf_internal.h"
#include "sim_part.h"
#include "stm32sim.h"

/* Every part of the device table has its family's row, with the same erased value; its stub
 * loads into RAM the ROM leaves free (sc_layout_make refuses the part otherwise). */
static void test_devices_have_a_family(void **state)
{
    (void)state;
    for (size_t i = 0; sf_device_at(i); i++) {
        const sf_device *d = sf_device_at(i);
        const sfi_family *f = sfi_family_named(d->family);
        if (!f)
            fail_msg("%s: no family %s in families.txt", d->name, d->family);
        assert_int_equal(f->erased, d->erased_value);
        if (f->stub_load < d->ram_base || f->stub_load >= d->ram_end)
            fail_msg("%s: the %s stub at 0x%08X is outside the free RAM 0x%08X-0x%08X", d->name, f->name,
                     f->stub_load, d->ram_base, d->ram_end);
    }
}

/* Every family serves a part of the device table (no row without parts). */
static void test_families_have_devices(void **state)
{
    (void)state;
    for (size_t k = 0; k < SFI_FAMILY_COUNT; k++) {
        bool found = false;
        for (size_t i = 0; sf_device_at(i); i++)
            found |= strcmp(sf_device_at(i)->family, sfi_families[k].name) == 0;
        if (!found)
            fail_msg("family %s: no part in the device table", sfi_families[k].name);
    }
}

/* Every simulated part is of the family the device table gives its product ID. */
static void test_sim_parts_match(void **state)
{
    (void)state;
    for (size_t i = 0; sim_part_at(i); i++) {
        const sim_part *p = sim_part_at(i);
        const sf_device *d = sf_device_find(sim_part_pid(p));
        assert_non_null(d);
        if (strcmp(sim_part_family(p)->name, d->family) != 0)
            fail_msg("%s: family %s in the simulator, %s in the device table", sim_part_name(p),
                     sim_part_family(p)->name, d->family);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_devices_have_a_family),
        cmocka_unit_test(test_families_have_devices),
        cmocka_unit_test(test_sim_parts_match),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
