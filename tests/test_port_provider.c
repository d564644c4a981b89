/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_port_provider.c - sim: ports come from libstubflash-sim.so.0, which libstubflash loads
 * when one is opened or listed: found in the build tree without LD_LIBRARY_PATH, reached
 * through the provider's functions, and, when it is missing (STUBFLASH_SIM_LIBRARY naming a
 * file that is not there) or is not a provider, a failed open whose sentence names the package
 * and a port list without sim: entries. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <stubflash/stubflash.h>

static size_t count_sim_ports(void)
{
    sf_port_info **list;
    size_t n, sims = 0;
    assert_int_equal(sf_port_list(&list, &n), SF_OK);
    for (size_t i = 0; i < n; i++)
        sims += strncmp(sf_port_info_name(list[i]), "sim:", 4) == 0;
    sf_port_list_free(list);
    return sims;
}

static void test_sim_port_in_process(void **state)
{
    (void)state;
    unsetenv("STUBFLASH_SIM_LIBRARY");
    char err[512];
    sf_port *p;
    assert_int_equal(sf_port_open("sim:stm32f103rg", &p, err, sizeof err), SF_OK);
    /* AN3155: the ROM bootloader answers the 0x7F sync byte with ACK. */
    const uint8_t sync = 0x7F;
    uint8_t ack = 0;
    assert_int_equal(sf_port_write(p, &sync, 1), SF_OK);
    assert_int_equal(sf_port_read(p, &ack, 1, NULL, 1000), SF_OK);
    assert_int_equal(ack, 0x79);
    assert_int_equal(sf_port_set_lines(p, 1, 0), SF_OK);
    assert_int_equal(sf_port_flush_input(p), SF_OK);
    sf_port_close(p);
    assert_true(count_sim_ports() > 0);
    /* The provider's own sentences come through. */
    assert_int_equal(sf_port_open("sim:stm32f999zz", &p, err, sizeof err), SF_ERR_PORT);
    assert_null(p);
    assert_non_null(strstr(err, "no such virtual part"));
    assert_int_equal(sf_port_open("sim:stm32f103rg?late=300", &p, err, sizeof err), SF_ERR_PORT);
    assert_null(p);
    assert_non_null(strstr(err, "'late=300': late= takes a count of bytes from 0 to 256"));
}

static void test_missing_library(void **state)
{
    (void)state;
    setenv("STUBFLASH_SIM_LIBRARY", "/nonexistent/libstubflash-sim.so.0", 1);
    char err[512] = "";
    sf_port *p = (sf_port *)&p;
    assert_int_equal(sf_port_open("sim:stm32f103rb", &p, err, sizeof err), SF_ERR_PORT);
    assert_null(p);
    print_message("%s\n", err);
    assert_non_null(strstr(err, "package stubflash-sim"));
    assert_non_null(strstr(err, "not installed"));
    assert_non_null(strstr(err, "/nonexistent/libstubflash-sim.so.0"));
    assert_int_equal(count_sim_ports(), 0);
    unsetenv("STUBFLASH_SIM_LIBRARY");
}

static void test_not_a_provider(void **state)
{
    (void)state;
    setenv("STUBFLASH_SIM_LIBRARY", "libz.so.1", 1); /* a library without sf_sim_port_provider */
    char err[512] = "";
    sf_port *p;
    assert_int_equal(sf_port_open("sim:stm32f103rg", &p, err, sizeof err), SF_ERR_PORT);
    assert_null(p);
    print_message("%s\n", err);
    assert_non_null(strstr(err, "not a port provider"));
    assert_int_equal(count_sim_ports(), 0);
    unsetenv("STUBFLASH_SIM_LIBRARY");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sim_port_in_process),
        cmocka_unit_test(test_missing_library),
        cmocka_unit_test(test_not_a_provider),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
