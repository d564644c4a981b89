/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sbrk.c - newlib's malloc (printf uses it) takes memory from after .bss up to the stack's
 * reserve (app.ld). The vector table and reset handler are the test firmware's
 * (tests/firmware/startup.c). */
#include <stddef.h>
#include <stdint.h>

extern uint32_t _ebss, _end_heap;
void *_sbrk(ptrdiff_t incr);

void *_sbrk(ptrdiff_t incr)
{
    static char *brk = (char *)&_ebss;
    char *old = brk;
    if (brk + incr > (char *)&_end_heap)
        return (void *)-1;
    brk += incr;
    return old;
}
