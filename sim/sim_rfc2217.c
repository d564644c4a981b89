/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_rfc2217.c - the board's serial line as an RFC 2217 server (Telnet Com Port Control) on
 * loopback TCP: unlike a pty it carries the host's DTR, RTS and BREAK, which reach NRST and
 * BOOT0 through the board's wiring (see stm32sim.h). One client at a time. */
#define _GNU_SOURCE
#include "stm32sim.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* RFC 854 and RFC 2217 codes. */
#define T_SE 240
#define T_SB 250
#define T_WILL 251
#define T_WONT 252
#define T_DO 253
#define T_DONT 254
#define T_IAC 255
#define O_BINARY 0
#define O_SGA 3
#define O_COMPORT 44

struct sim_rfc2217 {
    sim_board *board;
    int listener, client;
    int port;
    pthread_t thread;
    pthread_mutex_t send_lock;
    atomic_bool stop;
    uint32_t baud;
    bool even;
};

static void send_raw(struct sim_rfc2217 *r, const uint8_t *d, size_t n)
{
    pthread_mutex_lock(&r->send_lock);
    while (n && r->client >= 0) {
        ssize_t k = send(r->client, d, n, MSG_NOSIGNAL);
        if (k > 0) {
            d += k;
            n -= (size_t)k;
        } else if (k < 0 && (errno == EAGAIN || errno == EINTR)) {
            struct pollfd p = {.fd = r->client, .events = POLLOUT};
            poll(&p, 1, 20);
        } else {
            break;
        }
    }
    pthread_mutex_unlock(&r->send_lock);
}

/* Answer a Com Port command: the same command + 100 with the value now in force. */
static void reply(struct sim_rfc2217 *r, uint8_t cmd, const uint8_t *v, size_t n)
{
    uint8_t b[24];
    size_t k = 0;
    b[k++] = T_IAC, b[k++] = T_SB, b[k++] = O_COMPORT, b[k++] = (uint8_t)(cmd + 100);
    for (size_t i = 0; i < n && k < sizeof b - 3; i++)
        if ((b[k++] = v[i]) == T_IAC)
            b[k++] = T_IAC;
    b[k++] = T_IAC, b[k++] = T_SE;
    send_raw(r, b, k);
}

static void comport(struct sim_rfc2217 *r, const uint8_t *sb, size_t n)
{
    if (n < 2)
        return;
    uint8_t cmd = sb[1];
    const uint8_t *v = sb + 2;
    size_t vn = n - 2;
    switch (cmd) {
    case 1: /* SET-BAUDRATE */
        if (vn == 4) {
            uint32_t baud = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
            if (baud)
                r->baud = baud;
            sim_host_set_format(r->board, r->baud, r->even);
            uint8_t now[4] = {(uint8_t)(r->baud >> 24), (uint8_t)(r->baud >> 16), (uint8_t)(r->baud >> 8),
                              (uint8_t)r->baud};
            reply(r, cmd, now, 4);
        }
        break;
    case 3: /* SET-PARITY: 1 none, 3 even (the bootloader's); odd, mark, space are not modelled */
        if (vn == 1) {
            if (v[0] == 1 || v[0] == 3)
                r->even = v[0] == 3;
            sim_host_set_format(r->board, r->baud, r->even);
            uint8_t now = r->even ? 3 : 1;
            reply(r, cmd, &now, 1);
        }
        break;
    case 5: /* SET-CONTROL */
        if (vn == 1) {
            switch (v[0]) {
            case 5: sim_board_set_line(r->board, SIM_LINE_BREAK, true); break;
            case 6: sim_board_set_line(r->board, SIM_LINE_BREAK, false); break;
            case 8: sim_board_set_line(r->board, SIM_LINE_DTR, true); break;
            case 9: sim_board_set_line(r->board, SIM_LINE_DTR, false); break;
            case 11: sim_board_set_line(r->board, SIM_LINE_RTS, true); break;
            case 12: sim_board_set_line(r->board, SIM_LINE_RTS, false); break;
            default: break;
            }
            reply(r, cmd, v, 1);
        }
        break;
    case 12: /* PURGE-DATA: 1 or 3 drop what the device sent and the client has not taken */
        if (vn == 1 && (v[0] == 1 || v[0] == 3))
            sim_host_flush(r->board);
        reply(r, cmd, v, vn);
        break;
    default: /* DATASIZE, STOPSIZE and the rest: 8 data bits, 1 stop bit */
        reply(r, cmd, v, vn);
        break;
    }
}

