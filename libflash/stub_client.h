/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stub_client.h - the host side of the RAM stub's framed protocol (stub/protocol.h). Internal.
 * Timeouts follow the baud rate and the work asked for (flash programming at the datasheet's
 * worst case); stop-and-wait requests are resent up to SC_ATTEMPTS times. */
#ifndef SF_STUB_CLIENT_H
#define SF_STUB_CLIENT_H

#include "sf_internal.h"

#include <stdatomic.h>

#include "families.h"
#include "protocol.h"

#define SC_ATTEMPTS 4

typedef struct sc_link {
    sf_port *port;
    sf_errbuf *eb;
    const atomic_bool *cancel;
    uint32_t baud;                 /* the rate the port and the stub use now */
    uint8_t seq;
    unsigned attempts;             /* per request; 0 = SC_ATTEMPTS */
    struct sfs_params params;      /* as loaded, or as the stub reports (SFS_INFO) */
    uint32_t image_crc;            /* the stub's image as it found it in RAM (its HELLO) */
    uint8_t rx[4096];              /* bytes read from the port, not yet parsed */
    size_t rx_head, rx_len;
    /* Progress of a long operation: bytes done of total. */
    void (*progress)(void *user, uint64_t done, uint64_t total);
    void *progress_user;
} sc_link;

/* Where the stub and its buffers go, and its image with the parameters patched in. */
typedef struct sc_layout {
    uint32_t load, ram_top;        /* image at load; stack top */
    uint8_t *image;                /* malloc'd, 4-byte padded */
    size_t image_len;
    uint32_t image_crc;            /* CRC32 of what is loaded, as the stub's HELLO reports it */
    unsigned usart;                /* the USART it talks on */
    const unsigned char *boot1;    /* the family's first stage (stub/boot1.c), to load at */
    size_t boot1_len;              /* load + SFB_OFFSET; 0 where the build has none */
} sc_layout;

/* Lay the stub out in the RAM the device table leaves free ([ram_base, ram_end)): receive ring
 * and inflater window between its end and the stack. SF_ERR_UNSUPPORTED if it does not fit or
 * the family has no stub driver yet. */
sf_error sc_layout_make(const sf_device *d, uint32_t flash_size, uint32_t baud, uint16_t pid, uint8_t bl_version,
                        unsigned usart, sc_layout *out, sf_errbuf *eb);
/* The USART the stub talks on, from the family's table (families/usarts.txt): usart (1-3), or
 * 0 for the first the chip's bootloader lists. SF_ERR_ARG, naming the ones it has, for a USART
 * the chip's bootloader does not listen on; SF_ERR_UNSUPPORTED where the table has no line. */
sf_error sc_stub_usart(const sf_device *d, unsigned usart, const sfi_usart **out, sf_errbuf *eb);
void sc_layout_free(sc_layout *l);
/* Whether a USART clocked at clock Hz makes baud within 2% (BRR 16..0xFFFF). */
bool sc_rate_possible(uint32_t clock, uint32_t baud);
/* Whether the stub has a driver for this device. */
bool sc_supports(const sf_device *d);
/* The stub for the device: of its family's stubs (families/families.txt; the F0 has one for the
 * F030x8's little RAM after the others), the first that fits the RAM the bootloader leaves
 * free, else the last, the smallest (its layout then says why it cannot run); NULL if the family has none or
 * the row says why its stub does not serve the line (sf_device.no_stub). */
const sfi_family *sc_stub_family(const sf_device *d);

/* After Go: wait for the greeting. */
sf_error sc_wait_hello(sc_link *l, unsigned timeout_ms);
/* The rest of a greeting whose first byte (SOF) an_sync already took. */
sf_error sc_finish_hello(sc_link *l);
/* Read and drop what arrives until the line has been quiet for quiet_ms (at most max_ms): a stub
 * working through frames a dead host left in its ring. */
void sc_drain(sc_link *l, unsigned quiet_ms, unsigned max_ms);
/* Is a stub listening at the port's current rate? Clears a half-received frame first. */
bool sc_probe(sc_link *l);
/* Ask the stub for its parameter block (into l->params). */
sf_error sc_info(sc_link *l);
/* Whether the stub's USART clock makes baud within 2%. */
bool sc_baud_possible(const sc_link *l, uint32_t baud);
/* Switch the stub and the port to baud; back to the old rate if the stub cannot be heard. */
sf_error sc_set_baud(sc_link *l, uint32_t baud);
sf_error sc_crc32(sc_link *l, uint32_t addr, uint32_t len, uint32_t *crc);
/* CRC32 of count units of unit bytes from addr. */
sf_error sc_unit_crcs(sc_link *l, uint32_t addr, uint32_t unit, uint32_t count, uint32_t *crcs);
sf_error sc_read(sc_link *l, uint32_t addr, uint8_t *buf, size_t len);
sf_error sc_erase(sc_link *l, uint32_t addr, uint32_t len);
/* Program [addr, addr + len) from data as one compressed stream, the pages erased as reached
 * when erase is set, and check the CRC32 the stub computes over the range afterwards. */
sf_error sc_write(sc_link *l, uint32_t addr, const uint8_t *data, uint32_t len, bool erase);
sf_error sc_go(sc_link *l, uint32_t addr);
sf_error sc_reset(sc_link *l);

/* Framing, shared with stub_stream.c. A request waits for its reply (resending on silence or
 * a damaged frame); SF_ERR_NACK if the reply's status is not OK (the reply is still returned). */
sf_error sc_request(sc_link *l, uint8_t cmd, const uint8_t *payload, size_t len, uint8_t *reply, size_t *rlen,
                    unsigned work_ms);
/* One frame by the deadline (sf_now_ms): SF_OK, SF_ERR_TIMEOUT, or SF_ERR_PROTOCOL (bad CRC). */
sf_error sc_recv_frame(sc_link *l, uint8_t *seq, uint8_t *cmd, uint8_t *payload, size_t *len, uint64_t deadline);
void sc_sleep_ms(unsigned ms);

/* Send one host -> stub frame (SOF, header, payload, CRC32, with 0x7F and SFS_ESC stuffed:
 * protocol.h), without waiting for anything. */
sf_error sc_send_frame(sc_link *l, uint8_t seq, uint8_t cmd, const uint8_t *payload, size_t len);

/* Little-endian fields of the protocol. */
static inline void sc_put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t sc_get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Worst-case milliseconds for the stub to erase and program bytes (DS5319: 70 us a half-word,
 * 40 ms a page erase), for timeouts that scale with the work. */
unsigned sc_work_ms(const sc_link *l, uint64_t bytes);
/* Store the sentence for a flash controller error at addr (F1 SR bits: PGERR, WRPRTERR), with
 * after appended ("" for nothing); returns SF_ERR_VERIFY. */
sf_error sc_flash_error(sc_link *l, uint32_t addr, uint32_t sr, const char *after);

/* Milliseconds the line needs for n bytes at the link's rate (8E1: 11 bits a byte). */
unsigned sc_line_ms(const sc_link *l, size_t n);

#endif
