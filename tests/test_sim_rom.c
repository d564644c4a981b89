/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define _DEFAULT_SOURCE
/* test_sim_rom.c - the ROM bootloader's AN3155 protocol on both F103 parts, including its
 * error paths, readout and write protection, and the resets they cause; then what differs on
 * the later families (8-byte alignment, wider program units, L0/L1 erased to 0x00 without a
 * global erase). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <stdio.h>
#include <unistd.h>

#include "board_host.h"

static int setup_hd(void **state)
{
    *state = bh_board("stm32f103re");
    assert_int_equal(bh_sync(*state), ACK);
    return 0;
}

static int setup_xl(void **state)
{
    *state = bh_board("stm32f103rg");
    assert_int_equal(bh_sync(*state), ACK);
    return 0;
}

static int teardown(void **state)
{
    sim_board_free(*state);
    return 0;
}

/* Wait for the board to come back from a reset and sync again. */
static void resync_after_reset(sim_board *b, unsigned resets_before)
{
    for (int i = 0; i < 200 && sim_board_reset_count(b) == resets_before; i++) {
        struct timespec ts = {0, 5000000};
        nanosleep(&ts, NULL);
    }
    assert_true(sim_board_reset_count(b) > resets_before);
    assert_int_equal(bh_sync(b), ACK);
}

/* A command that ends in a system reset (Readout (Un)Protect, Write Unprotect): both ACKs, the
 * second within ack_ms (an unprotect mass-erases first), then the board back and in sync. */
static void reset_command(sim_board *b, uint8_t cmd, int ack_ms)
{
    unsigned r = sim_board_reset_count(b);
    assert_int_equal(bh_command(b, cmd), ACK);
    assert_int_equal(bh_byte(b, ack_ms), ACK);
    resync_after_reset(b, r);
}

static void test_second_sync_is_nacked(void **state)
{
    /* After sync a 0x7F is a command byte; the next 0x7F is a bad complement. */
    assert_int_equal(bh_sync(*state), NACK);
}

static void test_get_lists_v22_commands(void **state)
{
    sim_board *b = *state;
    static const uint8_t want[] = {11, 0x22, 0x00, 0x01, 0x02, 0x11, 0x21, 0x31, 0x43, 0x63, 0x73, 0x82, 0x92, ACK};
    assert_int_equal(bh_command(b, 0x00), ACK);
    for (size_t i = 0; i < sizeof want; i++)
        assert_int_equal(bh_byte(b, 1000), want[i]);
}

static void test_get_lists_v30_commands(void **state)
{
    sim_board *b = *state;
    static const uint8_t want[] = {11, 0x30, 0x00, 0x01, 0x02, 0x11, 0x21, 0x31, 0x44, 0x63, 0x73, 0x82, 0x92, ACK};
    assert_int_equal(bh_command(b, 0x00), ACK);
    for (size_t i = 0; i < sizeof want; i++)
        assert_int_equal(bh_byte(b, 1000), want[i]);
}

static void test_get_version_and_id(void **state)
{
    sim_board *b = *state;
    uint16_t pid = sim_part_pid(sim_board_part(b));
    assert_int_equal(bh_command(b, 0x01), ACK);
    assert_int_equal(bh_byte(b, 1000), pid == 0x414 ? 0x22 : 0x30);
    assert_int_equal(bh_byte(b, 1000), 0);
    assert_int_equal(bh_byte(b, 1000), 0);
    assert_int_equal(bh_byte(b, 1000), ACK);
    assert_int_equal(bh_command(b, 0x02), ACK);
    assert_int_equal(bh_byte(b, 1000), 1);
    assert_int_equal(bh_byte(b, 1000), pid >> 8);
    assert_int_equal(bh_byte(b, 1000), pid & 0xFF);
    assert_int_equal(bh_byte(b, 1000), ACK);
}

static void test_bad_complement_and_unknown_command(void **state)
{
    sim_board *b = *state;
    uint8_t bad[2] = {0x11, 0xEF};
    bh_send(b, bad, 2);
    assert_int_equal(bh_byte(b, 1000), NACK);
    /* HD speaks V2.2: Extended Erase is not one of its commands. */
    assert_int_equal(bh_command(b, 0x44), NACK);
    assert_int_equal(bh_command(b, 0xA1), NACK);
    /* The ROM is still in step. */
    assert_int_equal(bh_command(b, 0x02), ACK);
}

