/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_parts.c - the parts the virtual STM32 can be.
 *
 * Sources: AN2606 Rev 70 tables T3/T5 (bootloader RAM, IDs, versions), AN3155 Rev 20 (command
 * sets), RM0008 (F1 memory map: F_SIZE at 0x1FFFF7E0, UID at 0x1FFFF7E8, option bytes at
 * 0x1FFFF800), DS5319 table 28 (flash timings); for F0 and F3: RM0091 (F0) and RM0316 (F3):
 * the same flash controller as the F1 (16-bit programming, pages, keys), option bytes at
 * 0x1FFFF800 with RDP level 0 = 0xAA, F_SIZE at 0x1FFFF7CC, UID at 0x1FFFF7AC.
 *
 * F0 and F3 parts model the bootloader, the memories and the flash controller; code that Go
 * starts on them has the F1's RCC and DMA1 and the newer USART (families.txt: f0, f3).
 */
#include "stm32sim.h"
#include "sim_part.h"

#include <string.h>

/* AN3155: bootloader V2.2 (F1 up to high density) lists Erase 0x43; V3.0 Extended Erase 0x44. */
static const uint8_t cmds_v22[] = {0x00, 0x01, 0x02, 0x11, 0x21, 0x31, 0x43, 0x63, 0x73, 0x82, 0x92};
static const uint8_t cmds_v30[] = {0x00, 0x01, 0x02, 0x11, 0x21, 0x31, 0x44, 0x63, 0x73, 0x82, 0x92};
/* V3.1 (F0, F3) lists the same commands as V3.0. */
#define cmds_v31 cmds_v30

/* DS5319 table 28: tPROG 40/52.5/70 us (min/typ/max) per half word; tERASE (page) and tME (mass)
 * 20..40 ms with no typical value given: we take the middle, 30 ms, for both.
 * AN2606 (bootloader timings, F10xxx): 1.2 ms from reset to ready for the 0x7F. */
#define F103_PROGRAM_NS    52500u
#define F103_PAGE_ERASE_NS 30000000u
#define F103_MASS_ERASE_NS 30000000u
#define F103_ROM_STARTUP_NS 1200000u
/* Cortex-M3 r1p1 as in STM32F103 (PM0056: CPUID 0x411FC231). */
#define CORTEX_M3_R1P1 0x411FC231u
/* Cortex-M0 r0p0 (PM0215, F0: CPUID 0x410CC200); Cortex-M4 r0p1 (PM0214, F3: 0x410FC241). */
#define CORTEX_M0_R0P0 0x410CC200u
#define CORTEX_M4_R0P1 0x410FC241u
#define CORTEX_M33_R0P4 0x410FD214u /* PARTNO 0xD21 (Arm's Cortex-M33 TRM, CPUID) */
#define F1_RDP_LEVEL0 0xA5u
#define F0_F3_RDP_LEVEL0 0xAAu /* RM0091 4.1.1 / RM0316 4.1.1: 0xAA level 0, 0xCC level 2, else level 1 */
/* F030: ~53.5 us per half word and ~30 ms per page or mass erase (the facts file). F072 and
 * F303: no figure at hand; assumed the same as the F030 (the same 16-bit flash design).
 * ROM start-up: F030x8 1.6 ms (AN2606); F072 and F303 assumed the same. */
#define F0_PROGRAM_NS 53500u
#define F0_ERASE_NS 30000000u
#define F0_ROM_STARTUP_NS 1600000u

