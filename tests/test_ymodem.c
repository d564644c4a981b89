/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_ymodem.c - `stubflash write --protocol ymodem` against an independent YMODEM receiver,
 * lrzsz's rb (the Debian package), on the other side of a pseudo-terminal: the file rb saves
 * must be the image, flattened to one binary (a HEX file's gaps filled with 0xFF). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "board_host.h"
#include "run.h"

/* Start rb in dir with its stdin and stdout on a pty's master; the slave's path for the host
 * (the child closes its copy of the slave; the caller holds one). */
static pid_t start_rb(const char *dir, char *slave_path, size_t cap, int *master_out, int *slave_out)
{
    int master, slave;
    struct termios raw;
    cfmakeraw(&raw);
    assert_int_equal(openpty(&master, &slave, slave_path, &raw, NULL), 0);
    assert_true(strlen(slave_path) < cap);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (chdir(dir) != 0)
            _exit(127);
        dup2(master, 0);
        dup2(master, 1);
        int errlog = open("rb.log", O_WRONLY | O_CREAT | O_TRUNC, 0644); /* rb's own account */
        dup2(errlog, 2);
        close(slave);
        execlp("rb", "rb", "-b", "-y", (char *)NULL);
        _exit(127);
    }
    *master_out = master;
    *slave_out = slave; /* held open: a pty whose slave nobody holds hangs up its master */
    return pid;
}

static void send_and_compare(const char *image_env, const char *bin_env)
{
    char dir[] = "/tmp/stubflash-ymodem-XXXXXX", slave[64], log[128], got_path[256];
    assert_non_null(mkdtemp(dir));
    snprintf(log, sizeof log, "%s/out.log", dir);
    int master, slave_fd;
    pid_t rb = start_rb(dir, slave, sizeof slave, &master, &slave_fd);
    const char *image = getenv(image_env);
    const char *argv[] = {getenv("STUBFLASH_CLI"), "-p", slave, "--protocol", "ymodem", "write", image, NULL};
    int rc = run_program(argv, NULL, log, 120);
    if (rc != 0)
        show_log_tail(log);
    assert_int_equal(rc, 0);
    int status = 0;
    for (int i = 0; i < 100 && waitpid(rb, &status, WNOHANG) == 0; i++)
        usleep(100 * 1000);
    kill(rb, SIGKILL);
    waitpid(rb, &status, 0);
    close(master);
    close(slave_fd);
    /* rb keeps the name the sender gave. */
    snprintf(got_path, sizeof got_path, "%s/%s", dir, strrchr(image, '/') + 1);
    size_t n, m;
    uint8_t *got = bh_load_file(got_path, &n), *want = bh_load_file(getenv(bin_env), &m);
    assert_int_equal(n, m);
    assert_memory_equal(got, want, n);
    free(got);
    free(want);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_binary(void **state)
{
    (void)state;
    send_and_compare("BENCH_APP_BIN", "BENCH_APP_BIN"); /* 50 blocks, the last one short */
}

static void test_hex_is_sent_as_its_binary(void **state)
{
    (void)state;
    send_and_compare("HELLO_FLASH_HEX", "HELLO_FLASH_BIN");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_binary),
        cmocka_unit_test(test_hex_is_sent_as_its_binary),
    };
    return cmocka_run_group_tests_name("ymodem", tests, NULL, NULL);
}
