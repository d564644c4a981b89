/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-window.c - see sfg-window.h: ports, the firmware, the single board's jobs and actions,
 * the window itself. */
#include <string.h>

#include "sfg-board-row.h"
#include "sfg-preferences.h"
#include "sfg-settings.h"
#include "sfg-window-private.h"

G_DEFINE_FINAL_TYPE(SfgWindow, sfg_window, ADW_TYPE_APPLICATION_WINDOW)

/* ---- small helpers ---- */

void sfg_window_log(SfgWindow *self, const char *prefix, const char *text)
{
    GtkTextBuffer *b = gtk_text_view_get_buffer(self->log_view);
    GtkTextIter end;
    gtk_text_buffer_get_end_iter(b, &end);
    char *line = g_strdup_printf("%s%s\n", prefix, text);
    gtk_text_buffer_insert(b, &end, line, -1);
    g_free(line);
    gtk_text_buffer_get_end_iter(b, &end);
    GtkTextMark *m = gtk_text_buffer_create_mark(b, NULL, &end, FALSE);
    gtk_text_view_scroll_mark_onscreen(self->log_view, m);
    gtk_text_buffer_delete_mark(b, m);
}

void sfg_window_set_status(SfgWindow *self, sfg_state state, const char *text)
{
    self->state = state;
    g_free(self->status);
    self->status = g_strdup(text);
    gtk_label_set_text(self->status_label, text);
    GtkWidget *w = GTK_WIDGET(self->status_label);
    gtk_widget_remove_css_class(w, "error");
    gtk_widget_remove_css_class(w, "success");
    if (state == SFG_STATE_ERROR)
        gtk_widget_add_css_class(w, "error");
    else if (state == SFG_STATE_DONE)
        gtk_widget_add_css_class(w, "success");
}

void sfg_window_toast(SfgWindow *self, const char *text)
{
    AdwToast *t = adw_toast_new(text);
    adw_toast_set_timeout(t, 5);
    adw_toast_overlay_add_toast(self->toast_overlay, t);
}

const char *sfg_window_selected_port(SfgWindow *self)
{
    guint i = gtk_drop_down_get_selected(self->port_drop);
    return i < self->port_names->len ? g_ptr_array_index(self->port_names, i) : NULL;
}

static gboolean on_gang_page(SfgWindow *self)
{
    return !g_strcmp0(adw_view_stack_get_visible_child_name(self->view_stack), "boards");
}

void sfg_window_update_actions(SfgWindow *self)
{
    gboolean busy = self->job != NULL || sfg_window_gang_busy(self);
    gboolean port = sfg_window_selected_port(self) != NULL, file = self->file != NULL;
    gboolean gang = on_gang_page(self), boards = self->gang->len > 0;
    GtkWidget *w = GTK_WIDGET(self);
    static const char *board_actions[] = {"win.identify", "win.read", "win.erase", "win.details", "win.rollback",
                                          "win.restore", "win.erase-range", "win.go", "win.protect-readout",
                                          "win.protect-readout-2", "win.unprotect-readout", "win.protect-write",
                                          "win.unprotect-write"};
    for (size_t i = 0; i < G_N_ELEMENTS(board_actions); i++)
        gtk_widget_action_set_enabled(w, board_actions[i], !busy && port);
    gtk_widget_action_set_enabled(w, "win.flash", !busy && file && (gang ? boards : port));
    gtk_widget_action_set_enabled(w, "win.verify", !busy && port && file);
    /* A/B: the Board page shows these where the part's banks swap (sfg-board-page.c). */
    gtk_widget_action_set_enabled(w, "win.flash-bank-swap", !busy && port && file);
    gtk_widget_action_set_enabled(w, "win.swap-banks", !busy && port);
    gtk_widget_action_set_enabled(w, "win.open", !busy);
    gtk_widget_action_set_enabled(w, "win.open-recent", !busy);
    gtk_widget_action_set_enabled(w, "win.other-port", !busy);
    gtk_widget_action_set_enabled(w, "win.add-board", !busy && port);
    gtk_widget_action_set_enabled(w, "win.cancel", busy);
    gtk_widget_set_sensitive(GTK_WIDGET(self->port_drop), !busy);
    gtk_stack_set_visible_child_name(self->main_stack, port ? "board" : "none");
}

/* ---- ports ---- */

