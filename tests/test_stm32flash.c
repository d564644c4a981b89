/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_stm32flash.c - stm32flash 0.7, an independent AN3155 host tuned on real chips, against
 * the virtual board over a pseudo-terminal: what it can do is our proof of fidelity.
 * stm32flash runs with the termios shim (Linux ptys drop PARENB; see tests/shim). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <stubflash/stubflash.h>

#include "board_host.h"
#include "run.h"

struct fx {
    sim_board *board;
    sim_pty *pty;
    char dir[64];
    char path[128];
    uint32_t flash_size;
};

static int setup_for(void **state, const char *part, bool realtime)
{
    struct fx *x = calloc(1, sizeof *x);
    sim_options opt = {.realtime = realtime, .boot0 = true};
    x->board = bh_board_opts(part, &opt);
    x->pty = sim_pty_open(x->board, NULL);
    assert_non_null(x->pty);
    x->flash_size = sim_part_flash_size(sim_board_part(x->board));
    snprintf(x->dir, sizeof x->dir, "/tmp/stubflash-test-XXXXXX");
    assert_non_null(mkdtemp(x->dir));
    *state = x;
    return 0;
}

static int setup_hd(void **state) { return setup_for(state, "stm32f103re", false); }
static int setup_xl(void **state) { return setup_for(state, "stm32f103rg", false); }
static int setup_hd_realtime(void **state) { return setup_for(state, "stm32f103re", true); }
/* F0 and F3 (bootloader V3.1, Extended Erase, RDP level 0 = 0xAA): stm32flash knows them too. */
static int setup_f030(void **state) { return setup_for(state, "stm32f030r8", false); }
static int setup_f072(void **state) { return setup_for(state, "stm32f072rb", false); }
static int setup_f303(void **state) { return setup_for(state, "stm32f303vc", false); }
/* F4: sectors, byte programming by the ROM, option bytes at 0x1FFFC000. */
static int setup_f401(void **state) { return setup_for(state, "stm32f401re", false); }
static int setup_f407(void **state) { return setup_for(state, "stm32f407vg", false); }
/* F7, G0, G4, L0, L1, L4, H7 (stm32flash 0.7 has no WB): Write Memory 8-aligned, wider program
 * units, L0/L1 erased to 0x00 without a global erase. */
static int setup_f746(void **state) { return setup_for(state, "stm32f746ng", false); }
static int setup_g071(void **state) { return setup_for(state, "stm32g071rb", false); }
static int setup_g474(void **state) { return setup_for(state, "stm32g474re", false); }
static int setup_l072(void **state) { return setup_for(state, "stm32l072cz", false); }
static int setup_l152(void **state) { return setup_for(state, "stm32l152re", false); }
static int setup_l432(void **state) { return setup_for(state, "stm32l432kc", false); }
static int setup_l476(void **state) { return setup_for(state, "stm32l476rg", false); }
static int setup_h743(void **state) { return setup_for(state, "stm32h743zi", false); }
/* The parts of issue 17 item 5: stm32flash 0.7 knows all four product IDs (0x418, 0x411, 0x468,
 * 0x417). Their boards are made by the test itself, from the flash file libstubflash left. */
static int setup_dir(void **state)
{
    struct fx *x = calloc(1, sizeof *x);
    snprintf(x->dir, sizeof x->dir, "/tmp/stubflash-test-XXXXXX");
    assert_non_null(mkdtemp(x->dir));
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    struct fx *x = *state;
    if (x->pty)
        sim_pty_close(x->pty);
    if (x->board)
        sim_board_free(x->board);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", x->dir);
    if (system(cmd) != 0)
        return -1;
    free(x);
    return 0;
}

static const char *file_in(struct fx *x, const char *name)
{
    snprintf(x->path, sizeof x->path, "%s/%s", x->dir, name);
    return x->path;
}

/* Run stm32flash with the given options (NULL-terminated) on the board's pty, with the termios
 * shim; its output goes to DIR/stm32flash.log. */
static int stm32flash(struct fx *x, ...)
{
    char log[128];
    snprintf(log, sizeof log, "%s/stm32flash.log", x->dir);
    /* The port goes last: stm32flash takes it as its one positional argument. */
    const char *args[32];
    int n = 0;
    va_list ap;
    va_start(ap, x);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL && n < 30)
        args[n++] = a;
    va_end(ap);
    args[n++] = sim_pty_path(x->pty);
    args[n] = NULL;
    const char *argv[34] = {"stm32flash"};
    memcpy(argv + 1, args, (size_t)(n + 1) * sizeof *argv);
    return run_program(argv, getenv("TERMIOS_SHIM"), log, 180);
}

