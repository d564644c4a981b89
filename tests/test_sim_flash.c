/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_sim_flash.c - the flash model's rules through its register interface: the F1's FPEC
 * (RM0008 / PM0075), the F2/F4 controller (RM0090 3.5-3.9), the L4/G4 one (RM0351 3.3), the
 * L0/L1 one (RM0367 3.3) and the H7's (RM0433 4.3). */
#define _DEFAULT_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim_flash.h"
#include "sim_memory.h"
#include "stm32sim.h"

struct fx {
    const struct sim_part *part;
    sim_clock clock;
    uint8_t *mem, opt[256];
    sim_flash f;
};

static int setup_part(void **state, const char *name, bool realtime)
{
    struct fx *x = calloc(1, sizeof *x);
    x->part = (const struct sim_part *)sim_part_find(name);
    x->mem = malloc(x->part->flash_size);
    memset(x->mem, 0xFF, x->part->flash_size);
    sim_clock_init(&x->clock, realtime);
    sim_flash_init(&x->f, x->part, &x->clock, x->mem, x->opt);
    sim_flash_default_options(&x->f);
    sim_flash_reset(&x->f);
    *state = x;
    return 0;
}

static int setup_hd(void **state) { return setup_part(state, "stm32f103re", false); }
static int setup_xl(void **state) { return setup_part(state, "stm32f103rg", false); }
static int setup_hd_realtime(void **state) { return setup_part(state, "stm32f103re", true); }
static int setup_f407(void **state) { return setup_part(state, "stm32f407vg", false); }
static int setup_f401_realtime(void **state) { return setup_part(state, "stm32f401re", true); }
static int setup_l476(void **state) { return setup_part(state, "stm32l476rg", false); }
static int setup_l072(void **state) { return setup_part(state, "stm32l072cz", false); }
static int setup_h743(void **state) { return setup_part(state, "stm32h743zi", false); }
static int setup_g071(void **state) { return setup_part(state, "stm32g071rb", false); }
static int setup_l432(void **state) { return setup_part(state, "stm32l432kc", false); }
static int setup_h743zg(void **state) { return setup_part(state, "stm32h743zg", false); }
static int setup_l552(void **state) { return setup_part(state, "stm32l552ze", false); }
static int setup_u575(void **state) { return setup_part(state, "stm32u575zi", false); }

static int teardown(void **state)
{
    struct fx *x = *state;
    free(x->mem);
    free(x);
    return 0;
}

static void unlock(sim_flash *f, uint32_t bank_off)
{
    sim_flash_reg_write(f, bank_off + FLASH_KEYR, FLASH_KEY1);
    sim_flash_reg_write(f, bank_off + FLASH_KEYR, FLASH_KEY2);
}

static bool store16(sim_flash *f, uint32_t addr, uint16_t v)
{
    const char *msg = NULL;
    return sim_flash_cpu_store(f, addr, 2, v, &msg);
}

static uint16_t at(struct fx *x, uint32_t addr)
{
    uint32_t o = addr - 0x08000000;
    return (uint16_t)(x->mem[o] | x->mem[o + 1] << 8);
}

static void test_reset_state_is_locked(void **state)
{
    struct fx *x = *state;
    assert_true(sim_flash_reg_read(&x->f, FLASH_CR) & CR_LOCK);
    /* Writes to a locked CR change nothing. */
    sim_flash_reg_write(&x->f, FLASH_CR, CR_PG);
    assert_int_equal(sim_flash_reg_read(&x->f, FLASH_CR), CR_LOCK);
    /* A store with the controller locked is a bus fault and leaves the cell erased. */
    const char *msg = NULL;
    assert_false(sim_flash_cpu_store(&x->f, 0x08000000, 2, 0x1234, &msg));
    assert_non_null(strstr(msg, "locked"));
    assert_int_equal(at(x, 0x08000000), 0xFFFF);
}

static void test_unlock_and_program(void **state)
{
    struct fx *x = *state;
    unlock(&x->f, 0);
    assert_false(sim_flash_reg_read(&x->f, FLASH_CR) & CR_LOCK);
    sim_flash_reg_write(&x->f, FLASH_CR, CR_PG);
    assert_true(store16(&x->f, 0x08000100, 0xBEEF));
    assert_int_equal(at(x, 0x08000100), 0xBEEF);
    /* The fast clock runs the operation out on the first BSY poll; EOP follows. */
    assert_true(sim_flash_reg_read(&x->f, FLASH_SR) & SR_BSY);
    uint32_t sr = sim_flash_reg_read(&x->f, FLASH_SR);
    assert_false(sr & SR_BSY);
    assert_true(sr & SR_EOP);
    sim_flash_reg_write(&x->f, FLASH_SR, SR_EOP);
    assert_false(sim_flash_reg_read(&x->f, FLASH_SR) & SR_EOP);
}

static void test_wrong_key_locks_until_reset(void **state)
{
    struct fx *x = *state;
    sim_flash_reg_write(&x->f, FLASH_KEYR, FLASH_KEY2); /* wrong order */
    unlock(&x->f, 0);
    assert_true(sim_flash_reg_read(&x->f, FLASH_CR) & CR_LOCK);
    sim_flash_reset(&x->f);
    unlock(&x->f, 0);
    assert_false(sim_flash_reg_read(&x->f, FLASH_CR) & CR_LOCK);
}

static void test_program_not_erased_sets_pgerr(void **state)
{
    struct fx *x = *state;
    unlock(&x->f, 0);
    sim_flash_reg_write(&x->f, FLASH_CR, CR_PG);
    assert_true(store16(&x->f, 0x08000200, 0x00FF));
    assert_true(store16(&x->f, 0x08000200, 0x0FF0)); /* not erased: refused, PGERR */
    assert_int_equal(at(x, 0x08000200), 0x00FF);
    assert_true(sim_flash_reg_read(&x->f, FLASH_SR) & SR_PGERR);
    /* Writing 0x0000 over anything is allowed. */
    sim_flash_reg_write(&x->f, FLASH_SR, SR_PGERR);
    assert_true(store16(&x->f, 0x08000200, 0x0000));
    assert_int_equal(at(x, 0x08000200), 0x0000);
    assert_false(sim_flash_reg_read(&x->f, FLASH_SR) & SR_PGERR);
}

