/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* flash.h - what the stub needs from a flash driver; one file per controller family
 * (flash_f1.c: F0/F1/F3, 16-bit cells in pages; flash_f4.c: F2/F4/F7, 32-bit words in sectors
 * of mixed sizes; flash_l4.c: L4/G4/WB/G0, 64-bit double words in pages of two banks, and the
 * L5's (STUB_FLASH_L5: the same bits in its non-secure registers, elsewhere), and the U5's
 * (STUB_FLASH_U5: the L5's registers, 128-bit quad-words); flash_l0.c: L0/L1,
 * half-pages, erased to 0; flash_h7.c: H7, 256-bit flash words in two banks). Errors return the
 * controller's status register bits, 0 = success; a cell that
 * does not read back what was programmed with no flag from the controller reports
 * FLASH_MISMATCH (F1: PGERR, which is what the F1 says then; protocol.h). */
#ifndef STUBFLASH_STUB_FLASH_H
#define STUBFLASH_STUB_FLASH_H

#include "protocol.h"

/* Bytes programmed at a time (a flash_word, FLASH_UNIT bytes), and their value when erased.
 * L0/L1 half-pages (erased to 0) and H7 flash words: passed as a pointer to their words
 * (FLASH_BUFFERED). The controller's kind (STUB_FLASH_<flash>) and FLASH_UNIT (program_unit)
 * come from the family's row of families/families.txt (stub/meson.build); the host build
 * (tests/fuzz) takes the F1's. */
#if defined(STUB_FLASH_L0)
#define FLASH_BUFFERED 1
typedef const unsigned int *flash_word;
#define FLASH_ERASED_WORD 0u
#define FLASH_MISMATCH SFS_SR_MISMATCH
#elif defined(STUB_FLASH_H7) || defined(STUB_FLASH_U5)
#define FLASH_BUFFERED 1
typedef const unsigned int *flash_word;
#define FLASH_MISMATCH SFS_SR_MISMATCH
#elif defined(STUB_FLASH_L4) || defined(STUB_FLASH_L5)
typedef unsigned long long flash_word;
#define FLASH_UNIT_ERASED 0xFFFFFFFFFFFFFFFFull
#define FLASH_MISMATCH SFS_SR_MISMATCH
#elif defined(STUB_FLASH_F4)
typedef unsigned int flash_word;
#define FLASH_UNIT_ERASED 0xFFFFFFFFu
#define FLASH_MISMATCH SFS_SR_MISMATCH
#else
typedef unsigned int flash_word;
#define FLASH_UNIT_ERASED 0xFFFFu
#define FLASH_MISMATCH (1u << 2) /* PGERR */
#endif
#ifndef FLASH_UNIT
#define FLASH_UNIT 2u
#endif
#ifndef FLASH_ERASED_WORD
#define FLASH_ERASED_WORD 0xFFFFFFFFu
#endif

/* The erase unit (page or sector) holding addr: its start, and its size in *size. */
unsigned int flash_unit_of(unsigned int addr, unsigned int *size);
/* Erase the page or sector starting at addr. */
unsigned int flash_erase_page(unsigned int addr, unsigned int bank2_base);
/* Erase all of the flash (both banks when bank2_base is set); L0/L1: not there (the host erases
 * their pages), FLASH_MISMATCH. */
unsigned int flash_mass_erase(unsigned int bank2_base);
/* Start programming one unit (FLASH_UNIT bytes at an aligned addr) and return at once, so the
 * CPU inflates the next bytes while the cell programs (52.5 us on F1); the previous one is
 * finished and checked first. */
unsigned int flash_program_async(unsigned int addr, flash_word value, unsigned int bank2_base, unsigned int *fail);
/* Finish and check the unit flash_program_async started, if any. */
unsigned int flash_sync(unsigned int *fail);

#endif
