/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_flash.h - STM32F1 flash memory, option bytes and the flash controller (FPEC); the F0 and
 * F3 have the same controller. F2/F4 parts: sectors, option bytes and their controller
 * (sim_flash_f4.c: registers, PSIZE, error flags).
 *
 * RM0008 section 3 / PM0075: erased = 0xFF; programming is 16 bits at a time, only into
 * erased cells (writing 0x0000 is always allowed); a write-protected page is neither erased
 * nor programmed (WRPRTERR); keys 0x45670123, 0xCDEF89AB unlock; a wrong key locks the FPEC
 * until reset. XL density has a second controller for bank 2 at offset 0x40.
 */
#ifndef SIM_FLASH_H
#define SIM_FLASH_H

#include "sim_clock.h"
#include "sim_part.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/* Register offsets from 0x40022000 (RM0008 3.4, XL bank 2 at +0x40). */
enum {
    FLASH_ACR = 0x00, FLASH_KEYR = 0x04, FLASH_OPTKEYR = 0x08, FLASH_SR = 0x0C, FLASH_CR = 0x10,
    FLASH_AR = 0x14, FLASH_OBR = 0x1C, FLASH_WRPR = 0x20, FLASH_BANK2 = 0x40,
};
enum { SR_BSY = 1u << 0, SR_PGERR = 1u << 2, SR_WRPRTERR = 1u << 4, SR_EOP = 1u << 5 };
enum {
    CR_PG = 1u << 0, CR_PER = 1u << 1, CR_MER = 1u << 2, CR_OPTPG = 1u << 4, CR_OPTER = 1u << 5,
    CR_STRT = 1u << 6, CR_LOCK = 1u << 7, CR_OPTWRE = 1u << 9,
};
#define FLASH_KEY1 0x45670123u
#define FLASH_KEY2 0xCDEF89ABu

/* Option byte offsets (F1): value at even offsets, complement at odd. */
enum { OB_RDP = 0, OB_USER = 2, OB_DATA0 = 4, OB_DATA1 = 6, OB_WRP0 = 8 };
/* F2/F4 (RM0090 3.6: the words at 0x1FFFC000 and 0x1FFFC008). */
enum { OB4_USER = 0, OB4_RDP = 1, OB4_NWRP = 8 };
/* F7: the byte at 0x1FFF0009 holds FLASH_OPTCR bits 31:24 (RM0385 3.4 table 6, RM0410 3.4);
 * nDBANK is OPTCR bit 29 (stm32f767xx.h FLASH_OPTCR_nDBANK), so bit 5 of that byte. The F4's
 * at 0x1FFFC009 likewise: DB1M, OPTCR bit 30 (stm32f429xx.h FLASH_OPTCR_DB1M), bit 6. */
enum { OB7_OPTCR_HI = 9, OB7_NDBANK = 1u << 5, OB4_DB1M = 1u << 6 };

/* An option byte pair is valid when the second byte is the complement of the first. */
static inline bool sim_option_pair_valid(uint8_t value, uint8_t complement)
{
    return (uint8_t)(value + complement) == 0xFF && (value & complement) == 0;
}

/* F2/F4 controller at 0x40023C00 (RM0090 3.9). */
enum { FLASH4_KEYR = 0x04, FLASH4_OPTKEYR = 0x08, FLASH4_SR = 0x0C, FLASH4_CR = 0x10, FLASH4_OPTCR = 0x14 };
enum {
    SR4_EOP = 1u << 0, SR4_OPERR = 1u << 1, SR4_WRPERR = 1u << 4, SR4_PGAERR = 1u << 5, SR4_PGPERR = 1u << 6,
    SR4_PGSERR = 1u << 7, SR4_BSY = 1u << 16,
};
enum { CR4_PG = 1u << 0, CR4_SER = 1u << 1, CR4_MER = 1u << 2, CR4_MER1 = 1u << 15, CR4_STRT = 1u << 16, CR4_LOCK = 1u << 31 };
/* SNB[4:0] (bit 4: bank 2 on the F42x/43x, RM0090 3.9.8; reserved, so 0, on the others) */
#define CR4_SNB(cr) (((cr) >> 3) & 0x1Fu)
#define CR4_PSIZE(cr) (((cr) >> 8) & 3u)
#define OPT4_KEY1 0x08192A3Bu
#define OPT4_KEY2 0x4C5D6E7Fu

struct flash_bank {
    uint32_t cr, sr, ar;
    int key_step;          /* 0: locked, waiting KEY1; 1: KEY1 seen; 2: unlocked */
    bool key_fault;        /* wrong key: locked until reset */
    int opt_key_step;
    int64_t busy_until;
    bool op_pending;       /* an operation is running; EOP when it ends */
    bool polled_busy;      /* SR was read once while this operation runs (sim_flash_status) */
    /* What is in progress, for a power cut: erase [addr, addr+len) or program 2 bytes at addr. */
    uint32_t op_addr, op_len;
    bool op_is_erase, op_is_option;
};

