/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-board-page.c - see sfg-board-page.h. */
#include "sfg-board-page.h"

#include <stdlib.h>
#include <string.h>

#include "gui-logic.h"
#include "sfg-a11y.h"
#include "sfg-options.h"
#include "sfg-settings.h"

struct _SfgBoardPage {
    AdwBin parent;
    AdwActionRow *chip_row, *uid_row, *option_row, *readout_row, *write_row, *boot_bank_row;
    AdwPreferencesGroup *backups_group, *ab_group, *fields_group;
    GtkListBox *backup_list, *field_list;
    GPtrArray *field_rows; /* AdwActionRow of the option fields */
    char *fields_text;     /* "NAME=value ..." as listed, for the script driver */
    AdwEntryRow *groups_entry, *erase_entry, *go_entry;
    GPtrArray *rows;   /* AdwActionRow of the backups, in list order */
    GPtrArray *paths;
    int boot_bank;     /* as the A/B group shows it: 1, 2, or 0 (no A/B, or not read yet) */
};

G_DEFINE_FINAL_TYPE(SfgBoardPage, sfg_board_page, ADW_TYPE_BIN)

void sfg_board_page_set_chip(SfgBoardPage *self, const sf_chip *chip)
{
    char *t = sfg_chip_text(chip);
    g_strstrip(t);
    adw_action_row_set_subtitle(self->chip_row, t);
    g_free(t);
    adw_action_row_set_subtitle(self->readout_row, chip->protection.readout
                                                       ? "Active: the flash cannot be read; removing it erases it"
                                                       : "Off");
    if (!chip->protection.known_wrp) {
        adw_action_row_set_subtitle(self->write_row, "Unknown (the option bytes cannot be read)");
    } else {
        char *w = chip->protection.wrp == 0xFFFFFFFFu
                      ? g_strdup("Off")
                      : g_strdup_printf("Some page groups are protected (WRP 0x%08X: a 0 bit protects)",
                                        chip->protection.wrp);
        adw_action_row_set_subtitle(self->write_row, w);
        g_free(w);
    }
}

static void clear_backups(SfgBoardPage *self)
{
    for (guint i = 0; i < self->rows->len; i++)
        gtk_list_box_remove(self->backup_list, g_ptr_array_index(self->rows, i));
    g_ptr_array_set_size(self->rows, 0);
    g_ptr_array_set_size(self->paths, 0);
}

/* The option bytes by name (read-only rows: name, meaning, value) and the A/B group, shown on
 * parts whose banks swap. */
static void set_fields(SfgBoardPage *self, const sfg_details *d)
{
    for (guint i = 0; i < self->field_rows->len; i++)
        gtk_list_box_remove(self->field_list, g_ptr_array_index(self->field_rows, i));
    g_ptr_array_set_size(self->field_rows, 0);
    GString *all = g_string_new(NULL);
    for (guint i = 0; d->option_fields && i < d->option_fields->len; i++) {
        const sfg_option_field *f = &g_array_index(d->option_fields, sfg_option_field, i);
        GtkWidget *row = adw_action_row_new();
        adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), f->name);
        adw_action_row_set_subtitle(ADW_ACTION_ROW(row), f->meaning);
        GtkWidget *value = gtk_label_new(f->value);
        gtk_label_set_selectable(GTK_LABEL(value), TRUE);
        gtk_widget_add_css_class(value, "monospace");
        adw_action_row_add_suffix(ADW_ACTION_ROW(row), value);
        gtk_list_box_append(self->field_list, row);
        g_ptr_array_add(self->field_rows, row);
        g_string_append_printf(all, "%s%s=%s", i ? " " : "", f->name, f->value);
    }
    g_free(self->fields_text);
    self->fields_text = g_string_free(all, FALSE);
    char *desc = d->option_error && *d->option_error
                     ? g_strdup_printf("Not listed: %s", d->option_error)
                     : g_strdup("Shown only: the command line's \"stubflash options set\" changes them.");
    adw_preferences_group_set_description(self->fields_group, desc);
    g_free(desc);
    self->boot_bank = d->boot_bank;
    gtk_widget_set_visible(GTK_WIDGET(self->ab_group), d->boot_bank > 0);
    char *bank = d->boot_bank ? g_strdup_printf("Bank %d boots", d->boot_bank) : g_strdup("—");
    adw_action_row_set_subtitle(self->boot_bank_row, bank);
    g_free(bank);
}

