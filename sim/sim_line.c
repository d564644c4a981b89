/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_line.c - see sim_line.h. */
#define _POSIX_C_SOURCE 200809L
#include "sim_line.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Fast mode: how long an idle poll waits for the host before the program polls again. */
#define FAST_IDLE_WAIT_NS 20000

struct byte_slot {
    int64_t ready;     /* clock time at which the stop bit ends */
    uint32_t baud;     /* rate it was sent at */
    uint8_t value;
};

struct queue {
    struct byte_slot *slots;
    size_t head, count, cap;
    int64_t last_ready;
};

struct sim_line {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    sim_clock *clock;
    sim_faults faults;
    uint64_t rng;
    struct queue to_device, to_host;
    uint32_t host_baud, device_baud;
    bool host_parity, device_parity;
    bool interrupted;
    uint32_t last_rx_baud; /* the rate the device's last received byte was sent at */
    int64_t deaf_until;
    uint64_t count_to_device, count_to_host;
    void (*limit_cb)(void *);
    void *limit_user;
    bool limit_fired;
    uint32_t (*host_rate)(void *); /* the host's rate asked afresh, if it has a source */
    void *host_rate_user;
};

static void queue_push(struct queue *q, struct byte_slot s)
{
    if (q->count == q->cap) {
        size_t ncap = q->cap ? q->cap * 2 : 4096;
        struct byte_slot *n = malloc(ncap * sizeof *n);
        if (!n)
            abort();
        for (size_t i = 0; i < q->count; i++)
            n[i] = q->slots[(q->head + i) % q->cap];
        free(q->slots);
        q->slots = n;
        q->head = 0;
        q->cap = ncap;
    }
    q->slots[(q->head + q->count) % q->cap] = s;
    q->count++;
}

static struct byte_slot *queue_front(struct queue *q, size_t i)
{
    return i < q->count ? &q->slots[(q->head + i) % q->cap] : NULL;
}

static void queue_pop(struct queue *q)
{
    q->head = (q->head + 1) % q->cap;
    q->count--;
}

/* xorshift64*: reproducible fault patterns from a seed. */
static double rng_uniform(sim_line *l)
{
    l->rng ^= l->rng >> 12;
    l->rng ^= l->rng << 25;
    l->rng ^= l->rng >> 27;
    return (double)((l->rng * 2685821657736338717ull) >> 11) / (double)(1ull << 53);
}

static int64_t byte_ns(uint32_t baud, bool parity)
{
    if (baud == 0 || baud == LINE_AUTOBAUD)
        return 0;
    return (int64_t)(parity ? 11 : 10) * 1000000000 / baud;
}

/* A UART samples at its own rate: more than 2.5% off and the byte is garbage (AN3155 gives
 * 2.5% as the tolerance of the bootloader's autobaud). */
static bool rates_match(uint32_t sent, uint32_t sampled)
{
    if (sampled == LINE_AUTOBAUD || sent == LINE_AUTOBAUD)
        return true;
    if (sent == 0 || sampled == 0)
        return false;
    double d = (double)sent / (double)sampled - 1.0;
    return d < 0.025 && d > -0.025;
}

/* A link that cannot carry the rate delivers garbage. */
static bool link_carries(const sim_line *l, uint32_t baud)
{
    return !l->faults.max_baud || baud == LINE_AUTOBAUD || baud <= l->faults.max_baud;
}

static uint8_t garble(uint8_t v, uint32_t sent, uint32_t sampled)
{
    /* Deterministic but unrelated to the value: what a mis-clocked UART reads. */
    return (uint8_t)(v * 37u + (sent ^ sampled) + 0x5B);
}

/* The rate an adapter that divides its clock by a whole number makes when asked for baud. */
static uint32_t adapter_rate(uint32_t clock, uint32_t baud)
{
    if (!clock || !baud || baud == LINE_AUTOBAUD)
        return baud;
    uint32_t div = (uint32_t)(((uint64_t)clock + baud / 2u) / baud);
    return clock / (div ? div : 1u);
}

sim_line *sim_line_new(sim_clock *clock, const sim_faults *faults)
{
    sim_line *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    pthread_mutex_init(&l->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&l->changed, &ca);
    pthread_condattr_destroy(&ca);
    l->clock = clock;
    if (faults)
        l->faults = *faults;
    l->rng = l->faults.seed ? l->faults.seed : 0x9E3779B97F4A7C15ull;
    l->host_baud = adapter_rate(l->faults.adapter_clock, 115200);
    l->host_parity = true;
    return l;
}

