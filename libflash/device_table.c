/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* device_table.c - STM32 parts as data: one row per product line of AN2606 with a USART
 * bootloader (issue 17), each with the sources it was taken from (.source, and a comment where
 * they disagree). Where a line has several flash sizes the largest is listed and F_SIZE narrows
 * it at run time. A line whose flash controller has no RAM stub yet says why in .no_stub (the
 * session then writes through the ROM); sf_device_stub() (device_stub.c) adds the RAM check.
 *
 * Sources (see ../shared/reference/stm32-facts.md): AN2606 (Rev 69/70) for product IDs, the RAM
 * the bootloader leaves free (ram_base), system memory and the bootloader's USARTs; AN3155 for
 * write alignment (4 bytes; 8 on F7/G4/H7/L0/L1/L4/WB and the newer lines, 16 where the flash
 * takes 128-bit words); the reference manuals for flash layouts, F_SIZE and the unique ID;
 * stm32flash 0.7's dev_table.c, stm32loader's AN2606 transcription (per bootloader ID), ST's
 * CMSIS device headers and OpenOCD's src/flash/nor/stm32*.c to cross-check.
 * tests/test_device_table.c holds a second transcription of every row's figures.
 */
#include "sf_internal.h"

#include "families.h"

#include <pthread.h>

#define K 1024u
#define RUNS(...) (const sf_erase_run[]){__VA_ARGS__}, (uint8_t)(sizeof((const sf_erase_run[]){__VA_ARGS__}) / sizeof(sf_erase_run))

/* F_SIZE register addresses per family (reference manuals, "Flash size data register"; CMSIS
 * FLASHSIZE_BASE). */
#define FSIZE_F0_F3 0x1FFFF7CCu
#define FSIZE_F1 0x1FFFF7E0u
#define FSIZE_F2_F4 0x1FFF7A22u
#define FSIZE_F4 FSIZE_F2_F4
#define FSIZE_F72 0x1FF07A22u   /* RM0431 45.2; stm32f723xx.h FLASHSIZE_BASE */
#define FSIZE_F7 0x1FF0F442u
#define FSIZE_H7 0x1FF1E880u
#define FSIZE_H7A_H5 0x08FFF80Cu /* RM0455 / RM0481; stm32h7a3xx.h, stm32h563xx.h FLASHSIZE_BASE */
#define FSIZE_L0 0x1FF8007Cu
#define FSIZE_L1_CAT1 0x1FF8004Cu
#define FSIZE_L1_CAT3 0x1FF800CCu
#define FSIZE_L4_G_WB 0x1FFF75E0u
#define FSIZE_C0 0x1FFF75A0u    /* RM0490; stm32c031xx.h FLASHSIZE_BASE; OpenOCD stm32l4x.c */
#define FSIZE_L5 0x0BFA05E0u    /* RM0438; stm32l552xx.h FLASHSIZE_BASE; OpenOCD stm32l4x.c */
#define FSIZE_U5 0x0BFA07A0u    /* RM0456; stm32u575xx.h FLASHSIZE_BASE; OpenOCD stm32l4x.c */

/* 96-bit unique ID per family (each reference manual's "Unique device ID register"; CMSIS
 * UID_BASE). */
#define UID_F0_F3 0x1FFFF7ACu
#define UID_F1 0x1FFFF7E8u
#define UID_F2_F4 0x1FFF7A10u
#define UID_F72 0x1FF07A10u
#define UID_F7 0x1FF0F420u
#define UID_H7 0x1FF1E800u
#define UID_H7A_H5 0x08FFF800u
#define UID_L0_L1_CAT12 0x1FF80050u
#define UID_L1 0x1FF800D0u
#define UID_L4_G_WB 0x1FFF7590u
#define UID_C0 0x1FFF7550u
#define UID_L5 0x0BFA0590u
#define UID_U5 0x0BFA0700u

/* Option bytes as memory (value/complement pairs or the OPTR image); 0 where they are only
 * registers (H7, L5, U5, H5). */
#define OB_F0_F1_F3 0x1FFFF800u, 0x1FFFF810u
#define OB_F2_F4 0x1FFFC000u, 0x1FFFC010u
#define OB_F7 0x1FFF0000u, 0x1FFF0020u
#define OB_G0_WB 0x1FFF7800u, 0x1FFF7880u
#define OB_G4 0x1FFF7800u, 0x1FFF7830u
#define OB_L4 0x1FFF7800u, 0x1FFF7810u
#define OB_L4P 0x1FF00000u, 0x1FF00010u /* RM0432 table 8: bank 1's at 0x1FF00000, bank 2's 0x1FF01000 */
#define OB_L0_L1 0x1FF80000u, 0x1FF80020u
#define OB_L5 0x40022040u, 0x40022070u /* FLASH_OPTR .. WRP2BR (RM0438 6.9) */
#define OB_U5 0x40022040u, 0x40022070u /* FLASH_OPTR .. WRP2BR (stm32u575xx.h FLASH_TypeDef), as the L5's */
#define OB_NONE 0u, 0u

/* The bootloader's USARTs and their pins: AN2606 (Rev 69), each line's "Bootloader
 * configuration" table. USART1 on PA9/PA10 is common to every line here that has USART1. The
 * search tool returned only AN2606's first pages, so the other pins were transcribed without
 * every table at hand; these are confirmed by ST's forum quoting AN2606 or by ST staff: F05x
 * USART2 PA2/PA3 (AN2606 p.303), F401/F411 USART2 PD5/PD6 (a Nucleo-F411's PA2/PA3 get no
 * answer), F412 USART2 PD5/PD6, F446 USART3 PB10/PB11 and PC10/PC11 (AN2606 table 84), G4
 * USART1-3 only, the G431's USART2 PA2/PA3 and USART3 PC10/PC11, H743 USART2 PA2/PA3, C0 USART2
 * PA2/PA3; the L4A6's LPUART1 (its Nucleo's VCP) is not a bootloader port. Check a line's other
 * pins against AN2606 before a stub relies on them (issue 17 items 3 and 4). */
#define U1 {"USART1", "PA9", "PA10"}
#define U1_B14 {"USART1", "PB14", "PB15"}
#define U2_A2 {"USART2", "PA2", "PA3"}
#define U2_A14 {"USART2", "PA14", "PA15"}
#define U2_D5 {"USART2", "PD5", "PD6"}
#define U3_B10 {"USART3", "PB10", "PB11"}
#define U3_C10 {"USART3", "PC10", "PC11"}
#define U3_D8 {"USART3", "PD8", "PD9"}
#define LPU1_A2 {"LPUART1", "PA2", "PA3"}
#define USARTS(...) .usarts = (const sf_boot_usart[]){__VA_ARGS__}, \
    .usart_count = (uint8_t)(sizeof((const sf_boot_usart[]){__VA_ARGS__}) / sizeof(sf_boot_usart))
#define ALT(...) .alt_layout = (const sf_erase_run[]){__VA_ARGS__}, \
    .alt_layout_runs = (uint8_t)(sizeof((const sf_erase_run[]){__VA_ARGS__}) / sizeof(sf_erase_run))

/* The F76x/77x's row in either bank mode: the F7 stub codes bank 2's sectors 0x10-0x1B (SNB bit
 * 4, RM0410 3.7.5; ST's F7 HAL adds 4 to sectors 12-23) and erases bank 2 with MER2 (FLASH_CR
 * bit 15, stm32f767xx.h FLASH_CR_MER2), as the F4 stub does the F42x's. */
#define F76X_ROW(runs, dual, alt)                                                                          \
    {0x451, "STM32F76x/77x", "F7", 0x08000000, 2048 * K, runs, 0x20004000, 0x20080000, 0x1FF00000,       \
     0x1FF0EDC0, OB_F7, FSIZE_F7, 8, 0xFF, dual, 0, 0, SF_FSIZE_KIB, 0, .uid_reg = UID_F7,              \
     .program_bytes = 4, .bank_mode = SF_BANKS_F7_NDBANK, alt, USARTS(U1, U3_B10, U3_C10), .source = SRC_F7}

