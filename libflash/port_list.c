/* port_list.c - enumerate serial ports (libserialport) plus the ports libraries offer (sim:). */
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
    size_t nser = 0, nprov = 0;
    sf_port_info *provided = NULL;
    if (sf_provider_list(&provided, &nprov) != SF_OK)
        return SF_ERR_NOMEM;
    if (sp_list_ports(&ports) == SP_OK)
        while (ports[nser])
            nser++;
    sf_port_info *out = calloc(nser + nprov + 1, sizeof *out);
    if (!out) {
        sp_free_port_list(ports);
        free(provided);
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
    for (size_t i = 0; i < nprov; i++, n++)
        out[n] = provided[i];
    free(provided);
    *list = out;
    *count = n;
    return SF_OK;
}

void sf_port_list_free(sf_port_info *list) { free(list); }
