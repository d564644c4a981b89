/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_dma.c - the DMA that serves USART1_RX.
 * F1: DMA1 (RM0008 13): ISR, IFCR and seven channels; USART1_RX is channel 5 (table 78); on
 * the F0 channel 3 (RM0091 table 29), on the F3 channel 5.
 * F4: DMA2 (RM0090 10): LISR, HISR, LIFCR, HIFCR and eight streams; USART1_RX is channel 4 of
 * stream 2 or stream 5 (table 43).
 * L4: DMA1 as the F1's, with CSELR (0xA8) choosing each channel's request: USART1_RX is
 * channel 5 with C5S = 2 (RM0351 11.6.7, table 41).
 * G4, G0, WB: DMA1 as the F1's (eight channels), each fed by a DMAMUX1 channel whose CxCR names
 * the request (RM0440 13.6): any channel whose request is USART1_RX's takes its bytes.
 * H7: DMA1's eight streams (the F4's registers, no channel selection) behind DMAMUX1; DMA1
 * cannot reach the DTCM: a transfer there is a transfer error.
 * Only that request is wired, active when USART1's CR3.DMAR is set. Received bytes move into
 * memory when software could see them: on a read of a DMA or USART register and between run
 * slices. Code that reads the buffer after CNDTR/NDTR (as it must, to know how far the DMA got)
 * sees exactly what the hardware would have written; the line's order and timing are kept, and
 * since the DMA serves DR at once nothing overruns. */
#include "sim_periph.h"

#include <string.h>

enum { CCR_EN = 1u << 0, CCR_DIR = 1u << 4, CCR_CIRC = 1u << 5, CCR_MINC = 1u << 7 };
/* F4 stream SxCR: EN 0, DIR 6-7, CIRC 8, MINC 10, CHSEL 25-27. */
enum { SCR_EN = 1u << 0, SCR_DIR = 3u << 6, SCR_CIRC = 1u << 8, SCR_MINC = 1u << 10 };
#define SCR_CHSEL(v) (((v) >> 25) & 7u)
enum { CR3_DMAR = 1u << 6 };

void sim_dma_reset(sim_dma *d, const sim_soc_map *map, const sfi_usart *uart, const sim_usart_route *route)
{
    *d = (sim_dma){.map = map, .uart = uart, .route = route};
}

static bool usart_rx_dma(const sim_usart *u) { return (u->cr3 & CR3_DMAR) && sim_usart_receiving(u); }

/* The channel or stream wired to the USART's RX request and set up to take its bytes, or -1. */
static int rx_channel(const sim_dma *d, const sim_usart *u, const sim_rcc *r)
{
    if (!sim_rcc_dma_enabled(r, d->uart) || !usart_rx_dma(u))
        return -1;
    const sim_usart_route *rt = d->route;
    uint32_t dr = sim_soc_usart_rx_reg(d->map, rt);
    if (d->map->dmamux) {
        bool streams = d->map->dma_streams; /* H7: streams behind the DMAMUX */
        for (int n = 0; n < 8; n++) {
            const struct sim_dma_channel *ch = &d->ch[n];
            bool from_periph = streams ? !(ch->ccr & SCR_DIR) : !(ch->ccr & CCR_DIR);
            if ((ch->ccr & 1u) && from_periph && ch->cpar == dr && (d->mux[n] & 0x7F) == rt->request)
                return n;
        }
        return -1;
    }
    if (!d->map->dma_streams) {
        for (int i = 0; i < 2; i++) {
            int n = i ? rt->alt_channel : rt->channel;
            const struct sim_dma_channel *ch = &d->ch[n];
            if (d->map->dma_cselr && ((d->cselr >> (4 * n)) & 0xF) != (i ? rt->alt_request : rt->request))
                continue;
            if ((ch->ccr & CCR_EN) && !(ch->ccr & CCR_DIR) && ch->cpar == dr)
                return n;
        }
        return -1;
    }
    for (int i = 0; i < 2; i++) { /* F2/F4/F7: a stream and the channel it selects */
        int s = i ? rt->alt_channel : rt->channel;
        const struct sim_dma_channel *ch = &d->ch[s];
        if ((ch->ccr & SCR_EN) && !(ch->ccr & SCR_DIR) && SCR_CHSEL(ch->ccr) == (i ? rt->alt_request : rt->request) &&
            ch->cpar == dr)
            return s;
    }
    return -1;
}

