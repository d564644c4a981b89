/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mem.c - GCC may emit calls to memset and memcpy for initialisers and struct copies even in
 * freestanding code (GCC manual, "Standards"); these are the stub's. */
#include <stddef.h>

void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;
    while (n--)
        *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}