static void show_log(struct fx *x)
{
    char log[128];
    snprintf(log, sizeof log, "%s/stm32flash.log", x->dir);
    show_log_tail(log);
}

#define RUN_OK(x, ...)                                                      \
    do {                                                                    \
        int rc_ = stm32flash(x, __VA_ARGS__, NULL);                         \
        if (rc_ != 0) {                                                     \
            show_log(x);                                                    \
            fail_msg("stm32flash exited with %d", rc_);                     \
        }                                                                   \
    } while (0)

static uint8_t *random_image(size_t len, unsigned seed)
{
    uint8_t *p = malloc(len);
    uint32_t s = seed;
    for (size_t i = 0; i < len; i++) {
        s = s * 1664525u + 1013904223u;
        p[i] = (uint8_t)(s >> 24);
    }
    return p;
}

static void write_file(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void assert_flash_equals(struct fx *x, uint32_t addr, const uint8_t *want, size_t len)
{
    uint8_t *got = malloc(len);
    assert_int_equal(sim_board_peek(x->board, addr, got, len), 0);
    assert_memory_equal(got, want, len);
    free(got);
}

static void assert_flash_erased(struct fx *x)
{
    uint8_t *got = malloc(x->flash_size);
    assert_int_equal(sim_board_peek(x->board, 0x08000000, got, x->flash_size), 0);
    uint8_t erased = sim_part_erased_value(sim_board_part(x->board));
    for (uint32_t i = 0; i < x->flash_size; i++)
        if (got[i] != erased)
            fail_msg("flash not erased at 0x%08x: 0x%02x", 0x08000000 + i, got[i]);
    free(got);
}

static void write_verify_read(struct fx *x, unsigned seed)
{
    const size_t len = 64 * 1024;
    uint8_t *img = random_image(len, seed);
    write_file(file_in(x, "image.bin"), img, len);
    unsigned resets = sim_board_reset_count(x->board);
    /* -R: stm32flash resets the chip at the end by running its own code from RAM. */
    RUN_OK(x, "-b", "115200", "-w", file_in(x, "image.bin"), "-v", "-R");
    assert_flash_equals(x, 0x08000000, img, len);
    for (int i = 0; i < 200 && sim_board_reset_count(x->board) == resets; i++)
        usleep(5000);
    assert_true(sim_board_reset_count(x->board) > resets);
    /* The count rises as the reset begins; the ROM then needs its start-up time before it hears
     * a sync byte (1.2 ms, in real time; much more on a loaded machine under ASan, where the
     * next stm32flash was once too quick and gave up: "Failed to init device after retry"). */
    usleep(200 * 1000);

    RUN_OK(x, "-b", "115200", "-r", file_in(x, "back.bin"), "-S", "0x08000000:65536");
    size_t blen;
    uint8_t *back = bh_load_file(file_in(x, "back.bin"), &blen);
    assert_int_equal(blen, len);
    assert_memory_equal(back, img, len);
    free(back);
    free(img);
}

static void test_write_verify_read(void **state) { write_verify_read(*state, 1); }

static void collect_log(sf_log_level level, const char *message, void *user)
{
    (void)level;
    char *log = user; /* 8 KiB */
    size_t n = strlen(log);
    snprintf(log + n, 8192 - n, "%s\n", message);
}

/* libstubflash writes an image through the stub (through the ROM where no stub fits: stub =
 * false), the board keeps its flash in a file; a board made again from that file is read back
 * by stm32flash, which knows nothing of the stub: what the stub wrote is what the chip holds. */
static void stub_writes_stm32flash_reads(struct fx *x, const char *part, bool stub)
{
    const size_t len = 48 * 1024;
    uint8_t *img = random_image(len, 7);
    memcpy(img, (const uint8_t[]){0x00, 0x10, 0x00, 0x20, 0x09, 0x01, 0x00, 0x08}, 8); /* SP, reset vector */
    char flash[128], port[200];
    snprintf(flash, sizeof flash, "%s/board.flash", x->dir);
    snprintf(port, sizeof port, "sim:%s?flash=%s", part, flash);
    sf_session *s;
    sf_image *im;
    assert_int_equal(sf_session_new(&s), SF_OK);
    static char log[8192];
    log[0] = 0;
    sf_session_set_log(s, collect_log, log);
    if (sf_session_open(s, port) != SF_OK)
        fail_msg("open %s: %s", port, sf_session_last_error(s));
    assert_int_equal(sf_image_new(&im), SF_OK);
    assert_int_equal(sf_image_add(im, 0x08000000, img, len), SF_OK);
    if (sf_session_write_image(s, im, SF_WRITE_VERIFY) != SF_OK)
        fail_msg("write: %s\n%s", sf_session_last_error(s), log);
    if ((strstr(log, "loading the stub") != NULL) != stub)
        fail_msg("%s path expected:\n%s", stub ? "stub" : "ROM", log);
    sf_session_free(s); /* the board saves its flash file */
    sf_image_free(im);

    sim_options opt = {.boot0 = true, .flash_file = flash};
    x->board = bh_board_opts(part, &opt);
    x->pty = sim_pty_open(x->board, NULL);
    assert_non_null(x->pty);
    x->flash_size = sim_part_flash_size(sim_board_part(x->board));
    RUN_OK(x, "-b", "115200", "-r", file_in(x, "back.bin"), "-S", "0x08000000:49152");
    size_t blen;
    uint8_t *back = bh_load_file(file_in(x, "back.bin"), &blen);
    assert_int_equal(blen, len);
    assert_memory_equal(back, img, len);
    free(back);
    free(img);
}

static void test_stub_f105_read_back(void **state) { stub_writes_stm32flash_reads(*state, "stm32f105vc", true); }
static void test_stub_f205_read_back(void **state) { stub_writes_stm32flash_reads(*state, "stm32f205rg", true); }
static void test_stub_g431_read_back(void **state) { stub_writes_stm32flash_reads(*state, "stm32g431rb", true); }
static void test_rom_l053_read_back(void **state) { stub_writes_stm32flash_reads(*state, "stm32l053r8", false); }
/* stm32flash 0.7 knows the G0B1 (0x467, "STM32G0B0/B1/C1xx"). */
static void test_stub_g0b1_read_back(void **state) { stub_writes_stm32flash_reads(*state, "stm32g0b1re", true); }
/* ... and the F42x/43x (0x419, "STM32F42xxx/43xxx", its two banks as f4db). */
static void test_stub_f429_read_back(void **state) { stub_writes_stm32flash_reads(*state, "stm32f429zi", true); }
/* ... and the F76x/77x (0x451, "STM32F76xxx/77xxx", one range of f7 sectors). */
static void test_stub_f767_read_back(void **state) { stub_writes_stm32flash_reads(*state, "stm32f767zi", true); }
/* stm32flash 0.7's 0x470 row ("STM32L4Rxx/4Sxx": 1 MiB of 2 KiB pages) reads the first 48 KiB as
 * any size would. */
static void test_stub_l4r5_read_back(void **state) { stub_writes_stm32flash_reads(*state, "stm32l4r5zi", true); }

static void test_write_at_offset_in_bank2(void **state)
{
    struct fx *x = *state;
    /* XL: an image that straddles the bank boundary at 0x08080000. */
    const size_t len = 16 * 1024;
    uint8_t *img = random_image(len, 7);
    write_file(file_in(x, "image.bin"), img, len);
    RUN_OK(x, "-b", "115200", "-w", file_in(x, "image.bin"), "-v", "-S", "0x0807E000");
    assert_flash_equals(x, 0x0807E000, img, len);
    free(img);
}

static void test_erase_only(void **state)
{
    struct fx *x = *state;
    uint8_t *img = random_image(8192, 3);
    write_file(file_in(x, "image.bin"), img, 8192);
    RUN_OK(x, "-b", "115200", "-w", file_in(x, "image.bin"));
    RUN_OK(x, "-b", "115200", "-o");
    assert_flash_erased(x);
    free(img);
}

/* Open the pty as a terminal program would, at 115200 raw, and talk to the app. */
static void expect_app_answer(struct fx *x, const char *send, const char *want)
{
    int fd = open(sim_pty_path(x->pty), O_RDWR | O_NOCTTY);
    assert_true(fd >= 0);
    struct termios t;
    tcgetattr(fd, &t);
    cfmakeraw(&t);
    cfsetispeed(&t, B115200);
    cfsetospeed(&t, B115200);
    tcsetattr(fd, TCSANOW, &t);
    assert_int_equal(write(fd, send, strlen(send)), (ssize_t)strlen(send));
    char buf[256] = "";
    size_t n = 0;
    for (int i = 0; i < 300 && !strstr(buf, want); i++) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 10) > 0) {
            ssize_t r = read(fd, buf + n, sizeof buf - 1 - n);
            if (r > 0)
                n += (size_t)r;
            buf[n] = 0;
        }
    }
    close(fd);
    if (!strstr(buf, want))
        fail_msg("expected \"%s\" from the app, got \"%s\"", want, buf);
}

