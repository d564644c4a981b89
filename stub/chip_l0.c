/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* chip_l0.c - L0 and L1 clock and the DMA's clock (RM0367 7, 10, 11, 24; RM0038
 * 6, 11, 27). Both start in voltage range 2 (16 MHz at most) on MSI: the stub runs from HSI16 with
 * 1 flash wait state (RM0367 3.3.2, RM0038 3.3.1; the L1 wants 64-bit access, ACC64, first).
 * At 16 MHz 921600 baud is 2.1% off (BRR 17): the host asks for 460800 (0.8% slow).
 * L0: RCC 0x40021000 (CR HSI16ON 0; CFGR 0x0C; AHBENR 0x30; APB2ENR 0x34), the
 * newer USART, USART1_RX on DMA1 channel 3 with CSELR request 3 (RM0367 table 51).
 * L1: RCC 0x40023800 (CR HSION 0; CFGR 0x08; AHBENR 0x1C, DMA1EN bit 24; APB2ENR
 * 0x20), the F1's USART, DMA1 at 0x40026000, USART1_RX on channel 5 (RM0038 table 54). */
#include "chip.h"

#define REG(a) (*(volatile unsigned int *)(a))
/* RCC registers in words from its base (CR is at 0 on both). */
#ifdef STUB_L1
#define FLASH_ACR REG(0x40023C00u)
#define RCC_BASE 0x40023800u
#define CFGR 2
#define AHBENR 7
#define DMAEN (1u << 24)
#define ACR_1WS 5u                     /* ACC64, then LATENCY */
#else
#define FLASH_ACR REG(0x40022000u)
#define RCC_BASE 0x40021000u
#define CFGR 3
#define AHBENR 12
#define DMAEN 1u
#define ACR_1WS 1u
#endif
#define RCC_CFGR REG(RCC_BASE + 4u * CFGR)

void chip_clock_init(void)
{
    volatile unsigned int *rcc = chip_regs(RCC_BASE);
    rcc[0] |= 1u;                                         /* CR: HSI(16)ON; the switch waits for it */
    rcc[AHBENR] |= DMAEN;                                 /* DMA1 */
#ifdef STUB_L1
    FLASH_ACR |= 4u;                                      /* ACC64 before LATENCY */
#endif
    FLASH_ACR |= ACR_1WS;
    rcc[CFGR] = 1u;                                       /* SYSCLK = HSI16, buses undivided */
    while ((rcc[CFGR] & 0xCu) != 0x4u)
        ;
}

void chip_deinit(void)
{
    chip_uart_stop();
    RCC_CFGR = 0;                                         /* back to MSI, the reset clock */
    while (RCC_CFGR & 0xCu)
        ;
    FLASH_ACR &= ~1u;                                     /* no wait state (ACC64 may stay) */
}
