/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_clock.h - the board's time. In real-time mode it is the wall clock; in fast mode waits
 * are skipped by moving the clock forward, so code that polls a timer still sees time pass. */
#ifndef SIM_CLOCK_H
#define SIM_CLOCK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct sim_clock {
    bool realtime;
    _Atomic int64_t skipped_ns; /* fast mode: time jumped over instead of waited for */
} sim_clock;

void sim_clock_init(sim_clock *c, bool realtime);
int64_t sim_clock_now(sim_clock *c);
/* Let time reach t: sleeps in real-time mode, jumps in fast mode. */
void sim_clock_wait_until(sim_clock *c, int64_t t);
/* Plain wall-clock helpers. */
int64_t sim_monotonic_ns(void);
void sim_sleep_ns(int64_t ns);

#endif
