/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* chips.h - `stubflash chips`: the device table, and which stub serves each line. */
#ifndef CLI_CHIPS_H
#define CLI_CHIPS_H

#include "output.h"

/* List every line of the device table: as text on stdout, or as the "chips" array of the JSON
 * document. Returns an exit code. */
int cmd_chips(cli_out *out, bool json);

#endif
