/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* output.h - how the CLI reports: progress (bar on a terminal, lines otherwise), log lines,
 * a summary, and one JSON document with --json. */
#ifndef CLI_OUTPUT_H
#define CLI_OUTPUT_H

#include <stubflash/stubflash.h>

#include <stdio.h>

/* Exit codes (documented in --help and the man page). */
enum {
    EXIT_OK = 0,
    EXIT_FAILED = 1,    /* the device refused or the operation failed */
    EXIT_USAGE = 2,
    EXIT_FILE = 3,      /* the image cannot be read or does not fit */
    EXIT_NO_DEVICE = 4, /* port cannot be opened or the bootloader does not answer */
    EXIT_PROTECTED = 5, /* readout/write protection prevents it */
    EXIT_VERIFY = 6,
    EXIT_CANCELLED = 130,
};

/* The exit code for a library error. */
int cli_exit_code(sf_error e);

typedef struct cli_out {
    bool json, quiet, verbose, tty;
    sf_phase phase;
    bool phase_open;
    uint64_t phase_start_ms, last_draw_ms, last_done, last_total;
    FILE *err;
    /* JSON fields gathered along the way */
    char *json_body;
    size_t json_len, json_cap;
} cli_out;

void out_init(cli_out *o, bool json, bool quiet, bool verbose);
void out_progress(sf_phase ph, uint64_t done, uint64_t total, void *user);
void out_log(sf_log_level lvl, const char *msg, void *user);
/* End a progress bar line if one is drawn. */
void out_finish_phase(cli_out *o);
/* Human message on stderr unless quiet (not in JSON). */
void out_say(cli_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* JSON: add "key": value pairs to the document (value already JSON-encoded). */
void out_json_raw(cli_out *o, const char *key, const char *value);
void out_json_str(cli_out *o, const char *key, const char *value);
void out_json_num(cli_out *o, const char *key, double value);
void out_json_bool(cli_out *o, const char *key, bool value);
/* Print the JSON document (if --json) and free. */
void out_close(cli_out *o);
/* JSON string escaping into buf. */
void json_escape(const char *s, char *buf, size_t len);
uint64_t out_now_ms(void);
const char *phase_name(sf_phase ph);

#endif
