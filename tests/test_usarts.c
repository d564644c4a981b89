/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_usarts.c - the stub on the USART the ROM bootloader answers on (issue 17, item 3): a
 * virtual board whose ROM serves USART2 or USART3 (sim:PART?usart=N) is written through the
 * stub told that USART, in-process; the same stub left on USART1 is deaf and nothing is
 * erased; a USART the chip's bootloader does not listen on is refused before anything
 * happens. The pty and CLI side: test_stub_path.c. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stubflash/stubflash.h>

#include "board_host.h"

struct fx {
    char file[64], port[160], log[4096];
    sf_session *s;
};

static void on_log(sf_log_level level, const char *msg, void *user)
{
    (void)level;
    struct fx *x = user;
    size_t n = strlen(x->log);
    snprintf(x->log + n, sizeof x->log - n, "%s\n", msg);
}

/* A session on a fresh board of part whose ROM answers on board_usart; the session is told
 * session_usart (0: its default). */
static struct fx *fx_new(const char *part, unsigned board_usart, unsigned session_usart)
{
    struct fx *x = calloc(1, sizeof *x);
    snprintf(x->file, sizeof x->file, "/tmp/stubflash-usart-XXXXXX");
    int fd = mkstemp(x->file);
    close(fd);
    remove(x->file);
    snprintf(x->port, sizeof x->port, "sim:%s?usart=%u&flash=%s", part, board_usart, x->file);
    assert_int_equal(sf_session_new(&x->s), SF_OK);
    sf_session_set_log(x->s, on_log, x);
    assert_int_equal(sf_session_set_usart(x->s, session_usart), SF_OK);
    if (sf_session_open(x->s, x->port) != SF_OK)
        fail_msg("open %s: %s", x->port, sf_session_last_error(x->s));
    return x;
}

/* Closes the session (the board saves its file) and returns the flash as the board kept it. */
static uint8_t *fx_flash(struct fx *x, size_t *len)
{
    sf_session_close(x->s);
    return bh_load_file(x->file, len);
}

static void fx_free(struct fx *x)
{
    sf_session_free(x->s);
    remove(x->file);
    free(x);
}

/* 24 KiB of firmware written through the stub on USARTn, read back from the board's flash. */
static void write_through(const char *part, unsigned usart)
{
    struct fx *x = fx_new(part, usart, usart);
    size_t n = 24 * 1024;
    uint8_t *fw = bh_firmware(n, usart * 7 + 1, 0x08000000);
    sf_image *img;
    assert_int_equal(sf_image_new(&img), SF_OK);
    assert_int_equal(sf_image_add(img, 0x08000000, fw, n), SF_OK);
    if (sf_session_write_image(x->s, img, SF_WRITE_VERIFY) != SF_OK)
        fail_msg("%s, USART%u: %s\n%s", part, usart, sf_session_last_error(x->s), x->log);
    char want[64];
    snprintf(want, sizeof want, "to talk on USART%u", usart);
    /* Through the first stage, unless an answer came late enough during identification for the
     * link to count as noisy (ASan on a busy machine): then the whole stub goes through the
     * ROM, read back (stub_boot.c), and still talks on that USART. */
    if (!strstr(x->log, want) || !strstr(x->log, "stub: now at") || strstr(x->log, "writing through the ROM") ||
        (!strstr(x->log, "through its first stage") && !strstr(x->log, "the line is noisy")))
        fail_msg("%s, USART%u: not written through the stub there:\n%s", part, usart, x->log);
    size_t len;
    uint8_t *f = fx_flash(x, &len);
    assert_true(len >= n);
    assert_memory_equal(f, fw, n);
    free(f);
    free(fw);
    sf_image_free(img);
    fx_free(x);
}

/* The four parts issue 17 names, on each USART their bootloaders have besides USART1. */
static void test_stub_on_usart2_and_usart3(void **state)
{
    (void)state;
    write_through("stm32l476rg", 2);
    write_through("stm32l476rg", 3);
    write_through("stm32g071rb", 2);
    write_through("stm32g071rb", 3); /* AN2606 Rev 70 table 107: PC10/PC11 */
    write_through("stm32f411re", 2);
    write_through("stm32h743zi", 2);
    write_through("stm32h743zi", 3);
}

