/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_systick.c - the SysTick timer (PM0056 4.5), computed from the board clock.
 * The counter runs at HCLK (CLKSOURCE=1) or HCLK/8. The sim delivers no exceptions, so
 * TICKINT only earns a warning; code that polls COUNTFLAG works. In fast mode a poll of
 * COUNTFLAG that would read 0 moves the clock to the next wrap, so delay loops cost nothing. */
#include "sim_periph.h"

enum { CTRL_ENABLE = 1u << 0, CTRL_TICKINT = 1u << 1, CTRL_CLKSOURCE = 1u << 2, CTRL_COUNTFLAG = 1u << 16 };

void sim_systick_reset(sim_systick *s)
{
    *s = (sim_systick){0};
    s->ctrl = CTRL_CLKSOURCE; /* reads as processor clock on STM32 */
    s->calib = 9000;          /* PM0056: 1 ms at 9 MHz (HCLK/8 at 72 MHz) */
}

static uint64_t ticks_since_ref(sim_systick *s, sim_clock *clk, uint32_t hclk)
{
    uint64_t hz = (s->ctrl & CTRL_CLKSOURCE) ? hclk : hclk / 8;
    int64_t dt = sim_clock_now(clk) - s->ref_time;
    return dt <= 0 ? 0 : (uint64_t)((__int128)dt * hz / 1000000000);
}

/* Counter value now, and how many times it has counted down to 0 (COUNTFLAG events).
 * From 0 the next tick reloads LOAD; from n > 0 it takes n ticks to reach 0. */
static uint32_t counter(sim_systick *s, sim_clock *clk, uint32_t hclk, uint64_t *wraps)
{
    *wraps = 0;
    if (!(s->ctrl & CTRL_ENABLE))
        return s->ref_value;
    uint64_t t = ticks_since_ref(s, clk, hclk);
    uint64_t period = (uint64_t)s->load + 1;
    if (t <= s->ref_value) {
        *wraps = (t == s->ref_value && s->ref_value > 0) ? 1 : 0;
        return s->ref_value - (uint32_t)t;
    }
    uint64_t after = t - s->ref_value - 1; /* ticks since the reload */
    uint64_t u = after % period;
    *wraps = (s->ref_value > 0 ? 1 : 0) + (after + 1) / period;
    return s->load - (uint32_t)u;
}

uint32_t sim_systick_read(sim_systick *s, sim_clock *clk, uint32_t hclk, uint32_t off)
{
    uint64_t wraps;
    uint32_t v = counter(s, clk, hclk, &wraps);
    switch (off) {
    case 0x0: {
        bool flag = wraps > s->wraps_reported;
        if (!flag && !clk->realtime && (s->ctrl & CTRL_ENABLE) && hclk) {
            uint64_t hz = (s->ctrl & CTRL_CLKSOURCE) ? hclk : hclk / 8;
            sim_clock_wait_until(clk, sim_clock_now(clk) + (int64_t)((uint64_t)(v + 1) * 1000000000 / hz) + 1);
            counter(s, clk, hclk, &wraps);
            flag = wraps > s->wraps_reported;
        }
        s->wraps_reported = wraps;
        return (s->ctrl & ~CTRL_COUNTFLAG) | (flag ? CTRL_COUNTFLAG : 0);
    }
    case 0x4: return s->load;
    case 0x8: return v;
    case 0xC: return s->calib;
    default: return 0;
    }
}

const char *sim_systick_write(sim_systick *s, sim_clock *clk, uint32_t hclk, uint32_t off, uint32_t v)
{
    uint64_t wraps;
    switch (off) {
    case 0x0: {
        uint32_t cur = counter(s, clk, hclk, &wraps);
        s->ref_value = cur;
        s->ref_time = sim_clock_now(clk);
        s->wraps_reported = 0;
        s->ctrl = v & (CTRL_ENABLE | CTRL_TICKINT | CTRL_CLKSOURCE);
        if ((v & CTRL_TICKINT) && !s->warned_tickint) {
            s->warned_tickint = true;
            return "SysTick TICKINT set: the simulator delivers no interrupts, the handler will not run";
        }
        return NULL;
    }
    case 0x4: s->load = v & 0xFFFFFF; return NULL;
    case 0x8: /* any write clears the counter and COUNTFLAG */
        s->ref_value = 0;
        s->ref_time = sim_clock_now(clk);
        s->wraps_reported = 0;
        return NULL;
    default: return NULL;
    }
}
