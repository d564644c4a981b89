/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-window-gang.c - the Several Boards page: ports added to a list (kept in GSettings
 * "boards"); Flash there writes all of them at once, a job per board (sfg-board-row.c), and one
 * that fails does not stop the others. */
#include <string.h>

#include "sfg-board-row.h"
#include "sfg-window-private.h"

static SfgBoardRow *find_row(SfgWindow *self, const char *port)
{
    for (guint i = 0; i < self->gang->len; i++)
        if (!strcmp(sfg_board_row_port(g_ptr_array_index(self->gang, i)), port))
            return g_ptr_array_index(self->gang, i);
    return NULL;
}

static void save_boards(SfgWindow *self)
{
    GPtrArray *names = g_ptr_array_new();
    for (guint i = 0; i < self->gang->len; i++)
        g_ptr_array_add(names, (gpointer)sfg_board_row_port(g_ptr_array_index(self->gang, i)));
    g_ptr_array_add(names, NULL);
    g_settings_set_strv(self->settings, "boards", (const char *const *)names->pdata);
    g_ptr_array_unref(names);
    gtk_widget_set_visible(GTK_WIDGET(self->gang_label), self->gang->len == 0);
}

static void on_row_remove(SfgBoardRow *row, gpointer data)
{
    SfgWindow *self = data;
    if (sfg_board_row_busy(row))
        return;
    g_ptr_array_remove(self->gang, row);
    gtk_list_box_remove(self->board_list, GTK_WIDGET(row));
    save_boards(self);
    sfg_window_update_actions(self);
}

static void on_row_finished(SfgBoardRow *row, gboolean ok, gpointer data)
{
    (void)row;
    SfgWindow *self = data;
    if (!self->gang_running)
        return;
    self->gang_running--;
    if (ok)
        self->gang_ok++;
    else
        self->gang_failed++;
    if (self->gang_running)
        return;
    guint n = self->gang_ok + self->gang_failed;
    GString *t = g_string_new(NULL);
    g_string_printf(t, "Flash of %u boards: %u done, %u failed", n, self->gang_ok, self->gang_failed);
    for (guint i = 0; i < self->gang->len; i++) {
        SfgBoardRow *r = g_ptr_array_index(self->gang, i);
        if (g_str_has_prefix(sfg_board_row_result(r), "failed"))
            g_string_append_printf(t, "; %s %s", sfg_board_row_port(r), sfg_board_row_result(r));
    }
    sfg_window_log(self, self->gang_failed ? "error: " : "", t->str);
    sfg_window_set_status(self, self->gang_failed ? SFG_STATE_ERROR : SFG_STATE_DONE, t->str);
    char *toast = g_strdup_printf("%u of %u boards flashed", self->gang_ok, n);
    sfg_window_toast(self, toast);
    g_free(toast);
    if (self->gang_ok)
        sfg_window_remember_flash(self, self->file);
    g_string_free(t, TRUE);
    sfg_window_update_actions(self);
    if (self->close_when_done)
        gtk_window_destroy(GTK_WINDOW(self));
}

static SfgBoardRow *add_row(SfgWindow *self, const char *port)
{
    SfgBoardRow *row = find_row(self, port);
    if (row)
        return row;
    row = sfg_board_row_new(port);
    g_signal_connect(row, "remove", G_CALLBACK(on_row_remove), self);
    g_signal_connect(row, "finished", G_CALLBACK(on_row_finished), self);
    gtk_list_box_append(self->board_list, GTK_WIDGET(row));
    g_ptr_array_add(self->gang, row);
    return row;
}

static void act_add_board(GtkWidget *w, const char *name, GVariant *param)
{
    (void)name;
    SfgWindow *self = SFG_WINDOW(w);
    const char *port = param ? g_variant_get_string(param, NULL) : sfg_window_selected_port(self);
    if (!port || !*port)
        return;
    add_row(self, port);
    save_boards(self);
    sfg_window_update_actions(self);
}

void sfg_window_gang_flash(SfgWindow *self)
{
    if (!self->file || !self->gang->len || sfg_window_gang_busy(self) || self->job)
        return;
    self->gang_running = self->gang_ok = self->gang_failed = 0;
    for (guint i = 0; i < self->gang->len; i++) {
        SfgBoardRow *row = g_ptr_array_index(self->gang, i);
        sfg_job_params p;
        sfg_window_params(self, &p, SFG_JOB_FLASH, sfg_board_row_port(row));
        if (sfg_board_row_start(row, &p))
            self->gang_running++;
        sfg_window_params_clear(&p);
    }
    char *t = g_strdup_printf("Flashing %u boards at once…", self->gang_running);
    sfg_window_log(self, "", t);
    sfg_window_set_status(self, SFG_STATE_BUSY, t);
    g_free(t);
    sfg_window_update_actions(self);
}

void sfg_window_gang_cancel(SfgWindow *self)
{
    for (guint i = 0; i < self->gang->len; i++)
        sfg_board_row_cancel(g_ptr_array_index(self->gang, i));
}

gboolean sfg_window_gang_busy(SfgWindow *self) { return self->gang && self->gang_running > 0; }

void sfg_window_gang_init(SfgWindow *self)
{
    char **boards = g_settings_get_strv(self->settings, "boards");
    for (guint i = 0; boards[i]; i++)
        add_row(self, boards[i]);
    g_strfreev(boards);
    gtk_widget_set_visible(GTK_WIDGET(self->gang_label), self->gang->len == 0);
}

void sfg_window_install_gang_actions(GtkWidgetClass *wc)
{
    gtk_widget_class_install_action(wc, "win.add-board", NULL, act_add_board);
    gtk_widget_class_install_action(wc, "win.add-board-named", "s", act_add_board);
}

guint sfg_window_gang_count(SfgWindow *self) { return self->gang->len; }

const char *sfg_window_gang_result(SfgWindow *self, const char *port)
{
    SfgBoardRow *r = find_row(self, port);
    return r ? sfg_board_row_result(r) : NULL;
}

guint sfg_window_gang_cells(SfgWindow *self, const char *port, guint state)
{
    SfgBoardRow *r = find_row(self, port);
    return r ? sfg_board_row_cells(r, state) : 0;
}
