/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_stub_path.c - `stubflash write` through the RAM stub against a virtual board on a pty:
 * only differing pages are touched, the result reads back identical through the ROM
 * (stm32flash), a write whose host dies is finished by the next run, and the two ways a stub
 * can fail to help (it cannot start; the link cannot carry the fast rate) end cleanly. */
#define _DEFAULT_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "board_host.h"
#include "protocol.h"
#include "pty_board.h"
#include "run.h"

static pty_board *fixture(const char *part, const sim_options *opt)
{
    pty_board *x = calloc(1, sizeof *x);
    pb_open(x, part, opt);
    return x;
}

static int teardown(void **state)
{
    pty_board *x = *state;
    int rc = pb_close(x);
    free(x);
    return rc;
}

/* "stubflash -v -p PTY ARGS..." */
static int stubflash(pty_board *x, ...)
{
    va_list ap;
    va_start(ap, x);
    int rc = run_stubflash_va(sim_pty_path(x->pty), x->log, ap);
    va_end(ap);
    return rc;
}

static void save(pty_board *x, const char *name, const uint8_t *d, size_t n)
{
    bh_save_file(pb_file(x, name), d, n);
}

static void expect_flash(pty_board *x, const uint8_t *d, size_t n)
{
    uint8_t *f = malloc(n);
    assert_int_equal(sim_board_peek(x->board, 0x08000000, f, n), 0);
    assert_memory_equal(f, d, n);
    free(f);
}

/* A firmware-like image: the hello program, then tables that compress a little. Its stack is
 * moved to 0x20002000, inside the RAM of every part, so it passes for firmware on each. */
static uint8_t *firmware_like(size_t n, size_t *hello_len)
{
    uint8_t *img = bh_noise(n, 99), *hello = bh_load_file(getenv("HELLO_FLASH_BIN"), hello_len);
    memcpy(img, hello, *hello_len);
    img[0] = 0x00, img[1] = 0x20, img[2] = 0x00, img[3] = 0x20;
    for (size_t i = *hello_len; i < n; i++)
        img[i] = (uint8_t)(i % 7 == 0 ? img[i] : (i / 64) & 0xFF);
    free(hello);
    return img;
}

static void delta_and_rom_readback(void **state, const char *part)
{
    sim_options opt = {.boot0 = true};
    pty_board *x = *state = fixture(part, &opt);
    size_t page = sim_part_page_size(sim_board_part(x->board)), n = 20 * page, hello_len;
    uint8_t *img = firmware_like(n, &hello_len);
    save(x, "a.bin", img, n);
    assert_int_equal(stubflash(x, "write", pb_file(x, "a.bin"), NULL), 0);
    assert_true(pb_log_has(x, "loading the stub"));
    assert_true(pb_log_has(x, "20 of 20 page(s) differ"));
    expect_flash(x, img, n);

    /* The same image again: every page's CRC matches, nothing is erased or programmed. */
    sim_stats before, after;
    sim_board_stats(x->board, &before);
    assert_int_equal(stubflash(x, "write", pb_file(x, "a.bin"), NULL), 0);
    sim_board_stats(x->board, &after);
    assert_true(pb_log_has(x, "0 of 20 page(s) differ; 20 already hold the image"));
    assert_int_equal(after.pages_erased - before.pages_erased, 0);
    assert_int_equal(after.halfwords_programmed - before.halfwords_programmed, 0);

    /* One byte changed: that page alone is erased and programmed. */
    img[n / 4 + 3] ^= 0xFF; /* inside the image on every part (20 pages of 128 bytes to 2 KiB) */
    save(x, "b.bin", img, n);
    sim_board_stats(x->board, &before);
    assert_int_equal(stubflash(x, "write", pb_file(x, "b.bin"), NULL), 0);
    sim_board_stats(x->board, &after);
    assert_true(pb_log_has(x, "1 of 20 page(s) differ"));
    assert_int_equal(after.pages_erased - before.pages_erased, 1);
    assert_in_range(after.halfwords_programmed - before.halfwords_programmed, 1, page / 2);
    expect_flash(x, img, n);

    /* The stub handed the chip back to the ROM: stm32flash reads the image back through it. */
    char range[32];
    snprintf(range, sizeof range, "0x08000000:%zu", n);
    const char *r[] = {"stm32flash", "-b", "115200", "-r", pb_file(x, "r.bin"), "-S", range, sim_pty_path(x->pty), NULL};
    assert_int_equal(run_program(r, getenv("TERMIOS_SHIM"), x->log, 120), 0);
    size_t rn;
    uint8_t *back = bh_load_file(pb_file(x, "r.bin"), &rn);
    assert_int_equal(rn, n);
    assert_memory_equal(back, img, n);
    free(back);
    free(img);
}

/* An image that ends 100 bytes into its last page: found unchanged by the CRC of those 100
 * bytes, without reading the page's other 1948 (they come back only for a page to be
 * written, and are kept). */
