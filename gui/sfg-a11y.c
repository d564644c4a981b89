/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-a11y.c - see sfg-a11y.h. A control is named by an accessible label, a labelled-by
 * relation (a mnemonic label, a row's title), or the text it shows (a button's label). A named
 * control counts as one: its own insides (a drop-down's button) are the toolkit's. */
#include "sfg-a11y.h"

#include <adwaita.h>

/* Icons (GtkImage) are decoration; a picture that says something (the flash map) is not. */
static gboolean is_control(GtkWidget *w)
{
    GtkAccessibleRole role = gtk_accessible_get_accessible_role(GTK_ACCESSIBLE(w));
    if (role == GTK_ACCESSIBLE_ROLE_IMG)
        return !GTK_IS_IMAGE(w);
    switch (role) {
    case GTK_ACCESSIBLE_ROLE_BUTTON:
    case GTK_ACCESSIBLE_ROLE_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_SWITCH:
    case GTK_ACCESSIBLE_ROLE_TEXT_BOX:
    case GTK_ACCESSIBLE_ROLE_SEARCH_BOX:
    case GTK_ACCESSIBLE_ROLE_COMBO_BOX:
    case GTK_ACCESSIBLE_ROLE_SPIN_BUTTON:
    case GTK_ACCESSIBLE_ROLE_RADIO:
    case GTK_ACCESSIBLE_ROLE_SLIDER:
    case GTK_ACCESSIBLE_ROLE_LINK:
    case GTK_ACCESSIBLE_ROLE_LIST:
    case GTK_ACCESSIBLE_ROLE_PROGRESS_BAR:
        return TRUE;
    default:
        return FALSE;
    }
}

static gboolean has_text(const char *s) { return s && *s; }

/* The text a widget shows of itself: a label somewhere inside it. */
static gboolean shows_text(GtkWidget *w)
{
    if (GTK_IS_LABEL(w) && gtk_widget_get_visible(w) && has_text(gtk_label_get_text(GTK_LABEL(w))))
        return TRUE;
    for (GtkWidget *c = gtk_widget_get_first_child(w); c; c = gtk_widget_get_next_sibling(c))
        if (shows_text(c))
            return TRUE;
    return FALSE;
}

static gboolean named(GtkWidget *w)
{
    GtkAccessible *a = GTK_ACCESSIBLE(w);
    if (gtk_test_accessible_has_property(a, GTK_ACCESSIBLE_PROPERTY_LABEL) ||
        gtk_test_accessible_has_relation(a, GTK_ACCESSIBLE_RELATION_LABELLED_BY))
        return TRUE;
    if (GTK_IS_BUTTON(w) || GTK_IS_CHECK_BUTTON(w) || GTK_IS_MENU_BUTTON(w) || ADW_IS_SPLIT_BUTTON(w) ||
        GTK_IS_EXPANDER(w))
        return shows_text(w);
    return FALSE;
}

static const char *title_of(GtkWidget *w)
{
    if (ADW_IS_PREFERENCES_ROW(w))
        return adw_preferences_row_get_title(ADW_PREFERENCES_ROW(w));
    if (GTK_IS_WINDOW(w))
        return gtk_window_get_title(GTK_WINDOW(w));
    return NULL;
}

static void walk(GtkWidget *w, GString *out, guint *checked, const char *context)
{
    if (!gtk_widget_get_visible(w) || !gtk_widget_get_child_visible(w)) /* hidden, or folded away */
        return;
    const char *title = title_of(w);
    if (has_text(title))
        context = title;
    if (is_control(w)) {
        (*checked)++;
        gboolean list = gtk_accessible_get_accessible_role(GTK_ACCESSIBLE(w)) == GTK_ACCESSIBLE_ROLE_LIST;
        if (!named(w))
            g_string_append_printf(out, "%s%s in \"%s\"", out->len ? "\n" : "", G_OBJECT_TYPE_NAME(w),
                                   context ? context : "?");
        if (!list)
            return; /* one control: its insides are the toolkit's; a list's rows are ours */
    }
    for (GtkWidget *c = gtk_widget_get_first_child(w); c; c = gtk_widget_get_next_sibling(c))
        walk(c, out, checked, context);
}

char *sfg_a11y_unnamed(GtkWidget *root, guint *checked)
{
    GString *out = g_string_new(NULL);
    *checked = 0;
    walk(root, out, checked, NULL);
    if (!out->len) {
        g_string_free(out, TRUE);
        return NULL;
    }
    return g_string_free(out, FALSE);
}

/* A row's title as read out: without the mnemonic's underscore. */
static char *spoken(const char *title)
{
    GString *t = g_string_new(NULL);
    for (const char *p = title; *p; p++)
        if (*p != '_' || p[1] == '_')
            g_string_append_c(t, *p);
    return g_string_free(t, FALSE);
}

/* Lists take their group's title, switches their row's. */
static void name_parts(GtkWidget *w, const char *group, const char *expander)
{
    if (ADW_IS_PREFERENCES_GROUP(w))
        group = adw_preferences_group_get_title(ADW_PREFERENCES_GROUP(w));
    if (ADW_IS_PREFERENCES_ROW(w)) /* an expander row's switch sits in a row of its own, same title */
        expander = adw_preferences_row_get_title(ADW_PREFERENCES_ROW(w));
    GtkAccessible *a = GTK_ACCESSIBLE(w);
    const char *name = GTK_IS_LIST_BOX(w) ? group : GTK_IS_SWITCH(w) ? expander : NULL;
    if (name && *name && !gtk_test_accessible_has_property(a, GTK_ACCESSIBLE_PROPERTY_LABEL) &&
        !gtk_test_accessible_has_relation(a, GTK_ACCESSIBLE_RELATION_LABELLED_BY)) {
        char *t = spoken(name);
        gtk_accessible_update_property(a, GTK_ACCESSIBLE_PROPERTY_LABEL, t, -1);
        g_free(t);
    }
    for (GtkWidget *c = gtk_widget_get_first_child(w); c; c = gtk_widget_get_next_sibling(c))
        name_parts(c, group, expander);
}

void sfg_a11y_name_group_lists(GtkWidget *root) { name_parts(root, NULL, NULL); }
