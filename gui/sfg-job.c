/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-job.c - see sfg-job.h. */
#include "sfg-job.h"

#include <string.h>

#include "sfg-options.h"

typedef enum { EV_LOG, EV_PROGRESS, EV_CHIP, EV_UNIT, EV_DONE, EV_NOT_FIRMWARE, EV_DETAILS } ev_kind;

typedef struct event {
    ev_kind kind;
    int level;          /* log level, phase, unit state or error code */
    guint64 a, b;       /* progress done/total; unit index */
    sf_chip chip;
    char *text;
    sfg_details *details;
} event;

struct sfg_job {
    sfg_job_kind kind;
    char *port, *file, *read_path;
    guint32 base, stub_baud, baud;
    guint usart;
    gboolean verify, stub, go, force, backup;
    char *before, *after, *signature_key, *backup_root, *restore_path;
    guint32 addr, len;
    sfg_protect_op protect_op;
    GByteArray *groups;
    gboolean not_firmware; /* the worker's FLASH found no firmware for the chip */
    char *signed_by;    /* the trusted comment of the file's signature, if one was required */
    sfg_job_events ev;
    GAsyncQueue *queue;
    GThread *thread;
    guint drain;          /* main-loop source delivering the queue */
    gboolean finished;    /* done delivered (main thread) */
    GMutex lock;          /* guards session and cancelled */
    sf_session *session;
    gboolean cancelled;
    gint64 last_progress; /* worker: when progress was last queued (µs) */
};

static void post(sfg_job *j, ev_kind kind, int level, guint64 a, guint64 b, const char *text)
{
    event *e = g_new0(event, 1);
    e->kind = kind;
    e->level = level;
    e->a = a;
    e->b = b;
    e->text = g_strdup(text);
    g_async_queue_push(j->queue, e);
}

static void on_log(sf_log_level level, const char *message, void *user) { post(user, EV_LOG, level, 0, 0, message); }

static void on_progress(sf_phase phase, uint64_t done, uint64_t total, void *user)
{
    sfg_job *j = user;
    /* At most 20 updates a second reach the window, but every start and end does. */
    gint64 now = g_get_monotonic_time();
    if (done != 0 && done < total && now - j->last_progress < 50000)
        return;
    j->last_progress = now;
    post(j, EV_PROGRESS, phase, done, total, NULL);
}

static void on_unit(uint32_t index, uint32_t start, uint32_t size, sf_unit_state state, void *user)
{
    (void)start;
    (void)size;
    post(user, EV_UNIT, state, index, 0, NULL);
}

static void post_chip(sfg_job *j, const sf_chip *chip)
{
    event *e = g_new0(event, 1);
    e->kind = EV_CHIP;
    e->chip = *chip;
    g_async_queue_push(j->queue, e);
}

