/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_stub.c - the real stub binary, loaded through the ROM bootloader (Write Memory + Go)
 * and run by the virtual STM32's CPU: greeting, framed requests, CRC32 computed on the device. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "board_host.h"
#include "crc32.h"
#include "inflate.h"
#include "protocol.h"
#include "sim_part.h"
#include "stub_image.h"

static void le32_put(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t le32_get(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A frame as the host puts it on the line: every byte after SOF that is 0x7F or SFS_ESC is sent
 * as SFS_ESC, byte ^ SFS_ESC_XOR (protocol.h). */
static void send_frame(sim_board *b, uint8_t seq, uint8_t cmd, const uint8_t *payload, size_t len, bool break_crc)
{
    uint8_t f[SFS_HEADER + SFS_MAX_PAYLOAD + SFS_TRAILER] = {SFS_SOF, (uint8_t)len, (uint8_t)(len >> 8), seq, cmd};
    uint8_t w[2 * sizeof f] = {SFS_SOF};
    assert_true(len <= SFS_MAX_PAYLOAD);
    if (len)
        memcpy(f + SFS_HEADER, payload, len);
    uint32_t crc = (uint32_t)crc32(0, f + 1, (uInt)(SFS_HEADER - 1 + len));
    le32_put(f + SFS_HEADER + len, crc ^ (break_crc ? 1u : 0u));
    size_t n = 1;
    for (size_t i = 1; i < SFS_HEADER + len + SFS_TRAILER; i++) {
        if (f[i] == 0x7F || f[i] == SFS_ESC) {
            w[n++] = SFS_ESC;
            w[n++] = f[i] ^ SFS_ESC_XOR;
        } else {
            w[n++] = f[i];
        }
    }
    bh_send(b, w, n);
}

/* How long a reply may take to start: the stub checks a 128 KiB sector for blank word by word
 * before erasing it, slow when the emulator runs under a sanitizer on a busy machine. */
#define REPLY_WAIT_MS 10000

/* Read one frame; check its CRC; return the payload length. */
static size_t recv_frame(sim_board *b, uint8_t *seq, uint8_t *cmd, uint8_t *payload, size_t cap)
{
    uint8_t h[SFS_HEADER];
    int c;
    while ((c = bh_byte(b, REPLY_WAIT_MS)) != SFS_SOF)
        if (c < 0)
            fail_msg("no frame from the stub");
    h[0] = SFS_SOF;
    for (int i = 1; i < SFS_HEADER; i++) {
        c = bh_byte(b, REPLY_WAIT_MS);
        assert_true(c >= 0);
        h[i] = (uint8_t)c;
    }
    size_t len = h[1] | (size_t)h[2] << 8;
    assert_true(len <= cap);
    uint8_t t[4];
    for (size_t i = 0; i < len + 4; i++) {
        c = bh_byte(b, REPLY_WAIT_MS);
        assert_true(c >= 0);
        if (i < len)
            payload[i] = (uint8_t)c;
        else
            t[i - len] = (uint8_t)c;
    }
    uint32_t crc = (uint32_t)crc32(crc32(0, h + 1, SFS_HEADER - 1), payload, (uInt)len);
    assert_int_equal(le32_get(t), crc);
    *seq = h[3];
    *cmd = h[4];
    return len;
}

static void expect_hello(sim_board *b, uint32_t image_crc)
{
    uint8_t seq, cmd, pl[16];
    size_t n = recv_frame(b, &seq, &cmd, pl, sizeof pl);
    assert_int_equal(cmd, SFS_HELLO);
    assert_int_equal(seq, 0);
    assert_int_equal(n, 11);
    assert_memory_equal(pl, "SFST", 4);
    assert_int_equal(pl[4], SFS_VERSION);
    assert_int_equal(pl[5] | pl[6] << 8, SFS_MAX_PAYLOAD);
    assert_int_equal(le32_get(pl + 7), image_crc); /* what it found in RAM */
}

/* Load the stub through the ROM of a synchronised board, start it and take its greeting.
 * damage_at >= 0 flips a bit of that image byte after the parameters are set, as line noise
 * the ROM's XOR checksum lets through would. */
/* Where bank 2 starts on the dual-bank parts these tests use, 0 on the others. */
static uint32_t bank2_of(const char *part)
{
    return strcmp(part, "stm32f103rg") == 0 || strcmp(part, "stm32l476rg") == 0 ? 0x08080000
           : strcmp(part, "stm32g474re") == 0 || strcmp(part, "stm32g0b1re") == 0 ||
                     strcmp(part, "stm32l552ze") == 0                                 ? 0x08040000
           : strcmp(part, "stm32h743zi") == 0 || strcmp(part, "stm32f429zi") == 0 ||
                     strcmp(part, "stm32l4r5zi") == 0 || strcmp(part, "stm32u575zi") == 0 ? 0x08100000
                                                                                : 0;
}

/* The stub's USART parameters for USARTn of the part's family, as the host fills them in
 * (libflash/stub_client.c) from families/usarts.txt. */
static void set_usart(struct sfs_params *p, const sim_part *part, uint32_t load, unsigned n)
{
    const sfi_usart *u = sfi_usart_find(sim_part_family(part)->name, n);
    assert_non_null(u);
    p->usart = u->regs;
    p->uart_clock = u->clock;
    p->rx_dma = u->rx_dma;
    p->rx_dma_on = u->rx_dma_on;
    p->route = u->route ? u->route : load + SFS_PARAMS_OFFSET + (uint32_t)offsetof(struct sfs_params, route_value);
    p->route_value = u->route_value;
}

/* ring: where the receive ring goes (0: after the frame buffer); usart: the USART the stub is
 * told to talk on (1-3); greet: wait for its greeting there. */
static void start_stub_full(sim_board *b, int damage_at, uint32_t ring, unsigned usart, bool greet)
{
    const sim_part *part = sim_board_part(b);
    /* The stub of the part's family (families/families.txt), or the family's further build that
     * loads where the part's ROM leaves RAM free (the G0B1's g0b), as the host picks it. */
    const sfi_family *fam = sim_part_family(part);
    for (size_t i = 0; fam->stub_load < sim_part_bootloader_ram_start(part) && i < SFI_FAMILY_COUNT; i++)
        if (strcmp(sfi_families[i].name, fam->name) == 0 && sfi_families[i].stub_load >= sim_part_bootloader_ram_start(part))
            fam = &sfi_families[i];
    const sfs_stub *stub = &sfs_stubs[fam - sfi_families];
    const unsigned char *image = stub->image;
    size_t image_len = *stub->len;
    uint32_t load = stub->load;
    size_t len = (image_len + 3) & ~(size_t)3;
    uint8_t *img = calloc(1, len);
    memcpy(img, image, image_len);
    /* The F1 and F3 stubs run their USART from 64 MHz (BRR 556 gives 115108 baud, 0.1% from
     * 115200), the F4 and F7 stubs from 84 MHz, the L4 and G4 stubs from 80 MHz, the WB's from
     * 64 MHz (and the H7's), the G0's, L0's and L1's from 16 MHz (the F0's from 48 MHz; the F1
     * connectivity line's from 36 MHz; the F2's USART1 from 42, APB2 being halved there). Ring
     * and inflater window go right after it. */
    static const uint32_t clock[SFI_FAMILY_COUNT] = {
        [SFI_FAMILY_F1] = 64000000, [SFI_FAMILY_F0] = 48000000, [SFI_FAMILY_F3] = 64000000,
        [SFI_FAMILY_F4] = 84000000, [SFI_FAMILY_F7] = 84000000, [SFI_FAMILY_L4] = 80000000,
        [SFI_FAMILY_G4] = 80000000, [SFI_FAMILY_WB] = 64000000, [SFI_FAMILY_G0] = 16000000,
        [SFI_FAMILY_L0] = 16000000, [SFI_FAMILY_L1] = 16000000, [SFI_FAMILY_H7] = 64000000, [SFI_FAMILY_H7A] = 64000000,
        [SFI_FAMILY_F0S] = 48000000, [SFI_FAMILY_F1CL] = 36000000, [SFI_FAMILY_F2] = 42000000,
        [SFI_FAMILY_WL] = 48000000, [SFI_FAMILY_L4R] = 80000000, [SFI_FAMILY_L5] = 16000000,
        [SFI_FAMILY_U5] = 16000000,
    };
    struct sfs_params p;
    memcpy(&p, img + SFS_PARAMS_OFFSET, sizeof p);
    assert_int_equal(p.magic, SFS_PARAMS_MAGIC);
    set_usart(&p, part, load, usart);
    if (usart == 1)
        assert_int_equal(p.uart_clock, clock[part->family]);
    p.brr = (p.uart_clock + 57600) / 115200;
    p.frame = (p.image_end + 3) & ~3u;
    p.max_payload = SFS_MAX_PAYLOAD;
    p.ring = ring ? ring : p.frame + SFS_HEADER + SFS_MAX_PAYLOAD + SFS_TRAILER + 3;
    p.ring_size = 4096;
    p.window = (ring ? p.frame + SFS_HEADER + SFS_MAX_PAYLOAD + SFS_TRAILER + 3 : p.ring) + p.ring_size;
    p.window_bits = 12;
    if (sim_part_family(part)->inflate_stored) { /* the F030x8's 6 KiB: a smaller ring, no window */
        p.ring_size = 1024;
        p.window_bits = 0;
    }
    /* The layout the board's option bytes chose (the F767's nDBANK), as the host reads it. */
    const sim_part *layout = sim_board_layout(b);
    p.page_size = sim_part_page_size(layout);
    p.bank2_base = bank2_of(sim_part_name(part)) ? bank2_of(sim_part_name(part)) : sim_part_bank2_base(layout);
    memcpy(img + SFS_PARAMS_OFFSET, &p, sizeof p);
    uint32_t ram_top = load >= 0x24000000u ? 0x24080000u : 0x20000000u + sim_part_ram_size(part); /* H7: AXI */
    le32_put(img, load + 0x7800 < ram_top ? load + 0x7800 : ram_top); /* stack above the buffers */
    if (damage_at >= 0)
        img[damage_at] ^= 0x10;
    uint32_t crc = (uint32_t)crc32(0, img, (uInt)image_len);
    assert_int_equal(bh_write(b, load, img, len), 0);
    free(img);
    assert_int_equal(bh_command(b, 0x21), ACK);
    assert_int_equal(bh_address(b, load), ACK);
    if (greet)
        expect_hello(b, crc);
}

static void start_stub_damaged(sim_board *b, int damage_at) { start_stub_full(b, damage_at, 0, 1, true); }
static void start_stub(sim_board *b) { start_stub_full(b, -1, 0, 1, true); }
static void start_stub_ring_at(sim_board *b, uint32_t ring) { start_stub_full(b, -1, ring, 1, true); }

static void expect_filled(sim_board *b, uint32_t addr, size_t n, uint8_t value);

static void run_stub_session(const char *part)
{
    /* Known flash contents, written through the ROM before the stub starts. */
    uint8_t data[1024];
    for (int i = 0; i < 1024; i++)
        data[i] = (uint8_t)(i * 13 + 5);
    sim_board *b = bh_board(part);
    assert_int_equal(bh_sync(b), ACK);
    assert_int_equal(bh_write(b, 0x08000000, data, sizeof data), 0);
    start_stub(b);
    assert_true(sim_board_cpu_running(b));

    uint8_t seq, cmd, pl[64];
    /* 0x7F and SFS_ESC arrive stuffed, SOF inside a frame as it is. */
    send_frame(b, 0x7F, SFS_PING, (const uint8_t *)"p\x7Fi\x7Dn\xA5g\x5F!", 8, false);
    size_t n = recv_frame(b, &seq, &cmd, pl, sizeof pl);
    assert_int_equal(seq, 0x7F);
    assert_int_equal(cmd, SFS_PING | SFS_REPLY);
    assert_int_equal(n, 9);
    assert_int_equal(pl[0], SFS_OK);
    assert_memory_equal(pl + 1, "p\x7Fi\x7Dn\xA5g\x5F!", 8);

    /* A frame with a broken CRC is refused with its sequence number; garbage before a frame is
     * skipped. */
    send_frame(b, 8, SFS_PING, (const uint8_t *)"x", 1, true);
    n = recv_frame(b, &seq, &cmd, pl, sizeof pl);
    assert_int_equal(seq, 8);
    assert_int_equal(pl[0], SFS_EBADCRC);
    bh_send(b, (const uint8_t *)"\x00\x11\x22", 3);
    send_frame(b, 9, 0x33, NULL, 0, false);
    n = recv_frame(b, &seq, &cmd, pl, sizeof pl);
    assert_int_equal(seq, 9);
    assert_int_equal(pl[0], SFS_EUNKNOWN);

    /* CRC32 on the device equals zlib's over the same bytes: programmed flash, erased flash. */
    uint8_t req[9] = {0};
    le32_put(req, 0x08000000);
    le32_put(req + 4, sizeof data);
    req[8] = 1;
    send_frame(b, 10, SFS_CRCS, req, 9, false);
    n = recv_frame(b, &seq, &cmd, pl, sizeof pl);
    assert_int_equal(n, 5);
    assert_int_equal(pl[0], SFS_OK);
    assert_int_equal(le32_get(pl + 1), (uint32_t)crc32(0, data, sizeof data));
    le32_put(req, 0x08000400);
    le32_put(req + 4, 2048);
    send_frame(b, 11, SFS_CRCS, req, 9, false);
    recv_frame(b, &seq, &cmd, pl, sizeof pl);
    uint8_t erased[2048];
    memset(erased, sim_part_erased_value(sim_board_part(b)), sizeof erased);
    assert_int_equal(le32_get(pl + 1), (uint32_t)crc32(0, erased, sizeof erased));
    send_frame(b, 12, SFS_CRCS, req, 7, false);
    recv_frame(b, &seq, &cmd, pl, sizeof pl);
    assert_int_equal(pl[0], SFS_EARG);
    sim_board_free(b);
}

/* A request and its reply; returns the reply's payload length. */
static size_t call(sim_board *b, uint8_t seq, uint8_t cmd, const uint8_t *req, size_t len, uint8_t *rep, size_t cap)
{
    uint8_t rseq, rcmd;
    send_frame(b, seq, cmd, req, len, false);
    size_t n = recv_frame(b, &rseq, &rcmd, rep, cap);
    assert_int_equal(rseq, seq);
    assert_int_equal(rcmd, cmd | SFS_REPLY);
    return n;
}

/* ERASE of [addr, addr + len): the reply's length, the reply in rep (16 bytes). */
static size_t erase_req(sim_board *b, uint8_t seq, uint32_t addr, uint32_t len, uint8_t *rep)
{
    uint8_t req[8];
    le32_put(req, addr);
    le32_put(req + 4, len);
    return call(b, seq, SFS_ERASE, req, 8, rep, 16);
}

/* ERASE that must succeed. */
static void erase_ok(sim_board *b, uint8_t seq, uint32_t addr, uint32_t len)
{
    uint8_t rep[16];
    assert_int_equal(erase_req(b, seq, addr, len, rep), 1);
    assert_int_equal(rep[0], SFS_OK);
}

/* A system reset, then wait until the board has gone through it (its ROM hears bytes again). */
static void reset_and_wait(sim_board *b)
{
    unsigned r = sim_board_reset_count(b);
    sim_board_reset(b);
    for (int i = 0; i < 200 && sim_board_reset_count(b) == r; i++)
        bh_byte(b, 5);
}

static uint8_t *deflate_cut(const uint8_t *data, size_t len, size_t cut, size_t *zlen, size_t *cut_at);
static size_t stream(sim_board *b, uint32_t addr, uint32_t len, bool erase, const uint8_t *z, size_t zlen,
                     uint8_t *zend);

/* Program bytes through a compressed stream without erasing; returns the ZEND status. */
static uint8_t program(sim_board *b, uint32_t addr, const uint8_t *d, size_t n, uint8_t *zend)
{
    size_t zlen, cut;
    uint8_t *z = deflate_cut(d, n, n, &zlen, &cut);
    assert_int_equal(stream(b, addr, (uint32_t)n, false, z, zlen, zend), 13);
    free(z);
    return zend[0];
}

static void erase_write_session(const char *part, uint32_t far_page)
{
    uint8_t data[1024];
    memset(data, 0x00, sizeof data);
    sim_board *b = bh_board(part);
    assert_int_equal(bh_sync(b), ACK);
    assert_int_equal(bh_write(b, 0x08000000, data, sizeof data), 0); /* page 0 programmed */
    start_stub(b);

    uint8_t req[9], rep[16], back[64], d[64], zend[64];
    erase_ok(b, 1, 0x08000000, 1);
    expect_filled(b, 0x08000000, 64, 0xFF);

    for (int i = 0; i < 64; i++)
        d[i] = (uint8_t)(i * 3 + 1);
    assert_int_equal(program(b, 0x08000010, d, 64, zend), SFS_OK);
    sim_board_peek(b, 0x08000010, back, 64);
    assert_memory_equal(back, d, 64);

    /* The same cells again with other bits: the controller refuses (PGERR), the stub says where. */
    for (int i = 0; i < 64; i++)
        d[i] ^= 0x5A;
    assert_int_equal(program(b, 0x08000010, d, 64, zend), SFS_EFLASH);
    assert_int_equal(le32_get(zend + 1), 0x08000010);
    assert_int_equal(le32_get(zend + 5) & 0x04, 0x04);

    /* Odd address, or an erasing stream not at a page start: refused before touching flash. */
    le32_put(req, 0x08000101);
    le32_put(req + 4, 2);
    req[8] = 0;
    assert_int_equal(call(b, 4, SFS_ZBEGIN, req, 9, rep, sizeof rep), 1);
    assert_int_equal(rep[0], SFS_EARG);
    le32_put(req, 0x08000100);
    req[8] = SFS_ZFLAG_ERASE;
    assert_int_equal(call(b, 5, SFS_ZBEGIN, req, 9, rep, sizeof rep), 1);
    assert_int_equal(rep[0], SFS_EARG);

    /* Far page (bank 2 on XL: its own controller). */
    erase_ok(b, 6, far_page, 2048);
    for (int i = 0; i < 64; i++)
        d[i] = (uint8_t)(200 - i);
    assert_int_equal(program(b, far_page, d, 64, zend), SFS_OK);
    sim_board_peek(b, far_page, back, 64);
    assert_memory_equal(back, d, 64);

    /* Mass erase: both banks. */
    erase_ok(b, 7, 0x08000000, SFS_ERASE_ALL);
    expect_filled(b, far_page, 64, 0xFF);
    sim_board_free(b);
}

static void test_erase_write_hd(void **state)
{
    (void)state;
    erase_write_session("stm32f103re", 0x0807F800);
}

static void test_erase_write_xl_bank2(void **state)
{
    (void)state;
    erase_write_session("stm32f103rg", 0x08080000);
}

static void test_write_protected_page_reported(void **state)
{
    (void)state;
    sim_board *b = bh_board("stm32f103re");
    uint8_t wrp[2] = {0xFE, 0x01}; /* WRP0 bit 0: pages 0-1 */
    assert_int_equal(sim_board_poke(b, 0x1FFFF808, wrp, 2), 0);
    reset_and_wait(b);
    assert_int_equal(bh_sync(b), ACK);
    start_stub(b);
    uint8_t rep[16];
    assert_int_equal(erase_req(b, 1, 0x08000800, 4, rep), 9);
    assert_int_equal(rep[0], SFS_EFLASH);
    assert_int_equal(le32_get(rep + 1), 0x08000800);
    assert_int_equal(le32_get(rep + 5) & 0x10, 0x10); /* WRPRTERR */
    sim_board_free(b);
}

/* The n bytes of flash at addr all hold value. */
static void expect_filled(sim_board *b, uint32_t addr, size_t n, uint8_t value)
{
    uint8_t back[256];
    assert_true(n <= sizeof back);
    assert_int_equal(sim_board_peek(b, addr, back, n), 0);
    for (size_t i = 0; i < n; i++)
        if (back[i] != value)
            fail_msg("0x%08zx holds 0x%02x, expected 0x%02x", (size_t)addr + i, back[i], value);
}

/* Raw deflate of data with the stub's window, cut after the first `cut` input bytes at a byte
 * boundary (a full flush); *cut_at gets the compressed length up to there. */
static uint8_t *deflate_cut(const uint8_t *data, size_t len, size_t cut, size_t *zlen, size_t *cut_at)
{
    z_stream z = {0};
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, -12, 9, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, len) + 64;
    uint8_t *out = malloc(cap);
    z.next_out = out;
    z.avail_out = (uInt)cap;
    z.next_in = (Bytef *)(uintptr_t)data;
    z.avail_in = (uInt)cut;
    assert_int_equal(deflate(&z, Z_FULL_FLUSH), Z_OK);
    *cut_at = z.total_out;
    z.avail_in = (uInt)(len - cut);
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *zlen = z.total_out;
    deflateEnd(&z);
    return out;
}

/* ZBEGIN, the stream in frames of up to 1000 bytes (stop-and-wait), then the ZEND payload. */
static size_t stream(sim_board *b, uint32_t addr, uint32_t len, bool erase, const uint8_t *z, size_t zlen,
                     uint8_t *zend)
{
    uint8_t req[9], rep[SFS_MAX_PAYLOAD], seq, cmd;
    le32_put(req, addr);
    le32_put(req + 4, len);
    req[8] = erase ? SFS_ZFLAG_ERASE : 0;
    assert_int_equal(call(b, 20, SFS_ZBEGIN, req, 9, rep, sizeof rep), 1);
    assert_int_equal(rep[0], SFS_OK);
    uint8_t next = 21;
    for (size_t off = 0; off < zlen; off += 1000, next++) {
        size_t k = zlen - off < 1000 ? zlen - off : 1000;
        send_frame(b, next, SFS_ZDATA, z + off, k, false);
        size_t n = recv_frame(b, &seq, &cmd, rep, sizeof rep);
        if (cmd == SFS_ZEND) { /* the stream stopped early */
            memcpy(zend, rep, n);
            return n;
        }
        assert_int_equal(cmd, SFS_ZDATA | SFS_REPLY);
        assert_int_equal(seq, next);
        assert_int_equal(rep[0], SFS_OK);
    }
    size_t n = recv_frame(b, &seq, &cmd, zend, SFS_MAX_PAYLOAD);
    assert_int_equal(cmd, SFS_ZEND);
    return n;
}

static uint8_t *text_like(size_t n)
{
    uint8_t *d = malloc(n);
    for (size_t i = 0; i < n; i++)
        d[i] = (uint8_t)("stubflash writes pages; "[i % 24] + (i / 1000));
    return d;
}

static void test_stream_writes_and_checks(void **state)
{
    (void)state;
    sim_board *b = bh_board("stm32f103re");
    assert_int_equal(bh_sync(b), ACK);
    start_stub(b);
    size_t n = 6144, zlen, cut;
    uint8_t *d = text_like(n), zend[64];
    uint8_t *z = deflate_cut(d, n, 2048, &zlen, &cut);
    assert_int_equal(stream(b, 0x08002000, (uint32_t)n, true, z, zlen, zend), 13);
    assert_int_equal(zend[0], SFS_OK);
    assert_int_equal(le32_get(zend + 1), 0x08002000 + n);
    assert_int_equal(le32_get(zend + 9), (uint32_t)crc32(0, d, (uInt)n));
    uint8_t *back = malloc(n);
    sim_board_peek(b, 0x08002000, back, n);
    assert_memory_equal(back, d, n);
    /* A ZEND lost on the line: the host sends its last frame again and gets the same end. */
    uint8_t again[64], seq, cmd;
    send_frame(b, 21, SFS_ZDATA, z, 8, false);
    assert_int_equal(recv_frame(b, &seq, &cmd, again, sizeof again), 13);
    assert_int_equal(cmd, SFS_ZEND);
    assert_memory_equal(again, zend, 13);
    free(back);
    free(z);
    free(d);
    sim_board_free(b);
}

/* A ZBEGIN whose answer came late is sent again before any data. The stub ends the stream the
 * first one opened (SFS_EABORT, with the ZBEGIN's sequence and nothing written), answers the
 * repeat and opens the same stream again: the data that follows is taken (the host ignores that
 * end, stub_stream.c). */
static void test_repeated_begin_reopens_the_stream(void **state)
{
    (void)state;
    sim_board *b = bh_board("stm32f103re");
    assert_int_equal(bh_sync(b), ACK);
    start_stub(b);
    size_t n = 2048, zlen, cut;
    uint8_t *d = text_like(n), req[9], rep[SFS_MAX_PAYLOAD], seq, cmd;
    uint8_t *z = deflate_cut(d, n, n, &zlen, &cut);
    assert_true(zlen < 1000);
    le32_put(req, 0x08003000);
    le32_put(req + 4, (uint32_t)n);
    req[8] = SFS_ZFLAG_ERASE;
    assert_int_equal(call(b, 30, SFS_ZBEGIN, req, 9, rep, sizeof rep), 1);
    assert_int_equal(rep[0], SFS_OK);
    send_frame(b, 30, SFS_ZBEGIN, req, 9, false);
    assert_int_equal(recv_frame(b, &seq, &cmd, rep, sizeof rep), 13);
    assert_int_equal(cmd, SFS_ZEND);
    assert_int_equal(seq, 30);
    assert_int_equal(rep[0], SFS_EABORT);
    assert_int_equal(le32_get(rep + 1), 0x08003000);
    assert_int_equal(recv_frame(b, &seq, &cmd, rep, sizeof rep), 1);
    assert_int_equal(cmd, SFS_ZBEGIN | SFS_REPLY);
    assert_int_equal(seq, 30);
    assert_int_equal(rep[0], SFS_OK);
    send_frame(b, 31, SFS_ZDATA, z, zlen, false);
    assert_int_equal(recv_frame(b, &seq, &cmd, rep, sizeof rep), 1);
    assert_int_equal(cmd, SFS_ZDATA | SFS_REPLY);
    assert_int_equal(rep[0], SFS_OK);
    assert_int_equal(recv_frame(b, &seq, &cmd, rep, sizeof rep), 13);
    assert_int_equal(cmd, SFS_ZEND);
    assert_int_equal(rep[0], SFS_OK);
    assert_int_equal(le32_get(rep + 9), (uint32_t)crc32(0, d, (uInt)n));
    uint8_t *back = malloc(n);
    sim_board_peek(b, 0x08003000, back, n);
    assert_memory_equal(back, d, n);
    free(back);
    free(z);
    free(d);
    sim_board_free(b);
}

/* The F030x8's stub (families.txt: f0s) takes stored blocks, which need neither Huffman tables
 * nor a window, so it fits the 6 KiB its bootloader leaves; a compressed block it refuses as
 * invalid (SFS_INFLATE_EBLOCK) and writes nothing. */
static void test_f030_stub_takes_stored_blocks_only(void **state)
{
    (void)state;
    sim_board *b = bh_board("stm32f030r8");
    assert_int_equal(bh_sync(b), ACK);
    start_stub(b);
    size_t n = 3072, zlen;
    uint8_t *d = text_like(n), zend[64];
    z_stream z = {0};
    assert_int_equal(deflateInit2(&z, 0, Z_DEFLATED, -9, 9, Z_DEFAULT_STRATEGY), Z_OK);
    uint8_t *stored = malloc(deflateBound(&z, n) + 64);
    z.next_in = d;
    z.avail_in = (uInt)n;
    z.next_out = stored;
    z.avail_out = (uInt)(deflateBound(&z, n) + 64);
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    zlen = z.total_out;
    deflateEnd(&z);
    assert_true(zlen > n); /* not compressed */
    assert_int_equal(stream(b, 0x08004000, (uint32_t)n, true, stored, zlen, zend), 13);
    assert_int_equal(zend[0], SFS_OK);
    assert_int_equal(le32_get(zend + 9), (uint32_t)crc32(0, d, (uInt)n));
    uint8_t *back = malloc(n);
    sim_board_peek(b, 0x08004000, back, n);
    assert_memory_equal(back, d, n);

    size_t cut;
    uint8_t *packed = deflate_cut(d, n, n, &zlen, &cut);
    assert_int_equal(stream(b, 0x08008000, (uint32_t)n, true, packed, zlen, zend), 13);
    assert_int_equal(zend[0], SFS_EINFLATE);
    assert_int_equal(le32_get(zend + 5), (uint32_t)-SFS_INFLATE_EBLOCK);
    assert_int_equal(le32_get(zend + 1), 0x08008000); /* nothing written */
    expect_filled(b, 0x08008000, 64, 0xFF);
    free(packed);
    free(back);
    free(stored);
    free(d);
    sim_board_free(b);
}

static void test_corrupt_stream_stops_where_it_breaks(void **state)
{
    (void)state;
    sim_board *b = bh_board("stm32f103re");
    assert_int_equal(bh_sync(b), ACK);
    start_stub(b);
    /* Valid frames carrying a broken deflate stream: after the first 3000 bytes' flush point,
     * the next block header says type 3, which does not exist. */
    size_t n = 8192, zlen, cut;
    uint8_t *d = text_like(n), zend[64];
    uint8_t *z = deflate_cut(d, n, 3000, &zlen, &cut);
    z[cut] = 0x06; /* BFINAL 0, BTYPE 11 */
    size_t got = stream(b, 0x08004000, (uint32_t)n, true, z, zlen, zend);
    assert_int_equal(got, 13);
    assert_int_equal(zend[0], SFS_EINFLATE);
    assert_int_equal(le32_get(zend + 1), 0x08004000 + 3000); /* where the output stopped */
    uint8_t *back = malloc(n);
    sim_board_peek(b, 0x08004000, back, n);
    assert_memory_equal(back, d, 3000);
    for (size_t i = 3000; i < n; i++) /* nothing written past it */
        assert_int_equal(back[i], 0xFF);
    /* The stub is still there and answers. */
    uint8_t rep[16];
    assert_int_equal(call(b, 60, SFS_PING, (const uint8_t *)"ok", 2, rep, sizeof rep), 3);
    free(back);
    free(z);
    free(d);
    sim_board_free(b);
}

static void test_unprogrammable_cell_stops_the_stream(void **state)
{
    (void)state;
    sim_board *b = bh_board("stm32f103re");
    assert_int_equal(bh_sync(b), ACK);
    /* A programmed word in the middle of the range; the stream asks not to erase. */
    static const uint8_t word[4] = {0x12, 0x34, 0x56, 0x78};
    assert_int_equal(bh_write(b, 0x08006400, word, 4), 0);
    start_stub(b);
    size_t n = 4096, zlen, cut;
    uint8_t *d = text_like(n), zend[64];
    uint8_t *z = deflate_cut(d, n, 1024, &zlen, &cut);
    assert_int_equal(stream(b, 0x08006000, (uint32_t)n, false, z, zlen, zend), 13);
    assert_int_equal(zend[0], SFS_EFLASH);
    assert_int_equal(le32_get(zend + 1), 0x08006400);
    assert_int_equal(le32_get(zend + 5) & 0x04, 0x04); /* PGERR */
    uint8_t *back = malloc(n);
    sim_board_peek(b, 0x08006000, back, n);
    assert_memory_equal(back, d, 0x400);
    assert_memory_equal(back + 0x400, word, 4);
    for (size_t i = 0x404; i < n; i++)
        assert_int_equal(back[i], 0xFF);
    free(back);
    free(z);
    free(d);
    sim_board_free(b);
}

/* F2/F4 driver (stub/flash_f4.c): sectors of mixed sizes, 32-bit words, and the errors a real
 * F4 gives: a word that needs a 0 to become 1 (no flag: the stub reads it back), a protected
 * sector (WRPERR); misaligned requests are refused before flash is touched. */
static void erase_write_f4_on(sim_board *b, uint32_t far_sector);
static void erase_write_f4(const char *part, uint32_t far_sector) { erase_write_f4_on(bh_board(part), far_sector); }

static void erase_write_f4_on(sim_board *b, uint32_t far_sector)
{
    /* Sectors: four of s (16 KiB on F4, 32 KiB on F7), one of 4s, then 8s. */
    const uint32_t s = sim_part_page_size(sim_board_layout(b)), s1 = 0x08000000 + s, s4 = 0x08000000 + 4 * s,
                   s5 = 0x08000000 + 8 * s, last = far_sector + 8 * s;
    assert_int_equal(bh_sync(b), ACK);
    /* Through the ROM: sector 1's start, sector 3's end, the starts of sectors 4 and 5 and the
     * end of 5, the end of the sector before the last and of the last. */
    static const uint8_t zeros[256] = {0};
    const uint32_t marks[] = {s1, s4 - 256, s4, s5, s5 + 8 * s - 256, far_sector - 256, last - 256};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        assert_int_equal(bh_write(b, marks[i], zeros, sizeof zeros), 0);
    start_stub(b);
    uint8_t req[9], rep[16], back[64], d[64], zend[64];

    /* An erase of 4 bytes in sector 1 erases all of sector 1 and nothing else. */
    sim_stats before, after;
    sim_board_stats(b, &before);
    erase_ok(b, 1, s1 + 0x10, 4);
    sim_board_stats(b, &after);
    assert_int_equal(after.pages_erased - before.pages_erased, 1);
    expect_filled(b, s1, 64, 0xFF);

    for (int i = 0; i < 64; i++)
        d[i] = (uint8_t)(i * 3 + 1);
    assert_int_equal(program(b, s1 + 0x20, d, 64, zend), SFS_OK);
    sim_board_peek(b, s1 + 0x20, back, 64);
    assert_memory_equal(back, d, 64);

    /* The same words again with other bits: nothing changes, and the stub says where. */
    for (int i = 0; i < 64; i++)
        d[i] ^= 0x5A;
    assert_int_equal(program(b, s1 + 0x20, d, 64, zend), SFS_EFLASH);
    assert_int_equal(le32_get(zend + 1), s1 + 0x20);
    assert_int_equal(le32_get(zend + 5), SFS_SR_MISMATCH);

    /* Not word-aligned, or an erasing stream not at a sector start (inside sector 1): refused
     * before flash is touched. */
    le32_put(req, s1 + s + 2);
    le32_put(req + 4, 4);
    req[8] = 0;
    assert_int_equal(call(b, 4, SFS_ZBEGIN, req, 9, rep, sizeof rep), 1);
    assert_int_equal(rep[0], SFS_EARG);
    le32_put(req, s1 + 0x800);
    req[8] = SFS_ZFLAG_ERASE;
    assert_int_equal(call(b, 5, SFS_ZBEGIN, req, 9, rep, sizeof rep), 1);
    assert_int_equal(rep[0], SFS_EARG);

    /* An erasing stream over sector 4 (4s) and into sector 5 (8s): both are erased whole as the
     * stream reaches them, sector 3 is not touched. */
    size_t n = 4 * s + 4096, zlen, cut;
    uint8_t *t = text_like(n);
    uint8_t *z = deflate_cut(t, n, n, &zlen, &cut);
    sim_board_stats(b, &before);
    assert_int_equal(stream(b, s4, (uint32_t)n, true, z, zlen, zend), 13);
    sim_board_stats(b, &after);
    assert_int_equal(zend[0], SFS_OK);
    assert_int_equal(le32_get(zend + 9), (uint32_t)crc32(0, t, (uInt)n));
    assert_int_equal(after.pages_erased - before.pages_erased, 2);
    uint8_t *big = malloc(n);
    sim_board_peek(b, s4, big, n);
    assert_memory_equal(big, t, n);
    free(big);
    sim_board_peek(b, s4 - 256, back, 64);
    assert_memory_equal(back, zeros, 64);
    expect_filled(b, s5 + 8 * s - 256, 64, 0xFF);
    free(z);
    free(t);

    /* The last sector, then a mass erase. */
    erase_ok(b, 6, far_sector, 1);
    sim_board_peek(b, far_sector - 64, back, 64);
    assert_memory_equal(back, zeros, 64);
    for (int i = 0; i < 64; i++)
        d[i] = (uint8_t)(200 - i);
    assert_int_equal(program(b, last - 64, d, 64, zend), SFS_OK);
    sim_board_peek(b, last - 64, back, 64);
    assert_memory_equal(back, d, 64);
    erase_ok(b, 7, 0x08000000, SFS_ERASE_ALL);
    expect_filled(b, last - 64, 64, 0xFF);
    sim_board_free(b);
}

static void test_erase_write_f401(void **state)
{
    (void)state;
    erase_write_f4("stm32f401re", 0x08060000);
}

static void test_erase_write_f407(void **state)
{
    (void)state;
    erase_write_f4("stm32f407vg", 0x080E0000);
}

/* The F429's bank 2: its last sector is SNB 0x1B (sector 23), and the mass erase takes MER1 too;
 * numbered on as in one bank (23), the simulated controller would erase sector 19. */
static void test_erase_write_f429(void **state)
{
    (void)state;
    erase_write_f4("stm32f429zi", 0x081E0000);
}

static void test_stub_f429(void **state)
{
    (void)state;
    run_stub_session("stm32f429zi");
}

/* The H723: the H7 stub on one bank of the H74x's controller, in its smaller AXI SRAM. */
static void test_stub_h723(void **state)
{
    (void)state;
    run_stub_session("stm32h723zg");
}

static void test_erase_write_f746(void **state)
{
    (void)state;
    erase_write_f4("stm32f746ng", 0x080C0000);
}

/* The F767 (0x451) in one bank (nDBANK = 1, the factory value): sectors 4 x 32, 128, 7 x 256
 * KiB, the last (11) at 0x081C0000. */
static void test_erase_write_f767(void **state)
{
    (void)state;
    erase_write_f4("stm32f767zi", 0x081C0000);
}

/* The F767 started with nDBANK = 0 (FLASH_OPTCR bit 29, the option byte at 0x1FFF0009 bit 5:
 * RM0410 3.4): two banks of 4 x 16, 64, 7 x 128 KiB; bank 2's last sector (23) at 0x081E0000
 * is SNB 0x1B, and the mass erase takes MER2 (bit 15) for bank 2. Coded as one bank (23), the
 * simulated controller refuses the sector (OPERR); read as one bank, the sectors are wrong. */
static void test_erase_write_f767_two_banks(void **state)
{
    (void)state;
    sim_options opt = {.realtime = false, .boot0 = true};
    sim_board *b = sim_board_new(sim_part_find("stm32f767zi"), &opt, NULL);
    assert_non_null(b);
    bh_f7_two_banks(b);
    assert_int_equal(sim_board_start(b), 0);
    for (int i = 0; i < 200 && !sim_part_bank2_base(sim_board_layout(b)); i++) /* its first reset */
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    assert_int_equal(sim_part_bank2_base(sim_board_layout(b)), 0x08100000);
    erase_write_f4_on(b, 0x081E0000);
}

static void test_stub_f767(void **state)
{
    (void)state;
    run_stub_session("stm32f767zi");
}

/* L4/G4/WB/G0 driver (stub/flash_l4.c): pages in two banks (PNB within the bank, BKER), double
 * words, and the errors a real chip gives: a double word that is not erased (PROGERR, bit 3);
 * misaligned requests are refused before flash is touched. */
static void erase_write_l4(const char *part)
{
    sim_board *b = bh_board(part);
    /* The second region: bank 2's first page, or page 32 on a single-bank part. */
    const uint32_t ps = sim_part_page_size(sim_board_part(b)), page1 = 0x08000000 + ps;
    const uint32_t bank2 = bank2_of(part) ? bank2_of(part) : 0x08000000 + 32 * ps;
    assert_int_equal(bh_sync(b), ACK);
    static const uint8_t zeros[256] = {0};
    const uint32_t marks[] = {page1 - 256, page1, page1 + ps, bank2 - 256, bank2, bank2 + ps};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        assert_int_equal(bh_write(b, marks[i], zeros, sizeof zeros), 0);
    start_stub(b);
    uint8_t req[9], rep[16], back[64], d[64], zend[64];

    /* Page 1 and bank 2's first page: each erased alone, the pages around them kept. */
    const uint32_t pages[] = {page1, bank2};
    for (int i = 0; i < 2; i++) {
        sim_stats before, after;
        sim_board_stats(b, &before);
        erase_ok(b, (uint8_t)(1 + i), pages[i] + 0x10, 4);
        sim_board_stats(b, &after);
        assert_int_equal(after.pages_erased - before.pages_erased, 1);
        expect_filled(b, pages[i], 64, 0xFF);
        sim_board_peek(b, pages[i] - 256, back, 64);
        assert_memory_equal(back, zeros, 64);
        sim_board_peek(b, pages[i] + ps, back, 64);
        assert_memory_equal(back, zeros, 64);
    }

    for (int i = 0; i < 64; i++)
        d[i] = (uint8_t)(i * 5 + 3);
    assert_int_equal(program(b, bank2 + 0x40, d, 64, zend), SFS_OK);
    sim_board_peek(b, bank2 + 0x40, back, 64);
    assert_memory_equal(back, d, 64);
    /* Again with other bits: PROGERR, nothing changes, the stub says where. */
    for (int i = 0; i < 64; i++)
        d[i] ^= 0x0F;
    assert_int_equal(program(b, bank2 + 0x40, d, 64, zend), SFS_EFLASH);
    assert_int_equal(le32_get(zend + 1), bank2 + 0x40);
    assert_int_equal(le32_get(zend + 5), 0x08); /* PROGERR */
    sim_board_peek(b, bank2 + 0x40, back, 64);
    for (int i = 0; i < 64; i++)
        assert_int_equal(back[i], (uint8_t)(d[i] ^ 0x0F));

    /* Not 8-aligned, or an erasing stream not at a page start: refused. */
    le32_put(req, page1 + 4);
    le32_put(req + 4, 8);
    req[8] = 0;
    assert_int_equal(call(b, 4, SFS_ZBEGIN, req, 9, rep, sizeof rep), 1);
    assert_int_equal(rep[0], SFS_EARG);
    le32_put(req, page1 + 8);
    req[8] = SFS_ZFLAG_ERASE;
    assert_int_equal(call(b, 5, SFS_ZBEGIN, req, 9, rep, sizeof rep), 1);
    assert_int_equal(rep[0], SFS_EARG);

    /* Mass erase: both banks. */
    erase_ok(b, 7, 0x08000000, SFS_ERASE_ALL);
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        expect_filled(b, marks[i], 64, 0xFF);
    }
    sim_board_free(b);
}

