/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-preferences.c - see sfg-preferences.h. */
#include "sfg-preferences.h"

#include <stdlib.h>
#include <string.h>
#include <stubflash/stubflash.h>

#include "gui-logic.h"
#include "sfg-a11y.h"

struct _SfgPreferences {
    AdwPreferencesWindow parent;
    AdwComboRow *baud_row, *stub_baud_row, *usart_row, *before_row, *after_row;
    AdwExpanderRow *stub_row, *signature_row;
    AdwEntryRow *before_entry, *after_entry;
    GtkSwitch *verify_switch, *go_switch, *backups_switch;
    AdwActionRow *key_row;
    GtkButton *key_button;
    GSettings *settings;
    gboolean loading; /* filling the controls from the settings: no writes back */
};

G_DEFINE_FINAL_TYPE(SfgPreferences, sfg_preferences, ADW_TYPE_PREFERENCES_WINDOW)

static const guint32 bauds[] = {9600, 19200, 38400, 57600, 115200, 230400, 460800};
/* The wiring presets of sf_session_set_entry, in the order the rows list them. */
static const char *const presets[] = {"none", "dtr-reset-rts-boot0", "rts-reset-dtr-boot0"};
#define CUSTOM G_N_ELEMENTS(presets)

static guint index_of_rate(const guint32 *list, guint n, guint32 v, guint fallback)
{
    for (guint i = 0; i < n; i++)
        if (list[i] == v)
            return i;
    return fallback;
}

/* Whether the library takes these steps; *why says what is wrong. */
static gboolean wiring_ok(const char *steps, char **why)
{
    sf_session *s;
    if (sf_session_new(&s) != SF_OK)
        return FALSE;
    gboolean ok = sf_session_set_entry(s, steps, NULL) == SF_OK;
    if (!ok && why)
        *why = g_strdup(sf_session_last_error(s));
    sf_session_free(s);
    return ok;
}

static void show_wiring(SfgPreferences *self, const char *key)
{
    gboolean before = !strcmp(key, "before");
    AdwComboRow *row = before ? self->before_row : self->after_row;
    AdwEntryRow *entry = before ? self->before_entry : self->after_entry;
    char *v = g_settings_get_string(self->settings, key);
    guint i = CUSTOM;
    for (guint k = 0; k < CUSTOM; k++)
        if (!strcmp(v, presets[k]) || (k == 0 && !*v))
            i = k;
    self->loading = TRUE;
    adw_combo_row_set_selected(row, i);
    gtk_widget_set_visible(GTK_WIDGET(entry), i == CUSTOM);
    if (i == CUSTOM)
        gtk_editable_set_text(GTK_EDITABLE(entry), v);
    self->loading = FALSE;
    g_free(v);
}

/* A custom sequence applied: kept if the library takes it, else said why. */
static gboolean apply_steps(SfgPreferences *self, AdwEntryRow *entry)
{
    const char *key = entry == self->before_entry ? "before" : "after";
    const char *text = gtk_editable_get_text(GTK_EDITABLE(entry));
    char *why = NULL;
    if (!*text || !wiring_ok(text, &why)) {
        gtk_widget_add_css_class(GTK_WIDGET(entry), "error");
        char *t = g_strdup_printf("Not kept: %s", why ? why : "give the steps, e.g. -dtr,rts,dtr,100,-dtr");
        adw_preferences_window_add_toast(ADW_PREFERENCES_WINDOW(self), adw_toast_new(t));
        g_free(t);
        g_free(why);
        return FALSE;
    }
    gtk_widget_remove_css_class(GTK_WIDGET(entry), "error");
    g_settings_set_string(self->settings, key, text);
    return TRUE;
}

static void on_steps_apply(AdwEntryRow *entry, gpointer data) { apply_steps(data, entry); }

static void on_wiring_selected(GObject *o, GParamSpec *p, gpointer data)
{
    (void)p;
    SfgPreferences *self = data;
    if (self->loading)
        return;
    gboolean before = ADW_COMBO_ROW(o) == self->before_row;
    AdwEntryRow *entry = before ? self->before_entry : self->after_entry;
    guint i = adw_combo_row_get_selected(ADW_COMBO_ROW(o));
    gtk_widget_set_visible(GTK_WIDGET(entry), i == CUSTOM);
    if (i < CUSTOM)
        g_settings_set_string(self->settings, before ? "before" : "after", presets[i]);
}