static void test_go_starts_app(void **state)
{
    struct fx *x = *state;
    RUN_OK(x, "-b", "115200", "-w", getenv("HELLO_FLASH_BIN"), "-v", "-g", "0x08000000");
    /* The ACK of Go leaves before the CPU starts: give it up to a second. */
    for (int i = 0; i < 200 && !sim_board_cpu_running(x->board); i++)
        usleep(5000);
    assert_true(sim_board_cpu_running(x->board));
    char want[64];
    snprintf(want, sizeof want, "hello from flash, flash %u KiB\r\n", x->flash_size / 1024);
    expect_app_answer(x, "?", want);
    expect_app_answer(x, "go!", "GO!");
}

static void test_readout_protect_and_unprotect(void **state)
{
    struct fx *x = *state;
    uint8_t *img = random_image(4096, 5);
    write_file(file_in(x, "image.bin"), img, 4096);
    RUN_OK(x, "-b", "115200", "-w", file_in(x, "image.bin"));
    RUN_OK(x, "-b", "115200", "-j");
    assert_true(sim_board_readout_protected(x->board));
    /* Reading is refused now: stm32flash must fail. */
    int rc = stm32flash(x, "-b", "115200", "-r", file_in(x, "back.bin"), "-S", "0x08000000:256", NULL);
    assert_int_not_equal(rc, 0);
    RUN_OK(x, "-b", "115200", "-k");
    assert_false(sim_board_readout_protected(x->board));
    assert_flash_erased(x); /* removing RDP mass-erases */
    free(img);
}

