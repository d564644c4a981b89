/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* clock.h - the test firmware's clock set-up. */
#ifndef TEST_FIRMWARE_CLOCK_H
#define TEST_FIRMWARE_CLOCK_H

/* 72 MHz from the 8 MHz crystal through the PLL; APB1 at 36 MHz (RM0008 7.3). */
void clock_72mhz(void);

#endif
