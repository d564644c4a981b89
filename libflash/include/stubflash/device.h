/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stubflash/device.h - the STM32 device table: what each part's bootloader and memories look
 * like. Plain read-only data, shared by the protocol, the flash plan and the front ends.
 * Sources: ST AN2606 (bootloader RAM, IDs), AN3155, reference manuals (see device_table.c). */
#ifndef STUBFLASH_DEVICE_H
#define STUBFLASH_DEVICE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A run of equally sized erase units (pages or sectors). */
typedef struct sf_erase_run {
    uint16_t count;
    uint32_t size;
} sf_erase_run;

/** How a line's F_SIZE register reads (sf_device.flash_size_coding). */
typedef enum sf_flash_size_coding {
    SF_FSIZE_KIB = 0,        /**< 16 bits, the flash size in KiB (most lines) */
    SF_FSIZE_KIB_LOW_BYTE,   /**< bits 7:0 in KiB, bits 15:8 reserved (L1 cat.2, 0x429) */
    SF_FSIZE_L1_CAT4_CODE,   /**< a code: 0 = 384 KiB, 1 = 256 KiB (L1 0x436) */
} sf_flash_size_coding;

/** The empty check of a line (sf_device.empty_check): at option-byte loading (power-on, an
 * option-byte reload) the chip notes whether its first flash word is erased and, if it is, boots
 * its system bootloader even with BOOT0 low, until the note is changed or the next load. */
typedef enum sf_empty_check {
    SF_EMPTY_CHECK_NONE = 0,
    SF_EMPTY_CHECK_SR_PEMPTY,     /**< FLASH_SR bit 17 PEMPTY, writing 1 toggles it (L4) */
    SF_EMPTY_CHECK_ACR_EMPTY,     /**< FLASH_ACR bit 16 EMPTY, read/write (G0, C0, WB, WL) */
} sf_empty_check;

/** How a line's option bytes choose one or two flash banks (sf_device.bank_mode). The row's
 * layout is the factory default mode; sf_device.alt_layout is the other. */
typedef enum sf_bank_mode {
    SF_BANKS_FIXED = 0,        /**< the banks are what the part has */
    SF_BANKS_F4_DB1M,          /**< F42x/43x, F469/479 with 1 MiB: FLASH_OPTCR bit 30 DB1M
                                * (0 = one bank, factory default) */
    SF_BANKS_F7_NDBANK,        /**< F76x/77x: FLASH_OPTCR bit 29 nDBANK (1 = one bank, default) */
    SF_BANKS_DBANK,            /**< G4 cat.3, L4+, L5: FLASH_OPTR bit 22 DBANK (1 = two banks, default) */
    SF_BANKS_G0_DUAL_BANK,     /**< G0B/G0C with 256 KiB: FLASH_OPTR bit 21 DUAL_BANK */
} sf_bank_mode;

/** A USART (or LPUART) the ROM bootloader listens on, and its pins (AN2606, each line's
 * "Bootloader configuration"). */
typedef struct sf_boot_usart {
    const char *name;          /**< "USART1", "USART2", "LPUART1" */
    const char *tx, *rx;       /**< "PA9", "PA10" */
} sf_boot_usart;

/** One part (or family of parts sharing a product ID). The library hands entries out only by
 * pointer into its table: callers never allocate one, so members may be appended. Walk the
 * erase units of a given flash size with sf_device_unit_at() rather than `layout`, which
 * describes the largest part of the line without its banks. */
