/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_session.c - libstubflash against the virtual board through "sim:PART?flash=FILE": what
 * the library does is checked in the board's flash file, as a user would check hardware. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stubflash/stubflash.h>

#include "board_host.h"

struct fx {
    const char *part;
    uint32_t flash_size;
    char file[64];
    char port[160];
    sf_session *s;
    bool rom; /* --no-stub: the ROM path only */
    char bank_log[64]; /* what the session says of the bank mode the option bytes chose */
};

static int setup_part(void **state, const char *part, uint32_t size, bool rom)
{
    struct fx *x = calloc(1, sizeof *x);
    x->part = part;
    x->flash_size = size;
    snprintf(x->file, sizeof x->file, "/tmp/stubflash-session-XXXXXX");
    int fd = mkstemp(x->file);
    close(fd);
    remove(x->file);
    snprintf(x->port, sizeof x->port, "sim:%s?flash=%s", part, x->file);
    x->rom = rom;
    assert_int_equal(sf_session_new(&x->s), SF_OK);
    assert_int_equal(sf_session_set_stub(x->s, !rom, SF_STUB_BAUD_AUTO), SF_OK);
    *state = x;
    return 0;
}

/* The stub path (the default) and the ROM path. */
static int setup_hd(void **state) { return setup_part(state, "stm32f103re", 512 * 1024, false); }
static int setup_xl(void **state) { return setup_part(state, "stm32f103rg", 1024 * 1024, false); }
static int setup_hd_rom(void **state) { return setup_part(state, "stm32f103re", 512 * 1024, true); }
static int setup_xl_rom(void **state) { return setup_part(state, "stm32f103rg", 1024 * 1024, true); }
/* F0 and F3 (bootloader V3.1: Extended Erase): the F1's flash controller, their own stubs; the
 * F030x8 has too little RAM for one, and the library writes it through the ROM. */
static int setup_f030(void **state) { return setup_part(state, "stm32f030r8", 64 * 1024, false); }
static int setup_f072(void **state) { return setup_part(state, "stm32f072rb", 128 * 1024, false); }
static int setup_f303(void **state) { return setup_part(state, "stm32f303vc", 256 * 1024, false); }
/* F4: sectors of 16, 64 and 128 KiB; the stub's F4 driver, or the ROM, which programs bytes. */
static int setup_f401(void **state) { return setup_part(state, "stm32f401re", 512 * 1024, false); }
static int setup_f407(void **state) { return setup_part(state, "stm32f407vg", 1024 * 1024, false); }
static int setup_f411(void **state) { return setup_part(state, "stm32f411re", 512 * 1024, false); }
static int setup_f446(void **state) { return setup_part(state, "stm32f446re", 512 * 1024, false); }
/* F7: the F4's stub driver with the F7's USART; L4, G4, WB and G0: their own stubs (double
 * words, two banks); L0 and L1: theirs (half-pages, erased 0x00); H7: its own (256-bit flash
 * words, two banks, AXI SRAM). */
static int setup_f746(void **state) { return setup_part(state, "stm32f746ng", 1024 * 1024, false); }
static int setup_g071(void **state) { return setup_part(state, "stm32g071rb", 128 * 1024, false); }
static int setup_g474(void **state) { return setup_part(state, "stm32g474re", 512 * 1024, false); }
static int setup_l072(void **state) { return setup_part(state, "stm32l072cz", 192 * 1024, false); }
static int setup_l152(void **state) { return setup_part(state, "stm32l152re", 512 * 1024, false); }
static int setup_l432(void **state) { return setup_part(state, "stm32l432kc", 256 * 1024, false); }
static int setup_l476(void **state) { return setup_part(state, "stm32l476rg", 1024 * 1024, false); }
static int setup_wb55(void **state) { return setup_part(state, "stm32wb55rg", 1024 * 1024, false); }
static int setup_h743(void **state) { return setup_part(state, "stm32h743zi", 2048 * 1024, false); }
/* Issue 17 item 5: the F1 connectivity line (its own stub clock), the F2 (the F4's stub files),
 * the G431 (its stub's buffers in the CCM SRAM alias) and the L053 (4 KiB free: ROM only). */
static int setup_f105(void **state) { return setup_part(state, "stm32f105vc", 256 * 1024, false); }
static int setup_f205(void **state) { return setup_part(state, "stm32f205rg", 1024 * 1024, false); }
static int setup_g431(void **state) { return setup_part(state, "stm32g431rb", 128 * 1024, false); }
static int setup_l053(void **state) { return setup_part(state, "stm32l053r8", 64 * 1024, false); }
/* Issue 17 item 5, second round: the G0B1 (the G0 stub loaded at 0x20004000, two banks). */
static int setup_g0b1(void **state) { return setup_part(state, "stm32g0b1re", 512 * 1024, false); }
/* The C031: the ROM keeps 8 of its 12 KiB, the C0 stub does not fit the rest: ROM only. */
static int setup_f429(void **state) { return setup_part(state, "stm32f429zi", 2048 * 1024, false); }
/* The F767 (issue 17 item 5): one bank with the factory nDBANK = 1, or two when its flash file
 * starts with nDBANK = 0 (FLASH_OPTCR bit 29, the option byte at 0x1FFF0009 bit 5: RM0410 3.4),
 * which the session reads (and the simulator's controller and ROM follow) at run time. */