static void test_erase_write_l476(void **state)
{
    (void)state;
    erase_write_l4("stm32l476rg");
}

static void test_erase_write_g474(void **state)
{
    (void)state;
    erase_write_l4("stm32g474re");
}

/* F3: the F1's flash controller and the newer USART (stub-f3). */
static void test_stub_f3(void **state)
{
    (void)state;
    run_stub_session("stm32f303vc");
}

static void test_erase_write_f303(void **state)
{
    (void)state;
    erase_write_session("stm32f303vc", 0x0803F800);
}

static void test_erase_write_wb55(void **state)
{
    (void)state;
    erase_write_l4("stm32wb55rg");
}

static void test_erase_write_g071(void **state)
{
    (void)state;
    erase_write_l4("stm32g071rb");
}

static void test_stub_g0(void **state)
{
    (void)state;
    run_stub_session("stm32g071rb");
}

static void test_stub_wb(void **state)
{
    (void)state;
    run_stub_session("stm32wb55rg");
}

static void test_stub_l4(void **state)
{
    (void)state;
    run_stub_session("stm32l432kc");
}

/* L0/L1 driver (stub/flash_l0.c): erased cells read 0, pages of 128/256 bytes erased by a store,
 * half-pages programmed at once; a half-page that is not erased: NOTZEROERR on the L0, a read
 * back that differs on the L1; no mass erase; misaligned streams refused. */
