/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_clock.h - the board's time.
 *
 * Real-time mode: the wall clock, except that the board's CPU may run ahead of it by a few
 * milliseconds. Where the CPU waits for something whose time is known (the flash's BSY
 * dropping, its transmitter emptying, the next received byte), time jumps there instead of
 * passing while the host's CPU spins on a status register; the CPU then sleeps in chunks of a
 * few ms whenever it is more than SIM_AHEAD_MAX_NS ahead, so it stays in step with the host.
 * What each side sees stays timed: bytes carry the times their stop bits end.
 * Fast mode: waits are skipped by moving the clock forward, so code that polls a timer still
 * sees time pass. */
#ifndef SIM_CLOCK_H
#define SIM_CLOCK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* How far the CPU may run ahead of the wall clock, and where a sleep brings it back to. */
#define SIM_AHEAD_MAX_NS 4000000
#define SIM_AHEAD_LOW_NS 1000000
/* The same for a CPU that only waits for the line: less, so that the answer to what the host
 * sends next does not start near SIM_AHEAD_MAX_NS and stop for a chunk's sleep half-way. */
#define SIM_IDLE_AHEAD_MAX_NS 500000
#define SIM_IDLE_AHEAD_LOW_NS 100000

typedef struct sim_clock {
    bool realtime;
    _Atomic int64_t skipped_ns; /* fast mode: time jumped over instead of waited for */
    _Atomic int64_t ahead_to;   /* real-time mode: the time the CPU has run ahead to */
} sim_clock;

void sim_clock_init(sim_clock *c, bool realtime);
int64_t sim_clock_now(sim_clock *c);
/* Let time reach t: sleeps in real-time mode, jumps in fast mode. */
void sim_clock_wait_until(sim_clock *c, int64_t t);
/* The CPU waits for t: real-time mode runs ahead to t (sleeping first if that would take it
 * more than SIM_AHEAD_MAX_NS ahead of the wall clock); fast mode jumps. */
void sim_clock_advance_to(sim_clock *c, int64_t t);
/* Real-time mode: run ahead to t without sleeping (the caller has kept t within
 * SIM_AHEAD_MAX_NS of the wall clock). */
void sim_clock_mark(sim_clock *c, int64_t t);
/* Plain wall-clock helpers. */
int64_t sim_monotonic_ns(void);
void sim_sleep_ns(int64_t ns);
/* For the calling thread: sleeps of microseconds (flash timings, line bytes) end on time,
 * without Linux's default 50 us of timer slack on top. */
void sim_sleep_precisely(void);

#endif
