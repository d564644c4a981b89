/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* an3155.c - see an3155.h. Byte sequences from AN3155 Rev 20 section 3. */
#include "an3155.h"

#include <string.h>
#include <time.h>

#define ACK_MS 1000      /* command and address phases: the ROM answers in well under 1 ms */
#define WRITE_ACK_MS 2000 /* 256 bytes programmed: 7 ms on F1, up to ~1 s on slow parts */

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static bool cancelled(an_link *l) { return l->cancel && atomic_load(l->cancel); }

static sf_error send(an_link *l, const uint8_t *d, size_t n) { return sf_port_write_eb(l->port, d, n, l->eb); }

/* One answer byte: ACK -> OK, NACK -> SF_ERR_NACK, silence -> SF_ERR_TIMEOUT. */
static sf_error answer(an_link *l, unsigned ms, const char *what)
{
    uint8_t b;
    sf_error e = sf_port_read_eb(l->port, &b, 1, NULL, ms, l->eb);
    if (e == SF_ERR_TIMEOUT)
        return sf_fail(l->eb, e, "%s: no answer from the bootloader within %u ms", what, ms);
    if (e != SF_OK)
        return e;
    if (b == AN_ACK)
        return SF_OK;
    if (b == AN_NACK)
        return sf_fail(l->eb, SF_ERR_NACK, "%s: the bootloader answered NACK", what);
    return sf_fail(l->eb, SF_ERR_PROTOCOL, "%s: expected ACK (0x79) or NACK (0x1F), got 0x%02X", what, b);
}

/* The link's slowest answer so far (the ROM itself answers at once). */
static void note_answer_time(an_link *l, uint64_t since)
{
    uint64_t ms = sf_now_ms() - since;
    if (ms > l->slowest_ms)
        l->slowest_ms = ms > ACK_MS ? ACK_MS : (unsigned)ms;
}

static sf_error command(an_link *l, uint8_t cmd, const char *what)
{
    uint8_t c[2] = {cmd, (uint8_t)~cmd};
    uint64_t t0 = sf_now_ms();
    sf_error e = send(l, c, 2);
    if (e == SF_OK && (e = answer(l, ACK_MS, what)) != SF_ERR_TIMEOUT)
        note_answer_time(l, t0);
    return e;
}

static sf_error address(an_link *l, uint32_t a, const char *what)
{
    uint8_t b[5] = {(uint8_t)(a >> 24), (uint8_t)(a >> 16), (uint8_t)(a >> 8), (uint8_t)a, 0};
    b[4] = b[0] ^ b[1] ^ b[2] ^ b[3];
    sf_error e = send(l, b, 5);
    return e ? e : answer(l, ACK_MS, what);
}

/* Reads and drops bytes until none has come for quiet_ms, or for at most three times ACK_MS
 * on a line that never goes quiet (noise, something else talking): the sync then goes on. */
static sf_error drain_quiet(an_link *l, unsigned quiet_ms)
{
    char why[160];
    sf_errbuf local = {why, sizeof why};
    for (uint64_t end = sf_now_ms() + 3 * ACK_MS; sf_now_ms() < end;) {
        if (cancelled(l))
            return sf_fail(l->eb, SF_ERR_CANCELLED, "cancelled");
        uint8_t b;
        sf_error e = sf_port_read_eb(l->port, &b, 1, NULL, quiet_ms, &local);
        if (e == SF_ERR_IO)
            return sf_fail(l->eb, e, "%s", why);
        if (e != SF_OK)
            break;
    }
    return SF_OK;
}

/* A careful sync (an_link.careful) never sends a second 0x7F before an answer to the first
 * could have come back: on a slow link (a radio modem, a TCP bridge) a late answer to the
 * first would otherwise be taken for the answer to the second, while the ROM holds the second
 * as the first byte of a command and every command after it is garbage. How long that is: four
 * times the slowest answer seen on this link, at most ACK_MS (the longest round trip with
 * which commands work at all), at least 50 ms. */
static unsigned careful_wait_ms(const an_link *l)
{
    unsigned ms = 4 * l->slowest_ms + 20;
    return ms < 50 ? 50 : ms > ACK_MS ? ACK_MS : ms;
}

