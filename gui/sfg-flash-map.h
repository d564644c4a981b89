/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-flash-map.h - a picture of the chip's flash: one cell per erase unit, coloured by what
 * the current write did to it (gui-logic.h: sfg_map), with the unit's address in a tooltip. */
#ifndef SFG_FLASH_MAP_H
#define SFG_FLASH_MAP_H

#include <gtk/gtk.h>

#include "gui-logic.h"

#define SFG_TYPE_FLASH_MAP (sfg_flash_map_get_type())
G_DECLARE_FINAL_TYPE(SfgFlashMap, sfg_flash_map, SFG, FLASH_MAP, GtkWidget)

GtkWidget *sfg_flash_map_new(void);
/* Show map (not copied: it must live as long as it is shown; NULL shows nothing). */
void sfg_flash_map_set_map(SfgFlashMap *self, const sfg_map *map);
/* The map's cells changed: draw again. */
void sfg_flash_map_changed(SfgFlashMap *self);
/* Cells of this many pixels, gap included (14 by default; a gang's rows use small ones). */
void sfg_flash_map_set_cell_size(SfgFlashMap *self, int pixels);
/* The colour of a cell state (also for the legend). */
void sfg_flash_map_color(guint state, GdkRGBA *out);

#endif
