/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* uart_regs.h - each family's USART1 and the DMA channel or stream that receives for it
 * (uart.c), at the addresses of the family's row of families/families.txt. The older USART (F1, F4, L1: SR, DR, BRR, CR1-3) and the newer one (F0, F3, F7,
 * G0, G4, H7, L0, L4, WB: CR1-3, BRR, ISR, RDR, TDR) have their flags at the same bits. A DMA
 * channel (CCR, CNDTR, CPAR, CMAR) and a stream (CR, NDTR, PAR, M0AR) both keep their first four
 * registers in that order. Sources: the chip_*.c files' headers. */
#ifndef STUBFLASH_STUB_UART_REGS_H
#define STUBFLASH_STUB_UART_REGS_H

#define CHANNEL_ON ((1u << 7) | (1u << 5) | 1u)  /* MINC, CIRC, EN; 8-bit, from peripheral */
#define STREAM_ON ((1u << 10) | (1u << 8) | 1u)  /* MINC, CIRC, EN; 8-bit, from peripheral */

/* UART_BASE (USART1) and RX_DMA (the channel or stream) come from the family's row of
 * families/families.txt (usart_regs, rx_dma), as STUB_USART_V1/V2 and STUB_DMA_CHANNELS/STREAMS
 * (usart, dma) and STUB_RX_CHSEL, a stream's channel where no DMAMUX routes the request
 * (rx_request): stub/meson.build. */
#if !defined(UART_BASE) || !defined(RX_DMA)
#error "UART_BASE and RX_DMA come from families.txt (stub/meson.build)"
#endif
#if defined(STUB_DMA_STREAMS) && defined(STUB_RX_CHSEL)
#define RX_DMA_ON ((STUB_RX_CHSEL << 25) | STREAM_ON) /* F4/F7 DMA2 stream 2, channel 4 */
#elif defined(STUB_DMA_STREAMS)
#define RX_DMA_ON STREAM_ON                      /* H7 DMA1 stream 0, fed by DMAMUX1 channel 0 */
#else
#define RX_DMA_ON CHANNEL_ON
#endif

#ifdef STUB_USART_V1
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
