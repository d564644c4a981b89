/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_rates.c - the stub's automatic rate (stub_rates.c) against the in-process virtual board
 * behind a virtual USB adapter (sim: usb=VID:PID:SERIAL) that makes its rates by dividing a
 * 3 MHz clock (adapter_clock=3000000: 3M, 1.5M, 1M exact; 2M comes out as 1.5M and 921600 as
 * 1M, both garbage to the chip). The first run probes (the first stage offered another rate
 * where its first failed, then the stub) and remembers, the next starts where the first ended; a memory the link no longer honours is corrected; a USART on the slower bus
 * tops out lower; a port without a USB identity leaves no memory. The chip's product ID is
 * remembered with the rates: the next identification through the adapter asks Get ID once when
 * the answer is that ID, and twice when it is not (another chip, or a damaged answer). Every
 * write is read back. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stubflash/stubflash.h>

#include "board_host.h"

#define BASE 0x08000000u
#define SIZE 8192

struct fx {
    char dir[64];
    char memory[128]; /* the rate memory's file */
    char log[32768];
    size_t loglen;
};

static int setup(void **state)
{
    struct fx *x = calloc(1, sizeof *x);
    snprintf(x->dir, sizeof x->dir, "/tmp/stubflash-rates-XXXXXX");
    assert_non_null(mkdtemp(x->dir));
    snprintf(x->memory, sizeof x->memory, "%s/cache/stubflash/rates", x->dir);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    struct fx *x = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", x->dir);
    assert_int_equal(system(cmd), 0);
    free(x);
    return 0;
}

static void on_log(sf_log_level level, const char *msg, void *user)
{
    (void)level;
    struct fx *x = user;
    int n = snprintf(x->log + x->loglen, sizeof x->log - x->loglen, "%s\n", msg);
    if (n > 0 && x->loglen + (size_t)n < sizeof x->log)
        x->loglen += (size_t)n;
}

static bool logged(const struct fx *x, const char *text) { return strstr(x->log, text) != NULL; }

/* One run as a program would do it: open port (the board keeps its flash in the fixture's
 * folder), write image through the stub with the automatic rate, read it back. */
static void write_through(struct fx *x, const char *part_and_query, unsigned usart, const uint8_t *image)
{
    char port[400];
    snprintf(port, sizeof port, "sim:%s&flash=%s/board.flash", part_and_query, x->dir);
    x->loglen = 0;
    x->log[0] = 0;
    sf_session *s;
    assert_int_equal(sf_session_new(&s), SF_OK);
    sf_session_set_log(s, on_log, x);
    assert_int_equal(sf_session_set_stub(s, true, SF_STUB_BAUD_AUTO), SF_OK);
    assert_int_equal(sf_session_set_rate_memory(s, x->memory), SF_OK);
    assert_int_equal(sf_session_set_usart(s, usart), SF_OK);
    if (sf_session_open(s, port) != SF_OK)
        fail_msg("open %s: %s", port, sf_session_last_error(s));
    sf_image *img;
    assert_int_equal(sf_image_new(&img), SF_OK);
    assert_int_equal(sf_image_add(img, BASE, image, SIZE), SF_OK);
    if (sf_session_write_image(s, img, true) != SF_OK)
        fail_msg("write: %s\n%s", sf_session_last_error(s), x->log);
    sf_image_free(img);
    uint8_t *got = malloc(SIZE);
    assert_int_equal(sf_session_read(s, BASE, got, SIZE), SF_OK);
    assert_memory_equal(got, image, SIZE);
    free(got);
    sf_session_free(s);
}

/* The memory file's whole text ("" if there is none). */
static const char *memory(struct fx *x)
{
    static char text[4096];
    text[0] = 0;
    FILE *f = fopen(x->memory, "r");
    if (f) {
        size_t n = fread(text, 1, sizeof text - 1, f);
        text[n] = 0;
        fclose(f);
    }
    return text;
}

