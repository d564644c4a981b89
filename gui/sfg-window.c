/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-window.c - see sfg-window.h. */
#include "sfg-window.h"

#include <string.h>

#include "gui-logic.h"
#include "sfg-flash-map.h"
#include "sfg-job.h"

typedef enum { ASK_NONE, ASK_BASE, ASK_PORT, ASK_ERASE, ASK_CLOSE, ASK_FORCE } ask_kind;

struct _SfgWindow {
    GtkApplicationWindow parent;
    /* from the template */
    GtkDropDown *port_drop, *rate_drop;
    GtkLabel *file_label, *chip_label, *map_label, *status_label;
    GtkCheckButton *verify_check, *stub_check, *go_check;
    SfgFlashMap *flash_map;
    GtkBox *legend_box;
    GtkProgressBar *progress;
    GtkTextView *log_view;

    GtkStringList *port_labels;
    GPtrArray *port_names;    /* parallel to port_labels */
    char *extra_port;         /* a port given by name that enumeration does not list */
    guint port_timer;
    sfg_settings settings;
    char *settings_path;
    char *file;               /* the firmware chosen, NULL if none */
    sfg_map map;
    guint16 map_pid;
    guint32 map_flash;
    sfg_job *job;
    sfg_job_kind job_kind;
    gint64 phase_start;       /* µs, for the rate */
    sf_phase phase;
    sfg_state state;
    char *status;
    gboolean close_when_done;
    GtkWidget *ask;           /* the question open, if any */
    ask_kind ask_kind;
    char *ask_path;           /* ASK_BASE: the binary waiting for its address */
    gboolean force_next;      /* ASK_FORCE said yes: the next flash writes it anyway */
    GtkWidget *ask_entry;
};

G_DEFINE_FINAL_TYPE(SfgWindow, sfg_window, GTK_TYPE_APPLICATION_WINDOW)

static void start_job(SfgWindow *self, sfg_job_kind kind, const char *read_path);

/* ---- small helpers ---- */

static void log_line(SfgWindow *self, const char *prefix, const char *text)
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

static void set_status(SfgWindow *self, sfg_state state, const char *text)
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

static const char *selected_port(SfgWindow *self)
{
    guint i = gtk_drop_down_get_selected(self->port_drop);
    return i < self->port_names->len ? g_ptr_array_index(self->port_names, i) : NULL;
}

static void update_actions(SfgWindow *self)
{
    gboolean busy = self->job != NULL, port = selected_port(self) != NULL, file = self->file != NULL;
    GtkWidget *w = GTK_WIDGET(self);
    gtk_widget_action_set_enabled(w, "win.identify", !busy && port);
    gtk_widget_action_set_enabled(w, "win.flash", !busy && port && file);
    gtk_widget_action_set_enabled(w, "win.verify", !busy && port && file);
    gtk_widget_action_set_enabled(w, "win.read", !busy && port);
    gtk_widget_action_set_enabled(w, "win.erase", !busy && port);
    gtk_widget_action_set_enabled(w, "win.open", !busy);
    gtk_widget_action_set_enabled(w, "win.other-port", !busy);
    gtk_widget_action_set_enabled(w, "win.cancel", busy);
    gtk_widget_set_sensitive(GTK_WIDGET(self->port_drop), !busy);
    gtk_widget_set_sensitive(GTK_WIDGET(self->rate_drop), !busy && gtk_check_button_get_active(self->stub_check));
}

static void save_settings(SfgWindow *self)
{
    sfg_settings *s = &self->settings;
    g_free(s->port);
    s->port = g_strdup(selected_port(self));
    g_free(s->file);
    s->file = g_strdup(self->file);
    s->verify = gtk_check_button_get_active(self->verify_check);
    s->stub = gtk_check_button_get_active(self->stub_check);
    s->go = gtk_check_button_get_active(self->go_check);
    guint r = gtk_drop_down_get_selected(self->rate_drop);
    s->stub_baud = r < G_N_ELEMENTS(sfg_stub_rates) ? sfg_stub_rates[r] : 0;
    GError *e = NULL;
    if (!sfg_settings_save(s, self->settings_path, &e)) {
        log_line(self, "warning: ", e ? e->message : "cannot save the settings");
        g_clear_error(&e);
    }
}

