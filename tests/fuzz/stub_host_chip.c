/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stub_host_chip.c - chip.h and flash.h for the stub built on the host (fuzz_stub.c): the USART
 * delivers the fuzz input into the receive ring, transmitted bytes are dropped, flash is a
 * buffer mapped at the F1's flash address with the F1's rules (erase to 0xFF, program a
 * half-word only where it is erased). Leaving the stub (Go, reset, input used up) jumps back
 * to the harness. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "chip.h"
#include "flash.h"
#include "stub_host.h"

/* The linker symbol the vector table names (the host build does not clear a bss: the harness
 * resets the stub's state). */
unsigned int _stack_top;

struct stub_host host;

void chip_clock_init(void) {}

void chip_uart_init(unsigned int brr, unsigned char *ring, unsigned int size)
{
    (void)brr;
    host.ring = ring;
    host.ring_size = size;
    host.wpos = 0;
}

void chip_uart_brr(unsigned int brr) { (void)brr; }

/* Called when the stub has read everything delivered: hand it the next piece of input. */
unsigned int chip_uart_rx_pos(void)
{
    if (host.in_pos == host.in_len)
        longjmp(host.out, 1);
    size_t n = host.in_len - host.in_pos;
    size_t room = host.ring_size - 1;
    if (n > room)
        n = room;
    if (n > 1 && (host.in[host.in_pos] & 1)) /* in pieces as well as at once */
        n /= 2;
    for (size_t i = 0; i < n; i++) {
        host.ring[host.wpos] = host.in[host.in_pos++];
        host.wpos = (host.wpos + 1) % host.ring_size;
    }
    return host.wpos;
}

void chip_uart_put(unsigned char c) { host.sent += c; }
void chip_uart_flush(void) {}
void chip_go(unsigned int vt) { (void)vt; longjmp(host.out, 1); }
void chip_reset(void) { longjmp(host.out, 1); }

static int in_flash(unsigned int addr, unsigned int len)
{
    return addr >= HOST_FLASH_BASE && len <= HOST_FLASH_SIZE && addr - HOST_FLASH_BASE <= HOST_FLASH_SIZE - len;
}

#define SR_PGERR 0x04u
#define SR_WRPRTERR 0x10u

unsigned int flash_unit_of(unsigned int addr, unsigned int *size)
{
    *size = HOST_PAGE;
    return addr & ~(HOST_PAGE - 1u);
}

unsigned int flash_erase_page(unsigned int addr, unsigned int bank2_base)
{
    (void)bank2_base;
    if (!in_flash(addr, HOST_PAGE))
        return SR_WRPRTERR;
    memset((void *)(uintptr_t)addr, 0xFF, HOST_PAGE);
    return 0;
}

unsigned int flash_mass_erase(unsigned int bank2_base)
{
    (void)bank2_base;
    memset((void *)(uintptr_t)HOST_FLASH_BASE, 0xFF, HOST_FLASH_SIZE);
    return 0;
}

unsigned int flash_program_async(unsigned int addr, flash_word value, unsigned int bank2_base, unsigned int *fail)
{
    (void)bank2_base;
    *fail = addr;
    if ((addr & 1u) || !in_flash(addr, 2))
        return SR_PGERR;
    unsigned short *cell = (unsigned short *)(uintptr_t)addr;
    if (*cell != 0xFFFF)
        return SR_PGERR;
    *cell = (unsigned short)value;
    return 0;
}

unsigned int flash_sync(unsigned int *fail)
{
    (void)fail;
    return 0;
}