static void fill_ports(SfgWindow *self, gboolean force)
{
    if ((self->job || sfg_window_gang_busy(self)) && !force) { /* a port in use stays as it is */
        self->ports_dirty = TRUE;
        return;
    }
    self->ports_dirty = FALSE;
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *labels = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < sfg_port_monitor_count(self->ports); i++) {
        g_ptr_array_add(names, g_strdup(sfg_port_monitor_name(self->ports, i)));
        g_ptr_array_add(labels, g_strdup(sfg_port_monitor_label(self->ports, i)));
    }
    gboolean listed = FALSE;
    for (guint i = 0; self->extra_port && i < names->len; i++)
        listed |= !strcmp(g_ptr_array_index(names, i), self->extra_port);
    if (self->extra_port && *self->extra_port && !listed) {
        g_ptr_array_insert(names, 0, g_strdup(self->extra_port));
        g_ptr_array_insert(labels, 0, g_str_has_prefix(self->extra_port, "/dev/")
                                          ? g_strdup_printf("%s (not found now: unplugged?)", self->extra_port)
                                          : g_strdup(self->extra_port));
    }
    char *keep = g_strdup(sfg_window_selected_port(self));
    if (!keep)
        keep = g_settings_get_string(self->settings, "port");
    g_ptr_array_add(labels, NULL);
    guint old = g_list_model_get_n_items(G_LIST_MODEL(self->port_labels));
    g_ptr_array_unref(self->port_names);
    self->port_names = names;
    gtk_string_list_splice(self->port_labels, 0, old, (const char *const *)labels->pdata);
    g_ptr_array_unref(labels);
    guint sel = GTK_INVALID_LIST_POSITION;
    for (guint i = 0; keep && i < names->len; i++)
        if (!strcmp(g_ptr_array_index(names, i), keep))
            sel = i;
    if (sel == GTK_INVALID_LIST_POSITION && names->len)
        sel = 0;
    gtk_drop_down_set_selected(self->port_drop, sel);
    g_free(keep);
    sfg_window_update_actions(self);
}

static void on_ports_changed(SfgPortMonitor *m, gpointer data)
{
    (void)m;
    fill_ports(data, FALSE);
}

/* Said, not acted on: a job on that port ends by itself with the library's sentence. */
static void on_port_removed(SfgPortMonitor *m, const char *name, gpointer data)
{
    (void)m;
    SfgWindow *self = data;
    char *t = g_strdup_printf("%s was unplugged", name);
    sfg_window_log(self, "", t);
    if (!g_strcmp0(name, sfg_window_selected_port(self)) || self->job)
        sfg_window_toast(self, t);
    g_free(t);
}

void sfg_window_set_port(SfgWindow *self, const char *name)
{
    g_free(self->extra_port);
    self->extra_port = g_strdup(name);
    g_settings_set_string(self->settings, "port", name);
    gtk_drop_down_set_selected(self->port_drop, GTK_INVALID_LIST_POSITION);
    fill_ports(self, TRUE);
}

void sfg_window_port_event(SfgWindow *self, const char *action, const char *node, const char *description,
                           const char *serial)
{
    sfg_port_monitor_event(self->ports, action, node, description, serial);
}

const char *sfg_window_view(SfgWindow *self) { return gtk_stack_get_visible_child_name(self->main_stack); }

char **sfg_window_port_names(SfgWindow *self)
{
    char **names = g_new0(char *, self->port_names->len + 1);
    for (guint i = 0; i < self->port_names->len; i++)
        names[i] = g_strdup(g_ptr_array_index(self->port_names, i));
    return names;
}

const char *sfg_window_port_label(SfgWindow *self, const char *name)
{
    for (guint i = 0; i < self->port_names->len; i++)
        if (!strcmp(g_ptr_array_index(self->port_names, i), name))
            return gtk_string_list_get_string(self->port_labels, i);
    return NULL;
}

/* ---- the firmware ---- */

void sfg_window_set_file(SfgWindow *self, const char *path)
{
    g_free(self->file);
    self->file = g_strdup(path);
    char *base = g_path_get_basename(path);
    char *text = sfg_file_kind_of(path) == SFG_FILE_BIN
                     ? g_strdup_printf("%s (raw binary at 0x%08X)", base, g_settings_get_uint(self->settings, "base"))
                     : g_strdup(base);
    gtk_label_set_text(self->file_label, text);
    gtk_widget_set_tooltip_text(GTK_WIDGET(self->file_label), path);
    gtk_widget_remove_css_class(GTK_WIDGET(self->file_label), "dim-label");
    g_free(text);
    g_free(base);
    g_settings_set_string(self->settings, "file", path);
    sfg_window_update_actions(self);
}

