/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz_frames.c - libFuzzer harness for the host's side of the stub protocol (stub_client.c,
 * stub_stream.c): whatever a device sends back, each request ends in OK or an error code, never
 * out of bounds or in a loop. The first input byte picks the request; the rest is what the
 * "device" sends, as records (fuzz_records.h). When the input runs out the device falls silent;
 * time is virtual, so no request waits out a real timeout. Built by scripts/fuzz. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "fuzz_records.h"
#include "stub_client.h"

struct fake {
    uint8_t out[1 << 17];
    size_t len, pos;
};
static struct fake dev;
static uint64_t virtual_ms; /* see clock_gettime below */

/* The port functions stub_client.c and stub_stream.c use, served from dev. */
sf_error sf_port_read_some_eb(sf_port *p, uint8_t *data, size_t len, size_t *got, unsigned timeout_ms, sf_errbuf *eb)
{
    (void)p, (void)eb;
    *got = 0;
    if (dev.pos == dev.len) { /* the device says nothing more: the wait runs out */
        virtual_ms += timeout_ms;
        return SF_OK;
    }
    size_t n = dev.len - dev.pos < len ? dev.len - dev.pos : len;
    if (n > 1 && (dev.out[dev.pos] & 1)) /* arrive in pieces as well as at once */
        n = n / 2;
    memcpy(data, dev.out + dev.pos, n);
    dev.pos += n;
    *got = n;
    return SF_OK;
}

sf_error sf_port_write_eb(sf_port *p, const uint8_t *data, size_t len, sf_errbuf *eb)
{
    (void)p, (void)data, (void)len, (void)eb;
    return SF_OK;
}

sf_error sf_port_flush_input(sf_port *p)
{
    (void)p;
    return SF_OK;
}

sf_error sf_port_set_format_eb(sf_port *p, uint32_t baud, bool parity_even, sf_errbuf *eb)
{
    (void)p, (void)baud, (void)parity_even, (void)eb;
    return SF_OK;
}

static uint32_t zlib_crc(const uint8_t *data, size_t len) { return (uint32_t)crc32(0, data, (uInt)len); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    dev.pos = 0;
    dev.len = fuzz_records(data + 1, size - 1, dev.out, sizeof dev.out, zlib_crc, NULL, 0);
    char text[640];
    sf_errbuf eb = {text, sizeof text};
    sc_link *l = calloc(1, sizeof *l);
    if (!l)
        return 0;
    l->port = (sf_port *)&dev; /* never dereferenced: the port functions above ignore it */
    l->eb = &eb;
    l->baud = 921600;
    l->attempts = 2;
    l->params.page_size = 2048;
    l->params.max_payload = 1024;
    l->params.window_bits = 15;
    l->params.ring_size = 16384;
    l->params.window = 16384;
    static uint8_t buf[64 * 1024], image[8192];
    uint32_t crcs[64];
    size_t n;
    uint8_t seq, cmd;
    switch (data[0] % 9) {
    case 0:
        while (sc_recv_frame(l, &seq, &cmd, buf, &n, 0) != SF_ERR_TIMEOUT)
            ;
        break;
    case 1: sc_wait_hello(l, 0); break;
    case 2: sc_finish_hello(l); break;
    case 3: sc_request(l, SFS_PING, (const uint8_t *)"sf", 2, buf, &n, 0); break;
    case 4: sc_info(l); break;
    case 5: sc_unit_crcs(l, 0x08000000, 2048, (uint32_t)(sizeof crcs / sizeof crcs[0]), crcs); break;
    case 6: sc_read(l, 0x08000000, buf, sizeof buf); break;
    case 7: sc_erase(l, 0x08000000, 8192); break;
    case 8:
        for (size_t i = 0; i < sizeof image; i++)
            image[i] = (uint8_t)(i * 7);
        sc_write(l, 0x08000000, image, sizeof image, true);
        break;
    }
    free(l);
    return 0;
}

/* Time is virtual (the client's deadlines use CLOCK_MONOTONIC): every look at the clock moves
 * it 1 ms, an empty read its whole timeout, a sleep its length. So every wait in the client
 * ends after a bounded number of steps, and none takes real time. */
int clock_gettime(clockid_t id, struct timespec *ts)
{
    if (id != CLOCK_MONOTONIC)
        return (int)syscall(SYS_clock_gettime, id, ts);
    virtual_ms++;
    ts->tv_sec = (time_t)(virtual_ms / 1000);
    ts->tv_nsec = (long)(virtual_ms % 1000) * 1000000L;
    return 0;
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    (void)rem;
    virtual_ms += (uint64_t)req->tv_sec * 1000 + (uint64_t)req->tv_nsec / 1000000;
    return 0;
}
