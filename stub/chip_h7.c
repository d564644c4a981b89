/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* chip_h7.c - H7 clock and the DMA's clock (RM0433 8, 15, 16, 48).
 * The H7 starts on HSI, 64 MHz, undivided down to APB2, whose clock USART1 takes after reset
 * (RCC_D2CCIP2R), with the flash at 7 wait states: the stub puts those back in case the ROM
 * changed them (SW = HSI, HSIDIV /1, D1CFGR and D2CFGR undivided) and needs no PLL: 921600
 * baud is 0.6% fast (BRR 69). USART1 (0x40011000) has the newer registers. USART1_RX: DMAMUX1
 * channel 0 with request 41 (ST's stm32h7xx_ll_dmamux.h) feeds DMA1 stream 0 (the F4's stream
 * registers, without channel selection). DMA1 cannot reach the DTCM, so the host puts the stub
 * and its buffers in the AXI SRAM (0x24005000 on: AN2606). The H7A3/B3 (STUB_H7A) has these
 * registers at the same offsets, D1CFGR and D2CFGR named CDCFGR1 and CDCFGR2 (RM0455 8.7;
 * stm32h7a3xx.h RCC_TypeDef), and its stub goes to 0x24034000. */
#include "chip.h"

#define REG(a) (*(volatile unsigned int *)(a))
#define RCC 0x58024400u
#define RCC_CR REG(RCC + 0x00u)
#define RCC_CFGR REG(RCC + 0x10u)
#define RCC_D1CFGR REG(RCC + 0x18u)
#define RCC_D2CFGR REG(RCC + 0x1Cu)
#define RCC_AHB1ENR REG(RCC + 0xD8u)

void chip_clock_init(void)
{
    RCC_CR = (RCC_CR & ~(3u << 3)) | 1u;                  /* HSION, HSIDIV /1 */
    RCC_CFGR = 0;                                         /* SYSCLK = HSI */
    while (RCC_CFGR & 0x38u)
        ;
    RCC_D1CFGR = 0;                                       /* CPU, AHB, APB3 undivided */
    RCC_D2CFGR = 0;                                       /* APB1, APB2 undivided */
    RCC_AHB1ENR |= 1u;                                    /* DMA1 (and DMAMUX1) */
}

void chip_deinit(void)
{
    chip_uart_stop();                                     /* the clock stays HSI: the reset state */
}
