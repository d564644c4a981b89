/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* plausible.c - does an image look like firmware this chip can run? Checked before anything is
 * erased, so that text, a file for another chip, or a binary placed at the wrong address is
 * refused instead of leaving a board that no longer boots (see stubflash/job.h, SF_JOB_FORCE,
 * SF_JOB_DATA).
 *
 * A Cortex-M boots from a vector table: word 0 is the initial stack pointer, word 1 the reset
 * handler's address with bit 0 set (Thumb), words 2-15 the system exception handlers (ARMv7-M
 * Architecture Reference Manual B1.5.3; ARMv6-M B1.5.2). Words 7-10 and 13 are reserved. */
#include "plausible.h"

#include <stdio.h>
#include <string.h>

/* The RAM a stack may live in, per product ID (the largest part of each line; smaller parts' stacks
 * lie below the top given). From ST's CMSIS device headers (*_BASE, *_SIZE) and, where
 * a header gives no size, ST's linker templates or the datasheet, as noted. Blocks that follow
 * each other are one range. To join the device table (issue 17). */
typedef struct ram_block {
    uint16_t pid;
    uint32_t base, size;
} ram_block;

#define KIB 1024u
static const ram_block rams[] = {
    {0x440, 0x20000000u, 8 * KIB},   /* F030x8: SRAM_BASE (stm32f030x8.h); 8 KiB (DS9773) */
    {0x448, 0x20000000u, 16 * KIB},  /* F07x: stm32f072xb.h; 16 KiB (DS9826) */
    {0x412, 0x20000000u, 10 * KIB},  /* F1 LD: STM32CubeF1 STM32F103X6_FLASH.ld, 10K */
    {0x410, 0x20000000u, 20 * KIB},  /* F1 MD: STM32F103XB_FLASH.ld, 20K */
    {0x414, 0x20000000u, 64 * KIB},  /* F1 HD: STM32F103XE_FLASH.ld, 64K */
    {0x430, 0x20000000u, 96 * KIB},  /* F1 XL: STM32F103XG_FLASH.ld, 96K */
    {0x422, 0x20000000u, 40 * KIB},  /* F303xC: STM32F303XC_FLASH.ld RAM 40K */
    {0x422, 0x10000000u, 8 * KIB},   /*   CCMDATARAM_BASE (stm32f303xc.h), CCMRAM 8K */
    {0x423, 0x20000000u, 64 * KIB},  /* F401xB/C: SRAM1 "64 KB" (stm32f401xc.h) */
    {0x433, 0x20000000u, 96 * KIB},  /* F401xD/E: SRAM1 "96 KB" (stm32f401xe.h) */
    {0x431, 0x20000000u, 128 * KIB}, /* F411: SRAM1 "128 KB" (stm32f411xe.h) */
    {0x413, 0x20000000u, 128 * KIB}, /* F405/407: SRAM1 112 KB + SRAM2 16 KB (stm32f407xx.h) */
    {0x413, 0x10000000u, 64 * KIB},  /*   CCMDATARAM_BASE, "64 KB" */
    {0x421, 0x20000000u, 128 * KIB}, /* F446: SRAM1 + SRAM2 (stm32f446xx.h) */
    {0x449, 0x20000000u, 320 * KIB}, /* F74x: DTCM 64 KB + SRAM1 240 KB + SRAM2 16 KB (stm32f746xx.h) */
    {0x450, 0x20000000u, 128 * KIB}, /* H74x: D1_DTCMRAM_BASE "128KB" (stm32h743xx.h) */
    {0x450, 0x24000000u, 512 * KIB}, /*   D1_AXISRAM_BASE "up to 512KB" */
    {0x450, 0x30000000u, 288 * KIB}, /*   D2_AHBSRAM_BASE "up to 288KB" */
    {0x450, 0x10000000u, 288 * KIB}, /*   D2_AXISRAM_BASE (the D2 SRAM's alias) */
    {0x450, 0x38000000u, 64 * KIB},  /*   D3_SRAM_BASE "64 KB" */
    {0x447, 0x20000000u, 20 * KIB},  /* L07x: SRAM_SIZE_MAX 0x5000 (stm32l073xx.h) */
    {0x416, 0x20000000u, 16 * KIB},  /* L1 cat.1: 16 KiB (DS: L151x6/8/B) */
    {0x429, 0x20000000u, 32 * KIB},  /* L1 cat.2: 32 KiB (DS: L151xBA) */
    {0x427, 0x20000000u, 32 * KIB},  /* L1 cat.3: 32 KiB (DS: L151xC) */
    {0x436, 0x20000000u, 48 * KIB},  /* L1 cat.4: 48 KiB (DS: L151xD) */
    {0x437, 0x20000000u, 80 * KIB},  /* L1 cat.5: 80 KiB (DS: L151xE; Atollic L152RE _estack 0x20014000) */
    {0x435, 0x20000000u, 64 * KIB},  /* L43x: SRAM1_SIZE_MAX 0xC000 + SRAM2 alias (stm32l433xx.h) */
    {0x435, 0x10000000u, 16 * KIB},  /*   SRAM2_BASE, SRAM2_SIZE 0x4000 */
    {0x415, 0x20000000u, 96 * KIB},  /* L47x: SRAM1_SIZE_MAX 0x18000 (stm32l476xx.h) */
    {0x415, 0x10000000u, 32 * KIB},  /*   SRAM2_BASE, SRAM2_SIZE 0x8000 */
    {0x460, 0x20000000u, 36 * KIB},  /* G07x: 36 KiB (the header says 32: that is with parity on;
                                      * DS12232, CubeMX _estack 0x20009000) */
    {0x469, 0x20000000u, 128 * KIB}, /* G47x: SRAM1 + SRAM2 + CCM alias (stm32g474xx.h, RM0440 2.4) */
    {0x469, 0x10000000u, 32 * KIB},  /*   CCMSRAM_BASE, CCMSRAM_SIZE 0x8000 */
    {0x495, 0x20000000u, 256 * KIB}, /* WB55: SRAM1 + SRAM2a + SRAM2b (stm32wb55xx.h *_END_ADDR) */
};