static void erase_write_l0(const char *part, uint32_t not_erased_sr)
{
    sim_board *b = bh_board(part);
    const uint32_t ps = sim_part_page_size(sim_board_part(b)), half = ps / 2, page1 = 0x08000000 + 8 * ps;
    assert_int_equal(bh_sync(b), ACK);
    uint8_t marks[64];
    memset(marks, 0xA5, sizeof marks);
    assert_int_equal(bh_write(b, page1 - 64, marks, 64), 0);
    assert_int_equal(bh_write(b, page1, marks, 64), 0);
    assert_int_equal(bh_write(b, page1 + ps, marks, 64), 0);
    start_stub(b);
    uint8_t req[9], rep[16], zend[64], d[128], back[128];

    sim_stats before, after;
    sim_board_stats(b, &before);
    erase_ok(b, 1, page1 + 0x10, 4);
    sim_board_stats(b, &after);
    assert_int_equal(after.pages_erased - before.pages_erased, 1);
    expect_filled(b, page1, 64, 0x00);
    expect_filled(b, page1 - 64, 64, 0xA5);
    expect_filled(b, page1 + ps, 64, 0xA5);

    for (unsigned i = 0; i < half; i++)
        d[i] = (uint8_t)(i * 7 + 1);
    assert_int_equal(program(b, page1 + half, d, half, zend), SFS_OK);
    sim_board_peek(b, page1 + half, back, half);
    assert_memory_equal(back, d, half);
    for (unsigned i = 0; i < half; i++)
        d[i] ^= 0x3C;
    assert_int_equal(program(b, page1 + half, d, half, zend), SFS_EFLASH);
    assert_int_equal(le32_get(zend + 1), page1 + half);
    assert_int_equal(le32_get(zend + 5), not_erased_sr);

    le32_put(req, page1 + 4);
    le32_put(req + 4, half);
    req[8] = 0;
    assert_int_equal(call(b, 4, SFS_ZBEGIN, req, 9, rep, sizeof rep), 1);
    assert_int_equal(rep[0], SFS_EARG);
    assert_int_equal(erase_req(b, 5, 0x08000000, SFS_ERASE_ALL, rep), 9);
    assert_int_equal(rep[0], SFS_EFLASH); /* no mass erase on these: the host erases pages */
    expect_filled(b, page1 - 64, 64, 0xA5);
    sim_board_free(b);
}

