/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pty_board.h - test helper: a virtual board served on a pseudo-terminal, with a scratch folder
 * and a log file for the programs (stubflash, stm32flash) a test runs against it. */
#ifndef TEST_PTY_BOARD_H
#define TEST_PTY_BOARD_H

#include "stm32sim.h"

#include <stdbool.h>

typedef struct pty_board {
    sim_board *board;
    sim_pty *pty;
    char dir[64], path[160], log[160];
} pty_board;

/* Start the board (opt NULL: fast mode, BOOT0 high), its pty and a scratch folder. */
void pb_open(pty_board *p, const char *part, const sim_options *opt);
/* Stop everything and remove the folder; 0 on success. */
int pb_close(pty_board *p);
/* name inside the scratch folder (valid until the next call). */
const char *pb_file(pty_board *p, const char *name);
/* Whether the last program's output contains text. */
bool pb_log_has(const pty_board *p, const char *text);
/* How many times it contains text. */
unsigned pb_log_count(const pty_board *p, const char *text);

#endif
