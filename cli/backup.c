/* backup.c - see backup.h. */
#define _DEFAULT_SOURCE
#include "backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

static bool make_dirs(char *path)
{
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            int rc = mkdir(path, 0700);
            *p = '/';
            if (rc != 0 && errno != EEXIST)
                return false;
        }
    return mkdir(path, 0700) == 0 || errno == EEXIST;
}

bool backup_locate(backup *b, sf_session *s, const sf_chip *chip)
{
    memset(b, 0, sizeof *b);
    uint32_t uid_addr = sf_device_uid_address(chip->device);
    uint8_t uid[12];
    if (!uid_addr) {
        snprintf(b->err, sizeof b->err, "the chip's unique ID is not known for this family");
        return false;
    }
    if (sf_session_read(s, uid_addr, uid, sizeof uid) != SF_OK) {
        snprintf(b->err, sizeof b->err, "cannot read the chip's unique ID: %s", sf_session_last_error(s));
        return false;
    }
    char hex[25];
    for (int i = 0; i < 12; i++)
        snprintf(hex + 2 * i, 3, "%02X", uid[11 - i]); /* most significant byte first, as ST prints it */
    const char *data = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    if (data && *data)
        snprintf(b->dir, sizeof b->dir, "%s/stubflash/backups/%s", data, hex);
    else if (home && *home)
        snprintf(b->dir, sizeof b->dir, "%s/.local/share/stubflash/backups/%s", home, hex);
    else {
        snprintf(b->err, sizeof b->err, "neither XDG_DATA_HOME nor HOME is set: nowhere to keep backups");
        return false;
    }
    return true;
}

/* Names are times (YYYYmmdd-HHMMSS-mmm.hex): in name order they are in time order. */
static size_t list_backups(const char *dir, char names[][64], size_t cap, bool restored_too)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    if (!d)
        return 0;
    for (struct dirent *e; (e = readdir(d)) != NULL && n < cap;) {
        size_t len = strlen(e->d_name);
        bool hex = len > 4 && strcmp(e->d_name + len - 4, ".hex") == 0;
        bool restored = len > 13 && strcmp(e->d_name + len - 13, ".hex.restored") == 0;
        if ((hex || (restored_too && restored)) && len < 64)
            snprintf(names[n++], 64, "%s", e->d_name);
    }
    closedir(d);
    qsort(names, n, 64, (int (*)(const void *, const void *))strcmp);
    return n;
}

static void prune(const backup *b)
{
    static char names[4096][64];
    size_t n = list_backups(b->dir, names, 4096, true);
    for (size_t i = 0; n > BACKUPS_KEPT && i < n - BACKUPS_KEPT; i++) {
        char p[1200];
        snprintf(p, sizeof p, "%s/%s", b->dir, names[i]);
        remove(p);
    }
}

int backup_collect(uint32_t addr, const uint8_t *old, size_t len, bool changes, void *user)
{
    backup *b = user;
    if (old) { /* one unit */
        b->changes |= changes;
        if (!b->img && sf_image_new(&b->img) != SF_OK)
            return 1;
        return sf_image_add(b->img, addr, old, len) == SF_OK ? 0 : 1;
    }
    if (!b->changes || !b->img) /* the write changes nothing: nothing to keep */
        return 0;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", b->dir);
    if (!make_dirs(dir)) {
        snprintf(b->err, sizeof b->err, "%s: cannot create: %s", b->dir, strerror(errno));
        return 1;
    }
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    localtime_r(&tv.tv_sec, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    /* Claim the name: boards written at once by one command may share a chip ID (clones). */
    for (int k = 1;; k++) {
        if (k == 1)
            snprintf(b->path, sizeof b->path, "%s/%s-%03ld.hex", b->dir, stamp, (long)(tv.tv_usec / 1000));
        else
            snprintf(b->path, sizeof b->path, "%s/%s-%03ld-%d.hex", b->dir, stamp, (long)(tv.tv_usec / 1000), k);
        int fd = open(b->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd >= 0) {
            close(fd);
            break;
        }
        if (errno != EEXIST || k == 100) {
            snprintf(b->err, sizeof b->err, "%s: cannot create: %s", b->path, strerror(errno));
            return 1;
        }
    }
    if (sf_image_save_ihex(b->img, b->path, b->err, sizeof b->err) != SF_OK)
        return 1;
    b->saved = true;
    prune(b);
    return 0;
}

bool backup_newest(const backup *b, char *path, size_t cap)
{
    static char names[4096][64];
    size_t n = list_backups(b->dir, names, 4096, false);
    if (!n)
        return false;
    snprintf(path, cap, "%s/%s", b->dir, names[n - 1]);
    return true;
}

bool backup_mark_restored(const char *path)
{
    char to[1200];
    snprintf(to, sizeof to, "%s.restored", path);
    return rename(path, to) == 0;
}

void backup_free(backup *b)
{
    sf_image_free(b->img);
    b->img = NULL;
}
