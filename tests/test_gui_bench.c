/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_gui_bench.c - stubflash-gtk as a bench tool, end to end under Xvfb, driven through its own
 * actions (gui/sfg-script.h): preferences kept across a restart (and the old key file taken over
 * once), rollback from the Board page, protection both ways with the command line's
 * confirmations, a gang of three boards with one that fails, a port appearing and going as udev
 * tells it, the keyboard shortcuts, recent files, and every control's accessible name. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "board_host.h"
#include "pty_board.h"
#include "run.h"
#include "test_gui_driver.h"

static const char *hex(void) { return getenv("HELLO_FLASH_HEX"); }

static void expect_erased(const char *path, size_t from, size_t len)
{
    size_t n;
    uint8_t *flash = bh_load_file(path, &n);
    assert_true(n >= from + len);
    for (size_t i = from; i < from + len; i++)
        if (flash[i] != 0xFF)
            fail_msg("byte 0x%zx of %s is 0x%02X, not erased", i, path, flash[i]);
    free(flash);
}

static void expect_hello(const char *board)
{
    size_t n, m;
    uint8_t *want = bh_load_file(getenv("HELLO_FLASH_BIN"), &n), *flash = bh_load_file(board, &m);
    assert_true(m >= n);
    assert_memory_equal(flash, want, n);
    free(want);
    free(flash);
}

static void test_preferences_survive_a_restart(void **state)
{
    gui *g = *state;
    /* What the key file of earlier versions held is taken over on the first start, once. */
    char path[200], ini[600];
    snprintf(path, sizeof path, "mkdir -p %s/config/stubflash", g->dir);
    assert_int_equal(system(path), 0);
    snprintf(path, sizeof path, "%s/config/stubflash/gtk.ini", g->dir);
    snprintf(ini, sizeof ini, "[last]\nport=sim:stm32f103re?flash=%s\nfile=%s\nbase=0x08004000\n"
                              "[options]\nverify=false\nstub=true\ngo=true\nstub-baud=460800\n", g->board, hex());
    bh_save_file(path, (const uint8_t *)ini, strlen(ini));
    assert_int_equal(run_gui(g, "expect-setting verify off; expect-setting go on; expect-setting stub-baud 460800;"
                                "expect-setting base 134234112; expect-setting port sim:stm32f103re?flash=%s;"
                                "expect-setting keyfile-imported on;"
                                /* changed through the preferences window, as a user does */
                                "option verify on; option go off; option bootloader-baud 57600; option stub off;"
                                "option stub-baud 921600; option before rts-reset-dtr-boot0;"
                                "option after -rts,dtr,100,-dtr; option backups off; quit", g->board), 0);
    /* A restart: what was set is there, and the key file is not read again. */
    assert_int_equal(run_gui(g, "expect-setting verify on; expect-setting go off; expect-setting bootloader-baud 57600;"
                                "expect-setting stub off; expect-setting stub-baud 921600;"
                                "expect-setting before rts-reset-dtr-boot0; expect-setting after -rts,dtr,100,-dtr;"
                                "expect-setting backups off; quit"), 0);
    /* Steps the library does not take are refused, with its sentence, and not kept. */
    assert_int_equal(run_gui(g, "option before dtr,sideways; quit"), 3);
    assert_true(log_has(g, "the steps were refused"));
    assert_int_equal(run_gui(g, "expect-setting before rts-reset-dtr-boot0; quit"), 0);
    /* And they are used: no backup with backups off, one with them on. */
    assert_int_equal(run_gui(g, "option before none; option after none; action flash; wait done 120;"
                                "expect-status Flash: done, wrote and verified; quit"), 0);
    assert_false(log_has(g, "kept what was replaced"));
    bh_save_file(g->board, (const uint8_t *)"", 0);
    unlink(g->board);
    assert_int_equal(run_gui(g, "option backups on; action flash; wait done 120;"
                                "expect-status kept what was replaced in; quit"), 0);
}

/* A board whose DTR reaches NRST and RTS BOOT0: without the wiring the bootloader does not
 * answer, and the window says where to set it (not --before); with the preset it does. */
static void test_reset_wiring_from_preferences(void **state)
{
    gui *g = *state;
    assert_int_equal(run_gui(g, "port sim:stm32f103re?reset=dtr&boot0=rts&flash=%s; action identify; wait busy 5;"
                                "wait error 60; expect-status (if DTR/RTS reach NRST/BOOT0: Preferences, Reset Wiring);"
                                "option before dtr-reset-rts-boot0; action identify; wait busy 5; wait done 60;"
                                "expect-chip STM32F10xxx high density; quit", g->board), 0);
    assert_false(log_has(g, "--before"));
}

