/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* port_serial.c - serial ports through libserialport. */
#define _POSIX_C_SOURCE 200809L
#include "port_lock.h"
#include "sf_internal.h"

#include <errno.h>
#include <libserialport.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct serial {
    struct sp_port *p;
    sf_port_lock lock;
} serial;

static sf_error sp_fail(sf_errbuf *eb, sf_error code, const char *what, const char *name)
{
    int e = sp_last_error_code();
    char *msg = sp_last_error_message();
    sf_error r;
    if (e == EACCES)
        r = sf_fail(eb, code, "%s: permission denied; add yourself to the 'dialout' group "
                              "(sudo usermod -aG dialout $USER, then log in again)", name);
    else if (e == EBUSY)
        r = sf_port_lock_busy(name, eb);
    else if (e == ENOENT || e == ENODEV)
        r = sf_fail(eb, code, "%s: no such port; is the adapter plugged in? 'stubflash ports' lists them", name);
    else
        r = sf_fail(eb, code, "%s: %s: %s", name, what, msg ? msg : "unknown error");
    sp_free_error_message(msg);
    return r;
}

static sf_error serial_set_format(void *impl, uint32_t baud, bool parity_even, sf_errbuf *eb)
{
    struct sp_port *p = ((serial *)impl)->p;
    if (sp_set_baudrate(p, (int)baud) != SP_OK || sp_set_bits(p, 8) != SP_OK ||
        sp_set_parity(p, parity_even ? SP_PARITY_EVEN : SP_PARITY_NONE) != SP_OK ||
        sp_set_stopbits(p, 1) != SP_OK || sp_set_flowcontrol(p, SP_FLOWCONTROL_NONE) != SP_OK)
        return sp_fail(eb, SF_ERR_PORT, "cannot set the line format", sp_get_port_name(p));
    return SF_OK;
}

static sf_error serial_write(void *impl, const uint8_t *data, size_t len, sf_errbuf *eb)
{
    struct sp_port *p = ((serial *)impl)->p;
    /* Generous: at 1200 baud 8E1 a byte takes 9 ms. */
    unsigned timeout = 1000 + (unsigned)(len * 10);
    enum sp_return r = sp_blocking_write(p, data, len, timeout);
    if (r < 0)
        return sp_fail(eb, SF_ERR_IO, "write failed", sp_get_port_name(p));
    if ((size_t)r != len)
        return sf_fail(eb, SF_ERR_IO, "%s: write timed out (%d of %zu bytes)", sp_get_port_name(p), (int)r, len);
    return SF_OK;
}

static sf_error serial_read(void *impl, uint8_t *data, size_t len, size_t *got, unsigned timeout_ms, sf_errbuf *eb)
{
    struct sp_port *p = ((serial *)impl)->p;
    enum sp_return r = sp_blocking_read_next(p, data, len, timeout_ms ? timeout_ms : 1);
    if (r < 0)
        return sp_fail(eb, SF_ERR_IO, "read failed (adapter unplugged?)", sp_get_port_name(p));
    *got = (size_t)r;
    return SF_OK;
}

static sf_error serial_flush_input(void *impl, sf_errbuf *eb)
{
    struct sp_port *p = ((serial *)impl)->p;
    if (sp_flush(p, SP_BUF_INPUT) != SP_OK)
        return sp_fail(eb, SF_ERR_IO, "flush failed", sp_get_port_name(p));
    return SF_OK;
}

static sf_error serial_set_lines(void *impl, int dtr, int rts, int brk, sf_errbuf *eb)
{
    struct sp_port *p = ((serial *)impl)->p;
    if ((dtr >= 0 && sp_set_dtr(p, dtr ? SP_DTR_ON : SP_DTR_OFF) != SP_OK) ||
        (rts >= 0 && sp_set_rts(p, rts ? SP_RTS_ON : SP_RTS_OFF) != SP_OK))
        return sp_fail(eb, SF_ERR_IO, "cannot set DTR/RTS", sp_get_port_name(p));
    if (brk >= 0 && (brk ? sp_start_break(p) : sp_end_break(p)) != SP_OK)
        return sp_fail(eb, SF_ERR_IO, "cannot set BREAK", sp_get_port_name(p));
    return SF_OK;
}

static void serial_close(void *impl)
{
    serial *s = impl;
    int fd = -1;
    sp_get_port_handle(s->p, &fd);
    sf_port_lock_release(&s->lock, fd);
    sp_close(s->p);
    sp_free_port(s->p);
    free(s);
}

static bool serial_usb_identity(void *impl, uint16_t *vid, uint16_t *pid, char *serial_no, size_t size)
{
    struct sp_port *p = ((serial *)impl)->p;
    int v = 0, d = 0;
    if (sp_get_port_transport(p) != SP_TRANSPORT_USB || sp_get_port_usb_vid_pid(p, &v, &d) != SP_OK)
        return false;
    const char *sn = sp_get_port_usb_serial(p);
    *vid = (uint16_t)v;
    *pid = (uint16_t)d;
    if (size) {
        serial_no[0] = 0;
        if (sn)
            strncat(serial_no, sn, size - 1);
    }
    return true;
}

static const sf_port_ops serial_ops = {
    serial_set_format, serial_write, serial_read, serial_flush_input, serial_set_lines, serial_close, false,
    serial_usb_identity,
};

sf_error sf_serial_open(const char *name, const sf_port_ops **ops, void **impl, sf_errbuf *eb)
{
    struct sp_port *p = NULL;
    if (sp_get_port_by_name(name, &p) != SP_OK) {
        /* No sysfs entry (a pseudo-terminal): if the path is a terminal, use termios directly. */
        if (access(name, F_OK) == 0)
            return sf_tty_open(name, ops, impl, eb);
        return sp_fail(eb, SF_ERR_PORT, "cannot find the port", name);
    }
    if (sp_open(p, SP_MODE_READ_WRITE) != SP_OK) {
        sf_error e = sp_fail(eb, SF_ERR_PORT, "cannot open", name);
        sp_free_port(p);
        return e;
    }
    serial *s = calloc(1, sizeof *s);
    int fd = -1;
    sf_error e = s ? SF_OK : sf_fail(eb, SF_ERR_NOMEM, "out of memory");
    if (e == SF_OK && sp_get_port_handle(p, &fd) == SP_OK)
        e = sf_port_lock_take(name, fd, &s->lock, eb);
    if (e) {
        free(s);
        sp_close(p);
        sp_free_port(p);
        return e;
    }
    s->p = p;
    *ops = &serial_ops;
    *impl = s;
    return SF_OK;
}
