/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stubflash/job.h - what every front end does with a board, as one call: check the image,
 * keep what the write replaces, write, verify, start the firmware; and write a backup back.
 * The command line, the gang, the desktop application and the Python binding all run these,
 * so they refuse, back up and report alike.
 *
 *   sf_job *job;
 *   sf_job_new(&job);                               // verify and backup on, no start
 *   sf_job_set_flags(job, SF_JOB_VERIFY | SF_JOB_BACKUP | SF_JOB_GO);
 *   if (sf_job_write(job, session, img) != SF_OK)
 *       fprintf(stderr, "%s\n", sf_session_last_error(session));
 *   else if (*sf_job_backup_path(job))
 *       printf("kept what was replaced in %s\n", sf_job_backup_path(job));
 *   sf_job_free(job);
 *
 * A job holds settings and what its last run produced; it is used from one thread at a time,
 * on any session. Progress, log and unit events come through the session's callbacks.
 * @since 0.2 */
#ifndef STUBFLASH_JOB_H
#define STUBFLASH_JOB_H

#include "common.h"
#include "image.h"
#include "session.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sf_job sf_job;

/** What sf_job_write does besides writing. */
enum sf_job_flag {
    SF_JOB_VERIFY = 1 << 0, /**< check the written flash (by CRC through the stub, else read back) */
    SF_JOB_BACKUP = 1 << 1, /**< keep what the write replaces (backup.h); if the chip's unique
                             *   ID is unknown the write goes on without one, with a warning */
    SF_JOB_GO = 1 << 2,     /**< start the firmware afterwards (sf_job_set_go_address) */
    SF_JOB_FORCE = 1 << 3,  /**< write even what does not look like firmware for this chip
                             *   (sf_session_check_firmware), with a warning */
    SF_JOB_DATA = 1 << 4,   /**< the image is data, not firmware: no vector-table checks */
};

/** A job with SF_JOB_VERIFY | SF_JOB_BACKUP, starting at the chip's boot address, backups in
 * the default folder. @since 0.2 */
SF_API sf_error sf_job_new(sf_job **out);
/** Free. NULL is ignored. @since 0.2 */
SF_API void sf_job_free(sf_job *job);
/** Set the flags (SF_JOB_*); SF_ERR_ARG for unknown bits. @since 0.2 */
SF_API sf_error sf_job_set_flags(sf_job *job, unsigned flags);
/** The flags in force. @since 0.2 */
SF_API unsigned sf_job_flags(const sf_job *job);
/** Where SF_JOB_GO starts the firmware: SF_GO_BOOT_ADDRESS (the default) is the chip's boot
 * address (sf_session_boot_address). @since 0.2 */
SF_API sf_error sf_job_set_go_address(sf_job *job, uint32_t addr);
/** The backup folder's root (backup.h); NULL restores the default. The string is copied. @since 0.2 */
SF_API sf_error sf_job_set_backup_root(sf_job *job, const char *root);

/** On an open session: every check of sf_session_check_image and (unless SF_JOB_FORCE)
 * sf_session_check_firmware (with data = SF_JOB_DATA), then (SF_JOB_BACKUP) the
 * backup, the write (only the units the image touches; through the RAM stub where the session
 * allows it), (SF_JOB_VERIFY) the verification and (SF_JOB_GO) the start, which closes the
 * session. Nothing is erased before every check passed and the backup is saved; a backup that
 * cannot be saved stops the job with SF_ERR_BACKUP. The sentence of a failure is in
 * sf_session_last_error(). @since 0.2 */
SF_API sf_error sf_job_write(sf_job *job, sf_session *s, const sf_image *img);
/** Compare the chip with the image (sf_session_verify_image), then start it if SF_JOB_GO. @since 0.2 */
SF_API sf_error sf_job_verify(sf_job *job, sf_session *s, const sf_image *img);
/** Write a backup file back (verified, without a new backup) and mark it restored. @since 0.2 */
SF_API sf_error sf_job_restore(sf_job *job, sf_session *s, const char *backup_path);
/** Write back the newest backup of the connected chip not yet restored (sf_job_restore);
 * SF_ERR_FILE if there is none, naming the folder. @since 0.2 */
SF_API sf_error sf_job_rollback(sf_job *job, sf_session *s);

/** What the last run did: the backup it kept (sf_job_write) or wrote back (sf_job_restore,
 * sf_job_rollback); "" if none. Valid until the next run or sf_job_free. @since 0.2 */
SF_API const char *sf_job_backup_path(const sf_job *job);
/** Bytes of the image the last run wrote or compared. @since 0.2 */
SF_API uint64_t sf_job_bytes(const sf_job *job);
/** Where the last run started the firmware; 0 if it did not. @since 0.2 */
SF_API uint32_t sf_job_started_at(const sf_job *job);

#ifdef __cplusplus
}
#endif
#endif
