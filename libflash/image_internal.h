/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* image_internal.h - the parsers behind sf_image_load (each adds to img and reports errors as
 * "NAME:LINE: what" for text formats, "NAME: offset 0x..: what" for ELF), and the image as the
 * library edits it. */
#ifndef SF_IMAGE_INTERNAL_H
#define SF_IMAGE_INTERNAL_H

#include "sf_internal.h"

sf_error sf_parse_ihex(const uint8_t *data, size_t len, const char *name, sf_image *img, sf_errbuf *eb);
sf_error sf_parse_srec(const uint8_t *data, size_t len, const char *name, sf_image *img, sf_errbuf *eb);
sf_error sf_parse_elf(const uint8_t *data, size_t len, const char *name, sf_image *img, sf_errbuf *eb);
void sf_image_set_entry(sf_image *img, uint32_t entry);

/* Store data at addr, replacing what the image held there (sf_image_add refuses a different
 * byte at the same address). */
sf_error sf_image_put(sf_image *img, uint32_t addr, const uint8_t *data, size_t len);
/* Whether img holds exactly these len bytes at addr. */
bool sf_image_holds(const sf_image *img, uint32_t addr, const uint8_t *data, size_t len);
/* Copy [addr, addr + len) into out if the image holds every byte of it; false if not. */
bool sf_image_read_range(const sf_image *img, uint32_t addr, uint8_t *out, size_t len);

/* Text-record helpers shared by the HEX and S-record parsers. */
/* The next non-blank line from *pos (trailing CR and blanks cut): sets *rec, *n and counts
 * *line. False at the end of the data. */
bool sf_next_line(const uint8_t *d, size_t len, size_t *pos, unsigned *line, const uint8_t **rec, size_t *n);
int sf_hex_nibble(uint8_t c);
/* Decode 2*n hex digits from p into out; false if one is not a hex digit. */
bool sf_hex_bytes(const uint8_t *p, size_t n, uint8_t *out);

#endif
