/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_bank_swap.c - A/B updates on virtual dual-bank boards: the library writes the bank that
 * does not boot and flips BFB2; a board started from the saved flash file with BOOT0 low then
 * runs the firmware that says its version (tests/firmware/version-app.c), the other bank still
 * holds the old one, and a rollback flips back. A power cut during the A/B write leaves the old
 * firmware booting. */
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
#include "run.h"

struct ab {
    const char *part, *v1_env, *v2_env;
    uint32_t bank2; /* where bank 2 starts */
    bool rom_only;  /* the simulator does not model the H7 stub's flash controller with the banks
                     * swapped: the ROM's side only there */
    bool no_erase_swapped; /* an erase names a physical bank (G0B/C, L5): refused while bank 2 boots */
};
static const struct ab l476 = {"stm32l476rg", "VERSION_L4_1_BIN", "VERSION_L4_2_BIN", 0x08080000, false, false};
static const struct ab g474 = {"stm32g474re", "VERSION_G4_1_BIN", "VERSION_G4_2_BIN", 0x08040000, false, false};
static const struct ab h743 = {"stm32h743zi", "VERSION_H7_1_BIN", "VERSION_H7_2_BIN", 0x08100000, true, false};
/* H7A3: SWAP_BANK_OPT as the H743's (bank_swap.c), bank 2 of 128 sectors of 8 KiB at
 * 0x08100000; its own version firmware (tests/firmware/meson.build). ROM only, as the H743. */
static const struct ab h7a3 = {"stm32h7a3zi", "VERSION_H7A_1_BIN", "VERSION_H7A_2_BIN", 0x08100000, true, false};
/* L4+ (L4R5, 2 MiB): BFB2 as on the L4 with DBANK = 1, bank 2 of 256 x 4 KiB pages at
 * 0x08100000; the L4's RCC and USART1: the L4's version firmware. */
static const struct ab l4r5 = {"stm32l4r5zi", "VERSION_L4_1_BIN", "VERSION_L4_2_BIN", 0x08100000, false, false};
/* F42x with 2 MiB: BFB2 steers the bootloader, as on the L4 (bank 2 of 12 sectors at 0x08100000). */
static const struct ab f429 = {"stm32f429zi", "VERSION_F4_1_BIN", "VERSION_F4_2_BIN", 0x08100000, false, false};
/* G0B1: nSWAP_BANK trades the banks' addresses as the H7's option does; the stub's page numbers
 * with the banks swapped are not modelled either: the ROM's side only. */
static const struct ab g0b1 = {"stm32g0b1re", "VERSION_G0_1_BIN", "VERSION_G0_2_BIN", 0x08040000, true, true};
/* The L552 starts on MSI at 4 MHz with the L4's RCC and USART1: the L4's version firmware. Its
 * SWAP_BANK trades the banks' addresses as the H7's does: the ROM's side only, as there. */
static const struct ab l552 = {"stm32l552ze", "VERSION_L4_1_BIN", "VERSION_L4_2_BIN", 0x08040000, true, true};
/* The U575 starts on MSIS at 4 MHz with its RCC at 0x46020C00: its own version firmware. SWAP_BANK
 * as the L5's: the ROM's side only, and no erase while bank 2 boots. */
static const struct ab u575 = {"stm32u575zi", "VERSION_U5_1_BIN", "VERSION_U5_2_BIN", 0x08100000, true, true};

static sf_image *load(const char *env)
{
    char err[256];
    sf_image *img;
    if (sf_image_load(getenv(env), SF_FORMAT_BIN, 0x08000000, &img, err, sizeof err) != SF_OK)
        fail_msg("%s: %s", env, err);
    return img;
}

/* Start a board from the flash file with BOOT0 low and return what it says in its first
 * moments (the version firmware prints one line at 115200 8N1). */
static char *boot_says(const char *part, const char *file)
{
    sim_options opt = {.realtime = false, .boot0 = false, .flash_file = file};
    sim_board *b = bh_board_opts(part, &opt);
    sim_host_set_format(b, 115200, false);
    char *buf = calloc(1, 256);
    size_t n = 0;
    for (int i = 0; i < 50 && !strstr(buf, "running"); i++)
        n += bh_collect(b, buf + n, 256 - n, 20);
    sim_board_free(b);
    return buf;
}

static void expect_boot(const struct ab *t, const char *file, const char *want)
{
    char *said = boot_says(t->part, file);
    if (!strstr(said, want))
        fail_msg("%s with BOOT0 low: expected \"%s\", the board said \"%s\"", t->part, want, said);
    free(said);
}

static sf_session *open_file(const struct ab *t, const char *file)
{
    char port[200];
    snprintf(port, sizeof port, "sim:%s?flash=%s", t->part, file);
    sf_session *s;
    assert_int_equal(sf_session_new(&s), SF_OK);
    if (t->rom_only)
        assert_int_equal(sf_session_set_stub(s, false, 0), SF_OK);
    if (sf_session_open(s, port) != SF_OK)
        fail_msg("open %s: %s", port, sf_session_last_error(s));
    return s;
}

