/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz_stub.c - libFuzzer harness for the stub's own side of the protocol, built for the host
 * (stub.c, stream.c, inflate.c, crc32.c over stub_host_chip.c): frame decoding, requests, the
 * compressed stream with its sequence numbers, NAKs and inflater. Any input must end with the
 * stub waiting for more or leaving through Go/reset, never reading or writing out of bounds.
 * Input: records (fuzz_records.h), what the host sends. The stub trusts the host with
 * addresses (our host sends only the chip's flash), so addresses in READ, CRCS, ERASE and
 * ZBEGIN are folded into the host's flash buffer. Built by scripts/fuzz. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "crc32.h"
#include "fuzz_records.h"
#include "stub.h"
#include "stub_host.h"

#define RING_SIZE 4096u
#define RAM_SIZE (RING_SIZE + 0x800 + (1u << WINDOW_BITS))
#define MAX_PAYLOAD 1024u
#define WINDOW_BITS 12 /* the stub takes 9..15; small keeps each run quick */

static uint8_t *ram;          /* ring, frame buffer and window, below 4 GiB like the chip's RAM */
static uint8_t wire[1 << 18];

static uint32_t get32le(const uint8_t *p) { return (uint32_t)p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

static void put32le(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void setup(void)
{
    void *flash = mmap((void *)(uintptr_t)HOST_FLASH_BASE, HOST_FLASH_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    if (flash != (void *)(uintptr_t)HOST_FLASH_BASE || ram == MAP_FAILED) {
        fprintf(stderr, "fuzz_stub: cannot map the chip's memory below 4 GiB\n");
        abort();
    }
}

/* Addresses the stub would take on trust, folded into the host's flash. */
static void fold_addresses(uint8_t cmd, uint8_t *p, size_t n)
{
    if ((cmd == SFS_READ || cmd == SFS_ERASE || cmd == SFS_ZBEGIN || cmd == SFS_CRCS) && n >= 8) {
        uint32_t off = get32le(p) % HOST_FLASH_SIZE, len = get32le(p + 4);
        put32le(p, HOST_FLASH_BASE + off);
        if (cmd == SFS_CRCS) {
            uint32_t count = n >= 9 && p[8] ? p[8] : 1;
            len %= (HOST_FLASH_SIZE - off) / count + 1;
        } else if (!(cmd == SFS_ERASE && len == SFS_ERASE_ALL)) {
            len %= HOST_FLASH_SIZE - off + 1;
        }
        put32le(p + 4, len);
    }
}

static uint32_t stub_crc(const uint8_t *data, size_t len) { return sfs_crc32(0, data, (unsigned int)len); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ram)
        setup();
    memset((void *)(uintptr_t)HOST_FLASH_BASE, 0xFF, HOST_FLASH_SIZE);
    memset(ram, 0, RAM_SIZE);
    host.in = wire;
    host.in_len = fuzz_records(data, size, wire, sizeof wire, stub_crc, fold_addresses, 1);
    host.in_pos = 0;
    uint32_t base = (uint32_t)(uintptr_t)ram;
    params.ring = base;
    params.ring_size = RING_SIZE;
    params.frame = base + RING_SIZE;
    params.max_payload = MAX_PAYLOAD;
    params.window = base + RING_SIZE + 0x800;
    params.window_bits = WINDOW_BITS;
    params.page_size = HOST_PAGE;
    params.bank2_base = 0;
    stub_host_reset();
    stream_host_reset();
    if (setjmp(host.out) == 0)
        stub_main(); /* returns here by longjmp: input used up, Go or reset */
    return 0;
}
