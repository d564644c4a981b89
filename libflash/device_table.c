/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* device_table.c - STM32 parts as data.
 *
 * Sources (see ../shared/reference/stm32-facts.md): AN2606 Rev 70 tables 3/5/6/7 for product
 * IDs, the RAM the bootloader leaves free (ram_base) and system memory; AN3155 for write
 * alignment (4 bytes; 8 on F7/G4/H7/L0/L1/L4/WB); reference manuals RM0008 (F1), RM0091 (F0),
 * RM0316 (F3), RM0090/RM0368/RM0383/RM0390 (F4), RM0385 (F7), RM0433 (H7), RM0367 (L0),
 * RM0038 (L1), RM0394/RM0351 (L4), RM0444 (G0), RM0440 (G4), RM0434 (WB) for flash layouts and
 * the F_SIZE register address. Where a line has several flash sizes the largest is listed and
 * F_SIZE narrows it at run time.
 */
#include "sf_internal.h"

#include "families.h"

#define K 1024u
#define RUNS(...) (const sf_erase_run[]){__VA_ARGS__}, (uint8_t)(sizeof((const sf_erase_run[]){__VA_ARGS__}) / sizeof(sf_erase_run))

/* F_SIZE register addresses per family (reference manuals, "Flash size data register"). */
#define FSIZE_F0_F3 0x1FFFF7CCu
#define FSIZE_F1 0x1FFFF7E0u
#define FSIZE_F4 0x1FFF7A22u
#define FSIZE_F7 0x1FF0F442u
#define FSIZE_H7 0x1FF1E880u
#define FSIZE_L0 0x1FF8007Cu
#define FSIZE_L1_CAT1 0x1FF8004Cu
#define FSIZE_L1_CAT3 0x1FF800CCu
#define FSIZE_L4_G_WB 0x1FFF75E0u