static void test_erase_write_l072(void **state)
{
    (void)state;
    erase_write_l0("stm32l072cz", 1u << 16); /* NOTZEROERR */
}

static void test_erase_write_l152(void **state)
{
    (void)state;
    erase_write_l0("stm32l152re", SFS_SR_MISMATCH);
}

static void test_stub_l0(void **state)
{
    (void)state;
    run_stub_session("stm32l072cz");
}

static void test_stub_l1(void **state)
{
    (void)state;
    run_stub_session("stm32l152re");
}

/* H7 driver (stub/flash_h7.c): 128 KiB sectors in two banks with a register set each, 256-bit
 * flash words; one that is not erased takes nothing (no flag: the stub reads it back). */
static void test_erase_write_h743(void **state)
{
    (void)state;
    sim_board *b = bh_board("stm32h743zi");
    const uint32_t s1 = 0x08020000, bank2 = 0x08100000;
    assert_int_equal(bh_sync(b), ACK);
    uint8_t marks[64], req[9], rep[16], zend[64], d[32], back[32];
    memset(marks, 0x5A, sizeof marks);
    const uint32_t at[] = {s1 - 64, s1, s1 + 0x20000, bank2, bank2 + 0x20000};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++)
        assert_int_equal(bh_write(b, at[i], marks, 64), 0);
    start_stub(b);
    /* Sector 1 of bank 1 and sector 0 of bank 2, each alone. */
    const uint32_t sectors[] = {s1, bank2};
    for (int i = 0; i < 2; i++) {
        erase_ok(b, (uint8_t)(1 + i), sectors[i] + 0x100, 4);
        expect_filled(b, sectors[i], 64, 0xFF);
        expect_filled(b, sectors[i] + 0x20000, 64, 0x5A);
    }
    expect_filled(b, s1 - 64, 64, 0x5A);
    for (int i = 0; i < 32; i++)
        d[i] = (uint8_t)(i * 9 + 2);
    assert_int_equal(program(b, bank2 + 0x40, d, 32, zend), SFS_OK);
    sim_board_peek(b, bank2 + 0x40, back, 32);
    assert_memory_equal(back, d, 32);
    d[5] ^= 0x21;
    assert_int_equal(program(b, bank2 + 0x40, d, 32, zend), SFS_EFLASH);
    assert_int_equal(le32_get(zend + 1), bank2 + 0x40);
    assert_int_equal(le32_get(zend + 5), SFS_SR_MISMATCH);
    le32_put(req, bank2 + 0x50); /* not on a flash word */
    le32_put(req + 4, 32);
    req[8] = 0;
    assert_int_equal(call(b, 4, SFS_ZBEGIN, req, 9, rep, sizeof rep), 1);
    assert_int_equal(rep[0], SFS_EARG);
    erase_ok(b, 5, 0x08000000, SFS_ERASE_ALL);
    expect_filled(b, s1 + 0x20000, 64, 0xFF);
    expect_filled(b, bank2 + 0x20000, 64, 0xFF);
    sim_board_free(b);
}

