/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* port_lock.c - one program per local port. Two programs on one serial line steal each other's
 * bytes, and the first then fails for reasons that send its user looking for a cable. So a
 * port is taken exclusively, the three ways Linux programs agree on:
 *  - flock(2) on the device (what a dead process leaves is released by the kernel);
 *  - TIOCEXCL (tty_ioctl(4)): further open(2)s fail with EBUSY, except for root;
 *  - the UUCP lock file LCK..NAME in /run/lock holding the PID as ten characters and a newline
 *    (the Filesystem Hierarchy Standard 3.0, 5.9), as minicom and picocom use; one whose process
 *    is gone is stale and taken over.
 * A second program is told which process holds the port (from the lock file, or the flock's
 * owner in /proc/locks) and what it is (/proc/PID/comm). */
#define _DEFAULT_SOURCE
#include "port_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

/* Where UUCP lock files go: $STUBFLASH_LOCK_DIR (tests), else /run/lock or /var/lock if this
 * user may write there; "" if nowhere (the flock still holds). */
static void lock_dir(char *out, size_t cap)
{
    const char *env = getenv("STUBFLASH_LOCK_DIR");
    const char *dirs[] = {env, "/run/lock", "/var/lock"};
    out[0] = 0;
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        if (dirs[i] && *dirs[i] && access(dirs[i], W_OK) == 0) {
            snprintf(out, cap, "%s", dirs[i]);
            return;
        }
}

/* LCK..ttyUSB0 for /dev/ttyUSB0; a name below /dev/ keeps its folders as '_' (LCK..pts_3). */
static void lock_file_name(const char *device, char *out, size_t cap)
{
    char dir[PATH_MAX];
    lock_dir(dir, sizeof dir);
    if (!dir[0]) {
        out[0] = 0;
        return;
    }
    const char *base = strncmp(device, "/dev/", 5) == 0 ? device + 5 : strrchr(device, '/') ? strrchr(device, '/') + 1 : device;
    int n = snprintf(out, cap, "%s/LCK..", dir);
    for (const char *c = base; *c && n > 0 && (size_t)n + 1 < cap; c++)
        out[n++] = *c == '/' ? '_' : *c;
    out[n] = 0;
}

/* The PID in a UUCP lock file (ASCII, or a binary int as very old programs wrote), 0 if none. */
static pid_t lock_file_pid(const char *path)
{
    char buf[32] = {0};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n == (ssize_t)sizeof(int) && (buf[0] < '0' || buf[0] > '9') && buf[0] != ' ') {
        int v;
        memcpy(&v, buf, sizeof v);
        return v;
    }
    return n > 0 ? (pid_t)strtol(buf, NULL, 10) : 0;
}

static bool alive(pid_t pid) { return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM); }

/* The process holding a flock on the device, from /proc/locks ("1: FLOCK ADVISORY WRITE PID
 * MAJ:MIN:INODE 0 EOF", device numbers in hex); 0 if none is found. */
static pid_t flock_owner(const char *device)
{
    struct stat st;
    if (stat(device, &st) != 0)
        return 0;
    FILE *f = fopen("/proc/locks", "re");
    if (!f)
        return 0;
    char line[256];
    pid_t found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        char kind[16];
        long pid;
        unsigned maj, min;
        unsigned long ino;
        if (sscanf(line, "%*d: %15s %*s %*s %ld %x:%x:%lu", kind, &pid, &maj, &min, &ino) == 5 &&
            strcmp(kind, "FLOCK") == 0 && maj == major(st.st_dev) && min == minor(st.st_dev) && ino == st.st_ino &&
            pid != getpid())
            found = (pid_t)pid;
    }
    fclose(f);
    return found;
}

static sf_error in_use(const char *name, pid_t pid, sf_errbuf *eb)
{
    if (pid <= 0)
        return sf_fail(eb, SF_ERR_PORT, "%s is in use by another program (a terminal, ModemManager?): close it first",
                       name);
    char path[64], comm[64] = "";
    snprintf(path, sizeof path, "/proc/%ld/comm", (long)pid);
    FILE *f = fopen(path, "re");
    if (f) {
        if (fgets(comm, sizeof comm, f))
            comm[strcspn(comm, "\n")] = 0;
        fclose(f);
    }
    return sf_fail(eb, SF_ERR_PORT, "%s is in use by PID %ld (%s): let it finish or close it first", name, (long)pid,
                   comm[0] ? comm : "unknown");
}

/* Claim the UUCP lock file, taking over one whose process is gone. */
static sf_error take_lock_file(const char *name, sf_port_lock *lock, sf_errbuf *eb)
{
    if (!lock->file[0])
        return SF_OK;
    for (int attempt = 0; attempt < 3; attempt++) {
        int fd = open(lock->file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd >= 0) {
            char pid[16];
            int n = snprintf(pid, sizeof pid, "%10ld\n", (long)getpid());
            bool ok = write(fd, pid, (size_t)n) == n;
            close(fd);
            if (!ok) {
                unlink(lock->file);
                lock->file[0] = 0; /* a full disk: the flock still holds */
            }
            return SF_OK;
        }
        if (errno != EEXIST) {
            lock->file[0] = 0;
            return SF_OK;
        }
        pid_t holder = lock_file_pid(lock->file);
        if (alive(holder) && holder != getpid()) {
            lock->file[0] = 0; /* not ours: never remove it */
            return in_use(name, holder, eb);
        }
        unlink(lock->file); /* stale: its process is gone */
    }
    lock->file[0] = 0;
    return SF_OK;
}

sf_error sf_port_lock_take(const char *name, int fd, sf_port_lock *lock, sf_errbuf *eb)
{
    memset(lock, 0, sizeof *lock);
    char device[PATH_MAX];
    if (!realpath(name, device)) /* by-id links and the device itself are one port */
        snprintf(device, sizeof device, "%s", name);
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK)
            return in_use(name, flock_owner(device), eb);
    }
    lock_file_name(device, lock->file, sizeof lock->file);
    sf_error e = take_lock_file(name, lock, eb);
    if (e) {
        flock(fd, LOCK_UN);
        return e;
    }
    ioctl(fd, TIOCEXCL); /* best effort: some drivers refuse it, the flock holds all the same */
    return SF_OK;
}

sf_error sf_port_lock_busy(const char *name, sf_errbuf *eb)
{
    char device[PATH_MAX], file[PATH_MAX + 16];
    if (!realpath(name, device))
        snprintf(device, sizeof device, "%s", name);
    pid_t pid = flock_owner(device);
    lock_file_name(device, file, sizeof file);
    if (!pid && file[0] && alive(lock_file_pid(file)))
        pid = lock_file_pid(file);
    return in_use(name, pid, eb);
}

void sf_port_lock_release(sf_port_lock *lock, int fd)
{
    if (fd >= 0)
        ioctl(fd, TIOCNXCL);
    if (lock->file[0] && lock_file_pid(lock->file) == getpid())
        unlink(lock->file);
    lock->file[0] = 0;
    /* The flock goes with the descriptor. */
}
