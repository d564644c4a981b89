/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gang.h - `stubflash write` to many boards at once (-p given more than once, or a pattern):
 * one session and one thread per port, a progress line each, a table at the end. One board's
 * failure does not stop the others. */
#ifndef STUBFLASH_CLI_GANG_H
#define STUBFLASH_CLI_GANG_H

#include "connect_opts.h"
#include "output.h"

typedef struct gang_opts {
    connect_opts conn;         /* applied to every board's session */
    bool verify, verify_only, backup, go, go_given, force, data;
    uint32_t go_addr;
} gang_opts;

/* Expand the -p values: one with *, ? or [ is a pattern over device paths (glob(3)); the rest
 * are taken as they are. Duplicates are dropped. Returns 0, or EXIT_USAGE with a sentence in
 * err. Free *ports with gang_free_ports. */
/* Whether a -p value is a pattern of device paths (*, ?, [), not a sim: or URL port name. */
bool gang_is_pattern(const char *s);
int gang_expand(const char *const *given, size_t n, char ***ports, size_t *count, char *err, size_t errlen);
void gang_free_ports(char **ports, size_t count);
/* Write (or verify) img to every port in parallel; the exit code of the first board that
 * failed, 0 if none did. */
int gang_write(const gang_opts *o, char **ports, size_t n, const sf_image *img, cli_out *out);
/* Cancel every running board (async-signal-safe). */
void gang_cancel(void);

#endif
