/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* port_tty.c - POSIX termios transport for terminals libserialport cannot open.
 *
 * libserialport (0.1.1, Debian 12) looks every port up in sysfs, so it refuses pseudo-terminals
 * such as the virtual board's (/dev/pts/N) or socat's. For those, and only when libserialport
 * has said no, this plain termios implementation takes over. */
#define _DEFAULT_SOURCE
#include "port_lock.h"
#include "sf_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

typedef struct tty {
    int fd;
    char *name;
    sf_port_lock lock;
} tty;

static speed_t baud_to_speed(uint32_t baud)
{
    static const struct { uint32_t baud; speed_t s; } table[] = {
        {1200, B1200}, {2400, B2400}, {4800, B4800}, {9600, B9600}, {19200, B19200}, {38400, B38400},
        {57600, B57600}, {115200, B115200}, {230400, B230400}, {460800, B460800}, {500000, B500000},
        {576000, B576000}, {921600, B921600}, {1000000, B1000000}, {1152000, B1152000},
        {1500000, B1500000}, {2000000, B2000000}, {2500000, B2500000}, {3000000, B3000000},
        {3500000, B3500000}, {4000000, B4000000},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].baud == baud)
            return table[i].s;
    return 0;
}

static sf_error tty_set_format(void *impl, uint32_t baud, bool parity_even, sf_errbuf *eb)
{
    tty *t = impl;
    speed_t sp = baud_to_speed(baud);
    if (!sp)
        return sf_fail(eb, SF_ERR_PORT, "%s: %u baud is not a standard rate this port type can set", t->name, baud);
    struct termios tio;
    if (tcgetattr(t->fd, &tio) != 0)
        return sf_fail(eb, SF_ERR_PORT, "%s: %s", t->name, strerror(errno));
    cfmakeraw(&tio);
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cflag &= ~(CSTOPB | CRTSCTS | PARODD);
    if (parity_even)
        tio.c_cflag |= PARENB;
    else
        tio.c_cflag &= ~PARENB;
    tio.c_iflag &= ~(IXON | IXOFF | IXANY | INPCK);
    tio.c_cc[VMIN] = 0;
    tio.c_cc[VTIME] = 0;
    cfsetispeed(&tio, sp);
    cfsetospeed(&tio, sp);
    int rc = tcsetattr(t->fd, TCSANOW, &tio);
    if (rc != 0 && errno == EINVAL && parity_even) {
        /* Pseudo-terminals carry no parity bit and some kernels refuse PARENB on them; the
         * peer (the virtual board) frames bytes as 8E1 regardless. */
        tio.c_cflag &= ~PARENB;
        rc = tcsetattr(t->fd, TCSANOW, &tio);
    }
    if (rc != 0)
        return sf_fail(eb, SF_ERR_PORT, "%s: cannot set %u baud: %s", t->name, baud, strerror(errno));
    return SF_OK;
}

static sf_error tty_write(void *impl, const uint8_t *data, size_t len, sf_errbuf *eb)
{
    tty *t = impl;
    size_t off = 0;
    uint64_t deadline = sf_now_ms() + 1000 + len * 10;
    while (off < len) {
        ssize_t n = write(t->fd, data + off, len - off);
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            return sf_fail(eb, SF_ERR_IO, "%s: write failed: %s", t->name, strerror(errno));
        if (sf_now_ms() > deadline)
            return sf_fail(eb, SF_ERR_IO, "%s: write timed out (%zu of %zu bytes)", t->name, off, len);
        struct pollfd p = {.fd = t->fd, .events = POLLOUT};
        if (poll(&p, 1, 50) > 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL)))
            return sf_fail(eb, SF_ERR_IO, "%s: the port went away (unplugged?) after %zu of %zu bytes", t->name, off, len);
    }
    return SF_OK;
}