void sim_line_free(sim_line *l)
{
    if (!l)
        return;
    free(l->to_device.slots);
    free(l->to_host.slots);
    pthread_cond_destroy(&l->changed);
    pthread_mutex_destroy(&l->lock);
    free(l);
}

void sim_line_on_byte_limit(sim_line *l, void (*cb)(void *), void *user)
{
    pthread_mutex_lock(&l->lock);
    l->limit_cb = cb;
    l->limit_user = user;
    pthread_mutex_unlock(&l->lock);
}

void sim_line_host_format(sim_line *l, uint32_t baud, bool parity)
{
    pthread_mutex_lock(&l->lock);
    l->host_baud = adapter_rate(l->faults.adapter_clock, baud);
    l->host_parity = parity;
    pthread_mutex_unlock(&l->lock);
}

void sim_line_host_rate_source(sim_line *l, uint32_t (*rate)(void *user), void *user)
{
    pthread_mutex_lock(&l->lock);
    l->host_rate = rate;
    l->host_rate_user = user;
    pthread_mutex_unlock(&l->lock);
}

void sim_line_set_faults(sim_line *l, const sim_faults *faults)
{
    pthread_mutex_lock(&l->lock);
    l->faults.corrupt_to_device = faults->corrupt_to_device;
    l->faults.corrupt_to_host = faults->corrupt_to_host;
    l->faults.drop_to_device = faults->drop_to_device;
    l->faults.drop_to_host = faults->drop_to_host;
    l->faults.max_baud = faults->max_baud;
    l->faults.reply_delay_ms = faults->reply_delay_ms;
    l->faults.adapter_clock = faults->adapter_clock;
    if (faults->seed)
        l->rng = faults->seed;
    pthread_mutex_unlock(&l->lock);
}

void sim_line_burst(sim_line *l, size_t len)
{
    pthread_mutex_lock(&l->lock);
    int64_t now = sim_clock_now(l->clock);
    for (size_t i = 0; i < len; i++) {
        /* Noise on the wire: each end's receiver samples it at its own rate and gets bytes. */
        uint8_t junk[2] = {(uint8_t)(rng_uniform(l) * 256), (uint8_t)(rng_uniform(l) * 256)};
        int64_t td = now > l->to_device.last_ready ? now : l->to_device.last_ready;
        l->to_device.last_ready = td + (l->clock->realtime ? byte_ns(l->host_baud, l->host_parity) : 0);
        queue_push(&l->to_device, (struct byte_slot){.ready = l->to_device.last_ready, .baud = l->host_baud, .value = junk[0]});
        if (l->device_baud != 0) {
            int64_t th = now > l->to_host.last_ready ? now : l->to_host.last_ready;
            l->to_host.last_ready = th + (l->clock->realtime ? byte_ns(l->device_baud, l->device_parity) : 0);
            queue_push(&l->to_host, (struct byte_slot){.ready = l->to_host.last_ready, .baud = l->device_baud, .value = junk[1]});
        }
    }
    pthread_cond_broadcast(&l->changed);
    pthread_mutex_unlock(&l->lock);
}

uint32_t sim_line_device_last_rate(sim_line *l)
{
    pthread_mutex_lock(&l->lock);
    uint32_t b = l->last_rx_baud;
    pthread_mutex_unlock(&l->lock);
    return b;
}

uint32_t sim_line_host_baud(sim_line *l)
{
    pthread_mutex_lock(&l->lock);
    uint32_t b = l->host_baud;
    pthread_mutex_unlock(&l->lock);
    return b;
}

/* Absolute wait on the condition variable, in wall-clock terms. */
static void wait_changed(sim_line *l, int64_t wall_deadline)
{
    struct timespec ts = {.tv_sec = wall_deadline / 1000000000, .tv_nsec = wall_deadline % 1000000000};
    pthread_cond_timedwait(&l->changed, &l->lock, &ts);
}

/* Wait for the byte at the front of queue q, due at wall_deadline. A timer wakes a thread some
 * tens of microseconds late (75 us on a virtual machine), which the last byte of every request
 * and every answer would add to the exchange: for the last byte queued, the final stretch is
 * spent watching the clock instead. Not yielding: sched_yield hands the processor to any other
 * runnable thread (the board's core being made while the ROM answers, say) until the next
 * scheduler tick, and an answer then came milliseconds late in one run of five. Earlier
 * bytes need no such care (the rest follow). */
