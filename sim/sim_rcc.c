/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_rcc.c - the F1 clock tree (RM0008 7.3; the connectivity line's PLL: 8.3.2) and the F4's
 * (RM0090 6.3), enough to know SYSCLK, HCLK and PCLK2. F1: HSI 8 MHz; F4: HSI 16 MHz; HSE assumed 8 MHz (the usual crystal on boards
 * of both); ready flags follow their enable bits at once (real oscillators take microseconds,
 * code only polls them). */
#include "sim_periph.h"

#define HSI_HZ 8000000u
#define HSI_F4_HZ 16000000u
#define HSE_HZ 8000000u

/* An RCC model (families.txt: rcc): its functions, and where its CFGR and enable registers keep
 * what sim_rcc.c reads. The table of them is at the end of this file. */
typedef struct sim_rcc_model {
    void (*reset)(sim_rcc *r); /* after the common reset below; NULL: nothing more */
    uint32_t (*sysclk)(const sim_rcc *r);
    uint32_t (*read)(sim_rcc *r, uint32_t off);
    void (*write)(sim_rcc *r, uint32_t off, uint32_t v);
    uint32_t (*pclk2)(const sim_rcc *r); /* NULL: HCLK / the PPRE2 at ppre2_shift */
    uint32_t (*pclk1)(const sim_rcc *r); /* NULL: HCLK / the PPRE1 at ppre1_shift */
    uint8_t hpre_shift;   /* HPRE in CFGR */
    uint8_t ppre2_shift;  /* PPRE2 in CFGR (the G0's one APB: PPRE) */
    uint8_t ppre1_shift;  /* PPRE1 in CFGR (the F0's and the G0's one APB: PPRE) */
} sim_rcc_model;

static const sim_rcc_model *model_of(const sim_rcc *r);

enum { CR_HSION = 1u << 0, CR_HSIRDY = 1u << 1, CR_HSEON = 1u << 16, CR_HSERDY = 1u << 17,
       CR_PLLON = 1u << 24, CR_PLLRDY = 1u << 25 };

void sim_rcc_reset(sim_rcc *r, bool power_on)
{
    uint32_t csr = r->csr;
    bool stuck = r->pll_stuck, msi = r->msi_reset, f4 = r->kind == SFI_RCC_F4;
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
    if (model_of(r)->reset)
        model_of(r)->reset(r);
}

/* The ROM used the USART u: its clock stays on. pll_on: a ROM that clocked itself from the PLL and
 * left it running, modelled on the F2/F4/F7 RCC only: HSI/16 x 240 / 4 = 60 MHz (Q 5: 48 MHz),
 * APB1 halved. Not a documented set-up (AN2606 does not list one): a configuration that
 * differs from the stub's own, so code that leaves PLLCFGR as it finds it runs at the wrong
 * clock. */
void sim_rcc_rom_handover(sim_rcc *r, bool pll_on, const sfi_usart *u)
{
    *(u->apb1 ? &r->apb1enr : &r->apb2enr) |= 1u << u->enable_bit;
    if (pll_on && r->kind == SFI_RCC_F4) {
        r->pllcfgr = 16u | (240u << 6) | (1u << 16) | (5u << 24);
        r->cr |= CR_PLLON | CR_PLLRDY;
        r->cfgr = (4u << 10) | 2u; /* PPRE1 /2, SW = PLL */
    }
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

/* H7: HSI / HSIDIV (sim_rcc_h7.c). */
static uint32_t sysclk_h7(const sim_rcc *r) { return 64000000u >> ((r->cr >> 3) & 3); }

static uint32_t sysclk_f1(const sim_rcc *r)
{
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

/* The connectivity line (F105/F107, RM0008 8.3.2): PLLMUL 0010-0111 is x4-x9 and 1101 x6.5, the
 * rest reserved (the others' x2, x3 and x10-x16 do not exist: such a set-up stays on HSI here,
 * so code that sets the F103's x16 runs at 8 MHz and its baud rate is off). PLLSRC = 1 takes
 * PREDIV1's output, modelled as HSE (CFGR2, PREDIV1 at its reset /1, is not modelled). */
static uint32_t sysclk_f1cl(const sim_rcc *r)
{
    if ((r->cfgr & 3) != 2)
        return sysclk_f1(r);
    uint32_t code = (r->cfgr >> 18) & 0xF, half_mul = code >= 2 && code <= 7 ? (code + 2) * 2 : code == 13 ? 13 : 0;
    if (!(r->cr & CR_PLLON) || !half_mul)
        return HSI_HZ;
    uint32_t in = (r->cfgr & (1u << 16)) ? HSE_HZ : HSI_HZ / 2;
    return in / 2 * half_mul;
}

uint32_t sim_rcc_sysclk(const sim_rcc *r) { return model_of(r)->sysclk(r); }

uint32_t sim_rcc_hclk(const sim_rcc *r)
{
    return sim_rcc_sysclk(r) / ahb_div((r->cfgr >> model_of(r)->hpre_shift) & 0xF);
}

uint32_t sim_rcc_pclk2(const sim_rcc *r)
{
    if (model_of(r)->pclk2)
        return model_of(r)->pclk2(r);
    return sim_rcc_hclk(r) / apb_div((r->cfgr >> model_of(r)->ppre2_shift) & 7);
}

uint32_t sim_rcc_pclk1(const sim_rcc *r)
{
    if (model_of(r)->pclk1)
        return model_of(r)->pclk1(r);
    return sim_rcc_hclk(r) / apb_div((r->cfgr >> model_of(r)->ppre1_shift) & 7);
}

uint32_t sim_rcc_usart_clock(const sim_rcc *r, const sfi_usart *u) { return u->apb1 ? sim_rcc_pclk1(r) : sim_rcc_pclk2(r); }

bool sim_rcc_usart_enabled(const sim_rcc *r, const sfi_usart *u)
{
    return ((u->apb1 ? r->apb1enr : r->apb2enr) >> u->enable_bit) & 1;
}

bool sim_rcc_dma_enabled(const sim_rcc *r, const sfi_usart *u) { return (r->ahbenr >> u->dma_enable_bit) & 1; }

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

uint32_t sim_rcc_read(sim_rcc *r, uint32_t off) { return model_of(r)->read(r, off); }

void sim_rcc_write(sim_rcc *r, uint32_t off, uint32_t v) { model_of(r)->write(r, off, v); }

/* The F1's registers; the F4's through f4_to_f1_offset. */
static uint32_t read_f1(sim_rcc *r, uint32_t off)
{
    if (r->kind == SFI_RCC_F4) {
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

static void write_f1(sim_rcc *r, uint32_t off, uint32_t v)
{
    if (r->kind == SFI_RCC_F4) {
        if (off == 0x04) {
            /* RM0090 6.3.2 (RM0385 5.3.2): PLLM, PLLN, PLLP, PLLQ and PLLSRC "should be written
             * only when PLL is disabled"; we model the conservative reading: a write while
             * PLLON=1 does not take, the whole register keeps its value. */
            if (!(r->cr & CR_PLLON))
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

/* The models, by families.txt's rcc key. HPRE: CFGR bits 4-7, 8-11 on the G0. PPRE2: bits 11-13
 * on the F1 and L4, 13-15 on the F4; PPRE1: bits 8-10 on the F1 (the F0's one APB: PPRE), L4,
 * WB, L0 and L1 (RM0008 7.3.2, RM0091 7.4.2, RM0351 6.4.3, RM0434 6.4.3, RM0367 7.3.3, RM0038
 * 6.3.3), 10-12 on the F4 (RM0090 6.3.3); the G0's one APB: PPRE, 12-14 (RM0444 5.4.3). Which
 * register and bit enable each USART and its DMA: families/usarts.txt. */
static const sim_rcc_model models[SFI_RCC_KINDS] = {
    [SFI_RCC_F1] = {NULL, sysclk_f1, read_f1, write_f1, NULL, NULL, 4, 11, 8},
    [SFI_RCC_F1CL] = {NULL, sysclk_f1cl, read_f1, write_f1, NULL, NULL, 4, 11, 8},
    [SFI_RCC_F4] = {NULL, sysclk_f4, read_f1, write_f1, NULL, NULL, 4, 13, 10},
    [SFI_RCC_L4] = {sim_rcc_l4_reset, sim_rcc_l4_sysclk, sim_rcc_l4_read, sim_rcc_l4_write, NULL, NULL, 4, 11, 8},
    [SFI_RCC_WB] = {sim_rcc_l4_reset, sim_rcc_l4_sysclk, sim_rcc_l4_read, sim_rcc_l4_write, NULL, NULL, 4, 11, 8},
    [SFI_RCC_G0] = {sim_rcc_l4_reset, sim_rcc_l4_sysclk, sim_rcc_l4_read, sim_rcc_l4_write, NULL, NULL, 8, 12, 12},
    [SFI_RCC_L0] = {sim_rcc_l0_reset, sim_rcc_l0_sysclk, sim_rcc_l0_read, sim_rcc_l0_write, NULL, NULL, 4, 11, 8},
    [SFI_RCC_L1] = {sim_rcc_l0_reset, sim_rcc_l0_sysclk, sim_rcc_l0_read, sim_rcc_l0_write, NULL, NULL, 4, 11, 8},
    [SFI_RCC_U5] = {sim_rcc_l4_reset, sim_rcc_l4_sysclk, sim_rcc_l4_read, sim_rcc_l4_write, NULL, NULL, 4, 11, 8},
    [SFI_RCC_H7] = {sim_rcc_h7_reset, sysclk_h7, sim_rcc_h7_read, sim_rcc_h7_write, sim_rcc_h7_pclk2, sim_rcc_h7_pclk1,
                    4, 11, 0},
};

static const sim_rcc_model *model_of(const sim_rcc *r) { return &models[r->kind < SFI_RCC_KINDS ? r->kind : SFI_RCC_F1]; }
