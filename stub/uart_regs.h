/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* uart_regs.h - the USART's registers, as word indexes from its base, and how a DMA channel or
 * stream is switched on to receive for it (uart.c). The older USART (F1, F4, L1: SR, DR, BRR,
 * CR1-3) and the newer one (F0, F3, F7, G0, G4, H7, L0, L4, WB: CR1-3, BRR, ISR, RDR, TDR) have
 * their flags at the same bits; families/families.txt says which a family has (usart), and
 * stub/meson.build defines STUB_USART_V1 or V2. A DMA channel (CCR, CNDTR, CPAR, CMAR) and a
 * stream (CR, NDTR, PAR, M0AR) both keep their first four registers in that order, so uart.c
 * drives either; what CCR/CR takes comes from the host (rx_dma_on). */
#ifndef STUBFLASH_STUB_UART_REGS_H
#define STUBFLASH_STUB_UART_REGS_H

#ifdef STUB_USART_V1
#define UART_SR 0u   /* SR */
#define UART_RX 1u   /* DR */
#define UART_TX 1u
#define UART_BRR 2u
#define UART_CR1 3u
#define UART_CR3 5u
#define UART_UE (1u << 13)
#else
#define UART_SR 7u   /* ISR */
#define UART_RX 9u   /* RDR */
#define UART_TX 10u  /* TDR */
#define UART_BRR 3u
#define UART_CR1 0u
#define UART_CR3 2u
#define UART_UE (1u << 0)
#endif

#endif
