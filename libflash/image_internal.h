/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* image_internal.h - the parsers behind sf_image_load. Each adds to img and reports errors as
 * "NAME:LINE: what" (text formats) or "NAME: offset 0x..: what" (ELF). */
#ifndef SF_IMAGE_INTERNAL_H
#define SF_IMAGE_INTERNAL_H

#include "sf_internal.h"

sf_error sf_parse_ihex(const uint8_t *data, size_t len, const char *name, sf_image *img, sf_errbuf *eb);
sf_error sf_parse_srec(const uint8_t *data, size_t len, const char *name, sf_image *img, sf_errbuf *eb);
sf_error sf_parse_elf(const uint8_t *data, size_t len, const char *name, sf_image *img, sf_errbuf *eb);
void sf_image_set_entry(sf_image *img, uint32_t entry);

/* Text-record helpers shared by the HEX and S-record parsers. */
/* The next non-blank line from *pos (trailing CR and blanks cut): sets *rec, *n and counts
 * *line. False at the end of the data. */
bool sf_next_line(const uint8_t *d, size_t len, size_t *pos, unsigned *line, const uint8_t **rec, size_t *n);
int sf_hex_nibble(uint8_t c);
/* Decode 2*n hex digits from p into out; false if one is not a hex digit. */
bool sf_hex_bytes(const uint8_t *p, size_t n, uint8_t *out);

#endif
