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
     0x20000800, 0x20002000, 0x1FFFEC00, 0x1FFFF800, 0x1FFFF800, 0x1FFFF810, FSIZE_F0_F3, 4, 0xFF, false},
    {0x448, "STM32F07x", "F0", 0x08000000, 128 * K, RUNS({64, 2 * K}),
     0x20001800, 0x20004000, 0x1FFFC800, 0x1FFFF800, 0x1FFFF800, 0x1FFFF810, FSIZE_F0_F3, 4, 0xFF, false},
    /* F1 */
    {0x412, "STM32F10xxx low density", "F1", 0x08000000, 32 * K, RUNS({32, 1 * K}),
     0x20000200, 0x20002800, 0x1FFFF000, 0x1FFFF800, 0x1FFFF800, 0x1FFFF810, FSIZE_F1, 4, 0xFF, false},
    {0x410, "STM32F10xxx medium density", "F1", 0x08000000, 128 * K, RUNS({128, 1 * K}),
     0x20000200, 0x20005000, 0x1FFFF000, 0x1FFFF800, 0x1FFFF800, 0x1FFFF810, FSIZE_F1, 4, 0xFF, false},
    {0x414, "STM32F10xxx high density", "F1", 0x08000000, 512 * K, RUNS({256, 2 * K}),
     0x20000200, 0x20010000, 0x1FFFF000, 0x1FFFF800, 0x1FFFF800, 0x1FFFF810, FSIZE_F1, 4, 0xFF, false},
    {0x430, "STM32F10xxx XL density", "F1", 0x08000000, 1024 * K, RUNS({512, 2 * K}),
     0x20000800, 0x20018000, 0x1FFFE000, 0x1FFFF800, 0x1FFFF800, 0x1FFFF810, FSIZE_F1, 4, 0xFF, true},
    /* F3 */
    {0x422, "STM32F303xB/C, F358", "F3", 0x08000000, 256 * K, RUNS({128, 2 * K}),
     0x20001400, 0x2000A000, 0x1FFFD800, 0x1FFFF800, 0x1FFFF800, 0x1FFFF810, FSIZE_F0_F3, 4, 0xFF, false},
    /* F4: sectors of 16, 64 and 128 KiB */
    {0x423, "STM32F401xB/C", "F4", 0x08000000, 256 * K, RUNS({4, 16 * K}, {1, 64 * K}, {1, 128 * K}),
     0x20003000, 0x20010000, 0x1FFF0000, 0x1FFF7800, 0x1FFFC000, 0x1FFFC010, FSIZE_F4, 4, 0xFF, false},
    {0x433, "STM32F401xD/E", "F4", 0x08000000, 512 * K, RUNS({4, 16 * K}, {1, 64 * K}, {3, 128 * K}),
     0x20003000, 0x20018000, 0x1FFF0000, 0x1FFF7800, 0x1FFFC000, 0x1FFFC010, FSIZE_F4, 4, 0xFF, false},
    {0x431, "STM32F411xx", "F4", 0x08000000, 512 * K, RUNS({4, 16 * K}, {1, 64 * K}, {3, 128 * K}),
     0x20003000, 0x20020000, 0x1FFF0000, 0x1FFF7800, 0x1FFFC000, 0x1FFFC010, FSIZE_F4, 4, 0xFF, false},
    /* F405/407: bootloader 0x31 keeps RAM up to 0x20002000, 0x91 up to 0x20003000: use the later. */
    {0x413, "STM32F405/407/415/417", "F4", 0x08000000, 1024 * K, RUNS({4, 16 * K}, {1, 64 * K}, {7, 128 * K}),
     0x20003000, 0x20020000, 0x1FFF0000, 0x1FFF7800, 0x1FFFC000, 0x1FFFC010, FSIZE_F4, 4, 0xFF, false},
    {0x421, "STM32F446xx", "F4", 0x08000000, 512 * K, RUNS({4, 16 * K}, {1, 64 * K}, {3, 128 * K}),
     0x20003000, 0x20020000, 0x1FFF0000, 0x1FFF7800, 0x1FFFC000, 0x1FFFC010, FSIZE_F4, 4, 0xFF, false},
    /* F7 */
    {0x449, "STM32F74x/75x", "F7", 0x08000000, 1024 * K, RUNS({4, 32 * K}, {1, 128 * K}, {3, 256 * K}),
     0x20004000, 0x20050000, 0x1FF00000, 0x1FF0EDC0, 0x1FFF0000, 0x1FFF0020, FSIZE_F7, 8, 0xFF, false},
    /* H7: two banks of 8 x 128 KiB; option bytes are registers, not memory. The RAM listed is
     * the AXI SRAM the bootloader leaves free (0x24005000-0x2407FFFF; also 0x20004100-0x2001FFFF
     * of DTCM, which the DMA cannot reach). */
    {0x450, "STM32H74x/75x", "H7", 0x08000000, 2048 * K, RUNS({16, 128 * K}),
     0x24005000, 0x24080000, 0x1FF00000, 0x1FF1E800, 0, 0, FSIZE_H7, 8, 0xFF, true},
    /* L0/L1: erased flash reads 0x00 */
    {0x447, "STM32L07x/08x", "L0", 0x08000000, 192 * K, RUNS({1536, 128}),
     0x20001400, 0x20005000, 0x1FF00000, 0x1FF02000, 0x1FF80000, 0x1FF80020, FSIZE_L0, 8, 0x00, true},
    {0x416, "STM32L1xxx6/8/B (cat.1)", "L1", 0x08000000, 128 * K, RUNS({512, 256}),
     0x20000800, 0x20004000, 0x1FF00000, 0x1FF01000, 0x1FF80000, 0x1FF80020, FSIZE_L1_CAT1, 8, 0x00, false},
    {0x429, "STM32L1xxx6/8/BA (cat.2)", "L1", 0x08000000, 128 * K, RUNS({512, 256}),
     0x20001000, 0x20008000, 0x1FF00000, 0x1FF01000, 0x1FF80000, 0x1FF80020, FSIZE_L1_CAT1, 8, 0x00, false},
    {0x427, "STM32L1xxxC (cat.3)", "L1", 0x08000000, 256 * K, RUNS({1024, 256}),
     0x20001000, 0x20008000, 0x1FF00000, 0x1FF02000, 0x1FF80000, 0x1FF80020, FSIZE_L1_CAT3, 8, 0x00, false},
    {0x436, "STM32L1xxxD (cat.4)", "L1", 0x08000000, 384 * K, RUNS({1536, 256}),
     0x20001000, 0x2000C000, 0x1FF00000, 0x1FF02000, 0x1FF80000, 0x1FF80020, FSIZE_L1_CAT3, 8, 0x00, true},
    {0x437, "STM32L1xxxE (cat.5)", "L1", 0x08000000, 512 * K, RUNS({2048, 256}),
     0x20001000, 0x20014000, 0x1FF00000, 0x1FF02000, 0x1FF80000, 0x1FF80020, FSIZE_L1_CAT3, 8, 0x00, true},
    /* L4, G0, G4, WB: 64-bit programming, pages */
    {0x435, "STM32L43x/44x", "L4", 0x08000000, 256 * K, RUNS({128, 2 * K}),
     0x20003100, 0x2000C000, 0x1FFF0000, 0x1FFF7000, 0x1FFF7800, 0x1FFF7810, FSIZE_L4_G_WB, 8, 0xFF, false},
    {0x415, "STM32L47x/48x", "L4", 0x08000000, 1024 * K, RUNS({512, 2 * K}),
     0x20003100, 0x20018000, 0x1FFF0000, 0x1FFF7000, 0x1FFF7800, 0x1FFF7810, FSIZE_L4_G_WB, 8, 0xFF, true},
    {0x460, "STM32G07x/08x", "G0", 0x08000000, 128 * K, RUNS({64, 2 * K}),
     0x20002700, 0x20009000, 0x1FFF0000, 0x1FFF7000, 0x1FFF7800, 0x1FFF7880, FSIZE_L4_G_WB, 8, 0xFF, false},
    {0x469, "STM32G47x/48x", "G4", 0x08000000, 512 * K, RUNS({256, 2 * K}),
     0x20004000, 0x20018000, 0x1FFF0000, 0x1FFF7000, 0x1FFF7800, 0x1FFF7830, FSIZE_L4_G_WB, 8, 0xFF, true},
    {0x495, "STM32WB55xx/35xx", "WB", 0x08000000, 1024 * K, RUNS({256, 4 * K}),
     0x20004000, 0x2000C000, 0x1FFF0000, 0x1FFF7000, 0x1FFF8000, 0x1FFF8080, FSIZE_L4_G_WB, 8, 0xFF, false},
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

size_t sf_device_unit_count(const sf_device *dev, uint32_t flash_size)
{
    size_t n = 0;
    uint32_t off = 0;
    for (uint8_t r = 0; r < dev->layout_runs; r++)
        for (uint16_t i = 0; i < dev->layout[r].count && off < flash_size; i++, n++)
            off += dev->layout[r].size;
    return n;
}

sf_error sf_device_unit_of(const sf_device *dev, uint32_t flash_size, uint32_t addr, uint32_t *index,
                           uint32_t *start, uint32_t *size)
{
    if (addr < dev->flash_base || addr - dev->flash_base >= flash_size)
        return SF_ERR_FIT;
    uint32_t off = 0, n = 0;
    for (uint8_t r = 0; r < dev->layout_runs; r++)
        for (uint16_t i = 0; i < dev->layout[r].count; i++, n++) {
            uint32_t sz = dev->layout[r].size;
            if (addr - dev->flash_base < off + sz) {
                if (index)
                    *index = n;
                if (start)
                    *start = dev->flash_base + off;
                if (size)
                    *size = sz;
                return SF_OK;
            }
            off += sz;
        }
    return SF_ERR_FIT;
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
