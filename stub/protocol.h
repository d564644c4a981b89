/* protocol.h - the framed protocol between the host and the RAM stub. Shared by stub/ (built
 * freestanding for the target) and libflash/ (the host); plain C, no libc needed.
 *
 * Frame, both directions:
 *   SOF (0xA5) | length (2 bytes LE: payload bytes) | sequence | command | payload | CRC32 (4, LE)
 * The CRC32 (IEEE 802.3, reflected, as zlib's crc32()) covers length, sequence, command and
 * payload. A reply carries the request's sequence number and command | SFS_REPLY, and its
 * payload starts with a status byte (SFS_OK or an SFS_E* code).
 *
 * The stub greets with an unsolicited SFS_HELLO frame (sequence 0) as soon as it runs.
 */
#ifndef STUBFLASH_STUB_PROTOCOL_H
#define STUBFLASH_STUB_PROTOCOL_H

#define SFS_SOF 0xA5
#define SFS_HEADER 5          /* SOF, length (2), sequence, command */
#define SFS_TRAILER 4         /* CRC32 */
#define SFS_MAX_PAYLOAD 1024  /* what the stub buffers; the host never sends more */
#define SFS_REPLY 0x80
#define SFS_VERSION 1

/* Commands. */
#define SFS_HELLO 0x40        /* stub -> host: "SFST", version, max payload (2 LE) */
#define SFS_PING 0x01         /* echo the payload */
#define SFS_CRC32 0x02        /* address (4 LE), length (4 LE) -> status, CRC32 (4 LE) */
#define SFS_ERASE 0x03        /* address (4 LE), length (4 LE): erase the pages covering it */
#define SFS_WRITE 0x04        /* address (4 LE), data (even length, even address): program */
/* A failed SFS_ERASE/SFS_WRITE answers status SFS_EFLASH, the failing address (4 LE) and the
 * flash controller's status register (4 LE), so the host can say what went wrong where. */

/* Status codes. */
#define SFS_OK 0x00
#define SFS_EBADCRC 0x01      /* the request's CRC did not match (reply sequence is the request's) */
#define SFS_EUNKNOWN 0x02     /* unknown command */
#define SFS_EARG 0x03         /* bad length or arguments */
#define SFS_EFLASH 0x04       /* the flash controller reported an error */

/* Where the host patches its parameters into the stub image before loading it: right after
 * the two-word vector table. */
#define SFS_PARAMS_OFFSET 8
#define SFS_PARAMS_MAGIC 0x50465353u /* "SSFP" */
struct sfs_params {
    unsigned int magic;
    unsigned int usart_brr;   /* USART1->BRR for the bootloader's baud at the stub's clock */
    unsigned int page_size;   /* erase unit of the flash (F1: 1 or 2 KiB) */
    unsigned int bank2_base;  /* first address of flash bank 2, 0 for one bank */
};

#endif
