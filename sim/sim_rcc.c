/* sim_rcc.c - the F1 clock tree, enough to know SYSCLK, HCLK and PCLK2 (RM0008 7.3).
 * HSI 8 MHz; HSE assumed 8 MHz (the usual crystal on F103 boards); ready flags follow their
 * enable bits at once (real oscillators take microseconds, code only polls them). */
#include "sim_periph.h"

#define HSI_HZ 8000000u
#define HSE_HZ 8000000u

enum { CR_HSION = 1u << 0, CR_HSIRDY = 1u << 1, CR_HSEON = 1u << 16, CR_HSERDY = 1u << 17,
       CR_PLLON = 1u << 24, CR_PLLRDY = 1u << 25 };

void sim_rcc_reset(sim_rcc *r, bool power_on)
{
    uint32_t csr = r->csr;
    bool stuck = r->pll_stuck;
    *r = (sim_rcc){0};
    r->pll_stuck = stuck;
    r->cr = 0x83 | CR_HSIRDY; /* HSION, HSITRIM = 16 */
    r->ahbenr = 0x14;         /* SRAM and FLITF clocks on */
    r->bdcr = 0;
    /* CSR: reset flags. Power-on sets POR and PIN; a later reset adds to what was there. */
    r->csr = power_on ? 0x0C000000u : (csr | 0x04000000u);
}

static uint32_t ahb_div(uint32_t hpre)
{
    static const uint16_t div[8] = {2, 4, 8, 16, 64, 128, 256, 512};
    return hpre < 8 ? 1 : div[hpre - 8];
}

static uint32_t apb_div(uint32_t ppre) { return ppre < 4 ? 1 : 1u << (ppre - 3); }

uint32_t sim_rcc_sysclk(const sim_rcc *r)
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

uint32_t sim_rcc_hclk(const sim_rcc *r) { return sim_rcc_sysclk(r) / ahb_div((r->cfgr >> 4) & 0xF); }
uint32_t sim_rcc_pclk2(const sim_rcc *r) { return sim_rcc_hclk(r) / apb_div((r->cfgr >> 11) & 7); }
bool sim_rcc_usart1_enabled(const sim_rcc *r) { return (r->apb2enr >> 14) & 1; }

uint32_t sim_rcc_read(sim_rcc *r, uint32_t off)
{
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