static int boot_bank(sf_session *s)
{
    int bank = 0;
    if (sf_session_boot_bank(s, &bank) != SF_OK)
        fail_msg("boot bank: %s", sf_session_last_error(s));
    return bank;
}

static void ab_ok(sf_session *s, const sf_image *img)
{
    if (sf_session_write_bank_swap(s, img, SF_WRITE_VERIFY) != SF_OK)
        fail_msg("A/B write: %s", sf_session_last_error(s));
}

/* The flash file holds bank 1 then bank 2: img's bytes at the start of the bank. */
static void expect_bank_holds(const char *file, uint32_t offset, const char *env)
{
    size_t flen, ilen;
    uint8_t *f = bh_load_file(file, &flen), *img = bh_load_file(getenv(env), &ilen);
    assert_true(flen > offset + ilen);
    if (memcmp(f + offset, img, ilen))
        fail_msg("the bank at +0x%X does not hold %s", offset, env);
    free(f);
    free(img);
}

static void ab_cycle(const struct ab *t)
{
    char file[64];
    snprintf(file, sizeof file, "/tmp/stubflash-ab-XXXXXX");
    close(mkstemp(file));
    remove(file);
    sf_image *v1 = load(t->v1_env), *v2 = load(t->v2_env);

    /* Version 1 the ordinary way: bank 1 boots it. */
    sf_session *s = open_file(t, file);
    if (sf_session_write_image(s, v1, SF_WRITE_VERIFY) != SF_OK)
        fail_msg("write: %s", sf_session_last_error(s));
    assert_int_equal(boot_bank(s), 1);
    /* A rollback to an empty bank is refused, nothing changed. */
    assert_int_equal(sf_session_swap_banks(s), SF_ERR_STATE);
    assert_int_equal(boot_bank(s), 1);
    /* Version 2 into bank 2, then BFB2: bank 2 boots it; bank 1 keeps version 1. */
    ab_ok(s, v2);
    assert_int_equal(boot_bank(s), 2);
    sf_session_free(s);
    expect_boot(t, file, "app 2 running");
    expect_bank_holds(file, 0, t->v1_env);
    expect_bank_holds(file, t->bank2 - 0x08000000u, t->v2_env);

    /* Rollback: bank 1 (version 1) boots again. */
    s = open_file(t, file);
    assert_int_equal(boot_bank(s), 2);
    if (sf_session_swap_banks(s) != SF_OK)
        fail_msg("rollback: %s", sf_session_last_error(s));
    assert_int_equal(boot_bank(s), 1);
    sf_session_free(s);
    expect_boot(t, file, "app 1 running");

    /* And forward again, then the other way: from bank 2 booting, an update goes to bank 1. */
    s = open_file(t, file);
    assert_int_equal(sf_session_swap_banks(s), SF_OK);
    assert_int_equal(boot_bank(s), 2);
    if (t->no_erase_swapped) {
        /* Which physical bank an erase reaches with the banks swapped is not documented for
         * the bootloader: refused, and both banks as they were (bank_swap.c). */
        assert_int_equal(sf_session_write_bank_swap(s, v1, SF_WRITE_VERIFY), SF_ERR_UNSUPPORTED);
        assert_non_null(strstr(sf_session_last_error(s), "are swapped"));
        assert_int_equal(sf_session_erase_range(s, t->bank2, 2048), SF_ERR_UNSUPPORTED);
        assert_int_equal(boot_bank(s), 2);
        sf_session_free(s);
        expect_boot(t, file, "app 2 running");
        expect_bank_holds(file, 0, t->v1_env);
    } else {
        ab_ok(s, v1); /* "version 3" is version 1's image, now into bank 1 */
        assert_int_equal(boot_bank(s), 1);
        sf_session_free(s);
        expect_boot(t, file, "app 1 running");
    }
    expect_bank_holds(file, t->bank2 - 0x08000000u, t->v2_env);

    sf_image_free(v1);
    sf_image_free(v2);
    remove(file);
}

static void test_ab_l476(void **state)
{
    (void)state;
    ab_cycle(&l476);
}

static void test_ab_g474(void **state)
{
    (void)state;
    ab_cycle(&g474);
}

static void test_ab_l4r5(void **state)
{
    (void)state;
    ab_cycle(&l4r5);
}

/* H7: SWAP_BANK_OPT trades the banks for the bootloader too: the update always goes to bank 2's
 * address, which is bank 1 once swapped. */
static void test_ab_h743(void **state)
{
    (void)state;
    ab_cycle(&h743);
}

/* H7A3/B3: SWAP_BANK_OPT (FLASH_OPTSR bit 31) trades the banks as on the H743: write, switch,
 * version 2 runs, rollback, version 1 runs, then an update into bank 1 while bank 2 boots. */
static void test_ab_h7a3(void **state)
{
    (void)state;
    ab_cycle(&h7a3);
}

/* F42x/43x: BFB2 (FLASH_OPTCR bit 4) and the bootloader's jump to bank 2. */
static void test_ab_f429(void **state)
{
    (void)state;
    ab_cycle(&f429);
}

/* G0B/C: nSWAP_BANK (FLASH_OPTR bit 20, 0 swaps): the update goes to bank 2's address. */
static void test_ab_g0b1(void **state)
{
    (void)state;
    ab_cycle(&g0b1);
}