/* Sources, as each row cites them. "stm32flash" is stm32flash 0.7's dev_table.c, "AN2606" its
 * "Device-dependent bootloader parameters" table (Rev 69) as stm32loader's DEVICE_DETAILS
 * transcribes it per bootloader ID, "OpenOCD" src/flash/nor/stm32*.c. */
#define SRC_F0 "AN2606 Rev 69 STM32F0 sections; RM0091 3 (pages), RM0360; stm32flash 0.7"
#define SRC_F1 "AN2606 Rev 69 STM32F10x sections; RM0008 3.3.3 (pages, XL banks); stm32flash 0.7"
#define SRC_F1VL "AN2606 Rev 69 STM32F10xxx value line; RM0041 3 (pages, 24 MHz); stm32flash 0.7"
#define SRC_F2 "AN2606 Rev 69 STM32F2 section; RM0033 2.3 (sectors); stm32flash 0.7"
#define SRC_F3 "AN2606 Rev 69 STM32F3 sections; RM0316/RM0313/RM0365/RM0366 (2 KiB pages); stm32flash 0.7"
#define SRC_F4 "AN2606 Rev 69 STM32F4 sections; RM0090/RM0368/RM0383/RM0390/RM0401/RM0402/RM0430 (sectors); stm32flash 0.7"
#define SRC_F4DB "AN2606 Rev 69 STM32F42x/43x, F469/479; RM0090 3.4 / RM0386 3.4 (DB1M, sectors 12-23); stm32flash 0.7 f4db"
#define SRC_F7 "AN2606 Rev 69 STM32F7 sections; RM0385/RM0410/RM0431 3 (sectors, nDBANK); stm32flash 0.7"
#define SRC_G0 "AN2606 Rev 69 STM32G0 sections; RM0444 3.3 (pages, G0B/C banks); stm32flash 0.7; OpenOCD stm32l4x.c"
#define SRC_G4 "AN2606 Rev 69 STM32G4 sections; RM0440 3.3 (cat.2/3/4, DBANK); stm32flash 0.7; OpenOCD stm32l4x.c"
#define SRC_H7 "AN2606 Rev 69 STM32H7 sections; RM0433/RM0455/RM0468 4 (sectors, banks); stm32h7a3xx.h, stm32h723xx.h"
#define SRC_L0 "AN2606 Rev 69 STM32L0 sections; RM0377/RM0367/RM0376 3 (128-byte pages); stm32flash 0.7"
#define SRC_L1 "AN2606 Rev 69 STM32L1 sections; RM0038 3 (256-byte pages, categories); stm32flash 0.7"
#define SRC_L4 "AN2606 Rev 69 STM32L4 sections; RM0394/RM0351 3 (2 KiB pages); stm32flash 0.7"
#define SRC_L4P "AN2606 Rev 69 STM32L4+ sections; RM0432 3.3 (DBANK: 4/8 KiB pages); OpenOCD stm32l4x.c"
#define SRC_L5 "AN2606 Rev 69 STM32L552/562; RM0438 6.3 (DBANK: 2/4 KiB pages); stm32l552xx.h"
#define SRC_U5 "AN2606 Rev 69 STM32U5 sections; RM0456 7.3 (8 KiB pages, two banks); stm32u575xx.h, stm32u599xx.h"
#define SRC_WB "AN2606 Rev 69 STM32WB sections; RM0434/RM0473 3 (pages); OpenOCD stm32l4x.c (0x494 WB1x, 0x495 WB5x)"
#define SRC_WL "AN2606 Rev 69 STM32WLE5/WL55; RM0461 3.3 (2 KiB pages); stm32wle5xx.h"
#define SRC_C0 "AN2606 Rev 69 STM32C0 sections; RM0490 3.3 (2 KiB pages); stm32c011xx.h, stm32c031xx.h"
#define SRC_H5 "AN2606 Rev 69 STM32H5 sections; RM0481/RM0492 7.3 (8 KiB sectors, two banks); stm32h563xx.h, stm32h503xx.h"

