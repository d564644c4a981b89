/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_sim_cpu.c - programs built in the tree run on the virtual Cortex-M3: loaded to RAM
 * with Write Memory and started with Go, or booted from flash with BOOT0 low. */
#define _DEFAULT_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "board_host.h"

static void expect_output(sim_board *b, const char *want)
{
    char buf[256];
    size_t n = 0;
    for (int i = 0; i < 100 && !strstr(buf, want); i++) {
        n += bh_collect(b, buf + n, sizeof buf - n, 20);
        buf[n] = 0;
    }
    if (!strstr(buf, want))
        fail_msg("expected \"%s\" from the board, got \"%s\"", want, buf);
}

static void run_from_ram(const char *part, const char *greeting)
{
    size_t len;
    uint8_t *img = bh_load_file(getenv("HELLO_RAM_BIN"), &len);
    sim_board *b = bh_board(part);
    assert_int_equal(bh_sync(b), ACK);
    assert_int_equal(bh_write(b, 0x20001000, img, (len + 3) & ~(size_t)3), 0);
    assert_int_equal(bh_command(b, 0x21), ACK);
    assert_int_equal(bh_address(b, 0x20001000), ACK);
    /* The app sets 72 MHz and USART1 to 115200 8E1 itself; the host line is at 115200. */
    expect_output(b, greeting);
    assert_true(sim_board_cpu_running(b));
    bh_send(b, (const uint8_t *)"ping", 4);
    expect_output(b, "PING");
    /* 'R' makes the app request a reset through SCB AIRCR: the ROM answers again. */
    unsigned r = sim_board_reset_count(b);
    bh_send(b, (const uint8_t *)"R", 1);
    for (int i = 0; i < 200 && sim_board_reset_count(b) == r; i++) {
        struct timespec ts = {0, 5000000};
        nanosleep(&ts, NULL);
    }
    assert_true(sim_board_reset_count(b) > r);
    assert_int_equal(bh_sync(b), ACK);
    sim_board_free(b);
    free(img);
}

static void test_write_memory_and_go_hd(void **state)
{
    (void)state;
    run_from_ram("stm32f103re", "hello from ram, flash 512 KiB\r\n");
}

static void test_write_memory_and_go_xl(void **state)
{
    (void)state;
    run_from_ram("stm32f103rg", "hello from ram, flash 1024 KiB\r\n");
}

static void test_boot_from_flash_with_boot0_low(void **state)
{
    (void)state;
    size_t len;
    uint8_t *img = bh_load_file(getenv("HELLO_FLASH_BIN"), &len);
    sim_options opt = {.realtime = false, .boot0 = false};
    const sim_part *p = sim_part_find("stm32f103re");
    sim_board *b = sim_board_new(p, &opt, NULL);
    assert_non_null(b);
    assert_int_equal(sim_board_poke(b, 0x08000000, img, len), 0);
    assert_int_equal(sim_board_start(b), 0);
    expect_output(b, "hello from flash, flash 512 KiB\r\n");
    sim_board_free(b);
    free(img);
}

static void go_and_wait_fault(sim_board *b, char *fault, size_t len);

/* A program at 0x20001000: a vector table (MSP 0x20004000, reset 0x20001009), then code. */
static void load_program(sim_board *b, const uint8_t *code, size_t len)
{
    uint8_t img[96] = {0x00, 0x40, 0x00, 0x20, 0x09, 0x10, 0x00, 0x20};
    assert_true(len <= sizeof img - 8);
    memcpy(img + 8, code, len);
    assert_int_equal(bh_sync(b), ACK);
    assert_int_equal(bh_write(b, 0x20001000, img, (8 + len + 3) & ~(size_t)3), 0);
}

