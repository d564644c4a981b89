/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* job.c - check, back up, write, verify, start: what every front end does, in one place (see
 * stubflash/job.h). It uses the session as any caller would, plus its quiet read. */
#define _POSIX_C_SOURCE 200809L
#include "backup_store.h"
#include "session_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JOB_FLAGS (SF_JOB_VERIFY | SF_JOB_BACKUP | SF_JOB_GO | SF_JOB_FORCE | SF_JOB_DATA)

struct sf_job {
    unsigned flags;
    uint32_t go_address;
    char *backup_root;
    char backup_path[1100];
    uint64_t bytes;
    uint32_t started_at;
};

sf_error sf_job_new(sf_job **out)
{
    if (!out)
        return SF_ERR_ARG;
    sf_job *j = calloc(1, sizeof *j);
    if (!j)
        return SF_ERR_NOMEM;
    j->flags = SF_JOB_VERIFY | SF_JOB_BACKUP;
    j->go_address = SF_GO_BOOT_ADDRESS;
    *out = j;
    return SF_OK;
}

void sf_job_free(sf_job *job)
{
    if (!job)
        return;
    free(job->backup_root);
    free(job);
}

sf_error sf_job_set_flags(sf_job *job, unsigned flags)
{
    if (!job || (flags & ~(unsigned)JOB_FLAGS))
        return SF_ERR_ARG;
    job->flags = flags;
    return SF_OK;
}

unsigned sf_job_flags(const sf_job *job) { return job ? job->flags : 0; }

sf_error sf_job_set_go_address(sf_job *job, uint32_t addr)
{
    if (!job)
        return SF_ERR_ARG;
    job->go_address = addr;
    return SF_OK;
}

sf_error sf_job_set_backup_root(sf_job *job, const char *root)
{
    if (!job)
        return SF_ERR_ARG;
    char *copy = NULL;
    if (root && !(copy = strdup(root)))
        return SF_ERR_NOMEM;
    free(job->backup_root);
    job->backup_root = copy;
    return SF_OK;
}

const char *sf_job_backup_path(const sf_job *job) { return job ? job->backup_path : ""; }
uint64_t sf_job_bytes(const sf_job *job) { return job ? job->bytes : 0; }
uint32_t sf_job_started_at(const sf_job *job) { return job ? job->started_at : 0; }

static void job_reset(sf_job *job)
{
    job->backup_path[0] = 0;
    job->bytes = 0;
    job->started_at = 0;
}

static sf_error start(sf_job *job, sf_session *s)
{
    if (!(job->flags & SF_JOB_GO))
        return SF_OK;
    uint32_t at = job->go_address;
    if (at == SF_GO_BOOT_ADDRESS)
        sf_session_boot_address(s, &at);
    sf_error e = sf_session_go(s, at);
    if (e == SF_OK)
        job->started_at = at;
    return e;
}

/* The write, with the backup function set for its length. */
static sf_error write_backed_up(sf_job *job, sf_session *s, const sf_image *img, unsigned wflags)
{
    sf_backup_sink sink;
    memset(&sink, 0, sizeof sink);
    sf_chip chip;
    sf_error e = sf_session_chip_now(s, &chip);
    if (e)
        return e;
    bool backup = (job->flags & SF_JOB_BACKUP) && !chip.protection.readout;
    /* The stub first (the write loads it anyway): the ID is then one read through it. */
    if (backup && (e = sf_session_prepare_write(s)))
        return e;
    if (backup && sf_backup_chip_dir(s, job->backup_root, sink.dir, sizeof sink.dir) != SF_OK) {
        /* No unique ID to keep it by: the user asked for a write, not for a backup. */
        sf_session_say(s, SF_LOG_WARNING, "writing without a backup: %s", sf_session_last_error(s));
        backup = false;
    }
    /* What the last write left on this chip: units that still hold it are not read back. */
    if (backup) {
        sf_session_set_backup(s, sf_backup_sink_collect, &sink);
        sf_session_set_known_dir(s, sink.dir);
    }
    e = sf_session_write_image(s, img, wflags);
    if (backup) {
        bool changed;
        sf_image *known = sf_session_take_known(s, &changed);
        if (e == SF_OK && known && changed && !sf_backup_known_save(sink.dir, known))
            sf_session_say(s, SF_LOG_WARNING, "could not keep what this write left in %s: the next backup reads "
                           "the chip", sink.dir);
        sf_image_free(known);
        sf_session_set_backup(s, NULL, NULL);
    }
    if (sink.saved)
        snprintf(job->backup_path, sizeof job->backup_path, "%s", sink.path);
    if (e == SF_ERR_BACKUP && sink.err[0])
        sf_session_set_error(s, e, "%s: %s; nothing was written (turn backups off to write without one)",
                             sf_session_last_error(s), sink.err);
    sf_backup_sink_free(&sink);
    return e;
}

