/* chip_f4.c - F2/F4 and F7 clock, USART1 and DMA2 stream 2 (RM0090 6, 10, 30; RM0385 5, 8, 34).
 * After Go the ROM leaves the chip on its 16 MHz HSI. The stub runs from the PLL at 84 MHz
 * (HSI/16 x 336 / 4; 48 MHz on Q for USB), the most every F4 we serve allows at its reset
 * voltage scale (F401 and F411 start in scale 2: 84 MHz), with 2 flash wait states (RM0090
 * table 10, RM0368 table 6: 60/64-90 MHz at 2.7-3.6 V) and APB1 halved (42 MHz max); APB2,
 * which clocks USART1, runs at 84 MHz. USART1_RX is DMA2 stream 2, channel 4 (RM0090 table
 * 43; RM0385 table 28). The F4's USART has the F1's registers (SR, DR, BRR, CR1-3); the F7's
 * the newer map (ISR, RDR, TDR; UE at bit 0). The F7 starts in voltage scale 1 and takes the
 * same 84 MHz with 2 wait states (RM0385 table 7). */
#include "chip.h"

#define REG(a) (*(volatile unsigned int *)(a))
#define FLASH_ACR REG(0x40023C00u)
#define RCC_CR REG(0x40023800u)
#define RCC_PLLCFGR REG(0x40023804u)
#define RCC_CFGR REG(0x40023808u)
#define RCC_AHB1ENR REG(0x40023830u)
#define RCC_APB2ENR REG(0x40023844u)
#define USART1 0x40011000u
#ifdef STUB_F7
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
#define DMA2_S2CR REG(0x40026440u)
#define DMA2_S2NDTR REG(0x40026444u)
#define DMA2_S2PAR REG(0x40026448u)
#define DMA2_S2M0AR REG(0x4002644Cu)
#define SR_TC (1u << 6)
#define SR_TXE (1u << 7)
#define PLLCFGR_RESET 0x24003010u

static unsigned int ring_size;

void chip_clock_init(void)
{
    FLASH_ACR = (FLASH_ACR & ~0xFu) | 2u;                 /* 2 wait states */
    RCC_CFGR = 4u << 10;                                  /* APB1 = HCLK/2 */
    RCC_PLLCFGR = 16u | (336u << 6) | (1u << 16) | (7u << 24); /* M 16, N 336, P 4, Q 7, from HSI */
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
    /* PA9 and PA10 stay as the ROM set them for USART1 (AF7): it talked to the host on them. */
    RCC_AHB1ENR |= 1u << 22;                              /* DMA2 */
    RCC_APB2ENR |= 1u << 4;                               /* USART1 */
    ring_size = size;
    DMA2_S2PAR = USART_RX;
    DMA2_S2M0AR = (unsigned int)ring;
    DMA2_S2NDTR = size;
    DMA2_S2CR = (4u << 25) | (1u << 10) | (1u << 8) | 1u; /* channel 4, MINC, CIRC, EN; 8-bit, from peripheral */
    USART_BRR = brr;
    USART_CR3 = 1u << 6;                                  /* DMAR */
    USART_CR1 = CR1_UE | (1u << 12) | (1u << 10) | (1u << 3) | (1u << 2); /* UE, M, PCE, TE, RE: 8E1 */
}

unsigned int chip_uart_rx_pos(void)
{
    unsigned int left = DMA2_S2NDTR;
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
    DMA2_S2CR = 0;
    RCC_CFGR &= ~3u;                                      /* back to HSI */
    while (RCC_CFGR & 0xCu)
        ;
    RCC_CR &= ~(1u << 24);
    RCC_CFGR = 0;
    RCC_PLLCFGR = PLLCFGR_RESET;
    FLASH_ACR &= ~0xFu;
}
