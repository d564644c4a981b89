/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_line.h - the serial line between the host's UART and the chip's USART.
 *
 * Each direction is a queue of bytes stamped with the time their stop bit ends. In real-time
 * mode a byte is only visible to the other side from that time on, so throughput is the
 * baud rate's (8E1: 11 bits a byte). A byte sent at one rate and sampled at a rate more than
 * 2.5% away arrives as garbage, as on a real UART. Faults (bit flips, drops) are injected here.
 */
#ifndef SIM_LINE_H
#define SIM_LINE_H

#include "sim_clock.h"
#include "stm32sim.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sim_line sim_line;

enum { LINE_GOT = 1, LINE_TIMEOUT = 0, LINE_INTERRUPTED = -1 };

sim_line *sim_line_new(sim_clock *clock, const sim_faults *faults);
void sim_line_free(sim_line *l);

/* Called (without locks held) once power_cut_after_bytes bytes have reached the device. */
void sim_line_on_byte_limit(sim_line *l, void (*cb)(void *user), void *user);

/* Host side. */
void sim_line_host_format(sim_line *l, uint32_t baud, bool parity);
/* Where the host's rate can change behind the line's back (a pty's termios): rate(user) is
 * asked, with the line's lock held, as sim_line_host_read judges the bytes that have arrived
 * (0: unknown, the last rate stays). NULL: only sim_line_host_format sets it. */
void sim_line_host_rate_source(sim_line *l, uint32_t (*rate)(void *user), void *user);
/* Change the byte fault rates (corrupt/drop both ways, max_baud, reply_delay_ms; seed if not 0)
 * at run time. */
void sim_line_set_faults(sim_line *l, const sim_faults *faults);
/* A burst of len random bytes on both wires now (a motor starting, a loose connector). */
void sim_line_burst(sim_line *l, size_t len);
void sim_line_host_write(sim_line *l, const uint8_t *data, size_t len);
size_t sim_line_host_read(sim_line *l, uint8_t *data, size_t len, int timeout_ms);
void sim_line_host_flush(sim_line *l);

/* Device side. baud 0 = receiver/transmitter off; LINE_AUTOBAUD = accept the host's rate. */
#define LINE_AUTOBAUD UINT32_MAX
void sim_line_device_format(sim_line *l, uint32_t baud, bool parity);
uint32_t sim_line_host_baud(sim_line *l);
/* The rate the last byte the device took was sent at: what an autobaud measures. */
uint32_t sim_line_device_last_rate(sim_line *l);
/* Wait until deadline_ns (clock time; INT64_MAX = forever) for a byte. */
int sim_line_device_get(sim_line *l, uint8_t *byte, int64_t deadline_ns);
/* Non-blocking: is a byte complete now? */
bool sim_line_device_rx_ready(sim_line *l);
/* Non-blocking take for a USART data register read; *overrun is set when bytes that completed
 * while this one sat unread were lost (USART ORE). Returns false if nothing is there. */
bool sim_line_device_take(sim_line *l, uint8_t *byte, bool *overrun);
/* The next byte that has arrived, for a receiver served at once (DMA): nothing overruns. */
bool sim_line_device_take_served(sim_line *l, uint8_t *byte);
void sim_line_device_put(sim_line *l, uint8_t byte);
/* Clock time at which the transmitter finishes the last queued byte. */
int64_t sim_line_device_tx_done(sim_line *l);
int64_t sim_line_device_byte_ns(sim_line *l);
/* USART flags: TXE once at most one byte is left in the shifter, TC once all are out. */
void sim_line_device_tx_state(sim_line *l, bool *txe, bool *tc);
/* A program waits for TXE (at most one byte left in the shifter): time runs ahead to it
 * (sim_clock_advance_to). */
void sim_line_device_await_txe(sim_line *l);
/* A program has polled for a received byte many times and found none. Real-time mode: time
 * passes by quantum, or less if the next received byte, the transmitter finishing or
 * other_event (the flash's BSY dropping; 0: none) comes sooner; the CPU runs ahead of the wall
 * clock to get there and sleeps when too far ahead, waking for what the host sends. Fast mode:
 * a brief wait for the host. Returns at once if a byte is there or the line is interrupted. */
void sim_line_device_idle(sim_line *l, int64_t other_event, int64_t quantum);
/* A reset: bytes whose stop bit ends before deaf_until are lost (the chip was resetting or
 * still starting); later ones are heard at baud_after (LINE_AUTOBAUD for the ROM, 0 when a
 * program must first enable its USART). Nothing is flushed that arrives after deaf_until, so
 * how long the simulator itself takes to reset does not change what the host sees. */
void sim_line_device_reset(sim_line *l, int64_t deaf_until, uint32_t baud_after);

/* While set, device waits return LINE_INTERRUPTED at once (reset, power cut, stop). */
void sim_line_interrupt(sim_line *l, bool on);
/* Block the calling device thread for up to ns or until interrupted; returns false if
 * interrupted. Used for flash operation times so a reset can cut them short. */
bool sim_line_device_sleep_until(sim_line *l, int64_t t);

void sim_line_counts(sim_line *l, uint64_t *to_device, uint64_t *to_host);

#endif
