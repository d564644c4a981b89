/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* port_match.c - see port_match.h. */
#define _POSIX_C_SOURCE 200809L
#include "port_match.h"

#include <stdio.h>
#include <string.h>

#define USB_FORMS "usb:VID:PID, usb:VID:PID:SERIAL (IDs in hex, as 'stubflash ports' shows them) or usb-serial:SERIAL"

bool sfi_port_is_usb_spec(const char *name)
{
    return name && (strncmp(name, "usb:", 4) == 0 || strncmp(name, "usb-serial:", 11) == 0);
}

/* One to four hex digits up to end (exclusive). */
static bool parse_id(const char *s, const char *end, uint16_t *out)
{
    if (end <= s || end - s > 4)
        return false;
    unsigned v = 0;
    for (const char *p = s; p < end; p++) {
        int d = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10
                : *p >= 'A' && *p <= 'F' ? *p - 'A' + 10 : -1;
        if (d < 0)
            return false;
        v = v * 16 + (unsigned)d;
    }
    *out = (uint16_t)v;
    return true;
}

static bool bad(char *err, size_t errlen, const char *spec, const char *what)
{
    if (err && errlen)
        snprintf(err, errlen, "'%s': %s; a USB port is named " USB_FORMS, spec, what);
    return false;
}

bool sfi_usb_spec_parse(const char *spec, sfi_usb_spec *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!sfi_port_is_usb_spec(spec))
        return bad(err, errlen, spec ? spec : "", "not a USB identity");
    const char *serial;
    if (strncmp(spec, "usb-serial:", 11) == 0) {
        serial = spec + 11;
        if (!*serial)
            return bad(err, errlen, spec, "no serial number after usb-serial:");
    } else {
        const char *vid = spec + 4, *c1 = strchr(vid, ':');
        if (!c1)
            return bad(err, errlen, spec, "no product ID");
        const char *c2 = strchr(c1 + 1, ':'), *pid_end = c2 ? c2 : c1 + strlen(c1);
        if (!parse_id(vid, c1, &out->vid))
            return bad(err, errlen, spec, "the vendor ID is not 1 to 4 hex digits");
        if (!parse_id(c1 + 1, pid_end, &out->pid))
            return bad(err, errlen, spec, "the product ID is not 1 to 4 hex digits");
        out->by_ids = true;
        serial = c2 ? c2 + 1 : "";
        if (c2 && !*serial)
            return bad(err, errlen, spec, "nothing after the last ':'");
    }
    if (strlen(serial) >= sizeof out->serial)
        return bad(err, errlen, spec, "the serial number is too long");
    strcpy(out->serial, serial);
    return true;
}

bool sfi_usb_spec_matches(const sfi_usb_spec *s, const sfi_port_desc *d)
{
    if (!s || !d)
        return false;
    if (s->by_ids && !(d->usb && d->vid == s->vid && d->pid == s->pid))
        return false;
    return !s->serial[0] || (d->serial && strcmp(d->serial, s->serial) == 0);
}
