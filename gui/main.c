/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* main.c - stubflash-gtk: the desktop application (AdwApplication: libadwaita's style, which
 * follows the system's dark preference) around libstubflash.
 * Usage: stubflash-gtk [--port NAME] [FILE] */
#include <adwaita.h>
#include <stdio.h>
#include <stubflash/stubflash.h>

#include "sfg-script.h"
#include "sfg-window.h"

typedef struct app_state {
    char *port;        /* --port */
    int exit_status;
} app_state;

static SfgWindow *main_window(GtkApplication *app)
{
    GtkWindow *w = gtk_application_get_active_window(app);
    if (w)
        return SFG_WINDOW(w);
    SfgWindow *win = sfg_window_new(app);
    app_state *st = g_object_get_data(G_OBJECT(app), "state");
    if (st->port)
        sfg_window_set_port(win, st->port);
    const char *script = g_getenv("STUBFLASH_GTK_SCRIPT");
    if (script)
        sfg_script_start(win, script, &st->exit_status);
    return win;
}

static void on_quit(GSimpleAction *a, GVariant *param, gpointer app)
{
    (void)a;
    (void)param;
    GList *windows = gtk_application_get_windows(app);
    if (windows) /* the window asks first if a job is under way */
        gtk_window_close(windows->data);
    else
        g_application_quit(app);
}

/* The keyboard shortcuts; gtk/help-overlay.ui shows them (win.show-help-overlay). */
static void set_accels(GtkApplication *app)
{
    static const struct {
        const char *action, *accel;
    } keys[] = {
        {"win.open", "<Control>o"},        {"win.flash", "<Control>Return"},   {"win.cancel", "Escape"},
        {"win.read", "<Control>r"},        {"win.identify", "F5"},             {"win.preferences", "<Control>comma"},
        {"win.show-help-overlay", "<Control>question"}, {"app.quit", "<Control>q"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
        const char *accels[] = {keys[i].accel, NULL};
        gtk_application_set_accels_for_action(app, keys[i].action, accels);
    }
}

static void on_startup(GApplication *app, gpointer data)
{
    (void)data;
    GSimpleAction *quit = g_simple_action_new("quit", NULL);
    g_signal_connect(quit, "activate", G_CALLBACK(on_quit), app);
    g_action_map_add_action(G_ACTION_MAP(app), G_ACTION(quit));
    g_object_unref(quit);
    set_accels(GTK_APPLICATION(app));
    GtkCssProvider *css = gtk_css_provider_new();
    gtk_css_provider_load_from_resource(css, "/io/github/stubflash/Stubflash/style.css");
    gtk_style_context_add_provider_for_display(gdk_display_get_default(), GTK_STYLE_PROVIDER(css),
                                               GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    g_object_unref(css);
}

static void on_activate(GApplication *app, gpointer data)
{
    (void)data;
    gtk_window_present(GTK_WINDOW(main_window(GTK_APPLICATION(app))));
}

static void on_open(GApplication *app, GFile **files, int n, const char *hint, gpointer data)
{
    (void)hint;
    (void)data;
    SfgWindow *win = main_window(GTK_APPLICATION(app));
    gtk_window_present(GTK_WINDOW(win));
    if (n > 0) {
        char *path = g_file_get_path(files[0]);
        if (path)
            sfg_window_open_file(win, path);
        g_free(path);
    }
}

static int on_local_options(GApplication *app, GVariantDict *opts, gpointer data)
{
    (void)app;
    app_state *st = data;
    if (g_variant_dict_contains(opts, "version")) {
        printf("stubflash-gtk %s (libstubflash %s)\n", STUBFLASH_VERSION, sf_version());
        return 0;
    }
    g_variant_dict_lookup(opts, "port", "s", &st->port);
    return -1;
}

int main(int argc, char **argv)
{
    app_state st = {0};
    GtkApplication *app = GTK_APPLICATION(
        adw_application_new("io.github.stubflash.Stubflash", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE));
    g_object_set_data(G_OBJECT(app), "state", &st);
    const GOptionEntry entries[] = {
        {"port", 'p', 0, G_OPTION_ARG_STRING, NULL, "The board's port (a device, tcp://, rfc2217:// or sim:PART)", "NAME"},
        {"version", 0, 0, G_OPTION_ARG_NONE, NULL, "Print the version and exit", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    g_application_add_main_option_entries(G_APPLICATION(app), entries);
    g_application_set_option_context_parameter_string(G_APPLICATION(app), "[FILE]");
    g_application_set_option_context_summary(G_APPLICATION(app),
                                             "Flash STM32 firmware over a serial line through the ROM bootloader.");
    g_signal_connect(app, "handle-local-options", G_CALLBACK(on_local_options), &st);
    g_signal_connect(app, "startup", G_CALLBACK(on_startup), NULL);
    g_signal_connect(app, "activate", G_CALLBACK(on_activate), NULL);
    g_signal_connect(app, "open", G_CALLBACK(on_open), NULL);
    int rc = g_application_run(G_APPLICATION(app), argc, argv);
    g_object_unref(app);
    g_free(st.port);
    return rc ? rc : st.exit_status;
}
