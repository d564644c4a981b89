/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-port-monitor.c - see sfg-port-monitor.h. */
#include "sfg-port-monitor.h"

#include <gudev/gudev.h>
#include <string.h>

#include "gui-logic.h"

struct _SfgPortMonitor {
    GObject parent;
    GUdevClient *udev;
    GPtrArray *names, *labels;
};

G_DEFINE_FINAL_TYPE(SfgPortMonitor, sfg_port_monitor, G_TYPE_OBJECT)

enum { SIG_CHANGED, SIG_REMOVED, N_SIGNALS };
static guint signals[N_SIGNALS];

static gint find(SfgPortMonitor *self, const char *name)
{
    for (guint i = 0; i < self->names->len; i++)
        if (!strcmp(g_ptr_array_index(self->names, i), name))
            return (gint)i;
    return -1;
}

void sfg_port_monitor_event(SfgPortMonitor *self, const char *action, const char *node, const char *description,
                            const char *serial)
{
    if (!node || !*node)
        return;
    gint at = find(self, node);
    if (!g_strcmp0(action, "add")) {
        char *label = sfg_port_label(node, description, serial);
        if (at >= 0) {
            g_free(self->labels->pdata[at]);
            self->labels->pdata[at] = label;
        } else {
            g_ptr_array_add(self->names, g_strdup(node));
            g_ptr_array_add(self->labels, label);
        }
        g_signal_emit(self, signals[SIG_CHANGED], 0);
    } else if (!g_strcmp0(action, "remove") && at >= 0) {
        char *name = g_strdup(node);
        g_ptr_array_remove_index(self->names, (guint)at);
        g_ptr_array_remove_index(self->labels, (guint)at);
        g_signal_emit(self, signals[SIG_REMOVED], 0, name); /* while the chooser still shows it */
        g_signal_emit(self, signals[SIG_CHANGED], 0);
        g_free(name);
    }
}

/* A tty without a device behind it (the kernel's virtual consoles, ttyS ports with no UART)
 * is not a port anyone plugs in. */
static gboolean is_serial_adapter(GUdevDevice *d)
{
    GUdevDevice *parent = g_udev_device_get_parent(d);
    gboolean yes = parent != NULL;
    g_clear_object(&parent);
    return yes;
}

static void on_uevent(GUdevClient *c, const char *action, GUdevDevice *d, gpointer data)
{
    (void)c;
    SfgPortMonitor *self = data;
    if (!strcmp(action, "add") && !is_serial_adapter(d))
        return;
    const char *desc = g_udev_device_get_property(d, "ID_MODEL_FROM_DATABASE");
    if (!desc)
        desc = g_udev_device_get_property(d, "ID_MODEL");
    sfg_port_monitor_event(self, action, g_udev_device_get_device_file(d), desc,
                           g_udev_device_get_property(d, "ID_SERIAL_SHORT"));
}

static void fill(SfgPortMonitor *self)
{
    sf_port_info **list = NULL;
    size_t n = 0;
    if (sf_port_list(&list, &n) != SF_OK)
        n = 0;
    for (size_t i = 0; i < n; i++) {
        g_ptr_array_add(self->names, g_strdup(sf_port_info_name(list[i])));
        g_ptr_array_add(self->labels, sfg_port_label(sf_port_info_name(list[i]), sf_port_info_description(list[i]),
                                                     sf_port_info_serial(list[i])));
    }
    sf_port_list_free(list);
}

static void sfg_port_monitor_dispose(GObject *o)
{
    SfgPortMonitor *self = SFG_PORT_MONITOR(o);
    if (self->udev)
        g_signal_handlers_disconnect_by_data(self->udev, self);
    g_clear_object(&self->udev);
    G_OBJECT_CLASS(sfg_port_monitor_parent_class)->dispose(o);
}

static void sfg_port_monitor_finalize(GObject *o)
{
    SfgPortMonitor *self = SFG_PORT_MONITOR(o);
    g_ptr_array_unref(self->names);
    g_ptr_array_unref(self->labels);
    G_OBJECT_CLASS(sfg_port_monitor_parent_class)->finalize(o);
}

static void sfg_port_monitor_class_init(SfgPortMonitorClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = sfg_port_monitor_dispose;
    G_OBJECT_CLASS(klass)->finalize = sfg_port_monitor_finalize;
    signals[SIG_CHANGED] = g_signal_new("changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 0);
    signals[SIG_REMOVED] = g_signal_new("removed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void sfg_port_monitor_init(SfgPortMonitor *self)
{
    self->names = g_ptr_array_new_with_free_func(g_free);
    self->labels = g_ptr_array_new_with_free_func(g_free);
    fill(self);
    static const char *const subsystems[] = {"tty", NULL};
    self->udev = g_udev_client_new(subsystems);
    g_signal_connect(self->udev, "uevent", G_CALLBACK(on_uevent), self);
}

SfgPortMonitor *sfg_port_monitor_new(void) { return g_object_new(SFG_TYPE_PORT_MONITOR, NULL); }

guint sfg_port_monitor_count(SfgPortMonitor *self) { return self->names->len; }

const char *sfg_port_monitor_name(SfgPortMonitor *self, guint i)
{
    return i < self->names->len ? g_ptr_array_index(self->names, i) : NULL;
}

const char *sfg_port_monitor_label(SfgPortMonitor *self, guint i)
{
    return i < self->labels->len ? g_ptr_array_index(self->labels, i) : NULL;
}
