/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_faults.c - the fault-injection campaign. The stubflash command writes a firmware image to
 * a virtual STM32F103 on a pty, through the RAM stub and through the ROM bootloader alone, while
 * the line or the board misbehaves: bit errors, lost bytes, a burst of garbage, the host killed,
 * a power cut, the adapter unplugged. Each run alternates between two images that differ in every
 * page, so every run has all its pages to write. A run must end with exit 0 and the flash
 * identical to the image, or with a non-zero exit and a message; then plain re-runs (no fault, at
 * most three) must bring the board to the image. A run that exits 0 with other bytes in flash is
 * a silent corruption: there must be none.
 *
 * FAULT_RUNS (default 2) runs per fault and path; FAULT_REPORT names a file for the table
 * (markdown) that is also printed; FAULT_VERBOSE=1 prints each failure's message. Power cuts run
 * in real time (flash operations take their datasheet time, so a cut can land inside one); the
 * other faults run in fast mode. FAULT_ONLY="stub: power*" runs only the matching cells. scripts/fault-campaign runs the long version. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "board_host.h"
#include "pty_board.h"
#include "run.h"

#define FLASH_BASE 0x08000000u
#define IMAGE_SIZE (16 * 1024) /* 8 pages of 2 KiB on the F103RE */
#define MAX_RECOVERY 3

enum fault { F_BER5, F_BER4, F_DROP, F_BURST, F_KILL, F_POWER, F_UNPLUG, F_COUNT };

static const struct {
    const char *name;
    bool realtime;
} fault_info[F_COUNT] = {
    [F_BER5] = {"bit errors 1e-5", false},
    [F_BER4] = {"bit errors 1e-4", false},
    [F_DROP] = {"lost bytes 2e-4", false},
    [F_BURST] = {"garbage burst", false},
    [F_KILL] = {"host killed", false},
    [F_POWER] = {"power cut", true},
    [F_UNPLUG] = {"adapter unplugged", false},
};

typedef struct tally {
    unsigned runs, ok, clean, killed, silent, unclear, hung, recovering, reruns, unrecovered;
    unsigned after_end; /* faults not injected: the command had ended before their moment */
} tally;

typedef struct cell {
    pty_board pb;
    bool stub;
    enum fault fault;
    uint8_t *image[2];
    char image_path[2][200];
    uint32_t flash_size;
    int clean_ms;
    tally t;
} cell;

static uint8_t *app_image;
static size_t app_size;
static FILE *report;
static bool verbose;

