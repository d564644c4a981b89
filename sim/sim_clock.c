/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_clock.c - see sim_clock.h. */
#define _POSIX_C_SOURCE 200809L
#include "sim_clock.h"

#include <errno.h>
#include <time.h>

int64_t sim_monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void sim_sleep_ns(int64_t ns)
{
    if (ns <= 0)
        return;
    struct timespec ts = {.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

void sim_clock_init(sim_clock *c, bool realtime)
{
    c->realtime = realtime;
    atomic_store(&c->skipped_ns, 0);
}

int64_t sim_clock_now(sim_clock *c)
{
    return sim_monotonic_ns() + atomic_load(&c->skipped_ns);
}

void sim_clock_wait_until(sim_clock *c, int64_t t)
{
    int64_t d = t - sim_clock_now(c);
    if (d <= 0)
        return;
    if (c->realtime)
        sim_sleep_ns(d);
    else
        atomic_fetch_add(&c->skipped_ns, d);
}
