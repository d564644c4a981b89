/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-options.c - see sfg-options.h. */
#include "sfg-options.h"

static void field_clear(gpointer p)
{
    sfg_option_field *f = p;
    g_free(f->name);
    g_free(f->value);
    g_free(f->meaning);
}

GArray *sfg_option_fields_new(void)
{
    GArray *a = g_array_new(FALSE, TRUE, sizeof(sfg_option_field));
    g_array_set_clear_func(a, field_clear);
    return a;
}

void sfg_options_read(sf_session *s, GArray *fields, int *boot_bank, char **why)
{
    g_array_set_size(fields, 0);
    *boot_bank = 0;
    *why = NULL;
    sf_options *o = NULL;
    if (sf_session_options_read(s, &o) != SF_OK) {
        *why = g_strdup(sf_session_last_error(s));
        return;
    }
    for (size_t i = 0; i < sf_options_count(o); i++) {
        uint32_t v = sf_options_value(o, i);
        /* One bit reads as its value; wider fields in hex too, as the manuals give them. */
        sfg_option_field f = {.name = g_strdup(sf_options_name(o, i)),
                              .value = sf_options_width(o, i) == 1 ? g_strdup_printf("%u", v)
                                                                   : g_strdup_printf("0x%X (%u)", v, v),
                              .meaning = g_strdup(sf_options_meaning(o, i))};
        g_array_append_val(fields, f);
    }
    sf_options_free(o);
    int bank = 0;
    if (sf_session_boot_bank(s, &bank) == SF_OK)
        *boot_bank = bank;
}

sf_error sfg_options_write_other_bank(sf_session *s, const sf_image *img, char **text)
{
    int before = 0;
    sf_error e = sf_session_boot_bank(s, &before);
    if (e == SF_OK)
        e = sf_session_write_bank_swap(s, img, SF_WRITE_VERIFY);
    if (e == SF_OK)
        *text = g_strdup_printf("wrote and verified %zu bytes in bank %d; bank %d boots from the next reset, "
                                "bank %d keeps the firmware that ran", sf_image_size(img), 3 - before, 3 - before,
                                before);
    return e;
}

sf_error sfg_options_boot_other_bank(sf_session *s, char **text)
{
    sf_error e = sf_session_swap_banks(s);
    int now = 0;
    if (e == SF_OK && (e = sf_session_boot_bank(s, &now)) == SF_OK)
        *text = g_strdup_printf("bank %d boots now", now);
    return e;
}