static const sf_device table[] = {
    /* F0 */
    {0x440, "STM32F030x8/F05x", "F0", 0x08000000, 64 * K, RUNS({64, 1 * K}),
     0x20000800, 0x20002000, 0x1FFFEC00, 0x1FFFF800, 0x1FFFF800, 0x1FFFF810, FSIZE_F0_F3, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0},
    {0x448, "STM32F07x", "F0", 0x08000000, 128 * K, RUNS({64, 2 * K}),
     0x20001800, 0x20004000, 0x1FFFC800, 0x1FFFF800, 0x1FFFF800, 0x1FFFF810, FSIZE_F0_F3, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0},
    /* F1 */
    {0x412, "STM32F10xxx low density", "F1", 0x08000000, 32 * K, RUNS({32, 1 * K}),
     0x20000200, 0x20002800, 0x1FFFF000, 0x1FFFF800, 0x1FFFF800, 0x1FFFF810, FSIZE_F1, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0},
    {0x410, "STM32F10xxx medium density", "F1", 0x08000000, 128 * K, RUNS({128, 1 * K}),
     0x20000200, 0x20005000, 0x1FFFF000, 0x1FFFF800, 0x1FFFF800, 0x1FFFF810, FSIZE_F1, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0},
    {0x414, "STM32F10xxx high density", "F1", 0x08000000, 512 * K, RUNS({256, 2 * K}),
     0x20000200, 0x20010000, 0x1FFFF000, 0x1FFFF800, 0x1FFFF800, 0x1FFFF810, FSIZE_F1, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0},
    {0x430, "STM32F10xxx XL density", "F1", 0x08000000, 1024 * K, RUNS({512, 2 * K}),
     0x20000800, 0x20018000, 0x1FFFE000, 0x1FFFF800, 0x1FFFF800, 0x1FFFF810, FSIZE_F1, 4, 0xFF, true, 0, 0, SF_FSIZE_KIB, 0},
    /* F3 */
    {0x422, "STM32F303xB/C, F358", "F3", 0x08000000, 256 * K, RUNS({128, 2 * K}),
     0x20001400, 0x2000A000, 0x1FFFD800, 0x1FFFF800, 0x1FFFF800, 0x1FFFF810, FSIZE_F0_F3, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0},
    /* F4: sectors of 16, 64 and 128 KiB */
    {0x423, "STM32F401xB/C", "F4", 0x08000000, 256 * K, RUNS({4, 16 * K}, {1, 64 * K}, {1, 128 * K}),
     0x20003000, 0x20010000, 0x1FFF0000, 0x1FFF7800, 0x1FFFC000, 0x1FFFC010, FSIZE_F4, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0},
    {0x433, "STM32F401xD/E", "F4", 0x08000000, 512 * K, RUNS({4, 16 * K}, {1, 64 * K}, {3, 128 * K}),
     0x20003000, 0x20018000, 0x1FFF0000, 0x1FFF7800, 0x1FFFC000, 0x1FFFC010, FSIZE_F4, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0},
    {0x431, "STM32F411xx", "F4", 0x08000000, 512 * K, RUNS({4, 16 * K}, {1, 64 * K}, {3, 128 * K}),
     0x20003000, 0x20020000, 0x1FFF0000, 0x1FFF7800, 0x1FFFC000, 0x1FFFC010, FSIZE_F4, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0},
    /* F405/407: bootloader 0x31 keeps RAM up to 0x20002000, 0x91 up to 0x20003000: use the later. */
    {0x413, "STM32F405/407/415/417", "F4", 0x08000000, 1024 * K, RUNS({4, 16 * K}, {1, 64 * K}, {7, 128 * K}),
     0x20003000, 0x20020000, 0x1FFF0000, 0x1FFF7800, 0x1FFFC000, 0x1FFFC010, FSIZE_F4, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0},
    {0x421, "STM32F446xx", "F4", 0x08000000, 512 * K, RUNS({4, 16 * K}, {1, 64 * K}, {3, 128 * K}),
     0x20003000, 0x20020000, 0x1FFF0000, 0x1FFF7800, 0x1FFFC000, 0x1FFFC010, FSIZE_F4, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0},
    /* F7 */
    {0x449, "STM32F74x/75x", "F7", 0x08000000, 1024 * K, RUNS({4, 32 * K}, {1, 128 * K}, {3, 256 * K}),
     0x20004000, 0x20050000, 0x1FF00000, 0x1FF0EDC0, 0x1FFF0000, 0x1FFF0020, FSIZE_F7, 8, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0},
    /* H7: two banks of 8 x 128 KiB; option bytes are registers, not memory. The RAM listed is
     * the AXI SRAM the bootloader leaves free (0x24005000-0x2407FFFF; also 0x20004100-0x2001FFFF
     * of DTCM, which the DMA cannot reach). Bank 2 is always at 0x08100000 (stm32h743xx.h
     * FLASH_BANK2_BASE; OpenOCD stm32h7x.c: "the second bank starts always from 0x08100000"):
     * a 1 MiB H743/753xG has 512 KiB at 0x08000000 and 512 KiB there. The 128 KiB H750 has one
     * bank (stm32h750xx.h: FLASH_SIZE 128 KiB, no second bank). */
    {0x450, "STM32H74x/75x", "H7", 0x08000000, 2048 * K, RUNS({16, 128 * K}),
     0x24005000, 0x24080000, 0x1FF00000, 0x1FF1E800, 0, 0, FSIZE_H7, 8, 0xFF, true, 0x08100000, 128 * K, SF_FSIZE_KIB, 0},
    /* L0/L1: erased flash reads 0x00 */
    /* The RAM the L07x's bootloader keeps: 0x20001000 (ID 0x41) or 0x20001400 (0xB2) in AN2606
     * Rev 70 as the facts file has it, 0x20002000 in stm32flash's dev_table.c. A stub inside the
     * ROM's RAM crashes the ROM, so the host keeps above the highest of them. */
    {0x447, "STM32L07x/08x", "L0", 0x08000000, 192 * K, RUNS({1536, 128}),
     0x20002000, 0x20005000, 0x1FF00000, 0x1FF02000, 0x1FF80000, 0x1FF80020, FSIZE_L0, 8, 0x00, true, 0, 0, SF_FSIZE_KIB, 0},
    {0x416, "STM32L1xxx6/8/B (cat.1)", "L1", 0x08000000, 128 * K, RUNS({512, 256}),
     0x20000800, 0x20004000, 0x1FF00000, 0x1FF01000, 0x1FF80000, 0x1FF80020, FSIZE_L1_CAT1, 8, 0x00, false, 0, 0, SF_FSIZE_KIB, 0},
    /* Cat.2: only F_SIZE[7:0] is the size: "F_SIZE[15:8] is reserved and must be ignored" (RM0038,
     * Flash size register; OpenOCD stm32lx.c masks it). */
    {0x429, "STM32L1xxx6/8/BA (cat.2)", "L1", 0x08000000, 128 * K, RUNS({512, 256}),
     0x20001000, 0x20008000, 0x1FF00000, 0x1FF01000, 0x1FF80000, 0x1FF80020, FSIZE_L1_CAT1, 8, 0x00, false, 0, 0, SF_FSIZE_KIB_LOW_BYTE, 0},
    {0x427, "STM32L1xxxC (cat.3)", "L1", 0x08000000, 256 * K, RUNS({1024, 256}),
     0x20001000, 0x20008000, 0x1FF00000, 0x1FF02000, 0x1FF80000, 0x1FF80020, FSIZE_L1_CAT3, 8, 0x00, false, 0, 0, SF_FSIZE_KIB, 0},
    /* 0x436: F_SIZE is a code, 0 = 384 KiB, 1 = 256 KiB (RM0038 "Flash size register"; OpenOCD
     * stm32lx.c decodes it so). The 384 KiB cat.4 has two banks of 192 KiB (stm32l151xd.h:
     * FLASH_BANK2_BASE 0x08030000), the 256 KiB xCA one (stm32l151xca.h: no bank 2; OpenOCD
     * assumes a 192 KiB bank 1 there: we follow ST). The RAM listed is the 256 KiB parts'
     * 32 KiB (the 384 KiB ones have 48): nothing tells them apart before the stub runs. */
    {0x436, "STM32L1xxxD (cat.4), xC (cat.3)", "L1", 0x08000000, 384 * K, RUNS({1536, 256}),
     0x20001000, 0x20008000, 0x1FF00000, 0x1FF02000, 0x1FF80000, 0x1FF80020, FSIZE_L1_CAT3, 8, 0x00, true, 0, 256 * K, SF_FSIZE_L1_CAT4_CODE, 0},
    /* 0x437: bank 2 at 0x08040000 on the 512 KiB cat.5 and on the 384 KiB cat.6 "xD-X" parts,
     * whose bank 1 ends at 0x0802FFFF (stm32l151xdx.h: FLASH_BANK1_END, FLASH_BANK2_BASE). */
    {0x437, "STM32L1xxxE (cat.5), xD-X (cat.6)", "L1", 0x08000000, 512 * K, RUNS({2048, 256}),
     0x20001000, 0x20014000, 0x1FF00000, 0x1FF02000, 0x1FF80000, 0x1FF80020, FSIZE_L1_CAT3, 8, 0x00, true, 0x08040000, 0, SF_FSIZE_KIB, 0},
    /* L4, G0, G4, WB: 64-bit programming, pages. The empty check (ST's knowledge article "Empty
     * check mechanism on STM32": L43x/44x, G0, WB, not L47x or G4): L4 FLASH_SR PEMPTY (bit 17,
     * a write of 1 toggles it; stm32flash's F_PEMPTY), G0 and WB FLASH_ACR EMPTY (bit 16,
     * read/write: CMSIS FLASH_ACR_PROGEMPTY / FLASH_ACR_EMPTY; ST's HAL_FLASHEx_ForceFlashEmpty). */
    {0x435, "STM32L43x/44x", "L4", 0x08000000, 256 * K, RUNS({128, 2 * K}),
     0x20003100, 0x2000C000, 0x1FFF0000, 0x1FFF7000, 0x1FFF7800, 0x1FFF7810, FSIZE_L4_G_WB, 8, 0xFF, false, 0, 0, SF_FSIZE_KIB, SF_EMPTY_CHECK_SR_PEMPTY},
    {0x415, "STM32L47x/48x", "L4", 0x08000000, 1024 * K, RUNS({512, 2 * K}),
     0x20003100, 0x20018000, 0x1FFF0000, 0x1FFF7000, 0x1FFF7800, 0x1FFF7810, FSIZE_L4_G_WB, 8, 0xFF, true, 0, 0, SF_FSIZE_KIB, 0},
    {0x460, "STM32G07x/08x", "G0", 0x08000000, 128 * K, RUNS({64, 2 * K}),
     0x20002700, 0x20009000, 0x1FFF0000, 0x1FFF7000, 0x1FFF7800, 0x1FFF7880, FSIZE_L4_G_WB, 8, 0xFF, false, 0, 0, SF_FSIZE_KIB, SF_EMPTY_CHECK_ACR_EMPTY},
    /* G4 cat.3 in its default dual-bank mode (DBANK = 1): bank 2 at 0x08040000 whatever the
     * size, so 128 and 256 KiB parts have a hole after bank 1 (RM0440 tables 7 and 8 as ST's
     * answer on its forum reads them: "address gap between both Banks if the whole Flash size is
     * less than 512kB"; OpenOCD stm32l4x.c: "dual bank WITH gap"; Zephyr PR 30231). In
     * single-bank mode (DBANK = 0) pages are 4 KiB and there is no hole: not handled yet. */
    {0x469, "STM32G47x/48x", "G4", 0x08000000, 512 * K, RUNS({256, 2 * K}),
     0x20004000, 0x20018000, 0x1FFF0000, 0x1FFF7000, 0x1FFF7800, 0x1FFF7830, FSIZE_L4_G_WB, 8, 0xFF, true, 0x08040000, 0, SF_FSIZE_KIB, 0},
    {0x495, "STM32WB55xx/35xx", "WB", 0x08000000, 1024 * K, RUNS({256, 4 * K}),
     0x20004000, 0x2000C000, 0x1FFF0000, 0x1FFF7000, 0x1FFF8000, 0x1FFF8080, FSIZE_L4_G_WB, 8, 0xFF, false, 0, 0, SF_FSIZE_KIB, SF_EMPTY_CHECK_ACR_EMPTY},
};