void sfg_window_open_file(SfgWindow *self, const char *path)
{
    if (!sfg_file_accepted(path)) {
        char *t = g_strdup_printf("%s is not a firmware file stubflash reads: expected .hex, .srec (.s19, .s28, .s37), "
                                  ".elf, .bin, or one of them gzip'd (.gz)", path);
        sfg_window_set_status(self, SFG_STATE_ERROR, t);
        sfg_window_toast(self, "Not a firmware file");
        g_free(t);
        return;
    }
    if (sfg_file_kind_of(path) != SFG_FILE_BIN) {
        sfg_window_set_file(self, path);
        return;
    }
    char *name = g_path_get_basename(path), *q = g_strdup_printf("Where does %s go?", name);
    char base[16];
    g_snprintf(base, sizeof base, "0x%08X", g_settings_get_uint(self->settings, "base"));
    sfg_window_ask(self, ASK_BASE, q, "A raw binary has no addresses: give the flash address of its first byte.",
                   "_Use", FALSE, base);
    self->ask_path = g_strdup(path);
    g_free(name);
    g_free(q);
}

/* ---- job events ---- */

static void on_log(void *user, sf_log_level level, const char *text)
{
    static const char *prefix[] = {"error: ", "warning: ", "", ""};
    sfg_window_log(user, prefix[level <= SF_LOG_DEBUG ? level : SF_LOG_INFO], text);
}

static void on_progress(void *user, sf_phase phase, guint64 done, guint64 total)
{
    SfgWindow *self = user;
    gint64 now = g_get_monotonic_time();
    if (phase != self->phase || done == 0) {
        self->phase = phase;
        self->phase_start = now;
    }
    char *t = sfg_progress_text(phase, done, total, (double)(now - self->phase_start) / 1e6);
    gtk_progress_bar_set_fraction(self->progress, sfg_progress_fraction(done, total));
    gtk_progress_bar_set_text(self->progress, t);
    g_free(t);
}

static void show_map_summary(SfgWindow *self)
{
    char *s = sfg_map_summary(&self->map);
    char *t = g_strdup_printf("%u units: %s", self->map.count, s);
    gtk_label_set_text(self->map_label, self->map.count ? t : "The map of the flash appears once the board is identified.");
    g_free(s);
    g_free(t);
}

static void on_chip(void *user, const sf_chip *chip)
{
    SfgWindow *self = user;
    self->chip = *chip;
    self->have_chip = TRUE;
    char *t = sfg_chip_text(chip);
    gtk_label_set_text(self->chip_label, t);
    g_free(t);
    sfg_board_page_set_chip(self->board_page, chip);
    if (self->map_pid != chip->pid || self->map_flash != chip->flash_size || !self->map.count) {
        sfg_flash_map_set_map(self->flash_map, NULL);
        sfg_map_free(&self->map);
        sfg_map_init(&self->map, chip->device, chip->flash_size);
        self->map_pid = chip->pid;
        self->map_flash = chip->flash_size;
        sfg_flash_map_set_map(self->flash_map, &self->map);
    }
    show_map_summary(self);
}

static void on_unit(void *user, guint index, sf_unit_state state)
{
    SfgWindow *self = user;
    sfg_map_set(&self->map, index, state);
    sfg_flash_map_changed(self->flash_map);
    show_map_summary(self);
}

static void on_details(void *user, const sfg_details *d) { sfg_board_page_set_details(SFG_WINDOW(user)->board_page, d); }

