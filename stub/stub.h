/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stub.h - what the stub's parts share: the parameter block, the frame buffer, framing. */
#ifndef STUBFLASH_STUB_STUB_H
#define STUBFLASH_STUB_STUB_H

#include "protocol.h"

extern volatile struct sfs_params params;
/* The frame being handled: header at 0, payload at SFS_HEADER (params.frame). */
extern unsigned char *frame;

#define FRAME_BADCRC (-1)
#define FRAME_SYNC (-2)
/* Wait for the next frame. Returns its payload length, FRAME_BADCRC, or (if sync_ok) FRAME_SYNC
 * for a 0x7F seen between frames. */
int frame_receive(int sync_ok);
void frame_send(unsigned char seq, unsigned char cmd, const unsigned char *payload, unsigned int len);
void put32(unsigned char *p, unsigned int v);
unsigned int get32(const unsigned char *p);

/* The compressed stream (stream.c), started by a ZBEGIN frame now in frame[]. Returns nonzero
 * if it ended because another valid request arrived, which is left in frame[] to be served. */
int stream_run(unsigned char seq, unsigned int len);
/* ZEND of the last stream again: a host still sending frames did not get it. */
void stream_resend_end(void);

#endif