static const sf_device table[] = {
    /* F0 */
    {0x440, "STM32F030x8/F05x", "F0", 0x08000000, 64 * K, RUNS({64, 1 * K}),
     0x20000800, 0x20002000, 0x1FFFEC00, 0x1FFFF800, OB_F0_F1_F3, FSIZE_F0_F3, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F0_F3, .program_bytes = 2, USARTS(U1, U2_A2), .source = SRC_F0},
    /* 4 KiB of RAM (6 KiB on the F031x6), of which the bootloader keeps 2: the stub does not fit. */
    {0x444, "STM32F03xx4/6", "F0", 0x08000000, 32 * K, RUNS({32, 1 * K}),
     0x20000800, 0x20001000, 0x1FFFEC00, 0x1FFFF800, OB_F0_F1_F3, FSIZE_F0_F3, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F0_F3, .program_bytes = 2, USARTS(U1), .source = SRC_F0},
    /* System memory from 0x1FFFD800 (RM0091 2.2.2; stm32flash had 0x1FFFC800 until a fix quoting
     * it). */
    {0x442, "STM32F030xC/F09x", "F0", 0x08000000, 256 * K, RUNS({128, 2 * K}),
     0x20001800, 0x20008000, 0x1FFFD800, 0x1FFFF800, OB_F0_F1_F3, FSIZE_F0_F3, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F0_F3, .program_bytes = 2, USARTS(U1, U2_A14),
     .no_stub = "the F09x routes its DMA requests through DMA1_CSELR (RM0091 10.3), which the F0 stub does not set",
     .source = SRC_F0},
    /* 6 KiB of RAM, all of it the bootloader's (stm32flash: RAM 0x20001800-0x20001800). */
    {0x445, "STM32F04x/F070x6", "F0", 0x08000000, 32 * K, RUNS({32, 1 * K}),
     0x20001800, 0x20001800, 0x1FFFC400, 0x1FFFF800, OB_F0_F1_F3, FSIZE_F0_F3, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F0_F3, .program_bytes = 2, USARTS(U1, U2_A14), .source = SRC_F0},
    {0x448, "STM32F07x", "F0", 0x08000000, 128 * K, RUNS({64, 2 * K}),
     0x20001800, 0x20004000, 0x1FFFC800, 0x1FFFF800, OB_F0_F1_F3, FSIZE_F0_F3, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F0_F3, .program_bytes = 2, USARTS(U1, U2_A14), .source = SRC_F0},
    /* F1 */
    {0x412, "STM32F10xxx low density", "F1", 0x08000000, 32 * K, RUNS({32, 1 * K}),
     0x20000200, 0x20002800, 0x1FFFF000, 0x1FFFF800, OB_F0_F1_F3, FSIZE_F1, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F1, .program_bytes = 2, USARTS(U1), .source = SRC_F1},
    {0x410, "STM32F10xxx medium density", "F1", 0x08000000, 128 * K, RUNS({128, 1 * K}),
     0x20000200, 0x20005000, 0x1FFFF000, 0x1FFFF800, OB_F0_F1_F3, FSIZE_F1, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F1, .program_bytes = 2, USARTS(U1), .source = SRC_F1},
    {0x414, "STM32F10xxx high density", "F1", 0x08000000, 512 * K, RUNS({256, 2 * K}),
     0x20000200, 0x20010000, 0x1FFFF000, 0x1FFFF800, OB_F0_F1_F3, FSIZE_F1, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F1, .program_bytes = 2, USARTS(U1), .source = SRC_F1},
    {0x420, "STM32F100 medium density value line", "F1", 0x08000000, 128 * K, RUNS({128, 1 * K}),
     0x20000200, 0x20002000, 0x1FFFF000, 0x1FFFF800, OB_F0_F1_F3, FSIZE_F1, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F1, .program_bytes = 2, USARTS(U1),
     .no_stub = "the F1 stub runs the core at 64 MHz; the value line's limit is 24 MHz (RM0041)", .source = SRC_F1VL},
    {0x428, "STM32F100 high density value line", "F1", 0x08000000, 512 * K, RUNS({256, 2 * K}),
     0x20000200, 0x20008000, 0x1FFFF000, 0x1FFFF800, OB_F0_F1_F3, FSIZE_F1, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F1, .program_bytes = 2, USARTS(U1),
     .no_stub = "the F1 stub runs the core at 64 MHz; the value line's limit is 24 MHz (RM0041)", .source = SRC_F1VL},
    /* The connectivity line: the F1's flash, its own RCC (RM0008 8.3.2: PLLMUL x4-x9 or x6.5, no
     * HSI/2 x 16), hence its own family record F1CL (families.txt), whose stub runs at 36 MHz.
     * The ROM keeps the first 4 KiB of RAM (AN2662 Rev 1 2.11). */
    {0x418, "STM32F105/107 connectivity line", "F1CL", 0x08000000, 256 * K, RUNS({128, 2 * K}),
     0x20001000, 0x20010000, 0x1FFFB000, 0x1FFFF800, OB_F0_F1_F3, FSIZE_F1, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F1, .program_bytes = 2, USARTS(U1, U2_D5), .source = SRC_F1},
    {0x430, "STM32F10xxx XL density", "F1", 0x08000000, 1024 * K, RUNS({512, 2 * K}),
     0x20000800, 0x20018000, 0x1FFFE000, 0x1FFFF800, OB_F0_F1_F3, FSIZE_F1, 4, 0xFF, true, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F1, .program_bytes = 2, USARTS(U1, U2_D5), .source = SRC_F1},
    /* F2: the F4's flash controller (RM0033 2.3); its stub is the F4's files with the F2's bus
     * prescalers (families.txt f2, stub/chip_f4.c). */
    {0x411, "STM32F2xx", "F2", 0x08000000, 1024 * K, RUNS({4, 16 * K}, {1, 64 * K}, {7, 128 * K}),
     0x20002000, 0x20020000, 0x1FFF0000, 0x1FFF7800, OB_F2_F4, FSIZE_F2_F4, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F2_F4, .program_bytes = 4, USARTS(U1, U3_B10, U3_C10), .source = SRC_F2},
    /* F3 */
    {0x422, "STM32F303xB/C, F358", "F3", 0x08000000, 256 * K, RUNS({128, 2 * K}),
     0x20001400, 0x2000A000, 0x1FFFD800, 0x1FFFF800, OB_F0_F1_F3, FSIZE_F0_F3, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F0_F3, .program_bytes = 2, USARTS(U1, U2_D5), .source = SRC_F3},
    /* F373: the bootloader 0x41 keeps RAM up to 0x20001400, 0x50 (F378) up to 0x20001000. */
    {0x432, "STM32F373/378", "F3", 0x08000000, 256 * K, RUNS({128, 2 * K}),
     0x20001400, 0x20008000, 0x1FFFD800, 0x1FFFF800, OB_F0_F1_F3, FSIZE_F0_F3, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F0_F3, .program_bytes = 2, USARTS(U1, U2_D5), .source = SRC_F3},
    {0x439, "STM32F301/F302x4-8/F318", "F3", 0x08000000, 64 * K, RUNS({32, 2 * K}),
     0x20001800, 0x20004000, 0x1FFFD800, 0x1FFFF800, OB_F0_F1_F3, FSIZE_F0_F3, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F0_F3, .program_bytes = 2, USARTS(U1, U2_A2), .source = SRC_F3},
    {0x438, "STM32F303x4-8/F334/F328", "F3", 0x08000000, 64 * K, RUNS({32, 2 * K}),
     0x20001800, 0x20003000, 0x1FFFD800, 0x1FFFF800, OB_F0_F1_F3, FSIZE_F0_F3, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F0_F3, .program_bytes = 2, USARTS(U1, U2_A2), .source = SRC_F3},
    {0x446, "STM32F302xD/E/F303xD/E/F398", "F3", 0x08000000, 512 * K, RUNS({256, 2 * K}),
     0x20001800, 0x20010000, 0x1FFFD800, 0x1FFFF800, OB_F0_F1_F3, FSIZE_F0_F3, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F0_F3, .program_bytes = 2, USARTS(U1, U2_D5), .source = SRC_F3},
    /* F4: sectors of 16, 64 and 128 KiB */
    {0x423, "STM32F401xB/C", "F4", 0x08000000, 256 * K, RUNS({4, 16 * K}, {1, 64 * K}, {1, 128 * K}),
     0x20003000, 0x20010000, 0x1FFF0000, 0x1FFF7800, OB_F2_F4, FSIZE_F4, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F2_F4, .program_bytes = 4, USARTS(U1, U2_D5), .source = SRC_F4},
    {0x433, "STM32F401xD/E", "F4", 0x08000000, 512 * K, RUNS({4, 16 * K}, {1, 64 * K}, {3, 128 * K}),
     0x20003000, 0x20018000, 0x1FFF0000, 0x1FFF7800, OB_F2_F4, FSIZE_F4, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F2_F4, .program_bytes = 4, USARTS(U1, U2_D5), .source = SRC_F4},
    {0x458, "STM32F410xx", "F4", 0x08000000, 128 * K, RUNS({4, 16 * K}, {1, 64 * K}),
     0x20003000, 0x20008000, 0x1FFF0000, 0x1FFF7800, OB_F2_F4, FSIZE_F4, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F2_F4, .program_bytes = 4, USARTS(U1, U2_A2), .source = SRC_F4},
    {0x431, "STM32F411xx", "F4", 0x08000000, 512 * K, RUNS({4, 16 * K}, {1, 64 * K}, {3, 128 * K}),
     0x20003000, 0x20020000, 0x1FFF0000, 0x1FFF7800, OB_F2_F4, FSIZE_F4, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F2_F4, .program_bytes = 4, USARTS(U1, U2_D5), .source = SRC_F4},
    {0x441, "STM32F412xx", "F4", 0x08000000, 1024 * K, RUNS({4, 16 * K}, {1, 64 * K}, {7, 128 * K}),
     0x20003000, 0x20040000, 0x1FFF0000, 0x1FFF7800, OB_F2_F4, FSIZE_F4, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F2_F4, .program_bytes = 4, USARTS(U1, U2_D5), .source = SRC_F4},
    /* F405/407: bootloader 0x31 keeps RAM up to 0x20002000, 0x91 up to 0x20003000: use the later. */
    {0x413, "STM32F405/407/415/417", "F4", 0x08000000, 1024 * K, RUNS({4, 16 * K}, {1, 64 * K}, {7, 128 * K}),
     0x20003000, 0x20020000, 0x1FFF0000, 0x1FFF7800, OB_F2_F4, FSIZE_F4, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F2_F4, .program_bytes = 4, USARTS(U1, U3_B10, U3_C10), .source = SRC_F4},
    /* F413/423: one bank of 16 sectors, 12-15 of 128 KiB (RM0430 3.3: SNB 0-15). */
    {0x463, "STM32F413/423", "F4", 0x08000000, 1536 * K, RUNS({4, 16 * K}, {1, 64 * K}, {11, 128 * K}),
     0x20003000, 0x20050000, 0x1FFF0000, 0x1FFF7800, OB_F2_F4, FSIZE_F4, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F2_F4, .program_bytes = 4, USARTS(U1, U2_A2, U3_C10), .source = SRC_F4},
    {0x421, "STM32F446xx", "F4", 0x08000000, 512 * K, RUNS({4, 16 * K}, {1, 64 * K}, {3, 128 * K}),
     0x20003000, 0x20020000, 0x1FFF0000, 0x1FFF7800, OB_F2_F4, FSIZE_F4, 4, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F2_F4, .program_bytes = 4, USARTS(U1, U3_B10, U3_C10), .source = SRC_F4},
    /* F42x/43x and F469/479: 2 MiB parts have two banks of 12 sectors (12-23 in bank 2); the 1 MiB
     * ones one bank unless DB1M (FLASH_OPTCR bit 30) splits them into two of 512 KiB (RM0090
     * 3.4, tables 5-7). Option bytes: bank 1's at 0x1FFFC000, bank 2's at 0x1FFEC000
     * (stm32flash lists 0x1FFEC000-0x1FFFC00F as one range). The F4 stub codes bank 2's sectors
     * with SNB bit 4 (sector 12 is 0x10) and erases bank 2 with MER1 (RM0090 3.9.8; OpenOCD
     * stm32f2x.c "(i - 12) | 0x10"). A 1 MiB part with DB1M = 1 has two banks of 4 x 16, 64, 3 x
     * 128 KiB, bank 2 at 0x08080000 with sectors 12-19 (RM0090 3.4 table 7): the host reads DB1M
     * at each connection (sfi_device_banks; FLASH_OPTCR bit 30, stm32f429xx.h FLASH_OPTCR_DB1M)
     * and takes the ALT layout. Tested on the F429 (the simulator's stm32f429zi, 2 MiB, and
     * stm32f429zg, 1 MiB in either mode); the F469/479 keep the ROM until checked against RM0386. */
    {0x419, "STM32F42x/43x", "F4", 0x08000000, 2048 * K,
     RUNS({4, 16 * K}, {1, 64 * K}, {7, 128 * K}, {4, 16 * K}, {1, 64 * K}, {7, 128 * K}),
     0x20003000, 0x20030000, 0x1FFF0000, 0x1FFF7800, OB_F2_F4, FSIZE_F4, 4, 0xFF, true, 0, 1024 * K, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F2_F4, .program_bytes = 4, .bank_mode = SF_BANKS_F4_DB1M,
     ALT({4, 16 * K}, {1, 64 * K}, {3, 128 * K}, {4, 16 * K}, {1, 64 * K}, {3, 128 * K}),
     USARTS(U1, U3_B10, U3_C10), .source = SRC_F4DB},
    {0x434, "STM32F469/479", "F4", 0x08000000, 2048 * K,
     RUNS({4, 16 * K}, {1, 64 * K}, {7, 128 * K}, {4, 16 * K}, {1, 64 * K}, {7, 128 * K}),
     0x20003000, 0x20060000, 0x1FFF0000, 0x1FFF7800, OB_F2_F4, FSIZE_F4, 4, 0xFF, true, 0, 1024 * K, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F2_F4, .program_bytes = 4, .bank_mode = SF_BANKS_F4_DB1M,
     ALT({4, 16 * K}, {1, 64 * K}, {3, 128 * K}, {4, 16 * K}, {1, 64 * K}, {3, 128 * K}),
     USARTS(U1, U3_B10, U3_C10),
     .no_stub = "the F4 stub's bank 2 sector codes (0x10-0x1B) are checked on the F42x only, not yet on the F469/479 "
                "(RM0386)", .source = SRC_F4DB},
    /* F7 */
    {0x449, "STM32F74x/75x", "F7", 0x08000000, 1024 * K, RUNS({4, 32 * K}, {1, 128 * K}, {3, 256 * K}),
     0x20004000, 0x20050000, 0x1FF00000, 0x1FF0EDC0, OB_F7, FSIZE_F7, 8, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F7, .program_bytes = 4, USARTS(U1, U3_B10, U3_C10), .source = SRC_F7},
    /* F72x/73x: the F4's sector sizes (RM0431 3.3.1), F_SIZE and UID elsewhere than the F74x. */
    {0x452, "STM32F72x/73x", "F7", 0x08000000, 512 * K, RUNS({4, 16 * K}, {1, 64 * K}, {3, 128 * K}),
     0x20004000, 0x20040000, 0x1FF00000, 0x1FF0EDC0, OB_F7, FSIZE_F72, 8, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_F72, .program_bytes = 4, USARTS(U1, U3_B10, U3_C10), .source = SRC_F7},
    /* F76x/77x: one bank of 4 x 32, 128, 7 x 256 KiB by default (nDBANK = 1); two of 4 x 16, 64,
     * 7 x 128 KiB with nDBANK = 0 (RM0410 3.3.1, tables 4 and 5): the row below, which the
     * session takes when the option bytes it reads say so (sfi_device_banks). */
    F76X_ROW(RUNS({4, 32 * K}, {1, 128 * K}, {7, 256 * K}), false,
             ALT({4, 16 * K}, {1, 64 * K}, {7, 128 * K}, {4, 16 * K}, {1, 64 * K}, {7, 128 * K})),
    /* H7: two banks of 8 x 128 KiB; option bytes are registers, not memory. The RAM listed is
     * the AXI SRAM the bootloader leaves free (0x24005000-0x2407FFFF; also 0x20004100-0x2001FFFF
     * of DTCM, which the DMA cannot reach). Bank 2 is always at 0x08100000 (stm32h743xx.h
     * FLASH_BANK2_BASE; OpenOCD stm32h7x.c: "the second bank starts always from 0x08100000"):
     * a 1 MiB H743/753xG has 512 KiB at 0x08000000 and 512 KiB there. The 128 KiB H750 has one
     * bank (stm32h750xx.h: FLASH_SIZE 128 KiB, no second bank). */
    {0x450, "STM32H74x/75x", "H7", 0x08000000, 2048 * K, RUNS({16, 128 * K}),
     0x24005000, 0x24080000, 0x1FF00000, 0x1FF1E800, OB_NONE, FSIZE_H7, 8, 0xFF, true, 0x08100000, 128 * K, SF_FSIZE_KIB, 0,
     .uid_reg = UID_H7, .program_bytes = 32, USARTS(U1, U1_B14, U2_A2, U3_B10), .source = SRC_H7},
    /* H72x/73x: one bank of 8 x 128 KiB (stm32h723xx.h FLASH_SECTOR_TOTAL 8); the AXI SRAM the
     * bootloader leaves: 0x24004000-0x2404FFFF (AN2606). Its flash controller is the H74x's bank
     * 1 (OpenOCD stm32h7x.c gives both the same FLASH_CR), so the H7 stub serves it, loaded in
     * that AXI SRAM at 0x24005000. */
    {0x483, "STM32H72x/73x", "H7", 0x08000000, 1024 * K, RUNS({8, 128 * K}),
     0x24004000, 0x24050000, 0x1FF00000, 0x1FF1E800, OB_NONE, FSIZE_H7, 8, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_H7, .program_bytes = 32, USARTS(U1, U2_A2, U3_B10), .source = SRC_H7},
    /* H7A3/B3: two banks of 128 sectors of 8 KiB, 128-bit flash words (RM0455 4.3; stm32h7a3xx.h
     * FLASH_SECTOR_SIZE 0x2000, FLASH_NB_32BITWORD_IN_FLASHWORD 4). AXI SRAM left free from
     * 0x24034000 (AN2606). Its own family (H7A): the H7 stub's files built for its FLASH_CR (SSN
     * at bit 6, START at 5, no PSIZE: RM0455 4.9.4) and loaded at 0x24034000. */
    {0x480, "STM32H7A3/7B3/7B0", "H7A", 0x08000000, 2048 * K, RUNS({256, 8 * K}),
     0x24034000, 0x24080000, 0x1FF00000, 0x1FF14000, OB_NONE, FSIZE_H7A_H5, 16, 0xFF, true, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_H7A_H5, .program_bytes = 16, USARTS(U1, U2_A2, U3_B10), .source = SRC_H7},
    /* L0/L1: erased flash reads 0x00 */
    /* L01x/02x: 2 KiB of RAM, all of it the bootloader's (stm32flash: 0x20000800-0x20000800). */
    {0x457, "STM32L01x/02x", "L0", 0x08000000, 16 * K, RUNS({128, 128}),
     0x20000800, 0x20000800, 0x1FF00000, 0x1FF01000, OB_L0_L1, FSIZE_L0, 8, 0x00, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_L0_L1_CAT12, .program_bytes = 4, USARTS(U2_A2), .source = SRC_L0},
    {0x425, "STM32L031/041", "L0", 0x08000000, 32 * K, RUNS({256, 128}),
     0x20001000, 0x20002000, 0x1FF00000, 0x1FF01000, OB_L0_L1, FSIZE_L0, 8, 0x00, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_L0_L1_CAT12, .program_bytes = 4, USARTS(U1, U2_A2), .source = SRC_L0},
    {0x417, "STM32L05x/06x", "L0", 0x08000000, 64 * K, RUNS({512, 128}),
     0x20001000, 0x20002000, 0x1FF00000, 0x1FF01000, OB_L0_L1, FSIZE_L0, 8, 0x00, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_L0_L1_CAT12, .program_bytes = 4, USARTS(U1, U2_A2), .source = SRC_L0},
    /* The RAM the L07x's bootloader keeps: 0x20001000 (ID 0x41) or 0x20001400 (0xB2) in AN2606
     * Rev 70 as the facts file has it, 0x20002000 in stm32flash's dev_table.c. A stub inside the
     * ROM's RAM crashes the ROM, so the host keeps above the highest of them. */
    {0x447, "STM32L07x/08x", "L0", 0x08000000, 192 * K, RUNS({1536, 128}),
     0x20002000, 0x20005000, 0x1FF00000, 0x1FF02000, OB_L0_L1, FSIZE_L0, 8, 0x00, true, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_L0_L1_CAT12, .program_bytes = 4, USARTS(U1, U2_A2), .source = SRC_L0},
    {0x416, "STM32L1xxx6/8/B (cat.1)", "L1", 0x08000000, 128 * K, RUNS({512, 256}),
     0x20000800, 0x20004000, 0x1FF00000, 0x1FF01000, OB_L0_L1, FSIZE_L1_CAT1, 8, 0x00, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_L0_L1_CAT12, .program_bytes = 4, USARTS(U1, U2_A2), .source = SRC_L1},
    /* Cat.2: only F_SIZE[7:0] is the size: "F_SIZE[15:8] is reserved and must be ignored" (RM0038,
     * Flash size register; OpenOCD stm32lx.c masks it). */
    {0x429, "STM32L1xxx6/8/BA (cat.2)", "L1", 0x08000000, 128 * K, RUNS({512, 256}),
     0x20001000, 0x20008000, 0x1FF00000, 0x1FF01000, OB_L0_L1, FSIZE_L1_CAT1, 8, 0x00, false, 0, 0, SF_FSIZE_KIB_LOW_BYTE, 0,
     .uid_reg = UID_L0_L1_CAT12, .program_bytes = 4, USARTS(U1, U2_A2), .source = SRC_L1},
    {0x427, "STM32L1xxxC (cat.3)", "L1", 0x08000000, 256 * K, RUNS({1024, 256}),
     0x20001000, 0x20008000, 0x1FF00000, 0x1FF02000, OB_L0_L1, FSIZE_L1_CAT3, 8, 0x00, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_L1, .program_bytes = 4, USARTS(U1, U2_A2), .source = SRC_L1},
    /* 0x436: F_SIZE is a code, 0 = 384 KiB, 1 = 256 KiB (RM0038 "Flash size register"; OpenOCD
     * stm32lx.c decodes it so). The 384 KiB cat.4 has two banks of 192 KiB (stm32l151xd.h:
     * FLASH_BANK2_BASE 0x08030000), the 256 KiB xCA one (stm32l151xca.h: no bank 2; OpenOCD
     * assumes a 192 KiB bank 1 there: we follow ST). The RAM listed is the 256 KiB parts'
     * 32 KiB (the 384 KiB ones have 48): nothing tells them apart before the stub runs. */
    {0x436, "STM32L1xxxD (cat.4), xC (cat.3)", "L1", 0x08000000, 384 * K, RUNS({1536, 256}),
     0x20001000, 0x20008000, 0x1FF00000, 0x1FF02000, OB_L0_L1, FSIZE_L1_CAT3, 8, 0x00, true, 0, 256 * K, SF_FSIZE_L1_CAT4_CODE, 0,
     .uid_reg = UID_L1, .program_bytes = 4, USARTS(U1, U2_A2), .source = SRC_L1},
    /* 0x437: bank 2 at 0x08040000 on the 512 KiB cat.5 and on the 384 KiB cat.6 "xD-X" parts,
     * whose bank 1 ends at 0x0802FFFF (stm32l151xdx.h: FLASH_BANK1_END, FLASH_BANK2_BASE). */
    {0x437, "STM32L1xxxE (cat.5), xD-X (cat.6)", "L1", 0x08000000, 512 * K, RUNS({2048, 256}),
     0x20001000, 0x20014000, 0x1FF00000, 0x1FF02000, OB_L0_L1, FSIZE_L1_CAT3, 8, 0x00, true, 0x08040000, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_L1, .program_bytes = 4, USARTS(U1, U2_A2), .source = SRC_L1},
    /* L4, G0, G4, WB, WL, C0: 64-bit programming, pages. The empty check (ST's knowledge article
     * "Empty check mechanism on STM32": C0, G0, L4 but L47x/48x, L4+, WB, WL; not G4): L4 FLASH_SR
     * PEMPTY (bit 17, a write of 1 toggles it; stm32flash's F_PEMPTY), G0, C0, WB and WL
     * FLASH_ACR EMPTY (bit 16, read/write: CMSIS FLASH_ACR_PROGEMPTY / FLASH_ACR_EMPTY; ST's
     * HAL_FLASHEx_ForceFlashEmpty). */
    /* L41x/42x: the RAM the bootloader keeps: 0x20002100 in AN2606 (as stm32loader has it),
     * 0x20003100 in stm32flash: the host keeps above the higher. */
    {0x464, "STM32L41x/42x", "L4", 0x08000000, 128 * K, RUNS({64, 2 * K}),
     0x20003100, 0x20008000, 0x1FFF0000, 0x1FFF7000, OB_L4, FSIZE_L4_G_WB, 8, 0xFF, false, 0, 0, SF_FSIZE_KIB, SF_EMPTY_CHECK_SR_PEMPTY,
     .uid_reg = UID_L4_G_WB, .program_bytes = 8, USARTS(U1, U2_A2, U3_C10), .source = SRC_L4},
    {0x435, "STM32L43x/44x", "L4", 0x08000000, 256 * K, RUNS({128, 2 * K}),
     0x20003100, 0x2000C000, 0x1FFF0000, 0x1FFF7000, OB_L4, FSIZE_L4_G_WB, 8, 0xFF, false, 0, 0, SF_FSIZE_KIB, SF_EMPTY_CHECK_SR_PEMPTY,
     .uid_reg = UID_L4_G_WB, .program_bytes = 8, USARTS(U1, U2_A2, U3_C10), .source = SRC_L4},
    {0x462, "STM32L45x/46x", "L4", 0x08000000, 512 * K, RUNS({256, 2 * K}),
     0x20003100, 0x20020000, 0x1FFF0000, 0x1FFF7000, OB_L4, FSIZE_L4_G_WB, 8, 0xFF, false, 0, 0, SF_FSIZE_KIB, SF_EMPTY_CHECK_SR_PEMPTY,
     .uid_reg = UID_L4_G_WB, .program_bytes = 8, USARTS(U1, U2_A2, U3_C10), .source = SRC_L4},
    {0x415, "STM32L47x/48x", "L4", 0x08000000, 1024 * K, RUNS({512, 2 * K}),
     0x20003100, 0x20018000, 0x1FFF0000, 0x1FFF7000, OB_L4, FSIZE_L4_G_WB, 8, 0xFF, true, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_L4_G_WB, .program_bytes = 8, USARTS(U1, U2_A2, U3_C10), .source = SRC_L4},
    /* L49x/4Ax: the L47x's two banks of 2 KiB pages; PEMPTY "only on STM32L49x/L4Ax" (RM0351 3.7.5). */
    {0x461, "STM32L496/4A6", "L4", 0x08000000, 1024 * K, RUNS({512, 2 * K}),
     0x20003100, 0x20040000, 0x1FFF0000, 0x1FFF7000, OB_L4, FSIZE_L4_G_WB, 8, 0xFF, true, 0, 0, SF_FSIZE_KIB, SF_EMPTY_CHECK_SR_PEMPTY,
     .uid_reg = UID_L4_G_WB, .program_bytes = 8, USARTS(U1, U2_A2, U3_C10), .source = SRC_L4},
    /* L4+: two banks of 4 KiB pages by default (DBANK = 1), one bank of 8 KiB pages with DBANK =
     * 0 (RM0432 3.3.1; OpenOCD stm32l4x.c "4 k block in dual bank, 8 k in single"). stm32flash
     * lists 0x470 as 1 MiB of 2 KiB pages with option bytes at 0x1FFF7800: we follow RM0432
     * (2 MiB, option bytes at 0x1FF00000). The L4R/S is its own family, L4R (families.txt): the
     * L4's controller and RCC with DMAMUX1 (RM0432 11-12). DBANK is FLASH_OPTR bit 22 (OpenOCD
     * stm32l4x.h FLASH_L4R_DBANK), read at each connection (sf_device_one_bank), for the stub
     * and the ROM path alike; the 1 MiB parts' DB1M (bit 21, FLASH_LRR_DB1M there) is not read
     * (their factory two banks of 4 KiB pages are taken). The L4P5/Q5 numbers its DMAMUX
     * requests one higher (ChibiOS STM32L4xx+/stm32_dmamux.h) and stays on the ROM. */
    {0x470, "STM32L4R/4S", "L4R", 0x08000000, 2048 * K, RUNS({512, 4 * K}),
     0x20003200, 0x200A0000, 0x1FFF0000, 0x1FFF7000, OB_L4P, FSIZE_L4_G_WB, 8, 0xFF, true, 0, 0, SF_FSIZE_KIB, SF_EMPTY_CHECK_SR_PEMPTY,
     .uid_reg = UID_L4_G_WB, .program_bytes = 8, .bank_mode = SF_BANKS_DBANK, ALT({256, 8 * K}),
     USARTS(U1, U2_A2, U3_C10), .source = SRC_L4P},
    {0x471, "STM32L4P5/4Q5", "L4", 0x08000000, 1024 * K, RUNS({256, 4 * K}),
     0x20004000, 0x20050000, 0x1FFF0000, 0x1FFF7000, OB_L4P, FSIZE_L4_G_WB, 8, 0xFF, true, 0, 0, SF_FSIZE_KIB, SF_EMPTY_CHECK_SR_PEMPTY,
     .uid_reg = UID_L4_G_WB, .program_bytes = 8, .bank_mode = SF_BANKS_DBANK, ALT({128, 8 * K}),
     USARTS(U1, U2_A2, U3_C10),
     .no_stub = "the L4 stub has no L4+ pages (4 KiB in two banks, 8 KiB in one, by DBANK) yet", .source = SRC_L4P},
    /* L5: two banks of 2 KiB pages by default (DBANK = 1), one of 4 KiB with DBANK = 0 (RM0438
     * 6.3.1), which the host reads at each connection (sf_device_one_bank). Registers: NSCR/SECCR
     * (RM0438 6.9), not the L4's: its own family, L5 (families.txt), TrustZone off. Option
     * bytes: the flash controller's option registers from FLASH_OPTR (RM0438 6.9), assumed to be
     * where its bootloader reads them, as ST's forum says of the U5's at 0x40022040. The L552xC
     * (256 KiB) chooses its banks by DB256K (bit 21), not DBANK: taken as DBANK here. */
    {0x472, "STM32L552/562", "L5", 0x08000000, 512 * K, RUNS({256, 2 * K}),
     0x20004000, 0x20040000, 0x0BF90000, 0x0BF98000, OB_L5, FSIZE_L5, 8, 0xFF, true, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_L5, .program_bytes = 8, .bank_mode = SF_BANKS_DBANK, ALT({128, 4 * K}), USARTS(U1, U2_A2, U3_C10),
     .source = SRC_L5},
    /* G0 */
    {0x466, "STM32G03x/04x", "G0", 0x08000000, 64 * K, RUNS({32, 2 * K}),
     0x20001000, 0x20002000, 0x1FFF0000, 0x1FFF2000, OB_G0_WB, FSIZE_L4_G_WB, 8, 0xFF, false, 0, 0, SF_FSIZE_KIB, SF_EMPTY_CHECK_ACR_EMPTY,
     .uid_reg = UID_L4_G_WB, .program_bytes = 8, USARTS(U1, U2_A2), .source = SRC_G0},
    /* G05x/06x: RAM up to 0x20004800 (18 KiB, RM0444 2.2.2; stm32flash); AN2606 as stm32loader
     * has it ends the free RAM at 0x20002000, stm32flash system memory at 0x1FFF2000. */
    {0x456, "STM32G05x/06x", "G0", 0x08000000, 64 * K, RUNS({32, 2 * K}),
     0x20001000, 0x20004800, 0x1FFF0000, 0x1FFF2000, OB_G0_WB, FSIZE_L4_G_WB, 8, 0xFF, false, 0, 0, SF_FSIZE_KIB, SF_EMPTY_CHECK_ACR_EMPTY,
     .uid_reg = UID_L4_G_WB, .program_bytes = 8, USARTS(U1, U2_A2), .source = SRC_G0},
    /* Its bootloader also listens on USART3, PC10/PC11 (AN2606 Rev 70 table 107). */
    {0x460, "STM32G07x/08x", "G0", 0x08000000, 128 * K, RUNS({64, 2 * K}),
     0x20002700, 0x20009000, 0x1FFF0000, 0x1FFF7000, OB_G0_WB, FSIZE_L4_G_WB, 8, 0xFF, false, 0, 0, SF_FSIZE_KIB, SF_EMPTY_CHECK_ACR_EMPTY,
     .uid_reg = UID_L4_G_WB, .program_bytes = 8, USARTS(U1, U2_A2, U3_C10), .source = SRC_G0},
    /* G0B/C: two banks of 2 KiB pages on 512 KiB parts, bank 2 at 0x08040000 with page numbers
     * from 256 (RM0444 3.3.1); 256 KiB parts choose by DUAL_BANK (FLASH_OPTR bit 21; OpenOCD
     * stm32l4x.h FLASH_G0_DUAL_BANK): 1 two banks of 128 KiB (bank 2 at 0x08020000), 0 one bank
     * of 128 pages, which the host reads at each connection (sfi_device_banks). The G0
     * stub's second build (families.txt g0b) loads at 0x20004000 and numbers bank 2's pages so
     * (BKER at FLASH_CR bit 13: OpenOCD stm32l4x.h FLASH_BKER_G0). Its bootloader also listens
     * on USART3 (RM0444 3.3.1: "USART3 ... applies to ... STM32G0B1xx and STM32G0C1xx"), on
     * PC10/PC11 only (ST's answer on its forum quoting AN2606, pattern 11). */
    {0x467, "STM32G0B0/B1/C1", "G0", 0x08000000, 512 * K, RUNS({256, 2 * K}),
     0x20004000, 0x20020000, 0x1FFF0000, 0x1FFF7000, OB_G0_WB, FSIZE_L4_G_WB, 8, 0xFF, true, 0, 0, SF_FSIZE_KIB, SF_EMPTY_CHECK_ACR_EMPTY,
     .uid_reg = UID_L4_G_WB, .program_bytes = 8, .bank_mode = SF_BANKS_G0_DUAL_BANK, USARTS(U1, U2_A2, U3_C10),
     .source = SRC_G0},
    /* G4 cat.2 (G431/441): one bank of 2 KiB pages. RAM: 16 KiB SRAM1, 6 KiB SRAM2 and the 10
     * KiB CCM SRAM mapped right after SRAM2, "accessed ... by both CPU and DMA" (RM0440 2.4):
     * 32 KiB from 0x20000000. AN2606 (as stm32loader has it) ends the bootloader's RAM at
     * 0x20005800, SRAM1+2: the stub itself loads below that, its buffers go on into the CCM. */
    {0x468, "STM32G431/441", "G4", 0x08000000, 128 * K, RUNS({64, 2 * K}),
     0x20004000, 0x20008000, 0x1FFF0000, 0x1FFF7000, OB_G4, FSIZE_L4_G_WB, 8, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_L4_G_WB, .program_bytes = 8, USARTS(U1, U2_A2, U3_C10), .source = SRC_G4},
    /* G4 cat.3 in its default dual-bank mode (DBANK = 1): bank 2 at 0x08040000 whatever the
     * size, so 128 and 256 KiB parts have a hole after bank 1 (RM0440 tables 7 and 8 as ST's
     * answer on its forum reads them: "address gap between both Banks if the whole Flash size is
     * less than 512kB"; OpenOCD stm32l4x.c: "dual bank WITH gap"; Zephyr PR 30231). In
     * single-bank mode (DBANK = 0) pages are 4 KiB and there is no hole: the host reads DBANK at
     * each connection and takes the row sf_device_one_bank() makes of this one. */
    {0x469, "STM32G47x/48x", "G4", 0x08000000, 512 * K, RUNS({256, 2 * K}),
     0x20004000, 0x20018000, 0x1FFF0000, 0x1FFF7000, OB_G4, FSIZE_L4_G_WB, 8, 0xFF, true, 0x08040000, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_L4_G_WB, .program_bytes = 8, .bank_mode = SF_BANKS_DBANK, ALT({128, 4 * K}),
     USARTS(U1, U2_A2, U3_C10), .source = SRC_G4},
    /* G4 cat.4 (G491/4A1): one bank of 2 KiB pages (RM0440 3.3.1). */
    {0x479, "STM32G491/4A1", "G4", 0x08000000, 512 * K, RUNS({256, 2 * K}),
     0x20004000, 0x2001C000, 0x1FFF0000, 0x1FFF7000, OB_G4, FSIZE_L4_G_WB, 8, 0xFF, false, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_L4_G_WB, .program_bytes = 8, USARTS(U1, U2_A2, U3_C10), .source = SRC_G4},
    /* WB: 0x495 is the WB30/35/50/55, 0x494 the WB10/15 (OpenOCD stm32l4x.c DEVID_STM32WB5XX /
     * WB1XX; AN2606 as stm32loader has it). stm32flash 0.7's commented-out rows pair the two IDs
     * the other way round: we follow OpenOCD and AN2606. */
    {0x495, "STM32WB55xx/35xx", "WB", 0x08000000, 1024 * K, RUNS({256, 4 * K}),
     0x20004000, 0x2000C000, 0x1FFF0000, 0x1FFF7000, 0x1FFF8000, 0x1FFF8080, FSIZE_L4_G_WB, 8, 0xFF, false, 0, 0, SF_FSIZE_KIB, SF_EMPTY_CHECK_ACR_EMPTY,
     .uid_reg = UID_L4_G_WB, .program_bytes = 8, USARTS(U1, LPU1_A2), .source = SRC_WB},
    /* WB10/15: 320 KiB of 2 KiB pages (OpenOCD: max 320 KiB; RM0473 3.3.1). The free RAM is
     * AN2606's (0x20005000-0x2003FFFF as stm32loader transcribes it). */
    {0x494, "STM32WB10/15", "WB", 0x08000000, 320 * K, RUNS({160, 2 * K}),
     0x20005000, 0x20040000, 0x1FFF0000, 0x1FFF7000, OB_G0_WB, FSIZE_L4_G_WB, 8, 0xFF, false, 0, 0, SF_FSIZE_KIB, SF_EMPTY_CHECK_ACR_EMPTY,
     .uid_reg = UID_L4_G_WB, .program_bytes = 8, USARTS(U1, LPU1_A2), .source = SRC_WB},
    /* WL: 256 KiB of 2 KiB pages (stm32wle5xx.h FLASH_PAGE_SIZE 0x800), the flash controller at
     * 0x58004000 as the WB's. */
    {0x497, "STM32WLE5/WL55", "WL", 0x08000000, 256 * K, RUNS({128, 2 * K}),
     0x20002000, 0x20010000, 0x1FFF0000, 0x1FFF4000, 0x1FFF7800, 0x1FFF8000, FSIZE_L4_G_WB, 8, 0xFF, false, 0, 0, SF_FSIZE_KIB, SF_EMPTY_CHECK_ACR_EMPTY,
     .uid_reg = UID_L4_G_WB, .program_bytes = 8, USARTS(U1, U2_A2), .source = SRC_WL},
    /* C0: 2 KiB pages. The free RAM: stm32flash (upstream, "Add STM32C011xx") gives
     * 0x20001000-0x20003000 for the C011 and stm32loader's AN2606 0x20000000-0x20003000, but
     * the C011 has 6 KiB of SRAM (stm32c011xx.h, RM0490 2.2): we keep 0x20001000-0x20001800.
     * The C031: AN2606 reads "0x20002000-0x200017FF" (stm32loader: "Error in AN2606?"); we keep
     * 0x20002000 up to its 12 KiB (0x20003000). */
    {0x443, "STM32C011", "C0", 0x08000000, 32 * K, RUNS({16, 2 * K}),
     0x20001000, 0x20001800, 0x1FFF0000, 0x1FFF1800, OB_G0_WB, FSIZE_C0, 8, 0xFF, false, 0, 0, SF_FSIZE_KIB, SF_EMPTY_CHECK_ACR_EMPTY,
     .uid_reg = UID_C0, .program_bytes = 8, USARTS(U1, U2_A2), .source = SRC_C0},
    {0x453, "STM32C031", "C0", 0x08000000, 32 * K, RUNS({16, 2 * K}),
     0x20002000, 0x20003000, 0x1FFF0000, 0x1FFF1800, OB_G0_WB, FSIZE_C0, 8, 0xFF, false, 0, 0, SF_FSIZE_KIB, SF_EMPTY_CHECK_ACR_EMPTY,
     .uid_reg = UID_C0, .program_bytes = 8, USARTS(U1, U2_A2), .source = SRC_C0},
    /* U5: two banks of 8 KiB pages, 128-bit quad-words (RM0456 7.3.1; stm32u575xx.h FLASH_PAGE_SIZE
     * 0x2000). The U535/545's free RAM ends with its 256 KiB of SRAM1+2 (stm32loader's AN2606
     * transcription has 0x20240000, beyond its SRAM). Served by the U5 stub (families.txt u5:
     * the non-secure flash registers, PNB 8 bits for up to 256 pages a bank, GPDMA1), loaded at
     * 0x20004000; only the U575 is simulated (sim/sim_parts.c stm32u575zi). Option bytes: the
     * flash controller's option registers from FLASH_OPTR, as the L5's (assumed to be where
     * its bootloader reads them: ST's forum on the U5's at 0x40022040). */
    {0x455, "STM32U535/545", "U5", 0x08000000, 512 * K, RUNS({64, 8 * K}),
     0x20004000, 0x20040000, 0x0BF90000, 0x0BFA0000, OB_U5, FSIZE_U5, 16, 0xFF, true, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_U5, .program_bytes = 16, USARTS(U1, U2_A2, U3_C10), .source = SRC_U5},
    {0x482, "STM32U575/585", "U5", 0x08000000, 2048 * K, RUNS({256, 8 * K}),
     0x20004000, 0x200C0000, 0x0BF90000, 0x0BFA0000, OB_U5, FSIZE_U5, 16, 0xFF, true, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_U5, .program_bytes = 16, USARTS(U1, U2_A2, U3_C10), .source = SRC_U5},
    {0x481, "STM32U595/599/5A9", "U5", 0x08000000, 4096 * K, RUNS({512, 8 * K}),
     0x20004000, 0x20270000, 0x0BF90000, 0x0BFA0000, OB_U5, FSIZE_U5, 16, 0xFF, true, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_U5, .program_bytes = 16, USARTS(U1, U2_A2, U3_C10), .source = SRC_U5},
    /* H5: two banks of 8 KiB sectors, 128-bit words (RM0481 7.3; stm32h563xx.h FLASH_SECTOR_SIZE).
     * The RAM: AN2606 as stm32loader transcribes it (H563: 0x20000000-0x2009FFFF). */
    {0x474, "STM32H503", "H5", 0x08000000, 128 * K, RUNS({16, 8 * K}),
     0x20004000, 0x20008000, 0x0BF87000, 0x0BF90000, OB_NONE, FSIZE_H7A_H5, 16, 0xFF, true, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_H7A_H5, .program_bytes = 16, USARTS(U1, U2_A2, U3_D8), .source = SRC_H5},
    {0x484, "STM32H562/563/573", "H5", 0x08000000, 2048 * K, RUNS({256, 8 * K}),
     0x20000000, 0x200A0000, 0x0BF97000, 0x0BFA0000, OB_NONE, FSIZE_H7A_H5, 16, 0xFF, true, 0, 0, SF_FSIZE_KIB, 0,
     .uid_reg = UID_H7A_H5, .program_bytes = 16, USARTS(U1, U2_A2, U3_D8), .source = SRC_H5},
};