#define PRECISE_NS 150000
static void wait_for_byte(sim_line *l, const struct queue *q, int64_t wall_deadline)
{
    int64_t now = sim_monotonic_ns();
    if (q->count > 1 || wall_deadline - now > PRECISE_NS) {
        wait_changed(l, q->count > 1 ? wall_deadline : wall_deadline - PRECISE_NS);
        return;
    }
    pthread_mutex_unlock(&l->lock);
    while (sim_monotonic_ns() < wall_deadline)
        ;
    pthread_mutex_lock(&l->lock);
}

void sim_line_host_write(sim_line *l, const uint8_t *data, size_t len)
{
    bool fire = false;
    pthread_mutex_lock(&l->lock);
    int64_t now = sim_clock_now(l->clock);
    int64_t bn = l->clock->realtime ? byte_ns(l->host_baud, l->host_parity) : 0;
    for (size_t i = 0; i < len; i++) {
        struct byte_slot s = {.baud = l->host_baud, .value = data[i]};
        int64_t start = now > l->to_device.last_ready ? now : l->to_device.last_ready;
        s.ready = start + bn;
        l->to_device.last_ready = s.ready;
        l->count_to_device++;
        if (l->count_to_device == l->faults.drop_byte)
            continue;
        if (l->faults.drop_to_device > 0 && rng_uniform(l) < l->faults.drop_to_device)
            continue;
        if (l->faults.corrupt_to_device > 0 && rng_uniform(l) < l->faults.corrupt_to_device)
            s.value ^= (uint8_t)(1u << (int)(rng_uniform(l) * 8));
        queue_push(&l->to_device, s);
        if (l->faults.power_cut_after_bytes && !l->limit_fired &&
            l->count_to_device >= l->faults.power_cut_after_bytes) {
            l->limit_fired = true;
            fire = true;
            break; /* the rest never reaches a powered chip */
        }
    }
    void (*cb)(void *) = l->limit_cb;
    void *user = l->limit_user;
    pthread_cond_broadcast(&l->changed);
    pthread_mutex_unlock(&l->lock);
    if (fire && cb)
        cb(user);
}

size_t sim_line_host_read(sim_line *l, uint8_t *data, size_t len, int timeout_ms)
{
    int64_t wall_deadline = sim_monotonic_ns() + (int64_t)timeout_ms * 1000000;
    size_t n = 0;
    bool asked = false; /* the host's rate, from its source, for what has arrived by now */
    pthread_mutex_lock(&l->lock);
    while (n < len) {
        struct byte_slot *s = queue_front(&l->to_host, 0);
        int64_t now = sim_clock_now(l->clock);
        if (s && s->ready <= now) {
            uint8_t v = s->value;
            if (l->host_rate && !asked) {
                /* Judged as they arrive: at the rate the host has now, which it may have set a
                 * moment ago (after the endpoint last looked). */
                uint32_t r = l->host_rate(l->host_rate_user);
                if (r)
                    l->host_baud = adapter_rate(l->faults.adapter_clock, r);
                asked = true;
            }
            bool clean = rates_match(s->baud, l->host_baud) && link_carries(l, s->baud);
            int64_t wall = sim_monotonic_ns();
            if (!clean && l->clock->realtime && s->ready > wall) {
                /* Sent while the board ran ahead of the wall clock, at a rate the host is not
                 * at yet: the host may change its rate before the byte really arrives, so it
                 * is judged then, when the caller asks again (with the host's rate asked afresh
                 * from its source, if it has one). */
                if (n == 0)
                    wait_changed(l, s->ready < wall_deadline ? s->ready : wall_deadline);
                break;
            }
            if (!clean)
                v = garble(v, s->baud, l->host_baud);
            queue_pop(&l->to_host);
            data[n++] = v;
            continue;
        }
        if (n > 0)
            break; /* return what is there; the caller asks again */
        int64_t wall_now = sim_monotonic_ns();
        if (wall_now >= wall_deadline)
            break;
        int64_t until = wall_deadline;
        if (s && s->ready - now < until - wall_now) {
            wait_for_byte(l, &l->to_host, wall_now + (s->ready - now));
            asked = false;
            continue;
        }
        wait_changed(l, until);
        asked = false;
    }
    pthread_mutex_unlock(&l->lock);
    return n;
}

void sim_line_host_flush(sim_line *l)
{
    pthread_mutex_lock(&l->lock);
    l->to_host.head = l->to_host.count = 0;
    pthread_mutex_unlock(&l->lock);
}

void sim_line_device_format(sim_line *l, uint32_t baud, bool parity)
{
    pthread_mutex_lock(&l->lock);
    l->device_baud = baud;
    l->device_parity = parity;
    pthread_mutex_unlock(&l->lock);
}

