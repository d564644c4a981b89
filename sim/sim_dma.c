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
 * U5: GPDMA1 (RM0456 17), what a peripheral-to-memory channel needs: channels 0-7 from 0x50,
 * 0x80 apart (CxLBAR 0x00, CxFCR 0x0C, CxSR 0x10, CxCR 0x14, CxTR1 0x40, CxTR2 0x44, CxBR1
 * 0x48, CxSAR 0x4C, CxDAR 0x50, CxLLR 0x7C: stm32u575xx.h DMA_Channel_TypeDef); the channel
 * whose CxTR2.REQSEL is the USART's request (stm32u5xx_ll_dma.h), hardware-requested from the
 * source (SWREQ = DREQ = 0) and reading RDR takes its bytes; CxDAR moves on with DINC (CxTR1
 * bit 19), CxBR1.BNDT counts down; at 0 the linked list (below). Byte widths, no bursts, no
 * ports, no 2D channels, no triggers: anything else the stub does not use. The CPU routes the
 * first 1 KiB of GPDMA1 here (sim_cpu.c in_block): channels 0-6 whole; the stub uses channel 0.
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

/* GPDMA CxCR, CxSR, CxTR1, CxTR2 and CxLLR bits (the SVD of the U575 as cmforthlib's
 * stm32u575/gpdma1.fs has it; RM0456 17.8). */
enum {
    GCR_EN = 1u << 0, GCR_RESET = 1u << 1, GCR_SUSP = 1u << 2, GCR_LSM = 1u << 16,
    GCR_WRITABLE = 0x00C37F05u, /* EN, SUSP, the interrupt enables 8-14, LSM, LAP, PRIO */
    GSR_IDLEF = 1u << 0, GSR_TCF = 1u << 8, GSR_HTF = 1u << 9, GSR_DTEF = 1u << 10, GSR_ULEF = 1u << 11,
    GSR_SUSPF = 1u << 13, GSR_FLAGS = 0x7F00u,
    GTR1_DINC = 1u << 19, GTR2_SWREQ = 1u << 9, GTR2_DREQ = 1u << 10,
    GLLR_UT1 = 1u << 31, GLLR_UT2 = 1u << 30, GLLR_UB1 = 1u << 29, GLLR_USA = 1u << 28, GLLR_UDA = 1u << 27,
    GLLR_ULL = 1u << 16, GLLR_LA = 0xFFFCu, GLLR_WRITABLE = 0xF801FFFCu, /* no UT3/UB2: linear channels */
};
enum { GP_CH0 = 0x50, GP_STRIDE = 0x80 };