/* Serve one client until it leaves or the endpoint closes. */
static void serve(struct sim_rfc2217 *r)
{
    enum { DATA, IAC, VERB, SB, SB_IAC } st = DATA;
    uint8_t verb = 0, sb[32], data[4096], out[8192], in[4096];
    size_t sbn = 0;
    static const uint8_t hello[] = {T_IAC, T_DO, O_COMPORT, T_IAC, T_WILL, O_BINARY, T_IAC, T_WILL, O_SGA};
    send_raw(r, hello, sizeof hello);
    while (!atomic_load(&r->stop)) {
        /* Device to client, with IAC doubled. */
        size_t n = sim_host_read(r->board, data, sizeof data, 0), k = 0;
        for (size_t i = 0; i < n; i++)
            if ((out[k++] = data[i]) == T_IAC)
                out[k++] = T_IAC;
        if (k)
            send_raw(r, out, k);
        struct pollfd p = {.fd = r->client, .events = POLLIN};
        if (poll(&p, 1, 2) <= 0)
            continue;
        ssize_t got = recv(r->client, in, sizeof in, 0);
        if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR))
            return;
        size_t dn = 0;
        for (ssize_t i = 0; i < got; i++) {
            uint8_t c = in[i];
            switch (st) {
            case DATA:
                if (c == T_IAC)
                    st = IAC;
                else
                    data[dn++] = c;
                break;
            case IAC:
                st = DATA;
                if (c == T_IAC)
                    data[dn++] = c;
                else if (c >= T_WILL)
                    verb = c, st = VERB;
                else if (c == T_SB)
                    sbn = 0, st = SB;
                break;
            case VERB: { /* agree to binary, suppress-go-ahead and the com port option only */
                st = DATA;
                bool ok = c == O_BINARY || c == O_SGA || c == O_COMPORT;
                if (verb == T_WILL || verb == T_DO) {
                    uint8_t a[3] = {T_IAC, (uint8_t)(verb == T_WILL ? (ok ? T_DO : T_DONT) : (ok ? T_WILL : T_WONT)), c};
                    if (!ok || (verb == T_WILL && c == O_BINARY)) /* the rest was offered in hello */
                        send_raw(r, a, 3);
                }
                break;
            }
            case SB:
                if (c == T_IAC)
                    st = SB_IAC;
                else if (sbn < sizeof sb)
                    sb[sbn++] = c;
                break;
            case SB_IAC:
                if (c == T_SE) {
                    if (dn) { /* data before the command reaches the line first */
                        sim_host_write(r->board, data, dn);
                        dn = 0;
                    }
                    if (sbn && sb[0] == O_COMPORT)
                        comport(r, sb, sbn);
                    st = DATA;
                } else {
                    if (sbn < sizeof sb)
                        sb[sbn++] = c;
                    st = SB;
                }
                break;
            }
        }
        if (dn)
            sim_host_write(r->board, data, dn);
    }
}

static void *accept_thread(void *arg)
{
    struct sim_rfc2217 *r = arg;
    while (!atomic_load(&r->stop)) {
        struct pollfd p = {.fd = r->listener, .events = POLLIN};
        if (poll(&p, 1, 20) <= 0)
            continue;
        int fd = accept4(r->listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0)
            continue;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        pthread_mutex_lock(&r->send_lock);
        r->client = fd;
        pthread_mutex_unlock(&r->send_lock);
        serve(r);
        /* A client that leaves closes the port: its lines drop (HUPCL), as a tty's do. */
        sim_board_set_line(r->board, SIM_LINE_DTR, false);
        sim_board_set_line(r->board, SIM_LINE_RTS, false);
        sim_board_set_line(r->board, SIM_LINE_BREAK, false);
        pthread_mutex_lock(&r->send_lock);
        r->client = -1;
        pthread_mutex_unlock(&r->send_lock);
        close(fd);
    }
    return NULL;
}

sim_rfc2217 *sim_rfc2217_open(sim_board *b, int port, char **err)
{
    struct sim_rfc2217 *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->board = b;
    r->client = -1;
    r->baud = 115200;
    r->even = true;
    pthread_mutex_init(&r->send_lock, NULL);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int one = 1;
    r->listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (r->listener < 0 || setsockopt(r->listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(r->listener, (struct sockaddr *)&a, sizeof a) != 0 || listen(r->listener, 1) != 0 ||
        getsockname(r->listener, (struct sockaddr *)&a, &len) != 0 ||
        pthread_create(&r->thread, NULL, accept_thread, r) != 0) {
        if (err && (*err = malloc(160)))
            snprintf(*err, 160, "cannot serve RFC 2217 on 127.0.0.1:%d: %s", port, strerror(errno));
        if (r->listener >= 0)
            close(r->listener);
        pthread_mutex_destroy(&r->send_lock);
        free(r);
        return NULL;
    }
    r->port = ntohs(a.sin_port);
    return r;
}

int sim_rfc2217_port(const sim_rfc2217 *r) { return r->port; }

void sim_rfc2217_close(sim_rfc2217 *r)
{
    if (!r)
        return;
    atomic_store(&r->stop, true);
    pthread_join(r->thread, NULL);
    close(r->listener);
    pthread_mutex_destroy(&r->send_lock);
    free(r);
}