/* Every other family with a second bootloader USART: its DMA route and its bus clock. */
static void test_stub_on_the_other_families_usarts(void **state)
{
    (void)state;
    write_through("stm32f072rb", 2); /* F0: DMA1 channel 5, one APB */
    write_through("stm32f303vc", 2); /* F3: DMA1 channel 6, APB1 at 32 MHz */
    write_through("stm32f407vg", 3); /* F4: DMA1 stream 1, APB1 at 42 MHz */
    write_through("stm32f746ng", 3); /* F7 */
    write_through("stm32g474re", 3); /* G4: DMAMUX request 28 */
    write_through("stm32l072cz", 2); /* L0: CSELR 4 on channel 6 */
    write_through("stm32l152re", 2); /* L1: DMA1 channel 6 */
    write_through("stm32f105vc", 2); /* F1 connectivity line: USART2 on PD5/PD6, APB1 at 36 MHz */
    write_through("stm32f205rg", 3); /* F2: DMA1 stream 1, APB1 at 21 MHz */
    write_through("stm32g431rb", 2); /* G431: DMAMUX request 26 */
    write_through("stm32g0b1re", 3); /* G0B1: USART3 on PC10/PC11, DMAMUX request 54 */
    write_through("stm32wle5jc", 2); /* WL: DMAMUX request 19, APB1 at 48 MHz */
    write_through("stm32f429zi", 3); /* F42x: DMA1 stream 1 channel 4, as the F407 */
    write_through("stm32f767zi", 3); /* F76x: DMA1 stream 1 channel 4, as the F746 */
    write_through("stm32h7a3zi", 2); /* H7A3: DMAMUX1 request 43, the stub at 0x24034000 */
    write_through("stm32l4r5zi", 2); /* L4R: DMAMUX request 26 (not the L47x's CSELR) */
    write_through("stm32l552ze", 3); /* L5: DMAMUX request 29, APB1 at 16 MHz (HSI16) */
    write_through("stm32u575zi", 2); /* U5: GPDMA1 request 26, APB1 at 16 MHz (HSI16) */
    write_through("stm32u575zi", 3); /* U5: GPDMA1 request 28 */
    write_through("stm32h723zg", 2); /* H723: DMAMUX request 43, as the H743 */
}

/* The stub left on USART1 while the ROM talked on USART2: it hears nothing, the write fails
 * with a sentence that names --usart, and nothing was erased. The test fails if the stub
 * (or the simulator) answers on a USART the line is not on. */
static void test_stub_on_the_wrong_usart_is_deaf(void **state)
{
    (void)state;
    static const char *const parts[] = {"stm32l476rg", "stm32g071rb", "stm32f411re", "stm32h743zi"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        struct fx *x = fx_new(parts[i], 2, 1);
        uint8_t *fw = bh_firmware(8192, 3, 0x08000000);
        sf_image *img;
        assert_int_equal(sf_image_new(&img), SF_OK);
        assert_int_equal(sf_image_add(img, 0x08000000, fw, 8192), SF_OK);
        sf_error e = sf_session_write_image(x->s, img, SF_WRITE_VERIFY);
        if (e == SF_OK)
            fail_msg("%s: a stub on USART1 wrote through a line on USART2", parts[i]);
        const char *why = sf_session_last_error(x->s);
        if (!strstr(why, "did not answer on USART1") || !strstr(why, "--usart"))
            fail_msg("%s: %s", parts[i], why);
        size_t len;
        uint8_t *f = fx_flash(x, &len);
        for (size_t k = 0; k < 8192; k++)
            if (f[k] != 0xFF)
                fail_msg("%s: flash changed at 0x%08zX", parts[i], 0x08000000 + k);
        free(f);
        free(fw);
        sf_image_free(img);
        fx_free(x);
    }
}

/* A USART the chip's bootloader does not listen on (AN2606: the F411's are USART1 and USART2)
 * is refused before the stub is loaded, with the ones it has and their pins. */
static void test_a_usart_the_bootloader_lacks_is_refused(void **state)
{
    (void)state;
    struct fx *x = fx_new("stm32f411re", 2, 3);
    uint8_t *fw = bh_firmware(4096, 5, 0x08000000);
    sf_image *img;
    assert_int_equal(sf_image_new(&img), SF_OK);
    assert_int_equal(sf_image_add(img, 0x08000000, fw, 4096), SF_OK);
    assert_int_equal(sf_session_write_image(x->s, img, SF_WRITE_VERIFY), SF_ERR_ARG);
    const char *why = sf_session_last_error(x->s);
    if (!strstr(why, "does not listen on USART3") || !strstr(why, "USART2 (PD5/PD6)"))
        fail_msg("%s", why);
    assert_null(strstr(x->log, "loading the stub"));
    assert_int_equal(sf_session_set_usart(x->s, 4), SF_ERR_ARG);
    size_t len;
    uint8_t *f = fx_flash(x, &len);
    for (size_t k = 0; k < 4096; k++)
        assert_int_equal(f[k], 0xFF);
    free(f);
    free(fw);
    sf_image_free(img);
    fx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stub_on_usart2_and_usart3),
        cmocka_unit_test(test_stub_on_the_other_families_usarts),
        cmocka_unit_test(test_stub_on_the_wrong_usart_is_deaf),
        cmocka_unit_test(test_a_usart_the_bootloader_lacks_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
