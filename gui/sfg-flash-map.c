/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-flash-map.c - see sfg-flash-map.h. */
#include "sfg-flash-map.h"

#define CELL (self->cell) /* pixels, gap included */
#define GAP (self->cell > 8 ? 2 : 1)

struct _SfgFlashMap {
    GtkWidget parent;
    const sfg_map *map;
    int cell;
};

G_DEFINE_FINAL_TYPE(SfgFlashMap, sfg_flash_map, GTK_TYPE_WIDGET)

void sfg_flash_map_color(guint state, GdkRGBA *out)
{
    const char *spec;
    switch (state) {
    case SF_UNIT_PLANNED: spec = "#99c1f1"; break;   /* light blue: to do */
    case SF_UNIT_UNCHANGED: spec = "#9a9996"; break; /* grey: skipped, already right */
    case SF_UNIT_ERASED: spec = "#f8e45c"; break;    /* yellow */
    case SF_UNIT_WRITING: spec = "#ffa348"; break;   /* orange */
    case SF_UNIT_WRITTEN: spec = "#3584e4"; break;   /* blue */
    case SF_UNIT_VERIFIED: spec = "#33d17a"; break;  /* green */
    case SF_UNIT_FAILED: spec = "#e01b24"; break;    /* red */
    default: spec = "#deddda"; break;                /* untouched: light grey */
    }
    gdk_rgba_parse(out, spec);
}

static int columns_for(const SfgFlashMap *self, int width) { return width / CELL > 0 ? width / CELL : 1; }

static void measure(GtkWidget *w, GtkOrientation orientation, int for_size, int *min, int *nat, int *min_base,
                    int *nat_base)
{
    SfgFlashMap *self = SFG_FLASH_MAP(w);
    guint n = self->map ? self->map->count : 0;
    if (orientation == GTK_ORIENTATION_HORIZONTAL) {
        *min = CELL * 8;
        *nat = CELL * 32;
    } else {
        int cols = columns_for(self, for_size > 0 ? for_size : CELL * 32);
        *min = *nat = n ? (int)((n + (guint)cols - 1) / (guint)cols) * CELL : CELL;
    }
    *min_base = *nat_base = -1;
}

static GtkSizeRequestMode request_mode(GtkWidget *w)
{
    (void)w;
    return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void snapshot(GtkWidget *w, GtkSnapshot *snap)
{
    SfgFlashMap *self = SFG_FLASH_MAP(w);
    if (!self->map)
        return;
    int cols = columns_for(self, gtk_widget_get_width(w));
    for (guint i = 0; i < self->map->count; i++) {
        GdkRGBA c;
        sfg_flash_map_color(self->map->state[i], &c);
        graphene_rect_t r = GRAPHENE_RECT_INIT((float)((int)i % cols * CELL), (float)((int)i / cols * CELL),
                                               CELL - GAP, CELL - GAP);
        gtk_snapshot_append_color(snap, &c, &r);
    }
}

static gboolean query_tooltip(GtkWidget *w, int x, int y, gboolean keyboard, GtkTooltip *tip, gpointer data)
{
    (void)keyboard;
    (void)data;
    SfgFlashMap *self = SFG_FLASH_MAP(w);
    if (!self->map || x < 0 || y < 0)
        return FALSE;
    int cols = columns_for(self, gtk_widget_get_width(w));
    if (x / CELL >= cols)
        return FALSE;
    guint i = (guint)(y / CELL * cols + x / CELL);
    if (i >= self->map->count)
        return FALSE;
    char *t = g_strdup_printf("Unit %u at 0x%08X, %u KiB: %s", i, self->map->start[i], self->map->size[i] / 1024,
                              sfg_cell_name(self->map->state[i]));
    gtk_tooltip_set_text(tip, t);
    g_free(t);
    return TRUE;
}

static void sfg_flash_map_class_init(SfgFlashMapClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);
    wc->measure = measure;
    wc->get_request_mode = request_mode;
    wc->snapshot = snapshot;
    gtk_widget_class_set_css_name(wc, "flashmap");
    gtk_widget_class_set_accessible_role(wc, GTK_ACCESSIBLE_ROLE_IMG);
}

static void sfg_flash_map_init(SfgFlashMap *self)
{
    self->cell = 14;
    gtk_widget_set_has_tooltip(GTK_WIDGET(self), TRUE);
    g_signal_connect(self, "query-tooltip", G_CALLBACK(query_tooltip), NULL);
}

GtkWidget *sfg_flash_map_new(void) { return g_object_new(SFG_TYPE_FLASH_MAP, NULL); }

void sfg_flash_map_set_map(SfgFlashMap *self, const sfg_map *map)
{
    self->map = map;
    gtk_widget_queue_resize(GTK_WIDGET(self));
}

void sfg_flash_map_changed(SfgFlashMap *self) { gtk_widget_queue_draw(GTK_WIDGET(self)); }

void sfg_flash_map_set_cell_size(SfgFlashMap *self, int pixels)
{
    self->cell = pixels >= 3 ? pixels : 3;
    gtk_widget_queue_resize(GTK_WIDGET(self));
}