const sf_device *sf_device_find(uint16_t pid)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].pid == pid)
            return &table[i];
    return NULL;
}

const sf_device *sf_device_at(size_t i)
{
    return i < sizeof table / sizeof table[0] ? &table[i] : NULL;
}

/* Bank 1's size on a two-bank part: the F1 XL's is 512 KiB (RM0008 3.3.3), the others' half. */
static uint32_t bank1_size(const sf_device *d, uint32_t flash_size)
{
    const sfi_family *f = sfi_family_named(d->family);
    return f && f->bank2_at_512k ? 512u * K : flash_size / 2u;
}

uint32_t sf_device_bank2_base(const sf_device *d, uint32_t flash_size)
{
    if (!d || !d->dual_bank || (d->single_bank_max && flash_size <= d->single_bank_max))
        return 0;
    uint32_t b1 = bank1_size(d, flash_size);
    if (b1 >= flash_size)
        return 0; /* an F1 XL of 512 KiB or less */
    return d->bank2_fixed ? d->bank2_fixed : d->flash_base + b1;
}

/* The part's flash as one or two address ranges (its banks where bank 2 does not follow bank 1). */
typedef struct region {
    uint32_t base, size;
} region;

static unsigned regions_of(const sf_device *d, uint32_t flash_size, region r[2])
{
    uint32_t b2 = sf_device_bank2_base(d, flash_size);
    if (!b2) {
        r[0] = (region){d->flash_base, flash_size};
        return 1;
    }
    uint32_t b1 = bank1_size(d, flash_size);
    r[0] = (region){d->flash_base, b1};
    r[1] = (region){b2, flash_size - b1};
    return 2;
}

