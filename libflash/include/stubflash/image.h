/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stubflash/image.h - firmware images: raw binary, Intel HEX, Motorola S-record, ELF32 (by
 * physical address), each optionally gzip-compressed. An image is a sorted list of
 * non-overlapping segments. */
#ifndef STUBFLASH_IMAGE_H
#define STUBFLASH_IMAGE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sf_image sf_image;

typedef enum sf_image_format {
    SF_FORMAT_AUTO = 0, /**< from the contents: ELF magic, ':' (HEX), 'S' (S-record), else binary */
    SF_FORMAT_BIN,
    SF_FORMAT_IHEX,
    SF_FORMAT_SREC,
    SF_FORMAT_ELF,
} sf_image_format;

/** Load a file (gzip-compressed or not). bin_base is where a raw binary goes (ignored for the
 * other formats). On failure *out is NULL and err holds the file name, the line or offset and
 * what was wrong. @since 0.1 */
SF_API sf_error sf_image_load(const char *path, sf_image_format format, uint32_t bin_base,
                              sf_image **out, char *err, size_t errlen);
/** The same from memory; name is used in error messages. @since 0.1 */
SF_API sf_error sf_image_load_memory(const uint8_t *data, size_t len, const char *name,
                                     sf_image_format format, uint32_t bin_base, sf_image **out,
                                     char *err, size_t errlen);
/** An empty image to fill with sf_image_add. @since 0.1 */
SF_API sf_error sf_image_new(sf_image **out);
/** Add bytes at addr; SF_ERR_FILE if they overlap bytes already there with other values.
 * @since 0.1 */
SF_API sf_error sf_image_add(sf_image *img, uint32_t addr, const uint8_t *data, size_t len);
/** Free an image. NULL is ignored. @since 0.1 */
SF_API void sf_image_free(sf_image *img);
/** Save as Intel HEX (16 data bytes a record, extended linear addresses), written to a
 * temporary file and renamed, so path holds the old file or the whole new one. @since 0.1 */
SF_API sf_error sf_image_save_ihex(const sf_image *img, const char *path, char *err, size_t errlen);

/** The format the image was loaded from. @since 0.1 */
SF_API sf_image_format sf_image_get_format(const sf_image *img);
/** The format's name for people: "binary", "Intel HEX", "Motorola S-record", "ELF" ("auto"
 * for SF_FORMAT_AUTO). @since 0.1 */
SF_API const char *sf_image_format_name(sf_image_format format);
/** Number of segments (maximal runs of contiguous bytes), in address order. @since 0.1 */
SF_API size_t sf_image_segment_count(const sf_image *img);
/** Segment i: start address, bytes and length. @since 0.1 */
SF_API sf_error sf_image_segment(const sf_image *img, size_t i, uint32_t *addr,
                                 const uint8_t **data, size_t *len);
/** Lowest address and one past the highest; both 0 for an empty image. @since 0.1 */
SF_API void sf_image_bounds(const sf_image *img, uint32_t *start, uint32_t *end);
/** Sum of segment lengths. @since 0.1 */
SF_API size_t sf_image_size(const sf_image *img);
/** Entry point if the file gave one (ELF e_entry, HEX type 05, S-record S7/S8/S9). @since 0.1 */
SF_API bool sf_image_entry(const sf_image *img, uint32_t *entry);

#ifdef __cplusplus
}
#endif
#endif