static void test_width_and_alignment(void **state)
{
    struct fx *x = *state;
    unlock(&x->f, 0);
    sim_flash_reg_write(&x->f, FLASH_CR, CR_PG);
    const char *msg = NULL;
    assert_false(sim_flash_cpu_store(&x->f, 0x08000000, 4, 0x11223344, &msg));
    assert_non_null(strstr(msg, "16-bit"));
    assert_false(sim_flash_cpu_store(&x->f, 0x08000000, 1, 0x11, &msg));
    assert_false(sim_flash_cpu_store(&x->f, 0x08000001, 2, 0x1122, &msg));
    assert_non_null(strstr(msg, "unaligned"));
    assert_int_equal(at(x, 0x08000000), 0xFFFF);
    /* Without PG a store is a fault too. */
    sim_flash_reg_write(&x->f, FLASH_CR, 0);
    assert_false(sim_flash_cpu_store(&x->f, 0x08000000, 2, 0x1122, &msg));
    assert_non_null(strstr(msg, "PG"));
}

static void test_page_erase(void **state)
{
    struct fx *x = *state;
    memset(x->mem + 2048, 0x00, 4096); /* pages 1 and 2 programmed */
    unlock(&x->f, 0);
    sim_flash_reg_write(&x->f, FLASH_CR, CR_PER);
    sim_flash_reg_write(&x->f, FLASH_AR, 0x08000800 + 100); /* any address in page 1 */
    sim_flash_reg_write(&x->f, FLASH_CR, CR_PER | CR_STRT);
    while (sim_flash_reg_read(&x->f, FLASH_SR) & SR_BSY)
        ;
    for (int i = 0; i < 2048; i++)
        assert_int_equal(x->mem[2048 + i], 0xFF);
    assert_int_equal(x->mem[4096], 0x00); /* page 2 untouched */
    assert_true(sim_flash_reg_read(&x->f, FLASH_SR) & SR_EOP);
}

static void test_write_protected_page(void **state)
{
    struct fx *x = *state;
    x->opt[OB_WRP0] = 0xFE; /* bit 0: pages 0-1 protected */
    x->opt[OB_WRP0 + 1] = 0x01;
    sim_flash_reset(&x->f);
    assert_true(sim_flash_page_protected(&x->f, 0));
    assert_true(sim_flash_page_protected(&x->f, 1));
    assert_false(sim_flash_page_protected(&x->f, 2));
    unlock(&x->f, 0);
    sim_flash_reg_write(&x->f, FLASH_CR, CR_PG);
    assert_true(store16(&x->f, 0x08000000, 0x1234));
    assert_int_equal(at(x, 0x08000000), 0xFFFF);
    assert_true(sim_flash_reg_read(&x->f, FLASH_SR) & SR_WRPRTERR);
    assert_false(sim_flash_erase_page(&x->f, 1));
    assert_true(sim_flash_erase_page(&x->f, 2));
    /* Mass erase is refused while any page is protected. */
    assert_false(sim_flash_mass_erase(&x->f, 1));
}

static void test_bad_complement_reads_as_protected(void **state)
{
    struct fx *x = *state;
    x->opt[OB_RDP + 1] = 0x00; /* RDP 0xA5 but its complement is wrong */
    sim_flash_reset(&x->f);
    assert_true(x->f.rdp_active);
}

static void test_xl_bank2_has_its_own_controller(void **state)
{
    struct fx *x = *state;
    unlock(&x->f, 0);
    sim_flash_reg_write(&x->f, FLASH_CR, CR_PG);
    /* Bank 1 unlocked does not unlock bank 2. */
    const char *msg = NULL;
    assert_false(sim_flash_cpu_store(&x->f, 0x08080000, 2, 0x5555, &msg));
    unlock(&x->f, FLASH_BANK2);
    sim_flash_reg_write(&x->f, FLASH_BANK2 + FLASH_CR, CR_PG);
    assert_true(sim_flash_cpu_store(&x->f, 0x08080000, 2, 0x5555, &msg));
    assert_int_equal(at(x, 0x08080000), 0x5555);
    /* MER on bank 2 erases bank 2 only. */
    assert_true(store16(&x->f, 0x08000000, 0xAAAA));
    sim_flash_reg_write(&x->f, FLASH_BANK2 + FLASH_CR, CR_MER);
    sim_flash_reg_write(&x->f, FLASH_BANK2 + FLASH_CR, CR_MER | CR_STRT);
    while (sim_flash_reg_read(&x->f, FLASH_BANK2 + FLASH_SR) & SR_BSY)
        ;
    assert_int_equal(at(x, 0x08080000), 0xFFFF);
    assert_int_equal(at(x, 0x08000000), 0xAAAA);
}

static void test_realtime_busy_lasts_datasheet_time(void **state)
{
    struct fx *x = *state;
    int64_t t0 = sim_clock_now(&x->clock);
    assert_true(sim_flash_erase_page(&x->f, 3));
    int64_t d = sim_flash_busy_until(&x->f) - t0;
    /* DS5319: 20..40 ms; the model takes 30 ms. */
    assert_true(d >= 20000000 && d <= 40000000);
    assert_true(sim_flash_reg_read(&x->f, FLASH_SR) & SR_BSY);
}

/* A program polling BSY through a 30 ms erase: the erase still takes its time, on the board's
 * clock and on the wall clock (within the few ms the board may run ahead), but the poll loop
 * lets the time pass in steps of a few ms instead of spinning the host's CPU (sim_clock.h). */
static void test_realtime_busy_poll_lets_time_pass(void **state)
{
    struct fx *x = *state;
    int64_t wall0 = sim_monotonic_ns(), t0 = sim_clock_now(&x->clock);
    assert_true(sim_flash_erase_page(&x->f, 4));
    int64_t done = sim_flash_busy_until(&x->f);
    unsigned polls = 0;
    while (sim_flash_reg_read(&x->f, FLASH_SR) & SR_BSY)
        polls++;
    /* The first read sees BSY; each later one lets up to SIM_AHEAD_MAX_NS pass. */
    assert_true(polls >= 1 && polls <= 2 + (done - t0) / SIM_AHEAD_MAX_NS + 1);
    assert_true(sim_clock_now(&x->clock) >= done);
    assert_true(done - t0 >= 20000000);
    assert_true(sim_monotonic_ns() - wall0 >= done - t0 - SIM_AHEAD_MAX_NS);
}

