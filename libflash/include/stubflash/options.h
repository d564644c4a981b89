/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stubflash/options.h - the chip's option bytes by their reference-manual names: read them,
 * change some, write them back through the ROM bootloader (the chip resets to load them and is
 * read again), and A/B updates on parts whose banks can swap.
 *
 *   sf_options *o;
 *   if (sf_session_options_read(s, &o) == SF_OK) {
 *       for (size_t i = 0; i < sf_options_count(o); i++)
 *           printf("%s = %u\n", sf_options_name(o, i), sf_options_value(o, i));
 *       if (sf_options_set(o, "BOR_LEV", 2) == SF_OK)
 *           sf_session_options_write(s, o, 0);
 *       sf_options_free(o);
 *   }
 */
#ifndef STUBFLASH_OPTIONS_H
#define STUBFLASH_OPTIONS_H

#include "common.h"
#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sf_session sf_session;

/** A snapshot of a chip's option bytes, with changes staged on it. Opaque. */
typedef struct sf_options sf_options;

/** What a field is (sf_options_flags). */
enum {
    SF_OPTION_READOUT = 1u << 0,       /**< readout protection (RDP): changed by protect/unprotect --readout */
    SF_OPTION_NO_BOOTLOADER = 1u << 1, /**< some values take the chip's way into its ROM bootloader away */
    SF_OPTION_WRITE_PROTECTION = 1u << 2, /**< write protection (WRP bits, nWRP, WRP areas) */
    SF_OPTION_BOOT_BANK = 1u << 3,     /**< chooses the bank that boots (BFB2, SWAP_BANK, F76x BOOT_ADD0) */
    SF_OPTION_READ_ONLY = 1u << 4,     /**< shown only: this library does not change it */
    SF_OPTION_BANK_MODE = 1u << 5,     /**< one bank or two (F42x/43x DB1M, F76x/77x nDBANK): a change
                                        *   re-organises the flash, so it needs
                                        *   SF_OPTIONS_ALLOW_BANK_MODE and erases all of it */
};

/** sf_session_options_write flags. */
enum {
    /** Allow values of SF_OPTION_NO_BOOTLOADER fields that take the way into the ROM
     * bootloader away (boot pins ignored, SRAM boot, BOOT_ADD1 off the system memory). */
    SF_OPTIONS_ALLOW_NO_BOOTLOADER = 1u << 0,
    /** Allow a change of an SF_OPTION_BANK_MODE field, and the erase of the whole flash that
     * follows it: the chip reads its flash in another order once the banks are re-organised
     * (RM0410 3.3.1, RM0090 3.3), so what it held is gone either way. */
    SF_OPTIONS_ALLOW_BANK_MODE = 1u << 1,
};

/** Read the option bytes of the open chip. SF_ERR_UNSUPPORTED if the library has no layout
 * for its family; SF_ERR_PROTECTED under readout protection. Free with sf_options_free().
 * @since 0.2 */
SF_API sf_error sf_session_options_read(sf_session *s, sf_options **out);
/** NULL is ignored. @since 0.2 */
SF_API void sf_options_free(sf_options *o);
/** The family the layout is for ("L4") and the reference manual it follows ("RM0351").
 * @since 0.2 */
SF_API const char *sf_options_family(const sf_options *o);
/** @since 0.2 */
SF_API const char *sf_options_source(const sf_options *o);
/** Number of fields. @since 0.2 */
SF_API size_t sf_options_count(const sf_options *o);
/** Field i's reference-manual name ("BOR_LEV"), or NULL past the end. @since 0.2 */
SF_API const char *sf_options_name(const sf_options *o, size_t i);
/** One line on what field i does and what its values mean. @since 0.2 */
SF_API const char *sf_options_meaning(const sf_options *o, size_t i);
/** The register field i loads into ("FLASH_OPTR"), and its lowest bit there. @since 0.2 */
SF_API const char *sf_options_register(const sf_options *o, size_t i, unsigned *bit);
/** Field i's width in bits. @since 0.2 */
SF_API unsigned sf_options_width(const sf_options *o, size_t i);
/** SF_OPTION_* flags of field i. @since 0.2 */
SF_API unsigned sf_options_flags(const sf_options *o, size_t i);
/** Field i's value with the staged changes; sf_options_read_value() as read from the chip.
 * @since 0.2 */