/* A board whose ROM answers on USART2 (a Nucleo's ST-LINK port): the stub left on USART1 is
 * not heard, and the window says where to choose the USART (not --usart); with USART2 chosen
 * in the preferences the flash is written, and the choice is kept. */
static void test_usart_from_preferences(void **state)
{
    gui *g = *state;
    assert_int_equal(run_gui(g, "port sim:stm32l476rg?usart=2&flash=%s; file %s; action flash; wait busy 5;"
                                "wait error 60; expect-status (Preferences, Fast stub, Bootloader USART);"
                                "option usart 2; action flash; wait busy 5; wait done 120;"
                                "expect-status Flash: done, wrote and verified; quit", g->board, hex()), 0);
    assert_false(log_has(g, "--usart"));
    assert_int_equal(run_gui(g, "expect-setting usart 2; quit"), 0);
}

/* Flash two images, then write back from the Board page: the newest backup first, then (Roll
 * Back) the one before it; the list shows them newest first with date and size, and says what
 * was written back. */
static void test_rollback_writes_back(void **state)
{
    gui *g = *state;
    char fw[160];
    snprintf(fw, sizeof fw, "%s/second.bin", g->dir);
    uint8_t *img = bh_firmware(5000, 61, 0x08000000);
    bh_save_file(fw, img, 5000);
    assert_int_equal(run_gui(g, "port sim:stm32f103re?flash=%s; file %s; action flash; wait done 120;"
                                "file %s; answer 0x08000000; action flash; wait done 120; quit",
                             g->board, hex(), fw), 0);
    size_t n;
    uint8_t *flash = bh_load_file(g->board, &n);
    assert_memory_equal(flash, img, 5000);
    free(flash);
    /* The newest backup (hello, which the second write replaced) goes back on. */
    char today[32];
    time_t now = time(NULL);
    strftime(today, sizeof today, "%Y-%m-%d", localtime(&now));
    /* hello (564 bytes) replaced one erased 2 KiB page; the second image (5000 bytes) three pages */
    assert_int_equal(run_gui(g, "page board; action details; wait done 60; expect-backups 2;"
                                "expect-backup 0 %s; expect-backup 0 6.0 KiB of flash; expect-backup 1 2.0 KiB of flash;"
                                "restore 0; expect-question Write back the backup; answer no; wait done 1;"
                                "restore 0; answer yes; wait busy 10; wait done 120; expect-status Rollback: done;"
                                "wait done 60; expect-backup 0 written back already; quit", today), 0);
    expect_hello(g->board);
    expect_erased(g->board, 2048, 4096); /* the pages hello did not use were erased before */
    /* Roll Back: the newest not written back yet, the erased flash before hello. */
    assert_int_equal(run_gui(g, "page board; action rollback; wait busy 10; wait done 120;"
                                "expect-status Rollback: done, wrote back; quit"), 0);
    expect_erased(g->board, 0, 6144);
    free(img);
}

/* The command line's confirmations: readout protection on (asked), off (asked: it erases
 * everything), level 2 refused unless the chip's name is typed; write protection of group 0
 * asked, of others not. */
static void test_protection_both_ways(void **state)
{
    gui *g = *state;
    assert_int_equal(run_gui(g, "port sim:stm32f103re?flash=%s; file %s; action flash; wait done 120;"
                                "page board; action protect-readout; expect-question Enable readout protection;"
                                "answer no; wait done 1; action identify; wait done 60; expect-chip Readout protection: off;"
                                "action protect-readout; answer yes; wait busy 10; wait done 120;"
                                "expect-status enabled readout protection; expect-chip Readout protection: ON;"
                                "action unprotect-readout; expect-question erase all flash; answer no; wait done 1;"
                                "quit", g->board, hex()), 0);
    expect_hello(g->board); /* still there: protected, not erased */
    assert_int_equal(run_gui(g, "page board; action identify; wait done 60; expect-chip Readout protection: ON;"
                                "action unprotect-readout; answer yes; wait busy 10; wait done 120;"
                                "expect-status removed readout protection; expect-chip Readout protection: off; quit"), 0);
    expect_erased(g->board, 0, 512 * 1024);
    /* Level 2: a wrong name is refused before anything is sent; the right one reaches the
     * library, which has no level 2 for the F1 and says so. */
    assert_int_equal(run_gui(g, "page board; action identify; wait done 60; action protect-readout-2;"
                                "expect-question Lock the chip for good; answer stm32f103; wait error 1;"
                                "expect-status Readout protection level 2 refused; action protect-readout-2;"
                                "answer \"STM32F10xxx high density\"; wait busy 10; wait error 60;"
                                "expect-status Protection failed:; expect-status no readout protection level 2; quit"), 0);
    /* Write protection: groups 4,5 at once; group 0 asks first. */
    assert_int_equal(run_gui(g, "page board; type groups 4,5; action protect-write; wait busy 10; wait done 120;"
                                "expect-status enabled write protection; expect-chip write protection: 2 group(s);"
                                "type groups 0; action protect-write; expect-question Write-protect the first pages;"
                                "answer no; action unprotect-write; wait busy 10; wait done 120;"
                                "expect-chip write protection: none; quit"), 0);
}

