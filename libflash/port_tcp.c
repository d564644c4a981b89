/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* port_tcp.c - serial lines reached over TCP:
 *  "tcp://HOST:PORT"      a raw byte stream (ser2net's plain TCP accepter, a radio modem or a
 *                         serial server in raw mode): the serial rate and format are set at the
 *                         bridge and cannot change from here;
 *  "rfc2217://HOST:PORT"  Telnet with the Com Port Control Option (RFC 2217): rate, parity,
 *                         DTR/RTS and BREAK set from here, 0xFF doubled in both directions. */
#define _POSIX_C_SOURCE 200809L
#include "sf_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CONNECT_MS 5000
#define ACK_MS 2000 /* RFC 2217 asks for a reply to every setting; a bridge answers in microseconds */

/* Telnet (RFC 854, 856, 858) and RFC 2217 codes. */
enum { SE = 240, SB = 250, WILL = 251, WONT = 252, DO = 253, DONT = 254, IAC = 255 };
enum { OPT_BINARY = 0, OPT_SGA = 3, OPT_COMPORT = 44 };
enum { CP_SET_BAUDRATE = 1, CP_SET_DATASIZE = 2, CP_SET_PARITY = 3, CP_SET_STOPSIZE = 4, CP_SET_CONTROL = 5,
       CP_PURGE_DATA = 12, CP_SERVER = 100 /* a server's reply is the command + 100 */ };
enum { PARITY_NONE = 1, PARITY_EVEN = 3 };
enum { CTL_BREAK_ON = 5, CTL_BREAK_OFF = 6, CTL_DTR_ON = 8, CTL_DTR_OFF = 9, CTL_RTS_ON = 11, CTL_RTS_OFF = 12 };
enum { PURGE_RX = 1 };

enum tstate { T_DATA, T_IAC, T_OPT, T_SB, T_SB_IAC };

typedef struct tcpport {
    int fd;
    bool telnet;
    char name[160];
    /* Decoded data not read yet. */
    uint8_t data[4096];
    size_t head, len;
    /* Telnet receive state. */
    enum tstate st;
    uint8_t verb;               /* WILL/WONT/DO/DONT being read */
    uint8_t sb[64];             /* subnegotiation being read */
    size_t sb_len;
    bool we_will[256], they_will[256];
    unsigned acks[16];          /* RFC 2217 replies seen, by command */
    uint32_t baud_ack;          /* the rate the bridge says it set */
} tcpport;

static sf_error send_all(tcpport *t, const uint8_t *d, size_t n, sf_errbuf *eb)
{
    while (n) {
        ssize_t k = send(t->fd, d, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd p = {.fd = t->fd, .events = POLLOUT};
            if (poll(&p, 1, 5000) <= 0)
                return sf_fail(eb, SF_ERR_IO, "%s: the connection does not take data", t->name);
            continue;
        }
        if (k <= 0)
            return sf_fail(eb, SF_ERR_IO, "%s: the connection closed (%s)", t->name, k < 0 ? strerror(errno) : "");
        d += k;
        n -= (size_t)k;
    }
    return SF_OK;
}

static sf_error telnet_cmd(tcpport *t, uint8_t verb, uint8_t opt, sf_errbuf *eb)
{
    const uint8_t c[3] = {IAC, verb, opt};
    return send_all(t, c, 3, eb);
}

/* IAC SB COM-PORT-OPTION cmd value... IAC SE, with 0xFF in the value doubled. */
static sf_error comport(tcpport *t, uint8_t cmd, const uint8_t *v, size_t n, sf_errbuf *eb)
{
    uint8_t b[32];
    size_t k = 0;
    b[k++] = IAC, b[k++] = SB, b[k++] = OPT_COMPORT, b[k++] = cmd;
    for (size_t i = 0; i < n; i++) {
        b[k++] = v[i];
        if (v[i] == IAC)
            b[k++] = IAC;
    }
    b[k++] = IAC, b[k++] = SE;
    return send_all(t, b, k, eb);
}

static bool acceptable(uint8_t opt) { return opt == OPT_BINARY || opt == OPT_SGA || opt == OPT_COMPORT; }

/* A WILL/WONT/DO/DONT from the bridge: agree to what we support, refuse the rest, and answer
 * nothing that only confirms the current state (RFC 854: no negotiation loops). */