/* The H7A3/B3 (its stub build h7a): 8 KiB sectors, 128 per bank, numbered by the 7-bit SSN at
 * FLASH_CR bit 6, START at bit 5, 128-bit flash words (RM0455 4.9.4). Sector 1 of bank 1,
 * sector 100 of bank 1 and the last of bank 2 (SSN 127: with the H74x's 3-bit SNB at bit 8 the
 * simulated controller erases another sector, or none), each alone; a flash word of 16 bytes. */
static void test_erase_write_h7a3(void **state)
{
    (void)state;
    sim_board *b = bh_board("stm32h7a3zi");
    const uint32_t sec = 0x2000, bank2 = 0x08100000;
    const uint32_t sectors[] = {0x08000000 + sec, 0x08000000 + 100 * sec, bank2 + 127 * sec};
    assert_int_equal(bh_sync(b), ACK);
    uint8_t marks[64], req[9], rep[16], zend[64], d[16], back[16];
    memset(marks, 0x5A, sizeof marks);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(bh_write(b, sectors[i] - 64, marks, 64), 0);
        assert_int_equal(bh_write(b, sectors[i], marks, 64), 0);
    }
    start_stub(b);
    for (int i = 0; i < 3; i++) {
        erase_ok(b, (uint8_t)(1 + i), sectors[i] + 0x100, 4);
        expect_filled(b, sectors[i], 64, 0xFF);
        expect_filled(b, sectors[i] - 64, 64, 0x5A); /* the sector before: kept */
    }
    for (int i = 0; i < 16; i++)
        d[i] = (uint8_t)(i * 9 + 2);
    assert_int_equal(program(b, bank2 + 127 * sec + 0x40, d, 16, zend), SFS_OK);
    sim_board_peek(b, bank2 + 127 * sec + 0x40, back, 16);
    assert_memory_equal(back, d, 16);
    expect_filled(b, bank2 + 127 * sec + 0x50, 16, 0xFF); /* the next flash word: untouched */
    d[5] ^= 0x21;
    assert_int_equal(program(b, bank2 + 127 * sec + 0x40, d, 16, zend), SFS_EFLASH);
    assert_int_equal(le32_get(zend + 1), bank2 + 127 * sec + 0x40);
    assert_int_equal(le32_get(zend + 5), SFS_SR_MISMATCH);
    le32_put(req, bank2 + 0x48); /* not on a flash word */
    le32_put(req + 4, 16);
    req[8] = 0;
    assert_int_equal(call(b, 5, SFS_ZBEGIN, req, 9, rep, sizeof rep), 1);
    assert_int_equal(rep[0], SFS_EARG);
    erase_ok(b, 6, 0x08000000, SFS_ERASE_ALL);
    expect_filled(b, sectors[0] - 64, 64, 0xFF);
    expect_filled(b, bank2 + 127 * sec - 64, 64, 0xFF);
    sim_board_free(b);
}

