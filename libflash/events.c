/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* events.c - log, progress, unit states and cancel: what both backends and the session report
 * through the caller's callbacks (called on the thread running the operation, under the
 * session's lock). */
#include "session_internal.h"

#include <stdio.h>

void sf_session_log(sf_session *s, sf_log_level lvl, const char *fmt, ...)
{
    if (!s->log)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    s->log(lvl, line, s->log_user);
}

void sf_session_progress(sf_session *s, sf_phase ph, uint64_t done, uint64_t total)
{
    if (s->progress)
        s->progress(ph, done, total, s->progress_user);
}

void sf_session_unit(sf_session *s, const sf_plan_unit *u, sf_unit_state state)
{
    if (s->unit)
        s->unit(u->index, u->start, u->size, state, s->unit_user);
}

bool sf_session_cancelled(sf_session *s) { return atomic_load(&s->cancel); }
