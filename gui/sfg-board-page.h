/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-board-page.h - the Board page: what the chip is (unique ID, option bytes raw and by name,
 * read-only), the A/B update on parts whose banks swap (write the other bank, boot it), its
 * backups newest first with date and size (each can be written back), readout and write
 * protection, erase range, go to address, erase all. Its buttons run the window's actions. */
#ifndef SFG_BOARD_PAGE_H
#define SFG_BOARD_PAGE_H

#include <adwaita.h>

#include "sfg-job.h"

#define SFG_TYPE_BOARD_PAGE (sfg_board_page_get_type())
G_DECLARE_FINAL_TYPE(SfgBoardPage, sfg_board_page, SFG, BOARD_PAGE, AdwBin)

void sfg_board_page_set_chip(SfgBoardPage *self, const sf_chip *chip);
void sfg_board_page_set_details(SfgBoardPage *self, const sfg_details *details);
/* What the user typed; FALSE and *err (g_free) if it does not parse. */
gboolean sfg_board_page_erase_range(SfgBoardPage *self, guint32 *addr, guint32 *len, char **err);
/* An empty entry gives SF_GO_BOOT_ADDRESS. */
gboolean sfg_board_page_go_address(SfgBoardPage *self, guint32 *addr, char **err);
/* The WRP bits typed, into groups (up to 256); *count of them. */
gboolean sfg_board_page_write_groups(SfgBoardPage *self, guint8 *groups, gsize *count, char **err);
/* For the script driver: type text into an entry ("erase", "go", "groups"). */
gboolean sfg_board_page_type(SfgBoardPage *self, const char *entry, const char *text);
/* What the Chip group shows: "uid" or "options" (the subtitle of that row); "fields": the option
 * bytes by name as listed ("RDP=0xAA (170) BOR_LEV=0x0 (0) ..."); "boot-bank": the A/B row's
 * subtitle, or "none (no A/B on this part)" where the group is hidden. */
const char *sfg_board_page_detail(SfgBoardPage *self, const char *which);
/* The bank that boots as the A/B group last showed it (1 or 2), 0 if it shows none. */
int sfg_board_page_boot_bank(SfgBoardPage *self);
/* The backups listed, and the title and subtitle of row i (NULL past the end). */
guint sfg_board_page_backups(SfgBoardPage *self);
const char *sfg_board_page_backup_text(SfgBoardPage *self, guint i, gboolean subtitle);
const char *sfg_board_page_backup_path(SfgBoardPage *self, guint i);

#endif
