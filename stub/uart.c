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

#ifdef STUB_DMA_GPDMA
/* The U5's GPDMA1 (RM0456 17; stm32u575xx.h DMA_Channel_TypeDef, GPDMA1 channel x from 0x50 +
 * 0x80 * x): word indexes from the channel's CxLBAR. A channel runs one block of CxBR1.BNDT
 * bytes, then fetches the linked-list item CxLLR points to (LA, bits 15:2, in the 64 KiB at
 * CxLBAR) and takes the registers its update bits name, in the order CTR1, CTR2, CBR1, CSAR,
 * CDAR, CLLR; with UB1 = 0 BNDT is restored to the programmed block size (the SVD's CxBR1 and
 * CxLLR field notes). An item of CDAR (UDA, bit 27) and CLLR (ULL, bit 16) that points to itself
 * makes the circular ring: at the end of each block the write position goes back to ring[0]
 * and BNDT to size, so ring_size - BNDT is the position as on the other DMAs. */
#define GP_LBAR 0u
#define GP_SR 4u                 /* 0x10: IDLEF 0 */
#define GP_CR 5u                 /* 0x14: EN 0, RESET 1, SUSP 2 */
#define GP_TR1 16u               /* 0x40: bytes both sides (DW_LOG2 0), DINC 19 */
#define GP_BR1 18u               /* 0x48: BNDT 15:0 */
#define GP_SAR 19u
#define GP_DAR 20u
#define GP_LLR 31u               /* 0x7C */
#define GP_LLR_LINK ((1u << 27) | (1u << 16)) /* UDA, ULL */
/* Both sides on master port 0 (SAP = DAP = 0, their reset value; taken to reach the USART and
 * the SRAM alike: assumed from RM0456's bus matrix, the simulator models no ports). */
#define GP_TR1_RX (1u << 19)
/* CDAR, CLLR: the item the channel reloads after each block, filled by chip_uart_init. The first
 * stage (boot1.c, STUB_BOOT1) has no cleared .bss: there it is initialised, so in .data. */
#ifdef STUB_BOOT1
static unsigned int lli[2] = {1u, 1u};
#else
static unsigned int lli[2];
#endif

/* The channel idle and reset, whatever it was doing: its set-up registers take writes only with
 * EN = 0, and EN cannot be written 0. SUSP suspends an active channel; IDLEF says it is
 * "back in idle state (in suspended or disabled state)" (the SVD's CxSR note); RESET then clears
 * EN and SUSP, "effective" on a suspended or a disabled channel (its CxCR note). The first stage
 * leaves the channel running when it starts the stub. */
static void gpdma_idle(volatile unsigned int *d)
{
    d[GP_CR] = 1u << 2;
    while (!(d[GP_SR] & 1u)) /* IDLEF */
        ;
    d[GP_CR] = 1u << 1;
}

void chip_uart_init(unsigned int brr, unsigned char *ring, unsigned int size)
{
    volatile unsigned int *d = chip_regs(params.rx_dma);
    gpdma_idle(d);
    unsigned int llr = GP_LLR_LINK | ((unsigned int)lli & 0xFFFCu);
    lli[0] = (unsigned int)ring;
    lli[1] = llr;
    d[GP_LBAR] = (unsigned int)lli & 0xFFFF0000u;
    d[GP_TR1] = GP_TR1_RX;
    REG(params.route) = params.route_value; /* CxTR2: REQSEL, the USART's RX request */
    d[GP_BR1] = size;
    d[GP_SAR] = params.usart + 4u * UART_RX;
    d[GP_DAR] = (unsigned int)ring;
    d[GP_LLR] = llr;
    d[GP_CR] = params.rx_dma_on;
    chip_uart_brr(brr);
}

unsigned int chip_uart_rx_pos(void)
{
    unsigned int left = REG(params.rx_dma + 4u * GP_BR1); /* BNDT; 16-31 reserved (0) on channels 0-11 */
    return left ? params.ring_size - left : 0; /* 0 only in the instant of the reload */
}
#else
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
#endif

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
#ifdef STUB_DMA_GPDMA
    gpdma_idle(chip_regs(params.rx_dma));
#else
    REG(params.rx_dma) = 0;
#endif
    REG(params.route) = 0;
}