/* L5: SWAP_BANK (FLASH_OPTR bit 20), the banks' addresses traded for the bootloader too. */
static void test_ab_l552(void **state)
{
    (void)state;
    ab_cycle(&l552);
}

/* U5: SWAP_BANK (FLASH_OPTR bit 20), the banks' addresses traded as on the L5. */
static void test_ab_u575(void **state)
{
    (void)state;
    ab_cycle(&u575);
}

/* Parts without a swappable pair of banks are refused in words, nothing written. */
static void test_ab_refused_on_single_bank(void **state)
{
    (void)state;
    struct ab f103 = {"stm32f103re", "VERSION_L4_1_BIN", "VERSION_L4_2_BIN", 0, false, false};
    char file[64];
    snprintf(file, sizeof file, "/tmp/stubflash-ab-XXXXXX");
    close(mkstemp(file));
    remove(file);
    sf_session *s = open_file(&f103, file);
    sf_image *v1 = load("VERSION_L4_1_BIN");
    int bank;
    assert_int_equal(sf_session_boot_bank(s, &bank), SF_ERR_UNSUPPORTED);
    assert_int_equal(sf_session_write_bank_swap(s, v1, 0), SF_ERR_UNSUPPORTED);
    assert_non_null(strstr(sf_session_last_error(s), "bank"));
    sf_image_free(v1);
    sf_session_free(s);
    remove(file);
}

/* An L476 set to one bank (DUALBANK = 0, FLASH_OPTR bit 21) has nothing to swap. */
static void test_ab_refused_in_single_bank_mode(void **state)
{
    (void)state;
    char file[64];
    snprintf(file, sizeof file, "/tmp/stubflash-ab-XXXXXX");
    close(mkstemp(file));
    remove(file);
    sf_session_free(open_file(&l476, file)); /* a board with factory option bytes, saved */
    size_t len;
    uint8_t *f = bh_load_file(file, &len);
    assert_int_equal(len, 1024 * 1024 + sim_part_option_bytes_size(sim_part_find(l476.part)));
    uint8_t *optr = f + 1024 * 1024;
    assert_true(optr[2] & 0x20);
    optr[2] &= (uint8_t)~0x20; /* DUALBANK 0, complement to match */
    optr[6] = (uint8_t)~optr[2];
    bh_save_file(file, f, len);
    free(f);
    sf_session *s = open_file(&l476, file);
    sf_image *v1 = load(l476.v1_env);
    assert_int_equal(sf_session_write_bank_swap(s, v1, 0), SF_ERR_UNSUPPORTED);
    assert_non_null(strstr(sf_session_last_error(s), "DUALBANK = 0"));
    sf_image_free(v1);
    sf_session_free(s);
    remove(file);
}

/* An L4R5 set to one bank (DBANK = 0, FLASH_OPTR bit 22: one bank of 8 KiB pages) has nothing
 * to swap: refused in words, before anything is written. */
static void test_ab_refused_l4r5_dbank_0(void **state)
{
    (void)state;
    char file[64];
    snprintf(file, sizeof file, "/tmp/stubflash-ab-XXXXXX");
    close(mkstemp(file));
    remove(file);
    sf_session_free(open_file(&l4r5, file));
    size_t len;
    uint8_t *f = bh_load_file(file, &len);
    assert_int_equal(len, 2048 * 1024 + sim_part_option_bytes_size(sim_part_find(l4r5.part)));
    uint8_t *optr = f + 2048 * 1024;
    assert_true(optr[2] & 0x40);
    optr[2] &= (uint8_t)~0x40; /* DBANK 0, complement to match */
    optr[6] = (uint8_t)~optr[2];
    bh_save_file(file, f, len);
    free(f);
    sf_session *s = open_file(&l4r5, file);
    sf_image *v1 = load(l4r5.v1_env);
    int bank;
    assert_int_equal(sf_session_boot_bank(s, &bank), SF_ERR_UNSUPPORTED);
    assert_int_equal(sf_session_write_bank_swap(s, v1, 0), SF_ERR_UNSUPPORTED);
    assert_non_null(strstr(sf_session_last_error(s), "DBANK = 0"));
    assert_int_equal(sf_session_swap_banks(s), SF_ERR_UNSUPPORTED);
    sf_image_free(v1);
    sf_session_free(s);
    /* Nothing written: the flash file's bytes are as they were, all erased. */
    f = bh_load_file(file, &len);
    for (size_t i = 0; i < 2048 * 1024; i += 4096)
        assert_int_equal(f[i], 0xFF);
    free(f);
    remove(file);
}

/* F76x/77x A/B (bank_swap.c, ST's FLASH_DualBoot example): the F767 with nDBANK = 0 and
 * nDBOOT = 1 boots the bank BOOT_ADD0 names (0x2000: bank 1 at 0x08000000, 0x2040: bank 2 at
 * 0x08100000), nothing remapped, so bank 2's firmware is linked for 0x08100000. */
static const struct ab f767 = {"stm32f767zi", "VERSION_F7_1_BIN", "VERSION_F7_2_BANK2_BIN", 0x08100000, false, false};

