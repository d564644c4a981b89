/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* entry.h - control-line sequences that put a chip into its ROM bootloader before a session
 * and start its application after (sf_session_set_entry, the CLI's --before/--after). */
#ifndef STUBFLASH_ENTRY_H
#define STUBFLASH_ENTRY_H

#include "sf_internal.h"

#define ENTRY_MAX_STEPS 32

typedef struct entry_step {
    enum { STEP_DTR, STEP_RTS, STEP_BRK, STEP_WAIT } what;
    bool on;      /* lines: asserted */
    unsigned ms;  /* waits */
} entry_step;

typedef struct entry_seq {
    entry_step step[ENTRY_MAX_STEPS];
    size_t n;
} entry_seq;

/* Parse a sequence or a preset (entry.c lists them); which names it in messages ("--before").
 * NULL, "" and "none" give an empty sequence. */
sf_error entry_parse(const char *text, bool before, const char *which, entry_seq *out, sf_errbuf *eb);
/* Run it on the port. */
sf_error entry_run(sf_port *p, const entry_seq *seq, sf_errbuf *eb);

#endif
