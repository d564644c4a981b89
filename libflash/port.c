/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* port.c - sf_port: a name resolved to a transport, and the calls that go through it. */
#define _POSIX_C_SOURCE 200809L
#include "sf_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sf_port {
    const sf_port_ops *ops;
    void *impl;
    char *name;
};

sf_error sf_port_open_eb(const char *name, sf_port **out, sf_errbuf *eb)
{
    if (!name || !out)
        return sf_fail(eb, SF_ERR_ARG, "no port name given");
    *out = NULL;
    sf_port *p = calloc(1, sizeof *p);
    if (!p || !(p->name = strdup(name))) {
        free(p);
        return sf_fail(eb, SF_ERR_NOMEM, "out of memory");
    }
    /* A USB identity opens the one port that has it; the port keeps the name it was given. */
    char *real = NULL;
    if (sf_port_is_usb_spec(name)) {
        sf_error r = sf_port_resolve_eb(name, &real, eb);
        if (r) {
            free(p->name);
            free(p);
            return r;
        }
        name = real;
    }
    sf_error e = sf_provider_claims(name) ? sf_provider_open(name, &p->ops, &p->impl, eb)
                 : strncmp(name, "tcp://", 6) == 0 || strncmp(name, "rfc2217://", 10) == 0
                     ? sf_tcp_open(name, &p->ops, &p->impl, eb)
                     : sf_serial_open(name, &p->ops, &p->impl, eb);
    free(real);
    if (e == SF_OK)
        e = p->ops->set_format(p->impl, 115200, true, eb);
    if (e != SF_OK) {
        if (p->ops)
            p->ops->close(p->impl);
        free(p->name);
        free(p);
        return e;
    }
    *out = p;
    return SF_OK;
}

sf_error sf_port_open(const char *name, sf_port **out, char *err, size_t errlen)
{
    sf_errbuf eb = {err, errlen};
    if (err && errlen)
        err[0] = 0;
    return sf_port_open_eb(name, out, &eb);
}

void sf_port_close(sf_port *p)
{
    if (!p)
        return;
    p->ops->close(p->impl);
    free(p->name);
    free(p);
}

const char *sf_port_name(const sf_port *p) { return p ? p->name : ""; }

bool sf_port_fixed_rate(const sf_port *p) { return p && p->ops->fixed_rate; }

bool sf_port_usb_key(const sf_port *p, char *key, size_t len)
{
    uint16_t vid = 0, pid = 0;
    char serial[128] = "";
    if (!p || !p->ops->usb_identity || !p->ops->usb_identity(p->impl, &vid, &pid, serial, sizeof serial))
        return false;
    int n = snprintf(key, len, *serial ? "usb:%04x:%04x:%s" : "usb:%04x:%04x", vid, pid, serial);
    return n > 0 && (size_t)n < len;
}

sf_error sf_port_set_format_eb(sf_port *p, uint32_t baud, bool parity_even, sf_errbuf *eb)
{
    if (!p || baud == 0)
        return sf_fail(eb, SF_ERR_ARG, "invalid baud rate %u", baud);
    return p->ops->set_format(p->impl, baud, parity_even, eb);
}

sf_error sf_port_set_format(sf_port *p, uint32_t baud, bool parity_even)
{
    return sf_port_set_format_eb(p, baud, parity_even, NULL);
}

sf_error sf_port_write_eb(sf_port *p, const uint8_t *data, size_t len, sf_errbuf *eb)
{
    if (!p || (!data && len))
        return sf_fail(eb, SF_ERR_ARG, "invalid write");
    return p->ops->write(p->impl, data, len, eb);
}

sf_error sf_port_write(sf_port *p, const uint8_t *data, size_t len) { return sf_port_write_eb(p, data, len, NULL); }

sf_error sf_port_read_some_eb(sf_port *p, uint8_t *data, size_t len, size_t *got, unsigned timeout_ms, sf_errbuf *eb)
{
    *got = 0;
    if (!p || !data)
        return sf_fail(eb, SF_ERR_ARG, "invalid read");
    return p->ops->read(p->impl, data, len, got, timeout_ms, eb);
}

sf_error sf_port_read_eb(sf_port *p, uint8_t *data, size_t len, size_t *got, unsigned timeout_ms, sf_errbuf *eb)
{
    size_t n = 0;
    if (got)
        *got = 0;
    if (!p || (!data && len))
        return sf_fail(eb, SF_ERR_ARG, "invalid read");
    uint64_t deadline = sf_now_ms() + timeout_ms;
    while (n < len) {
        uint64_t now = sf_now_ms();
        unsigned left = now >= deadline ? 0 : (unsigned)(deadline - now);
        size_t k = 0;
        sf_error e = p->ops->read(p->impl, data + n, len - n, &k, left, eb);
        if (e != SF_OK)
            return e;
        n += k;
        if (got)
            *got = n;
        if (k == 0 && left == 0)
            break;
    }
    if (n < len)
        return sf_fail(eb, SF_ERR_TIMEOUT, "no answer from the device within %u ms (%zu of %zu bytes)",
                       timeout_ms, n, len);
    return SF_OK;
}

sf_error sf_port_read(sf_port *p, uint8_t *data, size_t len, size_t *got, unsigned timeout_ms)
{
    return sf_port_read_eb(p, data, len, got, timeout_ms, NULL);
}

sf_error sf_port_flush_input(sf_port *p)
{
    return p ? p->ops->flush_input(p->impl, NULL) : SF_ERR_ARG;
}

sf_error sf_port_set_lines_eb(sf_port *p, int dtr, int rts, int brk, sf_errbuf *eb)
{
    return p ? p->ops->set_lines(p->impl, dtr, rts, brk, eb) : sf_fail(eb, SF_ERR_ARG, "no port");
}

sf_error sf_port_set_lines(sf_port *p, int dtr, int rts) { return sf_port_set_lines_eb(p, dtr, rts, -1, NULL); }

sf_error sf_port_set_break(sf_port *p, bool on) { return sf_port_set_lines_eb(p, -1, -1, on, NULL); }