/* The write job's hold on the session's second reading of the chip state (begin() in
 * session.c leaves it to the job's stub while this is above 0). */
static bool defer_confirm(sf_session *s, int by)
{
    pthread_mutex_lock(&s->lock);
    s->defer_confirm = (unsigned)((int)s->defer_confirm + by);
    bool pending = s->nunconfirmed > 0;
    pthread_mutex_unlock(&s->lock);
    return pending;
}

/* What is checked before anything is done to the chip. */
static sf_error checks(const sf_job *job, sf_session *s, const sf_image *img)
{
    sf_error e = sf_session_check_image(s, img);
    if (e == SF_OK && !(job->flags & SF_JOB_FORCE))
        e = sf_session_check_firmware(s, img, job->flags & SF_JOB_DATA);
    return e;
}

sf_error sf_job_write(sf_job *job, sf_session *s, const sf_image *img)
{
    if (!job || !s || !img)
        return SF_ERR_ARG;
    job_reset(job);
    /* Every check first: reading the chip's ID for the backup is not worth doing for an image
     * that cannot be written. The checks go on the chip state as read once at open: the write
     * reads it again through its stub, and checks again if it differs, before anything is
     * erased. An image refused on the first reading is checked again on a second one (the
     * line may have damaged the first). Where connecting left the state unread, the stub is
     * loaded first and reads it, CRC-checked, at its rate: one reading then. */
    bool once = defer_confirm(s, 1);
    sf_error e = sf_session_read_state_by_stub(s); /* if connecting left it to the stub */
    if (e == SF_OK)
        e = checks(job, s, img);
    if (e != SF_OK && e != SF_ERR_ARG && once) {
        defer_confirm(s, -1);
        e = checks(job, s, img); /* each check's begin() reads the state again first */
        defer_confirm(s, 1);
    }
    char why[400];
    if (e == SF_OK && (job->flags & SF_JOB_FORCE) &&
        sf_session_firmware_doubt(s, img, job->flags & SF_JOB_DATA, why, sizeof why) != SF_OK)
        sf_session_say(s, SF_LOG_WARNING, "writing it all the same (forced): %s", why);
    if (e == SF_OK)
        e = write_backed_up(job, s, img, (job->flags & SF_JOB_VERIFY) ? SF_WRITE_VERIFY : 0);
    defer_confirm(s, -1);
    if (e == SF_OK) {
        job->bytes = sf_image_size(img);
        e = start(job, s);
    }
    return e;
}

sf_error sf_job_verify(sf_job *job, sf_session *s, const sf_image *img)
{
    if (!job || !s || !img)
        return SF_ERR_ARG;
    job_reset(job);
    sf_error e = sf_session_verify_image(s, img);
    if (e == SF_OK) {
        job->bytes = sf_image_size(img);
        e = start(job, s);
    }
    return e;
}

sf_error sf_job_restore(sf_job *job, sf_session *s, const char *backup_path)
{
    if (!job || !s || !backup_path)
        return SF_ERR_ARG;
    job_reset(job);
    sf_image *img = NULL;
    char err[600];
    sf_error e = sf_image_load(backup_path, SF_FORMAT_IHEX, 0, &img, err, sizeof err);
    if (e)
        return sf_session_set_error(s, e, "%s", err);
    sf_session_say(s, SF_LOG_INFO, "restoring %s", backup_path);
    e = sf_session_write_image(s, img, SF_WRITE_VERIFY);
    if (e == SF_OK) {
        job->bytes = sf_image_size(img);
        snprintf(job->backup_path, sizeof job->backup_path, "%s", backup_path);
        if (!sf_backup_mark_restored(backup_path))
            e = sf_session_set_error(s, SF_ERR_FILE, "restored, but %s cannot be marked restored: %s", backup_path,
                                     strerror(errno));
    }
    sf_image_free(img);
    if (e == SF_OK)
        e = start(job, s);
    return e;
}

sf_error sf_job_rollback(sf_job *job, sf_session *s)
{
    if (!job || !s)
        return SF_ERR_ARG;
    job_reset(job);
    sf_backup_list *list;
    sf_error e = sf_backup_list_open(s, job->backup_root, &list);
    if (e)
        return e;
    const char *path = NULL;
    for (size_t i = 0; i < sf_backup_list_count(list) && !path; i++)
        if (!sf_backup_list_restored(list, i))
            path = sf_backup_list_path(list, i);
    e = path ? sf_job_restore(job, s, path)
             : sf_session_set_error(s, SF_ERR_FILE, "no backup of this chip to restore in %s",
                                    sf_backup_list_dir(list));
    sf_backup_list_free(list);
    return e;
}