/* The H7A3 (issue 17 item 5): the H7 stub built for its controller (8 KiB sectors, 128-bit words). */
static int setup_h7a3(void **state) { return setup_part(state, "stm32h7a3zi", 2048 * 1024, false); }
static int setup_f767(void **state) { return setup_part(state, "stm32f767zi", 2048 * 1024, false); }
static int setup_f767_dual(void **state)
{
    setup_part(state, "stm32f767zi", 2048 * 1024, false);
    struct fx *x = *state;
    sim_options opt = {.boot0 = true, .flash_file = x->file};
    sim_board *b = sim_board_new(sim_part_find(x->part), &opt, NULL);
    assert_non_null(b);
    bh_f7_two_banks(b);
    assert_int_equal(sim_board_save(b, NULL), 0);
    sim_board_free(b);
    return 0;
}
static int setup_l4r5(void **state) { return setup_part(state, "stm32l4r5zi", 2048 * 1024, false); }
static int setup_h723(void **state) { return setup_part(state, "stm32h723zg", 1024 * 1024, false); }
static int setup_wle5(void **state) { return setup_part(state, "stm32wle5jc", 256 * 1024, false); }
static int setup_c031(void **state) { return setup_part(state, "stm32c031c6", 32 * 1024, false); }
static int setup_l552(void **state) { return setup_part(state, "stm32l552ze", 512 * 1024, false); }
static int setup_u575(void **state) { return setup_part(state, "stm32u575zi", 2048 * 1024, false); }

static int setup_f401_rom(void **state) { return setup_part(state, "stm32f401re", 512 * 1024, true); }
static int setup_f407_rom(void **state) { return setup_part(state, "stm32f407vg", 1024 * 1024, true); }

static int teardown(void **state)
{
    struct fx *x = *state;
    sf_session_free(x->s);
    remove(x->file);
    free(x);
    return 0;
}

static void open_ok(struct fx *x)
{
    if (sf_session_open(x->s, x->port) != SF_OK)
        fail_msg("open %s: %s", x->port, sf_session_last_error(x->s));
}

/* Close the session (the board saves its flash file) and return the flash bytes. */
static uint8_t *board_flash(struct fx *x)
{
    sf_session_close(x->s);
    size_t len;
    uint8_t *f = bh_load_file(x->file, &len);
    assert_int_equal(len, x->flash_size + sim_part_option_bytes_size(sim_part_find(x->part)));
    return f;
}

static sf_image *image_of(const uint8_t *data, size_t len, uint32_t addr)
{
    sf_image *img;
    assert_int_equal(sf_image_new(&img), SF_OK);
    assert_int_equal(sf_image_add(img, addr, data, len), SF_OK);
    return img;
}

static uint8_t *pattern(size_t len, unsigned seed)
{
    uint8_t *p = malloc(len);
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)((i * 131 + seed * 17 + (i >> 8)) & 0xFF);
    return p;
}

/* A board whose option bytes say DBANK = 0 (FLASH_OPTR bit 22, the first option word after the
 * flash in the board's file; the G4's and the L4R/S's complement word follows it, the L5's
 * registers have none): one bank of pages twice the factory size (page), which the board, the
 * library and the stub each take at run time. */
static int setup_one_bank(void **state, const char *part, uint32_t size, uint32_t page, bool complement)
{
    setup_part(state, part, size, false);
    struct fx *x = *state;
    snprintf(x->bank_log, sizeof x->bank_log, "DBANK = 0: one bank of %u KiB pages", (unsigned)(page / 1024u));
    open_ok(x);
    uint8_t *f = board_flash(x); /* the factory option bytes, saved */
    uint8_t *optr = f + x->flash_size;
    assert_true(optr[2] & 0x40);
    optr[2] &= (uint8_t)~0x40;
    if (complement)
        optr[6] = (uint8_t)~optr[2];
    bh_save_file(x->file, f, x->flash_size + sim_part_option_bytes_size(sim_part_find(part)));
    free(f);
    return 0;
}
/* L5 and G4 cat.3: 4 KiB pages (RM0438 6.3.1, RM0440 3.3.1); L4R/S: 8 KiB (RM0432 3.3.1). */
static int setup_l552_one_bank(void **state) { return setup_one_bank(state, "stm32l552ze", 512 * 1024, 4096, false); }
static int setup_g474_one_bank(void **state) { return setup_one_bank(state, "stm32g474re", 512 * 1024, 4096, true); }
static int setup_l4r5_one_bank(void **state)
{
    return setup_one_bank(state, "stm32l4r5zi", 2048 * 1024, 8192, true);
}

/* An F429xG (1 MiB) whose option bytes say DB1M = 1 (FLASH_OPTCR bit 30, the option byte at
 * 0x1FFFC009 bit 6: RM0090 3.9.10): two banks of 4 x 16, 64, 3 x 128 KiB, bank 2 at 0x08080000
 * (RM0090 3.4 table 7), which the board and the library each take at run time. */
static int setup_f429_db1m(void **state)
{
    setup_part(state, "stm32f429zg", 1024 * 1024, false);
    struct fx *x = *state;
    snprintf(x->bank_log, sizeof x->bank_log, "the option bytes choose two banks");
    open_ok(x);
    uint8_t *f = board_flash(x);
    uint8_t *ob = f + x->flash_size;
    assert_false(ob[9] & 0x40); /* the factory DB1M = 0 */
    ob[9] |= 0x40;
    bh_save_file(x->file, f, x->flash_size + sim_part_option_bytes_size(sim_part_find(x->part)));
    free(f);
    return 0;
}

/* A call's result, and the session's message when it is not the one wanted. */
static void expect(struct fx *x, sf_error got, sf_error want, const char *what)
{
    if (got != want)
        fail_msg("%s: %d, wanted %d: %s", what, got, want, sf_session_last_error(x->s));
}

static void write_ok(struct fx *x, const sf_image *img)
{
    if (sf_session_write_image(x->s, img, SF_WRITE_VERIFY) != SF_OK)
        fail_msg("write: %s", sf_session_last_error(x->s));
}