static void test_power_cut_mid_erase_leaves_garbage(void **state)
{
    struct fx *x = *state;
    memset(x->mem + 5 * 2048, 0x00, 2048);
    assert_true(sim_flash_erase_page(&x->f, 5));
    sim_flash_power_cut(&x->f, sim_clock_now(&x->clock)); /* long before 30 ms pass */
    int ff = 0;
    for (int i = 0; i < 2048; i++)
        ff += x->mem[5 * 2048 + i] == 0xFF;
    assert_true(ff < 2048); /* not a clean erase */
}

/* ---- F2/F4 ---- */

static void unlock4(sim_flash *f)
{
    sim_flash_reg_write(f, FLASH4_KEYR, FLASH_KEY1);
    sim_flash_reg_write(f, FLASH4_KEYR, FLASH_KEY2);
}

static bool store(sim_flash *f, uint32_t addr, unsigned size, uint32_t v)
{
    const char *msg = NULL;
    return sim_flash_cpu_store(f, addr, size, v, &msg);
}

/* Poll SR until BSY drops (in fast mode the poll is where the time passes); the SR then. */
static uint32_t done4(sim_flash *f)
{
    uint32_t sr;
    while ((sr = sim_flash_reg_read(f, FLASH4_SR)) & SR4_BSY)
        ;
    return sr;
}

static uint32_t word(struct fx *x, uint32_t addr)
{
    uint32_t v;
    memcpy(&v, x->mem + (addr - 0x08000000), 4);
    return v;
}

static void test_f4_locked_and_sequence_errors(void **state)
{
    struct fx *x = *state;
    assert_true(sim_flash_reg_read(&x->f, FLASH4_CR) & CR4_LOCK);
    sim_flash_reg_write(&x->f, FLASH4_CR, CR4_PG); /* ignored while locked */
    assert_int_equal(sim_flash_reg_read(&x->f, FLASH4_CR), CR4_LOCK);
    assert_true(store(&x->f, 0x08000000, 4, 0));  /* no bus fault, but PGSERR and nothing written */
    assert_int_equal(sim_flash_reg_read(&x->f, FLASH4_SR), SR4_PGSERR);
    assert_int_equal(word(x, 0x08000000), 0xFFFFFFFFu);
    sim_flash_reg_write(&x->f, FLASH4_SR, SR4_PGSERR);
    assert_int_equal(sim_flash_reg_read(&x->f, FLASH4_SR), 0);
    unlock4(&x->f);
    assert_false(sim_flash_reg_read(&x->f, FLASH4_CR) & CR4_LOCK);
    assert_true(store(&x->f, 0x08000000, 4, 0)); /* unlocked, PG clear: still a sequence error */
    assert_int_equal(sim_flash_reg_read(&x->f, FLASH4_SR), SR4_PGSERR);
    /* A wrong key locks until reset. */
    sim_flash_reg_write(&x->f, FLASH4_CR, CR4_LOCK);
    sim_flash_reg_write(&x->f, FLASH4_KEYR, 0x12345678);
    unlock4(&x->f);
    assert_true(sim_flash_reg_read(&x->f, FLASH4_CR) & CR4_LOCK);
    sim_flash_reset(&x->f);
    unlock4(&x->f);
    assert_false(sim_flash_reg_read(&x->f, FLASH4_CR) & CR4_LOCK);
}

static void test_f4_width_alignment_and_overwrite(void **state)
{
    struct fx *x = *state;
    unlock4(&x->f);
    sim_flash_reg_write(&x->f, FLASH4_CR, CR4_PG | 2u << 8); /* PSIZE x32 */
    assert_true(store(&x->f, 0x08000100, 2, 0x1234));     /* a half word: PGPERR */
    assert_int_equal(sim_flash_reg_read(&x->f, FLASH4_SR), SR4_PGPERR);
    sim_flash_reg_write(&x->f, FLASH4_SR, SR4_PGPERR);
    assert_true(store(&x->f, 0x08000102, 4, 0x12345678)); /* misaligned word: split, so PGPERR */
    assert_int_equal(sim_flash_reg_read(&x->f, FLASH4_SR), SR4_PGPERR);
    assert_int_equal(word(x, 0x08000100), 0xFFFFFFFFu);
    assert_int_equal(word(x, 0x08000104), 0xFFFFFFFFu);
    sim_flash_reg_write(&x->f, FLASH4_SR, SR4_PGPERR);
    assert_true(store(&x->f, 0x08000100, 4, 0x12345678));
    assert_int_equal(word(x, 0x08000100), 0x12345678u);
    assert_int_equal(done4(&x->f), SR4_EOP);
    /* Clearing more bits is allowed; a 0 that should become 1 stays 0, and no flag says so. */
    assert_true(store(&x->f, 0x08000100, 4, 0x02240670));
    done4(&x->f);
    assert_int_equal(word(x, 0x08000100), 0x02240670u);
    assert_true(store(&x->f, 0x08000100, 4, 0xF0F0F0F0u));
    assert_int_equal(word(x, 0x08000100), 0x00200070u);
    assert_int_equal(done4(&x->f) & ~SR4_EOP, 0);
    /* PSIZE x8: bytes. */
    sim_flash_reg_write(&x->f, FLASH4_CR, CR4_PG);
    assert_true(store(&x->f, 0x08000203, 1, 0x5A));
    assert_int_equal(x->mem[0x203], 0x5A);
}

