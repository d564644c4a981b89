/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-options.h - the option bytes by name and the A/B update, as the Board page shows and runs
 * them, through the library's public stubflash/options.h (the window only shows the fields:
 * changing them is the command line's `options set`). Called on a job's worker thread. */
#ifndef SFG_OPTIONS_H
#define SFG_OPTIONS_H

#include <glib.h>
#include <stubflash/stubflash.h>

/* One option field, read-only. */
typedef struct sfg_option_field {
    char *name;     /* the reference manual's, e.g. "BFB2" */
    char *value;    /* "1", "0xAA (170)" */
    char *meaning;  /* one line: what it does */
} sfg_option_field;

/* The chip's option fields into fields (of sfg_option_field, cleared first), and its boot bank
 * (1 or 2; 0 on parts without A/B updates). A chip whose option bytes this version does not
 * know leaves fields empty and *why the library's sentence (g_free). */
void sfg_options_read(sf_session *s, GArray *fields, int *boot_bank, char **why);
/* An array for sfg_options_read, freeing its strings with it. */
GArray *sfg_option_fields_new(void);
/* The A/B update of the open chip: img into the bank that does not boot, verified, then the
 * boot bank switched (sf_session_write_bank_swap). *text: what was done, for the status. */
sf_error sfg_options_write_other_bank(sf_session *s, const sf_image *img, char **text);
/* Boot the other bank (sf_session_swap_banks): a rollback of an A/B update. */
sf_error sfg_options_boot_other_bank(sf_session *s, char **text);

#endif
