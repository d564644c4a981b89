/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_unicorn.h - the libunicorn functions the CPU model calls, loaded at run time. Loading
 * the library (its relocations) takes about 11 ms: linked, every program with a virtual board
 * waited that long before the board even started; loaded with a board's first core, made in
 * the background while the ROM already talks (sim_board.c), it costs the host nothing. */
#ifndef SIM_UNICORN_H
#define SIM_UNICORN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unicorn/unicorn.h>

/* The library's name as Debian's libunicorn2 installs it (its SONAME). */
#define SIM_UNICORN_LIBRARY "libunicorn.so.2"

typedef struct sim_unicorn {
    uc_err (*open)(uc_arch arch, uc_mode mode, uc_engine **uc);
    uc_err (*close)(uc_engine *uc);
    uc_err (*ctl)(uc_engine *uc, uc_control_type control, ...);
    const char *(*strerror)(uc_err code);
    uc_err (*reg_write)(uc_engine *uc, int regid, const void *value);
    uc_err (*reg_read)(uc_engine *uc, int regid, void *value);
    uc_err (*emu_start)(uc_engine *uc, uint64_t begin, uint64_t until, uint64_t timeout, size_t count);
    uc_err (*emu_stop)(uc_engine *uc);
    uc_err (*hook_add)(uc_engine *uc, uc_hook *hh, int type, void *callback, void *user_data, uint64_t begin,
                       uint64_t end, ...);
    uc_err (*mem_unmap)(uc_engine *uc, uint64_t address, size_t size);
    uc_err (*mem_map_ptr)(uc_engine *uc, uint64_t address, size_t size, uint32_t perms, void *ptr);
    uc_err (*mmio_map)(uc_engine *uc, uint64_t address, size_t size, uc_cb_mmio_read_t read_cb, void *user_read,
                       uc_cb_mmio_write_t write_cb, void *user_write);
} sim_unicorn;

/* Fill u with the library's functions, loading it if no one has yet. It stays loaded for the
 * process's life, as a linked library would (loading it again per board would cost the 11 ms
 * each time). False, with the reason in err (size errlen), if it or a function is missing. */
bool sim_unicorn_load(sim_unicorn *u, char *err, size_t errlen);

#endif
