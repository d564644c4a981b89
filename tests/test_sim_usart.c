/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_sim_usart.c - the silicon rules of USART1 and the F2/F4/F7 RCC through their register
 * interfaces, with a line and the host on its other end: the newer USART takes BRR and CR1's
 * format fields only while UE=0 (RM0351 40.8.1/40.8.4, RM0091 27.8.1/27.8.4), the older one at
 * any time (RM0008 27.3.4); a rate change the way the stub made it before (BRR written with
 * UE=1) leaves the chip deaf at the new rate; the F4's PLLCFGR takes no write while PLLON=1
 * (RM0090 6.3.2). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "sim_line.h"
#include "sim_part.h"
#include "sim_periph.h"
#include "stm32sim.h"

enum { V2_CR1 = 0x00, V2_CR3 = 0x08, V2_BRR = 0x0C, V2_ISR = 0x1C, V2_RDR = 0x24, V2_TDR = 0x28 };
enum { V1_SR = 0x00, V1_DR = 0x04, V1_BRR = 0x08, V1_CR1 = 0x0C, V1_CR3 = 0x14 };
enum { TE = 1u << 3, RE = 1u << 2, M0 = 1u << 12, PCE = 1u << 10, OVER8 = 1u << 15, TC = 1u << 6, TXE = 1u << 7 };

/* USART1 of a part with its RCC at reset, USART1's clock on, and the line to the host. */
struct fx {
    const struct sim_part *part;
    const sfi_family *fam;
    sim_clock clock;
    sim_line *line;
    sim_rcc rcc;
    sim_usart u;
    uint32_t cr1, cr3, brr, isr, rdr, tdr, ue; /* this USART's offsets and UE */
};

static struct fx *fx_new_clock(const char *name, bool realtime)
{
    struct fx *x = calloc(1, sizeof *x);
    x->part = (const struct sim_part *)sim_part_find(name);
    assert_non_null(x->part);
    x->fam = sim_part_family(x->part);
    sim_clock_init(&x->clock, realtime);
    sim_faults none = {0};
    x->line = sim_line_new(&x->clock, &none);
    x->rcc.kind = x->fam->rcc_kind;
    x->rcc.msi_reset = x->fam->msi_reset;
    sim_rcc_reset(&x->rcc, true);
    const sfi_usart *usart1 = sfi_usart_find(x->fam->name, 1);
    assert_non_null(usart1);
    sim_rcc_rom_handover(&x->rcc, false, usart1); /* USART1's clock on, as the ROM leaves it */
    assert_true(sim_rcc_usart_enabled(&x->rcc, usart1));
    x->u.v2 = x->fam->usart_v2;
    x->u.at = usart1;
    sim_usart_reset(&x->u, x->line);
    if (x->u.v2) {
        x->cr1 = V2_CR1, x->cr3 = V2_CR3, x->brr = V2_BRR, x->isr = V2_ISR, x->rdr = V2_RDR, x->tdr = V2_TDR;
        x->ue = 1u << 0;
    } else {
        x->cr1 = V1_CR1, x->cr3 = V1_CR3, x->brr = V1_BRR, x->isr = V1_SR, x->rdr = V1_DR, x->tdr = V1_DR;
        x->ue = 1u << 13;
    }
    return x;
}

static struct fx *fx_new(const char *name) { return fx_new_clock(name, false); }

static void fx_free(struct fx *x)
{
    sim_line_free(x->line);
    free(x);
}

static void wr(struct fx *x, uint32_t off, uint32_t v) { sim_usart_write(&x->u, x->line, &x->rcc, off, v); }
static uint32_t rd(struct fx *x, uint32_t off) { return sim_usart_read(&x->u, x->line, &x->rcc, off, 0); }

/* BRR for baud at USART1's present clock. */
static uint32_t brr_for(struct fx *x, uint32_t baud) { return (sim_rcc_pclk2(&x->rcc) + baud / 2) / baud; }

static void wait_tc(struct fx *x)
{
    for (int i = 0; i < 100000 && !(rd(x, x->isr) & TC); i++)
        ;
    assert_true(rd(x, x->isr) & TC);
}

