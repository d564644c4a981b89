/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-script.c - see sfg-script.h. */
#include "sfg-script.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gui-logic.h"
#include "sfg-a11y.h"
#include "sfg-board-page.h"
#include "sfg-settings.h"

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

/* A setting as the script compares it: on/off, a number, the string itself. */
static char *setting_text(GSettings *gs, const char *key)
{
    GSettingsSchema *schema = NULL;
    g_object_get(gs, "settings-schema", &schema, NULL);
    gboolean has = schema && g_settings_schema_has_key(schema, key);
    if (schema)
        g_settings_schema_unref(schema);
    if (!has)
        return NULL;
    GVariant *v = g_settings_get_value(gs, key);
    char *t;
    if (g_variant_is_of_type(v, G_VARIANT_TYPE_BOOLEAN))
        t = g_strdup(g_variant_get_boolean(v) ? "on" : "off");
    else if (g_variant_is_of_type(v, G_VARIANT_TYPE_STRING))
        t = g_variant_dup_string(v, NULL);
    else if (g_variant_is_of_type(v, G_VARIANT_TYPE_UINT32))
        t = g_strdup_printf("%u", g_variant_get_uint32(v));
    else
        t = g_variant_print(v, FALSE);
    g_variant_unref(v);
    return t;
}

/* Whether the shortcuts window lists an action (GtkShortcutsShortcut with its action-name). */
static gboolean overlay_lists(GtkWidget *w, const char *action)
{
    if (GTK_IS_SHORTCUTS_SHORTCUT(w)) {
        char *name = NULL;
        g_object_get(w, "action-name", &name, NULL);
        gboolean yes = !g_strcmp0(name, action);
        g_free(name);
        if (yes)
            return TRUE;
    }
    for (GtkWidget *c = gtk_widget_get_first_child(w); c; c = gtk_widget_get_next_sibling(c))
        if (overlay_lists(c, action))
            return TRUE;
    return FALSE;
}

/* A key as the application maps it: the action it is bound to (which the shortcuts window
 * must list) runs. NULL, or why not. */