static void test_page_tail_read_only_to_write(void **state)
{
    sim_options opt = {.boot0 = true};
    pty_board *x = *state = fixture("stm32f103re", &opt);
    size_t full = 4 * 2048, part = 2 * 2048 + 100, hello_len;
    uint8_t *img = firmware_like(full, &hello_len);
    save(x, "full.bin", img, full);
    assert_int_equal(stubflash(x, "write", "--no-backup", pb_file(x, "full.bin"), NULL), 0);
    save(x, "part.bin", img, part);

    sim_stats before, after;
    sim_board_stats(x->board, &before);
    assert_int_equal(stubflash(x, "write", "--no-backup", pb_file(x, "part.bin"), NULL), 0);
    sim_board_stats(x->board, &after);
    assert_true(pb_log_has(x, "0 of 3 page(s) differ"));
    assert_true(pb_log_has(x, "compared by the 100 bytes the image gives")); /* its tail is not erased */
    uint64_t unchanged = after.bytes_to_host - before.bytes_to_host;
    assert_true(unchanged < 1948);

    img[2 * 2048 + 50] ^= 0x5A; /* in the last page's 100 bytes */
    save(x, "part.bin", img, part);
    sim_board_stats(x->board, &before);
    assert_int_equal(stubflash(x, "write", "--no-backup", pb_file(x, "part.bin"), NULL), 0);
    sim_board_stats(x->board, &after);
    assert_true(pb_log_has(x, "1 of 3 page(s) differ"));
    assert_true(after.bytes_to_host - before.bytes_to_host >= unchanged + 1948);
    expect_flash(x, img, full); /* the page's tail and the fourth page as they were */
    free(img);
}

/* An image ending 100 bytes into a page, written again: the chip's CRC of that whole page
 * matches the image's padded with erased bytes, which settles it in the first request. */
static void test_erased_tail_settled_by_the_page_crc(void **state)
{
    sim_options opt = {.boot0 = true};
    pty_board *x = *state = fixture("stm32f103re", &opt);
    size_t part = 2 * 2048 + 100, hello_len;
    uint8_t *img = firmware_like(part, &hello_len);
    save(x, "part.bin", img, part);
    assert_int_equal(stubflash(x, "write", "--no-backup", pb_file(x, "part.bin"), NULL), 0);
    assert_int_equal(stubflash(x, "write", "--no-backup", pb_file(x, "part.bin"), NULL), 0);
    assert_true(pb_log_has(x, "0 of 3 page(s) differ"));
    assert_false(pb_log_has(x, "compared by the"));
    free(img);
}

/* The backup's folder is named by the chip's unique ID, read with the option bytes and F_SIZE
 * in one request where they lie together (F1: 0x1FFFF7E0-0x1FFFF80F): that of this chip. */
static void test_backup_folder_is_the_chips_uid(void **state)
{
    sim_options opt = {.boot0 = true, .serial = 0x5A17C3u};
    pty_board *x = *state = fixture("stm32f103re", &opt);
    setenv("XDG_DATA_HOME", x->dir, 1);
    size_t n = 4096, hello_len;
    uint8_t *img = firmware_like(n, &hello_len), uid[12];
    save(x, "a.bin", img, n);
    assert_int_equal(stubflash(x, "write", pb_file(x, "a.bin"), NULL), 0);
    unsetenv("XDG_DATA_HOME");
    assert_int_equal(sim_board_peek(x->board, 0x1FFFF7E8, uid, sizeof uid), 0);
    char dir[256];
    int k = snprintf(dir, sizeof dir, "%s/stubflash/backups/", x->dir);
    for (int i = 11; i >= 0; i--) /* most significant byte first, as ST prints it */
        k += snprintf(dir + k, sizeof dir - (size_t)k, "%02X", uid[i]);
    if (access(dir, F_OK) != 0)
        fail_msg("no folder %s", dir);
    free(img);
}

static void test_delta_and_rom_readback_hd(void **state) { delta_and_rom_readback(state, "stm32f103re"); }
static void test_delta_and_rom_readback_xl(void **state) { delta_and_rom_readback(state, "stm32f103rg"); }
/* F072 (16 KiB of RAM: small frames) and F303: the F1's flash controller, the newer USART. */
static void test_delta_and_rom_readback_f072(void **state) { delta_and_rom_readback(state, "stm32f072rb"); }
static void test_delta_and_rom_readback_f303(void **state) { delta_and_rom_readback(state, "stm32f303vc"); }
/* L4 and G4: double words, two banks (the image is in bank 1; test_stub covers bank 2). */
static void test_delta_and_rom_readback_l476(void **state) { delta_and_rom_readback(state, "stm32l476rg"); }
static void test_delta_and_rom_readback_g474(void **state) { delta_and_rom_readback(state, "stm32g474re"); }
/* L0 and L1: pages of 128 and 256 bytes erased to 0, half-pages; the stub at 460800. */
static void test_delta_and_rom_readback_l072(void **state) { delta_and_rom_readback(state, "stm32l072cz"); }
static void test_delta_and_rom_readback_l152(void **state) { delta_and_rom_readback(state, "stm32l152re"); }
/* G0: a Cortex-M0+ at 16 MHz, so the stub runs at 460800. */
static void test_delta_and_rom_readback_g071(void **state) { delta_and_rom_readback(state, "stm32g071rb"); }
/* 10 KiB of RAM: the stub runs with 256-byte frames and a 512-byte window. */
static void test_delta_and_rom_readback_ld(void **state) { delta_and_rom_readback(state, "stm32f103c6"); }

