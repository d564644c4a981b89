/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-port-monitor.h - the serial ports there are, kept up to date by udev (GUdev, subsystem
 * "tty") instead of polling: an adapter plugged in is listed at once with its description and
 * serial number; one unplugged goes. The udev callback and sfg_port_monitor_event (which tests
 * use, since udev does not announce pseudo-terminals) take the same path. */
#ifndef SFG_PORT_MONITOR_H
#define SFG_PORT_MONITOR_H

#include <glib-object.h>

#define SFG_TYPE_PORT_MONITOR (sfg_port_monitor_get_type())
G_DECLARE_FINAL_TYPE(SfgPortMonitor, sfg_port_monitor, SFG, PORT_MONITOR, GObject)

/* Lists the ports there are now (libstubflash's sf_port_list, virtual boards included) and
 * watches udev. Signals:
 * "changed" () when the list changed; "removed" (const char *name) when a port went away. */
SfgPortMonitor *sfg_port_monitor_new(void);
guint sfg_port_monitor_count(SfgPortMonitor *self);
/* Port i: its name and the label the chooser shows; NULL past the end. */
const char *sfg_port_monitor_name(SfgPortMonitor *self, guint i);
const char *sfg_port_monitor_label(SfgPortMonitor *self, guint i);
/* A udev event: action "add" or "remove", the port (udev's device node), and (add) what udev
 * says of it. */
void sfg_port_monitor_event(SfgPortMonitor *self, const char *action, const char *node, const char *description,
                            const char *serial);

#endif