SF_API uint32_t sf_options_value(const sf_options *o, size_t i);
/** @since 0.2 */
SF_API uint32_t sf_options_read_value(const sf_options *o, size_t i);
/** The index of the field named name (case-insensitive). SF_ERR_ARG if there is none.
 * @since 0.2 */
SF_API sf_error sf_options_find(const sf_options *o, const char *name, size_t *index);
/** Stage a change. Refused (SF_ERR_ARG, sf_options_last_error() says why, nothing staged): an
 * unknown name, a value wider than the field, a read-only field, readout protection (RDP:
 * sf_session_readout_protect_level and sf_session_readout_unprotect change it), any field of a
 * family whose option bytes this version only shows (the H5). @since 0.2 */
SF_API sf_error sf_options_set(sf_options *o, const char *name, uint32_t value);
/** Why the last sf_options_set failed. @since 0.2 */
SF_API const char *sf_options_last_error(const sf_options *o);
/** Whether the staged value of field i differs from what was read. @since 0.2 */
SF_API bool sf_options_changed(const sf_options *o, size_t i);
/** Whether the staged change of field i takes the way into the ROM bootloader away (it needs
 * SF_OPTIONS_ALLOW_NO_BOOTLOADER). @since 0.2 */
SF_API bool sf_options_loses_bootloader(const sf_options *o, size_t i);
/** Write the staged option bytes to the chip (Write Memory to the option area, through the
 * ROM; a running stub is left first). The chip resets to load them; the session then reads
 * them again and checks every field (SF_ERR_VERIFY if one differs). Refused with nothing
 * written: no change staged (SF_ERR_ARG), a change that loses the bootloader without the flag
 * (SF_ERR_ARG), a bank-mode change without SF_OPTIONS_ALLOW_BANK_MODE (SF_ERR_ARG), readout
 * protection on (SF_ERR_PROTECTED). After a bank-mode change the whole flash is erased, in the
 * new organisation. @since 0.2 */
SF_API sf_error sf_session_options_write(sf_session *s, const sf_options *o, unsigned flags);

/** Write protection of every erase unit of the open chip, from its option bytes (F0/F1/F3 WRP
 * bits, F2/F4/F7 nWRP, H7 WRPSN1 of bank 1, L0/L1 WRPROT bits, L4/G0/G4/WB WRP areas of bank 1):
 * flags[u] = 1 if unit u (sf_device_unit_at order) is protected, for the first count units;
 * protected_count (may be NULL) gets how many are. sf_session_write_protect() takes, on L0/L1,
 * WRPROT bit numbers (4 KiB sectors), on H7 sectors of bank 1, and on L4/G0/G4/WB page numbers
 * of bank 1 forming at most two runs (with those protected already): it sets them through the
 * option area, as sf_session_write_unprotect() clears them. @since 0.2 */
SF_API sf_error sf_session_protected_units(sf_session *s, uint8_t *flags, size_t count, size_t *protected_count);

/** Which bank the chip boots from (1 or 2), from its boot-bank option (BFB2 on L4/G4 and the
 * 2 MiB F42x/43x, SWAP_BANK_OPT on H7 and H7A3/B3, nSWAP_BANK on G0B/C; on the F76x/77x with
 * nDBANK = 0 and nDBOOT = 1, BOOT_ADD0 = 0x2000 or 0x2040); SF_ERR_UNSUPPORTED on parts whose
 * banks cannot swap or boot this way. @since 0.2 */
SF_API sf_error sf_session_boot_bank(sf_session *s, int *bank);
/** An A/B update: write img (linked for the flash base, as for a single-bank write) into the
 * bank that is not booting, verify it, then flip the boot-bank option so that the next reset
 * boots it; the firmware that ran before stays whole in the other bank. write_flags are
 * sf_session_write_image's. A failure before the flip leaves the boot bank as it was.
 * On the F76x/77x each bank runs at its own address: img must be linked for the base of the
 * bank that does not boot (0x08000000 or 0x08100000), an image with addresses must lie in that
 * bank (else SF_ERR_FIT, nothing written), and a raw binary goes to that bank's base.
 * @since 0.2 */
SF_API sf_error sf_session_write_bank_swap(sf_session *s, const sf_image *img, unsigned write_flags);
/** Flip the boot-bank option back (a rollback of an A/B update): the other bank boots after
 * the reset this causes. Refused (SF_ERR_STATE) if the other bank holds no firmware.
 * @since 0.2 */
SF_API sf_error sf_session_swap_banks(sf_session *s);

#ifdef __cplusplus
}
#endif
#endif