static void on_rate_selected(GObject *o, GParamSpec *p, gpointer data)
{
    (void)p;
    SfgPreferences *self = data;
    if (self->loading)
        return;
    guint i = adw_combo_row_get_selected(ADW_COMBO_ROW(o));
    if (ADW_COMBO_ROW(o) == self->baud_row && i < G_N_ELEMENTS(bauds))
        g_settings_set_uint(self->settings, "bootloader-baud", bauds[i]);
    else if (ADW_COMBO_ROW(o) == self->stub_baud_row && i < G_N_ELEMENTS(sfg_stub_rates))
        g_settings_set_uint(self->settings, "stub-baud", sfg_stub_rates[i]);
}

static void show_key(SfgPreferences *self)
{
    char *key = g_settings_get_string(self->settings, "signature-key");
    adw_action_row_set_subtitle(self->key_row, *key ? key : "None chosen");
    g_free(key);
}

static void drop_chooser(gpointer d)
{
    gtk_native_dialog_destroy(d);
    g_object_unref(d);
}

static void on_key_chosen(GtkNativeDialog *d, int response, gpointer data)
{
    SfgPreferences *self = data;
    if (response == GTK_RESPONSE_ACCEPT) {
        GFile *f = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(d));
        char *path = g_file_get_path(f);
        if (path)
            g_settings_set_string(self->settings, "signature-key", path);
        g_free(path);
        g_object_unref(f);
    }
    g_object_set_data(G_OBJECT(self), "sfg-chooser", NULL);
}

static void on_choose_key(GtkButton *b, gpointer data)
{
    (void)b;
    GtkFileChooserNative *d = gtk_file_chooser_native_new("The signers' public key", GTK_WINDOW(data),
                                                          GTK_FILE_CHOOSER_ACTION_OPEN, "_Choose", "_Cancel");
    g_signal_connect(d, "response", G_CALLBACK(on_key_chosen), data);
    /* held by the window until answered, or freed with it */
    g_object_set_data_full(G_OBJECT(data), "sfg-chooser", d, drop_chooser);
    gtk_native_dialog_show(GTK_NATIVE_DIALOG(d));
}

static void on_setting_changed(GSettings *gs, const char *key, gpointer data)
{
    (void)gs;
    SfgPreferences *self = data;
    if (!strcmp(key, "before") || !strcmp(key, "after"))
        show_wiring(self, key);
    else if (!strcmp(key, "signature-key"))
        show_key(self);
}

gboolean sfg_preferences_set(SfgPreferences *self, const char *key, const char *value, char **why)
{
    gboolean on = !strcmp(value, "on");
    GtkSwitch *sw = !strcmp(key, "verify")    ? self->verify_switch
                    : !strcmp(key, "go")      ? self->go_switch
                    : !strcmp(key, "backups") ? self->backups_switch
                                              : NULL;
    if (sw) {
        gtk_switch_set_active(sw, on);
    } else if (!strcmp(key, "stub")) {
        adw_expander_row_set_enable_expansion(self->stub_row, on);
    } else if (!strcmp(key, "require-signature")) {
        adw_expander_row_set_enable_expansion(self->signature_row, on);
    } else if (!strcmp(key, "signature-key")) {
        g_settings_set_string(self->settings, key, value); /* what the file chooser does */
    } else if (!strcmp(key, "usart")) {
        guint n = !strcmp(value, "automatic") ? 0 : (guint)strtoul(value, NULL, 10);
        if (n > 3 || (n == 0 && strcmp(value, "automatic"))) {
            *why = g_strdup_printf("%s is not offered (automatic, 1, 2 or 3)", value);
            return FALSE;
        }
        adw_combo_row_set_selected(self->usart_row, n);
    } else if (!strcmp(key, "bootloader-baud") || !strcmp(key, "stub-baud")) {
        gboolean boot = key[0] == 'b';
        guint32 v = !strcmp(value, "automatic") ? 0 : (guint32)strtoul(value, NULL, 10);
        guint i = boot ? index_of_rate(bauds, G_N_ELEMENTS(bauds), v, G_MAXUINT)
                       : index_of_rate(sfg_stub_rates, G_N_ELEMENTS(sfg_stub_rates), v, G_MAXUINT);
        if (i == G_MAXUINT) {
            *why = g_strdup_printf("%s is not offered", value);
            return FALSE;
        }
        adw_combo_row_set_selected(boot ? self->baud_row : self->stub_baud_row, i);
    } else if (!strcmp(key, "before") || !strcmp(key, "after")) {
        gboolean before = key[0] == 'b';
        AdwComboRow *row = before ? self->before_row : self->after_row;
        AdwEntryRow *entry = before ? self->before_entry : self->after_entry;
        guint i = CUSTOM;
        for (guint k = 0; k < CUSTOM; k++)
            if (!strcmp(value, presets[k]))
                i = k;
        adw_combo_row_set_selected(row, i);
        if (i == CUSTOM) {
            gtk_editable_set_text(GTK_EDITABLE(entry), value);
            if (!apply_steps(self, entry)) {
                *why = g_strdup("the steps were refused");
                return FALSE;
            }
        }
    } else {
        *why = g_strdup("no such setting");
        return FALSE;
    }
    return TRUE;
}