static const struct sim_part parts[] = {
    {
        /* The smallest F1 the stub serves: 10 KiB of RAM, 1 KiB pages. DS5319 covers the F103xC/D/E;
         * the low-density datasheet is not in our facts file, so its flash timings are assumed to
         * be the same (one F103 flash design). WRP: one bit per 4 pages (RM0008 2.3.x, low and
         * medium density). */
        .name = "stm32f103c6",
        .description = "STM32F103 low density (32 KiB, 1 KiB pages, 10 KiB RAM, bootloader V2.2)",
        .pid = 0x412, .bl_version = 0x22,
        .commands = cmds_v22, .ncommands = sizeof cmds_v22,
        .flash_base = 0x08000000, .flash_size = 32 * 1024, .page_size = 1024, .bank2_base = 0,
        .ram_base = 0x20000000, .ram_size = 10 * 1024, .bl_ram_start = 0x20000200,
        .sysmem_base = 0x1FFFF000, .sysmem_size = 0x800,
        .optbytes_base = 0x1FFFF800, .optbytes_size = 16,
        .flash_size_reg = 0x1FFFF7E0, .uid_reg = 0x1FFFF7E8, .cpuid = CORTEX_M3_R1P1,
        .wrp_pages_per_bit = 4, .rdp_level0 = F1_RDP_LEVEL0,
        .program_ns = F103_PROGRAM_NS, .page_erase_ns = F103_PAGE_ERASE_NS,
        .mass_erase_ns = F103_MASS_ERASE_NS, .rom_startup_ns = F103_ROM_STARTUP_NS, .family = SFI_FAMILY_F1,
    },
    {
        .name = "stm32f103re",
        .description = "STM32F103 high density (512 KiB, 2 KiB pages, bootloader V2.2)",
        .pid = 0x414, .bl_version = 0x22,
        .commands = cmds_v22, .ncommands = sizeof cmds_v22,
        .flash_base = 0x08000000, .flash_size = 512 * 1024, .page_size = 2048, .bank2_base = 0,
        .ram_base = 0x20000000, .ram_size = 64 * 1024, .bl_ram_start = 0x20000200,
        .sysmem_base = 0x1FFFF000, .sysmem_size = 0x800,
        .optbytes_base = 0x1FFFF800, .optbytes_size = 16,
        .flash_size_reg = 0x1FFFF7E0, .uid_reg = 0x1FFFF7E8, .cpuid = CORTEX_M3_R1P1,
        .wrp_pages_per_bit = 2, .rdp_level0 = F1_RDP_LEVEL0,
        .program_ns = F103_PROGRAM_NS, .page_erase_ns = F103_PAGE_ERASE_NS,
        .mass_erase_ns = F103_MASS_ERASE_NS, .rom_startup_ns = F103_ROM_STARTUP_NS, .family = SFI_FAMILY_F1,
    },
    {
        .name = "stm32f103rg",
        .description = "STM32F103 XL density (1 MiB in two banks, 2 KiB pages, bootloader V3.0)",
        .pid = 0x430, .bl_version = 0x30,
        .commands = cmds_v30, .ncommands = sizeof cmds_v30,
        .flash_base = 0x08000000, .flash_size = 1024 * 1024, .page_size = 2048,
        .bank2_base = 0x08080000,
        .ram_base = 0x20000000, .ram_size = 96 * 1024, .bl_ram_start = 0x20000800,
        .sysmem_base = 0x1FFFE000, .sysmem_size = 0x1800,
        .optbytes_base = 0x1FFFF800, .optbytes_size = 16,
        .flash_size_reg = 0x1FFFF7E0, .uid_reg = 0x1FFFF7E8, .cpuid = CORTEX_M3_R1P1,
        .wrp_pages_per_bit = 2, .rdp_level0 = F1_RDP_LEVEL0,
        .program_ns = F103_PROGRAM_NS, .page_erase_ns = F103_PAGE_ERASE_NS,
        .mass_erase_ns = F103_MASS_ERASE_NS, .rom_startup_ns = F103_ROM_STARTUP_NS, .family = SFI_FAMILY_F1,
    },
    {
        /* The connectivity line (0x418), 100 pins: its ROM also answers on USART2 remapped to
         * PD5/PD6, which the 64-pin packages lack (AN2606; libflash/device_table.c). Memories:
         * RAM up to 0x20001000 is the ROM's (AN2662 Rev 1 2.11: "the first 4 Kbytes (0x1000) in
         * RAM ... are used by the bootloader firmware"), system memory 0x1FFFB000-0x1FFFF7FF
         * (stm32flash 0.7 dev_table.c, stm32loader's AN2606 transcription), option bytes, F_SIZE
         * and UID where the other F1s have them (RM0008 2.3, 30.1-30.2). Get lists the V2.2
         * commands, Erase 0x43 (AN2662 Rev 1 2.6; its example version byte is 0x10, we answer
         * 0x22 as the F103's: not checked on a chip). WRP: one bit per 2 pages, the last for
         * the rest, as the high density (RM0008 2.3.x). Timings: DS6014 is not in the facts
         * file, the F103's assumed (one F1 flash design); ROM start-up as the F10x's. */
        .name = "stm32f105vc",
        .description = "STM32F105xC connectivity line (256 KiB, 2 KiB pages, 64 KiB RAM, bootloader V2.2 on USART1 or USART2 PD5/PD6)",
        .pid = 0x418, .bl_version = 0x22,
        .commands = cmds_v22, .ncommands = sizeof cmds_v22,
        .flash_base = 0x08000000, .flash_size = 256 * 1024, .page_size = 2048, .bank2_base = 0,
        .ram_base = 0x20000000, .ram_size = 64 * 1024, .bl_ram_start = 0x20001000,
        .sysmem_base = 0x1FFFB000, .sysmem_size = 0x4800,
        .optbytes_base = 0x1FFFF800, .optbytes_size = 16,
        .flash_size_reg = 0x1FFFF7E0, .uid_reg = 0x1FFFF7E8, .cpuid = CORTEX_M3_R1P1,
        .wrp_pages_per_bit = 2, .rdp_level0 = F1_RDP_LEVEL0,
        .program_ns = F103_PROGRAM_NS, .page_erase_ns = F103_PAGE_ERASE_NS,
        .mass_erase_ns = F103_MASS_ERASE_NS, .rom_startup_ns = F103_ROM_STARTUP_NS, .family = SFI_FAMILY_F1CL,
    },
    {
        /* The same chip in 64 pins: the name issue 17 gives it. */
        .name = "stm32f105rc",
        .description = "STM32F105RC, the 64-pin package (as stm32f105vc; it lacks PD5/PD6, so its ROM answers on USART1 only)",
        .pid = 0x418, .bl_version = 0x22,
        .commands = cmds_v22, .ncommands = sizeof cmds_v22,
        .flash_base = 0x08000000, .flash_size = 256 * 1024, .page_size = 2048, .bank2_base = 0,
        .ram_base = 0x20000000, .ram_size = 64 * 1024, .bl_ram_start = 0x20001000,
        .sysmem_base = 0x1FFFB000, .sysmem_size = 0x4800,
        .optbytes_base = 0x1FFFF800, .optbytes_size = 16,
        .flash_size_reg = 0x1FFFF7E0, .uid_reg = 0x1FFFF7E8, .cpuid = CORTEX_M3_R1P1,
        .wrp_pages_per_bit = 2, .rdp_level0 = F1_RDP_LEVEL0,
        .program_ns = F103_PROGRAM_NS, .page_erase_ns = F103_PAGE_ERASE_NS,
        .mass_erase_ns = F103_MASS_ERASE_NS, .rom_startup_ns = F103_ROM_STARTUP_NS, .family = SFI_FAMILY_F1CL,
    },
    {
        /* WRP: 16 bits (WRP0, WRP1), one per 4 KiB = 4 pages (RM0091 4.1.3). */
        .name = "stm32f030r8",
        .description = "STM32F030x8 (64 KiB, 1 KiB pages, 8 KiB RAM, bootloader V3.1; the stub of stored blocks)",
        .pid = 0x440, .bl_version = 0x31,
        .commands = cmds_v31, .ncommands = sizeof cmds_v31,
        .flash_base = 0x08000000, .flash_size = 64 * 1024, .page_size = 1024, .bank2_base = 0,
        .ram_base = 0x20000000, .ram_size = 8 * 1024, .bl_ram_start = 0x20000800,
        .sysmem_base = 0x1FFFEC00, .sysmem_size = 0xC00,
        .optbytes_base = 0x1FFFF800, .optbytes_size = 16,
        .flash_size_reg = 0x1FFFF7CC, .uid_reg = 0x1FFFF7AC, .cpuid = CORTEX_M0_R0P0,
        .wrp_pages_per_bit = 4, .rdp_level0 = F0_F3_RDP_LEVEL0,
        .program_ns = F0_PROGRAM_NS, .page_erase_ns = F0_ERASE_NS,
        .mass_erase_ns = F0_ERASE_NS, .rom_startup_ns = F0_ROM_STARTUP_NS, .family = SFI_FAMILY_F0S,
    },
    {
        /* WRP: 32 bits, one per 2 pages of 2 KiB (RM0091 4.1.3, F07x). */
        .name = "stm32f072rb",
        .description = "STM32F072xB (128 KiB, 2 KiB pages, 16 KiB RAM, bootloader V3.1)",
        .pid = 0x448, .bl_version = 0x31,
        .commands = cmds_v31, .ncommands = sizeof cmds_v31,
        .flash_base = 0x08000000, .flash_size = 128 * 1024, .page_size = 2048, .bank2_base = 0,
        .ram_base = 0x20000000, .ram_size = 16 * 1024, .bl_ram_start = 0x20001800,
        .sysmem_base = 0x1FFFC800, .sysmem_size = 0x3000,
        .optbytes_base = 0x1FFFF800, .optbytes_size = 16,
        .flash_size_reg = 0x1FFFF7CC, .uid_reg = 0x1FFFF7AC, .cpuid = CORTEX_M0_R0P0,
        .wrp_pages_per_bit = 2, .rdp_level0 = F0_F3_RDP_LEVEL0,
        .program_ns = F0_PROGRAM_NS, .page_erase_ns = F0_ERASE_NS,
        .mass_erase_ns = F0_ERASE_NS, .rom_startup_ns = F0_ROM_STARTUP_NS, .family = SFI_FAMILY_F0,
    },
    {
        /* WRP: one bit per 2 pages, the last bit for the rest (assumed as on the F1 high density;
         * RM0316's table is not in the facts file). 40 KiB SRAM (the 8 KiB CCM is not modelled). */
        .name = "stm32f303vc",
        .description = "STM32F303xC (256 KiB, 2 KiB pages, 40 KiB RAM, bootloader V3.1)",
        .pid = 0x422, .bl_version = 0x31,
        .commands = cmds_v31, .ncommands = sizeof cmds_v31,
        .flash_base = 0x08000000, .flash_size = 256 * 1024, .page_size = 2048, .bank2_base = 0,
        .ram_base = 0x20000000, .ram_size = 40 * 1024, .bl_ram_start = 0x20001400,
        .sysmem_base = 0x1FFFD800, .sysmem_size = 0x2000,
        .optbytes_base = 0x1FFFF800, .optbytes_size = 16,
        .flash_size_reg = 0x1FFFF7CC, .uid_reg = 0x1FFFF7AC, .cpuid = CORTEX_M4_R0P1,
        .wrp_pages_per_bit = 2, .rdp_level0 = F0_F3_RDP_LEVEL0,
        .program_ns = F0_PROGRAM_NS, .page_erase_ns = F0_ERASE_NS,
        .mass_erase_ns = F0_ERASE_NS, .rom_startup_ns = F0_ROM_STARTUP_NS, .family = SFI_FAMILY_F3,
    },
};


/* F4 sectors (RM0090 3.3, RM0368 3.3): 4 x 16 KiB, 64 KiB, then 128 KiB. Erase and program times
 * at the 8-bit parallelism the ROM uses (it writes bytes: the facts file). The facts file has
 * no F4 figures; these are the typical values of the F405/407 datasheet's "Flash memory
 * programming" table (DS8626, x8: byte 16 us, 16 KiB 400 ms, 64 KiB 1200 ms, 128 KiB 2000 ms,
 * mass erase 16 s) as we recall them, used for the F401, F411 and F446 too: to be checked
 * against the documents. ROM start-up: F40x ~75-85 ms (AN2606), 80 ms, assumed for the rest. */
/* Both banks of a 2 MiB F42x/43x, bank 2 (sectors 12-23) repeating bank 1 (RM0090 3.4, table
 * 6); the single-bank parts use the first 8 or 12. */
#define F4_BANK_SECTORS 16384, 16384, 16384, 16384, 65536, 131072, 131072, 131072, 131072, 131072, 131072, 131072
#define F4_BANK_ERASE_NS                                                                                   \
    400000000u, 400000000u, 400000000u, 400000000u, 1200000000u, 2000000000u, 2000000000u, 2000000000u,    \
        2000000000u, 2000000000u, 2000000000u, 2000000000u
static const uint32_t f4_sectors[24] = {F4_BANK_SECTORS, F4_BANK_SECTORS};
static const uint32_t f4_sector_erase_ns[24] = {F4_BANK_ERASE_NS, F4_BANK_ERASE_NS};
#define F4_PROGRAM_NS 16000u
#define F4_MASS_ERASE_NS 16000000000ull
#define F4_ROM_STARTUP_NS 80000000u

/* The F2/F4 flash controller's parts (the F2: a Cortex-M3, its own RAM start); F4_SECTORS_PART
 * with its own sectors and the layout its option bytes may choose instead (dual). */
#define F4_STYLE_PART(nm, desc, id, kib, ram_kib, sectors, b2, bl_ram, cpu, fam)                              \
    F4_SECTORS_PART(nm, desc, id, kib, ram_kib, f4_sectors, f4_sector_erase_ns, sectors, b2, bl_ram, cpu,      \
                    fam, NULL)
#define F4_SECTORS_PART(nm, desc, id, kib, ram_kib, sizes, erase_ns, sectors, b2, bl_ram, cpu, fam, dual)    \
    {                                                                                                         \
        .name = nm, .description = desc, .pid = id, .bl_version = 0x31, .commands = cmds_v31,                 \
        .ncommands = sizeof cmds_v31, .flash_base = 0x08000000, .flash_size = (kib) * 1024u,                  \
        .page_size = 16384, .bank2_base = (b2), .ram_base = 0x20000000, .ram_size = (ram_kib) * 1024u,        \
        .bl_ram_start = (bl_ram), .sysmem_base = 0x1FFF0000, .sysmem_size = 0x7800,                           \
        .optbytes_base = 0x1FFFC000, .optbytes_size = 16, .flash_size_reg = 0x1FFF7A22,                       \
        .uid_reg = 0x1FFF7A10, .cpuid = (cpu), .wrp_pages_per_bit = 1,                                        \
        .rdp_level0 = F0_F3_RDP_LEVEL0, .program_bytes = 1, .family = (fam),                                  \
        .sector_sizes = (sizes), .sector_erase_ns = (erase_ns), .nsectors = sectors,                        \
        .program_ns = F4_PROGRAM_NS, .page_erase_ns = 400000000u, .mass_erase_ns = F4_MASS_ERASE_NS,         \
        .rom_startup_ns = F4_ROM_STARTUP_NS, .dual_bank_layout = (dual),                                     \
    }
