/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* session_backup.c - hand what a write replaces to the caller's backup function (see
 * sf_session_set_backup), read through whichever backend runs, or taken from what the last
 * write left when the chip's CRC of a unit says it still holds that. */
#include "backup_store.h"
#include "image_internal.h"
#include "session_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* The cache of what the flash holds, read on first use. */
static sf_image *known_image(sf_session *s)
{
    if (!s->known_tried && s->known_dir[0]) {
        s->known_tried = true;
        s->known = sf_backup_known_load(s->known_dir);
    }
    return s->known;
}

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
            if (crcs && crcs[i] != (uint32_t)crc32(0, old, pu->size) && known_image(s)) {
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

void sf_session_set_known_dir(sf_session *s, const char *dir)
{
    sf_image_free(s->known);
    s->known = NULL;
    s->known_tried = false;
    s->known_changed = false;
    snprintf(s->known_dir, sizeof s->known_dir, "%s", dir ? dir : "");
}

sf_image *sf_session_take_known(sf_session *s, bool *changed)
{
    sf_image *known = s->known;
    *changed = s->known_changed;
    s->known = NULL;
    sf_session_set_known_dir(s, NULL);
    return known;
}

void sf_session_note_written(sf_session *s, const sf_plan *plan, const bool *changed)
{
    bool any = false;
    for (size_t i = 0; i < plan->count; i++)
        any |= changed[i];
    for (size_t i = 0; any && known_image(s) && i < plan->count; i++) {
        const sf_plan_unit *u = &plan->units[i];
        if (sf_image_holds(s->known, u->start, u->data, u->size))
            continue; /* an unchanged unit leaves nothing to save */
        s->known_changed = true;
        if (sf_image_put(s->known, u->start, u->data, u->size) != SF_OK) {
            sf_image_free(s->known); /* out of memory: better nothing than a partial picture */
            s->known = NULL;
            s->known_changed = false;
            return;
        }
    }
}
