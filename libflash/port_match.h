/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* port_match.h - which ports a USB identity names ("usb:VID:PID[:SERIAL]", "usb-serial:SERIAL"):
 * pure functions over plain port descriptions, so a test can feed them adapters that are not
 * plugged in. sf_port_find (port_list.c) runs them over libserialport's list. */
#ifndef SF_PORT_MATCH_H
#define SF_PORT_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a port tells about itself (port_list.c fills it from libserialport). */
typedef struct sfi_port_desc {
    const char *name;   /* "/dev/ttyACM0" */
    const char *serial; /* the USB serial number, "" if none */
    bool usb;           /* vid and pid are known */
    uint16_t vid, pid;
} sfi_port_desc;

/* A parsed identity. */
typedef struct sfi_usb_spec {
    bool by_ids;       /* usb:VID:PID[:SERIAL]; otherwise usb-serial:SERIAL */
    uint16_t vid, pid;
    char serial[128];  /* "" matches any serial number (only with by_ids) */
} sfi_usb_spec;

/* Whether name is a USB identity (it starts with "usb:" or "usb-serial:"). */
bool sfi_port_is_usb_spec(const char *name);
/* Parse spec; false with a sentence in err (what is wrong and the forms taken). */
bool sfi_usb_spec_parse(const char *spec, sfi_usb_spec *out, char *err, size_t errlen);
/* Whether the port d is the one s names. */
bool sfi_usb_spec_matches(const sfi_usb_spec *s, const sfi_port_desc *d);

#endif