static void test_f4_sector_erase_and_protection(void **state)
{
    struct fx *x = *state;
    memset(x->mem, 0x00, x->part->flash_size);
    unlock4(&x->f);
    /* Sector 4 is the 64 KiB one at 0x08010000: exactly it is erased. */
    sim_flash_reg_write(&x->f, FLASH4_CR, CR4_SER | 4u << 3 | 2u << 8);
    sim_flash_reg_write(&x->f, FLASH4_CR, CR4_SER | 4u << 3 | 2u << 8 | CR4_STRT);
    assert_int_equal(done4(&x->f), SR4_EOP);
    assert_int_equal(x->mem[0xFFFF], 0x00);
    assert_int_equal(x->mem[0x10000], 0xFF);
    assert_int_equal(x->mem[0x1FFFF], 0xFF);
    assert_int_equal(x->mem[0x20000], 0x00);
    /* No sector 12 on a 1 MiB part: OPERR, nothing erased. */
    sim_flash_reg_write(&x->f, FLASH4_CR, CR4_SER | 12u << 3 | CR4_STRT);
    assert_true(sim_flash_reg_read(&x->f, FLASH4_SR) & SR4_OPERR);
    /* nWRP bit 6 cleared through OPTCR (keys, OPTSTRT) protects sector 6 after the reset. */
    sim_flash_reg_write(&x->f, FLASH4_OPTKEYR, OPT4_KEY1);
    sim_flash_reg_write(&x->f, FLASH4_OPTKEYR, OPT4_KEY2);
    uint32_t optcr = sim_flash_reg_read(&x->f, FLASH4_OPTCR);
    assert_int_equal(optcr & 1u, 0);
    assert_int_equal((optcr >> 8) & 0xFF, 0xAA);
    sim_flash_reg_write(&x->f, FLASH4_OPTCR, (optcr & ~(1u << (16 + 6))) | 2u);
    done4(&x->f);
    sim_flash_reset(&x->f);
    assert_int_equal((sim_flash_reg_read(&x->f, FLASH4_OPTCR) >> 16) & 0xFFF, 0xFBF);
    unlock4(&x->f);
    sim_flash_reg_write(&x->f, FLASH4_CR, CR4_SER | 6u << 3 | CR4_STRT);
    assert_true(sim_flash_reg_read(&x->f, FLASH4_SR) & SR4_WRPERR);
    assert_int_equal(x->mem[0x40000], 0x00);
    sim_flash_reg_write(&x->f, FLASH4_CR, CR4_PG | 2u << 8);
    assert_true(store(&x->f, 0x08040000, 4, 0));
    assert_true(sim_flash_reg_read(&x->f, FLASH4_SR) & SR4_WRPERR);
}

/* The erase time follows PSIZE: a 16 KiB sector at x32 takes half its x8 time (sim_flash_f4.c). */
static void test_f4_erase_time_follows_psize(void **state)
{
    struct fx *x = *state;
    unlock4(&x->f);
    int64_t t0 = sim_clock_now(&x->clock);
    sim_flash_reg_write(&x->f, FLASH4_CR, CR4_SER | 2u << 8 | CR4_STRT);
    assert_int_equal(sim_flash_busy_until(&x->f) - t0 >= 200000000 - 2000000, true);
    assert_int_equal(sim_flash_busy_until(&x->f) - t0 <= 200000000 + 2000000, true);
    assert_true(sim_flash_reg_read(&x->f, FLASH4_SR) & SR4_BSY);
    sim_flash_reg_write(&x->f, FLASH4_CR, 0); /* CR written while BSY: PGSERR */
    assert_true(sim_flash_reg_read(&x->f, FLASH4_SR) & SR4_PGSERR);
}

/* ---- L4/G4: KEYR 0x08, SR 0x10, CR 0x14 ---- */

enum { L4KEYR = 0x08, L4SR = 0x10, L4CR = 0x14 };
enum { L4_PG = 1u << 0, L4_PER = 1u << 1, L4_MER1 = 1u << 2, L4_BKER = 1u << 11, L4_MER2 = 1u << 15,
       L4_STRT = 1u << 16, L4_LOCK = 1u << 31 };
enum { L4_EOP = 1u << 0, L4_OPERR = 1u << 1, L4_PROGERR = 1u << 3, L4_PGAERR = 1u << 5, L4_SIZERR = 1u << 6,
       L4_PGSERR = 1u << 7, L4_BSY = 1u << 16 };

static uint32_t done_l4(sim_flash *f)
{
    uint32_t sr;
    while ((sr = sim_flash_reg_read(f, L4SR)) & L4_BSY)
        ;
    return sr;
}

static void test_l4_double_words(void **state)
{
    struct fx *x = *state;
    assert_true(store(&x->f, 0x08000000, 4, 0)); /* locked: PGSERR */
    assert_int_equal(sim_flash_reg_read(&x->f, L4SR), L4_PGSERR);
    sim_flash_reg_write(&x->f, L4KEYR, FLASH_KEY1);
    sim_flash_reg_write(&x->f, L4KEYR, FLASH_KEY2);
    assert_false(sim_flash_reg_read(&x->f, L4CR) & L4_LOCK);
    sim_flash_reg_write(&x->f, L4CR, L4_PG);
    /* A flag left from before fails the next operation. */
    assert_true(store(&x->f, 0x08000000, 4, 0x11111111));
    assert_int_equal(sim_flash_reg_read(&x->f, L4SR), L4_PGSERR);
    assert_int_equal(word(x, 0x08000000), 0xFFFFFFFFu);
    sim_flash_reg_write(&x->f, L4SR, L4_PGSERR);
    /* Two words make a double word; it programs when the second arrives. */
    assert_true(store(&x->f, 0x08000000, 4, 0x11111111));
    assert_int_equal(word(x, 0x08000000), 0xFFFFFFFFu);
    assert_true(store(&x->f, 0x08000004, 4, 0x22222222));
    assert_int_equal(done_l4(&x->f), L4_EOP);
    assert_int_equal(word(x, 0x08000000), 0x11111111u);
    assert_int_equal(word(x, 0x08000004), 0x22222222u);
    sim_flash_reg_write(&x->f, L4SR, L4_EOP);
    /* Half words: SIZERR. A first word not 8-aligned, or a second elsewhere: PGAERR. */
    assert_true(store(&x->f, 0x08000010, 2, 0x3333));
    assert_int_equal(sim_flash_reg_read(&x->f, L4SR), L4_SIZERR);
    sim_flash_reg_write(&x->f, L4SR, L4_SIZERR);
    assert_true(store(&x->f, 0x08000014, 4, 0x44444444));
    assert_int_equal(sim_flash_reg_read(&x->f, L4SR), L4_PGAERR);
    sim_flash_reg_write(&x->f, L4SR, L4_PGAERR);
    assert_true(store(&x->f, 0x08000010, 4, 0x55555555));
    assert_true(store(&x->f, 0x08000018, 4, 0x66666666));
    assert_int_equal(sim_flash_reg_read(&x->f, L4SR), L4_PGAERR);
    assert_int_equal(word(x, 0x08000010), 0xFFFFFFFFu);
    sim_flash_reg_write(&x->f, L4SR, L4_PGAERR);
    /* Over a programmed double word: PROGERR, unless all zero. */
    assert_true(store(&x->f, 0x08000000, 4, 0x01010101));
    assert_true(store(&x->f, 0x08000004, 4, 0x02020202));
    assert_int_equal(done_l4(&x->f), L4_PROGERR);
    assert_int_equal(word(x, 0x08000000), 0x11111111u);
    sim_flash_reg_write(&x->f, L4SR, L4_PROGERR);
    assert_true(store(&x->f, 0x08000000, 4, 0));
    assert_true(store(&x->f, 0x08000004, 4, 0));
    assert_int_equal(done_l4(&x->f), L4_EOP);
    assert_int_equal(word(x, 0x08000000), 0u);
}

