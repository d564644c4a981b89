/* stub_image.h - the cross-built stub, embedded at build time (stub/embed.c). */
#ifndef STUBFLASH_STUB_IMAGE_H
#define STUBFLASH_STUB_IMAGE_H

#include <stddef.h>

#define SFS_LOAD_ADDRESS 0x20000800u /* stub.ld */
extern const unsigned char sfs_stub_image[];
extern const size_t sfs_stub_image_len;

#endif
