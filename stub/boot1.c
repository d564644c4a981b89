/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* boot1.c - the first stage (protocol.h, SFB_*): loaded through the ROM's Write Memory in a
 * few blocks instead of the 4 KiB stub in sixteen, it takes the stub at the stub's rate.
 * The family's chip_clock_init raises the clock as the stub does, and the stub's uart.c
 * drives the USART the ROM answered on, receiving by DMA into a ring the host placed after
 * the first stage (its parameters are the stub's, struct sfs_params): no byte is lost however
 * slowly it copies. It has no .bss; RAM above it becomes the stub's buffers later. */
#include "chip.h"
#include "protocol.h"
#include "stub.h"

extern unsigned int _stack_top;
void boot1_main(void) __attribute__((noreturn));

__attribute__((section(".head"), used)) static const void *const head[2] = {&_stack_top, (void *)boot1_main};
__attribute__((section(".params"), used)) volatile struct sfs_params params = {.magic = SFB_PARAMS_MAGIC};
__attribute__((section(".params1"), used)) volatile struct sfb_params bparams;

/* Where the ring was read up to, and where the DMA had written up to when last asked: the DMA
 * is asked again only once that is used up, so copying runs at memory speed. */
struct rx {
    unsigned int pos, end;
};

static unsigned char get(struct rx *r)
{
    while (r->pos == r->end)
        r->end = chip_uart_rx_pos();
    unsigned char c = ((volatile unsigned char *)params.ring)[r->pos];
    if (++r->pos == params.ring_size)
        r->pos = 0;
    return c;
}

static unsigned int get_word(struct rx *r)
{
    unsigned int v = 0;
    for (int i = 0; i < 4; i++)
        v |= (unsigned int)get(r) << (8 * i);
    return v;
}

static void hello(void)
{
    for (int k = 0; k < 4; k++)
        chip_uart_put((unsigned char)SFB_HELLO[k]);
}

/* Greet at the fast rate until the host talks: it may still be switching its own rate, and a
 * greeting that began before it had switched comes garbled, so the next one follows within
 * about a greeting's time (a short pause of polls, not thousands: a simulated core that lets
 * time pass per idle poll would otherwise leave the host waiting 20 ms). */
static void greet(const struct rx *r)
{
    for (unsigned int w = 0; chip_uart_rx_pos() == r->pos; w++)
        if (w % 64u == 0)
            hello();
}

/* zlib's CRC32 (kept inverted), a byte bit by bit: no table (no .bss to clear). */
static unsigned int crc_byte(unsigned int crc, unsigned char c)
{
    crc ^= c;
    for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    return crc;
}

void boot1_main(void)
{
    chip_clock_init();
    /* Itself as the host sent it? Else it answers nothing but SFB_BACK, at the ROM's rate. */
    const volatile unsigned char *self = (const volatile unsigned char *)head;
    unsigned int n = bparams.self_len, self_crc = 0xFFFFFFFFu;
    for (unsigned int i = 0; i < n && n <= 1020u; i++)
        self_crc = crc_byte(self_crc, self[i]);
    int broken = n > 1020u || ~self_crc != *(const volatile unsigned int *)(self + n);
    chip_uart_init(broken ? bparams.rom_brr : params.brr, (unsigned char *)params.ring, params.ring_size);
    unsigned char *load = (unsigned char *)bparams.load;
    struct rx rx = {0, 0};
    int slow = broken;
    if (!broken)
        greet(&rx);
    for (;;) {
        unsigned int i = 0;
        while (i < 4) { /* "LOAD", or the host is at another rate */
            unsigned char c = get(&rx);
            if (c == (unsigned char)SFB_LOAD[i]) {
                i++;
                continue;
            }
            if (!slow) { /* garbage: the host could not follow; quiet until it asks */
                slow = 1;
                chip_uart_brr(bparams.rom_brr);
            } else if (c == SFB_NUDGE && !broken) {
                hello();
            }
            i = c == (unsigned char)SFB_LOAD[0];
        }
        unsigned int len = get_word(&rx), crc = get_word(&rx);
        if (len == SFB_BACK) { /* a system reset: the ROM again (BOOT0 is still high) */
            chip_uart_flush();
            *(volatile unsigned int *)0xE000ED0Cu = 0x05FA0004u; /* AIRCR: VECTKEY, SYSRESETREQ */
            for (;;)
                ;
        }
        if (len == SFB_RATE && !broken) { /* another fast rate, in the CRC's place */
            chip_uart_put(SFB_OK); /* at the ROM's rate: what the host sent has all arrived */
            chip_uart_flush();
            chip_uart_brr(crc);
            slow = 0;
            greet(&rx);
            continue;
        }
        if (broken || len > bparams.max_len) {
            chip_uart_put(SFB_BAD);
            continue;
        }
        /* The CRC goes along with the bytes: at the stub's rate a byte takes hundreds of
         * cycles to arrive, eight steps of the CRC a few dozen, so it is done when they are. */
        unsigned int sum = 0xFFFFFFFFu;
        for (i = 0; i < len; i++) {
            sum = crc_byte(sum, load[i] = get(&rx));
            if ((i + 1u) % SFB_CHUNK == 0) /* out of the ring: room for the host to send more */
                chip_uart_put(SFB_ACK);
        }
        if (~sum != crc) {
            chip_uart_put(SFB_BAD);
            continue;
        }
        chip_uart_put(SFB_OK);
        chip_uart_flush();
        *(volatile unsigned int *)params.rx_dma = 0; /* the stub sets its own ring up */
        unsigned int sp = ((volatile unsigned int *)load)[0], pc = ((volatile unsigned int *)load)[1];
        __asm__ volatile("msr msp, %0\n\tbx %1" : : "r"(sp), "r"(pc) : "memory");
        __builtin_unreachable();
    }
}