/* Walks the line's erase units over a region: each bank starts the layout again (the banks of
 * a dual-bank part are alike), which for one bank is the layout itself. Calls back until it
 * returns true; returns the number of units walked. */
typedef bool (*unit_fn)(uint32_t start, uint32_t size, size_t index, void *user);

static size_t walk_units(const sf_device *d, uint32_t flash_size, unit_fn fn, void *user)
{
    region r[2];
    unsigned nr = regions_of(d, flash_size, r);
    size_t n = 0;
    for (unsigned k = 0; k < nr; k++) {
        uint32_t off = 0;
        for (uint8_t run = 0; run < d->layout_runs; run++)
            for (uint16_t i = 0; i < d->layout[run].count && off < r[k].size; i++, n++) {
                if (fn && fn(r[k].base + off, d->layout[run].size, n, user))
                    return n + 1;
                off += d->layout[run].size;
            }
    }
    return n;
}

size_t sf_device_unit_count(const sf_device *dev, uint32_t flash_size)
{
    return dev ? walk_units(dev, flash_size, NULL, NULL) : 0;
}

struct unit_query {
    uint32_t addr;
    size_t index;
    bool by_index, found;
    uint32_t start, size, found_index;
};

static bool match_unit(uint32_t start, uint32_t size, size_t index, void *user)
{
    struct unit_query *q = user;
    if (q->by_index ? index == q->index : q->addr >= start && q->addr - start < size) {
        q->found = true;
        q->start = start;
        q->size = size;
        q->found_index = (uint32_t)index;
    }
    return q->found;
}

