/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* entry.c - see entry.h. A sequence is steps separated by commas: "dtr" / "-dtr" asserts /
 * releases DTR, the same for "rts" and "brk" (BREAK: TX held low), and a number waits that
 * many milliseconds. The presets are the two common auto-reset wirings: one line pulls NRST
 * low while asserted, the other holds BOOT0 high while asserted. */
#define _POSIX_C_SOURCE 200809L
#include "entry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* NRST low for 100 ms (longer than any reset pulse filter and supervisor delay); after the
 * release the bootloader needs up to a few ms to start, and the session's sync waits for it. */
static const struct {
    const char *name, *before, *after;
} presets[] = {
    {"dtr-reset-rts-boot0", "-dtr,rts,dtr,100,-dtr,20", "-rts,dtr,100,-dtr"},
    {"rts-reset-dtr-boot0", "-rts,dtr,rts,100,-rts,20", "-dtr,rts,100,-rts"},
};

sf_error entry_parse(const char *text, bool before, const char *which, entry_seq *out, sf_errbuf *eb)
{
    out->n = 0;
    if (!text || !*text || strcmp(text, "none") == 0)
        return SF_OK;
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
        if (strcmp(text, presets[i].name) == 0)
            return entry_parse(before ? presets[i].before : presets[i].after, before, which, out, eb);
    char copy[256];
    if (strlen(text) >= sizeof copy)
        return sf_fail(eb, SF_ERR_ARG, "%s: the sequence is too long", which);
    strcpy(copy, text);
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (out->n == ENTRY_MAX_STEPS)
            return sf_fail(eb, SF_ERR_ARG, "%s: more than %d steps", which, ENTRY_MAX_STEPS);
        entry_step *st = &out->step[out->n];
        bool off = tok[0] == '-';
        const char *name = tok + off;
        char *end;
        unsigned long ms = strtoul(tok, &end, 10);
        if (tok[0] >= '0' && tok[0] <= '9' && !*end && ms <= 10000) {
            *st = (entry_step){.what = STEP_WAIT, .ms = (unsigned)ms};
        } else if (strcmp(name, "dtr") == 0 || strcmp(name, "rts") == 0 || strcmp(name, "brk") == 0) {
            st->what = name[0] == 'd' ? STEP_DTR : name[0] == 'r' ? STEP_RTS : STEP_BRK;
            st->on = !off;
        } else {
            return sf_fail(eb, SF_ERR_ARG,
                           "%s: '%s' is not a step (dtr, -dtr, rts, -rts, brk, -brk, or a wait in ms up to 10000) "
                           "and '%s' is not a preset (none, %s, %s)",
                           which, tok, text, presets[0].name, presets[1].name);
        }
        out->n++;
    }
    return SF_OK;
}

sf_error entry_run(sf_port *p, const entry_seq *seq, sf_errbuf *eb)
{
    for (size_t i = 0; i < seq->n; i++) {
        const entry_step *st = &seq->step[i];
        sf_error e = SF_OK;
        switch (st->what) {
        case STEP_WAIT: {
            struct timespec ts = {st->ms / 1000, (long)(st->ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
            break;
        }
        case STEP_DTR: e = sf_port_set_lines_eb(p, st->on, -1, -1, eb); break;
        case STEP_RTS: e = sf_port_set_lines_eb(p, -1, st->on, -1, eb); break;
        case STEP_BRK: e = sf_port_set_lines_eb(p, -1, -1, st->on, eb); break;
        }
        if (e)
            return e;
    }
    return SF_OK;
}
