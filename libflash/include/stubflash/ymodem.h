/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stubflash/ymodem.h - sending an image to an application that receives firmware by YMODEM
 * (ST's IAP examples, AN4657/AN2557 and their kin), for boards that are updated that way today. */
#ifndef STUBFLASH_YMODEM_H
#define STUBFLASH_YMODEM_H

#include "common.h"
#include "image.h"
#include "port.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Progress of a transfer: bytes sent of total. */
typedef void (*sf_ymodem_progress_fn)(uint64_t done, uint64_t total, void *user);

/** What sf_ymodem_send needs besides the port and the data. The caller allocates it, so it is
 * versioned as libgit2's options are: start from SF_YMODEM_OPTS_INIT or sf_ymodem_opts_init(),
 * then set members; a later version only adds members at the end. */
typedef struct sf_ymodem_opts {
    unsigned version;          /**< SF_YMODEM_OPTS_VERSION when the caller was built */
    uint32_t baud;             /**< the application's rate, 8N1 (default 115200 if 0) */
    const char *start;         /**< sent first to start the receiver (the IAP menu's "1"); NULL: nothing */
    unsigned wait_ms;          /**< how long to wait for the receiver's first 'C' (default 30000) */
    sf_ymodem_progress_fn progress;
    void *progress_user;
    const volatile int *cancel; /**< may be NULL; when it becomes non-zero the transfer stops (CAN CAN) */
} sf_ymodem_opts;

/** The version of sf_ymodem_opts these headers declare. @since 0.2 */
#define SF_YMODEM_OPTS_VERSION 1
/** `sf_ymodem_opts o = SF_YMODEM_OPTS_INIT;`: every option at its default. @since 0.2 */
#define SF_YMODEM_OPTS_INIT {.version = SF_YMODEM_OPTS_VERSION}

/** Set opts to SF_YMODEM_OPTS_INIT of the given version (pass SF_YMODEM_OPTS_VERSION), for
 * bindings that cannot use the macro. SF_ERR_ARG for NULL or a version this library does not
 * know. @since 0.2 */
SF_API sf_error sf_ymodem_opts_init(sf_ymodem_opts *opts, unsigned version);

/** Send len bytes as file name by YMODEM (1 KiB blocks, CRC-16): block 0 with the name and
 * size, the data, EOT, and the empty block that ends the batch. Blocks are resent on NAK (10
 * times at most); a receiver that cancels (CAN CAN) ends it with SF_ERR_PROTOCOL and its words
 * in err. opts may be NULL (every default); SF_ERR_ARG if opts->version is one this library
 * does not know. err (if not NULL) holds a sentence on failure. @since 0.1 */
SF_API sf_error sf_ymodem_send(sf_port *port, const char *name, const uint8_t *data, size_t len,
                               const sf_ymodem_opts *opts, char *err, size_t errlen);

/** The image as one binary from its lowest address to its highest, gaps filled with 0xFF (an
 * IAP receiver writes what it gets from its application address on). *out is malloc'd.
 * @since 0.1 */
SF_API sf_error sf_image_flatten(const sf_image *img, uint8_t **out, size_t *len, uint32_t *base);

#ifdef __cplusplus
}
#endif
#endif