static sf_error fail_text(char **text, sf_error e, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static sf_error fail_text(char **text, sf_error e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return e;
}

/* The unique ID, the option bytes and the backups of the connected chip, for the Board page. */
static void post_details(sfg_job *j, sf_session *s, const sf_chip *chip)
{
    sfg_details *d = g_new0(sfg_details, 1);
    d->backups = g_array_new(FALSE, TRUE, sizeof(sfg_backup));
    guint32 uid_at = chip->device ? sf_device_uid_address(chip->device) : 0;
    guint8 uid[12];
    if (uid_at && sf_session_read(s, uid_at, uid, sizeof uid) == SF_OK) {
        GString *t = g_string_new(NULL);
        for (int i = 11; i >= 0; i--) /* most significant byte first, as ST prints it */
            g_string_append_printf(t, "%02X", uid[i]);
        d->uid = g_string_free(t, FALSE);
    } else {
        d->uid = g_strdup("");
    }
    /* The option bytes as they are mapped (at most 64 bytes), 8 to a line. */
    GString *ob = g_string_new(NULL);
    if (chip->device && chip->device->option_base && !chip->protection.readout) {
        guint32 n = MIN(chip->device->option_end - chip->device->option_base, 64u);
        guint8 buf[64];
        if (n && sf_session_read(s, chip->device->option_base, buf, n) == SF_OK)
            for (guint32 i = 0; i < n; i++) {
                if (i % 8 == 0)
                    g_string_append_printf(ob, "%s0x%08X ", i ? "\n" : "", chip->device->option_base + i);
                g_string_append_printf(ob, " %02X", buf[i]);
            }
    }
    d->option_bytes = g_string_free(ob, FALSE);
    d->option_fields = sfg_option_fields_new();
    if (!chip->protection.readout)
        sfg_options_read(s, d->option_fields, &d->boot_bank, &d->option_error);
    if (!d->option_error)
        d->option_error = g_strdup(chip->protection.readout ? "not readable with readout protection" : "");
    sf_backup_list *list = NULL;
    if (sf_backup_list_open(s, j->backup_root, &list) == SF_OK) {
        d->backup_dir = g_strdup(sf_backup_list_dir(list));
        d->backup_error = g_strdup("");
        for (size_t i = 0; i < sf_backup_list_count(list); i++) {
            sfg_backup b = {.path = g_strdup(sf_backup_list_path(list, i)),
                            .time = sf_backup_list_time(list, i),
                            .bytes = sf_backup_list_bytes(list, i),
                            .restored = sf_backup_list_restored(list, i)};
            g_array_append_val(d->backups, b);
        }
        sf_backup_list_free(list);
    } else {
        d->backup_dir = g_strdup("");
        d->backup_error = g_strdup(sf_session_last_error(s));
    }
    event *e = g_new0(event, 1);
    e->kind = EV_DETAILS;
    e->details = d;
    g_async_queue_push(j->queue, e);
}

static sf_error run_protect(sfg_job *j, sf_session *s, const sf_chip *chip, char **text)
{
    sf_error e;
    switch (j->protect_op) {
    case SFG_PROTECT_READOUT:
        e = sf_session_readout_protect_level(s, 1);
        break;
    case SFG_PROTECT_READOUT_2:
        e = sf_session_readout_protect_level(s, 2);
        break;
    case SFG_UNPROTECT_READOUT:
        if (chip->protection.readout)
            post(j, EV_LOG, SF_LOG_WARNING, 0, 0, "readout protection is active: removing it erases all flash");
        e = sf_session_readout_unprotect(s);
        break;
    case SFG_PROTECT_WRITE:
        e = sf_session_write_protect(s, j->groups->data, j->groups->len);
        break;
    default:
        e = sf_session_write_unprotect(s);
        break;
    }
    if (e)
        return e;
    static const char *done[] = {"enabled readout protection", "enabled readout protection level 2",
                                 "removed readout protection (the flash was erased)", "enabled write protection",
                                 "removed write protection"};
    *text = g_strdup_printf("%s; the chip was reset", done[j->protect_op]);
    sf_chip now = SF_CHIP_INIT;
    if (sf_session_chip(s, &now) == SF_OK)
        post_chip(j, &now);
    return SF_OK;
}

/* The operation itself, on an open session. */
static sf_error run_open(sfg_job *j, sf_session *s, const sf_chip *chip, sf_image *img, char **text)
{
    sf_error e = SF_OK;
    guint64 t0 = g_get_monotonic_time();
    switch (j->kind) {
    case SFG_JOB_IDENTIFY:
        *text = g_strdup("connected");
        return SF_OK;
    case SFG_JOB_FLASH: {
        /* Asked first, so the window can offer to write it anyway. */
        if (!j->force && (e = sf_session_check_firmware(s, img, FALSE)) == SF_ERR_FILE) {
            *text = g_strdup(sf_session_last_error(s));
            j->not_firmware = TRUE;
            return e;
        }
        /* The library's job: the same checks, backup and start as the command line's. */
        sf_job *job;
        if ((e = sf_job_new(&job)))
            return e;
        if (j->backup_root)
            sf_job_set_backup_root(job, j->backup_root);
        sf_job_set_flags(job, (j->verify ? SF_JOB_VERIFY : 0) | (j->backup ? SF_JOB_BACKUP : 0) | (j->go ? SF_JOB_GO : 0) |
                                  (j->force ? SF_JOB_FORCE : 0));
        e = sf_job_write(job, s, img);
        if (e == SF_OK) {
            GString *t = g_string_new(NULL);
            g_string_printf(t, "%s %zu bytes in %.1f s", j->verify ? "wrote and verified" : "wrote",
                            sf_image_size(img), (double)(g_get_monotonic_time() - t0) / 1e6);
            if (sf_job_started_at(job))
                g_string_append_printf(t, "; started the firmware at 0x%08X", sf_job_started_at(job));
            if (*sf_job_backup_path(job))
                g_string_append_printf(t, "; kept what was replaced in %s", sf_job_backup_path(job));
            if (j->signed_by)
                g_string_append_printf(t, "; signed: %s", j->signed_by);
            *text = g_string_free(t, FALSE);
        }
        sf_job_free(job);
        return e;
    }
    case SFG_JOB_VERIFY:
        if ((e = sf_session_verify_image(s, img)))
            return e;
        *text = g_strdup_printf("the flash holds the image (%zu bytes)", sf_image_size(img));
        return SF_OK;
    case SFG_JOB_READ: {
        if (!chip->device)
            return fail_text(text, SF_ERR_DEVICE, "the chip (product ID 0x%03X) is not in the device table: its flash "
                             "layout is unknown", chip->pid);
        /* The whole flash, a hole between the banks as erased bytes (sf_session_read). */
        guint32 span = sf_device_flash_end(chip->device, chip->flash_size) - chip->device->flash_base;
        guint8 *buf = g_malloc(span);
        e = sf_session_read(s, chip->device->flash_base, buf, span);
        if (e == SF_OK) {
            GError *err = NULL;
            if (!g_file_set_contents(j->read_path, (const char *)buf, span, &err)) {
                e = fail_text(text, SF_ERR_FILE, "read the flash, but cannot save it: %s", err->message);
                g_error_free(err);
            } else {
                *text = g_strdup_printf("saved %u KiB of flash from 0x%08X in %s", chip->flash_size / 1024,
                                        chip->device->flash_base, j->read_path);
            }
        }
        g_free(buf);
        return e;
    }
    case SFG_JOB_ERASE:
        if ((e = sf_session_mass_erase(s)))
            return e;
        *text = g_strdup("erased the whole flash");
        return SF_OK;
    case SFG_JOB_DETAILS:
        post_details(j, s, chip);
        *text = g_strdup("read the chip's details");
        return SF_OK;
    case SFG_JOB_ROLLBACK: {
        sf_job *job;
        if ((e = sf_job_new(&job)))
            return e;
        if (j->backup_root)
            sf_job_set_backup_root(job, j->backup_root);
        e = j->restore_path ? sf_job_restore(job, s, j->restore_path) : sf_job_rollback(job, s);
        if (e == SF_OK)
            *text = g_strdup_printf("wrote back %" G_GUINT64_FORMAT " bytes from %s", sf_job_bytes(job),
                                    sf_job_backup_path(job));
        sf_job_free(job);
        return e;
    }
    case SFG_JOB_ERASE_RANGE:
        if ((e = sf_session_erase_range(s, j->addr, j->len)))
            return e;
        *text = g_strdup_printf("erased the pages covering 0x%08X..0x%08X", j->addr, j->addr + j->len - 1);
        return SF_OK;
    case SFG_JOB_GO:
        if (j->addr == SF_GO_BOOT_ADDRESS && (e = sf_session_boot_address(s, &j->addr)))
            return e;
        if ((e = sf_session_go(s, j->addr)))
            return e;
        *text = g_strdup_printf("started the code at 0x%08X", j->addr);
        return SF_OK;
    case SFG_JOB_PROTECT:
        return run_protect(j, s, chip, text);
    case SFG_JOB_FLASH_AB:
    case SFG_JOB_SWAP_BANKS:
        e = j->kind == SFG_JOB_FLASH_AB ? sfg_options_write_other_bank(s, img, text) : sfg_options_boot_other_bank(s, text);
        if (e == SF_OK) { /* the boot bank and the option bytes as they are now */
            sf_chip now = SF_CHIP_INIT;
            if (sf_session_chip(s, &now) == SF_OK)
                post_details(j, s, &now);
        }
        return e;
    }
    return SF_ERR_ARG;
}

static gpointer worker(gpointer data)
{
    sfg_job *j = data;
    char *text = NULL;
    sf_image *img = NULL;
    sf_session *s = NULL;
    sf_error e = SF_OK;
    if (j->kind == SFG_JOB_FLASH || j->kind == SFG_JOB_VERIFY || j->kind == SFG_JOB_FLASH_AB) {
        char err[512], trusted[1024];
        /* The file is checked before the board is touched: its signature where the setting asks
         * for one (as the command line's), then its contents. */
        const char *key = j->signature_key;
        if (key && *key && (e = sf_signature_verify_file(j->file, NULL, key, trusted, sizeof trusted, err, sizeof err))) {
            text = g_strdup(err);
        } else if (key && *key) {
            j->signed_by = g_strdup(trusted);
            char *line = g_strdup_printf("signature verified: %s", trusted);
            post(j, EV_LOG, SF_LOG_INFO, 0, 0, line);
            g_free(line);
        }
        if (e == SF_OK && (e = sf_image_load(j->file, SF_FORMAT_AUTO, j->base, &img, err, sizeof err))) {
            text = g_strdup(err);
        } else {
            char *line = g_strdup_printf("%s: %zu bytes", j->file, sf_image_size(img));
            post(j, EV_LOG, SF_LOG_INFO, 0, 0, line);
            g_free(line);
        }
    }
    if (e == SF_OK && (e = sf_session_new(&s)))
        text = g_strdup("out of memory");
    if (e == SF_OK) {
        sf_session_set_log(s, on_log, j);
        sf_session_set_progress(s, on_progress, j);
        sf_session_set_unit_callback(s, on_unit, j);
        sf_session_set_stub(s, j->stub, j->stub_baud ? j->stub_baud : SF_STUB_BAUD_AUTO);
        sf_session_set_usart(s, j->usart <= 3 ? j->usart : 0);
        if (j->baud && (e = sf_session_set_baud(s, j->baud)))
            text = g_strdup(sf_session_last_error(s));
        if (e == SF_OK && (e = sf_session_set_entry(s, j->before, j->after)))
            text = g_strdup(sf_session_last_error(s));
        g_mutex_lock(&j->lock);
        j->session = s;
        gboolean cancelled = j->cancelled;
        g_mutex_unlock(&j->lock);
        if (cancelled && e == SF_OK)
            e = fail_text(&text, SF_ERR_CANCELLED, "cancelled");
    }
    if (e == SF_OK) {
        sf_chip chip = SF_CHIP_INIT;
        if ((e = sf_session_open(s, j->port)) == SF_OK && (e = sf_session_chip(s, &chip)) == SF_OK) {
            post_chip(j, &chip);
            /* A cancel while connecting (the session's own flag is reset by each operation). */
            g_mutex_lock(&j->lock);
            gboolean cancelled = j->cancelled;
            g_mutex_unlock(&j->lock);
            e = cancelled ? fail_text(&text, SF_ERR_CANCELLED, "cancelled after connecting; nothing was changed")
                          : run_open(j, s, &chip, img, &text);
        }
        if (e && !text)
            text = g_strdup(sf_session_last_error(s));
    }
    g_mutex_lock(&j->lock);
    j->session = NULL;
    g_mutex_unlock(&j->lock);
    sf_session_free(s); /* closes the port (a virtual board saves its flash) */
    sf_image_free(img);
    if (j->not_firmware && j->ev.not_firmware)
        post(j, EV_NOT_FIRMWARE, 0, 0, 0, text);
    else
        post(j, EV_DONE, e, 0, 0, text ? text : "");
    g_free(text);
    return NULL;
}

/* Main loop: hand what the worker queued to the window, in order. */
static gboolean drain(gpointer data)
{
    sfg_job *j = data;
    event *e;
    while ((e = g_async_queue_try_pop(j->queue))) {
        const sfg_job_events *ev = &j->ev;
        switch (e->kind) {
        case EV_LOG:
            if (e->text && ev->log)
                ev->log(ev->user, e->level, e->text);
            break;
        case EV_PROGRESS:
            if (ev->progress)
                ev->progress(ev->user, e->level, e->a, e->b);
            break;
        case EV_CHIP:
            if (ev->chip)
                ev->chip(ev->user, &e->chip);
            break;
        case EV_UNIT:
            if (ev->unit)
                ev->unit(ev->user, (guint)e->a, e->level);
            break;
        case EV_DETAILS:
            if (ev->details)
                ev->details(ev->user, e->details);
            sfg_details_free(e->details);
            break;
        case EV_NOT_FIRMWARE:
            j->finished = TRUE;
            j->drain = 0;
            ev->not_firmware(ev->user, e->text);
            g_free(e->text);
            g_free(e);
            return G_SOURCE_REMOVE;
        case EV_DONE:
            j->finished = TRUE;
            j->drain = 0;
            if (ev->done)
                ev->done(ev->user, e->level, e->text);
            g_free(e->text);
            g_free(e);
            return G_SOURCE_REMOVE;
        }
        g_free(e->text);
        g_free(e);
    }
    return G_SOURCE_CONTINUE;
}

sfg_job *sfg_job_start(const sfg_job_params *p, const sfg_job_events *ev)
{
    sfg_job *j = g_new0(sfg_job, 1);
    j->kind = p->kind;
    j->port = g_strdup(p->port);
    j->file = g_strdup(p->file);
    j->read_path = g_strdup(p->read_path);
    j->base = p->base;
    j->verify = p->verify;
    j->stub = p->stub;
    j->go = p->go;
    j->force = p->force;
    j->stub_baud = p->stub_baud;
    j->usart = p->usart;
    j->baud = p->baud;
    j->backup = p->backup;
    j->before = g_strdup(p->before);
    j->after = g_strdup(p->after);
    j->signature_key = g_strdup(p->signature_key && *p->signature_key ? p->signature_key : NULL);
    j->backup_root = g_strdup(p->backup_root);
    j->restore_path = g_strdup(p->restore_path);
    j->addr = p->addr;
    j->len = p->len;
    j->protect_op = p->protect_op;
    j->groups = g_byte_array_new();
    if (p->group_count)
        g_byte_array_append(j->groups, p->groups, (guint)p->group_count);
    j->ev = *ev;
    j->queue = g_async_queue_new();
    g_mutex_init(&j->lock);
    j->drain = g_timeout_add(30, drain, j);
    j->thread = g_thread_new("stubflash-job", worker, j);
    return j;
}

void sfg_job_cancel(sfg_job *j)
{
    g_mutex_lock(&j->lock);
    j->cancelled = TRUE;
    if (j->session)
        sf_session_cancel(j->session);
    g_mutex_unlock(&j->lock);
}

gboolean sfg_job_finished(const sfg_job *j) { return j->finished; }

void sfg_job_free(sfg_job *j)
{
    if (!j)
        return;
    g_thread_join(j->thread);
    if (j->drain)
        g_source_remove(j->drain);
    event *e;
    while ((e = g_async_queue_try_pop(j->queue))) {
        if (e->kind == EV_DETAILS)
            sfg_details_free(e->details);
        g_free(e->text);
        g_free(e);
    }
    g_async_queue_unref(j->queue);
    g_free(j->before);
    g_free(j->after);
    g_free(j->signature_key);
    g_free(j->backup_root);
    g_free(j->restore_path);
    g_byte_array_unref(j->groups);
    g_mutex_clear(&j->lock);
    g_free(j->port);
    g_free(j->file);
    g_free(j->signed_by);
    g_free(j->read_path);
    g_free(j);
}

const char *sfg_job_kind_name(sfg_job_kind kind)
{
    static const char *names[] = {"Identify", "Flash",    "Verify", "Read",       "Erase",
                                  "Details",  "Rollback", "Erase",  "Go",         "Protection",
                                  "A/B update", "Boot bank"};
    return kind < G_N_ELEMENTS(names) ? names[kind] : "Job";
}

void sfg_details_free(sfg_details *d)
{
    if (!d)
        return;
    for (guint i = 0; i < d->backups->len; i++)
        g_free(g_array_index(d->backups, sfg_backup, i).path);
    g_array_unref(d->backups);
    g_free(d->uid);
    g_free(d->option_bytes);
    if (d->option_fields)
        g_array_unref(d->option_fields);
    g_free(d->option_error);
    g_free(d->backup_dir);
    g_free(d->backup_error);
    g_free(d);
}
