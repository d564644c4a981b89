/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* port_list.c - enumerate serial ports (libserialport) plus the ports libraries offer (sim:),
 * as a list of opaque entries. */
#define _POSIX_C_SOURCE 200809L
#include "port_match.h"
#include "sf_internal.h"

#include <libserialport.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sf_port_info {
    char *name, *description, *serial, *manufacturer; /* never NULL */
    bool usb;                                         /* vid and pid are known */
    uint16_t vid, pid;
};

static void free_entry(sf_port_info *o)
{
    if (!o)
        return;
    free(o->name);
    free(o->description);
    free(o->serial);
    free(o->manufacturer);
    free(o);
}

static sf_port_info *new_entry(const char *name, const char *description, const char *serial,
                               const char *manufacturer)
{
    sf_port_info *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->name = strdup(name ? name : "");
    o->description = strdup(description ? description : "");
    o->serial = strdup(serial ? serial : "");
    o->manufacturer = strdup(manufacturer ? manufacturer : "");
    if (!o->name || !o->description || !o->serial || !o->manufacturer) {
        free_entry(o);
        return NULL;
    }
    return o;
}

static sf_port_info *serial_entry(struct sp_port *p)
{
    if (sp_get_port_transport(p) != SP_TRANSPORT_USB)
        return new_entry(sp_get_port_name(p), sp_get_port_description(p), NULL, NULL);
    sf_port_info *o = new_entry(sp_get_port_name(p), sp_get_port_description(p), sp_get_port_usb_serial(p),
                                sp_get_port_usb_manufacturer(p));
    int vid = 0, pid = 0;
    if (o && sp_get_port_usb_vid_pid(p, &vid, &pid) == SP_OK) {
        o->usb = true;
        o->vid = (uint16_t)vid;
        o->pid = (uint16_t)pid;
    }
    return o;
}

sf_error sf_port_list(sf_port_info ***list, size_t *count)
{
    if (!list || !count)
        return SF_ERR_ARG;
    *list = NULL;
    *count = 0;
    struct sp_port **ports = NULL;
    sf_provided_port *provided = NULL;
    size_t nser = 0, nprov = 0;
    if (sf_provider_list(&provided, &nprov) != SF_OK)
        return SF_ERR_NOMEM;
    if (sp_list_ports(&ports) == SP_OK)
        while (ports[nser])
            nser++;
    sf_port_info **out = calloc(nser + nprov + 1, sizeof *out);
    size_t n = 0;
    for (size_t i = 0; out && i < nser + nprov; i++, n++) {
        out[n] = i < nser ? serial_entry(ports[i])
                          : new_entry(provided[i - nser].name, provided[i - nser].description, NULL, NULL);
        if (!out[n]) {
            sf_port_list_free(out);
            out = NULL;
        }
    }
    if (ports)
        sp_free_port_list(ports);
    free(provided);
    if (!out)
        return SF_ERR_NOMEM;
    *list = out;
    *count = n;
    return SF_OK;
}

void sf_port_list_free(sf_port_info **list)
{
    for (size_t i = 0; list && list[i]; i++)
        free_entry(list[i]);
    free(list);
}

const char *sf_port_info_name(const sf_port_info *info) { return info ? info->name : ""; }
const char *sf_port_info_description(const sf_port_info *info) { return info ? info->description : ""; }
const char *sf_port_info_serial(const sf_port_info *info) { return info ? info->serial : ""; }
const char *sf_port_info_manufacturer(const sf_port_info *info) { return info ? info->manufacturer : ""; }

bool sf_port_info_usb_ids(const sf_port_info *info, uint16_t *vid, uint16_t *pid)
{
    if (!info || !info->usb)
        return false;
    if (vid)
        *vid = info->vid;
    if (pid)
        *pid = info->pid;
    return true;
}

bool sf_port_is_usb_spec(const char *name) { return sfi_port_is_usb_spec(name); }

sf_error sf_port_find(const char *spec, sf_port_info ***matches, size_t *count, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = 0;
    if (!matches || !count)
        return SF_ERR_ARG;
    *matches = NULL;
    *count = 0;
    sfi_usb_spec s;
    if (!sfi_usb_spec_parse(spec, &s, err, errlen))
        return SF_ERR_ARG;
    sf_port_info **list;
    size_t n, k = 0;
    sf_error e = sf_port_list(&list, &n);
    if (e)
        return e;
    /* Keep the entries that match, in the list's order, and free the others. */
    for (size_t i = 0; i < n; i++) {
        sfi_port_desc d = {list[i]->name, list[i]->serial, list[i]->usb, list[i]->vid, list[i]->pid};
        if (sfi_usb_spec_matches(&s, &d))
            list[k++] = list[i];
        else
            free_entry(list[i]);
    }
    list[k] = NULL;
    *matches = list;
    *count = k;
    return SF_OK;
}

void sfi_port_describe(const sf_port_info *info, char *buf, size_t len)
{
    if (info->usb)
        snprintf(buf, len, "%s (%04x:%04x%s%s)", info->name, info->vid, info->pid, info->serial[0] ? ", serial " : "",
                 info->serial);
    else
        snprintf(buf, len, "%s", info->name);
}

sf_error sf_port_resolve_eb(const char *spec, char **name, sf_errbuf *eb)
{
    sf_port_info **m;
    size_t n;
    char err[300];
    sf_error e = sf_port_find(spec, &m, &n, err, sizeof err);
    if (e)
        return sf_fail(eb, e == SF_ERR_ARG ? SF_ERR_PORT : e, "%s", err[0] ? err : "cannot list the ports");
    if (n == 1) {
        *name = strdup(m[0]->name);
        sf_port_list_free(m);
        return *name ? SF_OK : sf_fail(eb, SF_ERR_NOMEM, "out of memory");
    }
    if (n == 0)
        e = sf_fail(eb, SF_ERR_PORT, "%s: no port has this USB identity; is the adapter plugged in? 'stubflash ports' "
                    "lists the ports with their IDs and serial numbers", spec);
    else {
        char list[900] = "", one[300];
        for (size_t i = 0; i < n; i++) {
            sfi_port_describe(m[i], one, sizeof one);
            size_t l = strlen(list);
            snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", one);
        }
        e = sf_fail(eb, SF_ERR_PORT, "%s matches %zu ports: %s; name one by its serial number (usb:VID:PID:SERIAL)",
                    spec, n, list);
    }
    sf_port_list_free(m);
    return e;
}
