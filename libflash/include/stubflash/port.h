/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stubflash/port.h - byte transports to a board: serial ports (libserialport) and the
 * in-process virtual board. */
#ifndef STUBFLASH_PORT_H
#define STUBFLASH_PORT_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sf_port sf_port;

/** Open a port by name:
 *  - a device path such as "/dev/ttyUSB0" (or any name libserialport knows);
 *  - "sim:DEVICE" for an in-process virtual board, e.g. "sim:stm32f103rg" (from libstubflash-sim.so.0,
 *    package stubflash-sim, loaded now: SF_ERR_PORT when it is not installed), with options after
 *    '?' separated by '&': "flash=FILE" keeps the board's flash in FILE between runs,
 *    "realtime=1" paces bytes and flash operations as hardware does (default: fast),
 *    "corrupt_rx=RATE", "corrupt_tx=RATE", "drop_rx=RATE", "seed=N" inject line faults (per
 *    byte, to the device / to the host);
 *  - "tcp://HOST:PORT": a raw TCP byte stream to a serial bridge (ser2net's plain TCP accepter,
 *    a radio modem gateway, a serial server in raw mode). The serial rate and format are set
 *    at the bridge: sf_port_set_format changes nothing, sf_port_set_lines is SF_ERR_UNSUPPORTED,
 *    and a session keeps the RAM stub at the bootloader's rate;
 *  - "rfc2217://HOST:PORT": Telnet with the Com Port Control Option (RFC 2217, ser2net's
 *    "telnet(rfc2217)" accepter): rate, parity and DTR/RTS are set through the bridge.
 *    HOST may be a name, an IPv4 address or an IPv6 address in brackets;
 *  - "usb:VID:PID", "usb:VID:PID:SERIAL" or "usb-serial:SERIAL": the one serial port whose USB
 *    adapter has these IDs (hex) and serial number (see sf_port_find). None, or several, is
 *    SF_ERR_PORT with a sentence that lists them (since 0.2).
 * The port starts at 115200 8E1. On failure *out is NULL and err (if not NULL) holds a
 * sentence the user can act on (permission, busy, not found). @since 0.1 */
SF_API sf_error sf_port_open(const char *name, sf_port **out, char *err, size_t errlen);
/** Close and free (a virtual board saves its flash file here). NULL is ignored. @since 0.1 */
SF_API void sf_port_close(sf_port *port);
/** The name the port was opened with. @since 0.1 */
SF_API const char *sf_port_name(const sf_port *port);
/** Line format: baud rate and even parity (8E1) or none (8N1). @since 0.1 */
SF_API sf_error sf_port_set_format(sf_port *port, uint32_t baud, bool parity_even);
/** Write all bytes. @since 0.1 */
SF_API sf_error sf_port_write(sf_port *port, const uint8_t *data, size_t len);
/** Read exactly len bytes, waiting up to timeout_ms in all; *got (may be NULL) tells how
 * many arrived. SF_ERR_TIMEOUT if fewer than len came. @since 0.1 */
SF_API sf_error sf_port_read(sf_port *port, uint8_t *data, size_t len, size_t *got, unsigned timeout_ms);
/** Drop received bytes not read yet. @since 0.1 */
SF_API sf_error sf_port_flush_input(sf_port *port);
/** Set the DTR and RTS lines: 1 asserted, 0 released, -1 unchanged. @since 0.1 */
SF_API sf_error sf_port_set_lines(sf_port *port, int dtr, int rts);
/** Hold the TX line low (BREAK) or let it go: some boards wire it to reset. @since 0.1 */
SF_API sf_error sf_port_set_break(sf_port *port, bool on);

/** One port found by sf_port_list, read through the sf_port_info_* getters. It is opaque, as
 * libserialport's struct sp_port is, rather than a struct the caller's compiler sizes: a later
 * version can tell more about a port (its location, its transport) by adding a getter, which
 * breaks no program built against this one. */
typedef struct sf_port_info sf_port_info;

/** List serial ports (libserialport) and append one "sim:" entry per virtual part (none when
 * libstubflash-sim.so.0 is not installed): *list is an
 * array of *count entries and a NULL, valid until sf_port_list_free. @since 0.1 */
SF_API sf_error sf_port_list(sf_port_info ***list, size_t *count);
/** Free a list from sf_port_list with its entries. NULL is ignored. @since 0.1 */
SF_API void sf_port_list_free(sf_port_info **list);
/** What to pass to sf_port_open, e.g. "/dev/ttyUSB0" or "sim:stm32f103rg". @since 0.2 */
SF_API const char *sf_port_info_name(const sf_port_info *info);
/** A description for people, e.g. "CP2102 USB to UART Bridge Controller"; "" if none.
 * @since 0.2 */
SF_API const char *sf_port_info_description(const sf_port_info *info);
/** The USB serial number; "" if none. @since 0.2 */
SF_API const char *sf_port_info_serial(const sf_port_info *info);
/** The USB manufacturer; "" if none. @since 0.2 */
SF_API const char *sf_port_info_manufacturer(const sf_port_info *info);
/** The USB vendor and product IDs into *vid and *pid (either may be NULL). false, with nothing
 * stored, if the port is not on USB or its adapter does not tell. @since 0.2 */
SF_API bool sf_port_info_usb_ids(const sf_port_info *info, uint16_t *vid, uint16_t *pid);

/** Whether name is a USB identity sf_port_find takes: it starts with "usb:" or "usb-serial:".
 * @since 0.2 */
SF_API bool sf_port_is_usb_spec(const char *name);
/** The serial ports a USB identity names, in sf_port_list's order:
 *  - "usb:VID:PID": every adapter with these vendor and product IDs (1 to 4 hex digits each,
 *    as `lsusb` and sf_port_info_usb_ids show them, e.g. "usb:0483:5740");
 *  - "usb:VID:PID:SERIAL": the one of them with this USB serial number (compared exactly);
 *  - "usb-serial:SERIAL": any adapter with this serial number.
 * *matches is an array of *count entries and a NULL (free with sf_port_list_free); no match is
 * SF_OK with *count 0 (the adapter may be plugged in later: poll, libserialport has no hotplug).
 * SF_ERR_ARG, with a sentence in err (if not NULL), when spec is not one of these forms.
 * @since 0.2 */
SF_API sf_error sf_port_find(const char *spec, sf_port_info ***matches, size_t *count, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