static void on_done(void *user, sf_error err, const char *text)
{
    SfgWindow *self = user;
    if (self->quiet) { /* a refresh of the Board page: what it found is shown there */
        self->quiet = FALSE;
        if (err)
            sfg_window_log(self, "warning: ", text);
        sfg_job_free(self->job);
        self->job = NULL;
        if (self->ports_dirty)
            fill_ports(self, FALSE);
        sfg_window_update_actions(self);
        if (self->close_when_done)
            gtk_window_destroy(GTK_WINDOW(self));
        return;
    }
    const char *what = sfg_job_kind_name(self->job_kind);
    char *t;
    if (err == SF_OK) {
        t = g_strdup_printf("%s: done, %s.", what, text);
        gtk_progress_bar_set_fraction(self->progress, 1.0);
        gtk_progress_bar_set_text(self->progress, "Done");
        if (self->job_kind == SFG_JOB_FLASH)
            sfg_window_remember_flash(self, self->file);
    } else {
        char *said = sfg_gui_sentence(text);
        t = g_strdup_printf("%s failed: %s", what, said);
        g_free(said);
        gtk_progress_bar_set_text(self->progress, err == SF_ERR_CANCELLED ? "Cancelled" : "Failed");
    }
    sfg_window_log(self, err ? "error: " : "", t);
    sfg_window_set_status(self, err ? SFG_STATE_ERROR : SFG_STATE_DONE, t);
    char *toast = err ? g_strdup_printf("%s failed", what) : g_strdup_printf("%s: done", what);
    sfg_window_toast(self, toast);
    g_free(toast);
    g_free(t);
    sfg_job_free(self->job);
    self->job = NULL;
    /* what changed the flash or the protection is listed again (backups, option bytes) */
    sfg_job_kind k = self->job_kind;
    gboolean refresh = err == SF_OK && (k == SFG_JOB_FLASH || k == SFG_JOB_ROLLBACK || k == SFG_JOB_PROTECT) &&
                       !self->close_when_done && !g_strcmp0(adw_view_stack_get_visible_child_name(self->view_stack),
                                                            "board");
    if (self->ports_dirty)
        fill_ports(self, FALSE);
    sfg_window_update_actions(self);
    if (self->close_when_done)
        gtk_window_destroy(GTK_WINDOW(self));
    else if (refresh) {
        self->quiet = TRUE;
        sfg_window_start_job(self, SFG_JOB_DETAILS, NULL);
        self->quiet = self->job != NULL;
    }
}

/* The board was not touched: say why, and offer to write it all the same. */
static void on_not_firmware(void *user, const char *why)
{
    SfgWindow *self = user;
    sfg_job_free(self->job);
    self->job = NULL;
    char *t = g_strdup_printf("Flash stopped: %s", why);
    sfg_window_log(self, "warning: ", t);
    sfg_window_set_status(self, SFG_STATE_ERROR, t);
    gtk_progress_bar_set_text(self->progress, "Not firmware for this chip");
    g_free(t);
    sfg_window_update_actions(self);
    if (self->close_when_done) {
        gtk_window_destroy(GTK_WINDOW(self));
        return;
    }
    sfg_window_ask(self, ASK_FORCE, "This file does not look like firmware for the chip", why, "Flash _Anyway", TRUE,
                   NULL);
}

static char *signature_key(SfgWindow *self)
{
    if (g_settings_get_boolean(self->settings, "require-signature"))
        return g_settings_get_string(self->settings, "signature-key");
    /* the command line's setting, for a production line that sets it for every tool */
    return g_strdup(g_getenv("STUBFLASH_REQUIRE_SIGNATURE"));
}

void sfg_window_params(SfgWindow *self, sfg_job_params *p, sfg_job_kind kind, const char *port)
{
    GSettings *gs = self->settings;
    char *data_dir = g_build_filename(g_get_user_data_dir(), "stubflash", NULL);
    g_mkdir_with_parents(data_dir, 0700);
    *p = (sfg_job_params){
        .kind = kind,
        .port = sfg_port_to_open(port, data_dir),
        .file = g_strdup(self->file),
        .base = g_settings_get_uint(gs, "base"),
        .verify = g_settings_get_boolean(gs, "verify"),
        .stub = g_settings_get_boolean(gs, "stub"),
        .go = g_settings_get_boolean(gs, "go"),
        .backup = g_settings_get_boolean(gs, "backups"),
        .stub_baud = g_settings_get_uint(gs, "stub-baud"),
        .usart = g_settings_get_uint(gs, "usart"),
        .baud = g_settings_get_uint(gs, "bootloader-baud"),
        .before = g_settings_get_string(gs, "before"),
        .after = g_settings_get_string(gs, "after"),
        .signature_key = signature_key(self),
    };
    g_free(data_dir);
}

