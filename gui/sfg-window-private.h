/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-window-private.h - the main window's insides, shared by its files: sfg-window.c (ports,
 * file, the single board's jobs, actions), sfg-window-files.c (open, recent files, read, the
 * preferences and About windows), sfg-window-ask.c (the questions it asks) and
 * sfg-window-gang.c (several boards at once). */
#ifndef SFG_WINDOW_PRIVATE_H
#define SFG_WINDOW_PRIVATE_H

#include "gui-logic.h"
#include "sfg-board-page.h"
#include "sfg-flash-map.h"
#include "sfg-job.h"
#include "sfg-port-monitor.h"
#include "sfg-window.h"

typedef enum {
    ASK_NONE,
    ASK_BASE,            /* entry: where a raw binary goes */
    ASK_PORT,            /* entry: a port by name */
    ASK_ERASE,
    ASK_CLOSE,
    ASK_FORCE,
    ASK_ERASE_RANGE,
    ASK_RESTORE,         /* ask_path: the backup */
    ASK_PROTECT_READOUT,
    ASK_PROTECT_READOUT_2, /* entry: the chip's name */
    ASK_UNPROTECT_READOUT,
    ASK_PROTECT_WRITE_0, /* group 0 among the groups */
    ASK_FLASH_AB,        /* write the file to the bank that does not boot, then boot it */
    ASK_SWAP_BANKS,      /* boot the other bank */
} ask_kind;

struct _SfgWindow {
    AdwApplicationWindow parent;
    /* from the template */
    GtkDropDown *port_drop;
    GtkLabel *file_label, *chip_label, *map_label, *status_label, *gang_label;
    SfgFlashMap *flash_map;
    GtkBox *legend_box;
    GtkProgressBar *progress;
    GtkTextView *log_view;
    GtkStack *main_stack;
    AdwToastOverlay *toast_overlay;
    AdwViewStack *view_stack;
    AdwSplitButton *open_button;
    SfgBoardPage *board_page;
    GtkListBox *board_list;

    GSettings *settings;
    SfgPortMonitor *ports;
    GtkStringList *port_labels;
    GPtrArray *port_names;    /* parallel to port_labels */
    char *extra_port;         /* a port given by name that enumeration does not list */
    gboolean ports_dirty;     /* the list changed during a job: refill after it */
    char *file;               /* the firmware chosen, NULL if none */
    sfg_map map;
    guint16 map_pid;
    guint32 map_flash;
    sf_chip chip;             /* the last chip identified (chip.pid 0: none) */
    gboolean have_chip;
    sfg_job *job;
    sfg_job_kind job_kind;
    gboolean quiet;           /* the job refreshes the Board page: the status stays */
    gint64 phase_start;       /* µs, for the rate */
    sf_phase phase;
    sfg_state state;
    char *status;
    gboolean close_when_done;
    GtkWidget *ask;           /* the question open, if any */
    ask_kind ask_kind;
    char *ask_path;           /* ASK_BASE: the binary; ASK_RESTORE: the backup */
    gboolean force_next;      /* ASK_FORCE said yes: the next flash writes it anyway */
    GtkWidget *ask_entry;
    char *ask_heading, *ask_yes;   /* to ask again when an answer does not parse */
    char *ask_text;           /* heading and detail, for the script driver's expect-question */
    gboolean ask_destructive;
    guint8 groups[256];       /* ASK_PROTECT_WRITE_0: the groups asked for */
    gsize group_count;
    guint32 ask_addr, ask_len;/* ASK_ERASE_RANGE */
    GPtrArray *gang;          /* SfgBoardRow of the Boards page */
    guint gang_running, gang_ok, gang_failed;
    GtkWindow *preferences;   /* open, if any */
};

/* sfg-window.c */
void sfg_window_log(SfgWindow *self, const char *prefix, const char *text);
void sfg_window_set_status(SfgWindow *self, sfg_state state, const char *text);
void sfg_window_toast(SfgWindow *self, const char *text);
void sfg_window_update_actions(SfgWindow *self);
const char *sfg_window_selected_port(SfgWindow *self);
void sfg_window_set_file(SfgWindow *self, const char *path);
/* Fill what every job takes from the settings; free with sfg_window_params_clear. */
void sfg_window_params(SfgWindow *self, sfg_job_params *p, sfg_job_kind kind, const char *port);
void sfg_window_params_clear(sfg_job_params *p);
void sfg_window_start_job(SfgWindow *self, sfg_job_kind kind, const char *read_path);
/* Start a job with extra parameters set by fill (may be NULL). */
void sfg_window_start_job_with(SfgWindow *self, sfg_job_kind kind, void (*fill)(sfg_job_params *, gpointer),
                               gpointer data);
void sfg_window_remember_flash(SfgWindow *self, const char *path);

/* sfg-window-files.c */
void sfg_window_fill_recent_menu(SfgWindow *self);
void sfg_window_install_file_actions(GtkWidgetClass *wc);
void sfg_window_own_chooser(gpointer window, GtkFileChooserNative *d);

/* sfg-window-ask.c */
void sfg_window_ask(SfgWindow *self, ask_kind kind, const char *question, const char *detail, const char *yes_label,
                    gboolean destructive, const char *entry_text);
void sfg_window_close_ask(SfgWindow *self);
/* As sfg_window_ask, with Cancel the answer Enter gives even where Yes is not destructive. */
void sfg_window_ask_cancel_default(SfgWindow *self, ask_kind kind, const char *question, const char *detail,
                                   const char *yes_label, gboolean destructive);
gboolean sfg_window_settle(SfgWindow *self, gboolean yes);
void sfg_window_install_protection_actions(GtkWidgetClass *wc);

/* sfg-window-gang.c */
void sfg_window_gang_init(SfgWindow *self);
void sfg_window_gang_flash(SfgWindow *self);
void sfg_window_gang_cancel(SfgWindow *self);
gboolean sfg_window_gang_busy(SfgWindow *self);
void sfg_window_install_gang_actions(GtkWidgetClass *wc);

#endif
