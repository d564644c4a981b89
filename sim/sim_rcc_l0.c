/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_rcc_l0.c - the L0 and L1 clock trees (RM0367 7.3, RM0038 6.3), enough to know SYSCLK and
 * the bus clocks: MSI (2.097 MHz after reset), HSI16 (the L0's divided by 4 with HSI16DIVEN),
 * HSE (assumed 8 MHz) and the PLL (source x PLLMUL / PLLDIV, CFGR bits 16, 18-21, 22-23). Ready
 * flags follow their enable bits at once, as in sim_rcc.c.
 * L0 (base 0x40021000): CR HSI16ON 0, HSI16RDYF 2, HSI16DIVEN 3, MSION 8, MSIRDY 9, HSEON 16,
 * PLLON 24; CFGR 0x0C; AHBENR 0x30 (DMA1EN 0); APB2ENR 0x34 (USART1EN 14); APB1ENR 0x38.
 * L1 (base 0x40023800): CR HSION 0, HSIRDY 1, MSION 8, MSIRDY 9, HSEON 16, PLLON 24; CFGR
 * 0x08; AHBENR 0x1C (DMA1EN 24); APB2ENR 0x20 (USART1EN 14); APB1ENR 0x24. */
#include "sim_periph.h"

#define HSI16_HZ 16000000u
#define HSE_HZ 8000000u
#define MSI_HZ 2097000u

enum { CR_HSION = 1u << 0, CR_MSION = 1u << 8, CR_MSIRDY = 1u << 9, CR_HSEON = 1u << 16, CR_HSERDY = 1u << 17,
       CR_PLLON = 1u << 24, CR_PLLRDY = 1u << 25, CR_L0_HSIDIVEN = 1u << 3 };

static bool l0(const sim_rcc *r) { return r->kind == SFI_RCC_L0; }
/* HSIRDY: bit 2 on the L0 (HSI16RDYF), bit 1 on the L1. */
static uint32_t hsirdy(const sim_rcc *r) { return l0(r) ? 1u << 2 : 1u << 1; }

void sim_rcc_l0_reset(sim_rcc *r)
{
    r->cr = CR_MSION | CR_MSIRDY;
    r->cfgr = 0;  /* SYSCLK = MSI */
    r->ahbenr = l0(r) ? 0 : 1u << 15; /* L1: FLITF clock on */
}

static uint32_t hsi_hz(const sim_rcc *r) { return l0(r) && (r->cr & CR_L0_HSIDIVEN) ? HSI16_HZ / 4 : HSI16_HZ; }

uint32_t sim_rcc_l0_sysclk(const sim_rcc *r)
{
    switch (r->cfgr & 3) {
    case 0: return MSI_HZ;
    case 1: return hsi_hz(r);
    case 2: return HSE_HZ;
    default: {
        static const uint8_t mul[9] = {3, 4, 6, 8, 12, 16, 24, 32, 48};
        uint32_t m = (r->cfgr >> 18) & 0xF, d = ((r->cfgr >> 22) & 3) + 1;
        uint32_t in = (r->cfgr & (1u << 16)) ? HSE_HZ : hsi_hz(r);
        if (!(r->cr & CR_PLLON) || m > 8 || d < 2)
            return MSI_HZ; /* not a running PLL: treated as not switched */
        return in * mul[m] / d;
    }
    }
}

/* Register offsets as stored: the L1's, with the L0's mapped onto them (0x100: none). */
static uint32_t stored_offset(const sim_rcc *r, uint32_t off)
{
    if (!l0(r))
        return off;
    switch (off) {
    case 0x00: return 0x00;
    case 0x0C: return 0x08; /* CFGR */
    case 0x30: return 0x1C; /* AHBENR */
    case 0x34: return 0x20; /* APB2ENR */
    case 0x38: return 0x24; /* APB1ENR */
    default: return 0x100;
    }
}

uint32_t sim_rcc_l0_read(sim_rcc *r, uint32_t off)
{
    switch (stored_offset(r, off)) {
    case 0x00: return r->cr;
    case 0x08: return (r->cfgr & ~0xCu) | ((r->cfgr & 3) << 2); /* SWS follows SW */
    case 0x1C: return r->ahbenr;
    case 0x20: return r->apb2enr;
    case 0x24: return r->apb1enr;
    default: return 0;
    }
}

void sim_rcc_l0_write(sim_rcc *r, uint32_t off, uint32_t v)
{
    switch (stored_offset(r, off)) {
    case 0x00: {
        uint32_t rdy = 0;
        if (v & CR_HSION) rdy |= hsirdy(r);
        if (v & CR_MSION) rdy |= CR_MSIRDY;
        if (v & CR_HSEON) rdy |= CR_HSERDY;
        if ((v & CR_PLLON) && !r->pll_stuck) rdy |= CR_PLLRDY;
        r->cr = (v & ~(hsirdy(r) | CR_MSIRDY | CR_HSERDY | CR_PLLRDY)) | rdy;
        break;
    }
    case 0x08: r->cfgr = v & ~0xCu; break;
    case 0x1C: r->ahbenr = v; break;
    case 0x20: r->apb2enr = v; break;
    case 0x24: r->apb1enr = v; break;
    default: break;
    }
}
