/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_gui.c - stubflash-gtk end to end: the real application under Xvfb, driven through its
 * own actions and questions (gui/sfg-script.h), flashing an in-process virtual board whose
 * flash file is then checked. */
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
#include "pty_board.h"
#include "run.h"
#include "test_gui_driver.h"

#define setup gui_setup
#define teardown gui_teardown

static void expect_board(gui *g, uint32_t offset, const uint8_t *want, size_t len)
{
    size_t n;
    uint8_t *flash = bh_load_file(g->board, &n);
    assert_true(n >= offset + len);
    assert_memory_equal(flash + offset, want, len);
    free(flash);
}

static void test_flash_a_hex_file(void **state)
{
    gui *g = *state;
    assert_int_equal(run_gui(g, "port sim:stm32f103re?flash=%s; file %s; action flash; wait busy 20; wait done 120;"
                                "expect-status Flash: done, wrote and verified; expect-cells verified 1;"
                                "expect-cells idle 255; quit",
                             g->board, getenv("HELLO_FLASH_HEX")), 0);
    size_t n;
    uint8_t *bin = bh_load_file(getenv("HELLO_FLASH_BIN"), &n);
    expect_board(g, 0, bin, n);
    free(bin);
    /* It remembers the port and the file: the next start flashes again without being told,
     * and the map shows that the board already held it. */
    assert_int_equal(run_gui(g, "action flash; wait done 120; expect-cells unchanged 1; expect-cells verified 0; quit"),
                     0);
    assert_true(log_has(g, "state: done"));
}

static void test_read_erase_run_and_cancel(void **state)
{
    gui *g = *state;
    char back[160];
    snprintf(back, sizeof back, "%s/read.bin", g->dir);
    size_t n;
    uint8_t *bin = bh_load_file(getenv("HELLO_FLASH_BIN"), &n);
    /* Flash and run it, read it all back; then Erase (asked first: no keeps it) empties it. */
    assert_int_equal(run_gui(g, "port sim:stm32f103re?flash=%s; file %s; option go on; action flash; wait done 120;"
                                "expect-status started the firmware at 0x08000000; read %s; wait busy 10; wait done 120;"
                                "expect-status saved 512 KiB of flash; action erase; answer no; wait done 1;"
                                "action erase; answer yes; wait busy 10; wait done 120;"
                                "expect-status erased the whole flash; quit",
                             g->board, getenv("HELLO_FLASH_HEX"), back), 0);
    uint8_t *r = bh_load_file(back, &n);
    assert_int_equal(n, 512 * 1024);
    uint8_t *want = bh_load_file(getenv("HELLO_FLASH_BIN"), &n);
    assert_memory_equal(r, want, n);
    free(r);
    free(want);
    free(bin);
    r = bh_load_file(g->board, &n);
    for (size_t i = 0; i < 512 * 1024; i++)
        if (r[i] != 0xFF)
            fail_msg("byte 0x%zx not erased", i);
    free(r);
    /* Cancel in the middle of a slow write (real time, through the ROM). */
    char big[160];
    snprintf(big, sizeof big, "%s/big.bin", g->dir);
    uint8_t *img = bh_firmware(64 * 1024, 33, 0x08000000);
    bh_save_file(big, img, 64 * 1024);
    free(img);
    assert_int_equal(run_gui(g, "port sim:stm32f103re?realtime=1&flash=%s; option stub off; file %s; answer 0x08000000;"
                                "action flash; wait-cells written 2 60; action cancel; wait error 30;"
                                "expect-status Flash failed: cancelled; quit",
                             g->board, big), 0);
}

static void test_a_binary_asks_where_it_goes(void **state)
{
    gui *g = *state;
    char fw[160];
    snprintf(fw, sizeof fw, "%s/app.bin", g->dir);
    uint8_t *img = bh_firmware(6000, 31, 0x08004000);
    bh_save_file(fw, img, 6000);
    /* A wrong answer keeps the question open (and says why); the right one is taken. */
    assert_int_equal(run_gui(g, "port sim:stm32f103re?flash=%s; file %s; answer 0x80G; answer 0x08004000;"
                                "action flash; wait done 120; expect-cells verified 3; expect-cells idle 253; quit",
                             g->board, fw), 0);
    expect_board(g, 0x4000, img, 6000);
    free(img);
}