/* F4 (sectors of 16, 64 and 128 KiB) and F7 (32, 128, 256 KiB): 150 KB cover sectors 0-5 (F7:
 * 0-4); a changed byte in sector 0 costs one erase of it; stm32flash reads the first 32 KiB back
 * through the ROM. */
static void delta_and_rom_readback_f4_banks(void **state, const char *part, const char *load, int units, bool two);
static void delta_and_rom_readback_f4(void **state, const char *part, const char *load, int units)
{
    delta_and_rom_readback_f4_banks(state, part, load, units, false);
}

/* two: the F767 reset with nDBANK = 0 (FLASH_OPTCR bit 29, the option byte at 0x1FFF0009 bit
 * 5: RM0410 3.4) before stubflash sees it: two banks, whose 16 KiB sectors stubflash reads. */
static void delta_and_rom_readback_f4_banks(void **state, const char *part, const char *load, int units, bool two)
{
    sim_options opt = {.boot0 = true};
    pty_board *x = *state = fixture(part, &opt);
    if (two) {
        bh_f7_two_banks(x->board);
        sim_board_reset(x->board);
        for (int i = 0; i < 200 && !sim_part_bank2_base(sim_board_layout(x->board)); i++)
            nanosleep(&(struct timespec){0, 10000000}, NULL);
        assert_int_equal(sim_part_bank2_base(sim_board_layout(x->board)), 0x08100000);
    }
    size_t n = 150 * 1024, hello_len;
    uint8_t *img = firmware_like(n, &hello_len);
    save(x, "a.bin", img, n);
    assert_int_equal(stubflash(x, "write", pb_file(x, "a.bin"), NULL), 0);
    char want[64];
    assert_true(pb_log_has(x, "loading the stub: 40"));
    assert_true(pb_log_has(x, load));
    snprintf(want, sizeof want, "%d of %d page(s) differ", units, units);
    assert_true(pb_log_has(x, want));
    expect_flash(x, img, n);

    sim_stats before, after;
    sim_board_stats(x->board, &before);
    assert_int_equal(stubflash(x, "write", pb_file(x, "a.bin"), NULL), 0);
    sim_board_stats(x->board, &after);
    snprintf(want, sizeof want, "0 of %d page(s) differ; %d already hold the image", units, units);
    assert_true(pb_log_has(x, want));
    assert_int_equal(after.pages_erased - before.pages_erased, 0);
    assert_int_equal(after.halfwords_programmed - before.halfwords_programmed, 0);

    img[5000] ^= 0xFF;
    save(x, "b.bin", img, n);
    sim_board_stats(x->board, &before);
    assert_int_equal(stubflash(x, "write", pb_file(x, "b.bin"), NULL), 0);
    sim_board_stats(x->board, &after);
    snprintf(want, sizeof want, "1 of %d page(s) differ", units);
    assert_true(pb_log_has(x, want));
    assert_int_equal(after.pages_erased - before.pages_erased, 1);
    assert_in_range(after.halfwords_programmed - before.halfwords_programmed, 1,
                    sim_part_page_size(sim_board_part(x->board)) / 4); /* words */
    expect_flash(x, img, n);
    if (sim_part_pid(sim_board_part(x->board)) == 0x480) { /* stm32flash 0.7 has the H7A3's row commented out */
        free(img);
        return;
    }

    const char *r[] = {"stm32flash", "-b", "115200", "-r", pb_file(x, "r.bin"), "-S", "0x08000000:32768",
                       sim_pty_path(x->pty), NULL};
    assert_int_equal(run_program(r, getenv("TERMIOS_SHIM"), x->log, 120), 0);
    size_t rn;
    uint8_t *back = bh_load_file(pb_file(x, "r.bin"), &rn);
    assert_int_equal(rn, 32768);
    assert_memory_equal(back, img, 32768);
    free(back);
    free(img);
}