static void test_every_format_writes_the_same_flash(void **state)
{
    struct fx *x = *state;
    size_t blen;
    uint8_t *bin = bh_load_file(getenv("HELLO_FLASH_BIN"), &blen);
    const char *envs[] = {"HELLO_FLASH_BIN", "HELLO_FLASH_HEX", "HELLO_FLASH_SREC", "HELLO_FLASH_ELF"};
    for (size_t k = 0; k < 4; k++) {
        char err[256];
        sf_image *img;
        assert_int_equal(sf_image_load(getenv(envs[k]), SF_FORMAT_AUTO, 0x08000000, &img, err, sizeof err), SF_OK);
        open_ok(x);
        assert_int_equal(sf_session_mass_erase(x->s), SF_OK);
        write_ok(x, img);
        uint8_t *f = board_flash(x);
        assert_memory_equal(f, bin, blen);
        for (uint32_t i = (uint32_t)blen; i < x->flash_size; i++)
            if (f[i] != 0xFF)
                fail_msg("%s: byte at 0x%08x is 0x%02x, expected erased", envs[k], 0x08000000 + i, f[i]);
        free(f);
        sf_image_free(img);
    }
    free(bin);
}

static void test_bytes_beside_the_image_are_kept(void **state)
{
    struct fx *x = *state;
    uint8_t *a = pattern(4096, 1), b[16];
    memset(b, 0x42, sizeof b);
    sf_image *ia = image_of(a, 4096, 0x08000000), *ib = image_of(b, 16, 0x08000103); /* unaligned */
    open_ok(x);
    write_ok(x, ia);
    write_ok(x, ib);
    uint8_t *f = board_flash(x);
    assert_memory_equal(f, a, 0x103);
    assert_memory_equal(f + 0x103, b, 16);
    assert_memory_equal(f + 0x113, a + 0x113, 4096 - 0x113);
    free(f);
    /* An image that ends inside its page at an odd address: only the page's tail is read,
     * from the word that holds its first byte, and the image's bytes in that word win. */
    uint8_t c[0xF1];
    memset(c, 0x24, sizeof c);
    sf_image *ic = image_of(c, sizeof c, 0x08000000);
    open_ok(x);
    write_ok(x, ic);
    f = board_flash(x);
    assert_memory_equal(f, c, sizeof c);
    assert_memory_equal(f + 0xF1, a + 0xF1, 0x103 - 0xF1);
    assert_memory_equal(f + 0x103, b, 16);
    assert_memory_equal(f + 0x113, a + 0x113, 4096 - 0x113);
    free(f);
    free(a);
    sf_image_free(ia);
    sf_image_free(ib);
    sf_image_free(ic);
}

static void test_read_verify_and_mismatch(void **state)
{
    struct fx *x = *state;
    uint8_t *a = pattern(5000, 2), back[5000];
    sf_image *ia = image_of(a, 5000, 0x08002000);
    open_ok(x);
    write_ok(x, ia);
    assert_int_equal(sf_session_read(x->s, 0x08002000, back, 5000), SF_OK);
    assert_memory_equal(back, a, 5000);
    assert_int_equal(sf_session_verify_image(x->s, ia), SF_OK);
    a[4000] ^= 1;
    sf_image *ib = image_of(a, 5000, 0x08002000);
    assert_int_equal(sf_session_verify_image(x->s, ib), SF_ERR_VERIFY);
    assert_non_null(strstr(sf_session_last_error(x->s), "0x08002FA0"));
    free(a);
    sf_image_free(ia);
    sf_image_free(ib);
}

static void test_erase_range_and_all(void **state)
{
    struct fx *x = *state;
    uint8_t *a = pattern(8192, 3);
    sf_image *ia = image_of(a, 8192, 0x08000000);
    open_ok(x);
    write_ok(x, ia);
    /* 0x08000900 + 0x100 lies in page 1 (2 KiB pages): only page 1 is erased. */
    assert_int_equal(sf_session_erase_range(x->s, 0x08000900, 0x100), SF_OK);
    uint8_t *f = board_flash(x);
    assert_memory_equal(f, a, 2048);
    for (int i = 2048; i < 4096; i++)
        assert_int_equal(f[i], 0xFF);
    assert_memory_equal(f + 4096, a + 4096, 4096);
    free(f);
    open_ok(x);
    assert_int_equal(sf_session_erase_range(x->s, 0x08000000 + x->flash_size - 16, 32), SF_ERR_FIT);
    assert_int_equal(sf_session_mass_erase(x->s), SF_OK);
    f = board_flash(x);
    for (int i = 0; i < 8192; i++)
        assert_int_equal(f[i], 0xFF);
    free(f);
    free(a);
    sf_image_free(ia);
}

static void test_image_too_big_leaves_flash_untouched(void **state)
{
    struct fx *x = *state;
    uint8_t *a = pattern(4096, 4);
    sf_image *ia = image_of(a, 4096, 0x08000000);
    open_ok(x);
    write_ok(x, ia);
    uint8_t *before = board_flash(x);
    /* A gap-filled image: a byte at the start and one past the end of flash. */
    sf_image *big = image_of(a, 16, 0x08000000);
    assert_int_equal(sf_image_add(big, 0x08000000 + x->flash_size, a, 4), SF_OK);
    open_ok(x);
    assert_int_equal(sf_session_write_image(x->s, big, SF_WRITE_VERIFY), SF_ERR_FIT);
    assert_non_null(strstr(sf_session_last_error(x->s), "does not fit"));
    uint8_t *after = board_flash(x);
    assert_memory_equal(after, before, x->flash_size + sim_part_option_bytes_size(sim_part_find(x->part)));
    free(before), free(after), free(a);
    sf_image_free(ia);
    sf_image_free(big);
}

