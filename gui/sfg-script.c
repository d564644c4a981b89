/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-script.c - see sfg-script.h. */
#include "sfg-script.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gui-logic.h"

typedef struct script {
    SfgWindow *win;
    char **steps;
    guint next;
    gint64 step_since;     /* µs: when the current step began (waits) */
    gint64 sleep_until;
    int *exit_status;
} script;

static const char *state_names[] = {"idle", "busy", "done", "error"};

static gboolean cell_state(const char *name, guint *state)
{
    static const char *names[] = {"planned", "unchanged", "erased", "writing", "written", "verified", "failed"};
    for (guint i = 0; i < G_N_ELEMENTS(names); i++)
        if (!strcmp(name, names[i])) {
            *state = i;
            return TRUE;
        }
    if (!strcmp(name, "idle")) {
        *state = SFG_CELL_IDLE;
        return TRUE;
    }
    return FALSE;
}

/* The window was closed (a "close" step): the application ends by itself. */
static void window_gone(gpointer data, GObject *where)
{
    (void)where;
    script *s = data;
    s->win = NULL;
    printf("state: closed\n");
    fflush(stdout);
}

static gboolean finish(script *s, int status, const char *why)
{
    if (why)
        fprintf(stderr, "stubflash-gtk script: step %u (%s): %s\n", s->next + 1, s->steps[s->next], why);
    *s->exit_status = status;
    GtkApplication *app = s->win ? gtk_window_get_application(GTK_WINDOW(s->win)) : NULL;
    if (s->win)
        g_object_weak_unref(G_OBJECT(s->win), window_gone, s);
    g_strfreev(s->steps);
    g_free(s);
    if (app)
        g_application_quit(G_APPLICATION(app));
    return G_SOURCE_REMOVE;
}

/* One step: TRUE when done (go on), FALSE to be called again; *fail set on failure. */
static gboolean step(script *s, char **argv, int argc, const char **fail, char **why)
{
    const char *cmd = argv[0];
    double limit = 120;
    if (!strcmp(cmd, "port") && argc == 2) {
        sfg_window_set_port(s->win, argv[1]);
    } else if (!strcmp(cmd, "file") && argc == 2) {
        sfg_window_open_file(s->win, argv[1]);
    } else if (!strcmp(cmd, "read") && argc == 2) {
        sfg_window_read_to(s->win, argv[1]);
    } else if (!strcmp(cmd, "answer") && argc == 2) {
        if (!sfg_window_answer(s->win, argv[1]))
            *fail = "no question is open";
    } else if (!strcmp(cmd, "option") && argc == 3) {
        if (!sfg_window_set_option(s->win, argv[1], !strcmp(argv[2], "on")))
            *fail = "no such option";
    } else if (!strcmp(cmd, "action") && argc == 2) {
        char *name = g_strdup_printf("win.%s", argv[1]);
        if (!gtk_widget_activate_action(GTK_WIDGET(s->win), name, NULL))
            *fail = "no such action";
        g_free(name);
    } else if (!strcmp(cmd, "wait") && (argc == 2 || argc == 3)) {
        if (argc == 3)
            limit = atof(argv[2]);
        if (!strcmp(state_names[sfg_window_state(s->win)], argv[1])) {
            printf("state: %s: %s\n", argv[1], sfg_window_status(s->win));
            fflush(stdout);
            return TRUE;
        }
        if (g_get_monotonic_time() - s->step_since > (gint64)(limit * 1e6))
            *why = g_strdup_printf("still %s after %.0f s: %s", state_names[sfg_window_state(s->win)], limit,
                                   sfg_window_status(s->win));
        return FALSE;
    } else if ((!strcmp(cmd, "wait-cells") || !strcmp(cmd, "expect-cells")) && (argc == 3 || argc == 4)) {
        guint st, want = (guint)atoi(argv[2]);
        if (!cell_state(argv[1], &st)) {
            *fail = "no such cell state";
            return TRUE;
        }
        guint have = sfg_window_cells(s->win, st);
        if (cmd[0] == 'e') {
            if (have != want)
                *why = g_strdup_printf("%u cell(s) %s, expected %u", have, argv[1], want);
            return TRUE;
        }
        if (argc == 4)
            limit = atof(argv[3]);
        if (have >= want)
            return TRUE;
        if (g_get_monotonic_time() - s->step_since > (gint64)(limit * 1e6))
            *why = g_strdup_printf("%u cell(s) %s after %.0f s, waited for %u", have, argv[1], limit, want);
        return FALSE;
    } else if (!strcmp(cmd, "expect-status") && argc >= 2) {
        char *want = g_strjoinv(" ", argv + 1);
        if (!strstr(sfg_window_status(s->win), want))
            *why = g_strdup_printf("the status is \"%s\"", sfg_window_status(s->win));
        g_free(want);
    } else if (!strcmp(cmd, "shot") && argc == 2) {
        if (!gtk_widget_get_mapped(GTK_WIDGET(s->win)) || gtk_widget_get_width(GTK_WIDGET(s->win)) <= 0)
            return FALSE; /* not on screen yet */
        GError *e = NULL;
        if (!sfg_window_save_png(s->win, argv[1], &e)) {
            /* The first frame may not be drawn yet: try again for a few seconds. */
            if (g_get_monotonic_time() - s->step_since < 5000000) {
                g_error_free(e);
                return FALSE;
            }
            *why = g_strdup(e->message);
            g_error_free(e);
        }
    } else if (!strcmp(cmd, "sleep") && argc == 2) {
        if (!s->sleep_until)
            s->sleep_until = g_get_monotonic_time() + (gint64)atoi(argv[1]) * 1000;
        if (g_get_monotonic_time() < s->sleep_until)
            return FALSE;
        s->sleep_until = 0;
    } else if (!strcmp(cmd, "close") && argc == 1) {
        gtk_window_close(GTK_WINDOW(s->win));
    } else if (!strcmp(cmd, "quit") && argc == 1) {
        *fail = "";
    } else {
        *fail = "unknown step or wrong number of words";
    }
    return TRUE;
}

static gboolean tick(gpointer data)
{
    script *s = data;
    if (!s->win)
        return finish(s, 0, NULL);
    while (s->steps[s->next]) {
        char *line = g_strstrip(g_strdup(s->steps[s->next]));
        char **argv = NULL;
        int argc = 0;
        if (!*line) {
            g_free(line);
            s->next++;
            continue;
        }
        const char *fail = NULL;
        char *why = NULL;
        gboolean done = TRUE;
        if (!g_shell_parse_argv(line, &argc, &argv, NULL))
            fail = "cannot parse the step";
        else
            done = step(s, argv, argc, &fail, &why);
        g_strfreev(argv);
        g_free(line);
        if (fail && !*fail) /* quit */
            return finish(s, 0, NULL);
        if (fail || why) {
            gboolean r = finish(s, 3, why ? why : fail);
            g_free(why);
            return r;
        }
        if (!done)
            return G_SOURCE_CONTINUE;
        s->next++;
        s->step_since = g_get_monotonic_time();
    }
    return finish(s, 0, NULL);
}

void sfg_script_start(SfgWindow *win, const char *text, int *exit_status)
{
    script *s = g_new0(script, 1);
    s->win = win;
    g_object_weak_ref(G_OBJECT(win), window_gone, s);
    s->steps = g_strsplit(text, "\n", -1);
    s->exit_status = exit_status;
    s->step_since = g_get_monotonic_time();
    g_timeout_add(50, tick, s);
}