/* Drop bytes the device could not have heard; returns the first audible one or NULL. */
static struct byte_slot *first_audible(sim_line *l)
{
    struct byte_slot *s;
    while ((s = queue_front(&l->to_device, 0)) && (s->ready < l->deaf_until || l->device_baud == 0))
        queue_pop(&l->to_device);
    return s;
}

static uint8_t sampled_value(sim_line *l, const struct byte_slot *s)
{
    l->last_rx_baud = s->baud;
    return rates_match(s->baud, l->device_baud) && link_carries(l, s->baud) ? s->value
                                                                            : garble(s->value, s->baud, l->device_baud);
}

int sim_line_device_get(sim_line *l, uint8_t *byte, int64_t deadline)
{
    pthread_mutex_lock(&l->lock);
    int rc = LINE_TIMEOUT;
    for (;;) {
        if (l->interrupted) {
            rc = LINE_INTERRUPTED;
            break;
        }
        struct byte_slot *s = first_audible(l);
        int64_t now = sim_clock_now(l->clock);
        if (s && s->ready <= now) {
            *byte = sampled_value(l, s);
            queue_pop(&l->to_device);
            rc = LINE_GOT;
            break;
        }
        if (now >= deadline)
            break;
        int64_t until = deadline;
        if (s && s->ready < until)
            until = s->ready;
        /* Wake at least every 50 ms so a clock jump (fast mode) cannot strand us. */
        int64_t wall = sim_monotonic_ns();
        int64_t wait = until - now;
        if (wait > 50000000)
            wait = 50000000;
        if (s && s->ready == until)
            wait_for_byte(l, &l->to_device, wall + wait);
        else
            wait_changed(l, wall + wait);
    }
    pthread_mutex_unlock(&l->lock);
    return rc;
}

bool sim_line_device_rx_ready(sim_line *l)
{
    pthread_mutex_lock(&l->lock);
    struct byte_slot *s = first_audible(l);
    bool ready = s && s->ready <= sim_clock_now(l->clock);
    pthread_mutex_unlock(&l->lock);
    return ready;
}

bool sim_line_device_take(sim_line *l, uint8_t *byte, bool *overrun)
{
    pthread_mutex_lock(&l->lock);
    int64_t now = sim_clock_now(l->clock);
    struct byte_slot *s = first_audible(l);
    bool got = s && s->ready <= now;
    *overrun = false;
    if (got) {
        *byte = sampled_value(l, s);
        queue_pop(&l->to_device);
        /* The data register held this byte; any that completed meanwhile were overwritten in
         * the shift register and lost. In fast mode nothing is paced, so nothing overruns. */
        struct byte_slot *n;
        while (l->clock->realtime && (n = queue_front(&l->to_device, 0)) && n->ready <= now) {
            queue_pop(&l->to_device);
            *overrun = true;
        }
    }
    pthread_mutex_unlock(&l->lock);
    return got;
}

bool sim_line_device_take_served(sim_line *l, uint8_t *byte)
{
    pthread_mutex_lock(&l->lock);
    struct byte_slot *s = first_audible(l);
    bool got = s && s->ready <= sim_clock_now(l->clock);
    if (got) {
        *byte = sampled_value(l, s);
        queue_pop(&l->to_device);
    }
    pthread_mutex_unlock(&l->lock);
    return got;
}

void sim_line_device_put(sim_line *l, uint8_t byte)
{
    pthread_mutex_lock(&l->lock);
    l->count_to_host++;
    int64_t now = sim_clock_now(l->clock);
    int64_t bn = l->clock->realtime ? byte_ns(l->device_baud, l->device_parity) : 0;
    int64_t start = now > l->to_host.last_ready ? now : l->to_host.last_ready;
    struct byte_slot s = {.ready = start + bn, .baud = l->device_baud, .value = byte};
    l->to_host.last_ready = s.ready; /* the transmitter is done then; the host hears it later */
    s.ready += (int64_t)l->faults.reply_delay_ms * 1000000;
    bool drop = l->faults.drop_to_host > 0 && rng_uniform(l) < l->faults.drop_to_host;
    if (l->faults.corrupt_to_host > 0 && rng_uniform(l) < l->faults.corrupt_to_host)
        s.value ^= (uint8_t)(1u << (int)(rng_uniform(l) * 8));
    if (l->count_to_host == l->faults.flip_host_byte)
        s.value ^= 1u;
    if (!drop && l->device_baud != 0)
        queue_push(&l->to_host, s);
    pthread_cond_broadcast(&l->changed);
    pthread_mutex_unlock(&l->lock);
}

