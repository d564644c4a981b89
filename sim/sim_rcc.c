/* sim_rcc.c - the F1 clock tree (RM0008 7.3) and the F4's (RM0090 6.3), enough to know SYSCLK,
 * HCLK and PCLK2. F1: HSI 8 MHz; F4: HSI 16 MHz; HSE assumed 8 MHz (the usual crystal on boards
 * of both); ready flags follow their enable bits at once (real oscillators take microseconds,
 * code only polls them). */
#include "sim_periph.h"

#define HSI_HZ 8000000u
#define HSI_F4_HZ 16000000u
#define HSE_HZ 8000000u

enum { CR_HSION = 1u << 0, CR_HSIRDY = 1u << 1, CR_HSEON = 1u << 16, CR_HSERDY = 1u << 17,
       CR_PLLON = 1u << 24, CR_PLLRDY = 1u << 25 };

void sim_rcc_reset(sim_rcc *r, bool power_on)
{
    uint32_t csr = r->csr;
    bool stuck = r->pll_stuck, msi = r->msi_reset, f4 = r->kind == SIM_RCC_F4;
    uint8_t kind = r->kind;
    *r = (sim_rcc){0};
    r->pll_stuck = stuck;
    r->kind = kind;
    r->msi_reset = msi;
    r->cr = 0x83 | CR_HSIRDY; /* HSION, HSITRIM = 16 */
    r->ahbenr = f4 ? 0x00100000u : 0x14; /* F4: CCM data RAM; F1: SRAM and FLITF clocks on */
    r->pllcfgr = 0x24003010u;  /* RM0090 6.3.2 reset value */
    r->bdcr = 0;
    /* CSR: reset flags. Power-on sets POR and PIN; a later reset adds to what was there. */
    r->csr = power_on ? 0x0C000000u : (csr | 0x04000000u);
    if (SIM_RCC_L4_LIKE(kind))
        sim_rcc_l4_reset(r);
    else if (SIM_RCC_L0_LIKE(kind))
        sim_rcc_l0_reset(r);
    else if (kind == SIM_RCC_H7)
        sim_rcc_h7_reset(r);
}

static uint32_t ahb_div(uint32_t hpre)
{
    static const uint16_t div[8] = {2, 4, 8, 16, 64, 128, 256, 512};
    return hpre < 8 ? 1 : div[hpre - 8];
}

static uint32_t apb_div(uint32_t ppre) { return ppre < 4 ? 1 : 1u << (ppre - 3); }

/* F4: PLL = (HSI or HSE) / M x N / P (RM0090 6.3.2). */
static uint32_t sysclk_f4(const sim_rcc *r)
{
    switch (r->cfgr & 3) {
    case 1: return (r->cr & CR_HSEON) ? HSE_HZ : HSI_F4_HZ;
    case 2: {
        uint32_t m = r->pllcfgr & 0x3F, n = (r->pllcfgr >> 6) & 0x1FF, p = (((r->pllcfgr >> 16) & 3) + 1) * 2;
        uint32_t in = (r->pllcfgr & (1u << 22)) ? HSE_HZ : HSI_F4_HZ;
        if (!(r->cr & CR_PLLON) || m < 2 || n < 50)
            return HSI_F4_HZ; /* not running or not a valid set-up: stays on HSI */
        return (uint32_t)((uint64_t)in / m * n / p);
    }
    default: return HSI_F4_HZ;
    }
}

uint32_t sim_rcc_sysclk(const sim_rcc *r)
{
    if (r->kind == SIM_RCC_F4)
        return sysclk_f4(r);
    if (SIM_RCC_L4_LIKE(r->kind))
        return sim_rcc_l4_sysclk(r);
    if (SIM_RCC_L0_LIKE(r->kind))
        return sim_rcc_l0_sysclk(r);
    if (r->kind == SIM_RCC_H7)
        return 64000000u >> ((r->cr >> 3) & 3); /* HSI / HSIDIV (sim_rcc_h7.c) */
    switch (r->cfgr & 3) {
    case 1: return (r->cr & CR_HSEON) ? HSE_HZ : HSI_HZ;
    case 2: {
        if (!(r->cr & CR_PLLON))
            return HSI_HZ;
        uint32_t mul = ((r->cfgr >> 18) & 0xF) + 2;
        if (mul > 16)
            mul = 16;
        uint32_t in = (r->cfgr & (1u << 16)) ? HSE_HZ / ((r->cfgr & (1u << 17)) ? 2 : 1) : HSI_HZ / 2;
        return in * mul;
    }
    default: return HSI_HZ;
    }
}

