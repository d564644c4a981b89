/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* rate_memory.c - see rate_memory.h. */
#define _POSIX_C_SOURCE 200809L
#include "rate_memory.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define LINE_MAX_LEN 512

bool rm_failed(const rate_memory *m, uint32_t rate)
{
    for (size_t i = 0; i < m->nfailed; i++)
        if (m->failed[i] == rate)
            return true;
    return false;
}

void rm_note_failed(rate_memory *m, uint32_t rate)
{
    if (m->worked == rate)
        m->worked = 0;
    if (rm_failed(m, rate))
        return;
    if (m->nfailed == RM_FAILED_MAX) /* the oldest goes */
        memmove(m->failed, m->failed + 1, --m->nfailed * sizeof m->failed[0]);
    m->failed[m->nfailed++] = rate;
}

sf_error rm_default_path(char **path, sf_errbuf *eb)
{
    const char *cache = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char buf[4096];
    int n;
    if (cache && *cache)
        n = snprintf(buf, sizeof buf, "%s/stubflash/rates", cache);
    else if (home && *home)
        n = snprintf(buf, sizeof buf, "%s/.cache/stubflash/rates", home);
    else
        return sf_fail(eb, SF_ERR_FILE, "neither XDG_CACHE_HOME nor HOME is set: nowhere to remember rates");
    if (n < 0 || (size_t)n >= sizeof buf || !(*path = strdup(buf)))
        return sf_fail(eb, SF_ERR_FILE, "the rate memory's path is too long");
    return SF_OK;
}

/* "KEY worked=R failed=A,B pid=0xP" into *m if KEY is key; false for another adapter's line. */
static bool parse_line(const char *line, const char *key, rate_memory *m)
{
    size_t k = strlen(key);
    if (strncmp(line, key, k) != 0 || line[k] != ' ')
        return false;
    memset(m, 0, sizeof *m);
    const char *w = strstr(line + k, " worked="), *f = strstr(line + k, " failed="), *d = strstr(line + k, " pid=");
    if (w)
        m->worked = (uint32_t)strtoul(w + 8, NULL, 10);
    unsigned long pid = d ? strtoul(d + 5, NULL, 16) : 0;
    m->pid = pid <= 0xFFFF ? (uint16_t)pid : 0;
    for (const char *p = f ? f + 8 : NULL; p && *p >= '0' && *p <= '9';) {
        char *end;
        unsigned long r = strtoul(p, &end, 10);
        if (r && r <= UINT32_MAX)
            rm_note_failed(m, (uint32_t)r);
        p = *end == ',' ? end + 1 : NULL;
    }
    return true;
}

sf_error rm_load(const char *path, const char *key, rate_memory *m, sf_errbuf *eb)
{
    memset(m, 0, sizeof *m);
    FILE *f = fopen(path, "r");
    if (!f)
        return errno == ENOENT ? SF_OK : sf_fail(eb, SF_ERR_FILE, "%s: %s", path, strerror(errno));
    char line[LINE_MAX_LEN];
    while (fgets(line, sizeof line, f) && !parse_line(line, key, m))
        ;
    fclose(f);
    return SF_OK;
}

static int format_line(char *buf, size_t size, const char *key, const rate_memory *m)
{
    int n = snprintf(buf, size, "%s worked=%u", key, m->worked);
    for (size_t i = 0; i < m->nfailed && n > 0 && (size_t)n < size; i++)
        n += snprintf(buf + n, size - (size_t)n, "%s%u", i ? "," : " failed=", m->failed[i]);
    if (m->pid && n > 0 && (size_t)n < size)
        n += snprintf(buf + n, size - (size_t)n, " pid=0x%03x", m->pid);
    if (n > 0 && (size_t)n + 1 < size) {
        buf[n++] = '\n';
        buf[n] = 0;
    }
    return n;
}

/* The new file at tmp: key's line, then the other adapters' lines of the old one (if any). */
static bool write_new(FILE *out, FILE *old, const char *key, const rate_memory *m)
{
    char line[LINE_MAX_LEN];
    rate_memory other;
    if (format_line(line, sizeof line, key, m) <= 0 || fputs(line, out) == EOF)
        return false;
    for (size_t kept = 1; old && kept < RM_ADAPTERS_MAX && fgets(line, sizeof line, old);) {
        if (strncmp(line, "usb:", 4) != 0 || !strchr(line, '\n') || parse_line(line, key, &other))
            continue; /* not a line of ours, one cut short, or the adapter's old line */
        if (fputs(line, out) == EOF)
            return false;
        kept++;
    }
    return true;
}

sf_error rm_store(const char *path, const char *key, const rate_memory *m, sf_errbuf *eb)
{
    size_t len = strlen(path);
    char *lockname = malloc(len + 6), *tmp = malloc(len + 8), *dir = strdup(path);
    if (!lockname || !tmp || !dir) {
        free(lockname), free(tmp), free(dir);
        return sf_fail(eb, SF_ERR_NOMEM, "out of memory");
    }
    snprintf(lockname, len + 6, "%s.lock", path);
    snprintf(tmp, len + 8, "%s.XXXXXX", path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir)
        *slash = 0;
    sf_error e = SF_OK;
    int lock = (slash && slash != dir && !sf_make_dirs(dir)) ? -1 : open(lockname, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock < 0 || flock(lock, LOCK_EX) != 0)
        e = sf_fail(eb, SF_ERR_FILE, "%s: %s", lockname, strerror(errno));
    int fd = e ? -1 : mkstemp(tmp);
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!e && !out)
        e = sf_fail(eb, SF_ERR_FILE, "%s: %s", tmp, strerror(errno));
    if (!e) {
        FILE *old = fopen(path, "r");
        bool ok = write_new(out, old, key, m);
        if (old)
            fclose(old);
        ok = fclose(out) == 0 && ok;
        out = NULL;
        if (!ok || rename(tmp, path) != 0) {
            e = sf_fail(eb, SF_ERR_FILE, "%s: %s", path, strerror(errno));
            unlink(tmp);
        }
    } else if (fd >= 0) { /* fdopen failed */
        close(fd);
        unlink(tmp);
    }
    if (lock >= 0)
        close(lock); /* and the lock with it */
    free(lockname), free(tmp), free(dir);
    return e;
}