int64_t sim_line_device_tx_done(sim_line *l)
{
    pthread_mutex_lock(&l->lock);
    int64_t t = l->to_host.last_ready;
    pthread_mutex_unlock(&l->lock);
    return t;
}

int64_t sim_line_device_byte_ns(sim_line *l)
{
    pthread_mutex_lock(&l->lock);
    int64_t t = l->clock->realtime ? byte_ns(l->device_baud, l->device_parity) : 0;
    pthread_mutex_unlock(&l->lock);
    return t;
}

void sim_line_device_tx_state(sim_line *l, bool *txe, bool *tc)
{
    pthread_mutex_lock(&l->lock);
    int64_t now = sim_clock_now(l->clock);
    int64_t bn = l->clock->realtime ? byte_ns(l->device_baud, l->device_parity) : 0;
    *tc = now >= l->to_host.last_ready;
    *txe = now >= l->to_host.last_ready - bn;
    pthread_mutex_unlock(&l->lock);
}

void sim_line_device_await_txe(sim_line *l)
{
    pthread_mutex_lock(&l->lock);
    int64_t bn = l->clock->realtime ? byte_ns(l->device_baud, l->device_parity) : 0;
    int64_t t = l->to_host.last_ready - bn;
    pthread_mutex_unlock(&l->lock);
    sim_clock_advance_to(l->clock, t);
}

void sim_line_device_idle(sim_line *l, int64_t other_event, int64_t quantum)
{
    pthread_mutex_lock(&l->lock);
    int64_t now = sim_clock_now(l->clock);
    struct byte_slot *s = first_audible(l);
    if (l->interrupted || (s && s->ready <= now)) {
        pthread_mutex_unlock(&l->lock);
        return;
    }
    if (!l->clock->realtime) { /* nothing is paced: wait briefly for the host */
        wait_changed(l, sim_monotonic_ns() + FAST_IDLE_WAIT_NS);
        pthread_mutex_unlock(&l->lock);
        return;
    }
    int64_t t = now + quantum;
    if (s && s->ready < t)
        t = s->ready;
    if (l->to_host.last_ready > now && l->to_host.last_ready < t)
        t = l->to_host.last_ready;
    if (other_event > now && other_event < t)
        t = other_event;
    int64_t wall = sim_monotonic_ns();
    if (t - wall > SIM_IDLE_AHEAD_MAX_NS) {
        /* Too far ahead: sleep a chunk, but wake for what the host sends meanwhile. */
        wait_changed(l, t - SIM_IDLE_AHEAD_LOW_NS);
        wall = sim_monotonic_ns();
        if (t - wall > SIM_IDLE_AHEAD_MAX_NS)
            t = wall + SIM_IDLE_AHEAD_MAX_NS;
    }
    sim_clock_mark(l->clock, t);
    pthread_mutex_unlock(&l->lock);
}

void sim_line_device_reset(sim_line *l, int64_t deaf_until, uint32_t baud_after)
{
    pthread_mutex_lock(&l->lock);
    l->deaf_until = deaf_until;
    l->device_baud = baud_after;
    first_audible(l); /* drop what the reset swallowed */
    pthread_cond_broadcast(&l->changed);
    pthread_mutex_unlock(&l->lock);
}

void sim_line_interrupt(sim_line *l, bool on)
{
    pthread_mutex_lock(&l->lock);
    l->interrupted = on;
    pthread_cond_broadcast(&l->changed);
    pthread_mutex_unlock(&l->lock);
}

bool sim_line_device_sleep_until(sim_line *l, int64_t t)
{
    if (!l->clock->realtime) {
        sim_clock_wait_until(l->clock, t);
        pthread_mutex_lock(&l->lock);
        bool ok = !l->interrupted;
        pthread_mutex_unlock(&l->lock);
        return ok;
    }
    pthread_mutex_lock(&l->lock);
    while (!l->interrupted && sim_clock_now(l->clock) < t)
        wait_changed(l, t); /* the board's time is the wall clock's or ahead of it */
    bool ok = !l->interrupted;
    pthread_mutex_unlock(&l->lock);
    return ok;
}

void sim_line_counts(sim_line *l, uint64_t *to_device, uint64_t *to_host)
{
    pthread_mutex_lock(&l->lock);
    *to_device = l->count_to_device;
    *to_host = l->count_to_host;
    pthread_mutex_unlock(&l->lock);
}
