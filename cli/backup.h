/* backup.h - the CLI's backups: what each write replaced, per chip (by its unique ID), in the
 * user's data folder ($XDG_DATA_HOME/stubflash/backups/UID/, else ~/.local/share/...), as Intel
 * HEX files named by time; `stubflash rollback` writes the newest back. */
#ifndef STUBFLASH_CLI_BACKUP_H
#define STUBFLASH_CLI_BACKUP_H
#include <stdbool.h>
#include <stddef.h>

#include "stubflash/stubflash.h"

#define BACKUPS_KEPT 10 /* per chip; older ones are removed */

typedef struct backup {
    char dir[1024];      /* this chip's folder */
    char path[1100];     /* the file this write's backup goes to */
    sf_image *img;       /* what the units held, gathered until the commit call */
    bool changes;        /* some unit will change: worth keeping */
    bool saved;
    char err[1600];
} backup;

/* The chip's backup folder from its unique ID (read through the session). Returns false, with
 * a sentence in err, if the chip has no known ID or it cannot be read. */
bool backup_locate(backup *b, sf_session *s, const sf_chip *chip);
/* Gather and save this write's backup (sf_session_set_backup with backup_collect, b as user). */
int backup_collect(uint32_t addr, const uint8_t *old, size_t len, bool changes, void *user);
/* The newest backup not yet restored, into path; false if there is none. */
bool backup_newest(const backup *b, char *path, size_t cap);
/* Mark a backup restored, so the next rollback goes one further back. */
bool backup_mark_restored(const char *path);
void backup_free(backup *b);
#endif
