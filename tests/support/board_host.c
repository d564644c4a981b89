/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* board_host.c - see board_host.h. */
#define _POSIX_C_SOURCE 200809L
#include "board_host.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

sim_board *bh_board_opts(const char *part, const sim_options *opt)
{
    const sim_part *p = sim_part_find(part ? part : "stm32f103re");
    assert_non_null(p);
    char *err = NULL;
    sim_board *b = sim_board_new(p, opt, &err);
    if (!b)
        fail_msg("sim_board_new: %s", err ? err : "?");
    assert_int_equal(sim_board_start(b), 0);
    return b;
}

void bh_f7_two_banks(sim_board *b)
{
    uint8_t top;
    assert_int_equal(sim_board_peek(b, 0x1FFF0009, &top, 1), 0);
    top &= (uint8_t)~0x20u;
    assert_int_equal(sim_board_poke(b, 0x1FFF0009, &top, 1), 0);
}

sim_board *bh_board(const char *part)
{
    sim_options opt = {.realtime = false, .boot0 = true};
    return bh_board_opts(part, &opt);
}

int bh_byte(sim_board *b, int timeout_ms)
{
    uint8_t c;
    return sim_host_read(b, &c, 1, timeout_ms) == 1 ? c : -1;
}

void bh_send(sim_board *b, const uint8_t *data, size_t len) { sim_host_write(b, data, len); }

int bh_command(sim_board *b, uint8_t code)
{
    uint8_t c[2] = {code, (uint8_t)~code};
    bh_send(b, c, 2);
    return bh_byte(b, 2000);
}

int bh_address(sim_board *b, uint32_t addr)
{
    uint8_t a[5] = {(uint8_t)(addr >> 24), (uint8_t)(addr >> 16), (uint8_t)(addr >> 8), (uint8_t)addr, 0};
    a[4] = a[0] ^ a[1] ^ a[2] ^ a[3];
    bh_send(b, a, 5);
    return bh_byte(b, 2000);
}

int bh_sync(sim_board *b)
{
    /* Resend only after a long silence: a second 0x7F reaching a ROM that was merely slow to
     * answer the first (a loaded machine, a sanitizer build) would be taken as half a command
     * and turn the next command into a NACK. Bytes sent while a reset starts up are lost, so
     * those are resent. */
    uint8_t s = 0x7F;
    for (int i = 0; i < 8; i++) {
        bh_send(b, &s, 1);
        int r = bh_byte(b, 500);
        if (r >= 0)
            return r;
    }
    return -1;
}

int bh_read(sim_board *b, uint32_t addr, uint8_t *out, size_t len)
{
    while (len) {
        size_t n = len > 256 ? 256 : len;
        if (bh_command(b, 0x11) != ACK || bh_address(b, addr) != ACK)
            return -1;
        uint8_t nn[2] = {(uint8_t)(n - 1), (uint8_t)~(n - 1)};
        bh_send(b, nn, 2);
        if (bh_byte(b, 2000) != ACK)
            return -1;
        size_t got = 0;
        while (got < n) {
            size_t r = sim_host_read(b, out + got, n - got, 2000);
            if (r == 0)
                return -1;
            got += r;
        }
        out += n;
        addr += (uint32_t)n;
        len -= n;
    }
    return 0;
}

int bh_write(sim_board *b, uint32_t addr, const uint8_t *data, size_t len)
{
    while (len) {
        size_t n = len > 256 ? 256 : len;
        if (bh_command(b, 0x31) != ACK || bh_address(b, addr) != ACK)
            return -1;
        uint8_t buf[258];
        buf[0] = (uint8_t)(n - 1);
        uint8_t x = buf[0];
        for (size_t i = 0; i < n; i++) {
            buf[1 + i] = data[i];
            x ^= data[i];
        }
        buf[1 + n] = x;
        bh_send(b, buf, n + 2);
        if (bh_byte(b, 5000) != ACK)
            return -1;
        data += n;
        addr += (uint32_t)n;
        len -= n;
    }
    return 0;
}

int bh_erase_pages(sim_board *b, const uint16_t *pages, size_t n, bool extended)
{
    if (bh_command(b, extended ? 0x44 : 0x43) != ACK)
        return -1;
    uint8_t buf[2 + 2 * 512 + 1];
    size_t k = 0;
    uint8_t x = 0;
    if (extended) {
        buf[k++] = (uint8_t)((n - 1) >> 8);
        buf[k++] = (uint8_t)(n - 1);
        for (size_t i = 0; i < n; i++) {
            buf[k++] = (uint8_t)(pages[i] >> 8);
            buf[k++] = (uint8_t)pages[i];
        }
    } else {
        buf[k++] = (uint8_t)(n - 1);
        for (size_t i = 0; i < n; i++)
            buf[k++] = (uint8_t)pages[i];
    }
    for (size_t i = 0; i < k; i++)
        x ^= buf[i];
    buf[k++] = x;
    bh_send(b, buf, k);
    return bh_byte(b, 30000) == ACK ? 0 : -1;
}

void bh_save_file(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        fail_msg("cannot create %s", path);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

bool bh_file_has(const char *path, const char *text)
{
    size_t n;
    uint8_t *b = bh_load_file(path, &n);
    b[n] = 0; /* bh_load_file leaves room after the bytes */
    bool yes = strstr((const char *)b, text) != NULL;
    free(b);
    return yes;
}

uint8_t *bh_load_file(const char *path, size_t *len)
{
    assert_non_null(path);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc((size_t)n + 4);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

size_t bh_collect(sim_board *b, char *out, size_t cap, int ms)
{
    size_t n = 0;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        long el = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
        if (el >= ms || n + 1 >= cap)
            break;
        n += sim_host_read(b, (uint8_t *)out + n, cap - 1 - n, (int)(ms - el));
    }
    out[n] = 0;
    return n;
}

uint8_t *bh_noise(size_t len, uint32_t seed)
{
    uint8_t *p = malloc(len);
    assert_non_null(p);
    for (size_t i = 0; i < len; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        p[i] = (uint8_t)seed;
    }
    return p;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

uint8_t *bh_firmware(size_t len, uint32_t seed, uint32_t base)
{
    assert_true(len >= 64);
    uint8_t *p = bh_noise(len, seed);
    put32(p, 0x20002000u);
    for (unsigned i = 1; i < 16; i++)
        put32(p + 4 * i, i == 1 || i == 2 || i == 3 ? base + 0x101u : 0);
    return p;
}