/* The rows of the lines whose DBANK option picks one bank (SF_BANKS_DBANK), as they are with
 * DBANK = 0: the alternative layout, one bank, no fixed bank 2 and so no hole; made once, at the
 * same index as their row in table[]. */
static sf_device one_bank[sizeof table / sizeof table[0]];
static pthread_once_t one_bank_once = PTHREAD_ONCE_INIT;

static void make_one_bank_rows(void)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const sf_device *d = &table[i];
        if (d->bank_mode != SF_BANKS_DBANK || !d->alt_layout)
            continue;
        one_bank[i] = *d;
        one_bank[i].layout = d->alt_layout;
        one_bank[i].layout_runs = d->alt_layout_runs;
        one_bank[i].alt_layout = d->layout;
        one_bank[i].alt_layout_runs = d->layout_runs;
        one_bank[i].dual_bank = false;
        one_bank[i].bank2_fixed = 0;
    }
}

const sf_device *sf_device_one_bank(const sf_device *d)
{
    if (!d || d < table || d >= table + sizeof table / sizeof table[0] || d->bank_mode != SF_BANKS_DBANK ||
        !d->alt_layout)
        return NULL;
    pthread_once(&one_bank_once, make_one_bank_rows);
    return &one_bank[d - table];
}

/* Rows of a line in its other bank mode, not listed (sf_device_find gives the factory mode's):
 * the F76x/77x with nDBANK = 0. */