static void test_l4_pages_in_two_banks(void **state)
{
    struct fx *x = *state;
    memset(x->mem, 0x00, x->part->flash_size);
    sim_flash_reg_write(&x->f, L4KEYR, FLASH_KEY1);
    sim_flash_reg_write(&x->f, L4KEYR, FLASH_KEY2);
    /* Page 3 of bank 2 is the flash's page 259, at 0x08081800. */
    sim_flash_reg_write(&x->f, L4CR, L4_PER | L4_BKER | 3u << 3 | L4_STRT);
    assert_int_equal(done_l4(&x->f), L4_EOP);
    assert_int_equal(x->mem[0x817FF], 0x00);
    assert_int_equal(x->mem[0x81800], 0xFF);
    assert_int_equal(x->mem[0x81FFF], 0xFF);
    assert_int_equal(x->mem[0x82000], 0x00);
    assert_int_equal(x->mem[0x1800], 0x00); /* page 3 of bank 1 untouched */
    /* PER and MER1 together: a sequence error, nothing erased. */
    sim_flash_reg_write(&x->f, L4SR, L4_EOP);
    sim_flash_reg_write(&x->f, L4CR, L4_PER | L4_MER1 | L4_STRT);
    assert_int_equal(sim_flash_reg_read(&x->f, L4SR), L4_PGSERR);
    sim_flash_reg_write(&x->f, L4SR, L4_PGSERR);
    assert_int_equal(x->mem[0], 0x00);
    /* MER2 erases bank 2 only. */
    sim_flash_reg_write(&x->f, L4SR, L4_EOP);
    sim_flash_reg_write(&x->f, L4CR, L4_MER2 | L4_STRT);
    assert_int_equal(done_l4(&x->f), L4_EOP);
    assert_int_equal(x->mem[0x7FFFF], 0x00);
    assert_int_equal(x->mem[0x80000], 0xFF);
    assert_int_equal(x->mem[0xFFFFF], 0xFF);
}

/* ---- L5/U5: NSKEYR 0x08, NSSR 0x20 (WRPERR bit 4), NSCR 0x28 (stm32u575xx.h FLASH_TypeDef,
 * FLASH_NSSR_WRPERR_Pos 4); a WRP area in the option registers (WRP1AR at +0x18, WRP2AR at
 * +0x28 of the option area) refuses erase and program inside it with WRPERR (RM0438 6.5.2,
 * RM0456 7.6.2) and leaves the page as it was. ---- */

enum { NSKEYR = 0x08, NSSR = 0x20, NSCR = 0x28, NS_WRPERR = 1u << 4 };

static uint32_t done_ns(sim_flash *f)
{
    uint32_t sr;
    while ((sr = sim_flash_reg_read(f, NSSR)) & (1u << 16))
        ;
    return sr;
}

static void test_l5_u5_wrp_areas_set_wrperr(void **state)
{
    struct fx *x = *state;
    uint32_t page = x->part->page_size, bank2 = x->part->bank2_base - 0x08000000u;
    unsigned unit = x->part->program_bytes;
    x->opt[0x18] = 2, x->opt[0x1A] = 2; /* WRP1A: page 2 of bank 1 */
    x->opt[0x28] = 0, x->opt[0x2A] = 0; /* WRP2A: page 0 of bank 2 */
    sim_flash_reset(&x->f);
    memset(x->mem, 0x00, x->part->flash_size);
    sim_flash_reg_write(&x->f, NSKEYR, FLASH_KEY1);
    sim_flash_reg_write(&x->f, NSKEYR, FLASH_KEY2);
    /* Erase inside an area: WRPERR, nothing erased. */
    sim_flash_reg_write(&x->f, NSCR, L4_PER | 2u << 3 | L4_STRT);
    assert_int_equal(done_ns(&x->f) & NS_WRPERR, NS_WRPERR);
    assert_int_equal(x->mem[2 * page], 0x00);
    sim_flash_reg_write(&x->f, NSSR, NS_WRPERR);
    sim_flash_reg_write(&x->f, NSCR, L4_PER | L4_BKER | 0u << 3 | L4_STRT);
    assert_int_equal(done_ns(&x->f) & NS_WRPERR, NS_WRPERR);
    assert_int_equal(x->mem[bank2], 0x00);
    sim_flash_reg_write(&x->f, NSSR, NS_WRPERR);
    /* Outside: erased. */
    sim_flash_reg_write(&x->f, NSCR, L4_PER | 3u << 3 | L4_STRT);
    assert_int_equal(done_ns(&x->f), L4_EOP);
    assert_int_equal(x->mem[3 * page], 0xFF);
    sim_flash_reg_write(&x->f, NSSR, L4_EOP);
    sim_flash_reg_write(&x->f, NSCR, L4_PER | L4_BKER | 1u << 3 | L4_STRT);
    assert_int_equal(done_ns(&x->f), L4_EOP);
    assert_int_equal(x->mem[bank2 + page], 0xFF);
    sim_flash_reg_write(&x->f, NSSR, L4_EOP);
    /* Program a unit (double word, the U5's quad-word) inside an area: WRPERR, not written. */
    memset(x->mem + 2 * page, 0xFF, unit);
    sim_flash_reg_write(&x->f, NSCR, L4_PG);
    for (unsigned i = 0; i < unit; i += 4)
        assert_true(store(&x->f, 0x08000000 + 2 * page + i, 4, 0x12345678));
    assert_int_equal(done_ns(&x->f) & NS_WRPERR, NS_WRPERR);
    assert_int_equal(word(x, 0x08000000 + 2 * page), 0xFFFFFFFFu);
    sim_flash_reg_write(&x->f, NSSR, NS_WRPERR);
    for (unsigned i = 0; i < unit; i += 4)
        assert_true(store(&x->f, 0x08000000 + 3 * page + i, 4, 0x12345678));
    assert_int_equal(done_ns(&x->f), L4_EOP);
    assert_int_equal(word(x, 0x08000000 + 3 * page), 0x12345678u);
}

/* ---- L0/L1: PECR 0x04, PEKEYR 0x0C, PRGKEYR 0x10, SR 0x18; erased = 0 ---- */

enum { L0PECR = 0x04, L0PEKEYR = 0x0C, L0PRGKEYR = 0x10, L0SR = 0x18 };

