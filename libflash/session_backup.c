/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* session_backup.c - hand what a write replaces to the caller's backup function (see
 * sf_session_set_backup), read through whichever backend runs, or taken from what the last
 * write left when the chip's CRC of a unit says it still holds that. */
#include "image_internal.h"
#include "session_internal.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

sf_error sf_session_backup(sf_session *s, const sf_plan *plan, const bool *changed, const uint32_t *crcs)
{
    if (!s->backup)
        return SF_OK;
    uint64_t total = 0, done = 0;
    size_t from_known = 0;
    uint8_t erased = s->chip.device ? s->chip.device->erased_value : 0xFF;
    for (size_t i = 0; i < plan->count; i++)
        if (changed[i])
            total += plan->units[i].size;
    sf_session_progress(s, SF_PHASE_READ, 0, total);
    for (size_t i = 0; i < plan->count; i++) {
        const sf_plan_unit *pu = &plan->units[i];
        uint8_t *old = NULL;
        bool changes = false;
        if (changed[i]) {
            if (!(old = malloc(pu->size)))
                return sf_fail(&s->eb, SF_ERR_NOMEM, "out of memory");
            memset(old, erased, pu->size);
            /* An erased unit, or one that still holds what the last write left (the stub's CRC
             * says so), need not be read. */
            bool known = false;
            if (crcs && crcs[i] != (uint32_t)crc32(0, old, pu->size) && s->known) {
                known = sf_image_read_range(s->known, pu->start, old, pu->size) &&
                        crcs[i] == (uint32_t)crc32(0, old, pu->size);
                if (!known)
                    memset(old, erased, pu->size);
            }
            if (known) {
                from_known++;
                done += pu->size;
                sf_session_progress(s, SF_PHASE_READ, done, total);
            }
            sf_error e = crcs && crcs[i] == (uint32_t)crc32(0, old, pu->size)
                             ? SF_OK
                             : s->backend->read(s, pu->start, old, pu->size, SF_PHASE_READ, &done, total);
            if (e) {
                free(old);
                return e;
            }
            changes = memcmp(old, pu->data, pu->size) != 0;
        }
        int rc = s->backup(pu->start, old ? old : pu->data, pu->size, changes, s->backup_user);
        free(old);
        if (rc)
            return sf_fail(&s->eb, SF_ERR_BACKUP, "the backup of 0x%08X could not be kept; nothing was written",
                           pu->start);
    }
    if (from_known)
        sf_session_log(s, SF_LOG_INFO, "backup: %zu unit(s) still hold what the last write left: taken from there, "
                       "not read", from_known);
    if (s->backup(0, NULL, 0, false, s->backup_user))
        return sf_fail(&s->eb, SF_ERR_BACKUP, "the backup could not be saved; nothing was written");
    return SF_OK;
}

void sf_session_set_known(sf_session *s, sf_image *known)
{
    s->known = known;
    s->known_changed = false;
}

void sf_session_note_written(sf_session *s, const sf_plan *plan)
{
    for (size_t i = 0; s->known && i < plan->count; i++) {
        const sf_plan_unit *u = &plan->units[i];
        if (sf_image_holds(s->known, u->start, u->data, u->size))
            continue; /* an unchanged image leaves nothing to save */
        s->known_changed = true;
        if (sf_image_put(s->known, u->start, u->data, u->size) != SF_OK) {
            sf_session_set_known(s, NULL); /* out of memory: better nothing than a partial picture */
            return;
        }
    }
}