typedef struct sf_device {
    uint16_t pid;                 /**< product ID as Get ID returns it */
    const char *name;             /**< e.g. "STM32F10xxx high density" */
    const char *family;           /**< "F1", "F4", "L0", ... */
    uint32_t flash_base;          /**< 0x08000000 for all listed parts */
    uint32_t flash_size;          /**< largest flash of the line; F_SIZE narrows it */
    const sf_erase_run *layout;   /**< erase units from flash_base, in order */
    uint8_t layout_runs;
    uint32_t ram_base, ram_end;   /**< RAM the host may use: [ram_base, ram_end) */
    uint32_t sysmem_base, sysmem_end;
    uint32_t option_base, option_end; /**< 0 if not memory-mapped */
    uint32_t flash_size_reg;      /**< F_SIZE register (16-bit KiB), 0 if none */
    uint8_t write_align;          /**< Write Memory address/size alignment in bytes */
    uint8_t erased_value;         /**< 0xFF, or 0x00 on L0/L1 */
    bool dual_bank;               /**< two banks (but see single_bank_max) */
    /* @since 0.2 */
    uint32_t bank2_fixed;         /**< bank 2's address where it does not follow bank 1 (H7
                                   * 0x08100000, G4 cat.3 and L1 cat.5/6 0x08040000: smaller parts
                                   * have a hole between the banks); 0: right after bank 1 */
    uint32_t single_bank_max;     /**< parts of a dual_bank line with at most this much flash
                                   * have one bank (H750: 128 KiB); 0: none */
    uint8_t flash_size_coding;    /**< how F_SIZE reads: sf_flash_size_coding */
    uint8_t empty_check;          /**< sf_empty_check: after writing the first flash word the
                                   * library clears the note, so that a reset with BOOT0 low
                                   * starts the new firmware */
    /* @since 0.2, issue 17 */
    uint32_t uid_reg;             /**< the 96-bit unique ID (0: none known) */
    uint8_t program_bytes;        /**< what the flash controller programs at a time (F0/F1/F3 2, F2/F4/F7
                                   * 4 at 2.7-3.6 V, L0/L1 4, L4/G0/G4/WB/WL/C0/L5 8,
                                   * U5/H5/H7A3 16, H74x/H72x 32) */
    uint8_t bank_mode;            /**< sf_bank_mode */
    const sf_erase_run *alt_layout; /**< the layout in the other bank mode (for DB1M: of the
                                   * 1 MiB parts, single_bank_max), NULL if none */
    uint8_t alt_layout_runs;
    const sf_boot_usart *usarts;  /**< the USARTs the ROM bootloader listens on */
    uint8_t usart_count;
    const char *no_stub;          /**< why the family's stub does not serve this line, or NULL
                                   * (sf_device_stub() also checks the RAM) */
    const char *source;           /**< where the row's figures come from */
} sf_device;

/** The entry for a product ID, or NULL if unknown. @since 0.1 */
SF_API const sf_device *sf_device_find(uint16_t pid);
/** Entries in table order, for listings; NULL past the end. @since 0.1 */
SF_API const sf_device *sf_device_at(size_t index);
/** Address of the 96-bit unique device ID (12 bytes, readable through the bootloader), or 0 if
 * the family has none known. @since 0.1 */
SF_API uint32_t sf_device_uid_address(const sf_device *dev);
/** Number of erase units of a part of this line with flash_size bytes of flash (both banks).
 * @since 0.1 */
SF_API size_t sf_device_unit_count(const sf_device *dev, uint32_t flash_size);
/** The erase unit containing addr on a part with flash_size bytes: its index (0 ..
 * sf_device_unit_count() - 1, in address order), start and size. SF_ERR_FIT if addr is not
 * in that part's flash, which includes the hole between the banks of parts whose bank 2 is at a
 * fixed address (sf_device_flash_end()). @since 0.1 */
SF_API sf_error sf_device_unit_of(const sf_device *dev, uint32_t flash_size, uint32_t addr,
                                  uint32_t *index, uint32_t *start, uint32_t *size);
/** Erase unit number index (in address order) of a part with flash_size bytes: its start and
 * size. SF_ERR_FIT past the last unit. @since 0.2 */
SF_API sf_error sf_device_unit_at(const sf_device *dev, uint32_t flash_size, size_t index, uint32_t *start,
                                  uint32_t *size);
/** Where bank 2 starts on a part with flash_size bytes, or 0 if that part has one bank. Bank 2 is
 * at a fixed address on some lines (sf_device.bank2_fixed), after the first 512 KiB on the F1
 * XL, else at half the flash. @since 0.2 */
SF_API uint32_t sf_device_bank2_base(const sf_device *dev, uint32_t flash_size);
/** One past the last flash address of a part with flash_size bytes: flash_base + flash_size,
 * unless a hole lies between its banks. @since 0.2 */
SF_API uint32_t sf_device_flash_end(const sf_device *dev, uint32_t flash_size);
/** The hole between the banks of a part with flash_size bytes: its start and size (0 if there is
 * none). Reads of it give the erased value; nothing can be written there. @since 0.2 */
SF_API uint32_t sf_device_hole(const sf_device *dev, uint32_t flash_size, uint32_t *size);
/** Which RAM stub serves the line: *name is its family's id in families.txt ("f4") and the
 * call returns SF_OK; or *name is NULL, why (if not NULL) says why the line is written through
 * the ROM bootloader only (no stub for its flash controller yet, or too little RAM after the
 * bootloader's), and the call returns SF_ERR_UNSUPPORTED. SF_ERR_ARG without a device.
 * @since 0.2 */
SF_API sf_error sf_device_stub(const sf_device *dev, const char **name, char *why, size_t why_len);
/** The flash size in bytes that an F_SIZE register value raw (its 16 bits) stands for on this
 * line, or 0 if it is not a size this line has (e.g. 0xFFFF, or more than the line's largest).
 * @since 0.2 */
SF_API uint32_t sf_device_decode_flash_size(const sf_device *dev, uint16_t raw);

#ifdef __cplusplus
}
#endif
#endif