static sf_error negotiate(tcpport *t, uint8_t verb, uint8_t opt, sf_errbuf *eb)
{
    switch (verb) {
    case DO:
        if (acceptable(opt) && !t->we_will[opt]) {
            t->we_will[opt] = true;
            return telnet_cmd(t, WILL, opt, eb);
        }
        return acceptable(opt) ? SF_OK : telnet_cmd(t, WONT, opt, eb);
    case DONT:
        if (t->we_will[opt]) {
            t->we_will[opt] = false;
            return telnet_cmd(t, WONT, opt, eb);
        }
        return SF_OK;
    case WILL:
        if ((opt == OPT_BINARY || opt == OPT_SGA) && !t->they_will[opt]) {
            t->they_will[opt] = true;
            return telnet_cmd(t, DO, opt, eb);
        }
        return t->they_will[opt] ? SF_OK : telnet_cmd(t, DONT, opt, eb);
    default: /* WONT */
        if (t->they_will[opt]) {
            t->they_will[opt] = false;
            return telnet_cmd(t, DONT, opt, eb);
        }
        return SF_OK;
    }
}

static void subnegotiation(tcpport *t)
{
    if (t->sb_len < 2 || t->sb[0] != OPT_COMPORT || t->sb[1] < CP_SERVER)
        return;
    unsigned cmd = t->sb[1] - CP_SERVER;
    if (cmd < sizeof t->acks / sizeof t->acks[0])
        t->acks[cmd]++;
    if (cmd == CP_SET_BAUDRATE && t->sb_len >= 6)
        t->baud_ack = (uint32_t)t->sb[2] << 24 | (uint32_t)t->sb[3] << 16 | (uint32_t)t->sb[4] << 8 | t->sb[5];
}

static void put_data(tcpport *t, uint8_t b)
{
    if (t->len == sizeof t->data) /* full: the oldest byte goes, as in a UART's overrun */
        t->head = (t->head + 1) % sizeof t->data, t->len--;
    t->data[(t->head + t->len++) % sizeof t->data] = b;
}

