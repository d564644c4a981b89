/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stm32sim.h - the virtual STM32: a board with a ROM bootloader (AN3155), a flash
 * controller with datasheet timings, a Cortex-M CPU (libunicorn) and a serial line.
 *
 * This is the only hardware stubflash is developed against, so it aims at the behaviour a
 * host can observe on a real chip: bytes, timing, flash rules and error replies.
 *
 * Threading: a board runs in its own thread once started. The host-side functions
 * (sim_host_*), the control functions and the memory accessors may be called from any
 * thread.
 */
#ifndef STM32SIM_H
#define STM32SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sim_board sim_board;
typedef struct sim_part sim_part;

/* Faults the line and the board can inject. Rates are per byte, 0..1. */
typedef struct sim_faults {
    double corrupt_to_device;   /* probability a host->device byte gets one bit flipped */
    double corrupt_to_host;     /* same, device->host */
    double drop_to_device;      /* probability a host->device byte is lost */
    double drop_to_host;        /* same, device->host */
    uint64_t power_cut_after_bytes; /* cut power once this many bytes reached the device; 0 = never */
    uint32_t power_cut_after_ms;    /* cut power this long after sim_board_start; 0 = never */
    uint32_t power_off_ms;          /* how long the board stays off after a cut (default 100) */
    uint64_t seed;                  /* PRNG seed for the rates above (0 = fixed default) */
    uint32_t max_baud;              /* the link carries at most this rate (a radio modem, a bridge
                                     * with a fixed rate): faster bytes arrive garbled; 0 = any */
    uint32_t reply_delay_ms;        /* every byte reaches the host this much later than its stop
                                     * bit ends (a radio modem's or a bridge's round trip) */
    uint32_t adapter_clock;         /* the host's USB adapter makes its rates by dividing this
                                     * clock (Hz) by a whole number, as cheap ones do: a rate
                                     * asked for becomes clock / round(clock / rate), and more
                                     * than 2.5% off the chip's it is garbage; 0 = any rate exactly */
    bool pll_stuck;                 /* the PLL never locks (PLLRDY stays 0): code that waits for it hangs */
    uint64_t drop_byte;             /* the Nth byte (from 1) to the device is lost; 0 = none */
    uint64_t flip_host_byte;        /* the Nth byte (from 1) to the host gets bit 0 flipped; 0 = none */
    uint32_t damage_ram_byte;       /* the Nth byte (from 1) the ROM's Write Memory stores in RAM
                                     * gets bit 4 flipped, as two line errors in one bit position
                                     * (which its XOR checksum cannot see) would; 0 = never */
} sim_faults;

/* The host's control lines (DTR, RTS, and BREAK on TX) as a board wires them to the chip's
 * NRST and BOOT0 pins, as auto-reset circuits do. A pin follows one line: active while the
 * line is asserted, or while it is released if inverted. Active NRST holds the chip in reset
 * (it boots when released, from where BOOT0 says then); active BOOT0 is high. */
typedef enum sim_ctl_line { SIM_LINE_NONE, SIM_LINE_DTR, SIM_LINE_RTS, SIM_LINE_BREAK } sim_ctl_line;
typedef struct sim_wiring {
    sim_ctl_line nrst, boot0;
    bool nrst_inverted, boot0_inverted;
} sim_wiring;
/* Parse "dtr", "rts", "brk" or "none", with "!" in front for inverted. 0 on success. */
int sim_wiring_parse_line(const char *text, sim_ctl_line *line, bool *inverted);