#define F4_PART(nm, desc, id, kib, ram_kib, sectors)                                                          \
    F4_STYLE_PART(nm, desc, id, kib, ram_kib, sectors, 0, 0x20003000, CORTEX_M4_R0P1, SFI_FAMILY_F4)

/* F429 with 1 MiB (0x419, F429xG) and DB1M = 1 (FLASH_OPTCR bit 30, the option byte at
 * 0x1FFFC009 bit 6: RM0090 3.9.10): two banks of 4 x 16, 64, 3 x 128 KiB, bank 2 at 0x08080000
 * with sectors 12-19, SNB 0x10-0x17 (RM0090 3.4 table 7, 3.9.8). Bank 2's nWRP bits (0x1FFEC008)
 * are not modelled: sectors 12-15 take bank 1's bits 8-11, which the factory leaves set. */
#define F4_HALF_SECTORS 16384, 16384, 16384, 16384, 65536, 131072, 131072, 131072
#define F4_HALF_ERASE_NS                                                                                   \
    400000000u, 400000000u, 400000000u, 400000000u, 1200000000u, 2000000000u, 2000000000u, 2000000000u
static const uint32_t f4_db1m_sectors[16] = {F4_HALF_SECTORS, F4_HALF_SECTORS};
static const uint32_t f4_db1m_erase_ns[16] = {F4_HALF_ERASE_NS, F4_HALF_ERASE_NS};
static const struct sim_part f429zg_db1m =
    F4_SECTORS_PART("stm32f429zg", "STM32F429xG with DB1M = 1 (two banks of 8 sectors of 16-128 KiB)", 0x419, 1024,
                    192, f4_db1m_sectors, f4_db1m_erase_ns, 16, 0x08080000, 0x20003000, CORTEX_M4_R0P1, SFI_FAMILY_F4,
                    NULL);

static const struct sim_part f4_parts[] = {
    F4_PART("stm32f401re", "STM32F401xE (512 KiB in 8 sectors of 16-128 KiB, 96 KiB RAM, bootloader V3.1)",
            0x433, 512, 96, 8),
    F4_PART("stm32f411re", "STM32F411xE (512 KiB in 8 sectors, 128 KiB RAM, bootloader V3.1)", 0x431,
            512, 128, 8),
    F4_PART("stm32f407vg", "STM32F407xG (1 MiB in 12 sectors, 128 KiB RAM, bootloader V3.1)", 0x413,
            1024, 128, 12),
    F4_PART("stm32f446re", "STM32F446xE (512 KiB in 8 sectors, 128 KiB RAM, bootloader V3.1)", 0x421,
            512, 128, 8),
    /* F429 with 2 MiB (0x419): two banks of 12 sectors, bank 2 at 0x08100000 with SNB codes
     * 0x10-0x1B and mass erase MER1 (RM0090 3.4 table 6, 3.9.8; OpenOCD stm32f2x.c); 192 KiB of
     * SRAM1-3 from 0x20000000 (RM0090 2.3); the ROM keeps RAM up to 0x20003000 (AN2606 as
     * stm32flash's dev_table.c has 0x419: 0x20003000-0x20030000). Bank 2's option bytes
     * (0x1FFEC000: nWRP of sectors 12-23) are not modelled. */
    F4_STYLE_PART("stm32f429zi", "STM32F429xI (2 MiB in two banks of 12 sectors of 16-128 KiB, 192 KiB RAM, bootloader V3.1)",
                  0x419, 2048, 192, 24, 0x08100000, 0x20003000, CORTEX_M4_R0P1, SFI_FAMILY_F4),
    /* F429 with 1 MiB: one bank of 12 sectors with the factory DB1M = 0 (RM0090 3.4 table 5), two
     * of 8 with DB1M = 1 (f429zg_db1m), as the reset reads it (sim_flash.c layout_in_force). */
    F4_SECTORS_PART("stm32f429zg", "STM32F429xG (1 MiB in 12 sectors of 16-128 KiB, or two banks of 8 with DB1M = 1; "
                    "192 KiB RAM, bootloader V3.1)", 0x419, 1024, 192, f4_sectors, f4_sector_erase_ns, 12, 0,
                    0x20003000, CORTEX_M4_R0P1, SFI_FAMILY_F4, &f429zg_db1m),
};

/* F7, L0, L1, L4, G0, G4, WB and H7: bootloader, memories and the ROM's way of programming
 * (the facts file's device table: PIDs, RAM the bootloader keeps, system memory, option bytes;
 * AN3155: Write Memory 8-aligned on these, L0/L1 without mass erase). The F7 has the F4's
 * flash controller, RCC and DMA2 and the newer USART for the stub; the L4, G4, WB, G0, L0 and L1
 * their own RCC, DMA request routing and flash controller; the H7 its RCC, DMAMUX, DMA streams,
 * flash controller and AXI SRAM (each its row of families/families.txt). The SIM_OB_RDP
 * families' write protection lives in their option bytes (sim_flash_options.c); the ROM's Write
 * Protect and Unprotect commands are NACKed on them.
 *
 * Timings: the facts file gives only the G071 (64-bit 85 us typ, 2 KiB page 22 ms) and the ROM
 * start-up times (F74x 16.6 ms, G0/G4/WB 0.39 ms, H74x 54 ms, L43x 0.86 ms, L47x 55 ms with
 * LSE). L0: a page erase, a word and a half-page (64 bytes) each program in about 3.2 ms (the
 * L0 datasheets, as a public write-up of them quotes: the ROM writes half-pages, so a second
 * write into a half-page it wrote part of leaves the rest blank, as users report of the L07x
 * bootloader). The rest are assumptions: G4, L4 and WB as the G071; L1 as the L0 with its
 * 128-byte half-pages; L0/L1 1 ms from reset (no figure at hand); F7 sectors at the F4's x8 rate per KiB
 * (32 KiB 800 ms, 128 KiB 2 s, 256 KiB 4 s; a byte 16 us); H7 a 256-bit word 16 us and a
 * 128 KiB sector 2 s. To be checked against the datasheets. */
static const uint32_t f7_sectors[8] = {32768, 32768, 32768, 32768, 131072, 262144, 262144, 262144};
static const uint32_t f7_sector_erase_ns[8] = {800000000u, 800000000u, 800000000u, 800000000u,
                                               2000000000u, 4000000000u, 4000000000u, 4000000000u};
#define CORTEX_M7_R0P1 0x410FC271u
#define CORTEX_M7_R1P1 0x411FC271u
#define CORTEX_M0P_R0P1 0x410CC601u
#define CORTEX_M3_R2P0 0x412FC231u
#define CORTEX_M3_R2P0_F2 0x412FC230u /* variant 2, revision 0 (ARM's CPUID layout) */
#define G0_PROGRAM_NS 85000u
#define G0_PAGE_ERASE_NS 22000000u
#define L0_PROGRAM_NS 3200000u /* a word or a half-page */
#define L0_PAGE_ERASE_NS 3200000u
#define RDP_LEVEL0 0xAAu
/* H7 FLASH_WPSN_CUR2R: bank 2's registers at +0x100 from bank 1's, WPSN_CUR1R at 0x52002038
 * (stm32h743xx.h FLASH_TypeDef: WPSN_CUR2 at offset 0x138, WPSN_PRG2 0x13C; RM0433 4.9). */
#define H7_WPSN2 0x52002138u

/* Parts of 2 KiB pages with an option word at 0x1FFF7800 and the empty check in FLASH_ACR: the
 * G0's flash controller as the G071 has it (RM0444), the C0's and the WL's (the WB's at
 * 0x58004000). The G071's timings. */
#define ACR_EMPTY_PART(nm, desc, id, kib, b2, ram_kib, bl_ram, sysmem_n, fam, fsize, uid, cpu, align)        \
    {                                                                                                      \
        .name = nm, .description = desc, .pid = id, .bl_version = 0x31, .commands = cmds_v31,              \
        .ncommands = sizeof cmds_v31, .flash_base = 0x08000000, .flash_size = (kib) * 1024u,              \
        .page_size = 2048, .bank2_base = (b2), .ram_base = 0x20000000, .ram_size = (ram_kib) * 1024u,      \
        .bl_ram_start = (bl_ram), .sysmem_base = 0x1FFF0000, .sysmem_size = (sysmem_n),                    \
        .optbytes_base = 0x1FFF7800, .optbytes_size = 40, .flash_size_reg = (fsize), .uid_reg = (uid),     \
        .cpuid = (cpu), .rdp_level0 = RDP_LEVEL0, .rdp_complement = 4, .program_bytes = 8,                 \
        .write_align = (align), .family = (fam), .program_ns = G0_PROGRAM_NS,                              \
        .page_erase_ns = G0_PAGE_ERASE_NS, .mass_erase_ns = G0_PAGE_ERASE_NS,                              \
        .empty_check = SIM_EMPTY_ACR_EMPTY, .rom_startup_ns = 390000u,                                     \
    }
