/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_resources.c - the library gives back what it takes: after 1000 open/close cycles of a
 * session over a pty (the serial transport), and 100 over the in-process virtual board (its
 * threads), the process has the same file descriptors and threads as after the first cycle.
 * ASan's leak checker (the build-asan run) covers memory. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stubflash/stubflash.h>

#include "board_host.h"
#include "pty_board.h"

static size_t count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* Open, identify, read a little, close; with_stub also writes through the stub once. */
static void cycle(const char *port, unsigned i, bool with_stub)
{
    sf_session *s;
    assert_int_equal(sf_session_new(&s), SF_OK);
    assert_int_equal(sf_session_set_stub(s, with_stub, SF_STUB_BAUD_AUTO), SF_OK);
    if (sf_session_open(s, port) != SF_OK)
        fail_msg("cycle %u: open %s: %s", i, port, sf_session_last_error(s));
    sf_chip chip = SF_CHIP_INIT;
    assert_int_equal(sf_session_chip(s, &chip), SF_OK);
    uint8_t buf[64];
    assert_int_equal(sf_session_read(s, 0x08000000, buf, sizeof buf), SF_OK);
    if (with_stub) {
        sf_image *img;
        uint8_t data[2048];
        memset(data, (int)(i & 0xFF), sizeof data);
        assert_int_equal(sf_image_new(&img), SF_OK);
        assert_int_equal(sf_image_add(img, 0x08000000, data, sizeof data), SF_OK);
        if (sf_session_write_image(s, img, SF_WRITE_VERIFY) != SF_OK)
            fail_msg("cycle %u: write: %s", i, sf_session_last_error(s));
        sf_image_free(img);
    }
    sf_session_close(s);
    sf_session_free(s);
}

static void run_cycles(const char *port, unsigned n, bool with_stub)
{
    cycle(port, 0, with_stub); /* first use: lazily created things may stay */
    size_t fds = count_entries("/proc/self/fd"), threads = count_entries("/proc/self/task");
    for (unsigned i = 1; i <= n; i++)
        cycle(port, i, with_stub);
    assert_int_equal(count_entries("/proc/self/fd"), fds);
    assert_int_equal(count_entries("/proc/self/task"), threads);
    fprintf(stderr, "%u cycles on %s%s: %zu descriptors and %zu threads before and after\n", n, port,
           with_stub ? " with a stub write" : "", fds, threads);
}

static void test_pty_sessions(void **state)
{
    (void)state;
    pty_board pb;
    pb_open(&pb, NULL, NULL);
    run_cycles(sim_pty_path(pb.pty), 1000, false);
    run_cycles(sim_pty_path(pb.pty), 10, true); /* the stub loaded and handed back each time */
    assert_int_equal(pb_close(&pb), 0);
}

static void test_in_process_sessions(void **state)
{
    (void)state;
    run_cycles("sim:stm32f103re", 100, false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pty_sessions),
        cmocka_unit_test(test_in_process_sessions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
