/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-settings.h - stubflash-gtk's settings in GSettings (schema io.github.stubflash.Stubflash,
 * installed with the application): opening them, taking over the old key file once, and the list
 * of recent firmware files. */
#ifndef SFG_SETTINGS_H
#define SFG_SETTINGS_H

#include <gio/gio.h>

#define SFG_APP_ID "io.github.stubflash.Stubflash"
/* How many recent files are kept. */
#define SFG_RECENT_MAX 10

/* The application's settings; the first time, what the key file of earlier versions
 * ($XDG_CONFIG_HOME/stubflash/gtk.ini) held is taken over. */
GSettings *sfg_settings_open(void);
/* Take over keyfile_path's settings unless done already (keyfile-imported); TRUE if it did. */
gboolean sfg_settings_import_keyfile(GSettings *gs, const char *keyfile_path);

/* A file was flashed: put it first in recent-files (once), with its size and the time now. */
void sfg_recent_add(GSettings *gs, const char *path, guint64 size, gint64 when);
/* Entry i of recent-files (newest first): FALSE past the end. *path is g_free'd by the caller. */
gboolean sfg_recent_get(GSettings *gs, guint i, char **path, guint64 *size, gint64 *when);
/* "12.0 KiB" (IEC units, with a plain space: GLib puts a no-break space there). */
char *sfg_size_text(guint64 bytes);
/* "app.hex — 12.0 KiB, flashed 2026-12-03 05:40" */
char *sfg_recent_label(const char *path, guint64 size, gint64 when);

#endif