#define G0_PART(nm, desc, id, kib, b2, ram_kib, bl_ram, sysmem_n, fam, fsize, uid)                            \
    ACR_EMPTY_PART(nm, desc, id, kib, b2, ram_kib, bl_ram, sysmem_n, fam, fsize, uid, CORTEX_M0P_R0P1, 4)

/* F76x/77x (0x451, RM0410): 2 MiB, one bank of 4 x 32, 128, 7 x 256 KiB sectors with nDBANK =
 * 1 (the factory value), two banks of 4 x 16, 64, 7 x 128 KiB with nDBANK = 0, bank 2 at
 * 0x08100000 with SNB codes 0x10-0x1B (RM0410 3.3.1 tables 4 and 5, 3.7.5). 512 KiB of RAM from
 * 0x20000000 (DTCM 128, SRAM1 368, SRAM2 16 KiB: RM0410 2.2), the ROM's up to 0x20004000 (AN2606
 * as stm32flash's dev_table.c has 0x451); system memory, option bytes, F_SIZE and UID where the
 * F74x has them (stm32f767xx.h FLASHSIZE_BASE 0x1FF0F442, UID_BASE 0x1FF0F420). Timings as the
 * F746's (the same assumption: the F4's x8 rate per KiB); the Cortex-M7 revision is taken to be
 * the F746's. In two banks the ROM's Extended Erase is taken to number the 24 sectors in address
 * order, as for the F42x (AN3155 does not say; libflash's sf_device_rom_page does the same). */
#define F767_BASE(sectors, erase_ns, n, b2, first)                                                            \
    .name = "stm32f767zi", .pid = 0x451, .bl_version = 0x31, .commands = cmds_v31,                            \
    .ncommands = sizeof cmds_v31, .flash_base = 0x08000000, .flash_size = 2048 * 1024, .page_size = (first),  \
    .bank2_base = (b2), .ram_base = 0x20000000, .ram_size = 512 * 1024, .bl_ram_start = 0x20004000,           \
    .sysmem_base = 0x1FF00000, .sysmem_size = 0xEDC0, .optbytes_base = 0x1FFF0000, .optbytes_size = 32,       \
    .flash_size_reg = 0x1FF0F442, .uid_reg = 0x1FF0F420, .cpuid = CORTEX_M7_R0P1, .wrp_pages_per_bit = 1,     \
    .rdp_level0 = RDP_LEVEL0, .program_bytes = 1, .write_align = 8, .family = SFI_FAMILY_F7,                  \
    .sector_sizes = (sectors), .sector_erase_ns = (erase_ns), .nsectors = (n), .program_ns = 16000u,          \
    .page_erase_ns = 800000000u, .mass_erase_ns = 16000000000ull, .rom_startup_ns = 16600000u
static const uint32_t f767_sectors[12] = {32768, 32768, 32768, 32768, 131072, 262144,
                                          262144, 262144, 262144, 262144, 262144, 262144};
static const uint32_t f767_sector_erase_ns[12] = {800000000u, 800000000u, 800000000u, 800000000u,
                                                  2000000000u, 4000000000u, 4000000000u, 4000000000u,
                                                  4000000000u, 4000000000u, 4000000000u, 4000000000u};
/* nDBANK = 0: each bank the F4's 1 MiB of sectors, at the F4's erase times (assumed). */
static const struct sim_part f767_dual_bank = {
    F767_BASE(f4_sectors, f4_sector_erase_ns, 24, 0x08100000, 16384),
    .description = "STM32F767xI with nDBANK = 0 (two banks of 12 sectors of 16-128 KiB)",
};