typedef struct sim_flash {
    const struct sim_part *part; /* &now: what the board, its CPU and its ROM see */
    const struct sim_part *factory; /* the part as sim_parts.c has it */
    struct sim_part now;   /* the part as its option bytes made it at the last reset: the F76x's
                            * two-bank layout with nDBANK = 0 (factory->dual_bank_layout); a part
                            * with sim_part.dbank and DBANK = 0 has one bank of pages twice the
                            * size (sim_flash_reset) */
    sim_clock *clock;
    uint8_t *mem;          /* flash_size bytes, mapped into the CPU as is */
    uint8_t *optbytes;     /* optbytes_size bytes, inside the system-memory page */
    uint8_t *optbytes2;    /* bank 2's option words (optbytes2_size bytes), or NULL */
    struct flash_bank bank[2];
    bool rdp_active;       /* latched from the option bytes at reset (OBL) */
    bool empty;            /* the empty check's note (sim_flash_option_load; the part's empty_check) */
    bool obl_request;      /* software asked for an option-byte reload: the chip resets */
    bool bank_swap;        /* H7 SWAP_BANK_OPT, L5/U5 SWAP_BANK latched at reset: the banks trade addresses */
    uint32_t acr;          /* L4/G0/G4/WB FLASH_ACR but the G0/WB's EMPTY bit */
    uint32_t wrpr;         /* latched WRP, bit = 0: protected */
    uint64_t pages_erased, mass_erases, halfwords_programmed, program_errors, protection_errors;
    uint64_t rng;
    uint8_t psize;         /* F4: PSIZE of the operation being started (the ROM's: 0, x8) */
    bool word_pending;     /* L4/L5/U5: a unit's first words have been stored (their bytes in half_page,
                            * half_count words); L0/L1: a half-page */
    uint32_t pending_addr;
    uint8_t half_page[128]; /* L0/L1: the words of the half-page being stored; H7: the flash word;
                            * L4/L5/U5: the double word or quad-word */
    unsigned half_count;
    int h7_bank;           /* H7: the bank of the flash word being written, and its bytes so far */
    uint32_t h7_written;
} sim_flash;

/* mem and optbytes are owned by the caller (the board maps them into the CPU). */
void sim_flash_init(sim_flash *f, const struct sim_part *part, sim_clock *clock, uint8_t *mem,
                    uint8_t *optbytes);
/* Bank 2's option words (the part's optbytes2_size bytes), before sim_flash_default_options. */
void sim_flash_set_options2(sim_flash *f, uint8_t *optbytes2);
/* Bank 2's option words as Write Memory writes them: erased, then image (optbytes2_size bytes),
 * complements computed. */
void sim_flash_rewrite_options2(sim_flash *f, const uint8_t *image);
/* System reset: lock the controllers, clear flags, load option bytes (RDP, WRP). */
void sim_flash_reset(sim_flash *f);
/* Factory state of the option bytes (RDP off, nothing protected). */
void sim_flash_default_options(sim_flash *f);

/* Option-byte loading (power-on, OBL_LAUNCH): the empty check notes whether the first flash
 * word is erased, on parts that have one. */
void sim_flash_option_load(sim_flash *f);
uint32_t sim_flash_reg_read(sim_flash *f, uint32_t off);
void sim_flash_reg_write(sim_flash *f, uint32_t off, uint32_t value);

/* A CPU store into flash or option bytes; returns false for a bus fault (msg says why). */
bool sim_flash_cpu_store(sim_flash *f, uint32_t addr, unsigned size, uint32_t value, const char **msg);
/* Latest time at which any running operation ends (accesses to flash stall until then). */
int64_t sim_flash_busy_until(sim_flash *f);

bool sim_flash_page_protected(sim_flash *f, uint32_t page);
uint32_t sim_flash_page_of(sim_flash *f, uint32_t addr);
uint32_t sim_flash_page_count(sim_flash *f);

/* What the ROM bootloader does through the same controller. Each returns true on success and
 * leaves the bank busy for the operation's datasheet time (see sim_flash_busy_until). */
bool sim_flash_erase_page(sim_flash *f, uint32_t page);
bool sim_flash_mass_erase(sim_flash *f, unsigned bank_mask); /* bit 0 bank 1, bit 1 bank 2 */
/* Program len bytes (even, at an even offset); stops at the first failing half word. */
bool sim_flash_program(sim_flash *f, uint32_t addr, const uint8_t *data, uint32_t len);
void sim_flash_erase_options(sim_flash *f);
/* Erase the option bytes and program image (optbytes_size bytes, the layout of the part's
 * format; 0xFF bytes are left erased), as the ROM does when it changes them. */
void sim_flash_rewrite_options(sim_flash *f, const uint8_t *image);
/* What option bytes ob (as stored) mean for part p: readout protection on; WRP bits as in
 * FLASH_WRPR (bit = 0: protected; F4: bit n = sector n). */