static sf_error tty_read(void *impl, uint8_t *data, size_t len, size_t *got, unsigned timeout_ms, sf_errbuf *eb)
{
    tty *t = impl;
    *got = 0;
    struct pollfd p = {.fd = t->fd, .events = POLLIN};
    int r = poll(&p, 1, (int)timeout_ms);
    if (r < 0 && errno != EINTR)
        return sf_fail(eb, SF_ERR_IO, "%s: %s", t->name, strerror(errno));
    if (r <= 0)
        return SF_OK;
    if ((p.revents & (POLLERR | POLLNVAL)) || ((p.revents & POLLHUP) && !(p.revents & POLLIN)))
        return sf_fail(eb, SF_ERR_IO, "%s: the port went away (unplugged?)", t->name);
    ssize_t n = read(t->fd, data, len);
    if (n < 0 && errno != EAGAIN && errno != EINTR)
        return sf_fail(eb, SF_ERR_IO, "%s: read failed: %s", t->name, strerror(errno));
    if (n == 0) /* readable but nothing to read: end of file, the other side hung up */
        return sf_fail(eb, SF_ERR_IO, "%s: the port went away (unplugged?)", t->name);
    *got = n > 0 ? (size_t)n : 0;
    return SF_OK;
}

static sf_error tty_flush_input(void *impl, sf_errbuf *eb)
{
    tty *t = impl;
    if (tcflush(t->fd, TCIFLUSH) != 0)
        return sf_fail(eb, SF_ERR_IO, "%s: %s", t->name, strerror(errno));
    return SF_OK;
}

static sf_error tty_set_lines(void *impl, int dtr, int rts, int brk, sf_errbuf *eb)
{
    tty *t = impl;
    if (brk >= 0 && ioctl(t->fd, brk ? TIOCSBRK : TIOCCBRK) != 0)
        return sf_fail(eb, SF_ERR_IO, "%s: cannot set BREAK: %s", t->name, strerror(errno));
    if (dtr < 0 && rts < 0)
        return SF_OK;
    int bits;
    if (ioctl(t->fd, TIOCMGET, &bits) != 0)
        return SF_OK; /* pseudo-terminals have no modem lines */
    if (dtr >= 0)
        bits = dtr ? bits | TIOCM_DTR : bits & ~TIOCM_DTR;
    if (rts >= 0)
        bits = rts ? bits | TIOCM_RTS : bits & ~TIOCM_RTS;
    if (ioctl(t->fd, TIOCMSET, &bits) != 0)
        return sf_fail(eb, SF_ERR_IO, "%s: cannot set DTR/RTS: %s", t->name, strerror(errno));
    return SF_OK;
}

static void tty_close(void *impl)
{
    tty *t = impl;
    sf_port_lock_release(&t->lock, t->fd);
    close(t->fd);
    free(t->name);
    free(t);
}

static const sf_port_ops tty_ops = {
    tty_set_format, tty_write, tty_read, tty_flush_input, tty_set_lines, tty_close, false, NULL, /* no USB identity */
};

sf_error sf_tty_open(const char *name, const sf_port_ops **ops, void **impl, sf_errbuf *eb)
{
    int fd = open(name, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && errno == EBUSY)
        return sf_port_lock_busy(name, eb);
    if (fd < 0)
        return sf_fail(eb, SF_ERR_PORT, "%s: %s", name, strerror(errno));
    if (!isatty(fd)) {
        close(fd);
        return sf_fail(eb, SF_ERR_PORT, "%s: not a serial port or terminal", name);
    }
    tty *t = calloc(1, sizeof *t);
    if (!t || !(t->name = strdup(name))) {
        free(t);
        close(fd);
        return sf_fail(eb, SF_ERR_NOMEM, "out of memory");
    }
    t->fd = fd;
    sf_error e = sf_port_lock_take(name, fd, &t->lock, eb);
    if (e) {
        close(fd);
        free(t->name);
        free(t);
        return e;
    }
    *ops = &tty_ops;
    *impl = t;
    return SF_OK;
}
