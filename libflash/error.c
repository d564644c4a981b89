/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* error.c - error classes and the sentence buffer. */
#define _POSIX_C_SOURCE 200809L
#include "sf_internal.h"

#include <stdio.h>
#include <time.h>

const char *sf_strerror(sf_error err)
{
    switch (err) {
    case SF_OK: return "success";
    case SF_ERR_ARG: return "invalid argument";
    case SF_ERR_NOMEM: return "out of memory";
    case SF_ERR_PORT: return "cannot open or configure the port";
    case SF_ERR_IO: return "port input/output failed";
    case SF_ERR_TIMEOUT: return "the device did not answer";
    case SF_ERR_NACK: return "the device refused the command";
    case SF_ERR_PROTOCOL: return "unexpected answer from the device";
    case SF_ERR_FILE: return "invalid file";
    case SF_ERR_FIT: return "address range outside the chip's memory";
    case SF_ERR_DEVICE: return "unknown or unsupported chip";
    case SF_ERR_PROTECTED: return "the chip is protected";
    case SF_ERR_VERIFY: return "verification failed";
    case SF_ERR_CANCELLED: return "cancelled";
    case SF_ERR_UNSUPPORTED: return "not supported by this bootloader or port";
    case SF_ERR_STATE: return "the session is not in a state for this call";
    case SF_ERR_BACKUP: return "the backup could not be kept";
    }
    return "unknown error";
}

sf_error sf_vfail(sf_errbuf *eb, sf_error code, const char *fmt, va_list ap)
{
    if (eb && eb->text && eb->size)
        vsnprintf(eb->text, eb->size, fmt, ap);
    return code;
}

sf_error sf_fail(sf_errbuf *eb, sf_error code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sf_vfail(eb, code, fmt, ap);
    va_end(ap);
    return code;
}

uint64_t sf_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
