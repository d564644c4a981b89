/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_variants.c - the smaller variants of a line with their own flash layouts (docs/silicon.md):
 * bank 2 at a fixed address with a hole before it (H743xG, G474xC, L1 cat.6), one bank where the
 * line has two (H750), F_SIZE codes and masks (L1 0x436, 0x429). Each through the stub and
 * through the ROM, checked in the board's flash file. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stubflash/stubflash.h>

#include "board_host.h"
#include "pty_board.h"

/* What the part is, as its own documents give it (sim/sim_parts.c and
 * libflash/device_table.c cite them): the host must find the same from the chip. */
struct variant {
    const char *part;
    uint32_t flash_bytes; /* what F_SIZE stands for */
    uint32_t bank2;       /* 0: one bank */
    uint32_t hole, hole_size;
    uint32_t end;         /* one past the last flash address */
    uint8_t erased;
};

static const struct variant variants[] = {
    {"stm32h743zg", 1024 * 1024, 0x08100000, 0x08080000, 0x80000, 0x08180000, 0xFF},
    {"stm32h750vb", 128 * 1024, 0, 0, 0, 0x08020000, 0xFF},
    {"stm32g474rc", 256 * 1024, 0x08040000, 0x08020000, 0x20000, 0x08060000, 0xFF},
    {"stm32l152rc", 256 * 1024, 0, 0, 0, 0x08040000, 0x00},
    {"stm32l152rba", 128 * 1024, 0, 0, 0, 0x08020000, 0x00},
    {"stm32l152vdx", 384 * 1024, 0x08040000, 0x08030000, 0x10000, 0x08070000, 0x00},
};
#define NVARIANTS (sizeof variants / sizeof variants[0])

struct fx {
    const struct variant *v;
    char file[64], port[160];
    sf_session *s;
};

static struct fx *fx_new(const struct variant *v, bool stub)
{
    struct fx *x = calloc(1, sizeof *x);
    x->v = v;
    snprintf(x->file, sizeof x->file, "/tmp/stubflash-variant-XXXXXX");
    int fd = mkstemp(x->file);
    close(fd);
    remove(x->file);
    snprintf(x->port, sizeof x->port, "sim:%s?flash=%s", v->part, x->file);
    assert_int_equal(sf_session_new(&x->s), SF_OK);
    assert_int_equal(sf_session_set_stub(x->s, stub, SF_STUB_BAUD_AUTO), SF_OK);
    if (sf_session_open(x->s, x->port) != SF_OK)
        fail_msg("open %s: %s", x->port, sf_session_last_error(x->s));
    return x;
}

/* Closes the session (the board saves its file) and returns the file: flash from 0x08000000
 * to the end of the last bank, then the option bytes. */
static uint8_t *fx_flash(struct fx *x)
{
    sf_session_close(x->s);
    size_t len;
    uint8_t *f = bh_load_file(x->file, &len);
    assert_int_equal(len, x->v->end - 0x08000000u + sim_part_option_bytes_size(sim_part_find(x->v->part)));
    return f;
}

static void fx_free(struct fx *x)
{
    sf_session_free(x->s);
    remove(x->file);
    free(x);
}

static void reopen(struct fx *x)
{
    if (sf_session_open(x->s, x->port) != SF_OK)
        fail_msg("reopen %s: %s", x->port, sf_session_last_error(x->s));
}

/* The layout the chip reports: size from F_SIZE, bank 2, the hole. */
static void check_layout(struct fx *x)
{
    sf_chip chip = SF_CHIP_INIT;
    assert_int_equal(sf_session_chip(x->s, &chip), SF_OK);
    if (chip.flash_size != x->v->flash_bytes)
        fail_msg("%s: F_SIZE read as %u KiB, the part has %u KiB", x->v->part, chip.flash_size / 1024,
                 x->v->flash_bytes / 1024);
    assert_int_equal(sf_device_bank2_base(chip.device, chip.flash_size), x->v->bank2);
    assert_int_equal(sf_device_flash_end(chip.device, chip.flash_size), x->v->end);
    uint32_t hs = 0;
    assert_int_equal(sf_device_hole(chip.device, chip.flash_size, &hs), x->v->hole);
    assert_int_equal(hs, x->v->hole_size);
}

/* Firmware at the boot address, the last 4 KiB of bank 1 and the first 4 KiB of bank 2 (or of
 * the next bytes where there is one bank): written, verified, read back across the hole. */
