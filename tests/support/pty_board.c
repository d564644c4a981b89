/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pty_board.c - see pty_board.h. */
#define _DEFAULT_SOURCE
#include "pty_board.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board_host.h"

void pb_open(pty_board *p, const char *part, const sim_options *opt)
{
    memset(p, 0, sizeof *p);
    p->board = opt ? bh_board_opts(part, opt) : bh_board(part);
    p->pty = sim_pty_open(p->board, NULL);
    assert_non_null(p->pty);
    sim_board_wait_core(p->board); /* its thread gone before a test counts threads */
    snprintf(p->dir, sizeof p->dir, "/tmp/stubflash-test-XXXXXX");
    assert_non_null(mkdtemp(p->dir));
    snprintf(p->log, sizeof p->log, "%s/out.log", p->dir);
}

int pb_close(pty_board *p)
{
    sim_pty_close(p->pty);
    sim_board_free(p->board);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", p->dir);
    return system(cmd) == 0 ? 0 : -1;
}

const char *pb_file(pty_board *p, const char *name)
{
    snprintf(p->path, sizeof p->path, "%s/%s", p->dir, name);
    return p->path;
}

unsigned pb_log_count(const pty_board *p, const char *text)
{
    size_t n;
    uint8_t *l = bh_load_file(p->log, &n);
    l[n] = 0;
    unsigned count = 0;
    for (const char *at = (char *)l; (at = strstr(at, text)) != NULL; at += strlen(text))
        count++;
    free(l);
    return count;
}

bool pb_log_has(const pty_board *p, const char *text) { return pb_log_count(p, text) > 0; }
