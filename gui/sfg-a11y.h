/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-a11y.h - the accessibility check the tests run: every control (button, switch, entry,
 * drop-down, list...) shown in a window has an accessible name. */
#ifndef SFG_A11Y_H
#define SFG_A11Y_H

#include <gtk/gtk.h>

/* The controls under root without an accessible name, one per line ("GtkButton in AdwActionRow
 * 'Unique ID'"), or NULL if every one has a name; *checked counts the controls looked at. */
char *sfg_a11y_unnamed(GtkWidget *root, guint *checked);

/* libadwaita 1.2 leaves the list inside an AdwPreferencesGroup and the switch of an
 * AdwExpanderRow unnamed: name them after the group's and the row's titles, so that a screen
 * reader says "Connection, list" and "Fast stub, switch". */
void sfg_a11y_name_group_lists(GtkWidget *root);

#endif