static char *press_key(SfgWindow *win, const char *accel, gboolean run)
{
    GtkApplication *app = gtk_window_get_application(GTK_WINDOW(win));
    char **actions = gtk_application_get_actions_for_accel(app, accel);
    char *why = NULL;
    if (!actions[0]) {
        why = g_strdup_printf("no action has the key %s", accel);
    } else {
        GtkShortcutsWindow *help = gtk_application_window_get_help_overlay(GTK_APPLICATION_WINDOW(win));
        if (!help || !overlay_lists(GTK_WIDGET(help), actions[0]))
            why = g_strdup_printf("the shortcuts window does not list %s (%s)", actions[0], accel);
        else if (!run)
            printf("key: %s is %s\n", accel, actions[0]);
        else if (g_str_has_prefix(actions[0], "app."))
            g_action_group_activate_action(G_ACTION_GROUP(app), actions[0] + 4, NULL);
        else if (!gtk_widget_activate_action(GTK_WIDGET(win), actions[0], NULL))
            why = g_strdup_printf("%s (%s) did not run", actions[0], accel);
        else
            printf("key: %s ran %s\n", accel, actions[0]);
    }
    g_strfreev(actions);
    return why;
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
        if (!sfg_window_set_option(s->win, argv[1], argv[2], why))
            *fail = "the option was not taken";
    } else if (!strcmp(cmd, "action") && (argc == 2 || argc == 3)) {
        char *name = g_strdup_printf("win.%s", argv[1]);
        if (!gtk_widget_activate_action(GTK_WIDGET(s->win), name, argc == 3 ? "s" : NULL, argv[2]))
            *fail = "no such action";
        g_free(name);
    } else if ((!strcmp(cmd, "key") || !strcmp(cmd, "key-check")) && argc == 2) {
        *why = press_key(s->win, argv[1], cmd[3] == 0);
    } else if (!strcmp(cmd, "expect-setting") && argc == 3) {
        char *have = setting_text(sfg_window_settings(s->win), argv[1]);
        if (g_strcmp0(have, argv[2]))
            *why = g_strdup_printf("%s is \"%s\", expected \"%s\"", argv[1], have ? have : "(no such key)", argv[2]);
        g_free(have);
    } else if (!strcmp(cmd, "expect-chip") && argc >= 2) {
        char *want = g_strjoinv(" ", argv + 1);
        if (!strstr(sfg_window_chip_text(s->win), want))
            *why = g_strdup_printf("the chip line is \"%s\"", sfg_window_chip_text(s->win));
        g_free(want);
    } else if (!strcmp(cmd, "print-details") && argc == 1) {
        SfgBoardPage *page = SFG_BOARD_PAGE(sfg_window_board_page(s->win));
        printf("uid: %s\noptions:\n%s\n", sfg_board_page_detail(page, "uid"), sfg_board_page_detail(page, "options"));
        printf("fields: %s\nboot bank: %s\n", sfg_board_page_detail(page, "fields"), sfg_board_page_detail(page, "boot-bank"));
        fflush(stdout);
    } else if (!strcmp(cmd, "say") && argc >= 2) {
        char *text = g_strjoinv(" ", argv + 1);
        printf("say: %s\n", text);
        fflush(stdout);
        g_free(text);
    } else if (!strcmp(cmd, "page") && argc == 2) {
        if (!sfg_window_show_page(s->win, argv[1]))
            *fail = "no such page";
    } else if (!strcmp(cmd, "hotplug") && argc == 2 && !strcmp(argv[1], "remove-all")) {
        char **names = sfg_window_port_names(s->win);
        for (guint i = 0; names[i]; i++)
            sfg_window_port_event(s->win, "remove", names[i], NULL, NULL);
        g_strfreev(names);
    } else if (!strcmp(cmd, "expect-view") && argc == 2) {
        if (g_strcmp0(sfg_window_view(s->win), argv[1]))
            *why = g_strdup_printf("the Flash page shows \"%s\"", sfg_window_view(s->win));
    } else if (!strcmp(cmd, "hotplug") && argc >= 3 && argc <= 5) {
        sfg_window_port_event(s->win, argv[1], argv[2], argc > 3 ? argv[3] : NULL, argc > 4 ? argv[4] : NULL);
    } else if (!strcmp(cmd, "expect-port") && argc >= 2) {
        const char *label = sfg_window_port_label(s->win, argv[1]);
        char *want = argc > 2 ? g_strjoinv(" ", argv + 2) : g_strdup("");
        if (!label || !strstr(label, want))
            *why = g_strdup_printf("the port is %s", label ? label : "not listed");
        g_free(want);
    } else if (!strcmp(cmd, "expect-no-port") && argc == 2) {
        if (sfg_window_port_label(s->win, argv[1]))
            *why = g_strdup("the port is still listed");
    } else if (!strcmp(cmd, "expect-question") && argc >= 1) {
        char *want = g_strjoinv(" ", argv + 1);
        if (!*sfg_window_question(s->win) || !strstr(sfg_window_question(s->win), want))
            *why = g_strdup_printf("the question is \"%s\"", sfg_window_question(s->win));
        g_free(want);
    } else if (!strcmp(cmd, "type") && argc == 3) {
        if (!sfg_board_page_type(SFG_BOARD_PAGE(sfg_window_board_page(s->win)), argv[1], argv[2]))
            *fail = "no such entry";
    } else if (!strcmp(cmd, "expect-backups") && argc == 2) {
        guint n = sfg_board_page_backups(SFG_BOARD_PAGE(sfg_window_board_page(s->win)));
        if (n != (guint)atoi(argv[1]))
            *why = g_strdup_printf("%u backup(s) listed", n);
    } else if (!strcmp(cmd, "expect-backup") && argc >= 3) {
        SfgBoardPage *page = SFG_BOARD_PAGE(sfg_window_board_page(s->win));
        guint i = (guint)atoi(argv[1]);
        const char *title = sfg_board_page_backup_text(page, i, FALSE), *sub = sfg_board_page_backup_text(page, i, TRUE);
        char *want = g_strjoinv(" ", argv + 2), *have = g_strdup_printf("%s | %s", title ? title : "", sub ? sub : "");
        if (!title || !strstr(have, want))
            *why = g_strdup_printf("backup %u reads \"%s\"", i, have);
        g_free(want);
        g_free(have);
    } else if (!strcmp(cmd, "restore") && argc == 2) {
        const char *path = sfg_board_page_backup_path(SFG_BOARD_PAGE(sfg_window_board_page(s->win)), (guint)atoi(argv[1]));
        if (!path || !gtk_widget_activate_action(GTK_WIDGET(s->win), "win.restore", "s", path))
            *fail = "no such backup";
    } else if (!strcmp(cmd, "expect-board") && argc >= 3) {
        const char *r = sfg_window_gang_result(s->win, argv[1]);
        char *want = g_strjoinv(" ", argv + 2);
        if (!r || !strstr(r, want))
            *why = g_strdup_printf("the board's result is \"%s\"", r ? r : "(not listed)");
        g_free(want);
    } else if (!strcmp(cmd, "expect-board-cells") && argc == 4) {
        guint st;
        if (!cell_state(argv[2], &st)) {
            *fail = "no such cell state";
            return TRUE;
        }
        guint have = sfg_window_gang_cells(s->win, argv[1], st);
        if (have != (guint)atoi(argv[3]))
            *why = g_strdup_printf("%u cell(s) %s on %s, expected %s", have, argv[2], argv[1], argv[3]);
    } else if (!strcmp(cmd, "expect-boards") && argc == 2) {
        if (sfg_window_gang_count(s->win) != (guint)atoi(argv[1]))
            *why = g_strdup_printf("%u board(s) listed", sfg_window_gang_count(s->win));
    } else if (!strcmp(cmd, "expect-recent") && argc >= 3) {
        char *path = NULL;
        guint64 size;
        gint64 when;
        char *want = g_strjoinv(" ", argv + 2);
        if (!sfg_recent_get(sfg_window_settings(s->win), (guint)atoi(argv[1]), &path, &size, &when)) {
            *why = g_strdup("no such recent file");
        } else {
            char *label = sfg_recent_label(path, size, when);
            if (!strstr(label, want))
                *why = g_strdup_printf("recent file %s reads \"%s\"", argv[1], label);
            printf("recent: %s\n", label);
            g_free(label);
        }
        g_free(path);
        g_free(want);
    } else if (!strcmp(cmd, "a11y") && (argc == 1 || argc == 2)) {
        GtkWidget *w = sfg_window_part(s->win, argc == 2 ? argv[1] : NULL);
        guint checked = 0;
        char *bad = w ? sfg_a11y_unnamed(w, &checked) : NULL;
        if (!w)
            *fail = "no such window open";
        else if (bad)
            *why = g_strdup_printf("without an accessible name:\n%s", bad);
        else if (!checked)
            *why = g_strdup("no controls found");
        else
            printf("a11y: %u controls named\n", checked);
        g_free(bad);
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
    } else if (!strcmp(cmd, "shot") && (argc == 2 || argc == 3)) {
        GtkWidget *w = sfg_window_part(s->win, argc == 3 ? argv[2] : NULL);
        if (!w) {
            *fail = "no such window open";
            return TRUE;
        }
        if (!gtk_widget_get_mapped(w) || gtk_widget_get_width(w) <= 0)
            return FALSE; /* not on screen yet */
        GError *e = NULL;
        if (!sfg_window_save_png(w, argv[1], &e)) {
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