static void test_delta_and_rom_readback_f401(void **state)
{
    delta_and_rom_readback_f4(state, "stm32f401re", "at 0x20003000", 6);
}
static void test_delta_and_rom_readback_f446(void **state)
{
    delta_and_rom_readback_f4(state, "stm32f446re", "at 0x20003000", 6);
}
static void test_delta_and_rom_readback_h743(void **state)
{
    delta_and_rom_readback_f4(state, "stm32h743zi", "at 0x24005000", 2); /* 128 KiB sectors */
}
static void test_delta_and_rom_readback_f746(void **state)
{
    delta_and_rom_readback_f4(state, "stm32f746ng", "at 0x20004000", 5);
}
/* F767: one bank (sectors 0-4 as the F746's), or two (nDBANK = 0: 4 x 16, 64, 128 KiB: 6). */
static void test_delta_and_rom_readback_f767(void **state)
{
    delta_and_rom_readback_f4(state, "stm32f767zi", "at 0x20004000", 5);
}
static void test_delta_and_rom_readback_f767_two_banks(void **state)
{
    delta_and_rom_readback_f4_banks(state, "stm32f767zi", "at 0x20004000", 6, true);
}
/* H7A3: 150 KB over 8 KiB sectors (19), the stub at 0x24034000. */
static void test_delta_and_rom_readback_h7a3(void **state)
{
    delta_and_rom_readback_f4(state, "stm32h7a3zi", "at 0x24034000", 19);
}

/* The F2/F4/F7 ROM may leave the PLL it clocked itself from running (sim_options.rom_pll_on:
 * SYSCLK 60 MHz); its PLLCFGR takes no writes until PLLON is cleared (RM0090 6.3.2). The stub
 * turns the PLL off first, so it runs at its 84 MHz: it greets at 115200 and writes at the
 * fast rate. Left at 60 MHz it would greet at 82 kbaud and never be heard. */
static void rom_pll_left_on(void **state, const char *part)
{
    sim_options opt = {.boot0 = true, .rom_pll_on = true};
    pty_board *x = *state = fixture(part, &opt);
    size_t n = 20 * 1024;
    uint8_t *img = bh_firmware(n, 5, 0x08000000);
    save(x, "a.bin", img, n);
    assert_int_equal(stubflash(x, "write", pb_file(x, "a.bin"), NULL), 0);
    assert_true(pb_log_has(x, "loading the stub"));
    assert_true(pb_log_has(x, "stub: now at 921600 baud"));
    expect_flash(x, img, n);
    free(img);
}

static void test_rom_pll_left_on_f401(void **state) { rom_pll_left_on(state, "stm32f401re"); }
static void test_rom_pll_left_on_f411(void **state) { rom_pll_left_on(state, "stm32f411re"); }
static void test_rom_pll_left_on_f407(void **state) { rom_pll_left_on(state, "stm32f407vg"); }
static void test_rom_pll_left_on_f446(void **state) { rom_pll_left_on(state, "stm32f446re"); }
static void test_rom_pll_left_on_f746(void **state) { rom_pll_left_on(state, "stm32f746ng"); }

/* A real-time F103RE and n bytes of firmware in a.bin: through the stub kept at 115200, 48 KiB
 * take about 5 s on the line, time to interrupt the host. */
static uint8_t *slow_write_setup(void **state, pty_board **x, size_t n, uint32_t seed)
{
    sim_options opt = {.boot0 = true, .realtime = true};
    *x = *state = fixture("stm32f103re", &opt);
    uint8_t *img = bh_firmware(n, seed, 0x08000000);
    save(*x, "a.bin", img, n);
    return img;
}

static void test_resume_after_the_host_dies(void **state)
{
    pty_board *x;
    size_t n = 48 * 1024;
    uint8_t *img = slow_write_setup(state, &x, n, 5);
    const char *argv[] = {getenv("STUBFLASH_CLI"), "-v", "-p", sim_pty_path(x->pty), "--stub-baud", "0", "--no-backup",
                          "write", pb_file(x, "a.bin"), NULL};
    assert_int_equal(run_program_killed(argv, x->log, 2500), 128 + 9);
    assert_true(pb_log_has(x, "24 of 24 page(s) differ"));
    assert_true(sim_board_cpu_running(x->board)); /* the stub, mid-stream */
    uint8_t *f = malloc(n);
    assert_int_equal(sim_board_peek(x->board, 0x08000000, f, n), 0);
    assert_memory_not_equal(f, img, n);
    free(f);

    /* The next run finds the stub where the dead host left it and writes only what is missing. */
    assert_int_equal(stubflash(x, "--stub-baud", "0", "write", pb_file(x, "a.bin"), NULL), 0);
    assert_true(pb_log_has(x, "found the stub running"));
    assert_false(pb_log_has(x, "loading the stub"));
    assert_false(pb_log_has(x, " 24 of 24 page(s) differ"));
    expect_flash(x, img, n);
    free(img);
}

/* Ctrl-C in the middle of a stream: the command says where it stopped, and the stub hands the
 * chip back to the ROM as after a finished write (stm32flash then talks to the ROM). */