static uint32_t rng_next(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The flash holds image `which` over its range and 0xFF (never written) everywhere else. */
static bool flash_holds(cell *c, int which)
{
    uint8_t *flash = malloc(c->flash_size);
    assert_non_null(flash);
    assert_int_equal(sim_board_peek(c->pb.board, FLASH_BASE, flash, c->flash_size), 0);
    bool same = memcmp(flash, c->image[which], IMAGE_SIZE) == 0;
    for (uint32_t i = IMAGE_SIZE; same && i < c->flash_size; i++)
        same = flash[i] == 0xFF;
    free(flash);
    return same;
}

/* Run `stubflash write` of image `which`; kill_ms > 0 kills it then. -1 if it hung. */
static int write_image(cell *c, int which, int kill_ms)
{
    const char *cli = getenv("STUBFLASH_CLI");
    assert_non_null(cli);
    const char *argv[8];
    int n = 0;
    argv[n++] = cli;
    argv[n++] = "-p";
    argv[n++] = sim_pty_path(c->pb.pty);
    if (!c->stub)
        argv[n++] = "--no-stub";
    argv[n++] = "write";
    argv[n++] = c->image_path[which];
    argv[n] = NULL;
    int limit_ms = fault_info[c->fault].realtime ? 120000 : 60000;
    return run_wait(run_start(argv, NULL, c->pb.log), limit_ms, kill_ms);
}

/* The message the command left ("" if none): its last "stubflash: " line. */
static void last_message(cell *c, char *out, size_t cap)
{
    size_t n;
    uint8_t *log = bh_load_file(c->pb.log, &n);
    log[n] = 0;
    out[0] = 0;
    for (char *p = (char *)log; (p = strstr(p, "stubflash: ")) != NULL; p++) {
        size_t len = strcspn(p, "\r\n");
        snprintf(out, cap, "%.*s", (int)len, p);
    }
    free(log);
}

typedef struct action {
    cell *c;
    int delay_ms;
    size_t burst;
    atomic_bool command_ended; /* set when the command under test has exited */
    bool skipped;              /* so the fault was not injected */
} action;

/* The fault lands while the command runs: that is what is under test. One whose moment comes
 * after the command ended would hit a board idling in its ROM bootloader, which no flasher
 * controls (docs/reliability.md: line noise can then lock the chip); it is not injected. */
static void *act(void *arg)
{
    action *a = arg;
    int64_t at = now_ms() + a->delay_ms;
    while (now_ms() < at && !atomic_load(&a->command_ended))
        usleep(1000);
    if (atomic_load(&a->command_ended)) {
        a->skipped = true;
        return NULL;
    }
    switch (a->c->fault) {
    case F_BURST: sim_board_line_burst(a->c->pb.board, a->burst); break;
    case F_POWER: sim_board_power_cut(a->c->pb.board, 100); break;
    case F_UNPLUG:
        sim_pty_close(a->c->pb.pty); /* the host's next read or write fails: the device is gone */
        a->c->pb.pty = NULL;
        break;
    default: break;
    }
    return NULL;
}

static void line_faults(cell *c, uint32_t seed, bool on)
{
    sim_faults f = {.seed = seed | 1};
    if (on && c->fault == F_BER5)
        f.corrupt_to_device = f.corrupt_to_host = 11e-5; /* 11 bits a byte (8E1) */
    if (on && c->fault == F_BER4)
        f.corrupt_to_device = f.corrupt_to_host = 11e-4;
    if (on && c->fault == F_DROP)
        f.drop_to_device = f.drop_to_host = 2e-4;
    sim_board_set_line_faults(c->pb.board, &f);
}

static void one_run(cell *c, unsigned r, uint32_t *rng)
{
    int which = (int)((r + 1) & 1);
    uint32_t seed = rng_next(rng);
    action a = {.c = c, .delay_ms = (int)(rng_next(rng) % (uint32_t)(c->clean_ms + 1)), .burst = 16 + rng_next(rng) % 497};
    line_faults(c, seed, true);
    pthread_t th;
    bool acting = c->fault == F_BURST || c->fault == F_POWER || c->fault == F_UNPLUG;
    if (acting)
        pthread_create(&th, NULL, act, &a);
    int rc = write_image(c, which, c->fault == F_KILL ? (a.delay_ms > 0 ? a.delay_ms : 1) : 0);
    atomic_store(&a.command_ended, true);
    if (acting)
        pthread_join(th, NULL);
    if (a.skipped)
        c->t.after_end++;
    line_faults(c, seed, false);
    if (!c->pb.pty)
        assert_non_null(c->pb.pty = sim_pty_open(c->pb.board, NULL)); /* plugged in again */
    usleep(150 * 1000); /* a cut board is off for 100 ms */

    char msg[300];
    last_message(c, msg, sizeof msg);
    c->t.runs++;
    if (rc == 0 && flash_holds(c, which)) {
        c->t.ok++;
        return;
    }
    if (rc == 0)
        c->t.silent++;
    else if (rc < 0)
        c->t.hung++;
    else if (c->fault == F_KILL && rc == 128 + 9)
        c->t.killed++;
    else if (rc < 128 && msg[0])
        c->t.clean++;
    else
        c->t.unclear++;
    if (verbose || rc == 0 || rc < 0 || (rc >= 128 && c->fault != F_KILL) || !msg[0])
        fprintf(stderr, "  [%s, %s, run %u, delay %d ms, seed 0x%08X] exit %d: %s\n", c->stub ? "stub" : "rom",
                fault_info[c->fault].name, r, a.delay_ms, seed, rc, msg[0] ? msg : "(no message)");
    if (sim_board_readout_protected(c->pb.board)) /* no re-run can undo that: say where it came from */
        fprintf(stderr, "  run %u left the chip readout-protected (the fault reached its ROM bootloader as a "
                "Readout Protect command)\n", r);
    c->t.recovering++;
    for (int k = 0; k < MAX_RECOVERY; k++) {
        c->t.reruns++;
        rc = write_image(c, which, 0);
        if (rc == 0 && flash_holds(c, which))
            return;
        if (rc == 0)
            c->t.silent++;
        last_message(c, msg, sizeof msg);
        fprintf(stderr, "  recovery run %d: exit %d: %s\n", k + 1, rc, msg);
    }
    c->t.unrecovered++;
}

static void campaign(bool stub, enum fault f, unsigned runs)
{
    cell *c = calloc(1, sizeof *c);
    assert_non_null(c);
    c->stub = stub;
    c->fault = f;
    sim_options opt = {.realtime = fault_info[f].realtime, .boot0 = true};
    pb_open(&c->pb, NULL, &opt);
    c->flash_size = sim_part_flash_size(sim_board_part(c->pb.board));
    c->image[0] = malloc(IMAGE_SIZE);
    assert_non_null(c->image[0]);
    memcpy(c->image[0], app_image, IMAGE_SIZE); /* the firmware's first 16 KiB: code and tables */
    c->image[1] = bh_firmware(IMAGE_SIZE, 0x5EED0000u + (uint32_t)f, 0x08000000);
    for (int i = 0; i < 2; i++) {
        snprintf(c->image_path[i], sizeof c->image_path[i], "%s", pb_file(&c->pb, i ? "b.bin" : "a.bin"));
        FILE *fp = fopen(c->image_path[i], "wb");
        assert_non_null(fp);
        assert_int_equal(fwrite(c->image[i], 1, IMAGE_SIZE, fp), IMAGE_SIZE);
        fclose(fp);
    }
    /* A clean write first: the board's starting state, and how long a run takes. */
    int64_t t0 = now_ms();
    assert_int_equal(write_image(c, 0, 0), 0);
    c->clean_ms = (int)(now_ms() - t0);
    assert_true(flash_holds(c, 0));

    uint32_t rng = 0x9E3779B9u ^ ((uint32_t)f << 8) ^ (stub ? 1u : 2u);
    for (unsigned r = 0; r < runs; r++)
        one_run(c, r, &rng);

    tally *t = &c->t;
    char line[400];
    snprintf(line, sizeof line, "| %s | %s | %u | %u | %u | %u | %u | %u | %u | %u | %u | %u | %d ms | %u |\n",
             stub ? "stub" : "ROM (--no-stub)", fault_info[f].name, t->runs, t->ok, t->clean, t->killed, t->silent,
             t->unclear, t->hung, t->recovering, t->reruns, t->unrecovered, c->clean_ms, t->after_end);
    fputs(line, stdout);
    if (report) {
        fputs(line, report);
        fflush(report);
    }
    assert_int_equal(pb_close(&c->pb), 0);
    free(c->image[0]);
    free(c->image[1]);
    tally copy = c->t;
    free(c);
    assert_int_equal(copy.silent, 0);
    assert_int_equal(copy.unclear, 0);
    assert_int_equal(copy.hung, 0);
    assert_int_equal(copy.unrecovered, 0);
    assert_int_equal(copy.ok + copy.clean + copy.killed, copy.runs);
}

static unsigned runs_per_cell(void)
{
    const char *e = getenv("FAULT_RUNS");
    return e && atoi(e) > 0 ? (unsigned)atoi(e) : 2;
}

static void test_stub_path(void **state)
{
    enum fault f = (enum fault)(intptr_t)*state;
    campaign(true, f, runs_per_cell());
}

static void test_rom_path(void **state)
{
    enum fault f = (enum fault)(intptr_t)*state;
    campaign(false, f, runs_per_cell());
}

int main(void)
{
    const char *app = getenv("BENCH_APP_BIN");
    if (!app) {
        fprintf(stderr, "BENCH_APP_BIN is not set (run through meson test)\n");
        return 1;
    }
    app_image = bh_load_file(app, &app_size);
    if (app_size < IMAGE_SIZE) {
        fprintf(stderr, "%s: %zu bytes, need %d\n", app, app_size, IMAGE_SIZE);
        return 1;
    }
    verbose = getenv("FAULT_VERBOSE") && atoi(getenv("FAULT_VERBOSE"));
    const char *rp = getenv("FAULT_REPORT");
    report = rp ? fopen(rp, "w") : NULL;
    const char *head = "| path | fault | runs | verified | clean failures | host killed | silent corruptions | "
                       "unclear exits | hangs | runs needing recovery | recovery re-runs | unrecovered | clean run | "
                       "fault after the end |\n"
                       "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    fputs(head, stdout);
    if (report)
        fputs(head, report);
    struct CMUnitTest tests[2 * F_COUNT];
    static char names[2 * F_COUNT][64];
    for (int f = 0; f < F_COUNT; f++)
        for (int p = 0; p < 2; p++) {
            struct CMUnitTest *t = &tests[f * 2 + p];
            snprintf(names[f * 2 + p], sizeof names[0], "%s: %s", p ? "rom" : "stub", fault_info[f].name);
            *t = (struct CMUnitTest){names[f * 2 + p], p ? test_rom_path : test_stub_path, NULL, NULL,
                                     (void *)(intptr_t)f};
        }
    if (getenv("FAULT_ONLY")) /* a cmocka pattern, e.g. "stub: power*" */
        cmocka_set_test_filter(getenv("FAULT_ONLY"));
    int failed = _cmocka_run_group_tests("faults", tests, 2 * F_COUNT, NULL, NULL);
    if (report)
        fclose(report);
    free(app_image);
    return failed;
}
