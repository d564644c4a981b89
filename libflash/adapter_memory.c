/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* adapter_memory.c - what a session remembers of its port's USB adapter (rate_memory.h): where
 * the file is, the adapter's line in it, and the product ID of the chip behind it. The rates
 * kept there are stub_rates.c's. */
#define _POSIX_C_SOURCE 200809L
#include "rate_memory.h"
#include "session_internal.h"

#include <stdlib.h>
#include <string.h>

/* The file the session remembers adapters in, into *path (malloc'd), or NULL for none. */
static char *memory_path(sf_session *s)
{
    char *path = NULL;
    if (s->rate_memory)
        return *s->rate_memory ? strdup(s->rate_memory) : NULL;
    char why[200];
    sf_errbuf quiet = {why, sizeof why};
    if (rm_default_path(&path, &quiet) != SF_OK)
        sf_session_log(s, SF_LOG_DEBUG, "stub: %s", why);
    return path;
}

bool sf_adapter_memory(sf_session *s, char *key, size_t keylen, char **path)
{
    *path = NULL;
    return sf_port_usb_key(s->port, key, keylen) && (*path = memory_path(s)) != NULL;
}

uint16_t sf_adapter_pid(sf_session *s)
{
    char key[192], *path, why[300];
    sf_errbuf quiet = {why, sizeof why};
    rate_memory m;
    memset(&m, 0, sizeof m);
    if (sf_adapter_memory(s, key, sizeof key, &path) && rm_load(path, key, &m, &quiet) != SF_OK)
        sf_session_log(s, SF_LOG_DEBUG, "cannot read what is remembered of the adapter (%s)", why);
    free(path);
    return m.pid;
}

void sf_adapter_note_pid(sf_session *s, uint16_t pid)
{
    char key[192], *path, why[300];
    sf_errbuf quiet = {why, sizeof why};
    rate_memory m;
    if (sf_adapter_memory(s, key, sizeof key, &path) && rm_load(path, key, &m, &quiet) == SF_OK && m.pid != pid) {
        m.pid = pid;
        if (rm_store(path, key, &m, &quiet) != SF_OK)
            sf_session_log(s, SF_LOG_WARNING, "cannot remember the chip's product ID (%s)", why);
    }
    free(path);
}
