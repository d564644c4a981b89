/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hello.c - a small application for the virtual STM32F103: sets the clock to 72 MHz from the
 * 8 MHz crystal, USART1 to 115200 8E1, says where it runs from and what it measured, then
 * echoes what it receives (lower case to upper case). '?' repeats the greeting, 'R' asks for
 * a system reset. */
#include "clock.h"
#include "stm32f1.h"

static void usart_init(void)
{
    RCC_APB2ENR |= (1u << 14) | (1u << 2) | 1u; /* USART1, GPIOA, AFIO */
    GPIOA_CRH = (GPIOA_CRH & ~0xF0u) | 0xB0u;    /* PA9: AF push-pull 50 MHz */
    USART1_BRR = 72000000u / 115200u;
    USART1_CR1 = (1u << 13) | (1u << 12) | (1u << 10) | (1u << 3) | (1u << 2); /* UE M PCE TE RE */
}

static void put(char c)
{
    while (!(USART1_SR & (1u << 7)))
        ;
    USART1_DR = (uint8_t)c;
}

static void puts_(const char *s)
{
    while (*s)
        put(*s++);
}

static void put_dec(uint32_t v)
{
    char buf[11];
    int i = 10;
    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    puts_(&buf[i]);
}

/* Counts SysTick wraps of 1 ms at 72 MHz: shows the timer works in simulated time. */
static void delay_ms(uint32_t ms)
{
    SYST_RVR = 72000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = 5u; /* enable, processor clock */
    while (ms--)
        while (!(SYST_CSR & (1u << 16)))
            ;
    SYST_CSR = 0;
}

static const char where[] = WHERE; /* "flash" or "ram", set by the build */

static void greet(void)
{
    puts_("hello from ");
    puts_(where);
    puts_(", flash ");
    put_dec(F_SIZE);
    puts_(" KiB\r\n");
}

int main(void)
{
    clock_72mhz();
    usart_init();
    delay_ms(2);
    greet();
    for (;;) {
        while (!(USART1_SR & (1u << 5)))
            ;
        char c = (char)USART1_DR;
        if (c == 'R') {
            while (!(USART1_SR & (1u << 6)))
                ;
            SCB_AIRCR = 0x05FA0004u;
        }
        if (c == '?') {
            greet();
            continue;
        }
        put(c >= 'a' && c <= 'z' ? (char)(c - 32) : c);
    }
}
