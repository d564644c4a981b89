/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* port_lock.h - one program per local port (port_lock.c). Internal. */
#ifndef SF_PORT_LOCK_H
#define SF_PORT_LOCK_H

#include "sf_internal.h"

#include <limits.h>

typedef struct sf_port_lock {
    char file[PATH_MAX + 16]; /* the UUCP lock file we made, "" if none */
} sf_port_lock;

/* Take the port opened as fd exclusively (flock, UUCP lock file, TIOCEXCL). SF_ERR_PORT with
 * "NAME is in use by PID N (COMMAND)" if another process has it. */
sf_error sf_port_lock_take(const char *name, int fd, sf_port_lock *lock, sf_errbuf *eb);
/* The sentence for a port whose open(2) said EBUSY: who holds it, if that can be found. */
sf_error sf_port_lock_busy(const char *name, sf_errbuf *eb);
/* Give the port back (before closing fd). */
void sf_port_lock_release(sf_port_lock *lock, int fd);

#endif
