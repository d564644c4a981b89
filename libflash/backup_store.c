/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* backup_store.c - backup files on disk: a folder per chip, Intel HEX files named by time
 * (YYYYmmdd-HHMMSS-mmm.hex: name order is time order), restored ones renamed .hex.restored.
 * See stubflash/backup.h. */
#define _DEFAULT_SOURCE
#include "backup_store.h"
#include "session_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

struct sf_backup_list {
    char dir[1024];
    size_t count;
    struct entry {
        char *path;
        int64_t time;
        bool restored;
    } *entries;
};

sf_error sf_backup_chip_dir(sf_session *s, const char *root, char *dir, size_t cap)
{
    sf_chip chip;
    sf_error e = sf_session_chip_now(s, &chip);
    if (e)
        return e;
    uint32_t uid_addr = sf_device_uid_address(chip.device);
    if (!uid_addr)
        return sf_session_set_error(s, SF_ERR_DEVICE, "the chip's unique ID is not known for %s: backups are kept "
                                    "per chip by that ID", chip.device ? chip.device->name : "an unknown chip");
    uint8_t uid[12];
    if ((e = sf_session_uid(s, uid_addr, uid)))
        return sf_session_set_error(s, e, "cannot read the chip's unique ID: %s", sf_session_last_error(s));
    char hex[25];
    for (int i = 0; i < 12; i++)
        snprintf(hex + 2 * i, 3, "%02X", uid[11 - i]); /* most significant byte first, as ST prints it */
    const char *data = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    int n;
    if (root && *root)
        n = snprintf(dir, cap, "%s/%s", root, hex);
    else if (data && *data)
        n = snprintf(dir, cap, "%s/stubflash/backups/%s", data, hex);
    else if (home && *home)
        n = snprintf(dir, cap, "%s/.local/share/stubflash/backups/%s", home, hex);
    else
        return sf_session_set_error(s, SF_ERR_FILE, "neither XDG_DATA_HOME nor HOME is set: nowhere to keep backups");
    if (n < 0 || (size_t)n >= cap)
        return sf_session_set_error(s, SF_ERR_FILE, "the backup folder's path is too long");
    return SF_OK;
}

static int by_name_newest_first(const void *a, const void *b)
{
    return -strcmp(((const struct entry *)a)->path, ((const struct entry *)b)->path);
}

/* Every backup in dir (restored ones too), newest first. */
static sf_error list_dir(const char *dir, struct entry **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    DIR *d = opendir(dir);
    if (!d)
        return SF_OK; /* no backup yet */
    size_t cap = 0;
    sf_error e = SF_OK;
    for (struct dirent *de; (de = readdir(d)) != NULL;) {
        size_t len = strlen(de->d_name);
        bool hex = len > 4 && strcmp(de->d_name + len - 4, ".hex") == 0;
        bool restored = len > 13 && strcmp(de->d_name + len - 13, ".hex.restored") == 0;
        if (!hex && !restored)
            continue;
        if (*count == cap) {
            cap = cap ? cap * 2 : 16;
            struct entry *grown = realloc(*out, cap * sizeof **out);
            if (!grown) {
                e = SF_ERR_NOMEM;
                break;
            }
            *out = grown;
        }
        struct entry *en = &(*out)[*count];
        size_t plen = strlen(dir) + 1 + len + 1;
        if (!(en->path = malloc(plen))) {
            e = SF_ERR_NOMEM;
            break;
        }
        snprintf(en->path, plen, "%s/%s", dir, de->d_name);
        struct stat st;
        en->time = stat(en->path, &st) == 0 ? (int64_t)st.st_mtime : 0;
        en->restored = restored;
        (*count)++;
    }
    closedir(d);
    if (*count)
        qsort(*out, *count, sizeof **out, by_name_newest_first);
    return e;
}

static void free_entries(struct entry *en, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(en[i].path);
    free(en);
}

