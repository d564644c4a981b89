/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* options_cmd.c - see options_cmd.h. */
#include "options_cmd.h"

#include <stdlib.h>
#include <string.h>

void options_json(const sf_options *o, char *buf, size_t cap)
{
    size_t k = (size_t)snprintf(buf, cap, "{");
    for (size_t i = 0; i < sf_options_count(o) && k < cap; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%s\"%s\": %u", i ? ", " : "", sf_options_name(o, i), sf_options_value(o, i));
    if (k < cap)
        snprintf(buf + k, cap - k, "}");
}

static void value_text(const sf_options *o, size_t i, uint32_t v, char *out, size_t cap)
{
    if (sf_options_width(o, i) > 4)
        snprintf(out, cap, "0x%0*X", (int)(sf_options_width(o, i) + 3) / 4, v);
    else
        snprintf(out, cap, "%u", v);
}

void options_print(const sf_options *o, FILE *f)
{
    fprintf(f, "option bytes of the %s (%s):\n", sf_options_family(o), sf_options_source(o));
    for (size_t i = 0; i < sf_options_count(o); i++) {
        unsigned bit, w = sf_options_width(o, i);
        const char *reg = sf_options_register(o, i, &bit);
        char v[16], where[48];
        value_text(o, i, sf_options_value(o, i), v, sizeof v);
        if (w == 1)
            snprintf(where, sizeof where, "%s[%u]", reg, bit);
        else
            snprintf(where, sizeof where, "%s[%u:%u]", reg, bit + w - 1, bit);
        fprintf(f, "  %-16s %-8s %-22s %s\n", sf_options_name(o, i), v, where, sf_options_meaning(o, i));
    }
}

bool options_stage(sf_options *o, const char *arg, char *why, size_t cap)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1]) {
        snprintf(why, cap, "'%s': say NAME=VALUE, e.g. BOR_LEV=2", arg);
        return false;
    }
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)(eq - arg), arg);
    char *end;
    unsigned long v = strtoul(eq + 1, &end, 0);
    if (*end || v > 0xFFFFFFFFul) {
        snprintf(why, cap, "'%s': the value is not a number (decimal, or 0x hex)", arg);
        return false;
    }
    if (sf_options_set(o, name, (uint32_t)v) != SF_OK) {
        snprintf(why, cap, "%s", sf_options_last_error(o));
        return false;
    }
    return true;
}

size_t options_describe_changes(const sf_options *o, FILE *f)
{
    size_t lose = 0;
    for (size_t i = 0; i < sf_options_count(o); i++) {
        if (!sf_options_changed(o, i))
            continue;
        char a[16], b[16];
        value_text(o, i, sf_options_read_value(o, i), a, sizeof a);
        value_text(o, i, sf_options_value(o, i), b, sizeof b);
        if (f)
            fprintf(f, "  %s: %s -> %s (%s)\n", sf_options_name(o, i), a, b, sf_options_meaning(o, i));
        if ((sf_options_flags(o, i) & SF_OPTION_BANK_MODE) && f)
            fprintf(f, "  WARNING: %s re-organises the flash: the chip reads it in another order afterwards, so "
                    "the whole flash is erased after the change\n", sf_options_name(o, i));
        if (sf_options_loses_bootloader(o, i)) {
            lose++;
            if (f)
                fprintf(f, "  WARNING: %s = %s can take the way into the ROM bootloader away: after the reset only a "
                       "debugger or your firmware can change the chip again\n", sf_options_name(o, i), b);
        }
    }
    return lose;
}