static const struct sim_part more_parts[] = {
    {
        .name = "stm32f746ng", .description = "STM32F746xG (1 MiB in 8 sectors of 32-256 KiB, 320 KiB RAM, bootloader V3.1)",
        .pid = 0x449, .bl_version = 0x31, .commands = cmds_v31, .ncommands = sizeof cmds_v31,
        .flash_base = 0x08000000, .flash_size = 1024 * 1024, .page_size = 32768,
        .ram_base = 0x20000000, .ram_size = 320 * 1024, .bl_ram_start = 0x20004000,
        .sysmem_base = 0x1FF00000, .sysmem_size = 0xEDC0, .optbytes_base = 0x1FFF0000, .optbytes_size = 32,
        .flash_size_reg = 0x1FF0F442, .uid_reg = 0x1FF0F420, .cpuid = CORTEX_M7_R0P1, .wrp_pages_per_bit = 1,
        .rdp_level0 = RDP_LEVEL0, .program_bytes = 1, .write_align = 8, .family = SFI_FAMILY_F7,
        .sector_sizes = f7_sectors, .sector_erase_ns = f7_sector_erase_ns, .nsectors = 8,
        .program_ns = 16000u, .page_erase_ns = 800000000u, .mass_erase_ns = 16000000000ull,
        .rom_startup_ns = 16600000u,
    },
    /* F2 (0x411, RM0033): the F4's sectors (RM0033 2.3: 4 x 16, 64, 7 x 128 KiB on 1 MiB),
     * option bytes at 0x1FFFC000, F_SIZE 0x1FFF7A22 and UID 0x1FFF7A10 (RM0033 32.1-32.2;
     * stm32f205xx.h FLASHSIZE_BASE, UID_BASE); 128 KiB of SRAM1+2 (RM0033 2.3), the ROM's
     * up to 0x20002000, system memory 0x1FFF0000-0x1FFF77FF (AN2606 as stm32loader
     * transcribes it, bootloader IDs 0x20 and 0x33; stm32flash 0.7). The ROM is taken to
     * speak V3.1 as the F4's does and to write bytes (not checked on a chip); a Cortex-M3
     * r2p0. Timings: DS6329 is not in the facts file, the F4's x8 figures are assumed. */
    F4_STYLE_PART("stm32f205rg", "STM32F205xG (1 MiB in 12 sectors of 16-128 KiB, 128 KiB RAM, bootloader V3.1)",
                  0x411, 1024, 128, 12, 0, 0x20002000, CORTEX_M3_R2P0_F2, SFI_FAMILY_F2),
    G0_PART("stm32g071rb", "STM32G071xB (128 KiB, 2 KiB pages, 36 KiB RAM, bootloader V3.1)", 0x460, 128, 0, 36,
            0x20002700, 0x7000, SFI_FAMILY_G0, 0x1FFF75E0, 0x1FFF7590),
    /* G0B1 (0x467): 512 KiB in two banks of 128 x 2 KiB pages, bank 2 at 0x08040000 with its
     * pages numbered from 256 in FLASH_CR, BKER at bit 13 (RM0444 3.3.1, 3.7.5; OpenOCD
     * stm32l4x.h FLASH_BKER_G0; Zephyr flash_stm32g0x.c); 144 KiB of SRAM (DS13560: "144
     * Kbytes of SRAM (128 Kbytes with HW parity check)"). The ROM keeps RAM up to 0x20004000
     * and lives at 0x1FFF0000-0x1FFF6FFF (AN2606 as stm32flash's dev_table.c has 0x467: RAM
     * 0x20004000-0x20020000). Option bytes, F_SIZE, UID and timings as the G071's (one G0
     * flash design); bank 2's WRP words are not modelled. */
    G0_PART("stm32g0b1re", "STM32G0B1xE (512 KiB in two banks, 2 KiB pages, bank 2's numbered from 256, 144 KiB RAM, bootloader V3.1)",
            0x467, 512, 0x08040000, 144, 0x20004000, 0x7000, SFI_FAMILY_G0, 0x1FFF75E0, 0x1FFF7590),
    /* C031 (0x453; OpenOCD stm32l4x.h DEVID_STM32C03XX): 32 KiB of 2 KiB pages and the G0's
     * flash controller (RM0490 3.3), 12 KiB of SRAM (RM0490 2.2); F_SIZE 0x1FFF75A0 (OpenOCD
     * stm32l4x.c, stm32c031xx.h) and UID 0x1FFF7550 (stm32c031xx.h). The ROM keeps RAM up to
     * 0x20002000 and lives at 0x1FFF0000-0x1FFF17FF (AN2606, bootloader ID 0x52, as stm32loader
     * transcribes it; AN2606's RAM range there reads 0x20002000-0x200017FF, an end below its
     * start). The 4 KiB left hold no stub: ROM only. Timings as the G071's (assumed). */
    G0_PART("stm32c031c6", "STM32C031x6 (32 KiB, 2 KiB pages, 12 KiB RAM, bootloader V3.1; ROM only)", 0x453, 32, 0, 12,
            0x20002000, 0x1800, SFI_FAMILY_C0, 0x1FFF75A0, 0x1FFF7550),
    {
        .name = "stm32g474re", .description = "STM32G474xE (512 KiB in two banks, 2 KiB pages, 96 KiB RAM, bootloader V3.1)",
        .pid = 0x469, .bl_version = 0x31, .commands = cmds_v31, .ncommands = sizeof cmds_v31,
        .flash_base = 0x08000000, .flash_size = 512 * 1024, .page_size = 2048, .bank2_base = 0x08040000,
        .ram_base = 0x20000000, .ram_size = 96 * 1024, .bl_ram_start = 0x20004000,
        .sysmem_base = 0x1FFF0000, .sysmem_size = 0x7000, .optbytes_base = 0x1FFF7800, .optbytes_size = 40,
        .flash_size_reg = 0x1FFF75E0, .uid_reg = 0x1FFF7590, .cpuid = CORTEX_M4_R0P1,
        .rdp_level0 = RDP_LEVEL0, .rdp_complement = 4, .program_bytes = 8,
        .write_align = 8, .family = SFI_FAMILY_G4, .program_ns = G0_PROGRAM_NS, .page_erase_ns = G0_PAGE_ERASE_NS,
        .mass_erase_ns = G0_PAGE_ERASE_NS, .rom_startup_ns = 390000u,
        .optbytes2_base = 0x1FFFF800, .optbytes2_size = 40,
        .dbank = true, /* DBANK = 0: one bank of 128 x 4 KiB pages (RM0440 3.3.1) */
    },
    {
        /* G4 category 2 (0x468): one bank of 64 x 2 KiB pages (RM0440 3.3.1); 16 KiB SRAM1, 6 KiB
         * SRAM2 and 10 KiB CCM SRAM aliased right after SRAM2, all three reachable by the CPU
         * and the DMA (RM0440 2.4): 32 KiB from 0x20000000. The ROM keeps RAM up to 0x20004000
         * and lives at 0x1FFF0000-0x1FFF6FFF (AN2606, bootloader ID 0xD4, as stm32loader
         * transcribes it; its RAM range ends at 0x20005800, SRAM1+2). Option bytes, F_SIZE and
         * UID as on the G474 (stm32g431xx.h); one bank: no bank 2 WRP words. Timings as the
         * G474 entry's (the G071's; ROM start-up 0.39 ms: the facts file's G4 figure). */
        .name = "stm32g431rb", .description = "STM32G431xB (128 KiB, 2 KiB pages, 32 KiB RAM with the CCM SRAM alias, bootloader V3.1)",
        .pid = 0x468, .bl_version = 0x31, .commands = cmds_v31, .ncommands = sizeof cmds_v31,
        .flash_base = 0x08000000, .flash_size = 128 * 1024, .page_size = 2048,
        .ram_base = 0x20000000, .ram_size = 32 * 1024, .bl_ram_start = 0x20004000,
        .sysmem_base = 0x1FFF0000, .sysmem_size = 0x7000, .optbytes_base = 0x1FFF7800, .optbytes_size = 40,
        .flash_size_reg = 0x1FFF75E0, .uid_reg = 0x1FFF7590, .cpuid = CORTEX_M4_R0P1,
        .rdp_level0 = RDP_LEVEL0, .rdp_complement = 4, .program_bytes = 8,
        .write_align = 8, .family = SFI_FAMILY_G4, .program_ns = G0_PROGRAM_NS, .page_erase_ns = G0_PAGE_ERASE_NS,
        .mass_erase_ns = G0_PAGE_ERASE_NS, .rom_startup_ns = 390000u,
    },
    {
        .name = "stm32l072cz", .description = "STM32L072xZ (192 KiB in two banks, 128-byte pages, erased = 0x00, 20 KiB RAM, bootloader V3.1)",
        .pid = 0x447, .bl_version = 0x31, .commands = cmds_v31, .ncommands = sizeof cmds_v31,
        .flash_base = 0x08000000, .flash_size = 192 * 1024, .page_size = 128, .bank2_base = 0x08018000,
        .ram_base = 0x20000000, .ram_size = 20 * 1024, .bl_ram_start = 0x20001400,
        .sysmem_base = 0x1FF00000, .sysmem_size = 0x2000, .optbytes_base = 0x1FF80000, .optbytes_size = 16,
        .flash_size_reg = 0x1FF8007C, .uid_reg = 0x1FF80050, .cpuid = CORTEX_M0P_R0P1,
        .rdp_level0 = RDP_LEVEL0, .rdp_complement = 2, .program_bytes = 64,
        .write_align = 8, .family = SFI_FAMILY_L0, .program_ns = L0_PROGRAM_NS,
        .page_erase_ns = L0_PAGE_ERASE_NS, .mass_erase_ns = 100000000u, .rom_startup_ns = 1000000u,
    },
    {
        /* L0 category 3 (0x417): 64 KiB in one bank of 128-byte pages, 8 KiB of RAM of which the
         * ROM keeps the first 4 (AN2606 as stm32loader transcribes it, bootloader ID 0xC0;
         * stm32flash 0.7: RAM 0x20001000-0x20001FFF, system memory 0x1FF00000-0x1FF00FFF).
         * F_SIZE, UID and option bytes as the L072's (RM0367 28.1-28.2, 3.4; stm32l053xx.h).
         * Timings as the L072 entry's. No stub fits the 4 KiB left: the library writes it
         * through the ROM. */
        .name = "stm32l053r8", .description = "STM32L053x8 (64 KiB, 128-byte pages, erased = 0x00, 8 KiB RAM, bootloader V3.1; ROM only)",
        .pid = 0x417, .bl_version = 0x31, .commands = cmds_v31, .ncommands = sizeof cmds_v31,
        .flash_base = 0x08000000, .flash_size = 64 * 1024, .page_size = 128,
        .ram_base = 0x20000000, .ram_size = 8 * 1024, .bl_ram_start = 0x20001000,
        .sysmem_base = 0x1FF00000, .sysmem_size = 0x1000, .optbytes_base = 0x1FF80000, .optbytes_size = 16,
        .flash_size_reg = 0x1FF8007C, .uid_reg = 0x1FF80050, .cpuid = CORTEX_M0P_R0P1,
        .rdp_level0 = RDP_LEVEL0, .rdp_complement = 2, .program_bytes = 64,
        .write_align = 8, .family = SFI_FAMILY_L0, .program_ns = L0_PROGRAM_NS,
        .page_erase_ns = L0_PAGE_ERASE_NS, .mass_erase_ns = 100000000u, .rom_startup_ns = 1000000u,
    },
    {
        .name = "stm32l152re", .description = "STM32L152xE (512 KiB in two banks, 256-byte pages, erased = 0x00, 80 KiB RAM, bootloader V3.1)",
        .pid = 0x437, .bl_version = 0x31, .commands = cmds_v31, .ncommands = sizeof cmds_v31,
        .flash_base = 0x08000000, .flash_size = 512 * 1024, .page_size = 256, .bank2_base = 0x08040000,
        .ram_base = 0x20000000, .ram_size = 80 * 1024, .bl_ram_start = 0x20001000,
        .sysmem_base = 0x1FF00000, .sysmem_size = 0x2000, .optbytes_base = 0x1FF80000, .optbytes_size = 16,
        .flash_size_reg = 0x1FF800CC, .uid_reg = 0x1FF800D0, .cpuid = CORTEX_M3_R2P0,
        .rdp_level0 = RDP_LEVEL0, .rdp_complement = 2, .program_bytes = 128,
        .write_align = 8, .family = SFI_FAMILY_L1, .program_ns = L0_PROGRAM_NS,
        .page_erase_ns = L0_PAGE_ERASE_NS, .mass_erase_ns = 100000000u, .rom_startup_ns = 1000000u,
    },
    {
        .name = "stm32l432kc", .description = "STM32L432xC (256 KiB, 2 KiB pages, 48 KiB RAM, bootloader V3.1)",
        .pid = 0x435, .bl_version = 0x31, .commands = cmds_v31, .ncommands = sizeof cmds_v31,
        .flash_base = 0x08000000, .flash_size = 256 * 1024, .page_size = 2048,
        .ram_base = 0x20000000, .ram_size = 48 * 1024, .bl_ram_start = 0x20003100,
        .sysmem_base = 0x1FFF0000, .sysmem_size = 0x7000, .optbytes_base = 0x1FFF7800, .optbytes_size = 40,
        .flash_size_reg = 0x1FFF75E0, .uid_reg = 0x1FFF7590, .cpuid = CORTEX_M4_R0P1,
        .rdp_level0 = RDP_LEVEL0, .rdp_complement = 4, .program_bytes = 8,
        .write_align = 8, .family = SFI_FAMILY_L4, .program_ns = G0_PROGRAM_NS, .page_erase_ns = G0_PAGE_ERASE_NS,
        .mass_erase_ns = G0_PAGE_ERASE_NS, .empty_check = SIM_EMPTY_SR_PEMPTY,
        .rom_startup_ns = 860000u,
    },
    {
        .name = "stm32l476rg", .description = "STM32L476xG (1 MiB in two banks, 2 KiB pages, 96 KiB RAM, bootloader V3.1)",
        .pid = 0x415, .bl_version = 0x31, .commands = cmds_v31, .ncommands = sizeof cmds_v31,
        .flash_base = 0x08000000, .flash_size = 1024 * 1024, .page_size = 2048, .bank2_base = 0x08080000,
        .ram_base = 0x20000000, .ram_size = 96 * 1024, .bl_ram_start = 0x20003100,
        .sysmem_base = 0x1FFF0000, .sysmem_size = 0x7000, .optbytes_base = 0x1FFF7800, .optbytes_size = 40,
        .flash_size_reg = 0x1FFF75E0, .uid_reg = 0x1FFF7590, .cpuid = CORTEX_M4_R0P1,
        .rdp_level0 = RDP_LEVEL0, .rdp_complement = 4, .program_bytes = 8,
        .write_align = 8, .family = SFI_FAMILY_L4, .program_ns = G0_PROGRAM_NS, .page_erase_ns = G0_PAGE_ERASE_NS,
        .mass_erase_ns = G0_PAGE_ERASE_NS, .rom_startup_ns = 55000000u,
        .optbytes2_base = 0x1FFFF800, .optbytes2_size = 40,
    },
    {
        /* L4R5 (0x470; RM0432): 2 MiB in two banks of 256 x 4 KiB pages in the default DBANK = 1
         * (RM0432 3.3.1; OpenOCD stm32l4x.c "4 k block in dual bank, 8 k in single"), bank 2 at
         * 0x08100000; 640 KiB of SRAM1-3 from 0x20000000 (RM0432 2.2); the ROM keeps RAM up to
         * 0x20003200 and lives at 0x1FFF0000-0x1FFF6FFF (AN2606 as stm32flash's dev_table.c has
         * 0x470); option bytes at 0x1FF00000 (RM0432 table 8), bank 2's words (PCROP2SR/ER,
         * WRP2AR/BR at +0x08..+0x20, each with its complement) at 0x1FF01000 as the L4's at
         * 0x1FFFF800 (libflash/option_layouts.c says where that comes from); PEMPTY in FLASH_SR
         * (the device table's row). Timings as the L476's (assumed). DBANK = 0 makes one bank of
         * 256 x 8 KiB pages (RM0432 3.3.1; DBANK is FLASH_OPTR bit 22 as on the G4 and L5:
         * OpenOCD stm32l4x.h FLASH_L4R_DBANK BIT(22)), read at each reset (.dbank); PNB's 8 bits
         * number them 0-255. */
        .name = "stm32l4r5zi", .description = "STM32L4R5xI (2 MiB in two banks of 4 KiB pages or one of 8 KiB by DBANK, 640 KiB RAM, bootloader V3.1)",
        .pid = 0x470, .bl_version = 0x31, .commands = cmds_v31, .ncommands = sizeof cmds_v31,
        .flash_base = 0x08000000, .flash_size = 2048 * 1024, .page_size = 4096, .bank2_base = 0x08100000,
        .dbank = true, .ram_base = 0x20000000, .ram_size = 640 * 1024, .bl_ram_start = 0x20003200,
        .sysmem_base = 0x1FFF0000, .sysmem_size = 0x7000, .optbytes_base = 0x1FF00000, .optbytes_size = 40,
        .flash_size_reg = 0x1FFF75E0, .uid_reg = 0x1FFF7590, .cpuid = CORTEX_M4_R0P1,
        .rdp_level0 = RDP_LEVEL0, .rdp_complement = 4, .program_bytes = 8,
        .write_align = 8, .family = SFI_FAMILY_L4R, .program_ns = G0_PROGRAM_NS, .page_erase_ns = G0_PAGE_ERASE_NS,
        .mass_erase_ns = G0_PAGE_ERASE_NS, .empty_check = SIM_EMPTY_SR_PEMPTY, .rom_startup_ns = 55000000u,
        .optbytes2_base = 0x1FF01000, .optbytes2_size = 40,
    },
    {
        /* L552ZE (0x472; RM0438), TrustZone off: 512 KiB in two banks of 128 x 2 KiB pages in the
         * factory DBANK = 1, bank 2 at 0x08040000, or one bank of 128 x 4 KiB pages with DBANK = 0
         * (RM0438 6.3.1, both read at each reset: .dbank); the controller's non-secure registers
         * (families.txt l5). 256 KiB of SRAM1+2 from 0x20000000 (RM0438 2.3); the ROM keeps RAM
         * up to 0x20004000 and lives at 0x0BF90000-0x0BF97FFF (AN2606 as stm32flash's
         * dev_table.c has 0x472); its option area is the flash controller's option registers
         * from FLASH_OPTR, 0x40022040-0x4002206F (RM0438 6.9; assumed to be what its bootloader
         * reads and writes as option bytes, as ST's forum says of the U5's at 0x40022040);
         * F_SIZE 0x0BFA05E0 and UID 0x0BFA0590 (stm32l552xx.h FLASHSIZE_BASE_NS, UID_BASE_NS).
         * The Cortex-M33 runs as a Cortex-M4 here (sim_cpu.c). Timings and ROM start-up as the
         * G474's (assumed). */
        .name = "stm32l552ze", .description = "STM32L552xE (512 KiB in two banks of 2 KiB pages or one of 4 KiB by DBANK, 256 KiB RAM, bootloader V3.1)",
        .pid = 0x472, .bl_version = 0x31, .commands = cmds_v31, .ncommands = sizeof cmds_v31,
        .flash_base = 0x08000000, .flash_size = 512 * 1024, .page_size = 2048, .bank2_base = 0x08040000,
        .dbank = true, .ram_base = 0x20000000, .ram_size = 256 * 1024, .bl_ram_start = 0x20004000,
        .sysmem_base = 0x0BF90000, .sysmem_size = 0x8000, .optbytes_base = 0x40022040, .optbytes_size = 48,
        .flash_size_reg = 0x0BFA05E0, .uid_reg = 0x0BFA0590, .cpuid = CORTEX_M33_R0P4,
        .rdp_level0 = RDP_LEVEL0, .program_bytes = 8,
        .write_align = 8, .family = SFI_FAMILY_L5, .program_ns = G0_PROGRAM_NS, .page_erase_ns = G0_PAGE_ERASE_NS,
        .mass_erase_ns = G0_PAGE_ERASE_NS, .rom_startup_ns = 390000u,
    },
    {
        /* U575ZI (0x482; RM0456), TrustZone off: 2 MiB in two banks of 128 x 8 KiB pages, bank 2
         * at 0x08100000 (RM0456 7.3.1; stm32u575xx.h FLASH_PAGE_SIZE 0x2000, FLASH_BANK_SIZE),
         * programmed by 128-bit quad-words (RM0456 7.3.7); the controller's non-secure
         * registers, PNB 8 bits (families.txt u5). 768 KiB of SRAM1-3 from 0x20000000 (SRAM1 192
         * KiB, SRAM2 64 KiB, SRAM3 512 KiB: stm32u575xx.h SRAM1/2/3_SIZE); the ROM keeps RAM up
         * to 0x20004000 and lives at 0x0BF90000 (RM0456 4: NSBOOTADD1 factory 0x0BF90000;
         * libflash/device_table.c's U5 row, AN2606's STM32U5 section), 64 KiB here (assumed,
         * to 0x0BFA0000 as the device table); its option area the flash controller's option
         * registers from FLASH_OPTR, 0x40022040-0x4002206F, the L5's layout (assumed to be what
         * the bootloader reads as option bytes, as ST's forum says of the U5); F_SIZE 0x0BFA07A0
         * and UID 0x0BFA0700 (stm32u575xx.h FLASHSIZE_BASE, UID_BASE). The Cortex-M33 runs as a
         * Cortex-M4 here (sim_cpu.c). Timings as the G474's, ROM start-up too (assumed: the U5's
         * datasheet DS13737 not read). */
        .name = "stm32u575zi", .description = "STM32U575xI (2 MiB in two banks of 8 KiB pages, 768 KiB RAM, bootloader V3.1)",
        .pid = 0x482, .bl_version = 0x31, .commands = cmds_v31, .ncommands = sizeof cmds_v31,
        .flash_base = 0x08000000, .flash_size = 2048 * 1024, .page_size = 8192, .bank2_base = 0x08100000,
        .ram_base = 0x20000000, .ram_size = 768 * 1024, .bl_ram_start = 0x20004000,
        .sysmem_base = 0x0BF90000, .sysmem_size = 0x10000, .optbytes_base = 0x40022040, .optbytes_size = 48,
        .flash_size_reg = 0x0BFA07A0, .uid_reg = 0x0BFA0700, .cpuid = CORTEX_M33_R0P4,
        .rdp_level0 = RDP_LEVEL0, .program_bytes = 16,
        .write_align = 16, .family = SFI_FAMILY_U5, .program_ns = G0_PROGRAM_NS, .page_erase_ns = G0_PAGE_ERASE_NS,
        .mass_erase_ns = G0_PAGE_ERASE_NS, .rom_startup_ns = 390000u,
    },
    {
        .name = "stm32wb55rg", .description = "STM32WB55xG (1 MiB, 4 KiB pages, 48 KiB RAM for the bootloader, bootloader V3.2)",
        .pid = 0x495, .bl_version = 0x32, .commands = cmds_v31, .ncommands = sizeof cmds_v31,
        .flash_base = 0x08000000, .flash_size = 1024 * 1024, .page_size = 4096,
        .ram_base = 0x20000000, .ram_size = 48 * 1024, .bl_ram_start = 0x20004000,
        .sysmem_base = 0x1FFF0000, .sysmem_size = 0x7000, .optbytes_base = 0x1FFF8000, .optbytes_size = 40,
        .flash_size_reg = 0x1FFF75E0, .uid_reg = 0x1FFF7590, .cpuid = CORTEX_M4_R0P1,
        .rdp_level0 = RDP_LEVEL0, .rdp_complement = 4, .program_bytes = 8,
        .write_align = 8, .family = SFI_FAMILY_WB, .program_ns = G0_PROGRAM_NS, .page_erase_ns = G0_PAGE_ERASE_NS,
        .mass_erase_ns = G0_PAGE_ERASE_NS, .empty_check = SIM_EMPTY_ACR_EMPTY,
        .rom_startup_ns = 390000u,
    },
    /* WLE5 (0x497; RM0461): 256 KiB of 2 KiB pages, the WB's flash controller at 0x58004000
     * (stm32wle5xx.h FLASH_R_BASE, FLASH_PAGE_SIZE 0x800), 64 KiB of SRAM1+2; the ROM keeps RAM
     * up to 0x20002000 and lives at 0x1FFF0000-0x1FFF3FFF (AN2606 as stm32flash's commented
     * 0x497 row and stm32loader transcribe it); option bytes at 0x1FFF7800, F_SIZE and UID where
     * the L4 has them (stm32wle5xx.h OB_BASE, FLASHSIZE_BASE, UID_BASE). The ROM is taken to
     * speak V3.1 and its timings to be the WB's (assumed). */
    ACR_EMPTY_PART("stm32wle5jc", "STM32WLE5xC (256 KiB, 2 KiB pages, 64 KiB RAM, flash controller at 0x58004000, bootloader V3.1)",
                   0x497, 256, 0, 64, 0x20002000, 0x4000, SFI_FAMILY_WL, 0x1FFF75E0, 0x1FFF7590, CORTEX_M4_R0P1, 8),
    {
        /* H7 option bytes are registers: the bootloader takes Write Memory on the option
         * program registers, FLASH_OPTSR_PRG at 0x52002020 .. FLASH_BOOT_PRGR at 0x52002044
         * (RM0433 4.9; sim_flash_options.c); bank 2's write protection FLASH_WPSN_CUR2R and
         * WPSN_PRG2R at 0x52002138/0x5200213C (H7_WPSN2) are a second area. */
        .name = "stm32h743zi", .description = "STM32H743xI (2 MiB in two banks of 8 x 128 KiB sectors, 256-bit flash words, 128 KiB DTCM and 512 KiB AXI SRAM, bootloader V3.1)",
        .pid = 0x450, .bl_version = 0x31, .commands = cmds_v31, .ncommands = sizeof cmds_v31,
        .flash_base = 0x08000000, .flash_size = 2048 * 1024, .page_size = 131072, .bank2_base = 0x08100000,
        .ram_base = 0x20000000, .ram_size = 128 * 1024, .bl_ram_start = 0x20004100,
        .ram2_base = 0x24000000, .ram2_size = 512 * 1024, .bl_ram2_start = 0x24005000,
        .sysmem_base = 0x1FF00000, .sysmem_size = 0x1E800, .optbytes_base = 0x52002020, .optbytes_size = 40,
        .optbytes2_base = H7_WPSN2, .optbytes2_size = 8,
        .flash_size_reg = 0x1FF1E880, .uid_reg = 0x1FF1E800, .cpuid = CORTEX_M7_R1P1,
        .rdp_level0 = RDP_LEVEL0, .rdp_complement = 1, .program_bytes = 32,
        .write_align = 8, .family = SFI_FAMILY_H7, .program_ns = 16000u, .page_erase_ns = 2000000000u,
        .mass_erase_ns = 16000000000ull, .rom_startup_ns = 54000000u,
    },
    /* H7A3/B3 (0x480, RM0455): 2 MiB in two banks of 128 sectors of 8 KiB, bank 2 at
     * 0x08100000, 128-bit flash words (RM0455 4.3; stm32h7a3xx.h FLASH_SECTOR_SIZE 0x2000,
     * FLASH_BANK2_BASE); the H7's controller with SSN, FW and START moved (sim_flash_h7.c). RAM:
     * 128 KiB DTCM and the AXI SRAM1-3, 1 MiB from 0x24000000 (RM0455 2.3.2); the ROM keeps the
     * AXI SRAM below 0x24034000 (AN2606, as device_table.c has it) and the DTCM below 0x20004100
     * (stm32flash's commented 0x480 row); system memory 0x1FF00000-0x1FF13FFF (the same row);
     * UID 0x08FFF800, F_SIZE 0x08FFF80C (stm32h7a3xx.h). The option registers at the H743's
 * offsets (stm32h7a3xx.h FLASH_TypeDef: OPTSR_PRG 0x20 .. BOOT_PRG 0x44, WPSN_CUR2 0x138 and
 * WPSN_PRG2 0x13C, as stm32h743xx.h), bank 2's write protection a second area; RCC, DMAMUX,
     * ROM start-up, Cortex-M7 revision and timings are the H743's (assumed; an 8 KiB sector's
     * erase taken as the H743's 2 s per 128 KiB, scaled: 125 ms); Write Memory 16-aligned as the
     * row's write_align. */
    {
        .name = "stm32h7a3zi", .description = "STM32H7A3xI (2 MiB in two banks of 128 sectors of 8 KiB, 128-bit "
                                              "flash words, 1 MiB AXI SRAM, bootloader V3.1)",
        .pid = 0x480, .bl_version = 0x31, .commands = cmds_v31, .ncommands = sizeof cmds_v31,
        .flash_base = 0x08000000, .flash_size = 2048 * 1024, .page_size = 8192, .bank2_base = 0x08100000,
        .ram_base = 0x20000000, .ram_size = 128 * 1024, .bl_ram_start = 0x20004100,
        .ram2_base = 0x24000000, .ram2_size = 1024 * 1024, .bl_ram2_start = 0x24034000,
        .sysmem_base = 0x1FF00000, .sysmem_size = 0x14000, .optbytes_base = 0x52002020, .optbytes_size = 40,
        .optbytes2_base = H7_WPSN2, .optbytes2_size = 8,
        .flash_size_reg = 0x08FFF80C, .uid_reg = 0x08FFF800, .cpuid = CORTEX_M7_R1P1,
        .rdp_level0 = RDP_LEVEL0, .rdp_complement = 1, .program_bytes = 16, .write_align = 16,
        .family = SFI_FAMILY_H7A, .program_ns = 16000u, .page_erase_ns = 125000000u,
        .mass_erase_ns = 16000000000ull, .rom_startup_ns = 54000000u,
    },
    {
        F767_BASE(f767_sectors, f767_sector_erase_ns, 12, 0, 32768),
        .description = "STM32F767xI (2 MiB in 12 sectors of 32-256 KiB, or two banks of 12 of 16-128 KiB with "
                       "nDBANK = 0; 512 KiB RAM, bootloader V3.1)",
        .dual_bank_layout = &f767_dual_bank,
    },
};