static void test_write_protection_is_checked_before_erasing(void **state)
{
    struct fx *x = *state;
    uint8_t *a = pattern(2048, 5), *b = pattern(2048, 6);
    sf_image *ia = image_of(a, 2048, 0x08000000), *ib = image_of(b, 2048, 0x08000000);
    open_ok(x);
    write_ok(x, ia);
    uint8_t group0 = 0;
    assert_int_equal(sf_session_write_protect(x->s, &group0, 1), SF_OK);
    sf_chip chip = SF_CHIP_INIT;
    assert_int_equal(sf_session_chip(x->s, &chip), SF_OK);
    assert_int_equal(chip.protection.wrp & 1, 0);
    assert_int_equal(sf_session_write_image(x->s, ib, SF_WRITE_VERIFY), SF_ERR_PROTECTED);
    assert_non_null(strstr(sf_session_last_error(x->s), "write-protected"));
    uint8_t *f = board_flash(x);
    assert_memory_equal(f, a, 2048);
    free(f);
    open_ok(x);
    assert_int_equal(sf_session_write_unprotect(x->s), SF_OK);
    write_ok(x, ib);
    f = board_flash(x);
    assert_memory_equal(f, b, 2048);
    free(f), free(a), free(b);
    sf_image_free(ia);
    sf_image_free(ib);
}

static void test_readout_protection(void **state)
{
    struct fx *x = *state;
    uint8_t *a = pattern(2048, 7), buf[16];
    sf_image *ia = image_of(a, 2048, 0x08000000);
    open_ok(x);
    write_ok(x, ia);
    expect(x, sf_session_readout_protect(x->s), SF_OK, "readout protect");
    sf_session_close(x->s);
    open_ok(x);
    sf_chip chip = SF_CHIP_INIT;
    expect(x, sf_session_chip(x->s, &chip), SF_OK, "chip");
    assert_true(chip.protection.readout);
    expect(x, sf_session_write_image(x->s, ia, 0), SF_ERR_PROTECTED, "write while protected");
    assert_non_null(strstr(sf_session_last_error(x->s), "unprotect --readout"));
    expect(x, sf_session_read(x->s, 0x08000000, buf, 16), SF_ERR_PROTECTED, "read while protected");
    expect(x, sf_session_readout_unprotect(x->s), SF_OK, "readout unprotect");
    expect(x, sf_session_chip(x->s, &chip), SF_OK, "chip");
    assert_false(chip.protection.readout);
    uint8_t *f = board_flash(x);
    for (int i = 0; i < 2048; i++)
        assert_int_equal(f[i], 0xFF);
    free(f), free(a);
    sf_image_free(ia);
}

static void test_go_and_reset(void **state)
{
    struct fx *x = *state;
    open_ok(x);
    assert_int_equal(sf_session_reset(x->s), SF_OK);
    sf_chip chip = SF_CHIP_INIT;
    assert_int_equal(sf_session_chip(x->s, &chip), SF_OK);
    assert_int_equal(chip.pid, x->flash_size == 512 * 1024 ? 0x414 : 0x430);
    char err[256];
    sf_image *img;
    assert_int_equal(sf_image_load(getenv("HELLO_FLASH_ELF"), SF_FORMAT_AUTO, 0, &img, err, sizeof err), SF_OK);
    write_ok(x, img);
    assert_int_equal(sf_session_go(x->s, 0x08000000), SF_OK);
    assert_int_equal(sf_session_chip(x->s, &chip), SF_ERR_STATE); /* the ROM no longer answers */
    sf_image_free(img);
}

static void test_port_errors(void **state)
{
    struct fx *x = *state;
    assert_int_equal(sf_session_open(x->s, "/dev/ttyNONEXISTENT9"), SF_ERR_PORT);
    assert_non_null(strstr(sf_session_last_error(x->s), "no such port"));
    assert_int_equal(sf_session_open(x->s, "sim:stm32f999"), SF_ERR_PORT);
    assert_non_null(strstr(sf_session_last_error(x->s), "stm32f103re"));
    /* A terminal with nobody behind it: the sync gets no answer. */
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    grantpt(m);
    unlockpt(m);
    assert_int_equal(sf_session_open(x->s, ptsname(m)), SF_ERR_TIMEOUT);
    assert_non_null(strstr(sf_session_last_error(x->s), "BOOT0"));
    close(m);
}

static void test_retries_ride_out_line_noise(void **state)
{
    struct fx *x = *state;
    /* About one 258-byte block in four loses a byte or gets a bit flipped on its way to the
     * device: the ROM NACKs the checksum or waits for the missing byte, the library
     * resynchronises and sends the block again. The flash must end up exactly right. */
    snprintf(x->port, sizeof x->port, "sim:%s?flash=%s&corrupt_rx=0.0005&drop_rx=0.0005&seed=7", x->part, x->file);
    sf_session_set_retries(x->s, 10);
    uint8_t *a = pattern(6144, 9);
    sf_image *ia = image_of(a, 6144, 0x08000000);
    open_ok(x);
    write_ok(x, ia);
    uint8_t *f = board_flash(x);
    assert_memory_equal(f, a, 6144);
    free(f);
    free(a);
    sf_image_free(ia);
}