static void test_interrupted_write_hands_the_chip_back(void **state)
{
    pty_board *x;
    uint8_t *img = slow_write_setup(state, &x, 48 * 1024, 12);
    const char *argv[] = {getenv("STUBFLASH_CLI"), "-v", "-p", sim_pty_path(x->pty), "--stub-baud", "0", "--no-backup",
                          "write", pb_file(x, "a.bin"), NULL};
    pid_t pid = run_start(argv, NULL, x->log);
    for (int i = 0; i < 200 && !pb_log_has(x, "page(s) differ"); i++)
        usleep(50000);
    assert_true(pb_log_has(x, "24 of 24 page(s) differ"));
    usleep(800000); /* well into the stream (about 5 s long) */
    kill(pid, SIGINT);
    assert_int_equal(run_wait(pid, 30000, 0), 130);
    assert_true(pb_log_has(x, "cancelled at 0x0800"));
    assert_false(pb_log_has(x, "cancelled at 0x08000000 "));
    assert_false(sim_board_cpu_running(x->board)); /* the stub left for the ROM */
    const char *r[] = {"stm32flash", "-b", "115200", "-r", pb_file(x, "r.bin"), "-S", "0x08000000:1024",
                       sim_pty_path(x->pty), NULL};
    assert_int_equal(run_program(r, getenv("TERMIOS_SHIM"), x->log, 120), 0);
    free(img);
}

/* Once the stub runs, its answers reach the host 700 ms late (a radio modem), longer than the
 * host waits before it asks again. */
struct late_replies {
    sim_board *board;
    atomic_bool stop, delayed;
};

static void *delay_once_the_stub_runs(void *arg)
{
    struct late_replies *w = arg;
    while (!atomic_load(&w->stop) && !sim_board_cpu_running(w->board))
        usleep(1000);
    if (!atomic_load(&w->stop)) {
        sim_faults f = {.reply_delay_ms = 700};
        sim_board_set_line_faults(w->board, &f);
        atomic_store(&w->delayed, true);
    }
    return NULL;
}

/* A link whose answers take 150 ms from the first byte on (a radio modem, a TCP bridge): the
 * host sends 0x7F again before the first answer is back, and the ROM holds the extra 0x7F as
 * half a command. Without settling that, every Get that followed was NACKed and the board was
 * never identified. Identified, then written and verified through the ROM. */
static void test_slow_link_from_the_first_byte(void **state)
{
    sim_options opt = {.boot0 = true, .faults = {.reply_delay_ms = 150}};
    pty_board *x = *state = fixture("stm32f103re", &opt);
    size_t n = 1024;
    uint8_t *img = bh_firmware(n, 23, 0x08000000);
    save(x, "a.bin", img, n);
    assert_int_equal(stubflash(x, "info", NULL), 0);
    assert_true(pb_log_has(x, "PID 0x414"));
    assert_int_equal(stubflash(x, "--no-stub", "--no-backup", "write", pb_file(x, "a.bin"), NULL), 0);
    expect_flash(x, img, n);
    free(img);
}

/* Every request to the stub is sent again before its answer arrives: the late answers are
 * matched to their requests, and a stream whose ZBEGIN went out twice is not taken for an
 * interrupted one (the stub closes and reopens it: test_stub). With the backup on, the chip's
 * unique ID (for the backup folder) is read through the stub too: a read's late answer counts. */
static void test_late_answers_from_the_stub(void **state)
{
    sim_options opt = {.boot0 = true};
    pty_board *x = *state = fixture("stm32f103re", &opt);
    size_t n = 12 * 1024;
    uint8_t *img = bh_firmware(n, 21, 0x08000000);
    save(x, "a.bin", img, n);
    struct late_replies w = {.board = x->board};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, delay_once_the_stub_runs, &w), 0);
    /* At the ROM's rate, so no baud change has to cross the delay. */
    setenv("XDG_DATA_HOME", x->dir, 1); /* the backup folder in the scratch folder */
    int rc = stubflash(x, "--stub-baud", "0", "write", pb_file(x, "a.bin"), NULL);
    unsetenv("XDG_DATA_HOME");
    atomic_store(&w.stop, true);
    pthread_join(t, NULL);
    assert_true(atomic_load(&w.delayed));
    assert_int_equal(rc, 0);
    assert_true(pb_log_has(x, "6 of 6 page(s) differ"));
    assert_false(pb_log_has(x, "without a backup"));
    expect_flash(x, img, n);
    free(img);
}

/* In the middle of a stream the acks arrive 3 s late for a while (a radio link that stalls),
 * later than the host waits: it resends what is not acknowledged, which the stub has already
 * taken. The resent frames must carry the same bytes under the same sequence numbers, or the
 * stub would take bytes twice. */
struct late_acks {
    pty_board *x;
    atomic_bool stop, delayed;
};