static uint32_t done_l0(sim_flash *f)
{
    uint32_t sr;
    while ((sr = sim_flash_reg_read(f, L0SR)) & 1u)
        ;
    return sr;
}

static void test_l0_keys_half_pages_and_erase(void **state)
{
    struct fx *x = *state;
    memset(x->mem, 0, x->part->flash_size);
    assert_int_equal(sim_flash_reg_read(&x->f, L0PECR), 7u); /* PELOCK, PRGLOCK, OPTLOCK */
    assert_true(store(&x->f, 0x08000000, 4, 0x11111111));   /* locked: WRPERR, nothing written */
    assert_true(sim_flash_reg_read(&x->f, L0SR) & (1u << 8));
    assert_int_equal(word(x, 0x08000000), 0u);
    sim_flash_reg_write(&x->f, L0SR, 1u << 8);
    sim_flash_reg_write(&x->f, L0PRGKEYR, 0x8C9DAEBF);       /* PRGKEYR before PEKEYR: ignored */
    assert_int_equal(sim_flash_reg_read(&x->f, L0PECR), 7u);
    sim_flash_reg_write(&x->f, L0PEKEYR, 0x89ABCDEF);
    sim_flash_reg_write(&x->f, L0PEKEYR, 0x02030405);
    sim_flash_reg_write(&x->f, L0PRGKEYR, 0x8C9DAEBF);
    sim_flash_reg_write(&x->f, L0PRGKEYR, 0x13141516);
    assert_int_equal(sim_flash_reg_read(&x->f, L0PECR), 4u); /* only OPTLOCK left */
    /* A word; a half-word store: SIZERR. */
    assert_true(store(&x->f, 0x08000080, 4, 0xA5A5A5A5));
    assert_true(done_l0(&x->f) & (1u << 1));                 /* EOP */
    assert_int_equal(word(x, 0x08000080), 0xA5A5A5A5u);
    assert_true(store(&x->f, 0x08000084, 2, 0x1234));
    assert_true(sim_flash_reg_read(&x->f, L0SR) & (1u << 10));
    sim_flash_reg_write(&x->f, L0SR, (1u << 10) | (1u << 1));
    /* Over a word that is not 0: NOTZEROERR, nothing written. */
    assert_true(store(&x->f, 0x08000080, 4, 0x5A5A5A5A));
    assert_true(done_l0(&x->f) & (1u << 16));
    assert_int_equal(word(x, 0x08000080), 0xA5A5A5A5u);
    sim_flash_reg_write(&x->f, L0SR, (1u << 16) | (1u << 1));
    /* Half-page: 16 words from a 64-byte boundary, programmed at the 16th; one out of order: PGAERR. */
    sim_flash_reg_write(&x->f, L0PECR, (1u << 10) | (1u << 3));
    for (uint32_t i = 0; i < 15; i++)
        assert_true(store(&x->f, 0x08000100 + 4 * i, 4, 0x01010101u * (i + 1)));
    assert_int_equal(word(x, 0x08000100), 0u);
    assert_true(store(&x->f, 0x0800013C, 4, 0x10101010u));
    done_l0(&x->f);
    assert_int_equal(word(x, 0x08000100), 0x01010101u);
    assert_int_equal(word(x, 0x0800013C), 0x10101010u);
    assert_true(store(&x->f, 0x08000144, 4, 1));             /* not a half-page start */
    assert_true(sim_flash_reg_read(&x->f, L0SR) & (1u << 9));
    /* Page erase: ERASE and PROG, a store into the page; the page reads 0 again. */
    sim_flash_reg_write(&x->f, L0SR, 1u << 9);
    sim_flash_reg_write(&x->f, L0PECR, (1u << 9) | (1u << 3));
    assert_true(store(&x->f, 0x08000104, 4, 0));
    done_l0(&x->f);
    assert_int_equal(word(x, 0x08000100), 0u);
    assert_int_equal(word(x, 0x08000080), 0xA5A5A5A5u); /* page 0 untouched */
}

/* ---- H7: a register set per bank (+0x100): KEYR 0x04, CR 0x0C, SR 0x10, CCR 0x14 ---- */

static uint32_t done_h7(sim_flash *f, uint32_t bank)
{
    uint32_t sr;
    while ((sr = sim_flash_reg_read(f, bank + 0x10)) & 5u) /* BSY, QW */
        ;
    return sr;
}

static void test_h7_flash_words_and_banks(void **state)
{
    struct fx *x = *state;
    assert_true(store(&x->f, 0x08000000, 4, 0));            /* locked: PGSERR */
    assert_true(sim_flash_reg_read(&x->f, 0x10) & (1u << 18));
    sim_flash_reg_write(&x->f, 0x14, 1u << 18);
    sim_flash_reg_write(&x->f, 0x04, FLASH_KEY1);
    sim_flash_reg_write(&x->f, 0x04, FLASH_KEY2);
    assert_int_equal(sim_flash_reg_read(&x->f, 0x0C) & 1u, 0);
    assert_int_equal(sim_flash_reg_read(&x->f, 0x10C) & 1u, 1u); /* bank 2 still locked */
    /* Eight words make a flash word; seven leave it pending (WBNE). */
    sim_flash_reg_write(&x->f, 0x0C, 2u | (3u << 4));
    for (uint32_t i = 0; i < 7; i++)
        assert_true(store(&x->f, 0x08000020 + 4 * i, 4, i + 1));
    assert_true(sim_flash_reg_read(&x->f, 0x10) & 2u);
    assert_int_equal(word(x, 0x08000020), 0xFFFFFFFFu);
    assert_true(store(&x->f, 0x0800003C, 4, 8));
    assert_true(done_h7(&x->f, 0) & (1u << 16));            /* EOP */
    assert_int_equal(word(x, 0x08000020), 1u);
    assert_int_equal(word(x, 0x0800003C), 8u);
    /* A word of another flash word while one is half written: INCERR. */
    assert_true(store(&x->f, 0x08000040, 4, 1));
    assert_true(store(&x->f, 0x08000080, 4, 1));
    assert_true(sim_flash_reg_read(&x->f, 0x10) & (1u << 21));
    sim_flash_reg_write(&x->f, 0x14, (1u << 21) | (1u << 16));
    /* FW forces a half-written word out, the rest erased. */
    assert_true(store(&x->f, 0x08000060, 4, 0x77));
    sim_flash_reg_write(&x->f, 0x0C, 2u | (3u << 4) | (1u << 6));
    done_h7(&x->f, 0);
    assert_int_equal(word(x, 0x08000060), 0x77u);
    assert_int_equal(word(x, 0x08000064), 0xFFFFFFFFu);
    /* Bank 2: its own keys; SER with SNB 1 erases its second sector only. */
    memset(x->mem + 0x100000, 0, 0x60000);
    sim_flash_reg_write(&x->f, 0x104, FLASH_KEY1);
    sim_flash_reg_write(&x->f, 0x104, FLASH_KEY2);
    sim_flash_reg_write(&x->f, 0x10C, (1u << 2) | (1u << 8) | (1u << 7));
    done_h7(&x->f, 0x100);
    assert_int_equal(x->mem[0x11FFFF], 0x00);
    assert_int_equal(x->mem[0x120000], 0xFF);
    assert_int_equal(x->mem[0x13FFFF], 0xFF);
    assert_int_equal(x->mem[0x140000], 0x00);
}

