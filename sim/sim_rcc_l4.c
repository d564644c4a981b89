/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_rcc_l4.c - the L4, G4 and WB clock tree (RM0351 6.4, RM0440 7.4, RM0434 6.4), enough to know SYSCLK and
 * the bus clocks: MSI (4 MHz after reset on the L4; MSIRANGE when MSIRGSEL is set), HSI16, HSE
 * (assumed 8 MHz) and the main PLL (source / M x N / R). Ready flags follow their enable bits at
 * once, as in sim_rcc.c. Registers: CR 0x00, CFGR 0x08 (SW 0-1: MSI, HSI16, HSE, PLL; SWS
 * 2-3), PLLCFGR 0x0C, AHB1ENR 0x48, APB1ENR1 0x58, APB2ENR 0x60, CSR 0x94. The WB's PLLCFGR
 * has PLLREN at bit 28 and PLLR (R - 1) at 29-31 where the L4's has them at 24 and 25-26. The G0
 * (RM0444 5.4) has the WB's PLLCFGR, HSI16 divided by HSIDIV (CR bits 11-13) as HSISYS, SW in
 * CFGR bits 0-2 (0 HSISYS, 1 HSE, 2 PLLRCLK) with SWS in 3-5, and AHBENR at 0x38, APBENR1 at
 * 0x3C, APBENR2 (USART1EN bit 14) at 0x40.
 * The U5 (RM0456 11.8; stm32u575xx.h RCC_TypeDef) is this tree behind other registers, kept
 * here in the L4's layout (u5_read, u5_write): CR 0x00 with MSIS on/ready at bits 0/2 (the
 * L4's MSI at 0/1) and HSI16, HSE and PLL1 where the L4 has them; CFGR1 0x1C (SW 0-1, SWS 2-3);
 * CFGR2 0x20 (HPRE 0-3, PPRE1 4-6, PPRE2 8-10, kept in the L4's CFGR 4-7, 8-10, 11-13);
 * AHB1ENR 0x88 (GPDMA1EN 0), APB1ENR1 0x9C (USART2EN 17, USART3EN 18), APB2ENR 0xA4
 * (USART1EN 14), CSR 0xF4. MSIS runs at 4 MHz after reset (RM0456 11.4.3); its range
 * registers (ICSCR1) and the PLLs are not modelled: code that selects the PLL stays on MSIS. */
#include "sim_periph.h"

#define HSI16_HZ 16000000u
#define HSE_HZ 8000000u

enum {
    CR_MSION = 1u << 0, CR_MSIRDY = 1u << 1, CR_MSIRGSEL = 1u << 3, CR_HSION = 1u << 8, CR_HSIRDY = 1u << 10,
    CR_HSEON = 1u << 16, CR_HSERDY = 1u << 17, CR_PLLON = 1u << 24, CR_PLLRDY = 1u << 25,
};

void sim_rcc_l4_reset(sim_rcc *r)
{
    if (r->kind == SFI_RCC_G0) {
        r->cr = CR_HSION | CR_HSIRDY; /* HSIDIV /1 */
        r->cfgr = 0;                  /* SYSCLK = HSISYS */
    } else if (r->msi_reset) {
        r->cr = 0x63;       /* MSION, MSIRDY, MSIRANGE 6 (4 MHz) */
        r->cfgr = 0;        /* SYSCLK = MSI */
    } else {
        r->cr = CR_HSION | CR_HSIRDY;
        r->cfgr = 1;        /* G4: SYSCLK = HSI16 */
    }
    r->pllcfgr = 0x00001000u; /* PLLN 16 */
    r->ahbenr = 1u << 8;    /* FLASHEN */
}

static uint32_t msi_hz(const sim_rcc *r)
{
    static const uint32_t range[12] = {100000,  200000,  400000,   800000,   1000000,  2000000,
                                       4000000, 8000000, 16000000, 24000000, 32000000, 48000000};
    uint32_t i = (r->cr & CR_MSIRGSEL) ? (r->cr >> 4) & 0xF : 6;
    return i < 12 ? range[i] : 4000000u;
}

static uint32_t pll_hz(const sim_rcc *r, uint32_t fallback)
{
    bool wb = r->kind != SFI_RCC_L4; /* WB and G0 */
    uint32_t src = r->pllcfgr & 3, m = ((r->pllcfgr >> 4) & 0xF) + 1, n = (r->pllcfgr >> 8) & 0x7F;
    uint32_t div = wb ? ((r->pllcfgr >> 29) & 7) + 1 : 2 * (((r->pllcfgr >> 25) & 3) + 1);
    uint32_t in = src == 1 ? msi_hz(r) : src == 2 ? HSI16_HZ : src == 3 ? HSE_HZ : 0;
    if (!(r->cr & CR_PLLON) || !(r->pllcfgr & (1u << (wb ? 28 : 24))) || !in || n < 6 || div < 2)
        return fallback; /* not a running PLL: treated as not switched */
    return (uint32_t)((uint64_t)in / m * n / div);
}

uint32_t sim_rcc_l4_sysclk(const sim_rcc *r)
{
    if (r->kind == SFI_RCC_G0) {
        uint32_t hsisys = HSI16_HZ >> ((r->cr >> 11) & 7);
        switch (r->cfgr & 7) {
        case 1: return HSE_HZ;
        case 2: return pll_hz(r, hsisys);
        default: return hsisys;
        }
    }
    switch (r->cfgr & 3) {
    case 0: return msi_hz(r);
    case 1: return HSI16_HZ;
    case 2: return HSE_HZ;
    default: return pll_hz(r, r->msi_reset ? msi_hz(r) : HSI16_HZ);
    }
}

/* The G0's offsets as the L4's (0x100: none). */
static uint32_t g0_to_l4_offset(uint32_t off)
{
    switch (off) {
    case 0x38: return 0x48; /* AHBENR */
    case 0x3C: return 0x58; /* APBENR1 */
    case 0x40: return 0x60; /* APBENR2 */
    case 0x48: case 0x58: case 0x60: return 0x100;
    default: return off;
    }
}

/* The U5's enable and status registers as the L4's offsets (0x100: none). */
static uint32_t u5_to_l4_offset(uint32_t off)
{
    switch (off) {
    case 0x88: return 0x48; /* AHB1ENR */
    case 0x9C: return 0x58; /* APB1ENR1 */
    case 0xA4: return 0x60; /* APB2ENR */
    case 0xF4: return 0x94; /* CSR */
    default: return 0x100;
    }
}

static uint32_t l4_read(sim_rcc *r, uint32_t off);
static void l4_write(sim_rcc *r, uint32_t off, uint32_t v);

static uint32_t u5_read(sim_rcc *r, uint32_t off)
{
    switch (off) {
    case 0x00: return (r->cr & ~0xFFu) | (r->cr & CR_MSION) | ((r->cr & CR_MSIRDY) << 1);
    case 0x1C: return (r->cfgr & 3u) | ((r->cfgr & 3u) << 2); /* SWS follows SW */
    case 0x20: return ((r->cfgr >> 4) & 0xFu) | ((r->cfgr >> 8) & 7u) << 4 | ((r->cfgr >> 11) & 7u) << 8;
    default: return l4_read(r, u5_to_l4_offset(off));
    }
}

static void u5_write(sim_rcc *r, uint32_t off, uint32_t v)
{
    switch (off) {
    case 0x00: l4_write(r, 0x00, (v & ~0xFFu) | (v & CR_MSION)); break;
    case 0x1C: r->cfgr = (r->cfgr & ~3u) | (v & 3u); break;
    case 0x20: r->cfgr = (r->cfgr & 3u) | (v & 0xFu) << 4 | ((v >> 4) & 7u) << 8 | ((v >> 8) & 7u) << 11; break;
    default: l4_write(r, u5_to_l4_offset(off), v); break;
    }
}

static uint32_t l4_read(sim_rcc *r, uint32_t off)
{
    if (r->kind == SFI_RCC_G0) {
        off = g0_to_l4_offset(off);
        if (off == 0x08)
            return (r->cfgr & ~0x38u) | ((r->cfgr & 7) << 3); /* SWS follows SW */
    }
    switch (off) {
    case 0x00: return r->cr;
    case 0x08: return (r->cfgr & ~0xCu) | ((r->cfgr & 3) << 2); /* SWS follows SW */
    case 0x0C: return r->pllcfgr;
    case 0x48: return r->ahbenr;
    case 0x58: return r->apb1enr;
    case 0x60: return r->apb2enr;
    case 0x94: return r->csr;
    default: return 0;
    }
}

static void l4_write(sim_rcc *r, uint32_t off, uint32_t v)
{
    if (r->kind == SFI_RCC_G0) {
        off = g0_to_l4_offset(off);
        if (off == 0x08) {
            r->cfgr = v & ~0x38u;
            return;
        }
    }
    switch (off) {
    case 0x00: {
        uint32_t rdy = 0;
        if (v & CR_MSION) rdy |= CR_MSIRDY;
        if (v & CR_HSION) rdy |= CR_HSIRDY;
        if (v & CR_HSEON) rdy |= CR_HSERDY;
        if ((v & CR_PLLON) && !r->pll_stuck) rdy |= CR_PLLRDY;
        r->cr = (v & ~(CR_MSIRDY | CR_HSIRDY | CR_HSERDY | CR_PLLRDY)) | rdy;
        break;
    }
    case 0x08: r->cfgr = v & ~0xCu; break;
    case 0x0C: if (!(r->cr & CR_PLLON)) r->pllcfgr = v; break; /* written only while the PLL is off */
    case 0x48: r->ahbenr = v; break;
    case 0x58: r->apb1enr = v; break;
    case 0x60: r->apb2enr = v; break;
    case 0x94: if (v & (1u << 23)) r->csr &= 0x00FFFFFFu; break; /* RMVF */
    default: break;
    }
}

uint32_t sim_rcc_l4_read(sim_rcc *r, uint32_t off) { return r->kind == SFI_RCC_U5 ? u5_read(r, off) : l4_read(r, off); }

void sim_rcc_l4_write(sim_rcc *r, uint32_t off, uint32_t v)
{
    if (r->kind == SFI_RCC_U5)
        u5_write(r, off, v);
    else
        l4_write(r, off, v);
}
