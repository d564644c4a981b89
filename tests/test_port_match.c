/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_port_match.c - USB identities ("usb:VID:PID[:SERIAL]", "usb-serial:SERIAL") against ports
 * that are not plugged in: the matcher is a pure function over port descriptions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "port_match.h"

/* A bench: two ST-LINK virtual COM ports, two FTDI cables, a CP2102 without a serial number,
 * a motherboard UART, a pseudo-terminal. */
static const sfi_port_desc bench[] = {
    {"/dev/ttyACM0", "0671FF3833554B3043164817", true, 0x0483, 0x374b},
    {"/dev/ttyACM1", "066CFF5052577871", true, 0x0483, 0x374b},
    {"/dev/ttyUSB0", "A50285BI", true, 0x0403, 0x6001},
    {"/dev/ttyUSB1", "FT4WXYZ", true, 0x0403, 0x6001},
    {"/dev/ttyUSB2", "", true, 0x10c4, 0xea60},
    {"/dev/ttyS0", "", false, 0, 0},
    {"/dev/pts/3", "", false, 0, 0},
};
#define NBENCH (sizeof bench / sizeof bench[0])

/* The names spec matches on the bench, joined by spaces. */
static const char *matches(const char *spec)
{
    static char out[512];
    sfi_usb_spec s;
    char err[300];
    out[0] = 0;
    if (!sfi_usb_spec_parse(spec, &s, err, sizeof err))
        fail_msg("%s: %s", spec, err);
    for (size_t i = 0; i < NBENCH; i++)
        if (sfi_usb_spec_matches(&s, &bench[i])) {
            if (out[0])
                strcat(out, " ");
            strcat(out, bench[i].name);
        }
    return out;
}

static void test_ids_select_every_adapter_of_a_kind(void **state)
{
    (void)state;
    assert_string_equal(matches("usb:0483:374b"), "/dev/ttyACM0 /dev/ttyACM1");
    assert_string_equal(matches("usb:0483:374B"), "/dev/ttyACM0 /dev/ttyACM1"); /* hex in either case */
    assert_string_equal(matches("usb:403:6001"), "/dev/ttyUSB0 /dev/ttyUSB1");
    assert_string_equal(matches("usb:10c4:ea60"), "/dev/ttyUSB2");
    assert_string_equal(matches("usb:0483:5740"), ""); /* not plugged in */
    assert_string_equal(matches("usb:374b:0483"), ""); /* VID and PID are not interchangeable */
}

static void test_serial_picks_one(void **state)
{
    (void)state;
    assert_string_equal(matches("usb:0483:374b:066CFF5052577871"), "/dev/ttyACM1");
    assert_string_equal(matches("usb:0403:6001:066CFF5052577871"), ""); /* right serial, other IDs */
    assert_string_equal(matches("usb:0483:374b:066cff5052577871"), ""); /* serials compare exactly */
    assert_string_equal(matches("usb:0483:374b:066CFF50"), "");         /* not a prefix */
    assert_string_equal(matches("usb-serial:A50285BI"), "/dev/ttyUSB0");
    assert_string_equal(matches("usb-serial:FT4WXYZ"), "/dev/ttyUSB1");
    assert_string_equal(matches("usb-serial:NOPE"), ""); /* ports without a serial never match */
}

static void test_bad_specs_say_what_is_wrong(void **state)
{
    (void)state;
    struct {
        const char *spec, *why;
    } cases[] = {
        {"usb:0483", "no product ID"},
        {"usb:0483:", "the product ID is not"},
        {"usb::5740", "the vendor ID is not"},
        {"usb:10483:5740", "the vendor ID is not"},
        {"usb:0483:57g0", "the product ID is not"},
        {"usb:0483:5740:", "nothing after the last ':'"},
        {"usb-serial:", "no serial number"},
        {"/dev/ttyUSB0", "not a USB identity"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sfi_usb_spec s;
        char err[300] = "";
        assert_false(sfi_usb_spec_parse(cases[i].spec, &s, err, sizeof err));
        if (!strstr(err, cases[i].why) || !strstr(err, cases[i].spec) || !strstr(err, "usb-serial:SERIAL"))
            fail_msg("%s: '%s' should say '%s' and the forms", cases[i].spec, err, cases[i].why);
    }
    assert_true(sfi_port_is_usb_spec("usb:1:2"));
    assert_true(sfi_port_is_usb_spec("usb-serial:X"));
    assert_false(sfi_port_is_usb_spec("/dev/usb0"));
    assert_false(sfi_port_is_usb_spec("sim:stm32f103rg"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids_select_every_adapter_of_a_kind),
        cmocka_unit_test(test_serial_picks_one),
        cmocka_unit_test(test_bad_specs_say_what_is_wrong),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
