/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* session_internal.h - the session's state and what the layers under the public session
 * functions share: events (events.c), the chip's identity (connect.c), the checks before
 * anything is erased (checks.c), the backup callback (session_backup.c) and the two backends
 * (backend.h). Internal. */
#ifndef SF_SESSION_INTERNAL_H
#define SF_SESSION_INTERNAL_H

#include "an3155.h"
#include "backend.h"
#include "entry.h"
#include "plan.h"
#include "sf_internal.h"
#include "stub_client.h"

#include <pthread.h>
#include <stdatomic.h>

struct sf_session {
    /* Held by every public call for its whole run (callbacks are called under it). Recursive,
     * so a callback may call the session's setters; an operation called from a callback on the
     * session it reports for is refused (SF_ERR_STATE), not deadlocked. */
    pthread_mutex_t lock;
    pthread_t owner;           /* the thread running an operation, valid while busy */
    bool busy;
    atomic_bool cancel;
    char err[640];
    sf_errbuf eb;
    sf_progress_fn progress;
    void *progress_user;
    sf_log_fn log;
    void *log_user;
    sf_unit_fn unit;
    void *unit_user;
    sf_backup_fn backup;
    void *backup_user;
    bool known_changed;        /* a write changed known (sf_session_note_written) */
    sf_image *known;           /* what the flash held after the last write there, if the caller
                                * keeps it (the job's per-chip cache; sf_session_set_known_dir),
                                * loaded from known_dir the first time it is needed */
    char known_dir[1024];      /* "": no cache */
    bool known_tried;          /* known_dir was read (known may still be NULL: out of memory) */
    uint32_t baud;
    uint32_t rom_baud;         /* the rate the ROM listens at now: baud, unless it was found
                                * synchronised at another (see connect_where_left) */
    unsigned retries;
    bool stub_enabled;
    bool stub_declined;        /* the stub cannot run on this chip (said once; sf_session_connect
                                * clears it) */
    struct state_read {        /* chip state read once through the ROM, not yet read again */
        uint32_t addr;
        uint8_t n, bytes[16];
    } unconfirmed[2];
    size_t nunconfirmed;
    bool state_reread;         /* the second reading differed: the state was read anew */
    bool state_pending;        /* not read yet: left for the stub (sf_session_settle_chip_state) */
    uint8_t uid[12];           /* the chip's unique ID, if the stub read it with the state (a */
    bool uid_known;            /* CRC-checked read; sf_session_connect forgets it) */
    unsigned defer_confirm;    /* a write job is under way: its stub confirms the state */
    uint32_t stub_baud;
    char *rate_memory;         /* the rates per adapter's file (sf_session_set_rate_memory): NULL
                                * the default one, "" none */
    unsigned usart;            /* the USART the ROM answers on, for the stub; 0: the part's first */
    sf_port *port;
    an_link link;
    const sf_backend *backend; /* who carries out operations: the ROM, or the RAM stub */
    sc_link *stub;             /* the stub backend's link, set while the stub serves the session */
    bool open;
    sf_chip chip;
    entry_seq before, after;   /* control-line sequences (sf_session_set_entry) */
    uint8_t trigger[64];       /* app-side entry (sf_session_set_trigger) */
    size_t trigger_len;
    uint32_t trigger_baud;
};

/* connect.c: the chip state (option bytes, flash size) is read once through the ROM when a
 * stub is going to serve the session, and read again before it is relied on: by the stub, CRC-
 * checked, as it starts, or through the ROM by the next operation. If the two readings differ
 * (a noisy line) it is read again as through the ROM alone (two reads that agree) and
 * state_reread is set. */
sf_error sf_session_confirm_chip_state(sf_session *s);
/* Where the stub's layout does not depend on the chip state, connecting leaves it unread
 * (state_pending) for a write job's stub, which reads it at its rate as it starts; anything
 * else that relies on it reads it first, as above. This reads it now through whoever serves
 * the session (a no-op when it is read already). */
sf_error sf_session_settle_chip_state(sf_session *s);
/* The ROM's command list into the chip's (empty until Get was read: see sf_chip). */
void sf_session_copy_command_list(sf_session *s);

/* session.c: a public operation's start (lock, clear the error, must be open; on failure
 * the lock is released) and end (unlock, the error logged), and the ROM made to listen. */
sf_error sf_session_begin_op(sf_session *s);
sf_error sf_session_end_op(sf_session *s, sf_error e);
sf_error sf_session_need_rom(sf_session *s);

/* bank_swap.c: SF_ERR_UNSUPPORTED, before anything is erased, on a chip whose banks are swapped
 * where an erase names a physical bank (G0B/C, L5, U5): the bank that boots could be the one erased. */
