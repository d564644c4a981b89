/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_appentry_parts.c - the app-side entry's table of where each line's ROM bootloader
 * starts (appentry/stubflash_enter_parts.h) against the device table: the same address for
 * every product ID, and every line of the device table there, but those whose DBGMCU IDCODE
 * the entry does not read (H7, and the Cortex-M33 lines L5, U5, H5). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <stubflash/device.h>

#include "stubflash_enter_parts.h"

#define NPARTS (sizeof stubflash_enter_parts / sizeof stubflash_enter_parts[0])

static bool entry_reads_idcode(const sf_device *d)
{
    static const char *const elsewhere[] = {"H7", "H7A", "L5", "U5", "H5"}; /* H7A: the H7A3/B3 */
    for (size_t i = 0; i < sizeof elsewhere / sizeof elsewhere[0]; i++)
        if (strcmp(d->family, elsewhere[i]) == 0)
            return false;
    return true;
}

static void test_every_entry_matches_the_device_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < NPARTS; i++) {
        const sf_device *d = sf_device_find(stubflash_enter_parts[i].id);
        if (!d)
            fail_msg("0x%03X is not in the device table", stubflash_enter_parts[i].id);
        if (stubflash_enter_parts[i].sysmem != d->sysmem_base)
            fail_msg("0x%03X (%s): 0x%08X, the device table says 0x%08X", d->pid, d->name,
                     stubflash_enter_parts[i].sysmem, d->sysmem_base);
        assert_true(entry_reads_idcode(d));
        for (size_t j = 0; j < i; j++)
            assert_int_not_equal(stubflash_enter_parts[j].id, stubflash_enter_parts[i].id);
    }
}

static void test_every_line_the_entry_can_identify_is_there(void **state)
{
    (void)state;
    size_t lines = 0;
    for (size_t k = 0; sf_device_at(k); k++) {
        const sf_device *d = sf_device_at(k);
        bool listed = false;
        for (size_t i = 0; i < NPARTS; i++)
            listed |= stubflash_enter_parts[i].id == d->pid;
        if (entry_reads_idcode(d) && !listed)
            fail_msg("0x%03X (%s) is missing from appentry/stubflash_enter_parts.h", d->pid, d->name);
        lines += listed;
    }
    assert_int_equal(lines, NPARTS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_entry_matches_the_device_table),
        cmocka_unit_test(test_every_line_the_entry_can_identify_is_there),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
