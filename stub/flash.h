/* flash.h - what the stub needs from a flash driver; one file per controller family
 * (flash_f1.c: F0/F1/F3). Errors return the controller's status register bits, 0 = success. */
#ifndef STUBFLASH_STUB_FLASH_H
#define STUBFLASH_STUB_FLASH_H

/* Erase the page starting at addr. */
unsigned int flash_erase_page(unsigned int addr, unsigned int bank2_base);
/* Program len bytes (even) at addr (even); *fail gets the address that failed. */
unsigned int flash_program(unsigned int addr, const unsigned char *data, unsigned int len, unsigned int bank2_base,
                           unsigned int *fail);

#endif