typedef struct sim_options {
    bool realtime;            /* pace bytes at the line's baud and flash operations at datasheet times */
    bool on_before_start;     /* the board was on before sim_board_start (one on the desk whose
                               * port a program opens): its ROM listens at once, without the
                               * start-up time a power-on or reset takes */
    bool boot0;               /* BOOT0 pin: true = start the ROM bootloader, false = start from flash */
    const char *flash_file;   /* load flash + option bytes at creation, save at sim_board_save() */
    sim_faults faults;
    sim_wiring wiring;        /* zero: NRST and BOOT0 not wired to the host's lines */
    uint32_t serial;          /* mixed into the 96-bit unique ID: boards side by side differ */
    bool rom_pll_on;          /* F2/F4/F7: code started by Go finds SYSCLK on a PLL the ROM left
                               * running (60 MHz), not on HSI */
    uint8_t usart;            /* the USART the ROM answers on, 1-3 (0: 1): code started by Go
                               * finds the line there, at that USART's clock, with its DMA
                               * request (families/usarts.txt); any other USART is deaf */
    /* Where the board reports what it does (CPU faults, resets); NULL = stderr. */
    void (*log)(const char *line, void *user);
    void *log_user;
} sim_options;

/* Parts. Names are lower-case part numbers, e.g. "stm32f103re", "stm32f103rg". */
const sim_part *sim_part_find(const char *name);
/* The i-th known part (NULL past the end), for listings. */
const sim_part *sim_part_at(size_t i);
const char *sim_part_name(const sim_part *part);
const char *sim_part_description(const sim_part *part);
uint16_t sim_part_pid(const sim_part *part);
/* Bytes of flash (both banks, without the hole some parts have between them). */
uint32_t sim_part_flash_size(const sim_part *part);
/* One past the last flash address (bank 2's end on parts with a hole between the banks). */
uint32_t sim_part_flash_end(const sim_part *part);
uint32_t sim_part_page_size(const sim_part *part);
/* Where flash bank 2 starts, 0 on a part of one bank. */
uint32_t sim_part_bank2_base(const sim_part *part);
/* What an erased flash byte reads: 0xFF, or 0x00 on L0/L1. */
uint8_t sim_part_erased_value(const sim_part *part);
uint32_t sim_part_ram_size(const sim_part *part);
/* First RAM address the ROM bootloader leaves to the host (Write Memory / Go). */
uint32_t sim_part_bootloader_ram_start(const sim_part *part);
/* Bytes of option bytes the board keeps (after the flash in a --flash file; bank 2's words
 * after the first area's on the L4/G4 with two banks). */
uint32_t sim_part_option_bytes_size(const sim_part *part);

/* Create a board (powered, not yet running). On failure returns NULL and, if err is not
 * NULL, stores a malloc'd message the caller frees. */
sim_board *sim_board_new(const sim_part *part, const sim_options *opt, char **err);
/* Start the board's thread: it resets and boots according to BOOT0. */
int sim_board_start(sim_board *b);
/* Stop the thread (the board is left as it is: its memories stay readable). */
void sim_board_stop(sim_board *b);
/* Stop if running and free everything. Does not save the flash file. */
void sim_board_free(sim_board *b);
/* Save flash + option bytes to the options' flash_file (atomic rename). 0 on success. */
int sim_board_save(sim_board *b, char **err);

const sim_part *sim_board_part(const sim_board *b);
/* The part's flash layout in force: what its option bytes chose at the last reset (the
 * F76x/77x with nDBANK = 0: two banks of 12 sectors), else the part itself. */
const sim_part *sim_board_layout(sim_board *b);

/* Control lines. */
void sim_board_set_boot0(sim_board *b, bool high);
/* A host control line changed (asserted or released): NRST and BOOT0 follow per the wiring. */
void sim_board_set_line(sim_board *b, sim_ctl_line line, bool asserted);
/* Pulse NRST: the running program stops and the chip boots again according to BOOT0. */
void sim_board_reset(sim_board *b);
/* Cut power now (in-progress flash operations leave undefined bytes); back on after off_ms. */
void sim_board_power_cut(sim_board *b, uint32_t off_ms);
/* Change the line's fault rates while the board runs (corrupt/drop in both directions,
 * max_baud, reply_delay_ms, adapter_clock, and the seed if not 0); the other fields of faults
 * are ignored. */
void sim_board_set_line_faults(sim_board *b, const sim_faults *faults);
/* Put len random bytes on both wires now, as electrical noise would. */
void sim_board_line_burst(sim_board *b, size_t len);