void sfg_window_params_clear(sfg_job_params *p)
{
    g_free((char *)p->port);
    g_free((char *)p->file);
    g_free((char *)p->before);
    g_free((char *)p->after);
    g_free((char *)p->signature_key);
}

void sfg_window_start_job_with(SfgWindow *self, sfg_job_kind kind, void (*fill)(sfg_job_params *, gpointer),
                               gpointer data)
{
    const char *port = sfg_window_selected_port(self);
    if (!port || self->job || sfg_window_gang_busy(self))
        return;
    sfg_job_params p;
    sfg_window_params(self, &p, kind, port);
    p.force = kind == SFG_JOB_FLASH && self->force_next;
    if (fill)
        fill(&p, data);
    self->force_next = FALSE;
    sfg_job_events ev = {.log = on_log, .progress = on_progress, .chip = on_chip, .unit = on_unit, .done = on_done,
                         .user = self, .not_firmware = on_not_firmware, .details = on_details};
    if (kind == SFG_JOB_FLASH || kind == SFG_JOB_ERASE || kind == SFG_JOB_ROLLBACK || kind == SFG_JOB_ERASE_RANGE ||
        kind == SFG_JOB_FLASH_AB) {
        sfg_map_clear(&self->map);
        sfg_flash_map_changed(self->flash_map);
        show_map_summary(self);
    }
    static const char *what[] = {"Identifying", "Flashing",     "Verifying", "Reading",      "Erasing",
                                 "Reading the details", "Rolling back", "Erasing", "Starting the code",
                                 "Changing the protection", "Writing the other bank", "Switching the boot bank"};
    char *t = g_strdup_printf("%s through %s…", what[kind], port);
    sfg_window_log(self, "", t);
    if (!self->quiet) {
        sfg_window_set_status(self, SFG_STATE_BUSY, t);
        gtk_progress_bar_set_fraction(self->progress, 0);
        gtk_progress_bar_set_text(self->progress, "Connecting");
    }
    g_free(t);
    self->phase = SF_PHASE_CONNECT;
    self->phase_start = g_get_monotonic_time();
    self->job_kind = kind;
    self->job = sfg_job_start(&p, &ev);
    sfg_window_params_clear(&p);
    sfg_window_update_actions(self);
}

static void fill_read_path(sfg_job_params *p, gpointer path) { p->read_path = path; }

void sfg_window_start_job(SfgWindow *self, sfg_job_kind kind, const char *read_path)
{
    sfg_window_start_job_with(self, kind, read_path ? fill_read_path : NULL, (gpointer)read_path);
}

/* ---- actions ---- */

/* win.identify, win.flash, win.verify, win.details, win.rollback: no more questions. The A/B pair
 * (win.flash-bank-swap, win.swap-banks) asks first: sfg-window-ask.c. */
static void act_job(GtkWidget *w, const char *name, GVariant *param)
{
    (void)param;
    SfgWindow *self = SFG_WINDOW(w);
    if (!strcmp(name, "win.flash") && on_gang_page(self)) {
        sfg_window_gang_flash(self);
        return;
    }
    sfg_job_kind kind = !strcmp(name, "win.flash")      ? SFG_JOB_FLASH
                        : !strcmp(name, "win.verify")   ? SFG_JOB_VERIFY
                        : !strcmp(name, "win.details")  ? SFG_JOB_DETAILS
                        : !strcmp(name, "win.rollback") ? SFG_JOB_ROLLBACK
                                                        : SFG_JOB_IDENTIFY;
    sfg_window_start_job(self, kind, NULL);
}

static void act_cancel(GtkWidget *w, const char *name, GVariant *param)
{
    (void)name;
    (void)param;
    SfgWindow *self = SFG_WINDOW(w);
    if (self->job) {
        sfg_job_cancel(self->job);
        gtk_progress_bar_set_text(self->progress, "Cancelling…");
    }
    sfg_window_gang_cancel(self);
}

static void act_other_port(GtkWidget *w, const char *name, GVariant *param)
{
    (void)name;
    (void)param;
    SfgWindow *self = SFG_WINDOW(w);
    const char *now = sfg_window_selected_port(self);
    sfg_window_ask(self, ASK_PORT, "Which port is the board on?",
                   "tcp://HOST:PORT for a raw TCP serial bridge (its rate is the bridge's), rfc2217://HOST:PORT for a "
                   "bridge that takes the rate and the control lines (RFC 2217), a device path, or sim:PART for a "
                   "virtual board.", "_Use", FALSE, now && !g_str_has_prefix(now, "sim:") ? now : "");
}

