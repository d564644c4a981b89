/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* chip.h - what the stub needs from the chip besides its flash controller: clock, the USART with
 * a DMA-fed receive ring, and the ways out (jump, reset). One file per family (chip_f1.c: F0, F1
 * and its connectivity line, F3; chip_f4.c: F2, F4 and F7, chip_l4.c: L4, G4, WB and G0,
 * chip_l0.c: L0 and L1, chip_h7.c). */
#ifndef STUBFLASH_STUB_CHIP_H
#define STUBFLASH_STUB_CHIP_H

/* The registers at address a, through a pointer the compiler cannot see through: registers at
 * small offsets from it take 16-bit loads and stores and one literal, not one literal (or a
 * 32-bit access) each; the stub has 4 KiB. */
static inline volatile unsigned int *chip_regs(unsigned int a)
{
    volatile unsigned int *p = (volatile unsigned int *)a;
    __asm__("" : "+r"(p));
    return p;
}

/* Raise the core clock as far as is safe without knowing the board (no crystal assumed). */
void chip_clock_init(void);
/* The USART the host names in the parameters (params.usart) at BRR (params.uart_clock / baud),
 * 8E1, receiving into ring[0..size) by circular DMA (uart.c). */
void chip_uart_init(unsigned int brr, unsigned char *ring, unsigned int size);
/* Wait for the last byte, then the USART, its DMA and the request's routing off (uart.c). */
void chip_uart_stop(void);
/* Once the last byte is out, the USART at BRR brr: disabled while BRR and CR1 change (uart.c). */
void chip_uart_brr(unsigned int brr);
/* Bytes the DMA has written so far, as a position in the ring. */
unsigned int chip_uart_rx_pos(void);
void chip_uart_put(unsigned char c);
/* Wait until the last byte has left the shift register. */
void chip_uart_flush(void);
/* Put the clock and the peripherals the stub used back to their reset state (per family). */
void chip_deinit(void);
/* chip_deinit, then start the program whose vector table is at vt (cortex.c). */
void chip_go(unsigned int vt) __attribute__((noreturn));
/* A system reset once the last byte has left (cortex.c). */
void chip_reset(void) __attribute__((noreturn));

#endif