/* Smaller variants of the lines above, with their own layouts (docs/silicon.md): where bank 2
 * sits at a fixed address the memory between the banks is a hole (no memory: the ROM NACKs it,
 * a store there sets the controller's error flag), and some F_SIZE registers read a code. Each
 * is the larger part above with its flash changed; sources at each. */
/* The H7 flash controller's parts: 128 KiB sectors, 256-bit flash words, option registers
 * from FLASH_OPTSR_PRG; DTCM and the AXI SRAM (ram2_kib of it, the ROM's below bl_ram2). */
#define H7_PART(nm, desc, id, span, b2, hole, hole_n, ram2_kib, bl_ram2)                                    \
    {                                                                                                      \
        .name = nm, .description = desc, .pid = id, .bl_version = 0x31, .commands = cmds_v31,              \
        .ncommands = sizeof cmds_v31, .flash_base = 0x08000000, .flash_size = (span), .page_size = 131072,  \
        .bank2_base = (b2), .hole_base = (hole), .hole_size = (hole_n), .ram_base = 0x20000000,             \
        .ram_size = 128 * 1024, .bl_ram_start = 0x20004100, .ram2_base = 0x24000000,                       \
        .ram2_size = (ram2_kib) * 1024u, .bl_ram2_start = (bl_ram2), .sysmem_base = 0x1FF00000,            \
        .sysmem_size = 0x1E800, .optbytes_base = 0x52002020, .optbytes_size = 40,                          \
        .optbytes2_base = (b2) ? H7_WPSN2 : 0, .optbytes2_size = (b2) ? 8 : 0,                             \
        .flash_size_reg = 0x1FF1E880, .uid_reg = 0x1FF1E800, .cpuid = CORTEX_M7_R1P1,                      \
        .rdp_level0 = RDP_LEVEL0, .rdp_complement = 1, .program_bytes = 32, .write_align = 8,              \
        .family = SFI_FAMILY_H7, .program_ns = 16000u, .page_erase_ns = 2000000000u,                       \
        .mass_erase_ns = 16000000000ull, .rom_startup_ns = 54000000u,                                      \
    }
