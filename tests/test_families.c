/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_families.c - the family table (families/families.txt) against the device table
 * (libflash/device_table.c) and the simulator's parts (sim/sim_parts.c): each of the three names
 * a family the others know by the same name, and agrees with them on what both say. Built from
 * the library's sources (the device table and the family table are internal). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "families.h"
#include "sf_internal.h"
#include "sim_part.h"
#include "stm32sim.h"

/* Every part of the device table whose family has a row agrees with it on the erased value. A
 * part its family's stub serves (sf_device_stub) has the stub load into RAM the ROM leaves free;
 * the others (a family without a stub, a row's no_stub, too little RAM) say why they are written
 * through the ROM. */
static void test_devices_have_a_family(void **state)
{
    (void)state;
    for (size_t i = 0; sf_device_at(i); i++) {
        const sf_device *d = sf_device_at(i);
        const sfi_family *f = sfi_family_named(d->family);
        const char *stub = NULL;
        char why[256];
        sf_error e = sf_device_stub(d, &stub, why, sizeof why);
        if (f)
            assert_int_equal(f->erased, d->erased_value);
        if (e == SF_OK) {
            assert_non_null(f);
            /* One of its family's stubs (the F0 has two: the F030x8's fits its 6 KiB). */
            const sfi_family *k = NULL;
            for (size_t j = 0; j < SFI_FAMILY_COUNT; j++)
                if (strcmp(sfi_families[j].id, stub) == 0)
                    k = &sfi_families[j];
            assert_non_null(k);
            assert_string_equal(k->name, d->family);
            if (k->stub_load < d->ram_base || k->stub_load >= d->ram_end)
                fail_msg("%s: the %s stub at 0x%08X is outside the free RAM 0x%08X-0x%08X", d->name, k->id,
                         k->stub_load, d->ram_base, d->ram_end);
        } else {
            assert_int_equal(e, SF_ERR_UNSUPPORTED);
            assert_null(stub);
            if (strlen(why) < 20)
                fail_msg("%s (0x%03X): ROM only without a reason (\"%s\")", d->name, d->pid, why);
            if (!f && !strstr(why, d->family))
                fail_msg("%s: the reason does not name its family %s: %s", d->name, d->family, why);
            if (f && d->no_stub && !strstr(why, d->no_stub))
                fail_msg("%s: the reason is not the row's: %s", d->name, why);
        }
    }
}

/* Every family serves a part of the device table (no row without parts). */
static void test_families_have_devices(void **state)
{
    (void)state;
    for (size_t k = 0; k < SFI_FAMILY_COUNT; k++) {
        bool found = false;
        for (size_t i = 0; sf_device_at(i); i++)
            found |= strcmp(sf_device_at(i)->family, sfi_families[k].name) == 0;
        if (!found)
            fail_msg("family %s: no part in the device table", sfi_families[k].name);
    }
}

/* Every simulated part is of the family the device table gives its product ID. */
static void test_sim_parts_match(void **state)
{
    (void)state;
    for (size_t i = 0; sim_part_at(i); i++) {
        const sim_part *p = sim_part_at(i);
        const sf_device *d = sf_device_find(sim_part_pid(p));
        assert_non_null(d);
        if (strcmp(sim_part_family(p)->name, d->family) != 0)
            fail_msg("%s: family %s in the simulator, %s in the device table", sim_part_name(p),
                     sim_part_family(p)->name, d->family);
    }
}

/* The lines whose DBANK = 0 makes one bank (what the library takes after reading FLASH_OPTR): one
 * bank of the larger pages from the flash base, no bank 2 and no hole, transcribed apart from
 * the device table: G4 cat.3 128 x 4 KiB (RM0440 3.3.1), L4R/S 256 x 8 KiB (RM0432 3.3.1), L5
 * 128 x 4 KiB (RM0438 6.3.1); the factory rows stay as they are; other rows have none. */
static void test_one_bank_rows(void **state)
{
    (void)state;
    static const struct {
        uint16_t pid;
        uint32_t page, pages;
    } lines[] = {{0x469, 4096, 128}, {0x470, 8192, 256}, {0x472, 4096, 128}};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        const sf_device *d = sf_device_find(lines[i].pid), *one = sf_device_one_bank(d);
        assert_non_null(one);
        assert_ptr_equal(sf_device_one_bank(d), one);
        assert_int_equal(one->pid, d->pid);
        assert_int_equal(sf_device_unit_count(one, d->flash_size), lines[i].pages);
        assert_int_equal(sf_device_bank2_base(one, d->flash_size), 0);
        assert_int_equal(sf_device_hole(one, d->flash_size, NULL), 0);
        uint32_t index, start, size, mid = d->flash_base + d->flash_size / 2;
        assert_int_equal(sf_device_unit_of(one, d->flash_size, mid, &index, &start, &size), SF_OK);
        assert_int_equal(index, lines[i].pages / 2);
        assert_int_equal(start, mid);
        assert_int_equal(size, lines[i].page);
        assert_int_equal(sf_device_bank2_base(d, d->flash_size), mid); /* the factory row: two banks */
        assert_int_equal(sf_device_unit_count(d, d->flash_size), 2 * lines[i].pages);
    }
    assert_null(sf_device_one_bank(sf_device_find(0x415))); /* the L476's DUALBANK: not DBANK */
    assert_null(sf_device_one_bank(NULL));
}

