/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* output.c - see output.h. */
#define _POSIX_C_SOURCE 200809L
#include "output.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

uint64_t out_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int cli_exit_code(sf_error e)
{
    switch (e) {
    case SF_OK: return EXIT_OK;
    case SF_ERR_ARG: return EXIT_USAGE;
    case SF_ERR_FILE:
    case SF_ERR_FIT: return EXIT_FILE;
    case SF_ERR_PORT:
    case SF_ERR_TIMEOUT: return EXIT_NO_DEVICE;
    case SF_ERR_PROTECTED: return EXIT_PROTECTED;
    case SF_ERR_VERIFY: return EXIT_VERIFY;
    case SF_ERR_CANCELLED: return EXIT_CANCELLED;
    default: return EXIT_FAILED;
    }
}

const char *phase_name(sf_phase ph)
{
    switch (ph) {
    case SF_PHASE_CONNECT: return "connect";
    case SF_PHASE_ERASE: return "erase";
    case SF_PHASE_WRITE: return "write";
    case SF_PHASE_VERIFY: return "verify";
    case SF_PHASE_READ: return "read";
    }
    return "?";
}

void out_init(cli_out *o, bool json, bool quiet, bool verbose)
{
    memset(o, 0, sizeof *o);
    o->json = json;
    o->quiet = quiet;
    o->verbose = verbose;
    o->err = stderr;
    o->tty = isatty(fileno(stderr)) && !json;
}

static void human_size(uint64_t n, char *buf, size_t len)
{
    if (n >= 10 * 1024 * 1024)
        snprintf(buf, len, "%.1f MiB", (double)n / (1024 * 1024));
    else if (n >= 10 * 1024)
        snprintf(buf, len, "%.1f KiB", (double)n / 1024);
    else
        snprintf(buf, len, "%llu B", (unsigned long long)n);
}

void out_finish_phase(cli_out *o)
{
    if (!o->phase_open)
        return;
    o->phase_open = false;
    if (o->quiet || o->json)
        return;
    double s = (double)(out_now_ms() - o->phase_start_ms) / 1000.0;
    if (o->tty)
        fputc('\n', o->err);
    else if (o->phase != SF_PHASE_CONNECT)
        fprintf(o->err, "%s: done, %llu of %llu in %.2f s\n", phase_name(o->phase),
                (unsigned long long)o->last_done, (unsigned long long)o->last_total, s);
}

void out_progress(sf_phase ph, uint64_t done, uint64_t total, void *user)
{
    cli_out *o = user;
    uint64_t now = out_now_ms();
    if (!o->phase_open || o->phase != ph) {
        out_finish_phase(o);
        o->phase = ph;
        o->phase_open = true;
        o->phase_start_ms = now;
        o->last_draw_ms = 0;
        if (!o->quiet && !o->json && !o->tty && ph != SF_PHASE_CONNECT)
            fprintf(o->err, "%s: %llu %s\n", phase_name(ph), (unsigned long long)total,
                    ph == SF_PHASE_ERASE ? "unit(s)" : "bytes");
    }
    o->last_done = done;
    o->last_total = total;
    if (o->quiet || o->json || !o->tty || ph == SF_PHASE_CONNECT)
        return;
    if (done != total && now - o->last_draw_ms < 100)
        return;
    o->last_draw_ms = now;
    int width = 30, fill = total ? (int)(done * (uint64_t)width / total) : width;
    char bar[64];
    for (int i = 0; i < width; i++)
        bar[i] = i < fill ? '#' : '-';
    bar[width] = 0;
    double s = (double)(now - o->phase_start_ms) / 1000.0;
    char a[32], b[32], r[32] = "";
    if (ph == SF_PHASE_ERASE) {
        snprintf(a, sizeof a, "%llu", (unsigned long long)done);
        snprintf(b, sizeof b, "%llu units", (unsigned long long)total);
    } else {
        human_size(done, a, sizeof a);
        human_size(total, b, sizeof b);
        if (s > 0.2) {
            human_size((uint64_t)((double)done / s), r, sizeof r);
            strncat(r, "/s", sizeof r - strlen(r) - 1);
        }
    }
    fprintf(o->err, "\r%-7s [%s] %3d%% %s/%s %s   ", phase_name(ph), bar,
            total ? (int)(done * 100 / total) : 100, a, b, r);
    fflush(o->err);
}

void out_log(sf_log_level lvl, const char *msg, void *user)
{
    cli_out *o = user;
    if (lvl == SF_LOG_ERROR)
        return; /* errors are reported once, by the command */
    if (o->json || (o->quiet && lvl != SF_LOG_WARNING) || (lvl == SF_LOG_DEBUG && !o->verbose))
        return;
    if (lvl == SF_LOG_INFO && !o->verbose)
        return;
    out_finish_phase(o);
    fprintf(o->err, "%s%s\n", lvl == SF_LOG_WARNING ? "warning: " : "", msg);
}

void out_say(cli_out *o, const char *fmt, ...)
{
    if (o->quiet || o->json)
        return;
    out_finish_phase(o);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(o->err, fmt, ap);
    va_end(ap);
    fputc('\n', o->err);
}

void json_escape(const char *s, char *buf, size_t len)
{
    size_t n = 0;
    if (len < 3)
        return;
    buf[n++] = '"';
    for (; *s && n + 8 < len; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            buf[n++] = '\\';
            buf[n++] = (char)c;
        } else if (c < 0x20) {
            n += (size_t)snprintf(buf + n, len - n, "\\u%04x", c);
        } else {
            buf[n++] = (char)c;
        }
    }
    buf[n++] = '"';
    buf[n] = 0;
}

void out_json_raw(cli_out *o, const char *key, const char *value)
{
    if (!o->json)
        return;
    size_t need = strlen(key) + strlen(value) + 8;
    if (o->json_len + need >= o->json_cap) {
        size_t cap = (o->json_cap + need) * 2;
        char *n = realloc(o->json_body, cap);
        if (!n)
            return;
        o->json_body = n;
        o->json_cap = cap;
    }
    o->json_len += (size_t)snprintf(o->json_body + o->json_len, o->json_cap - o->json_len, "%s\"%s\": %s",
                                    o->json_len ? ", " : "", key, value);
}

void out_json_str(cli_out *o, const char *key, const char *value)
{
    char buf[2048];
    json_escape(value ? value : "", buf, sizeof buf);
    out_json_raw(o, key, value ? buf : "null");
}

void out_json_num(cli_out *o, const char *key, double v)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.15g", v);
    out_json_raw(o, key, buf);
}

void out_json_bool(cli_out *o, const char *key, bool v) { out_json_raw(o, key, v ? "true" : "false"); }

void out_close(cli_out *o)
{
    out_finish_phase(o);
    if (o->json)
        printf("{%s}\n", o->json_body ? o->json_body : "");
    free(o->json_body);
    o->json_body = NULL;
}