/* Take what the socket holds (waiting up to timeout_ms for something) and decode it. */
static sf_error pump(tcpport *t, unsigned timeout_ms, sf_errbuf *eb)
{
    struct pollfd p = {.fd = t->fd, .events = POLLIN};
    int r = poll(&p, 1, (int)timeout_ms);
    if (r < 0 && errno != EINTR)
        return sf_fail(eb, SF_ERR_IO, "%s: poll failed: %s", t->name, strerror(errno));
    if (r <= 0)
        return SF_OK;
    uint8_t raw[2048];
    ssize_t n = recv(t->fd, raw, sizeof raw, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return SF_OK;
    if (n <= 0)
        return sf_fail(eb, SF_ERR_IO, "%s: the connection closed (the bridge went away?)", t->name);
    for (ssize_t i = 0; i < n; i++) {
        uint8_t b = raw[i];
        if (!t->telnet) {
            put_data(t, b);
            continue;
        }
        switch (t->st) {
        case T_DATA:
            if (b == IAC)
                t->st = T_IAC;
            else
                put_data(t, b);
            break;
        case T_IAC:
            if (b == IAC) {
                put_data(t, IAC);
                t->st = T_DATA;
            } else if (b >= WILL) {
                t->verb = b;
                t->st = T_OPT;
            } else if (b == SB) {
                t->sb_len = 0;
                t->st = T_SB;
            } else {
                t->st = T_DATA; /* NOP, GA and the like */
            }
            break;
        case T_OPT: {
            t->st = T_DATA;
            sf_error e = negotiate(t, t->verb, b, eb);
            if (e)
                return e;
            break;
        }
        case T_SB:
            if (b == IAC)
                t->st = T_SB_IAC;
            else if (t->sb_len < sizeof t->sb)
                t->sb[t->sb_len++] = b;
            break;
        case T_SB_IAC:
            if (b == SE) {
                subnegotiation(t);
                t->st = T_DATA;
            } else {
                if (t->sb_len < sizeof t->sb)
                    t->sb[t->sb_len++] = b; /* IAC IAC inside: one 0xFF */
                t->st = T_SB;
            }
            break;
        }
    }
    return SF_OK;
}

/* Wait until the bridge has answered a setting (RFC 2217 2.) so what follows goes out at it. */
static sf_error wait_ack(tcpport *t, unsigned cmd, unsigned before, sf_errbuf *eb)
{
    uint64_t deadline = sf_now_ms() + ACK_MS;
    while (t->acks[cmd] == before) {
        uint64_t now = sf_now_ms();
        if (now >= deadline)
            return sf_fail(eb, SF_ERR_PORT, "%s: the bridge did not confirm a serial setting (RFC 2217 command %u) "
                           "within %u ms: is it an RFC 2217 server (ser2net: telnet(rfc2217))?", t->name, cmd, ACK_MS);
        sf_error e = pump(t, (unsigned)(deadline - now), eb);
        if (e)
            return e;
    }
    return SF_OK;
}

static sf_error tcp_set_format(void *impl, uint32_t baud, bool parity_even, sf_errbuf *eb)
{
    tcpport *t = impl;
    if (!t->telnet)
        return SF_OK; /* set at the bridge (sf_port_fixed_rate) */
    uint8_t v[4] = {(uint8_t)(baud >> 24), (uint8_t)(baud >> 16), (uint8_t)(baud >> 8), (uint8_t)baud};
    unsigned before = t->acks[CP_SET_PARITY];
    uint8_t eight = 8, parity = parity_even ? PARITY_EVEN : PARITY_NONE, one = 1;
    sf_error e;
    if ((e = comport(t, CP_SET_BAUDRATE, v, 4, eb)) || (e = comport(t, CP_SET_DATASIZE, &eight, 1, eb)) ||
        (e = comport(t, CP_SET_PARITY, &parity, 1, eb)) || (e = comport(t, CP_SET_STOPSIZE, &one, 1, eb)) ||
        (e = wait_ack(t, CP_SET_PARITY, before, eb)))
        return e;
    if (t->baud_ack != baud)
        return sf_fail(eb, SF_ERR_UNSUPPORTED, "%s: the bridge set %u baud when asked for %u", t->name, t->baud_ack,
                       baud);
    return SF_OK;
}

static sf_error tcp_write(void *impl, const uint8_t *data, size_t len, sf_errbuf *eb)
{
    tcpport *t = impl;
    if (!t->telnet)
        return send_all(t, data, len, eb);
    uint8_t b[1024];
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        b[k++] = data[i];
        if (data[i] == IAC)
            b[k++] = IAC;
        if (k >= sizeof b - 1 || i + 1 == len) {
            sf_error e = send_all(t, b, k, eb);
            if (e)
                return e;
            k = 0;
        }
    }
    return SF_OK;
}

static sf_error tcp_read(void *impl, uint8_t *data, size_t len, size_t *got, unsigned timeout_ms, sf_errbuf *eb)
{
    tcpport *t = impl;
    *got = 0;
    uint64_t deadline = sf_now_ms() + timeout_ms;
    while (t->len == 0) {
        uint64_t now = sf_now_ms();
        sf_error e = pump(t, now >= deadline ? 0 : (unsigned)(deadline - now), eb);
        if (e)
            return e;
        if (t->len == 0 && sf_now_ms() >= deadline)
            return SF_OK;
    }
    while (*got < len && t->len) {
        data[(*got)++] = t->data[t->head];
        t->head = (t->head + 1) % sizeof t->data;
        t->len--;
    }
    return SF_OK;
}

static sf_error tcp_flush_input(void *impl, sf_errbuf *eb)
{
    tcpport *t = impl;
    if (t->telnet) { /* the bridge may hold bytes from its serial side too */
        uint8_t what = PURGE_RX;
        sf_error e = comport(t, CP_PURGE_DATA, &what, 1, eb);
        if (e)
            return e;
    }
    sf_error e;
    do {
        t->head = t->len = 0;
        e = pump(t, 0, eb);
    } while (e == SF_OK && t->len);
    t->head = t->len = 0;
    return e;
}