static void prune(const char *dir)
{
    struct entry *en;
    size_t n;
    list_dir(dir, &en, &n);
    for (size_t i = SF_BACKUPS_KEPT; i < n; i++)
        remove(en[i].path);
    free_entries(en, n);
}

/* Claim a file name from the time: boards written at once by one command may share a chip ID
 * (clones), so the name is taken with O_EXCL. */
static bool claim_name(sf_backup_sink *b)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    localtime_r(&tv.tv_sec, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    for (int k = 1;; k++) {
        if (k == 1)
            snprintf(b->path, sizeof b->path, "%s/%s-%03ld.hex", b->dir, stamp, (long)(tv.tv_usec / 1000));
        else
            snprintf(b->path, sizeof b->path, "%s/%s-%03ld-%d.hex", b->dir, stamp, (long)(tv.tv_usec / 1000), k);
        int fd = open(b->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd >= 0) {
            close(fd);
            return true;
        }
        if (errno != EEXIST || k == 100) {
            snprintf(b->err, sizeof b->err, "%s: cannot create: %s", b->path, strerror(errno));
            b->path[0] = 0;
            return false;
        }
    }
}

int sf_backup_sink_collect(uint32_t addr, const uint8_t *old, size_t len, bool changes, void *user)
{
    sf_backup_sink *b = user;
    if (old) { /* one unit */
        b->changes |= changes;
        if (!b->img && sf_image_new(&b->img) != SF_OK)
            return 1;
        return sf_image_add(b->img, addr, old, len) == SF_OK ? 0 : 1;
    }
    if (!b->changes || !b->img) /* the write changes nothing: nothing to keep */
        return 0;
    char dir[sizeof b->dir];
    snprintf(dir, sizeof dir, "%s", b->dir);
    if (!sf_make_dirs(dir)) {
        snprintf(b->err, sizeof b->err, "%s: cannot create: %s", b->dir, strerror(errno));
        return 1;
    }
    if (!claim_name(b))
        return 1;
    if (sf_image_save_ihex(b->img, b->path, b->err, sizeof b->err) != SF_OK) {
        remove(b->path);
        b->path[0] = 0;
        return 1;
    }
    b->saved = true;
    prune(b->dir);
    return 0;
}

void sf_backup_sink_free(sf_backup_sink *b)
{
    sf_image_free(b->img);
    b->img = NULL;
}

/* Not *.hex: the backup list must not take it for a backup. A binary file (magic, then each
 * segment as little-endian address and length and its bytes): it is read and written on every
 * write that changes the chip, where Intel HEX text took milliseconds each way. */
#define KNOWN_FILE "last-write.bin"
#define KNOWN_MAGIC "SFKNOWN1"
#define KNOWN_OLD_FILE "last-write.ihex" /* the text form earlier versions kept */

/* The segments of a known file into img; false if it is not one, or is cut short. */
static bool known_parse(const uint8_t *d, size_t n, sf_image *img)
{
    size_t m = sizeof KNOWN_MAGIC - 1;
    if (n < m || memcmp(d, KNOWN_MAGIC, m) != 0)
        return false;
    for (size_t off = m; off < n;) {
        if (n - off < 8)
            return false;
        uint32_t addr = sc_get32(d + off), len = sc_get32(d + off + 4);
        off += 8;
        if (len > n - off || sf_image_add(img, addr, d + off, len) != SF_OK)
            return false;
        off += len;
    }
    return true;
}

sf_image *sf_backup_known_load(const char *dir)
{
    char path[1100];
    sf_image *img = NULL;
    snprintf(path, sizeof path, "%s/" KNOWN_FILE, dir);
    if (sf_image_new(&img) != SF_OK)
        return NULL;
    FILE *f = fopen(path, "rbe");
    if (!f)
        return img; /* none yet */
    uint8_t *buf = NULL;
    long n = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    bool ok = n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc(n ? (size_t)n : 1)) &&
              fread(buf, 1, (size_t)n, f) == (size_t)n && known_parse(buf, (size_t)n, img);
    free(buf);
    fclose(f);
    if (!ok) { /* damaged: start afresh (nothing is believed without the chip's CRC anyway) */
        sf_image_free(img);
        img = NULL;
        if (sf_image_new(&img) != SF_OK)
            return NULL;
    }
    return img;
}