/* Set event flags (bit 0 of flags = the F1's GIF position) of channel or stream n. */
static void raise(sim_dma *d, int n, uint32_t tc, uint32_t ht, uint32_t te)
{
    if (!d->map->dma_streams) {
        d->isr[0] |= ((tc ? 2u : 0) | (ht ? 4u : 0) | (te ? 8u : 0) | 1u) << (4 * n);
        return;
    }
    static const uint8_t shift[4] = {0, 6, 16, 22}; /* RM0090 10.5.1: flags of streams 0-3 (4-7) */
    d->isr[n / 4] |= ((tc ? 1u << 5 : 0) | (ht ? 1u << 4 : 0) | (te ? 1u << 3 : 0)) << shift[n % 4];
}

/* Move the bytes the line has delivered; true if any moved. */
bool sim_dma_service(sim_dma *d, const sim_usart *u, const sim_rcc *r, sim_line *line, sim_memory *mem)
{
    int n = rx_channel(d, u, r);
    if (n < 0)
        return false;
    struct sim_dma_channel *ch = &d->ch[n];
    bool streams = d->map->dma_streams;
    bool minc = ch->ccr & (streams ? SCR_MINC : CCR_MINC), circ = ch->ccr & (streams ? SCR_CIRC : CCR_CIRC);
    bool moved = false;
    uint8_t b;
    while (ch->cndtr && sim_line_device_take_served(line, &b)) {
        uint32_t addr = ch->cmar + (minc ? ch->reload - ch->cndtr : 0);
        uint8_t *p = sim_memory_ptr(mem, addr, 1);
        if (!p || !sim_memory_in_ram(mem, addr, 1) || (d->map->dma_ram2_only && !sim_memory_in_ram2(mem, addr, 1))) {
            raise(d, n, 0, 0, 1); /* transfer error: the channel stops (RM0008 13.3.6, RM0090 10.3.16) */
            ch->ccr &= ~1u;
            return moved;
        }
        *p = b;
        moved = true;
        if (--ch->cndtr == ch->reload / 2)
            raise(d, n, 0, 1, 0);
        if (ch->cndtr == 0) {
            raise(d, n, 1, 0, 0);
            if (circ)
                ch->cndtr = ch->reload;
            else if (streams)
                ch->ccr &= ~SCR_EN; /* a stream disables itself at the end of a normal transfer */
        }
    }
    return moved;
}

/* Register offset to channel/stream index and register slot (0 CR, 4 NDTR, 8 PAR, 12 M0AR,
 * 16 M1AR, 20 FCR); false for the interrupt registers. */
static bool locate(const sim_dma *d, uint32_t off, int *n, uint32_t *slot)
{
    uint32_t first = d->map->dma_streams ? 0x10 : 0x08, stride = d->map->dma_streams ? 0x18 : 20;
    int count = d->map->dma_streams || d->map->dmamux ? 8 : 7;
    if (off < first || off >= first + stride * (uint32_t)count)
        return false;
    *n = (int)((off - first) / stride);
    *slot = (off - first) % stride;
    return true;
}

uint32_t sim_dma_read(sim_dma *d, const sim_usart *u, const sim_rcc *r, sim_line *line, sim_memory *mem, uint32_t off,
                      int64_t other_event)
{
    if (sim_dma_service(d, u, r, line, mem))
        d->idle_polls = 0;
    else if (rx_channel(d, u, r) >= 0 && ++d->idle_polls >= SIM_IDLE_POLLS) {
        sim_line_device_idle(line, other_event, SIM_IDLE_QUANTUM_NS); /* a waiting program: do not spin the host */
        sim_dma_service(d, u, r, line, mem);
    }
    if (off == 0x00)
        return d->isr[0];
    if (off == 0x04 && d->map->dma_streams)
        return d->isr[1];
    if (off == 0xA8 && d->map->dma_cselr)
        return d->cselr;
    int n;
    uint32_t slot;
    if (!locate(d, off, &n, &slot))
        return 0;
    const struct sim_dma_channel *ch = &d->ch[n];
    switch (slot) {
    case 0: return ch->ccr;
    case 4: return ch->cndtr;
    case 8: return ch->cpar;
    case 12: return ch->cmar;
    case 16: return ch->m1ar;
    case 20: return ch->fcr;
    default: return 0;
    }
}

