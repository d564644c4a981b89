/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_image.c - image loaders: the same program in every format gives the same bytes; each
 * kind of bad input gets a specific error naming the file and the line or offset. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <stubflash/stubflash.h>

#include "board_host.h"

static char err[512];

/* Flatten an image into [base, base+len) with 0xFF in gaps. */
static uint8_t *flatten(const sf_image *img, uint32_t *base, size_t *len)
{
    uint32_t lo, hi;
    sf_image_bounds(img, &lo, &hi);
    uint8_t *buf = malloc(hi - lo);
    memset(buf, 0xFF, hi - lo);
    for (size_t i = 0; i < sf_image_segment_count(img); i++) {
        uint32_t a;
        const uint8_t *d;
        size_t n;
        sf_image_segment(img, i, &a, &d, &n);
        memcpy(buf + (a - lo), d, n);
    }
    *base = lo;
    *len = hi - lo;
    return buf;
}

static sf_image *load(const char *env, sf_image_format f)
{
    sf_image *img = NULL;
    const char *path = getenv(env);
    assert_non_null(path);
    if (sf_image_load(path, f, 0x08000000, &img, err, sizeof err) != SF_OK)
        fail_msg("%s", err);
    return img;
}

static void test_formats_agree(void **state)
{
    (void)state;
    sf_image *bin = load("HELLO_FLASH_BIN", SF_FORMAT_AUTO), *hex = load("HELLO_FLASH_HEX", SF_FORMAT_AUTO),
             *srec = load("HELLO_FLASH_SREC", SF_FORMAT_AUTO), *elf = load("HELLO_FLASH_ELF", SF_FORMAT_AUTO);
    assert_int_equal(sf_image_get_format(bin), SF_FORMAT_BIN);
    assert_int_equal(sf_image_get_format(hex), SF_FORMAT_IHEX);
    assert_int_equal(sf_image_get_format(srec), SF_FORMAT_SREC);
    assert_int_equal(sf_image_get_format(elf), SF_FORMAT_ELF);
    uint32_t b0, b1, b2, b3;
    size_t l0, l1, l2, l3;
    uint8_t *f0 = flatten(bin, &b0, &l0), *f1 = flatten(hex, &b1, &l1), *f2 = flatten(srec, &b2, &l2),
            *f3 = flatten(elf, &b3, &l3);
    assert_int_equal(b0, 0x08000000);
    assert_int_equal(b1, b0);
    assert_int_equal(b2, b0);
    assert_int_equal(b3, b0);
    assert_int_equal(l1, l0);
    assert_int_equal(l2, l0);
    assert_int_equal(l3, l0);
    assert_memory_equal(f1, f0, l0);
    assert_memory_equal(f2, f0, l0);
    assert_memory_equal(f3, f0, l0);
    uint32_t e1, e3;
    assert_true(sf_image_entry(elf, &e3));
    assert_true(sf_image_entry(hex, &e1));
    assert_int_equal(e1, e3);
    free(f0), free(f1), free(f2), free(f3);
    sf_image_free(bin), sf_image_free(hex), sf_image_free(srec), sf_image_free(elf);
}

static void test_gzip_is_transparent(void **state)
{
    (void)state;
    size_t len;
    uint8_t *hex = bh_load_file(getenv("HELLO_FLASH_HEX"), &len);
    char path[] = "/tmp/stubflash-gz-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    gzFile gz = gzopen(path, "wb");
    assert_int_equal(gzwrite(gz, hex, (unsigned)len), (int)len);
    gzclose(gz);
    sf_image *a = NULL, *b = load("HELLO_FLASH_HEX", SF_FORMAT_AUTO);
    assert_int_equal(sf_image_load(path, SF_FORMAT_AUTO, 0, &a, err, sizeof err), SF_OK);
    assert_int_equal(sf_image_get_format(a), SF_FORMAT_IHEX);
    assert_int_equal(sf_image_size(a), sf_image_size(b));

    /* Truncated gzip: the stream stops in the middle. */
    FILE *f = fopen(path, "rb");
    uint8_t buf[4096];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    f = fopen(path, "wb");
    fwrite(buf, 1, n / 2, f);
    fclose(f);
    sf_image *c = NULL;
    assert_int_equal(sf_image_load(path, SF_FORMAT_AUTO, 0, &c, err, sizeof err), SF_ERR_FILE);
    assert_null(c);
    assert_non_null(strstr(err, "gzip"));

    /* Corrupt gzip: a valid header, then garbage. */
    memset(buf + 10, 0xA5, n - 10);
    f = fopen(path, "wb");
    fwrite(buf, 1, n, f);
    fclose(f);
    assert_int_equal(sf_image_load(path, SF_FORMAT_AUTO, 0, &c, err, sizeof err), SF_ERR_FILE);
    assert_non_null(strstr(err, "gzip"));
    remove(path);
    sf_image_free(a), sf_image_free(b);
    free(hex);
}

