/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stub_host.h - the host stand-in for the chip under the stub (stub_host_chip.c). */
#ifndef STUBFLASH_STUB_HOST_H
#define STUBFLASH_STUB_HOST_H
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#define HOST_FLASH_BASE 0x08000000u
#define HOST_FLASH_SIZE 0x4000u /* 16 KiB: 16 pages, enough for every request and quick to reset */
#define HOST_PAGE 1024u

struct stub_host {
    jmp_buf out;                 /* where leaving the stub lands */
    const uint8_t *in;           /* what the host sends */
    size_t in_len, in_pos;
    unsigned char *ring;
    unsigned int ring_size, wpos;
    unsigned int sent;           /* a sum of the bytes the stub sent (keeps them "used") */
};
extern struct stub_host host;

void stub_main(void);
void stub_host_reset(void);
void stream_host_reset(void);
#endif