static const sf_device other_bank_mode[] = {
    F76X_ROW(RUNS({4, 16 * K}, {1, 64 * K}, {7, 128 * K}, {4, 16 * K}, {1, 64 * K}, {7, 128 * K}), true,
             ALT({4, 32 * K}, {1, 128 * K}, {7, 256 * K})),
};

/* The rows of the lines whose option splits or joins the banks of one flash size only, made
 * from their table row at the same index (as one_bank[]): an F42x/43x or F469/479 of 1 MiB with
 * DB1M = 1, two banks of its ALT layout, bank 2 after bank 1 (RM0090 3.4 table 7); a G0B/C of
 * 256 KiB with DUAL_BANK = 0, one bank of its pages (RM0444 3.3.1). Each row's flash_size is
 * that size: the mode exists for no other. */
#define DB1M_SIZE (1024u * K)
#define G0_DUAL_BANK_SIZE (256u * K)
static sf_device sized_mode[sizeof table / sizeof table[0]];
static pthread_once_t sized_mode_once = PTHREAD_ONCE_INIT;

static void make_sized_mode_rows(void)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const sf_device *d = &table[i];
        sf_device *m = &sized_mode[i];
        if (d->bank_mode == SF_BANKS_F4_DB1M && d->alt_layout) {
            *m = *d;
            m->flash_size = DB1M_SIZE;
            m->layout = d->alt_layout;
            m->layout_runs = d->alt_layout_runs;
            m->alt_layout = d->layout;
            m->alt_layout_runs = d->layout_runs;
            m->dual_bank = true;
            m->single_bank_max = 0;
        } else if (d->bank_mode == SF_BANKS_G0_DUAL_BANK) {
            *m = *d;
            m->flash_size = G0_DUAL_BANK_SIZE;
            m->dual_bank = false;
        }
    }
}