static sf_error parse(const char *text, sf_image **img)
{
    return sf_image_load_memory((const uint8_t *)text, strlen(text), "t.hex", SF_FORMAT_AUTO, 0, img, err, sizeof err);
}

static void test_ihex_records(void **state)
{
    (void)state;
    /* Type 04 sets the upper address; records out of order and with a gap; type 05 entry. */
    const char *text =
        ":020000040800F2\n"
        ":04001000DEADBEEFB4\n"
        ":0400000001020304F2\n"
        ":0400000005060708E2\r\n" /* line 4: overlaps line 3 with other values */
        ":00000001FF\n";
    sf_image *img = NULL;
    assert_int_equal(parse(text, &img), SF_ERR_FILE);
    assert_non_null(strstr(err, "t.hex:4:"));
    assert_non_null(strstr(err, "overlaps"));

    const char *good =
        ":020000040800F2\n"
        ":04001000DEADBEEFB4\n"
        ":0400000001020304F2\n"
        ":0400000508000101ED\n"
        ":00000001FF\n";
    assert_int_equal(parse(good, &img), SF_OK);
    assert_int_equal(sf_image_segment_count(img), 2);
    uint32_t a;
    const uint8_t *d;
    size_t n;
    sf_image_segment(img, 0, &a, &d, &n);
    assert_int_equal(a, 0x08000000);
    assert_int_equal(n, 4);
    assert_int_equal(d[3], 0x04);
    sf_image_segment(img, 1, &a, &d, &n);
    assert_int_equal(a, 0x08000010);
    assert_int_equal(d[0], 0xDE);
    uint32_t entry;
    assert_true(sf_image_entry(img, &entry));
    assert_int_equal(entry, 0x08000101);
    sf_image_free(img);

    /* Type 02: segment address 0x1000 -> base 0x10000. */
    assert_int_equal(parse(":020000021000EC\n:0100000042BD\n:00000001FF\n", &img), SF_OK);
    sf_image_segment(img, 0, &a, &d, &n);
    assert_int_equal(a, 0x10000);
    sf_image_free(img);
}

static void test_ihex_errors(void **state)
{
    (void)state;
    sf_image *img = NULL;
    assert_int_equal(parse(":0400000001020304F2\n:0400040001020304F0\n:00000001FF\n", &img), SF_ERR_FILE);
    assert_non_null(strstr(err, "t.hex:2: checksum 0xF0, expected 0xEE"));
    assert_int_equal(parse(":0400000001020304F2\n", &img), SF_ERR_FILE);
    assert_non_null(strstr(err, "no end-of-file record"));
    assert_int_equal(parse(":0400000001020304F2\n:0400000601020304EC\n", &img), SF_ERR_FILE);
    assert_non_null(strstr(err, "t.hex:2: unknown record type 06"));
    assert_int_equal(parse(":04000000010G0304F2\n:00000001FF\n", &img), SF_ERR_FILE);
    assert_non_null(strstr(err, "t.hex:1: not a hexadecimal digit"));
    assert_int_equal(parse(":0500000001020304F2\n:00000001FF\n", &img), SF_ERR_FILE);
    assert_non_null(strstr(err, "byte count says 5"));
    assert_int_equal(sf_image_load_memory((const uint8_t *)":00000001FF\n", 12, "e.hex", SF_FORMAT_IHEX, 0, &img, err, sizeof err), SF_ERR_FILE);
    assert_non_null(strstr(err, "no data"));
    assert_null(img);
}

