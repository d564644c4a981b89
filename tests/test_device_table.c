/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_device_table.c - the device table (libflash/device_table.c) against a second
 * transcription of its sources, through the public API: for every product line, the flash size,
 * the RAM the bootloader leaves free, the erase units of the largest part (the first unit's
 * size and how many), the F_SIZE and unique ID addresses. The figures below were typed again
 * from the sources each line names, not copied from the table:
 *   SF   stm32flash 0.7 dev_table.c (RAM range, flash end, page size; F2/F4 "f2f4", "f4db", F7
 *        "f7" sector lists)
 *   AN   AN2606's "device-dependent bootloader parameters" as stm32loader's DEVICE_DETAILS
 *        transcribes them per bootloader ID (RAM range, flash end and page size where given)
 *   RM   the reference manual's flash layout (and OpenOCD's max_flash_size_kb) where the other
 *        two are silent or wrong
 * F_SIZE and UID: ST's CMSIS device headers (FLASHSIZE_BASE, UID_BASE) of the line.
 * Where the table deliberately differs from a source, the line says which source it follows
 * (the table's comment says why). Also: every product ID of issue 17 is present, and every row
 * is well formed (sources, USARTs and pins, layouts that add up). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <stubflash/stubflash.h>

#define K 1024u
#define M (1024u * 1024u)

/* F_SIZE, UID (CMSIS FLASHSIZE_BASE, UID_BASE) */
#define CM_F0 0x1FFFF7CCu, 0x1FFFF7ACu     /* stm32f030x8.h, stm32f072xb.h, stm32f303xc.h ... */
#define CM_F1 0x1FFFF7E0u, 0x1FFFF7E8u     /* stm32f103xe.h, stm32f105xc.h, stm32f100xb.h */
#define CM_F4 0x1FFF7A22u, 0x1FFF7A10u     /* stm32f407xx.h, stm32f429xx.h, stm32f205xx.h */
#define CM_F72 0x1FF07A22u, 0x1FF07A10u    /* stm32f723xx.h */
#define CM_F7 0x1FF0F442u, 0x1FF0F420u     /* stm32f746xx.h, stm32f767xx.h */
#define CM_H7 0x1FF1E880u, 0x1FF1E800u     /* stm32h743xx.h, stm32h723xx.h */
#define CM_H7A 0x08FFF80Cu, 0x08FFF800u    /* stm32h7a3xx.h, stm32h563xx.h, stm32h503xx.h */
#define CM_L0 0x1FF8007Cu, 0x1FF80050u     /* stm32l053xx.h */
#define CM_L1A 0x1FF8004Cu, 0x1FF80050u    /* stm32l151xb.h (cat.1), stm32l151xba.h (cat.2) */
#define CM_L1B 0x1FF800CCu, 0x1FF800D0u    /* stm32l151xc.h, stm32l151xd.h, stm32l151xe.h */
#define CM_L4 0x1FFF75E0u, 0x1FFF7590u     /* stm32l476xx.h, stm32g071xx.h, stm32g474xx.h, stm32wb55xx.h, stm32wle5xx.h */
#define CM_C0 0x1FFF75A0u, 0x1FFF7550u     /* stm32c031xx.h */
#define CM_L5 0x0BFA05E0u, 0x0BFA0590u     /* stm32l552xx.h */
#define CM_U5 0x0BFA07A0u, 0x0BFA0700u     /* stm32u575xx.h */

typedef struct line {
    uint16_t pid;
    uint32_t flash, ram_start, ram_end, first_unit;
    size_t units; /* erase units on the largest part, both banks */
    uint32_t fsize, uid;
    const char *src;
} line;

static const line lines[] = {
    /* F0 */
    {0x440, 64 * K, 0x20000800, 0x20002000, 1 * K, 64, CM_F0, "SF"},
    {0x444, 32 * K, 0x20000800, 0x20001000, 1 * K, 32, CM_F0, "SF"},
    {0x442, 256 * K, 0x20001800, 0x20008000, 2 * K, 128, CM_F0, "SF"},
    {0x445, 32 * K, 0x20001800, 0x20001800, 1 * K, 32, CM_F0, "SF"},
    {0x448, 128 * K, 0x20001800, 0x20004000, 2 * K, 64, CM_F0, "SF"},
    /* F1 */
    {0x412, 32 * K, 0x20000200, 0x20002800, 1 * K, 32, CM_F1, "SF"},
    {0x410, 128 * K, 0x20000200, 0x20005000, 1 * K, 128, CM_F1, "SF"},
    {0x414, 512 * K, 0x20000200, 0x20010000, 2 * K, 256, CM_F1, "SF"},
    {0x420, 128 * K, 0x20000200, 0x20002000, 1 * K, 128, CM_F1, "SF"},
    {0x428, 512 * K, 0x20000200, 0x20008000, 2 * K, 256, CM_F1, "SF"},
    {0x418, 256 * K, 0x20001000, 0x20010000, 2 * K, 128, CM_F1, "SF"},
    {0x430, 1 * M, 0x20000800, 0x20018000, 2 * K, 512, CM_F1, "SF"},
    /* F2: f2f4 sectors 4 x 16, 64, 7 x 128 KiB */
    {0x411, 1 * M, 0x20002000, 0x20020000, 16 * K, 12, CM_F4, "SF"},
    /* F3 */
    {0x432, 256 * K, 0x20001400, 0x20008000, 2 * K, 128, CM_F0, "SF"},
    {0x422, 256 * K, 0x20001400, 0x2000A000, 2 * K, 128, CM_F0, "SF"},
    {0x439, 64 * K, 0x20001800, 0x20004000, 2 * K, 32, CM_F0, "SF"},
    {0x438, 64 * K, 0x20001800, 0x20003000, 2 * K, 32, CM_F0, "SF"},
    {0x446, 512 * K, 0x20001800, 0x20010000, 2 * K, 256, CM_F0, "SF"},
    /* F4 */
    {0x413, 1 * M, 0x20003000, 0x20020000, 16 * K, 12, CM_F4, "SF"},
    {0x419, 2 * M, 0x20003000, 0x20030000, 16 * K, 24, CM_F4, "SF (f4db)"},
    {0x423, 256 * K, 0x20003000, 0x20010000, 16 * K, 6, CM_F4, "SF"},
    {0x433, 512 * K, 0x20003000, 0x20018000, 16 * K, 8, CM_F4, "SF"},
    {0x458, 128 * K, 0x20003000, 0x20008000, 16 * K, 5, CM_F4, "SF"},
    {0x431, 512 * K, 0x20003000, 0x20020000, 16 * K, 8, CM_F4, "SF"},
    {0x441, 1 * M, 0x20003000, 0x20040000, 16 * K, 12, CM_F4, "SF"},
    {0x421, 512 * K, 0x20003000, 0x20020000, 16 * K, 8, CM_F4, "SF"},
    {0x434, 2 * M, 0x20003000, 0x20060000, 16 * K, 24, CM_F4, "SF (f4db)"},
    {0x463, 1536 * K, 0x20003000, 0x20050000, 16 * K, 16, CM_F4, "SF"},
    /* F7 */
    {0x452, 512 * K, 0x20004000, 0x20040000, 16 * K, 8, CM_F72, "SF (f2f4)"},
    {0x449, 1 * M, 0x20004000, 0x20050000, 32 * K, 8, CM_F7, "SF (f7)"},
    {0x451, 2 * M, 0x20004000, 0x20080000, 32 * K, 12, CM_F7, "SF (f7, nDBANK = 1)"},
    /* G0 */
    {0x466, 64 * K, 0x20001000, 0x20002000, 2 * K, 32, CM_L4, "SF"},
    {0x460, 128 * K, 0x20002700, 0x20009000, 2 * K, 64, CM_L4, "SF"},
    {0x467, 512 * K, 0x20004000, 0x20020000, 2 * K, 256, CM_L4, "SF"},
    {0x456, 64 * K, 0x20001000, 0x20004800, 2 * K, 32, CM_L4, "SF (AN ends the RAM at 0x20002000)"},
    /* G4 */
    /* RM0440 2.4: SRAM1 16 KiB, SRAM2 6 KiB, the CCM SRAM's 10 KiB aliased after them. */
    {0x468, 128 * K, 0x20004000, 0x20008000, 2 * K, 64, CM_L4, "SF"},
    {0x469, 512 * K, 0x20004000, 0x20018000, 2 * K, 256, CM_L4, "SF"},
    {0x479, 512 * K, 0x20004000, 0x2001C000, 2 * K, 256, CM_L4, "SF"},
    /* H7: SF gives the DTCM (0x20004100-0x20020000); the table the AXI SRAM, as AN lists it */
    {0x450, 2 * M, 0x24005000, 0x24080000, 128 * K, 16, CM_H7, "AN (AXI SRAM), SF (p_128k)"},
    {0x483, 1 * M, 0x24004000, 0x24050000, 128 * K, 8, CM_H7, "AN"},
    {0x480, 2 * M, 0x24034000, 0x24080000, 8 * K, 256, CM_H7A, "AN (RAM), RM0455 (2 x 1 MiB; AN's 1 MiB is a FIXME)"},
    /* L0 */
    {0x457, 16 * K, 0x20000800, 0x20000800, 128, 128, CM_L0, "SF"},
    {0x425, 32 * K, 0x20001000, 0x20002000, 128, 256, CM_L0, "SF"},
    {0x417, 64 * K, 0x20001000, 0x20002000, 128, 512, CM_L0, "SF"},
    {0x447, 192 * K, 0x20002000, 0x20005000, 128, 1536, CM_L0, "SF (AN: 0x20001000/0x20001400)"},
    /* L1 */
    {0x416, 128 * K, 0x20000800, 0x20004000, 256, 512, CM_L1A, "SF"},
    {0x429, 128 * K, 0x20001000, 0x20008000, 256, 512, CM_L1A, "SF"},
    {0x427, 256 * K, 0x20001000, 0x20008000, 256, 1024, CM_L1B, "SF"},
    {0x436, 384 * K, 0x20001000, 0x20008000, 256, 1536, CM_L1B, "SF (RAM end of the 256 KiB xCA parts)"},
    {0x437, 512 * K, 0x20001000, 0x20014000, 256, 2048, CM_L1B, "SF"},
    /* L4, L4+ */
    {0x464, 128 * K, 0x20003100, 0x20008000, 2 * K, 64, CM_L4, "SF (AN: from 0x20002100)"},
    {0x435, 256 * K, 0x20003100, 0x2000C000, 2 * K, 128, CM_L4, "SF"},
    {0x462, 512 * K, 0x20003100, 0x20020000, 2 * K, 256, CM_L4, "SF"},
    {0x415, 1 * M, 0x20003100, 0x20018000, 2 * K, 512, CM_L4, "SF"},
    {0x461, 1 * M, 0x20003100, 0x20040000, 2 * K, 512, CM_L4, "SF"},
    {0x470, 2 * M, 0x20003200, 0x200A0000, 4 * K, 512, CM_L4, "SF (RAM), RM0432 (2 MiB, 4 KiB pages in two banks)"},
    {0x471, 1 * M, 0x20004000, 0x20050000, 4 * K, 256, CM_L4, "AN"},
    /* L5 */
    {0x472, 512 * K, 0x20004000, 0x20040000, 2 * K, 256, CM_L5, "AN"},
    /* WB, WL */
    {0x495, 1 * M, 0x20004000, 0x2000C000, 4 * K, 256, CM_L4, "AN"},
    {0x494, 320 * K, 0x20005000, 0x20040000, 2 * K, 160, CM_L4, "AN"},
    {0x497, 256 * K, 0x20002000, 0x20010000, 2 * K, 128, CM_L4, "AN"},
    /* C0: RAM ends where the part's SRAM does (C011 6 KiB, C031 12 KiB: the datasheets) */
    {0x443, 32 * K, 0x20001000, 0x20001800, 2 * K, 16, CM_C0, "SF upstream (RAM start), datasheet (6 KiB)"},
    {0x453, 32 * K, 0x20002000, 0x20003000, 2 * K, 16, CM_C0, "AN (RAM start), datasheet (12 KiB)"},
    /* U5 */
    {0x455, 512 * K, 0x20004000, 0x20040000, 8 * K, 64, CM_U5, "AN (RAM start), RM0456 (256 KiB SRAM1+2)"},
    {0x482, 2 * M, 0x20004000, 0x200C0000, 8 * K, 256, CM_U5, "AN"},
    {0x481, 4 * M, 0x20004000, 0x20270000, 8 * K, 512, CM_U5, "AN (RAM), OpenOCD (4 MiB)"},
    /* H5 */
    {0x474, 128 * K, 0x20004000, 0x20008000, 8 * K, 16, CM_H7A, "AN (RAM), RM0492 (2 x 64 KiB)"},
    {0x484, 2 * M, 0x20000000, 0x200A0000, 8 * K, 256, CM_H7A, "AN (RAM), RM0481 (2 x 1 MiB)"},
};
#define NLINES (sizeof lines / sizeof lines[0])

static size_t table_size(void)
{
    size_t n = 0;
    while (sf_device_at(n))
        n++;
    return n;
}

/* Every line's figures as the sources give them. */
static void test_lines_match_their_sources(void **state)
{
    (void)state;
    for (size_t i = 0; i < NLINES; i++) {
        const line *l = &lines[i];
        const sf_device *d = sf_device_find(l->pid);
        if (!d)
            fail_msg("0x%03X (%s): not in the device table", l->pid, l->src);
        uint32_t start = 0, size = 0;
        size_t units = sf_device_unit_count(d, d->flash_size);
        assert_int_equal(sf_device_unit_at(d, d->flash_size, 0, &start, &size), SF_OK);
        if (d->flash_size != l->flash || d->ram_base != l->ram_start || d->ram_end != l->ram_end ||
            size != l->first_unit || units != l->units || d->flash_size_reg != l->fsize ||
            sf_device_uid_address(d) != l->uid)
            fail_msg("0x%03X %s against %s: flash %u/%u, RAM 0x%08X-0x%08X/0x%08X-0x%08X, first unit %u/%u, units "
                     "%zu/%zu, F_SIZE 0x%08X/0x%08X, UID 0x%08X/0x%08X (table/source)",
                     l->pid, d->name, l->src, d->flash_size, l->flash, d->ram_base, d->ram_end, l->ram_start,
                     l->ram_end, size, l->first_unit, units, l->units, d->flash_size_reg, l->fsize,
                     sf_device_uid_address(d), l->uid);
        assert_int_equal(start, d->flash_base);
    }
}

/* No row without its second transcription here. */
static void test_every_row_is_transcribed(void **state)
{
    (void)state;
    for (size_t i = 0; sf_device_at(i); i++) {
        bool found = false;
        for (size_t k = 0; k < NLINES; k++)
            found |= lines[k].pid == sf_device_at(i)->pid;
        if (!found)
            fail_msg("0x%03X %s: no second transcription in this test", sf_device_at(i)->pid, sf_device_at(i)->name);
    }
    assert_int_equal(table_size(), NLINES);
}

/* Issue 17: every product ID stm32flash 0.7 knows (AN2606's) and the newer lines. */
static void test_issue_17_ids_are_known(void **state)
{
    (void)state;
    static const uint16_t ids[] = {
        0x440, 0x442, 0x444, 0x445, 0x448, 0x410, 0x412, 0x414, 0x418, 0x420, 0x428, 0x430, 0x411, 0x422, 0x432,
        0x438, 0x439, 0x446, 0x413, 0x419, 0x421, 0x423, 0x431, 0x433, 0x434, 0x441, 0x458, 0x463, 0x449, 0x451,
        0x452, 0x456, 0x460, 0x466, 0x467, 0x468, 0x469, 0x479, 0x450, 0x417, 0x425, 0x447, 0x457, 0x416, 0x427,
        0x429, 0x436, 0x437, 0x415, 0x435, 0x461, 0x462, 0x464, 0x470, 0x471, 0x472, 0x482, 0x481, 0x495, 0x494,
        0x497, 0x443, 0x453, 0x480, 0x483, 0x484,
    };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        if (!sf_device_find(ids[i]))
            fail_msg("product ID 0x%03X is not in the device table", ids[i]);
    assert_true(table_size() >= 65);
}

static bool pin_ok(const char *p)
{
    return p && p[0] == 'P' && p[1] >= 'A' && p[1] <= 'K' && isdigit((unsigned char)p[2]) &&
           (!p[3] || (isdigit((unsigned char)p[3]) && !p[4]));
}

static uint64_t runs_sum(const sf_erase_run *r, uint8_t n)
{
    uint64_t sum = 0;
    for (uint8_t i = 0; i < n; i++)
        sum += (uint64_t)r[i].count * r[i].size;
    return sum;
}

/* Each row: a source, the bootloader's USARTs with pins, a programming width, layouts (and the
 * other bank mode's) that add up to the flash, units that tile the flash up to its end, RAM and
 * system memory in order, one row per product ID. */
static void test_rows_are_well_formed(void **state)
{
    (void)state;
    for (size_t i = 0; sf_device_at(i); i++) {
        const sf_device *d = sf_device_at(i);
        if (!d->source || strlen(d->source) < 10 || !strstr(d->source, "AN2606"))
            fail_msg("0x%03X %s: no source", d->pid, d->name);
        assert_ptr_equal(sf_device_find(d->pid), d);
        if (!d->usart_count)
            fail_msg("0x%03X %s: no bootloader USART", d->pid, d->name);
        for (uint8_t u = 0; u < d->usart_count; u++) {
            const sf_boot_usart *b = &d->usarts[u];
            bool name_ok = (!strncmp(b->name, "USART", 5) && isdigit((unsigned char)b->name[5]) && !b->name[6]) ||
                           (!strncmp(b->name, "LPUART", 6) && isdigit((unsigned char)b->name[6]) && !b->name[7]);
            if (!name_ok || !pin_ok(b->tx) || !pin_ok(b->rx) || !strcmp(b->tx, b->rx))
                fail_msg("0x%03X %s: bootloader USART '%s' %s/%s", d->pid, d->name, b->name, b->tx, b->rx);
        }
        switch (d->program_bytes) {
        case 2: case 4: case 8: case 16: case 32: break;
        default: fail_msg("0x%03X %s: programs %u bytes at a time", d->pid, d->name, d->program_bytes);
        }
        if (runs_sum(d->layout, d->layout_runs) != d->flash_size)
            fail_msg("0x%03X %s: the layout adds up to %llu, not %u", d->pid, d->name,
                     (unsigned long long)runs_sum(d->layout, d->layout_runs), d->flash_size);
        uint32_t alt_size = d->bank_mode == SF_BANKS_F4_DB1M ? d->single_bank_max : d->flash_size;
        if (d->alt_layout && runs_sum(d->alt_layout, d->alt_layout_runs) != alt_size)
            fail_msg("0x%03X %s: the other bank mode's layout does not add up", d->pid, d->name);
        if ((d->bank_mode != SF_BANKS_FIXED) != (d->alt_layout != NULL) && d->bank_mode != SF_BANKS_G0_DUAL_BANK)
            fail_msg("0x%03X %s: a bank mode without the other mode's layout, or the reverse", d->pid, d->name);
        assert_true(d->ram_base <= d->ram_end);
        assert_true(d->sysmem_base < d->sysmem_end);
        assert_true(d->write_align == 4 || d->write_align == 8 || d->write_align == 16);
        /* The units tile each bank: the next starts where the last ended, or at bank 2. */
        size_t n = sf_device_unit_count(d, d->flash_size);
        uint32_t next = d->flash_base, b2 = sf_device_bank2_base(d, d->flash_size);
        for (size_t k = 0; k < n; k++) {
            uint32_t s, z;
            assert_int_equal(sf_device_unit_at(d, d->flash_size, k, &s, &z), SF_OK);
            if (s != next && !(b2 && s == b2))
                fail_msg("0x%03X %s: unit %zu at 0x%08X, expected 0x%08X", d->pid, d->name, k, s, next);
            next = s + z;
        }
        assert_int_equal(next, sf_device_flash_end(d, d->flash_size));
    }
}

/* A ROM-only line says why; a line with a stub names its family's. */
static void test_stub_or_reason(void **state)
{
    (void)state;
    size_t stubs = 0;
    for (size_t i = 0; sf_device_at(i); i++) {
        const sf_device *d = sf_device_at(i);
        const char *name = (const char *)1;
        char why[256] = "x";
        sf_error e = sf_device_stub(d, &name, why, sizeof why);
        if (e == SF_OK) {
            stubs++;
            assert_non_null(name);
            assert_string_equal(why, "");
            assert_null(d->no_stub);
        } else {
            assert_int_equal(e, SF_ERR_UNSUPPORTED);
            assert_null(name);
            assert_true(strlen(why) > 20);
        }
    }
    assert_true(stubs > 0 && stubs < table_size());
    /* Known answers: the F405 and the F429 (bank 2's sectors coded from 0x10) have the F4 stub,
     * the F2 its own (the F4's files), the F105 the connectivity line's, the G431 the G4's (its
     * CCM SRAM alias makes room); the C031 and the L053 (4 KiB free each) do not; the G0B1 has
     * the G0's second build. */
    const char *name;
    char why[256];
    assert_int_equal(sf_device_stub(sf_device_find(0x413), &name, why, sizeof why), SF_OK);
    assert_string_equal(name, "f4");
    assert_int_equal(sf_device_stub(sf_device_find(0x419), &name, why, sizeof why), SF_OK);
    assert_string_equal(name, "f4");
    assert_int_equal(sf_device_stub(sf_device_find(0x453), &name, why, sizeof why), SF_ERR_UNSUPPORTED);
    assert_non_null(strstr(why, "does not fit the RAM"));
    assert_int_equal(sf_device_stub(sf_device_find(0x411), &name, why, sizeof why), SF_OK);
    assert_string_equal(name, "f2");
    assert_int_equal(sf_device_stub(sf_device_find(0x418), &name, why, sizeof why), SF_OK);
    assert_string_equal(name, "f1cl");
    assert_int_equal(sf_device_stub(sf_device_find(0x468), &name, why, sizeof why), SF_OK);
    assert_string_equal(name, "g4");
    assert_int_equal(sf_device_stub(sf_device_find(0x417), &name, why, sizeof why), SF_ERR_UNSUPPORTED);
    assert_non_null(strstr(why, "does not fit the RAM"));
    /* The G0B1: the G0 stub's build at 0x20004000, where its bootloader leaves RAM free. */
    assert_int_equal(sf_device_stub(sf_device_find(0x467), &name, why, sizeof why), SF_OK);
    assert_string_equal(name, "g0b");
    assert_int_equal(sf_device_stub(sf_device_find(0x497), &name, why, sizeof why), SF_OK);
    assert_string_equal(name, "wl");
    assert_int_equal(sf_device_stub(sf_device_find(0x470), &name, why, sizeof why), SF_OK);
    assert_string_equal(name, "l4r");
    assert_int_equal(sf_device_stub(sf_device_find(0x472), &name, why, sizeof why), SF_OK);
    assert_string_equal(name, "l5");
    assert_int_equal(sf_device_stub(sf_device_find(0x482), &name, why, sizeof why), SF_OK);
    assert_string_equal(name, "u5");
    assert_int_equal(sf_device_stub(sf_device_find(0x483), &name, why, sizeof why), SF_OK);
    assert_string_equal(name, "h7");
    /* The F76x/77x: the F7 stub, in either nDBANK mode (the session reads it: test_session). */
    assert_int_equal(sf_device_stub(sf_device_find(0x451), &name, why, sizeof why), SF_OK);
    assert_string_equal(name, "f7");
    /* The H7A3/B3: the H7 stub's files built for its controller (h7a), at 0x24034000. */
    assert_int_equal(sf_device_stub(sf_device_find(0x480), &name, why, sizeof why), SF_OK);
    assert_string_equal(name, "h7a");
    assert_int_equal(sf_device_stub(NULL, &name, why, sizeof why), SF_ERR_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_match_their_sources),
        cmocka_unit_test(test_every_row_is_transcribed),
        cmocka_unit_test(test_issue_17_ids_are_known),
        cmocka_unit_test(test_rows_are_well_formed),
        cmocka_unit_test(test_stub_or_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
