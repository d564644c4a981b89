/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* option_layouts.h - the option bytes of each family as data: where the ROM bootloader shows
 * them (Read Memory / Write Memory on the option area), how their complements are kept, and
 * every field by its reference-manual name (option_layouts.c). Internal. */
#ifndef SF_OPTION_LAYOUTS_H
#define SF_OPTION_LAYOUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How a family keeps the complements of its option bytes in the option area. */
enum sfi_opt_complement {
    SFI_OPT_COMPL_NONE,      /* F2/F4: none (the ROM loads FLASH_OPTCR from the bytes) */
    SFI_OPT_COMPL_BYTE,      /* F0/F1/F3: each byte at an even offset, its complement after it */
    SFI_OPT_COMPL_HALFWORD,  /* F7, L0/L1: each word = value in bits 15:0, complement in 31:16 */
    SFI_OPT_COMPL_WORD,      /* L4/G0/G4/WB: each 64-bit block = a word, then its complement */
};

/* Fields of a second option area (bank 2's words on the L4/G4: base2) sit from this offset in
 * an image, which holds both areas. */
#define SFI_OPT_AREA2 256u
#define SFI_OPT_IMAGE_MAX (2 * 256 + 4)

/* What changing a field may do beyond the field itself. */
enum {
    SFI_OPT_RDP = 1u << 0,         /* readout protection: 0xCC locks the chip for good */
    SFI_OPT_NO_ROM = 1u << 1,      /* a value can take the chip's way into its ROM bootloader away */
    SFI_OPT_WRP = 1u << 2,         /* write protection (protect/unprotect --write) */
    SFI_OPT_BOOT_BANK = 1u << 3,   /* which bank boots (BFB2, SWAP_BANK, the F7's BOOT_ADD0): --bank-swap */
    SFI_OPT_READ_ONLY = 1u << 4,   /* shown, not changed by `options set` (bank layout, security) */
    SFI_OPT_BANK_MODE = 1u << 5,   /* one bank or two: changes how the flash is organised, so a
                                    * change needs SF_OPTIONS_ALLOW_BANK_MODE and erases it all */
};

typedef struct sfi_opt_field {
    const char *name;      /* the reference manual's name */
    const char *reg;       /* the register it loads into, as the manual and CMSIS name it */
    uint8_t reg_bit;       /* its lowest bit there (the table test checks it against CMSIS) */
    uint16_t offset;       /* byte offset in the option area of the 32-bit word holding it */
    uint8_t shift, width;  /* bits within that word */
    uint8_t flags;         /* SFI_OPT_* */
    /* SFI_OPT_NO_ROM fields: the value that keeps the ROM bootloader reachable (a change to any
     * other needs the extra confirmation); (uint32_t)-1: every change needs it. */
    uint32_t rom_value;
    const char *meaning;   /* one line: what the field does, its values */
} sfi_opt_field;

typedef struct sfi_opt_layout {
    const char *family;    /* sf_device.family */
    const char *source;    /* the document the table comes from */
    uint16_t size;         /* bytes of the option area read and written (<= 256) */
    uint8_t complement;    /* enum sfi_opt_complement */
    uint8_t rdp_level0;    /* the RDP value that means no protection */
    const sfi_opt_field *fields;
    size_t count;
    uint32_t base;         /* where the option area is, if not sf_device.option_base (H7) */
    uint32_t base2;        /* bank 2's option words (0: none), read on parts with two banks */
    uint16_t size2;
    /* NULL, or why this version only shows the option bytes (every change refused with it). */
    const char *no_write;
} sfi_opt_layout;

/* Where a layout's option area is on a part of this line (0: nowhere the ROM shows). */
static inline uint32_t sfi_opt_base(const sfi_opt_layout *l, uint32_t device_option_base)
{
    return l && l->base ? l->base : device_option_base;
}
/* The layout of a family (sf_device.family), or NULL. */
const sfi_opt_layout *sfi_opt_layout_of(const char *family);
/* Layouts in table order, NULL past the end (for the table test). */
const sfi_opt_layout *sfi_opt_layout_at(size_t i);
/* A field's value in an option image, and the image with the field changed. */
uint32_t sfi_opt_get(const sfi_opt_field *f, const uint8_t *image);
void sfi_opt_put(const sfi_opt_field *f, uint8_t *image, uint32_t value);
/* Recompute the complements an image of this layout keeps (both areas). */
void sfi_opt_complement(const sfi_opt_layout *l, uint8_t *image);
/* Whether the complements of an image match (what the chip's option loader checks). */
bool sfi_opt_complements_ok(const sfi_opt_layout *l, const uint8_t *image);

#endif
