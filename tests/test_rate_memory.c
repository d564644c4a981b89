/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_rate_memory.c - the file of rates per adapter (libflash/rate_memory.c): lines read back
 * as written, the adapter written last on top, lines of other adapters and foreign text kept or
 * dropped as they should be (a line without a product ID, as older versions wrote them, reads
 * as none), and many threads (a gang) writing one file at once lose nothing. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rate_memory.h"

static char dir[64], path[128];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/stubflash-rm-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/a/b/rates", dir); /* folders that do not exist yet */
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static void store_and_load(void **state)
{
    (void)state;
    rate_memory m = {0}, got;
    assert_int_equal(rm_load(path, "usb:0403:6001:A", &got, NULL), SF_OK); /* no file: empty */
    assert_int_equal(got.worked, 0);
    assert_int_equal(got.nfailed, 0);
    assert_int_equal(got.pid, 0);
    m.worked = 2000000;
    m.pid = 0x414;
    rm_note_failed(&m, 3000000);
    assert_int_equal(rm_store(path, "usb:0403:6001:A", &m, NULL), SF_OK);
    rate_memory other = {.worked = 921600};
    assert_int_equal(rm_store(path, "usb:10c4:ea60", &other, NULL), SF_OK);
    assert_int_equal(rm_load(path, "usb:0403:6001:A", &got, NULL), SF_OK);
    assert_int_equal(got.worked, 2000000);
    assert_int_equal(got.nfailed, 1);
    assert_true(rm_failed(&got, 3000000));
    assert_false(rm_failed(&got, 2000000));
    assert_int_equal(got.pid, 0x414);
    assert_int_equal(rm_load(path, "usb:10c4:ea60", &got, NULL), SF_OK);
    assert_int_equal(got.pid, 0); /* none stored for that one */
    assert_int_equal(got.worked, 921600);
    /* A key that is the start of another's is not that one. */
    assert_int_equal(rm_load(path, "usb:0403:6001", &got, NULL), SF_OK);
    assert_int_equal(got.worked, 0);
    /* The one that failed is no longer the one that worked. */
    rm_note_failed(&m, 2000000);
    assert_int_equal(m.worked, 0);
    assert_int_equal(m.nfailed, 2);
}

static void newest_on_top_foreign_lines_dropped(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "mkdir -p %s/a/b && printf 'usb:1:2 worked=1000000\\ngarbage\\nusb:3:4 worked=460800' > %s",
             dir, path);
    assert_int_equal(system(cmd), 0);
    rate_memory m = {.worked = 3000000};
    assert_int_equal(rm_store(path, "usb:5:6", &m, NULL), SF_OK);
    FILE *f = fopen(path, "r");
    char text[256] = "";
    assert_non_null(f);
    text[fread(text, 1, sizeof text - 1, f)] = 0;
    fclose(f);
    /* The line cut short at the end (a writer that died before rename could not leave one, but
     * an editor can) and the foreign one are not carried over. */
    assert_string_equal(text, "usb:5:6 worked=3000000\nusb:1:2 worked=1000000\n");
}

#define THREADS 8
#define ROUNDS 25

static void *writer(void *arg)
{
    int id = (int)(intptr_t)arg;
    char key[32];
    snprintf(key, sizeof key, "usb:0403:6015:T%d", id);
    for (int r = 1; r <= ROUNDS; r++) {
        rate_memory m = {.worked = (uint32_t)(id * 1000 + r)};
        if (rm_store(path, key, &m, NULL) != SF_OK)
            return (void *)1;
    }
    return NULL;
}

static void a_gang_loses_nothing(void **state)
{
    (void)state;
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, writer, (void *)(intptr_t)i), 0);
    for (int i = 0; i < THREADS; i++) {
        void *rc;
        pthread_join(t[i], &rc);
        assert_null(rc);
    }
    for (int i = 0; i < THREADS; i++) {
        char key[32];
        snprintf(key, sizeof key, "usb:0403:6015:T%d", i);
        rate_memory got;
        assert_int_equal(rm_load(path, key, &got, NULL), SF_OK);
        assert_int_equal(got.worked, (uint32_t)(i * 1000 + ROUNDS)); /* each one's last */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(store_and_load, setup, teardown),
        cmocka_unit_test_setup_teardown(newest_on_top_foreign_lines_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(a_gang_loses_nothing, setup, teardown),
    };
    return cmocka_run_group_tests_name("rate memory", tests, NULL, NULL);
}
