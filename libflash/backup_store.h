/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* backup_store.h - backup files on disk (see stubflash/backup.h): where a chip's live, the
 * backup function that gathers and saves one, the list. Internal. */
#ifndef SF_BACKUP_STORE_H
#define SF_BACKUP_STORE_H

#include "sf_internal.h"

#define SF_BACKUPS_KEPT 10 /* per chip; older ones are removed */

/* One write's backup as it is gathered (sf_session_set_backup with sf_backup_sink_collect). */
typedef struct sf_backup_sink {
    char dir[1024];      /* the chip's folder */
    char path[1100];     /* the file this write's backup went to, once saved */
    sf_image *img;       /* what the units held, gathered until the commit call */
    bool changes;        /* some unit will change: worth keeping */
    bool saved;
    char err[1200];      /* why it could not be kept */
} sf_backup_sink;

/* The chip's backup folder: root (NULL: the default) / its unique ID read through s. On
 * failure the session's error says why. */
sf_error sf_backup_chip_dir(sf_session *s, const char *root, char *dir, size_t cap);
int sf_backup_sink_collect(uint32_t addr, const uint8_t *old, size_t len, bool changes, void *user);
void sf_backup_sink_free(sf_backup_sink *b);
/* What the chip's flash held after the last write through the job (in the chip's folder, next
 * to its backups): a new empty image if there is none or it cannot be read; NULL if out of
 * memory. Saving replaces it whole (a new file renamed over the old); false if it could not. */
sf_image *sf_backup_known_load(const char *dir);
bool sf_backup_known_save(const char *dir, const sf_image *known);
/* Mark a backup restored, so the next rollback goes one further back. */
bool sf_backup_mark_restored(const char *path);

#endif
