/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stubflash/backup.h - what each write replaced, kept per chip so it can be written back.
 *
 * A job (job.h) with backups on reads, before erasing, every unit its write changes and saves
 * it as an Intel HEX file named by the time, in ROOT/UID/ where UID is the chip's 96-bit unique
 * ID in hex (most significant byte first, as ST prints it) and ROOT is by default
 * $XDG_DATA_HOME/stubflash/backups, else ~/.local/share/stubflash/backups. The newest 10 per
 * chip are kept. A backup written back is renamed FILE.restored, so the next rollback goes one
 * further back. @since 0.2 */
#ifndef STUBFLASH_BACKUP_H
#define STUBFLASH_BACKUP_H

#include "common.h"
#include "session.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The backups of one chip, newest first (opaque). */
typedef struct sf_backup_list sf_backup_list;

/** List the backups of the chip the session is connected to (its unique ID is read through
 * the session). root NULL is the default folder. A chip without backups gives an empty list.
 * SF_ERR_DEVICE if the family's unique ID is not known, SF_ERR_FILE if no root can be found
 * (neither XDG_DATA_HOME nor HOME set); the sentence is in sf_session_last_error(). @since 0.2 */
SF_API sf_error sf_backup_list_open(sf_session *s, const char *root, sf_backup_list **out);
/** Free the list. NULL is ignored. @since 0.2 */
SF_API void sf_backup_list_free(sf_backup_list *list);
/** The chip's backup folder (it may not exist yet). @since 0.2 */
SF_API const char *sf_backup_list_dir(const sf_backup_list *list);
/** Number of backups, restored ones included. @since 0.2 */
SF_API size_t sf_backup_list_count(const sf_backup_list *list);
/** Path of backup i (0 is the newest); NULL past the end. @since 0.2 */
SF_API const char *sf_backup_list_path(const sf_backup_list *list, size_t i);
/** When backup i was taken, in seconds since 1970 (UTC); 0 past the end. @since 0.2 */
SF_API int64_t sf_backup_list_time(const sf_backup_list *list, size_t i);
/** Bytes of flash backup i holds (the data, not the file's size); 0 past the end or if the
 * file cannot be read. @since 0.2 */
SF_API uint64_t sf_backup_list_bytes(const sf_backup_list *list, size_t i);
/** Whether backup i was written back already (a rollback skips it). @since 0.2 */
SF_API bool sf_backup_list_restored(const sf_backup_list *list, size_t i);

#ifdef __cplusplus
}
#endif
#endif
