/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* rate_memory.h - what is remembered per USB adapter: the stub's rates, so that the next run
 * starts at the rate that worked instead of probing again, and the chip's product ID. One text
 * file, shared by every process (a gang writes it from many threads and programs at once), a
 * line per adapter, newest first:
 *
 *     usb:0403:6015:DK0ABC12 worked=3000000 failed=921600,2000000
 *
 * "worked" is the fastest rate the stub and the host heard each other at through this adapter;
 * "failed" the faster ones that came out garbled (an adapter that divides its clock cannot make
 * them). Rates a chip's USART cannot make are not tried, so they are in neither. "pid", where
 * there, is the product ID the chip behind the adapter gave when it was last identified:
 *
 *     usb:0403:6015:DK0ABC12 worked=3000000 failed=921600 pid=0x414
 *
 * A Get ID that gives the same needs no second Get ID to confirm it (connect.c). */
#ifndef RATE_MEMORY_H
#define RATE_MEMORY_H

#include "sf_internal.h"

#define RM_FAILED_MAX 12
#define RM_ADAPTERS_MAX 64 /* lines kept: the adapters used last */

typedef struct rate_memory {
    uint32_t worked; /* 0: none known */
    uint32_t failed[RM_FAILED_MAX];
    size_t nfailed;
    uint16_t pid; /* 0: none known */
} rate_memory;

/* Whether rate is among m's failed ones. */
bool rm_failed(const rate_memory *m, uint32_t rate);
/* Add rate to m's failed ones (and forget it as the one that worked). */
void rm_note_failed(rate_memory *m, uint32_t rate);

/* The default file: $XDG_CACHE_HOME/stubflash/rates, else $HOME/.cache/stubflash/rates, into
 * *path (malloc'd); SF_ERR_FILE if neither variable is set. */
sf_error rm_default_path(char **path, sf_errbuf *eb);
/* What the file at path says of the adapter key (sf_port_usb_key) into *m; a file or a line
 * that is not there is an empty memory, not an error. */
sf_error rm_load(const char *path, const char *key, rate_memory *m, sf_errbuf *eb);
/* Put m as key's line at the top of the file at path (creating it and its folder), under an
 * exclusive lock of path.lock; other adapters' lines stay. */
sf_error rm_store(const char *path, const char *key, const rate_memory *m, sf_errbuf *eb);

#endif