/* A flash file for the F767 with factory option bytes but nDBANK = 0 (FLASH_OPTCR bit 29: the
 * option byte at 0x1FFF0009 bit 5, its complement at +2), and BOOT_ADD0 = boot_add0 unless 0
 * (the word at 0x1FFF0010: value in bits 15:0, complement in 31:16; RM0385 3.4 table 6). */
static void f767_file(char *file, size_t cap, uint16_t boot_add0)
{
    snprintf(file, cap, "/tmp/stubflash-ab-XXXXXX");
    close(mkstemp(file));
    remove(file);
    sf_session_free(open_file(&f767, file));
    size_t len;
    uint8_t *f = bh_load_file(file, &len);
    assert_int_equal(len, 2048 * 1024 + sim_part_option_bytes_size(sim_part_find(f767.part)));
    uint8_t *ob = f + 2048 * 1024;
    assert_true(ob[9] & 0x20);
    assert_true(ob[9] & 0x10); /* nDBOOT 1, as shipped */
    ob[9] &= (uint8_t)~0x20;
    ob[11] = (uint8_t)~ob[9];
    if (boot_add0) {
        ob[16] = (uint8_t)boot_add0;
        ob[17] = (uint8_t)(boot_add0 >> 8);
        ob[18] = (uint8_t)~ob[16];
        ob[19] = (uint8_t)~ob[17];
    }
    bh_save_file(file, f, len);
    free(f);
}

static sf_image *load_any(const char *env)
{
    char err[256];
    sf_image *img;
    if (sf_image_load(getenv(env), SF_FORMAT_AUTO, 0x08000000, &img, err, sizeof err) != SF_OK)
        fail_msg("%s: %s", env, err);
    return img;
}

/* Whether bank 2 of the F767's flash file is all erased. */
static bool f767_bank2_erased(const char *file)
{
    size_t len;
    uint8_t *f = bh_load_file(file, &len);
    bool erased = true;
    for (size_t i = 1024 * 1024; i < 2048 * 1024 && erased; i++)
        erased = f[i] == 0xFF;
    free(f);
    return erased;
}

static void set_boot_add0(sf_session *s, uint32_t value)
{
    sf_options *o;
    assert_int_equal(sf_session_options_read(s, &o), SF_OK);
    assert_int_equal(sf_options_set(o, "BOOT_ADD0", value), SF_OK);
    if (sf_session_options_write(s, o, 0) != SF_OK)
        fail_msg("options write: %s", sf_session_last_error(s));
    sf_options_free(o);
}

static void test_ab_f767(void **state)
{
    (void)state;
    char file[64];
    f767_file(file, sizeof file, 0);
    sf_image *v1 = load(f767.v1_env);
    sf_session *s = open_file(&f767, file);
    /* The factory's BOOT_ADD0 0x0080 (flash on ITCM) names neither bank's AXIM base: refused. */
    int bank;
    assert_int_equal(sf_session_boot_bank(s, &bank), SF_ERR_UNSUPPORTED);
    assert_non_null(strstr(sf_session_last_error(s), "BOOT_ADD0 = 0x0080"));
    assert_int_equal(sf_session_write_bank_swap(s, v1, 0), SF_ERR_UNSUPPORTED);
    /* Version 1 linked for 0x08000000, BOOT_ADD0 = 0x2000: bank 1 boots it. */
    set_boot_add0(s, 0x2000);
    if (sf_session_write_image(s, v1, SF_WRITE_VERIFY) != SF_OK)
        fail_msg("write: %s", sf_session_last_error(s));
    assert_int_equal(boot_bank(s), 1);
    assert_int_equal(sf_session_swap_banks(s), SF_ERR_STATE); /* bank 2 empty */
    /* Version 2 linked for bank 1's 0x08000000, as ELF and as HEX: refused, nothing written. */
    const char *wrong[] = {"VERSION_F7_2_BANK1_ELF", "VERSION_F7_2_BANK1_HEX", "VERSION_F7_2_BANK1_BIN"};
    for (size_t k = 0; k < 3; k++) {
        sf_image *w = load_any(wrong[k]);
        assert_int_equal(sf_session_write_bank_swap(s, w, SF_WRITE_VERIFY), SF_ERR_FIT);
        const char *why = sf_session_last_error(s);
        if (!strstr(why, k < 2 ? "must lie in 0x08100000..0x081FFFFF" : "linked at 0x08100000"))
            fail_msg("%s: %s", wrong[k], why);
        sf_image_free(w);
    }
    assert_int_equal(boot_bank(s), 1);
    sf_session_free(s);
    assert_true(f767_bank2_erased(file));
    expect_boot(&f767, file, "app 1 running");

    /* Version 2 linked for 0x08100000 (ELF): bank 2 gets it, BOOT_ADD0 = 0x2040, it runs. */
    s = open_file(&f767, file);
    sf_image *v2 = load_any("VERSION_F7_2_BANK2_ELF");
    ab_ok(s, v2);
    assert_int_equal(boot_bank(s), 2);
    sf_session_free(s);
    expect_boot(&f767, file, "app 2 running");
    expect_bank_holds(file, 0, f767.v1_env);
    expect_bank_holds(file, 0x100000, f767.v2_env);

    /* Rollback: BOOT_ADD0 = 0x2000, version 1 again. */
    s = open_file(&f767, file);
    if (sf_session_swap_banks(s) != SF_OK)
        fail_msg("rollback: %s", sf_session_last_error(s));
    assert_int_equal(boot_bank(s), 1);
    sf_session_free(s);
    expect_boot(&f767, file, "app 1 running");

    /* Forward again, then an update from bank 2 booting goes to bank 1: version 1's binary,
     * linked for 0x08000000, placed at bank 1's base. */
    s = open_file(&f767, file);
    assert_int_equal(sf_session_swap_banks(s), SF_OK);
    assert_int_equal(boot_bank(s), 2);
    ab_ok(s, v1);
    assert_int_equal(boot_bank(s), 1);
    sf_session_free(s);
    expect_boot(&f767, file, "app 1 running");
    expect_bank_holds(file, 0x100000, f767.v2_env);

    sf_image_free(v1);
    sf_image_free(v2);
    remove(file);
}

