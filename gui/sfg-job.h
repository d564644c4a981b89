/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-job.h - one library operation (identify, flash, verify, read, erase, the board's details,
 * rollback, erase range, go, protection) run on a worker thread. What the library reports (log,
 * progress, chip, flash units, details) is queued and handed to the callbacks on the main loop,
 * in order, so the window never blocks and never touches a widget from another thread. The
 * flashing itself is the library's job (stubflash/job.h), as the command line's. */
#ifndef SFG_JOB_H
#define SFG_JOB_H

#include <glib.h>
#include <stubflash/stubflash.h>

typedef enum sfg_job_kind {
    SFG_JOB_IDENTIFY,
    SFG_JOB_FLASH,
    SFG_JOB_VERIFY,
    SFG_JOB_READ,        /* the whole flash into read_path */
    SFG_JOB_ERASE,       /* mass erase */
    SFG_JOB_DETAILS,     /* identify, then the unique ID, the option bytes and the backups */
    SFG_JOB_ROLLBACK,    /* write back restore_path, or (NULL) the newest backup not restored */
    SFG_JOB_ERASE_RANGE, /* the units covering [addr, addr + len) */
    SFG_JOB_GO,          /* start the code at addr */
    SFG_JOB_PROTECT,     /* protect_op */
    SFG_JOB_FLASH_AB,    /* the file into the bank that does not boot, then switch (A/B update) */
    SFG_JOB_SWAP_BANKS,  /* boot the other bank (an A/B rollback) */
} sfg_job_kind;

/* What SFG_JOB_PROTECT does; the window has asked the user first (as the command line does). */
typedef enum sfg_protect_op {
    SFG_PROTECT_READOUT,      /* level 1 */
    SFG_PROTECT_READOUT_2,    /* level 2: for good */
    SFG_UNPROTECT_READOUT,    /* erases all flash */
    SFG_PROTECT_WRITE,        /* groups */
    SFG_UNPROTECT_WRITE,
} sfg_protect_op;

typedef struct sfg_job_params {
    sfg_job_kind kind;
    const char *port;       /* as sf_port_open takes it */
    const char *file;       /* FLASH, VERIFY: the firmware */
    guint32 base;           /* where a raw binary goes */
    const char *read_path;  /* READ: where to save */
    gboolean verify, stub, go;
    gboolean force;         /* FLASH: write what does not look like firmware for the chip */
    gboolean backup;        /* FLASH: keep what the write replaces (stubflash/backup.h) */
    guint32 stub_baud;      /* 0 = automatic */
    guint usart;            /* the bootloader's USART, 1-3; 0 = the chip's first */
    guint32 baud;           /* the bootloader's rate; 0 = the library's default */
    const char *before, *after;   /* reset wiring (sf_session_set_entry); NULL = none */
    const char *signature_key;    /* FLASH, VERIFY: only files signed by this key; NULL = any */
    const char *backup_root;      /* NULL: the library's default folder */
    const char *restore_path;     /* ROLLBACK */
    guint32 addr, len;            /* ERASE_RANGE, GO */
    sfg_protect_op protect_op;    /* PROTECT */
    const guint8 *groups;         /* PROTECT_WRITE: WRP bits */
    gsize group_count;
} sfg_job_params;

/* One backup of the chip (stubflash/backup.h), newest first. */
typedef struct sfg_backup {
    char *path;
    gint64 time;      /* seconds since 1970, UTC */
    guint64 bytes;    /* of flash it holds */
    gboolean restored;
} sfg_backup;

/* What SFG_JOB_DETAILS found; strings are "" where the chip does not say. FLASH_AB and
 * SWAP_BANKS report the details again after they switched. */
typedef struct sfg_details {
    char *uid;            /* the 96-bit unique ID in hex, most significant byte first */
    char *option_bytes;   /* hex lines "0x1FFFF800  A5 5A ..." */
    GArray *option_fields;   /* of sfg_option_field (sfg-options.h): the option bytes by name */
    char *option_error;      /* why there are none, "" if there are */
    int boot_bank;           /* 1 or 2; 0: the part has no A/B updates */
    char *backup_dir;
    char *backup_error;   /* why there is no list, "" if there is one */
    GArray *backups;      /* of sfg_backup */
} sfg_details;

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
    /* DETAILS: before done. */
    void (*details)(void *user, const sfg_details *details);
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

/* The word for a kind in sentences: "Flash", "Rollback", ... */
const char *sfg_job_kind_name(sfg_job_kind kind);
void sfg_details_free(sfg_details *d);

#endif
