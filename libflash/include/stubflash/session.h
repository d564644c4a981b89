/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stubflash/session.h - a connection to one board's ROM bootloader and what can be done with
 * it: identify, erase, write, verify, read, go, protection. One session per board; sessions
 * share nothing, so boards can be flashed from several threads. Calls on one session are
 * serialised (a call from another thread waits for the one running); sf_session_cancel may be
 * called from any thread at any time.
 *
 * Callbacks (progress, log, unit, backup) are called on the thread running the operation,
 * while it holds the session. From a callback you may call, on the same session, the setters
 * (sf_session_set_*), sf_session_cancel and sf_session_last_error; any other sf_session_*
 * call on that session returns SF_ERR_STATE at once and changes nothing (it would run in the
 * middle of the operation that called back). Other sessions may be used freely. */
#ifndef STUBFLASH_SESSION_H
#define STUBFLASH_SESSION_H

#include "common.h"
#include "device.h"
#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sf_session sf_session;

typedef enum sf_phase {
    SF_PHASE_CONNECT,
    SF_PHASE_ERASE,
    SF_PHASE_WRITE,
    SF_PHASE_VERIFY,
    SF_PHASE_READ,
} sf_phase;

typedef enum sf_log_level { SF_LOG_ERROR, SF_LOG_WARNING, SF_LOG_INFO, SF_LOG_DEBUG } sf_log_level;

/** Progress: done of total bytes (or erase units in SF_PHASE_ERASE) in a phase. Called from the
 * thread running the operation. */
typedef void (*sf_progress_fn)(sf_phase phase, uint64_t done, uint64_t total, void *user);
typedef void (*sf_log_fn)(sf_log_level level, const char *message, void *user);

/** What a write does to each erase unit (page or sector) it touches, in the order it happens:
 * PLANNED for every unit of the plan first, then UNCHANGED (already holds the image: skipped)
 * or ERASED, WRITING, WRITTEN, then VERIFIED; FAILED where an error stopped the write. */
typedef enum sf_unit_state {
    SF_UNIT_PLANNED,
    SF_UNIT_UNCHANGED,
    SF_UNIT_ERASED,
    SF_UNIT_WRITING,
    SF_UNIT_WRITTEN,
    SF_UNIT_VERIFIED,
    SF_UNIT_FAILED,
} sf_unit_state;

/** A unit changed state: index in the chip's unit order (sf_device_unit_of), its start and
 * size. Called from the thread running the operation. */
typedef void (*sf_unit_fn)(uint32_t index, uint32_t start, uint32_t size, sf_unit_state state, void *user);

/** Readout/write protection as the bootloader shows it. */
typedef struct sf_protection {
    bool readout;          /**< RDP active: Read/Write/Erase/Go refused */
    bool known_wrp;        /**< wrp is valid (option bytes could be read) */
    uint32_t wrp;          /**< F1 layout: bit n = 0 protects unit group n */
} sf_protection;

/** What the session learned about the chip on open. The caller allocates it, so it is
 * versioned: initialise with SF_CHIP_INIT (version first); sf_session_chip fills in what that
 * version has, and a later version only adds members at the end. */
typedef struct sf_chip {
    unsigned version;          /**< SF_CHIP_VERSION when the caller was built */
    uint16_t pid;
    const sf_device *device;   /**< NULL if the PID is not in the table */
    uint8_t bootloader_version;/**< 0x22 = 2.2 */
    uint8_t commands[32];      /**< what Get listed; sf_session_chip asks the ROM for it if
                                * identification did without (a session a stub was to serve):
                                * while the stub serves, command_count is 0 */
    uint8_t command_count;
    uint32_t flash_size;       /**< from F_SIZE where readable, else the table's */
    sf_protection protection;
    bool stub_running;         /**< the RAM stub serves the session (loaded by it or found running) */
} sf_chip;

/** The version of sf_chip these headers declare. @since 0.2 */
#define SF_CHIP_VERSION 1
/** `sf_chip chip = SF_CHIP_INIT;` @since 0.2 */
#define SF_CHIP_INIT {.version = SF_CHIP_VERSION}

/** Create a session (not connected). Defaults: 115200 baud, 5 attempts per block, verify on.
 * @since 0.1 */
SF_API sf_error sf_session_new(sf_session **out);
/** Close the port if open and free. NULL is ignored. @since 0.1 */
SF_API void sf_session_free(sf_session *s);