static const sf_device *sized_mode_row(const sf_device *listed)
{
    pthread_once(&sized_mode_once, make_sized_mode_rows);
    return &sized_mode[listed - table];
}

/* F76x/77x: nDBANK, FLASH_OPTCR bit 29, in the option byte at +9 (OPTCR bits 31:24; RM0410
 * 3.4): 0 two banks. */
static const sf_device *f7_banks(const sf_device *listed, const uint8_t *ob)
{
    for (size_t i = 0; !(ob[9] & 0x20) && i < sizeof other_bank_mode / sizeof other_bank_mode[0]; i++)
        if (other_bank_mode[i].pid == listed->pid)
            return &other_bank_mode[i];
    return listed;
}

/* F42x/43x, F469/479: DB1M, FLASH_OPTCR bit 30 (RM0090 3.9.10; stm32f429xx.h
 * FLASH_OPTCR_DB1M), in the option byte at +9 as nDBANK is on the F7 (0x1FFFC008 holds OPTCR
 * bits 31:16, RM0090 3.6.1; option_layouts.c: byte 8, bit 14): 1 two banks, on a 1 MiB part
 * only. */
static const sf_device *f4_db1m_banks(const sf_device *listed, const uint8_t *ob, uint32_t flash_size)
{
    return flash_size == DB1M_SIZE && (ob[9] & 0x40) && listed->alt_layout ? sized_mode_row(listed) : listed;
}

