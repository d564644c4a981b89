/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_clock.c - see sim_clock.h. */
#define _POSIX_C_SOURCE 200809L
#include "sim_clock.h"

#include <errno.h>
#include <sys/prctl.h>
#include <time.h>

int64_t sim_monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void sim_sleep_precisely(void) { prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0); }

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
    atomic_store(&c->ahead_to, 0);
}

int64_t sim_clock_now(sim_clock *c)
{
    int64_t wall = sim_monotonic_ns();
    if (!c->realtime)
        return wall + atomic_load(&c->skipped_ns);
    int64_t ahead = atomic_load(&c->ahead_to);
    return ahead > wall ? ahead : wall;
}

void sim_clock_mark(sim_clock *c, int64_t t)
{
    int64_t old = atomic_load(&c->ahead_to);
    while (t > old && !atomic_compare_exchange_weak(&c->ahead_to, &old, t))
        ;
}

void sim_clock_advance_to(sim_clock *c, int64_t t)
{
    if (!c->realtime) {
        sim_clock_wait_until(c, t);
        return;
    }
    int64_t wall = sim_monotonic_ns();
    if (t - wall > SIM_AHEAD_MAX_NS)
        sim_sleep_ns(t - SIM_AHEAD_LOW_NS - wall); /* a chunk: back to SIM_AHEAD_LOW_NS ahead */
    sim_clock_mark(c, t);
}

void sim_clock_wait_until(sim_clock *c, int64_t t)
{
    int64_t d = t - sim_clock_now(c);
    if (d <= 0)
        return;
    if (c->realtime)
        sim_sleep_ns(t - sim_monotonic_ns()); /* until the wall clock is there */
    else
        atomic_fetch_add(&c->skipped_ns, d);
}
