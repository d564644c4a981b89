/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.h - the command's settings and where each comes from: config files (a project's
 * stubflash.ini, found from the current folder upwards, over the user's
 * $XDG_CONFIG_HOME/stubflash/config.ini), their [board NAME] sections, environment variables and
 * the command line, in rising precedence. `stubflash config` prints the result. */
#ifndef STUBFLASH_CLI_CONFIG_H
#define STUBFLASH_CLI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The settings a config file may hold (each also a command-line option). */
typedef enum cfg_key {
    CFG_PORT,
    CFG_BAUD,
    CFG_STUB,
    CFG_STUB_BAUD,
    CFG_USART,
    CFG_BEFORE,
    CFG_AFTER,
    CFG_ENTER,
    CFG_PROTOCOL,
    CFG_YMODEM_START,
    CFG_ADDRESS,
    CFG_REQUIRE_SIGNATURE,
    CFG_WAIT,
    CFG_NKEYS
} cfg_key;

/* In rising precedence: a later source replaces an earlier one; within files, a project's file
 * replaces the user's, and a [board NAME] section replaces the files' top-level settings. */
typedef enum cfg_source { CFG_SRC_DEFAULT, CFG_SRC_FILE, CFG_SRC_ENV, CFG_SRC_CLI } cfg_source;

typedef struct cfg_entry {
    char *value;       /* NULL: not set (no default either) */
    cfg_source source;
    char *where;       /* "FILE:LINE", "$STUBFLASH_PORT", "command line", "default" */
} cfg_entry;

typedef struct cfg {
    cfg_entry e[CFG_NKEYS];
    cfg_entry board;           /* the [board NAME] chosen by --board or $STUBFLASH_BOARD */
    char *board_where;         /* "FILE:LINE" of the section used */
    char *files[2];            /* the user's and the project's file: path, NULL if none */
    bool read[2];              /* whether each exists and was read */
} cfg;

/* Reads an environment variable (getenv, or a test's table). */
typedef const char *(*cfg_getenv)(const char *name);

/* Set the defaults. Free with cfg_free. */
void cfg_init(cfg *c);
void cfg_free(cfg *c);
/* The key's name in files ("stub-baud"); the variable that sets it, NULL if none. */
const char *cfg_key_name(cfg_key k);
const char *cfg_key_env(cfg_key k);
/* The key called name ('_' may stand for '-'), or -1. */
int cfg_key_find(const char *name);
/* Whether value is good for k; if not, why holds what is expected. */
bool cfg_check(cfg_key k, const char *value, char *why, size_t whylen);
/* Record value for k from src (where says from where) unless a higher source set it already. */
void cfg_set(cfg *c, cfg_key k, const char *value, cfg_source src, const char *where);

/* Numbers: 0x for hex, K/M suffixes. */
bool cfg_parse_u32(const char *s, uint32_t *out);
/* on/off, yes/no, true/false, 1/0. */
bool cfg_parse_bool(const char *s, bool *out);

/* The first stubflash.ini from dir upwards into path; false if there is none. */
bool cfg_find_project_file(const char *dir, char *path, size_t len);
/* $XDG_CONFIG_HOME/stubflash/config.ini, or ~/.config/stubflash/config.ini; false if neither
 * variable is set. */
bool cfg_user_file(const char *xdg_config_home, const char *home, char *path, size_t len);

/* Read one file's top-level settings (board NULL) or its [board NAME] section's. A missing file
 * is not an error (*found false). Every line is checked, whichever section it is in. 0, or -1
 * with "FILE:LINE: what is wrong" in err. *has_board tells whether the section was there. */
int cfg_load_file(cfg *c, const char *path, const char *board, bool *found, bool *has_board, char *err,
                  size_t errlen);
/* Everything below the command line: the user's file, the project's file (searched from cwd),
 * the board's sections, then the environment. The board comes from c->board if the command
 * line set it, else from $STUBFLASH_BOARD; naming one no file has is an error. 0, or -1 with a
 * sentence in err (bad usage: exit status 2). */
int cfg_load(cfg *c, const char *cwd, cfg_getenv get, char *err, size_t errlen);

/* The effective settings and their sources, in the files' syntax; and as a JSON object. */
void cfg_print(const cfg *c, FILE *f);
char *cfg_json(const cfg *c);

#endif