/* The chip sends a byte; what the host, at its rate, reads (-1: nothing). */
static int chip_to_host(struct fx *x, uint8_t c)
{
    sim_line_host_flush(x->line);
    wr(x, x->tdr, c);
    uint8_t got;
    return sim_line_host_read(x->line, &got, 1, 200) == 1 ? got : -1;
}

/* The host sends a byte; what the chip reads from RDR / DR. */
static uint32_t host_to_chip(struct fx *x, uint8_t c)
{
    sim_line_host_write(x->line, &c, 1);
    for (int i = 0; i < 100000 && !(rd(x, x->isr) & (1u << 5)); i++) /* RXNE */
        ;
    return rd(x, x->rdr);
}

/* The newer USART: BRR and CR1's format bits (M0, PCE, OVER8 here) keep their values when
 * written while UE=1, and take them with UE=0. */
static void test_v2_brr_and_format_only_with_ue_clear(void **state)
{
    (void)state;
    static const char *const parts[] = {"stm32f072rb", "stm32f303vc", "stm32f746ng", "stm32g071rb", "stm32g474re",
                                        "stm32h743zi", "stm32l072cz", "stm32l476rg", "stm32wb55rg"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        struct fx *x = fx_new(parts[i]);
        assert_true(x->u.v2);
        wr(x, x->brr, 139);
        assert_int_equal(rd(x, x->brr), 139);
        wr(x, x->cr1, x->ue | M0 | PCE | TE | RE);
        assert_int_equal(rd(x, x->cr1), x->ue | M0 | PCE | TE | RE);

        wr(x, x->brr, 35); /* ignored: UE=1 */
        assert_int_equal(rd(x, x->brr), 139);
        wr(x, x->cr1, x->ue | OVER8 | TE); /* M0, PCE, OVER8 stay; RE, the rest do change */
        assert_int_equal(rd(x, x->cr1), x->ue | M0 | PCE | TE);
        wr(x, x->cr1, 0); /* UE off; M0 and PCE were written with UE=1: kept */
        assert_int_equal(rd(x, x->cr1), M0 | PCE);

        wr(x, x->brr, 35); /* UE=0: taken */
        assert_int_equal(rd(x, x->brr), 35);
        wr(x, x->cr1, OVER8 | TE);
        assert_int_equal(rd(x, x->cr1), OVER8 | TE);
        wr(x, x->cr1, x->ue | TE | RE);
        assert_int_equal(rd(x, x->cr1), x->ue | TE | RE);
        fx_free(x);
    }
}

/* The older USART takes BRR and M at any time (RM0008 27.3.4, 27.6.4; RM0090 30.3.4). */
static void test_v1_brr_and_format_any_time(void **state)
{
    (void)state;
    static const char *const parts[] = {"stm32f103re", "stm32f411re", "stm32l152re"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        struct fx *x = fx_new(parts[i]);
        assert_false(x->u.v2);
        wr(x, x->brr, 139);
        wr(x, x->cr1, x->ue | M0 | PCE | TE | RE);
        wr(x, x->brr, 35);
        assert_int_equal(rd(x, x->brr), 35);
        wr(x, x->cr1, x->ue | TE | RE);
        assert_int_equal(rd(x, x->cr1), x->ue | TE | RE);
        fx_free(x);
    }
}

/* The ROM's USART1 at 57600 8E1 (as Go leaves it), then a switch to 115200 after a reply, as
 * the stub's chip_uart_brr made it before: BRR written with UE=1. On the newer USART the chip
 * keeps 57600: the host at 115200 reads garbage and the chip reads garbage. The sequence the
 * stub uses now (TC, UE=0, BRR, CR3, CR1 with UE) is heard at 115200 on both USARTs. */
