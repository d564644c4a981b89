/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_usart.c - USART1 of the F1 (RM0008 27.6): SR, DR, BRR, CR1..3; on the F7 the newer map
 * (RM0385 34.8: CR1 with UE at bit 0, CR2, CR3, BRR at 0x0C, ISR 0x1C with the same flag bits
 * as SR, ICR 0x20, RDR 0x24, TDR 0x28).
 * The line format follows UE/TE/RE, BRR and PCLK2: a wrong BRR means garbage on the line,
 * as on hardware. DR holds one received byte; bytes that arrive while it is full are lost
 * and ORE is set. TXE/TC follow the time the transmitter needs for the queued bytes.
 * Without its APB2 clock (RCC_APB2ENR.USART1EN) the peripheral ignores writes and reads 0.
 * The newer USART takes BRR and CR1's M0/M1, OVER8, PCE, PS, WAKE, DEAT and DEDT only while
 * UE=0 (FIFOEN too where there is a FIFO, not modelled): "This register can only be written
 * when the USART is disabled (UE=0)" (BRR: RM0091 27.8.4, RM0351 40.8.4, RM0444 33.8.5, RM0433
 * USART_BRR) and "This bit (field) can only be written when the USART is disabled (UE=0)" (CR1:
 * RM0091 27.8.1, RM0351 40.8.1, RM0444 33.8.2). The functional descriptions only say BRR
 * "should not be changed during communication" (RM0440 37.5.7, RM0367 Rev 7 p. 780): we take
 * the register descriptions' rule, the stricter one, on every family with the newer USART. A
 * write while UE=1 leaves those bits as they were (whatever else it changes, UE included): how
 * a chip ignores it is not documented, a write that does not take is the conservative reading.
 * The older USART (F1, F4, L1) has no such rule: BRR "should not be changed during
 * communication", M "must not be modified during a data transfer", PCE and PS act "after the
 * current byte" (RM0008 27.3.4, 27.6.4; RM0090 30.3.4, 30.6.4): its writes take at once.
 * At Go the ROM leaves USART1 enabled at 8E1 (sim_usart_rom_handover). */
#include "sim_periph.h"

enum { SR_ORE = 1u << 3, SR_RXNE = 1u << 5, SR_TC = 1u << 6, SR_TXE = 1u << 7 };
enum { CR1_RE = 1u << 2, CR1_TE = 1u << 3, CR1_PCE = 1u << 10, CR1_UE = 1u << 13, CR1_UE_V2 = 1u << 0 };
enum { ICR_ORECF = 1u << 3 };
/* CR1 of the newer USART, the bits written only with UE=0: PS 9, PCE 10, WAKE 11, M0 12, OVER8 15,
 * DEDT 16-20, DEAT 21-25, M1 28 (RM0351 40.8.1, RM0444 33.8.2). */
#define CR1_V2_UE0_ONLY 0x13FF9E00u

static bool enabled(const sim_usart *u) { return u->cr1 & (u->v2 ? CR1_UE_V2 : CR1_UE); }
bool sim_usart_receiving(const sim_usart *u) { return enabled(u) && (u->cr1 & CR1_RE); }

void sim_usart_reset(sim_usart *u, sim_line *line)
{
    *u = (sim_usart){.v2 = u->v2, .at = u->at};
    sim_line_device_format(line, 0, false);
}

static void update_format(sim_usart *u, sim_line *line, const sim_rcc *rcc);

void sim_usart_rom_handover(sim_usart *u, sim_line *line, const sim_rcc *rcc, uint32_t baud)
{
    uint32_t clk = sim_rcc_usart_clock(rcc, u->at);
    u->cr1 = (u->v2 ? CR1_UE_V2 : CR1_UE) | (1u << 12) | CR1_PCE | CR1_TE | CR1_RE; /* M(0), PCE: 8E1 */
    u->brr = (clk + baud / 2) / baud;
    update_format(u, line, rcc);
}

static void update_format(sim_usart *u, sim_line *line, const sim_rcc *rcc)
{
    bool on = enabled(u) && (u->cr1 & (CR1_TE | CR1_RE)) && u->brr >= 16;
    uint32_t baud = on ? sim_rcc_usart_clock(rcc, u->at) / u->brr : 0;
    sim_line_device_format(line, baud, (u->cr1 & CR1_PCE) != 0);
}

