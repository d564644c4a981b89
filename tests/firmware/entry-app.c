/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* entry-app.c - an application that carries stubflash's app-side entry (appentry/): it runs at
 * 72 MHz from the crystal with USART1 at 57600 8N1 (not the bootloader's 115200 8E1), says
 * "entry-app ready", and feeds what it receives to stubflash_enter_feed(); the trigger takes
 * the chip to the ROM bootloader. */
#include "clock.h"
#include "stm32f1.h"
#include "stubflash_enter.h"

static void puts_(const char *s)
{
    for (; *s; s++) {
        while (!(USART1_SR & (1u << 7)))
            ;
        USART1_DR = (uint8_t)*s;
    }
}

int main(void)
{
    stubflash_enter_early(); /* before anything: the bootloader wants the reset state */
    clock_72mhz();
    RCC_APB2ENR |= (1u << 14) | (1u << 2) | 1u; /* USART1, GPIOA, AFIO */
    GPIOA_CRH = (GPIOA_CRH & ~0xF0u) | 0xB0u;    /* PA9: AF push-pull */
    USART1_BRR = 72000000u / 57600u;
    USART1_CR1 = (1u << 13) | (1u << 3) | (1u << 2); /* UE TE RE: 8N1 */
    puts_("entry-app ready\r\n");
    for (;;) {
        if (USART1_SR & (1u << 5)) /* RXNE */
            stubflash_enter_feed((uint8_t)USART1_DR);
    }
}