static void rate_switch(const char *part)
{
    struct fx *x = fx_new(part);
    uint32_t cr1_8e1 = x->ue | M0 | PCE | TE | RE, slow = brr_for(x, 57600), fast = brr_for(x, 115200);
    sim_usart_rom_handover(&x->u, x->line, &x->rcc, 57600);
    assert_int_equal(rd(x, x->brr), slow);
    assert_int_equal(rd(x, x->cr1), cr1_8e1);
    sim_line_host_format(x->line, 57600, true);
    assert_int_equal(chip_to_host(x, 0x79), 0x79); /* the reply to BAUD, at the old rate */
    assert_int_equal(host_to_chip(x, 0x11), 0x11);

    wait_tc(x);
    wr(x, x->brr, fast); /* the old chip_uart_brr */
    sim_line_host_format(x->line, 115200, true);
    if (x->u.v2) {
        assert_int_equal(rd(x, x->brr), slow);
        assert_int_not_equal(chip_to_host(x, 0x79), 0x79);
        assert_int_not_equal(host_to_chip(x, 0x5A), 0x5A);
    } else {
        assert_int_equal(chip_to_host(x, 0x79), 0x79);
        assert_int_equal(host_to_chip(x, 0x5A), 0x5A);
    }

    wait_tc(x); /* the stub's chip_uart_brr now */
    wr(x, x->cr1, 0);
    wr(x, x->brr, fast);
    wr(x, x->cr3, 1u << 6);
    wr(x, x->cr1, cr1_8e1);
    assert_int_equal(rd(x, x->brr), fast);
    assert_int_equal(chip_to_host(x, 0x79), 0x79);
    assert_int_equal(host_to_chip(x, 0x5A), 0x5A);
    fx_free(x);
}

static void test_rate_switch_with_ue_set_is_deaf_on_v2(void **state)
{
    (void)state;
    static const char *const parts[] = {"stm32f072rb", "stm32f303vc", "stm32f746ng", "stm32g071rb", "stm32g474re",
                                        "stm32h743zi", "stm32l072cz", "stm32l476rg", "stm32wb55rg",
                                        "stm32f103re", "stm32f411re", "stm32l152re"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        rate_switch(parts[i]);
}

/* F2/F4/F7 RCC: PLLCFGR is written only while PLLON=0 (RM0090 6.3.2); a ROM that left the PLL
 * running (sim_rcc_rom_handover) keeps its configuration until the PLL is turned off. */
static void test_f4_pllcfgr_only_with_pll_off(void **state)
{
    (void)state;
    static const char *const parts[] = {"stm32f401re", "stm32f411re", "stm32f407vg", "stm32f446re", "stm32f746ng"};
    const uint32_t rom_cfg = 16u | (240u << 6) | (1u << 16) | (5u << 24), ours = 16u | (336u << 6) | (1u << 16) | (7u << 24);
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        struct fx *x = fx_new(parts[i]);
        sim_rcc *r = &x->rcc;
        assert_int_equal(r->kind, SFI_RCC_F4);
        sim_rcc_rom_handover(r, true, x->u.at);
        assert_int_equal(sim_rcc_sysclk(r), 60000000);
        assert_int_equal(sim_rcc_read(r, 0x04), rom_cfg);
        assert_true(sim_rcc_read(r, 0x00) & (1u << 25)); /* PLLRDY */

        sim_rcc_write(r, 0x04, ours); /* PLLON=1: kept */
        assert_int_equal(sim_rcc_read(r, 0x04), rom_cfg);
        sim_rcc_write(r, 0x08, 2u); /* SW = PLL: still the ROM's 60 MHz */
        assert_int_equal(sim_rcc_sysclk(r), 60000000);

        sim_rcc_write(r, 0x08, 0); /* HSI, then the PLL off: taken */
        sim_rcc_write(r, 0x00, sim_rcc_read(r, 0x00) & ~(1u << 24));
        assert_false(sim_rcc_read(r, 0x00) & (1u << 25));
        sim_rcc_write(r, 0x04, ours);
        assert_int_equal(sim_rcc_read(r, 0x04), ours);
        sim_rcc_write(r, 0x00, sim_rcc_read(r, 0x00) | (1u << 24));
        sim_rcc_write(r, 0x08, 2u);
        assert_int_equal(sim_rcc_sysclk(r), 84000000);
        fx_free(x);
    }
}

