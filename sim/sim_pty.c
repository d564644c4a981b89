/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_pty.c - the board's serial line on a pseudo-terminal (see stm32sim.h). */
#define _GNU_SOURCE
#include "stm32sim.h"
#include "sim_clock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

struct sim_pty {
    sim_board *board;
    int master, slave;
    char path[64];
    pthread_t reader, writer;
    atomic_bool stop;
};

static uint32_t speed_to_baud(speed_t s)
{
    static const struct { speed_t s; uint32_t baud; } table[] = {
        {B1200, 1200}, {B2400, 2400}, {B4800, 4800}, {B9600, 9600}, {B19200, 19200},
        {B38400, 38400}, {B57600, 57600}, {B115200, 115200}, {B230400, 230400},
        {B460800, 460800}, {B500000, 500000}, {B576000, 576000}, {B921600, 921600},
        {B1000000, 1000000}, {B1152000, 1152000}, {B1500000, 1500000}, {B2000000, 2000000},
        {B2500000, 2500000}, {B3000000, 3000000}, {B3500000, 3500000}, {B4000000, 4000000},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].s == s)
            return table[i].baud;
    return 0;
}

/* The rate the host set, false if it cannot be read. On Linux a master's termios calls act on
 * the slave. */
static bool termios_rate(struct sim_pty *p, uint32_t *baud)
{
    struct termios t;
    if (tcgetattr(p->master, &t) != 0)
        return false;
    *baud = speed_to_baud(cfgetospeed(&t));
    return true;
}

static uint32_t host_rate(void *arg)
{
    uint32_t baud = 0;
    termios_rate(arg, &baud);
    return baud;
}

static void follow_host_format(struct sim_pty *p)
{
    uint32_t baud;
    if (termios_rate(p, &baud))
        sim_host_set_format(p->board, baud, true);
}

static void *reader_thread(void *arg)
{
    struct sim_pty *p = arg;
    uint8_t buf[4096];
    sim_sleep_precisely(); /* as the board's thread: no 50 us late on a wait */
    while (!atomic_load(&p->stop)) {
        struct pollfd pfd = {.fd = p->master, .events = POLLIN};
        if (poll(&pfd, 1, 20) <= 0)
            continue;
        ssize_t n = read(p->master, buf, sizeof buf);
        if (n > 0) {
            follow_host_format(p);
            sim_host_write(p->board, buf, (size_t)n);
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
            usleep(10000);
        }
    }
    return NULL;
}

/* What the writer takes from the line at a time. Bytes are judged at the host's rate when they
 * are taken (host_rate), so a piece taken just before the host changes its rate reaches it
 * garbled after it has flushed its input: like the last USB packet an adapter hands over late
 * (62 bytes on an FTDI), within what the host lets pass (stub_first_stage.c, GARBLED). In 4 KiB
 * pieces a first stage greeting in fast mode, taken while the host was still at the ROM's rate,
 * came as 4 KiB of garbage after the switch, and the host gave up on it (test_gang under ASan). */
#define WRITER_PIECE 64

static void *writer_thread(void *arg)
{
    struct sim_pty *p = arg;
    uint8_t buf[WRITER_PIECE];
    sim_sleep_precisely(); /* it waits for each byte's time: answers must not come 50 us late */
    while (!atomic_load(&p->stop)) {
        size_t n = sim_host_read(p->board, buf, sizeof buf, 20); /* judged by host_rate() */
        size_t off = 0;
        while (off < n && !atomic_load(&p->stop)) {
            ssize_t w = write(p->master, buf + off, n - off);
            if (w > 0) {
                off += (size_t)w;
            } else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
                struct pollfd pfd = {.fd = p->master, .events = POLLOUT};
                poll(&pfd, 1, 20);
            } else {
                break;
            }
        }
    }
    return NULL;
}

sim_pty *sim_pty_open(sim_board *b, char **err)
{
    struct sim_pty *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->board = b;
    p->slave = -1;
    p->master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC); /* a program the embedder starts must not hold it */
    const char *name = NULL;
    if (p->master < 0 || grantpt(p->master) != 0 || unlockpt(p->master) != 0 ||
        !(name = ptsname(p->master)) || (p->slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
        if (err && (*err = malloc(128)))
            snprintf(*err, 128, "cannot create a pseudo-terminal: %s", strerror(errno));
        if (p->master >= 0)
            close(p->master);
        free(p);
        return NULL;
    }
    snprintf(p->path, sizeof p->path, "%s", name);
    struct termios t;
    tcgetattr(p->slave, &t);
    cfmakeraw(&t);
    cfsetispeed(&t, B115200);
    cfsetospeed(&t, B115200);
    tcsetattr(p->slave, TCSANOW, &t);
    /* What the board sends is judged at the rate the host has as it arrives, not at the one
     * the writer saw last: the host switches right after Go, while the first stage greets. */
    sim_host_rate_source(b, host_rate, p);
    pthread_create(&p->reader, NULL, reader_thread, p);
    pthread_create(&p->writer, NULL, writer_thread, p);
    return p;
}

const char *sim_pty_path(const sim_pty *p) { return p->path; }

void sim_pty_close(sim_pty *p)
{
    if (!p)
        return;
    atomic_store(&p->stop, true);
    pthread_join(p->reader, NULL);
    pthread_join(p->writer, NULL);
    sim_host_rate_source(p->board, NULL, NULL);
    close(p->slave);
    close(p->master);
    free(p);
}