/* ---- ports ---- */

static void fill_ports(SfgWindow *self, gboolean force)
{
    sf_port_info **list = NULL;
    size_t n = 0;
    if (sf_port_list(&list, &n) != SF_OK)
        n = 0;
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *labels = g_ptr_array_new_with_free_func(g_free);
    for (size_t i = 0; i < n; i++) {
        g_ptr_array_add(names, g_strdup(sf_port_info_name(list[i])));
        g_ptr_array_add(labels, sfg_port_label(sf_port_info_name(list[i]), sf_port_info_description(list[i]),
                                               sf_port_info_serial(list[i])));
    }
    sf_port_list_free(list);
    gboolean listed = FALSE;
    for (guint i = 0; self->extra_port && i < names->len; i++)
        listed |= !strcmp(g_ptr_array_index(names, i), self->extra_port);
    if (self->extra_port && !listed) {
        g_ptr_array_insert(names, 0, g_strdup(self->extra_port));
        g_ptr_array_insert(labels, 0, g_str_has_prefix(self->extra_port, "/dev/")
                                          ? g_strdup_printf("%s (not found now: unplugged?)", self->extra_port)
                                          : g_strdup(self->extra_port));
    }
    gboolean same = names->len == self->port_names->len;
    for (guint i = 0; same && i < names->len; i++)
        same = !strcmp(g_ptr_array_index(names, i), g_ptr_array_index(self->port_names, i));
    if (same && !force) {
        g_ptr_array_unref(names);
        g_ptr_array_unref(labels);
        return;
    }
    char *keep = g_strdup(selected_port(self) ? selected_port(self) : self->settings.port);
    g_ptr_array_add(labels, NULL);
    guint old = g_list_model_get_n_items(G_LIST_MODEL(self->port_labels));
    gtk_string_list_splice(self->port_labels, 0, old, (const char *const *)labels->pdata);
    g_ptr_array_unref(labels);
    g_ptr_array_unref(self->port_names);
    self->port_names = names;
    guint sel = GTK_INVALID_LIST_POSITION;
    for (guint i = 0; keep && i < names->len; i++)
        if (!strcmp(g_ptr_array_index(names, i), keep))
            sel = i;
    if (sel == GTK_INVALID_LIST_POSITION && names->len)
        sel = 0;
    gtk_drop_down_set_selected(self->port_drop, sel);
    g_free(keep);
    update_actions(self);
}

static gboolean refresh_ports(gpointer data)
{
    SfgWindow *self = data;
    if (!self->job) /* a port in use stays as it is */
        fill_ports(self, FALSE);
    return G_SOURCE_CONTINUE;
}

void sfg_window_set_port(SfgWindow *self, const char *name)
{
    g_free(self->extra_port);
    self->extra_port = g_strdup(name);
    g_free(self->settings.port);
    self->settings.port = g_strdup(name);
    g_ptr_array_set_size(self->port_names, 0); /* rebuild and select it */
    fill_ports(self, TRUE);
}

/* ---- questions ---- */

static void close_ask(SfgWindow *self)
{
    if (self->ask)
        gtk_window_destroy(GTK_WINDOW(self->ask));
    self->ask = NULL;
    self->ask_entry = NULL;
    self->ask_kind = ASK_NONE;
    g_clear_pointer(&self->ask_path, g_free);
}

static void set_file(SfgWindow *self, const char *path)
{
    g_free(self->file);
    self->file = g_strdup(path);
    char *base = g_path_get_basename(path);
    char *text = sfg_file_kind_of(path) == SFG_FILE_BIN
                     ? g_strdup_printf("%s (raw binary at 0x%08X)", base, self->settings.base)
                     : g_strdup(base);
    gtk_label_set_text(self->file_label, text);
    gtk_widget_set_tooltip_text(GTK_WIDGET(self->file_label), path);
    gtk_widget_remove_css_class(GTK_WIDGET(self->file_label), "dim-label");
    g_free(text);
    g_free(base);
    update_actions(self);
    save_settings(self);
}