static void act_erase(GtkWidget *w, const char *name, GVariant *param)
{
    (void)name;
    (void)param;
    SfgWindow *self = SFG_WINDOW(w);
    char *q = g_strdup_printf("Erase the whole flash of the board on %s?", sfg_window_selected_port(self));
    sfg_window_ask(self, ASK_ERASE, q, "Every page is erased (mass erase), the firmware included. This cannot be undone.",
                   "_Erase", TRUE, NULL);
    g_free(q);
}

/* ---- window ---- */

static gboolean on_drop(GtkDropTarget *t, const GValue *value, double x, double y, gpointer data)
{
    (void)t;
    (void)x;
    (void)y;
    SfgWindow *self = data;
    if (self->job || !G_VALUE_HOLDS(value, G_TYPE_FILE))
        return FALSE;
    char *path = g_file_get_path(g_value_get_object(value));
    if (!path)
        return FALSE;
    sfg_window_open_file(self, path);
    g_free(path);
    return TRUE;
}

static gboolean on_close_request(GtkWindow *w)
{
    SfgWindow *self = SFG_WINDOW(w);
    if (!self->job && !sfg_window_gang_busy(self))
        return FALSE;
    sfg_window_ask(self, ASK_CLOSE, "A job is under way. Stop it and close?",
                   "Stopping a write leaves the flash half-written until the next Flash (which rewrites what differs); "
                   "the chip's ROM bootloader stays, so the board can always be flashed again.",
                   "_Stop and Close", TRUE, NULL);
    return TRUE;
}

static void on_port_selected(GObject *o, GParamSpec *p, gpointer data)
{
    (void)o;
    (void)p;
    SfgWindow *self = data;
    const char *port = sfg_window_selected_port(self);
    if (port)
        g_settings_set_string(self->settings, "port", port);
    sfg_window_update_actions(self);
}

static void on_page_changed(GObject *o, GParamSpec *p, gpointer data)
{
    (void)o;
    (void)p;
    sfg_window_update_actions(data);
}

static void on_setting_changed(GSettings *gs, const char *key, gpointer data)
{
    (void)gs;
    if (!strcmp(key, "recent-files"))
        sfg_window_fill_recent_menu(data);
}

static void fill_legend(SfgWindow *self)
{
    static const guint states[] = {SFG_CELL_IDLE, SF_UNIT_UNCHANGED, SF_UNIT_ERASED, SF_UNIT_WRITING,
                                   SF_UNIT_WRITTEN, SF_UNIT_VERIFIED, SF_UNIT_FAILED};
    for (size_t i = 0; i < G_N_ELEMENTS(states); i++) {
        GdkRGBA c;
        sfg_flash_map_color(states[i], &c);
        char *hex = g_strdup_printf("#%02X%02X%02X", (int)(c.red * 255 + 0.5), (int)(c.green * 255 + 0.5),
                                    (int)(c.blue * 255 + 0.5));
        char *markup = g_markup_printf_escaped("<span foreground=\"%s\">■</span> %s", hex, sfg_cell_name(states[i]));
        GtkWidget *l = gtk_label_new(NULL);
        gtk_label_set_markup(GTK_LABEL(l), markup);
        gtk_box_append(self->legend_box, l);
        g_free(markup);
        g_free(hex);
    }
}

static void sfg_window_dispose(GObject *o)
{
    SfgWindow *self = SFG_WINDOW(o);
    if (self->job) { /* the application is quitting under a job: stop it, wait for it */
        self->close_when_done = FALSE; /* being disposed already */
        sfg_job_cancel(self->job);
        while (self->job) /* on_done clears it */
            g_main_context_iteration(NULL, TRUE);
    }
    if (sfg_window_gang_busy(self)) { /* the same for every board of a gang, while the rows live */
        self->close_when_done = FALSE;
        sfg_window_gang_cancel(self);
        while (sfg_window_gang_busy(self))
            g_main_context_iteration(NULL, TRUE);
    }
    sfg_window_close_ask(self);
    if (self->preferences)
        gtk_window_destroy(self->preferences);
    if (self->ports)
        g_signal_handlers_disconnect_by_data(self->ports, self);
    g_clear_object(&self->ports);
    if (self->settings)
        g_signal_handlers_disconnect_by_data(self->settings, self);
    gtk_widget_dispose_template(GTK_WIDGET(o), SFG_TYPE_WINDOW);
    g_clear_object(&self->settings);
    G_OBJECT_CLASS(sfg_window_parent_class)->dispose(o);
}