void sim_dma_write(sim_dma *d, uint32_t off, uint32_t v)
{
    if (!d->map->dma_streams && off == 0x04) {
        d->isr[0] &= ~v; /* IFCR: write 1 to clear */
        return;
    }
    if (d->map->dma_cselr && off == 0xA8) {
        d->cselr = v;
        return;
    }
    if (d->map->dma_streams && (off == 0x08 || off == 0x0C)) {
        d->isr[(off - 0x08) / 4] &= ~v; /* LIFCR, HIFCR */
        return;
    }
    int n;
    uint32_t slot;
    if (!locate(d, off, &n, &slot))
        return;
    struct sim_dma_channel *ch = &d->ch[n];
    bool enabled = ch->ccr & 1u;
    switch (slot) {
    case 0: ch->ccr = d->map->dma_streams ? v & 0x0FFFFFFFu : v & 0x7FFF; break;
    case 4: if (!enabled) ch->cndtr = ch->reload = v & 0xFFFF; break; /* read-only while enabled */
    case 8: if (!enabled) ch->cpar = v; break;
    case 12: if (!enabled) ch->cmar = v; break;
    case 16: ch->m1ar = v; break;
    case 20: if (!enabled) ch->fcr = v; break;
    default: break;
    }
}

/* DMAMUX1: C0CR..C7CR at 0x00..0x1C feed DMA1 channels 1..8; the rest reads 0. */
uint32_t sim_dma_mux_read(sim_dma *d, uint32_t off) { return off < 0x20 ? d->mux[off / 4] : 0; }

void sim_dma_mux_write(sim_dma *d, uint32_t off, uint32_t v)
{
    if (off < 0x20)
        d->mux[off / 4] = v & 0x01FF037Fu; /* DMAREQ_ID, SOIE, EGE, SE, SPOL, NBREQ, SYNC_ID */
}

/* Where each family's USARTn_RX request reaches the DMA, typed from the reference manuals'
 * request tables apart from families/usarts.txt (which the host fills the stub's parameters
 * from): a wrong line there makes the stub deaf here instead of agreeing with itself.
 * Channels and streams zero-based; alt: a second channel or stream that carries it too.
 * F1 and its connectivity line (F1CL: USART2 remapped to PD5/PD6, the same request): RM0008
 * table 78; F0 (F07x, no remap): RM0091 table 29; F3: RM0316 table 78; F2 (RM0033's DMA
 * request mapping, the rows of the F4's for USART1 and USART3) and F4: RM0090 tables 42 and 43 (USART2_RX also on DMA1 stream 7 channel 6: RM0383 table 27); F7:
 * RM0385 tables 27 and 28; L4: RM0351 table 41; L0: RM0367 table 51; L1: RM0038 table 54;
 * DMAMUX request ids (any channel): ST's stm32g0xx/g4xx/wbxx/h7xx/l5xx_ll_dmamux.h; C0, WL and
 * L4R/S: RM0490's, RM0461's and RM0432's DMAMUX tables as ChibiOS's STM32C0xx, STM32WLxx and
 * STM32L4xx+ stm32_dmamux.h have them. Base addresses:
 * the CMSIS device headers (stm32f103xe.h, stm32f072xb.h, stm32f303xc.h, stm32f411xe.h,
 * stm32f746xx.h, stm32l476xx.h, stm32g474xx.h, stm32wb55xx.h, stm32g071xx.h, stm32l072xx.h,
 * stm32l152xe.h, stm32h743xx.h). */