/* Real time, 9600 baud 8E1 (1.146 ms a byte): a program that sends by polling TXE polls a few
 * times a byte, not thousands (the board's time runs ahead to TXE), and the bytes still take
 * their time on the wire. A program waiting for a byte that is not coming lets time pass in
 * small steps, and finds the host's byte once it is there. */
static void test_realtime_polls_let_time_pass(void **state)
{
    (void)state;
    struct fx *x = fx_new_clock("stm32f103re", true);
    sim_line_host_format(x->line, 9600, true);
    wr(x, x->brr, brr_for(x, 9600));
    wr(x, x->cr1, x->ue | M0 | PCE | TE | RE);
    int64_t wall0 = sim_monotonic_ns();
    unsigned polls = 0;
    for (int i = 0; i < 20; i++) {
        while (!(rd(x, x->isr) & TXE))
            polls++;
        wr(x, x->tdr, (uint32_t)('a' + i));
    }
    assert_true(polls <= 3 * 20);
    uint8_t got[20];
    size_t n = 0;
    while (n < sizeof got) {
        size_t k = sim_line_host_read(x->line, got + n, sizeof got - n, 500);
        assert_true(k > 0);
        n += k;
    }
    for (int i = 0; i < 20; i++)
        assert_int_equal(got[i], 'a' + i);
    assert_true(sim_monotonic_ns() - wall0 >= 20 * 1146000 - SIM_AHEAD_MAX_NS);

    int64_t t0 = sim_clock_now(&x->clock);
    for (int i = 0; i < 1000; i++)
        assert_false(rd(x, x->isr) & (1u << 5)); /* RXNE */
    int64_t idle = sim_clock_now(&x->clock) - t0;
    assert_true(idle >= (1000 - SIM_IDLE_POLLS) * (int64_t)SIM_IDLE_QUANTUM_NS);
    uint8_t c = 0x5A;
    sim_line_host_write(x->line, &c, 1);
    int i = 0;
    while (!(rd(x, x->isr) & (1u << 5)) && i < 1000) /* found within the byte's 1.146 ms */
        i++;
    assert_true(i < 1000);
    assert_int_equal(rd(x, x->rdr), 0x5A);
    fx_free(x);
}

static uint32_t rate_of(void *user) { return *(uint32_t *)user; }

/* A host whose rate changes behind the line's back (a pty's termios, set by another process):
 * a byte is judged at the rate its source gives as it arrives, not the one last told. */
static void test_host_rate_asked_as_a_byte_arrives(void **state)
{
    (void)state;
    struct fx *x = fx_new("stm32f103re");
    sim_usart_rom_handover(&x->u, x->line, &x->rcc, 250000); /* BRR 32 at 8 MHz */
    sim_line_host_format(x->line, 115200, true);
    int got = chip_to_host(x, 0x53); /* the host is still at 115200 */
    assert_true(got >= 0 && got != 0x53);
    uint32_t host = 250000; /* it has switched, and nobody told the line */
    sim_line_host_rate_source(x->line, rate_of, &host);
    wait_tc(x);
    assert_int_equal(chip_to_host(x, 0x53), 0x53);
    assert_int_equal(sim_line_host_baud(x->line), 250000);
    host = 57600; /* and again: garbage once more */
    wait_tc(x);
    got = chip_to_host(x, 0x53);
    assert_true(got >= 0 && got != 0x53);
    sim_line_host_rate_source(x->line, NULL, NULL);
    fx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_realtime_polls_let_time_pass),
        cmocka_unit_test(test_v2_brr_and_format_only_with_ue_clear),
        cmocka_unit_test(test_v1_brr_and_format_any_time),
        cmocka_unit_test(test_rate_switch_with_ue_set_is_deaf_on_v2),
        cmocka_unit_test(test_f4_pllcfgr_only_with_pll_off),
        cmocka_unit_test(test_host_rate_asked_as_a_byte_arrives),
    };
    return cmocka_run_group_tests_name("sim_usart", tests, NULL, NULL);
}
