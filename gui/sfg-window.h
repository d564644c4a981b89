/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-window.h - stubflash-gtk's main window: port, firmware, options, the flash map, progress,
 * log and the actions (identify, flash, verify, read, erase, cancel). The work runs in sfg_job. */
#ifndef SFG_WINDOW_H
#define SFG_WINDOW_H

#include <gtk/gtk.h>

#define SFG_TYPE_WINDOW (sfg_window_get_type())
G_DECLARE_FINAL_TYPE(SfgWindow, sfg_window, SFG, WINDOW, GtkApplicationWindow)

/* What the window is doing: nothing yet, a job under way, the last job's outcome. */
typedef enum sfg_state { SFG_STATE_IDLE, SFG_STATE_BUSY, SFG_STATE_DONE, SFG_STATE_ERROR } sfg_state;

SfgWindow *sfg_window_new(GtkApplication *app);
/* Choose a port by name (added to the list if it is not there, e.g. a tcp:// bridge). */
void sfg_window_set_port(SfgWindow *self, const char *name);
/* Take a firmware file; a raw binary asks where it goes first. */
void sfg_window_open_file(SfgWindow *self, const char *path);

/* Read the whole flash into path (what Read… does once a file is chosen). */
void sfg_window_read_to(SfgWindow *self, const char *path);

/* For the script driver (sfg-script.c), which tests and screenshots use. */
sfg_state sfg_window_state(SfgWindow *self);
const char *sfg_window_status(SfgWindow *self);
/* Answer the question the window is asking (base address: text; confirmations: "yes"/"no").
 * FALSE if none is open. */
gboolean sfg_window_answer(SfgWindow *self, const char *text);
gboolean sfg_window_set_option(SfgWindow *self, const char *name, gboolean on);
/* Cells of the flash map in a state (SF_UNIT_* or SFG_CELL_IDLE). */
guint sfg_window_cells(SfgWindow *self, guint state);
/* Save a picture of the window as it is drawn now. */
gboolean sfg_window_save_png(SfgWindow *self, const char *path, GError **error);

#endif
