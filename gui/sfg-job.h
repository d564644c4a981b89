/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-job.h - one library operation (identify, flash, verify, read, erase) run on a worker
 * thread. What the library reports (log, progress, chip, flash units) is queued and handed to
 * the callbacks on the main loop, in order, so the window never blocks and never touches a
 * widget from another thread. */
#ifndef SFG_JOB_H
#define SFG_JOB_H

#include <glib.h>
#include <stubflash/stubflash.h>

typedef enum sfg_job_kind {
    SFG_JOB_IDENTIFY,
    SFG_JOB_FLASH,
    SFG_JOB_VERIFY,
    SFG_JOB_READ,     /* the whole flash into read_path */
    SFG_JOB_ERASE,    /* mass erase */
} sfg_job_kind;

typedef struct sfg_job_params {
    sfg_job_kind kind;
    const char *port;       /* as sf_port_open takes it */
    const char *file;       /* FLASH, VERIFY: the firmware */
    guint32 base;           /* where a raw binary goes */
    const char *read_path;  /* READ: where to save */
    gboolean verify, stub, go;
    gboolean force;         /* FLASH: write what does not look like firmware for the chip */
    guint32 stub_baud;      /* 0 = automatic */
} sfg_job_params;

typedef struct sfg_job_events {
    void (*log)(void *user, sf_log_level level, const char *text);
    void (*progress)(void *user, sf_phase phase, guint64 done, guint64 total);
    void (*chip)(void *user, const sf_chip *chip);
    void (*unit)(void *user, guint index, sf_unit_state state);
    /* Last: err is SF_OK or the library's code; text is the error sentence or what was done. */
    void (*done)(void *user, sf_error err, const char *text);
    void *user;
    /* FLASH without force: the image does not look like firmware for the chip (why says what
     * was found); nothing was written. Called instead of done; NULL: done reports it. */
    void (*not_firmware)(void *user, const char *why);
} sfg_job_events;

typedef struct sfg_job sfg_job;

/* Start the job (the params are copied). The events arrive on the default main context. */
sfg_job *sfg_job_start(const sfg_job_params *p, const sfg_job_events *ev);
/* Ask it to stop at the next block; done follows with SF_ERR_CANCELLED (or what it finished). */
void sfg_job_cancel(sfg_job *j);
/* Whether done has been delivered. */
gboolean sfg_job_finished(const sfg_job *j);
/* Join the thread and free; only after done was delivered. */
void sfg_job_free(sfg_job *j);

#endif
