/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_versions.c - what lets the ABI grow: the version getters against stubflash/version.h, and
 * the versioned structs the caller allocates (sf_chip, sf_ymodem_opts), whose unknown versions
 * the library refuses rather than reading past what the caller has. */
#include <stubflash/stubflash.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static void test_version_getters(void **state)
{
    (void)state;
    assert_string_equal(sf_version(), SF_PACKAGE_VERSION_STRING);
    assert_int_equal(sf_version_major(), SF_PACKAGE_VERSION_MAJOR);
    assert_int_equal(sf_version_minor(), SF_PACKAGE_VERSION_MINOR);
    assert_int_equal(sf_version_micro(), SF_PACKAGE_VERSION_MICRO);
    char s[32];
    snprintf(s, sizeof s, "%u.%u.%u", sf_version_major(), sf_version_minor(), sf_version_micro());
    assert_string_equal(s, sf_version());
    assert_string_equal(sf_lib_version_string(), SF_LIB_VERSION_STRING);
    snprintf(s, sizeof s, "%d:%d:%d", SF_LIB_VERSION_CURRENT, SF_LIB_VERSION_REVISION, SF_LIB_VERSION_AGE);
    assert_string_equal(s, SF_LIB_VERSION_STRING);
    assert_true(SF_CHECK_VERSION(SF_PACKAGE_VERSION_MAJOR, SF_PACKAGE_VERSION_MINOR, SF_PACKAGE_VERSION_MICRO));
    assert_true(SF_CHECK_VERSION(0, 0, 0));
    assert_false(SF_CHECK_VERSION(SF_PACKAGE_VERSION_MAJOR, SF_PACKAGE_VERSION_MINOR + 1, 0));
    assert_false(SF_CHECK_VERSION(SF_PACKAGE_VERSION_MAJOR + 1, 0, 0));
}

static void test_chip_version(void **state)
{
    (void)state;
    sf_session *s;
    assert_int_equal(sf_session_new(&s), SF_OK);
    sf_chip chip = SF_CHIP_INIT;
    assert_int_equal(chip.version, SF_CHIP_VERSION);
    assert_int_equal(sf_session_chip(s, &chip), SF_ERR_STATE); /* known version, not open */
    sf_chip unset = {0};
    assert_int_equal(sf_session_chip(s, &unset), SF_ERR_ARG);
    sf_chip newer = {.version = SF_CHIP_VERSION + 1};
    assert_int_equal(sf_session_chip(s, &newer), SF_ERR_ARG);
    sf_session_free(s);
}

static void test_ymodem_opts_version(void **state)
{
    (void)state;
    sf_ymodem_opts o, init = SF_YMODEM_OPTS_INIT;
    memset(&o, 0xA5, sizeof o);
    assert_int_equal(sf_ymodem_opts_init(&o, SF_YMODEM_OPTS_VERSION), SF_OK);
    assert_memory_equal(&o, &init, sizeof o);
    assert_int_equal(o.version, SF_YMODEM_OPTS_VERSION);
    assert_int_equal(o.baud, 0); /* every option at its default */
    assert_null(o.start);
    assert_null(o.cancel);
    assert_int_equal(sf_ymodem_opts_init(&o, SF_YMODEM_OPTS_VERSION + 1), SF_ERR_ARG);
    assert_int_equal(sf_ymodem_opts_init(&o, 0), SF_ERR_ARG);
    assert_int_equal(sf_ymodem_opts_init(NULL, SF_YMODEM_OPTS_VERSION), SF_ERR_ARG);

    /* Refused before anything is sent, with a sentence that names the versions. */
    char err[256];
    const uint8_t data[1] = {0};
    sf_ymodem_opts newer = {.version = SF_YMODEM_OPTS_VERSION + 1};
    assert_int_equal(sf_ymodem_send(NULL, "app.bin", data, 1, &newer, err, sizeof err), SF_ERR_ARG);
    assert_non_null(strstr(err, "version 2"));
    sf_ymodem_opts unset = {0};
    assert_int_equal(sf_ymodem_send(NULL, "app.bin", data, 1, &unset, err, sizeof err), SF_ERR_ARG);
    assert_non_null(strstr(err, "SF_YMODEM_OPTS_INIT"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_getters),
        cmocka_unit_test(test_chip_version),
        cmocka_unit_test(test_ymodem_opts_version),
    };
    return cmocka_run_group_tests_name("versions", tests, NULL, NULL);
}