static void *delay_once_streaming(void *arg)
{
    struct late_acks *w = arg;
    sim_stats st = {0};
    while (!atomic_load(&w->stop) && st.halfwords_programmed < 2048) { /* 4 KiB of the stream are in */
        usleep(1000);
        sim_board_stats(w->x->board, &st);
    }
    if (!atomic_load(&w->stop)) {
        sim_faults f = {.reply_delay_ms = 3000};
        sim_board_set_line_faults(w->x->board, &f);
        atomic_store(&w->delayed, true);
        usleep(2500 * 1000); /* then the link is quick again: the host's requests wait ~1.3 s */
        f.reply_delay_ms = 0;
        sim_board_set_line_faults(w->x->board, &f);
    }
    return NULL;
}

static void test_late_acks_in_the_middle_of_a_stream(void **state)
{
    sim_options opt = {.boot0 = true};
    pty_board *x = *state = fixture("stm32f103re", &opt);
    size_t n = 48 * 1024;
    uint8_t *img = bh_firmware(n, 22, 0x08000000); /* noise: it does not compress */
    save(x, "a.bin", img, n);
    struct late_acks w = {.x = x};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, delay_once_streaming, &w), 0);
    int rc = stubflash(x, "--no-backup", "write", pb_file(x, "a.bin"), NULL);
    atomic_store(&w.stop, true);
    pthread_join(t, NULL);
    assert_true(atomic_load(&w.delayed));
    assert_int_equal(rc, 0);
    expect_flash(x, img, n);
    free(img);
}

/* The CLI over a pty to boards whose ROM answers on USART2 (a Nucleo's ST-LINK port): with
 * --usart 2 the stub talks there and writes; without it, it is deaf and nothing is erased.
 * In-process and on every family: test_usarts.c. */
static void test_usart2_over_a_pty(void **state)
{
    (void)state;
    static const char *const parts[] = {"stm32l476rg", "stm32g071rb", "stm32f411re", "stm32h743zi"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        sim_options opt = {.boot0 = true, .usart = 2};
        pty_board *x = fixture(parts[i], &opt);
        uint8_t *img = bh_firmware(16384, 11, 0x08000000);
        save(x, "a.bin", img, 16384);
        assert_int_equal(stubflash(x, "--usart", "2", "write", pb_file(x, "a.bin"), NULL), 0);
        assert_true(pb_log_has(x, "to talk on USART2"));
        assert_false(pb_log_has(x, "writing through the ROM"));
        expect_flash(x, img, 16384);
        uint8_t *other = bh_firmware(16384, 12, 0x08000000);
        save(x, "b.bin", other, 16384);
        assert_int_equal(stubflash(x, "write", pb_file(x, "b.bin"), NULL), 4);
        assert_true(pb_log_has(x, "did not answer on USART1"));
        assert_true(pb_log_has(x, "--usart N"));
        expect_flash(x, img, 16384); /* nothing was erased */
        free(other);
        free(img);
        assert_int_equal(teardown((void **)&x), 0);
    }
}

static void test_stub_that_cannot_start(void **state)
{
    /* The PLL never locks: the stub hangs in its clock set-up and never greets. */
    sim_options opt = {.boot0 = true, .faults = {.pll_stuck = true}};
    pty_board *x = *state = fixture("stm32f103re", &opt);
    uint8_t *img = bh_firmware(4096, 3, 0x08000000);
    save(x, "a.bin", img, 4096);
    assert_int_equal(stubflash(x, "write", pb_file(x, "a.bin"), NULL), 4);
    assert_true(pb_log_has(x, "did not answer on USART1"));
    assert_true(pb_log_has(x, "--no-stub"));
    sim_stats st;
    sim_board_stats(x->board, &st);
    assert_int_equal(st.pages_erased, 0); /* nothing was touched */
    assert_int_equal(st.halfwords_programmed, 0);

    /* What the message says works: reset with BOOT0 high, then --no-stub. */
    sim_board_reset(x->board);
    assert_int_equal(stubflash(x, "--no-stub", "write", pb_file(x, "a.bin"), NULL), 0);
    expect_flash(x, img, 4096);
    free(img);
}

static void test_stub_damaged_on_the_way(void **state)
{
    /* Line errors the ROM's XOR checksum cannot see flip a bit of the stub as it is loaded (a
     * byte of its parameter block: it runs, but is not what was sent). Its greeting reports the
     * CRC of what it found in RAM; the host sends it back to the ROM and loads it again. */
    sim_options opt = {.boot0 = true,
                       .faults = {.damage_ram_byte = SFS_PARAMS_OFFSET + offsetof(struct sfs_params, chip) + 1}};
    pty_board *x = *state = fixture("stm32f103re", &opt);
    uint8_t *img = bh_firmware(4096, 5, 0x08000000);
    save(x, "a.bin", img, 4096);
    /* At the ROM's rate the whole stub goes through the ROM (no first stage). */
    assert_int_equal(stubflash(x, "--stub-baud", "0", "write", pb_file(x, "a.bin"), NULL), 0);
    assert_true(pb_log_has(x, "the stub arrived damaged in RAM"));
    assert_true(pb_log_has(x, "loading it again"));
    assert_int_equal(pb_log_count(x, "loading the stub:"), 2);
    expect_flash(x, img, 4096);
    free(img);
}

