/* chip_f1.c - F1 clock, USART1 and DMA1 channel 5 (RM0008 7.3, 13, 27); with STUB_F0 and
 * STUB_F3 the F0's and the F3's, which have the F1's RCC and DMA1 layout and the newer USART
 * (RM0091 6, 10, 27; RM0316 9, 13, 29).
 * After Go the ROM leaves the chip on its 8 MHz HSI (AN2606). At 8 MHz, 921600 baud is 3.5%
 * off (BRR 9), beyond what a UART tolerates, so the stub runs from the PLL: HSI/2 x 16 =
 * 64 MHz, the most the F1 (and the F3) can make without a crystal, with 2 flash wait states
 * (RM0008 3.3.3) and APB1 halved (36 MHz max); the F0 runs HSI/2 x 12 = 48 MHz, its maximum,
 * with 1 wait state (RM0091 3.5.1). USART1_RX is DMA1 channel 5 (RM0008 table 78, RM0316
 * table 78), channel 3 on the F0 (RM0091 table 29): the ring fills while the CPU waits on the
 * flash, so nothing is lost at any baud. */
#include "chip.h"

#define REG(a) (*(volatile unsigned int *)(a))
#define FLASH_ACR REG(0x40022000u)
#define RCC_CR REG(0x40021000u)
#define RCC_CFGR REG(0x40021004u)
#define RCC_AHBENR REG(0x40021014u)
#define RCC_APB2ENR REG(0x40021018u)
#define GPIOA_CRH REG(0x40010804u)
#define USART1 0x40013800u
#if defined(STUB_F0) || defined(STUB_F3)
#define USART_SR REG(USART1 + 0x1Cu)  /* ISR */
#define USART_RX (USART1 + 0x24u)     /* RDR */
#define USART_TX REG(USART1 + 0x28u)  /* TDR */
#define USART_BRR REG(USART1 + 0x0Cu)
#define USART_CR1 REG(USART1 + 0x00u)
#define USART_CR3 REG(USART1 + 0x08u)
#define CR1_UE (1u << 0)
#else
#define USART_SR REG(USART1 + 0x00u)
#define USART_RX (USART1 + 0x04u)     /* DR */
#define USART_TX REG(USART1 + 0x04u)
#define USART_BRR REG(USART1 + 0x08u)
#define USART_CR1 REG(USART1 + 0x0Cu)
#define USART_CR3 REG(USART1 + 0x14u)
#define CR1_UE (1u << 13)
#endif
#ifdef STUB_F0
#define DMA_CH 0x40020030u            /* channel 3 */
#else
#define DMA_CH 0x40020058u            /* channel 5 */
#endif
#define DMA_CCR5 REG(DMA_CH + 0x0u)
#define DMA_CNDTR5 REG(DMA_CH + 0x4u)
#define DMA_CPAR5 REG(DMA_CH + 0x8u)
#define DMA_CMAR5 REG(DMA_CH + 0xCu)
#define SR_TC (1u << 6)
#define SR_TXE (1u << 7)

static unsigned int ring_size;

void chip_clock_init(void)
{
#ifdef STUB_F0
    FLASH_ACR = (FLASH_ACR & ~7u) | 1u;                   /* 1 wait state above 24 MHz */
    RCC_CFGR = 10u << 18;                                 /* PLL = HSI/2 x 12, APB undivided */
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

void chip_uart_brr(unsigned int brr) { USART_BRR = brr; }

void chip_uart_init(unsigned int brr, unsigned char *ring, unsigned int size)
{
    RCC_AHBENR |= 1u;                                     /* DMA1 */
#if defined(STUB_F0) || defined(STUB_F3)
    RCC_APB2ENR |= 1u << 14;                              /* USART1; PA9/PA10 stay as the ROM set them */
#else
    RCC_APB2ENR |= (1u << 14) | (1u << 2);                /* USART1, GPIOA */
    GPIOA_CRH = (GPIOA_CRH & ~0xFF0u) | 0x4B0u;           /* PA9 AF push-pull, PA10 input */
#endif
    ring_size = size;
    DMA_CCR5 = 0;
    DMA_CPAR5 = USART_RX;
    DMA_CMAR5 = (unsigned int)ring;
    DMA_CNDTR5 = size;
    DMA_CCR5 = (1u << 7) | (1u << 5) | 1u;                /* MINC, CIRC, EN; 8-bit, from peripheral */
    USART_BRR = brr;
    USART_CR3 = 1u << 6;                                  /* DMAR */
    USART_CR1 = CR1_UE | (1u << 12) | (1u << 10) | (1u << 3) | (1u << 2); /* UE, M, PCE, TE, RE: 8E1 */
}

unsigned int chip_uart_rx_pos(void)
{
    unsigned int left = DMA_CNDTR5;
    return left ? ring_size - left : 0; /* 0 only in the instant of the reload */
}

void chip_uart_put(unsigned char c)
{
    while (!(USART_SR & SR_TXE))
        ;
    USART_TX = c;
}

void chip_uart_flush(void)
{
    while (!(USART_SR & SR_TC))
        ;
}

void chip_deinit(void)
{
    chip_uart_flush();
    USART_CR1 = 0;
    USART_CR3 = 0;
    DMA_CCR5 = 0;
    RCC_CFGR &= ~3u;                                      /* back to HSI */
    while (RCC_CFGR & 0xCu)
        ;
    RCC_CR &= ~(1u << 24);
    RCC_CFGR = 0;
    FLASH_ACR &= ~7u;
}