/* The channel or stream wired to the USART's RX request and set up to take its bytes, or -1. */
static int rx_channel(const sim_dma *d, const sim_usart *u, const sim_rcc *r)
{
    if (!sim_rcc_dma_enabled(r, d->uart) || !usart_rx_dma(u))
        return -1;
    const sim_usart_route *rt = d->route;
    uint32_t dr = sim_soc_usart_rx_reg(d->map, rt);
    if (d->map->dma_gpdma) {
        for (int n = 0; n < 8; n++) {
            const struct sim_dma_channel *ch = &d->ch[n];
            if ((ch->ccr & GCR_EN) && !(ch->ccr & GCR_SUSP) && !(ch->tr2 & (GTR2_SWREQ | GTR2_DREQ)) &&
                (ch->tr2 & 0x7Fu) == rt->request && ch->cpar == dr)
                return n;
        }
        return -1;
    }
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

/* The end of a GPDMA block (BNDT 0): with CxLLR 0 the channel is done (EN drops, BNDT stays
 * 0); else, unless the item updates it (UB1), BNDT goes back to the programmed block size, and
 * the item at CxLBAR's upper half | LA gives, word by word, the registers CxLLR's update bits
 * name in the order CTR1, CTR2, CBR1, CSAR, CDAR, CLLR (the SVD's CxBR1 and CxLLR notes,
 * RM0456 17.4). An item outside RAM: ULEF, the channel stops. LSM: one item, then done. */
static void gpdma_link(struct sim_dma_channel *ch, sim_memory *mem)
{
    ch->csr |= GSR_TCF;
    if (!ch->llr) {
        ch->ccr &= ~GCR_EN;
        return;
    }
    uint32_t at = (ch->lbar & 0xFFFF0000u) | (ch->llr & GLLR_LA), llr = ch->llr;
    if (!(llr & GLLR_UB1))
        ch->cndtr = ch->reload;
    static const uint32_t bits[6] = {GLLR_UT1, GLLR_UT2, GLLR_UB1, GLLR_USA, GLLR_UDA, GLLR_ULL};
    uint32_t *regs[6] = {&ch->tr1, &ch->tr2, &ch->cndtr, &ch->cpar, &ch->cmar, &ch->llr};
    for (int i = 0; i < 6; i++) {
        if (!(llr & bits[i]))
            continue;
        const uint8_t *p = sim_memory_ptr(mem, at, 4);
        if (!p || !sim_memory_in_ram(mem, at, 4)) {
            ch->csr |= GSR_ULEF;
            ch->ccr &= ~GCR_EN;
            return;
        }
        *regs[i] = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        at += 4;
    }
    if (llr & GLLR_UB1)
        ch->reload = ch->cndtr &= 0xFFFFu;
    ch->llr &= GLLR_WRITABLE;
    if (ch->ccr & GCR_LSM)
        ch->ccr &= ~GCR_EN;
}

static bool gpdma_service(sim_dma *d, int n, sim_line *line, sim_memory *mem)
{
    struct sim_dma_channel *ch = &d->ch[n];
    bool moved = false;
    uint8_t b;
    while ((ch->ccr & GCR_EN) && ch->cndtr && sim_line_device_take_served(line, &b)) {
        uint8_t *p = sim_memory_ptr(mem, ch->cmar, 1);
        if (!p || !sim_memory_in_ram(mem, ch->cmar, 1)) {
            ch->csr |= GSR_DTEF; /* a transfer error: the channel stops */
            ch->ccr &= ~GCR_EN;
            return moved;
        }
        *p = b;
        moved = true;
        if (ch->tr1 & GTR1_DINC)
            ch->cmar++;
        if (--ch->cndtr == ch->reload / 2)
            ch->csr |= GSR_HTF;
        if (ch->cndtr == 0)
            gpdma_link(ch, mem);
    }
    return moved;
}

/* Move the bytes the line has delivered; true if any moved. */
bool sim_dma_service(sim_dma *d, const sim_usart *u, const sim_rcc *r, sim_line *line, sim_memory *mem)
{
    int n = rx_channel(d, u, r);
    if (n < 0)
        return false;
    if (d->map->dma_gpdma)
        return gpdma_service(d, n, line, mem);
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
    if (d->map->dma_gpdma)
        return sim_gpdma_read(d, off);
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

/* A GPDMA channel's register at off from GPDMA1, or -1 with *slot unset for the global ones. */
static int gpdma_locate(uint32_t off, uint32_t *slot)
{
    if (off < GP_CH0 || off >= GP_CH0 + 8u * GP_STRIDE)
        return -1;
    *slot = (off - GP_CH0) % GP_STRIDE;
    return (int)((off - GP_CH0) / GP_STRIDE);
}

uint32_t sim_gpdma_read(sim_dma *d, uint32_t off)
{
    uint32_t slot;
    int n = gpdma_locate(off, &slot);
    if (n < 0)
        return 0; /* SECCFGR, PRIVCFGR, RCFGLOCKR, MISR, SMISR: nothing secure, no interrupts */
    const struct sim_dma_channel *ch = &d->ch[n];
    switch (slot) {
    case 0x00: return ch->lbar;
    case 0x10: /* IDLEF: disabled, or suspended */
        return ch->csr | (!(ch->ccr & GCR_EN) || (ch->csr & GSR_SUSPF) ? GSR_IDLEF : 0u);
    case 0x14: return ch->ccr;
    case 0x40: return ch->tr1;
    case 0x44: return ch->tr2;
    case 0x48: return ch->cndtr;
    case 0x4C: return ch->cpar;
    case 0x50: return ch->cmar;
    case 0x7C: return ch->llr;
    default: return 0; /* CxFCR reads 0; CxTR3/CxBR2: 2D channels only */
    }
}

/* The set-up registers "must be written when EN = 0" and are read-only while it is 1 (the SVD's
 * notes): a write then does not take. EN cannot be written 0: RESET (on a suspended or disabled
 * channel) clears it and SUSP. */
void sim_gpdma_write(sim_dma *d, uint32_t off, uint32_t v)
{
    uint32_t slot;
    int n = gpdma_locate(off, &slot);
    if (n < 0)
        return;
    struct sim_dma_channel *ch = &d->ch[n];
    bool on = ch->ccr & GCR_EN;
    switch (slot) {
    case 0x0C: ch->csr &= ~(v & GSR_FLAGS); break;
    case 0x14:
        if (v & GCR_RESET) {
            if (!on || (ch->csr & GSR_SUSPF)) {
                ch->ccr &= ~(GCR_EN | GCR_SUSP);
                ch->csr &= ~GSR_SUSPF;
            }
            break;
        }
        ch->ccr = on ? (ch->ccr & ~(GCR_SUSP | 0x7F00u)) | (v & (GCR_SUSP | 0x7F00u)) : (v & GCR_WRITABLE);
        if (on && (v & GCR_SUSP))
            ch->csr |= GSR_SUSPF; /* the transfer in flight is one byte: suspended at once */
        else if (!(v & GCR_SUSP))
            ch->csr &= ~GSR_SUSPF;
        break;
    case 0x00: if (!on) ch->lbar = v & 0xFFFF0000u; break;
    case 0x40: if (!on) ch->tr1 = v; break;
    case 0x44: if (!on) ch->tr2 = v; break;
    case 0x48: if (!on) ch->cndtr = ch->reload = v & 0xFFFFu; break;
    case 0x4C: if (!on) ch->cpar = v; break;
    case 0x50: if (!on) ch->cmar = v; break;
    case 0x7C: if (!on) ch->llr = v & GLLR_WRITABLE; break;
    default: break;
    }
}

void sim_dma_write(sim_dma *d, uint32_t off, uint32_t v)
{
    if (d->map->dma_gpdma) {
        sim_gpdma_write(d, off, v);
        return;
    }
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
 * STM32L4xx+ stm32_dmamux.h have them; U5 GPDMA1 requests (REQSEL, any channel): RM0456's
 * GPDMA request table as stm32u5xx_ll_dma.h has it (LL_GPDMA1_REQUEST_USARTx_RX). Base addresses:
 * the CMSIS device headers (stm32f103xe.h, stm32f072xb.h, stm32f303xc.h, stm32f411xe.h,
 * stm32f746xx.h, stm32l476xx.h, stm32g474xx.h, stm32wb55xx.h, stm32g071xx.h, stm32l072xx.h,
 * stm32l152xe.h, stm32h743xx.h). */
enum { D1 = 0x40020000, L1D1 = 0x40026000, F4D1 = 0x40026000, F4D2 = 0x40026400 }; /* DMA1, DMA2 */
enum { GP1 = 0x40020000 }; /* U5 GPDMA1 (stm32u575xx.h GPDMA1_BASE_NS = AHB1PERIPH_BASE_NS) */
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
    {"U5", 1, 0x40013800, GP1, 0, 0, 24, 24}, {"U5", 2, 0x40004400, GP1, 0, 0, 26, 26},
    {"U5", 3, 0x40004800, GP1, 0, 0, 28, 28},
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