/* The answer to a question: TRUE if it is settled (the dialog may close). */
static gboolean settle(SfgWindow *self, gboolean yes)
{
    ask_kind k = self->ask_kind;
    if (k == ASK_BASE && yes) {
        guint32 addr;
        char *err = NULL;
        const char *text = gtk_editable_get_text(GTK_EDITABLE(self->ask_entry));
        if (!sfg_parse_address(text, &addr, &err)) {
            gtk_message_dialog_format_secondary_text(GTK_MESSAGE_DIALOG(self->ask), "%s", err);
            g_free(err);
            return FALSE;
        }
        self->settings.base = addr;
        char *path = g_strdup(self->ask_path);
        close_ask(self);
        set_file(self, path);
        g_free(path);
        return TRUE;
    }
    if (k == ASK_PORT && yes) {
        char *name = g_strstrip(g_strdup(gtk_editable_get_text(GTK_EDITABLE(self->ask_entry))));
        if (!*name) {
            gtk_message_dialog_format_secondary_text(GTK_MESSAGE_DIALOG(self->ask), "Give a port name, e.g. "
                                                     "tcp://192.168.1.20:4000, rfc2217://bridge:4001 or /dev/ttyUSB0.");
            g_free(name);
            return FALSE;
        }
        close_ask(self);
        sfg_window_set_port(self, name);
        g_free(name);
        return TRUE;
    }
    close_ask(self);
    if (k == ASK_ERASE && yes)
        start_job(self, SFG_JOB_ERASE, NULL);
    if (k == ASK_FORCE && yes) {
        self->force_next = TRUE;
        start_job(self, SFG_JOB_FLASH, NULL);
    }
    if (k == ASK_CLOSE && yes) {
        if (self->job) {
            self->close_when_done = TRUE;
            sfg_job_cancel(self->job);
            set_status(self, SFG_STATE_BUSY, "Cancelling; the window closes when the board is left in a known state");
        } else {
            gtk_window_destroy(GTK_WINDOW(self));
        }
    }
    return TRUE;
}

static void on_ask_response(GtkDialog *d, int response, gpointer data)
{
    (void)d;
    settle(data, response == GTK_RESPONSE_OK || response == GTK_RESPONSE_YES);
}