enum { D1 = 0x40020000, L1D1 = 0x40026000, F4D1 = 0x40026000, F4D2 = 0x40026400 }; /* DMA1, DMA2 */
static const sim_usart_route routes[] = {
    {"F1", 1, 0x40013800, D1, 4, 4, 0, 0},    {"F1", 2, 0x40004400, D1, 5, 5, 0, 0},
    {"F1CL", 1, 0x40013800, D1, 4, 4, 0, 0},  {"F1CL", 2, 0x40004400, D1, 5, 5, 0, 0},
    {"F2", 1, 0x40011000, F4D2, 2, 5, 4, 4},  {"F2", 3, 0x40004800, F4D1, 1, 1, 4, 4},
    {"F0", 1, 0x40013800, D1, 2, 2, 0, 0},    {"F0", 2, 0x40004400, D1, 4, 4, 0, 0},
    {"F3", 1, 0x40013800, D1, 4, 4, 0, 0},    {"F3", 2, 0x40004400, D1, 5, 5, 0, 0},
    {"F4", 1, 0x40011000, F4D2, 2, 5, 4, 4},  {"F4", 2, 0x40004400, F4D1, 5, 7, 4, 6},
    {"F4", 3, 0x40004800, F4D1, 1, 1, 4, 4},
    {"F7", 1, 0x40011000, F4D2, 2, 5, 4, 4},  {"F7", 3, 0x40004800, F4D1, 1, 1, 4, 4},
    {"L4", 1, 0x40013800, D1, 4, 4, 2, 2},    {"L4", 2, 0x40004400, D1, 5, 5, 2, 2},
    {"L4", 3, 0x40004800, D1, 2, 2, 2, 2},
    {"L4R", 1, 0x40013800, D1, 0, 0, 24, 24}, {"L4R", 2, 0x40004400, D1, 0, 0, 26, 26},
    {"L4R", 3, 0x40004800, D1, 0, 0, 28, 28},
    {"L5", 1, 0x40013800, D1, 0, 0, 25, 25},  {"L5", 2, 0x40004400, D1, 0, 0, 27, 27},
    {"L5", 3, 0x40004800, D1, 0, 0, 29, 29},
    {"G4", 1, 0x40013800, D1, 0, 0, 24, 24},  {"G4", 2, 0x40004400, D1, 0, 0, 26, 26},
    {"G4", 3, 0x40004800, D1, 0, 0, 28, 28},
    {"WB", 1, 0x40013800, D1, 0, 0, 14, 14},
    {"WL", 1, 0x40013800, D1, 0, 0, 17, 17},  {"WL", 2, 0x40004400, D1, 0, 0, 19, 19},
    {"G0", 1, 0x40013800, D1, 0, 0, 50, 50},  {"G0", 2, 0x40004400, D1, 0, 0, 52, 52},
    {"G0", 3, 0x40004800, D1, 0, 0, 54, 54},
    {"C0", 1, 0x40013800, D1, 0, 0, 50, 50},  {"C0", 2, 0x40004400, D1, 0, 0, 52, 52},
    {"L0", 1, 0x40013800, D1, 2, 4, 3, 3},    {"L0", 2, 0x40004400, D1, 4, 5, 4, 4},
    {"L1", 1, 0x40013800, L1D1, 4, 4, 0, 0},  {"L1", 2, 0x40004400, L1D1, 5, 5, 0, 0},
    {"L1", 3, 0x40004800, L1D1, 2, 2, 0, 0},
    {"H7", 1, 0x40011000, D1, 0, 0, 41, 41},  {"H7", 2, 0x40004400, D1, 0, 0, 43, 43},
    {"H7", 3, 0x40004800, D1, 0, 0, 45, 45},
    /* H7A3/B3: the request ids as the H74x's (ST's one stm32h7xx_ll_dmamux.h for every H7;
     * assumed, RM0455's DMAMUX1 table not read). */
    {"H7A", 1, 0x40011000, D1, 0, 0, 41, 41}, {"H7A", 2, 0x40004400, D1, 0, 0, 43, 43},
    {"H7A", 3, 0x40004800, D1, 0, 0, 45, 45},
};

const sim_usart_route *sim_usart_route_find(const char *family, unsigned n)
{
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (routes[i].n == n && strcmp(routes[i].family, family) == 0)
            return &routes[i];
    return NULL;
}
