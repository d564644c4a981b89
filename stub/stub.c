/* stub.c - the RAM stub: started by the ROM bootloader's Go, it sets USART1 up from the
 * parameters the host patched in, greets, and serves framed requests (protocol.h).
 * Freestanding Thumb code for armv6-m (runs on M0 to M7); F0/F1/F3 USART registers for now.
 * After Go the chip runs from its 8 MHz HSI with the ROM's peripherals reset (AN2606). */
#include "crc32.h"
#include "flash.h"
#include "protocol.h"

#define REG(a) (*(volatile unsigned int *)(a))
#define RCC_APB2ENR REG(0x40021018u)
#define GPIOA_CRH REG(0x40010804u)
#define USART1_SR REG(0x40013800u)
#define USART1_DR REG(0x40013804u)
#define USART1_BRR REG(0x40013808u)
#define USART1_CR1 REG(0x4001380Cu)
#define SR_RXNE (1u << 5)
#define SR_TXE (1u << 7)

extern unsigned int _stack_top;
void stub_main(void);

/* The vector table Go reads (SP, PC), then the host's parameter block. */
__attribute__((section(".head"), used)) static const void *const head[2] = {&_stack_top, (void *)stub_main};
__attribute__((section(".params"), used)) volatile struct sfs_params params = {SFS_PARAMS_MAGIC, 69u, 2048u, 0u};

static unsigned char frame[SFS_HEADER + SFS_MAX_PAYLOAD + SFS_TRAILER];

static void put(unsigned char c)
{
    while (!(USART1_SR & SR_TXE))
        ;
    USART1_DR = c;
}

static unsigned char get(void)
{
    while (!(USART1_SR & SR_RXNE))
        ;
    return (unsigned char)USART1_DR;
}

static void send(unsigned char seq, unsigned char cmd, const unsigned char *payload, unsigned int len)
{
    unsigned char head5[SFS_HEADER] = {SFS_SOF, (unsigned char)len, (unsigned char)(len >> 8), seq, cmd};
    unsigned int crc = sfs_crc32(0, head5 + 1, SFS_HEADER - 1);
    crc = sfs_crc32(crc, payload, len);
    for (unsigned int i = 0; i < SFS_HEADER; i++)
        put(head5[i]);
    for (unsigned int i = 0; i < len; i++)
        put(payload[i]);
    for (unsigned int i = 0; i < 4; i++)
        put((unsigned char)(crc >> (8 * i)));
}

static void reply_status(unsigned char seq, unsigned char cmd, unsigned char status)
{
    send(seq, cmd | SFS_REPLY, &status, 1);
}

static unsigned int le32(const unsigned char *p)
{
    return (unsigned int)p[0] | (unsigned int)p[1] << 8 | (unsigned int)p[2] << 16 | (unsigned int)p[3] << 24;
}

static void handle(unsigned char seq, unsigned char cmd, unsigned char *payload, unsigned int len)
{
    switch (cmd) {
    case SFS_PING:
        payload[-1] = SFS_OK; /* the byte before the payload is the command: reuse it */
        send(seq, cmd | SFS_REPLY, payload - 1, len + 1);
        break;
    case SFS_CRC32: {
        if (len != 8) {
            reply_status(seq, cmd, SFS_EARG);
            break;
        }
        unsigned int crc = sfs_crc32(0, (const unsigned char *)le32(payload), le32(payload + 4));
        unsigned char out[5] = {SFS_OK, (unsigned char)crc, (unsigned char)(crc >> 8), (unsigned char)(crc >> 16),
                                (unsigned char)(crc >> 24)};
        send(seq, cmd | SFS_REPLY, out, 5);
        break;
    }
    case SFS_ERASE:
    case SFS_WRITE: {
        if (len < 8 || (cmd == SFS_WRITE && ((le32(payload) | len) & 1u))) {
            reply_status(seq, cmd, SFS_EARG);
            break;
        }
        unsigned int addr = le32(payload), fail = addr, err = 0;
        if (cmd == SFS_ERASE) {
            unsigned int ps = params.page_size, end = addr + le32(payload + 4);
            for (unsigned int a = addr & ~(ps - 1u); a < end && !err; a += ps) {
                fail = a;
                err = flash_erase_page(a, params.bank2_base);
            }
        } else {
            err = flash_program(addr, payload + 4, len - 4, params.bank2_base, &fail);
        }
        if (!err) {
            reply_status(seq, cmd, SFS_OK);
            break;
        }
        unsigned char out[9] = {SFS_EFLASH, (unsigned char)fail, (unsigned char)(fail >> 8), (unsigned char)(fail >> 16),
                                (unsigned char)(fail >> 24), (unsigned char)err, 0, 0, 0};
        send(seq, cmd | SFS_REPLY, out, 9);
        break;
    }
    default:
        reply_status(seq, cmd, SFS_EUNKNOWN);
        break;
    }
}

void stub_main(void)
{
    RCC_APB2ENR |= (1u << 14) | (1u << 2);                   /* USART1, GPIOA */
    GPIOA_CRH = (GPIOA_CRH & ~0xFF0u) | 0x4B0u;              /* PA9 AF push-pull, PA10 input */
    USART1_BRR = params.usart_brr;
    USART1_CR1 = (1u << 13) | (1u << 12) | (1u << 10) | (1u << 3) | (1u << 2); /* UE, M, PCE, TE, RE: 8E1 */

    static const unsigned char hello[7] = {'S', 'F', 'S', 'T', SFS_VERSION, SFS_MAX_PAYLOAD & 0xFF, SFS_MAX_PAYLOAD >> 8};
    send(0, SFS_HELLO, hello, sizeof hello);

    for (;;) {
        if (get() != SFS_SOF)
            continue; /* resynchronise on the next start of frame */
        for (unsigned int i = 1; i < SFS_HEADER; i++)
            frame[i] = get();
        unsigned int len = frame[1] | (unsigned int)frame[2] << 8;
        if (len > SFS_MAX_PAYLOAD)
            continue; /* not a frame we sent for: wait for the next SOF */
        for (unsigned int i = 0; i < len + SFS_TRAILER; i++)
            frame[SFS_HEADER + i] = get();
        unsigned int crc = sfs_crc32(0, frame + 1, SFS_HEADER - 1 + len);
        if (crc != le32(frame + SFS_HEADER + len)) {
            reply_status(frame[3], frame[4], SFS_EBADCRC);
            continue;
        }
        handle(frame[3], frame[4], frame + SFS_HEADER, len);
    }
}
