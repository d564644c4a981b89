/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_entry.c - getting into the bootloader and back without touching the board: the virtual
 * board's NRST and BOOT0 are wired to the host's DTR, RTS or BREAK, and it is served as an RFC
 * 2217 port (a pty carries no control lines). Its flash holds an application, BOOT0 is low: it
 * runs the application until the host's --before sequence resets it into the ROM, and the
 * --after sequence starts the (new) application again. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board_host.h"
#include "run.h"

typedef struct rig {
    sim_board *board;
    sim_rfc2217 *tel;
    char port[64], dir[64], log[128], file[128];
} rig;

static rig *rig_with_app(sim_ctl_line nrst, sim_ctl_line boot0, const char *app_env)
{
    rig *r = calloc(1, sizeof *r);
    sim_options opt = {.boot0 = false, .wiring = {.nrst = nrst, .boot0 = boot0}};
    r->board = bh_board_opts("stm32f103re", &opt);
    /* An application in flash before the host comes: the one the write replaces. */
    size_t n;
    uint8_t *app = bh_load_file(getenv(app_env), &n);
    assert_int_equal(sim_board_poke(r->board, 0x08000000, app, n), 0);
    free(app);
    sim_board_reset(r->board);
    r->tel = sim_rfc2217_open(r->board, 0, NULL);
    assert_non_null(r->tel);
    snprintf(r->port, sizeof r->port, "rfc2217://127.0.0.1:%d", sim_rfc2217_port(r->tel));
    snprintf(r->dir, sizeof r->dir, "/tmp/stubflash-entry-XXXXXX");
    assert_non_null(mkdtemp(r->dir));
    snprintf(r->log, sizeof r->log, "%s/out.log", r->dir);
    snprintf(r->file, sizeof r->file, "%s/app.bin", r->dir);
    usleep(100 * 1000);
    assert_true(sim_board_cpu_running(r->board)); /* the application runs */
    return r;
}

static rig *rig_new(sim_ctl_line nrst, sim_ctl_line boot0) { return rig_with_app(nrst, boot0, "HELLO_FLASH_BIN"); }

static void rig_free(rig *r)
{
    sim_rfc2217_close(r->tel);
    sim_board_free(r->board);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", r->dir);
    assert_int_equal(system(cmd), 0);
    free(r);
}

static int stubflash(rig *r, ...)
{
    va_list ap;
    va_start(ap, r);
    int rc = run_stubflash_va(r->port, r->log, ap);
    va_end(ap);
    return rc;
}

static bool log_has(rig *r, const char *text)
{
    size_t n;
    uint8_t *l = bh_load_file(r->log, &n);
    l[n] = 0;
    bool found = strstr((char *)l, text) != NULL;
    free(l);
    return found;
}

/* Write the benchmark firmware with the given sequences; check it is in flash and running. */
static void write_and_start(rig *r, const char *before, const char *after, bool stub)
{
    size_t n;
    uint8_t *img = bh_load_file(getenv("BENCH_APP_BIN"), &n);
    bh_save_file(r->file, img, n);
    unsigned resets = sim_board_reset_count(r->board);
    if (!before) /* the application's trigger, then --go to start the new one */
        assert_int_equal(stubflash(r, "--enter=magic:stubflash-enter@57600", "write", r->file, "--go", NULL), 0);
    else if (stub)
        assert_int_equal(stubflash(r, "--before", before, "--after", after, "write", r->file, NULL), 0);
    else
        assert_int_equal(stubflash(r, "--no-stub", "--before", before, "--after", after, "write", r->file, NULL), 0);
    assert_true(log_has(r, "sending the application's trigger") == !before);
    uint8_t *got = malloc(n);
    assert_int_equal(sim_board_peek(r->board, 0x08000000, got, n), 0);
    assert_memory_equal(got, img, n);
    free(got);
    free(img);
    usleep(100 * 1000);
    /* One reset into the ROM, one into the new application (the stub's hand-back to the ROM is
     * a jump, not a reset; with the trigger the application resets itself, and Go jumps); the
     * application runs with no fault. */
    assert_int_equal(sim_board_reset_count(r->board) - resets, before ? 2 : 1);
    assert_true(sim_board_cpu_running(r->board));
    char fault[256];
    sim_board_last_fault(r->board, fault, sizeof fault);
    assert_string_equal(fault, "");
}

static void test_dtr_reset_rts_boot0(void **state)
{
    (void)state;
    rig *r = rig_new(SIM_LINE_DTR, SIM_LINE_RTS);
    /* Without the sequence nothing answers: the chip runs its application. */
    assert_int_equal(stubflash(r, "info", NULL), 4);
    write_and_start(r, "dtr-reset-rts-boot0", "dtr-reset-rts-boot0", true);
    write_and_start(r, "dtr-reset-rts-boot0", "dtr-reset-rts-boot0", false);
    rig_free(r);
}

static void test_rts_reset_dtr_boot0(void **state)
{
    (void)state;
    rig *r = rig_new(SIM_LINE_RTS, SIM_LINE_DTR);
    /* The other preset pulses the wrong line here: the chip stays in its application. */
    assert_int_equal(stubflash(r, "--before", "dtr-reset-rts-boot0", "info", NULL), 4);
    write_and_start(r, "rts-reset-dtr-boot0", "rts-reset-dtr-boot0", true);
    rig_free(r);
}

static void test_break_reset_custom_steps(void **state)
{
    (void)state;
    rig *r = rig_new(SIM_LINE_BREAK, SIM_LINE_DTR);
    write_and_start(r, "dtr,brk,50,-brk,20", "-dtr,brk,50,-brk", true);
    rig_free(r);
}

/* No wiring at all: the application itself (tests/firmware/entry-app.c, with
 * appentry/stubflash_enter.c; 72 MHz, USART1 at 57600 8N1) resets into the bootloader when it
 * receives the trigger. */
static void test_app_side_entry(void **state)
{
    (void)state;
    rig *r = rig_with_app(SIM_LINE_NONE, SIM_LINE_NONE, "ENTRY_APP_BIN");
    assert_int_equal(stubflash(r, "info", NULL), 4); /* the application does not answer 0x7F */
    assert_true(sim_board_cpu_running(r->board));
    /* A wrong trigger changes nothing. */
    assert_int_equal(stubflash(r, "--enter=magic:stubflash-enteR@57600", "info", NULL), 4);
    write_and_start(r, NULL, NULL, true); /* with the trigger, see below */
    rig_free(r);
}

static void test_bad_sequence_is_a_usage_error(void **state)
{
    (void)state;
    rig *r = rig_new(SIM_LINE_DTR, SIM_LINE_RTS);
    assert_int_equal(stubflash(r, "--before", "dtr,100,reset", "info", NULL), 2);
    assert_true(log_has(r, "'reset' is not a step"));
    rig_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dtr_reset_rts_boot0),
        cmocka_unit_test(test_rts_reset_dtr_boot0),
        cmocka_unit_test(test_break_reset_custom_steps),
        cmocka_unit_test(test_app_side_entry),
        cmocka_unit_test(test_bad_sequence_is_a_usage_error),
    };
    return cmocka_run_group_tests_name("entry", tests, NULL, NULL);
}
