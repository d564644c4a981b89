/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gui-logic.c - see gui-logic.h. */
#include "gui-logic.h"

#include <stdlib.h>
#include <string.h>

const guint32 sfg_stub_rates[9] = {0, 115200, 230400, 460800, 921600, 1000000, 1500000, 2000000, 3000000};

static gboolean ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && g_ascii_strcasecmp(s + n - k, suffix) == 0;
}

sfg_file_kind sfg_file_kind_of(const char *path)
{
    if (!path)
        return SFG_FILE_UNKNOWN;
    char *name = g_path_get_basename(path);
    if (ends_with_ci(name, ".gz"))
        name[strlen(name) - 3] = 0;
    static const struct {
        const char *ext;
        sfg_file_kind kind;
    } kinds[] = {{".bin", SFG_FILE_BIN}, {".hex", SFG_FILE_HEX}, {".ihex", SFG_FILE_HEX}, {".ihx", SFG_FILE_HEX},
                 {".srec", SFG_FILE_SREC}, {".s19", SFG_FILE_SREC}, {".s28", SFG_FILE_SREC}, {".s37", SFG_FILE_SREC},
                 {".mot", SFG_FILE_SREC}, {".elf", SFG_FILE_ELF}, {".axf", SFG_FILE_ELF}};
    sfg_file_kind k = SFG_FILE_UNKNOWN;
    for (size_t i = 0; i < G_N_ELEMENTS(kinds) && !k; i++)
        if (ends_with_ci(name, kinds[i].ext))
            k = kinds[i].kind;
    g_free(name);
    return k;
}

gboolean sfg_file_accepted(const char *path) { return sfg_file_kind_of(path) != SFG_FILE_UNKNOWN; }

gboolean sfg_parse_address(const char *text, guint32 *addr, char **err)
{
    char *t = g_strstrip(g_strdup(text ? text : ""));
    guint64 v = 0;
    gboolean ok = FALSE;
    if (*t) {
        GError *e = NULL;
        gboolean hex = g_str_has_prefix(t, "0x") || g_str_has_prefix(t, "0X");
        ok = g_ascii_string_to_unsigned(hex ? t + 2 : t, hex ? 16 : 10, 0, G_MAXUINT32, &v, &e);
        g_clear_error(&e);
    }
    if (ok)
        *addr = (guint32)v;
    else if (err)
        *err = g_strdup_printf("\"%s\" is not an address: give it in hex like 0x08000000, or in decimal", t);
    g_free(t);
    return ok;
}

static char *size_text(guint64 bytes)
{
    if (bytes < 10 * 1024)
        return g_strdup_printf("%" G_GUINT64_FORMAT " bytes", bytes);
    if (bytes < 10 * 1024 * 1024)
        return g_strdup_printf("%" G_GUINT64_FORMAT " KiB", bytes / 1024);
    return g_strdup_printf("%.1f MiB", (double)bytes / (1024.0 * 1024.0));
}

char *sfg_format_rate(guint64 bytes, double seconds)
{
    if (seconds <= 0)
        return g_strdup("");
    double r = (double)bytes / seconds;
    if (r < 1024 * 1024)
        return g_strdup_printf("%.1f KiB/s", r / 1024.0);
    return g_strdup_printf("%.2f MiB/s", r / (1024.0 * 1024.0));
}

