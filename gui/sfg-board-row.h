/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-board-row.h - one board of a gang: its port, a small map of its flash, the phase and
 * rate of its job, and the result. Each row runs its own job (sfg_job), so one board failing
 * does not stop the others. Signals: "finished" (gboolean ok) when its job ended; "remove" ()
 * when its remove button is pressed. */
#ifndef SFG_BOARD_ROW_H
#define SFG_BOARD_ROW_H

#include <gtk/gtk.h>

#include "sfg-job.h"

#define SFG_TYPE_BOARD_ROW (sfg_board_row_get_type())
G_DECLARE_FINAL_TYPE(SfgBoardRow, sfg_board_row, SFG, BOARD_ROW, GtkListBoxRow)

SfgBoardRow *sfg_board_row_new(const char *port);
const char *sfg_board_row_port(SfgBoardRow *self);
/* Run a job on this board (p->port is the name to open); FALSE if one runs already. */
gboolean sfg_board_row_start(SfgBoardRow *self, const sfg_job_params *p);
void sfg_board_row_cancel(SfgBoardRow *self);
gboolean sfg_board_row_busy(SfgBoardRow *self);
/* The last result: "" before any, else "done: ..." or "failed: ..." */
const char *sfg_board_row_result(SfgBoardRow *self);
/* Cells of its map in a state (SF_UNIT_* or SFG_CELL_IDLE). */
guint sfg_board_row_cells(SfgBoardRow *self, guint state);

#endif