static void test_stub_h7a3(void **state)
{
    (void)state;
    run_stub_session("stm32h7a3zi");
}

static void test_stub_h7(void **state)
{
    (void)state;
    run_stub_session("stm32h743zi");
}

/* The H7's DMA1 cannot reach the DTCM: a stub whose receive ring is there greets (it sends
 * without DMA) but hears nothing. */
static void test_h7_dma_does_not_reach_the_dtcm(void **state)
{
    (void)state;
    sim_board *b = bh_board("stm32h743zi");
    assert_int_equal(bh_sync(b), ACK);
    start_stub_ring_at(b, 0x20010000);
    send_frame(b, 1, SFS_PING, (const uint8_t *)"?", 1, false);
    assert_true(bh_byte(b, 300) < 0);
    sim_board_free(b);
}

static void test_write_protected_sector_reported_f4(void **state)
{
    (void)state;
    sim_board *b = bh_board("stm32f446re");
    uint8_t nwrp = 0xFD; /* nWRP bit 1 clear: sector 1 protected (RM0090 3.7.3) */
    assert_int_equal(sim_board_poke(b, 0x1FFFC008, &nwrp, 1), 0);
    reset_and_wait(b);
    assert_int_equal(bh_sync(b), ACK);
    start_stub(b);
    uint8_t rep[16], d[16], zend[64];
    /* Sectors 0 and 1: 0 is erased, 1 refused. */
    assert_int_equal(erase_req(b, 1, 0x08000000, 0x8000, rep), 9);
    assert_int_equal(rep[0], SFS_EFLASH);
    assert_int_equal(le32_get(rep + 1), 0x08004000);
    assert_int_equal(le32_get(rep + 5), 0x10); /* WRPERR */
    memset(d, 0x42, sizeof d);
    assert_int_equal(program(b, 0x08004000, d, sizeof d, zend), SFS_EFLASH);
    assert_int_equal(le32_get(zend + 1), 0x08004000);
    assert_int_equal(le32_get(zend + 5), 0x10);
    uint8_t back[16];
    sim_board_peek(b, 0x08004000, back, sizeof back);
    for (int i = 0; i < 16; i++)
        assert_int_equal(back[i], 0xFF);
    sim_board_free(b);
}

