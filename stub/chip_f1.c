/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* chip_f1.c - F1 clock and the receive DMA's clock (RM0008 7.3, 13, 27); with STUB_F0 and
 * STUB_F3 the F0's and the F3's, which have the F1's RCC and DMA1 layout and the newer USART
 * (RM0091 6, 10, 27; RM0316 9, 13, 29).
 * After Go the ROM leaves the chip on its 8 MHz HSI (AN2606). At 8 MHz, 921600 baud is 3.5%
 * off (BRR 9), beyond what a UART tolerates, so the stub runs from the PLL: HSI/2 x 16 =
 * 64 MHz, the most the F1 (and the F3) can make without a crystal, with 2 flash wait states
 * (RM0008 3.3.3) and APB1 halved (36 MHz max); the F0 runs HSI/2 x 12 = 48 MHz, its maximum,
 * with 1 wait state (RM0091 3.5.1). The connectivity line (STUB_F1CL: F105/F107) has another
 * PLL: PLLMUL x4-x9 or x6.5 only (RM0008 8.3.2; the x16 above is reserved there), and no other
 * way to a faster clock without a crystal (PREDIV1 and PLL2 take HSE), so HSI/2 x 9 = 36 MHz
 * with 1 wait state (RM0008 3.3.3: 24-48 MHz) and both APBs undivided (APB1's limit is 36 MHz).
 * The USART's receive DMA (which channel: families/usarts.txt)
 * fills the ring while the CPU waits on the flash, so nothing is lost at any baud. */
#include "chip.h"

#define REG(a) (*(volatile unsigned int *)(a))
#define FLASH_ACR REG(0x40022000u)
#define RCC_CR REG(0x40021000u)
#define RCC_CFGR REG(0x40021004u)
#define RCC_AHBENR REG(0x40021014u)

void chip_clock_init(void)
{
    RCC_AHBENR |= 1u;                                     /* DMA1, which receives for the USART */
#ifdef STUB_F0
    FLASH_ACR = (FLASH_ACR & ~7u) | 1u;                   /* 1 wait state above 24 MHz */
    RCC_CFGR = 10u << 18;                                 /* PLL = HSI/2 x 12, APB undivided */
#elif defined(STUB_F1CL)
    FLASH_ACR = (FLASH_ACR & ~7u) | 1u;                   /* 1 wait state above 24 MHz */
    RCC_CFGR = 7u << 18;                                  /* PLL = HSI/2 x 9, APBs undivided */
#else
    FLASH_ACR = (FLASH_ACR & ~7u) | 2u;                   /* 2 wait states above 48 MHz */
    RCC_CFGR = (14u << 18) | (4u << 8);                   /* PLL = HSI/2 x 16, APB1 = HCLK/2 */
#endif
    RCC_CR |= 1u << 24;                                   /* PLLON */
    while (!(RCC_CR & (1u << 25)))
        ;
    RCC_CFGR |= 2u;                                       /* SYSCLK = PLL */
    while ((RCC_CFGR & 0xCu) != 0x8u)
        ;
}

void chip_deinit(void)
{
    chip_uart_stop();
    RCC_CFGR &= ~3u;                                      /* back to HSI */
    while (RCC_CFGR & 0xCu)
        ;
    RCC_CR &= ~(1u << 24);
    RCC_CFGR = 0;
    FLASH_ACR &= ~7u;
}