static void test_first_stage_damaged_on_the_way(void **state)
{
    /* The same damage in the stub's first stage (a byte of its parameters it does not use, so
     * that it runs): it finds its own CRC wrong, takes nothing but a request to reset, and the
     * host loads the whole stub through the ROM. (Damage in code that runs before that check
     * can hang it where only a reset helps, as with the stub; a line that has shown noise
     * loads no first stage.) */
    sim_options opt = {.boot0 = true,
                       .faults = {.damage_ram_byte = SFS_PARAMS_OFFSET + offsetof(struct sfs_params, chip) + 1}};
    pty_board *x = *state = fixture("stm32f103re", &opt);
    uint8_t *img = bh_firmware(4096, 6, 0x08000000);
    save(x, "a.bin", img, 4096);
    assert_int_equal(stubflash(x, "write", pb_file(x, "a.bin"), NULL), 0);
    assert_true(pb_log_has(x, "through its first stage"));
    assert_true(pb_log_has(x, "the stub's first stage could not take the stub"));
    assert_int_equal(pb_log_count(x, "loading the stub:"), 2);
    expect_flash(x, img, 4096);
    free(img);
}

static void test_stub_damaged_on_a_noisy_line_is_rewritten_before_go(void **state)
{
    /* The line loses a byte of the first Get (noise: the identification is repeated), then
     * damages a byte of the stub's code where the XOR checksum cannot see it. On a line that has
     * shown noise the host reads the stub back before Go and writes the damaged block again. */
    sim_options opt = {.boot0 = true, .faults = {.drop_byte = 3, .damage_ram_byte = 300}};
    pty_board *x = *state = fixture("stm32f103re", &opt);
    uint8_t *img = bh_firmware(4096, 6, 0x08000000);
    save(x, "a.bin", img, 4096);
    assert_int_equal(stubflash(x, "write", pb_file(x, "a.bin"), NULL), 0);
    assert_true(pb_log_has(x, "reading the stub back before starting it"));
    assert_true(pb_log_has(x, "the stub's block at 0x20000900 reached RAM damaged: writing it again"));
    assert_int_equal(pb_log_count(x, "loading the stub:"), 1);
    assert_false(pb_log_has(x, "arrived damaged")); /* it started intact */
    expect_flash(x, img, 4096);
    free(img);
}

static void test_power_cut_under_the_stream_does_not_talk_to_the_rom(void **state)
{
    /* The chip resets while frames are in flight and the host resends them: the ROM that
     * starts instead of the stub hears them. Noise does not compress, so the stream carries the
     * image's bytes as they are (stored blocks), and this image is full of 0x7F (the ROM's sync
     * byte) and 0x82 0x7D (Readout Protect) pairs. Frames are byte-stuffed so that no 0x7F is ever among them:
     * the ROM never synchronises, the chip stays unprotected and a re-run finishes the write. */
    sim_options opt = {.boot0 = true, .faults = {.power_cut_after_bytes = 16000, .power_off_ms = 5}};
    pty_board *x = *state = fixture("stm32f103re", &opt);
    size_t n = 32 * 1024;
    uint8_t *img = bh_firmware(n, 8, 0x08000000);
    for (size_t i = 300; i + 16 <= n; i += 300) { /* after the vector table; sparse enough to leave it incompressible */
        img[i] = 0x7F;
        memcpy(img + i + 3, "\x82\x7D", 2);
        memcpy(img + i + 8, "\x82\x7D", 2);
    }
    save(x, "a.bin", img, n);
    assert_int_equal(stubflash(x, "--no-backup", "write", pb_file(x, "a.bin"), NULL), 4);
    assert_true(pb_log_has(x, "loading the stub"));
    assert_true(sim_board_reset_count(x->board) >= 1); /* the cut came */
    assert_false(sim_board_readout_protected(x->board));
    assert_int_equal(stubflash(x, "--no-backup", "write", pb_file(x, "a.bin"), NULL), 0);
    expect_flash(x, img, n);
    free(img);
}

static void test_adapter_unplugged_while_connecting(void **state)
{
    /* BOOT0 low and a blank flash: nothing answers the sync byte. The adapter goes away while
     * the host is still trying: it must say so, not blame BOOT0 or the wiring. */
    sim_options opt = {.boot0 = false};
    pty_board *x = *state = fixture("stm32f103re", &opt);
    const char *argv[] = {getenv("STUBFLASH_CLI"), "-p", sim_pty_path(x->pty), "info", NULL};
    pid_t pid = run_start(argv, NULL, x->log);
    usleep(300 * 1000);
    sim_pty_close(x->pty);
    x->pty = NULL;
    int rc = run_wait(pid, 10000, 0);
    show_log_tail(x->log);
    assert_int_equal(rc, 1);
    assert_true(pb_log_has(x, "went away"));
    assert_false(pb_log_has(x, "sync byte"));
}