char *sfg_progress_text(sf_phase phase, guint64 done, guint64 total, double seconds)
{
    static const char *names[] = {"Connecting", "Erasing", "Writing", "Verifying", "Reading"};
    const char *name = (unsigned)phase < G_N_ELEMENTS(names) ? names[phase] : "Working";
    if (phase == SF_PHASE_CONNECT)
        return g_strdup(name);
    if (phase == SF_PHASE_ERASE)
        return g_strdup_printf("%s: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " unit(s)", name, done, total);
    char *d = size_text(done), *t = size_text(total), *r = sfg_format_rate(done, seconds);
    char *s = *r ? g_strdup_printf("%s: %s of %s · %s", name, d, t, r) : g_strdup_printf("%s: %s of %s", name, d, t);
    g_free(d);
    g_free(t);
    g_free(r);
    return s;
}

double sfg_progress_fraction(guint64 done, guint64 total)
{
    if (!total)
        return 0;
    return done >= total ? 1.0 : (double)done / (double)total;
}

char *sfg_chip_text(const sf_chip *chip)
{
    GString *s = g_string_new(NULL);
    const sf_device *d = chip->device;
    if (d)
        g_string_append_printf(s, "%s (%s, product ID 0x%03X)\n", d->name, d->family, chip->pid);
    else
        g_string_append_printf(s, "unknown part, product ID 0x%03X\n", chip->pid);
    g_string_append_printf(s, "Flash %u KiB", chip->flash_size / 1024);
    if (d && d->ram_end > (d->ram_base & 0xFFF00000u))
        g_string_append_printf(s, " · RAM %u KiB", (d->ram_end - (d->ram_base & 0xFFF00000u)) / 1024);
    g_string_append_printf(s, " · bootloader %u.%u%s\n", chip->bootloader_version >> 4, chip->bootloader_version & 0xF,
                           chip->stub_running ? " · stub running" : "");
    g_string_append(s, chip->protection.readout ? "Readout protection: ON (flash cannot be read or written)"
                                                : "Readout protection: off");
    if (chip->protection.known_wrp) {
        guint n = 0;
        for (int i = 0; i < 32; i++)
            n += !(chip->protection.wrp & (1u << i));
        if (n)
            g_string_append_printf(s, " · write protection: %u group(s)", n);
        else
            g_string_append(s, " · write protection: none");
    }
    return g_string_free(s, FALSE);
}

char *sfg_port_label(const char *name, const char *description, const char *serial)
{
    GString *s = g_string_new(name);
    if (g_str_has_prefix(name, "sim:"))
        g_string_printf(s, "Virtual %s (simulated board)", name + 4);
    else if (description[0])
        g_string_append_printf(s, " — %s", description);
    if (serial[0])
        g_string_append_printf(s, " (serial %s)", serial);
    return g_string_free(s, FALSE);
}

char *sfg_port_to_open(const char *name, const char *data_dir)
{
    const char *q = strchr(name, '?');
    if (g_str_has_prefix(name, "sim:") && (!q || !strstr(q, "flash="))) {
        char *part = g_strndup(name + 4, q ? (gsize)(q - name - 4) : strlen(name + 4));
        char *file = g_strdup_printf("virtual-%s.bin", part);
        char *path = g_build_filename(data_dir, file, NULL);
        char *port = g_strdup_printf("%s%sflash=%s", name, q ? "&" : "?", path);
        g_free(part);
        g_free(file);
        g_free(path);
        return port;
    }
    return g_strdup(name);
}

void sfg_map_init(sfg_map *m, const sf_device *dev, guint32 flash_size)
{
    memset(m, 0, sizeof *m);
    if (!dev)
        return;
    m->count = (guint)sf_device_unit_count(dev, flash_size);
    m->start = g_new0(guint32, m->count);
    m->size = g_new0(guint32, m->count);
    m->state = g_new(guint8, m->count);
    for (guint i = 0; i < m->count; i++)
        sf_device_unit_at(dev, flash_size, i, &m->start[i], &m->size[i]);
    sfg_map_clear(m);
}

void sfg_map_clear(sfg_map *m)
{
    if (m->count)
        memset(m->state, SFG_CELL_IDLE, m->count);
}

void sfg_map_free(sfg_map *m)
{
    g_free(m->start);
    g_free(m->size);
    g_free(m->state);
    memset(m, 0, sizeof *m);
}

void sfg_map_set(sfg_map *m, guint index, sf_unit_state state)
{
    if (index >= m->count)
        return;
    /* A skipped unit is verified too; it stays shown as unchanged, so that the map tells at the
     * end what the update touched. */
    if (state == SF_UNIT_VERIFIED && m->state[index] == SF_UNIT_UNCHANGED)
        return;
    m->state[index] = (guint8)state;
}

guint sfg_map_count(const sfg_map *m, guint state)
{
    guint n = 0;
    for (guint i = 0; i < m->count; i++)
        n += m->state[i] == state;
    return n;
}

const char *sfg_cell_name(guint state)
{
    switch (state) {
    case SF_UNIT_PLANNED: return "to do";
    case SF_UNIT_UNCHANGED: return "unchanged";
    case SF_UNIT_ERASED: return "erased";
    case SF_UNIT_WRITING: return "writing";
    case SF_UNIT_WRITTEN: return "written";
    case SF_UNIT_VERIFIED: return "written and verified";
    case SF_UNIT_FAILED: return "failed";
    default: return "untouched";
    }
}

char *sfg_map_summary(const sfg_map *m)
{
    static const guint order[] = {SF_UNIT_FAILED, SF_UNIT_VERIFIED, SF_UNIT_WRITTEN, SF_UNIT_WRITING, SF_UNIT_ERASED,
                                  SF_UNIT_PLANNED, SF_UNIT_UNCHANGED, SFG_CELL_IDLE};
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(order); i++) {
        guint n = sfg_map_count(m, order[i]);
        if (n)
            g_string_append_printf(s, "%s%u %s", s->len ? ", " : "", n, sfg_cell_name(order[i]));
    }
    return g_string_free(s, FALSE);
}