/** Report progress to fn (NULL: none); user is passed back. @since 0.1 */
SF_API void sf_session_set_progress(sf_session *s, sf_progress_fn fn, void *user);
/** Send the session's log lines to fn (NULL: none); user is passed back. @since 0.1 */
SF_API void sf_session_set_log(sf_session *s, sf_log_fn fn, void *user);
/** Follow sf_session_write_image unit by unit (sf_unit_fn), e.g. to draw a map of the flash.
 * NULL stops it. @since 0.1 */
SF_API void sf_session_set_unit_callback(sf_session *s, sf_unit_fn fn, void *user);
/** Bootloader baud rate used by sf_session_open (1200..115200 per AN3155; more if the bridge
 * and chip allow it). @since 0.1 */
SF_API sf_error sf_session_set_baud(sf_session *s, uint32_t baud);
/** Attempts per block on a NACK or timeout (1..10). @since 0.1 */
SF_API sf_error sf_session_set_retries(sf_session *s, unsigned retries);

/** sf_session_set_stub's baud: the fastest rate up to 3 000 000 that the chip's USART makes and
 * the link carries. The stub starts at the rate the port's USB adapter last worked at
 * (sf_session_set_rate_memory), or at 921600; then faster rates are probed from the fastest
 * down, each with a CRC-checked echo, and what worked is remembered for the next run. */
#define SF_STUB_BAUD_AUTO UINT32_MAX
/** Whether sf_session_write_image loads the RAM stub (default yes, where the device table has a
 * stub driver for the family) and the rate it switches to: SF_STUB_BAUD_AUTO, 0 to keep the
 * bootloader's rate (radio links), or a rate. The stub programs only pages whose CRC differs,
 * sends the rest compressed and verifies by CRC on the chip; if it cannot run, writing falls
 * back to the ROM bootloader with a warning. Once running, the stub also serves read, verify,
 * erase, go and reset; commands only the ROM has (protection, mass erase) reset the chip first.
 * @since 0.1 */
SF_API sf_error sf_session_set_stub(sf_session *s, bool enable, uint32_t baud);

/** Where the stub's rates are remembered per USB adapter (its vendor and product IDs and serial
 * number): a text file shared by every program that uses the library (a line per adapter,
 * written under a lock). With SF_STUB_BAUD_AUTO the next run through the same adapter starts the
 * stub at the fastest rate that worked, skipping those that came out garbled (an adapter that
 * can only divide its clock makes some rates more than 2.5% off). The file also keeps the product
 * ID of the chip last identified through each adapter: the bootloader's answers carry no
 * checksum, so an identification asks Get ID twice, unless the first answer is that ID (with
 * any rate setting, the stub's or the bootloader's). NULL (the default):
 * $XDG_CACHE_HOME/stubflash/rates, else ~/.cache/stubflash/rates; "": remember nothing.
 * Ports not behind a USB adapter (pseudo-terminals, TCP) are never remembered. A file that
 * cannot be written costs a warning in the log, not the write. @since 0.2 */
SF_API sf_error sf_session_set_rate_memory(sf_session *s, const char *path);

/** The USART the chip's ROM bootloader answers on (1, 2 or 3), so that the stub talks on the
 * same: a Nucleo board's ST-LINK port is usually wired to USART2, a bare chip's header to
 * USART1. 0 (the default) takes the first USART the device table lists for the chip's
 * bootloader (USART1 on most parts; USART2 on the L011/L021). The ROM cannot say which one
 * it was (its Read Memory does not reach peripheral registers), and a stub on the wrong one
 * hears nothing until the chip is reset: the write then fails with a sentence that names
 * this setting. sf_session_write_image refuses a USART the chip's bootloader does not listen
 * on, before anything is erased. SF_ERR_ARG above 3. @since 0.2 */
SF_API sf_error sf_session_set_usart(sf_session *s, unsigned usart);