static void test_bad_access_stops_cpu_with_report(void **state)
{
    (void)state;
    /* The reset handler: ldr r1, [pc, #4]; ldr r0, [r1]; b . ; literal 0x60000000 (unmapped). */
    static const uint8_t code[] = {0x01, 0x49, 0x08, 0x68, 0xFE, 0xE7, 0x00, 0xBF, 0x00, 0x00, 0x00, 0x60};
    sim_board *b = bh_board("stm32f103re");
    /* First run the hello program at 0x20001000 and reset, so the CPU has translated code
     * there: the new program written to the same address must be what runs next. */
    size_t len;
    uint8_t *hello = bh_load_file(getenv("HELLO_RAM_BIN"), &len);
    assert_int_equal(bh_sync(b), ACK);
    assert_int_equal(bh_write(b, 0x20001000, hello, (len + 3) & ~(size_t)3), 0);
    assert_int_equal(bh_command(b, 0x21), ACK);
    assert_int_equal(bh_address(b, 0x20001000), ACK);
    expect_output(b, "hello from ram");
    unsigned r = sim_board_reset_count(b);
    bh_send(b, (const uint8_t *)"R", 1);
    for (int i = 0; i < 200 && sim_board_reset_count(b) == r; i++)
        usleep(5000);
    free(hello);

    load_program(b, code, sizeof code);
    char fault[256] = "";
    go_and_wait_fault(b, fault, sizeof fault);
    assert_non_null(strstr(fault, "0x60000000"));
    assert_non_null(strstr(fault, "read"));
    sim_board_free(b);
}

/* The engine warms its translator in a page of its own before the first Go (sim_cpu.c,
 * warm_translator) and unmaps it: a program finds nothing there, neither data nor code. */
static void test_warm_up_page_is_gone(void **state)
{
    (void)state;
    /* ldr r1, [pc, #4]; ldr r0, [r1]; b . ; literal 0x7FFFF014 (where the warm-up code was) */
    static const uint8_t read[] = {0x01, 0x49, 0x08, 0x68, 0xFE, 0xE7, 0x00, 0xBF, 0x14, 0xF0, 0xFF, 0x7F};
    /* ldr r1, [pc, #4]; bx r1; b . ; literal 0x7FFFF015 (its entry, Thumb) */
    static const uint8_t jump[] = {0x01, 0x49, 0x08, 0x47, 0xFE, 0xE7, 0x00, 0xBF, 0x15, 0xF0, 0xFF, 0x7F};
    const uint8_t *progs[] = {read, jump};
    for (int i = 0; i < 2; i++) {
        sim_board *b = bh_board("stm32f103re");
        load_program(b, progs[i], sizeof read);
        char fault[256] = "";
        go_and_wait_fault(b, fault, sizeof fault);
        assert_non_null(strstr(fault, i ? "instruction fetch from unmapped address 0x7ffff014 (2 bytes)"
                                        : "read of unmapped address 0x7ffff014 (4 bytes)"));
        sim_board_free(b);
    }
}

static void go_and_wait_fault(sim_board *b, char *fault, size_t len)
{
    assert_int_equal(bh_command(b, 0x21), ACK);
    assert_int_equal(bh_address(b, 0x20001000), ACK);
    for (int i = 0; i < 200 && !fault[0]; i++) {
        usleep(5000);
        sim_board_last_fault(b, fault, len);
    }
}

/* Flash and system memory are mapped read-only, a store reaching the flash controller through
 * the engine's write-protection hook: the controller's verdict holds, not the bytes the engine
 * wrote. */
static void test_store_to_locked_flash_faults_and_changes_nothing(void **state)
{
    (void)state;
    /* mov.w r3, #0x08000800; movw r2, #0x1234; strh r2, [r3]; b . */
    static const uint8_t code[] = {0x4f, 0xf0, 0x08, 0x23, 0x41, 0xf2, 0x34, 0x22, 0x1a, 0x80, 0xfe, 0xe7};
    sim_board *b = bh_board("stm32f103re");
    load_program(b, code, sizeof code);
    char fault[256] = "";
    go_and_wait_fault(b, fault, sizeof fault);
    assert_non_null(strstr(fault, "bus fault"));
    assert_non_null(strstr(fault, "locked"));
    uint16_t cell = 0;
    assert_int_equal(sim_board_peek(b, 0x08000800, &cell, 2), 0);
    assert_int_equal(cell, 0xFFFF);
    sim_board_free(b);
}

