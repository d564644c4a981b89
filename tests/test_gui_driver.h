/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_gui_driver.h - running stubflash-gtk under Xvfb with a script (gui/sfg-script.h), for
 * test_gui.c and test_gui_bench.c. The user's folders are the test's; settings go through
 * GSettings' keyfile backend into them, so a second run finds what the first one set (the
 * memory backend forgets at exit, which a restart test cannot use). */
#ifndef TEST_GUI_DRIVER_H
#define TEST_GUI_DRIVER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board_host.h"
#include "run.h"

typedef struct gui {
    char dir[64];
    char log[128], board[128];
} gui;

static inline int gui_setup(void **state)
{
    gui *g = calloc(1, sizeof *g);
    snprintf(g->dir, sizeof g->dir, "/tmp/stubflash-gui-XXXXXX");
    if (!mkdtemp(g->dir))
        return -1;
    snprintf(g->log, sizeof g->log, "%s/app.log", g->dir);
    snprintf(g->board, sizeof g->board, "%s/board.bin", g->dir);
    *state = g;
    return 0;
}

static inline int gui_teardown(void **state)
{
    gui *g = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g->dir);
    int rc = system(cmd);
    free(g);
    return rc == 0 ? 0 : -1;
}

typedef struct gui_cmd {
    char script[4096], env_script[4200], home[128], cfg[128], data[128];
    const char *argv[14];
} gui_cmd;

/* The command line running the application with a script (';' separates steps, and may not
 * appear in them: it becomes a newline, what the application separates steps with). */
static inline void gui_command(gui *g, gui_cmd *c, const char *fmt, va_list ap)
{
    vsnprintf(c->script, sizeof c->script, fmt, ap);
    for (char *p = c->script; *p; p++)
        if (*p == ';')
            *p = '\n';
    snprintf(c->env_script, sizeof c->env_script, "STUBFLASH_GTK_SCRIPT=%s", c->script);
    snprintf(c->home, sizeof c->home, "HOME=%s", g->dir);
    snprintf(c->cfg, sizeof c->cfg, "XDG_CONFIG_HOME=%s/config", g->dir);
    snprintf(c->data, sizeof c->data, "XDG_DATA_HOME=%s/data", g->dir);
    const char *argv[] = {"env", c->env_script, c->home, c->cfg, c->data, "GSK_RENDERER=cairo", "NO_AT_BRIDGE=1",
                          "GSETTINGS_BACKEND=keyfile", "xvfb-run", "-a", "-s", "-screen 0 1280x1024x24",
                          getenv("STUBFLASH_GTK"), NULL};
    memcpy(c->argv, argv, sizeof argv);
}

/* Run the application with a script (a format); its exit status. */
static inline int run_gui(gui *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline int run_gui(gui *g, const char *fmt, ...)
{
    gui_cmd c;
    va_list ap;
    va_start(ap, fmt);
    gui_command(g, &c, fmt, ap);
    va_end(ap);
    int rc = run_program(c.argv, NULL, g->log, 180);
    if (rc)
        show_log_tail(g->log);
    return rc;
}

/* Start it, for a test that does something while it runs (run_wait ends it). */
static inline pid_t start_gui(gui *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline pid_t start_gui(gui *g, const char *fmt, ...)
{
    gui_cmd c;
    va_list ap;
    va_start(ap, fmt);
    gui_command(g, &c, fmt, ap);
    va_end(ap);
    return run_start(c.argv, NULL, g->log);
}

static inline bool log_has(gui *g, const char *text)
{
    size_t n;
    char *log = (char *)bh_load_file(g->log, &n);
    bool has = log && memmem(log, n, text, strlen(text)) != NULL;
    free(log);
    return has;
}

#endif
