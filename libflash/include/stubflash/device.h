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

/** One part (or family of parts sharing a product ID). */
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
    bool dual_bank;
} sf_device;

/** The entry for a product ID, or NULL if unknown. @since 0.1 */
SF_API const sf_device *sf_device_find(uint16_t pid);
/** Entries in table order, for listings; NULL past the end. @since 0.1 */
SF_API const sf_device *sf_device_at(size_t index);
/** Address of the 96-bit unique device ID (12 bytes, readable through the bootloader), or 0 if
 * the family has none known. @since 0.1 */
SF_API uint32_t sf_device_uid_address(const sf_device *dev);
/** Number of erase units in the first flash_size bytes. @since 0.1 */
SF_API size_t sf_device_unit_count(const sf_device *dev, uint32_t flash_size);
/** The erase unit containing addr: its index, start and size. SF_ERR_FIT if addr is not in
 * the first flash_size bytes of flash. @since 0.1 */
SF_API sf_error sf_device_unit_of(const sf_device *dev, uint32_t flash_size, uint32_t addr,
                                  uint32_t *index, uint32_t *start, uint32_t *size);

#ifdef __cplusplus
}
#endif
#endif