static void test_stub_f4(void **state)
{
    (void)state;
    run_stub_session("stm32f411re");
}

static void test_stub_f7(void **state)
{
    (void)state;
    run_stub_session("stm32f746ng");
}

/* Issue 17 item 5: the connectivity line's stub (its own PLL set-up: with the F103's x16 the
 * simulated F105 stays on HSI and the stub is deaf), the F2's (the F4's files, its slower
 * buses) and the G4 stub on the G431. */
static void test_stub_f105(void **state)
{
    (void)state;
    run_stub_session("stm32f105vc");
}

static void test_stub_f205(void **state)
{
    (void)state;
    run_stub_session("stm32f205rg");
}

static void test_stub_g431(void **state)
{
    (void)state;
    run_stub_session("stm32g431rb");
}

/* The G0B1: the G0 stub's build at 0x20004000; bank 2's pages are numbered from 256 with BKER
 * at bit 13 (the simulated controller refuses bank 2's page 0 as the L4's numbering would give). */
static void test_stub_g0b1(void **state)
{
    (void)state;
    run_stub_session("stm32g0b1re");
}

static void test_erase_write_g0b1(void **state)
{
    (void)state;
    erase_write_l4("stm32g0b1re");
}

/* The WL: the WB's flash controller and RCC addresses, the PLL at 48 MHz. */
static void test_stub_wle5(void **state)
{
    (void)state;
    run_stub_session("stm32wle5jc");
}