static void test_read_error_paths(void **state)
{
    sim_board *b = *state;
    uint8_t a[5] = {0x08, 0x00, 0x00, 0x00, 0x09}; /* XOR should be 0x08 */
    assert_int_equal(bh_command(b, 0x11), ACK);
    bh_send(b, a, 5);
    assert_int_equal(bh_byte(b, 1000), NACK);
    assert_int_equal(bh_command(b, 0x11), ACK);
    assert_int_equal(bh_address(b, 0x30000000), NACK); /* nothing there */
    assert_int_equal(bh_command(b, 0x11), ACK);
    assert_int_equal(bh_address(b, 0x08000000), ACK);
    uint8_t n[2] = {0xFF, 0x01}; /* bad complement of the count */
    bh_send(b, n, 2);
    assert_int_equal(bh_byte(b, 1000), NACK);
    /* 256 bytes starting 16 bytes before the end of flash run past it. */
    uint32_t end = 0x08000000 + sim_part_flash_size(sim_board_part(b));
    assert_int_equal(bh_command(b, 0x11), ACK);
    assert_int_equal(bh_address(b, end - 16), ACK);
    uint8_t n2[2] = {0xFF, 0x00};
    bh_send(b, n2, 2);
    assert_int_equal(bh_byte(b, 1000), NACK);
}

static void test_read_system_memory_and_option_bytes(void **state)
{
    sim_board *b = *state;
    uint8_t fsize[2], ob[16];
    assert_int_equal(bh_read(b, 0x1FFFF7E0, fsize, 2), 0);
    assert_int_equal(fsize[0] | fsize[1] << 8, sim_part_flash_size(sim_board_part(b)) / 1024);
    assert_int_equal(bh_read(b, 0x1FFFF800, ob, 16), 0);
    assert_int_equal(ob[0], 0xA5);
    assert_int_equal(ob[1], 0x5A);
}

static void test_write_error_paths(void **state)
{
    sim_board *b = *state;
    uint8_t data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    /* RAM the bootloader keeps for itself. */
    assert_int_equal(bh_command(b, 0x31), ACK);
    assert_int_equal(bh_address(b, 0x20000100), NACK);
    /* Not word aligned. */
    assert_int_equal(bh_command(b, 0x31), ACK);
    assert_int_equal(bh_address(b, 0x08000002), NACK);
    /* Count not a multiple of 4. */
    assert_int_equal(bh_command(b, 0x31), ACK);
    assert_int_equal(bh_address(b, 0x08000000), ACK);
    uint8_t odd[5] = {2, 0xAA, 0xBB, 0xCC, 2 ^ 0xAA ^ 0xBB ^ 0xCC};
    bh_send(b, odd, 5);
    assert_int_equal(bh_byte(b, 1000), NACK);
    /* Bad data checksum: nothing is written. */
    assert_int_equal(bh_command(b, 0x31), ACK);
    assert_int_equal(bh_address(b, 0x08000000), ACK);
    uint8_t blk[10] = {7};
    memcpy(blk + 1, data, 8);
    blk[9] = 0x55;
    bh_send(b, blk, 10);
    assert_int_equal(bh_byte(b, 1000), NACK);
    uint8_t back[8];
    assert_int_equal(sim_board_peek(b, 0x08000000, back, 8), 0);
    for (int i = 0; i < 8; i++)
        assert_int_equal(back[i], 0xFF);
}

static void test_write_flash_and_ram_then_read(void **state)
{
    sim_board *b = *state;
    uint8_t data[600], back[600];
    for (int i = 0; i < 600; i++)
        data[i] = (uint8_t)(i * 7 + 3);
    assert_int_equal(bh_write(b, 0x08001000, data, 600), 0);
    assert_int_equal(bh_read(b, 0x08001000, back, 600), 0);
    assert_memory_equal(data, back, 600);
    assert_int_equal(bh_write(b, 0x20002000, data, 256), 0);
    assert_int_equal(sim_board_peek(b, 0x20002000, back, 256), 0);
    assert_memory_equal(data, back, 256);
}

