/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-window-files.c - the main window's files and windows: Open (and its menu of recent
 * files), Read…'s file, the preferences and the About window. */
#include <glib/gstdio.h>

#include "sfg-preferences.h"
#include "sfg-settings.h"
#include "sfg-window-private.h"

/* ---- recent files ---- */

void sfg_window_fill_recent_menu(SfgWindow *self)
{
    GMenu *menu = g_menu_new();
    char *path;
    guint64 size;
    gint64 when;
    for (guint i = 0; sfg_recent_get(self->settings, i, &path, &size, &when); i++) {
        char *label = sfg_recent_label(path, size, when);
        GMenuItem *item = g_menu_item_new(label, NULL);
        g_menu_item_set_action_and_target_value(item, "win.open-recent", g_variant_new_string(path));
        g_menu_append_item(menu, item);
        g_object_unref(item);
        g_free(label);
        g_free(path);
    }
    if (g_menu_model_get_n_items(G_MENU_MODEL(menu)) == 0)
        g_menu_append(menu, "No firmware flashed yet", "win.none");
    adw_split_button_set_menu_model(self->open_button, G_MENU_MODEL(menu));
    g_object_unref(menu);
}

void sfg_window_remember_flash(SfgWindow *self, const char *path)
{
    GStatBuf st;
    if (path && g_stat(path, &st) == 0)
        sfg_recent_add(self->settings, path, (guint64)st.st_size, g_get_real_time() / G_USEC_PER_SEC);
}

static void drop_chooser(gpointer d)
{
    gtk_native_dialog_destroy(d);
    g_object_unref(d);
}

/* Show a file chooser the window holds until it is answered or the window goes (a chooser
 * left open when the application quits is freed with the window). */
void sfg_window_own_chooser(gpointer window, GtkFileChooserNative *d)
{
    g_object_set_data_full(G_OBJECT(window), "sfg-chooser", d, drop_chooser);
    gtk_native_dialog_show(GTK_NATIVE_DIALOG(d));
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
    g_object_set_data(G_OBJECT(data), "sfg-chooser", NULL);
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
    sfg_window_own_chooser(w, d);
}

static void act_open_recent(GtkWidget *w, const char *name, GVariant *param)
{
    (void)name;
    sfg_window_open_file(SFG_WINDOW(w), g_variant_get_string(param, NULL));
}

static void on_read_response(GtkNativeDialog *d, int response, gpointer data)
{
    if (response == GTK_RESPONSE_ACCEPT) {
        GFile *f = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(d));
        char *path = g_file_get_path(f);
        if (path)
            sfg_window_start_job(data, SFG_JOB_READ, path);
        g_free(path);
        g_object_unref(f);
    }
    g_object_set_data(G_OBJECT(data), "sfg-chooser", NULL);
}

static void act_read(GtkWidget *w, const char *name, GVariant *param)
{
    (void)name;
    (void)param;
    GtkFileChooserNative *d = gtk_file_chooser_native_new("Save the flash as", GTK_WINDOW(w),
                                                          GTK_FILE_CHOOSER_ACTION_SAVE, "_Save", "_Cancel");
    gtk_file_chooser_set_current_name(GTK_FILE_CHOOSER(d), "flash.bin");
    g_signal_connect(d, "response", G_CALLBACK(on_read_response), w);
    sfg_window_own_chooser(w, d);
}

static void on_preferences_gone(gpointer data, GObject *where)
{
    (void)where;
    SFG_WINDOW(data)->preferences = NULL;
}

static void act_preferences(GtkWidget *w, const char *name, GVariant *param)
{
    (void)name;
    (void)param;
    SfgWindow *self = SFG_WINDOW(w);
    if (!self->preferences) {
        self->preferences = GTK_WINDOW(sfg_preferences_new(GTK_WINDOW(self), self->settings));
        g_object_weak_ref(G_OBJECT(self->preferences), on_preferences_gone, self);
    }
    gtk_window_present(self->preferences);
}

static void act_about(GtkWidget *w, const char *name, GVariant *param)
{
    (void)name;
    (void)param;
    const char *developers[] = {"The stubflash developers", NULL};
    char *lib = g_strdup_printf("libstubflash %s", sf_version());
    GtkWidget *about = g_object_new(ADW_TYPE_ABOUT_WINDOW, "transient-for", w, "application-name", "stubflash",
                                    "application-icon", SFG_APP_ID, "version", STUBFLASH_VERSION, "developer-name",
                                    "The stubflash developers", "website", "https://github.com/stubflash/stubflash",
                                    "issue-url", "https://github.com/stubflash/stubflash/issues", "license-type",
                                    GTK_LICENSE_LGPL_2_1, "developers", developers, "debug-info", lib,
                                    "comments", "Flash STM32 firmware over a serial line through the ROM bootloader.",
                                    NULL);
    gtk_window_present(GTK_WINDOW(about));
    g_free(lib);
}

void sfg_window_install_file_actions(GtkWidgetClass *wc)
{
    gtk_widget_class_install_action(wc, "win.read", NULL, act_read);
    gtk_widget_class_install_action(wc, "win.open", NULL, act_open);
    gtk_widget_class_install_action(wc, "win.open-recent", "s", act_open_recent);
    gtk_widget_class_install_action(wc, "win.preferences", NULL, act_preferences);
    gtk_widget_class_install_action(wc, "win.about", NULL, act_about);
}
