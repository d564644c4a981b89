/* sim_dma.c - DMA1 of the F1 (RM0008 13): ISR, IFCR and seven channels. Only the request the
 * stub uses is wired: USART1_RX on channel 5 (RM0008 table 78), active when USART1's CR3.DMAR
 * is set. Received bytes move into memory when software could see them: on a read of a DMA or
 * USART register and between run slices. Code that reads the buffer after CNDTR (as it must, to
 * know how far the DMA got) sees exactly what the hardware would have written; the line's order
 * and timing are kept, and since the DMA serves DR at once nothing overruns. */
#include "sim_periph.h"

enum { CCR_EN = 1u << 0, CCR_DIR = 1u << 4, CCR_CIRC = 1u << 5, CCR_MINC = 1u << 7 };
enum { CR1_RE = 1u << 2, CR1_UE = 1u << 13, CR3_DMAR = 1u << 6 };
#define RX_CHANNEL 4 /* channel 5, zero-based */
#define IDLE_POLLS_BEFORE_WAIT 64
#define IDLE_WAIT_NS 20000

void sim_dma_reset(sim_dma *d) { *d = (sim_dma){0}; }

static bool rx_wired(const sim_dma *d, const sim_usart *u, const sim_rcc *r)
{
    const struct sim_dma_channel *ch = &d->ch[RX_CHANNEL];
    return (r->ahbenr & 1u) && (ch->ccr & CCR_EN) && !(ch->ccr & CCR_DIR) && ch->cpar == USART1_BASE + 4 &&
           (u->cr3 & CR3_DMAR) && (u->cr1 & CR1_UE) && (u->cr1 & CR1_RE);
}

/* Move the bytes the line has delivered; true if any moved. */
bool sim_dma_service(sim_dma *d, const sim_usart *u, const sim_rcc *r, sim_line *line, sim_memory *mem)
{
    if (!rx_wired(d, u, r))
        return false;
    struct sim_dma_channel *ch = &d->ch[RX_CHANNEL];
    unsigned shift = 4 * RX_CHANNEL;
    bool moved = false;
    uint8_t b;
    while (ch->cndtr && sim_line_device_take_served(line, &b)) {
        uint32_t addr = ch->cmar + ((ch->ccr & CCR_MINC) ? ch->reload - ch->cndtr : 0);
        uint8_t *p = sim_memory_ptr(mem, addr, 1);
        if (!p || !sim_memory_in_ram(mem, addr, 1)) {
            d->isr |= (9u << shift); /* GIF, TEIF: the channel stops (RM0008 13.3.6) */
            ch->ccr &= ~CCR_EN;
            return moved;
        }
        *p = b;
        moved = true;
        if (--ch->cndtr == ch->reload / 2)
            d->isr |= (5u << shift); /* GIF, HTIF */
        if (ch->cndtr == 0) {
            d->isr |= (3u << shift); /* GIF, TCIF */
            if (ch->ccr & CCR_CIRC)
                ch->cndtr = ch->reload;
        }
    }
    return moved;
}

uint32_t sim_dma_read(sim_dma *d, const sim_usart *u, const sim_rcc *r, sim_line *line, sim_memory *mem, uint32_t off)
{
    if (sim_dma_service(d, u, r, line, mem))
        d->idle_polls = 0;
    else if (rx_wired(d, u, r) && ++d->idle_polls >= IDLE_POLLS_BEFORE_WAIT) {
        sim_line_device_wait_rx(line, IDLE_WAIT_NS); /* a waiting program: do not spin the host */
        sim_dma_service(d, u, r, line, mem);
    }
    if (off == 0x00)
        return d->isr;
    if (off < 0x08 || off >= 0x08 + 7 * 20)
        return 0;
    const struct sim_dma_channel *ch = &d->ch[(off - 0x08) / 20];
    switch ((off - 0x08) % 20) {
    case 0: return ch->ccr;
    case 4: return ch->cndtr;
    case 8: return ch->cpar;
    case 12: return ch->cmar;
    default: return 0;
    }
}

void sim_dma_write(sim_dma *d, uint32_t off, uint32_t v)
{
    if (off == 0x04) {
        d->isr &= ~v; /* IFCR: write 1 to clear */
        return;
    }
    if (off < 0x08 || off >= 0x08 + 7 * 20)
        return;
    struct sim_dma_channel *ch = &d->ch[(off - 0x08) / 20];
    bool enabled = ch->ccr & CCR_EN;
    switch ((off - 0x08) % 20) {
    case 0: ch->ccr = v & 0x7FFF; break;
    case 4: if (!enabled) ch->cndtr = ch->reload = v & 0xFFFF; break; /* read-only while enabled */
    case 8: if (!enabled) ch->cpar = v; break;
    case 12: if (!enabled) ch->cmar = v; break;
    default: break;
    }
}