static void write_across_banks(const struct variant *v, bool stub)
{
    struct fx *x = fx_new(v, stub);
    check_layout(x);
    uint32_t b1_end = v->hole ? v->hole : v->bank2 ? v->bank2 : v->end;
    uint32_t b2 = v->bank2 ? v->bank2 : b1_end - 4096;
    uint8_t *fw = bh_firmware(2048, 7, 0x08000000), *tail = bh_noise(4096, 8), *head = bh_noise(4096, 9);
    sf_image *img;
    assert_int_equal(sf_image_new(&img), SF_OK);
    assert_int_equal(sf_image_add(img, 0x08000000, fw, 2048), SF_OK);
    if (v->bank2) {
        assert_int_equal(sf_image_add(img, b1_end - 4096, tail, 4096), SF_OK);
        assert_int_equal(sf_image_add(img, b2, head, 4096), SF_OK);
    } else {
        assert_int_equal(sf_image_add(img, b2, head, 4096), SF_OK);
    }
    if (sf_session_write_image(x->s, img, SF_WRITE_VERIFY) != SF_OK)
        fail_msg("%s (%s): %s", v->part, stub ? "stub" : "ROM", sf_session_last_error(x->s));
    /* The whole flash read in one call: the hole reads as erased, the banks as written. */
    uint32_t span = v->end - 0x08000000u;
    uint8_t *all = malloc(span);
    if (sf_session_read(x->s, 0x08000000, all, span) != SF_OK)
        fail_msg("%s: read: %s", v->part, sf_session_last_error(x->s));
    uint8_t *f = fx_flash(x);
    assert_memory_equal(all, f, span);
    assert_memory_equal(f, fw, 2048);
    assert_memory_equal(f + (b2 - 0x08000000u), head, 4096);
    if (v->bank2)
        assert_memory_equal(f + (b1_end - 4096 - 0x08000000u), tail, 4096);
    for (uint32_t a = v->hole; a < v->hole + v->hole_size; a++)
        if (f[a - 0x08000000u] != v->erased)
            fail_msg("%s: the hole holds 0x%02X at 0x%08X", v->part, f[a - 0x08000000u], a);
    free(f);
    free(all);
    free(fw);
    free(tail);
    free(head);
    sf_image_free(img);
    fx_free(x);
}

static void test_writes_across_the_banks_through_the_stub(void **state)
{
    (void)state;
    for (size_t i = 0; i < NVARIANTS; i++)
        write_across_banks(&variants[i], true);
}

static void test_writes_across_the_banks_through_the_rom(void **state)
{
    (void)state;
    for (size_t i = 0; i < NVARIANTS; i++)
        write_across_banks(&variants[i], false);
}

/* Bytes in the hole are refused before anything is erased: the flash file is unchanged. */
static void test_an_address_in_the_hole_is_refused_before_erasing(void **state)
{
    (void)state;
    for (size_t i = 0; i < NVARIANTS; i++) {
        const struct variant *v = &variants[i];
        if (!v->hole)
            continue;
        for (int stub = 0; stub < 2; stub++) {
            struct fx *x = fx_new(v, stub);
            uint8_t *fw = bh_firmware(4096, 11, 0x08000000), data[256];
            memset(data, 0x5A, sizeof data);
            sf_image *first, *bad;
            assert_int_equal(sf_image_new(&first), SF_OK);
            assert_int_equal(sf_image_add(first, 0x08000000, fw, 4096), SF_OK);
            assert_int_equal(sf_session_write_image(x->s, first, SF_WRITE_VERIFY), SF_OK);
            uint8_t *before = fx_flash(x);
            reopen(x);
            /* New firmware at the boot address and a block just inside the hole. */
            fw[100] ^= 0xFF;
            assert_int_equal(sf_image_new(&bad), SF_OK);
            assert_int_equal(sf_image_add(bad, 0x08000000, fw, 4096), SF_OK);
            assert_int_equal(sf_image_add(bad, v->hole + 0x100, data, sizeof data), SF_OK);
            assert_int_equal(sf_session_write_image(x->s, bad, SF_WRITE_VERIFY), SF_ERR_FIT);
            const char *msg = sf_session_last_error(x->s);
            char want[64];
            snprintf(want, sizeof want, "0x%08X", v->hole + 0x100);
            if (!strstr(msg, "between flash bank 1") || !strstr(msg, want))
                fail_msg("%s: the refusal does not say where: %s", v->part, msg);
            /* Erasing a range that reaches into the hole is refused as well. */
            assert_int_equal(sf_session_erase_range(x->s, v->hole - 256, 512), SF_ERR_FIT);
            uint8_t *after = fx_flash(x);
            assert_memory_equal(before, after, v->end - 0x08000000u + sim_part_option_bytes_size(sim_part_find(v->part)));
            free(before);
            free(after);
            free(fw);
            sf_image_free(first);
            sf_image_free(bad);
            fx_free(x);
        }
    }
}

