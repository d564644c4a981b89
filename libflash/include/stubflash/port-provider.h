/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stubflash/port-provider.h - how a separate library offers ports to libstubflash.
 *
 * Some ports live outside libstubflash so that the library does not depend on what they need:
 * "sim:PART" ports are the virtual STM32 of libstubflash-sim.so.0 (Debian package
 * stubflash-sim), which links a CPU emulator. libstubflash loads such a library with dlopen()
 * when a port of its prefix is opened or listed, asks its entry function for the provider below,
 * and sends the port's calls to it. Programs never call a provider themselves: they open
 * "sim:stm32f103rb" with sf_port_open and list ports with sf_port_list as for any port.
 *
 * The virtual STM32's library exports one function:
 *
 *     const sf_port_provider *sf_sim_port_provider(void);
 *
 * and STUBFLASH_SIM_LIBRARY, when set, names the file libstubflash loads instead of
 * "libstubflash-sim.so.0" (found on the usual library path). */
#ifndef STUBFLASH_PORT_PROVIDER_H
#define STUBFLASH_PORT_PROVIDER_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The version of sf_port_provider this header describes. Fields are only ever added at the end,
 * each version with a higher number; libstubflash uses a provider whose version is at least the
 * one it needs and refuses an older one. */
#define SF_PORT_PROVIDER_VERSION 2

/** A set of ports offered by another library (version 1).
 * Every function gets the provider's own handle of one open port (what open gave back) and an
 * error buffer (err may be NULL; errlen is its size) for a sentence the user can act on when it
 * returns an error. libstubflash calls a port's functions from one thread at a time, and the
 * functions of different ports from any thread: they must not share unlocked state. */
typedef struct sf_port_provider {
    /** SF_PORT_PROVIDER_VERSION when the provider was built: first, so it can always be read. */
    unsigned int version;
    /** Open the port named name (the whole name, prefix included: "sim:stm32f103rb?realtime=1").
     * On success *port is the provider's handle; on failure nothing is left open. */
    sf_error (*open)(const char *name, void **port, char *err, size_t errlen);
    /** Line format: baud rate and even parity (8E1) or none (8N1). */
    sf_error (*set_format)(void *port, uint32_t baud, bool parity_even, char *err, size_t errlen);
    /** Write all len bytes. */
    sf_error (*write)(void *port, const uint8_t *data, size_t len, char *err, size_t errlen);
    /** Read up to len bytes, waiting at most timeout_ms for the first; *got is how many came
     * (0 when none came in time: that is not an error). */
    sf_error (*read)(void *port, uint8_t *data, size_t len, size_t *got, unsigned timeout_ms, char *err,
                     size_t errlen);
    /** Drop received bytes not read yet. */
    sf_error (*flush_input)(void *port, char *err, size_t errlen);
    /** DTR, RTS and BREAK (TX held low): 1 asserted, 0 released, -1 unchanged. */
    sf_error (*set_lines)(void *port, int dtr, int rts, int brk, char *err, size_t errlen);
    /** Close the port and free its handle. */
    void (*close)(void *port);
    /** The index-th port it offers, for sf_port_list: its name (what open takes) and a
     * description, copied into the buffers (truncated to their sizes). false past the last. */
    bool (*port_at)(size_t index, char *name, size_t name_size, char *description, size_t description_size);
    /** Version 2. The USB identity of the adapter behind an open port, as a USB serial port's
     * would be: vendor and product IDs, and the serial number copied into serial (truncated to
     * serial_size; "" when it has none). false for a port that is not behind a USB adapter.
     * libstubflash remembers per adapter the fastest rate that worked (sf_session_set_rate_memory).
     * NULL: no port is. */
    bool (*usb_identity)(void *port, uint16_t *vid, uint16_t *pid, char *serial, size_t serial_size);
} sf_port_provider;

#ifdef __cplusplus
}
#endif
#endif