static void test_unprogrammable_page_is_named(void **state)
{
    struct fx *x = *state;
    /* Page 3 already programmed; pages 2-5 written without erasing: the stub's flash driver
     * gets PGERR at the first cell of page 3 and nothing after it is written. */
    open_ok(x);
    uint8_t *old = pattern(2048, 3), *a = bh_noise(8192, 4);
    sf_image *io = image_of(old, 2048, 0x08001800), *ia = image_of(a, 8192, 0x08001000);
    write_ok(x, io);
    assert_int_equal(sf_session_write_image(x->s, ia, SF_WRITE_NO_ERASE), SF_ERR_VERIFY);
    const char *msg = sf_session_last_error(x->s);
    if (!strstr(msg, "0x08001800") || !strstr(msg, "PGERR") || !strstr(msg, "nothing was written after it"))
        fail_msg("unexpected message: %s", msg);
    uint8_t *f = board_flash(x);
    assert_memory_equal(f + 0x1000, a, 2048);     /* page 2: erased before, programmed */
    assert_memory_equal(f + 0x1800, old, 2048);   /* page 3: as it was */
    for (size_t i = 0x2000; i < 0x3000; i++)      /* pages 4-5: untouched */
        assert_int_equal(f[i], 0xFF);
    free(f);
    free(old);
    free(a);
    sf_image_free(io);
    sf_image_free(ia);
}

/* Each unit's states, in order, as the unit callback reported them. */
struct unit_log {
    char seq[512][8];
    uint32_t start[512];
};

static void log_unit(uint32_t index, uint32_t start, uint32_t size, sf_unit_state state, void *user)
{
    struct unit_log *l = user;
    assert_true(index < 512);
    assert_int_equal(size, 2048); /* F1 high density: 2 KiB pages */
    l->start[index] = start;
    size_t n = strlen(l->seq[index]);
    assert_true(n < 7);
    l->seq[index][n] = "PUEwWVF"[state]; /* planned, unchanged, erased, writing, written, verified, failed */
}

static void test_units_are_reported(void **state)
{
    struct fx *x = *state;
    /* Pages 1-4 written, then page 3 changed: the second write touches only page 3 on the
     * stub path (the others are unchanged), all four again on the ROM path. */
    uint8_t *a = pattern(4 * 2048, 5);
    sf_image *ia = image_of(a, 4 * 2048, 0x08000800);
    struct unit_log l1 = {0}, l2 = {0};
    open_ok(x);
    sf_session_set_unit_callback(x->s, log_unit, &l1);
    write_ok(x, ia);
    for (int i = 0; i < 512; i++)
        assert_string_equal(l1.seq[i], i >= 1 && i <= 4 ? (x->rom ? "PEwWV" : "PwWV") : "");
    assert_int_equal(l1.start[3], 0x08001800);
    a[3 * 2048 - 2048 + 7] ^= 0x5A;
    sf_image *ib = image_of(a, 4 * 2048, 0x08000800);
    sf_session_set_unit_callback(x->s, log_unit, &l2);
    write_ok(x, ib);
    for (int i = 1; i <= 4; i++)
        assert_string_equal(l2.seq[i], x->rom ? "PEwWV" : i == 3 ? "PwWV" : "PUV");
    /* A unit that cannot be written is reported failed: page 2 programmed without erasing. */
    struct unit_log l3 = {0};
    a[2048 + 9] ^= 0xFF;
    sf_image *ic = image_of(a, 4 * 2048, 0x08000800);
    sf_session_set_unit_callback(x->s, log_unit, &l3);
    assert_int_not_equal(sf_session_write_image(x->s, ic, SF_WRITE_VERIFY | SF_WRITE_NO_ERASE), SF_OK);
    assert_non_null(strchr(l3.seq[2], 'F'));
    sf_session_set_unit_callback(x->s, NULL, NULL);
    free(a);
    sf_image_free(ia);
    sf_image_free(ib);
    sf_image_free(ic);
}

static void collect_log(sf_log_level level, const char *message, void *user)
{
    (void)level;
    char *log = user; /* 8 KiB */
    size_t n = strlen(log);
    snprintf(log + n, 8192 - n, "%s\n", message);
}

/* Issue 5: a realistic image (the hello program, then up to 150 KB of tables that compress
 * about as firmware does) written and verified, then read back whole, through the stub and
 * through the ROM (--no-stub) in turn; the log says which path each took (a family without a
 * stub driver says so and goes through the ROM both times). */
static void test_realistic_image_through_both_paths(void **state)
{
    struct fx *x = *state;
    static const char *const with_stub[] = {"stm32f1", "stm32f0", "stm32f2", "stm32f3", "stm32f4", "stm32f7", "stm32l4", "stm32g4",
                                            "stm32wb", "stm32wl", "stm32g0", "stm32l0", "stm32l1", "stm32h7", "stm32l5", "stm32u5"};
    bool has_stub = false;
    for (size_t i = 0; i < sizeof with_stub / sizeof with_stub[0]; i++)
        has_stub |= strncmp(x->part, with_stub[i], strlen(with_stub[i])) == 0;
    has_stub &= strcmp(x->part, "stm32l053r8") != 0; /* its ROM leaves 4 KiB: the stub does not fit */
    size_t hlen, n = x->flash_size / 2 < 150 * 1024 ? x->flash_size / 2 : 150 * 1024;
    uint8_t *hello = bh_load_file(getenv("HELLO_FLASH_BIN"), &hlen), *img = pattern(n, 21);
    memcpy(img, hello, hlen);
    for (size_t i = hlen; i < n; i++)
        img[i] = (uint8_t)(i % 7 == 0 ? img[i] : (i / 64) & 0xFF);
    static char log[16384];
    for (int rom = 0; rom < 2; rom++) {
        img[hlen + 100] ^= 0x55; /* each path writes something new */
        sf_image *im = image_of(img, n, 0x08000000);
        log[0] = 0;
        assert_int_equal(sf_session_set_stub(x->s, !rom, SF_STUB_BAUD_AUTO), SF_OK);
        sf_session_set_log(x->s, collect_log, log);
        open_ok(x);
        write_ok(x, im);
        sf_session_set_log(x->s, NULL, NULL);
        bool stub = !rom && has_stub;
        if ((strstr(log, "loading the stub") != NULL) != stub)
            fail_msg("%s path expected:\n%s", stub ? "stub" : "ROM", log);
        if (!rom && !has_stub && !strstr(log, "the stub has no flash driver for the") &&
            !strstr(log, "does not fit the RAM the bootloader leaves free"))
            fail_msg("no word of why the stub is not used:\n%s", log);
        uint8_t *back = malloc(n);
        assert_int_equal(sf_session_read(x->s, 0x08000000, back, n), SF_OK);
        assert_memory_equal(back, img, n);
        free(back);
        uint8_t *f = board_flash(x);
        assert_memory_equal(f, img, n);
        free(f);
        sf_image_free(im);
    }
    free(hello);
    free(img);
}

