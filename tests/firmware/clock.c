/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* clock.c - see clock.h. */
#include "clock.h"

#include "stm32f1.h"

void clock_72mhz(void)
{
    RCC_CR |= 1u << 16; /* HSEON */
    while (!(RCC_CR & (1u << 17)))
        ;
    FLASH_ACR = 0x12;                               /* two wait states, prefetch */
    RCC_CFGR = (7u << 18) | (1u << 16) | (4u << 8); /* PLL x9 from HSE, APB1 /2 */
    RCC_CR |= 1u << 24;                             /* PLLON */
    while (!(RCC_CR & (1u << 25)))
        ;
    RCC_CFGR |= 2u; /* SW = PLL */
    while (((RCC_CFGR >> 2) & 3u) != 2u)
        ;
}