void sfg_board_page_set_details(SfgBoardPage *self, const sfg_details *d)
{
    set_fields(self, d);
    adw_action_row_set_subtitle(self->uid_row, *d->uid ? d->uid : "Not known for this family");
    adw_action_row_set_subtitle(self->option_row, *d->option_bytes ? d->option_bytes
                                                                   : "Not readable (not mapped, or readout protection)");
    clear_backups(self);
    char *desc = *d->backup_error ? g_strdup_printf("No list: %s", d->backup_error)
                 : d->backups->len ? g_strdup_printf("In %s, newest first.", d->backup_dir)
                                   : g_strdup_printf("None yet for this chip (they go in %s).", d->backup_dir);
    adw_preferences_group_set_description(self->backups_group, desc);
    g_free(desc);
    for (guint i = 0; i < d->backups->len; i++) {
        const sfg_backup *b = &g_array_index(d->backups, sfg_backup, i);
        GDateTime *dt = g_date_time_new_from_unix_local(b->time);
        char *when = dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M:%S") : g_strdup("unknown time");
        char *size = sfg_size_text(b->bytes);
        char *sub = g_strdup_printf("%s of flash%s", size, b->restored ? ", written back already" : "");
        GtkWidget *row = adw_action_row_new();
        adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), when);
        adw_action_row_set_subtitle(ADW_ACTION_ROW(row), sub);
        gtk_widget_set_tooltip_text(row, b->path);
        GtkWidget *btn = gtk_button_new_with_mnemonic("_Write Back…");
        gtk_widget_set_valign(btn, GTK_ALIGN_CENTER);
        gtk_actionable_set_action_name(GTK_ACTIONABLE(btn), "win.restore");
        gtk_actionable_set_action_target(GTK_ACTIONABLE(btn), "s", b->path);
        adw_action_row_add_suffix(ADW_ACTION_ROW(row), btn);
        gtk_list_box_append(self->backup_list, row);
        g_ptr_array_add(self->rows, row);
        g_ptr_array_add(self->paths, g_strdup(b->path));
        g_free(sub);
        g_free(size);
        g_free(when);
        if (dt)
            g_date_time_unref(dt);
    }
}

static gboolean parse_u32(const char *text, guint32 *v, char **err)
{
    return sfg_parse_address(text, v, err);
}

gboolean sfg_board_page_erase_range(SfgBoardPage *self, guint32 *addr, guint32 *len, char **err)
{
    const char *t = gtk_editable_get_text(GTK_EDITABLE(self->erase_entry));
    const char *colon = strchr(t, ':');
    if (!colon) {
        *err = g_strdup_printf("give the range as ADDRESS:LENGTH, e.g. 0x08004000:0x800, not \"%s\"", t);
        return FALSE;
    }
    char *a = g_strndup(t, (gsize)(colon - t));
    gboolean ok = parse_u32(a, addr, err) && parse_u32(colon + 1, len, err);
    g_free(a);
    if (ok && !*len) {
        *err = g_strdup("the length is 0: nothing to erase");
        ok = FALSE;
    }
    return ok;
}

gboolean sfg_board_page_go_address(SfgBoardPage *self, guint32 *addr, char **err)
{
    const char *t = gtk_editable_get_text(GTK_EDITABLE(self->go_entry));
    if (!*t) {
        *addr = SF_GO_BOOT_ADDRESS;
        return TRUE;
    }
    return parse_u32(t, addr, err);
}

gboolean sfg_board_page_write_groups(SfgBoardPage *self, guint8 *groups, gsize *count, char **err)
{
    char **parts = g_strsplit(gtk_editable_get_text(GTK_EDITABLE(self->groups_entry)), ",", -1);
    gsize n = 0;
    gboolean ok = TRUE;
    for (guint i = 0; ok && parts[i]; i++) {
        guint64 g;
        char *p = g_strstrip(parts[i]);
        if (!g_ascii_string_to_unsigned(p, 10, 0, 255, &g, NULL) || n == 256) {
            *err = g_strdup_printf("bad page group \"%s\": give WRP bit numbers 0..255, e.g. 4,5", p);
            ok = FALSE;
        } else {
            groups[n++] = (guint8)g;
        }
    }
    g_strfreev(parts);
    if (ok && !n) {
        *err = g_strdup("give the page groups to protect (WRP bit numbers), e.g. 4,5");
        ok = FALSE;
    }
    *count = n;
    return ok;
}