static void ask(SfgWindow *self, ask_kind kind, const char *question, const char *detail, const char *yes_label,
                gboolean destructive)
{
    close_ask(self);
    GtkWidget *d = gtk_message_dialog_new(GTK_WINDOW(self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                          GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, "%s", question);
    gtk_message_dialog_format_secondary_text(GTK_MESSAGE_DIALOG(d), "%s", detail);
    gtk_dialog_add_button(GTK_DIALOG(d), "_Cancel", GTK_RESPONSE_CANCEL);
    GtkWidget *yes = gtk_dialog_add_button(GTK_DIALOG(d), yes_label, GTK_RESPONSE_OK);
    gtk_widget_add_css_class(yes, destructive ? "destructive-action" : "suggested-action");
    gtk_dialog_set_default_response(GTK_DIALOG(d), GTK_RESPONSE_OK);
    self->ask = d;
    self->ask_kind = kind;
    g_signal_connect(d, "response", G_CALLBACK(on_ask_response), self);
}

void sfg_window_open_file(SfgWindow *self, const char *path)
{
    if (!sfg_file_accepted(path)) {
        char *t = g_strdup_printf("%s is not a firmware file stubflash reads: expected .hex, .srec (.s19, .s28, .s37), "
                                  ".elf, .bin, or one of them gzip'd (.gz)", path);
        set_status(self, SFG_STATE_ERROR, t);
        g_free(t);
        return;
    }
    if (sfg_file_kind_of(path) != SFG_FILE_BIN) {
        set_file(self, path);
        return;
    }
    char *name = g_path_get_basename(path), *q = g_strdup_printf("Where does %s go?", name);
    ask(self, ASK_BASE, q, "A raw binary has no addresses: give the flash address of its first byte.", "_Use",
        FALSE);
    self->ask_path = g_strdup(path);
    self->ask_entry = gtk_entry_new();
    char base[16];
    g_snprintf(base, sizeof base, "0x%08X", self->settings.base);
    gtk_editable_set_text(GTK_EDITABLE(self->ask_entry), base);
    gtk_entry_set_activates_default(GTK_ENTRY(self->ask_entry), TRUE);
    GtkWidget *area = gtk_message_dialog_get_message_area(GTK_MESSAGE_DIALOG(self->ask));
    gtk_box_append(GTK_BOX(area), self->ask_entry);
    gtk_window_present(GTK_WINDOW(self->ask));
    g_free(name);
    g_free(q);
}

/* ---- job events ---- */

static void on_log(void *user, sf_log_level level, const char *text)
{
    static const char *prefix[] = {"error: ", "warning: ", "", ""};
    log_line(user, prefix[level <= SF_LOG_DEBUG ? level : SF_LOG_INFO], text);
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
    char *t = sfg_chip_text(chip);
    gtk_label_set_text(self->chip_label, t);
    g_free(t);
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

static void on_done(void *user, sf_error err, const char *text)
{
    SfgWindow *self = user;
    static const char *what[] = {"Identify", "Flash", "Verify", "Read", "Erase"};
    char *t;
    if (err == SF_OK) {
        t = g_strdup_printf("%s: done, %s.", what[self->job_kind], text);
        gtk_progress_bar_set_fraction(self->progress, 1.0);
        gtk_progress_bar_set_text(self->progress, "Done");
    } else {
        t = g_strdup_printf("%s failed: %s", what[self->job_kind], text);
        gtk_progress_bar_set_text(self->progress, err == SF_ERR_CANCELLED ? "Cancelled" : "Failed");
    }
    log_line(self, err ? "error: " : "", t);
    set_status(self, err ? SFG_STATE_ERROR : SFG_STATE_DONE, t);
    g_free(t);
    sfg_job_free(self->job);
    self->job = NULL;
    update_actions(self);
    if (self->close_when_done)
        gtk_window_destroy(GTK_WINDOW(self));
}

/* The board was not touched: say why, and offer to write it all the same. */
static void on_not_firmware(void *user, const char *why)
{
    SfgWindow *self = user;
    sfg_job_free(self->job);
    self->job = NULL;
    char *t = g_strdup_printf("Flash stopped: %s", why);
    log_line(self, "warning: ", t);
    set_status(self, SFG_STATE_ERROR, t);
    gtk_progress_bar_set_text(self->progress, "Not firmware for this chip");
    g_free(t);
    update_actions(self);
    if (self->close_when_done) {
        gtk_window_destroy(GTK_WINDOW(self));
        return;
    }
    ask(self, ASK_FORCE, "This file does not look like firmware for the chip",
        why, "Flash _Anyway", TRUE);
}

static void start_job(SfgWindow *self, sfg_job_kind kind, const char *read_path)
{
    const char *port = selected_port(self);
    if (!port || self->job)
        return;
    save_settings(self);
    char *data_dir = g_build_filename(g_get_user_data_dir(), "stubflash", NULL);
    g_mkdir_with_parents(data_dir, 0700);
    char *open_name = sfg_port_to_open(port, data_dir);
    sfg_job_params p = {
        .kind = kind,
        .port = open_name,
        .file = self->file,
        .base = self->settings.base,
        .read_path = read_path,
        .verify = self->settings.verify,
        .stub = self->settings.stub,
        .go = self->settings.go,
        .force = kind == SFG_JOB_FLASH && self->force_next,
        .stub_baud = self->settings.stub_baud,
    };
    self->force_next = FALSE;
    sfg_job_events ev = {.log = on_log, .progress = on_progress, .chip = on_chip, .unit = on_unit, .done = on_done,
                         .user = self, .not_firmware = on_not_firmware};
    if (kind == SFG_JOB_FLASH || kind == SFG_JOB_ERASE) {
        sfg_map_clear(&self->map);
        sfg_flash_map_changed(self->flash_map);
        show_map_summary(self);
    }
    static const char *what[] = {"Identifying", "Flashing", "Verifying", "Reading", "Erasing"};
    char *t = g_strdup_printf("%s through %s…", what[kind], port);
    log_line(self, "", t);
    set_status(self, SFG_STATE_BUSY, t);
    g_free(t);
    gtk_progress_bar_set_fraction(self->progress, 0);
    gtk_progress_bar_set_text(self->progress, "Connecting");
    self->phase = SF_PHASE_CONNECT;
    self->phase_start = g_get_monotonic_time();
    self->job_kind = kind;
    self->job = sfg_job_start(&p, &ev);
    update_actions(self);
    g_free(open_name);
    g_free(data_dir);
}

/* ---- actions ---- */

/* win.identify, win.flash, win.verify: a job that needs no more questions. */
static void act_job(GtkWidget *w, const char *name, GVariant *param)
{
    (void)param;
    sfg_job_kind kind = !strcmp(name, "win.flash")    ? SFG_JOB_FLASH
                        : !strcmp(name, "win.verify") ? SFG_JOB_VERIFY
                                                      : SFG_JOB_IDENTIFY;
    start_job(SFG_WINDOW(w), kind, NULL);
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
}

static void act_other_port(GtkWidget *w, const char *name, GVariant *param)
{
    (void)name;
    (void)param;
    SfgWindow *self = SFG_WINDOW(w);
    ask(self, ASK_PORT, "Which port is the board on?",
        "tcp://HOST:PORT for a raw TCP serial bridge (its rate is the bridge's), rfc2217://HOST:PORT for a bridge "
        "that takes the rate and the control lines (RFC 2217), or a device path.", "_Use", FALSE);
    self->ask_entry = gtk_entry_new();
    const char *now = selected_port(self);
    gtk_editable_set_text(GTK_EDITABLE(self->ask_entry), now && !g_str_has_prefix(now, "sim:") ? now : "");
    gtk_entry_set_placeholder_text(GTK_ENTRY(self->ask_entry), "tcp://192.168.1.20:4000");
    gtk_entry_set_activates_default(GTK_ENTRY(self->ask_entry), TRUE);
    gtk_box_append(GTK_BOX(gtk_message_dialog_get_message_area(GTK_MESSAGE_DIALOG(self->ask))), self->ask_entry);
    gtk_window_present(GTK_WINDOW(self->ask));
}

static void act_erase(GtkWidget *w, const char *name, GVariant *param)
{
    (void)name;
    (void)param;
    SfgWindow *self = SFG_WINDOW(w);
    char *q = g_strdup_printf("Erase the whole flash of the board on %s?", selected_port(self));
    ask(self, ASK_ERASE, q, "Every page is erased (mass erase), the firmware included. This cannot be undone.",
        "_Erase", TRUE);
    gtk_window_present(GTK_WINDOW(self->ask));
    g_free(q);
}

static void on_open_response(GtkNativeDialog *d, int response, gpointer data)
{
    SfgWindow *self = data;
    if (response == GTK_RESPONSE_ACCEPT) {
        GFile *f = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(d));
        char *path = g_file_get_path(f);
        if (path)
            sfg_window_open_file(self, path);
        g_free(path);
        g_object_unref(f);
    }
    g_object_unref(d);
}

static void act_open(GtkWidget *w, const char *name, GVariant *param)
{
    (void)name;
    (void)param;
    GtkFileChooserNative *d = gtk_file_chooser_native_new("Open firmware", GTK_WINDOW(w), GTK_FILE_CHOOSER_ACTION_OPEN,
                                                          "_Open", "_Cancel");
    GtkFileFilter *f = gtk_file_filter_new();
    gtk_file_filter_set_name(f, "Firmware (.hex, .srec, .elf, .bin, .gz)");
    const char *pats[] = {"*.hex", "*.ihex", "*.ihx", "*.srec", "*.s19", "*.s28", "*.s37", "*.mot", "*.elf", "*.axf",
                          "*.bin", "*.gz"};
    for (size_t i = 0; i < G_N_ELEMENTS(pats); i++)
        gtk_file_filter_add_pattern(f, pats[i]);
    gtk_file_chooser_add_filter(GTK_FILE_CHOOSER(d), f);
    g_object_unref(f);
    g_signal_connect(d, "response", G_CALLBACK(on_open_response), w);
    gtk_native_dialog_show(GTK_NATIVE_DIALOG(d));
}

static void on_read_response(GtkNativeDialog *d, int response, gpointer data)
{
    if (response == GTK_RESPONSE_ACCEPT) {
        GFile *f = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(d));
        char *path = g_file_get_path(f);
        if (path)
            start_job(data, SFG_JOB_READ, path);
        g_free(path);
        g_object_unref(f);
    }
    g_object_unref(d);
}

