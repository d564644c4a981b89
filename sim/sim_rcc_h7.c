/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_rcc_h7.c - the H7's clock tree as far as USART1 needs it (RM0433 8.7): HSI 64 MHz divided
 * by HSIDIV (CR bits 3-4) is SYSCLK after reset (CFGR 0x10, SW bits 0-2, SWS 3-5); D1CFGR 0x18
 * (D1CPRE bits 8-11, HPRE 0-3) and D2CFGR 0x1C (D2PPRE1 bits 4-6, D2PPRE2 8-10) divide it for
 * APB1 and APB2, whose clocks USART2/3 and USART1 take after reset (D2CCIP2R). AHB1ENR 0xD8
 * (DMA1EN bit 0), APB1LENR 0xE8 (USART2EN 17, USART3EN 18), APB2ENR 0xF0 (USART1EN bit 4).
 * The PLLs are not modelled: code that selects one stays on HSI here. */
#include "sim_periph.h"

#define HSI_HZ 64000000u

enum { CR_HSION = 1u << 0, CR_HSIRDY = 1u << 2 };

void sim_rcc_h7_reset(sim_rcc *r)
{
    r->cr = CR_HSION | CR_HSIRDY;
    r->cfgr = 0;
}

static uint32_t ahb_div(uint32_t v)
{
    static const uint16_t div[8] = {2, 4, 8, 16, 64, 128, 256, 512};
    return v < 8 ? 1 : div[v - 8];
}

/* APB1 (D2PPRE1, bits 4-6) or APB2 (D2PPRE2, bits 8-10). */
static uint32_t pclk(const sim_rcc *r, unsigned shift)
{
    uint32_t sys = HSI_HZ >> ((r->cr >> 3) & 3);
    uint32_t hclk = sys / ahb_div((r->d1cfgr >> 8) & 0xF) / ahb_div(r->d1cfgr & 0xF);
    uint32_t ppre = (r->d2cfgr >> shift) & 7;
    return ppre < 4 ? hclk : hclk >> (ppre - 3);
}

uint32_t sim_rcc_h7_pclk1(const sim_rcc *r) { return pclk(r, 4); }
uint32_t sim_rcc_h7_pclk2(const sim_rcc *r) { return pclk(r, 8); }

uint32_t sim_rcc_h7_read(sim_rcc *r, uint32_t off)
{
    switch (off) {
    case 0x00: return r->cr;
    case 0x10: return (r->cfgr & ~0x38u) | ((r->cfgr & 7) << 3); /* SWS follows SW */
    case 0x18: return r->d1cfgr;
    case 0x1C: return r->d2cfgr;
    case 0xD8: return r->ahbenr;
    case 0xE8: return r->apb1enr; /* APB1LENR */
    case 0xF0: return r->apb2enr;
    default: return 0;
    }
}

void sim_rcc_h7_write(sim_rcc *r, uint32_t off, uint32_t v)
{
    switch (off) {
    case 0x00: r->cr = (v & ~CR_HSIRDY) | ((v & CR_HSION) ? CR_HSIRDY : 0); break;
    case 0x10: r->cfgr = v & ~0x38u; break;
    case 0x18: r->d1cfgr = v; break;
    case 0x1C: r->d2cfgr = v; break;
    case 0xD8: r->ahbenr = v; break;
    case 0xE8: r->apb1enr = v; break;
    case 0xF0: r->apb2enr = v; break;
    default: break;
    }
}