/* The empty check's note (G0: FLASH_ACR EMPTY, read/write; L4: FLASH_SR PEMPTY, a 1 toggles it),
 * taken at option-byte loading; OBL_LAUNCH needs LOCK and OPTLOCK cleared (the keys). */
static void unlock_options_l4(struct fx *x)
{
    sim_flash_reg_write(&x->f, 0x08, 0x45670123u);
    sim_flash_reg_write(&x->f, 0x08, 0xCDEF89ABu);
    sim_flash_reg_write(&x->f, 0x0C, 0x08192A3Bu);
    sim_flash_reg_write(&x->f, 0x0C, 0x4C5D6E7Fu);
}

static void test_g0_empty_note_and_option_load(void **state)
{
    struct fx *x = *state;
    sim_flash_option_load(&x->f);
    assert_true(sim_flash_reg_read(&x->f, 0x00) & (1u << 16)); /* erased at loading: EMPTY */
    memset(x->mem, 0x12, 4);                                    /* programmed behind its back */
    assert_true(sim_flash_reg_read(&x->f, 0x00) & (1u << 16)); /* the note stands */
    sim_flash_reg_write(&x->f, 0x14, 1u << 27);                /* OBL_LAUNCH while locked: nothing */
    assert_false(x->f.obl_request);
    unlock_options_l4(x);
    assert_false(sim_flash_reg_read(&x->f, 0x14) & (1u << 30)); /* OPTLOCK cleared by the keys */
    sim_flash_reg_write(&x->f, 0x14, 1u << 27);
    assert_true(x->f.obl_request);
    sim_flash_option_load(&x->f);                               /* what the reset does */
    assert_false(sim_flash_reg_read(&x->f, 0x00) & (1u << 16));
    sim_flash_reg_write(&x->f, 0x00, 2u | 1u << 16);            /* software may set it */
    assert_int_equal(sim_flash_reg_read(&x->f, 0x00), 2u | 1u << 16);
}

static void test_l4_pempty_toggles(void **state)
{
    struct fx *x = *state;
    sim_flash_option_load(&x->f);
    assert_true(sim_flash_reg_read(&x->f, 0x10) & (1u << 17));
    sim_flash_reg_write(&x->f, 0x10, 1u << 17);
    assert_false(sim_flash_reg_read(&x->f, 0x10) & (1u << 17));
    sim_flash_reg_write(&x->f, 0x10, 1u << 17);
    assert_true(sim_flash_reg_read(&x->f, 0x10) & (1u << 17));
}

/* H743xG: bank 2 has 4 sectors; SNB 4 is no sector of it, and a store into the hole between the
 * banks sets OPERR and writes nothing. */
static void test_h7_hole_and_sectors_of_a_1mib_part(void **state)
{
    struct fx *x = *state;
    const uint32_t b2 = 0x100; /* bank 2's registers */
    for (uint32_t b = 0; b <= b2; b += b2) {
        sim_flash_reg_write(&x->f, b + 0x04, 0x45670123u);
        sim_flash_reg_write(&x->f, b + 0x04, 0xCDEF89ABu);
    }
    sim_flash_reg_write(&x->f, b2 + 0x0C, (1u << 2) | (4u << 8) | (1u << 7)); /* SER, SNB 4, START */
    assert_true(sim_flash_reg_read(&x->f, b2 + 0x10) & (1u << 22));
    sim_flash_reg_write(&x->f, 0x0C, 1u << 1); /* PG */
    const char *msg = NULL;
    assert_true(sim_flash_cpu_store(&x->f, 0x08080000, 4, 0x12345678u, &msg));
    assert_true(sim_flash_reg_read(&x->f, 0x10) & (1u << 22));
    assert_int_equal(x->mem[0x80000], 0xFF);
}

/* A board's flash file is written only when its flash or option bytes differ from the file: an
 * in-process board that a host only read leaves the file as it was (its port saves at close). A
 * save writes a new file and renames it over the old one, so a rewrite shows as a new inode. */