/* nDBANK = 1 (the factory's: one bank), then nDBOOT = 0 (FLASH_OPTCR bit 28: the option byte
 * at 0x1FFF0009 bit 4; dual-bank boot by the bootloader): each refused in words, nothing
 * written. */
static void test_ab_refused_f767_ndboot_0(void **state)
{
    (void)state;
    char file[64];
    /* As shipped, nDBANK = 1: one bank, refused with that said. */
    snprintf(file, sizeof file, "/tmp/stubflash-ab-XXXXXX");
    close(mkstemp(file));
    remove(file);
    sf_session *s = open_file(&f767, file);
    int bank;
    assert_int_equal(sf_session_boot_bank(s, &bank), SF_ERR_UNSUPPORTED);
    assert_non_null(strstr(sf_session_last_error(s), "nDBANK = 1"));
    sf_session_free(s);
    remove(file);
    f767_file(file, sizeof file, 0x2000);
    size_t len;
    uint8_t *f = bh_load_file(file, &len);
    uint8_t *ob = f + 2048 * 1024;
    ob[9] &= (uint8_t)~0x10;
    ob[11] = (uint8_t)~ob[9];
    bh_save_file(file, f, len);
    free(f);
    s = open_file(&f767, file);
    sf_image *v2 = load_any("VERSION_F7_2_BANK2_ELF");
    assert_int_equal(sf_session_boot_bank(s, &bank), SF_ERR_UNSUPPORTED);
    assert_int_equal(sf_session_write_bank_swap(s, v2, 0), SF_ERR_UNSUPPORTED);
    assert_non_null(strstr(sf_session_last_error(s), "nDBOOT = 0"));
    assert_int_equal(sf_session_swap_banks(s), SF_ERR_UNSUPPORTED);
    sf_image_free(v2);
    sf_session_free(s);
    assert_true(f767_bank2_erased(file));
    remove(file);
}

/* The power goes while the A/B write runs, at the first progress report of a phase. */
struct cut {
    sim_board *board;
    sf_phase phase;
    bool armed, done;
};

static void cut_on_progress(sf_phase ph, uint64_t done, uint64_t total, void *user)
{
    (void)done, (void)total;
    struct cut *c = user;
    if (c->armed && !c->done && ph == c->phase) {
        c->done = true;
        sim_board_power_cut(c->board, 50);
    }
}

static void power_cut_during_ab(const struct ab *t)
{
    const sf_phase phases[] = {SF_PHASE_ERASE, SF_PHASE_WRITE, SF_PHASE_VERIFY};
    for (size_t k = 0; k < 3; k++) {
        pty_board p;
        char file[64];
        snprintf(file, sizeof file, "/tmp/stubflash-ab-XXXXXX");
        close(mkstemp(file));
        remove(file);
        sim_options opt = {.realtime = false, .boot0 = true, .flash_file = file};
        pb_open(&p, t->part, &opt);
        sf_image *v1 = load(t->v1_env), *v2 = load(t->v2_env);
        sf_session *s;
        assert_int_equal(sf_session_new(&s), SF_OK);
        assert_int_equal(sf_session_set_stub(s, false, 0), SF_OK);
        struct cut c = {.board = p.board, .phase = phases[k]};
        sf_session_set_progress(s, cut_on_progress, &c);
        if (sf_session_open(s, sim_pty_path(p.pty)) != SF_OK)
            fail_msg("open: %s", sf_session_last_error(s));
        assert_int_equal(sf_session_write_image(s, v1, SF_WRITE_VERIFY), SF_OK);
        c.armed = true;
        sf_error e = sf_session_write_bank_swap(s, v2, SF_WRITE_VERIFY);
        assert_true(c.done);
        sf_session_free(s);
        char *err = NULL;
        if (sim_board_save(p.board, &err))
            fail_msg("save: %s", err ? err : "?");
        assert_int_equal(pb_close(&p), 0);
        /* A failed update leaves version 1 booting; one the library finished after the
         * power came back boots version 2. Never anything else. */
        expect_boot(t, file, e == SF_OK ? "app 2 running" : "app 1 running");
        expect_bank_holds(file, 0, t->v1_env);
        printf("%s, power cut at phase %d: %s\n", t->part, (int)phases[k], e == SF_OK ? "the update finished after it" : "the update failed, version 1 boots");
        sf_image_free(v1);
        sf_image_free(v2);
        remove(file);
    }
}