bool sim_options_rdp_active(const struct sim_part *p, const uint8_t *ob);
/* Where the RDP byte is in the option bytes of part p. */
static inline uint32_t sim_options_rdp_offset(const struct sim_part *p)
{
    return sim_part_options(p) == SIM_OB_F4 || sim_part_h7_kind(p) ? OB4_RDP : OB_RDP;
}
uint32_t sim_options_wrp(const struct sim_part *p, const uint8_t *ob);
/* Program an option byte pair: value at offset off (even), complement computed by hardware. */
void sim_flash_program_option(sim_flash *f, uint32_t off, uint8_t value);

/* sim_flash_options.c: the option words with complements (SIM_OB_RDP families): factory
 * values, complements recomputed, a page inside a write-protected area (WRP1A/WRP1B on the
 * FLASH_OPTR families, WRPROT1 on L0/L1), the bank that boots (BFB2: 1 or 2). */
void sim_options_factory(const struct sim_part *p, uint8_t *ob);
void sim_options_complement(const struct sim_part *p, uint8_t *ob);
bool sim_options_area_protected(const struct sim_part *p, const uint8_t *ob, const uint8_t *ob2, uint32_t page);
/* The U5's WRP areas whose UNLOCK bit is 0 keep their old words in a new option image. */
void sim_options_keep_locked(const struct sim_part *p, const uint8_t *old, uint8_t *image);
/* Bank 2's option words as shipped (no WRP area, no PCROP). */
void sim_options_factory2(const struct sim_part *p, uint8_t *ob2);
int sim_options_boot_bank(const struct sim_part *p, const uint8_t *ob);
/* F7: the boot address BOOT_ADD0 gives (BOOT0 low); 0 on other families. */
uint32_t sim_options_boot_add0(const struct sim_part *p, const uint8_t *ob);

/* For the family controllers (sim_flash_f4.c, sim_flash_l4.c). */
void sim_flash_settle(sim_flash *f, struct flash_bank *b);
/* A write to KEYR: KEY1 then KEY2 clears lock_bit in CR; anything else locks until reset. */
void sim_flash_key(struct flash_bank *b, uint32_t v, uint32_t lock_bit);
/* SR as read: with bsy_bit while an operation runs (in fast mode the read waits it out). */
uint32_t sim_flash_status(sim_flash *f, struct flash_bank *b, uint32_t bsy_bit);
void sim_flash_start_op(sim_flash *f, struct flash_bank *b, uint64_t ns, uint32_t addr, uint32_t len, bool erase,
                        bool option);
/* Program n bytes (1, 2 or 4) at addr on an F4: only bits going from 1 to 0 (else nothing is
 * written: the caller sees it when it reads back); WRPERR on a protected sector. */
bool sim_flash_program_f4(sim_flash *f, uint32_t addr, uint32_t value, unsigned n);
uint32_t sim_flash_f4_reg_read(sim_flash *f, uint32_t off);
void sim_flash_f4_reg_write(sim_flash *f, uint32_t off, uint32_t value);
bool sim_flash_f4_cpu_store(sim_flash *f, uint32_t addr, unsigned size, uint32_t value, const char **msg);
/* A program unit of n bytes (4, 8 or 32) with the later families' rules (sim_flash.c). */
enum { SIM_PROGRAM_OK, SIM_PROGRAM_PROTECTED, SIM_PROGRAM_NOT_ERASED };
int sim_flash_program_unit(sim_flash *f, uint32_t addr, const uint8_t *v, unsigned n);
/* The L4/G4 controller (sim_flash_l4.c). */
uint32_t sim_flash_l4_reg_read(sim_flash *f, uint32_t off);
void sim_flash_l4_reg_write(sim_flash *f, uint32_t off, uint32_t value);
bool sim_flash_l4_cpu_store(sim_flash *f, uint32_t addr, unsigned size, uint32_t value, const char **msg);
/* The L0/L1 controller (sim_flash_l0.c). */
uint32_t sim_flash_l0_reg_read(sim_flash *f, uint32_t off);
void sim_flash_l0_reg_write(sim_flash *f, uint32_t off, uint32_t value);
bool sim_flash_l0_cpu_store(sim_flash *f, uint32_t addr, unsigned size, uint32_t value, const char **msg);
/* The H7 controller (sim_flash_h7.c). */
uint32_t sim_flash_h7_reg_read(sim_flash *f, uint32_t off);
void sim_flash_h7_reg_write(sim_flash *f, uint32_t off, uint32_t value);
bool sim_flash_h7_cpu_store(sim_flash *f, uint32_t addr, unsigned size, uint32_t value, const char **msg);
/* F4: an erase's time at the current PSIZE, from its x8 time. */
uint64_t sim_flash_f4_erase_ns(const sim_flash *f, uint64_t x8_ns);

/* Power is cut at time now: bytes of an unfinished operation end up undefined. */
void sim_flash_power_cut(sim_flash *f, int64_t now);

#endif