static void test_flash_file_rewritten_only_when_changed(void **state)
{
    (void)state;
    char dir[] = "/tmp/stubflash-save-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/board.flash", dir);
    sim_options opt = {.boot0 = true, .flash_file = path};
    const sim_part *p = sim_part_find("stm32f103re");
    sim_board *b = sim_board_new(p, &opt, NULL);
    assert_non_null(b);
    struct stat first, now;
    assert_int_equal(sim_board_save(b, NULL), 0); /* no file yet: written */
    assert_int_equal(stat(path, &first), 0);
    assert_int_equal(sim_board_save(b, NULL), 0);
    assert_int_equal(stat(path, &now), 0);
    assert_true(now.st_ino == first.st_ino);
    uint8_t v = 0x42, got = 0;
    assert_int_equal(sim_board_poke(b, 0x08000010, &v, 1), 0);
    assert_int_equal(sim_board_save(b, NULL), 0);
    assert_int_equal(stat(path, &now), 0);
    assert_true(now.st_ino != first.st_ino);
    sim_board_free(b);
    b = sim_board_new(p, &opt, NULL); /* loaded from the file: the byte, and nothing to save */
    assert_non_null(b);
    assert_int_equal(sim_board_peek(b, 0x08000010, &got, 1), 0);
    assert_int_equal(got, 0x42);
    assert_int_equal(stat(path, &first), 0);
    assert_int_equal(sim_board_save(b, NULL), 0);
    assert_int_equal(stat(path, &now), 0);
    assert_true(now.st_ino == first.st_ino);
    sim_board_free(b);
    /* A byte written with the value it holds leaves its page written but the same: nothing
     * to save. An option byte changed is saved. */
    b = sim_board_new(p, &opt, NULL);
    assert_non_null(b);
    assert_int_equal(sim_board_poke(b, 0x08000010, &got, 1), 0);
    assert_int_equal(sim_board_save(b, NULL), 0);
    assert_int_equal(stat(path, &now), 0);
    assert_true(now.st_ino == first.st_ino);
    uint8_t user = 0, user_new = 0x5A, user_back = 0;
    /* Data0 (OB_DATA_ADDRESS_DATA0 in ST's stm32f1xx_hal_flash_ex.h) */
    assert_int_equal(sim_board_peek(b, 0x1FFFF804, &user, 1), 0);
    assert_int_equal(sim_board_poke(b, 0x1FFFF804, &user_new, 1), 0);
    assert_int_equal(sim_board_save(b, NULL), 0);
    assert_int_equal(stat(path, &now), 0);
    assert_true(now.st_ino != first.st_ino);
    first = now;
    sim_board_free(b);
    b = sim_board_new(p, &opt, NULL);
    assert_non_null(b);
    assert_int_equal(sim_board_peek(b, 0x1FFFF804, &user_back, 1), 0);
    assert_int_equal(user_back, 0x5A);
    assert_int_equal(sim_board_poke(b, 0x1FFFF804, &user, 1), 0);
    assert_int_equal(sim_board_save(b, NULL), 0);
    assert_int_equal(stat(path, &first), 0);
    sim_board_free(b);
    /* A change made while the board starts (its warm thread making the core) is saved. */
    b = sim_board_new(p, &opt, NULL);
    assert_non_null(b);
    v = 0x24;
    assert_int_equal(sim_board_poke(b, 0x08000010, &v, 1), 0);
    assert_int_equal(sim_board_start(b), 0);
    sim_board_stop(b);
    assert_int_equal(sim_board_save(b, NULL), 0);
    assert_int_equal(stat(path, &now), 0);
    assert_true(now.st_ino != first.st_ino);
    sim_board_free(b);
    b = sim_board_new(p, &opt, NULL);
    assert_non_null(b);
    assert_int_equal(sim_board_peek(b, 0x08000010, &got, 1), 0);
    assert_int_equal(got, 0x24);
    sim_board_free(b);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

/* A flash mapped from a file tells which of its pages were written since: none after reads,
 * then exactly the one a byte went to (what lets a save compare only those, sim_board_save). */
static void test_flash_pages_written_since_mapped(void **state)
{
    (void)state;
    char path[] = "/tmp/stubflash-pages-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const struct sim_part *p = (const struct sim_part *)sim_part_find("stm32f103re");
    uint8_t *blank = malloc(p->flash_size);
    memset(blank, 0xA5, p->flash_size);
    assert_int_equal(write(fd, blank, p->flash_size), (ssize_t)p->flash_size);
    sim_memory m;
    assert_int_equal(sim_memory_init(&m, p, fd), 0);
    close(fd);
    size_t page = sim_memory_page_size(), npages = p->flash_size / page;
    bool *written = calloc(npages, 1);
    assert_true(sim_memory_flash_written(&m, written, npages));
    for (size_t i = 0; i < npages; i++)
        assert_false(written[i]);
    assert_memory_equal(m.flash, blank, p->flash_size); /* every page read */
    assert_true(sim_memory_flash_written(&m, written, npages));
    for (size_t i = 0; i < npages; i++)
        assert_false(written[i]);
    m.flash[5 * page + 17] = 0x00;
    assert_true(sim_memory_flash_written(&m, written, npages));
    for (size_t i = 0; i < npages; i++)
        assert_int_equal(written[i], i == 5);
    sim_memory_free(&m);
    assert_int_equal(sim_memory_init(&m, p, -1), 0); /* erased memory, no file: cannot tell */
    assert_false(sim_memory_flash_written(&m, written, npages));
    sim_memory_free(&m);
    free(written);
    free(blank);
    assert_int_equal(unlink(path), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reset_state_is_locked, setup_hd, teardown),
        cmocka_unit_test(test_flash_pages_written_since_mapped),
        cmocka_unit_test_setup_teardown(test_unlock_and_program, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_key_locks_until_reset, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_program_not_erased_sets_pgerr, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_width_and_alignment, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_page_erase, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_write_protected_page, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_bad_complement_reads_as_protected, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_xl_bank2_has_its_own_controller, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_realtime_busy_lasts_datasheet_time, setup_hd_realtime, teardown),
        cmocka_unit_test_setup_teardown(test_realtime_busy_poll_lets_time_pass, setup_hd_realtime, teardown),
        cmocka_unit_test_setup_teardown(test_power_cut_mid_erase_leaves_garbage, setup_hd_realtime, teardown),
        cmocka_unit_test_setup_teardown(test_f4_locked_and_sequence_errors, setup_f407, teardown),
        cmocka_unit_test_setup_teardown(test_f4_width_alignment_and_overwrite, setup_f407, teardown),
        cmocka_unit_test_setup_teardown(test_f4_sector_erase_and_protection, setup_f407, teardown),
        cmocka_unit_test_setup_teardown(test_f4_erase_time_follows_psize, setup_f401_realtime, teardown),
        cmocka_unit_test_setup_teardown(test_l4_double_words, setup_l476, teardown),
        cmocka_unit_test_setup_teardown(test_g0_empty_note_and_option_load, setup_g071, teardown),
        cmocka_unit_test_setup_teardown(test_l4_pempty_toggles, setup_l432, teardown),
        cmocka_unit_test_setup_teardown(test_h7_hole_and_sectors_of_a_1mib_part, setup_h743zg, teardown),
        cmocka_unit_test_setup_teardown(test_l4_pages_in_two_banks, setup_l476, teardown),
        cmocka_unit_test_setup_teardown(test_l5_u5_wrp_areas_set_wrperr, setup_l552, teardown),
        cmocka_unit_test_setup_teardown(test_l5_u5_wrp_areas_set_wrperr, setup_u575, teardown),
        cmocka_unit_test_setup_teardown(test_l0_keys_half_pages_and_erase, setup_l072, teardown),
        cmocka_unit_test_setup_teardown(test_h7_flash_words_and_banks, setup_h743, teardown),
        cmocka_unit_test(test_flash_file_rewritten_only_when_changed),
    };
    return cmocka_run_group_tests_name("sim_flash", tests, NULL, NULL);
}
