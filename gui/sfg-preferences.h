/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-preferences.h - the preferences window (AdwPreferencesWindow): bootloader rate, stub and
 * its rate, reset wiring before and after (presets or custom steps), verify, run after
 * flashing, backups, required signature. Every control is bound to GSettings. */
#ifndef SFG_PREFERENCES_H
#define SFG_PREFERENCES_H

#include <adwaita.h>

#define SFG_TYPE_PREFERENCES (sfg_preferences_get_type())
G_DECLARE_FINAL_TYPE(SfgPreferences, sfg_preferences, SFG, PREFERENCES, AdwPreferencesWindow)

SfgPreferences *sfg_preferences_new(GtkWindow *parent, GSettings *settings);
/* Change a setting through its control, as a user would (for the script driver): key is a
 * GSettings key, value "on"/"off", a number, a wiring or a path. FALSE and *why if refused. */
gboolean sfg_preferences_set(SfgPreferences *self, const char *key, const char *value, char **why);

#endif