static void sfg_window_finalize(GObject *o)
{
    SfgWindow *self = SFG_WINDOW(o);
    sfg_map_free(&self->map);
    g_ptr_array_unref(self->port_names);
    g_ptr_array_unref(self->gang);
    g_free(self->extra_port);
    g_free(self->file);
    g_free(self->status);
    G_OBJECT_CLASS(sfg_window_parent_class)->finalize(o);
}

static void sfg_window_class_init(SfgWindowClass *klass)
{
    GObjectClass *oc = G_OBJECT_CLASS(klass);
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);
    oc->dispose = sfg_window_dispose;
    oc->finalize = sfg_window_finalize;
    GTK_WINDOW_CLASS(klass)->close_request = on_close_request;
    g_type_ensure(SFG_TYPE_FLASH_MAP);
    g_type_ensure(SFG_TYPE_BOARD_PAGE);
    gtk_widget_class_set_template_from_resource(wc, "/io/github/stubflash/Stubflash/sfg-window.ui");
    gtk_widget_class_bind_template_child(wc, SfgWindow, port_drop);
    gtk_widget_class_bind_template_child(wc, SfgWindow, file_label);
    gtk_widget_class_bind_template_child(wc, SfgWindow, chip_label);
    gtk_widget_class_bind_template_child(wc, SfgWindow, map_label);
    gtk_widget_class_bind_template_child(wc, SfgWindow, status_label);
    gtk_widget_class_bind_template_child(wc, SfgWindow, gang_label);
    gtk_widget_class_bind_template_child(wc, SfgWindow, flash_map);
    gtk_widget_class_bind_template_child(wc, SfgWindow, legend_box);
    gtk_widget_class_bind_template_child(wc, SfgWindow, progress);
    gtk_widget_class_bind_template_child(wc, SfgWindow, log_view);
    gtk_widget_class_bind_template_child(wc, SfgWindow, main_stack);
    gtk_widget_class_bind_template_child(wc, SfgWindow, toast_overlay);
    gtk_widget_class_bind_template_child(wc, SfgWindow, view_stack);
    gtk_widget_class_bind_template_child(wc, SfgWindow, open_button);
    gtk_widget_class_bind_template_child(wc, SfgWindow, board_page);
    gtk_widget_class_bind_template_child(wc, SfgWindow, board_list);
    gtk_widget_class_install_action(wc, "win.identify", NULL, act_job);
    gtk_widget_class_install_action(wc, "win.flash", NULL, act_job);
    gtk_widget_class_install_action(wc, "win.verify", NULL, act_job);
    gtk_widget_class_install_action(wc, "win.details", NULL, act_job);
    gtk_widget_class_install_action(wc, "win.rollback", NULL, act_job);
    gtk_widget_class_install_action(wc, "win.erase", NULL, act_erase);
    gtk_widget_class_install_action(wc, "win.cancel", NULL, act_cancel);
    gtk_widget_class_install_action(wc, "win.other-port", NULL, act_other_port);
    sfg_window_install_file_actions(wc);
    sfg_window_install_protection_actions(wc);
    sfg_window_install_gang_actions(wc);
}

