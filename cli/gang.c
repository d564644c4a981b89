/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gang.c - see gang.h. */
#define _POSIX_C_SOURCE 200809L
#include "gang.h"


#include <glob.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct board {
    const char *port;
    const gang_opts *opt;
    const sf_image *img;
    cli_out *out;
    pthread_mutex_t *print;
    pthread_t thread;
    sf_session *session;
    /* Progress, under *print. */
    sf_phase phase;
    uint64_t done, total, phase_start_ms;
    bool finished;
    /* Result. */
    int rc;
    char chip[64], msg[640], backup[1100];
    double seconds;
} board;

/* The boards of the running gang, for gang_cancel from a signal handler. */
static board *_Atomic running;
static _Atomic size_t running_count;

void gang_cancel(void)
{
    board *b = atomic_load(&running);
    for (size_t i = 0, n = atomic_load(&running_count); b && i < n; i++)
        if (b[i].session)
            sf_session_cancel(b[i].session);
}

bool gang_is_pattern(const char *s)
{
    /* Only device paths are patterns: "sim:PART?flash=F" and URLs have a '?' of their own. */
    return strpbrk(s, "*?[") != NULL && strncmp(s, "sim:", 4) != 0 && strstr(s, "://") == NULL;
}

int gang_expand(const char *const *given, size_t n, char ***ports, size_t *count, char *err, size_t errlen)
{
    char **out = NULL;
    size_t k = 0, cap = 0;
    for (size_t i = 0; i < n; i++) {
        glob_t g = {0};
        const char *one[1] = {given[i]};
        char **names = (char **)one;
        size_t m = 1;
        if (gang_is_pattern(given[i])) {
            if (glob(given[i], 0, NULL, &g) != 0 || g.gl_pathc == 0) {
                snprintf(err, errlen, "no port matches '%s'", given[i]);
                globfree(&g);
                gang_free_ports(out, k);
                return EXIT_USAGE;
            }
            names = g.gl_pathv;
            m = g.gl_pathc;
        }
        for (size_t j = 0; j < m; j++) {
            bool dup = false;
            for (size_t d = 0; d < k && !dup; d++)
                dup = strcmp(out[d], names[j]) == 0;
            if (dup)
                continue;
            if (k == cap) {
                cap = cap ? 2 * cap : 8;
                char **grown = realloc(out, cap * sizeof *out);
                if (!grown)
                    abort();
                out = grown;
            }
            if (!(out[k++] = strdup(names[j])))
                abort();
        }
        if (gang_is_pattern(given[i]))
            globfree(&g);
    }
    *ports = out;
    *count = k;
    return 0;
}

void gang_free_ports(char **ports, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(ports[i]);
    free(ports);
}

static uint64_t now_ms(void) { return out_now_ms(); }

static void on_progress(sf_phase ph, uint64_t done, uint64_t total, void *user)
{
    board *b = user;
    pthread_mutex_lock(b->print);
    if (ph != b->phase || b->phase_start_ms == 0) {
        if (!b->out->tty && !b->out->quiet && b->phase_start_ms && b->done == b->total && b->total)
            fprintf(stderr, "%s: %s done in %.2f s\n", b->port, phase_name(b->phase),
                    (double)(now_ms() - b->phase_start_ms) / 1000.0);
        b->phase = ph;
        b->phase_start_ms = now_ms();
    }
    b->done = done;
    b->total = total;
    pthread_mutex_unlock(b->print);
}

static void on_log(sf_log_level lvl, const char *msg, void *user)
{
    board *b = user;
    if (lvl > SF_LOG_WARNING && !(lvl == SF_LOG_INFO && b->out->verbose))
        return;
    if (b->out->quiet || b->out->json)
        return;
    pthread_mutex_lock(b->print);
    if (b->out->tty)
        fputs("\r\033[K", stderr);
    fprintf(stderr, "%s: %s%s\n", b->port,
            lvl == SF_LOG_ERROR ? "error: " : lvl == SF_LOG_WARNING ? "warning: " : "", msg);
    pthread_mutex_unlock(b->print);
}

static int failed(board *b, sf_error e)
{
    snprintf(b->msg, sizeof b->msg, "%s", sf_session_last_error(b->session));
    return cli_exit_code(e);
}

static int run_board(board *b)
{
    const gang_opts *o = b->opt;
    sf_session *s = b->session;
    sf_session_set_progress(s, on_progress, b);
    sf_session_set_log(s, on_log, b);
    sf_error e = connect_opts_apply(&o->conn, s);
    if (e == SF_OK)
        e = sf_session_open(s, b->port);
    if (e)
        return failed(b, e);
    sf_chip chip = SF_CHIP_INIT;
    sf_job *job;
    if ((e = sf_job_new(&job)))
        return failed(b, e);
    sf_job_set_flags(job, (o->verify ? SF_JOB_VERIFY : 0) | (o->backup ? SF_JOB_BACKUP : 0) | (o->go ? SF_JOB_GO : 0) |
                              (o->force ? SF_JOB_FORCE : 0) | (o->data ? SF_JOB_DATA : 0));
    sf_job_set_go_address(job, o->go_given ? o->go_addr : SF_GO_BOOT_ADDRESS);
    if (o->go) /* the job's start closes the session */
        sf_session_chip(s, &chip);
    e = o->verify_only ? sf_job_verify(job, s, b->img) : sf_job_write(job, s, b->img);
    if (!o->go) /* after the job, which read the chip's state again through its stub */
        sf_session_chip(s, &chip);
    snprintf(b->chip, sizeof b->chip, "%s", chip.device ? chip.device->name : "unknown");
    snprintf(b->backup, sizeof b->backup, "%s", sf_job_backup_path(job));
    sf_job_free(job);
    sf_session_close(s);
    return e ? failed(b, e) : 0;
}

