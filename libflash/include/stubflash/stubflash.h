/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stubflash/stubflash.h - libstubflash: update STM32 firmware through the ROM bootloader.
 *
 *   sf_session *s;
 *   sf_image *img;
 *   char err[256];
 *   sf_image_load("app.hex", SF_FORMAT_AUTO, 0, &img, err, sizeof err);
 *   sf_session_new(&s);
 *   if (sf_session_open(s, "/dev/ttyUSB0") == SF_OK &&
 *       sf_session_write_image(s, img, SF_WRITE_VERIFY) == SF_OK)
 *       sf_session_go(s, 0x08000000);
 *   else
 *       fprintf(stderr, "%s\n", sf_session_last_error(s));
 *   sf_session_free(s);
 *   sf_image_free(img);
 */
#ifndef STUBFLASH_H
#define STUBFLASH_H

#include "backup.h"
#include "common.h"
#include "device.h"
#include "image.h"
#include "job.h"
#include "options.h"
#include "port.h"
#include "session.h"
#include "signature.h"
#include "ymodem.h"
#include <stubflash/version.h> /* generated: in the build tree, not next to this file */

#endif
