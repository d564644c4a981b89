/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* make_dirs.c - mkdir -p, for the folders the library keeps files in (backups, rates). */
#define _POSIX_C_SOURCE 200809L
#include "sf_internal.h"

#include <errno.h>
#include <sys/stat.h>

bool sf_make_dirs(char *path)
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