static void test_write_over_programmed_flash_is_nacked(void **state)
{
    sim_board *b = *state;
    uint8_t a[4] = {0x00, 0xFF, 0x0F, 0xF0}, c[4] = {0x11, 0x22, 0x33, 0x44}, back[4];
    assert_int_equal(bh_write(b, 0x08000400, a, 4), 0);
    assert_int_equal(bh_write(b, 0x08000400, c, 4), -1);
    assert_int_equal(sim_board_peek(b, 0x08000400, back, 4), 0);
    assert_memory_equal(back, a, 4);
    sim_stats st;
    sim_board_stats(b, &st);
    assert_true(st.program_errors > 0);
}

static void test_erase_pages_v22(void **state)
{
    sim_board *b = *state;
    uint8_t z[256];
    memset(z, 0, sizeof z);
    assert_int_equal(bh_write(b, 0x08000800, z, 256), 0); /* page 1 */
    assert_int_equal(bh_write(b, 0x08001000, z, 256), 0); /* page 2 */
    uint16_t pages[] = {1};
    assert_int_equal(bh_erase_pages(b, pages, 1, false), 0);
    uint8_t back[256];
    sim_board_peek(b, 0x08000800, back, 256);
    for (int i = 0; i < 256; i++)
        assert_int_equal(back[i], 0xFF);
    sim_board_peek(b, 0x08001000, back, 256);
    assert_int_equal(back[0], 0x00);
    /* Global erase: 0xFF 0x00. */
    assert_int_equal(bh_command(b, 0x43), ACK);
    uint8_t g[2] = {0xFF, 0x00};
    bh_send(b, g, 2);
    assert_int_equal(bh_byte(b, 5000), ACK);
    sim_board_peek(b, 0x08001000, back, 256);
    assert_int_equal(back[0], 0xFF);
    /* Bad checksum on a page list. */
    assert_int_equal(bh_command(b, 0x43), ACK);
    uint8_t bad[3] = {0x00, 0x05, 0x00};
    bh_send(b, bad, 3);
    assert_int_equal(bh_byte(b, 1000), NACK);
}

static void test_extended_erase_v30(void **state)
{
    sim_board *b = *state;
    uint8_t z[256];
    memset(z, 0, sizeof z);
    uint32_t p300 = 0x08000000 + 300 * 2048; /* bank 2 */
    assert_int_equal(bh_write(b, p300, z, 256), 0);
    assert_int_equal(bh_write(b, 0x08000000, z, 256), 0);
    uint16_t pages[] = {300};
    assert_int_equal(bh_erase_pages(b, pages, 1, true), 0);
    uint8_t back[4];
    sim_board_peek(b, p300, back, 4);
    assert_int_equal(back[0], 0xFF);
    sim_board_peek(b, 0x08000000, back, 4);
    assert_int_equal(back[0], 0x00);
    /* Reserved special codes are refused. */
    assert_int_equal(bh_command(b, 0x44), ACK);
    uint8_t r[3] = {0xFF, 0xF0, 0x0F};
    bh_send(b, r, 3);
    assert_int_equal(bh_byte(b, 1000), NACK);
    /* Bank 1 erase (0xFFFE) leaves bank 2. */
    assert_int_equal(bh_write(b, p300, z, 4), 0);
    assert_int_equal(bh_command(b, 0x44), ACK);
    uint8_t b1[3] = {0xFF, 0xFE, 0x01};
    bh_send(b, b1, 3);
    assert_int_equal(bh_byte(b, 5000), ACK);
    sim_board_peek(b, 0x08000000, back, 4);
    assert_int_equal(back[0], 0xFF);
    sim_board_peek(b, p300, back, 4);
    assert_int_equal(back[0], 0x00);
}

static void test_go_rejects_bad_targets(void **state)
{
    sim_board *b = *state;
    assert_int_equal(bh_command(b, 0x21), ACK);
    assert_int_equal(bh_address(b, 0x20000000), NACK); /* the ROM's own RAM */
    assert_int_equal(bh_command(b, 0x21), ACK);
    assert_int_equal(bh_address(b, 0x40000000), NACK);
}

static void test_go_to_blank_flash_faults_cleanly(void **state)
{
    sim_board *b = *state;
    assert_int_equal(bh_command(b, 0x21), ACK);
    assert_int_equal(bh_address(b, 0x08000000), ACK);
    char fault[256] = "";
    for (int i = 0; i < 200 && !fault[0]; i++) {
        struct timespec ts = {0, 5000000};
        nanosleep(&ts, NULL);
        sim_board_last_fault(b, fault, sizeof fault);
    }
    /* Erased flash: reset vector 0xFFFFFFFF, MSP 0xFFFFFFFF. The report says what happened. */
    assert_true(fault[0] != 0);
    /* A reset brings the ROM back. */
    unsigned r = sim_board_reset_count(b);
    sim_board_reset(b);
    resync_after_reset(b, r);
}

