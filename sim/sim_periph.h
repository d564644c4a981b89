/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_periph.h - the peripherals code started by Go can use: RCC (clock tree), USART1 (the
 * bootloader's line) with a DMA for its receiver (F1: DMA1 channel 5; F4: DMA2 stream 2 or 5),
 * the flash controller, SysTick and the SCB. Everything else in the peripheral space is a plain
 * register file, so GPIO and AFIO set-up code runs. Interrupts are not delivered: code must
 * poll (our stub does; see sim_systick.c for what TICKINT does). */
#ifndef SIM_PERIPH_H
#define SIM_PERIPH_H

#include "families.h"
#include "sim_line.h"
#include "sim_memory.h"

#include <stdbool.h>
#include <stdint.h>

/* Where a part's peripherals sit and which models it has: its family's row of
 * families/families.txt (sim_part_family). */
typedef sfi_family sim_soc_map;
/* Where the USART the ROM answers on and its receive DMA are, as the simulator knows it
 * (sim_dma.c, from the reference manuals; the host's families/usarts.txt is checked against
 * it by every write through the stub): its registers, its DMA controller, the channel or
 * stream (and a second one) and the request (CSELR value, DMAMUX id or CHSEL) on each. */
typedef struct sim_usart_route {
    const char *family;
    uint8_t n;
    uint32_t regs, dma_regs;
    uint8_t channel, alt_channel, request, alt_request;
} sim_usart_route;
/* USARTn of the family of that name, or NULL. */
const sim_usart_route *sim_usart_route_find(const char *family, unsigned n);
/* The register the DMA reads received bytes from (DR, or RDR), and the one a store to sends
 * a byte (DR, or TDR). */
static inline uint32_t sim_soc_usart_rx_reg(const sim_soc_map *m, const sim_usart_route *u)
{
    return u->regs + (m->usart_v2 ? 0x24 : 0x04);
}
static inline uint32_t sim_soc_usart_tx_reg(const sim_soc_map *m, const sim_usart_route *u)
{
    return u->regs + (m->usart_v2 ? 0x28 : 0x04);
}

typedef struct sim_rcc {
    bool pll_stuck; /* fault: PLLRDY never sets */
    uint8_t kind;   /* enum sfi_rcc_kind (families.txt: rcc): the model sim_rcc.c runs */
    bool msi_reset; /* L4: SYSCLK is MSI after reset (the G4 starts on HSI16) */
    uint32_t cr, cfgr, apb2enr, apb1enr, ahbenr, csr, bdcr, cir, apb2rstr, apb1rstr, pllcfgr;
    uint32_t d1cfgr, d2cfgr; /* H7 */
} sim_rcc;

void sim_rcc_reset(sim_rcc *r, bool power_on);
/* The clocks as the ROM bootloader leaves them at Go: the clock of the USART u it talked on
 * stays on; with pll_on (F2/F4/F7 RCC only) SYSCLK from the PLL the ROM set up (sim_rcc.c). */
void sim_rcc_rom_handover(sim_rcc *r, bool pll_on, const sfi_usart *u);
/* The models' own parts, which sim_rcc.c's table of models calls. The L4/G4/WB/G0 clock
 * trees (sim_rcc_l4.c): SFI_RCC_L4, WB and G0. */
void sim_rcc_l4_reset(sim_rcc *r);
uint32_t sim_rcc_l4_sysclk(const sim_rcc *r);
/* The L0/L1 clock trees (sim_rcc_l0.c), for SFI_RCC_L0/L1. */
void sim_rcc_l0_reset(sim_rcc *r);
uint32_t sim_rcc_l0_sysclk(const sim_rcc *r);
uint32_t sim_rcc_l0_read(sim_rcc *r, uint32_t off);
void sim_rcc_l0_write(sim_rcc *r, uint32_t off, uint32_t v);
/* The H7's (sim_rcc_h7.c). */
void sim_rcc_h7_reset(sim_rcc *r);
uint32_t sim_rcc_h7_pclk1(const sim_rcc *r);
uint32_t sim_rcc_h7_pclk2(const sim_rcc *r);
uint32_t sim_rcc_h7_read(sim_rcc *r, uint32_t off);
void sim_rcc_h7_write(sim_rcc *r, uint32_t off, uint32_t v);
uint32_t sim_rcc_l4_read(sim_rcc *r, uint32_t off);
void sim_rcc_l4_write(sim_rcc *r, uint32_t off, uint32_t v);
uint32_t sim_rcc_read(sim_rcc *r, uint32_t off);
void sim_rcc_write(sim_rcc *r, uint32_t off, uint32_t v);
uint32_t sim_rcc_sysclk(const sim_rcc *r);
uint32_t sim_rcc_hclk(const sim_rcc *r);
uint32_t sim_rcc_pclk1(const sim_rcc *r);
uint32_t sim_rcc_pclk2(const sim_rcc *r);
/* The USART u's clock (PCLK1 for USART2/3, PCLK2 for USART1), and whether it is enabled. */
uint32_t sim_rcc_usart_clock(const sim_rcc *r, const sfi_usart *u);
bool sim_rcc_usart_enabled(const sim_rcc *r, const sfi_usart *u);
/* The clock of the DMA that receives for u (F1 DMA1, F4 DMA2 for USART1, DMA1 for USART2/3). */
bool sim_rcc_dma_enabled(const sim_rcc *r, const sfi_usart *u);

/* A program that polls the line this many times in a row and finds nothing is waiting for it:
 * each further poll lets SIM_IDLE_QUANTUM_NS pass (sim_line_device_idle) instead of spinning
 * the host's CPU. 10 us is below a byte time at 921600 baud (12 us). */
#define SIM_IDLE_POLLS 8
#define SIM_IDLE_QUANTUM_NS 10000

typedef struct sim_usart {
    bool v2;             /* the newer register map (sim_soc_map.usart_v2); kept across resets */
    const sfi_usart *at; /* which USART this is (its clock, its enable); kept across resets */
    uint32_t brr, cr1, cr2, cr3, gtpr;
    uint8_t rdr;
    bool ore;
    unsigned idle_polls; /* consecutive polls that found nothing, to stop spinning the host */
} sim_usart;

void sim_usart_reset(sim_usart *u, sim_line *line);
/* other_event: the next time something else the program may wait for happens (the flash's
 * BSY dropping; 0: none): a poll that finds the line idle lets time pass up to it at most. */
uint32_t sim_usart_read(sim_usart *u, sim_line *line, const sim_rcc *rcc, uint32_t off, int64_t other_event);
void sim_usart_write(sim_usart *u, sim_line *line, const sim_rcc *rcc, uint32_t off, uint32_t v);
/* UE and RE as this USART's CR1 has them. */
bool sim_usart_receiving(const sim_usart *u);
/* The USART as the ROM bootloader leaves it at Go: enabled at 8E1 (TE, RE), BRR for baud at
 * its present clock (AN3155: the peripherals the bootloader used are not reset before the jump). */
void sim_usart_rom_handover(sim_usart *u, sim_line *line, const sim_rcc *rcc, uint32_t baud);
/* Re-derive the line format after a clock change. */
void sim_usart_clock_changed(sim_usart *u, sim_line *line, const sim_rcc *rcc);

typedef struct sim_systick {
    uint32_t ctrl, load, calib;
    int64_t ref_time;      /* clock time at which the counter held ref_value */
    uint32_t ref_value;
    uint64_t wraps_reported;
    bool warned_tickint;
} sim_systick;

void sim_systick_reset(sim_systick *s);
uint32_t sim_systick_read(sim_systick *s, sim_clock *clk, uint32_t hclk, uint32_t off);
/* Returns a warning to log once (TICKINT set), else NULL. */
const char *sim_systick_write(sim_systick *s, sim_clock *clk, uint32_t hclk, uint32_t off, uint32_t v);

/* The DMA that receives for the USART the ROM answers on (sim_dma.c; where: usarts.txt, e.g.
 * F1 DMA1 channel 5 for USART1, F4 DMA1 stream 5 channel 4 for USART2). A stream's CR, NDTR,
 * PAR and M0AR are kept in ccr, cndtr, cpar and cmar. */
struct sim_dma_channel {
    uint32_t ccr, cndtr, cpar, cmar, reload, m1ar, fcr;
    /* GPDMA (U5): CxCR, CxBR1.BNDT, CxSAR and CxDAR in ccr, cndtr, cpar and cmar, the block
     * size last programmed in reload; and these: */
    uint32_t lbar, csr, tr1, tr2, llr;
};
typedef struct sim_dma {
    const sim_soc_map *map;
    const sfi_usart *uart;     /* the USART (its DMA's clock enable) */
    const sim_usart_route *route; /* its channel and request */
    uint32_t isr[2];           /* F1: ISR; F4: LISR, HISR */
    struct sim_dma_channel ch[8];
    uint32_t cselr;            /* L4 */
    uint32_t mux[8];           /* G4: DMAMUX1 CxCR, x = channel - 1 */
    unsigned idle_polls;
} sim_dma;

void sim_dma_reset(sim_dma *d, const sim_soc_map *map, const sfi_usart *uart, const sim_usart_route *route);
bool sim_dma_service(sim_dma *d, const sim_usart *u, const sim_rcc *r, sim_line *line, sim_memory *mem);
/* other_event as for sim_usart_read. */
uint32_t sim_dma_read(sim_dma *d, const sim_usart *u, const sim_rcc *r, sim_line *line, sim_memory *mem, uint32_t off,
                      int64_t other_event);
void sim_dma_write(sim_dma *d, uint32_t off, uint32_t v);
/* GPDMA1 (U5), at off from its base (sim_dma.c). */
uint32_t sim_gpdma_read(sim_dma *d, uint32_t off);
void sim_gpdma_write(sim_dma *d, uint32_t off, uint32_t v);
/* DMAMUX1 registers (G4), at off from map->dmamux. */
uint32_t sim_dma_mux_read(sim_dma *d, uint32_t off);
void sim_dma_mux_write(sim_dma *d, uint32_t off, uint32_t v);

#endif