sf_error an_sync(an_link *l, unsigned total_ms)
{
    unsigned patience = careful_wait_ms(l);
    if (l->careful) { /* late answers to what went before come first */
        sf_error e = drain_quiet(l, patience);
        if (e)
            return e;
        if (total_ms < 2 * patience + 100)
            total_ms = 2 * patience + 100; /* room for a ROM that holds the first 0x7F */
    }
    uint64_t deadline = sf_now_ms() + total_ms;
    unsigned wait = l->careful ? patience : 50;
    do {
        if (cancelled(l))
            return sf_fail(l->eb, SF_ERR_CANCELLED, "cancelled");
        sf_port_flush_input(l->port);
        uint8_t s = 0x7F;
        sf_error e = send(l, &s, 1);
        if (e != SF_OK)
            return e;
        uint64_t sent_at = sf_now_ms();
        uint8_t b;
        char why[160];
        sf_errbuf local = {why, sizeof why};
        e = sf_port_read_eb(l->port, &b, 1, NULL, wait, &local);
        if (e == SF_ERR_IO) /* the port went away: syncing again will not bring it back */
            return sf_fail(l->eb, e, "%s", why);
        if (e == SF_OK) {
            note_answer_time(l, sent_at);
            /* ACK: synchronised now. NACK: it already was and took 0x7F as a bad command. */
            if (b == AN_ACK || b == AN_NACK) {
                sf_port_flush_input(l->port);
                l->stub_greeting = false;
                l->fresh_sync = b == AN_ACK;
                return SF_OK;
            }
            /* Our RAM stub answers 0x7F with its greeting frame: leave the rest of it unread. */
            if (b == AN_STUB_SOF) {
                l->stub_greeting = true;
                return SF_OK;
            }
        }
        if (wait < 400)
            wait *= 2;
    } while (sf_now_ms() < deadline);
    return sf_fail(l->eb, SF_ERR_TIMEOUT,
                   "no answer to the bootloader's sync byte (0x7F) within %u ms. Is BOOT0 high and was the "
                   "board reset since (if DTR/RTS reach NRST/BOOT0: --before)? Is it the right port, and TX/RX crossed? Is the baud rate one the "
                   "adapter can do (try -b 57600)?", total_ms);
}

/* After a failed block: drop stray bytes, resynchronise, then the caller retries. A ROM that
 * ACKs the sync byte (rather than NACK it as a bad command) has just started: the chip reset
 * (power, watchdog, NRST) under the operation, and what it held in RAM and the flash operation
 * it was doing are gone. Going on would build on that (a stub half in scrambled RAM), so stop. */
static sf_error recover(an_link *l)
{
    l->recoveries++;
    l->careful = true;
    sleep_ms(20);
    sf_port_flush_input(l->port);
    sf_error e = an_sync(l, 2000);
    if (e == SF_OK && l->fresh_sync && !l->stub_greeting)
        return sf_fail(l->eb, SF_ERR_IO, "the chip reset during the operation (the bootloader started afresh: power, "
                       "watchdog or NRST)");
    return e;
}

sf_error an_get(an_link *l)
{
    sf_error e = command(l, AN_GET, "Get");
    uint8_t n, v;
    if (e || (e = sf_port_read_eb(l->port, &n, 1, NULL, ACK_MS, l->eb)) ||
        (e = sf_port_read_eb(l->port, &v, 1, NULL, ACK_MS, l->eb)))
        return e;
    if (n > sizeof l->cmds)
        return sf_fail(l->eb, SF_ERR_PROTOCOL, "Get: the bootloader lists %u commands, more than AN3155 has", n);
    if ((e = sf_port_read_eb(l->port, l->cmds, n, NULL, ACK_MS, l->eb)) || (e = answer(l, ACK_MS, "Get")))
        return e;
    l->ncmds = n;
    l->version = v;
    l->listed = true;
    return SF_OK;
}

/* The erase commands differ by version (0x43 before 3.0, 0x44 since, AN3155): which one this
 * ROM has comes from its list, read now if identification did without it. */
static sf_error need_list(an_link *l)
{
    return l->listed ? SF_OK : an_get(l);
}

bool an_has(const an_link *l, uint8_t cmd) { return memchr(l->cmds, cmd, l->ncmds) != NULL; }

sf_error an_get_version(an_link *l, uint8_t *version, uint8_t option[2])
{
    uint8_t b[3];
    sf_error e = command(l, AN_GET_VERSION, "Get Version");
    if (e || (e = sf_port_read_eb(l->port, b, 3, NULL, ACK_MS, l->eb)) || (e = answer(l, ACK_MS, "Get Version")))
        return e;
    *version = b[0];
    option[0] = b[1];
    option[1] = b[2];
    return SF_OK;
}

sf_error an_get_id(an_link *l, uint16_t *pid)
{
    uint8_t n, id[8];
    sf_error e = command(l, AN_GET_ID, "Get ID");
    if (e || (e = sf_port_read_eb(l->port, &n, 1, NULL, ACK_MS, l->eb)))
        return e;
    if (n + 1u > sizeof id)
        return sf_fail(l->eb, SF_ERR_PROTOCOL, "Get ID: %u bytes announced", n + 1u);
    if ((e = sf_port_read_eb(l->port, id, n + 1u, NULL, ACK_MS, l->eb)) || (e = answer(l, ACK_MS, "Get ID")))
        return e;
    *pid = (uint16_t)(id[0] << 8 | id[1]);
    return SF_OK;
}

