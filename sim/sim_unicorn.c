/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_unicorn.c - libunicorn loaded at run time (sim_unicorn.h). */
#include "sim_unicorn.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* One function of the library into *slot (its address as dlsym gives it). */
static bool find(void *lib, const char *name, void *slot, char *err, size_t errlen)
{
    void *f = dlsym(lib, name);
    if (!f) {
        snprintf(err, errlen, "%s has no %s", SIM_UNICORN_LIBRARY, name);
        return false;
    }
    memcpy(slot, &f, sizeof f); /* object pointer to function pointer, as POSIX allows */
    return true;
}

bool sim_unicorn_load(sim_unicorn *u, char *err, size_t errlen)
{
    void *lib = dlopen(SIM_UNICORN_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *why = dlerror();
        snprintf(err, errlen, "cannot load %s (package libunicorn2): %s", SIM_UNICORN_LIBRARY, why ? why : "not found");
        return false;
    }
    return find(lib, "uc_open", &u->open, err, errlen) && find(lib, "uc_close", &u->close, err, errlen) &&
           find(lib, "uc_ctl", &u->ctl, err, errlen) && find(lib, "uc_strerror", &u->strerror, err, errlen) &&
           find(lib, "uc_reg_write", &u->reg_write, err, errlen) && find(lib, "uc_reg_read", &u->reg_read, err, errlen) &&
           find(lib, "uc_emu_start", &u->emu_start, err, errlen) && find(lib, "uc_emu_stop", &u->emu_stop, err, errlen) &&
           find(lib, "uc_hook_add", &u->hook_add, err, errlen) &&
           find(lib, "uc_mem_map_ptr", &u->mem_map_ptr, err, errlen) &&
           find(lib, "uc_mem_unmap", &u->mem_unmap, err, errlen) &&
           find(lib, "uc_mmio_map", &u->mmio_map, err, errlen);
}