static bool in_range(uint32_t addr, uint32_t base, uint32_t size, bool top_too)
{
    return addr >= base && (top_too ? addr - base <= size : addr - base < size);
}

/* Inside the chip's RAM; top_too also takes the address one past a block (a full-descending
 * stack starts there). A part missing from the table: the RAM the device table gives. */
static bool in_ram(const sf_device *d, uint32_t addr, bool top_too)
{
    bool listed = false;
    for (size_t i = 0; i < sizeof rams / sizeof rams[0]; i++)
        if (rams[i].pid == d->pid) {
            listed = true;
            if (in_range(addr, rams[i].base, rams[i].size, top_too))
                return true;
        }
    return !listed && in_range(addr, 0x20000000u, d->ram_end - 0x20000000u, top_too);
}

static bool in_flash(const sf_device *d, uint32_t flash_size, uint32_t addr)
{
    return sf_device_unit_of(d, flash_size, addr, NULL, NULL, NULL) == SF_OK;
}

/* Whether the image itself holds the byte at addr. */
static bool in_image(const sf_image *img, uint32_t addr)
{
    for (size_t i = 0; i < sf_image_segment_count(img); i++) {
        uint32_t a;
        const uint8_t *p;
        size_t n;
        sf_image_segment(img, i, &a, &p, &n);
        if (addr >= a && addr - a < n)
            return true;
    }
    return false;
}