static sf_error read_once(an_link *l, uint32_t addr, uint8_t *buf, size_t len)
{
    sf_error e = command(l, AN_READ, "Read Memory");
    if (e == SF_ERR_NACK)
        return sf_fail(l->eb, SF_ERR_PROTECTED, "Read Memory refused: readout protection is active");
    if (e || (e = address(l, addr, "Read Memory address")))
        return e;
    uint8_t n[2] = {(uint8_t)(len - 1), (uint8_t)~(len - 1)};
    if ((e = send(l, n, 2)) || (e = answer(l, ACK_MS, "Read Memory count")))
        return e;
    return sf_port_read_eb(l->port, buf, len, NULL, ACK_MS + (unsigned)len, l->eb);
}

sf_error an_read(an_link *l, uint32_t addr, uint8_t *buf, size_t len)
{
    if (len == 0 || len > 256)
        return sf_fail(l->eb, SF_ERR_ARG, "Read Memory: %zu bytes (1..256)", len);
    sf_error e = SF_OK;
    bool refused = true;
    for (unsigned t = 0; t < l->retries; t++) {
        if (cancelled(l))
            return sf_fail(l->eb, SF_ERR_CANCELLED, "cancelled");
        e = read_once(l, addr, buf, len);
        if (e == SF_OK || e == SF_ERR_IO)
            return e;
        refused &= e == SF_ERR_PROTECTED; /* protection, or noise that damaged the command */
        sf_error r = recover(l);
        if (r != SF_OK)
            return r;
    }
    if (refused)
        return e; /* every attempt: "Read Memory refused" */
    return sf_fail(l->eb, e, "reading %zu bytes at 0x%08X failed %u times: %s", len, addr, l->retries,
                   l->eb && l->eb->text ? l->eb->text : sf_strerror(e));
}

static sf_error write_once(an_link *l, uint32_t addr, const uint8_t *buf, size_t len)
{
    sf_error e = command(l, AN_WRITE, "Write Memory");
    if (e == SF_ERR_NACK)
        return sf_fail(l->eb, SF_ERR_PROTECTED, "Write Memory refused: readout protection is active");
    if (e || (e = address(l, addr, "Write Memory address")))
        return e;
    uint8_t blk[258];
    blk[0] = (uint8_t)(len - 1);
    uint8_t x = blk[0];
    for (size_t i = 0; i < len; i++) {
        blk[1 + i] = buf[i];
        x ^= buf[i];
    }
    blk[1 + len] = x;
    if ((e = send(l, blk, len + 2)))
        return e;
    return answer(l, WRITE_ACK_MS, "Write Memory data");
}

sf_error an_write(an_link *l, uint32_t addr, const uint8_t *buf, size_t len)
{
    if (len == 0 || len > 256 || (len & 3) || (addr & 3))
        return sf_fail(l->eb, SF_ERR_ARG, "Write Memory: %zu bytes at 0x%08X (1..256, multiple of 4, aligned)", len, addr);
    sf_error e = SF_OK;
    bool refused = true;
    for (unsigned t = 0; t < l->retries; t++) {
        if (cancelled(l))
            return sf_fail(l->eb, SF_ERR_CANCELLED, "cancelled");
        e = write_once(l, addr, buf, len);
        if (e == SF_OK || e == SF_ERR_IO)
            return e;
        refused &= e == SF_ERR_PROTECTED;
        sf_error r = recover(l);
        if (r != SF_OK)
            return r;
        /* The ROM checks a block before it programs it, so a failed attempt wrote all of it
         * (only the ACK was lost on the line) or nothing: look before writing again over it. */
        uint8_t now[256];
        if (read_once(l, addr, now, len) == SF_OK && memcmp(now, buf, len) == 0)
            return SF_OK;
    }
    if (refused)
        return e; /* every attempt: "Write Memory refused" */
    return sf_fail(l->eb, e, "writing %zu bytes at 0x%08X failed %u times (last: %s). The bytes there may "
                   "not be erased, or the line is noisy", len, addr, l->retries, sf_strerror(e));
}

