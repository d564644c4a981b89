/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* uart.c - USART1 at 8E1 and its receive ring filled by circular DMA, the same on every family
 * (the addresses: uart_regs.h; clocks and request routing: the family's chip_uart_prepare). */
#include "chip.h"
#include "uart_regs.h"

#define REG(a) (*(volatile unsigned int *)(a))
#define SR_TC (1u << 6)
#define SR_TXE (1u << 7)

static unsigned int ring_size;

void chip_uart_brr(unsigned int brr) { REG(UART_BRR) = brr; }

void chip_uart_init(unsigned int brr, unsigned char *ring, unsigned int size)
{
    chip_uart_prepare();
    ring_size = size;
    REG(RX_DMA) = 0;
    REG(RX_DMA + 0x8u) = UART_RX;
    REG(RX_DMA + 0xCu) = (unsigned int)ring;
    REG(RX_DMA + 0x4u) = size;
    REG(RX_DMA) = RX_DMA_ON;
    REG(UART_BRR) = brr;
    REG(UART_CR3) = 1u << 6;                                              /* DMAR */
    REG(UART_CR1) = UART_UE | (1u << 12) | (1u << 10) | (1u << 3) | (1u << 2); /* M, PCE, TE, RE: 8E1 */
}

unsigned int chip_uart_rx_pos(void)
{
    unsigned int left = REG(RX_DMA + 0x4u);
    return left ? ring_size - left : 0; /* 0 only in the instant of the reload */
}

void chip_uart_put(unsigned char c)
{
    while (!(REG(UART_SR) & SR_TXE))
        ;
    REG(UART_TX) = c;
}

void chip_uart_flush(void)
{
    while (!(REG(UART_SR) & SR_TC))
        ;
}

void chip_uart_stop(void)
{
    chip_uart_flush();
    REG(UART_CR1) = 0;
    REG(UART_CR3) = 0;
    REG(RX_DMA) = 0;
}
