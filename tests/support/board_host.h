/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* board_host.h - test helpers: an in-process virtual board and the host side of AN3155. */
#ifndef TEST_BOARD_HOST_H
#define TEST_BOARD_HOST_H

#include "stm32sim.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACK 0x79
#define NACK 0x1F

/* A started board in fast mode with BOOT0 high (NULL part name = stm32f103re). */
sim_board *bh_board(const char *part);
sim_board *bh_board_opts(const char *part, const sim_options *opt);
/* Clear an F76x/77x's option bit nDBANK (FLASH_OPTCR bit 29, the option byte at 0x1FFF0009 bit
 * 5: RM0410 3.4): two banks from the board's next reset. */
void bh_f7_two_banks(sim_board *b);

/* Next byte from the device, or -1 after timeout_ms. */
int bh_byte(sim_board *b, int timeout_ms);
void bh_send(sim_board *b, const uint8_t *data, size_t len);
/* Send a command code and its complement; return the device's answer (ACK/NACK/-1). */
int bh_command(sim_board *b, uint8_t code);
/* Send an address with its XOR; return the answer. */
int bh_address(sim_board *b, uint32_t addr);
/* Sync (0x7F) and expect ACK; retries a reset-startup window. Returns the answer. */
int bh_sync(sim_board *b);
/* Whole operations; return 0 on success, -1 on any NACK or timeout. */
int bh_read(sim_board *b, uint32_t addr, uint8_t *out, size_t len);
int bh_write(sim_board *b, uint32_t addr, const uint8_t *data, size_t len);
int bh_erase_pages(sim_board *b, const uint16_t *pages, size_t n, bool extended);
/* Read a whole file (for firmware images); aborts the test on failure. */
uint8_t *bh_load_file(const char *path, size_t *len);
/* Whether the file at path contains text (a log a program wrote). */
bool bh_file_has(const char *path, const char *text);
/* Write data to path (fails the test if it cannot). */
void bh_save_file(const char *path, const uint8_t *data, size_t len);
/* len bytes that do not compress (xorshift32 from seed, which must not be 0); malloc'd. */
uint8_t *bh_noise(size_t len, uint32_t seed);
/* bh_noise headed by a vector table a chip could boot from when the bytes land at base: the
 * stack at 0x20002000 (inside every listed part's RAM), reset and the other system vectors
 * at base + 0x101 (Thumb, inside the image). len is at least 64. What firmware looks like to
 * the plausibility checks, with noise after it. */
uint8_t *bh_firmware(size_t len, uint32_t seed, uint32_t base);
/* Collect what the device prints for up to ms, as a string. */
size_t bh_collect(sim_board *b, char *out, size_t cap, int ms);

#endif