/* Writing over programmed flash without erasing (SF_WRITE_NO_ERASE, through the stub): the
 * error names the flag the family's controller raised (or that the cells did not take it). */
static void test_flash_error_names_the_familys_flag(void **state)
{
    static const struct { const char *part; uint32_t size; const char *want; } cases[] = {
        {"stm32f103re", 512 * 1024, "PGERR, the cells were not erased"},
        {"stm32l476rg", 1024 * 1024, "PROGERR, the cells were not erased"},
        {"stm32l072cz", 192 * 1024, "NOTZEROERR, the cells were not erased"},
        {"stm32f401re", 512 * 1024, "the cells did not take the data"},
        {"stm32h743zi", 2048 * 1024, "the cells did not take the data"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fx *x;
        setup_part((void **)&x, cases[i].part, cases[i].size, false);
        uint8_t *a = pattern(4096, 31), *b = pattern(4096, 32);
        sf_image *ia = image_of(a, 4096, 0x08000000), *ib = image_of(b, 4096, 0x08000000);
        open_ok(x);
        write_ok(x, ia);
        assert_int_equal(sf_session_write_image(x->s, ib, SF_WRITE_NO_ERASE), SF_ERR_VERIFY);
        if (!strstr(sf_session_last_error(x->s), cases[i].want))
            fail_msg("%s: \"%s\" does not say \"%s\"", cases[i].part, sf_session_last_error(x->s), cases[i].want);
        sf_image_free(ia);
        sf_image_free(ib);
        free(a);
        free(b);
        void *st = x;
        teardown(&st);
    }
}

static void test_sectors_of_mixed_sizes(void **state)
{
    /* F407: 4 x 16 KiB, 64 KiB, 7 x 128 KiB. An old image over sectors 0-5, then 20 KB at the
     * start: only sectors 0 and 1 are erased, the rest of sector 1 kept, sector 2 untouched. A
     * 4-byte change at 0x08020000 needs the whole 128 KiB sector 5 erased: said, and the rest of
     * the sector is written back. */
    struct fx *x = *state;
    size_t old_len = 0x30000;
    uint8_t *old = pattern(old_len, 11), *now = pattern(20 * 1024, 12);
    sf_image *io = image_of(old, old_len, 0x08000000), *in = image_of(now, 20 * 1024, 0x08000000);
    open_ok(x);
    write_ok(x, io);
    write_ok(x, in);
    uint8_t *f = board_flash(x);
    assert_memory_equal(f, now, 20 * 1024);
    assert_memory_equal(f + 20 * 1024, old + 20 * 1024, old_len - 20 * 1024);
    free(f);
    static char log[8192];
    log[0] = 0;
    sf_session_set_log(x->s, collect_log, log);
    open_ok(x);
    sf_image *tiny = image_of((const uint8_t *)"F4!!", 4, 0x08020000);
    write_ok(x, tiny);
    sf_session_set_log(x->s, NULL, NULL);
    if (!strstr(log, "4 bytes of the image make the whole 128 KiB sector at 0x08020000 be erased and rewritten"))
        fail_msg("no warning about the 128 KiB sector in:\n%s", log);
    f = board_flash(x);
    assert_memory_equal(f + 0x20000, "F4!!", 4);
    assert_memory_equal(f + 0x20004, old + 0x20004, old_len - 0x20004);
    for (size_t i = old_len; i < 0x40000; i++) /* sector 5 beyond the old image: still erased */
        assert_int_equal(f[i], 0xFF);
    free(f);
    free(old);
    free(now);
    sf_image_free(io);
    sf_image_free(in);
    sf_image_free(tiny);
}

/* Issue 17 item 5's dual-bank parts: an image across the end of bank 1, written through the
 * stub (which numbers bank 2's units its own way: the G0B1's pages from 256, the F429's sectors
 * from 0x10, the L4R5's 4 KiB pages from 0 with BKER) over older contents, then read back. */
static void test_across_the_banks(void **state)
{
    struct fx *x = *state;
    const uint32_t bank2 = 0x08000000 + x->flash_size / 2, half = 40 * 1024;
    uint8_t *old = pattern(2 * half, 41), *now = pattern(2 * half, 42);
    static char log[8192];
    for (int i = 0; i < 2; i++) {
        sf_image *im = image_of(i ? now : old, 2 * half, bank2 - half);
        log[0] = 0;
        sf_session_set_log(x->s, collect_log, log);
        open_ok(x);
        write_ok(x, im);
        sf_session_set_log(x->s, NULL, NULL);
        if (!strstr(log, "loading the stub"))
            fail_msg("stub path expected:\n%s", log);
        sf_image_free(im);
    }
    uint8_t *f = board_flash(x);
    assert_memory_equal(f + (bank2 - half - 0x08000000), now, 2 * half);
    free(f);
    free(old);
    free(now);
}

/* DBANK = 0 (G4 cat.3, L5: one bank of 4 KiB pages; L4R/S: of 8 KiB), or DB1M = 1 (a 1 MiB
 * F42x: bank 2 from the middle, sectors 12-19). Through the stub and then the ROM, an image
 * across the middle of the flash, where bank 2 starts in the two-bank mode, over older contents
 * that reach 8 KiB further each side: what the image covers holds it, what it does not keeps
 * the old bytes. The factory mode's units, or bank 2 where it is not, erase the wrong cells or
 * none. */
static void test_chosen_banks_across_the_middle(void **state)
{
    struct fx *x = *state;
    const uint32_t mid = 0x08000000 + x->flash_size / 2, half = 40 * 1024, margin = 8 * 1024;
    const uint32_t lo = mid - half - margin, span = 2 * (half + margin);
    uint8_t *old = pattern(span, 51);
    static char log[16384];
    for (int rom = -1; rom < 2; rom++) {
        uint8_t *now = pattern(2 * half, (unsigned)(52 + rom));
        sf_image *im = rom < 0 ? image_of(old, span, lo) : image_of(now, 2 * half, mid - half);
        log[0] = 0;
        assert_int_equal(sf_session_set_stub(x->s, rom <= 0, SF_STUB_BAUD_AUTO), SF_OK);
        sf_session_set_log(x->s, collect_log, log);
        open_ok(x);
        write_ok(x, im);
        sf_session_set_log(x->s, NULL, NULL);
        if (!strstr(log, x->bank_log))
            fail_msg("the library did not say \"%s\":\n%s", x->bank_log, log);
        if ((strstr(log, "loading the stub") != NULL) != (rom <= 0))
            fail_msg("%s path expected:\n%s", rom <= 0 ? "stub" : "ROM", log);
        sf_image_free(im);
        if (rom < 0) {
            free(now);
            continue;
        }
        uint8_t *f = board_flash(x), *at = f + (lo - 0x08000000);
        assert_memory_equal(at, old, margin);
        assert_memory_equal(at + margin, now, 2 * half);
        assert_memory_equal(at + margin + 2 * half, old + margin + 2 * half, margin);
        free(f);
        free(now);
    }
    free(old);
}

struct canceller {
    sf_session *s;
};

static _Atomic uint64_t last_done;
static uint64_t last_total;

static void *cancel_later(void *arg)
{
    struct canceller *c = arg;
    /* Once the write is under way (a loaded machine may take a while to get there), well
     * before its end: 64 KiB take about 6 s at 115200. */
    for (int i = 0; i < 3000 && atomic_load(&last_done) < 8192; i++)
        usleep(10000);
    usleep(300000);
    sf_session_cancel(c->s);
    return NULL;
}
static int backwards;
static void track(sf_phase ph, uint64_t done, uint64_t total, void *user)
{
    (void)user;
    if (ph == SF_PHASE_WRITE) {
        if (done < last_done)
            backwards++;
        last_done = done;
        last_total = total;
    }
}

static void test_cancel_from_another_thread(void **state)
{
    struct fx *x = *state;
    /* Real-time board: 64 KiB at 115200 takes seconds (the stub kept at 115200 too), so the
     * cancel lands mid-write. */
    snprintf(x->port, sizeof x->port, "sim:%s?realtime=1", x->part);
    assert_int_equal(sf_session_set_stub(x->s, !x->rom, 0), SF_OK);
    open_ok(x);
    uint8_t *a = bh_noise(65536, 8);
    last_done = last_total = 0;
    backwards = 0;
    sf_image *ia = image_of(a, 65536, 0x08000000);
    sf_session_set_progress(x->s, track, NULL);
    pthread_t t;
    struct canceller c = {x->s};
    pthread_create(&t, NULL, cancel_later, &c);
    assert_int_equal(sf_session_write_image(x->s, ia, SF_WRITE_VERIFY), SF_ERR_CANCELLED);
    pthread_join(t, NULL);
    /* The sentence names where the write stopped, past where it began. */
    unsigned at = 0;
    const char *where = strstr(sf_session_last_error(x->s), "cancelled at 0x");
    assert_non_null(where);
    assert_int_equal(sscanf(where, "cancelled at 0x%x", &at), 1);
    assert_true(at > 0x08000000u && at < 0x08000000u + 65536);
    assert_int_equal(backwards, 0);
    assert_true(last_done > 0);
    assert_true(last_done < last_total);
    /* The session is still usable after a cancel. */
    sf_session_set_progress(x->s, NULL, NULL);
    uint8_t buf[4];
    assert_int_equal(sf_session_read(x->s, 0x08000000, buf, 4), SF_OK);
    free(a);
    sf_image_free(ia);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_every_format_writes_the_same_flash, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_every_format_writes_the_same_flash, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_bytes_beside_the_image_are_kept, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_read_verify_and_mismatch, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_erase_range_and_all, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_erase_range_and_all, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_image_too_big_leaves_flash_untouched, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_image_too_big_leaves_flash_untouched, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_write_protection_is_checked_before_erasing, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_write_protection_is_checked_before_erasing, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_readout_protection, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_readout_protection, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_go_and_reset, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_go_and_reset, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_port_errors, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_from_another_thread, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_retries_ride_out_line_noise, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_retries_ride_out_line_noise, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_unprogrammable_page_is_named, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_units_are_reported, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_units_are_reported, setup_hd_rom, teardown),
        cmocka_unit_test_setup_teardown(test_unprogrammable_page_is_named, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_every_format_writes_the_same_flash, setup_f030, teardown),
        cmocka_unit_test_setup_teardown(test_every_format_writes_the_same_flash, setup_f072, teardown),
        cmocka_unit_test_setup_teardown(test_every_format_writes_the_same_flash, setup_f303, teardown),
        cmocka_unit_test_setup_teardown(test_bytes_beside_the_image_are_kept, setup_f030, teardown),
        cmocka_unit_test_setup_teardown(test_read_verify_and_mismatch, setup_f303, teardown),
        cmocka_unit_test_setup_teardown(test_erase_range_and_all, setup_f072, teardown),
        cmocka_unit_test_setup_teardown(test_erase_range_and_all, setup_f303, teardown),
        cmocka_unit_test_setup_teardown(test_image_too_big_leaves_flash_untouched, setup_f030, teardown),
        cmocka_unit_test_setup_teardown(test_write_protection_is_checked_before_erasing, setup_f030, teardown),
        cmocka_unit_test_setup_teardown(test_write_protection_is_checked_before_erasing, setup_f072, teardown),
        cmocka_unit_test_setup_teardown(test_readout_protection, setup_f030, teardown),
        cmocka_unit_test_setup_teardown(test_readout_protection, setup_f303, teardown),
        cmocka_unit_test_setup_teardown(test_every_format_writes_the_same_flash, setup_f401, teardown),
        cmocka_unit_test_setup_teardown(test_every_format_writes_the_same_flash, setup_f407, teardown),
        cmocka_unit_test_setup_teardown(test_read_verify_and_mismatch, setup_f407, teardown),
        cmocka_unit_test_setup_teardown(test_image_too_big_leaves_flash_untouched, setup_f401, teardown),
        cmocka_unit_test_setup_teardown(test_readout_protection, setup_f401, teardown),
        cmocka_unit_test(test_flash_error_names_the_familys_flag),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_f401, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_f411, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_f407, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_f446, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_f030, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_f072, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_f303, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_f746, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_g071, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_g474, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_l072, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_l152, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_l432, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_l476, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_wb55, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_h743, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_f105, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_f205, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_g431, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_l053, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_g0b1, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_c031, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_wle5, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_f429, teardown),
        cmocka_unit_test_setup_teardown(test_sectors_of_mixed_sizes, setup_f429, teardown),
        cmocka_unit_test_setup_teardown(test_across_the_banks, setup_f429, teardown),
        cmocka_unit_test_setup_teardown(test_across_the_banks, setup_g0b1, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_f767, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_f767_dual, teardown),
        cmocka_unit_test_setup_teardown(test_sectors_of_mixed_sizes, setup_f767_dual, teardown),
        cmocka_unit_test_setup_teardown(test_across_the_banks, setup_f767_dual, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_h7a3, teardown),
        cmocka_unit_test_setup_teardown(test_across_the_banks, setup_h7a3, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_l4r5, teardown),
        cmocka_unit_test_setup_teardown(test_across_the_banks, setup_l4r5, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_l552, teardown),
        cmocka_unit_test_setup_teardown(test_across_the_banks, setup_l552, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_u575, teardown),
        cmocka_unit_test_setup_teardown(test_across_the_banks, setup_u575, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_l552_one_bank, teardown),
        cmocka_unit_test_setup_teardown(test_chosen_banks_across_the_middle, setup_l552_one_bank, teardown),
        cmocka_unit_test_setup_teardown(test_across_the_banks, setup_g474, teardown),
        cmocka_unit_test_setup_teardown(test_chosen_banks_across_the_middle, setup_g474_one_bank, teardown),
        cmocka_unit_test_setup_teardown(test_chosen_banks_across_the_middle, setup_l4r5_one_bank, teardown),
        cmocka_unit_test_setup_teardown(test_chosen_banks_across_the_middle, setup_f429_db1m, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_image_through_both_paths, setup_h723, teardown),
        cmocka_unit_test_setup_teardown(test_sectors_of_mixed_sizes, setup_f205, teardown),
        cmocka_unit_test_setup_teardown(test_every_format_writes_the_same_flash, setup_f401_rom, teardown),
        cmocka_unit_test_setup_teardown(test_read_verify_and_mismatch, setup_f407_rom, teardown),
        cmocka_unit_test_setup_teardown(test_sectors_of_mixed_sizes, setup_f407, teardown),
        cmocka_unit_test_setup_teardown(test_every_format_writes_the_same_flash, setup_hd_rom, teardown),
        cmocka_unit_test_setup_teardown(test_every_format_writes_the_same_flash, setup_xl_rom, teardown),
        cmocka_unit_test_setup_teardown(test_bytes_beside_the_image_are_kept, setup_hd_rom, teardown),
        cmocka_unit_test_setup_teardown(test_read_verify_and_mismatch, setup_xl_rom, teardown),
        cmocka_unit_test_setup_teardown(test_erase_range_and_all, setup_hd_rom, teardown),
        cmocka_unit_test_setup_teardown(test_go_and_reset, setup_hd_rom, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_from_another_thread, setup_hd_rom, teardown),
        cmocka_unit_test_setup_teardown(test_retries_ride_out_line_noise, setup_hd_rom, teardown),
    };
    /* The ThreadSanitizer run (scripts/test) leaves out the per-part sweep: the threads it
     * watches are the same for every part, and under it a part costs seconds. */
    if (getenv("SESSION_SKIP"))
        cmocka_set_skip_filter(getenv("SESSION_SKIP"));
    if (getenv("SESSION_ONLY")) /* to run one test while chasing it */
        cmocka_set_test_filter(getenv("SESSION_ONLY"));
    if (getenv("SESSION_TEST_FILTER")) /* e.g. test_chosen_banks_across_the_middle: those only */
        cmocka_set_test_filter(getenv("SESSION_TEST_FILTER"));
    return cmocka_run_group_tests_name("session", tests, NULL, NULL);
}
