/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-window-ask.c - the questions the main window asks (AdwMessageDialog; the destructive
 * style only where something is lost), and the Board page's actions that ask first, with the
 * command line's confirmations: enabling readout protection, removing it (erases everything),
 * level 2 (refused unless the chip's name is typed), write protection of group 0, erase range,
 * writing a backup back; and the A/B pair, which the command line runs without asking (its user
 * typed --bank-swap) but a button is one click from the plain write beside it: both say which
 * bank gets what and which boots after the reset, with Cancel the default. */
#include <string.h>

#include "sfg-window-private.h"

void sfg_window_close_ask(SfgWindow *self)
{
    if (self->ask)
        gtk_window_destroy(GTK_WINDOW(self->ask));
    self->ask = NULL;
    self->ask_entry = NULL;
    self->ask_kind = ASK_NONE;
    g_clear_pointer(&self->ask_path, g_free);
    g_clear_pointer(&self->ask_heading, g_free);
    g_clear_pointer(&self->ask_yes, g_free);
    g_clear_pointer(&self->ask_text, g_free);
}

static void on_response(AdwMessageDialog *d, const char *response, gpointer data)
{
    SfgWindow *self = data;
    if (self->ask != GTK_WIDGET(d))
        return;
    /* the dialog closes itself after this signal: answer before it does */
    g_object_ref(d);
    sfg_window_settle(self, !strcmp(response, "yes"));
    if (self->ask == GTK_WIDGET(d)) { /* still the question: it goes now */
        self->ask = NULL;
        self->ask_entry = NULL;
        self->ask_kind = ASK_NONE;
    }
    g_object_unref(d);
}

void sfg_window_ask(SfgWindow *self, ask_kind kind, const char *question, const char *detail, const char *yes_label,
                    gboolean destructive, const char *entry_text)
{
    sfg_window_close_ask(self);
    GtkWidget *d = adw_message_dialog_new(GTK_WINDOW(self), question, detail);
    AdwMessageDialog *m = ADW_MESSAGE_DIALOG(d);
    adw_message_dialog_add_response(m, "cancel", "_Cancel");
    adw_message_dialog_add_response(m, "yes", yes_label);
    adw_message_dialog_set_response_appearance(m, "yes", destructive ? ADW_RESPONSE_DESTRUCTIVE : ADW_RESPONSE_SUGGESTED);
    /* a destructive answer is never the one Enter gives */
    adw_message_dialog_set_default_response(m, destructive ? "cancel" : "yes");
    adw_message_dialog_set_close_response(m, "cancel");
    if (entry_text) {
        self->ask_entry = gtk_entry_new();
        gtk_editable_set_text(GTK_EDITABLE(self->ask_entry), entry_text);
        gtk_entry_set_activates_default(GTK_ENTRY(self->ask_entry), TRUE);
        gtk_accessible_update_property(GTK_ACCESSIBLE(self->ask_entry), GTK_ACCESSIBLE_PROPERTY_LABEL, question, -1);
        adw_message_dialog_set_extra_child(m, self->ask_entry);
    }
    self->ask = d;
    self->ask_kind = kind;
    self->ask_heading = g_strdup(question);
    self->ask_text = g_strdup_printf("%s %s", question, detail ? detail : "");
    self->ask_yes = g_strdup(yes_label);
    self->ask_destructive = destructive;
    g_signal_connect(d, "response", G_CALLBACK(on_response), self);
    gtk_window_present(GTK_WINDOW(d));
}

void sfg_window_ask_cancel_default(SfgWindow *self, ask_kind kind, const char *question, const char *detail,
                                   const char *yes_label, gboolean destructive)
{
    sfg_window_ask(self, kind, question, detail, yes_label, destructive, NULL);
    adw_message_dialog_set_default_response(ADW_MESSAGE_DIALOG(self->ask), "cancel");
}

/* The answer did not parse: the same question again, saying why. */
static void ask_again(SfgWindow *self, const char *why)
{
    char *q = g_strdup(self->ask_heading), *yes = g_strdup(self->ask_yes);
    char *text = g_strdup(self->ask_entry ? gtk_editable_get_text(GTK_EDITABLE(self->ask_entry)) : NULL);
    char *path = g_steal_pointer(&self->ask_path); /* ASK_BASE: the file still waiting */
    sfg_window_ask(self, self->ask_kind, q, why, yes, self->ask_destructive, text);
    self->ask_path = path;
    g_free(q);
    g_free(yes);
    g_free(text);
}

static void fill_groups(sfg_job_params *p, gpointer data)
{
    SfgWindow *self = data;
    p->protect_op = SFG_PROTECT_WRITE;
    p->groups = self->groups;
    p->group_count = self->group_count;
}

static void fill_protect(sfg_job_params *p, gpointer op) { p->protect_op = (sfg_protect_op)GPOINTER_TO_INT(op); }

static void fill_range(sfg_job_params *p, gpointer data)
{
    SfgWindow *self = data;
    p->addr = self->ask_addr;
    p->len = self->ask_len;
}

static void fill_restore(sfg_job_params *p, gpointer path) { p->restore_path = path; }

static void protect(SfgWindow *self, sfg_protect_op op)
{
    sfg_window_start_job_with(self, SFG_JOB_PROTECT, fill_protect, GINT_TO_POINTER(op));
}

/* The answer to a question: TRUE if it is settled (the question is gone). */
gboolean sfg_window_settle(SfgWindow *self, gboolean yes)
{
    ask_kind k = self->ask_kind;
    if (k == ASK_BASE && yes) {
        guint32 addr;
        char *err = NULL;
        if (!sfg_parse_address(gtk_editable_get_text(GTK_EDITABLE(self->ask_entry)), &addr, &err)) {
            ask_again(self, err);
            g_free(err);
            return FALSE;
        }
        g_settings_set_uint(self->settings, "base", addr);
        char *path = g_strdup(self->ask_path);
        sfg_window_close_ask(self);
        sfg_window_set_file(self, path);
        g_free(path);
        return TRUE;
    }
    if (k == ASK_PORT && yes) {
        char *name = g_strstrip(g_strdup(gtk_editable_get_text(GTK_EDITABLE(self->ask_entry))));
        if (!*name) {
            ask_again(self, "Give a port name, e.g. tcp://192.168.1.20:4000, rfc2217://bridge:4001, /dev/ttyUSB0 or "
                            "sim:stm32f103re.");
            g_free(name);
            return FALSE;
        }
        sfg_window_close_ask(self);
        sfg_window_set_port(self, name);
        g_free(name);
        return TRUE;
    }
    if (k == ASK_PROTECT_READOUT_2 && yes) {
        char *typed = g_strstrip(g_strdup(gtk_editable_get_text(GTK_EDITABLE(self->ask_entry))));
        const char *name = self->chip.device ? self->chip.device->name : "";
        sfg_window_close_ask(self);
        if (!*name || strcmp(typed, name)) {
            char *t = g_strdup_printf("Readout protection level 2 refused: \"%s\" is not the chip's name (%s); "
                                      "nothing was changed", typed, name);
            sfg_window_set_status(self, SFG_STATE_ERROR, t);
            sfg_window_toast(self, "Level 2 refused");
            g_free(t);
        } else {
            protect(self, SFG_PROTECT_READOUT_2);
        }
        g_free(typed);
        return TRUE;
    }
    char *path = g_strdup(self->ask_path);
    sfg_window_close_ask(self);
    if (yes) {
        switch (k) {
        case ASK_ERASE: sfg_window_start_job(self, SFG_JOB_ERASE, NULL); break;
        case ASK_FORCE:
            self->force_next = TRUE;
            sfg_window_start_job(self, SFG_JOB_FLASH, NULL);
            break;
        case ASK_ERASE_RANGE: sfg_window_start_job_with(self, SFG_JOB_ERASE_RANGE, fill_range, self); break;
        case ASK_RESTORE: sfg_window_start_job_with(self, SFG_JOB_ROLLBACK, fill_restore, path); break;
        case ASK_PROTECT_READOUT: protect(self, SFG_PROTECT_READOUT); break;
        case ASK_UNPROTECT_READOUT: protect(self, SFG_UNPROTECT_READOUT); break;
        case ASK_PROTECT_WRITE_0: sfg_window_start_job_with(self, SFG_JOB_PROTECT, fill_groups, self); break;
        case ASK_FLASH_AB: sfg_window_start_job(self, SFG_JOB_FLASH_AB, NULL); break;
        case ASK_SWAP_BANKS: sfg_window_start_job(self, SFG_JOB_SWAP_BANKS, NULL); break;
        case ASK_CLOSE:
            if (self->job || sfg_window_gang_busy(self)) {
                self->close_when_done = TRUE;
                if (self->job)
                    sfg_job_cancel(self->job);
                sfg_window_gang_cancel(self);
                sfg_window_set_status(self, SFG_STATE_BUSY,
                                      "Cancelling; the window closes when the board is left in a known state");
            } else {
                gtk_window_destroy(GTK_WINDOW(self));
            }
            break;
        default: break;
        }
    }
    g_free(path);
    return TRUE;
}

gboolean sfg_window_answer(SfgWindow *self, const char *text)
{
    if (!self->ask)
        return FALSE;
    /* through the dialog itself, as a click on one of its buttons; "default": as Enter */
    AdwMessageDialog *m = ADW_MESSAGE_DIALOG(self->ask);
    if (!g_strcmp0(text, "default")) {
        adw_message_dialog_response(m, adw_message_dialog_get_default_response(m));
        return TRUE;
    }
    gboolean no = !g_strcmp0(text, "no");
    if (self->ask_entry && !(self->ask_kind == ASK_PROTECT_READOUT_2 && no)) {
        gtk_editable_set_text(GTK_EDITABLE(self->ask_entry), text);
        adw_message_dialog_response(m, "yes");
    } else {
        adw_message_dialog_response(m, !g_strcmp0(text, "yes") ? "yes" : "cancel");
    }
    return TRUE;
}

const char *sfg_window_question(SfgWindow *self) { return self->ask_text ? self->ask_text : ""; }

/* ---- the Board page's actions ---- */

static const char *chip_name(SfgWindow *self)
{
    return self->have_chip && self->chip.device ? self->chip.device->name : "the chip";
}

static void act_protect_readout(GtkWidget *w, const char *name, GVariant *param)
{
    (void)name;
    (void)param;
    SfgWindow *self = SFG_WINDOW(w);
    char *q = g_strdup_printf("Enable readout protection on %s?", chip_name(self));
    sfg_window_ask(self, ASK_PROTECT_READOUT, q,
                   "Readout protection makes the flash unreadable through the bootloader and a debugger, and removing "
                   "it again erases all flash. The chip resets.", "_Protect", TRUE, NULL);
    g_free(q);
}

static void act_unprotect_readout(GtkWidget *w, const char *name, GVariant *param)
{
    (void)name;
    (void)param;
    SfgWindow *self = SFG_WINDOW(w);
    char *d = self->have_chip ? g_strdup_printf("Removing readout protection ERASES ALL %u KiB of flash: its contents "
                                                "cannot be read or saved first. The chip resets.",
                                                self->chip.flash_size / 1024)
                              : g_strdup("Removing readout protection ERASES ALL FLASH: its contents cannot be read or "
                                         "saved first. The chip resets.");
    sfg_window_ask(self, ASK_UNPROTECT_READOUT, "Remove readout protection and erase all flash?", d,
                   "_Erase and Remove", TRUE, NULL);
    g_free(d);
}

static void act_protect_readout_2(GtkWidget *w, const char *name, GVariant *param)
{
    (void)name;
    (void)param;
    SfgWindow *self = SFG_WINDOW(w);
    if (!self->have_chip || !self->chip.device) {
        sfg_window_set_status(self, SFG_STATE_ERROR, "Readout protection level 2: identify the board first (F5), so "
                                                     "that you can confirm with the chip's name");
        return;
    }
    char *d = g_strdup_printf("Level 2 locks the chip FOREVER: no bootloader, no debugger, no way back, not even by "
                              "erasing it. To go on, type the chip's name: %s", self->chip.device->name);
    sfg_window_ask(self, ASK_PROTECT_READOUT_2, "Lock the chip for good?", d, "_Lock Forever", TRUE, "");
    g_free(d);
}

static void act_protect_write(GtkWidget *w, const char *name, GVariant *param)
{
    (void)name;
    (void)param;
    SfgWindow *self = SFG_WINDOW(w);
    char *err = NULL;
    if (!sfg_board_page_write_groups(self->board_page, self->groups, &self->group_count, &err)) {
        sfg_window_set_status(self, SFG_STATE_ERROR, err);
        g_free(err);
        return;
    }
    gboolean first = FALSE;
    for (gsize i = 0; i < self->group_count; i++)
        first |= self->groups[i] == 0;
    if (!first) {
        sfg_window_start_job_with(self, SFG_JOB_PROTECT, fill_groups, self);
        return;
    }
    sfg_window_ask(self, ASK_PROTECT_WRITE_0, "Write-protect the first pages?",
                   "Group 0 holds the first pages of flash: the vector table and any bootloader of your own, which "
                   "then cannot be updated until protection is removed. The chip resets.", "_Protect", TRUE, NULL);
}

static void act_unprotect_write(GtkWidget *w, const char *name, GVariant *param)
{
    (void)name;
    (void)param;
    protect(SFG_WINDOW(w), SFG_UNPROTECT_WRITE);
}

static void act_erase_range(GtkWidget *w, const char *name, GVariant *param)
{
    (void)name;
    (void)param;
    SfgWindow *self = SFG_WINDOW(w);
    char *err = NULL;
    if (!sfg_board_page_erase_range(self->board_page, &self->ask_addr, &self->ask_len, &err)) {
        sfg_window_set_status(self, SFG_STATE_ERROR, err);
        g_free(err);
        return;
    }
    char *q = g_strdup_printf("Erase the pages covering 0x%08X..0x%08X?", self->ask_addr,
                              self->ask_addr + self->ask_len - 1);
    sfg_window_ask(self, ASK_ERASE_RANGE, q, "Whole pages are erased: bytes around the range in the same pages too.",
                   "_Erase", TRUE, NULL);
    g_free(q);
}

static void fill_go(sfg_job_params *p, gpointer addr) { p->addr = GPOINTER_TO_UINT(addr); }

static void act_go(GtkWidget *w, const char *name, GVariant *param)
{
    (void)name;
    (void)param;
    SfgWindow *self = SFG_WINDOW(w);
    guint32 addr;
    char *err = NULL;
    if (!sfg_board_page_go_address(self->board_page, &addr, &err)) {
        sfg_window_set_status(self, SFG_STATE_ERROR, err);
        g_free(err);
        return;
    }
    sfg_window_start_job_with(self, SFG_JOB_GO, fill_go, GUINT_TO_POINTER(addr));
}

static void act_restore(GtkWidget *w, const char *name, GVariant *param)
{
    (void)name;
    SfgWindow *self = SFG_WINDOW(w);
    const char *path = g_variant_get_string(param, NULL);
    char *base = g_path_get_basename(path), *q = g_strdup_printf("Write back the backup %s?", base);
    sfg_window_ask(self, ASK_RESTORE, q, "The flash units it holds get back what they held before that write; the rest "
                   "of the flash is not touched.", "_Write Back", FALSE, NULL);
    self->ask_path = g_strdup(path);
    g_free(q);
    g_free(base);
}

/* ---- A/B: write the bank that does not boot, boot the other bank ---- */

/* The bank that boots as the Board page last read it (1 or 2), 0 when it has not. */
static int boot_bank(SfgWindow *self) { return sfg_board_page_boot_bank(self->board_page); }

static void act_flash_bank_swap(GtkWidget *w, const char *name, GVariant *param)
{
    (void)name;
    (void)param;
    SfgWindow *self = SFG_WINDOW(w);
    int boot = boot_bank(self), other = 3 - boot;
    char *base = g_path_get_basename(self->file ? self->file : ""), *q, *d;
    if (boot) {
        q = g_strdup_printf("Write %s to bank %d and boot it?", base, other);
        d = g_strdup_printf("%s is written to bank %d, the bank that does not boot, and verified; what bank %d holds "
                            "now is replaced. Then the boot-bank option is switched and the chip resets: bank %d "
                            "boots after the reset. The firmware running now stays whole in bank %d, and Boot the "
                            "Other Bank (rollback) switches back to it.", base, other, other, other, boot);
    } else {
        q = g_strdup_printf("Write %s to the bank that does not boot, and boot it?", base);
        d = g_strdup_printf("%s is written to the bank that does not boot now (the Board page has not read which "
                            "one: Details does), and verified; what that bank holds is replaced. Then the "
                            "boot-bank option is switched and the chip resets: that bank boots after the reset. The "
                            "firmware running now stays whole in its bank, and Boot the Other Bank (rollback) "
                            "switches back to it.", base);
    }
    sfg_window_ask_cancel_default(self, ASK_FLASH_AB, q, d, "_Write and Switch", TRUE);
    g_free(q);
    g_free(d);
    g_free(base);
}

static void act_swap_banks(GtkWidget *w, const char *name, GVariant *param)
{
    (void)name;
    (void)param;
    SfgWindow *self = SFG_WINDOW(w);
    int boot = boot_bank(self), other = 3 - boot;
    char *q, *d;
    if (boot) {
        q = g_strdup_printf("Boot bank %d instead of bank %d?", other, boot);
        d = g_strdup_printf("The boot-bank option is switched and the chip resets: bank %d boots after the reset, "
                            "with the firmware it holds. The firmware running now stays in bank %d, and Boot the "
                            "Other Bank again switches back to it. Nothing is written or erased.", other, boot);
    } else {
        q = g_strdup("Boot the other bank?");
        d = g_strdup("The boot-bank option is switched and the chip resets: the bank that does not boot now boots "
                     "after the reset (the Board page has not read which one: Details does). The firmware running "
                     "now stays in its bank, and Boot the Other Bank again switches back to it. Nothing is written "
                     "or erased.");
    }
    sfg_window_ask_cancel_default(self, ASK_SWAP_BANKS, q, d, "_Switch Banks", FALSE);
    g_free(q);
    g_free(d);
}

void sfg_window_install_protection_actions(GtkWidgetClass *wc)
{
    gtk_widget_class_install_action(wc, "win.flash-bank-swap", NULL, act_flash_bank_swap);
    gtk_widget_class_install_action(wc, "win.swap-banks", NULL, act_swap_banks);
    gtk_widget_class_install_action(wc, "win.protect-readout", NULL, act_protect_readout);
    gtk_widget_class_install_action(wc, "win.protect-readout-2", NULL, act_protect_readout_2);
    gtk_widget_class_install_action(wc, "win.unprotect-readout", NULL, act_unprotect_readout);
    gtk_widget_class_install_action(wc, "win.protect-write", NULL, act_protect_write);
    gtk_widget_class_install_action(wc, "win.unprotect-write", NULL, act_unprotect_write);
    gtk_widget_class_install_action(wc, "win.erase-range", NULL, act_erase_range);
    gtk_widget_class_install_action(wc, "win.go", NULL, act_go);
    gtk_widget_class_install_action(wc, "win.restore", "s", act_restore);
}
