/* sim_part.h - what the virtual board knows about a part: memories, bootloader, timings. */
#ifndef SIM_PART_H
#define SIM_PART_H

#include <stdbool.h>
#include <stdint.h>

/* How the option bytes are laid out. */
enum sim_options_format {
    SIM_OB_F1, /* F0/F1/F3: value and complement pairs; RDP at 0, USER 2, DATA 4-6, WRP 8-14 */
    SIM_OB_F4, /* F2/F4 (and F7, assumed): USER at 0, RDP at 1, nWRP (one bit per sector, 1 = writable) at 8-9 */
    SIM_OB_RDP, /* L0/L1/L4/G0/G4/WB/H7: RDP at 0 and its complement at rdp_complement; write
                 * protection (areas, per family) is not modelled: Write (Un)Protect is NACKed */
};

/* Which peripherals code that Go starts finds, and where (sim_periph.h: sim_soc_map). */
enum sim_soc {
    SIM_SOC_F1, /* F1 (and the parts without a map of their own): RCC 0x40021000, USART1 0x40013800, DMA1, FPEC 0x40022000 */
    SIM_SOC_F4, /* F2/F4: RCC 0x40023800, USART1 0x40011000, DMA2 streams, flash 0x40023C00 */
    SIM_SOC_F7, /* F7: the F4's map and flash controller, USART1 with the newer registers (ISR, RDR, TDR) */
    SIM_SOC_L4, /* L4: RCC and DMA1 at the F1's places (other registers), DMA1 CSELR, the newer USART,
                 * the L4 flash controller (64-bit programming) */
    SIM_SOC_G4, /* G4: the L4's, with a DMAMUX in front of DMA1 */
    SIM_SOC_F0, /* F0: the F1's map, the newer USART, USART1_RX on DMA1 channel 3 */
    SIM_SOC_F3, /* F3: the F1's map, the newer USART */
    SIM_SOC_WB, /* WB: the G4's, with RCC at 0x58000000 and the flash controller at 0x58004000 (AHB4) */
    SIM_SOC_G0, /* G0: the G4's map with the G0's RCC layout */
    SIM_SOC_L0, /* L0: RCC, DMA1 (CSELR) and flash at the F1's places, the newer USART, the L0/L1 flash controller */
    SIM_SOC_L1, /* L1: RCC 0x40023800, DMA1 0x40026000, flash 0x40023C00, the F1's USART */
    SIM_SOC_H7, /* H7: RCC 0x58024400, USART1 0x40011000, DMA1 streams behind DMAMUX1, flash 0x52002000 */
};

/* The L0/L1 flash controller (sim_flash_l0.c): PECR and its keys, erased cells read 0. */
#define SIM_SOC_HAS_L0_FLASH(soc) ((soc) == SIM_SOC_L0 || (soc) == SIM_SOC_L1)

/* The L4/G4/WB/G0 flash controller (sim_flash_l4.c). */
#define SIM_SOC_HAS_L4_FLASH(soc) \
    ((soc) == SIM_SOC_L4 || (soc) == SIM_SOC_G4 || (soc) == SIM_SOC_WB || (soc) == SIM_SOC_G0)
/* Controllers with EOP at SR bit 0, STRT at CR bit 16 and LOCK at CR bit 31 (F4, F7, L4, G4). */
#define SIM_SOC_NEWER_FLASH(soc) (SIM_SOC_HAS_F4_FLASH(soc) || SIM_SOC_HAS_L4_FLASH(soc))

/* The F2/F4 flash controller (sim_flash_f4.c): F4 and F7 parts. */
#define SIM_SOC_HAS_F4_FLASH(soc) ((soc) == SIM_SOC_F4 || (soc) == SIM_SOC_F7)

struct sim_part {
    const char *name;
    const char *description;
    uint16_t pid;               /* DBGMCU_IDCODE DEV_ID, what Get ID returns */
    uint8_t bl_version;         /* bootloader protocol version, 0x22 = 2.2 */
    const uint8_t *commands;    /* what Get lists, in order */
    uint8_t ncommands;
    uint32_t flash_base, flash_size, page_size;
    uint32_t bank2_base;        /* 0 for a single bank */
    uint32_t ram_base, ram_size;
    uint32_t bl_ram_start;      /* RAM below this is the ROM's own (Write Memory / Go NACK) */
    uint32_t ram2_base, ram2_size, bl_ram2_start; /* H7: the AXI SRAM too (0 if none) */
    uint32_t sysmem_base, sysmem_size;
    uint32_t optbytes_base, optbytes_size;
    uint32_t flash_size_reg;    /* F_SIZE: flash size in KiB, 16 bits */
    uint32_t uid_reg;           /* 96-bit unique ID */
    uint32_t cpuid;             /* SCB->CPUID */
    uint32_t wrp_pages_per_bit; /* pages one WRP bit protects (bits 0..30); bit 31 = the rest */
    uint8_t rdp_level0;         /* the RDP option byte that means unprotected: F1 0xA5, F0/F3/F4 0xAA */
    uint8_t options_format;     /* enum sim_options_format */
    uint8_t program_bytes;      /* what Write Memory programs at a time: 1 (F4/F7 ROM), 2 (F0/F1/F3),
                                 * 8 (L4/G0/G4/WB double words), 32 (H7 flash words), 64 or 128
                                 * (L0/L1 half-pages); 0 means 2 */
    uint8_t write_align;        /* Write Memory address alignment: 4, or 8 (AN3155); 0 means 4 */
    bool erased_zero;           /* L0/L1: an erased byte reads 0x00 (else 0xFF) */
    uint8_t rdp_complement;     /* SIM_OB_RDP: offset of the RDP byte's complement */
    bool no_mass_erase;         /* L0/L1: the ROM's Extended Erase has no global erase (AN3155) */
    uint8_t soc;                /* enum sim_soc */
    /* F2/F4/F7: sectors of mixed sizes, with their erase times; NULL: pages of page_size. */
    const uint32_t *sector_sizes;
    const uint32_t *sector_erase_ns;
    uint8_t nsectors;
    /* Timings in nanoseconds, from the datasheet (see sim_parts.c for sources). */
    uint32_t program_ns;        /* one 16-bit program */
    uint32_t page_erase_ns;
    uint64_t mass_erase_ns;     /* F4: 16 s */
    uint32_t rom_startup_ns;    /* reset to bootloader ready for 0x7F */
};

static inline uint8_t sim_part_erased(const struct sim_part *p) { return p->erased_zero ? 0x00 : 0xFF; }

#endif