/* A part whose option bytes choose its banks (the F767's nDBANK = 0, the 1 MiB F429's DB1M =
 * 1, both in the option byte at +9): in either mode the session's row (sfi_device_banks, from
 * the option bytes it reads) and the simulator's layout (the one sim_flash_reset takes) have the
 * same erase units and bank 2. */
static void test_bank_modes_match(void **state)
{
    (void)state;
    size_t checked = 0;
    for (size_t i = 0; sim_part_at(i); i++) {
        const struct sim_part *p = sim_part_at(i);
        if (!p->dual_bank_layout)
            continue;
        for (int two = 0; two < 2; two++) {
            uint8_t ob[16];
            memset(ob, 0xFF, sizeof ob);
            if (p->family == SFI_FAMILY_F4 && !two)
                ob[9] &= (uint8_t)~0x40u; /* DB1M = 0 */
            else if (p->family != SFI_FAMILY_F4 && two)
                ob[9] &= (uint8_t)~0x20u; /* nDBANK = 0 */
            const struct sim_part *l = two ? p->dual_bank_layout : p;
            const sf_device *d = sfi_device_banks(sf_device_find(p->pid), ob, sizeof ob, p->flash_size);
            assert_non_null(d);
            assert_int_equal(sf_device_bank2_base(d, p->flash_size), l->bank2_base);
            assert_int_equal(sf_device_unit_count(d, p->flash_size), l->nsectors);
            uint32_t at = p->flash_base;
            for (size_t u = 0; u < l->nsectors; u++) {
                uint32_t start, size;
                assert_int_equal(sf_device_unit_at(d, p->flash_size, u, &start, &size), SF_OK);
                assert_int_equal(start, at);
                assert_int_equal(size, l->sector_sizes[u]);
                at += size;
            }
            checked++;
        }
    }
    assert_int_equal(checked, 4); /* the F767 and the F429xG in their two modes */
}

/* The option bytes as the session reads them from option_base: all ones (the F4's DB1M and the
 * G0's DUAL_BANK set) but for the bits cleared. */
static const sf_device *banks_with(uint16_t pid, size_t byte, uint8_t clear, uint32_t flash_size)
{
    uint8_t ob[16];
    memset(ob, 0xFF, sizeof ob);
    ob[byte] &= (uint8_t)~clear;
    return sfi_device_banks(sf_device_find(pid), ob, sizeof ob, flash_size);
}

/* The erase units of d on a part of flash_size bytes, from the flash base: n units of the given
 * sizes (KiB), the same in each bank when bank 2 is at bank2. */
static void expect_sectors(const sf_device *d, uint32_t flash_size, const uint32_t *kib, size_t n, uint32_t bank2)
{
    size_t banks = bank2 ? 2 : 1;
    assert_int_equal(sf_device_unit_count(d, flash_size), n * banks);
    assert_int_equal(sf_device_bank2_base(d, flash_size), bank2);
    for (size_t b = 0; b < banks; b++) {
        uint32_t at = b ? bank2 : 0x08000000u;
        for (size_t u = 0; u < n; u++) {
            uint32_t start, size;
            assert_int_equal(sf_device_unit_at(d, flash_size, b * n + u, &start, &size), SF_OK);
            assert_int_equal(start, at);
            assert_int_equal(size, kib[u] * 1024u);
            at += size;
        }
    }
}

/* F42x/43x (0x419) and F469/479 (0x434) of 1 MiB: DB1M (FLASH_OPTCR bit 30, the option byte at
 * 0x1FFFC009 bit 6: RM0090 3.9.10, 3.6.1) = 1 gives two banks of 4 x 16, 64, 3 x 128 KiB, bank 2
 * at 0x08080000 with sectors 12-19 (RM0090 3.4 table 7: the ROM's Extended Erase numbers; the F4
 * stub codes them 0x10-0x17 in SNB from bank 2's address, RM0090 3.9.8); DB1M = 0 one bank of
 * 12 sectors (table 5). A 2 MiB part has two banks of 12 either way (table 6); lines without
 * the option keep their row. */