/** Control-line sequences for boards whose DTR/RTS (or BREAK) reach NRST and BOOT0: before
 * runs when sf_session_open has opened the port, before the first sync (to reset the chip into
 * its bootloader); after runs in sf_session_close, after everything else (to start the
 * application). Each is NULL or "none" (nothing), a preset, or steps separated by commas:
 * "dtr" / "-dtr" assert / release DTR, likewise "rts" and "brk" (BREAK, TX held low), and a
 * number waits that many milliseconds (up to 10000). Presets, named after the wiring:
 *  - "dtr-reset-rts-boot0": asserted DTR holds NRST low, asserted RTS holds BOOT0 high;
 *    before = "-dtr,rts,dtr,100,-dtr,20", after = "-rts,dtr,100,-dtr";
 *  - "rts-reset-dtr-boot0": the same with the lines swapped.
 * SF_ERR_ARG, with the step that is wrong, if a sequence does not parse. @since 0.1 */
SF_API sf_error sf_session_set_entry(sf_session *s, const char *before, const char *after);

/** App-side entry, for boards whose application carries appentry/stubflash_enter.c: when
 * sf_session_open finds neither a bootloader nor a stub answering (a short sync first), it
 * sends trigger (1..64 bytes) at baud, 8N1, as the application's UART expects; the application
 * then resets the chip into its bootloader and the session goes on at the bootloader's rate.
 * len 0 turns it off. SF_ERR_ARG for a trigger too long or a rate out of 1200..4000000.
 * @since 0.1 */
SF_API sf_error sf_session_set_trigger(sf_session *s, const uint8_t *trigger, size_t len, uint32_t baud);

/** Open the port, synchronise with the bootloader (also when it is already synchronised),
 * read the chip's identity, bootloader version, flash size and protection. A stub left running
 * by an earlier session (at this rate or the stub rate) is found and used instead. @since 0.1 */
SF_API sf_error sf_session_open(sf_session *s, const char *port_name);
/** Close the port. A stub the session used hands the chip back to the bootloader first, so the
 * board is left as a ROM-only tool (stm32flash) expects it. @since 0.1 */
SF_API void sf_session_close(sf_session *s);
/** What sf_session_open learned, into out as its out->version has it (initialise out with
 * SF_CHIP_INIT). SF_ERR_ARG for a version this library does not know (a program built with
 * newer headers), SF_ERR_STATE if not open. @since 0.1 */
SF_API sf_error sf_session_chip(sf_session *s, sf_chip *out);

/** Check an image against the chip without touching it: inside flash, alignment, write
 * protection, readout protection. The write functions run the same checks first. @since 0.1 */
SF_API sf_error sf_session_check_image(sf_session *s, const sf_image *img);

/** Whether the image looks like firmware this chip can run, before it is written: for what
 * lands at the boot address (and for an image elsewhere that starts with one), a vector table
 * whose stack pointer lies in the chip's RAM (word-aligned, at most its top), whose reset
 * vector is odd (Thumb) and inside the image, and whose other system vectors are 0 or Thumb
 * addresses in flash or RAM; an image at another address must start with its own vector table
 * pointing into itself. data true (a calibration block, a file system) skips these checks.
 * SF_ERR_FILE with a sentence that says what was found; SF_ERR_DEVICE for an unknown chip.
 * sf_job_write runs it unless told SF_JOB_FORCE or SF_JOB_DATA; sf_session_write_image does
 * not (it writes bytes, whatever they are). @since 0.2 */
SF_API sf_error sf_session_check_firmware(sf_session *s, const sf_image *img, bool data);

/** Flags for sf_session_write_image. */
enum {
    SF_WRITE_VERIFY = 1 << 0,   /**< read back and compare (the ROM has no checksum on F1) */
    SF_WRITE_NO_ERASE = 1 << 1, /**< the caller erased already */
};
/** A backup of what a write replaces. Before sf_session_write_image erases anything it calls
 * the function once for every erase unit the image touches, in address order, with the bytes
 * the unit holds now (changes: whether the write will change them), then once with old NULL
 * to commit. A non-zero return stops the write with SF_ERR_BACKUP, nothing erased. Units
 * are read through the stub (CRC-checked) or the ROM (each block read until two reads agree);
 * units the stub finds unchanged are not read. */
typedef int (*sf_backup_fn)(uint32_t addr, const uint8_t *old, size_t len, bool changes, void *user);
/** Set (or with NULL clear) the backup function of sf_session_write_image. @since 0.1 */
SF_API void sf_session_set_backup(sf_session *s, sf_backup_fn fn, void *user);
/** Erase the erase units the image touches (only those), write it, and verify if asked.
 * Bytes of a touched unit that the image does not cover are preserved (read first, written
 * back). Nothing is erased before every check passed. @since 0.1 */
