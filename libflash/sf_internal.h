/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sf_internal.h - what the library's files share and users do not see. */
#ifndef SF_INTERNAL_H
#define SF_INTERNAL_H

#include "stubflash/stubflash.h"

#include <stdarg.h>

/* The L0/L1 have no mass erase (AN3155: their bootloaders' Extended Erase has no global erase;
 * their controllers erase by page): the ROM path and the stub erase them page by page. */
bool sf_device_no_mass_erase(const sf_device *d);
/* A row of the table (sf_device_find) whose DBANK option picks one bank (SF_BANKS_DBANK: G4
 * cat.3, L4+, L5) as the line is with DBANK = 0: its alternative layout in one bank; NULL for
 * the other rows. */
const sf_device *sf_device_one_bank(const sf_device *d);
/* The row of d's line for the bank mode its option bytes ob (len bytes read from option_base)
 * set on a part with flash_size bytes (as F_SIZE reads): the F76x/77x's two banks with nDBANK =
 * 0, a 1 MiB F42x/43x's or F469/479's two with DB1M = 1, a 256 KiB G0B/C's one with DUAL_BANK =
 * 0; the line's listed row otherwise (DBANK: sf_device_one_bank); d where the line has one mode. */
const sf_device *sfi_device_banks(const sf_device *d, const uint8_t *ob, size_t len, uint32_t flash_size);

/* Where a specific error sentence goes (a session's buffer or a caller's err argument). */
typedef struct sf_errbuf {
    char *text;
    size_t size;
} sf_errbuf;

/* Store the sentence (printf-style) if there is a buffer, and return code. */
sf_error sf_fail(sf_errbuf *eb, sf_error code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
sf_error sf_vfail(sf_errbuf *eb, sf_error code, const char *fmt, va_list ap);

/* A transport: what sf_port's functions dispatch to. */
typedef struct sf_port_ops {
    sf_error (*set_format)(void *impl, uint32_t baud, bool parity_even, sf_errbuf *eb);
    sf_error (*write)(void *impl, const uint8_t *data, size_t len, sf_errbuf *eb);
    /* Read up to len bytes, waiting at most timeout_ms for the first; *got = count (0 = timeout). */
    sf_error (*read)(void *impl, uint8_t *data, size_t len, size_t *got, unsigned timeout_ms, sf_errbuf *eb);
    sf_error (*flush_input)(void *impl, sf_errbuf *eb);
    /* DTR, RTS and BREAK (TX held low): 1 asserted, 0 released, -1 unchanged. */
    sf_error (*set_lines)(void *impl, int dtr, int rts, int brk, sf_errbuf *eb);
    void (*close)(void *impl);
    bool fixed_rate; /* the rate is set at the other end (a raw TCP bridge): set_format does nothing */
    /* The USB adapter's IDs and serial number ("" if none); false or NULL: not behind one. */
    bool (*usb_identity)(void *impl, uint16_t *vid, uint16_t *pid, char *serial, size_t serial_size);
} sf_port_ops;

sf_error sf_serial_open(const char *name, const sf_port_ops **ops, void **impl, sf_errbuf *eb);
/* Terminals libserialport refuses (pseudo-terminals): plain termios. */
sf_error sf_tty_open(const char *name, const sf_port_ops **ops, void **impl, sf_errbuf *eb);
/* "tcp://HOST:PORT" (raw) and "rfc2217://HOST:PORT" (Telnet Com Port Control). */
sf_error sf_tcp_open(const char *name, const sf_port_ops **ops, void **impl, sf_errbuf *eb);
/* Whether the port's rate is fixed at the other end: a stub must stay at the rate it starts at. */
bool sf_port_fixed_rate(const sf_port *p);
/* "usb:VID:PID:SERIAL" (4 hex digits each, lower case; ":SERIAL" left out when it has none) of
 * the adapter behind the port, into key; false if the port is not behind a USB adapter. */
bool sf_port_usb_key(const sf_port *p, char *key, size_t len);
sf_error sf_port_set_lines_eb(sf_port *p, int dtr, int rts, int brk, sf_errbuf *eb);
/* Ports another library offers (port_provider.c): whether name is one of theirs ("sim:..."),
 * open it (loading the library), and list them all (none from a library not installed). */
bool sf_provider_claims(const char *name);
sf_error sf_provider_open(const char *name, const sf_port_ops **ops, void **impl, sf_errbuf *eb);
typedef struct sf_provided_port {
    char name[128], description[256];
} sf_provided_port;
sf_error sf_provider_list(sf_provided_port **list, size_t *count);

/* The one port a USB identity ("usb:VID:PID[:SERIAL]", "usb-serial:SERIAL") names, into *name
 * (malloc'd); none or several is SF_ERR_PORT with a sentence that lists them. */
sf_error sf_port_resolve_eb(const char *spec, char **name, sf_errbuf *eb);
/* "NAME (VID:PID, serial S)" for a message. */
void sfi_port_describe(const sf_port_info *info, char *buf, size_t len);

/* Same as the public functions, with the error going to eb. */
sf_error sf_port_open_eb(const char *name, sf_port **out, sf_errbuf *eb);
sf_error sf_port_read_eb(sf_port *p, uint8_t *data, size_t len, size_t *got, unsigned timeout_ms, sf_errbuf *eb);
/* Whatever has arrived, up to len, waiting at most timeout_ms for the first byte. */
sf_error sf_port_read_some_eb(sf_port *p, uint8_t *data, size_t len, size_t *got, unsigned timeout_ms, sf_errbuf *eb);
sf_error sf_port_write_eb(sf_port *p, const uint8_t *data, size_t len, sf_errbuf *eb);
sf_error sf_port_set_format_eb(sf_port *p, uint32_t baud, bool parity_even, sf_errbuf *eb);

/* mkdir -p path (mode 0700 for what it creates); path is restored before it returns. */
bool sf_make_dirs(char *path);

/* Monotonic milliseconds. */
uint64_t sf_now_ms(void);

/* The number Extended Erase takes for the erase unit at start, index in address order
 * (device_table.c says how lines number them). */
uint32_t sf_device_rom_page(const sf_device *d, uint32_t start, uint32_t index);

#endif