static uint32_t word(const uint8_t *p, unsigned i)
{
    p += 4 * i;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool reserved_vector(unsigned i) { return (i >= 7 && i <= 10) || i == 13; }

/* The first words at the image's start read as a vector table this chip could boot from. */
static bool looks_like_vectors(const sf_device *d, uint32_t flash_size, const uint8_t *p, size_t n)
{
    return n >= 8 && in_ram(d, word(p, 0) & ~3u, true) && (word(p, 1) & 1) &&
           in_flash(d, flash_size, word(p, 1) & ~1u);
}

static void ram_text(const sf_device *d, char *out, size_t cap)
{
    int n = 0;
    out[0] = 0;
    for (size_t i = 0; i < sizeof rams / sizeof rams[0] && n >= 0 && (size_t)n < cap; i++)
        if (rams[i].pid == d->pid)
            n += snprintf(out + n, cap - (size_t)n, "%s0x%08X-0x%08X", n ? ", " : "", rams[i].base,
                          rams[i].base + rams[i].size - 1);
    if (!out[0])
        snprintf(out, cap, "0x20000000-0x%08X", d->ram_end - 1);
}

/* The vector table at the boot address, word by word. */
static sf_error check_boot_vectors(const sf_device *d, uint32_t flash_size, const sf_image *img, const uint8_t *p,
                                   size_t n, sf_errbuf *eb)
{
    char ram[160];
    ram_text(d, ram, sizeof ram);
    if (n < 8)
        return sf_fail(eb, SF_ERR_FILE, "the image has %zu byte(s) at the boot address 0x%08X: too few for a vector "
                       "table (stack pointer and reset vector); this is not firmware for %s", n, d->flash_base,
                       d->name);
    /* The core loads SP with bits 1:0 cleared (ARMv7-M ARM B1.5.5, TakeReset), and ST's older
     * linker templates end the stack at the RAM's last byte (STM32CubeF1 STM32F103XB_FLASH.ld:
     * _estack = 0x20004FFF): the word-aligned value is what must lie in RAM. */
    uint32_t sp = word(p, 0), reset = word(p, 1);
    if (!in_ram(d, sp & ~3u, true))
        return sf_fail(eb, SF_ERR_FILE, "the first word 0x%08X is not a stack pointer inside the RAM of %s (%s): "
                       "this is not firmware for this chip", sp, d->name, ram);
    if (!(reset & 1))
        return sf_fail(eb, SF_ERR_FILE, "the reset vector 0x%08X is even: a Cortex-M runs Thumb code only, so its "
                       "handler's address has bit 0 set; this is not firmware for a Cortex-M", reset);
    if (!in_image(img, reset & ~1u))
        return sf_fail(eb, SF_ERR_FILE, "the reset vector 0x%08X points outside the image (%s): the chip would start "
                       "in code this write does not put there", reset,
                       in_flash(d, flash_size, reset & ~1u) ? "into flash the image does not write" : "outside the flash");
    for (unsigned i = 2; i < 16 && 4 * i + 4 <= n; i++) {
        uint32_t v = word(p, i);
        if (reserved_vector(i) || v == 0)
            continue;
        bool ok = (v & 1) && (in_flash(d, flash_size, v & ~1u) || in_ram(d, v & ~1u, false));
        if (!ok)
            return sf_fail(eb, SF_ERR_FILE, "vector %u (at 0x%08X) is 0x%08X, neither 0 nor a Thumb address in the "
                           "chip's flash or RAM: this is not a vector table for %s", i, d->flash_base + 4 * i, v,
                           d->name);
    }
    return SF_OK;
}

sf_error sf_plausible(const sf_device *d, uint32_t flash_size, const sf_image *img, bool data, sf_errbuf *eb)
{
    if (data || sf_image_segment_count(img) == 0)
        return SF_OK;
    uint32_t lo;
    const uint8_t *p;
    size_t n;
    sf_image_segment(img, 0, &lo, &p, &n);
    if (lo == d->flash_base)
        return check_boot_vectors(d, flash_size, img, p, n, eb);
    /* Anywhere else: an application behind a bootloader has its own vector table, which must
     * point into the image; anything else is data, which the user says. */
    if (!looks_like_vectors(d, flash_size, p, n))
        return sf_fail(eb, SF_ERR_FILE, "the image starts at 0x%08X with no vector table (first words 0x%08X 0x%08X): "
                       "firmware placed there needs its own; if this is data (a calibration block, a file system), "
                       "write it as data (--data)", lo, n >= 4 ? word(p, 0) : 0, n >= 8 ? word(p, 1) : 0);
    uint32_t reset = word(p, 1) & ~1u;
    if (reset < lo)
        return sf_fail(eb, SF_ERR_FILE, "the reset vector 0x%08X points below 0x%08X, where this image starts: it was "
                       "linked for a lower address (the flash starts at 0x%08X)", word(p, 1), lo, d->flash_base);
    if (!in_image(img, reset))
        return sf_fail(eb, SF_ERR_FILE, "the reset vector 0x%08X points past the image that starts at 0x%08X: it was "
                       "linked for another address", word(p, 1), lo);
    return SF_OK;
}