static void test_errors_are_the_clis(void **state)
{
    gui *g = *state;
    /* A port that is not there: the window says what the command line says. */
    char cli_log[160];
    snprintf(cli_log, sizeof cli_log, "%s/cli.log", g->dir);
    const char *argv[] = {getenv("STUBFLASH_CLI"), "-p", "/dev/ttyNOPE9", "info", NULL};
    assert_int_not_equal(run_program(argv, NULL, cli_log, 60), 0);
    size_t n;
    char *cli = (char *)bh_load_file(cli_log, &n);
    char *msg = strstr(cli, "stubflash: ");
    assert_non_null(msg);
    msg += strlen("stubflash: ");
    msg[strcspn(msg, "\n;")] = 0; /* up to the first ';', which the script cannot carry */
    assert_int_equal(run_gui(g, "port /dev/ttyNOPE9; file %s; action flash; wait error 60; expect-status Flash failed: %s;"
                                "quit", getenv("HELLO_FLASH_HEX"), msg), 0);
    free(cli);
    /* A bridge typed in (Other…) that is not there: said in the command's words too. */
    snprintf(cli_log, sizeof cli_log, "%s/cli2.log", g->dir);
    const char *argv2[] = {getenv("STUBFLASH_CLI"), "-p", "tcp://127.0.0.1:9", "info", NULL};
    assert_int_not_equal(run_program(argv2, NULL, cli_log, 60), 0);
    cli = (char *)bh_load_file(cli_log, &n);
    msg = strstr(cli, "stubflash: ");
    assert_non_null(msg);
    msg += strlen("stubflash: ");
    msg[strcspn(msg, "\n;")] = 0;
    assert_int_equal(run_gui(g, "action other-port; answer \"\"; answer tcp://127.0.0.1:9; action identify; wait error 60;"
                                "expect-status Identify failed: %s; quit", msg), 0);
    free(cli);
    /* A file that is not firmware is refused before anything runs. */
    assert_int_equal(run_gui(g, "file /etc/hostname; wait error 5; expect-status is not a firmware file; quit"), 0);
}

/* What is not firmware for the chip: the window says what was found and asks first; "no" leaves
 * the board as it was, "Flash Anyway" writes it. */
static void test_not_firmware_asks_first(void **state)
{
    gui *g = *state;
    char fw[160];
    snprintf(fw, sizeof fw, "%s/noise.bin", g->dir);
    uint8_t *img = bh_noise(4096, 51), *erased = malloc(4096);
    memset(erased, 0xFF, 4096);
    bh_save_file(fw, img, 4096);
    assert_int_equal(run_gui(g, "port sim:stm32f103re?flash=%s; file %s; answer 0x08000000; action flash; wait error 60;"
                                "expect-status is not a stack pointer inside the RAM; answer no; quit",
                             g->board, fw), 0);
    expect_board(g, 0, erased, 4096);
    assert_int_equal(run_gui(g, "port sim:stm32f103re?flash=%s; file %s; answer 0x08000000; action flash; wait error 60;"
                                "answer yes; wait done 120; expect-status Flash: done, wrote and verified; quit",
                             g->board, fw), 0);
    expect_board(g, 0, img, 4096);
    free(img);
    free(erased);
}