static void act_read(GtkWidget *w, const char *name, GVariant *param)
{
    (void)name;
    (void)param;
    GtkFileChooserNative *d = gtk_file_chooser_native_new("Save the flash as", GTK_WINDOW(w),
                                                          GTK_FILE_CHOOSER_ACTION_SAVE, "_Save", "_Cancel");
    gtk_file_chooser_set_current_name(GTK_FILE_CHOOSER(d), "flash.bin");
    g_signal_connect(d, "response", G_CALLBACK(on_read_response), w);
    gtk_native_dialog_show(GTK_NATIVE_DIALOG(d));
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
    if (!self->job)
        return FALSE;
    ask(self, ASK_CLOSE, "A job is under way. Stop it and close?",
        "Stopping a write leaves the flash half-written until the next Flash (which rewrites what differs); the "
        "chip's ROM bootloader stays, so the board can always be flashed again.",
        "_Stop and Close", TRUE);
    gtk_window_present(GTK_WINDOW(self->ask));
    return TRUE;
}

static void on_option_toggled(GtkCheckButton *b, gpointer data)
{
    (void)b;
    SfgWindow *self = data;
    update_actions(self);
    save_settings(self);
}

static void on_rate_selected(GObject *o, GParamSpec *p, gpointer data)
{
    (void)o;
    (void)p;
    save_settings(data);
}

