/* chip_h7.c - H7 clock, USART1 and DMA1 stream 0 (RM0433 8, 15, 16, 48).
 * The H7 starts on HSI, 64 MHz, undivided down to APB2, whose clock USART1 takes after reset
 * (RCC_D2CCIP2R), with the flash at 7 wait states: the stub puts those back in case the ROM
 * changed them (SW = HSI, HSIDIV /1, D1CFGR and D2CFGR undivided) and needs no PLL: 921600
 * baud is 0.6% fast (BRR 69). USART1 (0x40011000) has the newer registers. USART1_RX: DMAMUX1
 * channel 0 with request 41 (ST's stm32h7xx_ll_dmamux.h) feeds DMA1 stream 0 (the F4's stream
 * registers, without channel selection). DMA1 cannot reach the DTCM, so the host puts the stub
 * and its buffers in the AXI SRAM (0x24005000 on: AN2606). */
#include "chip.h"

#define REG(a) (*(volatile unsigned int *)(a))
#define RCC 0x58024400u
#define RCC_CR REG(RCC + 0x00u)
#define RCC_CFGR REG(RCC + 0x10u)
#define RCC_D1CFGR REG(RCC + 0x18u)
#define RCC_D2CFGR REG(RCC + 0x1Cu)
#define RCC_AHB1ENR REG(RCC + 0xD8u)
#define RCC_APB2ENR REG(RCC + 0xF0u)
#define USART1 0x40011000u
#define USART_CR1 REG(USART1 + 0x00u)
#define USART_CR3 REG(USART1 + 0x08u)
#define USART_BRR REG(USART1 + 0x0Cu)
#define USART_ISR REG(USART1 + 0x1Cu)
#define USART_RDR (USART1 + 0x24u)
#define USART_TDR REG(USART1 + 0x28u)
#define DMA1_S0CR REG(0x40020010u)
#define DMA1_S0NDTR REG(0x40020014u)
#define DMA1_S0PAR REG(0x40020018u)
#define DMA1_S0M0AR REG(0x4002001Cu)
#define DMAMUX1_C0CR REG(0x40020800u)
#define USART1_RX_REQUEST 41u
#define ISR_TC (1u << 6)
#define ISR_TXE (1u << 7)

static unsigned int ring_size;

void chip_clock_init(void)
{
    RCC_CR = (RCC_CR & ~(3u << 3)) | 1u;                  /* HSION, HSIDIV /1 */
    RCC_CFGR = 0;                                         /* SYSCLK = HSI */
    while (RCC_CFGR & 0x38u)
        ;
    RCC_D1CFGR = 0;                                       /* CPU, AHB, APB3 undivided */
    RCC_D2CFGR = 0;                                       /* APB1, APB2 undivided */
}

void chip_uart_brr(unsigned int brr) { USART_BRR = brr; }

void chip_uart_init(unsigned int brr, unsigned char *ring, unsigned int size)
{
    /* PA9 and PA10 stay as the ROM set them for USART1: it talked to the host on them. */
    RCC_AHB1ENR |= 1u;                                    /* DMA1 (and DMAMUX1) */
    RCC_APB2ENR |= 1u << 4;                               /* USART1 */
    DMAMUX1_C0CR = USART1_RX_REQUEST;
    ring_size = size;
    DMA1_S0CR = 0;
    DMA1_S0PAR = USART_RDR;
    DMA1_S0M0AR = (unsigned int)ring;
    DMA1_S0NDTR = size;
    DMA1_S0CR = (1u << 10) | (1u << 8) | 1u;              /* MINC, CIRC, EN; 8-bit, from peripheral */
    USART_BRR = brr;
    USART_CR3 = 1u << 6;                                  /* DMAR */
    USART_CR1 = (1u << 12) | (1u << 10) | (1u << 3) | (1u << 2) | 1u; /* M0, PCE, TE, RE, UE: 8E1 */
}

unsigned int chip_uart_rx_pos(void)
{
    unsigned int left = DMA1_S0NDTR;
    return left ? ring_size - left : 0; /* 0 only in the instant of the reload */
}

void chip_uart_put(unsigned char c)
{
    while (!(USART_ISR & ISR_TXE))
        ;
    USART_TDR = c;
}

void chip_uart_flush(void)
{
    while (!(USART_ISR & ISR_TC))
        ;
}

void chip_deinit(void)
{
    chip_uart_flush();
    USART_CR1 = 0;
    USART_CR3 = 0;
    DMA1_S0CR = 0;
    DMAMUX1_C0CR = 0;                                     /* the clock stays HSI: the reset state */
}
