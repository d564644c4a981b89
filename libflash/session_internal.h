/* session_internal.h - the session's state, shared by session.c (the ROM path and the public
 * functions) and session_stub.c (the RAM stub path). Internal. */
#ifndef SF_SESSION_INTERNAL_H
#define SF_SESSION_INTERNAL_H

#include "an3155.h"
#include "entry.h"
#include "plan.h"
#include "sf_internal.h"
#include "stub_client.h"

#include <pthread.h>
#include <stdatomic.h>

struct sf_session {
    pthread_mutex_t lock;
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
    uint32_t baud;
    uint32_t rom_baud;         /* the rate the ROM listens at now: baud, unless it was found
                                * synchronised at another (see connect_where_left) */
    unsigned retries;
    bool stub_enabled;
    uint32_t stub_baud;
    sf_port *port;
    an_link link;
    sc_link *stub;             /* set while the RAM stub runs and serves the session */
    bool open;
    sf_chip chip;
    entry_seq before, after;   /* control-line sequences (sf_session_set_entry) */
    uint8_t trigger[64];       /* app-side entry (sf_session_set_trigger) */
    size_t trigger_len;
    uint32_t trigger_baud;
};

void sf_session_log(sf_session *s, sf_log_level lvl, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void sf_session_progress(sf_session *s, sf_phase ph, uint64_t done, uint64_t total);
/* Tell the unit callback that a plan unit changed state. */
void sf_session_unit(sf_session *s, const sf_plan_unit *u, sf_unit_state state);
/* Protection and F_SIZE into s->chip, read through the ROM or the running stub. */
sf_error sf_session_read_chip_state(sf_session *s);

/* Through the ROM: SF_OK if the chip holds expect at addr (n <= 256), SF_ERR_VERIFY if it shows
 * other bytes twice (AN3155 reads have no checksum: a difference once may be line noise). */
sf_error sf_session_verify_rom_block(sf_session *s, uint32_t addr, const uint8_t *expect, size_t n);

/* Hand the plan's units as the chip holds them to the backup function, if one is set; changed
 * says which units the write changes (NULL: not known, read every unit and compare); crcs, if
 * not NULL, are the units' CRC32s as the chip holds them (an erased one is not read). */
sf_error sf_session_backup(sf_session *s, const sf_plan *plan, const bool *changed, const uint32_t *crcs);

/* session_stub.c */
/* The rates a stub may listen at, most likely first: the one set (maybe 0 or
 * SF_STUB_BAUD_AUTO: callers skip those), then the automatic choices. Returns the count. */
#define SF_STUB_RATES_MAX 4
size_t sf_stub_rates(const sf_session *s, uint32_t out[SF_STUB_RATES_MAX]);
/* Load and start the stub through the ROM, switch to the stub baud. SF_ERR_UNSUPPORTED (with the
 * reason in the session's error) when it cannot run and the ROM still answers. */
sf_error sf_stub_start(sf_session *s);
/* The stub answered the sync byte (an_sync took the SOF): take over, fill s->chip. */
sf_error sf_stub_adopt(sf_session *s);
/* No answer to the sync byte: is a stub listening at the user's or the stub rate? */
bool sf_stub_find(sf_session *s);
/* Write the plan's units: per-unit CRCs first, then only the units that differ, compressed. */
sf_error sf_stub_write_plan(sf_session *s, const sf_plan *plan, unsigned flags);
/* Compare the chip with the image by CRC32 (reads a differing segment to name the address). */
sf_error sf_stub_verify_image(sf_session *s, const sf_image *img);
/* Leave the stub: a reset (then the ROM, if BOOT0 is high). */
void sf_stub_forget(sf_session *s);
/* Leave the chip as a session found it: the stub jumps back into the bootloader (which then
 * waits for a sync byte, as after a reset with BOOT0 high). */
void sf_stub_release(sf_session *s);
/* Stop using the stub without telling it (it keeps running, to be found again). */
void sf_stub_forget_quietly(sf_session *s);

#endif
