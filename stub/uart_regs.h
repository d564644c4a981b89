/* uart_regs.h - where each family's USART1 and the DMA channel or stream that receives for it
 * are (uart.c). The older USART (F1, F4, L1: SR, DR, BRR, CR1-3) and the newer one (F0, F3, F7,
 * G0, G4, H7, L0, L4, WB: CR1-3, BRR, ISR, RDR, TDR) have their flags at the same bits. A DMA
 * channel (CCR, CNDTR, CPAR, CMAR) and a stream (CR, NDTR, PAR, M0AR) both keep their first four
 * registers in that order. Sources: the chip_*.c files' headers. */
#ifndef STUBFLASH_STUB_UART_REGS_H
#define STUBFLASH_STUB_UART_REGS_H

#define CHANNEL_ON ((1u << 7) | (1u << 5) | 1u)  /* MINC, CIRC, EN; 8-bit, from peripheral */
#define STREAM_ON ((1u << 10) | (1u << 8) | 1u)  /* MINC, CIRC, EN; 8-bit, from peripheral */

#if defined(STUB_F4) || defined(STUB_F7)
#define UART_BASE 0x40011000u
#define RX_DMA 0x40026440u                       /* DMA2 stream 2 */
#define RX_DMA_ON ((4u << 25) | STREAM_ON)       /* channel 4 */
#elif defined(STUB_H7)
#define UART_BASE 0x40011000u
#define RX_DMA 0x40020010u                       /* DMA1 stream 0, fed by DMAMUX1 channel 0 */
#define RX_DMA_ON STREAM_ON
#elif defined(STUB_F0) || defined(STUB_L0)
#define UART_BASE 0x40013800u
#define RX_DMA 0x40020030u                       /* DMA1 channel 3 */
#define RX_DMA_ON CHANNEL_ON
#elif defined(STUB_L1)
#define UART_BASE 0x40013800u
#define RX_DMA 0x40026058u                       /* DMA1 (at 0x40026000) channel 5 */
#define RX_DMA_ON CHANNEL_ON
#else /* F1, F3, G0, G4, L4, WB */
#define UART_BASE 0x40013800u
#define RX_DMA 0x40020058u                       /* DMA1 channel 5 */
#define RX_DMA_ON CHANNEL_ON
#endif

#if defined(STUB_F1) || defined(STUB_F4) || defined(STUB_L1)
#define UART_SR (UART_BASE + 0x00u)
#define UART_RX (UART_BASE + 0x04u)
#define UART_TX (UART_BASE + 0x04u)
#define UART_BRR (UART_BASE + 0x08u)
#define UART_CR1 (UART_BASE + 0x0Cu)
#define UART_CR3 (UART_BASE + 0x14u)
#define UART_UE (1u << 13)
#else
#define UART_SR (UART_BASE + 0x1Cu)               /* ISR */
#define UART_RX (UART_BASE + 0x24u)               /* RDR */
#define UART_TX (UART_BASE + 0x28u)               /* TDR */
#define UART_BRR (UART_BASE + 0x0Cu)
#define UART_CR1 (UART_BASE + 0x00u)
#define UART_CR3 (UART_BASE + 0x08u)
#define UART_UE (1u << 0)
#endif

#endif
