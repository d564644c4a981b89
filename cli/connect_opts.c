/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* connect_opts.c - see connect_opts.h. */
#include "connect_opts.h"

sf_error connect_opts_apply(const connect_opts *o, sf_session *s)
{
    sf_error e = sf_session_set_baud(s, o->baud);
    if (e == SF_OK)
        e = sf_session_set_stub(s, !o->no_stub, o->stub_baud);
    if (e == SF_OK)
        e = sf_session_set_entry(s, o->before, o->after);
    if (e == SF_OK && o->trigger_len)
        e = sf_session_set_trigger(s, o->trigger, o->trigger_len, o->trigger_baud);
    return e;
}