/* A port another program holds: the window says which one, in the command's words. */
static void test_a_port_another_program_holds(void **state)
{
    gui *g = *state;
    pty_board pb;
    sim_options opt = {.realtime = true, .boot0 = true};
    pb_open(&pb, "stm32f103re", &opt);
    /* 64 KiB through the ROM in real time: seconds, longer than the window takes to start. */
    char fw[160], cli_log[160];
    snprintf(fw, sizeof fw, "%s/big.bin", g->dir);
    uint8_t *img = bh_firmware(64 * 1024, 52, 0x08000000);
    bh_save_file(fw, img, 64 * 1024);
    free(img);
    const char *argv[] = {getenv("STUBFLASH_CLI"), "-v", "-p", sim_pty_path(pb.pty), "--no-stub", "--no-backup",
                          "write", fw, NULL};
    snprintf(cli_log, sizeof cli_log, "%s/cli.log", g->dir);
    pid_t pid = run_start(argv, NULL, cli_log);
    for (int i = 0; i < 100; i++) {
        size_t n;
        char *t = (char *)bh_load_file(cli_log, &n);
        bool connected = memmem(t, n, "chip: PID", 9) != NULL;
        free(t);
        if (connected)
            break;
        usleep(50000);
    }
    assert_int_equal(run_gui(g, "port %s; action identify; wait error 30; expect-status is in use by PID %ld (stubflash);"
                                "quit", sim_pty_path(pb.pty), (long)pid), 0);
    assert_int_equal(run_wait(pid, 120000, 0), 0);
    assert_int_equal(pb_close(&pb), 0);
}

/* The production line's setting: only signed files are flashed, and the window says who signed. */
static void test_signed_files_only(void **state)
{
    gui *g = *state;
    char cmd[900], key[160], app[160];
    snprintf(key, sizeof key, "%s/k.pub", g->dir);
    snprintf(app, sizeof app, "%s/app.hex", g->dir);
    snprintf(cmd, sizeof cmd, "cd %s && minisign -G -W -f -p k.pub -s k.key >/dev/null && cp %s app.hex", g->dir,
             getenv("HELLO_FLASH_HEX"));
    assert_int_equal(system(cmd), 0);
    setenv("STUBFLASH_REQUIRE_SIGNATURE", key, 1);
    assert_int_equal(run_gui(g, "port sim:stm32f103re?flash=%s; file %s; action flash; wait error 60;"
                                "expect-status app.hex is not signed; quit", g->board, app), 0);
    snprintf(cmd, sizeof cmd, "cd %s && minisign -S -s k.key -m app.hex -t 'gui release 1' >/dev/null", g->dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(run_gui(g, "port sim:stm32f103re?flash=%s; file %s; action flash; wait done 120;"
                                "expect-status signed: gui release 1; quit", g->board, app), 0);
    unsetenv("STUBFLASH_REQUIRE_SIGNATURE");
    /* The same from the preferences (Require a signature, the key file): an unsigned copy is
     * refused, the signed file is flashed. */
    snprintf(cmd, sizeof cmd, "cp %s %s/unsigned.hex", app, g->dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(run_gui(g, "option require-signature on; option signature-key %s; expect-setting require-signature on;"
                                "file %s/unsigned.hex; action flash; wait error 60; expect-status unsigned.hex is not signed;"
                                "file %s; action flash; wait done 120; expect-status signed: gui release 1; quit",
                             key, g->dir, app), 0);
}

static void test_closing_during_a_flash_asks_first(void **state)
{
    gui *g = *state;
    char fw[160];
    snprintf(fw, sizeof fw, "%s/big.hex", g->dir);
    /* In real time through the ROM a 64 KiB image takes many seconds: close in the middle. */
    uint8_t *img = bh_firmware(64 * 1024, 32, 0x08000000);
    char bin[160];
    snprintf(bin, sizeof bin, "%s/big.bin", g->dir);
    bh_save_file(bin, img, 64 * 1024);
    assert_int_equal(run_gui(g, "port sim:stm32f103re?realtime=1&flash=%s; option stub off; file %s; answer 0x08000000;"
                                "action flash; wait-cells written 2 60; close; sleep 300; wait busy 1; answer no;"
                                "sleep 500; wait busy 1; close; answer yes; wait busy 1; sleep 60000",
                             g->board, bin), 0);
    assert_true(log_has(g, "state: closed"));
    /* It stopped mid-write: the board holds part of the image, not all of it. */
    size_t n;
    uint8_t *flash = bh_load_file(g->board, &n);
    assert_memory_equal(flash, img, 2048);
    assert_memory_not_equal(flash, img, 64 * 1024);
    free(flash);
    free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_flash_a_hex_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_binary_asks_where_it_goes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_erase_run_and_cancel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_are_the_clis, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_firmware_asks_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_port_another_program_holds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signed_files_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_closing_during_a_flash_asks_first, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