void sfg_settings_defaults(sfg_settings *s)
{
    memset(s, 0, sizeof *s);
    s->base = 0x08000000;
    s->verify = TRUE;
    s->stub = TRUE;
}

static gboolean rate_offered(guint32 r)
{
    for (size_t i = 0; i < G_N_ELEMENTS(sfg_stub_rates); i++)
        if (sfg_stub_rates[i] == r)
            return TRUE;
    return FALSE;
}

/* An option from the key file; *out keeps its default if it is missing or not a boolean. */
static void read_bool(GKeyFile *k, const char *key, gboolean *out)
{
    GError *e = NULL;
    gboolean b = g_key_file_get_boolean(k, "options", key, &e);
    if (e)
        g_error_free(e);
    else
        *out = b;
}

void sfg_settings_load(sfg_settings *s, const char *path)
{
    sfg_settings_defaults(s);
    GKeyFile *k = g_key_file_new();
    if (g_key_file_load_from_file(k, path, G_KEY_FILE_NONE, NULL)) {
        GError *e = NULL;
        s->port = g_key_file_get_string(k, "last", "port", NULL);
        s->file = g_key_file_get_string(k, "last", "file", NULL);
        char *base = g_key_file_get_string(k, "last", "base", NULL);
        if (base && !sfg_parse_address(base, &s->base, NULL))
            s->base = 0x08000000;
        g_free(base);
        read_bool(k, "verify", &s->verify);
        read_bool(k, "stub", &s->stub);
        read_bool(k, "go", &s->go);
        guint64 r = g_key_file_get_uint64(k, "options", "stub-baud", &e);
        if (!e && r <= G_MAXUINT32 && rate_offered((guint32)r))
            s->stub_baud = (guint32)r;
        g_clear_error(&e);
    }
    g_key_file_free(k);
}

gboolean sfg_settings_save(const sfg_settings *s, const char *path, GError **error)
{
    GKeyFile *k = g_key_file_new();
    if (s->port)
        g_key_file_set_string(k, "last", "port", s->port);
    if (s->file)
        g_key_file_set_string(k, "last", "file", s->file);
    char base[16];
    g_snprintf(base, sizeof base, "0x%08X", s->base);
    g_key_file_set_string(k, "last", "base", base);
    g_key_file_set_boolean(k, "options", "verify", s->verify);
    g_key_file_set_boolean(k, "options", "stub", s->stub);
    g_key_file_set_boolean(k, "options", "go", s->go);
    g_key_file_set_uint64(k, "options", "stub-baud", s->stub_baud);
    char *dir = g_path_get_dirname(path);
    gboolean ok = g_mkdir_with_parents(dir, 0700) == 0 && g_key_file_save_to_file(k, path, error);
    if (!ok && error && !*error)
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot create %s", dir);
    g_free(dir);
    g_key_file_free(k);
    return ok;
}

void sfg_settings_free(sfg_settings *s)
{
    g_free(s->port);
    g_free(s->file);
    s->port = s->file = NULL;
}

char *sfg_gui_sentence(const char *text)
{
    static const char *const swaps[][2] = {
        {"(if DTR/RTS reach NRST/BOOT0: --before)", "(if DTR/RTS reach NRST/BOOT0: Preferences, Reset Wiring)"},
        {"(try -b 57600)", "(try 57600: Preferences, Bootloader rate)"},
        {"retry with --usart N", "choose that USART (Preferences, Fast stub, Bootloader USART)"},
        {"retry with --no-stub", "retry with Fast stub off (Preferences)"},
        {"'stubflash unprotect --write'", "Write protection, Remove on the Board page"},
        {"'stubflash unprotect --readout --erase-all'", "Readout protection, Remove on the Board page,"},
        {"the --after sequence", "the reset wiring after flashing"},
    };
    char *t = g_strdup(text ? text : "");
    for (size_t i = 0; i < G_N_ELEMENTS(swaps); i++) {
        char **parts = g_strsplit(t, swaps[i][0], -1);
        g_free(t);
        t = g_strjoinv(swaps[i][1], parts);
        g_strfreev(parts);
    }
    return t;
}
