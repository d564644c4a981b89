/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stub_rates.c - which rate the stub runs at. With SF_STUB_BAUD_AUTO the candidates are the
 * rates up to 3 Mbaud that the stub's USART clock makes within 2%, fastest first. The first
 * stage goes at the rate this adapter last worked at (rate_memory.h), or at 921600 when it is
 * not known (the fastest rate every adapter we know makes), else at the fastest other one the
 * first stage is offered, else at the ROM's; once the stub runs, faster rates not
 * known to fail are probed from the fastest down, each with a CRC-checked echo (sc_set_baud),
 * and what was learnt is remembered for the next run. */
#define _POSIX_C_SOURCE 200809L
#include "rate_memory.h"
#include "session_internal.h"

#include <stdlib.h>
#include <string.h>

/* FTDI, CP2102N and CH343 adapters make all of these; 921600 and below are the classic ones. */
static const uint32_t auto_rates[] = {3000000u, 2000000u, 1500000u, 1000000u, 921600u, 460800u, 230400u};
#define UNKNOWN_ADAPTER_RATE 921600u

struct sf_rate_plan {
    bool automatic;
    uint32_t fixed;                  /* the rate set (not automatic) */
    uint32_t clock;                  /* the stub's USART clock (0: not known yet) */
    char key[192];                   /* the adapter's USB identity, "" if none */
    char *path;                      /* the memory's file, NULL: nothing remembered */
    rate_memory mem;
    bool changed;
};

sf_rate_plan *sf_rates_plan(sf_session *s, uint32_t clock)
{
    sf_rate_plan *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->automatic = s->stub_baud == SF_STUB_BAUD_AUTO;
    p->fixed = p->automatic ? 0 : s->stub_baud;
    p->clock = clock;
    if (p->automatic && sf_adapter_memory(s, p->key, sizeof p->key, &p->path)) {
        char why[300];
        sf_errbuf quiet = {why, sizeof why};
        if (rm_load(p->path, p->key, &p->mem, &quiet) != SF_OK)
            sf_session_log(s, SF_LOG_WARNING, "stub: cannot read the rates remembered (%s)", why);
        else if (p->mem.worked)
            sf_session_log(s, SF_LOG_DEBUG, "stub: %s last worked at %u baud", p->key, p->mem.worked);
    }
    return p;
}

/* Whether the stub may try rate: the chip makes it, it is faster than the ROM's, and (when
 * automatic) this adapter is not known to garble it. */
static bool candidate(const sf_session *s, const sf_rate_plan *p, uint32_t rate)
{
    return rate > s->rom_baud && (!p->clock || sc_rate_possible(p->clock, rate)) &&
           !(p->automatic && rm_failed(&p->mem, rate));
}

uint32_t sf_rates_first_stage(const sf_session *s, const sf_rate_plan *p)
{
    if (!p->automatic)
        return p->fixed && candidate(s, p, p->fixed) ? p->fixed : 0;
    if (p->mem.worked && candidate(s, p, p->mem.worked))
        return p->mem.worked;
    for (size_t i = 0; i < sizeof auto_rates / sizeof auto_rates[0]; i++)
        if (auto_rates[i] <= UNKNOWN_ADAPTER_RATE && candidate(s, p, auto_rates[i]))
            return auto_rates[i];
    return 0;
}

uint32_t sf_rates_first_stage_other(const sf_session *s, const sf_rate_plan *p, uint32_t rate)
{
    for (size_t i = 0; p->automatic && i < sizeof auto_rates / sizeof auto_rates[0]; i++)
        if (auto_rates[i] != rate && candidate(s, p, auto_rates[i]))
            return auto_rates[i];
    return 0;
}

void sf_rates_failed(sf_rate_plan *p, uint32_t rate)
{
    if (p->automatic) {
        rm_note_failed(&p->mem, rate);
        p->changed = true;
    }
}

sf_error sf_rates_switch(sf_session *s, sf_rate_plan *p)
{
    if (sf_port_fixed_rate(s->port)) {
        if (s->stub_baud != 0)
            sf_session_log(s, SF_LOG_INFO, "stub: the port's rate is set at the bridge: staying at %u baud", s->rom_baud);
        return SF_OK;
    }
    p->clock = s->stub->params.uart_clock; /* what the stub says it runs its USART from */
    if (!p->automatic) {
        if (!p->fixed || s->stub->baud == p->fixed)
            return SF_OK;
        sf_error e = sc_set_baud(s->stub, p->fixed);
        if (e == SF_OK)
            sf_session_log(s, SF_LOG_INFO, "stub: now at %u baud", p->fixed);
        else if (e == SF_ERR_UNSUPPORTED) {
            sf_session_log(s, SF_LOG_WARNING, "stub: %s", s->err);
            s->err[0] = 0;
            e = SF_OK;
        }
        return e;
    }
    for (size_t i = 0; i < sizeof auto_rates / sizeof auto_rates[0]; i++) {
        uint32_t r = auto_rates[i];
        if (r <= s->stub->baud)
            break;
        if (!candidate(s, p, r))
            continue;
        uint64_t t0 = sf_now_ms();
        sf_error e = sc_set_baud(s->stub, r);
        if (e == SF_OK) {
            sf_session_log(s, SF_LOG_INFO, "stub: now at %u baud (probed in %u ms)", r, (unsigned)(sf_now_ms() - t0));
            break;
        }
        if (e != SF_ERR_UNSUPPORTED)
            return e;
        sf_session_log(s, SF_LOG_INFO, "stub: %s (%u ms)", s->err, (unsigned)(sf_now_ms() - t0));
        s->err[0] = 0;
        sf_rates_failed(p, r);
    }
    if (p->mem.worked != s->stub->baud && s->stub->baud > s->rom_baud) {
        p->mem.worked = s->stub->baud;
        p->changed = true;
    }
    return SF_OK;
}

void sf_rates_done(sf_session *s, sf_rate_plan *p)
{
    if (!p)
        return;
    if (p->changed && p->path && *p->key) {
        char why[300];
        sf_errbuf quiet = {why, sizeof why};
        if (rm_store(p->path, p->key, &p->mem, &quiet) == SF_OK)
            sf_session_log(s, SF_LOG_DEBUG, "stub: remembered for %s: %u baud", p->key, p->mem.worked);
        else
            sf_session_log(s, SF_LOG_WARNING, "stub: cannot remember the rate (%s)", why);
    }
    free(p->path);
    free(p);
}

size_t sf_stub_rates(sf_session *s, uint32_t out[SF_STUB_RATES_MAX])
{
    size_t n = 0;
    if (s->stub_baud != SF_STUB_BAUD_AUTO)
        out[n++] = s->stub_baud;
    else {
        sf_rate_plan *p = sf_rates_plan(s, 0);
        if (p && p->mem.worked)
            out[n++] = p->mem.worked;
        sf_rates_done(s, p); /* nothing learnt: it only frees */
    }
    for (size_t i = 0; i < sizeof auto_rates / sizeof auto_rates[0] && n < SF_STUB_RATES_MAX; i++) {
        bool seen = false;
        for (size_t j = 0; j < n; j++)
            seen |= out[j] == auto_rates[i];
        if (!seen)
            out[n++] = auto_rates[i];
    }
    return n;
}