static sf_error tcp_set_lines(void *impl, int dtr, int rts, int brk, sf_errbuf *eb)
{
    tcpport *t = impl;
    if (!t->telnet)
        return sf_fail(eb, SF_ERR_UNSUPPORTED, "%s: a raw TCP link carries no DTR, RTS or BREAK (use rfc2217://)",
                       t->name);
    sf_error e = SF_OK;
    uint8_t c;
    if (brk >= 0 && (c = brk ? CTL_BREAK_ON : CTL_BREAK_OFF, (e = comport(t, CP_SET_CONTROL, &c, 1, eb))))
        return e;
    if (dtr >= 0 && (c = dtr ? CTL_DTR_ON : CTL_DTR_OFF, (e = comport(t, CP_SET_CONTROL, &c, 1, eb))))
        return e;
    if (rts >= 0 && (c = rts ? CTL_RTS_ON : CTL_RTS_OFF, (e = comport(t, CP_SET_CONTROL, &c, 1, eb))))
        return e;
    return SF_OK;
}

static void tcp_close(void *impl)
{
    tcpport *t = impl;
    close(t->fd);
    free(t);
}

static const sf_port_ops raw_ops = {tcp_set_format, tcp_write, tcp_read, tcp_flush_input, tcp_set_lines, tcp_close,
                                    true, NULL};
static const sf_port_ops telnet_ops = {tcp_set_format, tcp_write, tcp_read, tcp_flush_input, tcp_set_lines, tcp_close,
                                       false, NULL};

static sf_error connect_to(tcpport *t, const char *host, const char *service, sf_errbuf *eb)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    int r = getaddrinfo(host, service, &hints, &res);
    if (r != 0)
        return sf_fail(eb, SF_ERR_PORT, "%s: cannot resolve %s: %s", t->name, host, gai_strerror(r));
    int err = 0;
    for (struct addrinfo *a = res; a; a = a->ai_next) {
        int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        if (connect(fd, a->ai_addr, a->ai_addrlen) != 0 && errno == EINPROGRESS) {
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            socklen_t sl = sizeof err;
            if (poll(&p, 1, CONNECT_MS) != 1)
                err = ETIMEDOUT;
            else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) != 0)
                err = errno;
        } else {
            err = errno == EINPROGRESS ? 0 : errno;
            if (err == 0 || err == EISCONN)
                err = 0;
        }
        if (err == 0) {
            int one = 1; /* a sync byte or an ack must not wait for more to fill a segment */
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            t->fd = fd;
            freeaddrinfo(res);
            return SF_OK;
        }
        close(fd);
    }
    freeaddrinfo(res);
    return sf_fail(eb, SF_ERR_PORT, "%s: cannot connect: %s", t->name, strerror(err ? err : ECONNREFUSED));
}

sf_error sf_tcp_open(const char *name, const sf_port_ops **ops, void **impl, sf_errbuf *eb)
{
    bool telnet = strncmp(name, "rfc2217://", 10) == 0;
    const char *hp = name + (telnet ? 10 : 6);
    const char *colon = strrchr(hp, ':');
    char host[128];
    size_t hl = colon ? (size_t)(colon - hp) : 0;
    if (!colon || hl == 0 || hl >= sizeof host || !colon[1])
        return sf_fail(eb, SF_ERR_ARG, "%s: expected %s://HOST:PORT", name, telnet ? "rfc2217" : "tcp");
    if (hp[0] == '[' && hl >= 2 && hp[hl - 1] == ']') /* [::1]:4000 */
        hp++, hl -= 2;
    memcpy(host, hp, hl);
    host[hl] = 0;
    tcpport *t = calloc(1, sizeof *t);
    if (!t)
        return sf_fail(eb, SF_ERR_NOMEM, "out of memory");
    t->fd = -1;
    t->telnet = telnet;
    snprintf(t->name, sizeof t->name, "%s", name);
    sf_error e = connect_to(t, host, colon + 1, eb);
    if (e == SF_OK && telnet) {
        /* Offer what a binary serial link needs; the bridge answers DO/WILL (negotiate()). */
        t->we_will[OPT_BINARY] = t->we_will[OPT_SGA] = t->we_will[OPT_COMPORT] = true;
        t->they_will[OPT_BINARY] = t->they_will[OPT_SGA] = true;
        static const uint8_t offer[] = {IAC, WILL, OPT_BINARY, IAC, DO, OPT_BINARY, IAC, WILL, OPT_SGA,
                                        IAC, DO,   OPT_SGA,    IAC, WILL, OPT_COMPORT};
        e = send_all(t, offer, sizeof offer, eb);
    }
    if (e) {
        if (t->fd >= 0)
            close(t->fd);
        free(t);
        return e;
    }
    *ops = telnet ? &telnet_ops : &raw_ops;
    *impl = t;
    return SF_OK;
}