sf_error an_erase_units(an_link *l, const uint32_t *units, size_t n, unsigned timeout_ms)
{
    sf_error le = need_list(l);
    if (le)
        return le;
    bool ext = an_has(l, AN_EXT_ERASE);
    if (!ext && !an_has(l, AN_ERASE))
        return sf_fail(l->eb, SF_ERR_UNSUPPORTED, "the bootloader lists neither Erase (0x43) nor Extended Erase (0x44)");
    size_t max = ext ? 512 : 256;
    while (n) {
        size_t k = n > max ? max : n;
        sf_error e = command(l, ext ? AN_EXT_ERASE : AN_ERASE, "Erase");
        if (e == SF_ERR_NACK)
            return sf_fail(l->eb, SF_ERR_PROTECTED, "Erase refused: readout protection is active");
        if (e)
            return e;
        uint8_t buf[2 + 2 * 512 + 1];
        size_t m = 0;
        if (ext) {
            buf[m++] = (uint8_t)((k - 1) >> 8);
            buf[m++] = (uint8_t)(k - 1);
            for (size_t i = 0; i < k; i++) {
                buf[m++] = (uint8_t)(units[i] >> 8);
                buf[m++] = (uint8_t)units[i];
            }
        } else {
            buf[m++] = (uint8_t)(k - 1);
            for (size_t i = 0; i < k; i++) {
                if (units[i] > 255)
                    return sf_fail(l->eb, SF_ERR_UNSUPPORTED, "Erase (0x43) takes page numbers up to 255, not %u", units[i]);
                buf[m++] = (uint8_t)units[i];
            }
        }
        uint8_t x = 0;
        for (size_t i = 0; i < m; i++)
            x ^= buf[i];
        buf[m++] = x;
        if ((e = send(l, buf, m)))
            return e;
        e = answer(l, timeout_ms, "Erase");
        if (e == SF_ERR_NACK)
            return sf_fail(l->eb, SF_ERR_NACK, "Erase of %zu unit(s) from %u refused: a unit may be write-protected", k, units[0]);
        if (e)
            return e;
        units += k;
        n -= k;
    }
    return SF_OK;
}

sf_error an_mass_erase(an_link *l, unsigned timeout_ms)
{
    sf_error e = need_list(l);
    if (e)
        return e;
    bool ext = an_has(l, AN_EXT_ERASE);
    e = command(l, ext ? AN_EXT_ERASE : AN_ERASE, "Erase");
    if (e == SF_ERR_NACK)
        return sf_fail(l->eb, SF_ERR_PROTECTED, "Erase refused: readout protection is active");
    if (e)
        return e;
    static const uint8_t glob[2] = {0xFF, 0x00}, ext_glob[3] = {0xFF, 0xFF, 0x00};
    if ((e = ext ? send(l, ext_glob, 3) : send(l, glob, 2)))
        return e;
    e = answer(l, timeout_ms, "Mass erase");
    if (e == SF_ERR_NACK)
        return sf_fail(l->eb, SF_ERR_NACK, "Mass erase refused: some flash is write-protected ('stubflash unprotect --write')");
    return e;
}

sf_error an_go(an_link *l, uint32_t addr)
{
    sf_error e = command(l, AN_GO, "Go");
    if (e == SF_ERR_NACK)
        return sf_fail(l->eb, SF_ERR_PROTECTED, "Go refused: readout protection is active");
    if (e)
        return e;
    e = address(l, addr, "Go address");
    if (e == SF_ERR_NACK)
        return sf_fail(l->eb, SF_ERR_NACK, "Go to 0x%08X refused: not in flash or in RAM the bootloader allows", addr);
    return e;
}

sf_error an_write_protect(an_link *l, const uint8_t *groups, size_t n)
{
    if (n == 0 || n > 256)
        return sf_fail(l->eb, SF_ERR_ARG, "write protect: %zu groups (1..256)", n);
    sf_error e = command(l, AN_WRITE_PROTECT, "Write Protect");
    if (e == SF_ERR_NACK)
        return sf_fail(l->eb, SF_ERR_PROTECTED, "Write Protect refused: readout protection is active");
    if (e)
        return e;
    uint8_t buf[258];
    buf[0] = (uint8_t)(n - 1);
    uint8_t x = buf[0];
    for (size_t i = 0; i < n; i++) {
        buf[1 + i] = groups[i];
        x ^= groups[i];
    }
    buf[1 + n] = x;
    if ((e = send(l, buf, n + 2)))
        return e;
    return answer(l, 5000, "Write Protect");
}

sf_error an_reset_command(an_link *l, uint8_t cmd, unsigned second_ack_ms)
{
    const char *what = cmd == AN_WRITE_UNPROTECT ? "Write Unprotect"
                     : cmd == AN_READOUT_PROTECT ? "Readout Protect"
                                                 : "Readout Unprotect";
    sf_error e = command(l, cmd, what);
    if (e == SF_ERR_NACK && cmd != AN_READOUT_UNPROTECT)
        return sf_fail(l->eb, SF_ERR_PROTECTED, "%s refused (readout protection active, or already protected)", what);
    if (e)
        return e;
    return answer(l, second_ack_ms, what);
}