static void test_readout_protect_then_unprotect(void **state)
{
    sim_board *b = *state;
    uint8_t data[256], back[256];
    memset(data, 0x3C, sizeof data);
    assert_int_equal(bh_write(b, 0x08004000, data, 256), 0);

    reset_command(b, 0x82, 5000);
    assert_true(sim_board_readout_protected(b));
    /* Read, Write, Go, Erase are refused right after the command byte; Get still works. */
    assert_int_equal(bh_command(b, 0x11), NACK);
    assert_int_equal(bh_command(b, 0x31), NACK);
    assert_int_equal(bh_command(b, 0x21), NACK);
    assert_int_equal(bh_command(b, 0x43), NACK);
    assert_int_equal(bh_command(b, 0x82), NACK);
    assert_int_equal(bh_command(b, 0x02), ACK);
    for (int i = 0; i < 4; i++)
        bh_byte(b, 1000);

    reset_command(b, 0x92, 10000);
    assert_false(sim_board_readout_protected(b));
    assert_int_equal(bh_read(b, 0x08004000, back, 256), 0);
    for (int i = 0; i < 256; i++)
        assert_int_equal(back[i], 0xFF); /* the unprotect mass-erased the flash */
}

static void test_write_protect_then_unprotect(void **state)
{
    sim_board *b = *state;
    unsigned r = sim_board_reset_count(b);
    assert_int_equal(bh_command(b, 0x63), ACK);
    uint8_t wp[3] = {0x00, 0x00, 0x00}; /* one sector: code 0 */
    bh_send(b, wp, 3);
    assert_int_equal(bh_byte(b, 5000), ACK);
    resync_after_reset(b, r);
    assert_int_equal(sim_board_write_protection(b) & 1, 0);

    /* AN3155: a write to a protected page returns no error, and writes nothing. */
    uint8_t data[4] = {1, 2, 3, 4}, back[4];
    assert_int_equal(bh_write(b, 0x08000000, data, 4), 0);
    sim_board_peek(b, 0x08000000, back, 4);
    assert_int_equal(back[0], 0xFF);
    uint16_t page0[] = {0};
    assert_int_equal(bh_erase_pages(b, page0, 1, false), -1);

    reset_command(b, 0x73, 5000);
    assert_int_equal(sim_board_write_protection(b), 0xFFFFFFFF);
    assert_int_equal(bh_write(b, 0x08000000, data, 4), 0);
    sim_board_peek(b, 0x08000000, back, 4);
    assert_memory_equal(back, data, 4);
}

static void test_write_option_bytes_resets(void **state)
{
    sim_board *b = *state;
    /* RDP 0xA5 kept, DATA0 = 0x42: the complements come from the hardware. */
    uint8_t ob[8] = {0xA5, 0x00, 0xFF, 0x00, 0x42, 0x00, 0xFF, 0x00};
    unsigned r = sim_board_reset_count(b);
    assert_int_equal(bh_write(b, 0x1FFFF800, ob, 8), 0);
    resync_after_reset(b, r);
    uint8_t back[8];
    assert_int_equal(bh_read(b, 0x1FFFF800, back, 8), 0);
    assert_int_equal(back[4], 0x42);
    assert_int_equal(back[5], 0xBD);
    assert_false(sim_board_readout_protected(b));
}

