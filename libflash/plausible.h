/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* plausible.h - whether an image looks like firmware the chip can run (plausible.c). Internal. */
#ifndef SF_PLAUSIBLE_H
#define SF_PLAUSIBLE_H

#include "sf_internal.h"

/* SF_ERR_FILE, with a sentence saying what was found, if the image is not firmware for this
 * chip: its vector table at the boot address, or at its own start elsewhere (data: no check). */
sf_error sf_plausible(const sf_device *d, uint32_t flash_size, const sf_image *img, bool data, sf_errbuf *eb);

#endif
