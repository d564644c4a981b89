/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* port_provider.c - ports another library offers (stubflash/port-provider.h), loaded with
 * dlopen() by each sf_port_open or sf_port_list that needs them: "sim:" ports come from the
 * virtual STM32's libstubflash-sim.so.0, so that this library does not link the emulator. */
#define _POSIX_C_SOURCE 200809L
#include "sf_internal.h"
#include "stubflash/port-provider.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where the ports of a prefix come from, and what to tell the user when they cannot. */
typedef struct provider_library {
    const char *prefix;   /* of the port names it opens, e.g. "sim:" */
    const char *file;     /* the library, found on the library path */
    const char *file_env; /* an environment variable that names another file */
    const char *entry;    /* the function returning its sf_port_provider */
    const char *what;     /* for the sentence when it is missing */
    const char *package;  /* the Debian package holding it */
} provider_library;

static const provider_library libraries[] = {
    {"sim:", "libstubflash-sim.so.0", "STUBFLASH_SIM_LIBRARY", "sf_sim_port_provider", "the virtual STM32",
     "stubflash-sim"},
};

/* An open port of a provider: what sf_port's calls go to. */
typedef struct provided_port {
    const sf_port_provider *provider;
    void *port;    /* the provider's handle */
    void *library; /* dlopen's handle, closed after the port */
} provided_port;

static const provider_library *library_for(const char *name)
{
    for (size_t i = 0; i < sizeof libraries / sizeof libraries[0]; i++)
        if (strncmp(name, libraries[i].prefix, strlen(libraries[i].prefix)) == 0)
            return &libraries[i];
    return NULL;
}

/* dlopen the library and get its provider; *handle is for dlclose. */
static sf_error load(const provider_library *lib, void **handle, const sf_port_provider **provider, sf_errbuf *eb)
{
    const char *file = getenv(lib->file_env);
    if (!file || !*file)
        file = lib->file;
    /* NODELETE: the last dlclose leaves it mapped, so that a program that lists ports every
     * second or opens a board per test does not load and relocate the emulator each time
     * (28 ms a list, 40 ms an open and close; 1 ms and 2 ms when it stays). */
    void *h = dlopen(file, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!h)
        return sf_fail(eb, SF_ERR_PORT, "%s ports need %s (%s, package %s), which is not installed: %s",
                       lib->prefix, lib->what, lib->file, lib->package, dlerror());
    /* POSIX lets dlsym's object pointer hold a function's address. */
    const sf_port_provider *(*entry)(void) = (const sf_port_provider *(*)(void))dlsym(h, lib->entry);
    const sf_port_provider *p = entry ? entry() : NULL;
    if (!p || p->version < 1) { /* what version 2 added (usb_identity) is looked at only there */
        sf_fail(eb, SF_ERR_PORT, "%s ports need %s, but %s is not a port provider of version 1 or later "
                "(package %s)", lib->prefix, lib->what, file, lib->package);
        dlclose(h);
        return SF_ERR_PORT;
    }
    *handle = h;
    *provider = p;
    return SF_OK;
}

static char *text(sf_errbuf *eb) { return eb ? eb->text : NULL; }
static size_t size(sf_errbuf *eb) { return eb && eb->text ? eb->size : 0; }

static sf_error provided_set_format(void *impl, uint32_t baud, bool parity_even, sf_errbuf *eb)
{
    provided_port *pp = impl;
    return pp->provider->set_format(pp->port, baud, parity_even, text(eb), size(eb));
}

static sf_error provided_write(void *impl, const uint8_t *data, size_t len, sf_errbuf *eb)
{
    provided_port *pp = impl;
    return pp->provider->write(pp->port, data, len, text(eb), size(eb));
}

static sf_error provided_read(void *impl, uint8_t *data, size_t len, size_t *got, unsigned timeout_ms, sf_errbuf *eb)
{
    provided_port *pp = impl;
    return pp->provider->read(pp->port, data, len, got, timeout_ms, text(eb), size(eb));
}

static sf_error provided_flush_input(void *impl, sf_errbuf *eb)
{
    provided_port *pp = impl;
    return pp->provider->flush_input(pp->port, text(eb), size(eb));
}

static sf_error provided_set_lines(void *impl, int dtr, int rts, int brk, sf_errbuf *eb)
{
    provided_port *pp = impl;
    return pp->provider->set_lines(pp->port, dtr, rts, brk, text(eb), size(eb));
}

static void provided_close(void *impl)
{
    provided_port *pp = impl;
    pp->provider->close(pp->port);
    dlclose(pp->library);
    free(pp);
}

static bool provided_usb_identity(void *impl, uint16_t *vid, uint16_t *pid, char *serial, size_t serial_size)
{
    provided_port *pp = impl;
    return pp->provider->version >= 2 && pp->provider->usb_identity &&
           pp->provider->usb_identity(pp->port, vid, pid, serial, serial_size);
}

static const sf_port_ops provided_ops = {
    provided_set_format, provided_write, provided_read, provided_flush_input, provided_set_lines, provided_close,
    false, provided_usb_identity,
};

bool sf_provider_claims(const char *name) { return library_for(name) != NULL; }

sf_error sf_provider_open(const char *name, const sf_port_ops **ops, void **impl, sf_errbuf *eb)
{
    const provider_library *lib = library_for(name);
    if (!lib)
        return sf_fail(eb, SF_ERR_PORT, "%s: no library offers this port", name);
    provided_port *pp = calloc(1, sizeof *pp);
    if (!pp)
        return sf_fail(eb, SF_ERR_NOMEM, "out of memory");
    sf_error e = load(lib, &pp->library, &pp->provider, eb);
    if (e == SF_OK)
        e = pp->provider->open(name, &pp->port, text(eb), size(eb));
    if (e != SF_OK) {
        if (pp->library)
            dlclose(pp->library);
        free(pp);
        return e;
    }
    *ops = &provided_ops;
    *impl = pp;
    return SF_OK;
}

sf_error sf_provider_list(sf_provided_port **list, size_t *count)
{
    *list = NULL;
    *count = 0;
    for (size_t i = 0; i < sizeof libraries / sizeof libraries[0]; i++) {
        void *h;
        const sf_port_provider *p;
        if (load(&libraries[i], &h, &p, NULL) != SF_OK)
            continue; /* not installed: its ports are not there */
        for (size_t k = 0;; k++) {
            sf_provided_port *grown = realloc(*list, (*count + 1) * sizeof *grown);
            if (!grown) {
                dlclose(h);
                free(*list);
                *list = NULL;
                *count = 0;
                return SF_ERR_NOMEM;
            }
            *list = grown;
            sf_provided_port *o = &grown[*count];
            memset(o, 0, sizeof *o);
            if (!p->port_at(k, o->name, sizeof o->name, o->description, sizeof o->description))
                break;
            ++*count;
        }
        dlclose(h);
    }
    return SF_OK;
}