sf_error sf_session_refuse_if_banks_swapped(sf_session *s);
/* options.c: sf_session_options_read inside an operation (which holds the session already). */
sf_error sf_session_options_read_in_op(sf_session *s, sf_options **out);

/* write_protection.c: units protected by the option bytes of families other than F0/F1/F3
 * (refused before anything is erased), and protection set or removed through the option area
 * where the ROM's commands do not serve (L0/L1 WRPROT bits, L4/G0/G4/WB WRP areas, H7 WRPSN1). */
sf_error sf_session_check_units_protection(sf_session *s, const uint32_t *units, size_t n);
bool sf_session_wrp_by_options(sf_session *s);
/* The whole flash erased, within an operation (sf_session_begin_op). */
sf_error sf_session_mass_erase_in_op(sf_session *s);
sf_error sf_session_wrp_change(sf_session *s, const uint32_t *groups, size_t n, bool clear);

/* events.c: the callbacks, in one place for both backends. */
void sf_session_log(sf_session *s, sf_log_level lvl, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void sf_session_progress(sf_session *s, sf_phase ph, uint64_t done, uint64_t total);
/* Tell the unit callback that a plan unit changed state. */
void sf_session_unit(sf_session *s, const sf_plan_unit *u, sf_unit_state state);
bool sf_session_cancelled(sf_session *s);

/* What the session knows of the chip, whatever the caller's sf_chip version (for the layers
 * above the session). */
sf_error sf_session_chip_now(sf_session *s, sf_chip *out);
/* sf_session_check_firmware's finding into why, without touching the session's error (a
 * forced write only warns). */
sf_error sf_session_firmware_doubt(sf_session *s, const sf_image *img, bool data, char *why, size_t cap);
/* sf_session_read without progress events (the job's own reads: the chip's unique ID). */
sf_error sf_session_read_quietly(sf_session *s, uint32_t addr, uint8_t *buf, size_t len);
/* The chip's 12-byte unique ID at addr: as the stub read it with the state, or read now. */
sf_error sf_session_uid(sf_session *s, uint32_t addr, uint8_t uid[12]);
/* For a write job: the chip state left for the stub (state_pending), read by loading the stub
 * now, or through the ROM where it cannot run. SF_OK at once if it is read already. */
sf_error sf_session_read_state_by_stub(sf_session *s);
/* The backend a write goes through made ready (the stub loaded, where it can run) ahead of the
 * write: what is read before it (the chip's unique ID for the backup folder) then crosses as
 * one CRC-checked read at the stub's rate, not as two ROM reads that must agree. */
sf_error sf_session_prepare_write(sf_session *s);

/* For the layers above the session (the job, backups): the session's error sentence and its
 * log, under its lock. sf_session_set_error returns code. */
sf_error sf_session_set_error(sf_session *s, sf_error code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void sf_session_say(sf_session *s, sf_log_level lvl, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* empty_check.c: whether the plan writes the first flash word of a line with an empty check,
 * and clearing its note (through the ROM, which resets the chip; the session follows). */
bool sf_session_needs_empty_note_cleared(const sf_session *s, const sf_plan *plan);
sf_error sf_session_clear_empty_note(sf_session *s);

/* connect.c */
/* Synchronise with whatever listens (ROM or a stub a dead host left) and learn the chip. */
sf_error sf_session_connect(sf_session *s, unsigned sync_ms);
/* The ROM after a reset: wait for it and read the chip again. */
sf_error sf_session_after_reset(sf_session *s);
/* sf_session_open's search: the ROM, a stub left running, a ROM at the stub's rate. */
sf_error sf_session_find_chip(sf_session *s);
/* Send the app-side trigger if nothing answers a short sync. */
sf_error sf_session_send_trigger(sf_session *s);
/* Protection and F_SIZE into s->chip, read through the current backend. */
sf_error sf_session_read_chip_state(sf_session *s);

/* checks.c: everything checked before anything is erased. */
sf_error sf_session_need_device(sf_session *s);
sf_error sf_session_refuse_if_readout_protected(sf_session *s);
sf_error sf_session_check_units_writable(sf_session *s, const uint32_t *units, size_t n);
/* The plan of an image, every check passed (else nothing is built). */
sf_error sf_session_check_plan(sf_session *s, const sf_image *img, sf_plan *plan);

/* session_backup.c: hand the plan's units as the chip holds them to the backup function, if
 * one is set; changed says which units the write changes; crcs, if not NULL, are the units'
 * CRC32s as the chip holds them (an erased one is not read). */
sf_error sf_session_backup(sf_session *s, const sf_plan *plan, const bool *changed, const uint32_t *crcs);
/* What the flash is known to hold is kept in dir (backup_store.c; NULL or "": nowhere): the
 * backup takes a unit from there instead of reading it when the unit's CRC on the chip matches,
 * and a write that changes the flash stores the plan's units in it. It is read only when a
 * write changes something (an unchanged image costs no file read). */
void sf_session_set_known_dir(sf_session *s, const char *dir);
/* The picture as the session left it (NULL if it was never read), which the caller now owns
 * and may save (backup_store.c) when *changed; the session keeps none afterwards. */
sf_image *sf_session_take_known(sf_session *s, bool *changed);
/* After a write: every unit of the plan holds its data now; changed says which units the write
 * changed (none: the picture is left as it is). */
void sf_session_note_written(sf_session *s, const sf_plan *plan, const bool *changed);

/* stub_boot.c: the stub's life: loaded through the ROM, found running, left. Each switches
 * s->backend. */
/* stub_rates.c: the rates a stub may listen at, most likely first: the one set (maybe 0:
 * callers skip it) or the one this adapter last worked at, then the automatic choices, each
 * once. Returns the count. */
#define SF_STUB_RATES_MAX 9
size_t sf_stub_rates(sf_session *s, uint32_t out[SF_STUB_RATES_MAX]);
/* stub_rates.c: the rate the stub goes to while one starts (NULL if out of memory): made for
 * the stub's USART clock (0: not known yet), with what is remembered of the port's adapter. */
typedef struct sf_rate_plan sf_rate_plan;
sf_rate_plan *sf_rates_plan(sf_session *s, uint32_t clock);
/* The rate the first stage sends the stub at (0: none, the ROM's). */
uint32_t sf_rates_first_stage(const sf_session *s, const sf_rate_plan *p);
/* The rate the first stage is offered where rate failed: the fastest other candidate (0: none,
 * or the rate is not automatic). */
uint32_t sf_rates_first_stage_other(const sf_session *s, const sf_rate_plan *p, uint32_t rate);
/* rate came out garbled through this adapter. */
void sf_rates_failed(sf_rate_plan *p, uint32_t rate);
/* The stub runs (s->stub): take it to the rate set, or (automatic) probe the faster ones. */
sf_error sf_rates_switch(sf_session *s, sf_rate_plan *p);
/* Remember what was learnt (if anything) and free p. */
void sf_rates_done(sf_session *s, sf_rate_plan *p);
/* adapter_memory.c: the port's USB adapter's key (sf_port_usb_key) and the file adapters are
 * remembered in (malloc'd) into key and *path; false (and *path NULL) where the port has no
 * USB identity or nothing is to be remembered (sf_session_set_rate_memory). */
bool sf_adapter_memory(sf_session *s, char *key, size_t keylen, char **path);
/* adapter_memory.c: the product ID the chip behind the port's USB adapter gave when it was last
 * identified (0: not known, or the port has no USB identity, or nothing is remembered). */
uint16_t sf_adapter_pid(sf_session *s);
/* Remember pid, confirmed by two answers, as that of the chip behind the port's adapter. */
void sf_adapter_note_pid(sf_session *s, uint16_t pid);
/* Load and start the stub through the ROM, switch to the stub baud. SF_ERR_UNSUPPORTED (with the
 * reason in the session's error) when it cannot run and the ROM still answers. */
sf_error sf_stub_start(sf_session *s);
/* stub_first_stage.c: the first stage through the ROM, then the stub (fast: its image at
 * rate; other: at other_rate, offered where rate failed, NULL for none; slow: at the ROM's)
 * through it. SF_OK: *at is the rate the stub starts at, *sent the image it runs.
 * SF_ERR_UNSUPPORTED: the first stage cannot run here, the ROM still answers. Other errors:
 * the ROM is gone. */
/* stub_first_stage.c: a first stage a dead host left, in the middle of a transfer or waiting
 * for one at any rate it may be at, asked to reset the chip into the ROM. False if the port
 * did not take what was written (nobody reads it: nothing is there). */
bool sf_stub_reset_first_stage(sf_session *s);
sf_error sf_stub_load_first_stage(sf_session *s, const sc_layout *fast, uint32_t rate, const sc_layout *other,
                                  uint32_t other_rate, const sc_layout *slow, uint32_t *at, const sc_layout **sent);
/* The stub answered the sync byte (an_sync took the SOF): take over, fill s->chip. */
sf_error sf_stub_adopt(sf_session *s);
/* No answer to the sync byte: is a stub listening at the user's or the stub rate? */
bool sf_stub_find(sf_session *s);
/* Leave the stub: a reset (then the ROM, if BOOT0 is high). */
void sf_stub_forget(sf_session *s);
/* Leave the chip as a session found it: the stub jumps back into the bootloader (which then
 * waits for a sync byte, as after a reset with BOOT0 high). */
void sf_stub_release(sf_session *s);
/* Stop using the stub without telling it (it keeps running, to be found again). */
void sf_stub_forget_quietly(sf_session *s);

#endif
