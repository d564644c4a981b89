/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-window.h - stubflash-gtk's main window (AdwApplicationWindow): a header bar (Open with
 * the recent files, Flash, the main menu), the Flash page (port, firmware, the flash map,
 * progress, log), the Board page (details, backups, protection, memory tools) and the Several
 * Boards page (a gang flashed in parallel). The work runs in sfg_job, the library's job. */
#ifndef SFG_WINDOW_H
#define SFG_WINDOW_H

#include <adwaita.h>

#define SFG_TYPE_WINDOW (sfg_window_get_type())
G_DECLARE_FINAL_TYPE(SfgWindow, sfg_window, SFG, WINDOW, AdwApplicationWindow)

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
/* Answer the question the window is asking (entries: text; confirmations: "yes"/"no";
 * "default": the answer Enter gives). FALSE if none is open. */
gboolean sfg_window_answer(SfgWindow *self, const char *text);
/* The question open: its heading and its detail, a space between ("" if none). */
const char *sfg_window_question(SfgWindow *self);
/* A setting (GSettings key) through the preferences window, as a user changes it. */
gboolean sfg_window_set_option(SfgWindow *self, const char *name, const char *value, char **why);
GSettings *sfg_window_settings(SfgWindow *self);
/* What the window says of the chip (its chip line). */
const char *sfg_window_chip_text(SfgWindow *self);
/* Cells of the flash map in a state (SF_UNIT_* or SFG_CELL_IDLE). */
guint sfg_window_cells(SfgWindow *self, guint state);
/* Show a page: "flash", "board" or "boards". */
gboolean sfg_window_show_page(SfgWindow *self, const char *name);
/* The window drawn by "shot": the main one, "preferences" or the open "question". */
GtkWidget *sfg_window_part(SfgWindow *self, const char *which);
/* A port event as udev gives it (sfg_port_monitor_event). */
void sfg_window_port_event(SfgWindow *self, const char *action, const char *node, const char *description,
                           const char *serial);
/* What the Flash page shows: "none" (the status page: no board) or "board". */
const char *sfg_window_view(SfgWindow *self);
/* The ports listed, by name (for the script's "hotplug remove-all"); free with g_strfreev. */
char **sfg_window_port_names(SfgWindow *self);
/* The label the port chooser shows for name, NULL if it is not listed. */
const char *sfg_window_port_label(SfgWindow *self, const char *name);
/* The Board page, and the gang's boards: count, port, result, cells in a state. */
GtkWidget *sfg_window_board_page(SfgWindow *self);
guint sfg_window_gang_count(SfgWindow *self);
const char *sfg_window_gang_result(SfgWindow *self, const char *port);
guint sfg_window_gang_cells(SfgWindow *self, const char *port, guint state);
/* Save a picture of a window as it is drawn now. */
gboolean sfg_window_save_png(GtkWidget *w, const char *path, GError **error);

#endif