static void test_power_cut_during_ab_keeps_the_old_firmware(void **state)
{
    (void)state;
    power_cut_during_ab(&l476);
}

static void test_power_cut_during_ab_l4r5(void **state)
{
    (void)state;
    power_cut_during_ab(&l4r5);
}

static void test_power_cut_during_ab_h7a3(void **state)
{
    (void)state;
    power_cut_during_ab(&h7a3);
}

static void test_power_cut_during_ab_f429(void **state)
{
    (void)state;
    power_cut_during_ab(&f429);
}

static void test_power_cut_during_ab_g0b1(void **state)
{
    (void)state;
    power_cut_during_ab(&g0b1);
}

/* F767: the power goes during the A/B write of version 2's binary (linked for 0x08100000,
 * placed at bank 2's base): version 1 keeps booting unless the library finished the update. */
static void test_power_cut_during_ab_f767(void **state)
{
    (void)state;
    const sf_phase phases[] = {SF_PHASE_ERASE, SF_PHASE_WRITE, SF_PHASE_VERIFY};
    for (size_t k = 0; k < 3; k++) {
        pty_board p;
        char file[64];
        f767_file(file, sizeof file, 0x2000);
        sim_options opt = {.realtime = false, .boot0 = true, .flash_file = file};
        pb_open(&p, f767.part, &opt);
        sf_image *v1 = load(f767.v1_env), *v2 = load(f767.v2_env);
        sf_session *s;
        assert_int_equal(sf_session_new(&s), SF_OK);
        assert_int_equal(sf_session_set_stub(s, false, 0), SF_OK);
        struct cut c = {.board = p.board, .phase = phases[k]};
        sf_session_set_progress(s, cut_on_progress, &c);
        if (sf_session_open(s, sim_pty_path(p.pty)) != SF_OK)
            fail_msg("open: %s", sf_session_last_error(s));
        assert_int_equal(sf_session_write_image(s, v1, SF_WRITE_VERIFY), SF_OK);
        c.armed = true;
        sf_error e = sf_session_write_bank_swap(s, v2, SF_WRITE_VERIFY);
        assert_true(c.done);
        sf_session_free(s);
        char *err = NULL;
        if (sim_board_save(p.board, &err))
            fail_msg("save: %s", err ? err : "?");
        assert_int_equal(pb_close(&p), 0);
        expect_boot(&f767, file, e == SF_OK ? "app 2 running" : "app 1 running");
        expect_bank_holds(file, 0, f767.v1_env);
        printf("%s, power cut at phase %d: %s\n", f767.part, (int)phases[k],
               e == SF_OK ? "the update finished after it" : "the update failed, version 1 boots");
        sf_image_free(v1);
        sf_image_free(v2);
        remove(file);
    }
}

/* The command line: options (--json), the refusals of options set, write --bank-swap, info
 * --json's boot_bank, rollback --bank-swap. */
static void test_cli_options_and_bank_swap(void **state)
{
    (void)state;
    char file[64], port[160], log[80];
    snprintf(file, sizeof file, "/tmp/stubflash-ab-XXXXXX");
    close(mkstemp(file));
    remove(file);
    snprintf(log, sizeof log, "%s.log", file);
    snprintf(port, sizeof port, "sim:stm32l476rg?flash=%s", file);
    assert_int_equal(run_stubflash(port, log, "write", getenv("VERSION_L4_1_BIN"), NULL), 0);
    assert_int_equal(run_stubflash(port, log, "--json", "options", NULL), 0);
    assert_true(bh_file_has(log, "\"options\": {\"RDP\": 170, \"BOR_LEV\": 0, "));
    assert_int_equal(run_stubflash(port, log, "options", "set", "nSWBOOT0=0", "--yes", NULL), 2);
    assert_true(bh_file_has(log, "--allow-no-bootloader"));
    assert_int_equal(run_stubflash(port, log, "options", "set", "BOR_LEV=1", NULL), 2);
    assert_true(bh_file_has(log, "BOR_LEV: 0 -> 1"));
    assert_int_equal(run_stubflash(port, log, "options", "set", "RDP=0xCC", "--yes", NULL), 2);
    assert_int_equal(run_stubflash(port, log, "--json", "info", NULL), 0);
    assert_true(bh_file_has(log, "\"boot_bank\": 1"));
    assert_int_equal(run_stubflash(port, log, "write", "--bank-swap", getenv("VERSION_L4_2_BIN"), NULL), 0);
    assert_int_equal(run_stubflash(port, log, "--json", "info", NULL), 0);
    assert_true(bh_file_has(log, "\"boot_bank\": 2"));
    expect_boot(&l476, file, "app 2 running");
    assert_int_equal(run_stubflash(port, log, "rollback", "--bank-swap", NULL), 0);
    assert_true(bh_file_has(log, "from 2 to 1"));
    expect_boot(&l476, file, "app 1 running");
    remove(file);
    remove(log);
}

