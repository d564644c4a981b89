/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stubflash_enter_parts.h - where the ROM bootloader starts (system memory), by product ID
 * (DBGMCU IDCODE DEV_ID), for stubflash_enter.c: AN2606's figures as stubflash's device table
 * has them (libflash/device_table.c; tests/test_appentry_parts.c checks the two agree and
 * that every line is here). Left out: the H7 (DBGMCU IDCODE at 0x5C001000, RM0433) and the
 * Cortex-M33 lines L5, U5 and H5 (0xE0044000, RM0438, RM0456; H5 elsewhere again), whose
 * IDCODE stubflash_enter_system_memory() does not read there: on them define
 * STUBFLASH_ENTER_SYSTEM_MEMORY. */
#ifndef STUBFLASH_ENTER_PARTS_H
#define STUBFLASH_ENTER_PARTS_H

#include <stdint.h>

static const struct {
    uint16_t id;
    uint32_t sysmem;
} stubflash_enter_parts[] = {
    {0x410, 0x1FFFF000u}, /* STM32F10xxx medium density */
    {0x411, 0x1FFF0000u}, /* STM32F2xx */
    {0x412, 0x1FFFF000u}, /* STM32F10xxx low density */
    {0x413, 0x1FFF0000u}, /* STM32F405/407/415/417 */
    {0x414, 0x1FFFF000u}, /* STM32F10xxx high density */
    {0x415, 0x1FFF0000u}, /* STM32L47x/48x */
    {0x416, 0x1FF00000u}, /* STM32L1xxx6/8/B (cat.1) */
    {0x417, 0x1FF00000u}, /* STM32L05x/06x */
    {0x418, 0x1FFFB000u}, /* STM32F105/107 connectivity line */
    {0x419, 0x1FFF0000u}, /* STM32F42x/43x */
    {0x420, 0x1FFFF000u}, /* STM32F100 medium density value line */
    {0x421, 0x1FFF0000u}, /* STM32F446xx */
    {0x422, 0x1FFFD800u}, /* STM32F303xB/C, F358 */
    {0x423, 0x1FFF0000u}, /* STM32F401xB/C */
    {0x425, 0x1FF00000u}, /* STM32L031/041 */
    {0x427, 0x1FF00000u}, /* STM32L1xxxC (cat.3) */
    {0x428, 0x1FFFF000u}, /* STM32F100 high density value line */
    {0x429, 0x1FF00000u}, /* STM32L1xxx6/8/BA (cat.2) */
    {0x430, 0x1FFFE000u}, /* STM32F10xxx XL density */
    {0x431, 0x1FFF0000u}, /* STM32F411xx */
    {0x432, 0x1FFFD800u}, /* STM32F373/378 */
    {0x433, 0x1FFF0000u}, /* STM32F401xD/E */
    {0x434, 0x1FFF0000u}, /* STM32F469/479 */
    {0x435, 0x1FFF0000u}, /* STM32L43x/44x */
    {0x436, 0x1FF00000u}, /* STM32L1xxxD (cat.4), xC (cat.3) */
    {0x437, 0x1FF00000u}, /* STM32L1xxxE (cat.5), xD-X (cat.6) */
    {0x438, 0x1FFFD800u}, /* STM32F303x4-8/F334/F328 */
    {0x439, 0x1FFFD800u}, /* STM32F301/F302x4-8/F318 */
    {0x440, 0x1FFFEC00u}, /* STM32F030x8/F05x */
    {0x441, 0x1FFF0000u}, /* STM32F412xx */
    {0x442, 0x1FFFD800u}, /* STM32F030xC/F09x */
    {0x443, 0x1FFF0000u}, /* STM32C011 */
    {0x444, 0x1FFFEC00u}, /* STM32F03xx4/6 */
    {0x445, 0x1FFFC400u}, /* STM32F04x/F070x6 */
    {0x446, 0x1FFFD800u}, /* STM32F302xD/E/F303xD/E/F398 */
    {0x447, 0x1FF00000u}, /* STM32L07x/08x */
    {0x448, 0x1FFFC800u}, /* STM32F07x */
    {0x449, 0x1FF00000u}, /* STM32F74x/75x */
    {0x451, 0x1FF00000u}, /* STM32F76x/77x */
    {0x452, 0x1FF00000u}, /* STM32F72x/73x */
    {0x453, 0x1FFF0000u}, /* STM32C031 */
    {0x456, 0x1FFF0000u}, /* STM32G05x/06x */
    {0x457, 0x1FF00000u}, /* STM32L01x/02x */
    {0x458, 0x1FFF0000u}, /* STM32F410xx */
    {0x460, 0x1FFF0000u}, /* STM32G07x/08x */
    {0x461, 0x1FFF0000u}, /* STM32L496/4A6 */
    {0x462, 0x1FFF0000u}, /* STM32L45x/46x */
    {0x463, 0x1FFF0000u}, /* STM32F413/423 */
    {0x464, 0x1FFF0000u}, /* STM32L41x/42x */
    {0x466, 0x1FFF0000u}, /* STM32G03x/04x */
    {0x467, 0x1FFF0000u}, /* STM32G0B0/B1/C1 */
    {0x468, 0x1FFF0000u}, /* STM32G431/441 */
    {0x469, 0x1FFF0000u}, /* STM32G47x/48x */
    {0x470, 0x1FFF0000u}, /* STM32L4R/4S */
    {0x471, 0x1FFF0000u}, /* STM32L4P5/4Q5 */
    {0x479, 0x1FFF0000u}, /* STM32G491/4A1 */
    {0x494, 0x1FFF0000u}, /* STM32WB10/15 */
    {0x495, 0x1FFF0000u}, /* STM32WB55xx/35xx */
    {0x497, 0x1FFF0000u}, /* STM32WLE5/WL55 */
};

#endif
