/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* connect_opts.c - see connect_opts.h. */
#include "connect_opts.h"
#include "config.h"

#include <stdio.h>
#include <string.h>

const char *connect_opts_parse_enter(connect_opts *o, const char *arg)
{
    const char *at = strrchr(arg, '@');
    if (strncmp(arg, "magic:", 6) != 0 || !at || at == arg + 6)
        return "--enter takes magic:STRING@BAUD";
    if (!cfg_parse_u32(at + 1, &o->trigger_baud) || o->trigger_baud < 1200)
        return "--enter: the rate after @ is not a baud rate";
    size_t n = 0;
    for (const char *p = arg + 6; p < at; p++) {
        if (n == sizeof o->trigger)
            return "--enter: the trigger is longer than 64 bytes";
        unsigned v = (unsigned char)*p;
        if (*p == '\\' && p + 1 < at) {
            p++;
            if (*p == 'r') v = '\r';
            else if (*p == 'n') v = '\n';
            else if (*p == '\\') v = '\\';
            else if (*p == 'x' && p + 2 < at && sscanf(p + 1, "%2x", &v) == 1) p += 2;
            else return "--enter: unknown escape in the trigger (\\r, \\n, \\\\, \\xNN)";
        }
        o->trigger[n++] = (uint8_t)v;
    }
    o->trigger_len = n;
    return NULL;
}

sf_error connect_opts_apply(const connect_opts *o, sf_session *s)
{
    sf_error e = sf_session_set_baud(s, o->baud);
    if (e == SF_OK)
        e = sf_session_set_stub(s, !o->no_stub, o->stub_baud);
    if (e == SF_OK)
        e = sf_session_set_usart(s, o->usart);
    if (e == SF_OK)
        e = sf_session_set_entry(s, o->before, o->after);
    if (e == SF_OK && o->trigger_len)
        e = sf_session_set_trigger(s, o->trigger, o->trigger_len, o->trigger_baud);
    return e;
}
