/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* version-app.c - a firmware that says its version on USART1 (the newer USART: CR1 0x00, BRR
 * 0x0C, ISR 0x1C, TDR 0x28) at 115200 8N1 from the clock the chip resets with, then waits.
 * Linked for 0x08000000, it runs from either bank of a dual-bank part (A/B tests). The build
 * sets VERSION and where the chip keeps its registers:
 *   APB2ENR, USART1EN  RCC_APB2ENR's address and USART1's enable bit (RM0351 6.4.18: L4
 *                      0x40021060 bit 14; RM0440 7.4.18: G4 the same; RM0433 8.7.43: H7
 *                      RCC_APB2ENR 0x580244F0 bit 4)
 *   USART1             its base (0x40013800 on the L4/G4, 0x40011000 on the H7)
 *   BRR                the reset clock over 115200 (L4 MSI 4 MHz: 35; G4 HSI16: 139; H7 HSI
 *                      64 MHz: 556; F4 HSI 16 MHz: 139; G0 HSISYS 16 MHz: 139)
 * F42x (RM0090 6.3.14: RCC_APB2ENR 0x40023844, USART1EN bit 4; 30.6: USART1 0x40011000) has the
 * older USART: OLD_USART selects its registers (SR 0x00 with TXE bit 7, DR 0x04, BRR 0x08, CR1
 * 0x0C with UE bit 13; RM0090 30.6). G0B1: RM0444 5.4.14 RCC_APBENR2 0x40021040, USART1EN bit 14;
 * USART1 at 0x40013800 (RM0444 2.2.2). */
#include <stdint.h>

#define REG(a) (*(volatile uint32_t *)(a))

extern uint32_t _estack;
void reset_handler(void);

/* The core's 16 vectors; the exceptions it never takes are 0 (what stubflash's firmware check
 * expects of an unused vector). */
__attribute__((section(".vectors"), used)) static const void *const vectors[16] = {&_estack, (void *)reset_handler};

static const char text[] = "app " VERSION " running\r\n";

#ifdef OLD_USART
#define CR1 0x0C
#define BRR_REG 0x08
#define ISR 0x00
#define TDR 0x04
#define UE 13
#else
#define CR1 0x00
#define BRR_REG 0x0C
#define ISR 0x1C
#define TDR 0x28
#define UE 0
#endif

void reset_handler(void)
{
    REG(APB2ENR) |= 1u << USART1EN;
    REG(USART1 + BRR_REG) = BRR;
    REG(USART1 + CR1) = (1u << 3) | 1u << UE; /* TE, UE */
    for (const char *p = text; *p; p++) {
        while (!(REG(USART1 + ISR) & (1u << 7))) /* TXE */
            ;
        REG(USART1 + TDR) = (uint8_t)*p;
    }
    for (;;)
        ;
}