/* HPRE: CFGR bits 4-7, 8-11 on the G0. */
uint32_t sim_rcc_hclk(const sim_rcc *r)
{
    return sim_rcc_sysclk(r) / ahb_div((r->cfgr >> (r->kind == SIM_RCC_G0 ? 8 : 4)) & 0xF);
}
/* PPRE2: CFGR bits 11-13 on the F1 and L4, 13-15 on the F4; the G0's one APB: PPRE, 12-14. */
uint32_t sim_rcc_pclk2(const sim_rcc *r)
{
    if (r->kind == SIM_RCC_H7)
        return sim_rcc_h7_pclk2(r);
    unsigned shift = r->kind == SIM_RCC_F4 ? 13 : r->kind == SIM_RCC_G0 ? 12 : 11;
    return sim_rcc_hclk(r) / apb_div((r->cfgr >> shift) & 7);
}
/* USART1EN: APB2ENR bit 14 (F1, L4), bit 4 (F4, H7). */
bool sim_rcc_usart1_enabled(const sim_rcc *r)
{
    return (r->apb2enr >> (r->kind == SIM_RCC_F4 || r->kind == SIM_RCC_H7 ? 4 : 14)) & 1;
}
/* DMA1EN: AHBENR or AHB1ENR bit 0 (F1, L4, L0), bit 24 (L1); DMA2EN: AHB1ENR bit 22 (F4). */
bool sim_rcc_dma_enabled(const sim_rcc *r)
{
    return (r->ahbenr >> (r->kind == SIM_RCC_F4 ? 22 : r->kind == SIM_RCC_L1 ? 24 : 0)) & 1;
}

/* The F4's registers that differ from the F1's, as offsets to the F1 ones (RM0090 6.3.27). */
static uint32_t f4_to_f1_offset(uint32_t off)
{
    switch (off) {
    case 0x00: return 0x00;  /* CR */
    case 0x08: return 0x04;  /* CFGR */
    case 0x0C: return 0x08;  /* CIR */
    case 0x30: return 0x14;  /* AHB1ENR */
    case 0x40: return 0x1C;  /* APB1ENR */
    case 0x44: return 0x18;  /* APB2ENR */
    case 0x70: return 0x20;  /* BDCR */
    case 0x74: return 0x24;  /* CSR */
    default: return 0x400;   /* reads 0, writes ignored */
    }
}

uint32_t sim_rcc_read(sim_rcc *r, uint32_t off)
{
    if (SIM_RCC_L4_LIKE(r->kind))
        return sim_rcc_l4_read(r, off);
    if (SIM_RCC_L0_LIKE(r->kind))
        return sim_rcc_l0_read(r, off);
    if (r->kind == SIM_RCC_H7)
        return sim_rcc_h7_read(r, off);
    if (r->kind == SIM_RCC_F4) {
        if (off == 0x04)
            return r->pllcfgr;
        off = f4_to_f1_offset(off);
    }
    switch (off) {
    case 0x00: return r->cr;
    case 0x04: return (r->cfgr & ~0xCu) | ((r->cfgr & 3) << 2); /* SWS follows SW */
    case 0x08: return r->cir;
    case 0x0C: return r->apb2rstr;
    case 0x10: return r->apb1rstr;
    case 0x14: return r->ahbenr;
    case 0x18: return r->apb2enr;
    case 0x1C: return r->apb1enr;
    case 0x20: return r->bdcr;
    case 0x24: return r->csr;
    default: return 0;
    }
}