/* A read of the whole flash written back unchanged: the hole's erased bytes are left out. */
static void test_a_whole_flash_dump_writes_back(void **state)
{
    (void)state;
    const struct variant *v = &variants[0]; /* stm32h743zg */
    struct fx *x = fx_new(v, true);
    uint32_t span = v->end - 0x08000000u;
    uint8_t *fw = bh_firmware(8192, 21, 0x08000000), *dump = malloc(span);
    sf_image *img;
    assert_int_equal(sf_image_new(&img), SF_OK);
    assert_int_equal(sf_image_add(img, 0x08000000, fw, 8192), SF_OK);
    assert_int_equal(sf_session_write_image(x->s, img, SF_WRITE_VERIFY), SF_OK);
    assert_int_equal(sf_session_read(x->s, 0x08000000, dump, span), SF_OK);
    sf_image_free(img);
    assert_int_equal(sf_image_new(&img), SF_OK);
    assert_int_equal(sf_image_add(img, 0x08000000, dump, span), SF_OK);
    if (sf_session_write_image(x->s, img, SF_WRITE_VERIFY) != SF_OK)
        fail_msg("writing the dump back: %s", sf_session_last_error(x->s));
    uint8_t *f = fx_flash(x);
    assert_memory_equal(f, dump, span);
    free(f);
    free(fw);
    free(dump);
    sf_image_free(img);
    fx_free(x);
}

/* The virtual chips themselves: their ROM refuses the hole (Read, Write, Erase), as a chip
 * refuses addresses where it has no memory. */
static void test_the_rom_refuses_the_hole(void **state)
{
    (void)state;
    for (size_t i = 0; i < NVARIANTS; i++) {
        const struct variant *v = &variants[i];
        if (!v->hole)
            continue;
        sim_board *b = bh_board(v->part);
        assert_int_equal(bh_sync(b), ACK);
        uint8_t buf[256];
        memset(buf, 0x11, sizeof buf);
        assert_int_equal(bh_read(b, v->hole - 256, buf, 256), 0);   /* bank 1's end: fine */
        assert_int_equal(bh_read(b, v->hole, buf, 16), -1);
        assert_int_equal(bh_read(b, v->hole - 8, buf, 16), -1);     /* runs into it */
        assert_int_equal(bh_write(b, v->hole + 0x200, buf, 32), -1);
        assert_int_equal(bh_read(b, v->bank2, buf, 16), 0);         /* bank 2: fine */
        /* Extended Erase of a page number in the hole (pages are numbered by address). */
        uint16_t page = (uint16_t)((v->hole - 0x08000000u) / sim_part_page_size(sim_board_part(b)));
        assert_int_equal(bh_erase_pages(b, &page, 1, true), -1);
        sim_board_free(b);
    }
}

/* What `stubflash info` prints for each variant: its size from F_SIZE, bank 2, the hole. */
static void test_info_shows_each_variants_layout(void **state)
{
    (void)state;
    for (size_t i = 0; i < NVARIANTS; i++) {
        const struct variant *v = &variants[i];
        char cmd[512], out[4096] = "", want[128];
        snprintf(cmd, sizeof cmd, "%s -p 'sim:%s' info 2>&1", getenv("STUBFLASH_CLI"), v->part);
        FILE *p = popen(cmd, "r");
        assert_non_null(p);
        size_t n = fread(out, 1, sizeof out - 1, p);
        out[n] = 0;
        assert_int_equal(pclose(p), 0);
        snprintf(want, sizeof want, "0x08000000..0x%08X, %u KiB", v->end - 1, v->flash_bytes / 1024);
        if (!strstr(out, want))
            fail_msg("%s: info lacks \"%s\":\n%s", v->part, want, out);
        snprintf(want, sizeof want, "bank 2 at 0x%08X", v->bank2);
        if (v->bank2 ? !strstr(out, want) : strstr(out, "two banks") != NULL)
            fail_msg("%s: info has the wrong banks:\n%s", v->part, out);
        snprintf(want, sizeof want, "no flash at 0x%08X..0x%08X", v->hole, v->hole + v->hole_size - 1);
        if (v->hole ? !strstr(out, want) : strstr(out, "no flash at") != NULL)
            fail_msg("%s: info has the wrong hole:\n%s", v->part, out);
    }
}

