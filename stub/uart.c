/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* uart.c - the USART the ROM bootloader answered on, at 8E1, and its receive ring filled by
 * circular DMA, the same on every family. Which USART, DMA channel or stream, and request
 * routing: the host's parameters (protocol.h, from families/usarts.txt), so one stub serves
 * USART1, USART2 or USART3; the register layout: uart_regs.h.
 * The rate and the format change only with the USART disabled: on the newer USART (F0, F3, F7,
 * G0, G4, H7, L0, L4, WB) BRR and CR1's M0/M1, OVER8, PCE, PS, WAKE, DEAT and DEDT "can only be
 * written when the USART is disabled (UE=0)" (RM0351 40.8.1 and 40.8.4; RM0091 27.8.1 and
 * 27.8.4; RM0444 33.8.2 and 33.8.5): a write while UE=1 does not take. The ROM hands over its
 * USART enabled at 8E1 (AN3155: Go does not reset the peripherals the bootloader used), and
 * a rate change comes right after a reply, so the last byte is let out first (TC) and UE is
 * cleared before BRR is written. The receive DMA stays on: the requests UE=0 drops (RM0351
 * 40.8.1, UE) matter only for a byte in flight, and the host sends none before the reply.
 * The older USART (F1, F4, L1) takes BRR at any time (RM0008 27.3.4, RM0090 30.3.4: it
 * "should not be changed during communication"): the same sequence does no harm there. */
#include "chip.h"
#include "stub.h"
#include "uart_regs.h"

#define REG(a) (*(volatile unsigned int *)(a))
#define SR_TC (1u << 6)
#define SR_TXE (1u << 7)

void chip_uart_flush(void)
{
    while (!(REG(params.usart + 4u * UART_SR) & SR_TC))
        ;
}

/* The last byte out, then the USART off (UE=0 and everything else in CR1 cleared). */
static volatile unsigned int *uart_off(void)
{
    chip_uart_flush();
    volatile unsigned int *u = chip_regs(params.usart);
    u[UART_CR1] = 0;
    return u;
}

void chip_uart_brr(unsigned int brr)
{
    volatile unsigned int *u = uart_off();
    u[UART_BRR] = brr;
    u[UART_CR3] = 1u << 6;                                                 /* DMAR */
    u[UART_CR1] = UART_UE | (1u << 12) | (1u << 10) | (1u << 3) | (1u << 2); /* M, PCE, TE, RE: 8E1 */
}

void chip_uart_init(unsigned int brr, unsigned char *ring, unsigned int size)
{
    REG(params.route) = params.route_value;
    volatile unsigned int *d = chip_regs(params.rx_dma);
    d[0] = 0;
    d[2] = params.usart + 4u * UART_RX;
    d[3] = (unsigned int)ring;
    d[1] = size;
    d[0] = params.rx_dma_on;
    chip_uart_brr(brr);
}

unsigned int chip_uart_rx_pos(void)
{
    unsigned int left = REG(params.rx_dma + 0x4u);
    return left ? params.ring_size - left : 0; /* 0 only in the instant of the reload */
}

void chip_uart_put(unsigned char c)
{
    volatile unsigned int *u = chip_regs(params.usart);
    while (!(u[UART_SR] & SR_TXE))
        ;
    u[UART_TX] = c;
}


void chip_uart_stop(void)
{
    volatile unsigned int *u = uart_off();
    u[UART_CR3] = 0;
    REG(params.rx_dma) = 0;
    REG(params.route) = 0;
}