static void sfg_window_init(SfgWindow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    self->settings = sfg_settings_open();
    self->port_names = g_ptr_array_new_with_free_func(g_free);
    self->gang = g_ptr_array_new();
    self->port_labels = gtk_string_list_new(NULL);
    gtk_drop_down_set_model(self->port_drop, G_LIST_MODEL(self->port_labels));
    g_object_unref(self->port_labels); /* the drop-down holds it */
    fill_legend(self);
    self->extra_port = g_settings_get_string(self->settings, "port"); /* the last port stays offered */
    /* udev tells when an adapter comes or goes (sfg-port-monitor.c): no polling */
    self->ports = sfg_port_monitor_new();
    g_signal_connect(self->ports, "changed", G_CALLBACK(on_ports_changed), self);
    g_signal_connect(self->ports, "removed", G_CALLBACK(on_port_removed), self);
    fill_ports(self, TRUE);
    char *file = g_settings_get_string(self->settings, "file");
    if (*file && g_file_test(file, G_FILE_TEST_IS_REGULAR))
        sfg_window_set_file(self, file);
    g_free(file);
    sfg_window_fill_recent_menu(self);
    sfg_window_gang_init(self);
    g_signal_connect(self->port_drop, "notify::selected", G_CALLBACK(on_port_selected), self);
    g_signal_connect(self->view_stack, "notify::visible-child-name", G_CALLBACK(on_page_changed), self);
    g_signal_connect(self->settings, "changed", G_CALLBACK(on_setting_changed), self);
    GtkDropTarget *t = gtk_drop_target_new(G_TYPE_FILE, GDK_ACTION_COPY);
    g_signal_connect(t, "drop", G_CALLBACK(on_drop), self);
    gtk_widget_add_controller(GTK_WIDGET(self), GTK_EVENT_CONTROLLER(t));
    sfg_window_set_status(self, SFG_STATE_IDLE, "");
    show_map_summary(self);
    sfg_window_update_actions(self);
}

SfgWindow *sfg_window_new(GtkApplication *app) { return g_object_new(SFG_TYPE_WINDOW, "application", app, NULL); }

void sfg_window_read_to(SfgWindow *self, const char *path) { sfg_window_start_job(self, SFG_JOB_READ, path); }

/* ---- for the script driver ---- */

sfg_state sfg_window_state(SfgWindow *self)
{
    return self->job || sfg_window_gang_busy(self) ? SFG_STATE_BUSY : self->state; /* a refresh is work too */
}

const char *sfg_window_status(SfgWindow *self) { return self->status ? self->status : ""; }

gboolean sfg_window_set_option(SfgWindow *self, const char *name, const char *value, char **why)
{
    gboolean was_open = self->preferences != NULL;
    gtk_widget_activate_action(GTK_WIDGET(self), "win.preferences", NULL);
    gboolean ok = sfg_preferences_set(SFG_PREFERENCES(self->preferences), name, value, why);
    if (!was_open)
        gtk_window_destroy(self->preferences);
    return ok;
}

GSettings *sfg_window_settings(SfgWindow *self) { return self->settings; }

const char *sfg_window_chip_text(SfgWindow *self) { return gtk_label_get_text(self->chip_label); }

guint sfg_window_cells(SfgWindow *self, guint state) { return sfg_map_count(&self->map, state); }

gboolean sfg_window_show_page(SfgWindow *self, const char *name)
{
    if (!adw_view_stack_get_child_by_name(self->view_stack, name))
        return FALSE;
    adw_view_stack_set_visible_child_name(self->view_stack, name);
    return TRUE;
}

GtkWidget *sfg_window_part(SfgWindow *self, const char *which)
{
    if (!which || !strcmp(which, "main"))
        return GTK_WIDGET(self);
    if (!strcmp(which, "preferences"))
        return self->preferences ? GTK_WIDGET(self->preferences) : NULL;
    if (!strcmp(which, "question"))
        return self->ask;
    return NULL;
}

GtkWidget *sfg_window_board_page(SfgWindow *self) { return GTK_WIDGET(self->board_page); }

gboolean sfg_window_save_png(GtkWidget *w, const char *path, GError **error)
{
    GdkPaintable *p = gtk_widget_paintable_new(w);
    int width = gtk_widget_get_width(w), height = gtk_widget_get_height(w);
    GtkSnapshot *snap = gtk_snapshot_new();
    gdk_paintable_snapshot(p, snap, width, height);
    GskRenderNode *node = gtk_snapshot_free_to_node(snap);
    gboolean ok = FALSE;
    if (node) {
        GskRenderer *r = gtk_native_get_renderer(GTK_NATIVE(w));
        graphene_rect_t bounds = GRAPHENE_RECT_INIT(0, 0, (float)width, (float)height);
        GdkTexture *tex = gsk_renderer_render_texture(r, node, &bounds);
        ok = gdk_texture_save_to_png(tex, path);
        g_object_unref(tex);
        gsk_render_node_unref(node);
    }
    if (!ok)
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot save a picture of the window in %s%s", path,
                    node ? "" : " (nothing drawn yet)");
    g_object_unref(p);
    return ok;
}