static void test_srec(void **state)
{
    (void)state;
    sf_image *img = NULL;
    /* S3 data at 0x08000000, S5 count 1, S7 entry 0x08000101. */
    const char *good = "S00600004844521B\nS30908000000DEADBEEFB6\nS5030001FB\nS70508000101F0\n";
    assert_int_equal(sf_image_load_memory((const uint8_t *)good, strlen(good), "t.srec", SF_FORMAT_AUTO, 0, &img, err, sizeof err), SF_OK);
    uint32_t a, e;
    const uint8_t *d;
    size_t n;
    sf_image_segment(img, 0, &a, &d, &n);
    assert_int_equal(a, 0x08000000);
    assert_int_equal(n, 4);
    assert_int_equal(d[0], 0xDE);
    assert_true(sf_image_entry(img, &e));
    assert_int_equal(e, 0x08000101);
    sf_image_free(img);

    const char *bad_sum = "S30908000000DEADBEEFB7\nS70508000101F0\n";
    assert_int_equal(sf_image_load_memory((const uint8_t *)bad_sum, strlen(bad_sum), "t.srec", SF_FORMAT_AUTO, 0, &img, err, sizeof err), SF_ERR_FILE);
    assert_non_null(strstr(err, "t.srec:1: checksum 0xB7, expected 0xB6"));
    const char *truncated = "S30908000000DEADBEEFB6\n";
    assert_int_equal(sf_image_load_memory((const uint8_t *)truncated, strlen(truncated), "t.srec", SF_FORMAT_AUTO, 0, &img, err, sizeof err), SF_ERR_FILE);
    assert_non_null(strstr(err, "no termination record"));
    const char *count = "S30908000000DEADBEEFB6\nS5030002FA\nS70508000101F0\n";
    assert_int_equal(sf_image_load_memory((const uint8_t *)count, strlen(count), "t.srec", SF_FORMAT_AUTO, 0, &img, err, sizeof err), SF_ERR_FILE);
    assert_non_null(strstr(err, "t.srec:2: record count says 2"));
}

static void test_elf_errors(void **state)
{
    (void)state;
    size_t len;
    uint8_t *elf = bh_load_file(getenv("HELLO_FLASH_ELF"), &len);
    sf_image *img = NULL;
    /* Truncated: the segment's bytes are cut off. */
    assert_int_equal(sf_image_load_memory(elf, 0x1010, "t.elf", SF_FORMAT_AUTO, 0, &img, err, sizeof err), SF_ERR_FILE);
    assert_non_null(strstr(err, "t.elf: offset 0x1000"));
    assert_non_null(strstr(err, "truncated"));
    /* No loadable segment: turn every PT_LOAD into PT_NULL. */
    uint32_t phoff;
    memcpy(&phoff, elf + 28, 4);
    uint16_t phentsize = (uint16_t)(elf[42] | elf[43] << 8), phnum = (uint16_t)(elf[44] | elf[45] << 8);
    for (unsigned i = 0; i < phnum; i++)
        memset(elf + phoff + i * phentsize, 0, 4);
    assert_int_equal(sf_image_load_memory(elf, len, "t.elf", SF_FORMAT_AUTO, 0, &img, err, sizeof err), SF_ERR_FILE);
    assert_non_null(strstr(err, "no loadable segment"));
    assert_null(img);
    free(elf);
}

static void test_add_merges_and_checks_overlap(void **state)
{
    (void)state;
    sf_image *img;
    assert_int_equal(sf_image_new(&img), SF_OK);
    uint8_t a[4] = {1, 2, 3, 4}, b[4] = {3, 4, 5, 6}, c[2] = {9, 9};
    assert_int_equal(sf_image_add(img, 100, a, 4), SF_OK);
    assert_int_equal(sf_image_add(img, 102, b, 4), SF_OK); /* overlap with equal bytes */
    assert_int_equal(sf_image_add(img, 90, c, 2), SF_OK);
    assert_int_equal(sf_image_segment_count(img), 2);
    assert_int_equal(sf_image_add(img, 92, c, 2), SF_OK);  /* touches 90..91 */
    assert_int_equal(sf_image_segment_count(img), 2);
    assert_int_equal(sf_image_add(img, 94, c, 6 - 4), SF_OK);
    uint8_t d[8] = {0};
    assert_int_equal(sf_image_add(img, 96, d, 8), SF_ERR_FILE); /* 100..103 differ */
    assert_int_equal(sf_image_size(img), 2 + 2 + 2 + 6);
    sf_image_free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formats_agree),
        cmocka_unit_test(test_gzip_is_transparent),
        cmocka_unit_test(test_ihex_records),
        cmocka_unit_test(test_ihex_errors),
        cmocka_unit_test(test_srec),
        cmocka_unit_test(test_elf_errors),
        cmocka_unit_test(test_add_merges_and_checks_overlap),
    };
    return cmocka_run_group_tests_name("image", tests, NULL, NULL);
}
