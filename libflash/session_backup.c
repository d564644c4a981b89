/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* session_backup.c - hand what a write replaces to the caller's backup function (see
 * sf_session_set_backup), read through whichever backend runs. */
#include "session_internal.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

sf_error sf_session_backup(sf_session *s, const sf_plan *plan, const bool *changed, const uint32_t *crcs)
{
    if (!s->backup)
        return SF_OK;
    uint64_t total = 0, done = 0;
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
            /* An erased unit (the stub's CRC says so) need not be read. */
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
    if (s->backup(0, NULL, 0, false, s->backup_user))
        return sf_fail(&s->eb, SF_ERR_BACKUP, "the backup could not be saved; nothing was written");
    return SF_OK;
}
