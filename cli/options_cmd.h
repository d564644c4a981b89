/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* options_cmd.h - `stubflash options`: the option bytes as a table or JSON, and what a change
 * does, in words, before it is made. */
#ifndef CLI_OPTIONS_CMD_H
#define CLI_OPTIONS_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <stubflash/stubflash.h>

/* {"NAME": value, ...} into buf (NUL-terminated; cut short if it does not fit). */
void options_json(const sf_options *o, char *buf, size_t cap);
/* One line per field: name, value (hex for wide fields), register and bits, meaning. */
void options_print(const sf_options *o, FILE *f);
/* Parse NAME=VALUE (VALUE decimal or 0x hex) and stage it; on failure why says why. */
bool options_stage(sf_options *o, const char *arg, char *why, size_t cap);
/* Each staged change: old -> new and what the field does; warnings for the ones that lose the
 * bootloader (f NULL: say nothing). Returns how many lose it. */
size_t options_describe_changes(const sf_options *o, FILE *f);

#endif