void sim_usart_clock_changed(sim_usart *u, sim_line *line, const sim_rcc *rcc)
{
    update_format(u, line, rcc);
}

static uint32_t read_sr(sim_usart *u, sim_line *line, int64_t other_event)
{
    uint32_t sr = 0;
    bool txe, tc;
    sim_line_device_tx_state(line, &txe, &tc);
    if (sim_usart_receiving(u) && sim_line_device_rx_ready(line)) {
        sr |= SR_RXNE;
        u->idle_polls = 0;
    } else if (!txe) {
        /* A sender waiting for TXE: its next poll finds it set, without spinning the host. */
        sim_line_device_await_txe(line);
    } else if (++u->idle_polls >= SIM_IDLE_POLLS) {
        /* A program waiting for the line (sim_line_device_idle). */
        sim_line_device_idle(line, other_event, SIM_IDLE_QUANTUM_NS);
        if (sim_usart_receiving(u) && sim_line_device_rx_ready(line))
            sr |= SR_RXNE;
    }
    if (u->ore)
        sr |= SR_ORE;
    if (txe)
        sr |= SR_TXE;
    if (tc)
        sr |= SR_TC;
    return sr;
}

static uint32_t take(sim_usart *u, sim_line *line)
{
    uint8_t b;
    bool ore;
    if (enabled(u) && sim_line_device_take(line, &b, &ore)) {
        u->rdr = b;
        u->ore = ore;
    }
    return u->rdr;
}

static void put(sim_usart *u, sim_line *line, uint32_t v)
{
    u->idle_polls = 0;
    if (enabled(u) && (u->cr1 & CR1_TE))
        sim_line_device_put(line, (uint8_t)v);
}

/* The newer map, as offsets of the F1's registers: 0x100 for the ones it lacks. */
static uint32_t v1_offset(uint32_t off, bool write)
{
    switch (off) {
    case 0x00: return 0x0C;                 /* CR1 */
    case 0x04: return 0x10;                 /* CR2 */
    case 0x08: return 0x14;                 /* CR3 */
    case 0x0C: return 0x08;                 /* BRR */
    case 0x10: return 0x18;                 /* GTPR */
    case 0x1C: return write ? 0x100 : 0x00; /* ISR: read only */
    case 0x24: return write ? 0x100 : 0x04; /* RDR */
    case 0x28: return write ? 0x04 : 0x100; /* TDR: reads 0 here */
    default: return 0x100;
    }
}

uint32_t sim_usart_read(sim_usart *u, sim_line *line, const sim_rcc *rcc, uint32_t off, int64_t other_event)
{
    if (!sim_rcc_usart_enabled(rcc, u->at))
        return 0;
    if (u->v2)
        off = v1_offset(off, false);
    switch (off) {
    case 0x00: return read_sr(u, line, other_event);
    case 0x04: return take(u, line);
    case 0x08: return u->brr;
    case 0x0C: return u->cr1;
    case 0x10: return u->cr2;
    case 0x14: return u->cr3;
    case 0x18: return u->gtpr;
    default: return 0;
    }
}

void sim_usart_write(sim_usart *u, sim_line *line, const sim_rcc *rcc, uint32_t off, uint32_t v)
{
    if (!sim_rcc_usart_enabled(rcc, u->at))
        return;
    if (u->v2) {
        if (off == 0x20) { /* ICR */
            if (v & ICR_ORECF)
                u->ore = false;
            return;
        }
        off = v1_offset(off, true);
    }
    switch (off) {
    case 0x00: u->ore = false; break; /* SR: software clears flags by writing 0 */
    case 0x04: put(u, line, v); break;
    case 0x08:
        if (u->v2 && enabled(u))
            break; /* newer USART: BRR only while UE=0 */
        u->brr = v & 0xFFFF;
        update_format(u, line, rcc);
        break;
    case 0x0C:
        v &= u->v2 ? 0x1FFFFFFFu : 0x3FFFu;
        if (u->v2 && enabled(u))
            v = (v & ~CR1_V2_UE0_ONLY) | (u->cr1 & CR1_V2_UE0_ONLY);
        u->cr1 = v;
        update_format(u, line, rcc);
        break;
    case 0x10: u->cr2 = v; break;
    case 0x14: u->cr3 = v; break;
    case 0x18: u->gtpr = v; break;
    default: break;
    }
}