/* G0B/C: DUAL_BANK, FLASH_OPTR bit 21 (RM0444 3.4.1; OpenOCD stm32l4x.h FLASH_G0_DUAL_BANK), in
 * the first option byte's third byte: 0 one bank, on a 256 KiB part only. */
static const sf_device *g0_banks(const sf_device *listed, const uint8_t *ob, uint32_t flash_size)
{
    return flash_size == G0_DUAL_BANK_SIZE && !(ob[2] & 0x20) ? sized_mode_row(listed) : listed;
}

const sf_device *sfi_device_banks(const sf_device *d, const uint8_t *ob, size_t len, uint32_t flash_size)
{
    const sf_device *listed = d ? sf_device_find(d->pid) : NULL;
    if (!listed || len < 10)
        return d;
    switch (listed->bank_mode) {
    case SF_BANKS_F7_NDBANK: return f7_banks(listed, ob);
    case SF_BANKS_F4_DB1M: return f4_db1m_banks(listed, ob, flash_size);
    case SF_BANKS_G0_DUAL_BANK: return g0_banks(listed, ob, flash_size);
    default: return d;
    }
}

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
    /* Sectors: bank 2's are numbered from 12 whatever bank 1 has, as RM0090 3.4 tables 6 and 7
     * name them (8 sectors in bank 1 with DB1M, 12-19 in bank 2; RM0410 table 5). AN3155 does
     * not say how the ROM numbers them: assumed, not checked on a chip. */
    uint32_t b2 = sf_device_bank2_base(d, d->flash_size), first;
    if (b2 && start >= b2 && sf_device_unit_of(d, d->flash_size, b2, &first, NULL, NULL) == SF_OK)
        return 12u + (index - first);
    return index;
}

/* The "Unique device ID register (96 bits)": the row's (the L1's categories 1 and 2 have it
 * elsewhere than 3 and up, RM0038), else the family's (families.txt: uid). */
uint32_t sf_device_uid_address(const sf_device *dev)
{
    if (dev && dev->uid_reg)
        return dev->uid_reg;
    const sfi_family *f = sfi_family_named(dev ? dev->family : NULL);
    return f ? f->uid : 0;
}

bool sf_device_no_mass_erase(const sf_device *d)
{
    const sfi_family *f = sfi_family_named(d ? d->family : NULL);
    return f && !f->mass_erase;
}