static void sfg_preferences_dispose(GObject *o)
{
    SfgPreferences *self = SFG_PREFERENCES(o);
    if (self->settings)
        g_signal_handlers_disconnect_by_data(self->settings, self);
    g_clear_object(&self->settings);
    gtk_widget_dispose_template(GTK_WIDGET(o), SFG_TYPE_PREFERENCES);
    G_OBJECT_CLASS(sfg_preferences_parent_class)->dispose(o);
}

static void sfg_preferences_class_init(SfgPreferencesClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = sfg_preferences_dispose;
    gtk_widget_class_set_template_from_resource(wc, "/io/github/stubflash/Stubflash/sfg-preferences.ui");
    gtk_widget_class_bind_template_child(wc, SfgPreferences, baud_row);
    gtk_widget_class_bind_template_child(wc, SfgPreferences, stub_baud_row);
    gtk_widget_class_bind_template_child(wc, SfgPreferences, usart_row);
    gtk_widget_class_bind_template_child(wc, SfgPreferences, before_row);
    gtk_widget_class_bind_template_child(wc, SfgPreferences, after_row);
    gtk_widget_class_bind_template_child(wc, SfgPreferences, stub_row);
    gtk_widget_class_bind_template_child(wc, SfgPreferences, signature_row);
    gtk_widget_class_bind_template_child(wc, SfgPreferences, before_entry);
    gtk_widget_class_bind_template_child(wc, SfgPreferences, after_entry);
    gtk_widget_class_bind_template_child(wc, SfgPreferences, verify_switch);
    gtk_widget_class_bind_template_child(wc, SfgPreferences, go_switch);
    gtk_widget_class_bind_template_child(wc, SfgPreferences, backups_switch);
    gtk_widget_class_bind_template_child(wc, SfgPreferences, key_row);
    gtk_widget_class_bind_template_child(wc, SfgPreferences, key_button);
}

static void sfg_preferences_init(SfgPreferences *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    sfg_a11y_name_group_lists(GTK_WIDGET(self));
}

SfgPreferences *sfg_preferences_new(GtkWindow *parent, GSettings *settings)
{
    SfgPreferences *self = g_object_new(SFG_TYPE_PREFERENCES, "transient-for", parent, NULL);
    self->settings = g_object_ref(settings);
    GSettings *gs = settings;
    g_settings_bind(gs, "verify", self->verify_switch, "active", G_SETTINGS_BIND_DEFAULT);
    g_settings_bind(gs, "go", self->go_switch, "active", G_SETTINGS_BIND_DEFAULT);
    g_settings_bind(gs, "backups", self->backups_switch, "active", G_SETTINGS_BIND_DEFAULT);
    g_settings_bind(gs, "stub", self->stub_row, "enable-expansion", G_SETTINGS_BIND_DEFAULT);
    g_settings_bind(gs, "usart", self->usart_row, "selected", G_SETTINGS_BIND_DEFAULT); /* 0: automatic */
    g_settings_bind(gs, "require-signature", self->signature_row, "enable-expansion", G_SETTINGS_BIND_DEFAULT);
    self->loading = TRUE;
    adw_combo_row_set_selected(self->baud_row, index_of_rate(bauds, G_N_ELEMENTS(bauds),
                                                             g_settings_get_uint(gs, "bootloader-baud"), 4));
    adw_combo_row_set_selected(self->stub_baud_row, index_of_rate(sfg_stub_rates, G_N_ELEMENTS(sfg_stub_rates),
                                                                  g_settings_get_uint(gs, "stub-baud"), 0));
    self->loading = FALSE;
    show_wiring(self, "before");
    show_wiring(self, "after");
    show_key(self);
    g_signal_connect(self->baud_row, "notify::selected", G_CALLBACK(on_rate_selected), self);
    g_signal_connect(self->stub_baud_row, "notify::selected", G_CALLBACK(on_rate_selected), self);
    g_signal_connect(self->before_row, "notify::selected", G_CALLBACK(on_wiring_selected), self);
    g_signal_connect(self->after_row, "notify::selected", G_CALLBACK(on_wiring_selected), self);
    g_signal_connect(self->before_entry, "apply", G_CALLBACK(on_steps_apply), self);
    g_signal_connect(self->after_entry, "apply", G_CALLBACK(on_steps_apply), self);
    g_signal_connect(self->key_button, "clicked", G_CALLBACK(on_choose_key), self);
    g_signal_connect(gs, "changed", G_CALLBACK(on_setting_changed), self);
    return self;
}
