/* port_list.c - enumerate serial ports (libserialport) plus the virtual parts. */
#define _POSIX_C_SOURCE 200809L
#include "sf_internal.h"

#include <libserialport.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy(char *dst, size_t n, const char *src) { snprintf(dst, n, "%s", src ? src : ""); }

sf_error sf_port_list(sf_port_info **list, size_t *count)
{
    if (!list || !count)
        return SF_ERR_ARG;
    *list = NULL;
    *count = 0;
    struct sp_port **ports = NULL;
    size_t nser = 0, nsim = 0;
    if (sp_list_ports(&ports) == SP_OK)
        while (ports[nser])
            nser++;
    while (sf_simport_part_name(nsim))
        nsim++;
    sf_port_info *out = calloc(nser + nsim + 1, sizeof *out);
    if (!out) {
        sp_free_port_list(ports);
        return SF_ERR_NOMEM;
    }
    size_t n = 0;
    for (size_t i = 0; i < nser; i++, n++) {
        sf_port_info *o = &out[n];
        copy(o->name, sizeof o->name, sp_get_port_name(ports[i]));
        copy(o->description, sizeof o->description, sp_get_port_description(ports[i]));
        if (sp_get_port_transport(ports[i]) == SP_TRANSPORT_USB) {
            int vid = 0, pid = 0;
            o->usb = sp_get_port_usb_vid_pid(ports[i], &vid, &pid) == SP_OK;
            o->vid = (uint16_t)vid;
            o->pid = (uint16_t)pid;
            copy(o->serial, sizeof o->serial, sp_get_port_usb_serial(ports[i]));
            copy(o->manufacturer, sizeof o->manufacturer, sp_get_port_usb_manufacturer(ports[i]));
        }
    }
    if (ports)
        sp_free_port_list(ports);
    for (size_t i = 0; i < nsim; i++, n++) {
        snprintf(out[n].name, sizeof out[n].name, "sim:%s", sf_simport_part_name(i));
        snprintf(out[n].description, sizeof out[n].description, "virtual %s (in-process simulator)",
                 sf_simport_part_name(i));
    }
    *list = out;
    *count = n;
    return SF_OK;
}

void sf_port_list_free(sf_port_info *list) { free(list); }