void sim_rcc_write(sim_rcc *r, uint32_t off, uint32_t v)
{
    if (SIM_RCC_L4_LIKE(r->kind)) {
        sim_rcc_l4_write(r, off, v);
        return;
    }
    if (SIM_RCC_L0_LIKE(r->kind)) {
        sim_rcc_l0_write(r, off, v);
        return;
    }
    if (r->kind == SIM_RCC_H7) {
        sim_rcc_h7_write(r, off, v);
        return;
    }
    if (r->kind == SIM_RCC_F4) {
        if (off == 0x04) {
            if (!(r->cr & CR_PLLON)) /* RM0090 6.3.2: written only while the PLL is off */
                r->pllcfgr = v;
            return;
        }
        off = f4_to_f1_offset(off);
    }
    switch (off) {
    case 0x00: {
        uint32_t rdy = 0;
        if (v & CR_HSION) rdy |= CR_HSIRDY;
        if (v & CR_HSEON) rdy |= CR_HSERDY;
        if ((v & CR_PLLON) && !r->pll_stuck) rdy |= CR_PLLRDY;
        r->cr = (v & ~(CR_HSIRDY | CR_HSERDY | CR_PLLRDY)) | rdy;
        break;
    }
    case 0x04: r->cfgr = v & ~0xCu; break;
    case 0x08: r->cir = v; break;
    case 0x0C: r->apb2rstr = v; break;
    case 0x10: r->apb1rstr = v; break;
    case 0x14: r->ahbenr = v; break;
    case 0x18: r->apb2enr = v; break;
    case 0x1C: r->apb1enr = v; break;
    case 0x20: r->bdcr = v; break;
    case 0x24: if (v & (1u << 24)) r->csr &= 0x00FFFFFFu; else r->csr = (r->csr & ~1u) | (v & 1u); break; /* RMVF */
    default: break;
    }
}

/* RM0008 3.3 (F1), RM0090 2.3 (F4), RM0385 2.2.2 (F7), RM0351 2.2.2 (L4), RM0440 2.2.2 (G4),
 * RM0434 2.2.2 (WB), RM0444 2.2.2 (G0), RM0367 2.2.2 (L0), RM0038 2.3 (L1), RM0433 2.3.2 (H7). */