static void on_port_selected(GObject *o, GParamSpec *p, gpointer data)
{
    (void)o;
    (void)p;
    SfgWindow *self = data;
    update_actions(self);
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
    if (self->port_timer)
        g_source_remove(self->port_timer);
    self->port_timer = 0;
    if (self->job) { /* the application is quitting under a job: stop it, wait for it */
        self->close_when_done = FALSE; /* being disposed already */
        sfg_job_cancel(self->job);
        while (self->job) /* on_done clears it */
            g_main_context_iteration(NULL, TRUE);
    }
    close_ask(self);
    gtk_widget_dispose_template(GTK_WIDGET(o), SFG_TYPE_WINDOW);
    G_OBJECT_CLASS(sfg_window_parent_class)->dispose(o);
}

static void sfg_window_finalize(GObject *o)
{
    SfgWindow *self = SFG_WINDOW(o);
    sfg_map_free(&self->map);
    sfg_settings_free(&self->settings);
    g_ptr_array_unref(self->port_names);
    g_free(self->extra_port);
    g_free(self->settings_path);
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
    gtk_widget_class_set_template_from_resource(wc, "/io/github/stubflash/Stubflash/sfg-window.ui");
    gtk_widget_class_bind_template_child(wc, SfgWindow, port_drop);
    gtk_widget_class_bind_template_child(wc, SfgWindow, rate_drop);
    gtk_widget_class_bind_template_child(wc, SfgWindow, file_label);
    gtk_widget_class_bind_template_child(wc, SfgWindow, chip_label);
    gtk_widget_class_bind_template_child(wc, SfgWindow, map_label);
    gtk_widget_class_bind_template_child(wc, SfgWindow, status_label);
    gtk_widget_class_bind_template_child(wc, SfgWindow, verify_check);
    gtk_widget_class_bind_template_child(wc, SfgWindow, stub_check);
    gtk_widget_class_bind_template_child(wc, SfgWindow, go_check);
    gtk_widget_class_bind_template_child(wc, SfgWindow, flash_map);
    gtk_widget_class_bind_template_child(wc, SfgWindow, legend_box);
    gtk_widget_class_bind_template_child(wc, SfgWindow, progress);
    gtk_widget_class_bind_template_child(wc, SfgWindow, log_view);
    gtk_widget_class_install_action(wc, "win.identify", NULL, act_job);
    gtk_widget_class_install_action(wc, "win.flash", NULL, act_job);
    gtk_widget_class_install_action(wc, "win.verify", NULL, act_job);
    gtk_widget_class_install_action(wc, "win.read", NULL, act_read);
    gtk_widget_class_install_action(wc, "win.erase", NULL, act_erase);
    gtk_widget_class_install_action(wc, "win.cancel", NULL, act_cancel);
    gtk_widget_class_install_action(wc, "win.other-port", NULL, act_other_port);
    gtk_widget_class_install_action(wc, "win.open", NULL, act_open);
    gtk_widget_class_add_binding_action(wc, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
    gtk_widget_class_add_binding_action(wc, GDK_KEY_Return, GDK_CONTROL_MASK, "win.flash", NULL);
    gtk_widget_class_add_binding_action(wc, GDK_KEY_Escape, 0, "win.cancel", NULL);
}

static void sfg_window_init(SfgWindow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    self->port_names = g_ptr_array_new_with_free_func(g_free);
    self->port_labels = gtk_string_list_new(NULL);
    gtk_drop_down_set_model(self->port_drop, G_LIST_MODEL(self->port_labels));
    g_object_unref(self->port_labels); /* the drop-down holds it */
    self->settings_path = g_build_filename(g_get_user_config_dir(), "stubflash", "gtk.ini", NULL);
    sfg_settings_load(&self->settings, self->settings_path);
    gtk_check_button_set_active(self->verify_check, self->settings.verify);
    gtk_check_button_set_active(self->stub_check, self->settings.stub);
    gtk_check_button_set_active(self->go_check, self->settings.go);
    for (guint i = 0; i < G_N_ELEMENTS(sfg_stub_rates); i++)
        if (sfg_stub_rates[i] == self->settings.stub_baud)
            gtk_drop_down_set_selected(self->rate_drop, i);
    fill_legend(self);
    self->extra_port = g_strdup(self->settings.port); /* the last port stays offered, listed or not */
    fill_ports(self, TRUE);
    if (self->settings.file && g_file_test(self->settings.file, G_FILE_TEST_IS_REGULAR))
        set_file(self, self->settings.file);
    g_signal_connect(self->verify_check, "toggled", G_CALLBACK(on_option_toggled), self);
    g_signal_connect(self->stub_check, "toggled", G_CALLBACK(on_option_toggled), self);
    g_signal_connect(self->go_check, "toggled", G_CALLBACK(on_option_toggled), self);
    g_signal_connect(self->rate_drop, "notify::selected", G_CALLBACK(on_rate_selected), self);
    g_signal_connect(self->port_drop, "notify::selected", G_CALLBACK(on_port_selected), self);
    GtkDropTarget *t = gtk_drop_target_new(G_TYPE_FILE, GDK_ACTION_COPY);
    g_signal_connect(t, "drop", G_CALLBACK(on_drop), self);
    gtk_widget_add_controller(GTK_WIDGET(self), GTK_EVENT_CONTROLLER(t));
    /* libserialport has no hot-plug events: look again every two seconds. */
    self->port_timer = g_timeout_add_seconds(2, refresh_ports, self);
    set_status(self, SFG_STATE_IDLE, "");
    show_map_summary(self);
    update_actions(self);
}

SfgWindow *sfg_window_new(GtkApplication *app) { return g_object_new(SFG_TYPE_WINDOW, "application", app, NULL); }

void sfg_window_read_to(SfgWindow *self, const char *path) { start_job(self, SFG_JOB_READ, path); }

/* ---- for the script driver ---- */

sfg_state sfg_window_state(SfgWindow *self) { return self->state; }

const char *sfg_window_status(SfgWindow *self) { return self->status ? self->status : ""; }

gboolean sfg_window_answer(SfgWindow *self, const char *text)
{
    if (!self->ask)
        return FALSE;
    if (self->ask_kind == ASK_BASE || self->ask_kind == ASK_PORT) {
        gtk_editable_set_text(GTK_EDITABLE(self->ask_entry), text);
        settle(self, TRUE);
    } else {
        settle(self, !g_strcmp0(text, "yes"));
    }
    return TRUE;
}

gboolean sfg_window_set_option(SfgWindow *self, const char *name, gboolean on)
{
    GtkCheckButton *b = !strcmp(name, "verify") ? self->verify_check
                        : !strcmp(name, "stub") ? self->stub_check
                        : !strcmp(name, "go")   ? self->go_check
                                                : NULL;
    if (!b)
        return FALSE;
    gtk_check_button_set_active(b, on);
    return TRUE;
}

guint sfg_window_cells(SfgWindow *self, guint state) { return sfg_map_count(&self->map, state); }

gboolean sfg_window_save_png(SfgWindow *self, const char *path, GError **error)
{
    GtkWidget *w = GTK_WIDGET(self);
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
