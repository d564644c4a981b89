/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* protocol.h - the framed protocol between the host and the RAM stub. Shared by stub/ (built
 * freestanding for the target) and libflash/ (the host); plain C, no libc needed.
 *
 * Frame, both directions:
 *   SOF (0xA5) | length (2 bytes LE: payload bytes) | sequence | command | payload | CRC32 (4, LE)
 * The CRC32 (IEEE 802.3, reflected, as zlib's crc32()) covers length, sequence, command and
 * payload. Host -> stub, every byte after SOF that is 0x7F or SFS_ESC goes on the line as SFS_ESC
 * and the byte XOR SFS_ESC_XOR (HDLC's byte stuffing), so the host's frames never carry 0x7F: a
 * chip that resets while frames are in flight starts its ROM bootloader, which would take a 0x7F
 * as its sync byte and the bytes after it as commands (0x82 0x7D is Readout Protect, which needs
 * nothing more). It also makes a 0x7F from the host always a sync. Stub -> host frames are not
 * stuffed (the ROM never listens to that direction). A reply carries the request's sequence number and command | SFS_REPLY, and its
 * payload starts with a status byte (SFS_OK or an SFS_E* code). Multi-byte fields are LE.
 *
 * Finding the stub: it greets with an unsolicited SFS_HELLO frame (sequence 0) when it starts,
 * and again whenever it receives 0x7F (the bootloader's sync byte) between frames while idle,
 * so a host that connects and syncs as for the ROM learns that the stub runs instead.
 *
 * Requests are stop-and-wait (one outstanding; the host resends on a timeout: every request
 * can safely be done twice), except the compressed stream, the only way to program:
 *   ZBEGIN seq=s (address, length, flags) -> reply OK; then ZDATA frames with s+1, s+2, ...
 *   carrying raw deflate bytes. The stub acknowledges a ZDATA frame (reply OK, its sequence)
 *   as it takes it out of its receive ring, before programming what it holds, so the host keeps
 *   up to "ring" bytes of frames in flight and the line never idles while flash is programmed.
 *   A frame with a bad CRC or an unexpected sequence gets one NAK (reply SFS_ESEQ, sequence =
 *   the one expected); the host goes back and resends from there. Repeats of frames already
 *   taken are acknowledged again (cumulative ack) and ignored. When the stream ends (its last
 *   byte programmed, or an error) the stub sends SFS_ZEND: status, the address reached, the
 *   flash status register, and the CRC32 of [address, address + length) as the flash now holds
 *   it. Any other valid request aborts a stream (ZEND status SFS_EABORT) and is then served.
 *   A ZDATA frame after the end is answered with that ZEND again (it may have been lost).
 */
#ifndef STUBFLASH_STUB_PROTOCOL_H
#define STUBFLASH_STUB_PROTOCOL_H

#define SFS_SOF 0xA5
#define SFS_SYNC 0x7F         /* the ROM's sync byte: the idle stub answers it with HELLO */
#define SFS_ESC 0x7D          /* host -> stub: the next byte is XORed with SFS_ESC_XOR */
#define SFS_ESC_XOR 0x20
#define SFS_HEADER 5          /* SOF, length (2), sequence, command */
#define SFS_TRAILER 4         /* CRC32 */
#define SFS_MAX_PAYLOAD 1024  /* the largest frame payload; the host may choose less for a small
                              * RAM (sfs_params.max_payload), and never sends more than it chose */
#define SFS_REPLY 0x80
#define SFS_VERSION 4

/* Commands. */
#define SFS_HELLO 0x40      /* stub -> host: "SFST", version, max payload (2) as loaded, CRC32 (4)
                             * of the image (code and data) as it was in RAM when the stub started */
#define SFS_PING 0x01       /* echo the payload */
#define SFS_ERASE 0x03      /* address, length: erase the pages covering it; length SFS_ERASE_ALL:
                             * the whole flash (mass erase, every bank) */
#define SFS_ERASE_ALL 0xFFFFFFFFu
#define SFS_BAUD 0x06       /* BRR (uart_clock / baud) -> status at the old rate, then the new one;
                             * if the first thing it hears there is not a frame, it goes back */
#define SFS_CRCS 0x07       /* address, unit size, count (<= 255) -> status, count CRC32s of the
                             * units from address on (one range: count 1, unit = its length) */
#define SFS_READ 0x08       /* address, length -> frames (status SFS_MORE, data) then (status, CRC32
                             * of all the data) */
#define SFS_GO 0x09         /* address of a vector table -> status; then clocks back to reset
                             * state, VTOR, MSP and jump */
#define SFS_RESET 0x0A      /* -> status; then a system reset (AIRCR) */
#define SFS_ZBEGIN 0x10     /* address, length, flags -> status; a compressed stream follows. It is
                             * also the raw write: data that does not compress goes in deflate's
                             * stored blocks (RFC 1951 BTYPE 00: 5 bytes per 64 KiB), as zlib
                             * chooses by itself block by block */
#define SFS_ZDATA 0x11      /* raw deflate bytes */
#define SFS_ZEND 0x12       /* stub -> host: status, address reached, flash SR, CRC32 of the range */
/* A failed SFS_ERASE answers status SFS_EFLASH, the failing address and the flash controller's
 * status register, so the host can say what went wrong where. */

/* In the flash SR field of ZEND and of a failed ERASE: the cell did not read back what was
 * programmed and the controller raised no flag (F2/F4: a write that needs a 0 to become 1). The
 * other bits are the family's status register. */
#define SFS_SR_MISMATCH 0x80000000u

#define SFS_ZFLAG_ERASE 0x01 /* erase each page as the stream reaches it (unless already blank) */
#define SFS_READ_MAX 0x10000u

/* Status codes. */
#define SFS_OK 0x00
#define SFS_EBADCRC 0x01    /* the request's CRC did not match (sequence as received) */
#define SFS_EUNKNOWN 0x02   /* unknown command */
#define SFS_EARG 0x03       /* bad length or arguments */
#define SFS_EFLASH 0x04     /* the flash controller reported an error */
#define SFS_EINFLATE 0x05   /* the compressed stream is invalid (SR field: the inflater's code) */
#define SFS_EABORT 0x06     /* the stream was interrupted by another request */
#define SFS_ESEQ 0x07       /* NAK: resend from the sequence number in this reply */
#define SFS_ELENGTH 0x08    /* the stream produced more or fewer bytes than announced */
#define SFS_MORE 0x10       /* a READ data frame; more follow */

/* Where the host patches its parameters into the stub image before loading it: right after
 * the two-word vector table (a host that finds the stub running reads them back with READ) (whose first word, the initial stack pointer, the host also sets to
 * the top of the RAM it lets the stub use). */
#define SFS_PARAMS_OFFSET 8
#define SFS_PARAMS_MAGIC 0x50465353u /* "SSFP" */
struct sfs_params {
    unsigned int magic;
    unsigned int image_end;   /* set by the link: first byte after the stub's code and data */
    unsigned int uart_clock;  /* the USART's clock once the stub set the clocks up, in Hz (the host
                               * fills it from families/usarts.txt and divides it for BRR) */
    unsigned int brr;         /* USART BRR for the rate the stub starts at: the bootloader's */
    unsigned int page_size;   /* erase unit of the flash (F1: 1 or 2 KiB); F4: the first sector's */
    unsigned int bank2_base;  /* first address of flash bank 2, 0 for one bank */
    unsigned int ring;        /* receive ring (DMA, circular) address */
    unsigned int ring_size;
    unsigned int window;      /* inflater history, 2^window_bits bytes */
    unsigned int window_bits;
    unsigned int chip;        /* product ID | bootloader version << 16, for a host that finds the
                               * stub already running (the ROM is not there to ask) */
    unsigned int frame;       /* frame buffer: SFS_HEADER + max_payload + SFS_TRAILER bytes */
    unsigned int max_payload; /* <= SFS_MAX_PAYLOAD; also the largest reply the stub builds */
    /* The USART the ROM bootloader answered on, and how its receiver reaches the ring (the
     * host fills these from families/usarts.txt; the ROM left that USART clocked, its pins in
     * alternate function, so the stub touches neither; chip_clock_init clocks the DMA). */
    unsigned int usart;       /* its registers */
    unsigned int rx_dma;      /* the DMA channel's or stream's registers (CCR/CR, CNDTR/NDTR, ...) */
    unsigned int rx_dma_on;   /* what its CCR/CR takes to run: circular, memory increment,
                               * enabled, and a stream's channel (CHSEL, F2/F4/F7) */
    unsigned int route;       /* DMA1_CSELR, or the DMAMUX channel's CxCR, that routes the
                               * USART's request to the channel (written whole: the stub uses
                               * no other channel, and 0 on the way out); where the request is
                               * wired, the address of route_value itself (no test: 4 KiB) */
    unsigned int route_value;
};
#define SFS_PARAMS_WORDS 18

/* The first stage (boot1.c): a loader of a few hundred bytes that the host writes through the
 * ROM instead of the whole stub, linked SFB_OFFSET above the stub's load address (the stub is
 * at most 4 KiB), with its stack in the 1 KiB from there and a receive ring of SFB_RING bytes
 * after that. Its parameters are a struct sfs_params (the USART, its DMA, the ring and the
 * fast rate, as the stub's uart.c takes them) followed by a struct sfb_params. It sets the
 * clock up, greets (SFB_HELLO) on the ROM's USART at the fast rate until the host talks, and
 * takes the stub as one transfer: "LOAD", its length and CRC32 (little-endian words), the
 * image, acknowledging every SFB_CHUNK bytes of it with SFB_ACK once it has taken them out of
 * the ring (the host keeps at most SFB_WINDOW chunks unacknowledged). It answers SFB_OK and jumps to the stub (its vector table's SP and PC), or SFB_BAD
 * and waits for the transfer again. The length SFB_BACK asks for a system reset, into the ROM
 * bootloader again while BOOT0 is high (a line too noisy for one transfer: the host then
 * loads the stub through the ROM's Write Memory, block by block). A byte that does not start
 * "LOAD" means the host could not follow the fast rate: the first stage goes back to the
 * ROM's rate, quietly (the rest of what the host sent is garbage there too), and greets with
 * SFB_HELLO on each SFB_NUDGE the host sends there. There the length SFB_RATE offers another
 * fast rate, its USART BRR in the CRC's place: the first stage answers SFB_OK at the ROM's
 * rate, switches, and greets at the new rate until the host talks, as at its start (garbage
 * sends it back to the ROM's rate again). */
#define SFB_OFFSET 0x1000u
#define SFB_SIZE 0x400u             /* code, parameters, its CRC and the stack */
#define SFB_RING 0x400u
#define SFB_PARAMS_MAGIC 0x31424653u /* "SFB1" */
#define SFB_HELLO "SFB1"
#define SFB_NUDGE 0x7F
#define SFB_LOAD "LOAD"
#define SFB_CHUNK 256u
#define SFB_WINDOW 3u               /* chunks in flight: what the ring holds, with room to spare */
#define SFB_ACK 'A'
#define SFB_OK 'K'
#define SFB_BAD 'E'
#define SFB_BACK 0xFFFFFFFFu
#define SFB_RATE 0xFFFFFFFEu
struct sfb_params {
    unsigned int rom_brr;     /* the ROM's rate, where the host could not follow */
    unsigned int load;        /* where the stub goes */
    unsigned int max_len;     /* the most it takes: up to the first stage itself */
    unsigned int self_len;    /* its own length: the CRC32 of that much of it follows it, so
                               * that damage the ROM's XOR checksum let through is found (the
                               * first stage then only takes SFB_BACK) */
};

#endif
