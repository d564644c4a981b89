/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stubflash/common.h - error codes and the export macro shared by all stubflash headers. */
#ifndef STUBFLASH_COMMON_H
#define STUBFLASH_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(SF_BUILDING_LIBRARY) && defined(__GNUC__)
#define SF_API __attribute__((visibility("default")))
#else
#define SF_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Result of every fallible call: 0 is success, negative values are error classes.
 * The specific sentence ("line 12: checksum 0x3C, expected 0x41") comes from
 * sf_session_last_error() or the err buffer of the call. */
typedef enum sf_error {
    SF_OK = 0,
    SF_ERR_ARG = -1,         /**< a bad argument from the caller */
    SF_ERR_NOMEM = -2,       /**< out of memory */
    SF_ERR_PORT = -3,        /**< the port cannot be opened or configured */
    SF_ERR_IO = -4,          /**< reading or writing the port failed */
    SF_ERR_TIMEOUT = -5,     /**< the device did not answer in time */
    SF_ERR_NACK = -6,        /**< the device refused a command */
    SF_ERR_PROTOCOL = -7,    /**< the device answered something unexpected */
    SF_ERR_FILE = -8,        /**< a file cannot be read, or its contents are invalid */
    SF_ERR_FIT = -9,         /**< an address range is outside the chip's memory */
    SF_ERR_DEVICE = -10,     /**< unknown or unsupported chip */
    SF_ERR_PROTECTED = -11,  /**< readout or write protection prevents the operation */
    SF_ERR_VERIFY = -12,     /**< the device holds other bytes than were written */
    SF_ERR_CANCELLED = -13,  /**< sf_session_cancel() was called */
    SF_ERR_UNSUPPORTED = -14,/**< the bootloader or port cannot do this */
    SF_ERR_STATE = -15,      /**< the call does not fit the session's state (e.g. not open) */
    SF_ERR_BACKUP = -16,     /**< what a write would replace could not be kept: nothing was written */
} sf_error;

/** A short, constant description of an error class ("device did not answer"). @since 0.1 */
SF_API const char *sf_strerror(sf_error err);

/** The version of the library that runs, e.g. "0.1.0" (SF_PACKAGE_VERSION_STRING is the
 * headers'). @since 0.1 */
SF_API const char *sf_version(void);
/** The major part of sf_version(). @since 0.2 */
SF_API unsigned sf_version_major(void);
/** The minor part of sf_version(). @since 0.2 */
SF_API unsigned sf_version_minor(void);
/** The micro part of sf_version(). @since 0.2 */
SF_API unsigned sf_version_micro(void);
/** The interface version of the library that runs, "current:revision:age" as libtool counts
 * (SF_LIB_VERSION_STRING is the headers'). @since 0.2 */
SF_API const char *sf_lib_version_string(void);

#ifdef __cplusplus
}
#endif
#endif
