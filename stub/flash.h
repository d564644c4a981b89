/* flash.h - what the stub needs from a flash driver; one file per controller family
 * (flash_f1.c: F0/F1/F3). Errors return the controller's status register bits, 0 = success. */
#ifndef STUBFLASH_STUB_FLASH_H
#define STUBFLASH_STUB_FLASH_H

/* Erase the page starting at addr. */
unsigned int flash_erase_page(unsigned int addr, unsigned int bank2_base);
/* Erase all of the flash (both banks when bank2_base is set). */
unsigned int flash_mass_erase(unsigned int bank2_base);
/* Start programming one half-word and return at once, so the CPU inflates the next bytes while
 * the cell programs (52.5 us on F1); the previous one is finished and checked first. */
unsigned int flash_program_async(unsigned int addr, unsigned int value, unsigned int bank2_base, unsigned int *fail);
/* Finish and check the half-word flash_program_async started, if any. */
unsigned int flash_sync(unsigned int *fail);

#endif