static void test_write_unprotect(void **state)
{
    struct fx *x = *state;
    /* Protect pages 0-3 (WRP0 bits 0 and 1) as a previous owner might have. */
    uint8_t wrp[2] = {0xFC, 0x03};
    assert_int_equal(sim_board_poke(x->board, 0x1FFFF808, wrp, 2), 0);
    unsigned r = sim_board_reset_count(x->board);
    sim_board_reset(x->board);
    for (int i = 0; i < 200 && sim_board_reset_count(x->board) == r; i++)
        usleep(5000);
    uint8_t *img = random_image(8192, 9);
    write_file(file_in(x, "image.bin"), img, 8192);
    /* The ROM skips protected pages without an error; the verify finds it. */
    int rc = stm32flash(x, "-b", "115200", "-w", file_in(x, "image.bin"), "-v", NULL);
    assert_int_not_equal(rc, 0);
    RUN_OK(x, "-b", "115200", "-u");
    assert_int_equal(sim_board_write_protection(x->board), 0xFFFFFFFF);
    RUN_OK(x, "-b", "115200", "-w", file_in(x, "image.bin"), "-v");
    assert_flash_equals(x, 0x08000000, img, 8192);
    free(img);
}

/* The stubflash-sim program itself: pty path on the first line, flash kept in a file across
 * runs (saved on SIGTERM), as hardware keeps its firmware. */
