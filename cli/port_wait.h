/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* port_wait.h - the -p values as ports to open: USB identities ("usb:VID:PID[:SERIAL]",
 * "usb-serial:SERIAL") become device names through sf_port_find, and with --wait every value
 * is waited for until it appears (a board plugged in on a production line). libserialport has
 * no hotplug: this polls. */
#ifndef STUBFLASH_CLI_PORT_WAIT_H
#define STUBFLASH_CLI_PORT_WAIT_H

#include "output.h"

/* given: n values of -p (device paths, patterns, identities, sim:, URLs). Wait up to wait_s
 * seconds (0: not at all) for each device path, pattern and identity to name a port, saying
 * once what it waits for. An identity several ports have is all of them if many (write and
 * verify: every board at once), otherwise an error that lists them. *names (count entries, free
 * with gang_free_ports) keeps patterns as they are for gang_expand. 0, or an exit status with
 * the sentence in err; *cancel set (SIGINT) stops the wait. */
int port_wait_resolve(const char *const *given, size_t n, unsigned wait_s, bool many, const volatile int *cancel,
                      cli_out *out, char ***names, size_t *count, char *err, size_t errlen);

#endif