static void test_db1m_rows(void **state)
{
    (void)state;
    static const uint32_t half[] = {16, 16, 16, 16, 64, 128, 128, 128};
    static const uint32_t whole[] = {16, 16, 16, 16, 64, 128, 128, 128, 128, 128, 128, 128};
    static const uint16_t lines[] = {0x419, 0x434};
    const uint32_t mib = 1024u * 1024u;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        const sf_device *listed = sf_device_find(lines[i]), *two = banks_with(lines[i], 9, 0, mib);
        assert_ptr_not_equal(two, listed);
        assert_int_equal(two->pid, lines[i]);
        assert_ptr_equal(banks_with(lines[i], 9, 0, mib), two);
        expect_sectors(two, mib, half, 8, 0x08080000u);
        for (uint32_t u = 0; u < 16; u++) {
            uint32_t start;
            assert_int_equal(sf_device_unit_at(two, mib, u, &start, NULL), SF_OK);
            assert_int_equal(sf_device_rom_page(two, start, u), u < 8 ? u : 12 + (u - 8));
        }
        const sf_device *one = banks_with(lines[i], 9, 0x40, mib);
        assert_ptr_equal(one, listed);
        expect_sectors(one, mib, whole, 12, 0);
        const sf_device *big = banks_with(lines[i], 9, 0, 2 * mib);
        assert_ptr_equal(big, listed);
        expect_sectors(big, 2 * mib, whole, 12, 0x08100000u);
        uint32_t start;
        assert_int_equal(sf_device_unit_at(big, 2 * mib, 12, &start, NULL), SF_OK);
        assert_int_equal(sf_device_rom_page(big, start, 12), 12);
    }
    assert_ptr_equal(banks_with(0x413, 9, 0, mib), sf_device_find(0x413)); /* the F407: no DB1M */
}

/* G0B/C (0x467) of 256 KiB: DUAL_BANK (FLASH_OPTR bit 21, the first option byte's third byte bit
 * 5: RM0444 3.4.1) = 1 two banks of 64 x 2 KiB, bank 2 at 0x08020000; = 0 one bank of 128 pages
 * numbered from the flash base (RM0444 3.3.1). The 512 KiB parts keep their two banks. */
static void test_g0_dual_bank_rows(void **state)
{
    (void)state;
    const uint32_t k256 = 256u * 1024u;
    const sf_device *listed = sf_device_find(0x467), *two = banks_with(0x467, 2, 0, k256);
    assert_ptr_equal(two, listed);
    assert_int_equal(sf_device_unit_count(two, k256), 128);
    assert_int_equal(sf_device_bank2_base(two, k256), 0x08020000u);
    const sf_device *one = banks_with(0x467, 2, 0x20, k256);
    assert_ptr_not_equal(one, listed);
    assert_int_equal(one->pid, 0x467);
    assert_false(one->dual_bank);
    assert_int_equal(sf_device_unit_count(one, k256), 128);
    assert_int_equal(sf_device_bank2_base(one, k256), 0);
    assert_int_equal(sf_device_hole(one, k256, NULL), 0);
    uint32_t index, start, size;
    assert_int_equal(sf_device_unit_of(one, k256, 0x08020000u, &index, &start, &size), SF_OK);
    assert_int_equal(index, 64);
    assert_int_equal(size, 2048);
    assert_int_equal(sf_device_rom_page(one, start, index), 64);
    assert_int_equal(sf_device_flash_end(one, k256), 0x08040000u);
    const sf_device *big = banks_with(0x467, 2, 0x20, 2 * k256);
    assert_ptr_equal(big, listed);
    assert_int_equal(sf_device_bank2_base(big, 2 * k256), 0x08040000u);
}

/* The U5 lines (U535/545 0x455, U575/585 0x482, U595/599/5A9 0x481) take the U5 stub, whose
 * row agrees with them on what the device table says apart from it: 16-byte quad-words (RM0456
 * 7.3.7), the UID at 0x0BFA0700 (stm32u575xx.h UID_BASE), at most 256 pages a bank for NSCR's
 * 8-bit PNB (FLASH_NSCR_PNB_Msk), and GPDMA, not DMA1 or DMAMUX1, for its USARTs. */
static void test_u5_lines(void **state)
{
    (void)state;
    static const uint16_t lines[] = {0x455, 0x482, 0x481};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        const sf_device *d = sf_device_find(lines[i]);
        const char *stub = NULL;
        char why[256];
        assert_non_null(d);
        assert_int_equal(sf_device_stub(d, &stub, why, sizeof why), SF_OK);
        assert_string_equal(stub, "u5");
        const sfi_family *f = sfi_family_named(d->family);
        assert_non_null(f);
        assert_int_equal(d->program_bytes, 16);
        assert_int_equal(f->flash_kind, SFI_FLASH_U5);
        assert_int_equal(f->uid, d->uid_reg);
        assert_true(f->dma_gpdma && !f->dmamux && !f->dma_streams);
        assert_true(sf_device_unit_count(d, d->flash_size) / 2 <= 256);
    }
    for (unsigned n = 1; n <= 3; n++) {
        const sfi_usart *u = sfi_usart_find("U5", n);
        assert_non_null(u);
        assert_int_equal(u->rx_dma, 0x40020050u + 0x80u * u->channel); /* GPDMA1 channel x */
        assert_int_equal(u->route, u->rx_dma + 0x44u);                 /* its CxTR2 */
        assert_int_equal(u->route_value, 22u + 2u * n);                /* REQSEL 24, 26, 28 */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_devices_have_a_family),
        cmocka_unit_test(test_families_have_devices),
        cmocka_unit_test(test_sim_parts_match),
        cmocka_unit_test(test_one_bank_rows),
        cmocka_unit_test(test_bank_modes_match),
        cmocka_unit_test(test_db1m_rows),
        cmocka_unit_test(test_g0_dual_bank_rows),
        cmocka_unit_test(test_u5_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
