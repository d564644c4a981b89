/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stm32f1.h - the few STM32F1 registers the test firmware uses (RM0008). */
#ifndef TEST_STM32F1_H
#define TEST_STM32F1_H

#include <stdint.h>

#define REG(addr) (*(volatile uint32_t *)(addr))

#define RCC_CR REG(0x40021000u)
#define RCC_CFGR REG(0x40021004u)
#define RCC_APB2ENR REG(0x40021018u)
#define FLASH_ACR REG(0x40022000u)
#define GPIOA_CRH REG(0x40010804u)
#define USART1_SR REG(0x40013800u)
#define USART1_DR REG(0x40013804u)
#define USART1_BRR REG(0x40013808u)
#define USART1_CR1 REG(0x4001380Cu)
#define SCB_AIRCR REG(0xE000ED0Cu)
#define SYST_CSR REG(0xE000E010u)
#define SYST_RVR REG(0xE000E014u)
#define SYST_CVR REG(0xE000E018u)
#define F_SIZE (*(volatile uint16_t *)0x1FFFF7E0u)

#endif