static void test_link_that_cannot_carry_the_fast_rate(void **state)
{
    /* A bridge fixed at 115200: every faster rate the stub tries is garbage both ways. The
     * first stage hears garbage instead of the stub and follows the host to 115200, where it
     * takes the stub; the stub's own rate changes then fail the same way and it goes back to
     * 115200 when the first thing it hears is not a frame. */
    sim_options opt = {.boot0 = true, .faults = {.max_baud = 115200}};
    pty_board *x = *state = fixture("stm32f103re", &opt);
    uint8_t *img = bh_firmware(8192, 4, 0x08000000);
    save(x, "a.bin", img, 8192);
    assert_int_equal(stubflash(x, "write", pb_file(x, "a.bin"), NULL), 0);
    assert_true(pb_log_has(x, "no answer at 921600 baud"));
    assert_true(pb_log_has(x, "sending it at 115200"));
    assert_true(pb_log_has(x, "staying at 115200"));
    expect_flash(x, img, 8192);
    free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_delta_and_rom_readback_hd, teardown),
        cmocka_unit_test_teardown(test_page_tail_read_only_to_write, teardown),
        cmocka_unit_test_teardown(test_erased_tail_settled_by_the_page_crc, teardown),
        cmocka_unit_test_teardown(test_backup_folder_is_the_chips_uid, teardown),
        cmocka_unit_test_teardown(test_delta_and_rom_readback_xl, teardown),
        cmocka_unit_test_teardown(test_delta_and_rom_readback_ld, teardown),
        cmocka_unit_test_teardown(test_delta_and_rom_readback_f072, teardown),
        cmocka_unit_test_teardown(test_delta_and_rom_readback_f303, teardown),
        cmocka_unit_test_teardown(test_delta_and_rom_readback_l476, teardown),
        cmocka_unit_test_teardown(test_delta_and_rom_readback_g474, teardown),
        cmocka_unit_test_teardown(test_delta_and_rom_readback_g071, teardown),
        cmocka_unit_test_teardown(test_delta_and_rom_readback_l072, teardown),
        cmocka_unit_test_teardown(test_delta_and_rom_readback_l152, teardown),
        cmocka_unit_test_teardown(test_delta_and_rom_readback_f401, teardown),
        cmocka_unit_test_teardown(test_delta_and_rom_readback_f446, teardown),
        cmocka_unit_test_teardown(test_delta_and_rom_readback_f746, teardown),
        cmocka_unit_test_teardown(test_delta_and_rom_readback_f767, teardown),
        cmocka_unit_test_teardown(test_delta_and_rom_readback_f767_two_banks, teardown),
        cmocka_unit_test_teardown(test_delta_and_rom_readback_h7a3, teardown),
        cmocka_unit_test_teardown(test_delta_and_rom_readback_h743, teardown),
        cmocka_unit_test_teardown(test_rom_pll_left_on_f401, teardown),
        cmocka_unit_test_teardown(test_rom_pll_left_on_f411, teardown),
        cmocka_unit_test_teardown(test_rom_pll_left_on_f407, teardown),
        cmocka_unit_test_teardown(test_rom_pll_left_on_f446, teardown),
        cmocka_unit_test_teardown(test_rom_pll_left_on_f746, teardown),
        cmocka_unit_test_teardown(test_resume_after_the_host_dies, teardown),
        cmocka_unit_test_teardown(test_interrupted_write_hands_the_chip_back, teardown),
        cmocka_unit_test_teardown(test_slow_link_from_the_first_byte, teardown),
        cmocka_unit_test_teardown(test_late_answers_from_the_stub, teardown),
        cmocka_unit_test_teardown(test_late_acks_in_the_middle_of_a_stream, teardown),
        cmocka_unit_test(test_usart2_over_a_pty),
        cmocka_unit_test_teardown(test_stub_that_cannot_start, teardown),
        cmocka_unit_test_teardown(test_stub_damaged_on_the_way, teardown),
        cmocka_unit_test_teardown(test_first_stage_damaged_on_the_way, teardown),
        cmocka_unit_test_teardown(test_stub_damaged_on_a_noisy_line_is_rewritten_before_go, teardown),
        cmocka_unit_test_teardown(test_power_cut_under_the_stream_does_not_talk_to_the_rom, teardown),
        cmocka_unit_test_teardown(test_adapter_unplugged_while_connecting, teardown),
        cmocka_unit_test_teardown(test_link_that_cannot_carry_the_fast_rate, teardown),
    };
    return cmocka_run_group_tests_name("stub path", tests, NULL, NULL);
}