/* The Board page's details are the chip's: the unique ID names the backup folder the library
 * chose, the option bytes are those the virtual board keeps after its flash; erase range and go
 * do what they say. */
static void test_details_erase_range_and_go(void **state)
{
    gui *g = *state;
    char fw[160];
    snprintf(fw, sizeof fw, "%s/app.bin", g->dir);
    uint8_t *img = bh_firmware(5000, 65, 0x08000000);
    bh_save_file(fw, img, 5000);
    assert_int_equal(run_gui(g, "port sim:stm32f103re?flash=%s; file %s; answer 0x08000000; action flash; wait done 120;"
                                "page board; action details; wait done 60; print-details;"
                                "type erase 0x08000800:0x800; action erase-range;"
                                "expect-question Erase the pages covering 0x08000800..0x08000FFF; answer yes;"
                                "wait busy 10; wait done 60; expect-status erased the pages covering;"
                                "type erase 0x08000800; action erase-range; wait error 1; expect-status ADDRESS:LENGTH;"
                                "type go \"\"; action go; wait busy 10; wait done 60;"
                                "expect-status Go: done, started the code at 0x08000000; quit", g->board, fw), 0);
    /* the unique ID shown is the name of the chip's backup folder */
    char cmd[300], uid[64] = "";
    snprintf(cmd, sizeof cmd, "ls %s/data/stubflash/backups", g->dir);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(uid, sizeof uid, p));
    pclose(p);
    uid[strcspn(uid, "\n")] = 0;
    assert_int_equal(strlen(uid), 24);
    char want[128];
    snprintf(want, sizeof want, "uid: %s\n", uid);
    assert_true(log_has(g, want));
    /* the option bytes shown are the board's (after its 512 KiB of flash in its file) */
    size_t n;
    uint8_t *flash = bh_load_file(g->board, &n);
    assert_true(n >= 512 * 1024 + 16);
    char line[80];
    int k = snprintf(line, sizeof line, "0x1FFFF800 ");
    for (int i = 0; i < 8; i++)
        k += snprintf(line + k, sizeof line - (size_t)k, " %02X", flash[512 * 1024 + i]);
    assert_true(log_has(g, line));
    /* page 1 erased, pages 0 and 2 as written */
    assert_memory_equal(flash, img, 2048);
    for (size_t i = 2048; i < 4096; i++)
        if (flash[i] != 0xFF)
            fail_msg("byte 0x%zx not erased", i);
    assert_memory_equal(flash + 4096, img + 4096, 5000 - 4096);
    free(flash);
    free(img);
}

