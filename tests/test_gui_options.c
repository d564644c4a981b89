/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_gui_options.c - stubflash-gtk's Board page on the option bytes and the A/B update: the
 * fields by name as the library reads them (read-only), and on a dual-bank L476 the new firmware
 * written to the bank that does not boot, the boot bank switched and switched back, each
 * checked in the virtual board's flash file (bank 1, bank 2, then FLASH_OPTR with BFB2). Both A/B
 * actions ask first, saying which bank gets the file and which boots; Cancel (the default: the
 * answer Enter gives) leaves the board's file byte for byte as it was. A part without A/B (an
 * F103) shows no A/B group. Runs the real application under Xvfb
 * (tests/test_gui_driver.h). */
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
#include "test_gui_driver.h"

#define L476_FLASH (1024u * 1024u)
#define L476_BANK2 (512u * 1024u)

/* The file holds the image at offset (the start of a bank). */
static void expect_holds(gui *g, uint32_t offset, const char *env)
{
    size_t n, len;
    uint8_t *flash = bh_load_file(g->board, &n), *img = bh_load_file(getenv(env), &len);
    assert_true(n >= offset + len);
    if (memcmp(flash + offset, img, len))
        fail_msg("the bank at +0x%X does not hold %s", offset, env);
    free(flash);
    free(img);
}

/* BFB2: FLASH_OPTR bit 20, the option word right after the flash in the board's file. */
static int bfb2(gui *g)
{
    size_t n;
    uint8_t *f = bh_load_file(g->board, &n);
    assert_true(n > L476_FLASH + 4);
    int v = f[L476_FLASH + 2] >> 4 & 1;
    free(f);
    return v;
}

/* The whole flash file, to compare before and after an answer. */
static uint8_t *board_bytes(gui *g, size_t *n) { return bh_load_file(g->board, n); }

static void expect_board_unchanged(gui *g, const uint8_t *before, size_t n)
{
    size_t m;
    uint8_t *now = board_bytes(g, &m);
    assert_int_equal(m, n);
    if (memcmp(now, before, n))
        fail_msg("the board's flash file changed after Cancel");
    free(now);
}

static void test_ab_update_from_the_board_page(void **state)
{
    gui *g = *state;
    const char *v1 = getenv("VERSION_L4_1_BIN"), *v2 = getenv("VERSION_L4_2_BIN");
    assert_int_equal(run_gui(g, "port sim:stm32l476rg?flash=%s; file %s; answer 0x08000000; action flash; wait done 120;"
                                "page board; action details; wait done 60; print-details; quit", g->board, v1), 0);
    assert_true(log_has(g, "fields: RDP=0xAA (170) BOR_LEV=0x0 (0) nRST_STOP=1"));
    assert_true(log_has(g, " BFB2=0 DUALBANK=1 "));
    assert_true(log_has(g, "boot bank: Bank 1 boots"));
    assert_int_equal(bfb2(g), 0);
    /* Asked first, with the banks by number; Cancel (Enter's answer, and the button) does nothing. */
    size_t n;
    uint8_t *before = board_bytes(g, &n);
    assert_int_equal(run_gui(g, "port sim:stm32l476rg?flash=%s; page board; action details; wait done 60; file %s;"
                                "answer 0x08000000; action flash-bank-swap;"
                                "expect-question Write version-l4-2.bin to bank 2 and boot it?;"
                                "expect-question written to bank 2, the bank that does not boot;"
                                "expect-question bank 2 boots after the reset;"
                                "expect-question stays whole in bank 1, and Boot the Other Bank (rollback) switches back;"
                                "answer default; sleep 500; wait done 1;"
                                "action swap-banks; expect-question Boot bank 2 instead of bank 1?;"
                                "expect-question bank 2 boots after the reset; expect-question stays in bank 1;"
                                "answer no; sleep 500; wait done 1; quit", g->board, v2), 0);
    expect_board_unchanged(g, before, n);
    free(before);
    assert_int_equal(bfb2(g), 0);
    /* Version 2 into the other bank; the page lists the switched option at once. */
    assert_int_equal(run_gui(g, "port sim:stm32l476rg?flash=%s; page board; file %s; answer 0x08000000;"
                                "action flash-bank-swap; expect-question to the bank that does not boot; answer yes;"
                                "wait busy 10; wait done 120;"
                                "expect-status A/B update: done, wrote and verified; print-details; quit", g->board, v2), 0);
    assert_true(log_has(g, "boot bank: Bank 2 boots"));
    assert_true(log_has(g, " BFB2=1 "));
    assert_false(log_has(g, "boot bank: Bank 1 boots"));
    expect_holds(g, 0, "VERSION_L4_1_BIN");
    expect_holds(g, L476_BANK2, "VERSION_L4_2_BIN");
    assert_int_equal(bfb2(g), 1);
    /* Boot the other bank: the rollback. */
    assert_int_equal(run_gui(g, "port sim:stm32l476rg?flash=%s; page board; action details; wait done 60;"
                                "action swap-banks; expect-question Boot bank 1 instead of bank 2?; answer yes;"
                                "wait busy 10; wait done 60; expect-status Boot bank: done, bank 1 boots now;"
                                "print-details; quit", g->board), 0);
    assert_true(log_has(g, "boot bank: Bank 1 boots"));
    assert_int_equal(bfb2(g), 0);
    expect_holds(g, L476_BANK2, "VERSION_L4_2_BIN");
}

/* An F103: its option bytes by name, no A/B group; the library's refusal reaches the status if
 * the action is run anyway (a script can; the button is hidden). */
static void test_single_bank_part(void **state)
{
    gui *g = *state;
    assert_int_equal(run_gui(g, "port sim:stm32f103re?flash=%s; page board; action details; wait done 60; print-details;"
                                "action swap-banks; expect-question Boot the other bank?; answer yes;"
                                "wait busy 10; wait error 60; expect-status cannot boot from either bank;"
                                "quit", g->board), 0);
    assert_true(log_has(g, "fields: RDP=0xA5 (165) WDG_SW=1 nRST_STOP=1 nRST_STDBY=1 BFB2=1 DATA0=0xFF (255)"));
    assert_true(log_has(g, "boot bank: none (no A/B on this part)"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ab_update_from_the_board_page, gui_setup, gui_teardown),
        cmocka_unit_test_setup_teardown(test_single_bank_part, gui_setup, gui_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
