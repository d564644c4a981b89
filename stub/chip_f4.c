/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* chip_f4.c - F2/F4 and F7 clock and DMA clocks (RM0090 6, 10, 30; RM0385 5, 8, 34; RM0033 5).
 * After Go the ROM leaves the chip on its 16 MHz HSI. The stub runs from the PLL at 84 MHz
 * (HSI/16 x 336 / 4; 48 MHz on Q for USB), the most every F4 we serve allows at its reset
 * voltage scale (F401 and F411 start in scale 2: 84 MHz), with 2 flash wait states (RM0090
 * table 10, RM0368 table 6: 60/64-90 MHz at 2.7-3.6 V) and APB1 halved (42 MHz max: USART2
 * and USART3); APB2, which clocks USART1, runs at 84 MHz. USART1_RX is on DMA2, USART2/3_RX on
 * DMA1 (RM0090 tables 42 and 43; RM0385 tables 27 and 28; streams: families/usarts.txt). The F4's USART has the F1's registers (SR, DR, BRR, CR1-3); the F7's
 * the newer map (ISR, RDR, TDR; UE at bit 0). The F7 starts in voltage scale 1 and takes the
 * same 84 MHz with 2 wait states (RM0385 table 7).
 * The F2 (STUB_F2, RM0033) has the F4's RCC and PLL (HSI/16 = 1 MHz into the VCO, N 336 within
 * its 192-432) and allows 84 MHz: 120 MHz is its maximum, and 2 wait states cover 60-90 MHz at
 * 2.7-3.6 V (RM0033 table "Number of wait states according to Cortex-M3 clock frequency"; ST's
 * STM32F2xx clock configuration tool repeats it). Its buses are slower than the F4's: APB2 at
 * most 60 MHz and APB1 30 MHz (RM0033 5.2: HCLK/2 and HCLK/4 at 120 MHz), so there APB2 is
 * halved (42 MHz, USART1) and APB1 quartered (21 MHz, USART3). */
#include "chip.h"

#define REG(a) (*(volatile unsigned int *)(a))
#define FLASH_ACR REG(0x40023C00u)
#define RCC_BASE 0x40023800u
#define CR 0                                              /* RCC registers, in words */
#define PLLCFGR 1
#define CFGR 2
#define AHB1ENR 12
#define PLLCFGR_RESET 0x24003010u

/* SYSCLK back on HSI, then the PLL off: PLLCFGR "should be written only when PLL is disabled"
 * (RM0090 6.3.2; RM0385 5.3.2), and the ROM may leave it running (AN3155: Go does not reset
 * what the bootloader set up). CFGR = cfgr also sets the bus prescalers. */
static volatile unsigned int *pll_off(unsigned int cfgr)
{
    volatile unsigned int *rcc = chip_regs(RCC_BASE);
    rcc[CFGR] = cfgr;                                     /* SW = HSI */
    while (rcc[CFGR] & 0xCu)
        ;
    rcc[CR] &= ~(1u << 24);                               /* PLLON */
    while (rcc[CR] & (1u << 25))                          /* PLLRDY */
        ;
    return rcc;
}

void chip_clock_init(void)
{
    FLASH_ACR = (FLASH_ACR & ~0xFu) | 2u;                 /* 2 wait states: enough for any clock */
#ifdef STUB_F2
    volatile unsigned int *rcc = pll_off((5u << 10) | (4u << 13)); /* APB1 = HCLK/4, APB2 = HCLK/2 */
#else
    volatile unsigned int *rcc = pll_off(4u << 10);       /* APB1 = HCLK/2 */
#endif
    rcc[PLLCFGR] = 16u | (336u << 6) | (1u << 16) | (7u << 24); /* M 16, N 336, P 4, Q 7, from HSI */
    rcc[CR] |= 1u << 24;                                  /* PLLON */
    while (!(rcc[CR] & (1u << 25)))
        ;
    rcc[CFGR] |= 2u;                                      /* SYSCLK = PLL */
    while ((rcc[CFGR] & 0xCu) != 0x8u)
        ;
    rcc[AHB1ENR] |= 3u << 21;                             /* DMA1 (USART2/3_RX), DMA2 (USART1_RX) */
}

void chip_deinit(void)
{
    chip_uart_stop();
    pll_off(0)[PLLCFGR] = PLLCFGR_RESET;                  /* HSI, buses undivided; PLL reset */
    FLASH_ACR &= ~0xFu;
}