/* Three boards at once, one of them not there: the other two are written all the same. */
static void test_a_gang_of_three(void **state)
{
    gui *g = *state;
    char b2[160];
    snprintf(b2, sizeof b2, "%s/board2.bin", g->dir);
    assert_int_equal(run_gui(g, "file %s; page boards; action add-board-named sim:stm32f103re?flash=%s;"
                                "action add-board-named /dev/ttyNOPE5; action add-board-named sim:stm32f103rg?flash=%s;"
                                "expect-boards 3; action flash; wait busy 10; wait error 120;"
                                "expect-status Flash of 3 boards: 2 done, 1 failed;"
                                "expect-board /dev/ttyNOPE5 failed: /dev/ttyNOPE5: no such port;"
                                "expect-board sim:stm32f103re?flash=%s done: wrote and verified;"
                                "expect-board sim:stm32f103rg?flash=%s done: wrote and verified;"
                                "expect-board-cells sim:stm32f103re?flash=%s verified 1;"
                                "expect-board-cells sim:stm32f103re?flash=%s idle 255;"
                                "expect-board-cells sim:stm32f103rg?flash=%s verified 1;"
                                "expect-board-cells sim:stm32f103rg?flash=%s idle 511; quit",
                             hex(), g->board, b2, g->board, b2, g->board, g->board, b2, b2), 0);
    expect_hello(g->board);
    expect_hello(b2);
    /* The list is kept. */
    assert_int_equal(run_gui(g, "expect-boards 3; quit"), 0);
    /* Closing the window while a gang writes asks, then stops every board and closes. */
    char cmd[160], big[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s/config", g->dir);
    assert_int_equal(system(cmd), 0);
    snprintf(big, sizeof big, "%s/big.bin", g->dir);
    uint8_t *img = bh_firmware(64 * 1024, 66, 0x08000000);
    bh_save_file(big, img, 64 * 1024);
    free(img);
    assert_int_equal(run_gui(g, "option stub off; file %s; answer 0x08000000; page boards;"
                                "action add-board-named sim:stm32f103re?realtime=1&flash=%s;"
                                "action add-board-named sim:stm32f103rg?realtime=1&flash=%s; action flash; wait busy 10;"
                                "sleep 2500; close; expect-question A job is under way; answer yes; sleep 60000",
                             big, g->board, b2), 0);
    assert_true(log_has(g, "state: closed"));
    /* stopped mid-write: neither board holds the whole image */
    size_t n;
    uint8_t *flash = bh_load_file(g->board, &n), *want = bh_load_file(big, &n);
    assert_memory_not_equal(flash, want, 64 * 1024);
    free(flash);
    free(want);
}

/* A port announced by udev is listed at once with its description and serial number, and can
 * be used; gone, it goes from the list (the port in use stays, marked unplugged). */
static void test_hotplug(void **state)
{
    gui *g = *state;
    pty_board pb;
    pb_open(&pb, "stm32f103re", NULL);
    const char *pty = sim_pty_path(pb.pty);
    assert_int_equal(run_gui(g, "expect-no-port %s; hotplug add %s \"CP2102 USB to UART\" 0001;"
                                "expect-port %s CP2102 USB to UART (serial 0001);"
                                "hotplug add /dev/ttyUSB77 \"FT232R USB UART\" A5XK3RJT;"
                                "expect-port /dev/ttyUSB77 FT232R USB UART (serial A5XK3RJT);"
                                "port %s; action identify; wait done 60; expect-chip STM32F10xxx high density;"
                                "hotplug remove /dev/ttyUSB77; expect-no-port /dev/ttyUSB77;"
                                "hotplug remove %s; expect-port %s unplugged; quit",
                             pty, pty, pty, pty, pty, pty), 0);
    assert_int_equal(pb_close(&pb), 0);
    /* No port at all (a first start: none remembered): the status page says what to do; one
     * plugged in replaces it. */
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s/config", g->dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(run_gui(g, "hotplug remove-all; expect-view none; a11y;"
                                "hotplug add /dev/ttyACM5 \"STM32 STLink\" 066DFF; expect-view board;"
                                "expect-port /dev/ttyACM5 STM32 STLink; quit"), 0);
}

/* An adapter unplugged in the middle of a write: the job ends with the library's sentence (not
 * "cancelled"), and the window goes on. */
static void test_unplugged_during_a_write(void **state)
{
    gui *g = *state;
    pty_board pb;
    sim_options opt = {.realtime = true, .boot0 = true};
    pb_open(&pb, "stm32f103re", &opt);
    char big[160];
    snprintf(big, sizeof big, "%s/big.bin", g->dir);
    uint8_t *img = bh_firmware(64 * 1024, 64, 0x08000000);
    bh_save_file(big, img, 64 * 1024);
    free(img);
    pid_t pid = start_gui(g, "port %s; option stub off; file %s; answer 0x08000000; action flash;"
                             "wait-cells written 2 60; say writing; wait error 60; quit",
                          sim_pty_path(pb.pty), big);
    bool writing = false;
    for (int i = 0; i < 1200 && !writing; i++) { /* up to 60 s */
        writing = log_has(g, "say: writing");
        usleep(50000);
    }
    assert_true(writing);
    assert_int_equal(pb_close(&pb), 0); /* the adapter is gone: its pty closes under the job */
    assert_int_equal(run_wait(pid, 90000, 0), 0);
    assert_true(log_has(g, "state: error: Flash failed: "));
    assert_false(log_has(g, "Flash failed: cancelled"));
}

