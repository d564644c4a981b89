/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-board-row.c - see sfg-board-row.h. */
#include "sfg-board-row.h"

#include "gui-logic.h"
#include "sfg-flash-map.h"

struct _SfgBoardRow {
    GtkListBoxRow parent;
    GtkLabel *port_label, *phase_label, *result_label;
    GtkButton *remove_button;
    SfgFlashMap *flash_map;
    char *port, *result;
    sfg_map map;
    sfg_job *job;
    sf_phase phase;
    gint64 phase_start;
};

G_DEFINE_FINAL_TYPE(SfgBoardRow, sfg_board_row, GTK_TYPE_LIST_BOX_ROW)

enum { SIG_FINISHED, SIG_REMOVE, N_SIGNALS };
static guint signals[N_SIGNALS];

static void on_progress(void *user, sf_phase phase, guint64 done, guint64 total)
{
    SfgBoardRow *self = user;
    gint64 now = g_get_monotonic_time();
    if (phase != self->phase || done == 0) {
        self->phase = phase;
        self->phase_start = now;
    }
    char *t = sfg_progress_text(phase, done, total, (double)(now - self->phase_start) / 1e6);
    gtk_label_set_text(self->phase_label, t);
    g_free(t);
}

static void on_chip(void *user, const sf_chip *chip)
{
    SfgBoardRow *self = user;
    if (!self->map.count) {
        sfg_map_init(&self->map, chip->device, chip->flash_size);
        sfg_flash_map_set_map(self->flash_map, &self->map);
    }
}

static void on_unit(void *user, guint index, sf_unit_state state)
{
    SfgBoardRow *self = user;
    sfg_map_set(&self->map, index, state);
    sfg_flash_map_changed(self->flash_map);
}

static void on_done(void *user, sf_error err, const char *text)
{
    SfgBoardRow *self = user;
    g_free(self->result);
    char *said = sfg_gui_sentence(text);
    self->result = g_strdup_printf("%s: %s", err ? "failed" : "done", said);
    g_free(said);
    gtk_label_set_text(self->result_label, self->result);
    GtkWidget *r = GTK_WIDGET(self->result_label);
    gtk_widget_remove_css_class(r, "error");
    gtk_widget_remove_css_class(r, "success");
    gtk_widget_add_css_class(r, err ? "error" : "success");
    gtk_label_set_text(self->phase_label, err == SF_ERR_CANCELLED ? "Cancelled" : err ? "Failed" : "Done");
    sfg_job_free(self->job);
    self->job = NULL;
    gtk_widget_set_sensitive(GTK_WIDGET(self->remove_button), TRUE);
    g_signal_emit(self, signals[SIG_FINISHED], 0, err == SF_OK);
}

static void on_not_firmware(void *user, const char *why)
{
    char *t = g_strdup_printf("not firmware for this chip, nothing written: %s", why);
    on_done(user, SF_ERR_FILE, t);
    g_free(t);
}

gboolean sfg_board_row_start(SfgBoardRow *self, const sfg_job_params *p)
{
    if (self->job)
        return FALSE;
    sfg_map_clear(&self->map);
    sfg_flash_map_changed(self->flash_map);
    g_clear_pointer(&self->result, g_free);
    gtk_label_set_text(self->result_label, "");
    gtk_label_set_text(self->phase_label, "Connecting");
    gtk_widget_set_sensitive(GTK_WIDGET(self->remove_button), FALSE);
    self->phase = SF_PHASE_CONNECT;
    self->phase_start = g_get_monotonic_time();
    sfg_job_events ev = {.progress = on_progress, .chip = on_chip, .unit = on_unit, .done = on_done,
                         .not_firmware = on_not_firmware, .user = self};
    self->job = sfg_job_start(p, &ev);
    return TRUE;
}

void sfg_board_row_cancel(SfgBoardRow *self)
{
    if (self->job)
        sfg_job_cancel(self->job);
}

gboolean sfg_board_row_busy(SfgBoardRow *self) { return self->job != NULL; }

const char *sfg_board_row_result(SfgBoardRow *self) { return self->result ? self->result : ""; }

const char *sfg_board_row_port(SfgBoardRow *self) { return self->port; }

guint sfg_board_row_cells(SfgBoardRow *self, guint state) { return sfg_map_count(&self->map, state); }

static void on_remove(GtkButton *b, gpointer data)
{
    (void)b;
    g_signal_emit(data, signals[SIG_REMOVE], 0);
}

static void sfg_board_row_dispose(GObject *o)
{
    SfgBoardRow *self = SFG_BOARD_ROW(o);
    if (self->job) { /* the window goes under a job: stop it and wait */
        sfg_job_cancel(self->job);
        while (self->job)
            g_main_context_iteration(NULL, TRUE);
    }
    gtk_widget_dispose_template(GTK_WIDGET(o), SFG_TYPE_BOARD_ROW);
    G_OBJECT_CLASS(sfg_board_row_parent_class)->dispose(o);
}

static void sfg_board_row_finalize(GObject *o)
{
    SfgBoardRow *self = SFG_BOARD_ROW(o);
    sfg_map_free(&self->map);
    g_free(self->port);
    g_free(self->result);
    G_OBJECT_CLASS(sfg_board_row_parent_class)->finalize(o);
}

static void sfg_board_row_class_init(SfgBoardRowClass *klass)
{
    GObjectClass *oc = G_OBJECT_CLASS(klass);
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);
    oc->dispose = sfg_board_row_dispose;
    oc->finalize = sfg_board_row_finalize;
    g_type_ensure(SFG_TYPE_FLASH_MAP);
    gtk_widget_class_set_template_from_resource(wc, "/io/github/stubflash/Stubflash/sfg-board-row.ui");
    gtk_widget_class_bind_template_child(wc, SfgBoardRow, port_label);
    gtk_widget_class_bind_template_child(wc, SfgBoardRow, phase_label);
    gtk_widget_class_bind_template_child(wc, SfgBoardRow, result_label);
    gtk_widget_class_bind_template_child(wc, SfgBoardRow, remove_button);
    gtk_widget_class_bind_template_child(wc, SfgBoardRow, flash_map);
    signals[SIG_FINISHED] = g_signal_new("finished", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                         NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
    signals[SIG_REMOVE] = g_signal_new("remove", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 0);
}

static void sfg_board_row_init(SfgBoardRow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    sfg_flash_map_set_cell_size(self->flash_map, 6);
    g_signal_connect(self->remove_button, "clicked", G_CALLBACK(on_remove), self);
}

SfgBoardRow *sfg_board_row_new(const char *port)
{
    SfgBoardRow *self = g_object_new(SFG_TYPE_BOARD_ROW, NULL);
    self->port = g_strdup(port);
    gtk_label_set_text(self->port_label, port);
    char *name = g_strdup_printf("Board on %s", port);
    gtk_accessible_update_property(GTK_ACCESSIBLE(self), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
    gtk_accessible_update_property(GTK_ACCESSIBLE(self->flash_map), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                   "Map of the board's flash", -1);
    g_free(name);
    return self;
}