/* The command line on the H7A3: write (through its stub), info --json's boot_bank, write
 * --bank-swap into bank 2 (bank 1 boots, so the stub sees the banks where they are), rollback
 * --bank-swap back to bank 1. */
static void test_cli_bank_swap_h7a3(void **state)
{
    (void)state;
    char file[64], port[160], log[80];
    snprintf(file, sizeof file, "/tmp/stubflash-ab-XXXXXX");
    close(mkstemp(file));
    remove(file);
    snprintf(log, sizeof log, "%s.log", file);
    snprintf(port, sizeof port, "sim:%s?flash=%s", h7a3.part, file);
    assert_int_equal(run_stubflash(port, log, "write", getenv(h7a3.v1_env), NULL), 0);
    assert_int_equal(run_stubflash(port, log, "--json", "info", NULL), 0);
    assert_true(bh_file_has(log, "\"boot_bank\": 1"));
    assert_int_equal(run_stubflash(port, log, "write", "--bank-swap", getenv(h7a3.v2_env), NULL), 0);
    assert_true(bh_file_has(log, "SWAP_BANK_OPT = 1"));
    assert_int_equal(run_stubflash(port, log, "--json", "info", NULL), 0);
    assert_true(bh_file_has(log, "\"boot_bank\": 2"));
    expect_boot(&h7a3, file, "app 2 running");
    assert_int_equal(run_stubflash(port, log, "rollback", "--bank-swap", NULL), 0);
    assert_true(bh_file_has(log, "from 2 to 1"));
    expect_boot(&h7a3, file, "app 1 running");
    remove(file);
    remove(log);
}

/* The F42x/43x with 1 MiB ships as one bank (DB1M = 0): A/B needs two. DB1M = 1 is refused
 * without SF_OPTIONS_ALLOW_BANK_MODE (nothing written, the firmware kept); with it the chip
 * comes back as two banks of 512 KiB, its flash erased; then the A/B cycle runs there. */
static void test_bank_mode_then_ab_f429zg(void **state)
{
    (void)state;
    const struct ab zg = {"stm32f429zg", "VERSION_F4_1_BIN", "VERSION_F4_2_BIN", 0x08080000, false, false};
    char file[64];
    snprintf(file, sizeof file, "/tmp/stubflash-ab-XXXXXX");
    close(mkstemp(file));
    remove(file);
    sf_session *s = open_file(&zg, file);
    sf_image *v1 = load(zg.v1_env), *v2 = load(zg.v2_env);
    assert_int_equal(sf_session_write_image(s, v1, SF_WRITE_VERIFY), SF_OK);
    int bank = 0;
    assert_int_equal(sf_session_boot_bank(s, &bank), SF_ERR_UNSUPPORTED); /* one bank */
    assert_int_equal(sf_session_write_bank_swap(s, v2, SF_WRITE_VERIFY), SF_ERR_UNSUPPORTED);
    assert_non_null(strstr(sf_session_last_error(s), "DB1M = 0"));
    sf_options *o;
    assert_int_equal(sf_session_options_read(s, &o), SF_OK);
    size_t i;
    assert_int_equal(sf_options_find(o, "DB1M", &i), SF_OK);
    assert_true(sf_options_flags(o, i) & SF_OPTION_BANK_MODE);
    assert_int_equal(sf_options_set(o, "DB1M", 1), SF_OK);
    assert_int_equal(sf_session_options_write(s, o, 0), SF_ERR_ARG);
    assert_non_null(strstr(sf_session_last_error(s), "re-organises the flash"));
    uint8_t head[16], blank[16];
    assert_int_equal(sf_session_read(s, 0x08000000, head, sizeof head), SF_OK);
    memset(blank, 0xFF, sizeof blank);
    assert_memory_not_equal(head, blank, sizeof head); /* nothing written, the firmware kept */
    if (sf_session_options_write(s, o, SF_OPTIONS_ALLOW_BANK_MODE) != SF_OK)
        fail_msg("DB1M: %s", sf_session_last_error(s));
    sf_options_free(o);
    sf_chip chip = SF_CHIP_INIT;
    assert_int_equal(sf_session_chip(s, &chip), SF_OK);
    assert_true(chip.device->dual_bank);
    assert_int_equal(sf_session_read(s, 0x08000000, head, sizeof head), SF_OK);
    assert_memory_equal(head, blank, sizeof head); /* erased in the new organisation */
    assert_int_equal(sf_session_write_image(s, v1, SF_WRITE_VERIFY), SF_OK);
    assert_int_equal(boot_bank(s), 1);
    ab_ok(s, v2);
    assert_int_equal(boot_bank(s), 2);
    sf_session_free(s);
    expect_boot(&zg, file, "app 2 running");
    sf_image_free(v1);
    sf_image_free(v2);
    remove(file);
}

/* An F767 as shipped (nDBANK = 1, BOOT_ADD0 on the ITCM flash) made ready for A/B from the
 * command line: nDBANK = 0 with BOOT_ADD0 = 0x2000 needs --erase-all; then version 2, linked
 * for bank 2, boots after write --bank-swap. */