SF_API sf_error sf_session_write_image(sf_session *s, const sf_image *img, unsigned flags);
/** Compare the chip's flash with the image. SF_ERR_VERIFY names the first differing address.
 * @since 0.1 */
SF_API sf_error sf_session_verify_image(sf_session *s, const sf_image *img);
/** Read memory (flash, RAM, system memory, option bytes). @since 0.1 */
SF_API sf_error sf_session_read(sf_session *s, uint32_t addr, uint8_t *buf, size_t len);
/** Erase the units covering [addr, addr+len). @since 0.1 */
SF_API sf_error sf_session_erase_range(sf_session *s, uint32_t addr, uint32_t len);
/** Erase the whole flash. @since 0.1 */
SF_API sf_error sf_session_mass_erase(sf_session *s);
/** sf_session_go's address: where the chip boots from with BOOT0 low (its flash base). */
#define SF_GO_BOOT_ADDRESS UINT32_MAX
/** Start code: the bootloader loads SP from addr and PC from addr+4 (SF_GO_BOOT_ADDRESS: the
 * chip's boot address). The session is closed afterwards (the bootloader no longer answers).
 * @since 0.1 */
SF_API sf_error sf_session_go(sf_session *s, uint32_t addr);
/** Where the connected chip boots from with BOOT0 low, the default of sf_session_go and of a
 * job's start: its flash base (0x08000000 if the chip is unknown). @since 0.2 */
SF_API sf_error sf_session_boot_address(sf_session *s, uint32_t *addr);
/** Reset the chip by running a few instructions from RAM that request a system reset; the
 * bootloader runs again if BOOT0 is high. The session stays open and re-synchronises. @since 0.1 */
SF_API sf_error sf_session_reset(sf_session *s);

/** Write-protect the given unit groups (F1: WRP bit numbers). The chip resets. Group numbers
 * above 255 need sf_session_write_protect_units(). @since 0.1 */
SF_API sf_error sf_session_write_protect(sf_session *s, const uint8_t *groups, size_t count);
/** Write-protect the given units, numbered as sf_session_protected_units() numbers them: the
 * chip's WRP bits (F0/F1/F3: page groups; F2/F4/F7: sectors) where the ROM's Write Protect sets
 * them (0..255), else its pages or sectors in address order, bank 2's after bank 1's, for the
 * families whose protection lives in option-byte fields (L0/L1 WRPROT bits, WRP areas on
 * G0/G4/L4/L4+/L5/U5/WB/WL/C0, WPSN on H7): the L476's 512 pages, say, are 0..511. Nothing is
 * changed when a unit cannot be protected (SF_ERR_ARG, saying which and why). The chip resets
 * and is read again. @since 0.2 */
SF_API sf_error sf_session_write_protect_units(sf_session *s, const uint32_t *units, size_t count);
/** Remove all write protection. The chip resets. @since 0.1 */
SF_API sf_error sf_session_write_unprotect(sf_session *s);
/** Enable readout protection (level 1). The chip resets; flash can then only be erased.
 * @since 0.1 */
SF_API sf_error sf_session_readout_protect(sf_session *s);
/** Readout protection at a level: 1 as sf_session_readout_protect; 2 locks the chip for good
 * (no bootloader, no debugger, ever). SF_ERR_UNSUPPORTED where the family has no level 2 (F1)
 * and, in this version, on every family: nothing is changed then. @since 0.1 */
SF_API sf_error sf_session_readout_protect_level(sf_session *s, unsigned level);
/** Remove readout protection: the chip MASS-ERASES its flash, then resets. SF_ERR_STATE, with
 * nothing changed, if the session found protection off (the ROM would erase all the same).
 * @since 0.1 */
SF_API sf_error sf_session_readout_unprotect(sf_session *s);

/** Ask a running operation to stop at the next block; it returns SF_ERR_CANCELLED. Safe
 * from any thread; cleared by the next operation. @since 0.1 */
SF_API void sf_session_cancel(sf_session *s);
/** The sentence describing the last error on this session ("" if none). Valid until the next
 * call on the session. @since 0.1 */
SF_API const char *sf_session_last_error(sf_session *s);

#ifdef __cplusplus
}
#endif
#endif
