/* stub_image.h - the cross-built stubs, one per flash controller family, embedded at build
 * time (stub/embed.c). Load addresses as stub/meson.build links them. */
#ifndef STUBFLASH_STUB_IMAGE_H
#define STUBFLASH_STUB_IMAGE_H

#include <stddef.h>

#define SFS_LOAD_F1 0x20000800u /* F1 */
#define SFS_LOAD_F0 0x20001800u /* F0 (F07x; the F030x8 has too little RAM after it) */
#define SFS_LOAD_F3 0x20001400u /* F3 */
#define SFS_LOAD_F4 0x20003000u /* F4 */
#define SFS_LOAD_F7 0x20004000u /* F7 */
#define SFS_LOAD_L4 0x20003100u /* L4 */
#define SFS_LOAD_G4 0x20004000u /* G4 */
#define SFS_LOAD_WB 0x20004000u /* WB */
#define SFS_LOAD_G0 0x20002700u /* G0 (G07x) */
#define SFS_LOAD_L0 0x20001400u /* L0 (L07x/08x) */
#define SFS_LOAD_L1 0x20001000u /* L1 */
#define SFS_LOAD_H7 0x24005000u /* H7: the AXI SRAM (its DMA cannot reach the DTCM) */
extern const unsigned char sfs_stub_image_f0[], sfs_stub_image_f3[], sfs_stub_image_f1[], sfs_stub_image_f4[], sfs_stub_image_f7[], sfs_stub_image_l4[],
    sfs_stub_image_g4[], sfs_stub_image_wb[], sfs_stub_image_g0[], sfs_stub_image_l0[], sfs_stub_image_l1[],
    sfs_stub_image_h7[];
extern const size_t sfs_stub_image_f0_len, sfs_stub_image_f3_len, sfs_stub_image_f1_len, sfs_stub_image_f4_len, sfs_stub_image_f7_len, sfs_stub_image_l4_len,
    sfs_stub_image_g4_len, sfs_stub_image_wb_len, sfs_stub_image_g0_len, sfs_stub_image_l0_len,
    sfs_stub_image_l1_len, sfs_stub_image_h7_len;

#endif