static void test_realtime_byte_timing(void **state)
{
    (void)state;
    /* 8E1 at 9600 baud: 11 bits a byte, 1.146 ms. Get returns 15 bytes after the 2 sent. */
    sim_options opt = {.realtime = true, .boot0 = true};
    sim_board *b = bh_board_opts("stm32f103re", &opt);
    sim_host_set_format(b, 9600, true);
    assert_int_equal(bh_sync(b), ACK);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(bh_command(b, 0x00), ACK);
    for (int i = 0; i < 14; i++)
        assert_true(bh_byte(b, 1000) >= 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    double expect = 17 * 11 * 1000.0 / 9600; /* 19.5 ms */
    assert_true(ms >= expect * 0.95);
    assert_true(ms < expect * 3);
    /* At a rate 5% off, the ROM (which locked on 9600) hears garbage and NACKs. */
    sim_host_set_format(b, 10080, true);
    int a = bh_command(b, 0x02);
    assert_true(a != ACK);
    sim_board_free(b);
}

static void test_dropped_line_gets_no_answer(void **state)
{
    (void)state;
    sim_options opt = {.realtime = false, .boot0 = true, .faults = {.drop_to_device = 1.0}};
    sim_board *b = bh_board_opts("stm32f103re", &opt);
    assert_int_equal(bh_sync(b), -1);
    sim_board_free(b);
}

static void test_corrupted_line_is_caught_by_checksums(void **state)
{
    (void)state;
    /* Every host->device byte gets one bit flipped: sync (0x7F) never arrives intact, so
     * the ROM never answers; with 30% corruption some commands fail with NACK, none succeed
     * with wrong data. */
    sim_options opt = {.realtime = false, .boot0 = true, .faults = {.corrupt_to_device = 0.3, .seed = 42}};
    sim_board *b = bh_board_opts("stm32f103re", &opt);
    int acks = 0, nacks = 0;
    for (int i = 0; i < 12; i++) {
        int r = bh_sync(b);
        if (r == ACK)
            acks++;
        else if (r == NACK)
            nacks++;
    }
    assert_true(acks + nacks > 0);
    uint8_t data[64], back[64];
    memset(data, 0x5A, sizeof data);
    int ok_writes = 0;
    for (int i = 0; i < 40; i++) {
        sim_host_flush(b);
        if (bh_write(b, 0x08000000 + 64 * (uint32_t)i, data, 64) == 0)
            ok_writes++;
    }
    /* Whatever the ROM accepted is exactly what was sent, at the address sent. */
    for (int i = 0; i < 40; i++) {
        sim_board_peek(b, 0x08000000 + 64 * (uint32_t)i, back, 64);
        assert_true(back[0] == 0xFF || memcmp(back, data, 64) == 0);
    }
    (void)ok_writes;
    sim_board_free(b);
}

static void test_power_cut_after_bytes(void **state)
{
    (void)state;
    sim_options opt = {.realtime = false, .boot0 = true,
                       .faults = {.power_cut_after_bytes = 100, .power_off_ms = 50}};
    sim_board *b = bh_board_opts("stm32f103re", &opt);
    assert_int_equal(bh_sync(b), ACK);
    unsigned r = sim_board_reset_count(b);
    uint8_t data[256];
    memset(data, 0, sizeof data);
    assert_int_equal(bh_write(b, 0x08000000, data, 256), -1); /* power goes mid-block */
    /* Back after 50 ms, through a power-on reset, ROM waiting for sync. */
    resync_after_reset(b, r);
    assert_int_equal(bh_command(b, 0x02), ACK);
    sim_board_free(b);
}

static void test_flash_file_round_trip(void **state)
{
    (void)state;
    char path[] = "/tmp/stubflash-flashfile-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    remove(path); /* a board with no file yet starts blank */
    sim_options opt = {.realtime = false, .boot0 = true, .flash_file = path};
    sim_board *b = bh_board_opts("stm32f103re", &opt);
    assert_int_equal(bh_sync(b), ACK);
    uint8_t data[256];
    for (int i = 0; i < 256; i++)
        data[i] = (uint8_t)i;
    assert_int_equal(bh_write(b, 0x08010000, data, 256), 0);
    sim_board_stop(b);
    assert_int_equal(sim_board_save(b, NULL), 0);
    sim_board_free(b);

    b = bh_board_opts("stm32f103re", &opt);
    uint8_t back[256];
    assert_int_equal(sim_board_peek(b, 0x08010000, back, 256), 0);
    assert_memory_equal(back, data, 256);
    sim_board_free(b);

    /* A file of the wrong size is refused with a message naming the expected size. */
    FILE *f = fopen(path, "wb");
    fputs("short", f);
    fclose(f);
    char *err = NULL;
    assert_null(sim_board_new(sim_part_find("stm32f103re"), &opt, &err));
    assert_non_null(err);
    assert_non_null(strstr(err, "expected 524304"));
    free(err);
    remove(path);
}

static sim_board *synced(const char *part)
{
    sim_board *b = bh_board(part);
    assert_int_equal(bh_sync(b), ACK);
    return b;
}

/* L4 (and G4, WB, H7, L0, L1, F7): Write Memory wants 8-byte alignment (AN3155); a double word
 * programs once (PROGERR otherwise: NACK), unless the new value is all zero. */
static void test_l4_alignment_and_double_words(void **state)
{
    (void)state;
    sim_board *b = synced("stm32l432kc");
    uint8_t d[8] = {1, 2, 3, 4, 5, 6, 7, 8}, back[8];
    assert_int_equal(bh_command(b, 0x31), ACK);
    assert_int_equal(bh_address(b, 0x08000804), NACK);
    assert_int_equal(bh_write(b, 0x08000800, d, 8), 0);
    assert_int_equal(bh_read(b, 0x08000800, back, 8), 0);
    assert_memory_equal(back, d, 8);
    uint8_t other[8] = {1, 2, 3, 4, 5, 6, 7, 9};
    assert_int_equal(bh_write(b, 0x08000800, other, 8), -1); /* not erased: refused */
    sim_board_peek(b, 0x08000800, back, 8);
    assert_memory_equal(back, d, 8);
    uint8_t zero[8] = {0};
    assert_int_equal(bh_write(b, 0x08000800, zero, 8), 0);  /* all zero: allowed */
    sim_board_peek(b, 0x08000800, back, 8);
    assert_memory_equal(back, zero, 8);
    /* 4 bytes at the end of a write fill half a double word; the other half cannot be written
     * later. */
    assert_int_equal(bh_write(b, 0x08001000, d, 4), 0);
    assert_int_equal(bh_write(b, 0x08001008, d, 8), 0);
    sim_board_peek(b, 0x08001000, back, 8);
    assert_memory_equal(back, d, 4);
    for (int i = 4; i < 8; i++)
        assert_int_equal(back[i], 0xFF);
    sim_board_free(b);
}

/* L0/L1: flash erased reads 0x00; Extended Erase has no global erase (NACK); page erase sets
 * the page to 0x00; words program once. */
static void test_l0_erased_zero_and_no_mass_erase(void **state)
{
    (void)state;
    sim_board *b = synced("stm32l072cz");
    uint8_t back[256], d[8] = {0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3, 4};
    sim_board_peek(b, 0x08000000, back, 256);
    for (int i = 0; i < 256; i++)
        assert_int_equal(back[i], 0x00);
    assert_int_equal(bh_write(b, 0x08000100, d, 8), 0); /* page 2 (128-byte pages) */
    assert_int_equal(bh_write(b, 0x08000180, d, 8), 0); /* page 3 */
    assert_int_equal(bh_write(b, 0x08000100, d, 8), -1); /* no rewrite */
    assert_int_equal(bh_command(b, 0x44), ACK);
    uint8_t g[3] = {0xFF, 0xFF, 0x00};
    bh_send(b, g, 3);
    assert_int_equal(bh_byte(b, 1000), NACK);
    sim_board_peek(b, 0x08000100, back, 8);
    assert_memory_equal(back, d, 8);
    uint16_t pages[] = {2};
    assert_int_equal(bh_erase_pages(b, pages, 1, true), 0);
    sim_board_peek(b, 0x08000100, back, 8);
    for (int i = 0; i < 8; i++)
        assert_int_equal(back[i], 0x00);
    sim_board_peek(b, 0x08000180, back, 8);
    assert_memory_equal(back, d, 8);
    sim_board_free(b);
}

/* RDP through the ROM on the families whose option bytes hold RDP and its complement: level 1
 * after Readout Protect (reads refused), back to level 0 by Readout Unprotect, which erases. */
static void rdp_on_and_off(const char *part, uint32_t optbytes, uint8_t erased)
{
    sim_board *b = synced(part);
    uint8_t d[8] = {9, 8, 7, 6, 5, 4, 3, 2}, back[8];
    assert_int_equal(bh_write(b, 0x08000000, d, 8), 0);
    assert_int_equal(bh_read(b, optbytes, back, 8), 0);
    assert_int_equal(back[0], 0xAA);
    reset_command(b, 0x82, 5000);
    assert_true(sim_board_readout_protected(b));
    assert_int_equal(bh_command(b, 0x11), NACK);
    /* Write protection of these families is not modelled: refused as a command. */
    assert_int_equal(bh_command(b, 0x73), NACK);
    reset_command(b, 0x92, 20000);
    assert_false(sim_board_readout_protected(b));
    sim_board_peek(b, 0x08000000, back, 8);
    for (int i = 0; i < 8; i++)
        assert_int_equal(back[i], erased);
    sim_board_free(b);
}

static void test_rdp_g474(void **state) { (void)state; rdp_on_and_off("stm32g474re", 0x1FFF7800, 0xFF); }
static void test_rdp_l152(void **state) { (void)state; rdp_on_and_off("stm32l152re", 0x1FF80000, 0x00); }
static void test_rdp_wb55(void **state) { (void)state; rdp_on_and_off("stm32wb55rg", 0x1FFF8000, 0xFF); }

/* H7: 256-bit flash words: a write that ends inside one leaves the rest of it unwritable. */
static void test_h7_flash_words(void **state)
{
    (void)state;
    sim_board *b = synced("stm32h743zi");
    uint8_t d[40], back[40];
    for (int i = 0; i < 40; i++)
        d[i] = (uint8_t)(i + 1);
    assert_int_equal(bh_write(b, 0x08100000, d, 40), 0); /* bank 2: a whole word and 8 bytes */
    assert_int_equal(bh_write(b, 0x08100028, d, 8), -1);  /* inside the second word: refused */
    sim_board_peek(b, 0x08100000, back, 40);
    assert_memory_equal(back, d, 40);
    sim_board_free(b);
}

/* Get Version and Get ID name what each part is. */
static void test_versions_and_ids_of_later_families(void **state)
{
    (void)state;
    static const struct { const char *part; uint8_t version; uint16_t pid; } want[] = {
        {"stm32f746ng", 0x31, 0x449}, {"stm32g071rb", 0x31, 0x460}, {"stm32g474re", 0x31, 0x469},
        {"stm32l072cz", 0x31, 0x447}, {"stm32l152re", 0x31, 0x437}, {"stm32l432kc", 0x31, 0x435},
        {"stm32l476rg", 0x31, 0x415}, {"stm32wb55rg", 0x32, 0x495}, {"stm32h743zi", 0x31, 0x450},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        sim_board *b = synced(want[i].part);
        assert_int_equal(bh_command(b, 0x01), ACK);
        assert_int_equal(bh_byte(b, 1000), want[i].version);
        bh_byte(b, 1000);
        bh_byte(b, 1000);
        assert_int_equal(bh_byte(b, 1000), ACK);
        assert_int_equal(bh_command(b, 0x02), ACK);
        assert_int_equal(bh_byte(b, 1000), 1);
        assert_int_equal(bh_byte(b, 1000), want[i].pid >> 8);
        assert_int_equal(bh_byte(b, 1000), want[i].pid & 0xFF);
        assert_int_equal(bh_byte(b, 1000), ACK);
        sim_board_free(b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_second_sync_is_nacked, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_get_lists_v22_commands, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_get_lists_v30_commands, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_get_version_and_id, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_get_version_and_id, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_bad_complement_and_unknown_command, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_read_error_paths, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_read_error_paths, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_read_system_memory_and_option_bytes, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_read_system_memory_and_option_bytes, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_write_error_paths, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_write_flash_and_ram_then_read, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_write_flash_and_ram_then_read, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_write_over_programmed_flash_is_nacked, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_erase_pages_v22, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_extended_erase_v30, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_go_rejects_bad_targets, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_go_to_blank_flash_faults_cleanly, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_readout_protect_then_unprotect, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_readout_protect_then_unprotect, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_write_protect_then_unprotect, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_write_protect_then_unprotect, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_write_option_bytes_resets, setup_hd, teardown),
        cmocka_unit_test(test_realtime_byte_timing),
        cmocka_unit_test(test_dropped_line_gets_no_answer),
        cmocka_unit_test(test_corrupted_line_is_caught_by_checksums),
        cmocka_unit_test(test_power_cut_after_bytes),
        cmocka_unit_test(test_flash_file_round_trip),
        cmocka_unit_test(test_l4_alignment_and_double_words),
        cmocka_unit_test(test_l0_erased_zero_and_no_mass_erase),
        cmocka_unit_test(test_rdp_g474),
        cmocka_unit_test(test_rdp_l152),
        cmocka_unit_test(test_rdp_wb55),
        cmocka_unit_test(test_h7_flash_words),
        cmocka_unit_test(test_versions_and_ids_of_later_families),
    };
    return cmocka_run_group_tests_name("sim_rom", tests, NULL, NULL);
}