gboolean sfg_board_page_type(SfgBoardPage *self, const char *entry, const char *text)
{
    AdwEntryRow *e = !strcmp(entry, "erase")    ? self->erase_entry
                     : !strcmp(entry, "go")     ? self->go_entry
                     : !strcmp(entry, "groups") ? self->groups_entry
                                                : NULL;
    if (!e)
        return FALSE;
    gtk_editable_set_text(GTK_EDITABLE(e), text);
    return TRUE;
}

guint sfg_board_page_backups(SfgBoardPage *self) { return self->rows->len; }

int sfg_board_page_boot_bank(SfgBoardPage *self) { return self->boot_bank; }

const char *sfg_board_page_detail(SfgBoardPage *self, const char *which)
{
    if (!strcmp(which, "fields"))
        return self->fields_text ? self->fields_text : "";
    if (!strcmp(which, "boot-bank"))
        return gtk_widget_get_visible(GTK_WIDGET(self->ab_group)) ? adw_action_row_get_subtitle(self->boot_bank_row)
                                                                   : "none (no A/B on this part)";
    return adw_action_row_get_subtitle(!strcmp(which, "uid") ? self->uid_row : self->option_row);
}

const char *sfg_board_page_backup_text(SfgBoardPage *self, guint i, gboolean subtitle)
{
    if (i >= self->rows->len)
        return NULL;
    AdwActionRow *r = g_ptr_array_index(self->rows, i);
    return subtitle ? adw_action_row_get_subtitle(r) : adw_preferences_row_get_title(ADW_PREFERENCES_ROW(r));
}

const char *sfg_board_page_backup_path(SfgBoardPage *self, guint i)
{
    return i < self->paths->len ? g_ptr_array_index(self->paths, i) : NULL;
}

static void sfg_board_page_dispose(GObject *o)
{
    gtk_widget_dispose_template(GTK_WIDGET(o), SFG_TYPE_BOARD_PAGE);
    G_OBJECT_CLASS(sfg_board_page_parent_class)->dispose(o);
}

static void sfg_board_page_finalize(GObject *o)
{
    SfgBoardPage *self = SFG_BOARD_PAGE(o);
    g_ptr_array_unref(self->rows);
    g_ptr_array_unref(self->paths);
    g_ptr_array_unref(self->field_rows);
    g_free(self->fields_text);
    G_OBJECT_CLASS(sfg_board_page_parent_class)->finalize(o);
}

static void sfg_board_page_class_init(SfgBoardPageClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = sfg_board_page_dispose;
    G_OBJECT_CLASS(klass)->finalize = sfg_board_page_finalize;
    gtk_widget_class_set_template_from_resource(wc, "/io/github/stubflash/Stubflash/sfg-board-page.ui");
    gtk_widget_class_bind_template_child(wc, SfgBoardPage, chip_row);
    gtk_widget_class_bind_template_child(wc, SfgBoardPage, uid_row);
    gtk_widget_class_bind_template_child(wc, SfgBoardPage, option_row);
    gtk_widget_class_bind_template_child(wc, SfgBoardPage, readout_row);
    gtk_widget_class_bind_template_child(wc, SfgBoardPage, write_row);
    gtk_widget_class_bind_template_child(wc, SfgBoardPage, backups_group);
    gtk_widget_class_bind_template_child(wc, SfgBoardPage, backup_list);
    gtk_widget_class_bind_template_child(wc, SfgBoardPage, groups_entry);
    gtk_widget_class_bind_template_child(wc, SfgBoardPage, erase_entry);
    gtk_widget_class_bind_template_child(wc, SfgBoardPage, go_entry);
    gtk_widget_class_bind_template_child(wc, SfgBoardPage, boot_bank_row);
    gtk_widget_class_bind_template_child(wc, SfgBoardPage, ab_group);
    gtk_widget_class_bind_template_child(wc, SfgBoardPage, fields_group);
    gtk_widget_class_bind_template_child(wc, SfgBoardPage, field_list);
}

static void sfg_board_page_init(SfgBoardPage *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    sfg_a11y_name_group_lists(GTK_WIDGET(self));
    self->rows = g_ptr_array_new();
    self->paths = g_ptr_array_new_with_free_func(g_free);
    self->field_rows = g_ptr_array_new();
}