static void test_store_to_system_memory_faults_and_changes_nothing(void **state)
{
    (void)state;
    /* mov.w r3, #0x1FFFF000 (movw/movt); movw r2, #0x1234; strh r2, [r3]; b . */
    static const uint8_t code[] = {0x4f, 0xf2, 0x00, 0x03, 0xc1, 0xf6, 0xff, 0x73,
                                   0x41, 0xf2, 0x34, 0x22, 0x1a, 0x80, 0xfe, 0xe7};
    sim_board *b = bh_board("stm32f103re");
    uint16_t before = 0, after = 0;
    assert_int_equal(sim_board_peek(b, 0x1FFFF000, &before, 2), 0);
    load_program(b, code, sizeof code);
    char fault[256] = "";
    go_and_wait_fault(b, fault, sizeof fault);
    assert_non_null(strstr(fault, "write to system memory (ROM)"));
    assert_int_equal(sim_board_peek(b, 0x1FFFF000, &after, 2), 0);
    assert_int_equal(after, before);
    sim_board_free(b);
}

/* Unlocked, PG set, a half word programmed over one that is not erased: PGERR (RM0008 3.3.3),
 * and the program reads the old value back after looking at FLASH_SR. */
static void test_program_over_unerased_cell_keeps_it(void **state)
{
    (void)state;
    static const uint8_t code[] = {
        0x09, 0x48,             /* ldr r0, =0x40022000 (FLASH) */
        0x0a, 0x49, 0x41, 0x60, /* ldr r1, =KEY1; str r1, [r0, #4] (KEYR) */
        0x0a, 0x49, 0x41, 0x60, /* ldr r1, =KEY2; str r1, [r0, #4] */
        0x01, 0x21, 0x01, 0x61, /* movs r1, #1; str r1, [r0, #16] (CR = PG) */
        0x4f, 0xf0, 0x08, 0x23, /* mov.w r3, #0x08000800 */
        0x41, 0xf2, 0x34, 0x22, /* movw r2, #0x1234 */
        0x1a, 0x80,             /* strh r2, [r3] */
        0xc4, 0x68,             /* ldr r4, [r0, #12] (SR) */
        0x1d, 0x88,             /* ldrh r5, [r3] */
        0x4f, 0xf0, 0x20, 0x26, /* mov.w r6, #0x20002000 */
        0x34, 0x60, 0x75, 0x60, /* str r4, [r6]; str r5, [r6, #4] */
        0xfe, 0xe7, 0x00, 0x00, /* b . */
        0x00, 0x20, 0x02, 0x40, 0x23, 0x01, 0x67, 0x45, 0xab, 0x89, 0xef, 0xcd,
    };
    sim_board *b = bh_board("stm32f103re");
    const uint16_t old = 0xAAAA;
    assert_int_equal(sim_board_poke(b, 0x08000800, &old, 2), 0);
    load_program(b, code, sizeof code);
    const uint32_t unset[2] = {0xDEADBEEF, 0xDEADBEEF};
    assert_int_equal(sim_board_poke(b, 0x20002000, unset, sizeof unset), 0);
    assert_int_equal(bh_command(b, 0x21), ACK);
    assert_int_equal(bh_address(b, 0x20001000), ACK);
    uint32_t seen[2] = {0xDEADBEEF, 0xDEADBEEF};
    for (int i = 0; i < 200 && seen[1] == 0xDEADBEEF; i++) {
        usleep(5000);
        assert_int_equal(sim_board_peek(b, 0x20002000, seen, sizeof seen), 0);
    }
    assert_int_equal(seen[0] & 0x04, 0x04); /* SR: PGERR */
    assert_int_equal(seen[1], old);
    uint16_t cell = 0;
    assert_int_equal(sim_board_peek(b, 0x08000800, &cell, 2), 0);
    assert_int_equal(cell, old);
    sim_board_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_memory_and_go_hd),
        cmocka_unit_test(test_write_memory_and_go_xl),
        cmocka_unit_test(test_boot_from_flash_with_boot0_low),
        cmocka_unit_test(test_bad_access_stops_cpu_with_report),
        cmocka_unit_test(test_warm_up_page_is_gone),
        cmocka_unit_test(test_store_to_locked_flash_faults_and_changes_nothing),
        cmocka_unit_test(test_store_to_system_memory_faults_and_changes_nothing),
        cmocka_unit_test(test_program_over_unerased_cell_keeps_it),
    };
    return cmocka_run_group_tests_name("sim_cpu", tests, NULL, NULL);
}
