/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* termios_shim.c - LD_PRELOAD shim for running stm32flash on a pseudo-terminal.
 *
 * Linux ptys drop PARENB (and force CS8), so stm32flash's check that the port took 8E1 fails
 * there. This shim remembers the termios a program set on each descriptor and hands it back,
 * so the check passes; everything else still reaches the real tcsetattr. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>
#include <termios.h>

#define MAX_FD 1024

static struct termios saved[MAX_FD];
static unsigned char have[MAX_FD];

int tcsetattr(int fd, int action, const struct termios *t)
{
    static int (*real)(int, int, const struct termios *);
    if (!real)
        real = (int (*)(int, int, const struct termios *))dlsym(RTLD_NEXT, "tcsetattr");
    int rc = real(fd, action, t);
    if (rc == 0 && fd >= 0 && fd < MAX_FD) {
        saved[fd] = *t;
        have[fd] = 1;
    }
    return rc;
}

int tcgetattr(int fd, struct termios *t)
{
    static int (*real)(int, struct termios *);
    if (!real)
        real = (int (*)(int, struct termios *))dlsym(RTLD_NEXT, "tcgetattr");
    if (fd >= 0 && fd < MAX_FD && have[fd]) {
        *t = saved[fd];
        return 0;
    }
    return real(fd, t);
}