static void test_erase_write_wle5(void **state)
{
    (void)state;
    erase_write_l4("stm32wle5jc");
}

/* The L4R5: the L4's driver with 4 KiB pages in two banks, DMAMUX1 for its USART. */
static void test_stub_l4r5(void **state)
{
    (void)state;
    run_stub_session("stm32l4r5zi");
}

static void test_erase_write_l4r5(void **state)
{
    (void)state;
    erase_write_l4("stm32l4r5zi");
}

/* The L552: the L4's way of programming through the L5's non-secure registers (NSSR 0x20,
 * NSCR 0x28), two banks of 2 KiB pages (factory DBANK = 1), DMAMUX1 request 25, HSI16. */
static void test_stub_l552(void **state)
{
    (void)state;
    run_stub_session("stm32l552ze");
}

static void test_erase_write_l552(void **state)
{
    (void)state;
    erase_write_l4("stm32l552ze");
}

/* The U575: the L5's registers with PNB 8 bits and 128-bit quad-words, two banks of 128 x 8 KiB
 * pages (bank 2 at 0x08100000), USART1 received by GPDMA1 channel 0 (request 24) through a
 * linked-list item that points to itself, HSI16. */
static void test_stub_u575(void **state)
{
    (void)state;
    run_stub_session("stm32u575zi");
}

static void test_erase_write_u575(void **state)
{
    (void)state;
    erase_write_l4("stm32u575zi");
}

static void test_erase_write_f205(void **state)
{
    (void)state;
    erase_write_f4("stm32f205rg", 0x080E0000);
}

static void test_stub_hd(void **state)
{
    (void)state;
    run_stub_session("stm32f103re");
}

static void test_stub_xl(void **state)
{
    (void)state;
    run_stub_session("stm32f103rg");
}

/* A stub damaged on the way (a flipped bit the ROM's XOR checksum let through) says so in its
 * greeting: the CRC it reports is that of the bytes in RAM, not of the image that was sent. */
static void test_greeting_reports_the_image_in_ram(void **state)
{
    (void)state;
    sim_board *b = bh_board("stm32f103re");
    assert_int_equal(bh_sync(b), ACK);
    start_stub_damaged(b, SFS_PARAMS_OFFSET + (int)offsetof(struct sfs_params, chip)); /* a harmless byte */
    assert_true(sim_board_cpu_running(b));
    sim_board_free(b);
}

static void test_stub_fits_its_budget(void **state)
{
    (void)state;
    /* Issue 8: at most 4 KiB, so loading it through the ROM costs little even at 115200. */
    assert_true(SFI_FAMILY_COUNT >= 12);
    for (size_t k = 0; k < SFI_FAMILY_COUNT; k++)
        assert_in_range(*sfs_stubs[k].len, 1024, 4096);
}

static void test_crc32_matches_zlib(void **state)
{
    (void)state;
    uint8_t buf[3000];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i * 7919 >> 3);
    for (size_t len = 0; len < sizeof buf; len += 377)
        assert_int_equal(sfs_crc32(0, buf, (unsigned)len), (uint32_t)crc32(0, buf, (uInt)len));
    /* Continuation. */
    assert_int_equal(sfs_crc32(sfs_crc32(0, buf, 1000), buf + 1000, 2000), (uint32_t)crc32(0, buf, 3000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stub_fits_its_budget),
        cmocka_unit_test(test_crc32_matches_zlib),
        cmocka_unit_test(test_stub_hd),
        cmocka_unit_test(test_greeting_reports_the_image_in_ram),
        cmocka_unit_test(test_stub_xl),
        cmocka_unit_test(test_erase_write_hd),
        cmocka_unit_test(test_erase_write_xl_bank2),
        cmocka_unit_test(test_write_protected_page_reported),
        cmocka_unit_test(test_stream_writes_and_checks),
        cmocka_unit_test(test_repeated_begin_reopens_the_stream),
        cmocka_unit_test(test_f030_stub_takes_stored_blocks_only),
        cmocka_unit_test(test_corrupt_stream_stops_where_it_breaks),
        cmocka_unit_test(test_unprogrammable_cell_stops_the_stream),
        cmocka_unit_test(test_stub_f4),
        cmocka_unit_test(test_stub_f7),
        cmocka_unit_test(test_erase_write_f401),
        cmocka_unit_test(test_erase_write_f407),
        cmocka_unit_test(test_erase_write_f746),
        cmocka_unit_test(test_stub_f3),
        cmocka_unit_test(test_erase_write_f303),
        cmocka_unit_test(test_stub_l4),
        cmocka_unit_test(test_erase_write_l476),
        cmocka_unit_test(test_erase_write_g474),
        cmocka_unit_test(test_stub_wb),
        cmocka_unit_test(test_erase_write_wb55),
        cmocka_unit_test(test_stub_g0),
        cmocka_unit_test(test_erase_write_g071),
        cmocka_unit_test(test_stub_l0),
        cmocka_unit_test(test_stub_l1),
        cmocka_unit_test(test_erase_write_l072),
        cmocka_unit_test(test_erase_write_l152),
        cmocka_unit_test(test_stub_h7),
        cmocka_unit_test(test_erase_write_h743),
        cmocka_unit_test(test_stub_h7a3),
        cmocka_unit_test(test_erase_write_h7a3),
        cmocka_unit_test(test_h7_dma_does_not_reach_the_dtcm),
        cmocka_unit_test(test_write_protected_sector_reported_f4),
        cmocka_unit_test(test_stub_f105),
        cmocka_unit_test(test_stub_f205),
        cmocka_unit_test(test_erase_write_f205),
        cmocka_unit_test(test_stub_g431),
        cmocka_unit_test(test_stub_g0b1),
        cmocka_unit_test(test_erase_write_g0b1),
        cmocka_unit_test(test_stub_wle5),
        cmocka_unit_test(test_erase_write_wle5),
        cmocka_unit_test(test_stub_f429),
        cmocka_unit_test(test_erase_write_f429),
        cmocka_unit_test(test_stub_f767),
        cmocka_unit_test(test_erase_write_f767),
        cmocka_unit_test(test_erase_write_f767_two_banks),
        cmocka_unit_test(test_stub_l4r5),
        cmocka_unit_test(test_erase_write_l4r5),
        cmocka_unit_test(test_stub_l552),
        cmocka_unit_test(test_erase_write_l552),
        cmocka_unit_test(test_stub_u575),
        cmocka_unit_test(test_erase_write_u575),
        cmocka_unit_test(test_stub_h723),
    };
    return cmocka_run_group_tests_name("stub", tests, NULL, NULL);
}