/* Walks the units for q and hands out what it found. */
static sf_error answer(const sf_device *dev, uint32_t flash_size, struct unit_query *q, uint32_t *index,
                       uint32_t *start, uint32_t *size)
{
    walk_units(dev, flash_size, match_unit, q);
    if (!q->found)
        return SF_ERR_FIT;
    if (index)
        *index = q->found_index;
    if (start)
        *start = q->start;
    if (size)
        *size = q->size;
    return SF_OK;
}

sf_error sf_device_unit_of(const sf_device *dev, uint32_t flash_size, uint32_t addr, uint32_t *index,
                           uint32_t *start, uint32_t *size)
{
    struct unit_query q = {.addr = addr};
    if (!dev || addr < dev->flash_base || addr >= sf_device_flash_end(dev, flash_size))
        return SF_ERR_FIT;
    return answer(dev, flash_size, &q, index, start, size);
}

sf_error sf_device_unit_at(const sf_device *dev, uint32_t flash_size, size_t index, uint32_t *start, uint32_t *size)
{
    struct unit_query q = {.index = index, .by_index = true};
    return dev ? answer(dev, flash_size, &q, NULL, start, size) : SF_ERR_ARG;
}

uint32_t sf_device_flash_end(const sf_device *dev, uint32_t flash_size)
{
    if (!dev)
        return 0;
    region r[2];
    unsigned nr = regions_of(dev, flash_size, r);
    return r[nr - 1].base + r[nr - 1].size;
}

uint32_t sf_device_hole(const sf_device *dev, uint32_t flash_size, uint32_t *size)
{
    region r[2];
    uint32_t end = dev && regions_of(dev, flash_size, r) == 2 ? r[0].base + r[0].size : 0;
    uint32_t n = end && r[1].base > end ? r[1].base - end : 0;
    if (size)
        *size = n;
    return n ? end : 0;
}

uint32_t sf_device_decode_flash_size(const sf_device *dev, uint16_t raw)
{
    if (!dev)
        return 0;
    uint32_t kib = raw;
    switch (dev->flash_size_coding) {
    case SF_FSIZE_KIB_LOW_BYTE:
        kib = raw & 0xFFu;
        break;
    case SF_FSIZE_L1_CAT4_CODE:
        kib = raw == 0 ? 384u : raw == 1 ? 256u : 0u;
        break;
    default:
        break;
    }
    if (kib == 0 || kib == 0xFFFFu || kib * K > dev->flash_size)
        return 0;
    return kib * K;
}

/* The number Extended Erase takes for the unit at start (index: its place in address order).
 * Lines of one page size number pages by address, (start - flash_base) / page, so bank 2 of a
 * part with a hole keeps the numbers it has on the largest part, as stm32flash (which is tuned
 * on real chips) numbers them; sector lines (F2/F4/F7) count sectors. */
uint32_t sf_device_rom_page(const sf_device *d, uint32_t start, uint32_t index)
{
    if (d->layout_runs == 1)
        return (start - d->flash_base) / d->layout[0].size;
    return index;
}

/* The "Unique device ID register (96 bits)" of the device's family (families.txt: uid); the L1's
 * categories 1 and 2 have it elsewhere than 3 and up (RM0038). */
uint32_t sf_device_uid_address(const sf_device *dev)
{
    const sfi_family *f = sfi_family_named(dev ? dev->family : NULL);
    if (!f)
        return 0;
    if (dev->pid == 0x416 || dev->pid == 0x429) /* L1 categories 1 and 2 */
        return 0x1FF80050u;
    return f->uid;
}

bool sf_device_no_mass_erase(const sf_device *d)
{
    const sfi_family *f = sfi_family_named(d ? d->family : NULL);
    return f && !f->mass_erase;
}