const sim_soc_map *sim_soc_map_of(unsigned soc)
{
    static const sim_soc_map maps[] = {
        [SIM_SOC_F1] = {.rcc = 0x40021000u, .usart1 = 0x40013800u, .dma = 0x40020000u, .flash = 0x40022000u,
                        .rcc_kind = SIM_RCC_F1, .rx_channel = 4},
        /* F0 (RM0091 2.2.2, table 29: USART1_RX on channel 3 unless remapped) and F3 (RM0316 3.2.2,
         * table 78: channel 5): the F1's RCC and DMA1, the newer USART. */
        [SIM_SOC_F0] = {.rcc = 0x40021000u, .usart1 = 0x40013800u, .dma = 0x40020000u, .flash = 0x40022000u,
                        .usart_v2 = true, .rcc_kind = SIM_RCC_F1, .rx_channel = 2},
        [SIM_SOC_F3] = {.rcc = 0x40021000u, .usart1 = 0x40013800u, .dma = 0x40020000u, .flash = 0x40022000u,
                        .usart_v2 = true, .rcc_kind = SIM_RCC_F1, .rx_channel = 4},
        [SIM_SOC_F4] = {.rcc = 0x40023800u, .usart1 = 0x40011000u, .dma = 0x40026400u, .flash = 0x40023C00u,
                        .dma_streams = true, .rcc_kind = SIM_RCC_F4},
        [SIM_SOC_F7] = {.rcc = 0x40023800u, .usart1 = 0x40011000u, .dma = 0x40026400u, .flash = 0x40023C00u,
                        .dma_streams = true, .usart_v2 = true, .rcc_kind = SIM_RCC_F4},
        /* L4: DMA1 channel 5 request 2 is USART1_RX (RM0351 table 41; ST's generated L4 code sets
         * DMA1_Channel5 with DMA_REQUEST_2 for USART1_RX). */
        [SIM_SOC_L4] = {.rcc = 0x40021000u, .usart1 = 0x40013800u, .dma = 0x40020000u, .flash = 0x40022000u,
                        .usart_v2 = true, .rcc_kind = SIM_RCC_L4, .dma_cselr = true, .rx_request = 2, .rx_channel = 4},
        /* G4: DMAMUX1 at 0x40020800; USART1_RX is request 24 (RM0440 table 91; ST's
         * stm32g4xx_ll_dmamux.h: LL_DMAMUX_REQ_USART1_RX 0x18). */
        [SIM_SOC_G4] = {.rcc = 0x40021000u, .usart1 = 0x40013800u, .dma = 0x40020000u, .flash = 0x40022000u,
                        .usart_v2 = true, .rcc_kind = SIM_RCC_L4, .dmamux = 0x40020800u, .rx_request = 24},
        /* WB (RM0434 2.2.2): RCC and flash on AHB4; DMAMUX1 request 14 is USART1_RX (ST's
         * stm32wbxx_ll_dmamux.h: LL_DMAMUX_REQ_USART1_RX 0x0E). */
        [SIM_SOC_WB] = {.rcc = 0x58000000u, .usart1 = 0x40013800u, .dma = 0x40020000u, .flash = 0x58004000u,
                        .usart_v2 = true, .rcc_kind = SIM_RCC_WB, .dmamux = 0x40020800u, .rx_request = 14},
        /* G0 (RM0444 2.2.2): DMAMUX1 request 50 is USART1_RX (ST's stm32g0xx_ll_dmamux.h:
         * LL_DMAMUX_REQ_USART1_RX 0x32). */
        [SIM_SOC_G0] = {.rcc = 0x40021000u, .usart1 = 0x40013800u, .dma = 0x40020000u, .flash = 0x40022000u,
                        .usart_v2 = true, .rcc_kind = SIM_RCC_G0, .dmamux = 0x40020800u, .rx_request = 50},
        /* L0 (RM0367 2.2.2): USART1_RX on DMA1 channel 3 with CSELR request 3 (RM0367 table 51; ST's
         * generated L0 code: DMA1_Channel3, DMA_REQUEST_3). L1 (RM0038 2.3): RCC, flash and DMA1
         * (0x40026000) on AHB, the F1's USART, USART1_RX on DMA1 channel 5 (RM0038 table 54). */
        [SIM_SOC_L0] = {.rcc = 0x40021000u, .usart1 = 0x40013800u, .dma = 0x40020000u, .flash = 0x40022000u,
                        .usart_v2 = true, .rcc_kind = SIM_RCC_L0, .dma_cselr = true, .rx_request = 3, .rx_channel = 2},
        [SIM_SOC_L1] = {.rcc = 0x40023800u, .usart1 = 0x40013800u, .dma = 0x40026000u, .flash = 0x40023C00u,
                        .rcc_kind = SIM_RCC_L1, .rx_channel = 4},
        /* H7 (RM0433 2.3.2): RCC 0x58024400 (D3), flash 0x52002000 (D1), DMA1 streams at 0x40020000
         * each fed by DMAMUX1 (0x40020800), USART1_RX request 41 (ST's stm32h7xx_ll_dmamux.h:
         * LL_DMAMUX1_REQ_USART1_RX 41); DMA1 cannot reach the DTCM (RM0433 2.1, table 1). */
        [SIM_SOC_H7] = {.rcc = 0x58024400u, .usart1 = 0x40011000u, .dma = 0x40020000u, .flash = 0x52002000u,
                        .dma_streams = true, .usart_v2 = true, .rcc_kind = SIM_RCC_H7, .dmamux = 0x40020800u,
                        .rx_request = 41, .dma_ram2_only = true},
    };
    return &maps[soc <= SIM_SOC_H7 ? soc : SIM_SOC_F1];
}
