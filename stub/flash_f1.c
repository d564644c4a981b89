/* flash_f1.c - the F0/F1/F3 flash controller (RM0008 3.3, PM0075): unlock with the two keys,
 * page erase with PER/AR/STRT, 16-bit programming with PG, errors in SR (PGERR bit 2,
 * WRPRTERR bit 4). XL-density parts have a second controller for bank 2 at offset 0x40. */
#include "flash.h"

#define FLASH_BASE 0x40022000u
#define KEYR 0x04u
#define SR 0x0Cu
#define CR 0x10u
#define AR 0x14u
#define BANK2 0x40u
#define SR_BSY (1u << 0)
#define SR_PGERR (1u << 2)
#define SR_WRPRTERR (1u << 4)
#define SR_EOP (1u << 5)
#define CR_PG (1u << 0)
#define CR_PER (1u << 1)
#define CR_STRT (1u << 6)
#define CR_LOCK (1u << 7)

#define REG(b, off) (*(volatile unsigned int *)((b) + (off)))

static unsigned int controller(unsigned int addr, unsigned int bank2_base)
{
    return FLASH_BASE + (bank2_base && addr >= bank2_base ? BANK2 : 0u);
}

static void begin(unsigned int c)
{
    if (REG(c, CR) & CR_LOCK) {
        REG(c, KEYR) = 0x45670123u;
        REG(c, KEYR) = 0xCDEF89ABu;
    }
    while (REG(c, SR) & SR_BSY)
        ;
    REG(c, SR) = SR_EOP | SR_PGERR | SR_WRPRTERR; /* clear leftovers (write 1 to clear) */
}

static unsigned int wait_done(unsigned int c)
{
    unsigned int sr;
    while ((sr = REG(c, SR)) & SR_BSY)
        ;
    return sr & (SR_PGERR | SR_WRPRTERR);
}

unsigned int flash_erase_page(unsigned int addr, unsigned int bank2_base)
{
    unsigned int c = controller(addr, bank2_base);
    begin(c);
    REG(c, CR) = CR_PER;
    REG(c, AR) = addr;
    REG(c, CR) = CR_PER | CR_STRT;
    unsigned int err = wait_done(c);
    REG(c, CR) = 0;
    return err;
}

unsigned int flash_program(unsigned int addr, const unsigned char *data, unsigned int len, unsigned int bank2_base,
                           unsigned int *fail)
{
    unsigned int c = controller(addr, bank2_base), err = 0;
    begin(c);
    REG(c, CR) = CR_PG;
    for (unsigned int i = 0; i < len; i += 2) {
        unsigned short v = (unsigned short)(data[i] | data[i + 1] << 8);
        volatile unsigned short *cell = (volatile unsigned short *)(addr + i);
        *cell = v;
        err = wait_done(c);
        /* A skipped write (not erased, protected) shows as an error bit; check the cell too. */
        if (!err && *cell != v)
            err = SR_PGERR;
        if (err) {
            *fail = addr + i;
            break;
        }
    }
    REG(c, CR) = 0;
    return err;
}
