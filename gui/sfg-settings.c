/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-settings.c - see sfg-settings.h. */
#include "sfg-settings.h"

#include "gui-logic.h"

GSettings *sfg_settings_open(void)
{
    GSettings *gs = g_settings_new(SFG_APP_ID);
    char *old = g_build_filename(g_get_user_config_dir(), "stubflash", "gtk.ini", NULL);
    sfg_settings_import_keyfile(gs, old);
    g_free(old);
    return gs;
}

gboolean sfg_settings_import_keyfile(GSettings *gs, const char *keyfile_path)
{
    if (g_settings_get_boolean(gs, "keyfile-imported"))
        return FALSE;
    g_settings_set_boolean(gs, "keyfile-imported", TRUE);
    if (!g_file_test(keyfile_path, G_FILE_TEST_IS_REGULAR))
        return FALSE;
    sfg_settings s;
    sfg_settings_load(&s, keyfile_path); /* bad values come back as defaults */
    /* all at once, through an object of its own: delay-apply mode never ends on an object */
    gs = g_settings_new(SFG_APP_ID);
    g_settings_delay(gs);
    g_settings_set_string(gs, "port", s.port ? s.port : "");
    g_settings_set_string(gs, "file", s.file ? s.file : "");
    g_settings_set_uint(gs, "base", s.base);
    g_settings_set_boolean(gs, "verify", s.verify);
    g_settings_set_boolean(gs, "stub", s.stub);
    g_settings_set_boolean(gs, "go", s.go);
    g_settings_set_uint(gs, "stub-baud", s.stub_baud);
    g_settings_apply(gs);
    g_object_unref(gs);
    sfg_settings_free(&s);
    return TRUE;
}

void sfg_recent_add(GSettings *gs, const char *path, guint64 size, gint64 when)
{
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE("a(stx)"));
    g_variant_builder_add(&b, "(stx)", path, size, when);
    GVariant *old = g_settings_get_value(gs, "recent-files");
    GVariantIter it;
    const char *p;
    guint64 sz;
    gint64 t;
    guint n = 1;
    g_variant_iter_init(&it, old);
    while (n < SFG_RECENT_MAX && g_variant_iter_next(&it, "(&stx)", &p, &sz, &t))
        if (g_strcmp0(p, path)) {
            g_variant_builder_add(&b, "(stx)", p, sz, t);
            n++;
        }
    g_settings_set_value(gs, "recent-files", g_variant_builder_end(&b));
    g_variant_unref(old);
}

gboolean sfg_recent_get(GSettings *gs, guint i, char **path, guint64 *size, gint64 *when)
{
    GVariant *v = g_settings_get_value(gs, "recent-files");
    gboolean ok = i < g_variant_n_children(v);
    if (ok)
        g_variant_get_child(v, i, "(stx)", path, size, when);
    g_variant_unref(v);
    return ok;
}

char *sfg_recent_label(const char *path, guint64 size, gint64 when)
{
    char *base = g_path_get_basename(path), *sz = sfg_size_text(size);
    GDateTime *dt = g_date_time_new_from_unix_local(when);
    char *at = dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M") : g_strdup("?");
    char *label = g_strdup_printf("%s — %s, flashed %s", base, sz, at);
    if (dt)
        g_date_time_unref(dt);
    g_free(at);
    g_free(sz);
    g_free(base);
    return label;
}

char *sfg_size_text(guint64 bytes)
{
    char *t = g_format_size_full(bytes, G_FORMAT_SIZE_IEC_UNITS);
    char **parts = g_strsplit(t, "\u00A0", -1);
    char *plain = g_strjoinv(" ", parts);
    g_strfreev(parts);
    g_free(t);
    return plain;
}