/* The keys the shortcuts window lists run their actions. */
static void test_shortcuts(void **state)
{
    gui *g = *state;
    char big[160];
    snprintf(big, sizeof big, "%s/big.bin", g->dir);
    uint8_t *img = bh_firmware(64 * 1024, 62, 0x08000000);
    bh_save_file(big, img, 64 * 1024);
    free(img);
    assert_int_equal(run_gui(g, "port sim:stm32f103re?flash=%s; file %s; key <Control>Return; wait busy 10;"
                                "wait done 120; expect-status Flash: done; key F5; wait busy 10; wait done 60;"
                                "expect-status Identify: done; key-check <Control>o; key-check <Control>r; key <Control>comma;"
                                "key <Control>question; quit", g->board, hex()), 0);
    /* Open and Read only show GTK's file chooser (which, under ASan, keeps GLib memory LSan
     * reports): their keys are checked, not pressed. */
    assert_true(log_has(g, "key: <Control>o is win.open"));
    assert_true(log_has(g, "key: <Control>r is win.read"));
    assert_true(log_has(g, "key: <Control>comma ran win.preferences"));
    assert_true(log_has(g, "key: <Control>question ran win.show-help-overlay"));
    /* Escape stops a slow write (real time, through the ROM). */
    assert_int_equal(run_gui(g, "port sim:stm32f103re?realtime=1&flash=%s; option stub off; file %s;"
                                "answer 0x08000000; key <Control>Return; wait-cells written 2 60; key Escape;"
                                "wait error 30; expect-status Flash failed: cancelled; quit", g->board, big), 0);
    /* A key nobody has is said so. */
    assert_int_equal(run_gui(g, "key <Control>F12; quit"), 3);
}

/* Open remembers the last files flashed, with size and when, across a restart. */
static void test_recent_files(void **state)
{
    gui *g = *state;
    char fw[160], today[32];
    time_t now = time(NULL);
    strftime(today, sizeof today, "%Y-%m-%d", localtime(&now));
    snprintf(fw, sizeof fw, "%s/app.bin", g->dir);
    uint8_t *img = bh_firmware(3 * 1024, 63, 0x08000000);
    bh_save_file(fw, img, 3 * 1024);
    free(img);
    assert_int_equal(run_gui(g, "port sim:stm32f103re?flash=%s; file %s; action flash; wait done 120;"
                                "file %s; answer 0x08000000; action flash; wait done 120;"
                                "expect-recent 0 app.bin — 3.0 KiB, flashed %s; expect-recent 1 hello-flash.hex; quit",
                             g->board, hex(), fw, today), 0);
    struct stat st;
    assert_int_equal(stat(hex(), &st), 0);
    assert_int_equal(run_gui(g, "expect-recent 0 app.bin; action open-recent %s; wait idle 1; action flash;"
                                "wait done 120; expect-recent 0 hello-flash.hex; expect-recent 1 app.bin; quit", hex()), 0);
}

/* Every control of every view has an accessible name. */
static void test_accessibility(void **state)
{
    gui *g = *state;
    assert_int_equal(run_gui(g, "port sim:stm32f103re?flash=%s; file %s; action flash; wait done 120; a11y;"
                                "page board; action details; wait done 60; a11y; page boards; action add-board; a11y;"
                                "action preferences; a11y preferences; page board; action erase; a11y question;"
                                "answer no; action about; sleep 300; quit", g->board, hex()), 0);
    assert_true(log_has(g, "a11y: "));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_preferences_survive_a_restart, gui_setup, gui_teardown),
        cmocka_unit_test_setup_teardown(test_reset_wiring_from_preferences, gui_setup, gui_teardown),
        cmocka_unit_test_setup_teardown(test_usart_from_preferences, gui_setup, gui_teardown),
        cmocka_unit_test_setup_teardown(test_rollback_writes_back, gui_setup, gui_teardown),
        cmocka_unit_test_setup_teardown(test_protection_both_ways, gui_setup, gui_teardown),
        cmocka_unit_test_setup_teardown(test_details_erase_range_and_go, gui_setup, gui_teardown),
        cmocka_unit_test_setup_teardown(test_a_gang_of_three, gui_setup, gui_teardown),
        cmocka_unit_test_setup_teardown(test_hotplug, gui_setup, gui_teardown),
        cmocka_unit_test_setup_teardown(test_unplugged_during_a_write, gui_setup, gui_teardown),
        cmocka_unit_test_setup_teardown(test_shortcuts, gui_setup, gui_teardown),
        cmocka_unit_test_setup_teardown(test_recent_files, gui_setup, gui_teardown),
        cmocka_unit_test_setup_teardown(test_accessibility, gui_setup, gui_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
