/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* chip_l4.c - L4, G4, WB and G0 clock and the DMA's clock (RM0351 6, 11, 38; RM0440 7,
 * 12, 13, 37; RM0434 6, 11, 12, 36; RM0444 5, 10, 11, 33).
 * The stub runs at 80 MHz from the PLL fed by HSI16 (/1 x10 /2; VCO 160 MHz, within both
 * families' limits), the L4's maximum, in the voltage range both start in (range 1), with 4
 * flash wait states (RM0351 table 11: 64-80 MHz; the G4 needs 3 at most there, RM0440 table
 * 29). USART1, clocked from PCLK2 after reset, then makes 921600 baud 0.2% slow (BRR 87); at
 * HSI16 alone it could not (BRR 17 is 2.1% fast). USART1 has the newer registers
 * (ISR, RDR, TDR; UE at bit 0). USART1_RX: DMA1 channel 5, request 2 in DMA1_CSELR on the L4
 * (RM0351 table 41); on the G4 a DMAMUX1 channel in front of it (its channel 4 feeds DMA1
 * channel 5), request 24 (ST's stm32g4xx_ll_dmamux.h: LL_DMAMUX_REQ_USART1_RX 0x18).
 * The WB (STUB_WB): RCC and flash on AHB4 (0x58000000, 0x58004000); 64 MHz, its maximum (HSI16
 * /1 x8 /2, PLLR and PLLREN where its PLLCFGR has them), with 3 wait states (RM0434 table 11:
 * 54-64 MHz in range 1), so 921600 baud is 0.6% fast (BRR 69); USART1_RX through DMAMUX1,
 * request 14 (ST's stm32wbxx_ll_dmamux.h: LL_DMAMUX_REQ_USART1_RX 0x0E).
 * The L4R/S (STUB_L4R, RM0432): the L4's clock set-up (80 MHz takes 4 wait states, one more
 * than RM0432 asks in range 1) with DMAMUX1 in front of DMA1 (AHB1ENR DMAMUX1EN bit 2).
 * The L5 (STUB_L5, RM0438): the L4's RCC registers (CR, CFGR's SW/SWS, AHB1ENR 0x48, APB1ENR1
 * 0x58, APB2ENR 0x60, as NuttX's stm32l562xx_rcc.h has them), MSI at reset, but the core starts in
 * voltage range 2 (PWR_CR1 VOS), whose ceiling is 26 MHz: rather than raise the range the stub
 * runs from HSI16 alone (16 MHz, no PLL) with 2 wait states, taken as enough for 16 MHz in range
 * 2 (RM0438's wait-state table not re-read: assumed, and one state more than the L4 needs), so
 * 460800 baud is 0.8% slow (BRR 35) as on the G0; DMAMUX1 in front of DMA1 (AHB1ENR DMAMUX1EN
 * bit 2, DMA1EN bit 0), USART1_RX request 25 (stm32l5xx_ll_dmamux.h).
 * The U5 (STUB_U5, RM0456): RCC at 0x46020C00 (stm32u575xx.h RCC_BASE_NS = AHB3PERIPH_BASE_NS +
 * 0x0C00) with CR 0x00 (HSION bit 8 as on the L4), CFGR1 0x1C (SW 0-1: 0 MSIS, 1 HSI16; SWS
 * 2-3), AHB1ENR 0x88 (GPDMA1EN bit 0) (RCC_TypeDef); MSIS 4 MHz at reset and the core in voltage
 * range 4 (RM0456 10.5/11.4: PWR_VOSR VOS), so like the L5 the stub runs from HSI16 alone
 * (16 MHz, buses undivided at reset: CFGR2 0) with 2 wait states (taken as enough for 16 MHz in
 * range 4: RM0456's wait-state table not re-read, assumed) rather than raise the range: 460800
 * baud at most (BRR 35, 0.8% slow), 921600 too far off. USART1_RX through GPDMA1 channel 0,
 * request 24 (stm32u5xx_ll_dma.h LL_GPDMA1_REQUEST_USART1_RX): uart.c's STUB_DMA_GPDMA.
 * The WL (STUB_WL, RM0461): the WB's RCC and flash addresses and PLLCFGR; 48 MHz, its maximum
 * (HSI16 /1 x6 /2: VCO 96 MHz, taken to be the bottom of its range), with 2 wait states (taken
 * from RM0461's table for range 1 as recalled, not re-read: to be checked), so 921600 baud is
 * 0.2% fast (BRR 52); DMAMUX1 and DMA1 clocks as the WB's (AHB1ENR bits 2 and 0).
 * The G0 (STUB_G0, a Cortex-M0+): its own RCC layout (CFGR SW in bits 0-2, AHBENR 0x38,
 * APBENR2 0x40); the stub runs from HSISYS = HSI16 (16 MHz, the G0's reset clock, no wait
 * states), which the 4 KiB budget leaves no room to leave: 460800 baud is 0.8% slow (BRR 35),
 * 921600 too far off (the host does not ask for it). USART1_RX through DMAMUX1, request 50
 * (ST's stm32g0xx_ll_dmamux.h: LL_DMAMUX_REQ_USART1_RX 0x32). */
#include "chip.h"

/* The C0 (STUB_C0; RM0490 3, 5, 9, 10): the G0's flash controller, RCC, DMAMUX and USART
 * registers; its SYSCLK stays HSISYS = HSI48 / 4 = 12 MHz, the reset clock (RM0490 5.2). */
#ifdef STUB_C0
#define STUB_G0
#endif

#define REG(a) (*(volatile unsigned int *)(a))
#ifdef STUB_G0
#define RCC 0x40021000u
#define RCC_CR REG(RCC + 0x00u)
#define RCC_CFGR REG(RCC + 0x08u)
#define RCC_AHB1ENR REG(RCC + 0x38u)                      /* AHBENR */
#define DMA_CLOCKS 1u                                     /* DMA1EN (DMAMUX with it) */
#elif defined(STUB_WB)
#define FLASH_ACR REG(0x58004000u)
#define RCC 0x58000000u
#define PLL_SETUP (2u | (8u << 8) | (1u << 28) | (1u << 29)) /* HSI16 /1 x8, R /2 enabled */
#define WAIT_STATES 3u
#elif defined(STUB_WL)
#define FLASH_ACR REG(0x58004000u)
#define RCC 0x58000000u
#define PLL_SETUP (2u | (6u << 8) | (1u << 28) | (1u << 29)) /* HSI16 /1 x6, R /2 enabled */
#define WAIT_STATES 2u
#elif defined(STUB_L5)
#define FLASH_ACR REG(0x40022000u)
#define RCC 0x40021000u
#define WAIT_STATES 2u
#elif defined(STUB_U5)
#define FLASH_ACR REG(0x40022000u)
#define RCC 0x46020C00u                                   /* RCC_BASE_NS (stm32u575xx.h) */
#define WAIT_STATES 2u
#else
#define FLASH_ACR REG(0x40022000u)
#define RCC 0x40021000u
#define PLL_SETUP (2u | (10u << 8) | (1u << 24))            /* HSI16 /1 x10, R /2 enabled */
#define WAIT_STATES 4u
#endif
#ifdef STUB_U5
/* Through chip_regs: 16-bit loads and stores at offsets from 0x46020C00 (4 KiB budget). */
#define RCC_CR (chip_regs(RCC)[0x00u / 4u])
#define RCC_CFGR (chip_regs(RCC)[0x1Cu / 4u])              /* CFGR1: SW 0-1, SWS 2-3 */
#define RCC_AHB1ENR (chip_regs(RCC)[0x88u / 4u])
#define DMA_CLOCKS 1u                                     /* GPDMA1EN */
#elif !defined(STUB_G0)
#define RCC_CR REG(RCC + 0x00u)
#define RCC_CFGR REG(RCC + 0x08u)
#define RCC_PLLCFGR REG(RCC + 0x0Cu)
#define RCC_AHB1ENR REG(RCC + 0x48u)
#if defined(STUB_G4) || defined(STUB_WB) || defined(STUB_WL) || defined(STUB_L4R) || defined(STUB_L5)
#define DMA_CLOCKS 5u                                     /* DMAMUX1EN, DMA1EN */
#else
#define DMA_CLOCKS 1u                                     /* DMA1EN */
#endif
#endif

void chip_clock_init(void)
{
    RCC_AHB1ENR |= DMA_CLOCKS;
#ifdef STUB_G0
#ifndef STUB_C0 /* HSIDIV /1 would run a C0 at 48 MHz, beyond 0 wait states */
    RCC_CR &= ~(7u << 11);                                /* HSIDIV /1 */
#endif
    RCC_CFGR = 0;                                         /* SYSCLK = HSISYS, buses undivided */
    while (RCC_CFGR & 0x38u)
        ;
#elif defined(STUB_L5) || defined(STUB_U5)
    FLASH_ACR = (FLASH_ACR & ~0xFu) | WAIT_STATES;        /* before the clock rises */
    RCC_CR |= 1u << 8;                                    /* HSION; the switch waits for it */
    RCC_CFGR = 1u;                                        /* SYSCLK = HSI16, buses undivided */
    while ((RCC_CFGR & 0xCu) != 0x4u)
        ;
#else
    RCC_CR |= 1u << 8;                                    /* HSION; the switch waits for it */
    RCC_CFGR = 1u;                                        /* SYSCLK = HSI16 while the PLL is set up */
    while ((RCC_CFGR & 0xCu) != 0x4u)
        ;
    RCC_CR &= ~(1u << 24);                                /* the ROM may run the PLL (PLLCFGR is */
    while (RCC_CR & (1u << 25))                           /* written only while it is off) */
        ;
    FLASH_ACR = (FLASH_ACR & ~0xFu) | WAIT_STATES;
    RCC_PLLCFGR = PLL_SETUP;
    RCC_CR |= 1u << 24;                                   /* PLLON */
    while (!(RCC_CR & (1u << 25)))
        ;
    RCC_CFGR = 3u;                                        /* SYSCLK = PLL, AHB and APBs undivided */
    while ((RCC_CFGR & 0xCu) != 0xCu)
        ;
#endif
}

void chip_deinit(void)
{
    chip_uart_stop();
#ifndef STUB_G0 /* the G0 stays on HSISYS, its reset clock */
#ifdef STUB_G4
    RCC_CFGR = (RCC_CFGR & ~3u) | 1u;                     /* the G4 starts on HSI16 */
    while ((RCC_CFGR & 0xCu) != 0x4u)
        ;
#else
    RCC_CFGR &= ~3u;                                      /* the L4, WB and WL start on MSI */
    while (RCC_CFGR & 0xCu)
        ;
#endif
    RCC_CR &= ~(1u << 24);                                /* PLL off, wait states back to 0 */
    FLASH_ACR &= ~0xFu;
#endif
}