bool sf_backup_known_save(const char *dir, const sf_image *known)
{
    char path[1100], tmp[1124], mk[1024], old[1100];
    snprintf(mk, sizeof mk, "%s", dir);
    snprintf(path, sizeof path, "%s/" KNOWN_FILE, dir);
    snprintf(old, sizeof old, "%s/" KNOWN_OLD_FILE, dir);
    /* A name of its own: boards written at once by one command may share a chip ID (clones). */
    snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
    int fd = sf_make_dirs(mk) ? mkstemp(tmp) : -1;
    if (fd < 0)
        return false;
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        remove(tmp);
        return false;
    }
    /* No fsync: a file the host's crash left short or empty is started afresh, and a page it
     * gets wrong does not match the chip's CRC, so it is read from the chip (sf_session_backup). */
    bool ok = fwrite(KNOWN_MAGIC, 1, sizeof KNOWN_MAGIC - 1, f) == sizeof KNOWN_MAGIC - 1;
    for (size_t i = 0; ok && i < sf_image_segment_count(known); i++) {
        uint32_t addr;
        const uint8_t *data;
        size_t len;
        sf_image_segment(known, i, &addr, &data, &len);
        uint8_t head[8];
        sc_put32(head, addr);
        sc_put32(head + 4, (uint32_t)len);
        ok = fwrite(head, 1, 8, f) == 8 && fwrite(data, 1, len, f) == len;
    }
    ok &= fclose(f) == 0;
    if (!ok || rename(tmp, path) != 0) {
        remove(tmp);
        return false;
    }
    remove(old);
    return true;
}

bool sf_backup_mark_restored(const char *path)
{
    size_t n = strlen(path) + sizeof ".restored";
    char *to = malloc(n);
    if (!to)
        return false;
    snprintf(to, n, "%s.restored", path);
    bool ok = rename(path, to) == 0;
    free(to);
    return ok;
}

sf_error sf_backup_list_open(sf_session *s, const char *root, sf_backup_list **out)
{
    if (!s || !out)
        return SF_ERR_ARG;
    *out = NULL;
    sf_backup_list *l = calloc(1, sizeof *l);
    if (!l)
        return SF_ERR_NOMEM;
    sf_error e = sf_backup_chip_dir(s, root, l->dir, sizeof l->dir);
    if (e == SF_OK && (e = list_dir(l->dir, &l->entries, &l->count)) == SF_ERR_NOMEM)
        sf_session_set_error(s, e, "out of memory");
    if (e) {
        sf_backup_list_free(l);
        return e;
    }
    *out = l;
    return SF_OK;
}

void sf_backup_list_free(sf_backup_list *list)
{
    if (!list)
        return;
    free_entries(list->entries, list->count);
    free(list);
}

const char *sf_backup_list_dir(const sf_backup_list *list) { return list ? list->dir : ""; }
size_t sf_backup_list_count(const sf_backup_list *list) { return list ? list->count : 0; }

const char *sf_backup_list_path(const sf_backup_list *list, size_t i)
{
    return list && i < list->count ? list->entries[i].path : NULL;
}

int64_t sf_backup_list_time(const sf_backup_list *list, size_t i)
{
    return list && i < list->count ? list->entries[i].time : 0;
}

bool sf_backup_list_restored(const sf_backup_list *list, size_t i)
{
    return list && i < list->count && list->entries[i].restored;
}

uint64_t sf_backup_list_bytes(const sf_backup_list *list, size_t i)
{
    sf_image *img;
    if (!list || i >= list->count || sf_image_load(list->entries[i].path, SF_FORMAT_IHEX, 0, &img, NULL, 0))
        return 0;
    uint64_t n = sf_image_size(img);
    sf_image_free(img);
    return n;
}
