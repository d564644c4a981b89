/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_remote.c - boards behind a TCP serial bridge: ser2net (the Debian package) on loopback
 * serves the virtual board's pty as a raw TCP stream and as an RFC 2217 (Telnet Com Port
 * Control) port; the stubflash command writes through each, stub path and ROM path, and the
 * board's flash must hold the image. Over raw TCP the rate is the bridge's, so the stub stays
 * at 115200; over RFC 2217 the host moves the bridge (and the stub) to a faster rate. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "board_host.h"
#include "pty_board.h"
#include "run.h"

typedef struct bridge {
    pty_board pb;
    pid_t ser2net;
    int raw_port, telnet_port;
    char raw[64], telnet[64];
} bridge;

/* A TCP port nobody listens on now (the kernel's pick for an ephemeral bind). */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

static bool accepts(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bool ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

static int setup(void **state)
{
    bridge *b = calloc(1, sizeof *b);
    pb_open(&b->pb, "stm32f103re", NULL);
    b->raw_port = free_port();
    do
        b->telnet_port = free_port();
    while (b->telnet_port == b->raw_port);
    /* One board, two accepters; a client gets the pty while it is connected. */
    char cfg[200];
    snprintf(cfg, sizeof cfg, "%s/ser2net.yaml", b->pb.dir);
    FILE *f = fopen(cfg, "w");
    assert_non_null(f);
    const char *pty = sim_pty_path(b->pb.pty);
    fprintf(f,
            "connection: &raw\n  accepter: tcp,127.0.0.1,%d\n  connector: serialdev,%s,115200e81,local\n"
            "connection: &telnet\n  accepter: telnet(rfc2217),tcp,127.0.0.1,%d\n"
            "  connector: serialdev,%s,115200e81,local\n",
            b->raw_port, pty, b->telnet_port, pty);
    fclose(f);
    char log[200];
    snprintf(log, sizeof log, "%s/ser2net.log", b->pb.dir);
    char pid[200]; /* ser2net removes its pid file when it ends: never name a shared file */
    snprintf(pid, sizeof pid, "%s/ser2net.pid", b->pb.dir);
    const char *argv[] = {"ser2net", "-n", "-u", "-c", cfg, "-P", pid, NULL};
    if (access("/usr/sbin/ser2net", X_OK) == 0)
        argv[0] = "/usr/sbin/ser2net";
    b->ser2net = run_start(argv, NULL, log);
    for (int i = 0; i < 100 && !(accepts(b->raw_port) && accepts(b->telnet_port)); i++)
        usleep(50 * 1000);
    if (!accepts(b->raw_port) || !accepts(b->telnet_port)) {
        show_log_tail(log);
        fail_msg("ser2net (apt-get install ser2net) did not listen on ports %d and %d", b->raw_port, b->telnet_port);
    }
    usleep(200 * 1000); /* ser2net closes the pty after the probes above */
    snprintf(b->raw, sizeof b->raw, "tcp://127.0.0.1:%d", b->raw_port);
    snprintf(b->telnet, sizeof b->telnet, "rfc2217://127.0.0.1:%d", b->telnet_port);
    *state = b;
    return 0;
}

static int teardown(void **state)
{
    bridge *b = *state;
    kill(b->ser2net, SIGTERM);
    run_wait(b->ser2net, 5000, 0);
    int rc = pb_close(&b->pb);
    free(b);
    return rc;
}

/* "stubflash -v -p PORT ARGS..." */
static int stubflash(bridge *b, const char *port, ...)
{
    va_list ap;
    va_start(ap, port);
    int rc = run_stubflash_va(port, b->pb.log, ap);
    va_end(ap);
    usleep(200 * 1000); /* let ser2net release the pty before the next client */
    return rc;
}

static uint8_t *image(bridge *b, const char *name, size_t n, uint32_t seed)
{
    uint8_t *img = bh_firmware(n, seed, 0x08000000);
    bh_save_file(pb_file(&b->pb, name), img, n);
    return img;
}

static void expect_flash(bridge *b, const uint8_t *img, size_t n)
{
    uint8_t *got = malloc(n);
    assert_int_equal(sim_board_peek(b->pb.board, 0x08000000, got, n), 0);
    assert_memory_equal(got, img, n);
    free(got);
}

static void test_raw_tcp(void **state)
{
    bridge *b = *state;
    uint8_t *img = image(b, "a.bin", 20000, 11);
    assert_int_equal(stubflash(b, b->raw, "write", pb_file(&b->pb, "a.bin"), NULL), 0);
    assert_true(pb_log_has(&b->pb, "the port's rate is set at the bridge: staying at 115200"));
    expect_flash(b, img, 20000);
    free(img);
    /* The ROM path alone, another image (every page changes). */
    img = image(b, "b.bin", 20000, 12);
    assert_int_equal(stubflash(b, b->raw, "--no-stub", "write", pb_file(&b->pb, "b.bin"), NULL), 0);
    expect_flash(b, img, 20000);
    free(img);
    /* The ROM is left in a state the next client can use. */
    assert_int_equal(stubflash(b, b->raw, "info", NULL), 0);
    assert_true(pb_log_has(&b->pb, "PID 0x414"));
}

static void test_rfc2217(void **state)
{
    bridge *b = *state;
    uint8_t *img = image(b, "a.bin", 40000, 21);
    assert_int_equal(stubflash(b, b->telnet, "write", pb_file(&b->pb, "a.bin"), NULL), 0);
    assert_true(pb_log_has(&b->pb, "stub: now at 921600 baud")); /* set through the bridge */
    expect_flash(b, img, 40000);
    free(img);
    /* Bytes equal to Telnet's IAC (0xFF) must be doubled on the way: an image full of them. */
    uint8_t ff[4096];
    memset(ff, 0xFF, sizeof ff);
    for (size_t i = 0; i < sizeof ff; i += 7)
        ff[i] = (uint8_t)i;
    bh_save_file(pb_file(&b->pb, "ff.bin"), ff, sizeof ff);
    assert_int_equal(stubflash(b, b->telnet, "--no-stub", "write", pb_file(&b->pb, "ff.bin"), "--data", NULL), 0);
    uint8_t got[sizeof ff];
    assert_int_equal(sim_board_peek(b->pb.board, 0x08000000, got, sizeof got), 0);
    assert_memory_equal(got, ff, sizeof ff);
    assert_int_equal(stubflash(b, b->telnet, "read", pb_file(&b->pb, "back.bin"), "--size", "4096", NULL), 0);
    size_t n;
    uint8_t *back = bh_load_file(pb_file(&b->pb, "back.bin"), &n);
    assert_int_equal(n, sizeof ff);
    assert_memory_equal(back, ff, sizeof ff);
    free(back);
}

static void test_bridge_not_there(void **state)
{
    (void)state;
    char log[] = "/tmp/stubflash-remote-XXXXXX";
    int fd = mkstemp(log);
    close(fd);
    char port[64];
    snprintf(port, sizeof port, "tcp://127.0.0.1:%d", free_port());
    const char *argv[] = {getenv("STUBFLASH_CLI"), "-p", port, "info", NULL};
    assert_int_equal(run_program(argv, NULL, log, 30), 4);
    size_t n;
    uint8_t *text = bh_load_file(log, &n);
    text[n] = 0;
    assert_non_null(strstr((char *)text, "cannot connect"));
    free(text);
    unlink(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_raw_tcp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rfc2217, setup, teardown),
        cmocka_unit_test(test_bridge_not_there),
    };
    return cmocka_run_group_tests_name("remote", tests, NULL, NULL);
}
