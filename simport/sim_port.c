/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_port.c - "sim:PART[?flash=FILE&realtime=1&usart=2...]" ports: a virtual board inside the process,
 * offered to libstubflash as a port provider (stubflash/port-provider.h) by libstubflash-sim.
 * late=N (at most 256) models a USB adapter's latency: after each change of the host's rate, N
 * bytes of noise arrive first, even after a flush. */
#define _POSIX_C_SOURCE 200809L
#include "sim_port.h"
#include "stm32sim.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct simport {
    sim_board *board;
    bool usb; /* usb=VID:PID[:SERIAL]: the virtual adapter's identity */
    uint16_t vid, pid;
    char serial[64];
    /* late=N: noise a USB adapter hands over after each change of rate, past any flush: what it
     * sampled at the old rate while the other end had already switched, held by its latency. */
    unsigned late;
    uint32_t baud;        /* the host's rate, to see it change */
    uint8_t noise[256];   /* what is still to come of that noise */
    size_t noise_len, noise_at;
} simport;

/* Store the sentence (printf-style) if there is a buffer, and return code. */
static sf_error fail(char *err, size_t errlen, sf_error code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static sf_error fail(char *err, size_t errlen, sf_error code, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

static sf_error simport_set_format(void *port, uint32_t baud, bool parity_even, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    simport *s = port;
    if (s->late && s->baud && baud != s->baud) {
        /* Bytes with the top bit set: nothing a bootloader or the stub would greet with. */
        for (size_t i = 0; i < s->late; i++)
            s->noise[i] = (uint8_t)(0x80u | ((i * 37u + baud) & 0x7Fu));
        s->noise_len = s->late;
        s->noise_at = 0;
    }
    s->baud = baud;
    sim_host_set_format(s->board, baud, parity_even);
    return SF_OK;
}

static sf_error simport_write(void *port, const uint8_t *data, size_t len, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    sim_host_write(((simport *)port)->board, data, len);
    return SF_OK;
}

static sf_error simport_read(void *port, uint8_t *data, size_t len, size_t *got, unsigned timeout_ms, char *err,
                             size_t errlen)
{
    (void)err, (void)errlen;
    simport *s = port;
    if (s->noise_at < s->noise_len) {
        size_t n = s->noise_len - s->noise_at < len ? s->noise_len - s->noise_at : len;
        memcpy(data, s->noise + s->noise_at, n);
        s->noise_at += n;
        *got = n;
        return SF_OK;
    }
    *got = sim_host_read(s->board, data, len, (int)timeout_ms);
    return SF_OK;
}

static sf_error simport_flush_input(void *port, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    sim_host_flush(((simport *)port)->board);
    return SF_OK;
}

static sf_error simport_set_lines(void *port, int dtr, int rts, int brk, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    sim_board *b = ((simport *)port)->board; /* the wiring options say what the lines drive */
    if (dtr >= 0)
        sim_board_set_line(b, SIM_LINE_DTR, dtr);
    if (rts >= 0)
        sim_board_set_line(b, SIM_LINE_RTS, rts);
    if (brk >= 0)
        sim_board_set_line(b, SIM_LINE_BREAK, brk);
    return SF_OK;
}

static void simport_close(void *port)
{
    simport *s = port;
    sim_board_stop(s->board);
    sim_board_save(s->board, NULL);
    sim_board_free(s->board);
    free(s);
}

static bool simport_port_at(size_t index, char *name, size_t name_size, char *description, size_t description_size)
{
    const sim_part *p = sim_part_at(index);
    if (!p)
        return false;
    snprintf(name, name_size, "sim:%s", sim_part_name(p));
    snprintf(description, description_size, "virtual %s (in-process simulator)", sim_part_name(p));
    return true;
}

/* "VID:PID[:SERIAL]" (hex IDs, as lsusb shows them) into s; false if it is not that. */
static bool parse_usb(const char *text, simport *s)
{
    char *end;
    unsigned long vid = strtoul(text, &end, 16);
    if (end == text || *end != ':' || vid > 0xFFFF)
        return false;
    const char *p = end + 1;
    unsigned long pid = strtoul(p, &end, 16);
    if (end == p || (*end && *end != ':') || pid > 0xFFFF || (*end && strlen(end + 1) >= sizeof s->serial))
        return false;
    s->usb = true;
    s->vid = (uint16_t)vid;
    s->pid = (uint16_t)pid;
    snprintf(s->serial, sizeof s->serial, "%s", *end ? end + 1 : "");
    return true;
}

/* The board's options from "flash=FILE&realtime=1..." (and the adapter's USB identity into s). */
static sf_error parse_options(const char *spec, char *query, sim_options *opt, simport *s, char *err,
                              size_t errlen)
{
    for (char *kv = query ? strtok(query, "&") : NULL; kv; kv = strtok(NULL, "&")) {
        if (strncmp(kv, "flash=", 6) == 0 && kv[6])
            opt->flash_file = kv + 6;
        else if (strcmp(kv, "realtime=1") == 0)
            opt->realtime = true;
        else if (strcmp(kv, "realtime=0") == 0)
            opt->realtime = false;
        else if (strncmp(kv, "corrupt_rx=", 11) == 0)
            opt->faults.corrupt_to_device = strtod(kv + 11, NULL);
        else if (strncmp(kv, "corrupt_tx=", 11) == 0)
            opt->faults.corrupt_to_host = strtod(kv + 11, NULL);
        else if (strncmp(kv, "drop_rx=", 8) == 0)
            opt->faults.drop_to_device = strtod(kv + 8, NULL);
        else if (strncmp(kv, "max_baud=", 9) == 0)
            opt->faults.max_baud = (uint32_t)strtoul(kv + 9, NULL, 0);
        else if (strncmp(kv, "adapter_clock=", 14) == 0)
            opt->faults.adapter_clock = (uint32_t)strtoul(kv + 14, NULL, 0);
        else if (strncmp(kv, "usb=", 4) == 0 && parse_usb(kv + 4, s))
            ;
        else if (strcmp(kv, "pll_stuck=1") == 0)
            opt->faults.pll_stuck = true;
        else if (strcmp(kv, "rom_pll=1") == 0)
            opt->rom_pll_on = true;
        else if (strncmp(kv, "usart=", 6) == 0 && kv[6] >= '1' && kv[6] <= '3' && !kv[7])
            opt->usart = (uint8_t)(kv[6] - '0');
        else if (strncmp(kv, "reset=", 6) == 0 &&
                 sim_wiring_parse_line(kv + 6, &opt->wiring.nrst, &opt->wiring.nrst_inverted) == 0)
            ;
        else if (strncmp(kv, "boot0=", 6) == 0 && (kv[6] == '0' || kv[6] == '1') && !kv[7])
            opt->boot0 = kv[6] == '1';
        else if (strncmp(kv, "boot0=", 6) == 0 &&
                 sim_wiring_parse_line(kv + 6, &opt->wiring.boot0, &opt->wiring.boot0_inverted) == 0)
            ;
        else if (strncmp(kv, "seed=", 5) == 0)
            opt->faults.seed = strtoull(kv + 5, NULL, 0);
        else if (strncmp(kv, "flip_tx=", 8) == 0)
            opt->faults.flip_host_byte = strtoull(kv + 8, NULL, 0);
        else if (strncmp(kv, "late=", 5) == 0) {
            char *end;
            unsigned long n = strtoul(kv + 5, &end, 10);
            if (end == kv + 5 || *end || n > sizeof s->noise)
                return fail(err, errlen, SF_ERR_PORT, "sim:%s: '%s': late= takes a count of bytes from 0 to %zu",
                            spec, kv, sizeof s->noise);
            s->late = (unsigned)n;
        }
        else
            return fail(err, errlen, SF_ERR_PORT, "sim:%s: unknown option '%s' (known: flash=FILE, realtime=0|1, "
                        "corrupt_rx=RATE, corrupt_tx=RATE, drop_rx=RATE, max_baud=N, adapter_clock=HZ, usb=VID:PID[:SERIAL], pll_stuck=1, rom_pll=1, usart=1|2|3, seed=N, flip_tx=N, late=N, "
                        "boot0=0|1|LINE, reset=LINE with LINE dtr, rts, brk or !dtr...)", spec, kv);
    }
    return SF_OK;
}

static sf_error simport_open(const char *name, void **port, char *err, size_t errlen)
{
    const char *spec = strncmp(name, "sim:", 4) == 0 ? name + 4 : name;
    char *copy = strdup(spec);
    if (!copy)
        return fail(err, errlen, SF_ERR_NOMEM, "out of memory");
    char *query = strchr(copy, '?');
    if (query)
        *query++ = 0;
    sim_options opt = {.realtime = false, .boot0 = true, .on_before_start = true};
    simport *s = calloc(1, sizeof *s);
    if (!s) {
        free(copy);
        return fail(err, errlen, SF_ERR_NOMEM, "out of memory");
    }
    sf_error e = parse_options(spec, query, &opt, s, err, errlen);
    if (e != SF_OK) {
        free(s);
        free(copy);
        return e;
    }
    const sim_part *part = sim_part_find(copy);
    if (!part) {
        char known[256] = "";
        for (size_t i = 0; sim_part_at(i); i++) {
            strncat(known, i ? ", " : "", sizeof known - strlen(known) - 1);
            strncat(known, sim_part_name(sim_part_at(i)), sizeof known - strlen(known) - 1);
        }
        e = fail(err, errlen, SF_ERR_PORT, "sim:%s: no such virtual part (known: %s)", copy, known);
        free(s);
        free(copy);
        return e;
    }
    char *why = NULL;
    s->board = sim_board_new(part, &opt, &why);
    if (!s->board) {
        e = fail(err, errlen, SF_ERR_PORT, "sim:%s: %s", spec, why ? why : "cannot create the board");
        free(why);
        free(s);
        free(copy);
        return e;
    }
    free(copy);
    sim_board_start(s->board);
    /* A real board is on before its port is opened (on_before_start: its ROM listens at once):
     * the host's first sync byte must not meet a board whose thread has not reached its ROM yet
     * (it would wait out its 50 ms for an answer and send another). */
    sim_board_wait_started(s->board, 200);
    *port = s;
    return SF_OK;
}

static bool simport_usb_identity(void *port, uint16_t *vid, uint16_t *pid, char *serial, size_t serial_size)
{
    const simport *s = port;
    if (!s->usb)
        return false;
    *vid = s->vid;
    *pid = s->pid;
    if (serial_size)
        snprintf(serial, serial_size, "%s", s->serial);
    return true;
}

static const sf_port_provider provider = {
    .version = SF_PORT_PROVIDER_VERSION,
    .open = simport_open,
    .set_format = simport_set_format,
    .write = simport_write,
    .read = simport_read,
    .flush_input = simport_flush_input,
    .set_lines = simport_set_lines,
    .close = simport_close,
    .port_at = simport_port_at,
    .usb_identity = simport_usb_identity,
};

const sf_port_provider *sf_sim_port_provider(void) { return &provider; }