/* How many resets (any cause) the board went through since creation. */
unsigned sim_board_reset_count(sim_board *b);
/* Wait (up to timeout_ms) until the started board has come out of its power-on reset and its
 * ROM listens (its start-up time, AN2606, has passed): a board that was on before its port was
 * opened, as a real one is, instead of one powered up by the open. */
void sim_board_wait_started(sim_board *b, unsigned timeout_ms);
/* Wait until the CPU engine a started board makes in the background for its first Go is made
 * (a thread that then ends: for a caller that counts threads). */
void sim_board_wait_core(sim_board *b);
/* True while the CPU runs code started by Go or by a boot from flash. */
bool sim_board_cpu_running(sim_board *b);
/* The last CPU fault report ("" if none); copied into buf. */
void sim_board_last_fault(sim_board *b, char *buf, size_t len);

/* Host side of the serial line. */
/* Format the host's UART uses; bytes only get through if the device's rate is within 2.5%. */
void sim_host_set_format(sim_board *b, uint32_t baud, bool parity_even);
void sim_host_write(sim_board *b, const uint8_t *data, size_t len);
/* Where the host's rate can change without sim_host_set_format (a pseudo-terminal's termios):
 * rate(user) gives it (0: unknown), asked by sim_host_read as it takes what has arrived, so a
 * byte is judged at the rate the host has when it arrives. It must not call back into the
 * board. NULL removes the source. */
void sim_host_rate_source(sim_board *b, uint32_t (*rate)(void *user), void *user);
/* Read up to len bytes the device sent; waits up to timeout_ms for the first. Returns count. */
size_t sim_host_read(sim_board *b, uint8_t *data, size_t len, int timeout_ms);
/* Drop whatever the device sent and the host has not read. */
void sim_host_flush(sim_board *b);

/* Memory as the chip holds it (flash, option bytes, system memory, RAM); 0 on success,
 * -1 if the range is not backed by memory. Direct access for tests: no protection applies. */
int sim_board_peek(sim_board *b, uint32_t addr, void *buf, size_t len);
int sim_board_poke(sim_board *b, uint32_t addr, const void *buf, size_t len);

/* Option bytes (F1 layout: RDP, USER, DATA0, DATA1, WRP0..3 with complements). */
bool sim_board_readout_protected(sim_board *b);
uint32_t sim_board_write_protection(sim_board *b); /* WRP bits as in FLASH_WRPR: 0 = protected */

/* Counters that tests use to check what happened on the device. */
typedef struct sim_stats {
    uint64_t bytes_to_device, bytes_to_host;
    uint64_t pages_erased, mass_erases, halfwords_programmed;
    uint64_t program_errors, protection_errors;
} sim_stats;
void sim_board_stats(sim_board *b, sim_stats *out);

/* A pseudo-terminal endpoint: programs open the slave path like a serial port. The rate the
 * host sets with tcsetattr paces the line; Linux ptys drop PARENB, so the format is taken to
 * be 8E1 (the bootloader's). The slave is held open and raw, so the board keeps running
 * between host sessions and nothing it prints is echoed back. */
typedef struct sim_pty sim_pty;
sim_pty *sim_pty_open(sim_board *b, char **err);
const char *sim_pty_path(const sim_pty *p);
void sim_pty_close(sim_pty *p);

/* An RFC 2217 (Telnet Com Port Control) endpoint on 127.0.0.1:port (0: any free port): the
 * host's rate, parity, DTR, RTS and BREAK arrive with the bytes, so the board's wiring of NRST
 * and BOOT0 (sim_options.wiring) can be driven from the host. One client at a time; when it
 * leaves, its lines are released (a closed tty drops DTR and RTS). */
typedef struct sim_rfc2217 sim_rfc2217;
sim_rfc2217 *sim_rfc2217_open(sim_board *b, int port, char **err);
int sim_rfc2217_port(const sim_rfc2217 *r);
void sim_rfc2217_close(sim_rfc2217 *r);

#ifdef __cplusplus
}
#endif
#endif
