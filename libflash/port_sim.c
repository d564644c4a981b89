/* port_sim.c - "sim:DEVICE[?flash=FILE&realtime=1]": a virtual board inside this process. */
#define _POSIX_C_SOURCE 200809L
#include "sf_internal.h"
#include "stm32sim.h"

#include <stdlib.h>
#include <string.h>

typedef struct simport {
    sim_board *board;
} simport;

static sf_error sim_set_format(void *impl, uint32_t baud, bool parity_even, sf_errbuf *eb)
{
    (void)eb;
    sim_host_set_format(((simport *)impl)->board, baud, parity_even);
    return SF_OK;
}

static sf_error sim_write(void *impl, const uint8_t *data, size_t len, sf_errbuf *eb)
{
    (void)eb;
    sim_host_write(((simport *)impl)->board, data, len);
    return SF_OK;
}

static sf_error sim_read(void *impl, uint8_t *data, size_t len, size_t *got, unsigned timeout_ms, sf_errbuf *eb)
{
    (void)eb;
    *got = sim_host_read(((simport *)impl)->board, data, len, (int)timeout_ms);
    return SF_OK;
}

static sf_error sim_flush_input(void *impl, sf_errbuf *eb)
{
    (void)eb;
    sim_host_flush(((simport *)impl)->board);
    return SF_OK;
}

static sf_error sim_set_lines(void *impl, int dtr, int rts, int brk, sf_errbuf *eb)
{
    (void)eb;
    sim_board *b = ((simport *)impl)->board; /* the wiring options say what the lines drive */
    if (dtr >= 0)
        sim_board_set_line(b, SIM_LINE_DTR, dtr);
    if (rts >= 0)
        sim_board_set_line(b, SIM_LINE_RTS, rts);
    if (brk >= 0)
        sim_board_set_line(b, SIM_LINE_BREAK, brk);
    return SF_OK;
}

static void sim_close(void *impl)
{
    simport *s = impl;
    sim_board_stop(s->board);
    sim_board_save(s->board, NULL);
    sim_board_free(s->board);
    free(s);
}

static const sf_port_ops sim_ops = {
    sim_set_format, sim_write, sim_read, sim_flush_input, sim_set_lines, sim_close, false,
};

const char *sf_simport_part_name(size_t i)
{
    const sim_part *p = sim_part_at(i);
    return p ? sim_part_name(p) : NULL;
}

sf_error sf_simport_open(const char *spec, const sf_port_ops **ops, void **impl, sf_errbuf *eb)
{
    char *copy = strdup(spec);
    if (!copy)
        return sf_fail(eb, SF_ERR_NOMEM, "out of memory");
    char *query = strchr(copy, '?');
    if (query)
        *query++ = 0;
    sim_options opt = {.realtime = false, .boot0 = true};
    for (char *kv = query ? strtok(query, "&") : NULL; kv; kv = strtok(NULL, "&")) {
        if (strncmp(kv, "flash=", 6) == 0 && kv[6])
            opt.flash_file = kv + 6;
        else if (strcmp(kv, "realtime=1") == 0)
            opt.realtime = true;
        else if (strcmp(kv, "realtime=0") == 0)
            opt.realtime = false;
        else if (strncmp(kv, "corrupt_rx=", 11) == 0)
            opt.faults.corrupt_to_device = strtod(kv + 11, NULL);
        else if (strncmp(kv, "corrupt_tx=", 11) == 0)
            opt.faults.corrupt_to_host = strtod(kv + 11, NULL);
        else if (strncmp(kv, "drop_rx=", 8) == 0)
            opt.faults.drop_to_device = strtod(kv + 8, NULL);
        else if (strncmp(kv, "max_baud=", 9) == 0)
            opt.faults.max_baud = (uint32_t)strtoul(kv + 9, NULL, 0);
        else if (strcmp(kv, "pll_stuck=1") == 0)
            opt.faults.pll_stuck = true;
        else if (strncmp(kv, "reset=", 6) == 0 &&
                 sim_wiring_parse_line(kv + 6, &opt.wiring.nrst, &opt.wiring.nrst_inverted) == 0)
            ;
        else if (strncmp(kv, "boot0=", 6) == 0 && (kv[6] == '0' || kv[6] == '1') && !kv[7])
            opt.boot0 = kv[6] == '1';
        else if (strncmp(kv, "boot0=", 6) == 0 &&
                 sim_wiring_parse_line(kv + 6, &opt.wiring.boot0, &opt.wiring.boot0_inverted) == 0)
            ;
        else if (strncmp(kv, "seed=", 5) == 0)
            opt.faults.seed = strtoull(kv + 5, NULL, 0);
        else {
            sf_error e = sf_fail(eb, SF_ERR_PORT, "sim:%s: unknown option '%s' (known: flash=FILE, realtime=0|1, "
                                 "corrupt_rx=RATE, corrupt_tx=RATE, drop_rx=RATE, max_baud=N, pll_stuck=1, seed=N, "
                                 "boot0=0|1|LINE, reset=LINE with LINE dtr, rts, brk or !dtr...)", spec, kv);
            free(copy);
            return e;
        }
    }
    const sim_part *part = sim_part_find(copy);
    if (!part) {
        char known[256] = "";
        for (size_t i = 0; sf_simport_part_name(i); i++) {
            strncat(known, i ? ", " : "", sizeof known - strlen(known) - 1);
            strncat(known, sf_simport_part_name(i), sizeof known - strlen(known) - 1);
        }
        sf_error e = sf_fail(eb, SF_ERR_PORT, "sim:%s: no such virtual part (known: %s)", copy, known);
        free(copy);
        return e;
    }
    char *err = NULL;
    simport *s = calloc(1, sizeof *s);
    if (s)
        s->board = sim_board_new(part, &opt, &err);
    if (!s || !s->board) {
        sf_error e = sf_fail(eb, SF_ERR_PORT, "sim:%s: %s", spec, err ? err : "cannot create the board");
        free(err);
        free(s);
        free(copy);
        return e;
    }
    free(copy);
    sim_board_start(s->board);
    *ops = &sim_ops;
    *impl = s;
    return SF_OK;
}
