/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_gang.c - many boards at once: `stubflash write` with several -p, or a pattern, writes
 * every virtual board in one process; a port that does not answer fails alone and the command
 * says which; --json lists every board. */
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

#define BOARDS 4

typedef struct gang {
    pty_board pb[BOARDS];
    char file[200], link[BOARDS][200], pattern[200];
} gang;

static int setup(void **state)
{
    gang *g = calloc(1, sizeof *g);
    for (int i = 0; i < BOARDS; i++) {
        sim_options opt = {.boot0 = true, .serial = (uint32_t)i + 1}; /* unique IDs differ */
        pb_open(&g->pb[i], "stm32f103re", &opt);
        /* Stable names for the pattern, as udev's by-id links would give. */
        snprintf(g->link[i], sizeof g->link[i], "%s/ttyBOARD%d", g->pb[0].dir, i);
        assert_int_equal(symlink(sim_pty_path(g->pb[i].pty), g->link[i]), 0);
    }
    snprintf(g->pattern, sizeof g->pattern, "%s/ttyBOARD*", g->pb[0].dir);
    setenv("XDG_DATA_HOME", g->pb[0].dir, 1); /* backups go to the scratch folder */
    snprintf(g->file, sizeof g->file, "%s/app.bin", g->pb[0].dir);
    *state = g;
    return 0;
}

static int teardown(void **state)
{
    gang *g = *state;
    int rc = 0;
    for (int i = 0; i < BOARDS; i++)
        rc |= pb_close(&g->pb[i]);
    free(g);
    return rc;
}

static uint8_t *save_image(gang *g, size_t n, uint32_t seed)
{
    uint8_t *img = bh_firmware(n, seed, 0x08000000);
    bh_save_file(g->file, img, n);
    return img;
}

static bool holds(pty_board *pb, const uint8_t *img, size_t n)
{
    uint8_t *got = malloc(n);
    bool same = sim_board_peek(pb->board, 0x08000000, got, n) == 0 && memcmp(got, img, n) == 0;
    free(got);
    return same;
}

/* Every board holds img; if one does not, the log says what the command saw. */
static void expect_flash_all(gang *g, const uint8_t *img, size_t n, const char *log)
{
    for (int i = 0; i < BOARDS; i++) {
        if (!holds(&g->pb[i], img, n)) {
            fprintf(stderr, "%s does not hold the image; the command said:\n%s\n", g->link[i], log);
            fail();
        }
    }
}

static char *load_log(const char *path)
{
    size_t n;
    uint8_t *l = bh_load_file(path, &n);
    l[n] = 0;
    return (char *)l;
}

/* Whether some line of text holds both a and b. */
static bool has_line(const char *text, const char *a, const char *b)
{
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        const char *end = strchr(l, '\n');
        size_t n = end ? (size_t)(end - l) : strlen(l);
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), l);
        if (strstr(line, a) && strstr(line, b))
            return true;
    }
    return false;
}

static void test_every_board_and_one_that_fails(void **state)
{
    gang *g = *state;
    uint8_t *img = save_image(g, 24 * 1024, 31);
    const char *argv[] = {getenv("STUBFLASH_CLI"), "-p", g->link[0], "-p", g->link[1], "-p", g->link[2],
                          "-p", g->link[3], "-p", "/dev/stubflash-no-such-port", "write", g->file, NULL};
    int rc = run_program(argv, NULL, g->pb[0].log, 120);
    char *log = load_log(g->pb[0].log);
    if (rc != 4)
        fprintf(stderr, "%s\n", log);
    assert_int_equal(rc, 4); /* the missing port's code; the others were written */
    expect_flash_all(g, img, 24 * 1024, log);
    /* The table: a line per port, with its result. */
    for (int i = 0; i < BOARDS; i++)
        assert_true(has_line(log, g->link[i], " ok "));
    assert_true(has_line(log, "/dev/stubflash-no-such-port", "FAILED"));
    /* Each board's backup in its own chip's folder. */
    char cmd[300];
    snprintf(cmd, sizeof cmd, "test $(ls '%s/stubflash/backups' | wc -l) -eq %d", g->pb[0].dir, BOARDS);
    assert_int_equal(system(cmd), 0);
    assert_non_null(strstr(log, "4 of 5 board(s) written"));
    free(log);
    free(img);
}

static void test_pattern_and_json(void **state)
{
    gang *g = *state;
    uint8_t *img = save_image(g, 10 * 1024, 32);
    const char *argv[] = {getenv("STUBFLASH_CLI"), "--json", "-p", g->pattern, "write", g->file, NULL};
    int rc = run_program(argv, NULL, g->pb[0].log, 120);
    char *log = load_log(g->pb[0].log);
    if (rc != 0)
        fprintf(stderr, "%s\n", log);
    assert_int_equal(rc, 0);
    expect_flash_all(g, img, 10 * 1024, log);
    for (int i = 0; i < BOARDS; i++)
        assert_non_null(strstr(log, g->link[i]));
    assert_non_null(strstr(log, "\"boards_ok\": 4"));
    assert_non_null(strstr(log, "\"boards_failed\": 0"));
    free(log);
    free(img);
}

static void test_pattern_that_matches_nothing(void **state)
{
    gang *g = *state;
    free(save_image(g, 1024, 33));
    char pattern[220];
    snprintf(pattern, sizeof pattern, "%s/ttyNONE*", g->pb[0].dir);
    const char *argv[] = {getenv("STUBFLASH_CLI"), "-p", pattern, "-p", g->link[0], "write", g->file, NULL};
    assert_int_equal(run_program(argv, NULL, g->pb[0].log, 60), 2);
    assert_true(pb_log_has(&g->pb[0], "no port matches"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_every_board_and_one_that_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pattern_and_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pattern_that_matches_nothing, setup, teardown),
    };
    return cmocka_run_group_tests_name("gang", tests, NULL, NULL);
}
