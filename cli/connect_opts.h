/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* connect_opts.h - how the CLI reaches a chip, given once on the command line and applied to
 * every session it opens (one, or one per board with several -p). */
#ifndef STUBFLASH_CLI_CONNECT_OPTS_H
#define STUBFLASH_CLI_CONNECT_OPTS_H

#include <stubflash/stubflash.h>

typedef struct connect_opts {
    uint32_t baud, stub_baud;  /* -b, --stub-baud */
    bool no_stub;              /* --no-stub */
    unsigned usart;            /* --usart: 1-3, 0 auto */
    const char *before, *after; /* --before, --after */
    uint8_t trigger[64];       /* --enter=magic:STRING@BAUD */
    size_t trigger_len;
    uint32_t trigger_baud;
} connect_opts;

/* --enter=magic:STRING@BAUD into o; STRING takes \\r, \\n, \\\\ and \\xNN. NULL, or what is wrong. */
const char *connect_opts_parse_enter(connect_opts *o, const char *arg);
/* Set the session's rate, stub, control-line sequences and application trigger. */
sf_error connect_opts_apply(const connect_opts *o, sf_session *s);

#endif
