/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_plan.c - the flash plan (libflash/plan.c, internal) over the device table's layouts:
 * which erase units an image touches and what each must hold, for pages and for the F2/F4/F7
 * sectors of mixed sizes. Built from the library's sources (the plan is not exported). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

static sf_image *image_at(uint32_t addr, size_t len, uint8_t fill)
{
    sf_image *img;
    assert_int_equal(sf_image_new(&img), SF_OK);
    uint8_t *d = malloc(len);
    memset(d, fill, len);
    assert_int_equal(sf_image_add(img, addr, d, len), SF_OK);
    free(d);
    return img;
}

static void test_f4_sectors(void **state)
{
    (void)state;
    const sf_device *f407 = sf_device_find(0x413);
    assert_non_null(f407);
    char text[512];
    sf_errbuf eb = {text, sizeof text};
    sf_plan p;
    /* 20 KB at the start: only the first two 16 KiB sectors. */
    sf_image *img = image_at(0x08000000, 20 * 1024, 0x11);
    assert_int_equal(sf_plan_build(f407, 1024 * 1024, img, &p, &eb), SF_OK);
    assert_int_equal(p.count, 2);
    assert_int_equal(p.units[0].index, 0);
    assert_int_equal(p.units[0].size, 16 * 1024);
    assert_int_equal(p.units[1].index, 1);
    assert_int_equal(p.units[1].start, 0x08004000);
    assert_int_equal(p.units[1].covered_bytes, 4 * 1024);
    assert_int_equal(p.units[1].data[4 * 1024], 0xFF); /* not given: erased value until read */
    sf_plan_free(&p);
    sf_image_free(img);
    /* One word in the 64 KiB sector 4 and one in the first 128 KiB sector 5. */
    assert_int_equal(sf_image_new(&img), SF_OK);
    assert_int_equal(sf_image_add(img, 0x08010010, (const uint8_t *)"abcd", 4), SF_OK);
    assert_int_equal(sf_image_add(img, 0x08020000, (const uint8_t *)"efgh", 4), SF_OK);
    assert_int_equal(sf_plan_build(f407, 1024 * 1024, img, &p, &eb), SF_OK);
    assert_int_equal(p.count, 2);
    assert_int_equal(p.units[0].index, 4);
    assert_int_equal(p.units[0].size, 64 * 1024);
    assert_int_equal(p.units[1].index, 5);
    assert_int_equal(p.units[1].start, 0x08020000);
    assert_int_equal(p.units[1].size, 128 * 1024);
    assert_int_equal(p.units[1].covered_bytes, 4);
    sf_plan_free(&p);
    sf_image_free(img);
    /* The last sector of a 512 KiB F401xE, and a byte past it. */
    const sf_device *f401 = sf_device_find(0x433);
    img = image_at(0x0807FFF0, 16, 0x22);
    assert_int_equal(sf_plan_build(f401, 512 * 1024, img, &p, &eb), SF_OK);
    assert_int_equal(p.count, 1);
    assert_int_equal(p.units[0].index, 7);
    assert_int_equal(p.units[0].start, 0x08060000);
    sf_plan_free(&p);
    sf_image_free(img);
    img = image_at(0x0807FFF0, 17, 0x22);
    assert_int_equal(sf_plan_build(f401, 512 * 1024, img, &p, &eb), SF_ERR_FIT);
    assert_non_null(strstr(text, "first byte outside: 0x08080000"));
    sf_image_free(img);
}

static void test_erased_value_and_small_pages(void **state)
{
    (void)state;
    /* L0: 128-byte pages that erase to 0x00; 0x120 bytes from 0x70 touch four of them. */
    const sf_device *l07 = sf_device_find(0x447);
    assert_non_null(l07);
    assert_int_equal(l07->erased_value, 0x00);
    char text[256];
    sf_errbuf eb = {text, sizeof text};
    sf_plan p;
    sf_image *img = image_at(0x08000070, 0x120, 0x5A);
    assert_int_equal(sf_plan_build(l07, 192 * 1024, img, &p, &eb), SF_OK);
    assert_int_equal(p.count, 4);
    assert_int_equal(p.units[0].start, 0x08000000);
    assert_int_equal(p.units[3].start, 0x08000180);
    assert_int_equal(p.units[0].data[0], 0x00);
    assert_int_equal(p.units[0].data[0x70], 0x5A);
    assert_int_equal(p.units[0].covered_bytes, 0x10);
    assert_int_equal(p.units[2].covered_bytes, 0x80);
    assert_int_equal(p.units[3].covered_bytes, 0x10);
    assert_int_equal(p.units[3].data[0x10], 0x00);
    sf_plan_free(&p);
    sf_image_free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_f4_sectors),
        cmocka_unit_test(test_erased_value_and_small_pages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