static void *board_thread(void *arg)
{
    board *b = arg;
    uint64_t t0 = now_ms();
    b->rc = run_board(b);
    pthread_mutex_lock(b->print);
    b->seconds = (double)(now_ms() - t0) / 1000.0;
    b->finished = true;
    pthread_mutex_unlock(b->print);
    return NULL;
}

/* One progress line per board, redrawn in place (a terminal only). */
static void draw(board *bs, size_t n, bool first)
{
    if (!first)
        fprintf(stderr, "\033[%zuA", n);
    for (size_t i = 0; i < n; i++) {
        board *b = &bs[i];
        char bar[21];
        double frac = b->total ? (double)b->done / (double)b->total : 0;
        for (int j = 0; j < 20; j++)
            bar[j] = j < (int)(frac * 20) ? '#' : '.';
        bar[20] = 0;
        fprintf(stderr, "\r\033[K%-24.24s ", b->port);
        if (b->finished)
            fprintf(stderr, "%s (%.1f s)\n", b->rc ? "FAILED" : "done", b->seconds);
        else
            fprintf(stderr, "%-7s [%s] %3.0f%%\n", b->phase_start_ms ? phase_name(b->phase) : "open", bar,
                    frac * 100);
    }
    fflush(stderr);
}

static void report(board *bs, size_t n, cli_out *out)
{
    if (out->json) {
        size_t cap = 512 + n * 1800, len = 0;
        char *j = malloc(cap);
        if (!j)
            return;
        len += (size_t)snprintf(j + len, cap - len, "[");
        for (size_t i = 0; i < n; i++) {
            char port[600], chip[200], msg[1400], bk[2300];
            json_escape(bs[i].port, port, sizeof port);
            json_escape(bs[i].chip, chip, sizeof chip);
            json_escape(bs[i].msg, msg, sizeof msg);
            json_escape(bs[i].backup, bk, sizeof bk);
            len += (size_t)snprintf(j + len, cap - len,
                                    "%s{\"port\": %s, \"chip\": %s, \"result\": \"%s\", \"exit_code\": %d, "
                                    "\"seconds\": %.2f, \"error\": %s, \"backup\": %s}",
                                    i ? ", " : "", port, chip, bs[i].rc ? "error" : "ok", bs[i].rc, bs[i].seconds,
                                    msg, bk);
        }
        snprintf(j + len, cap - len, "]");
        out_json_raw(out, "boards", j);
        free(j);
        return;
    }
    if (out->quiet)
        return;
    fprintf(stderr, "\n%-24s %-32s %-7s %8s  %s\n", "port", "chip", "result", "time", "message");
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%-24s %-32.32s %-7s %7.2fs  %s\n", bs[i].port, bs[i].chip[0] ? bs[i].chip : "-",
                bs[i].rc ? "FAILED" : "ok", bs[i].seconds, bs[i].rc ? bs[i].msg : bs[i].backup[0] ? "backup kept" : "");
}

int gang_write(const gang_opts *o, char **ports, size_t n, const sf_image *img, cli_out *out)
{
    board *bs = calloc(n, sizeof *bs);
    pthread_mutex_t print = PTHREAD_MUTEX_INITIALIZER;
    if (!bs)
        return EXIT_FAILED;
    for (size_t i = 0; i < n; i++) {
        bs[i] = (board){.port = ports[i], .opt = o, .img = img, .out = out, .print = &print};
        if (sf_session_new(&bs[i].session) != SF_OK)
            abort();
    }
    atomic_store(&running_count, n);
    atomic_store(&running, bs);
    size_t started = 0;
    for (; started < n; started++)
        if (pthread_create(&bs[started].thread, NULL, board_thread, &bs[started]) != 0)
            break;
    for (size_t i = started; i < n; i++) {
        bs[i].rc = EXIT_FAILED;
        snprintf(bs[i].msg, sizeof bs[i].msg, "cannot start a thread for it");
        bs[i].finished = true;
    }
    bool all = false;
    for (bool first = true; !all; first = false) {
        pthread_mutex_lock(&print);
        all = true;
        for (size_t i = 0; i < n; i++)
            all &= bs[i].finished;
        if (out->tty && !out->quiet)
            draw(bs, n, first);
        pthread_mutex_unlock(&print);
        if (!all) {
            struct timespec ts = {0, 150 * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    for (size_t i = 0; i < started; i++)
        pthread_join(bs[i].thread, NULL);
    atomic_store(&running, NULL);
    report(bs, n, out);
    int rc = 0;
    unsigned ok = 0;
    for (size_t i = 0; i < n; i++) {
        if (bs[i].rc && !rc)
            rc = bs[i].rc;
        ok += bs[i].rc == 0;
        sf_session_free(bs[i].session);
    }
    out_json_num(out, "boards_ok", ok);
    out_json_num(out, "boards_failed", (double)(n - ok));
    out_json_str(out, "result", rc ? "error" : "ok");
    if (!out->json && !out->quiet)
        fprintf(stderr, "%u of %zu board(s) %s\n", ok, n, o->verify_only ? "verified" : "written");
    free(bs);
    return rc;
}