static void test_cli_bank_mode_then_ab_f767(void **state)
{
    (void)state;
    char file[64], port[160], log[80];
    snprintf(file, sizeof file, "/tmp/stubflash-ab-XXXXXX");
    close(mkstemp(file));
    remove(file);
    snprintf(log, sizeof log, "%s.log", file);
    snprintf(port, sizeof port, "sim:stm32f767zi?flash=%s", file);
    assert_int_equal(run_stubflash(port, log, "write", getenv("VERSION_F7_1_BIN"), NULL), 0);
    assert_int_equal(run_stubflash(port, log, "options", "set", "nDBANK=0", "BOOT_ADD0=0x2000", "--yes", NULL), 2);
    assert_true(bh_file_has(log, "ERASES ALL FLASH"));
    expect_bank_holds(file, 0, "VERSION_F7_1_BIN");
    assert_int_equal(run_stubflash(port, log, "options", "set", "nDBANK=0", "BOOT_ADD0=0x2000", "--yes", "--erase-all",
                                   NULL), 0);
    assert_int_equal(run_stubflash(port, log, "write", getenv("VERSION_F7_1_BIN"), NULL), 0);
    assert_int_equal(run_stubflash(port, log, "write", "--bank-swap", getenv("VERSION_F7_2_BANK2_ELF"), NULL), 0);
    assert_int_equal(run_stubflash(port, log, "--json", "info", NULL), 0);
    assert_true(bh_file_has(log, "\"boot_bank\": 2"));
    expect_boot(&f767, file, "app 2 running");
    remove(file);
    remove(log);
}

/* The command line on the F767: a binary for bank 2 (linked for 0x08100000) goes there, with
 * the line that says so; info --json's boot_bank; rollback --bank-swap. */
static void test_cli_bank_swap_f767(void **state)
{
    (void)state;
    char file[64], port[160], log[80];
    f767_file(file, sizeof file, 0x2000);
    snprintf(log, sizeof log, "%s.log", file);
    snprintf(port, sizeof port, "sim:stm32f767zi?flash=%s", file);
    assert_int_equal(run_stubflash(port, log, "write", getenv("VERSION_F7_1_BIN"), NULL), 0);
    assert_int_equal(run_stubflash(port, log, "--json", "info", NULL), 0);
    assert_true(bh_file_has(log, "\"boot_bank\": 1"));
    assert_int_equal(run_stubflash(port, log, "write", "--bank-swap", getenv("VERSION_F7_2_BANK2_BIN"), NULL), 0);
    assert_true(bh_file_has(log, "must be linked for 0x08100000"));
    assert_int_equal(run_stubflash(port, log, "--json", "info", NULL), 0);
    assert_true(bh_file_has(log, "\"boot_bank\": 2"));
    expect_boot(&f767, file, "app 2 running");
    assert_int_equal(run_stubflash(port, log, "rollback", "--bank-swap", NULL), 0);
    assert_true(bh_file_has(log, "from 2 to 1"));
    expect_boot(&f767, file, "app 1 running");
    /* Version 2 linked for 0x08000000 as HEX: refused (exit 3, the image does not fit), bank 2
     * keeps version 2. */
    assert_int_equal(run_stubflash(port, log, "write", "--bank-swap", getenv("VERSION_F7_2_BANK1_HEX"), NULL), 3);
    assert_true(bh_file_has(log, "must lie in 0x08100000..0x081FFFFF"));
    expect_bank_holds(file, 0x100000, "VERSION_F7_2_BANK2_BIN");
    remove(file);
    remove(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ab_l476),
        cmocka_unit_test(test_ab_g474),
        cmocka_unit_test(test_ab_l4r5),
        cmocka_unit_test(test_ab_refused_l4r5_dbank_0),
        cmocka_unit_test(test_ab_f767),
        cmocka_unit_test(test_ab_refused_f767_ndboot_0),
        cmocka_unit_test(test_ab_h743),
        cmocka_unit_test(test_ab_h7a3),
        cmocka_unit_test(test_ab_f429),
        cmocka_unit_test(test_ab_g0b1),
        cmocka_unit_test(test_ab_refused_on_single_bank),
        cmocka_unit_test(test_ab_l552),
        cmocka_unit_test(test_ab_u575),
        cmocka_unit_test(test_ab_refused_in_single_bank_mode),
        cmocka_unit_test(test_power_cut_during_ab_keeps_the_old_firmware),
        cmocka_unit_test(test_power_cut_during_ab_l4r5),
        cmocka_unit_test(test_power_cut_during_ab_h7a3),
        cmocka_unit_test(test_power_cut_during_ab_f429),
        cmocka_unit_test(test_power_cut_during_ab_g0b1),
        cmocka_unit_test(test_power_cut_during_ab_f767),
        cmocka_unit_test(test_cli_options_and_bank_swap),
        cmocka_unit_test(test_cli_bank_swap_h7a3),
        cmocka_unit_test(test_cli_bank_swap_f767),
        cmocka_unit_test(test_bank_mode_then_ab_f429zg),
        cmocka_unit_test(test_cli_bank_mode_then_ab_f767),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