static pid_t start_sim_program(struct fx *x, const char *flash_file, char *pty, size_t ptylen)
{
    int out[2];
    assert_int_equal(pipe(out), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        execl(getenv("STUBFLASH_SIM"), "stubflash-sim", "--device", "stm32f103rg", "--pty", "--fast",
              "--flash", flash_file, (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    FILE *f = fdopen(out[0], "r");
    assert_non_null(fgets(pty, (int)ptylen, f));
    pty[strcspn(pty, "\n")] = 0;
    fclose(f);
    (void)x;
    return pid;
}

static int stop_sim_program(pid_t pid)
{
    int status;
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void test_sim_program_keeps_flash_between_runs(void **state)
{
    struct fx *x = *state;
    char flash[128], pty[64];
    snprintf(flash, sizeof flash, "%s/board.flash", x->dir);
    const size_t len = 20000;
    uint8_t *img = random_image(len, 11);
    write_file(file_in(x, "image.bin"), img, len);

    /* Point the fixture's helper at the program's pty instead of the in-process one. */
    sim_pty *inproc = x->pty;
    pid_t pid = start_sim_program(x, flash, pty, sizeof pty);
    const char *argv_port = pty;
    int rc;
    {
        char img_path[128];
        snprintf(img_path, sizeof img_path, "%s", file_in(x, "image.bin"));
        char cmd[512];
        snprintf(cmd, sizeof cmd, "LD_PRELOAD='%s' stm32flash -b 115200 -w '%s' -v %s >'%s/w.log' 2>&1",
                 getenv("TERMIOS_SHIM"), img_path, argv_port, x->dir);
        rc = system(cmd);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(stop_sim_program(pid), 0);

    /* The file holds flash then option bytes; the image is at its start. */
    size_t flen;
    uint8_t *saved = bh_load_file(flash, &flen);
    assert_int_equal(flen, 1024 * 1024 + 16);
    assert_memory_equal(saved, img, len);
    assert_int_equal(saved[1024 * 1024], 0xA5); /* RDP: not protected */
    free(saved);

    /* A new run of the board still holds it: read it back through the ROM. */
    pid = start_sim_program(x, flash, pty, sizeof pty);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "LD_PRELOAD='%s' stm32flash -b 115200 -r '%s/back.bin' -S 0x08000000:%zu %s >'%s/r.log' 2>&1",
             getenv("TERMIOS_SHIM"), x->dir, len, pty, x->dir);
    rc = system(cmd);
    assert_int_equal(stop_sim_program(pid), 0);
    assert_int_equal(rc, 0);
    size_t blen;
    uint8_t *back = bh_load_file(file_in(x, "back.bin"), &blen);
    assert_int_equal(blen, len);
    assert_memory_equal(back, img, len);
    free(back);
    free(img);
    x->pty = inproc;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_verify_read, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_stub_f105_read_back, setup_dir, teardown),
        cmocka_unit_test_setup_teardown(test_stub_f205_read_back, setup_dir, teardown),
        cmocka_unit_test_setup_teardown(test_stub_g431_read_back, setup_dir, teardown),
        cmocka_unit_test_setup_teardown(test_rom_l053_read_back, setup_dir, teardown),
        cmocka_unit_test_setup_teardown(test_stub_g0b1_read_back, setup_dir, teardown),
        cmocka_unit_test_setup_teardown(test_stub_f429_read_back, setup_dir, teardown),
        cmocka_unit_test_setup_teardown(test_stub_f767_read_back, setup_dir, teardown),
        cmocka_unit_test_setup_teardown(test_stub_l4r5_read_back, setup_dir, teardown),
        cmocka_unit_test_setup_teardown(test_write_verify_read, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_write_verify_read, setup_hd_realtime, teardown),
        cmocka_unit_test_setup_teardown(test_write_at_offset_in_bank2, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_erase_only, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_erase_only, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_go_starts_app, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_go_starts_app, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_readout_protect_and_unprotect, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_readout_protect_and_unprotect, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_write_unprotect, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_write_unprotect, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_sim_program_keeps_flash_between_runs, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_write_verify_read, setup_f030, teardown),
        cmocka_unit_test_setup_teardown(test_write_verify_read, setup_f072, teardown),
        cmocka_unit_test_setup_teardown(test_write_verify_read, setup_f303, teardown),
        cmocka_unit_test_setup_teardown(test_erase_only, setup_f072, teardown),
        cmocka_unit_test_setup_teardown(test_readout_protect_and_unprotect, setup_f030, teardown),
        cmocka_unit_test_setup_teardown(test_readout_protect_and_unprotect, setup_f303, teardown),
        cmocka_unit_test_setup_teardown(test_write_unprotect, setup_f072, teardown),
        cmocka_unit_test_setup_teardown(test_write_verify_read, setup_f401, teardown),
        cmocka_unit_test_setup_teardown(test_write_verify_read, setup_f407, teardown),
        cmocka_unit_test_setup_teardown(test_erase_only, setup_f407, teardown),
        cmocka_unit_test_setup_teardown(test_readout_protect_and_unprotect, setup_f401, teardown),
        cmocka_unit_test_setup_teardown(test_write_verify_read, setup_f746, teardown),
        cmocka_unit_test_setup_teardown(test_write_verify_read, setup_g071, teardown),
        cmocka_unit_test_setup_teardown(test_write_verify_read, setup_g474, teardown),
        cmocka_unit_test_setup_teardown(test_write_verify_read, setup_l072, teardown),
        cmocka_unit_test_setup_teardown(test_write_verify_read, setup_l152, teardown),
        cmocka_unit_test_setup_teardown(test_write_verify_read, setup_l432, teardown),
        cmocka_unit_test_setup_teardown(test_write_verify_read, setup_l476, teardown),
        cmocka_unit_test_setup_teardown(test_write_verify_read, setup_h743, teardown),
        cmocka_unit_test_setup_teardown(test_erase_only, setup_l072, teardown),
        cmocka_unit_test_setup_teardown(test_erase_only, setup_g474, teardown),
        cmocka_unit_test_setup_teardown(test_readout_protect_and_unprotect, setup_l432, teardown),
        cmocka_unit_test_setup_teardown(test_readout_protect_and_unprotect, setup_l152, teardown),
        cmocka_unit_test_setup_teardown(test_readout_protect_and_unprotect, setup_h743, teardown),
    };
    return cmocka_run_group_tests_name("stm32flash", tests, NULL, NULL);
}
