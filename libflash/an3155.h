/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* an3155.h - the host side of ST's USART bootloader protocol (AN3155). Internal. */
#ifndef SF_AN3155_H
#define SF_AN3155_H

#include "sf_internal.h"

#include <stdatomic.h>

#define AN_ACK 0x79
#define AN_NACK 0x1F
#define AN_STUB_SOF 0xA5 /* stub/protocol.h SFS_SOF */

enum {
    AN_GET = 0x00, AN_GET_VERSION = 0x01, AN_GET_ID = 0x02, AN_READ = 0x11, AN_GO = 0x21,
    AN_WRITE = 0x31, AN_ERASE = 0x43, AN_EXT_ERASE = 0x44, AN_WRITE_PROTECT = 0x63,
    AN_WRITE_UNPROTECT = 0x73, AN_READOUT_PROTECT = 0x82, AN_READOUT_UNPROTECT = 0x92,
};

typedef struct an_link {
    sf_port *port;
    sf_errbuf *eb;
    const atomic_bool *cancel;
    unsigned retries;          /* attempts per block on NACK/timeout */
    uint8_t version;
    uint8_t cmds[32];
    uint8_t ncmds;
    bool listed;               /* cmds holds Get's list (an_get); else the erase commands ask first */
    bool stub_greeting;        /* an_sync was answered by the stub's greeting, not the ROM */
    bool fresh_sync;           /* an_sync was answered by ACK: the ROM was not synchronised before */
    unsigned recoveries;       /* resyncs after a failed command or identification round: the
                                * line has shown noise */
    bool careful;              /* a round failed after a sync: the next syncs wait for late
                                * answers before they send 0x7F again (an_sync) */
    unsigned slowest_ms;       /* the slowest answer to a sync byte or a command so far */
} an_link;

/* Synchronise: 0x7F answered by ACK, or NACK when the ROM was already synchronised. Tries for
 * up to total_ms (the ROM may still be starting after a reset). If our stub runs instead, it
 * answers with its greeting: SF_OK with stub_greeting set and the frame's SOF taken. */
sf_error an_sync(an_link *l, unsigned total_ms);
/* Get: the version and the command list (listed set). */
sf_error an_get(an_link *l);
/* Whether Get listed cmd (false for all until it was read). */
bool an_has(const an_link *l, uint8_t cmd);
sf_error an_get_id(an_link *l, uint16_t *pid);
/* Get Version: protocol version and the two option bytes it reports (0 on most parts). */
sf_error an_get_version(an_link *l, uint8_t *version, uint8_t option[2]);
/* Up to 256 bytes; resyncs and retries on NACK/timeout. SF_ERR_PROTECTED if the ROM refuses
 * Read right after the command byte (readout protection). */
sf_error an_read(an_link *l, uint32_t addr, uint8_t *buf, size_t len);
/* Up to 256 bytes, a multiple of 4 at a 4-aligned address; retried like an_read. */
sf_error an_write(an_link *l, uint32_t addr, const uint8_t *buf, size_t len);
/* Erase erase units by index (Erase 0x43 or Extended Erase 0x44, whichever the ROM has). */
sf_error an_erase_units(an_link *l, const uint32_t *units, size_t n, unsigned timeout_ms);
sf_error an_mass_erase(an_link *l, unsigned timeout_ms);
sf_error an_go(an_link *l, uint32_t addr);
/* WP with group codes, WUP, RDP, RDU: two ACKs, then the chip resets. */
sf_error an_write_protect(an_link *l, const uint8_t *groups, size_t n);
sf_error an_reset_command(an_link *l, uint8_t cmd, unsigned second_ack_ms);

#endif