/* Firmware that writes 0xC0FFEE11 to 0x20004000 and waits: a vector table at 0x08000000 whose
 * reset vector is 0x08000101, and there "ldr r0, [pc, #4]; ldr r1, [pc, #8]; str r1, [r0]; b ." */
static uint8_t *marker_firmware(size_t len)
{
    uint8_t *fw = bh_firmware(len, 31, 0x08000000);
    static const uint8_t code[] = {0x01, 0x48, 0x02, 0x49, 0x01, 0x60, 0xFE, 0xE7,
                                   0x00, 0x40, 0x00, 0x20, 0x11, 0xEE, 0xFF, 0xC0};
    memcpy(fw + 0x100, code, sizeof code);
    return fw;
}

static uint32_t marker(sim_board *b)
{
    uint32_t v = 0;
    for (int i = 0; i < 50 && v != 0xC0FFEE11u; i++) {
        usleep(10000);
        assert_int_equal(sim_board_peek(b, 0x20004000, &v, 4), 0);
    }
    return v;
}

/* The chips with an empty check note at power-on that their flash is empty and then boot the
 * ROM even with BOOT0 low (sim_part.h): firmware put into flash behind the chip's back does not
 * run after a reset... */
static void test_an_empty_chip_boots_its_rom_until_the_note_is_cleared(void **state)
{
    (void)state;
    static const char *parts[] = {"stm32g071rb", "stm32l432kc", "stm32wb55rg"};
    for (size_t i = 0; i < 3; i++) {
        sim_options opt = {.boot0 = false};
        sim_board *b = sim_board_new(sim_part_find(parts[i]), &opt, NULL);
        assert_non_null(b);
        assert_int_equal(sim_board_start(b), 0); /* power-on: flash empty, the note is taken */
        assert_int_equal(bh_sync(b), ACK);       /* so the ROM runs, BOOT0 low as it is */
        uint8_t *fw = marker_firmware(1024);
        assert_int_equal(sim_board_poke(b, 0x08000000, fw, 1024), 0);
        sim_board_reset(b);
        if (marker(b) == 0xC0FFEE11u)
            fail_msg("%s: booted flash after a reset although its flash was empty at power-on", parts[i]);
        assert_int_equal(bh_sync(b), ACK); /* the ROM answers instead */
        sim_board_free(b);
        free(fw);
    }
}

/* ...while what stubflash writes does: it clears the note after writing the first word. */
static void test_a_written_empty_chip_starts_the_new_firmware_after_a_reset(void **state)
{
    (void)state;
    static const char *parts[] = {"stm32g071rb", "stm32l432kc", "stm32wb55rg"};
    for (size_t i = 0; i < 3; i++)
        for (int stub = 0; stub < 2; stub++) {
            pty_board pb;
            pb_open(&pb, parts[i], NULL); /* BOOT0 high, the flash empty at power-on */
            sf_session *s;
            assert_int_equal(sf_session_new(&s), SF_OK);
            assert_int_equal(sf_session_set_stub(s, stub, SF_STUB_BAUD_AUTO), SF_OK);
            if (sf_session_open(s, sim_pty_path(pb.pty)) != SF_OK)
                fail_msg("open %s: %s", sim_pty_path(pb.pty), sf_session_last_error(s));
            uint8_t *fw = marker_firmware(4096);
            sf_image *img;
            assert_int_equal(sf_image_new(&img), SF_OK);
            assert_int_equal(sf_image_add(img, 0x08000000, fw, 4096), SF_OK);
            if (sf_session_write_image(s, img, SF_WRITE_VERIFY) != SF_OK)
                fail_msg("%s: %s", parts[i], sf_session_last_error(s));
            sf_session_free(s);
            sim_board_set_boot0(pb.board, false);
            sim_board_reset(pb.board);
            if (marker(pb.board) != 0xC0FFEE11u)
                fail_msg("%s (%s): a reset with BOOT0 low did not start the new firmware", parts[i],
                         stub ? "stub" : "ROM");
            sf_image_free(img);
            free(fw);
            assert_int_equal(pb_close(&pb), 0);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writes_across_the_banks_through_the_stub),
        cmocka_unit_test(test_writes_across_the_banks_through_the_rom),
        cmocka_unit_test(test_an_address_in_the_hole_is_refused_before_erasing),
        cmocka_unit_test(test_a_whole_flash_dump_writes_back),
        cmocka_unit_test(test_the_rom_refuses_the_hole),
        cmocka_unit_test(test_info_shows_each_variants_layout),
        cmocka_unit_test(test_an_empty_chip_boots_its_rom_until_the_note_is_cleared),
        cmocka_unit_test(test_a_written_empty_chip_starts_the_new_firmware_after_a_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
