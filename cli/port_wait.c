/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* port_wait.c - see port_wait.h. */
#define _POSIX_C_SOURCE 200809L
#include "port_wait.h"
#include "gang.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define POLL_MS 100

static void add(char ***names, size_t *count, const char *name)
{
    char **grown = realloc(*names, (*count + 1) * sizeof **names);
    if (!grown || !(grown[*count] = strdup(name)))
        abort();
    *names = grown;
    (*count)++;
}

/* Whether the value names a port now; identities: their matches into *m, *nm. */
static bool present(const char *v, sf_port_info ***m, size_t *nm)
{
    if (sf_port_is_usb_spec(v)) {
        if (*m)
            sf_port_list_free(*m);
        *m = NULL;
        *nm = 0;
        return sf_port_find(v, m, nm, NULL, 0) == SF_OK && *nm > 0;
    }
    if (gang_is_pattern(v)) {
        glob_t g = {0};
        bool any = glob(v, 0, NULL, &g) == 0 && g.gl_pathc > 0;
        globfree(&g);
        return any;
    }
    return access(v, F_OK) == 0;
}

/* Only what can appear is waited for: device paths, patterns and identities. */
static bool can_appear(const char *v)
{
    return v[0] == '/' || sf_port_is_usb_spec(v) || gang_is_pattern(v);
}

static void describe(sf_port_info *p, char *buf, size_t len)
{
    uint16_t vid, pid;
    const char *serial = sf_port_info_serial(p);
    if (sf_port_info_usb_ids(p, &vid, &pid))
        snprintf(buf, len, "%s (%04x:%04x%s%s)", sf_port_info_name(p), vid, pid, serial[0] ? ", serial " : "", serial);
    else
        snprintf(buf, len, "%s", sf_port_info_name(p));
}

int port_wait_resolve(const char *const *given, size_t n, unsigned wait_s, bool many, const volatile int *cancel,
                      cli_out *out, char ***names, size_t *count, char *err, size_t errlen)
{
    *names = NULL;
    *count = 0;
    for (size_t i = 0; i < n; i++) {
        const char *v = given[i];
        char why[400];
        if (sf_port_is_usb_spec(v)) { /* a malformed identity: no waiting for it */
            sf_port_info **probe = NULL;
            size_t np = 0;
            sf_error e = sf_port_find(v, &probe, &np, why, sizeof why);
            sf_port_list_free(probe);
            if (e == SF_ERR_ARG) {
                snprintf(err, errlen, "%s", why);
                gang_free_ports(*names, *count);
                return EXIT_USAGE;
            }
        }
        sf_port_info **m = NULL;
        size_t nm = 0;
        bool here = !can_appear(v) || present(v, &m, &nm);
        if (!here && wait_s) {
            out_say(out, "waiting for %s to appear (up to %u s)...", v, wait_s);
            uint64_t end = out_now_ms() + (uint64_t)wait_s * 1000;
            while (!here && out_now_ms() < end && !*cancel) {
                struct timespec ts = {0, POLL_MS * 1000000L};
                nanosleep(&ts, NULL);
                here = present(v, &m, &nm);
            }
            if (*cancel) {
                sf_port_list_free(m);
                gang_free_ports(*names, *count);
                snprintf(err, errlen, "interrupted while waiting for %s", v);
                return EXIT_CANCELLED;
            }
        }
        if (!here && !wait_s && !sf_port_is_usb_spec(v)) {
            add(names, count, v); /* opening it, or gang_expand, says what is wrong with it */
            continue;
        }
        if (!here) {
            sf_port_list_free(m);
            gang_free_ports(*names, *count);
            if (wait_s)
                snprintf(err, errlen, "%s did not appear in %u s: is the board plugged in and powered? "
                         "('stubflash ports' lists the ports there are)", v, wait_s);
            else
                snprintf(err, errlen, "no port has the USB identity %s: is the adapter plugged in? 'stubflash "
                         "ports' lists the ports with their IDs and serial numbers; --wait waits for it", v);
            return EXIT_NO_DEVICE;
        }
        if (!m) {
            add(names, count, v);
            continue;
        }
        if (nm > 1 && !many) {
            size_t l = (size_t)snprintf(err, errlen, "%s matches %zu ports: ", v, nm);
            for (size_t j = 0; j < nm && l < errlen; j++) {
                char one[300];
                describe(m[j], one, sizeof one);
                l += (size_t)snprintf(err + l, errlen - l, "%s%s", j ? ", " : "", one);
            }
            if (l < errlen)
                snprintf(err + l, errlen - l, "; name one by its serial number (usb:VID:PID:SERIAL)");
            sf_port_list_free(m);
            gang_free_ports(*names, *count);
            return EXIT_USAGE;
        }
        for (size_t j = 0; j < nm; j++) {
            if (out->verbose)
                out_say(out, "%s is %s", v, sf_port_info_name(m[j]));
            add(names, count, sf_port_info_name(m[j]));
        }
        sf_port_list_free(m);
    }
    return 0;
}