#define H7_VARIANT(nm, desc, span, b2, hole, hole_n) H7_PART(nm, desc, 0x450, span, b2, hole, hole_n, 512, 0x24005000)

#define L1_VARIANT(nm, desc, id, span, b2, hole, hole_n, coded, raw, ram_kib, fsize, uid)                    \
    {                                                                                                      \
        .name = nm, .description = desc, .pid = id, .bl_version = 0x31, .commands = cmds_v31,              \
        .ncommands = sizeof cmds_v31, .flash_base = 0x08000000, .flash_size = (span), .page_size = 256,    \
        .bank2_base = (b2), .hole_base = (hole), .hole_size = (hole_n), .fsize_coded = (coded),             \
        .fsize_raw = (raw), .ram_base = 0x20000000, .ram_size = (ram_kib) * 1024u,                         \
        .bl_ram_start = 0x20001000, .sysmem_base = 0x1FF00000, .sysmem_size = 0x2000,                      \
        .optbytes_base = 0x1FF80000, .optbytes_size = 16, .flash_size_reg = (fsize), .uid_reg = (uid),     \
        .cpuid = CORTEX_M3_R2P0, .rdp_level0 = RDP_LEVEL0, .rdp_complement = 2, .program_bytes = 128,      \
        .write_align = 8, .family = SFI_FAMILY_L1, .program_ns = L0_PROGRAM_NS,                            \
        .page_erase_ns = L0_PAGE_ERASE_NS, .mass_erase_ns = 100000000u, .rom_startup_ns = 1000000u,         \
    }