static void put_memory(struct fx *x, const char *text)
{
    char dir[160];
    snprintf(dir, sizeof dir, "mkdir -p %s/cache/stubflash", x->dir);
    assert_int_equal(system(dir), 0);
    FILE *f = fopen(x->memory, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void first_run_probes_the_next_starts_where_it_ended(void **state)
{
    struct fx *x = *state;
    const char *board = "stm32f103rg?adapter_clock=3000000&usb=0403:6015:RATES1";
    uint8_t *a = bh_firmware(SIZE, 1, BASE), *b = bh_firmware(SIZE, 2, BASE);
    write_through(x, board, 0, a);
    /* 921600 is 1 Mbaud through this adapter: the first stage does not hear it, follows the
     * host back to the ROM's rate and is offered 3M, the fastest, where it takes the stub. */
    assert_true(logged(x, "no answer at 921600 baud"));
    assert_true(logged(x, "stub: now at 3000000 baud\n"));
    assert_false(logged(x, "sending it at"));
    assert_false(logged(x, "probed"));
    assert_string_equal(memory(x), "usb:0403:6015:RATES1 worked=3000000 failed=921600 pid=0x430\n");
    write_through(x, board, 0, b);
    assert_true(logged(x, "through its first stage (") && logged(x, ") at 3000000 baud"));
    assert_false(logged(x, "no answer at"));
    assert_false(logged(x, "probed"));
    assert_string_equal(memory(x), "usb:0403:6015:RATES1 worked=3000000 failed=921600 pid=0x430\n");
    free(a);
    free(b);
}

static void memory_the_link_no_longer_honours_is_corrected(void **state)
{
    struct fx *x = *state;
    /* Another board behind the same adapter now, on a cable that carries 1 Mbaud at most. */
    put_memory(x, "usb:0403:6015:RATES2 worked=3000000\nusb:10c4:ea60:OTHER worked=921600 failed=3000000\n");
    uint8_t *a = bh_firmware(SIZE, 3, BASE);
    write_through(x, "stm32f103rg?max_baud=1000000&usb=0403:6015:RATES2", 0, a);
    assert_true(logged(x, ") at 3000000 baud"));
    assert_true(logged(x, "no answer at 3000000 baud"));
    assert_true(logged(x, "no answer at 2000000 baud"));
    assert_true(logged(x, "no answer at 1500000 baud"));
    assert_true(logged(x, "stub: now at 1000000 baud"));
    /* Newest first; the other adapter's line stays. */
    assert_string_equal(memory(x), "usb:0403:6015:RATES2 worked=1000000 failed=3000000,2000000,1500000 pid=0x430\n"
                                   "usb:10c4:ea60:OTHER worked=921600 failed=3000000\n");
    free(a);
}

static void usart_on_the_slower_bus_tops_out_lower(void **state)
{
    struct fx *x = *state;
    /* The F103's USART2 runs from APB1, 32 MHz under the stub (families/usarts.txt): 3 Mbaud
     * would take a divider under 16, so it is not tried; 2M (divider 16) is garbled by the
     * adapter; 1.5M (divider 21, 1.6% off) is the fastest. */
    uint8_t *a = bh_firmware(SIZE, 4, BASE);
    write_through(x, "stm32f103rg?usart=2&adapter_clock=3000000&usb=0403:6015:RATES3", 2, a);
    assert_false(logged(x, "at 3000000 baud"));
    /* 921600 fails, then 2M offered to the first stage; the stub goes at the ROM's rate and
     * probes its way down. */
    assert_true(logged(x, "no answer at 921600 baud"));
    assert_true(logged(x, "no answer at 2000000 baud either"));
    assert_true(logged(x, "stub: sending it at 115200 baud"));
    assert_true(logged(x, "stub: now at 1500000 baud (probed"));
    assert_string_equal(memory(x), "usb:0403:6015:RATES3 worked=1500000 failed=921600,2000000 pid=0x430\n");
    free(a);
}

static void no_usb_identity_no_memory(void **state)
{
    struct fx *x = *state;
    uint8_t *a = bh_firmware(SIZE, 5, BASE);
    write_through(x, "stm32f103rg?adapter_clock=3000000", 0, a);
    if (!logged(x, "stub: now at 3000000 baud"))
        fail_msg("not at 3 Mbaud:\n%s", x->log);
    struct stat st;
    assert_int_not_equal(stat(x->memory, &st), 0);
    free(a);
}

/* A USB adapter whose latency hands over, after the host changed its rate, what it sampled at
 * the old one (the first stage greets at once after Go; the host switches a moment later):
 * more noise than the first stage's greeting wait gives up on, fewer than two of its windows.
 * The first stage is still heard at 921600, and every later switch (the probe) takes it too. */
static void late_noise_after_a_switch_is_not_a_failed_rate(void **state)
{
    struct fx *x = *state;
    uint8_t *a = bh_firmware(SIZE, 6, BASE);
    write_through(x, "stm32f103rg?late=100&usb=0403:6015:LATE1", 0, a);
    if (!logged(x, "stub: now at 921600 baud\n") || logged(x, "no answer at"))
        fail_msg("the noise cost a rate:\n%s", x->log);
    assert_true(logged(x, "stub: now at 3000000 baud (probed"));
    assert_string_equal(memory(x), "usb:0403:6015:LATE1 worked=3000000 pid=0x430\n");
    free(a);
}

#define SAME_AS_LAST_TIME "product ID 0x430: the one this adapter's chip gave last time"

static void product_id_remembered_needs_no_second_get_id(void **state)
{
    struct fx *x = *state;
    const char *board = "stm32f103rg?adapter_clock=3000000&usb=0403:6015:PID1";
    uint8_t *a = bh_firmware(SIZE, 7, BASE);
    write_through(x, board, 0, a);
    assert_false(logged(x, SAME_AS_LAST_TIME));
    assert_non_null(strstr(memory(x), " pid=0x430\n"));
    write_through(x, board, 0, a);
    assert_true(logged(x, SAME_AS_LAST_TIME));
    assert_true(logged(x, "STM32F10xxx XL density"));
    free(a);
}

static void another_chip_behind_the_adapter_is_asked_twice(void **state)
{
    struct fx *x = *state;
    /* The adapter last served an F4 (0x413); an F103RG (0x430) is behind it now. */
    put_memory(x, "usb:0403:6015:PID2 worked=3000000 failed=921600 pid=0x413\n");
    uint8_t *a = bh_firmware(SIZE, 8, BASE);
    write_through(x, "stm32f103rg?adapter_clock=3000000&usb=0403:6015:PID2", 0, a);
    assert_false(logged(x, "the one this adapter's chip gave last time"));
    assert_true(logged(x, "STM32F10xxx XL density"));
    assert_string_equal(memory(x), "usb:0403:6015:PID2 worked=3000000 failed=921600 pid=0x430\n");
    free(a);
}

static void damaged_product_id_is_not_taken_for_the_remembered_one(void **state)
{
    struct fx *x = *state;
    /* The tenth byte to the host is the first Get ID's low product-ID byte (sync's ACK; Get
     * Version's ACK, version, two option bytes, ACK; Get ID's ACK, count, high byte): its bit 0
     * flipped, the F103RG's 0x430 reads 0x431 (an F411's) once. That answer is not the one
     * remembered, so it is asked again; the rounds that follow agree on 0x430. */
    put_memory(x, "usb:0403:6015:PID3 worked=3000000 failed=921600 pid=0x430\n");
    uint8_t *a = bh_firmware(SIZE, 9, BASE);
    write_through(x, "stm32f103rg?adapter_clock=3000000&flip_tx=10&usb=0403:6015:PID3", 0, a);
    assert_true(logged(x, "product ID 0x431, then 0x430: asking again"));
    assert_true(logged(x, "STM32F10xxx XL density"));
    assert_string_equal(memory(x), "usb:0403:6015:PID3 worked=3000000 failed=921600 pid=0x430\n");
    free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(first_run_probes_the_next_starts_where_it_ended, setup, teardown),
        cmocka_unit_test_setup_teardown(memory_the_link_no_longer_honours_is_corrected, setup, teardown),
        cmocka_unit_test_setup_teardown(usart_on_the_slower_bus_tops_out_lower, setup, teardown),
        cmocka_unit_test_setup_teardown(no_usb_identity_no_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(late_noise_after_a_switch_is_not_a_failed_rate, setup, teardown),
        cmocka_unit_test_setup_teardown(product_id_remembered_needs_no_second_get_id, setup, teardown),
        cmocka_unit_test_setup_teardown(another_chip_behind_the_adapter_is_asked_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(damaged_product_id_is_not_taken_for_the_remembered_one, setup, teardown),
    };
    return cmocka_run_group_tests_name("rates", tests, NULL, NULL);
}