static const struct sim_part variant_parts[] = {
    /* stm32h743xx.h: FLASH_BANK2_BASE 0x08100000 on every 0x450 part; a 1 MiB xG has two banks
     * of 512 KiB (OpenOCD stm32h7x.c: "the second bank starts always from 0x08100000"). */
    H7_VARIANT("stm32h743zg", "STM32H743xG (1 MiB: 512 KiB at 0x08000000, bank 2 at 0x08100000, a hole between, bootloader V3.1)",
               0x180000, 0x08100000, 0x08080000, 0x80000),
    /* stm32h750xx.h: 128 KiB in one bank (one sector of 128 KiB). */
    H7_VARIANT("stm32h750vb", "STM32H750xB (128 KiB in one bank, one 128 KiB sector, bootloader V3.1)", 0x20000, 0, 0, 0),
    /* H723 (0x483; RM0468): one bank of 8 x 128 KiB sectors, 256-bit flash words and the
     * H74x's FLASH_CR (OpenOCD stm32h7x.c: page 128 KiB, block 32, no dual bank, the H74x's
     * compute_flash_cr; stm32h723xx.h FLASH_SECTOR_TOTAL 8), F_SIZE 0x1FF1E880; 128 KiB of DTCM
     * and 320 KiB of AXI SRAM in the factory TCM_AXI_SHARED = 0 (RM0468 2.3), of which the ROM
     * keeps 0x24000000-0x24003FFF (AN2606, as the device table's row). RCC, DMAMUX request ids,
     * system memory, UID, option registers and timings as the H743's (the H7 stub unchanged;
     * assumed where RM0468 was not at hand). */
    H7_PART("stm32h723zg", "STM32H723xG (1 MiB in one bank of 8 x 128 KiB sectors, 256-bit flash words, 320 KiB AXI SRAM, bootloader V3.1)",
            0x483, 0x100000, 0, 0, 0, 320, 0x24004000),
    /* G4 cat.3 in dual-bank mode: bank 2 at 0x08040000 whatever the size (RM0440 tables 7/8 as
     * ST reads them on its forum; OpenOCD stm32l4x.c "dual bank WITH gap"). */
    {
        .name = "stm32g474rc", .description = "STM32G474xC (256 KiB in two banks: 128 KiB at 0x08000000 and at 0x08040000, a hole between, 2 KiB pages, bootloader V3.1)",
        .pid = 0x469, .bl_version = 0x31, .commands = cmds_v31, .ncommands = sizeof cmds_v31,
        .flash_base = 0x08000000, .flash_size = 0x60000, .page_size = 2048, .bank2_base = 0x08040000,
        .hole_base = 0x08020000, .hole_size = 0x20000,
        .ram_base = 0x20000000, .ram_size = 96 * 1024, .bl_ram_start = 0x20004000,
        .sysmem_base = 0x1FFF0000, .sysmem_size = 0x7000, .optbytes_base = 0x1FFF7800, .optbytes_size = 40,
        .flash_size_reg = 0x1FFF75E0, .uid_reg = 0x1FFF7590, .cpuid = CORTEX_M4_R0P1,
        .rdp_level0 = RDP_LEVEL0, .rdp_complement = 4, .program_bytes = 8,
        .write_align = 8, .family = SFI_FAMILY_G4, .program_ns = G0_PROGRAM_NS, .page_erase_ns = G0_PAGE_ERASE_NS,
        .mass_erase_ns = G0_PAGE_ERASE_NS, .rom_startup_ns = 390000u,
        .optbytes2_base = 0x1FFFF800, .optbytes2_size = 40,
    },
    /* L1 0x436 with 256 KiB (the "xCA" parts): F_SIZE reads the code 1 (RM0038: 0 = 384 KiB,
     * 1 = 256 KiB; OpenOCD stm32lx.c), one bank (stm32l151xca.h: FLASH_END 0x0803FFFF, no bank 2). */
    L1_VARIANT("stm32l152rc", "STM32L152xCA on the 0x436 die (256 KiB in one bank, F_SIZE reads the code 1, 256-byte pages, erased = 0x00, 32 KiB RAM, bootloader V3.1)",
               0x436, 0x40000, 0, 0, 0, true, 1, 32, 0x1FF800CC, 0x1FF800D0),
    /* L1 cat.2 (0x429): only F_SIZE[7:0] is the size, "F_SIZE[15:8] is reserved and must be
     * ignored" (RM0038, Flash size register; OpenOCD stm32lx.c masks it); this one's is set. */
    L1_VARIANT("stm32l152rba", "STM32L152xB-A, cat.2 (128 KiB, F_SIZE 0xFF80: its upper byte is reserved, 256-byte pages, erased = 0x00, 32 KiB RAM, bootloader V3.1)",
               0x429, 0x20000, 0, 0, 0, true, 0xFF80, 32, 0x1FF8004C, 0x1FF80050),
    /* L1 cat.6 "xD-X" (0x437): bank 1 0x08000000-0x0802FFFF, bank 2 0x08040000-0x0806FFFF
     * (stm32l151xdx.h: FLASH_BANK1_END, FLASH_BANK2_BASE, FLASH_BANK2_END). */
    L1_VARIANT("stm32l152vdx", "STM32L152xD-X, cat.6 (384 KiB: 192 KiB at 0x08000000 and at 0x08040000, a hole between, 256-byte pages, erased = 0x00, 80 KiB RAM, bootloader V3.1)",
               0x437, 0x70000, 0x08040000, 0x08030000, 0x10000, false, 0, 80, 0x1FF800CC, 0x1FF800D0),
};

#define NPARTS (sizeof parts / sizeof parts[0])
#define NF4 (sizeof f4_parts / sizeof f4_parts[0])
#define NMORE (sizeof more_parts / sizeof more_parts[0])
#define NVARIANTS (sizeof variant_parts / sizeof variant_parts[0])

const sim_part *sim_part_at(size_t i)
{
    if (i < NPARTS)
        return &parts[i];
    if (i < NPARTS + NF4)
        return &f4_parts[i - NPARTS];
    if (i < NPARTS + NF4 + NMORE)
        return &more_parts[i - NPARTS - NF4];
    return i < NPARTS + NF4 + NMORE + NVARIANTS ? &variant_parts[i - NPARTS - NF4 - NMORE] : NULL;
}

const sim_part *sim_part_find(const char *name)
{
    for (size_t i = 0; sim_part_at(i); i++)
        if (strcmp(sim_part_at(i)->name, name) == 0)
            return sim_part_at(i);
    return NULL;
}

const char *sim_part_name(const sim_part *p) { return p->name; }
const char *sim_part_description(const sim_part *p) { return p->description; }
uint16_t sim_part_pid(const sim_part *p) { return p->pid; }
uint32_t sim_part_flash_size(const sim_part *p) { return p->flash_size - p->hole_size; }
uint32_t sim_part_flash_end(const sim_part *p) { return p->flash_base + p->flash_size; }
uint32_t sim_part_page_size(const sim_part *p) { return p->page_size; }
uint32_t sim_part_bank2_base(const sim_part *p) { return p->bank2_base; }
uint8_t sim_part_erased_value(const sim_part *p) { return sim_part_erased(p); }
uint32_t sim_part_ram_size(const sim_part *p) { return p->ram_size; }
uint32_t sim_part_bootloader_ram_start(const sim_part *p) { return p->bl_ram_start; }
uint32_t sim_part_option_bytes_size(const sim_part *p) { return p->optbytes_size + p->optbytes2_size; }
